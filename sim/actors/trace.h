/*
 * Chrome trace events (trace.c): complete events (spans), instants, flow arrows, one
 * thread per task. Every call is a no-op on a trace that is not open.
 *
 * Times are given as simulated seconds and written as integer nanoseconds: each end of
 * a span is rounded on its own and the duration is their difference, so spans that
 * nest in simulated time nest in the file.
 */
#ifndef XS_TRACE_H
#define XS_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct xs_trace {
	FILE *f;	/* NULL: no trace */
	bool first;	/* no event written yet (no separator before the next) */
	uint64_t async; /* async spans written so far (their ids) */
};

/* Start a trace at path (NULL: none). A file that cannot be opened means no trace. */
void xs_trace_open(struct xs_trace *tr, const char *path);
/* End the file and close it. */
void xs_trace_close(struct xs_trace *tr);
/* Name thread tid (a task id) in the viewer. */
void xs_trace_thread_name(struct xs_trace *tr, int tid, const char *name);
/* One complete event of thread tid from t0 to t1 (simulated seconds) on [off, +len) bytes. */
void xs_trace_span(struct xs_trace *tr, int tid, const char *cat, const char *name, double t0,
		   double t1, uint64_t off, uint64_t len);
/*
 * A span started by thread tid that runs on without it (a device I/O): async, on a
 * track of its own, so that spans in flight together need not nest.
 */
void xs_trace_async(struct xs_trace *tr, int tid, const char *cat, const char *name, double t0,
		    double t1, uint64_t off, uint64_t len);
/*
 * An instant of thread tid at t on [off, +len) bytes; note (may be NULL) says what it
 * found. flow_id (not 0) starts a story arrow of that id from it (xs_trace_flows_in()).
 */
void xs_trace_instant(struct xs_trace *tr, int tid, const char *cat, const char *name, double t,
		      uint64_t off, uint64_t len, const char *note, uint64_t flow_id);
/*
 * An instant of thread tid at t (an anomaly) with detail, ending the n arrows of ids
 * flows started by xs_trace_instant().
 */
void xs_trace_flows_in(struct xs_trace *tr, int tid, const char *cat, const char *name, double t,
		       uint64_t off, uint64_t len, const char *detail, const uint64_t *flows,
		       size_t n);

#endif /* XS_TRACE_H */
