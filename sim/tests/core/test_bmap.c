/*
 * Unit tests of the data-fork extent operations (sim/core/bmap.c): delalloc
 * reservation and merging, xfs_bmap_del_extent_delay with the indlen split and
 * stealing, punching, conversion at writeback, unwritten conversion at I/O
 * completion, bunmapi, fallocate, if_seq, and xs_inode_check catching corruption.
 *
 * Expected values are worked out by hand in the comments from the kernel's formulas
 * (xfs_bmap_worst_indlen with 4 KiB blocks: indlen(1..251) = 5, (252..) = 6, see
 * test_space.c) and the captured kernel figures (data/kernel/).
 */
#include "core/bmap.h"
#include "tests/testhelp.h"
#include "tests/core/coretest.h"

#include <errno.h>
#include <string.h>

/* A fresh 1 GiB filesystem; i_size is set far out so no delalloc is post-EOF (I6). */
static bool fs_setup(struct xs_fs *fs, uint64_t bytes)
{
	if (ct_fs_init(fs, bytes, 4096, "6.13", NULL))
		return false;
	fs->inode.i_size = bytes;
	return true;
}

static int64_t fdb(struct xs_fs *fs)
{
	return fs->mount.m_fdblocks;
}

/* Insert a delalloc record with an arbitrary indlen, keeping every counter in step. */
static void insert_delay(struct xs_inode *ip, uint64_t off, uint64_t len, uint64_t indlen)
{
	struct xs_iext_cursor icur;
	struct xs_bmbt_irec got, rec = {off, xs_nullstartblock(indlen), len, XS_EXT_NORM};

	xs_iext_lookup_extent(&ip->i_df, off, &icur, &got);
	xs_iext_insert(&ip->i_df, &icur, &rec);
	ip->i_delayed_blks += len;
	ip->i_mount->m_delalloc_blks += (int64_t)(len + indlen);
	ip->i_mount->m_fdblocks -= (int64_t)(len + indlen);
}

XS_TEST_SUITE(test_bmap_reserve_counters)
{
	struct xs_fs fs;
	struct xs_inode *ip = &fs.inode;
	struct xs_bmbt_irec got, r[4];
	int64_t f0;
	uint32_t seq;

	if (!fs_setup(&fs, CT_GIB)) {
		test_cond("fs", 0);
		return;
	}
	f0 = fdb(&fs);
	seq = ip->i_df.if_seq;
	test_cond("reserve 1 block: ok", ct_reserve(ip, 0, 1, 0, &got) == 0);
	test_cond("reserved piece [0, 1)", got.br_startoff == 0 && got.br_blockcount == 1);
	test_cond("i_delayed_blks 1", ip->i_delayed_blks == 1);
	/* 1 data block + indlen(1) = 5 */
	test_cond("m_delalloc_blks 6", fs.mount.m_delalloc_blks == 6);
	test_cond("fdblocks -6", f0 - fdb(&fs) == 6);
	/* kernel: statfs.f_bavail 235783 -> 235777 after a 4 KiB write into a hole */
	test_cond("f_bavail 235777 as the kernel", ct_bavail(&fs) == 235777);
	test_cond("one delalloc record, indlen 5",
		  ct_records(ip, r, 4) == 1 && ct_is_delay(&r[0], 0, 1, 5));
	test_cond("if_seq bumped", ip->i_df.if_seq != seq);
	test_cond("no prealloc: EOFBLOCKS not set", !(ip->i_flags & XS_IEOFBLOCKS));
	test_cond("xs_bmap_count_indlen 5", xs_bmap_count_indlen(ip) == 5);
	test_cond("inode check", ct_inode_ok(ip));

	/* with preallocation: 1 + 16 blocks, indlen 5, EOFBLOCKS tagged */
	f0 = fdb(&fs);
	test_cond("reserve 1 + 16 prealloc at 100", ct_reserve(ip, 100, 1, 16, &got) == 0);
	test_cond("reserved 17 blocks", got.br_blockcount == 17 && ip->i_delayed_blks == 18);
	test_cond("cost 17 + 5", f0 - fdb(&fs) == 22);
	test_cond("EOFBLOCKS set", ip->i_flags & XS_IEOFBLOCKS);
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);
}

XS_TEST_SUITE(test_bmap_reserve_merge)
{
	struct xs_fs fs;
	struct xs_inode *ip = &fs.inode;
	struct xs_bmbt_irec got, r[8];
	int64_t f0;
	uint32_t seq;

	if (!fs_setup(&fs, CT_GIB)) {
		test_cond("fs", 0);
		return;
	}

	/* left: [10,11) + [11,12) -> [10,12), indlen min(indlen(2)=5, 5+5) = 5 */
	f0 = fdb(&fs);
	ct_reserve(ip, 10, 1, 0, NULL);
	seq = ip->i_df.if_seq;
	ct_reserve(ip, 11, 1, 0, &got);
	test_cond("left merge: reserved piece is [11, 12)",
		  got.br_startoff == 11 && got.br_blockcount == 1);
	test_cond("left merge: one record [10, 12) indlen 5",
		  ct_records(ip, r, 8) == 1 && ct_is_delay(&r[0], 10, 2, 5));
	test_cond("left merge: surplus indlen 5 returned (cost 6 + 6 - 5)", f0 - fdb(&fs) == 7);
	test_cond("left merge: m_delalloc_blks 2 + 5", fs.mount.m_delalloc_blks == 7);
	test_cond("left merge: if_seq bumped", ip->i_df.if_seq != seq);
	test_cond("inode check", ct_inode_ok(ip));

	/* right: [21,22) then [20,21) -> [20,22) indlen 5 */
	f0 = fdb(&fs);
	ct_reserve(ip, 21, 1, 0, NULL);
	ct_reserve(ip, 20, 1, 0, NULL);
	test_cond("right merge: [20, 22) indlen 5",
		  ct_records(ip, r, 8) == 2 && ct_is_delay(&r[1], 20, 2, 5));
	test_cond("right merge: cost 7", f0 - fdb(&fs) == 7);

	/* both: [30,31), [32,33), then [31,32) -> [30,33) indlen min(5, 15) = 5 */
	f0 = fdb(&fs);
	ct_reserve(ip, 30, 1, 0, NULL);
	ct_reserve(ip, 32, 1, 0, NULL);
	test_cond("gap: two records", ct_records(ip, r, 8) == 4);
	ct_reserve(ip, 31, 1, 0, NULL);
	test_cond("three-way merge: [30, 33) indlen 5",
		  ct_records(ip, r, 8) == 3 && ct_is_delay(&r[2], 30, 3, 5));
	test_cond("three-way merge: cost 3 + 5", f0 - fdb(&fs) == 8);
	test_cond("inode check", ct_inode_ok(ip));

	/*
	 * Capped at the next record when not at EOF: reserve 10 at 50 with [55, 56)
	 * present -> only [50, 55), which merges right: [50, 56), indlen 5.
	 */
	ct_reserve(ip, 55, 1, 0, NULL);
	ct_reserve(ip, 50, 10, 0, &got);
	test_cond("capped at the next record: 5 blocks reserved", got.br_blockcount == 5);
	test_cond("... merged [50, 56) indlen 5",
		  ct_records(ip, r, 8) == 4 && ct_is_delay(&r[3], 50, 6, 5));

	/*
	 * worst(total) binds: [100, 351) (251 blocks, indlen 5) + [351, 352) -> 252
	 * blocks, indlen min(indlen(252) = 6, 10) = 6: 4 of the new 5 go back.
	 */
	ct_reserve(ip, 100, 251, 0, NULL);
	f0 = fdb(&fs);
	ct_reserve(ip, 351, 1, 0, NULL);
	test_cond("252-block merge: indlen 6",
		  ct_records(ip, r, 8) == 5 && ct_is_delay(&r[4], 100, 252, 6));
	test_cond("252-block merge: cost 1 + 1", f0 - fdb(&fs) == 2);
	test_cond("inode check", ct_inode_ok(ip));

	/*
	 * the old sum binds: a 1000-block record whose reservation was depleted to 1;
	 * adding [2000, 2001) gives indlen min(indlen(1001) = 8, 1 + 5) = 6, nothing back.
	 */
	insert_delay(ip, 1000, 1000, 1);
	test_cond("depleted record inserted consistently", ct_inode_ok(ip));
	f0 = fdb(&fs);
	ct_reserve(ip, 2000, 1, 0, NULL);
	test_cond("depleted merge: [1000, 2001) indlen 6",
		  ct_records(ip, r, 8) == 6 && ct_is_delay(&r[5], 1000, 1001, 6));
	test_cond("depleted merge: cost 1 + 5", f0 - fdb(&fs) == 6);
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);
}

/*
 * indlen(2^21-1) = 8393; indlen(1100000) = 4383 + 18 + 1 + 2 = 4404 (also for
 * 1100001); indlen(1000000) = 3985 + 16 + 1 + 2 = 4004. A 16 GiB filesystem has room.
 */
XS_TEST_SUITE(test_bmap_reserve_maxextlen)
{
	struct xs_fs fs;
	struct xs_inode *ip = &fs.inode;
	struct xs_bmbt_irec got, r[4];

	if (!fs_setup(&fs, 16 * CT_GIB)) {
		test_cond("fs", 0);
		return;
	}
	test_cond("reserve MAX_EXTLEN + 5: ok",
		  ct_reserve(ip, 0, XS_MAX_BMBT_EXTLEN + 5, 0, &got) == 0);
	test_cond("capped at MAX_EXTLEN", got.br_blockcount == XS_MAX_BMBT_EXTLEN &&
						  ip->i_delayed_blks == XS_MAX_BMBT_EXTLEN);
	test_cond("indlen 8393",
		  ct_records(ip, r, 4) == 1 && ct_is_delay(&r[0], 0, XS_MAX_BMBT_EXTLEN, 8393));
	ct_reserve(ip, XS_MAX_BMBT_EXTLEN, 1, 0, NULL);
	test_cond("contiguous block past a full record: no merge",
		  ct_records(ip, r, 4) == 2 && ct_is_delay(&r[1], XS_MAX_BMBT_EXTLEN, 1, 5));
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);

	/* left + new fits, new + right fits, all three do not: merge left only */
	if (!fs_setup(&fs, 16 * CT_GIB)) {
		test_cond("fs", 0);
		return;
	}
	ct_reserve(ip, 0, 1100000, 0, NULL);
	ct_reserve(ip, 1100001, 1000000, 0, NULL);
	ct_reserve(ip, 1100000, 1, 0, NULL);
	test_cond("three-way over MAX_EXTLEN: left merge only", ct_records(ip, r, 4) == 2);
	test_cond("left [0, 1100001) indlen min(4404, 4404 + 5) = 4404",
		  ct_is_delay(&r[0], 0, 1100001, 4404));
	test_cond("right [1100001, +1000000) indlen 4004",
		  ct_is_delay(&r[1], 1100001, 1000000, 4004));
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);
}

XS_TEST_SUITE(test_bmap_reserve_enospc)
{
	struct xs_fs fs;
	struct xs_inode *ip = &fs.inode;
	struct xs_bmbt_irec got, r[4];
	uint64_t stolen;
	uint32_t seq;

	if (!fs_setup(&fs, CT_GIB)) {
		test_cond("fs", 0);
		return;
	}
	/* leave f_bavail at 10 (the rest taken by "someone else") */
	stolen = ct_bavail(&fs) - 10;
	test_cond("take all but 10",
		  xs_dec_fdblocks(&fs.mount, stolen) == 0 && ct_bavail(&fs) == 10);
	/* 1 + 16 prealloc needs 17 + 5 = 22 > 10: retried without prealloc, 1 + 5 = 6 */
	test_cond("reserve with prealloc near ENOSPC: ok", ct_reserve(ip, 0, 1, 16, &got) == 0);
	test_cond("... retried without prealloc: 1 block",
		  got.br_blockcount == 1 && ip->i_delayed_blks == 1);
	test_cond("... f_bavail 4", ct_bavail(&fs) == 4);
	test_cond("... no EOFBLOCKS tag", !(ip->i_flags & XS_IEOFBLOCKS));
	seq = ip->i_df.if_seq;
	test_cond("1 block needs 6 > 4: ENOSPC", ct_reserve(ip, 5, 1, 0, &got) == -ENOSPC);
	test_cond("ENOSPC changes nothing",
		  ct_bavail(&fs) == 4 && ip->i_delayed_blks == 1 && fs.mount.m_delalloc_blks == 6 &&
			  ip->i_df.if_seq == seq && ct_records(ip, r, 4) == 1);
	test_cond("ENOSPC with prealloc too",
		  ct_reserve(ip, 5, 1, 16, &got) == -ENOSPC && ip->i_delayed_blks == 1);
	xs_add_fdblocks(&fs.mount, stolen);
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);
}

/*
 * xfs_bmap_del_extent_delay. Whole / left / right deletes keep
 * min(indlen(remaining), old indlen); a middle delete computes indlen of both sides,
 * steals up to del.blockcount data blocks to cover the shortfall, and if still short
 * splits with xfs_bmap_split_indlen:
 *   resfactor = ores * 100 / (len1 + len2); lenN = lenN * resfactor / 100;
 *   the rest is handed out len1, len2, len1, ... (len2 first if it came out 0).
 */
XS_TEST_SUITE(test_bmap_del_delay_ends)
{
	struct xs_fs fs;
	struct xs_inode *ip = &fs.inode;
	struct xs_bmbt_irec r[4];
	int64_t f0;
	uint32_t seq;

	/* whole */
	fs_setup(&fs, CT_GIB);
	f0 = fdb(&fs);
	ct_reserve(ip, 100, 100, 0, NULL);
	seq = ip->i_df.if_seq;
	ct_del_delay(ip, 100, 100);
	test_cond("whole: no records", ct_records(ip, r, 4) == 0);
	test_cond("whole: counters back to zero",
		  ip->i_delayed_blks == 0 && fs.mount.m_delalloc_blks == 0 && fdb(&fs) == f0);
	test_cond("whole: if_seq bumped", ip->i_df.if_seq != seq);
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);

	/* left part of [100, 200): [110, 200) keeps indlen 5; 10 blocks back */
	fs_setup(&fs, CT_GIB);
	ct_reserve(ip, 100, 100, 0, NULL);
	f0 = fdb(&fs);
	seq = ip->i_df.if_seq;
	ct_del_delay(ip, 100, 10);
	test_cond("left: [110, 200) indlen 5",
		  ct_records(ip, r, 4) == 1 && ct_is_delay(&r[0], 110, 90, 5));
	test_cond("left: 10 blocks back", fdb(&fs) - f0 == 10 && ip->i_delayed_blks == 90 &&
						  fs.mount.m_delalloc_blks == 95);
	test_cond("left: if_seq bumped", ip->i_df.if_seq != seq);
	test_cond("inode check", ct_inode_ok(ip));
	/* right part: [110, 190) */
	f0 = fdb(&fs);
	ct_del_delay(ip, 190, 10);
	test_cond("right: [110, 190) indlen 5",
		  ct_records(ip, r, 4) == 1 && ct_is_delay(&r[0], 110, 80, 5));
	test_cond("right: 10 blocks back", fdb(&fs) - f0 == 10);
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);

	/* left part shrinking the indlen: [0, 300) has indlen(300) = 6; [100, 300) needs 5 */
	fs_setup(&fs, CT_GIB);
	ct_reserve(ip, 0, 300, 0, NULL);
	test_cond("[0, 300) indlen 6", ct_records(ip, r, 4) == 1 && ct_is_delay(&r[0], 0, 300, 6));
	f0 = fdb(&fs);
	ct_del_delay(ip, 0, 100);
	test_cond("left trim: [100, 300) indlen 5",
		  ct_records(ip, r, 4) == 1 && ct_is_delay(&r[0], 100, 200, 5));
	test_cond("left trim: 100 data + 1 indlen back", fdb(&fs) - f0 == 101);
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);
}

XS_TEST_SUITE(test_bmap_del_delay_middle)
{
	struct xs_fs fs;
	struct xs_inode *ip = &fs.inode;
	struct xs_bmbt_irec r[4];
	int64_t f0;

	/*
	 * [100, 200) indlen 5, delete [150, 151): sides 50 and 49 need 5 + 5 = 10 > 5;
	 * steal min(5, 1) = 1 -> 6; split_indlen(6, 5, 5): resfactor 60, 3 and 3, rest 0.
	 * The deleted block was stolen: nothing goes back to fdblocks.
	 */
	fs_setup(&fs, CT_GIB);
	ct_reserve(ip, 100, 100, 0, NULL);
	f0 = fdb(&fs);
	ct_del_delay(ip, 150, 1);
	test_cond("middle 1 of 100: two records", ct_records(ip, r, 4) == 2);
	test_cond("... [100, 150) indlen 3", ct_is_delay(&r[0], 100, 50, 3));
	test_cond("... [151, 200) indlen 3", ct_is_delay(&r[1], 151, 49, 3));
	test_cond("... the block is stolen, fdblocks unchanged", fdb(&fs) == f0);
	test_cond("... i_delayed_blks 99, m_delalloc_blks 99 + 6",
		  ip->i_delayed_blks == 99 && fs.mount.m_delalloc_blks == 105);
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);

	/*
	 * [0, 600) indlen(600) = 7, delete [300, 301): sides 300 and 299 need 6 + 6;
	 * steal 1 -> 8; resfactor 800/12 = 66: 6*66/100 = 3 each; rest 2 -> 4 and 4.
	 */
	fs_setup(&fs, CT_GIB);
	ct_reserve(ip, 0, 600, 0, NULL);
	f0 = fdb(&fs);
	ct_del_delay(ip, 300, 1);
	test_cond("middle of 600: [0, 300) indlen 4 and [301, 600) indlen 4",
		  ct_records(ip, r, 4) == 2 && ct_is_delay(&r[0], 0, 300, 4) &&
			  ct_is_delay(&r[1], 301, 299, 4));
	test_cond("... fdblocks unchanged", fdb(&fs) == f0);
	test_cond("... m_delalloc_blks 599 + 8", fs.mount.m_delalloc_blks == 607);
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);

	/*
	 * [0, 401) indlen(401) = 6, delete [100, 101): sides 100 and 300 need 5 + 6 = 11;
	 * steal 1 -> 7; resfactor 700/11 = 63: 5*63/100 = 3, 6*63/100 = 3; rest 1 goes to
	 * len1 first: 4 and 3.
	 */
	fs_setup(&fs, CT_GIB);
	ct_reserve(ip, 0, 401, 0, NULL);
	ct_del_delay(ip, 100, 1);
	test_cond("uneven split: [0, 100) indlen 4, [101, 401) indlen 3",
		  ct_records(ip, r, 4) == 2 && ct_is_delay(&r[0], 0, 100, 4) &&
			  ct_is_delay(&r[1], 101, 300, 3));
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);

	/*
	 * Stealing covers it all: [0, 600) indlen 7, delete [100, 400): sides 100 and 200
	 * need 5 + 5 = 10; steal min(3, 300) = 3; no split; 297 data blocks go back.
	 */
	fs_setup(&fs, CT_GIB);
	ct_reserve(ip, 0, 600, 0, NULL);
	f0 = fdb(&fs);
	ct_del_delay(ip, 100, 300);
	test_cond("steal 3 of 300: both sides get indlen 5",
		  ct_records(ip, r, 4) == 2 && ct_is_delay(&r[0], 0, 100, 5) &&
			  ct_is_delay(&r[1], 400, 200, 5));
	test_cond("... 297 back", fdb(&fs) - f0 == 297);
	test_cond("... i_delayed_blks 300, m_delalloc_blks 310",
		  ip->i_delayed_blks == 300 && fs.mount.m_delalloc_blks == 310);
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);

	/*
	 * An exhausted reservation: [0, 3) with indlen 0, delete [1, 2): steal 1 -> 1;
	 * split_indlen(1, 5, 5): resfactor 10, both 0; len2 is handed the block first.
	 */
	fs_setup(&fs, CT_GIB);
	insert_delay(ip, 0, 3, 0);
	ct_del_delay(ip, 1, 1);
	test_cond("exhausted: [0, 1) indlen 0, [2, 3) indlen 1",
		  ct_records(ip, r, 4) == 2 && ct_is_delay(&r[0], 0, 1, 0) &&
			  ct_is_delay(&r[1], 2, 1, 1));
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);
}

XS_TEST_SUITE(test_bmap_punch_delalloc)
{
	struct xs_fs fs;
	struct xs_inode *ip = &fs.inode;
	struct xs_bmbt_irec r[4], real;
	uint32_t seq;

	/* delalloc [0, 10), unwritten [10, 20), delalloc [20, 30) */
	fs_setup(&fs, CT_GIB);
	ct_reserve(ip, 0, 10, 0, NULL);
	test_cond("fallocate [10, 20)", xs_alloc_file_space(ip, 10 * 4096, 10 * 4096) == 0);
	ct_reserve(ip, 20, 10, 0, NULL);
	test_cond("three records", ct_records(ip, r, 4) == 3);
	real = r[1];
	seq = ip->i_df.if_seq;
	test_cond("punch [0, 30 blocks): 20 delalloc blocks",
		  xs_bmap_punch_delalloc_range(ip, 0, 30 * 4096) == 20);
	test_cond("the real extent is untouched",
		  ct_records(ip, r, 4) == 1 && r[0].br_startoff == real.br_startoff &&
			  r[0].br_startblock == real.br_startblock && r[0].br_blockcount == 10 &&
			  r[0].br_state == XS_EXT_UNWRITTEN);
	test_cond("no delalloc left", ip->i_delayed_blks == 0 && fs.mount.m_delalloc_blks == 0);
	test_cond("if_seq bumped", ip->i_df.if_seq != seq);
	seq = ip->i_df.if_seq;
	test_cond("punching only real blocks: 0",
		  xs_bmap_punch_delalloc_range(ip, 10 * 4096, 20 * 4096) == 0);
	test_cond("... no change, no if_seq bump", ip->i_df.if_seq == seq);
	test_cond("punching a hole: 0",
		  xs_bmap_punch_delalloc_range(ip, 50 * 4096, 60 * 4096) == 0);
	test_cond("empty range: 0", xs_bmap_punch_delalloc_range(ip, 4096, 4096) == 0);
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);

	/*
	 * Partial blocks are punched whole: [4196, 12188) covers blocks 1..2 in part, so
	 * blocks [1, 3) go. Middle of [0, 10) indlen 5: sides 1 and 7 need 5 + 5; steal
	 * min(5, 2) = 2 -> 7; split_indlen(7, 5, 5): 3 + 3, rest 1 to len1: 4 and 3.
	 */
	fs_setup(&fs, CT_GIB);
	ct_reserve(ip, 0, 10, 0, NULL);
	test_cond("partial-block punch rounds outward: 2 blocks",
		  xs_bmap_punch_delalloc_range(ip, 4096 + 100, 3 * 4096 - 100) == 2);
	test_cond("... [0, 1) indlen 4 and [3, 10) indlen 3", ct_records(ip, r, 4) == 2 &&
								      ct_is_delay(&r[0], 0, 1, 4) &&
								      ct_is_delay(&r[1], 3, 7, 3));
	test_cond("a 100-byte punch inside block 0 takes block 0",
		  xs_bmap_punch_delalloc_range(ip, 100, 200) == 1);
	test_cond("... only [3, 10) left", ct_records(ip, r, 4) == 1 && r[0].br_startoff == 3);
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);
}

XS_TEST_SUITE(test_bmap_convert_delalloc)
{
	struct xs_fs fs;
	struct xs_inode *ip = &fs.inode;
	struct xs_bmbt_irec imap, r[4];
	uint64_t thief_bno[64], thief_len[64];
	int nthief = 0, i;
	int64_t f0;
	uint32_t seq = 0, before;

	fs_setup(&fs, CT_GIB);
	f0 = fdb(&fs);
	ct_reserve(ip, 0, 100, 0, NULL);
	before = ip->i_df.if_seq;
	test_cond("convert at block 50: ok",
		  xs_bmapi_convert_delalloc(ip, 50 * 4096, &imap, &seq) == 0);
	test_cond("the whole record became unwritten",
		  ct_records(ip, r, 4) == 1 && ct_is_real(&r[0], 0, 100, XS_EXT_UNWRITTEN));
	test_cond("imap covers block 50", imap.br_startoff <= 50 &&
						  imap.br_startoff + imap.br_blockcount > 50 &&
						  imap.br_state == XS_EXT_UNWRITTEN);
	test_cond("seq is the fork's if_seq, bumped", seq == ip->i_df.if_seq && seq != before);
	test_cond("counters: 100 real, nothing delayed",
		  ip->i_nblocks == 100 && ip->i_delayed_blks == 0 && fs.mount.m_delalloc_blks == 0);
	test_cond("the surplus indlen (5) went back: fdblocks -100", f0 - fdb(&fs) == 100);
	test_cond("inode check", ct_inode_ok(ip));
	before = ip->i_df.if_seq;
	test_cond("convert over a real record: returns it",
		  xs_bmapi_convert_delalloc(ip, 10 * 4096, &imap, &seq) == 0 &&
			  imap.br_startoff == 0 && imap.br_blockcount == 100);
	test_cond("... without changing the fork", ip->i_df.if_seq == before);
	test_cond("convert in a hole: -EAGAIN",
		  xs_bmapi_convert_delalloc(ip, 500 * 4096, &imap, &seq) == -EAGAIN);
	xs_fs_destroy(&fs);

	/*
	 * A record longer than any AG (65536 blocks) cannot be allocated at once: each
	 * round allocates from the start of what is left, looping until the result covers
	 * the offset (block 90000).
	 */
	fs_setup(&fs, CT_GIB);
	ct_reserve(ip, 0, 100000, 0, NULL);
	test_cond("convert at 90000 of a 100000-block record: ok",
		  xs_bmapi_convert_delalloc(ip, 90000ULL * 4096, &imap, &seq) == 0);
	test_cond("imap covers 90000",
		  imap.br_startoff <= 90000 && imap.br_startoff + imap.br_blockcount > 90000);
	test_cond("two unwritten pieces, nothing delayed",
		  ct_records(ip, r, 4) == 2 && !xs_isnullstartblock(r[0].br_startblock) &&
			  !xs_isnullstartblock(r[1].br_startblock) && r[0].br_startoff == 0 &&
			  r[0].br_blockcount < 65536 && r[1].br_startoff == r[0].br_blockcount &&
			  r[0].br_blockcount + r[1].br_blockcount == 100000 &&
			  ip->i_delayed_blks == 0);
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);

	/* ENOSPC: someone allocated every usable block first */
	fs_setup(&fs, CT_GIB);
	ct_reserve(ip, 0, 10, 0, NULL);
	while (nthief < 64 && xs_alloc_vextent(&fs.mount, XS_NULLFSBLOCK, 1, XS_MAX_BMBT_EXTLEN,
					       &thief_bno[nthief], &thief_len[nthief]) == 0)
		nthief++;
	before = ip->i_df.if_seq;
	test_cond("no space to allocate: -ENOSPC",
		  xs_bmapi_convert_delalloc(ip, 0, &imap, &seq) == -ENOSPC);
	test_cond("... the delalloc record is intact",
		  ct_records(ip, r, 4) == 1 && ct_is_delay(&r[0], 0, 10, 5) &&
			  ip->i_delayed_blks == 10 && ip->i_df.if_seq == before);
	for (i = 0; i < nthief; i++)
		xs_free_extent(&fs.mount, thief_bno[i], thief_len[i]);
	test_cond("after the space comes back: ok",
		  xs_bmapi_convert_delalloc(ip, 0, &imap, &seq) == 0);
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);
}

XS_TEST_SUITE(test_bmap_write_unwritten)
{
	struct xs_fs fs;
	struct xs_inode *ip = &fs.inode;
	struct xs_bmbt_irec r[4];
	uint64_t b;
	uint32_t seq;

	fs_setup(&fs, CT_GIB);
	ip->i_size = 10 * 4096;
	xs_alloc_file_space(ip, 0, 10 * 4096);
	test_cond("one unwritten record",
		  ct_records(ip, r, 4) == 1 && ct_is_real(&r[0], 0, 10, XS_EXT_UNWRITTEN));
	b = r[0].br_startblock;
	seq = ip->i_df.if_seq;
	xs_iomap_write_unwritten(ip, 3 * 4096, 2 * 4096);
	test_cond("middle written: split in three", ct_records(ip, r, 4) == 3);
	test_cond("... [0,3) U, [3,5) N, [5,10) U, physically contiguous",
		  ct_is_real(&r[0], 0, 3, XS_EXT_UNWRITTEN) &&
			  ct_is_real(&r[1], 3, 2, XS_EXT_NORM) &&
			  ct_is_real(&r[2], 5, 5, XS_EXT_UNWRITTEN) && r[0].br_startblock == b &&
			  r[1].br_startblock == b + 3 && r[2].br_startblock == b + 5);
	test_cond("... if_nextents 3", ip->i_df_nextents == 3);
	test_cond("... on-disk size up to the written end", ip->i_disk_size == 5 * 4096);
	test_cond("... if_seq bumped", ip->i_df.if_seq != seq);
	test_cond("inode check", ct_inode_ok(ip));
	xs_iomap_write_unwritten(ip, 5 * 4096, 5 * 4096);
	test_cond("right part written: merges with its left neighbour",
		  ct_records(ip, r, 4) == 2 && ct_is_real(&r[0], 0, 3, XS_EXT_UNWRITTEN) &&
			  ct_is_real(&r[1], 3, 7, XS_EXT_NORM) && ip->i_df_nextents == 2);
	test_cond("... on-disk size 40960", ip->i_disk_size == 40960);
	xs_iomap_write_unwritten(ip, 0, 3 * 4096);
	test_cond("left part written: one written record",
		  ct_records(ip, r, 4) == 1 && ct_is_real(&r[0], 0, 10, XS_EXT_NORM) &&
			  r[0].br_startblock == b && ip->i_df_nextents == 1);
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);

	/* a sub-block range converts the whole block; the size stops at i_size */
	fs_setup(&fs, CT_GIB);
	ip->i_size = 2 * 4096 + 100;
	xs_alloc_file_space(ip, 0, 4 * 4096);
	xs_iomap_write_unwritten(ip, 4096 + 100, 10);
	test_cond("10 bytes in block 1 convert block 1",
		  ct_records(ip, r, 4) == 3 && ct_is_real(&r[1], 1, 1, XS_EXT_NORM));
	test_cond("... disk size 4206", ip->i_disk_size == 4096 + 110);
	xs_iomap_write_unwritten(ip, 0, 4 * 4096);
	test_cond("disk size capped at i_size 8292", ip->i_disk_size == 8292);
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);
}

XS_TEST_SUITE(test_bmap_bunmapi)
{
	struct xs_fs fs;
	struct xs_inode *ip = &fs.inode;
	struct xs_bmbt_irec r[4], real;
	int64_t f0;
	uint32_t seq;

	/* delalloc [0,10), unwritten [10,20), hole [20,30), delalloc [30,40) */
	fs_setup(&fs, CT_GIB);
	f0 = fdb(&fs);
	ct_reserve(ip, 0, 10, 0, NULL);
	xs_alloc_file_space(ip, 10 * 4096, 10 * 4096);
	ct_reserve(ip, 30, 10, 0, NULL);
	seq = ip->i_df.if_seq;
	test_cond("bunmapi [5, 35): 5 + 10 + 5 blocks", xs_bunmapi(ip, 5, 30) == 20);
	test_cond("... [0, 5) and [35, 40) delalloc left", ct_records(ip, r, 4) == 2 &&
								   ct_is_delay(&r[0], 0, 5, 5) &&
								   ct_is_delay(&r[1], 35, 5, 5));
	test_cond("... real blocks freed",
		  ip->i_nblocks == 0 && ip->i_df_nextents == 0 && fs.mount.m_allocated_blocks == 0);
	test_cond("... freed blocks are busy", fs.mount.m_perag[0].nbusy == 1);
	test_cond("... fdblocks: only 2 x (5 + 5) still held", f0 - fdb(&fs) == 20);
	test_cond("... if_seq bumped", ip->i_df.if_seq != seq);
	test_cond("inode check", ct_inode_ok(ip));
	test_cond("bunmapi of nothing: 0",
		  xs_bunmapi(ip, 5, 0) == 0 && xs_bunmapi(ip, 10, 20) == 0);
	xs_fs_destroy(&fs);

	/* the middle of a real extent: two real records, contiguous around the gap */
	fs_setup(&fs, CT_GIB);
	xs_alloc_file_space(ip, 0, 10 * 4096);
	ct_records(ip, &real, 1);
	test_cond("bunmapi [4, 6) of a real extent", xs_bunmapi(ip, 4, 2) == 2);
	test_cond("... [0,4) and [6,10), disk blocks kept in place",
		  ct_records(ip, r, 4) == 2 && ct_is_real(&r[0], 0, 4, XS_EXT_UNWRITTEN) &&
			  ct_is_real(&r[1], 6, 4, XS_EXT_UNWRITTEN) &&
			  r[0].br_startblock == real.br_startblock &&
			  r[1].br_startblock == real.br_startblock + 6);
	test_cond("... i_nblocks 8, if_nextents 2", ip->i_nblocks == 8 && ip->i_df_nextents == 2);
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);
}

XS_TEST_SUITE(test_bmap_alloc_file_space)
{
	struct xs_fs fs;
	struct xs_inode *ip = &fs.inode;
	struct xs_bmbt_irec r[4];
	size_t n, i;
	uint64_t next = 0;
	bool all_unwritten = true;
	int64_t f0;

	/* holes and delalloc: hole [0,5), delalloc [5,10), hole [10,20) */
	fs_setup(&fs, CT_GIB);
	f0 = fdb(&fs);
	ct_reserve(ip, 5, 5, 0, NULL);
	test_cond("fallocate [0, 20) over holes and delalloc: ok",
		  xs_alloc_file_space(ip, 0, 20 * 4096) == 0);
	n = ct_records(ip, r, 4);
	for (i = 0; i < n && i < 4; i++) {
		if (xs_isnullstartblock(r[i].br_startblock) || r[i].br_state != XS_EXT_UNWRITTEN ||
		    r[i].br_startoff != next)
			all_unwritten = false;
		next = r[i].br_startoff + r[i].br_blockcount;
	}
	test_cond("[0, 20) all unwritten, no delalloc", n >= 1 && all_unwritten && next == 20);
	test_cond("counters: 20 real, nothing delayed",
		  ip->i_nblocks == 20 && ip->i_delayed_blks == 0 && fs.mount.m_delalloc_blks == 0);
	test_cond("the delalloc indlen went back: fdblocks -20", f0 - fdb(&fs) == 20);
	test_cond("PREALLOC flag", ip->i_diflags & XS_DIFLAG_PREALLOC);
	test_cond("inode check", ct_inode_ok(ip));
	test_cond("fallocate again over real blocks: nothing new",
		  xs_alloc_file_space(ip, 0, 20 * 4096) == 0 && ip->i_nblocks == 20);
	xs_fs_destroy(&fs);

	/* more than the free space in one reservation: ENOSPC, nothing allocated */
	fs_setup(&fs, CT_GIB);
	f0 = fdb(&fs);
	test_cond("fallocate 240000 blocks on 1 GiB: ENOSPC",
		  xs_alloc_file_space(ip, 0, 240000ULL * 4096) == -ENOSPC);
	test_cond("... nothing allocated",
		  ip->i_nblocks == 0 && fdb(&fs) == f0 && ct_records(ip, r, 4) == 0);
	/*
	 * xfs_alloc_file_space (fs/xfs/xfs_bmap_util.c) sets XFS_DIFLAG_PREALLOC inside
	 * the loop, after xfs_bmapi_write succeeded; an ENOSPC from the first
	 * xfs_trans_alloc_inode breaks out before that, so the flag stays clear.
	 */
	test_cond("... and the inode is not marked PREALLOC",
		  !(ip->i_diflags & XS_DIFLAG_PREALLOC));
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);

	/*
	 * Allocation in MAX_EXTLEN-sized reservations: on 16 GiB (4140527 free) three
	 * MAX_EXTLEN chunks cannot all be had; what was allocated stays.
	 */
	fs_setup(&fs, 16 * CT_GIB);
	test_cond("fallocate 3 x MAX_EXTLEN on 16 GiB: ENOSPC",
		  xs_alloc_file_space(ip, 0, 3 * XS_MAX_BMBT_EXTLEN * 4096) == -ENOSPC);
	test_cond("... earlier chunks stay", ip->i_nblocks > 0 && ip->i_delayed_blks == 0);
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);
}

XS_TEST_SUITE(test_bmap_bmapi_read)
{
	struct xs_fs fs;
	struct xs_inode *ip = &fs.inode;
	struct xs_bmbt_irec m[4], real;
	int n = 4;

	/* delalloc [0,10), hole [10,20), unwritten [20,30) */
	fs_setup(&fs, CT_GIB);
	ct_reserve(ip, 0, 10, 0, NULL);
	xs_alloc_file_space(ip, 20 * 4096, 10 * 4096);
	xs_bmapi_read(ip, 20, 10, &real, &n);
	n = 4;
	xs_bmapi_read(ip, 5, 20, m, &n);
	test_cond("read [5, 25): three mappings", n == 3);
	test_cond("... delalloc [5, 10)", xs_bmap_is_delalloc_extent(&m[0]) &&
						  m[0].br_startoff == 5 && m[0].br_blockcount == 5);
	test_cond("... hole [10, 20)", xs_bmap_is_hole_extent(&m[1]) && m[1].br_startoff == 10 &&
					       m[1].br_blockcount == 10);
	test_cond("... unwritten [20, 25)",
		  !xs_bmap_is_hole_extent(&m[2]) && !xs_bmap_is_delalloc_extent(&m[2]) &&
			  m[2].br_blockcount == 5 && m[2].br_startblock == real.br_startblock);
	n = 4;
	xs_bmapi_read(ip, 22, 3, m, &n);
	test_cond("read inside a real extent: startblock advanced by 2",
		  n == 1 && m[0].br_startoff == 22 && m[0].br_startblock == real.br_startblock + 2);
	n = 4;
	xs_bmapi_read(ip, 100, 7, m, &n);
	test_cond("read past the last record: one hole",
		  n == 1 && xs_bmap_is_hole_extent(&m[0]) && m[0].br_blockcount == 7);
	n = 1;
	xs_bmapi_read(ip, 0, 30, m, &n);
	test_cond("nmap limits the answer", n == 1 && m[0].br_blockcount == 10);
	xs_fs_destroy(&fs);
}

XS_TEST_SUITE(test_bmap_inode_check_catches)
{
	struct xs_fs fs;
	struct xs_inode *ip = &fs.inode;
	struct xs_iext_cursor icur;
	struct xs_bmbt_irec got, bad;

	fs_setup(&fs, CT_GIB);
	ct_reserve(ip, 0, 10, 0, NULL);
	xs_alloc_file_space(ip, 20 * 4096, 10 * 4096);
	test_cond("consistent inode passes", ct_inode_ok(ip));

	ip->i_delayed_blks++;
	test_cond("i_delayed_blks + 1: -EUCLEAN", ct_inode_corrupt(ip));
	ip->i_delayed_blks--;
	test_cond("restored: passes", ct_inode_ok(ip));

	fs.mount.m_delalloc_blks++;
	test_cond("m_delalloc_blks + 1: -EUCLEAN", ct_inode_corrupt(ip));
	fs.mount.m_delalloc_blks--;

	ip->i_nblocks++;
	test_cond("i_nblocks + 1: -EUCLEAN", ct_inode_corrupt(ip));
	ip->i_nblocks--;

	fs.mount.m_fdblocks--;
	test_cond("a block lost from fdblocks (I4): -EUCLEAN", ct_inode_corrupt(ip));
	fs.mount.m_fdblocks++;

	ip->i_df_nextents++;
	test_cond("if_nextents + 1: -EUCLEAN", ct_inode_corrupt(ip));
	ip->i_df_nextents--;

	fs.mount.m_allocated_blocks++;
	test_cond("allocator count off: -EUCLEAN", ct_inode_corrupt(ip));
	fs.mount.m_allocated_blocks--;

	/* indlen of the delalloc record changed behind the counters' back */
	xs_iext_lookup_extent(&ip->i_df, 0, &icur, &got);
	bad = got;
	bad.br_startblock = xs_nullstartblock(4);
	xs_iext_update_extent(&ip->i_df, &icur, &bad);
	test_cond("record indlen changed: -EUCLEAN", ct_inode_corrupt(ip));
	xs_iext_update_extent(&ip->i_df, &icur, &got);

	/* I6: delalloc past EOF without the EOFBLOCKS tag */
	ip->i_size = 4096;
	test_cond("post-EOF delalloc without EOFBLOCKS: -EUCLEAN", ct_inode_corrupt(ip));
	ip->i_flags |= XS_IEOFBLOCKS;
	test_cond("... fine with the tag", ct_inode_ok(ip));
	ip->i_flags &= ~XS_IEOFBLOCKS;
	ip->i_size = CT_GIB;
	test_cond("everything restored: passes", ct_inode_ok(ip));
	xs_fs_destroy(&fs);
}
