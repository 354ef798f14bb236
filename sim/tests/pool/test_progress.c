/*
 * The progress bar of sweep and explore (pool/progress.h): every line fits the
 * terminal it is drawn on (at most width - 1 characters, so the cursor never wraps),
 * and what it drops to fit comes in the documented order.
 */
#include "pool/progress.h"
#include "tests/testhelp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check_width(struct xs_progress *pg, unsigned width, const char *what)
{
	char line[1024], d[256];
	size_t n = xs_progress_render(pg, pg->t0 + 7.5, width, line, sizeof(line));

	snprintf(d, sizeof(d), "%s at %u columns: %zu <= %u characters (\"%.100s\")", what, width,
		 n, width - 1, line);
	test_cond(d, n == strlen(line) && n <= width - 1 && n > 0);
}

/* A sweep a tenth done, 10 s in, 10 runs with loss so far. */
static const struct xs_progress sweep_at_10 = {.mode = 1,
					       .label = "sweep",
					       .hits_name = "with loss",
					       .t0 = 100,
					       .total = 450,
					       .done = 45,
					       .hits = 10};

XS_TEST_SUITE(test_progress_fits)
{
	static const unsigned widths[] = {40, 80, 200, 20, 2};
	struct xs_progress pg = sweep_at_10;
	size_t i;

	for (i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		pg.total = 450;
		pg.done = 37;
		pg.hits = 10;
		pg.failed = 0;
		check_width(&pg, widths[i], "450 runs, with loss: 10");
		pg.total = 18000000000000000000ull;
		pg.done = 9000000000000000000ull;
		pg.hits = 8000000000000000000ull;
		pg.failed = 7000000000000000000ull;
		check_width(&pg, widths[i], "counts of 19 digits, failed runs");
	}
	pg.label = "explore: shrinking, replay 12 of at most 400, with a long phase name";
	pg.hits_name = "failing";
	for (i = 0; i < sizeof(widths) / sizeof(widths[0]); i++)
		check_width(&pg, widths[i], "explore's long phase");
	pg.label_only = true;
	check_width(&pg, 40, "a replay's label alone");
}

XS_TEST_SUITE(test_progress_drops)
{
	struct xs_progress pg = sweep_at_10;
	char line[1024];

	xs_progress_render(&pg, 110, 200, line, sizeof(line));
	test_cond("200 columns: label, a 30-cell bar a tenth full, rate, ETA, hits",
		  strncmp(line,
			  "sweep: [===>                          ] 45/450 runs, 4.5 runs/s, "
			  "ETA 1:30, with loss: 10",
			  200) == 0);
	xs_progress_render(&pg, 110, 80, line, sizeof(line));
	test_cond("80 columns: the bar narrows, everything else stays",
		  strstr(line, "sweep: [") == line && strstr(line, "] 45/450 runs, 4.5 runs/s") &&
			  strstr(line, ", with loss: 10") && strlen(line) <= 79 &&
			  strchr(line, ']') - strchr(line, '[') - 1 >= 10);
	{
		char later[1024];
		struct xs_progress more = pg;

		more.done = 449;
		xs_progress_render(&more, 110, 80, later, sizeof(later));
		test_cond("80 columns: the bar keeps its width as the count grows (45 -> 449)",
			  strchr(later, ']') - later == strchr(line, ']') - line &&
				  strlen(later) <= 79);
	}
	xs_progress_render(&pg, 110, 40, line, sizeof(line));
	test_cond("40 columns: no bar, no rate; the counts and the hits stay",
		  !strchr(line, '[') && !strstr(line, "runs/s") && strstr(line, "45/450 runs") &&
			  strstr(line, "with loss: 10"));
	pg.label_only = true;
	xs_progress_render(&pg, 110, 80, line, sizeof(line));
	test_cond("a replay: the label alone", strcmp(line, "sweep") == 0);
}

XS_TEST_SUITE(test_progress_width)
{
	FILE *f = tmpfile();
	const char *old = getenv("COLUMNS");
	char *keep = old ? strdup(old) : NULL;

	test_assert(f);
	setenv("COLUMNS", "57", 1);
	test_cond("not a terminal: $COLUMNS", xs_progress_width(f) == 57);
	setenv("COLUMNS", "wide", 1);
	test_cond("a $COLUMNS that is not a number: 80", xs_progress_width(f) == 80);
	unsetenv("COLUMNS");
	test_cond("no terminal, no $COLUMNS: 80", xs_progress_width(f) == 80);
	if (keep)
		setenv("COLUMNS", keep, 1);
	free(keep);
	fclose(f);
}
