/*
 * Reading a results database (store.h) without writing to it: what `wpsim report`
 * needs, its runs, params and metrics, handed over row by row through callbacks so
 * that no SQLite type leaves store/.
 *
 * The connection is read-only and never upgrades or creates anything: a database of
 * schema version 1 (before the analysis views) reads like the current one, and so does
 * any SQLite file that has run, param and metric tables of the columns read here (the
 * tests generate such files with the sqlite3 shell).
 *
 * Every walk calls fn once per row; a nonzero return of fn stops the walk and is
 * returned as is, err untouched. A walk's own failure is -EINVAL when its query cannot
 * be prepared (the tables lack a column: bad input) and -EIO when a row cannot be read,
 * with "PATH: SQLite's message" in err.
 */
#ifndef XS_STORE_READ_H
#define XS_STORE_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xs_store_reader;

/* One row of the run table. Strings live until fn returns. */
struct xs_store_read_run {
	int64_t run_id;
	bool has_seed; /* run.seed is not NULL */
	int64_t seed;
	const char *status;   /* NULL if NULL in the row */
	const char *error;    /* NULL if NULL in the row */
	const char *scenario; /* NULL if NULL in the row */
};

/*
 * Open path read-only, after the checks of bad input, in this order: path exists
 * (stat), SQLite opens it, it has run, param and metric tables, the run table has a
 * row. Returns 0 and *out; or -errno with "PATH: problem" in err, the file untouched:
 * the stat error, -EIO (SQLite cannot open it), -EINVAL (not a results database),
 * -ENODATA (no runs in the database). Every failure is bad input to the caller.
 */
int xs_store_read_open(const char *path, struct xs_store_reader **out, char *err, size_t errlen);

/*
 * Start one read transaction, kept until xs_store_read_close(): the walks that follow
 * see one snapshot while a sweep may be committing runs. Returns 0 or -EIO with err.
 */
int xs_store_read_begin(struct xs_store_reader *rd, char *err, size_t errlen);

/* Every run, in run_id order. */
int xs_store_read_runs(struct xs_store_reader *rd,
		       int (*fn)(void *arg, const struct xs_store_read_run *run), void *arg,
		       char *err, size_t errlen);

/*
 * Every param name with a non-NULL value, in name order (bytewise), with nvalues the
 * number of its distinct values as text and nruns the number of runs that have it,
 * both counted over the params of the runs with status 'ok' (of every run when
 * ok_only is false).
 */
int xs_store_read_param_names(struct xs_store_reader *rd, bool ok_only,
			      int (*fn)(void *arg, const char *name, uint64_t nvalues,
					uint64_t nruns),
			      void *arg, char *err, size_t errlen);

/*
 * Every param row whose name and value are not NULL, the value as text, in the
 * table's order. name and value live until fn returns.
 */
int xs_store_read_params(struct xs_store_reader *rd,
			 int (*fn)(void *arg, int64_t run_id, const char *name, const char *value),
			 void *arg, char *err, size_t errlen);

/*
 * Every metric row whose name and value are not NULL, in the table's order, the value
 * as a number (SQLite's conversion: text that does not start with a number reads 0).
 */
int xs_store_read_metrics(struct xs_store_reader *rd,
			  int (*fn)(void *arg, int64_t run_id, const char *name, double value),
			  void *arg, char *err, size_t errlen);

/* End the read transaction, if any, and close. rd may be NULL. */
void xs_store_read_close(struct xs_store_reader *rd);

#endif /* XS_STORE_READ_H */
