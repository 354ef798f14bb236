/*
 * wpsim report, the helpers both of its modules use (report_internal.h): the metric
 * names, string and number helpers, the order of a key's values, the grown array, the
 * text tables, and reading a group of the computed report. Calls go one way: report.c (loading,
 * statistics) calls report_out.c (tables, CSV, plots), and both call this file, which calls
 * neither.
 */
#include "report/report_internal.h"

#include "outcome/outcome.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Names of the outcome table (outcome/outcome.h). */
const char *const xs_rp_metric_names[RP_NMETRICS] = {
	XS_OUTCOME_LOST_BYTES,	     XS_OUTCOME_LEAKED_DELALLOC_BLOCKS,
	XS_OUTCOME_DEADLOCKS,	     XS_OUTCOME_LOCK_ORDER_VIOLATIONS,
	XS_OUTCOME_WRITE_LAT_P50_US, XS_OUTCOME_WRITE_LAT_P99_US,
	XS_OUTCOME_FAULT_LAT_P50_US, XS_OUTCOME_FAULT_LAT_P99_US,
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

/*
 * "name=value ..." of group g's shown columns except column skip; with policy_only,
 * only the policy params (and the scenario); without with_scenario, never the
 * scenario (a plot panel's title says it). "all" if nothing is left.
 */
void xs_rp_group_label(const struct xs_report *rp, size_t g, size_t skip, int policy_only,
		       int with_scenario, char *buf, size_t len)
{
	size_t s, used = 0;

	buf[0] = '\0';
	for (s = 0; s < rp->nshown && used < len; s++) {
		size_t k = rp->shown[s];
		const char *v = xs_rp_gval(rp, g, k);

		if (k == skip || (policy_only && k != 0 && !rp->keys[k].policy) ||
		    (k == 0 && !with_scenario))
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s=%s", used ? " " : "",
					 xs_rp_short_name(rp->keys[k].name), v ? v : "-");
	}
	if (!buf[0])
		snprintf(buf, len, "all");
}

int xs_rp_value_cmp(const char *name, int numeric, const char *a, const char *b)
{
	double x, y;

	if (!a || !b)
		return !!a - !!b;
	if (strcmp(name, "global.kernel") == 0)
		return strverscmp(a, b);
	if (numeric && xs_rp_parse_number(a, &x) && xs_rp_parse_number(b, &y) && x != y)
		return x < y ? -1 : 1;
	return strcmp(a, b);
}

void xs_rp_table_head(struct xs_report_table *t, const char *const *head)
{
	size_t c;

	xs_rp_table_row(t);
	for (c = 0; c < t->ncols; c++)
		xs_rp_table_set(t, c, "%s", head[c]);
}

void xs_rp_cmp_cells(const struct xs_report *rp, struct xs_report_table *t,
		     const struct xs_report_cmp *cm)
{
	const char *va = xs_rp_gval(rp, cm->a, cm->dim), *vb = xs_rp_gval(rp, cm->b, cm->dim);
	char same[512];

	xs_rp_group_label(rp, cm->a, cm->dim, 0, 1, same, sizeof(same));
	xs_rp_table_set(t, 0, "%s", same);
	xs_rp_table_set(t, 1, "%s", xs_rp_short_name(rp->keys[cm->dim].name));
	xs_rp_table_set(t, 2, "%s", va ? va : "-");
	xs_rp_table_set(t, 3, "%s", vb ? vb : "-");
}

void xs_rp_table_row(struct xs_report_table *t)
{
	if (xs_rp_grow((void **)&t->cells, &t->cap, (t->nrows + 1) * t->ncols, sizeof(char *)))
		t->err = -ENOMEM;
	else
		t->nrows++;
}

void xs_rp_table_set(struct xs_report_table *t, size_t col, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (t->err || !t->nrows)
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		t->err = -ENOMEM;
	else
		t->cells[(t->nrows - 1) * t->ncols + col] = s;
	va_end(ap);
}

void xs_rp_table_print(struct xs_report_table *t, FILE *out, size_t first_right)
{
	size_t r, c, *w = calloc(t->ncols, sizeof(*w));

	if (!w)
		return;
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];
			size_t len = s ? strlen(s) : 0;

			w[c] = len > w[c] ? len : w[c];
		}
	for (r = 0; r < t->nrows; r++) {
		size_t last = 0; /* the last nonempty cell: no trailing blanks */

		for (c = 0; c < t->ncols; c++)
			if (t->cells[r * t->ncols + c])
				last = c;
		for (c = 0; c <= last; c++) {
			const char *s = t->cells[r * t->ncols + c];
			int left = c < first_right || (t->left_from && c >= t->left_from);
			int width = c == last && left ? 0 : (int)w[c];

			fprintf(out, left ? "%-*s" : "%*s", width, s ? s : "");
			fputs(c < last ? "  " : "\n", out);
		}
	}
	free(w);
	xs_rp_table_free(t);
}

void xs_rp_table_free(struct xs_report_table *t)
{
	size_t r;

	for (r = 0; r < t->nrows * t->ncols; r++)
		free(t->cells[r]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->cap = 0;
}

void xs_rp_csv_field(FILE *f, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}
