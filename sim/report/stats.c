/*
 * Statistics for `wpsim report`: Wilson intervals, McNemar's exact test, Wilcoxon's
 * signed-rank test and percentile bootstrap intervals. See stats.h for the contracts.
 *
 * Simplification: the bootstrap interval is the plain percentile interval (no bias
 * correction or acceleration); with 10-200 runs per group that is the usual choice
 * and its coverage is checked by the tests.
 */
#include "report/stats.h"

#include <errno.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int xs_stats_wilson(size_t k, size_t n, double z, struct xs_stats_ci *ci)
{
	double p, nn, z2, denom, center, half;

	if (n == 0 || k > n)
		return -EINVAL;
	nn = (double)n;
	p = (double)k / nn;
	z2 = z * z;
	denom = 1 + z2 / nn;
	center = (p + z2 / (2 * nn)) / denom;
	half = z / denom * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
	ci->est = p;
	/* center - half is 0 in exact arithmetic when k = 0; do not print -1e-17 */
	ci->lo = k == 0 ? 0 : center - half;
	ci->hi = k == n ? 1 : center + half;
	return 0;
}

double xs_stats_mcnemar_exact(size_t b, size_t c)
{
	size_t n = b + c, k = b < c ? b : c;
	double p;

	if (n == 0)
		return 1;
	p = 2 * gsl_cdf_binomial_P((unsigned int)k, 0.5, (unsigned int)n);
	return p > 1 ? 1 : p;
}

struct signed_abs {
	double abs;
	int positive;
};

static int cmp_abs(const void *a, const void *b)
{
	double x = ((const struct signed_abs *)a)->abs, y = ((const struct signed_abs *)b)->abs;

	return (x > y) - (x < y);
}

/* Two absolute differences are tied when they agree to 1e-9 relative. */
static int tied(double a, double b)
{
	return fabs(a - b) <= 1e-9 * fmax(fabs(a), fabs(b));
}

/*
 * P(W+ <= w2) and P(W+ >= w2) for doubled ranks r2[0..n-1] (integers, so midranks of
 * ties are exact), each rank counted with probability 1/2. O(n * sum r2) = O(n^3).
 */
static int wilcoxon_exact(const size_t *r2, size_t n, size_t w2, double *p_lo, double *p_hi)
{
	size_t total = 0, i, s;
	double *dist;

	for (i = 0; i < n; i++)
		total += r2[i];
	dist = calloc(total + 1, sizeof(*dist));
	if (!dist)
		return -ENOMEM;
	dist[0] = 1;
	for (i = 0; i < n; i++)
		for (s = total + 1; s-- > 0;)
			dist[s] = 0.5 * (dist[s] + (s >= r2[i] ? dist[s - r2[i]] : 0));
	*p_lo = 0;
	*p_hi = 0;
	for (s = 0; s <= total; s++) {
		if (s <= w2)
			*p_lo += dist[s];
		if (s >= w2)
			*p_hi += dist[s];
	}
	free(dist);
	return 0;
}

int xs_stats_wilcoxon(const double *d, size_t n, size_t exact_max, struct xs_stats_wilcoxon *res)
{
	struct signed_abs *it;
	size_t i, j, t, m = 0, w2 = 0, *r2;
	double tie_sum = 0, nn, mean, var, diff, p_lo, p_hi;
	int ret;

	memset(res, 0, sizeof(*res));
	for (i = 0; i < n; i++)
		if (!isfinite(d[i]))
			return -EINVAL;
	it = calloc(n + 1, sizeof(*it));
	r2 = calloc(n + 1, sizeof(*r2));
	if (!it || !r2) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (d[i] == 0) {
			res->zeros++;
			continue;
		}
		it[m].abs = fabs(d[i]);
		it[m].positive = d[i] > 0;
		m++;
	}
	res->n = m;
	res->p = 1;
	res->exact = 1;
	ret = 0;
	if (m == 0)
		goto out;
	/* insertion order does not matter: sort by |d| and give each run of ties its midrank */
	qsort(it, m, sizeof(*it), cmp_abs);
	for (i = 0; i < m; i = j) {
		for (j = i + 1; j < m && tied(it[j].abs, it[i].abs); j++)
			;
		t = j - i;
		tie_sum += (double)t * (double)t * (double)t - (double)t;
		/* ranks i+1..j; doubled midrank = i + 1 + j */
		for (size_t k = i; k < j; k++) {
			r2[k] = i + 1 + j;
			if (it[k].positive)
				w2 += r2[k];
		}
	}
	res->w_plus = (double)w2 / 2;
	nn = (double)m;
	res->w_minus = nn * (nn + 1) / 2 - res->w_plus;
	if (m <= exact_max) {
		ret = wilcoxon_exact(r2, m, w2, &p_lo, &p_hi);
		if (ret)
			goto out;
		res->p = 2 * fmin(p_lo, p_hi);
		if (res->p > 1)
			res->p = 1;
		goto out;
	}
	res->exact = 0;
	mean = nn * (nn + 1) / 4;
	var = nn * (nn + 1) * (2 * nn + 1) / 24 - tie_sum / 48;
	diff = res->w_plus - mean;
	if (fabs(diff) <= 0.5)
		res->z = 0;
	else
		res->z = (diff - copysign(0.5, diff)) / sqrt(var);
	res->p = 2 * gsl_cdf_ugaussian_Q(fabs(res->z));
	if (res->p > 1)
		res->p = 1;
out:
	free(it);
	free(r2);
	return ret;
}

/* The statistic of sorted[0..n-1], n > 0. */
static double estimate_sorted(enum xs_stats_statistic stat, const double *sorted, size_t n)
{
	if (stat == XS_STATS_MEAN)
		return gsl_stats_mean(sorted, 1, n);
	return gsl_stats_median_from_sorted_data(sorted, 1, n);
}

double xs_stats_estimate(enum xs_stats_statistic stat, const double *x, size_t n)
{
	double *tmp, est;

	if (n == 0)
		return NAN;
	tmp = malloc(n * sizeof(*tmp));
	if (!tmp)
		return NAN;
	memcpy(tmp, x, n * sizeof(*tmp));
	gsl_sort(tmp, 1, n);
	est = estimate_sorted(stat, tmp, n);
	free(tmp);
	return est;
}

int xs_stats_bootstrap(enum xs_stats_statistic stat, const double *x, size_t n, size_t nresamples,
		       double level, unsigned long seed, struct xs_stats_ci *ci)
{
	double *sample = NULL, *boot = NULL;
	gsl_rng *rng = NULL;
	size_t b, i;
	int ret = -ENOMEM;

	if (n == 0 || nresamples == 0 || !(level > 0 && level < 1))
		return -EINVAL;
	sample = malloc(n * sizeof(*sample));
	boot = malloc(nresamples * sizeof(*boot));
	rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!sample || !boot || !rng)
		goto out;
	gsl_rng_set(rng, seed);
	for (b = 0; b < nresamples; b++) {
		for (i = 0; i < n; i++)
			sample[i] = x[gsl_rng_uniform_int(rng, n)];
		/* quickselect, O(n): resampling 10^4 runs 2000 times stays cheap */
		boot[b] = stat == XS_STATS_MEAN ? gsl_stats_mean(sample, 1, n)
						: gsl_stats_median(sample, 1, n);
	}
	gsl_sort(boot, 1, nresamples);
	memcpy(sample, x, n * sizeof(*sample));
	gsl_sort(sample, 1, n);
	ci->est = estimate_sorted(stat, sample, n);
	ci->lo = gsl_stats_quantile_from_sorted_data(boot, 1, nresamples, (1 - level) / 2);
	ci->hi = gsl_stats_quantile_from_sorted_data(boot, 1, nresamples, 1 - (1 - level) / 2);
	ret = 0;
out:
	free(sample);
	free(boot);
	if (rng)
		gsl_rng_free(rng);
	return ret;
}
