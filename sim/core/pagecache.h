/*
 * The page cache of the modelled file: folios with uptodate / dirty / writeback
 * state, per-block uptodate and dirty bits (the iomap_folio_state "ifs"), mapped-PTE
 * state, the bytes they hold, SEEK_DATA/SEEK_HOLE over them and clean-folio eviction.
 *
 * Models mm/filemap.c (filemap_get_folio, mapping_seek_hole_data), mm/truncate.c
 * (truncate_pagecache_range), and the ifs helpers of fs/iomap/buffered-io.c.
 *
 * Folio state (flags), each arrow naming the function that takes it:
 *
 *   absent --xs_pagecache_get(create)--> present, !uptodate
 *   !uptodate --xs_folio_set_range_uptodate (zero-fill or read)--> uptodate
 *   uptodate --xs_folio_mark_dirty_range--> dirty
 *   dirty --xs_folio_clear_dirty_for_io (writeback; write-protects PTEs)--> writeback
 *   writeback --xs_folio_end_writeback--> clean
 *   any --xs_pagecache_remove (truncate/invalidate: dirty data discarded)--> absent
 *   clean, !writeback --xs_pagecache_evict_one (reclaim)--> absent
 *
 * Folios have any order up to pc->max_order (docs/kernel.md, "Large folios"): a
 * folio of order n spans 1 << n pages from its first index, which is a multiple of
 * 1 << n only when its creator aligned it (the write path and readahead do). Looking
 * up any page inside a folio finds the folio; a folio is locked by its first index.
 * Block size <= page size. Per-block bits: the first 64 blocks inline, the rest in
 * ext_bits (a folio of more than 64 blocks).
 * Folio bytes: pc->data (a sparse pagestore, by page, so a large folio of zeroes
 * costs nothing) and pc->scratch, a page-sized buffer for copies; a caller filling
 * scratch must not yield before it stores it.
 * Simplification: folios are kept in a sorted array (O(n) insertion in the middle);
 * fine for the file sizes the scenarios use.
 */
#ifndef XS_PAGECACHE_H
#define XS_PAGECACHE_H

#include "core/pagestore.h"

#define XS_FOLIO_UPTODATE   (1u << 0)
#define XS_FOLIO_DIRTY	    (1u << 1)
#define XS_FOLIO_WRITEBACK  (1u << 2)
#define XS_FOLIO_PTE_WRITE  (1u << 3) /* mapped with a writable PTE */
#define XS_FOLIO_PTE_MAPPED (1u << 4) /* mapped by a user mapping */
#define XS_FOLIO_READAHEAD  (1u << 5) /* PG_readahead: reading it starts async readahead */

/*
 * 56 bytes: an 800 MiB file cached in 4 KiB pages is 204800 of them, and what the
 * model holds per page is most of a large run's memory.
 */
struct xs_folio {
	xs_pgoff_t index; /* page index in the file */
	union {
		/* per block (bit i = block i of the folio), a folio of at most 64 blocks */
		struct {
			uint64_t uptodate_bits;
			uint64_t dirty_bits;
		};
		uint64_t *ext_bits; /* more blocks: nwords uptodate words, then as many dirty */
		struct xs_folio *next_free; /* on the page cache's free list */
	};
	uint64_t lru_tick;   /* last use, for eviction order */
	uint64_t dirtied_ns; /* when it last went from clean to dirty (host clock) */
	/*
	 * Who a PTE maps (core/mmap.h): a PTE names the folio by serial, so one that
	 * outlives its folio (reclaim, truncate) maps nothing; wp_gen counts the
	 * folio_mkclean()-style write-protections that every writable PTE must not predate.
	 * A serial counts folio allocations modulo 2^40 (xs_folio_serial()), in two parts
	 * that keep the struct at 56 bytes.
	 */
	uint32_t serial_lo;
	uint32_t wp_gen;
	/* ifs->write_bytes_pending: bytes in ioends not finished, + 1 while being mapped */
	uint32_t wb_pending;
	uint16_t flags;
	uint8_t order; /* the folio spans 1 << order pages */
	uint8_t serial_hi;
};

static inline uint64_t xs_folio_serial(const struct xs_folio *folio)
{
	return (uint64_t)folio->serial_hi << 32 | folio->serial_lo;
}

static inline void xs_folio_clear_flags(struct xs_folio *folio, unsigned int mask)
{
	folio->flags = (uint16_t)(folio->flags & ~mask);
}

static inline void xs_folio_set_serial(struct xs_folio *folio, uint64_t serial)
{
	folio->serial_lo = (uint32_t)serial;
	folio->serial_hi = (uint8_t)(serial >> 32);
}

/*
 * struct file_ra_state of mm/readahead.c, in pages.
 * Simplification: one for the file, shared by every reader (the kernel has one per
 * open file).
 */
struct xs_ra_state {
	uint64_t start, size, async_size;
	uint64_t prev_pos; /* bytes; UINT64_MAX before the first read */
	uint64_t ra_pages; /* the device's read_ahead_kb in pages */
	unsigned int order;
};

struct xs_pagecache {
	struct xs_folio **folios; /* sorted by index */
	size_t nr;
	size_t cap;
	uint32_t page_bytes;
	uint32_t block_bytes;
	uint32_t blocks_per_folio; /* of a one-page folio (blocks per page), <= 64 */
	uint8_t max_order;	   /* mapping_max_folio_order(): 0 without large folios */
	bool no_order1;		   /* before 6.8 the page cache had no order-1 folios */
	uint64_t nr_pages;	   /* pages in the cache (sum of folio sizes) */
	struct xs_ra_state ra;
	uint64_t nr_dirty; /* folios with DIRTY */
	uint64_t nr_writeback;
	uint64_t tick;
	uint64_t next_serial;	  /* folio serials, from 1 */
	uint64_t now_ns;	  /* the host's clock, kept current by the host */
	struct xs_pagestore data; /* the folios' bytes, by page index (sparse) */
	uint8_t *scratch;	  /* page_bytes, for a copy that must not yield */
	/*
	 * Folios come from slabs of XS_FOLIO_SLAB and go back to a free list (a struct
	 * page of the kernel's mem_map has no malloc header either).
	 */
	struct xs_folio *free_folios;
	size_t hint; /* position of the last lookup: where the next search looks first */
	struct xs_folio **slabs;
	size_t nslabs;
};

/*
 * A folio's extent. Code outside pagecache.c uses these rather than index and
 * page_bytes, so that nothing else assumes a folio is one page.
 */
static inline uint64_t xs_folio_nr_pages(const struct xs_folio *folio)
{
	return 1ULL << folio->order;
}
static inline uint64_t xs_folio_pos(const struct xs_pagecache *pc, const struct xs_folio *folio)
{
	return folio->index * pc->page_bytes;
}
static inline uint64_t xs_folio_size(const struct xs_pagecache *pc, const struct xs_folio *folio)
{
	return (uint64_t)pc->page_bytes << folio->order;
}
/* Index of the page after the folio. */
static inline xs_pgoff_t xs_folio_next_index(const struct xs_folio *folio)
{
	return folio->index + xs_folio_nr_pages(folio);
}
static inline uint32_t xs_folio_nr_blocks(const struct xs_pagecache *pc,
					  const struct xs_folio *folio)
{
	return (uint32_t)(xs_folio_size(pc, folio) / pc->block_bytes);
}

int xs_pagecache_init(struct xs_pagecache *pc, uint32_t page_bytes, uint32_t block_bytes);
void xs_pagecache_destroy(struct xs_pagecache *pc);

/* VM_READAHEAD_PAGES: the default read_ahead_kb (128 KiB), in 4 KiB pages */
#define XS_VM_READAHEAD_PAGES 32

/* The largest order a cache may use: PMD order on x86-64 (MAX_PAGECACHE_ORDER). */
#define XS_MAX_PAGECACHE_ORDER 9

/* The folio holding page index, or NULL, without counting it as a use (LRU). */
const struct xs_folio *xs_pagecache_peek(const struct xs_pagecache *pc, xs_pgoff_t index);
/* The folio holding page index, or NULL. */
struct xs_folio *xs_pagecache_lookup(struct xs_pagecache *pc, xs_pgoff_t index);
/* The folio holding page index, created (order 0, not uptodate, zeroes) if absent. */
struct xs_folio *xs_pagecache_get(struct xs_pagecache *pc, xs_pgoff_t index);
/*
 * Models __filemap_get_folio(FGP_CREAT) with the order fgf_set_order() asked for: the
 * folio holding index, or a new one starting at index of at most order (clamped to
 * max_order, to the alignment of index, and down until it overlaps no cached folio,
 * as filemap_add_folio()'s -EEXIST makes the kernel retry one order lower).
 */
struct xs_folio *xs_pagecache_get_order(struct xs_pagecache *pc, xs_pgoff_t index,
					unsigned int order);
/* The order fgf_set_order(len) asks for: ilog2(len) above the page shift, else 0. */
unsigned int xs_fgf_order(const struct xs_pagecache *pc, uint64_t len);
/* Position of the first folio ending after page index (holding it, or after it). */
size_t xs_pagecache_first_at(const struct xs_pagecache *pc, xs_pgoff_t index);
/* Remove and free the folio (its dirty data is discarded). */
void xs_pagecache_remove(struct xs_pagecache *pc, struct xs_folio *folio);
/*
 * Simplification: a split always makes order-0 folios (from 6.15 truncate splits
 * non-uniformly, keeping the pages away from the cut in larger folios).
 * Models split_folio() to order 0 (the folio's first page stays at folio, the others
 * become new folios after it): each new folio takes the flags and the per-block bits
 * of its pages, and is dirty when the large folio was; the PTEs of its pages keep
 * mapping them (same serial and wp_gen). The caller holds the folio
 * lock (of the first index) and has checked that the kernel would split.
 */
void xs_folio_split(struct xs_pagecache *pc, struct xs_folio *folio);

/*
 * The folio's bytes (off, len relative to the folio). A folio's bytes live in pc->data,
 * kept sparse when they are mostly zero; a new folio reads as zeroes.
 */
void xs_folio_read(const struct xs_pagecache *pc, const struct xs_folio *folio, uint32_t off,
		   uint32_t len, uint8_t *buf);
void xs_folio_write(struct xs_pagecache *pc, const struct xs_folio *folio, uint32_t off,
		    uint32_t len, const uint8_t *buf);
void xs_folio_zero(struct xs_pagecache *pc, const struct xs_folio *folio, uint32_t off,
		   uint32_t len);
/* xs_folio_write() of bytes [pos, pos + len) of operation id's marker stream. */
void xs_folio_write_marker(struct xs_pagecache *pc, const struct xs_folio *folio, uint32_t off,
			   uint32_t len, uint64_t id, uint64_t pos);

/* Block-range state (bytes relative to the folio, block-aligned by the callee). */
void xs_folio_set_range_uptodate(struct xs_pagecache *pc, struct xs_folio *folio, uint32_t off,
				 uint32_t len);
bool xs_folio_range_uptodate(const struct xs_pagecache *pc, const struct xs_folio *folio,
			     uint32_t off, uint32_t len);
/* Mark [off, off + len) dirty: the folio flag and the covered blocks' bits. */
void xs_folio_mark_dirty_range(struct xs_pagecache *pc, struct xs_folio *folio, uint32_t off,
			       uint32_t len);
/* Write-protect every PTE of the folio, in every process (folio_mkclean()'s rmap walk). */
void xs_folio_wrprotect(struct xs_folio *folio);
/* Models folio_clear_dirty_for_io(): clear DIRTY, write-protect PTEs. Dirty bits stay. */
void xs_folio_clear_dirty_for_io(struct xs_pagecache *pc, struct xs_folio *folio);
void xs_folio_start_writeback(struct xs_pagecache *pc, struct xs_folio *folio);
void xs_folio_end_writeback(struct xs_pagecache *pc, struct xs_folio *folio);
/* Models folio_cancel_dirty(). */
void xs_folio_cancel_dirty(struct xs_pagecache *pc, struct xs_folio *folio);
bool xs_folio_block_dirty(const struct xs_pagecache *pc, const struct xs_folio *folio,
			  uint32_t block);
bool xs_folio_block_uptodate(const struct xs_pagecache *pc, const struct xs_folio *folio,
			     uint32_t block);
/* Is any block of the folio uptodate? */
bool xs_folio_any_uptodate(const struct xs_pagecache *pc, const struct xs_folio *folio);
/* Forget the per-block dirty state (writeback has taken it, or EOF dropped it). */
void xs_folio_clear_dirty_bits(struct xs_pagecache *pc, struct xs_folio *folio);

/*
 * Models mapping_seek_hole_data() over [start, end): whence_data true finds the first
 * byte of cached data (an uptodate folio, or an uptodate block of a partly uptodate
 * one), false the first byte that is not. Returns the offset, or -ENXIO (as int64)
 * when SEEK_DATA finds nothing; SEEK_HOLE returns end if all is data.
 */
int64_t xs_mapping_seek_hole_data(struct xs_pagecache *pc, xs_off_t start, xs_off_t end,
				  bool whence_data);

/* Evict the least recently used clean folio not under writeback; false if none. */
bool xs_pagecache_evict_one(struct xs_pagecache *pc, xs_pgoff_t *index_out);

/*
 * Up to max indexes of clean folios not under writeback, least recently used first
 * (reclaim's candidates; the caller locks each and calls xs_pagecache_remove if it is
 * still clean). Returns how many.
 */
size_t xs_pagecache_lru_clean(const struct xs_pagecache *pc, xs_pgoff_t *out, size_t max);

/* Recount nr_dirty / nr_writeback and the sort order. 0 or -EUCLEAN. */
int xs_pagecache_check(const struct xs_pagecache *pc, struct xs_err *err);

#endif /* XS_PAGECACHE_H */
