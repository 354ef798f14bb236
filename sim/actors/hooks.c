/*
 * The host hooks the model core calls (struct xs_host_ops): the i_rwsem,
 * invalidate_lock and ILOCK with their statistics, folio locks, the preemption points
 * with their CPU cost, events and device I/O. Each hook runs in the calling task's
 * actor; the host argument is the run.
 *
 * Every lock acquisition goes through the lock validator (lockdep.h), whose reports
 * are lock_order anomalies, and every acquisition that has to wait through the
 * deadlock detector (lockwatch.c). docs/kernel.md, "Locks and lock order".
 */
#include "actors/hooks.h"

#include "actors/control_run.h"
#include "actors/lockwatch.h"
#include "actors/task.h"
#include "actors/trace.h"

#include "core/bmap.h"
#include "core/iext.h"
#include "core/pagecache.h"

#include <xbt/asserts.h>

/*
 * The lock classes: one row per enum xs_lock_id, then the folio lock. A new lock id
 * needs a row here and in the two tables of control points below.
 */
static const char *const lock_name[XS_LD_NCLASSES] = {"i_rwsem", "invalidate_lock", "ILOCK",
						      "folio"};
static const enum xs_ctl_point lock_point[XS_LOCK_NR] = {XS_CP_LOCK_I_RWSEM, XS_CP_LOCK_INVALIDATE,
							 XS_CP_LOCK_ILOCK};
static const enum xs_ctl_point unlock_point[XS_LOCK_NR] = {
	XS_CP_UNLOCK_I_RWSEM, XS_CP_UNLOCK_INVALIDATE, XS_CP_UNLOCK_ILOCK};

_Static_assert(XS_LD_NCLASSES <= XS_LD_MAX_CLASSES, "too many lock classes for the validator");
_Static_assert(XS_LD_NCLASSES <= XS_OUTCOME_NLOCKS, "a result has fewer lock slots than classes");

static void host_lock(void *host, enum xs_lock_id id, enum xs_lock_mode mode, const char *fn)
{
	struct xs_run *run = host;
	struct xs_task *t = xs_self();
	bool write = mode == XS_LOCK_EXCL;
	double t0 = xs_task_now(t), waited;

	xs_lockdep_acquire(&run->lockdep, &t->ld, id, write, fn);
	xs_ctl_point(t, lock_point[id]);
	t0 = xs_task_now(t);
	run->events++;
	if (xs_rwsem_would_block(&run->locks[id], write)) {
		xs_lockwatch_wait(run, t, id, &run->locks[id], 0, write);
		xs_cpu_pay_now(t);
		t0 = xs_task_now(t);
	}
	if (write)
		waited = xs_down_write(&run->locks[id]);
	else
		waited = xs_down_read(&run->locks[id]);
	t->wait.on = false;
	xbt_assert(!xs_lockdep_push(&t->ld, id, write, &run->locks[id], 0, fn),
		   "%s holds too many locks", t->name);
	t->shared_since[id] = xs_task_now(t);
	if (waited > 0)
		xs_trace_span(&run->trace, t->id, "lock", lock_name[id], t0, t0 + waited, 0, 0);
	xs_run_tick(run);
}

static void host_unlock(void *host, enum xs_lock_id id, enum xs_lock_mode mode)
{
	struct xs_run *run = host;
	struct xs_task *t = xs_self();

	xs_ctl_point(t, unlock_point[id]);
	if (xs_rwsem_has_waiters(&run->locks[id]))
		xs_sched_sync(); /* the wake-up happens where the task is */
	if (mode == XS_LOCK_EXCL) {
		if (id != XS_LOCK_ILOCK)
			xs_trace_span(&run->trace, t->id, "hold", lock_name[id],
				      t->shared_since[id], xs_task_now(t), 0, 0);
		xs_up_write(&run->locks[id]);
	} else {
		xs_up_read(&run->locks[id], t->shared_since[id]);
	}
	xs_lockdep_release(&t->ld, &run->locks[id], 0);
}

static void host_folio_lock(void *host, uint64_t index, const char *fn)
{
	struct xs_run *run = host;
	struct xs_task *t = xs_self();
	double t0 = xs_task_now(t), waited;

	xs_lockdep_acquire(&run->lockdep, &t->ld, XS_LD_FOLIO, true, fn);
	xs_ctl_point(t, XS_CP_LOCK_FOLIO);
	t0 = xs_task_now(t);
	run->events++;
	if (xs_folio_is_locked(&run->folios, index)) {
		xs_lockwatch_wait(run, t, XS_LD_FOLIO, &run->folios, index, true);
		xs_cpu_pay_now(t);
		t0 = xs_task_now(t);
	}
	waited = xs_folio_lock_wait(&run->folios, index, t->id);
	t->wait.on = false;
	xbt_assert(!xs_lockdep_push(&t->ld, XS_LD_FOLIO, true, &run->folios, index, fn),
		   "%s holds too many locks", t->name);
	if (waited > 0)
		xs_trace_span(&run->trace, t->id, "lock", "folio", t0, t0 + waited,
			      index * run->fs.inode.i_mapping.page_bytes,
			      run->fs.inode.i_mapping.page_bytes);
	xs_run_tick(run);
}

static void host_folio_unlock(void *host, uint64_t index)
{
	struct xs_run *run = host;
	struct xs_task *t = xs_self();

	xs_cpu_pay(t); /* the work done under the folio lock */
	xs_ctl_point(t, XS_CP_UNLOCK_FOLIO);
	if (run->folios.waiters)
		xs_sched_sync();
	xs_folio_unlock_index(&run->folios, index);
	xs_lockdep_release(&t->ld, &run->folios, index);
}

/* The scheduler hook: every modelled preemption point comes through here. */
static void host_preempt(void *host, enum xs_point point, uint64_t off)
{
	struct xs_run *run = host;
	struct xs_task *t = xs_self();
	const struct xs_cpu_costs *c = &run->sc->cpu;
	const struct xs_dist *d = NULL;

	(void)off;
	switch (point) {
	case XS_PT_WRITE_MAPPED:
		d = &c->iomap_begin;
		break;
	case XS_PT_WRITE_COPY:
		/* the copy itself is charged by the writer's copy-in, under the folio lock */
		d = &c->folio;
		break;
	case XS_PT_WRITE_CHUNK_DONE:
		break;
	case XS_PT_WRITE_END:
		d = &c->iomap_end;
		break;
	case XS_PT_PUNCH:
		d = &c->punch;
		break;
	case XS_PT_FAULT:
		d = &c->fault;
		break;
	case XS_PT_FAULT_MAPPED:
		t->faulted = true;
		d = &c->page_mkwrite;
		break;
	case XS_PT_WB_FOLIO:
		d = &c->wb_folio;
		break;
	case XS_PT_NR:
		break;
	}
	if (d)
		xs_cpu(t, d, 1);
	run->events++;
	xs_cpu_pay(t);
	xs_ctl_point(t, (enum xs_ctl_point)point);
}

/* The state at the first block of ev, for a controller's story (control.h). */
static void ctl_event(struct xs_run *run, struct xs_task *t, const struct xs_event *ev)
{
	struct xs_inode *ip = &run->fs.inode;
	struct xs_mount *mp = ip->i_mount;
	xs_fileoff_t fsb = (xs_fileoff_t)(ev->off_bytes >> mp->m_blocklog);
	struct xs_iext_cursor cur;
	struct xs_bmbt_irec got;
	struct xs_folio *f =
		xs_pagecache_lookup(&ip->i_mapping, ev->off_bytes / ip->i_mapping.page_bytes);
	struct xs_ctl_event ce = {
		.who = {t->grp ? t->grp->name : t->name, t->job,
			t->grp && t->grp->kind == XS_ACTOR_WRITER, t->ctl_index},
		.op = t->ctl_op,
		.t = xs_task_now(t),
		.kind = ev->kind,
		.off = ev->off_bytes,
		.len = ev->len_bytes,
		.extent = "hole",
		.folio = "none",
		.delayed_blks = ip->i_delayed_blks,
		.fdblocks = mp->m_fdblocks,
	};

	if (xs_iext_lookup_extent(&ip->i_df, fsb, &cur, &got) && got.br_startoff <= fsb)
		ce.extent = xs_bmap_is_delalloc_extent(&got)   ? "delalloc"
			    : got.br_state == XS_EXT_UNWRITTEN ? "unwritten"
							       : "written";
	if (f) {
		bool up = f->flags & XS_FOLIO_UPTODATE;

		if (f->flags & XS_FOLIO_WRITEBACK)
			ce.folio = up ? "writeback,uptodate" : "writeback";
		else if (f->flags & XS_FOLIO_DIRTY)
			ce.folio = up ? "dirty,uptodate" : "dirty";
		else
			ce.folio = up ? "clean,uptodate" : "clean";
	}
	run->ctl->ops->event(run->ctl->arg, &ce);
}

static void host_event(void *host, const struct xs_event *ev)
{
	struct xs_run *run = host;
	struct xs_task *t = xs_self();
	struct xs_evrec *e;

	if (run->nevs == run->capevs) {
		run->capevs = run->capevs ? run->capevs * 2 : 4096;
		run->evs = realloc(run->evs, run->capevs * sizeof(*run->evs));
		xbt_assert(run->evs, "out of memory");
	}
	e = &run->evs[run->nevs++];
	e->t = xs_now();
	e->task = t ? t->id : -1;
	e->op = t ? t->op : 0;
	e->kind = ev->kind;
	e->off = ev->off_bytes;
	e->len = ev->len_bytes;
	if (t && ev->kind == XS_EV_SHORT_COPY)
		run->res->short_copies++;
	if (t && run->ctl && run->ctl->ops->event && t->park.ctl && run->sched.ctl_on)
		ctl_event(run, t, ev);
}

static void host_io(void *host, uint64_t bno, uint64_t len_bytes)
{
	struct xs_run *run = host;
	struct xs_task *t = xs_self();
	double t0;
	uint64_t byte_off = bno * run->fs.mount.m_geo.blocksize;

	run->events++;
	xs_ctl_point(t, XS_CP_IO_SUBMIT);
	xs_cpu_pay_now(t);
	t0 = xs_task_now(t);
	xs_device_write(run->dev, byte_off, len_bytes);
	xs_trace_span(&run->trace, t->id, "io", "write", t0, xs_task_now(t), byte_off, len_bytes);
	xs_ctl_point(t, XS_CP_IO_COMPLETE);
	xs_run_tick(run);
}

const struct xs_host_ops xs_hooks_ops = {
	.lock = host_lock,
	.unlock = host_unlock,
	.folio_lock = host_folio_lock,
	.folio_unlock = host_folio_unlock,
	.preempt = host_preempt,
	.event = host_event,
	.io = host_io,
};

void xs_hooks_init(struct xs_run *run)
{
	int i;

	for (i = 0; i < XS_LOCK_NR; i++)
		xs_rwsem_init(&run->locks[i], lock_name[i]);
	xs_folio_locks_init(&run->folios);
	xs_lockdep_init(&run->lockdep, lock_name, XS_LD_NCLASSES, xs_lockwatch_report, run);
}

void xs_hooks_collect(struct xs_run *run)
{
	struct xs_run_result *res = run->res;
	int i;

	res->lock_order_violations = run->lockdep.violations;
	for (i = 0; i < XS_LD_NCLASSES; i++) {
		const struct xs_lock_stats *ls =
			i < XS_LOCK_NR ? &run->locks[i].stats : &run->folios.stats;

		snprintf(res->locks[i].name, sizeof(res->locks[i].name), "%s", lock_name[i]);
		res->locks[i].acquisitions = ls->acquisitions;
		res->locks[i].contended = ls->contended;
		res->locks[i].wait_s = ls->wait_s;
		res->locks[i].max_wait_s = ls->max_wait_s;
		res->locks[i].hold_s = ls->hold_s;
	}
}

void xs_hooks_destroy(struct xs_run *run)
{
	int i;

	for (i = 0; i < XS_LOCK_NR; i++)
		xs_rwsem_destroy(&run->locks[i]);
	xs_folio_locks_destroy(&run->folios);
}
