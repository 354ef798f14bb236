/*
 * Readahead; see readahead.h.
 *
 * Simplification: a read that is neither sequential nor at a marked folio reads just
 * what it asked for (the kernel also looks for a stream in the pages cached before it,
 * page_cache_prev_miss / try_context_readahead); a marked folio met out of sequence
 * starts nothing; the mmap read-around ignores mmap_miss and VM_RAND_READ.
 * Simplification: on 6.18 the kernel ends some ramping windows early (a window of 64
 * pages from page 20 stopped at page 80, not 84); the model fills each window.
 */
#include "core/readahead.h"

#include "core/iomap.h"

static bool ra_async_policy(const struct xs_inode *ip)
{
	return ip->i_fs->policy.ra_order == XS_RA_ASYNC;
}

static unsigned int ilog2_u64(uint64_t v)
{
	unsigned int r = 0;

	while (v >>= 1)
		r++;
	return r;
}

static unsigned int ffs_u64(uint64_t v)
{
	unsigned int r = 0;

	while (!(v & 1)) {
		v >>= 1;
		r++;
	}
	return r;
}

/* Models get_init_ra_size(). */
static uint64_t get_init_ra_size(uint64_t size, uint64_t max)
{
	uint64_t newsize = 1;

	while (newsize < size)
		newsize <<= 1;
	if (newsize <= max / 32)
		newsize *= 4;
	else if (newsize <= max / 4)
		newsize *= 2;
	else
		newsize = max;
	return newsize;
}

/* Models get_next_ra_size(). */
static uint64_t get_next_ra_size(const struct xs_ra_state *ra, uint64_t max)
{
	if (ra->size < max / 16)
		return 4 * ra->size;
	if (ra->size <= max / 2)
		return 2 * ra->size;
	return max;
}

/*
 * Add a folio of order at index, marked when it holds mark, and read it. False if a
 * folio is already cached in its range (filemap_add_folio()'s -EEXIST).
 */
static bool ra_alloc_folio(struct xs_inode *ip, xs_pgoff_t index, xs_pgoff_t mark,
			   unsigned int order)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	size_t i = xs_pagecache_first_at(pc, index);
	struct xs_folio *folio;

	if (i < pc->nr && pc->folios[i]->index < index + (1ULL << order))
		return false;
	xs_folio_lock(ip->i_fs, index);
	if (xs_pagecache_peek(pc, index)) {
		xs_folio_unlock(ip->i_fs, index);
		return false;
	}
	folio = xs_pagecache_get_order(pc, index, order);
	XS_ASSERT(folio->order == order);
	if (mark >= index && mark < xs_folio_next_index(folio))
		folio->flags |= XS_FOLIO_READAHEAD;
	xs_iomap_read_folio(ip, folio);
	xs_folio_unlock(ip->i_fs, index);
	return true;
}

/*
 * Models page_cache_ra_unbounded(): order-0 folios for nr pages from index, skipping
 * cached ones, the page at index + nr - lookahead marked; never past EOF.
 */
static void do_page_cache_ra(struct xs_inode *ip, xs_pgoff_t index, uint64_t nr, uint64_t lookahead)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	xs_pgoff_t end, p;

	if (!ip->i_size)
		return;
	end = xs_min_u64(index + nr, (ip->i_size - 1) / pc->page_bytes + 1);
	for (p = index; p < end; p++)
		if (!xs_pagecache_peek(pc, p))
			ra_alloc_folio(ip, p, index + nr - lookahead, 0);
}

/* Models page_cache_ra_order() for the window in pc->ra, asking for order. */
static void page_cache_ra_order(struct xs_inode *ip, unsigned int order)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	struct xs_ra_state *ra = &pc->ra;
	xs_pgoff_t index = ra->start, limit, mark = ra->start + ra->size - ra->async_size;
	bool plus2 = !ra_async_policy(ip);

	if (!ip->i_size || !ra->size)
		return;
	xs_fs_lock(ip->i_fs, XS_LOCK_INVALIDATE, XS_LOCK_SHARED);
	limit = xs_min_u64((ip->i_size - 1) / pc->page_bytes, ra->start + ra->size - 1);
	if (!pc->max_order || (plus2 && ra->size < 4))
		goto fallback;
	if (plus2 && order < pc->max_order)
		order += 2;
	if (order > pc->max_order)
		order = pc->max_order;
	if (order > ilog2_u64(ra->size))
		order = ilog2_u64(ra->size);
	ra->order = order;
	while (index <= limit) {
		unsigned int o = order;

		if (index & ((1ULL << o) - 1))
			o = ffs_u64(index);
		/* never past EOF (nor past the window) */
		while (o && index + (1ULL << o) - 1 > limit)
			o--;
		if (o == 1 && pc->no_order1)
			o = 0;
		if (!ra_alloc_folio(ip, index, mark, o))
			break;
		index += 1ULL << o;
	}
	if (index > limit)
		goto out;
fallback:
	/* something was cached in the window: the rest a page at a time */
	if (ra->size > index - ra->start)
		do_page_cache_ra(ip, index, ra->size - (index - ra->start), ra->async_size);
out:
	xs_fs_unlock(ip->i_fs, XS_LOCK_INVALIDATE, XS_LOCK_SHARED);
}

void xs_page_cache_sync_ra(struct xs_inode *ip, xs_pgoff_t index, uint64_t req)
{
	struct xs_ra_state *ra = &ip->i_mapping.ra;
	uint64_t max = ra->ra_pages;
	xs_pgoff_t prev =
		ra->prev_pos == UINT64_MAX ? UINT64_MAX : ra->prev_pos / ip->i_mapping.page_bytes;

	if (!max)
		return;
	/* the start of the file, an oversized read, or a sequential miss */
	if (index == 0 || req > max || (prev != UINT64_MAX && index - prev <= 1)) {
		ra->start = index;
		ra->size = get_init_ra_size(req, max);
		if (ra->size > req)
			ra->async_size = ra->size - req;
		else
			ra->async_size = ra_async_policy(ip) ? ra->size / 2 : ra->size;
		page_cache_ra_order(ip, 0);
		return;
	}
	/* a small random read: read as is, the state untouched */
	do_page_cache_ra(ip, index, req, 0);
}

void xs_page_cache_async_ra(struct xs_inode *ip, struct xs_folio *folio, uint64_t req)
{
	struct xs_ra_state *ra = &ip->i_mapping.ra;
	uint64_t align = 1ULL << folio->order, mark = ra->start + ra->size - ra->async_size;
	xs_pgoff_t expected;
	unsigned int order;

	(void)req;
	if (!ra->ra_pages || (folio->flags & XS_FOLIO_WRITEBACK))
		return;
	xs_folio_clear_flags(folio, XS_FOLIO_READAHEAD);
	/* 6.16+ rounds the mark down to the folio, before it up */
	expected = ra_async_policy(ip) ? mark / align * align : (mark + align - 1) / align * align;
	if (folio->index != expected && folio->index != ra->start + ra->size)
		return;
	ra->start += ra->size;
	ra->size =
		xs_max_u64(ra_async_policy(ip) ? ra->size : 0, get_next_ra_size(ra, ra->ra_pages));
	ra->async_size = ra->size;
	/* 6.16+ keeps the order in the state and adds 2 here; before, ra_order added 2 */
	if (ra_async_policy(ip))
		order = ra->order + 2;
	else
		order = folio->order;
	page_cache_ra_order(ip, order);
}

void xs_mmap_read_around(struct xs_inode *ip, xs_pgoff_t index)
{
	struct xs_ra_state *ra = &ip->i_mapping.ra;

	if (!ra->ra_pages)
		return;
	ra->start = index > ra->ra_pages / 2 ? index - ra->ra_pages / 2 : 0;
	ra->size = ra->ra_pages;
	ra->async_size = ra->ra_pages / 4;
	page_cache_ra_order(ip, 0);
}
