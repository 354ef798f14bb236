/*
 * Unit tests of what the file operations report (sim/core/file.c): fsxattr.nextents,
 * the data fork's inline capacity, and xfs_getbmap() after fallocate marks the inode
 * PREALLOC.
 *
 * Expected values come from the kernel captures named at each test
 * (data/kernel/out/), worked out in the comments.
 */
#include "core/file.h"
#include "tests/testhelp.h"
#include "tests/core/coretest.h"

#include <errno.h>

static int64_t write_fill(struct xs_inode *ip, uint64_t pos, uint64_t len)
{
	struct ct_fill f = {'a'};
	struct xs_user_buf b = ct_fill_buf(&f);

	return xs_file_write(ip, pos, len, &b);
}

/* How many records of the data fork are delalloc. */
static uint64_t delalloc_records(struct xs_inode *ip)
{
	struct xs_bmbt_irec r[64];
	size_t n = ct_records(ip, r, 64), i;
	uint64_t k = 0;

	for (i = 0; i < n; i++)
		k += xs_isnullstartblock(r[i].br_startblock);
	return k;
}

/*
 * data/kernel/out/fsxattr-btree-delalloc.out: 12 single-block extents written at
 * every other block and synced (extents format: 12 fit), 3 delalloc blocks further
 * on, then falloc -k of one block at 400 KiB: the 13th real extent turns the fork
 * into a B+tree, and fsxattr.nextents is 16 = 13 real + 3 delalloc, the in-core count
 * (xfs_fill_fsxattr: xfs_iext_count), not the 13 the on-disk format holds.
 */
XS_TEST_SUITE(test_file_fsxattr_nextents_btree)
{
	struct xs_fs fs;
	struct xs_inode *ip = &fs.inode;
	uint64_t k;
	bool ok = true;

	test_assert(ct_fs_init(&fs, CT_GIB, 4096, "6.13", NULL) == 0);
	test_cond("truncate 1m", xs_file_truncate(ip, CT_MIB) == 0);
	for (k = 0; k < 12; k++)
		ok &= write_fill(ip, k * 8 * CT_KIB, 4096) == 4096;
	test_cond("12 writes at every other block", ok);
	test_cond("fsync", xs_file_fsync(ip) == 0);
	test_cond("12 real extents in extents format: nextents 12",
		  ip->i_bmbt_blocks == 0 && xs_file_fsxattr_nextents(ip) == 12);
	for (k = 0; k < 3; k++)
		ok &= write_fill(ip, 200 * CT_KIB + k * 8 * CT_KIB, 4096) == 4096;
	test_cond("3 delalloc blocks: nextents 15, still extents format",
		  ok && ip->i_bmbt_blocks == 0 && xs_file_fsxattr_nextents(ip) == 15);
	test_cond("falloc -k 400k 4k",
		  xs_file_fallocate(ip, XS_FALLOC_KEEP_SIZE, 400 * CT_KIB, 4096) == 0);
	test_cond("13 real extents: one bmbt block", ip->i_bmbt_blocks == 1);
	test_cond("... 3 delalloc records still there", delalloc_records(ip) == 3);
	test_cond("... nextents 16 (13 real + 3 delalloc)", xs_file_fsxattr_nextents(ip) == 16);
	test_cond("fsync", xs_file_fsync(ip) == 0);
	test_cond("after fsync 16 real extents: nextents 16",
		  delalloc_records(ip) == 0 && xs_file_fsxattr_nextents(ip) == 16);
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);
}

/*
 * data/kernel/out/falloc-noalloc-prealloc-flag.out: 1 MiB in 4 KiB appends, fsync:
 * [0..2047] written and the speculative preallocation [2048..3967] (512-byte units)
 * unwritten past EOF, which bmap does not list. falloc -k 0 4k finds block 0 written
 * and allocates nothing, but xfs_alloc_file_space() sets XFS_DIFLAG_PREALLOC on that
 * pass all the same, and bmap then maps to s_maxbytes: the unwritten extent appears.
 */
XS_TEST_SUITE(test_file_falloc_noalloc_sets_prealloc)
{
	struct xs_fs fs;
	struct xs_inode *ip = &fs.inode;
	struct xs_getbmap_rec m[4];
	uint64_t k, nblocks;
	bool ok = true;
	size_t n;

	test_assert(ct_fs_init(&fs, CT_GIB, 4096, "6.13", NULL) == 0);
	for (k = 0; k < 256; k++)
		ok &= write_fill(ip, k * 4096, 4096) == 4096;
	test_cond("256 appends of 4 KiB", ok);
	test_cond("fsync", xs_file_fsync(ip) == 0);
	n = xs_getbmap(ip, false, m, 4);
	test_cond("bmap: one row, [0..2047] written",
		  n == 1 && m[0].bmv_offset == 0 && m[0].bmv_length == 2048 && !m[0].unwritten);
	test_cond("not PREALLOC yet", !(ip->i_diflags & XS_DIFLAG_PREALLOC));
	nblocks = ip->i_nblocks;
	test_cond("falloc -k 0 4k", xs_file_fallocate(ip, XS_FALLOC_KEEP_SIZE, 0, 4096) == 0);
	test_cond("... allocated nothing", ip->i_nblocks == nblocks);
	test_cond("... and set PREALLOC", ip->i_diflags & XS_DIFLAG_PREALLOC);
	n = xs_getbmap(ip, false, m, 4);
	test_cond("bmap: two rows", n == 2);
	test_cond("... the second [2048..3967] unwritten, past EOF",
		  n == 2 && m[1].bmv_offset == 2048 && m[1].bmv_length == 1920 && m[1].unwritten);
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);
}

/*
 * A pass whose transaction cannot reserve its blocks fails before xfs_bmapi_write():
 * falloc over written blocks with no free space left is ENOSPC and leaves the inode
 * unmarked (fs/xfs/xfs_bmap_util.c: xfs_trans_alloc_inode comes first in the loop).
 */
XS_TEST_SUITE(test_file_falloc_reserves_before_mapping)
{
	struct xs_fs fs;
	struct xs_inode *ip = &fs.inode;
	int64_t spare;

	test_assert(ct_fs_init(&fs, CT_GIB, 4096, "6.13", NULL) == 0);
	test_cond("write 8 KiB", write_fill(ip, 0, 8192) == 8192);
	test_cond("fsync", xs_file_fsync(ip) == 0);
	/* leave one block: less than one block plus the bmbt split reservation */
	spare = fs.mount.m_fdblocks - (int64_t)fs.mount.m_alloc_set_aside - 1;
	test_assert(spare > 0 && xs_dec_fdblocks(&fs.mount, (uint64_t)spare) == 0);
	test_cond("falloc -k 0 4k over a written block: ENOSPC",
		  xs_file_fallocate(ip, XS_FALLOC_KEEP_SIZE, 0, 4096) == -ENOSPC);
	test_cond("... not PREALLOC", !(ip->i_diflags & XS_DIFLAG_PREALLOC));
	test_cond("... one block still free", ct_bavail(&fs) == 1);
	xs_add_fdblocks(&fs.mount, (uint64_t)spare);
	xs_fs_destroy(&fs);
}

/*
 * The data fork's inline capacity does not grow with the inode: the attr fork of a new
 * file starts 196 bytes in (xfs_bmap_compute_attr_offset: a 6 * MINABTPTRS bmbt root),
 * so 192 bytes, 12 extents, for 512-, 1024- and 2048-byte inodes; on this kernel 12
 * written extents keep stat.blocks 96 and the 13th adds a bmbt block (112) at every
 * size (docs/kernel.md, "Counters"). v5 inodes are at least 512 bytes.
 */
XS_TEST_SUITE(test_file_inline_extents_any_isize)
{
	static const uint32_t isize[] = {512, 1024, 2048};
	struct xs_geometry geo;
	struct xs_mount mp;
	struct xs_err err = {0};
	size_t i;

	for (i = 0; i < 3; i++) {
		test_assert(xs_geometry_default(&geo, CT_GIB, 4096, &err) == 0);
		geo.inodesize = isize[i];
		test_cond("mount", xs_mount_init(&mp, &geo, &err) == 0);
		test_cond("12 extents inline", mp.m_iext_max_inline == 12);
		xs_mount_destroy(&mp);
	}
	geo.inodesize = 256;
	test_cond("256-byte inodes (v4 only): refused", xs_mount_init(&mp, &geo, &err) == -EINVAL);
	xs_mount_destroy(&mp);
}
