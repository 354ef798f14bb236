/*
 * Scenarios (docs/scenarios.md, "Scenario files" and "The [global] section"): an INI file read with
 * libinih into a fully resolved struct xs_scenario. Every key is checked at load time; an unknown
 * key or a bad value is reported as "FILE:LINE: key = value: problem (accepted: ...)".
 * No SimGrid here.
 *
 * [global]   kernel, punch, fault_end, validity, dirty_tracking, write_lock, fault_lock,
 *            fs_size, block_size, file_size, prefill, device, cpu, memory, seed,
 *            time_limit
 * [NAME]     one actor group: kind (writer|faulter|reader|truncator|syncer|mapper),
 *            process, jobs, offset, size, bs, stride, pattern, ops, think, fail_rate,
 *            prefault, source and source_offset (writer), dest and dest_offset (reader),
 *            op (truncator: truncate|fpunch|fzero; mapper: remap|mprotect),
 *            sync (syncer: fsync|range), start (delay before the first op)
 * [writeback] interval, expire, background_ratio, dirty_ratio
 * [reclaim]  interval
 * [blockgc]  period
 * [cpu]      simulated CPU cost of each kernel step, as distributions (dist.h), laid
 *            over the cost file global.cpu names (cpu_file.h): syscall, iomap_begin,
 *            iomap_end, folio, folio_alloc, zero_4k, copy_4k, fault, fault_wp,
 *            page_mkwrite, punch, wb_folio, lock, fault_in, mmap_lock, pte_zap,
 *            punch_folio
 */
#ifndef XS_SCENARIO_H
#define XS_SCENARIO_H

#include "config/dist.h"
#include "core/inode.h"

#include <stdint.h>

#define XS_SCN_MAX_GROUPS 16
#define XS_SCN_NAME_MAX	  64
#define XS_SCN_PATH_MAX	  512

enum xs_actor_kind {
	XS_ACTOR_WRITER = 0,
	XS_ACTOR_FAULTER,
	XS_ACTOR_READER,
	XS_ACTOR_TRUNCATOR,
	XS_ACTOR_SYNCER,
	XS_ACTOR_MAPPER,
};

enum xs_prefill { XS_PREFILL_NONE = 0, XS_PREFILL_WRITTEN, XS_PREFILL_UNWRITTEN, XS_PREFILL_DIRTY };
enum xs_pattern { XS_PATTERN_SEQ = 0, XS_PATTERN_RAND };
/* The op key: a truncator's (the first three) or a mapper's (the last two). */
enum xs_trunc_op {
	XS_TRUNC_TRUNCATE = 0,
	XS_TRUNC_FPUNCH,
	XS_TRUNC_FZERO,
	XS_MAP_REMAP,	 /* mmap(MAP_FIXED) over the range: munmap, then mmap */
	XS_MAP_MPROTECT, /* mprotect(PROT_READ), then mprotect(PROT_READ | PROT_WRITE) */
};

struct xs_actor_group {
	char name[XS_SCN_NAME_MAX]; /* the section name */
	enum xs_actor_kind kind;
	uint32_t jobs;	       /* actors in the group, >= 1 */
	uint64_t offset_bytes; /* where the group's ops start */
	uint64_t size_bytes;   /* the range [offset, offset + size) they cover */
	uint64_t bs_bytes;     /* bytes per op */
	uint64_t stride_bytes; /* distance between op starts (default bs) */
	enum xs_pattern pattern;
	uint64_t ops;		       /* ops per job; 0 = one pass over the range */
	struct xs_dist think;	       /* pause between ops */
	double fail_rate;	       /* writer: P(a chunk's copy-in comes up short), 0..1 */
	bool prefault_read;	       /* faulter: read-touch every page first */
	enum xs_trunc_op trunc_op;     /* truncator */
	bool sync_range;	       /* syncer: sync_file_range over its range, not fsync */
	double start_s;		       /* delay before the first op */
	char process[XS_SCN_NAME_MAX]; /* groups naming the same process share one mm */
	int proc;		       /* its number, 0 .. nprocs - 1, in order of appearance */
	bool source_map;	       /* writer: the source is the file's mapping */
	uint64_t source_offset;	       /* ... at this file offset */
	bool dest_map;		       /* reader: the destination is the file's mapping */
	uint64_t dest_offset;	       /* ... at this file offset */
};

struct xs_cpu_costs {
	struct xs_dist syscall, iomap_begin, iomap_end, folio, folio_alloc, zero_4k, copy_4k, fault,
		fault_wp, page_mkwrite, punch, wb_folio, lock, fault_in, mmap_lock, pte_zap,
		punch_folio;
};

struct xs_scenario {
	char path[XS_SCN_PATH_MAX]; /* file it came from */
	char kernel[16];	    /* "6.1", "6.2", "6.6", "6.13", "6.18" */
	struct xs_policy policy;    /* preset, then explicit keys */
	uint64_t fs_bytes;	    /* fs_size, default 1g */
	uint32_t block_bytes;	    /* block_size, default 4096 */
	uint64_t file_bytes;	    /* file_size: initial (sparse) size, default 0 */
	enum xs_prefill prefill;
	char device[XS_SCN_NAME_MAX]; /* configs/devices/NAME.ini, default "nvme" */
	char device_path[XS_SCN_PATH_MAX];
	char cpu_name[XS_SCN_NAME_MAX]; /* configs/cpu/NAME.ini, the [cpu] keys' defaults */
	uint64_t memory_bytes;		/* page-cache limit, default 1g */
	uint64_t seed;			/* default 1 */
	double time_limit_s;		/* default 3600 */
	/* background actors */
	double wb_interval_s, wb_expire_s;
	uint32_t wb_background_ratio, wb_dirty_ratio;
	double reclaim_interval_s;
	double blockgc_period_s;
	struct xs_cpu_costs cpu;
	struct xs_actor_group groups[XS_SCN_MAX_GROUPS];
	int ngroups;
	int nprocs; /* processes (distinct process names), >= 1 */
};

/* One "section.key=value" override (wpsim run -s). */
struct xs_override {
	const char *section;
	const char *key;
	const char *value;
};

/*
 * Load path, apply the overrides (as if they were the last lines of the file), fill
 * defaults, validate. devices_dir, when not NULL, is where NAME.ini device files live;
 * NULL: configs/devices/NAME.ini is found as config/paths.h says. The device file must
 * exist. Returns 0, or -EINVAL / -ENOENT with one line in err ("FILE:LINE: key =
 * value: problem (accepted: ...)"; overrides are reported as "-s section.key=value:
 * problem (accepted: ...)").
 */
int xs_scenario_load(const char *path, const struct xs_override *ov, int nov,
		     const char *devices_dir, struct xs_scenario *sc, char *err, size_t errlen);

/*
 * Every resolved key as "section.key" / value text, in a fixed order, for the param
 * table and for -s round trips. Calls fn once per key.
 */
void xs_scenario_foreach_param(const struct xs_scenario *sc,
			       void (*fn)(void *arg, const char *name, const char *value),
			       void *arg);

/*
 * One scenario key as a reference shows it (`wpsim keys`, `wpsim help policy`, the man
 * page, shell completion), read from the table the loader checks every file against,
 * so that the reference and the loader cannot disagree.
 */
struct xs_scenario_keyref {
	const char *section; /* "global", "writeback", "reclaim", "blockgc", "cpu"; NULL: an
				actor group's key (the section is the group's name) */
	const char *name;
	const char *unit;     /* NULL: none */
	const char *def;      /* the default, written as a scenario would write it; NULL: none */
	const char *def_text; /* when def is NULL: how the default is had; NULL: required */
	const char *doc;      /* one line of meaning */
	const char *type;     /* "a size", "one of", ...: what a value is */
	bool policy;	      /* a policy knob: global.kernel's preset gives its default */
	bool one_of;	      /* accepted is a list of words, ", " apart */
	char kinds[96];	      /* an actor key: the kinds that take it ("writer"); "": all */
	char accepted[512];
};

/* Entry i (0..) of the key reference, in the loader's order: 0, or -ENOENT past the end. */
int xs_scenario_keyref(int i, struct xs_scenario_keyref *r);

/* The value of policy key i (xs_scenario_keyref() says policy) in pol, as a scenario writes it. */
void xs_scenario_keyref_policy(int i, const struct xs_policy *pol, char *buf, size_t len);

#endif /* XS_SCENARIO_H */
