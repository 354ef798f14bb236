/*
 * wpsim: the subcommands (DESIGN.md §8).
 */
#include "actors/run.h"
#include "actors/scenario.h"
#include "io/io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(FILE *f)
{
	fprintf(f,
		"usage: wpsim io [-c CMD]... [SCRIPT]\n"
		"       wpsim run SCENARIO [-s section.key=value]... [--db PATH] [--trace PATH]\n"
		"       wpsim sweep SWEEP [--jobs N] [--db PATH] [--resume]\n"
		"       wpsim report [--db PATH] [--out DIR]\n");
	return 2;
}

static int cmd_io(int argc, char **argv)
{
	char **cmds = calloc((size_t)argc + 1, sizeof(*cmds));
	const char *script = NULL;
	int i, n = 0, ret;

	if (!cmds)
		return 1;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "wpsim io: -c needs a command\n");
				free(cmds);
				return 2;
			}
			cmds[n++] = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "wpsim io: unknown option %s\n", argv[i]);
			free(cmds);
			return 2;
		} else if (!script) {
			script = argv[i];
		} else {
			fprintf(stderr, "wpsim io: one script only (got %s and %s)\n", script,
				argv[i]);
			free(cmds);
			return 2;
		}
	}
	ret = xs_io_main(n, cmds, script, stdout, stderr);
	free(cmds);
	return ret;
}

/* Where device files live: $WPSIM_DEVICES, else configs/devices. */
static const char *devices_dir(void)
{
	const char *d = getenv("WPSIM_DEVICES");

	return d && *d ? d : "configs/devices";
}

static void print_anomalies(FILE *out, const struct xs_run_result *res)
{
	size_t i;

	for (i = 0; i < res->nanomalies; i++) {
		const struct xs_anomaly *a = &res->anomalies[i];

		fprintf(out, "anomaly %s offset=%llu length=%llu t=%.9f: %s\n", a->kind,
			(unsigned long long)a->offset, (unsigned long long)a->length, a->sim_time_s,
			a->detail ? a->detail : "");
	}
}

static int cmd_run(int argc, char **argv)
{
	struct xs_override *ov = calloc((size_t)argc + 1, sizeof(*ov));
	char **owned = calloc((size_t)argc + 1, sizeof(*owned));
	const char *scenario = NULL, *trace = NULL, *db = NULL;
	struct xs_scenario *sc = calloc(1, sizeof(*sc));
	struct xs_run_result res;
	char err[1024];
	int i, nov = 0, ret = 2;

	if (!ov || !owned || !sc)
		goto out;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-s") == 0 && i + 1 < argc) {
			char *kv = strdup(argv[++i]);
			char *dot = kv ? strchr(kv, '.') : NULL;
			char *eq = dot ? strchr(dot, '=') : NULL;

			owned[nov] = kv;
			if (!dot || !eq) {
				fprintf(stderr, "wpsim run: -s %s: expected section.key=value\n",
					argv[i]);
				goto out;
			}
			*dot = '\0';
			*eq = '\0';
			ov[nov].section = kv;
			ov[nov].key = dot + 1;
			ov[nov].value = eq + 1;
			nov++;
		} else if (strcmp(argv[i], "--trace") == 0 && i + 1 < argc) {
			trace = argv[++i];
		} else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			db = argv[++i];
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "wpsim run: unknown option %s\n", argv[i]);
			goto out;
		} else if (!scenario) {
			scenario = argv[i];
		} else {
			fprintf(stderr, "wpsim run: one scenario only (got %s and %s)\n", scenario,
				argv[i]);
			goto out;
		}
	}
	if (!scenario) {
		usage(stderr);
		goto out;
	}
	if (db) {
		fprintf(stderr, "wpsim run: --db %s: the results database is not built yet\n", db);
		goto out;
	}
	if (xs_scenario_load(scenario, ov, nov, devices_dir(), sc, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	if (xs_run(sc, trace, &res, err, sizeof(err))) {
		fprintf(stderr, "wpsim run: %s\n", err);
		ret = 1;
		goto out;
	}
	print_anomalies(stdout, &res);
	xs_run_print_outcomes(stdout, &res);
	xs_run_result_free(&res);
	ret = 0;
out:
	for (i = 0; i < nov + 1 && owned; i++)
		free(owned[i]);
	free(owned);
	free(ov);
	free(sc);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	if (strcmp(argv[1], "io") == 0)
		return cmd_io(argc - 2, argv + 2);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 2, argv + 2);
	if (strcmp(argv[1], "sweep") == 0 || strcmp(argv[1], "report") == 0) {
		fprintf(stderr, "wpsim %s: not built yet (issue 4)\n", argv[1]);
		return 2;
	}
	fprintf(stderr, "wpsim: unknown command %s\n", argv[1]);
	return usage(stderr);
}
