/*
 * make bench, simulation part: simulated write() calls per host second for one
 * writer appending 4 KiB (scenarios/bench-append.ini), beside a bare SimGrid loop
 * doing mutex lock + sleep + unlock per op, measured in the same run of this
 * program; and the peak RSS of the 64 MiB generic-346 race
 * (scenarios/bench-race-64m.ini). Each simulation runs in a child process (one
 * SimGrid engine per process).
 */
#include "actors/device.h"
#include "actors/run.h"
#include "config/scenario.h"

#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/mutex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LOOP_OPS 300000

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
	double out[3];

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

int main(void)
{
	double loop_rate, app[3], race[3];
	long rss_kb = 0;

	if (in_child(bare_loop_fn, NULL, &loop_rate, 1, NULL) ||
	    in_child(scenario_run, "scenarios/bench-append.ini", app, 3, NULL) ||
	    in_child(scenario_run, "scenarios/bench-race-64m.ini", race, 3, &rss_kb)) {
		fprintf(stderr, "sim bench: a child failed\n");
		return 1;
	}
	printf("simgrid bare loop (mutex lock + sleep + unlock): %.0f ops/s\n", loop_rate);
	printf("wpsim one-writer 4 KiB append: %.0f simulated write() calls/s (%.0f writes, "
	       "whole run incl. final sync)\n",
	       app[0], app[1]);
	printf("wpsim one-writer 4 KiB append, workload phase only: %.0f write() calls/s\n",
	       app[2]);
	printf("ratio write()/bare-loop op: %.3f whole run, %.3f workload phase (target >= 0.3)\n",
	       app[0] / loop_rate, app[2] / loop_rate);
	printf("peak RSS, 64 MiB generic-346 race: %.1f MiB (target <= 64 MiB)\n",
	       (double)rss_kb / 1024.0);
	return 0;
}
