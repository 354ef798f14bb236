/*
 * `wpsim run --db` (sweep.h, xs_sweep_store_single()): one run made in this process,
 * stored as a sweep of one. The sweep is synthesised from the scenario and its -s
 * overrides (the overridden keys are the varied ones), so that the run's key is the
 * key a sweep file of the same scenario, values and seed would give it.
 */
#include "sweep/sweep_internal.h"
#include "store/store_kv.h"
#include "store/store.h"
#include "core/hashtab.h"
#include "core/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int single_build(struct xs_sweep *sw, const struct xs_scenario *sc,
			const struct xs_override *ov, int nov, char *err, size_t errlen)
{
	struct xs_store_kvlist params = {0};
	char *spec = NULL;
	size_t speclen = 0, len;
	const char *base;
	FILE *m;
	int i, a, ret = 0;

	memset(sw, 0, sizeof(*sw));
	snprintf(sw->path, sizeof(sw->path), "%s", sc->path);
	snprintf(sw->scenario, sizeof(sw->scenario), "%s", sc->path);
	snprintf(sw->scenario_file, sizeof(sw->scenario_file), "%s", sc->path);
	base = strrchr(sc->path, '/') ? strrchr(sc->path, '/') + 1 : sc->path;
	len = strlen(base);
	if (len > 4 && strcmp(base + len - 4, ".ini") == 0)
		len -= 4;
	snprintf(sw->name, sizeof(sw->name), "%.*s", (int)len, base);
	sw->seeds = xs_xmalloc(sizeof(*sw->seeds));
	sw->seeds[0] = (struct xs_seed_range){sc->seed, sc->seed, 0};
	sw->nranges = 1;
	sw->nseeds = sw->ncombos = sw->nruns = 1;
	xs_scenario_foreach_param(sc, xs_store_kvlist_add, &params);
	/* the overridden keys are the varied ones; the last -s of a key wins */
	for (i = 0; i < nov && !ret; i++) {
		char key[XS_SWEEP_KEY_MAX];
		const char *canon;

		snprintf(key, sizeof(key), "%s.%s", ov[i].section, ov[i].key);
		if (strcmp(key, "global.seed") == 0)
			continue;
		canon = xs_store_kvlist_get(&params, key);
		for (a = 0; a < sw->naxes; a++)
			if (strcmp(sw->axes[a].key, key) == 0)
				break;
		if (a == XS_SWEEP_MAX_AXES) {
			snprintf(err, errlen, "more than %d overridden keys", XS_SWEEP_MAX_AXES);
			ret = -EINVAL;
			break;
		}
		if (a == sw->naxes) {
			sw->naxes++;
			snprintf(sw->axes[a].key, sizeof(sw->axes[a].key), "%s", key);
			snprintf(sw->axes[a].section, sizeof(sw->axes[a].section), "%s",
				 ov[i].section);
			snprintf(sw->axes[a].name, sizeof(sw->axes[a].name), "%s", ov[i].key);
			sw->axes[a].vals = xs_xcalloc(1, sizeof(char *));
			sw->axes[a].canon = xs_xcalloc(1, sizeof(char *));
			sw->axes[a].lines = xs_xcalloc(1, sizeof(int));
			sw->axes[a].nvals = 1;
		}
		free(sw->axes[a].vals[0]);
		free(sw->axes[a].canon[0]);
		sw->axes[a].vals[0] = xs_xstrdup(ov[i].value);
		sw->axes[a].canon[0] = xs_xstrdup(canon ? canon : ov[i].value);
	}
	xs_store_kvlist_free(&params);
	if (!ret)
		ret = xs_sweep_identity(sw, err, errlen);
	if (ret)
		return ret;
	m = open_memstream(&spec, &speclen);
	if (!m)
		return -ENOMEM;
	fprintf(m, "# wpsim run --db\n[sweep]\nscenario = %s\nseeds = %llu\n[vary]\n", sc->path,
		(unsigned long long)sc->seed);
	for (a = 0; a < sw->naxes; a++)
		fprintf(m, "%s = %s\n", sw->axes[a].key, sw->axes[a].vals[0]);
	fclose(m);
	sw->spec = spec;
	return spec ? 0 : -ENOMEM;
}

int xs_sweep_store_single(const char *db, const struct xs_scenario *sc,
			  const struct xs_override *ov, int nov, const char *schedule,
			  const struct xs_run_result *res, const char *run_error, char *err,
			  size_t errlen)
{
	struct xs_sweep *sw = xs_xcalloc(1, sizeof(*sw));
	struct xs_sweep_point pt = {0};
	struct xs_store_kvlist params = {0}, metrics = {0};
	struct xs_store_run r = {0};
	struct xs_store *st = NULL;
	char key[XS_RUN_KEY_MAX], now[32], host[256] = "", *text = NULL;
	size_t len = 0;
	int64_t sweep_id, id;
	FILE *m;
	int ret;

	if (!sw)
		return -ENOMEM;
	ret = single_build(sw, sc, ov, nov, err, errlen);
	if (!ret) {
		pt.seed = sc->seed;
		ret = xs_sweep_run_key(sw, &pt, key, sizeof(key)) < 0 ? -ENAMETOOLONG : 0;
	}
	if (!ret && schedule) {
		/* one run per schedule: its hash ends the key */
		size_t kl = strlen(key);

		if (kl + 28 > sizeof(key))
			ret = -ENAMETOOLONG;
		else
			snprintf(key + kl, sizeof(key) - kl, "|schedule-%016llx",
				 (unsigned long long)xs_fnv1a(schedule, strlen(schedule),
							      XS_FNV_OFFSET));
	}
	if (!ret)
		ret = xs_store_open(db, &st, err, errlen);
	if (!ret) {
		struct xs_store_sweep row = {sw->sweep_key, sw->name, sw->spec, sw->spec_hash,
					     false};

		ret = xs_store_sweep(st, &row, &sweep_id, err, errlen);
	}
	if (ret)
		goto out;
	xs_scenario_foreach_param(sc, xs_store_kvlist_add, &params);
	if (!run_error) {
		m = open_memstream(&text, &len);
		if (m) {
			xs_run_print_outcomes(m, res);
			fclose(m);
		}
		if (text && xs_store_kvlist_outcomes(text, &metrics)) {
			ret = -EPROTO; /* a bug: the printer and the table disagree */
			snprintf(err, errlen, "%s: an outcome line of the run not in the table",
				 db);
			goto out;
		}
	}
	if (params.oom || metrics.oom || (!run_error && !text)) {
		ret = -ENOMEM;
		snprintf(err, errlen, "%s: out of memory", db);
		goto out;
	}
	xs_store_now(now, sizeof(now));
	gethostname(host, sizeof(host) - 1);
	r = (struct xs_store_run){
		.sweep_id = sweep_id,
		.run_key = key,
		.scenario = sc->path,
		.seed = sc->seed,
		.ok = !run_error,
		.error = run_error,
		.has_sim_time = !run_error,
		.sim_time_s = run_error ? 0 : res->sim_time_s,
		.wall_time_s = run_error ? 0 : res->wall_time_s,
		.started_at = now,
		.version = XS_WPSIM_VERSION,
		.host = host,
		.params = params.v,
		.nparams = params.n,
		.metrics = metrics.v,
		.nmetrics = metrics.n,
		.latency = run_error ? NULL : res->latency,
		.nlatency = run_error ? 0 : (size_t)res->nlatency,
		.group_latency = run_error ? NULL : res->group_latency,
		.ngroup_latency = run_error ? 0 : res->ngroup_latency,
		.anomalies = run_error ? NULL : res->anomalies,
		.nanomalies = run_error ? 0 : res->nanomalies,
		.schedule_spec = schedule,
		.schedule_strategy = schedule ? "replay" : NULL,
	};
	ret = xs_store_put_run(st, &r, &id, err, errlen);
	if (ret == 1)
		snprintf(err, errlen, "%s: this run (%s) is stored there already; not stored again",
			 db, key);
out:
	free(text);
	xs_store_kvlist_free(&params);
	xs_store_kvlist_free(&metrics);
	xs_store_close(st);
	xs_sweep_free(sw);
	free(sw);
	return ret;
}
