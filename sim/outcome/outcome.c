/*
 * Outcomes: freeing a result and printing its name=value lines (outcome.h).
 */
#include "outcome/outcome.h"

#include <stdlib.h>

void xs_run_result_free(struct xs_run_result *res)
{
	size_t i;

	for (i = 0; i < res->nanomalies; i++)
		free(res->anomalies[i].detail);
	free(res->anomalies);
	res->anomalies = NULL;
	res->nanomalies = 0;
}

void xs_run_print_outcomes(FILE *out, const struct xs_run_result *r)
{
	int i;

	/* not among the fixed outcomes: SIGBUS stores (ENOSPC, beyond EOF), lock figures */
	fprintf(out, "sigbus=%llu\n", (unsigned long long)r->sigbus);
	for (i = 0; i < 4; i++) {
		if (!r->locks[i].name[0])
			continue;
		fprintf(out, "lock_%s_contended=%llu\n", r->locks[i].name,
			(unsigned long long)r->locks[i].contended);
		fprintf(out, "lock_%s_wait_us=%.3f\n", r->locks[i].name, r->locks[i].wait_s * 1e6);
		fprintf(out, "lock_%s_max_wait_us=%.3f\n", r->locks[i].name,
			r->locks[i].max_wait_s * 1e6);
		if (i < 2)
			fprintf(out, "lock_%s_hold_us=%.3f\n", r->locks[i].name,
				r->locks[i].hold_s * 1e6);
	}
	fprintf(out, "lost_bytes=%llu\n", (unsigned long long)r->lost_bytes);
	fprintf(out, "lost_stores=%llu\n", (unsigned long long)r->lost_stores);
	fprintf(out, "leaked_delalloc_blocks=%llu\n",
		(unsigned long long)r->leaked_delalloc_blocks);
	fprintf(out, "delalloc_at_unmount=%lld\n", (long long)r->delalloc_at_unmount);
	fprintf(out, "invariant_violations=%llu\n", (unsigned long long)r->invariant_violations);
	fprintf(out, "writes=%llu\n", (unsigned long long)r->writes);
	fprintf(out, "faults=%llu\n", (unsigned long long)r->faults);
	fprintf(out, "short_copies=%llu\n", (unsigned long long)r->short_copies);
	fprintf(out, "write_lat_p50_us=%.3f\n", r->write_lat_p50_us);
	fprintf(out, "write_lat_p99_us=%.3f\n", r->write_lat_p99_us);
	fprintf(out, "fault_lat_p50_us=%.3f\n", r->fault_lat_p50_us);
	fprintf(out, "fault_lat_p99_us=%.3f\n", r->fault_lat_p99_us);
	fprintf(out, "sim_time_s=%.9f\n", r->sim_time_s);
	fprintf(out, "wall_time_s=%.3f\n", r->wall_time_s);
	fprintf(out, "events=%llu\n", (unsigned long long)r->events);
}
