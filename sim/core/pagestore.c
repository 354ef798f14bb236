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

void xs_pagestore_init(struct xs_pagestore *ps, uint32_t unit_bytes)
{
	memset(ps, 0, sizeof(*ps));
	ps->unit_bytes = unit_bytes;
}

void xs_pagestore_destroy(struct xs_pagestore *ps)
{
	size_t i;

	for (i = 0; i < ps->cap; i++)
		if (ps->keys[i])
			free(ps->vals[i]);
	free(ps->keys);
	free(ps->vals);
	ps->keys = NULL;
	ps->vals = NULL;
	ps->cap = ps->count = 0;
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
	XS_ASSERT(ps->keys && ps->vals);
	for (i = 0; i < old.cap; i++) {
		if (old.keys[i]) {
			size_t j = find_slot(ps, old.keys[i]);

			ps->keys[j] = old.keys[i];
			ps->vals[j] = old.vals[i];
		}
	}
	free(old.keys);
	free(old.vals);
}

const uint8_t *xs_pagestore_peek(const struct xs_pagestore *ps, uint64_t idx)
{
	size_t i;

	if (!ps->cap)
		return NULL;
	i = find_slot(ps, idx + 1);
	return ps->keys[i] ? ps->vals[i] : NULL;
}

uint8_t *xs_pagestore_get(struct xs_pagestore *ps, uint64_t idx)
{
	size_t i;

	if ((ps->count + 1) * 2 > ps->cap)
		grow(ps);
	i = find_slot(ps, idx + 1);
	if (!ps->keys[i]) {
		ps->keys[i] = idx + 1;
		ps->vals[i] = calloc(1, ps->unit_bytes);
		XS_ASSERT(ps->vals[i]);
		ps->count++;
	}
	return ps->vals[i];
}

void xs_pagestore_drop(struct xs_pagestore *ps, uint64_t idx)
{
	size_t i, j;

	if (!ps->cap)
		return;
	i = find_slot(ps, idx + 1);
	if (!ps->keys[i])
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
			ps->keys[j] = 0;
			ps->vals[j] = NULL;
			i = j;
		}
	}
}

void xs_pagestore_read(const struct xs_pagestore *ps, uint64_t off, uint64_t len, uint8_t *buf)
{
	while (len) {
		uint64_t idx = off / ps->unit_bytes;
		uint64_t in = off % ps->unit_bytes;
		uint64_t n = xs_min_u64(len, ps->unit_bytes - in);
		const uint8_t *u = xs_pagestore_peek(ps, idx);

		if (u)
			memcpy(buf, u + in, n);
		else
			memset(buf, 0, n);
		buf += n;
		off += n;
		len -= n;
	}
}

void xs_pagestore_write(struct xs_pagestore *ps, uint64_t off, uint64_t len, const uint8_t *buf)
{
	while (len) {
		uint64_t idx = off / ps->unit_bytes;
		uint64_t in = off % ps->unit_bytes;
		uint64_t n = xs_min_u64(len, ps->unit_bytes - in);

		memcpy(xs_pagestore_get(ps, idx) + in, buf, n);
		buf += n;
		off += n;
		len -= n;
	}
}

void xs_pagestore_zero(struct xs_pagestore *ps, uint64_t off, uint64_t len)
{
	while (len) {
		uint64_t idx = off / ps->unit_bytes;
		uint64_t in = off % ps->unit_bytes;
		uint64_t n = xs_min_u64(len, ps->unit_bytes - in);

		if (n == ps->unit_bytes) {
			xs_pagestore_drop(ps, idx);
		} else {
			uint8_t *u = (uint8_t *)xs_pagestore_peek(ps, idx);

			if (u)
				memset(u + in, 0, n);
		}
		off += n;
		len -= n;
	}
}

size_t xs_pagestore_mem_bytes(const struct xs_pagestore *ps)
{
	return ps->cap * (sizeof(*ps->keys) + sizeof(*ps->vals)) + ps->count * ps->unit_bytes;
}

int xs_pagestore_check(const struct xs_pagestore *ps, struct xs_err *err)
{
	size_t i, used = 0;

	for (i = 0; i < ps->cap; i++) {
		if (!ps->keys[i])
			continue;
		used++;
		if (!ps->vals[i])
			return xs_err_set(err, -EUCLEAN, "pagestore slot %zu has no data", i);
		if (find_slot(ps, ps->keys[i]) != i)
			return xs_err_set(err, -EUCLEAN, "pagestore key %llu unreachable",
					  (unsigned long long)(ps->keys[i] - 1));
	}
	if (used != ps->count)
		return xs_err_set(err, -EUCLEAN, "pagestore count %zu, %zu slots used", ps->count,
				  used);
	return 0;
}
