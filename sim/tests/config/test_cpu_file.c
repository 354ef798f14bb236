/*
 * Cost files (config/cpu_file.h): the table's [cpu] defaults against the measured
 * file they come from, each error of a bad file with its FILE:LINE:, and a scenario
 * naming a cost file with global.cpu, its own [cpu] keys laid over it ($WPSIM_CPU).
 */
#include "config/cpu_file.h"
#include "config/scenario.h"
#include "config/scenario_keys.h"
#include "tests/testhelp.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHIPPED "configs/cpu/linux-6.18.ini"

/* The shipped file's text with key's line replaced by line ("" drops it). */
static void write_variant(const char *path, const char *key, const char *line)
{
	char text[8192] = "", buf[512];
	size_t klen = strlen(key);
	FILE *in = fopen(SHIPPED, "r");

	test_assert(in);
	while (fgets(buf, sizeof(buf), in)) {
		if (key[0] && strncmp(buf, key, klen) == 0 && buf[klen] == ' ') {
			strcat(text, line);
			continue;
		}
		test_assert(strlen(text) + strlen(buf) < sizeof(text));
		strcat(text, buf);
	}
	fclose(in);
	xs_test_write_text(path, text);
}

/* The line number of the first line of path starting with prefix. */
static int line_of(const char *path, const char *prefix)
{
	char buf[512];
	int n = 0;
	FILE *f = fopen(path, "r");

	test_assert(f);
	while (fgets(buf, sizeof(buf), f)) {
		n++;
		if (strncmp(buf, prefix, strlen(prefix)) == 0) {
			fclose(f);
			return n;
		}
	}
	fclose(f);
	return 0;
}

XS_TEST_SUITE(cpu_file_table)
{
	struct xs_scenario *def = calloc(1, sizeof(*def)), *file = calloc(1, sizeof(*file));
	char err[512], why[128], descr[160];
	int k, nkeys = 0;

	test_assert(def && file);
	test_cond("the shipped cost file loads",
		  xs_cpu_file_load(SHIPPED, &file->cpu, err, sizeof(err)) == 0);
	/* one source of truth: every [cpu] default in the table is the measured figure */
	for (k = 0; k < XS_SCN_NKEYS; k++) {
		const struct xs_kt_key *key = &xs_scn_keys[k];

		if (key->sect != SEC_CPU)
			continue;
		nkeys++;
		test_assert(xs_keytab_parse(key, def, key->def, why, sizeof(why)) == XS_KT_OK);
		snprintf(descr, sizeof(descr), "cpu.%s: the table's default is the file's",
			 key->name);
		test_cond(descr,
			  memcmp((char *)def + key->off, (char *)file + key->off, key->len) == 0);
	}
	test_cond("every field of struct xs_cpu_costs is a key",
		  (size_t)nkeys * sizeof(struct xs_dist) == sizeof(struct xs_cpu_costs));
	free(def);
	free(file);
}

XS_TEST_SUITE(cpu_file_errors)
{
	const char *path = xs_test_tmp_path("bad-cpu.ini");
	struct xs_cpu_costs cpu;
	char err[1024], want[1024];
	int line;

	write_variant(path, "fault", "fault = lognormal(1us)\n");
	line = line_of(path, "fault =");
	snprintf(want, sizeof(want), "%s:%d: fault = lognormal(1us): ", path, line);
	test_cond("a bad value: FILE:LINE: key = value",
		  xs_cpu_file_load(path, &cpu, err, sizeof(err)) == -EINVAL &&
			  strncmp(err, want, strlen(want)) == 0 && strstr(err, "(accepted: "));

	write_variant(path, "fault", "fault = 1us\nfualt = 1us\n");
	line = line_of(path, "fualt =");
	snprintf(want, sizeof(want), "%s:%d: fualt = 1us: unknown key (accepted: ", path, line);
	test_cond("an unknown key, with the keys accepted",
		  xs_cpu_file_load(path, &cpu, err, sizeof(err)) == -EINVAL &&
			  strncmp(err, want, strlen(want)) == 0 && strstr(err, "fault_wp"));

	write_variant(path, "syscall", "syscall = 1us\nsyscall = 2us\n");
	snprintf(want, sizeof(want),
		 "%s:%d: syscall = 2us: duplicate key (accepted: once; first at line %d)", path,
		 line_of(path, "syscall =") + 1, line_of(path, "syscall ="));
	test_cond("a duplicate key", xs_cpu_file_load(path, &cpu, err, sizeof(err)) == -EINVAL &&
					     strcmp(err, want) == 0);

	write_variant(path, "zero_4k", "");
	snprintf(want, sizeof(want), "%s: missing key zero_4k (accepted: ", path);
	test_cond("a missing key", xs_cpu_file_load(path, &cpu, err, sizeof(err)) == -EINVAL &&
					   strncmp(err, want, strlen(want)) == 0);

	/* punch_folio: tools/calibrate does not measure it; a file may give it or not */
	{
		struct xs_cpu_costs given, dflt;

		test_cond("the shipped file has no punch_folio (not measured)",
			  line_of(SHIPPED, "punch_folio") == 0);
		write_variant(path, "pte_zap",
			      "pte_zap = lognormal(145.8ns, 0.163)\n"
			      "punch_folio = const(2us)\n");
		test_cond("punch_folio given in a cost file: its figure",
			  xs_cpu_file_load(path, &given, err, sizeof(err)) == 0 &&
				  given.punch_folio.kind == XS_DIST_CONST &&
				  fabs(given.punch_folio.a - 2e-6) < 1e-15);
		test_cond("punch_folio left out: the table's default, not zero",
			  xs_cpu_file_load(SHIPPED, &dflt, err, sizeof(err)) == 0 &&
				  dflt.punch_folio.kind == XS_DIST_LOGNORMAL &&
				  fabs(dflt.punch_folio.a - 179.0e-9) < 1e-12);
	}

	write_variant(path, "pte_zap", "pte_zap = 1ns\n[device]\nlatency = 1us\n");
	snprintf(want, sizeof(want),
		 "%s:%d: latency = 1us: in unknown section [device] (accepted: [cpu])", path,
		 line_of(path, "latency"));
	test_cond("a key of another section",
		  xs_cpu_file_load(path, &cpu, err, sizeof(err)) == -EINVAL &&
			  strcmp(err, want) == 0);

	write_variant(path, "lock", "lock\n");
	snprintf(want, sizeof(want), "%s:%d: lock: syntax error", path, line_of(path, "lock"));
	test_cond("a syntax error", xs_cpu_file_load(path, &cpu, err, sizeof(err)) == -EINVAL &&
					    strncmp(err, want, strlen(want)) == 0);

	snprintf(want, sizeof(want), "%s.none: ", path);
	test_cond("a missing file", xs_cpu_file_load(xs_test_tmp_path("none.ini"), &cpu, err,
						     sizeof(err)) == -ENOENT &&
					    strstr(err, "none.ini: "));
}

/* Load text as a scenario with $WPSIM_CPU = the test's directory. */
static int load(const char *text, struct xs_scenario *sc, char *err, size_t len)
{
	const char *scn = xs_test_tmp_path("cpu-scn.ini");
	int rc;

	xs_test_write_text(scn, text);
	setenv("WPSIM_CPU", xs_test_tmp_dir(), 1);
	rc = xs_scenario_load(scn, NULL, 0, "configs/devices", sc, err, len);
	unsetenv("WPSIM_CPU");
	return rc;
}

XS_TEST_SUITE(cpu_file_scenario)
{
	struct xs_scenario *sc = calloc(1, sizeof(*sc));
	struct xs_cpu_costs slow;
	char err[1024], want[1024];
	int rc;

	test_assert(sc);
	write_variant(xs_test_tmp_path("slow.ini"), "syscall", "syscall = const(7us)\n");
	test_assert(xs_cpu_file_load(xs_test_tmp_path("slow.ini"), &slow, err, sizeof(err)) == 0);
	rc = load("[global]\ncpu = slow\nfile_size = 1m\n[cpu]\nfault = const(3us)\n"
		  "[w]\nkind = writer\n",
		  sc, err, sizeof(err));
	test_cond("global.cpu names a cost file in $WPSIM_CPU", rc == 0);
	test_cond("its figures replace the defaults",
		  sc->cpu.syscall.kind == XS_DIST_CONST && sc->cpu.syscall.a == 7e-6 &&
			  memcmp(&sc->cpu.pte_zap, &slow.pte_zap, sizeof(slow.pte_zap)) == 0);
	test_cond("the scenario's own [cpu] key is laid over it",
		  sc->cpu.fault.kind == XS_DIST_CONST && sc->cpu.fault.a == 3e-6);

	rc = load("[global]\nfile_size = 1m\ncpu = nosuch\n[w]\nkind = writer\n", sc, err,
		  sizeof(err));
	snprintf(want, sizeof(want), "%s:3: cpu = nosuch: no such cost file %s/nosuch.ini",
		 xs_test_tmp_path("cpu-scn.ini"), xs_test_tmp_dir());
	test_cond("a cost file that is not there: the scenario's line",
		  rc == -EINVAL && strncmp(err, want, strlen(want)) == 0 && strstr(err, "slow"));

	write_variant(xs_test_tmp_path("bad.ini"), "copy_4k", "copy_4k = fast\n");
	rc = load("[global]\ncpu = bad\nfile_size = 1m\n[w]\nkind = writer\n", sc, err,
		  sizeof(err));
	snprintf(want, sizeof(want), "%s:%d: copy_4k = fast: ", xs_test_tmp_path("bad.ini"),
		 line_of(xs_test_tmp_path("bad.ini"), "copy_4k"));
	test_cond("a bad cost file: its own FILE:LINE:",
		  rc == -EINVAL && strncmp(err, want, strlen(want)) == 0);
	free(sc);
}
