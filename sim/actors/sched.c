/*
 * Deferred CPU time; see sched.h.
 */
#include "actors/sched.h"

#include "core/xalloc.h"

#include <math.h>
#include <simgrid/actor.h>
#include <simgrid/cond.h>
#include <simgrid/engine.h>
#include <simgrid/mutex.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xbt/asserts.h>
#include <xbt/config.h>

void xs_sched_init(struct xs_sched *s)
{
	const char *env = getenv("WPSIM_NO_DEFER");

	s->no_defer = env && *env && *env != '0';
	s->parks = NULL;
	s->nparks = s->capparks = 0;
	s->park_seq = 0;
	s->ctl_on = s->prioritised = false;
	s->turn_waiters = 0;
	s->susp_seq = 0;
	s->turn_mx = NULL;
	s->turn_cond = NULL;
	s->limit_s = INFINITY;
	s->limit_hit = false;
	s->stack_reserve = NULL;
	s->stack_bytes = s->stacks_left = 0;
}

void xs_sched_destroy(struct xs_sched *s)
{
	if (s->stacks_left)
		munmap(s->stack_reserve, s->stacks_left * s->stack_bytes);
	s->stacks_left = 0;
	free(s->parks);
	s->parks = NULL;
	s->nparks = s->capparks = 0;
}

void xs_sched_stacks(struct xs_sched *s, size_t n)
{
#if defined(__SANITIZE_ADDRESS__)
	(void)s; /* threads, not SimGrid's own stacks */
	(void)n;
#else
	size_t bytes;

	s->stack_bytes = (size_t)sg_cfg_get_int("contexts/stack-size") * 1024 +
			 (size_t)sysconf(_SC_PAGESIZE);
	bytes = n * s->stack_bytes;
	s->stack_reserve =
		mmap(NULL, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (s->stack_reserve == MAP_FAILED)
		xs_xalloc_fail(bytes);
	s->stacks_left = n;
#endif
}

void xs_sched_stack_take(struct xs_sched *s)
{
	if (!s->stacks_left)
		return;
	s->stacks_left--;
	munmap((char *)s->stack_reserve + s->stacks_left * s->stack_bytes, s->stack_bytes);
}

void xs_park_register(struct xs_sched *s, struct xs_park *p)
{
	if (s->nparks == s->capparks) {
		s->capparks = s->capparks ? s->capparks * 2 : 16;
		s->parks = xs_xrealloc(s->parks, s->capparks * sizeof(*s->parks));
	}
	p->sched = s;
	p->wake_at = -INFINITY;
	p->chan = NULL;
	p->seq = 0;
	p->deferred = 0;
	p->dead = false;
	p->at_limit = false;
	p->ctl = p->oncpu = false;
	p->waiting = 0;
	p->prio = 0;
	p->susp_seq = 0;
	s->parks[s->nparks++] = p;
}

struct xs_park *xs_park_self(void)
{
	struct xs_park *p = sg_actor_self_get_data();

	xbt_assert(p, "an actor without a park record");
	return p;
}

/* A controlled actor stops running: the waiters at points look again. */
static void ctl_kick(struct xs_sched *s)
{
	if (s->turn_waiters)
		sg_cond_notify_all(s->turn_cond);
}

void xs_park(struct xs_park *p, const void *chan, double wake_at)
{
	xbt_assert(p->deferred == 0, "parking with %g s deferred", p->deferred);
	p->wake_at = wake_at;
	p->chan = chan;
	p->seq = ++p->sched->park_seq;
	if (p->ctl && !p->waiting && !(chan == NULL && p->oncpu))
		ctl_kick(p->sched);
}

void xs_unpark(struct xs_park *p)
{
	p->wake_at = -INFINITY;
	p->chan = NULL;
}

void xs_park_exit(struct xs_park *p)
{
	xbt_assert(p->deferred == 0, "exiting with %g s deferred", p->deferred);
	p->dead = true;
	p->wake_at = INFINITY;
	p->chan = NULL;
	if (p->ctl)
		ctl_kick(p->sched);
}

void xs_wake_all(const void *chan)
{
	const struct xs_sched *s = xs_park_self()->sched;
	size_t i;

	for (i = 0; i < s->nparks; i++)
		if (s->parks[i]->chan == chan && !s->parks[i]->dead)
			xs_unpark(s->parks[i]);
}

void xs_wake_one(const void *chan)
{
	const struct xs_sched *s = xs_park_self()->sched;
	struct xs_park *first = NULL;
	size_t i;

	for (i = 0; i < s->nparks; i++) {
		struct xs_park *p = s->parks[i];

		if (p->chan == chan && !p->dead && (!first || p->seq < first->seq))
			first = p;
	}
	if (first)
		xs_unpark(first);
}

bool xs_sched_quiet(const struct xs_park *self, double until)
{
	const struct xs_sched *s = self->sched;
	size_t i;

	for (i = 0; i < s->nparks; i++) {
		const struct xs_park *p = s->parks[i];

		if (p != self && !p->dead && p->wake_at <= until)
			return false;
	}
	return true;
}

double xs_now(void)
{
	const struct xs_park *p = sg_actor_self() ? sg_actor_self_get_data() : NULL;

	return simgrid_get_clock() + (p ? p->deferred : 0);
}

double xs_sched_clamp(struct xs_sched *s, double start, double d)
{
	if (start + d <= s->limit_s)
		return d;
	s->limit_hit = true;
	return start < s->limit_s ? s->limit_s - start : 0;
}

double xs_sched_timeout(const struct xs_sched *s, double d)
{
	double now = simgrid_get_clock();

	return now < s->limit_s && now + d > s->limit_s ? s->limit_s - now : d;
}

/*
 * Time stopped at the limit: the others of the instant go on. Not under a controller,
 * where the order of the actors is the schedule's, which records no such yield.
 */
static void limit_yield(const struct xs_sched *s)
{
	if (!s->ctl_on)
		sg_actor_yield();
}

/* Sleep d seconds: CPU time (the actor still runs, for controlled mode) or not. */
static void sleep_for(struct xs_park *p, double d, bool cpu)
{
	if (d <= 0)
		return;
	if (simgrid_get_clock() + d > p->sched->limit_s)
		p->at_limit = true;
	d = xs_sched_clamp(p->sched, simgrid_get_clock(), d);
	if (d <= 0) {
		limit_yield(p->sched);
		return;
	}
	p->oncpu = cpu;
	xs_park(p, NULL, simgrid_get_clock() + d);
	sg_actor_sleep_for(d);
	xs_unpark(p);
	p->oncpu = false;
}

void xs_sched_sync(void)
{
	struct xs_park *p = xs_park_self();
	double d = p->deferred;

	p->deferred = 0;
	sleep_for(p, d, true);
}

void xs_sleep(double d)
{
	xs_sched_sync();
	sleep_for(xs_park_self(), d, true);
}

void xs_sleep_blocked(double d)
{
	xs_sched_sync();
	sleep_for(xs_park_self(), d, false);
}

void xs_sched_yield(double d)
{
	struct xs_park *p = xs_park_self();

	if (d <= 0)
		return;
	if (simgrid_get_clock() + p->deferred + d > p->sched->limit_s)
		p->at_limit = true;
	d = xs_sched_clamp(p->sched, simgrid_get_clock() + p->deferred, d);
	if (d <= 0) {
		xs_sched_sync();
		limit_yield(p->sched);
		return;
	}
	if (!p->sched->no_defer && xs_sched_quiet(p, simgrid_get_clock() + p->deferred + d)) {
		p->deferred += d;
		return;
	}
	d += p->deferred;
	p->deferred = 0;
	sleep_for(p, d, true);
}

void xs_sched_ctl_start(struct xs_sched *s, bool prioritised)
{
	s->turn_mx = sg_mutex_init();
	s->turn_cond = sg_cond_init();
	s->prioritised = prioritised;
	s->ctl_on = true;
}

void xs_sched_ctl_stop(struct xs_sched *s)
{
	if (!s->ctl_on)
		return;
	s->ctl_on = false;
	ctl_kick(s);
}

void xs_sched_ctl_end(struct xs_sched *s)
{
	if (s->turn_cond)
		sg_cond_destroy(s->turn_cond);
	if (s->turn_mx)
		sg_mutex_destroy(s->turn_mx);
	s->turn_cond = NULL;
	s->turn_mx = NULL;
}

/* Could q run now, as far as a controlled actor waiting at a point is concerned? */
static bool ctl_runnable(const struct xs_park *q)
{
	if (!q->ctl || q->dead || q->waiting == XS_PARK_SUSPENDED)
		return false;
	if (q->waiting == XS_PARK_TURN || q->wake_at == -INFINITY)
		return true;
	return q->chan == NULL && q->oncpu;
}

/* May p, waiting at a point, go on? */
static bool ctl_may_go(const struct xs_park *p)
{
	const struct xs_sched *s = p->sched;
	size_t i;

	if (!s->ctl_on)
		return true;
	for (i = 0; i < s->nparks; i++) {
		const struct xs_park *q = s->parks[i];

		if (q == p)
			continue;
		if (p->waiting == XS_PARK_SUSPENDED) {
			if (ctl_runnable(q) ||
			    (q->waiting == XS_PARK_SUSPENDED && q->susp_seq < p->susp_seq))
				return false;
		} else if (ctl_runnable(q) && q->prio > p->prio) {
			return false;
		}
	}
	return true;
}

static void ctl_wait(struct xs_park *p, uint8_t how)
{
	struct xs_sched *s = p->sched;

	xs_sched_sync();
	p->waiting = how;
	if (how == XS_PARK_SUSPENDED) {
		p->susp_seq = ++s->susp_seq;
		ctl_kick(s); /* it no longer runs */
	}
	if (!ctl_may_go(p)) {
		sg_mutex_lock(s->turn_mx);
		s->turn_waiters++;
		while (!ctl_may_go(p)) {
			xs_park(p, &s->turn_cond, INFINITY);
			sg_cond_wait(s->turn_cond, s->turn_mx);
			xs_unpark(p);
		}
		s->turn_waiters--;
		sg_mutex_unlock(s->turn_mx);
	}
	p->waiting = 0;
}

void xs_sched_turn(struct xs_park *p)
{
	if (p->sched->ctl_on && p->sched->prioritised && p->ctl)
		ctl_wait(p, XS_PARK_TURN);
}

void xs_sched_suspend(struct xs_park *p)
{
	if (p->sched->ctl_on && p->ctl)
		ctl_wait(p, XS_PARK_SUSPENDED);
}

void xs_sched_set_prio(struct xs_park *p, int64_t prio)
{
	xs_sched_sync(); /* the waiters it lets go start where it is */
	p->prio = prio;
	ctl_kick(p->sched);
}
