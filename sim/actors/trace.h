/* Chrome trace events of a run (trace.c): no-ops without a trace file. */
#ifndef XS_TRACE_H
#define XS_TRACE_H

#include "actors/run_internal.h"

void xs_trace_open(struct xs_run *run, const char *path);
void xs_trace_close(struct xs_run *run);
void xs_trace_span(struct xs_run *run, int tid, const char *cat, const char *name, double t0,
		   double t1, uint64_t off, uint64_t len);
void xs_trace_thread_name(struct xs_run *run, int tid, const char *name);

#endif /* XS_TRACE_H */
