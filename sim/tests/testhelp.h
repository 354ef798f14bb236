/*
 * A minimal unit-test harness in the manner of Redis' testhelp.h.
 *
 * A test file defines suites with XS_TEST_SUITE(name) { ... } and checks with
 * test_cond(description, condition). Suites register themselves at load time, so
 * adding a file to a layer's folder of sim/tests/ is enough. The runner (runner.c)
 * runs every suite, or those named on its command line, and ends with
 * "N passed, N failed".
 */
#ifndef XS_TESTHELP_H
#define XS_TESTHELP_H

#include <stddef.h>
#include <stdio.h>

struct xs_test_suite {
	const char *name;
	void (*fn)(void);
};

void xs_test_register(const char *name, void (*fn)(void));
void xs_test_result(int ok, const char *descr, const char *file, int line);

#define XS_TEST_SUITE(name)                                            \
	static void name(void);                                        \
	__attribute__((constructor)) static void name##_register(void) \
	{                                                              \
		xs_test_register(#name, name);                         \
	}                                                              \
	static void name(void)

#define test_cond(descr, cond) xs_test_result(!!(cond), (descr), __FILE__, __LINE__)

/*
 * A test's own precondition, not a check of the code under test: report and abort
 * when false. XS_ASSERT does the same but lives in the core, which not every test
 * binary links.
 */
#define test_assert(cond)                                                         \
	do {                                                                      \
		if (!(cond))                                                      \
			xs_test_assert_fail(#cond, __FILE__, __LINE__, __func__); \
	} while (0)

_Noreturn void xs_test_assert_fail(const char *expr, const char *file, int line, const char *func);

/*
 * Files for suites that load what they write (store, sweep, device files).
 */

/* This process's temporary directory, made at the first call and removed at exit. */
const char *xs_test_tmp_dir(void);

/* name in xs_test_tmp_dir(). The string lasts for the next 7 calls. */
const char *xs_test_tmp_path(const char *name);

/* Write text to path (replacing it); test_assert()s that it can. */
void xs_test_write_text(const char *path, const char *text);

/*
 * Write text to a fresh file /tmp/wpsim-kt-XXXXXX<suffix>, its name in path (len
 * bytes); the caller unlinks it. Returns 0, or -1 when it cannot.
 */
int xs_test_write_tmp(const char *text, char *path, size_t len, const char *suffix);

#endif /* XS_TESTHELP_H */
