/*
 * Explored runs in the results database (schema version 3, store/store.h and
 * store/store_read.h): runs stored with their schedules read back row by row, the
 * upgrade of a version-2 database, merge matching schedules by spec, and the walks
 * the report reads, on a database built so that each count differs from what a
 * careless query would give.
 */
#include "store/store.h"
#include "store/store_read.h"
#include "tests/testhelp.h"

#include <errno.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCN "scenarios/generic-346.ini"
#define S1  "order=pwriter.0/mmapper.0,pwriter.0@37:write_copy:fail=0"
#define S2  "pwriter.0@37:write_end:suspend"
#define S3  "order=mmapper.0/pwriter.0,mmapper.0@2:fault:lower,pwriter.0@5:write_end:lower"
#define M1  "pwriter.0@37:write_copy:fail=0"

struct sched_run {
	const char *key, *kernel, *seed, *size, *lost;
	const char *spec, *strategy, *minimal_of;
	bool aborted; /* status failed (its metrics must not count) */
};

static int put_sched(struct xs_store *st, int64_t sweep_id, const struct sched_run *s)
{
	const struct xs_store_kv params[] = {
		{"global.kernel", s->kernel},
		{"global.seed", s->seed},
		{"pwriter.size", s->size ? s->size : "4m"},
	};
	const struct xs_store_kv metrics[] = {{"lost_bytes", s->lost},
					      {"invariant_violations", "0"}};
	struct xs_store_run r = {
		.sweep_id = sweep_id,
		.run_key = s->key,
		.scenario = SCN,
		.seed = 1,
		.ok = !s->aborted,
		.error = s->aborted ? "aborted" : NULL,
		.started_at = "2024-01-01T00:00:00Z",
		.version = XS_WPSIM_VERSION,
		.params = params,
		.nparams = 3,
		.metrics = metrics,
		.nmetrics = 2,
		.schedule_spec = s->spec,
		.schedule_strategy = s->strategy,
		.minimal_of_spec = s->minimal_of,
	};
	char err[512];
	int64_t id;
	int ret = xs_store_put_run(st, &r, &id, err, sizeof(err));

	if (ret < 0)
		fprintf(stderr, "  put_sched %s: %s\n", s->key, err);
	return ret;
}

/* One value of a one-row query on a connection of the test's own, as text ("" if NULL). */
static char *q(const char *path, const char *sql)
{
	static char buf[4][1024];
	static int next;
	char *out = buf[next++ % 4];
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;

	snprintf(out, sizeof(buf[0]), "(error)");
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
		int rc = sqlite3_step(s);

		if (rc == SQLITE_ROW)
			snprintf(out, sizeof(buf[0]), "%s",
				 sqlite3_column_type(s, 0) == SQLITE_NULL
					 ? ""
					 : (const char *)sqlite3_column_text(s, 0));
		else if (rc == SQLITE_DONE)
			snprintf(out, sizeof(buf[0]), "(no row)");
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	return out;
}

static bool exec_ok(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	bool ok = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
		  sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;

	sqlite3_close(db);
	return ok;
}

static int64_t new_db(const char *path, struct xs_store **st)
{
	struct xs_store_sweep sw = {"x", "x", "[sweep]", "0123456789abcdef", true};
	char err[512];
	int64_t id = 0;

	test_assert(xs_store_open(path, st, err, sizeof(err)) == 0);
	test_assert(xs_store_sweep(*st, &sw, &id, err, sizeof(err)) == 0);
	return id;
}

XS_TEST_SUITE(store_schedule_rows)
{
	const char *db = xs_test_tmp_path("sched.db");
	/* the minimal form is stored before the schedule it was shrunk from */
	const struct sched_run runs[] = {
		{"m1", "6.1", "1", "8k", "8", M1, "pct", S1, false},
		{"a", "6.1", "1", NULL, "8", S1, "pct", NULL, false},
		{"b", "6.13", "1", NULL, "0", S1, "pct", NULL, false},
		{"c", "6.1", "1", NULL, "0", S2, "delay", NULL, false},
		{"plain", "6.1", "1", NULL, "0", NULL, NULL, NULL, false},
	};
	struct xs_store_stats stats;
	struct xs_store *st;
	int64_t sid = new_db(db, &st);
	size_t i;

	for (i = 0; i < sizeof(runs) / sizeof(runs[0]); i++)
		test_cond("run stored", put_sched(st, sid, &runs[i]) == 0);
	test_cond("a run stored twice: nothing written", put_sched(st, sid, &runs[1]) == 1);
	xs_store_get_stats(st, &stats);
	test_cond("run_schedule rows counted", stats.rows == 5 * 6 + 4);
	xs_store_close(st);

	test_cond("schema version 3", strcmp(q(db, "PRAGMA user_version"), "3") == 0);
	test_cond("one row per spec: 3 schedules",
		  strcmp(q(db, "SELECT count(*) FROM schedule"), "3") == 0);
	test_cond("the parent row added before its minimal form",
		  strcmp(q(db, "SELECT group_concat(spec, '|') FROM (SELECT spec FROM schedule "
			       "ORDER BY schedule_id)"),
			 S1 "|" M1 "|" S2) == 0);
	test_cond("minimal_of is the parent's schedule_id",
		  strcmp(q(db, "SELECT p.spec FROM schedule c JOIN schedule p ON "
			       "p.schedule_id = c.minimal_of WHERE c.spec = '" M1 "'"),
			 S1) == 0);
	test_cond("minimal_of NULL elsewhere",
		  strcmp(q(db, "SELECT count(*) FROM schedule WHERE minimal_of IS NULL"), "2") ==
			  0);
	test_cond("strategy and scenario of the first run of a spec",
		  strcmp(q(db, "SELECT strategy || ' ' || scenario FROM schedule WHERE spec = '" S2
			       "'"),
			 "delay " SCN) == 0);
	test_cond("run_schedule: one row per explored run, none for the plain run",
		  strcmp(q(db, "SELECT group_concat(run_key || '=' || spec, ';') FROM (SELECT "
			       "r.run_key, s.spec FROM run r LEFT JOIN run_schedule rs USING "
			       "(run_id) LEFT JOIN schedule s USING (schedule_id) ORDER BY "
			       "r.run_key)"),
			 "a=" S1 ";b=" S1 ";c=" S2 ";m1=" M1) == 0);
	test_cond("indexes on run_schedule",
		  strcmp(q(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
			       "tbl_name = 'run_schedule'"),
			 "1") == 0 &&
			  strcmp(q(db, "SELECT pk FROM pragma_table_info('run_schedule') WHERE "
				       "name = 'run_id'"),
				 "1") == 0);
}

XS_TEST_SUITE(store_schedule_upgrade)
{
	const char *db = xs_test_tmp_path("v2.db"), *bad = xs_test_tmp_path("v3bad.db");
	const struct sched_run plain = {"p1", "6.1", "1", NULL, "8", NULL, NULL, NULL, false};
	const struct sched_run expl = {"e1", "6.1", "1", NULL, "8", S2, "pct", NULL, false};
	struct xs_store *st;
	char err[512];
	int64_t sid = new_db(db, &st);

	test_assert(put_sched(st, sid, &plain) == 0);
	xs_store_close(st);
	/* version 2 is version 3 without the schedule tables */
	test_assert(exec_ok(db, "DROP TABLE run_schedule; DROP TABLE schedule; "
				"PRAGMA user_version = 2"));
	test_cond("version 2 accepted", xs_store_check_file(db, err, sizeof(err)) == 0);
	test_assert(xs_store_open(db, &st, err, sizeof(err)) == 0);
	test_cond("an explored run stored after the upgrade", put_sched(st, sid, &expl) == 0);
	xs_store_close(st);
	test_cond("upgraded to version 3", strcmp(q(db, "PRAGMA user_version"), "3") == 0);
	test_cond("its run and rows kept",
		  strcmp(q(db, "SELECT r.run_key || ' ' || m.value FROM run r JOIN metric m "
			       "USING (run_id) WHERE r.run_id = 1 AND m.name = 'lost_bytes'"),
			 "p1 8") == 0);
	test_cond("the views still there",
		  strcmp(q(db, "SELECT count(*) FROM sqlite_master WHERE type = 'view'"), "2") ==
			  0);
	test_cond("the new run's schedule",
		  strcmp(q(db, "SELECT spec FROM run_schedule JOIN schedule USING (schedule_id) "
			       "WHERE run_id = 2"),
			 S2) == 0);

	/* version 3 without its schedule tables: refused, not repaired */
	test_assert(xs_store_open(bad, &st, err, sizeof(err)) == 0);
	xs_store_close(st);
	test_assert(exec_ok(bad, "DROP TABLE run_schedule"));
	test_cond("version 3 without run_schedule refused",
		  xs_store_open(bad, &st, err, sizeof(err)) == -EINVAL &&
			  strstr(err, "without all its tables"));
}

XS_TEST_SUITE(store_schedule_merge)
{
	const char *a = xs_test_tmp_path("sa.db"), *b = xs_test_tmp_path("sb.db"),
		   *v2 = xs_test_tmp_path("sv2.db"), *out = xs_test_tmp_path("sout.db");
	/* b numbers its schedules in another order than a: S3 is id 1 there, S2 id 2 */
	const struct sched_run ra[] = {
		{"a1", "6.1", "1", NULL, "8", S1, "pct", NULL, false},
		{"a2", "6.1", "1", NULL, "0", S2, "pct", NULL, false},
	};
	const struct sched_run rb[] = {
		{"b1", "6.13", "1", NULL, "0", S3, "bounded", NULL, false},
		{"b2", "6.13", "1", NULL, "0", S2, "bounded", NULL, false},
		{"b3", "6.13", "1", "8k", "0", M1, "bounded", S1, false},
		{"a2", "6.1", "1", NULL, "0", S2, "pct", NULL, false},
	};
	const struct sched_run rv2 = {"v1", "6.1", "1", NULL, "0", NULL, NULL, NULL, false};
	const char *in[3] = {a, b, v2};
	uint64_t copied, skipped;
	struct xs_store *st;
	char err[512];
	int64_t sid;
	size_t i;

	sid = new_db(a, &st);
	for (i = 0; i < 2; i++)
		test_assert(put_sched(st, sid, &ra[i]) == 0);
	xs_store_close(st);
	sid = new_db(b, &st);
	for (i = 0; i < 4; i++)
		test_assert(put_sched(st, sid, &rb[i]) == 0);
	xs_store_close(st);
	sid = new_db(v2, &st);
	test_assert(put_sched(st, sid, &rv2) == 0);
	xs_store_close(st);
	test_assert(exec_ok(v2, "DROP TABLE run_schedule; DROP TABLE schedule; "
				"PRAGMA user_version = 2"));
	test_cond("b's ids differ from a's",
		  strcmp(q(a, "SELECT schedule_id FROM schedule WHERE spec = '" S1 "'"), "1") ==
				  0 &&
			  strcmp(q(b, "SELECT schedule_id FROM schedule WHERE spec = '" S1 "'"),
				 "3") == 0);

	test_cond("merge of a, b and a version-2 input",
		  xs_store_merge(out, in, 3, &copied, &skipped, err, sizeof(err)) == 0);
	test_cond("each run once", copied == 6 && skipped == 1);
	test_cond("each spec once", strcmp(q(out, "SELECT count(*) || ' ' || count(DISTINCT spec) "
						  "FROM schedule"),
					   "4 4") == 0);
	test_cond("every run follows the schedule it followed in its input",
		  strcmp(q(out, "SELECT group_concat(run_key || '=' || spec, ';') FROM (SELECT "
				"r.run_key, s.spec FROM run r JOIN run_schedule rs USING (run_id) "
				"JOIN schedule s USING (schedule_id) ORDER BY r.run_key)"),
			 "a1=" S1 ";a2=" S2 ";b1=" S3 ";b2=" S2 ";b3=" M1) == 0);
	test_cond("the plain run of the version-2 input has no schedule",
		  strcmp(q(out, "SELECT count(*) FROM run r JOIN run_schedule USING (run_id) "
				"WHERE r.run_key = 'v1'"),
			 "0") == 0 &&
			  strcmp(q(out, "SELECT count(*) FROM run WHERE run_key = 'v1'"), "1") ==
				  0);
	test_cond("minimal_of remapped through the parent's spec",
		  strcmp(q(out, "SELECT p.spec FROM schedule c JOIN schedule p ON "
				"p.schedule_id = c.minimal_of WHERE c.spec = '" M1 "'"),
			 S1) == 0);
	test_cond("merged again: nothing copied, no schedule row added",
		  xs_store_merge(out, in, 3, &copied, &skipped, err, sizeof(err)) == 0 &&
			  copied == 0 &&
			  strcmp(q(out, "SELECT count(*) FROM run_schedule"), "5") == 0 &&
			  strcmp(q(out, "SELECT count(*) FROM schedule"), "4") == 0);
}

/*
 * The database of the walks. Strategy pct, kernels 6.1 and 6.13, seeds varying:
 *   S1  6.1 loses; 6.13 does not (and a 6.13 run aborted with a loss recorded)
 *   S2  6.1 and 6.13 each lose in one of two runs: fails under both
 *   S3  6.1 loses; never run under 6.13: not a "6.1 and not 6.13" schedule
 *   M1  shrunk from S1, with a smaller pwriter.size: 6.1 loses, 6.13 does not
 * Strategy delay: S4 loses under 6.13 only. Run pairs would count S2 under 6.1 and
 * not 6.13, and "no failing 6.13 run" would count S3: the answer is S1 and M1.
 */
#define S4 "mmapper.0@3:fault_mapped:delay=1ms"
static const struct sched_run walk_runs[] = {
	{"1", "6.1", "1", NULL, "8", S1, "pct", NULL, false},
	{"2", "6.13", "1", NULL, "0", S1, "pct", NULL, false},
	{"3", "6.13", "2", NULL, "8", S1, "pct", NULL, true},
	{"4", "6.1", "1", NULL, "16", S2, "pct", NULL, false},
	{"5", "6.1", "2", NULL, "0", S2, "pct", NULL, false},
	{"6", "6.13", "1", NULL, "0", S2, "pct", NULL, false},
	{"7", "6.13", "2", NULL, "8", S2, "pct", NULL, false},
	{"8", "6.1", "3", NULL, "8", S3, "pct", NULL, false},
	{"9", "6.1", "1", "8k", "8", M1, "pct", S1, false},
	{"10", "6.13", "1", "8k", "0", M1, "pct", S1, false},
	{"11", "6.1", "1", NULL, "0", S4, "delay", NULL, false},
	{"12", "6.13", "1", NULL, "8", S4, "delay", NULL, false},
	{"13", "6.1", "9", NULL, "8", NULL, NULL, NULL, false},
};

struct walk_out {
	char text[2048];
	size_t len;
};

__attribute__((format(printf, 2, 3))) static void out_add(struct walk_out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (o->len < sizeof(o->text))
		o->len += (size_t)vsnprintf(o->text + o->len, sizeof(o->text) - o->len, fmt, ap);
	va_end(ap);
}

static void out_group(struct walk_out *o, const struct xs_store_explore_group *g)
{
	size_t i;

	out_add(o, "%s %s", g->strategy ? g->strategy : "-", g->scenario);
	for (i = 0; i < g->nvalues; i++)
		out_add(o, " %s", g->values[i] ? g->values[i] : "-");
}

static int key_fn(void *arg, const char *name)
{
	out_add(arg, "%s;", name);
	return 0;
}

static int group_fn(void *arg, const struct xs_store_explore_group *g,
		    const struct xs_store_explore_counts *c)
{
	out_group(arg, g);
	out_add(arg, ": %llu %llu %llu %llu %s\n", (unsigned long long)c->schedules,
		(unsigned long long)c->runs, (unsigned long long)c->failing_runs,
		(unsigned long long)c->failing_schedules, c->shortest ? c->shortest : "-");
	return 0;
}

static int minimal_fn(void *arg, const struct xs_store_explore_group *g,
		      const struct xs_store_explore_minimal *m)
{
	out_group(arg, g);
	out_add(arg, ": %s of %s %llu/%llu\n", m->spec, m->parent_spec,
		(unsigned long long)m->failing_runs, (unsigned long long)m->runs);
	return 0;
}

static int pair_fn(void *arg, const struct xs_store_explore_group *a,
		   const struct xs_store_explore_group *b, uint64_t common, uint64_t a_not_b)
{
	out_group(arg, a);
	out_add(arg, " vs %s: %llu of %llu\n", b->values[0], (unsigned long long)a_not_b,
		(unsigned long long)common);
	return 0;
}

static int stop_fn(void *arg, const char *name)
{
	(void)arg;
	(void)name;
	return 7;
}

XS_TEST_SUITE(store_schedule_read)
{
	const char *db = xs_test_tmp_path("walk.db"), *plain = xs_test_tmp_path("plain.db");
	struct xs_store_reader *rd;
	struct walk_out o = {0};
	struct xs_store *st;
	char err[512];
	int64_t sid = new_db(db, &st);
	size_t i;

	for (i = 0; i < sizeof(walk_runs) / sizeof(walk_runs[0]); i++)
		test_assert(put_sched(st, sid, &walk_runs[i]) == 0);
	xs_store_close(st);
	sid = new_db(plain, &st);
	test_assert(put_sched(st, sid, &walk_runs[12]) == 0);
	xs_store_close(st);

	test_assert(xs_store_read_open(plain, &rd, err, sizeof(err)) == 0);
	test_cond("plain runs only: not explored",
		  xs_store_read_explored(rd, err, sizeof(err)) == 0);
	test_cond("plain runs only: no group",
		  xs_store_read_explore_groups(rd, group_fn, &o, err, sizeof(err)) == 0 &&
			  o.len == 0);
	xs_store_read_close(rd);
	test_assert(exec_ok(plain, "DROP TABLE run_schedule; DROP TABLE schedule; "
				   "PRAGMA user_version = 2"));
	test_assert(xs_store_read_open(plain, &rd, err, sizeof(err)) == 0);
	test_cond("version 2: not explored, no pair",
		  xs_store_read_explored(rd, err, sizeof(err)) == 0 &&
			  xs_store_read_explore_pairs(rd, pair_fn, &o, err, sizeof(err)) == 0 &&
			  o.len == 0);
	xs_store_read_close(rd);

	test_assert(xs_store_read_open(db, &rd, err, sizeof(err)) == 0);
	test_assert(xs_store_read_begin(rd, err, sizeof(err)) == 0);
	test_cond("explored", xs_store_read_explored(rd, err, sizeof(err)) == 1);
	test_cond("keys walked", xs_store_read_explore_keys(rd, key_fn, &o, err, sizeof(err)) == 0);
	test_cond("the kernel varies; not the seed, nor a key only shrinking changed",
		  strcmp(o.text, "global.kernel;") == 0);
	test_cond("a walk stopped by fn returns fn's value",
		  xs_store_read_explore_keys(rd, stop_fn, NULL, err, sizeof(err)) == 7);

	o.len = 0;
	test_cond("groups walked",
		  xs_store_read_explore_groups(rd, group_fn, &o, err, sizeof(err)) == 0);
	test_cond("groups: schedules, runs, failing runs, failing schedules, shortest",
		  strcmp(o.text, "delay " SCN " 6.1: 1 1 0 0 -\n"
				 "delay " SCN " 6.13: 1 1 1 1 " S4 "\n"
				 "pct " SCN " 6.1: 4 5 4 4 " M1 "\n"
				 "pct " SCN " 6.13: 3 5 1 1 " S2 "\n") == 0);
	if (strstr(o.text, "pct") && !strstr(o.text, "6.13: 3 5 1 1"))
		fprintf(stderr, "%s", o.text);

	o.len = 0;
	test_cond("minimal schedules walked",
		  xs_store_read_explore_minimal(rd, minimal_fn, &o, err, sizeof(err)) == 0);
	test_cond("minimal schedules per group, with their parent",
		  strcmp(o.text, "pct " SCN " 6.1: " M1 " of " S1 " 1/1\n"
				 "pct " SCN " 6.13: " M1 " of " S1 " 0/1\n") == 0);

	o.len = 0;
	test_cond("pairs walked",
		  xs_store_read_explore_pairs(rd, pair_fn, &o, err, sizeof(err)) == 0);
	test_cond("pairs: fail under A and not B, of the schedules run under both",
		  strcmp(o.text, "delay " SCN " 6.1 vs 6.13: 0 of 1\n"
				 "delay " SCN " 6.13 vs 6.1: 1 of 1\n"
				 "pct " SCN " 6.1 vs 6.13: 2 of 3\n"
				 "pct " SCN " 6.13 vs 6.1: 0 of 3\n") == 0);
	if (!strstr(o.text, "6.1 vs 6.13: 2 of 3"))
		fprintf(stderr, "%s", o.text);
	xs_store_read_close(rd);
}
