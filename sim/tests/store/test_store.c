/*
 * The results database (store/store.h), without running a simulation: what a
 * database must refuse and leave byte-identical, a run stored once, merge without
 * loss or duplicates.
 */
#include "store/store.h"
#include "tests/testhelp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SCN "scenarios/generic-346.ini"

/* Whole file, or NULL. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n + 1);
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return b;
}

static bool same_bytes(const char *path, const char *before, size_t len)
{
	size_t n;
	char *now = slurp(path, &n);
	bool same = now && n == len && memcmp(now, before, len) == 0;

	free(now);
	return same;
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* One run with a param, two metrics, a latency row and an anomaly. */
static int put(struct xs_store *st, int64_t sweep_id, const char *key, uint64_t seed)
{
	static const struct xs_store_kv params[] = {{"global.kernel", "6.1"}, {"global.seed", "1"}};
	static const struct xs_store_kv metrics[] = {{"lost_bytes", "8"}, {"sim_time_s", "0.5"}};
	struct xs_latency lat = {.op = "write", .count = 3, .mean_us = 1, .max_us = 2};
	struct xs_anomaly an = {.kind = "lost", .offset = 4096, .length = 8, .detail = "x"};
	struct xs_store_run r = {
		.sweep_id = sweep_id,
		.run_key = key,
		.scenario = SCN,
		.seed = seed,
		.ok = true,
		.has_sim_time = true,
		.sim_time_s = 0.5,
		.started_at = "2024-01-01T00:00:00Z",
		.version = XS_WPSIM_VERSION,
		.host = "h",
		.params = params,
		.nparams = 2,
		.metrics = metrics,
		.nmetrics = 2,
		.latency = &lat,
		.nlatency = 1,
		.anomalies = &an,
		.nanomalies = 1,
	};
	char err[512];
	int64_t id;

	return xs_store_put_run(st, &r, &id, err, sizeof(err));
}

XS_TEST_SUITE(store_refuse)
{
	const char *db = xs_test_tmp_path("new.db"), *garbage = xs_test_tmp_path("garbage.db");
	const char *foreign = xs_test_tmp_path("foreign.db"), *empty = xs_test_tmp_path("empty.db");
	struct xs_store *st = NULL;
	char err[512], *before;
	size_t len;
	int i;

	test_cond("a missing file may be created",
		  xs_store_check_file(db, err, sizeof(err)) == -ENOENT);
	test_cond("open creates it", xs_store_open(db, &st, err, sizeof(err)) == 0 && st);
	xs_store_close(st);
	test_cond("then it is a wpsim database", xs_store_check_file(db, err, sizeof(err)) == 0);

	xs_test_write_text(empty, "");
	test_cond("an empty file may be created",
		  xs_store_check_file(empty, err, sizeof(err)) == -ENOENT);

	{
		FILE *f = fopen(garbage, "wb");

		for (i = 0; i < 4096; i++)
			fputc((i * 7919) & 0xff, f);
		fclose(f);
	}
	before = slurp(garbage, &len);
	test_cond("garbage refused", xs_store_open(garbage, &st, err, sizeof(err)) == -EINVAL);
	test_cond("the message names the file", strstr(err, garbage) != NULL);
	test_cond("garbage left byte-identical", same_bytes(garbage, before, len));
	test_cond("no -wal beside it", !exists(xs_test_tmp_path("garbage.db-wal")));
	free(before);

	/* an SQLite file of someone else: our own database with another application id */
	{
		char *b = slurp(db, &len);
		FILE *f = fopen(foreign, "wb");

		test_assert(b && f && len >= 100);
		b[68] ^= 0x55;
		fwrite(b, 1, len, f);
		fclose(f);
		free(b);
	}
	before = slurp(foreign, &len);
	test_cond("a foreign SQLite file refused",
		  xs_store_open(foreign, &st, err, sizeof(err)) == -EINVAL &&
			  strstr(err, "not a wpsim results database"));
	test_cond("foreign file left byte-identical", same_bytes(foreign, before, len));
	test_cond("no -wal or -shm beside it", !exists(xs_test_tmp_path("foreign.db-wal")) &&
						       !exists(xs_test_tmp_path("foreign.db-shm")));
	free(before);

	/* ours, another schema version */
	{
		char *b = slurp(db, &len);
		FILE *f = fopen(foreign, "wb");

		test_assert(b && f);
		b[63] = (char)(XS_STORE_SCHEMA_VERSION + 1);
		fwrite(b, 1, len, f);
		fclose(f);
		free(b);
	}
	before = slurp(foreign, &len);
	test_cond("another schema version refused",
		  xs_store_open(foreign, &st, err, sizeof(err)) == -EINVAL &&
			  strstr(err, "schema version"));
	test_cond("it is left byte-identical", same_bytes(foreign, before, len));
	free(before);

	/* ours, the oldest version this wpsim reads (the upgrade itself: analysis.sh) */
	{
		char *b = slurp(db, &len);
		FILE *f = fopen(foreign, "wb");

		test_assert(b && f);
		b[63] = (char)XS_STORE_SCHEMA_OLDEST;
		fwrite(b, 1, len, f);
		fclose(f);
		b[63] = (char)(XS_STORE_SCHEMA_OLDEST - 1);
		f = fopen(empty, "wb");
		test_assert(f);
		fwrite(b, 1, len, f);
		fclose(f);
		free(b);
	}
	test_cond("an older schema version accepted",
		  xs_store_check_file(foreign, err, sizeof(err)) == 0);
	test_cond("one older than the oldest refused",
		  xs_store_check_file(empty, err, sizeof(err)) == -EINVAL &&
			  strstr(err, "schema version"));

	test_cond("a directory refused",
		  xs_store_open(xs_test_tmp_dir(), &st, err, sizeof(err)) == -EINVAL);
}

XS_TEST_SUITE(store_runs)
{
	const char *db = xs_test_tmp_path("runs.db");
	struct xs_store_sweep sw = {"s1", "s1", "[sweep]", "0123456789abcdef", true};
	struct xs_store_sweep other = {"s1", "s1", "[sweep]", "fedcba9876543210", true};
	struct xs_store_stats stats;
	struct xs_store *st = NULL;
	char err[512], hash[64];
	int64_t id = 0, id2 = 0;

	test_assert(xs_store_open(db, &st, err, sizeof(err)) == 0);
	test_cond("sweep row created", xs_store_sweep(st, &sw, &id, err, sizeof(err)) == 0 && id);
	test_cond("found again", xs_store_sweep(st, &sw, &id2, err, sizeof(err)) == 0 && id2 == id);
	test_cond("its hash", xs_store_sweep_hash(st, "s1", hash, sizeof(hash)) == 1 &&
				      strcmp(hash, sw.spec_hash) == 0);
	test_cond("a named sweep with another spec is refused",
		  xs_store_sweep(st, &other, &id2, err, sizeof(err)) == -EEXIST);
	test_cond("no such run yet", xs_store_has_run(st, "s1||1") == 0);
	test_cond("run stored", put(st, id, "s1||1", 1) == 0);
	test_cond("run found", xs_store_has_run(st, "s1||1") == 1);
	test_cond("the same run again is not stored", put(st, id, "s1||1", 1) == 1);
	test_cond("another run stored", put(st, id, "s1||2", 2) == 0);
	xs_store_get_stats(st, &stats);
	test_cond("stats count runs and rows",
		  stats.runs == 2 && stats.metric_rows == 4 && stats.rows == 2 * 7);
	xs_store_close(st);
}

XS_TEST_SUITE(store_merge)
{
	const char *a = xs_test_tmp_path("ma.db"), *b = xs_test_tmp_path("mb.db"),
		   *out = xs_test_tmp_path("mout.db");
	const char *bad = xs_test_tmp_path("mbad.db"), *out2 = xs_test_tmp_path("mout2.db");
	struct xs_store_sweep sw = {"spec-0123456789abcdef", "x", "[sweep]", "0123456789abcdef",
				    false};
	const char *in[3];
	struct xs_store *st;
	uint64_t copied, skipped;
	char err[512], *before;
	int64_t id;
	size_t len;

	test_assert(xs_store_open(a, &st, err, sizeof(err)) == 0);
	test_assert(xs_store_sweep(st, &sw, &id, err, sizeof(err)) == 0);
	test_assert(put(st, id, "k|1", 1) == 0 && put(st, id, "k|2", 2) == 0);
	xs_store_close(st);
	test_assert(xs_store_open(b, &st, err, sizeof(err)) == 0);
	test_assert(xs_store_sweep(st, &sw, &id, err, sizeof(err)) == 0);
	test_assert(put(st, id, "k|2", 2) == 0 && put(st, id, "k|3", 3) == 0);
	xs_store_close(st);

	in[0] = a;
	in[1] = b;
	test_cond("merge of overlapping inputs",
		  xs_store_merge(out, in, 2, &copied, &skipped, err, sizeof(err)) == 0);
	test_cond("each run once: 3 copied, 1 already there", copied == 3 && skipped == 1);
	test_cond("merged again: nothing copied",
		  xs_store_merge(out, in, 2, &copied, &skipped, err, sizeof(err)) == 0 &&
			  copied == 0 && skipped == 4);
	test_assert(xs_store_open(out, &st, err, sizeof(err)) == 0);
	test_cond("every key there", xs_store_has_run(st, "k|1") == 1 &&
					     xs_store_has_run(st, "k|2") == 1 &&
					     xs_store_has_run(st, "k|3") == 1);
	xs_store_close(st);

	xs_test_write_text(bad, "not a database at all, long enough to have a header........"
				"..............................................................\n");
	before = slurp(out, &len);
	in[0] = a;
	in[1] = bad;
	test_cond("a bad input refused",
		  xs_store_merge(out, in, 2, &copied, &skipped, err, sizeof(err)) == -EINVAL &&
			  strstr(err, bad));
	test_cond("output untouched", same_bytes(out, before, len));
	free(before);
	in[1] = xs_test_tmp_path("missing.db");
	test_cond("a missing input refused",
		  xs_store_merge(out2, in, 2, &copied, &skipped, err, sizeof(err)) == -ENOENT);
	test_cond("no output created", !exists(out2));
	in[1] = out;
	test_cond("the output as an input refused",
		  xs_store_merge(out, in, 2, &copied, &skipped, err, sizeof(err)) == -EINVAL);
}
