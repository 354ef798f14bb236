/*
 * Random durations (dist.h): parsing, formatting and sampling with GSL.
 *
 * Parameterisation, so that a scenario writes what it means (a mean and a spread):
 *   lognormal(MEAN, CV): sigma^2 = ln(1 + CV^2), mu = ln(MEAN) - sigma^2 / 2
 *   gamma(MEAN, CV):     shape 1 / CV^2, scale MEAN * CV^2
 *   normal(MEAN, SD):    truncated at 0 by resampling (not max(0, x)), so no
 *                        probability mass piles up at 0; MEAN >= 0 keeps the
 *                        acceptance probability >= 1/2. xs_dist_mean() returns the
 *                        mean of the truncated distribution, not MEAN.
 * Times are parsed strictly (xs_units_time): a decimal number (no sign, no hex, no
 * nan/inf) and an optional ns/us/ms/s suffix, nothing else.
 */
#include "config/dist.h"

#include "config/units.h"

#include <errno.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XS_DIST_TEXT_MAX 128

struct xs_dist_name {
	const char *name;
	enum xs_dist_kind kind;
	int nargs;
};

/* Names and argument counts; the second argument of lognormal and gamma is a CV. */
static const struct xs_dist_name xs_dist_names[] = {
	{"const", XS_DIST_CONST, 1},
	{"uniform", XS_DIST_UNIFORM, 2},
	{"exp", XS_DIST_EXP, 1},
	{"normal", XS_DIST_NORMAL, 2},
	{"lognormal", XS_DIST_LOGNORMAL, 2},
	{"gamma", XS_DIST_GAMMA, 2},
};

#define XS_NDIST_NAMES (sizeof(xs_dist_names) / sizeof(xs_dist_names[0]))

/* A time with a reason (units.h). */
static int time_parse_why(const char *text, double *seconds, char *why, size_t whylen)
{
	return xs_units_time(text, 0, seconds, why, whylen);
}

int xs_time_parse(const char *text, double *seconds)
{
	return xs_units_time(text, 0, seconds, NULL, 0);
}

/* Copy [s, e) into buf without surrounding blanks. */
static void trim_copy(char *buf, size_t len, const char *s, const char *e)
{
	size_t n;

	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	n = (size_t)(e - s);
	if (n >= len)
		n = len - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

/* The normal distribution under lognormal(a, cv): mean zeta, sd sigma. */
static void lognormal_params(const struct xs_dist *d, double *zeta, double *sigma)
{
	double sigma2 = log1p(d->b * d->b);

	*zeta = log(d->a) - sigma2 / 2;
	*sigma = sqrt(sigma2);
}

/*
 * Every parameter within the range where its sampler gives finite, meaningful draws
 * (dist.h): "NAME ARG = TEXT: out of range (LO..HI)" when one is not.
 */
static int dist_check(const struct xs_dist_name *dn, char arg[2][XS_DIST_TEXT_MAX],
		      const double v[2], char *why, size_t whylen)
{
	static const char *const names[][2] = {
		[XS_DIST_CONST] = {"T", NULL},	      [XS_DIST_UNIFORM] = {"A", "B"},
		[XS_DIST_EXP] = {"MEAN", NULL},	      [XS_DIST_NORMAL] = {"MEAN", "SD"},
		[XS_DIST_LOGNORMAL] = {"MEAN", "CV"}, [XS_DIST_GAMMA] = {"MEAN", "CV"},
	};
	bool cv = dn->kind == XS_DIST_LOGNORMAL || dn->kind == XS_DIST_GAMMA;
	int i;

	switch (dn->kind) {
	case XS_DIST_CONST:
		break;
	case XS_DIST_UNIFORM:
		if (!(v[0] < v[1])) {
			xs_why_set(why, whylen, "uniform(A, B) needs A < B");
			return -EINVAL;
		}
		break;
	case XS_DIST_EXP:
		if (v[0] <= 0) {
			xs_why_set(why, whylen, "exp mean must be > 0");
			return -EINVAL;
		}
		break;
	case XS_DIST_NORMAL:
		if (v[1] <= 0) {
			xs_why_set(why, whylen, "normal sd must be > 0");
			return -EINVAL;
		}
		break;
	case XS_DIST_LOGNORMAL:
	case XS_DIST_GAMMA:
		if (v[0] <= 0) {
			xs_why_set(why, whylen, "%s mean must be > 0", dn->name);
			return -EINVAL;
		}
		if (v[1] <= 0) {
			xs_why_set(why, whylen, "%s CV must be > 0", dn->name);
			return -EINVAL;
		}
		break;
	}
	for (i = 0; i < dn->nargs; i++) {
		bool is_cv = i == 1 && cv;
		double lo = is_cv ? XS_DIST_CV_MIN : 0,
		       hi = is_cv ? XS_DIST_CV_MAX : XS_DIST_TIME_MAX;

		if (v[i] >= lo && v[i] <= hi)
			continue;
		xs_why_set(why, whylen, "%s %s = %s: out of range (%s)", dn->name,
			   names[dn->kind][i], arg[i],
			   is_cv ? XS_DIST_STR(XS_DIST_CV_MIN) ".." XS_DIST_STR(XS_DIST_CV_MAX)
				 : "0.." XS_DIST_STR(XS_DIST_TIME_MAX) " s");
		return -EINVAL;
	}
	return 0;
}

int xs_dist_parse(const char *text, struct xs_dist *d, char *why, size_t whylen)
{
	char buf[XS_DIST_TEXT_MAX], name[XS_DIST_TEXT_MAX], arg[2][XS_DIST_TEXT_MAX];
	const struct xs_dist_name *dn = NULL;
	const char *open, *close, *comma;
	double v[2] = {0, 0};
	size_t i;
	int nargs;

	if (strlen(text) >= sizeof(buf)) {
		xs_why_set(why, whylen, "distribution text longer than %zu characters",
			   sizeof(buf) - 1);
		return -EINVAL;
	}
	trim_copy(buf, sizeof(buf), text, text + strlen(text));
	open = strchr(buf, '(');
	if (!open) {
		/* A bare time is const(T). */
		if (time_parse_why(buf, &v[0], why, whylen))
			return -EINVAL;
		memset(d, 0, sizeof(*d)); /* padding too: parsed structs compare with memcmp */
		d->kind = XS_DIST_CONST;
		d->a = v[0];
		d->b = 0;
		return 0;
	}
	trim_copy(name, sizeof(name), buf, open);
	for (i = 0; i < XS_NDIST_NAMES; i++)
		if (strcmp(name, xs_dist_names[i].name) == 0)
			dn = &xs_dist_names[i];
	if (!dn) {
		xs_why_set(why, whylen, "unknown distribution '%s'", name);
		return -EINVAL;
	}
	close = strchr(open, ')');
	if (!close) {
		xs_why_set(why, whylen, "missing ')'");
		return -EINVAL;
	}
	if (close[1] != '\0') {
		xs_why_set(why, whylen, "text after ')'");
		return -EINVAL;
	}
	comma = memchr(open, ',', (size_t)(close - open));
	nargs = comma ? 2 : 1;
	if (comma && memchr(comma + 1, ',', (size_t)(close - comma - 1)))
		nargs = 3;
	if (nargs != dn->nargs) {
		xs_why_set(why, whylen, "%s takes %d argument%s", dn->name, dn->nargs,
			   dn->nargs == 1 ? "" : "s");
		return -EINVAL;
	}
	trim_copy(arg[0], sizeof(arg[0]), open + 1, comma ? comma : close);
	if (comma)
		trim_copy(arg[1], sizeof(arg[1]), comma + 1, close);

	/* The first argument is always a time; the second is a time except a CV. */
	if (time_parse_why(arg[0], &v[0], why, whylen))
		return -EINVAL;
	if (nargs == 2) {
		if (dn->kind == XS_DIST_LOGNORMAL || dn->kind == XS_DIST_GAMMA) {
			if (xs_units_decimal_why(arg[1], "CV", &v[1], why, whylen))
				return -EINVAL;
		} else if (time_parse_why(arg[1], &v[1], why, whylen)) {
			return -EINVAL;
		}
	}
	if (dist_check(dn, arg, v, why, whylen))
		return -EINVAL;
	memset(d, 0, sizeof(*d));
	d->kind = dn->kind;
	d->a = v[0];
	d->b = nargs == 2 ? v[1] : 0;
	if (d->kind == XS_DIST_LOGNORMAL)
		lognormal_params(d, &d->ln_zeta, &d->ln_sigma);
	return 0;
}

double xs_dist_sample(const struct xs_dist *d, gsl_rng *r)
{
	double x, zeta, sigma;

	switch (d->kind) {
	case XS_DIST_CONST:
		return d->a;
	case XS_DIST_UNIFORM:
		return gsl_ran_flat(r, d->a, d->b);
	case XS_DIST_EXP:
		return gsl_ran_exponential(r, d->a);
	case XS_DIST_NORMAL:
		/* Resample below 0: at least half the draws are accepted (mean >= 0). */
		do {
			x = d->a + gsl_ran_gaussian(r, d->b);
		} while (x < 0);
		return x;
	case XS_DIST_LOGNORMAL:
		if (d->ln_sigma > 0)
			return gsl_ran_lognormal(r, d->ln_zeta, d->ln_sigma);
		lognormal_params(d, &zeta, &sigma);
		return gsl_ran_lognormal(r, zeta, sigma);
	case XS_DIST_GAMMA:
		return gsl_ran_gamma(r, 1 / (d->b * d->b), d->a * d->b * d->b);
	}
	return d->a;
}

double xs_dist_mean(const struct xs_dist *d)
{
	double alpha;

	switch (d->kind) {
	case XS_DIST_UNIFORM:
		return (d->a + d->b) / 2;
	case XS_DIST_NORMAL:
		/* Mean of N(a, b^2) conditioned on >= 0: a + b phi(alpha) / Q(alpha). */
		alpha = -d->a / d->b;
		return d->a + d->b * gsl_ran_ugaussian_pdf(alpha) / gsl_cdf_ugaussian_Q(alpha);
	case XS_DIST_CONST:
	case XS_DIST_EXP:
	case XS_DIST_LOGNORMAL:
	case XS_DIST_GAMMA:
		break;
	}
	return d->a;
}

void xs_dist_format(const struct xs_dist *d, char *buf, size_t len)
{
	char a[32], b[32];
	size_t i;
	const char *name = "const";

	for (i = 0; i < XS_NDIST_NAMES; i++)
		if (xs_dist_names[i].kind == d->kind)
			name = xs_dist_names[i].name;
	xs_real_format(d->a, a, sizeof(a));
	if (d->kind == XS_DIST_CONST || d->kind == XS_DIST_EXP) {
		snprintf(buf, len, "%s(%s)", name, a);
		return;
	}
	xs_real_format(d->b, b, sizeof(b));
	snprintf(buf, len, "%s(%s, %s)", name, a, b);
}
