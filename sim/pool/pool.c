/*
 * The process pool (pool.h). A job's life, each arrow naming the function that takes it:
 *
 *   todo --slot_start()--> running (child forked; its message and stderr pipes open)
 *   running --pool_read()--> ended (both pipes at EOF, child reaped) --slot_end()--> done()
 *   running --pool_timeouts()--> killed (SIGKILL) --pool_read()--> ended
 *
 * The parent reads the two pipes of every child with one poll(), so that a child
 * writing a message larger than a pipe holds is never blocked by a parent waiting on
 * another child.
 */
#include "pool/pool.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct slot {
	pid_t pid; /* 0: free */
	uint64_t job;
	int out_fd, err_fd;
	unsigned pfd, npfd; /* its entries in pool.fds for the current poll() */
	double t0, deadline;
	bool timed_out, oom;
	char *msg;
	size_t len, cap;
	char err_tail[XS_POOL_ERR_TAIL + 1];
	size_t err_len;
};

struct pool {
	const struct xs_pool_opts *o;
	const struct xs_pool_ops *ops;
	void *arg;
	struct slot *slots;
	struct pollfd *fds;
	unsigned nactive;
	int stop; /* 0, 1 (a callback stopped the pool) or -errno */
	char *err;
	size_t errlen;
};

double xs_pool_mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Room for n more bytes and the NUL after them. */
static bool msg_add(struct slot *s, const char *p, size_t n)
{
	if (s->len + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;
		char *np;

		while (cap < s->len + n + 1)
			cap *= 2;
		np = realloc(s->msg, cap);
		if (!np)
			return false;
		s->msg = np;
		s->cap = cap;
	}
	memcpy(s->msg + s->len, p, n);
	s->len += n;
	s->msg[s->len] = '\0';
	return true;
}

/* Keep the last XS_POOL_ERR_TAIL bytes of the child's stderr. */
static void tail_add(struct slot *s, const char *p, size_t n)
{
	size_t m = n > XS_POOL_ERR_TAIL ? XS_POOL_ERR_TAIL : n;

	if (s->err_len + m > XS_POOL_ERR_TAIL) {
		size_t drop = s->err_len + m - XS_POOL_ERR_TAIL;

		memmove(s->err_tail, s->err_tail + drop, s->err_len - drop);
		s->err_len -= drop;
	}
	memcpy(s->err_tail + s->err_len, p + n - m, m);
	s->err_len += m;
	s->err_tail[s->err_len] = '\0';
}

static void pool_fail(struct pool *pl, int err, const char *what)
{
	if (pl->stop >= 0) {
		pl->stop = -err;
		snprintf(pl->err, pl->errlen, "%s: %s", what, strerror(err));
	}
}

/* In the child: set up its descriptors, write the message on fd 3, exit. */
_Noreturn static void child_main(struct pool *pl, uint64_t job, unsigned slot, int out_fd,
				 int err_fd, pid_t parent)
{
	FILE *m;
	int o, e, null, status;

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
	/* without exec, O_CLOEXEC closes nothing: drop the other children's pipes here */
	close_range(4, ~0U, 0);
	m = fdopen(3, "w");
	if (!m)
		_exit(125);
	status = pl->ops->child(pl->arg, job, slot, m);
	if (fclose(m) && status == 0)
		status = 125;
	_exit(status);
}

static void slot_close(struct slot *s)
{
	if (s->out_fd >= 0)
		close(s->out_fd);
	if (s->err_fd >= 0)
		close(s->err_fd);
	free(s->msg);
	memset(s, 0, sizeof(*s));
	s->out_fd = s->err_fd = -1;
}

/* The child of slot i has been reaped with wstatus: hand the job to done(). */
static void slot_end(struct pool *pl, unsigned i, int wstatus)
{
	struct slot *s = &pl->slots[i];
	struct xs_pool_result r = {
		.job = s->job,
		.slot = i,
		.msg = s->msg ? s->msg : "",
		.len = s->len,
		.timed_out = s->timed_out,
		.oom = s->oom,
		.signal = WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0,
		.exit_status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 0,
		.err_tail = s->err_tail,
		.err_len = s->err_len,
		.elapsed_s = xs_pool_mono_s() - s->t0,
		.timeout_s = pl->o->timeout_s,
	};

	r.complete = !r.timed_out && !r.oom && !r.signal && WIFEXITED(wstatus) && !r.exit_status;
	if (pl->stop == 0 && pl->ops->done(pl->arg, &r) < 0)
		pl->stop = 1;
	slot_close(s);
	pl->nactive--;
}

/* Fork job into the free slot i (after prepare()). */
static void slot_start(struct pool *pl, unsigned i, uint64_t job)
{
	struct slot *s = &pl->slots[i];
	int outp[2], errp[2], ret;
	pid_t pid, parent = getpid();

	ret = pl->ops->prepare(pl->arg, job, i);
	if (ret < 0)
		pl->stop = 1;
	if (ret)
		return;
	if (pipe2(outp, O_CLOEXEC)) {
		pool_fail(pl, errno, "pipe");
		return;
	}
	if (pipe2(errp, O_CLOEXEC)) {
		pool_fail(pl, errno, "pipe");
		close(outp[0]);
		close(outp[1]);
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		child_main(pl, job, i, outp[1], errp[1], parent);
	close(outp[1]);
	close(errp[1]);
	if (pid < 0) {
		pool_fail(pl, errno, "fork");
		close(outp[0]);
		close(errp[0]);
		return;
	}
	s->pid = pid;
	s->job = job;
	s->out_fd = outp[0];
	s->err_fd = errp[0];
	s->t0 = xs_pool_mono_s();
	s->deadline = pl->o->timeout_s > 0 ? s->t0 + pl->o->timeout_s : 0;
	pl->nactive++;
}

/* Read one chunk from fd of slot s; close fd at EOF or on an error. */
static void slot_read(struct slot *s, int fd)
{
	char chunk[65536];
	ssize_t n = read(fd, chunk, sizeof(chunk));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(fd);
		if (fd == s->out_fd)
			s->out_fd = -1;
		else
			s->err_fd = -1;
	} else if (fd == s->out_fd) {
		s->oom |= !s->oom && !msg_add(s, chunk, (size_t)n);
	} else {
		tail_add(s, chunk, (size_t)n);
	}
}

/* Read what the children wrote, reap those whose pipes are both closed. */
static void pool_read(struct pool *pl, int timeout_ms)
{
	unsigned nj = pl->o->jobs, i, j, k = 0;

	for (i = 0; i < nj; i++) {
		struct slot *s = &pl->slots[i];

		s->pfd = k;
		if (s->pid && s->out_fd >= 0)
			pl->fds[k++] = (struct pollfd){.fd = s->out_fd, .events = POLLIN};
		if (s->pid && s->err_fd >= 0)
			pl->fds[k++] = (struct pollfd){.fd = s->err_fd, .events = POLLIN};
		s->npfd = k - s->pfd;
	}
	if (k && poll(pl->fds, k, timeout_ms) < 0 && errno != EINTR) {
		pool_fail(pl, errno, "poll");
		return;
	}
	for (i = 0; i < nj; i++) {
		struct slot *s = &pl->slots[i];
		int wstatus = 0;

		if (!s->pid)
			continue;
		for (j = s->pfd; j < s->pfd + s->npfd; j++)
			if (pl->fds[j].revents)
				slot_read(s, pl->fds[j].fd);
		if (s->out_fd >= 0 || s->err_fd >= 0)
			continue;
		while (waitpid(s->pid, &wstatus, 0) < 0 && errno == EINTR)
			;
		slot_end(pl, i, wstatus);
	}
}

/* Kill the children past their deadline; shorten *timeout_ms to the next deadline. */
static void pool_timeouts(struct pool *pl, int *timeout_ms)
{
	double now = xs_pool_mono_s();
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

int xs_pool_run(const struct xs_pool_opts *o, uint64_t njobs, const struct xs_pool_ops *ops,
		void *arg, char *err, size_t errlen)
{
	struct pool pl = {.o = o, .ops = ops, .arg = arg, .err = err, .errlen = errlen};
	uint64_t next = 0;
	unsigned i;

	if (err && errlen)
		err[0] = '\0';
	pl.slots = calloc(o->jobs, sizeof(*pl.slots));
	pl.fds = calloc(2 * (size_t)o->jobs, sizeof(*pl.fds));
	if (!pl.slots || !pl.fds) {
		pool_fail(&pl, ENOMEM, "the process pool");
		goto out;
	}
	for (i = 0; i < o->jobs; i++)
		pl.slots[i].out_fd = pl.slots[i].err_fd = -1;
	while ((next < njobs && !pl.stop) || pl.nactive) {
		int timeout_ms = o->tick_ms > 0 ? o->tick_ms : 1000;

		/* a job prepare() settles leaves its slot free for the next */
		for (i = 0; i < o->jobs; i++)
			while (!pl.slots[i].pid && next < njobs && !pl.stop)
				slot_start(&pl, i, next++);
		if (pl.stop) {
			/* stopped: end the jobs in flight, report none of them */
			for (i = 0; i < o->jobs; i++)
				if (pl.slots[i].pid && !pl.slots[i].timed_out) {
					kill(pl.slots[i].pid, SIGKILL);
					pl.slots[i].timed_out = true;
				}
		}
		pool_timeouts(&pl, &timeout_ms);
		pool_read(&pl, timeout_ms);
		if (ops->tick)
			ops->tick(arg);
	}
out:
	free(pl.slots);
	free(pl.fds);
	return pl.stop;
}

void xs_pool_stderr_note(const struct xs_pool_result *r, char *buf, size_t len)
{
	size_t n = r->err_len;

	while (n && (r->err_tail[n - 1] == '\n' || r->err_tail[n - 1] == ' '))
		n--;
	if (n)
		snprintf(buf, len, "; stderr: %.*s", (int)n, r->err_tail);
	else if (len)
		buf[0] = '\0';
}

bool xs_pool_failure(const struct xs_pool_result *r, char *buf, size_t len)
{
	char tail[XS_POOL_ERR_TAIL + 16];

	xs_pool_stderr_note(r, tail, sizeof(tail));
	if (r->timed_out)
		snprintf(buf, len, "timed out after %.3f s (timeout = %g s)", r->elapsed_s,
			 r->timeout_s);
	else if (r->signal)
		snprintf(buf, len, "killed by signal %d (%s)%s", r->signal, strsignal(r->signal),
			 tail);
	else if (r->exit_status)
		snprintf(buf, len, "exit status %d%s", r->exit_status, tail);
	else if (len)
		buf[0] = '\0';
	return r->timed_out || r->signal || r->exit_status;
}
