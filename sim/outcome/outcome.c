/*
 * Outcomes (outcome.h): the table of the name=value lines, the printer and the parser
 * that walk it, and freeing a result.
 *
 * The lines are the interface between a run and everything after it: `wpsim run`
 * prints them, a sweep's child sends them to the parent, which stores each as a metric
 * row, and the report reads those rows by name. One table keeps the printer, the
 * parser and the report's list from drifting apart (sim/tests/outcome/test_outcome.c).
 */
#include "outcome/outcome.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define RUN(field)     0, offsetof(struct xs_run_result, field)
#define LOCK(n, field) n, offsetof(struct xs_outcome_lock, field)

/* In the order printed: sigbus and the lock figures first, then the fixed outcomes. */
const struct xs_outcome_def xs_outcome_table[XS_OUTCOME_NDEFS] = {
	{XS_OUTCOME_SIGBUS, "stores", XS_OUTCOME_U64, 0, 0, RUN(sigbus),
	 "mmap stores that got SIGBUS (ENOSPC, or beyond EOF)"},
	{"contended", "acquisitions", XS_OUTCOME_U64, 0, 0, LOCK(XS_OUTCOME_NLOCKS, contended),
	 "acquisitions of the lock that had to wait"},
	{"wait_us", "us", XS_OUTCOME_REAL, 3, 1e6, LOCK(XS_OUTCOME_NLOCKS, wait_s),
	 "simulated time spent waiting for the lock, all waiters together"},
	{"max_wait_us", "us", XS_OUTCOME_REAL, 3, 1e6, LOCK(XS_OUTCOME_NLOCKS, max_wait_s),
	 "the longest single wait for the lock"},
	{"hold_us", "us", XS_OUTCOME_REAL, 3, 1e6, LOCK(2, hold_s),
	 "simulated time the lock was held (i_rwsem and invalidate_lock only)"},
	{XS_OUTCOME_LOST_BYTES, "bytes", XS_OUTCOME_U64, 0, 0, RUN(lost_bytes),
	 "bytes of the file read back from the modelled disk after unmount that differ from what "
	 "users were told they wrote (the oracle), plus any difference in the file's size"},
	{XS_OUTCOME_LOST_STORES, "operations", XS_OUTCOME_U64, 0, 0, RUN(lost_stores),
	 "acknowledged write() calls and mmap stores with at least one lost byte"},
	{XS_OUTCOME_LEAKED_DELALLOC_BLOCKS, "filesystem blocks", XS_OUTCOME_U64, 0, 0,
	 RUN(leaked_delalloc_blocks),
	 "delalloc data blocks (of block_size bytes each) the inode still held when it was "
	 "evicted (i_delayed_blks; indirect-block reservations not counted): the leak canary"},
	{XS_OUTCOME_DELALLOC_AT_UNMOUNT, "filesystem blocks", XS_OUTCOME_I64, 0, 0,
	 RUN(delalloc_at_unmount),
	 "the mount's delalloc counter (m_delalloc_blks) at unmount: delalloc data blocks plus "
	 "the indirect-block (indlen) reservations made for them, in filesystem blocks; 0 "
	 "when nothing leaked"},
	{XS_OUTCOME_INVARIANT_VIOLATIONS, "checks", XS_OUTCOME_U64, 0, 0, RUN(invariant_violations),
	 "failed consistency checks of the model during the run"},
	{XS_OUTCOME_DEADLOCKS, "runs", XS_OUTCOME_U64, 0, 0, RUN(deadlocks),
	 "1 when the run ended in a deadlock (tasks waiting for each other's locks)"},
	{XS_OUTCOME_TIME_LIMIT_HIT, "runs", XS_OUTCOME_U64, 0, 0, RUN(time_limit_hit),
	 "1 when simulated time reached time_limit: every sleep, wait and I/O was cut to end "
	 "there and the jobs started no new operation (neither a loss nor a deadlock)"},
	{XS_OUTCOME_LOCK_ORDER_VIOLATIONS, "reports", XS_OUTCOME_U64, 0, 0,
	 RUN(lock_order_violations),
	 "lock-class cycles and recursive acquisitions the lock validator saw, deadlock or not"},
	{XS_OUTCOME_WRITES, "calls", XS_OUTCOME_U64, 0, 0, RUN(writes),
	 "write(2) calls made by the workload"},
	{XS_OUTCOME_FAULTS, "faults", XS_OUTCOME_U64, 0, 0, RUN(faults),
	 "write faults on mmap'd pages (page_mkwrite)"},
	{XS_OUTCOME_SHORT_COPIES, "chunks", XS_OUTCOME_U64, 0, 0, RUN(short_copies),
	 "write chunks whose copy-in from user memory came up short (fail_rate, a fail= "
	 "decision, or a mapped source page zapped)"},
	{XS_OUTCOME_READ_MISMATCHES, "reads", XS_OUTCOME_U64, 0, 0, RUN(read_mismatches),
	 "reads whose bytes differ from what the oracle says the file held"},
	{XS_OUTCOME_ENOSPC, "operations", XS_OUTCOME_U64, 0, 0, RUN(enospc),
	 "operations that failed with ENOSPC (faults: SIGBUS)"},
	{XS_OUTCOME_MAX_OVER_RESERVATION, "filesystem blocks", XS_OUTCOME_U64, 0, 0,
	 RUN(max_over_reservation_blocks),
	 "the most blocks, over the run, held (real blocks, delalloc with its indlen) beyond "
	 "those the file's written data needs, sampled"},
	{XS_OUTCOME_WRITE_LAT_P50_US, "us", XS_OUTCOME_REAL, 3, 1, RUN(write_lat_p50_us),
	 "median latency of a write(2), simulated time"},
	{XS_OUTCOME_WRITE_LAT_P99_US, "us", XS_OUTCOME_REAL, 3, 1, RUN(write_lat_p99_us),
	 "99th percentile latency of a write(2), simulated time"},
	{XS_OUTCOME_FAULT_LAT_P50_US, "us", XS_OUTCOME_REAL, 3, 1, RUN(fault_lat_p50_us),
	 "median latency of a write fault, simulated time"},
	{XS_OUTCOME_FAULT_LAT_P99_US, "us", XS_OUTCOME_REAL, 3, 1, RUN(fault_lat_p99_us),
	 "99th percentile latency of a write fault, simulated time"},
	{XS_OUTCOME_SIM_TIME_S, "s", XS_OUTCOME_REAL, 9, 1, RUN(sim_time_s),
	 "simulated time at the end of the run"},
	{XS_OUTCOME_WALL_TIME_S, "s", XS_OUTCOME_REAL, 3, 1, RUN(wall_time_s),
	 "host time the run took (varies between machines and runs)"},
	{XS_OUTCOME_EVENTS, "events", XS_OUTCOME_U64, 0, 0, RUN(events),
	 "lock operations, host hooks and preemption points the actors went through"},
};

void xs_run_result_free(struct xs_run_result *res)
{
	size_t i;

	for (i = 0; i < res->nanomalies; i++)
		free(res->anomalies[i].detail);
	free(res->anomalies);
	res->anomalies = NULL;
	res->nanomalies = 0;
	free(res->group_latency);
	res->group_latency = NULL;
	res->ngroup_latency = 0;
}

/* The value of d in the struct at base (a result, or one of its locks), as printed. */
static void print_value(FILE *out, const struct xs_outcome_def *d, const void *base)
{
	const char *field = (const char *)base + d->offset;

	switch (d->type) {
	case XS_OUTCOME_U64:
		fprintf(out, "%llu\n", (unsigned long long)*(const uint64_t *)(const void *)field);
		break;
	case XS_OUTCOME_I64:
		fprintf(out, "%lld\n", (long long)*(const int64_t *)(const void *)field);
		break;
	case XS_OUTCOME_REAL:
		fprintf(out, "%.*f\n", d->decimals,
			*(const double *)(const void *)field * d->scale);
		break;
	}
}

void xs_run_print_outcomes(FILE *out, const struct xs_run_result *r)
{
	size_t i = 0, j, end;
	int l;

	while (i < XS_OUTCOME_NDEFS) {
		const struct xs_outcome_def *d = &xs_outcome_table[i];

		if (!d->nlocks) {
			fprintf(out, "%s=", d->name);
			print_value(out, d, r);
			i++;
			continue;
		}
		for (end = i; end < XS_OUTCOME_NDEFS && xs_outcome_table[end].nlocks; end++)
			;
		for (l = 0; l < XS_OUTCOME_NLOCKS; l++) {
			if (!r->locks[l].name[0])
				continue;
			for (j = i; j < end; j++) {
				d = &xs_outcome_table[j];
				if (l >= d->nlocks)
					continue;
				fprintf(out, "lock_%s_%s=", r->locks[l].name, d->name);
				print_value(out, d, &r->locks[l]);
			}
		}
		i = end;
	}
}

const struct xs_outcome_def *xs_outcome_find(const char *name)
{
	const struct xs_outcome_def *best = NULL;
	size_t i, len = strlen(name), n;

	for (i = 0; i < XS_OUTCOME_NDEFS; i++) {
		const struct xs_outcome_def *d = &xs_outcome_table[i];

		if (!d->nlocks) {
			if (strcmp(name, d->name) == 0)
				return d;
			continue;
		}
		/* "lock_" + a lock name + "_" + d->name; the longest figure name wins, so
		 * that lock_X_max_wait_us is max_wait_us of X, not wait_us of X_max */
		n = strlen(d->name);
		if (strncmp(name, "lock_", 5) != 0 || len < 5 + 2 + n ||
		    strcmp(name + len - n, d->name) != 0 || name[len - n - 1] != '_')
			continue;
		if (!best || n > strlen(best->name))
			best = d;
	}
	return best;
}

int xs_outcome_parse(const char *text, void (*fn)(void *arg, const char *name, const char *value),
		     void *arg)
{
	const char *p = text;
	char name[128], value[512];

	while (*p) {
		const char *nl = strchr(p, '\n'), *eq;
		size_t len = nl ? (size_t)(nl - p) : strlen(p), nlen;

		eq = memchr(p, '=', len);
		if (!eq)
			return -EINVAL;
		nlen = (size_t)(eq - p);
		if (nlen >= sizeof(name) || len - nlen - 1 >= sizeof(value))
			return -EINVAL;
		memcpy(name, p, nlen);
		name[nlen] = '\0';
		memcpy(value, eq + 1, len - nlen - 1);
		value[len - nlen - 1] = '\0';
		if (!xs_outcome_find(name))
			return -EINVAL;
		fn(arg, name, value);
		p += len + (nl ? 1 : 0);
	}
	return 0;
}
