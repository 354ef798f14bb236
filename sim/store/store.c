/*
 * The results database (store.h, DESIGN.md §7) on SQLite.
 *
 * Life of a database file, each arrow naming the function that takes it:
 *
 *   missing or empty --xs_store_open()--> wpsim database (schema, ids, WAL)
 *   wpsim database, this version --xs_store_check_file() == 0--> opened read-write
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
 * param on name/value and of run on (sweep_id, seed), indexed too.
 */
#include "store/store.h"

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

static const char *const xs_tables[] = {"sweep", "run", "param", "metric", "latency", "anomaly"};
#define XS_NTABLES ((int)(sizeof(xs_tables) / sizeof(xs_tables[0])))

enum xs_stmt {
	ST_HAS_RUN = 0,
	ST_SWEEP_GET,
	ST_SWEEP_ADD,
	ST_SWEEP_SPEC,
	ST_RUN,
	ST_PARAM,
	ST_METRIC,
	ST_LATENCY,
	ST_ANOMALY,
	ST_NR,
};

static const char *const xs_stmt_sql[ST_NR] = {
	[ST_HAS_RUN] = "SELECT 1 FROM run WHERE run_key = ?1",
	[ST_SWEEP_GET] = "SELECT sweep_id, spec_hash FROM sweep WHERE sweep_key = ?1",
	[ST_SWEEP_ADD] = "INSERT INTO sweep(name, spec, created_at, sweep_key, spec_hash) "
			 "VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_SWEEP_SPEC] = "UPDATE sweep SET spec = ?2 WHERE sweep_id = ?1",
	[ST_RUN] = "INSERT OR IGNORE INTO run(sweep_id, scenario, seed, status, sim_time_s, "
		   "wall_time_s, started_at, version, error, run_key, host) "
		   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[ST_PARAM] = "INSERT INTO param(run_id, name, value) VALUES (?1, ?2, ?3)",
	[ST_METRIC] = "INSERT INTO metric(run_id, name, value) VALUES (?1, ?2, ?3)",
	[ST_LATENCY] = "INSERT INTO latency(run_id, op, count, mean_us, p50_us, p90_us, "
		       "p99_us, p999_us, max_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[ST_ANOMALY] = "INSERT INTO anomaly(run_id, kind, \"offset\", length, sim_time_s, "
		       "detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
};

struct xs_store {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *st[ST_NR];
	struct xs_store_stats stats;
};

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void xs_store_now(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int db_fail(sqlite3 *db, const char *path, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: %s: %s", path, what, db ? sqlite3_errmsg(db) : "out of memory");
	return -EIO;
}

/* One integer from a one-row query; -1 on error. */
static int64_t query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s = NULL;
	int64_t v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* How many of our tables the schema "main" or an attached one has. */
static int64_t count_tables(sqlite3 *db, const char *schema)
{
	char sql[256];

	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM %s.sqlite_master WHERE type = 'table' AND name IN "
		 "('sweep', 'run', 'param', 'metric', 'latency', 'anomaly')",
		 schema);
	return query_int(db, sql);
}

/*
 * What the database open on db is, read in the caller's transaction: 0 a wpsim
 * database of this version, -ENOENT no table at all (new, or being created by another
 * process this instant), -EINVAL anything else (err says what).
 */
static int classify(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	int64_t app = query_int(db, "PRAGMA application_id");
	int64_t ver = query_int(db, "PRAGMA user_version");
	int64_t ntab = count_tables(db, "main");
	int64_t nall = query_int(db, "SELECT count(*) FROM sqlite_master");

	if (app == 0 && ver == 0 && nall == 0) {
		snprintf(err, errlen, "%s: an empty SQLite database", path);
		return -ENOENT;
	}
	if (app < 0 || ver < 0 || ntab < 0 || nall < 0) {
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
	if (ver != XS_STORE_SCHEMA_VERSION) {
		snprintf(err, errlen,
			 "%s: a wpsim results database of schema version %lld; this wpsim "
			 "reads version %d only; left untouched",
			 path, (long long)ver, XS_STORE_SCHEMA_VERSION);
		return -EINVAL;
	}
	if (ntab != XS_NTABLES) {
		snprintf(err, errlen,
			 "%s: a wpsim results database without all its tables (%lld of %d); "
			 "left untouched",
			 path, (long long)ntab, XS_NTABLES);
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
			 "untouched",
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
	if (be32(head + 60) != XS_STORE_SCHEMA_VERSION) {
		snprintf(err, errlen,
			 "%s: a wpsim results database of schema version %lu; this wpsim "
			 "reads version %d only; left untouched",
			 path, (unsigned long)be32(head + 60), XS_STORE_SCHEMA_VERSION);
		return -EINVAL;
	}
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
			 db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return -EIO;
	}
	sqlite3_busy_timeout(db, XS_STORE_BUSY_MS);
	/* one read transaction: one snapshot, even while another process creates it */
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	ret = classify(db, path, err, errlen);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
	return ret;
}

static int exec(sqlite3 *db, const char *path, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	snprintf(err, errlen, "%s: %s", path, msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return -EIO;
}

static void rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

/*
 * A new (missing or empty) file: write the schema, unless another process did so
 * first; then check what it wrote.
 */
static int create_schema(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	char sql[128];
	int ret;

	ret = exec(db, path, "BEGIN IMMEDIATE", err, errlen);
	if (ret)
		return ret;
	ret = classify(db, path, err, errlen);
	if (ret == -ENOENT) {
		snprintf(sql, sizeof(sql), "PRAGMA application_id = %d; PRAGMA user_version = %d",
			 XS_STORE_APP_ID, XS_STORE_SCHEMA_VERSION);
		ret = exec(db, path, xs_schema, err, errlen);
		if (!ret)
			ret = exec(db, path, sql, err, errlen);
		if (!ret)
			ret = exec(db, path, "COMMIT", err, errlen);
		if (ret)
			rollback(db);
		return ret;
	}
	/*
	 * Someone else created it meanwhile (classify() said whether it is ours). Not
	 * xs_store_check_file(): its close() of the file would drop this process's POSIX
	 * locks, the SHARED lock that WAL mode holds included.
	 */
	rollback(db);
	return ret;
}

/*
 * Switch to WAL. Changing the journal mode of a new database that another process has
 * open returns SQLITE_BUSY without calling the busy handler: retry for as long.
 */
static int wal_mode(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	const struct timespec pause = {0, 10 * 1000 * 1000};
	double t0 = mono_s();
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
		    mono_s() - t0 > XS_STORE_BUSY_MS / 1000.0)
			return db_fail(db, path, "cannot switch to WAL mode", err, errlen);
		nanosleep(&pause, NULL);
	}
	sqlite3_finalize(s);
	return 0;
}

int xs_store_open(const char *path, struct xs_store **out, char *err, size_t errlen)
{
	struct xs_store *st;
	int ret, i;

	*out = NULL;
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
		ret = db_fail(st->db, path, "cannot open", err, errlen);
		goto out_close;
	}
	sqlite3_busy_timeout(st->db, XS_STORE_BUSY_MS);
	ret = wal_mode(st->db, path, err, errlen);
	if (ret)
		goto out_close;
	ret = exec(st->db, path,
		   "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; "
		   "PRAGMA temp_store = MEMORY",
		   err, errlen);
	if (!ret)
		ret = create_schema(st->db, path, err, errlen);
	if (ret)
		goto out_close;
	for (i = 0; i < ST_NR; i++) {
		if (sqlite3_prepare_v3(st->db, xs_stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &st->st[i], NULL) != SQLITE_OK) {
			ret = db_fail(st->db, path, "cannot prepare a statement", err, errlen);
			goto out_close;
		}
	}
	*out = st;
	return 0;
out_close:
	xs_store_close(st);
	return ret;
}

void xs_store_close(struct xs_store *st)
{
	int i;

	if (!st)
		return;
	for (i = 0; i < ST_NR; i++)
		sqlite3_finalize(st->st[i]);
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

static sqlite3_stmt *stmt(struct xs_store *st, enum xs_stmt which)
{
	sqlite3_stmt *s = st->st[which];

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

int xs_store_has_run(struct xs_store *st, const char *run_key)
{
	sqlite3_stmt *s = stmt(st, ST_HAS_RUN);
	int rc;

	bind_text(s, 1, run_key);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : -EIO;
}

int xs_store_sweep_hash(struct xs_store *st, const char *sweep_key, char *hash, size_t len)
{
	sqlite3_stmt *s = stmt(st, ST_SWEEP_GET);
	int rc;

	bind_text(s, 1, sweep_key);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		snprintf(hash, len, "%s", (const char *)sqlite3_column_text(s, 1));
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : -EIO;
}

int xs_store_sweep(struct xs_store *st, const struct xs_store_sweep *sw, int64_t *sweep_id,
		   char *err, size_t errlen)
{
	char now[32], hash[64];
	sqlite3_stmt *s;
	int rc, ret;

	ret = exec(st->db, st->path, "BEGIN IMMEDIATE", err, errlen);
	if (ret)
		return ret;
	s = stmt(st, ST_SWEEP_GET);
	bind_text(s, 1, sw->sweep_key);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*sweep_id = sqlite3_column_int64(s, 0);
		snprintf(hash, sizeof(hash), "%s", (const char *)sqlite3_column_text(s, 1));
		sqlite3_reset(s);
		if (strcmp(hash, sw->spec_hash) != 0) {
			rollback(st->db);
			snprintf(err, errlen,
				 "%s: sweep '%s' is stored there from another scenario text or "
				 "other varied keys (spec hash %s, now %s): give the sweep another "
				 "name, or no name to key it by its spec",
				 st->path, sw->sweep_key, hash, sw->spec_hash);
			return -EEXIST;
		}
		s = stmt(st, ST_SWEEP_SPEC);
		sqlite3_bind_int64(s, 1, *sweep_id);
		bind_text(s, 2, sw->spec);
	} else if (rc == SQLITE_DONE) {
		xs_store_now(now, sizeof(now));
		s = stmt(st, ST_SWEEP_ADD);
		bind_text(s, 1, sw->name);
		bind_text(s, 2, sw->spec);
		bind_text(s, 3, now);
		bind_text(s, 4, sw->sweep_key);
		bind_text(s, 5, sw->spec_hash);
	} else {
		ret = db_fail(st->db, st->path, "cannot read the sweep table", err, errlen);
		rollback(st->db);
		return ret;
	}
	if (sqlite3_step(s) != SQLITE_DONE) {
		ret = db_fail(st->db, st->path, "cannot write the sweep table", err, errlen);
		rollback(st->db);
		return ret;
	}
	if (rc == SQLITE_DONE)
		*sweep_id = sqlite3_last_insert_rowid(st->db);
	return exec(st->db, st->path, "COMMIT", err, errlen);
}

/* A metric as INTEGER when it is a whole number, REAL when a number, else TEXT. */
static void bind_number(sqlite3_stmt *s, int i, const char *v)
{
	char *end;
	long long ll;
	double d;

	errno = 0;
	ll = strtoll(v, &end, 10);
	if (*v && !*end && !errno) {
		sqlite3_bind_int64(s, i, ll);
		return;
	}
	d = strtod(v, &end);
	if (*v && !*end)
		sqlite3_bind_double(s, i, d);
	else
		bind_text(s, i, v);
}

static int put_rows(struct xs_store *st, const struct xs_store_run *r, int64_t id)
{
	sqlite3_stmt *s;
	size_t i;

	for (i = 0; i < r->nparams; i++) {
		s = stmt(st, ST_PARAM);
		sqlite3_bind_int64(s, 1, id);
		bind_text(s, 2, r->params[i].name);
		bind_text(s, 3, r->params[i].value);
		if (sqlite3_step(s) != SQLITE_DONE)
			return -EIO;
	}
	for (i = 0; i < r->nmetrics; i++) {
		s = stmt(st, ST_METRIC);
		sqlite3_bind_int64(s, 1, id);
		bind_text(s, 2, r->metrics[i].name);
		bind_number(s, 3, r->metrics[i].value);
		if (sqlite3_step(s) != SQLITE_DONE)
			return -EIO;
	}
	for (i = 0; i < r->nlatency; i++) {
		const struct xs_latency *l = &r->latency[i];

		s = stmt(st, ST_LATENCY);
		sqlite3_bind_int64(s, 1, id);
		bind_text(s, 2, l->op);
		sqlite3_bind_int64(s, 3, (sqlite3_int64)l->count);
		sqlite3_bind_double(s, 4, l->mean_us);
		sqlite3_bind_double(s, 5, l->p50_us);
		sqlite3_bind_double(s, 6, l->p90_us);
		sqlite3_bind_double(s, 7, l->p99_us);
		sqlite3_bind_double(s, 8, l->p999_us);
		sqlite3_bind_double(s, 9, l->max_us);
		if (sqlite3_step(s) != SQLITE_DONE)
			return -EIO;
	}
	for (i = 0; i < r->nanomalies; i++) {
		const struct xs_anomaly *a = &r->anomalies[i];

		s = stmt(st, ST_ANOMALY);
		sqlite3_bind_int64(s, 1, id);
		bind_text(s, 2, a->kind);
		sqlite3_bind_int64(s, 3, (sqlite3_int64)a->offset);
		sqlite3_bind_int64(s, 4, (sqlite3_int64)a->length);
		sqlite3_bind_double(s, 5, a->sim_time_s);
		bind_text(s, 6, a->detail);
		if (sqlite3_step(s) != SQLITE_DONE)
			return -EIO;
	}
	return 0;
}

int xs_store_put_run(struct xs_store *st, const struct xs_store_run *r, int64_t *run_id, char *err,
		     size_t errlen)
{
	double t0 = mono_s();
	sqlite3_stmt *s;
	int64_t id;
	int ret;

	ret = exec(st->db, st->path, "BEGIN IMMEDIATE", err, errlen);
	if (ret)
		return ret;
	s = stmt(st, ST_RUN);
	sqlite3_bind_int64(s, 1, r->sweep_id);
	bind_text(s, 2, r->scenario);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)r->seed);
	bind_text(s, 4, r->ok ? "ok" : "failed");
	if (r->has_sim_time)
		sqlite3_bind_double(s, 5, r->sim_time_s);
	sqlite3_bind_double(s, 6, r->wall_time_s);
	bind_text(s, 7, r->started_at);
	bind_text(s, 8, r->version);
	bind_text(s, 9, r->ok ? NULL : r->error);
	bind_text(s, 10, r->run_key);
	bind_text(s, 11, r->host);
	if (sqlite3_step(s) != SQLITE_DONE)
		goto out_fail;
	if (sqlite3_changes(st->db) == 0) {
		rollback(st->db);
		return 1;
	}
	id = sqlite3_last_insert_rowid(st->db);
	if (put_rows(st, r, id))
		goto out_fail;
	ret = exec(st->db, st->path, "COMMIT", err, errlen);
	if (ret) {
		rollback(st->db);
		return ret;
	}
	*run_id = id;
	st->stats.runs++;
	st->stats.metric_rows += r->nmetrics;
	st->stats.rows += 1 + r->nparams + r->nmetrics + r->nlatency + r->nanomalies;
	st->stats.put_s += mono_s() - t0;
	return 0;
out_fail:
	ret = db_fail(st->db, st->path, "cannot store the run", err, errlen);
	rollback(st->db);
	return ret;
}

void xs_store_get_stats(const struct xs_store *st, struct xs_store_stats *stats)
{
	*stats = st->stats;
}

/* ---- merge ---- */

/* "file:PATH?mode=ro" with PATH percent-encoded, for ATTACH. */
static char *ro_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(path), i, o = 0;
	char *u = malloc(n * 3 + 32);

	if (!u)
		return NULL;
	o += (size_t)sprintf(u, "file:");
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)path[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("/._-~", c)) {
			u[o++] = (char)c;
		} else {
			u[o++] = '%';
			u[o++] = hex[c >> 4];
			u[o++] = hex[c & 15];
		}
	}
	strcpy(u + o, "?mode=ro");
	return u;
}

/*
 * Every (sweep_key, spec_hash) of the attached "src" must agree with the keys seen so
 * far, kept in temp.seen. Returns 0, -EEXIST with err, or -EIO.
 */
static int merge_check_sweeps(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	static const char *const conflict_sql =
		"SELECT x.sweep_key, x.spec_hash, seen.spec_hash, seen.path FROM src.sweep x "
		"JOIN temp.seen ON seen.sweep_key = x.sweep_key "
		"WHERE seen.spec_hash <> x.spec_hash LIMIT 1";
	static const char *const seen_sql =
		"INSERT OR IGNORE INTO temp.seen(sweep_key, spec_hash, path) "
		"SELECT sweep_key, spec_hash, ?1 FROM src.sweep";
	sqlite3_stmt *s = NULL;
	int rc, ret = 0;

	if (sqlite3_prepare_v2(db, conflict_sql, -1, &s, NULL) != SQLITE_OK)
		return db_fail(db, path, "cannot read the sweep table", err, errlen);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		snprintf(err, errlen,
			 "%s: sweep '%s' has spec hash %s there but %s in %s: two different "
			 "sweeps of one name cannot be merged; nothing merged",
			 path, (const char *)sqlite3_column_text(s, 0),
			 (const char *)sqlite3_column_text(s, 1),
			 (const char *)sqlite3_column_text(s, 2),
			 (const char *)sqlite3_column_text(s, 3));
		ret = -EEXIST;
	} else if (rc != SQLITE_DONE) {
		ret = db_fail(db, path, "cannot read the sweep table", err, errlen);
	}
	sqlite3_finalize(s);
	if (ret)
		return ret;
	if (sqlite3_prepare_v2(db, seen_sql, -1, &s, NULL) != SQLITE_OK)
		return db_fail(db, path, "cannot read the sweep table", err, errlen);
	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		ret = db_fail(db, path, "cannot read the sweep table", err, errlen);
	sqlite3_finalize(s);
	return ret;
}

static int attach(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	sqlite3_stmt *s = NULL;
	char *uri = ro_uri(path);
	int ret = 0;

	if (!uri || sqlite3_prepare_v2(db, "ATTACH ?1 AS src", -1, &s, NULL) != SQLITE_OK) {
		free(uri);
		return db_fail(db, path, "cannot attach", err, errlen);
	}
	sqlite3_bind_text(s, 1, uri, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		ret = db_fail(db, path, "cannot attach", err, errlen);
	sqlite3_finalize(s);
	free(uri);
	if (!ret && count_tables(db, "src") != XS_NTABLES) {
		snprintf(err, errlen, "%s: not a wpsim results database", path);
		sqlite3_exec(db, "DETACH src", NULL, NULL, NULL);
		ret = -EINVAL;
	}
	return ret;
}

/* The SQL of merging the attached "src" into main, in one transaction. */
static const char *const xs_merge_sql =
	"BEGIN IMMEDIATE;\n"
	"INSERT INTO main.sweep(name, spec, created_at, sweep_key, spec_hash)\n"
	"  SELECT name, spec, created_at, sweep_key, spec_hash FROM src.sweep\n"
	"  WHERE sweep_key NOT IN (SELECT sweep_key FROM main.sweep) ORDER BY sweep_id;\n"
	"DELETE FROM temp.smap; DELETE FROM temp.rmap;\n"
	"INSERT INTO temp.smap SELECT s.sweep_id, m.sweep_id FROM src.sweep s\n"
	"  JOIN main.sweep m ON m.sweep_key = s.sweep_key;\n"
	"INSERT INTO temp.mark SELECT coalesce(max(run_id), 0) FROM main.run;\n"
	"INSERT INTO main.run(sweep_id, scenario, seed, status, sim_time_s, wall_time_s,\n"
	"    started_at, version, error, run_key, host)\n"
	"  SELECT smap.new, r.scenario, r.seed, r.status, r.sim_time_s, r.wall_time_s,\n"
	"    r.started_at, r.version, r.error, r.run_key, r.host\n"
	"  FROM src.run r JOIN temp.smap ON smap.old = r.sweep_id\n"
	"  WHERE NOT EXISTS (SELECT 1 FROM main.run m WHERE m.run_key = r.run_key)\n"
	"  ORDER BY r.run_id;\n"
	"INSERT INTO temp.rmap SELECT r.run_id, m.run_id FROM src.run r\n"
	"  JOIN main.run m ON m.run_key = r.run_key\n"
	"  WHERE m.run_id > (SELECT max(last) FROM temp.mark);\n"
	"INSERT INTO main.param(run_id, name, value)\n"
	"  SELECT rmap.new, p.name, p.value FROM src.param p\n"
	"  JOIN temp.rmap ON rmap.old = p.run_id;\n"
	"INSERT INTO main.metric(run_id, name, value)\n"
	"  SELECT rmap.new, x.name, x.value FROM src.metric x\n"
	"  JOIN temp.rmap ON rmap.old = x.run_id;\n"
	"INSERT INTO main.latency(run_id, op, count, mean_us, p50_us, p90_us, p99_us,\n"
	"    p999_us, max_us)\n"
	"  SELECT rmap.new, l.op, l.count, l.mean_us, l.p50_us, l.p90_us, l.p99_us,\n"
	"    l.p999_us, l.max_us FROM src.latency l JOIN temp.rmap ON rmap.old = l.run_id;\n"
	"INSERT INTO main.anomaly(run_id, kind, \"offset\", length, sim_time_s, detail)\n"
	"  SELECT rmap.new, a.kind, a.\"offset\", a.length, a.sim_time_s, a.detail\n"
	"  FROM src.anomaly a JOIN temp.rmap ON rmap.old = a.run_id ORDER BY a.anomaly_id;\n"
	"DELETE FROM temp.mark;\n"
	"COMMIT;\n";

/*
 * Before anything is written: the sweeps of out (when it exists) and of every input
 * must agree on the spec hash of each sweep key. Done on a connection of its own, so a
 * missing out is not created when the merge is refused.
 */
static int merge_check(const char *out, bool out_exists, const char *const *in, int nin, char *err,
		       size_t errlen)
{
	sqlite3 *db = NULL;
	int ret, i;

	if (sqlite3_open_v2(":memory:", &db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI,
			    NULL) != SQLITE_OK) {
		ret = db_fail(db, ":memory:", "cannot open", err, errlen);
		sqlite3_close(db);
		return ret;
	}
	sqlite3_busy_timeout(db, XS_STORE_BUSY_MS);
	ret = exec(db, ":memory:",
		   "CREATE TEMP TABLE seen(sweep_key TEXT PRIMARY KEY, spec_hash TEXT, path TEXT)",
		   err, errlen);
	for (i = out_exists ? -1 : 0; i < nin && !ret; i++) {
		const char *path = i < 0 ? out : in[i];

		ret = attach(db, path, err, errlen);
		if (ret)
			break;
		ret = merge_check_sweeps(db, path, err, errlen);
		sqlite3_exec(db, "DETACH src", NULL, NULL, NULL);
	}
	sqlite3_close(db);
	return ret;
}

int xs_store_merge(const char *out, const char *const *in, int nin, uint64_t *copied,
		   uint64_t *skipped, char *err, size_t errlen)
{
	struct xs_store *st = NULL;
	struct stat so, si;
	bool out_exists;
	int64_t before, nsrc, after;
	int ret, i;

	*copied = *skipped = 0;
	/* every check first: nothing is written unless every input is good */
	ret = xs_store_check_file(out, err, errlen);
	if (ret && ret != -ENOENT)
		return ret;
	out_exists = ret == 0;
	if (out_exists && stat(out, &so)) {
		snprintf(err, errlen, "%s: %s", out, strerror(errno));
		return -EIO;
	}
	for (i = 0; i < nin; i++) {
		ret = xs_store_check_file(in[i], err, errlen);
		if (ret == -ENOENT && access(in[i], F_OK) == 0) {
			snprintf(err, errlen,
				 "%s: empty, not a wpsim results database; nothing merged", in[i]);
			return -EINVAL;
		}
		if (ret)
			return ret;
		if (out_exists && stat(in[i], &si) == 0 && si.st_dev == so.st_dev &&
		    si.st_ino == so.st_ino) {
			snprintf(err, errlen, "%s: the output itself; nothing merged", in[i]);
			return -EINVAL;
		}
	}
	ret = merge_check(out, out_exists, in, nin, err, errlen);
	if (!ret)
		ret = xs_store_open(out, &st, err, errlen);
	if (!ret)
		ret = exec(st->db, out,
			   "CREATE TEMP TABLE smap(old INTEGER PRIMARY KEY, new INTEGER);"
			   "CREATE TEMP TABLE rmap(old INTEGER PRIMARY KEY, new INTEGER);"
			   "CREATE TEMP TABLE mark(last INTEGER)",
			   err, errlen);
	for (i = 0; i < nin && !ret; i++) {
		ret = attach(st->db, in[i], err, errlen);
		if (ret)
			break;
		before = query_int(st->db, "SELECT count(*) FROM main.run");
		nsrc = query_int(st->db, "SELECT count(*) FROM src.run");
		ret = exec(st->db, in[i], xs_merge_sql, err, errlen);
		if (ret)
			rollback(st->db);
		after = query_int(st->db, "SELECT count(*) FROM main.run");
		sqlite3_exec(st->db, "DETACH src", NULL, NULL, NULL);
		if (!ret) {
			*copied += (uint64_t)(after - before);
			*skipped += (uint64_t)(nsrc - (after - before));
		}
	}
	xs_store_close(st);
	return ret;
}
