/*
 * The process pool (pool/pool.h) with real children: every job's message arrives whole
 * and once, never more children than slots, a crash, a non-zero exit and a hang are
 * reported as such (the hang killed at its timeout) without disturbing the other jobs,
 * a message larger than a pipe holds arrives intact, the stderr tail is the last bytes
 * written, and prepare() and done() can settle a job or stop the pool.
 */
#include "pool/pool.h"
#include "tests/testhelp.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NJOBS_MAX 16
#define BIG_LEN	  ((1u << 20) + 12345) /* over any pipe buffer */

enum kind { K_MSG, K_CRASH, K_EXIT3, K_HANG, K_BIG, K_STDERR, K_SLOW };

struct got {
	int ndone;
	bool complete, timed_out, oom;
	int signal, exit_status;
	size_t len;
	char *msg;
	char tail[XS_POOL_ERR_TAIL + 1];
	size_t tail_len;
	double elapsed_s;
	char failure[1024];
};

struct t {
	enum kind kind[NJOBS_MAX];
	struct got got[NJOBS_MAX];
	unsigned jobs;
	bool busy[NJOBS_MAX]; /* slots between prepare() and done() */
	unsigned running, max_running;
	bool bad_slot;	  /* a slot out of range or given twice */
	uint64_t settle;  /* prepare() settles this job without a child (UINT64_MAX: none) */
	uint64_t stop_at; /* done() of this job stops the pool (UINT64_MAX: none) */
	int nprepared, nticks;
};

/* The message of job j: its number and a text that depends on it. */
static void job_text(uint64_t j, char *buf, size_t len)
{
	snprintf(buf, len, "job %llu: %llu\n", (unsigned long long)j,
		 (unsigned long long)(j * j + 7));
}

static char big_byte(size_t i)
{
	return (char)('a' + (i * 7 + i / 4096) % 26);
}

static int t_prepare(void *arg, uint64_t job, unsigned slot)
{
	struct t *t = arg;

	t->nprepared++;
	if (job == t->settle)
		return 1;
	if (slot >= t->jobs || t->busy[slot])
		t->bad_slot = true;
	else
		t->busy[slot] = true;
	if (++t->running > t->max_running)
		t->max_running = t->running;
	return 0;
}

static int t_child(void *arg, uint64_t job, unsigned slot, FILE *m)
{
	struct t *t = arg;
	char text[64];
	size_t i;

	(void)slot;
	switch (t->kind[job]) {
	case K_CRASH:
		fprintf(m, "half a message");
		fflush(m);
		fprintf(stderr, "about to abort, job %llu\n", (unsigned long long)job);
		abort();
	case K_EXIT3:
		fprintf(stderr, "giving up\n\n");
		return 3;
	case K_HANG:
		for (;;)
			pause();
	case K_BIG:
		for (i = 0; i < BIG_LEN; i++)
			fputc(big_byte(i), m);
		return 0;
	case K_STDERR:
		/* 3000 bytes: only the last XS_POOL_ERR_TAIL are kept */
		for (i = 0; i < 3000; i++)
			fputc('0' + (int)(i % 10), stderr);
		break;
	case K_SLOW:
		usleep(100000);
		break;
	case K_MSG:
		break;
	}
	job_text(job, text, sizeof(text));
	fputs(text, m);
	return 0;
}

static int t_done(void *arg, const struct xs_pool_result *r)
{
	struct t *t = arg;
	struct got *g = &t->got[r->job];

	if (r->slot < t->jobs)
		t->busy[r->slot] = false;
	t->running--;
	g->ndone++;
	g->complete = r->complete;
	g->timed_out = r->timed_out;
	g->oom = r->oom;
	g->signal = r->signal;
	g->exit_status = r->exit_status;
	g->len = r->len;
	free(g->msg);
	g->msg = malloc(r->len + 1);
	test_assert(g->msg);
	memcpy(g->msg, r->msg, r->len + 1);
	memcpy(g->tail, r->err_tail, r->err_len + 1);
	g->tail_len = r->err_len;
	g->elapsed_s = r->elapsed_s;
	xs_pool_failure(r, g->failure, sizeof(g->failure));
	return r->job == t->stop_at ? -1 : 0;
}

static void t_tick(void *arg)
{
	((struct t *)arg)->nticks++;
}

static const struct xs_pool_ops ops = {t_prepare, t_child, t_done, t_tick};

static void t_init(struct t *t, unsigned jobs)
{
	memset(t, 0, sizeof(*t));
	t->jobs = jobs;
	t->settle = t->stop_at = UINT64_MAX;
}

static void t_free(struct t *t)
{
	for (int i = 0; i < NJOBS_MAX; i++)
		free(t->got[i].msg);
}

static int run(struct t *t, uint64_t njobs, double timeout_s)
{
	struct xs_pool_opts o = {.jobs = t->jobs, .timeout_s = timeout_s, .tick_ms = 50};
	char err[256];
	bool stdin_open = fcntl(0, F_GETFD) >= 0;
	int ret = xs_pool_run(&o, njobs, &ops, t, err, sizeof(err));

	if (ret < 0)
		printf("  pool: %s\n", err);
	test_cond("the parent's stdin is left open", !stdin_open || fcntl(0, F_GETFD) >= 0);
	return ret;
}

/* Job j of t ended whole with the message job_text(j). */
static bool got_text(const struct t *t, uint64_t j)
{
	char want[64];

	job_text(j, want, sizeof(want));
	return t->got[j].ndone == 1 && t->got[j].complete && t->got[j].len == strlen(want) &&
	       strcmp(t->got[j].msg, want) == 0;
}

XS_TEST_SUITE(pool_messages_more_jobs_than_slots)
{
	struct t t;
	uint64_t j;
	bool all = true;

	t_init(&t, 3);
	for (j = 0; j < 11; j++)
		t.kind[j] = K_SLOW;
	test_cond("11 jobs on 3 slots: the pool returns 0", run(&t, 11, 0) == 0);
	for (j = 0; j < 11; j++)
		all = all && got_text(&t, j);
	test_cond("every job's message arrives whole, once", all);
	test_cond("slots are in range and never given to two jobs at once", !t.bad_slot);
	test_cond("never more children than slots, and all slots used", t.max_running == 3);
	test_cond("tick() is called while children run", t.nticks > 0);
	t_free(&t);

	t_init(&t, 4);
	test_cond("2 jobs on 4 slots", run(&t, 2, 0) == 0 && got_text(&t, 0) && got_text(&t, 1));
	test_cond("no job beyond njobs is prepared", t.nprepared == 2);
	t_free(&t);
}

XS_TEST_SUITE(pool_crash_exit_and_timeout)
{
	struct t t;
	struct got *g;
	double t0 = xs_pool_mono_s();

	t_init(&t, 2);
	t.kind[1] = K_CRASH;
	t.kind[2] = K_HANG;
	t.kind[3] = K_EXIT3;
	test_cond("a pool with failing jobs still returns 0", run(&t, 5, 0.3) == 0);
	test_cond("the jobs around them end normally", got_text(&t, 0) && got_text(&t, 4));

	g = &t.got[1];
	test_cond("abort(): reported once, by SIGABRT, not complete",
		  g->ndone == 1 && g->signal == SIGABRT && !g->complete && !g->timed_out);
	test_cond("abort(): what it wrote before is there", strcmp(g->msg, "half a message") == 0);
	test_cond("abort(): its stderr is kept",
		  strcmp(g->tail, "about to abort, job 1\n") == 0 && g->tail_len == 22);
	test_cond("abort(): the failure names the signal and the stderr",
		  strncmp(g->failure, "killed by signal 6 (", 20) == 0 &&
			  strstr(g->failure, "; stderr: about to abort, job 1") &&
			  g->failure[strlen(g->failure) - 1] != '\n');

	g = &t.got[2];
	test_cond("hang: killed at its timeout with SIGKILL",
		  g->ndone == 1 && g->timed_out && g->signal == SIGKILL && !g->complete);
	test_cond("hang: it ran at least its timeout, not much more",
		  g->elapsed_s >= 0.3 && g->elapsed_s < 5);
	test_cond("hang: the failure says timed out",
		  strncmp(g->failure, "timed out after ", 16) == 0 &&
			  strstr(g->failure, "(timeout = 0.3 s)"));

	g = &t.got[3];
	test_cond("exit 3: its status, not complete, no message",
		  g->ndone == 1 && g->signal == 0 && g->exit_status == 3 && !g->complete &&
			  g->len == 0);
	test_cond("exit 3: the failure without the trailing newlines",
		  strcmp(g->failure, "exit status 3; stderr: giving up") == 0);
	test_cond("the whole pool took about the timeout", xs_pool_mono_s() - t0 < 5);
	t_free(&t);
}

XS_TEST_SUITE(pool_large_message_and_stderr_tail)
{
	struct t t;
	struct got *g;
	char want[XS_POOL_ERR_TAIL + 1];
	size_t i;
	bool same = true;

	t_init(&t, 2);
	t.kind[0] = K_BIG;
	t.kind[1] = K_STDERR;
	t.kind[2] = K_BIG;
	test_cond("two 1 MiB messages at once and a noisy job", run(&t, 3, 10) == 0);
	for (int j = 0; j < 3; j += 2) {
		g = &t.got[j];
		same = same && g->ndone == 1 && g->complete && g->len == BIG_LEN && !g->oom;
		for (i = 0; same && i < BIG_LEN; i++)
			same = g->msg[i] == big_byte(i);
	}
	test_cond("a message larger than a pipe arrives byte for byte", same);

	g = &t.got[1];
	for (i = 0; i < XS_POOL_ERR_TAIL; i++)
		want[i] = (char)('0' + (3000 - XS_POOL_ERR_TAIL + i) % 10);
	want[XS_POOL_ERR_TAIL] = '\0';
	test_cond("stderr: the last XS_POOL_ERR_TAIL bytes are kept",
		  g->tail_len == XS_POOL_ERR_TAIL && strcmp(g->tail, want) == 0);
	test_cond("stderr: a job that wrote there still ends whole", got_text(&t, 1));
	test_cond("stderr: no failure for a job that exited 0",
		  !xs_pool_failure(&(struct xs_pool_result){.err_tail = "x", .err_len = 1}, want,
				   sizeof(want)) &&
			  want[0] == '\0');
	t_free(&t);
}

XS_TEST_SUITE(pool_settle_and_stop)
{
	struct t t;
	uint64_t j;
	int ndone = 0;

	t_init(&t, 2);
	t.settle = 1;
	test_cond("prepare() settling a job", run(&t, 4, 0) == 0);
	test_cond("the settled job gets no done(), the others do",
		  t.got[1].ndone == 0 && got_text(&t, 0) && got_text(&t, 2) && got_text(&t, 3));
	t_free(&t);

	t_init(&t, 1);
	t.stop_at = 2;
	test_cond("done() stopping the pool: xs_pool_run() returns 1", run(&t, 8, 0) == 1);
	for (j = 0; j < 8; j++)
		ndone += t.got[j].ndone;
	test_cond("no job after the one that stopped it", ndone == 3 && t.got[2].ndone == 1);
	test_cond("nor is any prepared", t.nprepared == 3);
	t_free(&t);

	t_init(&t, 3);
	for (j = 0; j < 6; j++)
		t.kind[j] = j == 0 ? K_MSG : K_HANG;
	t.stop_at = 0;
	test_cond("stopped with children in flight: they are killed, not reported",
		  run(&t, 6, 20) == 1 && t.got[0].ndone == 1 && t.got[1].ndone == 0 &&
			  t.got[2].ndone == 0);
	t_free(&t);
}
