/*
 * The results database (store.h, docs/design.md, "Results database") on SQLite: the schema, the
 * checks that refuse a file, opening and closing. Recording runs is store_run.c, merging
 * store_merge.c, the read-only interface of the report store_read.c.
 *
 * Life of a database file, each arrow naming the function that takes it:
 *
 *   missing or empty --xs_store_open()--> wpsim database (schema, ids, WAL)
 *   wpsim database, this version --xs_store_check_file() == 0--> opened read-write
 *   wpsim database, version 1 or 2 --xs_store_open()--> this version (views and
 *     schedule tables added), read-write
 *   anything else --xs_store_check_file() == -EINVAL--> refused, never opened for writing
 *
 * Every write is one BEGIN IMMEDIATE transaction: a sweep row (xs_store_sweep), a run
 * with all its rows (xs_store_put_run), or a whole input database (xs_store_merge).
 * A run is stored at most once: run.run_key is UNIQUE and the run is inserted with
 * INSERT OR IGNORE before its rows, so a second writer of the same run (two sweeps
 * resumed at once, a merge of overlapping shards) stores nothing.
 *
 * Indexes serve the common joins: param and metric are keyed (run_id, name) and
 * indexed (name, value, run_id) — "policy A vs B on the same seed" is a join of
 * param on name/value and of run on (sweep_id, seed), indexed too; "schedules that
 * fail under A and not B" is a join of run_schedule with itself on schedule_id,
 * keyed by run_id and indexed by (schedule_id, run_id).
 */
#include "store/store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *const xs_schema =
	"CREATE TABLE sweep(\n"
	"  sweep_id INTEGER PRIMARY KEY,\n"
	"  name TEXT NOT NULL,\n"
	"  spec TEXT NOT NULL,\n"
	"  created_at TEXT NOT NULL,\n"
	"  sweep_key TEXT NOT NULL UNIQUE,\n"
	"  spec_hash TEXT NOT NULL);\n"
	"CREATE TABLE run(\n"
	"  run_id INTEGER PRIMARY KEY,\n"
	"  sweep_id INTEGER NOT NULL REFERENCES sweep(sweep_id),\n"
	"  scenario TEXT NOT NULL,\n"
	"  seed INTEGER NOT NULL,\n"
	"  status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),\n"
	"  sim_time_s REAL,\n"
	"  wall_time_s REAL,\n"
	"  started_at TEXT NOT NULL,\n"
	"  version TEXT NOT NULL,\n"
	"  error TEXT,\n"
	"  run_key TEXT NOT NULL UNIQUE,\n"
	"  host TEXT);\n"
	"CREATE INDEX run_sweep_seed ON run(sweep_id, seed);\n"
	"CREATE TABLE param(\n"
	"  run_id INTEGER NOT NULL REFERENCES run(run_id),\n"
	"  name TEXT NOT NULL,\n"
	"  value TEXT NOT NULL,\n"
	"  PRIMARY KEY (run_id, name)) WITHOUT ROWID;\n"
	"CREATE INDEX param_name_value ON param(name, value, run_id);\n"
	"CREATE TABLE metric(\n"
	"  run_id INTEGER NOT NULL REFERENCES run(run_id),\n"
	"  name TEXT NOT NULL,\n"
	"  value NUMERIC,\n"
	"  PRIMARY KEY (run_id, name)) WITHOUT ROWID;\n"
	"CREATE INDEX metric_name_value ON metric(name, value, run_id);\n"
	"CREATE TABLE latency(\n"
	"  run_id INTEGER NOT NULL REFERENCES run(run_id),\n"
	"  op TEXT NOT NULL,\n"
	"  count INTEGER NOT NULL,\n"
	"  mean_us REAL, p50_us REAL, p90_us REAL, p99_us REAL, p999_us REAL, max_us REAL,\n"
	"  PRIMARY KEY (run_id, op)) WITHOUT ROWID;\n"
	"CREATE TABLE anomaly(\n"
	"  anomaly_id INTEGER PRIMARY KEY,\n"
	"  run_id INTEGER NOT NULL REFERENCES run(run_id),\n"
	"  kind TEXT NOT NULL,\n"
	"  \"offset\" INTEGER,\n"
	"  length INTEGER,\n"
	"  sim_time_s REAL,\n"
	"  detail TEXT);\n"
	"CREATE INDEX anomaly_run ON anomaly(run_id);\n"
	"CREATE INDEX anomaly_kind ON anomaly(kind, run_id);\n";

/*
 * Latency per actor group and operation kind, as latency's rows per kind. Added to a
 * database of any version when it is opened for writing: not in a version of its own,
 * as a reader that does not know it loses nothing.
 */
static const char *const xs_latency_group_schema =
	"CREATE TABLE IF NOT EXISTS latency_group(\n"
	"  run_id INTEGER NOT NULL REFERENCES run(run_id),\n"
	"  grp TEXT NOT NULL,\n"
	"  op TEXT NOT NULL,\n"
	"  count INTEGER NOT NULL,\n"
	"  mean_us REAL, p50_us REAL, p90_us REAL, p99_us REAL, p999_us REAL, max_us REAL,\n"
	"  PRIMARY KEY (run_id, grp, op)) WITHOUT ROWID;\n";

/*
 * Tables of schema version 3, for wpsim explore (store.h). A run follows at most one
 * schedule: run_id is the key (the index of run_schedule(run_id)). A schedule's text
 * is its identity, as run_key is a run's, so merge matches schedules by spec.
 */
static const char *const xs_schedule_schema =
	"CREATE TABLE schedule(\n"
	"  schedule_id INTEGER PRIMARY KEY,\n"
	"  scenario TEXT NOT NULL,\n"
	"  strategy TEXT,\n"
	"  spec TEXT NOT NULL UNIQUE,\n"
	"  minimal_of INTEGER REFERENCES schedule(schedule_id));\n"
	"CREATE INDEX schedule_minimal_of ON schedule(minimal_of);\n"
	"CREATE TABLE run_schedule(\n"
	"  run_id INTEGER PRIMARY KEY REFERENCES run(run_id),\n"
	"  schedule_id INTEGER NOT NULL REFERENCES schedule(schedule_id));\n"
	"CREATE INDEX run_schedule_schedule ON run_schedule(schedule_id, run_id);\n";

/*
 * Views of schema version 2, for the queries in analysis/: one definition of a run's
 * policy combination instead of a copy in every query. varying_param: the params that vary
 * among the ok runs (two or more values, or missing from some), global.seed excepted.
 * run_policy: per run, "kernel=6.1 punch=truncate-punch ... pwriter.fail_rate=0.1",
 * the varying params with the policy keys first in policy order, then by name, and
 * "global." dropped; no row for a run without a varying param. group_concat follows
 * the subquery's ORDER BY, as SQLite does (3.44 added an ORDER BY argument for it).
 * `wpsim report` does not use them: it reads the tables of version 1 only.
 */
static const char *const xs_views =
	"CREATE VIEW varying_param(name) AS\n"
	"SELECT name FROM param\n"
	"WHERE name <> 'global.seed' AND value IS NOT NULL\n"
	"  AND run_id IN (SELECT run_id FROM run WHERE status = 'ok')\n"
	"GROUP BY name\n"
	"HAVING COUNT(DISTINCT CAST(value AS TEXT)) > 1\n"
	"    OR COUNT(DISTINCT run_id) < (SELECT COUNT(*) FROM run WHERE status = 'ok');\n"
	"CREATE VIEW run_policy(run_id, policy) AS\n"
	"SELECT run_id, group_concat(kv, ' ') FROM (\n"
	"  SELECT p.run_id,\n"
	"         CASE WHEN p.name LIKE 'global.%' THEN substr(p.name, 8) ELSE p.name END\n"
	"         || '=' || CAST(p.value AS TEXT) AS kv\n"
	"  FROM param p JOIN varying_param v ON v.name = p.name\n"
	"  WHERE p.value IS NOT NULL\n"
	"  ORDER BY p.run_id,\n"
	"           CASE p.name WHEN 'global.kernel' THEN 1 WHEN 'global.punch' THEN 2\n"
	"                       WHEN 'global.fault_end' THEN 3 WHEN 'global.validity' THEN 4\n"
	"                       WHEN 'global.dirty_tracking' THEN 5\n"
	"                       WHEN 'global.write_lock' THEN 6\n"
	"                       WHEN 'global.fault_lock' THEN 7 ELSE 8 END,\n"
	"           p.name)\n"
	"GROUP BY run_id;\n";

double xs_store_mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int xs_store_db_fail(sqlite3 *db, const char *path, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: %s: %s", path, what, db ? sqlite3_errmsg(db) : "out of memory");
	return -EIO;
}

/* One integer from a one-row query; -1 on error. */
int64_t xs_store_query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s = NULL;
	int64_t v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* How many of the tables in list (SQL text) the schema "main" or an attached one has. */
static int64_t count_in(sqlite3 *db, const char *schema, const char *list)
{
	char sql[256];

	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM %s.sqlite_master WHERE type = 'table' AND name IN (%s)",
		 schema, list);
	return xs_store_query_int(db, sql);
}

int64_t xs_store_count_tables(sqlite3 *db, const char *schema)
{
	return count_in(db, schema, "'sweep', 'run', 'param', 'metric', 'latency', 'anomaly'");
}

bool xs_store_has_latency_group(sqlite3 *db, const char *schema)
{
	return count_in(db, schema, "'latency_group'") == 1;
}

int64_t xs_store_count_schedule_tables(sqlite3 *db, const char *schema)
{
	return count_in(db, schema, "'schedule', 'run_schedule'");
}

void xs_store_newer_msg(const char *path, int64_t ver, char *err, size_t errlen)
{
	snprintf(err, errlen,
		 "%s: was written by a newer wpsim (schema version %lld, this one reads up to %d); "
		 "left untouched",
		 path, (long long)ver, XS_STORE_SCHEMA_VERSION);
}

/* Whether this wpsim reads and writes schema version ver (upgrading an older one). */
static bool version_ok(int64_t ver)
{
	return ver >= XS_STORE_SCHEMA_OLDEST && ver <= XS_STORE_SCHEMA_VERSION;
}

static int bad_version(const char *path, int64_t ver, char *err, size_t errlen)
{
	if (ver > XS_STORE_SCHEMA_VERSION) {
		xs_store_newer_msg(path, ver, err, errlen);
		return -EINVAL;
	}
	snprintf(err, errlen,
		 "%s: a wpsim results database of schema version %lld; this wpsim reads versions "
		 "%d to %d only; left untouched",
		 path, (long long)ver, XS_STORE_SCHEMA_OLDEST, XS_STORE_SCHEMA_VERSION);
	return -EINVAL;
}

/*
 * What the database open on db is, read in the caller's transaction: 0 a wpsim
 * database of a version this wpsim reads, in *version; -ENOENT no table at all (new,
 * or being created by another process this instant); -EINVAL anything else (err says
 * what).
 */
static int classify(sqlite3 *db, const char *path, int64_t *version, char *err, size_t errlen)
{
	int64_t app = xs_store_query_int(db, "PRAGMA application_id");
	int64_t ver = xs_store_query_int(db, "PRAGMA user_version");
	int64_t ntab = xs_store_count_tables(db, "main");
	int64_t nsched = xs_store_count_schedule_tables(db, "main");
	int64_t nall = xs_store_query_int(db, "SELECT count(*) FROM sqlite_master");

	*version = ver;
	if (app == 0 && ver == 0 && nall == 0) {
		snprintf(err, errlen, "%s: an empty SQLite database", path);
		return -ENOENT;
	}
	if (app < 0 || ver < 0 || ntab < 0 || nsched < 0 || nall < 0) {
		snprintf(err, errlen, "%s: unreadable SQLite database (%s); left untouched", path,
			 sqlite3_errmsg(db));
		return -EINVAL;
	}
	if (app != XS_STORE_APP_ID) {
		snprintf(err, errlen,
			 "%s: an SQLite database but not a wpsim results database "
			 "(application_id %lld, want %d); left untouched",
			 path, (long long)app, XS_STORE_APP_ID);
		return -EINVAL;
	}
	if (!version_ok(ver))
		return bad_version(path, ver, err, errlen);
	/* the schedule tables came with version 3 */
	if (ver >= 3)
		ntab += nsched;
	if (ntab != XS_STORE_NTABLES + (ver >= 3 ? 2 : 0)) {
		snprintf(err, errlen,
			 "%s: a wpsim results database without all its tables (%lld of %d); "
			 "left untouched",
			 path, (long long)ntab, XS_STORE_NTABLES + (ver >= 3 ? 2 : 0));
		return -EINVAL;
	}
	return 0;
}

/* Big-endian 32-bit field of the database header. */
static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int xs_store_check_file(const char *path, char *err, size_t errlen)
{
	static const char magic[16] = "SQLite format 3";
	unsigned char head[100];
	sqlite3 *db = NULL;
	struct stat sb;
	int64_t ver;
	ssize_t n;
	int fd, ret;

	if (stat(path, &sb)) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file (accepted: a wpsim results database)",
			 path);
		return -EINVAL;
	}
	if (sb.st_size == 0) {
		snprintf(err, errlen, "%s: empty", path);
		return -ENOENT;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	n = read(fd, head, sizeof(head));
	close(fd);
	if (n != (ssize_t)sizeof(head) || memcmp(head, magic, sizeof(magic)) != 0) {
		snprintf(err, errlen,
			 "%s: not an SQLite database, so not a wpsim results database; left "
			 "left untouched",
			 path);
		return -EINVAL;
	}
	/*
	 * The header first: opening someone else's WAL database, even read-only, would
	 * leave -wal and -shm files beside it. The header may lag the WAL, but never
	 * shows another application's id for one of ours: our schema, ids included, is
	 * one transaction.
	 */
	if (be32(head + 68) != XS_STORE_APP_ID) {
		if (be32(head + 68) == 0 && be32(head + 60) == 0 && be32(head + 40) == 0) {
			snprintf(err, errlen, "%s: an empty SQLite database", path);
			return -ENOENT;
		}
		snprintf(err, errlen,
			 "%s: an SQLite database but not a wpsim results database "
			 "(application_id %lu, want %d); left untouched",
			 path, (unsigned long)be32(head + 68), XS_STORE_APP_ID);
		return -EINVAL;
	}
	if (!version_ok(be32(head + 60)))
		return bad_version(path, be32(head + 60), err, errlen);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
			 db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return -EIO;
	}
	sqlite3_busy_timeout(db, XS_STORE_BUSY_MS);
	/* one read transaction: one snapshot, even while another process creates it */
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	ret = classify(db, path, &ver, err, errlen);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
	/* SQLite's "unable to open database file" for what the environment refuses */
	if (ret == -EINVAL && ver < 0) {
		int why = xs_store_read_why(path, err, errlen);

		if (why)
			return why;
		if (!xs_store_dir_writable(path))
			return xs_store_dir_check(path, "open", err, errlen);
	}
	return ret;
}

int xs_store_exec(sqlite3 *db, const char *path, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	snprintf(err, errlen, "%s: %s", path, msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return -EIO;
}

void xs_store_rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

/*
 * Under the write lock, so that of two processes opening one file only the first
 * creates or upgrades it: a new (missing or empty) file gets the schema; a database
 * of an older version is upgraded in place, in the same transaction (version 1 lacks
 * the views and the schedule tables, version 2 the schedule tables); then the caller's
 * check of what is there.
 */
static int init_schema(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	char sql[128];
	int64_t ver;
	int ret;

	ret = xs_store_exec(db, path, "BEGIN IMMEDIATE", err, errlen);
	if (ret)
		return ret;
	ret = classify(db, path, &ver, err, errlen);
	/*
	 * Someone else may have created it meanwhile (classify() said whether it is
	 * ours). Not xs_store_check_file(): its close() of the file would drop this
	 * process's POSIX locks, the SHARED lock that WAL mode holds included.
	 */
	if ((ret && ret != -ENOENT) ||
	    (!ret && ver == XS_STORE_SCHEMA_VERSION && xs_store_has_latency_group(db, "main"))) {
		xs_store_rollback(db);
		return ret;
	}
	if (ret == -ENOENT) {
		ret = xs_store_exec(db, path, xs_schema, err, errlen);
		ver = 1;
	}
	if (!ret && ver < 2)
		ret = xs_store_exec(db, path, xs_views, err, errlen);
	if (!ret && ver < 3)
		ret = xs_store_exec(db, path, xs_schedule_schema, err, errlen);
	if (!ret)
		ret = xs_store_exec(db, path, xs_latency_group_schema, err, errlen);
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d; PRAGMA user_version = %d",
		 XS_STORE_APP_ID, XS_STORE_SCHEMA_VERSION);
	if (!ret)
		ret = xs_store_exec(db, path, sql, err, errlen);
	if (!ret)
		ret = xs_store_exec(db, path, "COMMIT", err, errlen);
	if (ret)
		xs_store_rollback(db);
	return ret;
}

/*
 * Switch to WAL. Changing the journal mode of a new database that another process has
 * open returns SQLITE_BUSY without calling the busy handler: retry for as long.
 */
static int wal_mode(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	const struct timespec pause = {0, 10 * 1000 * 1000};
	double t0 = xs_store_mono_s();
	sqlite3_stmt *s = NULL;
	int rc;

	for (;;) {
		rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &s, NULL);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(s);
		/* journal_mode answers with the mode in force */
		if (rc == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(s, 0), "wal") == 0)
			break;
		sqlite3_finalize(s);
		s = NULL;
		if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) ||
		    xs_store_mono_s() - t0 > XS_STORE_BUSY_MS / 1000.0)
			return xs_store_db_fail(db, path, "cannot switch to WAL mode", err, errlen);
		nanosleep(&pause, NULL);
	}
	sqlite3_finalize(s);
	return 0;
}

int xs_store_open(const char *path, struct xs_store **out, char *err, size_t errlen)
{
	struct xs_store *st;
	int ret;

	*out = NULL;
	/* before SQLite, which would leave empty -wal and -shm files where it fails */
	ret = xs_store_check_writable(path, err, errlen);
	if (ret)
		return ret;
	ret = xs_store_check_file(path, err, errlen);
	if (ret && ret != -ENOENT)
		return ret;
	st = calloc(1, sizeof(*st));
	if (!st || !(st->path = strdup(path))) {
		free(st);
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		return -ENOMEM;
	}
	if (sqlite3_open_v2(path, &st->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI,
			    NULL) != SQLITE_OK) {
		ret = xs_store_db_fail(st->db, path, "cannot open", err, errlen);
		goto out_close;
	}
	sqlite3_busy_timeout(st->db, XS_STORE_BUSY_MS);
	ret = wal_mode(st->db, path, err, errlen);
	if (ret)
		goto out_close;
	ret = xs_store_exec(st->db, path,
			    "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; "
			    "PRAGMA temp_store = MEMORY",
			    err, errlen);
	if (!ret)
		ret = init_schema(st->db, path, err, errlen);
	if (ret)
		goto out_close;
	ret = xs_store_prepare_stmts(st, err, errlen);
	if (ret)
		goto out_close;
	*out = st;
	return 0;
out_close:
	xs_store_close(st);
	return ret;
}

void xs_store_close(struct xs_store *st)
{
	if (!st)
		return;
	xs_store_finalize_stmts(st);
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}
