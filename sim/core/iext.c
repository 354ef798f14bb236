/*
 * Incore extent tree: a B+tree of extent records keyed by file offset, one per fork.
 *
 * Models fs/xfs/libxfs/xfs_iext_tree.c (Linux 4.15 to 6.x; also xfsprogs' libxfs copy).
 * Nodes are 256 bytes. An inner node holds XS_IEXT_NODE_KEYS keys, the first file
 * offset below each child, then as many child pointers; a leaf holds XS_IEXT_LEAF_RECS
 * packed records then its prev/next leaf pointers. There are no parent pointers: a
 * change that must reach an inner level (a new first key, a new or dead child)
 * descends again from the root by key. That is what keeps every node at 256 bytes.
 *
 * Shape, by if_height:
 *   0   if_root NULL, no records                 (xs_iext_init, last xs_iext_remove)
 *   1   if_root is the only leaf                 (first xs_iext_insert, root collapse)
 *   h   if_root is an inner node, leaves h - 1   (xs_iext_grow on a split of the root,
 *       levels below it                           collapse when the root keeps one child)
 *
 * Used slots come first in every node; a free key is XS_IEXT_KEY_INVALID, a free
 * record has hi == 0 (a record never has length 0). Counting entries is therefore a
 * scan of at most 16 slots: a 256-byte node has no room left for a count.
 *
 * Fill: a split moves the upper half into a new right sibling, except when the
 * insertion is at the very end of a full node, where the new node receives only the
 * new entry (appending a file fills nodes completely). On remove, a node that falls
 * under half full merges with its left, else its right, neighbour if both fit in one
 * node; leaves take their neighbours along the leaf chain, inner nodes only among
 * siblings of one parent. As in the kernel there is no borrowing: a node whose
 * neighbours are too full stays under half full until it empties. So the only lower
 * fill bound, and the one xs_iext_check() enforces, is one entry (two for an inner
 * root).
 *
 * Records are packed into two u64 exactly as the kernel does (see struct xs_iext_rec),
 * so a leaf holds 15 records and a record's field ranges are the kernel's.
 *
 * Simplification: the root leaf of a height-1 tree is always a whole 256-byte node;
 * the kernel reallocs it to if_bytes (16 bytes a record) while it has fewer than
 * 15 records. Only memory (xs_iext_mem_bytes) of forks under 15 extents differs.
 * Simplification: the fork is passed directly (no inode, no BMAP_COWFORK/ATTRFORK
 * state argument), if_nextents replaces if_bytes, and there are no tracepoints or
 * XFS_STATS counters.
 * Simplification: if_seq is a plain increment; the kernel's WRITE_ONCE ordering is
 * moot in a single-threaded simulator.
 * Simplification: a cursor never holds a NULL leaf on a non-empty tree. Removing the
 * last record leaves the cursor past the end of the last leaf (leaf, count), where the
 * kernel leaves leaf == NULL; both read as "no record", but ours still works as an
 * insertion point. xs_iext_next/xs_iext_prev clamp at the ends instead of asserting.
 */
#include "core/iext.h"

#include "core/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define XS_IEXT_NODE_BYTES 256

enum {
	XS_IEXT_NODE_KEYS = XS_IEXT_NODE_BYTES / (sizeof(uint64_t) + sizeof(void *)),
	XS_IEXT_LEAF_RECS = (XS_IEXT_NODE_BYTES - 2 * sizeof(void *)) / (2 * sizeof(uint64_t)),
};

/* Larger than any key a record can have (startoff is 54 bits). */
#define XS_IEXT_KEY_INVALID ((uint64_t)1 << 63)

/* Field widths of struct xfs_bmbt_rec (BMBT_*_BITLEN in xfs_format.h). */
#define XS_IEXT_STARTOFF_BITS	54
#define XS_IEXT_STARTBLOCK_BITS 52
#define XS_IEXT_LENGTH_BITS	21
#define XS_IEXT_STARTOFF_MASK	(((uint64_t)1 << XS_IEXT_STARTOFF_BITS) - 1)
#define XS_IEXT_STARTBLOCK_MASK (((uint64_t)1 << XS_IEXT_STARTBLOCK_BITS) - 1)
#define XS_IEXT_LENGTH_MASK	(((uint64_t)1 << XS_IEXT_LENGTH_BITS) - 1)
#define XS_IEXT_UNWRITTEN_BIT	((uint64_t)1 << XS_IEXT_LENGTH_BITS)
/* startblock is split: its low 10 bits fill lo above startoff, the rest go into hi. */
#define XS_IEXT_SB_LO_BITS  (64 - XS_IEXT_STARTOFF_BITS)
#define XS_IEXT_SB_HI_SHIFT (XS_IEXT_LENGTH_BITS + 1)

/*
 * A packed record:
 *   lo  bits 0-53   br_startoff          bits 54-63  low 10 bits of br_startblock
 *   hi  bits 0-20   br_blockcount        bit 21      unwritten
 *       bits 22-63  high 42 bits of br_startblock
 */
struct xs_iext_rec {
	uint64_t lo;
	uint64_t hi;
};

struct xs_iext_node {
	uint64_t keys[XS_IEXT_NODE_KEYS];
	void *ptrs[XS_IEXT_NODE_KEYS];
};

struct xs_iext_leaf {
	struct xs_iext_rec recs[XS_IEXT_LEAF_RECS];
	struct xs_iext_leaf *prev;
	struct xs_iext_leaf *next;
};

_Static_assert(sizeof(struct xs_iext_node) <= XS_IEXT_NODE_BYTES, "inner node over 256 bytes");
_Static_assert(sizeof(struct xs_iext_leaf) <= XS_IEXT_NODE_BYTES, "leaf over 256 bytes");

/* ---- records ---- */

static bool xs_iext_rec_is_empty(const struct xs_iext_rec *rec)
{
	return rec->hi == 0;
}

static uint64_t xs_iext_rec_startoff(const struct xs_iext_rec *rec)
{
	return rec->lo & XS_IEXT_STARTOFF_MASK;
}

static uint64_t xs_iext_rec_end(const struct xs_iext_rec *rec)
{
	return xs_iext_rec_startoff(rec) + (rec->hi & XS_IEXT_LENGTH_MASK);
}

/* The record fits the packed format; a caller passing one that does not is a bug. */
static void xs_iext_irec_assert(const struct xs_bmbt_irec *irec)
{
	XS_ASSERT(irec->br_startoff <= XS_IEXT_STARTOFF_MASK);
	XS_ASSERT(irec->br_blockcount >= 1 && irec->br_blockcount <= XS_IEXT_LENGTH_MASK);
	XS_ASSERT(irec->br_startblock <= XS_IEXT_STARTBLOCK_MASK);
	XS_ASSERT(irec->br_state == XS_EXT_NORM || irec->br_state == XS_EXT_UNWRITTEN);
}

/* Models xfs_iext_set() */
static void xs_iext_rec_set(struct xs_iext_rec *rec, const struct xs_bmbt_irec *irec)
{
	uint64_t sb_lo = irec->br_startblock << XS_IEXT_STARTOFF_BITS;
	uint64_t sb_hi = (irec->br_startblock >> XS_IEXT_SB_LO_BITS) << XS_IEXT_SB_HI_SHIFT;

	rec->lo = irec->br_startoff | sb_lo;
	rec->hi = irec->br_blockcount | sb_hi;
	if (irec->br_state == XS_EXT_UNWRITTEN)
		rec->hi |= XS_IEXT_UNWRITTEN_BIT;
}

/* Models xfs_iext_get() */
static void xs_iext_rec_get(struct xs_bmbt_irec *irec, const struct xs_iext_rec *rec)
{
	uint64_t sb_lo = rec->lo >> XS_IEXT_STARTOFF_BITS;
	uint64_t sb_hi = (rec->hi >> XS_IEXT_SB_HI_SHIFT) << XS_IEXT_SB_LO_BITS;

	irec->br_startoff = xs_iext_rec_startoff(rec);
	irec->br_blockcount = rec->hi & XS_IEXT_LENGTH_MASK;
	irec->br_startblock = sb_hi | sb_lo;
	irec->br_state = (rec->hi & XS_IEXT_UNWRITTEN_BIT) ? XS_EXT_UNWRITTEN : XS_EXT_NORM;
}

/* ---- nodes ---- */

static struct xs_iext_leaf *xs_iext_alloc_leaf(void)
{
	struct xs_iext_leaf *leaf = xs_xcalloc(1, XS_IEXT_NODE_BYTES);

	/* The kernel allocates nodes with __GFP_NOFAIL. */
	XS_ASSERT(leaf != NULL);
	return leaf;
}

static struct xs_iext_node *xs_iext_alloc_node(void)
{
	struct xs_iext_node *node = xs_xcalloc(1, XS_IEXT_NODE_BYTES);
	int i;

	XS_ASSERT(node != NULL);
	for (i = 0; i < XS_IEXT_NODE_KEYS; i++)
		node->keys[i] = XS_IEXT_KEY_INVALID;
	return node;
}

/* Number of records in leaf; slots before start are known to be used. */
static int xs_iext_leaf_nr(const struct xs_iext_leaf *leaf, int start)
{
	int i;

	for (i = start; i < XS_IEXT_LEAF_RECS; i++)
		if (xs_iext_rec_is_empty(&leaf->recs[i]))
			break;
	return i;
}

/* Number of children of node; slots before start are known to be used. */
static int xs_iext_node_nr(const struct xs_iext_node *node, int start)
{
	int i;

	for (i = start; i < XS_IEXT_NODE_KEYS; i++)
		if (node->keys[i] == XS_IEXT_KEY_INVALID)
			break;
	return i;
}

static uint64_t xs_iext_leaf_key(const struct xs_iext_leaf *leaf)
{
	return xs_iext_rec_startoff(&leaf->recs[0]);
}

/*
 * The child whose key range holds offset: the last key <= offset, or child 0 when
 * offset lies before every key. Free keys compare above every offset a caller may
 * pass, even one beyond the 54-bit key space.
 */
static int xs_iext_node_pos(const struct xs_iext_node *node, uint64_t offset)
{
	int i;

	for (i = 1; i < XS_IEXT_NODE_KEYS; i++)
		if (node->keys[i] > offset || node->keys[i] == XS_IEXT_KEY_INVALID)
			break;
	return i - 1;
}

/* Where a child with key offset goes: before the first key above it. */
static int xs_iext_node_insert_pos(const struct xs_iext_node *node, uint64_t offset)
{
	int i;

	for (i = 0; i < XS_IEXT_NODE_KEYS; i++)
		if (node->keys[i] > offset)
			break;
	return i;
}

/* Models xfs_iext_find_level(): the node at level (1 = leaf) whose range holds offset. */
static void *xs_iext_find_level(const struct xs_ifork *ifp, uint64_t offset, int level)
{
	void *p = ifp->if_root;
	int height;

	for (height = ifp->if_height; height > level; height--) {
		const struct xs_iext_node *node = p;

		p = node->ptrs[xs_iext_node_pos(node, offset)];
	}
	return p;
}

static struct xs_iext_leaf *xs_iext_first_leaf(const struct xs_ifork *ifp)
{
	void *p = ifp->if_root;
	int height;

	for (height = ifp->if_height; height > 1; height--)
		p = ((const struct xs_iext_node *)p)->ptrs[0];
	return p;
}

static struct xs_iext_leaf *xs_iext_last_leaf(const struct xs_ifork *ifp)
{
	void *p = ifp->if_root;
	int height;

	for (height = ifp->if_height; height > 1; height--) {
		const struct xs_iext_node *node = p;

		p = node->ptrs[xs_iext_node_nr(node, 1) - 1];
	}
	return p;
}

/*
 * Models xfs_iext_update_node(): the subtree holding ptr (at level) now starts at
 * new_key instead of old_key; rewrite that key wherever an ancestor carries it.
 */
static void xs_iext_update_node(struct xs_ifork *ifp, uint64_t old_key, uint64_t new_key, int level,
				const void *ptr)
{
	void *p = ifp->if_root;
	int height, pos;

	for (height = ifp->if_height; height > level; height--) {
		struct xs_iext_node *node = p;

		pos = xs_iext_node_pos(node, old_key);
		if (node->keys[pos] == old_key)
			node->keys[pos] = new_key;
		p = node->ptrs[pos];
	}
	XS_ASSERT(p == ptr);
}

/* Models xfs_iext_inc_seq() */
static void xs_iext_inc_seq(struct xs_ifork *ifp)
{
	ifp->if_seq++;
}

/* ---- cursor ---- */

static bool xs_iext_valid(const struct xs_iext_cursor *cur)
{
	return cur->leaf && cur->pos >= 0 && cur->pos < XS_IEXT_LEAF_RECS &&
	       !xs_iext_rec_is_empty(&cur->leaf->recs[cur->pos]);
}

void xs_iext_init(struct xs_ifork *ifp)
{
	ifp->if_root = NULL;
	ifp->if_height = 0;
	ifp->if_nextents = 0;
	ifp->if_seq = 0;
}

/* Models xfs_iext_destroy_node(); the recursion is as deep as the tree is high. */
static void xs_iext_destroy_node(void *p, int level)
{
	struct xs_iext_node *node = p;
	int i;

	if (level > 1)
		for (i = 0; i < XS_IEXT_NODE_KEYS && node->keys[i] != XS_IEXT_KEY_INVALID; i++)
			xs_iext_destroy_node(node->ptrs[i], level - 1);
	free(p);
}

void xs_iext_destroy(struct xs_ifork *ifp)
{
	if (ifp->if_root)
		xs_iext_destroy_node(ifp->if_root, ifp->if_height);
	ifp->if_root = NULL;
	ifp->if_height = 0;
	ifp->if_nextents = 0;
}

void xs_iext_first(struct xs_ifork *ifp, struct xs_iext_cursor *cur)
{
	cur->leaf = xs_iext_first_leaf(ifp);
	cur->pos = 0;
}

void xs_iext_last(struct xs_ifork *ifp, struct xs_iext_cursor *cur)
{
	cur->leaf = xs_iext_last_leaf(ifp);
	cur->pos = cur->leaf ? xs_iext_leaf_nr(cur->leaf, 0) - 1 : 0;
}

/*
 * From a record, step to the next one or onto the past-the-end position
 * (last leaf, count); from before the first record, onto the first; from past the end,
 * stay. A NULL leaf (a cursor never positioned) starts at the first record, as in the
 * kernel.
 */
void xs_iext_next(struct xs_ifork *ifp, struct xs_iext_cursor *cur)
{
	int nr;

	if (!cur->leaf) {
		xs_iext_first(ifp, cur);
		return;
	}
	if (cur->pos < 0) {
		cur->pos = 0;
		return;
	}
	nr = xs_iext_leaf_nr(cur->leaf, 0);
	if (cur->pos >= nr) {
		cur->pos = nr;
		return;
	}
	cur->pos++;
	if (cur->pos == nr && cur->leaf->next) {
		cur->leaf = cur->leaf->next;
		cur->pos = 0;
	}
}

/*
 * From a record, step to the previous one or onto the before-the-first position
 * (first leaf, -1); from past the end, onto the last record; from before the first,
 * stay. A NULL leaf starts at the last record, as in the kernel.
 */
void xs_iext_prev(struct xs_ifork *ifp, struct xs_iext_cursor *cur)
{
	int nr;

	if (!cur->leaf) {
		xs_iext_last(ifp, cur);
		return;
	}
	nr = xs_iext_leaf_nr(cur->leaf, 0);
	if (cur->pos > nr)
		cur->pos = nr;
	if (cur->pos > 0) {
		cur->pos--;
		return;
	}
	if (cur->leaf->prev) {
		cur->leaf = cur->leaf->prev;
		cur->pos = xs_iext_leaf_nr(cur->leaf, 0) - 1;
	} else {
		cur->pos = -1;
	}
}

bool xs_iext_get_extent(struct xs_ifork *ifp, const struct xs_iext_cursor *cur,
			struct xs_bmbt_irec *gotp)
{
	(void)ifp;
	if (!xs_iext_valid(cur))
		return false;
	xs_iext_rec_get(gotp, &cur->leaf->recs[cur->pos]);
	return true;
}

bool xs_iext_peek_next_extent(struct xs_ifork *ifp, const struct xs_iext_cursor *cur,
			      struct xs_bmbt_irec *gotp)
{
	struct xs_iext_cursor ncur = *cur;

	xs_iext_next(ifp, &ncur);
	return xs_iext_get_extent(ifp, &ncur, gotp);
}

bool xs_iext_peek_prev_extent(struct xs_ifork *ifp, const struct xs_iext_cursor *cur,
			      struct xs_bmbt_irec *gotp)
{
	struct xs_iext_cursor ncur = *cur;

	xs_iext_prev(ifp, &ncur);
	return xs_iext_get_extent(ifp, &ncur, gotp);
}

bool xs_iext_next_extent(struct xs_ifork *ifp, struct xs_iext_cursor *cur,
			 struct xs_bmbt_irec *gotp)
{
	xs_iext_next(ifp, cur);
	return xs_iext_get_extent(ifp, cur, gotp);
}

bool xs_iext_prev_extent(struct xs_ifork *ifp, struct xs_iext_cursor *cur,
			 struct xs_bmbt_irec *gotp)
{
	xs_iext_prev(ifp, cur);
	return xs_iext_get_extent(ifp, cur, gotp);
}

/* ---- lookup ---- */

bool xs_iext_lookup_extent(struct xs_ifork *ifp, xs_fileoff_t offset_fsb,
			   struct xs_iext_cursor *cur, struct xs_bmbt_irec *gotp)
{
	struct xs_iext_leaf *leaf = xs_iext_find_level(ifp, offset_fsb, 1);
	int i;

	cur->leaf = leaf;
	cur->pos = 0;
	if (!leaf)
		return false;
	/* The first record ending after offset_fsb either holds it or follows it. */
	for (i = 0; i < XS_IEXT_LEAF_RECS && !xs_iext_rec_is_empty(&leaf->recs[i]); i++) {
		if (xs_iext_rec_end(&leaf->recs[i]) > offset_fsb) {
			cur->pos = i;
			xs_iext_rec_get(gotp, &leaf->recs[i]);
			return true;
		}
	}
	/* Every record here ends at or before offset_fsb: the answer opens the next leaf. */
	if (!leaf->next) {
		cur->pos = i;
		return false;
	}
	cur->leaf = leaf->next;
	xs_iext_rec_get(gotp, &cur->leaf->recs[0]);
	return true;
}

bool xs_iext_lookup_extent_before(struct xs_ifork *ifp, xs_fileoff_t *end_fsb,
				  struct xs_iext_cursor *cur, struct xs_bmbt_irec *gotp)
{
	if (*end_fsb == 0) {
		/* Nothing starts before 0; the kernel never asks. */
		xs_iext_first(ifp, cur);
		if (cur->leaf)
			cur->pos = -1;
		return false;
	}
	if (xs_iext_lookup_extent(ifp, *end_fsb - 1, cur, gotp) &&
	    gotp->br_startoff <= *end_fsb - 1)
		return true;
	if (!xs_iext_prev_extent(ifp, cur, gotp))
		return false;
	*end_fsb = gotp->br_startoff + gotp->br_blockcount;
	return true;
}

/* ---- insert ---- */

/* Models xfs_iext_grow(): a new root above the old one, holding it as only child. */
static void xs_iext_grow(struct xs_ifork *ifp)
{
	struct xs_iext_node *node = xs_iext_alloc_node();

	if (ifp->if_height == 1)
		node->keys[0] = xs_iext_leaf_key(ifp->if_root);
	else
		node->keys[0] = ((struct xs_iext_node *)ifp->if_root)->keys[0];
	node->ptrs[0] = ifp->if_root;
	ifp->if_root = node;
	ifp->if_height++;
}

/*
 * Models xfs_iext_split_node(): split the full *nodep, about to receive an entry at
 * *posp, and return the new right sibling. *nodep, *posp and *nrp are updated to the
 * node, slot and entry count where the new entry goes.
 */
static struct xs_iext_node *xs_iext_split_node(struct xs_iext_node **nodep, int *posp, int *nrp)
{
	struct xs_iext_node *node = *nodep;
	struct xs_iext_node *right = xs_iext_alloc_node();
	const int nr_move = XS_IEXT_NODE_KEYS / 2;
	const int nr_keep = XS_IEXT_NODE_KEYS - nr_move;
	int i;

	if (*posp == XS_IEXT_NODE_KEYS) {
		/* Appending: leave the full node full. */
		*nodep = right;
		*posp = 0;
		*nrp = 0;
		return right;
	}
	for (i = 0; i < nr_move; i++) {
		right->keys[i] = node->keys[nr_keep + i];
		right->ptrs[i] = node->ptrs[nr_keep + i];
		node->keys[nr_keep + i] = XS_IEXT_KEY_INVALID;
		node->ptrs[nr_keep + i] = NULL;
	}
	if (*posp >= nr_keep) {
		*nodep = right;
		*posp -= nr_keep;
		*nrp = nr_move;
	} else {
		*nrp = nr_keep;
	}
	return right;
}

/*
 * Models xfs_iext_insert_node(): add child ptr with key offset at level (2 = the
 * parents of leaves), splitting full nodes upwards and growing the tree at the top.
 */
static void xs_iext_insert_node(struct xs_ifork *ifp, uint64_t offset, void *ptr, int level)
{
	for (;;) {
		struct xs_iext_node *node, *right = NULL;
		int pos, nr, i;

		if (ifp->if_height < level)
			xs_iext_grow(ifp);
		node = xs_iext_find_level(ifp, offset, level);
		pos = xs_iext_node_insert_pos(node, offset);
		nr = xs_iext_node_nr(node, pos);
		XS_ASSERT(pos == 0 || node->keys[pos - 1] != offset);

		if (nr == XS_IEXT_NODE_KEYS)
			right = xs_iext_split_node(&node, &pos, &nr);
		if (node != right && pos == 0 && nr > 0)
			xs_iext_update_node(ifp, node->keys[0], offset, level, node);
		for (i = nr; i > pos; i--) {
			node->keys[i] = node->keys[i - 1];
			node->ptrs[i] = node->ptrs[i - 1];
		}
		node->keys[pos] = offset;
		node->ptrs[pos] = ptr;
		if (!right)
			return;
		offset = right->keys[0];
		ptr = right;
		level++;
	}
}

/*
 * Models xfs_iext_split_leaf(): as xs_iext_split_node() for the full leaf under cur,
 * which is moved to where the new record goes; the new leaf joins the chain.
 */
static struct xs_iext_leaf *xs_iext_split_leaf(struct xs_iext_cursor *cur, int *nrp)
{
	struct xs_iext_leaf *leaf = cur->leaf;
	struct xs_iext_leaf *right = xs_iext_alloc_leaf();
	const int nr_move = XS_IEXT_LEAF_RECS / 2;
	const int nr_keep = XS_IEXT_LEAF_RECS - nr_move;

	if (cur->pos == XS_IEXT_LEAF_RECS) {
		cur->leaf = right;
		cur->pos = 0;
		*nrp = 0;
	} else {
		memcpy(right->recs, &leaf->recs[nr_keep], (size_t)nr_move * sizeof(right->recs[0]));
		memset(&leaf->recs[nr_keep], 0, (size_t)nr_move * sizeof(leaf->recs[0]));
		if (cur->pos >= nr_keep) {
			cur->leaf = right;
			cur->pos -= nr_keep;
			*nrp = nr_move;
		} else {
			*nrp = nr_keep;
		}
	}
	right->prev = leaf;
	right->next = leaf->next;
	if (leaf->next)
		leaf->next->prev = right;
	leaf->next = right;
	return right;
}

/*
 * The records on either side of position pos of leaf (nr records), across leaf
 * boundaries; NULL where there is none. Used to assert the caller kept the order.
 */
static const struct xs_iext_rec *xs_iext_rec_before(const struct xs_iext_leaf *leaf, int pos)
{
	if (pos > 0)
		return &leaf->recs[pos - 1];
	if (leaf->prev)
		return &leaf->prev->recs[xs_iext_leaf_nr(leaf->prev, 0) - 1];
	return NULL;
}

static const struct xs_iext_rec *xs_iext_rec_after(const struct xs_iext_leaf *leaf, int pos, int nr)
{
	if (pos < nr)
		return &leaf->recs[pos];
	if (leaf->next)
		return &leaf->next->recs[0];
	return NULL;
}

static void xs_iext_assert_fits(const struct xs_iext_rec *before, const struct xs_iext_rec *after,
				const struct xs_bmbt_irec *irec)
{
	XS_ASSERT(!before || xs_iext_rec_end(before) <= irec->br_startoff);
	XS_ASSERT(!after || irec->br_startoff + irec->br_blockcount <= xs_iext_rec_startoff(after));
}

void xs_iext_insert(struct xs_ifork *ifp, struct xs_iext_cursor *cur,
		    const struct xs_bmbt_irec *irec)
{
	uint64_t offset = irec->br_startoff;
	struct xs_iext_leaf *right = NULL;
	int nr;

	xs_iext_irec_assert(irec);
	xs_iext_inc_seq(ifp);
	if (ifp->if_height == 0) {
		ifp->if_root = xs_iext_alloc_leaf();
		ifp->if_height = 1;
		cur->leaf = ifp->if_root;
		cur->pos = 0;
	}
	XS_ASSERT(cur->leaf != NULL);
	nr = xs_iext_leaf_nr(cur->leaf, 0);
	XS_ASSERT(cur->pos >= 0 && cur->pos <= nr);
	xs_iext_assert_fits(xs_iext_rec_before(cur->leaf, cur->pos),
			    xs_iext_rec_after(cur->leaf, cur->pos, nr), irec);

	if (nr == XS_IEXT_LEAF_RECS)
		right = xs_iext_split_leaf(cur, &nr);
	/* A new first record of a leaf already in the tree changes its key above. */
	if (cur->leaf != right && cur->pos == 0 && nr > 0)
		xs_iext_update_node(ifp, xs_iext_leaf_key(cur->leaf), offset, 1, cur->leaf);
	memmove(&cur->leaf->recs[cur->pos + 1], &cur->leaf->recs[cur->pos],
		(size_t)(nr - cur->pos) * sizeof(cur->leaf->recs[0]));
	xs_iext_rec_set(&cur->leaf->recs[cur->pos], irec);
	ifp->if_nextents++;

	if (right)
		xs_iext_insert_node(ifp, xs_iext_leaf_key(right), right, 2);
}

/* ---- remove ---- */

/*
 * Models xfs_iext_rebalance_node(): node, child *posp of parent, has fallen to nr
 * entries. Merge it into its left sibling, or its right sibling into it, if they fit
 * in one node, and return the node to unlink from parent (*posp its slot), or NULL
 * when no merge is possible. An empty node is simply unlinked.
 */
static struct xs_iext_node *xs_iext_rebalance_node(struct xs_iext_node *parent, int *posp,
						   struct xs_iext_node *node, int nr)
{
	int i;

	if (nr == 0)
		return node;
	if (*posp > 0) {
		struct xs_iext_node *prev = parent->ptrs[*posp - 1];
		int nr_prev = xs_iext_node_nr(prev, 0);

		if (nr_prev + nr <= XS_IEXT_NODE_KEYS) {
			for (i = 0; i < nr; i++) {
				prev->keys[nr_prev + i] = node->keys[i];
				prev->ptrs[nr_prev + i] = node->ptrs[i];
			}
			return node;
		}
	}
	if (*posp + 1 < xs_iext_node_nr(parent, *posp)) {
		struct xs_iext_node *next = parent->ptrs[*posp + 1];
		int nr_next = xs_iext_node_nr(next, 0);

		/* Take the right sibling in, so that node's own key stays valid. */
		if (nr + nr_next <= XS_IEXT_NODE_KEYS) {
			for (i = 0; i < nr_next; i++) {
				node->keys[nr + i] = next->keys[i];
				node->ptrs[nr + i] = next->ptrs[i];
			}
			++*posp;
			return next;
		}
	}
	return NULL;
}

/*
 * Models xfs_iext_remove_node(): free victim, the child with key offset of a level-2
 * node, and unlink it; rebalance upwards while nodes fall under half full, and drop
 * the root when it keeps a single child.
 */
static void xs_iext_remove_node(struct xs_ifork *ifp, uint64_t offset, void *victim)
{
	int level = 2;
	struct xs_iext_node *node = xs_iext_find_level(ifp, offset, level);
	int pos = xs_iext_node_pos(node, offset);

	XS_ASSERT(ifp->if_height >= level);
	for (;;) {
		struct xs_iext_node *parent;
		uint64_t key;
		int nr, i;

		XS_ASSERT(node->ptrs[pos] == victim);
		free(victim);
		nr = xs_iext_node_nr(node, pos) - 1;
		key = node->keys[0];
		for (i = pos; i < nr; i++) {
			node->keys[i] = node->keys[i + 1];
			node->ptrs[i] = node->ptrs[i + 1];
		}
		node->keys[nr] = XS_IEXT_KEY_INVALID;
		node->ptrs[nr] = NULL;
		if (pos == 0 && nr > 0) {
			xs_iext_update_node(ifp, key, node->keys[0], level, node);
			key = node->keys[0];
		}
		if (nr >= XS_IEXT_NODE_KEYS / 2)
			return;

		if (level == ifp->if_height) {
			XS_ASSERT(nr >= 1);
			if (nr == 1) {
				ifp->if_root = node->ptrs[0];
				ifp->if_height--;
				free(node);
			}
			return;
		}
		parent = xs_iext_find_level(ifp, key, level + 1);
		pos = xs_iext_node_pos(parent, key);
		XS_ASSERT(parent->ptrs[pos] == node);
		victim = xs_iext_rebalance_node(parent, &pos, node, nr);
		if (!victim)
			return;
		node = parent;
		level++;
	}
}

/*
 * Models xfs_iext_rebalance_leaf(): leaf (key offset) has fallen to nr records.
 * Merge it into the previous leaf, or the next leaf into it, if they fit in one leaf,
 * moving the cursor with its record; an empty leaf is simply unlinked.
 */
static void xs_iext_rebalance_leaf(struct xs_ifork *ifp, struct xs_iext_cursor *cur,
				   struct xs_iext_leaf *leaf, uint64_t offset, int nr)
{
	struct xs_iext_leaf *victim = leaf;

	if (nr == 0) {
		/* The cursor is only still here when leaf was the last one. */
		if (cur->leaf == leaf) {
			XS_ASSERT(leaf->prev != NULL);
			cur->leaf = leaf->prev;
			cur->pos = xs_iext_leaf_nr(leaf->prev, 0);
		}
		goto unlink;
	}
	if (leaf->prev) {
		int nr_prev = xs_iext_leaf_nr(leaf->prev, 0);

		if (nr_prev + nr <= XS_IEXT_LEAF_RECS) {
			memcpy(&leaf->prev->recs[nr_prev], leaf->recs,
			       (size_t)nr * sizeof(leaf->recs[0]));
			if (cur->leaf == leaf) {
				cur->leaf = leaf->prev;
				cur->pos += nr_prev;
			}
			goto unlink;
		}
	}
	if (leaf->next) {
		int nr_next = xs_iext_leaf_nr(leaf->next, 0);

		/* Take the next leaf in, so that this leaf's key stays valid. */
		if (nr + nr_next <= XS_IEXT_LEAF_RECS) {
			memcpy(&leaf->recs[nr], leaf->next->recs,
			       (size_t)nr_next * sizeof(leaf->recs[0]));
			if (cur->leaf == leaf->next) {
				cur->leaf = leaf;
				cur->pos += nr;
			}
			victim = leaf->next;
			offset = xs_iext_leaf_key(victim);
			goto unlink;
		}
	}
	return;
unlink:
	if (victim->prev)
		victim->prev->next = victim->next;
	if (victim->next)
		victim->next->prev = victim->prev;
	xs_iext_remove_node(ifp, offset, victim);
}

void xs_iext_remove(struct xs_ifork *ifp, struct xs_iext_cursor *cur)
{
	struct xs_iext_leaf *leaf = cur->leaf;
	int pos = cur->pos;
	uint64_t offset;
	int nr;

	XS_ASSERT(ifp->if_height > 0);
	XS_ASSERT(xs_iext_valid(cur));
	xs_iext_inc_seq(ifp);

	offset = xs_iext_leaf_key(leaf);
	nr = xs_iext_leaf_nr(leaf, pos) - 1;
	memmove(&leaf->recs[pos], &leaf->recs[pos + 1], (size_t)(nr - pos) * sizeof(leaf->recs[0]));
	memset(&leaf->recs[nr], 0, sizeof(leaf->recs[0]));
	ifp->if_nextents--;

	if (pos == 0 && nr > 0) {
		xs_iext_update_node(ifp, offset, xs_iext_leaf_key(leaf), 1, leaf);
		offset = xs_iext_leaf_key(leaf);
	}
	/* The following record is at the same position, or opens the next leaf. */
	if (pos == nr && leaf->next) {
		cur->leaf = leaf->next;
		cur->pos = 0;
	}

	if (nr >= XS_IEXT_LEAF_RECS / 2)
		return;
	if (ifp->if_height > 1) {
		xs_iext_rebalance_leaf(ifp, cur, leaf, offset, nr);
	} else if (nr == 0) {
		free(leaf);
		ifp->if_root = NULL;
		ifp->if_height = 0;
		cur->leaf = NULL;
		cur->pos = 0;
	}
}

void xs_iext_update_extent(struct xs_ifork *ifp, struct xs_iext_cursor *cur,
			   const struct xs_bmbt_irec *irec)
{
	struct xs_iext_rec *rec;
	int nr;

	XS_ASSERT(xs_iext_valid(cur));
	xs_iext_irec_assert(irec);
	xs_iext_inc_seq(ifp);

	rec = &cur->leaf->recs[cur->pos];
	nr = xs_iext_leaf_nr(cur->leaf, cur->pos);
	xs_iext_assert_fits(xs_iext_rec_before(cur->leaf, cur->pos),
			    xs_iext_rec_after(cur->leaf, cur->pos + 1, nr), irec);
	if (cur->pos == 0 && xs_iext_rec_startoff(rec) != irec->br_startoff)
		xs_iext_update_node(ifp, xs_iext_rec_startoff(rec), irec->br_startoff, 1,
				    cur->leaf);
	xs_iext_rec_set(rec, irec);
}

/* ---- checking ---- */

struct xs_iext_walk {
	struct xs_iext_leaf *last_leaf; /* previous leaf in key order */
	const struct xs_iext_rec *last_rec;
	uint64_t nrecs;
};

/*
 * Check the subtree p at level: its first key must be first_key (XS_IEXT_KEY_INVALID:
 * any, for the root) and its records must start below hi (XS_IEXT_KEY_INVALID: no
 * bound). Leaves are visited in key order, so w carries the previous leaf and record.
 */
static int xs_iext_check_subtree(void *p, int level, bool is_root, uint64_t first_key, uint64_t hi,
				 struct xs_iext_walk *w, struct xs_err *err)
{
	int i, nr, ret;

	if (!p)
		return xs_err_set(err, -EUCLEAN, "iext: NULL child at level %d", level);
	if (level == 1) {
		struct xs_iext_leaf *leaf = p;

		nr = xs_iext_leaf_nr(leaf, 0);
		if (nr == 0)
			return xs_err_set(err, -EUCLEAN, "iext: empty leaf");
		for (i = nr; i < XS_IEXT_LEAF_RECS; i++)
			if (leaf->recs[i].lo != 0 || leaf->recs[i].hi != 0)
				return xs_err_set(err, -EUCLEAN,
						  "iext: leaf slot %d used after free slot %d", i,
						  nr);
		if (first_key != XS_IEXT_KEY_INVALID && xs_iext_leaf_key(leaf) != first_key)
			return xs_err_set(err, -EUCLEAN,
					  "iext: leaf starts at %llu, parent key says %llu",
					  (unsigned long long)xs_iext_leaf_key(leaf),
					  (unsigned long long)first_key);
		if (leaf->prev != w->last_leaf)
			return xs_err_set(err, -EUCLEAN, "iext: leaf prev pointer broken");
		if (w->last_leaf && w->last_leaf->next != leaf)
			return xs_err_set(err, -EUCLEAN, "iext: leaf next pointer broken");
		for (i = 0; i < nr; i++) {
			const struct xs_iext_rec *rec = &leaf->recs[i];

			if (w->last_rec && xs_iext_rec_end(w->last_rec) > xs_iext_rec_startoff(rec))
				return xs_err_set(err, -EUCLEAN,
						  "iext: record %llu at %llu overlaps or precedes "
						  "one ending at %llu",
						  (unsigned long long)w->nrecs,
						  (unsigned long long)xs_iext_rec_startoff(rec),
						  (unsigned long long)xs_iext_rec_end(w->last_rec));
			if (hi != XS_IEXT_KEY_INVALID && xs_iext_rec_startoff(rec) >= hi)
				return xs_err_set(err, -EUCLEAN,
						  "iext: record at %llu beyond parent range",
						  (unsigned long long)xs_iext_rec_startoff(rec));
			w->last_rec = rec;
			w->nrecs++;
		}
		w->last_leaf = leaf;
		return 0;
	}

	{
		struct xs_iext_node *node = p;

		nr = xs_iext_node_nr(node, 0);
		if (nr < (is_root ? 2 : 1))
			return xs_err_set(err, -EUCLEAN, "iext: node at level %d has %d children",
					  level, nr);
		for (i = nr; i < XS_IEXT_NODE_KEYS; i++)
			if (node->keys[i] != XS_IEXT_KEY_INVALID || node->ptrs[i])
				return xs_err_set(err, -EUCLEAN,
						  "iext: node slot %d used after free slot %d", i,
						  nr);
		if (first_key != XS_IEXT_KEY_INVALID && node->keys[0] != first_key)
			return xs_err_set(
				err, -EUCLEAN, "iext: node key %llu, parent key says %llu",
				(unsigned long long)node->keys[0], (unsigned long long)first_key);
		for (i = 0; i < nr; i++) {
			uint64_t child_hi = i + 1 < nr ? node->keys[i + 1] : hi;

			if (i + 1 < nr && node->keys[i] >= node->keys[i + 1])
				return xs_err_set(err, -EUCLEAN,
						  "iext: keys out of order at level %d slot %d",
						  level, i);
			ret = xs_iext_check_subtree(node->ptrs[i], level - 1, false, node->keys[i],
						    child_hi, w, err);
			if (ret)
				return ret;
		}
	}
	return 0;
}

int xs_iext_check(struct xs_ifork *ifp, struct xs_err *err)
{
	struct xs_iext_walk w = {0};
	int ret;

	if (ifp->if_height < 0)
		return xs_err_set(err, -EUCLEAN, "iext: height %d", ifp->if_height);
	if ((ifp->if_height == 0) != (ifp->if_root == NULL))
		return xs_err_set(err, -EUCLEAN, "iext: height %d with root %p", ifp->if_height,
				  ifp->if_root);
	if (ifp->if_height > 0) {
		ret = xs_iext_check_subtree(ifp->if_root, ifp->if_height, true, XS_IEXT_KEY_INVALID,
					    XS_IEXT_KEY_INVALID, &w, err);
		if (ret)
			return ret;
		if (w.last_leaf->next)
			return xs_err_set(err, -EUCLEAN, "iext: last leaf has a next pointer");
	}
	if (w.nrecs != ifp->if_nextents)
		return xs_err_set(err, -EUCLEAN, "iext: %llu records, if_nextents says %llu",
				  (unsigned long long)w.nrecs,
				  (unsigned long long)ifp->if_nextents);
	return 0;
}

static size_t xs_iext_count_nodes(const void *p, int level)
{
	const struct xs_iext_node *node = p;
	size_t n = 1;
	int i;

	if (level > 1)
		for (i = 0; i < XS_IEXT_NODE_KEYS && node->keys[i] != XS_IEXT_KEY_INVALID; i++)
			n += xs_iext_count_nodes(node->ptrs[i], level - 1);
	return n;
}

size_t xs_iext_mem_bytes(const struct xs_ifork *ifp)
{
	if (!ifp->if_root)
		return 0;
	return xs_iext_count_nodes(ifp->if_root, ifp->if_height) * XS_IEXT_NODE_BYTES;
}
