/*
 * wpsim merge (store.h): the runs of several results databases copied into one, each
 * input attached read-only and copied in one transaction, after every input has been
 * checked on a connection of its own.
 */
#include "store/store_internal.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
		return xs_store_db_fail(db, path, "cannot read the sweep table", err, errlen);
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
		ret = xs_store_db_fail(db, path, "cannot read the sweep table", err, errlen);
	}
	sqlite3_finalize(s);
	if (ret)
		return ret;
	if (sqlite3_prepare_v2(db, seen_sql, -1, &s, NULL) != SQLITE_OK)
		return xs_store_db_fail(db, path, "cannot read the sweep table", err, errlen);
	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		ret = xs_store_db_fail(db, path, "cannot read the sweep table", err, errlen);
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
		return xs_store_db_fail(db, path, "cannot attach", err, errlen);
	}
	sqlite3_bind_text(s, 1, uri, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		ret = xs_store_db_fail(db, path, "cannot attach", err, errlen);
	sqlite3_finalize(s);
	free(uri);
	if (!ret && xs_store_count_tables(db, "src") != XS_STORE_NTABLES) {
		snprintf(err, errlen, "%s: not a wpsim results database", path);
		sqlite3_exec(db, "DETACH src", NULL, NULL, NULL);
		ret = -EINVAL;
	}
	return ret;
}

/* The SQL of merging the attached "src" into main, inside the caller's transaction. */
static const char *const xs_merge_sql =
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
	"  FROM src.anomaly a JOIN temp.rmap ON rmap.old = a.run_id ORDER BY a.anomaly_id;\n";

/* Then, when the input has it, its latency per actor group. */
static const char *const xs_merge_latency_group_sql =
	"INSERT INTO main.latency_group(run_id, grp, op, count, mean_us, p50_us, p90_us,\n"
	"    p99_us, p999_us, max_us)\n"
	"  SELECT rmap.new, l.grp, l.op, l.count, l.mean_us, l.p50_us, l.p90_us, l.p99_us,\n"
	"    l.p999_us, l.max_us FROM src.latency_group l JOIN temp.rmap ON rmap.old = l.run_id;\n";

/*
 * Then, in the same transaction, the schedules of an input of version 3, matched by
 * spec: the rows out lacks, in the input's order; minimal_of where out has none yet,
 * translated through the parent's spec; run_schedule of the runs copied.
 */
static const char *const xs_merge_schedule_sql =
	"INSERT OR IGNORE INTO main.schedule(scenario, strategy, spec)\n"
	"  SELECT scenario, strategy, spec FROM src.schedule ORDER BY schedule_id;\n"
	"UPDATE main.schedule SET minimal_of = (\n"
	"    SELECT mp.schedule_id FROM src.schedule c\n"
	"    JOIN src.schedule p ON p.schedule_id = c.minimal_of\n"
	"    JOIN main.schedule mp ON mp.spec = p.spec\n"
	"    WHERE c.spec = main.schedule.spec)\n"
	"  WHERE minimal_of IS NULL AND spec IN (\n"
	"    SELECT c.spec FROM src.schedule c\n"
	"    JOIN src.schedule p ON p.schedule_id = c.minimal_of WHERE p.spec <> c.spec);\n"
	"INSERT INTO main.run_schedule(run_id, schedule_id)\n"
	"  SELECT rmap.new, m.schedule_id FROM src.run_schedule rs\n"
	"  JOIN temp.rmap ON rmap.old = rs.run_id\n"
	"  JOIN src.schedule s ON s.schedule_id = rs.schedule_id\n"
	"  JOIN main.schedule m ON m.spec = s.spec ORDER BY rmap.new;\n";

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
		ret = xs_store_db_fail(db, ":memory:", "cannot open", err, errlen);
		sqlite3_close(db);
		return ret;
	}
	sqlite3_busy_timeout(db, XS_STORE_BUSY_MS);
	ret = xs_store_exec(
		db, ":memory:",
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
	int64_t before = 0, nsrc = 0, after = 0;
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
		ret = xs_store_exec(st->db, out,
				    "CREATE TEMP TABLE smap(old INTEGER PRIMARY KEY, new INTEGER);"
				    "CREATE TEMP TABLE rmap(old INTEGER PRIMARY KEY, new INTEGER);"
				    "CREATE TEMP TABLE mark(last INTEGER)",
				    err, errlen);
	for (i = 0; i < nin && !ret; i++) {
		ret = attach(st->db, in[i], err, errlen);
		if (ret)
			break;
		/*
		 * The counts are taken inside the transaction, under its write lock: a sweep
		 * storing runs into the same database meanwhile cannot come between them.
		 */
		ret = xs_store_exec(st->db, out, "BEGIN IMMEDIATE", err, errlen);
		if (!ret) {
			before = xs_store_query_int(st->db, "SELECT count(*) FROM main.run");
			nsrc = xs_store_query_int(st->db, "SELECT count(*) FROM src.run");
			ret = xs_store_exec(st->db, in[i], xs_merge_sql, err, errlen);
		}
		if (!ret && xs_store_has_latency_group(st->db, "src"))
			ret = xs_store_exec(st->db, in[i], xs_merge_latency_group_sql, err, errlen);
		if (!ret && xs_store_count_schedule_tables(st->db, "src") == 2)
			ret = xs_store_exec(st->db, in[i], xs_merge_schedule_sql, err, errlen);
		if (!ret) {
			after = xs_store_query_int(st->db, "SELECT count(*) FROM main.run");
			ret = xs_store_exec(st->db, in[i], "DELETE FROM temp.mark; COMMIT", err,
					    errlen);
		}
		if (ret)
			xs_store_rollback(st->db);
		sqlite3_exec(st->db, "DETACH src", NULL, NULL, NULL);
		if (!ret) {
			*copied += (uint64_t)(after - before);
			*skipped += (uint64_t)(nsrc - (after - before));
		}
	}
	xs_store_close(st);
	return ret;
}
