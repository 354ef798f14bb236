/*
 * Device files (configs/devices/NAME.ini): the block device's timing parameters, read
 * and validated before a run starts. The timing model that uses them is
 * actors/device.c. Every key, its type and its bounds are in one table below, as the
 * error messages quote it.
 */
#include "config/device_file.h"

#include "config/ini.h"
#include "config/keytab.h"
#include "config/units.h"
#include "core/xs_types.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum xs_dev_key {
	DEV_KEY_READ_BW = 0,
	DEV_KEY_WRITE_BW,
	DEV_KEY_LATENCY,
	DEV_KEY_QUEUE_DEPTH,
	DEV_KEY_MAX_IO,
	DEV_KEY_ROTATIONAL,
	DEV_KEY_SEEK_MIN,
	DEV_KEY_SEEK_MAX,
	DEV_KEY_RPM,
	DEV_KEY_CAPACITY,
	DEV_KEY_FLUSH,
	DEV_KEY_NR,
};

#define XS_DEV_DIST_ACCEPTED                                                                      \
	"const(T), uniform(A, B), exp(MEAN), normal(MEAN, SD), lognormal(MEAN, CV), gamma(MEAN, " \
	"CV); times in ns/us/ms/s"

#define DEV(f, st)                                               \
	.store = (st), .off = offsetof(struct xs_device_cfg, f), \
	.len = sizeof(((struct xs_device_cfg *)0)->f)
#define REQ XS_KT_REQUIRED

/*
 * Every key, its type and bounds: one table, as the error messages quote it. A
 * device file has one section, [device], which may also be left out. Sizes take a p
 * suffix too, and rpm is read by strtod() (XS_UNITS_STRTOD), as device files always
 * have been. seek_min, seek_max and rpm are required for a rotational device only.
 */
static const struct xs_kt_key dev_keys[DEV_KEY_NR] = {
	[DEV_KEY_READ_BW] = {.name = "read_bw",
			     .type = XS_KT_RATE,
			     DEV(read_bw_Bps, XS_KS_DOUBLE),
			     .dmin = 1024.0,
			     .dmax = 1099511627776.0,
			     .flags = REQ,
			     .unit = "bytes/s",
			     .accepted = "1k..1t bytes/s; suffixes k/m/g/t multiply by 1024"},
	[DEV_KEY_WRITE_BW] = {.name = "write_bw",
			      .type = XS_KT_RATE,
			      DEV(write_bw_Bps, XS_KS_DOUBLE),
			      .dmin = 1024.0,
			      .dmax = 1099511627776.0,
			      .flags = REQ,
			      .unit = "bytes/s",
			      .accepted = "1k..1t bytes/s; suffixes k/m/g/t multiply by 1024"},
	[DEV_KEY_LATENCY] = {.name = "latency",
			     .type = XS_KT_DIST,
			     DEV(latency, XS_KS_DIST),
			     .flags = REQ,
			     .unit = "s",
			     .accepted = XS_DEV_DIST_ACCEPTED},
	[DEV_KEY_QUEUE_DEPTH] = {.name = "queue_depth",
				 .type = XS_KT_COUNT,
				 DEV(queue_depth, XS_KS_U32),
				 .umin = 1,
				 .umax = 65536,
				 .flags = REQ,
				 .accepted = "1..65536"},
	[DEV_KEY_MAX_IO] = {.name = "max_io",
			    .type = XS_KT_SIZE,
			    DEV(max_io_bytes, XS_KS_U64),
			    .umin = 512,
			    .umax = 1ULL << 30,
			    .umult = 512,
			    .flags = REQ | XS_UNITS_PETA,
			    .unit = "bytes",
			    .accepted = "512..1g bytes, a multiple of 512"},
	[DEV_KEY_ROTATIONAL] = {.name = "rotational",
				.type = XS_KT_BOOL,
				DEV(rotational, XS_KS_BOOL),
				.flags = REQ,
				.accepted = "true, false"},
	[DEV_KEY_SEEK_MIN] = {.name = "seek_min",
			      .type = XS_KT_TIME,
			      DEV(seek_min_s, XS_KS_DOUBLE),
			      .dmin = 0,
			      .dmax = 1,
			      .unit = "s",
			      .def_text = "required when rotational = true",
			      .accepted = "0..1s, ns/us/ms/s suffix"},
	[DEV_KEY_SEEK_MAX] = {.name = "seek_max",
			      .type = XS_KT_TIME,
			      DEV(seek_max_s, XS_KS_DOUBLE),
			      .dmin = 0,
			      .dmax = 1,
			      .unit = "s",
			      .def_text = "required when rotational = true",
			      .accepted = "seek_min..1s, ns/us/ms/s suffix"},
	[DEV_KEY_RPM] = {.name = "rpm",
			 .type = XS_KT_REAL,
			 DEV(rpm, XS_KS_DOUBLE),
			 .dmin = 1000,
			 .dmax = 30000,
			 .flags = XS_UNITS_STRTOD,
			 .def_text = "required when rotational = true",
			 .accepted = "1000..30000"},
	[DEV_KEY_CAPACITY] = {.name = "capacity",
			      .type = XS_KT_SIZE,
			      DEV(capacity_bytes, XS_KS_U64),
			      .umin = 1ULL << 20,
			      .umax = 1ULL << 50,
			      .umult = 512,
			      .flags = REQ | XS_UNITS_PETA,
			      .unit = "bytes",
			      .accepted = "1m..1024t bytes, a multiple of 512"},
	[DEV_KEY_FLUSH] = {.name = "flush",
			   .type = XS_KT_DIST,
			   DEV(flush, XS_KS_DIST),
			   .flags = REQ,
			   .unit = "s",
			   .accepted = XS_DEV_DIST_ACCEPTED},
};

#define XS_DEV_MAX_LINE 200 /* inih's INI_MAX_LINE: longer lines are refused */

struct xs_dev_parse {
	const char *path;
	struct xs_device_cfg *cfg;
	char *err;
	size_t errlen;
	int error_rank; /* line of the error recorded (INT_MAX: no line), 0 = none */
	int key_line[DEV_KEY_NR];
	char key_value[DEV_KEY_NR][64]; /* as written, for cross-key messages */
};

static void dev_error(struct xs_dev_parse *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Record an error unless one on an earlier line is already recorded. line 0: the error
 * has no line (a missing key), "FILE: ...", and ranks after every line.
 */
static void dev_error(struct xs_dev_parse *p, int line, const char *fmt, ...)
{
	int rank = line ? line : INT_MAX;
	va_list ap;

	if (p->error_rank && p->error_rank <= rank)
		return;
	p->error_rank = rank;
	va_start(ap, fmt);
	xs_ini_verror(p->err, p->errlen, p->path, line, fmt, ap);
	va_end(ap);
}

/* An overlong line is an error; the reader skips its rest and goes on. */
static int dev_too_long(void *arg, int line, int max)
{
	dev_error(arg, line, "line too long (accepted: at most %d characters)", max);
	return 0;
}

/* Store one key's value in cfg; on a bad value record the error. */
static void dev_set(struct xs_dev_parse *p, int line, enum xs_dev_key k, const char *value)
{
	const struct xs_kt_key *def = &dev_keys[k];
	char why[128];

	switch (xs_keytab_parse(def, p->cfg, value, why, sizeof(why))) {
	case XS_KT_OK:
		return;
	case XS_KT_ESYNTAX:
	case XS_KT_EOVERFLOW:
		if (def->type == XS_KT_DIST && why[0])
			dev_error(p, line, "%s = %s: %s (accepted: %s)", def->name, value, why,
				  def->accepted);
		else
			dev_error(p, line, "%s = %s: not %s (accepted: %s)", def->name, value,
				  xs_keytab_noun(def), def->accepted);
		return;
	case XS_KT_ELOW:
		if (def->type == XS_KT_COUNT)
			dev_error(p, line, "%s = %s: must be at least %" PRIu64 " (accepted: %s)",
				  def->name, value, def->umin, def->accepted);
		else
			dev_error(p, line, "%s = %s: too small (accepted: %s)", def->name, value,
				  def->accepted);
		return;
	case XS_KT_EHIGH:
		dev_error(p, line, "%s = %s: too large (accepted: %s)", def->name, value,
			  def->accepted);
		return;
	case XS_KT_EALIGN:
		dev_error(p, line, "%s = %s: not a multiple of %" PRIu64 " (accepted: %s)",
			  def->name, value, def->umult, def->accepted);
		return;
	}
}

static int dev_key(void *arg, int line, const char *section, const char *name, const char *value)
{
	struct xs_dev_parse *p = arg;
	char keys[256];
	int k;

	if (section[0] && strcmp(section, "device")) {
		dev_error(p, line, "%s = %s: in unknown section [%s] (accepted: [device])", name,
			  value, section);
		return 0;
	}
	k = xs_keytab_find(dev_keys, DEV_KEY_NR, 0, name);
	if (k < 0) {
		xs_keytab_list(dev_keys, DEV_KEY_NR, 0, 0, keys, sizeof(keys));
		dev_error(p, line, "%s = %s: unknown key (accepted: %s)", name, value, keys);
		return 0;
	}
	if (p->key_line[k]) {
		dev_error(p, line, "%s = %s: duplicate key (accepted: once; first at line %d)",
			  name, value, p->key_line[k]);
		return 0;
	}
	p->key_line[k] = line;
	snprintf(p->key_value[k], sizeof(p->key_value[k]), "%s", value);
	dev_set(p, line, (enum xs_dev_key)k, value);
	return 0;
}

static const struct xs_ini_ops dev_ini = {
	.flags = XS_INI_DEVICE_LINES,
	.key = dev_key,
	.too_long = dev_too_long,
};

/* Checks that involve several keys, once the whole file is read. */
static void dev_check_keys(struct xs_dev_parse *p)
{
	const struct xs_device_cfg *cfg = p->cfg;
	static const enum xs_dev_key mech[] = {DEV_KEY_SEEK_MIN, DEV_KEY_SEEK_MAX, DEV_KEY_RPM};
	size_t i;
	int k;

	for (k = 0; k < DEV_KEY_NR; k++) {
		if (p->key_line[k] || !(dev_keys[k].flags & XS_KT_REQUIRED))
			continue;
		dev_error(p, 0, "missing key %s (accepted: %s)", dev_keys[k].name,
			  dev_keys[k].accepted);
	}
	for (i = 0; i < sizeof(mech) / sizeof(mech[0]); i++) {
		k = mech[i];
		if (cfg->rotational && !p->key_line[k] && p->key_line[DEV_KEY_ROTATIONAL])
			dev_error(p, 0,
				  "missing key %s, required by rotational = true "
				  "(accepted: %s)",
				  dev_keys[k].name, dev_keys[k].accepted);
		if (!cfg->rotational && p->key_line[k] && p->key_line[DEV_KEY_ROTATIONAL])
			dev_error(p, p->key_line[k],
				  "%s = %s: only for a rotational device (accepted: rotational = "
				  "true, or no %s)",
				  dev_keys[k].name, p->key_value[k], dev_keys[k].name);
	}
	if (cfg->rotational && p->key_line[DEV_KEY_SEEK_MIN] && p->key_line[DEV_KEY_SEEK_MAX] &&
	    cfg->seek_max_s < cfg->seek_min_s)
		dev_error(p, p->key_line[DEV_KEY_SEEK_MAX],
			  "seek_max = %s: less than seek_min = %s (accepted: %s)",
			  p->key_value[DEV_KEY_SEEK_MAX], p->key_value[DEV_KEY_SEEK_MIN],
			  dev_keys[DEV_KEY_SEEK_MAX].accepted);
}

int xs_device_cfg_load(const char *path, struct xs_device_cfg *cfg, char *err, size_t errlen)
{
	struct xs_dev_parse p;
	const char *base, *dot;
	struct xs_textfile tf;
	char text[XS_DEV_MAX_LINE];
	size_t n;
	int ret;

	xs_keytab_check(dev_keys, DEV_KEY_NR);
	memset(cfg, 0, sizeof(*cfg));
	memset(&p, 0, sizeof(p));
	p.path = path;
	p.cfg = cfg;
	p.err = err;
	p.errlen = errlen;
	ret = xs_ini_read(path, &tf, err, errlen);
	if (ret)
		return ret;
	ret = xs_ini_parse(&tf, &dev_ini, &p);
	/* The handler never fails, so a positive return is inih's syntax error line. */
	if (ret > 0 && (!p.error_rank || ret < p.error_rank)) {
		xs_ini_line_text(&tf, ret, text, sizeof(text));
		dev_error(&p, ret,
			  "%s: syntax error (accepted: key = value, [device], "
			  "; or # comments)",
			  text);
	} else if (ret < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		xs_textfile_free(&tf);
		return -ENOMEM;
	}
	xs_textfile_free(&tf);
	if (!p.error_rank)
		dev_check_keys(&p);
	if (p.error_rank)
		return -EINVAL;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	n = dot && !strcmp(dot, ".ini") ? (size_t)(dot - base) : strlen(base);
	if (n >= sizeof(cfg->name))
		n = sizeof(cfg->name) - 1;
	memcpy(cfg->name, base, n);
	cfg->name[n] = '\0';
	return 0;
}
