/*
 * Unit tests of large folios through the model's paths (docs/kernel.md, "Large
 * folios"): the order write() asks for by release, truncate inside a large folio (split
 * when clean, kept whole when dirty), the whole-folio flush of an fpunch, and a write
 * fault reserving delalloc for the whole readahead folio. The expected orders come
 * from the running kernel's trace (filemap:mm_filemap_add_to_page_cache) and the
 * kernel's rules, derived in each comment.
 */
#include "core/file.h"
#include "core/mmap.h"
#include "core/pagecache.h"
#include "core/writeback.h"
#include "tests/core/coretest.h"
#include "tests/testhelp.h"

#include <string.h>

static int64_t fill(struct xs_inode *ip, uint64_t pos, uint64_t len, uint8_t byte)
{
	struct ct_fill f = {byte};
	struct xs_user_buf b = ct_fill_buf(&f);

	return xs_file_write(ip, pos, len, &b);
}

/* The order of the folio holding page index, or -1 if none. */
static int order_at(struct xs_inode *ip, uint64_t index)
{
	const struct xs_folio *f = xs_pagecache_peek(&ip->i_mapping, index);

	return f ? f->order : -1;
}

/* Whether the folios at first..: start at their own index with these orders. */
static bool orders_are(struct xs_inode *ip, uint64_t first, const int *orders, size_t n)
{
	uint64_t index = first;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct xs_folio *f = xs_pagecache_peek(&ip->i_mapping, index);

		if (!f || f->index != index || f->order != orders[i])
			return false;
		index += 1ULL << orders[i];
	}
	return true;
}

/*
 * 64 KiB at page 257: the first chunk asks ilog2(64 KiB) - 12 = 4; 257 is odd: order
 * 0; then 60 KiB at 258 asks 3, 258's alignment gives 1; 56 KiB at 259: 0; 52 KiB at
 * 260 (aligned to 4): 2; 36 KiB at 264 (aligned to 8): 3; 4 KiB at 272: 0. On 6.18
 * (order 1 allowed) the trace showed 0, 1, 2, 3, 0 — from 258 the order-1 folio takes
 * 258..259. Without order 1 (6.6) 258 and 259 are single pages.
 */
XS_TEST_SUITE(test_folio_write_orders)
{
	static const int o613[] = {0, 1, 2, 3, 0};
	static const int o66[] = {0, 0, 0, 2, 3, 0};
	static const char *const kernels[] = {"6.13", "6.6", "6.2"};
	size_t k;

	for (k = 0; k < 3; k++) {
		struct xs_fs fs;
		struct xs_inode *ip = &fs.inode;
		char d[128];

		if (ct_fs_init(&fs, CT_GIB, 4096, kernels[k], NULL)) {
			test_cond("setup", 0);
			return;
		}
		snprintf(d, sizeof(d), "%s: a 1 MiB write at 0", kernels[k]);
		test_cond(d, fill(ip, 0, CT_MIB, 'a') == (int64_t)CT_MIB);
		snprintf(d, sizeof(d), "%s: its folio at page 200 has order %d", kernels[k],
			 k == 2 ? 0 : 8);
		test_cond(d, order_at(ip, 200) == (k == 2 ? 0 : 8));
		snprintf(d, sizeof(d), "%s: 64 KiB at page 257", kernels[k]);
		test_cond(d, fill(ip, 257 * 4096, 64 * CT_KIB, 'b') == (int64_t)(64 * CT_KIB));
		snprintf(d, sizeof(d), "%s: folio orders from page 257", kernels[k]);
		if (k == 0)
			test_cond(d, orders_are(ip, 257, o613, 5));
		else if (k == 1)
			test_cond(d, orders_are(ip, 257, o66, 6));
		else
			test_cond(d, order_at(ip, 264) == 0 && order_at(ip, 265) == 0);
		/* 4 MiB at 4 MiB: chunks of the largest folio, 2 MiB: two order-9 folios */
		snprintf(d, sizeof(d), "%s: 4 MiB at 4 MiB in order-9 folios", kernels[k]);
		test_cond(d, fill(ip, 4 * CT_MIB, 4 * CT_MIB, 'c') == (int64_t)(4 * CT_MIB) &&
				     order_at(ip, 1024) == (k == 2 ? 0 : 9) &&
				     order_at(ip, 1535) == (k == 2 ? 0 : 9));
		snprintf(d, sizeof(d), "%s: inode check", kernels[k]);
		test_cond(d, ct_inode_ok(ip));
		xs_fs_destroy(&fs);
	}
}

/*
 * truncate_inode_partial_folio(): a 4 KiB range inside a 64 KiB folio. Clean (after
 * fsync): split, page 2 dropped, pages 1 and 3 left as single pages with their data.
 * Dirty: the split needs iomap_release_folio(), which refuses: the folio stays whole
 * and dirty, page 2's bytes zeroed.
 */
XS_TEST_SUITE(test_folio_truncate_split_or_zero)
{
	struct xs_fs fs;
	struct xs_inode *ip = &fs.inode;
	struct xs_pagecache *pc = &ip->i_mapping;
	const struct xs_folio *f;
	uint8_t buf[16], want[16];

	if (ct_fs_init(&fs, CT_GIB, 4096, "6.13", NULL)) {
		test_cond("setup", 0);
		return;
	}
	test_cond("two 64 KiB writes",
		  fill(ip, 0, 64 * CT_KIB, 'c') == (int64_t)(64 * CT_KIB) &&
			  fill(ip, 64 * CT_KIB, 64 * CT_KIB, 'd') == (int64_t)(64 * CT_KIB));
	test_cond("fsync the first", xs_filemap_write_and_wait_range(ip, 0, 64 * CT_KIB - 1) == 0);
	test_cond("folio 0 clean, order 4; folio 16 dirty, order 4",
		  order_at(ip, 0) == 4 && !(xs_pagecache_peek(pc, 0)->flags & XS_FOLIO_DIRTY) &&
			  order_at(ip, 16) == 4 &&
			  (xs_pagecache_peek(pc, 16)->flags & XS_FOLIO_DIRTY));
	xs_truncate_pagecache_range(ip, 2 * 4096, 3 * 4096 - 1);
	test_cond("clean: split, page 2 gone, pages 1 and 3 single",
		  !xs_pagecache_peek(pc, 2) && order_at(ip, 1) == 0 && order_at(ip, 3) == 0 &&
			  order_at(ip, 15) == 0);
	memset(want, 'c', sizeof(want));
	test_cond("page 3 keeps its bytes",
		  xs_file_read(ip, 3 * 4096, 16, buf) == 16 && memcmp(buf, want, 16) == 0);
	xs_truncate_pagecache_range(ip, 18 * 4096, 19 * 4096 - 1);
	f = xs_pagecache_peek(pc, 18);
	test_cond("dirty: kept whole, still dirty",
		  f && f->index == 16 && f->order == 4 && (f->flags & XS_FOLIO_DIRTY));
	memset(want, 0, sizeof(want));
	test_cond("page 18 zeroed",
		  xs_file_read(ip, 18 * 4096 + 100, 16, buf) == 16 && memcmp(buf, want, 16) == 0);
	memset(want, 'd', sizeof(want));
	test_cond("page 19 not",
		  xs_file_read(ip, 19 * 4096, 16, buf) == 16 && memcmp(buf, want, 16) == 0);
	test_cond("page cache consistent", xs_pagecache_check(pc, &(struct xs_err){0}) == 0);
	xs_fs_destroy(&fs);
}

/*
 * xfs_flush_unmap_range() before a 4 KiB fpunch inside a dirty 64 KiB write writes
 * back whole folios: 64 KiB of I/O on 6.13 (one folio), 4 KiB on 6.2 (the write made
 * single pages). As the capture folio-fpunch-fzero shows, all of it becomes written.
 */
XS_TEST_SUITE(test_folio_fpunch_flushes_whole_folio)
{
	static const char *const kernels[] = {"6.13", "6.2"};
	size_t k;

	for (k = 0; k < 2; k++) {
		struct xs_fs fs;
		struct ct_host host = {0};
		struct xs_inode *ip = &fs.inode;
		char d[128];

		if (ct_fs_init(&fs, CT_GIB, 4096, kernels[k], &host)) {
			test_cond("setup", 0);
			return;
		}
		test_cond("64 KiB write", fill(ip, 0, 64 * CT_KIB, 'p') == (int64_t)(64 * CT_KIB));
		test_cond("fpunch 8k 4k",
			  xs_file_fallocate(ip, XS_FALLOC_PUNCH_HOLE | XS_FALLOC_KEEP_SIZE, 8192,
					    4096) == 0);
		snprintf(d, sizeof(d), "%s: the flush wrote %llu bytes", kernels[k],
			 (unsigned long long)(k == 0 ? 64 * CT_KIB : 4096));
		test_cond(d, host.io_bytes == (k == 0 ? 64 * CT_KIB : 4096));
		test_cond("inode check", ct_inode_ok(ip));
		xs_fs_destroy(&fs);
	}
}

/*
 * A store into page 1 of a sparse file after a 4 KiB read at 0. 5.18-6.15 readahead
 * (6.13) asks order 0 + 2 for the first window of 4 pages: one order-2 folio, and
 * page_mkwrite reserves its 4 blocks. 6.16+ (ra_order async) reads the first window in
 * single pages: 1 block, as the captures mmap-hole and folio-readahead-mwrite show.
 */
XS_TEST_SUITE(test_folio_mkwrite_whole_folio)
{
	static const uint8_t mark[8] = {'L', 'a', 'r', 'g', 'e', 'F', 'o', 'l'};
	size_t k;

	for (k = 0; k < 2; k++) {
		struct xs_fs fs;
		struct xs_inode *ip = &fs.inode;
		uint8_t buf[4096];
		char d[128];

		if (ct_fs_init(&fs, CT_GIB, 4096, "6.13", NULL) || xs_file_truncate(ip, CT_MIB)) {
			test_cond("setup", 0);
			return;
		}
		if (k == 1)
			fs.policy.ra_order = XS_RA_ASYNC;
		test_cond("read 4 KiB at 0", xs_file_read(ip, 0, 4096, buf) == 4096);
		snprintf(d, sizeof(d), "ra_order %s: page 1 in a folio of order %d",
			 k ? "async" : "plus2", k ? 0 : 2);
		test_cond(d, order_at(ip, 1) == (k ? 0 : 2));
		test_cond("store into page 1", xs_mmap_store(ip, 4096 + 8, mark, 8) == 0);
		snprintf(d, sizeof(d), "page_mkwrite reserved %d blocks", k ? 1 : 4);
		test_cond(d, ip->i_delayed_blks == (k ? 1u : 4u));
		test_cond("the folio is dirty, every block of it",
			  (xs_pagecache_peek(&ip->i_mapping, 1)->flags & XS_FOLIO_DIRTY) &&
				  xs_folio_block_dirty(&ip->i_mapping,
						       xs_pagecache_peek(&ip->i_mapping, 1), 0));
		test_cond("inode check", ct_inode_ok(ip));
		xs_fs_destroy(&fs);
	}
}

/*
 * Readahead of 6.16+ (ra_order async) on a sparse file read 4 KiB at a time from 0,
 * read_ahead_kb 2560 (640 pages), as traced on 6.18: the first window is 4 pages of
 * order 0 (get_init_ra_size(1, 640) = 4), its mark at page 1 starts 16 pages at order
 * 2 (pages 4..19), whose mark at page 4 starts 64 pages from 20 at order 4: folios 20
 * (order 2, 20's alignment), 24 (3), 32, 48, 64 (4). 5.18-6.15 (plus2) reads the first
 * window as one order-2 folio.
 */
XS_TEST_SUITE(test_folio_readahead_ramp)
{
	static const int w2[] = {2, 2, 2, 2};
	static const int w3[] = {2, 3, 4, 4, 4};
	struct xs_fs fs;
	struct xs_inode *ip = &fs.inode;
	uint8_t buf[4096];
	uint64_t p;
	bool ok = true;

	if (ct_fs_init(&fs, CT_GIB, 4096, "6.13", NULL) || xs_file_truncate(ip, 8 * CT_MIB)) {
		test_cond("setup", 0);
		return;
	}
	fs.policy.ra_order = XS_RA_ASYNC;
	ip->i_mapping.ra.ra_pages = 640;
	for (p = 0; p < 8; p++)
		ok = ok && xs_file_read(ip, p * 4096, 4096, buf) == 4096;
	test_cond("eight 4 KiB reads", ok);
	test_cond("pages 0..3: order 0",
		  order_at(ip, 0) == 0 && order_at(ip, 1) == 0 && order_at(ip, 3) == 0);
	test_cond("pages 4..19: order 2", orders_are(ip, 4, w2, 4));
	test_cond("from 20: orders 2, 3, 4, 4, 4", orders_are(ip, 20, w3, 5));
	xs_fs_destroy(&fs);

	if (ct_fs_init(&fs, CT_GIB, 4096, "6.13", NULL) || xs_file_truncate(ip, 8 * CT_MIB)) {
		test_cond("setup", 0);
		return;
	}
	test_cond("plus2: one 4 KiB read", xs_file_read(ip, 0, 4096, buf) == 4096);
	test_cond("plus2: the first window is one order-2 folio", orders_are(ip, 0, w2, 1));
	xs_fs_destroy(&fs);
}
