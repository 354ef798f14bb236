/*
 * The background actors every run has: the flusher (periodic and background
 * writeback, kernel defaults 5 s / 30 s / 10% / 20%), reclaim (evicts clean folios
 * while the page cache is over the scenario's memory) and blockgc (post-EOF trimming
 * every 300 s); and balance_dirty_pages for writers.
 *
 * Simplification: balance_dirty_pages pauses a writer in 10 ms steps while dirty
 * memory is above the hard limit, and in proportion between the freerun point and the
 * limit; the kernel's position-ratio control law is not modelled.
 */
#include "actors/background.h"
#include "actors/control_run.h"

#include "actors/lockwatch.h"
#include "actors/task.h"

#include "core/writeback.h"

#include <math.h>
#include <simgrid/actor.h>
#include <simgrid/cond.h>
#include <simgrid/engine.h>
#include <simgrid/mutex.h>
#include <simgrid/semaphore.h>

/*
 * Sleep until woken through sem, delay_s has passed, or the run stops.
 * (A semaphore with a timeout: SimGrid 3.32's timed condition wait does not take the
 * mutex back correctly on timeout.)
 */
static void daemon_wait(struct xs_run *run, sg_sem_t sem, double delay_s)
{
	xs_sched_sync();
	if (!run->stopping) {
		bool block = sg_sem_would_block(sem);

		if (block)
			xs_park(xs_park_self(), sem, simgrid_get_clock() + delay_s);
		sg_sem_acquire_timeout(sem, delay_s);
		if (block)
			xs_unpark(xs_park_self());
	}
	xs_run_tick(run);
	if (!run->stopping)
		xs_ctl_wake(xs_self());
}

/* Wake a daemon; at most one pending wake-up is kept. */
static void daemon_wake(sg_sem_t sem)
{
	xs_sched_sync();
	if (sg_sem_would_block(sem)) {
		xs_wake_one(sem);
		sg_sem_release(sem);
	}
}

static void daemon_exit(struct xs_run *run)
{
	struct xs_task *t = xs_self();

	xs_sched_sync();
	sg_mutex_lock(run->stop_mutex);
	run->daemons_running--;
	xs_park_exit(&t->park);
	xs_wake_all(run->stop_cond);
	sg_cond_notify_all(run->stop_cond);
	sg_mutex_unlock(run->stop_mutex);
}

static uint64_t dirty_bytes(const struct xs_run *run)
{
	const struct xs_pagecache *pc = &run->fs.inode.i_mapping;

	return pc->nr_dirty * pc->page_bytes;
}

/* What balance_dirty_pages() counts: dirty and under writeback (NR_FILE_DIRTY +
 * NR_WRITEBACK). */
static uint64_t throttled_bytes(const struct xs_run *run)
{
	const struct xs_pagecache *pc = &run->fs.inode.i_mapping;

	return (pc->nr_dirty + pc->nr_writeback) * pc->page_bytes;
}

static void flusher_main(int argc, char **argv)
{
	struct xs_task *t = xs_self();
	struct xs_run *run = t->run;
	const struct xs_scenario *sc = run->sc;
	uint64_t bg = sc->memory_bytes / 100 * sc->wb_background_ratio;

	(void)argc;
	(void)argv;
	while (!run->stopping) {
		uint64_t now_ns, expire_ns;

		daemon_wait(run, run->flusher_wake,
			    xs_sched_timeout(&run->sched, sc->wb_interval_s));
		if (run->stopping)
			break;
		/* the periodic wake-up bounds a run whose jobs can no longer move */
		if (xs_now() >= sc->time_limit_s) {
			run->sched.limit_hit = true;
			xs_lockwatch_time_limit(run);
		}
		now_ns = (uint64_t)(xs_now() * 1e9);
		expire_ns = (uint64_t)(sc->wb_expire_s * 1e9);
		if (now_ns >= expire_ns)
			xs_writeback_expired(&run->fs.inode, now_ns - expire_ns);
		if (dirty_bytes(run) > bg)
			xs_writeback_some(&run->fs.inode, run->fs.inode.i_mapping.nr_dirty);
		t->op = 0;
		xs_run_check(run);
	}
	daemon_exit(run);
}

static void reclaim_main(int argc, char **argv)
{
	struct xs_task *t = xs_self();
	struct xs_run *run = t->run;
	struct xs_pagecache *pc = &run->fs.inode.i_mapping;
	uint64_t cand[64];

	(void)argc;
	(void)argv;
	while (!run->stopping) {
		daemon_wait(run, run->reclaim_wake, run->sc->reclaim_interval_s);
		while (!run->stopping && pc->nr_pages * pc->page_bytes > run->sc->memory_bytes) {
			size_t n = xs_pagecache_lru_clean(pc, cand, 64), i, evicted = 0;

			for (i = 0; i < n; i++) {
				struct xs_folio *f;

				xs_ctl_point(t, XS_CP_LOCK_FOLIO);
				if (!xs_folio_trylock(&run->folios, cand[i], t->id))
					continue;
				f = xs_pagecache_lookup(pc, cand[i]);
				if (f && !(f->flags & (XS_FOLIO_DIRTY | XS_FOLIO_WRITEBACK))) {
					xs_pagecache_remove(pc, f);
					evicted++;
				}
				xs_folio_unlock_index(&run->folios, cand[i]);
				if (pc->nr_pages * pc->page_bytes <= run->sc->memory_bytes)
					break;
			}
			if (!evicted)
				break;
		}
	}
	daemon_exit(run);
}

static void blockgc_main(int argc, char **argv)
{
	struct xs_task *t = xs_self();
	struct xs_run *run = t->run;

	(void)argc;
	(void)argv;
	while (!run->stopping) {
		daemon_wait(run, run->blockgc_wake, run->sc->blockgc_period_s);
		if (run->stopping)
			break;
		xs_blockgc_scan_inode(&run->fs.inode);
		t->op = 0;
		xs_run_check(run);
	}
	daemon_exit(run);
}

/*
 * The completion work (xfs_end_io on the xfs-conv workqueue; one work item per inode,
 * so one worker): woken by xs_end_bio(), it completes every queued ioend. A daemon in
 * SimGrid's sense: it ends with the run, after the final sync.
 */
static void endio_main(int argc, char **argv)
{
	struct xs_task *t = xs_self();
	struct xs_run *run = t->run;

	(void)argc;
	(void)argv;
	for (;;) {
		xs_sched_sync();
		if (sg_sem_would_block(run->endio_wake)) {
			xs_park(&t->park, run->endio_wake, INFINITY);
			sg_sem_acquire(run->endio_wake);
			xs_unpark(&t->park);
		} else {
			sg_sem_acquire(run->endio_wake);
		}
		xs_run_tick(run);
		xs_ctl_wake(t);
		xs_ctl_point(t, XS_CP_IO_COMPLETE);
		xs_end_io(&run->fs.inode);
		xs_cpu_pay(t);
		xs_writeback_wake(run);
		t->op = 0;
	}
}

void xs_start_endio(struct xs_run *run)
{
	struct xs_task *t = xs_task_new(run, xs_ctl_daemons[XS_CTL_ENDIO], NULL);

	xs_sched_sync(); /* it starts where the main actor is */
	run->endio = t;
	xs_task_reseed(t, UINT32_MAX); /* a stream no other task has */
	xs_sched_stack_take(&run->sched);
	t->actor = sg_actor_init(t->name, run->host);
	sg_actor_set_data(t->actor, t);
	sg_actor_start(t->actor, endio_main, 0, NULL);
	sg_actor_daemonize(t->actor);
}

static void start_daemon(struct xs_run *run, const char *name, void (*fn)(int, char **))
{
	struct xs_task *t = xs_task_new(run, name, NULL);

	xs_ctl_register(run, t, 0);

	xs_sched_stack_take(&run->sched);
	t->actor = sg_actor_init(name, run->host);
	sg_actor_set_data(t->actor, t);
	run->daemons_running++;
	sg_actor_start(t->actor, fn, 0, NULL);
}

void xs_start_daemons(struct xs_run *run)
{
	xs_sched_sync(); /* they start where the main actor is */
	start_daemon(run, xs_ctl_daemons[0], flusher_main);
	start_daemon(run, xs_ctl_daemons[1], reclaim_main);
	start_daemon(run, xs_ctl_daemons[2], blockgc_main);
	/* started before the prefill (which syncs), controlled from here on */
	xs_ctl_register(run, run->endio, 0);
}

void xs_stop_daemons(struct xs_run *run)
{
	xs_sched_sync();
	sg_mutex_lock(run->stop_mutex);
	run->stopping = true;
	daemon_wake(run->flusher_wake);
	daemon_wake(run->reclaim_wake);
	daemon_wake(run->blockgc_wake);
	while (run->daemons_running > 0) {
		xs_park(xs_park_self(), run->stop_cond, INFINITY);
		sg_cond_wait(run->stop_cond, run->stop_mutex);
		xs_unpark(xs_park_self());
	}
	sg_mutex_unlock(run->stop_mutex);
}

void xs_balance_dirty_pages(struct xs_run *run, struct xs_task *t)
{
	const struct xs_scenario *sc = run->sc;
	uint64_t bg = sc->memory_bytes / 100 * sc->wb_background_ratio;
	uint64_t limit = sc->memory_bytes / 100 * sc->wb_dirty_ratio;
	uint64_t freerun = (bg + limit) / 2;
	double paused = 0;

	(void)t;
	if (dirty_bytes(run) > bg)
		daemon_wake(run->flusher_wake);
	/* past the time limit no pause can end later, so none is taken */
	while (!run->stopping && throttled_bytes(run) > freerun && paused < 60 &&
	       xs_now() < sc->time_limit_s) {
		uint64_t d = throttled_bytes(run);
		double pause = d >= limit
				       ? 0.010
				       : 0.200 * (double)(d - freerun) / (double)(limit - freerun);

		if (pause < 0.001)
			pause = 0.001;
		daemon_wake(run->flusher_wake);
		xs_sleep_blocked(pause);
		paused += pause;
		xs_run_tick(run);
		if (d < limit)
			break;
	}
}
