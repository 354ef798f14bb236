/*
 * Sleeping locks on SimGrid; see locks.h.
 *
 * SimGrid actors run one at a time, so the lock state itself needs no protection
 * beyond the SimGrid mutex that the condition variable requires.
 */
#include "actors/locks.h"

#include "actors/sched.h"
#include "core/xalloc.h"

#include <math.h>
#include <simgrid/cond.h>
#include <simgrid/engine.h>
#include <simgrid/mutex.h>
#include <stdlib.h>
#include <string.h>
#include <xbt/asserts.h>

struct xs_rwsem_waiter {
	uint64_t ticket;
	bool write;
	struct xs_rwsem_waiter *next;
	const void *who; /* its park record */
};

void xs_rwsem_init(struct xs_rwsem *sem, const char *name)
{
	memset(sem, 0, sizeof(*sem));
	sem->name = name;
	sem->mutex = sg_mutex_init();
	sem->cond = sg_cond_init();
}

void xs_rwsem_destroy(struct xs_rwsem *sem)
{
	free(sem->reader_who);
	sem->reader_who = NULL;
	sg_cond_destroy(sem->cond);
	sg_mutex_destroy(sem->mutex);
}

/* May the waiter w be admitted now? */
static bool rwsem_can_grant(const struct xs_rwsem *sem, const struct xs_rwsem_waiter *w)
{
	const struct xs_rwsem_waiter *p;

	if (sem->writer)
		return false;
	if (w->write)
		return sem->readers == 0 && sem->queue == w;
	/* a reader: everyone ahead of it must be a reader too */
	for (p = sem->queue; p && p != w; p = p->next)
		if (p->write)
			return false;
	return true;
}

static void rwsem_dequeue(struct xs_rwsem *sem, struct xs_rwsem_waiter *w)
{
	struct xs_rwsem_waiter **pp = &sem->queue;

	while (*pp != w)
		pp = &(*pp)->next;
	*pp = w->next;
}

/* The caller now holds sem. */
static void rwsem_take(struct xs_rwsem *sem, bool write, const void *who)
{
	if (write) {
		sem->writer = true;
		sem->owner = who;
		sem->acquired_at = xs_now();
		return;
	}
	if ((size_t)sem->readers == sem->capreaders) {
		sem->capreaders = sem->capreaders ? sem->capreaders * 2 : 8;
		sem->reader_who =
			xs_xrealloc(sem->reader_who, sem->capreaders * sizeof(*sem->reader_who));
	}
	sem->reader_who[sem->readers++] = who;
}

static double rwsem_acquire(struct xs_rwsem *sem, bool write)
{
	const void *who = xs_park_self();
	struct xs_rwsem_waiter w = {sem->next_ticket++, write, NULL, who};
	struct xs_rwsem_waiter **tail = &sem->queue;
	double start, waited;

	/*
	 * Fast path: nobody waiting and compatible. Actors run one at a time and only
	 * switch at SimGrid calls, so no SimGrid call is needed to take it.
	 */
	if (!sem->queue && !sem->writer && (!write || sem->readers == 0)) {
		rwsem_take(sem, write, who);
		sem->stats.acquisitions++;
		return 0;
	}
	start = xs_now();
	sg_mutex_lock(sem->mutex);
	while (*tail)
		tail = &(*tail)->next;
	*tail = &w;
	if (!rwsem_can_grant(sem, &w))
		sem->stats.contended++;
	while (!rwsem_can_grant(sem, &w)) {
		xs_park(xs_park_self(), sem, INFINITY);
		sg_cond_wait(sem->cond, sem->mutex);
		xs_unpark(xs_park_self());
	}
	rwsem_dequeue(sem, &w);
	rwsem_take(sem, write, who);
	/* readers queued behind us may come in too */
	if (!write) {
		xs_wake_all(sem);
		sg_cond_notify_all(sem->cond);
	}
	sg_mutex_unlock(sem->mutex);
	waited = xs_now() - start;
	sem->stats.acquisitions++;
	sem->stats.wait_s += waited;
	if (waited > sem->stats.max_wait_s)
		sem->stats.max_wait_s = waited;
	return waited;
}

double xs_down_read(struct xs_rwsem *sem)
{
	return rwsem_acquire(sem, false);
}

double xs_down_write(struct xs_rwsem *sem)
{
	return rwsem_acquire(sem, true);
}

bool xs_rwsem_has_waiters(const struct xs_rwsem *sem)
{
	return sem->queue != NULL;
}

bool xs_rwsem_would_block(const struct xs_rwsem *sem, bool write)
{
	return sem->queue || sem->writer || (write && sem->readers);
}

size_t xs_rwsem_holders(const struct xs_rwsem *sem, const void **who, size_t max)
{
	size_t i, n = 0;

	if (sem->writer && max)
		who[n++] = sem->owner;
	for (i = 0; i < (size_t)sem->readers && n < max; i++)
		who[n++] = sem->reader_who[i];
	return n;
}

size_t xs_rwsem_queued(const struct xs_rwsem *sem, const void **who, bool *write, size_t max)
{
	const struct xs_rwsem_waiter *p;
	size_t n = 0;

	for (p = sem->queue; p && n < max; p = p->next, n++) {
		who[n] = p->who;
		write[n] = p->write;
	}
	return n;
}

void xs_up_read(struct xs_rwsem *sem, double held_since)
{
	const void *who = xs_park_self();
	int i;

	xbt_assert(sem->readers > 0, "%s: up_read without readers", sem->name);
	/* the most recent hold of this task goes */
	for (i = sem->readers - 1; i > 0 && sem->reader_who[i] != who; i--)
		;
	sem->reader_who[i] = sem->reader_who[sem->readers - 1];
	sem->readers--;
	sem->stats.hold_s += xs_now() - held_since;
	if (!sem->queue)
		return;
	xs_wake_all(sem);
	sg_mutex_lock(sem->mutex);
	sg_cond_notify_all(sem->cond);
	sg_mutex_unlock(sem->mutex);
}

void xs_up_write(struct xs_rwsem *sem)
{
	xbt_assert(sem->writer, "%s: up_write without the writer", sem->name);
	sem->writer = false;
	sem->owner = NULL;
	sem->stats.hold_s += xs_now() - sem->acquired_at;
	if (!sem->queue)
		return;
	xs_wake_all(sem);
	sg_mutex_lock(sem->mutex);
	sg_cond_notify_all(sem->cond);
	sg_mutex_unlock(sem->mutex);
}

/* ---- folio locks ---- */

void xs_folio_locks_init(struct xs_folio_locks *fl)
{
	memset(fl, 0, sizeof(*fl));
	fl->mutex = sg_mutex_init();
	fl->cond = sg_cond_init();
	xs_hashtab_init(&fl->locked, sizeof(int));
}

void xs_folio_locks_destroy(struct xs_folio_locks *fl)
{
	xs_hashtab_destroy(&fl->locked);
	sg_cond_destroy(fl->cond);
	sg_mutex_destroy(fl->mutex);
}

bool xs_folio_is_locked(const struct xs_folio_locks *fl, uint64_t index)
{
	return xs_hashtab_find(&fl->locked, index) != NULL;
}

int xs_folio_owner(const struct xs_folio_locks *fl, uint64_t index)
{
	const int *owner = xs_hashtab_find(&fl->locked, index);

	return owner ? *owner : -1;
}

static void fl_insert(struct xs_folio_locks *fl, uint64_t index, int owner)
{
	*(int *)xs_hashtab_insert(&fl->locked, index, NULL) = owner;
}

bool xs_folio_trylock(struct xs_folio_locks *fl, uint64_t index, int owner)
{
	if (xs_folio_is_locked(fl, index))
		return false;
	fl_insert(fl, index, owner);
	fl->stats.acquisitions++;
	return true;
}

double xs_folio_lock_wait(struct xs_folio_locks *fl, uint64_t index, int owner)
{
	double start, waited;

	if (!xs_folio_is_locked(fl, index)) {
		fl_insert(fl, index, owner); /* uncontended: no SimGrid call needed */
		fl->stats.acquisitions++;
		return 0;
	}
	start = xs_now();
	fl->waiters++;
	sg_mutex_lock(fl->mutex);
	if (xs_folio_is_locked(fl, index)) {
		const int *holder = xs_hashtab_find(&fl->locked, index);

		xbt_assert(*holder != owner, "folio %llu locked twice by task %d",
			   (unsigned long long)index, owner);
		fl->stats.contended++;
	}
	while (xs_folio_is_locked(fl, index)) {
		xs_park(xs_park_self(), fl, INFINITY);
		sg_cond_wait(fl->cond, fl->mutex);
		xs_unpark(xs_park_self());
	}
	fl_insert(fl, index, owner);
	sg_mutex_unlock(fl->mutex);
	fl->waiters--;
	waited = xs_now() - start;
	fl->stats.acquisitions++;
	fl->stats.wait_s += waited;
	if (waited > fl->stats.max_wait_s)
		fl->stats.max_wait_s = waited;
	return waited;
}

void xs_folio_unlock_index(struct xs_folio_locks *fl, uint64_t index)
{
	bool was_locked = xs_hashtab_remove(&fl->locked, index);

	xbt_assert(was_locked, "unlock of unlocked folio %llu", (unsigned long long)index);
	if (!fl->waiters)
		return;
	xs_wake_all(fl);
	sg_mutex_lock(fl->mutex);
	sg_cond_notify_all(fl->cond);
	sg_mutex_unlock(fl->mutex);
}
