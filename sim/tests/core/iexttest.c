/*
 * Helpers of the extent tree's unit tests; see iexttest.h.
 */
#include "tests/core/iexttest.h"

#include <stdio.h>

struct xs_bmbt_irec it_mkrec(uint64_t off, uint64_t len, uint64_t sb, enum xs_exntst st)
{
	struct xs_bmbt_irec r = {
		.br_startoff = off, .br_startblock = sb, .br_blockcount = len, .br_state = st};

	return r;
}

bool it_irec_eq(const struct xs_bmbt_irec *a, const struct xs_bmbt_irec *b)
{
	return a->br_startoff == b->br_startoff && a->br_startblock == b->br_startblock &&
	       a->br_blockcount == b->br_blockcount && a->br_state == b->br_state;
}

bool it_check_ok(struct xs_ifork *ifp)
{
	struct xs_err err = {0};
	int ret = xs_iext_check(ifp, &err);

	if (ret)
		printf("  xs_iext_check: %d %s\n", ret, err.msg);
	return ret == 0;
}

bool it_tree_matches(struct xs_ifork *ifp, const struct xs_bmbt_irec *ref, size_t n)
{
	struct xs_iext_cursor cur;
	struct xs_bmbt_irec got;
	size_t i;

	if (ifp->if_nextents != n)
		return false;
	xs_iext_first(ifp, &cur);
	for (i = 0; i < n; i++) {
		if (!xs_iext_get_extent(ifp, &cur, &got) || !it_irec_eq(&got, &ref[i]))
			return false;
		xs_iext_next(ifp, &cur);
	}
	if (xs_iext_get_extent(ifp, &cur, &got))
		return false;
	xs_iext_last(ifp, &cur);
	for (i = n; i-- > 0;) {
		if (!xs_iext_get_extent(ifp, &cur, &got) || !it_irec_eq(&got, &ref[i]))
			return false;
		xs_iext_prev(ifp, &cur);
	}
	return !xs_iext_get_extent(ifp, &cur, &got);
}
