/*
 * A sparse map from uint64_t keys to fixed-size values, for keys that come in runs (page
 * and block indexes: the pagestore's units).
 *
 * Keys are grouped by key / 64 into chunks. A chunk holds a 64-bit mask of the keys it
 * has and their values, packed in key order (the value of a key is at the number of
 * mask bits below it); its capacity grows fourfold as it fills, up to 64 values (and
 * shrinks as it empties). A hash table
 * (hashtab.h) finds a chunk by key / 64.
 *
 * Why not the hash table alone: it keeps twice the slots its entries need (8 bytes of
 * key plus the value each) and scatters neighbouring keys over memory. A file's pages
 * cost about val_bytes each here, and a run of them shares cache lines; a key alone in
 * its chunk costs a chunk header and a directory slot (some 40 bytes more).
 *
 * Contract:
 *  - A key is any uint64_t.
 *  - A value is val_bytes (1..255) of memory owned by the map, zero-filled when its key
 *    is inserted. Values are packed: a value is aligned to 8 bytes only when val_bytes
 *    is a multiple of 8, so store packed structs or use memcpy.
 *  - A value pointer the map returns stays valid until the next insert or remove: both
 *    may move values. Find does not.
 *  - Iteration order is deterministic for a given sequence of operations (chunks in the
 *    directory's slot order, keys ascending within a chunk). Do not insert or remove
 *    while iterating.
 */
#ifndef XS_CHUNKMAP_H
#define XS_CHUNKMAP_H

#include "core/hashtab.h"

struct xs_chunkmap {
	struct xs_hashtab dir; /* key / 64 -> struct xs_chunk * */
	size_t val_bytes;
	size_t count; /* keys present */
};

void xs_chunkmap_init(struct xs_chunkmap *m, size_t val_bytes);
/* Free every chunk (not what values point to: free that first). Empty afterwards. */
void xs_chunkmap_destroy(struct xs_chunkmap *m);

/* The value of key, or NULL when key is absent. */
void *xs_chunkmap_find(const struct xs_chunkmap *m, uint64_t key);
/*
 * The value of key, inserted zero-filled if absent; *created (may be NULL) says which.
 * Invalidates every value pointer held before.
 */
void *xs_chunkmap_insert(struct xs_chunkmap *m, uint64_t key, bool *created);
/* Remove key; false if it was absent. Invalidates every value pointer held before. */
bool xs_chunkmap_remove(struct xs_chunkmap *m, uint64_t key);

/*
 * Iterate: it = 0 starts; each call returns the next position (> 0) and sets *keyp
 * and *valp to the entry there, or returns 0 when there are no more entries:
 *   for (it = xs_chunkmap_next(m, 0, &k, &v); it; it = xs_chunkmap_next(m, it, &k, &v))
 */
size_t xs_chunkmap_next(const struct xs_chunkmap *m, size_t it, uint64_t *keyp, void **valp);

/* Memory of the directory and the chunks, bytes (what values point to aside). */
size_t xs_chunkmap_mem_bytes(const struct xs_chunkmap *m);

/*
 * Recount from scratch: the directory checks (xs_hashtab_check), every chunk found
 * under its own key, non-empty, its keys within its capacity, the capacity 1, 4, 16 or
 * 64, and the keys summing to count. Returns 0 or -EUCLEAN with the
 * problem in err.
 */
int xs_chunkmap_check(const struct xs_chunkmap *m, struct xs_err *err);

#endif /* XS_CHUNKMAP_H */
