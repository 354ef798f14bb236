/*
 * wpsim report (DESIGN.md §6-§8): per policy combination, the probability of data loss,
 * leaked delalloc reservations and write/fault latency, and paired comparisons of
 * policies on the same seeds, read from the tables of DESIGN.md §7 only (run, param,
 * metric), through a read-only connection.
 *
 * Groups. A group is one value of the key: the scenario, the seven policy params
 * (policy_names[]) and every other param that varies in the database, global.seed
 * excepted (a param varies when it has two values, or is missing from some runs).
 * Only runs with status ok enter the statistics; the others are listed as failed.
 *
 * Comparison dimensions. A kernel preset sets punch, fault_end, validity and
 * dirty_tracking, so a sweep over kernels varies five policy params at once and no two
 * of its groups would "differ in exactly one policy param". So a varying policy param
 * that is a function of another one across the groups (punch of kernel, in such a
 * sweep) is derived: it stays in the key and the CSV but is not a dimension. Of two
 * params that determine each other, the one earlier in policy_names[] stays. Two groups
 * are compared when they agree on every non-policy key column and on all dimensions
 * but one.
 *
 * Statistics (store/stats.h): P(loss) = share of runs with lost_bytes > 0, Wilson 95%
 * interval; latency = median over the group's runs of each run's percentile metric,
 * 95% percentile-bootstrap interval (2000 resamples, fixed seed); pairs are matched on
 * run.seed (the lowest run_id of a seed if a group repeats it); McNemar's exact test on
 * loss, Wilcoxon's signed-rank test on write_lat_p99_us (exact up to 50 nonzero
 * differences, normal approximation above).
 */
#include "report/report_internal.h"
#include "outcome/outcome.h"

#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const policy_names[RP_NPOLICY] = {
	"global.kernel",	 "global.punch",      "global.fault_end",  "global.validity",
	"global.dirty_tracking", "global.write_lock", "global.fault_lock",
};

/* Names of the outcome table (outcome/outcome.h). */
const char *const xs_rp_metric_names[RP_NMETRICS] = {
	XS_OUTCOME_LOST_BYTES,	     XS_OUTCOME_LEAKED_DELALLOC_BLOCKS, XS_OUTCOME_WRITE_LAT_P50_US,
	XS_OUTCOME_WRITE_LAT_P99_US, XS_OUTCOME_FAULT_LAT_P50_US,	XS_OUTCOME_FAULT_LAT_P99_US,
};

static char *dup_text(const unsigned char *s)
{
	return s ? strdup((const char *)s) : NULL;
}

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

const char *xs_rp_gval(const struct xs_report *rp, size_t g, size_t k)
{
	return rp->runs[rp->order[rp->groups[g].first]].val[k];
}

/*
 * Bad input: no file, not SQLite, not wpsim's tables, no runs. Returns 0, or the exit
 * status 2 after a message.
 */
static int check_database(struct xs_report *rp, const char *path)
{
	static const char *const tables[] = {"run", "param", "metric"};
	sqlite3_stmt *st = NULL;
	struct stat sb;
	size_t i;
	int rc;

	if (stat(path, &sb) != 0) {
		fprintf(rp->err, "wpsim report: %s: %s\n", path, strerror(errno));
		return 2;
	}
	if (sqlite3_open_v2(path, &rp->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fprintf(rp->err, "wpsim report: %s: cannot open: %s\n", path,
			sqlite3_errmsg(rp->db));
		return 2;
	}
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		rc = sqlite3_prepare_v2(
			rp->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", -1,
			&st, NULL);
		if (rc == SQLITE_OK) {
			sqlite3_bind_text(st, 1, tables[i], -1, SQLITE_STATIC);
			rc = sqlite3_step(st);
		}
		sqlite3_finalize(st);
		if (rc == SQLITE_DONE) {
			fprintf(rp->err,
				"wpsim report: %s: not a wpsim results database (no %s table)\n",
				path, tables[i]);
			return 2;
		}
		if (rc != SQLITE_ROW) {
			fprintf(rp->err, "wpsim report: %s: not a wpsim results database: %s\n",
				path, sqlite3_errmsg(rp->db));
			return 2;
		}
	}
	rc = sqlite3_prepare_v2(rp->db, "SELECT 1 FROM run LIMIT 1", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE) {
		fprintf(rp->err, "wpsim report: %s: no runs in the database\n", path);
		return 2;
	}
	if (rc != SQLITE_ROW) {
		fprintf(rp->err, "wpsim report: %s: %s\n", path, sqlite3_errmsg(rp->db));
		return 2;
	}
	return 0;
}

static int load_runs(struct xs_report *rp)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	if (sqlite3_prepare_v2(rp->db,
			       "SELECT run_id, seed, status, error FROM run ORDER BY run_id", -1,
			       &st, NULL) != SQLITE_OK)
		return -EINVAL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct xs_report_run *r;

		if (xs_rp_grow((void **)&rp->runs, &cap, rp->nruns + 1, sizeof(*rp->runs))) {
			sqlite3_finalize(st);
			return -ENOMEM;
		}
		r = &rp->runs[rp->nruns++];
		r->run_id = sqlite3_column_int64(st, 0);
		r->has_seed = sqlite3_column_type(st, 1) != SQLITE_NULL;
		r->seed = sqlite3_column_int64(st, 1);
		r->status = dup_text(sqlite3_column_text(st, 2));
		r->error = dup_text(sqlite3_column_text(st, 3));
		r->ok = xs_rp_streq(r->status, "ok");
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -EIO;
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

/*
 * The key columns, and every run's values of them (scenario from the run table).
 * Whether a param varies is judged on the ok runs (all runs if none is ok), so that a
 * failed run recorded with fewer params does not make every param a key column.
 */
static int load_keys(struct xs_report *rp)
{
	static const char *const varying_sql =
		"SELECT name, COUNT(DISTINCT CAST(value AS TEXT)), COUNT(DISTINCT run_id)"
		" FROM param WHERE name <> 'global.seed' AND value IS NOT NULL"
		" AND run_id IN (SELECT run_id FROM run WHERE status = 'ok' OR ?1)"
		" GROUP BY name ORDER BY name";
	size_t cap = 0, i, k, nbase = 0, first = RP_NONE;
	sqlite3_stmt *st;
	int rc, ret = -EIO;

	for (i = 0; i < rp->nruns; i++)
		nbase += rp->runs[i].ok;
	if (add_key(rp, &cap, "scenario", 0, 0))
		return -ENOMEM;
	for (i = 0; i < RP_NPOLICY; i++)
		if (add_key(rp, &cap, policy_names[i], 1, 0))
			return -ENOMEM;
	if (sqlite3_prepare_v2(rp->db, varying_sql, -1, &st, NULL) != SQLITE_OK)
		return -EINVAL;
	sqlite3_bind_int(st, 1, nbase == 0);
	if (nbase == 0)
		nbase = rp->nruns;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		int varying = sqlite3_column_int64(st, 1) > 1 ||
			      (size_t)sqlite3_column_int64(st, 2) < nbase;

		if (!name)
			continue;
		for (i = 0; i < RP_NPOLICY && strcmp(name, policy_names[i]) != 0; i++)
			;
		if (i < RP_NPOLICY) {
			rp->keys[1 + i].varying = varying;
		} else if (varying && add_key(rp, &cap, name, 0, 1)) {
			sqlite3_finalize(st);
			return -ENOMEM;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -EIO;
	for (i = 0; i < rp->nruns; i++) {
		rp->runs[i].val = calloc(rp->nkeys, sizeof(char *));
		if (!rp->runs[i].val)
			return -ENOMEM;
	}
	/* the scenario, then every key param; global.seed stands in for a NULL run.seed */
	if (sqlite3_prepare_v2(rp->db, "SELECT run_id, scenario FROM run", -1, &st, NULL) !=
	    SQLITE_OK)
		return -EINVAL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct xs_report_run *r = find_run(rp, sqlite3_column_int64(st, 0));

		if (r && sqlite3_column_type(st, 1) != SQLITE_NULL &&
		    !(r->val[0] = dup_text(sqlite3_column_text(st, 1))))
			goto out_nomem;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -EIO;
	if (sqlite3_prepare_v2(rp->db,
			       "SELECT run_id, name, CAST(value AS TEXT) FROM param"
			       " WHERE value IS NOT NULL",
			       -1, &st, NULL) != SQLITE_OK)
		return -EINVAL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct xs_report_run *r = find_run(rp, sqlite3_column_int64(st, 0));
		const char *name = (const char *)sqlite3_column_text(st, 1);
		const char *value = (const char *)sqlite3_column_text(st, 2);
		double x;

		if (!r || !name || !value)
			continue;
		if (!r->has_seed && strcmp(name, "global.seed") == 0 &&
		    xs_rp_parse_number(value, &x)) {
			r->seed = (long long)x;
			r->has_seed = 1;
		}
		for (k = 1; k < rp->nkeys; k++) {
			if (strcmp(name, rp->keys[k].name) != 0 || r->val[k])
				continue;
			if (!(r->val[k] = strdup(value)))
				goto out_nomem;
		}
	}
	sqlite3_finalize(st);
	ret = rc == SQLITE_DONE ? 0 : -EIO;
	for (k = 0; k < rp->nkeys; k++) {
		double x;

		for (i = 0; i < rp->nruns; i++) {
			const char *v = rp->runs[i].val[k];

			if (v && !xs_rp_parse_number(v, &x))
				rp->keys[k].numeric = 0;
			if (k != 0 || (!rp->runs[i].ok && nbase != rp->nruns))
				continue;
			if (first == RP_NONE)
				first = i;
			else if (!xs_rp_streq(v, rp->runs[first].val[0]))
				rp->keys[0].varying = 1;
		}
	}
	return ret;
out_nomem:
	sqlite3_finalize(st);
	return -ENOMEM;
}

static int load_metrics(struct xs_report *rp)
{
	sqlite3_stmt *st;
	int rc, m;

	if (sqlite3_prepare_v2(rp->db, "SELECT run_id, name, value FROM metric", -1, &st, NULL) !=
	    SQLITE_OK)
		return -EINVAL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct xs_report_run *r = find_run(rp, sqlite3_column_int64(st, 0));
		const char *name = (const char *)sqlite3_column_text(st, 1);

		if (!r || !name || sqlite3_column_type(st, 2) == SQLITE_NULL)
			continue;
		for (m = 0; m < RP_NMETRICS; m++) {
			if (strcmp(name, xs_rp_metric_names[m]) != 0 || (r->have & (1u << m)))
				continue;
			r->metric[m] = sqlite3_column_double(st, 2);
			r->have |= 1u << m;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -EIO;
}

/*
 * Order of a key column's values: kernels as versions (6.2 before 6.13), numbers as
 * numbers, the rest as strings; a missing value first. Deterministic, unlike the
 * order runs were recorded in by parallel jobs.
 */
static int value_cmp(const struct xs_report_key *k, const char *a, const char *b)
{
	double x, y;

	if (!a || !b)
		return !!a - !!b;
	if (strcmp(k->name, "global.kernel") == 0)
		return strverscmp(a, b);
	if (k->numeric && xs_rp_parse_number(a, &x) && xs_rp_parse_number(b, &y) && x != y)
		return x < y ? -1 : 1;
	return strcmp(a, b);
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
		c->pairs++;
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
	return xs_stats_wilcoxon(d, c->lat_pairs, XS_STATS_WILCOXON_EXACT_MAX, &c->w);
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

	for (i = 0; i < rp->nruns; i++) {
		for (k = 0; rp->runs[i].val && k < rp->nkeys; k++)
			free(rp->runs[i].val[k]);
		free(rp->runs[i].val);
		free(rp->runs[i].status);
		free(rp->runs[i].error);
	}
	for (k = 0; k < rp->nkeys; k++)
		free(rp->keys[k].name);
	free(rp->runs);
	free(rp->keys);
	free(rp->order);
	free(rp->groups);
	free(rp->cmps);
	free(rp->shown);
	sqlite3_close(rp->db);
}

int xs_report_main(const char *db_path, const char *out_dir, FILE *out, FILE *err)
{
	struct xs_report rp = {.out = out, .err = err};
	double *x = NULL;
	size_t g;
	int ret;

	ret = check_database(&rp, db_path);
	if (ret)
		goto out;
	/* one snapshot: a sweep may be committing runs while we read */
	if (sqlite3_exec(rp.db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    (ret = load_runs(&rp)) != 0 || (ret = load_keys(&rp)) != 0 ||
	    (ret = load_metrics(&rp)) != 0) {
		fprintf(err, "wpsim report: %s: %s\n", db_path,
			ret == -ENOMEM ? "out of memory" : sqlite3_errmsg(rp.db));
		ret = ret == -EINVAL ? 2 : 1;
		goto out;
	}
	sqlite3_exec(rp.db, "COMMIT", NULL, NULL, NULL);
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
	if (xs_rp_print_groups(&rp) || xs_rp_print_comparisons(&rp))
		goto out_nomem;
	xs_rp_print_failed(&rp);
	ret = xs_rp_write_outputs(&rp, out_dir) ? 1 : 0;
	goto out;
out_nomem:
	fprintf(err, "wpsim report: out of memory\n");
out:
	free(x);
	rp_free(&rp);
	return ret;
}
