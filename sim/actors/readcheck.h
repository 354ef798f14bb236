/*
 * Reads checked against the oracle (docs/design.md, "Read checks"): what a read()
 * returned is compared with what the oracle allows, and each read with a byte it does
 * not allow is counted (read_mismatches) and recorded as a read_mismatch anomaly.
 */
#ifndef XS_READCHECK_H
#define XS_READCHECK_H

#include "actors/run_internal.h"

/* What a read needs to remember from its start. */
struct xs_readcheck {
	uint64_t off, len;
	double t0;
	uint8_t *before;    /* the oracle's bytes [off, off + len) when the read began */
	uint64_t *inflight; /* operations begun and not ended when the read began */
	size_t ninflight;
	size_t nops0; /* operations begun before the read */
};

/* Before the read of [off, off + len) starts. */
void xs_readcheck_begin(struct xs_run *run, struct xs_readcheck *rc, uint64_t off, uint64_t len);
/* After it returned got bytes into buf (got < 0: an error, nothing to check). */
void xs_readcheck_end(struct xs_run *run, struct xs_task *t, struct xs_readcheck *rc,
		      const uint8_t *buf, int64_t got);

/* Free rc (may be NULL) and what a read killed before its end left in it. */
void xs_readcheck_free(struct xs_readcheck *rc);

#endif /* XS_READCHECK_H */
