/*
 * What bmap.c (lookup and delalloc) and bmap_real.c (real extents) share. Not a
 * public interface: callers outside the two use bmap.h.
 */
#ifndef XS_BMAP_INTERNAL_H
#define XS_BMAP_INTERNAL_H

#include "core/inode.h"

#include <stdint.h>

/*
 * Models xfs_mod_delalloc(): move the mount's delalloc_blks by the data and indlen
 * deltas, blocks (negative to release). The sum must stay >= 0.
 */
void xs_mod_delalloc(struct xs_inode *ip, int64_t data_delta, int64_t ind_delta);

#endif /* XS_BMAP_INTERNAL_H */
