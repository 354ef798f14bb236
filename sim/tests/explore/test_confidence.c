/*
 * The confidence arithmetic (explore/confidence.h) against values computed by hand
 * (50-digit decimal arithmetic: (1 - 1/8200)^2000 = 0.78355242170555...), at the
 * boundaries of the runs-needed search, and at inputs whose probabilities lie far
 * below the smallest double.
 */
#include "explore/confidence.h"
#include "tests/testhelp.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static int near(double x, double want, double rel)
{
	return fabs(x - want) <= rel * fabs(want);
}

XS_TEST_SUITE(confidence_pct_bound)
{
	test_cond("n=2 k=4100 d=2: p = 1/8200",
		  near(xs_conf_pct_log_p(2, 4100, 2), -log(8200.0), 1e-15));
	test_cond("d=1: p = 1/n", near(xs_conf_pct_log_p(5, 1000000, 1), -log(5.0), 1e-15));
	test_cond("n=1 d=1: p = 1", xs_conf_pct_log_p(1, 7, 1) == 0);
	/* 2 * (1e9)^39: p = 5e-352, far below DBL_MIN, its logarithm is ordinary */
	test_cond("n=2 k=1e9 d=40: ln p = -808.9005148214699",
		  near(xs_conf_pct_log_p(2, 1000000000, 40), -808.9005148214699, 1e-13));
}

XS_TEST_SUITE(confidence_miss)
{
	double lp = xs_conf_pct_log_p(2, 4100, 2);

	test_cond("2000 runs, p = 1/8200: miss 0.78355242170555",
		  near(exp(xs_conf_log_miss(lp, 2000)), 0.78355242170555242, 1e-12));
	test_cond("2000 runs, p = 1/8200: find 0.21644757829445",
		  near(exp(xs_conf_log_find(lp, 2000)), 0.21644757829444758, 1e-12));
	test_cond("no run: miss 1", xs_conf_log_miss(lp, 0) == 0);
	test_cond("no run: find 0", xs_conf_log_find(lp, 0) == -INFINITY);
	test_cond("p = 1: one run cannot miss", xs_conf_log_miss(0, 1) == -INFINITY);
	/* p = 5e-13: 1 - p rounds badly, log1p does not. find = 4.99999875e-7 */
	lp = xs_conf_pct_log_p(2, 1000000000000ULL, 2);
	test_cond("p = 5e-13, 1e6 runs: find 4.9999987500015e-7",
		  near(exp(xs_conf_log_find(lp, 1000000)), 4.9999987500014583e-7, 1e-9));
	test_cond("p = 5e-13, 1e6 runs: miss 0.99999950000012",
		  near(exp(xs_conf_log_miss(lp, 1000000)), 0.99999950000012500, 1e-15));
	/* p = 1/2, 1e6 runs: miss = 2^-1e6, ln = -693147.18055994530 */
	lp = xs_conf_pct_log_p(2, 1, 1);
	test_cond("p = 1/2, 1e6 runs: ln miss = 1e6 ln 0.5 (no underflow to -inf)",
		  near(xs_conf_log_miss(lp, 1000000), -693147.1805599453, 1e-13));
	test_cond("p = 1/2, 1e6 runs: find 1", xs_conf_log_find(lp, 1000000) == 0);
	/* p = 1/(3e351), 1e18 runs: find = N p = 3.33e-334 (its log: no underflow to 0) */
	lp = xs_conf_pct_log_p(3, 1000000000, 40);
	test_cond("p = 3.3e-352, 1e18 runs: ln find = ln(1e18) + ln p",
		  near(xs_conf_log_find(lp, 1000000000000000000ULL),
		       log(1e18) - log(3.0) - 39 * log(1e9), 1e-13));
	/* ln miss = -N p = -3.3e-334 is below the doubles: -0, and ln find carries it */
	test_cond("p = 3.3e-352, 1e18 runs: ln miss rounds to 0",
		  xs_conf_log_miss(lp, 1000000000000000000ULL) == 0);
	/* p = 1e-200, a normal double: ln miss = 1e18 log1p(-1e-200) = -1e-182 */
	lp = xs_conf_pct_log_p(1, 10000000000ULL, 21);
	test_cond("p = 1e-200, 1e18 runs: ln miss = -1e-182, not 0",
		  near(xs_conf_log_miss(lp, 1000000000000000000ULL), -1e-182, 1e-12));
	/* p = 1e-310, below DBL_MIN: ln miss = -N p = -1e-292 */
	lp = xs_conf_pct_log_p(1, 10000000000ULL, 32);
	test_cond("p = 1e-310 (subnormal), 1e18 runs: ln miss = -1e-292",
		  near(xs_conf_log_miss(lp, 1000000000000000000ULL), -1e-292, 1e-12));
	test_cond("p = 1e-310, 1e18 runs: ln find = ln(1e-292)",
		  near(xs_conf_log_find(lp, 1000000000000000000ULL), log(1e-292), 1e-13));
}

XS_TEST_SUITE(confidence_runs_needed)
{
	double lp = xs_conf_pct_log_p(2, 4100, 2);
	uint64_t n = 0;

	/* ln(0.05) / ln(1 - 1/8200) = 24563.5067: miss(24564) = 0.049997 <= 0.05 */
	test_cond("p = 1/8200, 95%: 24564 runs",
		  xs_conf_runs_needed(lp, 0.95, &n) == 0 && n == 24564);
	test_cond("and 24563 would not do", exp(xs_conf_log_miss(lp, 24563)) > 0.05);
	/* miss(2) = 0.25 exactly: the boundary belongs to the answer */
	test_cond("p = 1/2, 75%: 2 runs", xs_conf_runs_needed(-log(2.0), 0.75, &n) == 0 && n == 2);
	test_cond("p = 1/2, 50%: 1 run", xs_conf_runs_needed(-log(2.0), 0.5, &n) == 0 && n == 1);
	test_cond("p = 1: 1 run", xs_conf_runs_needed(0, 0.999, &n) == 0 && n == 1);
	/*
	 * p = 5e-13, 99%: ln(100) / -ln(1 - 5e-13) = 4.6051701859880914 / 5.00000000000125e-13
	 * = 9210340371973.88 (the p^2/2 term moves it by 2.3 runs)
	 */
	test_cond("p = 5e-13, 99%: 9210340371974 runs",
		  xs_conf_runs_needed(-log(2e12), 0.99, &n) == 0 && n == 9210340371974ULL);
	n = 7;
	test_cond("confidence 0 refused", xs_conf_runs_needed(lp, 0, &n) == -EINVAL && n == 7);
	test_cond("confidence 1 refused", xs_conf_runs_needed(lp, 1, &n) == -EINVAL);
	test_cond("confidence NaN refused", xs_conf_runs_needed(lp, NAN, &n) == -EINVAL);
	test_cond("p = 5e-352: more runs than a uint64_t holds",
		  xs_conf_runs_needed(xs_conf_pct_log_p(2, 1000000000, 40), 0.5, &n) == -ERANGE &&
			  n == 7);
	test_cond("p = 1e-19, 99%: more than 2^64 runs",
		  xs_conf_runs_needed(-log(1e19), 0.99, &n) == -ERANGE && n == 7);
}

XS_TEST_SUITE(confidence_format)
{
	char b[64];

	xs_conf_prob_format(log(0.78355), 1, b, sizeof(b));
	test_cond("0.78355 up: 0.79", strcmp(b, "0.79") == 0);
	xs_conf_prob_format(log(0.78355), 0, b, sizeof(b));
	test_cond("0.78355 down: 0.78", strcmp(b, "0.78") == 0);
	xs_conf_prob_format(log(1 / 8200.0), 0, b, sizeof(b));
	test_cond("1/8200 down: 0.00012", strcmp(b, "0.00012") == 0);
	xs_conf_prob_format(log(0.0123), 1, b, sizeof(b));
	test_cond("0.0123 up: 0.013", strcmp(b, "0.013") == 0);
	xs_conf_prob_format(log(0.5), 0, b, sizeof(b));
	test_cond("0.5 down: 0.5 (no trailing zero)",
		  strcmp(b, "0.5") == 0 || strcmp(b, "0.49") == 0);
	xs_conf_prob_format(log(0.996), 1, b, sizeof(b));
	test_cond("0.996 up: 1", strcmp(b, "1") == 0);
	xs_conf_prob_format(log(3.3e-6), 0, b, sizeof(b));
	test_cond("3.3e-6 down: 3.2e-06 or 3.3e-06",
		  strcmp(b, "3.3e-06") == 0 || strcmp(b, "3.2e-06") == 0);
	xs_conf_prob_format(log(3.34e-6), 0, b, sizeof(b));
	test_cond("3.34e-6 down: 3.3e-06", strcmp(b, "3.3e-06") == 0);
	xs_conf_prob_format(-693147.1805599453, 1, b, sizeof(b));
	test_cond("2^-1e6 up: 1.1e-301030", strcmp(b, "1.1e-301030") == 0);
	xs_conf_prob_format(-INFINITY, 0, b, sizeof(b));
	test_cond("0: 0", strcmp(b, "0") == 0);
	xs_conf_prob_format(0, 0, b, sizeof(b));
	test_cond("1: 1", strcmp(b, "1") == 0);
}

XS_TEST_SUITE(confidence_words)
{
	char b[1024];
	size_t n;

	n = xs_conf_words(2, 4100, 2, 2000, b, sizeof(b));
	test_cond("words: length returned", n == strlen(b));
	test_cond("words: the example",
		  strcmp(b, "no depth-2 failure in 2000 runs. Under PCT's bound (n=2 actors, "
			    "k=4100 steps, depth d=2), a run with at most n actors and at most k "
			    "steps finds any bug of depth d with probability at least 1/8200 "
			    "(0.00012); had the scenario such a bug, 2000 independent runs would "
			    "all have missed it with probability at most 0.79, and found it with "
			    "probability at least 0.21.") == 0);
	xs_conf_words(3, 1000000000, 40, 1000000000000000000ULL, b, sizeof(b));
	test_cond("words, p = 3.3e-352: the denominator as a power",
		  strstr(b, "at least 1/(3*1000000000^39) (3.3e-352)") != NULL);
	test_cond("words, p = 3.3e-352, 1e18 runs: missed at most 1, found at least 3.3e-334",
		  strstr(b, "at most 1, and found it with probability at least 3.3e-334.") != NULL);
	xs_conf_words(2, 1, 1, 1000000, b, sizeof(b));
	test_cond("words, p = 1/2, 1e6 runs: missed at most 1.1e-301030, found at least 0.99",
		  strstr(b, "at most 1.1e-301030, and found it with probability at least 0.99.") !=
			  NULL);
	xs_conf_words(1, 1, 1, 1, b, sizeof(b));
	test_cond("words, p = 1: missed at most 0, found at least 1",
		  strstr(b, "at most 0, and found it with probability at least 1.") != NULL);
	n = xs_conf_words(2, 4100, 2, 2000, b, 10);
	test_cond("words: truncated to the buffer, full length returned",
		  strlen(b) == 9 && n > 100);
}
