/*
 * The explorer's controllers (explore/xctl.h) driven by hand, without a simulation:
 * replay looks decisions up by (actor, op, point, hit) exactly and ranks the order's
 * actors first; pct and delay draw the same decisions from the same seed and others
 * from other seeds, and record them as a canonical schedule (every actor in pct's
 * order); xs_xctl_check() refuses unknown actors and fail= on a non-writer.
 */
#include "explore/xctl.h"
#include "tests/testhelp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct xs_ctl_at at_of(const char *group, uint32_t job, int index, bool writer, uint32_t op,
			      enum xs_ctl_point pt, uint32_t hit, uint64_t step)
{
	struct xs_ctl_at at;

	memset(&at, 0, sizeof(at));
	at.who.group = group;
	at.who.job = job;
	at.who.index = index;
	at.who.writer = writer;
	at.op = op;
	at.hit = hit;
	at.point = pt;
	at.step = step;
	at.op_len = writer ? 4096 : 0;
	return at;
}

static int64_t prio_of(struct xs_xctl *x, struct xs_ctl_at at)
{
	return x->ctl.ops->priority(x->ctl.arg, &at.who);
}

static struct xs_ctl_act decide(struct xs_xctl *x, struct xs_ctl_at at)
{
	return x->ctl.ops->decide(x->ctl.arg, &at);
}

XS_TEST_SUITE(xctl_replay_lookup)
{
	const char *text = "pwriter.0@5:write_end:suspend,pwriter.0@5+2:write_copy:delay=3us,"
			   "mmapper.0@0:fault:delay=1ms,pwriter.0@7:write_copy:fail=100";
	struct xs_schedule s;
	struct xs_xctl_cfg cfg = {.strategy = XS_STRAT_REPLAY};
	struct xs_xctl x;
	struct xs_ctl_act a;
	enum xs_ctl_point we = (enum xs_ctl_point)XS_PT_WRITE_END;
	enum xs_ctl_point wc = (enum xs_ctl_point)XS_PT_WRITE_COPY;
	enum xs_ctl_point fa = (enum xs_ctl_point)XS_PT_FAULT;
	char buf[512];

	test_assert(xs_schedule_parse(text, &s, NULL, 0) == 0);
	cfg.replay = &s;
	test_assert(xs_xctl_init(&x, &cfg) == 0);
	test_cond("replay without an order or lower is not prioritised", !x.ctl.prioritised);
	/* the actors are created in the order the run would create them */
	prio_of(&x, at_of("pwriter", 0, 0, true, 0, we, 0, 0));
	prio_of(&x, at_of("mmapper", 0, 1, false, 0, we, 0, 0));

	a = decide(&x, at_of("pwriter", 0, 0, true, 5, we, 0, 10));
	test_cond("the decision at its (actor, op, point, hit) fires", a.kind == XS_CTL_SUSPEND);
	a = decide(&x, at_of("pwriter", 0, 0, true, 4, we, 0, 11));
	test_cond("... not at the op before", a.kind == XS_CTL_GO);
	a = decide(&x, at_of("pwriter", 0, 0, true, 6, we, 0, 12));
	test_cond("... not at the op after", a.kind == XS_CTL_GO);
	a = decide(&x, at_of("pwriter", 0, 0, true, 5, we, 1, 13));
	test_cond("... not at hit 1 of the same point", a.kind == XS_CTL_GO);
	a = decide(&x, at_of("pwriter", 0, 0, true, 5, wc, 0, 14));
	test_cond("... not at another point of the op", a.kind == XS_CTL_GO);
	a = decide(&x, at_of("mmapper", 0, 1, false, 5, we, 0, 15));
	test_cond("... not for another actor at the same place", a.kind == XS_CTL_GO);
	a = decide(&x, at_of("pwriter", 1, 2, true, 5, we, 0, 16));
	test_cond("... not for another job of the group", a.kind == XS_CTL_GO);
	a = decide(&x, at_of("pwriter", 0, 0, true, 5, wc, 2, 17));
	test_cond("a hit other than 0 fires at that hit, with its argument",
		  a.kind == XS_CTL_DELAY && a.arg == 3000);
	a = decide(&x, at_of("pwriter", 0, 0, true, 5, wc, 1, 18));
	test_cond("... and not at the hit before it", a.kind == XS_CTL_GO);
	a = decide(&x, at_of("mmapper", 0, 1, false, 0, fa, 0, 19));
	test_cond("another actor's decision fires", a.kind == XS_CTL_DELAY && a.arg == 1000000);
	a = decide(&x, at_of("pwriter", 0, 0, true, 7, wc, 0, 20));
	test_cond("fail carries its byte count", a.kind == XS_CTL_FAIL && a.arg == 100);
	a = decide(&x, at_of("pwriter", 0, 0, true, 5, we, 0, 21));
	test_cond("a decision fires again at the same place (replay keeps no state)",
		  a.kind == XS_CTL_SUSPEND);
	test_cond("the taken schedule of a replay is the schedule, canonical (point before hit)",
		  xs_xctl_taken(&x, buf, sizeof(buf)) > 0 &&
			  strcmp(buf,
				 "mmapper.0@0:fault:delay=1ms,pwriter.0@5+2:write_copy:delay=3us,"
				 "pwriter.0@5:write_end:suspend,"
				 "pwriter.0@7:write_copy:fail=100") == 0);
	xs_xctl_free(&x);
	xs_schedule_free(&s);
}

XS_TEST_SUITE(xctl_replay_order)
{
	struct xs_schedule s;
	struct xs_xctl_cfg cfg = {.strategy = XS_STRAT_REPLAY};
	struct xs_xctl x;
	struct xs_ctl_at w = at_of("pwriter", 0, 0, true, 0, XS_CP_WAKE, 0, 0);
	struct xs_ctl_at m = at_of("mmapper", 0, 1, false, 0, XS_CP_WAKE, 0, 0);
	struct xs_ctl_at f = at_of("flusher", 0, 2, false, 0, XS_CP_WAKE, 0, 0);
	struct xs_ctl_at r = at_of("reclaim", 0, 3, false, 0, XS_CP_WAKE, 0, 0);
	int64_t pw, pm, pf, pr;

	test_assert(xs_schedule_parse("order=mmapper.0/flusher.0", &s, NULL, 0) == 0);
	cfg.replay = &s;
	test_assert(xs_xctl_init(&x, &cfg) == 0);
	test_cond("replay with an order is prioritised", x.ctl.prioritised);
	pw = x.ctl.ops->priority(x.ctl.arg, &w.who);
	pm = x.ctl.ops->priority(x.ctl.arg, &m.who);
	pf = x.ctl.ops->priority(x.ctl.arg, &f.who);
	pr = x.ctl.ops->priority(x.ctl.arg, &r.who);
	test_cond("the order's first actor ranks highest", pm > pf && pm > pw && pm > pr);
	test_cond("the order's second actor ranks above the actors it does not name",
		  pf > pw && pf > pr);
	test_cond("unnamed actors rank by creation order", pw > pr);
	xs_xctl_free(&x);
	xs_schedule_free(&s);

	test_assert(xs_schedule_parse("pwriter.0@3:punch:lower", &s, NULL, 0) == 0);
	cfg.replay = &s;
	test_assert(xs_xctl_init(&x, &cfg) == 0);
	test_cond("replay with a lower decision is prioritised", x.ctl.prioritised);
	xs_xctl_free(&x);
	xs_schedule_free(&s);
}

/*
 * A fake run of three actors (a writer, a faulter, the flusher) taking turns at
 * points for nsteps steps; the schedule taken into buf. Returns the length or < 0.
 */
static long fake_run(enum xs_strategy st, uint64_t seed, unsigned depth, uint64_t nsteps, char *buf,
		     size_t len, bool *prioritised)
{
	static const char *const groups[] = {"pwriter", "mmapper", "flusher"};
	static const enum xs_ctl_point pts[] = {
		(enum xs_ctl_point)XS_PT_WRITE_MAPPED, (enum xs_ctl_point)XS_PT_WRITE_COPY,
		XS_CP_LOCK_FOLIO, (enum xs_ctl_point)XS_PT_WRITE_END, XS_CP_UNLOCK_FOLIO};
	struct xs_xctl_cfg cfg = {.strategy = st, .seed = seed, .depth = depth, .k_steps = nsteps};
	struct xs_xctl x;
	uint64_t step;
	long n;
	int i;

	if (xs_xctl_init(&x, &cfg))
		return -EINVAL;
	*prioritised = x.ctl.prioritised;
	for (i = 0; i < 3; i++)
		prio_of(&x, at_of(groups[i], 0, i, i == 0, 0, XS_CP_WAKE, 0, 0));
	for (step = 0; step < nsteps; step++) {
		int a = (int)(step % 3);
		uint64_t turn = step / 3;

		decide(&x, at_of(groups[a], 0, a, a == 0, (uint32_t)(turn / 5), pts[turn % 5], 0,
				 step));
	}
	n = xs_xctl_taken(&x, buf, len);
	xs_xctl_free(&x);
	return n;
}

XS_TEST_SUITE(xctl_strategies_fake_run)
{
	static const enum xs_strategy strat[] = {XS_STRAT_PCT, XS_STRAT_DELAY};
	char a[4096], b[4096], why[256];
	struct xs_schedule s;
	bool prio;
	size_t i, k;

	for (i = 0; i < 2; i++) {
		const char *name = xs_strategy_name(strat[i]);
		unsigned distinct = 0, decided = 0;
		int same = 1, canonical = 1, orders = 1;
		uint64_t seed;

		for (seed = 1; seed <= 20; seed++) {
			long n = fake_run(strat[i], seed, 3, 300, a, sizeof(a), &prio);

			same = same && n > 0 &&
			       fake_run(strat[i], seed, 3, 300, b, sizeof(b), &prio) == n &&
			       strcmp(a, b) == 0;
			test_assert(n > 0);
			if (xs_schedule_parse(a, &s, why, sizeof(why))) {
				printf("  %s seed %llu: '%s': %s\n", name, (unsigned long long)seed,
				       a, why);
				canonical = 0;
				continue;
			}
			xs_schedule_format(&s, b, sizeof(b));
			canonical = canonical && strcmp(a, b) == 0;
			decided += s.nd > 0;
			/* under pct, the order names all three actors; delay has none */
			if (strat[i] == XS_STRAT_PCT)
				orders = orders && s.norder == 3;
			else
				orders = orders && s.norder == 0;
			/* pct: depth 3 is 2 change points; delay: 3 decisions, plus fails */
			for (k = 0; k < s.nd; k++)
				if (s.d[k].action != XS_SA_FAIL)
					orders = orders &&
						 (strat[i] == XS_STRAT_PCT
							  ? s.d[k].action == XS_SA_LOWER
							  : s.d[k].action == XS_SA_SUSPEND ||
								    s.d[k].action == XS_SA_DELAY);
			xs_schedule_free(&s);
			fake_run(strat[i], seed + 1, 3, 300, b, sizeof(b), &prio);
			distinct += strcmp(a, b) != 0;
		}
		printf("  %s: %u of 20 seeds differ from the next seed, %u decided\n", name,
		       distinct, decided);
		test_cond(name, same); /* the same seed, the same schedule */
		test_cond("the taken schedule parses and is canonical", canonical);
		test_cond("pct's order lists every actor; the actions fit the strategy", orders);
		test_cond("different seeds give different schedules (most of 20)", distinct >= 15);
		test_cond("the strategy decides (most of 20 seeds)", decided >= 15);
	}
	fake_run(XS_STRAT_PCT, 1, 2, 10, a, sizeof(a), &prio);
	test_cond("pct is prioritised", prio);
	fake_run(XS_STRAT_DELAY, 1, 2, 10, a, sizeof(a), &prio);
	test_cond("delay is not prioritised", !prio);
}

XS_TEST_SUITE(xctl_init_refuses)
{
	struct xs_xctl x;
	struct xs_xctl_cfg c = {.strategy = XS_STRAT_PCT, .seed = 1, .depth = 2, .k_steps = 0};

	test_cond("pct with k = 0", xs_xctl_init(&x, &c) == -EINVAL);
	c.k_steps = 10;
	c.depth = 0;
	test_cond("pct with depth 0", xs_xctl_init(&x, &c) == -EINVAL);
	c.strategy = XS_STRAT_REPLAY;
	test_cond("replay without a schedule", xs_xctl_init(&x, &c) == -EINVAL);
	c.strategy = XS_STRAT_BOUNDED;
	c.depth = 2;
	test_cond("bounded is not a controller", xs_xctl_init(&x, &c) == -EINVAL);
}

XS_TEST_SUITE(xctl_check)
{
	const char *ini = xs_test_tmp_path("check.ini");
	struct xs_scenario *sc = calloc(1, sizeof(*sc));
	struct {
		const char *spec;
		int ok;
		const char *want; /* in the message */
	} cases[] = {
		{"pwriter.0@0:write_copy:fail=0,mmapper.1@3:fault:suspend", 1, NULL},
		{"order=flusher.0/reclaim.0/blockgc.0/mmapper.1/pwriter.0", 1, NULL},
		{"pwriter.1@0:write_end:suspend", 0,
		 "schedule: decision 1: 'pwriter.1' is not an actor of"},
		{"mmapper.2@0:fault:suspend", 0, "'mmapper.2' is not an actor of"},
		{"order=pwriter.0/nosuch.0", 0, "schedule: order: 'nosuch.0' is not an actor of"},
		{"flusher.1@0:wake:suspend", 0, "'flusher.1' is not an actor of"},
		{"mmapper.0@0:write_copy:fail=0", 0,
		 "schedule: decision 1: 'mmapper.0' fails a copy-in but is not a writer"},
		{"flusher.0@0:write_copy:fail=0", 0, "'flusher.0' fails a copy-in but is not a"},
	};
	char err[1024];
	size_t i;

	xs_test_write_text(ini, "[global]\nfile_size = 64k\n"
				"[pwriter]\nkind = writer\nsize = 64k\n"
				"[mmapper]\nkind = faulter\njobs = 2\nsize = 64k\n");
	test_assert(sc &&
		    xs_scenario_load(ini, NULL, 0, "configs/devices", sc, err, sizeof(err)) == 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct xs_schedule s;
		int r;

		test_assert(xs_schedule_parse(cases[i].spec, &s, NULL, 0) == 0);
		err[0] = '\0';
		r = xs_xctl_check(&s, sc, err, sizeof(err));
		if (cases[i].ok) {
			test_cond(cases[i].spec, r == 0);
		} else {
			int ok = r == -EINVAL && strstr(err, cases[i].want) != NULL;

			if (!ok)
				printf("  got %d '%s'\n", r, err);
			test_cond(cases[i].spec, ok);
		}
		if (!cases[i].ok && strstr(cases[i].want, "not an actor"))
			test_cond("the message names the scenario and lists the actors",
				  strstr(err, ini) &&
					  strstr(err, "accepted: pwriter.0, mmapper.0..., "
						      "flusher.0, reclaim.0, blockgc.0"));
		xs_schedule_free(&s);
	}
	free(sc);
}
