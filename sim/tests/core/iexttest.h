/*
 * Helpers shared by the unit tests of the incore extent tree: the directed suites
 * (test_iext.c) and the property test against a sorted array (test_iext_property.c).
 */
#ifndef XS_IEXTTEST_H
#define XS_IEXTTEST_H

#include "core/iext.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest startoff the packed record holds (54 bits) and largest startblock (52). */
#define IT_STARTOFF_MAX	  (((uint64_t)1 << 54) - 1)
#define IT_STARTBLOCK_MAX (((uint64_t)1 << 52) - 1)

/* The record {off, sb, len, st}: file blocks, disk block, blocks, state. */
struct xs_bmbt_irec it_mkrec(uint64_t off, uint64_t len, uint64_t sb, enum xs_exntst st);

/* The two records are equal in all four fields. */
bool it_irec_eq(const struct xs_bmbt_irec *a, const struct xs_bmbt_irec *b);

/* xs_iext_check() == 0; prints the problem otherwise. */
bool it_check_ok(struct xs_ifork *ifp);

/* Forward and backward iteration both yield exactly ref[0..n). */
bool it_tree_matches(struct xs_ifork *ifp, const struct xs_bmbt_irec *ref, size_t n);

#endif /* XS_IEXTTEST_H */
