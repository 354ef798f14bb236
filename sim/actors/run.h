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

#include <stdbool.h>
#include <stdio.h>

/*
 * Run sc. trace_path (may be NULL) receives a Chrome trace-event JSON file.
 * Returns 0, or -errno with a message in err (runtime failure: exit status 1).
 */
int xs_run(const struct xs_scenario *sc, const char *trace_path, struct xs_run_result *res,
	   char *err, size_t errlen);
/*
 * SimGrid's engine started, and the platform of a device loaded, in a process that
 * then forks its runs (explore): each forked run skips both, a third of the host time
 * of a small run. SimGrid's engine is one per process, so there is at most one of
 * these per process and the process itself never runs. Under AddressSanitizer (whose
 * SimGrid contexts are threads, which fork() does not copy) it starts nothing.
 */
struct xs_engine {
	bool started;
	char device_path[XS_SCN_PATH_MAX]; /* the device whose platform is loaded */
};

/* Start the engine with sc's device. Returns 0, or -errno with err. */
int xs_engine_start(struct xs_engine *eng, const struct xs_scenario *sc, char *err, size_t errlen);

/*
 * ... with its jobs and daemons under a controller (control.h); ctl NULL: xs_run().
 * eng (may be NULL): the engine this process started before forking this run, which
 * must have loaded sc's device; NULL or not started: the run starts SimGrid itself.
 */
int xs_run_ctl(const struct xs_scenario *sc, const char *trace_path, const struct xs_ctl *ctl,
	       const struct xs_engine *eng, struct xs_run_result *res, char *err, size_t errlen);

#endif /* XS_RUN_H */
