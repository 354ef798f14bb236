/*
 * The background daemons (background.c): flusher, reclaim and blockgc, started and
 * stopped by the run's main actor (run.c); and balance_dirty_pages, which writers
 * (workload.c) call. Uses task.h only.
 */
#ifndef XS_BACKGROUND_H
#define XS_BACKGROUND_H

#include "actors/run_internal.h"

/* Start the daemons, from the main actor. */
/* The completion worker, before anything is written. */
void xs_start_endio(struct xs_run *run);
void xs_start_daemons(struct xs_run *run);
/* Stop them and wait until every one has ended, from the main actor. */
void xs_stop_daemons(struct xs_run *run);
/* balance_dirty_pages for a writer about to dirty more. */
void xs_balance_dirty_pages(struct xs_run *run, struct xs_task *t);

#endif /* XS_BACKGROUND_H */
