/*
 * The run's kernel steps and anomalies in its trace (tracestory.c), with the arrows of
 * each anomaly's story. Both are no-ops when the run has no trace.
 */
#ifndef XS_TRACESTORY_H
#define XS_TRACESTORY_H

#include "actors/run_internal.h"

/*
 * A kernel step of task t (NULL: outside any task, not traced). rec: the number of
 * the event in run->evs, counted from 1, that a story may point at (0: not recorded).
 */
void xs_tracestory_step(struct xs_run *run, struct xs_task *t, const struct xs_event *ev,
			size_t rec);
/*
 * An anomaly just recorded, at the current simulated time, with its story's arrows;
 * op (not 0): the operation that stored the bytes it is about, where its story begins.
 */
void xs_tracestory_anomaly(struct xs_run *run, const struct xs_anomaly *a, uint64_t op);

#endif /* XS_TRACESTORY_H */
