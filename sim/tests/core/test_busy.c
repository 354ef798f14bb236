/*
 * Unit tests of busy extents (sim/core/extent_busy.c) and of the allocator's use of
 * them (sim/core/space.c): xfs_extent_busy_trim's cases, a free extent refused whole
 * for a busy range in its middle, the log force when every candidate is busy, and the
 * commit points that clear them.
 *
 * The geometry is test_space.c's small one: one AG of 4000 blocks with a 200-block
 * log, free [10, 16) and [224, 4000) when fresh, a metadata reservation of 27 blocks,
 * so one allocation may use the AG's free blocks less 28. Expected placements are
 * worked out from the kernel's code (fs/xfs/xfs_extent_busy.c, libxfs/xfs_alloc.c) in
 * the comments; data/kernel/scripts/busy-*.xfsio show the same on the running kernel.
 */
#include "core/extent_busy.h"
#include "tests/testhelp.h"
#include "tests/core/coretest.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void one_ag(struct xs_mount *mp)
{
	struct xs_geometry geo;
	struct xs_err err = {0};

	memset(&geo, 0, sizeof(geo));
	geo.blocksize = 4096;
	geo.pagesize = 4096;
	geo.agcount = 1;
	geo.agblocks = 4000;
	geo.dblocks = 4000;
	geo.logblocks = 200;
	geo.inodesize = 512;
	geo.allocsize_log = 16;
	test_assert(xs_mount_init(mp, &geo, &err) == 0);
}

static bool mount_ok(const struct xs_mount *mp)
{
	struct xs_err err = {0};

	return xs_mount_check(mp, &err) == 0;
}

static bool alloc_at(struct xs_mount *mp, uint64_t target, uint64_t len)
{
	uint64_t bno = 0, got = 0;

	return xs_alloc_vextent(mp, target, len, len, &bno, &got) == 0 && bno == target &&
	       got == len;
}

/*
 * One AG filled as far as one allocation may go, [224, 3978) (3782 free less 28),
 * leaving [10, 16) and [3978, 4000) free; then [bno, bno + len) of it freed (busy).
 */
static void full_ag_freed(struct xs_mount *mp, uint64_t bno, uint64_t len)
{
	one_ag(mp);
	test_cond("allocate [224, 3978)", alloc_at(mp, 224, 3754));
	xs_free_extent(mp, bno, len);
}

/* trim [fbno, fbno + flen) for minlen..maxlen; true if the result is [wbno, +wlen) */
static bool trims_to(const struct xs_perag *pag, uint64_t minlen, uint64_t maxlen, uint64_t fbno,
		     uint64_t flen, uint64_t wbno, uint64_t wlen)
{
	xs_agblock_t bno = fbno;
	xs_filblks_t len = flen;

	xs_extent_busy_trim(pag, minlen, maxlen, &bno, &len);
	return len == wlen && (wlen == 0 || bno == wbno);
}

XS_TEST_SUITE(test_busy_trim_cases)
{
	struct xs_perag pag;
	xs_agblock_t bno = 0;
	xs_filblks_t len = 50;

	memset(&pag, 0, sizeof(pag));
	/* busy [100, 200) */
	xs_extent_busy_insert(&pag, 100, 100);
	test_cond("no overlap: unchanged, false",
		  !xs_extent_busy_trim(&pag, 1, 10, &bno, &len) && bno == 0 && len == 50);
	test_cond("busy start: the part after it", trims_to(&pag, 1, 10, 150, 100, 200, 50));
	test_cond("busy end: the part before it", trims_to(&pag, 1, 10, 50, 100, 50, 50));
	test_cond("all busy: nothing", trims_to(&pag, 1, 10, 120, 50, 0, 0));
	/* middle: [40, 300) with left 60 and right 100 */
	test_cond("middle, left holds maxlen 60: left", trims_to(&pag, 1, 60, 40, 260, 40, 60));
	/* [80, 300): left 20 is short of maxlen 25, right 100 holds 4 x 25 */
	test_cond("middle, right holds 4 x maxlen: right",
		  trims_to(&pag, 1, 25, 80, 220, 200, 100));
	test_cond("middle, neither, left holds minlen 50: left",
		  trims_to(&pag, 50, 70, 40, 260, 40, 60));
	/* right 100 holds maxlen 70 but not 280: the whole extent is refused */
	test_cond("middle, left short of minlen 61: refused whole",
		  trims_to(&pag, 61, 70, 40, 260, 0, 0));
	/* a second busy range [20, 30) inside the left piece is cut off as well */
	xs_extent_busy_insert(&pag, 20, 10);
	test_cond("two busy ranges: left of the first, after the second",
		  trims_to(&pag, 1, 60, 0, 300, 30, 70));
	free(pag.busy);
}

/*
 * data/kernel/scripts/busy-middle-rejected.xfsio in small: [224, 1000), [1000, 1278)
 * and [1278, 3000) allocated; A = [1000, 1064) and C = [1128, 1278) freed and
 * committed, then B = [1064, 1128) freed: one free extent [1000, 1278) with a busy
 * middle (left 64, right 150), and [3000, 4000) far away. 100 blocks near 1000:
 * minlen = maxlen = 100 (the longest extent, 1000, holds it); the left piece is short
 * of 100 and the right of 400, so the extent is refused and [3000, 3100) taken, not
 * [1128, 1228) in C, which alone would hold the request. No log force: the busy
 * range is still there.
 */
XS_TEST_SUITE(test_busy_middle_refused)
{
	static const uint64_t wait_free[][2] = {{10, 6}, {1000, 278}, {3000, 1000}};
	struct xs_mount mp;
	uint64_t bno = 0, len = 0;
	size_t i;
	bool ok;

	one_ag(&mp);
	test_cond("allocate [224, 1000) [1000, 1278) [1278, 3000)",
		  alloc_at(&mp, 224, 776) && alloc_at(&mp, 1000, 278) && alloc_at(&mp, 1278, 1722));
	xs_free_extent(&mp, 1000, 64);
	xs_free_extent(&mp, 1128, 150);
	xs_extent_busy_clear(&mp);
	xs_free_extent(&mp, 1064, 64);
	ok = mp.m_perag[0].nfree == 3;
	for (i = 0; ok && i < 3; i++)
		ok = mp.m_perag[0].free[i].agbno == wait_free[i][0] &&
		     mp.m_perag[0].free[i].len == wait_free[i][1];
	test_cond("free [10+6] [1000+278] [3000+1000], [1064, 1128) busy",
		  ok && mp.m_perag[0].nbusy == 1 && xs_extent_busy_blocks(&mp) == 64);
	test_cond("100 near 1000: ok", xs_alloc_vextent(&mp, 1000, 1, 100, &bno, &len) == 0);
	test_cond("... at [3000, 3100)", bno == 3000 && len == 100);
	test_cond("... no log force: B still busy", mp.m_perag[0].nbusy == 1);
	test_cond("mount check", mount_ok(&mp));
	xs_mount_destroy(&mp);
}

/*
 * data/kernel/scripts/busy-reuse-after-force.xfsio in small: the AG filled as far as
 * an allocation may go, [224, 3978) (3782 free - 28), leaving [10, 16) and
 * [3978, 4000); [1000, 2024) freed, busy. 1024 near 1000: the AG's longest extent is
 * the busy one, so minlen = maxlen = 1024 and the AG is chosen (free 1052 - 28 =
 * 1024); the two short extents fail minlen and the busy one trims to nothing, so the
 * allocator forces the log and the retry takes exactly the freed blocks.
 */
XS_TEST_SUITE(test_busy_all_busy_forces_log)
{
	struct xs_mount mp;
	uint64_t bno = 0, len = 0;

	full_ag_freed(&mp, 1000, 1024);
	test_cond("[1000, 2024) busy", mp.m_perag[0].nbusy == 1);
	test_cond("1024 near 1000: ok", xs_alloc_vextent(&mp, 1000, 1, 1024, &bno, &len) == 0);
	test_cond("... the freed blocks again: [1000, 2024)", bno == 1000 && len == 1024);
	test_cond("... after a log force: nothing busy", xs_extent_busy_blocks(&mp) == 0);
	test_cond("mount check", mount_ok(&mp));
	xs_mount_destroy(&mp);
}

/*
 * By size (no target): with only busy extents holding maxlen, the log is forced
 * (xfs_alloc_ag_vextent_size) even though a shorter free extent exists.
 */
XS_TEST_SUITE(test_busy_by_size_forces_log)
{
	struct xs_mount mp;
	uint64_t bno = 0, len = 0;

	full_ag_freed(&mp, 2000, 500);
	/* free [10, 16), [2000, 2500) busy, [3978, 4000): 200 by size */
	test_cond("200 by size: ok",
		  xs_alloc_vextent(&mp, XS_NULLFSBLOCK, 1, 200, &bno, &len) == 0);
	test_cond("... from the freed extent after the flush: [2000, 2200)",
		  bno == 2000 && len == 200 && xs_extent_busy_blocks(&mp) == 0);
	xs_mount_destroy(&mp);
}

XS_TEST_SUITE(test_busy_check_catches)
{
	struct xs_mount mp;
	struct xs_err err = {0};

	one_ag(&mp);
	test_cond("allocate [224, 1000)", alloc_at(&mp, 224, 776));
	xs_extent_busy_insert(&mp.m_perag[0], 500, 10);
	test_cond("a busy range over allocated blocks: -EUCLEAN",
		  xs_mount_check(&mp, &err) == -EUCLEAN && strstr(err.msg, "busy"));
	mp.m_perag[0].nbusy = 0;
	xs_free_extent(&mp, 300, 10);
	xs_extent_busy_insert(&mp.m_perag[0], 305, 2);
	test_cond("overlapping busy ranges: -EUCLEAN", xs_mount_check(&mp, &err) == -EUCLEAN);
	xs_mount_destroy(&mp);
}

/*
 * The commit points: a hole punch frees blocks that stay busy; fsync's log force
 * clears them (fs/xfs/xfs_file.c xfs_file_fsync -> xfs_log_force_seq).
 */
XS_TEST_SUITE(test_busy_cleared_by_fsync)
{
	struct xs_fs fs;
	struct xs_inode *ip = &fs.inode;
	struct ct_fill f = {'b'};
	struct xs_user_buf b = ct_fill_buf(&f);

	test_assert(ct_fs_init(&fs, CT_GIB, 4096, "6.13", NULL) == 0);
	test_cond("write 1 MiB", xs_file_write(ip, 0, CT_MIB, &b) == (int64_t)CT_MIB);
	test_cond("fsync", xs_file_fsync(ip) == 0);
	test_cond("punch 256k at 256k",
		  xs_file_fallocate(ip, XS_FALLOC_PUNCH_HOLE | XS_FALLOC_KEEP_SIZE, 256 * CT_KIB,
				    256 * CT_KIB) == 0);
	test_cond("... 64 blocks busy", xs_extent_busy_blocks(&fs.mount) == 64);
	test_cond("fsync", xs_file_fsync(ip) == 0);
	test_cond("... none busy", xs_extent_busy_blocks(&fs.mount) == 0);
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);
}
