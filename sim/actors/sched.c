/*
 * Deferred CPU time; see sched.h.
 */
#include "actors/sched.h"

#include <math.h>
#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <stdlib.h>
#include <xbt/asserts.h>

/* The actors of this process's run (SimGrid runs one engine per process). */
static struct xs_park **parks;
static size_t nparks, capparks;
static uint64_t park_seq;
/* WPSIM_NO_DEFER=1: sleep at every preemption point (the reference behaviour) */
static bool no_defer;

void xs_sched_reset(void)
{
	const char *env = getenv("WPSIM_NO_DEFER");

	no_defer = env && *env && *env != '0';
	free(parks);
	parks = NULL;
	nparks = capparks = 0;
	park_seq = 0;
}

void xs_park_register(struct xs_park *p)
{
	if (nparks == capparks) {
		capparks = capparks ? capparks * 2 : 16;
		parks = realloc(parks, capparks * sizeof(*parks));
		xbt_assert(parks, "out of memory");
	}
	p->wake_at = -INFINITY;
	p->chan = NULL;
	p->seq = 0;
	p->deferred = 0;
	p->dead = false;
	parks[nparks++] = p;
}

struct xs_park *xs_park_self(void)
{
	struct xs_park *p = sg_actor_self_get_data();

	xbt_assert(p, "an actor without a park record");
	return p;
}

void xs_park(struct xs_park *p, const void *chan, double wake_at)
{
	xbt_assert(p->deferred == 0, "parking with %g s deferred", p->deferred);
	p->wake_at = wake_at;
	p->chan = chan;
	p->seq = ++park_seq;
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
}

void xs_wake_all(const void *chan)
{
	size_t i;

	for (i = 0; i < nparks; i++)
		if (parks[i]->chan == chan && !parks[i]->dead)
			xs_unpark(parks[i]);
}

void xs_wake_one(const void *chan)
{
	struct xs_park *first = NULL;
	size_t i;

	for (i = 0; i < nparks; i++) {
		struct xs_park *p = parks[i];

		if (p->chan == chan && !p->dead && (!first || p->seq < first->seq))
			first = p;
	}
	if (first)
		xs_unpark(first);
}

bool xs_sched_quiet(const struct xs_park *self, double until)
{
	size_t i;

	for (i = 0; i < nparks; i++) {
		const struct xs_park *p = parks[i];

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

static void sleep_for(struct xs_park *p, double d)
{
	if (d <= 0)
		return;
	xs_park(p, NULL, simgrid_get_clock() + d);
	sg_actor_sleep_for(d);
	xs_unpark(p);
}

void xs_sched_sync(void)
{
	struct xs_park *p = xs_park_self();
	double d = p->deferred;

	p->deferred = 0;
	sleep_for(p, d);
}

void xs_sleep(double d)
{
	xs_sched_sync();
	sleep_for(xs_park_self(), d);
}

void xs_sched_yield(double d)
{
	struct xs_park *p = xs_park_self();

	if (d <= 0)
		return;
	if (!no_defer && xs_sched_quiet(p, simgrid_get_clock() + p->deferred + d)) {
		p->deferred += d;
		return;
	}
	d += p->deferred;
	p->deferred = 0;
	sleep_for(p, d);
}
