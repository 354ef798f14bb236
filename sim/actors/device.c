/*
 * The block device's timing model (device.h): what a write submitted by writeback,
 * a read, or a cache flush for fsync costs in simulated time. It models the device
 * below the Linux block layer (block/blk-merge.c splitting and back-merging, one
 * hardware queue) with the figures of configs/devices/NAME.ini.
 *
 * Requests and their states (struct xs_dev_req):
 *
 *   caller ──dev_submit──> QUEUED ──dev_worker pops──> IN SERVICE ──dev_complete──> done
 *                           │  ^
 *                           └──┘ dev_submit back-merges a contiguous request of the same op
 *
 * Callers (any actor) block in xs_device_write/read/flush until every request holding a
 * piece of their I/O is done. Up to queue_depth worker actors (spawned on demand,
 * daemonized so that they never keep a simulation alive) take QUEUED requests in FIFO
 * order from one queue; the semaphore "queued" counts the QUEUED requests, so the
 * queue depth is the number of workers.
 *
 * Service time of a request:
 *   - latency sample (per request; excludes the transfer), then the transfer through
 *     sg_disk_write/sg_disk_read, which shares the disk's bandwidth with the other
 *     transfers in flight as SimGrid's disk model does;
 *   - rotational devices: the worker holds the arm (sg_mutex "arm") for latency + seek +
 *     rotation + transfer, so the mechanics serve one request at a time whatever
 *     queue_depth says. For a move of d bytes from the head (the end of the last request
 *     serviced): seek = seek_min + (seek_max - seek_min) * sqrt(d / capacity), plus a
 *     rotational delay uniform on [0, 60/rpm); d == 0 (a sequential stream) costs neither;
 *   - flush: a queued command like the others (FIFO, takes a slot, holds the arm of a
 *     rotational device); it costs one sample of the flush distribution and no latency.
 *
 * Splitting and merging (the block layer's bio split at max_sectors and its back-merge
 * of a request into the last one queued, simplified):
 *   - a call for len bytes becomes ceil(len / max_io) requests of at most max_io bytes,
 *     all QUEUED at once, so their service overlaps up to queue_depth;
 *   - before that, if the newest QUEUED request (the queue's tail: queued, not started)
 *     has the same op and ends exactly where the new call starts, as many bytes as fit
 *     below max_io are added to it instead. A request that a worker has started never
 *     grows. This is what turns back-to-back contiguous writes from several writeback
 *     actors into one large request when the device is busy.
 *
 * Simplification: FIFO service, no NCQ or elevator reordering, no front merges.
 * Simplification: one latency distribution for reads and writes.
 * Simplification: no volatile write cache: a write is done when its transfer is; the
 *   cost of emptying a cache is the flush distribution, independent of what was written.
 * Simplification: on a rotational device with queue_depth > 1, a request a worker has
 *   taken while waiting for the arm is no longer mergeable.
 * Simplification: one zone: the sustained bandwidth is the same over the whole disk.
 *
 * Lock order: a worker takes only the arm; no other SimGrid lock is held across calls.
 * All queue manipulation happens between simcalls of one actor, which SimGrid's
 * cooperative scheduling makes atomic.
 */
#include "actors/device.h"

#include "actors/sched.h"

#include <simgrid/actor.h>
#include <simgrid/disk.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/mutex.h>
#include <simgrid/semaphore.h>
#include <xbt/asserts.h>

#include <errno.h>
#include <gsl/gsl_rng.h>
#include <limits.h>
#include <ini.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- configuration ---- */

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
		xbt_assert(0, "key %d has no field", (int)k);
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

int xs_device_write_platform(const struct xs_device_cfg *cfg, const char *path)
{
	FILE *f = fopen(path, "w");
	int ret = 0;

	if (!f)
		return -errno;
	if (fprintf(f,
		    "<?xml version='1.0'?>\n"
		    "<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
		    "<!-- wpsim device %s -->\n"
		    "<platform version=\"4.1\">\n"
		    "  <zone id=\"world\" routing=\"Full\">\n"
		    "    <host id=\"node\" speed=\"1Gf\" core=\"1\">\n"
		    "      <disk id=\"disk\" read_bw=\"%.17gBps\" write_bw=\"%.17gBps\"/>\n"
		    "    </host>\n"
		    "  </zone>\n"
		    "</platform>\n",
		    cfg->name[0] ? cfg->name : "unnamed", cfg->read_bw_Bps, cfg->write_bw_Bps) < 0)
		ret = -EIO;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

/* ---- the device ---- */

enum xs_dev_op { XS_DEV_READ = 0, XS_DEV_WRITE, XS_DEV_FLUSH };

/* One blocking call: released once for each request that carries a piece of it. */
struct xs_dev_io {
	sg_sem_t done;
	unsigned int pieces;
};

/* A caller's share of a request; freed when the request completes. */
struct xs_dev_waiter {
	struct xs_dev_io *io;
	struct xs_dev_waiter *next;
};

struct xs_dev_req {
	enum xs_dev_op op;
	uint64_t off_bytes;
	uint64_t len_bytes;
	struct xs_dev_waiter *waiters;
	struct xs_dev_req *next;
};

struct xs_device {
	struct xs_device_cfg cfg;
	sg_disk_t disk;
	sg_host_t host;
	gsl_rng *rng;			  /* owned */
	sg_sem_t queued;		  /* counts QUEUED requests; workers wait on it */
	sg_mutex_t arm;			  /* rotational: the head assembly */
	struct xs_dev_req *qhead, *qtail; /* FIFO of QUEUED requests */
	uint32_t nqueued;
	uint32_t nworkers;   /* spawned so far, <= queue_depth */
	uint32_t nbusy;	     /* workers between pop and completion */
	uint32_t nservice;   /* requests in service (after the arm, if any) */
	uint64_t head_bytes; /* rotational: where the head is */
	double busy_since_s; /* when nservice last went from 0 to 1 */
	uint64_t merges;     /* back-merges, for xs_dev_check */
	struct xs_device_stats st;
	bool sched;			/* actors keep park records (sched.h) */
	struct xs_dev_worker **workers; /* nworkers */
};

/* A queue slot's actor data: its park record first (sched.h). */
struct xs_dev_worker {
	struct xs_park park;
	struct xs_device *dev;
};

/* sched.h bookkeeping around a blocking call, when the run keeps it */
static void dev_park(const struct xs_device *dev, const void *chan, double wake_at)
{
	if (dev->sched)
		xs_park(xs_park_self(), chan, wake_at);
}

static void dev_unpark(const struct xs_device *dev)
{
	if (dev->sched)
		xs_unpark(xs_park_self());
}

static void dev_wake_one(const struct xs_device *dev, const void *chan)
{
	if (dev->sched)
		xs_wake_one(chan);
}

/* Recount the queue from scratch against the counters. */
static void xs_dev_check(const struct xs_device *dev)
{
	const struct xs_dev_req *r;
	uint32_t n = 0;

	for (r = dev->qhead; r; r = r->next) {
		n++;
		xbt_assert(r->len_bytes > 0 || r->op == XS_DEV_FLUSH, "empty request in queue");
		xbt_assert(r->len_bytes <= dev->cfg.max_io_bytes, "request over max_io");
		xbt_assert(r->waiters, "request without waiter");
		xbt_assert(r->next || r == dev->qtail, "queue tail is not the last request");
	}
	xbt_assert(n == dev->nqueued, "queue holds %u requests, counter says %u", n, dev->nqueued);
	xbt_assert(dev->nbusy <= dev->nworkers && dev->nworkers <= dev->cfg.queue_depth,
		   "busy %u, workers %u, queue depth %u", dev->nbusy, dev->nworkers,
		   dev->cfg.queue_depth);
	xbt_assert(dev->nservice <= dev->nbusy, "%u in service, %u busy", dev->nservice,
		   dev->nbusy);
}

static double dev_seek_s(const struct xs_device *dev, uint64_t dist_bytes)
{
	const struct xs_device_cfg *c = &dev->cfg;
	double frac = (double)dist_bytes / (double)c->capacity_bytes;

	if (dist_bytes == 0)
		return 0;
	if (frac > 1)
		frac = 1;
	return c->seek_min_s + (c->seek_max_s - c->seek_min_s) * sqrt(frac);
}

static void dev_complete(struct xs_device *dev, struct xs_dev_req *req)
{
	struct xs_dev_waiter *w, *next;
	struct xs_dev_io *io;

	if (req->op != XS_DEV_FLUSH) {
		dev->st.requests++;
		dev->st.bytes += req->len_bytes;
	}
	if (--dev->nservice == 0)
		dev->st.busy_s += simgrid_get_clock() - dev->busy_since_s;
	dev->nbusy--;
	/* A caller may return (and its io go away) as soon as it is released. */
	for (w = req->waiters; w; w = next) {
		next = w->next;
		io = w->io;
		free(w);
		dev_wake_one(dev, io->done);
		sg_sem_release(io->done);
	}
	free(req);
}

static void dev_service(struct xs_device *dev, struct xs_dev_req *req)
{
	const struct xs_device_cfg *c = &dev->cfg;
	double t_s;
	uint64_t dist;

	if (dev->nservice++ == 0)
		dev->busy_since_s = simgrid_get_clock();
	if (req->op == XS_DEV_FLUSH) {
		t_s = xs_dist_sample(&c->flush, dev->rng);
	} else {
		t_s = xs_dist_sample(&c->latency, dev->rng);
		if (c->rotational) {
			dist = req->off_bytes > dev->head_bytes ? req->off_bytes - dev->head_bytes
								: dev->head_bytes - req->off_bytes;
			if (dist)
				t_s += dev_seek_s(dev, dist) +
				       gsl_rng_uniform(dev->rng) * 60.0 / c->rpm;
			dev->head_bytes = req->off_bytes + req->len_bytes;
		}
	}
	if (t_s > 0) {
		dev_park(dev, NULL, simgrid_get_clock() + t_s);
		sg_actor_sleep_for(t_s);
		dev_unpark(dev);
	}
	if (req->op == XS_DEV_FLUSH)
		return;
	/* the transfer takes at least len / bandwidth (more when shared) */
	dev_park(dev, NULL,
		 simgrid_get_clock() +
			 (double)req->len_bytes /
				 (req->op == XS_DEV_WRITE ? c->write_bw_Bps : c->read_bw_Bps) *
				 (1 - 1e-9));
	if (req->op == XS_DEV_WRITE)
		sg_disk_write(dev->disk, req->len_bytes);
	else
		sg_disk_read(dev->disk, req->len_bytes);
	dev_unpark(dev);
}

/* One queue slot: take the oldest QUEUED request, serve it, wake its callers. */
static void dev_worker(int argc, char **argv)
{
	struct xs_dev_worker *self = sg_actor_self_get_data();
	struct xs_device *dev = self->dev;
	struct xs_dev_req *req;

	(void)argc;
	(void)argv;
	for (;;) {
		bool block = sg_sem_would_block(dev->queued);

		if (block)
			dev_park(dev, dev->queued, INFINITY);
		sg_sem_acquire(dev->queued);
		if (block)
			dev_unpark(dev);
		req = dev->qhead;
		xbt_assert(req, "worker woken with an empty queue");
		dev->qhead = req->next;
		if (!dev->qhead)
			dev->qtail = NULL;
		dev->nqueued--;
		dev->nbusy++;
		if (dev->cfg.rotational && !sg_mutex_try_lock(dev->arm)) {
			dev_park(dev, dev->arm, INFINITY);
			sg_mutex_lock(dev->arm);
			dev_unpark(dev);
		}
		dev_service(dev, req);
		if (dev->cfg.rotational) {
			dev_wake_one(dev, dev->arm);
			sg_mutex_unlock(dev->arm);
		}
		dev_complete(dev, req);
	}
}

/*
 * Workers are spawned when QUEUED requests outnumber idle workers, up to queue_depth.
 * Creating an actor is a simcall, during which other callers run (and may spawn workers
 * of their own): count the new workers before creating them, and create only those.
 */
static void dev_spawn_workers(struct xs_device *dev)
{
	uint32_t first = dev->nworkers, last, i;
	char name[96];
	sg_actor_t a;

	while (dev->nqueued > dev->nworkers - dev->nbusy && dev->nworkers < dev->cfg.queue_depth)
		dev->nworkers++;
	last = dev->nworkers;
	dev->workers = realloc(dev->workers, last * sizeof(*dev->workers));
	xbt_assert(dev->workers, "out of memory");
	for (i = first; i < last; i++) {
		struct xs_dev_worker *w = calloc(1, sizeof(*w));

		xbt_assert(w, "out of memory");
		w->dev = dev;
		if (dev->sched)
			xs_park_register(&w->park);
		dev->workers[i] = w;
		snprintf(name, sizeof(name), "dev-%s-%u", dev->cfg.name, i);
		a = sg_actor_init(name, dev->host);
		sg_actor_set_data(a, w);
		sg_actor_start(a, dev_worker, 0, NULL);
		sg_actor_daemonize(a);
	}
}

static void dev_add_waiter(struct xs_dev_req *req, struct xs_dev_io *io)
{
	struct xs_dev_waiter *w = malloc(sizeof(*w));

	xbt_assert(w, "out of memory");
	w->io = io;
	w->next = req->waiters;
	req->waiters = w;
	io->pieces++;
}

/* Queue a call's requests (merging, splitting), then wait until all of them are done. */
static void dev_submit(struct xs_device *dev, enum xs_dev_op op, uint64_t off, uint64_t len)
{
	struct xs_dev_io io = {sg_sem_init(0), 0};
	struct xs_dev_req *tail = dev->qtail, *req;
	uint64_t max_io = dev->cfg.max_io_bytes, n;
	uint32_t fresh = 0;
	unsigned int i;

	if (dev->sched)
		xs_sched_sync(); /* the request is made where the caller is */
	if (op != XS_DEV_FLUSH && tail && tail->op == op &&
	    tail->off_bytes + tail->len_bytes == off && tail->len_bytes < max_io) {
		n = max_io - tail->len_bytes < len ? max_io - tail->len_bytes : len;
		tail->len_bytes += n;
		dev_add_waiter(tail, &io);
		dev->merges++;
		off += n;
		len -= n;
	}
	while (len > 0 || (op == XS_DEV_FLUSH && fresh == 0)) {
		n = len < max_io ? len : max_io;
		req = calloc(1, sizeof(*req));
		xbt_assert(req, "out of memory");
		req->op = op;
		req->off_bytes = off;
		req->len_bytes = n;
		dev_add_waiter(req, &io);
		if (dev->qtail)
			dev->qtail->next = req;
		else
			dev->qhead = req;
		dev->qtail = req;
		dev->nqueued++;
		fresh++;
		off += n;
		len -= n;
	}
	dev_spawn_workers(dev);
	for (i = 0; i < fresh; i++) {
		dev_wake_one(dev, dev->queued);
		sg_sem_release(dev->queued);
	}
	for (i = 0; i < io.pieces; i++) {
		bool block = sg_sem_would_block(io.done);

		if (block)
			dev_park(dev, io.done, INFINITY);
		sg_sem_acquire(io.done);
		if (block)
			dev_unpark(dev);
	}
	sg_sem_destroy(io.done);
}

/*
 * Create a device serving disk (a disk of the platform written by
 * xs_device_write_platform) with a copy of cfg. The device owns rng from here on and
 * frees it in xs_device_destroy. Callable before simgrid_run() or from an actor.
 */
struct xs_device *xs_device_create(const struct xs_device_cfg *cfg, sg_disk_t disk, gsl_rng *rng)
{
	struct xs_device *dev = calloc(1, sizeof(*dev));

	xbt_assert(dev, "out of memory");
	xbt_assert(cfg->queue_depth >= 1 && cfg->max_io_bytes >= 512, "unvalidated device config");
	dev->cfg = *cfg;
	dev->disk = disk;
	dev->host = sg_disk_get_host(disk);
	dev->rng = rng;
	dev->queued = sg_sem_init(0);
	if (cfg->rotational)
		dev->arm = sg_mutex_init();
	return dev;
}

void xs_device_use_sched(struct xs_device *dev)
{
	dev->sched = true;
}

/*
 * Free the device. Call it after simgrid_run() has returned (the workers are daemons,
 * killed when the last other actor ends), with no I/O in flight.
 */
void xs_device_destroy(struct xs_device *dev)
{
	if (!dev)
		return;
	xs_dev_check(dev);
	xbt_assert(!dev->qhead && dev->nbusy == 0, "device destroyed with I/O in flight");
	sg_sem_destroy(dev->queued);
	if (dev->arm)
		sg_mutex_destroy(dev->arm);
	while (dev->nworkers)
		free(dev->workers[--dev->nworkers]);
	free(dev->workers);
	gsl_rng_free(dev->rng);
	free(dev);
}

/*
 * Write len_bytes at byte_off and return when the device has transferred them
 * (simulated time passes in the calling actor). len_bytes == 0 returns at once.
 */
void xs_device_write(struct xs_device *dev, uint64_t byte_off, uint64_t len_bytes)
{
	if (len_bytes)
		dev_submit(dev, XS_DEV_WRITE, byte_off, len_bytes);
}

/* Read len_bytes at byte_off, as xs_device_write. */
void xs_device_read(struct xs_device *dev, uint64_t byte_off, uint64_t len_bytes)
{
	if (len_bytes)
		dev_submit(dev, XS_DEV_READ, byte_off, len_bytes);
}

/* A cache flush, queued behind the requests already submitted (FIFO). */
void xs_device_flush(struct xs_device *dev)
{
	dev_submit(dev, XS_DEV_FLUSH, 0, 0);
}

/*
 * requests and bytes count data requests as the device served them (after splitting
 * and merging; flushes excluded); busy_s is the simulated time during which at least
 * one request (flushes included) was in service.
 */
void xs_device_get_stats(const struct xs_device *dev, struct xs_device_stats *st)
{
	*st = dev->st;
	if (dev->nservice)
		st->busy_s += simgrid_get_clock() - dev->busy_since_s;
}
