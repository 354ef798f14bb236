/*
 * The workload actors (workload.c). Started by the run's main actor (run.c); they use
 * task.h and background.h's balance_dirty_pages, and call nothing above them.
 */
#ifndef XS_WORKLOAD_H
#define XS_WORKLOAD_H

#include "actors/run_internal.h"

/* The actor body of a job of grp; its data is its struct xs_task. */
void xs_worker_main(int argc, char **argv);
/* The initial file contents (global.prefill, global.file_size), by the main task t. */
void xs_prefill(struct xs_run *run, struct xs_task *t);
/*
 * Faulters with prefault = read touch every page of their range with a load before any
 * job starts, as holetest -r does before its threads race.
 */
void xs_prefault(struct xs_run *run, struct xs_task *t);

#endif /* XS_WORKLOAD_H */
