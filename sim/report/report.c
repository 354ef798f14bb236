/*
 * wpsim report (docs/design.md, "Outcomes", "Results database" and "Commands"): per policy
 * combination, the probability of data loss, leaked delalloc reservations and write/fault latency,
 * and paired comparisons of policies on the same seeds, read from the tables of
 * docs/design.md, "Results database" only (run, param, metric), read through store/store_read.h on
 * a read-only connection.
 *
 * Groups. A group is one value of the key: the scenario, the seven policy params
 * (policy_names[]) and every other param that varies in the database, global.seed
 * excepted (a param varies when it has two values, or is missing from some runs).
 * Only runs with status ok enter the statistics; the others are listed as failed.
 *
 * Comparison dimensions. A kernel preset sets punch, fault_end, validity,
 * dirty_tracking and zero_range, so a sweep over kernels varies six policy params at once and no
 * two of its groups would "differ in exactly one policy param". So a varying policy param that is a
 * function of another one across the groups (punch of kernel, in such a sweep) is derived: it stays
 * in the key and the CSV but is not a dimension. Of two params that determine each other, the one
 * earlier in policy_names[] stays. Two groups are compared when they agree on every non-policy key
 * column and on all dimensions but one.
 *
 * Statistics (report/stats.h): P(loss) = share of runs with lost_bytes > 0, Wilson 95%
 * interval; latency = median over the group's runs of each run's percentile metric,
 * 95% percentile-bootstrap interval (2000 resamples, fixed seed); pairs are matched on
 * run.seed (the lowest run_id of a seed if a group repeats it); McNemar's exact test on
 * loss, Wilcoxon's signed-rank test on write_lat_p99_us (exact up to 50 nonzero
 * differences, normal approximation above).
 */
#include "report/report_internal.h"
#include "store/store_read.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const policy_names[RP_NPOLICY] = {
	"global.kernel",	 "global.punch",      "global.fault_end",  "global.validity",
	"global.dirty_tracking", "global.write_lock", "global.fault_lock", "global.zero_range",
};

static char *dup_text(const char *s)
{
	return s ? strdup(s) : NULL;
}

static struct xs_report_run *find_run(struct xs_report *rp, long long run_id)
{
	size_t lo = 0, hi = rp->nruns;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rp->runs[mid].run_id == run_id)
			return &rp->runs[mid];
		if (rp->runs[mid].run_id < run_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* What the loading callbacks share. */
struct rp_load {
	struct xs_report *rp;
	size_t cap;   /* of rp->runs, then of rp->keys */
	size_t nbase; /* runs on which a param is judged varying */
};

static int load_run(void *arg, const struct xs_store_read_run *row)
{
	struct rp_load *ld = arg;
	struct xs_report *rp = ld->rp;
	struct xs_report_run *r;

	if (xs_rp_grow((void **)&rp->runs, &ld->cap, rp->nruns + 1, sizeof(*rp->runs)))
		return -ENOMEM;
	r = &rp->runs[rp->nruns++];
	r->run_id = row->run_id;
	r->has_seed = row->has_seed;
	r->seed = row->seed;
	r->status = dup_text(row->status);
	r->error = dup_text(row->error);
	r->ok = xs_rp_streq(r->status, "ok");
	if (row->scenario && !(r->scenario = strdup(row->scenario)))
		return -ENOMEM;
	return 0;
}

static int load_runs(struct xs_report *rp, char *err, size_t errlen)
{
	struct rp_load ld = {.rp = rp};

	return xs_store_read_runs(rp->rd, load_run, &ld, err, errlen);
}

static int add_key(struct xs_report *rp, size_t *cap, const char *name, int policy, int varying)
{
	struct xs_report_key *k;

	if (xs_rp_grow((void **)&rp->keys, cap, rp->nkeys + 1, sizeof(*rp->keys)))
		return -ENOMEM;
	k = &rp->keys[rp->nkeys++];
	k->name = strdup(name);
	k->policy = policy;
	k->varying = varying;
	k->numeric = 1;
	k->derived_from = RP_NONE;
	return k->name ? 0 : -ENOMEM;
}

/* A param name: whether it varies (policy params), or a key column of its own. */
static int load_key(void *arg, const char *name, uint64_t nvalues, uint64_t nruns)
{
	struct rp_load *ld = arg;
	struct xs_report *rp = ld->rp;
	int varying = nvalues > 1 || nruns < ld->nbase;
	size_t i;

	if (strcmp(name, "global.seed") == 0)
		return 0;
	for (i = 0; i < RP_NPOLICY && strcmp(name, policy_names[i]) != 0; i++)
		;
	if (i < RP_NPOLICY)
		rp->keys[1 + i].varying = varying;
	else if (varying && add_key(rp, &ld->cap, name, 0, 1))
		return -ENOMEM;
	return 0;
}

/* A run's value of a key column; global.seed stands in for a NULL run.seed. */
static int load_value(void *arg, int64_t run_id, const char *name, const char *value)
{
	struct xs_report *rp = arg;
	struct xs_report_run *r = find_run(rp, run_id);
	double x;
	size_t k;

	if (!r)
		return 0;
	if (!r->has_seed && strcmp(name, "global.seed") == 0 && xs_rp_parse_number(value, &x)) {
		r->seed = (long long)x;
		r->has_seed = 1;
	}
	for (k = 1; k < rp->nkeys; k++) {
		if (strcmp(name, rp->keys[k].name) != 0 || r->val[k])
			continue;
		if (!(r->val[k] = strdup(value)))
			return -ENOMEM;
	}
	return 0;
}

/*
 * The key columns, and every run's values of them (scenario from the run table).
 * Whether a param varies is judged on the ok runs (all runs if none is ok), so that a
 * failed run recorded with fewer params does not make every param a key column.
 */
static int load_keys(struct xs_report *rp, char *err, size_t errlen)
{
	struct rp_load ld = {.rp = rp};
	size_t i, k, first = RP_NONE;
	int ret;

	for (i = 0; i < rp->nruns; i++)
		ld.nbase += rp->runs[i].ok;
	if (add_key(rp, &ld.cap, "scenario", 0, 0))
		return -ENOMEM;
	for (i = 0; i < RP_NPOLICY; i++)
		if (add_key(rp, &ld.cap, policy_names[i], 1, 0))
			return -ENOMEM;
	ret = xs_store_read_param_names(rp->rd, ld.nbase != 0, load_key, &ld, err, errlen);
	if (ret)
		return ret;
	if (ld.nbase == 0)
		ld.nbase = rp->nruns;
	for (i = 0; i < rp->nruns; i++) {
		rp->runs[i].val = calloc(rp->nkeys, sizeof(char *));
		if (!rp->runs[i].val)
			return -ENOMEM;
		rp->runs[i].val[0] = rp->runs[i].scenario;
		rp->runs[i].scenario = NULL;
	}
	ret = xs_store_read_params(rp->rd, load_value, rp, err, errlen);
	if (ret == -ENOMEM)
		return ret;
	for (k = 0; k < rp->nkeys; k++) {
		double x;

		for (i = 0; i < rp->nruns; i++) {
			const char *v = rp->runs[i].val[k];

			if (v && !xs_rp_parse_number(v, &x))
				rp->keys[k].numeric = 0;
			if (k != 0 || (!rp->runs[i].ok && ld.nbase != rp->nruns))
				continue;
			if (first == RP_NONE)
				first = i;
			else if (!xs_rp_streq(v, rp->runs[first].val[0]))
				rp->keys[0].varying = 1;
		}
	}
	return ret;
}

static int load_metric(void *arg, int64_t run_id, const char *name, double value)
{
	struct xs_report_run *r = find_run(arg, run_id);
	int m;

	if (xs_rp_metric_seen(arg, r, name, value))
		return -ENOMEM;
	if (!r)
		return 0;
	for (m = 0; m < RP_NMETRICS; m++) {
		if (strcmp(name, xs_rp_metric_names[m]) != 0 || (r->have & (1u << m)))
			continue;
		r->metric[m] = value;
		r->have |= 1u << m;
	}
	return 0;
}

/*
 * Order of a key column's values: kernels as versions (6.2 before 6.13), numbers as
 * numbers, the rest as strings; a missing value first. Deterministic, unlike the
 * order runs were recorded in by parallel jobs.
 */
static int value_cmp(const struct xs_report_key *k, const char *a, const char *b)
{
	return xs_rp_value_cmp(k->name, k->numeric, a, b);
}

static int run_cmp(const void *pa, const void *pb, void *arg)
{
	const struct xs_report *rp = arg;
	const struct xs_report_run *a = &rp->runs[*(const size_t *)pa],
				   *b = &rp->runs[*(const size_t *)pb];
	size_t k;
	int c;

	for (k = 0; k < rp->nkeys; k++)
		if ((c = value_cmp(&rp->keys[k], a->val[k], b->val[k])) != 0)
			return c;
	if (a->has_seed != b->has_seed)
		return a->has_seed - b->has_seed;
	if (a->seed != b->seed)
		return a->seed < b->seed ? -1 : 1;
	return (a->run_id > b->run_id) - (a->run_id < b->run_id);
}

static int same_key(const struct xs_report *rp, const struct xs_report_run *a,
		    const struct xs_report_run *b)
{
	size_t k;

	for (k = 0; k < rp->nkeys; k++)
		if (!xs_rp_streq(a->val[k], b->val[k]))
			return 0;
	return 1;
}

static int make_groups(struct xs_report *rp)
{
	size_t i, cap = 0;

	rp->order = malloc(rp->nruns * sizeof(*rp->order));
	if (!rp->order)
		return -ENOMEM;
	for (i = 0; i < rp->nruns; i++)
		rp->order[i] = i;
	qsort_r(rp->order, rp->nruns, sizeof(*rp->order), run_cmp, rp);
	for (i = 0; i < rp->nruns; i++) {
		const struct xs_report_run *r = &rp->runs[rp->order[i]];
		struct xs_report_group *g;

		if (i == 0 || !same_key(rp, r, &rp->runs[rp->order[i - 1]])) {
			if (xs_rp_grow((void **)&rp->groups, &cap, rp->ngroups + 1,
				       sizeof(*rp->groups)))
				return -ENOMEM;
			rp->groups[rp->ngroups++].first = i;
		}
		g = &rp->groups[rp->ngroups - 1];
		g->n++;
		if (r->ok)
			g->nok++;
		else
			g->nfailed++;
	}
	return 0;
}

static int group_stats(struct xs_report *rp, size_t g, double *x)
{
	struct xs_report_group *gr = &rp->groups[g];
	size_t i, l;
	int ret;

	gr->loss_n = xs_rp_collect(rp, g, RP_LOST_BYTES, x);
	for (i = 0; i < gr->loss_n; i++)
		gr->loss_k += x[i] > 0;
	if (gr->loss_n) {
		xs_stats_wilson(gr->loss_k, gr->loss_n, XS_STATS_Z95, &gr->loss);
		gr->mean_lost_bytes = xs_stats_estimate(XS_STATS_MEAN, x, gr->loss_n);
	}
	gr->leak_n = xs_rp_collect(rp, g, RP_LEAKED, x);
	for (i = 0; i < gr->leak_n; i++)
		gr->leak_k += x[i] > 0;
	if (gr->leak_n)
		gr->mean_leaked = xs_stats_estimate(XS_STATS_MEAN, x, gr->leak_n);
	gr->dl_n = xs_rp_collect(rp, g, RP_DEADLOCKS, x);
	for (i = 0; i < gr->dl_n; i++)
		gr->dl_k += x[i] > 0;
	gr->lo_n = xs_rp_collect(rp, g, RP_LOCK_ORDER, x);
	for (i = 0; i < gr->lo_n; i++)
		gr->lo_k += x[i] > 0;
	for (l = 0; l < RP_NLAT; l++) {
		gr->lat_n[l] = xs_rp_collect(rp, g, (int)(RP_FIRST_LAT + l), x);
		if (!gr->lat_n[l])
			continue;
		ret = xs_stats_bootstrap(XS_STATS_MEDIAN, x, gr->lat_n[l], RP_BOOT_RESAMPLES,
					 RP_LEVEL, RP_BOOT_SEED, &gr->lat[l]);
		if (ret)
			return ret;
	}
	return 0;
}

/* Whether key column q's value determines column p's across all groups. */
static int determines(const struct xs_report *rp, size_t q, size_t p)
{
	size_t i, j;

	for (i = 0; i < rp->ngroups; i++)
		for (j = i + 1; j < rp->ngroups; j++)
			if (xs_rp_streq(xs_rp_gval(rp, i, q), xs_rp_gval(rp, j, q)) &&
			    !xs_rp_streq(xs_rp_gval(rp, i, p), xs_rp_gval(rp, j, p)))
				return 0;
	return 1;
}

static void find_dimensions(struct xs_report *rp)
{
	size_t p, q;

	for (p = 1; p <= RP_NPOLICY; p++) {
		if (!rp->keys[p].varying)
			continue;
		for (q = 1; q <= RP_NPOLICY; q++) {
			if (q == p || !rp->keys[q].varying || !determines(rp, q, p))
				continue;
			if (q < p || !determines(rp, p, q)) {
				rp->keys[p].derived_from = q;
				break;
			}
		}
	}
	/*
	 * Other params that one scenario always sets the same way (its actors' sizes,
	 * offsets, think times) follow the scenario: they are no dimension of their own.
	 */
	if (rp->keys[0].varying)
		for (p = RP_NPOLICY + 1; p < rp->nkeys; p++)
			if (rp->keys[p].varying && determines(rp, 0, p))
				rp->keys[p].derived_from = 0;
	rp->nshown = 0;
	for (p = 0; p < rp->nkeys; p++)
		if (rp->keys[p].varying && rp->keys[p].derived_from == RP_NONE)
			rp->shown[rp->nshown++] = p;
	if (rp->nshown == 0)
		rp->shown[rp->nshown++] = 1; /* one group: label it by its kernel */
}

/* ok runs of group g with a seed, one per seed (the lowest run_id), in seed order. */
static size_t seeded_runs(const struct xs_report *rp, size_t g, size_t *idx)
{
	const struct xs_report_group *gr = &rp->groups[g];
	size_t i, n = 0;

	for (i = gr->first; i < gr->first + gr->n; i++) {
		const struct xs_report_run *r = &rp->runs[rp->order[i]];

		if (!r->ok || !r->has_seed)
			continue;
		if (n && rp->runs[idx[n - 1]].seed == r->seed)
			continue;
		idx[n++] = rp->order[i];
	}
	return n;
}

static int compare_pair(struct xs_report *rp, struct xs_report_cmp *c, size_t *ia, size_t *ib,
			double *d)
{
	size_t na = seeded_runs(rp, c->a, ia), nb = seeded_runs(rp, c->b, ib), i = 0, j = 0;
	unsigned lost = 1u << RP_LOST_BYTES, p99 = 1u << RP_WRITE_P99;

	while (i < na && j < nb) {
		const struct xs_report_run *a = &rp->runs[ia[i]], *b = &rp->runs[ib[j]];

		if (a->seed != b->seed) {
			if (a->seed < b->seed)
				i++;
			else
				j++;
			continue;
		}
		c->pa[c->pairs] = ia[i];
		c->pb[c->pairs++] = ib[j];
		if ((a->have & lost) && (b->have & lost)) {
			c->loss_pairs++;
			c->loss_a_only +=
				a->metric[RP_LOST_BYTES] > 0 && !(b->metric[RP_LOST_BYTES] > 0);
			c->loss_b_only +=
				b->metric[RP_LOST_BYTES] > 0 && !(a->metric[RP_LOST_BYTES] > 0);
		}
		if ((a->have & p99) && (b->have & p99)) {
			double x = a->metric[RP_WRITE_P99], y = b->metric[RP_WRITE_P99];

			/* the same latency printed through two paths is a zero, not a rank */
			d[c->lat_pairs++] =
				fabs(y - x) <= 1e-9 * fmax(fabs(x), fabs(y)) ? 0 : y - x;
		}
		i++;
		j++;
	}
	c->mcnemar_p = xs_stats_mcnemar_exact(c->loss_a_only, c->loss_b_only);
	c->median_diff_us = c->lat_pairs ? xs_stats_estimate(XS_STATS_MEDIAN, d, c->lat_pairs) : 0;
	if (xs_stats_wilcoxon(d, c->lat_pairs, XS_STATS_WILCOXON_EXACT_MAX, &c->w))
		return -ENOMEM;
	return xs_rp_metric_tests(rp, c, d);
}

/* determines(), judged only on the groups of scenario value scen (key 0). */
static int determines_within(const struct xs_report *rp, const char *scen, size_t q, size_t p)
{
	size_t i, j;

	for (i = 0; i < rp->ngroups; i++) {
		if (!xs_rp_streq(xs_rp_gval(rp, i, 0), scen))
			continue;
		for (j = i + 1; j < rp->ngroups; j++)
			if (xs_rp_streq(xs_rp_gval(rp, j, 0), scen) &&
			    xs_rp_streq(xs_rp_gval(rp, i, q), xs_rp_gval(rp, j, q)) &&
			    !xs_rp_streq(xs_rp_gval(rp, i, p), xs_rp_gval(rp, j, p)))
				return 0;
	}
	return 1;
}

/*
 * The one policy dimension groups a and b differ in, or RP_NONE. Several policy
 * columns may differ when, within their scenario, one of them determines the others
 * (a kernel preset sets punch in a sweep that also varies punch in another scenario).
 */
static size_t differing_dimension(const struct xs_report *rp, size_t a, size_t b)
{
	size_t diff[RP_NPOLICY + 1], ndiff = 0, s, i, j;

	for (s = 0; s < rp->nshown; s++) {
		size_t k = rp->shown[s];

		if (xs_rp_streq(xs_rp_gval(rp, a, k), xs_rp_gval(rp, b, k)))
			continue;
		if (!rp->keys[k].policy || ndiff == RP_NPOLICY + 1)
			return RP_NONE; /* the context must match */
		diff[ndiff++] = k;
	}
	if (ndiff == 1)
		return diff[0];
	for (i = 0; i < ndiff; i++) {
		for (j = 0; j < ndiff; j++)
			if (j != i &&
			    !determines_within(rp, xs_rp_gval(rp, a, 0), diff[i], diff[j]))
				break;
		if (ndiff && j == ndiff)
			return diff[i];
	}
	return RP_NONE;
}

static int make_comparisons(struct xs_report *rp)
{
	size_t a, b, cap = 0, *ia = NULL, *ib = NULL;
	double *d = NULL;
	int ret = -ENOMEM;

	ia = malloc(rp->nruns * sizeof(*ia));
	ib = malloc(rp->nruns * sizeof(*ib));
	d = malloc(rp->nruns * sizeof(*d));
	if (!ia || !ib || !d)
		goto out;
	for (a = 0; a < rp->ngroups; a++) {
		for (b = a + 1; b < rp->ngroups; b++) {
			size_t dim = differing_dimension(rp, a, b);
			struct xs_report_cmp *c;

			if (dim == RP_NONE)
				continue;
			if (xs_rp_grow((void **)&rp->cmps, &cap, rp->ncmps + 1, sizeof(*rp->cmps)))
				goto out;
			c = &rp->cmps[rp->ncmps++];
			c->a = a;
			c->b = b;
			c->dim = dim;
			c->pa = malloc((rp->nruns + 1) * sizeof(*c->pa));
			c->pb = malloc((rp->nruns + 1) * sizeof(*c->pb));
			if (!c->pa || !c->pb)
				goto out;
			if ((ret = compare_pair(rp, c, ia, ib, d)) != 0)
				goto out;
		}
	}
	ret = 0;
out:
	free(ia);
	free(ib);
	free(d);
	return ret;
}

/* A fixed-width text table: cells set row by row, then printed column-aligned. */
static void rp_free(struct xs_report *rp)
{
	size_t i, k;

	xs_rp_metrics_free(rp);
	for (i = 0; i < rp->nruns; i++) {
		for (k = 0; rp->runs[i].val && k < rp->nkeys; k++)
			free(rp->runs[i].val[k]);
		free(rp->runs[i].val);
		free(rp->runs[i].status);
		free(rp->runs[i].error);
		free(rp->runs[i].scenario);
	}
	for (k = 0; k < rp->nkeys; k++)
		free(rp->keys[k].name);
	free(rp->runs);
	free(rp->keys);
	free(rp->order);
	free(rp->groups);
	free(rp->cmps);
	free(rp->shown);
	xs_rp_explore_free(rp);
	xs_store_read_close(rp->rd);
}

int xs_report_main(const char *db_path, const char *out_dir, FILE *out, FILE *err)
{
	return xs_report_main_metrics(db_path, out_dir, NULL, 0, out, err);
}

int xs_report_main_metrics(const char *db_path, const char *out_dir, const char *const *metrics,
			   size_t nmetrics, FILE *out, FILE *err)
{
	struct xs_report rp = {.out = out, .err = err};
	char msg[8192];
	double *x = NULL;
	size_t g;
	int ret;

	ret = xs_store_read_open(db_path, &rp.rd, msg, sizeof(msg));
	if (ret) {
		fprintf(err, "wpsim report: %s\n", msg);
		ret = xs_store_read_exit(ret);
		goto out;
	}
	/* one snapshot: a sweep may be committing runs while we read */
	if ((ret = xs_store_read_begin(rp.rd, msg, sizeof(msg))) != 0 ||
	    (ret = load_runs(&rp, msg, sizeof(msg))) != 0 ||
	    (ret = load_keys(&rp, msg, sizeof(msg))) != 0 ||
	    (ret = xs_rp_metrics_select(&rp, metrics, nmetrics)) != 0 ||
	    (ret = xs_rp_metrics_alloc(&rp)) != 0 ||
	    (ret = xs_store_read_metrics(rp.rd, load_metric, &rp, msg, sizeof(msg))) != 0 ||
	    (ret = xs_rp_glat_load(&rp, msg, sizeof(msg))) != 0 ||
	    (ret = xs_rp_explore_load(&rp, msg, sizeof(msg))) != 0) {
		if (ret == -ENOMEM)
			fprintf(err, "wpsim report: %s: out of memory\n", db_path);
		else
			fprintf(err, "wpsim report: %s\n", msg);
		ret = ret == -EINVAL ? 2 : 1;
		goto out;
	}
	xs_store_read_close(rp.rd);
	rp.rd = NULL;
	if (xs_rp_metrics_check(&rp, db_path)) {
		ret = 2;
		goto out;
	}
	ret = 1;
	x = malloc(rp.nruns * sizeof(*x));
	rp.shown = malloc(rp.nkeys * sizeof(*rp.shown));
	if (!x || !rp.shown || make_groups(&rp))
		goto out_nomem;
	for (g = 0; g < rp.ngroups; g++)
		if (group_stats(&rp, g, x))
			goto out_nomem;
	find_dimensions(&rp);
	if (make_comparisons(&rp))
		goto out_nomem;
	xs_rp_print_summary(&rp, db_path);
	if (xs_rp_print_groups(&rp) || xs_rp_print_policies(&rp) || xs_rp_print_glat(&rp) ||
	    xs_rp_print_comparisons(&rp) || xs_rp_print_metric_tests(&rp))
		goto out_nomem;
	xs_rp_print_failed(&rp);
	if (xs_rp_explore_print(&rp))
		goto out_nomem;
	ret = xs_rp_write_outputs(&rp, out_dir) ? 1 : 0;
	goto out;
out_nomem:
	fprintf(err, "wpsim report: out of memory\n");
out:
	free(x);
	rp_free(&rp);
	return ret;
}
