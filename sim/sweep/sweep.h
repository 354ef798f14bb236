/*
 * Sweeps (docs/scenarios.md, "Sweep files"; docs/sweeps.md): a sweep file names a scenario, seeds
 * and keys to vary; `wpsim sweep` runs the Cartesian product of the [vary] lists × the seeds, each
 * run in a child process of its own (SimGrid's engine is one per process), --jobs at a
 * time, and stores each run in the results database (store.h) in one transaction.
 *
 *   [sweep]
 *   scenario = scenarios/generic-346.ini   ; found as config/paths.h says
 *   seeds = 1-200, 500                     ; ranges and lists; default: the scenario's seed
 *   name = g346-presets                    ; optional: see "identity" below
 *   timeout = 10m                          ; per run, ns/us/ms/s/m/h; 0 = none; default 1h
 *   [vary]
 *   global.kernel = 6.1, 6.2, 6.13         ; section.key = comma-separated values
 *   pwriter.think = const(0), lognormal(1us, 1.0)   ; commas inside (...) do not split
 *
 * A [vary] key given again (or an indented continuation line) adds values to its list;
 * so do more `seeds` lines. Every combination of the [vary] values is loaded as the
 * scenario with those overrides before anything runs, so a bad key or value is
 * reported as "SWEEP:LINE: section.key = value: problem (accepted: ...)", exit 2.
 *
 * Identity. A sweep's key is its name, or "spec-" + the spec hash when it has no name;
 * the spec hash is a 64-bit FNV-1a of the scenario file's bytes and the sorted varied
 * key names (not their values, not the seeds: adding seeds or values extends the same
 * sweep). A run's key is "SWEEP_KEY|k=v;k=v|SEED", the varied keys sorted by name with
 * the scenario's canonical text of each value (0.10 and 0.1 are one value). The run key
 * is UNIQUE in the database: --resume skips the runs whose key is stored, merge copies
 * the runs whose key is missing. A named sweep whose spec hash changed is refused
 * rather than mixed.
 *
 * Order and shards. Run i of the sweep has seed number i / C and combination i % C
 * (C combinations, the last [vary] key varying fastest): every combination of seed 1,
 * then of seed 2, ... . Shard K/N (1 <= K <= N) runs the runs whose FNV-1a hash of the
 * run key is K-1 modulo N: the split depends only on each run's identity, so it is
 * the same on every machine and stays put when seeds or values are added.
 */
#ifndef XS_SWEEP_H
#define XS_SWEEP_H

#include "actors/run.h"
#include "config/scenario.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define XS_SWEEP_MAX_AXES 16
#define XS_SWEEP_KEY_MAX  (2 * XS_SCN_NAME_MAX)
#define XS_SWEEP_MAX_RUNS 10000000ULL /* refuse bigger sweeps: split them */
#define XS_SWEEP_TIMEOUT  3600.0      /* default per-run timeout, s */

/* One varied key and its values. */
struct xs_sweep_axis {
	char key[XS_SWEEP_KEY_MAX]; /* "section.key" */
	char section[XS_SCN_NAME_MAX];
	char name[XS_SCN_NAME_MAX];
	size_t nvals;
	char **vals;  /* as written */
	char **canon; /* the scenario's text of each value */
	int *lines;   /* file line of each value */
};

struct xs_seed_range {
	uint64_t lo, hi; /* inclusive */
	int line;	 /* of the seeds line it came from */
};

struct xs_sweep {
	char path[XS_SCN_PATH_MAX];	/* the sweep file */
	char scenario[XS_SCN_PATH_MAX]; /* as written (the run table's scenario) */
	/* where it was found: relative to the sweep file first (config/paths.h) */
	char scenario_file[XS_SCN_PATH_MAX];
	char name[XS_SCN_NAME_MAX]; /* name, else the sweep file's base name */
	char sweep_key[XS_SCN_NAME_MAX + 8];
	char spec_hash[17];
	bool named;
	char *spec;	  /* the sweep file's text */
	double timeout_s; /* 0: none */
	struct xs_seed_range *seeds;
	size_t nranges;
	uint64_t nseeds;
	struct xs_sweep_axis axes[XS_SWEEP_MAX_AXES]; /* in file order */
	int naxes;
	int order[XS_SWEEP_MAX_AXES]; /* axes sorted by key, for run keys */
	uint64_t ncombos, nruns;
	const char *devices_dir;
};

/* One run of a sweep: its index, seed and the value index on each axis. */
struct xs_sweep_point {
	uint64_t index;
	uint64_t seed;
	size_t val[XS_SWEEP_MAX_AXES];
};

/*
 * Read and check a sweep file (every combination is loaded as a scenario). Returns 0,
 * or -EINVAL / -ENOENT with "FILE:LINE: ..." in err (exit status 2). Free with
 * xs_sweep_free() in either case.
 */
int xs_sweep_load(const char *path, const char *devices_dir, struct xs_sweep *sw, char *err,
		  size_t errlen);

void xs_sweep_free(struct xs_sweep *sw);

/* Run index (0 <= index < nruns) → its seed and values. */
void xs_sweep_point(const struct xs_sweep *sw, uint64_t index, struct xs_sweep_point *pt);

/* "SWEEP_KEY|k=v;k=v|SEED" into buf. Returns its length, or -ENAMETOOLONG. */
int xs_sweep_run_key(const struct xs_sweep *sw, const struct xs_sweep_point *pt, char *buf,
		     size_t len);

/* Whether the run of run_key belongs to shard k of n (1 <= k <= n). */
bool xs_sweep_in_shard(const char *run_key, unsigned k, unsigned n);

struct xs_sweep_opts {
	const char *db;	  /* results database */
	unsigned jobs;	  /* runs at once, >= 1 */
	bool resume;	  /* skip the runs already stored */
	unsigned shard_k; /* 1-based; shard_n = 0: the whole sweep */
	unsigned shard_n;
	int progress; /* 1: a bar (terminal), 0: plain lines, -1: none */
	FILE *out;    /* the summary lines */
	FILE *log;    /* progress and messages */
};

/*
 * Run the sweep into o->db. Returns the exit status: 0 every run stored ok (loss is a
 * result), 1 a run failed (stored as failed; the sweep went on) or the database
 * failed, 2 bad usage: a database that is not ours, runs already stored without
 * o->resume, a named sweep whose spec changed.
 */
int xs_sweep_execute(const struct xs_sweep *sw, const struct xs_sweep_opts *o);

/* The number of CPUs this process may run on (the --jobs default). */
unsigned xs_sweep_default_jobs(void);

/*
 * wpsim run --json: res (a run of sc) as one JSON object on out: scenario, seed,
 * outcomes, latency per kind and per group, anomalies, and params (section.key: value,
 * as the param table stores them). Strings escaped, numbers finite.
 */
void xs_sweep_run_json(FILE *out, const struct xs_scenario *sc, const struct xs_run_result *res);

/*
 * wpsim run --db: store one run made in this process as a sweep of one, keyed like a
 * sweep of sc's scenario file varying the overridden keys (global.seed is the seed).
 * run_error: NULL if xs_run() succeeded and res holds its result, else its message
 * (stored as a failed run). Returns 0 stored, 1 already stored (a note in err), -EINVAL
 * a database that is not ours (exit 2), or another -errno, with err.
 */
int xs_sweep_store_single(const char *db, const struct xs_scenario *sc,
			  const struct xs_override *ov, int nov, const char *schedule,
			  const struct xs_run_result *res, const char *run_error, char *err,
			  size_t errlen);

#endif /* XS_SWEEP_H */
