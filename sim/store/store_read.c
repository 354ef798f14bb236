/*
 * Reading a results database (store_read.h) on SQLite: a read-only connection, the
 * checks that tell bad input from a results database, and one walk per table that the
 * report reads. Rows with a NULL name are skipped here rather than in every caller.
 */
#include "store/store_read.h"
#include "store/store_internal.h"

#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct xs_store_reader {
	sqlite3 *db;
	const char *path; /* the caller's: it outlives the reader */
};

static int read_fail(struct xs_store_reader *rd, int ret, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: %s", rd->path, sqlite3_errmsg(rd->db));
	return ret;
}

/* Whether the database has table name: 1 yes, 0 no, -EINVAL with err if unreadable. */
static int has_table(struct xs_store_reader *rd, const char *name, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(rd->db,
				"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", -1,
				&st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	snprintf(err, errlen, "%s: not a wpsim results database: %s", rd->path,
		 sqlite3_errmsg(rd->db));
	return -EINVAL;
}

/* Bad input: not wpsim's tables, no runs. */
static int check_tables(struct xs_store_reader *rd, char *err, size_t errlen)
{
	static const char *const tables[] = {"run", "param", "metric"};
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		rc = has_table(rd, tables[i], err, errlen);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			snprintf(err, errlen, "%s: not a wpsim results database (no %s table)",
				 rd->path, tables[i]);
			return -EINVAL;
		}
	}
	rc = sqlite3_prepare_v2(rd->db, "SELECT 1 FROM run LIMIT 1", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE) {
		snprintf(err, errlen, "%s: no runs in the database", rd->path);
		return -ENODATA;
	}
	if (rc != SQLITE_ROW)
		return read_fail(rd, -EINVAL, err, errlen);
	return 0;
}

/*
 * A database of a newer wpsim is refused, whatever tables it has; one of another
 * application too. application_id 0 is read by its tables: files from the sqlite3 shell.
 */
static int check_version(struct xs_store_reader *rd, char *err, size_t errlen)
{
	int64_t app = xs_store_query_int(rd->db, "PRAGMA application_id");
	int64_t ver = xs_store_query_int(rd->db, "PRAGMA user_version");

	if (app == XS_STORE_APP_ID && ver > XS_STORE_SCHEMA_VERSION) {
		xs_store_newer_msg(rd->path, ver, err, errlen);
		return -EINVAL;
	}
	if (app > 0 && app != XS_STORE_APP_ID) {
		snprintf(err, errlen,
			 "%s: an SQLite database but not a wpsim results database "
			 "(application_id %lld, want %d)",
			 rd->path, (long long)app, XS_STORE_APP_ID);
		return -EINVAL;
	}
	return 0;
}

/* "file:PATH?immutable=1", PATH percent-encoded; false if it does not fit. */
static bool immutable_uri(const char *path, char *buf, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = (size_t)snprintf(buf, len, "file:");
	const unsigned char *p;

	for (p = (const unsigned char *)path; *p && n + 4 < len; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/._-~", *p)) {
			buf[n++] = (char)*p;
		} else {
			buf[n++] = '%';
			buf[n++] = hex[*p >> 4];
			buf[n++] = hex[*p & 15];
		}
	}
	if (*p || n + sizeof("?immutable=1") > len)
		return false;
	memcpy(buf + n, "?immutable=1", sizeof("?immutable=1"));
	return true;
}

/*
 * Open path for reading, leaving the directory as it was. WAL mode reads through
 * path-wal and path-shm, which SQLite makes if missing: where there is none, a
 * read-write connection (query_only) is the one whose close removes them again, where
 * a read-only one would leave them. Where they cannot be made (a read-only directory
 * or file system), no writer can be at work either (it would need path-wal), so the
 * file cannot change while read: SQLite reads it as immutable, without them.
 */
static int open_db(struct xs_store_reader *rd, char *err, size_t errlen)
{
	char side[PATH_MAX + 8], uri[3 * PATH_MAX + 32];
	bool writable = xs_store_dir_writable(rd->path);
	struct stat sb;
	int flags = SQLITE_OPEN_READONLY, ret;

	snprintf(side, sizeof(side), "%s-wal", rd->path);
	if (writable && stat(side, &sb) != 0)
		flags = SQLITE_OPEN_READWRITE;
	if (sqlite3_open_v2(rd->path, &rd->db, flags, NULL) == SQLITE_OK &&
	    sqlite3_exec(rd->db, "PRAGMA query_only = 1; SELECT count(*) FROM sqlite_master", NULL,
			 NULL, NULL) == SQLITE_OK)
		return 0;
	ret = sqlite3_extended_errcode(rd->db) & 0xff;
	if ((ret != SQLITE_CANTOPEN && ret != SQLITE_READONLY) || writable) {
		ret = xs_store_read_why(rd->path, err, errlen);
		return ret ? ret : 1;
	}
	ret = xs_store_read_why(rd->path, err, errlen);
	if (ret)
		return ret;
	sqlite3_close(rd->db);
	rd->db = NULL;
	if (!immutable_uri(rd->path, uri, sizeof(uri))) {
		snprintf(err, errlen, "%s: %s", rd->path, strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	if (sqlite3_open_v2(uri, &rd->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) ==
	    SQLITE_OK)
		return 0;
	snprintf(err, errlen, "%s: cannot open: %s", rd->path, sqlite3_errmsg(rd->db));
	return -EIO;
}

int xs_store_read_open(const char *path, struct xs_store_reader **out, char *err, size_t errlen)
{
	struct xs_store_reader *rd;
	struct stat sb;
	int ret;

	*out = NULL;
	if (stat(path, &sb) != 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	if (S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "%s: a directory, not a results database", path);
		return -EISDIR;
	}
	rd = calloc(1, sizeof(*rd));
	if (!rd) {
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		return -ENOMEM;
	}
	rd->path = path;
	ret = open_db(rd, err, errlen);
	if (ret < 0)
		goto out_close;
	/* ret 1: SQLite's own complaint, which the checks below put in words */
	ret = check_version(rd, err, errlen);
	if (!ret)
		ret = check_tables(rd, err, errlen);
	if (ret)
		goto out_close;
	*out = rd;
	return 0;
out_close:
	xs_store_read_close(rd);
	return ret;
}

int xs_store_read_exit(int ret)
{
	return ret == -EACCES || ret == -EPERM || ret == -EROFS || ret == -ENOMEM ? 1 : 2;
}

int xs_store_read_begin(struct xs_store_reader *rd, char *err, size_t errlen)
{
	if (sqlite3_exec(rd->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return read_fail(rd, -EIO, err, errlen);
	return 0;
}

static int prepare(struct xs_store_reader *rd, const char *sql, sqlite3_stmt **st, char *err,
		   size_t errlen)
{
	if (sqlite3_prepare_v2(rd->db, sql, -1, st, NULL) != SQLITE_OK)
		return read_fail(rd, -EINVAL, err, errlen);
	return 0;
}

/* The end of a walk: fn's return, or the step's failure. */
static int walk_end(struct xs_store_reader *rd, sqlite3_stmt *st, int rc, int ret, char *err,
		    size_t errlen)
{
	sqlite3_finalize(st);
	if (!ret && rc != SQLITE_DONE)
		ret = read_fail(rd, -EIO, err, errlen);
	return ret;
}

static const char *text_or_null(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL
		       ? NULL
		       : (const char *)sqlite3_column_text(st, col);
}

int xs_store_read_run_sweeps(struct xs_store_reader *rd,
			     int (*fn)(void *arg, int64_t run_id, const char *sweep), void *arg,
			     char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc, ret;

	ret = prepare(rd,
		      "SELECT r.run_id, s.name FROM run r LEFT JOIN sweep s "
		      "ON s.sweep_id = r.sweep_id ORDER BY r.run_id",
		      &st, err, errlen);
	if (ret)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((ret = fn(arg, sqlite3_column_int64(st, 0), text_or_null(st, 1))))
			break;
	return walk_end(rd, st, rc, ret, err, errlen);
}

int xs_store_read_runs(struct xs_store_reader *rd,
		       int (*fn)(void *arg, const struct xs_store_read_run *run), void *arg,
		       char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc, ret;

	ret = prepare(rd, "SELECT run_id, seed, status, error, scenario FROM run ORDER BY run_id",
		      &st, err, errlen);
	if (ret)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct xs_store_read_run r = {
			.run_id = sqlite3_column_int64(st, 0),
			.has_seed = sqlite3_column_type(st, 1) != SQLITE_NULL,
			.seed = sqlite3_column_int64(st, 1),
			.status = (const char *)sqlite3_column_text(st, 2),
			.error = (const char *)sqlite3_column_text(st, 3),
			.scenario = text_or_null(st, 4),
		};

		if ((ret = fn(arg, &r)) != 0)
			break;
	}
	return walk_end(rd, st, rc, ret, err, errlen);
}

int xs_store_read_param_names(struct xs_store_reader *rd, bool ok_only,
			      int (*fn)(void *arg, const char *name, uint64_t nvalues,
					uint64_t nruns),
			      void *arg, char *err, size_t errlen)
{
	static const char *const sql =
		"SELECT name, COUNT(DISTINCT CAST(value AS TEXT)), COUNT(DISTINCT run_id)"
		" FROM param WHERE name IS NOT NULL AND value IS NOT NULL"
		" AND run_id IN (SELECT run_id FROM run WHERE status = 'ok' OR ?1)"
		" GROUP BY name ORDER BY name";
	sqlite3_stmt *st;
	int rc, ret;

	ret = prepare(rd, sql, &st, err, errlen);
	if (ret)
		return ret;
	sqlite3_bind_int(st, 1, !ok_only);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);

		if (!name)
			continue;
		ret = fn(arg, name, (uint64_t)sqlite3_column_int64(st, 1),
			 (uint64_t)sqlite3_column_int64(st, 2));
		if (ret)
			break;
	}
	return walk_end(rd, st, rc, ret, err, errlen);
}

int xs_store_read_params(struct xs_store_reader *rd,
			 int (*fn)(void *arg, int64_t run_id, const char *name, const char *value),
			 void *arg, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc, ret;

	ret = prepare(rd,
		      "SELECT run_id, name, CAST(value AS TEXT) FROM param WHERE value IS NOT NULL",
		      &st, err, errlen);
	if (ret)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 1);
		const char *value = (const char *)sqlite3_column_text(st, 2);

		if (!name || !value)
			continue;
		if ((ret = fn(arg, sqlite3_column_int64(st, 0), name, value)) != 0)
			break;
	}
	return walk_end(rd, st, rc, ret, err, errlen);
}

int xs_store_read_metrics(struct xs_store_reader *rd,
			  int (*fn)(void *arg, int64_t run_id, const char *name, double value),
			  void *arg, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc, ret;

	ret = prepare(rd, "SELECT run_id, name, value FROM metric", &st, err, errlen);
	if (ret)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 1);

		if (!name || sqlite3_column_type(st, 2) == SQLITE_NULL)
			continue;
		ret = fn(arg, sqlite3_column_int64(st, 0), name, sqlite3_column_double(st, 2));
		if (ret)
			break;
	}
	return walk_end(rd, st, rc, ret, err, errlen);
}

int xs_store_read_latency_groups(struct xs_store_reader *rd,
				 int (*fn)(void *arg, const struct xs_store_read_lat *row),
				 void *arg, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc, ret = has_table(rd, "latency_group", err, errlen);

	if (ret <= 0)
		return ret == 0 ? 1 : ret;
	ret = prepare(rd,
		      "SELECT run_id, grp, op, count, p50_us, p99_us, max_us FROM latency_group "
		      "ORDER BY run_id, grp, op",
		      &st, err, errlen);
	if (ret)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct xs_store_read_lat row = {
			.run_id = sqlite3_column_int64(st, 0),
			.grp = text_or_null(st, 1),
			.op = text_or_null(st, 2),
			.count = sqlite3_column_int64(st, 3),
			.p50_us = sqlite3_column_double(st, 4),
			.p99_us = sqlite3_column_double(st, 5),
			.max_us = sqlite3_column_double(st, 6),
		};

		if (!row.grp || !row.op)
			continue;
		if ((ret = fn(arg, &row)) != 0)
			break;
	}
	return walk_end(rd, st, rc, ret, err, errlen);
}

void xs_store_read_close(struct xs_store_reader *rd)
{
	if (!rd)
		return;
	/* a read transaction: nothing to commit, but it ends the snapshot cleanly */
	if (rd->db && !sqlite3_get_autocommit(rd->db))
		sqlite3_exec(rd->db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(rd->db);
	free(rd);
}

/* ---- explored runs ---- */

/* The varied keys (store_read.h), read once per walk. */
struct xs_explore_keys {
	char **name;
	size_t n;
};

static void keys_free(struct xs_explore_keys *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		free(k->name[i]);
	free(k->name);
}

/*
 * The explored runs, one row each, with what every walk needs: "er" for the WITH
 * clause of a walk. k1 .. kN are the values of the varied keys, bound as ?1 .. ?N.
 */
static const char *const er_head =
	"WITH er AS (SELECT rs.run_id, rs.schedule_id, s.strategy, r.scenario, s.spec,\n"
	"  s.minimal_of,\n"
	"  CASE s.spec WHEN 'none' THEN 0\n"
	"    ELSE length(s.spec) - length(replace(s.spec, ',', '')) + 1 END AS elements,\n"
	"  r.status = 'ok' AND EXISTS (SELECT 1 FROM metric m WHERE m.run_id = r.run_id\n"
	"    AND m.name IN ('lost_bytes', 'leaked_delalloc_blocks', 'deadlocks',\n"
	"                   'invariant_violations') AND m.value > 0) AS failing";
static const char *const er_tail = "\n"
				   "  FROM run_schedule rs JOIN run r ON r.run_id = rs.run_id\n"
				   "  JOIN schedule s ON s.schedule_id = rs.schedule_id)\n";

int xs_store_read_explored(struct xs_store_reader *rd, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc, ret;

	rc = has_table(rd, "run_schedule", err, errlen);
	if (rc <= 0)
		return rc;
	if (has_table(rd, "schedule", err, errlen) <= 0) {
		snprintf(err, errlen, "%s: not a wpsim results database (no schedule table)",
			 rd->path);
		return -EINVAL;
	}
	ret = prepare(rd, "SELECT 1 FROM run_schedule LIMIT 1", &st, err, errlen);
	if (ret)
		return ret;
	rc = sqlite3_step(st);
	ret = walk_end(rd, st, rc == SQLITE_ROW ? SQLITE_DONE : rc, 0, err, errlen);
	return ret ? ret : rc == SQLITE_ROW;
}

static int add_key(void *arg, const char *name)
{
	struct xs_explore_keys *k = arg;
	char **n = realloc(k->name, (k->n + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	k->name = n;
	if (!(n[k->n] = strdup(name)))
		return -ENOMEM;
	k->n++;
	return 0;
}

int xs_store_read_explore_keys(struct xs_store_reader *rd, int (*fn)(void *arg, const char *name),
			       void *arg, char *err, size_t errlen)
{
	static const char *const sql =
		"WITH er AS (SELECT rs.run_id FROM run_schedule rs\n"
		"  JOIN run r ON r.run_id = rs.run_id\n"
		"  JOIN schedule s ON s.schedule_id = rs.schedule_id\n"
		"  WHERE r.status = 'ok' AND s.minimal_of IS NULL)\n"
		"SELECT name FROM param\n"
		"WHERE name IS NOT NULL AND name <> 'global.seed' AND value IS NOT NULL\n"
		"  AND run_id IN (SELECT run_id FROM er)\n"
		"GROUP BY name\n"
		"HAVING COUNT(DISTINCT CAST(value AS TEXT)) > 1\n"
		"    OR COUNT(DISTINCT run_id) < (SELECT COUNT(*) FROM er)\n"
		"ORDER BY name";
	sqlite3_stmt *st;
	int rc, ret;

	ret = xs_store_read_explored(rd, err, errlen);
	if (ret <= 0)
		return ret;
	ret = prepare(rd, sql, &st, err, errlen);
	if (ret)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((ret = fn(arg, (const char *)sqlite3_column_text(st, 0))) != 0)
			break;
	return walk_end(rd, st, rc, ret, err, errlen);
}

/* A list of the group columns of table t: "t.strategy, t.scenario, t.k1, ..." */
static void put_cols(FILE *f, const char *t, size_t n)
{
	size_t i;

	fprintf(f, "%s.strategy, %s.scenario", t, t);
	for (i = 1; i <= n; i++)
		fprintf(f, ", %s.k%zu", t, i);
}

/*
 * One walk over explored runs: the SQL that body() writes after the WITH clause of
 * er, with the keys bound; row_group() reads a row's group from columns 0, 1
 * (strategy, scenario) and col .. col + N - 1 (the values) into half 0 or 1 of
 * values[] (a pair has two groups). st stays NULL when nothing was explored.
 */
struct explore_walk {
	struct xs_store_reader *rd;
	struct xs_explore_keys keys;
	sqlite3_stmt *st;
	const char **values; /* [2 * keys.n] */
};

static void row_group(struct explore_walk *w, int col, size_t half,
		      struct xs_store_explore_group *g)
{
	size_t i;

	g->strategy = text_or_null(w->st, 0);
	g->scenario = text_or_null(w->st, 1);
	for (i = 0; i < w->keys.n; i++)
		w->values[half * w->keys.n + i] = text_or_null(w->st, col + (int)i);
	g->values = w->values + half * w->keys.n;
	g->nvalues = w->keys.n;
}

static int walk_open(struct xs_store_reader *rd, struct explore_walk *w,
		     void (*body)(FILE *f, size_t n), char *err, size_t errlen)
{
	char *sql = NULL;
	size_t len, i;
	FILE *f;
	int ret;

	memset(w, 0, sizeof(*w));
	w->rd = rd;
	/* no explored runs: no statement, nothing to walk */
	ret = xs_store_read_explored(rd, err, errlen);
	if (ret <= 0)
		return ret;
	ret = xs_store_read_explore_keys(rd, add_key, &w->keys, err, errlen);
	if (ret == -ENOMEM)
		snprintf(err, errlen, "%s: %s", rd->path, strerror(ENOMEM));
	if (ret)
		return ret;
	w->values = calloc(2 * w->keys.n + 1, sizeof(*w->values));
	f = open_memstream(&sql, &len);
	if (!w->values || !f) {
		if (f)
			fclose(f);
		free(sql);
		snprintf(err, errlen, "%s: %s", rd->path, strerror(ENOMEM));
		return -ENOMEM;
	}
	fputs(er_head, f);
	for (i = 1; i <= w->keys.n; i++)
		fprintf(f,
			",\n  (SELECT CAST(p.value AS TEXT) FROM param p\n"
			"    WHERE p.run_id = r.run_id AND p.name = ?%zu) AS k%zu",
			i, i);
	fputs(er_tail, f);
	body(f, w->keys.n);
	if (fclose(f)) {
		free(sql);
		snprintf(err, errlen, "%s: %s", rd->path, strerror(ENOMEM));
		return -ENOMEM;
	}
	ret = prepare(rd, sql, &w->st, err, errlen);
	free(sql);
	for (i = 0; !ret && i < w->keys.n; i++)
		sqlite3_bind_text(w->st, (int)i + 1, w->keys.name[i], -1, SQLITE_STATIC);
	return ret;
}

static void walk_close(struct explore_walk *w)
{
	keys_free(&w->keys);
	free(w->values);
}

static void groups_sql(FILE *f, size_t n)
{
	size_t i;

	fputs("SELECT ", f);
	put_cols(f, "g", n);
	fputs(",\n  COUNT(DISTINCT g.schedule_id), COUNT(*), SUM(g.failing),\n"
	      "  COUNT(DISTINCT CASE WHEN g.failing THEN g.schedule_id END),\n"
	      "  (SELECT e.spec FROM er e WHERE e.failing AND e.strategy IS g.strategy\n"
	      "     AND e.scenario IS g.scenario",
	      f);
	for (i = 1; i <= n; i++)
		fprintf(f, " AND e.k%zu IS g.k%zu", i, i);
	fputs("\n   ORDER BY e.elements, length(e.spec), e.spec LIMIT 1)\nFROM er g GROUP BY ", f);
	put_cols(f, "g", n);
	fputs(" ORDER BY ", f);
	put_cols(f, "g", n);
}

int xs_store_read_explore_groups(struct xs_store_reader *rd,
				 int (*fn)(void *arg, const struct xs_store_explore_group *g,
					   const struct xs_store_explore_counts *c),
				 void *arg, char *err, size_t errlen)
{
	struct xs_store_explore_group g;
	struct xs_store_explore_counts c;
	struct explore_walk w;
	int rc = SQLITE_DONE, ret, col;

	ret = walk_open(rd, &w, groups_sql, err, errlen);
	while (!ret && w.st && (rc = sqlite3_step(w.st)) == SQLITE_ROW) {
		col = 2 + (int)w.keys.n;
		row_group(&w, 2, 0, &g);
		c.schedules = (uint64_t)sqlite3_column_int64(w.st, col);
		c.runs = (uint64_t)sqlite3_column_int64(w.st, col + 1);
		c.failing_runs = (uint64_t)sqlite3_column_int64(w.st, col + 2);
		c.failing_schedules = (uint64_t)sqlite3_column_int64(w.st, col + 3);
		c.shortest = text_or_null(w.st, col + 4);
		ret = fn(arg, &g, &c);
	}
	if (w.st)
		ret = walk_end(rd, w.st, rc, ret, err, errlen);
	walk_close(&w);
	return ret;
}

static void minimal_sql(FILE *f, size_t n)
{
	fputs("SELECT ", f);
	put_cols(f, "g", n);
	fputs(", g.spec,\n"
	      "  (SELECT p.spec FROM schedule p WHERE p.schedule_id = g.minimal_of),\n"
	      "  COUNT(*), SUM(g.failing)\n"
	      "FROM er g WHERE g.minimal_of IS NOT NULL GROUP BY ",
	      f);
	put_cols(f, "g", n);
	fputs(", g.schedule_id ORDER BY ", f);
	put_cols(f, "g", n);
	fputs(", g.elements, length(g.spec), g.spec", f);
}

int xs_store_read_explore_minimal(struct xs_store_reader *rd,
				  int (*fn)(void *arg, const struct xs_store_explore_group *g,
					    const struct xs_store_explore_minimal *m),
				  void *arg, char *err, size_t errlen)
{
	struct xs_store_explore_group g;
	struct xs_store_explore_minimal m;
	struct explore_walk w;
	int rc = SQLITE_DONE, ret, col;

	ret = walk_open(rd, &w, minimal_sql, err, errlen);
	while (!ret && w.st && (rc = sqlite3_step(w.st)) == SQLITE_ROW) {
		col = 2 + (int)w.keys.n;
		row_group(&w, 2, 0, &g);
		m.spec = text_or_null(w.st, col);
		m.parent_spec = text_or_null(w.st, col + 1);
		m.runs = (uint64_t)sqlite3_column_int64(w.st, col + 2);
		m.failing_runs = (uint64_t)sqlite3_column_int64(w.st, col + 3);
		ret = fn(arg, &g, &m);
	}
	if (w.st)
		ret = walk_end(rd, w.st, rc, ret, err, errlen);
	walk_close(&w);
	return ret;
}

/*
 * sg: per group and schedule, whether it fails there; a pair is one join of sg with
 * itself on schedule_id within a strategy and scenario, the values differing.
 */
static void pairs_sql(FILE *f, size_t n)
{
	size_t i;

	fputs(", sg AS (SELECT ", f);
	put_cols(f, "er", n);
	fputs(", er.schedule_id, MAX(er.failing) AS fails FROM er GROUP BY ", f);
	put_cols(f, "er", n);
	fputs(", er.schedule_id)\nSELECT ", f);
	put_cols(f, "a", n);
	for (i = 1; i <= n; i++)
		fprintf(f, ", b.k%zu", i);
	fputs(", COUNT(*), SUM(a.fails AND NOT b.fails)\n"
	      "FROM sg a JOIN sg b ON b.schedule_id = a.schedule_id\n"
	      "  AND b.strategy IS a.strategy AND b.scenario IS a.scenario AND NOT (1",
	      f);
	for (i = 1; i <= n; i++)
		fprintf(f, " AND b.k%zu IS a.k%zu", i, i);
	fputs(")\nGROUP BY ", f);
	put_cols(f, "a", n);
	for (i = 1; i <= n; i++)
		fprintf(f, ", b.k%zu", i);
	fputs(" ORDER BY ", f);
	put_cols(f, "a", n);
	for (i = 1; i <= n; i++)
		fprintf(f, ", b.k%zu", i);
}

int xs_store_read_explore_pairs(struct xs_store_reader *rd,
				int (*fn)(void *arg, const struct xs_store_explore_group *a,
					  const struct xs_store_explore_group *b, uint64_t common,
					  uint64_t fail_a_not_b),
				void *arg, char *err, size_t errlen)
{
	struct xs_store_explore_group a, b;
	struct explore_walk w;
	int rc = SQLITE_DONE, ret, col;

	ret = walk_open(rd, &w, pairs_sql, err, errlen);
	while (!ret && w.st && (rc = sqlite3_step(w.st)) == SQLITE_ROW) {
		col = 2 + 2 * (int)w.keys.n;
		row_group(&w, 2, 0, &a);
		row_group(&w, 2 + (int)w.keys.n, 1, &b);
		ret = fn(arg, &a, &b, (uint64_t)sqlite3_column_int64(w.st, col),
			 (uint64_t)sqlite3_column_int64(w.st, col + 1));
	}
	if (w.st)
		ret = walk_end(rd, w.st, rc, ret, err, errlen);
	walk_close(&w);
	return ret;
}
