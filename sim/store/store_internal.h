/*
 * What the modules of store/ share (store.c: schema, checks, open; store_run.c:
 * recording; store_merge.c: merge). Not a public interface: the rest of wpsim sees
 * store.h and store_read.h only.
 */
#ifndef XS_STORE_INTERNAL_H
#define XS_STORE_INTERNAL_H

#include "store/store.h"

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#define XS_STORE_NTABLES 6  /* sweep, run, param, metric, latency, anomaly */
#define XS_STORE_NSTMT	 14 /* the prepared statements of store_run.c */

struct xs_store {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *st[XS_STORE_NSTMT];
	struct xs_store_stats stats;
};

/* store.c */

/* Host monotonic time, seconds. */
double xs_store_mono_s(void);

/* "PATH: what: SQLite's message" in err (out of memory without db). Returns -EIO. */
int xs_store_db_fail(sqlite3 *db, const char *path, const char *what, char *err, size_t errlen);

/* Run sql (several statements). Returns 0, or -EIO with "PATH: message" in err. */
int xs_store_exec(sqlite3 *db, const char *path, const char *sql, char *err, size_t errlen);

/* Roll back the open transaction, if any. */
void xs_store_rollback(sqlite3 *db);

/* One integer from a one-row query; -1 on error. */
int64_t xs_store_query_int(sqlite3 *db, const char *sql);

/*
 * How many of our tables the schema "main" or an attached one has; -1 on error.
 * Those of version 1 (XS_STORE_NTABLES of them), and apart the two schedule tables of
 * version 3.
 */
int64_t xs_store_count_tables(sqlite3 *db, const char *schema);
int64_t xs_store_count_schedule_tables(sqlite3 *db, const char *schema);
/* Whether the schema "main" or an attached one has the latency_group table. */
bool xs_store_has_latency_group(sqlite3 *db, const char *schema);

/* "PATH: was written by a newer wpsim (schema version VER, this one reads up to N)..." */
void xs_store_newer_msg(const char *path, int64_t ver, char *err, size_t errlen);

/* store_access.c */

/* Whether SQLite may create the -wal and -shm files beside path. */
bool xs_store_dir_writable(const char *path);

/*
 * 0 when it may, else -errno with "PATH: cannot VERB: the directory D is on a read-only
 * file system (...)" or "... is read-only for this user (...)" in err.
 */
int xs_store_dir_check(const char *path, const char *verb, char *err, size_t errlen);

/*
 * Why SQLite cannot open path for reading: -errno with err when the file is unreadable
 * or its non-empty -wal cannot be read (no -shm can be made beside it); 0 when neither.
 */
int xs_store_read_why(const char *path, char *err, size_t errlen);

/* store_run.c */

/* Prepare the statements of st->st[]. Returns 0, or -EIO with err. */
int xs_store_prepare_stmts(struct xs_store *st, char *err, size_t errlen);

/* Finalize them (those prepared: the others are NULL). */
void xs_store_finalize_stmts(struct xs_store *st);

#endif /* XS_STORE_INTERNAL_H */
