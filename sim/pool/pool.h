/*
 * A pool of child processes: one forked child per job, at most `jobs` at once. The
 * child writes one message to a pipe; the parent reads it and the tail of the child's
 * stderr, reaps the child, kills it with SIGKILL at its timeout, and hands each
 * finished job to a callback. It knows nothing of what the jobs are or where their
 * results go: `wpsim sweep` (sweep/sweep_pool.c) runs a scenario per job and stores
 * the run.
 *
 * Children are forked without exec, so they inherit the parent's memory (a scenario
 * loaded by prepare() is there in the child). A child's stdin and stdout are
 * /dev/null, its stderr goes to the parent, every other descriptor is closed, and it
 * dies with the parent (PR_SET_PDEATHSIG).
 *
 * Jobs finish in an order that depends on the host and on `jobs`; done() gets the job's
 * number, so whatever it keeps can be keyed by that and not by the order of calls.
 */
#ifndef XS_POOL_H
#define XS_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define XS_POOL_ERR_TAIL 512 /* bytes of a child's stderr kept (its last ones) */

/* A finished job, as done() sees it; the pointers last until done() returns. */
struct xs_pool_result {
	uint64_t job;	 /* 0 .. njobs-1 */
	unsigned slot;	 /* the slot prepare() was given for it */
	const char *msg; /* the bytes the child wrote, NUL-terminated (not counted in len) */
	size_t len;
	bool complete;	      /* exit status 0, not timed out, message read whole to its end */
	bool timed_out;	      /* killed by the pool at its timeout */
	bool oom;	      /* the parent ran out of memory reading the message (msg is cut) */
	int signal;	      /* the signal that ended the child, or 0 */
	int exit_status;      /* its exit status when signal is 0 */
	const char *err_tail; /* the last XS_POOL_ERR_TAIL bytes of its stderr, NUL-terminated */
	size_t err_len;
	double elapsed_s; /* host time from fork() to reaping */
	double timeout_s; /* xs_pool_opts.timeout_s, for messages */
};

/*
 * The caller's side. prepare() and done() run in the parent, child() in the child.
 * Each gets arg, as given to xs_pool_run().
 */
struct xs_pool_ops {
	/*
	 * Before job is forked, into slot (0 .. jobs-1, free until the job's done()):
	 * returns 0 to fork it, 1 if the job is settled without a child (done() is then
	 * not called for it), or < 0 to stop the pool.
	 */
	int (*prepare)(void *arg, uint64_t job, unsigned slot);
	/*
	 * In the child, for job in slot (as prepare() left it): write the job's message
	 * to m (a pipe; the pool flushes and closes it) and return the exit status (0 for
	 * a message worth reading).
	 */
	int (*child)(void *arg, uint64_t job, unsigned slot, FILE *m);
	/* A finished job: returns 0, or < 0 to stop the pool. */
	int (*done)(void *arg, const struct xs_pool_result *r);
	/* Called between waits, at least every tick_ms while children run; may be NULL. */
	void (*tick)(void *arg);
};

struct xs_pool_opts {
	unsigned jobs;	  /* children at once, >= 1 */
	double timeout_s; /* per job, host time from fork(); 0: none */
	int tick_ms;	  /* the longest wait between tick() calls; <= 0: 1000 */
};

/*
 * Run jobs 0 .. njobs-1, in that order of forking. Returns 0 once every job is done;
 * 1 if prepare() or done() stopped it (the children in flight are killed and reaped,
 * and done() is not called for them); or -errno when the system failed (pipe, fork,
 * poll, memory) with a message in err, after the same cleanup.
 */
int xs_pool_run(const struct xs_pool_opts *o, uint64_t njobs, const struct xs_pool_ops *ops,
		void *arg, char *err, size_t errlen);

/*
 * Why r failed as a process, into buf: "timed out after 2.001 s (timeout = 2 s)",
 * "killed by signal 6 (Aborted); stderr: ...", "exit status 3; stderr: ..."; "" when
 * it exited 0. Returns true when it failed. A child that exited 0 may still have left
 * no usable message: r->oom, or a message cut short, is for the caller to judge.
 */
bool xs_pool_failure(const struct xs_pool_result *r, char *buf, size_t len);

/* "; stderr: TAIL" with the tail's trailing blanks and newlines removed, or "". */
void xs_pool_stderr_note(const struct xs_pool_result *r, char *buf, size_t len);

/* Host monotonic time, s: the pool's clock for timeouts and elapsed_s. */
double xs_pool_mono_s(void);

#endif /* XS_POOL_H */
