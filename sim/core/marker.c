/*
 * Marker data; see marker.h.
 *
 * A stream word is built and compared as a little-endian uint64_t: byte j of the word
 * is bits 8j..8j+7. The id's 32 bits and the word number k's 16 bits land in disjoint
 * bits of the word, so the id's part is computed once per call and only k's part per
 * word.
 */
#include "core/marker.h"

#include <string.h>

#define TAGS	  0x80808080808080C0ULL /* byte 0: 11xxxxxx, bytes 1-7: 10xxxxxx */
#define TAG_MASK  0xC0C0C0C0C0C0C0C0ULL
#define WORD_MASK 0xffffu /* k is taken mod 2^16 */

static uint64_t load_le64(const uint8_t *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	x = __builtin_bswap64(x);
#endif
	return x;
}

static void store_le64(uint8_t *p, uint64_t x)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	x = __builtin_bswap64(x);
#endif
	memcpy(p, &x, 8);
}

/* Two words in SSE2's registers (GCC and clang vector extensions, little-endian). */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__SSE2__)
typedef uint64_t xs_v2 __attribute__((vector_size(16)));
#define XS_MARKER_V2 1
#endif

/* The word of v (48 bits): 6 bits of v per byte, under the tags. */
static uint64_t spread(uint64_t v)
{
	uint64_t w = TAGS;
	unsigned int j;

	for (j = 0; j < 8; j++)
		w |= ((v >> (6 * j)) & 0x3f) << (8 * j);
	return w;
}

/* The word's part carrying k (bits 0-15 of v): bytes 0, 1 and the low 4 bits of 2. */
static uint64_t k_bits(uint32_t k)
{
	return (uint64_t)((k & 0x3fu) | ((k & 0xfc0u) << 2) | ((k & 0xf000u) << 4));
}

/* The word k of the stream whose id part is base (spread(id << 16), with the tags). */
static uint64_t word(uint64_t base, uint32_t k)
{
	return base | k_bits(k);
}

static uint64_t id_base(uint32_t id)
{
	return spread((uint64_t)id << 16);
}

/*
 * Store words k, k + 1, ... (n of them, not past the end of k's block of 64 words) at
 * buf. In a block only byte 0, k's low 6 bits, changes, so the loop vectorises.
 */
static void fill_words(uint8_t *buf, uint64_t base, uint32_t k, uint32_t n)
{
	uint64_t high = word(base, k & ~0x3fu);
	uint32_t r, lo = k & 0x3f;

	r = 0;
#ifdef XS_MARKER_V2
	{
		xs_v2 w = {high | lo, high | (lo + 1)}, step = {2, 2};

		for (; r + 2 <= n; r += 2) {
			memcpy(buf + 8 * r, &w, 16);
			w += step;
		}
	}
#endif
	for (; r < n; r++)
		store_le64(buf + 8 * r, high | (lo + r));
}

void xs_marker_fill(uint8_t *buf, uint64_t len, uint64_t id, uint64_t pos)
{
	uint64_t base = id_base((uint32_t)id), w;
	uint32_t k = (uint32_t)(pos / 8) & WORD_MASK, j = (uint32_t)(pos % 8);

	if (j) {
		w = word(base, k);
		for (; j < 8 && len; j++, len--)
			*buf++ = (uint8_t)(w >> (8 * j));
		k = (k + 1) & WORD_MASK;
	}
	while (len >= 8) {
		uint32_t n = (uint32_t)xs_min_u64(len / 8, 64 - (k & 0x3f));

		fill_words(buf, base, k, n);
		buf += 8 * n;
		len -= 8 * n;
		k = (k + n) & WORD_MASK;
	}
	w = word(base, k);
	for (j = 0; j < len; j++)
		buf[j] = (uint8_t)(w >> (8 * j));
}

/* Bytes of buf[0, 8n) equal to words k, k + 1, ... (n of them, in k's block of 64). */
static uint32_t match_words(const uint8_t *buf, uint64_t base, uint32_t k, uint32_t n)
{
	uint64_t high = word(base, k & ~0x3fu), diff = 0;
	uint32_t r = 0, lo = k & 0x3f;

	/* the common case, all equal, without a branch per word (every page a workload
	 * writes is matched here, twice: two words at a time) */
#ifdef XS_MARKER_V2
	{
		xs_v2 want = {high | lo, high | (lo + 1)}, step = {2, 2}, d = {0, 0}, x;

		for (; r + 2 <= n; r += 2) {
			memcpy(&x, buf + 8 * r, 16);
			d |= x ^ want;
			want += step;
		}
		diff = d[0] | d[1];
	}
#endif
	for (; r < n; r++)
		diff |= load_le64(buf + 8 * r) ^ (high | (lo + r));
	if (!diff)
		return 8 * n;
	for (r = 0;; r++) {
		diff = load_le64(buf + 8 * r) ^ (high | (lo + r));
		if (diff)
			return 8 * r + (uint32_t)__builtin_ctzll(diff) / 8;
	}
}

uint32_t xs_marker_match(const uint8_t *buf, uint32_t len, uint32_t id, uint32_t pos)
{
	uint64_t base = id_base(id), w;
	uint32_t k = (pos / 8) & WORD_MASK, j = pos % 8, n = 0;

	if (j) {
		w = word(base, k);
		for (; j < 8 && n < len; j++, n++)
			if (buf[n] != (uint8_t)(w >> (8 * j)))
				return n;
		k = (k + 1) & WORD_MASK;
	}
	while (len - n >= 8) {
		uint32_t words = (len - n) / 8 < 64 - (k & 0x3f) ? (len - n) / 8 : 64 - (k & 0x3f);
		uint32_t m = match_words(buf + n, base, k, words);

		n += m;
		if (m < 8 * words)
			return n;
		k = (k + words) & WORD_MASK;
	}
	w = word(base, k);
	while (n < len && buf[n] == (uint8_t)w) {
		n++;
		w >>= 8;
	}
	return n;
}

bool xs_marker_decode(const uint8_t *word_bytes, uint32_t *idp, uint32_t *posp)
{
	uint64_t x = load_le64(word_bytes), v = 0;
	unsigned int j;

	if ((x & TAG_MASK) != TAGS)
		return false;
	for (j = 0; j < 8; j++)
		v |= ((x >> (8 * j)) & 0x3f) << (6 * j);
	*idp = (uint32_t)(v >> 16);
	*posp = (uint32_t)(v & WORD_MASK) * 8;
	return true;
}

bool xs_marker_find(const uint8_t *buf, uint32_t len, uint32_t *idp, uint32_t *posp)
{
	uint32_t i, id, wpos, pos;

	if (len < 16)
		return false;
	/* a stream has a word start in any 8 bytes; with len >= 16 a whole word follows */
	for (i = 0; i < 8 && (buf[i] & 0xC0) != 0xC0; i++)
		;
	if (i == 8 || !xs_marker_decode(buf + i, &id, &wpos))
		return false;
	pos = (wpos - i) & (XS_MARKER_PERIOD - 1);
	if (xs_marker_match(buf, len, id, pos) != len)
		return false;
	*idp = id;
	*posp = pos;
	return true;
}
