/*
 * The controlled scheduler's interface (docs/design.md, "Schedules"): a controller
 * decides, at every scheduling point of the jobs and daemons of a run, whether the
 * actor goes on, is held back, is suspended, drops its priority, or whether the
 * copy-in of its write comes up short; and, when priorities are in force, which
 * runnable actor passes its next point first. The actors provide the mechanism
 * (sched.h, "Controlled mode"); the explorer (sim/explore/) implements the
 * controllers: a fixed schedule to replay, or a strategy deciding as the run goes.
 *
 * A point is named in workload terms: the actor (group and job, as in the scenario;
 * a daemon is its name and job 0: flusher.0), its own 0-based operation number (a
 * job's loop iteration, a daemon's wake-up), the point, and how many times the actor
 * reached the same point earlier in the same operation. Nothing in it depends on
 * simulated time, so a decision means the same under every policy.
 *
 * Under a controller, copy-in failures come only from its decisions: a group's
 * fail_rate is not drawn.
 */
#ifndef XS_CONTROL_H
#define XS_CONTROL_H

#include "core/inode.h"

#include <stdbool.h>
#include <stdint.h>

/* The scheduling points: the core's preemption points keep their numbers. */
enum xs_ctl_point {
	XS_CP_LOCK_I_RWSEM = XS_PT_NR, /* before taking i_rwsem (either mode) */
	XS_CP_LOCK_INVALIDATE,	       /* before taking invalidate_lock */
	XS_CP_LOCK_ILOCK,	       /* before taking the ILOCK */
	XS_CP_LOCK_FOLIO,	       /* before locking a folio */
	XS_CP_UNLOCK_I_RWSEM,	       /* before releasing ... */
	XS_CP_UNLOCK_INVALIDATE,
	XS_CP_UNLOCK_ILOCK,
	XS_CP_UNLOCK_FOLIO,
	XS_CP_IO_SUBMIT,   /* before a write I/O (an ioend) is issued */
	XS_CP_IO_COMPLETE, /* the completion work (endio.0) starts on the ioends done */
	XS_CP_WAKE,	   /* a daemon woke up (its operation starts) */
	XS_CP_OP,	   /* a job starts an operation */
	XS_CP_LOCK_MMAP,   /* before taking the process's mmap_lock (either mode) */
	XS_CP_UNLOCK_MMAP, /* before releasing it */
	XS_CP_NR,
};

enum xs_ctl_kind {
	XS_CTL_GO = 0,	/* no decision here */
	XS_CTL_SUSPEND, /* until no other controlled actor can run */
	XS_CTL_DELAY,	/* arg: nanoseconds held back (blocked) */
	XS_CTL_FAIL,	/* arg: the copy-in of this write stops after arg bytes of it */
	XS_CTL_LOWER,	/* drop below every priority given so far (PCT's change point) */
};

struct xs_ctl_act {
	enum xs_ctl_kind kind;
	uint64_t arg;
};

/* Who an actor is. */
struct xs_ctl_actor {
	const char *group; /* scenario section, or the daemon's name */
	uint32_t job;
	bool writer; /* a job of kind writer: FAIL applies at its write_copy */
	int index;   /* 0-based among the controlled actors, in creation order */
};

/* Where an actor is. */
struct xs_ctl_at {
	struct xs_ctl_actor who;
	uint32_t op, hit;
	enum xs_ctl_point point;
	uint64_t step;	 /* points passed by all controlled actors before this one */
	uint64_t op_len; /* a write: its length in bytes (FAIL below it fails) */
};

/*
 * Something the model did (enum xs_event_kind), by a controlled actor, with the state
 * it left at the first block of the range: what a story of the run is told with.
 */
struct xs_ctl_event {
	struct xs_ctl_actor who;
	uint32_t op;
	double t; /* simulated time, s */
	enum xs_event_kind kind;
	uint64_t off, len;     /* bytes */
	const char *extent;    /* "hole", "delalloc", "unwritten", "written" */
	const char *folio;     /* "none", "clean", "dirty", "writeback" (+ ",uptodate") */
	uint64_t delayed_blks; /* the inode's delalloc blocks (i_delayed_blks) */
	int64_t fdblocks;      /* the mount's free blocks (m_fdblocks) */
};

struct xs_ctl_ops {
	/* A controlled actor is created: its initial priority (larger first). */
	int64_t (*priority)(void *arg, const struct xs_ctl_actor *who);
	/* At a point: the decision. A FAIL elsewhere than a writer's write_copy, hit 0, is
	 * ignored. */
	struct xs_ctl_act (*decide)(void *arg, const struct xs_ctl_at *at);
	/* An event of a controlled actor while the workload runs; may be NULL. */
	void (*event)(void *arg, const struct xs_ctl_event *ev);
};

struct xs_ctl {
	const struct xs_ctl_ops *ops;
	void *arg;
	bool prioritised; /* priorities decide at every point */
};

/* The daemons, in the order they start: each is one controlled actor, NAME.0. */
#define XS_CTL_NDAEMONS 4
#define XS_CTL_ENDIO	3 /* the I/O completion worker */
extern const char *const xs_ctl_daemons[XS_CTL_NDAEMONS];

/* The canonical name of a point ("write_copy", "lock.folio"), NULL past the table. */
const char *xs_ctl_point_name(enum xs_ctl_point p);

#endif /* XS_CONTROL_H */
