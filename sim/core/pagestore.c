/*
 * Sparse byte store; see pagestore.h.
 */
#include "core/pagestore.h"

#include "core/marker.h"
#include "core/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define DENSE	    UINT32_MAX
#define UNIT_INLINE (1ULL << 63)
#define UNIT_DENSE  1ULL
#define BLOB_HDR    4u /* a sparse unit's blob starts with its segments' length */

static bool unit_inline(const struct xs_pagestore_unit *u)
{
	return u->w & UNIT_INLINE;
}

static bool unit_dense(const struct xs_pagestore_unit *u)
{
	return (u->w & (UNIT_INLINE | UNIT_DENSE)) == UNIT_DENSE;
}

/* A dense unit's bytes, or a sparse unit's blob (NULL when it has no segments). */
static uint8_t *unit_ptr(const struct xs_pagestore_unit *u)
{
	return (uint8_t *)(uintptr_t)(u->w & ~UNIT_DENSE);
}

/* Free what u points to (nothing for an inline unit). */
static void unit_release(struct xs_pagestore_unit *u)
{
	if (!unit_inline(u))
		free(unit_ptr(u));
	u->w = 0;
}

void xs_pagestore_init(struct xs_pagestore *ps, uint32_t unit_bytes)
{
	memset(ps, 0, sizeof(*ps));
	XS_ASSERT(unit_bytes > 0 && unit_bytes <= 65536); /* offsets are uint16_t */
	ps->unit_bytes = unit_bytes;
	xs_chunkmap_init(&ps->units, sizeof(struct xs_pagestore_unit));
	ps->scratch = xs_xmalloc(unit_bytes);
	ps->enc = xs_xmalloc(unit_bytes / 8 + 1);
}

void xs_pagestore_destroy(struct xs_pagestore *ps)
{
	uint64_t idx;
	size_t it;
	void *v;

	for (it = xs_chunkmap_next(&ps->units, 0, &idx, &v); it;
	     it = xs_chunkmap_next(&ps->units, it, &idx, &v))
		unit_release(v);
	xs_chunkmap_destroy(&ps->units);
	free(ps->scratch);
	free(ps->enc);
	ps->scratch = NULL;
	ps->enc = NULL;
}

/* One segment, decoded. */
struct seg {
	uint32_t off, len;
	bool marker;
	uint32_t id, pos;     /* marker: the stream and the position of byte off */
	const uint8_t *bytes; /* raw: len bytes */
};

#define SEG_HDR	    4u
#define SEG_MARKER  (SEG_HDR + 8u)
#define SEG_MAX_LEN 0x7fffu
#define MARKER_MIN  16u /* shorter runs of marker data are stored raw */

/* Decode the segment at blob + p into s; the next segment's p. */
static uint32_t seg_at(const uint8_t *blob, uint32_t p, struct seg *s)
{
	uint16_t off, lenf;

	memcpy(&off, blob + p, 2);
	memcpy(&lenf, blob + p + 2, 2);
	s->off = off;
	s->len = lenf & SEG_MAX_LEN;
	s->marker = lenf & XS_SEG_MARKER;
	if (s->marker) {
		memcpy(&s->id, blob + p + SEG_HDR, 4);
		memcpy(&s->pos, blob + p + SEG_HDR + 4, 4);
		s->bytes = NULL;
		return p + SEG_MARKER;
	}
	s->id = s->pos = 0;
	s->bytes = blob + p + SEG_HDR;
	return p + SEG_HDR + s->len;
}

uint32_t xs_pagestore_unit_segs(const struct xs_pagestore *ps, const struct xs_pagestore_unit *u,
				uint8_t buf[12], const uint8_t **blob)
{
	uint16_t off = 0, lenf;
	uint32_t id, pos, blen;

	if (unit_dense(u)) {
		*blob = unit_ptr(u);
		return DENSE;
	}
	if (!unit_inline(u)) {
		const uint8_t *b = unit_ptr(u);

		*blob = b ? b + BLOB_HDR : NULL;
		if (!b)
			return 0;
		memcpy(&blen, b, BLOB_HDR);
		return blen;
	}
	lenf = (uint16_t)(ps->unit_bytes | XS_SEG_MARKER);
	id = (uint32_t)u->w;
	pos = (uint32_t)((u->w & ~UNIT_INLINE) >> 32);
	memcpy(buf, &off, 2);
	memcpy(buf + 2, &lenf, 2);
	memcpy(buf + SEG_HDR, &id, 4);
	memcpy(buf + SEG_HDR + 4, &pos, 4);
	*blob = buf;
	return SEG_MARKER;
}

/* Copy bytes [in, in + n) of a sparse unit to dst, which holds zeroes. */
static void segs_copy(const uint8_t *blob, uint32_t blen, uint32_t in, uint32_t n, uint8_t *dst)
{
	uint32_t p = 0;

	while (p < blen) {
		struct seg s;
		uint32_t lo, hi;

		p = seg_at(blob, p, &s);
		lo = s.off > in ? s.off : in;
		hi = s.off + s.len < in + n ? s.off + s.len : in + n;
		if (lo >= hi)
			continue;
		if (s.marker)
			xs_marker_fill(dst + (lo - in), hi - lo, s.id, s.pos + (lo - s.off));
		else
			memcpy(dst + (lo - in), s.bytes + (lo - s.off), hi - lo);
	}
}

/* Write unit u's bytes, all unit_bytes of them, into out. */
static void unit_materialize(const struct xs_pagestore *ps, const struct xs_pagestore_unit *u,
			     uint8_t *out)
{
	if (unit_dense(u)) {
		memcpy(out, unit_ptr(u), ps->unit_bytes);
		return;
	}
	uint8_t buf[SEG_MARKER];
	const uint8_t *blob;
	uint32_t blen = xs_pagestore_unit_segs(ps, u, buf, &blob);

	memset(out, 0, ps->unit_bytes);
	segs_copy(blob, blen, 0, ps->unit_bytes, out);
}

/*
 * The encoder's output: blen bytes of segments in out, at most limit; last is where
 * the last segment starts (NO_SEG if none), so a run that continues it is merged.
 */
struct enc {
	uint8_t *out;
	uint32_t blen, limit, last;
};

#define NO_SEG UINT32_MAX

static void enc_init(struct enc *e, const struct xs_pagestore *ps)
{
	e->out = ps->enc;
	e->blen = 0;
	e->limit = ps->unit_bytes / 8;
	e->last = NO_SEG;
}

/* The last segment, decoded, if it ends at off and is of the kind given. */
static bool enc_last(const struct enc *e, uint32_t off, bool marker, struct seg *s)
{
	if (e->last == NO_SEG)
		return false;
	seg_at(e->out, e->last, s);
	return s->marker == marker && s->off + s->len == off;
}

static void enc_hdr(struct enc *e, uint32_t at, uint32_t off, uint32_t lenf)
{
	uint16_t off16 = (uint16_t)off, lenf16 = (uint16_t)lenf;

	memcpy(e->out + at, &off16, 2);
	memcpy(e->out + at + 2, &lenf16, 2);
}

/* Append len raw bytes at offset off; false if they do not fit. */
static bool enc_raw(struct enc *e, uint32_t off, const uint8_t *bytes, uint32_t len)
{
	struct seg s;

	if (enc_last(e, off, false, &s) && s.len + len <= SEG_MAX_LEN) {
		/* the last segment's bytes end the output: extend it */
		if (e->blen + len > e->limit)
			return false;
		enc_hdr(e, e->last, s.off, s.len + len);
	} else {
		if (e->blen + SEG_HDR + len > e->limit || len > SEG_MAX_LEN)
			return false;
		enc_hdr(e, e->blen, off, len);
		e->last = e->blen;
		e->blen += SEG_HDR;
	}
	memcpy(e->out + e->blen, bytes, len);
	e->blen += len;
	return true;
}

/* Append [off, off + len) as id's stream from pos, in segments of at most SEG_MAX_LEN. */
static bool enc_marker(struct enc *e, uint32_t off, uint32_t len, uint32_t id, uint32_t pos)
{
	struct seg s;

	if (enc_last(e, off, true, &s) && s.id == id &&
	    ((s.pos + s.len) & (XS_MARKER_PERIOD - 1)) == pos) {
		/* the run goes on: lengthen the last segment as far as it can */
		uint32_t n = len < SEG_MAX_LEN - s.len ? len : SEG_MAX_LEN - s.len;

		enc_hdr(e, e->last, s.off, (s.len + n) | XS_SEG_MARKER);
		off += n;
		pos = (pos + n) & (XS_MARKER_PERIOD - 1);
		len -= n;
	}
	while (len) {
		uint32_t n = len < SEG_MAX_LEN ? len : SEG_MAX_LEN;

		if (e->blen + SEG_MARKER > e->limit)
			return false;
		enc_hdr(e, e->blen, off, n | XS_SEG_MARKER);
		memcpy(e->out + e->blen + SEG_HDR, &id, 4);
		memcpy(e->out + e->blen + SEG_HDR + 4, &pos, 4);
		e->last = e->blen;
		e->blen += SEG_MARKER;
		off += n;
		pos = (pos + n) & (XS_MARKER_PERIOD - 1);
		len -= n;
	}
	return true;
}

/* Append bytes [lo, hi) of segment s (of another encoding); marker under MARKER_MIN raw. */
static bool enc_seg_part(struct enc *e, const struct seg *s, uint32_t lo, uint32_t hi)
{
	uint32_t pos = (s->pos + (lo - s->off)) & (XS_MARKER_PERIOD - 1);
	uint8_t bytes[MARKER_MIN];

	if (lo >= hi)
		return true;
	if (!s->marker)
		return enc_raw(e, lo, s->bytes + (lo - s->off), hi - lo);
	if (hi - lo >= MARKER_MIN)
		return enc_marker(e, lo, hi - lo, s->id, pos);
	xs_marker_fill(bytes, hi - lo, s->id, pos);
	return enc_raw(e, lo, bytes, hi - lo);
}

/* The first non-zero byte of page[p, unit), or unit. */
static uint32_t skip_zeros(const uint8_t *page, uint32_t p, uint32_t unit)
{
	uint64_t w;

	while (p < unit && p % 8) {
		if (page[p])
			return p;
		p++;
	}
	while (unit - p >= 8) {
		memcpy(&w, page + p, 8);
		if (w)
			break;
		p += 8;
	}
	while (p < unit && !page[p])
		p++;
	return p;
}

/*
 * Whether b[0, 6) are raw data for certain: none zero, none starting a marker word (a
 * byte 11xxxxxx followed by two 10xxxxxx). Reads b[0, 8); a word at a time, so raw
 * data is scanned fast.
 */
static bool plain6(const uint8_t *b)
{
	const uint64_t ones7 = 0x7f7f7f7f7f7f7f7fULL, high = 0x8080808080808080ULL;
	const uint64_t first6 = 0x0000808080808080ULL;
	uint64_t x, nonzero, b6, t11, t10;

	memcpy(&x, b, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	x = __builtin_bswap64(x);
#endif
	/* bit 7 of each byte: the byte is non-zero; 11xxxxxx; 10xxxxxx */
	nonzero = (((x & ones7) + ones7) | x) & high;
	b6 = (x << 1) & high;
	t11 = x & b6;
	t10 = x & high & ~b6;
	return (nonzero & first6) == first6 && !(t11 & (t10 >> 8) & (t10 >> 16) & first6);
}

/*
 * If data[p] starts a whole marker word, the run of that stream through it, at most 7
 * bytes back (not below lo) and as far forward as it goes (not past n): its length if
 * MARKER_MIN or more, else 0.
 */
static uint32_t marker_run(const uint8_t *data, uint32_t n, uint32_t lo, uint32_t p,
			   uint32_t *startp, uint32_t *idp, uint32_t *posp)
{
	uint32_t id, pos, fwd, start = p, back = p - lo < 7 ? p - lo : 7;
	uint8_t prev[8];

	/* cheap tests first: raw data seldom has a byte 11xxxxxx then one 10xxxxxx */
	if (n - p < 8 || (data[p] & 0xC0) != 0xC0 || (data[p + 1] & 0xC0) != 0x80 ||
	    !xs_marker_decode(data + p, &id, &pos))
		return 0;
	fwd = xs_marker_match(data + p, n - p, id, pos);
	if (fwd + back < MARKER_MIN)
		return 0;
	/* the stream's previous word, its last byte at prev[7] */
	xs_marker_fill(prev, 8, id, pos + XS_MARKER_PERIOD - 8);
	while (p - start < back && data[start - 1] == prev[7 - (p - start)])
		start--;
	if (fwd + (p - start) < MARKER_MIN)
		return 0;
	*startp = start;
	*idp = id;
	*posp = (pos + XS_MARKER_PERIOD - (p - start)) & (XS_MARKER_PERIOD - 1);
	return fwd + (p - start);
}

/*
 * Append data[0, n), at offset base of the unit, to e as segments: zero runs skipped,
 * marker runs of MARKER_MIN bytes or more as marker segments, the rest as raw runs
 * (gaps under 8 zero bytes joined). False, early, once it cannot fit in e->limit.
 */
static bool encode(const uint8_t *data, uint32_t n, uint32_t base, struct enc *e)
{
	uint32_t p = 0, rs = 0, re = 0; /* the pending raw run [rs, re), if any */
	bool pending = false;

	while (p < n) {
		uint32_t start, run, id, pos;

		if (!data[p]) {
			uint32_t q = skip_zeros(data, p, n);

			if (pending && q - re >= 8) {
				if (!enc_raw(e, base + rs, data + rs, re - rs))
					return false;
				pending = false;
			}
			p = q;
			continue;
		}
		run = marker_run(data, n, pending ? rs : p, p, &start, &id, &pos);
		if (run) {
			if (pending) {
				/* the raw run ends where the marker run starts, zeroes trimmed */
				uint32_t end = start;

				while (end > rs && !data[end - 1])
					end--;
				if (end > rs && !enc_raw(e, base + rs, data + rs, end - rs))
					return false;
				pending = false;
			}
			if (!enc_marker(e, base + start, run, id, pos))
				return false;
			p = start + run;
			continue;
		}
		if (!pending) {
			rs = p;
			pending = true;
		}
		p++;
		/* raw data goes on: 6 bytes at a time while they are plainly raw */
		while (n - p >= 8 && e->blen + (p - rs) <= e->limit && plain6(data + p))
			p += 6;
		re = p;
		/* whatever follows, the pending run costs at least this much */
		if (e->blen + (re - rs) > e->limit)
			return false;
	}
	return !pending || enc_raw(e, base + rs, data + rs, re - rs);
}

/* Make u sparse with the blen bytes of segments at segs (copied). */
static void unit_set_sparse(const struct xs_pagestore *ps, struct xs_pagestore_unit *u,
			    const uint8_t *segs, uint32_t blen)
{
	uint8_t *blob = NULL;
	uint16_t off, lenf;
	uint32_t id, pos;

	if (blen == SEG_MARKER) {
		memcpy(&off, segs, 2);
		memcpy(&lenf, segs + 2, 2);
		if (off == 0 && lenf == (ps->unit_bytes | XS_SEG_MARKER)) {
			/* the whole unit is one marker segment: inline */
			memcpy(&id, segs + SEG_HDR, 4);
			memcpy(&pos, segs + SEG_HDR + 4, 4);
			unit_release(u);
			u->w = UNIT_INLINE | (uint64_t)pos << 32 | id;
			return;
		}
	}
	if (blen) {
		blob = xs_xmalloc(BLOB_HDR + blen);
		memcpy(blob, &blen, BLOB_HDR);
		memcpy(blob + BLOB_HDR, segs, blen);
	}
	unit_release(u);
	u->w = (uintptr_t)blob;
}

/* Make u dense, its bytes those of page (which may be its own dense bytes). */
static void unit_set_dense(const struct xs_pagestore *ps, struct xs_pagestore_unit *u,
			   const uint8_t *page)
{
	if (!unit_dense(u)) {
		uint8_t *bytes = xs_xmalloc(ps->unit_bytes);

		unit_release(u);
		u->w = (uintptr_t)bytes | UNIT_DENSE;
	}
	if (unit_ptr(u) != page)
		memcpy(unit_ptr(u), page, ps->unit_bytes);
}

/* Store page (unit_bytes) as u's new contents: sparse if it encodes in unit/8 bytes. */
static void unit_store(const struct xs_pagestore *ps, struct xs_pagestore_unit *u,
		       const uint8_t *page)
{
	struct enc e;

	enc_init(&e, ps);
	if (encode(page, ps->unit_bytes, 0, &e))
		unit_set_sparse(ps, u, e.out, e.blen);
	else
		unit_set_dense(ps, u, page);
}

/* A whole unit of data at buf stored as one run of marker data, if it is one. */
static bool unit_store_marker(const struct xs_pagestore *ps, struct xs_pagestore_unit *u,
			      const uint8_t *buf)
{
	struct enc e;
	uint32_t id, pos;

	enc_init(&e, ps);
	if (!xs_marker_find(buf, ps->unit_bytes, &id, &pos) ||
	    !enc_marker(&e, 0, ps->unit_bytes, id, pos))
		return false;
	unit_set_sparse(ps, u, e.out, e.blen);
	return true;
}

/*
 * Sparse unit u with bytes [in, in + n) set to buf's (zeroes if buf is NULL), by
 * splicing: the segments outside the range kept (those it cuts, trimmed) and buf
 * encoded between them, nothing materialised. False if that does not fit in unit/8.
 */
static bool unit_splice(const struct xs_pagestore *ps, struct xs_pagestore_unit *u, uint32_t in,
			uint32_t n, const uint8_t *buf)
{
	uint8_t buf1[SEG_MARKER];
	const uint8_t *blob;
	uint32_t blen = xs_pagestore_unit_segs(ps, u, buf1, &blob), p;
	struct seg s;
	struct enc e;

	enc_init(&e, ps);
	for (p = 0; p < blen;) {
		p = seg_at(blob, p, &s);
		if (s.off >= in)
			break;
		if (!enc_seg_part(&e, &s, s.off, s.off + s.len < in ? s.off + s.len : in))
			return false;
	}
	if (buf && !encode(buf, n, in, &e))
		return false;
	for (p = 0; p < blen;) {
		p = seg_at(blob, p, &s);
		if (s.off + s.len > in + n &&
		    !enc_seg_part(&e, &s, s.off > in + n ? s.off : in + n, s.off + s.len))
			return false;
	}
	unit_set_sparse(ps, u, e.out, e.blen);
	return true;
}

/* Unit idx, or NULL when the store does not hold it. */
static struct xs_pagestore_unit *unit_get(const struct xs_pagestore *ps, uint64_t idx)
{
	return xs_chunkmap_find(&ps->units, idx);
}

/*
 * Unit idx, created empty (sparse, no segments) if absent. Moves other units: a
 * pointer from an earlier unit_get or unit_make of the same store is stale after it.
 */
static struct xs_pagestore_unit *unit_make(struct xs_pagestore *ps, uint64_t idx)
{
	return xs_chunkmap_insert(&ps->units, idx, NULL);
}

const uint8_t *xs_pagestore_peek(const struct xs_pagestore *ps, uint64_t idx)
{
	const struct xs_pagestore_unit *u = unit_get(ps, idx);

	if (!u)
		return NULL;
	if (unit_dense(u))
		return unit_ptr(u);
	unit_materialize(ps, u, ps->scratch);
	return ps->scratch;
}

uint8_t *xs_pagestore_get(struct xs_pagestore *ps, uint64_t idx)
{
	struct xs_pagestore_unit *u = unit_make(ps, idx);

	if (!unit_dense(u)) {
		unit_materialize(ps, u, ps->scratch);
		unit_set_dense(ps, u, ps->scratch);
	}
	return unit_ptr(u);
}

void xs_pagestore_drop(struct xs_pagestore *ps, uint64_t idx)
{
	struct xs_pagestore_unit *u = unit_get(ps, idx);

	if (!u)
		return;
	unit_release(u);
	xs_chunkmap_remove(&ps->units, idx);
}

void xs_pagestore_read(const struct xs_pagestore *ps, xs_off_t off, xs_off_t len, uint8_t *buf)
{
	while (len) {
		uint64_t idx = off / ps->unit_bytes;
		uint32_t in = (uint32_t)(off % ps->unit_bytes);
		uint32_t n = (uint32_t)xs_min_u64(len, ps->unit_bytes - in);
		const struct xs_pagestore_unit *u = unit_get(ps, idx);

		if (u && unit_dense(u)) {
			memcpy(buf, unit_ptr(u) + in, n);
		} else {
			memset(buf, 0, n);
			if (u) {
				uint8_t one[SEG_MARKER];
				const uint8_t *blob;
				uint32_t blen = xs_pagestore_unit_segs(ps, u, one, &blob);

				segs_copy(blob, blen, in, n, buf);
			}
		}
		buf += n;
		off += n;
		len -= n;
	}
}

/*
 * Unit u's bytes [in, in + n) set to buf's, or zeroed when buf is NULL. A sparse unit
 * is spliced, or if that does not fit, materialised, changed and re-encoded; a dense
 * one changed in place and re-encoded only when the change reaches its last byte, so
 * a dense unit written piecemeal costs one encoding, not one per write.
 */
static void unit_change(const struct xs_pagestore *ps, struct xs_pagestore_unit *u, uint32_t in,
			uint32_t n, const uint8_t *buf)
{
	uint8_t *page = ps->scratch;

	if (!unit_dense(u) && unit_splice(ps, u, in, n, buf))
		return;
	if (unit_dense(u))
		page = unit_ptr(u);
	else
		unit_materialize(ps, u, page);
	if (buf)
		memcpy(page + in, buf, n);
	else
		memset(page + in, 0, n);
	if (page == ps->scratch || in + n == ps->unit_bytes)
		unit_store(ps, u, page);
}

void xs_pagestore_write(struct xs_pagestore *ps, xs_off_t off, xs_off_t len, const uint8_t *buf)
{
	while (len) {
		uint64_t idx = off / ps->unit_bytes;
		uint32_t in = (uint32_t)(off % ps->unit_bytes);
		uint32_t n = (uint32_t)xs_min_u64(len, ps->unit_bytes - in);
		struct xs_pagestore_unit *u = unit_make(ps, idx);

		if (n < ps->unit_bytes)
			unit_change(ps, u, in, n, buf);
		else if (!unit_store_marker(ps, u, buf))
			/* a whole unit: encoded straight from buf */
			unit_store(ps, u, buf);
		buf += n;
		off += n;
		len -= n;
	}
}

void xs_pagestore_write_marker(struct xs_pagestore *ps, xs_off_t off, xs_off_t len, uint64_t id,
			       uint64_t pos)
{
	while (len) {
		uint64_t idx = off / ps->unit_bytes;
		uint32_t in = (uint32_t)(off % ps->unit_bytes);
		uint32_t n = (uint32_t)xs_min_u64(len, ps->unit_bytes - in);

		struct enc e;

		enc_init(&e, ps);
		if (n == ps->unit_bytes &&
		    enc_marker(&e, 0, n, (uint32_t)id, (uint32_t)(pos & (XS_MARKER_PERIOD - 1)))) {
			/* a whole unit: its one marker run, as unit_store_marker() finds it */
			unit_set_sparse(ps, unit_make(ps, idx), e.out, e.blen);
		} else {
			uint8_t *b = xs_xmalloc(n);

			xs_marker_fill(b, n, id, pos);
			xs_pagestore_write(ps, off, n, b);
			free(b);
		}
		pos += n;
		off += n;
		len -= n;
	}
}

/* Are [off, off + len) and the stores' unit sizes such that whole units line up? */
static bool units_line_up(const struct xs_pagestore *a, uint64_t aoff, const struct xs_pagestore *b,
			  uint64_t boff, uint64_t len)
{
	uint32_t unit = a->unit_bytes;

	return b->unit_bytes == unit && aoff % unit == 0 && boff % unit == 0 && len % unit == 0;
}

void xs_pagestore_copy(struct xs_pagestore *dst, xs_off_t dst_off, const struct xs_pagestore *src,
		       xs_off_t src_off, xs_off_t len)
{
	uint32_t unit = dst->unit_bytes;
	uint8_t *bounce;

	XS_ASSERT(dst != src);
	if (units_line_up(dst, dst_off, src, src_off, len)) {
		/* unit by unit, as stored: no bytes materialised, nothing re-encoded */
		for (; len; len -= unit, dst_off += unit, src_off += unit) {
			const struct xs_pagestore_unit *s = unit_get(src, src_off / unit);
			struct xs_pagestore_unit *d;

			if (!s) {
				xs_pagestore_drop(dst, dst_off / unit);
				continue;
			}
			d = unit_make(dst, dst_off / unit);
			if (unit_dense(s)) {
				unit_set_dense(dst, d, unit_ptr(s));
			} else if (unit_inline(s)) {
				unit_release(d);
				d->w = s->w;
			} else {
				uint8_t one[SEG_MARKER];
				const uint8_t *blob;
				uint32_t blen = xs_pagestore_unit_segs(src, s, one, &blob);

				unit_set_sparse(dst, d, blob, blen);
			}
		}
		return;
	}
	bounce = xs_xmalloc(unit);
	while (len) {
		uint32_t n = (uint32_t)xs_min_u64(len, unit);

		xs_pagestore_read(src, src_off, n, bounce);
		xs_pagestore_write(dst, dst_off, n, bounce);
		src_off += n;
		dst_off += n;
		len -= n;
	}
	free(bounce);
}

bool xs_pagestore_same(const struct xs_pagestore *a, xs_off_t aoff, const struct xs_pagestore *b,
		       xs_off_t boff, xs_off_t len)
{
	uint32_t unit = a->unit_bytes;

	if (!units_line_up(a, aoff, b, boff, len))
		return false;
	for (; len; len -= unit, aoff += unit, boff += unit) {
		const struct xs_pagestore_unit *ua = unit_get(a, aoff / unit);
		const struct xs_pagestore_unit *ub = unit_get(b, boff / unit);
		uint8_t onea[SEG_MARKER], oneb[SEG_MARKER];
		const uint8_t *pa = NULL, *pb = NULL;
		uint32_t al = ua ? xs_pagestore_unit_segs(a, ua, onea, &pa) : 0,
			 bl = ub ? xs_pagestore_unit_segs(b, ub, oneb, &pb) : 0;

		if (al != bl || (ua && ub && unit_inline(ua) != unit_inline(ub)))
			return false;
		if (al == DENSE ? memcmp(pa, pb, unit) != 0 : al && memcmp(pa, pb, al) != 0)
			return false;
	}
	return true;
}

void xs_pagestore_zero(struct xs_pagestore *ps, xs_off_t off, xs_off_t len)
{
	while (len) {
		uint64_t idx = off / ps->unit_bytes;
		uint32_t in = (uint32_t)(off % ps->unit_bytes);
		uint32_t n = (uint32_t)xs_min_u64(len, ps->unit_bytes - in);
		struct xs_pagestore_unit *u = unit_get(ps, idx);

		if (n == ps->unit_bytes)
			xs_pagestore_drop(ps, idx);
		else if (u && u->w)
			unit_change(ps, u, in, n, NULL);
		off += n;
		len -= n;
	}
}

size_t xs_pagestore_mem_bytes(const struct xs_pagestore *ps)
{
	size_t it, bytes = xs_chunkmap_mem_bytes(&ps->units);
	uint64_t idx;
	void *v;

	for (it = xs_chunkmap_next(&ps->units, 0, &idx, &v); it;
	     it = xs_chunkmap_next(&ps->units, it, &idx, &v)) {
		const struct xs_pagestore_unit *u = v;

		uint8_t one[SEG_MARKER];
		const uint8_t *blob;
		uint32_t blen = xs_pagestore_unit_segs(ps, u, one, &blob);

		bytes += unit_dense(u)		   ? ps->unit_bytes
			 : unit_inline(u) || !blen ? 0
						   : BLOB_HDR + blen;
	}
	return bytes;
}

/* Whether a sparse unit's segments are well formed; what is wrong in *why if not. */
static bool segs_ok(const uint8_t *blob, uint32_t blen, uint32_t unit, const char **why)
{
	uint32_t p = 0, end = 0;

	while (p < blen) {
		struct seg s;
		uint16_t lenf;

		if (blen - p < SEG_HDR) {
			*why = "a truncated segment header";
			return false;
		}
		memcpy(&lenf, blob + p + 2, 2);
		if (blen - p < (lenf & XS_SEG_MARKER ? SEG_MARKER : SEG_HDR + lenf)) {
			*why = "a segment past the end of its data";
			return false;
		}
		p = seg_at(blob, p, &s);
		if (!s.len || s.off + s.len > unit) {
			*why = "a segment out of the unit";
			return false;
		}
		if (s.off < end) {
			*why = "overlapping or unordered segments";
			return false;
		}
		if (s.marker && s.pos >= XS_MARKER_PERIOD) {
			*why = "a marker segment's position out of the stream";
			return false;
		}
		end = s.off + s.len;
	}
	return true;
}

int xs_pagestore_check(const struct xs_pagestore *ps, struct xs_err *err)
{
	uint64_t idx;
	size_t it;
	void *v;
	int error = xs_chunkmap_check(&ps->units, err);

	if (error)
		return error;
	for (it = xs_chunkmap_next(&ps->units, 0, &idx, &v); it;
	     it = xs_chunkmap_next(&ps->units, it, &idx, &v)) {
		const struct xs_pagestore_unit *u = v;
		const char *why = NULL;
		uint8_t one[SEG_MARKER];
		const uint8_t *blob;
		uint32_t blen = xs_pagestore_unit_segs(ps, u, one, &blob);

		if (blen == DENSE ? !blob : blen > ps->unit_bytes / 8 || (blen && !blob))
			return xs_err_set(err, -EUCLEAN, "pagestore unit %llu has bad data",
					  (unsigned long long)idx);
		if (blen != DENSE && !segs_ok(blob, blen, ps->unit_bytes, &why))
			return xs_err_set(err, -EUCLEAN, "pagestore unit %llu: %s",
					  (unsigned long long)idx, why);
	}
	return 0;
}
