/*
 * Chrome trace events (trace.c): a file of complete events, one thread per task.
 * Every call is a no-op on a trace that is not open.
 */
#ifndef XS_TRACE_H
#define XS_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct xs_trace {
	FILE *f;    /* NULL: no trace */
	bool first; /* no event written yet (no separator before the next) */
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

#endif /* XS_TRACE_H */
