/*
 * Scenario loading (scenario.h, DESIGN.md §4-5): one typed table of keys, xs_keys[],
 * drives parsing, bounds, defaults, the "(accepted: ...)" text of every error and the
 * param listing, in the manner of Redis' config.c.
 *
 * Loading is two passes:
 *   1. libinih reads the file; every key is looked up in the table and its value
 *      parsed and range-checked on the spot, so errors come in file order. The
 *      overrides (-s) follow, as if they were the last lines of the file.
 *   2. resolve(): defaults, the kernel preset under the explicit policy keys, and the
 *      checks that involve more than one key (file_size <= fs_size, a faulter inside
 *      the file, ...). These quote the line of the key at fault, or the section's
 *      header line when the key took its default.
 *
 * Line numbers: the Debian libinih is built without INI_HANDLER_LINENO, so the file
 * is fed to ini_parse_stream() through a reader that counts lines; inih calls the
 * handler for a line before it reads the next one, so the count is the handler's
 * line. The reader also strips leading blanks (an indented line is an ordinary line
 * here, never inih's multi-line continuation of the previous value), records each
 * [section] header (inih reports a section only with its first key, and an empty or
 * repeated section must still be seen), and refuses lines longer than inih's buffer
 * rather than let inih parse the tail as a line of its own.
 *
 * Defaults of the [cpu] section, the simulated CPU cost of each kernel step, are
 * plausible figures for a current server core (a syscall entry/exit ~300 ns, a 4 KiB
 * copy ~600 ns at ~7 GB/s, a minor write fault ~1 us); copy_4k is scaled by
 * bytes / 4096 by the caller. Each is lognormal around that mean, CV 0.2-0.3.
 */
#include "config/scenario.h"

#include "config/ini.h"

#include "config/device_file.h"

#include <dirent.h>
#include <errno.h>
#include <ini.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define TiB (1ULL << 40)

#define XS_VAL_MAX     256		 /* longest value text kept for messages */
#define XS_ACC_MAX     512		 /* longest "(accepted: ...)" text */
#define XS_DEVICES_DIR "configs/devices" /* when the caller passes NULL */

/* Section types. The first XS_NSPECIAL have fixed names; any other name is an actor. */
enum xs_scn_sec {
	SEC_GLOBAL = 0,
	SEC_WRITEBACK,
	SEC_RECLAIM,
	SEC_BLOCKGC,
	SEC_CPU,
	SEC_ACTOR,
};

#define XS_NSPECIAL 5
static const char *const xs_sec_names[XS_NSPECIAL] = {"global", "writeback", "reclaim", "blockgc",
						      "cpu"};

enum xs_key_type {
	KT_ENUM,  /* one of vals[] */
	KT_SIZE,  /* bytes, k/m/g/t suffixes (powers of 1024), umin..umax */
	KT_COUNT, /* whole number, no suffix, umin..umax */
	KT_REAL,  /* decimal number, dmin..dmax */
	KT_TIME,  /* seconds, ns/us/ms/s suffixes, > or >= dmin */
	KT_DIST,  /* a distribution (dist.h) */
	KT_NAME,  /* a file name: letters, digits, '_', '-', '.'; not starting with '.' */
};

/* Which struct a key lives in: the scenario, the explicit policy keys, or its group. */
enum xs_key_base { KB_SCN, KB_POLICY, KB_GROUP };

/* How the value is stored. */
enum xs_key_store { KS_INT, KS_BOOL, KS_U32, KS_U64, KS_DOUBLE, KS_DIST, KS_STR };

struct xs_key_val {
	const char *name;
	int value;
};

struct xs_key {
	enum xs_scn_sec sec;
	const char *name;
	enum xs_key_type type;
	enum xs_key_base base;
	enum xs_key_store store;
	size_t off, len; /* of the field in its base struct */
	const struct xs_key_val *vals;
	uint64_t umin, umax;
	double dmin, dmax;
	bool dmin_open;	 /* KT_TIME: > dmin rather than >= dmin */
	unsigned kinds;	 /* actor keys: 1 << kind for each kind that takes the key */
	const char *def; /* default, parsed like a value; NULL: resolved in code */
};

#define KIND(k)	  (1u << (k))
#define KINDS_ALL 0x1fu

#define XS_FIELD(type, field, st) \
	.store = (st), .off = offsetof(type, field), .len = sizeof(((type *)0)->field)
#define SCN(f, st) .base = KB_SCN, XS_FIELD(struct xs_scenario, f, st)
#define POL(f, st) .base = KB_POLICY, XS_FIELD(struct xs_policy, f, st)
#define GRP(f, st) .base = KB_GROUP, XS_FIELD(struct xs_actor_group, f, st)
#define KEY(s, n, t, ...)                                         \
	{                                                         \
		.sec = (s), .name = (n), .type = (t), __VA_ARGS__ \
	}
#define CPU(f, d) KEY(SEC_CPU, #f, KT_DIST, SCN(cpu.f, KS_DIST), .def = (d))

static const struct xs_key_val kernel_vals[] = {
	{"6.1", 0}, {"6.2", 0}, {"6.6", 0}, {"6.13", 0}, {NULL, 0}};
static const struct xs_key_val punch_vals[] = {{"truncate-punch", XS_PUNCH_TRUNCATE},
					       {"locked-truncate-punch", XS_PUNCH_LOCKED_TRUNCATE},
					       {"punch-clean", XS_PUNCH_CLEAN},
					       {"no-punch", XS_PUNCH_NONE},
					       {NULL, 0}};
static const struct xs_key_val fault_end_vals[] = {{"shared", 1}, {"none", 0}, {NULL, 0}};
static const struct xs_key_val validity_vals[] = {{"off", 0}, {"on", 1}, {NULL, 0}};
static const struct xs_key_val dirty_vals[] = {{"folio", 0}, {"block", 1}, {NULL, 0}};
static const struct xs_key_val write_lock_vals[] = {
	{"excl", XS_WRITE_LOCK_EXCL}, {"shared", XS_WRITE_LOCK_SHARED}, {NULL, 0}};
static const struct xs_key_val fault_lock_vals[] = {
	{"invalidate-shared", XS_FAULT_LOCK_INVALIDATE_SHARED},
	{"iolock-excl", XS_FAULT_LOCK_IOLOCK_EXCL},
	{NULL, 0}};
static const struct xs_key_val block_size_vals[] = {
	{"512", 512}, {"1024", 1024}, {"2048", 2048}, {"4096", 4096}, {NULL, 0}};
static const struct xs_key_val prefill_vals[] = {{"none", XS_PREFILL_NONE},
						 {"written", XS_PREFILL_WRITTEN},
						 {"unwritten", XS_PREFILL_UNWRITTEN},
						 {"dirty", XS_PREFILL_DIRTY},
						 {NULL, 0}};
static const struct xs_key_val kind_vals[] = {
	{"writer", XS_ACTOR_WRITER}, {"faulter", XS_ACTOR_FAULTER},
	{"reader", XS_ACTOR_READER}, {"truncator", XS_ACTOR_TRUNCATOR},
	{"syncer", XS_ACTOR_SYNCER}, {NULL, 0}};
static const struct xs_key_val pattern_vals[] = {
	{"seq", XS_PATTERN_SEQ}, {"rand", XS_PATTERN_RAND}, {NULL, 0}};
static const struct xs_key_val prefault_vals[] = {{"read", 1}, {"none", 0}, {NULL, 0}};
static const struct xs_key_val op_vals[] = {{"truncate", XS_TRUNC_TRUNCATE},
					    {"fpunch", XS_TRUNC_FPUNCH},
					    {"fzero", XS_TRUNC_FZERO},
					    {NULL, 0}};
static const struct xs_key_val sync_vals[] = {{"fsync", 0}, {"range", 1}, {NULL, 0}};

/*
 * Every key. Within a section, the order here is the order of the param listing.
 * Policy keys have no default of their own: the kernel preset provides it.
 */
static const struct xs_key xs_keys[] = {
	/* [global] */
	KEY(SEC_GLOBAL, "kernel", KT_ENUM, SCN(kernel, KS_STR), .vals = kernel_vals, .def = "6.13"),
	KEY(SEC_GLOBAL, "punch", KT_ENUM, POL(punch, KS_INT), .vals = punch_vals),
	KEY(SEC_GLOBAL, "fault_end", KT_ENUM, POL(fault_end, KS_BOOL), .vals = fault_end_vals),
	KEY(SEC_GLOBAL, "validity", KT_ENUM, POL(validity, KS_BOOL), .vals = validity_vals),
	KEY(SEC_GLOBAL, "dirty_tracking", KT_ENUM, POL(block_dirty, KS_BOOL), .vals = dirty_vals),
	KEY(SEC_GLOBAL, "write_lock", KT_ENUM, POL(write_lock, KS_INT), .vals = write_lock_vals),
	KEY(SEC_GLOBAL, "fault_lock", KT_ENUM, POL(fault_lock, KS_INT), .vals = fault_lock_vals),
	KEY(SEC_GLOBAL, "fs_size", KT_SIZE, SCN(fs_bytes, KS_U64), .umin = 300 * MiB,
	    .umax = 4 * TiB, .def = "1g"),
	KEY(SEC_GLOBAL, "block_size", KT_ENUM, SCN(block_bytes, KS_U32), .vals = block_size_vals,
	    .def = "4096"),
	KEY(SEC_GLOBAL, "file_size", KT_SIZE, SCN(file_bytes, KS_U64), .umin = 0, .umax = 4 * TiB,
	    .def = "0"),
	KEY(SEC_GLOBAL, "prefill", KT_ENUM, SCN(prefill, KS_INT), .vals = prefill_vals,
	    .def = "none"),
	KEY(SEC_GLOBAL, "device", KT_NAME, SCN(device, KS_STR), .def = "nvme"),
	KEY(SEC_GLOBAL, "memory", KT_SIZE, SCN(memory_bytes, KS_U64), .umin = MiB, .umax = 16 * TiB,
	    .def = "1g"),
	KEY(SEC_GLOBAL, "seed", KT_COUNT, SCN(seed, KS_U64), .umin = 0, .umax = INT64_MAX,
	    .def = "1"),
	KEY(SEC_GLOBAL, "time_limit", KT_TIME, SCN(time_limit_s, KS_DOUBLE), .dmin = 0,
	    .dmin_open = true, .def = "3600"),
	/* [NAME]: one actor group */
	KEY(SEC_ACTOR, "kind", KT_ENUM, GRP(kind, KS_INT), .vals = kind_vals, .kinds = KINDS_ALL),
	KEY(SEC_ACTOR, "jobs", KT_COUNT, GRP(jobs, KS_U32), .umin = 1, .umax = 256,
	    .kinds = KINDS_ALL, .def = "1"),
	KEY(SEC_ACTOR, "offset", KT_SIZE, GRP(offset_bytes, KS_U64), .umin = 0, .umax = 4 * TiB,
	    .kinds = KINDS_ALL, .def = "0"),
	/* size: default file_size - offset */
	KEY(SEC_ACTOR, "size", KT_SIZE, GRP(size_bytes, KS_U64), .umin = 1, .umax = 4 * TiB,
	    .kinds = KINDS_ALL),
	KEY(SEC_ACTOR, "bs", KT_SIZE, GRP(bs_bytes, KS_U64), .umin = 1, .umax = 64 * MiB,
	    .kinds = KINDS_ALL, .def = "4k"),
	/* stride: default bs */
	KEY(SEC_ACTOR, "stride", KT_SIZE, GRP(stride_bytes, KS_U64), .umin = 1, .umax = 4 * TiB,
	    .kinds = KINDS_ALL),
	KEY(SEC_ACTOR, "pattern", KT_ENUM, GRP(pattern, KS_INT), .vals = pattern_vals,
	    .kinds = KINDS_ALL, .def = "seq"),
	KEY(SEC_ACTOR, "ops", KT_COUNT, GRP(ops, KS_U64), .umin = 0, .umax = INT64_MAX,
	    .kinds = KINDS_ALL, .def = "0"),
	KEY(SEC_ACTOR, "think", KT_DIST, GRP(think, KS_DIST), .kinds = KINDS_ALL,
	    .def = "const(0)"),
	KEY(SEC_ACTOR, "fail_rate", KT_REAL, GRP(fail_rate, KS_DOUBLE), .dmin = 0, .dmax = 1,
	    .kinds = KIND(XS_ACTOR_WRITER), .def = "0"),
	KEY(SEC_ACTOR, "prefault", KT_ENUM, GRP(prefault_read, KS_BOOL), .vals = prefault_vals,
	    .kinds = KIND(XS_ACTOR_FAULTER), .def = "none"),
	KEY(SEC_ACTOR, "op", KT_ENUM, GRP(trunc_op, KS_INT), .vals = op_vals,
	    .kinds = KIND(XS_ACTOR_TRUNCATOR), .def = "truncate"),
	KEY(SEC_ACTOR, "sync", KT_ENUM, GRP(sync_range, KS_BOOL), .vals = sync_vals,
	    .kinds = KIND(XS_ACTOR_SYNCER), .def = "fsync"),
	KEY(SEC_ACTOR, "start", KT_TIME, GRP(start_s, KS_DOUBLE), .dmin = 0, .kinds = KINDS_ALL,
	    .def = "0"),
	/* [writeback]: the flusher, as /proc/sys/vm/dirty_* */
	KEY(SEC_WRITEBACK, "interval", KT_TIME, SCN(wb_interval_s, KS_DOUBLE), .dmin = 0,
	    .dmin_open = true, .def = "5s"),
	KEY(SEC_WRITEBACK, "expire", KT_TIME, SCN(wb_expire_s, KS_DOUBLE), .dmin = 0, .def = "30s"),
	KEY(SEC_WRITEBACK, "background_ratio", KT_COUNT, SCN(wb_background_ratio, KS_U32),
	    .umin = 1, .umax = 100, .def = "10"),
	/* dirty_ratio: also >= background_ratio */
	KEY(SEC_WRITEBACK, "dirty_ratio", KT_COUNT, SCN(wb_dirty_ratio, KS_U32), .umin = 1,
	    .umax = 100, .def = "20"),
	/* [reclaim] */
	KEY(SEC_RECLAIM, "interval", KT_TIME, SCN(reclaim_interval_s, KS_DOUBLE), .dmin = 0,
	    .dmin_open = true, .def = "100ms"),
	/* [blockgc]: background trim of post-EOF preallocation */
	KEY(SEC_BLOCKGC, "period", KT_TIME, SCN(blockgc_period_s, KS_DOUBLE), .dmin = 0,
	    .dmin_open = true, .def = "300s"),
	/* [cpu]: simulated CPU time of each kernel step */
	CPU(syscall, "lognormal(300ns, 0.3)"),
	CPU(iomap_begin, "lognormal(400ns, 0.3)"),
	CPU(iomap_end, "lognormal(200ns, 0.3)"),
	CPU(folio, "lognormal(250ns, 0.3)"),
	CPU(copy_4k, "lognormal(600ns, 0.2)"),
	CPU(fault, "lognormal(1us, 0.3)"),
	CPU(page_mkwrite, "lognormal(800ns, 0.3)"),
	CPU(punch, "lognormal(500ns, 0.3)"),
	CPU(wb_folio, "lognormal(500ns, 0.3)"),
	CPU(lock, "lognormal(50ns, 0.3)"),
};

#define XS_NKEYS ((int)(sizeof(xs_keys) / sizeof(xs_keys[0])))

/* Where a key's value came from. */
struct xs_slot {
	bool set;
	int line; /* file line, 0 if not from the file */
	int ov;	  /* override index, -1 if not from an override */
	char text[XS_VAL_MAX];
};

struct xs_sect {
	char name[XS_SCN_NAME_MAX];
	enum xs_scn_sec sec;
	int line;  /* header line, 0 if not in the file */
	int group; /* actor sections: index in sc->groups */
	struct xs_slot slot[XS_NKEYS];
};

struct xs_load {
	const char *path;
	const struct xs_override *ov;
	struct xs_scenario *sc;
	struct xs_policy pol; /* the explicit policy keys, laid over the preset */
	FILE *f;
	int lineno;    /* line being parsed */
	int cur;       /* current section, -1 before the first header */
	int nsect;     /* XS_NSPECIAL + actor sections */
	bool nonempty; /* a header or a key was seen */
	const char *devices_dir;
	struct xs_sect sect[XS_NSPECIAL + XS_SCN_MAX_GROUPS];
	char *err;
	size_t errlen;
	int rc;	      /* first error; the first one wins */
	int err_line; /* its file line, 0 if none */
};

/* ---- errors ---- */

static void fail(struct xs_load *ld, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fail_key(struct xs_load *ld, int s, int k, const char *accepted, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* "PATH:LINE: message", or "PATH: message" when line is 0. */
static void fail(struct xs_load *ld, int line, const char *fmt, ...)
{
	va_list ap;

	if (ld->rc)
		return;
	ld->rc = -EINVAL;
	ld->err_line = line;
	va_start(ap, fmt);
	xs_ini_verror(ld->err, ld->errlen, ld->path, line, fmt, ap);
	va_end(ap);
}

static void key_accepted(const struct xs_key *k, char *buf, size_t len);
static void key_format(const struct xs_load *ld, int s, int k, char *buf, size_t len);

/*
 * An error about key k of section s, quoting where its value came from:
 * "PATH:LINE: key = value: problem (accepted: ...)", "-s sect.key=value: problem
 * (accepted: ...)", or for a default "PATH[:HEADER LINE]: key = value (default): ...".
 * accepted NULL: the table's own text for the key.
 */
static void fail_key(struct xs_load *ld, int s, int k, const char *accepted, const char *fmt, ...)
{
	const struct xs_slot *sl = &ld->sect[s].slot[k];
	char problem[XS_VAL_MAX + 128], acc[XS_ACC_MAX], val[XS_VAL_MAX];
	va_list ap;

	if (ld->rc)
		return;
	va_start(ap, fmt);
	vsnprintf(problem, sizeof(problem), fmt, ap);
	va_end(ap);
	if (!accepted) {
		key_accepted(&xs_keys[k], acc, sizeof(acc));
		accepted = acc;
	}
	if (sl->set && sl->ov >= 0) {
		const struct xs_override *o = &ld->ov[sl->ov];

		ld->rc = -EINVAL;
		snprintf(ld->err, ld->errlen, "-s %s.%s=%s: %s (accepted: %s)", o->section, o->key,
			 o->value, problem, accepted);
	} else if (sl->set) {
		fail(ld, sl->line, "%s = %s: %s (accepted: %s)", xs_keys[k].name, sl->text, problem,
		     accepted);
	} else {
		key_format(ld, s, k, val, sizeof(val));
		fail(ld, ld->sect[s].line, "%s = %s (default): %s (accepted: %s)", xs_keys[k].name,
		     val, problem, accepted);
	}
}

/* ---- the table ---- */

static void *key_base(struct xs_load *ld, int s, const struct xs_key *k)
{
	switch (k->base) {
	case KB_POLICY:
		return &ld->pol;
	case KB_GROUP:
		return &ld->sc->groups[ld->sect[s].group];
	case KB_SCN:
		break;
	}
	return ld->sc;
}

static const void *key_cbase(const struct xs_scenario *sc, int group, const struct xs_key *k)
{
	switch (k->base) {
	case KB_POLICY:
		return &sc->policy;
	case KB_GROUP:
		return &sc->groups[group];
	case KB_SCN:
		break;
	}
	return sc;
}

static void store_uint(void *base, const struct xs_key *k, uint64_t v)
{
	char *p = (char *)base + k->off;
	uint32_t u32 = (uint32_t)v;
	int i = (int)v;
	bool b = v != 0;

	switch (k->store) {
	case KS_U64:
		memcpy(p, &v, sizeof(v));
		break;
	case KS_U32:
		memcpy(p, &u32, sizeof(u32));
		break;
	case KS_INT:
		memcpy(p, &i, sizeof(i));
		break;
	case KS_BOOL:
		memcpy(p, &b, sizeof(b));
		break;
	case KS_DOUBLE:
	case KS_DIST:
	case KS_STR:
		XS_ASSERT(0);
	}
}

static uint64_t load_uint(const void *base, const struct xs_key *k)
{
	const char *p = (const char *)base + k->off;
	uint64_t v = 0;
	uint32_t u32;
	int i;
	bool b;

	switch (k->store) {
	case KS_U64:
		memcpy(&v, p, sizeof(v));
		break;
	case KS_U32:
		memcpy(&u32, p, sizeof(u32));
		v = u32;
		break;
	case KS_INT:
		memcpy(&i, p, sizeof(i));
		v = (uint64_t)i;
		break;
	case KS_BOOL:
		memcpy(&b, p, sizeof(b));
		v = b;
		break;
	case KS_DOUBLE:
	case KS_DIST:
	case KS_STR:
		XS_ASSERT(0);
	}
	return v;
}

/* The field widths the table claims. A bug, not an input error, if they differ. */
static void keys_check(void)
{
	static const size_t width[] = {
		[KS_INT] = sizeof(int),	      [KS_BOOL] = sizeof(bool),
		[KS_U32] = sizeof(uint32_t),  [KS_U64] = sizeof(uint64_t),
		[KS_DOUBLE] = sizeof(double), [KS_DIST] = sizeof(struct xs_dist),
	};
	int i;

	for (i = 0; i < XS_NKEYS; i++) {
		XS_ASSERT(xs_keys[i].store == KS_STR || width[xs_keys[i].store] == xs_keys[i].len);
		XS_ASSERT((xs_keys[i].type == KT_ENUM) == (xs_keys[i].vals != NULL));
	}
	/* kind_vals[] is indexed by enum xs_actor_kind */
	for (i = 0; kind_vals[i].name; i++)
		XS_ASSERT(kind_vals[i].value == i);
}

static int key_find(enum xs_scn_sec sec, const char *name)
{
	int i;

	for (i = 0; i < XS_NKEYS; i++)
		if (xs_keys[i].sec == sec && strcmp(xs_keys[i].name, name) == 0)
			return i;
	return -1;
}

/* Keys of a section (of an actor kind; kinds 0: any) as "a, b, c". */
static void keys_list(enum xs_scn_sec sec, unsigned kinds, char *buf, size_t len)
{
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < XS_NKEYS && n < len; i++) {
		if (xs_keys[i].sec != sec || (kinds && !(xs_keys[i].kinds & kinds)))
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "", xs_keys[i].name);
	}
}

/* A size in its shortest exact form: 300m, 4t, 4096 -> 4k, 1000 -> 1000. */
static void size_text(uint64_t v, char *buf, size_t len)
{
	static const char sfx[] = "kmgt";
	int i;

	for (i = 3; i >= 0; i--) {
		uint64_t unit = 1ULL << (10 * (i + 1));

		if (v && v % unit == 0) {
			snprintf(buf, len, "%" PRIu64 "%c", v / unit, sfx[i]);
			return;
		}
	}
	snprintf(buf, len, "%" PRIu64, v);
}

static void vals_list(const struct xs_key_val *vals, char *buf, size_t len)
{
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; vals[i].name && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "", vals[i].name);
}

static void key_accepted(const struct xs_key *k, char *buf, size_t len)
{
	char lo[32], hi[32];

	switch (k->type) {
	case KT_ENUM:
		vals_list(k->vals, buf, len);
		break;
	case KT_SIZE:
		size_text(k->umin, lo, sizeof(lo));
		size_text(k->umax, hi, sizeof(hi));
		snprintf(buf, len, "%s..%s bytes, suffixes k, m, g, t", lo, hi);
		break;
	case KT_COUNT:
		snprintf(buf, len, "%" PRIu64 "..%" PRIu64, k->umin, k->umax);
		break;
	case KT_REAL:
		xs_real_format(k->dmin, lo, sizeof(lo));
		xs_real_format(k->dmax, hi, sizeof(hi));
		snprintf(buf, len, "%s..%s", lo, hi);
		break;
	case KT_TIME:
		xs_real_format(k->dmin, lo, sizeof(lo));
		snprintf(buf, len, "a time %s %s, suffixes ns, us, ms, s (bare: s)",
			 k->dmin_open ? ">" : ">=", lo);
		break;
	case KT_DIST:
		snprintf(buf, len,
			 "const(T), uniform(A, B), exp(MEAN), normal(MEAN, SD), lognormal(MEAN, "
			 "CV), gamma(MEAN, CV); times with ns, us, ms, s");
		break;
	case KT_NAME:
		snprintf(buf, len, "letters, digits, '_', '-', '.'");
		break;
	}
}

/* The canonical text of a resolved value (sizes in bytes, times in seconds). */
static void value_format(const void *base, const struct xs_key *k, char *buf, size_t len)
{
	const char *p = (const char *)base + k->off;
	struct xs_dist d;
	double x;
	uint64_t v;
	int i;

	switch (k->type) {
	case KT_ENUM:
		if (k->store == KS_STR) {
			snprintf(buf, len, "%s", p);
			return;
		}
		v = load_uint(base, k);
		for (i = 0; k->vals[i].name; i++)
			if ((uint64_t)k->vals[i].value == v)
				break;
		XS_ASSERT(k->vals[i].name);
		snprintf(buf, len, "%s", k->vals[i].name);
		break;
	case KT_SIZE:
	case KT_COUNT:
		snprintf(buf, len, "%" PRIu64, load_uint(base, k));
		break;
	case KT_REAL:
	case KT_TIME:
		memcpy(&x, p, sizeof(x));
		xs_real_format(x, buf, len);
		break;
	case KT_DIST:
		memcpy(&d, p, sizeof(d));
		xs_dist_format(&d, buf, len);
		break;
	case KT_NAME:
		snprintf(buf, len, "%s", p);
		break;
	}
}

static void key_format(const struct xs_load *ld, int s, int k, char *buf, size_t len)
{
	value_format(key_cbase(ld->sc, ld->sect[s].group, &xs_keys[k]), &xs_keys[k], buf, len);
}

/* ---- values ---- */

/* A whole number, digits only. */
static int u64_parse(const char *s, uint64_t *v)
{
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

/* Digits and an optional k/m/g/t suffix (either case), powers of 1024. */
static int size_parse(const char *s, uint64_t *v)
{
	static const char sfx[] = "kmgt";
	char num[32];
	size_t n = strlen(s);
	const char *p;
	uint64_t x;
	int shift = 0, error;

	if (n == 0 || n >= sizeof(num))
		return n ? -ERANGE : -EINVAL;
	memcpy(num, s, n + 1);
	p = strchr(sfx, num[n - 1] | 0x20);
	if (p && *p && n > 1) {
		shift = 10 * (int)(p - sfx + 1);
		num[n - 1] = '\0';
	}
	error = u64_parse(num, &x);
	if (error)
		return error;
	if (shift && x > (UINT64_MAX >> shift))
		return -ERANGE;
	*v = x << shift;
	return 0;
}

/* A plain decimal number: digits, '.', an exponent; no sign, no nan/inf, no hex. */
static int real_parse(const char *s, double *v)
{
	char *end;
	double x;

	if (!((*s >= '0' && *s <= '9') || *s == '.'))
		return -EINVAL;
	if (strpbrk(s, "xXpP"))
		return -EINVAL;
	errno = 0;
	x = strtod(s, &end);
	if (*end || end == s)
		return -EINVAL;
	if (errno == ERANGE || !isfinite(x))
		return -ERANGE;
	*v = x;
	return 0;
}

static bool name_ok(const char *s, bool dot)
{
	size_t n = strlen(s);

	if (n == 0 || n >= XS_SCN_NAME_MAX || s[0] == '.')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || (dot && *s == '.')))
			return false;
	return true;
}

/*
 * Parse text as key k into base. Returns 0, or -EINVAL with the problem in why
 * (the accepted text comes from the table).
 */
static int value_parse(void *base, const struct xs_key *k, const char *text, char *why,
		       size_t whylen)
{
	char *p = (char *)base + k->off;
	struct xs_dist d;
	uint64_t v;
	double x;
	int i, error;

	switch (k->type) {
	case KT_ENUM:
		for (i = 0; k->vals[i].name; i++)
			if (strcmp(k->vals[i].name, text) == 0)
				break;
		if (!k->vals[i].name) {
			snprintf(why, whylen, "unknown value");
			return -EINVAL;
		}
		if (k->store == KS_STR)
			snprintf(p, k->len, "%s", k->vals[i].name);
		else
			store_uint(base, k, (uint64_t)k->vals[i].value);
		return 0;
	case KT_SIZE:
	case KT_COUNT:
		error = k->type == KT_SIZE ? size_parse(text, &v) : u64_parse(text, &v);
		if (error == -EINVAL) {
			snprintf(why, whylen, "%s",
				 k->type == KT_SIZE ? "not a size" : "not a whole number");
			return -EINVAL;
		}
		if (error || v < k->umin || v > k->umax) {
			snprintf(why, whylen, "out of range");
			return -EINVAL;
		}
		store_uint(base, k, v);
		return 0;
	case KT_REAL:
		error = real_parse(text, &x);
		if (error == -EINVAL) {
			snprintf(why, whylen, "not a number");
			return -EINVAL;
		}
		if (error || x < k->dmin || x > k->dmax) {
			snprintf(why, whylen, "out of range");
			return -EINVAL;
		}
		memcpy(p, &x, sizeof(x));
		return 0;
	case KT_TIME:
		if (xs_time_parse(text, &x)) {
			snprintf(why, whylen, "%s", text[0] == '-' ? "out of range" : "not a time");
			return -EINVAL;
		}
		if (x < k->dmin || (k->dmin_open && x == k->dmin)) {
			snprintf(why, whylen, "out of range");
			return -EINVAL;
		}
		memcpy(p, &x, sizeof(x));
		return 0;
	case KT_DIST:
		if (xs_dist_parse(text, &d, why, whylen))
			return -EINVAL;
		memcpy(p, &d, sizeof(d));
		return 0;
	case KT_NAME:
		if (!name_ok(text, true) || strlen(text) >= k->len) {
			snprintf(why, whylen, "bad name");
			return -EINVAL;
		}
		snprintf(p, k->len, "%s", text);
		return 0;
	}
	return -EINVAL;
}

/* Set key k of section s from a file line (line > 0) or override ov (>= 0). */
static void key_set(struct xs_load *ld, int s, int k, const char *value, int line, int ov)
{
	struct xs_slot *sl = &ld->sect[s].slot[k];
	char why[XS_VAL_MAX];

	if (sl->set && line > 0) {
		int first = sl->line;

		sl->line = line;
		snprintf(sl->text, sizeof(sl->text), "%s", value);
		fail_key(ld, s, k, "each key once per section", "duplicated key, first at line %d",
			 first);
		return;
	}
	sl->set = true;
	sl->line = line;
	sl->ov = ov;
	snprintf(sl->text, sizeof(sl->text), "%s", value);
	if (value_parse(key_base(ld, s, &xs_keys[k]), &xs_keys[k], value, why, sizeof(why)))
		fail_key(ld, s, k, NULL, "%s", why);
}

/* ---- sections ---- */

static int sect_find(const struct xs_load *ld, const char *name)
{
	int i;

	for (i = 0; i < ld->nsect; i++)
		if (strcmp(ld->sect[i].name, name) == 0)
			return i;
	return -1;
}

static void sect_init(struct xs_load *ld, int s, const char *name, enum xs_scn_sec sec)
{
	int k;

	XS_ASSERT(strlen(name) < sizeof(ld->sect[s].name));
	memcpy(ld->sect[s].name, name, strlen(name) + 1);
	ld->sect[s].sec = sec;
	ld->sect[s].group = sec == SEC_ACTOR ? s - XS_NSPECIAL : -1;
	for (k = 0; k < XS_NKEYS; k++)
		ld->sect[s].slot[k].ov = -1;
}

/* A [name] header at the current line. */
static void sect_header(struct xs_load *ld, const char *name)
{
	int s = sect_find(ld, name);

	ld->nonempty = true;
	if (!name_ok(name, false)) {
		fail(ld, ld->lineno,
		     "[%s]: bad section name (accepted: letters, digits, '_', '-', at most %d "
		     "characters)",
		     name, XS_SCN_NAME_MAX - 1);
		return;
	}
	if (s >= 0 && ld->sect[s].line > 0) {
		fail(ld, ld->lineno,
		     "[%s]: section given twice, first at line %d (accepted: "
		     "each section once)",
		     name, ld->sect[s].line);
		return;
	}
	if (s < 0) {
		if (ld->nsect == XS_NSPECIAL + XS_SCN_MAX_GROUPS) {
			fail(ld, ld->lineno, "[%s]: too many actor groups (accepted: at most %d)",
			     name, XS_SCN_MAX_GROUPS);
			return;
		}
		s = ld->nsect++;
		sect_init(ld, s, name, SEC_ACTOR);
		ld->sc->ngroups++;
		memcpy(ld->sc->groups[ld->sect[s].group].name, name, strlen(name) + 1);
	}
	ld->sect[s].line = ld->lineno;
	ld->cur = s;
}

/* A key in a section: the file (line > 0) or an override (ov >= 0). */
static void sect_key(struct xs_load *ld, int s, const char *name, const char *value, int line,
		     int ov)
{
	enum xs_scn_sec sec = ld->sect[s].sec;
	char keys[XS_ACC_MAX], where[XS_SCN_NAME_MAX + 32];
	int k = key_find(sec, name);

	if (k >= 0) {
		key_set(ld, s, k, value, line, ov);
		return;
	}
	keys_list(sec, 0, keys, sizeof(keys));
	if (sec == SEC_ACTOR)
		snprintf(where, sizeof(where), "actor section [%s]", ld->sect[s].name);
	else
		snprintf(where, sizeof(where), "[%s]", ld->sect[s].name);
	if (ov >= 0) {
		ld->rc = -EINVAL;
		snprintf(ld->err, ld->errlen, "-s %s.%s=%s: unknown key in %s (accepted: %s)",
			 ld->ov[ov].section, name, value, where, keys);
	} else {
		fail(ld, line, "%s = %s: unknown key in %s (accepted: %s)", name, value, where,
		     keys);
	}
}

/* ---- reading the file ---- */

/*
 * inih's reader: one line per call (see the file header). Stops the parse (NULL)
 * after the first error.
 */
static char *scn_reader(char *str, int num, void *stream)
{
	struct xs_load *ld = stream;
	size_t skip;
	char *end;
	int r;

	if (ld->rc)
		return NULL;
	r = xs_ini_line(ld->f, str, num, &ld->lineno);
	if (r < 0)
		fail(ld, ld->lineno, "line longer than %d characters (accepted: shorter lines)",
		     num - 2);
	if (r <= 0)
		return NULL;
	/* leading blanks */
	skip = strspn(str, " \t");
	memmove(str, str + skip, strlen(str + skip) + 1);
	/* inih ends a header at the first ']' and ignores what follows. */
	if (str[0] == '[' && (end = strchr(str, ']')) != NULL) {
		char name[XS_SCN_NAME_MAX * 2];

		snprintf(name, sizeof(name), "%.*s", (int)(end - str - 1), str + 1);
		sect_header(ld, name);
		if (ld->rc)
			return NULL;
	}
	return str;
}

static int scn_handler(void *user, const char *section, const char *name, const char *value)
{
	struct xs_load *ld = user;

	(void)section; /* the reader keeps the section, with its header line */
	if (ld->rc)
		return 1;
	ld->nonempty = true;
	if (ld->cur < 0) {
		fail(ld, ld->lineno,
		     "%s = %s: key outside any section (accepted: keys after a [section] line)",
		     name, value);
		return 1;
	}
	sect_key(ld, ld->cur, name, value, ld->lineno, -1);
	return 1;
}

static void apply_overrides(struct xs_load *ld, int nov)
{
	char names[XS_ACC_MAX];
	size_t n;
	int i, s;

	for (i = 0; i < nov && !ld->rc; i++) {
		const struct xs_override *o = &ld->ov[i];

		if (!o->section || !o->key || !o->value) {
			ld->rc = -EINVAL;
			snprintf(ld->err, ld->errlen,
				 "-s: incomplete override (accepted: section.key=value)");
			return;
		}
		s = sect_find(ld, o->section);
		if (s < 0) {
			n = 0;
			for (s = 0; s < ld->nsect && n < sizeof(names); s++)
				n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s",
						      s ? ", " : "", ld->sect[s].name);
			ld->rc = -EINVAL;
			snprintf(ld->err, ld->errlen,
				 "-s %s.%s=%s: no section [%s] in %s (accepted: %s)", o->section,
				 o->key, o->value, o->section, ld->path, names);
			return;
		}
		sect_key(ld, s, o->key, o->value, 0, i);
	}
}

/* ---- resolving ---- */

/* Parse the table default of every key of section s that was not given. */
static void sect_defaults(struct xs_load *ld, int s)
{
	char why[XS_VAL_MAX];
	int k, error;

	for (k = 0; k < XS_NKEYS; k++) {
		const struct xs_key *key = &xs_keys[k];

		if (key->sec != ld->sect[s].sec || ld->sect[s].slot[k].set || !key->def)
			continue;
		error = value_parse(key_base(ld, s, key), key, key->def, why, sizeof(why));
		XS_ASSERT(error == 0);
	}
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The NAME.ini files in dir, sorted, as "a, b"; or why there are none. */
static void devices_list(const char *dir, char *buf, size_t len)
{
	char names[64][XS_SCN_NAME_MAX];
	const char *sorted[64];
	struct dirent *de;
	size_t n = 0, used = 0, i;
	DIR *d = opendir(dir);

	if (!d) {
		snprintf(buf, len, "none: cannot open %s", dir);
		return;
	}
	while ((de = readdir(d)) != NULL && n < 64) {
		size_t l = strlen(de->d_name);

		if (l > 4 && l - 4 < XS_SCN_NAME_MAX && strcmp(de->d_name + l - 4, ".ini") == 0 &&
		    de->d_name[0] != '.') {
			snprintf(names[n], sizeof(names[n]), "%.*s", (int)(l - 4), de->d_name);
			sorted[n] = names[n];
			n++;
		}
	}
	closedir(d);
	qsort(sorted, n, sizeof(sorted[0]), name_cmp);
	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", sorted[i]);
	if (n == 0)
		snprintf(buf, len, "none found in %s", dir);
}

static void resolve_global(struct xs_load *ld)
{
	struct xs_scenario *sc = ld->sc;
	char acc[XS_ACC_MAX], path[XS_SCN_PATH_MAX + 64];
	struct stat st;
	int s, k, error;

	for (s = 0; s < XS_NSPECIAL; s++)
		sect_defaults(ld, s);

	/* The preset first, then every explicit policy key over it. */
	error = xs_policy_preset(&sc->policy, sc->kernel);
	XS_ASSERT(error == 0);
	for (k = 0; k < XS_NKEYS; k++)
		if (xs_keys[k].base == KB_POLICY && ld->sect[SEC_GLOBAL].slot[k].set)
			store_uint(&sc->policy, &xs_keys[k], load_uint(&ld->pol, &xs_keys[k]));

	if (sc->fs_bytes % sc->block_bytes) {
		snprintf(acc, sizeof(acc), "a multiple of block_size = %" PRIu32, sc->block_bytes);
		fail_key(ld, SEC_GLOBAL, key_find(SEC_GLOBAL, "fs_size"), acc,
			 "not a whole number of blocks");
	}
	if (sc->file_bytes > sc->fs_bytes) {
		snprintf(acc, sizeof(acc), "0..fs_size = %" PRIu64, sc->fs_bytes);
		fail_key(ld, SEC_GLOBAL, key_find(SEC_GLOBAL, "file_size"), acc,
			 "larger than the filesystem");
	}
	if (sc->wb_dirty_ratio < sc->wb_background_ratio) {
		snprintf(acc, sizeof(acc), "background_ratio = %" PRIu32 "..100",
			 sc->wb_background_ratio);
		fail_key(ld, SEC_WRITEBACK, key_find(SEC_WRITEBACK, "dirty_ratio"), acc,
			 "below background_ratio");
	}

	snprintf(path, sizeof(path), "%s/%s.ini", ld->devices_dir, sc->device);
	k = key_find(SEC_GLOBAL, "device");
	if (strlen(path) >= sizeof(sc->device_path)) {
		fail_key(ld, SEC_GLOBAL, k, "a shorter devices directory",
			 "device file path %s too long", path);
	} else if (stat(path, &st) || !S_ISREG(st.st_mode)) {
		devices_list(ld->devices_dir, acc, sizeof(acc));
		fail_key(ld, SEC_GLOBAL, k, acc, "no such device file %s", path);
	} else {
		memcpy(sc->device_path, path, strlen(path) + 1);
	}
}

static void resolve_group(struct xs_load *ld, int s)
{
	const struct xs_scenario *sc = ld->sc;
	struct xs_actor_group *g = &ld->sc->groups[ld->sect[s].group];
	const struct xs_slot *slot = ld->sect[s].slot;
	int kind_k = key_find(SEC_ACTOR, "kind"), k;
	char acc[XS_ACC_MAX], lo[32], hi[32];
	uint64_t room;

	if (!slot[kind_k].set) {
		key_accepted(&xs_keys[kind_k], acc, sizeof(acc));
		fail(ld, ld->sect[s].line, "[%s]: no kind given (accepted: kind = %s)", g->name,
		     acc);
		return;
	}
	for (k = 0; k < XS_NKEYS; k++) {
		if (xs_keys[k].sec != SEC_ACTOR || !slot[k].set ||
		    (xs_keys[k].kinds & KIND(g->kind)))
			continue;
		keys_list(SEC_ACTOR, KIND(g->kind), acc, sizeof(acc));
		fail_key(ld, s, k, acc, "not a key of a %s", kind_vals[g->kind].name);
		return;
	}
	sect_defaults(ld, s);

	/* offset, then size (default: to the end of the file), then bs and stride */
	k = key_find(SEC_ACTOR, "offset");
	if ((g->kind == XS_ACTOR_FAULTER || g->kind == XS_ACTOR_READER) &&
	    g->offset_bytes >= sc->file_bytes) {
		if (sc->file_bytes)
			snprintf(acc, sizeof(acc), "0..%" PRIu64 ", inside file_size",
				 sc->file_bytes - 1);
		else
			snprintf(acc, sizeof(acc), "none while file_size = 0");
		fail_key(ld, s, k, acc, "offset beyond the file for a %s", kind_vals[g->kind].name);
		return;
	}
	if (g->offset_bytes >= sc->fs_bytes) {
		snprintf(acc, sizeof(acc), "0..%" PRIu64 ", inside fs_size", sc->fs_bytes - 1);
		fail_key(ld, s, k, acc, "offset beyond the filesystem");
		return;
	}
	room = sc->fs_bytes - g->offset_bytes;
	k = key_find(SEC_ACTOR, "size");
	if (!slot[k].set) {
		g->size_bytes =
			sc->file_bytes > g->offset_bytes ? sc->file_bytes - g->offset_bytes : 0;
		if (g->size_bytes == 0) {
			size_text(room, hi, sizeof(hi));
			snprintf(acc, sizeof(acc), "1..%s = fs_size - offset", hi);
			fail_key(ld, s, k, acc,
				 "the default, file_size - offset, is empty: give a size");
			return;
		}
	} else if (g->size_bytes > room) {
		size_text(room, hi, sizeof(hi));
		snprintf(acc, sizeof(acc), "1..%s = fs_size - offset", hi);
		fail_key(ld, s, k, acc, "offset + size beyond the filesystem");
		return;
	}
	k = key_find(SEC_ACTOR, "bs");
	if (g->bs_bytes > g->size_bytes) {
		size_text(1, lo, sizeof(lo));
		size_text(g->size_bytes, hi, sizeof(hi));
		snprintf(acc, sizeof(acc), "%s..%s = size", lo, hi);
		fail_key(ld, s, k, acc, "larger than size");
		return;
	}
	if (!slot[key_find(SEC_ACTOR, "stride")].set)
		g->stride_bytes = g->bs_bytes;
}

static void resolve(struct xs_load *ld)
{
	int s;

	if (!ld->nonempty) {
		fail(ld, 0,
		     "empty scenario (accepted: a [global] section and one section per "
		     "actor group)");
		return;
	}
	if (ld->sc->ngroups == 0) {
		fail(ld, 0,
		     "no actor section (accepted: at least one [NAME] section with kind = "
		     "writer, faulter, reader, truncator or syncer)");
		return;
	}
	resolve_global(ld);
	for (s = XS_NSPECIAL; s < ld->nsect && !ld->rc; s++)
		resolve_group(ld, s);
}

int xs_scenario_load(const char *path, const struct xs_override *ov, int nov,
		     const char *devices_dir, struct xs_scenario *sc, char *err, size_t errlen)
{
	struct xs_load *ld;
	struct stat st;
	int s, rc, error;

	keys_check();
	memset(sc, 0, sizeof(*sc));
	if (errlen)
		err[0] = '\0';
	if (strlen(path) >= sizeof(sc->path)) {
		snprintf(err, errlen, "%s: path longer than %d characters", path,
			 XS_SCN_PATH_MAX - 1);
		return -EINVAL;
	}
	ld = calloc(1, sizeof(*ld));
	if (!ld) {
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		return -ENOMEM;
	}
	ld->path = path;
	ld->ov = ov;
	ld->sc = sc;
	ld->err = err;
	ld->errlen = errlen;
	ld->cur = -1;
	ld->devices_dir = devices_dir ? devices_dir : XS_DEVICES_DIR;
	for (s = 0; s < XS_NSPECIAL; s++)
		sect_init(ld, s, xs_sec_names[s], (enum xs_scn_sec)s);
	ld->nsect = XS_NSPECIAL;
	snprintf(sc->path, sizeof(sc->path), "%s", path);

	ld->f = fopen(path, "r");
	if (!ld->f) {
		error = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fileno(ld->f), &st) || !S_ISREG(st.st_mode)) {
		fail(ld, 0, "not a regular file");
		error = ld->rc;
		goto out;
	}
	rc = ini_parse_stream(scn_reader, ld, scn_handler, ld);
	/* inih reports its syntax errors at the end: keep whichever line comes first */
	if (rc > 0 && ld->rc && rc < ld->err_line)
		ld->rc = 0;
	if (!ld->rc && rc > 0)
		fail(ld, rc,
		     "syntax error (accepted: [section], key = value, comments after ; "
		     "or #)");
	else if (!ld->rc && rc < 0)
		fail(ld, 0, "cannot read the file");
	if (!ld->rc && ferror(ld->f))
		fail(ld, 0, "read error");
	if (!ld->rc)
		apply_overrides(ld, nov);
	if (!ld->rc)
		resolve(ld);
	error = ld->rc;
	/* the device file must be valid too: bad input is found before the run starts */
	if (!error) {
		struct xs_device_cfg dev;

		error = xs_device_cfg_load(sc->device_path, &dev, err, errlen);
	}
out:
	if (ld->f)
		fclose(ld->f);
	free(ld);
	return error;
}

void xs_scenario_foreach_param(const struct xs_scenario *sc,
			       void (*fn)(void *arg, const char *name, const char *value),
			       void *arg)
{
	static const enum xs_scn_sec order[] = {SEC_GLOBAL,  SEC_ACTOR,	  SEC_WRITEBACK,
						SEC_RECLAIM, SEC_BLOCKGC, SEC_CPU};
	char name[XS_SCN_NAME_MAX + 32], value[XS_VAL_MAX];
	size_t o;
	int g, k;

	for (o = 0; o < sizeof(order) / sizeof(order[0]); o++) {
		int ngroups = order[o] == SEC_ACTOR ? sc->ngroups : 1;

		for (g = 0; g < ngroups; g++) {
			const char *sname =
				order[o] == SEC_ACTOR ? sc->groups[g].name : xs_sec_names[order[o]];

			for (k = 0; k < XS_NKEYS; k++) {
				const struct xs_key *key = &xs_keys[k];

				if (key->sec != order[o])
					continue;
				if (key->sec == SEC_ACTOR &&
				    !(key->kinds & KIND(sc->groups[g].kind)))
					continue;
				snprintf(name, sizeof(name), "%s.%s", sname, key->name);
				value_format(key_cbase(sc, g, key), key, value, sizeof(value));
				fn(arg, name, value);
			}
		}
	}
}
