/*
 * The runs of `wpsim explore` (explore_internal.h): each in a child of the process
 * pool, under its controller; the child's message is the run's outcome (outcome_wire.h)
 * with an extra section the parent reads back:
 *
 *   spec SCHEDULE          the schedule the run followed, canonical
 *   steps N                points passed under control
 *   actors N               controlled actors
 *   failing 0|1
 *   visits N               then N lines "GROUP JOB OP HIT POINT WRITER OP_LEN"
 *   story LEN              then LEN bytes: the step table (story.h)
 */
#include "explore/explore_internal.h"
#include "explore/story.h"

#include "actors/run.h"
#include "outcome/outcome_wire.h"
#include "pool/pool.h"
#include "store/store_kv.h"
#include "core/hashtab.h"
#include "core/xalloc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void xp_hash_hex(const char *s, size_t n, char out[17])
{
	snprintf(out, 17, "%016" PRIx64, xs_fnv1a(s, n, XS_FNV_OFFSET));
}

void xp_job_clear(struct xp_job *j)
{
	free(j->taken);
	free(j->visits);
	free(j->error);
	free(j->story_text);
	j->taken = NULL;
	j->visits = NULL;
	j->nvisits = 0;
	j->error = NULL;
	j->story_text = NULL;
}

static unsigned run_fails(const struct xs_run_result *res)
{
	return (res->lost_bytes > 0 ? XP_FAIL_LOSS : 0) |
	       (res->deadlocks > 0 ? XP_FAIL_DEADLOCK : 0) |
	       (res->leaked_delalloc_blocks > 0 ? XP_FAIL_LEAK : 0) |
	       (res->invariant_violations > 0 ? XP_FAIL_INVARIANT : 0);
}

/* A batch: runs end in any order, but are stored in job order (the row ids must not
 * depend on --jobs), so each one's message waits in w until those before it are in. */
struct xp_batch {
	struct xp *ex;
	struct xp_job *jobs;
	struct xs_outcome_wire *w;
	bool *done, *parsed;
	size_t n, next; /* jobs [0, next) are stored */
};

/* In the child: make the run and write its message. */
static int job_child(void *arg, uint64_t jn, unsigned slot, FILE *m)
{
	struct xp_batch *b = arg;
	struct xp_job *j = &b->jobs[jn];
	const struct xs_scenario *sc = j->sc ? j->sc : b->ex->vars[j->var].sc;
	struct xs_schedule s = {0};
	struct xs_xctl_cfg cfg = {
		.strategy = j->mode,
		.seed = j->seed,
		.depth = j->depth ? j->depth : b->ex->o->depth,
		.k_steps = j->k,
		.record_points = j->record_points,
	};
	struct xs_xctl x;
	struct xs_run_result res;
	struct xs_story story;
	char err[1024], *spec = NULL, *extra = NULL;
	size_t extra_len = 0, i;
	long len;
	FILE *e;

	(void)slot;
	if (j->mode == XS_STRAT_REPLAY) {
		if (xs_schedule_parse(j->spec, &s, err, sizeof(err))) {
			xs_outcome_wire_write(m, err, NULL, NULL);
			return 0;
		}
		cfg.replay = &s;
	}
	if (xs_xctl_init(&x, &cfg)) {
		xs_outcome_wire_write(m, "explore: bad controller settings", NULL, NULL);
		return 0;
	}
	if (j->story)
		xs_story_begin(&story, &x);
	if (xs_run_ctl(sc, NULL, &x.ctl, &b->ex->engine, &res, err, sizeof(err))) {
		xs_outcome_wire_write(m, err, NULL, NULL);
		return 0;
	}
	len = xs_xctl_taken(&x, NULL, 0);
	spec = len >= 0 ? xs_xmalloc((size_t)len + 1) : NULL;
	e = open_memstream(&extra, &extra_len);
	if (!spec || !e) {
		xs_outcome_wire_write(m, "explore: out of memory recording the schedule", NULL,
				      NULL);
		return 0;
	}
	xs_xctl_taken(&x, spec, (size_t)len + 1);
	fprintf(e, "spec %s\nsteps %" PRIu64 "\nactors %zu\nfailing %u\nvisits %zu\n", spec,
		x.steps, x.nactors, run_fails(&res), x.nvisits);
	for (i = 0; i < x.nvisits; i++) {
		const struct xs_xctl_visit *v = &x.visits[i];

		fprintf(e, "%s %" PRIu32 " %" PRIu32 " %" PRIu32 " %d %d %" PRIu64 "\n",
			v->actor.group, v->actor.job, v->op, v->hit, (int)v->point, v->writer,
			v->op_len);
	}
	if (j->story) {
		char *text = xs_story_text(&story, &res);

		fprintf(e, "story %zu\n%s", text ? strlen(text) : 0, text ? text : "");
		free(text);
		xs_story_end(&story);
	}
	fclose(e);
	xs_outcome_wire_write(m, NULL, &res, extra);
	free(extra);
	free(spec);
	xs_run_result_free(&res);
	xs_xctl_free(&x);
	xs_schedule_free(&s);
	return 0;
}

/* Read the extra section back into j. */
static bool job_parse_extra(struct xp_job *j, const char *t)
{
	const char *nl = strchr(t, '\n');
	size_t i, n;
	unsigned failing;
	int used;

	if (strncmp(t, "spec ", 5) != 0 || !nl)
		return false;
	j->taken = strndup(t + 5, (size_t)(nl - t - 5));
	t = nl + 1;
	if (!j->taken ||
	    sscanf(t, "steps %" SCNu64 "\nactors %" SCNu64 "\nfailing %u\nvisits %zu\n%n",
		   &j->steps, &j->n_actors, &failing, &n, &used) != 4)
		return false;
	j->failing = failing != 0;
	j->fail_kinds = failing;
	t += used;
	j->visits = n ? xs_xcalloc(n, sizeof(*j->visits)) : NULL;
	if (n && !j->visits)
		return false;
	for (i = 0; i < n; i++) {
		struct xs_xctl_visit *v = &j->visits[i];
		int point, writer;

		if (sscanf(t, "%32s %" SCNu32 " %" SCNu32 " %" SCNu32 " %d %d %" SCNu64 "\n%n",
			   v->actor.group, &v->actor.job, &v->op, &v->hit, &point, &writer,
			   &v->op_len, &used) != 7)
			return false;
		v->point = (enum xs_sched_point)point;
		v->writer = writer != 0;
		t += used;
	}
	j->nvisits = n;
	if (strncmp(t, "story ", 6) == 0) {
		if (sscanf(t, "story %zu\n%n", &n, &used) != 1 || strlen(t + used) < n)
			return false;
		j->story_text = strndup(t + used, n);
	}
	return true;
}

/* The param rows of a run: every resolved key of its scenario. */
static int job_store(struct xp *ex, struct xp_job *j, const struct xs_outcome_wire *w)
{
	const struct xp_variant *v = &ex->vars[j->var];
	const struct xs_scenario *sc = j->sc ? j->sc : v->sc;
	struct xs_store_kvlist params = {0}, metrics = {0};
	char key[128], spec_hash[17], now[32], err[1024];
	const char *spec = j->taken ? j->taken : j->spec;
	struct xs_store_run r;
	int64_t id;
	int ret;

	xs_scenario_foreach_param(sc, xs_store_kvlist_add, &params);
	if (w && w->outcomes && xs_store_kvlist_outcomes(w->outcomes, &metrics)) {
		fprintf(ex->o->log, "wpsim explore: an outcome line of a run not in the table\n");
		ret = 1;
		goto out;
	}
	if (params.oom || metrics.oom) {
		fprintf(ex->o->log, "wpsim explore: out of memory\n");
		ret = 1;
		goto out;
	}
	{
		char ph[17];
		char *all = NULL;
		size_t alen = 0, i;
		FILE *m = open_memstream(&all, &alen);

		if (!m) {
			ret = 1;
			goto out;
		}
		for (i = 0; i < params.n; i++)
			fprintf(m, "%s=%s\n", params.v[i].name, params.v[i].value);
		fclose(m);
		xp_hash_hex(all, alen, ph);
		free(all);
		xp_hash_hex(spec ? spec : "", spec ? strlen(spec) : 0, spec_hash);
		snprintf(key, sizeof(key), "explore|%s|%s|%s", ph, xs_strategy_name(j->chose),
			 spec_hash);
	}
	xs_store_now(now, sizeof(now));
	memset(&r, 0, sizeof(r));
	r.sweep_id = ex->sweep_id;
	r.run_key = key;
	r.scenario = sc->path;
	r.seed = sc->seed;
	r.ok = j->ok;
	r.error = j->ok ? NULL : j->error;
	r.has_sim_time = j->ok;
	r.started_at = now;
	r.version = XS_WPSIM_VERSION;
	r.host = ex->host;
	r.params = params.v;
	r.nparams = params.n;
	r.metrics = metrics.v;
	r.nmetrics = metrics.n;
	if (j->ok && w) {
		r.latency = w->latency;
		r.nlatency = (size_t)w->nlatency;
		r.group_latency = w->group_latency;
		r.ngroup_latency = w->ngroup_latency;
		r.anomalies = w->anomalies;
		r.nanomalies = w->nanomalies;
		r.sim_time_s = xs_store_kvlist_get(&metrics, "sim_time_s")
				       ? strtod(xs_store_kvlist_get(&metrics, "sim_time_s"), NULL)
				       : 0;
		r.wall_time_s = xs_store_kvlist_get(&metrics, "wall_time_s")
					? strtod(xs_store_kvlist_get(&metrics, "wall_time_s"), NULL)
					: 0;
	}
	r.schedule_spec = spec;
	r.minimal_of_spec = j->minimal_of;
	r.schedule_strategy = xs_strategy_name(j->chose);
	ret = xs_store_put_run(ex->st, &r, &id, err, sizeof(err));
	if (ret < 0) {
		fprintf(ex->o->log, "wpsim explore: %s\n", err);
		ret = 1;
	} else {
		ret = 0; /* 1: the same run is stored already */
	}
out:
	xs_store_kvlist_free(&params);
	xs_store_kvlist_free(&metrics);
	return ret;
}

/* In the parent: a job's child ended. */
static int job_done(void *arg, const struct xs_pool_result *pr)
{
	struct xp_batch *b = arg;
	struct xp_job *j = &b->jobs[pr->job];
	struct xs_outcome_wire w;
	char why[1024];
	bool parsed;

	memset(&w, 0, sizeof(w));
	parsed = xs_pool_failure(pr, why, sizeof(why)) == false &&
		 xs_outcome_wire_parse(pr->msg, pr->len, &w);
	if (!parsed) {
		if (!why[0])
			snprintf(why, sizeof(why), "the run's message was cut short");
		j->ok = false;
		j->error = xs_xstrdup(why);
	} else if (w.error) {
		j->ok = false;
		j->error = xs_xstrdup(w.error);
	} else if (!w.extra || !job_parse_extra(j, w.extra)) {
		j->ok = false;
		j->error = xs_xstrdup("the run's schedule record is malformed");
	} else {
		j->ok = true;
	}
	b->w[pr->job] = w;
	b->parsed[pr->job] = parsed;
	b->done[pr->job] = true;
	for (; b->next < b->n && b->done[b->next]; b->next++) {
		j = &b->jobs[b->next];
		if (!j->ok)
			fprintf(b->ex->o->log, "wpsim explore: a run failed: %s\n",
				j->error ? j->error : "out of memory");
		if (j->store && b->ex->st &&
		    job_store(b->ex, j, b->parsed[b->next] ? &b->w[b->next] : NULL))
			b->ex->status = 1;
		xs_outcome_wire_free(&b->w[b->next]);
	}
	b->ex->done++;
	b->ex->failing += b->jobs[pr->job].ok && b->jobs[pr->job].failing;
	b->ex->pg.done = b->ex->done;
	b->ex->pg.hits = b->ex->failing;
	xs_progress_show(&b->ex->pg, false);
	return 0;
}

static int job_prepare(void *arg, uint64_t job, unsigned slot)
{
	(void)arg;
	(void)job;
	(void)slot;
	return 0;
}

int xp_run_jobs(struct xp *ex, struct xp_job *jobs, size_t n)
{
	static const struct xs_pool_ops ops = {
		.prepare = job_prepare,
		.child = job_child,
		.done = job_done,
	};
	struct xp_batch b = {ex, jobs, NULL, NULL, NULL, n, 0};
	struct xs_pool_opts po = {.jobs = ex->o->jobs ? ex->o->jobs : 1,
				  .timeout_s = ex->o->timeout_s};
	char err[1024], label[128];
	size_t i;
	int r;

	b.w = xs_xcalloc(n ? n : 1, sizeof(*b.w));
	b.done = xs_xcalloc(n ? n : 1, sizeof(*b.done));
	b.parsed = xs_xcalloc(n ? n : 1, sizeof(*b.parsed));
	fflush(ex->o->out);
	fflush(ex->o->log);
	ex->done = ex->failing = 0;
	ex->total = n;
	snprintf(label, sizeof(label), "explore: %s", ex->phase);
	/* a replay (one run): the phase says which */
	ex->pg = (struct xs_progress){.mode = ex->o->progress && n ? 1 : -1,
				      .f = ex->o->log,
				      .label = label,
				      .hits_name = "failing",
				      .label_only = n == 1,
				      .total = n,
				      .t0 = xs_pool_mono_s()};
	xs_progress_show(&ex->pg, false);
	r = xs_pool_run(&po, n, &ops, &b, err, sizeof(err));
	xs_progress_clear(&ex->pg);
	for (i = b.next; i < n; i++) /* a batch cut short */
		if (b.done[i])
			xs_outcome_wire_free(&b.w[i]);
	free(b.w);
	free(b.done);
	free(b.parsed);
	if (r == -ENOMEM)
		return 1;
	if (r < 0) {
		fprintf(ex->o->log, "wpsim explore: %s\n", err);
		return 1;
	}
	return r ? 1 : 0;
}
