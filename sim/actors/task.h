/*
 * Tasks, their CPU time and the run's records (task.c). Used by every other module of
 * the run; calls none of them.
 */
#ifndef XS_TASK_H
#define XS_TASK_H

#include "actors/run_internal.h"

/* The task running now. */
struct xs_task *xs_self(void);
/* A new task of the run (its RNG stream is numbered by creation order, the I/O
 * completion worker left out). */
struct xs_task *xs_task_new(struct xs_run *run, const char *name, const struct xs_actor_group *grp);
/* Seed the task's RNG with stream number stream of the run's seed. */
void xs_task_reseed(struct xs_task *t, uint64_t stream);
/*
 * Simulated CPU time for one kernel step: charge a sample of d (times scale) to the
 * task. Charges are paid at the next preemption point, folio unlock or end of
 * operation (xs_cpu_pay: slept, or deferred while no other actor could run, see
 * sched.h) and slept before a contended lock or I/O (xs_cpu_pay_now).
 * Simplification: an uncontended lock is taken before the CPU time charged ahead of it
 * has been paid, so it is taken up to a few hundred ns early.
 */
void xs_cpu(struct xs_task *t, const struct xs_dist *d, double scale);
void xs_cpu_pay(struct xs_task *t);
void xs_cpu_pay_now(struct xs_task *t);
/* A worker ends: sleep what it deferred, leave the scheduler, wake the main actor. */
void xs_task_exit(struct xs_task *t);
/* Register an operation; returns its id (> 0). */
uint64_t xs_op_begin(struct xs_run *run, struct xs_task *t, enum xs_opkind kind, uint64_t off,
		     uint64_t len);
/* The record of operation id (> 0, as xs_op_begin() returned it). */
struct xs_oprec *xs_oprec_get(const struct xs_run *run, uint64_t id);
void xs_op_end(struct xs_run *run, uint64_t id, uint64_t done);
/* A latency sample of kind k by t: the run's, and its group's when it has one. */
void xs_sample(struct xs_run *run, const struct xs_task *t, enum xs_lat_kind k, double seconds);
/*
 * Check the invariants, amortised (every so many calls, in proportion to the state's
 * size); a violation is recorded as an anomaly.
 */
void xs_run_check(struct xs_run *run);
/* Check now; with structures, the self-checks of the model's data structures too. */
void xs_run_check_now(struct xs_run *run, bool structures);
/* Record an anomaly at simulated time t (s); the result owns detail (malloc'd or NULL). */
void xs_anomaly_add(struct xs_run *run, const char *kind, uint64_t off, uint64_t len, double t,
		    char *detail);
/*
 * ... about the bytes stored by operation op (0: none), whose steps from then on are
 * the anomaly's story in the trace (tracestory.h).
 */
void xs_anomaly_add_op(struct xs_run *run, const char *kind, uint64_t off, uint64_t len, double t,
		       uint64_t op, char *detail);
/* ... with the detail formatted (NULL if out of memory). */
void xs_anomaly_addf(struct xs_run *run, const char *kind, uint64_t off, uint64_t len, double t,
		     const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Writeback of some folios ended: the tasks waiting for it look again. */
void xs_writeback_wake(struct xs_run *run);
/* Keep the page cache's clock current. */
void xs_run_tick(struct xs_run *run);

#endif /* XS_TASK_H */
