/*
 * make bench, simulation part: simulated write() calls per host second for one
 * writer appending 800 MiB in 4 KiB writes (scenarios/bench-append-800m.ini), over
 * the whole run (final sync and comparison included), beside a bare SimGrid loop
 * doing mutex lock + sleep + unlock per op, measured in the same run of this program,
 * and beside the running kernel doing the same 800 MiB of 4 KiB pwrites on a
 * loop-mounted XFS (as root; otherwise the figure measured when this was written);
 * the peak RSS of the append, and the peak RSS and whole-run time of the 64 MiB
 * generic-346 race (scenarios/bench-race-64m.ini). Each simulation runs in a child
 * process (one SimGrid engine per process).
 */
#include "actors/device.h"
#include "actors/run.h"
#include "config/scenario.h"

#include <errno.h>
#include <fcntl.h>
#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/mutex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LOOP_OPS   300000
#define KERNEL_OPS (800 * 256) /* 800 MiB of 4 KiB */
/*
 * The kernel's rate, as this program measured it as root on the machine it was written
 * on (Linux 6.18, 2 vCPUs, 24 GiB RAM, loop-mounted XFS on a 2 GiB image in /tmp, with
 * other jobs keeping the load average near 12): pwrite() calls per second, and the
 * same including the final fsync. Printed when the bench cannot mount.
 */
#define KERNEL_DOC_RATE	     103465.0
#define KERNEL_DOC_SYNC_RATE 43721.0

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void loop_actor(int argc, char **argv)
{
	sg_mutex_t m = sg_mutex_init();
	int i;

	(void)argc;
	(void)argv;
	for (i = 0; i < LOOP_OPS; i++) {
		sg_mutex_lock(m);
		sg_actor_sleep_for(1e-6);
		sg_mutex_unlock(m);
	}
	sg_mutex_destroy(m);
}

/* Child: the bare loop; writes ops/s to fd. */
static void bare_loop(int fd)
{
	struct xs_device_cfg cfg;
	char err[512], platform[] = "/tmp/wpsim-bench-XXXXXX";
	char *argv[] = {"bench", "--log=root.thres:critical", NULL};
	int argc = 2, tmpfd;
	double t0, rate;

	if (xs_device_cfg_load("configs/devices/nvme.ini", &cfg, err, sizeof(err)))
		_exit(1);
	tmpfd = mkstemp(platform);
	if (tmpfd < 0)
		_exit(1);
	close(tmpfd);
	xs_device_write_platform(&cfg, platform);
	simgrid_init(&argc, argv);
	simgrid_load_platform(platform);
	unlink(platform);
	sg_actor_create("loop", sg_host_by_name("node"), loop_actor, 0, NULL);
	t0 = now_s();
	simgrid_run();
	rate = LOOP_OPS / (now_s() - t0);
	if (write(fd, &rate, sizeof(rate)) != sizeof(rate))
		_exit(1);
	_exit(0);
}

/* Child: one scenario run; writes writes/s (whole run) and the write count to fd. */
static void scenario_run(int fd, const char *path)
{
	struct xs_scenario sc;
	struct xs_run_result res;
	char err[1024];
	double out[4];

	if (xs_scenario_load(path, NULL, 0, "configs/devices", &sc, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		_exit(2);
	}
	if (xs_run(&sc, NULL, &res, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		_exit(1);
	}
	out[0] = (double)res.writes / res.wall_time_s;
	out[1] = (double)res.writes;
	out[2] = (double)res.writes / res.workload_wall_s;
	out[3] = res.wall_time_s;
	if (write(fd, out, sizeof(out)) != sizeof(out))
		_exit(1);
	_exit(0);
}

/* Fork fn in a child, read n doubles back; *maxrss_kb gets the child's peak RSS. */
static int in_child(void (*fn)(int, const char *), const char *arg, double *out, size_t n,
		    long *maxrss_kb)
{
	int p[2], status;
	pid_t pid;
	struct rusage ru;
	ssize_t got;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		fn(p[1], arg);
		_exit(0);
	}
	close(p[1]);
	got = read(p[0], out, n * sizeof(*out));
	close(p[0]);
	if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) ||
	    got != (ssize_t)(n * sizeof(*out)))
		return -1;
	if (maxrss_kb)
		*maxrss_kb = ru.ru_maxrss;
	return 0;
}

static void bare_loop_fn(int fd, const char *unused)
{
	(void)unused;
	bare_loop(fd);
}

static int sh(const char *cmd)
{
	int st = system(cmd);

	return st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) ? -1 : 0;
}

/*
 * Child: 800 MiB of 4 KiB pwrites to a new file on a fresh loop-mounted XFS; writes
 * the pwrite() calls per second, and the calls per second including the final fsync.
 */
static void kernel_run(int fd, const char *dir)
{
	static char buf[4096];
	char path[512];
	double t0, t1, t2, out[2];
	int f, i;

	memset(buf, 'k', sizeof(buf));
	snprintf(path, sizeof(path), "%s/mnt/f", dir);
	f = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	if (f < 0)
		_exit(1);
	t0 = now_s();
	for (i = 0; i < KERNEL_OPS; i++)
		if (pwrite(f, buf, sizeof(buf), (off_t)i * 4096) != (ssize_t)sizeof(buf))
			_exit(1);
	t1 = now_s();
	if (fsync(f) || close(f))
		_exit(1);
	t2 = now_s();
	out[0] = KERNEL_OPS / (t1 - t0);
	out[1] = KERNEL_OPS / (t2 - t0);
	if (write(fd, out, sizeof(out)) != sizeof(out))
		_exit(1);
	_exit(0);
}

/* The kernel's rates as root with a loop mount (0: measured), else the documented ones. */
static int kernel_rates(double *rate, double *sync_rate)
{
	char dir[] = "/tmp/wpsim-kbench-XXXXXX", cmd[1024];
	double out[2];
	int ret = -1;

	*rate = KERNEL_DOC_RATE;
	*sync_rate = KERNEL_DOC_SYNC_RATE;
	if (geteuid() != 0 || !mkdtemp(dir))
		return -1;
	snprintf(cmd, sizeof(cmd),
		 "cd %s && mkdir mnt && truncate -s 2g img && mkfs.xfs -f -q img && "
		 "mount -o loop img mnt",
		 dir);
	if (sh(cmd) == 0 && in_child(kernel_run, dir, out, 2, NULL) == 0) {
		*rate = out[0];
		*sync_rate = out[1];
		ret = 0;
	}
	/* mount -o loop detaches the loop device at umount */
	snprintf(cmd, sizeof(cmd), "umount %s/mnt 2>/dev/null; rm -rf %s", dir, dir);
	sh(cmd);
	return ret;
}

int main(void)
{
	double loop_rate, app[4], race[4], krate, ksync;
	long rss_app_kb = 0, rss_race_kb = 0;
	bool kmeasured;

	if (in_child(bare_loop_fn, NULL, &loop_rate, 1, NULL) ||
	    in_child(scenario_run, "scenarios/bench-append-800m.ini", app, 4, &rss_app_kb) ||
	    in_child(scenario_run, "scenarios/bench-race-64m.ini", race, 4, &rss_race_kb)) {
		fprintf(stderr, "sim bench: a child failed\n");
		return 1;
	}
	kmeasured = kernel_rates(&krate, &ksync) == 0;
	printf("simgrid bare loop (mutex lock + sleep + unlock): %.0f ops/s\n", loop_rate);
	printf("wpsim one-writer 800 MiB 4 KiB append: %.0f simulated write() calls/s (%.0f "
	       "writes in %.2f s, whole run incl. final sync and comparison)\n",
	       app[0], app[1], app[3]);
	printf("wpsim one-writer 800 MiB 4 KiB append, workload phase only: %.0f write() calls/s\n",
	       app[2]);
	printf("ratio write()/bare-loop op: %.3f whole run, %.3f workload phase (target >= 0.3)\n",
	       app[0] / loop_rate, app[2] / loop_rate);
	printf("kernel, 800 MiB of 4 KiB pwrite() on loop-mounted XFS (%s): %.0f calls/s, "
	       "%.0f calls/s incl. the final fsync\n",
	       kmeasured ? "measured now" : "not root or no loop mount: the documented figure",
	       krate, ksync);
	printf("ratio simulated/kernel: %.3f (whole run against pwrite only), %.3f (against "
	       "pwrite + fsync)\n",
	       app[0] / krate, app[0] / ksync);
	printf("peak RSS, 800 MiB append: %.1f MiB (target <= 64 MiB)\n",
	       (double)rss_app_kb / 1024.0);
	printf("64 MiB generic-346 race: peak RSS %.1f MiB, whole run %.2f s\n",
	       (double)rss_race_kb / 1024.0, race[3]);
	return 0;
}
