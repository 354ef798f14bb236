/*
 * The controlled scheduler inside a run (control.c): not a public interface; the
 * controller's interface is control.h.
 */
#ifndef XS_CONTROL_RUN_H
#define XS_CONTROL_RUN_H

#include "actors/control.h"
#include "actors/run_internal.h"

/* t, a job (job: its number in its group) or a daemon (job 0), is created. */
void xs_ctl_register(struct xs_run *run, struct xs_task *t, uint32_t job);
/* t starts its operation op (len: a write's length in bytes, else 0). */
void xs_ctl_op(struct xs_task *t, uint32_t op, uint64_t len);
/* t, a daemon, woke up: its next operation starts at point wake. */
void xs_ctl_wake(struct xs_task *t);
/* t reaches point pt: the controller's decision is carried out, then t waits for its
 * turn. Nothing without a controller. */
void xs_ctl_point(struct xs_task *t, enum xs_ctl_point pt);

#endif /* XS_CONTROL_RUN_H */
