/*
 * Deferred CPU time; see sched.h.
 */
#include "actors/sched.h"

#include <math.h>
#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <stdlib.h>
#include <xbt/asserts.h>

void xs_sched_init(struct xs_sched *s)
{
	const char *env = getenv("WPSIM_NO_DEFER");

	s->no_defer = env && *env && *env != '0';
	s->parks = NULL;
	s->nparks = s->capparks = 0;
	s->park_seq = 0;
}

void xs_sched_destroy(struct xs_sched *s)
{
	free(s->parks);
	s->parks = NULL;
	s->nparks = s->capparks = 0;
}

void xs_park_register(struct xs_sched *s, struct xs_park *p)
{
	if (s->nparks == s->capparks) {
		s->capparks = s->capparks ? s->capparks * 2 : 16;
		s->parks = realloc(s->parks, s->capparks * sizeof(*s->parks));
		xbt_assert(s->parks, "out of memory");
	}
	p->sched = s;
	p->wake_at = -INFINITY;
	p->chan = NULL;
	p->seq = 0;
	p->deferred = 0;
	p->dead = false;
	s->parks[s->nparks++] = p;
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
	p->seq = ++p->sched->park_seq;
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
	if (!p->sched->no_defer && xs_sched_quiet(p, simgrid_get_clock() + p->deferred + d)) {
		p->deferred += d;
		return;
	}
	d += p->deferred;
	p->deferred = 0;
	sleep_for(p, d);
}
