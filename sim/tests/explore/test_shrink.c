/*
 * ddmin (explore/shrink.h) on synthetic failures whose minimal causes are known: the
 * answer must fail, be 1-minimal (checked by removing each item in turn), come out
 * the same twice, and cost no more calls than the budget and ddmin's quadratic bound.
 */
#include "explore/shrink.h"
#include "tests/testhelp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fails when the subset holds at least `need` of the items flagged in want[]. */
struct synth {
	const int *want; /* nitems flags */
	size_t need;
	unsigned calls;
	int error_at; /* return -EIO on this call (1-based), 0 never */
};

static int synth_fails(const size_t *idx, size_t n, void *arg)
{
	struct synth *s = arg;
	size_t i, have = 0;

	s->calls++;
	if (s->error_at && s->calls == (unsigned)s->error_at)
		return -EIO;
	for (i = 0; i < n; i++) {
		if (i > 0 && idx[i] <= idx[i - 1])
			return -EINVAL; /* the contract: increasing indices */
		have += s->want[idx[i]] != 0;
	}
	return have >= s->need;
}

/* The result fails, and removing any one item makes it pass. */
static int one_minimal(struct synth *s, const size_t *out, size_t n)
{
	size_t *sub = malloc((n ? n : 1) * sizeof(*sub));
	size_t i, j, k;
	int ok = synth_fails(out, n, s) == 1;

	for (i = 0; i < n && ok; i++) {
		for (j = 0, k = 0; j < n; j++)
			if (j != i)
				sub[k++] = out[j];
		ok = synth_fails(sub, n - 1, s) == 0;
	}
	free(sub);
	return ok;
}

/* Shrink nitems with the flagged items; check the answer, the calls and repeatability. */
static void shrink_case(const char *name, size_t nitems, const int *want, size_t need,
			const size_t *expect, size_t nexpect)
{
	struct synth s = {want, need, 0, 0};
	struct xs_shrink_result r, r2;
	size_t *out = malloc(nitems * sizeof(*out)), *out2 = malloc(nitems * sizeof(*out));
	unsigned bound = (unsigned)(nitems * nitems + 3 * nitems + 1);
	char d[160];

	test_cond(name, xs_shrink_ddmin(nitems, synth_fails, &s, 100000, out, &r) == 0);
	snprintf(d, sizeof(d), "%s: calls counted (%u)", name, r.calls);
	test_cond(d, r.calls == s.calls);
	snprintf(d, sizeof(d), "%s: %u calls within n^2 + 3n + 1 = %u", name, r.calls, bound);
	test_cond(d, r.calls <= bound);
	snprintf(d, sizeof(d), "%s: minimal claimed", name);
	test_cond(d, r.minimal);
	snprintf(d, sizeof(d), "%s: 1-minimal", name);
	test_cond(d, one_minimal(&s, out, r.n));
	if (expect) {
		snprintf(d, sizeof(d), "%s: the expected subset", name);
		test_cond(d, r.n == nexpect && memcmp(out, expect, nexpect * sizeof(*out)) == 0);
	}
	s.calls = 0;
	xs_shrink_ddmin(nitems, synth_fails, &s, 100000, out2, &r2);
	snprintf(d, sizeof(d), "%s: deterministic", name);
	test_cond(d,
		  r2.n == r.n && r2.calls == r.calls && memcmp(out, out2, r.n * sizeof(*out)) == 0);
	free(out);
	free(out2);
}

XS_TEST_SUITE(shrink_pair)
{
	int want[16] = {0};
	static const size_t expect[] = {3, 7};

	want[3] = want[7] = 1;
	shrink_case("needs {3, 7} of 16", 16, want, 2, expect, 2);
}

XS_TEST_SUITE(shrink_single)
{
	int want[10];
	size_t i;
	char name[64];

	for (i = 0; i < 10; i++) {
		memset(want, 0, sizeof(want));
		want[i] = 1;
		snprintf(name, sizeof(name), "needs {%zu} of 10", i);
		shrink_case(name, 10, want, 1, &i, 1);
	}
}

XS_TEST_SUITE(shrink_all)
{
	int want[8];
	size_t expect[8], i;

	for (i = 0; i < 8; i++) {
		want[i] = 1;
		expect[i] = i;
	}
	shrink_case("needs all 8", 8, want, 8, expect, 8);
	shrink_case("needs the only item", 1, want, 1, expect, 1);
}

XS_TEST_SUITE(shrink_several_answers)
{
	int want[40] = {0};
	size_t i;

	/* any 3 of 8 scattered items: many 1-minimal answers, each of size 3 */
	for (i = 1; i < 40; i += 5)
		want[i] = 1;
	shrink_case("needs 3 of 8 scattered in 40", 40, want, 3, NULL, 0);
	memset(want, 0, sizeof(want));
	want[0] = want[39] = want[20] = want[21] = 1;
	shrink_case("needs all of {0, 20, 21, 39} in 40", 40, want, 4,
		    (const size_t[]){0, 20, 21, 39}, 4);
}

XS_TEST_SUITE(shrink_empty_fails)
{
	int want[5] = {0};
	struct synth s = {want, 0, 0, 0};
	struct xs_shrink_result r;
	size_t out[5];

	test_cond("failure without items: found in one call",
		  xs_shrink_ddmin(5, synth_fails, &s, 100, out, &r) == 0 && r.n == 0 &&
			  r.calls == 1 && r.minimal);
}

XS_TEST_SUITE(shrink_budget)
{
	int want[64] = {0};
	struct synth s = {want, 2, 0, 0};
	struct xs_shrink_result r;
	size_t out[64];
	unsigned budget;

	want[3] = want[60] = 1;
	for (budget = 0; budget < 12; budget++) {
		s.calls = 0;
		xs_shrink_ddmin(64, synth_fails, &s, budget, out, &r);
		if (r.calls != budget || s.calls != budget || r.minimal ||
		    synth_fails(out, r.n, &s) != 1)
			break;
	}
	test_cond("a budget of 0..11 calls: exactly that many, not minimal, still failing",
		  budget == 12);
	s.calls = 0;
	test_cond("a budget of 0: the whole set back",
		  xs_shrink_ddmin(64, synth_fails, &s, 0, out, &r) == 0 && r.n == 64 &&
			  s.calls == 0);
}

XS_TEST_SUITE(shrink_predicate_error)
{
	int want[16] = {0};
	struct synth s = {want, 2, 0, 4};
	struct xs_shrink_result r;
	size_t out[16];

	want[3] = want[7] = 1;
	test_cond("a predicate error stops the search and comes back",
		  xs_shrink_ddmin(16, synth_fails, &s, 100, out, &r) == -EIO && r.calls == 4 &&
			  !r.minimal);
	s.error_at = 0;
	test_cond("the set left in out still fails", synth_fails(out, r.n, &s) == 1);
}
