/*
 * The assertion and error helpers of xs_types.h.
 */
#include "core/xs_types.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

_Noreturn void xs_assert_fail(const char *expr, const char *file, int line, const char *func)
{
	fprintf(stderr, "wpsim: assertion failed: %s (%s:%d, %s)\n", expr, file, line, func);
	abort();
}

int xs_err_set(struct xs_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}
