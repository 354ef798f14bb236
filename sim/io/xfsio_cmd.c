/*
 * xfs_io's command language: see xfsio_cmd.h. This file is the command table and the
 * way a line reaches a command (breakline, lookup, the mapping and argument count
 * checks); xfsio_opts.c parses each command's options, with the getopt() and cvtnum()
 * of xfsio_args.c.
 *
 * Follows xfsprogs 6.1 command by command: the order of the checks, which stream each
 * complaint goes to, and whether it sets xfs_io's exit status were read in io/ and
 * checked against the real xfs_io 6.1 (captures in sim/tests/io/test_xfsio.c).
 */
#include "io/xfsio_opts.h"

#include "core/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	copy = xs_xmalloc(len + 1);
	words = xs_xcalloc(len / 2 + 2, 2 * sizeof(char *));
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
