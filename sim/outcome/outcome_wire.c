/*
 * The message of a run between a child and its parent (outcome_wire.h): the child
 * writes its run's result with xs_outcome_wire_write(), the parent reads it back with
 * xs_outcome_wire_parse(). Text, so that a truncated or garbled message is seen as
 * such; reals in %a, so that the parent stores the child's values bit for bit.
 */
#include "outcome/outcome_wire.h"

#include <stdlib.h>
#include <string.h>

/* The optional extra section, then the end. */
static void write_end(FILE *m, const char *extra)
{
	if (extra)
		fprintf(m, "extra %zu\n%s\n", strlen(extra), extra);
	fputs("end\n", m);
}

void xs_outcome_wire_write(FILE *m, const char *error, const struct xs_run_result *res,
			   const char *extra)
{
	char *text = NULL;
	size_t len = 0, i;
	FILE *o;
	int l;

	fputs("XSR1\n", m);
	if (error) {
		fprintf(m, "error %zu\n%s\n", strlen(error), error);
		write_end(m, extra);
		return;
	}
	o = open_memstream(&text, &len);
	if (!o)
		return; /* no "end": the parent records a failure */
	xs_run_print_outcomes(o, res);
	fclose(o);
	fprintf(m, "outcomes %zu\n%s\n", len, text);
	free(text);
	fprintf(m, "latency %d\n", res->nlatency);
	for (l = 0; l < res->nlatency; l++) {
		const struct xs_latency *x = &res->latency[l];

		fprintf(m, "%s %llu %a %a %a %a %a %a\n", x->op[0] ? x->op : "-",
			(unsigned long long)x->count, x->mean_us, x->p50_us, x->p90_us, x->p99_us,
			x->p999_us, x->max_us);
	}
	/* a group's name may hold blanks: its length first */
	fprintf(m, "glatency %zu\n", res->ngroup_latency);
	for (i = 0; i < res->ngroup_latency; i++) {
		const struct xs_group_latency *g = &res->group_latency[i];
		const struct xs_latency *x = &g->lat;

		fprintf(m, "%zu %s %s %llu %a %a %a %a %a %a\n", strlen(g->group), g->group,
			x->op[0] ? x->op : "-", (unsigned long long)x->count, x->mean_us, x->p50_us,
			x->p90_us, x->p99_us, x->p999_us, x->max_us);
	}
	fprintf(m, "anomalies %zu\n", res->nanomalies);
	for (i = 0; i < res->nanomalies; i++) {
		const struct xs_anomaly *a = &res->anomalies[i];
		const char *d = a->detail ? a->detail : "";

		fprintf(m, "%s %llu %llu %a %zu\n%s\n", a->kind[0] ? a->kind : "-",
			(unsigned long long)a->offset, (unsigned long long)a->length, a->sim_time_s,
			strlen(d), d);
	}
	write_end(m, extra);
}

void xs_outcome_wire_free(struct xs_outcome_wire *w)
{
	size_t i;

	free(w->error);
	free(w->outcomes);
	for (i = 0; i < w->nanomalies; i++)
		free(w->anomalies[i].detail);
	free(w->anomalies);
	free(w->extra);
	free(w->group_latency);
	memset(w, 0, sizeof(*w));
}

struct cursor {
	const char *p, *end;
};

/* The next line (without '\n') into line; false at the end or if too long. */
static bool cur_line(struct cursor *c, char *line, size_t len)
{
	const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));

	if (!nl || (size_t)(nl - c->p) >= len)
		return false;
	memcpy(line, c->p, (size_t)(nl - c->p));
	line[nl - c->p] = '\0';
	c->p = nl + 1;
	return true;
}

/* n bytes then '\n', as a new string. */
static char *cur_bytes(struct cursor *c, size_t n)
{
	char *s;

	if (n >= (size_t)(c->end - c->p) || c->p[n] != '\n')
		return NULL;
	s = malloc(n + 1);
	if (!s)
		return NULL;
	memcpy(s, c->p, n);
	s[n] = '\0';
	c->p += n + 1;
	return s;
}

/* The optional extra section, then "end" and nothing after it. */
static bool cur_end(struct cursor *c, struct xs_outcome_wire *w)
{
	char line[64];
	size_t n;

	if (!cur_line(c, line, sizeof(line)))
		return false;
	if (sscanf(line, "extra %zu", &n) == 1) {
		if (!(w->extra = cur_bytes(c, n)) || !cur_line(c, line, sizeof(line)))
			return false;
	}
	return strcmp(line, "end") == 0 && c->p == c->end;
}

/* One "LEN GROUP op count mean p50 p90 p99 p999 max" line. */
static bool cur_group_latency(struct cursor *c, struct xs_group_latency *g)
{
	struct xs_latency *x = &g->lat;
	char line[512];
	unsigned long long u;
	size_t n;
	int at;

	if (!cur_line(c, line, sizeof(line)) || sscanf(line, "%zu %n", &n, &at) != 1 ||
	    n >= sizeof(g->group) || strlen(line + at) < n)
		return false;
	memcpy(g->group, line + at, n);
	g->group[n] = '\0';
	if (sscanf(line + at + n, " %31s %llu %lf %lf %lf %lf %lf %lf", x->op, &u, &x->mean_us,
		   &x->p50_us, &x->p90_us, &x->p99_us, &x->p999_us, &x->max_us) != 8)
		return false;
	x->count = u;
	return true;
}

bool xs_outcome_wire_parse(const char *buf, size_t len, struct xs_outcome_wire *w)
{
	struct cursor c = {buf, buf + len};
	char line[256];
	unsigned long long u1, u2;
	size_t n, i;
	int l;

	memset(w, 0, sizeof(*w));
	if (!cur_line(&c, line, sizeof(line)) || strcmp(line, "XSR1") != 0 ||
	    !cur_line(&c, line, sizeof(line)))
		return false;
	if (sscanf(line, "error %zu", &n) == 1) {
		w->error = cur_bytes(&c, n);
		return w->error && cur_end(&c, w);
	}
	if (sscanf(line, "outcomes %zu", &n) != 1 || !(w->outcomes = cur_bytes(&c, n)))
		return false;
	if (!cur_line(&c, line, sizeof(line)) || sscanf(line, "latency %d", &w->nlatency) != 1 ||
	    w->nlatency < 0 || w->nlatency > XS_MAX_LATENCY_KINDS)
		return false;
	for (l = 0; l < w->nlatency; l++) {
		struct xs_latency *x = &w->latency[l];

		if (!cur_line(&c, line, sizeof(line)) ||
		    sscanf(line, "%31s %llu %lf %lf %lf %lf %lf %lf", x->op, &u1, &x->mean_us,
			   &x->p50_us, &x->p90_us, &x->p99_us, &x->p999_us, &x->max_us) != 8)
			return false;
		x->count = u1;
	}
	if (!cur_line(&c, line, sizeof(line)) || sscanf(line, "glatency %zu", &n) != 1 || n > len ||
	    !(w->group_latency = calloc(n ? n : 1, sizeof(*w->group_latency))))
		return false;
	for (i = 0; i < n; i++)
		if (!cur_group_latency(&c, &w->group_latency[w->ngroup_latency++]))
			return false;
	if (!cur_line(&c, line, sizeof(line)) || sscanf(line, "anomalies %zu", &n) != 1 || n > len)
		return false;
	w->anomalies = calloc(n ? n : 1, sizeof(*w->anomalies));
	if (!w->anomalies)
		return false;
	for (i = 0; i < n; i++) {
		struct xs_anomaly *a = &w->anomalies[i];
		size_t dlen;

		if (!cur_line(&c, line, sizeof(line)) ||
		    sscanf(line, "%15s %llu %llu %lf %zu", a->kind, &u1, &u2, &a->sim_time_s,
			   &dlen) != 5 ||
		    !(a->detail = cur_bytes(&c, dlen)))
			return false;
		a->offset = u1;
		a->length = u2;
		w->nanomalies++;
	}
	return cur_end(&c, w);
}
