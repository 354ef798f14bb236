/*
 * Marker data: the bytes simulated workloads write, one stream per operation id, so
 * any byte read back names the operation that wrote it and where in its write it was.
 *
 * The stream of operation id at op-relative byte position p: with word k = p / 8 and
 * byte j = p % 8, let v = ((uint64_t)(uint32_t)id << 16) | (k & 0xffff) (48 bits);
 * the byte is (j == 0 ? 0xC0 : 0x80) | ((v >> (6 * j)) & 0x3f). Every byte is
 * non-zero, the first byte of each 8-byte word has top bits 11 and the other seven
 * 10, and one word carries its (id, k) in full. The stream depends only on
 * id mod 2^32 and p mod XS_MARKER_PERIOD.
 *
 * The pagestore recognises marker data and keeps a run of it as (id, pos, length)
 * instead of its bytes.
 */
#ifndef XS_MARKER_H
#define XS_MARKER_H

#include "core/xs_types.h"

#define XS_MARKER_PERIOD (1u << 19) /* 2^16 words of 8 bytes */

/* Fill buf with bytes [pos, pos + len) of operation id's stream. */
void xs_marker_fill(uint8_t *buf, uint64_t len, uint64_t id, uint64_t pos);

/*
 * Whether buf[0, len) (len >= 16) is exactly a stretch of some operation's stream, at
 * any alignment; if so *idp is its id (mod 2^32) and *posp the stream position of
 * buf[0] (mod XS_MARKER_PERIOD).
 */
bool xs_marker_find(const uint8_t *buf, uint32_t len, uint32_t *idp, uint32_t *posp);

/*
 * Whether the 8 bytes at word are one whole word of some stream; if so *idp is its id
 * and *posp the (8-aligned) stream position of word[0].
 */
bool xs_marker_decode(const uint8_t *word, uint32_t *idp, uint32_t *posp);

/* How many leading bytes of buf[0, len) equal operation id's stream from pos. */
uint32_t xs_marker_match(const uint8_t *buf, uint32_t len, uint32_t id, uint32_t pos);

#endif /* XS_MARKER_H */
