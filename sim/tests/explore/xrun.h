/*
 * Whole runs under an explorer's controller (explore/xctl.h), each in a forked child
 * (tests/actors/simfork.h: SimGrid's engine runs once per process), for the tests of
 * the controllers, the controlled scheduler and the story. The child sends back the
 * schedule the run took, its outcome lines, and the events and decisions it saw.
 */
#ifndef XS_TEST_XRUN_H
#define XS_TEST_XRUN_H

#include "explore/xctl.h"

#include <stddef.h>
#include <stdint.h>

#define XRUN_MAX_EVENTS 512

/* What to run. */
struct xrun_in {
	const char *ini;			    /* scenario file */
	const char *ov_section, *ov_key, *ov_value; /* one -s override, or NULL */
	enum xs_strategy strategy;		    /* REPLAY, PCT or DELAY */
	const char *spec;			    /* REPLAY: the schedule's text */
	uint64_t seed, k;
	unsigned depth;
	int story; /* 1: tell the story (interleaving); 0: record the events */
};

/* One event of a controlled actor, or (decision) a decision carried out. */
struct xrun_ev {
	char group[XS_SCHED_GROUP_MAX + 1];
	uint32_t job, op;
	int decision;
	int kind; /* enum xs_event_kind, or enum xs_ctl_kind for a decision */
	double t;
};

struct xrun_out {
	int ok; /* the run ran */
	char err[512];
	char spec[8192];      /* xs_xctl_taken() */
	char outcomes[32768]; /* xs_run_print_outcomes() but wall_time_s (host time) */
	uint64_t steps, nactors, lost_bytes, invariant_violations;
	char interleaving; /* story only */
	size_t nev;
	int ev_cut;
	struct xrun_ev ev[XRUN_MAX_EVENTS];
};

/* Run in a child; out is filled (out->ok 0 and a reason in out->err if not). */
void xrun(const struct xrun_in *in, struct xrun_out *out);

/* ... a REPLAY of spec on ini, with an optional override (section NULL: none). */
void xrun_replay(const char *ini, const char *spec, const char *section, const char *key,
		 const char *value, struct xrun_out *out);

/* Index of the first event of group (from index from on) of kind (-1: any), or nev. */
size_t xrun_find(const struct xrun_out *o, size_t from, const char *group, int kind);

#endif /* XS_TEST_XRUN_H */
