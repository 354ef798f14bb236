/*
 * kernel-calibrate: times on the running kernel, on a loop-mounted XFS, each step the
 * model charges as CPU time (docs/scenarios.md, "[cpu]"). calibrate.c sets up the
 * filesystem, fits and writes the cost file; measure.c takes the samples and checks
 * that each measured what it claims (the "check" lines of the file's header).
 */
#ifndef XS_CAL_H
#define XS_CAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cal_id {
	M_CLOCK = 0,	      /* two clock reads: subtracted from every sample */
	M_SYSCALL,	      /* getppid() */
	M_WRITE_CACHED_4K,    /* pwrite 4 KiB into a cached order-0 folio */
	M_WRITE_CACHED_64K,   /* pwrite 64 KiB over 16 cached order-0 folios */
	M_WRITE_CACHED_512,   /* pwrite 512 bytes into a cached order-0 folio */
	M_WRITE_LARGE_4K,     /* the same sizes into large folios (made by 1 MiB writes) */
	M_WRITE_LARGE_64K,    /* ... */
	M_WRITE_LARGE_1M,     /* ... */
	M_WRITE_ABSENT_4K,    /* pwrite 4 KiB into a hole with no folio */
	M_WRITE_ABSENT_512,   /* pwrite 512 bytes there: the rest of the folio is zeroed */
	M_WRITE_MAPPED_SRC,   /* pwrite 4 KiB cached, from a present mapped file page */
	M_READ_CACHED_1M,     /* pread 1 MiB of cached large folios */
	M_READ_HOLE_1M,	      /* pread 1 MiB of a hole, nothing cached: folios zeroed */
	M_FAULT_ANON,	      /* read fault on anonymous memory: maps the zero page */
	M_FAULT_WP,	      /* write fault on a present, write-protected file page */
	M_FAULT_ABSENT,	      /* write fault on an absent PTE, the folio cached */
	M_FAULT_HOLE,	      /* write fault on an absent PTE over a hole, no folio */
	M_MPROTECT,	      /* mprotect() of one unpopulated page: a VMA split or merge */
	M_MPROTECT_EMPTY_512, /* mprotect(PROT_READ) over 512 pages, no PTEs */
	M_MPROTECT_FULL_512,  /* the same over 512 writable PTEs */
	M_TRUNCATE_1,	      /* ftruncate(0) of a file of 1 dirty delalloc folio */
	M_TRUNCATE_64,	      /* ... of 64 */
	M_FPUNCH_1,	      /* fallocate(PUNCH_HOLE) of 1 clean written folio */
	M_FPUNCH_64,	      /* ... of 64 */
	M_FSYNC_1,	      /* fsync() of 1 dirty delalloc folio, wall time */
	M_FSYNC_512,	      /* ... of 64 */
	M_FSYNC_CPU_1,	      /* the same fsyncs, the caller's CPU time */
	M_FSYNC_CPU_512,      /* ... */
	M_NR,
};

struct cal_result {
	const char *name;
	int reps;
	double median_ns; /* of the samples, less the clock's own cost */
	double sigma;	  /* of ln(sample): 1.4826 * its median absolute deviation */
};

/* One check: what was observed against what the measurement needs. */
struct cal_check {
	char name[48];
	char what[96];
	long long observed, expected;
};

#define CAL_MAX_CHECKS 48

struct cal_run {
	const char *dir; /* the mounted XFS */
	int reps;	 /* samples of each cheap measurement */
	long page;
	struct cal_result res[M_NR];
	struct cal_check checks[CAL_MAX_CHECKS];
	int nchecks;
	int failed; /* checks whose observed != expected */
};

/* Take every measurement of run (measure.c). 0, or -1 with a message on stderr. */
int cal_measure(struct cal_run *run);

/* Sort and fit samples[0..n) into r (calibrate.c), clock cost subtracted. */
void cal_fit(struct cal_result *r, double *samples, int n, double clock_ns);

#endif /* XS_CAL_H */
