/*
 * Each modelled xfs_io command's own option and operand parsing (xfsio_opts.h), one
 * function per command of xfsprogs 6.1 io/: the order of the checks, which stream each
 * complaint goes to, and whether it sets xfs_io's exit status were read there and
 * checked against the real xfs_io 6.1 (captures in sim/tests/io/test_xfsio.c).
 */
#include "io/xfsio_opts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Models pwrite_f() option and operand handling. */
int xs_io_parse_pwrite(struct xs_io_pctx *ctx)
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
int xs_io_parse_pread(struct xs_io_pctx *ctx)
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
int xs_io_parse_mmap(struct xs_io_pctx *ctx)
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
int xs_io_parse_mwrite(struct xs_io_pctx *ctx)
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
int xs_io_parse_mread(struct xs_io_pctx *ctx)
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
int xs_io_parse_msync(struct xs_io_pctx *ctx)
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
int xs_io_parse_none(struct xs_io_pctx *ctx)
{
	(void)ctx;
	return 0;
}

/* Models truncate_f(): no getopt, so "truncate -5" is a non-numeric argument. */
int xs_io_parse_truncate(struct xs_io_pctx *ctx)
{
	ctx->cmd->off_bytes = xs_io_cvt(ctx, ctx->argv[1]);
	if (ctx->cmd->off_bytes < 0) {
		xs_io_out(ctx, "non-numeric truncate argument -- %s\n", ctx->argv[1]);
		return xs_io_fail(ctx, true);
	}
	return 0;
}

/* Models fallocate_f(): a bad option prints the usage and parsing goes on. */
int xs_io_parse_falloc(struct xs_io_pctx *ctx)
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
int xs_io_parse_fpunch(struct xs_io_pctx *ctx)
{
	ctx->cmd->falloc_mode = XS_IO_FALLOC_PUNCH_HOLE | XS_IO_FALLOC_KEEP_SIZE;
	return xs_io_off_len(ctx, ctx->argv[1], ctx->argv[2], true);
}

/* Models fzero_f(): like falloc, but nothing sets the exit status. */
int xs_io_parse_fzero(struct xs_io_pctx *ctx)
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
int xs_io_parse_bmap(struct xs_io_pctx *ctx)
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
int xs_io_parse_stat(struct xs_io_pctx *ctx)
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
int xs_io_parse_statfs(struct xs_io_pctx *ctx)
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
