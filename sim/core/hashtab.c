/*
 * Open-addressing hash table; see hashtab.h.
 */
#include "core/hashtab.h"

#include "core/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_CAP 64

/* Fibonacci hashing of the stored key (key + 1): the high bits mix best. */
static size_t home_of(uint64_t stored, size_t cap)
{
	return (size_t)((stored * 0x9E3779B97F4A7C15ULL) >> 20) & (cap - 1);
}

static uint8_t *val_at(const struct xs_hashtab *ht, size_t i)
{
	return ht->vals + i * ht->val_bytes;
}

/* The slot holding stored, or the empty slot where it would go. cap must be > 0. */
static size_t probe(const struct xs_hashtab *ht, uint64_t stored)
{
	size_t i = home_of(stored, ht->cap);

	while (ht->keys[i] && ht->keys[i] != stored)
		i = (i + 1) & (ht->cap - 1);
	return i;
}

void xs_hashtab_init(struct xs_hashtab *ht, size_t val_bytes)
{
	XS_ASSERT(val_bytes > 0);
	memset(ht, 0, sizeof(*ht));
	ht->val_bytes = val_bytes;
}

void xs_hashtab_destroy(struct xs_hashtab *ht)
{
	free(ht->keys);
	free(ht->vals);
	ht->keys = NULL;
	ht->vals = NULL;
	ht->cap = ht->count = 0;
}

void *xs_hashtab_find(const struct xs_hashtab *ht, uint64_t key)
{
	size_t i;

	if (!ht->cap)
		return NULL;
	i = probe(ht, key + 1);
	return ht->keys[i] ? val_at(ht, i) : NULL;
}

static void grow(struct xs_hashtab *ht)
{
	struct xs_hashtab old = *ht;
	size_t i;

	ht->cap = old.cap ? old.cap * 2 : FIRST_CAP;
	ht->keys = xs_xcalloc(ht->cap, sizeof(*ht->keys));
	ht->vals = xs_xcalloc(ht->cap, ht->val_bytes);
	for (i = 0; i < old.cap; i++) {
		if (old.keys[i]) {
			size_t j = probe(ht, old.keys[i]);

			ht->keys[j] = old.keys[i];
			memcpy(val_at(ht, j), val_at(&old, i), ht->val_bytes);
		}
	}
	free(old.keys);
	free(old.vals);
}

void *xs_hashtab_insert(struct xs_hashtab *ht, uint64_t key, bool *created)
{
	size_t i;

	XS_ASSERT(key != XS_HASHTAB_NOKEY);
	if ((ht->count + 1) * 2 > ht->cap)
		grow(ht);
	i = probe(ht, key + 1);
	if (created)
		*created = !ht->keys[i];
	if (!ht->keys[i]) {
		ht->keys[i] = key + 1;
		memset(val_at(ht, i), 0, ht->val_bytes);
		ht->count++;
	}
	return val_at(ht, i);
}

bool xs_hashtab_remove(struct xs_hashtab *ht, uint64_t key)
{
	size_t i, j;

	if (!ht->cap)
		return false;
	i = probe(ht, key + 1);
	if (!ht->keys[i])
		return false;
	ht->keys[i] = 0;
	ht->count--;
	/*
	 * Backward shift: move up each later entry of the run whose home is not in the
	 * cyclic range (i, j], so that no probe chain crosses the emptied slot.
	 */
	for (j = i;;) {
		size_t home;

		j = (j + 1) & (ht->cap - 1);
		if (!ht->keys[j])
			break;
		home = home_of(ht->keys[j], ht->cap);
		if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j))) {
			ht->keys[i] = ht->keys[j];
			memcpy(val_at(ht, i), val_at(ht, j), ht->val_bytes);
			ht->keys[j] = 0;
			i = j;
		}
	}
	return true;
}

size_t xs_hashtab_next(const struct xs_hashtab *ht, size_t it, uint64_t *keyp, void **valp)
{
	for (; it < ht->cap; it++) {
		if (ht->keys[it]) {
			*keyp = ht->keys[it] - 1;
			*valp = val_at(ht, it);
			return it + 1;
		}
	}
	return 0;
}

size_t xs_hashtab_mem_bytes(const struct xs_hashtab *ht)
{
	return ht->cap * (sizeof(*ht->keys) + ht->val_bytes);
}

int xs_hashtab_check(const struct xs_hashtab *ht, struct xs_err *err)
{
	size_t i, used = 0;

	if (!ht->cap)
		return ht->keys || ht->vals || ht->count
			       ? xs_err_set(err, -EUCLEAN, "hashtab without slots holds data")
			       : 0;
	if (ht->cap & (ht->cap - 1))
		return xs_err_set(err, -EUCLEAN, "hashtab capacity %zu not a power of two",
				  ht->cap);
	for (i = 0; i < ht->cap; i++) {
		if (!ht->keys[i])
			continue;
		used++;
		/* an empty slot or a duplicate earlier in its chain stops the probe short */
		if (probe(ht, ht->keys[i]) != i)
			return xs_err_set(err, -EUCLEAN, "hashtab key %llu unreachable",
					  (unsigned long long)(ht->keys[i] - 1));
	}
	if (used != ht->count)
		return xs_err_set(err, -EUCLEAN, "hashtab count %zu, %zu slots used", ht->count,
				  used);
	if (used * 2 > ht->cap)
		return xs_err_set(err, -EUCLEAN, "hashtab %zu of %zu slots used", used, ht->cap);
	return 0;
}

uint64_t xs_fnv1a(const void *p, size_t n, uint64_t h)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

uint64_t xs_splitmix64(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ULL;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
	return x ^ (x >> 31);
}
