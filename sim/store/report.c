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
#include "store/report.h"
#include "store/stats.h"

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

#define RP_NPOLICY	    7
#define RP_BOOT_RESAMPLES   2000
#define RP_BOOT_SEED	    1
#define RP_LEVEL	    0.95
#define RP_NONE		    SIZE_MAX
#define RP_MAX_FAILED_SHOWN 20

static const char *const policy_names[RP_NPOLICY] = {
	"global.kernel",	 "global.punch",      "global.fault_end",  "global.validity",
	"global.dirty_tracking", "global.write_lock", "global.fault_lock",
};

enum rp_metric {
	RP_LOST_BYTES,
	RP_LEAKED,
	RP_WRITE_P50,
	RP_WRITE_P99,
	RP_FAULT_P50,
	RP_FAULT_P99,
	RP_NMETRICS,
};

static const char *const metric_names[RP_NMETRICS] = {
	"lost_bytes",	    "leaked_delalloc_blocks", "write_lat_p50_us",
	"write_lat_p99_us", "fault_lat_p50_us",	      "fault_lat_p99_us",
};

#define RP_FIRST_LAT RP_WRITE_P50
#define RP_NLAT	     (RP_NMETRICS - RP_FIRST_LAT)

struct xs_report_run {
	long long run_id, seed;
	int has_seed;
	int ok; /* status = 'ok' */
	char *status, *error;
	char **val; /* [nkeys]: key values, NULL where the run has none */
	double metric[RP_NMETRICS];
	unsigned have; /* bit m: metric m recorded */
};

/* One column of the group key: keys[0] is the scenario, keys[1..7] policy_names[]. */
struct xs_report_key {
	char *name;
	int policy;
	int varying;
	int numeric;	     /* every value parses as a number: ordered and plotted as one */
	size_t derived_from; /* RP_NONE for a dimension */
};

struct xs_report_group {
	size_t first, n; /* rp->order[first .. first+n): runs sorted by seed, run_id */
	size_t nok, nfailed;
	size_t loss_n, loss_k, leak_n, leak_k;
	struct xs_stats_ci loss;
	double mean_lost_bytes, mean_leaked;
	size_t lat_n[RP_NLAT];
	struct xs_stats_ci lat[RP_NLAT];
};

struct xs_report_cmp {
	size_t a, b, dim; /* groups a < b differing in key column dim */
	size_t pairs, loss_pairs, loss_a_only, loss_b_only, lat_pairs;
	double mcnemar_p, median_diff_us;
	struct xs_stats_wilcoxon w;
};

/* Everything one report owns. */
struct xs_report {
	sqlite3 *db;
	FILE *out, *err;
	struct xs_report_run *runs;
	size_t nruns;
	struct xs_report_key *keys;
	size_t nkeys;
	size_t *order;
	struct xs_report_group *groups;
	size_t ngroups;
	struct xs_report_cmp *cmps;
	size_t ncmps;
	size_t *shown; /* key columns shown in tables and labels: varying dimensions */
	size_t nshown;
};

static char *dup_text(const unsigned char *s)
{
	return s ? strdup((const char *)s) : NULL;
}

static int streq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Policy params are shown without their "global." prefix. */
static const char *short_name(const char *name)
{
	return strncmp(name, "global.", 7) == 0 ? name + 7 : name;
}

static int parse_number(const char *s, double *x)
{
	char *end;

	errno = 0;
	*x = strtod(s, &end);
	return *s && !*end && !errno && isfinite(*x);
}

/* A grown array: doubles *cap when full. Returns 0 or -ENOMEM. */
static int grow(void **arr, size_t *cap, size_t need, size_t size)
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

static const char *gval(const struct xs_report *rp, size_t g, size_t k)
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

		if (grow((void **)&rp->runs, &cap, rp->nruns + 1, sizeof(*rp->runs))) {
			sqlite3_finalize(st);
			return -ENOMEM;
		}
		r = &rp->runs[rp->nruns++];
		r->run_id = sqlite3_column_int64(st, 0);
		r->has_seed = sqlite3_column_type(st, 1) != SQLITE_NULL;
		r->seed = sqlite3_column_int64(st, 1);
		r->status = dup_text(sqlite3_column_text(st, 2));
		r->error = dup_text(sqlite3_column_text(st, 3));
		r->ok = streq(r->status, "ok");
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -EIO;
}

static int add_key(struct xs_report *rp, size_t *cap, const char *name, int policy, int varying)
{
	struct xs_report_key *k;

	if (grow((void **)&rp->keys, cap, rp->nkeys + 1, sizeof(*rp->keys)))
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
		if (!r->has_seed && strcmp(name, "global.seed") == 0 && parse_number(value, &x)) {
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

			if (v && !parse_number(v, &x))
				rp->keys[k].numeric = 0;
			if (k != 0 || (!rp->runs[i].ok && nbase != rp->nruns))
				continue;
			if (first == RP_NONE)
				first = i;
			else if (!streq(v, rp->runs[first].val[0]))
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
			if (strcmp(name, metric_names[m]) != 0 || (r->have & (1u << m)))
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
	if (k->numeric && parse_number(a, &x) && parse_number(b, &y) && x != y)
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
		if (!streq(a->val[k], b->val[k]))
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
			if (grow((void **)&rp->groups, &cap, rp->ngroups + 1, sizeof(*rp->groups)))
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
static size_t collect(const struct xs_report *rp, size_t g, int m, double *x)
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

	gr->loss_n = collect(rp, g, RP_LOST_BYTES, x);
	for (i = 0; i < gr->loss_n; i++)
		gr->loss_k += x[i] > 0;
	if (gr->loss_n) {
		xs_stats_wilson(gr->loss_k, gr->loss_n, XS_STATS_Z95, &gr->loss);
		gr->mean_lost_bytes = xs_stats_estimate(XS_STATS_MEAN, x, gr->loss_n);
	}
	gr->leak_n = collect(rp, g, RP_LEAKED, x);
	for (i = 0; i < gr->leak_n; i++)
		gr->leak_k += x[i] > 0;
	if (gr->leak_n)
		gr->mean_leaked = xs_stats_estimate(XS_STATS_MEAN, x, gr->leak_n);
	for (l = 0; l < RP_NLAT; l++) {
		gr->lat_n[l] = collect(rp, g, (int)(RP_FIRST_LAT + l), x);
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
			if (streq(gval(rp, i, q), gval(rp, j, q)) &&
			    !streq(gval(rp, i, p), gval(rp, j, p)))
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
		if (!streq(gval(rp, i, 0), scen))
			continue;
		for (j = i + 1; j < rp->ngroups; j++)
			if (streq(gval(rp, j, 0), scen) && streq(gval(rp, i, q), gval(rp, j, q)) &&
			    !streq(gval(rp, i, p), gval(rp, j, p)))
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

		if (streq(gval(rp, a, k), gval(rp, b, k)))
			continue;
		if (!rp->keys[k].policy || ndiff == RP_NPOLICY + 1)
			return RP_NONE; /* the context must match */
		diff[ndiff++] = k;
	}
	if (ndiff == 1)
		return diff[0];
	for (i = 0; i < ndiff; i++) {
		for (j = 0; j < ndiff; j++)
			if (j != i && !determines_within(rp, gval(rp, a, 0), diff[i], diff[j]))
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
			if (grow((void **)&rp->cmps, &cap, rp->ncmps + 1, sizeof(*rp->cmps)))
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
struct xs_report_table {
	size_t ncols, nrows, cap;
	char **cells;
	int err;
};

static void table_row(struct xs_report_table *t)
{
	if (grow((void **)&t->cells, &t->cap, (t->nrows + 1) * t->ncols, sizeof(char *)))
		t->err = -ENOMEM;
	else
		t->nrows++;
}

__attribute__((format(printf, 3, 4))) static void table_set(struct xs_report_table *t, size_t col,
							    const char *fmt, ...)
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

/* Columns before first_right are left-aligned (labels), the rest right-aligned. */
static void table_print(struct xs_report_table *t, FILE *out, size_t first_right)
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
			int width = c == last && c < first_right ? 0 : (int)w[c];

			fprintf(out, c < first_right ? "%-*s" : "%*s", width, s ? s : "");
			fputs(c < last ? "  " : "\n", out);
		}
	}
	for (r = 0; r < t->nrows * t->ncols; r++)
		free(t->cells[r]);
	free(t->cells);
	free(w);
}

/* Decimals for latencies (µs) of magnitude up to x: no exponent, readable columns. */
static int us_decimals(double x)
{
	x = fabs(x);
	return x >= 1000 ? 0 : x >= 100 ? 1 : x >= 1 ? 2 : 3;
}

/* "est [lo, hi]" with the decimals of the largest. */
static void fmt_ci_us(char *buf, size_t len, const struct xs_stats_ci *ci)
{
	int dec = us_decimals(fmax(fabs(ci->est), fmax(fabs(ci->lo), fabs(ci->hi))));

	snprintf(buf, len, "%.*f [%.*f, %.*f]", dec, ci->est, dec, ci->lo, dec, ci->hi);
}

static void label_cells(struct xs_report *rp, struct xs_report_table *t, size_t g)
{
	size_t s;

	for (s = 0; s < rp->nshown; s++) {
		const char *v = gval(rp, g, rp->shown[s]);

		table_set(t, s, "%s", v ? v : "-");
	}
}

static void header_cells(struct xs_report *rp, struct xs_report_table *t)
{
	size_t s;

	for (s = 0; s < rp->nshown; s++)
		table_set(t, s, "%s", short_name(rp->keys[rp->shown[s]].name));
}

/* Whether shown column k takes part in a label that skips column skip. */
static int label_has(const struct xs_report *rp, size_t k, size_t skip, int policy_only)
{
	return k != skip && (!policy_only || k == 0 || rp->keys[k].policy);
}

/*
 * "name=value ..." of group g's shown columns except column skip, and, with
 * policy_only, except the non-policy params (the scenario stays); "all" if none.
 */
static void group_label(const struct xs_report *rp, size_t g, size_t skip, int policy_only,
			char *buf, size_t len)
{
	size_t s, used = 0;

	buf[0] = '\0';
	for (s = 0; s < rp->nshown && used < len; s++) {
		size_t k = rp->shown[s];
		const char *v = gval(rp, g, k);

		if (!label_has(rp, k, skip, policy_only))
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s=%s", used ? " " : "",
					 short_name(rp->keys[k].name), v ? v : "-");
	}
	if (!buf[0])
		snprintf(buf, len, "all");
}

static int print_groups(struct xs_report *rp)
{
	static const char *const lat_titles[RP_NLAT] = {"write p50", "write p99", "fault p50",
							"fault p99"};
	struct xs_report_table t = {.ncols = rp->nshown + 6};
	struct xs_report_table lt = {.ncols = rp->nshown + 1};
	size_t g, l, col[RP_NLAT] = {0};
	char ci[96];

	/* latency columns that some group has (fault latency needs faulters) */
	for (l = 0; l < RP_NLAT; l++)
		for (g = 0; g < rp->ngroups && !col[l]; g++)
			if (rp->groups[g].lat_n[l])
				col[l] = lt.ncols++;

	table_row(&t);
	header_cells(rp, &t);
	table_set(&t, rp->nshown, "runs");
	table_set(&t, rp->nshown + 1, "failed");
	table_set(&t, rp->nshown + 2, "P(loss) [95%% Wilson]");
	table_set(&t, rp->nshown + 3, "mean lost_bytes");
	table_set(&t, rp->nshown + 4, "leaks");
	table_set(&t, rp->nshown + 5, "mean leaked blocks");
	table_row(&lt);
	header_cells(rp, &lt);
	table_set(&lt, rp->nshown, "n");
	for (l = 0; l < RP_NLAT; l++)
		if (col[l])
			table_set(&lt, col[l], "%s [95%%]", lat_titles[l]);
	for (g = 0; g < rp->ngroups; g++) {
		const struct xs_report_group *gr = &rp->groups[g];

		table_row(&t);
		label_cells(rp, &t, g);
		table_set(&t, rp->nshown, "%zu", gr->nok);
		table_set(&t, rp->nshown + 1, "%zu", gr->nfailed);
		if (gr->loss_n) {
			table_set(&t, rp->nshown + 2, "%.3f [%.3f, %.3f]", gr->loss.est,
				  gr->loss.lo, gr->loss.hi);
			table_set(&t, rp->nshown + 3, "%.1f", gr->mean_lost_bytes);
		}
		if (gr->leak_n) {
			table_set(&t, rp->nshown + 4, "%zu/%zu", gr->leak_k, gr->leak_n);
			table_set(&t, rp->nshown + 5, "%.2f", gr->mean_leaked);
		}
		table_row(&lt);
		label_cells(rp, &lt, g);
		table_set(&lt, rp->nshown, "%zu", gr->lat_n[RP_WRITE_P99 - RP_FIRST_LAT]);
		for (l = 0; l < RP_NLAT; l++) {
			if (!gr->lat_n[l])
				continue;
			fmt_ci_us(ci, sizeof(ci), &gr->lat[l]);
			table_set(&lt, col[l], "%s", ci);
		}
	}
	if (t.err || lt.err)
		return -ENOMEM;
	fprintf(rp->out, "\nLoss and leaks (runs with status ok; leaks = runs with "
			 "leaked_delalloc_blocks > 0)\n");
	table_print(&t, rp->out, rp->nshown);
	fprintf(rp->out,
		"\nLatency, simulated us: median over runs of each run's percentile "
		"[95%% percentile bootstrap, %d resamples]\n",
		RP_BOOT_RESAMPLES);
	table_print(&lt, rp->out, rp->nshown);
	return 0;
}

static int print_comparisons(struct xs_report *rp)
{
	static const char *const head[] = {
		"same",	     "param",	"A",  "B",  "pairs",	  "lost A only",   "lost B only",
		"McNemar p", "W pairs", "W+", "W-", "Wilcoxon p", "median B-A us",
	};
	struct xs_report_table t = {.ncols = sizeof(head) / sizeof(head[0])};
	char same[512];
	size_t i, c;

	table_row(&t);
	for (c = 0; c < t.ncols; c++)
		table_set(&t, c, "%s", head[c]);
	for (i = 0; i < rp->ncmps; i++) {
		const struct xs_report_cmp *cm = &rp->cmps[i];
		const char *va = gval(rp, cm->a, cm->dim), *vb = gval(rp, cm->b, cm->dim);

		group_label(rp, cm->a, cm->dim, 0, same, sizeof(same));
		table_row(&t);
		table_set(&t, 0, "%s", same);
		table_set(&t, 1, "%s", short_name(rp->keys[cm->dim].name));
		table_set(&t, 2, "%s", va ? va : "-");
		table_set(&t, 3, "%s", vb ? vb : "-");
		table_set(&t, 4, "%zu", cm->pairs);
		table_set(&t, 5, "%zu", cm->loss_a_only);
		table_set(&t, 6, "%zu", cm->loss_b_only);
		if (cm->mcnemar_p < 1e-300) /* 2^-(b+c) underflows a double */
			table_set(&t, 7, "<1e-300");
		else
			table_set(&t, 7, "%.4g", cm->mcnemar_p);
		table_set(&t, 8, "%zu", cm->w.n);
		table_set(&t, 9, "%.10g", cm->w.w_plus);
		table_set(&t, 10, "%.10g", cm->w.w_minus);
		table_set(&t, 11, "%.4g %s", cm->w.p, cm->w.exact ? "exact" : "normal");
		if (cm->lat_pairs)
			table_set(&t, 12, "%.*f", us_decimals(cm->median_diff_us),
				  cm->median_diff_us);
	}
	if (t.err)
		return -ENOMEM;
	fprintf(rp->out,
		"\nPaired comparisons on the same seeds (groups differing in one policy; "
		"McNemar exact on lost_bytes > 0,\nWilcoxon signed-rank on write_lat_p99_us, "
		"differences B - A, zeros dropped; exact p up to %d nonzero pairs)\n",
		XS_STATS_WILCOXON_EXACT_MAX);
	if (rp->ncmps == 0) {
		fprintf(rp->out, "none: no two groups differ in exactly one policy\n");
		t.nrows = 1;
	}
	table_print(&t, rp->out, 4);
	return 0;
}

static void print_summary(struct xs_report *rp, const char *db_path)
{
	size_t i, k, nok = 0, shown = 0;

	for (i = 0; i < rp->nruns; i++)
		nok += rp->runs[i].ok;
	fprintf(rp->out, "wpsim report: %s: %zu runs (%zu ok, %zu failed) in %zu groups\n", db_path,
		rp->nruns, nok, rp->nruns - nok, rp->ngroups);
	fprintf(rp->out, "varying:");
	for (k = 0; k < rp->nkeys; k++)
		if (rp->keys[k].varying && rp->keys[k].derived_from == RP_NONE)
			fprintf(rp->out, " %s", short_name(rp->keys[k].name));
	for (k = 0; k < rp->nkeys; k++) {
		size_t q = rp->keys[k].derived_from;

		if (q == RP_NONE)
			continue;
		while (rp->keys[q].derived_from != RP_NONE)
			q = rp->keys[q].derived_from;
		fprintf(rp->out, "%s %s (follows %s)", shown++ ? "," : ";",
			short_name(rp->keys[k].name), short_name(rp->keys[q].name));
	}
	fputc('\n', rp->out);
}

static void print_failed(struct xs_report *rp)
{
	size_t i, nok = 0, shown = 0;
	char label[512];

	for (i = 0; i < rp->nruns; i++)
		nok += rp->runs[i].ok;
	if (nok == rp->nruns)
		return;
	fprintf(rp->out, "\nFailed runs (not in the statistics): %zu\n", rp->nruns - nok);
	for (i = 0, shown = 0; i < rp->nruns; i++) {
		const struct xs_report_run *r = &rp->runs[rp->order[i]];
		size_t g;

		if (r->ok)
			continue;
		if (shown++ == RP_MAX_FAILED_SHOWN) {
			fprintf(rp->out, "... and %zu more\n",
				rp->nruns - nok - RP_MAX_FAILED_SHOWN);
			break;
		}
		for (g = 0; g + 1 < rp->ngroups && rp->groups[g + 1].first <= i; g++)
			;
		group_label(rp, g, RP_NONE, 0, label, sizeof(label));
		fprintf(rp->out, "run %lld seed %lld %s: %s: %s\n", r->run_id, r->seed, label,
			r->status ? r->status : "(no status)", r->error ? r->error : "");
	}
}

/* A CSV field, quoted when it holds a comma, quote or line break (RFC 4180). */
static void csv_str(FILE *f, const char *s, int last)
{
	if (s && strpbrk(s, ",\"\r\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else if (s) {
		fputs(s, f);
	}
	fputc(last ? '\n' : ',', f);
}

static void csv_num(FILE *f, int have, double x)
{
	if (have)
		fprintf(f, "%.10g", x);
	fputc(',', f);
}

static int close_file(FILE *f)
{
	int bad = ferror(f);

	return fclose(f) || bad ? -EIO : 0;
}

static int write_groups_csv(struct xs_report *rp, const char *path)
{
	FILE *f = fopen(path, "w");
	size_t g, k, l;

	if (!f)
		return -errno;
	fputs("group,", f);
	for (k = 0; k < rp->nkeys; k++)
		csv_str(f, rp->keys[k].name, 0);
	fputs("runs_ok,runs_failed,loss_runs,loss_n,p_loss,p_loss_lo,p_loss_hi,mean_lost_bytes,"
	      "leak_runs,leak_n,mean_leaked_blocks",
	      f);
	for (l = 0; l < RP_NLAT; l++) {
		const char *m = metric_names[RP_FIRST_LAT + l];

		fprintf(f, ",%s_n,%s_median,%s_lo,%s_hi", m, m, m, m);
	}
	fputc('\n', f);
	for (g = 0; g < rp->ngroups; g++) {
		const struct xs_report_group *gr = &rp->groups[g];

		fprintf(f, "%zu,", g + 1);
		for (k = 0; k < rp->nkeys; k++)
			csv_str(f, gval(rp, g, k), 0);
		fprintf(f, "%zu,%zu,%zu,%zu,", gr->nok, gr->nfailed, gr->loss_k, gr->loss_n);
		csv_num(f, gr->loss_n > 0, gr->loss.est);
		csv_num(f, gr->loss_n > 0, gr->loss.lo);
		csv_num(f, gr->loss_n > 0, gr->loss.hi);
		csv_num(f, gr->loss_n > 0, gr->mean_lost_bytes);
		fprintf(f, "%zu,%zu,", gr->leak_k, gr->leak_n);
		if (gr->leak_n)
			fprintf(f, "%.10g", gr->mean_leaked);
		for (l = 0; l < RP_NLAT; l++) {
			fprintf(f, ",%zu,", gr->lat_n[l]);
			csv_num(f, gr->lat_n[l] > 0, gr->lat[l].est);
			csv_num(f, gr->lat_n[l] > 0, gr->lat[l].lo);
			if (gr->lat_n[l])
				fprintf(f, "%.10g", gr->lat[l].hi);
		}
		fputc('\n', f);
	}
	return close_file(f);
}

static int write_comparisons_csv(struct xs_report *rp, const char *path)
{
	FILE *f = fopen(path, "w");
	char same[512];
	size_t i;

	if (!f)
		return -errno;
	fputs("group_a,group_b,same,param,a,b,pairs,loss_pairs,loss_a_only,loss_b_only,"
	      "mcnemar_p,lat_pairs,wilcoxon_n,wilcoxon_zeros,w_plus,w_minus,wilcoxon_z,"
	      "wilcoxon_p,wilcoxon_method,median_diff_us\n",
	      f);
	for (i = 0; i < rp->ncmps; i++) {
		const struct xs_report_cmp *c = &rp->cmps[i];

		group_label(rp, c->a, c->dim, 0, same, sizeof(same));
		fprintf(f, "%zu,%zu,", c->a + 1, c->b + 1);
		csv_str(f, same, 0);
		csv_str(f, rp->keys[c->dim].name, 0);
		csv_str(f, gval(rp, c->a, c->dim), 0);
		csv_str(f, gval(rp, c->b, c->dim), 0);
		fprintf(f, "%zu,%zu,%zu,%zu,%.10g,%zu,%zu,%zu,%.10g,%.10g,%.10g,%.10g,%s,",
			c->pairs, c->loss_pairs, c->loss_a_only, c->loss_b_only, c->mcnemar_p,
			c->lat_pairs, c->w.n, c->w.zeros, c->w.w_plus, c->w.w_minus, c->w.z, c->w.p,
			c->w.exact ? "exact" : "normal");
		if (c->lat_pairs)
			fprintf(f, "%.10g", c->median_diff_us);
		fputc('\n', f);
	}
	return close_file(f);
}

/* A gnuplot string literal, cut at 90 characters (a key wider than the plot is useless). */
static void gp_str(FILE *f, const char *s)
{
	size_t n = 0;

	fputc('"', f);
	for (; *s; s++, n++) {
		if (n == 87 && strlen(s) > 3) {
			fputs("...", f);
			break;
		}
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/*
 * Series of a plot: groups with the same label (the shown columns except skip, or only
 * the policy columns and the scenario). series[g] = index of g's series; returns the
 * number of series and the first group of each in first[].
 */
static size_t make_series(const struct xs_report *rp, size_t skip, int policy_only, size_t *series,
			  size_t *first)
{
	size_t g, h, n = 0, s;

	for (g = 0; g < rp->ngroups; g++) {
		series[g] = RP_NONE;
		for (h = 0; h < g && series[g] == RP_NONE; h++) {
			int same = 1;

			for (s = 0; s < rp->nshown; s++) {
				size_t k = rp->shown[s];

				if (label_has(rp, k, skip, policy_only))
					same &= streq(gval(rp, g, k), gval(rp, h, k));
			}
			if (same)
				series[g] = series[h];
		}
		if (series[g] == RP_NONE) {
			first[n] = g;
			series[g] = n++;
		}
	}
	return n;
}

/* The key beside the plot, or below it when the series' titles are long. */
static void gp_key(const struct xs_report *rp, FILE *gp, size_t skip, int policy_only,
		   size_t *first, size_t ns)
{
	size_t s, longest = 0;
	char title[512];

	for (s = 0; s < ns; s++) {
		group_label(rp, first[s], skip, policy_only, title, sizeof(title));
		longest = strlen(title) > longest ? strlen(title) : longest;
	}
	fprintf(gp, "%s\n",
		longest > 24 ? "set key below left Left reverse"
			     : "set key outside right top Right noreverse");
}

/* loss.dat and its plot: P(loss) against the first numeric non-policy column, else bars. */
static int write_loss_plot(struct xs_report *rp, FILE *gp, const char *dir, size_t *series,
			   size_t *first)
{
	size_t s, g, ns, x = RP_NONE, bar = 0;
	double xlo = INFINITY, xhi = -INFINITY;
	char path[4096], title[512];
	FILE *f;

	/* a fail rate if one varies (the injection that drives loss), else any number */
	for (s = 0; s < 2 * rp->nshown && x == RP_NONE; s++) {
		size_t k = rp->shown[s % rp->nshown];
		const char *dot = strrchr(rp->keys[k].name, '.');

		if (k != 0 && !rp->keys[k].policy && rp->keys[k].numeric &&
		    (s >= rp->nshown || (dot && strcmp(dot, ".fail_rate") == 0)))
			x = k;
	}
	snprintf(path, sizeof(path), "%s/loss.dat", dir);
	if (!(f = fopen(path, "w")))
		return -errno;
	ns = make_series(rp, x, 0, series, first);
	fprintf(gp, "set output \"loss.png\"\nset yrange [-0.02:1.02]\nset ylabel \"P(lost_bytes > "
		    "0), 95%% Wilson interval\"\n");
	if (x == RP_NONE) {
		fprintf(f, "# bar label p lo hi\n");
		for (g = 0; g < rp->ngroups; g++) {
			if (!rp->groups[g].loss_n)
				continue;
			group_label(rp, g, RP_NONE, 0, title, sizeof(title));
			fprintf(f, "%zu ", bar++);
			gp_str(f, title);
			fprintf(f, " %.10g %.10g %.10g\n", rp->groups[g].loss.est,
				rp->groups[g].loss.lo, rp->groups[g].loss.hi);
		}
		fprintf(gp,
			"set title \"Probability of data loss per group\"\nset xlabel \"\"\n"
			"set xtics rotate by -30\nset rmargin 30\nset style fill solid 0.5\n"
			"set boxwidth 0.6\n"
			"set xrange [-0.7:%zu.7]\n"
			"plot \"loss.dat\" using 1:3:xtic(2) with boxes notitle, "
			"\"\" using 1:3:4:5 with yerrorbars lc rgb \"black\" pt 0 notitle\n"
			"set xtics norotate\nset xrange [*:*]\nset boxwidth\nunset rmargin\n",
			bar ? bar - 1 : 0);
		return close_file(f);
	}
	for (g = 0; g < rp->ngroups; g++) {
		double v;

		if (parse_number(gval(rp, g, x), &v)) {
			xlo = fmin(xlo, v);
			xhi = fmax(xhi, v);
		}
	}
	gp_key(rp, gp, x, 0, first, ns);
	fprintf(gp,
		"set title \"Probability of data loss against %s\"\n"
		"set xlabel \"%s (policies drawn slightly apart so their intervals show)\"\nplot",
		rp->keys[x].name, rp->keys[x].name);
	for (s = 0; s < ns; s++) {
		/* 1.5% of the x range between neighbouring policies */
		double dodge =
			((double)s - (double)(ns - 1) / 2) * 0.015 * (xhi > xlo ? xhi - xlo : 1);

		group_label(rp, first[s], x, 0, title, sizeof(title));
		fprintf(f, "# %s\n# %s p lo hi\n", title, rp->keys[x].name);
		for (g = 0; g < rp->ngroups; g++)
			if (series[g] == s && rp->groups[g].loss_n)
				fprintf(f, "%s %.10g %.10g %.10g\n", gval(rp, g, x),
					rp->groups[g].loss.est, rp->groups[g].loss.lo,
					rp->groups[g].loss.hi);
		fprintf(f, "\n\n");
		fprintf(gp,
			"%s \"loss.dat\" index %zu using ($1%+.6g):2:3:4 with yerrorlines lw 2 pt "
			"7 "
			"title ",
			s ? ", \\\n    " : "", s, dodge);
		gp_str(gp, title);
	}
	fprintf(gp, "\n");
	return close_file(f);
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* latency-cdf.dat and its plot: the CDF of per-run write p99 latency per policy. */
static int write_latency_plot(struct xs_report *rp, FILE *gp, const char *dir, size_t *series,
			      size_t *first, double *x)
{
	size_t s, g, i, n, ns = make_series(rp, RP_NONE, 1, series, first), nplotted = 0;
	double lo = INFINITY, hi = 0;
	char path[4096], title[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/latency-cdf.dat", dir);
	if (!(f = fopen(path, "w")))
		return -errno;
	for (g = 0; g < rp->ngroups; g++)
		for (i = 0, n = collect(rp, g, RP_WRITE_P99, x); i < n; i++) {
			lo = fmin(lo, x[i]);
			hi = fmax(hi, x[i]);
		}
	/* latencies over two decades: a log axis keeps the fast policies readable */
	if (lo > 0 && hi / lo > 100)
		fprintf(gp, "set logscale x\n");
	gp_key(rp, gp, RP_NONE, 1, first, ns);
	fprintf(gp, "set output \"latency-cdf.png\"\nset title \"CDF of each run's write p99 "
		    "latency, per policy (pooled over the other params)\"\n"
		    "set xlabel \"write_lat_p99_us (simulated us)\"\nset ylabel \"fraction of "
		    "runs\"\nset yrange [0:1.02]\nplot");
	for (s = 0; s < ns; s++) {
		for (g = 0, n = 0; g < rp->ngroups; g++)
			if (series[g] == s)
				n += collect(rp, g, RP_WRITE_P99, x + n);
		if (!n)
			continue;
		qsort(x, n, sizeof(*x), cmp_dbl);
		group_label(rp, first[s], RP_NONE, 1, title, sizeof(title));
		fprintf(f, "# %s\n# write_lat_p99_us fraction\n%.10g 0\n", title, x[0]);
		for (i = 0; i < n; i++)
			fprintf(f, "%.10g %.10g\n", x[i], (double)(i + 1) / (double)n);
		fprintf(f, "\n\n");
		/* dash types tell apart policies whose CDFs coincide */
		fprintf(gp,
			"%s \"latency-cdf.dat\" index %zu using 1:2 with steps lw 2 dt %zu title ",
			nplotted ? ", \\\n    " : "", nplotted, nplotted % 5 + 1);
		gp_str(gp, title);
		nplotted++;
	}
	if (!nplotted)
		fprintf(gp, " 1/0 title \"no run recorded write_lat_p99_us\"");
	fprintf(gp, "\n");
	return close_file(f);
}

/* Runs gnuplot SCRIPT in dir. 0, 1 if there is no gnuplot binary, -EIO if it failed. */
static int run_gnuplot(const char *dir, const char *script)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (chdir(dir) == 0)
			execlp("gnuplot", "gnuplot", script, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return 1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

/* mkdir -p: dir and its missing parents. */
static int mkdir_p(const char *dir)
{
	char *p, *path;
	int ret = 0;

	if (!*dir)
		return -ENOENT;
	if (!(path = strdup(dir)))
		return -ENOMEM;
	for (p = path + 1; ret == 0; p++) {
		char c = *p;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST)
			ret = -errno;
		*p = c;
		if (!c)
			break;
	}
	free(path);
	return ret;
}

static int write_outputs(struct xs_report *rp, const char *dir)
{
	size_t *series = malloc((rp->ngroups + 1) * sizeof(*series));
	size_t *first = malloc((rp->ngroups + 1) * sizeof(*first));
	double *x = malloc((rp->nruns + 1) * sizeof(*x));
	char path[4096];
	FILE *gp = NULL;
	int ret = -ENOMEM;

	if (!series || !first || !x)
		goto out;
	if ((ret = mkdir_p(dir)) != 0) {
		fprintf(rp->err, "wpsim report: %s: %s\n", dir, strerror(-ret));
		goto out;
	}
	snprintf(path, sizeof(path), "%s/groups.csv", dir);
	if ((ret = write_groups_csv(rp, path)) != 0)
		goto out_file;
	snprintf(path, sizeof(path), "%s/comparisons.csv", dir);
	if ((ret = write_comparisons_csv(rp, path)) != 0)
		goto out_file;
	snprintf(path, sizeof(path), "%s/plots.gp", dir);
	if (!(gp = fopen(path, "w"))) {
		ret = -errno;
		goto out_file;
	}
	fprintf(gp, "# Written by wpsim report; run in this directory: gnuplot plots.gp\n"
		    "if (strstrt(GPVAL_TERMINALS, \"pngcairo\") > 0) {\n"
		    "    set terminal pngcairo noenhanced size 1000,650 font \"sans,11\"\n"
		    "} else {\n    set terminal png noenhanced size 1000,650\n}\n"
		    "set grid\nset offsets graph 0.03, graph 0.03, 0, 0\n");
	snprintf(path, sizeof(path), "%s/loss.dat", dir);
	if ((ret = write_loss_plot(rp, gp, dir, series, first)) != 0)
		goto out_file;
	snprintf(path, sizeof(path), "%s/latency-cdf.dat", dir);
	if ((ret = write_latency_plot(rp, gp, dir, series, first, x)) != 0)
		goto out_file;
	snprintf(path, sizeof(path), "%s/plots.gp", dir);
	ret = close_file(gp);
	gp = NULL;
	if (ret)
		goto out_file;
	fflush(rp->out);
	fflush(rp->err);
	ret = run_gnuplot(dir, "plots.gp");
	if (ret == 1) {
		fprintf(rp->err,
			"wpsim report: warning: no gnuplot found: %s/*.csv written, no "
			"PNG plots (run gnuplot plots.gp there)\n",
			dir);
		fprintf(rp->out, "\nfiles: %s/{groups.csv,comparisons.csv,plots.gp}\n", dir);
		ret = 0;
	} else if (ret) {
		fprintf(rp->err, "wpsim report: %s/plots.gp: gnuplot failed\n", dir);
	} else {
		fprintf(rp->out,
			"\nfiles: %s/{groups.csv,comparisons.csv,loss.png,latency-cdf.png}\n", dir);
	}
	goto out;
out_file:
	fprintf(rp->err, "wpsim report: %s: %s\n", path, strerror(-ret));
out:
	if (gp)
		fclose(gp);
	free(series);
	free(first);
	free(x);
	return ret;
}

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
	print_summary(&rp, db_path);
	if (print_groups(&rp) || print_comparisons(&rp))
		goto out_nomem;
	print_failed(&rp);
	ret = write_outputs(&rp, out_dir) ? 1 : 0;
	goto out;
out_nomem:
	fprintf(err, "wpsim report: out of memory\n");
out:
	free(x);
	rp_free(&rp);
	return ret;
}
