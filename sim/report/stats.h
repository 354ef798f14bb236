/*
 * Statistics for `wpsim report` (docs/design.md, "Outcomes" and "Results database"): proportions
 * with Wilson intervals, bootstrap intervals, and the two paired tests used to compare policies
 * on the same seeds (McNemar's exact test on loss, Wilcoxon's signed-rank test on
 * latency). Pure C over GSL: no printing, no SQLite; functions return 0 or -errno.
 */
#ifndef XS_STATS_H
#define XS_STATS_H

#include <stddef.h>

/* Two-sided 95%: the standard normal quantile at 0.975. */
#define XS_STATS_Z95 1.959963984540054

/* Largest number of nonzero differences for which the Wilcoxon p is exact. */
#define XS_STATS_WILCOXON_EXACT_MAX 50

struct xs_stats_ci {
	double est; /* the point estimate */
	double lo, hi;
};

/*
 * Wilson score interval for k successes in n trials at normal quantile z (use
 * XS_STATS_Z95). ci->est = k/n. The ends are exactly 0 when k = 0 and exactly 1 when
 * k = n. Returns -EINVAL if n = 0 or k > n (ci untouched).
 */
int xs_stats_wilson(size_t k, size_t n, double z, struct xs_stats_ci *ci);

/*
 * McNemar's exact test for paired binary outcomes: b and c are the two discordant
 * counts (A only, B only). Two-sided p = min(1, 2 P(X <= min(b, c))) with
 * X ~ Binomial(b + c, 1/2); p = 1 when b + c = 0.
 */
double xs_stats_mcnemar_exact(size_t b, size_t c);

struct xs_stats_wilcoxon {
	size_t n;	/* nonzero differences: the ones ranked */
	size_t zeros;	/* zero differences, dropped (Wilcoxon's method) */
	double w_plus;	/* sum of the ranks of positive differences (midranks for ties) */
	double w_minus; /* sum of the ranks of negative differences */
	double z;	/* normal score with tie and continuity correction (0 if exact) */
	double p;	/* two-sided */
	int exact;	/* 1: exact permutation distribution; 0: normal approximation */
};

/*
 * Wilcoxon signed-rank test of the n paired differences d[] (B - A) against a zero
 * median. Zeros are dropped, tied |d| get midranks (|d| within 1e-9 relative of each
 * other are tied). With at most exact_max nonzero differences the p is exact: the
 * distribution of W+ over all 2^n sign assignments of the (mid)ranks actually
 * observed, so exact with ties too. Above that, the normal approximation with the tie
 * correction of the variance and a continuity correction of 1/2. Returns -EINVAL for
 * a non-finite d, -ENOMEM.
 */
int xs_stats_wilcoxon(const double *d, size_t n, size_t exact_max, struct xs_stats_wilcoxon *res);

enum xs_stats_statistic {
	XS_STATS_MEDIAN,
	XS_STATS_MEAN,
};

/* The median or mean of x[0..n-1] (n > 0); x is not modified. NAN if n = 0. */
double xs_stats_estimate(enum xs_stats_statistic stat, const double *x, size_t n);

/*
 * Percentile bootstrap interval at the given level (0.95) of the median or mean of
 * x[0..n-1]: nresamples resamples with replacement drawn from a GSL mt19937 stream
 * seeded with seed, so the same input gives the same interval. ci->est is the
 * statistic of x itself. Returns -EINVAL if n = 0, nresamples = 0 or level is not in
 * (0, 1); -ENOMEM.
 */
int xs_stats_bootstrap(enum xs_stats_statistic stat, const double *x, size_t n, size_t nresamples,
		       double level, unsigned long seed, struct xs_stats_ci *ci);

#endif /* XS_STATS_H */
