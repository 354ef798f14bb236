/*
 * The process pool of a sweep (sweep_pool.h): forks one child per run, reads its
 * result and stderr, reaps it, kills it at its timeout, and stores the run.
 *
 * A run's life in the pool, each arrow naming the function that takes it:
 *
 *   todo --slot_start()--> running (child forked; its result and stderr pipes open)
 *   running --pool_wait()--> done (both pipes at EOF, child reaped) --slot_finish()-->
 *           stored ok | stored failed
 *   running --pool_timeouts()--> killed (SIGKILL) --pool_wait()--> stored failed
 *
 * The child runs xs_run() on the scenario the parent loaded before fork() and writes
 * its result to a pipe in the format of sweep_wire.h; only the parent touches the
 * database, one transaction per run. A child dies with its parent (PR_SET_PDEATHSIG),
 * so a killed sweep leaves no runs behind it.
 *
 * Test hooks (tests only, read in the child): WPSIM_TEST_CRASH_SEED=N makes the runs of
 * seed N abort(); WPSIM_TEST_HANG_SEED=N makes them sleep until killed.
 */
#include "sweep/sweep_pool.h"
#include "sweep/sweep_internal.h"
#include "sweep/sweep_kv.h"
#include "sweep/sweep_progress.h"
#include "sweep/sweep_wire.h"
#include "outcome/outcome.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

struct buf {
	char *p;
	size_t n, cap;
};

static bool buf_add(struct buf *b, const char *p, size_t n)
{
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *np;

		while (cap < b->n + n)
			cap *= 2;
		np = realloc(b->p, cap);
		if (!np)
			return false;
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
	return true;
}

struct slot {
	pid_t pid; /* 0: free */
	int out_fd, err_fd;
	struct xs_sweep_point pt;
	char run_key[XS_RUN_KEY_MAX];
	char started_at[32];
	double t0, deadline;
	bool timed_out, oom;
	struct buf msg;
	char err_tail[XS_ERR_TAIL + 1];
	size_t err_len;
	struct xs_sweep_kv params;
};

struct pool {
	const struct xs_sweep *sw;
	const struct xs_sweep_opts *o;
	struct xs_store *st;
	int64_t sweep_id;
	char host[256];
	struct slot *slots;
	unsigned nactive;
	struct xs_sweep_progress pg;
	struct xs_sweep_tally t;
	bool fatal; /* the database or the system failed: stop */
	struct xs_scenario *sc;
};

/* Test hooks (file header): WPSIM_TEST_CRASH_SEED, WPSIM_TEST_HANG_SEED. */
static bool env_seed(const char *name, uint64_t seed)
{
	const char *v = getenv(name);
	uint64_t s;

	return v && xs_sweep_u64_parse(v, &s) && s == seed;
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* In the child: run sc, send the result on fd 3, exit. Never returns. */
static void child_main(const struct xs_scenario *sc, uint64_t seed, int out_fd, int err_fd,
		       pid_t parent)
{
	struct xs_run_result res;
	char err[1024], *msg = NULL;
	size_t len = 0;
	FILE *m;
	int o, e, null, ret;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	signal(SIGPIPE, SIG_DFL);
	o = fcntl(out_fd, F_DUPFD, 10);
	e = fcntl(err_fd, F_DUPFD, 10);
	null = open("/dev/null", O_RDWR);
	if (o < 0 || e < 0 || null < 0)
		_exit(126);
	dup2(null, 0);
	dup2(null, 1);
	dup2(e, 2);
	dup2(o, 3);
	close_range(4, ~0U, 0);
	if (env_seed("WPSIM_TEST_CRASH_SEED", seed)) {
		fprintf(stderr, "wpsim: test crash (WPSIM_TEST_CRASH_SEED=%llu)\n",
			(unsigned long long)seed);
		abort();
	}
	while (env_seed("WPSIM_TEST_HANG_SEED", seed))
		pause();
	ret = xs_run(sc, NULL, &res, err, sizeof(err));
	m = open_memstream(&msg, &len);
	if (!m)
		_exit(125);
	xs_sweep_wire_write(m, ret ? err : NULL, &res);
	fclose(m);
	write_all(3, msg, len);
	_exit(0);
}

static void slot_close(struct slot *s)
{
	if (s->out_fd >= 0)
		close(s->out_fd);
	if (s->err_fd >= 0)
		close(s->err_fd);
	s->out_fd = s->err_fd = -1;
	free(s->msg.p);
	memset(&s->msg, 0, sizeof(s->msg));
	xs_sweep_kv_free(&s->params);
	s->pid = 0;
}

/* Store the run of slot s (ok or failed) and count it. */
static void slot_store(struct pool *pl, struct slot *s, bool ok, const char *error,
		       const struct xs_sweep_wire *cr, const struct xs_sweep_kv *metrics)
{
	struct xs_store_run r = {0};
	char err[1024];
	const char *v;
	int64_t id;
	int ret;

	r.sweep_id = pl->sweep_id;
	r.run_key = s->run_key;
	r.scenario = pl->sw->scenario;
	r.seed = s->pt.seed;
	r.ok = ok;
	r.error = error;
	r.wall_time_s = xs_sweep_mono_s() - s->t0;
	r.started_at = s->started_at;
	r.version = XS_WPSIM_VERSION;
	r.host = pl->host;
	r.params = s->params.v;
	r.nparams = s->params.n;
	if (ok) {
		r.metrics = metrics->v;
		r.nmetrics = metrics->n;
		r.latency = cr->latency;
		r.nlatency = (size_t)cr->nlatency;
		r.anomalies = cr->anomalies;
		r.nanomalies = cr->nanomalies;
		if ((v = xs_sweep_kv_get(metrics, XS_OUTCOME_SIM_TIME_S)) != NULL) {
			r.has_sim_time = true;
			r.sim_time_s = strtod(v, NULL);
		}
		if ((v = xs_sweep_kv_get(metrics, XS_OUTCOME_WALL_TIME_S)) != NULL)
			r.wall_time_s = strtod(v, NULL);
	}
	ret = xs_store_put_run(pl->st, &r, &id, err, sizeof(err));
	if (ret < 0) {
		fprintf(pl->o->log, "%swpsim sweep: %s\n", pl->pg.mode == 1 ? "\n" : "", err);
		pl->t.status = 1;
		pl->fatal = true;
		return;
	}
	if (ret == 1) { /* another writer stored this run meanwhile */
		pl->t.dup++;
	} else if (ok) {
		pl->t.ok++;
		v = xs_sweep_kv_get(metrics, XS_OUTCOME_LOST_BYTES);
		if (v && strcmp(v, "0") != 0) {
			pl->t.loss++;
			pl->pg.loss++;
		}
	} else {
		pl->t.failed++;
		pl->pg.failed++;
		if (pl->t.status == 0)
			pl->t.status = 1;
	}
	pl->pg.done++;
	xs_sweep_progress_show(&pl->pg, false);
}

/* The child of slot s has ended (status from waitpid): record the run. */
static void slot_finish(struct pool *pl, struct slot *s, int wstatus)
{
	struct xs_sweep_wire cr;
	struct xs_sweep_kv metrics = {0};
	char error[2 * XS_ERR_TAIL + 256] = "", tail[XS_ERR_TAIL + 16] = "";
	bool parsed = xs_sweep_wire_parse(s->msg.p ? s->msg.p : "", s->msg.n, &cr);
	size_t n = s->err_len;

	while (n && (s->err_tail[n - 1] == '\n' || s->err_tail[n - 1] == ' '))
		n--;
	if (n)
		snprintf(tail, sizeof(tail), "; stderr: %.*s", (int)n, s->err_tail);
	if (s->timed_out)
		snprintf(error, sizeof(error), "timed out after %.3f s (timeout = %g s)",
			 xs_sweep_mono_s() - s->t0, pl->sw->timeout_s);
	else if (WIFSIGNALED(wstatus))
		snprintf(error, sizeof(error), "killed by signal %d (%s)%s", WTERMSIG(wstatus),
			 strsignal(WTERMSIG(wstatus)), tail);
	else if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0)
		snprintf(error, sizeof(error), "exit status %d%s", WEXITSTATUS(wstatus), tail);
	else if (s->oom)
		snprintf(error, sizeof(error), "out of memory reading the run's result");
	else if (!parsed)
		snprintf(error, sizeof(error), "no complete result from the run%s", tail);
	else if (cr.error)
		snprintf(error, sizeof(error), "%s", cr.error[0] ? cr.error : "the run failed");
	if (pl->fatal)
		goto out; /* killed by pool_run() after a failure of the sweep itself */
	if (!error[0]) {
		if (xs_sweep_kv_outcomes(cr.outcomes, &metrics))
			snprintf(error, sizeof(error),
				 "an outcome line of the run not in the table");
		else if (metrics.oom)
			snprintf(error, sizeof(error), "out of memory");
	}
	slot_store(pl, s, !error[0], error, &cr, &metrics);
out:
	xs_sweep_kv_free(&metrics);
	xs_sweep_wire_free(&cr);
	slot_close(s);
	pl->nactive--;
}

/* Fork the run at index into the free slot s. */
static int slot_start(struct pool *pl, struct slot *s, uint64_t index)
{
	const struct xs_sweep *sw = pl->sw;
	struct xs_override ov[XS_SWEEP_MAX_AXES + 1];
	char seed[32], err[1024];
	int outp[2], errp[2];
	pid_t pid, parent = getpid();

	memset(s, 0, sizeof(*s));
	s->out_fd = s->err_fd = -1;
	xs_sweep_point(sw, index, &s->pt);
	xs_sweep_run_key(sw, &s->pt, s->run_key, sizeof(s->run_key));
	xs_store_now(s->started_at, sizeof(s->started_at));
	s->t0 = xs_sweep_mono_s();
	s->deadline = sw->timeout_s > 0 ? s->t0 + sw->timeout_s : 0;
	xs_sweep_overrides(sw, s->pt.val, ov);
	snprintf(seed, sizeof(seed), "%llu", (unsigned long long)s->pt.seed);
	ov[sw->naxes] = (struct xs_override){"global", "seed", seed};
	if (xs_scenario_load(sw->scenario, ov, sw->naxes + 1, sw->devices_dir, pl->sc, err,
			     sizeof(err))) {
		/* checked at load time: the scenario file changed since */
		slot_store(pl, s, false, err, NULL, NULL);
		slot_close(s);
		return 0;
	}
	xs_scenario_foreach_param(pl->sc, xs_sweep_kv_add, &s->params);
	if (s->params.oom || pipe2(outp, O_CLOEXEC)) {
		fprintf(pl->o->log, "wpsim sweep: %s\n", strerror(s->params.oom ? ENOMEM : errno));
		slot_close(s);
		return -1;
	}
	if (pipe2(errp, O_CLOEXEC)) {
		fprintf(pl->o->log, "wpsim sweep: pipe: %s\n", strerror(errno));
		close(outp[0]);
		close(outp[1]);
		slot_close(s);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		child_main(pl->sc, s->pt.seed, outp[1], errp[1], parent);
	close(outp[1]);
	close(errp[1]);
	s->out_fd = outp[0];
	s->err_fd = errp[0];
	if (pid < 0) {
		fprintf(pl->o->log, "wpsim sweep: fork: %s\n", strerror(errno));
		slot_close(s);
		return -1;
	}
	s->pid = pid;
	pl->nactive++;
	return 0;
}

/* Read what the children wrote, reap those that ended, until one event or timeout_ms. */
static void pool_wait(struct pool *pl, int timeout_ms)
{
	unsigned nj = pl->o->jobs, i, k = 0;
	struct pollfd *fds = calloc(2 * (size_t)nj, sizeof(*fds));
	char chunk[65536];

	if (!fds) {
		pl->t.status = 1;
		return;
	}
	for (i = 0; i < nj; i++) {
		struct slot *s = &pl->slots[i];

		if (!s->pid)
			continue;
		if (s->out_fd >= 0)
			fds[k++] = (struct pollfd){.fd = s->out_fd, .events = POLLIN};
		if (s->err_fd >= 0)
			fds[k++] = (struct pollfd){.fd = s->err_fd, .events = POLLIN};
	}
	if (k && poll(fds, k, timeout_ms) < 0 && errno != EINTR) {
		free(fds);
		pl->t.status = 1;
		return;
	}
	for (i = 0; i < nj; i++) {
		struct slot *s = &pl->slots[i];
		unsigned j;

		for (j = 0; j < k && s->pid; j++) {
			ssize_t n;

			if (!fds[j].revents || (fds[j].fd != s->out_fd && fds[j].fd != s->err_fd))
				continue;
			n = read(fds[j].fd, chunk, sizeof(chunk));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				close(fds[j].fd);
				if (fds[j].fd == s->out_fd)
					s->out_fd = -1;
				else
					s->err_fd = -1;
			} else if (fds[j].fd == s->out_fd) {
				s->oom |= !buf_add(&s->msg, chunk, (size_t)n);
			} else {
				/* keep the tail of stderr */
				size_t m = (size_t)n > XS_ERR_TAIL ? XS_ERR_TAIL : (size_t)n;

				if (s->err_len + m > XS_ERR_TAIL) {
					size_t drop = s->err_len + m - XS_ERR_TAIL;

					memmove(s->err_tail, s->err_tail + drop, s->err_len - drop);
					s->err_len -= drop;
				}
				memcpy(s->err_tail + s->err_len, chunk + (size_t)n - m, m);
				s->err_len += m;
			}
		}
		if (s->pid && s->out_fd < 0 && s->err_fd < 0) {
			int wstatus = 0;

			while (waitpid(s->pid, &wstatus, 0) < 0 && errno == EINTR)
				;
			slot_finish(pl, s, wstatus);
		}
	}
	free(fds);
}

static void pool_timeouts(struct pool *pl, int *timeout_ms)
{
	double now = xs_sweep_mono_s();
	unsigned i;

	for (i = 0; i < pl->o->jobs; i++) {
		struct slot *s = &pl->slots[i];
		double left;

		if (!s->pid || !s->deadline || s->timed_out)
			continue;
		left = s->deadline - now;
		if (left <= 0) {
			kill(s->pid, SIGKILL);
			s->timed_out = true;
		} else if (left * 1000 < *timeout_ms) {
			*timeout_ms = (int)(left * 1000) + 1;
		}
	}
}

static void pool_run(struct pool *pl, const uint64_t *todo, uint64_t ntodo)
{
	uint64_t next = 0;
	unsigned i;

	while ((next < ntodo && !pl->fatal) || pl->nactive) {
		int timeout_ms = pl->pg.mode == 1 ? 250 : 1000;

		for (i = 0; i < pl->o->jobs && next < ntodo && !pl->fatal; i++) {
			if (pl->slots[i].pid)
				continue;
			if (slot_start(pl, &pl->slots[i], todo[next++])) {
				pl->t.status = 1;
				pl->fatal = true;
			}
		}
		if (pl->fatal) {
			/* the sweep itself failed: stop the runs in flight, store nothing more */
			for (i = 0; i < pl->o->jobs; i++)
				if (pl->slots[i].pid && !pl->slots[i].timed_out) {
					kill(pl->slots[i].pid, SIGKILL);
					pl->slots[i].timed_out = true;
				}
		}
		pool_timeouts(pl, &timeout_ms);
		pool_wait(pl, timeout_ms);
		xs_sweep_progress_show(&pl->pg, false);
	}
}

int xs_sweep_pool_run(const struct xs_sweep *sw, const struct xs_sweep_opts *o, struct xs_store *st,
		      int64_t sweep_id, const uint64_t *todo, uint64_t ntodo, double t0,
		      struct xs_sweep_tally *t)
{
	struct pool pl = {.sw = sw, .o = o, .st = st, .sweep_id = sweep_id};
	int ret = 0;

	gethostname(pl.host, sizeof(pl.host) - 1);
	pl.slots = calloc(o->jobs, sizeof(*pl.slots));
	pl.sc = malloc(sizeof(*pl.sc));
	if (!pl.slots || !pl.sc) {
		fprintf(o->log, "wpsim sweep: out of memory\n");
		ret = -ENOMEM;
		goto out;
	}
	pl.pg = (struct xs_sweep_progress){
		.mode = o->progress, .f = o->log, .total = ntodo, .t0 = t0};
	pl.pg.last = t0;
	pl.pg.next_mark = ntodo / 10 ? ntodo / 10 : 1;
	if (ntodo)
		pool_run(&pl, todo, ntodo);
	if (ntodo && o->progress >= 0)
		xs_sweep_progress_show(&pl.pg, true);
	*t = pl.t;
out:
	free(pl.slots);
	free(pl.sc);
	return ret;
}
