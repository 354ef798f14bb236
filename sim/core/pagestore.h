/*
 * A sparse byte store in fixed-size units (pages or blocks): unit index -> unit bytes.
 * A unit never written reads as zeroes and costs no memory.
 *
 * Used for the modelled disk (indexed by disk block), the oracle's shadow copy and
 * read-back (indexed by page). Open-addressing hash table: O(1) expected per access.
 *
 * A unit holding little data (a few markers in a page, as holetest writes) is kept
 * sparse: its non-zero runs as (offset, length, bytes) segments, at most unit/8
 * bytes of them; anything larger is a plain unit_bytes array.
 */
#ifndef XS_PAGESTORE_H
#define XS_PAGESTORE_H

#include "core/xs_types.h"

struct xs_pagestore {
	uint32_t unit_bytes;
	uint64_t *keys;	  /* unit index + 1; 0 marks an empty slot */
	uint8_t **vals;	  /* dense: unit_bytes; sparse: segments (u16 off, u16 len, bytes) */
	uint32_t *blen;	  /* sparse: bytes of segments; UINT32_MAX: dense */
	uint8_t *scratch; /* unit_bytes, for materialising a sparse unit */
	size_t cap;	  /* power of two */
	size_t count;
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
void xs_pagestore_read(const struct xs_pagestore *ps, uint64_t off, uint64_t len, uint8_t *buf);
void xs_pagestore_write(struct xs_pagestore *ps, uint64_t off, uint64_t len, const uint8_t *buf);
/* Zero [off, off + len): whole units are dropped. */
void xs_pagestore_zero(struct xs_pagestore *ps, uint64_t off, uint64_t len);

/* Recount: used slots equal count, every key is found by its own probe. 0 or -EUCLEAN. */
int xs_pagestore_check(const struct xs_pagestore *ps, struct xs_err *err);

/* Memory held, bytes. */
size_t xs_pagestore_mem_bytes(const struct xs_pagestore *ps);

#endif /* XS_PAGESTORE_H */
