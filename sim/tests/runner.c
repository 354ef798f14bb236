/*
 * Runner of the unit tests: runs every registered suite (or only those named as
 * arguments) and prints "N passed, N failed". Exit status 1 on any failure. Also the
 * temporary files some suites write (testhelp.h), linked into every test binary.
 */
#include "tests/testhelp.h"

#include <stdlib.h>
#include <string.h>

#define XS_MAX_SUITES 256

static struct xs_test_suite suites[XS_MAX_SUITES];
static int nsuites;
static int passed, failed;
static int verbose;

void xs_test_register(const char *name, void (*fn)(void))
{
	if (nsuites == XS_MAX_SUITES) {
		fprintf(stderr, "too many test suites\n");
		abort();
	}
	suites[nsuites].name = name;
	suites[nsuites].fn = fn;
	nsuites++;
}

void xs_test_result(int ok, const char *descr, const char *file, int line)
{
	if (ok) {
		passed++;
		if (verbose)
			printf("  ok   %s\n", descr);
	} else {
		failed++;
		printf("  FAIL %s (%s:%d)\n", descr, file, line);
	}
}

static char tmpdir[] = "/tmp/wpsim-test-XXXXXX";

static void tmp_remove(void)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
}

_Noreturn void xs_test_assert_fail(const char *expr, const char *file, int line, const char *func)
{
	fprintf(stderr, "tests: assertion failed: %s (%s:%d, %s)\n", expr, file, line, func);
	abort();
}

const char *xs_test_tmp_dir(void)
{
	if (strstr(tmpdir, "XXXXXX")) {
		test_assert(mkdtemp(tmpdir) != NULL);
		atexit(tmp_remove);
	}
	return tmpdir;
}

const char *xs_test_tmp_path(const char *name)
{
	static char buf[8][256];
	static int next;
	char *p = buf[next++ % 8];

	snprintf(p, 256, "%s/%s", xs_test_tmp_dir(), name);
	return p;
}

void xs_test_write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	test_assert(f);
	fputs(text, f);
	fclose(f);
}

int xs_test_write_tmp(const char *text, char *path, size_t len, const char *suffix)
{
	int fd;
	FILE *f;

	snprintf(path, len, "/tmp/wpsim-kt-XXXXXX%s", suffix);
	fd = mkstemps(path, (int)strlen(suffix));
	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static int suite_cmp(const void *a, const void *b)
{
	return strcmp(((const struct xs_test_suite *)a)->name,
		      ((const struct xs_test_suite *)b)->name);
}

int main(int argc, char **argv)
{
	int i, j, first = 1;
	const char *label;

	if (argc > first && strcmp(argv[first], "-v") == 0) {
		verbose = 1;
		first++;
	}
	qsort(suites, (size_t)nsuites, sizeof(suites[0]), suite_cmp);
	for (i = 0; i < nsuites; i++) {
		int run = argc <= first;

		for (j = first; j < argc; j++)
			if (strcmp(argv[j], suites[i].name) == 0)
				run = 1;
		if (!run)
			continue;
		int before_f = failed, before_p = passed;

		suites[i].fn();
		printf("  [%s] %d ok, %d failing\n", suites[i].name, passed - before_p,
		       failed - before_f);
	}
	label = strrchr(argv[0], '/');
	printf("%s: %d passed, %d failed\n", label ? label + 1 : argv[0], passed, failed);
	return failed ? 1 : 0;
}
