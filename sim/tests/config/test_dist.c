/*
 * Distributions (config/dist.h): time and distribution parsing, every parse error,
 * the text round trip, and sampling checked against means and spreads computed here
 * from the parameters (not from xs_dist_mean), at a tolerance of 5 standard errors.
 */
#include "config/dist.h"
#include "tests/testhelp.h"

#include <errno.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

#define NDRAWS 100000

XS_TEST_SUITE(dist_time_parse)
{
	static const struct {
		const char *text;
		double seconds;
	} ok[] = {
		{"5", 5},	   {"5s", 5},	    {"0", 0},	     {"100ms", 0.1},
		{"1.5us", 1.5e-6}, {"300ns", 3e-7}, {"1e-3s", 1e-3}, {".5ms", 5e-4},
		{"2.", 2},	   {"1E2ms", 0.1},  {"3e-07", 3e-7}, {"1e+2", 100},
	};
	static const char *const bad[] = {
		"",	"-1s",	"-0", "nan", "inf", "infs", "NaN",  "1x",    "1 ms",
		" 1ms", "1ms ", "ms", "s",   ".",   "e3",   "0x10", "1e400", "1e-400",
		"1mss", "1m",	"1h", "+1",  "1es", "1..2", "--1",
	};
	char descr[96];
	size_t i;
	double x;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		x = -1;
		snprintf(descr, sizeof(descr), "time '%s' = %g s", ok[i].text, ok[i].seconds);
		test_cond(descr, xs_time_parse(ok[i].text, &x) == 0 && x == ok[i].seconds);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		x = 42;
		snprintf(descr, sizeof(descr), "time '%s' rejected, result untouched", bad[i]);
		test_cond(descr, xs_time_parse(bad[i], &x) == -EINVAL && x == 42);
	}
}

XS_TEST_SUITE(dist_parse_format)
{
	static const struct {
		const char *text, *canon;
		enum xs_dist_kind kind;
		double a, b;
	} ok[] = {
		{"5ms", "const(0.005)", XS_DIST_CONST, 0.005, 0},
		{"const(0)", "const(0)", XS_DIST_CONST, 0, 0},
		{" const( 2us ) ", "const(2e-06)", XS_DIST_CONST, 2e-6, 0},
		{"uniform(1us,2us)", "uniform(1e-06, 2e-06)", XS_DIST_UNIFORM, 1e-6, 2e-6},
		{"exp(10us)", "exp(1e-05)", XS_DIST_EXP, 1e-5, 0},
		{"normal(1ms, 0.5ms)", "normal(0.001, 0.0005)", XS_DIST_NORMAL, 1e-3, 5e-4},
		{"normal(0, 1ms)", "normal(0, 0.001)", XS_DIST_NORMAL, 0, 1e-3},
		{"lognormal(300ns, 0.3)", "lognormal(3e-07, 0.3)", XS_DIST_LOGNORMAL, 3e-7, 0.3},
		{"gamma(1ms, 0.5)", "gamma(0.001, 0.5)", XS_DIST_GAMMA, 1e-3, 0.5},
		{"gamma(1.234567891ms, 2)", "gamma(0.001234567891, 2)", XS_DIST_GAMMA,
		 1.234567891e-3, 2},
	};
	char buf[128], descr[160];
	struct xs_dist d, d2;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		memset(&d, 0, sizeof(d));
		snprintf(descr, sizeof(descr), "'%s' parses", ok[i].text);
		test_cond(descr, xs_dist_parse(ok[i].text, &d, NULL, 0) == 0 &&
					 d.kind == ok[i].kind && d.a == ok[i].a && d.b == ok[i].b);
		xs_dist_format(&d, buf, sizeof(buf));
		snprintf(descr, sizeof(descr), "'%s' formats as '%s' (got '%s')", ok[i].text,
			 ok[i].canon, buf);
		test_cond(descr, strcmp(buf, ok[i].canon) == 0);
		memset(&d2, 0xff, sizeof(d2));
		snprintf(descr, sizeof(descr), "'%s' round-trips exactly", buf);
		test_cond(descr, xs_dist_parse(buf, &d2, NULL, 0) == 0 && d2.kind == d.kind &&
					 d2.a == d.a && d2.b == d.b);
	}
}

XS_TEST_SUITE(dist_parse_errors)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
		{"foo(1ms)", "unknown distribution 'foo'"},
		{"(1ms)", "unknown distribution ''"},
		{"exp(1ms", "missing ')'"},
		{"exp(1ms) x", "text after ')'"},
		{"exp(1ms, 2ms)", "exp takes 1 argument"},
		{"uniform(1ms)", "uniform takes 2 arguments"},
		{"normal(1, 2, 3)", "normal takes 2 arguments"},
		{"const()", "bad time ''"},
		{"exp(-1ms)", "negative time '-1ms'"},
		{"-1ms", "negative time '-1ms'"},
		{"exp(1 ms)", "bad time '1 ms' (suffix ns, us, ms or s)"},
		{"exp(nan)", "bad time 'nan'"},
		{"exp(1e999)", "time '1e999' out of range"},
		{"uniform(2ms, 1ms)", "uniform(A, B) needs A < B"},
		{"uniform(1ms, 1ms)", "uniform(A, B) needs A < B"},
		{"exp(0)", "exp mean must be > 0"},
		{"normal(1ms, 0)", "normal sd must be > 0"},
		{"lognormal(0, 0.3)", "lognormal mean must be > 0"},
		{"lognormal(1ms, 0)", "lognormal CV must be > 0"},
		{"gamma(1ms, 0)", "gamma CV must be > 0"},
		{"gamma(1ms, 1ms)", "bad CV '1ms'"},
		{"gamma(1ms, -1)", "negative CV '-1'"},
		{"gamma(1ms, inf)", "bad CV 'inf'"},
		{"", "bad time ''"},
		{"fast", "bad time 'fast'"},
	};
	struct xs_dist d = {XS_DIST_EXP, 7, 8, 0, 0};
	char why[128], descr[256], longtext[200];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		snprintf(descr, sizeof(descr), "'%s' rejected: %s", bad[i].text, bad[i].why);
		test_cond(descr, xs_dist_parse(bad[i].text, &d, why, sizeof(why)) == -EINVAL &&
					 strcmp(why, bad[i].why) == 0 && d.kind == XS_DIST_EXP &&
					 d.a == 7 && d.b == 8);
		if (strcmp(why, bad[i].why) != 0)
			printf("    got: %s\n", why);
	}
	memset(longtext, '1', sizeof(longtext) - 1);
	longtext[sizeof(longtext) - 1] = '\0';
	test_cond("a text longer than the parser's buffer is rejected",
		  xs_dist_parse(longtext, &d, why, sizeof(why)) == -EINVAL &&
			  strstr(why, "longer than") != NULL);
	test_cond("why may be NULL", xs_dist_parse("bogus(1)", &d, NULL, 0) == -EINVAL);
}

struct moments {
	double mean, sd, min;
};

static struct moments draw(const char *text, gsl_rng *r)
{
	struct moments m = {0, 0, INFINITY};
	struct xs_dist d;
	double m2 = 0, x, delta;
	int i;

	if (xs_dist_parse(text, &d, NULL, 0))
		return (struct moments){NAN, NAN, NAN};
	/* Welford's running mean and sum of squared deviations */
	for (i = 0; i < NDRAWS; i++) {
		x = xs_dist_sample(&d, r);
		delta = x - m.mean;
		m.mean += delta / (i + 1);
		m2 += delta * (x - m.mean);
		if (x < m.min)
			m.min = x;
	}
	m.sd = sqrt(m2 / (NDRAWS - 1));
	return m;
}

XS_TEST_SUITE(dist_sample)
{
	/*
	 * Expected mean and standard deviation from the parameters. The truncated normals:
	 * N(1ms, 0.5ms) above 0 has mean 1ms + 0.5ms * phi(2) / Phi(2) and variance
	 * sd^2 (1 - 2 phi(2)/Phi(2) - (phi(2)/Phi(2))^2) (alpha = -2); the half-normal
	 * N(0, 1ms) above 0 has mean 1ms * sqrt(2/pi), sd 1ms * sqrt(1 - 2/pi).
	 */
	const double lam = 0.05399096651318806 / 0.9772498680518208;
	const struct {
		const char *text;
		double mean, sd;
	} cases[] = {
		{"const(2ms)", 2e-3, 0},
		{"uniform(1ms, 3ms)", 2e-3, 2e-3 / sqrt(12)},
		{"exp(2ms)", 2e-3, 2e-3},
		{"normal(1ms, 0.5ms)", 1e-3 + 0.5e-3 * lam, 0.5e-3 * sqrt(1 - 2 * lam - lam * lam)},
		{"normal(0, 1ms)", 1e-3 * sqrt(2 / M_PI), 1e-3 * sqrt(1 - 2 / M_PI)},
		{"lognormal(300ns, 0.3)", 3e-7, 0.3 * 3e-7},
		{"lognormal(1ms, 1)", 1e-3, 1e-3},
		{"gamma(1ms, 0.5)", 1e-3, 0.5e-3},
		{"gamma(50ns, 2)", 5e-8, 1e-7},
	};
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	char descr[160];
	struct xs_dist d;
	struct moments m;
	size_t i;

	gsl_rng_set(r, 12345);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double se = cases[i].sd / sqrt(NDRAWS);

		m = draw(cases[i].text, r);
		snprintf(descr, sizeof(descr), "%s: sample mean %.5g within 5 SE of %.5g",
			 cases[i].text, m.mean, cases[i].mean);
		test_cond(descr, fabs(m.mean - cases[i].mean) <= 5 * se + 1e-15);
		snprintf(descr, sizeof(descr), "%s: sample mean within 3%% of %.5g", cases[i].text,
			 cases[i].mean);
		test_cond(descr, fabs(m.mean - cases[i].mean) <= 0.03 * cases[i].mean);
		/* a spread above the mean (gamma CV 2) is estimated slowly: 10% there */
		snprintf(descr, sizeof(descr), "%s: sample sd %.5g near %.5g", cases[i].text, m.sd,
			 cases[i].sd);
		test_cond(descr, fabs(m.sd - cases[i].sd) <=
					 (cases[i].sd > cases[i].mean ? 0.10 : 0.03) * cases[i].sd +
						 1e-15);
		snprintf(descr, sizeof(descr), "%s: never negative", cases[i].text);
		test_cond(descr, m.min >= 0);
		xs_dist_parse(cases[i].text, &d, NULL, 0);
		snprintf(descr, sizeof(descr), "%s: xs_dist_mean %.6g = %.6g", cases[i].text,
			 xs_dist_mean(&d), cases[i].mean);
		test_cond(descr, fabs(xs_dist_mean(&d) - cases[i].mean) <= 1e-9 * cases[i].mean);
	}

	/* A normal mostly below 0: truncation by resampling still never goes negative. */
	m = draw("normal(0, 1s)", r);
	test_cond("normal(0, 1s) truncated: no negative sample in 1e5", m.min >= 0);

	/* The same seed gives the same stream. */
	{
		gsl_rng *r1 = gsl_rng_alloc(gsl_rng_mt19937), *r2 = gsl_rng_alloc(gsl_rng_mt19937);
		int same = 1, k;

		gsl_rng_set(r1, 7);
		gsl_rng_set(r2, 7);
		xs_dist_parse("normal(1ms, 2ms)", &d, NULL, 0);
		for (k = 0; k < 1000; k++)
			same &= xs_dist_sample(&d, r1) == xs_dist_sample(&d, r2);
		test_cond("same seed, same samples", same);
		gsl_rng_free(r1);
		gsl_rng_free(r2);
	}
	gsl_rng_free(r);
}

/*
 * A parsed lognormal draws with the parameters worked out once; one built by hand works
 * them out at each draw: the same seed must give the same draws, bit for bit.
 */
XS_TEST_SUITE(dist_lognormal_prepared)
{
	struct xs_dist parsed, by_hand = {XS_DIST_LOGNORMAL, 3e-7, 0.3, 0, 0};
	gsl_rng *r1 = gsl_rng_alloc(gsl_rng_mt19937), *r2 = gsl_rng_alloc(gsl_rng_mt19937);
	char why[128];
	bool same = true;
	int i;

	test_assert(r1 && r2 &&
		    xs_dist_parse("lognormal(300ns, 0.3)", &parsed, why, sizeof(why)) == 0);
	test_cond("parsing works the normal's parameters out", parsed.ln_sigma > 0);
	gsl_rng_set(r1, 99);
	gsl_rng_set(r2, 99);
	for (i = 0; i < 10000; i++) {
		double x = xs_dist_sample(&parsed, r1), y = xs_dist_sample(&by_hand, r2);

		same &= memcmp(&x, &y, sizeof(x)) == 0;
	}
	test_cond("10000 draws: the same doubles either way", same);
	gsl_rng_free(r1);
	gsl_rng_free(r2);
}

/*
 * Every parameter at the edges of its range (dist.h): accepted at the edge, refused
 * just beyond it with the parameter named, and at the edge every draw finite and >= 0
 * and the draws' mean near the parameters' (here, from the parameters), so that a
 * range that let a sampler degenerate (all draws 0, as lognormal(1us, 1e308) gave)
 * fails.
 */
XS_TEST_SUITE(dist_param_ranges)
{
	static const struct {
		const char *text;
		double mean; /* of the draws: from the parameters; < 0: not checked */
	} edge[] = {
		{"const(1e9s)", 1e9},
		{"const(0)", 0},
		{"uniform(0, 1e9)", 5e8},
		{"exp(1e9)", 1e9},
		{"exp(1ns)", 1e-9},
		{"normal(1e9, 1e9)", -1},
		{"normal(0, 1e9)", -1},
		{"lognormal(1us, 10)", -1},
		{"lognormal(1us, 1e-6)", 1e-6},
		{"gamma(1ms, 10)", -1},
		{"gamma(1ms, 1e-6)", 1e-3},
		{"lognormal(1e9s, 1)", 1e9},
	};
	static const struct {
		const char *text, *why;
	} beyond[] = {
		{"const(1.0001e9)", "const T = 1.0001e9: out of range (0..1e9 s)"},
		{"uniform(0, 2e9)", "uniform B = 2e9: out of range (0..1e9 s)"},
		{"exp(1e10s)", "exp MEAN = 1e10s: out of range (0..1e9 s)"},
		{"normal(2e9, 1s)", "normal MEAN = 2e9: out of range (0..1e9 s)"},
		{"normal(1s, 2e9)", "normal SD = 2e9: out of range (0..1e9 s)"},
		{"lognormal(1us, 1e308)", "lognormal CV = 1e308: out of range (1e-6..10)"},
		{"lognormal(1us, 10.001)", "lognormal CV = 10.001: out of range (1e-6..10)"},
		{"lognormal(1us, 9e-7)", "lognormal CV = 9e-7: out of range (1e-6..10)"},
		{"lognormal(2e9, 1)", "lognormal MEAN = 2e9: out of range (0..1e9 s)"},
		{"gamma(1ms, 11)", "gamma CV = 11: out of range (1e-6..10)"},
		{"gamma(1ms, 1e-300)", "gamma CV = 1e-300: out of range (1e-6..10)"},
		{"gamma(1e300, 1)", "gamma MEAN = 1e300: out of range (0..1e9 s)"},
	};
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	char descr[160], why[128];
	struct xs_dist d;
	size_t i;
	int j;

	for (i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
		double sum = 0, x;
		bool finite = true, positive = false;

		snprintf(descr, sizeof(descr), "'%s' accepted at the edge", edge[i].text);
		test_cond(descr, xs_dist_parse(edge[i].text, &d, why, sizeof(why)) == 0);
		gsl_rng_set(r, 1);
		for (j = 0; j < NDRAWS; j++) {
			x = xs_dist_sample(&d, r);
			finite = finite && isfinite(x) && x >= 0;
			positive = positive || x > 0;
			sum += x;
		}
		snprintf(descr, sizeof(descr), "'%s': every draw finite and >= 0, not all 0",
			 edge[i].text);
		test_cond(descr, finite && (positive || edge[i].mean == 0));
		if (edge[i].mean > 0) {
			snprintf(descr, sizeof(descr), "'%s': draws' mean within 5%% of %g",
				 edge[i].text, edge[i].mean);
			test_cond(descr, fabs(sum / NDRAWS - edge[i].mean) <= 0.05 * edge[i].mean);
		}
	}
	for (i = 0; i < sizeof(beyond) / sizeof(beyond[0]); i++) {
		why[0] = '\0';
		snprintf(descr, sizeof(descr), "'%s' refused: %s", beyond[i].text, beyond[i].why);
		test_cond(descr, xs_dist_parse(beyond[i].text, &d, why, sizeof(why)) == -EINVAL &&
					 strcmp(why, beyond[i].why) == 0);
		if (strcmp(why, beyond[i].why) != 0)
			printf("    got: %s\n", why);
	}
	gsl_rng_free(r);
}
