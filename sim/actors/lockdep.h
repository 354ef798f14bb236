/*
 * The lock validator and the deadlock detector's graph search (docs/kernel.md, "Locks
 * and lock order"). Plain C, no SimGrid: hooks.c feeds it, the tests drive it with
 * hand-made acquisitions and wait-for graphs.
 *
 * The validator follows kernel/locking/lockdep.c: locks belong to classes (one per
 * kind of lock, not per instance), each task keeps the stack of the locks it holds,
 * and "held A while acquiring B" is an edge A -> B of the class graph, remembered with
 * the first pair of acquisition sites (the kernel function that took A, the one taking
 * B). A new edge that closes a cycle is a possible deadlock, reported whether or not
 * the schedule of this run made it happen. Taking a class already held is recursion:
 * allowed when both are reads (as the model's rwsems are asked to allow), reported
 * otherwise. Each distinct cycle, and each (class, held mode, new mode) recursion, is
 * reported once.
 *
 * The deadlock detector's part is the search of a wait-for graph of tasks (a task
 * blocked on a lock waits for its holders and for the waiters queued ahead of it; it
 * can go on only when all of them have): a cycle through the task about to block is
 * a deadlock that no schedule can undo.
 */
#ifndef XS_LOCKDEP_H
#define XS_LOCKDEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XS_LD_MAX_CLASSES 8
#define XS_LD_MAX_HELD	  16
#define XS_LD_MAX_CYCLES  32

/* One lock a task holds: its class, mode, instance and who took it. */
struct xs_ld_held {
	int cls;
	bool write;
	const void *lock; /* the instance (an rwsem, the folio table) */
	uint64_t sub;	  /* within it (a folio's index), else 0 */
	const char *fn;	  /* the model function that took it (__func__) */
};

/* A task's held-lock stack, most recent last. */
struct xs_ld_task {
	struct xs_ld_held held[XS_LD_MAX_HELD];
	int n;
};

/* The first acquisition pair that made an edge A -> B. */
struct xs_ld_site {
	const char *holder_fn; /* took A */
	const char *taker_fn;  /* took B while holding A */
};

/* Reports go to fn(arg, detail); the detail lives during the call only. */
typedef void (*xs_ld_report_fn)(void *arg, const char *detail);

struct xs_lockdep {
	int nclasses;
	const char *const *names; /* [nclasses] */
	bool edge[XS_LD_MAX_CLASSES][XS_LD_MAX_CLASSES];
	struct xs_ld_site site[XS_LD_MAX_CLASSES][XS_LD_MAX_CLASSES];
	/* reported cycles, each rotated to start at its smallest class */
	uint8_t cycle[XS_LD_MAX_CYCLES][XS_LD_MAX_CLASSES];
	uint8_t cycle_len[XS_LD_MAX_CYCLES];
	int ncycles;
	bool recursion_seen[XS_LD_MAX_CLASSES][2][2]; /* [class][held write][new write] */
	uint64_t violations;			      /* cycles and recursions reported */
	xs_ld_report_fn report;
	void *arg;
};

/* A validator over classes names[0 .. n) (n <= XS_LD_MAX_CLASSES). */
void xs_lockdep_init(struct xs_lockdep *ld, const char *const *names, int n, xs_ld_report_fn report,
		     void *arg);
/*
 * t is about to acquire (class cls, write or read) lock/sub in model function fn:
 * check recursion and the new edges (reports go to ld->report). Returns the number of
 * reports made. Call xs_lockdep_push() once it holds the lock.
 */
int xs_lockdep_acquire(struct xs_lockdep *ld, const struct xs_ld_task *t, int cls, bool write,
		       const char *fn);
/* t now holds it. Returns 0, or -1 when the stack is full (a model bug). */
int xs_lockdep_push(struct xs_ld_task *t, int cls, bool write, const void *lock, uint64_t sub,
		    const char *fn);
/* t released lock/sub: the most recent such entry leaves its stack. */
void xs_lockdep_release(struct xs_ld_task *t, const void *lock, uint64_t sub);

/*
 * The kernel's name of a model function: the model keeps kernel names with an xs_
 * prefix (xs_filemap_fault is filemap_fault), or xs_ for xfs_ (xs_free_eofblocks is
 * xfs_free_eofblocks), and a few functions model a kernel function of another name
 * (xs_file_write is xfs_file_buffered_write), for some only when taking a lock of
 * class cls (may be NULL). Names without the prefix are kept.
 */
const char *xs_lockdep_kernel_name(const char *fn, const char *cls);

/* ---- the wait-for graph ---- */

/* Task from waits for task to, because of lock (its name) taken in mode write. */
struct xs_wf_edge {
	int to;
	const char *lock;
	int64_t index; /* a folio's index, -1 for another lock */
	bool write;
	bool queued; /* to is a waiter queued ahead, not a holder */
};

/* The edges out of task (at most max into out); 0 when it is not blocked on a lock. */
typedef int (*xs_wf_edges_fn)(void *arg, int task, struct xs_wf_edge *out, int max);

#define XS_WF_MAX_OUT 16

/*
 * A cycle of the wait-for graph through start, found by depth-first search over tasks
 * [0, ntasks) in the order edges() gives them: step i is the edge out of the i-th task
 * of the cycle (from[i] -> out[i].to), the last one leads back to start. Returns its
 * length (<= max), or 0 when there is none.
 */
int xs_waitfor_cycle(int start, int ntasks, xs_wf_edges_fn edges, void *arg, int *from,
		     struct xs_wf_edge *out, int max);
/*
 * The cycle as text: "A waits for L (exclusive), held by B; B waits for ..., queued
 * ahead of it: C; ...", task names from name(arg, task). Returns a malloc'd string or
 * NULL.
 */
char *xs_waitfor_format(const int *from, const struct xs_wf_edge *out, int n,
			const char *(*name)(void *arg, int task), void *arg);

#endif /* XS_LOCKDEP_H */
