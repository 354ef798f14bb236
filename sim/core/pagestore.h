/*
 * A sparse byte store in fixed-size units (pages or blocks): unit index -> unit bytes.
 * A unit never written reads as zeroes and costs no memory.
 *
 * Used for the modelled disk (indexed by disk block), the oracle's shadow copy and
 * read-back (indexed by page). A chunked map of units (chunkmap.h): O(1) expected per
 * access, some 8 bytes per unit when a file's units come in runs.
 *
 * A unit holding little data is kept sparse: as segments, in increasing offset order,
 * not overlapping, at most unit/8 bytes of them; anything larger is a plain unit_bytes
 * array (dense). Bytes not covered by a segment are zero. A segment starts with a
 * header of two host-order uint16_t, off (its first byte in the unit) and lenf:
 *  - raw (lenf bit 15 clear): len = lenf, then the len bytes themselves (4 + len);
 *  - marker (lenf bit 15 set): len = lenf & 0x7fff, then uint32_t id and uint32_t pos
 *    (12 bytes): the bytes are operation id's marker stream from position pos
 *    (< XS_MARKER_PERIOD), see marker.h; a longer run takes several segments.
 * len >= 1 and off + len <= unit_bytes. So a page of one write's marker data is one
 * segment (held in the unit's own word, below), part of a page a 12-byte segment, and
 * a few markers in a page (as holetest writes) a few raw ones.
 * Encoding bytes: zero runs cost nothing, runs of marker data of 16 bytes or more
 * become marker segments, the rest raw segments (gaps under 8 zero bytes joined), a
 * run that continues the previous segment lengthens it; more than unit/8 bytes of
 * segments and the unit is dense (an encoding that cannot fit stops early).
 *  - A whole-unit write is encoded from the caller's buffer; one run of marker data
 *    becomes its segment directly (checked 8 bytes at a time, nothing materialised).
 *  - A partial write or zero into a sparse unit is spliced: the segments outside the
 *    range kept (those it cuts trimmed, a marker piece under 16 bytes made raw), the
 *    new bytes encoded between them; if that does not fit, the unit is materialised,
 *    changed and re-encoded.
 *  - A dense unit is changed in place and re-encoded only when a partial write or zero
 *    reaches its last byte: one written piecemeal costs one encoding, not one per write.
 */
#ifndef XS_PAGESTORE_H
#define XS_PAGESTORE_H

#include "core/chunkmap.h"

#define XS_SEG_MARKER 0x8000u /* lenf flag of a marker segment */

/*
 * One unit held by the store (the value of its index in the map): one word, as an
 * 800 MiB append's three stores hold some 600000 units.
 *  - 0: sparse, no segments;
 *  - bit 63 set: the whole unit is one marker segment (the commonest unit, a page of
 *    one write's data), held inline with no allocation: its id in bits 0-31 and its
 *    pos in bits 32-50;
 *  - bit 0 set: dense, the rest of the word points to its unit_bytes;
 *  - else it points to a blob: a host-order uint32_t, the bytes of segments, then
 *    the segments.
 */
struct xs_pagestore_unit {
	uint64_t w;
};

struct xs_pagestore;

/*
 * The segments of a sparse unit (an inline one is written out in buf): their bytes in
 * *blob and their length returned; UINT32_MAX for a dense unit (*blob its bytes).
 */
uint32_t xs_pagestore_unit_segs(const struct xs_pagestore *ps, const struct xs_pagestore_unit *u,
				uint8_t buf[12], const uint8_t **blob);

struct xs_pagestore {
	uint32_t unit_bytes;	  /* at most 65536 */
	struct xs_chunkmap units; /* unit index -> struct xs_pagestore_unit */
	uint8_t *scratch;	  /* unit_bytes, for materialising a sparse unit */
	uint8_t *enc;		  /* unit_bytes / 8, the encoder's output */
};

void xs_pagestore_init(struct xs_pagestore *ps, uint32_t unit_bytes);
void xs_pagestore_destroy(struct xs_pagestore *ps);

/*
 * The unit's bytes, or NULL when it was never written (all zeroes). For a sparse unit
 * the bytes are materialised in a scratch buffer valid until the next call.
 */
const uint8_t *xs_pagestore_peek(const struct xs_pagestore *ps, uint64_t idx);
/* The unit's bytes, writable, allocated zero-filled on first use (made dense). */
uint8_t *xs_pagestore_get(struct xs_pagestore *ps, uint64_t idx);
/* Forget a unit: it reads as zeroes again. */
void xs_pagestore_drop(struct xs_pagestore *ps, uint64_t idx);

/* Copy bytes [off, off + len) of the store (units laid end to end) to or from buf. */
void xs_pagestore_read(const struct xs_pagestore *ps, xs_off_t off, xs_off_t len, uint8_t *buf);
void xs_pagestore_write(struct xs_pagestore *ps, xs_off_t off, xs_off_t len, const uint8_t *buf);
/*
 * What xs_pagestore_write() stores for bytes [pos, pos + len) of operation id's marker
 * stream (xs_marker_fill()), without making or scanning the bytes of whole units.
 */
void xs_pagestore_write_marker(struct xs_pagestore *ps, xs_off_t off, xs_off_t len, uint64_t id,
			       uint64_t pos);
/*
 * Copy [src_off, src_off + len) of src to dst_off of dst (another store). Whole units
 * of equal size are copied as stored, without materialising their bytes.
 */
void xs_pagestore_copy(struct xs_pagestore *dst, xs_off_t dst_off, const struct xs_pagestore *src,
		       xs_off_t src_off, xs_off_t len);
/*
 * True when [aoff, aoff + len) of a and [boff, boff + len) of b are whole units of
 * equal size stored alike, so they hold the same bytes. False says nothing: the same
 * bytes may be stored differently (compare them then).
 */
bool xs_pagestore_same(const struct xs_pagestore *a, xs_off_t aoff, const struct xs_pagestore *b,
		       xs_off_t boff, xs_off_t len);
/* Zero [off, off + len): whole units are dropped. */
void xs_pagestore_zero(struct xs_pagestore *ps, xs_off_t off, xs_off_t len);

/*
 * Recount: the map (xs_chunkmap_check), and every sparse unit's segments well formed
 * (in range, in order, not overlapping). 0 or -EUCLEAN.
 */
int xs_pagestore_check(const struct xs_pagestore *ps, struct xs_err *err);

/* Memory held, bytes: the table's slots and each unit's allocation (malloc overhead aside). */
size_t xs_pagestore_mem_bytes(const struct xs_pagestore *ps);

#endif /* XS_PAGESTORE_H */
