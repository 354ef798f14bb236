/*
 * The argument machinery of the xfs_io command parser (xfsio_args.h): what a command
 * prints while parsing, glibc's getopt(), and libfrog's cvtnum() for sizes.
 *
 * The getopt() emulation is glibc's default mode: options and operands may be mixed
 * (operands are permuted to the end, keeping their order), "--" ends the options, a
 * lone "-" is an operand, "-qb4k" is -q then -b "4k", and a missing option argument
 * is only noticed at the end of the words.
 */
#include "io/xfsio_args.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void xs_io_append(char *buf, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void xs_io_append(char *buf, const char *fmt, va_list ap)
{
	size_t used = strlen(buf);

	if (used + 1 >= XS_IO_MSG_MAX)
		return;
	vsnprintf(buf + used, XS_IO_MSG_MAX - used, fmt, ap);
}

void xs_io_out(struct xs_io_pctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xs_io_append(ctx->cmd->out_text, fmt, ap);
	va_end(ap);
}

void xs_io_err(struct xs_io_pctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xs_io_append(ctx->cmd->err_text, fmt, ap);
	va_end(ap);
}

void xs_io_unsup(struct xs_io_pctx *ctx, const char *what)
{
	if (!ctx->unsup[0])
		snprintf(ctx->unsup, sizeof(ctx->unsup), "%s %s", ctx->ci->name, what);
}

/* Models command_usage(): to stdout. */
void xs_io_usage(struct xs_io_pctx *ctx)
{
	xs_io_out(ctx, "%s %s -- %s\n", ctx->ci->name, ctx->ci->args, ctx->ci->oneline);
}

/* xfs_io's command function gives up: it printed something and does nothing. */
int xs_io_fail(struct xs_io_pctx *ctx, bool set_exitcode)
{
	if (set_exitcode)
		ctx->cmd->set_exitcode = true;
	return -EINVAL;
}

int xs_io_fail_usage(struct xs_io_pctx *ctx, bool set_exitcode)
{
	xs_io_usage(ctx);
	return xs_io_fail(ctx, set_exitcode);
}

/*
 * Models glibc getopt() in its default (permuting) mode. Returns the option
 * character, '?' after printing getopt's complaint, or -1 when the options are
 * exhausted; ctx->operands then holds every operand in order.
 */
int xs_io_getopt(struct xs_io_pctx *ctx)
{
	const char *word, *spec;
	char c;

	ctx->optarg = NULL;
	while (!ctx->gpos) {
		if (ctx->gi >= ctx->argc || ctx->gdone) {
			while (ctx->gi < ctx->argc)
				ctx->operands[ctx->noperands++] = ctx->argv[ctx->gi++];
			return -1;
		}
		word = ctx->argv[ctx->gi];
		if (strcmp(word, "--") == 0) {
			ctx->gi++;
			ctx->gdone = true;
		} else if (word[0] == '-' && word[1] != '\0') {
			ctx->gpos = 1;
		} else {
			ctx->operands[ctx->noperands++] = ctx->argv[ctx->gi++];
		}
	}

	word = ctx->argv[ctx->gi];
	c = word[ctx->gpos++];
	if (word[ctx->gpos] == '\0') {
		ctx->gi++;
		ctx->gpos = 0;
	}
	spec = (c == ':') ? NULL : strchr(ctx->optstring, c);
	if (!spec) {
		xs_io_err(ctx, "%s: invalid option -- '%c'\n", ctx->argv[0], c);
		return '?';
	}
	if (spec[1] != ':')
		return c;
	if (ctx->gpos) {
		/* "-b4k": the rest of the word is the argument */
		ctx->optarg = ctx->argv[ctx->gi] + ctx->gpos;
		ctx->gi++;
		ctx->gpos = 0;
	} else if (ctx->gi < ctx->argc) {
		ctx->optarg = ctx->argv[ctx->gi++];
	} else {
		xs_io_err(ctx, "%s: option requires an argument -- '%c'\n", ctx->argv[0], c);
		return '?';
	}
	return c;
}

void xs_io_getopt_start(struct xs_io_pctx *ctx, const char *optstring)
{
	ctx->optstring = optstring;
	ctx->gi = 1;
	ctx->gpos = 0;
	ctx->gdone = false;
	ctx->noperands = 0;
}

int64_t xs_io_cvtnum(uint32_t blocksize_bytes, uint32_t sectsize_bytes, const char *s)
{
	long long i;
	char *sp;
	uint64_t u;

	i = strtoll(s, &sp, 0);
	if (i == 0 && sp == s)
		return -1;
	if (*sp == '\0')
		return i;
	if (sp[1] != '\0')
		return -1;

	/* xfs_io multiplies and shifts without overflow checks: wrap the same way */
	u = (uint64_t)i;
	switch (tolower((unsigned char)*sp)) {
	case 'b':
		return (int64_t)(u * blocksize_bytes);
	case 's':
		return (int64_t)(u * sectsize_bytes);
	case 'k':
		return (int64_t)(u << 10);
	case 'm':
		return (int64_t)(u << 20);
	case 'g':
		return (int64_t)(u << 30);
	case 't':
		return (int64_t)(u << 40);
	case 'p':
		return (int64_t)(u << 50);
	case 'e':
		return (int64_t)(u << 60);
	}
	return -1;
}

int64_t xs_io_cvt(struct xs_io_pctx *ctx, const char *s)
{
	return xs_io_cvtnum(ctx->env->blocksize_bytes, ctx->env->sectsize_bytes, s);
}

/* The `strtoul(optarg, &sp, 0); if (!sp || sp == optarg)` test xfs_io uses. */
bool xs_io_strtoul(const char *s, unsigned long *val)
{
	char *sp;

	*val = strtoul(s, &sp, 0);
	return sp != s;
}

/* Parse "off len" operands with the messages most commands share. */
int xs_io_off_len(struct xs_io_pctx *ctx, const char *off, const char *len, bool set_exitcode)
{
	ctx->cmd->off_bytes = xs_io_cvt(ctx, off);
	if (ctx->cmd->off_bytes < 0) {
		xs_io_out(ctx, "non-numeric offset argument -- %s\n", off);
		return xs_io_fail(ctx, set_exitcode);
	}
	ctx->cmd->len_bytes = xs_io_cvt(ctx, len);
	if (ctx->cmd->len_bytes < 0) {
		xs_io_out(ctx, "non-numeric length argument -- %s\n", len);
		return xs_io_fail(ctx, set_exitcode);
	}
	ctx->cmd->have_range = true;
	return 0;
}
