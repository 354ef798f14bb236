/*
 * `wpsim explore`: the phases of explore.h and what they print.
 */
#include "explore/explore_internal.h"
#include "explore/confidence.h"
#include "explore/shrink.h"
#include "core/hashtab.h"
#include "core/xalloc.h"

#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* name[label]=... or name=... */
static void print_line(const struct xp *ex, const struct xp_variant *v, const char *name,
		       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void print_line(const struct xp *ex, const struct xp_variant *v, const char *name,
		       const char *fmt, ...)
{
	va_list ap;

	if (ex->nvars > 1)
		fprintf(ex->o->out, "%s[%s]=", name, v->label);
	else
		fprintf(ex->o->out, "%s=", name);
	va_start(ap, fmt);
	vfprintf(ex->o->out, fmt, ap);
	va_end(ap);
	fputc('\n', ex->o->out);
}

/* Load every value combination of the --compare keys. */
static int load_variants(struct xp *ex)
{
	const struct xs_explore_opts *o = ex->o;
	size_t n = 1, i;
	int a;

	for (a = 0; a < o->naxes; a++)
		n *= o->axes[a].nvals;
	if (n > XS_EXPLORE_MAX_VARIANTS) {
		fprintf(o->log,
			"wpsim explore: --compare: %zu value combinations (accepted: at most %d)\n",
			n, XS_EXPLORE_MAX_VARIANTS);
		return 2;
	}
	ex->vars = xs_xcalloc(n, sizeof(*ex->vars));
	ex->nvars = n;
	for (i = 0; i < n; i++) {
		struct xp_variant *v = &ex->vars[i];
		struct xs_override *ov =
			xs_xcalloc((size_t)o->nov + XS_EXPLORE_MAX_AXES, sizeof(*ov));
		char err[1024];
		size_t rest = i, pos = 0;

		v->first_fail = -1;
		v->sc = xs_xcalloc(1, sizeof(*v->sc));
		memcpy(ov, o->ov, (size_t)o->nov * sizeof(*ov));
		/* the last axis varies fastest */
		for (a = o->naxes - 1; a >= 0; a--) {
			const struct xs_explore_axis *ax = &o->axes[a];
			size_t k = rest % ax->nvals;

			rest /= ax->nvals;
			ov[o->nov + a] = (struct xs_override){ax->section, ax->name, ax->vals[k]};
		}
		for (a = 0; a < o->naxes; a++)
			pos += (size_t)snprintf(v->label + pos,
						pos < sizeof(v->label) ? sizeof(v->label) - pos : 0,
						"%s%s.%s=%s", a ? ";" : "", ov[o->nov + a].section,
						ov[o->nov + a].key, ov[o->nov + a].value);
		v->ov = ov;
		v->nov = o->nov + o->naxes;
		if (xs_scenario_load(o->scenario, ov, v->nov, o->devices_dir, v->sc, err,
				     sizeof(err))) {
			if (o->naxes)
				fprintf(o->log, "wpsim explore: with --compare %s: %s\n", v->label,
					err);
			else
				fprintf(o->log, "%s\n", err);
			return 2;
		}
	}
	return 0;
}

/* Is generation run (variant, index) in this shard? */
static bool in_shard(const struct xp *ex, const struct xp_variant *v, uint64_t index)
{
	char key[600], h[17];
	int n;

	if (ex->o->shard_n <= 1)
		return true;
	n = snprintf(key, sizeof(key), "%s|%s|%" PRIu64, v->label,
		     xs_strategy_name(ex->o->strategy), index);
	xp_hash_hex(key, (size_t)n, h);
	return strtoull(h, NULL, 16) % ex->o->shard_n == ex->o->shard_k - 1;
}

/*
 * Phase 1 (pct, delay): per value, XP_REFERENCE_RUNS runs under random priorities
 * without change points; the longest gives the steps k is drawn from. (How many
 * points a run passes depends on the order: when the flusher runs during the
 * workload, every folio it writes back adds its points.)
 */
static int reference_runs(struct xp *ex)
{
	size_t n = ex->nvars * XP_REFERENCE_RUNS, i;
	struct xp_job *jobs = xs_xcalloc(n, sizeof(*jobs));
	int r;

	if (!jobs)
		return 1;
	for (i = 0; i < n; i++)
		jobs[i] = (struct xp_job){
			.var = i / XP_REFERENCE_RUNS,
			.gen_var = i / XP_REFERENCE_RUNS,
			.chose = XS_STRAT_REPLAY,
			.mode = XS_STRAT_PCT,
			.depth = 1,
			.k = 1,
			.seed = xs_splitmix64(ex->o->seed ^ 0x5245465245464552ULL) + i};
	ex->phase = "reference runs";
	r = xp_run_jobs(ex, jobs, n);
	for (i = 0; i < n && !r; i++) {
		struct xp_variant *v = &ex->vars[jobs[i].var];

		if (!jobs[i].ok) {
			fprintf(ex->o->log, "wpsim explore: a reference run of %s failed: %s\n",
				v->label[0] ? v->label : ex->o->scenario,
				jobs[i].error ? jobs[i].error : "?");
			r = 1;
		}
		if (jobs[i].steps > v->k_ref)
			v->k_ref = jobs[i].steps;
		v->n_actors = jobs[i].n_actors;
	}
	for (i = 0; i < n; i++)
		xp_job_clear(&jobs[i]);
	free(jobs);
	return r;
}

/*
 * The k change points are drawn over: the longest reference and a quarter more, for
 * runs that take a longer path (a failed copy retries, the flusher runs more often);
 * a confidence is only stated if no run took more.
 */
static uint64_t k_of(const struct xp_variant *v)
{
	return v->k_ref + v->k_ref / 4 + 16;
}

/* A job's outcome counted under its value; the first failing generated run kept. */
static void tally(struct xp *ex, const struct xp_job *j)
{
	struct xp_variant *v = &ex->vars[j->var];

	int64_t key;
	unsigned kind;

	if (!j->ok)
		return;
	v->runs++;
	v->failing += j->failing;
	if (j->gen_var == j->var) {
		v->generated++;
		v->gen_failing += j->failing;
		if (j->steps > v->max_steps)
			v->max_steps = j->steps;
	}
	/* the first failure of the most telling kind (a loss before a deadlock, a leak, an
	 * invariant violation): its own generation's first, else the first replayed, by the
	 * value and index that chose it (never by the order in which runs ended) */
	key = j->gen_var == j->var ? (int64_t)j->index
				   : (int64_t)(((uint64_t)(j->gen_var + 1) << 40) + j->index);
	kind = j->fail_kinds & -j->fail_kinds;
	if (j->failing && (v->first_fail < 0 || kind < v->first_fail_kind ||
			   (kind == v->first_fail_kind && key < v->first_fail))) {
		v->first_fail = key;
		v->first_fail_kind = kind;
		free(v->first_fail_spec);
		v->first_fail_spec = xs_xstrdup(j->taken);
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Phases 2 and 3: generate (or enumerate) under every value, then replay every schedule
 * under the other values.
 */
static int generate_and_compare(struct xp *ex)
{
	const struct xs_explore_opts *o = ex->o;
	struct xp_job *jobs = NULL, *cross = NULL;
	struct xs_bounded bd = {0};
	size_t nj = 0, nc = 0, i, w;
	char **specs = NULL;
	int r = 0;

	/* generation */
	for (i = 0; i < ex->nvars; i++) {
		struct xp_variant *v = &ex->vars[i];
		uint64_t total, g;

		if (o->strategy == XS_STRAT_BOUNDED) {
			xs_bounded_free(&bd);
			r = xp_bounded_plan(ex, i, &bd);
			if (r)
				goto out;
			total = bd.nspecs;
		} else {
			total = o->runs;
		}
		v->gen_total = total;
		if (o->strategy == XS_STRAT_BOUNDED && o->runs && total > o->runs)
			total = o->runs;
		{
			struct xp_job *nj_jobs =
				xs_xrealloc(jobs, (nj + total + 1) * sizeof(*jobs));

			if (!nj_jobs) {
				r = 1;
				goto out;
			}
			jobs = nj_jobs;
		}
		for (g = 0; g < total; g++) {
			struct xp_job *j;

			if (!in_shard(ex, v, g))
				continue;
			j = &jobs[nj++];
			*j = (struct xp_job){.var = i,
					     .gen_var = i,
					     .chose = o->strategy,
					     .index = g,
					     .store = true};
			if (o->strategy == XS_STRAT_BOUNDED) {
				j->mode = XS_STRAT_REPLAY;
				j->spec = bd.specs[g];
				bd.specs[g] = NULL; /* the job list owns it now */
			} else {
				j->mode = o->strategy;
				/* each value draws its own schedules; the others replay them */
				j->seed =
					xs_splitmix64(xs_splitmix64(o->seed * 1000003ULL + i) + g);
				j->k = k_of(v);
			}
			v->gen_planned++;
		}
	}
	xs_bounded_free(&bd);
	ex->phase =
		o->strategy == XS_STRAT_BOUNDED ? "enumerated schedules" : "generated schedules";
	r = xp_run_jobs(ex, jobs, nj);
	if (r)
		goto out;
	for (i = 0; i < nj; i++)
		tally(ex, &jobs[i]);
	/* comparison: every distinct schedule under every other value */
	if (ex->nvars > 1) {
		specs = xs_xcalloc(nj ? nj : 1, sizeof(*specs));
		cross = xs_xcalloc(nj * (ex->nvars - 1) + 1, sizeof(*cross));
		for (w = 0; w < ex->nvars; w++) {
			size_t ns = 0;

			/* what value w has run already */
			for (i = 0; i < nj; i++)
				if (jobs[i].var == w && jobs[i].ok)
					specs[ns++] = jobs[i].taken;
			qsort(specs, ns, sizeof(*specs), cmp_str);
			for (i = 0; i < nj; i++) {
				const struct xp_job *j = &jobs[i];

				if (j->var == w || !j->ok ||
				    bsearch(&j->taken, specs, ns, sizeof(*specs), cmp_str))
					continue;
				cross[nc++] = (struct xp_job){.var = w,
							      .gen_var = j->var,
							      .chose = j->chose,
							      .mode = XS_STRAT_REPLAY,
							      .index = j->index,
							      .spec = j->taken,
							      .store = true};
			}
		}
		ex->phase = "schedules replayed under the other values";
		r = xp_run_jobs(ex, cross, nc);
		for (i = 0; i < nc && !r; i++)
			tally(ex, &cross[i]);
	}
out:
	xs_bounded_free(&bd);
	for (i = 0; i < nc; i++)
		xp_job_clear(&cross[i]);
	for (i = 0; i < nj; i++) {
		if (jobs[i].mode == XS_STRAT_REPLAY)
			free((char *)jobs[i].spec);
		xp_job_clear(&jobs[i]);
	}
	free(cross);
	free(specs);
	free(jobs);
	return r;
}

static void print_confidence(const struct xp *ex, const struct xp_variant *v)
{
	const struct xs_explore_opts *o = ex->o;
	char buf[2048];

	if (v->failing) {
		snprintf(buf, sizeof(buf),
			 "found: %" PRIu64 " of %" PRIu64 " runs fail (%" PRIu64 " of the %" PRIu64
			 " schedules drawn under it, %" PRIu64 " of the %" PRIu64
			 " replayed from other values)",
			 v->failing, v->runs, v->gen_failing, v->generated,
			 v->failing - v->gen_failing, v->runs - v->generated);
	} else if (o->strategy == XS_STRAT_BOUNDED) {
		if (v->generated == v->gen_total)
			snprintf(buf, sizeof(buf),
				 "all %" PRIu64 " schedules with at most %u decisions: none fails "
				 "(the decisions: an initial order of the jobs, lower at any point "
				 "that order's reference run visits, fail=0 at a writer's first "
				 "copy-in; points no reference run reaches are not covered)",
				 v->gen_total, o->depth);
		else
			snprintf(buf, sizeof(buf),
				 "%" PRIu64 " of the %" PRIu64
				 " schedules with at most %u decisions "
				 "ran (--runs or --shard): none fails; the enumeration is not "
				 "complete",
				 v->generated, v->gen_total, o->depth);
	} else if (o->strategy == XS_STRAT_DELAY) {
		snprintf(buf, sizeof(buf),
			 "no failure in %" PRIu64 " runs of %u random delays or suspensions each; "
			 "the delay strategy has no probabilistic bound: this is not a proof",
			 v->generated, o->depth);
	} else if (v->max_steps > k_of(v)) {
		snprintf(buf, sizeof(buf),
			 "no failure in %" PRIu64 " runs, but no bound: runs took up to %" PRIu64
			 " steps, more than the k=%" PRIu64 " change points were drawn over",
			 v->generated, v->max_steps, k_of(v));
	} else {
		size_t n = xs_conf_words(v->n_actors, k_of(v), o->depth, v->generated, buf,
					 sizeof(buf));

		snprintf(buf + (n < sizeof(buf) ? n : sizeof(buf) - 1),
			 n < sizeof(buf) ? sizeof(buf) - n : 1,
			 " Assumed: k bounds the steps of every run (the longest of %d runs "
			 "without change points took %" PRIu64 ", the longest run %" PRIu64 "); "
			 "copy-in failures only where a change point falls.",
			 XP_REFERENCE_RUNS, v->k_ref, v->max_steps);
	}
	if (ex->nvars > 1)
		fprintf(o->out, "confidence[%s]: %s\n", v->label, buf);
	else
		fprintf(o->out, "confidence: %s\n", buf);
}

static void print_results(const struct xp *ex)
{
	const struct xs_explore_opts *o = ex->o;
	size_t i;

	for (i = 0; i < ex->nvars; i++) {
		const struct xp_variant *v = &ex->vars[i];

		print_confidence(ex, v);
		if (v->story) {
			fprintf(o->out, "minimal story%s%s%s:\n%s", ex->nvars > 1 ? " [" : "",
				v->label, ex->nvars > 1 ? "]" : "", v->story);
		}
	}
	for (i = 0; i < ex->nvars; i++) {
		const struct xp_variant *v = &ex->vars[i];

		print_line(ex, v, "runs", "%" PRIu64, v->runs);
		print_line(ex, v, "failing", "%" PRIu64, v->failing);
		print_line(ex, v, "complete", "%d",
			   o->strategy == XS_STRAT_BOUNDED && v->generated == v->gen_total);
		if (v->first_fail_spec)
			print_line(ex, v, "first_failing_schedule", "%s", v->first_fail_spec);
		if (v->minimal_spec)
			print_line(ex, v, "minimal_schedule", "%s", v->minimal_spec);
	}
}

static void free_all(struct xp *ex)
{
	size_t i;

	for (i = 0; i < ex->nvars; i++) {
		struct xp_variant *v = &ex->vars[i];

		free(v->sc);
		free(v->ov);
		free(v->first_fail_spec);
		free(v->minimal_spec);
		free(v->minimal_workload);
		free(v->story);
	}
	free(ex->vars);
	xs_store_close(ex->st);
}

static int open_db(struct xp *ex)
{
	const struct xs_explore_opts *o = ex->o;
	char err[1024], key[64], h[17], *spec = NULL;
	size_t len = 0;
	int a, r;
	size_t k;
	FILE *m;

	gethostname(ex->host, sizeof(ex->host) - 1);
	if (!o->db)
		return 0;
	r = xs_store_check_file(o->db, err, sizeof(err));
	if (r && r != -ENOENT) {
		fprintf(o->log, "wpsim explore: %s\n", err);
		return r == -EINVAL ? 2 : 1;
	}
	r = xs_store_open(o->db, &ex->st, err, sizeof(err));
	if (r) {
		fprintf(o->log, "wpsim explore: %s\n", err);
		/* -ENOENT: a directory that does not exist, a mistyped --db */
		return r == -EINVAL || r == -ENOENT ? 2 : 1;
	}
	/* the explore's sweep row: what was asked, in words */
	m = open_memstream(&spec, &len);
	if (!m)
		return 1;
	fprintf(m, "explore %s --strategy %s --depth %u --runs %" PRIu64 " --seed %" PRIu64,
		o->scenario, xs_strategy_name(o->strategy), o->depth, o->runs, o->seed);
	for (a = 0; a < o->nov; a++)
		fprintf(m, " -s %s.%s=%s", o->ov[a].section, o->ov[a].key, o->ov[a].value);
	for (a = 0; a < o->naxes; a++) {
		fprintf(m, " --compare %s.%s=", o->axes[a].section, o->axes[a].name);
		for (k = 0; k < o->axes[a].nvals; k++)
			fprintf(m, "%s%s", k ? "," : "", o->axes[a].vals[k]);
	}
	fclose(m);
	xp_hash_hex(spec, len, h);
	snprintf(key, sizeof(key), "explore-%s", h);
	{
		struct xs_store_sweep row = {key, key, spec, h, false};

		r = xs_store_sweep(ex->st, &row, &ex->sweep_id, err, sizeof(err));
	}
	free(spec);
	if (r) {
		fprintf(o->log, "wpsim explore: %s\n", err);
		return 1;
	}
	return 0;
}

int xs_explore_main(const struct xs_explore_opts *o)
{
	struct xp ex = {.o = o};
	size_t i;
	int r;

	r = load_variants(&ex);
	if (!r)
		r = open_db(&ex);
	if (r)
		goto out;
	/* SimGrid's start-up once, here, rather than in every run, when the values share
	 * a device (a --compare of devices starts it in each run) */
	for (i = 1; i < ex.nvars; i++)
		if (strcmp(ex.vars[i].sc->device_path, ex.vars[0].sc->device_path) != 0)
			break;
	if (i == ex.nvars) {
		char err[1024];

		if (xs_engine_start(&ex.engine, ex.vars[0].sc, err, sizeof(err))) {
			fprintf(o->log, "wpsim explore: %s\n", err);
			r = 1;
			goto out;
		}
	}
	fprintf(o->out, "explore: %s, strategy %s, depth %u, ", o->scenario,
		xs_strategy_name(o->strategy), o->depth);
	if (o->strategy == XS_STRAT_BOUNDED)
		fprintf(o->out, "%s", o->runs ? "at most " : "every schedule");
	if (o->strategy != XS_STRAT_BOUNDED || o->runs)
		fprintf(o->out, "%" PRIu64 " runs", o->runs);
	fprintf(o->out, " per value, seed %" PRIu64 "%s\n", o->seed,
		ex.nvars > 1 ? ", every schedule under every value" : "");
	if (o->strategy != XS_STRAT_BOUNDED) {
		r = reference_runs(&ex);
		if (r)
			goto out;
		for (i = 0; i < ex.nvars; i++)
			fprintf(o->out,
				"reference%s%s%s: n=%" PRIu64 " actors, up to %" PRIu64 " steps\n",
				ex.nvars > 1 ? "[" : "", ex.vars[i].label, ex.nvars > 1 ? "]" : "",
				ex.vars[i].n_actors, ex.vars[i].k_ref);
	}
	r = generate_and_compare(&ex);
	if (!r)
		r = xp_shrink_all(&ex);
	if (!r)
		print_results(&ex);
	if (!r)
		r = ex.status;
out:
	free_all(&ex);
	return r;
}
