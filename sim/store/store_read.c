/*
 * Reading a results database (store_read.h) on SQLite: a read-only connection, the
 * checks that tell bad input from a results database, and one walk per table that the
 * report reads. Rows with a NULL name are skipped here rather than in every caller.
 */
#include "store/store_read.h"

#include <errno.h>
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
	rd = calloc(1, sizeof(*rd));
	if (!rd) {
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		return -ENOMEM;
	}
	rd->path = path;
	if (sqlite3_open_v2(path, &rd->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot open: %s", path, sqlite3_errmsg(rd->db));
		ret = -EIO;
		goto out_close;
	}
	ret = check_tables(rd, err, errlen);
	if (ret)
		goto out_close;
	*out = rd;
	return 0;
out_close:
	xs_store_read_close(rd);
	return ret;
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
