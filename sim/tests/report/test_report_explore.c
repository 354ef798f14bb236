/*
 * The report's section on explored runs (report_explore.c) on databases written
 * through the store's API: two varied keys (their labels and columns), a schedule
 * without a strategy, a schedule that appears in two scenarios, and a database of
 * plain runs that prints no section. The one-key layout is checked on a generated
 * database by sim/tests/analysis.sh.
 */
#include "report/report.h"
#include "store/store.h"
#include "tests/testhelp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define A "scenarios/a.ini"
#define B "scenarios/b.ini"
#define X "pwriter.0@1:write_end:suspend"
#define Y "pwriter.0@2:write_end:suspend"
#define Z "pwriter.0@3:write_end:suspend"
#define HEAD                                                                                     \
	"kernel  pwriter.fail_rate  schedules  runs  failing runs  failing schedules  shortest " \
	"failing schedule\n"

struct xrun {
	const char *key, *scenario, *kernel, *rate, *lost, *spec, *strategy;
};

static void put_all(const char *db, const struct xrun *runs, size_t n)
{
	struct xs_store_sweep sw = {"x", "x", "[sweep]", "0123456789abcdef", true};
	struct xs_store *st;
	char err[512];
	int64_t sid, id;
	size_t i;

	test_assert(xs_store_open(db, &st, err, sizeof(err)) == 0);
	test_assert(xs_store_sweep(st, &sw, &sid, err, sizeof(err)) == 0);
	for (i = 0; i < n; i++) {
		const struct xs_store_kv params[] = {{"global.kernel", runs[i].kernel},
						     {"pwriter.fail_rate", runs[i].rate}};
		const struct xs_store_kv metrics[] = {{"lost_bytes", runs[i].lost}};
		struct xs_store_run r = {
			.sweep_id = sid,
			.run_key = runs[i].key,
			.scenario = runs[i].scenario,
			.ok = true,
			.started_at = "2024-01-01T00:00:00Z",
			.version = XS_WPSIM_VERSION,
			.params = params,
			.nparams = 2,
			.metrics = metrics,
			.nmetrics = 1,
			.schedule_spec = runs[i].spec,
			.schedule_strategy = runs[i].strategy,
		};

		test_assert(xs_store_put_run(st, &r, &id, err, sizeof(err)) == 0);
	}
	xs_store_close(st);
}

/* The report's stdout from its "Explored schedules" line on ("" if none), malloc'd. */
static char *explored_section(const char *db, int *status)
{
	char *buf = NULL, *at, *out;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len), *err = fopen("/dev/null", "w");

	test_assert(f && err);
	*status = xs_report_main(db, xs_test_tmp_path("xreport"), f, err);
	fclose(f);
	fclose(err);
	at = strstr(buf, "\nExplored schedules");
	out = strdup(at ? at + 1 : "");
	if (out && strstr(out, "\nfiles: "))
		*strstr(out, "\nfiles: ") = '\0';
	free(buf);
	return out;
}

XS_TEST_SUITE(report_explore_sections)
{
	const char *db = xs_test_tmp_path("xr.db"), *plain = xs_test_tmp_path("xplain.db");
	/*
	 * Scenario a, strategy pct: X loses under 6.1/0 only, Y nowhere. Scenario b
	 * follows Y too, under b's runs, losing under 6.1: the row of Y is a's (strategy
	 * pct), the runs are counted under b. Z has no strategy. Run 8 is a plain run.
	 */
	const struct xrun runs[] = {
		{"1", A, "6.1", "0", "8", X, "pct"},   {"2", A, "6.13", "0", "0", X, "pct"},
		{"3", A, "6.1", "0.1", "0", X, "pct"}, {"4", A, "6.1", "0", "0", Y, "pct"},
		{"5", A, "6.13", "0", "0", Y, "pct"},  {"6", B, "6.1", "0", "8", Y, NULL},
		{"7", B, "6.13", "0", "0", Y, NULL},   {"8", A, "6.1", "0", "8", NULL, NULL},
		{"9", B, "6.1", "0", "0", Z, NULL},
	};
	const char *want =
		"Explored schedules (runs that followed a schedule; a run fails when its status "
		"is ok and lost_bytes,\n"
		"leaked_delalloc_blocks, deadlocks or invariant_violations is above 0)\n"
		"\n"
		"strategy (none), " B "\n" HEAD
		"6.1     0                          1     1             0                  0  -\n"
		"\n"
		"strategy pct, " A "\n" HEAD
		"6.1     0                          2     2             1                  1  " X
		"\n"
		"6.1     0.1                        1     1             0                  0  -\n"
		"6.13    0                          2     2             0                  0  -\n"
		"schedules that fail under A and not under B, of those run under both:\n"
		"  under kernel=6.1 pwriter.fail_rate=0 and not kernel=6.1 pwriter.fail_rate=0.1: "
		"1 of 1\n"
		"  under kernel=6.1 pwriter.fail_rate=0 and not kernel=6.13 pwriter.fail_rate=0: "
		"1 of 2\n"
		"  under kernel=6.1 pwriter.fail_rate=0.1 and not kernel=6.1 pwriter.fail_rate=0: "
		"0 of 1\n"
		"  under kernel=6.1 pwriter.fail_rate=0.1 and not kernel=6.13 "
		"pwriter.fail_rate=0: 0 of 1\n"
		"  under kernel=6.13 pwriter.fail_rate=0 and not kernel=6.1 pwriter.fail_rate=0: "
		"0 of 2\n"
		"  under kernel=6.13 pwriter.fail_rate=0 and not kernel=6.1 "
		"pwriter.fail_rate=0.1: 0 of 1\n"
		"\n"
		"strategy pct, " B "\n" HEAD
		"6.1     0                          1     1             1                  1  " Y
		"\n"
		"6.13    0                          1     1             0                  0  -\n"
		"schedules that fail under A and not under B, of those run under both:\n"
		"  under kernel=6.1 pwriter.fail_rate=0 and not kernel=6.13 pwriter.fail_rate=0: "
		"1 of 1\n"
		"  under kernel=6.13 pwriter.fail_rate=0 and not kernel=6.1 pwriter.fail_rate=0: "
		"0 of 1\n";
	char *got;
	int status;

	put_all(db, runs, sizeof(runs) / sizeof(runs[0]));
	got = explored_section(db, &status);
	test_cond("report exits 0", status == 0);
	test_cond("two key columns, pairs labelled by both, blocks by strategy and scenario",
		  got && strcmp(got, want) == 0);
	if (got && strcmp(got, want) != 0)
		fprintf(stderr, "%s", got);
	free(got);

	put_all(plain, runs + 7, 1); /* run 8, plain */
	got = explored_section(plain, &status);
	test_cond("plain runs only: no section", status == 0 && got && !*got);
	free(got);
}
