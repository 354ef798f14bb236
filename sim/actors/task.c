/*
 * Tasks and their accounting: the simulated tasks of a run (one per actor, each with
 * its own RNG stream), the CPU time they charge and pay, and the run's records that
 * every module appends to (operations, latency samples, anomalies, invariant checks).
 *
 * The bottom of the actors' modules: it calls the scheduler (sched.h) and the trace,
 * never a module that calls it.
 *
 * Simplification: every task has a CPU of its own (CPU costs are sleeps, not shared
 * computation).
 */
#include "actors/task.h"

#include "actors/trace.h"
#include "actors/tracestory.h"
#include "core/hashtab.h"
#include "core/xalloc.h"

#include <simgrid/actor.h>
#include <simgrid/cond.h>
#include <simgrid/engine.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <xbt/asserts.h>

struct xs_task *xs_self(void)
{
	return sg_actor_self_get_data();
}

void xs_writeback_wake(struct xs_run *run)
{
	if (!run->wb_waiters)
		return;
	xs_sched_sync(); /* the wake-up happens where the waker is */
	xs_wake_all(run->wb_cond);
	sg_cond_notify_all(run->wb_cond);
}

void xs_run_tick(struct xs_run *run)
{
	/* always from an actor: its park record without xs_now()'s actor handle */
	const struct xs_park *p = sg_actor_self_get_data();

	run->fs.inode.i_mapping.now_ns = (uint64_t)((simgrid_get_clock() + p->deferred) * 1e9);
}

void xs_task_reseed(struct xs_task *t, uint64_t stream)
{
	gsl_rng_set(t->rng, (unsigned long)xs_splitmix64(t->run->sc->seed * 1000003ULL + stream));
}

struct xs_task *xs_task_new(struct xs_run *run, const char *name, const struct xs_actor_group *grp)
{
	struct xs_task *t = xs_xcalloc(1, sizeof(*t));

	if (run->ntasks == run->captasks) {
		run->captasks = run->captasks ? run->captasks * 2 : 16;
		run->tasks = xs_xrealloc(run->tasks, (size_t)run->captasks * sizeof(*run->tasks));
	}
	t->id = run->ntasks;
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->run = run;
	t->grp = grp;
	t->rng = gsl_rng_alloc(gsl_rng_mt19937);
	/* the I/O completion worker (created second) does not shift the streams after it */
	xs_task_reseed(t, (uint64_t)t->id - (run->endio ? 1 : 0));
	run->tasks[run->ntasks++] = t;
	xs_park_register(&run->sched, &t->park);
	xs_trace_thread_name(&run->trace, t->id, t->name);
	return t;
}

void xs_cpu(struct xs_task *t, const struct xs_dist *d, double scale)
{
	t->cpu_debt += xs_dist_sample(d, t->rng) * scale;
}

/* xs_run_tick() for a task known to be running */
static void task_tick(struct xs_task *t)
{
	t->run->fs.inode.i_mapping.now_ns = (uint64_t)(xs_task_now(t) * 1e9);
}

void xs_cpu_pay(struct xs_task *t)
{
	if (t->cpu_debt > 0) {
		t->run->events++;
		xs_sched_yield(t->cpu_debt);
		t->cpu_debt = 0;
	}
	task_tick(t);
}

void xs_task_exit(struct xs_task *t)
{
	xs_sched_sync();
	xs_park_exit(&t->park);
	xs_wake_all(&t->run->tasks); /* the main actor joins the workers */
}

void xs_cpu_pay_now(struct xs_task *t)
{
	if (t->cpu_debt > 0)
		t->run->events++;
	xs_sleep(t->cpu_debt); /* what was deferred, then the charge */
	t->cpu_debt = 0;
	task_tick(t);
}

#define XS_OPS_BLOCK 4096

struct xs_oprec *xs_oprec_get(const struct xs_run *run, uint64_t id)
{
	XS_ASSERT(id > 0 && id <= run->nops);
	return &run->opblocks[(id - 1) / XS_OPS_BLOCK][(id - 1) % XS_OPS_BLOCK];
}

_Static_assert(sizeof(struct xs_oprec) == 40, "an operation record is 40 bytes");

uint64_t xs_op_begin(struct xs_run *run, struct xs_task *t, enum xs_opkind kind, uint64_t off,
		     uint64_t len)
{
	struct xs_oprec *o;

	if (run->nops == run->nopblocks * XS_OPS_BLOCK) {
		run->opblocks =
			xs_xrealloc(run->opblocks, (run->nopblocks + 1) * sizeof(*run->opblocks));
		run->opblocks[run->nopblocks] = xs_xmalloc(XS_OPS_BLOCK * sizeof(struct xs_oprec));
		run->nopblocks++;
	}
	o = xs_oprec_get(run, ++run->nops);
	XS_ASSERT(t->id >= 0 && t->id <= UINT16_MAX);
	o->task = (unsigned)t->id;
	o->kind = kind;
	o->off = off;
	o->len = xs_min_u64(len, (1ULL << 55) - 1);
	o->done = 0;
	o->ended = 0;
	o->t0 = xs_task_now(t);
	o->t1 = o->t0;
	t->op = run->nops; /* ids start at 1 */
	return run->nops;
}

void xs_op_end(struct xs_run *run, uint64_t id, uint64_t done)
{
	struct xs_oprec *o = xs_oprec_get(run, id);

	o->done = xs_min_u64(done, (1ULL << 48) - 1);
	o->t1 = xs_now();
	o->ended = 1;
}

static void samples_add(struct xs_samples *s, double seconds)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->v = xs_xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = seconds;
}

void xs_sample(struct xs_run *run, const struct xs_task *t, enum xs_lat_kind k, double seconds)
{
	samples_add(&run->lat[k], seconds);
	if (!t->grp || !run->glat)
		return;
	if (run->sc->ngroups > 1)
		samples_add(&run->glat[t->grp - run->sc->groups][k], seconds);
	else
		run->glat[0][k].n++; /* one group: its samples are the run's, not kept twice */
}

void xs_anomaly_add(struct xs_run *run, const char *kind, uint64_t off, uint64_t len, double t,
		    char *detail)
{
	xs_anomaly_add_op(run, kind, off, len, t, 0, detail);
}

void xs_anomaly_add_op(struct xs_run *run, const char *kind, uint64_t off, uint64_t len, double t,
		       uint64_t op, char *detail)
{
	struct xs_run_result *res = run->res;
	struct xs_anomaly *a;

	res->anomalies =
		xs_xrealloc(res->anomalies, (res->nanomalies + 1) * sizeof(*res->anomalies));
	a = &res->anomalies[res->nanomalies++];
	snprintf(a->kind, sizeof(a->kind), "%s", kind);
	a->offset = off;
	a->length = len;
	a->sim_time_s = t;
	a->detail = detail;
	xs_tracestory_anomaly(run, a, op);
}

void xs_anomaly_addf(struct xs_run *run, const char *kind, uint64_t off, uint64_t len, double t,
		     const char *fmt, ...)
{
	va_list ap;
	char *detail = NULL;

	va_start(ap, fmt);
	if (vasprintf(&detail, fmt, ap) < 0)
		detail = NULL;
	va_end(ap);
	xs_anomaly_add(run, kind, off, len, t, detail);
}

/* Check the inode; full: the data structures' self-checks too. Record a violation. */
static void run_check(struct xs_run *run, bool full)
{
	struct xs_err err = {0, ""};
	int bad;

	bad = full ? xs_inode_check(&run->fs.inode, &err)
		   : xs_inode_check_invariants(&run->fs.inode, &err);
	if (!bad)
		bad = xs_inode_check_dirty_backing(&run->fs.inode, &err);
	if (!bad) {
		run->last_violation[0] = '\0';
		return;
	}
	/* a violation that persists is one violation */
	if (strcmp(run->last_violation, err.msg) == 0)
		return;
	snprintf(run->last_violation, sizeof(run->last_violation), "%s", err.msg);
	run->res->invariant_violations++;
	xs_anomaly_addf(run, "invariant", 0, 0, xs_now(), "%s", err.msg);
}

void xs_run_check(struct xs_run *run)
{
	/*
	 * The invariants cost O(folios + extent records): check them every (that sum) / 64
	 * operations, about 64 records or folios of recount per operation. A violation
	 * persists until writeback or truncate repairs it, so it is still seen.
	 */
	uint64_t size = run->fs.inode.i_mapping.nr + run->fs.inode.i_df.if_nextents;

	if (++run->checks * 64 < size)
		return;
	run->checks = 0;
	run_check(run, false);
}

void xs_run_check_now(struct xs_run *run, bool structures)
{
	run->checks = 0;
	run_check(run, structures);
}
