/*
 * A sweep's use of the process pool (sweep_pool.h, pool/pool.h): one job per run. In
 * the parent, prepare() loads the run's scenario and done() stores the run; in the
 * child, child() runs xs_run() on the scenario loaded before fork() and writes its
 * result in the format of outcome/outcome_wire.h. Only the parent touches the
 * database, one transaction per run, keyed by the run's identity, so the order in
 * which children end changes nothing stored.
 *
 * A run whose child a signal from outside ended (killed_from_outside()) has no verdict:
 * it is counted as killed and not stored, and --resume makes it again.
 *
 * Test hooks (tests only, read in the child): WPSIM_TEST_CRASH_SEED=N makes the runs of
 * seed N abort(); WPSIM_TEST_HANG_SEED=N makes them sleep until killed.
 */
#include "sweep/sweep_pool.h"
#include "sweep/sweep_internal.h"
#include "store/store_kv.h"
#include "pool/progress.h"
#include "outcome/outcome.h"
#include "outcome/outcome_wire.h"
#include "pool/pool.h"
#include "core/xalloc.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The run a pool slot is making. */
struct slot {
	struct xs_sweep_point pt;
	char run_key[XS_RUN_KEY_MAX];
	char started_at[32];
	double t0;
	struct xs_store_kvlist params;
};

struct pool {
	const struct xs_sweep *sw;
	const struct xs_sweep_opts *o;
	struct xs_store *st;
	int64_t sweep_id;
	const uint64_t *todo;
	char host[256];
	struct slot *slots;
	struct xs_progress pg;
	struct xs_sweep_tally t;
	bool fatal; /* the database or the system failed: stop */
	struct xs_scenario *sc;
};

/* Test hooks (file header): WPSIM_TEST_CRASH_SEED, WPSIM_TEST_HANG_SEED. */
static bool env_seed(const char *name, uint64_t seed)
{
	const char *v = getenv(name);
	uint64_t s;

	return v && xs_sweep_u64_parse(v, &s) && s == seed;
}

/* In the child: run the scenario prepare() loaded, write the result to m. */
static int run_child(void *arg, uint64_t job, unsigned slot, FILE *m)
{
	struct pool *pl = arg;
	uint64_t seed = pl->slots[slot].pt.seed;
	struct xs_run_result res;
	char err[1024];
	int ret;

	(void)job;
	if (env_seed("WPSIM_TEST_CRASH_SEED", seed)) {
		fprintf(stderr, "wpsim: test crash (WPSIM_TEST_CRASH_SEED=%llu)\n",
			(unsigned long long)seed);
		abort();
	}
	while (env_seed("WPSIM_TEST_HANG_SEED", seed))
		pause();
	ret = xs_run(pl->sc, NULL, &res, err, sizeof(err));
	xs_outcome_wire_write(m, ret ? err : NULL, &res, NULL);
	return 0;
}

static void slot_close(struct slot *s)
{
	xs_store_kvlist_free(&s->params);
}

/* Store the run of slot s (ok or failed) and count it. */
static void slot_store(struct pool *pl, struct slot *s, bool ok, const char *error,
		       const struct xs_outcome_wire *cr, const struct xs_store_kvlist *metrics)
{
	struct xs_store_run r = {0};
	char err[1024];
	const char *v;
	int64_t id;
	int ret;

	r.sweep_id = pl->sweep_id;
	r.run_key = s->run_key;
	r.scenario = pl->sw->scenario;
	r.seed = s->pt.seed;
	r.ok = ok;
	r.error = error;
	r.wall_time_s = xs_pool_mono_s() - s->t0;
	r.started_at = s->started_at;
	r.version = XS_WPSIM_VERSION;
	r.host = pl->host;
	r.params = s->params.v;
	r.nparams = s->params.n;
	if (ok) {
		r.metrics = metrics->v;
		r.nmetrics = metrics->n;
		r.latency = cr->latency;
		r.nlatency = (size_t)cr->nlatency;
		r.group_latency = cr->group_latency;
		r.ngroup_latency = cr->ngroup_latency;
		r.anomalies = cr->anomalies;
		r.nanomalies = cr->nanomalies;
		if ((v = xs_store_kvlist_get(metrics, XS_OUTCOME_SIM_TIME_S)) != NULL) {
			r.has_sim_time = true;
			r.sim_time_s = strtod(v, NULL);
		}
		if ((v = xs_store_kvlist_get(metrics, XS_OUTCOME_WALL_TIME_S)) != NULL)
			r.wall_time_s = strtod(v, NULL);
	}
	ret = xs_store_put_run(pl->st, &r, &id, err, sizeof(err));
	if (ret < 0) {
		fprintf(pl->o->log, "%swpsim sweep: %s\n", pl->pg.mode == 1 ? "\n" : "", err);
		pl->t.status = 1;
		pl->fatal = true;
		return;
	}
	if (ret == 1) { /* another writer stored this run meanwhile */
		pl->t.dup++;
	} else if (ok) {
		pl->t.ok++;
		v = xs_store_kvlist_get(metrics, XS_OUTCOME_LOST_BYTES);
		if (v && strcmp(v, "0") != 0) {
			pl->t.loss++;
			pl->pg.hits++;
		}
	} else {
		pl->t.failed++;
		pl->pg.failed++;
		if (pl->t.status == 0)
			pl->t.status = 1;
	}
	pl->pg.done++;
	xs_progress_show(&pl->pg, false);
}

/*
 * Whether a signal that ended a child came from outside the run: the OOM killer's
 * SIGKILL, SIGINT or SIGTERM to the process group, a CPU limit. Such a run has no
 * verdict and is not stored, so that --resume makes it again. The signals a fault of
 * the simulator raises itself (abort() on a failed assertion, a bad access) are a
 * verdict: the run is stored as failed. A run the pool killed at its timeout is too.
 */
static bool killed_from_outside(const struct xs_pool_result *r)
{
	if (!r->signal || r->timed_out)
		return false;
	switch (r->signal) {
	case SIGABRT:
	case SIGSEGV:
	case SIGBUS:
	case SIGFPE:
	case SIGILL:
	case SIGTRAP:
	case SIGSYS:
		return false;
	default:
		return true;
	}
}

/* Count, not store, a run killed from outside (killed_from_outside()). */
static void slot_killed(struct pool *pl, const struct slot *s, const struct xs_pool_result *r)
{
	char why[2 * XS_POOL_ERR_TAIL + 256];

	xs_pool_failure(r, why, sizeof(why));
	fprintf(pl->o->log, "%swpsim sweep: run %s %s: not stored (--resume makes it again)\n",
		pl->pg.mode == 1 ? "\n" : "", s->run_key, why);
	pl->t.killed++;
	pl->pg.failed++;
	pl->pg.done++;
	if (pl->t.status == 0)
		pl->t.status = 1;
	xs_progress_show(&pl->pg, false);
}

/* A run has ended (r from the pool): store it, ok or failed, unless killed from outside. */
static int run_done(void *arg, const struct xs_pool_result *r)
{
	struct pool *pl = arg;
	struct slot *s = &pl->slots[r->slot];
	struct xs_outcome_wire cr;
	struct xs_store_kvlist metrics = {0};
	char error[2 * XS_POOL_ERR_TAIL + 256] = "", tail[XS_POOL_ERR_TAIL + 16];
	bool parsed;

	if (killed_from_outside(r)) {
		slot_killed(pl, s, r);
		slot_close(s);
		return 0;
	}
	parsed = xs_outcome_wire_parse(r->msg, r->len, &cr);
	xs_pool_stderr_note(r, tail, sizeof(tail));
	if (xs_pool_failure(r, error, sizeof(error)))
		;
	else if (r->oom)
		snprintf(error, sizeof(error), "out of memory reading the run's result");
	else if (!parsed)
		snprintf(error, sizeof(error), "no complete result from the run%s", tail);
	else if (cr.error)
		snprintf(error, sizeof(error), "%s", cr.error[0] ? cr.error : "the run failed");
	if (!error[0]) {
		if (xs_store_kvlist_outcomes(cr.outcomes, &metrics))
			snprintf(error, sizeof(error),
				 "an outcome line of the run not in the table");
		else if (metrics.oom)
			snprintf(error, sizeof(error), "out of memory");
	}
	slot_store(pl, s, !error[0], error, &cr, &metrics);
	xs_store_kvlist_free(&metrics);
	xs_outcome_wire_free(&cr);
	slot_close(s);
	return pl->fatal ? -1 : 0;
}

/*
 * Load the scenario of run todo[job] for slot: the child runs it. A scenario that no
 * longer loads is stored as a failed run without a child.
 */
static int run_prepare(void *arg, uint64_t job, unsigned slot)
{
	struct pool *pl = arg;
	const struct xs_sweep *sw = pl->sw;
	struct slot *s = &pl->slots[slot];
	struct xs_override ov[XS_SWEEP_MAX_AXES + 1];
	char seed[32], err[1024];

	memset(s, 0, sizeof(*s));
	xs_sweep_point(sw, pl->todo[job], &s->pt);
	xs_sweep_run_key(sw, &s->pt, s->run_key, sizeof(s->run_key));
	xs_store_now(s->started_at, sizeof(s->started_at));
	s->t0 = xs_pool_mono_s();
	xs_sweep_overrides(sw, s->pt.val, ov);
	snprintf(seed, sizeof(seed), "%llu", (unsigned long long)s->pt.seed);
	ov[sw->naxes] = (struct xs_override){"global", "seed", seed};
	if (xs_scenario_load(sw->scenario_file, ov, sw->naxes + 1, sw->devices_dir, pl->sc, err,
			     sizeof(err))) {
		/* checked at load time: the scenario file changed since */
		slot_store(pl, s, false, err, NULL, NULL);
		slot_close(s);
		return pl->fatal ? -1 : 1;
	}
	xs_scenario_foreach_param(pl->sc, xs_store_kvlist_add, &s->params);
	if (s->params.oom) {
		fprintf(pl->o->log, "wpsim sweep: %s\n", strerror(ENOMEM));
		slot_close(s);
		pl->t.status = 1;
		pl->fatal = true;
		return -1;
	}
	return 0;
}

static void run_tick(void *arg)
{
	struct pool *pl = arg;

	xs_progress_show(&pl->pg, false);
}

int xs_sweep_pool_run(const struct xs_sweep *sw, const struct xs_sweep_opts *o, struct xs_store *st,
		      int64_t sweep_id, const uint64_t *todo, uint64_t ntodo, double t0,
		      struct xs_sweep_tally *t)
{
	static const struct xs_pool_ops ops = {run_prepare, run_child, run_done, run_tick};
	struct xs_pool_opts po = {.jobs = o->jobs,
				  .timeout_s = sw->timeout_s,
				  .tick_ms = o->progress == 1 ? 250 : 1000};
	struct pool pl = {.sw = sw, .o = o, .st = st, .sweep_id = sweep_id, .todo = todo};
	char err[256];
	unsigned i;
	int ret = 0;

	gethostname(pl.host, sizeof(pl.host) - 1);
	pl.slots = xs_xcalloc(o->jobs, sizeof(*pl.slots));
	pl.sc = xs_xmalloc(sizeof(*pl.sc));
	pl.pg = (struct xs_progress){.mode = o->progress,
				     .f = o->log,
				     .label = "sweep",
				     .hits_name = "with loss",
				     .total = ntodo,
				     .t0 = t0};
	pl.pg.last = t0;
	pl.pg.next_mark = ntodo / 10 ? ntodo / 10 : 1;
	if (ntodo && xs_pool_run(&po, ntodo, &ops, &pl, err, sizeof(err)) < 0) {
		fprintf(o->log, "wpsim sweep: %s\n", err);
		pl.t.status = 1;
	}
	if (ntodo && o->progress >= 0)
		xs_progress_show(&pl.pg, true);
	*t = pl.t;
	for (i = 0; i < o->jobs; i++)
		slot_close(&pl.slots[i]);
	free(pl.slots);
	free(pl.sc);
	return ret;
}
