/*
 * Device files (configs/devices/NAME.ini): the block device's timing parameters, read
 * and validated before a run starts. The timing model that uses them is
 * actors/device.c. Every key, its type and its bounds are in one table below, as the
 * error messages quote it.
 */
#include "config/device_file.h"

#include "core/xs_types.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
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

enum xs_dev_kind { DEV_BW, DEV_DIST, DEV_U32, DEV_SIZE, DEV_BOOL, DEV_TIME, DEV_DOUBLE };

#define XS_DEV_DIST_ACCEPTED                                                                      \
	"const(T), uniform(A, B), exp(MEAN), normal(MEAN, SD), lognormal(MEAN, CV), gamma(MEAN, " \
	"CV); times in ns/us/ms/s"

/* Every key, its type and bounds: one table, as the error messages quote it. */
static const struct xs_dev_keydef {
	const char *name;
	enum xs_dev_kind kind;
	double min, max; /* bounds of the value (seconds, bytes, bytes/s, count) */
	bool required;	 /* for every device; seek_min, seek_max, rpm: rotational only */
	const char *accepted;
} dev_keys[DEV_KEY_NR] = {
	[DEV_KEY_READ_BW] = {"read_bw", DEV_BW, 1024.0, 1099511627776.0, true,
			     "1k..1t bytes/s; suffixes k/m/g/t multiply by 1024"},
	[DEV_KEY_WRITE_BW] = {"write_bw", DEV_BW, 1024.0, 1099511627776.0, true,
			      "1k..1t bytes/s; suffixes k/m/g/t multiply by 1024"},
	[DEV_KEY_LATENCY] = {"latency", DEV_DIST, 0, 0, true, XS_DEV_DIST_ACCEPTED},
	[DEV_KEY_QUEUE_DEPTH] = {"queue_depth", DEV_U32, 1, 65536, true, "1..65536"},
	[DEV_KEY_MAX_IO] = {"max_io", DEV_SIZE, 512.0, 1073741824.0, true,
			    "512..1g bytes, a multiple of 512"},
	[DEV_KEY_ROTATIONAL] = {"rotational", DEV_BOOL, 0, 0, true, "true, false"},
	[DEV_KEY_SEEK_MIN] = {"seek_min", DEV_TIME, 0, 1, false, "0..1s, ns/us/ms/s suffix"},
	[DEV_KEY_SEEK_MAX] = {"seek_max", DEV_TIME, 0, 1, false, "seek_min..1s, ns/us/ms/s suffix"},
	[DEV_KEY_RPM] = {"rpm", DEV_DOUBLE, 1000, 30000, false, "1000..30000"},
	[DEV_KEY_CAPACITY] = {"capacity", DEV_SIZE, 1048576.0, 1125899906842624.0, true,
			      "1m..1024t bytes, a multiple of 512"},
	[DEV_KEY_FLUSH] = {"flush", DEV_DIST, 0, 0, true, XS_DEV_DIST_ACCEPTED},
};

#define XS_DEV_MAX_LINE 200 /* inih's INI_MAX_LINE: longer lines are refused */

struct xs_dev_parse {
	const char *path;
	FILE *f;
	struct xs_device_cfg *cfg;
	char *err;
	size_t errlen;
	int line;	/* physical line being parsed, from 1 */
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
	int n;

	if (p->error_rank && p->error_rank <= rank)
		return;
	p->error_rank = rank;
	if (line)
		n = snprintf(p->err, p->errlen, "%s:%d: ", p->path, line);
	else
		n = snprintf(p->err, p->errlen, "%s: ", p->path);
	if (n < 0 || (size_t)n >= p->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

/*
 * inih's reader, counting physical lines so that the handler knows where it is (this
 * libinih is built without INI_HANDLER_LINENO). A line too long for inih's buffer is an
 * error, and its remainder is skipped so that the count stays right.
 */
static char *dev_reader(char *str, int num, void *stream)
{
	struct xs_dev_parse *p = stream;
	char rest[XS_DEV_MAX_LINE];
	size_t n;

	if (!fgets(str, num, p->f))
		return NULL;
	p->line++;
	n = strlen(str);
	if (n > 0 && str[n - 1] != '\n' && !feof(p->f)) {
		dev_error(p, p->line, "line too long (accepted: at most %d characters)",
			  XS_DEV_MAX_LINE - 2);
		while (fgets(rest, sizeof(rest), p->f)) {
			n = strlen(rest);
			if (n > 0 && rest[n - 1] == '\n')
				break;
		}
	}
	return str;
}

/*
 * Parse an unsigned size with an optional k/m/g/t/p suffix (powers of 1024, as xfs_io
 * and the scenario files). Returns 0 or -EINVAL (syntax, overflow).
 */
static int dev_parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	switch (*end) {
	case '\0':
		break;
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	case 't':
	case 'T':
		shift = 40;
		break;
	case 'p':
	case 'P':
		shift = 50;
		break;
	default:
		return -EINVAL;
	}
	if (*end && end[1])
		return -EINVAL;
	if (shift && v > (UINT64_MAX >> shift))
		return -EINVAL;
	*out = (uint64_t)v << shift;
	return 0;
}

/* A rate in bytes/s: a decimal number with an optional k/m/g/t suffix (x1024). */
static int dev_parse_rate(const char *s, double *out)
{
	double v, mul = 1;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	v = strtod(s, &end);
	switch (*end) {
	case '\0':
		break;
	case 'k':
	case 'K':
		mul = 1024.0;
		break;
	case 'm':
	case 'M':
		mul = 1048576.0;
		break;
	case 'g':
	case 'G':
		mul = 1073741824.0;
		break;
	case 't':
	case 'T':
		mul = 1099511627776.0;
		break;
	default:
		return -EINVAL;
	}
	if (*end && end[1])
		return -EINVAL;
	if (!isfinite(v))
		return -EINVAL;
	*out = v * mul;
	return 0;
}

static int dev_parse_number(const char *s, double *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	*out = strtod(s, &end);
	return *end || !isfinite(*out) ? -EINVAL : 0;
}

/* Store one key's value in cfg; on a bad value record the error. */
static void dev_set(struct xs_dev_parse *p, enum xs_dev_key k, const char *value)
{
	const struct xs_dev_keydef *def = &dev_keys[k];
	struct xs_device_cfg *cfg = p->cfg;
	char why[128];
	struct xs_dist dist;
	uint64_t size = 0;
	double v = 0;

	switch (def->kind) {
	case DEV_DIST:
		why[0] = '\0';
		if (xs_dist_parse(value, &dist, why, sizeof(why))) {
			dev_error(p, p->line, "%s = %s: %s (accepted: %s)", def->name, value,
				  why[0] ? why : "not a distribution", def->accepted);
			return;
		}
		if (k == DEV_KEY_LATENCY)
			cfg->latency = dist;
		else
			cfg->flush = dist;
		return;
	case DEV_BOOL:
		if (!strcmp(value, "true")) {
			cfg->rotational = true;
		} else if (!strcmp(value, "false")) {
			cfg->rotational = false;
		} else {
			dev_error(p, p->line, "%s = %s: not a boolean (accepted: %s)", def->name,
				  value, def->accepted);
		}
		return;
	case DEV_BW:
		if (dev_parse_rate(value, &v)) {
			dev_error(p, p->line, "%s = %s: not a rate (accepted: %s)", def->name,
				  value, def->accepted);
			return;
		}
		break;
	case DEV_U32:
	case DEV_SIZE:
		if (dev_parse_size(value, &size) ||
		    (def->kind == DEV_U32 && value[strspn(value, "0123456789")])) {
			dev_error(p, p->line, "%s = %s: not %s (accepted: %s)", def->name, value,
				  def->kind == DEV_U32 ? "a whole number" : "a size",
				  def->accepted);
			return;
		}
		v = (double)size;
		break;
	case DEV_TIME:
		if (xs_time_parse(value, &v)) {
			dev_error(p, p->line, "%s = %s: not a time (accepted: %s)", def->name,
				  value, def->accepted);
			return;
		}
		break;
	case DEV_DOUBLE:
		if (dev_parse_number(value, &v)) {
			dev_error(p, p->line, "%s = %s: not a number (accepted: %s)", def->name,
				  value, def->accepted);
			return;
		}
		break;
	}
	if (v < def->min) {
		if (def->kind == DEV_U32)
			dev_error(p, p->line, "%s = %s: must be at least %.0f (accepted: %s)",
				  def->name, value, def->min, def->accepted);
		else
			dev_error(p, p->line, "%s = %s: too small (accepted: %s)", def->name, value,
				  def->accepted);
		return;
	}
	if (v > def->max) {
		dev_error(p, p->line, "%s = %s: too large (accepted: %s)", def->name, value,
			  def->accepted);
		return;
	}
	if (def->kind == DEV_SIZE && size % 512) {
		dev_error(p, p->line, "%s = %s: not a multiple of 512 (accepted: %s)", def->name,
			  value, def->accepted);
		return;
	}
	switch (k) {
	case DEV_KEY_READ_BW:
		cfg->read_bw_Bps = v;
		break;
	case DEV_KEY_WRITE_BW:
		cfg->write_bw_Bps = v;
		break;
	case DEV_KEY_QUEUE_DEPTH:
		cfg->queue_depth = (uint32_t)size;
		break;
	case DEV_KEY_MAX_IO:
		cfg->max_io_bytes = size;
		break;
	case DEV_KEY_SEEK_MIN:
		cfg->seek_min_s = v;
		break;
	case DEV_KEY_SEEK_MAX:
		cfg->seek_max_s = v;
		break;
	case DEV_KEY_RPM:
		cfg->rpm = v;
		break;
	case DEV_KEY_CAPACITY:
		cfg->capacity_bytes = size;
		break;
	default:
		XS_ASSERT(!"every key has a field");
	}
}

static int dev_handler(void *user, const char *section, const char *name, const char *value)
{
	struct xs_dev_parse *p = user;
	int k;

	if (section[0] && strcmp(section, "device")) {
		dev_error(p, p->line, "%s = %s: in unknown section [%s] (accepted: [device])", name,
			  value, section);
		return 1;
	}
	for (k = 0; k < DEV_KEY_NR; k++)
		if (!strcmp(name, dev_keys[k].name))
			break;
	if (k == DEV_KEY_NR) {
		dev_error(p, p->line,
			  "%s = %s: unknown key (accepted: read_bw, write_bw, latency, "
			  "queue_depth, max_io, rotational, seek_min, seek_max, rpm, capacity, "
			  "flush)",
			  name, value);
		return 1;
	}
	if (p->key_line[k]) {
		dev_error(p, p->line, "%s = %s: duplicate key (accepted: once; first at line %d)",
			  name, value, p->key_line[k]);
		return 1;
	}
	p->key_line[k] = p->line;
	snprintf(p->key_value[k], sizeof(p->key_value[k]), "%s", value);
	dev_set(p, (enum xs_dev_key)k, value);
	return 1;
}

/* Copy physical line n of path (without its newline) into buf; "" if absent. */
static void dev_read_line(const char *path, int n, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int line = 1, c;
	size_t i = 0;

	buf[0] = '\0';
	if (!f)
		return;
	while ((c = getc(f)) != EOF) {
		if (c == '\n') {
			if (line++ == n)
				break;
			continue;
		}
		if (line == n && c != '\r' && i + 1 < len)
			buf[i++] = (char)c;
	}
	buf[i] = '\0';
	fclose(f);
}

/* Checks that involve several keys, once the whole file is read. */
static void dev_check_keys(struct xs_dev_parse *p)
{
	const struct xs_device_cfg *cfg = p->cfg;
	static const enum xs_dev_key mech[] = {DEV_KEY_SEEK_MIN, DEV_KEY_SEEK_MAX, DEV_KEY_RPM};
	size_t i;
	int k;

	for (k = 0; k < DEV_KEY_NR; k++) {
		if (p->key_line[k] || !dev_keys[k].required)
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
	char text[XS_DEV_MAX_LINE];
	size_t n;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	memset(&p, 0, sizeof(p));
	p.path = path;
	p.cfg = cfg;
	p.err = err;
	p.errlen = errlen;
	p.f = fopen(path, "r");
	if (!p.f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	ret = ini_parse_stream(dev_reader, &p, dev_handler, &p);
	fclose(p.f);
	/* The handler never fails, so a positive return is inih's syntax error line. */
	if (ret > 0 && (!p.error_rank || ret < p.error_rank)) {
		dev_read_line(path, ret, text, sizeof(text));
		dev_error(&p, ret,
			  "%s: syntax error (accepted: key = value, [device], "
			  "; or # comments)",
			  text);
	} else if (ret < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		return -ENOMEM;
	}
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
