/*
 * The explorer's controllers; see xctl.h.
 */
#include "explore/xctl.h"

#include "core/xalloc.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a controller keeps about one controlled actor. */
struct xs_xctl_actor {
	struct xs_sched_actor who;
	int64_t prio;
	uint32_t op;	   /* the operation of the last point seen */
	bool seen;	   /* a point of it was seen */
	bool copied;	   /* its write's copy-in started in that operation */
	bool fail_pending; /* fail that copy after fail_bytes */
	uint64_t fail_bytes;
	enum xs_ctl_kind pending; /* a decision moved to its next point */
	uint64_t pending_arg;
	bool at_end; /* delay: the pending decision waits for this write's write_end */
};

static const char *const strategy_names[XS_STRAT_NR] = {
	[XS_STRAT_REPLAY] = "replay",
	[XS_STRAT_PCT] = "pct",
	[XS_STRAT_DELAY] = "delay",
	[XS_STRAT_BOUNDED] = "bounded",
};

const char *xs_strategy_name(enum xs_strategy s)
{
	return (unsigned)s < XS_STRAT_NR ? strategy_names[s] : NULL;
}

static void fail_with(struct xs_xctl *x, int error)
{
	if (!x->error)
		x->error = error;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void sched_actor_set(struct xs_sched_actor *a, const struct xs_ctl_actor *who)
{
	snprintf(a->group, sizeof(a->group), "%s", who->group);
	a->job = who->job;
}

/* The record of actor who, created when first seen; NULL when out of memory. */
static struct xs_xctl_actor *actor_of(struct xs_xctl *x, const struct xs_ctl_actor *who)
{
	size_t i = (size_t)who->index;

	if (i >= x->capactors) {
		size_t cap = x->capactors ? x->capactors : 8;
		struct xs_xctl_actor *na;

		while (cap <= i)
			cap *= 2;
		na = xs_xrealloc(x->actors, cap * sizeof(*na));
		memset(na + x->capactors, 0, (cap - x->capactors) * sizeof(*na));
		x->actors = na;
		x->capactors = cap;
	}
	if (i >= x->nactors) {
		x->nactors = i + 1;
		sched_actor_set(&x->actors[i].who, who);
	}
	return &x->actors[i];
}

/* Replay: order position for named actors (highest first), then creation order. */
static int64_t replay_priority(const struct xs_xctl *x, const struct xs_ctl_actor *who)
{
	const struct xs_schedule *s = x->cfg.replay;
	size_t i;

	for (i = 0; i < s->norder; i++)
		if (s->order[i].job == who->job && strcmp(s->order[i].group, who->group) == 0)
			return ((int64_t)1 << 40) - (int64_t)i;
	return ((int64_t)1 << 20) - who->index;
}

static int64_t ctl_priority(void *arg, const struct xs_ctl_actor *who)
{
	struct xs_xctl *x = arg;
	struct xs_xctl_actor *a = actor_of(x, who);
	int64_t prio;

	if (x->cfg.strategy == XS_STRAT_REPLAY)
		prio = replay_priority(x, who);
	else /* distinct random priorities, above every lowered one */
		prio = (int64_t)(((uint64_t)gsl_rng_get(x->rng) << 8) |
				 (uint64_t)(who->index & 0xff)) +
		       (1 << 20);
	if (a)
		a->prio = prio;
	return prio;
}

static void record(struct xs_xctl *x, const struct xs_ctl_at *at, enum xs_sched_action act,
		   uint64_t arg)
{
	struct xs_sched_decision d;
	char why[160];
	int r;

	if (x->cfg.strategy == XS_STRAT_REPLAY)
		return; /* the replayed schedule is the record */
	memset(&d, 0, sizeof(d));
	sched_actor_set(&d.actor, &at->who);
	d.op = at->op;
	d.hit = at->hit;
	d.point = (enum xs_sched_point)at->point;
	d.action = act;
	d.arg = arg;
	r = xs_schedule_add(&x->taken, &d, why, sizeof(why));
	if (r)
		fail_with(x, r);
}

static void visit(struct xs_xctl *x, const struct xs_ctl_at *at)
{
	struct xs_xctl_visit *v;

	if (x->nvisits == x->capvisits) {
		size_t cap = x->capvisits ? x->capvisits * 2 : 1024;
		struct xs_xctl_visit *nv = xs_xrealloc(x->visits, cap * sizeof(*nv));

		x->visits = nv;
		x->capvisits = cap;
	}
	v = &x->visits[x->nvisits++];
	sched_actor_set(&v->actor, &at->who);
	v->op = at->op;
	v->hit = at->hit;
	v->point = (enum xs_sched_point)at->point;
	v->writer = at->who.writer;
	v->op_len = at->op_len;
}

static struct xs_ctl_act replay_decide(const struct xs_xctl *x, const struct xs_ctl_at *at)
{
	const struct xs_schedule *s = x->cfg.replay;
	struct xs_sched_decision key;
	struct xs_ctl_act act = {XS_CTL_GO, 0};
	size_t lo = 0, hi = s->nd;

	memset(&key, 0, sizeof(key));
	sched_actor_set(&key.actor, &at->who);
	key.op = at->op;
	key.hit = at->hit;
	key.point = (enum xs_sched_point)at->point;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = xs_sched_decision_cmp(&s->d[mid], &key);

		if (c == 0) {
			static const enum xs_ctl_kind kind[XS_SA_NR] = {
				[XS_SA_SUSPEND] = XS_CTL_SUSPEND,
				[XS_SA_DELAY] = XS_CTL_DELAY,
				[XS_SA_FAIL] = XS_CTL_FAIL,
				[XS_SA_LOWER] = XS_CTL_LOWER,
			};

			act.kind = kind[s->d[mid].action];
			act.arg = s->d[mid].arg;
			return act;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return act;
}

/* A hold-back for the delay strategy: log-uniform between its bounds, whole ns. */
static uint64_t draw_delay(gsl_rng *r)
{
	double lo = log((double)XS_XCTL_DELAY_MIN_NS), hi = log((double)XS_XCTL_DELAY_MAX_NS);

	return (uint64_t)llround(exp(lo + gsl_rng_uniform(r) * (hi - lo)));
}

/* pct and delay: the decision at a drawn step, or one moved here from an earlier point. */
static struct xs_ctl_act strategy_decide(struct xs_xctl *x, const struct xs_ctl_at *at)
{
	struct xs_xctl_actor *a = actor_of(x, &at->who);
	struct xs_ctl_act act = {XS_CTL_GO, 0};
	bool drawn = false;

	while (x->next_change < x->nchange && x->change[x->next_change] <= at->step)
		drawn = x->change[x->next_change++] == at->step || drawn;
	if (!a)
		return act;
	if (!a->seen || a->op != at->op) {
		a->seen = true;
		a->op = at->op;
		a->copied = false;
		a->fail_pending = false;
		if (a->at_end) /* the write ended without reaching write_end */
			a->pending = XS_CTL_GO;
		a->at_end = false;
	}
	if (drawn && a->pending == XS_CTL_GO) {
		if (x->cfg.strategy == XS_STRAT_PCT) {
			a->pending = XS_CTL_LOWER;
		} else if (gsl_rng_uniform(x->rng) < 0.5) {
			a->pending = XS_CTL_SUSPEND;
		} else {
			a->pending = XS_CTL_DELAY;
			a->pending_arg = draw_delay(x->rng);
		}
		if (at->who.writer && !a->copied && at->op_len > 0 && !a->fail_pending &&
		    (x->cfg.strategy == XS_STRAT_PCT || gsl_rng_uniform(x->rng) < 0.5)) {
			a->fail_pending = true;
			/* delay: the failed write is held back before its cleanup, as an
			 * errortag in iomap_end would */
			a->at_end = x->cfg.strategy == XS_STRAT_DELAY;
			/* half of the failures copy nothing (the window of the 2022 race needs a
			 * block left empty), the others stop anywhere in the write */
			a->fail_bytes =
				gsl_rng_uniform(x->rng) < 0.5
					? 0
					: gsl_rng_uniform_int(x->rng,
							      at->op_len > 0xffffffffUL
								      ? 0xffffffffUL
								      : (unsigned long)at->op_len);
		}
	}
	if (at->point == (enum xs_ctl_point)XS_PT_WRITE_COPY && at->hit == 0) {
		a->copied = true;
		if (a->fail_pending) {
			a->fail_pending = false;
			act.kind = XS_CTL_FAIL;
			act.arg = a->fail_bytes;
			record(x, at, XS_SA_FAIL, act.arg);
			return act; /* a pending decision waits for the next point */
		}
	}
	if (a->pending != XS_CTL_GO &&
	    (!a->at_end || at->point == (enum xs_ctl_point)XS_PT_WRITE_END)) {
		static const enum xs_sched_action action[] = {
			[XS_CTL_SUSPEND] = XS_SA_SUSPEND,
			[XS_CTL_DELAY] = XS_SA_DELAY,
			[XS_CTL_LOWER] = XS_SA_LOWER,
		};

		act.kind = a->pending;
		act.arg = a->pending == XS_CTL_DELAY ? a->pending_arg : 0;
		a->pending = XS_CTL_GO;
		a->at_end = false;
		record(x, at, action[act.kind], act.arg);
	}
	return act;
}

static struct xs_ctl_act ctl_decide(void *arg, const struct xs_ctl_at *at)
{
	struct xs_xctl *x = arg;
	struct xs_ctl_act act;

	x->steps = at->step + 1;
	if (x->cfg.record_points)
		visit(x, at);
	if (x->cfg.strategy == XS_STRAT_REPLAY) {
		actor_of(x, &at->who);
		act = replay_decide(x, at);
	} else {
		act = strategy_decide(x, at);
	}
	if (act.kind != XS_CTL_GO && x->on_decision)
		x->on_decision(x->listener, at, &act);
	return act;
}

static void ctl_event(void *arg, const struct xs_ctl_event *ev)
{
	struct xs_xctl *x = arg;

	if (x->on_event)
		x->on_event(x->listener, ev);
}

static const struct xs_ctl_ops xctl_ops = {
	.priority = ctl_priority,
	.decide = ctl_decide,
};

/* ... and with a listener of events */
static const struct xs_ctl_ops xctl_ops_events = {
	.priority = ctl_priority,
	.decide = ctl_decide,
	.event = ctl_event,
};

void xs_xctl_listen(struct xs_xctl *x,
		    void (*on_decision)(void *l, const struct xs_ctl_at *at,
					const struct xs_ctl_act *act),
		    void (*on_event)(void *l, const struct xs_ctl_event *ev), void *listener)
{
	x->on_decision = on_decision;
	x->on_event = on_event;
	x->listener = listener;
	x->ctl.ops = on_event ? &xctl_ops_events : &xctl_ops;
}

int xs_xctl_init(struct xs_xctl *x, const struct xs_xctl_cfg *cfg)
{
	size_t i;

	memset(x, 0, sizeof(*x));
	x->cfg = *cfg;
	x->ctl.ops = &xctl_ops;
	x->ctl.arg = x;
	switch (cfg->strategy) {
	case XS_STRAT_REPLAY:
		if (!cfg->replay)
			return -EINVAL;
		x->ctl.prioritised = cfg->replay->norder > 0;
		for (i = 0; i < cfg->replay->nd; i++)
			if (cfg->replay->d[i].action == XS_SA_LOWER)
				x->ctl.prioritised = true;
		return 0;
	case XS_STRAT_PCT:
	case XS_STRAT_DELAY:
		break;
	default:
		return -EINVAL;
	}
	if (cfg->k_steps < 1 || cfg->depth < 1 || cfg->depth > XS_SCHED_DECISIONS_MAX)
		return -EINVAL;
	x->ctl.prioritised = cfg->strategy == XS_STRAT_PCT;
	x->rng = gsl_rng_alloc(gsl_rng_mt19937);
	x->nchange = cfg->strategy == XS_STRAT_PCT ? cfg->depth - 1 : cfg->depth;
	x->change = xs_xcalloc(x->nchange ? x->nchange : 1, sizeof(*x->change));
	if (!x->rng) {
		xs_xctl_free(x);
		return -ENOMEM;
	}
	gsl_rng_set(x->rng, (unsigned long)cfg->seed);
	for (i = 0; i < x->nchange; i++) {
		size_t j;

		/* distinct steps while there are enough of them */
		do {
			x->change[i] = (uint64_t)(gsl_rng_uniform(x->rng) * (double)cfg->k_steps);
			for (j = 0; j < i && x->change[j] != x->change[i]; j++)
				;
		} while (j < i && cfg->k_steps >= x->nchange);
	}
	qsort(x->change, x->nchange, sizeof(*x->change), cmp_u64);
	return 0;
}

void xs_xctl_free(struct xs_xctl *x)
{
	if (x->rng)
		gsl_rng_free(x->rng);
	free(x->change);
	free(x->actors);
	free(x->visits);
	xs_schedule_free(&x->taken);
	memset(x, 0, sizeof(*x));
}

static int cmp_prio(const void *a, const void *b)
{
	const struct xs_xctl_actor *x = *(struct xs_xctl_actor *const *)a;
	const struct xs_xctl_actor *y = *(struct xs_xctl_actor *const *)b;

	return x->prio > y->prio ? -1 : x->prio < y->prio;
}

long xs_xctl_taken(struct xs_xctl *x, char *buf, size_t len)
{
	char why[160];

	if (x->error)
		return x->error;
	if (x->cfg.strategy == XS_STRAT_REPLAY)
		return (long)xs_schedule_format(x->cfg.replay, buf, len);
	if (x->cfg.strategy == XS_STRAT_PCT && x->taken.norder == 0 && x->nactors) {
		struct xs_xctl_actor **by = xs_xmalloc(x->nactors * sizeof(*by));
		size_t i;
		int r = 0;

		if (!by)
			return -ENOMEM;
		for (i = 0; i < x->nactors; i++)
			by[i] = &x->actors[i];
		qsort(by, x->nactors, sizeof(*by), cmp_prio);
		for (i = 0; i < x->nactors && !r; i++)
			r = xs_schedule_add_order(&x->taken, &by[i]->who, why, sizeof(why));
		free(by);
		if (r)
			return r;
	}
	xs_schedule_sort(&x->taken);
	if (xs_schedule_check(&x->taken, why, sizeof(why)))
		return -EINVAL;
	return (long)xs_schedule_format(&x->taken, buf, len);
}

/* Is a one of sc's controlled actors? Sets *writer. */
static bool actor_known(const struct xs_sched_actor *a, const struct xs_scenario *sc, bool *writer)
{
	int g;

	*writer = false;
	for (g = 0; g < XS_CTL_NDAEMONS; g++)
		if (strcmp(a->group, xs_ctl_daemons[g]) == 0 && a->job == 0)
			return true;
	for (g = 0; g < sc->ngroups; g++)
		if (strcmp(a->group, sc->groups[g].name) == 0) {
			*writer = sc->groups[g].kind == XS_ACTOR_WRITER;
			return a->job < sc->groups[g].jobs;
		}
	return false;
}

/* "pwriter.0, mmapper.0, flusher.0, ..." into buf */
static void actor_list(const struct xs_scenario *sc, char *buf, size_t len)
{
	size_t n = 0;
	int g;

	buf[0] = '\0';
	for (g = 0; g < sc->ngroups && n < len; g++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s.0%s", n ? ", " : "",
				      sc->groups[g].name, sc->groups[g].jobs > 1 ? "..." : "");
	for (g = 0; g < XS_CTL_NDAEMONS && n < len; g++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s.0", n ? ", " : "", xs_ctl_daemons[g]);
}

int xs_xctl_check(const struct xs_schedule *s, const struct xs_scenario *sc, char *err,
		  size_t errlen)
{
	char names[512];
	size_t i;
	bool writer;

	actor_list(sc, names, sizeof(names));
	for (i = 0; i < s->norder; i++)
		if (!actor_known(&s->order[i], sc, &writer)) {
			snprintf(err, errlen,
				 "schedule: order: '%s.%u' is not an actor of %s (accepted: %s)",
				 s->order[i].group, s->order[i].job, sc->path, names);
			return -EINVAL;
		}
	for (i = 0; i < s->nd; i++) {
		const struct xs_sched_decision *d = &s->d[i];

		if (!actor_known(&d->actor, sc, &writer)) {
			snprintf(err, errlen,
				 "schedule: decision %zu: '%s.%u' is not an actor of %s (accepted: "
				 "%s)",
				 i + 1, d->actor.group, d->actor.job, sc->path, names);
			return -EINVAL;
		}
		if (d->action == XS_SA_FAIL && !writer) {
			snprintf(err, errlen,
				 "schedule: decision %zu: '%s.%u' fails a copy-in but is not a "
				 "writer "
				 "(accepted: fail= on a job of kind writer)",
				 i + 1, d->actor.group, d->actor.job);
			return -EINVAL;
		}
	}
	return 0;
}
