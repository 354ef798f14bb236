/*
 * Sizes, times and numbers (units.h).
 *
 * The strict grammar is decimal_len()'s: it is what a scenario or a distribution
 * means by a number, and strtod() only converts what it has already accepted. The
 * XS_UNITS_STRTOD paths keep the looser readings device and sweep files have always
 * had (units.h); they are not a second grammar to extend.
 */
#include "config/units.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XS_UNITS_TEXT_MAX 128 /* longest number text a time may have */

void xs_why_set(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (!why || whylen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

int xs_units_count(const char *text, uint64_t *v)
{
	const char *s = text;
	uint64_t x = 0;

	if (!*s)
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (x > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -ERANGE;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	if (*s)
		return -EINVAL;
	*v = x;
	return 0;
}

/* The digits of [s, s + n) as a whole number; -ERANGE from the first digit too many. */
static int digits_parse(const char *s, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (n == 0)
		return -EINVAL;
	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (x > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -ERANGE;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	if (i < n)
		return -EINVAL;
	*v = x;
	return 0;
}

/* The power-of-1024 exponent of a size suffix, 0 if c is none. */
static int size_suffix(char c, unsigned flags)
{
	const char *sfx = flags & XS_UNITS_PETA ? "kmgtp" : "kmgt";
	const char *p = strchr(sfx, c | 0x20);

	return p && *p ? (int)(p - sfx) + 1 : 0;
}

int xs_units_size(const char *text, unsigned flags, uint64_t *bytes)
{
	size_t n = strlen(text);
	uint64_t x;
	int shift = 0, error;

	if (n == 0)
		return -EINVAL;
	if ((flags & XS_UNITS_SHORT) && n >= 32)
		return -ERANGE;
	if (n > 1)
		shift = 10 * size_suffix(text[n - 1], flags);
	error = digits_parse(text, shift ? n - 1 : n, &x);
	if (error)
		return error;
	if (shift && x > (UINT64_MAX >> shift))
		return -ERANGE;
	*bytes = x << shift;
	return 0;
}

int xs_units_rate(const char *text, double *Bps)
{
	double v;
	char *end;
	int shift = 0;

	if (*text < '0' || *text > '9')
		return -EINVAL;
	v = strtod(text, &end);
	if (*end) {
		shift = 10 * size_suffix(*end, 0);
		if (!shift || end[1])
			return -EINVAL;
	}
	if (!isfinite(v))
		return -EINVAL;
	*Bps = v * (double)(1ULL << shift);
	return 0;
}

/*
 * Length of the decimal number at the start of s: digits [. digits] [e [+-] digits],
 * at least one digit before the exponent. 0 if s does not start with one.
 */
static size_t decimal_len(const char *s)
{
	size_t i = 0, digits = 0;

	while (s[i] >= '0' && s[i] <= '9') {
		i++;
		digits++;
	}
	if (s[i] == '.') {
		i++;
		while (s[i] >= '0' && s[i] <= '9') {
			i++;
			digits++;
		}
	}
	if (digits == 0)
		return 0;
	if (s[i] == 'e' || s[i] == 'E') {
		size_t j = i + 1, edigits = 0;

		if (s[j] == '+' || s[j] == '-')
			j++;
		while (s[j] >= '0' && s[j] <= '9') {
			j++;
			edigits++;
		}
		if (edigits)
			i = j;
	}
	return i;
}

int xs_units_decimal(const char *text, unsigned flags, double *v)
{
	char *end;
	double x;

	if (flags & XS_UNITS_STRTOD) {
		if (*text < '0' || *text > '9')
			return -EINVAL;
		x = strtod(text, &end);
		if (*end || !isfinite(x))
			return -EINVAL;
		*v = x;
		return 0;
	}
	if (text[0] == '-')
		return -EINVAL;
	if (decimal_len(text) == 0 || text[decimal_len(text)] != '\0')
		return -EINVAL;
	errno = 0;
	x = strtod(text, &end);
	if (errno == ERANGE || !isfinite(x))
		return -ERANGE;
	*v = x;
	return 0;
}

int xs_units_decimal_why(const char *text, const char *what, double *v, char *why, size_t whylen)
{
	int error = xs_units_decimal(text, 0, v);

	if (error && text[0] == '-')
		xs_why_set(why, whylen, "negative %s '%s'", what, text);
	else if (error == -EINVAL)
		xs_why_set(why, whylen, "bad %s '%s'", what, text);
	else if (error)
		xs_why_set(why, whylen, "%s '%s' out of range", what, text);
	return error ? -EINVAL : 0;
}

/*
 * Units of time. A strict time divides by per_s (division by an exact power of ten
 * rounds once: "100ms" is exactly 0.1) or multiplies by mul for m and h; a
 * XS_UNITS_STRTOD time multiplies by mul, as sweep files always have.
 */
static const struct xs_time_unit {
	const char *suffix;
	double per_s, mul;
	bool minutes; /* only with XS_UNITS_MINUTES */
} time_units[] = {
	{"", 1, 1, false},	  {"s", 1, 1, false},	    {"ms", 1e3, 1e-3, false},
	{"us", 1e6, 1e-6, false}, {"ns", 1e9, 1e-9, false}, {"m", 1, 60, true},
	{"h", 1, 3600, true},
};

#define XS_NTIME_UNITS (sizeof(time_units) / sizeof(time_units[0]))

static const struct xs_time_unit *time_unit(const char *suffix, unsigned flags)
{
	size_t i;

	for (i = 0; i < XS_NTIME_UNITS; i++)
		if ((!time_units[i].minutes || (flags & XS_UNITS_MINUTES)) &&
		    strcmp(suffix, time_units[i].suffix) == 0)
			return &time_units[i];
	return NULL;
}

/* The sweep files' reading (XS_UNITS_STRTOD): the number 0..1e9 before its unit. */
static int time_strtod(const char *text, unsigned flags, double *seconds, char *why, size_t whylen)
{
	const struct xs_time_unit *u;
	char *end;
	double x;

	errno = 0;
	x = strtod(text, &end);
	if (end == text || errno || !(x >= 0) || x > 1e9 || !(u = time_unit(end, flags))) {
		xs_why_set(why, whylen, "bad time '%s'", text);
		return -EINVAL;
	}
	*seconds = x * u->mul;
	return 0;
}

int xs_units_time(const char *text, unsigned flags, double *seconds, char *why, size_t whylen)
{
	const struct xs_time_unit *u;
	char num[XS_UNITS_TEXT_MAX];
	size_t n;
	double x;

	if (flags & XS_UNITS_STRTOD)
		return time_strtod(text, flags, seconds, why, whylen);
	if (text[0] == '-') {
		xs_why_set(why, whylen, "negative time '%s'", text);
		return -EINVAL;
	}
	n = decimal_len(text);
	if (n == 0 || n >= sizeof(num)) {
		xs_why_set(why, whylen, "bad time '%s'", text);
		return -EINVAL;
	}
	u = time_unit(text + n, flags);
	if (!u) {
		xs_why_set(why, whylen, "bad time '%s' (suffix %s)", text,
			   flags & XS_UNITS_MINUTES ? "ns, us, ms, s, m or h" : "ns, us, ms or s");
		return -EINVAL;
	}
	memcpy(num, text, n);
	num[n] = '\0';
	if (xs_units_decimal_why(num, "time", &x, why, whylen))
		return -EINVAL;
	x = u->per_s != 1 ? x / u->per_s : x * u->mul;
	if (x != 0 && !isnormal(x)) {
		xs_why_set(why, whylen, "time '%s' out of range", text);
		return -EINVAL;
	}
	*seconds = x;
	return 0;
}

void xs_units_size_format(uint64_t bytes, char *buf, size_t len)
{
	static const char sfx[] = "kmgt";
	int i;

	for (i = 3; i >= 0; i--) {
		uint64_t unit = 1ULL << (10 * (i + 1));

		if (bytes && bytes % unit == 0) {
			snprintf(buf, len, "%" PRIu64 "%c", bytes / unit, sfx[i]);
			return;
		}
	}
	snprintf(buf, len, "%" PRIu64, bytes);
}

void xs_real_format(double x, char *buf, size_t len)
{
	int prec;

	if (x == floor(x) && fabs(x) < 1e15) {
		snprintf(buf, len, "%.0f", x);
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, x);
		if (strtod(buf, NULL) == x)
			return;
	}
}
