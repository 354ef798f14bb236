/*
 * The progress line of `wpsim sweep` and `wpsim explore`, on their log stream: a bar
 * redrawn in place on a terminal, fitted to its width so that it never wraps; or, not
 * on a terminal, a plain line every tenth of the runs (at most every 5 s), or nothing.
 * Not a public interface.
 */
#ifndef XS_PROGRESS_H
#define XS_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct xs_progress {
	int mode; /* 1 bar, 0 lines, -1 none */
	FILE *f;
	const char *label;     /* before the counts ("explore: searching"), or NULL */
	const char *hits_name; /* what hits counts ("with loss") */
	bool label_only;       /* the label alone, without counts (a replay) */
	uint64_t total, done, failed, hits;
	uint64_t shown;	 /* done when last shown */
	double t0, last; /* xs_pool_mono_s() (pool.h) at the start and when last shown */
	uint64_t next_mark;
};

/*
 * The bar's text for a terminal of width columns at time now (no "\r", no erase), in
 * buf: at most width - 1 characters, so that the cursor never wraps. Where the whole
 * does not fit, the bar narrows, then goes, then the rate, the ETA and the label go,
 * and what is left is cut. Returns the length.
 */
size_t xs_progress_render(const struct xs_progress *pg, double now, unsigned width, char *buf,
			  size_t len);

/* The width of the terminal on f (TIOCGWINSZ), else $COLUMNS, else 80. */
unsigned xs_progress_width(FILE *f);

/*
 * Show the counts of pg if it is time to (the bar at most every 0.1 s), or always when
 * final (the closing line; in line mode only if the last one shown is stale).
 */
void xs_progress_show(struct xs_progress *pg, bool final);

/* Erase the bar (a terminal), leaving the cursor at the start of the line. */
void xs_progress_clear(struct xs_progress *pg);

#endif /* XS_PROGRESS_H */
