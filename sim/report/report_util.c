/*
 * wpsim report, the helpers both of its modules use (report_internal.h): the metric
 * names, string and number helpers, the grown array, and reading a group of the
 * computed report. Calls go one way: report.c (loading, statistics) calls report_out.c
 * (tables, CSV, plots), and both call this file, which calls neither.
 */
#include "report/report_internal.h"

#include "outcome/outcome.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Names of the outcome table (outcome/outcome.h). */
const char *const xs_rp_metric_names[RP_NMETRICS] = {
	XS_OUTCOME_LOST_BYTES,	     XS_OUTCOME_LEAKED_DELALLOC_BLOCKS, XS_OUTCOME_WRITE_LAT_P50_US,
	XS_OUTCOME_WRITE_LAT_P99_US, XS_OUTCOME_FAULT_LAT_P50_US,	XS_OUTCOME_FAULT_LAT_P99_US,
};

int xs_rp_streq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Policy params are shown without their "global." prefix. */
const char *xs_rp_short_name(const char *name)
{
	return strncmp(name, "global.", 7) == 0 ? name + 7 : name;
}

int xs_rp_parse_number(const char *s, double *x)
{
	char *end;

	errno = 0;
	*x = strtod(s, &end);
	return *s && !*end && !errno && isfinite(*x);
}

/* A grown array: doubles *cap when full. Returns 0 or -ENOMEM. */
int xs_rp_grow(void **arr, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap : 16;
	void *p;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	p = realloc(*arr, ncap * size);
	if (!p)
		return -ENOMEM;
	memset((char *)p + *cap * size, 0, (ncap - *cap) * size);
	*arr = p;
	*cap = ncap;
	return 0;
}

const char *xs_rp_gval(const struct xs_report *rp, size_t g, size_t k)
{
	return rp->runs[rp->order[rp->groups[g].first]].val[k];
}

/* Values of metric m over the group's ok runs that have it, into x. */
size_t xs_rp_collect(const struct xs_report *rp, size_t g, int m, double *x)
{
	const struct xs_report_group *gr = &rp->groups[g];
	size_t i, n = 0;

	for (i = gr->first; i < gr->first + gr->n; i++) {
		const struct xs_report_run *r = &rp->runs[rp->order[i]];

		if (r->ok && (r->have & (1u << m)))
			x[n++] = r->metric[m];
	}
	return n;
}
