/*
 * Sweep files (sweep/sweep.h), without running a simulation: errors with FILE:LINE,
 * the duplicate key as a sweep file reports it, the expansion of seeds and [vary]
 * lists, run keys and the shard split. Run from the repository root (scenarios/,
 * configs/devices/).
 */
#include "sweep/sweep.h"
#include "tests/testhelp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SCN  "scenarios/generic-346.ini"
#define DEVS "configs/devices"

XS_TEST_SUITE(sweep_duplicate_key)
{
	char spath[64], err[1024], want[1024];
	struct xs_sweep sw;
	int rc;

	/* a sweep file */
	rc = xs_test_write_tmp("[sweep]\nscenario = scenarios/generic-346.ini\ntimeout = 1m\n"
			       "timeout = 2m\n",
			       spath, sizeof(spath), ".ini");
	test_cond("sweep file written", rc == 0);
	rc = xs_sweep_load(spath, "configs/devices", &sw, err, sizeof(err));
	snprintf(want, sizeof(want), "%s:4: timeout = 2m: given twice (first on line 3)", spath);
	test_cond("sweep: a duplicate key", rc == -EINVAL && strcmp(err, want) == 0);
	xs_sweep_free(&sw);
	unlink(spath);

	/* a sweep's seeds may be given again */
	rc = xs_test_write_tmp(
		"[sweep]\nscenario = scenarios/generic-346.ini\nseeds = 1-2\nseeds = 5\n", spath,
		sizeof(spath), ".ini");
	rc = rc ? rc : xs_sweep_load(spath, "configs/devices", &sw, err, sizeof(err));
	test_cond("sweep: seeds twice add up", rc == 0 && sw.nseeds == 3);
	xs_sweep_free(&sw);
	unlink(spath);
}

/* Load a sweep file of the given text; returns the error and fills sw. */
static int sweep_text(const char *text, struct xs_sweep *sw, char *err, size_t len)
{
	const char *path = xs_test_tmp_path("t.sweep");

	xs_test_write_text(path, text);
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
					 strncmp(err, xs_test_tmp_path("t.sweep"),
						 strlen(xs_test_tmp_path("t.sweep"))) == 0);
		if (rc == 0 || !strstr(err, bad[i].want))
			printf("    got: %s\n", rc ? err : "(loaded)");
		xs_sweep_free(&sw);
	}
}
