/*
 * Sparse map in chunks of 64 keys; see chunkmap.h.
 */
#include "core/chunkmap.h"

#include "core/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_SHIFT 6
#define CHUNK_KEYS  64u

struct xs_chunk {
	uint64_t mask; /* bit b: key (chunk key << 6) + b is present */
	uint32_t cap;  /* values allocated: 1, 4, 16 or 64 */
	uint32_t pad;
	uint8_t vals[]; /* popcount(mask) values in key order, then room for cap */
};

static struct xs_chunk *chunk_of(const struct xs_chunkmap *m, uint64_t key)
{
	struct xs_chunk **slot = xs_hashtab_find(&m->dir, key >> CHUNK_SHIFT);

	return slot ? *slot : NULL;
}

/* Where the value of bit b goes in chunk c: the number of keys below it. */
static uint32_t rank(const struct xs_chunk *c, uint32_t b)
{
	return (uint32_t)__builtin_popcountll(c->mask & ((1ULL << b) - 1));
}

void xs_chunkmap_init(struct xs_chunkmap *m, size_t val_bytes)
{
	XS_ASSERT(val_bytes > 0 && val_bytes < 256);
	memset(m, 0, sizeof(*m));
	xs_hashtab_init(&m->dir, sizeof(struct xs_chunk *));
	m->val_bytes = val_bytes;
}

void xs_chunkmap_destroy(struct xs_chunkmap *m)
{
	uint64_t ck;
	size_t it;
	void *v;

	for (it = xs_hashtab_next(&m->dir, 0, &ck, &v); it;
	     it = xs_hashtab_next(&m->dir, it, &ck, &v))
		free(*(struct xs_chunk **)v);
	xs_hashtab_destroy(&m->dir);
	m->count = 0;
}

void *xs_chunkmap_find(const struct xs_chunkmap *m, uint64_t key)
{
	const struct xs_chunk *c = chunk_of(m, key);
	uint32_t b = (uint32_t)(key & (CHUNK_KEYS - 1));

	if (!c || !(c->mask >> b & 1))
		return NULL;
	return (uint8_t *)c->vals + (size_t)rank(c, b) * m->val_bytes;
}

static struct xs_chunk *chunk_alloc(const struct xs_chunkmap *m, struct xs_chunk *old, uint32_t cap)
{
	struct xs_chunk *c = xs_xrealloc(old, sizeof(*c) + (size_t)cap * m->val_bytes);

	if (!old)
		c->mask = 0;
	c->cap = cap;
	c->pad = 0;
	return c;
}

void *xs_chunkmap_insert(struct xs_chunkmap *m, uint64_t key, bool *created)
{
	struct xs_chunk **slot = xs_hashtab_find(&m->dir, key >> CHUNK_SHIFT), *c;
	uint32_t b = (uint32_t)(key & (CHUNK_KEYS - 1)), r, n;
	uint8_t *val;

	if (!slot) {
		slot = xs_hashtab_insert(&m->dir, key >> CHUNK_SHIFT, NULL);
		*slot = chunk_alloc(m, NULL, 1);
	}
	c = *slot;
	r = rank(c, b);
	val = c->vals + (size_t)r * m->val_bytes;
	if (c->mask >> b & 1) {
		if (created)
			*created = false;
		return val;
	}
	n = (uint32_t)__builtin_popcountll(c->mask);
	if (n == c->cap) {
		/* 1, 4, 16, 64: a run of keys costs three reallocations per chunk */
		c = *slot = chunk_alloc(m, c, c->cap * 4);
		val = c->vals + (size_t)r * m->val_bytes;
	}
	memmove(val + m->val_bytes, val, (size_t)(n - r) * m->val_bytes);
	memset(val, 0, m->val_bytes);
	c->mask |= 1ULL << b;
	m->count++;
	if (created)
		*created = true;
	return val;
}

bool xs_chunkmap_remove(struct xs_chunkmap *m, uint64_t key)
{
	struct xs_chunk **slot = xs_hashtab_find(&m->dir, key >> CHUNK_SHIFT), *c;
	uint32_t b = (uint32_t)(key & (CHUNK_KEYS - 1)), r, n;
	uint8_t *val;

	if (!slot || !((*slot)->mask >> b & 1))
		return false;
	c = *slot;
	r = rank(c, b);
	n = (uint32_t)__builtin_popcountll(c->mask);
	val = c->vals + (size_t)r * m->val_bytes;
	memmove(val, val + m->val_bytes, (size_t)(n - r - 1) * m->val_bytes);
	c->mask &= ~(1ULL << b);
	m->count--;
	if (!c->mask) {
		free(c);
		xs_hashtab_remove(&m->dir, key >> CHUNK_SHIFT);
	} else if (c->cap >= 4 && (n - 1) * 8 <= c->cap) {
		/* a chunk emptied to an eighth gives three quarters of its room back */
		*slot = chunk_alloc(m, c, c->cap / 4);
	}
	return true;
}

/*
 * A position encodes the directory slot of a chunk and a bit in it: ((slot << 6) | b)
 * + 1, where xs_hashtab_next(dir, slot, ...) finds the chunk again.
 */
size_t xs_chunkmap_next(const struct xs_chunkmap *m, size_t it, uint64_t *keyp, void **valp)
{
	size_t slot = it ? (it - 1) >> CHUNK_SHIFT : 0;
	uint32_t from = it ? (uint32_t)((it - 1) & (CHUNK_KEYS - 1)) + 1 : 0;
	uint64_t ck;
	void *v;
	size_t pos;

	while ((pos = xs_hashtab_next(&m->dir, slot, &ck, &v)) != 0) {
		const struct xs_chunk *c = *(struct xs_chunk **)v;
		uint64_t rest = from < CHUNK_KEYS ? c->mask >> from << from : 0;

		if (rest) {
			uint32_t b = (uint32_t)__builtin_ctzll(rest);

			*keyp = ck << CHUNK_SHIFT | b;
			*valp = (uint8_t *)c->vals + (size_t)rank(c, b) * m->val_bytes;
			return ((pos - 1) << CHUNK_SHIFT | b) + 1;
		}
		slot = pos; /* the next slot */
		from = 0;
	}
	return 0;
}

size_t xs_chunkmap_mem_bytes(const struct xs_chunkmap *m)
{
	size_t bytes = xs_hashtab_mem_bytes(&m->dir), it;
	uint64_t ck;
	void *v;

	for (it = xs_hashtab_next(&m->dir, 0, &ck, &v); it;
	     it = xs_hashtab_next(&m->dir, it, &ck, &v))
		bytes += sizeof(struct xs_chunk) + (*(struct xs_chunk **)v)->cap * m->val_bytes;
	return bytes;
}

int xs_chunkmap_check(const struct xs_chunkmap *m, struct xs_err *err)
{
	size_t it, keys = 0;
	uint64_t ck;
	void *v;
	int error = xs_hashtab_check(&m->dir, err);

	if (error)
		return error;
	for (it = xs_hashtab_next(&m->dir, 0, &ck, &v); it;
	     it = xs_hashtab_next(&m->dir, it, &ck, &v)) {
		const struct xs_chunk *c = *(struct xs_chunk **)v;
		uint32_t n;

		if (!c || !c->mask)
			return xs_err_set(err, -EUCLEAN, "chunkmap chunk %llu is empty",
					  (unsigned long long)ck);
		n = (uint32_t)__builtin_popcountll(c->mask);
		if ((c->cap != 1 && c->cap != 4 && c->cap != 16 && c->cap != CHUNK_KEYS) ||
		    n > c->cap)
			return xs_err_set(err, -EUCLEAN,
					  "chunkmap chunk %llu: %u keys in capacity %u",
					  (unsigned long long)ck, n, c->cap);
		keys += n;
	}
	if (keys != m->count)
		return xs_err_set(err, -EUCLEAN, "chunkmap count %zu, %zu keys in chunks", m->count,
				  keys);
	return 0;
}
