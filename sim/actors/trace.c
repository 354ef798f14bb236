/*
 * Chrome trace-event JSON (opens in Perfetto / chrome://tracing): complete ("X")
 * events for syscalls, faults, lock waits and holds, async ("b"/"e") ones for device
 * I/O, which overlap on the thread that submitted them, instants ("i") for
 * the kernel steps and anomalies, and flow arrows ("s"/"f") from the steps of an
 * anomaly's story to it; one thread per simulated task.
 *
 * Timestamps are integer nanoseconds of simulated time, printed as microseconds with
 * exactly three decimals from the integer (Chrome's "ts" and "dur" are microseconds):
 * no floating rounding, so a span inside another in simulated time is inside it here.
 *
 * A flow's start is written right after its instant, at the same time on the same
 * thread, so a viewer binds it to that instant; its end has "bp":"e" (bind to the
 * enclosing slice: the anomaly's instant). One start may have several ends (Perfetto
 * draws an arrow for each): a step can belong to several anomalies' stories.
 *
 * A module of its own with a clean interface (trace.h): libc only, no SimGrid, and it
 * knows nothing of the run; the run owns a struct xs_trace and passes it in. It stays
 * in actors/ because the run's actors are its only writer (its threads are their
 * tasks, its times their simulated clocks); it could move to a lower layer unchanged
 * if another writer appeared.
 */
#include "actors/trace.h"

#include <inttypes.h>
#include <math.h>

/*
 * The thread id written for task tid: Perfetto reads a tid of 0 as "none" and puts the
 * event on the thread whose tid is the pid (task 1), so every id is shifted by one.
 */
#define TID(tid) ((tid) + 1)

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

/* Simulated seconds as integer nanoseconds (times are never negative). */
static int64_t ns(double s)
{
	return s > 0 ? (int64_t)llround(s * 1e9) : 0;
}

/* "KEY":US with US the microseconds of v ns, three decimals, from integers only. */
static void put_us(FILE *f, const char *key, int64_t v)
{
	fprintf(f, "\"%s\":%" PRId64 ".%03" PRId64, key, v / 1000, v % 1000);
}

/* s as a JSON string. */
static void put_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void xs_trace_thread_name(struct xs_trace *tr, int tid, const char *name)
{
	if (!tr->f)
		return;
	sep(tr);
	fprintf(tr->f,
		"{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":%d,\"args\":{\"name\":",
		TID(tid));
	put_str(tr->f, name);
	fputs("}}", tr->f);
}

void xs_trace_span(struct xs_trace *tr, int tid, const char *cat, const char *name, double t0,
		   double t1, uint64_t off, uint64_t len)
{
	int64_t a = ns(t0), b = ns(t1);

	if (!tr->f)
		return;
	sep(tr);
	fprintf(tr->f, "{\"name\":\"%s\",\"cat\":\"%s\",\"ph\":\"X\",\"pid\":1,\"tid\":%d,", name,
		cat, TID(tid));
	put_us(tr->f, "ts", a);
	fputc(',', tr->f);
	put_us(tr->f, "dur", b > a ? b - a : 0);
	fprintf(tr->f, ",\"args\":{\"off\":%" PRIu64 ",\"len\":%" PRIu64 "}}", off, len);
}

void xs_trace_async(struct xs_trace *tr, int tid, const char *cat, const char *name, double t0,
		    double t1, uint64_t off, uint64_t len)
{
	int64_t a = ns(t0), b = ns(t1);
	int i;

	if (!tr->f)
		return;
	tr->async++;
	for (i = 0; i < 2; i++) {
		sep(tr);
		fprintf(tr->f,
			"{\"name\":\"%s\",\"cat\":\"%s\",\"ph\":\"%c\",\"id\":%" PRIu64
			",\"pid\":1,\"tid\":%d,",
			name, cat, i ? 'e' : 'b', tr->async, TID(tid));
		put_us(tr->f, "ts", i ? (b > a ? b : a) : a);
		fprintf(tr->f, ",\"args\":{\"off\":%" PRIu64 ",\"len\":%" PRIu64 "}}", off, len);
	}
}

/* The common part of an instant, up to its args' closing brace. */
static void instant(struct xs_trace *tr, int tid, const char *cat, const char *name, int64_t t,
		    uint64_t off, uint64_t len, const char *key, const char *text)
{
	sep(tr);
	fprintf(tr->f,
		"{\"name\":\"%s\",\"cat\":\"%s\",\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":%d,",
		name, cat, TID(tid));
	put_us(tr->f, "ts", t);
	fprintf(tr->f, ",\"args\":{\"off\":%" PRIu64 ",\"len\":%" PRIu64, off, len);
	if (text) {
		fprintf(tr->f, ",\"%s\":", key);
		put_str(tr->f, text);
	}
	fputs("}}", tr->f);
}

/* One end of story arrow id: "s" (its start) or "f" (its end, bound to the enclosing slice). */
static void flow(struct xs_trace *tr, char ph, int tid, int64_t t, uint64_t id)
{
	sep(tr);
	fprintf(tr->f,
		"{\"name\":\"story\",\"cat\":\"story\",\"ph\":\"%c\",%s\"id\":%" PRIu64
		",\"pid\":1,\"tid\":%d,",
		ph, ph == 'f' ? "\"bp\":\"e\"," : "", id, TID(tid));
	put_us(tr->f, "ts", t);
	fputc('}', tr->f);
}

void xs_trace_instant(struct xs_trace *tr, int tid, const char *cat, const char *name, double t,
		      uint64_t off, uint64_t len, const char *note, uint64_t flow_id)
{
	if (!tr->f)
		return;
	instant(tr, tid, cat, name, ns(t), off, len, "note", note);
	if (flow_id)
		flow(tr, 's', tid, ns(t), flow_id);
}

void xs_trace_flows_in(struct xs_trace *tr, int tid, const char *cat, const char *name, double t,
		       uint64_t off, uint64_t len, const char *detail, const uint64_t *flows,
		       size_t n)
{
	size_t i;

	if (!tr->f)
		return;
	instant(tr, tid, cat, name, ns(t), off, len, "detail", detail);
	for (i = 0; i < n; i++)
		flow(tr, 'f', tid, ns(t), flows[i]);
}
