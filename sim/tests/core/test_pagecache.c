/*
 * Unit tests of the page cache (sim/core/pagecache.c): every arrow of the folio state
 * diagram in pagecache.h, per-block uptodate and dirty state with 1 KiB blocks (four
 * blocks per 4 KiB folio), mapping_seek_hole_data over gaps and partly uptodate folios,
 * LRU eviction of clean folios only, and xs_pagecache_check catching corruption.
 */
#include "core/pagecache.h"
#include "tests/testhelp.h"
#include "tests/core/coretest.h"

#include <errno.h>
#include <string.h>

#define PB 4096u
#define BB 1024u

static bool pc_ok(const struct xs_pagecache *pc)
{
	struct xs_err err = {0};
	int error = xs_pagecache_check(pc, &err);

	if (error)
		printf("  xs_pagecache_check: %d %s\n", error, err.msg);
	return error == 0;
}

static bool pc_corrupt(const struct xs_pagecache *pc)
{
	struct xs_err err = {0};

	return xs_pagecache_check(pc, &err) == -EUCLEAN;
}

/* Whether the folio's bytes are all zero. */
static bool folio_zero(const struct xs_pagecache *pc, const struct xs_folio *f)
{
	uint8_t buf[PB];
	size_t i;

	xs_folio_read(pc, f, 0, PB, buf);
	for (i = 0; i < PB; i++)
		if (buf[i])
			return false;
	return true;
}

XS_TEST_SUITE(test_pagecache_init)
{
	struct xs_pagecache pc;

	test_cond("4k page, 1k blocks: ok", xs_pagecache_init(&pc, PB, BB) == 0);
	test_cond("four blocks per folio", pc.blocks_per_folio == 4 && pc.nr == 0);
	xs_pagecache_destroy(&pc);
	test_cond("block above page size: -EINVAL", xs_pagecache_init(&pc, PB, 8192) == -EINVAL);
	test_cond("block not dividing the page: -EINVAL",
		  xs_pagecache_init(&pc, PB, 3000) == -EINVAL);
	test_cond("more than 64 blocks per folio: -EINVAL",
		  xs_pagecache_init(&pc, 65536, 512) == -EINVAL);
	test_cond("64 blocks per folio: ok", xs_pagecache_init(&pc, 32768, 512) == 0);
	xs_pagecache_destroy(&pc);
}

/* absent -> present -> uptodate (per block) -> dirty -> writeback -> clean -> absent */
XS_TEST_SUITE(test_pagecache_folio_arrows)
{
	struct xs_pagecache pc;
	struct xs_folio *f, *g;

	xs_pagecache_init(&pc, PB, BB);
	test_cond("absent: lookup is NULL", xs_pagecache_lookup(&pc, 5) == NULL);

	/* absent --get(create)--> present, !uptodate, zero bytes */
	f = xs_pagecache_get(&pc, 5);
	test_cond("create: present", f && pc.nr == 1 && f->index == 5);
	test_cond("create: no state", f->flags == 0 && f->uptodate_bits == 0 && f->dirty_bits == 0);
	test_cond("create: zero bytes", folio_zero(&pc, f));
	test_cond("lookup finds it", xs_pagecache_lookup(&pc, 5) == f);
	test_cond("get again returns the same folio", xs_pagecache_get(&pc, 5) == f && pc.nr == 1);
	test_cond("a neighbour is still absent", xs_pagecache_lookup(&pc, 6) == NULL);

	/* !uptodate --set_range_uptodate--> uptodate, block by block */
	xs_folio_set_range_uptodate(&pc, f, 0, BB);
	test_cond("block 0 uptodate, folio not",
		  f->uptodate_bits == 0x1 && !(f->flags & XS_FOLIO_UPTODATE));
	test_cond("range_uptodate: block 0 yes, block 1 no",
		  xs_folio_range_uptodate(&pc, f, 0, BB) &&
			  !xs_folio_range_uptodate(&pc, f, BB, BB) &&
			  !xs_folio_range_uptodate(&pc, f, 0, 2 * BB));
	/* ifs_set_range_uptodate: first = off >> bits, last = (off + len - 1) >> bits */
	xs_folio_set_range_uptodate(&pc, f, BB + 100, 2 * BB);
	test_cond("[1124, 3172) touches blocks 1..3", f->uptodate_bits == 0xf);
	test_cond("all four blocks: the folio is uptodate", f->flags & XS_FOLIO_UPTODATE);
	test_cond("check", pc_ok(&pc));

	/* uptodate --mark_dirty_range--> dirty (flag and the covered blocks only) */
	xs_folio_mark_dirty_range(&pc, f, 2 * BB + 10, 1);
	test_cond("dirty: flag, nr_dirty 1", (f->flags & XS_FOLIO_DIRTY) && pc.nr_dirty == 1);
	test_cond("dirty: only block 2", f->dirty_bits == 0x4 && xs_folio_block_dirty(&pc, f, 2) &&
						 !xs_folio_block_dirty(&pc, f, 0));
	xs_folio_mark_dirty_range(&pc, f, 0, BB);
	test_cond("dirty again: blocks 0 and 2, still one dirty folio",
		  f->dirty_bits == 0x5 && pc.nr_dirty == 1);
	xs_folio_mark_dirty_range(&pc, f, 3 * BB, 0);
	test_cond("zero-length dirtying marks no block", f->dirty_bits == 0x5);
	test_cond("check", pc_ok(&pc));

	/* dirty --clear_dirty_for_io--> !dirty, PTEs write-protected, dirty bits kept */
	f->flags |= XS_FOLIO_PTE_MAPPED | XS_FOLIO_PTE_WRITE;
	xs_folio_clear_dirty_for_io(&pc, f);
	test_cond("clear_dirty_for_io: not dirty",
		  !(f->flags & XS_FOLIO_DIRTY) && pc.nr_dirty == 0);
	test_cond("clear_dirty_for_io: PTE write-protected, still mapped",
		  !(f->flags & XS_FOLIO_PTE_WRITE) && (f->flags & XS_FOLIO_PTE_MAPPED));
	test_cond("clear_dirty_for_io: the block bits stay for the writer", f->dirty_bits == 0x5);
	xs_folio_clear_dirty_for_io(&pc, f);
	test_cond("clearing a clean folio leaves nr_dirty at 0", pc.nr_dirty == 0);

	/* --start_writeback--> writeback --end_writeback--> clean */
	xs_folio_start_writeback(&pc, f);
	test_cond("writeback: flag, nr_writeback 1",
		  (f->flags & XS_FOLIO_WRITEBACK) && pc.nr_writeback == 1);
	test_cond("check under writeback", pc_ok(&pc));
	xs_folio_end_writeback(&pc, f);
	test_cond("end_writeback: clean", !(f->flags & XS_FOLIO_WRITEBACK) &&
						  pc.nr_writeback == 0 &&
						  (f->flags & XS_FOLIO_UPTODATE));

	/* dirty --cancel_dirty--> clean, every block bit gone */
	xs_folio_mark_dirty_range(&pc, f, 0, PB);
	test_cond("whole folio dirty", f->dirty_bits == 0xf && pc.nr_dirty == 1);
	xs_folio_cancel_dirty(&pc, f);
	test_cond("cancel_dirty: clean, no dirty blocks",
		  !(f->flags & XS_FOLIO_DIRTY) && f->dirty_bits == 0 && pc.nr_dirty == 0);
	xs_folio_cancel_dirty(&pc, f);
	test_cond("cancel on a clean folio: nr_dirty stays 0", pc.nr_dirty == 0);

	/* any --remove--> absent, dirty and writeback counts follow */
	g = xs_pagecache_get(&pc, 2);
	xs_folio_set_range_uptodate(&pc, g, 0, PB);
	xs_folio_mark_dirty_range(&pc, g, 0, PB);
	xs_folio_mark_dirty_range(&pc, f, 0, 1);
	xs_folio_clear_dirty_for_io(&pc, f);
	xs_folio_start_writeback(&pc, f);
	test_cond("two folios, sorted", pc.nr == 2 && pc.folios[0] == g && pc.folios[1] == f);
	xs_pagecache_remove(&pc, g);
	test_cond("remove dirty: absent, nr_dirty 0",
		  pc.nr == 1 && pc.nr_dirty == 0 && xs_pagecache_lookup(&pc, 2) == NULL);
	xs_pagecache_remove(&pc, f);
	test_cond("remove under writeback: nr_writeback 0", pc.nr == 0 && pc.nr_writeback == 0);
	test_cond("check", pc_ok(&pc));
	f = xs_pagecache_get(&pc, 5);
	test_cond("re-created folio starts empty",
		  f->flags == 0 && f->uptodate_bits == 0 && folio_zero(&pc, f));
	xs_pagecache_destroy(&pc);
}

XS_TEST_SUITE(test_pagecache_evict)
{
	struct xs_pagecache pc;
	struct xs_folio *f[4];
	uint64_t idx = 99;
	int i;

	xs_pagecache_init(&pc, PB, BB);
	for (i = 0; i < 4; i++) {
		f[i] = xs_pagecache_get(&pc, (uint64_t)i);
		xs_folio_set_range_uptodate(&pc, f[i], 0, PB);
	}
	/* use order: 0, 1, 2, 3, then 0 again; 1 dirty, 2 under writeback */
	xs_pagecache_lookup(&pc, 0);
	xs_folio_mark_dirty_range(&pc, f[1], 0, PB);
	xs_folio_start_writeback(&pc, f[2]);
	test_cond("evict: the least recently used clean folio (3)",
		  xs_pagecache_evict_one(&pc, &idx) && idx == 3);
	test_cond("evict: then 0", xs_pagecache_evict_one(&pc, &idx) && idx == 0);
	test_cond("evict refuses dirty and writeback folios",
		  !xs_pagecache_evict_one(&pc, &idx) && pc.nr == 2);
	xs_folio_end_writeback(&pc, f[2]);
	test_cond("after writeback ends: 2", xs_pagecache_evict_one(&pc, &idx) && idx == 2);
	xs_folio_clear_dirty_for_io(&pc, f[1]);
	test_cond("once cleaned: 1", xs_pagecache_evict_one(&pc, NULL) && pc.nr == 0);
	test_cond("empty cache: nothing to evict", !xs_pagecache_evict_one(&pc, &idx));
	test_cond("check", pc_ok(&pc));
	xs_pagecache_destroy(&pc);
}

/*
 * Cache: folio 1 uptodate; folio 3 with blocks 1 and 2 uptodate; folio 4 present but
 * nothing uptodate; everything else absent. Range [0, 20480).
 */
XS_TEST_SUITE(test_pagecache_seek_hole_data)
{
	struct xs_pagecache pc;
	struct xs_folio *f;
	const uint64_t end = 5 * PB;
	int64_t r;

	xs_pagecache_init(&pc, PB, BB);
	test_cond("empty cache: SEEK_DATA -ENXIO",
		  xs_mapping_seek_hole_data(&pc, 0, end, true) == -ENXIO);
	test_cond("empty cache: SEEK_HOLE at start",
		  xs_mapping_seek_hole_data(&pc, 100, end, false) == 100);
	f = xs_pagecache_get(&pc, 1);
	xs_folio_set_range_uptodate(&pc, f, 0, PB);
	f = xs_pagecache_get(&pc, 3);
	xs_folio_set_range_uptodate(&pc, f, BB, 2 * BB);
	xs_pagecache_get(&pc, 4);

	test_cond("SEEK_DATA from 0: folio 1 at 4096",
		  xs_mapping_seek_hole_data(&pc, 0, end, true) == 4096);
	test_cond("SEEK_DATA inside data: start itself",
		  xs_mapping_seek_hole_data(&pc, 4196, end, true) == 4196);
	test_cond("SEEK_HOLE from 4096: the gap at 8192",
		  xs_mapping_seek_hole_data(&pc, 4096, end, false) == 8192);
	test_cond("SEEK_HOLE from 0: 0 (absent folio 0)",
		  xs_mapping_seek_hole_data(&pc, 0, end, false) == 0);
	test_cond("SEEK_DATA from 8192: block 1 of folio 3 (13312)",
		  xs_mapping_seek_hole_data(&pc, 8192, end, true) == 3 * PB + BB);
	test_cond("SEEK_DATA from inside a stale block: the next uptodate block",
		  xs_mapping_seek_hole_data(&pc, 3 * PB + 500, end, true) == 3 * PB + BB);
	test_cond("SEEK_HOLE from 13312: block 3 of folio 3 (15360)",
		  xs_mapping_seek_hole_data(&pc, 3 * PB + BB, end, false) == 3 * PB + 3 * BB);
	test_cond("SEEK_HOLE from inside an uptodate block: its partial folio's next stale block",
		  xs_mapping_seek_hole_data(&pc, 3 * PB + BB + 10, end, false) == 3 * PB + 3 * BB);
	test_cond("SEEK_DATA from 15360: nothing (folio 4 holds no uptodate block)",
		  xs_mapping_seek_hole_data(&pc, 3 * PB + 3 * BB, end, true) == -ENXIO);
	test_cond("SEEK_HOLE over all-data range returns end",
		  xs_mapping_seek_hole_data(&pc, 4096, 8192, false) == 8192);
	test_cond("SEEK_HOLE with end inside the data: end",
		  xs_mapping_seek_hole_data(&pc, 4096, 6000, false) == 6000);
	/*
	 * No data in [8192, 13312): mm/filemap.c documents -ENXIO; its loop returns end
	 * when the first data is in the last folio at or past end. Callers treat both the
	 * same (iomap_write_delalloc_release), so either is accepted.
	 */
	r = xs_mapping_seek_hole_data(&pc, 8192, 3 * PB + BB, true);
	test_cond("SEEK_DATA bounded before the data: nothing (-ENXIO or end)",
		  r == -ENXIO || r == 3 * PB + BB);
	xs_pagecache_destroy(&pc);
}

XS_TEST_SUITE(test_pagecache_check_catches)
{
	struct xs_pagecache pc;
	struct xs_folio *a, *b;
	uint64_t t;

	xs_pagecache_init(&pc, PB, BB);
	a = xs_pagecache_get(&pc, 1);
	b = xs_pagecache_get(&pc, 2);
	xs_folio_set_range_uptodate(&pc, a, 0, PB);
	xs_folio_mark_dirty_range(&pc, a, 0, PB);
	test_cond("consistent cache passes", pc_ok(&pc));

	pc.nr_dirty++;
	test_cond("nr_dirty + 1: -EUCLEAN", pc_corrupt(&pc));
	pc.nr_dirty--;
	test_cond("restored", pc_ok(&pc));

	pc.nr_writeback++;
	test_cond("nr_writeback + 1: -EUCLEAN", pc_corrupt(&pc));
	pc.nr_writeback--;

	t = a->index;
	a->index = b->index;
	test_cond("duplicate index / out of order: -EUCLEAN", pc_corrupt(&pc));
	a->index = t;

	b->flags |= XS_FOLIO_UPTODATE;
	test_cond("uptodate flag with stale blocks: -EUCLEAN", pc_corrupt(&pc));
	b->flags &= ~XS_FOLIO_UPTODATE;
	test_cond("everything restored", pc_ok(&pc));
	xs_pagecache_destroy(&pc);
}

/* reclaim's candidate list: clean, not under writeback, least recently used first */
XS_TEST_SUITE(test_pagecache_lru_clean)
{
	struct xs_pagecache pc;
	struct xs_folio *f[5];
	uint64_t out[8];
	int i;

	xs_pagecache_init(&pc, PB, BB);
	test_cond("empty cache: no candidates", xs_pagecache_lru_clean(&pc, out, 8) == 0);
	for (i = 0; i < 5; i++) {
		f[i] = xs_pagecache_get(&pc, (uint64_t)(10 - 2 * i)); /* 10, 8, 6, 4, 2 */
		xs_folio_set_range_uptodate(&pc, f[i], 0, PB);
	}
	/* use order now: 10, 8, 6, 4, 2, then 8 again; 6 dirty, 4 under writeback */
	xs_pagecache_lookup(&pc, 8);
	xs_folio_mark_dirty_range(&pc, f[2], 0, PB);
	xs_folio_start_writeback(&pc, f[3]);
	test_cond("three candidates", xs_pagecache_lru_clean(&pc, out, 8) == 3);
	test_cond("... oldest use first: 10, 2, 8", out[0] == 10 && out[1] == 2 && out[2] == 8);
	test_cond("max limits the answer",
		  xs_pagecache_lru_clean(&pc, out, 1) == 1 && out[0] == 10);
	test_cond("max 0: nothing", xs_pagecache_lru_clean(&pc, out, 0) == 0);
	test_cond("listing removes nothing", pc.nr == 5 && pc_ok(&pc));
	xs_folio_end_writeback(&pc, f[3]);
	xs_folio_cancel_dirty(&pc, f[2]);
	test_cond("after writeback and cancel: all five",
		  xs_pagecache_lru_clean(&pc, out, 8) == 5 && out[0] == 10 && out[1] == 6);
	xs_pagecache_destroy(&pc);
}

/* dirtied_ns: the host clock when the folio went from clean to dirty, not later */
XS_TEST_SUITE(test_pagecache_dirtied_time)
{
	struct xs_pagecache pc;
	struct xs_folio *f;

	xs_pagecache_init(&pc, PB, BB);
	f = xs_pagecache_get(&pc, 0);
	xs_folio_set_range_uptodate(&pc, f, 0, PB);
	pc.now_ns = 100;
	xs_folio_mark_dirty_range(&pc, f, 0, BB);
	test_cond("clean -> dirty records the clock", f->dirtied_ns == 100);
	pc.now_ns = 200;
	xs_folio_mark_dirty_range(&pc, f, BB, BB);
	test_cond("dirtying a dirty folio keeps the first time", f->dirtied_ns == 100);
	xs_folio_clear_dirty_for_io(&pc, f);
	pc.now_ns = 300;
	xs_folio_mark_dirty_range(&pc, f, 0, BB);
	test_cond("redirtied after cleaning: the new time", f->dirtied_ns == 300);
	xs_pagecache_destroy(&pc);
}

/*
 * Folios of any order: the order xs_pagecache_get_order() gives (clamped to max_order,
 * lowered to the index's alignment and below the next cached folio, order 1 only when
 * the cache has order-1 folios), lookups inside a large folio, per-block bits past 64
 * blocks (512-byte blocks: 8 per page, 128 in an order-4 folio), bytes by file
 * position, and split.
 */
XS_TEST_SUITE(test_pagecache_large_folios)
{
	struct xs_pagecache pc;
	struct xs_folio *f, *g;
	uint8_t buf[8], want[8];
	uint32_t b;

	xs_pagecache_init(&pc, PB, 512);
	pc.max_order = 4;
	f = xs_pagecache_get_order(&pc, 16, 4);
	test_cond("order 4 at an aligned index", f->index == 16 && f->order == 4);
	test_cond("pages 16..31 find it, 15 and 32 do not",
		  xs_pagecache_lookup(&pc, 16) == f && xs_pagecache_lookup(&pc, 31) == f &&
			  !xs_pagecache_lookup(&pc, 15) && !xs_pagecache_lookup(&pc, 32));
	test_cond("get of a page inside returns the same folio", xs_pagecache_get(&pc, 20) == f);
	test_cond("nr_pages counts its 16 pages", pc.nr == 1 && pc.nr_pages == 16);
	test_cond("index 33 is odd: order 0", xs_pagecache_get_order(&pc, 33, 4)->order == 0);
	/* 34 = 0b100010: its lowest set bit is bit 1 */
	test_cond("index 34: order 1", xs_pagecache_get_order(&pc, 34, 4)->order == 1);
	/* 0..15 would overlap the folio at 16? no: 0..15 ends at 15, but 8..15 is next */
	test_cond("index 8: order 3 (aligned to 8)", xs_pagecache_get_order(&pc, 8, 4)->order == 3);
	/* 0 asks 4 (0..15): the folio at 8 is in the way, 3 (0..7) fits */
	test_cond("index 0: lowered to 3 below the folio at 8",
		  xs_pagecache_get_order(&pc, 0, 4)->order == 3);
	test_cond("max_order clamps a request of 9",
		  xs_pagecache_get_order(&pc, 128, 9)->order == 4);
	pc.no_order1 = true;
	/* 50 = 0b110010: order 1 by alignment, and no order 1 */
	test_cond("no order-1 folios: order 0", xs_pagecache_get_order(&pc, 50, 4)->order == 0);
	test_cond("page cache consistent", pc_ok(&pc));

	test_cond("128 blocks in the order-4 folio", xs_folio_nr_blocks(&pc, f) == 128);
	xs_folio_set_range_uptodate(&pc, f, 70 * 512, 512);
	test_cond("block 70 uptodate, 69 and 71 not",
		  xs_folio_block_uptodate(&pc, f, 70) && !xs_folio_block_uptodate(&pc, f, 69) &&
			  !xs_folio_block_uptodate(&pc, f, 71) && !(f->flags & XS_FOLIO_UPTODATE));
	xs_folio_mark_dirty_range(&pc, f, 100 * 512 + 7, 28 * 512 - 7);
	test_cond("blocks 100..127 dirty, 99 not",
		  xs_folio_block_dirty(&pc, f, 100) && xs_folio_block_dirty(&pc, f, 127) &&
			  !xs_folio_block_dirty(&pc, f, 99) && f->dirty_bits == 0);
	xs_folio_set_range_uptodate(&pc, f, 0, 16 * PB - 512);
	test_cond("all but the last block: not uptodate", !(f->flags & XS_FOLIO_UPTODATE));
	xs_folio_set_range_uptodate(&pc, f, 16 * PB - 1, 1);
	test_cond("the last one too: uptodate", (f->flags & XS_FOLIO_UPTODATE) && pc_ok(&pc));

	memcpy(want, "FolioPos", 8);
	xs_folio_write(&pc, f, 5 * PB + 100, 8, want);
	xs_pagestore_read(&pc.data, (16 + 5) * (uint64_t)PB + 100, 8, buf);
	test_cond("bytes at folio offset 5 pages + 100 are file page 21 + 100",
		  memcmp(buf, want, 8) == 0);

	/* split: page 5 keeps its bytes; the dirty flag and the block bits go per page */
	xs_folio_split(&pc, f);
	g = xs_pagecache_lookup(&pc, 21);
	test_cond("after the split page 21 is its own folio", g && g->index == 21 && g->order == 0);
	xs_folio_read(&pc, g, 100, 8, buf);
	test_cond("with its bytes", memcmp(buf, want, 8) == 0);
	test_cond("16 folios where there was one, each dirty",
		  f->order == 0 && xs_pagecache_lookup(&pc, 16) == f &&
			  pc.nr_pages == 16 + 1 + 2 + 8 + 8 + 16 + 1 && pc.nr_dirty == 16 &&
			  pc_ok(&pc));
	/* blocks 100..127: folio pages 12 (blocks 96..103) to 15, file pages 28..31 */
	g = xs_pagecache_lookup(&pc, 29);
	for (b = 0; b < 8 && g; b++)
		if (!xs_folio_block_dirty(&pc, g, b))
			break;
	test_cond("page 29 (blocks 104..111) has every block dirty", g && b == 8);
	g = xs_pagecache_lookup(&pc, 28);
	test_cond("page 28: its blocks 0..3 (96..99) clean, 4..7 (100..103) dirty",
		  g && !xs_folio_block_dirty(&pc, g, 3) && xs_folio_block_dirty(&pc, g, 4) &&
			  xs_folio_block_dirty(&pc, g, 7));
	g = xs_pagecache_lookup(&pc, 22);
	test_cond("page 22 (blocks 48..55): uptodate as the folio was, no dirty block",
		  g && (g->flags & XS_FOLIO_UPTODATE) && g->dirty_bits == 0);
	xs_pagecache_destroy(&pc);
}
