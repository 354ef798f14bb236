/*
 * The process pool of a sweep: one child process per run, --jobs at a time; the
 * parent stores each run as it ends. Not a public interface.
 */
#ifndef XS_SWEEP_POOL_H
#define XS_SWEEP_POOL_H

#include "store/store.h"
#include "sweep/sweep.h"

#include <stdint.h>

/* What the pool made of its runs. */
struct xs_sweep_tally {
	uint64_t ok, failed, loss; /* stored by this pool; loss: ok runs with lost_bytes > 0 */
	uint64_t dup;		   /* found stored by another writer meanwhile */
	uint64_t killed;	   /* ended by a signal from outside: not stored */
	int status;		   /* the exit status so far (xs_sweep_execute()) */
};

/*
 * Make the runs of sw whose indexes are todo[0..ntodo) and store each one, as sweep
 * sweep_id, in st; t0 (xs_pool_mono_s()) is when the sweep started, for the progress
 * line, which the pool ends with its final line. Returns 0 with the counts in *t, or
 * -ENOMEM before any run after a message on o->log.
 */
int xs_sweep_pool_run(const struct xs_sweep *sw, const struct xs_sweep_opts *o, struct xs_store *st,
		      int64_t sweep_id, const uint64_t *todo, uint64_t ntodo, double t0,
		      struct xs_sweep_tally *t);

#endif /* XS_SWEEP_POOL_H */
