/*
 * Schedules as text (explore/schedule.h): canonical texts read back unchanged, other
 * spellings come out canonical, every error names its character and problem, the
 * bounds hold at their limits, and random schedules survive format and parse.
 */
#include "explore/schedule.h"
#include "tests/testhelp.h"

#include <errno.h>
#include <gsl/gsl_rng.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char text[XS_SCHED_TEXT_MAX + 2];

/* parse(in) formats as want (NULL: as in). */
static int canon(const char *in, const char *want)
{
	struct xs_schedule s, s2;
	char err[512];
	int ok;

	if (xs_schedule_parse(in, &s, err, sizeof(err))) {
		printf("  unexpected error: %s\n", err);
		return 0;
	}
	xs_schedule_format(&s, text, sizeof(text));
	ok = strcmp(text, want ? want : in) == 0 && xs_schedule_check(&s, NULL, 0) == 0;
	if (!ok)
		printf("  got '%s'\n", text);
	ok = ok && xs_schedule_parse(text, &s2, NULL, 0) == 0 && xs_schedule_equal(&s, &s2);
	xs_schedule_free(&s);
	xs_schedule_free(&s2);
	return ok;
}

/* parse(in) fails with exactly want (or, with a trailing '*', a message starting so). */
static int refused(const char *in, const char *want)
{
	struct xs_schedule s;
	char err[1024];
	size_t n = strlen(want);
	int ok;

	memset(&s, 0xff, sizeof(s));
	if (xs_schedule_parse(in, &s, err, sizeof(err)) != -EINVAL)
		return 0;
	ok = want[n - 1] == '*' ? strncmp(err, want, n - 1) == 0 : strcmp(err, want) == 0;
	if (!ok)
		printf("  got '%s'\n", err);
	return ok && s.d == NULL && s.nd == 0 && s.order == NULL && s.norder == 0;
}

XS_TEST_SUITE(schedule_round_trip)
{
	struct xs_schedule s;

	test_cond("none", canon("none", NULL));
	test_cond("suspend", canon("pwriter.0@0:write_copy:suspend", NULL));
	test_cond("lower", canon("pwriter.0@12:write_mapped:lower", NULL));
	test_cond("delay", canon("faulter.1@2+3:fault_mapped:delay=5us", NULL));
	test_cond("fail", canon("pwriter.0@3:write_copy:fail=4k", NULL));
	test_cond("fail=0", canon("pwriter.0@3:write_copy:fail=0", NULL));
	test_cond("order alone", canon("order=faulter.0/pwriter.0", NULL));
	test_cond("order and decisions",
		  canon("order=b.1/a-b_C.0,a-b_C.0@0:punch:delay=1s,b.1@4294967295+4294967295:wb_"
			"folio:suspend",
			NULL));
	test_cond("every point",
		  canon("x.0@0:write_mapped:lower,x.0@0:write_copy:lower,x.0@0:write_chunk_done:"
			"lower,x.0@0:write_end:lower,x.0@0:punch:lower,x.0@0:fault:lower,x.0@0:"
			"fault_mapped:lower,x.0@0:wb_folio:lower",
			NULL));
	test_cond("delays in ns, us, ms, s",
		  canon("x.0@0:fault:delay=7ns,x.0@1:fault:delay=1500us,x.0@2:fault:delay=3ms,"
			"x.0@3:fault:delay=3600s",
			NULL));
	xs_schedule_parse("pwriter.10@3+2:write_copy:delay=1500ns", &s, NULL, 0);
	test_cond("fields read", s.nd == 1 && strcmp(s.d[0].actor.group, "pwriter") == 0 &&
					 s.d[0].actor.job == 10 && s.d[0].op == 3 &&
					 s.d[0].hit == 2 && s.d[0].point == XS_SP_WRITE_COPY &&
					 s.d[0].action == XS_SA_DELAY && s.d[0].arg == 1500);
	xs_schedule_free(&s);
}

XS_TEST_SUITE(schedule_canonical)
{
	test_cond("+0 left out", canon("a.0@3+0:write_copy:suspend", "a.0@3:write_copy:suspend"));
	test_cond("groups bytewise",
		  canon("b.0@0:fault:lower,a.0@0:fault:lower,B.0@0:fault:lower",
			"B.0@0:fault:lower,a.0@0:fault:lower,b.0@0:fault:lower"));
	test_cond("jobs, ops and hits by number",
		  canon("a.10@0:fault:lower,a.9@10:fault:lower,a.9@9+10:fault:lower,a.9@9+2:"
			"fault:lower",
			"a.9@9+2:fault:lower,a.9@9+10:fault:lower,a.9@10:fault:lower,a.10@0:fault:"
			"lower"));
	test_cond("points in table order", canon("a.0@0:wb_folio:lower,a.0@0:write_mapped:lower",
						 "a.0@0:write_mapped:lower,a.0@0:wb_folio:lower"));
	test_cond("order first, in its own order",
		  canon("a.0@0:fault:lower,order=b.0/a.0", "order=b.0/a.0,a.0@0:fault:lower"));
	test_cond("delay 1000ns is 1us",
		  canon("a.0@0:fault:delay=1000ns", "a.0@0:fault:delay=1us"));
	test_cond("delay 1.5ms is 1500us",
		  canon("a.0@0:fault:delay=1.5ms", "a.0@0:fault:delay=1500us"));
	test_cond("delay 0.001s is 1ms",
		  canon("a.0@0:fault:delay=0.001s", "a.0@0:fault:delay=1ms"));
	test_cond("delay 1e3us is 1ms", canon("a.0@0:fault:delay=1e3us", "a.0@0:fault:delay=1ms"));
	test_cond("delay 2 (seconds) is 2s", canon("a.0@0:fault:delay=2", "a.0@0:fault:delay=2s"));
	test_cond("delay 0.0015ms is 1500ns",
		  canon("a.0@0:fault:delay=0.0015ms", "a.0@0:fault:delay=1500ns"));
	test_cond("fail 4096 is 4k",
		  canon("a.0@0:write_copy:fail=4096", "a.0@0:write_copy:fail=4k"));
	test_cond("fail 1M is 1m", canon("a.0@0:write_copy:fail=1M", "a.0@0:write_copy:fail=1m"));
	test_cond("fail at the limit", canon("a.0@0:write_copy:fail=9223372036854775807",
					     "a.0@0:write_copy:fail=9223372036854775807"));
	test_cond("fail 8388607t", canon("a.0@0:write_copy:fail=8388607t", NULL));
}

#define POINTS                                                                                 \
	"(accepted: write_mapped, write_copy, write_chunk_done, write_end, punch, fault, "     \
	"fault_mapped, wb_folio, lock.i_rwsem, lock.invalidate_lock, lock.ilock, lock.folio, " \
	"unlock.i_rwsem, unlock.invalidate_lock, unlock.ilock, unlock.folio, io.submit, "      \
	"io.complete, wake, op, lock.mmap_lock, unlock.mmap_lock)"
#define NUMBER	 "(accepted: 0 to 4294967295, no leading zero)"
#define DELAY	 "(accepted: 1ns to 3600s in whole nanoseconds; suffix ns, us, ms or s)"
#define ACTOR	 "(accepted: GROUP.JOB: 1 to 32 letters, digits, '_' or '-', a '.' and a number)"
#define DECISION "(accepted: ACTOR@OP[+HIT]:POINT:ACTION, as pwriter.0@3:write_copy:suspend)"

XS_TEST_SUITE(schedule_errors)
{
	test_cond("empty", refused("", "schedule: at character 1: empty schedule (accepted: none, "
				       "or elements separated by ',')"));
	test_cond("trailing comma",
		  refused("a.0@1:fault:lower,", "schedule: at character 19: empty element*"));
	test_cond("leading comma",
		  refused(",a.0@1:fault:lower", "schedule: at character 1: empty element*"));
	test_cond("no @", refused("pwriter", "schedule: at character 1: decision 'pwriter': no "
					     "'@' after the actor " DECISION));
	test_cond("none among decisions",
		  refused("a.0@1:fault:lower,none",
			  "schedule: at character 19: decision 'none': no '@' after the actor*"));
	test_cond("no : after op", refused("pwriter.0@1", "schedule: at character 1: decision "
							  "'pwriter.0@1': no ':' after the "
							  "operation*"));
	test_cond("no : after point",
		  refused("pwriter.0@1:fault", "schedule: at character 1: decision "
					       "'pwriter.0@1:fault': no ':' after the point*"));
	test_cond("no job",
		  refused("pwriter@1:fault:lower",
			  "schedule: at character 1: actor 'pwriter': no job number " ACTOR));
	test_cond("no group", refused(".0@1:fault:lower",
				      "schedule: at character 1: actor '.0': no group name*"));
	test_cond("space in group",
		  refused("p w.0@1:fault:lower",
			  "schedule: at character 2: actor 'p w.0': ' ' not allowed in a group "
			  "name " ACTOR));
	test_cond("unprintable in group",
		  refused("p\x01w.0@1:fault:lower", "schedule: at character 2: actor "
						    "'p\\x01w.0': '\\x01' not allowed*"));
	test_cond("group of 33",
		  refused("abcdefghijklmnopqrstuvwxyz0123456.0@1:fault:lower",
			  "schedule: at character 1: actor "
			  "'abcdefghijklmnopqrstuvwxyz0123456.0': group name longer than 32 "
			  "characters*"));
	test_cond("group of 32", canon("abcdefghijklmnopqrstuvwxyz012345.0@1:fault:lower", NULL));
	test_cond("long field quoted to 40 characters",
		  refused("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ.0@1:fault:lower",
			  "schedule: at character 1: actor "
			  "'abcdefghijklmnopqrstuvwxyz0123456789ABCD...': group name longer*"));
	test_cond("job not a number", refused("a.x@1:fault:lower", "schedule: at character 3: "
								   "job 'x': not a whole "
								   "number " NUMBER));
	test_cond("job missing",
		  refused("a.@1:fault:lower", "schedule: at character 3: job '': missing " NUMBER));
	test_cond("job leading zero",
		  refused("a.01@1:fault:lower",
			  "schedule: at character 3: job '01': leading zero " NUMBER));
	test_cond(
		"op out of range",
		refused("a.0@4294967296:fault:lower",
			"schedule: at character 5: operation '4294967296': out of range " NUMBER));
	test_cond("op at the limit", canon("a.0@4294967295:fault:lower", NULL));
	test_cond("op signed",
		  refused("a.0@-1:fault:lower", "schedule: at character 5: "
						"operation '-1': not a whole number*"));
	test_cond("op missing",
		  refused("a.0@:fault:lower", "schedule: at character 5: operation '': missing*"));
	test_cond("hit missing",
		  refused("a.0@1+:fault:lower", "schedule: at character 7: hit '': missing*"));
	test_cond("hit not a number", refused("a.0@1+2x:fault:lower",
					      "schedule: at character 8: hit '2x': not a whole*"));
	test_cond("unknown point", refused("a.0@1:write:lower", "schedule: at character 7: point "
								"'write': unknown point " POINTS));
	test_cond("point in capitals",
		  refused("a.0@1:FAULT:lower",
			  "schedule: at character 7: point 'FAULT': unknown point*"));
	test_cond("a lock point", canon("a.0@1:lock.i_rwsem:lower", NULL));
	test_cond("a dotted point that is not in the table",
		  refused("a.0@1:lock.i_mmap:lower",
			  "schedule: at character 7: point 'lock.i_mmap': unknown point*"));
	test_cond("unknown action",
		  refused("a.0@1:fault:sleep",
			  "schedule: at character 13: action 'sleep': unknown action (accepted: "
			  "suspend, lower, delay=TIME, fail=BYTES)"));
	test_cond("action with a tail",
		  refused("a.0@1:fault:lower:x",
			  "schedule: at character 13: action 'lower:x': unknown action*"));
	test_cond("delay empty",
		  refused("a.0@1:fault:delay=", "schedule: at character 19: delay: bad time ''*"));
	test_cond("delay bad suffix",
		  refused("a.0@1:fault:delay=1x", "schedule: at character 19: delay: bad time '1x' "
						  "(suffix ns, us, ms or s) " DELAY));
	test_cond("delay negative",
		  refused("a.0@1:fault:delay=-1s",
			  "schedule: at character 19: delay: negative time '-1s'*"));
	test_cond("delay fraction of a ns",
		  refused("a.0@1:fault:delay=1.5ns", "schedule: at character 19: delay '1.5ns': "
						     "not a whole number of nanoseconds " DELAY));
	test_cond("delay 0", refused("a.0@1:fault:delay=0",
				     "schedule: at character 19: delay '0': out of range " DELAY));
	test_cond("delay over an hour",
		  refused("a.0@1:fault:delay=3601s",
			  "schedule: at character 19: delay '3601s': out of range*"));
	test_cond("delay text too long",
		  refused("a.0@1:fault:delay="
			  "1000000000000000000000000000000000000000000000000000000000000000ns",
			  "schedule: at character 19: delay '10000000000000000000000000000000000"
			  "00000...': longer than 63 characters*"));
	test_cond(
		"fail off write_copy",
		refused("a.0@1:fault:fail=4k",
			"schedule: at character 13: 'fail=4k' at fault+0: a copy-in comes up short "
			"only at write_copy, and BYTES says where (accepted: point write_copy, hit "
			"0)"));
	test_cond("fail at hit 1",
		  refused("a.0@1+1:write_copy:fail=4k",
			  "schedule: at character 20: 'fail=4k' at write_copy+1:*"));
	test_cond("fail not a size",
		  refused("a.0@1:write_copy:fail=4kb",
			  "schedule: at character 23: fail '4kb': not a size (accepted: 0 to "
			  "9223372036854775807 bytes; suffix k, m, g or t)"));
	test_cond("fail 2^63",
		  refused("a.0@1:write_copy:fail=8388608t",
			  "schedule: at character 23: fail '8388608t': out of range*"));
	test_cond("fail 2^64",
		  refused("a.0@1:write_copy:fail=16777216t",
			  "schedule: at character 23: fail '16777216t': out of range*"));
	test_cond("two decisions at one point",
		  refused("a.0@1:fault:lower,b.0@0:fault:lower,a.0@1+0:fault:suspend",
			  "schedule: at character 37: decision 'a.0@1+0:fault': a second decision "
			  "at this point (the first at character 1) (accepted: one per actor, "
			  "operation, point and hit)"));
	test_cond("two order elements",
		  refused("order=a.0,order=b.0", "schedule: at character 11: a second order "
						 "element (the first at character 1) (accepted: "
						 "one)"));
	test_cond("actor twice in the order",
		  refused("order=a.0/b.0/a.0",
			  "schedule: at character 15: actor 'a.0' twice in the order*"));
	test_cond("empty order", refused("order=", "schedule: at character 7: actor '': no job "
						   "number*"));
	test_cond("empty actor in the order",
		  refused("order=a.0//b.0", "schedule: at character 11: actor '': no job number*"));
	test_cond("a group named order is a group", canon("order.0@0:fault:lower,order=order.1",
							  "order=order.1,order.0@0:fault:lower"));
	test_cond("no message buffer",
		  xs_schedule_parse("x", &(struct xs_schedule){0}, NULL, 0) == -EINVAL);
}

XS_TEST_SUITE(schedule_bounds)
{
	struct xs_schedule s, s2;
	struct xs_sched_decision d;
	struct xs_sched_actor a;
	char err[512];
	size_t n, full, i;
	int ok = 1;

	/* the longest schedule there is: every field at its longest */
	memset(&s, 0, sizeof(s));
	for (i = 0; i < XS_SCHED_ORDER_MAX; i++) {
		memset(&a, 0, sizeof(a));
		snprintf(a.group, sizeof(a.group), "%032zu", i);
		a.job = UINT32_MAX;
		ok = ok && xs_schedule_add_order(&s, &a, NULL, 0) == 0;
	}
	test_cond("order: one actor more is -E2BIG",
		  xs_schedule_add_order(&s, &a, NULL, 0) == -E2BIG);
	for (i = 0; i < XS_SCHED_DECISIONS_MAX; i++) {
		memset(&d, 0, sizeof(d));
		snprintf(d.actor.group, sizeof(d.actor.group), "%032zu", i);
		d.actor.job = UINT32_MAX;
		d.op = UINT32_MAX;
		if (i % 2) {
			d.hit = UINT32_MAX;
			d.point = XS_SP_WRITE_CHUNK_DONE;
			d.action = XS_SA_DELAY;
			d.arg = XS_SCHED_DELAY_MAX_NS - 1;
		} else {
			d.point = XS_SP_WRITE_COPY;
			d.action = XS_SA_FAIL;
			d.arg = XS_SCHED_FAIL_MAX_BYTES;
		}
		ok = ok && xs_schedule_add(&s, &d, NULL, 0) == 0;
	}
	test_cond("512 decisions, 64 ordered actors added", ok);
	test_cond("decisions: one more is -E2BIG",
		  xs_schedule_add(&s, &d, err, sizeof(err)) == -E2BIG);
	xs_schedule_sort(&s);
	n = xs_schedule_format(&s, text, sizeof(text));
	test_cond("the longest schedule fits XS_SCHED_TEXT_MAX",
		  n == strlen(text) && n <= XS_SCHED_TEXT_MAX);
	test_cond("and reads back", xs_schedule_parse(text, &s2, err, sizeof(err)) == 0 &&
					    xs_schedule_equal(&s, &s2));
	xs_schedule_free(&s2);
	full = n;
	n = xs_schedule_format(&s, text, 100);
	test_cond("format truncates to its buffer, returns the whole length",
		  strlen(text) == 99 && n == full);
	xs_schedule_free(&s);

	/* 513 decisions: refused at the 513th */
	n = 0;
	for (i = 0; i <= XS_SCHED_DECISIONS_MAX; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%sa.0@%zu:fault:lower",
				      i ? "," : "", i);
	snprintf(err, sizeof(err),
		 "schedule: at character %zu: more than 512 decisions "
		 "(accepted: at most 512)",
		 strrchr(text, ',') - text + 2);
	test_cond("513 decisions refused at the 513th", refused(text, err));
	*strrchr(text, ',') = '\0';
	test_cond("512 decisions read", canon(text, NULL));

	n = (size_t)snprintf(text, sizeof(text), "order=");
	for (i = 0; i <= XS_SCHED_ORDER_MAX; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%sa.%zu", i ? "/" : "", i);
	snprintf(err, sizeof(err),
		 "schedule: at character %zu: more than 64 actors in the order "
		 "(accepted: at most 64)",
		 strrchr(text, '/') - text + 2);
	test_cond("65 ordered actors refused at the 65th", refused(text, err));

	memset(text, 'a', XS_SCHED_TEXT_MAX + 1);
	text[XS_SCHED_TEXT_MAX + 1] = '\0';
	test_cond("text of 65537 characters refused before reading",
		  refused(text, "schedule: at character 65537: text longer than 65536 characters "
				"(accepted: at most 65536)"));
	text[XS_SCHED_TEXT_MAX] = '\0';
	test_cond("text of 65536 characters is read",
		  refused(text, "schedule: at character 1: decision 'aaaa*"));
}

XS_TEST_SUITE(schedule_check)
{
	struct xs_schedule s, sub;
	struct xs_sched_decision d;
	char why[256];
	static const size_t keep[] = {0, 2};

	xs_schedule_parse("a.0@0:fault:lower,a.0@1:fault:lower,b.0@0:fault:delay=1ms,order=b.0", &s,
			  NULL, 0);
	test_cond("parsed schedules check", xs_schedule_check(&s, why, sizeof(why)) == 0);
	test_cond("subset {0, 2}", xs_schedule_subset(&s, keep, 2, &sub) == 0 && sub.nd == 2 &&
					   sub.d[1].action == XS_SA_DELAY && sub.norder == 1 &&
					   xs_schedule_check(&sub, NULL, 0) == 0);
	xs_schedule_format(&sub, text, sizeof(text));
	test_cond("subset text",
		  strcmp(text, "order=b.0,a.0@0:fault:lower,b.0@0:fault:delay=1ms") == 0);
	xs_schedule_free(&sub);
	d = s.d[0];
	s.d[0] = s.d[1];
	s.d[1] = d;
	test_cond("out of order found", xs_schedule_check(&s, why, sizeof(why)) == -EINVAL);
	xs_schedule_sort(&s);
	test_cond("sorted again", xs_schedule_check(&s, why, sizeof(why)) == 0);
	s.d[1] = s.d[0];
	test_cond("duplicate found", xs_schedule_check(&s, why, sizeof(why)) == -EINVAL);
	xs_schedule_free(&s);
	memset(&d, 0, sizeof(d));
	strcpy(d.actor.group, "a");
	d.action = XS_SA_DELAY;
	test_cond("add: delay 0 refused", xs_schedule_add(&s, &d, why, sizeof(why)) == -EINVAL);
	d.action = XS_SA_FAIL;
	d.point = XS_SP_FAULT;
	test_cond("add: fail off write_copy refused",
		  xs_schedule_add(&s, &d, why, sizeof(why)) == -EINVAL);
	d.action = XS_SA_LOWER;
	d.arg = 1;
	test_cond("add: lower with an argument refused",
		  xs_schedule_add(&s, &d, why, sizeof(why)) == -EINVAL);
	d.arg = 0;
	strcpy(d.actor.group, "a.b");
	test_cond("add: '.' in a group refused",
		  xs_schedule_add(&s, &d, why, sizeof(why)) == -EINVAL);
	test_cond("nothing added", s.nd == 0);
	test_cond("names", strcmp(xs_sched_point_name(XS_SP_WB_FOLIO), "wb_folio") == 0 &&
				   xs_sched_point_name(XS_SP_NR) == NULL &&
				   strcmp(xs_sched_action_name(XS_SA_FAIL), "fail") == 0);
	for (int i = 0; i < XS_SP_NR; i++)
		test_cond("point names fit XS_SCHED_POINT_NAME_MAX",
			  strlen(xs_sched_point_name((enum xs_sched_point)i)) <=
				  XS_SCHED_POINT_NAME_MAX);
}

/* A random decision over few groups, jobs and ops, so that some collide. */
static void random_decision(gsl_rng *r, struct xs_sched_decision *d)
{
	static const char *const groups[] = {"pwriter", "faulter", "a", "Z-9_x", "w0"};
	static const uint64_t units[] = {1, 1000, 1000000, 1000000000};

	memset(d, 0, sizeof(*d));
	strcpy(d->actor.group, groups[gsl_rng_uniform_int(r, 5)]);
	d->actor.job = (uint32_t)gsl_rng_uniform_int(r, 3);
	d->op = gsl_rng_uniform_int(r, 4) ? (uint32_t)gsl_rng_uniform_int(r, 4) : UINT32_MAX;
	d->point = (enum xs_sched_point)gsl_rng_uniform_int(r, XS_SP_NR);
	d->hit = gsl_rng_uniform_int(r, 2) ? 0 : (uint32_t)gsl_rng_uniform_int(r, 3);
	d->action = (enum xs_sched_action)gsl_rng_uniform_int(r, XS_SA_NR);
	switch (d->action) {
	case XS_SA_DELAY:
		d->arg = (1 + gsl_rng_uniform_int(r, 3600)) * units[gsl_rng_uniform_int(r, 4)];
		if (d->arg > XS_SCHED_DELAY_MAX_NS)
			d->arg = XS_SCHED_DELAY_MAX_NS;
		break;
	case XS_SA_FAIL:
		d->point = XS_SP_WRITE_COPY;
		d->hit = 0;
		d->arg = gsl_rng_uniform_int(r, 3) ? gsl_rng_uniform_int(r, 1 << 20)
						   : (uint64_t)gsl_rng_uniform_int(r, 64) << 30;
		break;
	default:
		break;
	}
}

XS_TEST_SUITE(schedule_random)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	struct xs_schedule s, s2, one;
	struct xs_sched_decision d;
	struct xs_sched_actor a;
	static char again[XS_SCHED_TEXT_MAX + 1], shuffled[XS_SCHED_TEXT_MAX + 1];
	size_t i, j, n, *perm;
	int trial, bad = 0, bad_shuffle = 0;

	gsl_rng_set(r, 9);
	perm = malloc(XS_SCHED_DECISIONS_MAX * sizeof(*perm));
	for (trial = 0; trial < 2000; trial++) {
		memset(&s, 0, sizeof(s));
		n = gsl_rng_uniform_int(r, trial % 100 == 0 ? 400 : 12);
		for (i = 0; i < n; i++) {
			random_decision(r, &d);
			for (j = 0; j < s.nd && xs_sched_decision_cmp(&s.d[j], &d); j++)
				;
			if (j == s.nd)
				xs_schedule_add(&s, &d, NULL, 0);
		}
		for (i = gsl_rng_uniform_int(r, 4); i > 0; i--) {
			random_decision(r, &d);
			a = d.actor;
			for (j = 0; j < s.norder &&
				    (s.order[j].job != a.job || strcmp(s.order[j].group, a.group));
			     j++)
				;
			if (j == s.norder)
				xs_schedule_add_order(&s, &a, NULL, 0);
		}
		/* the decisions one by one, in random order, then sorted: the same text */
		for (i = 0; i < s.nd; i++)
			perm[i] = i;
		for (i = s.nd; i > 1; i--) {
			j = gsl_rng_uniform_int(r, i);
			n = perm[i - 1];
			perm[i - 1] = perm[j];
			perm[j] = n;
		}
		n = 0;
		shuffled[0] = '\0';
		for (i = 0; i < s.nd; i++) {
			one = (struct xs_schedule){&s.d[perm[i]], 1, NULL, 0};
			n += (size_t)snprintf(shuffled + n, sizeof(shuffled) - n, "%s",
					      i ? "," : "");
			n += xs_schedule_format(&one, shuffled + n, sizeof(shuffled) - n);
		}
		if (s.norder) {
			one = (struct xs_schedule){NULL, 0, s.order, s.norder};
			n += (size_t)snprintf(shuffled + n, sizeof(shuffled) - n, "%s",
					      s.nd ? "," : "");
			xs_schedule_format(&one, shuffled + n, sizeof(shuffled) - n);
		}
		xs_schedule_sort(&s);
		if (xs_schedule_check(&s, NULL, 0) != 0) {
			bad++;
			xs_schedule_free(&s);
			continue;
		}
		xs_schedule_format(&s, text, sizeof(text));
		if (xs_schedule_parse(text, &s2, NULL, 0) != 0 || !xs_schedule_equal(&s, &s2))
			bad++;
		else if (xs_schedule_format(&s2, again, sizeof(again)), strcmp(text, again) != 0)
			bad++;
		xs_schedule_free(&s2);
		if (s.nd + s.norder > 0 &&
		    (xs_schedule_parse(shuffled, &s2, NULL, 0) != 0 || !xs_schedule_equal(&s, &s2)))
			bad_shuffle++;
		xs_schedule_free(&s2);
		xs_schedule_free(&s);
	}
	test_cond("2000 random schedules: parse(format(s)) == s, format(parse(text)) == text",
		  bad == 0);
	test_cond("2000 random schedules, decisions shuffled: parse gives the canonical one",
		  bad_shuffle == 0);
	free(perm);
	gsl_rng_free(r);
}
