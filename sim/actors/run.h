/*
 * One simulated run of a scenario (docs/design.md, "The life of a run"): SimGrid actors drive the
 * model core — writers, faulters, readers, truncators, syncers, plus the flusher, reclaim and
 * blockgc — then the end of life (sync, close, eviction canary, unmount counter check)
 * and the byte-by-byte comparison of the file on the modelled disk with the oracle.
 *
 * One run per process: SimGrid's engine is initialised once.
 */
#ifndef XS_RUN_H
#define XS_RUN_H

#include "actors/control.h"
#include "config/scenario.h"
#include "outcome/outcome.h"

#include <stdio.h>

/*
 * Run sc. trace_path (may be NULL) receives a Chrome trace-event JSON file.
 * Returns 0, or -errno with a message in err (runtime failure: exit status 1).
 */
int xs_run(const struct xs_scenario *sc, const char *trace_path, struct xs_run_result *res,
	   char *err, size_t errlen);
/* ... with its jobs and daemons under a controller (control.h); ctl NULL: xs_run(). */
int xs_run_ctl(const struct xs_scenario *sc, const char *trace_path, const struct xs_ctl *ctl,
	       struct xs_run_result *res, char *err, size_t errlen);

#endif /* XS_RUN_H */
