/*
 * The version of wpsim stored in run.version and printed by `wpsim --version`. The
 * Makefile defines XS_VERSION from `git describe --always --dirty` and rebuilds this
 * file alone when it changes; a build without it (outside git) says "unknown".
 */
#include "store/store.h"

#ifndef XS_VERSION
#define XS_VERSION "unknown"
#endif

const char *xs_store_version(void)
{
	return XS_VERSION;
}
