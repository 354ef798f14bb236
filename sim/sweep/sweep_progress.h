/*
 * The progress line of a sweep, on the log stream: a bar redrawn in place on a
 * terminal, or a plain line every tenth of the runs (at most every 5 s) otherwise.
 * Not a public interface.
 */
#ifndef XS_SWEEP_PROGRESS_H
#define XS_SWEEP_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct xs_sweep_progress {
	int mode; /* 1 bar, 0 lines, -1 none (xs_sweep_opts.progress) */
	FILE *f;
	uint64_t total, done, failed, loss;
	uint64_t shown;	 /* done when last shown */
	double t0, last; /* xs_pool_mono_s() (pool/pool.h) at the start and when last shown */
	uint64_t next_mark;
};

/*
 * Show the counts of pg if it is time to (the bar at most every 0.1 s), or always when
 * final (the closing line; in line mode only if the last one shown is stale).
 */
void xs_sweep_progress_show(struct xs_sweep_progress *pg, bool final);

#endif /* XS_SWEEP_PROGRESS_H */
