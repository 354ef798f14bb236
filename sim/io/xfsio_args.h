/*
 * What the files of the xfs_io command parser share (xfsio_cmd.c: the command table
 * and xs_io_parse(); xfsio_args.c: diagnostics, getopt and numbers; xfsio_opts.c: the
 * commands' own option parsing). Not a public interface: see xfsio_cmd.h.
 */
#ifndef XS_IO_XFSIO_ARGS_H
#define XS_IO_XFSIO_ARGS_H

#include "io/xfsio_cmd.h"

#include <stdbool.h>
#include <stdint.h>

struct xs_io_pctx;

/* One xfs_io command as libxcmd's cmdinfo_t describes it. */
struct xs_io_cmdinfo {
	const char *name;
	const char *altname;
	enum xs_io_cmd_kind kind;
	int argmin;
	int argmax; /* -1: no maximum */
	bool nomap_ok;
	const char *args; /* usage synopsis, as command_usage() prints it */
	const char *oneline;
	int (*parse)(struct xs_io_pctx *ctx);
};

/* Parsing state of one line. */
struct xs_io_pctx {
	const struct xs_io_env *env;
	const struct xs_io_cmdinfo *ci;
	struct xs_io_cmd *cmd;
	int argc;
	char **argv;
	char unsup[128]; /* non-empty: the line is valid xfs_io but not modelled */

	/* getopt() state */
	const char *optstring;
	int gi;		 /* next word to scan */
	int gpos;	 /* position inside a cluster of options, 0 = none */
	bool gdone;	 /* "--" seen or words exhausted */
	char *optarg;	 /* argument of the last option */
	char **operands; /* non-option words, in order */
	int noperands;
};

/* Text xfs_io prints to stdout, appended to cmd->out_text (dropped beyond its size). */
void xs_io_out(struct xs_io_pctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Text xfs_io prints to stderr, appended to cmd->err_text (dropped beyond its size). */
void xs_io_err(struct xs_io_pctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The line is valid xfs_io that wpsim does not model: "<command> <what>" (first wins). */
void xs_io_unsup(struct xs_io_pctx *ctx, const char *what);

/* Models command_usage(): the command's usage line, to stdout. */
void xs_io_usage(struct xs_io_pctx *ctx);

/*
 * xfs_io's command function gives up after printing: returns -EINVAL, and marks the
 * exit status 1 when set_exitcode. xs_io_fail_usage() prints the usage line first.
 */
int xs_io_fail(struct xs_io_pctx *ctx, bool set_exitcode);
int xs_io_fail_usage(struct xs_io_pctx *ctx, bool set_exitcode);

/* Start scanning ctx->argv[1..] for the options of optstring (getopt's syntax). */
void xs_io_getopt_start(struct xs_io_pctx *ctx, const char *optstring);

/*
 * Models glibc getopt() in its default (permuting) mode. Returns the option
 * character (its argument in ctx->optarg), '?' after printing getopt's complaint, or
 * -1 when the options are exhausted; ctx->operands then holds every operand in order.
 */
int xs_io_getopt(struct xs_io_pctx *ctx);

/* xs_io_cvtnum() with the open file's block and sector sizes: bytes, or < 0. */
int64_t xs_io_cvt(struct xs_io_pctx *ctx, const char *s);

/* The `strtoul(optarg, &sp, 0); if (!sp || sp == optarg)` test xfs_io uses: false = bad. */
bool xs_io_strtoul(const char *s, unsigned long *val);

/*
 * The "off len" operands into cmd->off_bytes, len_bytes (have_range), with the
 * "non-numeric" complaints most commands share. Returns 0 or xs_io_fail()'s -EINVAL.
 */
int xs_io_off_len(struct xs_io_pctx *ctx, const char *off, const char *len, bool set_exitcode);

#endif /* XS_IO_XFSIO_ARGS_H */
