/*
 * Sparse byte store; see pagestore.h.
 */
#include "core/pagestore.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static size_t slot_of(uint64_t key, size_t cap)
{
	/* Fibonacci hashing */
	return (size_t)((key * 0x9E3779B97F4A7C15ULL) >> 20) & (cap - 1);
}

#define DENSE UINT32_MAX

void xs_pagestore_init(struct xs_pagestore *ps, uint32_t unit_bytes)
{
	memset(ps, 0, sizeof(*ps));
	ps->unit_bytes = unit_bytes;
	ps->scratch = malloc(unit_bytes);
	XS_ASSERT(ps->scratch);
}

void xs_pagestore_destroy(struct xs_pagestore *ps)
{
	size_t i;

	for (i = 0; i < ps->cap; i++)
		if (ps->keys[i])
			free(ps->vals[i]);
	free(ps->keys);
	free(ps->vals);
	free(ps->blen);
	free(ps->scratch);
	ps->keys = NULL;
	ps->vals = NULL;
	ps->blen = NULL;
	ps->scratch = NULL;
	ps->cap = ps->count = 0;
}

/* Bytes of a sparse unit's segments, walked: fn(arg, off, len, bytes). */
static void seg_walk(const uint8_t *blob, uint32_t blen,
		     void (*fn)(void *arg, uint32_t off, uint32_t len, const uint8_t *bytes),
		     void *arg)
{
	uint32_t p = 0;

	while (p < blen) {
		uint16_t off, len;

		memcpy(&off, blob + p, 2);
		memcpy(&len, blob + p + 2, 2);
		fn(arg, off, len, blob + p + 4);
		p += 4u + len;
	}
}

static void seg_copy_all(void *arg, uint32_t off, uint32_t len, const uint8_t *bytes)
{
	memcpy((uint8_t *)arg + off, bytes, len);
}

/* Write unit slot i's bytes, all unit_bytes of them, into out. */
static void unit_materialize(const struct xs_pagestore *ps, size_t i, uint8_t *out)
{
	if (ps->blen[i] == DENSE) {
		memcpy(out, ps->vals[i], ps->unit_bytes);
		return;
	}
	memset(out, 0, ps->unit_bytes);
	seg_walk(ps->vals[i], ps->blen[i], seg_copy_all, out);
}

/*
 * Store page (unit_bytes) as slot i's new contents: sparse if its non-zero runs
 * (gaps under 8 zero bytes joined) fit in unit/8 bytes of segments, else dense.
 */
static void unit_store(struct xs_pagestore *ps, size_t i, const uint8_t *page)
{
	uint32_t unit = ps->unit_bytes, limit = unit / 8, blen = 0, p = 0;
	uint8_t *blob = malloc(limit + 4);

	XS_ASSERT(blob);
	while (p < unit) {
		uint32_t start, end, zeros;

		while (p < unit && !page[p])
			p++;
		if (p == unit)
			break;
		start = p;
		end = p;
		zeros = 0;
		while (p < unit && zeros < 8) {
			if (page[p]) {
				end = p + 1;
				zeros = 0;
			} else {
				zeros++;
			}
			p++;
		}
		if (blen + 4 + (end - start) > limit || end - start > UINT16_MAX) {
			free(blob);
			blob = NULL;
			break;
		}
		{
			uint16_t off16 = (uint16_t)start, len16 = (uint16_t)(end - start);

			memcpy(blob + blen, &off16, 2);
			memcpy(blob + blen + 2, &len16, 2);
			memcpy(blob + blen + 4, page + start, end - start);
			blen += 4 + (end - start);
		}
		p = end;
	}
	free(ps->vals[i]);
	if (blob) {
		ps->vals[i] = blob;
		ps->blen[i] = blen;
		return;
	}
	ps->vals[i] = malloc(unit);
	XS_ASSERT(ps->vals[i]);
	memcpy(ps->vals[i], page, unit);
	ps->blen[i] = DENSE;
}

static size_t find_slot(const struct xs_pagestore *ps, uint64_t key)
{
	size_t i = slot_of(key, ps->cap);

	while (ps->keys[i] && ps->keys[i] != key)
		i = (i + 1) & (ps->cap - 1);
	return i;
}

static void grow(struct xs_pagestore *ps)
{
	struct xs_pagestore old = *ps;
	size_t i;

	ps->cap = old.cap ? old.cap * 2 : 64;
	ps->keys = calloc(ps->cap, sizeof(*ps->keys));
	ps->vals = calloc(ps->cap, sizeof(*ps->vals));
	ps->blen = calloc(ps->cap, sizeof(*ps->blen));
	XS_ASSERT(ps->keys && ps->vals && ps->blen);
	for (i = 0; i < old.cap; i++) {
		if (old.keys[i]) {
			size_t j = find_slot(ps, old.keys[i]);

			ps->keys[j] = old.keys[i];
			ps->vals[j] = old.vals[i];
			ps->blen[j] = old.blen[i];
		}
	}
	free(old.keys);
	free(old.vals);
	free(old.blen);
}

/* The slot of unit idx, or SIZE_MAX. */
static size_t slot_get(const struct xs_pagestore *ps, uint64_t idx)
{
	size_t i;

	if (!ps->cap)
		return SIZE_MAX;
	i = find_slot(ps, idx + 1);
	return ps->keys[i] ? i : SIZE_MAX;
}

/* The slot of unit idx, created empty (sparse, no segments) if absent. */
static size_t slot_make(struct xs_pagestore *ps, uint64_t idx)
{
	size_t i;

	if ((ps->count + 1) * 2 > ps->cap)
		grow(ps);
	i = find_slot(ps, idx + 1);
	if (!ps->keys[i]) {
		ps->keys[i] = idx + 1;
		ps->vals[i] = NULL;
		ps->blen[i] = 0;
		ps->count++;
	}
	return i;
}

const uint8_t *xs_pagestore_peek(const struct xs_pagestore *ps, uint64_t idx)
{
	size_t i = slot_get(ps, idx);

	if (i == SIZE_MAX)
		return NULL;
	if (ps->blen[i] == DENSE)
		return ps->vals[i];
	unit_materialize(ps, i, ps->scratch);
	return ps->scratch;
}

uint8_t *xs_pagestore_get(struct xs_pagestore *ps, uint64_t idx)
{
	size_t i = slot_make(ps, idx);
	uint8_t *dense;

	if (ps->blen[i] == DENSE)
		return ps->vals[i];
	dense = malloc(ps->unit_bytes);
	XS_ASSERT(dense);
	unit_materialize(ps, i, dense);
	free(ps->vals[i]);
	ps->vals[i] = dense;
	ps->blen[i] = DENSE;
	return dense;
}

void xs_pagestore_drop(struct xs_pagestore *ps, uint64_t idx)
{
	size_t i = slot_get(ps, idx), j;

	if (i == SIZE_MAX)
		return;
	free(ps->vals[i]);
	ps->keys[i] = 0;
	ps->vals[i] = NULL;
	ps->count--;
	/* backward-shift deletion keeps probe chains intact */
	j = i;
	for (;;) {
		size_t home;

		j = (j + 1) & (ps->cap - 1);
		if (!ps->keys[j])
			break;
		home = slot_of(ps->keys[j], ps->cap);
		if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j))) {
			ps->keys[i] = ps->keys[j];
			ps->vals[i] = ps->vals[j];
			ps->blen[i] = ps->blen[j];
			ps->keys[j] = 0;
			ps->vals[j] = NULL;
			i = j;
		}
	}
}

struct seg_range {
	uint8_t *dst;
	uint32_t in, n;
};

/* Copy the part of one segment inside [in, in + n) to dst. */
static void seg_copy_range(void *arg, uint32_t off, uint32_t len, const uint8_t *bytes)
{
	struct seg_range *r = arg;
	uint32_t lo = off > r->in ? off : r->in;
	uint32_t hi = off + len < r->in + r->n ? off + len : r->in + r->n;

	if (lo < hi)
		memcpy(r->dst + (lo - r->in), bytes + (lo - off), hi - lo);
}

void xs_pagestore_read(const struct xs_pagestore *ps, uint64_t off, uint64_t len, uint8_t *buf)
{
	while (len) {
		uint64_t idx = off / ps->unit_bytes;
		uint32_t in = (uint32_t)(off % ps->unit_bytes);
		uint32_t n = (uint32_t)xs_min_u64(len, ps->unit_bytes - in);
		size_t i = slot_get(ps, idx);

		if (i != SIZE_MAX && ps->blen[i] == DENSE) {
			memcpy(buf, ps->vals[i] + in, n);
		} else {
			memset(buf, 0, n);
			if (i != SIZE_MAX) {
				struct seg_range r = {buf, in, n};

				seg_walk(ps->vals[i], ps->blen[i], seg_copy_range, &r);
			}
		}
		buf += n;
		off += n;
		len -= n;
	}
}

/* Whether buf[0, n) has more than limit non-zero bytes (stops as soon as it knows). */
static bool more_than(const uint8_t *buf, uint32_t n, uint32_t limit)
{
	uint32_t i, nz = 0;

	if (n <= limit)
		return false;
	for (i = 0; i < n; i++)
		if (buf[i] && ++nz > limit)
			return true;
	return false;
}

void xs_pagestore_write(struct xs_pagestore *ps, uint64_t off, uint64_t len, const uint8_t *buf)
{
	while (len) {
		uint64_t idx = off / ps->unit_bytes;
		uint32_t in = (uint32_t)(off % ps->unit_bytes);
		uint32_t n = (uint32_t)xs_min_u64(len, ps->unit_bytes - in);
		size_t i = slot_make(ps, idx);

		if (ps->blen[i] != DENSE && more_than(buf, n, ps->unit_bytes / 8)) {
			/* too much data to stay sparse: go dense without rebuilding segments */
			uint8_t *dense = malloc(ps->unit_bytes);

			XS_ASSERT(dense);
			unit_materialize(ps, i, dense);
			free(ps->vals[i]);
			ps->vals[i] = dense;
			ps->blen[i] = DENSE;
		}
		if (ps->blen[i] == DENSE) {
			memcpy(ps->vals[i] + in, buf, n);
		} else {
			unit_materialize(ps, i, ps->scratch);
			memcpy(ps->scratch + in, buf, n);
			unit_store(ps, i, ps->scratch);
		}
		buf += n;
		off += n;
		len -= n;
	}
}

void xs_pagestore_zero(struct xs_pagestore *ps, uint64_t off, uint64_t len)
{
	while (len) {
		uint64_t idx = off / ps->unit_bytes;
		uint32_t in = (uint32_t)(off % ps->unit_bytes);
		uint32_t n = (uint32_t)xs_min_u64(len, ps->unit_bytes - in);
		size_t i = slot_get(ps, idx);

		if (n == ps->unit_bytes) {
			xs_pagestore_drop(ps, idx);
		} else if (i != SIZE_MAX && ps->blen[i] == DENSE) {
			memset(ps->vals[i] + in, 0, n);
		} else if (i != SIZE_MAX && ps->blen[i]) {
			unit_materialize(ps, i, ps->scratch);
			memset(ps->scratch + in, 0, n);
			unit_store(ps, i, ps->scratch);
		}
		off += n;
		len -= n;
	}
}

size_t xs_pagestore_mem_bytes(const struct xs_pagestore *ps)
{
	size_t i, bytes = ps->cap * (sizeof(*ps->keys) + sizeof(*ps->vals) + sizeof(*ps->blen));

	for (i = 0; i < ps->cap; i++)
		if (ps->keys[i])
			bytes += ps->blen[i] == DENSE ? ps->unit_bytes : ps->blen[i];
	return bytes;
}

int xs_pagestore_check(const struct xs_pagestore *ps, struct xs_err *err)
{
	size_t i, used = 0;

	for (i = 0; i < ps->cap; i++) {
		if (!ps->keys[i])
			continue;
		used++;
		if (ps->blen[i] == DENSE
			    ? !ps->vals[i]
			    : ps->blen[i] > ps->unit_bytes / 8 || (ps->blen[i] && !ps->vals[i]))
			return xs_err_set(err, -EUCLEAN, "pagestore slot %zu has bad data", i);
		if (find_slot(ps, ps->keys[i]) != i)
			return xs_err_set(err, -EUCLEAN, "pagestore key %llu unreachable",
					  (unsigned long long)(ps->keys[i] - 1));
	}
	if (used != ps->count)
		return xs_err_set(err, -EUCLEAN, "pagestore count %zu, %zu slots used", ps->count,
				  used);
	return 0;
}
