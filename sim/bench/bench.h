/*
 * wpsim micro-benchmarks of the model core. Each bench_* function prints plain lines
 * of the form "module metric n=N: VALUE unit", for people and for grep.
 */
#ifndef XS_BENCH_H
#define XS_BENCH_H

#include <time.h>

/* Monotonic wall-clock time in nanoseconds, for differences only. */
static inline double bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Incore extent tree (sim/core/iext.c): insert, lookup, remove cost and memory. */
void bench_iext(void);

#endif /* XS_BENCH_H */
