/*
 * The explorer's controllers (actors/control.h): what decides at the scheduling points
 * of one run. Three kinds:
 *
 *   replay  the decisions of a fixed schedule, at the points they name, and its order
 *           as the priorities (when it has an order or a lower decision);
 *   pct     PCT (Burckhardt et al., ASPLOS 2010): every controlled actor gets a
 *           distinct random priority, d - 1 change points are drawn uniformly among
 *           the steps [0, k), and at the i-th one the actor there drops below every
 *           priority given so far; the highest-priority runnable actor passes its
 *           points;
 *   delay   the errortag analogue, without priorities: at d steps drawn uniformly in
 *           [0, k), the actor there is held back (a delay log-uniform between 1 us and
 *           10 ms) or suspended until no other actor can run; a writer whose copy-in
 *           the explorer fails there (below) is held back at that write's write_end
 *           instead, between the failure and its cleanup.
 *
 * Copy-in failures. Under pct and delay, the explorer decides where a write's copy-in
 * comes up short: when a change point or delay lands on a writer in an operation
 * whose copy has not started, that write's copy stops short (pct always, delay with
 * probability 1/2): after 0 bytes with probability 1/2, else after a uniform number
 * of bytes below its length. A change point that falls
 * on the copy itself moves to the actor's next point. This is what widens the window
 * of a failed write, as Dave Chinner's injection and xfs/559's errortag do; the
 * confidence of pct holds for runs with failures injected this way.
 *
 * Every controller records what it did as a schedule (xs_xctl_taken()), in workload
 * terms: replayed under `wpsim run --schedule`, it makes the same run, bit for bit.
 */
#ifndef XS_XCTL_H
#define XS_XCTL_H

#include "actors/control.h"
#include "config/scenario.h"
#include "explore/schedule.h"

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum xs_strategy {
	XS_STRAT_REPLAY = 0,
	XS_STRAT_PCT,
	XS_STRAT_DELAY,
	XS_STRAT_BOUNDED, /* runs replay schedules the enumeration chose (explore.c) */
	XS_STRAT_NR,
};

/* "pct", "delay", "bounded", "replay"; NULL past the table. */
const char *xs_strategy_name(enum xs_strategy s);

#define XS_XCTL_DELAY_MIN_NS 1000ULL	 /* delay's shortest hold-back, 1 us */
#define XS_XCTL_DELAY_MAX_NS 10000000ULL /* ... and longest, 10 ms */

struct xs_xctl_cfg {
	enum xs_strategy strategy;	  /* REPLAY, PCT or DELAY */
	const struct xs_schedule *replay; /* REPLAY: the schedule (valid), else NULL */
	uint64_t seed;			  /* PCT, DELAY: the random choices of this run */
	unsigned depth;			  /* PCT: d (d - 1 change points); DELAY: decisions */
	uint64_t k_steps;		  /* PCT, DELAY: steps drawn from [0, k), k >= 1 */
	bool record_points;		  /* keep every point visited (xs_xctl_visits()) */
};

/* A point an actor reached, as a decision would name it. */
struct xs_xctl_visit {
	struct xs_sched_actor actor;
	uint32_t op, hit;
	enum xs_sched_point point;
	bool writer;
	uint64_t op_len;
};

struct xs_xctl_actor; /* xctl.c */

struct xs_xctl {
	struct xs_ctl ctl; /* what xs_run_ctl() takes */
	struct xs_xctl_cfg cfg;
	gsl_rng *rng;
	uint64_t *change; /* the drawn steps, increasing */
	size_t nchange, next_change;
	struct xs_xctl_actor *actors; /* by creation index */
	size_t nactors, capactors;
	struct xs_schedule taken; /* the decisions carried out (REPLAY: the schedule) */
	struct xs_xctl_visit *visits;
	size_t nvisits, capvisits;
	uint64_t steps; /* points passed */
	int error;	/* -ENOMEM or -E2BIG: the record is incomplete */
	/* a listener (xs_xctl_listen()) */
	void (*on_decision)(void *l, const struct xs_ctl_at *at, const struct xs_ctl_act *act);
	void (*on_event)(void *l, const struct xs_ctl_event *ev);
	void *listener;
};

/*
 * A controller for one run. The scenario is only read for the names of its writers.
 * Returns 0, or -EINVAL (a field out of range) or -ENOMEM.
 */
int xs_xctl_init(struct xs_xctl *x, const struct xs_xctl_cfg *cfg);
void xs_xctl_free(struct xs_xctl *x);

/*
 * Tell listener every decision carried out (not "go on") and every event of a
 * controlled actor (the hooks then describe the state at each event: slower).
 */
void xs_xctl_listen(struct xs_xctl *x,
		    void (*on_decision)(void *l, const struct xs_ctl_at *at,
					const struct xs_ctl_act *act),
		    void (*on_event)(void *l, const struct xs_ctl_event *ev), void *listener);

/*
 * After the run: the schedule it followed, as text (canonical), snprintf-style; the
 * order element lists every controlled actor under pct. Returns the length, or a
 * negative errno when the record is incomplete (x->error).
 */
long xs_xctl_taken(struct xs_xctl *x, char *buf, size_t len);

/*
 * Whether every actor that s names is one of sc's (a job GROUP.JOB with JOB below the
 * group's jobs, or a daemon: flusher.0, reclaim.0, blockgc.0) and fail decisions name
 * writers. 0, or -EINVAL with "schedule: ..." naming the decision in err.
 */
int xs_xctl_check(const struct xs_schedule *s, const struct xs_scenario *sc, char *err,
		  size_t errlen);

#endif /* XS_XCTL_H */
