/*
 * Busy extents: blocks freed by transactions the log has not yet committed, free
 * space that no allocation may take before the commit. Models
 * fs/xfs/xfs_extent_busy.c; see extent_busy.c and docs/kernel.md, "Freed blocks:
 * busy extents".
 */
#ifndef XS_EXTENT_BUSY_H
#define XS_EXTENT_BUSY_H

#include "core/space.h"

/* Models xfs_extent_busy_insert(): [agbno, agbno + len) of pag is busy. */
void xs_extent_busy_insert(struct xs_perag *pag, xs_agblock_t agbno, xs_filblks_t len);

/*
 * Models xfs_extent_busy_trim(): the part of the free extent [*bnop, *bnop + *lenp)
 * an allocation of minlen..maxlen may use. A busy range at the start or end is cut
 * off; one in the middle leaves the left piece if it holds maxlen, else the right if
 * it holds 4 * maxlen, else the left if it holds minlen, else nothing (*lenp = 0: the
 * whole extent is refused). Returns true when it changed the extent.
 */
bool xs_extent_busy_trim(const struct xs_perag *pag, xs_filblks_t minlen, xs_filblks_t maxlen,
			 xs_agblock_t *bnop, xs_filblks_t *lenp);

/*
 * The log has committed (a log force: fsync, sync, or the allocator's
 * xfs_extent_busy_flush when every candidate extent was busy): no extent is busy.
 */
void xs_extent_busy_clear(struct xs_mount *mp);

/* Blocks busy in all AGs. */
xs_filblks_t xs_extent_busy_blocks(const struct xs_mount *mp);

/* Every busy extent of pag lies inside one free extent, none overlap. 0 or -EUCLEAN. */
int xs_extent_busy_check(const struct xs_perag *pag, uint32_t agno, struct xs_err *err);

#endif /* XS_EXTENT_BUSY_H */
