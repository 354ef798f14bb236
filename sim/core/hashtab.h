/*
 * A hash table from uint64_t keys to fixed-size values, for the model's sparse maps
 * (the pagestore's units, the host's folio locks).
 *
 * Open addressing with linear probing, Fibonacci hashing, and backward-shift deletion
 * (no tombstones, so a table that churns never slows down). Grown by doubling so that
 * at most half the slots are used: expected O(1) per operation, at the price of
 * keeping twice the slots the entries need (8 + val_bytes each).
 *
 * Contract:
 *  - A key is any uint64_t but XS_HASHTAB_NOKEY.
 *  - A value is val_bytes of memory owned by the table, zero-filled when its key is
 *    inserted; the caller stores what it likes there (a pointer, a struct).
 *  - A value pointer the table returns stays valid until the next insert or remove:
 *    both may move values (growth, backward shift). Find does not.
 *  - Iteration order is the slot order: deterministic for a given sequence of
 *    operations, but otherwise meaningless. Do not insert or remove while iterating.
 */
#ifndef XS_HASHTAB_H
#define XS_HASHTAB_H

#include "core/xs_types.h"

#define XS_HASHTAB_NOKEY UINT64_MAX

struct xs_hashtab {
	uint64_t *keys;	  /* key + 1; 0 marks an empty slot */
	uint8_t *vals;	  /* cap * val_bytes */
	size_t val_bytes; /* of one value */
	size_t cap;	  /* 0 (nothing allocated yet) or a power of two */
	size_t count;	  /* keys present */
};

/* An empty table of values of val_bytes (> 0) each; allocates nothing yet. */
void xs_hashtab_init(struct xs_hashtab *ht, size_t val_bytes);
/* Free the slots (not what values point to: free that first). Empty afterwards. */
void xs_hashtab_destroy(struct xs_hashtab *ht);

/* The value of key, or NULL when key is absent. */
void *xs_hashtab_find(const struct xs_hashtab *ht, uint64_t key);
/*
 * The value of key, inserted zero-filled if absent; *created (may be NULL) says
 * which. May grow the table, invalidating every value pointer held before.
 */
void *xs_hashtab_insert(struct xs_hashtab *ht, uint64_t key, bool *created);
/* Remove key; false if it was absent. Invalidates every value pointer held before. */
bool xs_hashtab_remove(struct xs_hashtab *ht, uint64_t key);

/*
 * Iterate: it = 0 starts; each call returns the next position (> 0) and sets *keyp
 * and *valp to the entry there, or returns 0 when there are no more entries:
 *   for (it = xs_hashtab_next(ht, 0, &k, &v); it; it = xs_hashtab_next(ht, it, &k, &v))
 */
size_t xs_hashtab_next(const struct xs_hashtab *ht, size_t it, uint64_t *keyp, void **valp);

/* Memory of the slot arrays, bytes (what values point to aside). */
size_t xs_hashtab_mem_bytes(const struct xs_hashtab *ht);

/*
 * Recount from scratch: capacity a power of two (or 0 with nothing allocated), used
 * slots equal count, at most half the slots used, every key found by its own probe
 * (no empty slot or duplicate of it between its home slot and it). Returns 0 or
 * -EUCLEAN with the problem in err.
 */
int xs_hashtab_check(const struct xs_hashtab *ht, struct xs_err *err);

/*
 * Hashes of a value rather than tables, for the layers that need the same number on
 * every machine: FNV-1a of bytes (64 bits, continuing from h; start with XS_FNV_OFFSET)
 * for run keys, shards and schedules; splitmix64 for the seeds of RNG streams.
 */
#define XS_FNV_OFFSET 0xcbf29ce484222325ULL
uint64_t xs_fnv1a(const void *p, size_t n, uint64_t h);
uint64_t xs_splitmix64(uint64_t x);

#endif /* XS_HASHTAB_H */
