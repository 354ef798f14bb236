/*
 * Tests of the xfs_io language layer: the parser (sim/io/xfsio_cmd.c).
 *
 * The expected texts are outputs of the real xfs_io 6.1 (xfsprogs 6.1.0, Debian), as
 * for the printers (test_xfsio_print.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "io/xfsio_cmd.h"
#include "tests/io/xfsiotest.h"
#include "tests/testhelp.h"

static const struct xs_io_env env_nomap = {4096, 512, false};
static const struct xs_io_env env_map = {4096, 512, true};

/* Parse with the expected return, texts and exit status. */
static void check_parse(const struct xs_io_env *env, const char *line, int want_ret,
			const char *want_out, const char *want_err, bool want_exitcode)
{
	struct xs_io_cmd cmd;
	char errbuf[2048], descr[256];
	int ret;

	ret = xs_io_parse(env, line, &cmd, errbuf, sizeof(errbuf));
	snprintf(descr, sizeof(descr), "parse \"%s\": returns %d", line, want_ret);
	if (ret != want_ret)
		printf("  got %d (%s)\n", ret, errbuf);
	test_cond(descr, ret == want_ret);
	snprintf(descr, sizeof(descr), "parse \"%s\": stdout text", line);
	xt_check_text(descr, cmd.out_text, want_out);
	snprintf(descr, sizeof(descr), "parse \"%s\": stderr text", line);
	xt_check_text(descr, cmd.err_text, want_err);
	snprintf(descr, sizeof(descr), "parse \"%s\": exit status %d", line, want_exitcode);
	test_cond(descr, cmd.set_exitcode == want_exitcode);
}

#define PWRITE_USAGE                                                                              \
	"pwrite [-i infile [-qdDwNOW] [-s skip]] [-b bs] [-S seed] [-FBR [-Z N]] [-V N] off len " \
	"-- writes a number of bytes at a specified offset\n"
#define PREAD_USAGE                                                                         \
	"pread [-b bs] [-qv] [-i N] [-FBR [-Z N]] off len -- reads a number of bytes at a " \
	"specified offset\n"
#define FALLOC_USAGE                                                                            \
	"falloc [-c] [-k] [-p] [-u] off len -- allocates space associated with part of a file " \
	"via fallocate\n"
#define FZERO_USAGE "fzero [-k] off len -- zeroes space and eliminates holes by preallocating\n"
#define MMAP_USAGE                                                                          \
	"mmap [N] | [-rwxS] [-s size] [off len] -- mmap a range in the current file, show " \
	"mappings\n"
#define MWRITE_USAGE                                                                          \
	"mwrite [-r] [-S seed] [off len] -- writes data into a region in the current memory " \
	"mapping\n"
#define MREAD_USAGE \
	"mread [-r] [off len] -- reads data from a region in the current memory mapping\n"
#define MSYNC_USAGE "msync [-ais] [off len] -- flush a region in the current memory mapping\n"
#define BMAP_USAGE  "bmap [-acelpv] [-n nx] -- print block mapping for an XFS file\n"
#define STAT_USAGE  "stat [-v|-r] -- statistics on the currently open file\n"
#define STATFS_USAGE \
	"statfs [-c] [-g] [-s] -- statistics on the filesystem of the currently open file\n"
#define NOMAP "no mapped regions, try 'help mmap'\n"

XS_TEST_SUITE(test_xfsio_cvtnum)
{
	static const struct {
		const char *s;
		int64_t want;
	} cases[] = {
		/* accepted, as truncate + stat showed on the real xfs_io */
		{"0x10", 16},
		{"010", 8},
		{"1K", 1024},
		{"1b", 4096},
		{"1B", 4096},
		{"1s", 512},
		{"+5", 5},
		{"-0", 0},
		{"1e", 1152921504606846976LL},
		{"7e", 8070450532247928832LL},
		{"0x7fffffffffffffff", INT64_MAX},
		{"99999999999999999999", INT64_MAX}, /* strtoll clamps */
		{"1g", 1073741824},
		{"3t", 3298534883328LL},
		{"1p", 1125899906842624LL},
		{"0X1f", 31},
		{"1m", 1048576},
		{"0k", 0},
		{"2M", 2097152},
		/* rejected (< 0): "non-numeric truncate argument" */
		{"1kb", -1},
		{"1.5k", -1},
		{"0x", -1},
		{"8e", INT64_MIN}, /* 8 << 60 wraps negative */
		{"k", -1},
		{"-1k", -1024},
		{"08", -1}, /* octal 0, then '8' is no suffix */
		{"foo", -1},
		{"1x", -1},
		{"-5", -5}, /* negative: callers treat any value < 0 as non-numeric */
	};
	char descr[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(descr, sizeof(descr), "cvtnum(\"%s\") = %lld", cases[i].s,
			 (long long)cases[i].want);
		test_cond(descr, xs_io_cvtnum(4096, 512, cases[i].s) == cases[i].want);
	}
	test_cond("cvtnum: b uses the block size it is given",
		  xs_io_cvtnum(1024, 512, "3b") == 3072);
	test_cond("cvtnum: s uses the sector size it is given",
		  xs_io_cvtnum(4096, 4096, "2S") == 8192);
	test_cond("cvtnum: 16e wraps to 0 as in xfs_io", xs_io_cvtnum(4096, 512, "16e") == 0);
}

XS_TEST_SUITE(test_xfsio_parse_errors)
{
	check_parse(&env_nomap, "pwrite -z 0 4k", -EINVAL, PWRITE_USAGE,
		    "pwrite: invalid option -- 'z'\n", true);
	check_parse(&env_nomap, "w -z 0 4k", -EINVAL, PWRITE_USAGE, "w: invalid option -- 'z'\n",
		    true);
	check_parse(&env_nomap, "pwrite 0 4k -b", -EINVAL, PWRITE_USAGE,
		    "pwrite: option requires an argument -- 'b'\n", true);
	check_parse(&env_nomap, "pwrite 0", -EINVAL, "",
		    "bad argument count 1 to pwrite, expected at least 2 arguments\n", false);
	check_parse(&env_nomap, "w 0", -EINVAL, "",
		    "bad argument count 1 to w, expected at least 2 arguments\n", false);
	check_parse(&env_nomap, "pwrite foo 4k", -EINVAL, "non-numeric offset argument -- foo\n",
		    "", true);
	check_parse(&env_nomap, "pwrite foo bar", -EINVAL, "non-numeric offset argument -- foo\n",
		    "", true);
	check_parse(&env_nomap, "pwrite 0 bar", -EINVAL, "non-numeric length argument -- bar\n", "",
		    true);
	check_parse(&env_nomap, "pwrite -b x 0 1", -EINVAL, "non-numeric bsize -- x\n", "", true);
	check_parse(&env_nomap, "pwrite -S zz 0 1", -EINVAL, "non-numeric seed -- zz\n", "", true);
	check_parse(&env_nomap, "pwrite 0 4k 5", -EINVAL, PWRITE_USAGE, "", true);
	check_parse(&env_nomap, "pwrite -V x 0 4k", -EINVAL, "non-numeric vector count == x\n", "",
		    true);
	check_parse(&env_nomap, "pwrite -Z x 0 4k", -EINVAL, "non-numeric seed -- x\n", "", true);
	check_parse(&env_nomap, "pwrite -s 5 0 4k", -EINVAL, PWRITE_USAGE, "", true);
	check_parse(&env_nomap, "pwrite -s x -i z1 0 4k", -EINVAL, "non-numeric skip -- x\n", "",
		    true);
	check_parse(&env_nomap, "pwrite -B -i z1 0 4k", -EINVAL, PWRITE_USAGE, "", true);
	check_parse(&env_nomap, "pwrite - 0 4k", -EINVAL, PWRITE_USAGE, "", true);
	check_parse(&env_nomap, "pwrite -q -- -1 4k", -EINVAL,
		    "non-numeric offset argument -- -1\n", "", true);
	check_parse(&env_nomap, "pwrite -b -5 0 4k", -EINVAL, "non-numeric bsize -- -5\n", "",
		    true);
	check_parse(&env_nomap, "pwrite 0 4k -z -y", -EINVAL, PWRITE_USAGE,
		    "pwrite: invalid option -- 'z'\n", true);
	check_parse(&env_nomap, "pwrite -z -b x 0 4k", -EINVAL, PWRITE_USAGE,
		    "pwrite: invalid option -- 'z'\n", true);
	check_parse(&env_nomap, "pwrite -b x -z 0 4k", -EINVAL, "non-numeric bsize -- x\n", "",
		    true);
	check_parse(&env_nomap, "pwrite\t0\t4k", -EINVAL, "",
		    "command \"pwrite\t0\t4k\" not found\n", false);

	check_parse(&env_nomap, "pread foo 4k", -EINVAL, "", "pread: Invalid argument\n", true);
	check_parse(&env_nomap, "pread -z 0 1", -EINVAL, PREAD_USAGE,
		    "pread: invalid option -- 'z'\n", true);
	check_parse(&env_nomap, "pread 0 4k 5", -EINVAL, PREAD_USAGE, "", true);
	check_parse(&env_nomap, "pread -b x 0 4k", -EINVAL, "non-numeric bsize -- x\n", "", true);
	check_parse(&env_nomap, "pread -Z x 0 4k", -EINVAL, "non-numeric seed -- x\n", "", true);

	check_parse(&env_nomap, "nosuch", -EINVAL, "", "command \"nosuch\" not found\n", false);
	check_parse(&env_nomap, "truncate", -EINVAL, "",
		    "bad argument count 0 to truncate, expected 1 arguments\n", false);
	check_parse(&env_nomap, "truncate -- 5", -EINVAL, "",
		    "bad argument count 2 to truncate, expected 1 arguments\n", false);
	check_parse(&env_nomap, "truncate x", -EINVAL, "non-numeric truncate argument -- x\n", "",
		    true);
	check_parse(&env_nomap, "truncate -5", -EINVAL, "non-numeric truncate argument -- -5\n", "",
		    true);
	check_parse(&env_nomap, "fsync 1", -EINVAL, "",
		    "bad argument count 1 to fsync, expected 0 arguments\n", false);
	check_parse(&env_nomap, "sync x", -EINVAL, "",
		    "bad argument count 1 to sync, expected 0 arguments\n", false);
	check_parse(&env_nomap, "fdatasync x", -EINVAL, "",
		    "bad argument count 1 to fdatasync, expected 0 arguments\n", false);

	check_parse(&env_nomap, "falloc 0", -EINVAL, "",
		    "bad argument count 1 to falloc, expected at least 2 arguments\n", false);
	check_parse(&env_nomap, "falloc x 0", -EINVAL, "non-numeric offset argument -- x\n", "",
		    true);
	check_parse(&env_nomap, "falloc 0 x", -EINVAL, "non-numeric length argument -- x\n", "",
		    true);
	check_parse(&env_nomap, "falloc 0 4k 5", -EINVAL, FALLOC_USAGE, "", true);
	check_parse(&env_nomap, "fzero x 4k", -EINVAL, "non-numeric offset argument -- x\n", "",
		    false);
	check_parse(&env_nomap, "fzero 0 4k 5", -EINVAL, FZERO_USAGE, "", false);
	check_parse(&env_nomap, "fzero 0", -EINVAL, "",
		    "bad argument count 1 to fzero, expected between 2 and 3 arguments\n", false);
	check_parse(&env_nomap, "fzero -k 0 4k 5", -EINVAL, "",
		    "bad argument count 4 to fzero, expected between 2 and 3 arguments\n", false);
	check_parse(&env_nomap, "fpunch x 4k", -EINVAL, "non-numeric offset argument -- x\n", "",
		    true);
	check_parse(&env_nomap, "fpunch -k 0", -EINVAL, "non-numeric offset argument -- -k\n", "",
		    true);
	check_parse(&env_nomap, "fpunch 0 4k 5", -EINVAL, "",
		    "bad argument count 3 to fpunch, expected 2 arguments\n", false);

	check_parse(&env_nomap, "mwrite 0 1", -EINVAL, "", NOMAP, false);
	check_parse(&env_nomap, "msync", -EINVAL, "", NOMAP, false);
	check_parse(&env_nomap, "munmap", -EINVAL, "", NOMAP, false);
	check_parse(&env_nomap, "mread", -EINVAL, "", NOMAP, false);
	check_parse(&env_nomap, "mwrite x y z", -EINVAL, "", NOMAP, false);
	check_parse(&env_nomap, "mmap", -EINVAL, "", NOMAP, true);
	check_parse(&env_nomap, "mmap 0", -EINVAL, "", NOMAP, true);
	check_parse(&env_nomap, "mmap -r", -EINVAL, "", NOMAP, true);
	check_parse(&env_nomap, "mmap -z 0 4k", -EINVAL, MMAP_USAGE,
		    "mmap: invalid option -- 'z'\n", true);
	check_parse(&env_nomap, "mmap x 4k", -EINVAL, "non-numeric offset argument -- x\n", "",
		    true);
	check_parse(&env_nomap, "mmap 0x 4k", -EINVAL, "non-numeric offset argument -- 0x\n", "",
		    true);
	check_parse(&env_nomap, "mmap 0 x", -EINVAL, "non-numeric length argument -- x\n", "",
		    true);
	check_parse(&env_nomap, "mmap 0 4k 5", -EINVAL, MMAP_USAGE, "", true);
	check_parse(&env_nomap, "mmap -S 0 4k", -EINVAL, "", "mmap: Operation not supported\n",
		    true);

	check_parse(&env_map, "mwrite -S zz 0 1", -EINVAL, "non-numeric seed -- zz\n", "", false);
	check_parse(&env_map, "mwrite -z", -EINVAL, MWRITE_USAGE, "mwrite: invalid option -- 'z'\n",
		    true);
	check_parse(&env_map, "msync -z", -EINVAL, MSYNC_USAGE, "msync: invalid option -- 'z'\n",
		    true);
	check_parse(&env_map, "mread -z", -EINVAL, MREAD_USAGE, "mread: invalid option -- 'z'\n",
		    true);
	check_parse(&env_map, "mwrite x 1", -EINVAL, "non-numeric offset argument -- x\n", "",
		    true);
	check_parse(&env_map, "mwrite 0 y", -EINVAL, "non-numeric length argument -- y\n", "",
		    true);
	check_parse(&env_map, "msync x 1", -EINVAL, "non-numeric offset argument -- x\n", "", true);
	check_parse(&env_map, "mread 0 x", -EINVAL, "non-numeric length argument -- x\n", "", true);
	check_parse(&env_map, "mwrite 0", -EINVAL, MWRITE_USAGE, "", true);
	check_parse(&env_map, "msync 0", -EINVAL, MSYNC_USAGE, "", true);
	check_parse(&env_map, "munmap 1", -EINVAL, "",
		    "bad argument count 1 to munmap, expected 0 arguments\n", false);

	check_parse(&env_nomap, "bmap -z", -EINVAL, BMAP_USAGE, "bmap: invalid option -- 'z'\n",
		    false);
	check_parse(&env_nomap, "bmap -n", -EINVAL, BMAP_USAGE,
		    "bmap: option requires an argument -- 'n'\n", false);
	check_parse(&env_nomap, "bmap -n -3", -EINVAL, "", "xfs_io: malloc of -48 bytes failed.\n",
		    true);
	check_parse(&env_nomap, "stat -z", -EINVAL, STAT_USAGE, "stat: invalid option -- 'z'\n",
		    true);
	check_parse(&env_nomap, "stat x y", -EINVAL, "",
		    "bad argument count 2 to stat, expected between 0 and 1 arguments\n", false);
	check_parse(&env_nomap, "stat -r -v", -EINVAL, "",
		    "bad argument count 2 to stat, expected between 0 and 1 arguments\n", false);
	check_parse(&env_nomap, "statfs -z", -EINVAL, STATFS_USAGE,
		    "statfs: invalid option -- 'z'\n", true);
}

XS_TEST_SUITE(test_xfsio_parse_go_on)
{
	struct xs_io_cmd cmd;

	/* falloc and fzero print their usage for a bad option, then run anyway */
	check_parse(&env_nomap, "falloc -z 0 4k", 0, FALLOC_USAGE,
		    "falloc: invalid option -- 'z'\n", true);
	test_cond("falloc -z 0 4k still runs falloc 0 4096",
		  xt_parse_ok(&env_nomap, "falloc -z 0 4k", &cmd) == 0 &&
			  cmd.kind == XS_IO_CMD_FALLOC && cmd.off_bytes == 0 &&
			  cmd.len_bytes == 4096 && cmd.falloc_mode == 0);
	check_parse(&env_nomap, "fzero -z 0 4k", 0, FZERO_USAGE, "fzero: invalid option -- 'z'\n",
		    false);
	check_parse(&env_nomap, "falloc -zy 0 4k", 0, FALLOC_USAGE FALLOC_USAGE,
		    "falloc: invalid option -- 'z'\nfalloc: invalid option -- 'y'\n", true);
	/* forward pread with a non-numeric length reads to EOF */
	check_parse(&env_nomap, "pread 0 bar", 0, "", "", false);
	test_cond("pread 0 bar: to_eof", xt_parse_ok(&env_nomap, "pread 0 bar", &cmd) == 0 &&
						 cmd.pread.to_eof && cmd.off_bytes == 0);
	/* operands bmap, stat and statfs ignore */
	check_parse(&env_nomap, "bmap x", 0, "", "", false);
	check_parse(&env_nomap, "stat x", 0, "", "", false);
	check_parse(&env_nomap, "statfs x", 0, "", "", false);
	check_parse(&env_nomap, "bmap -n x", 0, "", "", false);
}

XS_TEST_SUITE(test_xfsio_parse_pwrite)
{
	struct xs_io_cmd cmd;

	test_cond("pwrite 0 4k: defaults",
		  xt_parse_ok(&env_nomap, "pwrite 0 4k", &cmd) == 0 &&
			  cmd.kind == XS_IO_CMD_PWRITE && strcmp(cmd.name, "pwrite") == 0 &&
			  cmd.off_bytes == 0 && cmd.len_bytes == 4096 &&
			  cmd.pwrite.bsize_bytes == 4096 && cmd.pwrite.seed == 0xcdcdcdcdu &&
			  cmd.pwrite.fill_byte == 0xcd && !cmd.pwrite.quiet && !cmd.pwrite.compact);
	test_cond("pwrite 0 4096 -q: options after operands (getopt permutes)",
		  xt_parse_ok(&env_nomap, "pwrite 0 4096 -q", &cmd) == 0 && cmd.pwrite.quiet &&
			  cmd.len_bytes == 4096);
	test_cond("pwrite -qb 1k 0 4k: clustered options",
		  xt_parse_ok(&env_nomap, "pwrite -qb 1k 0 4k", &cmd) == 0 && cmd.pwrite.quiet &&
			  cmd.pwrite.bsize_bytes == 1024);
	test_cond("pwrite -b1k 0 4k: attached option argument",
		  xt_parse_ok(&env_nomap, "pwrite -b1k 0 4k", &cmd) == 0 &&
			  cmd.pwrite.bsize_bytes == 1024);
	test_cond("pwrite -- 0 4k",
		  xt_parse_ok(&env_nomap, "pwrite -- 0 4k", &cmd) == 0 && cmd.len_bytes == 4096);
	test_cond("pwrite 0 -- 4k",
		  xt_parse_ok(&env_nomap, "pwrite 0 -- 4k", &cmd) == 0 && cmd.len_bytes == 4096);
	test_cond("pwrite  0   4k: repeated spaces",
		  xt_parse_ok(&env_nomap, "  pwrite  0   4k ", &cmd) == 0 && cmd.len_bytes == 4096);
	test_cond("pwrite -S 0x1234: memset keeps the low byte",
		  xt_parse_ok(&env_nomap, "pwrite -S 0x1234 4k 4k", &cmd) == 0 &&
			  cmd.pwrite.seed == 0x1234 && cmd.pwrite.fill_byte == 0x34 &&
			  cmd.off_bytes == 4096);
	test_cond("pwrite -S -1: strtoul wraps to 0xffffffff",
		  xt_parse_ok(&env_nomap, "pwrite -S -1 0 4k", &cmd) == 0 &&
			  cmd.pwrite.seed == 0xffffffffu && cmd.pwrite.fill_byte == 0xff);
	test_cond("pwrite -S 0x: strtoul takes the 0",
		  xt_parse_ok(&env_nomap, "pwrite -S 0x 0 1", &cmd) == 0 &&
			  cmd.pwrite.fill_byte == 0);
	test_cond("pwrite -b 0: accepted (xfs_io writes 0 of N bytes in 0 ops)",
		  xt_parse_ok(&env_nomap, "pwrite -b 0 0 4k", &cmd) == 0 &&
			  cmd.pwrite.bsize_bytes == 0);
	test_cond("pwrite -C -w -W -F -Z 5",
		  xt_parse_ok(&env_nomap, "pwrite -C -w -W -F -Z 5 0 1", &cmd) == 0 &&
			  cmd.pwrite.compact && cmd.pwrite.fdatasync && cmd.pwrite.fsync);
	test_cond("w: alias of pwrite", xt_parse_ok(&env_nomap, "w 1b 2s", &cmd) == 0 &&
						cmd.kind == XS_IO_CMD_PWRITE &&
						strcmp(cmd.name, "pwrite") == 0 &&
						cmd.off_bytes == 4096 && cmd.len_bytes == 1024);
	test_cond("pwrite -b uses the environment's block size",
		  xs_io_parse(&(struct xs_io_env){1024, 512, false}, "pwrite -b 2b 1b 1", &cmd,
			      NULL, 0) == 0 &&
			  cmd.pwrite.bsize_bytes == 2048 && cmd.off_bytes == 1024);
	test_cond("pwrite default -b is the block size",
		  xs_io_parse(&(struct xs_io_env){65536, 512, false}, "pwrite 0 1", &cmd, NULL,
			      0) == 0 &&
			  cmd.pwrite.bsize_bytes == 65536);
}

XS_TEST_SUITE(test_xfsio_parse_cmds)
{
	struct xs_io_cmd cmd;

	test_cond("blank line: nothing to do",
		  xt_parse_ok(&env_nomap, "   ", &cmd) == 0 && cmd.kind == XS_IO_CMD_NONE);
	test_cond("empty line: nothing to do",
		  xt_parse_ok(&env_nomap, "", &cmd) == 0 && cmd.kind == XS_IO_CMD_NONE);
	test_cond("pread -v -b 1000 0 2500",
		  xt_parse_ok(&env_nomap, "pread -v -b 1000 0 2500", &cmd) == 0 &&
			  cmd.kind == XS_IO_CMD_PREAD && cmd.pread.verbose &&
			  cmd.pread.bsize_bytes == 1000 && cmd.len_bytes == 2500 &&
			  !cmd.pread.to_eof);
	test_cond("r -q -C: alias of pread", xt_parse_ok(&env_nomap, "r -q -C 1k 1k", &cmd) == 0 &&
						     cmd.kind == XS_IO_CMD_PREAD &&
						     cmd.pread.quiet && cmd.pread.compact);
	test_cond("mmap -rw 0 64k", xt_parse_ok(&env_nomap, "mmap -rw 0 64k", &cmd) == 0 &&
					    cmd.kind == XS_IO_CMD_MMAP &&
					    cmd.mmap_prot == (XS_IO_PROT_READ | XS_IO_PROT_WRITE) &&
					    cmd.len_bytes == 65536);
	test_cond("mmap 0 4k: all protections by default",
		  xt_parse_ok(&env_nomap, "mmap 0 4k", &cmd) == 0 &&
			  cmd.mmap_prot == (XS_IO_PROT_READ | XS_IO_PROT_WRITE | XS_IO_PROT_EXEC));
	test_cond("mm -r -s 1m 4k 4k: alias, -s ignored",
		  xt_parse_ok(&env_map, "mm -r -s 1m 4k 4k", &cmd) == 0 &&
			  cmd.mmap_prot == XS_IO_PROT_READ && cmd.off_bytes == 4096);
	test_cond("mmap with a mapping and no range: not modelled",
		  xs_io_parse(&env_map, "mmap", &cmd, NULL, 0) == -EOPNOTSUPP);
	test_cond("mwrite: default seed 'X'",
		  xt_parse_ok(&env_map, "mwrite", &cmd) == 0 && cmd.kind == XS_IO_CMD_MWRITE &&
			  !cmd.have_range && cmd.mwrite.fill_byte == 'X');
	test_cond("mwrite -S 0x41 4k 10",
		  xt_parse_ok(&env_map, "mwrite -S 0x41 4k 10", &cmd) == 0 && cmd.have_range &&
			  cmd.mwrite.fill_byte == 'A' && cmd.off_bytes == 4096 &&
			  cmd.len_bytes == 10);
	test_cond("mw -r -S 300: (char)300 is ','",
		  xt_parse_ok(&env_map, "mw -r -S 300 0 1", &cmd) == 0 && cmd.mwrite.reverse &&
			  cmd.mwrite.fill_byte == 44);
	test_cond("mread -v 4090 20", xt_parse_ok(&env_map, "mread -v 4090 20", &cmd) == 0 &&
					      cmd.kind == XS_IO_CMD_MREAD && cmd.mread_dump == 1 &&
					      cmd.off_bytes == 4090);
	test_cond("mr -f", xt_parse_ok(&env_map, "mr -f", &cmd) == 0 && cmd.mread_dump == 2 &&
				   !cmd.have_range);
	test_cond("mread -r -v: not modelled",
		  xs_io_parse(&env_map, "mread -r -v", &cmd, NULL, 0) == -EOPNOTSUPP);
	test_cond("msync -a -s", xt_parse_ok(&env_map, "msync -as", &cmd) == 0 &&
					 cmd.kind == XS_IO_CMD_MSYNC &&
					 cmd.msync_flags == (XS_IO_MS_ASYNC | XS_IO_MS_SYNC));
	test_cond("ms -i 0 4k", xt_parse_ok(&env_map, "ms -i 0 4k", &cmd) == 0 &&
					cmd.msync_flags == XS_IO_MS_INVALIDATE && cmd.have_range);
	test_cond("mu: munmap",
		  xt_parse_ok(&env_map, "mu", &cmd) == 0 && cmd.kind == XS_IO_CMD_MUNMAP);
	test_cond("t 1k: truncate", xt_parse_ok(&env_nomap, "t 1k", &cmd) == 0 &&
					    cmd.kind == XS_IO_CMD_TRUNCATE &&
					    cmd.off_bytes == 1024);
	test_cond("falloc -k", xt_parse_ok(&env_nomap, "falloc -k 0 1m", &cmd) == 0 &&
				       cmd.falloc_mode == XS_IO_FALLOC_KEEP_SIZE &&
				       cmd.len_bytes == 1048576);
	test_cond("falloc -k -p: the last option wins",
		  xt_parse_ok(&env_nomap, "falloc -k -p 0 4k", &cmd) == 0 &&
			  cmd.falloc_mode == (XS_IO_FALLOC_PUNCH_HOLE | XS_IO_FALLOC_KEEP_SIZE));
	test_cond("falloc -c: not modelled",
		  xs_io_parse(&env_nomap, "falloc -c 0 4k", &cmd, NULL, 0) == -EOPNOTSUPP);
	test_cond("fpunch",
		  xt_parse_ok(&env_nomap, "fpunch 4k 8k", &cmd) == 0 &&
			  cmd.kind == XS_IO_CMD_FPUNCH &&
			  cmd.falloc_mode == (XS_IO_FALLOC_PUNCH_HOLE | XS_IO_FALLOC_KEEP_SIZE) &&
			  cmd.off_bytes == 4096 && cmd.len_bytes == 8192);
	test_cond("fzero -k",
		  xt_parse_ok(&env_nomap, "fzero -k 0 4k", &cmd) == 0 &&
			  cmd.kind == XS_IO_CMD_FZERO &&
			  cmd.falloc_mode == (XS_IO_FALLOC_ZERO_RANGE | XS_IO_FALLOC_KEEP_SIZE));
	test_cond("fzero", xt_parse_ok(&env_nomap, "fzero 0 4k", &cmd) == 0 &&
				   cmd.falloc_mode == XS_IO_FALLOC_ZERO_RANGE);
	test_cond("s, ds, sync",
		  xt_parse_ok(&env_nomap, "s", &cmd) == 0 && cmd.kind == XS_IO_CMD_FSYNC &&
			  xt_parse_ok(&env_nomap, "ds", &cmd) == 0 &&
			  cmd.kind == XS_IO_CMD_FDATASYNC &&
			  xt_parse_ok(&env_nomap, "sync", &cmd) == 0 && cmd.kind == XS_IO_CMD_SYNC);
	test_cond("bmap -elvp", xt_parse_ok(&env_nomap, "bmap -elvp", &cmd) == 0 &&
					cmd.kind == XS_IO_CMD_BMAP && cmd.bmap.eflag &&
					cmd.bmap.lflag && cmd.bmap.vflag == 1 && cmd.bmap.pflag &&
					!cmd.bmap.aflag);
	test_cond("bmap -vv -n 2", xt_parse_ok(&env_nomap, "bmap -vv -n 2", &cmd) == 0 &&
					   cmd.bmap.vflag == 2 && cmd.bmap.nflag == 2);
	test_cond("bmap -n4k: atoi",
		  xt_parse_ok(&env_nomap, "bmap -n4k", &cmd) == 0 && cmd.bmap.nflag == 4);
	test_cond("bmap -a", xt_parse_ok(&env_nomap, "bmap -a", &cmd) == 0 && cmd.bmap.aflag);
	test_cond("bmap -c: not modelled",
		  xs_io_parse(&env_nomap, "bmap -c", &cmd, NULL, 0) == -EOPNOTSUPP);
	test_cond("stat -rv: raw and verbose", xt_parse_ok(&env_nomap, "stat -rv", &cmd) == 0 &&
						       cmd.kind == XS_IO_CMD_STAT && cmd.stat.raw &&
						       cmd.stat.verbose);
	test_cond("statfs: all sections",
		  xt_parse_ok(&env_nomap, "statfs", &cmd) == 0 && cmd.kind == XS_IO_CMD_STATFS &&
			  cmd.statfs_flags == (XS_IO_STATFS_STATFS | XS_IO_STATFS_GEOMETRY |
					       XS_IO_STATFS_COUNTS));
	test_cond("statfs -c", xt_parse_ok(&env_nomap, "statfs -c", &cmd) == 0 &&
				       cmd.statfs_flags == XS_IO_STATFS_COUNTS);
	test_cond("fiemap: an xfs_io command wpsim does not model",
		  xs_io_parse(&env_nomap, "fiemap -v", &cmd, NULL, 0) == -EOPNOTSUPP &&
			  cmd.out_text[0] == '\0' && cmd.err_text[0] == '\0');
	test_cond("pwrite -B: not modelled",
		  xs_io_parse(&env_nomap, "pwrite -B 8k 4k", &cmd, NULL, 0) == -EOPNOTSUPP);
	test_cond("pread -R: not modelled",
		  xs_io_parse(&env_nomap, "pread -R 0 4k", &cmd, NULL, 0) == -EOPNOTSUPP);
	test_cond("xs_io_cmd_name", strcmp(xs_io_cmd_name(XS_IO_CMD_FZERO), "fzero") == 0 &&
					    xs_io_cmd_name(XS_IO_CMD_NONE) == NULL);
	{
		char small[8];

		test_cond("errbuf is truncated, NUL-terminated",
			  xs_io_parse(&env_nomap, "nosuch", &cmd, small, sizeof(small)) ==
					  -EINVAL &&
				  strlen(small) == sizeof(small) - 1);
	}
}
