/*
 * Statistics of `wpsim report` (report/stats.h), against values computed independently:
 * Wilson intervals from the closed form by hand, McNemar p from binomial sums
 * (sum of C(n,i) / 2^n), Wilcoxon on two textbook examples (Darwin's Zea mays data,
 * whose exact two-sided p is 0.041259765625 as published with scipy, and Wikipedia's
 * example with a zero and a tie, its exact p from enumerating all 2^9 sign
 * assignments), and the bootstrap for determinism and coverage.
 */
#include "report/stats.h"
#include "tests/testhelp.h"

#include <errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>

static int near(double a, double b, double tol)
{
	return fabs(a - b) <= tol;
}

XS_TEST_SUITE(stats_wilson)
{
	static const struct {
		size_t k, n;
		double lo, hi;
	} known[] = {
		{0, 10, 0, 0.2775327999},
		{5, 10, 0.2365930905, 0.7634069095},
		{1, 10, 0.0178762131, 0.4041500268},
		{10, 10, 0.7224672001, 1},
		{3, 7, 0.1582198553, 0.7495416355},
		{0, 1, 0, 0.7934506856},
	};
	struct xs_stats_ci ci;
	char descr[128];
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		int ret = xs_stats_wilson(known[i].k, known[i].n, XS_STATS_Z95, &ci);

		snprintf(descr, sizeof(descr),
			 "Wilson %zu of %zu = [%.4f, %.4f] (got [%.6f, %.6f])", known[i].k,
			 known[i].n, known[i].lo, known[i].hi, ci.lo, ci.hi);
		test_cond(descr, ret == 0 && near(ci.lo, known[i].lo, 1e-9) &&
					 near(ci.hi, known[i].hi, 1e-9) &&
					 ci.est == (double)known[i].k / (double)known[i].n);
	}
	xs_stats_wilson(0, 10, XS_STATS_Z95, &ci);
	test_cond("Wilson 0 of n: lower end exactly 0", ci.lo == 0);
	xs_stats_wilson(10, 10, XS_STATS_Z95, &ci);
	test_cond("Wilson n of n: upper end exactly 1", ci.hi == 1);
	ci.lo = 42;
	test_cond("Wilson n = 0 rejected", xs_stats_wilson(0, 0, XS_STATS_Z95, &ci) == -EINVAL);
	test_cond("Wilson k > n rejected", xs_stats_wilson(3, 2, XS_STATS_Z95, &ci) == -EINVAL);
	test_cond("Wilson: ci untouched on error", ci.lo == 42);
}

XS_TEST_SUITE(stats_mcnemar)
{
	static const struct {
		size_t b, c;
		double p;
	} known[] = {
		{5, 0, 0.0625},		/* 2 / 2^5 */
		{0, 5, 0.0625},		/* symmetric */
		{5, 1, 0.21875},	/* 2 (1 + 6) / 2^6 */
		{6, 1, 0.125},		/* 2 (1 + 7) / 2^7 */
		{10, 2, 0.03857421875}, /* 2 (1 + 12 + 66) / 2^12 */
		{3, 3, 1},		/* capped at 1 */
		{0, 0, 1},		/* no discordant pair */
		{12, 30, 0.007915897334896727},
	};
	char descr[128];
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		double p = xs_stats_mcnemar_exact(known[i].b, known[i].c);

		snprintf(descr, sizeof(descr), "McNemar b=%zu c=%zu: p = %.10g (got %.10g)",
			 known[i].b, known[i].c, known[i].p, p);
		test_cond(descr, near(p, known[i].p, 1e-12));
	}
}

XS_TEST_SUITE(stats_wilcoxon)
{
	/* Darwin's Zea mays: cross- minus self-fertilised heights, eighths of an inch */
	static const double darwin[] = {6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75};
	/* Wikipedia, "Wilcoxon signed-rank test": one zero, |5| tied */
	static const double wiki[] = {15, -7, 5, 20, 0, -9, 17, -12, 5, -10};
	static const double zeros[] = {0, 0, 0};
	static const double bad[] = {1, NAN};
	double shifted[15], big[120];
	struct xs_stats_wilcoxon w, w2;
	size_t i;
	int ret;

	ret = xs_stats_wilcoxon(darwin, 15, XS_STATS_WILCOXON_EXACT_MAX, &w);
	test_cond("Darwin: n 15, W+ 96, W- 24",
		  ret == 0 && w.n == 15 && w.zeros == 0 && w.w_plus == 96 && w.w_minus == 24);
	test_cond("Darwin: exact two-sided p = 0.041259765625",
		  w.exact && near(w.p, 0.041259765625, 1e-12));
	ret = xs_stats_wilcoxon(darwin, 15, 0, &w);
	/* mean 60, var 15*16*31/24 = 310: z = (96 - 60 - 0.5) / sqrt(310) */
	test_cond("Darwin: normal approximation z = 35.5/sqrt(310)",
		  ret == 0 && !w.exact && near(w.z, 35.5 / sqrt(310), 1e-12));
	test_cond("Darwin: normal approximation p = 0.0437723", near(w.p, 0.043772323763041, 1e-9));
	for (i = 0; i < 15; i++)
		shifted[i] = -darwin[i];
	xs_stats_wilcoxon(shifted, 15, XS_STATS_WILCOXON_EXACT_MAX, &w2);
	test_cond("negated differences swap W+ and W-, same p",
		  w2.w_plus == 24 && w2.w_minus == 96 && near(w2.p, 0.041259765625, 1e-12));

	ret = xs_stats_wilcoxon(wiki, 10, XS_STATS_WILCOXON_EXACT_MAX, &w);
	test_cond("Wikipedia: zero dropped, n 9, W+ 27 (midrank 1.5 for the tied 5s), W- 18",
		  ret == 0 && w.n == 9 && w.zeros == 1 && w.w_plus == 27 && w.w_minus == 18);
	test_cond("Wikipedia: exact p with ties = 81/128 (enumeration)",
		  w.exact && near(w.p, 0.6328125, 1e-12));
	xs_stats_wilcoxon(wiki, 10, 0, &w);
	/* var = 9*10*19/24 - (2^3-2)/48 = 71.125; z = (27 - 22.5 - 0.5)/sqrt(71.125) */
	test_cond("Wikipedia: normal approximation with tie correction",
		  !w.exact && near(w.z, 4 / sqrt(71.125), 1e-12) &&
			  near(w.p, 0.6352893188352069, 1e-9));

	ret = xs_stats_wilcoxon(zeros, 3, XS_STATS_WILCOXON_EXACT_MAX, &w);
	test_cond("all differences zero: n 0, p 1",
		  ret == 0 && w.n == 0 && w.zeros == 3 && w.p == 1);
	ret = xs_stats_wilcoxon(NULL, 0, XS_STATS_WILCOXON_EXACT_MAX, &w);
	test_cond("no pairs: p 1", ret == 0 && w.n == 0 && w.p == 1);
	test_cond("NaN difference rejected",
		  xs_stats_wilcoxon(bad, 2, XS_STATS_WILCOXON_EXACT_MAX, &w) == -EINVAL);

	/* exact and normal agree closely at n = 120 (all distinct, a mild shift) */
	for (i = 0; i < 120; i++)
		big[i] = (double)(i % 2 ? (int)i : -(int)i) + 15.5;
	xs_stats_wilcoxon(big, 120, 1000, &w);
	xs_stats_wilcoxon(big, 120, 0, &w2);
	test_cond("n 120: exact and normal p agree within 0.005 and W+ is the same",
		  w.exact && !w2.exact && w.w_plus == w2.w_plus && near(w.p, w2.p, 0.005));
	/* one sign only: the exact p is 2 / 2^n */
	for (i = 0; i < 10; i++)
		big[i] = (double)i + 1;
	xs_stats_wilcoxon(big, 10, XS_STATS_WILCOXON_EXACT_MAX, &w);
	test_cond("10 positive differences: p = 2/1024",
		  w.w_plus == 55 && near(w.p, 2.0 / 1024, 1e-15));
}

XS_TEST_SUITE(stats_bootstrap)
{
	static const double x[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	static const double one[] = {7.5};
	struct xs_stats_ci a, b, c;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	double sample[30];
	size_t trial, i, covered = 0, trials = 200;
	int ret;

	test_cond("median estimate of 1..10 = 5.5",
		  xs_stats_estimate(XS_STATS_MEDIAN, x, 10) == 5.5);
	test_cond("mean estimate of 1..10 = 5.5", xs_stats_estimate(XS_STATS_MEAN, x, 10) == 5.5);
	test_cond("estimate of nothing is NaN", isnan(xs_stats_estimate(XS_STATS_MEDIAN, x, 0)));
	ret = xs_stats_bootstrap(XS_STATS_MEDIAN, x, 10, 2000, 0.95, 1, &a);
	xs_stats_bootstrap(XS_STATS_MEDIAN, x, 10, 2000, 0.95, 1, &b);
	xs_stats_bootstrap(XS_STATS_MEDIAN, x, 10, 2000, 0.95, 2, &c);
	test_cond("bootstrap: same seed, identical interval",
		  ret == 0 && a.lo == b.lo && a.hi == b.hi && a.est == 5.5);
	test_cond("bootstrap: inside the data range and around the estimate",
		  a.lo >= 1 && a.lo <= 5.5 && a.hi >= 5.5 && a.hi <= 10 && a.lo < a.hi);
	test_cond("bootstrap: another seed, another resampling (interval still sane)",
		  c.lo >= 1 && c.hi <= 10 && c.lo <= 5.5 && c.hi >= 5.5);
	ret = xs_stats_bootstrap(XS_STATS_MEAN, one, 1, 100, 0.95, 1, &a);
	test_cond("bootstrap of one value is that value",
		  ret == 0 && a.est == 7.5 && a.lo == 7.5 && a.hi == 7.5);
	test_cond("bootstrap: n 0 rejected",
		  xs_stats_bootstrap(XS_STATS_MEAN, x, 0, 100, 0.95, 1, &a) == -EINVAL);
	test_cond("bootstrap: level 1 rejected",
		  xs_stats_bootstrap(XS_STATS_MEAN, x, 10, 100, 1, 1, &a) == -EINVAL);
	test_cond("bootstrap: 0 resamples rejected",
		  xs_stats_bootstrap(XS_STATS_MEAN, x, 10, 0, 0.95, 1, &a) == -EINVAL);

	/* coverage: the 95% interval of the mean of 30 N(0,1) draws covers 0 about 95% */
	gsl_rng_set(r, 12345);
	for (trial = 0; trial < trials; trial++) {
		for (i = 0; i < 30; i++)
			sample[i] = gsl_ran_gaussian(r, 1);
		xs_stats_bootstrap(XS_STATS_MEAN, sample, 30, 1000, 0.95, trial + 1, &a);
		covered += a.lo <= 0 && a.hi >= 0;
	}
	{
		char descr[96];

		snprintf(descr, sizeof(descr), "bootstrap coverage %zu/%zu within [85%%, 99%%]",
			 covered, trials);
		test_cond(descr, covered >= 170 && covered <= 198);
	}
	gsl_rng_free(r);
}
