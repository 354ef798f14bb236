/*
 * Stated confidence for PCT runs (confidence.h, which derives the formulas).
 */
#include "explore/confidence.h"

#include "core/xs_types.h"

#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

double xs_conf_pct_log_p(uint64_t n_actors, uint64_t k_steps, unsigned depth)
{
	XS_ASSERT(n_actors >= 1 && k_steps >= 1 && depth >= 1);
	return -(log((double)n_actors) + (double)(depth - 1) * log((double)k_steps));
}

double xs_conf_log_miss(double log_p, uint64_t runs)
{
	double p = exp(log_p);

	XS_ASSERT(log_p <= 0);
	if (runs == 0)
		return 0;
	if (p >= DBL_MIN)
		return (double)runs * log1p(-p);
	return -exp(log_p + log((double)runs));
}

double xs_conf_log_find(double log_p, uint64_t runs)
{
	double log_miss = xs_conf_log_miss(log_p, runs);
	double log_np;

	if (runs == 0)
		return -INFINITY;
	/*
	 * N p below 1e-13: 1 - (1 - p)^N = N p (1 - O(N p)), and N p itself may be below
	 * the doubles: its logarithm is not.
	 */
	log_np = log_p + log((double)runs);
	if (log_np < -30)
		return log_np;
	return log(-expm1(log_miss));
}

int xs_conf_runs_needed(double log_p, double confidence, uint64_t *runs)
{
	double target, per_run, x;
	uint64_t n;

	if (!(confidence > 0 && confidence < 1))
		return -EINVAL;
	XS_ASSERT(log_p <= 0);
	target = log1p(-confidence); /* ln(1 - c): the most a miss may weigh */
	per_run = exp(log_p) >= DBL_MIN ? log1p(-exp(log_p)) : -exp(log_p);
	if (per_run == 0) /* p below the doubles altogether */
		return -ERANGE;
	x = ceil(target / per_run);
	if (!(x < 18446744073709551615.0))
		return -ERANGE;
	n = x < 1 ? 1 : (uint64_t)x;
	/* the division rounds: make n the least count that meets the target */
	while (n > 1 && xs_conf_log_miss(log_p, n - 1) <= target)
		n--;
	while (xs_conf_log_miss(log_p, n) > target) {
		if (n == UINT64_MAX)
			return -ERANGE;
		n++;
	}
	*runs = n;
	return 0;
}

void xs_conf_prob_format(double log_x, int up, char *buf, size_t len)
{
	double e10, m;
	int e, v, i;
	char digits[8];
	size_t pos;

	XS_ASSERT(log_x <= 0);
	if (log_x == -INFINITY) {
		snprintf(buf, len, "0");
		return;
	}
	/* x = m 10^e with 1 <= m < 10; keep two digits of m, rounded as asked */
	e10 = log_x / M_LN10;
	e = (int)floor(e10);
	m = pow(10, e10 - e);
	v = (int)(up ? ceil(m * 10) : floor(m * 10));
	if (v < 10)
		v = 10;
	if (v >= 100) {
		v = 10;
		e++;
	}
	if (e >= 0) {
		snprintf(buf, len, "1");
		return;
	}
	if (e < -4) {
		if (v % 10)
			snprintf(buf, len, "%d.%de-%02d", v / 10, v % 10, -e);
		else
			snprintf(buf, len, "%de-%02d", v / 10, -e);
		return;
	}
	/* 0.79, 0.012, 0.00012: -e - 1 zeros, then the digits without a trailing 0 */
	snprintf(digits, sizeof(digits), "%d", v % 10 ? v : v / 10);
	pos = (size_t)snprintf(buf, len, "0.");
	for (i = 0; i < -e - 1 && pos + 1 < len; i++)
		buf[pos++] = '0';
	snprintf(buf + (pos < len ? pos : len), pos < len ? len - pos : 0, "%s", digits);
}

/* n k^(d-1) as a whole number, or 0 if it exceeds 2^64 - 1. */
static uint64_t pct_denominator(uint64_t n, uint64_t k, unsigned d)
{
	uint64_t den = n;
	unsigned i;

	for (i = 1; i < d; i++) {
		if (den > UINT64_MAX / k)
			return 0;
		den *= k;
	}
	return den;
}

size_t xs_conf_words(uint64_t n_actors, uint64_t k_steps, unsigned depth, uint64_t runs, char *buf,
		     size_t len)
{
	double log_p = xs_conf_pct_log_p(n_actors, k_steps, depth);
	uint64_t den = pct_denominator(n_actors, k_steps, depth);
	char p[48], frac[64], miss[48], find[48];
	double log_miss, log_find;
	int n;

	xs_conf_prob_format(log_p, 0, p, sizeof(p));
	log_miss = xs_conf_log_miss(log_p, runs);
	log_find = xs_conf_log_find(log_p, runs);
	/*
	 * A miss that is not impossible leaves the find below 1 even where its logarithm
	 * rounds to 0: rounded down, that is 0.99.
	 */
	if (log_miss > -INFINITY && log_find > log(0.995))
		log_find = log(0.995);
	xs_conf_prob_format(log_miss, 1, miss, sizeof(miss));
	xs_conf_prob_format(log_find, 0, find, sizeof(find));
	if (den)
		snprintf(frac, sizeof(frac), "1/%" PRIu64, den);
	else
		snprintf(frac, sizeof(frac), "1/(%" PRIu64 "*%" PRIu64 "^%u)", n_actors, k_steps,
			 depth - 1);
	n = snprintf(buf, len,
		     "no depth-%u failure in %" PRIu64 " runs. Under PCT's bound (n=%" PRIu64
		     " actors, k=%" PRIu64 " steps, depth d=%u), a run with at most n actors and "
		     "at most k steps finds any bug of depth d with probability at least "
		     "%s (%s); had the scenario such a bug, %" PRIu64 " independent runs would all "
		     "have missed it with probability at most %s, and found it with probability "
		     "at least %s.",
		     depth, runs, n_actors, k_steps, depth, frac, p, runs, miss, find);
	XS_ASSERT(n >= 0);
	return (size_t)n;
}
