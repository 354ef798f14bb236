/*
 * The outcomes of one run: what the actors layer produces and the store, the sweep
 * and the report read. Neither SimGrid nor SQLite: a neutral place that both sides
 * include (docs/design.md, "Outcomes").
 */
#ifndef XS_OUTCOME_H
#define XS_OUTCOME_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Latency summary of one operation kind, microseconds of simulated time. */
struct xs_latency {
	char op[32];
	uint64_t count;
	double mean_us, p50_us, p90_us, p99_us, p999_us, max_us;
};

/* Latency of one operation kind in one actor group (the section's name). */
struct xs_group_latency {
	char group[64];
	struct xs_latency lat;
};

/* One anomaly: a loss, a leak, or an invariant violation (docs/design.md, "Results database"). */
struct xs_anomaly {
	char kind[16]; /* lost | leak | leak_unmount | invariant | lock_order | deadlock |
			  read_mismatch */
	uint64_t offset;
	uint64_t length;
	double sim_time_s;
	char *detail; /* malloc'd */
};

#define XS_MAX_LATENCY_KINDS 8
#define XS_OUTCOME_NLOCKS    5 /* lock slots of a result */

/* The outcomes of docs/design.md, "Outcomes". */
struct xs_run_result {
	uint64_t lost_bytes, lost_stores;
	uint64_t leaked_delalloc_blocks;
	int64_t delalloc_at_unmount;
	uint64_t invariant_violations;
	uint64_t deadlocks;		/* 1: the run ended in a deadlock */
	uint64_t time_limit_hit;	/* 1: the run was cut short at time_limit */
	uint64_t lock_order_violations; /* the lock validator's reports */
	uint64_t writes, faults, short_copies, sigbus;
	uint64_t read_mismatches; /* reads whose bytes the oracle does not allow */
	uint64_t enospc;	  /* writes, fallocates and faults (SIGBUS) failing ENOSPC */
	uint64_t max_over_reservation_blocks;
	double write_lat_p50_us, write_lat_p99_us, fault_lat_p50_us, fault_lat_p99_us;
	double sim_time_s, wall_time_s;
	double workload_wall_s; /* host time until the workload actors finished */
	uint64_t events;
	struct xs_latency latency[XS_MAX_LATENCY_KINDS];
	int nlatency;
	/* per actor group and kind, groups in scenario order (malloc'd) */
	struct xs_group_latency *group_latency;
	size_t ngroup_latency;
	struct xs_anomaly *anomalies;
	size_t nanomalies;
	/* per lock: i_rwsem, invalidate_lock, ILOCK, folio, mmap_lock (all processes) */
	struct xs_outcome_lock {
		char name[24]; /* "": the slot is unused */
		uint64_t acquisitions, contended;
		double wait_s, max_wait_s, hold_s;
	} locks[XS_OUTCOME_NLOCKS];
};

void xs_run_result_free(struct xs_run_result *res);

/*
 * The outcome table: every name=value line of xs_run_print_outcomes(), in the order
 * printed. The printer and the parser (xs_outcome_parse()) walk it; the names the
 * other layers look up are the macros below.
 *
 * A figure of the run is one line, "name=value". A figure of a lock (nlocks > 0) is
 * one line "lock_<lock>_<name>=value" per named lock slot below nlocks, the figures
 * of one lock together: consecutive per-lock entries form one group, printed lock by
 * lock.
 */
enum xs_outcome_type {
	XS_OUTCOME_U64,	 /* uint64_t, printed %llu */
	XS_OUTCOME_I64,	 /* int64_t, printed %lld */
	XS_OUTCOME_REAL, /* double × scale, printed %.<decimals>f */
};

struct xs_outcome_def {
	const char *name; /* a lock figure: the part after "lock_<lock>_" */
	const char *unit;
	enum xs_outcome_type type;
	int decimals;  /* XS_OUTCOME_REAL: digits after the point */
	double scale;  /* XS_OUTCOME_REAL: the value printed is the field × scale */
	int nlocks;    /* 0: a figure of the run; else of lock slots [0, nlocks) */
	size_t offset; /* of the field in struct xs_run_result, or in struct xs_outcome_lock */
	const char *meaning;
};

#define XS_OUTCOME_NDEFS 26
extern const struct xs_outcome_def xs_outcome_table[XS_OUTCOME_NDEFS];

/* The names of the run's figures in the table, for the layers that look one up. */
#define XS_OUTCOME_SIGBUS		  "sigbus"
#define XS_OUTCOME_LOST_BYTES		  "lost_bytes"
#define XS_OUTCOME_LOST_STORES		  "lost_stores"
#define XS_OUTCOME_LEAKED_DELALLOC_BLOCKS "leaked_delalloc_blocks"
#define XS_OUTCOME_DELALLOC_AT_UNMOUNT	  "delalloc_at_unmount"
#define XS_OUTCOME_INVARIANT_VIOLATIONS	  "invariant_violations"
#define XS_OUTCOME_DEADLOCKS		  "deadlocks"
#define XS_OUTCOME_TIME_LIMIT_HIT	  "time_limit_hit"
#define XS_OUTCOME_LOCK_ORDER_VIOLATIONS  "lock_order_violations"
#define XS_OUTCOME_WRITES		  "writes"
#define XS_OUTCOME_FAULTS		  "faults"
#define XS_OUTCOME_SHORT_COPIES		  "short_copies"
#define XS_OUTCOME_READ_MISMATCHES	  "read_mismatches"
#define XS_OUTCOME_ENOSPC		  "enospc"
#define XS_OUTCOME_MAX_OVER_RESERVATION	  "max_over_reservation_blocks"
#define XS_OUTCOME_WRITE_LAT_P50_US	  "write_lat_p50_us"
#define XS_OUTCOME_WRITE_LAT_P99_US	  "write_lat_p99_us"
#define XS_OUTCOME_FAULT_LAT_P50_US	  "fault_lat_p50_us"
#define XS_OUTCOME_FAULT_LAT_P99_US	  "fault_lat_p99_us"
#define XS_OUTCOME_SIM_TIME_S		  "sim_time_s"
#define XS_OUTCOME_WALL_TIME_S		  "wall_time_s"
#define XS_OUTCOME_EVENTS		  "events"

/*
 * The table entry of a printed name ("lost_bytes", "lock_ILOCK_wait_us"), or NULL.
 * A lock figure matches with any non-empty lock name.
 */
const struct xs_outcome_def *xs_outcome_find(const char *name);

/* The name=value outcome lines of res, as the table says, in its order. */
void xs_run_print_outcomes(FILE *out, const struct xs_run_result *res);

/*
 * Read the lines of xs_run_print_outcomes() and call fn(arg, name, value) for each,
 * in order (both strings valid during the call only). Returns 0, or -EINVAL at the
 * first line that is not "name=value" with a name of the table (the lines before it
 * were passed to fn).
 */
int xs_outcome_parse(const char *text, void (*fn)(void *arg, const char *name, const char *value),
		     void *arg);

#endif /* XS_OUTCOME_H */
