/*
 * Speculative post-EOF preallocation: its size when a write extends the file, and
 * who trims it (close, blockgc, eviction).
 *
 * Models xfs_iomap_prealloc_size() and xfs_eof_alignment() of fs/xfs/xfs_iomap.c and
 * xfs_can_free_eofblocks() / xfs_free_eofblocks() of fs/xfs/xfs_bmap_util.c (6.18).
 *
 * Simplification: no quota throttling (quota is not modelled); the free-space read
 * is exact, not percpu_counter_read_positive's approximation.
 */
#ifndef XS_PREALLOC_H
#define XS_PREALLOC_H

#include "core/inode.h"

/*
 * Models xfs_iomap_prealloc_size(): blocks of preallocation for a write of count
 * bytes at offset that extends the file; icur is the lookup cursor at offset (past
 * the end, since the write is beyond the last record).
 */
xs_filblks_t xs_iomap_prealloc_size(struct xs_inode *ip, xs_off_t offset, xs_off_t count,
				    const struct xs_iext_cursor *icur);

/* Models xfs_eof_alignment(): stripe alignment of the end of a preallocation. */
xs_filblks_t xs_eof_alignment(const struct xs_inode *ip);

/* Models xfs_can_free_eofblocks(). */
bool xs_can_free_eofblocks(struct xs_inode *ip);

/*
 * Models xfs_free_eofblocks(): remove everything at or beyond the first block wholly
 * past EOF (PREALLOC/APPEND files: only the post-EOF delalloc) and clear the
 * EOFBLOCKS tag. Returns the blocks removed.
 */
xs_filblks_t xs_free_eofblocks(struct xs_inode *ip);

#endif /* XS_PREALLOC_H */
