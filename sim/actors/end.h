/*
 * The end of a run (end.c): what the main actor does once the workload and the daemons
 * have ended, and the summary of the latency samples. Uses task.h only.
 */
#ifndef XS_END_H
#define XS_END_H

#include "actors/run_internal.h"

/*
 * End of life, in the main actor self: munmap, sync, close, evict (the delalloc canary),
 * unmount (the counter), then the comparison of the file on the modelled disk with the
 * oracle. Fills the outcome fields of run->res and records the anomalies.
 */
void xs_end_run(struct xs_run *run, struct xs_task *self);
/* The latency table of run->res, from the samples (after simgrid_run). */
void xs_end_summarise_latency(struct xs_run *run);

#endif /* XS_END_H */
