/*
 * A schedule: the decisions a controlled scheduler takes in one run of a scenario,
 * as data. It is stored as one line of text (a database column, the argument of
 * `wpsim run --schedule SPEC`), so the text form is the interface and this module
 * owns it: parse, format, and the canonical form that makes two equal schedules one
 * string.
 *
 * A decision is in workload terms (which actor, which of its operations, which
 * preemption point), never in simulated time or scheduler steps, so that one schedule
 * means the same under every kernel policy.
 *
 * The text, in full (ABNF-like; every literal is case-sensitive):
 *
 *   schedule = "none" / element *( "," element )
 *   element  = order / decision
 *   order    = "order=" actor *( "/" actor )        ; at most one, no actor twice
 *   decision = actor "@" op [ "+" hit ] ":" point ":" action
 *   actor    = group "." job                        ; pwriter.0: job 0 of [pwriter]
 *   group    = 1*32( ALPHA / DIGIT / "_" / "-" )     ; a scenario section name
 *   job, op, hit = "0" / %x31-39 *DIGIT              ; 0 .. 4294967295, no leading 0
 *   point    = name *( "." name )                    ; one of the point table
 *   name     = %x61-7A *( %x61-7A / DIGIT / "_" )
 *   action   = "suspend" / "lower" / "delay=" time / "fail=" size
 *   time     = xs_units_time() text: a decimal and ns, us, ms or s; a whole number
 *              of nanoseconds from 1ns to 3600s
 *   size     = xs_units_size() text: digits and k, m, g or t; 0 .. 2^63 - 1 bytes
 *
 * op is the actor's own 0-based count of its workload operations; hit is the 0-based
 * count of the earlier times the actor reached the same point in the same operation
 * (write_copy+2: the third chunk copied). Simplification: how often a point is hit
 * within one operation may depend on the kernel (large folios split a write into
 * fewer chunks), so only hit 0 of a point is the same moment under every policy.
 *
 * Actions: suspend (the actor waits until every other actor blocks or ends),
 * delay=TIME (the actor is held back that long), fail=BYTES (the copy-in of that write
 * comes up short once BYTES bytes of the operation are copied: point write_copy, hit
 * 0 only, as BYTES says where), lower (PCT: the actor drops to the lowest priority).
 * order= is PCT's initial priority order, highest first; actors it does not name rank
 * below those it does.
 *
 * Canonical text: "none" for no element; the order element first; decisions sorted by
 * group (bytewise), job, op, point (table order), hit; "+0" left out; a delay in the
 * largest of s, ms, us, ns that divides it; a size as xs_units_size_format() writes it.
 * A schedule has at most one decision per (actor, op, point, hit).
 *
 * Bounds: text longer than XS_SCHED_TEXT_MAX or more than XS_SCHED_DECISIONS_MAX
 * decisions or XS_SCHED_ORDER_MAX ordered actors are refused, and every schedule
 * within them formats to at most XS_SCHED_TEXT_MAX characters.
 *
 * Points: the actors' scheduling points (enum xs_ctl_point, actors/control.h) with
 * their names: the core's preemption points (write_mapped ... wb_folio), lock.X and
 * unlock.X for X in i_rwsem, invalidate_lock, ilock, folio, io.submit, io.complete
 * wake (a daemon's operation starts) and op (a job's operation starts).
 */
#ifndef XS_SCHEDULE_H
#define XS_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#define XS_SCHED_TEXT_MAX	65536 /* characters of a schedule's text, NUL excluded */
#define XS_SCHED_DECISIONS_MAX	512
#define XS_SCHED_ORDER_MAX	64
#define XS_SCHED_GROUP_MAX	32 /* characters of a group name */
#define XS_SCHED_POINT_NAME_MAX 24 /* characters of a point name in the table */
#define XS_SCHED_DELAY_MAX_NS	3600000000000ULL
#define XS_SCHED_FAIL_MAX_BYTES ((uint64_t)INT64_MAX)

/* Where a decision applies: the actors' enum xs_ctl_point (actors/control.h), same numbers. */
enum xs_sched_point {
	XS_SP_WRITE_MAPPED = 0,
	XS_SP_WRITE_COPY,
	XS_SP_WRITE_CHUNK_DONE,
	XS_SP_WRITE_END,
	XS_SP_PUNCH,
	XS_SP_FAULT,
	XS_SP_FAULT_MAPPED,
	XS_SP_WB_FOLIO,
	XS_SP_LOCK_I_RWSEM,
	XS_SP_LOCK_INVALIDATE,
	XS_SP_LOCK_ILOCK,
	XS_SP_LOCK_FOLIO,
	XS_SP_UNLOCK_I_RWSEM,
	XS_SP_UNLOCK_INVALIDATE,
	XS_SP_UNLOCK_ILOCK,
	XS_SP_UNLOCK_FOLIO,
	XS_SP_IO_SUBMIT,
	XS_SP_IO_COMPLETE,
	XS_SP_WAKE,
	XS_SP_OP,
	XS_SP_LOCK_MMAP,
	XS_SP_UNLOCK_MMAP,
	XS_SP_NR,
};

enum xs_sched_action {
	XS_SA_SUSPEND = 0,
	XS_SA_DELAY, /* arg: nanoseconds, 1 .. XS_SCHED_DELAY_MAX_NS */
	XS_SA_FAIL,  /* arg: bytes of the operation copied, 0 .. XS_SCHED_FAIL_MAX_BYTES */
	XS_SA_LOWER,
	XS_SA_NR,
};

struct xs_sched_actor {
	char group[XS_SCHED_GROUP_MAX + 1]; /* NUL-terminated, 1..32 characters */
	uint32_t job;
};

struct xs_sched_decision {
	struct xs_sched_actor actor;
	uint32_t op;
	uint32_t hit;
	enum xs_sched_point point;
	enum xs_sched_action action;
	uint64_t arg; /* units by action, 0 for suspend and lower */
};

/*
 * One schedule. Owns its arrays (xs_schedule_free()). Valid (xs_schedule_check())
 * means: within the bounds, every field within its range, decisions in canonical
 * order with no two at the same (actor, op, point, hit), no actor twice in order.
 */
struct xs_schedule {
	struct xs_sched_decision *d;
	size_t nd;
	struct xs_sched_actor *order; /* highest priority first */
	size_t norder;
};

/*
 * Read a schedule's text into *s (overwritten; free it with xs_schedule_free() on
 * success). Any element order is accepted; *s comes out in canonical order. Returns 0,
 * -EINVAL with "schedule: at character N: WHAT: problem (accepted: ...)" in err (N
 * 1-based, err may be NULL), or -ENOMEM. On error *s is empty and owns nothing.
 */
int xs_schedule_parse(const char *text, struct xs_schedule *s, char *err, size_t errlen);

/*
 * Write the canonical text of a valid schedule into buf (len bytes), snprintf-style:
 * returns the length of the whole text (at most XS_SCHED_TEXT_MAX), truncated to fit
 * len. Invalid schedules are a bug (assertion). xs_schedule_parse() of the text gives
 * back an equal schedule.
 */
size_t xs_schedule_format(const struct xs_schedule *s, char *buf, size_t len);

/*
 * Append a decision (or, with xs_schedule_add_order(), an actor of the order),
 * checking its fields and the bounds but not the order: call xs_schedule_sort() when
 * done. Returns 0, -EINVAL (a field out of range, why says which), -E2BIG (bound
 * reached) or -ENOMEM.
 */
int xs_schedule_add(struct xs_schedule *s, const struct xs_sched_decision *d, char *why,
		    size_t whylen);
int xs_schedule_add_order(struct xs_schedule *s, const struct xs_sched_actor *a, char *why,
			  size_t whylen);

/* Put the decisions in canonical order. Duplicates stay (xs_schedule_check() finds them). */
void xs_schedule_sort(struct xs_schedule *s);

/*
 * Whether s is valid (see struct xs_schedule): 0, or -EINVAL with the first problem in
 * why. Recounts everything from scratch.
 */
int xs_schedule_check(const struct xs_schedule *s, char *why, size_t whylen);

/* Whether two schedules are the same: 1 or 0. Both valid. */
int xs_schedule_equal(const struct xs_schedule *a, const struct xs_schedule *b);

/*
 * A deep copy of a valid schedule keeping only the decisions whose indices are in
 * keep (nkeep of them, increasing), and the whole order: what a shrinker tries.
 * Returns 0 or -ENOMEM (*out empty).
 */
int xs_schedule_subset(const struct xs_schedule *s, const size_t *keep, size_t nkeep,
		       struct xs_schedule *out);

/* Release what s owns; s becomes the empty schedule ("none"). */
void xs_schedule_free(struct xs_schedule *s);

/* Canonical names: "write_copy", "delay". NULL past the end of the table. */
const char *xs_sched_point_name(enum xs_sched_point p);
const char *xs_sched_action_name(enum xs_sched_action a);

/* Compare two decisions in canonical order (qsort-style; the action is not part of it). */
int xs_sched_decision_cmp(const struct xs_sched_decision *a, const struct xs_sched_decision *b);

#endif /* XS_SCHEDULE_H */
