/*
 * Writeback: dirty folios to disk, converting delalloc on the way, and I/O
 * completion converting unwritten extents and moving the on-disk size.
 *
 * Models iomap_writepages / iomap_writepage_map (fs/iomap/buffered-io.c) and
 * xfs_map_blocks / xfs_imap_valid / xfs_end_ioend / xfs_discard_folio (fs/xfs/xfs_aops.c),
 * Linux 6.18.
 *
 * Simplification: an ioend completes as soon as it is submitted (the host's io hook
 * may take simulated time, but no other folio of this writeback runs meanwhile).
 * Simplification: the ioend is submitted at the end of each folio, so sequential
 * writeback issues one folio-sized synchronous I/O at a time where the kernel builds
 * ioends across contiguous folios and completes them asynchronously: a 64 MiB fsync
 * on the nvme device takes 16384 4 KiB I/Os (~12 us each, ~330 MB/s simulated).
 * Accumulating needs folios to stay under writeback across other actors' steps, and
 * so the kernel's waits for writeback (truncate, data-integrity writeback).
 */
#ifndef XS_WRITEBACK_H
#define XS_WRITEBACK_H

#include "core/inode.h"

/*
 * Write back every dirty folio with bytes in [start, end] (inclusive) and wait.
 * Returns 0 or the first error (-ENOSPC from delalloc conversion, -EIO).
 */
int xs_filemap_write_and_wait_range(struct xs_inode *ip, xs_off_t start, xs_off_t end);

/* Write back at most nr_folios dirty folios, lowest index first (the flusher). */
int xs_writeback_some(struct xs_inode *ip, uint64_t nr_folios);

/* Write back the folios dirtied at or before dirtied_before_ns (periodic writeback). */
int xs_writeback_expired(struct xs_inode *ip, uint64_t dirtied_before_ns);

#endif /* XS_WRITEBACK_H */
