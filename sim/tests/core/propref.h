/*
 * A trivially-correct reference for the property test of the file operations
 * (test_property.c): the modelled file as a flat array of per-block classes, a flat
 * array of its bytes, and its size. It knows nothing of extents, folios or counters.
 *
 * A class names the set of core states (mapping x folio dirty) a block may be in:
 *
 *   class      core mapping                               folio
 *   HOLE       hole                                       clean or absent
 *   ZERO_ANY   hole, delalloc or unwritten                clean or absent
 *   UNWRITTEN  unwritten                                  clean or absent
 *   PENDING    delalloc or unwritten                      dirty
 *   WRITTEN    written                                    any
 *   SETTLING   PENDING or WRITTEN                         (the next fsync: WRITTEN)
 *   ANY        anything but a hole under a dirty folio    (bytes are still exact)
 *
 * ZERO_ANY is space that speculative preallocation may have reserved, or that
 * writeback of a neighbour may have converted, but that holds no data. SETTLING is a
 * dirty block an operation may or may not have written back. ANY is a block whose
 * bytes were zeroed through the page cache (the EOF block's tail, the partial ends of
 * a hole punch) while it was ZERO_ANY: delalloc gets dirtied, then maybe written.
 *
 * Every operation is a few of the one-line rules of propref.c, applied over a block
 * range. Where the kernel leaves a choice (which writeback happens, whether
 * preallocation happens), a rule widens the class rather than guess.
 *
 * Simplification: 4 KiB blocks and pages (one folio is one block), offsets below
 * XS_PROPREF_BYTES.
 */
#ifndef XS_PROPREF_H
#define XS_PROPREF_H

#include <stdbool.h>
#include <stdint.h>

#define XS_PROPREF_BLOCK_BYTES 4096u
#define XS_PROPREF_BLOCKS      64u
#define XS_PROPREF_BYTES       (XS_PROPREF_BLOCKS * XS_PROPREF_BLOCK_BYTES)

enum xs_propref_class {
	XS_PR_HOLE = 0,
	XS_PR_ZERO_ANY,
	XS_PR_UNWRITTEN,
	XS_PR_PENDING,
	XS_PR_WRITTEN,
	XS_PR_SETTLING,
	XS_PR_ANY,
	XS_PR_NR,
};

/* The mapping of one block as the core shows it (xfs_bmapi_read). */
enum xs_propref_map {
	XS_PR_MAP_HOLE = 0,
	XS_PR_MAP_DELALLOC,
	XS_PR_MAP_UNWRITTEN,
	XS_PR_MAP_WRITTEN,
	XS_PR_MAP_NR,
};

struct xs_propref {
	uint64_t size_bytes;
	enum xs_propref_class cls[XS_PROPREF_BLOCKS];
	uint8_t data[XS_PROPREF_BYTES]; /* every byte at or past size_bytes is zero */
};

/* An empty file. */
void xs_propref_init(struct xs_propref *r);

/* May a block of class c be mapped as m with its folio dirty or not? */
bool xs_propref_allows(enum xs_propref_class c, enum xs_propref_map m, bool dirty);

/* Blocks the core must have space for: UNWRITTEN, PENDING, WRITTEN, SETTLING. */
uint64_t xs_propref_must_map_blocks(const struct xs_propref *r);

const char *xs_propref_class_name(enum xs_propref_class c);
const char *xs_propref_map_name(enum xs_propref_map m);

/*
 * The operations, byte ranges [off, off + len) with off + len <= XS_PROPREF_BYTES.
 * write and mmap_store copy len bytes of src. A store must start inside EOF and lie
 * inside one page; its bytes past EOF are not file data (POSIX: never written out,
 * and the kernel zeroes them before EOF moves over them), so they must read as zero.
 * writeback is the flusher writing some dirty folios; blockgc the background
 * post-EOF trim.
 */
void xs_propref_write(struct xs_propref *r, uint64_t off, uint64_t len, const uint8_t *src);
void xs_propref_mmap_store(struct xs_propref *r, uint64_t off, uint64_t len, const uint8_t *src);
void xs_propref_truncate(struct xs_propref *r, uint64_t newsize);
void xs_propref_falloc(struct xs_propref *r, uint64_t off, uint64_t len, bool keep_size);
void xs_propref_punch(struct xs_propref *r, uint64_t off, uint64_t len);
void xs_propref_zero(struct xs_propref *r, uint64_t off, uint64_t len, bool keep_size);
void xs_propref_fsync(struct xs_propref *r);
void xs_propref_close(struct xs_propref *r);
void xs_propref_writeback(struct xs_propref *r);
void xs_propref_blockgc(struct xs_propref *r);

#endif /* XS_PROPREF_H */
