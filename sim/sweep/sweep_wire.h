/*
 * The wire format between a sweep's child (which makes one run) and the parent (which
 * stores it): one message per run on a pipe. Not a public interface.
 *
 * "XSR1\n", then either "error LEN\n<text>\n" or "outcomes LEN\n<text>\n",
 * "latency N\n" and N lines, "anomalies N\n" and N × (a line, "LEN\n"-counted detail),
 * then "end\n". Reals are hexadecimal (%a): exact. A message without its "end" line
 * (the child died while writing) does not parse.
 */
#ifndef XS_SWEEP_WIRE_H
#define XS_SWEEP_WIRE_H

#include "outcome/outcome.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A parsed message: error, or the outcome lines with the latency rows and anomalies. */
struct xs_sweep_wire {
	char *error;	/* the run failed: why (then nothing else is set) */
	char *outcomes; /* the name=value lines of xs_run_print_outcomes() */
	struct xs_latency latency[XS_MAX_LATENCY_KINDS];
	int nlatency;
	struct xs_anomaly *anomalies;
	size_t nanomalies;
};

/*
 * The message of one run to m: error != NULL for a failed run (res unused), else res.
 * Out of memory leaves the message without its "end" line, so the parent records a
 * failure.
 */
void xs_sweep_wire_write(FILE *m, const char *error, const struct xs_run_result *res);

/*
 * Parse the whole message buf[0..len) into w. Returns false if it is incomplete or
 * malformed; w holds what was read either way: free it with xs_sweep_wire_free().
 */
bool xs_sweep_wire_parse(const char *buf, size_t len, struct xs_sweep_wire *w);

void xs_sweep_wire_free(struct xs_sweep_wire *w);

#endif /* XS_SWEEP_WIRE_H */
