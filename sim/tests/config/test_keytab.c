/*
 * The key-table engine (config/keytab.h) and the INI reader (config/ini.h): a key of
 * each type in range, out of range and with bad syntax; unknown keys; the accepted
 * text and the canonical form of each type; and the duplicate key as a device file
 * reports it (a sweep file: sim/tests/sweep/test_sweep_file.c).
 */
#include "config/device_file.h"
#include "config/ini.h"
#include "config/keytab.h"
#include "config/scenario.h"
#include "config/units.h"
#include "tests/testhelp.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct kt_test {
	int mode;
	bool on;
	uint64_t bytes;
	uint32_t jobs;
	double ratio, rate_Bps, delay_s;
	struct xs_dist think;
	char name[16];
	char path[8];
};

enum { K_ENUM, K_BOOL, K_SIZE, K_COUNT, K_REAL, K_RATE, K_TIME, K_DIST, K_NAME, K_PATH, K_NR };

#define F(f, st) \
	.store = (st), .off = offsetof(struct kt_test, f), .len = sizeof(((struct kt_test *)0)->f)

static const struct xs_kt_val mode_vals[] = {{"seq", 0}, {"rand", 1}, {NULL, 0}};

static const struct xs_kt_key kt[K_NR] = {
	[K_ENUM] = {.sect = 0,
		    .name = "mode",
		    .type = XS_KT_ENUM,
		    F(mode, XS_KS_INT),
		    .vals = mode_vals},
	[K_BOOL] = {.sect = 0, .name = "on", .type = XS_KT_BOOL, F(on, XS_KS_BOOL)},
	[K_SIZE] = {.sect = 0,
		    .name = "bytes",
		    .type = XS_KT_SIZE,
		    F(bytes, XS_KS_U64),
		    .umin = 512,
		    .umax = 1ULL << 30,
		    .umult = 512},
	[K_COUNT] = {.sect = 0,
		     .name = "jobs",
		     .type = XS_KT_COUNT,
		     F(jobs, XS_KS_U32),
		     .umin = 1,
		     .umax = 256},
	[K_REAL] = {.sect = 1,
		    .name = "ratio",
		    .type = XS_KT_REAL,
		    F(ratio, XS_KS_DOUBLE),
		    .dmin = 0,
		    .dmax = 1},
	[K_RATE] = {.sect = 1,
		    .name = "rate",
		    .type = XS_KT_RATE,
		    F(rate_Bps, XS_KS_DOUBLE),
		    .dmin = 1024,
		    .dmax = 1ULL << 40},
	[K_TIME] = {.sect = 1,
		    .name = "delay",
		    .type = XS_KT_TIME,
		    F(delay_s, XS_KS_DOUBLE),
		    .dmin = 0,
		    .dmin_open = true,
		    .dmax = HUGE_VAL},
	[K_DIST] = {.sect = 1, .name = "think", .type = XS_KT_DIST, F(think, XS_KS_DIST)},
	[K_NAME] = {.sect = 1,
		    .name = "name",
		    .type = XS_KT_NAME,
		    F(name, XS_KS_STR),
		    .reject_prefix = "spec-"},
	[K_PATH] = {.sect = 1, .name = "path", .type = XS_KT_PATH, F(path, XS_KS_STR)},
};

/* Parse text as key k into a fresh struct; the result, and the field's text in fmt. */
static enum xs_kt_err parse(int k, const char *text, char *fmt, size_t len)
{
	struct kt_test t;
	char why[128];
	enum xs_kt_err e;

	memset(&t, 0, sizeof(t));
	e = xs_keytab_parse(&kt[k], &t, text, why, sizeof(why));
	xs_keytab_format(&kt[k], &t, fmt, len);
	return e;
}

XS_TEST_SUITE(keytab_types)
{
	static const struct {
		int k;
		const char *text;
		enum xs_kt_err e;
		const char *canon; /* the field afterwards (untouched on error) */
	} cases[] = {
		{K_ENUM, "rand", XS_KT_OK, "rand"},
		{K_ENUM, "random", XS_KT_ESYNTAX, "seq"},
		{K_BOOL, "true", XS_KT_OK, "true"},
		{K_BOOL, "false", XS_KT_OK, "false"},
		{K_BOOL, "yes", XS_KT_ESYNTAX, "false"},
		{K_SIZE, "4k", XS_KT_OK, "4096"},
		{K_SIZE, "1g", XS_KT_OK, "1073741824"},
		{K_SIZE, "256", XS_KT_ELOW, "0"},
		{K_SIZE, "2g", XS_KT_EHIGH, "0"},
		{K_SIZE, "1000", XS_KT_EALIGN, "0"},
		{K_SIZE, "4x", XS_KT_ESYNTAX, "0"},
		{K_SIZE, "99999999999999999999", XS_KT_EOVERFLOW, "0"},
		{K_COUNT, "256", XS_KT_OK, "256"},
		{K_COUNT, "0", XS_KT_ELOW, "0"},
		{K_COUNT, "257", XS_KT_EHIGH, "0"},
		{K_COUNT, "4k", XS_KT_ESYNTAX, "0"},
		{K_REAL, "0.25", XS_KT_OK, "0.25"},
		{K_REAL, "1.5", XS_KT_EHIGH, "0"},
		{K_REAL, "-1", XS_KT_ELOW, "0"}, /* a number, below the range */
		{K_REAL, "-x", XS_KT_ESYNTAX, "0"},
		{K_SIZE, "-4k", XS_KT_ELOW, "0"},
		{K_COUNT, "-1", XS_KT_ELOW, "0"},
		{K_COUNT, "--1", XS_KT_ESYNTAX, "0"},
		{K_REAL, "1e400", XS_KT_EOVERFLOW, "0"},
		{K_RATE, "1.5k", XS_KT_OK, "1536"},
		{K_RATE, "1000", XS_KT_ELOW, "0"},
		{K_RATE, "2t", XS_KT_EHIGH, "0"},
		{K_RATE, "fast", XS_KT_ESYNTAX, "0"},
		{K_TIME, "100ms", XS_KT_OK, "0.1"},
		{K_TIME, "0", XS_KT_ELOW, "0"}, /* > 0 */
		{K_TIME, "5m", XS_KT_ESYNTAX, "0"},
		{K_DIST, "exp(1ms)", XS_KT_OK, "exp(0.001)"},
		{K_DIST, "exp(0)", XS_KT_ESYNTAX, "const(0)"},
		{K_NAME, "a.b-c_1", XS_KT_OK, "a.b-c_1"},
		{K_NAME, ".a", XS_KT_ESYNTAX, ""},
		{K_NAME, "spec-a", XS_KT_ESYNTAX, ""},
		{K_NAME, "a b", XS_KT_ESYNTAX, ""},
		{K_NAME, "0123456789abcdef", XS_KT_ESYNTAX, ""}, /* does not fit */
		{K_PATH, "a/b.ini", XS_KT_OK, "a/b.ini"},
		{K_PATH, "", XS_KT_ESYNTAX, ""},
		{K_PATH, "a/b/c.ini", XS_KT_ESYNTAX, ""},
	};
	char descr[128], fmt[64];
	size_t i;

	xs_keytab_check(kt, K_NR);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum xs_kt_err e = parse(cases[i].k, cases[i].text, fmt, sizeof(fmt));

		snprintf(descr, sizeof(descr), "%s = %s: result %d, field '%s'",
			 kt[cases[i].k].name, cases[i].text, (int)cases[i].e, cases[i].canon);
		test_cond(descr, e == cases[i].e && strcmp(fmt, cases[i].canon) == 0);
	}
}

XS_TEST_SUITE(keytab_why)
{
	char why[128];

	test_cond("a time's problem comes from its parser",
		  xs_keytab_parse(&kt[K_TIME], NULL, "-1s", why, sizeof(why)) == XS_KT_ESYNTAX &&
			  strcmp(why, "negative time '-1s'") == 0);
	test_cond("a distribution's problem comes from its parser",
		  xs_keytab_parse(&kt[K_DIST], NULL, "foo(1)", why, sizeof(why)) == XS_KT_ESYNTAX &&
			  strcmp(why, "unknown distribution 'foo'") == 0);
	test_cond("other types leave why empty",
		  xs_keytab_parse(&kt[K_SIZE], NULL, "x", why, sizeof(why)) == XS_KT_ESYNTAX &&
			  why[0] == '\0');
	test_cond("base NULL checks only",
		  xs_keytab_parse(&kt[K_COUNT], NULL, "3", why, sizeof(why)) == XS_KT_OK);
}

XS_TEST_SUITE(keytab_table)
{
	char buf[256];

	test_cond("find a key in its section", xs_keytab_find(kt, K_NR, 1, "delay") == K_TIME);
	test_cond("an unknown key is not found", xs_keytab_find(kt, K_NR, 1, "bogus") == -1);
	test_cond("a key of another section is not found",
		  xs_keytab_find(kt, K_NR, 0, "delay") == -1);
	xs_keytab_list(kt, K_NR, 0, 0, buf, sizeof(buf));
	test_cond("list of section 0", strcmp(buf, "mode, on, bytes, jobs") == 0);
	xs_keytab_accepted(&kt[K_ENUM], buf, sizeof(buf));
	test_cond("accepted: enum", strcmp(buf, "seq, rand") == 0);
	xs_keytab_accepted(&kt[K_SIZE], buf, sizeof(buf));
	test_cond("accepted: size", strcmp(buf, "512..1g bytes, suffixes k, m, g, t") == 0);
	xs_keytab_accepted(&kt[K_COUNT], buf, sizeof(buf));
	test_cond("accepted: count", strcmp(buf, "1..256") == 0);
	xs_keytab_accepted(&kt[K_TIME], buf, sizeof(buf));
	test_cond("accepted: time",
		  strcmp(buf, "a time > 0, suffixes ns, us, ms, s (bare: s)") == 0);
	test_cond("noun: size", strcmp(xs_keytab_noun(&kt[K_SIZE]), "a size") == 0);
	test_cond("noun: bool", strcmp(xs_keytab_noun(&kt[K_BOOL]), "a boolean") == 0);
	test_cond("section names: no dots", !xs_keytab_name_ok("a.b", 64, false, false));
	test_cond("names: a leading dot when allowed", xs_keytab_name_ok(".a", 64, true, true));
}

XS_TEST_SUITE(keytab_duplicate_key)
{
	char path[64], err[1024], want[1024];
	struct xs_device_cfg dev;
	int rc;

	/* a device file */
	rc = xs_test_write_tmp("[device]\nqueue_depth = 1\nqueue_depth = 2\n", path, sizeof(path),
			       "");
	test_cond("device file written", rc == 0);
	rc = xs_device_cfg_load(path, &dev, err, sizeof(err));
	snprintf(want, sizeof(want),
		 "%s:3: queue_depth = 2: duplicate key (accepted: once; first at line 2)", path);
	test_cond("device: a duplicate key", rc == -EINVAL && strcmp(err, want) == 0);
	unlink(path);
}

struct ini_log {
	char text[512];
	int stop_at; /* line whose key stops the parse, 0 none */
};

static int log_header(void *arg, int line, const char *name, size_t indent)
{
	struct ini_log *l = arg;
	size_t n = strlen(l->text);

	snprintf(l->text + n, sizeof(l->text) - n, "%d:[%s]%zu ", line, name ? name : "(none)",
		 indent);
	return 0;
}

static int log_key(void *arg, int line, const char *section, const char *name, const char *value)
{
	struct ini_log *l = arg;
	size_t n = strlen(l->text);

	snprintf(l->text + n, sizeof(l->text) - n, "%d:%s.%s=%s ", line, section, name, value);
	return line == l->stop_at;
}

static int log_long(void *arg, int line, int max)
{
	struct ini_log *l = arg;
	size_t n = strlen(l->text);

	snprintf(l->text + n, sizeof(l->text) - n, "%d:long>%d ", line, max);
	return l->stop_at < 0;
}

static int ini_run(const char *text, unsigned flags, int stop_at, struct ini_log *l)
{
	struct xs_ini_ops ops = {flags, log_header, log_key, log_long};
	char path[] = "/tmp/xs-test-ini-XXXXXX", err[256];
	struct xs_textfile tf;
	int fd = mkstemp(path), rc;
	size_t n = strlen(text);

	memset(l, 0, sizeof(*l));
	l->stop_at = stop_at;
	if (fd < 0)
		return -100;
	rc = write(fd, text, n) == (ssize_t)n ? 0 : -100;
	close(fd);
	if (!rc)
		rc = xs_ini_read(path, &tf, err, sizeof(err)) ? -100 : 0;
	unlink(path);
	if (rc)
		return rc;
	rc = xs_ini_parse(&tf, &ops, l);
	xs_textfile_free(&tf);
	return rc;
}

XS_TEST_SUITE(ini_reader)
{
	char longline[400];
	struct ini_log l;
	int rc;

	rc = ini_run("\xef\xbb\xbf[a]\nk = v ; note\n  [b]\n  x = 1\n", XS_INI_STRIP_INDENT, 0, &l);
	test_cond("strip indent: lines, sections, a byte order mark",
		  rc == 0 && strcmp(l.text, "1:[a]0 2:a.k=v 3:[b]0 4:b.x=1 ") == 0);
	rc = ini_run("[a]\nk = v\n  more\n  [b]\n", 0, 0, &l);
	/* inih reads the indented header as one more line of k: why sweep files refuse it */
	test_cond("kept indent: a continuation line, an indented header",
		  rc == 0 && strcmp(l.text, "1:[a]0 2:a.k=v 3:a.k=more 4:[b]2 4:a.k=[b] ") == 0);
	rc = ini_run("[a\nk = v\n", 0, 0, &l);
	test_cond("no ']': no name, inih's syntax error on line 1",
		  rc == 1 && strncmp(l.text, "1:[(none)]0 ", 12) == 0);
	rc = ini_run("[a]\nk = 1\nk = 2\nk = 3\n", 0, 3, &l);
	test_cond("a callback stops the parse",
		  rc == 0 && strcmp(l.text, "1:[a]0 2:a.k=1 3:a.k=2 ") == 0);
	memset(longline, 'x', sizeof(longline));
	memcpy(longline, "[a]\n# ", 6);
	memcpy(longline + 300, "\nk = 1\n", 8);
	rc = ini_run(longline, 0, -1, &l);
	test_cond("a long line stops the parse",
		  rc == 0 && strcmp(l.text, "1:[a]0 2:long>198 ") == 0);
	rc = ini_run(longline, 0, 0, &l);
	test_cond("or its rest is skipped and the parse goes on",
		  rc == 0 && strcmp(l.text, "1:[a]0 2:long>198 3:a.k=1 ") == 0);
}
