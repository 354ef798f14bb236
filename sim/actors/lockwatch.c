/*
 * Lock order reports and deadlock detection in a run; see lockwatch.h.
 *
 * The wait-for graph is read off the locks themselves (their holders and queues,
 * locks.h), not off the validator's stacks: a lock is granted inside locks.c, and a
 * task may be switched out before its hook records the hold.
 *
 * Waiting for a turn or suspended by a controller (sched.h, "Controlled mode") is no
 * lock wait: such a task has no edge, so it is never part of a cycle; those waits end
 * when the others block.
 *
 * A deadlock ends the run at once: its anomaly and metric are recorded, every actor
 * is killed, and xs_run_ctl() skips what only a finished workload can do (end.c).
 */
#include "actors/lockwatch.h"

#include "actors/task.h"
#include "core/xalloc.h"

#include <math.h>
#include <simgrid/actor.h>
#include <stdlib.h>
#include <xbt/asserts.h>

void xs_lockwatch_report(void *arg, const char *detail)
{
	struct xs_run *run = arg;

	xs_anomaly_addf(run, "lock_order", 0, 0, xs_now(), "%s", detail);
}

/* The task whose park record is p (every lock holder is a task: its park comes first). */
static int park_task(const void *p)
{
	return ((const struct xs_task *)p)->id;
}

#define WF_MAX_WHO 64

static int rwsem_edges(const struct xs_task *y, struct xs_wf_edge *out, int max)
{
	const struct xs_rwsem *sem = y->wait.lock;
	const void *who[WF_MAX_WHO];
	bool qwrite[WF_MAX_WHO];
	size_t n, i, me;
	int k = 0;
	struct xs_wf_edge e = {0, sem->name, -1, y->wait.write, false};

	if (sem->writer || (y->wait.write && sem->readers)) {
		n = xs_rwsem_holders(sem, who, WF_MAX_WHO);
		for (i = 0; i < n && k < max; i++) {
			e.to = park_task(who[i]);
			out[k++] = e;
		}
	}
	/* fairness: a reader waits for the writers queued ahead of it, a writer for all */
	n = xs_rwsem_queued(sem, who, qwrite, WF_MAX_WHO);
	for (me = 0; me < n && who[me] != &y->park; me++)
		;
	e.queued = true;
	for (i = 0; i < me && k < max; i++) {
		if (!y->wait.write && !qwrite[i])
			continue;
		e.to = park_task(who[i]);
		out[k++] = e;
	}
	return k;
}

static int run_edges(void *arg, int task, struct xs_wf_edge *out, int max)
{
	const struct xs_run *run = arg;
	const struct xs_task *y = run->tasks[task];
	int owner;

	if (!y->wait.on || y->park.dead || max < 1)
		return 0;
	if (y->wait.cls != XS_LD_FOLIO)
		return rwsem_edges(y, out, max);
	owner = xs_folio_owner(&run->folios, y->wait.sub);
	if (owner < 0)
		return 0;
	out[0] = (struct xs_wf_edge){owner, "folio", (int64_t)y->wait.sub, true, false};
	return 1;
}

static const char *task_name(void *arg, int task)
{
	const struct xs_run *run = arg;

	return run->tasks[task]->name;
}

/* The run ends here: what it found is recorded, every actor (the caller last) goes. */
static _Noreturn void deadlock_stop(struct xs_run *run, char *detail)
{
	run->res->deadlocks = 1;
	run->res->sim_time_s = xs_now();
	xs_anomaly_add(run, "deadlock", 0, 0, xs_now(), detail);
	run->deadlocked = true;
	sg_actor_kill_all();
	sg_actor_exit();
}

void xs_lockwatch_wait(struct xs_run *run, struct xs_task *t, int cls, const void *lock,
		       uint64_t sub, bool write)
{
	int *from;
	struct xs_wf_edge *out;
	int n;

	t->wait.on = true;
	t->wait.cls = cls;
	t->wait.lock = lock;
	t->wait.sub = sub;
	t->wait.write = write;
	from = xs_xmalloc((size_t)run->ntasks * sizeof(*from));
	out = xs_xmalloc((size_t)run->ntasks * sizeof(*out));
	n = xs_waitfor_cycle(t->id, run->ntasks, run_edges, run, from, out, run->ntasks);
	if (n) {
		char *detail = xs_waitfor_format(from, out, n, task_name, run);

		free(from);
		free(out);
		deadlock_stop(run, detail);
	}
	free(from);
	free(out);
}

/* "PREFIX: job waits for L; ..." over the live jobs; NULL when none is left. */
static char *blocked_jobs(const struct xs_run *run, const char *prefix)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int k, jobs = 0;

	if (!f)
		return NULL;
	fprintf(f, "%s:", prefix);
	for (k = 0; k < run->ntasks; k++) {
		const struct xs_task *t = run->tasks[k];

		if (!t->grp || t->park.dead)
			continue;
		fprintf(f, "%s %s waits for ", jobs++ ? ";" : "", t->name);
		if (!t->wait.on)
			fprintf(f, "an event");
		else if (t->wait.cls == XS_LD_FOLIO)
			fprintf(f, "folio %llu", (unsigned long long)t->wait.sub);
		else
			fprintf(f, "%s", ((const struct xs_rwsem *)t->wait.lock)->name);
	}
	if (fclose(f) != 0 || !jobs) {
		free(buf);
		return NULL;
	}
	return buf;
}

void xs_lockwatch_time_limit(struct xs_run *run)
{
	const struct xs_sched *s = &run->sched;
	char *detail;
	size_t i;
	int k;

	if (run->deadlocked || run->stopping)
		return;
	/* any actor but the daemons (whose periodic sleeps wake nobody) that could run? */
	for (i = 0; i < s->nparks; i++) {
		const struct xs_park *p = s->parks[i];
		bool daemon = false;

		for (k = 1; k < run->ntasks; k++)
			if (&run->tasks[k]->park == p && !run->tasks[k]->grp)
				daemon = true;
		if (!daemon && !p->dead && (p->wake_at < INFINITY || p->waiting))
			return;
	}
	detail = blocked_jobs(run, "no job could run at time_limit");
	if (!detail)
		return;
	xs_sched_sync();
	deadlock_stop(run, detail);
}

void xs_lockwatch_stalled(struct xs_run *run, double t)
{
	char *detail = blocked_jobs(run, "no actor could run");

	run->res->deadlocks = 1;
	run->res->sim_time_s = t;
	xs_anomaly_add(run, "deadlock", 0, 0, t, detail);
	run->deadlocked = true;
}
