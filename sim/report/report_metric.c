/*
 * wpsim report, the metrics a user asks about (report_internal.h): `--metric NAME`
 * chooses the outcomes that get a paired test and a plot (docs/design.md, "Commands"),
 * the test of each comparison per metric, the effective policy of each group, and the
 * latency of each actor group read from the latency_group table where there is one.
 *
 * The test of a metric follows what it measures. A count of things that went wrong
 * (bytes lost, leaked blocks, deadlocks, read mismatches, ENOSPC...) answers "did it
 * happen in this run": the outcome is count > 0, compared on paired seeds with
 * McNemar's exact test (the exact binomial on the discordant pairs, so small counts
 * are exact). Every other metric (latencies, times, counts of work done) is compared
 * with Wilcoxon's signed-rank test on the paired differences B - A.
 */
#include "report/report_internal.h"
#include "store/store_read.h"

#include "outcome/outcome.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Outcomes that count failures: tested as count > 0. */
static const char *const binary_names[] = {
	XS_OUTCOME_LOST_BYTES,
	XS_OUTCOME_LOST_STORES,
	XS_OUTCOME_LEAKED_DELALLOC_BLOCKS,
	XS_OUTCOME_DELALLOC_AT_UNMOUNT,
	XS_OUTCOME_INVARIANT_VIOLATIONS,
	XS_OUTCOME_DEADLOCKS,
	XS_OUTCOME_LOCK_ORDER_VIOLATIONS,
	XS_OUTCOME_SIGBUS,
	XS_OUTCOME_READ_MISMATCHES,
	XS_OUTCOME_ENOSPC,
	XS_OUTCOME_TIME_LIMIT_HIT,
};

/* Without --metric: loss, leaks, deadlocks and the two tail latencies, where recorded. */
static const char *const default_names[] = {
	XS_OUTCOME_LOST_BYTES,	     XS_OUTCOME_LEAKED_DELALLOC_BLOCKS, XS_OUTCOME_DEADLOCKS,
	XS_OUTCOME_WRITE_LAT_P99_US, XS_OUTCOME_FAULT_LAT_P99_US,
};

static const char *const policy_keys[RP_NPOLICY] = {
	"global.kernel",	 "global.punch",      "global.fault_end",  "global.validity",
	"global.dirty_tracking", "global.write_lock", "global.fault_lock", "global.zero_range",
};

static int is_binary(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(binary_names) / sizeof(binary_names[0]); i++)
		if (strcmp(name, binary_names[i]) == 0)
			return 1;
	return 0;
}

const char *xs_rp_metric_unit(const char *name)
{
	const struct xs_outcome_def *d = xs_outcome_find(name);
	size_t n = strlen(name);

	if (d)
		return d->unit;
	if (n > 3 && strcmp(name + n - 3, "_us") == 0)
		return "us";
	if (n > 2 && strcmp(name + n - 2, "_s") == 0)
		return "s";
	return "";
}

static int add_sel(struct xs_report *rp, const char *name, int asked)
{
	size_t i;

	for (i = 0; i < rp->nsel; i++)
		if (strcmp(rp->sel[i], name) == 0) {
			rp->sel_asked[i] |= asked;
			return 0;
		}
	rp->sel[rp->nsel] = name;
	rp->sel_binary[rp->nsel] = is_binary(name);
	rp->sel_asked[rp->nsel++] = asked;
	return 0;
}

int xs_rp_metrics_select(struct xs_report *rp, const char *const *names, size_t n)
{
	size_t i, nd = sizeof(default_names) / sizeof(default_names[0]), cap = n ? n : nd;

	rp->sel = calloc(cap, sizeof(*rp->sel));
	rp->sel_binary = calloc(cap, sizeof(*rp->sel_binary));
	rp->sel_asked = calloc(cap, sizeof(*rp->sel_asked));
	if (!rp->sel || !rp->sel_binary || !rp->sel_asked)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		add_sel(rp, names[i], 1);
	for (i = 0; n == 0 && i < nd; i++)
		add_sel(rp, default_names[i], 0);
	return 0;
}

int xs_rp_metrics_alloc(struct xs_report *rp)
{
	size_t i, n = rp->nsel ? rp->nsel : 1;

	for (i = 0; i < rp->nruns; i++) {
		rp->runs[i].sel = calloc(n, sizeof(double));
		rp->runs[i].shas = calloc(n, 1);
		if (!rp->runs[i].sel || !rp->runs[i].shas)
			return -ENOMEM;
	}
	return 0;
}

/* The name in the sorted list of names seen, added if new. */
static int note_name(struct xs_report *rp, const char *name)
{
	size_t lo = 0, hi = rp->nmnames;
	char *copy;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(rp->mnames[mid], name);

		if (c == 0)
			return 0;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (xs_rp_grow((void **)&rp->mnames, &rp->mcap, rp->nmnames + 1, sizeof(char *)) ||
	    !(copy = strdup(name)))
		return -ENOMEM;
	memmove(rp->mnames + lo + 1, rp->mnames + lo, (rp->nmnames - lo) * sizeof(char *));
	rp->mnames[lo] = copy;
	rp->nmnames++;
	return 0;
}

int xs_rp_metric_seen(struct xs_report *rp, struct xs_report_run *r, const char *name, double value)
{
	size_t i;

	if (note_name(rp, name))
		return -ENOMEM;
	for (i = 0; r && i < rp->nsel; i++)
		if (!r->shas[i] && strcmp(rp->sel[i], name) == 0) {
			r->sel[i] = value;
			r->shas[i] = 1;
		}
	return 0;
}

static int known(const struct xs_report *rp, const char *name)
{
	size_t i;

	for (i = 0; i < rp->nmnames; i++)
		if (strcmp(rp->mnames[i], name) == 0)
			return 1;
	return 0;
}

/* Asked names the database lacks: bad input. Defaults it lacks are dropped. */
int xs_rp_metrics_check(struct xs_report *rp, const char *db_path)
{
	size_t i, j, kept = 0;
	int bad = 0;

	for (i = 0; i < rp->nsel; i++) {
		if (known(rp, rp->sel[i]))
			continue;
		if (!rp->sel_asked[i])
			continue;
		fprintf(rp->err, "wpsim report: --metric %s: no such metric in %s\n", rp->sel[i],
			db_path);
		bad = 1;
	}
	if (bad) {
		fprintf(rp->err, "wpsim report: metrics in %s:", db_path);
		for (i = 0; i < rp->nmnames; i++)
			fprintf(rp->err, " %s", rp->mnames[i]);
		fputc('\n', rp->err);
		return -EINVAL;
	}
	/* compact the selection, moving the values of each run along */
	for (i = 0; i < rp->nsel; i++) {
		if (!known(rp, rp->sel[i]))
			continue;
		rp->sel[kept] = rp->sel[i];
		rp->sel_binary[kept] = rp->sel_binary[i];
		rp->sel_asked[kept] = rp->sel_asked[i];
		for (j = 0; j < rp->nruns; j++) {
			rp->runs[j].sel[kept] = rp->runs[j].sel[i];
			rp->runs[j].shas[kept] = rp->runs[j].shas[i];
		}
		kept++;
	}
	rp->nsel = kept;
	return 0;
}

/* The two values agree to 1e-9 relative: the same figure, no difference to rank. */
static double diff(double x, double y)
{
	return fabs(y - x) <= 1e-9 * fmax(fabs(x), fabs(y)) ? 0 : y - x;
}

int xs_rp_metric_tests(struct xs_report *rp, struct xs_report_cmp *c, double *d)
{
	size_t m, i;
	int ret;

	c->mt = calloc(rp->nsel ? rp->nsel : 1, sizeof(*c->mt));
	if (!c->mt)
		return -ENOMEM;
	for (m = 0; m < rp->nsel; m++) {
		struct xs_report_mtest *t = &c->mt[m];

		for (i = 0; i < c->pairs; i++) {
			const struct xs_report_run *a = &rp->runs[c->pa[i]],
						   *b = &rp->runs[c->pb[i]];
			int ya, yb;

			if (!a->shas[m] || !b->shas[m])
				continue;
			if (!rp->sel_binary[m]) {
				d[t->n++] = diff(a->sel[m], b->sel[m]);
				continue;
			}
			t->n++;
			ya = a->sel[m] > 0;
			yb = b->sel[m] > 0;
			t->a_k += ya;
			t->b_k += yb;
			t->a_only += ya && !yb;
			t->b_only += yb && !ya;
		}
		if (rp->sel_binary[m]) {
			t->p = xs_stats_mcnemar_exact(t->a_only, t->b_only);
			continue;
		}
		t->median_diff = t->n ? xs_stats_estimate(XS_STATS_MEDIAN, d, t->n) : 0;
		ret = xs_stats_wilcoxon(d, t->n, XS_STATS_WILCOXON_EXACT_MAX, &t->w);
		if (ret)
			return ret;
		t->p = t->n ? t->w.p : 1;
	}
	return 0;
}

static void fmt_p(char *buf, size_t len, double p)
{
	if (p < 1e-300) /* 2^-(b+c) underflows a double */
		snprintf(buf, len, "<1e-300");
	else
		snprintf(buf, len, "%.4g", p);
}

int xs_rp_print_metric_tests(struct xs_report *rp)
{
	static const char *const head[] = {"same", "param", "A", "B", "metric",	   "test",
					   "n",	   "A",	    "B", "p", "median B-A"};
	struct xs_report_table t = {.ncols = sizeof(head) / sizeof(head[0])};
	char p[32];
	size_t i, m;

	if (!rp->nsel || !rp->ncmps)
		return 0;
	xs_rp_table_head(&t, head);
	for (i = 0; i < rp->ncmps; i++) {
		const struct xs_report_cmp *cm = &rp->cmps[i];

		for (m = 0; m < rp->nsel; m++) {
			const struct xs_report_mtest *mt = &cm->mt[m];

			xs_rp_table_row(&t);
			xs_rp_cmp_cells(rp, &t, cm);
			xs_rp_table_set(&t, 4, "%s", rp->sel[m]);
			xs_rp_table_set(&t, 5, "%s",
					rp->sel_binary[m] ? "McNemar exact"
					: mt->w.exact	  ? "Wilcoxon exact"
							  : "Wilcoxon normal");
			xs_rp_table_set(&t, 6, "%zu", mt->n);
			fmt_p(p, sizeof(p), mt->p);
			if (mt->n)
				xs_rp_table_set(&t, 9, "%s", p);
			if (rp->sel_binary[m]) {
				xs_rp_table_set(&t, 7, "%zu/%zu", mt->a_k, mt->n);
				xs_rp_table_set(&t, 8, "%zu/%zu", mt->b_k, mt->n);
			} else if (mt->n) {
				xs_rp_table_set(&t, 10, "%.6g %s", mt->median_diff,
						xs_rp_metric_unit(rp->sel[m]));
			}
		}
	}
	if (t.err)
		return -ENOMEM;
	fprintf(rp->out, "\nPaired tests per metric (same seeds; counts of failures as runs with "
			 "count > 0, McNemar exact;\nother metrics Wilcoxon signed-rank on B - A; "
			 "choose with --metric NAME)\n");
	xs_rp_table_print(&t, rp->out, 6);
	return 0;
}

int xs_rp_write_tests_csv(struct xs_report *rp, const char *path)
{
	FILE *f = fopen(path, "w");
	size_t i, m;
	int bad;

	if (!f)
		return -errno;
	fputs("group_a,group_b,param,a,b,metric,test,n,a_runs,b_runs,a_only,b_only,p,"
	      "median_diff\n",
	      f);
	for (i = 0; i < rp->ncmps; i++) {
		const struct xs_report_cmp *c = &rp->cmps[i];
		const char *va = xs_rp_gval(rp, c->a, c->dim), *vb = xs_rp_gval(rp, c->b, c->dim);

		for (m = 0; m < rp->nsel; m++) {
			const struct xs_report_mtest *t = &c->mt[m];

			fprintf(f, "%zu,%zu,%s,%s,%s,%s,%s,%zu,", c->a + 1, c->b + 1,
				rp->keys[c->dim].name, va ? va : "", vb ? vb : "", rp->sel[m],
				rp->sel_binary[m] ? "mcnemar_exact"
				: t->w.exact	  ? "wilcoxon_exact"
						  : "wilcoxon_normal",
				t->n);
			if (rp->sel_binary[m])
				fprintf(f, "%zu,%zu,%zu,%zu,%.10g,\n", t->a_k, t->b_k, t->a_only,
					t->b_only, t->p);
			else
				fprintf(f, ",,,,%.10g,%.10g\n", t->p, t->median_diff);
		}
	}
	bad = ferror(f);
	return fclose(f) || bad ? -EIO : 0;
}

/* The resolved policy knobs of every group, constant ones too, after its other keys. */
int xs_rp_print_policies(struct xs_report *rp)
{
	struct xs_report_table t = {.ncols = RP_NPOLICY};
	size_t g, s, p, *other = malloc((rp->nshown + 1) * sizeof(*other)), nother = 0;

	if (!other)
		return -ENOMEM;
	for (s = 0; s < rp->nshown; s++)
		if (!rp->keys[rp->shown[s]].policy)
			other[nother++] = rp->shown[s];
	t.ncols += nother;
	xs_rp_table_row(&t);
	for (s = 0; s < nother; s++)
		xs_rp_table_set(&t, s, "%s", xs_rp_short_name(rp->keys[other[s]].name));
	for (p = 0; p < RP_NPOLICY; p++)
		xs_rp_table_set(&t, nother + p, "%s", xs_rp_short_name(policy_keys[p]));
	for (g = 0; g < rp->ngroups; g++) {
		xs_rp_table_row(&t);
		for (s = 0; s < nother; s++) {
			const char *v = xs_rp_gval(rp, g, other[s]);

			xs_rp_table_set(&t, s, "%s", v ? v : "-");
		}
		for (p = 0; p < RP_NPOLICY; p++) {
			const char *v = xs_rp_gval(rp, g, 1 + p);

			xs_rp_table_set(&t, nother + p, "%s", v ? v : "-");
		}
	}
	free(other);
	if (t.err)
		return -ENOMEM;
	fprintf(rp->out, "\nEffective policy of each group (the resolved knobs recorded in param; "
			 "- = not recorded)\n");
	xs_rp_table_print(&t, rp->out, t.ncols);
	return 0;
}

static int load_glat(void *arg, const struct xs_store_read_lat *row)
{
	struct xs_report *rp = arg;
	struct xs_rp_glat *l;

	if (xs_rp_grow((void **)&rp->glat, &rp->glcap, rp->nglat + 1, sizeof(*rp->glat)))
		return -ENOMEM;
	l = &rp->glat[rp->nglat++];
	l->run_id = row->run_id;
	l->count = row->count;
	l->p50_us = row->p50_us;
	l->p99_us = row->p99_us;
	l->max_us = row->max_us;
	l->grp = strdup(row->grp);
	l->op = strdup(row->op);
	return l->grp && l->op ? 0 : -ENOMEM;
}

int xs_rp_glat_load(struct xs_report *rp, char *err, size_t errlen)
{
	int ret = xs_store_read_latency_groups(rp->rd, load_glat, rp, err, errlen);

	rp->has_glat = ret == 0;
	return ret == 1 ? 0 : ret;
}

static int glat_cmp(const void *pa, const void *pb)
{
	const struct xs_rp_glat *a = pa, *b = pb;
	int c = strcmp(a->grp, b->grp);

	if (c)
		return c;
	if ((c = strcmp(a->op, b->op)) != 0)
		return c;
	return (a->run_id > b->run_id) - (a->run_id < b->run_id);
}

/* The group of each latency_group row, RP_NONE for a run not ok (or unknown). */
static void groups_of(const struct xs_report *rp, size_t *grp_of, size_t *run_group)
{
	size_t g, i;

	for (i = 0; i < rp->nruns; i++)
		run_group[i] = RP_NONE;
	for (g = 0; g < rp->ngroups; g++)
		for (i = rp->groups[g].first; i < rp->groups[g].first + rp->groups[g].n; i++)
			if (rp->runs[rp->order[i]].ok)
				run_group[rp->order[i]] = g;
	for (i = 0; i < rp->nglat; i++) {
		size_t lo = 0, hi = rp->nruns; /* runs are in run_id order */

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (rp->runs[mid].run_id < rp->glat[i].run_id)
				lo = mid + 1;
			else
				hi = mid;
		}
		grp_of[i] = lo < rp->nruns && rp->runs[lo].run_id == rp->glat[i].run_id
				    ? run_group[lo]
				    : RP_NONE;
	}
}

/* Per report group, actor group and op: median over runs of each run's p50 and p99. */
int xs_rp_print_glat(struct xs_report *rp)
{
	struct xs_report_table t = {.ncols = rp->nshown + 6};
	size_t *grp_of = NULL, *run_group = NULL, g, i, j, s, n;
	double *p50 = NULL, *p99 = NULL;
	int ret = -ENOMEM;

	if (!rp->has_glat) {
		fprintf(rp->out, "\nLatency per actor group: none (the database has no "
				 "latency_group table)\n");
		return 0;
	}
	if (rp->nglat)
		qsort(rp->glat, rp->nglat, sizeof(*rp->glat), glat_cmp);
	grp_of = malloc((rp->nglat + 1) * sizeof(*grp_of));
	p50 = malloc((rp->nglat + 1) * sizeof(*p50));
	p99 = malloc((rp->nglat + 1) * sizeof(*p99));
	run_group = malloc((rp->nruns + 1) * sizeof(*run_group));
	if (!grp_of || !p50 || !p99 || !run_group)
		goto out;
	groups_of(rp, grp_of, run_group);
	xs_rp_table_row(&t);
	for (s = 0; s < rp->nshown; s++)
		xs_rp_table_set(&t, s, "%s", xs_rp_short_name(rp->keys[rp->shown[s]].name));
	xs_rp_table_set(&t, rp->nshown, "actors");
	xs_rp_table_set(&t, rp->nshown + 1, "op");
	xs_rp_table_set(&t, rp->nshown + 2, "runs");
	xs_rp_table_set(&t, rp->nshown + 3, "p50 us");
	xs_rp_table_set(&t, rp->nshown + 4, "p99 us");
	xs_rp_table_set(&t, rp->nshown + 5, "max us");
	for (g = 0; g < rp->ngroups; g++) {
		for (i = 0; i < rp->nglat; i = j) {
			double mx = 0;

			for (j = i, n = 0;
			     j < rp->nglat && !strcmp(rp->glat[j].grp, rp->glat[i].grp) &&
			     !strcmp(rp->glat[j].op, rp->glat[i].op);
			     j++) {
				if (grp_of[j] != g)
					continue;
				p50[n] = rp->glat[j].p50_us;
				p99[n++] = rp->glat[j].p99_us;
				mx = fmax(mx, rp->glat[j].max_us);
			}
			if (!n)
				continue;
			xs_rp_table_row(&t);
			for (s = 0; s < rp->nshown; s++) {
				const char *v = xs_rp_gval(rp, g, rp->shown[s]);

				xs_rp_table_set(&t, s, "%s", v ? v : "-");
			}
			xs_rp_table_set(&t, rp->nshown, "%s", rp->glat[i].grp);
			xs_rp_table_set(&t, rp->nshown + 1, "%s", rp->glat[i].op);
			xs_rp_table_set(&t, rp->nshown + 2, "%zu", n);
			xs_rp_table_set(&t, rp->nshown + 3, "%.3f",
					xs_stats_estimate(XS_STATS_MEDIAN, p50, n));
			xs_rp_table_set(&t, rp->nshown + 4, "%.3f",
					xs_stats_estimate(XS_STATS_MEDIAN, p99, n));
			xs_rp_table_set(&t, rp->nshown + 5, "%.3f", mx);
		}
	}
	if (t.err)
		goto out;
	fprintf(rp->out, "\nLatency per actor group, simulated us: median over runs of each "
			 "run's p50 and p99; max over runs\n");
	xs_rp_table_print(&t, rp->out, rp->nshown + 2);
	ret = 0;
out:
	xs_rp_table_free(&t);
	free(grp_of);
	free(run_group);
	free(p50);
	free(p99);
	return ret;
}

void xs_rp_metrics_free(struct xs_report *rp)
{
	size_t i;

	for (i = 0; i < rp->nruns; i++) {
		free(rp->runs[i].sel);
		free(rp->runs[i].shas);
	}
	for (i = 0; i < rp->ncmps; i++) {
		free(rp->cmps[i].pa);
		free(rp->cmps[i].pb);
		free(rp->cmps[i].mt);
	}
	for (i = 0; i < rp->nmnames; i++)
		free(rp->mnames[i]);
	for (i = 0; i < rp->nglat; i++) {
		free(rp->glat[i].grp);
		free(rp->glat[i].op);
	}
	free(rp->mnames);
	free(rp->glat);
	free(rp->sel);
	free(rp->sel_binary);
	free(rp->sel_asked);
}
