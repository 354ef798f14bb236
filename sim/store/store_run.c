/*
 * Recording runs in the results database (store.h): the sweep rows, a run with all
 * its rows in one BEGIN IMMEDIATE transaction, the look-ups of --resume, through
 * statements prepared once per connection.
 */
#include "store/store_internal.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum xs_stmt {
	ST_HAS_RUN = 0,
	ST_SWEEP_GET,
	ST_SWEEP_ADD,
	ST_SWEEP_SPEC,
	ST_RUN,
	ST_PARAM,
	ST_METRIC,
	ST_LATENCY,
	ST_LATENCY_GROUP,
	ST_ANOMALY,
	ST_SCHED_ADD,
	ST_SCHED_GET,
	ST_SCHED_PARENT,
	ST_RUN_SCHED,
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
	[ST_LATENCY_GROUP] = "INSERT INTO latency_group(run_id, grp, op, count, mean_us, p50_us, "
			     "p90_us, p99_us, p999_us, max_us) "
			     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[ST_ANOMALY] = "INSERT INTO anomaly(run_id, kind, \"offset\", length, sim_time_s, "
		       "detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_SCHED_ADD] = "INSERT OR IGNORE INTO schedule(scenario, strategy, spec) "
			 "VALUES (?1, ?2, ?3)",
	[ST_SCHED_GET] = "SELECT schedule_id FROM schedule WHERE spec = ?1",
	[ST_SCHED_PARENT] = "UPDATE schedule SET minimal_of = ?2 "
			    "WHERE schedule_id = ?1 AND minimal_of IS NULL AND schedule_id <> ?2",
	[ST_RUN_SCHED] = "INSERT INTO run_schedule(run_id, schedule_id) VALUES (?1, ?2)",
};

_Static_assert(ST_NR == XS_STORE_NSTMT, "XS_STORE_NSTMT counts the statements");

int xs_store_prepare_stmts(struct xs_store *st, char *err, size_t errlen)
{
	int i;

	for (i = 0; i < ST_NR; i++) {
		if (sqlite3_prepare_v3(st->db, xs_stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &st->st[i], NULL) != SQLITE_OK)
			return xs_store_db_fail(st->db, st->path, "cannot prepare a statement", err,
						errlen);
	}
	return 0;
}

void xs_store_finalize_stmts(struct xs_store *st)
{
	int i;

	for (i = 0; i < ST_NR; i++)
		sqlite3_finalize(st->st[i]);
}

void xs_store_now(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
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

	ret = xs_store_exec(st->db, st->path, "BEGIN IMMEDIATE", err, errlen);
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
			xs_store_rollback(st->db);
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
		ret = xs_store_db_fail(st->db, st->path, "cannot read the sweep table", err,
				       errlen);
		xs_store_rollback(st->db);
		return ret;
	}
	if (sqlite3_step(s) != SQLITE_DONE) {
		ret = xs_store_db_fail(st->db, st->path, "cannot write the sweep table", err,
				       errlen);
		xs_store_rollback(st->db);
		return ret;
	}
	if (rc == SQLITE_DONE)
		*sweep_id = sqlite3_last_insert_rowid(st->db);
	return xs_store_exec(st->db, st->path, "COMMIT", err, errlen);
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

/* A latency summary from parameter i on (count, mean, p50 ... max), then the step. */
static int bind_latency(sqlite3_stmt *s, int i, const struct xs_latency *l)
{
	sqlite3_bind_text(s, i, l->op, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, i + 1, (sqlite3_int64)l->count);
	sqlite3_bind_double(s, i + 2, l->mean_us);
	sqlite3_bind_double(s, i + 3, l->p50_us);
	sqlite3_bind_double(s, i + 4, l->p90_us);
	sqlite3_bind_double(s, i + 5, l->p99_us);
	sqlite3_bind_double(s, i + 6, l->p999_us);
	sqlite3_bind_double(s, i + 7, l->max_us);
	return sqlite3_step(s) == SQLITE_DONE ? 0 : -EIO;
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
		s = stmt(st, ST_LATENCY);
		sqlite3_bind_int64(s, 1, id);
		if (bind_latency(s, 2, &r->latency[i]))
			return -EIO;
	}
	for (i = 0; i < r->ngroup_latency; i++) {
		s = stmt(st, ST_LATENCY_GROUP);
		sqlite3_bind_int64(s, 1, id);
		bind_text(s, 2, r->group_latency[i].group);
		if (bind_latency(s, 3, &r->group_latency[i].lat))
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

/* The schedule row of spec, added if missing: 0 and *id, or -EIO. */
static int schedule_id(struct xs_store *st, const struct xs_store_run *r, const char *spec,
		       int64_t *id)
{
	sqlite3_stmt *s = stmt(st, ST_SCHED_ADD);
	int rc;

	bind_text(s, 1, r->scenario);
	bind_text(s, 2, r->schedule_strategy);
	bind_text(s, 3, spec);
	if (sqlite3_step(s) != SQLITE_DONE)
		return -EIO;
	s = stmt(st, ST_SCHED_GET);
	bind_text(s, 1, spec);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : -EIO;
}

/* The run's schedule, its parent's row first, and the run_schedule row. */
static int put_schedule(struct xs_store *st, const struct xs_store_run *r, int64_t run)
{
	int64_t id, parent;
	sqlite3_stmt *s;

	if (!r->schedule_spec)
		return 0;
	if (r->minimal_of_spec && schedule_id(st, r, r->minimal_of_spec, &parent))
		return -EIO;
	if (schedule_id(st, r, r->schedule_spec, &id))
		return -EIO;
	if (r->minimal_of_spec) {
		s = stmt(st, ST_SCHED_PARENT);
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_int64(s, 2, parent);
		if (sqlite3_step(s) != SQLITE_DONE)
			return -EIO;
	}
	s = stmt(st, ST_RUN_SCHED);
	sqlite3_bind_int64(s, 1, run);
	sqlite3_bind_int64(s, 2, id);
	return sqlite3_step(s) == SQLITE_DONE ? 0 : -EIO;
}

int xs_store_put_run(struct xs_store *st, const struct xs_store_run *r, int64_t *run_id, char *err,
		     size_t errlen)
{
	double t0 = xs_store_mono_s();
	sqlite3_stmt *s;
	int64_t id;
	int ret;

	ret = xs_store_exec(st->db, st->path, "BEGIN IMMEDIATE", err, errlen);
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
		xs_store_rollback(st->db);
		return 1;
	}
	id = sqlite3_last_insert_rowid(st->db);
	if (put_rows(st, r, id) || put_schedule(st, r, id))
		goto out_fail;
	ret = xs_store_exec(st->db, st->path, "COMMIT", err, errlen);
	if (ret) {
		xs_store_rollback(st->db);
		return ret;
	}
	*run_id = id;
	st->stats.runs++;
	st->stats.metric_rows += r->nmetrics;
	st->stats.rows += 1 + r->nparams + r->nmetrics + r->nlatency + r->ngroup_latency +
			  r->nanomalies + (r->schedule_spec != NULL);
	st->stats.put_s += xs_store_mono_s() - t0;
	return 0;
out_fail:
	ret = xs_store_db_fail(st->db, st->path, "cannot store the run", err, errlen);
	xs_store_rollback(st->db);
	return ret;
}

void xs_store_get_stats(const struct xs_store *st, struct xs_store_stats *stats)
{
	*stats = st->stats;
}
