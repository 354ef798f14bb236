/*
 * The file's space sampled during the run (docs/design.md, "Read checks"): the blocks
 * reserved or allocated for it against the blocks its written data needs, the most of
 * which is max_over_reservation_blocks.
 */
#ifndef XS_SPACECHECK_H
#define XS_SPACECHECK_H

#include "actors/run_internal.h"

#include <stdbool.h>

/*
 * Sample now when force, else about once per (oracle records + extent records) / 8
 * calls (each sample walks the oracle's records): a workload operation ended.
 */
void xs_spacecheck_sample(struct xs_run *run, bool force);

#endif /* XS_SPACECHECK_H */
