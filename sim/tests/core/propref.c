/*
 * The flat reference of the property test; see propref.h for the classes.
 *
 * Each rule below says what one event does to one block's class, and each operation
 * applies some of them over block ranges, in the order the kernel does the steps
 * (docs/kernel.md, "xfs_file_buffered_write", "Writeback and I/O completion",
 * "Post-EOF trimming, blockgc and eviction" and "Truncate, hole punch and fallocate";
 * xfs_setattr_size, xfs_free_file_space).
 */
#include "tests/core/propref.h"

#include <string.h>

#define B XS_PROPREF_BLOCK_BYTES

/* ---- the rules: one event on one block ---- */

/* A write or a store lands in the block's folio: dirty over what was there. */
static enum xs_propref_class on_cover(enum xs_propref_class c)
{
	if (c == XS_PR_WRITTEN)
		return XS_PR_WRITTEN;
	return c == XS_PR_SETTLING || c == XS_PR_ANY ? XS_PR_SETTLING : XS_PR_PENDING;
}

/*
 * Part of the block is zeroed through the page cache (iomap_zero_range): holes and
 * clean unwritten are skipped, delalloc and written get dirtied, dirty unwritten is
 * written back first.
 */
static enum xs_propref_class on_zero_part(enum xs_propref_class c)
{
	return c == XS_PR_ZERO_ANY ? XS_PR_ANY : c == XS_PR_PENDING ? XS_PR_SETTLING : c;
}

/* A writeback certain to cover the block: dirty data reaches written extents. */
static enum xs_propref_class on_flush(enum xs_propref_class c)
{
	return c == XS_PR_PENDING || c == XS_PR_SETTLING ? XS_PR_WRITTEN : c;
}

/* A writeback that may or may not cover the block. */
static enum xs_propref_class on_maybe_flush(enum xs_propref_class c)
{
	return c == XS_PR_PENDING ? XS_PR_SETTLING : c;
}

/* fallocate: unwritten extents over holes and delalloc; real extents stay. */
static enum xs_propref_class on_alloc(enum xs_propref_class c)
{
	return c == XS_PR_HOLE || c == XS_PR_ZERO_ANY ? XS_PR_UNWRITTEN : c;
}

/* Speculative preallocation past an extending write may reserve the block. */
static enum xs_propref_class on_prealloc(enum xs_propref_class c)
{
	return c == XS_PR_HOLE ? XS_PR_ZERO_ANY : c;
}

/* The post-EOF trim may free the block (a PREALLOC file keeps real space). */
static enum xs_propref_class on_trim(enum xs_propref_class c)
{
	return c == XS_PR_UNWRITTEN ? XS_PR_ZERO_ANY : c;
}

/* Unmapped: truncate past EOF, hole punch of whole blocks. */
static enum xs_propref_class on_unmap(enum xs_propref_class c)
{
	(void)c;
	return XS_PR_HOLE;
}

/* ---- ranges ---- */

static uint64_t blk_down(uint64_t bytes)
{
	return bytes / B;
}

static uint64_t blk_up(uint64_t bytes)
{
	return (bytes + B - 1) / B;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* Apply rule to blocks [first, end). */
static void apply(struct xs_propref *r, uint64_t first, uint64_t end,
		  enum xs_propref_class (*rule)(enum xs_propref_class))
{
	uint64_t b;

	for (b = first; b < end && b < XS_PROPREF_BLOCKS; b++)
		r->cls[b] = rule(r->cls[b]);
}

/* The block holding byte pos, if pos is not block-aligned, has its tail zeroed. */
static void zero_block_tail(struct xs_propref *r, uint64_t pos)
{
	if (pos % B)
		apply(r, blk_down(pos), blk_down(pos) + 1, on_zero_part);
}

/* xfs_setattr_size() growing the file: zero the old EOF block, maybe write back. */
static void setattr_grow(struct xs_propref *r, uint64_t newsize)
{
	zero_block_tail(r, r->size_bytes);
	apply(r, 0, blk_up(newsize), on_maybe_flush);
	r->size_bytes = newsize;
}

/* ---- operations ---- */

void xs_propref_init(struct xs_propref *r)
{
	memset(r, 0, sizeof(*r));
}

void xs_propref_write(struct xs_propref *r, uint64_t off, uint64_t len, const uint8_t *src)
{
	uint64_t end = off + len;

	if (off > r->size_bytes)
		zero_block_tail(r, r->size_bytes); /* the gap past the old EOF */
	apply(r, blk_down(off), blk_up(end), on_cover);
	if (end > r->size_bytes)
		apply(r, blk_up(end), XS_PROPREF_BLOCKS, on_prealloc);
	memcpy(r->data + off, src, len);
	if (end > r->size_bytes)
		r->size_bytes = end;
}

void xs_propref_mmap_store(struct xs_propref *r, uint64_t off, uint64_t len, const uint8_t *src)
{
	apply(r, blk_down(off), blk_down(off) + 1, on_cover);
	memcpy(r->data + off, src, min_u64(len, r->size_bytes - off));
}

void xs_propref_truncate(struct xs_propref *r, uint64_t newsize)
{
	if (newsize > r->size_bytes) {
		setattr_grow(r, newsize);
		return;
	}
	zero_block_tail(r, newsize);
	apply(r, 0, blk_up(newsize), on_maybe_flush);
	apply(r, blk_up(newsize), XS_PROPREF_BLOCKS, on_unmap);
	memset(r->data + newsize, 0, r->size_bytes - newsize);
	r->size_bytes = newsize;
}

void xs_propref_falloc(struct xs_propref *r, uint64_t off, uint64_t len, bool keep_size)
{
	uint64_t end = off + len;

	apply(r, blk_down(off), blk_up(end), on_alloc);
	if (!keep_size && end > r->size_bytes)
		setattr_grow(r, end);
}

void xs_propref_punch(struct xs_propref *r, uint64_t off, uint64_t len)
{
	uint64_t end = off + len, zend;

	apply(r, blk_down(off), blk_up(end), on_flush); /* xfs_flush_unmap_range */
	apply(r, blk_up(off), blk_down(end), on_unmap); /* whole blocks only */
	if (off >= r->size_bytes)
		return;
	zend = min_u64(end, r->size_bytes);
	apply(r, blk_down(off), blk_up(zend), on_zero_part); /* the partial ends */
	memset(r->data + off, 0, zend - off);
	/* the kernel then writes back the EOF folio: already written by the first flush */
}

void xs_propref_zero(struct xs_propref *r, uint64_t off, uint64_t len, bool keep_size)
{
	uint64_t end = off + len;
	bool grows = !keep_size && end > r->size_bytes;

	xs_propref_punch(r, off, len);
	apply(r, blk_down(off), blk_up(end), on_alloc);
	if (grows)
		setattr_grow(r, end);
}

void xs_propref_fsync(struct xs_propref *r)
{
	apply(r, 0, XS_PROPREF_BLOCKS, on_flush);
}

void xs_propref_close(struct xs_propref *r)
{
	apply(r, 0, XS_PROPREF_BLOCKS, on_maybe_flush); /* the flush after a truncate */
	apply(r, blk_up(r->size_bytes), XS_PROPREF_BLOCKS, on_trim);
}

void xs_propref_writeback(struct xs_propref *r)
{
	apply(r, 0, XS_PROPREF_BLOCKS, on_maybe_flush);
}

void xs_propref_blockgc(struct xs_propref *r)
{
	apply(r, blk_up(r->size_bytes), XS_PROPREF_BLOCKS, on_trim);
}

/* ---- what a class allows ---- */

bool xs_propref_allows(enum xs_propref_class c, enum xs_propref_map m, bool dirty)
{
	switch (c) {
	case XS_PR_HOLE:
		return m == XS_PR_MAP_HOLE && !dirty;
	case XS_PR_ZERO_ANY:
		return m != XS_PR_MAP_WRITTEN && !dirty;
	case XS_PR_UNWRITTEN:
		return m == XS_PR_MAP_UNWRITTEN && !dirty;
	case XS_PR_PENDING:
		return (m == XS_PR_MAP_DELALLOC || m == XS_PR_MAP_UNWRITTEN) && dirty;
	case XS_PR_WRITTEN:
		return m == XS_PR_MAP_WRITTEN;
	case XS_PR_SETTLING:
		return xs_propref_allows(XS_PR_PENDING, m, dirty) ||
		       xs_propref_allows(XS_PR_WRITTEN, m, dirty);
	case XS_PR_ANY:
		return !(m == XS_PR_MAP_HOLE && dirty);
	case XS_PR_NR:
		break;
	}
	return false;
}

uint64_t xs_propref_must_map_blocks(const struct xs_propref *r)
{
	uint64_t b, n = 0;

	for (b = 0; b < XS_PROPREF_BLOCKS; b++)
		if (r->cls[b] == XS_PR_UNWRITTEN || r->cls[b] == XS_PR_PENDING ||
		    r->cls[b] == XS_PR_WRITTEN || r->cls[b] == XS_PR_SETTLING)
			n++;
	return n;
}

const char *xs_propref_class_name(enum xs_propref_class c)
{
	static const char *const names[XS_PR_NR] = {"HOLE",    "ZERO_ANY", "UNWRITTEN", "PENDING",
						    "WRITTEN", "SETTLING", "ANY"};

	return c < XS_PR_NR ? names[c] : "?";
}

const char *xs_propref_map_name(enum xs_propref_map m)
{
	static const char *const names[XS_PR_MAP_NR] = {"hole", "delalloc", "unwritten", "written"};

	return m < XS_PR_MAP_NR ? names[m] : "?";
}
