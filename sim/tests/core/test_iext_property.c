/*
 * The property test of the incore extent tree (sim/core/iext.c).
 *
 * test_iext_property compares the tree with a trivially-correct reference, a sorted
 * array of records, over random operation sequences (GSL mt19937, fixed seeds).
 */
#include "core/iext.h"
#include "tests/core/iexttest.h"
#include "tests/testhelp.h"

#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>

struct ref_map {
	struct xs_bmbt_irec *v;
	size_t n, cap;
};

/* Index of the first record ending after off (n if none): what lookup returns. */
static size_t ref_lookup(const struct ref_map *m, uint64_t off)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->v[mid].br_startoff + m->v[mid].br_blockcount > off)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static void ref_insert(struct ref_map *m, size_t idx, const struct xs_bmbt_irec *r)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 256;
		m->v = realloc(m->v, m->cap * sizeof(*m->v));
		XS_ASSERT(m->v != NULL);
	}
	memmove(&m->v[idx + 1], &m->v[idx], (m->n - idx) * sizeof(*m->v));
	m->v[idx] = *r;
	m->n++;
}

static void ref_remove(struct ref_map *m, size_t idx)
{
	memmove(&m->v[idx], &m->v[idx + 1], (m->n - idx - 1) * sizeof(*m->v));
	m->n--;
}

static uint64_t rnd(gsl_rng *rng, uint64_t n)
{
	uint64_t x;

	if (n <= 0xffffffffu)
		return gsl_rng_uniform_int(rng, (unsigned long)n);
	x = (uint64_t)gsl_rng_get(rng) << 32 | gsl_rng_get(rng);
	return x % n;
}

static uint64_t rnd_startblock(gsl_rng *rng)
{
	switch (rnd(rng, 4)) {
	case 0:
		return xs_nullstartblock(rnd(rng, (uint64_t)1 << 17));
	case 1:
		return rnd(rng, (uint64_t)1 << 52);
	default:
		return rnd(rng, 1u << 20);
	}
}

static struct xs_bmbt_irec rnd_rec(gsl_rng *rng, uint64_t off, uint64_t maxlen)
{
	/* Mostly short records so the offset space stays fragmented; full-length ones are
	 * covered by test_iext_pack. */
	uint64_t len = 1 + rnd(rng, xs_min_u64(maxlen, rnd(rng, 16) ? 16 : 1024));

	return it_mkrec(off, len, rnd_startblock(rng),
			rnd(rng, 2) ? XS_EXT_NORM : XS_EXT_UNWRITTEN);
}

/* The record the reference has at i, or none when i is outside [0, n). */
static bool ref_at(const struct ref_map *m, int64_t i, struct xs_bmbt_irec *r)
{
	if (i < 0 || (uint64_t)i >= m->n)
		return false;
	*r = m->v[i];
	return true;
}

/* The cursor shows the reference's record i (or no record where the reference has none). */
static bool cursor_at(struct xs_ifork *ifp, const struct xs_iext_cursor *cur,
		      const struct ref_map *m, int64_t i)
{
	struct xs_bmbt_irec got, want;
	bool have = xs_iext_get_extent(ifp, cur, &got);

	if (!ref_at(m, i, &want))
		return !have;
	return have && it_irec_eq(&got, &want);
}

/* As cursor_at(), also for the neighbours seen through peek. */
static bool cursor_at_peek(struct xs_ifork *ifp, const struct xs_iext_cursor *cur,
			   const struct ref_map *m, int64_t i)
{
	struct xs_bmbt_irec got, want;
	bool ok = cursor_at(ifp, cur, m, i);
	bool have;

	have = xs_iext_peek_prev_extent(ifp, cur, &got);
	ok &= ref_at(m, i - 1, &want) ? have && it_irec_eq(&got, &want) : !have;
	have = xs_iext_peek_next_extent(ifp, cur, &got);
	ok &= ref_at(m, i + 1, &want) ? have && it_irec_eq(&got, &want) : !have;
	return ok;
}

enum prop_kind {
	PROP_INSERT,
	PROP_REMOVE,
	PROP_UPDATE,
	PROP_LOOKUP,
	PROP_BEFORE,
	PROP_WALK,
	PROP_ITERATE,
	PROP_CHECK,
	PROP_SEQ,
	PROP_NKINDS,
};

static const char *const prop_names[PROP_NKINDS] = {
	"insert",      "remove",	 "update",	  "lookup", "lookup_before",
	"cursor walk", "full iteration", "xs_iext_check", "if_seq",
};

struct prop_run {
	gsl_rng *rng;
	struct xs_ifork ifp;
	struct ref_map ref;
	unsigned long seed;
	long op;
	long fails[PROP_NKINDS];
	long done[PROP_NKINDS];
	int max_height;
	int times_empty;
};

static void prop_result(struct prop_run *p, enum prop_kind kind, bool ok)
{
	p->done[kind]++;
	if (ok)
		return;
	if (p->fails[kind]++ < 3)
		printf("  property seed %lu op %ld: %s disagrees (n=%zu)\n", p->seed, p->op,
		       prop_names[kind], p->ref.n);
}

/* Offsets are drawn from a space 16 times the record count, plus rare ones at the top. */
static uint64_t prop_offset(struct prop_run *p)
{
	if (rnd(p->rng, 500) == 0)
		return IT_STARTOFF_MAX - rnd(p->rng, 64);
	return rnd(p->rng, 16 * (p->ref.n + 64));
}

static void prop_insert(struct prop_run *p)
{
	struct xs_iext_cursor cur;
	struct xs_bmbt_irec got, r;
	uint64_t off = prop_offset(p), hole_end;
	size_t idx = ref_lookup(&p->ref, off);
	uint32_t seq = p->ifp.if_seq;
	bool found = xs_iext_lookup_extent(&p->ifp, off, &cur, &got);

	prop_result(p, PROP_LOOKUP,
		    found == (idx < p->ref.n) && (!found || it_irec_eq(&got, &p->ref.v[idx])));
	if (idx < p->ref.n && p->ref.v[idx].br_startoff <= off)
		return; /* inside a record: nothing to insert here */
	hole_end = idx < p->ref.n ? p->ref.v[idx].br_startoff : IT_STARTOFF_MAX + 1;
	r = rnd_rec(p->rng, off, hole_end - off);
	xs_iext_insert(&p->ifp, &cur, &r);
	ref_insert(&p->ref, idx, &r);
	prop_result(p, PROP_SEQ, p->ifp.if_seq == seq + 1);
	prop_result(p, PROP_INSERT,
		    p->ifp.if_nextents == p->ref.n &&
			    cursor_at_peek(&p->ifp, &cur, &p->ref, (int64_t)idx));
}

static void prop_remove(struct prop_run *p)
{
	struct xs_iext_cursor cur;
	struct xs_bmbt_irec got;
	size_t k;
	uint64_t off;
	uint32_t seq = p->ifp.if_seq;
	bool found;

	if (p->ref.n == 0)
		return;
	k = (size_t)rnd(p->rng, p->ref.n);
	off = p->ref.v[k].br_startoff + rnd(p->rng, p->ref.v[k].br_blockcount);
	found = xs_iext_lookup_extent(&p->ifp, off, &cur, &got);
	prop_result(p, PROP_LOOKUP, found && it_irec_eq(&got, &p->ref.v[k]));
	if (!found)
		return;
	xs_iext_remove(&p->ifp, &cur);
	ref_remove(&p->ref, k);
	prop_result(p, PROP_SEQ, p->ifp.if_seq == seq + 1);
	/* The cursor is on the record that followed, or past the end. */
	prop_result(p, PROP_REMOVE,
		    p->ifp.if_nextents == p->ref.n &&
			    cursor_at_peek(&p->ifp, &cur, &p->ref, (int64_t)k));
	if (p->ref.n == 0)
		p->times_empty++;
}

static void prop_update(struct prop_run *p)
{
	struct xs_iext_cursor cur;
	struct xs_bmbt_irec got, r;
	uint64_t lo, hi, off;
	uint32_t seq = p->ifp.if_seq;
	size_t k;
	bool found;

	if (p->ref.n == 0)
		return;
	k = (size_t)rnd(p->rng, p->ref.n);
	found = xs_iext_lookup_extent(&p->ifp, p->ref.v[k].br_startoff, &cur, &got);
	prop_result(p, PROP_LOOKUP, found && it_irec_eq(&got, &p->ref.v[k]));
	if (!found)
		return;
	/* Anywhere between the neighbours: [lo, hi). */
	lo = k > 0 ? p->ref.v[k - 1].br_startoff + p->ref.v[k - 1].br_blockcount : 0;
	hi = k + 1 < p->ref.n ? p->ref.v[k + 1].br_startoff : IT_STARTOFF_MAX + 1;
	if (rnd(p->rng, 2))
		off = p->ref.v[k].br_startoff;
	else
		off = lo + rnd(p->rng, xs_min_u64(hi - lo, 1u << 30));
	r = rnd_rec(p->rng, off, hi - off);
	xs_iext_update_extent(&p->ifp, &cur, &r);
	p->ref.v[k] = r;
	prop_result(p, PROP_SEQ, p->ifp.if_seq == seq + 1);
	prop_result(p, PROP_UPDATE, cursor_at_peek(&p->ifp, &cur, &p->ref, (int64_t)k));
}

static void prop_lookup(struct prop_run *p)
{
	struct xs_iext_cursor cur;
	struct xs_bmbt_irec got;
	uint64_t off = prop_offset(p);
	size_t idx = ref_lookup(&p->ref, off);
	bool found = xs_iext_lookup_extent(&p->ifp, off, &cur, &got);

	prop_result(p, PROP_LOOKUP,
		    found == (idx < p->ref.n) && (!found || it_irec_eq(&got, &p->ref.v[idx])) &&
			    cursor_at_peek(&p->ifp, &cur, &p->ref, (int64_t)idx));
}

static void prop_before(struct prop_run *p)
{
	struct xs_iext_cursor cur;
	struct xs_bmbt_irec got;
	uint64_t end = rnd(p->rng, 8) ? prop_offset(p) : rnd(p->rng, 2), want_end = end;
	int64_t j;
	bool found = xs_iext_lookup_extent_before(&p->ifp, &end, &cur, &got);
	bool ok;

	/* The last record starting before end. */
	for (j = (int64_t)ref_lookup(&p->ref, end) - 1; j + 1 < (int64_t)p->ref.n; j++)
		if (p->ref.v[j + 1].br_startoff >= want_end)
			break;
	if (j < 0) {
		ok = !found && end == want_end;
	} else {
		const struct xs_bmbt_irec *w = &p->ref.v[j];

		want_end = xs_min_u64(want_end, w->br_startoff + w->br_blockcount);
		ok = found && it_irec_eq(&got, w) && end == want_end &&
		     cursor_at_peek(&p->ifp, &cur, &p->ref, j);
	}
	prop_result(p, PROP_BEFORE, ok);
}

/* From a looked-up position, random steps; positions clamp at -1 and n. */
static void prop_walk(struct prop_run *p)
{
	struct xs_iext_cursor cur;
	struct xs_bmbt_irec got;
	uint64_t off = prop_offset(p);
	int64_t i = (int64_t)ref_lookup(&p->ref, off), n = (int64_t)p->ref.n;
	bool ok = true;
	int step;

	xs_iext_lookup_extent(&p->ifp, off, &cur, &got);
	for (step = 0; step < 24; step++) {
		if (rnd(p->rng, 2)) {
			xs_iext_next(&p->ifp, &cur);
			i = i + 1 > n ? n : i + 1;
		} else {
			xs_iext_prev(&p->ifp, &cur);
			i = i - 1 < -1 ? -1 : i - 1;
		}
		ok &= cursor_at(&p->ifp, &cur, &p->ref, i);
	}
	prop_result(p, PROP_WALK, ok);
}

static void prop_run_seed(unsigned long seed, long nops)
{
	struct prop_run p;
	size_t target = 0;
	char descr[160];
	int k;

	memset(&p, 0, sizeof(p));
	p.seed = seed;
	p.rng = gsl_rng_alloc(gsl_rng_mt19937);
	XS_ASSERT(p.rng != NULL);
	gsl_rng_set(p.rng, seed);
	xs_iext_init(&p.ifp);

	for (p.op = 0; p.op < nops; p.op++) {
		uint64_t dice = rnd(p.rng, 100);
		uint32_t seq;

		/* Grow towards a target size, shrink towards the next; often near empty. */
		if (p.ref.n == target) {
			static const uint64_t bands[] = {1, 48, 48, 600, 600, 4000};

			target = (size_t)rnd(p.rng, bands[rnd(p.rng, 6)]);
		}
		seq = p.ifp.if_seq;
		if (dice < 70) {
			bool grow = p.ref.n < target;

			if (dice < (grow ? 55u : 15u))
				prop_insert(&p);
			else
				prop_remove(&p);
		} else if (dice < 80) {
			prop_update(&p);
		} else if (dice < 90) {
			prop_lookup(&p);
			prop_result(&p, PROP_SEQ, p.ifp.if_seq == seq);
		} else if (dice < 95) {
			prop_before(&p);
			prop_result(&p, PROP_SEQ, p.ifp.if_seq == seq);
		} else {
			prop_walk(&p);
			prop_result(&p, PROP_SEQ, p.ifp.if_seq == seq);
		}
		if (p.ifp.if_height > p.max_height)
			p.max_height = p.ifp.if_height;
		if (p.ref.n < 64 || p.op % 100 == 0)
			prop_result(&p, PROP_CHECK, it_check_ok(&p.ifp));
		if (p.op % 1000 == 0 || (p.ref.n < 40 && p.op % 16 == 0))
			prop_result(&p, PROP_ITERATE, it_tree_matches(&p.ifp, p.ref.v, p.ref.n));
	}
	prop_result(&p, PROP_CHECK, it_check_ok(&p.ifp));
	prop_result(&p, PROP_ITERATE, it_tree_matches(&p.ifp, p.ref.v, p.ref.n));

	for (k = 0; k < PROP_NKINDS; k++) {
		snprintf(descr, sizeof(descr), "property seed %lu: %s agrees with the array (%ld)",
			 seed, prop_names[k], p.done[k]);
		test_cond(descr, p.fails[k] == 0 && p.done[k] > 0);
	}
	if (getenv("XS_TEST_VERBOSE"))
		printf("  property seed %lu: max height %d, emptied %d times, final n %zu\n", seed,
		       p.max_height, p.times_empty, p.ref.n);
	snprintf(descr, sizeof(descr), "property seed %lu: reached height 4 and emptied", seed);
	test_cond(descr, p.max_height >= 4 && p.times_empty > 0);

	xs_iext_destroy(&p.ifp);
	free(p.ref.v);
	gsl_rng_free(p.rng);
}

XS_TEST_SUITE(test_iext_property)
{
	static const unsigned long seeds[] = {1, 42, 20240601, 987654321};
	size_t i;

	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
		prop_run_seed(seeds[i], 100000);
}
