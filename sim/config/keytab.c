/*
 * The typed key table engine (keytab.h): parsing, bounds, storing and printing of one
 * key's value. Which section a key is in, where its value came from and how a problem
 * is worded belong to the file kind.
 */
#include "config/keytab.h"

#include "config/dist.h"
#include "config/units.h"
#include "core/xs_types.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

uint64_t xs_keytab_get_uint(const struct xs_kt_key *k, const void *base)
{
	const char *p = (const char *)base + k->off;
	uint64_t v = 0;
	uint32_t u32;
	int i;
	bool b;

	switch (k->store) {
	case XS_KS_U64:
		memcpy(&v, p, sizeof(v));
		break;
	case XS_KS_U32:
		memcpy(&u32, p, sizeof(u32));
		v = u32;
		break;
	case XS_KS_INT:
		memcpy(&i, p, sizeof(i));
		v = (uint64_t)i;
		break;
	case XS_KS_BOOL:
		memcpy(&b, p, sizeof(b));
		v = b;
		break;
	default:
		XS_ASSERT(!"not a whole-number field");
	}
	return v;
}

void xs_keytab_set_uint(const struct xs_kt_key *k, void *base, uint64_t v)
{
	char *p = (char *)base + k->off;
	uint32_t u32 = (uint32_t)v;
	int i = (int)v;
	bool b = v != 0;

	switch (k->store) {
	case XS_KS_U64:
		memcpy(p, &v, sizeof(v));
		break;
	case XS_KS_U32:
		memcpy(p, &u32, sizeof(u32));
		break;
	case XS_KS_INT:
		memcpy(p, &i, sizeof(i));
		break;
	case XS_KS_BOOL:
		memcpy(p, &b, sizeof(b));
		break;
	default:
		XS_ASSERT(!"not a whole-number field");
	}
}

void xs_keytab_check(const struct xs_kt_key *tab, int n)
{
	static const size_t width[] = {
		[XS_KS_INT] = sizeof(int),	 [XS_KS_BOOL] = sizeof(bool),
		[XS_KS_U32] = sizeof(uint32_t),	 [XS_KS_U64] = sizeof(uint64_t),
		[XS_KS_DOUBLE] = sizeof(double), [XS_KS_DIST] = sizeof(struct xs_dist),
	};
	int i;

	for (i = 0; i < n; i++) {
		const struct xs_kt_key *k = &tab[i];

		XS_ASSERT(k->name); /* a table declared longer than its entries */
		XS_ASSERT(k->store == XS_KS_STR || k->store == XS_KS_NONE ||
			  width[k->store] == k->len);
		XS_ASSERT((k->type == XS_KT_ENUM) == (k->vals != NULL));
		XS_ASSERT((k->type == XS_KT_LIST) == (k->store == XS_KS_NONE));
		XS_ASSERT(k->type != XS_KT_SIZE || k->umult == 0 || k->umin % k->umult == 0);
	}
}

int xs_keytab_find(const struct xs_kt_key *tab, int n, unsigned sect, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (tab[i].sect == sect && strcmp(tab[i].name, name) == 0)
			return i;
	return -1;
}

void xs_keytab_list(const struct xs_kt_key *tab, int n, unsigned sect, unsigned kinds, char *buf,
		    size_t len)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++) {
		if (tab[i].sect != sect || (kinds && !(tab[i].kinds & kinds)))
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
					 tab[i].name);
	}
}

bool xs_keytab_name_ok(const char *s, size_t len, bool dots, bool leading_dot)
{
	size_t n = strlen(s);

	if (n == 0 || n >= len || (s[0] == '.' && !leading_dot))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || (dots && *s == '.')))
			return false;
	return true;
}

static void vals_list(const struct xs_kt_val *vals, char *buf, size_t len)
{
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; vals[i].name && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "", vals[i].name);
}

void xs_keytab_accepted(const struct xs_kt_key *k, char *buf, size_t len)
{
	char lo[32], hi[32];

	if (k->accepted) {
		snprintf(buf, len, "%s", k->accepted);
		return;
	}
	switch (k->type) {
	case XS_KT_ENUM:
		vals_list(k->vals, buf, len);
		break;
	case XS_KT_BOOL:
		snprintf(buf, len, "true, false");
		break;
	case XS_KT_SIZE:
		xs_units_size_format(k->umin, lo, sizeof(lo));
		xs_units_size_format(k->umax, hi, sizeof(hi));
		snprintf(buf, len, "%s..%s bytes, suffixes k, m, g, t", lo, hi);
		break;
	case XS_KT_COUNT:
		snprintf(buf, len, "%" PRIu64 "..%" PRIu64, k->umin, k->umax);
		break;
	case XS_KT_REAL:
	case XS_KT_RATE:
		xs_real_format(k->dmin, lo, sizeof(lo));
		xs_real_format(k->dmax, hi, sizeof(hi));
		snprintf(buf, len, "%s..%s", lo, hi);
		break;
	case XS_KT_TIME:
		xs_real_format(k->dmin, lo, sizeof(lo));
		snprintf(buf, len, "a time %s %s, suffixes ns, us, ms, s (bare: s)",
			 k->dmin_open ? ">" : ">=", lo);
		break;
	case XS_KT_DIST:
		snprintf(buf, len,
			 "const(T), uniform(A, B), exp(MEAN), normal(MEAN, SD), lognormal(MEAN, "
			 "CV), gamma(MEAN, CV); " XS_DIST_RANGES);
		break;
	case XS_KT_NAME:
		snprintf(buf, len, "letters, digits, '_', '-', '.'");
		break;
	case XS_KT_PATH:
	case XS_KT_LIST:
		snprintf(buf, len, "text");
		break;
	}
}

const char *xs_keytab_noun(const struct xs_kt_key *k)
{
	static const char *const noun[] = {
		[XS_KT_ENUM] = "a known value", [XS_KT_BOOL] = "a boolean",
		[XS_KT_SIZE] = "a size",	[XS_KT_COUNT] = "a whole number",
		[XS_KT_REAL] = "a number",	[XS_KT_RATE] = "a rate",
		[XS_KT_TIME] = "a time",	[XS_KT_DIST] = "a distribution",
		[XS_KT_NAME] = "a name",	[XS_KT_PATH] = "a path",
		[XS_KT_LIST] = "a list",
	};

	return noun[k->type];
}

void xs_keytab_format(const struct xs_kt_key *k, const void *base, char *buf, size_t len)
{
	const char *p = (const char *)base + k->off;
	struct xs_dist d;
	double x;
	uint64_t v;
	int i;

	switch (k->type) {
	case XS_KT_ENUM:
		if (k->store == XS_KS_STR) {
			snprintf(buf, len, "%s", p);
			return;
		}
		v = xs_keytab_get_uint(k, base);
		for (i = 0; k->vals[i].name; i++)
			if ((uint64_t)k->vals[i].value == v)
				break;
		XS_ASSERT(k->vals[i].name);
		snprintf(buf, len, "%s", k->vals[i].name);
		break;
	case XS_KT_BOOL:
		snprintf(buf, len, "%s", xs_keytab_get_uint(k, base) ? "true" : "false");
		break;
	case XS_KT_SIZE:
	case XS_KT_COUNT:
		snprintf(buf, len, "%" PRIu64, xs_keytab_get_uint(k, base));
		break;
	case XS_KT_REAL:
	case XS_KT_RATE:
	case XS_KT_TIME:
		memcpy(&x, p, sizeof(x));
		xs_real_format(x, buf, len);
		break;
	case XS_KT_DIST:
		memcpy(&d, p, sizeof(d));
		xs_dist_format(&d, buf, len);
		break;
	case XS_KT_NAME:
	case XS_KT_PATH:
		snprintf(buf, len, "%s", p);
		break;
	case XS_KT_LIST:
		snprintf(buf, len, "(list)");
		break;
	}
}

static enum xs_kt_err parse_uint(const struct xs_kt_key *k, void *base, const char *text)
{
	uint64_t v;
	int error = k->type == XS_KT_SIZE ? xs_units_size(text, k->flags, &v)
					  : xs_units_count(text, &v);

	if (error)
		return error == -ERANGE ? XS_KT_EOVERFLOW : XS_KT_ESYNTAX;
	if (v < k->umin)
		return XS_KT_ELOW;
	if (v > k->umax)
		return XS_KT_EHIGH;
	if (k->umult && v % k->umult)
		return XS_KT_EALIGN;
	if (base)
		xs_keytab_set_uint(k, base, v);
	return XS_KT_OK;
}

static enum xs_kt_err parse_double(const struct xs_kt_key *k, void *base, const char *text,
				   char *why, size_t whylen)
{
	double x;
	int error;

	switch (k->type) {
	case XS_KT_RATE:
		error = xs_units_rate(text, &x);
		break;
	case XS_KT_TIME:
		error = xs_units_time(text, k->flags, &x, why, whylen);
		break;
	default:
		error = xs_units_decimal(text, k->flags, &x);
		break;
	}
	if (error)
		return error == -ERANGE ? XS_KT_EOVERFLOW : XS_KT_ESYNTAX;
	if (x < k->dmin || (k->dmin_open && x == k->dmin))
		return XS_KT_ELOW;
	if (x > k->dmax)
		return XS_KT_EHIGH;
	if (base)
		memcpy((char *)base + k->off, &x, sizeof(x));
	return XS_KT_OK;
}

enum xs_kt_err xs_keytab_parse(const struct xs_kt_key *k, void *base, const char *text, char *why,
			       size_t whylen)
{
	char *p = base ? (char *)base + k->off : NULL;
	struct xs_dist d;
	int i;

	if (whylen)
		why[0] = '\0';
	switch (k->type) {
	case XS_KT_ENUM:
		for (i = 0; k->vals[i].name; i++)
			if (strcmp(k->vals[i].name, text) == 0)
				break;
		if (!k->vals[i].name)
			return XS_KT_ESYNTAX;
		if (p && k->store == XS_KS_STR)
			snprintf(p, k->len, "%s", k->vals[i].name);
		else if (p)
			xs_keytab_set_uint(k, base, (uint64_t)k->vals[i].value);
		return XS_KT_OK;
	case XS_KT_BOOL:
		if (strcmp(text, "true") && strcmp(text, "false"))
			return XS_KT_ESYNTAX;
		if (p)
			xs_keytab_set_uint(k, base, strcmp(text, "true") == 0);
		return XS_KT_OK;
	case XS_KT_SIZE:
	case XS_KT_COUNT:
		/* "-1" is a number below the range, not "not a number" */
		if (text[0] == '-' && parse_uint(k, NULL, text + 1) != XS_KT_ESYNTAX)
			return XS_KT_ELOW;
		return parse_uint(k, base, text);
	case XS_KT_REAL:
	case XS_KT_RATE:
		if (text[0] == '-' && parse_double(k, NULL, text + 1, NULL, 0) != XS_KT_ESYNTAX)
			return XS_KT_ELOW;
		return parse_double(k, base, text, why, whylen);
	case XS_KT_TIME: /* its parser words a negative time itself */
		return parse_double(k, base, text, why, whylen);
	case XS_KT_DIST:
		if (xs_dist_parse(text, &d, why, whylen))
			return XS_KT_ESYNTAX;
		if (p)
			memcpy(p, &d, sizeof(d));
		return XS_KT_OK;
	case XS_KT_NAME:
		if (!xs_keytab_name_ok(text, k->len, true, k->flags & XS_KT_LEADING_DOT) ||
		    (k->reject_prefix &&
		     strncmp(text, k->reject_prefix, strlen(k->reject_prefix)) == 0))
			return XS_KT_ESYNTAX;
		if (p)
			snprintf(p, k->len, "%s", text);
		return XS_KT_OK;
	case XS_KT_PATH:
		if (!*text || strlen(text) >= k->len)
			return XS_KT_ESYNTAX;
		if (p)
			snprintf(p, k->len, "%s", text);
		return XS_KT_OK;
	case XS_KT_LIST:
		break;
	}
	XS_ASSERT(!"a list is read by its file kind");
	return XS_KT_ESYNTAX;
}
