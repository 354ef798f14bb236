/*
 * Delta debugging: from a list of items whose whole set makes a run fail, find a
 * subset that still fails and from which no single item can be removed (1-minimal).
 * Zeller and Hildebrandt's ddmin ("Simplifying and Isolating Failure-Inducing Input",
 * IEEE TSE 28(2), 2002), over item indices, so that it shrinks a schedule's decisions
 * or anything else the caller can rebuild from a subset.
 *
 * The algorithm: split the current failing set into g chunks. If a chunk fails alone,
 * it becomes the set (g = 2). Otherwise, if the set minus a chunk fails, that becomes
 * the set (g = max(g - 1, 2)). Otherwise double g, up to one item per chunk; when
 * even then no chunk and no complement fails, every set with one item fewer passes:
 * the set is 1-minimal. Each predicate call is a whole simulation, so the caller gives
 * a budget; ddmin's worst case is quadratic in the number of items.
 *
 * Simplification: no cache of subsets already tried; ddmin rarely asks twice, and the
 * predicate is deterministic, so a cache would save calls, not change the answer.
 */
#ifndef XS_SHRINK_H
#define XS_SHRINK_H

#include <stdbool.h>
#include <stddef.h>

/*
 * "Does the run still fail with only these items?" idx holds n indices, increasing.
 * Returns 1 (fails), 0 (passes) or a negative errno that stops the search. Must give
 * the same answer for the same subset (the search is then deterministic).
 */
typedef int (*xs_shrink_pred)(const size_t *idx, size_t n, void *arg);

struct xs_shrink_result {
	size_t n;	/* indices written to out */
	unsigned calls; /* predicate calls made, at most the budget */
	bool minimal;	/* 1-minimal proven; false if the budget ran out first */
};

/*
 * Shrink the failing set {0, ..., nitems - 1}. Precondition: the whole set fails (the
 * caller has seen it; it is not tested again). The empty set is tried first: if it
 * fails, the failure needs none of the items. At most max_calls predicate calls; if
 * they run out, out holds the smallest failing set found so far and minimal is false.
 * out has room for nitems indices and receives them increasing. Returns 0, -ENOMEM,
 * or the predicate's negative return (out then holds the last failing set).
 */
int xs_shrink_ddmin(size_t nitems, xs_shrink_pred fails, void *arg, unsigned max_calls, size_t *out,
		    struct xs_shrink_result *res);

#endif /* XS_SHRINK_H */
