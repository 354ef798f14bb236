/*
 * The hash table and the chunked map against a trivially correct reference (an unsorted
 * array searched linearly) over random insert / remove / lookup sequences, and their
 * checkers on damage.
 */
#include "core/chunkmap.h"
#include "core/hashtab.h"
#include "tests/testhelp.h"

#include <errno.h>
#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>

/* The value stored: 12 bytes, so values are neither pointer-sized nor aligned to 8. */
struct val {
	uint32_t a, b, c;
};

/* Reference: n entries in keys[] / vals[], in no order. */
struct ref {
	uint64_t *keys;
	struct val *vals;
	size_t n;
};

static size_t ref_find(const struct ref *r, uint64_t key)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->keys[i] == key)
			return i;
	return SIZE_MAX;
}

static void ref_remove(struct ref *r, size_t i)
{
	r->n--;
	r->keys[i] = r->keys[r->n];
	r->vals[i] = r->vals[r->n];
}

/* The two maps under test, behind one set of calls. */
struct map_ops {
	const char *name;
	void (*init)(void *m, size_t val_bytes);
	void (*destroy)(void *m);
	void *(*find)(const void *m, uint64_t key);
	void *(*insert)(void *m, uint64_t key, bool *created);
	bool (*remove)(void *m, uint64_t key);
	size_t (*next)(const void *m, size_t it, uint64_t *keyp, void **valp);
	int (*check)(const void *m, struct xs_err *err);
	size_t (*count)(const void *m);
	bool (*grew)(const void *m);  /* past several doublings */
	bool (*empty)(const void *m); /* nothing allocated */
};

static void ht_init(void *m, size_t vb)
{
	xs_hashtab_init(m, vb);
}
static void ht_destroy(void *m)
{
	xs_hashtab_destroy(m);
}
static void *ht_find(const void *m, uint64_t k)
{
	return xs_hashtab_find(m, k);
}
static void *ht_insert(void *m, uint64_t k, bool *c)
{
	return xs_hashtab_insert(m, k, c);
}
static bool ht_remove(void *m, uint64_t k)
{
	return xs_hashtab_remove(m, k);
}
static size_t ht_next(const void *m, size_t it, uint64_t *k, void **v)
{
	return xs_hashtab_next(m, it, k, v);
}
static int ht_check(const void *m, struct xs_err *e)
{
	return xs_hashtab_check(m, e);
}
static size_t ht_count(const void *m)
{
	return ((const struct xs_hashtab *)m)->count;
}
static bool ht_grew(const void *m)
{
	return ((const struct xs_hashtab *)m)->cap >= 512;
}
static bool ht_empty(const void *m)
{
	const struct xs_hashtab *ht = m;

	return ht->cap == 0 && ht->count == 0 && !ht->keys;
}

static void cm_init(void *m, size_t vb)
{
	xs_chunkmap_init(m, vb);
}
static void cm_destroy(void *m)
{
	xs_chunkmap_destroy(m);
}
static void *cm_find(const void *m, uint64_t k)
{
	return xs_chunkmap_find(m, k);
}
static void *cm_insert(void *m, uint64_t k, bool *c)
{
	return xs_chunkmap_insert(m, k, c);
}
static bool cm_remove(void *m, uint64_t k)
{
	return xs_chunkmap_remove(m, k);
}
static size_t cm_next(const void *m, size_t it, uint64_t *k, void **v)
{
	return xs_chunkmap_next(m, it, k, v);
}
static int cm_check(const void *m, struct xs_err *e)
{
	return xs_chunkmap_check(m, e);
}
static size_t cm_count(const void *m)
{
	return ((const struct xs_chunkmap *)m)->count;
}
/* a directory of 128 slots or more: some 64 chunks of keys */
static bool cm_grew(const void *m)
{
	return ((const struct xs_chunkmap *)m)->dir.cap >= 128;
}
static bool cm_empty(const void *m)
{
	const struct xs_chunkmap *cm = m;

	return cm->dir.cap == 0 && cm->count == 0 && !cm->dir.keys;
}

static const struct map_ops hashtab_ops = {
	"hashtab", ht_init,  ht_destroy, ht_find, ht_insert, ht_remove,
	ht_next,   ht_check, ht_count,	 ht_grew, ht_empty,
};
static const struct map_ops chunkmap_ops = {
	"chunkmap", cm_init,  cm_destroy, cm_find, cm_insert, cm_remove,
	cm_next,    cm_check, cm_count,	  cm_grew, cm_empty,
};

/* Every reference entry is found with its value, and iteration sees exactly them. */
static bool same_as_ref(const struct map_ops *ops, const void *ht, const struct ref *r)
{
	size_t i, it, seen = 0;
	uint64_t key;
	void *v;

	if (ops->count(ht) != r->n)
		return false;
	for (i = 0; i < r->n; i++) {
		const struct val *got = ops->find(ht, r->keys[i]);

		if (!got || memcmp(got, &r->vals[i], sizeof(*got)) != 0)
			return false;
	}
	for (it = ops->next(ht, 0, &key, &v); it; it = ops->next(ht, it, &key, &v)) {
		i = ref_find(r, key);
		if (i == SIZE_MAX || memcmp(v, &r->vals[i], sizeof(r->vals[i])) != 0)
			return false;
		seen++;
	}
	return seen == r->n;
}

/*
 * Keys from a small universe (so inserts hit present keys and removes absent ones),
 * spread three ways: dense indexes, multiples of 2^20 (equal in the bits below the
 * hash's shift), and the extremes next to XS_HASHTAB_NOKEY.
 */
static uint64_t random_key(gsl_rng *rng, unsigned long universe)
{
	uint64_t k = gsl_rng_uniform_int(rng, universe);

	switch (gsl_rng_uniform_int(rng, 3)) {
	case 0:
		return k;
	case 1:
		return k << 20;
	default:
		return XS_HASHTAB_NOKEY - 1 - k;
	}
}

static void against_ref(const struct map_ops *mo, unsigned long seed, unsigned int ops,
			unsigned long universe)
{
	union {
		struct xs_hashtab ht;
		struct xs_chunkmap cm;
	} map;
	void *ht = &map;
	struct ref r = {0};
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	bool same = true, checked = true, created_ok = true, remove_ok = true, miss_ok = true;
	size_t max_n = 0;
	unsigned int op;
	char descr[128];

	r.keys = malloc(3 * universe * sizeof(*r.keys));
	r.vals = malloc(3 * universe * sizeof(*r.vals));
	XS_ASSERT(rng && r.keys && r.vals);
	gsl_rng_set(rng, seed);
	mo->init(ht, sizeof(struct val));
	for (op = 0; op < ops && same && checked; op++) {
		uint64_t key = random_key(rng, universe);
		size_t i = ref_find(&r, key);
		/* phases of growth and of shrinking, so the table both grows and empties */
		unsigned long grow = (op / 2000) % 2 == 0 ? 6 : 3;
		unsigned long kind = gsl_rng_uniform_int(rng, 10);

		if (kind < grow) {
			bool created;
			struct val *v = mo->insert(ht, key, &created);
			struct val fresh = {0, 0, 0};

			created_ok &= created == (i == SIZE_MAX);
			if (created)
				created_ok &= memcmp(v, &fresh, sizeof(fresh)) == 0;
			v->a = (uint32_t)gsl_rng_get(rng);
			v->b = (uint32_t)key;
			v->c = op;
			if (i == SIZE_MAX) {
				i = r.n++;
				r.keys[i] = key;
			}
			r.vals[i] = *v;
		} else if (kind < 9) {
			remove_ok &= mo->remove(ht, key) == (i != SIZE_MAX);
			if (i != SIZE_MAX)
				ref_remove(&r, i);
		} else {
			miss_ok &= (mo->find(ht, key) == NULL) == (i == SIZE_MAX);
		}
		if (r.n > max_n)
			max_n = r.n;
		if (op % 16 == 0 || r.n < 8)
			same = same_as_ref(mo, ht, &r);
		checked = mo->check(ht, NULL) == 0;
	}
	same = same && same_as_ref(mo, ht, &r);
	snprintf(descr, sizeof(descr),
		 "%s seed %lu: finds, values and iteration match the reference", mo->name, seed);
	test_cond(descr, same);
	snprintf(descr, sizeof(descr), "%s seed %lu: the check passes after every op", mo->name,
		 seed);
	test_cond(descr, checked);
	snprintf(descr, sizeof(descr),
		 "%s seed %lu: insert says created exactly for new keys, zeroed", mo->name, seed);
	test_cond(descr, created_ok);
	snprintf(descr, sizeof(descr), "%s seed %lu: remove says whether the key was there",
		 mo->name, seed);
	test_cond(descr, remove_ok);
	snprintf(descr, sizeof(descr), "%s seed %lu: lookups of absent keys miss", mo->name, seed);
	test_cond(descr, miss_ok);
	snprintf(descr, sizeof(descr), "%s seed %lu: the table grew past several doublings",
		 mo->name, seed);
	test_cond(descr, max_n > 256 && mo->grew(ht));
	mo->destroy(ht);
	snprintf(descr, sizeof(descr), "%s: destroy leaves an empty table", mo->name);
	test_cond(descr, mo->empty(ht));
	gsl_rng_free(rng);
	free(r.keys);
	free(r.vals);
}

XS_TEST_SUITE(test_hashtab_vs_reference)
{
	const struct map_ops *maps[] = {&hashtab_ops, &chunkmap_ops};
	size_t i;

	for (i = 0; i < 2; i++) {
		against_ref(maps[i], 1, 30000, 400);
		against_ref(maps[i], 2, 30000, 2000);
		against_ref(maps[i], 3, 20000, 150);
	}
}

XS_TEST_SUITE(test_hashtab_basics)
{
	struct xs_hashtab ht;
	uint64_t key, k;
	void *v;
	size_t it, n = 0;
	bool created;

	xs_hashtab_init(&ht, sizeof(int));
	test_cond("empty: find misses, remove fails, nothing allocated",
		  !xs_hashtab_find(&ht, 0) && !xs_hashtab_remove(&ht, 0) && ht.cap == 0 &&
			  xs_hashtab_next(&ht, 0, &key, &v) == 0 && xs_hashtab_mem_bytes(&ht) == 0);
	test_cond("empty table checks", xs_hashtab_check(&ht, NULL) == 0);
	*(int *)xs_hashtab_insert(&ht, 0, &created) = 7;
	test_cond("key 0 is an ordinary key", created && *(int *)xs_hashtab_find(&ht, 0) == 7);
	*(int *)xs_hashtab_insert(&ht, XS_HASHTAB_NOKEY - 1, &created) = 8;
	test_cond("the largest key is one too",
		  created && *(int *)xs_hashtab_find(&ht, XS_HASHTAB_NOKEY - 1) == 8);
	xs_hashtab_insert(&ht, 0, &created);
	test_cond("insert of a present key keeps its value",
		  !created && *(int *)xs_hashtab_find(&ht, 0) == 7 && ht.count == 2);
	for (k = 1; k <= 100; k++)
		*(int *)xs_hashtab_insert(&ht, k, NULL) = (int)k;
	test_cond("101 more keys: count, capacity at least twice it",
		  ht.count == 102 && ht.cap >= 204 && (ht.cap & (ht.cap - 1)) == 0);
	test_cond("memory: the slots",
		  xs_hashtab_mem_bytes(&ht) == ht.cap * (sizeof(uint64_t) + sizeof(int)));
	for (it = xs_hashtab_next(&ht, 0, &key, &v); it; it = xs_hashtab_next(&ht, it, &key, &v))
		n++;
	test_cond("iteration visits every key once", n == 102);
	for (k = 1; k <= 100; k += 2)
		xs_hashtab_remove(&ht, k);
	test_cond("after removing the odd keys the even ones remain",
		  ht.count == 52 && !xs_hashtab_find(&ht, 51) &&
			  *(int *)xs_hashtab_find(&ht, 50) == 50);
	test_cond("check", xs_hashtab_check(&ht, NULL) == 0);
	xs_hashtab_destroy(&ht);
}

/* The checker finds each kind of damage, and passes again once it is undone. */
XS_TEST_SUITE(test_hashtab_check_catches)
{
	struct xs_hashtab ht;
	struct xs_err err = {0};
	size_t i, used = SIZE_MAX, empty = SIZE_MAX;
	uint64_t k, saved;

	xs_hashtab_init(&ht, sizeof(uint64_t));
	for (k = 0; k < 20; k++)
		*(uint64_t *)xs_hashtab_insert(&ht, k * 7, NULL) = k;
	test_cond("consistent table passes", xs_hashtab_check(&ht, &err) == 0);
	ht.count++;
	test_cond("count + 1: -EUCLEAN", xs_hashtab_check(&ht, &err) == -EUCLEAN &&
						 err.code == -EUCLEAN && strstr(err.msg, "count"));
	ht.count--;
	for (i = 0; i < ht.cap; i++) {
		if (ht.keys[i] && used == SIZE_MAX)
			used = i;
		if (!ht.keys[i] && empty == SIZE_MAX)
			empty = i;
	}
	XS_ASSERT(used != SIZE_MAX && empty != SIZE_MAX);
	/* a key put in a slot its probe does not reach (an empty slot lies before it) */
	ht.count++;
	for (k = 1000; k < 1000 + (1u << 16); k++) {
		ht.keys[empty] = k + 1;
		if (xs_hashtab_check(&ht, NULL) == -EUCLEAN)
			break;
	}
	test_cond("an unreachable key: -EUCLEAN", k < 1000 + (1u << 16));
	ht.keys[empty] = 0;
	ht.count--;
	/* a duplicate: slot used's key again in the first empty slot after it */
	for (empty = (used + 1) & (ht.cap - 1); ht.keys[empty]; empty = (empty + 1) & (ht.cap - 1))
		;
	saved = ht.keys[used];
	ht.keys[empty] = saved;
	ht.count++;
	test_cond("a duplicate key: -EUCLEAN", xs_hashtab_check(&ht, &err) == -EUCLEAN);
	ht.keys[empty] = 0;
	ht.count--;
	test_cond("restored", xs_hashtab_check(&ht, &err) == 0);
	ht.cap--;
	test_cond("capacity not a power of two: -EUCLEAN", xs_hashtab_check(&ht, &err) == -EUCLEAN);
	ht.cap++;
	xs_hashtab_destroy(&ht);
}

/* Published values: FNV-1a 64 of "" and "a" (the FNV reference), splitmix64(0). */
XS_TEST_SUITE(test_hash_functions)
{
	test_cond("FNV-1a of nothing is the offset basis",
		  xs_fnv1a("", 0, XS_FNV_OFFSET) == 0xcbf29ce484222325ULL);
	test_cond("FNV-1a of \"a\"", xs_fnv1a("a", 1, XS_FNV_OFFSET) == 0xaf63dc4c8601ec8cULL);
	test_cond("FNV-1a continues from h", xs_fnv1a("b", 1, xs_fnv1a("a", 1, XS_FNV_OFFSET)) ==
						     xs_fnv1a("ab", 2, XS_FNV_OFFSET));
	test_cond("splitmix64(0)", xs_splitmix64(0) == 0xe220a8397b1dcdafULL);
}

/*
 * What the chunked map is for: a run of keys costs about its values, and a removal that
 * empties a chunk gives it back; its checker finds damage.
 */
XS_TEST_SUITE(test_chunkmap_runs)
{
	struct xs_chunkmap cm;
	struct xs_err err = {0};
	uint64_t k, n = 100000;
	bool ok = true;
	size_t mem;

	xs_chunkmap_init(&cm, 12);
	for (k = 0; k < n; k++)
		memcpy(xs_chunkmap_insert(&cm, (1ULL << 40) + k, NULL), &k, sizeof(k));
	for (k = 0; k < n && ok; k += 997)
		ok = memcmp(xs_chunkmap_find(&cm, (1ULL << 40) + k), &k, sizeof(k)) == 0;
	test_cond("100000 keys in a run read back", ok && cm.count == n);
	mem = xs_chunkmap_mem_bytes(&cm);
	printf("  a run of %llu keys of 12 bytes: %zu bytes (%.2f per key)\n",
	       (unsigned long long)n, mem, (double)mem / (double)n);
	test_cond("a run costs under 14 bytes a key of 12", mem < n * 14);
	test_cond("check", xs_chunkmap_check(&cm, &err) == 0);
	for (k = 0; k < n; k++)
		if (k % 64 >= 2)
			xs_chunkmap_remove(&cm, (1ULL << 40) + k);
	test_cond("two keys left in each chunk: chunks shrank",
		  cm.count == 2 * ((n + 63) / 64) - (n % 64 == 1) &&
			  xs_chunkmap_mem_bytes(&cm) < mem / 4 &&
			  xs_chunkmap_check(&cm, &err) == 0);
	cm.count++;
	test_cond("count + 1: -EUCLEAN",
		  xs_chunkmap_check(&cm, &err) == -EUCLEAN && strstr(err.msg, "count"));
	cm.count--;
	for (k = 0; k < n; k++)
		xs_chunkmap_remove(&cm, (1ULL << 40) + k);
	test_cond("emptied: no chunk left",
		  cm.count == 0 && cm.dir.count == 0 && xs_chunkmap_check(&cm, &err) == 0);
	xs_chunkmap_destroy(&cm);
}
