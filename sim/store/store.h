/*
 * The results database (docs/design.md, "Results database"): one SQLite file, written in WAL mode,
 * one transaction per run. store/ is the only folder that includes sqlite3.h: the report
 * reads through store_read.h.
 *
 * Schema version XS_STORE_SCHEMA_VERSION, kept in PRAGMA user_version; the file is
 * marked as ours by PRAGMA application_id = XS_STORE_APP_ID. The fixed tables and
 * columns of docs/design.md, "Results database" are all there; the extra columns are
 *   sweep.sweep_key   the sweep's identity (its name, or "spec-" and the spec hash), UNIQUE
 *   sweep.spec_hash   hash of the scenario text and the varied key names
 *   run.run_key       the run's identity "SWEEP_KEY|k=v;k=v|SEED", UNIQUE: a run is
 *                     stored at most once, which is what --resume and merge rely on
 *   run.host          the host name of the machine that ran it
 *   anomaly.anomaly_id
 * version 2 adds the views that the queries in analysis/ read, varying_param and
 * run_policy (store.c), and version 3 the tables of explored runs (wpsim explore):
 *   schedule(schedule_id, scenario, strategy, spec UNIQUE, minimal_of)
 *                     one row per schedule text; minimal_of the schedule_id of the
 *                     schedule it was shrunk from, NULL if it was not
 *   run_schedule(run_id PRIMARY KEY, schedule_id)
 *                     the schedule a run followed; no row for a plain run
 *
 * Opening never writes to a file that is not already a wpsim database of a schema
 * version this wpsim reads (XS_STORE_SCHEMA_OLDEST to XS_STORE_SCHEMA_VERSION): an
 * existing file is first checked read-only (xs_store_check_file) and refused,
 * untouched, if it is not SQLite, not ours, or of another version. An older version
 * is upgraded in place when opened for writing, in one transaction.
 *
 * Concurrency: any number of processes may write one database at once (WAL, a busy
 * timeout of XS_STORE_BUSY_MS, and every write transaction is BEGIN IMMEDIATE so
 * the busy handler applies). synchronous = NORMAL: a killed process (kill -9) loses
 * no committed run; a power cut may lose the last few commits, never consistency.
 */
#ifndef XS_STORE_H
#define XS_STORE_H

#include "outcome/outcome.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XS_STORE_SCHEMA_VERSION 3	   /* PRAGMA user_version */
#define XS_STORE_SCHEMA_OLDEST	1	   /* read, and upgraded when opened for writing */
#define XS_STORE_APP_ID		0x77707369 /* PRAGMA application_id, "wpsi" */
#define XS_STORE_BUSY_MS	600000	   /* wait up to 10 min for another writer */

/* run.version: `git describe --always --dirty` of the build ("unknown" outside git). */
#define XS_WPSIM_VERSION xs_store_version()

struct xs_store;

const char *xs_store_version(void);

/* A name/value pair of the param and metric tables. */
struct xs_store_kv {
	const char *name;
	const char *value;
};

/* One sweep row. sweep_key identifies it (UNIQUE); the others describe it. */
struct xs_store_sweep {
	const char *sweep_key;
	const char *name;
	const char *spec;      /* the sweep file's text (or a synthesised one) */
	const char *spec_hash; /* 16 hex digits */
	bool named;	       /* sweep_key is a name chosen by the user */
};

/*
 * One run and all its rows. Metric values are text as printed by
 * xs_run_print_outcomes(); integers are stored as INTEGER, other numbers as REAL.
 *
 * schedule_spec: the schedule the run followed, in canonical text (explore/schedule.h),
 * NULL for a plain run. A schedule row is written the first time its text is seen,
 * with this run's scenario and schedule_strategy ("pct", "delay", "bounded"...; may be
 * NULL); later runs of the same text share it, whatever their strategy. minimal_of_spec:
 * the text of the schedule this one was shrunk from (its row is added first if it is
 * not stored yet), NULL if it was not shrunk; a schedule stored without a parent gets
 * it the first time one is given, the first parent given stays.
 */
struct xs_store_run {
	int64_t sweep_id;
	const char *run_key;
	const char *scenario;
	uint64_t seed;
	bool ok;	   /* status ok | failed */
	const char *error; /* failed: why; NULL for ok */
	bool has_sim_time; /* sim_time_s is known (NULL in the row otherwise) */
	double sim_time_s;
	double wall_time_s;
	const char *started_at; /* ISO 8601 UTC */
	const char *version;
	const char *host;
	const struct xs_store_kv *params;
	size_t nparams;
	const struct xs_store_kv *metrics;
	size_t nmetrics;
	const struct xs_latency *latency;
	size_t nlatency;
	const struct xs_group_latency *group_latency; /* the latency_group rows */
	size_t ngroup_latency;
	const struct xs_anomaly *anomalies;
	size_t nanomalies;
	const char *schedule_spec;     /* NULL: a plain run */
	const char *schedule_strategy; /* how the explorer chose it */
	const char *minimal_of_spec;   /* NULL: not the shrunk form of another */
};

/* Time spent and rows written by xs_store_put_run() since the store was opened. */
struct xs_store_stats {
	uint64_t runs, metric_rows, rows;
	double put_s; /* host seconds inside xs_store_put_run() */
};

/*
 * Check, read-only, that path is a wpsim database of a schema version this wpsim reads
 * (an older one is accepted: xs_store_open() upgrades it). Returns 0
 * if it is; -ENOENT if path does not exist, is empty, or is an SQLite database without
 * a single table (a new database may be created there); -EINVAL if it must be refused
 * (not SQLite, not a wpsim database, another schema version, a directory...), with
 * "PATH: problem" in err; another -errno if it cannot be read. Not while this process
 * has the file open in a connection: its close() of the file would drop the process's
 * POSIX locks on it, WAL mode's SHARED lock included.
 */
int xs_store_check_file(const char *path, char *err, size_t errlen);

/*
 * Whether the database at path (missing or not) can be written: the file readable and
 * writable if it exists, its directory writable (WAL mode makes path-wal and path-shm
 * there). Returns 0, or -errno (-EACCES, -EROFS, -ENOENT for a missing directory...)
 * with "PATH: cannot write: why" in err. Touches nothing.
 */
int xs_store_check_writable(const char *path, char *err, size_t errlen);

/*
 * Open (create when missing or empty) the database at path: schema, WAL, busy timeout;
 * a database of an older schema version is upgraded to this one first.
 * Returns 0 and *out, or -EINVAL (refused, see xs_store_check_file: exit status 2) or
 * another -errno (runtime failure: exit status 1), with one line in err.
 */
int xs_store_open(const char *path, struct xs_store **out, char *err, size_t errlen);

void xs_store_close(struct xs_store *st);

/*
 * The sweep row of sw->sweep_key: created if missing, else its spec is updated to
 * sw->spec. A named sweep already stored with another spec_hash is refused: -EEXIST
 * (nothing written). Returns 0 and *sweep_id, or -errno with err.
 */
int xs_store_sweep(struct xs_store *st, const struct xs_store_sweep *sw, int64_t *sweep_id,
		   char *err, size_t errlen);

/*
 * Whether a run named run_key is stored: 1 yes, 0 no, -errno on a database error.
 * A named sweep's spec_hash as stored: 1 and the hash in hash (17 bytes), 0 if no such
 * sweep.
 */
int xs_store_has_run(struct xs_store *st, const char *run_key);
int xs_store_sweep_hash(struct xs_store *st, const char *sweep_key, char *hash, size_t len);

/*
 * Store one run and every row of it (its schedule rows included) in one transaction.
 * Returns 0 (stored, *run_id set), 1 (a run with that run_key is already stored:
 * nothing written), or -errno.
 */
int xs_store_put_run(struct xs_store *st, const struct xs_store_run *r, int64_t *run_id, char *err,
		     size_t errlen);

void xs_store_get_stats(const struct xs_store *st, struct xs_store_stats *stats);

/*
 * wpsim merge: copy into out every run of the wpsim databases in[0..nin) whose run_key
 * out does not hold yet, with its sweep and rows (run ids renumbered), one transaction
 * per input. Schedules are matched by spec: an input's schedule rows are added when
 * out lacks their text, and run_schedule and minimal_of point at out's ids. Every input is checked
 * before anything is written: a missing or bad input, an input that is out itself, or a named sweep
 * stored with two different spec hashes gives -EINVAL (or -ENOENT, -EEXIST) and leaves out
 * unchanged. *copied and *skipped count the runs copied and those already present.
 */
int xs_store_merge(const char *out, const char *const *in, int nin, uint64_t *copied,
		   uint64_t *skipped, char *err, size_t errlen);

/* Current time as ISO 8601 UTC, "2024-05-01T12:00:00Z". */
void xs_store_now(char *buf, size_t len);

#endif /* XS_STORE_H */
