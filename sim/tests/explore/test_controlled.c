/*
 * Whole runs under the controlled scheduler (xrun.h): a strategy's taken schedule,
 * replayed, makes the same run byte for byte (the outcome lines); suspend, order= and
 * delay= do what docs/design.md, "Schedules" says, seen in the order and times of the
 * events; and the story names the 2022 race's interleavings A and B on 6.1 runs that
 * lose data, and nothing on 6.13.
 */
#include "tests/explore/xrun.h"
#include "tests/testhelp.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A writer and a faulter putting 8-byte markers into every page of a small file. */
static const char *race_ini(unsigned pages)
{
	char name[32], text[512];
	const char *path;

	snprintf(name, sizeof(name), "race-%u.ini", pages);
	path = xs_test_tmp_path(name);
	snprintf(text, sizeof(text),
		 "[global]\nkernel = 6.1\nfile_size = %uk\n"
		 "[pwriter]\nkind = writer\noffset = 1024\nbs = 8\nstride = 4k\nsize = %uk\n"
		 "[mmapper]\nkind = faulter\noffset = 3072\nbs = 8\nstride = 4k\nsize = %uk\n",
		 4 * pages, 4 * pages, 4 * pages);
	xs_test_write_text(path, text);
	return path;
}

static struct xrun_out *out_new(void)
{
	struct xrun_out *o = calloc(1, sizeof(*o));

	test_assert(o);
	return o;
}

XS_TEST_SUITE(controlled_replay_fidelity)
{
	static const enum xs_strategy strat[] = {XS_STRAT_PCT, XS_STRAT_DELAY};
	const char *ini = race_ini(16);
	struct xrun_out *ref = out_new(), *a = out_new(), *b = out_new();
	struct xrun_in in = {.ini = ini};
	uint64_t seed;
	size_t i;

	/* k from a run without decisions, as explore's reference phase does */
	xrun_replay(ini, "none", NULL, NULL, NULL, ref);
	test_assert(ref->ok && ref->steps > 0);
	test_cond("a replay of none names every job and daemon (2 + 4 actors)", ref->nactors == 6);
	for (i = 0; i < 2; i++) {
		unsigned same = 0, lost = 0, decided = 0, differ = 0, n = 0;

		in.strategy = strat[i];
		in.k = ref->steps;
		for (seed = 1; seed <= 30; seed++) {
			in.seed = seed;
			in.depth = 2 + (unsigned)(seed % 2);
			xrun(&in, a);
			if (!a->ok)
				continue;
			n++;
			decided += strcmp(a->spec, "none") != 0;
			lost += a->lost_bytes > 0;
			differ += strcmp(a->outcomes, ref->outcomes) != 0;
			xrun_replay(ini, a->spec, NULL, NULL, NULL, b);
			if (b->ok && strcmp(a->outcomes, b->outcomes) == 0 && a->steps == b->steps)
				same++;
			else
				printf("  %s seed %" PRIu64 ": the replay of %s differs\n",
				       xs_strategy_name(strat[i]), seed, a->spec);
		}
		printf("  %s: %u runs, %u decided, %u lost data, %u differ from no decisions\n",
		       xs_strategy_name(strat[i]), n, decided, lost, differ);
		test_cond("every run ran", n == 30);
		test_cond("a replay of the taken schedule gives the same outcome lines, byte for "
			  "byte",
			  same == n);
		/* otherwise the property above would hold of a controller that did nothing */
		test_cond("the seeds include runs that lose data (so the property covers them)",
			  lost > 0);
		test_cond("the strategy changed the runs (some outcome differs from none's)",
			  differ > 0);
	}
	free(ref);
	free(a);
	free(b);
}

/* Index of the last event of group, or nev. */
static size_t last_of(const struct xrun_out *o, const char *group)
{
	size_t i, last = o->nev;

	for (i = 0; i < o->nev; i++)
		if (!o->ev[i].decision && strcmp(o->ev[i].group, group) == 0)
			last = i;
	return last;
}

/* Index of the first event of group in an operation >= op, or nev. */
static size_t first_from_op(const struct xrun_out *o, const char *group, uint32_t op)
{
	size_t i;

	for (i = 0; i < o->nev; i++)
		if (!o->ev[i].decision && strcmp(o->ev[i].group, group) == 0 && o->ev[i].op >= op)
			return i;
	return o->nev;
}

XS_TEST_SUITE(controlled_order_and_suspend)
{
	const char *ini = race_ini(4);
	struct xrun_out *o = out_new();
	size_t wfirst, mfirst, mlast, wnext, i, nsusp = 0;

	/* order=: the higher actor passes its points first */
	xrun_replay(ini, "order=pwriter.0/mmapper.0", NULL, NULL, NULL, o);
	test_assert(o->ok && !o->ev_cut);
	wfirst = xrun_find(o, 0, "pwriter", -1);
	mfirst = xrun_find(o, 0, "mmapper", -1);
	test_cond("order=pwriter.0/mmapper.0: the writer's first event comes first",
		  wfirst < mfirst && mfirst < o->nev);
	mlast = last_of(o, "mmapper");
	wnext = first_from_op(o, "pwriter", 1);
	test_cond("... and its next write too, before the faulter is done", wnext < mlast);
	xrun_replay(ini, "order=mmapper.0/pwriter.0", NULL, NULL, NULL, o);
	test_assert(o->ok && !o->ev_cut);
	wfirst = xrun_find(o, 0, "pwriter", -1);
	mfirst = xrun_find(o, 0, "mmapper", -1);
	/* the faulter reserves every page before the writer gets to them: the writer may
	 * have no event at all */
	test_cond("order=mmapper.0/pwriter.0: the faulter's first event comes first",
		  mfirst == 0 && mfirst < wfirst);

	/* suspend: the writer, though first in the order, waits at its first write_end
	 * until the faulter has nothing left to do */
	xrun_replay(ini, "order=pwriter.0/mmapper.0,pwriter.0@0:write_end:suspend", NULL, NULL,
		    NULL, o);
	test_assert(o->ok && !o->ev_cut);
	mlast = last_of(o, "mmapper");
	wnext = first_from_op(o, "pwriter", 1);
	test_cond("a suspend at the writer's write_end: the faulter's events all come before "
		  "the writer's next write",
		  mlast < wnext && mlast < o->nev);
	for (i = 0; i < o->nev; i++)
		nsusp += o->ev[i].decision && o->ev[i].kind == XS_CTL_SUSPEND &&
			 strcmp(o->ev[i].group, "pwriter") == 0 && o->ev[i].op == 0;
	test_cond("... and the suspension is reported to the listener, once", nsusp == 1);
	free(o);
}

/* Simulated time of the faulter's first event, -1 if none. */
static double faulter_t0(const struct xrun_out *o)
{
	size_t i = xrun_find(o, 0, "mmapper", -1);

	return i < o->nev ? o->ev[i].t : -1;
}

XS_TEST_SUITE(controlled_delay)
{
	const char *ini = race_ini(2);
	struct xrun_out *o = out_new();
	double base, d1, d2;

	xrun_replay(ini, "none", NULL, NULL, NULL, o);
	test_assert(o->ok);
	base = faulter_t0(o);
	xrun_replay(ini, "mmapper.0@0:fault:delay=1ms", NULL, NULL, NULL, o);
	test_assert(o->ok);
	d1 = faulter_t0(o);
	xrun_replay(ini, "mmapper.0@0:fault:delay=3ms", NULL, NULL, NULL, o);
	test_assert(o->ok);
	d2 = faulter_t0(o);
	printf("  the faulter's first event at %.9f s, %.9f s with delay=1ms, %.9f s with "
	       "delay=3ms\n",
	       base, d1, d2);
	test_cond("delay=1ms holds the faulter back by at least 1 ms",
		  base >= 0 && d1 - base >= 1e-3 - 1e-9);
	test_cond("... and not much more (under 1.1 ms)", d1 - base < 1.1e-3);
	test_cond("delay=3ms holds it back 2 ms longer than delay=1ms",
		  d2 - d1 > 2e-3 - 1e-9 && d2 - d1 < 2e-3 + 1e-9);
	free(o);
}

XS_TEST_SUITE(controlled_story_interleavings)
{
	const char *ini = race_ini(2);
	/* A: the write fails to copy, and waits at write_end while the fault dirties the
	 * page under its new reservation; B: the writer runs first and is suspended at
	 * its punch, after the truncate, so the fault comes between the two */
	const char *a_spec = "pwriter.0@0:write_copy:fail=0,pwriter.0@0:write_end:suspend";
	const char *b_spec = "order=pwriter.0/mmapper.0,pwriter.0@0:write_copy:fail=0,"
			     "pwriter.0@0:punch:suspend";
	struct xrun_in in = {.ini = ini, .strategy = XS_STRAT_REPLAY, .story = 1};
	struct xrun_out *o = out_new();

	in.spec = a_spec;
	xrun(&in, o);
	test_assert(o->ok);
	test_cond("6.1, fault under the new reservation: data lost, interleaving A",
		  o->lost_bytes > 0 && o->interleaving == 'A');
	in.spec = b_spec;
	in.ov_section = "global";
	in.ov_key = "punch";
	in.ov_value = "truncate-punch";
	xrun(&in, o);
	test_assert(o->ok);
	test_cond("truncate-punch, fault between truncate and punch: data lost, interleaving B",
		  o->lost_bytes > 0 && o->interleaving == 'B');
	in.ov_value = "locked-truncate-punch";
	xrun(&in, o);
	test_assert(o->ok);
	test_cond("locked-truncate-punch closes B: no loss, no interleaving",
		  o->lost_bytes == 0 && o->interleaving == 0);
	in.spec = a_spec;
	in.ov_key = "kernel";
	in.ov_value = "6.13";
	xrun(&in, o);
	test_assert(o->ok);
	test_cond("6.13, A's schedule: no loss, no interleaving",
		  o->lost_bytes == 0 && o->interleaving == 0);
	in.spec = b_spec;
	xrun(&in, o);
	test_assert(o->ok);
	test_cond("6.13, B's schedule: no loss, no interleaving",
		  o->lost_bytes == 0 && o->interleaving == 0);
	/* the suspension matters: without it, B's order keeps the data */
	in.spec = "order=pwriter.0/mmapper.0,pwriter.0@0:write_copy:fail=0";
	in.ov_key = "punch";
	in.ov_value = "truncate-punch";
	xrun(&in, o);
	test_assert(o->ok);
	test_cond("truncate-punch, B's order and failed copy without the suspension: no loss",
		  o->lost_bytes == 0 && o->interleaving == 0);
	free(o);
}
