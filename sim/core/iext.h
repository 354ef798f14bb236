/*
 * Incore extent tree: the B+tree of extent records of one inode fork, keyed by
 * br_startoff, and the fork's sequence counter if_seq.
 *
 * Models fs/xfs/libxfs/xfs_iext_tree.c and the xfs_ifork fields it uses. Nodes are
 * 256 bytes as in the kernel: inner nodes hold 16 keys and 16 child pointers, leaves
 * 15 records plus prev/next pointers. Records never overlap; the tree does not merge
 * them (bmap does).
 *
 * A cursor names a position (leaf, index). Positions run from 0 to if_nextents; the
 * position if_nextents is "past the end" and xs_iext_get_extent() returns false there,
 * as does any position before the first record.
 *
 * Every insert, remove and update increments if_seq before changing the tree: a
 * cached mapping that recorded if_seq is stale once it differs (xfs_iext_inc_seq()).
 */
#ifndef XS_IEXT_H
#define XS_IEXT_H

#include "core/xs_types.h"

struct xs_iext_node;
struct xs_iext_leaf;

struct xs_ifork {
	void *if_root;	      /* leaf when if_height == 1, else a node; NULL when empty */
	int if_height;	      /* 0: empty, 1: root is a leaf */
	uint64_t if_nextents; /* number of records */
	uint32_t if_seq;      /* bumped by every insert/remove/update */
};

struct xs_iext_cursor {
	struct xs_iext_leaf *leaf;
	int pos;
};

void xs_iext_init(struct xs_ifork *ifp);
/* Free every node; the fork is empty afterwards (if_seq is kept). */
void xs_iext_destroy(struct xs_ifork *ifp);

/* Position the cursor on the first / last record (or past the end when empty). */
void xs_iext_first(struct xs_ifork *ifp, struct xs_iext_cursor *cur);
void xs_iext_last(struct xs_ifork *ifp, struct xs_iext_cursor *cur);
/*
 * Step the cursor; stepping past either end leaves it on an invalid position, where
 * further steps outwards stay and one step back returns to the end record. A cursor
 * with a NULL leaf steps to the first (next) or last (prev) record, as in the kernel.
 */
void xs_iext_next(struct xs_ifork *ifp, struct xs_iext_cursor *cur);
void xs_iext_prev(struct xs_ifork *ifp, struct xs_iext_cursor *cur);

/* Copy the record at the cursor into *gotp; false if the position is invalid. */
bool xs_iext_get_extent(struct xs_ifork *ifp, const struct xs_iext_cursor *cur,
			struct xs_bmbt_irec *gotp);
/* The record after / before the cursor, without moving it. */
bool xs_iext_peek_next_extent(struct xs_ifork *ifp, const struct xs_iext_cursor *cur,
			      struct xs_bmbt_irec *gotp);
bool xs_iext_peek_prev_extent(struct xs_ifork *ifp, const struct xs_iext_cursor *cur,
			      struct xs_bmbt_irec *gotp);

/*
 * Models xfs_iext_next_extent() / xfs_iext_prev_extent() (xfs_inode_fork.h): step the
 * cursor, then copy the record there into *gotp; false when it stepped off either end.
 */
bool xs_iext_next_extent(struct xs_ifork *ifp, struct xs_iext_cursor *cur,
			 struct xs_bmbt_irec *gotp);
bool xs_iext_prev_extent(struct xs_ifork *ifp, struct xs_iext_cursor *cur,
			 struct xs_bmbt_irec *gotp);

/*
 * Models xfs_iext_lookup_extent(): position the cursor on the record containing
 * offset_fsb, or else on the first record starting after it, and copy it into *gotp.
 * Returns false when no record contains or follows offset_fsb (the cursor is then
 * past the end).
 */
bool xs_iext_lookup_extent(struct xs_ifork *ifp, xs_fileoff_t offset_fsb,
			   struct xs_iext_cursor *cur, struct xs_bmbt_irec *gotp);

/*
 * Models xfs_iext_lookup_extent_before(): the last record starting before *end_fsb.
 * On success *end_fsb becomes min(*end_fsb, got end): unchanged when the record covers
 * *end_fsb - 1, lowered to the record's end when it ends in a hole before *end_fsb.
 * Returns false (and leaves *end_fsb alone) when no record starts before *end_fsb.
 */
bool xs_iext_lookup_extent_before(struct xs_ifork *ifp, xs_fileoff_t *end_fsb,
				  struct xs_iext_cursor *cur, struct xs_bmbt_irec *gotp);

/*
 * Models xfs_iext_insert(): insert irec at the cursor's position (the record that
 * was there and all after it move right); the cursor then points at irec. The caller
 * guarantees irec overlaps nothing and keeps the order. Bumps if_seq.
 */
void xs_iext_insert(struct xs_ifork *ifp, struct xs_iext_cursor *cur,
		    const struct xs_bmbt_irec *irec);

/*
 * Models xfs_iext_remove(): remove the record at the cursor; the cursor then points at
 * the record that followed it (or past the end). Bumps if_seq.
 */
void xs_iext_remove(struct xs_ifork *ifp, struct xs_iext_cursor *cur);

/*
 * Models xfs_iext_update_extent(): overwrite the record at the cursor. The caller keeps
 * the order (the new record must still lie between its neighbours). Bumps if_seq.
 */
void xs_iext_update_extent(struct xs_ifork *ifp, struct xs_iext_cursor *cur,
			   const struct xs_bmbt_irec *irec);

/*
 * Recount from scratch: node fill bounds, key order, leaf chain, that records are
 * sorted and disjoint, and that their count equals if_nextents. Returns 0 or -EUCLEAN
 * with a description in err.
 */
int xs_iext_check(struct xs_ifork *ifp, struct xs_err *err);

/* Bytes of node memory in use (for the benchmark's memory figure). */
size_t xs_iext_mem_bytes(const struct xs_ifork *ifp);

#endif /* XS_IEXT_H */
