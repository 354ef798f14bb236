/*
 * Sweep files (sweep.h): reading and checking a sweep file, every combination of its
 * [vary] values loaded as the scenario. Its runs, run keys and shards are
 * sweep_runs.c; the pool that makes the runs is sweep_pool.c, driven by sweep.c.
 *
 * Reading the file: the INI reader (config/ini.h) and, for the [sweep] keys, the
 * key-table engine (config/keytab.h), as scenario and device files. Unlike scenario
 * files the reader keeps leading blanks, so an indented line continues the previous
 * key's list (inih's multi-line values).
 */
#include "sweep/sweep_internal.h"

#include "config/ini.h"
#include "config/keytab.h"
#include "config/paths.h"
#include "config/units.h"
#include "core/xalloc.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int xs_sweep_read_file(const char *path, size_t max, char **buf, size_t *len, char *err,
		       size_t errlen)
{
	struct xs_textfile tf;
	int ret = xs_textfile_read(path, max, XS_INI_LINE_MAX, &tf, err, errlen);

	*buf = NULL;
	if (ret)
		return ret;
	*buf = xs_textfile_bytes(&tf);
	*len = tf.len;
	xs_textfile_free(&tf);
	if (!*buf) {
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		return -ENOMEM;
	}
	return 0;
}

/* ---- reading the sweep file ---- */

enum { SECT_NONE = -1, SECT_SWEEP = 0, SECT_VARY = 1 };

/* The [sweep] keys, in the order of sweep_keys[]. */
enum { SWEEP_SCENARIO, SWEEP_SEEDS, SWEEP_NAME, SWEEP_TIMEOUT, SWEEP_NKEYS };

struct sweep_load {
	const char *path;
	struct xs_sweep *sw;
	int lineno;
	int sect;
	int sect_line[2];	   /* header line of [sweep] and [vary], 0 if not seen */
	int key_line[SWEEP_NKEYS]; /* of each [sweep] key, 0 if not given */
	struct xs_ini_err e;	   /* the first error */
};

static void fail(struct sweep_load *ld, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "PATH:LINE: message", or "PATH: message" for line 0; the first error wins. */
static void fail(struct sweep_load *ld, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xs_ini_vfail(&ld->e, line, fmt, ap);
	va_end(ap);
}

/* A [name] header: [sweep] or [vary], at the start of a line. */
static int sweep_header(void *arg, int line, const char *name, size_t indent)
{
	struct sweep_load *ld = arg;
	char text[XS_SCN_NAME_MAX];

	ld->lineno = line;
	if (indent) {
		fail(ld, line,
		     "indented section header (accepted: [sweep] or [vary] at the start of a "
		     "line)");
		return ld->e.rc;
	}
	if (!name)
		return 0; /* inih reports the syntax error */
	snprintf(text, sizeof(text), "%s", name);
	if (strcmp(text, "sweep") == 0)
		ld->sect = SECT_SWEEP;
	else if (strcmp(text, "vary") == 0)
		ld->sect = SECT_VARY;
	else
		fail(ld, line, "[%s]: unknown section (accepted: [sweep], [vary])", text);
	if (ld->e.rc)
		return ld->e.rc;
	/* as in scenario files: two [vary] sections would silently be one */
	if (ld->sect_line[ld->sect])
		fail(ld, line,
		     "[%s]: section given twice, first at line %d (accepted: each section once)",
		     text, ld->sect_line[ld->sect]);
	ld->sect_line[ld->sect] = line;
	return ld->e.rc;
}

static int sweep_too_long(void *arg, int line, int max)
{
	struct sweep_load *ld = arg;

	fail(ld, line,
	     "line longer than %d characters (accepted: shorter lines; give a [vary] key "
	     "again, or indent a line, to continue its list)",
	     max);
	return ld->e.rc;
}

/*
 * Split a list at the commas outside parentheses; a comma may end the list. Calls
 * fn(ld, item) for each item, blanks trimmed. Returns false (after an error) on an
 * empty item.
 */
static bool list_split(struct sweep_load *ld, const char *key, const char *value,
		       void (*fn)(struct sweep_load *ld, const char *key, const char *item,
				  void *arg),
		       void *arg)
{
	const char *p = value;
	char item[XS_SCN_PATH_MAX];

	for (;;) {
		const char *q = p;
		int depth = 0;
		size_t a, b;

		while (*q && (*q != ',' || depth > 0)) {
			depth += *q == '(' ? 1 : *q == ')' ? -1 : 0;
			q++;
		}
		a = strspn(p, " \t");
		b = (size_t)(q - p);
		while (b > a && (p[b - 1] == ' ' || p[b - 1] == '\t'))
			b--;
		if (b == a) {
			if (!*q && p != value)
				return true; /* "a, b," */
			fail(ld, ld->lineno,
			     "%s = %s: empty item in the list (accepted: v1, v2, ...)", key, value);
			return false;
		}
		if (b - a >= sizeof(item)) {
			fail(ld, ld->lineno, "%s = %s: item longer than %zu characters", key, value,
			     sizeof(item) - 1);
			return false;
		}
		snprintf(item, sizeof(item), "%.*s", (int)(b - a), p + a);
		fn(ld, key, item, arg);
		if (ld->e.rc)
			return false;
		if (!*q)
			return true;
		p = q + 1;
	}
}

bool xs_sweep_u64_parse(const char *s, uint64_t *v)
{
	uint64_t x;

	if (xs_units_count(s, &x) || x > INT64_MAX)
		return false;
	*v = x;
	return true;
}

static void seed_item(struct sweep_load *ld, const char *key, const char *item, void *arg)
{
	struct xs_sweep *sw = ld->sw;
	const char *value = arg;
	char lo[32], hi[32];
	const char *dash = strchr(item, '-');
	struct xs_seed_range r = {.line = ld->lineno};
	struct xs_seed_range *nr;

	if (dash) {
		snprintf(lo, sizeof(lo), "%.*s", (int)(dash - item), item);
		snprintf(hi, sizeof(hi), "%s", dash + 1);
		lo[strcspn(lo, " \t")] = '\0';
		memmove(hi, hi + strspn(hi, " \t"), strlen(hi + strspn(hi, " \t")) + 1);
	} else {
		snprintf(lo, sizeof(lo), "%s", item);
		snprintf(hi, sizeof(hi), "%s", item);
	}
	if (!xs_sweep_u64_parse(lo, &r.lo) || !xs_sweep_u64_parse(hi, &r.hi) || r.lo > r.hi) {
		fail(ld, ld->lineno,
		     "%s = %s: bad seed or range '%s' (accepted: N or N-M with N <= M, "
		     "0..9223372036854775807, comma-separated)",
		     key, value, item);
		return;
	}
	nr = xs_xrealloc(sw->seeds, (sw->nranges + 1) * sizeof(*nr));
	sw->seeds = nr;
	sw->seeds[sw->nranges++] = r;
}

static void vary_item(struct sweep_load *ld, const char *key, const char *item, void *arg)
{
	struct xs_sweep_axis *ax = arg;
	size_t n = ax->nvals + 1;
	char **vals = xs_xrealloc(ax->vals, n * sizeof(*vals));
	char **canon;
	int *lines;

	(void)key;
	if (vals)
		ax->vals = vals;
	canon = vals ? xs_xrealloc(ax->canon, n * sizeof(*canon)) : NULL;
	if (canon)
		ax->canon = canon;
	lines = canon ? xs_xrealloc(ax->lines, n * sizeof(*lines)) : NULL;
	if (lines)
		ax->lines = lines;
	if (!lines) {
		fail(ld, ld->lineno, "out of memory");
		return;
	}
	ax->vals[ax->nvals] = xs_xstrdup(item);
	ax->canon[ax->nvals] = NULL;
	ax->lines[ax->nvals] = ld->lineno;
	if (ax->vals[ax->nvals])
		ax->nvals++;
}

#define SW(f, st) \
	.store = (st), .off = offsetof(struct xs_sweep, f), .len = sizeof(((struct xs_sweep *)0)->f)

_Static_assert(XS_SCN_NAME_MAX == 64, "the name's accepted text says 1-63");

/*
 * The [sweep] keys. A timeout is read as sweep files always have: by strtod(), the
 * number at most 1e9 before its unit, with minutes and hours (units.h).
 */
static const struct xs_kt_key sweep_keys[SWEEP_NKEYS] = {
	[SWEEP_SCENARIO] = {.name = "scenario",
			    .type = XS_KT_PATH,
			    SW(scenario, XS_KS_STR),
			    .flags = XS_KT_REQUIRED,
			    .accepted = "a scenario file, relative to the sweep file's directory"},
	[SWEEP_SEEDS] = {.name = "seeds",
			 .type = XS_KT_LIST,
			 .store = XS_KS_NONE,
			 .flags = XS_KT_REPEAT,
			 .def_text = "the scenario's seed",
			 .accepted = "N or N-M with N <= M, 0..9223372036854775807, "
				     "comma-separated"},
	[SWEEP_NAME] = {.name = "name",
			.type = XS_KT_NAME,
			SW(name, XS_KS_STR),
			.flags = XS_KT_LEADING_DOT,
			.reject_prefix = "spec-",
			.def_text = "the sweep file's base name",
			.accepted = "1-63 letters, digits, '_', '-', '.'; not starting with spec-"},
	[SWEEP_TIMEOUT] = {.name = "timeout",
			   .type = XS_KT_TIME,
			   SW(timeout_s, XS_KS_DOUBLE),
			   .dmin = 0,
			   .dmax = HUGE_VAL,
			   .flags = XS_UNITS_STRTOD | XS_UNITS_MINUTES,
			   .def = "1h",
			   .unit = "s",
			   .accepted = "0 for none, or a number with ns, us, ms, s, m or h; "
				       "default 1h"},
};

/* A bad value of [sweep] key k, worded as sweep files always have. */
static const char *const sweep_problem[SWEEP_NKEYS] = {
	[SWEEP_SCENARIO] = "bad path",
	[SWEEP_NAME] = "bad name",
	[SWEEP_TIMEOUT] = "bad duration",
};

static void sweep_key_set(struct sweep_load *ld, const char *name, const char *value)
{
	struct xs_sweep *sw = ld->sw;
	char keys[128], why[128];
	int k = xs_keytab_find(sweep_keys, SWEEP_NKEYS, 0, name);

	if (k < 0) {
		xs_keytab_list(sweep_keys, SWEEP_NKEYS, 0, 0, keys, sizeof(keys));
		fail(ld, ld->lineno, "%s = %s: unknown key in [sweep] (accepted: %s)", name, value,
		     keys);
		return;
	}
	if (ld->key_line[k] && !(sweep_keys[k].flags & XS_KT_REPEAT)) {
		fail(ld, ld->lineno, "%s = %s: given twice (first on line %d)", name, value,
		     ld->key_line[k]);
		return;
	}
	if (!ld->key_line[k])
		ld->key_line[k] = ld->lineno;
	if (k == SWEEP_SEEDS) {
		list_split(ld, name, value, seed_item, (void *)value);
		return;
	}
	if (xs_keytab_parse(&sweep_keys[k], sw, value, why, sizeof(why)))
		fail(ld, ld->lineno, "%s = %s: %s (accepted: %s)", name, value, sweep_problem[k],
		     sweep_keys[k].accepted);
	if (k == SWEEP_NAME)
		sw->named = true;
}

static void vary_key_set(struct sweep_load *ld, const char *name, const char *value)
{
	struct xs_sweep *sw = ld->sw;
	const char *dot = strchr(name, '.');
	struct xs_sweep_axis *ax = NULL;
	int a;

	if (!dot || dot == name || !dot[1] || (size_t)(dot - name) >= XS_SCN_NAME_MAX ||
	    strlen(dot + 1) >= XS_SCN_NAME_MAX) {
		fail(ld, ld->lineno,
		     "%s = %s: not a scenario key (accepted: section.key = v1, v2, ...)", name,
		     value);
		return;
	}
	if (strcmp(name, "global.seed") == 0) {
		fail(ld, ld->lineno,
		     "%s = %s: seeds are not varied here (accepted: seeds = ... in [sweep])", name,
		     value);
		return;
	}
	for (a = 0; a < sw->naxes; a++)
		if (strcmp(sw->axes[a].key, name) == 0)
			ax = &sw->axes[a];
	if (!ax) {
		if (sw->naxes == XS_SWEEP_MAX_AXES) {
			fail(ld, ld->lineno, "%s = %s: more than %d varied keys", name, value,
			     XS_SWEEP_MAX_AXES);
			return;
		}
		ax = &sw->axes[sw->naxes++];
		snprintf(ax->key, sizeof(ax->key), "%s", name);
		snprintf(ax->section, sizeof(ax->section), "%.*s", (int)(dot - name), name);
		snprintf(ax->name, sizeof(ax->name), "%s", dot + 1);
	}
	list_split(ld, name, value, vary_item, ax);
}

static int sweep_key(void *arg, int line, const char *section, const char *name, const char *value)
{
	struct sweep_load *ld = arg;

	(void)section; /* sweep_header() keeps the section */
	ld->lineno = line;
	if (ld->sect == SECT_NONE)
		fail(ld, ld->lineno,
		     "%s = %s: key outside any section (accepted: keys after [sweep] or [vary])",
		     name, value);
	else if (ld->sect == SECT_SWEEP)
		sweep_key_set(ld, name, value);
	else
		vary_key_set(ld, name, value);
	return ld->e.rc;
}

/* Leading blanks are kept: an indented line continues the previous key's list. */
static const struct xs_ini_ops sweep_ini = {
	.header = sweep_header,
	.key = sweep_key,
	.too_long = sweep_too_long,
};

/* ---- checking every combination ---- */

struct canon_arg {
	struct xs_sweep *sw;
	const size_t *val;
	bool oom;
};

static void canon_param(void *arg, const char *name, const char *value)
{
	struct canon_arg *c = arg;
	int a;

	for (a = 0; a < c->sw->naxes; a++) {
		struct xs_sweep_axis *ax = &c->sw->axes[a];

		if (!ax->canon[c->val[a]] && strcmp(ax->key, name) == 0) {
			ax->canon[c->val[a]] = xs_xstrdup(value);
			c->oom |= !ax->canon[c->val[a]];
		}
	}
}

/*
 * Whether value val[a] alone over the scenario loads; if not, its message without the
 * "-s section.key=value: " prefix is left in msg.
 */
static bool alone_ok(const struct xs_sweep *sw, int a, const size_t *val, struct xs_scenario *sc,
		     char *msg, size_t len)
{
	const struct xs_sweep_axis *ax = &sw->axes[a];
	struct xs_override ov = {ax->section, ax->name, ax->vals[val[a]]};
	char prefix[3 * XS_SCN_NAME_MAX + XS_SCN_PATH_MAX];
	size_t n;

	if (xs_scenario_load(sw->scenario_file, &ov, 1, sw->devices_dir, sc, msg, len) == 0)
		return true;
	n = (size_t)snprintf(prefix, sizeof(prefix), "-s %s=%s: ", ax->key, ax->vals[val[a]]);
	if (strncmp(msg, prefix, n) == 0)
		memmove(msg, msg + n, strlen(msg + n) + 1);
	return false;
}

/*
 * Combination val failed to load with scn_err: blame the value the message quotes,
 * else the first value that fails on its own, else the combination.
 */
static void combo_error(struct sweep_load *ld, const size_t *val, const char *scn_err,
			struct xs_scenario *sc)
{
	const struct xs_sweep *sw = ld->sw;
	char prefix[3 * XS_SCN_NAME_MAX + XS_SCN_PATH_MAX], alone[1024], with[1024];
	const struct xs_sweep_axis *ax;
	size_t n = 0;
	int a, b, q = -1;

	if (sw->naxes == 0) {
		fail(ld, ld->key_line[SWEEP_SCENARIO], "scenario = %s: %s", sw->scenario, scn_err);
		return;
	}
	for (a = 0; a < sw->naxes && q < 0; a++) {
		ax = &sw->axes[a];
		n = (size_t)snprintf(prefix, sizeof(prefix), "-s %s=%s: ", ax->key,
				     ax->vals[val[a]]);
		if (strncmp(scn_err, prefix, n) == 0) {
			q = a;
			scn_err += n;
		}
	}
	if (q < 0) {
		for (a = 0; a < sw->naxes; a++) {
			ax = &sw->axes[a];
			if (!alone_ok(sw, a, val, sc, alone, sizeof(alone))) {
				fail(ld, ax->lines[val[a]], "%s = %s: %s", ax->key,
				     ax->vals[val[a]], alone);
				return;
			}
		}
		q = 0;
	} else if (sw->naxes == 1 || !alone_ok(sw, q, val, sc, alone, sizeof(alone))) {
		ax = &sw->axes[q];
		fail(ld, ax->lines[val[q]], "%s = %s: %s", ax->key, ax->vals[val[q]], scn_err);
		return;
	}
	ax = &sw->axes[q];
	n = 0;
	with[0] = '\0';
	for (b = 0; b < sw->naxes && n < sizeof(with); b++)
		if (b != q)
			n += (size_t)snprintf(with + n, sizeof(with) - n, "%s%s = %s",
					      n ? ", " : "", sw->axes[b].key,
					      sw->axes[b].vals[val[b]]);
	fail(ld, ax->lines[val[q]], "%s = %s: with %s: %s", ax->key, ax->vals[val[q]], with,
	     scn_err);
}

/* Load every combination of the [vary] values; note each value's canonical text. */
static void check_combos(struct sweep_load *ld, uint64_t *scn_seed)
{
	struct xs_sweep *sw = ld->sw;
	struct xs_override ov[XS_SWEEP_MAX_AXES];
	size_t val[XS_SWEEP_MAX_AXES] = {0};
	struct xs_scenario *sc = xs_xmalloc(sizeof(*sc));
	char err[1024];
	uint64_t c;
	int a;

	if (!sc) {
		fail(ld, 0, "out of memory");
		return;
	}
	for (c = 0; c < sw->ncombos && !ld->e.rc; c++) {
		struct canon_arg ca = {sw, val, false};

		xs_sweep_overrides(sw, val, ov);
		if (xs_scenario_load(sw->scenario_file, ov, sw->naxes, sw->devices_dir, sc, err,
				     sizeof(err))) {
			combo_error(ld, val, err, sc);
			break;
		}
		*scn_seed = sc->seed;
		for (a = 0; a < sw->naxes; a++)
			if (!sw->axes[a].canon[val[a]])
				break;
		if (a < sw->naxes)
			xs_scenario_foreach_param(sc, canon_param, &ca);
		for (a = 0; a < sw->naxes; a++)
			if (!sw->axes[a].canon[val[a]] && !ca.oom)
				sw->axes[a].canon[val[a]] = xs_xstrdup(sw->axes[a].vals[val[a]]);
		if (ca.oom)
			fail(ld, 0, "out of memory");
		/* the odometer: the last axis fastest */
		for (a = sw->naxes - 1; a >= 0; a--) {
			if (++val[a] < sw->axes[a].nvals)
				break;
			val[a] = 0;
		}
	}
	free(sc);
}

static int range_cmp(const void *x, const void *y)
{
	const struct xs_seed_range *a = x, *b = y;

	return a->lo < b->lo ? -1 : a->lo > b->lo;
}

/* The scenario file, found from the sweep file (config/paths.h): false after a message. */
static bool scenario_find(struct sweep_load *ld)
{
	struct xs_sweep *sw = ld->sw;
	struct xs_paths *p = xs_xmalloc(sizeof(*p));
	char looked[2048];
	bool found;

	if (!p) {
		fail(ld, 0, "out of memory");
		return false;
	}
	xs_paths_init(p, sw->path);
	found = xs_paths_find(p, sw->scenario, looked, sizeof(looked));
	free(p);
	if (found && strlen(looked) < sizeof(sw->scenario_file)) {
		memcpy(sw->scenario_file, looked, strlen(looked) + 1);
		return true;
	}
	fail(ld, ld->key_line[SWEEP_SCENARIO],
	     "scenario = %s: %s (accepted: a scenario file, relative to the sweep file's "
	     "directory; looked for: %s)",
	     sw->scenario, found ? strerror(ENAMETOOLONG) : strerror(ENOENT), looked);
	return false;
}

/* After the file: defaults, the scenario, every combination, the identity. */
static void sweep_resolve(struct sweep_load *ld)
{
	struct xs_sweep *sw = ld->sw;
	uint64_t scn_seed = 0, n;
	size_t i, j;
	int a;

	if (!ld->key_line[SWEEP_SCENARIO]) {
		fail(ld, 0,
		     "no scenario (accepted: [sweep] scenario = PATH, relative to the sweep "
		     "file's directory)");
		return;
	}
	if (!scenario_find(ld))
		return;
	sw->ncombos = 1;
	for (a = 0; a < sw->naxes; a++) {
		if (sw->axes[a].nvals > XS_SWEEP_MAX_RUNS / sw->ncombos) {
			fail(ld, sw->axes[a].lines[0], "%s: more than %llu combinations",
			     sw->axes[a].key, (unsigned long long)XS_SWEEP_MAX_RUNS);
			return;
		}
		sw->ncombos *= sw->axes[a].nvals;
	}
	check_combos(ld, &scn_seed);
	if (ld->e.rc)
		return;
	/* a value given twice, maybe in two spellings, would be the same runs twice */
	for (a = 0; a < sw->naxes; a++) {
		const struct xs_sweep_axis *ax = &sw->axes[a];

		for (i = 1; i < ax->nvals; i++)
			for (j = 0; j < i; j++)
				if (strcmp(ax->canon[i], ax->canon[j]) == 0) {
					fail(ld, ax->lines[i],
					     "%s = %s: the same value as %s on line %d (accepted: "
					     "distinct values)",
					     ax->key, ax->vals[i], ax->vals[j], ax->lines[j]);
					return;
				}
	}
	if (sw->nranges == 0) {
		sw->seeds = xs_xmalloc(sizeof(*sw->seeds));
		sw->seeds[0] = (struct xs_seed_range){scn_seed, scn_seed, 0};
		sw->nranges = 1;
	}
	qsort(sw->seeds, sw->nranges, sizeof(sw->seeds[0]), range_cmp);
	sw->nseeds = 0;
	for (i = 0; i < sw->nranges; i++) {
		if (i && sw->seeds[i].lo <= sw->seeds[i - 1].hi) {
			fail(ld, sw->seeds[i].line,
			     "seeds: seed %llu listed twice (accepted: distinct seeds)",
			     (unsigned long long)sw->seeds[i].lo);
			return;
		}
		n = sw->seeds[i].hi - sw->seeds[i].lo + 1;
		if (n > XS_SWEEP_MAX_RUNS || sw->nseeds + n > XS_SWEEP_MAX_RUNS / sw->ncombos) {
			fail(ld, sw->seeds[i].line, "seeds: more than %llu runs in the sweep",
			     (unsigned long long)XS_SWEEP_MAX_RUNS);
			return;
		}
		sw->nseeds += n;
	}
	sw->nruns = sw->nseeds * sw->ncombos;
	if (!sw->named) {
		const char *base = strrchr(sw->path, '/') ? strrchr(sw->path, '/') + 1 : sw->path;
		size_t len = strlen(base);

		if (len > 4 && strcmp(base + len - 4, ".ini") == 0)
			len -= 4;
		snprintf(sw->name, sizeof(sw->name), "%.*s", (int)len, base);
	}
	if (xs_sweep_identity(sw, ld->e.msg, ld->e.len))
		ld->e.rc = -EINVAL;
}

int xs_sweep_load(const char *path, const char *devices_dir, struct xs_sweep *sw, char *err,
		  size_t errlen)
{
	struct sweep_load ld = {.path = path, .sw = sw, .sect = SECT_NONE, .e.path = path};
	struct xs_textfile tf;
	int rc;

	memset(sw, 0, sizeof(*sw));
	sw->devices_dir = devices_dir;
	sw->timeout_s = XS_SWEEP_TIMEOUT;
	ld.e.msg = err;
	ld.e.len = errlen;
	if (errlen)
		err[0] = '\0';
	if (strlen(path) >= sizeof(sw->path)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -EINVAL;
	}
	snprintf(sw->path, sizeof(sw->path), "%s", path);
	rc = xs_textfile_read(path, XS_SWEEP_FILE_MAX, XS_INI_LINE_MAX, &tf, err, errlen);
	if (rc)
		return rc == -ENOENT ? -ENOENT : -EINVAL;
	sw->spec = xs_textfile_bytes(&tf);
	if (!sw->spec) {
		xs_textfile_free(&tf);
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		return -EINVAL;
	}
	rc = xs_ini_parse(&tf, &sweep_ini, &ld);
	xs_textfile_free(&tf);
	if (rc > 0 && ld.e.rc && rc < ld.e.line)
		ld.e.rc = 0;
	if (!ld.e.rc && rc > 0)
		fail(&ld, rc,
		     "syntax error (accepted: [sweep], [vary], key = value, comments after ; "
		     "or #)");
	if (!ld.e.rc)
		sweep_resolve(&ld);
	return ld.e.rc;
}

void xs_sweep_free(struct xs_sweep *sw)
{
	size_t i;
	int a;

	for (a = 0; a < sw->naxes; a++) {
		struct xs_sweep_axis *ax = &sw->axes[a];

		for (i = 0; i < ax->nvals; i++) {
			free(ax->vals[i]);
			if (ax->canon)
				free(ax->canon[i]);
		}
		free(ax->vals);
		free(ax->canon);
		free(ax->lines);
	}
	free(sw->seeds);
	free(sw->spec);
	memset(sw, 0, sizeof(*sw));
}
