/*
 * Sweeps (sweep.h): xs_sweep_execute() decides which runs of a sweep to make (those of
 * the shard, less those already stored when resuming), refuses to mix a named sweep
 * whose spec changed or to store a run twice, hands the runs to the process pool
 * (sweep_pool.c) and prints the summary lines. Reading sweep files is sweep_file.c;
 * `wpsim run --db` is sweep_single.c.
 */
#include "sweep/sweep_internal.h"
#include "sweep/sweep_pool.h"
#include "store/store.h"
#include "pool/pool.h"
#include "core/xalloc.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

unsigned xs_sweep_default_jobs(void)
{
	cpu_set_t set;
	long n;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return (unsigned)CPU_COUNT(&set);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

/* The runs to make: in the shard and, with resume, not stored yet. */
static int runs_todo(const struct xs_sweep *sw, const struct xs_sweep_opts *o, struct xs_store *st,
		     uint64_t **todo, uint64_t *ntodo, uint64_t *nshard, uint64_t *stored)
{
	struct xs_sweep_point pt;
	char key[XS_RUN_KEY_MAX];
	uint64_t i, cap = 0;
	int has;

	*todo = NULL;
	*ntodo = *nshard = *stored = 0;
	for (i = 0; i < sw->nruns; i++) {
		xs_sweep_point(sw, i, &pt);
		if (xs_sweep_run_key(sw, &pt, key, sizeof(key)) < 0) {
			fprintf(o->log, "wpsim sweep: %s: run key too long\n", sw->path);
			return 2;
		}
		if (!xs_sweep_in_shard(key, o->shard_k, o->shard_n))
			continue;
		(*nshard)++;
		has = xs_store_has_run(st, key);
		if (has < 0) {
			fprintf(o->log, "wpsim sweep: %s: cannot read the run table\n", o->db);
			return 1;
		}
		if (has) {
			(*stored)++;
			continue;
		}
		if (*ntodo == cap) {
			uint64_t *nt;

			cap = cap ? 2 * cap : 1024;
			nt = xs_xrealloc(*todo, cap * sizeof(*nt));
			*todo = nt;
		}
		(*todo)[(*ntodo)++] = i;
	}
	return 0;
}

int xs_sweep_execute(const struct xs_sweep *sw, const struct xs_sweep_opts *o)
{
	struct xs_store_sweep row = {sw->sweep_key, sw->name, sw->spec, sw->spec_hash, sw->named};
	struct xs_sweep_tally t = {0};
	struct xs_store *st = NULL;
	int64_t sweep_id;
	struct xs_store_stats stats;
	uint64_t *todo = NULL, ntodo, nshard, stored;
	char err[1024], hash[64], shard[64] = "", killed[64] = "";
	double t0 = xs_pool_mono_s(), el;
	int ret;

	ret = xs_store_open(o->db, &st, err, sizeof(err));
	if (ret) {
		fprintf(o->log, "wpsim sweep: %s\n", err);
		/* -ENOENT: a directory that does not exist, a mistyped --db */
		return ret == -EINVAL || ret == -ENOENT ? 2 : 1;
	}
	if (o->shard_n)
		snprintf(shard, sizeof(shard), " (shard %u/%u)", o->shard_k, o->shard_n);
	ret = xs_store_sweep_hash(st, sw->sweep_key, hash, sizeof(hash));
	if (ret == 1 && strcmp(hash, sw->spec_hash) != 0) {
		fprintf(o->log,
			"wpsim sweep: %s: sweep '%s' is stored there from another scenario text or "
			"other varied keys (spec hash %s, now %s): give the sweep another name, or "
			"no name to key it by its spec\n",
			o->db, sw->sweep_key, hash, sw->spec_hash);
		ret = 2;
		goto out;
	}
	ret = runs_todo(sw, o, st, &todo, &ntodo, &nshard, &stored);
	if (ret)
		goto out;
	if (stored && !o->resume) {
		fprintf(o->log,
			"wpsim sweep: %s: %llu of the %llu runs of sweep %s%s are stored there "
			"already (accepted: --resume to make only the others, or another --db)\n",
			o->db, (unsigned long long)stored, (unsigned long long)nshard, sw->name,
			shard);
		ret = 2;
		goto out;
	}
	if (xs_store_sweep(st, &row, &sweep_id, err, sizeof(err))) {
		fprintf(o->log, "wpsim sweep: %s\n", err);
		ret = 1;
		goto out;
	}
	if (xs_sweep_pool_run(sw, o, st, sweep_id, todo, ntodo, t0, &t)) {
		ret = 1;
		goto out;
	}
	el = xs_pool_mono_s() - t0;
	if (t.killed)
		snprintf(killed, sizeof(killed), ", %llu killed by a signal (not stored)",
			 (unsigned long long)t.killed);
	fprintf(o->out,
		"sweep %s%s: %llu runs: %llu ok, %llu failed%s, %llu with loss; %llu already "
		"stored; %.2f s, %.2f runs/s -> %s\n",
		sw->name, shard, (unsigned long long)nshard, (unsigned long long)t.ok,
		(unsigned long long)t.failed, killed, (unsigned long long)t.loss,
		(unsigned long long)(stored + t.dup), el,
		el > 0 ? (double)(t.ok + t.failed) / el : 0.0, o->db);
	xs_store_get_stats(st, &stats);
	fprintf(o->out,
		"db ingest: %llu runs, %llu metric rows, %llu rows in %.3f s: %.0f metric rows/s, "
		"%.0f rows/s\n",
		(unsigned long long)stats.runs, (unsigned long long)stats.metric_rows,
		(unsigned long long)stats.rows, stats.put_s,
		stats.put_s > 0 ? (double)stats.metric_rows / stats.put_s : 0.0,
		stats.put_s > 0 ? (double)stats.rows / stats.put_s : 0.0);
	ret = t.status;
out:
	free(todo);
	xs_store_close(st);
	return ret;
}
