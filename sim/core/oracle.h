/*
 * The oracle: a shadow copy of what users were told is in the file, and who told
 * them. Every acknowledged write(), mmap store, truncate, hole punch or zeroing is
 * applied here in the order it took effect; at the end of a run the file read back
 * from the modelled disk is compared with it byte by byte (docs/design.md, "Outcomes").
 *
 * Which operation last set each byte is kept in an interval map (the iext B+tree
 * reused with byte offsets: br_startoff = byte, br_blockcount = length,
 * br_startblock = operation id), so a lost byte names the store that was lost.
 */
#ifndef XS_ORACLE_H
#define XS_ORACLE_H

#include "core/iext.h"
#include "core/pagestore.h"

struct xs_oracle {
	struct xs_pagestore shadow; /* expected bytes */
	struct xs_ifork owners;	    /* byte ranges -> id of the op that set them */
	xs_off_t size;		    /* expected i_size */
};

/* Operation id 0 means "never written" (the byte is a zero nobody stored). */
void xs_oracle_init(struct xs_oracle *o, uint32_t page_bytes);
void xs_oracle_destroy(struct xs_oracle *o);

/* An acknowledged write or store of len bytes at off, by operation id (> 0). */
void xs_oracle_write(struct xs_oracle *o, uint64_t id, xs_off_t off, xs_off_t len,
		     const uint8_t *buf);
/* The same when the bytes are operation id's marker stream from its start. */
void xs_oracle_write_marker(struct xs_oracle *o, uint64_t id, xs_off_t off, xs_off_t len);
/* Bytes [off, off + len) now read as zero (fpunch, fzero), set by operation id. */
void xs_oracle_zero(struct xs_oracle *o, uint64_t id, xs_off_t off, xs_off_t len);
/* The file's size changed (truncate): bytes past a smaller size are gone. */
void xs_oracle_truncate(struct xs_oracle *o, uint64_t id, xs_off_t size);

/* One run of lost bytes, attributed to the operation that last set them. */
struct xs_oracle_loss {
	uint64_t id;
	xs_off_t off;
	xs_off_t len;
};

/*
 * Compare actual (the file's bytes as read back, actual_size long) with the shadow.
 * Every maximal run of differing bytes owned by one operation is reported through
 * report (may be NULL). Returns the number of differing bytes; a size difference
 * counts the bytes beyond the shorter size.
 */
uint64_t xs_oracle_compare(struct xs_oracle *o, const uint8_t *actual, xs_off_t actual_size,
			   void (*report)(void *arg, const struct xs_oracle_loss *loss), void *arg);

/*
 * The same for one piece of the file: actual holds bytes [off, off + len), which must
 * lie inside the expected size. Returns the differing bytes in the piece.
 */
uint64_t xs_oracle_compare_range(struct xs_oracle *o, xs_off_t off, const uint8_t *actual,
				 xs_off_t len,
				 void (*report)(void *arg, const struct xs_oracle_loss *loss),
				 void *arg);

#endif /* XS_ORACLE_H */
