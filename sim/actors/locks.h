/*
 * Sleeping locks for simulated tasks, built on SimGrid mutexes and condition
 * variables: a fair reader-writer semaphore (i_rwsem, invalidate_lock, ILOCK) and a
 * table of folio locks. Wait and hold times are accumulated per lock.
 *
 * Fairness: waiters are served in arrival order; a waiting writer blocks readers that
 * arrive after it (as the kernel's rwsem hand-off does), consecutive readers at the
 * head of the queue are admitted together.
 *
 * Each lock knows its holders and the waiters queued for it, by their park records
 * (sched.h): the deadlock detector (hooks.c) follows them.
 */
#ifndef XS_LOCKS_H
#define XS_LOCKS_H

#include "core/hashtab.h"

#include <simgrid/forward.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xs_lock_stats {
	uint64_t acquisitions;
	uint64_t contended; /* had to wait */
	double wait_s;	    /* total time waited */
	double hold_s;	    /* total time held (exclusive or shared) */
	double max_wait_s;
};

struct xs_rwsem_waiter;

struct xs_rwsem {
	const char *name;
	sg_mutex_t mutex;
	sg_cond_t cond;
	int readers; /* current shared holders */
	bool writer; /* held exclusive */
	uint64_t next_ticket;
	struct xs_rwsem_waiter *queue; /* FIFO */
	double acquired_at;	       /* exclusive: when taken */
	struct xs_lock_stats stats;
	const void *owner;	 /* exclusive: the holder's park record */
	const void **reader_who; /* shared: the holders' park records, one per hold */
	size_t capreaders;
};

void xs_rwsem_init(struct xs_rwsem *sem, const char *name);
void xs_rwsem_destroy(struct xs_rwsem *sem);
/* Returns the time waited (s). */
double xs_down_read(struct xs_rwsem *sem);
double xs_down_write(struct xs_rwsem *sem);
void xs_up_read(struct xs_rwsem *sem, double held_since);
void xs_up_write(struct xs_rwsem *sem);
/* Is anyone queued for it (will an up wake someone)? */
bool xs_rwsem_has_waiters(const struct xs_rwsem *sem);
/* Would taking it now (exclusive if write) have to wait? */
bool xs_rwsem_would_block(const struct xs_rwsem *sem, bool write);
/* Its holders (park records), at most max into who; returns how many. */
size_t xs_rwsem_holders(const struct xs_rwsem *sem, const void **who, size_t max);
/* Its waiters, first come first (park records and modes), at most max. */
size_t xs_rwsem_queued(const struct xs_rwsem *sem, const void **who, bool *write, size_t max);

/* Folio locks, one per page index, created on demand. */
struct xs_folio_locks {
	sg_mutex_t mutex;
	sg_cond_t cond;
	struct xs_hashtab locked; /* folio index -> owner task (int), locked folios only */
	int waiters;		  /* tasks blocked in xs_folio_lock_wait */
	struct xs_lock_stats stats;
};

void xs_folio_locks_init(struct xs_folio_locks *fl);
void xs_folio_locks_destroy(struct xs_folio_locks *fl);
/* Returns the time waited (s). */
double xs_folio_lock_wait(struct xs_folio_locks *fl, uint64_t index, int owner);
bool xs_folio_trylock(struct xs_folio_locks *fl, uint64_t index, int owner);
void xs_folio_unlock_index(struct xs_folio_locks *fl, uint64_t index);
bool xs_folio_is_locked(const struct xs_folio_locks *fl, uint64_t index);
/* The task that holds folio index locked, or -1. */
int xs_folio_owner(const struct xs_folio_locks *fl, uint64_t index);

#endif /* XS_LOCKS_H */
