/*
 * The run's side of the lock validator and of deadlock detection (lockwatch.c): the
 * validator's reports become lock_order anomalies, and a task about to block on a lock
 * looks for a wait-for cycle through itself, which ends the run as a deadlock
 * (docs/design.md, "Deadlocks"). Used by hooks.c and background.c; uses task.h.
 */
#ifndef XS_LOCKWATCH_H
#define XS_LOCKWATCH_H

#include "actors/run_internal.h"

/* The validator's classes: the lock ids, then the folio lock. */
#define XS_LD_FOLIO    XS_LOCK_NR
#define XS_LD_NCLASSES (XS_LOCK_NR + 1)

/* The validator's report function; arg is the run. */
void xs_lockwatch_report(void *arg, const char *detail);
/*
 * t is about to wait for a lock: class cls, instance lock (a struct xs_rwsem, or the
 * run's folio table with sub the folio's index), mode write. Recorded in t->wait until
 * t holds it (the caller clears t->wait.on). When the wait closes a wait-for cycle,
 * the run ends here as a deadlock: nothing of it runs any more.
 */
void xs_lockwatch_wait(struct xs_run *run, struct xs_task *t, int cls, const void *lock,
		       uint64_t sub, bool write);
/*
 * The safety net past time_limit (called by a daemon): when every job is blocked with
 * no end in sight, the run ends as a deadlock naming what they wait for.
 */
void xs_lockwatch_time_limit(struct xs_run *run);
/*
 * After simgrid_run(), when SimGrid stopped because no actor could run before the
 * workload ended (a wait no lock explains): the run is a deadlock at time t.
 */
void xs_lockwatch_stalled(struct xs_run *run, double t);

#endif /* XS_LOCKWATCH_H */
