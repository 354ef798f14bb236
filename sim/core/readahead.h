/*
 * Readahead: the folios a read() or a read fault adds to the page cache around the
 * page it wants, and their order (docs/kernel.md, "Large folios").
 *
 * Models mm/readahead.c (page_cache_sync_ra, page_cache_async_ra, page_cache_ra_order,
 * ra_alloc_folio, page_cache_ra_unbounded) and the read-around of mm/filemap.c
 * (do_sync_mmap_readahead), 5.18 to 6.18 as the policy's ra_order selects.
 *
 * Every folio it adds is read at once (iomap_readahead), under invalidate_lock shared
 * and its folio lock; the caller holds no folio lock.
 */
#ifndef XS_READAHEAD_H
#define XS_READAHEAD_H

#include "core/inode.h"

/* A read() found no folio at index; it wants req pages from there. */
void xs_page_cache_sync_ra(struct xs_inode *ip, xs_pgoff_t index, uint64_t req);
/* A read() met folio, marked PG_readahead; it wants req pages from the folio on. */
void xs_page_cache_async_ra(struct xs_inode *ip, struct xs_folio *folio, uint64_t req);
/* A read fault found no folio at index: the mmap read-around. */
void xs_mmap_read_around(struct xs_inode *ip, xs_pgoff_t index);

#endif /* XS_READAHEAD_H */
