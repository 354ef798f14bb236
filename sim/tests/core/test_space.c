/*
 * Unit tests of the modelled mount (sim/core/space.c): mkfs geometry and the free
 * space of a fresh filesystem against the kernel's captures, the worst-case indirect
 * reservation against hand computation of the kernel formula, the fdblocks counter
 * and its set-aside, the block allocator (exact, near, longest, other AGs, ENOSPC,
 * busy extents, merging on free) and the checker.
 */
#include "core/extent_busy.h"
#include "tests/testhelp.h"
#include "tests/core/coretest.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/*
 * data/kernel/geometry.txt: fresh default filesystems on Linux 6.18 / mkfs.xfs 6.1.
 * For each size: statfs f_blocks and f_bavail, and per AG the metadata reservation
 * made at mount ("reserved" of the xfs_ag_resv_init tracepoint) and the AGF's
 * freeblks and longest free extent. Copied from the capture, not from the model.
 */
struct cap_geo {
	const char *name;
	uint64_t bytes;
	uint64_t dblocks, agblocks, logblocks;
	uint64_t f_blocks, f_bavail;
	uint64_t reserved[4], freeblks[4], longest[4];
};

static const struct cap_geo cap_geos[] = {
	{"300m",
	 300 * CT_MIB,
	 76800,
	 19200,
	 16384,
	 60416,
	 56087,
	 {135, 135, 20, 135},
	 {19182, 19190, 2806, 19190},
	 {19176, 19190, 2806, 19190}},
	{"512m",
	 512 * CT_MIB,
	 131072,
	 32768,
	 16384,
	 114688,
	 107269,
	 {229, 229, 115, 229},
	 {32750, 32758, 16374, 32758},
	 {32744, 32758, 16374, 32758}},
	{"1g",
	 1 * CT_GIB,
	 262144,
	 65536,
	 16384,
	 245760,
	 235783,
	 {459, 459, 344, 459},
	 {65518, 65526, 49142, 65526},
	 {65512, 65526, 49142, 65526}},
	{"2g",
	 2 * CT_GIB,
	 524288,
	 131072,
	 16384,
	 507904,
	 496100,
	 {916, 916, 800, 916},
	 {131054, 131062, 114678, 131062},
	 {131048, 131062, 114678, 131062}},
	{"4g",
	 4 * CT_GIB,
	 1048576,
	 262144,
	 16384,
	 1032192,
	 1016730,
	 {1831, 1831, 1713, 1831},
	 {262126, 262134, 245750, 262134},
	 {262120, 262134, 245750, 262134}},
	{"16g",
	 16 * CT_GIB,
	 4194304,
	 1048576,
	 16384,
	 4177920,
	 4140527,
	 {7313, 7313, 7198, 7313},
	 {1048558, 1048566, 1032182, 1048566},
	 {1048552, 1048566, 1032182, 1048566}},
	{"64g",
	 64 * CT_GIB,
	 16777216,
	 4194304,
	 16384,
	 16760832,
	 16635708,
	 {29246, 29246, 29130, 29246},
	 {4194286, 4194294, 4177910, 4194294},
	 {4194280, 4194294, 4177910, 4194294}},
};

static uint64_t perag_longest_extent(const struct xs_perag *pag)
{
	uint64_t longest = 0;
	size_t i;

	for (i = 0; i < pag->nfree; i++)
		if (pag->free[i].len > longest)
			longest = pag->free[i].len;
	return longest;
}

static bool mount_ok(const struct xs_mount *mp)
{
	struct xs_err err = {0};
	int error = xs_mount_check(mp, &err);

	if (error)
		printf("  xs_mount_check: %d %s\n", error, err.msg);
	return error == 0;
}

XS_TEST_SUITE(test_space_geometry_captured)
{
	size_t g;

	for (g = 0; g < sizeof(cap_geos) / sizeof(cap_geos[0]); g++) {
		const struct cap_geo *c = &cap_geos[g];
		struct xs_geometry geo;
		struct xs_mount mp;
		struct xs_err err = {0};
		bool resv_ok = true, free_ok = true, longest_ok = true;
		uint32_t agno;
		char d[128];

		if (xs_geometry_default(&geo, c->bytes, 4096, &err) ||
		    xs_mount_init(&mp, &geo, &err)) {
			snprintf(d, sizeof(d), "%s: geometry and mount succeed", c->name);
			test_cond(d, 0);
			continue;
		}
		snprintf(d, sizeof(d), "%s: dblocks/agblocks/logblocks/agcount as mkfs.xfs made",
			 c->name);
		test_cond(d, geo.dblocks == c->dblocks && geo.agblocks == c->agblocks &&
				     geo.logblocks == c->logblocks && geo.agcount == 4);
		snprintf(d, sizeof(d), "%s: statfs f_blocks == kernel %llu", c->name,
			 (unsigned long long)c->f_blocks);
		test_cond(d, xs_mount_statfs_blocks(&mp) == c->f_blocks);
		snprintf(d, sizeof(d), "%s: statfs f_bavail == kernel %llu", c->name,
			 (unsigned long long)c->f_bavail);
		test_cond(d, xs_mount_statfs_bavail(&mp) == c->f_bavail);
		for (agno = 0; agno < 4; agno++) {
			if (mp.m_perag[agno].resv != c->reserved[agno]) {
				printf("  %s ag %u resv %llu, kernel %llu\n", c->name, agno,
				       (unsigned long long)mp.m_perag[agno].resv,
				       (unsigned long long)c->reserved[agno]);
				resv_ok = false;
			}
			if (mp.m_perag[agno].freeblks != c->freeblks[agno])
				free_ok = false;
			if (perag_longest_extent(&mp.m_perag[agno]) != c->longest[agno])
				longest_ok = false;
		}
		snprintf(d, sizeof(d), "%s: per-AG metadata reservation == xfs_ag_resv_init's",
			 c->name);
		test_cond(d, resv_ok);
		snprintf(d, sizeof(d), "%s: per-AG free blocks == AGF freeblks", c->name);
		test_cond(d, free_ok);
		snprintf(d, sizeof(d), "%s: per-AG longest free extent == AGF longest", c->name);
		test_cond(d, longest_ok);
		snprintf(d, sizeof(d), "%s: fresh mount passes xs_mount_check", c->name);
		test_cond(d, mount_ok(&mp));
		xs_mount_destroy(&mp);
	}
}

XS_TEST_SUITE(test_space_mount_params)
{
	struct xs_geometry geo;
	struct xs_mount mp;
	struct xs_err err = {0};

	/* 1 GiB, 4 KiB blocks */
	test_cond("1g geometry", xs_geometry_default(&geo, CT_GIB, 4096, &err) == 0);
	test_cond("1g mount", xs_mount_init(&mp, &geo, &err) == 0);
	/* bmbt block with CRC: 72-byte long header, 16-byte records/key+ptr pairs:
	 * (4096 - 72) / 16 = 251 (xfs_bmbt_maxrecs) */
	test_cond("bmbt leaf/node maxrecs 251",
		  mp.m_bmap_dmxr[0] == 251 && mp.m_bmap_dmxr[1] == 251);
	test_cond("bmbt minrecs 125", mp.m_bmap_dmnr[0] == 125 && mp.m_bmap_dmnr[1] == 125);
	/*
	 * xfs_bmap_compute_maxlevels, no nrext64: maxleafents 2^31-1, root holds 3:
	 * ceil((2^31-1)/125) = 17179870 -> 137439 -> 1100 -> 9 -> 1: level 5.
	 */
	test_cond("data fork bmbt maxlevels 5", mp.m_bm_maxlevels == 5);
	test_cond("alloc set-aside = agcount * 8 = 32", mp.m_alloc_set_aside == 32);
	/* xfs_set_low_space_thresholds: dblocks / 100 * (i + 1) = 2621 * (i + 1) */
	test_cond("low space thresholds 1%..5%",
		  mp.m_low_space[0] == 2621 && mp.m_low_space[4] == 13105);
	test_cond("allocsize 64 KiB = 16 blocks", mp.m_allocsize_blocks == 16);
	/* kernel README: 12 extents fit a 512-byte inode's data fork here */
	test_cond("12 extents fit in the inode fork", mp.m_iext_max_inline == 12);
	test_cond("f_bavail = fdblocks - set-aside",
		  xs_mount_statfs_bavail(&mp) == (uint64_t)mp.m_fdblocks - 32);
	/*
	 * Measured on the kernel (tracepoints xfs_ag_resv_init and
	 * xfs_alloc_vextent_start_ag, mkfs.xfs 6.1.0 1 GiB image): AGs 0, 1 and 3 ask
	 * 461 metadata blocks and reserve 459, AG 2 (the log's) asks 346 and reserves
	 * 344; a 900 MiB fallocate asks for maxlen 65065 = 65536 - 10 - 461.
	 */
	test_cond("metadata reservations 459, 459, 344, 459",
		  mp.m_perag[0].resv == 459 && mp.m_perag[1].resv == 459 &&
			  mp.m_perag[2].resv == 344 && mp.m_perag[3].resv == 459);
	test_cond("m_ag_max_usable 65065", mp.m_ag_max_usable == 65065);
	xs_mount_destroy(&mp);

	/* 1 KiB blocks: (1024 - 72) / 16 = 59 records; allocsize 2^16 / 2^10 = 64 blocks */
	test_cond("1k geometry", xs_geometry_default(&geo, CT_GIB, 1024, &err) == 0);
	test_cond("1k mount", xs_mount_init(&mp, &geo, &err) == 0);
	test_cond("1k: bmbt maxrecs 59", mp.m_bmap_dmxr[0] == 59 && mp.m_bmap_dmnr[0] == 29);
	test_cond("1k: allocsize 64 blocks", mp.m_allocsize_blocks == 64);
	/*
	 * maxlevels with minrecs 29: ceil((2^31-1)/29) = 74051161 -> 2553489 -> 88052 ->
	 * 3037 -> 105 -> 4 -> 1 (4 > 3 root records): level 7.
	 */
	test_cond("1k: bmbt maxlevels 7", mp.m_bm_maxlevels == 7);
	/* indlen(1) = 1 + (7 - 0 - 1) = 7; indlen(60) = 2 + 1 + (7 - 1 - 1) = 8 */
	test_cond("1k: indlen(1) = 7", xs_bmap_worst_indlen(&mp, 1) == 7);
	test_cond("1k: indlen(60) = 8", xs_bmap_worst_indlen(&mp, 60) == 8);
	xs_mount_destroy(&mp);

	/* error paths */
	test_cond("below 300 MiB refused",
		  xs_geometry_default(&geo, 299 * CT_MIB, 4096, &err) == -EINVAL &&
			  err.code == -EINVAL && err.msg[0]);
	test_cond("block size 3000 refused",
		  xs_geometry_default(&geo, CT_GIB, 3000, &err) == -EINVAL);
	test_cond("block size 128 KiB refused",
		  xs_geometry_default(&geo, CT_GIB, 131072, &err) == -EINVAL);
	test_cond("1g geometry again", xs_geometry_default(&geo, CT_GIB, 4096, &err) == 0);
	geo.agcount = 0;
	test_cond("mount refuses agcount 0", xs_mount_init(&mp, &geo, &err) == -EINVAL);
	xs_mount_destroy(&mp);
	test_cond("1g geometry again", xs_geometry_default(&geo, CT_GIB, 4096, &err) == 0);
	geo.logblocks = geo.dblocks;
	test_cond("mount refuses a log as big as the device",
		  xs_mount_init(&mp, &geo, &err) == -EINVAL);
	xs_mount_destroy(&mp);
	test_cond("1g geometry again", xs_geometry_default(&geo, CT_GIB, 4096, &err) == 0);
	geo.free_at_mount = 1000;
	test_cond("free_at_mount overrides the derived figure",
		  xs_mount_init(&mp, &geo, &err) == 0 && xs_mount_statfs_bavail(&mp) == 1000);
	xs_mount_destroy(&mp);
}

/*
 * xfs_bmap_worst_indlen with 4 KiB blocks (maxrecs 251, maxlevels 5), by hand:
 *   level 0: len = ceil(len / 251); rval += len; if len == 1: rval + 5 - level - 1
 *   1:     1                        -> 1 + 4           = 5
 *   251:   1                        -> 1 + 4           = 5
 *   252:   2, then 1                -> 3 + 3           = 6
 *   1000:  4, then 1                -> 5 + 3           = 8
 *   4096:  17, then 1               -> 18 + 3          = 21
 *   8176:  33, then 1               -> 34 + 3          = 37 (kernel README: 37)
 *   65536: 262, 2, 1                -> 265 + 2         = 267
 *   2^21-1: 8356, 34, 1             -> 8391 + 2        = 8393
 */
XS_TEST_SUITE(test_space_worst_indlen)
{
	struct xs_geometry geo;
	struct xs_mount mp;
	struct xs_err err = {0};

	xs_geometry_default(&geo, CT_GIB, 4096, &err);
	xs_mount_init(&mp, &geo, &err);
	test_cond("indlen(1) = 5", xs_bmap_worst_indlen(&mp, 1) == 5);
	test_cond("indlen(251) = 5", xs_bmap_worst_indlen(&mp, 251) == 5);
	test_cond("indlen(252) = 6", xs_bmap_worst_indlen(&mp, 252) == 6);
	test_cond("indlen(1000) = 8", xs_bmap_worst_indlen(&mp, 1000) == 8);
	test_cond("indlen(4096) = 21", xs_bmap_worst_indlen(&mp, 4096) == 21);
	test_cond("indlen(8176) = 37 (captured merged extent)",
		  xs_bmap_worst_indlen(&mp, 8176) == 37);
	test_cond("indlen(65536) = 267", xs_bmap_worst_indlen(&mp, 65536) == 267);
	test_cond("indlen(MAX_EXTLEN) = 8393",
		  xs_bmap_worst_indlen(&mp, XS_MAX_BMBT_EXTLEN) == 8393);
	xs_mount_destroy(&mp);
}

XS_TEST_SUITE(test_space_fdblocks)
{
	struct xs_geometry geo;
	struct xs_mount mp;
	struct xs_err err = {0};
	int64_t f;

	xs_geometry_default(&geo, CT_GIB, 4096, &err);
	xs_mount_init(&mp, &geo, &err);
	/* f_bavail 235783 (captured) + set-aside 32 */
	f = mp.m_fdblocks;
	test_cond("fresh 1g: fdblocks = 235783 + 32", f == 235815);
	/* xfs_mod_freecounter: the result may equal the set-aside, not go below */
	test_cond("dec one past the set-aside: ENOSPC", xs_dec_fdblocks(&mp, 235784) == -ENOSPC);
	test_cond("... and fdblocks unchanged", mp.m_fdblocks == f);
	test_cond("dec down to the set-aside exactly", xs_dec_fdblocks(&mp, 235783) == 0);
	test_cond("... f_bavail 0, fdblocks 32",
		  xs_mount_statfs_bavail(&mp) == 0 && mp.m_fdblocks == 32);
	test_cond("dec 1 more: ENOSPC", xs_dec_fdblocks(&mp, 1) == -ENOSPC);
	test_cond("... unchanged at 32", mp.m_fdblocks == 32);
	xs_add_fdblocks(&mp, 5);
	test_cond("add 5: f_bavail 5", xs_mount_statfs_bavail(&mp) == 5 && mp.m_fdblocks == 37);
	test_cond("dec 6: ENOSPC", xs_dec_fdblocks(&mp, 6) == -ENOSPC && mp.m_fdblocks == 37);
	test_cond("dec 5: ok", xs_dec_fdblocks(&mp, 5) == 0 && mp.m_fdblocks == 32);
	test_cond("dec 0 at the set-aside: ok", xs_dec_fdblocks(&mp, 0) == 0);
	xs_add_fdblocks(&mp, 235783);
	test_cond("restored", mp.m_fdblocks == f);
	xs_mount_destroy(&mp);
}

/*
 * Small hand-made geometries for the allocator, 4 KiB blocks. mkfs layout per AG:
 * blocks 0-9 headers, roots and AGFL; AG 0 also 16-23 (root inode chunk), so AG 0's
 * free space starts with [10, 6) and [24, ...); the log sits at the start of the
 * free space of the middle AG (agcount / 2).
 */
static void small_geo(struct xs_geometry *geo, uint32_t agcount, uint64_t agblocks,
		      uint64_t logblocks)
{
	memset(geo, 0, sizeof(*geo));
	geo->blocksize = 4096;
	geo->pagesize = 4096;
	geo->agcount = agcount;
	geo->agblocks = agblocks;
	geo->dblocks = agcount * agblocks;
	geo->logblocks = logblocks;
	geo->inodesize = 512;
	geo->allocsize_log = 16;
}

static bool free_is(const struct xs_perag *pag, size_t n, const uint64_t (*ext)[2])
{
	uint64_t sum = 0;
	size_t i;

	if (pag->nfree != n)
		goto out_mismatch;
	for (i = 0; i < n; i++) {
		if (pag->free[i].agbno != ext[i][0] || pag->free[i].len != ext[i][1])
			goto out_mismatch;
		sum += ext[i][1];
	}
	if (sum != pag->freeblks)
		goto out_mismatch;
	return true;
out_mismatch:
	printf("  free list:");
	for (i = 0; i < pag->nfree; i++)
		printf(" [%llu +%llu]", (unsigned long long)pag->free[i].agbno,
		       (unsigned long long)pag->free[i].len);
	printf(" (freeblks %llu)\n", (unsigned long long)pag->freeblks);
	return false;
}

/*
 * One AG of 4000 blocks with a 200-block log: free [10, 6) and [224, 3776). Its
 * metadata reservation (xfs_ag_resv_init for 3800 non-log blocks) is 27 blocks: refcount
 * btree ceil(3800/168) + 1 = 24, finobt ceil(475/126) + 1 = 5, less 2 roots. A request
 * may use free - resv - 1 (minleft) blocks.
 */
XS_TEST_SUITE(test_space_alloc_exact_near_longest)
{
	static const uint64_t fresh[][2] = {{10, 6}, {224, 3776}};
	static const uint64_t after1[][2] = {{10, 6}, {224, 76}, {400, 3600}};
	static const uint64_t after2[][2] = {{10, 6}, {224, 76}, {400, 600}, {3000, 1000}};
	static const uint64_t after3[][2] = {{10, 6}, {224, 76}, {400, 600}};
	static const uint64_t after3_freed[][2] = {{10, 6}, {224, 76}, {400, 2600}};
	struct xs_geometry geo;
	struct xs_mount mp;
	struct xs_err err = {0};
	uint64_t bno = 0, len = 0;

	small_geo(&geo, 1, 4000, 200);
	test_cond("1-AG mount", xs_mount_init(&mp, &geo, &err) == 0);
	test_cond("fresh free list [10+6] [224+3776]", free_is(&mp.m_perag[0], 2, fresh));

	/* exact: the target is free and the extent from it holds maxlen */
	test_cond("exact at 300: ok", xs_alloc_vextent(&mp, 300, 1, 100, &bno, &len) == 0);
	test_cond("exact: bno 300, len 100", bno == 300 && len == 100);
	test_cond("exact: free list split", free_is(&mp.m_perag[0], 3, after1));
	test_cond("allocated 100", mp.m_allocated_blocks == 100);

	test_cond("exact at 1000 for 2000: ok",
		  xs_alloc_vextent(&mp, 1000, 1, 2000, &bno, &len) == 0);
	test_cond("exact: [1000, 3000)", bno == 1000 && len == 2000);
	test_cond("free list after", free_is(&mp.m_perag[0], 4, after2));

	/*
	 * Target 250 (free, but only 50 blocks to the next allocation), maxlen 2000: no
	 * extent holds 2000, so xfs_bmap_select_minlen asks for the longest (1000) and
	 * the allocator takes [3000, 4000) whole, not the extents nearer the target.
	 */
	test_cond("no extent holds maxlen: ok",
		  xs_alloc_vextent(&mp, 250, 1, 2000, &bno, &len) == 0);
	test_cond("... the longest extent, whole: [3000, 4000)", bno == 3000 && len == 1000);
	test_cond("free list after", free_is(&mp.m_perag[0], 3, after3));
	test_cond("mount check", mount_ok(&mp));

	/* 682 blocks free, longest 600: 700 contiguous cannot be had */
	test_cond("minlen 700: ENOSPC",
		  xs_alloc_vextent(&mp, XS_NULLFSBLOCK, 700, 700, &bno, &len) == -ENOSPC);
	test_cond("ENOSPC changes nothing",
		  free_is(&mp.m_perag[0], 3, after3) && mp.m_allocated_blocks == 3100);

	/*
	 * Busy extents are flushed before giving up (xfs_extent_busy_flush): free
	 * [1000, 3000); it merges with [400, 1000) into [400, 3000) at once, but trimmed
	 * of its busy part the extent gives only [400, 1000), short of 1000, so the
	 * by-size allocation forces the log and the retry takes [400, 1400).
	 */
	xs_free_extent(&mp, 1000, 2000);
	test_cond("freed extent is busy and already merged into [400+2600]",
		  mp.m_perag[0].nbusy == 1 && free_is(&mp.m_perag[0], 3, after3_freed));
	test_cond("allocation needing the busy extent: ok after a flush",
		  xs_alloc_vextent(&mp, XS_NULLFSBLOCK, 1000, 1000, &bno, &len) == 0);
	test_cond("... at [400, 1400)", bno == 400 && len == 1000);
	test_cond("... and nothing is busy any more", mp.m_perag[0].nbusy == 0);
	test_cond("allocated 100 + 1000 + 1000", mp.m_allocated_blocks == 2100);
	test_cond("mount check", mount_ok(&mp));
	xs_mount_destroy(&mp);

	/* near: the target block is taken */
	small_geo(&geo, 1, 4000, 200);
	xs_mount_init(&mp, &geo, &err);
	xs_alloc_vextent(&mp, 1000, 1, 10, &bno, &len);
	test_cond("exact [1000, 1010)", bno == 1000 && len == 10);
	/*
	 * target 1005 is allocated; extents holding 10: [224, 1000) would place it at
	 * 990 (15 away), [1010, ...) at 1010 (5 away): 1010.
	 */
	test_cond("near 1005: ok", xs_alloc_vextent(&mp, 1005, 1, 10, &bno, &len) == 0);
	test_cond("near 1005: the closer side, 1010", bno == 1010 && len == 10);
	/*
	 * Prefer an extent that holds maxlen: leave a 10-block hole at [2040, 2050) and
	 * ask for 20 at 2045. The hole is nearest but too small; [1020, 2000) would place
	 * it at 1980 (65 away), [2100, ...) at 2100 (55 away): 2100.
	 */
	xs_alloc_vextent(&mp, 2000, 1, 100, &bno, &len);
	test_cond("exact [2000, 2100)", bno == 2000 && len == 100);
	xs_free_extent(&mp, 2040, 10);
	xs_extent_busy_clear(&mp);
	test_cond("near 2045 for 20: ok", xs_alloc_vextent(&mp, 2045, 1, 20, &bno, &len) == 0);
	test_cond("near 2045: 2100, not the small hole at 2040", bno == 2100 && len == 20);
	test_cond("mount check", mount_ok(&mp));
	xs_mount_destroy(&mp);
}

/*
 * Two AGs of 2000 blocks, the 200-block log in AG 1: AG 0 free [10, 6) [24, 1976),
 * AG 1 free [210, 1790).
 */
XS_TEST_SUITE(test_space_alloc_ags_busy)
{
	static const uint64_t ag0[][2] = {{10, 6}, {24, 76}};
	static const uint64_t ag0_freed[][2] = {{10, 6}, {24, 176}};
	struct xs_geometry geo;
	struct xs_mount mp;
	struct xs_err err = {0};
	uint64_t bno = 0, len = 0;

	small_geo(&geo, 2, 2000, 200);
	test_cond("2-AG mount", xs_mount_init(&mp, &geo, &err) == 0);
	test_cond("AG 1 starts after the log", mp.m_perag[1].nfree == 1 &&
						       mp.m_perag[1].free[0].agbno == 210 &&
						       mp.m_perag[1].free[0].len == 1790);
	test_cond("exact [100, 2000) in AG 0",
		  xs_alloc_vextent(&mp, 100, 1, 1900, &bno, &len) == 0 && bno == 100 &&
			  len == 1900);
	test_cond("AG 0 left with [10+6] [24+76]", free_is(&mp.m_perag[0], 2, ag0));
	/* AG 0 has 82 blocks: 500 near block 50 lands in AG 1 at its first free block */
	test_cond("full target AG: ok", xs_alloc_vextent(&mp, 50, 1, 500, &bno, &len) == 0);
	test_cond("... in AG 1 at agbno 210 (block 2210)", bno == 2210 && len == 500);
	test_cond("AG of 2210 is 1", xs_fsb_to_agno(&mp, bno) == 1);

	/*
	 * freed blocks are free space at once (xfs_free_ag_extent merges [100, 200) with
	 * [24, 100)) but busy: not handed out again until the log commits
	 */
	xs_free_extent(&mp, 100, 100);
	test_cond("free: allocated count drops at once", mp.m_allocated_blocks == 2300);
	test_cond("free: merged into [24+176] at once, [100, 200) busy",
		  free_is(&mp.m_perag[0], 2, ag0_freed) && mp.m_perag[0].nbusy == 1 &&
			  mp.m_perag[0].busy[0].agbno == 100 && mp.m_perag[0].busy[0].len == 100);
	/*
	 * target 100 is busy; xfs_extent_busy_trim cuts [24, 200) back to [24, 100),
	 * which ends before the wanted [100, 120),
	 * so user data takes it from its start (xfs_alloc_compute_diff leaves the rest
	 * for the file to grow into) and metadata from its end, nearest the target.
	 */
	test_cond("alloc at a busy block: ok", xs_alloc_vextent(&mp, 100, 1, 20, &bno, &len) == 0);
	test_cond("... user data from the start of [24, 100): [24, 44)", bno == 24 && len == 20);
	test_cond("metadata near the busy block: ok",
		  xs_alloc_vextent_datatype(&mp, 100, 1, 20, false, &bno, &len) == 0);
	test_cond("... from the end of [44, 100): [80, 100)", bno == 80 && len == 20);
	xs_extent_busy_clear(&mp);
	test_cond("after the log force nothing is busy", mp.m_perag[0].nbusy == 0);
	test_cond("exact at 100 now works",
		  xs_alloc_vextent(&mp, 100, 1, 20, &bno, &len) == 0 && bno == 100 && len == 20);
	test_cond("mount check", mount_ok(&mp));
	xs_mount_destroy(&mp);
}

/*
 * xfs_alloc_ag_vextent_size(): without a target block (AG 0, agbno 0) the smallest
 * free extent holding maxlen is taken, not the one nearest the start of the AG;
 * without one that holds maxlen, the largest.
 */
XS_TEST_SUITE(test_space_alloc_by_size)
{
	struct xs_geometry geo;
	struct xs_mount mp;
	struct xs_err err = {0};
	uint64_t bno = 0, len = 0, b[5];
	static const uint64_t want[5][2] = {
		{224, 100}, {324, 50}, {374, 100}, {474, 30}, {504, 100}};
	int i;

	small_geo(&geo, 1, 4000, 200);
	xs_mount_init(&mp, &geo, &err);
	for (i = 0; i < 5; i++) {
		xs_alloc_vextent(&mp, want[i][0], 1, want[i][1], &b[i], &len);
		test_cond("carve the AG", b[i] == want[i][0] && len == want[i][1]);
	}
	xs_free_extent(&mp, 324, 50);
	xs_free_extent(&mp, 474, 30);
	xs_extent_busy_clear(&mp);
	/* free (the log is at [24, 224)): [10, 16) [324, 374) [474, 504) [604, 4000) */
	test_cond("25 blocks, no target: ok",
		  xs_alloc_vextent(&mp, XS_NULLFSBLOCK, 1, 25, &bno, &len) == 0);
	test_cond("... the smallest extent holding 25: [474, 499)", bno == 474 && len == 25);
	test_cond("40 blocks, no target: ok",
		  xs_alloc_vextent(&mp, XS_NULLFSBLOCK, 1, 40, &bno, &len) == 0);
	test_cond("... [324, 364)", bno == 324 && len == 40);
	test_cond("mount check", mount_ok(&mp));
	xs_mount_destroy(&mp);
}

/*
 * xfs_bmap_btalloc_low_space(): when no AG can give the longest free extent seen
 * (the reservations and minleft come off only in xfs_alloc_space_available), the
 * allocator asks again for minlen near the target before giving up.
 */
XS_TEST_SUITE(test_space_alloc_low_space)
{
	struct xs_geometry geo;
	struct xs_mount mp;
	struct xs_err err = {0};
	uint64_t bno = 0, len = 0, first, free_after;

	small_geo(&geo, 2, 4000, 200);
	xs_mount_init(&mp, &geo, &err);
	/*
	 * AG 0 has [10, 16) and [24, 4000) free: 3982 blocks. The longest extent less
	 * the part of the reservation the other extent cannot hold is 3982 - resv,
	 * but an allocation may take only 3982 - resv - minleft: the first attempt
	 * (minlen 3982 - resv) fails in both AGs, the second (minlen 1) takes
	 * 3981 - resv at the target.
	 */
	test_cond("one AG's worth: ok", xs_alloc_vextent(&mp, 24, 1, 100000, &first, &len) == 0);
	test_cond("... 3981 - resv blocks at 24",
		  first == 24 && len == 3981 - mp.m_perag[0].resv && len < mp.m_ag_max_usable);
	free_after = mp.m_perag[0].freeblks;
	test_cond("AG 0 keeps its reservation and minleft", free_after == mp.m_perag[0].resv + 1);
	/*
	 * At the end of that extent AG 0 can give nothing: the longest free extent is
	 * in AG 1, so the next allocation lands there, by size.
	 */
	test_cond("next: ok", xs_alloc_vextent(&mp, first + len, 1, 100, &bno, &len) == 0);
	test_cond("... in AG 1", xs_fsb_to_agno(&mp, bno) == 1);
	test_cond("mount check", mount_ok(&mp));
	xs_mount_destroy(&mp);
}

XS_TEST_SUITE(test_space_free_merge)
{
	static const uint64_t s0[][2] = {{10, 6}, {224, 76}, {400, 3600}};
	static const uint64_t s1[][2] = {{10, 6}, {224, 126}, {400, 3600}};
	static const uint64_t s2[][2] = {{10, 6}, {224, 126}, {360, 10}, {400, 3600}};
	static const uint64_t s3[][2] = {{10, 6}, {224, 126}, {360, 10}, {390, 3610}};
	static const uint64_t s4[][2] = {{10, 6}, {224, 146}, {390, 3610}};
	static const uint64_t s5[][2] = {{10, 6}, {224, 3776}};
	struct xs_geometry geo;
	struct xs_mount mp;
	struct xs_err err = {0};
	uint64_t bno = 0, len = 0;

	small_geo(&geo, 1, 4000, 200);
	xs_mount_init(&mp, &geo, &err);
	xs_alloc_vextent(&mp, 300, 1, 100, &bno, &len);
	test_cond("allocated [300, 400)",
		  bno == 300 && len == 100 && free_is(&mp.m_perag[0], 3, s0));
	xs_free_extent(&mp, 300, 50);
	xs_extent_busy_clear(&mp);
	test_cond("free [300, 350): merges with the left neighbour",
		  free_is(&mp.m_perag[0], 3, s1));
	xs_free_extent(&mp, 360, 10);
	xs_extent_busy_clear(&mp);
	test_cond("free [360, 370): no neighbour, new extent", free_is(&mp.m_perag[0], 4, s2));
	xs_free_extent(&mp, 390, 10);
	xs_extent_busy_clear(&mp);
	test_cond("free [390, 400): merges with the right neighbour",
		  free_is(&mp.m_perag[0], 4, s3));
	xs_free_extent(&mp, 350, 10);
	xs_extent_busy_clear(&mp);
	test_cond("free [350, 360): merges both sides", free_is(&mp.m_perag[0], 3, s4));
	xs_free_extent(&mp, 370, 20);
	xs_extent_busy_clear(&mp);
	test_cond("free [370, 390): back to the fresh free list", free_is(&mp.m_perag[0], 2, s5));
	test_cond("nothing allocated", mp.m_allocated_blocks == 0);
	test_cond("mount check", mount_ok(&mp));
	xs_mount_destroy(&mp);
}

/* A deep copy of mp's free lists, so a corruption never touches the original. */
static void mount_copy(struct xs_mount *dst, const struct xs_mount *src)
{
	uint32_t agno;

	*dst = *src;
	dst->m_perag = calloc(src->m_geo.agcount, sizeof(*dst->m_perag));
	XS_ASSERT(dst->m_perag);
	for (agno = 0; agno < src->m_geo.agcount; agno++) {
		const struct xs_perag *s = &src->m_perag[agno];
		struct xs_perag *d = &dst->m_perag[agno];

		*d = *s;
		d->free = malloc(s->cap * sizeof(*d->free));
		d->busy = NULL;
		d->nbusy = d->busycap = 0;
		XS_ASSERT(d->free);
		memcpy(d->free, s->free, s->nfree * sizeof(*d->free));
	}
}

XS_TEST_SUITE(test_space_check_catches)
{
	struct xs_geometry geo;
	struct xs_mount mp, bad;
	struct xs_err err = {0};
	uint64_t bno, len;

	small_geo(&geo, 1, 4000, 200);
	xs_mount_init(&mp, &geo, &err);
	xs_alloc_vextent(&mp, 300, 1, 100, &bno, &len);
	test_cond("original checks clean", mount_ok(&mp));

	mount_copy(&bad, &mp);
	bad.m_perag[0].freeblks++;
	test_cond("freeblks off by one: -EUCLEAN", xs_mount_check(&bad, &err) == -EUCLEAN);
	xs_mount_destroy(&bad);

	mount_copy(&bad, &mp);
	bad.m_perag[0].free[2].agbno = 299; /* overlaps [224, 300) */
	test_cond("overlapping free extents: -EUCLEAN", xs_mount_check(&bad, &err) == -EUCLEAN);
	xs_mount_destroy(&bad);

	mount_copy(&bad, &mp);
	bad.m_perag[0].free[1].len += 100; /* [224, 400) touches [400, ...): unmerged */
	bad.m_perag[0].freeblks += 100;
	test_cond("touching free extents: -EUCLEAN", xs_mount_check(&bad, &err) == -EUCLEAN);
	xs_mount_destroy(&bad);

	mount_copy(&bad, &mp);
	bad.m_perag[0].freeblks -= bad.m_perag[0].free[0].len;
	bad.m_perag[0].free[0].len = 0;
	test_cond("empty free extent: -EUCLEAN", xs_mount_check(&bad, &err) == -EUCLEAN);
	xs_mount_destroy(&bad);

	mount_copy(&bad, &mp);
	bad.m_delalloc_blks = -1;
	test_cond("negative delalloc counter: -EUCLEAN", xs_mount_check(&bad, &err) == -EUCLEAN);
	xs_mount_destroy(&bad);

	test_cond("original still clean after all that", mount_ok(&mp));
	xs_mount_destroy(&mp);
}
