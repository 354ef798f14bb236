/*
 * The tidy per-run table of a results database (export.h). The whole table is built
 * in memory (runs x columns cells), then written: the columns are known only after
 * every param and metric row has been read.
 */
#include "report/export.h"
#include "report/report_internal.h"
#include "outcome/outcome_json.h"
#include "store/store_read.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct names {
	char **v;
	size_t n, cap;
};

struct run_row {
	int64_t run_id, seed;
	bool has_seed;
	char *sweep, *scenario, *status;
};

struct table {
	struct run_row *runs;
	size_t nruns, cap;
	struct names params, metrics; /* the columns, sorted */
	char **pcell;		      /* nruns x params.n, NULL: none */
	double *mcell;		      /* nruns x metrics.n */
	bool *mhas;
	bool oom;
};

static char *dup_or_null(const char *s, bool *oom)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		*oom = true;
	return d;
}

static int add_run(void *arg, const struct xs_store_read_run *r)
{
	struct table *t = arg;
	struct run_row *row;

	if (t->nruns == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 256;
		struct run_row *v = realloc(t->runs, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->runs = v;
		t->cap = cap;
	}
	row = &t->runs[t->nruns++];
	*row = (struct run_row){.run_id = r->run_id, .seed = r->seed, .has_seed = r->has_seed};
	row->scenario = dup_or_null(r->scenario, &t->oom);
	row->status = dup_or_null(r->status, &t->oom);
	return t->oom ? -ENOMEM : 0;
}

/* The row of run_id (runs are in run_id order), or NULL. */
static struct run_row *find_run(const struct table *t, int64_t run_id)
{
	size_t lo = 0, hi = t->nruns;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->runs[mid].run_id < run_id)
			lo = mid + 1;
		else if (t->runs[mid].run_id > run_id)
			hi = mid;
		else
			return &t->runs[mid];
	}
	return NULL;
}

static int set_sweep(void *arg, int64_t run_id, const char *sweep)
{
	struct table *t = arg;
	struct run_row *row = find_run(t, run_id);

	if (row)
		row->sweep = dup_or_null(sweep, &t->oom);
	return t->oom ? -ENOMEM : 0;
}

static int names_add(struct names *l, const char *name)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		char **v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n] = strdup(name);
	return l->v[l->n++] ? 0 : -ENOMEM;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The column of name in the sorted l, or -1. */
static long names_find(const struct names *l, const char *name)
{
	char **hit = bsearch(&name, l->v, l->n, sizeof(*l->v), name_cmp);

	return hit ? (long)(hit - l->v) : -1;
}

static int add_param_name(void *arg, const char *name, uint64_t nvalues, uint64_t nruns)
{
	(void)nvalues;
	(void)nruns;
	return names_add(&((struct table *)arg)->params, name);
}

static int add_metric_name(void *arg, int64_t run_id, const char *name, double value)
{
	struct table *t = arg;

	(void)run_id;
	(void)value;
	/* names come run after run, mostly the same ones: look before adding */
	if (t->metrics.n && strcmp(t->metrics.v[t->metrics.n - 1], name) == 0)
		return 0;
	return names_add(&t->metrics, name);
}

static int set_param(void *arg, int64_t run_id, const char *name, const char *value)
{
	struct table *t = arg;
	struct run_row *row = find_run(t, run_id);
	long c = names_find(&t->params, name);
	char **cell;

	if (!row || c < 0)
		return 0;
	cell = &t->pcell[(size_t)(row - t->runs) * t->params.n + (size_t)c];
	free(*cell);
	*cell = dup_or_null(value, &t->oom);
	return t->oom ? -ENOMEM : 0;
}

static int set_metric(void *arg, int64_t run_id, const char *name, double value)
{
	struct table *t = arg;
	struct run_row *row = find_run(t, run_id);
	long c = names_find(&t->metrics, name);
	size_t i;

	if (!row || c < 0)
		return 0;
	i = (size_t)(row - t->runs) * t->metrics.n + (size_t)c;
	t->mcell[i] = value;
	t->mhas[i] = true;
	return 0;
}

/* Sort l and drop repeated names. */
static void names_unique(struct names *l)
{
	size_t i, n = 0;

	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), name_cmp);
	for (i = 0; i < l->n; i++) {
		if (n && strcmp(l->v[n - 1], l->v[i]) == 0)
			free(l->v[i]);
		else
			l->v[n++] = l->v[i];
	}
	l->n = n;
}

static int load(struct xs_store_reader *rd, struct table *t, char *err, size_t errlen)
{
	int ret = xs_store_read_runs(rd, add_run, t, err, errlen);

	if (!ret)
		ret = xs_store_read_run_sweeps(rd, set_sweep, t, err, errlen);
	if (!ret)
		ret = xs_store_read_param_names(rd, false, add_param_name, t, err, errlen);
	if (!ret)
		ret = xs_store_read_metrics(rd, add_metric_name, t, err, errlen);
	if (ret)
		return ret;
	names_unique(&t->params);
	names_unique(&t->metrics);
	t->pcell = calloc(t->nruns * t->params.n + 1, sizeof(*t->pcell));
	t->mcell = calloc(t->nruns * t->metrics.n + 1, sizeof(*t->mcell));
	t->mhas = calloc(t->nruns * t->metrics.n + 1, sizeof(*t->mhas));
	if (!t->pcell || !t->mcell || !t->mhas)
		return -ENOMEM;
	ret = xs_store_read_params(rd, set_param, t, err, errlen);
	if (!ret)
		ret = xs_store_read_metrics(rd, set_metric, t, err, errlen);
	return ret;
}

/* A real as the shortest decimal that reads back as the same double. */
static void real_text(double v, char *buf, size_t len)
{
	int p;

	for (p = 15; p < 17; p++) {
		snprintf(buf, len, "%.*g", p, v);
		if (strtod(buf, NULL) == v)
			return;
	}
	snprintf(buf, len, "%.17g", v);
}

static void write_csv(FILE *f, const struct table *t)
{
	char num[64];
	size_t r, c;

	fputs("run_id,sweep,scenario,seed,status", f);
	for (c = 0; c < t->params.n; c++) {
		fputc(',', f);
		xs_rp_csv_field(f, t->params.v[c]);
	}
	for (c = 0; c < t->metrics.n; c++) {
		fputc(',', f);
		xs_rp_csv_field(f, t->metrics.v[c]);
	}
	fputs("\r\n", f);
	for (r = 0; r < t->nruns; r++) {
		const struct run_row *row = &t->runs[r];

		fprintf(f, "%" PRId64 ",", row->run_id);
		xs_rp_csv_field(f, row->sweep);
		fputc(',', f);
		xs_rp_csv_field(f, row->scenario);
		fputc(',', f);
		if (row->has_seed)
			fprintf(f, "%" PRId64, row->seed);
		fputc(',', f);
		xs_rp_csv_field(f, row->status);
		for (c = 0; c < t->params.n; c++) {
			fputc(',', f);
			xs_rp_csv_field(f, t->pcell[r * t->params.n + c]);
		}
		for (c = 0; c < t->metrics.n; c++) {
			size_t i = r * t->metrics.n + c;

			fputc(',', f);
			if (t->mhas[i] && isfinite(t->mcell[i])) {
				real_text(t->mcell[i], num, sizeof(num));
				fputs(num, f);
			}
		}
		fputs("\r\n", f);
	}
}

static void json_text_or_null(FILE *f, const char *s)
{
	if (s)
		xs_json_string(f, s);
	else
		fputs("null", f);
}

static void write_json(FILE *f, const struct table *t)
{
	char num[64];
	size_t r, c;

	fputc('[', f);
	for (r = 0; r < t->nruns; r++) {
		const struct run_row *row = &t->runs[r];

		fprintf(f, "%s\n  {\"run_id\": %" PRId64 ", \"sweep\": ", r ? "," : "",
			row->run_id);
		json_text_or_null(f, row->sweep);
		fputs(", \"scenario\": ", f);
		json_text_or_null(f, row->scenario);
		if (row->has_seed)
			fprintf(f, ", \"seed\": %" PRId64 ", \"status\": ", row->seed);
		else
			fputs(", \"seed\": null, \"status\": ", f);
		json_text_or_null(f, row->status);
		for (c = 0; c < t->params.n; c++) {
			fputs(", ", f);
			xs_json_string(f, t->params.v[c]);
			fputs(": ", f);
			json_text_or_null(f, t->pcell[r * t->params.n + c]);
		}
		for (c = 0; c < t->metrics.n; c++) {
			size_t i = r * t->metrics.n + c;

			fputs(", ", f);
			xs_json_string(f, t->metrics.v[c]);
			fputs(": ", f);
			if (t->mhas[i] && isfinite(t->mcell[i])) {
				real_text(t->mcell[i], num, sizeof(num));
				fputs(num, f);
			} else {
				fputs("null", f);
			}
		}
		fputc('}', f);
	}
	fputs(t->nruns ? "\n]\n" : "]\n", f);
}

static void table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nruns; i++) {
		free(t->runs[i].sweep);
		free(t->runs[i].scenario);
		free(t->runs[i].status);
	}
	for (i = 0; t->pcell && i < t->nruns * t->params.n; i++)
		free(t->pcell[i]);
	for (i = 0; i < t->params.n; i++)
		free(t->params.v[i]);
	for (i = 0; i < t->metrics.n; i++)
		free(t->metrics.v[i]);
	free(t->params.v);
	free(t->metrics.v);
	free(t->runs);
	free(t->pcell);
	free(t->mcell);
	free(t->mhas);
}

int xs_export_main(const char *db_path, const char *format, const char *out_path, FILE *out,
		   FILE *err)
{
	struct xs_store_reader *rd = NULL;
	struct table t = {0};
	char msg[1024];
	FILE *f = out;
	int ret;

	if (strcmp(format, "csv") != 0 && strcmp(format, "json") != 0) {
		fprintf(err, "wpsim export: --format %s: unknown format (accepted: csv, json)\n",
			format);
		return 2;
	}
	ret = xs_store_read_open(db_path, &rd, msg, sizeof(msg));
	if (ret) {
		fprintf(err, "wpsim export: %s\n", msg);
		return xs_store_read_exit(ret);
	}
	ret = xs_store_read_begin(rd, msg, sizeof(msg));
	if (!ret)
		ret = load(rd, &t, msg, sizeof(msg));
	xs_store_read_close(rd);
	if (ret) {
		if (ret == -ENOMEM)
			snprintf(msg, sizeof(msg), "%s: out of memory", db_path);
		fprintf(err, "wpsim export: %s\n", msg);
		table_free(&t);
		return ret == -EINVAL ? 2 : 1;
	}
	if (out_path && !(f = fopen(out_path, "w"))) {
		fprintf(err, "wpsim export: --out %s: %s\n", out_path, strerror(errno));
		table_free(&t);
		return 1;
	}
	if (strcmp(format, "csv") == 0)
		write_csv(f, &t);
	else
		write_json(f, &t);
	ret = ferror(f) ? 1 : 0;
	if (f != out && fclose(f))
		ret = 1;
	else if (f == out && fflush(f))
		ret = 1;
	if (ret)
		fprintf(err, "wpsim export: %s: write error\n", out_path ? out_path : "stdout");
	table_free(&t);
	return ret;
}
