/*
 * Simulated CPU time that nobody can notice is not slept.
 *
 * A task charges CPU time for each kernel step and sleeps it at the next preemption
 * point, so that other actors may run in between, as other CPUs would. Each sleep is
 * a SimGrid context switch, the dominant cost of a simulated write(). But a sleep
 * that ends before any other actor could possibly run changes nothing: no one else
 * acts in the interval. So every actor keeps a park record — runnable, or blocked
 * until a known time, or blocked until woken through a channel (a lock, a semaphore,
 * a condition) — and a task at a preemption point only sleeps when some other actor
 * could run before its sleep would end. Otherwise the time is deferred: the task's
 * clock (xs_now) runs ahead of SimGrid's, and the deferred time is slept (xs_sched_sync)
 * before anything another actor could observe: waking someone, blocking, I/O, exit.
 *
 * The result is the same simulation, event for event, with fewer context switches.
 * WPSIM_NO_DEFER=1 in the environment sleeps at every preemption point instead;
 * sim/tests/scenarios.sh checks that the outputs are the same both ways. (SimGrid's
 * timing precision is set to 1e-15 s for that: at its default of 1 ns, sleeping
 * 0.3 + 0.4 ns apart or 0.7 ns at once rounds differently. Where the device's
 * bandwidth sharing is solved, sums of the same sleeps in another order can still
 * move an I/O completion by a nanosecond.)
 *
 * Controlled mode. Under a schedule (actors/control.h) the order of the jobs and
 * daemons is no longer left to their speeds. An actor stopped at a point by the
 * controller parks on the run's turn channel: suspended (until no other controlled
 * actor can run: each is blocked, suspended or gone), or, when priorities are in
 * force, waiting for its turn (it passes a point only when no runnable controlled
 * actor has a higher priority). Runnable means: running, sleeping CPU time, or waiting
 * for a turn; blocked means: parked on a channel, or sleeping time that is not CPU
 * time (a start delay, a dirty-page throttle, a delay decision). Whenever a controlled
 * actor stops being runnable or drops its priority, the waiters look again.
 * Deferral stays safe: a waiting actor wakes only when another blocks, and blocking
 * syncs first.
 *
 * The time limit. Every timed sleep of a run (CPU time, a start delay, a throttle, a
 * delay decision, a device's service time) that would end past the run's limit_s ends
 * there instead (xs_sched_clamp), and notes limit_hit; one that finds the limit passed
 * sleeps nothing but lets the other actors of the instant run (sg_actor_yield; not under
 * a controller, whose schedule orders them), so that a loop that waits for time to pass
 * still sees the others' progress. Time stops at
 * the limit: the jobs see it (their own cut sleep, at_limit, or their clock: a sleep cut
 * to end at the limit may end a rounding short of it) and start no new operation, and
 * what they were doing, the daemons and the end of the run finish at that instant. A
 * run that never reaches the limit sleeps exactly as without it. Only the flusher's
 * period is cut to the limit, and only before it (xs_sched_timeout): its wake-up there
 * and past it bounds a run whose jobs are all blocked (lockwatch.h); the other daemons
 * keep their periods, being woken at the end of the run anyway.
 *
 * Every actor's data (sg_actor_get_data) starts with its struct xs_park, which leads to
 * the table of the run it belongs to (struct xs_sched, a member of the run): nothing
 * here is global, and the wake-ups and the quiet test of an actor look at its own
 * run's table.
 */
#ifndef XS_SCHED_H
#define XS_SCHED_H

#include <simgrid/forward.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xs_sched;

struct xs_park {
	struct xs_sched *sched; /* the run's table */
	double wake_at;		/* -INFINITY: runnable; +INFINITY: until woken via chan */
	const void *chan;	/* what may wake it early; NULL: only time */
	uint64_t seq;		/* when it parked, for first-come hand-overs */
	double deferred;	/* CPU time passed at preemption points, not slept yet (s) */
	bool dead;
	bool at_limit; /* a sleep of its own was cut at the run's time limit */
	/* controlled mode (see "Controlled mode" above) */
	bool ctl;	   /* an actor the controller schedules: a job or a daemon */
	bool oncpu;	   /* the timed sleep in progress is CPU time: still running */
	uint8_t waiting;   /* XS_PARK_TURN or XS_PARK_SUSPENDED at a point, else 0 */
	int64_t prio;	   /* larger runs first (prioritised mode) */
	uint64_t susp_seq; /* when it was suspended, for first-come resumption */
};

enum { XS_PARK_TURN = 1, XS_PARK_SUSPENDED = 2 };

/* The park records of one run's actors. */
struct xs_sched {
	struct xs_park **parks;
	size_t nparks, capparks;
	uint64_t park_seq; /* last xs_park() */
	/* WPSIM_NO_DEFER=1: sleep at every preemption point (the reference behaviour) */
	bool no_defer;
	/* controlled mode: on while the workload runs under a controller */
	bool ctl_on, prioritised;
	unsigned turn_waiters; /* actors waiting at a point for their turn or resumption */
	uint64_t susp_seq;     /* last suspension */
	sg_mutex_t turn_mx;    /* (SimGrid's condition needs one) */
	sg_cond_t turn_cond;   /* broadcast when an actor stops running */
	/* the time limit (see "The time limit" above); INFINITY: none */
	double limit_s;
	bool limit_hit; /* a sleep was cut at the limit, or a job stopped there */
	/* address space held for the actors' stacks not created yet (xs_sched_stacks) */
	void *stack_reserve;
	size_t stack_bytes; /* one stack with its guard page */
	size_t stacks_left;
};

/* An empty table for a new run; reads WPSIM_NO_DEFER from the environment. */
void xs_sched_init(struct xs_sched *s);
void xs_sched_destroy(struct xs_sched *s);
/* A new actor of s's run: runnable from now. */
void xs_park_register(struct xs_sched *s, struct xs_park *p);
/* The calling actor's record. */
struct xs_park *xs_park_self(void);
/* The calling actor is about to block on chan (NULL: a timed sleep) until wake_at. */
void xs_park(struct xs_park *p, const void *chan, double wake_at);
/* ... and is back. */
void xs_unpark(struct xs_park *p);
/* The calling actor ends. */
void xs_park_exit(struct xs_park *p);
/* Wake-ups, by an actor, of the actors of its run: every one parked on chan (a
 * broadcast), or the one parked first (a semaphore release or mutex hand-over). */
void xs_wake_all(const void *chan);
void xs_wake_one(const void *chan);
/* Can no actor but self run before (and at) until? */
bool xs_sched_quiet(const struct xs_park *self, double until);

/* The part of a sleep of d seconds from start that ends by the limit (0 past it). */
double xs_sched_clamp(struct xs_sched *s, double start, double d);
/* A timeout of d seconds from now: cut to the limit before it, whole past it. */
double xs_sched_timeout(const struct xs_sched *s, double d);

/*
 * SimGrid aborts when it cannot map an actor's stack. So a run holds the address space
 * of the n stacks it will create from the start (a limit such as ulimit -v counts every
 * mapping), or fails there as out of memory (core/xalloc.h); each actor's creation gives
 * its piece back just before (xs_sched_stack_take). xs_sched_destroy() frees the rest.
 */
void xs_sched_stacks(struct xs_sched *s, size_t n);
void xs_sched_stack_take(struct xs_sched *s);

/* The calling actor's clock: SimGrid's plus what it deferred. */
double xs_now(void);
/* Sleep d seconds (after what was deferred). */
void xs_sleep(double d);
/* Sleep what was deferred, so that SimGrid's clock is the actor's. */
void xs_sched_sync(void);
/*
 * A preemption point owing d more seconds of CPU time: sleep them (and what was
 * deferred) unless no other actor could run before they end; then defer them.
 */
void xs_sched_yield(double d);

/* Controlled mode on (prioritised: priorities decide at every point) or off (the
 * waiters go on). Between simgrid_init() and the end of the run. */
void xs_sched_ctl_start(struct xs_sched *s, bool prioritised);
void xs_sched_ctl_stop(struct xs_sched *s);
void xs_sched_ctl_end(struct xs_sched *s); /* frees the SimGrid objects */
/* At a point: wait for the turn (prioritised mode only); suspend until no other
 * controlled actor can run. */
void xs_sched_turn(struct xs_park *p);
void xs_sched_suspend(struct xs_park *p);
/* p's priority changes (the waiters look again). */
void xs_sched_set_prio(struct xs_park *p, int64_t prio);
/* Sleep d seconds of time that is not CPU time (the actor is blocked meanwhile). */
void xs_sleep_blocked(double d);

#endif /* XS_SCHED_H */
