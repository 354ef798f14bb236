/*
 * Phase 4 of `wpsim explore` (explore.h): the shortest story of a failure.
 *
 * Per value, the first failing schedule of its generation is replayed (it must fail
 * again: replay is exact, and a replay that does not fail is reported as the bug it
 * is), then shrunk:
 *   1. over its elements, by delta debugging (shrink.h): the actors of its initial
 *      order (an actor left out ranks below those named) and its decisions, down to a
 *      1-minimal set within the budget. A schedule under priorities stays under
 *      priorities (it keeps an order or a lower): one that leaves the order to the
 *      actors' speeds would tell a story that holds for those speeds only;
 *   2. over the workload: for each job group in turn, the fewest operations (the `ops`
 *      key, found by bisection, never below the last operation a decision names) with
 *      which the run still fails;
 * each step keeping the most telling way the first replay failed (a loss before a
 * deadlock, a leak, an invariant violation), so the story of a loss tells a loss;
 * and the result is replayed once more with its story told (story.h), and stored as
 * the minimal form of the schedule it came from.
 * Every replay counts against XS_EXPLORE_SHRINK_CALLS.
 */
#include "explore/explore_internal.h"
#include "explore/shrink.h"
#include "core/xalloc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct shrinker {
	struct xp *ex;
	size_t var;
	const struct xs_scenario *sc; /* the workload being replayed */
	const struct xs_schedule *s;
	unsigned calls;
	bool prioritised; /* the schedule shrunk is: so must its subsets be */
	unsigned kind;	  /* the XP_FAIL_* every subset must still show (0: any) */
};

/*
 * Does the replay of spec on sh->sc fail in the way shrunk (sh->kind)? 1, 0, or -1 (the
 * pool failed). *kinds, when not NULL, gets every way it failed.
 */
static int replay_fails(struct shrinker *sh, const char *spec, unsigned *kinds)
{
	struct xp_job j = {.var = sh->var,
			   .gen_var = sh->var,
			   .chose = XS_STRAT_REPLAY,
			   .mode = XS_STRAT_REPLAY,
			   .spec = spec,
			   .sc = sh->sc};
	int r;

	sh->calls++;
	snprintf(sh->ex->phase_buf, sizeof(sh->ex->phase_buf), "shrinking, replay %u of at most %d",
		 sh->calls, XS_EXPLORE_SHRINK_CALLS);
	sh->ex->phase = sh->ex->phase_buf;
	if (xp_run_jobs(sh->ex, &j, 1)) {
		xp_job_clear(&j);
		return -1;
	}
	/* a run that crashed is not the failure shrunk */
	r = j.ok && j.failing && (!sh->kind || (j.fail_kinds & sh->kind));
	if (kinds)
		*kinds = j.ok ? j.fail_kinds : 0;
	xp_job_clear(&j);
	return r;
}

static char *spec_of(const struct xs_schedule *s)
{
	size_t len = xs_schedule_format(s, NULL, 0);
	char *t = xs_xmalloc(len + 1);

	if (t)
		xs_schedule_format(s, t, len + 1);
	return t;
}

/*
 * The schedule made of the elements idx[0..n) of s: indices below s->norder name
 * actors of its order, the others its decisions. 0 or -ENOMEM.
 */
static int subset_all(const struct xs_schedule *s, const size_t *idx, size_t n,
		      struct xs_schedule *out)
{
	char why[160];
	size_t i;
	int r = 0;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n && !r; i++)
		r = idx[i] < s->norder
			    ? xs_schedule_add_order(out, &s->order[idx[i]], why, sizeof(why))
			    : xs_schedule_add(out, &s->d[idx[i] - s->norder], why, sizeof(why));
	if (r) {
		xs_schedule_free(out);
		return -ENOMEM;
	}
	xs_schedule_sort(out);
	return 0;
}

/* Does s replay under priorities (explore/xctl.h)? */
static bool prioritised(const struct xs_schedule *s)
{
	size_t i;

	for (i = 0; i < s->nd; i++)
		if (s->d[i].action == XS_SA_LOWER)
			return true;
	return s->norder > 0;
}

static int pred(const size_t *idx, size_t n, void *arg)
{
	struct shrinker *sh = arg;
	struct xs_schedule sub;
	char *spec;
	int r;

	if (subset_all(sh->s, idx, n, &sub))
		return -ENOMEM;
	if (sh->prioritised && !prioritised(&sub)) {
		xs_schedule_free(&sub);
		return 0;
	}
	spec = spec_of(&sub);
	xs_schedule_free(&sub);
	if (!spec)
		return -ENOMEM;
	r = replay_fails(sh, spec, NULL);
	free(spec);
	return r < 0 ? -EIO : r;
}

/* The operations of group g that the scenario runs: its ops key, else one per slot. */
static uint64_t group_ops(const struct xs_actor_group *g)
{
	uint64_t slots = g->stride_bytes ? g->size_bytes / g->stride_bytes : 1;

	return g->ops ? g->ops : (slots ? slots : 1);
}

/* The scenario of value v with extra overrides; NULL after a message. */
static struct xs_scenario *load_with(struct shrinker *sh, const struct xs_override *extra,
				     int nextra)
{
	const struct xp_variant *v = &sh->ex->vars[sh->var];
	struct xs_override *ov = xs_xcalloc((size_t)(v->nov + nextra) + 1, sizeof(*ov));
	struct xs_scenario *sc = xs_xcalloc(1, sizeof(*sc));
	char err[1024];

	if (!ov || !sc)
		goto fail;
	memcpy(ov, v->ov, (size_t)v->nov * sizeof(*ov));
	memcpy(ov + v->nov, extra, (size_t)nextra * sizeof(*ov));
	if (xs_scenario_load(sh->ex->o->scenario, ov, v->nov + nextra, sh->ex->o->devices_dir, sc,
			     err, sizeof(err))) {
		fprintf(sh->ex->o->log, "wpsim explore: shrinking the workload: %s\n", err);
		goto fail;
	}
	free(ov);
	return sc;
fail:
	free(ov);
	free(sc);
	return NULL;
}

/*
 * Step 2: fewer operations per job group. cut[] and vals[] receive the overrides
 * kept; returns their count, or -1.
 */
static int shrink_workload(struct shrinker *sh, const struct xs_schedule *m,
			   struct xs_override *cut, char (*vals)[24], struct xs_scenario **out)
{
	const struct xs_scenario *base = sh->ex->vars[sh->var].sc;
	int g, ncut = 0;
	size_t i;

	*out = NULL;
	for (g = 0; g < base->ngroups && ncut < XS_SCN_MAX_GROUPS; g++) {
		const struct xs_actor_group *grp = &base->groups[g];
		uint64_t lo = 1, hi = group_ops(grp);

		for (i = 0; i < m->nd; i++)
			if (strcmp(m->d[i].actor.group, grp->name) == 0 && m->d[i].op + 1 > lo)
				lo = (uint64_t)m->d[i].op + 1;
		/* the smallest count in [lo, hi] that still fails; hi is known to fail */
		while (lo < hi && sh->calls < XS_EXPLORE_SHRINK_CALLS) {
			uint64_t mid = lo + (hi - lo) / 2;
			struct xs_scenario *sc;
			char *spec;
			int r;

			snprintf(vals[ncut], sizeof(vals[ncut]), "%" PRIu64, mid);
			cut[ncut] = (struct xs_override){grp->name, "ops", vals[ncut]};
			sc = load_with(sh, cut, ncut + 1);
			spec = spec_of(m);
			if (!sc || !spec) {
				free(sc);
				free(spec);
				return -1;
			}
			sh->sc = sc;
			r = replay_fails(sh, spec, NULL);
			sh->sc = *out;
			free(spec);
			free(sc);
			if (r < 0)
				return -1;
			if (r)
				hi = mid;
			else
				lo = mid + 1;
		}
		if (hi < group_ops(grp)) {
			snprintf(vals[ncut], sizeof(vals[ncut]), "%" PRIu64, hi);
			cut[ncut] = (struct xs_override){grp->name, "ops", vals[ncut]};
			ncut++;
			free(*out);
			*out = load_with(sh, cut, ncut);
			if (!*out)
				return -1;
			sh->sc = *out;
		}
	}
	return ncut;
}

static int shrink_one(struct xp *ex, size_t var)
{
	struct xp_variant *v = &ex->vars[var];
	struct shrinker sh = {.ex = ex, .var = var};
	struct xs_override cut[XS_SCN_MAX_GROUPS];
	char vals[XS_SCN_MAX_GROUPS][24], err[256];
	struct xs_schedule s, m = {0};
	struct xs_shrink_result res;
	struct xs_scenario *small = NULL;
	size_t *keep = NULL;
	int r, ncut, i;
	unsigned kinds = 0;
	char *spec = NULL;

	if (xs_schedule_parse(v->first_fail_spec, &s, err, sizeof(err)))
		return 1;
	sh.s = &s;
	sh.prioritised = prioritised(&s);
	r = replay_fails(&sh, v->first_fail_spec, &kinds);
	/* the story of a loss stays a loss: keep its most telling kind (lowest bit) */
	sh.kind = kinds & -kinds;
	if (r <= 0) {
		xs_schedule_free(&s);
		if (r == 0)
			fprintf(ex->o->log,
				"wpsim explore: BUG: the replay of a failing schedule did not fail "
				"(%s%s%s): replay is not exact\n",
				v->label, v->label[0] ? ": " : "", v->first_fail_spec);
		return 1;
	}
	keep = xs_xcalloc(s.norder + s.nd + 1, sizeof(*keep));
	r = xs_shrink_ddmin(s.norder + s.nd, pred, &sh, XS_EXPLORE_SHRINK_CALLS - sh.calls, keep,
			    &res);
	if (!r)
		r = subset_all(&s, keep, res.n, &m);
	if (r) {
		free(keep);
		xs_schedule_free(&s);
		return 1;
	}
	v->minimal_proven = res.minimal;
	ncut = shrink_workload(&sh, &m, cut, vals, &small);
	spec = spec_of(&m);
	if (ncut < 0 || !spec) {
		r = 1;
		goto out;
	}
	v->minimal_spec = spec;
	spec = NULL;
	{
		char *w = NULL;
		size_t wl = 0;
		FILE *f = open_memstream(&w, &wl);

		for (i = 0; f && i < ncut; i++)
			fprintf(f, "%s-s %s.ops=%s", i ? " " : "", cut[i].section, cut[i].value);
		if (f)
			fclose(f);
		v->minimal_workload = w;
	}
	/* the minimal run, told and stored */
	{
		struct xp_job j = {.var = var,
				   .gen_var = var,
				   .chose = ex->o->strategy,
				   .mode = XS_STRAT_REPLAY,
				   .spec = v->minimal_spec,
				   .sc = small,
				   .story = true,
				   .store = true,
				   .minimal_of = v->first_fail_spec};
		FILE *f;
		char *text = NULL;
		size_t tl = 0;

		ex->phase = "the minimal run";
		r = xp_run_jobs(ex, &j, 1);
		f = open_memstream(&text, &tl);
		if (!r && f) {
			fprintf(f, "  schedule: %s\n", v->minimal_spec);
			fprintf(f, "  workload: %s%s\n",
				v->minimal_workload && v->minimal_workload[0] ? v->minimal_workload
									      : "as given",
				"");
			fprintf(f,
				"  shrunk from %zu elements (ordered actors and decisions) to %zu "
				"in "
				"%u replays%s%s\n",
				s.norder + s.nd, m.norder + m.nd, sh.calls + 1,
				v->minimal_proven ? " (1-minimal: removing any one element makes "
						    "it pass)"
						  : " (the budget ran out: not proven minimal)",
				j.ok && j.failing ? "" : "; its final replay did not fail");
			fprintf(f, "%s", j.story_text ? j.story_text : "");
		}
		if (f)
			fclose(f);
		v->story = text;
		xp_job_clear(&j);
	}
out:
	free(spec);
	free(small);
	free(keep);
	xs_schedule_free(&m);
	xs_schedule_free(&s);
	return r ? 1 : 0;
}

int xp_shrink_all(struct xp *ex)
{
	size_t i;

	for (i = 0; i < ex->nvars; i++)
		if (ex->vars[i].first_fail_spec && shrink_one(ex, i))
			return 1;
	return 0;
}
