/*
 * The bounded strategy's enumeration (explore.h, phase 2): every schedule with at
 * most c decisions, in a fixed order.
 *
 * The space: an initial priority order of the jobs (every permutation; the daemons
 * rank below them), and a set of at most c decisions drawn from
 *   - lower at any point of a job that the reference run of that order visits,
 *   - fail=0 at a writer's first copy-in of an operation (write_copy, hit 0).
 * A point that no reference run reaches (one only a decision would lead to) is not in
 * it: the report says so.
 */
#include "explore/explore_internal.h"

#include "core/xalloc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* The jobs of the scenario as schedule actors; -E2BIG if there are too many. */
static int jobs_of(const struct xs_scenario *sc, struct xs_sched_actor *a, size_t *n)
{
	int g;
	uint32_t j;

	*n = 0;
	for (g = 0; g < sc->ngroups; g++)
		for (j = 0; j < sc->groups[g].jobs; j++) {
			if (*n == XS_EXPLORE_BOUNDED_JOBS)
				return -E2BIG;
			snprintf(a[*n].group, sizeof(a[*n].group), "%s", sc->groups[g].name);
			a[*n].job = j;
			(*n)++;
		}
	return 0;
}

/* The next permutation of p[0..n) in lexicographic order; false after the last. */
static bool next_perm(size_t *p, size_t n)
{
	size_t i, j, t;

	if (n < 2)
		return false;
	for (i = n - 1; i > 0 && p[i - 1] >= p[i]; i--)
		;
	if (i == 0)
		return false;
	for (j = n - 1; p[j] <= p[i - 1]; j--)
		;
	t = p[i - 1];
	p[i - 1] = p[j];
	p[j] = t;
	for (j = n - 1; i < j; i++, j--) {
		t = p[i];
		p[i] = p[j];
		p[j] = t;
	}
	return true;
}

static bool is_job(const struct xs_sched_actor *a, const struct xs_sched_actor *jobs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (jobs[i].job == a->job && strcmp(jobs[i].group, a->group) == 0)
			return true;
	return false;
}

/* The candidate decisions of one order's reference run. */
static int candidates(const struct xp_job *ref, const struct xs_sched_actor *jobs, size_t njobs,
		      struct xs_sched_decision **out, size_t *n)
{
	struct xs_sched_decision *d = xs_xcalloc(2 * ref->nvisits + 1, sizeof(*d));
	size_t i;

	if (!d)
		return -ENOMEM;
	*n = 0;
	for (i = 0; i < ref->nvisits; i++) {
		const struct xs_xctl_visit *v = &ref->visits[i];
		struct xs_sched_decision x = {
			.actor = v->actor, .op = v->op, .hit = v->hit, .point = v->point};

		if (!is_job(&v->actor, jobs, njobs))
			continue;
		x.action = XS_SA_LOWER;
		d[(*n)++] = x;
		if (v->writer && v->point == XS_SP_WRITE_COPY && v->hit == 0 && v->op_len > 0) {
			x.action = XS_SA_FAIL;
			x.arg = 0;
			d[(*n)++] = x;
		}
	}
	*out = d;
	return 0;
}

/* C(n, k) saturating at UINT64_MAX */
static uint64_t choose(uint64_t n, unsigned k)
{
	uint64_t r = 1;
	unsigned i;

	if (k > n)
		return 0;
	for (i = 1; i <= k; i++) {
		if (r > UINT64_MAX / (n - k + i))
			return UINT64_MAX;
		r = r * (n - k + i) / i;
	}
	return r;
}

static int add_spec(struct xs_bounded *bd, const struct xs_schedule *s)
{
	size_t len = xs_schedule_format(s, NULL, 0);
	char *t = xs_xmalloc(len + 1);

	xs_schedule_format(s, t, len + 1);
	bd->specs[bd->nspecs++] = t;
	return 0;
}

/* Every subset of cand of size c in lexicographic order, with the order, into bd. */
static int enumerate(struct xs_bounded *bd, const struct xs_schedule *base,
		     const struct xs_sched_decision *cand, size_t ncand, unsigned c)
{
	size_t idx[XS_EXPLORE_MAX_DEPTH];
	unsigned i;
	int r = 0;

	if (c > ncand)
		return 0;
	for (i = 0; i < c; i++)
		idx[i] = i;
	for (;;) {
		struct xs_schedule s = {0};
		char why[160];
		bool clash = false;

		for (i = 0; i < base->norder && !r; i++)
			r = xs_schedule_add_order(&s, &base->order[i], why, sizeof(why));
		for (i = 0; i < c && !r; i++) {
			/* one decision per point: fail and lower at one copy-in clash */
			if (i && xs_sched_decision_cmp(&cand[idx[i - 1]], &cand[idx[i]]) == 0)
				clash = true;
			r = xs_schedule_add(&s, &cand[idx[i]], why, sizeof(why));
		}
		if (!r && !clash) {
			xs_schedule_sort(&s);
			if (xs_schedule_check(&s, why, sizeof(why)) == 0)
				r = add_spec(bd, &s);
		}
		xs_schedule_free(&s);
		if (r)
			return r;
		/* the next combination */
		for (i = c; i > 0 && idx[i - 1] == ncand - c + i - 1; i--)
			;
		if (i == 0)
			return 0;
		idx[i - 1]++;
		for (; i < c; i++)
			idx[i] = idx[i - 1] + 1;
	}
}

int xp_bounded_plan(struct xp *ex, size_t var, struct xs_bounded *bd)
{
	const struct xs_explore_opts *o = ex->o;
	struct xp_variant *v = &ex->vars[var];
	struct xs_sched_actor jobs[XS_EXPLORE_BOUNDED_JOBS];
	size_t njobs, perm[XS_EXPLORE_BOUNDED_JOBS], norders = 0, i, k;
	struct xp_job *refs = NULL;
	char **orders = NULL;
	uint64_t total = 0;
	int r;

	memset(bd, 0, sizeof(*bd));
	if (jobs_of(v->sc, jobs, &njobs)) {
		fprintf(o->log,
			"wpsim explore: --strategy bounded: %s has more than %d jobs (accepted: at "
			"most %d, whose orders are enumerated; use pct)\n",
			o->scenario, XS_EXPLORE_BOUNDED_JOBS, XS_EXPLORE_BOUNDED_JOBS);
		return 2;
	}
	/* one reference run per order */
	for (i = 0; i < njobs; i++)
		perm[i] = i;
	refs = xs_xcalloc(24, sizeof(*refs));
	orders = xs_xcalloc(24, sizeof(*orders));
	do {
		char buf[XS_EXPLORE_BOUNDED_JOBS * (XS_SCHED_GROUP_MAX + 12) + 8];
		size_t pos = (size_t)snprintf(buf, sizeof(buf), "order=");

		for (i = 0; i < njobs; i++)
			pos += (size_t)snprintf(buf + pos, sizeof(buf) - pos, "%s%s.%" PRIu32,
						i ? "/" : "", jobs[perm[i]].group,
						jobs[perm[i]].job);
		orders[norders] = xs_xstrdup(njobs ? buf : "none");
		refs[norders] = (struct xp_job){.var = var,
						.gen_var = var,
						.chose = XS_STRAT_REPLAY,
						.mode = XS_STRAT_REPLAY,
						.spec = orders[norders],
						.record_points = true};
		norders++;
	} while (next_perm(perm, njobs));
	ex->phase = "reference runs, one per order";
	r = xp_run_jobs(ex, refs, norders);
	if (r)
		goto out;
	/* count first: refuse a space that cannot be run */
	for (k = 0; k < norders; k++) {
		struct xs_sched_decision *cand;
		size_t ncand;
		unsigned c;

		if (!refs[k].ok) {
			fprintf(o->log, "wpsim explore: the reference run of %s failed: %s\n",
				orders[k], refs[k].error ? refs[k].error : "?");
			r = 1;
			goto out;
		}
		if (refs[k].steps > v->k_ref)
			v->k_ref = refs[k].steps;
		v->n_actors = refs[k].n_actors;
		if (candidates(&refs[k], jobs, njobs, &cand, &ncand)) {
			r = 1;
			goto out;
		}
		free(cand);
		for (c = 0; c <= o->depth; c++) {
			uint64_t n = choose(ncand, c);

			total = n > UINT64_MAX - total ? UINT64_MAX : total + n;
		}
	}
	if (total > XS_EXPLORE_MAX_RUNS) {
		fprintf(o->log,
			"wpsim explore: --strategy bounded --depth %u: %" PRIu64 " schedules%s%s "
			"(accepted: at most %llu; lower --depth or make the scenario smaller)\n",
			o->depth, total, v->label[0] ? " under " : "", v->label,
			(unsigned long long)XS_EXPLORE_MAX_RUNS);
		r = 2;
		goto out;
	}
	bd->specs = xs_xcalloc(total ? total : 1, sizeof(*bd->specs));
	for (k = 0; k < norders && !r; k++) {
		struct xs_sched_decision *cand;
		struct xs_schedule base;
		size_t ncand;
		unsigned c;
		char err[256];

		if (xs_schedule_parse(orders[k], &base, err, sizeof(err)) ||
		    candidates(&refs[k], jobs, njobs, &cand, &ncand)) {
			r = 1;
			break;
		}
		for (c = 0; c <= o->depth && !r; c++)
			r = enumerate(bd, &base, cand, ncand, c) ? 1 : 0;
		free(cand);
		xs_schedule_free(&base);
	}
out:
	for (k = 0; k < norders; k++) {
		xp_job_clear(&refs[k]);
		free(orders[k]);
	}
	free(refs);
	free(orders);
	return r;
}

void xs_bounded_free(struct xs_bounded *bd)
{
	uint64_t i;

	for (i = 0; i < bd->nspecs; i++)
		free(bd->specs[i]);
	free(bd->specs);
	memset(bd, 0, sizeof(*bd));
}
