/*
 * Helpers shared by the tests of the xfs_io language layer: the parser's
 * (test_xfsio_parse.c) and the printers' (test_xfsio_print.c).
 */
#ifndef XS_XFSIOTEST_H
#define XS_XFSIOTEST_H

#include "io/xfsio_cmd.h"

/* test_cond(descr, got equals want), showing both texts on a mismatch. */
void xt_check_text(const char *descr, const char *got, const char *want);

/* xs_io_parse() of a line that must succeed: its return, the error printed if not 0. */
int xt_parse_ok(const struct xs_io_env *env, const char *line, struct xs_io_cmd *cmd);

#endif /* XS_XFSIOTEST_H */
