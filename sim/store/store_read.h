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
 * row; a database of a newer wpsim (user_version) is refused. Returns 0 and *out; or
 * -errno with "PATH: problem" in err, the file untouched: the stat error, -EACCES or
 * -EROFS (this user cannot read it, or cannot read its -wal), -EIO (SQLite cannot open
 * it), -EINVAL (not a results database, or a newer one), -ENODATA (no runs in the
 * database). A database in a read-only directory or file system is read as immutable
 * (store_read.c); the directory is left as found: no -wal or -shm made and left.
 */
int xs_store_read_open(const char *path, struct xs_store_reader **out, char *err, size_t errlen);

/*
 * The exit status for a failure ret of xs_store_read_open: 1 when the environment
 * refused (permission, read-only media, memory), 2 for bad input.
 */
int xs_store_read_exit(int ret);

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
 * The name of every run's sweep, in run_id order (NULL when the sweep row is missing).
 * -EINVAL when there is no sweep table (a file the tests made by hand).
 */
int xs_store_read_run_sweeps(struct xs_store_reader *rd,
			     int (*fn)(void *arg, int64_t run_id, const char *sweep), void *arg,
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

/* A row of the per-group latency table latency_group (one run, actor group, op kind). */
struct xs_store_read_lat {
	int64_t run_id;
	const char *grp, *op;
	int64_t count;
	double p50_us, p99_us, max_us;
};

/*
 * Every row of latency_group in (run_id, grp, op) order. Returns 1 without calling fn
 * when the database has no such table (made before it existed).
 */
int xs_store_read_latency_groups(struct xs_store_reader *rd,
				 int (*fn)(void *arg, const struct xs_store_read_lat *row),
				 void *arg, char *err, size_t errlen);

/*
 * Explored runs (schema version 3, `wpsim explore`): the runs with a run_schedule row.
 * A version 1 or 2 database has none. They are grouped by their schedule's strategy,
 * the run's scenario and the values of the varied keys: the params that vary among
 * the ok explored runs of schedules that are not minimal ones (two or more values, or
 * missing from some), global.seed excepted, in name order. Typically that is
 * global.kernel alone, the key of `explore --compare`; minimal schedules are left out
 * of that choice because shrinking may change the workload's own keys.
 *
 * A run fails when its status is ok and one of lost_bytes, leaked_delalloc_blocks,
 * deadlocks (where recorded) and invariant_violations is above 0. A schedule fails in a
 * group when one of its runs there fails. The shortest of a set of schedules is the one
 * of fewest elements (decisions and order), then of shortest text, then bytewise first.
 *
 * The walks below pass strings and arrays that live until fn returns.
 */

/* A group of explored runs. values[i] is the value of varied key i, NULL if missing. */
struct xs_store_explore_group {
	const char *strategy; /* NULL if NULL in the row */
	const char *scenario;
	const char *const *values;
	size_t nvalues;
};

/* What a group holds. */
struct xs_store_explore_counts {
	uint64_t schedules;	    /* distinct schedules followed */
	uint64_t runs;		    /* every status */
	uint64_t failing_runs;	    /* status ok and a failure metric above 0 */
	uint64_t failing_schedules; /* schedules with a failing run */
	const char *shortest;	    /* the shortest failing schedule; NULL if none fails */
};

/* A minimal schedule (minimal_of set) as followed in one group. */
struct xs_store_explore_minimal {
	const char *spec;
	const char *parent_spec; /* the schedule it was shrunk from */
	uint64_t runs, failing_runs;
};

/* Whether the database holds explored runs: 1 yes, 0 no, or -errno with err. */
int xs_store_read_explored(struct xs_store_reader *rd, char *err, size_t errlen);

/* The varied keys, in order (so none: nothing varies). */
int xs_store_read_explore_keys(struct xs_store_reader *rd, int (*fn)(void *arg, const char *name),
			       void *arg, char *err, size_t errlen);

/*
 * Every group, ordered by strategy, scenario, then values (bytewise, missing first),
 * with its counts.
 */
int xs_store_read_explore_groups(struct xs_store_reader *rd,
				 int (*fn)(void *arg, const struct xs_store_explore_group *g,
					   const struct xs_store_explore_counts *c),
				 void *arg, char *err, size_t errlen);

/* Every (group, minimal schedule) followed there, in the groups' order, shortest first. */
int xs_store_read_explore_minimal(struct xs_store_reader *rd,
				  int (*fn)(void *arg, const struct xs_store_explore_group *g,
					    const struct xs_store_explore_minimal *m),
				  void *arg, char *err, size_t errlen);

/*
 * Policy A against policy B on the same schedules: for every two groups a and b of
 * one strategy and scenario, in either order (a's values first), common the number of
 * schedules followed in both and fail_a_not_b those of them that fail in a and in no
 * run of b. Pairs without a common schedule are not passed.
 */
int xs_store_read_explore_pairs(struct xs_store_reader *rd,
				int (*fn)(void *arg, const struct xs_store_explore_group *a,
					  const struct xs_store_explore_group *b, uint64_t common,
					  uint64_t fail_a_not_b),
				void *arg, char *err, size_t errlen);

/* End the read transaction, if any, and close. rd may be NULL. */
void xs_store_read_close(struct xs_store_reader *rd);

#endif /* XS_STORE_READ_H */
