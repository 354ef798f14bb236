/*
 * The page cache; see pagecache.h for the state diagram and simplifications.
 */
#include "core/pagecache.h"

#include "core/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int xs_pagecache_init(struct xs_pagecache *pc, uint32_t page_bytes, uint32_t block_bytes)
{
	memset(pc, 0, sizeof(*pc));
	if (block_bytes > page_bytes || page_bytes % block_bytes || page_bytes / block_bytes > 64)
		return -EINVAL;
	pc->page_bytes = page_bytes;
	pc->block_bytes = block_bytes;
	pc->blocks_per_folio = page_bytes / block_bytes;
	pc->max_order = 0;
	pc->ra.prev_pos = UINT64_MAX;
	pc->ra.ra_pages = XS_VM_READAHEAD_PAGES * 4096 / page_bytes;
	xs_pagestore_init(&pc->data, page_bytes);
	pc->scratch = xs_xmalloc(page_bytes);
	return 0;
}

#define XS_FOLIO_SLAB 1024

/* A zeroed folio from the free list, refilled a slab at a time. */
static struct xs_folio *folio_alloc(struct xs_pagecache *pc)
{
	struct xs_folio *folio;

	if (!pc->free_folios) {
		struct xs_folio *slab = xs_xmalloc(XS_FOLIO_SLAB * sizeof(*slab));
		size_t i;

		pc->slabs = xs_xrealloc(pc->slabs, (pc->nslabs + 1) * sizeof(*pc->slabs));
		pc->slabs[pc->nslabs++] = slab;
		for (i = XS_FOLIO_SLAB; i-- > 0;) {
			slab[i].next_free = pc->free_folios;
			pc->free_folios = &slab[i];
		}
	}
	folio = pc->free_folios;
	pc->free_folios = folio->next_free;
	memset(folio, 0, sizeof(*folio));
	return folio;
}

/* Words of per-block bits of each kind a folio has. */
static uint32_t folio_words(const struct xs_pagecache *pc, const struct xs_folio *folio)
{
	return (xs_folio_nr_blocks(pc, folio) + 63) / 64;
}

static void folio_free(struct xs_pagecache *pc, struct xs_folio *folio)
{
	if (folio_words(pc, folio) > 1)
		free(folio->ext_bits);
	folio->next_free = pc->free_folios;
	pc->free_folios = folio;
}

/* Word w of the uptodate (dirty false) or dirty bits. */
static uint64_t *bits_word(const struct xs_pagecache *pc, const struct xs_folio *folio, bool dirty,
			   uint32_t w)
{
	struct xs_folio *f = (struct xs_folio *)folio;

	uint32_t words = folio_words(pc, folio);

	if (words == 1)
		return dirty ? &f->dirty_bits : &f->uptodate_bits;
	return &f->ext_bits[(dirty ? words : 0) + w];
}

void xs_pagecache_destroy(struct xs_pagecache *pc)
{
	size_t i;

	for (i = 0; i < pc->nr; i++)
		if (folio_words(pc, pc->folios[i]) > 1)
			free(pc->folios[i]->ext_bits);
	for (i = 0; i < pc->nslabs; i++)
		free(pc->slabs[i]);
	free(pc->slabs);
	pc->slabs = NULL;
	pc->nslabs = 0;
	pc->free_folios = NULL;
	free(pc->folios);
	pc->folios = NULL;
	pc->nr = pc->cap = 0;
	xs_pagestore_destroy(&pc->data);
	free(pc->scratch);
	pc->scratch = NULL;
}

void xs_folio_read(const struct xs_pagecache *pc, const struct xs_folio *folio, uint32_t off,
		   uint32_t len, uint8_t *buf)
{
	XS_ASSERT(off + len <= xs_folio_size(pc, folio));
	xs_pagestore_read(&pc->data, xs_folio_pos(pc, folio) + off, len, buf);
}

void xs_folio_write(struct xs_pagecache *pc, const struct xs_folio *folio, uint32_t off,
		    uint32_t len, const uint8_t *buf)
{
	XS_ASSERT(off + len <= xs_folio_size(pc, folio));
	xs_pagestore_write(&pc->data, xs_folio_pos(pc, folio) + off, len, buf);
}

void xs_folio_write_marker(struct xs_pagecache *pc, const struct xs_folio *folio, uint32_t off,
			   uint32_t len, uint64_t id, uint64_t pos)
{
	XS_ASSERT(off + len <= xs_folio_size(pc, folio));
	xs_pagestore_write_marker(&pc->data, xs_folio_pos(pc, folio) + off, len, id, pos);
}

void xs_folio_zero(struct xs_pagecache *pc, const struct xs_folio *folio, uint32_t off,
		   uint32_t len)
{
	XS_ASSERT(off + len <= xs_folio_size(pc, folio));
	xs_pagestore_zero(&pc->data, xs_folio_pos(pc, folio) + off, len);
}

size_t xs_pagecache_first_at(const struct xs_pagecache *pc, xs_pgoff_t index)
{
	size_t lo = 0, hi = pc->nr, c;

	/* at or past the last folio (an append's lookups): no search */
	if (hi && pc->folios[hi - 1]->index <= index)
		return xs_folio_next_index(pc->folios[hi - 1]) <= index ? hi : hi - 1;
	/* the folio of the last lookup, or the next one (a walk in index order) */
	for (c = pc->hint; c < pc->hint + 2 && c < hi; c++)
		if (xs_folio_next_index(pc->folios[c]) > index &&
		    (c == 0 || xs_folio_next_index(pc->folios[c - 1]) <= index))
			return c;
	/* folios do not overlap, so their ends are sorted as their starts are */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (xs_folio_next_index(pc->folios[mid]) <= index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct xs_folio *xs_pagecache_peek(const struct xs_pagecache *pc, xs_pgoff_t index)
{
	size_t i = xs_pagecache_first_at(pc, index);

	return i < pc->nr && pc->folios[i]->index <= index ? pc->folios[i] : NULL;
}

struct xs_folio *xs_pagecache_lookup(struct xs_pagecache *pc, xs_pgoff_t index)
{
	size_t i = xs_pagecache_first_at(pc, index);

	pc->hint = i;
	if (i < pc->nr && pc->folios[i]->index <= index) {
		pc->folios[i]->lru_tick = ++pc->tick;
		return pc->folios[i];
	}
	return NULL;
}

unsigned int xs_fgf_order(const struct xs_pagecache *pc, uint64_t len)
{
	unsigned int shift = 0, pshift = 0;

	while (len >> (shift + 1))
		shift++;
	while ((1ULL << (pshift + 1)) <= pc->page_bytes)
		pshift++;
	return shift <= pshift ? 0 : shift - pshift;
}

struct xs_folio *xs_pagecache_get_order(struct xs_pagecache *pc, xs_pgoff_t index,
					unsigned int order)
{
	size_t i = xs_pagecache_first_at(pc, index);
	struct xs_folio *folio;
	uint32_t words;

	if (i < pc->nr && pc->folios[i]->index <= index) {
		pc->folios[i]->lru_tick = ++pc->tick;
		return pc->folios[i];
	}
	if (order > pc->max_order)
		order = pc->max_order;
	/* a folio is naturally aligned in the file */
	while (order && (index & ((1ULL << order) - 1)))
		order--;
	/* the next cached folio would overlap: filemap_add_folio() fails, one order lower */
	while (order && i < pc->nr && pc->folios[i]->index < index + (1ULL << order))
		order--;
	if (order == 1 && pc->no_order1)
		order = 0;
	folio = folio_alloc(pc);
	folio->index = index;
	folio->order = (uint8_t)order;
	words = folio_words(pc, folio);
	if (words > 1) {
		folio->ext_bits = xs_xcalloc(2 * words, sizeof(*folio->ext_bits));
	}
	xs_folio_set_serial(folio, ++pc->next_serial);
	folio->lru_tick = ++pc->tick;
	if (pc->nr == pc->cap) {
		pc->cap = pc->cap ? pc->cap * 2 : 64;
		pc->folios = xs_xrealloc(pc->folios, pc->cap * sizeof(*pc->folios));
	}
	memmove(&pc->folios[i + 1], &pc->folios[i], (pc->nr - i) * sizeof(*pc->folios));
	pc->folios[i] = folio;
	pc->nr++;
	pc->nr_pages += xs_folio_nr_pages(folio);
	return folio;
}

struct xs_folio *xs_pagecache_get(struct xs_pagecache *pc, xs_pgoff_t index)
{
	return xs_pagecache_get_order(pc, index, 0);
}

void xs_pagecache_remove(struct xs_pagecache *pc, struct xs_folio *folio)
{
	size_t i = xs_pagecache_first_at(pc, folio->index);
	uint64_t p;

	XS_ASSERT(i < pc->nr && pc->folios[i] == folio);
	if (folio->flags & XS_FOLIO_DIRTY)
		pc->nr_dirty--;
	if (folio->flags & XS_FOLIO_WRITEBACK)
		pc->nr_writeback--;
	memmove(&pc->folios[i], &pc->folios[i + 1], (pc->nr - i - 1) * sizeof(*pc->folios));
	pc->nr--;
	pc->nr_pages -= xs_folio_nr_pages(folio);
	for (p = folio->index; p < xs_folio_next_index(folio); p++)
		xs_pagestore_drop(&pc->data, p);
	folio_free(pc, folio);
}

/* Bit b of the uptodate (dirty false) or dirty bits. */
static bool bit_get(const struct xs_pagecache *pc, const struct xs_folio *folio, bool dirty,
		    uint32_t b)
{
	if (b >= xs_folio_nr_blocks(pc, folio))
		return false;
	return (*bits_word(pc, folio, dirty, b / 64) >> (b % 64)) & 1;
}

/* Set (or clear) bits [first, last] of one kind. */
static void bits_assign(const struct xs_pagecache *pc, struct xs_folio *folio, bool dirty,
			uint32_t first, uint32_t last, bool on)
{
	uint32_t w;

	for (w = first / 64; w <= last / 64; w++) {
		uint32_t lo = w == first / 64 ? first % 64 : 0;
		uint32_t hi = w == last / 64 ? last % 64 : 63;
		uint64_t m = (hi - lo == 63 ? ~0ULL : ((1ULL << (hi - lo + 1)) - 1)) << lo;
		uint64_t *word = bits_word(pc, folio, dirty, w);

		*word = on ? *word | m : *word & ~m;
	}
}

/* Are bits [first, last] of one kind all set? */
static bool bits_all(const struct xs_pagecache *pc, const struct xs_folio *folio, bool dirty,
		     uint32_t first, uint32_t last)
{
	uint32_t w;

	for (w = first / 64; w <= last / 64; w++) {
		uint32_t lo = w == first / 64 ? first % 64 : 0;
		uint32_t hi = w == last / 64 ? last % 64 : 63;
		uint64_t m = (hi - lo == 63 ? ~0ULL : ((1ULL << (hi - lo + 1)) - 1)) << lo;

		if ((*bits_word(pc, folio, dirty, w) & m) != m)
			return false;
	}
	return true;
}

void xs_folio_split(struct xs_pagecache *pc, struct xs_folio *folio)
{
	uint32_t bpp = pc->blocks_per_folio, p, nr = (uint32_t)xs_folio_nr_pages(folio);
	size_t i = xs_pagecache_first_at(pc, folio->index);
	struct xs_folio **tail;

	if (!folio->order)
		return;
	tail = xs_xcalloc(nr, sizeof(*tail));
	for (p = 1; p < nr; p++) {
		struct xs_folio *t = folio_alloc(pc);
		uint32_t b;

		t->index = folio->index + p;
		t->flags = folio->flags;
		xs_folio_clear_flags(t, XS_FOLIO_UPTODATE);
		t->lru_tick = folio->lru_tick;
		t->dirtied_ns = folio->dirtied_ns;
		/* a PTE of this page keeps mapping it (the split remaps it to the page) */
		xs_folio_set_serial(t, xs_folio_serial(folio));
		t->wp_gen = folio->wp_gen;
		for (b = 0; b < bpp; b++) {
			if (bit_get(pc, folio, false, p * bpp + b))
				t->uptodate_bits |= 1ULL << b;
			if (bit_get(pc, folio, true, p * bpp + b))
				t->dirty_bits |= 1ULL << b;
		}
		if (t->uptodate_bits == (bpp >= 64 ? ~0ULL : (1ULL << bpp) - 1))
			t->flags |= XS_FOLIO_UPTODATE;
		if (t->flags & XS_FOLIO_DIRTY)
			pc->nr_dirty++;
		if (t->flags & XS_FOLIO_WRITEBACK)
			pc->nr_writeback++;
		tail[p] = t;
	}
	if (folio_words(pc, folio) > 1) {
		/* the head page's blocks are the first word of each kind */
		uint64_t *ext = folio->ext_bits, dirty = ext[folio_words(pc, folio)];

		folio->uptodate_bits = ext[0];
		folio->dirty_bits = dirty;
		free(ext);
	}
	folio->order = 0;
	if (bpp < 64) {
		folio->uptodate_bits &= (1ULL << bpp) - 1;
		folio->dirty_bits &= (1ULL << bpp) - 1;
	}
	if (folio->uptodate_bits != (bpp >= 64 ? ~0ULL : (1ULL << bpp) - 1))
		xs_folio_clear_flags(folio, XS_FOLIO_UPTODATE);
	else
		folio->flags |= XS_FOLIO_UPTODATE;
	while (pc->nr + nr - 1 > pc->cap) {
		pc->cap = pc->cap ? pc->cap * 2 : 64;
		pc->folios = xs_xrealloc(pc->folios, pc->cap * sizeof(*pc->folios));
	}
	memmove(&pc->folios[i + nr], &pc->folios[i + 1], (pc->nr - i - 1) * sizeof(*pc->folios));
	for (p = 1; p < nr; p++)
		pc->folios[i + p] = tail[p];
	pc->nr += nr - 1;
	free(tail);
}

/* The blocks [*first, *last] that [off, off + len) touches; false if none. */
static bool block_range(const struct xs_pagecache *pc, const struct xs_folio *folio, uint32_t off,
			uint32_t len, uint32_t *first, uint32_t *last)
{
	if (!len)
		return false;
	XS_ASSERT(off + len <= xs_folio_size(pc, folio));
	*first = off / pc->block_bytes;
	*last = (off + len - 1) / pc->block_bytes;
	return true;
}

void xs_folio_set_range_uptodate(struct xs_pagecache *pc, struct xs_folio *folio, uint32_t off,
				 uint32_t len)
{
	uint32_t first, last;

	if (!block_range(pc, folio, off, len, &first, &last))
		return;
	bits_assign(pc, folio, false, first, last, true);
	if (bits_all(pc, folio, false, 0, xs_folio_nr_blocks(pc, folio) - 1))
		folio->flags |= XS_FOLIO_UPTODATE;
}

bool xs_folio_range_uptodate(const struct xs_pagecache *pc, const struct xs_folio *folio,
			     uint32_t off, uint32_t len)
{
	uint32_t first, last;

	if (!block_range(pc, folio, off, len, &first, &last))
		return true;
	return bits_all(pc, folio, false, first, last);
}

void xs_folio_mark_dirty_range(struct xs_pagecache *pc, struct xs_folio *folio, uint32_t off,
			       uint32_t len)
{
	uint32_t first, last;

	if (block_range(pc, folio, off, len, &first, &last))
		bits_assign(pc, folio, true, first, last, true);
	if (!(folio->flags & XS_FOLIO_DIRTY)) {
		folio->flags |= XS_FOLIO_DIRTY;
		folio->dirtied_ns = pc->now_ns;
		pc->nr_dirty++;
	}
}

bool xs_folio_block_dirty(const struct xs_pagecache *pc, const struct xs_folio *folio,
			  uint32_t block)
{
	return bit_get(pc, folio, true, block);
}

bool xs_folio_block_uptodate(const struct xs_pagecache *pc, const struct xs_folio *folio,
			     uint32_t block)
{
	return bit_get(pc, folio, false, block);
}

bool xs_folio_any_uptodate(const struct xs_pagecache *pc, const struct xs_folio *folio)
{
	uint32_t w;

	for (w = 0; w < folio_words(pc, folio); w++)
		if (*bits_word(pc, folio, false, w))
			return true;
	return false;
}

void xs_folio_clear_dirty_bits(struct xs_pagecache *pc, struct xs_folio *folio)
{
	bits_assign(pc, folio, true, 0, xs_folio_nr_blocks(pc, folio) - 1, false);
}

void xs_folio_clear_dirty_for_io(struct xs_pagecache *pc, struct xs_folio *folio)
{
	if (folio->flags & XS_FOLIO_DIRTY) {
		xs_folio_clear_flags(folio, XS_FOLIO_DIRTY);
		pc->nr_dirty--;
	}
	/* folio_mkclean(): the next store through a mapping faults again */
	xs_folio_wrprotect(folio);
}

void xs_folio_wrprotect(struct xs_folio *folio)
{
	xs_folio_clear_flags(folio, XS_FOLIO_PTE_WRITE);
	folio->wp_gen++;
}

void xs_folio_start_writeback(struct xs_pagecache *pc, struct xs_folio *folio)
{
	XS_ASSERT(!(folio->flags & XS_FOLIO_WRITEBACK));
	folio->flags |= XS_FOLIO_WRITEBACK;
	pc->nr_writeback++;
}

void xs_folio_end_writeback(struct xs_pagecache *pc, struct xs_folio *folio)
{
	XS_ASSERT(folio->flags & XS_FOLIO_WRITEBACK);
	xs_folio_clear_flags(folio, XS_FOLIO_WRITEBACK);
	pc->nr_writeback--;
}

void xs_folio_cancel_dirty(struct xs_pagecache *pc, struct xs_folio *folio)
{
	if (folio->flags & XS_FOLIO_DIRTY) {
		xs_folio_clear_flags(folio, XS_FOLIO_DIRTY);
		pc->nr_dirty--;
	}
	xs_folio_clear_dirty_bits(pc, folio);
}

int64_t xs_mapping_seek_hole_data(struct xs_pagecache *pc, xs_off_t start, xs_off_t end,
				  bool whence_data)
{
	uint64_t pos = start;
	size_t i = xs_pagecache_first_at(pc, start / pc->page_bytes);

	while (pos < end) {
		struct xs_folio *folio = i < pc->nr ? pc->folios[i] : NULL;
		xs_off_t fpos, fend;

		if (!folio || xs_folio_pos(pc, folio) > pos) {
			/* a gap in the cache: a hole */
			if (!whence_data)
				return (int64_t)pos;
			if (!folio)
				break;
			pos = xs_folio_pos(pc, folio);
			continue;
		}
		fpos = xs_folio_pos(pc, folio);
		fend = fpos + xs_folio_size(pc, folio);
		/* walk this folio block by block */
		while (pos < fend && pos < end) {
			bool data = xs_folio_range_uptodate(pc, folio, (uint32_t)(pos - fpos), 1);
			uint64_t bend = (pos / pc->block_bytes + 1) * pc->block_bytes;

			if (data == whence_data)
				return (int64_t)pos;
			pos = bend;
		}
		i++;
	}
	if (whence_data)
		return -ENXIO;
	return (int64_t)end;
}

bool xs_pagecache_evict_one(struct xs_pagecache *pc, xs_pgoff_t *index_out)
{
	size_t i, best = SIZE_MAX;

	for (i = 0; i < pc->nr; i++) {
		struct xs_folio *f = pc->folios[i];

		if (f->flags & (XS_FOLIO_DIRTY | XS_FOLIO_WRITEBACK))
			continue;
		if (best == SIZE_MAX || f->lru_tick < pc->folios[best]->lru_tick)
			best = i;
	}
	if (best == SIZE_MAX)
		return false;
	if (index_out)
		*index_out = pc->folios[best]->index;
	xs_pagecache_remove(pc, pc->folios[best]);
	return true;
}

static int lru_cmp(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : (x[1] < y[1] ? -1 : x[1] > y[1]);
}

size_t xs_pagecache_lru_clean(const struct xs_pagecache *pc, xs_pgoff_t *out, size_t max)
{
	uint64_t *pairs;
	size_t i, n = 0;

	if (!max)
		return 0;
	pairs = xs_xmalloc(2 * pc->nr * sizeof(*pairs) + 1);
	for (i = 0; i < pc->nr; i++) {
		const struct xs_folio *f = pc->folios[i];

		if (f->flags & (XS_FOLIO_DIRTY | XS_FOLIO_WRITEBACK))
			continue;
		pairs[2 * n] = f->lru_tick;
		pairs[2 * n + 1] = f->index;
		n++;
	}
	qsort(pairs, n, 2 * sizeof(*pairs), lru_cmp);
	if (n > max)
		n = max;
	for (i = 0; i < n; i++)
		out[i] = pairs[2 * i + 1];
	free(pairs);
	return n;
}

int xs_pagecache_check(const struct xs_pagecache *pc, struct xs_err *err)
{
	uint64_t dirty = 0, wb = 0, pages = 0;
	size_t i;

	for (i = 0; i < pc->nr; i++) {
		const struct xs_folio *f = pc->folios[i];

		if (i && xs_folio_next_index(pc->folios[i - 1]) > f->index)
			return xs_err_set(err, -EUCLEAN, "page cache out of order at %zu", i);
		pages += xs_folio_nr_pages(f);
		if (f->flags & XS_FOLIO_DIRTY)
			dirty++;
		if (f->flags & XS_FOLIO_WRITEBACK)
			wb++;
		if ((f->flags & XS_FOLIO_UPTODATE) &&
		    !bits_all(pc, f, false, 0, xs_folio_nr_blocks(pc, f) - 1))
			return xs_err_set(err, -EUCLEAN, "uptodate folio %llu with stale blocks",
					  (unsigned long long)f->index);
	}
	if (xs_pagestore_check(&pc->data, err))
		return -EUCLEAN;
	if (pages != pc->nr_pages)
		return xs_err_set(err, -EUCLEAN, "nr_pages %llu, folios hold %llu",
				  (unsigned long long)pc->nr_pages, (unsigned long long)pages);
	if (dirty != pc->nr_dirty || wb != pc->nr_writeback)
		return xs_err_set(err, -EUCLEAN, "nr_dirty %llu/%llu nr_writeback %llu/%llu",
				  (unsigned long long)pc->nr_dirty, (unsigned long long)dirty,
				  (unsigned long long)pc->nr_writeback, (unsigned long long)wb);
	return 0;
}
_Static_assert(sizeof(struct xs_folio) == 56, "a folio is 56 bytes (see pagecache.h)");
