/*
 * Chrome trace-event JSON (opens in Perfetto / chrome://tracing): one complete ("X")
 * event per syscall, fault, lock wait, exclusive lock hold and device I/O, one thread
 * per simulated task. Times are simulated microseconds.
 *
 * A module of its own with a clean interface (trace.h): libc only, no SimGrid, and it
 * knows nothing of the run; the run owns a struct xs_trace and passes it in. It stays
 * in actors/ because the run's actors are its only writer (its threads are their
 * tasks, its times their simulated clocks); it could move to a lower layer unchanged
 * if another writer appeared.
 */
#include "actors/trace.h"

#include <inttypes.h>

void xs_trace_open(struct xs_trace *tr, const char *path)
{
	if (!path)
		return;
	tr->f = fopen(path, "w");
	if (!tr->f)
		return;
	fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n", tr->f);
	tr->first = true;
}

void xs_trace_close(struct xs_trace *tr)
{
	if (!tr->f)
		return;
	fputs("\n]}\n", tr->f);
	fclose(tr->f);
	tr->f = NULL;
}

static void sep(struct xs_trace *tr)
{
	if (!tr->first)
		fputs(",\n", tr->f);
	tr->first = false;
}

void xs_trace_thread_name(struct xs_trace *tr, int tid, const char *name)
{
	if (!tr->f)
		return;
	sep(tr);
	fprintf(tr->f,
		"{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":%d,"
		"\"args\":{\"name\":\"%s\"}}",
		tid, name);
}

void xs_trace_span(struct xs_trace *tr, int tid, const char *cat, const char *name, double t0,
		   double t1, uint64_t off, uint64_t len)
{
	if (!tr->f)
		return;
	sep(tr);
	fprintf(tr->f,
		"{\"name\":\"%s\",\"cat\":\"%s\",\"ph\":\"X\",\"pid\":1,\"tid\":%d,"
		"\"ts\":%.3f,\"dur\":%.3f,\"args\":{\"off\":%" PRIu64 ",\"len\":%" PRIu64 "}}",
		name, cat, tid, t0 * 1e6, (t1 - t0) * 1e6, off, len);
}
