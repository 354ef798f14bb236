/*
 * Name/value lists: the param and metric rows of one run (store.h's struct
 * xs_store_kv), grown as they are read. Not a public interface.
 */
#ifndef XS_STORE_KV_H
#define XS_STORE_KV_H

#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>

struct xs_store_kvlist {
	struct xs_store_kv *v;
	size_t n, cap;
	bool oom; /* an add failed: the list is incomplete */
};

/*
 * Append copies of name and value to the list at arg (a struct xs_store_kvlist *; the
 * signature of xs_scenario_foreach_param()'s callback). Out of memory sets ->oom.
 */
void xs_store_kvlist_add(void *arg, const char *name, const char *value);

/* Free every pair and empty the list. */
void xs_store_kvlist_free(struct xs_store_kvlist *l);

/* The value of the first pair called name, or NULL. O(n): lists are short. */
const char *xs_store_kvlist_get(const struct xs_store_kvlist *l, const char *name);

/*
 * The name=value lines of xs_run_print_outcomes() appended to l, in order. Returns 0,
 * or -EINVAL at a line that is not an outcome of the table (xs_outcome_parse()).
 */
int xs_store_kvlist_outcomes(const char *text, struct xs_store_kvlist *l);

#endif /* XS_STORE_KV_H */
