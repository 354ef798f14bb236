/*
 * The run message (outcome/outcome_wire.h): a result survives write and parse bit for
 * bit, with or without the extra section, and so does a failed run's error; no "extra"
 * appears when none is given; and every message cut short, or with bytes after its
 * "end", fails to parse.
 */
#include "outcome/outcome.h"
#include "outcome/outcome_wire.h"
#include "tests/testhelp.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* A result with odd reals (exact only in %a), two latency rows and two anomalies. */
static void fill(struct xs_run_result *r)
{
	memset(r, 0, sizeof(*r));
	r->lost_bytes = 8192;
	r->writes = 1024;
	r->faults = 1023;
	r->sim_time_s = 0.1 + 0.2;
	r->write_lat_p99_us = 1.0 / 3.0;
	r->events = 12345;
	strcpy(r->locks[0].name, "i_rwsem");
	r->locks[0].wait_s = 2.0 / 7.0;
	r->nlatency = 2;
	r->latency[0] = (struct xs_latency){"pwrite", 1024, 1.0 / 3, 0.5, 0.9, 0.99, 0.999, 12.75};
	r->latency[1] = (struct xs_latency){"fault", 1023, 2.0 / 3, 1.5, 1.9, 1.99, 1.999, 1e-9};
	/* per group: a name with blanks and digits, as a section name may be */
	r->ngroup_latency = 2;
	r->group_latency = calloc(2, sizeof(*r->group_latency));
	test_assert(r->group_latency);
	r->group_latency[0] = (struct xs_group_latency){
		"my writers 2", {"write", 7, 1.0 / 7, 0.25, 0.5, 0.75, 0.875, 1e300}};
	r->group_latency[1] = (struct xs_group_latency){"f", {"fault", 0, 0, 0, 0, 0, 0, 5e-324}};
	r->nanomalies = 2;
	r->anomalies = calloc(2, sizeof(*r->anomalies));
	test_assert(r->anomalies);
	r->anomalies[0] = (struct xs_anomaly){"lost", 4096, 8, 0.25 / 3, strdup("two\nlines")};
	r->anomalies[1] = (struct xs_anomaly){"leak", 0, 1, 1.0 / 9, strdup("")};
	test_assert(r->anomalies[0].detail && r->anomalies[1].detail);
}

static char *message(const char *error, const struct xs_run_result *r, const char *extra,
		     size_t *len)
{
	char *text = NULL;
	FILE *m = open_memstream(&text, len);

	test_assert(m);
	xs_outcome_wire_write(m, error, r, extra);
	test_assert(fclose(m) == 0);
	return text;
}

static char *outcome_text(const struct xs_run_result *r)
{
	char *text = NULL;
	size_t len;
	FILE *m = open_memstream(&text, &len);

	test_assert(m);
	xs_run_print_outcomes(m, r);
	test_assert(fclose(m) == 0);
	return text;
}

/* w holds r: the outcome lines, latency rows and anomalies, exactly. */
static bool same(const struct xs_outcome_wire *w, const struct xs_run_result *r)
{
	char *want = outcome_text(r);
	bool ok = !w->error && w->outcomes && strcmp(w->outcomes, want) == 0 &&
		  w->nlatency == r->nlatency && w->nanomalies == r->nanomalies;

	free(want);
	for (int i = 0; ok && i < r->nlatency; i++)
		ok = memcmp(&w->latency[i], &r->latency[i], sizeof(r->latency[i])) == 0;
	ok = ok && w->ngroup_latency == r->ngroup_latency;
	for (size_t i = 0; ok && i < r->ngroup_latency; i++)
		ok = memcmp(&w->group_latency[i], &r->group_latency[i],
			    sizeof(r->group_latency[i])) == 0;
	for (size_t i = 0; ok && i < r->nanomalies; i++) {
		const struct xs_anomaly *a = &w->anomalies[i], *b = &r->anomalies[i];

		ok = strcmp(a->kind, b->kind) == 0 && a->offset == b->offset &&
		     a->length == b->length && a->sim_time_s == b->sim_time_s &&
		     strcmp(a->detail, b->detail) == 0;
	}
	return ok;
}

/* No prefix of msg[0..len) parses. */
static bool no_prefix_parses(const char *msg, size_t len)
{
	struct xs_outcome_wire w;
	bool ok = true;

	for (size_t n = 0; n < len; n++) {
		ok = ok && !xs_outcome_wire_parse(msg, n, &w);
		xs_outcome_wire_free(&w);
	}
	return ok;
}

XS_TEST_SUITE(outcome_wire_round_trip)
{
	struct xs_run_result r;
	struct xs_outcome_wire w;
	const char *extra = "pw.0@37:iomap_end suspend\nend\nextra 3\n";
	char *plain, *with;
	size_t plen, wlen;

	fill(&r);
	plain = message(NULL, &r, NULL, &plen);
	test_cond("without extra: parses", xs_outcome_wire_parse(plain, plen, &w));
	test_cond("without extra: the result exactly", same(&w, &r));
	test_cond("without extra: extra is NULL", w.extra == NULL);
	test_cond("without extra: no extra section written", !strstr(plain, "\nextra "));
	xs_outcome_wire_free(&w);

	with = message(NULL, &r, extra, &wlen);
	test_cond("with extra: parses", xs_outcome_wire_parse(with, wlen, &w));
	test_cond("with extra: the result exactly", same(&w, &r));
	test_cond("with extra: the text back, even with \"end\" lines inside",
		  w.extra && strcmp(w.extra, extra) == 0);
	xs_outcome_wire_free(&w);
	test_cond("with extra: the same message up to the extra section, which precedes end",
		  wlen > plen && memcmp(with, plain, plen - 4) == 0 &&
			  strncmp(with + plen - 4, "extra ", 6) == 0 &&
			  strcmp(with + wlen - 4, "end\n") == 0);
	test_cond("with extra: cut anywhere before its end, it does not parse",
		  no_prefix_parses(with, wlen));
	test_cond("without extra: cut anywhere before its end, it does not parse",
		  no_prefix_parses(plain, plen));
	with[wlen - 1] = 'x';
	test_cond("a damaged end line does not parse", !xs_outcome_wire_parse(with, wlen, &w));
	xs_outcome_wire_free(&w);
	free(with);

	with = message(NULL, &r, "", &wlen);
	test_cond("an empty extra is not none",
		  xs_outcome_wire_parse(with, wlen, &w) && w.extra && w.extra[0] == '\0');
	xs_outcome_wire_free(&w);
	free(with);

	plain = realloc(plain, plen + 2);
	test_assert(plain);
	memcpy(plain + plen, "x\n", 2);
	test_cond("bytes after end do not parse", !xs_outcome_wire_parse(plain, plen + 2, &w));
	xs_outcome_wire_free(&w);
	free(plain);
	xs_run_result_free(&r);
}

XS_TEST_SUITE(outcome_wire_error)
{
	struct xs_outcome_wire w;
	char *msg;
	size_t len;

	msg = message("scenario: bad\nthing", NULL, "the schedule", &len);
	test_cond("an error with extra: parses", xs_outcome_wire_parse(msg, len, &w));
	test_cond("an error with extra: both texts back",
		  w.error && strcmp(w.error, "scenario: bad\nthing") == 0 && w.extra &&
			  strcmp(w.extra, "the schedule") == 0 && !w.outcomes);
	xs_outcome_wire_free(&w);
	test_cond("an error with extra, cut short, does not parse", no_prefix_parses(msg, len));
	free(msg);

	msg = message("oops", NULL, NULL, &len);
	test_cond("an error without extra: the exact bytes",
		  len == 22 && memcmp(msg, "XSR1\nerror 4\noops\nend\n", len) == 0);
	test_cond("an error without extra: parses with extra NULL",
		  xs_outcome_wire_parse(msg, len, &w) && strcmp(w.error, "oops") == 0 && !w.extra);
	xs_outcome_wire_free(&w);
	free(msg);
	test_cond("a length past the message does not parse",
		  !xs_outcome_wire_parse("XSR1\nerror 18446744073709551615\nx\nend\n", 38, &w));
	xs_outcome_wire_free(&w);
}
