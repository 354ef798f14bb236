/*
 * kernel-calibrate: measure on the running kernel the CPU cost of each step the model
 * charges and write them as a cost file (docs/scenarios.md, "Cost files").
 *
 *   calibrate [--quick] OUT.ini
 *
 * As root: makes a 1 GiB XFS image under a new /tmp/wpsim-cal-* directory, attaches
 * it to a loop device and mounts it there, takes the measurements (measure.c) in a
 * child process, then always unmounts, detaches and removes the directory, whatever
 * became of the child (SIGINT, SIGTERM and SIGHUP are held in the parent until then).
 * --quick takes 40 samples where the full run takes 2000, for the tests.
 *
 * Each measurement is many samples of one call, each timed with CLOCK_MONOTONIC (the
 * fsyncs' CPU time with CLOCK_THREAD_CPUTIME_ID), less the median cost of two clock
 * reads; it is summarised by its median and by the spread of ln(sample) (1.4826 times
 * its median absolute deviation, robust to the rare sample an interrupt lengthens).
 * A key is a measurement, or a difference of two whose steps differ by that key; it is
 * written as lognormal(MEAN, CV), the lognormal with that median and sigma.
 */
#include "cal.h"

#include <errno.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const cal_names[M_NR] = {
	[M_CLOCK] = "clock",
	[M_SYSCALL] = "syscall",
	[M_WRITE_CACHED_4K] = "write_cached_4k",
	[M_WRITE_CACHED_64K] = "write_cached_64k",
	[M_WRITE_CACHED_512] = "write_cached_512",
	[M_WRITE_LARGE_4K] = "write_large_4k",
	[M_WRITE_LARGE_64K] = "write_large_64k",
	[M_WRITE_LARGE_1M] = "write_large_1m",
	[M_WRITE_ABSENT_4K] = "write_absent_4k",
	[M_WRITE_ABSENT_512] = "write_absent_512",
	[M_WRITE_MAPPED_SRC] = "write_mapped_src",
	[M_READ_CACHED_1M] = "read_cached_1m",
	[M_READ_HOLE_1M] = "read_hole_1m",
	[M_FAULT_ANON] = "fault_anon",
	[M_FAULT_WP] = "fault_wp",
	[M_FAULT_ABSENT] = "fault_absent",
	[M_FAULT_HOLE] = "fault_hole",
	[M_MPROTECT] = "mprotect",
	[M_MPROTECT_EMPTY_512] = "mprotect_empty_512",
	[M_MPROTECT_FULL_512] = "mprotect_full_512",
	[M_TRUNCATE_1] = "truncate_1",
	[M_TRUNCATE_64] = "truncate_64",
	[M_FPUNCH_1] = "fpunch_1",
	[M_FPUNCH_64] = "fpunch_64",
	[M_FSYNC_1] = "fsync_1",
	[M_FSYNC_512] = "fsync_512",
	[M_FSYNC_CPU_1] = "fsync_cpu_1",
	[M_FSYNC_CPU_512] = "fsync_cpu_512",
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void cal_fit(struct cal_result *r, double *s, int n, double clock_ns)
{
	double med, *dev = malloc((size_t)n * sizeof(double));
	int i;

	r->reps = n;
	for (i = 0; i < n; i++)
		s[i] = fmax(s[i] - clock_ns, 0.5); /* below the clock's resolution */
	qsort(s, (size_t)n, sizeof(double), cmp_double);
	med = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	r->median_ns = med;
	if (!dev) {
		r->sigma = 0;
		return;
	}
	for (i = 0; i < n; i++)
		dev[i] = fabs(log(s[i]) - log(med));
	qsort(dev, (size_t)n, sizeof(double), cmp_double);
	r->sigma = 1.4826 * (n % 2 ? dev[n / 2] : (dev[n / 2 - 1] + dev[n / 2]) / 2);
	free(dev);
}

/* One [cpu] key: its median and spread, and how it was had from the measurements. */
struct cal_key {
	const char *name;
	double median_ns, sigma;
	char how[160];
};

#define M(id) (run->res[id].median_ns)
#define S(id) (run->res[id].sigma)

/* Every key of the [cpu] section, in the order of docs/scenarios.md, "[cpu]". */
static int cal_keys(const struct cal_run *run, struct cal_key *k)
{
	double copy = (M(M_WRITE_LARGE_1M) - M(M_WRITE_LARGE_64K)) / 240;
	double folio = (M(M_WRITE_CACHED_64K) - M(M_WRITE_CACHED_4K)) / 15 - copy;
	double rest = M(M_WRITE_CACHED_4K) - M(M_SYSCALL) - folio - copy;
	double absent = M(M_WRITE_ABSENT_4K) - M(M_WRITE_CACHED_4K);
	double zero = (M(M_READ_HOLE_1M) - M(M_READ_CACHED_1M)) / 256;
	int n = 0;

#define KEY(nm, med, sig, ...)                                     \
	do {                                                       \
		k[n].name = (nm);                                  \
		k[n].median_ns = (med);                            \
		k[n].sigma = (sig);                                \
		snprintf(k[n].how, sizeof(k[n].how), __VA_ARGS__); \
		n++;                                               \
	} while (0)
	KEY("syscall", M(M_SYSCALL), S(M_SYSCALL), "syscall");
	KEY("iomap_begin", rest * 2 / 3, S(M_WRITE_CACHED_4K),
	    "2/3 of write_cached_4k - syscall - folio - copy_4k (begin and end are not "
	    "told apart: split as 2:1)");
	KEY("iomap_end", rest / 3, S(M_WRITE_CACHED_4K), "1/3 of the same");
	KEY("folio", folio, S(M_WRITE_CACHED_64K),
	    "(write_cached_64k - write_cached_4k) / 15 - copy_4k: per order-0 folio");
	KEY("folio_alloc", absent, S(M_WRITE_ABSENT_4K),
	    "write_absent_4k - write_cached_4k (with the delalloc reservation of its block)");
	KEY("zero_4k", zero, S(M_READ_HOLE_1M),
	    "(read_hole_1m - read_cached_1m) / 256: a hole's 4 KiB read in, its order-0 "
	    "folio allocated and zeroed");
	KEY("copy_4k", copy, S(M_WRITE_LARGE_1M),
	    "(write_large_1m - write_large_64k) / 240: per 4 KiB inside large folios");
	KEY("fault", M(M_FAULT_ANON), S(M_FAULT_ANON), "fault_anon");
	KEY("fault_wp", M(M_FAULT_WP) - M(M_FAULT_ABSENT), S(M_FAULT_WP),
	    "fault_wp - fault_absent: a write-protect fault beyond one that maps a new PTE");
	KEY("page_mkwrite", M(M_FAULT_ABSENT) - M(M_FAULT_ANON), S(M_FAULT_ABSENT),
	    "fault_absent - fault_anon: filemap_fault of the cached folio, page_mkwrite, "
	    "the PTE");
	KEY("punch", M(M_TRUNCATE_1) - M(M_SYSCALL), S(M_TRUNCATE_1), "truncate_1 - syscall");
	KEY("wb_folio", (M(M_FSYNC_CPU_512) - M(M_FSYNC_CPU_1)) / 511, S(M_FSYNC_CPU_512),
	    "(fsync_cpu_512 - fsync_cpu_1) / 511: the caller's CPU per folio written back");
	KEY("lock", 50, 0.29, "not measured: an estimate (the key is not charged)");
	KEY("fault_in", M(M_WRITE_MAPPED_SRC) - M(M_WRITE_CACHED_4K), S(M_WRITE_MAPPED_SRC),
	    "write_mapped_src - write_cached_4k");
	KEY("mmap_lock", M(M_MPROTECT) - M(M_SYSCALL), S(M_MPROTECT), "mprotect - syscall");
	KEY("pte_zap", (M(M_MPROTECT_FULL_512) - M(M_MPROTECT_EMPTY_512)) / 512,
	    S(M_MPROTECT_FULL_512), "(mprotect_full_512 - mprotect_empty_512) / 512");
#undef KEY
	return n;
}

/* The CPU's model name, and whether it runs under a hypervisor (faults cost more). */
static void cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096], model[256] = "unknown";
	bool vm = false, flags = false;

	while (f && fgets(line, sizeof(line), f) && !(model[0] != 'u' && flags)) {
		char *colon = strchr(line, ':');

		if (!colon)
			continue;
		colon += 1 + strspn(colon + 1, " \t");
		colon[strcspn(colon, "\n")] = '\0';
		if (strncmp(line, "model name", 10) == 0) {
			snprintf(model, sizeof(model), "%s", colon);
		} else if (strncmp(line, "flags", 5) == 0) {
			flags = true;
			vm = strstr(colon, "hypervisor") != NULL;
		}
	}
	if (f)
		fclose(f);
	snprintf(buf, len, "%s%s", model, vm ? " (a virtual machine: the hypervisor flag)" : "");
}

static int cal_write(const struct cal_run *run, const char *out, bool quick)
{
	struct cal_key k[24];
	struct utsname u;
	char cpu[320], date[32];
	time_t now = time(NULL);
	int n = cal_keys(run, k), i;
	FILE *f = fopen(out, "w");

	if (!f) {
		fprintf(stderr, "calibrate: %s: %s\n", out, strerror(errno));
		return -1;
	}
	uname(&u);
	cpu_model(cpu, sizeof(cpu));
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	fprintf(f, "# CPU cost of each kernel step, measured by `make kernel-calibrate`\n"
		   "# (tools/calibrate; docs/scenarios.md, \"Cost files\").\n#\n");
	fprintf(f, "# kernel: %s %s %s\n", u.sysname, u.release, u.machine);
	fprintf(f, "# cpu: %s, %ld online\n", cpu, sysconf(_SC_NPROCESSORS_ONLN));
	fprintf(f, "# date: %s\n", date);
	fprintf(f, "# mode: %s, %d samples per measurement (fsync: %d, mm and truncate: %d)\n",
		quick ? "quick" : "full", run->reps, run->reps / 20, run->reps / 4);
	fprintf(f, "# method: a 1 GiB XFS image (mkfs.xfs defaults) on a loop device; each sample\n"
		   "#   one call or one memory touch, timed with CLOCK_MONOTONIC less two clock\n"
		   "#   reads; median, and sigma = 1.4826 * median |ln(sample) - ln(median)|.\n"
		   "#   A key is written lognormal(MEAN, CV) with MEAN = median * exp(sigma^2/2),\n"
		   "#   CV = sqrt(exp(sigma^2) - 1); a key had by difference keeps the sigma of\n"
		   "#   the larger measurement; a difference below 1 ns is written as 1 ns.\n#\n");
	fprintf(f, "# measurement          samples   median_ns  sigma\n");
	for (i = 0; i < M_NR; i++)
		fprintf(f, "#   %-20s %7d %11.1f  %.3f\n", run->res[i].name, run->res[i].reps,
			run->res[i].median_ns, run->res[i].sigma);
	fprintf(f,
		"# derived: truncate per folio %.1f ns, fpunch per folio %.1f ns, fsync per "
		"folio (wall) %.1f ns;\n#   read-in of a hole by a fault (fault_hole - "
		"fault_absent) %.1f ns\n#\n",
		(M(M_TRUNCATE_64) - M(M_TRUNCATE_1)) / 63, (M(M_FPUNCH_64) - M(M_FPUNCH_1)) / 63,
		(M(M_FSYNC_512) - M(M_FSYNC_1)) / 511, M(M_FAULT_HOLE) - M(M_FAULT_ABSENT));
	fprintf(f, "# checks: name: what, observed, expected\n");
	for (i = 0; i < run->nchecks; i++)
		fprintf(f, "# check %s: %s, %lld, %lld\n", run->checks[i].name, run->checks[i].what,
			run->checks[i].observed, run->checks[i].expected);
	fprintf(f, "#\n# keys: how each is had from the measurements\n");
	for (i = 0; i < n; i++)
		fprintf(f, "#   %s = %s\n", k[i].name, k[i].how);
	fprintf(f, "\n[cpu]\n");
	for (i = 0; i < n; i++) {
		double med = fmax(k[i].median_ns, 1.0), s2 = k[i].sigma * k[i].sigma;

		fprintf(f, "%s = lognormal(%.1fns, %.3f)\n", k[i].name, med * exp(s2 / 2),
			fmax(sqrt(exp(s2) - 1), 0.001));
	}
	if (fclose(f)) {
		fprintf(stderr, "calibrate: %s: %s\n", out, strerror(errno));
		return -1;
	}
	return 0;
}

/* Run argv, wait; its exit status, or -1. stdout into out[len] when out. */
static int run_cmd(char *const argv[], char *out, size_t len)
{
	int fd[2], status;
	pid_t pid;
	ssize_t n = 0, r;

	if (out && pipe(fd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (out) {
			dup2(fd[1], 1);
			close(fd[0]);
			close(fd[1]);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (out) {
		close(fd[1]);
		while (len > 1 && (r = read(fd[0], out + n, len - 1 - (size_t)n)) > 0)
			n += r;
		out[n] = '\0';
		out[strcspn(out, "\n")] = '\0';
		close(fd[0]);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int child_measure(const char *mnt, const char *out, bool quick)
{
	struct cal_run *run = calloc(1, sizeof(*run));
	cpu_set_t one;
	int i;

	if (!run)
		return 1;
	run->dir = mnt;
	run->reps = quick ? 40 : 2000;
	run->page = sysconf(_SC_PAGESIZE);
	for (i = 0; i < M_NR; i++)
		run->res[i].name = cal_names[i];
	/* one CPU: no sample crosses a migration */
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	sched_setaffinity(0, sizeof(one), &one);
	if (cal_measure(run) || cal_write(run, out, quick))
		return 1;
	if (run->failed) {
		fprintf(stderr, "calibrate: %d checks failed (see the check lines of %s)\n",
			run->failed, out);
		return 1;
	}
	free(run);
	return 0;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/wpsim-cal-XXXXXX", img[64], mnt[64], dev[64] = "";
	bool quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
	const char *out = argv[quick ? 2 : 1];
	sigset_t hold, was;
	int status = 1, rc;
	pid_t pid;
	FILE *f;

	if (argc != (quick ? 3 : 2)) {
		fprintf(stderr, "usage: calibrate [--quick] OUT.ini (as root: it mounts an XFS "
				"image)\n");
		return 2;
	}
	sigemptyset(&hold);
	sigaddset(&hold, SIGINT);
	sigaddset(&hold, SIGTERM);
	sigaddset(&hold, SIGHUP);
	sigprocmask(SIG_BLOCK, &hold, &was);
	if (!mkdtemp(dir)) {
		perror("calibrate: mkdtemp");
		return 1;
	}
	fprintf(stderr, "calibrate: working in %s\n", dir);
	snprintf(img, sizeof(img), "%s/img", dir);
	snprintf(mnt, sizeof(mnt), "%s/mnt", dir);
	f = fopen(img, "w");
	if (!f || ftruncate(fileno(f), 1L << 30) || fclose(f) || mkdir(mnt, 0755)) {
		perror("calibrate: image");
		goto out;
	}
	if (run_cmd((char *const[]){"mkfs.xfs", "-f", "-q", img, NULL}, NULL, 0)) {
		fprintf(stderr, "calibrate: mkfs.xfs %s failed\n", img);
		goto out;
	}
	if (run_cmd((char *const[]){"losetup", "-f", "--show", img, NULL}, dev, sizeof(dev)) ||
	    !dev[0]) {
		fprintf(stderr, "calibrate: losetup -f --show %s failed\n", img);
		dev[0] = '\0';
		goto out;
	}
	if (mount(dev, mnt, "xfs", 0, NULL)) {
		fprintf(stderr, "calibrate: mount %s %s: %s\n", dev, mnt, strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &was, NULL);
		_exit(child_measure(mnt, out, quick));
	}
	if (pid > 0 && waitpid(pid, &rc, 0) == pid && WIFEXITED(rc))
		status = WEXITSTATUS(rc);
	else
		fprintf(stderr, "calibrate: the measuring process failed\n");
	if (umount2(mnt, 0) && umount2(mnt, MNT_DETACH)) {
		fprintf(stderr, "calibrate: umount %s: %s\n", mnt, strerror(errno));
		status = 1;
	}
out:
	if (dev[0] && run_cmd((char *const[]){"losetup", "-d", dev, NULL}, NULL, 0)) {
		fprintf(stderr, "calibrate: losetup -d %s failed\n", dev);
		status = 1;
	}
	unlink(img);
	rmdir(mnt);
	rmdir(dir);
	return status;
}
