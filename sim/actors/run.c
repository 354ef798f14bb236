/*
 * One run: SimGrid set-up and the run's main actor, which sets the file up, starts the
 * daemons and one actor per job, joins the jobs, stops the daemons and ends the run
 * (end.c). See run.h.
 *
 * The top of the actors' modules: it calls workload.c, background.c, end.c, hooks.c,
 * lockwatch.c and task.c, and none of them calls it.
 *
 * Simplification: there is one inode and one device.
 */
#include "actors/background.h"
#include "actors/control_run.h"
#include "actors/end.h"
#include "actors/hooks.h"
#include "actors/lockwatch.h"
#include "actors/readcheck.h"
#include "actors/run_internal.h"
#include "actors/task.h"
#include "actors/trace.h"
#include "actors/workload.h"
#include "core/hashtab.h"
#include "core/xalloc.h"

#include <errno.h>
#include <math.h>
#include <simgrid/actor.h>
#include <simgrid/cond.h>
#include <simgrid/disk.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/mutex.h>
#include <simgrid/semaphore.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xbt/asserts.h>

/* The run's main actor (its data is its task): set up, start everything, wait, end. */
static void main_actor(int argc, char **argv)
{
	struct xs_task *self = xs_self();
	struct xs_run *run = self->run;
	int g, nworkers = 0;

	(void)argc;
	(void)argv;
	xs_start_endio(run);
	xs_prefill(run, self);
	xs_prefault(run, self);
	if (run->ctl)
		xs_sched_ctl_start(&run->sched, run->ctl->prioritised);
	xs_start_daemons(run);
	for (g = 0; g < run->sc->ngroups; g++)
		nworkers += (int)run->sc->groups[g].jobs;
	/* in the run, not here: a deadlock kills this actor, and the run's end frees it */
	run->workers = xs_xcalloc((size_t)nworkers, sizeof(*run->workers));
	xs_sched_sync(); /* they start where the main actor is */
	for (g = 0; g < run->sc->ngroups; g++) {
		const struct xs_actor_group *grp = &run->sc->groups[g];
		uint32_t j;

		for (j = 0; j < grp->jobs; j++) {
			char name[96];
			struct xs_task *t;

			snprintf(name, sizeof(name), "%s.%u", grp->name, j);
			t = xs_task_new(run, name, grp);
			xs_ctl_register(run, t, j);
			xs_sched_stack_take(&run->sched);
			t->actor = sg_actor_init(name, run->host);
			sg_actor_set_data(t->actor, t);
			sg_actor_ref(t->actor);
			sg_actor_start(t->actor, xs_worker_main, 0, NULL);
			run->workers[run->nworkers++] = t->actor;
		}
	}
	while (run->njoined < run->nworkers) {
		xs_park(&self->park, &run->tasks, INFINITY);
		sg_actor_join(run->workers[run->njoined], -1);
		xs_unpark(&self->park);
		sg_actor_unref(run->workers[run->njoined++]);
	}
	run->workload_done = true;
	{
		struct timespec w;

		clock_gettime(CLOCK_MONOTONIC, &w);
		run->res->workload_wall_s =
			(double)w.tv_sec + (double)w.tv_nsec / 1e9 - run->res->workload_wall_s;
	}
	xs_sched_ctl_stop(&run->sched); /* the end of the run is not explored */
	xs_stop_daemons(run);
	xs_end_run(run, self);
}

int xs_run(const struct xs_scenario *sc, const char *trace_path, struct xs_run_result *res,
	   char *err, size_t errlen)
{
	return xs_run_ctl(sc, trace_path, NULL, NULL, res, err, errlen);
}

/* SimGrid's engine and the platform of devcfg (a temporary file SimGrid reads). Once per
 * process. */
static int engine_start(const struct xs_device_cfg *devcfg, char *err, size_t errlen)
{
	char platform[] = "/tmp/wpsim-platform-XXXXXX";
	char *sg_argv[] = {
		"wpsim",
		"--log=root.thres:critical",
		"--cfg=surf/precision:1e-15",
#if defined(__SANITIZE_ADDRESS__)
		"--cfg=contexts/factory:thread",
#endif
		NULL
	};
	int sg_argc = (int)(sizeof(sg_argv) / sizeof(sg_argv[0])) - 1;
	int fd = mkstemp(platform);

	if (fd < 0 || close(fd) || xs_device_write_platform(devcfg, platform)) {
		snprintf(err, errlen, "cannot write the SimGrid platform file %s", platform);
		return -EIO;
	}
	simgrid_init(&sg_argc, sg_argv);
	simgrid_load_platform(platform);
	unlink(platform);
	return 0;
}

int xs_engine_start(struct xs_engine *eng, const struct xs_scenario *sc, char *err, size_t errlen)
{
	struct xs_device_cfg devcfg;
	int error;

	memset(eng, 0, sizeof(*eng));
#if defined(__SANITIZE_ADDRESS__)
	(void)sc;
	(void)err;
	(void)errlen;
	(void)devcfg;
	(void)error;
	return 0;
#else
	error = xs_device_cfg_load(sc->device_path, &devcfg, err, errlen);
	if (!error)
		error = engine_start(&devcfg, err, errlen);
	if (!error) {
		eng->started = true;
		snprintf(eng->device_path, sizeof(eng->device_path), "%s", sc->device_path);
	}
	return error;
#endif
}

int xs_run_ctl(const struct xs_scenario *sc, const char *trace_path, const struct xs_ctl *ctl,
	       const struct xs_engine *eng, struct xs_run_result *res, char *err, size_t errlen)
{
	struct xs_run *run = xs_xcalloc(1, sizeof(*run));
	struct xs_task *self;
	struct xs_geometry geo;
	struct xs_err xerr = {0, ""};
	unsigned int ndisks = 0;
	sg_disk_t *disks = NULL;
	struct timespec w0, w1;
	int error, i;

	if (!run)
		return -ENOMEM;
	clock_gettime(CLOCK_MONOTONIC, &w0);
	memset(res, 0, sizeof(*res));
	res->workload_wall_s = (double)w0.tv_sec + (double)w0.tv_nsec / 1e9;
	run->sc = sc;
	run->res = res;
	run->ctl = ctl;
	run->ctl_low = INT64_MAX;
	xs_sched_init(&run->sched);
	run->sched.limit_s = sc->time_limit_s;
	run->glat = xs_xcalloc(sc->ngroups > 0 ? (size_t)sc->ngroups : 1, sizeof(*run->glat));
	error = xs_device_cfg_load(sc->device_path, &run->devcfg, err, errlen);
	if (error)
		goto out_free;
	error = xs_geometry_default(&geo, sc->fs_bytes, sc->block_bytes, &xerr);
	if (!error)
		error = xs_fs_init(&run->fs, &geo, &sc->policy, &xs_hooks_ops, run, &xerr);
	if (error) {
		snprintf(err, errlen, "%s: %s", sc->path, xerr.msg);
		goto out_free;
	}
	xs_oracle_init(&run->oracle, geo.pagesize);
	if (eng && eng->started && strcmp(eng->device_path, sc->device_path) != 0) {
		/* SimGrid starts once per process: the caller must not mix devices */
		snprintf(err, errlen, "%s: the engine of this process was started with %s",
			 sc->device_path, eng->device_path);
		error = -EINVAL;
		goto out_fs;
	}
	if (!eng || !eng->started) {
		error = engine_start(&run->devcfg, err, errlen);
		if (error)
			goto out_fs;
	}
	{
		/* the main actor, the four daemons, the jobs and the device's queue slots */
		size_t nstacks = 5 + run->devcfg.queue_depth;

		for (i = 0; i < sc->ngroups; i++)
			nstacks += sc->groups[i].jobs;
		xs_sched_stacks(&run->sched, nstacks);
	}
	run->host = sg_host_by_name("node");
	sg_host_get_disks(run->host, &ndisks, &disks);
	xbt_assert(ndisks == 1, "platform has %u disks", ndisks);
	{
		gsl_rng *devrng = gsl_rng_alloc(gsl_rng_mt19937);

		gsl_rng_set(devrng, (unsigned long)xs_splitmix64(sc->seed * 7919ULL + 0xD15C));
		run->dev = xs_device_create(&run->devcfg, disks[0], devrng);
		xs_device_use_sched(run->dev, &run->sched);
	}
	free(disks);
	xs_hooks_init(run);
	run->stop_mutex = sg_mutex_init();
	run->stop_cond = sg_cond_init();
	run->flusher_wake = sg_sem_init(0);
	run->reclaim_wake = sg_sem_init(0);
	run->blockgc_wake = sg_sem_init(0);
	run->endio_wake = sg_sem_init(0);
	run->wb_mutex = sg_mutex_init();
	run->wb_cond = sg_cond_init();
	xs_trace_open(&run->trace, trace_path);
	self = xs_task_new(run, "main", NULL);
	xs_sched_stack_take(&run->sched);
	self->actor = sg_actor_init("main", run->host);
	sg_actor_set_data(self->actor, self);
	sg_actor_start(self->actor, main_actor, 0, NULL);
	simgrid_run();
	res->time_limit_hit = run->sched.limit_hit;
	/* after a deadlock, the actors killed before they were joined */
	while (run->njoined < run->nworkers)
		sg_actor_unref(run->workers[run->njoined++]);
	free(run->workers);
	run->workers = NULL;
	if (!run->workload_done && !run->deadlocked)
		xs_lockwatch_stalled(run, simgrid_get_clock());
	if (run->deadlocked) {
		/* the end of the run did not happen: see docs/design.md, "Deadlocks" */
		struct timespec w;

		clock_gettime(CLOCK_MONOTONIC, &w);
		res->workload_wall_s =
			(double)w.tv_sec + (double)w.tv_nsec / 1e9 - res->workload_wall_s;
		xs_device_abandon(run->dev);
	}
	xs_hooks_collect(run);
	xs_sched_ctl_end(&run->sched);
	xs_device_destroy(run->dev); /* also frees its RNG stream */
	xs_hooks_destroy(run);
	sg_sem_destroy(run->flusher_wake);
	sg_sem_destroy(run->reclaim_wake);
	sg_sem_destroy(run->blockgc_wake);
	sg_sem_destroy(run->endio_wake);
	sg_cond_destroy(run->wb_cond);
	sg_mutex_destroy(run->wb_mutex);
	sg_cond_destroy(run->stop_cond);
	sg_mutex_destroy(run->stop_mutex);
	xs_trace_close(&run->trace);
	res->events = run->events;
	error = 0;
out_fs:
	xs_oracle_destroy(&run->oracle);
	xs_fs_destroy(&run->fs);
	if (!error) {
		/* the model's memory handed back first: the samples made here do not add to it */
		malloc_trim(0);
		xs_end_summarise_latency(run);
		clock_gettime(CLOCK_MONOTONIC, &w1);
		res->wall_time_s =
			(double)(w1.tv_sec - w0.tv_sec) + (double)(w1.tv_nsec - w0.tv_nsec) / 1e9;
	}
out_free:
	for (i = 0; i < XS_LAT_NR; i++)
		free(run->lat[i].v);
	for (i = 0; run->glat && i < run->sc->ngroups * XS_LAT_NR; i++)
		free(run->glat[i / XS_LAT_NR][i % XS_LAT_NR].v);
	free(run->glat);
	for (i = 0; i < run->ntasks; i++) {
		gsl_rng_free(run->tasks[i]->rng);
		free(run->tasks[i]->opbuf); /* a worker killed by a deadlock */
		xs_readcheck_free(run->tasks[i]->rc);
		free(run->tasks[i]);
	}
	free(run->tasks);
	for (i = 0; i < (int)run->nopblocks; i++)
		free(run->opblocks[i]);
	free(run->opblocks);
	free(run->evs);
	xs_sched_destroy(&run->sched);
	free(run);
	return error;
}
