/*
 * The story of a failing run, as a step table: what the controller decided and what
 * the model did, in order, for the bytes that were lost or leaked. Each row: the
 * actor, its operation, the kernel function (or the decision and its point), the
 * byte range, and the state it left at the range's first block: the extent (hole,
 * delalloc, unwritten, written), the folio (none, clean, dirty, writeback; uptodate),
 * the inode's delalloc blocks and the mount's free blocks.
 *
 * Rows kept: every decision, and every event whose range meets a lost or leaked
 * range of the run's anomalies (all events when the run has none).
 *
 * For a loss, the table ends with the interleaving it is, in the terms of
 * docs/kernel.md, "The 2022 race, as the model runs it": A when a fault dirtied the
 * page after a write reserved it and before that write truncated the page cache
 * ("Interleaving A: the truncate discards a dirty page"), B when the fault came
 * between the truncate and the punch ("Interleaving B: a fault between truncate and
 * punch"), or neither.
 */
#ifndef XS_STORY_H
#define XS_STORY_H

#include "explore/xctl.h"
#include "outcome/outcome.h"

#include <stdbool.h>
#include <stddef.h>

#define XS_STORY_MAX_ROWS 200000 /* rows kept; a longer run's story says it was cut */

struct xs_story_row;

struct xs_story {
	struct xs_story_row *rows;
	size_t n, cap;
	bool cut; /* rows past XS_STORY_MAX_ROWS (or out of memory) were dropped */
};

/* Listen to x's run (xs_xctl_listen()). */
void xs_story_begin(struct xs_story *s, struct xs_xctl *x);
/* The table for the run's result (malloc'd text, NULL when out of memory). */
char *xs_story_text(const struct xs_story *s, const struct xs_run_result *res);
void xs_story_end(struct xs_story *s);

/* Which of the 2022 race's interleavings the rows of a loss show: 'A', 'B' or 0. */
char xs_story_interleaving(const struct xs_story *s, const struct xs_run_result *res);

#endif /* XS_STORY_H */
