/*
 * Unit tests of the incore extent tree (sim/core/iext.c): the directed suites.
 *
 * Directed suites cover each cursor operation at both ends, the lookup semantics,
 * splits up to height 4, merges and root collapse down to empty, update and if_seq.
 * The property test against a reference is in test_iext_property.c.
 */
#include "core/iext.h"
#include "tests/core/iexttest.h"
#include "tests/testhelp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Node counts of an appended tree: leaves fill to 15 records, inner nodes to 16. */
#define T_LEAF_RECS  15
#define T_NODE_KEYS  16
#define T_NODE_BYTES 256

/* The i-th record of the standard test file: 5 blocks every 10 blocks from base. */
static struct xs_bmbt_irec std_rec(uint64_t base, uint64_t i)
{
	return it_mkrec(base + 10 * i, 5, 1000 + 7 * i, i % 3 ? XS_EXT_NORM : XS_EXT_UNWRITTEN);
}

/* Append n standard records, each through a lookup past the end, as bmap does. */
static void build_std(struct xs_ifork *ifp, uint64_t base, uint64_t n)
{
	struct xs_iext_cursor cur;
	struct xs_bmbt_irec got;
	uint64_t i;

	for (i = 0; i < n; i++) {
		struct xs_bmbt_irec r = std_rec(base, i);

		XS_ASSERT(!xs_iext_lookup_extent(ifp, r.br_startoff, &cur, &got));
		xs_iext_insert(ifp, &cur, &r);
	}
}

static bool tree_matches_std(struct xs_ifork *ifp, uint64_t base, uint64_t first, uint64_t n)
{
	struct xs_bmbt_irec *ref = calloc(n ? n : 1, sizeof(*ref));
	uint64_t i;
	bool ok;

	XS_ASSERT(ref != NULL);
	for (i = 0; i < n; i++)
		ref[i] = std_rec(base, first + i);
	ok = it_tree_matches(ifp, ref, n);
	free(ref);
	return ok;
}

static size_t nodes_of(struct xs_ifork *ifp)
{
	return xs_iext_mem_bytes(ifp) / T_NODE_BYTES;
}

XS_TEST_SUITE(test_iext_empty)
{
	struct xs_ifork ifp;
	struct xs_iext_cursor cur;
	struct xs_bmbt_irec got;
	uint64_t end = 100;

	xs_iext_init(&ifp);
	test_cond("empty: height 0, no root, no records",
		  ifp.if_height == 0 && !ifp.if_root && ifp.if_nextents == 0);
	test_cond("empty: check passes", it_check_ok(&ifp));
	test_cond("empty: no memory", xs_iext_mem_bytes(&ifp) == 0);
	xs_iext_first(&ifp, &cur);
	test_cond("empty: first is invalid", !xs_iext_get_extent(&ifp, &cur, &got));
	xs_iext_last(&ifp, &cur);
	test_cond("empty: last is invalid", !xs_iext_get_extent(&ifp, &cur, &got));
	xs_iext_next(&ifp, &cur);
	test_cond("empty: next stays invalid", !xs_iext_get_extent(&ifp, &cur, &got));
	xs_iext_prev(&ifp, &cur);
	test_cond("empty: prev stays invalid", !xs_iext_get_extent(&ifp, &cur, &got));
	test_cond("empty: no peek either way", !xs_iext_peek_next_extent(&ifp, &cur, &got) &&
						       !xs_iext_peek_prev_extent(&ifp, &cur, &got));
	test_cond("empty: lookup finds nothing", !xs_iext_lookup_extent(&ifp, 0, &cur, &got));
	test_cond("empty: lookup_before finds nothing, end kept",
		  !xs_iext_lookup_extent_before(&ifp, &end, &cur, &got) && end == 100);
	xs_iext_destroy(&ifp);
	test_cond("empty: destroy of an empty fork", ifp.if_height == 0 && it_check_ok(&ifp));

	/* One record: a root leaf; inserting at the cursor of a failed lookup. */
	{
		struct xs_bmbt_irec r = it_mkrec(7, 3, 50, XS_EXT_NORM);

		test_cond("empty: lookup fails", !xs_iext_lookup_extent(&ifp, 7, &cur, &got));
		xs_iext_insert(&ifp, &cur, &r);
		test_cond("one: height 1, one record", ifp.if_height == 1 && ifp.if_nextents == 1);
		test_cond("one: cursor on the new record",
			  xs_iext_get_extent(&ifp, &cur, &got) && it_irec_eq(&got, &r));
		test_cond("one: one node", nodes_of(&ifp) == 1 && it_check_ok(&ifp));
		xs_iext_remove(&ifp, &cur);
		test_cond("one: removing it empties the fork",
			  ifp.if_height == 0 && !ifp.if_root && ifp.if_nextents == 0 &&
				  it_check_ok(&ifp) && xs_iext_mem_bytes(&ifp) == 0);
		test_cond("one: cursor past the end", !xs_iext_get_extent(&ifp, &cur, &got));
		xs_iext_insert(&ifp, &cur, &r);
		test_cond("one: insert at that cursor works again",
			  ifp.if_nextents == 1 && it_check_ok(&ifp));
		xs_iext_destroy(&ifp);
		test_cond("one: destroy empties", ifp.if_height == 0 && ifp.if_nextents == 0 &&
							  xs_iext_mem_bytes(&ifp) == 0);
	}
}

XS_TEST_SUITE(test_iext_cursor)
{
	const uint64_t n = 40; /* three leaves: 15, 15, 10 */
	struct xs_ifork ifp;
	struct xs_iext_cursor cur, saved;
	struct xs_bmbt_irec got, r0 = std_rec(0, 0), r1 = std_rec(0, 1);
	struct xs_bmbt_irec rl = std_rec(0, n - 1), rl1 = std_rec(0, n - 2);
	bool ok;
	uint64_t i;

	xs_iext_init(&ifp);
	build_std(&ifp, 0, n);
	test_cond("cursor: 40 records in 3 leaves + root",
		  ifp.if_height == 2 && nodes_of(&ifp) == 4 && it_check_ok(&ifp));
	test_cond("cursor: iteration both ways", tree_matches_std(&ifp, 0, 0, n));

	xs_iext_first(&ifp, &cur);
	test_cond("first: first record",
		  xs_iext_get_extent(&ifp, &cur, &got) && it_irec_eq(&got, &r0));
	test_cond("first: no peek_prev", !xs_iext_peek_prev_extent(&ifp, &cur, &got));
	test_cond("first: peek_next is the second",
		  xs_iext_peek_next_extent(&ifp, &cur, &got) && it_irec_eq(&got, &r1));
	saved = cur;
	xs_iext_peek_next_extent(&ifp, &cur, &got);
	test_cond("first: peek does not move the cursor",
		  cur.leaf == saved.leaf && cur.pos == saved.pos);
	xs_iext_prev(&ifp, &cur);
	test_cond("first: prev steps off the front", !xs_iext_get_extent(&ifp, &cur, &got));
	test_cond("before first: peek_next is the first",
		  xs_iext_peek_next_extent(&ifp, &cur, &got) && it_irec_eq(&got, &r0));
	xs_iext_prev(&ifp, &cur);
	test_cond("before first: prev stays off", !xs_iext_get_extent(&ifp, &cur, &got));
	xs_iext_next(&ifp, &cur);
	test_cond("before first: next returns to the first",
		  xs_iext_get_extent(&ifp, &cur, &got) && it_irec_eq(&got, &r0));
	test_cond("prev_extent off the front is false", !xs_iext_prev_extent(&ifp, &cur, &got));
	test_cond("next_extent back onto the first",
		  xs_iext_next_extent(&ifp, &cur, &got) && it_irec_eq(&got, &r0));

	xs_iext_last(&ifp, &cur);
	test_cond("last: last record",
		  xs_iext_get_extent(&ifp, &cur, &got) && it_irec_eq(&got, &rl));
	test_cond("last: no peek_next", !xs_iext_peek_next_extent(&ifp, &cur, &got));
	test_cond("last: peek_prev is the one before",
		  xs_iext_peek_prev_extent(&ifp, &cur, &got) && it_irec_eq(&got, &rl1));
	xs_iext_next(&ifp, &cur);
	test_cond("last: next steps off the end", !xs_iext_get_extent(&ifp, &cur, &got));
	test_cond("past end: peek_prev is the last",
		  xs_iext_peek_prev_extent(&ifp, &cur, &got) && it_irec_eq(&got, &rl));
	xs_iext_next(&ifp, &cur);
	xs_iext_next(&ifp, &cur);
	test_cond("past end: next stays off", !xs_iext_get_extent(&ifp, &cur, &got));
	xs_iext_prev(&ifp, &cur);
	test_cond("past end: prev returns to the last",
		  xs_iext_get_extent(&ifp, &cur, &got) && it_irec_eq(&got, &rl));
	test_cond("next_extent off the end is false", !xs_iext_next_extent(&ifp, &cur, &got));

	/* Steps across leaf boundaries, both ways, one record at a time. */
	ok = true;
	xs_iext_first(&ifp, &cur);
	for (i = 1; i < n; i++) {
		struct xs_bmbt_irec want = std_rec(0, i);

		ok &= xs_iext_next_extent(&ifp, &cur, &got) && it_irec_eq(&got, &want);
	}
	for (i = n - 1; i-- > 0;) {
		struct xs_bmbt_irec want = std_rec(0, i);

		ok &= xs_iext_prev_extent(&ifp, &cur, &got) && it_irec_eq(&got, &want);
	}
	test_cond("next_extent/prev_extent walk every record", ok);

	/* A cursor never positioned (leaf NULL) starts at either end, as in the kernel. */
	cur.leaf = NULL;
	cur.pos = 0;
	test_cond("unpositioned: invalid", !xs_iext_get_extent(&ifp, &cur, &got));
	xs_iext_next(&ifp, &cur);
	test_cond("unpositioned: next goes to the first",
		  xs_iext_get_extent(&ifp, &cur, &got) && it_irec_eq(&got, &r0));
	cur.leaf = NULL;
	cur.pos = 0;
	xs_iext_prev(&ifp, &cur);
	test_cond("unpositioned: prev goes to the last",
		  xs_iext_get_extent(&ifp, &cur, &got) && it_irec_eq(&got, &rl));
	test_cond("cursor: no change to if_seq", ifp.if_seq == n);
	xs_iext_destroy(&ifp);
}

XS_TEST_SUITE(test_iext_lookup)
{
	struct xs_ifork ifp;
	struct xs_iext_cursor cur;
	struct xs_bmbt_irec got, want;
	uint64_t i;
	bool ok;

	/* Records [100 + 10i, 100 + 10i + 5) for i < 100; holes between. */
	xs_iext_init(&ifp);
	build_std(&ifp, 100, 100);
	want = std_rec(100, 0);
	test_cond("lookup before the first record: the first",
		  xs_iext_lookup_extent(&ifp, 0, &cur, &got) && it_irec_eq(&got, &want));
	test_cond("... cursor on it, nothing before",
		  xs_iext_get_extent(&ifp, &cur, &got) && it_irec_eq(&got, &want) &&
			  !xs_iext_peek_prev_extent(&ifp, &cur, &got));
	test_cond("lookup of a record's first block",
		  xs_iext_lookup_extent(&ifp, 100, &cur, &got) && it_irec_eq(&got, &want));
	test_cond("lookup of a record's last block",
		  xs_iext_lookup_extent(&ifp, 104, &cur, &got) && it_irec_eq(&got, &want));
	want = std_rec(100, 1);
	test_cond("lookup in a hole: the next record",
		  xs_iext_lookup_extent(&ifp, 105, &cur, &got) && it_irec_eq(&got, &want));
	test_cond("lookup at a hole's last block: the next record",
		  xs_iext_lookup_extent(&ifp, 109, &cur, &got) && it_irec_eq(&got, &want));
	want = std_rec(100, 99);
	test_cond("lookup in the last record",
		  xs_iext_lookup_extent(&ifp, 1094, &cur, &got) && it_irec_eq(&got, &want));
	test_cond("lookup just past the last record fails",
		  !xs_iext_lookup_extent(&ifp, 1095, &cur, &got));
	test_cond("... the cursor is past the end, the last record before it",
		  !xs_iext_get_extent(&ifp, &cur, &got) &&
			  xs_iext_peek_prev_extent(&ifp, &cur, &got) && it_irec_eq(&got, &want));
	test_cond("lookup far beyond the key space fails",
		  !xs_iext_lookup_extent(&ifp, UINT64_MAX, &cur, &got));
	test_cond("... cursor past the end there too",
		  !xs_iext_get_extent(&ifp, &cur, &got) &&
			  xs_iext_peek_prev_extent(&ifp, &cur, &got) && it_irec_eq(&got, &want));

	/* Every offset, against the arithmetic of the layout, with the cursor's neighbours. */
	ok = true;
	for (i = 0; i < 1100; i++) {
		uint64_t k = i < 100 ? 0 : (i - 100 + 5) / 10;
		bool found = xs_iext_lookup_extent(&ifp, i, &cur, &got);
		struct xs_bmbt_irec prev;

		if (k >= 100) {
			ok &= !found && !xs_iext_get_extent(&ifp, &cur, &got);
			continue;
		}
		want = std_rec(100, k);
		ok &= found && it_irec_eq(&got, &want);
		if (k > 0) {
			struct xs_bmbt_irec wp = std_rec(100, k - 1);

			ok &= xs_iext_peek_prev_extent(&ifp, &cur, &prev) && it_irec_eq(&prev, &wp);
		} else {
			ok &= !xs_iext_peek_prev_extent(&ifp, &cur, &prev);
		}
	}
	test_cond("lookup of every offset 0..1099 and the cursor's predecessor", ok);
	test_cond("lookups leave if_seq alone", ifp.if_seq == 100);
	xs_iext_destroy(&ifp);
}

XS_TEST_SUITE(test_iext_lookup_before)
{
	struct xs_ifork ifp;
	struct xs_iext_cursor cur;
	struct xs_bmbt_irec got, r0 = std_rec(100, 0), r1 = std_rec(100, 1);
	struct xs_bmbt_irec rl = std_rec(100, 99);
	uint64_t end;

	xs_iext_init(&ifp);
	build_std(&ifp, 100, 100);
	end = 103;
	test_cond("before: end inside a record: that record, end kept",
		  xs_iext_lookup_extent_before(&ifp, &end, &cur, &got) && it_irec_eq(&got, &r0) &&
			  end == 103);
	end = 105;
	test_cond("before: end at a record's end: that record, end kept",
		  xs_iext_lookup_extent_before(&ifp, &end, &cur, &got) && it_irec_eq(&got, &r0) &&
			  end == 105);
	end = 108;
	test_cond("before: end in a hole: the record before, end lowered to its end",
		  xs_iext_lookup_extent_before(&ifp, &end, &cur, &got) && it_irec_eq(&got, &r0) &&
			  end == 105);
	test_cond("before: the cursor is on it",
		  xs_iext_get_extent(&ifp, &cur, &got) && it_irec_eq(&got, &r0));
	end = 110;
	test_cond("before: end at a record's start: the record before",
		  xs_iext_lookup_extent_before(&ifp, &end, &cur, &got) && it_irec_eq(&got, &r0) &&
			  end == 105);
	end = 111;
	test_cond("before: end one into a record: that record",
		  xs_iext_lookup_extent_before(&ifp, &end, &cur, &got) && it_irec_eq(&got, &r1) &&
			  end == 111);
	end = 100;
	test_cond("before: end at the first record's start: none, end kept",
		  !xs_iext_lookup_extent_before(&ifp, &end, &cur, &got) && end == 100);
	end = 50;
	test_cond("before: end before every record: none, end kept",
		  !xs_iext_lookup_extent_before(&ifp, &end, &cur, &got) && end == 50);
	end = 0;
	test_cond("before: end 0: none",
		  !xs_iext_lookup_extent_before(&ifp, &end, &cur, &got) && end == 0);
	end = 1u << 30;
	test_cond("before: end past everything: the last record, end lowered",
		  xs_iext_lookup_extent_before(&ifp, &end, &cur, &got) && it_irec_eq(&got, &rl) &&
			  end == 1095);
	test_cond("before: no change to if_seq", ifp.if_seq == 100);
	xs_iext_destroy(&ifp);
}

/*
 * Appending fills nodes completely: 15 records a leaf, 16 children a node, so the
 * heights and node counts are exact.
 */
XS_TEST_SUITE(test_iext_insert_split)
{
	struct xs_ifork ifp;
	struct xs_iext_cursor cur;
	struct xs_bmbt_irec got;
	uint64_t i;
	bool ok;

	xs_iext_init(&ifp);
	build_std(&ifp, 0, T_LEAF_RECS);
	test_cond("append 15: one full root leaf", ifp.if_height == 1 && nodes_of(&ifp) == 1);
	build_std(&ifp, 10 * T_LEAF_RECS, 1);
	test_cond("append 16: leaf split grows a root node",
		  ifp.if_height == 2 && nodes_of(&ifp) == 3 && it_check_ok(&ifp));
	xs_iext_destroy(&ifp);

	xs_iext_init(&ifp);
	build_std(&ifp, 0, T_LEAF_RECS * T_NODE_KEYS);
	test_cond("append 240: 16 full leaves under the root",
		  ifp.if_height == 2 && nodes_of(&ifp) == 17 && it_check_ok(&ifp));
	build_std(&ifp, 10 * T_LEAF_RECS * T_NODE_KEYS, 1);
	test_cond("append 241: root node split, height 3",
		  ifp.if_height == 3 && nodes_of(&ifp) == 20 && it_check_ok(&ifp));
	xs_iext_destroy(&ifp);

	xs_iext_init(&ifp);
	build_std(&ifp, 0, T_LEAF_RECS * T_NODE_KEYS * T_NODE_KEYS + 1);
	test_cond("append 3841: height 4", ifp.if_height == 4 && it_check_ok(&ifp));
	test_cond("append 3841: all records in order",
		  tree_matches_std(&ifp, 0, 0, T_LEAF_RECS * T_NODE_KEYS * T_NODE_KEYS + 1));
	xs_iext_destroy(&ifp);

	/* Insert at the front every time: splits at position 0, key updates up the path. */
	xs_iext_init(&ifp);
	ok = true;
	for (i = 2000; i-- > 0;) {
		struct xs_bmbt_irec r = std_rec(0, i);

		ok &= xs_iext_lookup_extent(&ifp, 0, &cur, &got) == (i < 1999);
		xs_iext_insert(&ifp, &cur, &r);
		ok &= xs_iext_get_extent(&ifp, &cur, &got) && it_irec_eq(&got, &r);
		if (i % 97 == 0 || ifp.if_nextents < 300)
			ok &= it_check_ok(&ifp);
	}
	test_cond("front inserts: cursor on each new record, checks pass", ok);
	test_cond("front inserts: height 3 or more", ifp.if_height >= 3);
	test_cond("front inserts: all records in order", tree_matches_std(&ifp, 0, 0, 2000));
	xs_iext_destroy(&ifp);

	/*
	 * Insert in the middle: start from every even record, then fill the odd ones
	 * from the middle outwards, so splits happen inside leaves at every position.
	 */
	xs_iext_init(&ifp);
	for (i = 0; i < 1000; i += 2) {
		struct xs_bmbt_irec r = std_rec(0, i);

		xs_iext_lookup_extent(&ifp, r.br_startoff, &cur, &got);
		xs_iext_insert(&ifp, &cur, &r);
	}
	ok = it_check_ok(&ifp);
	for (i = 0; i < 500; i++) {
		uint64_t k = i % 2 ? 501 + 2 * (i / 2) : 499 - 2 * (i / 2);
		struct xs_bmbt_irec r = std_rec(0, k), next = std_rec(0, k + 1);
		bool found = xs_iext_lookup_extent(&ifp, r.br_startoff, &cur, &got);

		ok &= k == 999 ? !found : found && it_irec_eq(&got, &next);
		xs_iext_insert(&ifp, &cur, &r);
		ok &= xs_iext_get_extent(&ifp, &cur, &got) && it_irec_eq(&got, &r);
		if (k != 999)
			ok &= xs_iext_peek_next_extent(&ifp, &cur, &got) && it_irec_eq(&got, &next);
		ok &= it_check_ok(&ifp);
	}
	test_cond("middle inserts: cursor and neighbours right, checks pass", ok);
	test_cond("middle inserts: all records in order", tree_matches_std(&ifp, 0, 0, 1000));
	xs_iext_destroy(&ifp);
}

/* Remove every record of a height-4 tree one way and watch the height fall. */
static void remove_all(const char *how, uint64_t n, int mode)
{
	struct xs_ifork ifp;
	struct xs_iext_cursor cur;
	struct xs_bmbt_irec got;
	uint64_t first = 0, left = n;
	int heights_seen = 0, last_height;
	bool ok = true, mono = true;
	char descr[128];

	xs_iext_init(&ifp);
	build_std(&ifp, 0, n);
	last_height = ifp.if_height;
	ok &= last_height == 4;
	while (left > 0) {
		/* mode 0: from the front, 1: from the back, 2: the middle record. */
		uint64_t k = mode == 0 ? first : mode == 1 ? first + left - 1 : first + left / 2;
		struct xs_bmbt_irec r = std_rec(0, k);
		size_t mem_before = xs_iext_mem_bytes(&ifp);

		struct xs_bmbt_irec prev;
		bool have;

		if (mode == 2) {
			/* Middle removal leaves a gap: take the record at or after k. */
			if (!xs_iext_lookup_extent(&ifp, r.br_startoff, &cur, &got))
				xs_iext_last(&ifp, &cur);
			ok &= xs_iext_get_extent(&ifp, &cur, &r);
		} else {
			ok &= xs_iext_lookup_extent(&ifp, r.br_startoff, &cur, &got) &&
			      it_irec_eq(&got, &r);
		}
		xs_iext_remove(&ifp, &cur);
		left--;
		if (mode == 0)
			first++;
		/* The cursor is on the following record, or past the end if none. */
		have = xs_iext_get_extent(&ifp, &cur, &got);
		if (have)
			ok &= got.br_startoff > r.br_startoff &&
			      (!xs_iext_peek_prev_extent(&ifp, &cur, &prev) ||
			       prev.br_startoff < r.br_startoff);
		else
			ok &= !xs_iext_lookup_extent(&ifp, r.br_startoff, &cur, &got);
		if (mode == 0)
			ok &= have == (left > 0);
		if (mode == 1)
			ok &= !have;
		ok &= ifp.if_nextents == left;
		mono &= xs_iext_mem_bytes(&ifp) <= mem_before;
		if (ifp.if_height != last_height) {
			mono &= ifp.if_height == last_height - 1;
			last_height = ifp.if_height;
			heights_seen++;
		}
		if (left < 300 || left % 50 == 0)
			ok &= it_check_ok(&ifp);
	}
	snprintf(descr, sizeof(descr), "remove %s: cursor, counts and checks right", how);
	test_cond(descr, ok);
	snprintf(descr, sizeof(descr), "remove %s: memory never grows, height falls 4-3-2-1-0",
		 how);
	test_cond(descr, mono && heights_seen == 4);
	snprintf(descr, sizeof(descr), "remove %s: empty fork at the end", how);
	test_cond(descr, ifp.if_height == 0 && !ifp.if_root && xs_iext_mem_bytes(&ifp) == 0 &&
				 it_check_ok(&ifp));
	xs_iext_destroy(&ifp);
}

XS_TEST_SUITE(test_iext_remove_merge)
{
	const uint64_t n = T_LEAF_RECS * T_NODE_KEYS * T_NODE_KEYS + 1;
	struct xs_ifork ifp;
	struct xs_iext_cursor cur;
	struct xs_bmbt_irec got;
	uint64_t i;
	bool ok = true;

	remove_all("front", n, 0);
	remove_all("back", n, 1);
	remove_all("middle", n, 2);

	/*
	 * Thin every leaf of an appended tree: removing 9 of each 15 records leaves
	 * leaves of 6, each of which must merge with a neighbour.
	 */
	xs_iext_init(&ifp);
	build_std(&ifp, 0, 15 * 40);
	test_cond("thin: 40 full leaves, 3 nodes, a root", nodes_of(&ifp) == 40 + 3 + 1);
	for (i = 0; i < 15 * 40; i++) {
		struct xs_bmbt_irec r = std_rec(0, i), next = std_rec(0, i + 1);

		if (i % 15 < 6)
			continue;
		ok &= xs_iext_lookup_extent(&ifp, r.br_startoff, &cur, &got) &&
		      it_irec_eq(&got, &r);
		xs_iext_remove(&ifp, &cur);
		if (i + 1 < 15 * 40 && (i + 1) % 15 >= 6)
			ok &= xs_iext_get_extent(&ifp, &cur, &got) && it_irec_eq(&got, &next);
		ok &= it_check_ok(&ifp);
	}
	test_cond("thin: cursor on the following record, checks pass", ok);
	test_cond("thin: 240 records left", ifp.if_nextents == 240);
	test_cond("thin: leaves merged (fewer than 40 + 3 nodes)", nodes_of(&ifp) < 40);
	ok = true;
	xs_iext_first(&ifp, &cur);
	for (i = 0; i < 15 * 40; i++) {
		struct xs_bmbt_irec want = std_rec(0, i);

		if (i % 15 >= 6)
			continue;
		ok &= xs_iext_get_extent(&ifp, &cur, &got) && it_irec_eq(&got, &want);
		xs_iext_next(&ifp, &cur);
	}
	test_cond("thin: the kept records, in order", ok && !xs_iext_get_extent(&ifp, &cur, &got));
	xs_iext_destroy(&ifp);
}

XS_TEST_SUITE(test_iext_update)
{
	struct xs_ifork ifp;
	struct xs_iext_cursor cur;
	struct xs_bmbt_irec got, r;
	uint64_t end;

	/* 40 appended records: record 15 opens the second leaf, 30 the third. */
	xs_iext_init(&ifp);
	build_std(&ifp, 0, 40);
	xs_iext_lookup_extent(&ifp, 150, &cur, &got);
	r = it_mkrec(147, 8, 9999, XS_EXT_UNWRITTEN);
	xs_iext_update_extent(&ifp, &cur, &r);
	test_cond("update: a leaf's first record moves down, key follows", it_check_ok(&ifp));
	test_cond("update: cursor reads the new record",
		  xs_iext_get_extent(&ifp, &cur, &got) && it_irec_eq(&got, &r));
	test_cond("update: lookup of the new start finds it",
		  xs_iext_lookup_extent(&ifp, 147, &cur, &got) && it_irec_eq(&got, &r));
	test_cond("update: lookup in the hole before finds it",
		  xs_iext_lookup_extent(&ifp, 146, &cur, &got) && it_irec_eq(&got, &r));
	r = it_mkrec(152, 2, 1, XS_EXT_NORM);
	xs_iext_update_extent(&ifp, &cur, &r);
	test_cond("update: first record moves up, key follows", it_check_ok(&ifp));
	test_cond("update: lookup at its old start finds it now following",
		  xs_iext_lookup_extent(&ifp, 150, &cur, &got) && it_irec_eq(&got, &r));
	end = 152;
	test_cond("update: lookup_before its new start gives record 14",
		  xs_iext_lookup_extent_before(&ifp, &end, &cur, &got) && got.br_startoff == 140 &&
			  end == 145);

	/* Grow the last record of a leaf up to the next leaf's first block. */
	xs_iext_lookup_extent(&ifp, 290, &cur, &got);
	r = it_mkrec(290, 10, got.br_startblock, got.br_state);
	xs_iext_update_extent(&ifp, &cur, &r);
	test_cond("update: a record grows to touch its neighbour", it_check_ok(&ifp));
	test_cond("update: offset 299 is in it, 300 in the next",
		  xs_iext_lookup_extent(&ifp, 299, &cur, &got) && it_irec_eq(&got, &r) &&
			  xs_iext_lookup_extent(&ifp, 300, &cur, &got) && got.br_startoff == 300);

	/* Update in place on the very first record of the fork. */
	xs_iext_first(&ifp, &cur);
	r = it_mkrec(0, 1, xs_nullstartblock(5), XS_EXT_NORM);
	xs_iext_update_extent(&ifp, &cur, &r);
	test_cond("update: first record becomes delalloc",
		  xs_iext_get_extent(&ifp, &cur, &got) && it_irec_eq(&got, &r) &&
			  xs_isnullstartblock(got.br_startblock) &&
			  xs_startblockval(got.br_startblock) == 5);
	test_cond("update: count unchanged, checks pass",
		  ifp.if_nextents == 40 && it_check_ok(&ifp));
	xs_iext_destroy(&ifp);
}

XS_TEST_SUITE(test_iext_seq)
{
	struct xs_ifork ifp;
	struct xs_iext_cursor cur;
	struct xs_bmbt_irec got, r;
	uint32_t seq;
	uint64_t end = 1000, i;
	bool ok = true;

	xs_iext_init(&ifp);
	test_cond("seq: starts at 0", ifp.if_seq == 0);
	xs_iext_lookup_extent(&ifp, 0, &cur, &got);
	r = it_mkrec(0, 4, 10, XS_EXT_NORM);
	xs_iext_insert(&ifp, &cur, &r);
	test_cond("seq: insert bumps it", ifp.if_seq == 1);
	r.br_blockcount = 5;
	xs_iext_update_extent(&ifp, &cur, &r);
	test_cond("seq: update bumps it", ifp.if_seq == 2);
	xs_iext_remove(&ifp, &cur);
	test_cond("seq: remove bumps it", ifp.if_seq == 3);

	/* Exactly one step per call, also when the call splits or merges nodes. */
	for (i = 0; i < 600; i++) {
		r = std_rec(0, i);
		seq = ifp.if_seq;
		xs_iext_lookup_extent(&ifp, r.br_startoff, &cur, &got);
		xs_iext_insert(&ifp, &cur, &r);
		ok &= ifp.if_seq == seq + 1;
	}
	test_cond("seq: one step per insert through splits", ok && ifp.if_height == 3);

	seq = ifp.if_seq;
	xs_iext_lookup_extent(&ifp, 55, &cur, &got);
	xs_iext_lookup_extent_before(&ifp, &end, &cur, &got);
	xs_iext_first(&ifp, &cur);
	xs_iext_next(&ifp, &cur);
	xs_iext_prev(&ifp, &cur);
	xs_iext_last(&ifp, &cur);
	xs_iext_get_extent(&ifp, &cur, &got);
	xs_iext_peek_next_extent(&ifp, &cur, &got);
	xs_iext_peek_prev_extent(&ifp, &cur, &got);
	xs_iext_next_extent(&ifp, &cur, &got);
	xs_iext_prev_extent(&ifp, &cur, &got);
	it_check_ok(&ifp);
	xs_iext_mem_bytes(&ifp);
	test_cond("seq: lookups, cursor moves, check and mem leave it", ifp.if_seq == seq);

	ok = true;
	for (i = 0; i < 600; i++) {
		seq = ifp.if_seq;
		xs_iext_first(&ifp, &cur);
		xs_iext_remove(&ifp, &cur);
		ok &= ifp.if_seq == seq + 1;
	}
	test_cond("seq: one step per remove through merges and collapse", ok && ifp.if_height == 0);
	seq = ifp.if_seq;
	xs_iext_destroy(&ifp);
	test_cond("seq: destroy keeps it", ifp.if_seq == seq);
}

XS_TEST_SUITE(test_iext_pack)
{
	/* Field extremes, and startblocks either side of the 10-bit split of the packing. */
	const struct xs_bmbt_irec recs[] = {
		it_mkrec(0, 1, 0, XS_EXT_NORM),
		it_mkrec(1, XS_MAX_BMBT_EXTLEN, 1023, XS_EXT_UNWRITTEN),
		it_mkrec(XS_MAX_BMBT_EXTLEN + 1, 2, 1024, XS_EXT_NORM),
		it_mkrec(1u << 22, 3, IT_STARTBLOCK_MAX, XS_EXT_UNWRITTEN),
		it_mkrec(1u << 23, 4, xs_nullstartblock(((uint64_t)1 << 17) - 1), XS_EXT_NORM),
		it_mkrec((uint64_t)1 << 40, 5, (uint64_t)0xABCDEF012345, XS_EXT_NORM),
		it_mkrec(IT_STARTOFF_MAX - XS_MAX_BMBT_EXTLEN, XS_MAX_BMBT_EXTLEN, 1u << 20,
			 XS_EXT_UNWRITTEN),
		it_mkrec(IT_STARTOFF_MAX, 1, IT_STARTBLOCK_MAX, XS_EXT_NORM),
	};
	const size_t n = sizeof(recs) / sizeof(recs[0]);
	struct xs_ifork ifp;
	struct xs_iext_cursor cur;
	struct xs_bmbt_irec got;
	size_t i;
	bool ok = true;

	xs_iext_init(&ifp);
	for (i = 0; i < n; i++) {
		xs_iext_lookup_extent(&ifp, recs[i].br_startoff, &cur, &got);
		xs_iext_insert(&ifp, &cur, &recs[i]);
		ok &= xs_iext_get_extent(&ifp, &cur, &got) && it_irec_eq(&got, &recs[i]);
	}
	test_cond("pack: every field extreme reads back", ok);
	test_cond("pack: all in order, checks pass",
		  it_tree_matches(&ifp, recs, n) && it_check_ok(&ifp));
	test_cond("pack: the top block of the key space is found",
		  xs_iext_lookup_extent(&ifp, IT_STARTOFF_MAX, &cur, &got) &&
			  it_irec_eq(&got, &recs[n - 1]));
	test_cond("pack: nothing after it",
		  !xs_iext_lookup_extent(&ifp, IT_STARTOFF_MAX + 1, &cur, &got));
	xs_iext_destroy(&ifp);
}

XS_TEST_SUITE(test_iext_check_detects)
{
	struct xs_ifork ifp;
	struct xs_err err = {0};

	xs_iext_init(&ifp);
	build_std(&ifp, 0, 100);
	ifp.if_nextents = 99;
	test_cond("check: a wrong if_nextents is -EUCLEAN",
		  xs_iext_check(&ifp, &err) == -EUCLEAN && err.code == -EUCLEAN);
	test_cond("check: and says so", strstr(err.msg, "if_nextents") != NULL);
	ifp.if_nextents = 100;
	test_cond("check: restored, it passes", it_check_ok(&ifp));
	xs_iext_destroy(&ifp);

	ifp.if_height = 1;
	test_cond("check: height 1 without a root is -EUCLEAN",
		  xs_iext_check(&ifp, NULL) == -EUCLEAN);
	ifp.if_height = 0;
}
