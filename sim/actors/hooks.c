/*
 * The host hooks the model core calls (struct xs_host_ops): the i_rwsem,
 * invalidate_lock, ILOCK and the calling task's process's mmap_lock with their
 * statistics, folio locks, the preemption points with their CPU cost, events, device
 * I/O and the calling task's mm. Each hook runs in the calling task's actor; the host
 * argument is the run.
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
#include "actors/tracestory.h"

#include "core/bmap.h"
#include "core/iext.h"
#include "core/mmap.h"
#include "core/pagecache.h"
#include "core/writeback.h"
#include "core/xalloc.h"

#include <math.h>
#include <simgrid/cond.h>
#include <simgrid/engine.h>
#include <simgrid/mutex.h>
#include <simgrid/semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <xbt/asserts.h>

/*
 * The lock classes: one row per enum xs_lock_id, then the folio lock. A new lock id
 * needs a row here and in the two tables of control points below.
 */
static const char *const lock_name[XS_LD_NCLASSES] = {"i_rwsem", "invalidate_lock", "ILOCK",
						      "mmap_lock", "folio"};
/* their spans in the trace: a wait and a hold of a class read apart */
static const char *const wait_name[XS_LD_NCLASSES] = {"wait i_rwsem", "wait invalidate_lock",
						      "wait ILOCK", "wait mmap_lock", "wait folio"};
static const char *const hold_name[XS_LD_NCLASSES] = {"hold i_rwsem", "hold invalidate_lock",
						      "hold ILOCK", "hold mmap_lock", "hold folio"};
static const enum xs_ctl_point lock_point[XS_LOCK_NR] = {XS_CP_LOCK_I_RWSEM, XS_CP_LOCK_INVALIDATE,
							 XS_CP_LOCK_ILOCK, XS_CP_LOCK_MMAP};
static const enum xs_ctl_point unlock_point[XS_LOCK_NR] = {
	XS_CP_UNLOCK_I_RWSEM, XS_CP_UNLOCK_INVALIDATE, XS_CP_UNLOCK_ILOCK, XS_CP_UNLOCK_MMAP};

/* result lock slots: the inode's locks, folio, then mmap_lock (the order printed) */
#define XS_SLOT_FOLIO XS_LOCK_MMAP
#define XS_SLOT_MMAP  (XS_LOCK_MMAP + 1)

/* The calling task's process: its group's, or the first one for daemons and main. */
static struct xs_process *task_process(struct xs_run *run, const struct xs_task *t)
{
	return &run->procs[t && t->grp ? t->grp->proc : 0];
}

/* The rwsem behind a lock id for the calling task. */
static struct xs_rwsem *task_rwsem(struct xs_run *run, const struct xs_task *t, enum xs_lock_id id)
{
	return id == XS_LOCK_MMAP ? &task_process(run, t)->mmap_lock : &run->locks[id];
}

_Static_assert(XS_LD_NCLASSES <= XS_LD_MAX_CLASSES, "too many lock classes for the validator");
_Static_assert(XS_LD_NCLASSES <= XS_OUTCOME_NLOCKS, "a result has fewer lock slots than classes");

static void host_lock(void *host, enum xs_lock_id id, enum xs_lock_mode mode, const char *fn)
{
	struct xs_run *run = host;
	struct xs_task *t = xs_self();
	bool write = mode == XS_LOCK_EXCL;
	double t0 = xs_task_now(t), waited;
	struct xs_rwsem *sem = task_rwsem(run, t, id);

	xs_lockdep_acquire(&run->lockdep, &t->ld, id, write, fn);
	xs_ctl_point(t, lock_point[id]);
	t0 = xs_task_now(t);
	run->events++;
	if (xs_rwsem_would_block(sem, write)) {
		xs_lockwatch_wait(run, t, id, sem, 0, write);
		xs_cpu_pay_now(t);
		t0 = xs_task_now(t);
	}
	if (write)
		waited = xs_down_write(sem);
	else
		waited = xs_down_read(sem);
	t->wait.on = false;
	xbt_assert(!xs_lockdep_push(&t->ld, id, write, sem, 0, fn), "%s holds too many locks",
		   t->name);
	t->shared_since[id] = xs_task_now(t);
	/* the wait ends where the hold starts, on the same clock */
	if (waited > 0)
		xs_trace_span(&run->trace, t->id, "lock_wait", wait_name[id], t0,
			      t->shared_since[id], 0, 0);
	xs_run_tick(run);
}

static void host_unlock(void *host, enum xs_lock_id id, enum xs_lock_mode mode)
{
	struct xs_run *run = host;
	struct xs_task *t = xs_self();
	struct xs_rwsem *sem = task_rwsem(run, t, id);

	xs_ctl_point(t, unlock_point[id]);
	if (xs_rwsem_has_waiters(sem))
		xs_sched_sync(); /* the wake-up happens where the task is */
	if (mode == XS_LOCK_EXCL) {
		if (id != XS_LOCK_ILOCK)
			xs_trace_span(&run->trace, t->id, "lock_hold", hold_name[id],
				      t->shared_since[id], xs_task_now(t), 0, 0);
		xs_up_write(sem);
	} else {
		xs_up_read(sem, t->shared_since[id]);
	}
	xs_lockdep_release(&t->ld, sem, 0);
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
		xs_trace_span(&run->trace, t->id, "lock_wait", wait_name[XS_LD_FOLIO], t0,
			      xs_task_now(t), index * run->fs.inode.i_mapping.page_bytes,
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

/*
 * Work whose cost depends on what the core found (enum xs_cost): added to the task's
 * debt, paid at its next preemption point. Work outside a task (the prefill) is free.
 */
static void host_cost(void *host, enum xs_cost cost, uint64_t bytes)
{
	struct xs_run *run = host;
	struct xs_task *t = xs_self();
	const struct xs_cpu_costs *c = &run->sc->cpu;

	if (!t)
		return;
	switch (cost) {
	case XS_COST_FOLIO_ALLOC:
		xs_cpu(t, &c->folio_alloc, 1);
		break;
	case XS_COST_ZERO:
		xs_cpu(t, &c->zero_4k, (double)bytes / 4096.0);
		break;
	case XS_COST_WP_FAULT:
		xs_cpu(t, &c->fault_wp, 1);
		break;
	case XS_COST_PUNCH_FOLIO:
		xs_cpu(t, &c->punch_folio, 1);
		break;
	case XS_COST_NR:
		break;
	}
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
		run->evs = xs_xrealloc(run->evs, run->capevs * sizeof(*run->evs));
	}
	e = &run->evs[run->nevs++];
	e->t = xs_now();
	e->task = t ? t->id : -1;
	e->op = t ? t->op : 0;
	e->kind = ev->kind;
	e->off = ev->off_bytes;
	e->len = ev->len_bytes;
	xs_tracestory_step(run, t, ev, run->nevs);
	if (t && ev->kind == XS_EV_SHORT_COPY)
		run->res->short_copies++;
	/* writeback's mappings and the completion's conversion are for the trace only */
	if (ev->kind == XS_EV_WB_DELALLOC || ev->kind == XS_EV_WB_UNWRITTEN ||
	    ev->kind == XS_EV_END_UNWRITTEN)
		return;
	if (t && run->ctl && run->ctl->ops->event && t->park.ctl && run->sched.ctl_on)
		ctl_event(run, t, ev);
}

/*
 * The device has written an ioend: the bio's end_io, in the device's actor. What needs
 * a transaction goes to the completion work (the endio daemon, background.c).
 */
static void host_end_bio(void *arg)
{
	struct xs_ioend *ioend = arg;
	struct xs_run *run = ioend->io_inode->i_fs->host;
	uint64_t byte_off = ioend->io_bno * run->fs.mount.m_geo.blocksize;

	xs_trace_async(&run->trace, ioend->io_task, "io", "write", ioend->io_start_s,
		       simgrid_get_clock(), byte_off, ioend->io_bio_size);
	if (xs_end_bio(ioend)) {
		xs_sched_sync();
		if (sg_sem_would_block(run->endio_wake)) {
			xs_wake_one(run->endio_wake);
			sg_sem_release(run->endio_wake);
		}
	}
	xs_writeback_wake(run);
}

static void host_submit_ioend(void *host, struct xs_ioend *ioend)
{
	struct xs_run *run = host;
	struct xs_task *t = xs_self();

	run->events++;
	xs_ctl_point(t, XS_CP_IO_SUBMIT);
	xs_cpu_pay_now(t);
	ioend->io_start_s = xs_task_now(t);
	ioend->io_task = t->id;
	xs_device_write_async(run->dev, ioend->io_bno * run->fs.mount.m_geo.blocksize,
			      ioend->io_bio_size, host_end_bio, ioend);
	xs_run_tick(run);
}

/* folio_wait_writeback(): sleep until the completion of the folio's last ioend. */
static void host_wait_writeback(void *host, uint64_t index)
{
	struct xs_run *run = host;
	struct xs_task *t = xs_self();
	const struct xs_pagecache *pc = &run->fs.inode.i_mapping;
	const struct xs_folio *f = xs_pagecache_lookup(&run->fs.inode.i_mapping, index);
	double t0;

	if (!f || !(f->flags & XS_FOLIO_WRITEBACK))
		return;
	xs_cpu_pay_now(t);
	t0 = xs_task_now(t);
	xs_sched_sync();
	sg_mutex_lock(run->wb_mutex);
	run->wb_waiters++;
	while ((f = xs_pagecache_lookup(&run->fs.inode.i_mapping, index)) &&
	       (f->flags & XS_FOLIO_WRITEBACK)) {
		xs_park(&t->park, run->wb_cond, INFINITY);
		sg_cond_wait(run->wb_cond, run->wb_mutex);
		xs_unpark(&t->park);
	}
	run->wb_waiters--;
	sg_mutex_unlock(run->wb_mutex);
	xs_trace_span(&run->trace, t->id, "wait", "writeback", t0, xs_task_now(t),
		      index * pc->page_bytes, pc->page_bytes);
	xs_run_tick(run);
}

static struct xs_mm *host_mm(void *host)
{
	return &task_process(host, xs_self())->mm;
}

const struct xs_host_ops xs_hooks_ops = {
	.lock = host_lock,
	.unlock = host_unlock,
	.folio_lock = host_folio_lock,
	.folio_unlock = host_folio_unlock,
	.preempt = host_preempt,
	.cost = host_cost,
	.event = host_event,
	.submit_ioend = host_submit_ioend,
	.wait_writeback = host_wait_writeback,
	.mm = host_mm,
};

void xs_hooks_init(struct xs_run *run)
{
	int i, n = run->sc->nprocs > 0 ? run->sc->nprocs : 1;

	for (i = 0; i < XS_LOCK_NR; i++)
		xs_rwsem_init(&run->locks[i], lock_name[i]);
	xs_folio_locks_init(&run->folios);
	xs_lockdep_init(&run->lockdep, lock_name, XS_LD_NCLASSES, xs_lockwatch_report, run);
	run->procs = xs_xcalloc((size_t)n, sizeof(*run->procs));
	for (i = 0; i < n; i++) {
		xs_mm_init(&run->procs[i].mm);
		xs_rwsem_init(&run->procs[i].mmap_lock, lock_name[XS_LOCK_MMAP]);
	}
}

static void collect_one(struct xs_outcome_lock *out, const char *name,
			const struct xs_lock_stats *ls)
{
	snprintf(out->name, sizeof(out->name), "%s", name);
	out->acquisitions += ls->acquisitions;
	out->contended += ls->contended;
	out->wait_s += ls->wait_s;
	if (ls->max_wait_s > out->max_wait_s)
		out->max_wait_s = ls->max_wait_s;
	out->hold_s += ls->hold_s;
}

void xs_hooks_collect(struct xs_run *run)
{
	struct xs_run_result *res = run->res;
	int i;

	res->lock_order_violations = run->lockdep.violations;
	memset(res->locks, 0, sizeof(res->locks));
	for (i = 0; i < XS_LOCK_MMAP; i++)
		collect_one(&res->locks[i], lock_name[i], &run->locks[i].stats);
	collect_one(&res->locks[XS_SLOT_FOLIO], "folio", &run->folios.stats);
	for (i = 0; i < (run->sc->nprocs > 0 ? run->sc->nprocs : 1); i++)
		collect_one(&res->locks[XS_SLOT_MMAP], lock_name[XS_LOCK_MMAP],
			    &run->procs[i].mmap_lock.stats);
}

void xs_hooks_destroy(struct xs_run *run)
{
	int i;

	for (i = 0; i < XS_LOCK_NR; i++)
		xs_rwsem_destroy(&run->locks[i]);
	xs_folio_locks_destroy(&run->folios);
	for (i = 0; i < (run->sc->nprocs > 0 ? run->sc->nprocs : 1); i++) {
		xs_rwsem_destroy(&run->procs[i].mmap_lock);
		xs_mm_destroy(&run->procs[i].mm);
	}
	free(run->procs);
	run->procs = NULL;
}
