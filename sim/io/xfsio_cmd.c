/*
 * xfs_io's command language: see xfsio_cmd.h.
 *
 * Follows xfsprogs 6.1 command by command: the order of the checks, which stream each
 * complaint goes to, and whether it sets xfs_io's exit status were read in io/ and
 * checked against the real xfs_io 6.1 (captures in sim/tests/io/test_xfsio.c).
 *
 * The getopt() emulation is glibc's default mode: options and operands may be mixed
 * (operands are permuted to the end, keeping their order), "--" ends the options, a
 * lone "-" is an operand, "-qb4k" is -q then -b "4k", and a missing option argument
 * is only noticed at the end of the words.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/xfsio_cmd.h"

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

static void xs_io_append(char *buf, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void xs_io_append(char *buf, const char *fmt, va_list ap)
{
	size_t used = strlen(buf);

	if (used + 1 >= XS_IO_MSG_MAX)
		return;
	vsnprintf(buf + used, XS_IO_MSG_MAX - used, fmt, ap);
}

/* Text xfs_io prints to stdout. */
static void xs_io_out(struct xs_io_pctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void xs_io_out(struct xs_io_pctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xs_io_append(ctx->cmd->out_text, fmt, ap);
	va_end(ap);
}

/* Text xfs_io prints to stderr. */
static void xs_io_err(struct xs_io_pctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void xs_io_err(struct xs_io_pctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xs_io_append(ctx->cmd->err_text, fmt, ap);
	va_end(ap);
}

static void xs_io_unsup(struct xs_io_pctx *ctx, const char *what)
{
	if (!ctx->unsup[0])
		snprintf(ctx->unsup, sizeof(ctx->unsup), "%s %s", ctx->ci->name, what);
}

/* Models command_usage(): to stdout. */
static void xs_io_usage(struct xs_io_pctx *ctx)
{
	xs_io_out(ctx, "%s %s -- %s\n", ctx->ci->name, ctx->ci->args, ctx->ci->oneline);
}

/* xfs_io's command function gives up: it printed something and does nothing. */
static int xs_io_fail(struct xs_io_pctx *ctx, bool set_exitcode)
{
	if (set_exitcode)
		ctx->cmd->set_exitcode = true;
	return -EINVAL;
}

static int xs_io_fail_usage(struct xs_io_pctx *ctx, bool set_exitcode)
{
	xs_io_usage(ctx);
	return xs_io_fail(ctx, set_exitcode);
}

/*
 * Models glibc getopt() in its default (permuting) mode. Returns the option
 * character, '?' after printing getopt's complaint, or -1 when the options are
 * exhausted; ctx->operands then holds every operand in order.
 */
static int xs_io_getopt(struct xs_io_pctx *ctx)
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

static void xs_io_getopt_start(struct xs_io_pctx *ctx, const char *optstring)
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

static int64_t xs_io_cvt(struct xs_io_pctx *ctx, const char *s)
{
	return xs_io_cvtnum(ctx->env->blocksize_bytes, ctx->env->sectsize_bytes, s);
}

/* The `strtoul(optarg, &sp, 0); if (!sp || sp == optarg)` test xfs_io uses. */
static bool xs_io_strtoul(const char *s, unsigned long *val)
{
	char *sp;

	*val = strtoul(s, &sp, 0);
	return sp != s;
}

/* Parse "off len" operands with the messages most commands share. */
static int xs_io_off_len(struct xs_io_pctx *ctx, const char *off, const char *len,
			 bool set_exitcode)
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

/* Models pwrite_f() option and operand handling. */
static int xs_io_parse_pwrite(struct xs_io_pctx *ctx)
{
	struct xs_io_pwrite_opts *o = &ctx->cmd->pwrite;
	bool infile = false, dflag = false, skip = false, forward = true;
	unsigned long val;
	int64_t tmp;
	int c;

	o->bsize_bytes = ctx->env->blocksize_bytes;
	o->seed = 0xcdcdcdcdu;
	xs_io_getopt_start(ctx, "b:BCdDf:Fi:NqRs:OS:uV:wWZ:");
	while ((c = xs_io_getopt(ctx)) != -1) {
		switch (c) {
		case 'b':
			tmp = xs_io_cvt(ctx, ctx->optarg);
			if (tmp < 0) {
				xs_io_out(ctx, "non-numeric bsize -- %s\n", ctx->optarg);
				return xs_io_fail(ctx, true);
			}
			o->bsize_bytes = tmp;
			break;
		case 'C':
			o->compact = true;
			break;
		case 'F':
			forward = true;
			break;
		case 'B':
		case 'R':
			forward = false;
			break;
		case 'd':
			dflag = true;
			break;
		case 'f':
		case 'i':
			infile = true;
			break;
		case 'D':
			xs_io_unsup(ctx, "-D (RWF_DSYNC)");
			break;
		case 'N':
			xs_io_unsup(ctx, "-N (RWF_NOWAIT)");
			break;
		case 'O':
			xs_io_unsup(ctx, "-O");
			break;
		case 'q':
			o->quiet = true;
			break;
		case 's':
			tmp = xs_io_cvt(ctx, ctx->optarg);
			if (tmp < 0) {
				xs_io_out(ctx, "non-numeric skip -- %s\n", ctx->optarg);
				return xs_io_fail(ctx, true);
			}
			skip = tmp != 0;
			break;
		case 'S':
			if (!xs_io_strtoul(ctx->optarg, &val)) {
				xs_io_out(ctx, "non-numeric seed -- %s\n", ctx->optarg);
				return xs_io_fail(ctx, true);
			}
			o->seed = (uint32_t)val;
			break;
		case 'u':
			xs_io_unsup(ctx, "-u (unfilled buffer)");
			break;
		case 'V':
			if (!xs_io_strtoul(ctx->optarg, &val)) {
				xs_io_out(ctx, "non-numeric vector count == %s\n", ctx->optarg);
				return xs_io_fail(ctx, true);
			}
			xs_io_unsup(ctx, "-V (pwritev)");
			break;
		case 'w':
			o->fdatasync = true;
			break;
		case 'W':
			o->fsync = true;
			break;
		case 'Z':
			if (!xs_io_strtoul(ctx->optarg, &val)) {
				xs_io_out(ctx, "non-numeric seed -- %s\n", ctx->optarg);
				return xs_io_fail(ctx, true);
			}
			break;
		default:
			return xs_io_fail_usage(ctx, true);
		}
	}
	if (((skip || dflag) && !infile) || ctx->noperands != 2)
		return xs_io_fail_usage(ctx, true);
	if (infile && !forward)
		return xs_io_fail_usage(ctx, true);
	if (xs_io_off_len(ctx, ctx->operands[0], ctx->operands[1], true))
		return -EINVAL;
	if (infile)
		xs_io_unsup(ctx, "-i (input file)");
	if (!forward)
		xs_io_unsup(ctx, "-B/-R (backward or random writes)");
	/* alloc_buffer() memsets the buffer: only the seed's low byte is written */
	o->fill_byte = (uint8_t)(o->seed & 0xffu);
	return 0;
}

/* Models pread_f() option and operand handling. */
static int xs_io_parse_pread(struct xs_io_pctx *ctx)
{
	struct xs_io_pread_opts *o = &ctx->cmd->pread;
	bool forward = true;
	unsigned long val;
	int64_t tmp;
	int c;

	o->bsize_bytes = ctx->env->blocksize_bytes;
	xs_io_getopt_start(ctx, "b:BCFRquvV:Z:");
	while ((c = xs_io_getopt(ctx)) != -1) {
		switch (c) {
		case 'b':
			tmp = xs_io_cvt(ctx, ctx->optarg);
			if (tmp < 0) {
				xs_io_out(ctx, "non-numeric bsize -- %s\n", ctx->optarg);
				return xs_io_fail(ctx, true);
			}
			o->bsize_bytes = tmp;
			break;
		case 'C':
			o->compact = true;
			break;
		case 'F':
			forward = true;
			break;
		case 'B':
		case 'R':
			forward = false;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'u':
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'V':
			if (!xs_io_strtoul(ctx->optarg, &val)) {
				xs_io_out(ctx, "non-numeric vector count == %s\n", ctx->optarg);
				return xs_io_fail(ctx, true);
			}
			xs_io_unsup(ctx, "-V (preadv)");
			break;
		case 'Z':
			if (!xs_io_strtoul(ctx->optarg, &val)) {
				xs_io_out(ctx, "non-numeric seed -- %s\n", ctx->optarg);
				return xs_io_fail(ctx, true);
			}
			break;
		default:
			return xs_io_fail_usage(ctx, true);
		}
	}
	if (ctx->noperands != 2)
		return xs_io_fail_usage(ctx, true);
	if (!forward) {
		xs_io_unsup(ctx, "-B/-R (backward or random reads)");
		return 0;
	}

	/*
	 * Reading forward, xfs_io 6.1 accepts any operands: a non-numeric length
	 * means "to EOF", a non-numeric offset is passed to pread(2) as -1.
	 */
	ctx->cmd->have_range = true;
	ctx->cmd->off_bytes = xs_io_cvt(ctx, ctx->operands[0]);
	ctx->cmd->len_bytes = xs_io_cvt(ctx, ctx->operands[1]);
	if (ctx->cmd->len_bytes < 0) {
		ctx->cmd->len_bytes = 0;
		o->to_eof = true;
	}
	if (ctx->cmd->off_bytes < 0) {
		xs_io_err(ctx, "pread: %s\n", strerror(EINVAL));
		return xs_io_fail(ctx, true);
	}
	return 0;
}

/* Models mmap_f() for the "off len" form. */
static int xs_io_parse_mmap(struct xs_io_pctx *ctx)
{
	unsigned int prot = 0;
	bool map_sync = false;
	int c;

	if (ctx->argc <= 2) {
		if (ctx->env->have_mapping) {
			xs_io_unsup(ctx, "without a range (listing or selecting mappings)");
			return 0;
		}
		xs_io_err(ctx, "no mapped regions, try 'help mmap'\n");
		return xs_io_fail(ctx, true);
	}

	xs_io_getopt_start(ctx, "rwxSs:");
	while ((c = xs_io_getopt(ctx)) != -1) {
		switch (c) {
		case 'r':
			prot |= XS_IO_PROT_READ;
			break;
		case 'w':
			prot |= XS_IO_PROT_WRITE;
			break;
		case 'x':
			prot |= XS_IO_PROT_EXEC;
			break;
		case 'S':
			map_sync = true;
			break;
		case 's':
			/* address-space reservation only: no effect on the file */
			break;
		default:
			return xs_io_fail_usage(ctx, true);
		}
	}
	if (!prot)
		prot = XS_IO_PROT_READ | XS_IO_PROT_WRITE | XS_IO_PROT_EXEC;
	ctx->cmd->mmap_prot = prot;
	if (ctx->noperands != 2)
		return xs_io_fail_usage(ctx, true);
	if (xs_io_off_len(ctx, ctx->operands[0], ctx->operands[1], true))
		return -EINVAL;
	if (map_sync) {
		/* MAP_SYNC needs DAX, which the modelled filesystem does not have */
		xs_io_err(ctx, "mmap: %s\n", strerror(EOPNOTSUPP));
		return xs_io_fail(ctx, true);
	}
	return 0;
}

/* The "[off len]" operands of mwrite, mread and msync. */
static int xs_io_opt_range(struct xs_io_pctx *ctx)
{
	if (ctx->noperands == 0)
		return 0;
	if (ctx->noperands != 2)
		return xs_io_fail_usage(ctx, true);
	return xs_io_off_len(ctx, ctx->operands[0], ctx->operands[1], true);
}

/* Models mwrite_f(). */
static int xs_io_parse_mwrite(struct xs_io_pctx *ctx)
{
	struct xs_io_mwrite_opts *o = &ctx->cmd->mwrite;
	char *sp;
	long val;
	int c;

	o->seed = 'X';
	xs_io_getopt_start(ctx, "rS:");
	while ((c = xs_io_getopt(ctx)) != -1) {
		switch (c) {
		case 'r':
			o->reverse = true;
			break;
		case 'S':
			val = strtol(ctx->optarg, &sp, 0);
			if (sp == ctx->optarg) {
				xs_io_out(ctx, "non-numeric seed -- %s\n", ctx->optarg);
				return xs_io_fail(ctx, false);
			}
			/* (int)strtol(): keeps the low 32 bits */
			o->seed = (int32_t)(uint32_t)(unsigned long)val;
			break;
		default:
			return xs_io_fail_usage(ctx, true);
		}
	}
	o->fill_byte = (uint8_t)((uint32_t)o->seed & 0xffu);
	return xs_io_opt_range(ctx);
}

/* Models mread_f(). */
static int xs_io_parse_mread(struct xs_io_pctx *ctx)
{
	bool reverse = false;
	int c;

	xs_io_getopt_start(ctx, "frv");
	while ((c = xs_io_getopt(ctx)) != -1) {
		switch (c) {
		case 'f':
			ctx->cmd->mread_dump = 2;
			break;
		case 'r':
			reverse = true;
			break;
		case 'v':
			ctx->cmd->mread_dump = 1;
			break;
		default:
			return xs_io_fail_usage(ctx, true);
		}
	}
	if (xs_io_opt_range(ctx))
		return -EINVAL;
	if (reverse && ctx->cmd->mread_dump)
		xs_io_unsup(ctx, "-r with -v/-f (reverse dump)");
	return 0;
}

/* Models msync_f(). */
static int xs_io_parse_msync(struct xs_io_pctx *ctx)
{
	int c;

	xs_io_getopt_start(ctx, "ais");
	while ((c = xs_io_getopt(ctx)) != -1) {
		switch (c) {
		case 'a':
			ctx->cmd->msync_flags |= XS_IO_MS_ASYNC;
			break;
		case 'i':
			ctx->cmd->msync_flags |= XS_IO_MS_INVALIDATE;
			break;
		case 's':
			ctx->cmd->msync_flags |= XS_IO_MS_SYNC;
			break;
		default:
			return xs_io_fail_usage(ctx, true);
		}
	}
	return xs_io_opt_range(ctx);
}

/* munmap, fsync, fdatasync, sync: argmax 0, nothing to parse. */
static int xs_io_parse_none(struct xs_io_pctx *ctx)
{
	(void)ctx;
	return 0;
}

/* Models truncate_f(): no getopt, so "truncate -5" is a non-numeric argument. */
static int xs_io_parse_truncate(struct xs_io_pctx *ctx)
{
	ctx->cmd->off_bytes = xs_io_cvt(ctx, ctx->argv[1]);
	if (ctx->cmd->off_bytes < 0) {
		xs_io_out(ctx, "non-numeric truncate argument -- %s\n", ctx->argv[1]);
		return xs_io_fail(ctx, true);
	}
	return 0;
}

/* Models fallocate_f(): a bad option prints the usage and parsing goes on. */
static int xs_io_parse_falloc(struct xs_io_pctx *ctx)
{
	unsigned int mode = 0;
	int c;

	xs_io_getopt_start(ctx, "cikpu");
	while ((c = xs_io_getopt(ctx)) != -1) {
		switch (c) {
		case 'c':
			mode = XS_IO_FALLOC_COLLAPSE_RANGE;
			break;
		case 'i':
			mode = XS_IO_FALLOC_INSERT_RANGE;
			break;
		case 'k':
			mode = XS_IO_FALLOC_KEEP_SIZE;
			break;
		case 'p':
			mode = XS_IO_FALLOC_PUNCH_HOLE | XS_IO_FALLOC_KEEP_SIZE;
			break;
		case 'u':
			mode = XS_IO_FALLOC_UNSHARE_RANGE;
			break;
		default:
			ctx->cmd->set_exitcode = true;
			xs_io_usage(ctx);
			break;
		}
	}
	ctx->cmd->falloc_mode = mode;
	if (ctx->noperands != 2)
		return xs_io_fail_usage(ctx, true);
	if (xs_io_off_len(ctx, ctx->operands[0], ctx->operands[1], true))
		return -EINVAL;
	if (mode &
	    (XS_IO_FALLOC_COLLAPSE_RANGE | XS_IO_FALLOC_INSERT_RANGE | XS_IO_FALLOC_UNSHARE_RANGE))
		xs_io_unsup(ctx, "-c/-i/-u (collapse, insert, unshare)");
	return 0;
}

/* Models fpunch_f(): no getopt. */
static int xs_io_parse_fpunch(struct xs_io_pctx *ctx)
{
	ctx->cmd->falloc_mode = XS_IO_FALLOC_PUNCH_HOLE | XS_IO_FALLOC_KEEP_SIZE;
	return xs_io_off_len(ctx, ctx->argv[1], ctx->argv[2], true);
}

/* Models fzero_f(): like falloc, but nothing sets the exit status. */
static int xs_io_parse_fzero(struct xs_io_pctx *ctx)
{
	unsigned int mode = XS_IO_FALLOC_ZERO_RANGE;
	int c;

	xs_io_getopt_start(ctx, "k");
	while ((c = xs_io_getopt(ctx)) != -1) {
		if (c == 'k')
			mode |= XS_IO_FALLOC_KEEP_SIZE;
		else
			xs_io_usage(ctx);
	}
	ctx->cmd->falloc_mode = mode;
	if (ctx->noperands != 2)
		return xs_io_fail_usage(ctx, false);
	return xs_io_off_len(ctx, ctx->operands[0], ctx->operands[1], false);
}

/* Models bmap_f() option handling; operands are ignored, as xfs_io does. */
static int xs_io_parse_bmap(struct xs_io_pctx *ctx)
{
	struct xs_io_bmap_opts *o = &ctx->cmd->bmap;
	int c;

	xs_io_getopt_start(ctx, "aceln:pv");
	while ((c = xs_io_getopt(ctx)) != -1) {
		switch (c) {
		case 'a':
			o->aflag = true;
			break;
		case 'c':
			o->cflag = true;
			o->eflag = true;
			break;
		case 'e':
			o->eflag = true;
			break;
		case 'l':
			o->lflag = true;
			break;
		case 'n':
			o->nflag = atoi(ctx->optarg);
			break;
		case 'p':
			o->pflag = true;
			break;
		case 'v':
			o->vflag++;
			break;
		default:
			return xs_io_fail_usage(ctx, false);
		}
	}
	if (o->nflag <= -3) {
		/* map_size = nflag + 2 entries of struct getbmapx (48 bytes) */
		xs_io_err(ctx, "xfs_io: malloc of %d bytes failed.\n", (o->nflag + 2) * 48);
		return xs_io_fail(ctx, true);
	}
	if (o->nflag < 0)
		xs_io_unsup(ctx, "-n with a negative count");
	if (o->cflag)
		xs_io_unsup(ctx, "-c (CoW fork)");
	return 0;
}

/* Models stat_f(); -r wins over -v; operands are ignored. */
static int xs_io_parse_stat(struct xs_io_pctx *ctx)
{
	int c;

	xs_io_getopt_start(ctx, "rv");
	while ((c = xs_io_getopt(ctx)) != -1) {
		switch (c) {
		case 'r':
			ctx->cmd->stat.raw = true;
			break;
		case 'v':
			ctx->cmd->stat.verbose = true;
			break;
		default:
			return xs_io_fail_usage(ctx, true);
		}
	}
	return 0;
}

/* Models statfs_f(); operands are ignored. */
static int xs_io_parse_statfs(struct xs_io_pctx *ctx)
{
	unsigned int flags = 0;
	int c;

	xs_io_getopt_start(ctx, "cgs");
	while ((c = xs_io_getopt(ctx)) != -1) {
		switch (c) {
		case 'c':
			flags |= XS_IO_STATFS_COUNTS;
			break;
		case 'g':
			flags |= XS_IO_STATFS_GEOMETRY;
			break;
		case 's':
			flags |= XS_IO_STATFS_STATFS;
			break;
		default:
			return xs_io_fail_usage(ctx, true);
		}
	}
	if (!flags)
		flags = XS_IO_STATFS_STATFS | XS_IO_STATFS_GEOMETRY | XS_IO_STATFS_COUNTS;
	ctx->cmd->statfs_flags = flags;
	return 0;
}

/* The modelled commands, as xfsprogs 6.1 registers them (args, oneline, counts). */
static const struct xs_io_cmdinfo xs_io_cmdtab[] = {
	{"bmap", NULL, XS_IO_CMD_BMAP, 0, -1, true, "[-acelpv] [-n nx]",
	 "print block mapping for an XFS file", xs_io_parse_bmap},
	{"falloc", NULL, XS_IO_CMD_FALLOC, 2, -1, true, "[-c] [-k] [-p] [-u] off len",
	 "allocates space associated with part of a file via fallocate", xs_io_parse_falloc},
	{"fdatasync", "ds", XS_IO_CMD_FDATASYNC, 0, 0, true, NULL,
	 "calls fdatasync(2) to flush the files in-core data to disk", xs_io_parse_none},
	{"fpunch", NULL, XS_IO_CMD_FPUNCH, 2, 2, true, "off len",
	 "de-allocates space associated with part of a file via fallocate", xs_io_parse_fpunch},
	{"fsync", "s", XS_IO_CMD_FSYNC, 0, 0, true, NULL,
	 "calls fsync(2) to flush all in-core file state to disk", xs_io_parse_none},
	{"fzero", NULL, XS_IO_CMD_FZERO, 2, 3, true, "[-k] off len",
	 "zeroes space and eliminates holes by preallocating", xs_io_parse_fzero},
	{"mmap", "mm", XS_IO_CMD_MMAP, 0, -1, true, "[N] | [-rwxS] [-s size] [off len]",
	 "mmap a range in the current file, show mappings", xs_io_parse_mmap},
	{"mread", "mr", XS_IO_CMD_MREAD, 0, -1, false, "[-r] [off len]",
	 "reads data from a region in the current memory mapping", xs_io_parse_mread},
	{"msync", "ms", XS_IO_CMD_MSYNC, 0, -1, false, "[-ais] [off len]",
	 "flush a region in the current memory mapping", xs_io_parse_msync},
	{"munmap", "mu", XS_IO_CMD_MUNMAP, 0, 0, false, NULL, "unmaps the current memory mapping",
	 xs_io_parse_none},
	{"mwrite", "mw", XS_IO_CMD_MWRITE, 0, -1, false, "[-r] [-S seed] [off len]",
	 "writes data into a region in the current memory mapping", xs_io_parse_mwrite},
	{"pread", "r", XS_IO_CMD_PREAD, 2, -1, true, "[-b bs] [-qv] [-i N] [-FBR [-Z N]] off len",
	 "reads a number of bytes at a specified offset", xs_io_parse_pread},
	{"pwrite", "w", XS_IO_CMD_PWRITE, 2, -1, true,
	 "[-i infile [-qdDwNOW] [-s skip]] [-b bs] [-S seed] [-FBR [-Z N]] [-V N] off len",
	 "writes a number of bytes at a specified offset", xs_io_parse_pwrite},
	{"stat", NULL, XS_IO_CMD_STAT, 0, 1, true, "[-v|-r]",
	 "statistics on the currently open file", xs_io_parse_stat},
	{"statfs", NULL, XS_IO_CMD_STATFS, 0, -1, true, "[-c] [-g] [-s]",
	 "statistics on the filesystem of the currently open file", xs_io_parse_statfs},
	{"sync", NULL, XS_IO_CMD_SYNC, 0, 0, true, NULL,
	 "calls sync(2) to flush all in-core filesystem state to disk", xs_io_parse_none},
	{"truncate", "t", XS_IO_CMD_TRUNCATE, 1, 1, true, "off",
	 "truncates the current file at the given offset", xs_io_parse_truncate},
};

#define XS_IO_NCMDS (sizeof(xs_io_cmdtab) / sizeof(xs_io_cmdtab[0]))

/*
 * The other commands and aliases xfs_io 6.1 knows (its "help" lists them), each
 * followed by a space.
 */
static const char xs_io_unmodelled[] =
	"add_enckey allocsp bulkstat bulkstat_single chattr chmod chproj close c "
	"copy_range cowextsize crc32cselftest dedupe dd enckey_status extsize fadvise "
	"fcollapse fiemap file f finsert flink freesp fsmap funshare get_encpolicy help "
	"? inode inumbers label log_writes lw lsattr lsproj madvise ma mincore mi mremap "
	"mrm open o print p quit q readdir reflink rl resvsp rm_enckey scrub sc seek "
	"sendfile set_encpolicy statx swapext sync_range syncfs unresvsp utimes zero ";

static const struct xs_io_cmdinfo *xs_io_find_command(const char *name)
{
	size_t i;

	for (i = 0; i < XS_IO_NCMDS; i++) {
		if (strcmp(xs_io_cmdtab[i].name, name) == 0 ||
		    (xs_io_cmdtab[i].altname && strcmp(xs_io_cmdtab[i].altname, name) == 0))
			return &xs_io_cmdtab[i];
	}
	return NULL;
}

static bool xs_io_is_unmodelled(const char *name)
{
	size_t len = strlen(name);
	const char *p;

	for (p = xs_io_unmodelled; (p = strstr(p, name)) != NULL; p++) {
		if ((p == xs_io_unmodelled || p[-1] == ' ') && p[len] == ' ')
			return true;
	}
	return false;
}

const char *xs_io_cmd_name(enum xs_io_cmd_kind kind)
{
	size_t i;

	for (i = 0; i < XS_IO_NCMDS; i++) {
		if (xs_io_cmdtab[i].kind == kind)
			return xs_io_cmdtab[i].name;
	}
	return NULL;
}

/* Models command(): the argument count check, to stderr, exit status untouched. */
static int xs_io_check_argc(struct xs_io_pctx *ctx)
{
	const struct xs_io_cmdinfo *ci = ctx->ci;
	int n = ctx->argc - 1;

	if (n >= ci->argmin && (ci->argmax == -1 || n <= ci->argmax))
		return 0;
	if (ci->argmax == -1)
		xs_io_err(ctx, "bad argument count %d to %s, expected at least %d arguments\n", n,
			  ctx->argv[0], ci->argmin);
	else if (ci->argmin == ci->argmax)
		xs_io_err(ctx, "bad argument count %d to %s, expected %d arguments\n", n,
			  ctx->argv[0], ci->argmin);
	else
		xs_io_err(ctx,
			  "bad argument count %d to %s, expected between %d and %d arguments\n", n,
			  ctx->argv[0], ci->argmin, ci->argmax);
	return -EINVAL;
}

/* Models breakline(): words are separated by single spaces only (not tabs). */
static int xs_io_breakline(char *copy, char **argv)
{
	char *p, *rest = copy;
	int argc = 0;

	while ((p = strsep(&rest, " ")) != NULL) {
		if (*p)
			argv[argc++] = p;
	}
	return argc;
}

static int xs_io_dispatch(struct xs_io_pctx *ctx)
{
	struct xs_io_cmd *cmd = ctx->cmd;
	const char *name = ctx->argv[0];

	ctx->ci = xs_io_find_command(name);
	if (!ctx->ci) {
		if (xs_io_is_unmodelled(name)) {
			snprintf(ctx->unsup, sizeof(ctx->unsup), "command \"%s\"", name);
			return 0;
		}
		xs_io_err(ctx, "command \"%s\" not found\n", name);
		return -EINVAL;
	}
	cmd->kind = ctx->ci->kind;
	cmd->name = ctx->ci->name;

	/* init_check_command() runs before the argument count check */
	if (!ctx->env->have_mapping && !ctx->ci->nomap_ok) {
		xs_io_err(ctx, "no mapped regions, try 'help mmap'\n");
		return -EINVAL;
	}
	if (xs_io_check_argc(ctx))
		return -EINVAL;
	return ctx->ci->parse(ctx);
}

int xs_io_parse(const struct xs_io_env *env, const char *line, struct xs_io_cmd *cmd, char *errbuf,
		size_t errlen)
{
	struct xs_io_pctx ctx;
	size_t len = strlen(line);
	char *copy, **words;
	int ret;

	memset(cmd, 0, sizeof(*cmd));
	if (errlen)
		errbuf[0] = '\0';

	/* at most len/2 + 1 words; operands are a subset of the words */
	copy = malloc(len + 1);
	words = calloc(len / 2 + 2, 2 * sizeof(char *));
	if (!copy || !words) {
		free(copy);
		free(words);
		if (errlen)
			snprintf(errbuf, errlen, "wpsim: out of memory parsing an xfs_io line");
		return -ENOMEM;
	}
	memcpy(copy, line, len + 1);

	memset(&ctx, 0, sizeof(ctx));
	ctx.env = env;
	ctx.cmd = cmd;
	ctx.argv = words;
	ctx.argc = xs_io_breakline(copy, words);
	ctx.operands = words + len / 2 + 2;

	ret = ctx.argc ? xs_io_dispatch(&ctx) : 0;
	if (ret == 0 && ctx.unsup[0]) {
		/* a valid xfs_io line that wpsim cannot run: nothing for xfs_io's streams */
		cmd->out_text[0] = cmd->err_text[0] = '\0';
		cmd->set_exitcode = false;
		if (errlen)
			snprintf(errbuf, errlen, "wpsim: xfs_io %s is not modelled", ctx.unsup);
		ret = -EOPNOTSUPP;
	} else if (ret && errlen) {
		snprintf(errbuf, errlen, "%s%s", cmd->err_text, cmd->out_text);
	}
	free(copy);
	free(words);
	return ret;
}
