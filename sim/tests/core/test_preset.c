/*
 * Unit tests of what the kernel presets switch beyond the write path
 * (docs/kernel.md, "Versions and presets"): zeroing at an unaligned EOF over dirty
 * page cache on unwritten blocks (zero_range = flush, partial-eof), and the preset a
 * kernel version runs under.
 */
#include "core/file.h"
#include "core/iomap.h"
#include "core/mmap.h"
#include "tests/testhelp.h"
#include "tests/core/coretest.h"

#include <string.h>

static int64_t write_fill(struct xs_inode *ip, uint64_t pos, uint64_t len, uint8_t byte)
{
	struct ct_fill f = {byte};
	struct xs_user_buf b = ct_fill_buf(&f);

	return xs_file_write(ip, pos, len, &b);
}

/* Every byte of [pos, pos + len) reads as byte, from disk (clean cache dropped). */
static bool reads_as(struct xs_inode *ip, uint64_t pos, size_t len, uint8_t byte)
{
	uint8_t buf[8192];
	size_t i;

	XS_ASSERT(len <= sizeof(buf));
	xs_mmap_unmap_all(ip);
	while (xs_pagecache_evict_one(&ip->i_mapping, NULL))
		;
	if (xs_file_read(ip, pos, len, buf) != (int64_t)len)
		return false;
	for (i = 0; i < len; i++)
		if (buf[i] != byte)
			return false;
	return true;
}

/* A fresh 1 GiB filesystem, falloc -k 0 1m, 5000 bytes of 'A' at 0; false if no fs. */
static bool falloc_and_write(struct xs_fs *fs, struct ct_host *host, const char *kernel)
{
	if (ct_fs_init(fs, CT_GIB, 4096, kernel, host)) {
		test_cond("fs", 0);
		return false;
	}
	xs_file_fallocate(&fs->inode, XS_FALLOC_KEEP_SIZE, 0, CT_MIB);
	write_fill(&fs->inode, 0, 5000, 'A');
	return true;
}

/*
 * The first part of data/kernel/scripts/zero-eof-dirty-unwritten.xfsio: falloc -k
 * makes [0, 1 MiB) one unwritten record without moving EOF; 5000 bytes of 'A' dirty
 * folios 0 and 1; a write at 20480 zeroes [5000, 20480) first (xfs_file_write_checks).
 * The zeroing starts 904 bytes into block 1, whose folio is dirty.
 *   partial-eof (6.13, 6.18): block 1's tail is zeroed in the page cache, nothing is
 *     written back: still one unwritten record, three dirty folios, no I/O.
 *   flush (6.12 and the older presets): the unwritten mapping with dirty cache in the
 *     range makes iomap write back [5000, 20480) first: folio 1 goes to disk and
 *     block 1 becomes written, splitting the record in three; mapped again, block 1
 *     is written, so its tail is zeroed through the cache, dirtying folio 1 again.
 * Either way the bytes are the same once on disk.
 */
static void zero_past_eof(const char *kernel, bool in_cache)
{
	struct xs_fs fs;
	struct ct_host host;
	struct xs_inode *ip = &fs.inode;
	struct xs_bmbt_irec r[4];
	size_t n;
	char d[96];

	if (!falloc_and_write(&fs, &host, kernel))
		return;
	test_cond("5000 bytes over falloc -k: size 5000, folios 0 and 1 dirty, no I/O",
		  ip->i_size == 5000 && ip->i_mapping.nr_dirty == 2 && host.io_bytes == 0);
	write_fill(ip, 20480, 4096, 'B');
	n = ct_records(ip, r, 4);
	snprintf(d, sizeof(d), "%s: write past EOF: %s", kernel,
		 in_cache ? "one unwritten record, 3 dirty folios, no I/O"
			  : "block 1 written back and converted, the rest unwritten");
	if (in_cache)
		test_cond(d, n == 1 && ct_is_real(&r[0], 0, 256, XS_EXT_UNWRITTEN) &&
				     ip->i_mapping.nr_dirty == 3 && host.io_bytes == 0);
	else
		test_cond(d, n == 3 && ct_is_real(&r[0], 0, 1, XS_EXT_UNWRITTEN) &&
				     ct_is_real(&r[1], 1, 1, XS_EXT_NORM) &&
				     ct_is_real(&r[2], 2, 254, XS_EXT_UNWRITTEN) &&
				     ip->i_mapping.nr_dirty == 3 && host.io_bytes == 4096);
	test_cond("inode check", ct_inode_ok(ip));
	test_cond("fsync", xs_file_fsync(ip) == 0);
	snprintf(d, sizeof(d), "%s: on disk: A up to 5000, zeroes to 20480, then B", kernel);
	test_cond(d, reads_as(ip, 0, 5000, 'A') && reads_as(ip, 5000, 8192, 0) &&
			     reads_as(ip, 13192, 7288, 0) && reads_as(ip, 20480, 4096, 'B'));
	xs_fs_destroy(&fs);
}

/*
 * The second part of the same script: with blocks 0-1 and 5 written and on-disk size
 * 24576, 12288 bytes of 'C' dirty blocks 0-2 again (block 2 still unwritten), then a
 * truncate to 9000 zeroes [9000, 12288) of block 2 (xfs_truncate_page).
 *   partial-eof: zeroed in the page cache; the on-disk size is above the new size,
 *     so xfs_setattr_size writes nothing back: block 2 stays unwritten (the capture's
 *     bmap shows [16..23] with flag 010000).
 *   flush: block 2 is written back first and converted, then zeroed through the
 *     cache (dirty again).
 */
static void zero_truncate_down(const char *kernel, bool in_cache)
{
	struct xs_fs fs;
	struct ct_host host;
	struct xs_inode *ip = &fs.inode;
	struct xs_bmbt_irec r[4];
	uint64_t io;
	size_t n;
	char d[96];

	if (!falloc_and_write(&fs, &host, kernel))
		return;
	write_fill(ip, 20480, 4096, 'B');
	xs_file_fsync(ip);
	write_fill(ip, 0, 12288, 'C');
	io = host.io_bytes;
	test_cond("truncate to 9000", xs_file_truncate(ip, 9000) == 0 && ip->i_size == 9000);
	n = ct_records(ip, r, 4);
	snprintf(d, sizeof(d), "%s: truncate down: block 2 %s", kernel,
		 in_cache ? "unwritten and dirty, no I/O" : "written back and converted");
	if (in_cache)
		test_cond(d, n == 2 && ct_is_real(&r[0], 0, 2, XS_EXT_NORM) &&
				     ct_is_real(&r[1], 2, 1, XS_EXT_UNWRITTEN) &&
				     ip->i_mapping.nr_dirty == 3 && host.io_bytes == io);
	else
		test_cond(d, n == 1 && ct_is_real(&r[0], 0, 3, XS_EXT_NORM) &&
				     ip->i_mapping.nr_dirty == 3 && host.io_bytes == io + 4096);
	test_cond("inode check", ct_inode_ok(ip));
	test_cond("fsync, truncate up to 12288",
		  xs_file_fsync(ip) == 0 && xs_file_truncate(ip, 12288) == 0);
	snprintf(d, sizeof(d), "%s: on disk: C up to 9000, zeroes after", kernel);
	test_cond(d, reads_as(ip, 0, 8192, 'C') && reads_as(ip, 8192, 808, 'C') &&
			     reads_as(ip, 9000, 3288, 0));
	xs_fs_destroy(&fs);
}

XS_TEST_SUITE(test_preset_zero_partial_eof)
{
	zero_past_eof("6.18", true);
	zero_past_eof("6.13", true);
	zero_past_eof("6.6", false);
	zero_truncate_down("6.18", true);
	zero_truncate_down("6.2", false);
}

/*
 * 1 KiB blocks, so a 4 KiB folio spans blocks past EOF: 1024 bytes of 'A' over
 * falloc -k dirty block 0 of folio 0; a truncate up from 1024 to 3072 starts zeroing
 * on a block boundary, so partial-eof does not apply and both modes do what iomap
 * does for the rest of a range: it found dirty cache in [1024, 3072) before mapping
 * (folio 0 overlaps it), so the first unwritten mapping writes the range back
 * (folio 0: its one dirty block, converting it) and maps again; the blocks of the
 * range stay unwritten and nothing is zeroed.
 */
static void zero_aligned_start(const char *kernel)
{
	struct xs_fs fs;
	struct xs_inode *ip = &fs.inode;
	struct xs_bmbt_irec r[4];
	bool did_zero = true;
	char d[96];

	if (ct_fs_init(&fs, CT_GIB, 1024, kernel, NULL)) {
		test_cond("fs", 0);
		return;
	}
	xs_file_fallocate(ip, XS_FALLOC_KEEP_SIZE, 0, CT_MIB);
	write_fill(ip, 0, 1024, 'A');
	ip->i_size = 1024;
	test_cond("zero [1024, 3072)", xs_iomap_zero_range(ip, 1024, 2048, &did_zero) == 0);
	snprintf(d, sizeof(d), "%s: block 0 written back and converted, nothing zeroed", kernel);
	test_cond(d, ct_records(ip, r, 4) == 2 && ct_is_real(&r[0], 0, 1, XS_EXT_NORM) &&
			     ct_is_real(&r[1], 1, 1023, XS_EXT_UNWRITTEN) &&
			     ip->i_mapping.nr_dirty == 0 && !did_zero);
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);
}

XS_TEST_SUITE(test_preset_zero_aligned)
{
	zero_aligned_start("6.18");
	zero_aligned_start("6.6");
}

XS_TEST_SUITE(test_preset_for_version)
{
	static const struct {
		const char *version, *preset;
	} map[] = {
		{"6.18.44-fc-v669", "6.18"},
		{"6.18", "6.18"},
		{"6.18.0-rc4", "6.18"},
		{"6.19", "6.18"},
		{"7.0.1", "6.18"},
		{"6.17.9", "6.13"},
		{"6.13", "6.13"},
		{"6.12.48", "6.6"},
		{"6.6.0-1-amd64", "6.6"},
		{"6.5", "6.2"},
		{"6.2", "6.2"},
		{"6.1.0-18-amd64", "6.1"},
		{"6.10", "6.6"},
		{"10.1", "6.18"},
		{"6.0", NULL},
		{"5.15.0", NULL},
		{"6", NULL},
		{"6.", NULL},
		{"v6.18", NULL},
		{"", NULL},
		{"6.x", NULL},
	};
	struct xs_policy pol;
	size_t i;
	char d[96];

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		const char *got = xs_policy_preset_for_version(map[i].version);

		snprintf(d, sizeof(d), "\"%s\" runs under %s", map[i].version,
			 map[i].preset ? map[i].preset : "no preset");
		test_cond(d, map[i].preset ? got && strcmp(got, map[i].preset) == 0 : got == NULL);
		if (got) {
			snprintf(d, sizeof(d), "... and %s is a preset", got);
			test_cond(d, xs_policy_preset(&pol, got) == 0);
		}
	}
	test_cond("the default is a preset, and its own version's",
		  xs_policy_preset(&pol, XS_KERNEL_DEFAULT) == 0 &&
			  strcmp(xs_policy_preset_for_version(XS_KERNEL_DEFAULT),
				 XS_KERNEL_DEFAULT) == 0);
}
