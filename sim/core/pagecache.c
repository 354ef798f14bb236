/*
 * The page cache; see pagecache.h for the state diagram and simplifications.
 */
#include "core/pagecache.h"

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
	xs_pagestore_init(&pc->data, page_bytes);
	pc->scratch = malloc(page_bytes);
	XS_ASSERT(pc->scratch);
	return 0;
}

static void folio_free(struct xs_folio *folio)
{
	free(folio);
}

void xs_pagecache_destroy(struct xs_pagecache *pc)
{
	size_t i;

	for (i = 0; i < pc->nr; i++)
		folio_free(pc->folios[i]);
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
	XS_ASSERT(off + len <= pc->page_bytes);
	xs_pagestore_read(&pc->data, folio->index * pc->page_bytes + off, len, buf);
}

void xs_folio_write(struct xs_pagecache *pc, const struct xs_folio *folio, uint32_t off,
		    uint32_t len, const uint8_t *buf)
{
	XS_ASSERT(off + len <= pc->page_bytes);
	xs_pagestore_write(&pc->data, folio->index * pc->page_bytes + off, len, buf);
}

void xs_folio_zero(struct xs_pagecache *pc, const struct xs_folio *folio, uint32_t off,
		   uint32_t len)
{
	XS_ASSERT(off + len <= pc->page_bytes);
	xs_pagestore_zero(&pc->data, folio->index * pc->page_bytes + off, len);
}

size_t xs_pagecache_first_at(const struct xs_pagecache *pc, xs_pgoff_t index)
{
	size_t lo = 0, hi = pc->nr;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (pc->folios[mid]->index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct xs_folio *xs_pagecache_lookup(struct xs_pagecache *pc, xs_pgoff_t index)
{
	size_t i = xs_pagecache_first_at(pc, index);

	if (i < pc->nr && pc->folios[i]->index == index) {
		pc->folios[i]->lru_tick = ++pc->tick;
		return pc->folios[i];
	}
	return NULL;
}

struct xs_folio *xs_pagecache_get(struct xs_pagecache *pc, xs_pgoff_t index)
{
	size_t i = xs_pagecache_first_at(pc, index);
	struct xs_folio *folio;

	if (i < pc->nr && pc->folios[i]->index == index) {
		pc->folios[i]->lru_tick = ++pc->tick;
		return pc->folios[i];
	}
	folio = calloc(1, sizeof(*folio));
	XS_ASSERT(folio);
	folio->index = index;
	folio->serial = ++pc->next_serial;
	folio->lru_tick = ++pc->tick;
	if (pc->nr == pc->cap) {
		pc->cap = pc->cap ? pc->cap * 2 : 64;
		pc->folios = realloc(pc->folios, pc->cap * sizeof(*pc->folios));
		XS_ASSERT(pc->folios);
	}
	memmove(&pc->folios[i + 1], &pc->folios[i], (pc->nr - i) * sizeof(*pc->folios));
	pc->folios[i] = folio;
	pc->nr++;
	return folio;
}

void xs_pagecache_remove(struct xs_pagecache *pc, struct xs_folio *folio)
{
	size_t i = xs_pagecache_first_at(pc, folio->index);

	XS_ASSERT(i < pc->nr && pc->folios[i] == folio);
	if (folio->flags & XS_FOLIO_DIRTY)
		pc->nr_dirty--;
	if (folio->flags & XS_FOLIO_WRITEBACK)
		pc->nr_writeback--;
	memmove(&pc->folios[i], &pc->folios[i + 1], (pc->nr - i - 1) * sizeof(*pc->folios));
	pc->nr--;
	xs_pagestore_drop(&pc->data, folio->index);
	folio_free(folio);
}

static uint64_t block_mask(const struct xs_pagecache *pc, uint32_t off, uint32_t len)
{
	uint32_t first, last;

	if (!len)
		return 0;
	first = off / pc->block_bytes;
	last = (off + len - 1) / pc->block_bytes;
	if (last - first + 1 >= 64)
		return ~0ULL;
	return ((1ULL << (last - first + 1)) - 1) << first;
}

static uint64_t all_blocks(const struct xs_pagecache *pc)
{
	return pc->blocks_per_folio >= 64 ? ~0ULL : (1ULL << pc->blocks_per_folio) - 1;
}

void xs_folio_set_range_uptodate(struct xs_pagecache *pc, struct xs_folio *folio, uint32_t off,
				 uint32_t len)
{
	folio->uptodate_bits |= block_mask(pc, off, len);
	if ((folio->uptodate_bits & all_blocks(pc)) == all_blocks(pc))
		folio->flags |= XS_FOLIO_UPTODATE;
}

bool xs_folio_range_uptodate(const struct xs_pagecache *pc, const struct xs_folio *folio,
			     uint32_t off, uint32_t len)
{
	uint64_t m = block_mask(pc, off, len);

	return (folio->uptodate_bits & m) == m;
}

void xs_folio_mark_dirty_range(struct xs_pagecache *pc, struct xs_folio *folio, uint32_t off,
			       uint32_t len)
{
	folio->dirty_bits |= block_mask(pc, off, len);
	if (!(folio->flags & XS_FOLIO_DIRTY)) {
		folio->flags |= XS_FOLIO_DIRTY;
		folio->dirtied_ns = pc->now_ns;
		pc->nr_dirty++;
	}
}

bool xs_folio_block_dirty(const struct xs_pagecache *pc, const struct xs_folio *folio,
			  uint32_t block)
{
	(void)pc;
	return (folio->dirty_bits >> block) & 1;
}

bool xs_folio_block_uptodate(const struct xs_pagecache *pc, const struct xs_folio *folio,
			     uint32_t block)
{
	(void)pc;
	return (folio->uptodate_bits >> block) & 1;
}

void xs_folio_clear_dirty_bits(struct xs_pagecache *pc, struct xs_folio *folio)
{
	(void)pc;
	folio->dirty_bits = 0;
}

void xs_folio_clear_dirty_for_io(struct xs_pagecache *pc, struct xs_folio *folio)
{
	if (folio->flags & XS_FOLIO_DIRTY) {
		folio->flags &= ~XS_FOLIO_DIRTY;
		pc->nr_dirty--;
	}
	/* folio_mkclean(): the next store through a mapping faults again */
	xs_folio_wrprotect(folio);
}

void xs_folio_wrprotect(struct xs_folio *folio)
{
	folio->flags &= ~XS_FOLIO_PTE_WRITE;
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
	folio->flags &= ~XS_FOLIO_WRITEBACK;
	pc->nr_writeback--;
}

void xs_folio_cancel_dirty(struct xs_pagecache *pc, struct xs_folio *folio)
{
	if (folio->flags & XS_FOLIO_DIRTY) {
		folio->flags &= ~XS_FOLIO_DIRTY;
		pc->nr_dirty--;
	}
	folio->dirty_bits = 0;
}

int64_t xs_mapping_seek_hole_data(struct xs_pagecache *pc, xs_off_t start, xs_off_t end,
				  bool whence_data)
{
	uint64_t pos = start;
	size_t i = xs_pagecache_first_at(pc, start / pc->page_bytes);

	while (pos < end) {
		uint64_t index = pos / pc->page_bytes;
		struct xs_folio *folio = i < pc->nr ? pc->folios[i] : NULL;
		xs_off_t fend = (index + 1) * pc->page_bytes;

		if (!folio || folio->index != index) {
			/* a gap in the cache: a hole */
			if (!whence_data)
				return (int64_t)pos;
			if (!folio)
				break;
			pos = folio->index * pc->page_bytes;
			continue;
		}
		/* walk this folio block by block */
		while (pos < fend && pos < end) {
			uint32_t in = (uint32_t)(pos - index * pc->page_bytes);
			bool data = xs_folio_range_uptodate(pc, folio, in, 1);
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
	pairs = malloc(2 * pc->nr * sizeof(*pairs) + 1);
	XS_ASSERT(pairs);
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
	uint64_t dirty = 0, wb = 0;
	size_t i;

	for (i = 0; i < pc->nr; i++) {
		const struct xs_folio *f = pc->folios[i];

		if (i && pc->folios[i - 1]->index >= f->index)
			return xs_err_set(err, -EUCLEAN, "page cache out of order at %zu", i);
		if (f->flags & XS_FOLIO_DIRTY)
			dirty++;
		if (f->flags & XS_FOLIO_WRITEBACK)
			wb++;
		if ((f->flags & XS_FOLIO_UPTODATE) &&
		    (f->uptodate_bits & all_blocks(pc)) != all_blocks(pc))
			return xs_err_set(err, -EUCLEAN, "uptodate folio %llu with stale blocks",
					  (unsigned long long)f->index);
	}
	if (xs_pagestore_check(&pc->data, err))
		return -EUCLEAN;
	if (dirty != pc->nr_dirty || wb != pc->nr_writeback)
		return xs_err_set(err, -EUCLEAN, "nr_dirty %llu/%llu nr_writeback %llu/%llu",
				  (unsigned long long)pc->nr_dirty, (unsigned long long)dirty,
				  (unsigned long long)pc->nr_writeback, (unsigned long long)wb);
	return 0;
}
