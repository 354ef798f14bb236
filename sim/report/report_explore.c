/*
 * wpsim report, explored databases (report_internal.h): the runs that followed a
 * schedule (`wpsim explore`), read through the walks of store/store_read.h while the
 * report's snapshot is open, printed after the other tables, and only when there are
 * any. Per strategy and scenario: a table of the groups (one per value of the varied
 * keys, typically the kernel of `explore --compare`) with the schedules explored,
 * runs, failing runs and schedules and the shortest failing schedule; one line per
 * ordered pair of groups, the schedules that fail under A and under no run of B among
 * those run under both; the minimal schedules (shrunk ones) with how they fare in
 * each group. Groups are ordered as the report orders values (kernels as versions).
 */
#include "report/report_internal.h"
#include "store/store_read.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct rp_xgroup {
	char *strategy, *scenario;
	char **values; /* [nkeys] */
	struct xs_store_explore_counts c;
	char *shortest;
};

struct rp_xminimal {
	size_t g;
	char *spec, *parent;
	uint64_t runs, failing_runs;
};

struct rp_xpair {
	size_t a, b;
	uint64_t common, a_not_b;
};

struct xs_report_explore {
	char **keys;
	int *numeric; /* [nkeys]: every value of the key is a number */
	size_t nkeys, kcap;
	struct rp_xgroup *groups;
	size_t ngroups, gcap;
	struct rp_xminimal *minimal;
	size_t nminimal, mcap;
	struct rp_xpair *pairs;
	size_t npairs, pcap;
	size_t *order; /* groups in print order */
};

static char *dup_or_null(const char *s, int *err)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		*err = -ENOMEM;
	return d;
}

static int add_key(void *arg, const char *name)
{
	struct xs_report_explore *x = arg;
	int err = 0;

	if (xs_rp_grow((void **)&x->keys, &x->kcap, x->nkeys + 1, sizeof(*x->keys)))
		return -ENOMEM;
	x->keys[x->nkeys] = dup_or_null(name, &err);
	x->nkeys += !err;
	return err;
}

static int add_group(void *arg, const struct xs_store_explore_group *g,
		     const struct xs_store_explore_counts *c)
{
	struct xs_report_explore *x = arg;
	struct rp_xgroup *n;
	size_t i;
	int err = 0;

	if (g->nvalues != x->nkeys ||
	    xs_rp_grow((void **)&x->groups, &x->gcap, x->ngroups + 1, sizeof(*x->groups)))
		return -ENOMEM;
	n = &x->groups[x->ngroups++];
	memset(n, 0, sizeof(*n));
	n->values = calloc(x->nkeys + 1, sizeof(*n->values));
	if (!n->values)
		return -ENOMEM;
	n->strategy = dup_or_null(g->strategy, &err);
	n->scenario = dup_or_null(g->scenario, &err);
	for (i = 0; i < x->nkeys; i++)
		n->values[i] = dup_or_null(g->values[i], &err);
	n->c = *c;
	n->shortest = dup_or_null(c->shortest, &err);
	n->c.shortest = NULL;
	return err;
}

/* The index of group g among those loaded; ngroups if it is not one (cannot happen). */
static size_t find_group(const struct xs_report_explore *x, const struct xs_store_explore_group *g)
{
	size_t i, k;

	for (i = 0; i < x->ngroups; i++) {
		const struct rp_xgroup *h = &x->groups[i];

		if (!xs_rp_streq(h->strategy, g->strategy) ||
		    !xs_rp_streq(h->scenario, g->scenario))
			continue;
		for (k = 0; k < x->nkeys && xs_rp_streq(h->values[k], g->values[k]); k++)
			;
		if (k == x->nkeys)
			return i;
	}
	return x->ngroups;
}

static int add_minimal(void *arg, const struct xs_store_explore_group *g,
		       const struct xs_store_explore_minimal *m)
{
	struct xs_report_explore *x = arg;
	struct rp_xminimal *n;
	int err = 0;

	if (xs_rp_grow((void **)&x->minimal, &x->mcap, x->nminimal + 1, sizeof(*x->minimal)))
		return -ENOMEM;
	n = &x->minimal[x->nminimal++];
	n->g = find_group(x, g);
	n->spec = dup_or_null(m->spec, &err);
	n->parent = dup_or_null(m->parent_spec, &err);
	n->runs = m->runs;
	n->failing_runs = m->failing_runs;
	return err;
}

static int add_pair(void *arg, const struct xs_store_explore_group *a,
		    const struct xs_store_explore_group *b, uint64_t common, uint64_t a_not_b)
{
	struct xs_report_explore *x = arg;
	struct rp_xpair *n;

	if (xs_rp_grow((void **)&x->pairs, &x->pcap, x->npairs + 1, sizeof(*x->pairs)))
		return -ENOMEM;
	n = &x->pairs[x->npairs++];
	n->a = find_group(x, a);
	n->b = find_group(x, b);
	n->common = common;
	n->a_not_b = a_not_b;
	return 0;
}

void xs_rp_explore_free(struct xs_report *rp)
{
	struct xs_report_explore *x = rp->explore;
	size_t i, k;

	if (!x)
		return;
	for (i = 0; i < x->ngroups; i++) {
		for (k = 0; x->groups[i].values && k < x->nkeys; k++)
			free(x->groups[i].values[k]);
		free(x->groups[i].values);
		free(x->groups[i].strategy);
		free(x->groups[i].scenario);
		free(x->groups[i].shortest);
	}
	for (i = 0; i < x->nminimal; i++) {
		free(x->minimal[i].spec);
		free(x->minimal[i].parent);
	}
	for (k = 0; k < x->nkeys; k++)
		free(x->keys[k]);
	free(x->keys);
	free(x->numeric);
	free(x->groups);
	free(x->minimal);
	free(x->pairs);
	free(x->order);
	free(x);
	rp->explore = NULL;
}

int xs_rp_explore_load(struct xs_report *rp, char *err, size_t errlen)
{
	struct xs_report_explore *x;
	int ret;

	ret = xs_store_read_explored(rp->rd, err, errlen);
	if (ret <= 0)
		return ret;
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	rp->explore = x;
	ret = xs_store_read_explore_keys(rp->rd, add_key, x, err, errlen);
	if (!ret)
		ret = xs_store_read_explore_groups(rp->rd, add_group, x, err, errlen);
	if (!ret)
		ret = xs_store_read_explore_minimal(rp->rd, add_minimal, x, err, errlen);
	if (!ret)
		ret = xs_store_read_explore_pairs(rp->rd, add_pair, x, err, errlen);
	return ret;
}

static int null_first_cmp(const char *a, const char *b)
{
	if (!a || !b)
		return !!a - !!b;
	return strcmp(a, b);
}

static int block_cmp(const struct rp_xgroup *a, const struct rp_xgroup *b)
{
	int c = null_first_cmp(a->strategy, b->strategy);

	return c ? c : null_first_cmp(a->scenario, b->scenario);
}

static int group_cmp(const void *pa, const void *pb, void *arg)
{
	const struct xs_report_explore *x = arg;
	const struct rp_xgroup *a = &x->groups[*(const size_t *)pa],
			       *b = &x->groups[*(const size_t *)pb];
	size_t k;
	int c = block_cmp(a, b);

	for (k = 0; !c && k < x->nkeys; k++)
		c = xs_rp_value_cmp(x->keys[k], x->numeric[k], a->values[k], b->values[k]);
	return c;
}

/* The group's values as one label: "6.1" for one key, "kernel=6.1 punch=x" for more. */
static void group_label(const struct xs_report_explore *x, size_t g, char *buf, size_t len)
{
	size_t k, o = 0;

	buf[0] = '\0';
	if (x->nkeys == 0)
		snprintf(buf, len, "all");
	for (k = 0; k < x->nkeys && o < len; k++) {
		const char *v = x->groups[g].values[k] ? x->groups[g].values[k] : "-";

		if (x->nkeys == 1)
			o += (size_t)snprintf(buf + o, len - o, "%s", v);
		else
			o += (size_t)snprintf(buf + o, len - o, "%s%s=%s", k ? " " : "",
					      xs_rp_short_name(x->keys[k]), v);
	}
}

/* The key columns of group g (or the header when g is ngroups). */
static void key_cells(const struct xs_report_explore *x, struct xs_report_table *t, size_t g)
{
	size_t k;

	for (k = 0; k < x->nkeys; k++) {
		const char *v =
			g == x->ngroups ? xs_rp_short_name(x->keys[k]) : x->groups[g].values[k];

		xs_rp_table_set(t, k, "%s", v ? v : "-");
	}
}

/* The groups of one strategy and scenario, order[first .. end). */
static int print_groups(struct xs_report *rp, size_t first, size_t end)
{
	static const char *const head[] = {"schedules", "runs", "failing runs", "failing schedules",
					   "shortest failing schedule"};
	const struct xs_report_explore *x = rp->explore;
	struct xs_report_table t = {.ncols = x->nkeys + 5, .left_from = x->nkeys + 4};
	size_t i, c;

	xs_rp_table_row(&t);
	key_cells(x, &t, x->ngroups);
	for (c = 0; c < 5; c++)
		xs_rp_table_set(&t, x->nkeys + c, "%s", head[c]);
	for (i = first; i < end; i++) {
		const struct rp_xgroup *g = &x->groups[x->order[i]];

		xs_rp_table_row(&t);
		key_cells(x, &t, x->order[i]);
		xs_rp_table_set(&t, x->nkeys, "%llu", (unsigned long long)g->c.schedules);
		xs_rp_table_set(&t, x->nkeys + 1, "%llu", (unsigned long long)g->c.runs);
		xs_rp_table_set(&t, x->nkeys + 2, "%llu", (unsigned long long)g->c.failing_runs);
		xs_rp_table_set(&t, x->nkeys + 3, "%llu",
				(unsigned long long)g->c.failing_schedules);
		xs_rp_table_set(&t, x->nkeys + 4, "%s", g->shortest ? g->shortest : "-");
	}
	if (t.err)
		return -ENOMEM;
	xs_rp_table_print(&t, rp->out, x->nkeys);
	return 0;
}

static void print_pairs(struct xs_report *rp, size_t first, size_t end)
{
	const struct xs_report_explore *x = rp->explore;
	char la[512], lb[512];
	size_t i, j, p, shown = 0;

	for (i = first; i < end; i++)
		for (j = first; j < end; j++)
			for (p = 0; p < x->npairs; p++) {
				const struct rp_xpair *pr = &x->pairs[p];

				if (pr->a != x->order[i] || pr->b != x->order[j])
					continue;
				if (!shown++)
					fprintf(rp->out, "schedules that fail under A and not "
							 "under B, of those run under both:\n");
				group_label(x, pr->a, la, sizeof(la));
				group_label(x, pr->b, lb, sizeof(lb));
				fprintf(rp->out, "  under %s and not %s: %llu of %llu\n", la, lb,
					(unsigned long long)pr->a_not_b,
					(unsigned long long)pr->common);
			}
}

static int print_minimal(struct xs_report *rp, size_t first, size_t end)
{
	static const char *const head[] = {"failing runs", "minimal schedule", "shrunk from"};
	const struct xs_report_explore *x = rp->explore;
	struct xs_report_table t = {.ncols = x->nkeys + 3, .left_from = x->nkeys + 1};
	size_t i, m, c, n = 0, more = 0;

	xs_rp_table_row(&t);
	key_cells(x, &t, x->ngroups);
	for (c = 0; c < 3; c++)
		xs_rp_table_set(&t, x->nkeys + c, "%s", head[c]);
	for (i = first; i < end; i++)
		for (m = 0; m < x->nminimal; m++) {
			const struct rp_xminimal *mn = &x->minimal[m];

			if (mn->g != x->order[i])
				continue;
			if (n++ >= RP_MAX_FAILED_SHOWN) {
				more++;
				continue;
			}
			xs_rp_table_row(&t);
			key_cells(x, &t, mn->g);
			xs_rp_table_set(&t, x->nkeys, "%llu/%llu",
					(unsigned long long)mn->failing_runs,
					(unsigned long long)mn->runs);
			xs_rp_table_set(&t, x->nkeys + 1, "%s", mn->spec);
			xs_rp_table_set(&t, x->nkeys + 2, "%s", mn->parent ? mn->parent : "-");
		}
	if (t.err)
		return -ENOMEM;
	if (!n) {
		xs_rp_table_free(&t);
		return 0;
	}
	fprintf(rp->out, "minimal schedules (shrunk from a failing one), as run in each group:\n");
	xs_rp_table_print(&t, rp->out, x->nkeys);
	if (more)
		fprintf(rp->out, "... and %zu more\n", more);
	return 0;
}

int xs_rp_explore_print(struct xs_report *rp)
{
	struct xs_report_explore *x = rp->explore;
	size_t i, k, first;

	if (!x || !x->ngroups)
		return 0;
	x->order = malloc(x->ngroups * sizeof(*x->order));
	x->numeric = calloc(x->nkeys + 1, sizeof(*x->numeric));
	if (!x->order || !x->numeric)
		return -ENOMEM;
	for (k = 0; k < x->nkeys; k++) {
		double v;

		x->numeric[k] = 1;
		for (i = 0; i < x->ngroups; i++)
			if (x->groups[i].values[k] &&
			    !xs_rp_parse_number(x->groups[i].values[k], &v))
				x->numeric[k] = 0;
	}
	for (i = 0; i < x->ngroups; i++)
		x->order[i] = i;
	qsort_r(x->order, x->ngroups, sizeof(*x->order), group_cmp, x);
	fprintf(rp->out, "\nExplored schedules (runs that followed a schedule; a run fails when "
			 "its status is ok and lost_bytes,\nleaked_delalloc_blocks, deadlocks or "
			 "invariant_violations is above 0)\n");
	for (first = 0; first < x->ngroups; first = i) {
		const struct rp_xgroup *g = &x->groups[x->order[first]];

		for (i = first + 1; i < x->ngroups && block_cmp(g, &x->groups[x->order[i]]) == 0;
		     i++)
			;
		fprintf(rp->out, "\nstrategy %s, %s\n", g->strategy ? g->strategy : "(none)",
			g->scenario ? g->scenario : "(no scenario)");
		if (print_groups(rp, first, i))
			return -ENOMEM;
		print_pairs(rp, first, i);
		if (print_minimal(rp, first, i))
			return -ENOMEM;
	}
	return 0;
}
