/*
 * The measurements of kernel-calibrate (cal.h): each times one system call or one
 * memory touch per sample with CLOCK_MONOTONIC, on files of the mounted XFS, and
 * records checks that the kernel did what the measurement claims: the page cache
 * (mincore), the PTEs (/proc/self/pagemap), the faults taken (getrusage), the blocks
 * (st_blocks) and extents (FIEMAP) after the call.
 */
#include "cal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define KiB 1024L
#define MiB (1024L * 1024L)

static double clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double now(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

struct faults {
	long minor, major;
};

static struct faults faults_now(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return (struct faults){ru.ru_minflt, ru.ru_majflt};
}

static void check(struct cal_run *run, const char *name, const char *what, long long observed,
		  long long expected)
{
	struct cal_check *c;

	if (run->nchecks == CAL_MAX_CHECKS) {
		fprintf(stderr, "calibrate: too many checks\n");
		run->failed++;
		return;
	}
	c = &run->checks[run->nchecks++];
	snprintf(c->name, sizeof(c->name), "%s", name);
	snprintf(c->what, sizeof(c->what), "%s", what);
	c->observed = observed;
	c->expected = expected;
	if (observed != expected)
		run->failed++;
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "calibrate: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, ": %s\n", strerror(errno));
	va_end(ap);
	exit(1);
}

static int file_new(const struct cal_run *run, const char *name, off_t size)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", run->dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, size))
		die("%s", path);
	return fd;
}

static void fill(int fd, off_t off, off_t len, size_t chunk, const char *buf)
{
	off_t p;

	for (p = off; p < off + len; p += (off_t)chunk)
		if (pwrite(fd, buf, chunk, p) != (ssize_t)chunk)
			die("pwrite");
}

/* Pages of [off, off + len) of fd in the page cache. */
static long resident(const struct cal_run *run, int fd, off_t off, off_t len)
{
	long n = len / run->page, i, count = 0;
	unsigned char *vec;
	void *p;

	if (n == 0)
		return 0;
	vec = malloc((size_t)n);
	p = mmap(NULL, (size_t)len, PROT_READ, MAP_SHARED, fd, off);
	if (!vec || p == MAP_FAILED || mincore(p, (size_t)len, vec))
		die("mincore");
	for (i = 0; i < n; i++)
		count += vec[i] & 1;
	munmap(p, (size_t)len);
	free(vec);
	return count;
}

/* Pages of [addr, addr + len) with a present PTE in this process. */
static long present(const struct cal_run *run, const char *addr, size_t len)
{
	long n = (long)len / run->page, i, count = 0;
	uint64_t *ent = malloc((size_t)n * sizeof(*ent));
	int fd = open("/proc/self/pagemap", O_RDONLY);
	off_t at = (off_t)((uintptr_t)addr / (uintptr_t)run->page * sizeof(*ent));

	if (!ent || fd < 0 || pread(fd, ent, (size_t)n * sizeof(*ent), at) != n * 8)
		die("pagemap");
	for (i = 0; i < n; i++)
		count += (long)(ent[i] >> 63);
	close(fd);
	free(ent);
	return count;
}

/* Bytes of [0, len) mapped by extents with and without the delalloc flag. */
static void extents(int fd, off_t len, long long *written, long long *delalloc)
{
	struct fiemap *fm = calloc(1, sizeof(*fm) + 64 * sizeof(struct fiemap_extent));
	unsigned i;

	if (!fm)
		die("calloc");
	fm->fm_length = (uint64_t)len;
	fm->fm_extent_count = 64;
	if (ioctl(fd, FS_IOC_FIEMAP, fm))
		die("FIEMAP");
	*written = *delalloc = 0;
	for (i = 0; i < fm->fm_mapped_extents; i++) {
		const struct fiemap_extent *e = &fm->fm_extents[i];

		if (e->fe_flags & FIEMAP_EXTENT_DELALLOC)
			*delalloc += (long long)e->fe_length;
		else
			*written += (long long)e->fe_length;
	}
	free(fm);
}

static long long blocks(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		die("fstat");
	return st.st_blocks;
}

/* Samples of pwrite(len) at off + i * stride (mod span) of fd. */
static void time_pwrites(struct cal_run *run, enum cal_id id, int fd, off_t off, off_t span,
			 size_t len, off_t stride, const char *buf, double *s)
{
	int i;

	for (i = 0; i < run->reps; i++) {
		off_t at = off + (off_t)i * stride % span;
		double t0 = now();

		if (pwrite(fd, buf, len, at) != (ssize_t)len)
			die("pwrite");
		s[i] = now() - t0;
	}
	cal_fit(&run->res[id], s, run->reps, run->res[M_CLOCK].median_ns);
}

static void measure_base(struct cal_run *run, double *s)
{
	int i;

	for (i = 0; i < run->reps; i++) {
		double t0 = now();

		s[i] = now() - t0;
	}
	cal_fit(&run->res[M_CLOCK], s, run->reps, 0);
	for (i = 0; i < run->reps; i++) {
		double t0 = now();

		syscall(SYS_getppid);
		s[i] = now() - t0;
	}
	cal_fit(&run->res[M_SYSCALL], s, run->reps, run->res[M_CLOCK].median_ns);
}

/*
 * Writes: order-0 folios (the region written 4 KiB at a time), large folios (1 MiB at
 * a time: 6.18 sizes a write's folios to its length), folios absent over a hole.
 */
static void measure_writes(struct cal_run *run, double *s, char *buf)
{
	long pages = run->reps;
	off_t small = pages * run->page, large = 16 * MiB;
	int a = file_new(run, "order0", small), b = file_new(run, "large", large);
	int c = file_new(run, "absent", 4 * small), d = file_new(run, "partial", 4 * small);
	struct faults f0, f1;
	char *src;

	fill(a, 0, small, (size_t)run->page, buf);
	fill(b, 0, large, (size_t)MiB, buf);
	check(run, "write_cached", "pages of the order-0 region cached before",
	      resident(run, a, 0, small), pages);
	f0 = faults_now();
	time_pwrites(run, M_WRITE_CACHED_4K, a, 0, small, 4 * KiB, run->page, buf, s);
	time_pwrites(run, M_WRITE_CACHED_64K, a, 0, small - 64 * KiB, 64 * KiB, 64 * KiB, buf, s);
	time_pwrites(run, M_WRITE_CACHED_512, a, 0, small, 512, run->page, buf, s);
	time_pwrites(run, M_WRITE_LARGE_4K, b, 0, large, 4 * KiB, 68 * KiB, buf, s);
	time_pwrites(run, M_WRITE_LARGE_64K, b, 0, large, 64 * KiB, 64 * KiB, buf, s);
	time_pwrites(run, M_WRITE_LARGE_1M, b, 0, large, MiB, MiB, buf, s);
	f1 = faults_now();
	check(run, "write_cached", "pages cached after (none read in or dropped)",
	      resident(run, a, 0, small) + resident(run, b, 0, large), pages + large / run->page);
	check(run, "write_cached", "major faults during the cached writes", f1.major - f0.major, 0);

	/* every sample a new page, every other page so none shares a folio */
	check(run, "write_absent", "pages of the sparse files cached before",
	      resident(run, c, 0, 4 * small) + resident(run, d, 0, 4 * small), 0);
	time_pwrites(run, M_WRITE_ABSENT_4K, c, 0, 4 * small, 4 * KiB, 2 * run->page, buf, s);
	time_pwrites(run, M_WRITE_ABSENT_512, d, 0, 4 * small, 512, 2 * run->page, buf, s);
	check(run, "write_absent", "pages cached after, one per sample",
	      resident(run, c, 0, 4 * small) + resident(run, d, 0, 4 * small), 2L * pages);

	/* the source a present page of a shared mapping of the large file */
	src = mmap(NULL, (size_t)(64 * KiB), PROT_READ, MAP_SHARED, b, 0);
	if (src == MAP_FAILED)
		die("mmap");
	memcpy(buf + 64 * KiB, src, 64 * KiB); /* fault it in */
	check(run, "write_mapped_src", "source pages present", present(run, src, 64 * KiB),
	      64 * KiB / run->page);
	time_pwrites(run, M_WRITE_MAPPED_SRC, a, 0, small, 4 * KiB, run->page, src, s);
	munmap(src, (size_t)(64 * KiB));
	close(a);
	close(b);
	close(c);
	close(d);
}

/*
 * 1 MiB reads of a hole, nothing cached: readahead allocates order-0 folios (the file
 * is read FADV_RANDOM, so exactly the range read) and zeroes them; each paired with
 * the same read again, now cached, so that both see the same machine.
 */
static void measure_reads(struct cal_run *run, double *s, double *s2, char *buf)
{
	off_t span = 16 * MiB;
	int h = file_new(run, "readhole", span), i, reps = run->reps / 4;
	long long before = 0, after = 0;

	if (posix_fadvise(h, 0, span, POSIX_FADV_RANDOM))
		die("fadvise");
	for (i = 0; i < reps; i++) {
		off_t at = (off_t)i * MiB % span;
		double t0;

		if (posix_fadvise(h, at, MiB, POSIX_FADV_DONTNEED))
			die("fadvise");
		before += resident(run, h, at, MiB);
		t0 = now();
		if (pread(h, buf, MiB, at) != MiB)
			die("pread");
		s[i] = now() - t0;
		after += resident(run, h, at, MiB);
		t0 = now();
		if (pread(h, buf, MiB, at) != MiB)
			die("pread");
		s2[i] = now() - t0;
	}
	cal_fit(&run->res[M_READ_HOLE_1M], s, reps, run->res[M_CLOCK].median_ns);
	cal_fit(&run->res[M_READ_CACHED_1M], s2, reps, run->res[M_CLOCK].median_ns);
	check(run, "read_hole_1m", "pages cached before, summed", before, 0);
	check(run, "read_hole_1m", "pages cached after (the cached read's), summed", after,
	      reps * MiB / run->page);
	check(run, "read_hole_1m", "pages cached past the last range read",
	      resident(run, h, reps < 16 ? reps * MiB : span, reps < 16 ? span - reps * MiB : 0),
	      0);
	close(h);
}

/* Touch every page of [p, p + len) once, timed; the faults taken are checked. */
static void time_touches(struct cal_run *run, enum cal_id id, volatile char *p, bool write,
			 double *s, const char *what)
{
	struct faults f0 = faults_now(), f1;
	int i;

	for (i = 0; i < run->reps; i++) {
		volatile char *q = p + (long)i * run->page;
		double t0 = now();

		if (write)
			*q = 1;
		else
			(void)*q;
		s[i] = now() - t0;
	}
	f1 = faults_now();
	cal_fit(&run->res[id], s, run->reps, run->res[M_CLOCK].median_ns);
	check(run, run->res[id].name, what, (f1.minor - f0.minor) + (f1.major - f0.major),
	      run->reps);
}

/* A shared writable mapping of fd, MADV_RANDOM: no fault-around, no readahead. */
static char *map_random(int fd, size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED || madvise(p, len, MADV_RANDOM))
		die("mmap");
	return p;
}

static void measure_faults(struct cal_run *run, double *s, char *buf)
{
	size_t len = (size_t)run->reps * (size_t)run->page;
	int a = file_new(run, "faults", (off_t)len), h = file_new(run, "hole", (off_t)len);
	char *p;
	long i;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || madvise(p, len, MADV_NOHUGEPAGE))
		die("mmap anon");
	time_touches(run, M_FAULT_ANON, p, false, s, "faults, one per read touch");
	munmap(p, len);

	fill(a, 0, (off_t)len, (size_t)run->page, buf);
	p = map_random(a, len);
	for (i = 0; i < run->reps; i++)
		(void)((volatile char *)p)[i * run->page]; /* map read-only */
	check(run, "fault_wp", "PTEs present before the write touches", present(run, p, len),
	      run->reps);
	time_touches(run, M_FAULT_WP, p, true, s, "faults, one per write touch");
	munmap(p, len);

	p = map_random(a, len);
	check(run, "fault_absent", "PTEs present before", present(run, p, len), 0);
	check(run, "fault_absent", "pages cached before", resident(run, a, 0, (off_t)len),
	      run->reps);
	time_touches(run, M_FAULT_ABSENT, p, true, s, "faults, one per write touch");
	munmap(p, len);

	/* MADV_RANDOM: no readahead, the fault allocates and reads in its one folio */
	p = map_random(h, len);
	check(run, "fault_hole", "pages cached before", resident(run, h, 0, (off_t)len), 0);
	time_touches(run, M_FAULT_HOLE, p, true, s, "faults, one per write touch");
	check(run, "fault_hole", "pages cached after", resident(run, h, 0, (off_t)len), run->reps);
	munmap(p, len);
	close(a);
	close(h);
}

/* mprotect: a VMA split and merge per call; write-protecting 512 PTEs or none. */
static void measure_mm(struct cal_run *run, double *s, double *s2)
{
	size_t len = 512 * (size_t)run->page;
	int a = file_new(run, "mm", (off_t)len), i, j, reps = run->reps / 4;
	long long empty = 0, full = 0;
	char *p;

	p = mmap(NULL, 64 * (size_t)run->page, PROT_READ | PROT_WRITE, MAP_SHARED, a, 0);
	if (p == MAP_FAILED)
		die("mmap");
	for (i = 0; i < run->reps; i++) {
		double t0 = now();

		mprotect(p + 32 * run->page, (size_t)run->page,
			 (i & 1) ? PROT_READ | PROT_WRITE : PROT_READ);
		s[i] = now() - t0;
	}
	cal_fit(&run->res[M_MPROTECT], s, run->reps, run->res[M_CLOCK].median_ns);
	munmap(p, 64 * (size_t)run->page);

	for (i = 0; i < reps; i++) {
		double t0;

		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, a, 0);
		if (p == MAP_FAILED)
			die("mmap");
		empty += present(run, p, len);
		t0 = now();
		mprotect(p, len, PROT_READ);
		s[i] = now() - t0;
		mprotect(p, len, PROT_READ | PROT_WRITE);
		for (j = 0; j < 512; j++)
			((volatile char *)p)[(long)j * run->page] = 1;
		full += present(run, p, len);
		t0 = now();
		mprotect(p, len, PROT_READ);
		s2[i] = now() - t0;
		munmap(p, len);
	}
	cal_fit(&run->res[M_MPROTECT_EMPTY_512], s, reps, run->res[M_CLOCK].median_ns);
	cal_fit(&run->res[M_MPROTECT_FULL_512], s2, reps, run->res[M_CLOCK].median_ns);
	check(run, "mprotect_empty_512", "PTEs present before, summed", empty, 0);
	check(run, "mprotect_full_512", "PTEs present before, summed", full, 512LL * reps);
	close(a);
}

/* ftruncate(0) of n dirty delalloc folios; fpunch of n clean written ones. */
static void measure_truncate(struct cal_run *run, int n, enum cal_id tid, enum cal_id pid,
			     double *s, double *s2, const char *buf)
{
	int t = file_new(run, "trunc", 0), p = file_new(run, "punch", 0), i, reps = run->reps / 4;
	off_t len = n * run->page;
	long long before = 0, after = 0, pbefore = 0, pafter = 0;
	char name[32];

	/* inside EOF, so that no write takes speculative preallocation past it */
	for (i = 0; i < reps; i++) {
		double t0;

		if (ftruncate(t, len))
			die("ftruncate");
		fill(t, 0, len, (size_t)run->page, buf);
		before += blocks(t);
		t0 = now();
		if (ftruncate(t, 0))
			die("ftruncate");
		s[i] = now() - t0;
		after += blocks(t);

		if (ftruncate(p, len))
			die("ftruncate");
		fill(p, 0, len, (size_t)run->page, buf);
		if (fsync(p))
			die("fsync");
		pbefore += blocks(p);
		t0 = now();
		if (fallocate(p, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, len))
			die("fallocate");
		s2[i] = now() - t0;
		pafter += blocks(p);
	}
	cal_fit(&run->res[tid], s, reps, run->res[M_CLOCK].median_ns);
	cal_fit(&run->res[pid], s2, reps, run->res[M_CLOCK].median_ns);
	snprintf(name, sizeof(name), "truncate_%d", n);
	check(run, name, "512-byte blocks (delalloc) before, summed", before,
	      (long long)reps * len / 512);
	check(run, name, "512-byte blocks after, summed", after, 0);
	snprintf(name, sizeof(name), "fpunch_%d", n);
	check(run, name, "512-byte blocks (written) before, summed", pbefore,
	      (long long)reps * len / 512);
	check(run, name, "512-byte blocks after, summed", pafter, 0);
	close(t);
	close(p);
}

/* fsync of n dirty delalloc folios: wall and the caller's CPU time. */
static void measure_fsync(struct cal_run *run, int n, enum cal_id wid, enum cal_id cid, double *s,
			  double *s2, const char *buf)
{
	int fd = file_new(run, "fsync", 0), i, reps = run->reps / 20;
	off_t len = n * run->page;
	long long w, dl, dirty = 0, written = 0, left = 0;
	char name[32];

	for (i = 0; i < reps; i++) {
		double t0, c0;

		if (ftruncate(fd, 0) || ftruncate(fd, len))
			die("ftruncate");
		fill(fd, 0, len, (size_t)run->page, buf);
		extents(fd, len, &w, &dl);
		dirty += dl;
		c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		t0 = now();
		if (fsync(fd))
			die("fsync");
		s[i] = now() - t0;
		s2[i] = clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
		extents(fd, len, &w, &dl);
		written += w;
		left += dl;
	}
	cal_fit(&run->res[wid], s, reps, run->res[M_CLOCK].median_ns);
	cal_fit(&run->res[cid], s2, reps, 0);
	snprintf(name, sizeof(name), "fsync_%d", n);
	check(run, name, "bytes delalloc before, summed", dirty, (long long)reps * len);
	check(run, name, "bytes written (not delalloc) after, summed", written,
	      (long long)reps * len);
	check(run, name, "bytes delalloc after, summed", left, 0);
	close(fd);
}

int cal_measure(struct cal_run *run)
{
	int n = run->reps < 2048 ? 2048 : run->reps;
	double *s = calloc((size_t)n, sizeof(double)), *s2 = calloc((size_t)n, sizeof(double));
	char *buf = malloc((size_t)(2 * MiB));

	if (!s || !s2 || !buf) {
		fprintf(stderr, "calibrate: out of memory\n");
		return -1;
	}
	memset(buf, 0x5a, (size_t)(2 * MiB));
	measure_base(run, s);
	measure_writes(run, s, buf);
	measure_reads(run, s, s2, buf);
	measure_faults(run, s, buf);
	measure_mm(run, s, s2);
	measure_truncate(run, 1, M_TRUNCATE_1, M_FPUNCH_1, s, s2, buf);
	measure_truncate(run, 64, M_TRUNCATE_64, M_FPUNCH_64, s, s2, buf);
	measure_fsync(run, 1, M_FSYNC_1, M_FSYNC_CPU_1, s, s2, buf);
	measure_fsync(run, 512, M_FSYNC_512, M_FSYNC_CPU_512, s, s2, buf);
	free(s);
	free(s2);
	free(buf);
	return 0;
}
