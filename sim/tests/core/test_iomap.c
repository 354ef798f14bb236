/*
 * Targeted unit tests of the buffered write path (sim/core/iomap.c, file.c,
 * writeback.c): reservations and preallocation against the kernel's captures, the
 * failed-write cleanup racing a page fault on 6.1 and 6.2+
 * (docs/kernel.md, "The 2022 race, as the model runs it"), per-block dirty punching (6.6+),
 * writeback over a hole, and truncate down.
 */
#include "core/file.h"
#include "core/iomap.h"
#include "core/writeback.h"
#include "core/mmap.h"
#include "tests/testhelp.h"
#include "tests/core/coretest.h"

#include <errno.h>
#include <string.h>

static const uint8_t marker[8] = {'F', 'a', 'u', 'l', 't', '-', '1', '!'};

/* Evict every clean folio, so the next read comes from disk. */
static void drop_clean_cache(struct xs_inode *ip)
{
	xs_mmap_unmap_all(ip);
	while (xs_pagecache_evict_one(&ip->i_mapping, NULL))
		;
}

static bool read_is(struct xs_inode *ip, uint64_t pos, const uint8_t *want, size_t len)
{
	uint8_t buf[64];

	XS_ASSERT(len <= sizeof(buf));
	return xs_file_read(ip, pos, len, buf) == (int64_t)len && memcmp(buf, want, len) == 0;
}

static bool read_zero(struct xs_inode *ip, uint64_t pos, size_t len)
{
	static const uint8_t zero[64];

	return read_is(ip, pos, zero, len);
}

static int64_t write_fill(struct xs_inode *ip, uint64_t pos, uint64_t len, uint8_t byte)
{
	struct ct_fill f = {byte};
	struct xs_user_buf b = ct_fill_buf(&f);

	return xs_file_write(ip, pos, len, &b);
}

/*
 * data/kernel/out/append-4k-steps.out: twenty 4 KiB appends to an empty file on a
 * fresh 1 GiB filesystem; after append k: f_bavail and stat.blocks (512-byte units).
 * No preallocation while the file is below 64 KiB; the 17th append gets 32 blocks.
 */
XS_TEST_SUITE(test_iomap_append_captured)
{
	static const uint64_t bavail[20] = {235777, 235776, 235775, 235774, 235773, 235772, 235771,
					    235770, 235769, 235768, 235767, 235766, 235765, 235764,
					    235763, 235762, 235730, 235730, 235730, 235730};
	struct xs_fs fs;
	struct xs_inode *ip = &fs.inode;
	bool sizes_ok = true, bavail_ok = true, blocks_ok = true, eofb_ok = true;
	int k;

	if (ct_fs_init(&fs, CT_GIB, 4096, "6.13", NULL)) {
		test_cond("fs", 0);
		return;
	}
	for (k = 1; k <= 20; k++) {
		uint64_t want_blocks = k <= 16 ? 8 * (uint64_t)k : 384;

		if (write_fill(ip, (uint64_t)(k - 1) * 4096, 4096, 'a') != 4096 ||
		    ip->i_size != (uint64_t)k * 4096)
			sizes_ok = false;
		if (ct_bavail(&fs) != bavail[k - 1]) {
			printf("  append %d: f_bavail %llu, kernel %llu\n", k,
			       (unsigned long long)ct_bavail(&fs),
			       (unsigned long long)bavail[k - 1]);
			bavail_ok = false;
		}
		if (xs_file_stat_blocks(ip) != want_blocks) {
			printf("  append %d: stat.blocks %llu, kernel %llu\n", k,
			       (unsigned long long)xs_file_stat_blocks(ip),
			       (unsigned long long)want_blocks);
			blocks_ok = false;
		}
		if (!!(ip->i_flags & XS_IEOFBLOCKS) != (k >= 17))
			eofb_ok = false;
	}
	test_cond("20 appends: sizes", sizes_ok);
	test_cond("20 appends: f_bavail as the kernel", bavail_ok);
	test_cond("20 appends: stat.blocks as the kernel (no prealloc below 64 KiB)", blocks_ok);
	test_cond("EOFBLOCKS only from the first preallocating append", eofb_ok);
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);
}

/*
 * data/kernel/geometry.txt, 1g: pwrite 0 4k; pwrite -b 4k 0 1m (256 writes); fsync;
 * close. stat.blocks / f_bavail: 3968 / 235281, then 3968 / 235287 (writeback returns
 * the indlen), then 2048 / 235527 (release trims the 240 post-EOF blocks).
 */
XS_TEST_SUITE(test_iomap_1m_captured)
{
	struct xs_fs fs;
	struct xs_inode *ip = &fs.inode;
	struct xs_iomap iomap;
	uint64_t pos;
	bool ok = true;

	if (ct_fs_init(&fs, CT_GIB, 4096, "6.13", NULL)) {
		test_cond("fs", 0);
		return;
	}
	/* the first write into the empty file: exactly one NEW delalloc block */
	test_cond("iomap_begin over a hole: ok",
		  xs_buffered_write_iomap_begin(ip, 0, 4096, XS_IOMAP_WRITE, &iomap) == 0);
	test_cond("... DELALLOC, NEW, exactly [0, 4096): no preallocation",
		  iomap.type == XS_IOMAP_DELALLOC && (iomap.flags & XS_IOMAP_F_NEW) &&
			  iomap.offset == 0 && iomap.length == 4096);
	test_cond("... cookie is the fork's if_seq", iomap.validity_cookie == ip->i_df.if_seq);
	xs_buffered_write_iomap_end(ip, 0, 4096, 0, XS_IOMAP_WRITE, &iomap);
	test_cond("a write that copied nothing punches it again", ip->i_delayed_blks == 0);

	ok = write_fill(ip, 0, 4096, 'x') == 4096;
	for (pos = 0; pos < CT_MIB; pos += 4096)
		ok = ok && write_fill(ip, pos, 4096, 'y') == 4096;
	test_cond("1 MiB written", ok && ip->i_size == CT_MIB);
	test_cond("stat.blocks 3968 as the kernel", xs_file_stat_blocks(ip) == 3968);
	test_cond("f_bavail 235281 as the kernel", ct_bavail(&fs) == 235281);
	test_cond("fsync", xs_file_fsync(ip) == 0);
	test_cond("after fsync: stat.blocks 3968", xs_file_stat_blocks(ip) == 3968);
	test_cond("after fsync: f_bavail 235287", ct_bavail(&fs) == 235287);
	test_cond("after fsync: on-disk size 1 MiB", ip->i_disk_size == CT_MIB);
	xs_file_release(ip);
	test_cond("after close: stat.blocks 2048", xs_file_stat_blocks(ip) == 2048);
	test_cond("after close: f_bavail 235527", ct_bavail(&fs) == 235527);
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);
}

/*
 * The 2022 race, driven piece by piece: a write W maps a hole (NEW delalloc at block
 * 0), then a task F stores through a shared mapping into the same page (read fault,
 * page_mkwrite finds W's delalloc, dirties the folio), then W's copy-in fails and its
 * iomap_end cleans up with written = 0. A 4 KiB file, block 0 a hole; W writes 8
 * bytes at 3072, F at 1024 (holetest's offsets).
 */
static bool race_setup(struct xs_fs *fs, const char *kernel, struct ct_host *host)
{
	if (ct_fs_init(fs, CT_GIB, 4096, kernel, host))
		return false;
	return xs_file_truncate(&fs->inode, 4096) == 0 && fs->inode.i_size == 4096 &&
	       fs->inode.i_df.if_nextents == 0;
}

XS_TEST_SUITE(test_iomap_race_pieces_6_13)
{
	struct xs_fs fs;
	struct xs_inode *ip = &fs.inode;
	struct xs_iomap iomap;
	struct xs_folio *folio;
	uint8_t got8[8] = {0};
	struct xs_err err = {0};
	uint8_t buf[8];

	/* F dirtied the folio: the 6.2+ release keeps the delalloc under it */
	if (!race_setup(&fs, "6.13", NULL)) {
		test_cond("setup", 0);
		return;
	}
	test_cond("W: iomap_begin reserves NEW delalloc",
		  xs_buffered_write_iomap_begin(ip, 3072, 8, XS_IOMAP_WRITE, &iomap) == 0 &&
			  iomap.type == XS_IOMAP_DELALLOC && (iomap.flags & XS_IOMAP_F_NEW) &&
			  ip->i_delayed_blks == 1);
	test_cond("F: store through the mapping", xs_mmap_store(ip, 1024, marker, 8) == 0);
	folio = xs_pagecache_lookup(&ip->i_mapping, 0);
	test_cond("F: folio dirty, PTE writable, no new reservation",
		  folio && (folio->flags & XS_FOLIO_DIRTY) && (folio->flags & XS_FOLIO_PTE_WRITE) &&
			  ip->i_delayed_blks == 1);
	xs_buffered_write_iomap_end(ip, 3072, 8, 0, XS_IOMAP_WRITE, &iomap);
	folio = xs_pagecache_lookup(&ip->i_mapping, 0);
	if (folio)
		xs_folio_read(&ip->i_mapping, folio, 1024, 8, got8);
	test_cond("6.13: the dirty folio stays",
		  folio && (folio->flags & XS_FOLIO_DIRTY) && memcmp(got8, marker, 8) == 0);
	test_cond("6.13: the delalloc under it stays", ip->i_delayed_blks == 1);
	test_cond("I1: dirty data is backed", xs_inode_check_dirty_backing(ip, &err) == 0);
	test_cond("inode check", ct_inode_ok(ip));
	test_cond("fsync", xs_file_fsync(ip) == 0);
	drop_clean_cache(ip);
	test_cond("F's marker reached the disk", read_is(ip, 1024, marker, 8));
	test_cond("inode check after writeback", ct_inode_ok(ip));
	xs_fs_destroy(&fs);

	/* F only read-faulted: the folio is clean, so the release punches */
	if (!race_setup(&fs, "6.13", NULL)) {
		test_cond("setup", 0);
		return;
	}
	xs_buffered_write_iomap_begin(ip, 3072, 8, XS_IOMAP_WRITE, &iomap);
	test_cond("F: read through the mapping", xs_mmap_load(ip, 1024, buf, 8) == 0);
	xs_buffered_write_iomap_end(ip, 3072, 8, 0, XS_IOMAP_WRITE, &iomap);
	folio = xs_pagecache_lookup(&ip->i_mapping, 0);
	test_cond("6.13 clean folio: stays cached, clean",
		  folio && !(folio->flags & XS_FOLIO_DIRTY) && (folio->flags & XS_FOLIO_UPTODATE));
	test_cond("6.13 clean folio: W's delalloc punched", ip->i_delayed_blks == 0 &&
								    ip->i_df.if_nextents == 0 &&
								    fs.mount.m_delalloc_blks == 0);
	test_cond("inode check", ct_inode_ok(ip));
	/* a later store faults on the read-only PTE and reserves for itself */
	test_cond("F: store after the punch", xs_mmap_store(ip, 1024, marker, 8) == 0);
	test_cond("page_mkwrite reserved the hole again", ip->i_delayed_blks == 1);
	test_cond("I1 holds", xs_inode_check_dirty_backing(ip, &err) == 0);
	xs_file_fsync(ip);
	drop_clean_cache(ip);
	test_cond("the marker reached the disk", read_is(ip, 1024, marker, 8));
	xs_fs_destroy(&fs);
}

XS_TEST_SUITE(test_iomap_race_pieces_6_1)
{
	struct xs_fs fs;
	struct ct_host host;
	struct xs_inode *ip = &fs.inode;
	struct xs_iomap iomap;
	struct xs_err err = {0};

	/* <= 6.1: iomap_end truncates the page cache, F's dirty data with it, and punches */
	if (!race_setup(&fs, "6.1", &host)) {
		test_cond("setup", 0);
		return;
	}
	xs_buffered_write_iomap_begin(ip, 3072, 8, XS_IOMAP_WRITE, &iomap);
	test_cond("F: store", xs_mmap_store(ip, 1024, marker, 8) == 0);
	test_cond("F's fault used W's reservation",
		  ip->i_delayed_blks == 1 && ip->i_mapping.nr_dirty == 1);
	xs_buffered_write_iomap_end(ip, 3072, 8, 0, XS_IOMAP_WRITE, &iomap);
	test_cond("6.1: the dirty folio was discarded",
		  xs_pagecache_lookup(&ip->i_mapping, 0) == NULL &&
			  host.events[XS_EV_DISCARD_DIRTY] == 1);
	test_cond("6.1: the block is a hole again",
		  ip->i_delayed_blks == 0 && ip->i_df.if_nextents == 0);
	test_cond("no dirty data left to back", xs_inode_check_dirty_backing(ip, &err) == 0);
	test_cond("inode check", ct_inode_ok(ip));
	test_cond("6.1: F's store is lost (reads zeroes)", read_zero(ip, 1024, 8));
	xs_fs_destroy(&fs);
}

/* The same race through the whole write path, F running where W is preempted. */
struct race_ctx {
	struct xs_inode *ip;
	int store_ret;
};

static void fault_store_hook(struct ct_host *host)
{
	struct race_ctx *rc = host->hook_arg;

	rc->store_ret = xs_mmap_store(rc->ip, 1024, marker, 8);
}

static void race_full(const char *kernel, bool expect_kept)
{
	struct xs_fs fs;
	struct ct_host host;
	struct xs_inode *ip = &fs.inode;
	struct ct_failing fail = {.readable_calls = 1};
	struct xs_user_buf src = ct_failing_buf(&fail);
	struct race_ctx rc = {ip, -1};
	char d[160];
	int64_t ret;

	if (!race_setup(&fs, kernel, &host)) {
		test_cond("setup", 0);
		return;
	}
	ct_host_arm(&host, XS_PT_WRITE_MAPPED, fault_store_hook, &rc);
	ret = xs_file_write(ip, 3072, 8, &src);
	snprintf(d, sizeof(d), "%s: the write fails with EFAULT after one failed copy", kernel);
	test_cond(d, ret == -EFAULT && fail.copy_calls == 1 && fail.fault_in_calls == 2);
	snprintf(d, sizeof(d), "%s: F's store ran between iomap_begin and the copy", kernel);
	test_cond(d, rc.store_ret == 0 && !host.hook_armed);
	snprintf(d, sizeof(d), "%s: i_size unchanged", kernel);
	test_cond(d, ip->i_size == 4096);
	snprintf(d, sizeof(d), "%s: delalloc %s", kernel, expect_kept ? "kept" : "punched");
	test_cond(d, ip->i_delayed_blks == (expect_kept ? 1u : 0u));
	snprintf(d, sizeof(d), "%s: inode check", kernel);
	test_cond(d, ct_inode_ok(ip));
	xs_file_fsync(ip);
	drop_clean_cache(ip);
	snprintf(d, sizeof(d), "%s: F's marker %s", kernel,
		 expect_kept ? "survives writeback" : "is lost");
	test_cond(d, expect_kept ? read_is(ip, 1024, marker, 8) : read_zero(ip, 1024, 8));
	xs_fs_destroy(&fs);
}

XS_TEST_SUITE(test_iomap_race_full_path)
{
	race_full("6.13", true);
	race_full("6.2", true);
	race_full("6.1", false);
}

/*
 * 1 KiB blocks, four per folio. Folio 0 is read in (clean, all uptodate), W1 writes
 * block 0 (folio dirty, only block 0 dirty), then W2's copy into blocks 1..2 fails.
 * 6.6+ (per-block dirty) punches the clean blocks 1 and 2 of the dirty folio; 6.2-6.5
 * keep the whole dirty folio's delalloc.
 */
static void block_dirty_case(const char *kernel, bool per_block)
{
	struct xs_fs fs;
	struct xs_inode *ip = &fs.inode;
	struct ct_failing fail = {.readable_calls = 1};
	struct xs_user_buf src = ct_failing_buf(&fail);
	struct xs_bmbt_irec r[4];
	uint8_t buf[4096], a[16];
	struct xs_folio *folio;
	char d[160];

	if (ct_fs_init(&fs, CT_GIB, 1024, kernel, NULL) || xs_file_truncate(ip, 4096)) {
		test_cond("setup", 0);
		return;
	}
	xs_file_read(ip, 0, 4096, buf);
	test_cond("W1: 1 KiB at 0", write_fill(ip, 0, 1024, 'A') == 1024);
	folio = xs_pagecache_lookup(&ip->i_mapping, 0);
	snprintf(d, sizeof(d), "%s: folio dirty, block 0 only", kernel);
	test_cond(d, folio && (folio->flags & XS_FOLIO_DIRTY) && folio->dirty_bits == 0x1);
	test_cond("W2: copy into blocks 1..2 fails",
		  xs_file_write(ip, 1024, 2048, &src) == -EFAULT);
	if (per_block) {
		/*
		 * With 1 KiB blocks indlen(n <= 59) = 7. W2's [1, 3) merged into [0, 3), indlen
		 * 7. Punch block 1 (middle): sides need 7 + 7, steal 1 -> 8,
		 * split_indlen(8, 7, 7): resfactor 57, 3 + 3, rest 2 -> 4 and 4. Then block 2
		 * goes whole: [0, 1) indlen 4 remains.
		 */
		snprintf(d, sizeof(d), "%s: clean blocks 1..2 punched, [0, 1) indlen 4 kept",
			 kernel);
		test_cond(d, ip->i_delayed_blks == 1 && ct_records(ip, r, 4) == 1 &&
				     ct_is_delay(&r[0], 0, 1, 4));
	} else {
		snprintf(d, sizeof(d), "%s: the dirty folio keeps [0, 3)", kernel);
		test_cond(d, ip->i_delayed_blks == 3 && ct_records(ip, r, 4) == 1 &&
				     ct_is_delay(&r[0], 0, 3, 7));
	}
	snprintf(d, sizeof(d), "%s: inode check", kernel);
	test_cond(d, ct_inode_ok(ip));
	xs_file_fsync(ip);
	drop_clean_cache(ip);
	memset(a, 'A', sizeof(a));
	snprintf(d, sizeof(d), "%s: W1's block on disk, W2's range zero", kernel);
	test_cond(d,
		  read_is(ip, 1008, a, 16) && read_zero(ip, 1024, 64) && read_zero(ip, 3000, 64));
	snprintf(d, sizeof(d), "%s: no delalloc left after writeback", kernel);
	test_cond(d, ip->i_delayed_blks == 0 && ct_inode_ok(ip));
	xs_fs_destroy(&fs);
}

XS_TEST_SUITE(test_iomap_block_dirty_punch)
{
	block_dirty_case("6.13", true);
	block_dirty_case("6.6", true);
	block_dirty_case("6.2", false);
}

/*
 * A dirty folio with no reservation under it (what interleaving B leaves behind):
 * writeback finds a hole, issues no I/O and cleans the folio; the data never reaches
 * the disk. A delalloc-backed neighbour is written normally.
 */
XS_TEST_SUITE(test_iomap_writeback_hole)
{
	struct xs_fs fs;
	struct ct_host host;
	struct xs_inode *ip = &fs.inode;
	struct xs_pagecache *pc = &ip->i_mapping;
	struct xs_err err = {0};
	struct xs_folio *folio;
	uint8_t z[16];

	if (ct_fs_init(&fs, CT_GIB, 4096, "6.13", &host) || xs_file_truncate(ip, 8192)) {
		test_cond("setup", 0);
		return;
	}
	folio = xs_pagecache_get(pc, 0);
	{
		uint8_t zbuf[4096];

		memset(zbuf, 'Z', sizeof(zbuf));
		xs_folio_write(pc, folio, 0, sizeof(zbuf), zbuf);
	}
	xs_folio_set_range_uptodate(pc, folio, 0, 4096);
	xs_folio_mark_dirty_range(pc, folio, 0, 4096);
	test_cond("I1 catches the unbacked dirty folio",
		  xs_inode_check_dirty_backing(ip, &err) == -EUCLEAN);
	test_cond("block 1 written normally", write_fill(ip, 4096, 4096, 'b') == 4096);
	test_cond("fsync", xs_file_fsync(ip) == 0);
	test_cond("writeback met one hole", host.events[XS_EV_WB_HOLE] == 1);
	test_cond("one I/O, of block 1 only", host.events[XS_EV_IO] == 1 && host.io_bytes == 4096);
	folio = xs_pagecache_lookup(pc, 0);
	test_cond("the hole folio is clean anyway",
		  folio && !(folio->flags & (XS_FOLIO_DIRTY | XS_FOLIO_WRITEBACK)) &&
			  pc->nr_dirty == 0 && pc->nr_writeback == 0);
	test_cond("only one disk block holds data", fs.disk.units.count == 1 && ip->i_nblocks == 1);
	drop_clean_cache(ip);
	memset(z, 'b', sizeof(z));
	test_cond("block 0 reads back as zeroes: the data is lost", read_zero(ip, 0, 64));
	test_cond("block 1 reads back", read_is(ip, 4096, z, 16));
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);
}

XS_TEST_SUITE(test_iomap_truncate_down)
{
	struct xs_fs fs;
	struct ct_host host;
	struct xs_inode *ip = &fs.inode;
	struct xs_bmbt_irec r[4];
	uint8_t buf[12288], a[16];
	size_t i;
	bool a_ok = true, zero_ok = true;

	if (ct_fs_init(&fs, CT_GIB, 4096, "6.13", &host)) {
		test_cond("fs", 0);
		return;
	}
	write_fill(ip, 0, 4096, 'A');
	write_fill(ip, 4096, 4096, 'B');
	write_fill(ip, 8192, 4096, 'C');
	test_cond("three dirty folios over delalloc [0, 3)",
		  ip->i_mapping.nr_dirty == 3 && ip->i_delayed_blks == 3);
	test_cond("truncate to 4096", xs_file_truncate(ip, 4096) == 0 && ip->i_size == 4096);
	test_cond("the two dirty folios past EOF are discarded",
		  host.events[XS_EV_DISCARD_DIRTY] == 2 && ip->i_mapping.nr == 1 &&
			  xs_pagecache_lookup(&ip->i_mapping, 1) == NULL &&
			  xs_pagecache_lookup(&ip->i_mapping, 2) == NULL);
	/* xfs_setattr_size writes back [i_disk_size, newsize) before logging the size */
	test_cond("the folio below EOF was written back (on-disk size was 0)",
		  ip->i_mapping.nr_dirty == 0 && ip->i_disk_size == 4096);
	test_cond("no delalloc left; one written block",
		  ip->i_delayed_blks == 0 && ct_records(ip, r, 4) == 1 &&
			  ct_is_real(&r[0], 0, 1, XS_EXT_NORM) && ip->i_nblocks == 1);
	test_cond("inode check", ct_inode_ok(ip));
	test_cond("read stops at the new EOF", xs_file_read(ip, 0, 12288, buf) == 4096);
	memset(a, 'A', sizeof(a));
	test_cond("block 0 still holds A", memcmp(buf + 4080, a, 16) == 0);
	test_cond("truncate back up to 12288", xs_file_truncate(ip, 12288) == 0);
	drop_clean_cache(ip);
	test_cond("read 12288", xs_file_read(ip, 0, 12288, buf) == 12288);
	for (i = 0; i < 4096; i++)
		a_ok = a_ok && buf[i] == 'A';
	for (i = 4096; i < 12288; i++)
		zero_ok = zero_ok && buf[i] == 0;
	test_cond("block 0 is A", a_ok);
	test_cond("the discarded B and C are gone: zeroes", zero_ok);
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);
}

/*
 * A stale cached iomap (6.2+): W writes pages 0..3 of a hole (one NEW mapping of 4
 * blocks); after its first page F stores into page 10, reserving a block and bumping
 * if_seq. W's next write_begin sees the cookie differ, ends the mapping short
 * (iomap_end punches the unwritten 3 blocks: no dirty folio there) and maps again,
 * reserving [1, 4) anew (capped at F's record, no prealloc). 6.1 has no cookie and
 * carries on with its mapping; both end with the same blocks and data.
 */
static void fault_far_hook(struct ct_host *host)
{
	struct race_ctx *rc = host->hook_arg;

	rc->store_ret = xs_mmap_store(rc->ip, 10 * 4096 + 8, marker, 8);
}

static void stale_case(const char *kernel, uint64_t want_stale)
{
	struct xs_fs fs;
	struct ct_host host;
	struct xs_inode *ip = &fs.inode;
	struct race_ctx rc = {ip, -1};
	struct xs_bmbt_irec r[4];
	uint8_t w[16];
	char d[160];

	if (ct_fs_init(&fs, CT_GIB, 4096, kernel, &host) || xs_file_truncate(ip, 64 * 4096)) {
		test_cond("setup", 0);
		return;
	}
	/* single-page folios, so that W's 16 KiB are four chunks (6.6+ would make one) */
	ip->i_mapping.max_order = 0;
	ct_host_arm(&host, XS_PT_WRITE_CHUNK_DONE, fault_far_hook, &rc);
	snprintf(d, sizeof(d), "%s: the whole 16 KiB is written", kernel);
	test_cond(d, write_fill(ip, 0, 4 * 4096, 'W') == 4 * 4096 && rc.store_ret == 0);
	snprintf(d, sizeof(d), "%s: stale iomaps seen: %llu", kernel,
		 (unsigned long long)want_stale);
	test_cond(d, host.events[XS_EV_STALE_IOMAP] == want_stale);
	snprintf(d, sizeof(d), "%s: delalloc [0, 4) indlen 5 and F's [10, 11)", kernel);
	test_cond(d, ct_records(ip, r, 4) == 2 && ct_is_delay(&r[0], 0, 4, 5) &&
			     ct_is_delay(&r[1], 10, 1, 5) && ip->i_delayed_blks == 5);
	snprintf(d, sizeof(d), "%s: inode check", kernel);
	test_cond(d, ct_inode_ok(ip));
	xs_file_fsync(ip);
	drop_clean_cache(ip);
	memset(w, 'W', sizeof(w));
	snprintf(d, sizeof(d), "%s: both tasks' data on disk", kernel);
	test_cond(d, read_is(ip, 0, w, 16) && read_is(ip, 4 * 4096 - 16, w, 16) &&
			     read_is(ip, 10 * 4096 + 8, marker, 8));
	xs_fs_destroy(&fs);
}

XS_TEST_SUITE(test_iomap_stale_remap)
{
	stale_case("6.13", 1);
	stale_case("6.1", 0);
}

/* Periodic writeback takes only folios dirtied at or before the cutoff. */
XS_TEST_SUITE(test_iomap_writeback_expired)
{
	struct xs_fs fs;
	struct ct_host host;
	struct xs_inode *ip = &fs.inode;
	struct xs_folio *f0, *f1;

	if (ct_fs_init(&fs, CT_GIB, 4096, "6.13", &host)) {
		test_cond("fs", 0);
		return;
	}
	ip->i_mapping.now_ns = 1000;
	write_fill(ip, 0, 4096, 'a');
	ip->i_mapping.now_ns = 2000;
	write_fill(ip, 4096, 4096, 'b');
	ip->i_mapping.now_ns = 3000;
	write_fill(ip, 0, 100, 'c');
	f0 = xs_pagecache_lookup(&ip->i_mapping, 0);
	f1 = xs_pagecache_lookup(&ip->i_mapping, 1);
	test_cond("dirtied at 1000 and 2000 (a redirty keeps the first time)",
		  f0 && f1 && f0->dirtied_ns == 1000 && f1->dirtied_ns == 2000);
	test_cond("expire before 1500", xs_writeback_expired(ip, 1500) == 0);
	test_cond("... wrote folio 0 only", host.events[XS_EV_IO] == 1 && host.io_bytes == 4096 &&
						    !(f0->flags & XS_FOLIO_DIRTY) &&
						    (f1->flags & XS_FOLIO_DIRTY));
	test_cond("expire before 2500", xs_writeback_expired(ip, 2500) == 0);
	test_cond("... then folio 1", host.events[XS_EV_IO] == 2 && ip->i_mapping.nr_dirty == 0);
	test_cond("on-disk size 8192", ip->i_disk_size == 8192);
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);
}

/*
 * A fallocate that fails with ENOSPC before allocating anything must not mark the file
 * PREALLOC (xfs_alloc_file_space sets XFS_DIFLAG_PREALLOC only after xfs_bmapi_write
 * succeeded), so the first close still trims the post-EOF blocks: the sequence of
 * test_iomap_1m_captured with a failed 2 GiB fallocate before the close must end as
 * the kernel's capture does, 2048 blocks and f_bavail 235527.
 */
XS_TEST_SUITE(test_iomap_falloc_enospc_release)
{
	struct xs_fs fs;
	struct xs_inode *ip = &fs.inode;
	uint64_t pos;

	if (ct_fs_init(&fs, CT_GIB, 4096, "6.13", NULL)) {
		test_cond("fs", 0);
		return;
	}
	for (pos = 0; pos < CT_MIB; pos += 4096)
		write_fill(ip, pos, 4096, 'y');
	xs_file_fsync(ip);
	test_cond("after fsync: 3968 blocks, f_bavail 235287",
		  xs_file_stat_blocks(ip) == 3968 && ct_bavail(&fs) == 235287);
	test_cond("fallocate 2 GiB on 1 GiB: ENOSPC",
		  xs_file_fallocate(ip, 0, 0, 2 * CT_GIB) == -ENOSPC);
	test_cond("... nothing allocated, size unchanged",
		  xs_file_stat_blocks(ip) == 3968 && ip->i_size == CT_MIB);
	test_cond("... the file is not marked PREALLOC", !(ip->i_diflags & XS_DIFLAG_PREALLOC));
	xs_file_release(ip);
	test_cond("close trims post-EOF blocks: 2048 blocks, f_bavail 235527",
		  xs_file_stat_blocks(ip) == 2048 && ct_bavail(&fs) == 235527);
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);
}

/* A user buffer that copies at most budget bytes in all, then faults for good. */
struct short_buf {
	size_t budget;
	uint8_t byte;
};

static size_t short_copy(void *arg, uint8_t *dst, uint64_t src_off, size_t len)
{
	struct short_buf *s = arg;
	size_t n = len < s->budget ? len : s->budget;

	(void)src_off;
	memset(dst, s->byte, n);
	s->budget -= n;
	return n;
}

static size_t short_fault_in(void *arg, uint64_t src_off, size_t len)
{
	struct short_buf *s = arg;

	(void)src_off;
	return s->budget ? 0 : len;
}

/*
 * 1 KiB blocks; a 4 KiB file read in (folio 0 clean and uptodate). A write of 3000
 * bytes at 0 reserves blocks [0, 3); its copy stops after 1500 bytes (blocks 0 and 1
 * dirty). iomap_end(written = 1500) punches from round_up(1500, 1024) = 2048 to
 * round_up(3000, 1024) = 3072: block 1, holding the last written byte, keeps its
 * reservation; block 2 goes, except on 6.2-6.5, where the dirty folio keeps it all.
 */
static void short_write_case(const char *kernel, uint64_t want_delayed)
{
	struct xs_fs fs;
	struct xs_inode *ip = &fs.inode;
	struct short_buf sb = {1500, 'S'};
	struct xs_user_buf src = {short_copy, short_fault_in, &sb, 0};
	uint8_t buf[4096], s[16];
	char d[160];

	if (ct_fs_init(&fs, CT_GIB, 1024, kernel, NULL) || xs_file_truncate(ip, 4096)) {
		test_cond("setup", 0);
		return;
	}
	xs_file_read(ip, 0, 4096, buf);
	snprintf(d, sizeof(d), "%s: the write returns the 1500 bytes copied", kernel);
	test_cond(d, xs_file_write(ip, 0, 3000, &src) == 1500);
	snprintf(d, sizeof(d), "%s: %llu delalloc blocks kept", kernel,
		 (unsigned long long)want_delayed);
	test_cond(d, ip->i_delayed_blks == want_delayed && ip->i_df.if_nextents == 1);
	snprintf(d, sizeof(d), "%s: inode check", kernel);
	test_cond(d, ct_inode_ok(ip));
	xs_file_fsync(ip);
	drop_clean_cache(ip);
	memset(s, 'S', sizeof(s));
	snprintf(d, sizeof(d), "%s: the 1500 bytes on disk, nothing after", kernel);
	test_cond(d,
		  read_is(ip, 1484, s, 16) && read_zero(ip, 1500, 64) && read_zero(ip, 2040, 16));
	xs_fs_destroy(&fs);
}

XS_TEST_SUITE(test_iomap_short_write)
{
	short_write_case("6.13", 2);
	short_write_case("6.2", 3);
	short_write_case("6.1", 2);
}
