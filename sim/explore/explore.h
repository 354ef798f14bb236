/*
 * `wpsim explore` (docs/design.md, "Schedules"; docs/explore.md): run a scenario many
 * times under a controlled scheduler, store every run with the schedule it followed,
 * and say what was found and how sure that is.
 *
 * The phases, each a batch of runs in child processes (pool/pool.h; SimGrid's engine
 * is one per process):
 *   1. reference: per value of the compared keys, a few runs under random priorities
 *      and without change points (under bounded, one per initial order of the jobs)
 *      that count the steps (k is drawn from the longest), the controlled actors n,
 *      and list the points visited;
 *   2. generation: per value, --runs runs of the strategy (pct, delay), or the
 *      enumeration of every schedule of at most --depth decisions (bounded);
 *   3. comparison: every schedule generated under one value replayed under every
 *      other value, so that "fails under A and not under B" is a join in the database;
 *   4. shrinking: per value, the first failing schedule (in generation order, not in
 *      order of completion) of the most telling kind (loss, deadlock, leak,
 *      invariant) shrunk by delta debugging over its decisions, then over the
 *      workload (the operations after the last decision cut away) while it still
 *      fails in that way; and its story told (explore/story.h).
 * Everything printed and stored depends on the scenario, the options and the seed
 * only: not on --jobs, nor on the order in which runs end.
 *
 * A run fails when it lost bytes, leaked delalloc blocks, deadlocked or broke an invariant.
 */
#ifndef XS_EXPLORE_H
#define XS_EXPLORE_H

#include "config/scenario.h"
#include "explore/xctl.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define XS_EXPLORE_MAX_AXES	4
#define XS_EXPLORE_MAX_VALUES	64
#define XS_EXPLORE_MAX_VARIANTS 64	   /* value combinations */
#define XS_EXPLORE_MAX_RUNS	1000000ULL /* per value */
#define XS_EXPLORE_MAX_DEPTH	8
#define XS_EXPLORE_SHRINK_CALLS 300 /* replays a shrink may make, per value */
#define XS_EXPLORE_BOUNDED_JOBS 4   /* bounded enumerates the orders of at most 4 jobs */

/* A --compare key and its values. */
struct xs_explore_axis {
	char section[XS_SCN_NAME_MAX], name[XS_SCN_NAME_MAX];
	size_t nvals;
	char *vals[XS_EXPLORE_MAX_VALUES]; /* owned by the caller */
};

struct xs_explore_opts {
	const char *scenario;
	const struct xs_override *ov; /* -s overrides */
	int nov;
	const char *devices_dir;
	enum xs_strategy strategy; /* PCT, DELAY or BOUNDED */
	unsigned depth;		   /* pct: d; delay: decisions per run; bounded: c */
	uint64_t runs;		   /* pct, delay: runs per value; bounded: cap (0: none) */
	uint64_t seed;
	struct xs_explore_axis axes[XS_EXPLORE_MAX_AXES];
	int naxes;
	unsigned jobs;
	unsigned shard_k, shard_n; /* 1/1: everything */
	const char *db;		   /* NULL: store nothing */
	double timeout_s;	   /* per run, 0: none */
	bool progress;		   /* a line on log, redrawn as runs end (a terminal) */
	FILE *out, *log;
};

/*
 * Everything, with the output of docs/design.md, "Commands". Returns the exit status:
 * 0 (also when runs fail: that is a result), 1 runtime failure, 2 bad input (a message
 * on o->log naming the option or the scenario's file, line and key).
 */
int xs_explore_main(const struct xs_explore_opts *o);

#endif /* XS_EXPLORE_H */
