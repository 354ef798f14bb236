/*
 * The typed key table every input file kind is read through (scenario, device and
 * sweep files), in the manner of Redis' config.c standardConfig: one entry per key
 * says where the key may appear, its type, bounds, default, unit and accepted values,
 * and the field it sets. The engine parses, checks, stores and prints values; the file
 * kind words its own messages from what the engine reports (enum xs_kt_err), so that
 * each keeps the messages its users know.
 *
 * Each entry carries its unit, default and accepted values as text, so that a key
 * reference can be printed from the tables themselves.
 */
#ifndef XS_KEYTAB_H
#define XS_KEYTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum xs_kt_type {
	XS_KT_ENUM,  /* one of vals[] */
	XS_KT_BOOL,  /* true or false */
	XS_KT_SIZE,  /* bytes (xs_units_size), umin..umax, a multiple of umult */
	XS_KT_COUNT, /* a whole number, no suffix, umin..umax */
	XS_KT_REAL,  /* a decimal (xs_units_decimal), dmin..dmax */
	XS_KT_RATE,  /* bytes/s (xs_units_rate), dmin..dmax */
	XS_KT_TIME,  /* seconds (xs_units_time), > or >= dmin, <= dmax */
	XS_KT_DIST,  /* a distribution (dist.h) */
	XS_KT_NAME,  /* letters, digits, '_', '-', '.'; shorter than the field */
	XS_KT_PATH,  /* any non-empty text shorter than the field */
	XS_KT_LIST,  /* a list the file kind reads itself (not parsed here) */
};

/* How the field is stored. */
enum xs_kt_store {
	XS_KS_NONE, /* XS_KT_LIST: no field */
	XS_KS_INT,
	XS_KS_BOOL,
	XS_KS_U32,
	XS_KS_U64,
	XS_KS_DOUBLE,
	XS_KS_DIST,
	XS_KS_STR,
};

/* Flags of a key, beside the XS_UNITS_* options of its parser. */
enum {
	XS_KT_REQUIRED = 1u << 8,     /* no default: the file must give it */
	XS_KT_REPEAT = 1u << 9,	      /* may be given again (a list that grows) */
	XS_KT_LEADING_DOT = 1u << 10, /* names: may start with '.' */
};

/* What is wrong with a value. */
enum xs_kt_err {
	XS_KT_OK = 0,
	XS_KT_ESYNTAX,	 /* not of the key's type (why: detail for times, distributions) */
	XS_KT_EOVERFLOW, /* of the type, but too large to represent */
	XS_KT_ELOW,	 /* below the minimum */
	XS_KT_EHIGH,	 /* above the maximum */
	XS_KT_EALIGN,	 /* not a multiple of umult */
};

struct xs_kt_val {
	const char *name;
	int value;
};

struct xs_kt_key {
	unsigned sect;	/* the file kind's section number */
	unsigned kinds; /* actor sections: 1 << kind for each actor kind that takes it */
	const char *name;
	enum xs_kt_type type;
	unsigned base; /* the file kind's number for the struct that holds the field */
	enum xs_kt_store store;
	size_t off, len; /* of the field in its struct */
	const struct xs_kt_val *vals;
	uint64_t umin, umax, umult; /* SIZE, COUNT; umult 0: any */
	double dmin, dmax;	    /* REAL, RATE, TIME */
	bool dmin_open;		    /* TIME: > dmin rather than >= dmin */
	unsigned flags;		    /* XS_KT_*, XS_UNITS_* */
	const char *reject_prefix;  /* NAME: may not start with this */
	const char *def;	    /* default, parsed like a value; NULL: none, or computed */
	const char *def_text;	    /* for a reference when def is NULL: how it is computed */
	const char *unit;	    /* "bytes", "s", "bytes/s"; NULL: none */
	const char *accepted;	    /* NULL: xs_keytab_accepted() words it from the type */
	const char *doc;	    /* one line of meaning, for a reference; NULL: none */
};

/*
 * Parse text as key k and store it in the field at base (base NULL: check only).
 * Returns XS_KT_OK or what is wrong; why gets the parser's detail for a time or a
 * distribution ("negative time '-1'", "unknown distribution 'x'"), else "".
 */
enum xs_kt_err xs_keytab_parse(const struct xs_kt_key *k, void *base, const char *text, char *why,
			       size_t whylen);

/* The canonical text of the field at base (sizes in bytes, times in seconds). */
void xs_keytab_format(const struct xs_kt_key *k, const void *base, char *buf, size_t len);

/* The accepted values of k: its accepted text, or worded from its type and bounds. */
void xs_keytab_accepted(const struct xs_kt_key *k, char *buf, size_t len);

/* "a size", "a whole number", ...: what a value of k's type is. */
const char *xs_keytab_noun(const struct xs_kt_key *k);

/* Index of key name in section sect of tab[0..n), or -1. */
int xs_keytab_find(const struct xs_kt_key *tab, int n, unsigned sect, const char *name);

/* The keys of section sect (taken by one of kinds; 0: any) as "a, b, c", table order. */
void xs_keytab_list(const struct xs_kt_key *tab, int n, unsigned sect, unsigned kinds, char *buf,
		    size_t len);

/* The whole-number field of k (INT, BOOL, U32, U64 stores) at base, and back. */
uint64_t xs_keytab_get_uint(const struct xs_kt_key *k, const void *base);
void xs_keytab_set_uint(const struct xs_kt_key *k, void *base, uint64_t v);

/*
 * Whether s is a name: 1..len-1 letters, digits, '_', '-', with dots '.' too, not
 * starting with '.' unless leading_dot.
 */
bool xs_keytab_name_ok(const char *s, size_t len, bool dots, bool leading_dot);

/* Assert that every entry is consistent (field widths, vals for enums). A bug if not. */
void xs_keytab_check(const struct xs_kt_key *tab, int n);

#endif /* XS_KEYTAB_H */
