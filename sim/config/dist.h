/*
 * Random durations: a distribution written in a scenario or device file and sampled
 * from a GSL RNG stream. Text forms (times take ns/us/ms/s suffixes, bare numbers are
 * seconds):
 *   const(T)             always T                           (a bare "T" means const(T))
 *   uniform(A, B)        uniform on [A, B)
 *   exp(MEAN)            exponential
 *   normal(MEAN, SD)     normal, truncated at 0
 *   lognormal(MEAN, CV)  lognormal with that mean and coefficient of variation
 *   gamma(MEAN, CV)      gamma with that mean and coefficient of variation
 * No SimGrid here: scenario parsing and the device model both use it.
 */
#ifndef XS_DIST_H
#define XS_DIST_H

#include "config/units.h" /* xs_real_format() */

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * The parameters' ranges, refused outside them: a time parameter (T, A, B, MEAN, SD)
 * from 0 (above 0 for MEAN and SD, normal's MEAN excepted) to XS_DIST_TIME_MAX
 * seconds, where draws stay far from overflow and a run's clock keeps sub-microsecond
 * resolution; a CV from XS_DIST_CV_MIN to XS_DIST_CV_MAX: above 10 gamma's shape 1/CV^2
 * falls below 0.01 and a growing share of its draws underflow to exactly 0, and
 * lognormal's CV^2 overflows long before 1e308 (its draws were then all 0); below 1e-6
 * the spread is under a microsecond in a second, which const() says plainly.
 */
#define XS_DIST_TIME_MAX 1e9
#define XS_DIST_CV_MIN	 1e-6
#define XS_DIST_CV_MAX	 10
#define XS_DIST_STR_(x)	 #x
#define XS_DIST_STR(x)	 XS_DIST_STR_(x)
/* The ranges as the key reference and every "(accepted: ...)" state them. */
#define XS_DIST_RANGES                                                                 \
	"times with ns, us, ms, s, 0.." XS_DIST_STR(                                   \
		XS_DIST_TIME_MAX) " s (MEAN above 0 "                                  \
				  "but normal's, SD above 0, A < B); CV " XS_DIST_STR( \
					  XS_DIST_CV_MIN) ".." XS_DIST_STR(XS_DIST_CV_MAX)

enum xs_dist_kind {
	XS_DIST_CONST = 0,
	XS_DIST_UNIFORM,
	XS_DIST_EXP,
	XS_DIST_NORMAL,
	XS_DIST_LOGNORMAL,
	XS_DIST_GAMMA,
};

struct xs_dist {
	enum xs_dist_kind kind;
	double a; /* const: value; uniform: low; others: mean (seconds) */
	double b; /* uniform: high; normal: sd (s); lognormal/gamma: coefficient of variation */
	/*
	 * Lognormal: the underlying normal's mean and sd, worked out once by
	 * xs_dist_parse() rather than at every draw (0 in a dist built by hand: then they
	 * are worked out at each draw, with the same result).
	 */
	double ln_zeta, ln_sigma;
};

/*
 * Parse text into *d. Returns 0, or -EINVAL with a short reason in why (e.g.
 * "unknown distribution 'foo'", "negative time").
 */
int xs_dist_parse(const char *text, struct xs_dist *d, char *why, size_t whylen);
/* Parse a time with an ns/us/ms/s suffix (bare: seconds) into seconds. 0 or -EINVAL. */
int xs_time_parse(const char *text, double *seconds);
/* Draw one sample, seconds, >= 0. */
double xs_dist_sample(const struct xs_dist *d, gsl_rng *r);
/* The distribution's mean, seconds. */
double xs_dist_mean(const struct xs_dist *d);
/* Print d back in its text form (round-trips through xs_dist_parse). */
void xs_dist_format(const struct xs_dist *d, char *buf, size_t len);

#endif /* XS_DIST_H */
