/*
 * The results database (store/store.h) and sweep files (store/sweep.h), without
 * running a simulation: what a database must refuse and leave byte-identical, a run
 * stored once, merge without loss or duplicates, sweep file errors with FILE:LINE,
 * the expansion of seeds and [vary] lists, run keys and the shard split.
 * Run from the repository root (scenarios/, configs/devices/).
 */
#include "core/xs_types.h"
#include "store/store.h"
#include "sweep/sweep.h"
#include "tests/testhelp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SCN  "scenarios/generic-346.ini"
#define DEVS "configs/devices"

static char tmpdir[] = "/tmp/wpsim-store-XXXXXX";

static void tmp_remove(void)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
}

/* A file in this run's temporary directory (made at the first call). */
static const char *tmp_path(const char *name)
{
	static char buf[8][256];
	static int next;
	char *p = buf[next++ % 8];

	if (strstr(tmpdir, "XXXXXX")) {
		XS_ASSERT(mkdtemp(tmpdir) != NULL);
		atexit(tmp_remove);
	}
	snprintf(p, 256, "%s/%s", tmpdir, name);
	return p;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	XS_ASSERT(f);
	fputs(text, f);
	fclose(f);
}

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
	const char *db = tmp_path("new.db"), *garbage = tmp_path("garbage.db");
	const char *foreign = tmp_path("foreign.db"), *empty = tmp_path("empty.db");
	struct xs_store *st = NULL;
	char err[512], *before;
	size_t len;
	int i;

	test_cond("a missing file may be created",
		  xs_store_check_file(db, err, sizeof(err)) == -ENOENT);
	test_cond("open creates it", xs_store_open(db, &st, err, sizeof(err)) == 0 && st);
	xs_store_close(st);
	test_cond("then it is a wpsim database", xs_store_check_file(db, err, sizeof(err)) == 0);

	write_text(empty, "");
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
	test_cond("no -wal beside it", !exists(tmp_path("garbage.db-wal")));
	free(before);

	/* an SQLite file of someone else: our own database with another application id */
	{
		char *b = slurp(db, &len);
		FILE *f = fopen(foreign, "wb");

		XS_ASSERT(b && f && len >= 100);
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
	test_cond("no -wal or -shm beside it",
		  !exists(tmp_path("foreign.db-wal")) && !exists(tmp_path("foreign.db-shm")));
	free(before);

	/* ours, another schema version */
	{
		char *b = slurp(db, &len);
		FILE *f = fopen(foreign, "wb");

		XS_ASSERT(b && f);
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

		XS_ASSERT(b && f);
		b[63] = (char)XS_STORE_SCHEMA_OLDEST;
		fwrite(b, 1, len, f);
		fclose(f);
		b[63] = (char)(XS_STORE_SCHEMA_OLDEST - 1);
		f = fopen(empty, "wb");
		XS_ASSERT(f);
		fwrite(b, 1, len, f);
		fclose(f);
		free(b);
	}
	test_cond("an older schema version accepted",
		  xs_store_check_file(foreign, err, sizeof(err)) == 0);
	test_cond("one older than the oldest refused",
		  xs_store_check_file(empty, err, sizeof(err)) == -EINVAL &&
			  strstr(err, "schema version"));

	test_cond("a directory refused", xs_store_open(tmpdir, &st, err, sizeof(err)) == -EINVAL);
}

XS_TEST_SUITE(store_runs)
{
	const char *db = tmp_path("runs.db");
	struct xs_store_sweep sw = {"s1", "s1", "[sweep]", "0123456789abcdef", true};
	struct xs_store_sweep other = {"s1", "s1", "[sweep]", "fedcba9876543210", true};
	struct xs_store_stats stats;
	struct xs_store *st = NULL;
	char err[512], hash[64];
	int64_t id = 0, id2 = 0;

	XS_ASSERT(xs_store_open(db, &st, err, sizeof(err)) == 0);
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
	const char *a = tmp_path("ma.db"), *b = tmp_path("mb.db"), *out = tmp_path("mout.db");
	const char *bad = tmp_path("mbad.db"), *out2 = tmp_path("mout2.db");
	struct xs_store_sweep sw = {"spec-0123456789abcdef", "x", "[sweep]", "0123456789abcdef",
				    false};
	const char *in[3];
	struct xs_store *st;
	uint64_t copied, skipped;
	char err[512], *before;
	int64_t id;
	size_t len;

	XS_ASSERT(xs_store_open(a, &st, err, sizeof(err)) == 0);
	XS_ASSERT(xs_store_sweep(st, &sw, &id, err, sizeof(err)) == 0);
	XS_ASSERT(put(st, id, "k|1", 1) == 0 && put(st, id, "k|2", 2) == 0);
	xs_store_close(st);
	XS_ASSERT(xs_store_open(b, &st, err, sizeof(err)) == 0);
	XS_ASSERT(xs_store_sweep(st, &sw, &id, err, sizeof(err)) == 0);
	XS_ASSERT(put(st, id, "k|2", 2) == 0 && put(st, id, "k|3", 3) == 0);
	xs_store_close(st);

	in[0] = a;
	in[1] = b;
	test_cond("merge of overlapping inputs",
		  xs_store_merge(out, in, 2, &copied, &skipped, err, sizeof(err)) == 0);
	test_cond("each run once: 3 copied, 1 already there", copied == 3 && skipped == 1);
	test_cond("merged again: nothing copied",
		  xs_store_merge(out, in, 2, &copied, &skipped, err, sizeof(err)) == 0 &&
			  copied == 0 && skipped == 4);
	XS_ASSERT(xs_store_open(out, &st, err, sizeof(err)) == 0);
	test_cond("every key there", xs_store_has_run(st, "k|1") == 1 &&
					     xs_store_has_run(st, "k|2") == 1 &&
					     xs_store_has_run(st, "k|3") == 1);
	xs_store_close(st);

	write_text(bad, "not a database at all, long enough to have a header........"
			"..............................................................\n");
	before = slurp(out, &len);
	in[0] = a;
	in[1] = bad;
	test_cond("a bad input refused",
		  xs_store_merge(out, in, 2, &copied, &skipped, err, sizeof(err)) == -EINVAL &&
			  strstr(err, bad));
	test_cond("output untouched", same_bytes(out, before, len));
	free(before);
	in[1] = tmp_path("missing.db");
	test_cond("a missing input refused",
		  xs_store_merge(out2, in, 2, &copied, &skipped, err, sizeof(err)) == -ENOENT);
	test_cond("no output created", !exists(out2));
	in[1] = out;
	test_cond("the output as an input refused",
		  xs_store_merge(out, in, 2, &copied, &skipped, err, sizeof(err)) == -EINVAL);
}

/* Load a sweep file of the given text; returns the error and fills sw. */
static int sweep_text(const char *text, struct xs_sweep *sw, char *err, size_t len)
{
	const char *path = tmp_path("t.sweep");

	write_text(path, text);
	return xs_sweep_load(path, DEVS, sw, err, len);
}

XS_TEST_SUITE(sweep_file)
{
	struct xs_sweep sw;
	struct xs_sweep_point pt;
	char err[1024], key[1024];
	int rc;

	rc = sweep_text("[sweep]\nscenario = " SCN "\nseeds = 5-6, 1\n"
			"[vary]\nglobal.kernel = 6.1, 6.2,\n  6.13\n"
			"pwriter.think = const(0), lognormal(1us, 1.0)\n"
			"pwriter.fail_rate = 0.10\n",
			&sw, err, sizeof(err));
	test_cond("a good sweep file loads", rc == 0);
	if (rc) {
		printf("    %s\n", err);
		return;
	}
	test_cond("three axes", sw.naxes == 3);
	test_cond("continuation line adds a value",
		  sw.axes[0].nvals == 3 && strcmp(sw.axes[0].vals[2], "6.13") == 0 &&
			  sw.axes[0].lines[2] == 6);
	test_cond("commas inside parentheses do not split",
		  sw.axes[1].nvals == 2 && strcmp(sw.axes[1].vals[1], "lognormal(1us, 1.0)") == 0);
	test_cond("canonical value text", strcmp(sw.axes[2].canon[0], "0.1") == 0);
	test_cond("3 seeds x 6 combinations", sw.nseeds == 3 && sw.ncombos == 6 && sw.nruns == 18);
	xs_sweep_point(&sw, 0, &pt);
	test_cond("run 0: lowest seed, first values",
		  pt.seed == 1 && pt.val[0] == 0 && pt.val[1] == 0 && pt.val[2] == 0);
	xs_sweep_point(&sw, 7, &pt);
	test_cond("run 7: second seed, last axis fastest",
		  pt.seed == 5 && pt.val[0] == 0 && pt.val[1] == 1);
	xs_sweep_point(&sw, 17, &pt);
	test_cond("last run", pt.seed == 6 && pt.val[0] == 2 && pt.val[1] == 1);
	test_cond("unnamed: keyed by the spec hash",
		  !sw.named && strncmp(sw.sweep_key, "spec-", 5) == 0 &&
			  strcmp(sw.sweep_key + 5, sw.spec_hash) == 0);
	xs_sweep_point(&sw, 1, &pt);
	xs_sweep_run_key(&sw, &pt, key, sizeof(key));
	{
		char want[512];

		snprintf(
			want, sizeof(want),
			"%s|global.kernel=6.1;pwriter.fail_rate=0.1;pwriter.think=lognormal(1e-06, "
			"1)|1",
			sw.sweep_key);
		test_cond("run key: sorted keys, canonical values, seed", strcmp(key, want) == 0);
		if (strcmp(key, want))
			printf("    got %s\n    want %s\n", key, want);
	}
	{
		uint64_t i, n[3] = {0, 0, 0};
		unsigned k;
		int in_one = 1;

		for (i = 0; i < sw.nruns; i++) {
			int shards = 0;

			xs_sweep_point(&sw, i, &pt);
			xs_sweep_run_key(&sw, &pt, key, sizeof(key));
			for (k = 1; k <= 3; k++)
				if (xs_sweep_in_shard(key, k, 3)) {
					shards++;
					n[k - 1]++;
				}
			in_one &= shards == 1;
		}
		test_cond("every run in exactly one of 3 shards", in_one);
		test_cond("shards sum to the sweep", n[0] + n[1] + n[2] == sw.nruns);
	}
	xs_sweep_free(&sw);

	rc = sweep_text("[sweep]\nscenario = " SCN "\nname = g346\n", &sw, err, sizeof(err));
	test_cond("no seeds: the scenario's, one run", rc == 0 && sw.nruns == 1 &&
							       sw.seeds[0].lo == 1 && sw.named &&
							       strcmp(sw.sweep_key, "g346") == 0);
	xs_sweep_free(&sw);
}

XS_TEST_SUITE(sweep_file_errors)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{"[sweep]\nscenario = " SCN "\nbogus = 1\n",
		 ":3: bogus = 1: unknown key in [sweep]"},
		{"[sweep]\nscenario = " SCN "\n[vary]\nglobal.kernel = 6.1, 7.0\n",
		 ":4: global.kernel = 7.0: unknown value (accepted: 6.1"},
		{"[sweep]\nscenario = " SCN "\n[vary]\npwriter.frob = 1\n",
		 ":4: pwriter.frob = 1: unknown key in actor section [pwriter]"},
		{"[sweep]\nscenario = " SCN "\n[vary]\nnosuch.kind = writer\n",
		 ":4: nosuch.kind = writer: no section [nosuch]"},
		{"[sweep]\nscenario = nosuch.ini\n", ":2: scenario = nosuch.ini: No such file"},
		{"[sweep]\nseeds = 1\n", ": no scenario"},
		{"[sweep]\nscenario = " SCN "\nseeds = 1-3, 2\n", ":3: seeds: seed 2 listed twice"},
		{"[sweep]\nscenario = " SCN "\nseeds = 3-1\n",
		 ":3: seeds = 3-1: bad seed or range"},
		{"[sweep]\nscenario = " SCN "\nseeds = x\n", ":3: seeds = x: bad seed"},
		{"[sweep]\nscenario = " SCN "\n[vary]\npwriter.fail_rate = 0.1, 0.10\n",
		 ":4: pwriter.fail_rate = 0.10: the same value as 0.1"},
		{"[sweep]\nscenario = " SCN "\n[vary]\nglobal.seed = 1, 2\n",
		 ":4: global.seed = 1, 2: seeds are not varied here"},
		{"[sweep]\nscenario = " SCN "\n[vary]\nkernel = 6.1\n",
		 ":4: kernel = 6.1: not a scenario key"},
		{"[sweep]\nscenario = " SCN "\n[vary]\nglobal.kernel = 6.1,,6.2\n",
		 ":4: global.kernel = 6.1,,6.2: empty item"},
		{"[sweep]\nscenario = " SCN "\n[extra]\n", ":3: [extra]: unknown section"},
		{"[sweep]\nscenario = " SCN "\nscenario = " SCN "\n", ":3: scenario = "},
		{"[sweep]\nscenario = " SCN "\ntimeout = soon\n",
		 ":3: timeout = soon: bad duration"},
		{"[sweep]\nscenario = " SCN "\nname = spec-x\n", ":3: name = spec-x: bad name"},
		{"seeds = 1\n", ":1: seeds = 1: key outside any section"},
		{"[sweep]\nscenario = " SCN "\nnot a key line\n", ":3: syntax error"},
		{"[sweep]\nscenario = " SCN "\n[vary]\nglobal.file_size = 16m, 0\n",
		 ":4: global.file_size = 0: " SCN ":"},
	};
	struct xs_sweep sw;
	char err[1024], descr[256];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		rc = sweep_text(bad[i].text, &sw, err, sizeof(err));
		snprintf(descr, sizeof(descr), "bad sweep file %zu: %s", i, bad[i].want);
		test_cond(descr, rc != 0 && strstr(err, bad[i].want) != NULL &&
					 strncmp(err, tmp_path("t.sweep"),
						 strlen(tmp_path("t.sweep"))) == 0);
		if (rc == 0 || !strstr(err, bad[i].want))
			printf("    got: %s\n", rc ? err : "(loaded)");
		xs_sweep_free(&sw);
	}
}
