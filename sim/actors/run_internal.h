/*
 * State shared by the modules of one run (run.c, workload.c, background.c, trace.c).
 * Not a public interface.
 */
#ifndef XS_RUN_INTERNAL_H
#define XS_RUN_INTERNAL_H

#include "actors/device.h"
#include "actors/locks.h"
#include "actors/run.h"
#include "actors/sched.h"
#include "core/file.h"
#include "core/oracle.h"

#include <gsl/gsl_rng.h>
#include <simgrid/engine.h>
#include <simgrid/forward.h>

struct xs_run;

/* One simulated task: a worker job, a background daemon, or the run's main actor. */
struct xs_task {
	struct xs_park park; /* first: the actor's data is the task */
	int id;
	char name[96];
	struct xs_run *run;
	const struct xs_actor_group *grp; /* NULL for background and main */
	gsl_rng *rng;
	sg_actor_t actor;
	unsigned int held; /* lock ranks held (bit per rank) */
	double shared_since[XS_LOCK_NR];
	uint64_t op;	 /* id of the operation in progress (0: none) */
	bool faulted;	 /* a page_mkwrite ran during the current store */
	double cpu_debt; /* CPU time charged but not yet slept (s) */
	/* copy-in failure injection of the current write */
	bool copy_failed;
	const uint8_t *wbuf;
};

/* An acknowledged (or attempted) user operation. */
enum xs_opkind {
	XS_OP_WRITE = 0,
	XS_OP_STORE,
	XS_OP_TRUNCATE,
	XS_OP_FPUNCH,
	XS_OP_FZERO,
	XS_OP_PREFILL
};

struct xs_oprec {
	int task;
	enum xs_opkind kind;
	uint64_t off, len; /* what it asked for */
	uint64_t done;	   /* bytes acknowledged */
	double t0, t1;
};

struct xs_evrec {
	double t;
	int task;
	uint64_t op;
	enum xs_event_kind kind;
	uint64_t off, len;
};

struct xs_samples {
	double *v;
	size_t n, cap;
};

enum xs_lat_kind {
	XS_LAT_WRITE = 0,
	XS_LAT_FAULT,
	XS_LAT_READ,
	XS_LAT_FSYNC,
	XS_LAT_TRUNCATE,
	XS_LAT_NR
};

struct xs_run {
	const struct xs_scenario *sc;
	struct xs_fs fs;
	struct xs_oracle oracle;
	struct xs_device_cfg devcfg;
	struct xs_device *dev;
	sg_host_t host;
	struct xs_rwsem locks[XS_LOCK_NR];
	struct xs_folio_locks folios;
	struct xs_task **tasks;
	int ntasks, captasks;
	/* stopping the daemons */
	bool stopping;
	int daemons_running;
	sg_mutex_t stop_mutex;
	sg_cond_t stop_cond;
	sg_sem_t flusher_wake; /* wakes the flusher early (balance_dirty_pages, stop) */
	sg_sem_t reclaim_wake;
	sg_sem_t blockgc_wake;
	/* records */
	struct xs_oprec *ops;
	size_t nops, capops;
	struct xs_evrec *evs;
	size_t nevs, capevs;
	struct xs_samples lat[XS_LAT_NR];
	struct xs_run_result *res;
	char last_violation[256];
	FILE *trace;
	bool trace_first;
	uint64_t events;
	uint64_t checks;
};

/* The task running now. */
struct xs_task *xs_self(void);
/* xs_now() of a task known to be the one running (cheaper) */
static inline double xs_task_now(const struct xs_task *t)
{
	return simgrid_get_clock() + t->park.deferred;
}
/* A new task of the run (its RNG stream is numbered by creation order). */
struct xs_task *xs_task_new(struct xs_run *run, const char *name, const struct xs_actor_group *grp);
/*
 * Simulated CPU time for one kernel step: charge a sample of d (times scale) to the
 * task. Charges are paid at the next preemption point, folio unlock or end of
 * operation (xs_cpu_pay: slept, or deferred while no other actor could run, see
 * sched.h) and slept before a contended lock or I/O (xs_cpu_pay_now).
 * Simplification: an uncontended lock is taken before the CPU time charged ahead of it
 * has been paid, so it is taken up to a few hundred ns early.
 */
void xs_cpu(struct xs_task *t, const struct xs_dist *d, double scale);
void xs_cpu_pay(struct xs_task *t);
void xs_cpu_pay_now(struct xs_task *t);
/* A worker ends: sleep what it deferred, leave the scheduler, wake the main actor. */
void xs_task_exit(struct xs_task *t);
/* Register an operation; returns its id (> 0). */
uint64_t xs_op_begin(struct xs_run *run, struct xs_task *t, enum xs_opkind kind, uint64_t off,
		     uint64_t len);
void xs_op_end(struct xs_run *run, uint64_t id, uint64_t done);
void xs_sample(struct xs_run *run, enum xs_lat_kind k, double seconds);
/* Check the invariants now; a violation is recorded as an anomaly. */
void xs_run_check(struct xs_run *run);
void xs_anomaly_add(struct xs_run *run, const char *kind, uint64_t off, uint64_t len, double t,
		    char *detail);
/* Keep the page cache's clock current. */
void xs_run_tick(struct xs_run *run);

/* workload.c: the actor body of a job of grp. */
void xs_worker_main(int argc, char **argv);
/* workload.c: the initial file contents (global.prefill, global.file_size). */
void xs_prefill(struct xs_run *run, struct xs_task *t);
/*
 * workload.c: faulters with prefault = read touch every page of their range with a
 * load before any job starts, as holetest -r does before its threads race.
 */
void xs_prefault(struct xs_run *run, struct xs_task *t);

/* background.c: flusher, reclaim and blockgc daemons. */
void xs_start_daemons(struct xs_run *run);
void xs_stop_daemons(struct xs_run *run);
/* background.c: balance_dirty_pages for a writer about to dirty more. */
void xs_balance_dirty_pages(struct xs_run *run, struct xs_task *t);

/* trace.c: Chrome trace events (no-ops without a trace file). */
void xs_trace_open(struct xs_run *run, const char *path);
void xs_trace_close(struct xs_run *run);
void xs_trace_span(struct xs_run *run, int tid, const char *cat, const char *name, double t0,
		   double t1, uint64_t off, uint64_t len);
void xs_trace_thread_name(struct xs_run *run, int tid, const char *name);

#endif /* XS_RUN_INTERNAL_H */
