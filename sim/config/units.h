/*
 * The one size parser, the one time parser and the numbers under them, for every
 * file kind (scenario, device, sweep) and for distributions. Each returns 0, -EINVAL
 * for text that is not of the kind, or -ERANGE for a value of the kind that does not
 * fit; the caller words the problem.
 *
 * The file kinds have not always accepted the same text, and a restructuring must not
 * change what any of them accepts, so the differences are options (XS_UNITS_*), each
 * named after the file kind that needs it.
 */
#ifndef XS_UNITS_H
#define XS_UNITS_H

#include <stddef.h>
#include <stdint.h>

enum {
	/* sizes: also accept a p suffix (2^50): device files */
	XS_UNITS_PETA = 1u << 0,
	/* sizes: text of at most 31 characters, longer is -ERANGE: scenario files */
	XS_UNITS_SHORT = 1u << 1,
	/* times: also accept the suffixes m (minutes) and h (hours): sweep files */
	XS_UNITS_MINUTES = 1u << 2,
	/*
	 * times and decimals: the number is whatever strtod() reads (a sign, hex, leading
	 * blanks), as device files (decimals: a leading digit, any strtod tail, finite) and
	 * sweep files (times: the number 0..1e9 before its unit, multiplied by the unit)
	 * have always read them.
	 */
	XS_UNITS_STRTOD = 1u << 3,
};

/* A whole number: digits only. -ERANGE beyond UINT64_MAX. */
int xs_units_count(const char *text, uint64_t *v);

/*
 * Bytes: digits and an optional suffix k, m, g, t (either case; powers of 1024), p
 * with XS_UNITS_PETA. -ERANGE when the value overflows 64 bits.
 */
int xs_units_size(const char *text, unsigned flags, uint64_t *bytes);

/*
 * A rate in bytes/s (device files): a leading digit, a decimal that strtod() reads,
 * an optional k, m, g, t suffix (x1024). Finite.
 */
int xs_units_rate(const char *text, double *Bps);

/*
 * A plain decimal: digits [. digits] [e [+-] digits], no sign, no hex, no nan/inf;
 * -ERANGE when it overflows or underflows a double. With XS_UNITS_STRTOD: a leading
 * digit and whatever strtod() reads, finite, never -ERANGE.
 */
int xs_units_decimal(const char *text, unsigned flags, double *v);

/*
 * xs_units_decimal() with the problem worded for a message about "what": "negative
 * time '-1'", "bad CV 'x'", "time '1e999' out of range". Returns 0 or -EINVAL.
 */
int xs_units_decimal_why(const char *text, const char *what, double *v, char *why, size_t whylen);

/*
 * Seconds: a decimal and an optional suffix ns, us, ms, s (none: s); m and h with
 * XS_UNITS_MINUTES. Returns 0 or -EINVAL with the problem in why (why may be NULL):
 * "negative time '-1'", "bad time '1x' (suffix ns, us, ms or s)", ...
 */
int xs_units_time(const char *text, unsigned flags, double *seconds, char *why, size_t whylen);

/* Format a problem into why (whylen bytes); nothing when why is NULL. */
void xs_why_set(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A size in its shortest exact form: 300m, 4t, 4096 -> 4k, 1000 -> 1000. */
void xs_units_size_format(uint64_t bytes, char *buf, size_t len);

/* The shortest %g text that reads back as exactly x; whole numbers in full (3600). */
void xs_real_format(double x, char *buf, size_t len);

#endif /* XS_UNITS_H */
