/*
 * The controlled scheduler's side in the actors (control.h): who is controlled, the
 * operation and hit counts that name a point, and what a decision does there. The
 * waiting itself is sched.c's ("Controlled mode").
 */
#include "actors/control_run.h"

#include "actors/task.h"

#include <stdint.h>

static const char *const point_names[XS_CP_NR] = {
	[XS_PT_WRITE_MAPPED] = "write_mapped",
	[XS_PT_WRITE_COPY] = "write_copy",
	[XS_PT_WRITE_CHUNK_DONE] = "write_chunk_done",
	[XS_PT_WRITE_END] = "write_end",
	[XS_PT_PUNCH] = "punch",
	[XS_PT_FAULT] = "fault",
	[XS_PT_FAULT_MAPPED] = "fault_mapped",
	[XS_PT_WB_FOLIO] = "wb_folio",
	[XS_CP_LOCK_I_RWSEM] = "lock.i_rwsem",
	[XS_CP_LOCK_INVALIDATE] = "lock.invalidate_lock",
	[XS_CP_LOCK_ILOCK] = "lock.ilock",
	[XS_CP_LOCK_FOLIO] = "lock.folio",
	[XS_CP_UNLOCK_I_RWSEM] = "unlock.i_rwsem",
	[XS_CP_UNLOCK_INVALIDATE] = "unlock.invalidate_lock",
	[XS_CP_UNLOCK_ILOCK] = "unlock.ilock",
	[XS_CP_UNLOCK_FOLIO] = "unlock.folio",
	[XS_CP_IO_SUBMIT] = "io.submit",
	[XS_CP_IO_COMPLETE] = "io.complete",
	[XS_CP_WAKE] = "wake",
	[XS_CP_OP] = "op",
	[XS_CP_LOCK_MMAP] = "lock.mmap_lock",
	[XS_CP_UNLOCK_MMAP] = "unlock.mmap_lock",
};

const char *const xs_ctl_daemons[XS_CTL_NDAEMONS] = {"flusher", "reclaim", "blockgc", "endio"};

const char *xs_ctl_point_name(enum xs_ctl_point p)
{
	return (unsigned)p < XS_CP_NR ? point_names[p] : NULL;
}

void xs_ctl_register(struct xs_run *run, struct xs_task *t, uint32_t job)
{
	const struct xs_ctl *c = run->ctl;

	t->job = job;
	t->fail_at = UINT64_MAX;
	if (!c)
		return;
	t->park.ctl = true;
	t->ctl_index = run->nctl++;
	if (c->prioritised) {
		struct xs_ctl_actor who = {t->grp ? t->grp->name : t->name, job,
					   t->grp && t->grp->kind == XS_ACTOR_WRITER, t->ctl_index};

		t->park.prio = c->ops->priority(c->arg, &who);
		if (t->park.prio <= run->ctl_low)
			run->ctl_low = t->park.prio;
	}
}

void xs_ctl_op(struct xs_task *t, uint32_t op, uint64_t len)
{
	uint32_t i;

	t->ctl_op = op;
	t->ctl_op_len = len;
	t->fail_at = UINT64_MAX;
	for (i = 0; i < XS_CP_NR; i++)
		t->ctl_hits[i] = 0;
}

void xs_ctl_wake(struct xs_task *t)
{
	xs_ctl_op(t, t->ctl_wakes, 0);
	if (t->ctl_wakes < UINT32_MAX)
		t->ctl_wakes++;
	xs_ctl_point(t, XS_CP_WAKE);
}

void xs_ctl_point(struct xs_task *t, enum xs_ctl_point pt)
{
	struct xs_run *run = t->run;
	const struct xs_ctl *c = run->ctl;
	struct xs_ctl_at at;
	struct xs_ctl_act a;

	if (!c || !t->park.ctl || !run->sched.ctl_on)
		return;
	xs_cpu_pay(t);
	at.who.group = t->grp ? t->grp->name : t->name;
	at.who.job = t->job;
	at.who.writer = t->grp && t->grp->kind == XS_ACTOR_WRITER;
	at.who.index = t->ctl_index;
	at.op = t->ctl_op;
	at.hit = t->ctl_hits[pt];
	if (t->ctl_hits[pt] < UINT32_MAX)
		t->ctl_hits[pt]++;
	at.point = pt;
	at.step = run->ctl_steps++;
	at.op_len = t->ctl_op_len;
	a = c->ops->decide(c->arg, &at);
	switch (a.kind) {
	case XS_CTL_GO:
		break;
	case XS_CTL_DELAY:
		xs_sleep_blocked((double)a.arg * 1e-9);
		break;
	case XS_CTL_SUSPEND:
		xs_sched_suspend(&t->park);
		break;
	case XS_CTL_LOWER:
		if (c->prioritised)
			xs_sched_set_prio(&t->park, --run->ctl_low);
		break;
	case XS_CTL_FAIL:
		if (at.who.writer && pt == (enum xs_ctl_point)XS_PT_WRITE_COPY && at.hit == 0)
			t->fail_at = a.arg;
		break;
	}
	xs_sched_turn(&t->park);
}
