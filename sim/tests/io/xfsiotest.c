/*
 * Helpers of the xfs_io language tests; see xfsiotest.h.
 */
#include "tests/io/xfsiotest.h"

#include "tests/testhelp.h"

#include <stdio.h>
#include <string.h>

void xt_check_text(const char *descr, const char *got, const char *want)
{
	int ok = got && strcmp(got, want) == 0;

	if (!ok)
		printf("  --- %s: expected ---\n%s  --- got ---\n%s  ---\n", descr, want,
		       got ? got : "(null)");
	test_cond(descr, ok);
}

int xt_parse_ok(const struct xs_io_env *env, const char *line, struct xs_io_cmd *cmd)
{
	char errbuf[2048];
	int ret = xs_io_parse(env, line, cmd, errbuf, sizeof(errbuf));

	if (ret)
		printf("  parse \"%s\" failed: %d %s\n", line, ret, errbuf);
	return ret;
}
