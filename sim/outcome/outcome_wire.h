/*
 * The message of one run from the child process that made it (pool/pool.h) to the
 * parent that stores it: a struct xs_run_result, or why the run failed, as text.
 *
 * "XSR1\n", then either "error LEN\n<text>\n" or "outcomes LEN\n<text>\n",
 * "latency N\n" and N lines, "glatency N\n" and N lines (per actor group: the group's
 * name after its length, as it may hold blanks), "anomalies N\n" and N × (a line, "LEN\n"-counted
 * detail), then optionally "extra LEN\n<text>\n" (text the caller attaches, opaque here), then
 * "end\n". Reals are hexadecimal (%a): exact. A message without its "end" line (the
 * child died while writing) does not parse.
 */
#ifndef XS_OUTCOME_WIRE_H
#define XS_OUTCOME_WIRE_H

#include "outcome/outcome.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A parsed message: error, or the outcome lines with the latency rows and anomalies. */
struct xs_outcome_wire {
	char *error;	/* the run failed: why (then nothing else is set) */
	char *outcomes; /* the name=value lines of xs_run_print_outcomes() */
	struct xs_latency latency[XS_MAX_LATENCY_KINDS];
	int nlatency;
	struct xs_group_latency *group_latency; /* malloc'd */
	size_t ngroup_latency;
	struct xs_anomaly *anomalies;
	size_t nanomalies;
	char *extra; /* the extra section's text, or NULL when there is none */
};

/*
 * The message of one run to m: error != NULL for a failed run (res unused), else res;
 * extra, when not NULL, as the extra section. Out of memory leaves the message without
 * its "end" line, so the parent records a failure.
 */
void xs_outcome_wire_write(FILE *m, const char *error, const struct xs_run_result *res,
			   const char *extra);

/*
 * Parse the whole message buf[0..len) into w. Returns false if it is incomplete or
 * malformed; w holds what was read either way: free it with xs_outcome_wire_free().
 */
bool xs_outcome_wire_parse(const char *buf, size_t len, struct xs_outcome_wire *w);

void xs_outcome_wire_free(struct xs_outcome_wire *w);

#endif /* XS_OUTCOME_WIRE_H */
