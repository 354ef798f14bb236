/*
 * Tests of the xfs_io language layer: the printers (sim/io/xfsio_print.c).
 *
 * The expected texts are outputs of the real xfs_io 6.1 (xfsprogs 6.1.0, Debian; the
 * host kernel was 6.18, which decided the values but not the formats), captured on a
 * loop-mounted XFS: a 1 GiB filesystem with default mkfs options
 * (4 AGs of 65536 blocks) and a 16 GiB one made with -d agcount=120,su=64k,sw=4 for the
 * stripe flags. The printers are fed the values that xfs_io printed (disk addresses,
 * inode numbers, times), so these tests check formats, not the model. Timing lines
 * were matched by finding the elapsed microseconds that reproduce them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io/xfsio_cmd.h"
#include "io/xfsio_print.h"
#include "tests/io/xfsiotest.h"
#include "tests/testhelp.h"

static const struct xs_io_env env_nomap = {4096, 512, false};

/* Output of a printer, captured with open_memstream(); caller frees. */
struct capture {
	char *buf;
	size_t len;
	FILE *fp;
};

static FILE *cap_start(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->fp = open_memstream(&c->buf, &c->len);
	return c->fp;
}

static char *cap_end(struct capture *c)
{
	fclose(c->fp);
	return c->buf;
}

/* Captured outputs of the real xfs_io 6.1. */
static const char cap_b1_plain[] = "b1:\n"
				   "\t0: [0..127]: 320..447\n"
				   "\t1: [128..255]: hole\n"
				   "\t2: [256..383]: 576..703\n"
				   "\t3: [384..511]: hole\n"
				   "\t4: [512..519]: 832..839\n"
				   "\t5: [520..639]: 840..959\n"
				   "\t6: [640..2047]: hole\n";

static const char cap_b1_l[] = "b1:\n"
			       "\t0: [0..127]: 320..447 128 blocks\n"
			       "\t1: [128..255]: hole 128 blocks\n"
			       "\t2: [256..383]: 576..703 128 blocks\n"
			       "\t3: [384..511]: hole 128 blocks\n"
			       "\t4: [512..519]: 832..839 8 blocks\n"
			       "\t5: [520..639]: 840..959 120 blocks\n"
			       "\t6: [640..2047]: hole 1408 blocks\n";

static const char cap_b1_v[] =
	"b1:\n"
	" EXT: FILE-OFFSET      BLOCK-RANGE      AG AG-OFFSET        TOTAL\n"
	"   0: [0..127]:        320..447          0 (320..447)         128\n"
	"   1: [128..255]:      hole                                   128\n"
	"   2: [256..383]:      576..703          0 (576..703)         128\n"
	"   3: [384..511]:      hole                                   128\n"
	"   4: [512..519]:      832..839          0 (832..839)           8\n"
	"   5: [520..639]:      840..959          0 (840..959)         120\n"
	"   6: [640..2047]:     hole                                  1408\n";

static const char cap_b1_vp[] =
	"b1:\n"
	" EXT: FILE-OFFSET      BLOCK-RANGE      AG AG-OFFSET        TOTAL FLAGS\n"
	"   0: [0..127]:        320..447          0 (320..447)         128 000000\n"
	"   1: [128..255]:      hole                                   128\n"
	"   2: [256..383]:      576..703          0 (576..703)         128 010000\n"
	"   3: [384..511]:      hole                                   128\n"
	"   4: [512..519]:      832..839          0 (832..839)           8 000000\n"
	"   5: [520..639]:      840..959          0 (840..959)         120 010000\n"
	"   6: [640..2047]:     hole                                  1408\n";

static const char cap_b1_vvp[] =
	"b1:\n"
	" EXT: FILE-OFFSET      BLOCK-RANGE      AG AG-OFFSET        TOTAL FLAGS\n"
	"   0: [0..127]:        320..447          0 (320..447)         128 000000\n"
	"   1: [128..255]:      hole                                   128\n"
	"   2: [256..383]:      576..703          0 (576..703)         128 010000\n"
	"   3: [384..511]:      hole                                   128\n"
	"   4: [512..519]:      832..839          0 (832..839)           8 000000\n"
	"   5: [520..639]:      840..959          0 (840..959)         120 010000\n"
	"   6: [640..2047]:     hole                                  1408\n"
	" FLAG Values:\n"
	"    0100000 Shared extent\n"
	"    0010000 Unwritten preallocated extent\n"
	"    0001000 Doesn't begin on stripe unit\n"
	"    0000100 Doesn't end   on stripe unit\n"
	"    0000010 Doesn't begin on stripe width\n"
	"    0000001 Doesn't end   on stripe width\n";

static const char cap_b1_elvp[] =
	"b1:\n"
	" EXT: FILE-OFFSET      BLOCK-RANGE      AG AG-OFFSET        TOTAL FLAGS\n"
	"   0: [0..127]:        320..447          0 (320..447)         128 000000\n"
	"   1: [128..255]:      hole                                   128\n"
	"   2: [256..383]:      576..703          0 (576..703)         128 010000\n"
	"   3: [384..511]:      hole                                   128\n"
	"   4: [512..519]:      832..839          0 (832..839)           8 000000\n"
	"   5: [520..639]:      840..959          0 (840..959)         120 010000\n"
	"   6: [640..2047]:     hole                                  1408\n";

static const char cap_dd3_vvp[] =
	"dd3/f:\n"
	" EXT: FILE-OFFSET      BLOCK-RANGE      AG AG-OFFSET        TOTAL FLAGS\n"
	"   0: [0..127]:        1180096..1180223  2 (131520..131647)   128 000000\n"
	"   1: [128..2047]:     hole                                  1920\n"
	"   2: [2048..2303]:    1179840..1180095  2 (131264..131519)   256 010000\n"
	" FLAG Values:\n"
	"    0100000 Shared extent\n"
	"    0010000 Unwritten preallocated extent\n"
	"    0001000 Doesn't begin on stripe unit\n"
	"    0000100 Doesn't end   on stripe unit\n"
	"    0000010 Doesn't begin on stripe width\n"
	"    0000001 Doesn't end   on stripe width\n";

static const char cap_d3_e[] = "d3:\n"
			       "\t0: [0..7]: delalloc\n"
			       "\t1: [8..104857599]: hole\n"
			       "\t2: [104857600..104857607]: delalloc\n"
			       "\t3: [104857608..207618047]: hole\n"
			       "\t4: [207618048..207618175]: 1344..1471\n"
			       "\t5: [207618176..209715199]: hole\n";

static const char cap_d3_evl[] =
	"d3:\n"
	" EXT: FILE-OFFSET             BLOCK-RANGE      AG AG-OFFSET            TOTAL\n"
	"   0: [0..7]:                 delalloc                                     8\n"
	"   1: [8..104857599]:         hole                                 104857592\n"
	"   2: [104857600..104857607]: delalloc                                     8\n"
	"   3: [104857608..207618047]: hole                                 102760440\n"
	"   4: [207618048..207618175]: 1344..1471        0 (1344..1471)           128\n"
	"   5: [207618176..209715199]: hole                                   2097024\n";

static const char cap_d3_evp[] =
	"d3:\n"
	" EXT: FILE-OFFSET             BLOCK-RANGE      AG AG-OFFSET            TOTAL FLAGS\n"
	"   0: [0..7]:                 delalloc                                     8\n"
	"   1: [8..104857599]:         hole                                 104857592\n"
	"   2: [104857600..104857607]: delalloc                                     8\n"
	"   3: [104857608..207618047]: hole                                 102760440\n"
	"   4: [207618048..207618175]: 1344..1471        0 (1344..1471)           128 000000\n"
	"   5: [207618176..209715199]: hole                                   2097024\n";

static const char cap_e1_e[] = "e1:\n"
			       "\t0: [0..15]: hole\n";

static const char cap_e1_elvp[] =
	"e1:\n"
	" EXT: FILE-OFFSET      BLOCK-RANGE      AG AG-OFFSET        TOTAL FLAGS\n"
	"   0: [0..15]:         hole                                    16\n";

static const char cap_e1_plain[] = "e1: no extents\n";

static const char cap_e1_n1v[] =
	"e1:\n"
	" EXT: FILE-OFFSET      BLOCK-RANGE      AG AG-OFFSET        TOTAL\n";

static const char cap_b1_n3v[] =
	"b1:\n"
	" EXT: FILE-OFFSET      BLOCK-RANGE      AG AG-OFFSET        TOTAL\n"
	"   0: [0..127]:        320..447          0 (320..447)         128\n"
	"   1: [128..255]:      hole                                   128\n"
	"   2: [256..383]:      576..703          0 (576..703)         128\n";

static const char cap_b1_n2[] = "b1:\n"
				"\t0: [0..127]: 320..447\n"
				"\t1: [128..255]: hole\n";

static const char cap_b1_n2vv[] =
	"b1:\n"
	" EXT: FILE-OFFSET      BLOCK-RANGE      AG AG-OFFSET        TOTAL\n"
	"   0: [0..127]:        320..447          0 (320..447)         128\n"
	"   1: [128..255]:      hole                                   128\n";

static const char cap_stripe_plain[] = "d6/s1:\n"
				       "\t0: [0..7]: hole\n"
				       "\t1: [8..31]: 1398480..1398503\n"
				       "\t2: [32..2047]: hole\n"
				       "\t3: [2048..2175]: 1400520..1400647\n"
				       "\t4: [2176..4095]: hole\n"
				       "\t5: [4096..4103]: 1400704..1400711\n"
				       "\t6: [4104..4223]: 1400712..1400831\n";

static const char cap_stripe_v[] =
	"d6/s1:\n"
	" EXT: FILE-OFFSET      BLOCK-RANGE       AG AG-OFFSET        TOTAL FLAGS\n"
	"   0: [0..7]:          hole                                      8\n"
	"   1: [8..31]:         1398480..1398503   5 (80..103)           24 001111\n"
	"   2: [32..2047]:      hole                                   2016\n"
	"   3: [2048..2175]:    1400520..1400647   5 (2120..2247)       128 001111\n"
	"   4: [2176..4095]:    hole                                   1920\n"
	"   5: [4096..4103]:    1400704..1400711   5 (2304..2311)         8 000111\n"
	"   6: [4104..4223]:    1400712..1400831   5 (2312..2431)       120 001010\n";

static const char cap_stripe_vp[] =
	"d6/s1:\n"
	" EXT: FILE-OFFSET      BLOCK-RANGE       AG AG-OFFSET        TOTAL FLAGS\n"
	"   0: [0..7]:          hole                                      8\n"
	"   1: [8..31]:         1398480..1398503   5 (80..103)           24 001111\n"
	"   2: [32..2047]:      hole                                   2016\n"
	"   3: [2048..2175]:    1400520..1400647   5 (2120..2247)       128 011111\n"
	"   4: [2176..4095]:    hole                                   1920\n"
	"   5: [4096..4103]:    1400704..1400711   5 (2304..2311)         8 000111\n"
	"   6: [4104..4223]:    1400712..1400831   5 (2312..2431)       120 011010\n";

static const char cap_stripe_vv[] =
	"d6/s1:\n"
	" EXT: FILE-OFFSET      BLOCK-RANGE       AG AG-OFFSET        TOTAL FLAGS\n"
	"   0: [0..7]:          hole                                      8\n"
	"   1: [8..31]:         1398480..1398503   5 (80..103)           24 001111\n"
	"   2: [32..2047]:      hole                                   2016\n"
	"   3: [2048..2175]:    1400520..1400647   5 (2120..2247)       128 001111\n"
	"   4: [2176..4095]:    hole                                   1920\n"
	"   5: [4096..4103]:    1400704..1400711   5 (2304..2311)         8 000111\n"
	"   6: [4104..4223]:    1400712..1400831   5 (2312..2431)       120 001010\n"
	" FLAG Values:\n"
	"    0100000 Shared extent\n"
	"    0010000 Unwritten preallocated extent\n"
	"    0001000 Doesn't begin on stripe unit\n"
	"    0000100 Doesn't end   on stripe unit\n"
	"    0000010 Doesn't begin on stripe width\n"
	"    0000001 Doesn't end   on stripe width\n";

static const char cap_stripe_vvp[] =
	"d6/s1:\n"
	" EXT: FILE-OFFSET      BLOCK-RANGE       AG AG-OFFSET        TOTAL FLAGS\n"
	"   0: [0..7]:          hole                                      8\n"
	"   1: [8..31]:         1398480..1398503   5 (80..103)           24 001111\n"
	"   2: [32..2047]:      hole                                   2016\n"
	"   3: [2048..2175]:    1400520..1400647   5 (2120..2247)       128 011111\n"
	"   4: [2176..4095]:    hole                                   1920\n"
	"   5: [4096..4103]:    1400704..1400711   5 (2304..2311)         8 000111\n"
	"   6: [4104..4223]:    1400712..1400831   5 (2312..2431)       120 011010\n"
	" FLAG Values:\n"
	"    0100000 Shared extent\n"
	"    0010000 Unwritten preallocated extent\n"
	"    0001000 Doesn't begin on stripe unit\n"
	"    0000100 Doesn't end   on stripe unit\n"
	"    0000010 Doesn't begin on stripe width\n"
	"    0000001 Doesn't end   on stripe width\n";

static const char cap_stripe_evl[] =
	"d6/s1:\n"
	" EXT: FILE-OFFSET      BLOCK-RANGE       AG AG-OFFSET        TOTAL FLAGS\n"
	"   0: [0..7]:          hole                                      8\n"
	"   1: [8..31]:         1398480..1398503   5 (80..103)           24 001111\n"
	"   2: [32..2047]:      hole                                   2016\n"
	"   3: [2048..2175]:    1400520..1400647   5 (2120..2247)       128 001111\n"
	"   4: [2176..4095]:    hole                                   1920\n"
	"   5: [4096..4103]:    1400704..1400711   5 (2304..2311)         8 000111\n"
	"   6: [4104..4223]:    1400712..1400831   5 (2312..2431)       120 001010\n";

static const char cap_stat[] = "fd.path = \"b1\"\n"
			       "fd.flags = non-sync,non-direct,read-write\n"
			       "stat.ino = 135\n"
			       "stat.type = regular file\n"
			       "stat.size = 1048576\n"
			       "stat.blocks = 384\n"
			       "fsxattr.xflags = 0x80000002 [-p--------------X]\n"
			       "fsxattr.projid = 0\n"
			       "fsxattr.extsize = 0\n"
			       "fsxattr.cowextsize = 0\n"
			       "fsxattr.nextents = 4\n"
			       "fsxattr.naextents = 0\n"
			       "dioattr.mem = 0x200\n"
			       "dioattr.miniosz = 512\n"
			       "dioattr.maxiosz = 2147483136\n";

static const char cap_stat_v[] = "fd.path = \"b1\"\n"
				 "fd.flags = non-sync,non-direct,read-write\n"
				 "stat.ino = 135\n"
				 "stat.type = regular file\n"
				 "stat.size = 1048576\n"
				 "stat.blocks = 384\n"
				 "stat.atime = Tue Nov 24 07:10:56 2026\n"
				 "stat.mtime = Tue Nov 24 07:10:56 2026\n"
				 "stat.ctime = Tue Nov 24 07:10:56 2026\n"
				 "fsxattr.xflags = 0x80000002 [prealloc, has-xattr]\n"
				 "fsxattr.projid = 0\n"
				 "fsxattr.extsize = 0\n"
				 "fsxattr.cowextsize = 0\n"
				 "fsxattr.nextents = 4\n"
				 "fsxattr.naextents = 0\n"
				 "dioattr.mem = 0x200\n"
				 "dioattr.miniosz = 512\n"
				 "dioattr.maxiosz = 2147483136\n";

static const char cap_stat_r[] = "stat.blksize = 4096\n"
				 "stat.nlink = 1\n"
				 "stat.uid = 0\n"
				 "stat.gid = 0\n"
				 "stat.mode: 0100600\n"
				 "stat.ino = 135\n"
				 "stat.size = 1048576\n"
				 "stat.blocks = 384\n"
				 "stat.atime.tv_sec = 1795504256\n"
				 "stat.atime.tv_nsec = 991680584\n"
				 "stat.ctime.tv_sec = 1795504256\n"
				 "stat.ctime.tv_nsec = 993777183\n"
				 "stat.mtime.tv_sec = 1795504256\n"
				 "stat.mtime.tv_nsec = 993777183\n"
				 "stat.rdev_major = 0\n"
				 "stat.rdev_minor = 0\n"
				 "stat.dev_major = 7\n"
				 "stat.dev_minor = 0\n";

static const char cap_statfs_all[] = "fd.path = \"b1\"\n"
				     "statfs.f_bsize = 4096\n"
				     "statfs.f_blocks = 245760\n"
				     "statfs.f_bavail = 235503\n"
				     "statfs.f_files = 524288\n"
				     "statfs.f_ffree = 524266\n"
				     "statfs.f_flags = 0x1020\n"
				     "geom.bsize = 4096\n"
				     "geom.agcount = 4\n"
				     "geom.agblocks = 65536\n"
				     "geom.datablocks = 262144\n"
				     "geom.rtblocks = 0\n"
				     "geom.rtextents = 0\n"
				     "geom.rtextsize = 1\n"
				     "geom.sunit = 0\n"
				     "geom.swidth = 0\n"
				     "counts.freedata = 235531\n"
				     "counts.freertx = 0\n"
				     "counts.freeino = 180\n"
				     "counts.allocino = 64\n";

static const char cap_statfs_c[] = "fd.path = \"b1\"\n"
				   "counts.freedata = 235531\n"
				   "counts.freertx = 0\n"
				   "counts.freeino = 180\n"
				   "counts.allocino = 64\n";

static const char cap_statfs_gs[] = "fd.path = \"b1\"\n"
				    "statfs.f_bsize = 4096\n"
				    "statfs.f_blocks = 245760\n"
				    "statfs.f_bavail = 235503\n"
				    "statfs.f_files = 524288\n"
				    "statfs.f_ffree = 524266\n"
				    "statfs.f_flags = 0x1020\n"
				    "geom.bsize = 4096\n"
				    "geom.agcount = 4\n"
				    "geom.agblocks = 65536\n"
				    "geom.datablocks = 262144\n"
				    "geom.rtblocks = 0\n"
				    "geom.rtextents = 0\n"
				    "geom.rtextsize = 1\n"
				    "geom.sunit = 0\n"
				    "geom.swidth = 0\n";

/* Extents of b1: a written extent, holes, unwritten extents (1 GiB fs, AG 0). */
static const struct xs_io_bmap_row rows_b1[] = {
	{0, 128, XS_IO_BMAP_REAL, 320, false, false},
	{128, 128, XS_IO_BMAP_HOLE, 0, false, false},
	{256, 128, XS_IO_BMAP_REAL, 576, true, false},
	{384, 128, XS_IO_BMAP_HOLE, 0, false, false},
	{512, 8, XS_IO_BMAP_REAL, 832, false, false},
	{520, 120, XS_IO_BMAP_REAL, 840, true, false},
	{640, 1408, XS_IO_BMAP_HOLE, 0, false, false},
};

static const struct xs_io_bmap_row rows_dd3[] = {
	{0, 128, XS_IO_BMAP_REAL, 1180096, false, false},
	{128, 1920, XS_IO_BMAP_HOLE, 0, false, false},
	{2048, 256, XS_IO_BMAP_REAL, 1179840, true, false},
};

static const struct xs_io_bmap_row rows_d3[] = {
	{0, 8, XS_IO_BMAP_DELALLOC, 0, false, false},
	{8, 104857592, XS_IO_BMAP_HOLE, 0, false, false},
	{104857600, 8, XS_IO_BMAP_DELALLOC, 0, false, false},
	{104857608, 102760440, XS_IO_BMAP_HOLE, 0, false, false},
	{207618048, 128, XS_IO_BMAP_REAL, 1344, false, false},
	{207618176, 2097024, XS_IO_BMAP_HOLE, 0, false, false},
};

static const struct xs_io_bmap_row rows_e1[] = {
	{0, 16, XS_IO_BMAP_HOLE, 0, false, false},
};

static const struct xs_io_bmap_row rows_stripe[] = {
	{0, 8, XS_IO_BMAP_HOLE, 0, false, false},
	{8, 24, XS_IO_BMAP_REAL, 1398480, false, false},
	{32, 2016, XS_IO_BMAP_HOLE, 0, false, false},
	{2048, 128, XS_IO_BMAP_REAL, 1400520, true, false},
	{2176, 1920, XS_IO_BMAP_HOLE, 0, false, false},
	{4096, 8, XS_IO_BMAP_REAL, 1400704, false, false},
	{4104, 120, XS_IO_BMAP_REAL, 1400712, true, false},
};

static const struct xs_io_bmap_geom geom_1g = {4096, 65536, 4, 0, 0};
static const struct xs_io_bmap_geom geom_stripe = {4096, 34960, 120, 16, 64};

#define NROWS(r) (sizeof(r) / sizeof((r)[0]))

static void check_bmap(const char *descr, const char *path, const char *opts_line,
		       const struct xs_io_bmap_geom *geom, const struct xs_io_bmap_row *rows,
		       size_t nrows, const char *want)
{
	struct xs_io_cmd cmd;
	struct capture c;

	if (xt_parse_ok(&env_nomap, opts_line, &cmd)) {
		test_cond(descr, 0);
		return;
	}
	xs_io_print_bmap(cap_start(&c), path, &cmd.bmap, geom, rows, nrows);
	xt_check_text(descr, cap_end(&c), want);
	free(c.buf);
}

XS_TEST_SUITE(test_xfsio_print_bmap)
{
	check_bmap("bmap", "b1", "bmap", &geom_1g, rows_b1, NROWS(rows_b1), cap_b1_plain);
	check_bmap("bmap -l", "b1", "bmap -l", &geom_1g, rows_b1, NROWS(rows_b1), cap_b1_l);
	check_bmap("bmap -v", "b1", "bmap -v", &geom_1g, rows_b1, NROWS(rows_b1), cap_b1_v);
	check_bmap("bmap -vp", "b1", "bmap -vp", &geom_1g, rows_b1, NROWS(rows_b1), cap_b1_vp);
	check_bmap("bmap -vvp: flag legend", "b1", "bmap -vvp", &geom_1g, rows_b1, NROWS(rows_b1),
		   cap_b1_vvp);
	check_bmap("bmap -elvp", "b1", "bmap -elvp", &geom_1g, rows_b1, NROWS(rows_b1),
		   cap_b1_elvp);
	check_bmap("bmap -lvp", "b1", "bmap -lvp", &geom_1g, rows_b1, NROWS(rows_b1), cap_b1_elvp);
	check_bmap("bmap -evp", "b1", "bmap -evp", &geom_1g, rows_b1, NROWS(rows_b1), cap_b1_elvp);
	check_bmap("bmap -p: unwritten not shown without -v", "b1", "bmap -p", &geom_1g, rows_b1,
		   NROWS(rows_b1), cap_b1_plain);
	check_bmap("bmap -n 3 -v", "b1", "bmap -n 3 -v", &geom_1g, rows_b1, NROWS(rows_b1),
		   cap_b1_n3v);
	check_bmap("bmap -n 2", "b1", "bmap -n 2", &geom_1g, rows_b1, NROWS(rows_b1), cap_b1_n2);
	check_bmap("bmap -n 2 -vv: no legend without flags", "b1", "bmap -n 2 -vv", &geom_1g,
		   rows_b1, NROWS(rows_b1), cap_b1_n2vv);
	check_bmap("bmap -vvp: AG 2", "dd3/f", "bmap -vvp", &geom_1g, rows_dd3, NROWS(rows_dd3),
		   cap_dd3_vvp);
	check_bmap("bmap -e: delalloc", "d3", "bmap -e", &geom_1g, rows_d3, NROWS(rows_d3),
		   cap_d3_e);
	check_bmap("bmap -evl: delalloc, wide columns", "d3", "bmap -evl", &geom_1g, rows_d3,
		   NROWS(rows_d3), cap_d3_evl);
	check_bmap("bmap -evp: delalloc", "d3", "bmap -evp", &geom_1g, rows_d3, NROWS(rows_d3),
		   cap_d3_evp);
	check_bmap("bmap -e: whole-file hole", "e1", "bmap -e", &geom_1g, rows_e1, NROWS(rows_e1),
		   cap_e1_e);
	check_bmap("bmap -elvp: whole-file hole", "e1", "bmap -elvp", &geom_1g, rows_e1,
		   NROWS(rows_e1), cap_e1_elvp);
	check_bmap("bmap: no extents", "e1", "bmap", &geom_1g, NULL, 0, cap_e1_plain);
	check_bmap("bmap -n1 -v: no extents, header only", "e1", "bmap -n1 -v", &geom_1g, NULL, 0,
		   cap_e1_n1v);
	check_bmap("bmap -av: no extents", "b1", "bmap -av", &geom_1g, NULL, 0, "b1: no extents\n");
	check_bmap("bmap: stripe", "d6/s1", "bmap", &geom_stripe, rows_stripe, NROWS(rows_stripe),
		   cap_stripe_plain);
	check_bmap("bmap -v: stripe flags, 120 AGs", "d6/s1", "bmap -v", &geom_stripe, rows_stripe,
		   NROWS(rows_stripe), cap_stripe_v);
	check_bmap("bmap -vp: stripe", "d6/s1", "bmap -vp", &geom_stripe, rows_stripe,
		   NROWS(rows_stripe), cap_stripe_vp);
	check_bmap("bmap -vv: stripe legend", "d6/s1", "bmap -vv", &geom_stripe, rows_stripe,
		   NROWS(rows_stripe), cap_stripe_vv);
	check_bmap("bmap -vvp: stripe", "d6/s1", "bmap -vvp", &geom_stripe, rows_stripe,
		   NROWS(rows_stripe), cap_stripe_vvp);
	check_bmap("bmap -evl: stripe", "d6/s1", "bmap -evl", &geom_stripe, rows_stripe,
		   NROWS(rows_stripe), cap_stripe_evl);
}

XS_TEST_SUITE(test_xfsio_print_stat)
{
	struct xs_io_stat st = {
		.fd_flags = 0,
		.ino = 135,
		.mode = 0100600,
		.size_bytes = 1048576,
		.blocks_bb = 384,
		.xflags = 0x80000002u,
		.nextents = 4,
		.dio_mem = 0x200,
		.dio_miniosz = 512,
		.dio_maxiosz = 2147483136u,
		.atime_s = 1795504256,
		.mtime_s = 1795504256,
		.ctime_s = 1795504256,
		.atime_ns = 991680584,
		.ctime_ns = 993777183,
		.mtime_ns = 993777183,
		.blksize_bytes = 4096,
		.nlink = 1,
		.dev_major = 7,
	};
	struct xs_io_statfs sf = {
		.f_bsize = 4096,
		.f_blocks = 245760,
		.f_bavail = 235503,
		.f_files = 524288,
		.f_ffree = 524266,
		.f_flags = 0x1020,
		.geom_bsize = 4096,
		.geom_agcount = 4,
		.geom_agblocks = 65536,
		.geom_datablocks = 262144,
		.geom_rtextsize = 1,
		.counts_freedata = 235531,
		.counts_freeino = 180,
		.counts_allocino = 64,
	};
	struct capture c;

	setenv("TZ", "UTC", 1);
	tzset();
	xs_io_print_stat(cap_start(&c), "b1", &st, false, false);
	xt_check_text("stat", cap_end(&c), cap_stat);
	free(c.buf);
	xs_io_print_stat(cap_start(&c), "b1", &st, true, false);
	xt_check_text("stat -v (TZ=UTC)", cap_end(&c), cap_stat_v);
	free(c.buf);
	xs_io_print_stat(cap_start(&c), "b1", &st, false, true);
	xt_check_text("stat -r", cap_end(&c), cap_stat_r);
	free(c.buf);

	st.xflags = 0;
	st.fd_flags = XS_IO_FD_READONLY | XS_IO_FD_APPEND;
	xs_io_print_stat(cap_start(&c), "f", &st, false, false);
	cap_end(&c);
	test_cond("stat: no xflags, 17 dashes",
		  strstr(c.buf, "fsxattr.xflags = 0x0 [-----------------]\n") != NULL);
	test_cond("stat: fd.flags read-only,append-only",
		  strstr(c.buf, "fd.flags = non-sync,non-direct,read-only,append-only\n") != NULL);
	free(c.buf);
	xs_io_print_stat(cap_start(&c), "f", &st, true, false);
	cap_end(&c);
	test_cond("stat -v: no xflags, []", strstr(c.buf, "fsxattr.xflags = 0x0 []\n") != NULL);
	free(c.buf);

	xs_io_print_statfs(cap_start(&c), "b1", &sf,
			   XS_IO_STATFS_STATFS | XS_IO_STATFS_GEOMETRY | XS_IO_STATFS_COUNTS);
	xt_check_text("statfs", cap_end(&c), cap_statfs_all);
	free(c.buf);
	xs_io_print_statfs(cap_start(&c), "b1", &sf, XS_IO_STATFS_COUNTS);
	xt_check_text("statfs -c", cap_end(&c), cap_statfs_c);
	free(c.buf);
	xs_io_print_statfs(cap_start(&c), "b1", &sf, XS_IO_STATFS_GEOMETRY | XS_IO_STATFS_STATFS);
	xt_check_text("statfs -g -s", cap_end(&c), cap_statfs_gs);
	free(c.buf);
}

static void check_report(const char *descr, const char *verb, int64_t off, int64_t count,
			 int64_t total, int ops, int64_t us, bool compact, const char *want)
{
	struct capture c;

	xs_io_print_io_report(cap_start(&c), verb, off, count, total, ops, us, compact);
	xt_check_text(descr, cap_end(&c), want);
	free(c.buf);
}

XS_TEST_SUITE(test_xfsio_print_report)
{
	check_report("pwrite 0 4k", "wrote", 0, 4096, 4096, 1, 20, false,
		     "wrote 4096/4096 bytes at offset 0\n"
		     "4 KiB, 1 ops; 0.0000 sec (195.312 MiB/sec and 50000.0000 ops/sec)\n");
	check_report("pwrite -S 0x1234 4k 4k", "wrote", 4096, 4096, 4096, 1, 6, false,
		     "wrote 4096/4096 bytes at offset 4096\n"
		     "4 KiB, 1 ops; 0.0000 sec (651.042 MiB/sec and 166666.6667 ops/sec)\n");
	check_report("pread -v 0 32: bytes, rate is a whole number", "read", 0, 32, 32, 1, 8, false,
		     "read 32/32 bytes at offset 0\n"
		     "32.000000 bytes, 1 ops; 0.0000 sec (4 MiB/sec and 125000.0000 ops/sec)\n");
	check_report("pread -v 4096 20", "read", 4096, 20, 20, 1, 2, false,
		     "read 20/20 bytes at offset 4096\n"
		     "20.000000 bytes, 1 ops; 0.0000 sec (10 MiB/sec and 500000.0000 ops/sec)\n");
	check_report("pwrite 0 0", "wrote", 0, 0, 0, 0, 3, false,
		     "wrote 0/0 bytes at offset 0\n"
		     "0.000000 bytes, 0 ops; 0.0000 sec (0.000000 bytes/sec and 0.0000 "
		     "ops/sec)\n");
	check_report("pread 4g 1 beyond EOF, no time: -nan", "read", 4294967296LL, 1, 0, 0, 0,
		     false,
		     "read 0/1 bytes at offset 4294967296\n"
		     "0.000000 bytes, 0 ops; 0.0000 sec (-nan bytes/sec and -nan ops/sec)\n");
	check_report("pread -b 1m 0 3g: over a second, GiB not precise", "read", 0, 3221225472LL,
		     3221225472LL, 3072, 7589122, false,
		     "read 3221225472/3221225472 bytes at offset 0\n"
		     "3.000 GiB, 3072 ops; 0:00:07.58 (404.790 MiB/sec and 404.7899 ops/sec)\n");
	check_report("pread 0 5g: short read at EOF", "read", 0, 5368709120LL, 3221225472LL, 786432,
		     571709, false,
		     "read 3221225472/5368709120 bytes at offset 0\n"
		     "3.000 GiB, 786432 ops; 0.5717 sec (5.247 GiB/sec and 1375580.9337 "
		     "ops/sec)\n");
	check_report("pwrite -b 1000 0 2500: 2 KiB", "wrote", 0, 2500, 2500, 3, 25, false,
		     "wrote 2500/2500 bytes at offset 0\n"
		     "2 KiB, 3 ops; 0.0000 sec (95 MiB/sec and 120000.0000 ops/sec)\n");
	check_report("pwrite -S 0x 0 1: KiB/sec", "wrote", 0, 1, 1, 1, 9, false,
		     "wrote 1/1 bytes at offset 0\n"
		     "1.000000 bytes, 1 ops; 0.0000 sec (108.507 KiB/sec and 111111.1111 "
		     "ops/sec)\n");
	check_report("pread 0 64k in 16 ops", "read", 0, 65536, 65536, 16, 117, false,
		     "read 65536/65536 bytes at offset 0\n"
		     "64 KiB, 16 ops; 0.0001 sec (534.188 MiB/sec and 136752.1368 ops/sec)\n");
	check_report("pread 0 bar: to EOF", "read", 0, 8192, 8192, 2, 16, false,
		     "read 8192/8192 bytes at offset 0\n"
		     "8 KiB, 2 ops; 0.0000 sec (488 MiB/sec and 125000.0000 ops/sec)\n");
	check_report("pwrite -C 0 4k", "wrote", 0, 4096, 4096, 1, 33, true,
		     "4096,1,0:00:00.00,124121212.121,30303.030\n");
	check_report("pwrite -C -b 1k 0 3k", "wrote", 0, 3072, 3072, 3, 9, true,
		     "3072,3,0:00:00.00,341333333.333,333333.333\n");
	check_report("pread -C 0 1", "read", 0, 1, 1, 1, 3, true,
		     "1,1,0:00:00.00,333333.333,333333.333\n");
}

XS_TEST_SUITE(test_xfsio_print_dump)
{
	unsigned char buf[64];
	struct capture c;

	memset(buf, 0xcd, 32);
	xs_io_print_dump(cap_start(&c), 0, buf, 32);
	xt_check_text(
		"pread -v 0 32 of 0xcd", cap_end(&c),
		"00000000:  cd cd cd cd cd cd cd cd cd cd cd cd cd cd cd cd  ................\n"
		"00000010:  cd cd cd cd cd cd cd cd cd cd cd cd cd cd cd cd  ................\n");
	free(c.buf);
	memset(buf, 0x34, 20);
	xs_io_print_dump(cap_start(&c), 4096, buf, 20);
	xt_check_text(
		"pread -v 4096 20 of '4'", cap_end(&c),
		"00001000:  34 34 34 34 34 34 34 34 34 34 34 34 34 34 34 34  4444444444444444\n"
		"00001010:  34 34 34 34  4444\n");
	free(c.buf);
	buf[0] = 0;
	xs_io_print_dump(cap_start(&c), 0, buf, 1);
	xt_check_text("pread -v 0 1 of 0", cap_end(&c), "00000000:  00  .\n");
	free(c.buf);

	/* mread -v 4090 20 over X*4096 A*10 0*... mapped at 0 */
	memset(buf, 'X', 6);
	memset(buf + 6, 'A', 10);
	memset(buf + 16, 0, 4);
	xs_io_print_mread_dump(cap_start(&c), 4090, buf, 20, 4096);
	xt_check_text(
		"mread -v 4090 20", cap_end(&c),
		"00000ffa:  58 58 58 58 58 58 41 41 41 41 41 41 41 41 41 41  XXXXXXAAAAAAAAAA\n"
		"0000100a:  00 00 00 00  ....\n");
	free(c.buf);
	memset(buf, 'X', 17);
	xs_io_print_mread_dump(cap_start(&c), 0, buf, 17, 4096);
	xt_check_text(
		"mread -v 4k 17 of a mapping at 4k", cap_end(&c),
		"00000000:  58 58 58 58 58 58 58 58 58 58 58 58 58 58 58 58  XXXXXXXXXXXXXXXX\n"
		"00000010:  58  X\n");
	free(c.buf);
	xs_io_print_mread_dump(cap_start(&c), 0, buf, 1, 4096);
	xt_check_text("mread -v 0 1 prints nothing", cap_end(&c), "");
	free(c.buf);
	xs_io_print_mread_dump(cap_start(&c), 0, buf, 2, 2);
	cap_end(&c);
	test_cond("mread dump: whole pages", strcmp(c.buf, "00000000:  58 58  XX\n") == 0);
	free(c.buf);
}

XS_TEST_SUITE(test_xfsio_print_mmap)
{
	struct capture c;
	int ret;

	ret = xs_io_check_mapping_range(cap_start(&c), 4096, 8192, 0x7f722a2be000ULL, 0, 4096,
					false, 4096);
	xt_check_text("mwrite 0 4k before a mapping at 4k", cap_end(&c),
		      "offset (0) is before start of mapping (4096)\n");
	test_cond("... fails", ret == -EINVAL);
	free(c.buf);
	ret = xs_io_check_mapping_range(cap_start(&c), 4096, 8192, 0x7f722a2be000ULL, 65536, 4096,
					false, 4096);
	xt_check_text("mwrite 64k 4k beyond a mapping at 4k", cap_end(&c),
		      "offset (61440) is beyond end of mapping (4096)\n");
	test_cond("... fails", ret == -EINVAL);
	free(c.buf);
	ret = xs_io_check_mapping_range(cap_start(&c), 0, 4096, 0x7f0000000000ULL, 0, 8192, false,
					4096);
	xt_check_text("mwrite 0 8k over a 4k mapping", cap_end(&c),
		      "range (0:0) is beyond mapping (0:4096)\n");
	test_cond("... fails", ret == -EINVAL);
	free(c.buf);
	ret = xs_io_check_mapping_range(cap_start(&c), 4096, 8192, 0x7f722a2bf000ULL, 5120, 1024,
					true, 4096);
	xt_check_text("msync 5k 1k: not page aligned", cap_end(&c),
		      "offset address (0x7f722a2bf400) is not page aligned\n");
	test_cond("... fails", ret == -EINVAL);
	free(c.buf);
	ret = xs_io_check_mapping_range(cap_start(&c), 4096, 8192, 0x7f722a2bf000ULL, 8192, 8192,
					false, 4096);
	xt_check_text("mwrite 8k 8k past a mapping at 4k passes xfs_io's check", cap_end(&c), "");
	test_cond("... and returns 0", ret == 0);
	free(c.buf);
	ret = xs_io_check_mapping_range(cap_start(&c), 4096, 8192, 0x7f722a2bf000ULL, 4096, 4096,
					true, 4096);
	xt_check_text("msync 4k 4k", cap_end(&c), "");
	test_cond("... passes", ret == 0);
	free(c.buf);

	xs_io_print_mapping(cap_start(&c), 0, true, 0x7f838aae8000ULL, 4096,
			    XS_IO_PROT_READ | XS_IO_PROT_WRITE, "m1", 0);
	xt_check_text("munmap lists the remaining mapping", cap_end(&c),
		      "[000] 0x7f838aae8000 - 0x7f838aae9000 rw-              m1 (0 : 4096)\n");
	free(c.buf);
}

XS_TEST_SUITE(test_xfsio_print_errno)
{
	struct capture c;

	xs_io_print_errno(cap_start(&c), "pwrite", ENOSPC);
	xt_check_text("pwrite ENOSPC", cap_end(&c), "pwrite: No space left on device\n");
	free(c.buf);
	xs_io_print_errno(cap_start(&c), "fallocate", ENOSPC);
	xt_check_text("falloc ENOSPC", cap_end(&c), "fallocate: No space left on device\n");
	free(c.buf);
	xs_io_print_errno(cap_start(&c), "ftruncate", EFBIG);
	xt_check_text("truncate EFBIG", cap_end(&c), "ftruncate: File too large\n");
	free(c.buf);
}
