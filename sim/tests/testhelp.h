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

#endif /* XS_TESTHELP_H */
