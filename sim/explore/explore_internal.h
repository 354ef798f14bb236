/*
 * The state of one `wpsim explore` (explore.c) and its runs (explore_job.c). Not a
 * public interface.
 */
#ifndef XS_EXPLORE_INTERNAL_H
#define XS_EXPLORE_INTERNAL_H

#include "explore/explore.h"
#include "actors/run.h"
#include "explore/xctl.h"
#include "pool/progress.h"
#include "store/store.h"

#include <stdbool.h>
#include <stdint.h>

/* One value combination of the --compare keys, loaded as a scenario. */
struct xp_variant {
	struct xs_scenario *sc;
	struct xs_override *ov; /* what it was loaded with: the -s overrides, then the values */
	int nov;
	char label[512];      /* "global.kernel=6.1;pwriter.bs=8" or "" without --compare */
	char params_hash[17]; /* FNV-1a of every resolved key: the run keys' prefix */
	/* the reference run(s) */
	uint64_t k_ref, n_actors;
	/* the runs made under it */
	uint64_t runs, failing;
	uint64_t generated, gen_failing, max_steps;
	uint64_t gen_planned;	  /* schedules its generation chose in this shard */
	uint64_t gen_total;	  /* ... in every shard (bounded: the enumeration's size) */
	int64_t first_fail;	  /* generation index of the first failing run, -1: none */
	char *first_fail_spec;	  /* its schedule */
	unsigned first_fail_kind; /* its most telling XP_FAIL_* */
	char *minimal_spec;	  /* after shrinking */
	char *minimal_workload;	  /* "pwriter.ops=6 mmapper.ops=9", or "" */
	bool minimal_proven;	  /* ddmin ended 1-minimal within its budget */
	char *story;		  /* the minimal run's step table */
};

/* Runs under random priorities without change points that measure a value's steps. */
#define XP_REFERENCE_RUNS 8

/* How a run fails, most telling first (a shrink keeps the first kind it started with). */
enum {
	XP_FAIL_LOSS = 1u << 0,
	XP_FAIL_DEADLOCK = 1u << 1,
	XP_FAIL_LEAK = 1u << 2,
	XP_FAIL_INVARIANT = 1u << 3,
};

/* One run to make, and what came of it. */
struct xp_job {
	size_t var;		      /* the value it runs under */
	size_t gen_var;		      /* the value whose generation chose its schedule */
	enum xs_strategy chose;	      /* pct, delay, bounded; replay: a reference or a shrink */
	enum xs_strategy mode;	      /* what its controller does: PCT, DELAY or REPLAY */
	uint64_t index;		      /* in its generation */
	uint64_t seed;		      /* PCT, DELAY */
	uint64_t k;		      /* PCT, DELAY */
	unsigned depth;		      /* PCT, DELAY: 0 for the explore's --depth */
	const char *spec;	      /* REPLAY: the schedule (owned by the caller) */
	const struct xs_scenario *sc; /* NULL: the variant's (a shrunk workload otherwise) */
	bool record_points, story, store;
	const char *minimal_of; /* stored as the minimal form of that schedule */
	/* results */
	bool ok, failing;
	unsigned fail_kinds; /* XP_FAIL_* of a failing run */
	char *taken;	     /* the schedule it followed */
	uint64_t steps, n_actors;
	struct xs_xctl_visit *visits;
	size_t nvisits;
	char *error;
	char *story_text;
};

struct xp {
	const struct xs_explore_opts *o;
	struct xp_variant *vars;
	size_t nvars;
	struct xs_store *st;
	int64_t sweep_id;
	char host[256];
	int status;		 /* exit status so far */
	struct xs_engine engine; /* started here when every value has one device */
	/* the progress line */
	const char *phase;
	char phase_buf[80]; /* a phase that names a count */
	uint64_t done, total, failing;
	struct xs_progress pg;
};

/* Run jobs[0..n) in child processes, --jobs at a time; store each when j->store.
 * Returns 0, or 1 after a message on o->log (the exit status is then 1). */
int xp_run_jobs(struct xp *ex, struct xp_job *jobs, size_t n);
/* Free what a job's results own. */
void xp_job_clear(struct xp_job *j);

/* The schedules of a bounded enumeration, in order. */
struct xs_bounded {
	char **specs;
	uint64_t nspecs;
};

/* Enumerate under value var (explore_bounded.c). Returns 0, 1 or 2 (exit status,
 * after a message). */
int xp_bounded_plan(struct xp *ex, size_t var, struct xs_bounded *bd);
void xs_bounded_free(struct xs_bounded *bd);

/* Phase 4 (explore_shrink.c): shrink each value's first failing schedule and tell
 * its story. Returns 0 or 1. */
int xp_shrink_all(struct xp *ex);

/* 64-bit FNV-1a of s, as 16 hex digits. */
void xp_hash_hex(const char *s, size_t n, char out[17]);

#endif /* XS_EXPLORE_INTERNAL_H */
