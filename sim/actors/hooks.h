/*
 * The host hooks the model core calls (hooks.c): locks with their order and statistics,
 * folio locks, preemption points with their CPU cost, events and device I/O. Set up and
 * torn down by run.c; they use task.h and trace.h.
 */
#ifndef XS_HOOKS_H
#define XS_HOOKS_H

#include "actors/run_internal.h"

/* The core's host operations; their host argument is the struct xs_run. */
extern const struct xs_host_ops xs_hooks_ops;

/* Create the run's locks (before simgrid_run). */
void xs_hooks_init(struct xs_run *run);
/* Copy the locks' statistics into run->res (after simgrid_run). */
void xs_hooks_collect(struct xs_run *run);
void xs_hooks_destroy(struct xs_run *run);

#endif /* XS_HOOKS_H */
