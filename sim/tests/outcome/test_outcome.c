/*
 * The outcome table (outcome/outcome.h) against its printer, its parser and the
 * report's metric list: every table name printed exactly once and in table order,
 * nothing printed that the table lacks, the printed text byte for byte, and every
 * name the report reads found in the table.
 */
#include "outcome/outcome.h"
#include "report/report_internal.h"
#include "tests/testhelp.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char *const lock_names[XS_OUTCOME_NLOCKS] = {"i_rwsem", "invalidate_lock", "ILOCK",
							  "folio"};

/* A result with a distinct value in every field; lock slots named as named[]. */
static void fill(struct xs_run_result *r, const bool named[XS_OUTCOME_NLOCKS])
{
	int i;

	memset(r, 0, sizeof(*r));
	r->lost_bytes = 4096;
	r->lost_stores = 3;
	r->leaked_delalloc_blocks = 7;
	r->delalloc_at_unmount = -2;
	r->invariant_violations = 1;
	r->deadlocks = 1;
	r->time_limit_hit = 1;
	r->lock_order_violations = 2;
	r->writes = 1000;
	r->faults = 250;
	r->short_copies = 12;
	r->read_mismatches = 3;
	r->enospc = 4;
	r->max_over_reservation_blocks = 9;
	r->sigbus = 5;
	r->write_lat_p50_us = 3.25;
	r->write_lat_p99_us = 120.0625;
	r->fault_lat_p50_us = 7.5;
	r->fault_lat_p99_us = 88.0001;
	r->sim_time_s = 0.123456789012;
	r->wall_time_s = 1.5;
	r->events = 987654321;
	for (i = 0; i < XS_OUTCOME_NLOCKS; i++) {
		if (named[i])
			strcpy(r->locks[i].name, lock_names[i]);
		r->locks[i].acquisitions = 100u + (unsigned)i;
		r->locks[i].contended = 10u + (unsigned)i;
		r->locks[i].wait_s = 0.0012345678 * (i + 1);
		r->locks[i].max_wait_s = 0.000250 * (i + 1);
		r->locks[i].hold_s = 0.5 + i;
	}
}

/* What xs_run_print_outcomes() printed for r, malloc'd. */
static char *printed(const struct xs_run_result *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	if (!m)
		abort();
	xs_run_print_outcomes(m, r);
	fclose(m);
	return text;
}

struct names {
	char name[XS_OUTCOME_NDEFS * 4][64];
	char value[XS_OUTCOME_NDEFS * 4][64];
	int n;
	bool overflow;
};

static void collect(void *arg, const char *name, const char *value)
{
	struct names *ns = arg;

	if (ns->n == XS_OUTCOME_NDEFS * 4) {
		ns->overflow = true;
		return;
	}
	snprintf(ns->name[ns->n], sizeof(ns->name[0]), "%s", name);
	snprintf(ns->value[ns->n], sizeof(ns->value[0]), "%s", value);
	ns->n++;
}

/* The printed name of table entry i for lock slot l (ignored for a run figure). */
static void entry_name(size_t i, int l, char *buf, size_t len)
{
	const struct xs_outcome_def *d = &xs_outcome_table[i];

	if (d->nlocks)
		snprintf(buf, len, "lock_%s_%s", lock_names[l], d->name);
	else
		snprintf(buf, len, "%s", d->name);
}

XS_TEST_SUITE(outcome_table_printer_agree)
{
	bool one[XS_OUTCOME_NLOCKS] = {true, false, false, false};
	struct xs_run_result r;
	struct names ns = {0};
	char *text, want[64];
	size_t i;
	int ok = 1, count;

	/* one named lock slot (0, under every nlocks): one line per table entry exactly */
	fill(&r, one);
	text = printed(&r);
	test_cond("the printed lines parse as outcomes of the table",
		  xs_outcome_parse(text, collect, &ns) == 0 && !ns.overflow);
	test_cond("as many lines as table entries", ns.n == XS_OUTCOME_NDEFS);
	for (i = 0; i < XS_OUTCOME_NDEFS && (int)i < ns.n; i++) {
		entry_name(i, 0, want, sizeof(want));
		ok &= strcmp(ns.name[i], want) == 0;
	}
	test_cond("every table name printed, in table order", ok);
	ok = 1;
	for (i = 0; i < XS_OUTCOME_NDEFS; i++) {
		int k;

		entry_name(i, 0, want, sizeof(want));
		for (k = count = 0; k < ns.n; k++)
			count += strcmp(ns.name[k], want) == 0;
		ok &= count == 1;
	}
	test_cond("every table name printed exactly once", ok);
	free(text);
}

XS_TEST_SUITE(outcome_table_entries)
{
	size_t i, j;
	int ok = 1, unique = 1;

	for (i = 0; i < XS_OUTCOME_NDEFS; i++) {
		const struct xs_outcome_def *d = &xs_outcome_table[i];

		ok &= d->name && d->unit && d->unit[0] && d->meaning && d->meaning[0] &&
		      d->nlocks >= 0 && d->nlocks <= XS_OUTCOME_NLOCKS &&
		      (d->type != XS_OUTCOME_REAL || (d->decimals > 0 && d->scale > 0));
		for (j = 0; j < i; j++)
			unique &= !d->name || !xs_outcome_table[j].name ||
				  strcmp(d->name, xs_outcome_table[j].name) != 0;
	}
	test_cond("every entry has a name, a unit, a meaning and a sane format", ok);
	test_cond("no name twice in the table", unique);
	test_cond("the fixed outcome names are in the table",
		  xs_outcome_find("lost_bytes") && xs_outcome_find("lost_stores") &&
			  xs_outcome_find("leaked_delalloc_blocks") &&
			  xs_outcome_find("delalloc_at_unmount") &&
			  xs_outcome_find("invariant_violations") && xs_outcome_find("writes") &&
			  xs_outcome_find("faults") && xs_outcome_find("short_copies") &&
			  xs_outcome_find("write_lat_p50_us") &&
			  xs_outcome_find("write_lat_p99_us") &&
			  xs_outcome_find("fault_lat_p50_us") &&
			  xs_outcome_find("fault_lat_p99_us") && xs_outcome_find("sim_time_s") &&
			  xs_outcome_find("wall_time_s") && xs_outcome_find("events") &&
			  xs_outcome_find("sigbus"));
	test_cond("a lock figure is found by its longest name",
		  xs_outcome_find("lock_ILOCK_max_wait_us") &&
			  strcmp(xs_outcome_find("lock_ILOCK_max_wait_us")->name, "max_wait_us") ==
				  0 &&
			  strcmp(xs_outcome_find("lock_a_b_wait_us")->name, "wait_us") == 0);
	test_cond("names outside the table are not found",
		  !xs_outcome_find("lost") && !xs_outcome_find("lock__wait_us") &&
			  !xs_outcome_find("lock_wait_us") && !xs_outcome_find("") &&
			  !xs_outcome_find("lost_bytes_x"));
}

XS_TEST_SUITE(outcome_print_bytes)
{
	bool all[XS_OUTCOME_NLOCKS] = {true, true, true, true};
	bool ilock[XS_OUTCOME_NLOCKS] = {false, false, true, false};
	struct xs_run_result r;
	char *text;
	static const char tail[] = "lost_bytes=4096\n"
				   "lost_stores=3\n"
				   "leaked_delalloc_blocks=7\n"
				   "delalloc_at_unmount=-2\n"
				   "invariant_violations=1\n"
				   "deadlocks=1\n"
				   "time_limit_hit=1\n"
				   "lock_order_violations=2\n"
				   "writes=1000\n"
				   "faults=250\n"
				   "short_copies=12\n"
				   "read_mismatches=3\n"
				   "enospc=4\n"
				   "max_over_reservation_blocks=9\n"
				   "write_lat_p50_us=3.250\n"
				   "write_lat_p99_us=120.062\n"
				   "fault_lat_p50_us=7.500\n"
				   "fault_lat_p99_us=88.000\n"
				   "sim_time_s=0.123456789\n"
				   "wall_time_s=1.500\n"
				   "events=987654321\n";
	static const char locks_all[] = "sigbus=5\n"
					"lock_i_rwsem_contended=10\n"
					"lock_i_rwsem_wait_us=1234.568\n"
					"lock_i_rwsem_max_wait_us=250.000\n"
					"lock_i_rwsem_hold_us=500000.000\n"
					"lock_invalidate_lock_contended=11\n"
					"lock_invalidate_lock_wait_us=2469.136\n"
					"lock_invalidate_lock_max_wait_us=500.000\n"
					"lock_invalidate_lock_hold_us=1500000.000\n"
					"lock_ILOCK_contended=12\n"
					"lock_ILOCK_wait_us=3703.703\n"
					"lock_ILOCK_max_wait_us=750.000\n"
					"lock_folio_contended=13\n"
					"lock_folio_wait_us=4938.271\n"
					"lock_folio_max_wait_us=1000.000\n";
	static const char locks_ilock[] = "sigbus=5\n"
					  "lock_ILOCK_contended=12\n"
					  "lock_ILOCK_wait_us=3703.703\n"
					  "lock_ILOCK_max_wait_us=750.000\n";

	/* the text of xs_run_print_outcomes() before the table, for the same result */
	fill(&r, all);
	text = printed(&r);
	test_cond("four locks: the lines byte for byte",
		  strncmp(text, locks_all, strlen(locks_all)) == 0 &&
			  strcmp(text + strlen(locks_all), tail) == 0);
	free(text);
	fill(&r, ilock);
	text = printed(&r);
	test_cond("unnamed lock slots print nothing; ILOCK has no hold figure",
		  strncmp(text, locks_ilock, strlen(locks_ilock)) == 0 &&
			  strcmp(text + strlen(locks_ilock), tail) == 0);
	free(text);
}

XS_TEST_SUITE(outcome_parse_lines)
{
	struct names ns = {0};

	test_cond("parse: name and value of each line, in order",
		  xs_outcome_parse("lost_bytes=12\nlock_folio_wait_us=1.500\nevents=3", collect,
				   &ns) == 0 &&
			  ns.n == 3 && strcmp(ns.name[1], "lock_folio_wait_us") == 0 &&
			  strcmp(ns.value[1], "1.500") == 0 && strcmp(ns.value[2], "3") == 0);
	memset(&ns, 0, sizeof(ns));
	test_cond("parse: a name outside the table is refused after the lines before it",
		  xs_outcome_parse("writes=1\nbogus=2\nfaults=3\n", collect, &ns) == -EINVAL &&
			  ns.n == 1);
	memset(&ns, 0, sizeof(ns));
	test_cond("parse: a line without '=' is refused",
		  xs_outcome_parse("writes 1\n", collect, &ns) == -EINVAL && ns.n == 0);
	test_cond("parse: nothing is nothing", xs_outcome_parse("", collect, &ns) == 0);
}

XS_TEST_SUITE(outcome_report_names)
{
	int m, ok = 1;

	for (m = 0; m < RP_NMETRICS; m++) {
		const struct xs_outcome_def *d = xs_outcome_find(xs_rp_metric_names[m]);

		ok &= d && !d->nlocks;
	}
	test_cond("every metric the report reads is a run figure of the outcome table", ok);
}
