/*
 * Chrome trace-event JSON (opens in Perfetto / chrome://tracing): one complete ("X")
 * event per syscall, fault, lock wait, exclusive lock hold and device I/O, one thread
 * per simulated task. Times are simulated microseconds.
 */
#include "actors/trace.h"

#include <inttypes.h>

void xs_trace_open(struct xs_run *run, const char *path)
{
	if (!path)
		return;
	run->trace = fopen(path, "w");
	if (!run->trace)
		return;
	fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n", run->trace);
	run->trace_first = true;
}

void xs_trace_close(struct xs_run *run)
{
	if (!run->trace)
		return;
	fputs("\n]}\n", run->trace);
	fclose(run->trace);
	run->trace = NULL;
}

static void sep(struct xs_run *run)
{
	if (!run->trace_first)
		fputs(",\n", run->trace);
	run->trace_first = false;
}

void xs_trace_thread_name(struct xs_run *run, int tid, const char *name)
{
	if (!run->trace)
		return;
	sep(run);
	fprintf(run->trace,
		"{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":%d,"
		"\"args\":{\"name\":\"%s\"}}",
		tid, name);
}

void xs_trace_span(struct xs_run *run, int tid, const char *cat, const char *name, double t0,
		   double t1, uint64_t off, uint64_t len)
{
	if (!run->trace)
		return;
	sep(run);
	fprintf(run->trace,
		"{\"name\":\"%s\",\"cat\":\"%s\",\"ph\":\"X\",\"pid\":1,\"tid\":%d,"
		"\"ts\":%.3f,\"dur\":%.3f,\"args\":{\"off\":%" PRIu64 ",\"len\":%" PRIu64 "}}",
		name, cat, tid, t0 * 1e6, (t1 - t0) * 1e6, off, len);
}
