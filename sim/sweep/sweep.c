/*
 * Sweeps (sweep.h): the pool of child processes that make the runs, the progress
 * line, and `wpsim run --db`. Reading sweep files is sweep_file.c.
 *
 * A run's life in the pool, each arrow naming the function that takes it:
 *
 *   todo --slot_start()--> running (child forked; its result and stderr pipes open)
 *   running --pool_reap()--> done (both pipes at EOF, child reaped) --slot_finish()-->
 *           stored ok | stored failed
 *   running --pool_timeouts()--> killed (SIGKILL) --pool_reap()--> stored failed
 *
 * The child runs xs_run() on the scenario the parent loaded before fork() and writes
 * its result to a pipe (result_write(): the name=value outcome lines of
 * xs_run_print_outcomes(), the latency rows, the anomalies); only the parent touches
 * the database, one transaction per run. A child dies with its parent
 * (PR_SET_PDEATHSIG), so a killed sweep leaves no runs behind it.
 *
 * Test hooks (tests only, read in the child): WPSIM_TEST_CRASH_SEED=N makes the runs of
 * seed N abort(); WPSIM_TEST_HANG_SEED=N makes them sleep until killed.
 */
#include "sweep/sweep_internal.h"
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- name/value lists (param and metric rows) ---- */

struct kvlist {
	struct xs_store_kv *v;
	size_t n, cap;
	bool oom;
};

static void kv_add(void *arg, const char *name, const char *value)
{
	struct kvlist *l = arg;
	char *n, *v;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct xs_store_kv *nv = realloc(l->v, cap * sizeof(*nv));

		if (!nv) {
			l->oom = true;
			return;
		}
		l->v = nv;
		l->cap = cap;
	}
	n = strdup(name);
	v = strdup(value);
	if (!n || !v) {
		free(n);
		free(v);
		l->oom = true;
		return;
	}
	l->v[l->n].name = n;
	l->v[l->n].value = v;
	l->n++;
}

static void kv_free(struct kvlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free((char *)l->v[i].name);
		free((char *)l->v[i].value);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* The name=value lines of xs_run_print_outcomes(). */
static void outcomes_parse(const char *text, struct kvlist *l)
{
	char name[128];
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n'), *eq;
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char value[128];

		eq = memchr(p, '=', len);
		if (eq && (size_t)(eq - p) < sizeof(name) &&
		    len - (size_t)(eq - p) - 1 < sizeof(value)) {
			snprintf(name, sizeof(name), "%.*s", (int)(eq - p), p);
			snprintf(value, sizeof(value), "%.*s", (int)(len - (size_t)(eq - p) - 1),
				 eq + 1);
			kv_add(l, name, value);
		}
		p += len + (nl ? 1 : 0);
	}
}

static const char *kv_get(const struct kvlist *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return l->v[i].value;
	return NULL;
}

/* ---- the child's result on the wire ---- */

/*
 * "XSR1\n", then either "error LEN\n<text>\n" or "outcomes LEN\n<text>\n",
 * "latency N\n" and N lines, "anomalies N\n" and N × (a line, "LEN\n"-counted detail),
 * then "end\n". Reals are hexadecimal (%a): exact.
 */
static void result_write(FILE *m, const char *error, const struct xs_run_result *res)
{
	char *text = NULL;
	size_t len = 0, i;
	FILE *o;
	int l;

	fputs("XSR1\n", m);
	if (error) {
		fprintf(m, "error %zu\n%s\nend\n", strlen(error), error);
		return;
	}
	o = open_memstream(&text, &len);
	if (!o)
		return; /* no "end": the parent records a failure */
	xs_run_print_outcomes(o, res);
	fclose(o);
	fprintf(m, "outcomes %zu\n%s\n", len, text);
	free(text);
	fprintf(m, "latency %d\n", res->nlatency);
	for (l = 0; l < res->nlatency; l++) {
		const struct xs_latency *x = &res->latency[l];

		fprintf(m, "%s %llu %a %a %a %a %a %a\n", x->op[0] ? x->op : "-",
			(unsigned long long)x->count, x->mean_us, x->p50_us, x->p90_us, x->p99_us,
			x->p999_us, x->max_us);
	}
	fprintf(m, "anomalies %zu\n", res->nanomalies);
	for (i = 0; i < res->nanomalies; i++) {
		const struct xs_anomaly *a = &res->anomalies[i];
		const char *d = a->detail ? a->detail : "";

		fprintf(m, "%s %llu %llu %a %zu\n%s\n", a->kind[0] ? a->kind : "-",
			(unsigned long long)a->offset, (unsigned long long)a->length, a->sim_time_s,
			strlen(d), d);
	}
	fputs("end\n", m);
}

struct child_result {
	char *error;
	char *outcomes;
	struct xs_latency latency[XS_MAX_LATENCY_KINDS];
	int nlatency;
	struct xs_anomaly *anomalies;
	size_t nanomalies;
};

static void child_result_free(struct child_result *r)
{
	size_t i;

	free(r->error);
	free(r->outcomes);
	for (i = 0; i < r->nanomalies; i++)
		free(r->anomalies[i].detail);
	free(r->anomalies);
	memset(r, 0, sizeof(*r));
}

struct cursor {
	const char *p, *end;
};

/* The next line (without '\n') into line; false at the end or if too long. */
static bool cur_line(struct cursor *c, char *line, size_t len)
{
	const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));

	if (!nl || (size_t)(nl - c->p) >= len)
		return false;
	memcpy(line, c->p, (size_t)(nl - c->p));
	line[nl - c->p] = '\0';
	c->p = nl + 1;
	return true;
}

/* n bytes then '\n', as a new string. */
static char *cur_bytes(struct cursor *c, size_t n)
{
	char *s;

	if ((size_t)(c->end - c->p) < n + 1 || c->p[n] != '\n')
		return NULL;
	s = malloc(n + 1);
	if (!s)
		return NULL;
	memcpy(s, c->p, n);
	s[n] = '\0';
	c->p += n + 1;
	return s;
}

/* Parse a whole message; false if it is incomplete or malformed. */
static bool result_parse(const char *buf, size_t len, struct child_result *r)
{
	struct cursor c = {buf, buf + len};
	char line[256];
	unsigned long long u1, u2;
	size_t n, i;
	int l;

	memset(r, 0, sizeof(*r));
	if (!cur_line(&c, line, sizeof(line)) || strcmp(line, "XSR1") != 0 ||
	    !cur_line(&c, line, sizeof(line)))
		return false;
	if (sscanf(line, "error %zu", &n) == 1) {
		r->error = cur_bytes(&c, n);
		return r->error && cur_line(&c, line, sizeof(line)) && strcmp(line, "end") == 0;
	}
	if (sscanf(line, "outcomes %zu", &n) != 1 || !(r->outcomes = cur_bytes(&c, n)))
		return false;
	if (!cur_line(&c, line, sizeof(line)) || sscanf(line, "latency %d", &r->nlatency) != 1 ||
	    r->nlatency < 0 || r->nlatency > XS_MAX_LATENCY_KINDS)
		return false;
	for (l = 0; l < r->nlatency; l++) {
		struct xs_latency *x = &r->latency[l];

		if (!cur_line(&c, line, sizeof(line)) ||
		    sscanf(line, "%31s %llu %lf %lf %lf %lf %lf %lf", x->op, &u1, &x->mean_us,
			   &x->p50_us, &x->p90_us, &x->p99_us, &x->p999_us, &x->max_us) != 8)
			return false;
		x->count = u1;
	}
	if (!cur_line(&c, line, sizeof(line)) || sscanf(line, "anomalies %zu", &n) != 1 || n > len)
		return false;
	r->anomalies = calloc(n ? n : 1, sizeof(*r->anomalies));
	if (!r->anomalies)
		return false;
	for (i = 0; i < n; i++) {
		struct xs_anomaly *a = &r->anomalies[i];
		size_t dlen;

		if (!cur_line(&c, line, sizeof(line)) ||
		    sscanf(line, "%15s %llu %llu %lf %zu", a->kind, &u1, &u2, &a->sim_time_s,
			   &dlen) != 5 ||
		    !(a->detail = cur_bytes(&c, dlen)))
			return false;
		a->offset = u1;
		a->length = u2;
		r->nanomalies++;
	}
	return cur_line(&c, line, sizeof(line)) && strcmp(line, "end") == 0 && c.p == c.end;
}

unsigned xs_sweep_default_jobs(void)
{
	cpu_set_t set;
	long n;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return (unsigned)CPU_COUNT(&set);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

/* ---- the pool ---- */

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
	struct kvlist params;
};

struct progress {
	int mode; /* 1 bar, 0 lines, -1 none */
	FILE *f;
	uint64_t total, done, failed, loss;
	uint64_t shown; /* done when last shown */
	double t0, last;
	uint64_t next_mark;
};

struct pool {
	const struct xs_sweep *sw;
	const struct xs_sweep_opts *o;
	struct xs_store *st;
	int64_t sweep_id;
	char host[256];
	struct slot *slots;
	unsigned nactive;
	struct progress pg;
	uint64_t ok, failed, loss, dup;
	int status; /* exit status so far */
	bool fatal; /* the database or the system failed: stop */
	struct xs_scenario *sc;
};

static void eta_text(double s, char *buf, size_t len)
{
	unsigned long t = s > 0 && s < 1e8 ? (unsigned long)(s + 0.5) : 0;

	if (t >= 3600)
		snprintf(buf, len, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, len, "%lu:%02lu", t / 60, t % 60);
}

static void progress_show(struct progress *pg, bool final)
{
	double now = mono_s(), el = now - pg->t0;
	double rate = el > 0 ? (double)pg->done / el : 0;
	char eta[32], bar[31], failed[48] = "";
	size_t fill, i;

	if (pg->mode < 0)
		return;
	if (!final && pg->mode == 1 && now - pg->last < 0.1)
		return;
	if (!final && pg->mode == 0 && pg->done < pg->next_mark && now - pg->last < 5)
		return;
	if (final && pg->mode == 0 && pg->shown == pg->done)
		return;
	pg->last = now;
	pg->shown = pg->done;
	while (pg->next_mark <= pg->done)
		pg->next_mark += pg->total / 10 ? pg->total / 10 : 1;
	eta_text(rate > 0 ? (double)(pg->total - pg->done) / rate : 0, eta, sizeof(eta));
	if (pg->failed)
		snprintf(failed, sizeof(failed), ", failed: %llu", (unsigned long long)pg->failed);
	if (pg->mode == 0) {
		fprintf(pg->f, "sweep: %llu/%llu runs, %.1f runs/s, ETA %s, with loss: %llu%s\n",
			(unsigned long long)pg->done, (unsigned long long)pg->total, rate, eta,
			(unsigned long long)pg->loss, failed);
		fflush(pg->f);
		return;
	}
	fill = pg->total ? (size_t)(30 * pg->done / pg->total) : 30;
	for (i = 0; i < 30; i++)
		bar[i] = i < fill ? '=' : i == fill ? '>' : ' ';
	bar[30] = '\0';
	fprintf(pg->f, "\r[%s] %llu/%llu runs, %.1f runs/s, ETA %s, with loss: %llu%s\033[K%s", bar,
		(unsigned long long)pg->done, (unsigned long long)pg->total, rate, eta,
		(unsigned long long)pg->loss, failed, final ? "\n" : "");
	fflush(pg->f);
}

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
	result_write(m, ret ? err : NULL, &res);
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
	kv_free(&s->params);
	s->pid = 0;
}

/* Store the run of slot s (ok or failed) and count it. */
static void slot_store(struct pool *pl, struct slot *s, bool ok, const char *error,
		       const struct child_result *cr, const struct kvlist *metrics)
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
	r.wall_time_s = mono_s() - s->t0;
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
		if ((v = kv_get(metrics, "sim_time_s")) != NULL) {
			r.has_sim_time = true;
			r.sim_time_s = strtod(v, NULL);
		}
		if ((v = kv_get(metrics, "wall_time_s")) != NULL)
			r.wall_time_s = strtod(v, NULL);
	}
	ret = xs_store_put_run(pl->st, &r, &id, err, sizeof(err));
	if (ret < 0) {
		fprintf(pl->o->log, "%swpsim sweep: %s\n", pl->pg.mode == 1 ? "\n" : "", err);
		pl->status = 1;
		pl->fatal = true;
		return;
	}
	if (ret == 1) { /* another writer stored this run meanwhile */
		pl->dup++;
	} else if (ok) {
		pl->ok++;
		v = kv_get(metrics, "lost_bytes");
		if (v && strcmp(v, "0") != 0) {
			pl->loss++;
			pl->pg.loss++;
		}
	} else {
		pl->failed++;
		pl->pg.failed++;
		if (pl->status == 0)
			pl->status = 1;
	}
	pl->pg.done++;
	progress_show(&pl->pg, false);
}

/* The child of slot s has ended (status from waitpid): record the run. */
static void slot_finish(struct pool *pl, struct slot *s, int wstatus)
{
	struct child_result cr;
	struct kvlist metrics = {0};
	char error[2 * XS_ERR_TAIL + 256] = "", tail[XS_ERR_TAIL + 16] = "";
	bool parsed = result_parse(s->msg.p ? s->msg.p : "", s->msg.n, &cr);
	size_t n = s->err_len;

	while (n && (s->err_tail[n - 1] == '\n' || s->err_tail[n - 1] == ' '))
		n--;
	if (n)
		snprintf(tail, sizeof(tail), "; stderr: %.*s", (int)n, s->err_tail);
	if (s->timed_out)
		snprintf(error, sizeof(error), "timed out after %.3f s (timeout = %g s)",
			 mono_s() - s->t0, pl->sw->timeout_s);
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
		outcomes_parse(cr.outcomes, &metrics);
		if (metrics.oom)
			snprintf(error, sizeof(error), "out of memory");
	}
	slot_store(pl, s, !error[0], error, &cr, &metrics);
out:
	kv_free(&metrics);
	child_result_free(&cr);
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
	s->t0 = mono_s();
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
	xs_scenario_foreach_param(pl->sc, kv_add, &s->params);
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
		pl->status = 1;
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
		pl->status = 1;
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
	double now = mono_s();
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

/* The runs to make: in the shard and, with resume, not stored yet. */
static int runs_todo(struct pool *pl, uint64_t **todo, uint64_t *ntodo, uint64_t *nshard,
		     uint64_t *stored)
{
	const struct xs_sweep *sw = pl->sw;
	struct xs_sweep_point pt;
	char key[XS_RUN_KEY_MAX];
	uint64_t i, cap = 0;
	int has;

	*todo = NULL;
	*ntodo = *nshard = *stored = 0;
	for (i = 0; i < sw->nruns; i++) {
		xs_sweep_point(sw, i, &pt);
		if (xs_sweep_run_key(sw, &pt, key, sizeof(key)) < 0) {
			fprintf(pl->o->log, "wpsim sweep: %s: run key too long\n", sw->path);
			return 2;
		}
		if (!xs_sweep_in_shard(key, pl->o->shard_k, pl->o->shard_n))
			continue;
		(*nshard)++;
		has = xs_store_has_run(pl->st, key);
		if (has < 0) {
			fprintf(pl->o->log, "wpsim sweep: %s: cannot read the run table\n",
				pl->o->db);
			return 1;
		}
		if (has) {
			(*stored)++;
			continue;
		}
		if (*ntodo == cap) {
			uint64_t *nt;

			cap = cap ? 2 * cap : 1024;
			nt = realloc(*todo, cap * sizeof(*nt));
			if (!nt) {
				fprintf(pl->o->log, "wpsim sweep: out of memory\n");
				return 1;
			}
			*todo = nt;
		}
		(*todo)[(*ntodo)++] = i;
	}
	return 0;
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
				pl->status = 1;
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
		progress_show(&pl->pg, false);
	}
}

int xs_sweep_execute(const struct xs_sweep *sw, const struct xs_sweep_opts *o)
{
	struct xs_store_sweep row = {sw->sweep_key, sw->name, sw->spec, sw->spec_hash, sw->named};
	struct pool pl = {.sw = sw, .o = o};
	struct xs_store_stats stats;
	uint64_t *todo = NULL, ntodo, nshard, stored;
	char err[1024], hash[64], shard[64] = "";
	double t0 = mono_s(), el;
	int ret;

	ret = xs_store_open(o->db, &pl.st, err, sizeof(err));
	if (ret) {
		fprintf(o->log, "wpsim sweep: %s\n", err);
		return ret == -EINVAL ? 2 : 1;
	}
	if (o->shard_n)
		snprintf(shard, sizeof(shard), " (shard %u/%u)", o->shard_k, o->shard_n);
	ret = xs_store_sweep_hash(pl.st, sw->sweep_key, hash, sizeof(hash));
	if (ret == 1 && strcmp(hash, sw->spec_hash) != 0) {
		fprintf(o->log,
			"wpsim sweep: %s: sweep '%s' is stored there from another scenario text or "
			"other varied keys (spec hash %s, now %s): give the sweep another name, or "
			"no name to key it by its spec\n",
			o->db, sw->sweep_key, hash, sw->spec_hash);
		ret = 2;
		goto out;
	}
	ret = runs_todo(&pl, &todo, &ntodo, &nshard, &stored);
	if (ret)
		goto out;
	if (stored && !o->resume) {
		fprintf(o->log,
			"wpsim sweep: %s: %llu of the %llu runs of sweep %s%s are stored there "
			"already (accepted: --resume to make only the others, or another --db)\n",
			o->db, (unsigned long long)stored, (unsigned long long)nshard, sw->name,
			shard);
		ret = 2;
		goto out;
	}
	if (xs_store_sweep(pl.st, &row, &pl.sweep_id, err, sizeof(err))) {
		fprintf(o->log, "wpsim sweep: %s\n", err);
		ret = 1;
		goto out;
	}
	gethostname(pl.host, sizeof(pl.host) - 1);
	pl.slots = calloc(o->jobs, sizeof(*pl.slots));
	pl.sc = malloc(sizeof(*pl.sc));
	if (!pl.slots || !pl.sc) {
		fprintf(o->log, "wpsim sweep: out of memory\n");
		ret = 1;
		goto out;
	}
	pl.pg = (struct progress){.mode = o->progress, .f = o->log, .total = ntodo, .t0 = t0};
	pl.pg.last = t0;
	pl.pg.next_mark = ntodo / 10 ? ntodo / 10 : 1;
	if (ntodo)
		pool_run(&pl, todo, ntodo);
	if (ntodo && o->progress >= 0)
		progress_show(&pl.pg, true);
	el = mono_s() - t0;
	fprintf(o->out,
		"sweep %s%s: %llu runs: %llu ok, %llu failed, %llu with loss; %llu already "
		"stored; %.2f s, %.2f runs/s -> %s\n",
		sw->name, shard, (unsigned long long)nshard, (unsigned long long)pl.ok,
		(unsigned long long)pl.failed, (unsigned long long)pl.loss,
		(unsigned long long)(stored + pl.dup), el,
		el > 0 ? (double)(pl.ok + pl.failed) / el : 0.0, o->db);
	xs_store_get_stats(pl.st, &stats);
	fprintf(o->out,
		"db ingest: %llu runs, %llu metric rows, %llu rows in %.3f s: %.0f metric rows/s, "
		"%.0f rows/s\n",
		(unsigned long long)stats.runs, (unsigned long long)stats.metric_rows,
		(unsigned long long)stats.rows, stats.put_s,
		stats.put_s > 0 ? (double)stats.metric_rows / stats.put_s : 0.0,
		stats.put_s > 0 ? (double)stats.rows / stats.put_s : 0.0);
	ret = pl.status;
out:
	free(pl.slots);
	free(pl.sc);
	free(todo);
	xs_store_close(pl.st);
	return ret;
}

/* ---- wpsim run --db ---- */

static int single_build(struct xs_sweep *sw, const struct xs_scenario *sc,
			const struct xs_override *ov, int nov, char *err, size_t errlen)
{
	struct kvlist params = {0};
	char *spec = NULL;
	size_t speclen = 0, len;
	const char *base;
	FILE *m;
	int i, a, ret = 0;

	memset(sw, 0, sizeof(*sw));
	snprintf(sw->path, sizeof(sw->path), "%s", sc->path);
	snprintf(sw->scenario, sizeof(sw->scenario), "%s", sc->path);
	base = strrchr(sc->path, '/') ? strrchr(sc->path, '/') + 1 : sc->path;
	len = strlen(base);
	if (len > 4 && strcmp(base + len - 4, ".ini") == 0)
		len -= 4;
	snprintf(sw->name, sizeof(sw->name), "%.*s", (int)len, base);
	sw->seeds = malloc(sizeof(*sw->seeds));
	if (!sw->seeds)
		return -ENOMEM;
	sw->seeds[0] = (struct xs_seed_range){sc->seed, sc->seed, 0};
	sw->nranges = 1;
	sw->nseeds = sw->ncombos = sw->nruns = 1;
	xs_scenario_foreach_param(sc, kv_add, &params);
	/* the overridden keys are the varied ones; the last -s of a key wins */
	for (i = 0; i < nov && !ret; i++) {
		char key[XS_SWEEP_KEY_MAX];
		const char *canon;

		snprintf(key, sizeof(key), "%s.%s", ov[i].section, ov[i].key);
		if (strcmp(key, "global.seed") == 0)
			continue;
		canon = kv_get(&params, key);
		for (a = 0; a < sw->naxes; a++)
			if (strcmp(sw->axes[a].key, key) == 0)
				break;
		if (a == XS_SWEEP_MAX_AXES) {
			snprintf(err, errlen, "more than %d overridden keys", XS_SWEEP_MAX_AXES);
			ret = -EINVAL;
			break;
		}
		if (a == sw->naxes) {
			sw->naxes++;
			snprintf(sw->axes[a].key, sizeof(sw->axes[a].key), "%s", key);
			snprintf(sw->axes[a].section, sizeof(sw->axes[a].section), "%s",
				 ov[i].section);
			snprintf(sw->axes[a].name, sizeof(sw->axes[a].name), "%s", ov[i].key);
			sw->axes[a].vals = calloc(1, sizeof(char *));
			sw->axes[a].canon = calloc(1, sizeof(char *));
			sw->axes[a].lines = calloc(1, sizeof(int));
			if (!sw->axes[a].vals || !sw->axes[a].canon || !sw->axes[a].lines) {
				ret = -ENOMEM;
				break;
			}
			sw->axes[a].nvals = 1;
		}
		free(sw->axes[a].vals[0]);
		free(sw->axes[a].canon[0]);
		sw->axes[a].vals[0] = strdup(ov[i].value);
		sw->axes[a].canon[0] = strdup(canon ? canon : ov[i].value);
		if (!sw->axes[a].vals[0] || !sw->axes[a].canon[0])
			ret = -ENOMEM;
	}
	kv_free(&params);
	if (!ret)
		ret = xs_sweep_identity(sw, err, errlen);
	if (ret)
		return ret;
	m = open_memstream(&spec, &speclen);
	if (!m)
		return -ENOMEM;
	fprintf(m, "# wpsim run --db\n[sweep]\nscenario = %s\nseeds = %llu\n[vary]\n", sc->path,
		(unsigned long long)sc->seed);
	for (a = 0; a < sw->naxes; a++)
		fprintf(m, "%s = %s\n", sw->axes[a].key, sw->axes[a].vals[0]);
	fclose(m);
	sw->spec = spec;
	return spec ? 0 : -ENOMEM;
}

int xs_sweep_store_single(const char *db, const struct xs_scenario *sc,
			  const struct xs_override *ov, int nov, const struct xs_run_result *res,
			  const char *run_error, char *err, size_t errlen)
{
	struct xs_sweep *sw = calloc(1, sizeof(*sw));
	struct xs_sweep_point pt = {0};
	struct kvlist params = {0}, metrics = {0};
	struct xs_store_run r = {0};
	struct xs_store *st = NULL;
	char key[XS_RUN_KEY_MAX], now[32], host[256] = "", *text = NULL;
	size_t len = 0;
	int64_t sweep_id, id;
	FILE *m;
	int ret;

	if (!sw)
		return -ENOMEM;
	ret = single_build(sw, sc, ov, nov, err, errlen);
	if (!ret) {
		pt.seed = sc->seed;
		ret = xs_sweep_run_key(sw, &pt, key, sizeof(key)) < 0 ? -ENAMETOOLONG : 0;
	}
	if (!ret)
		ret = xs_store_open(db, &st, err, errlen);
	if (!ret) {
		struct xs_store_sweep row = {sw->sweep_key, sw->name, sw->spec, sw->spec_hash,
					     false};

		ret = xs_store_sweep(st, &row, &sweep_id, err, errlen);
	}
	if (ret)
		goto out;
	xs_scenario_foreach_param(sc, kv_add, &params);
	if (!run_error) {
		m = open_memstream(&text, &len);
		if (m) {
			xs_run_print_outcomes(m, res);
			fclose(m);
		}
		if (text)
			outcomes_parse(text, &metrics);
	}
	if (params.oom || metrics.oom || (!run_error && !text)) {
		ret = -ENOMEM;
		snprintf(err, errlen, "%s: out of memory", db);
		goto out;
	}
	xs_store_now(now, sizeof(now));
	gethostname(host, sizeof(host) - 1);
	r = (struct xs_store_run){
		.sweep_id = sweep_id,
		.run_key = key,
		.scenario = sc->path,
		.seed = sc->seed,
		.ok = !run_error,
		.error = run_error,
		.has_sim_time = !run_error,
		.sim_time_s = run_error ? 0 : res->sim_time_s,
		.wall_time_s = run_error ? 0 : res->wall_time_s,
		.started_at = now,
		.version = XS_WPSIM_VERSION,
		.host = host,
		.params = params.v,
		.nparams = params.n,
		.metrics = metrics.v,
		.nmetrics = metrics.n,
		.latency = run_error ? NULL : res->latency,
		.nlatency = run_error ? 0 : (size_t)res->nlatency,
		.anomalies = run_error ? NULL : res->anomalies,
		.nanomalies = run_error ? 0 : res->nanomalies,
	};
	ret = xs_store_put_run(st, &r, &id, err, errlen);
	if (ret == 1)
		snprintf(err, errlen, "%s: this run (%s) is stored there already; not stored again",
			 db, key);
out:
	free(text);
	kv_free(&params);
	kv_free(&metrics);
	xs_store_close(st);
	xs_sweep_free(sw);
	free(sw);
	return ret;
}
