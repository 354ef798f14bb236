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

/* One anomaly: a loss, a leak, or an invariant violation (DESIGN.md §7). */
struct xs_anomaly {
	char kind[16]; /* lost | leak | leak_unmount | invariant */
	uint64_t offset;
	uint64_t length;
	double sim_time_s;
	char *detail; /* malloc'd */
};

#define XS_MAX_LATENCY_KINDS 8

/* The outcomes of DESIGN.md §6. */
struct xs_run_result {
	uint64_t lost_bytes, lost_stores;
	uint64_t leaked_delalloc_blocks;
	int64_t delalloc_at_unmount;
	uint64_t invariant_violations;
	uint64_t writes, faults, short_copies, sigbus;
	double write_lat_p50_us, write_lat_p99_us, fault_lat_p50_us, fault_lat_p99_us;
	double sim_time_s, wall_time_s;
	double workload_wall_s; /* host time until the workload actors finished */
	uint64_t events;
	struct xs_latency latency[XS_MAX_LATENCY_KINDS];
	int nlatency;
	struct xs_anomaly *anomalies;
	size_t nanomalies;
	/* per lock: i_rwsem, invalidate_lock, ILOCK, folio */
	struct {
		char name[24];
		uint64_t acquisitions, contended;
		double wait_s, max_wait_s, hold_s;
	} locks[4];
};

void xs_run_result_free(struct xs_run_result *res);

/* The name=value outcome lines (fixed names), in a fixed order. */
void xs_run_print_outcomes(FILE *out, const struct xs_run_result *res);

#endif /* XS_OUTCOME_H */
