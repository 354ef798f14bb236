/*
 * The oracle; see oracle.h.
 *
 * Simplification: one interval record covers at most XS_MAX_BMBT_EXTLEN bytes, so a
 * larger write is several records with the same id.
 */
#include "core/oracle.h"

#include <string.h>

void xs_oracle_init(struct xs_oracle *o, uint32_t page_bytes)
{
	memset(o, 0, sizeof(*o));
	xs_pagestore_init(&o->shadow, page_bytes);
	xs_iext_init(&o->owners);
}

void xs_oracle_destroy(struct xs_oracle *o)
{
	xs_pagestore_destroy(&o->shadow);
	xs_iext_destroy(&o->owners);
}

/* Remove ownership of [off, off + len), splitting records at the ends. */
static void owners_clear(struct xs_oracle *o, uint64_t off, uint64_t len)
{
	struct xs_ifork *ifp = &o->owners;
	uint64_t end = off + len;
	struct xs_iext_cursor cur;
	struct xs_bmbt_irec got;

	if (!len)
		return;
	while (xs_iext_lookup_extent(ifp, off, &cur, &got) && got.br_startoff < end) {
		uint64_t gend = got.br_startoff + got.br_blockcount;

		if (got.br_startoff < off) {
			/* keep the left part, and the right part if it sticks out */
			struct xs_bmbt_irec left = got;

			left.br_blockcount = off - got.br_startoff;
			xs_iext_update_extent(ifp, &cur, &left);
			if (gend > end) {
				struct xs_bmbt_irec right = got;

				right.br_startoff = end;
				right.br_blockcount = gend - end;
				xs_iext_next(ifp, &cur);
				xs_iext_insert(ifp, &cur, &right);
				return;
			}
			continue;
		}
		if (gend > end) {
			got.br_blockcount = gend - end;
			got.br_startoff = end;
			xs_iext_update_extent(ifp, &cur, &got);
			return;
		}
		xs_iext_remove(ifp, &cur);
	}
}

static void owners_set(struct xs_oracle *o, uint64_t id, uint64_t off, uint64_t len)
{
	owners_clear(o, off, len);
	while (len) {
		struct xs_iext_cursor cur;
		struct xs_bmbt_irec rec, got;
		uint64_t n = xs_min_u64(len, XS_MAX_BMBT_EXTLEN);

		rec.br_startoff = off;
		rec.br_blockcount = n;
		rec.br_startblock = id;
		rec.br_state = XS_EXT_NORM;
		/* nothing overlaps now: the cursor lands on the next record, or the end */
		xs_iext_lookup_extent(&o->owners, off, &cur, &got);
		xs_iext_insert(&o->owners, &cur, &rec);
		off += n;
		len -= n;
	}
}

/* Bytes [off, off + len) were just stored by operation id. */
static void written(struct xs_oracle *o, uint64_t id, xs_off_t off, xs_off_t len)
{
	XS_ASSERT(id > 0);
	owners_set(o, id, off, len);
	if (off + len > o->size)
		o->size = off + len;
}

void xs_oracle_write(struct xs_oracle *o, uint64_t id, xs_off_t off, xs_off_t len,
		     const uint8_t *buf)
{
	xs_pagestore_write(&o->shadow, off, len, buf);
	written(o, id, off, len);
}

void xs_oracle_write_marker(struct xs_oracle *o, uint64_t id, xs_off_t off, xs_off_t len)
{
	xs_pagestore_write_marker(&o->shadow, off, len, id, 0);
	written(o, id, off, len);
}

void xs_oracle_zero(struct xs_oracle *o, uint64_t id, xs_off_t off, xs_off_t len)
{
	if (off >= o->size)
		return;
	len = xs_min_u64(len, o->size - off);
	xs_pagestore_zero(&o->shadow, off, len);
	owners_set(o, id, off, len);
}

void xs_oracle_truncate(struct xs_oracle *o, uint64_t id, xs_off_t size)
{
	(void)id;
	if (size < o->size) {
		xs_pagestore_zero(&o->shadow, size, o->size - size);
		owners_clear(o, size, o->size - size);
	}
	o->size = size;
}

static bool memchr_nonzero(const uint8_t *p, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return true;
	return false;
}

/* Owner of byte off (0 if none) and where that ownership ends. */
static uint64_t owner_at(struct xs_oracle *o, uint64_t off, uint64_t *end)
{
	struct xs_iext_cursor cur;
	struct xs_bmbt_irec got;

	if (!xs_iext_lookup_extent(&o->owners, off, &cur, &got)) {
		*end = UINT64_MAX;
		return 0;
	}
	if (got.br_startoff > off) {
		*end = got.br_startoff;
		return 0;
	}
	*end = got.br_startoff + got.br_blockcount;
	return got.br_startblock;
}

uint64_t xs_oracle_compare_range(struct xs_oracle *o, xs_off_t base, const uint8_t *actual,
				 xs_off_t len,
				 void (*report)(void *arg, const struct xs_oracle_loss *loss),
				 void *arg)
{
	uint32_t unit = o->shadow.unit_bytes;
	uint64_t off = base, end = base + len, lost = 0;

	XS_ASSERT(end <= o->size);
	while (off < end) {
		uint64_t chunk = xs_min_u64(end - off, unit - off % unit);
		const uint8_t *exp = xs_pagestore_peek(&o->shadow, off / unit);
		const uint8_t *act = actual + (off - base);
		uint64_t i = 0;

		/* the common case: the piece is right */
		if (exp ? memcmp(act, exp + off % unit, chunk) == 0 : !memchr_nonzero(act, chunk)) {
			off += chunk;
			continue;
		}
		while (i < chunk) {
			uint64_t owner_end, id, start;

			if (act[i] == (exp ? exp[off % unit + i] : 0)) {
				i++;
				continue;
			}
			/* a run of differing bytes with one owner */
			start = off + i;
			id = owner_at(o, start, &owner_end);
			while (i < chunk && off + i < owner_end &&
			       act[i] != (exp ? exp[off % unit + i] : 0))
				i++;
			lost += off + i - start;
			if (report) {
				struct xs_oracle_loss loss = {id, start, off + i - start};

				report(arg, &loss);
			}
		}
		off += chunk;
	}
	return lost;
}

uint64_t xs_oracle_compare(struct xs_oracle *o, const uint8_t *actual, xs_off_t actual_size,
			   void (*report)(void *arg, const struct xs_oracle_loss *loss), void *arg)
{
	uint64_t n = xs_min_u64(actual_size, o->size);
	uint64_t lost = xs_oracle_compare_range(o, 0, actual, n, report, arg);

	return lost + (actual_size > o->size ? actual_size - o->size : o->size - actual_size);
}
