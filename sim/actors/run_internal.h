/*
 * The state of one run, shared by the modules of actors/ (not a public interface).
 * run.c owns it; every actor reaches it through its data (struct xs_task.run).
 *
 * The modules and their arrows (each calls only the modules after its arrow, and
 * nothing calls run.c):
 *   run.c (set-up, main actor) -> workload.c, background.c, end.c, hooks.c, control.c,
 *                                 task.c, trace.c
 *   workload.c -> background.c (balance_dirty_pages), control.c, readcheck.c,
 *                 spacecheck.c, task.c, trace.c
 *   background.c -> control.c, lockwatch.c, task.c
 *   end.c -> spacecheck.c, task.c, trace.c
 *   readcheck.c -> task.c
 *   hooks.c -> control.c, lockwatch.c, task.c, tracestory.c, trace.c
 *   lockwatch.c -> task.c
 *   control.c -> task.c
 *   task.c -> tracestory.c, trace.c
 *   tracestory.c -> trace.c
 * and below them sched.c, locks.c, device.c (locks.c, device.c -> sched.c) and
 * lockdep.c, which call none of the above.
 */
#ifndef XS_RUN_INTERNAL_H
#define XS_RUN_INTERNAL_H

#include "actors/control.h"
#include "actors/device.h"
#include "actors/lockdep.h"
#include "actors/locks.h"
#include "actors/run.h"
#include "actors/sched.h"
#include "actors/trace.h"
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
	struct xs_ld_task ld; /* the locks it holds, for the lock validator */
	/* the lock it is about to wait for, or waits for (lockwatch.h) */
	struct {
		bool on, write;
		int cls;
		const void *lock;
		uint64_t sub;
	} wait;
	double shared_since[XS_LOCK_NR];
	uint64_t op;	 /* id of the operation in progress (0: none) */
	bool faulted;	 /* a page_mkwrite ran during the current store */
	double cpu_debt; /* CPU time charged but not yet slept (s) */
	/* copy-in failure injection of the current write */
	bool copy_failed;
	uint8_t *wbuf;	/* the user buffer of the current write or read */
	uint8_t *opbuf; /* a worker's buffer for its operations (freed when it ends) */
	/* the read in progress (readcheck.h): freed with the task, even if a deadlock ends it */
	struct xs_readcheck *rc;
	/* controlled mode (control.c) */
	uint32_t job;	    /* its number in its group; 0 for a daemon */
	int ctl_index;	    /* among the controlled actors */
	uint32_t ctl_op;    /* the operation in progress, 0-based, its own count */
	uint32_t ctl_wakes; /* a daemon's wake-ups so far */
	uint64_t ctl_op_len;
	uint64_t fail_at; /* the copy-in of this write stops after that many bytes */
	uint32_t ctl_hits[XS_CP_NR];
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

/*
 * 40 bytes, one per operation: an 800 MiB append of 4 KiB writes keeps 204800. A length
 * is kept up to 2^55 - 1 bytes and an acknowledged count up to 2^48 - 1 (saturated
 * beyond: no modelled filesystem holds that much).
 */
struct xs_oprec {
	uint64_t off;	    /* what it asked for */
	uint64_t len : 55;  /* ... */
	uint64_t kind : 8;  /* enum xs_opkind */
	uint64_t ended : 1; /* xs_op_end() ran */
	uint64_t done : 48; /* bytes acknowledged */
	uint64_t task : 16; /* index in run->tasks */
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

/* A process (docs/scenarios.md, "Actor sections"): the groups naming it share its mm. */
struct xs_process {
	struct xs_mm mm;
	struct xs_rwsem mmap_lock;
};

struct xs_run {
	const struct xs_scenario *sc;
	struct xs_fs fs;
	struct xs_oracle oracle;
	struct xs_device_cfg devcfg;
	struct xs_device *dev;
	sg_host_t host;
	struct xs_sched sched;		   /* the park records of every actor of the run */
	struct xs_rwsem locks[XS_LOCK_NR]; /* [XS_LOCK_MMAP] unused: see procs */
	struct xs_folio_locks folios;
	struct xs_lockdep lockdep; /* the lock validator */
	bool deadlocked;	   /* the run ended in a deadlock (lockwatch.h) */
	bool workload_done;	   /* the main actor saw every job end */
	struct xs_process *procs;  /* sc->nprocs of them; tasks without a group: the first */
	struct xs_task **tasks;
	int ntasks, captasks;
	sg_actor_t *workers; /* the jobs' actors, referenced until joined */
	int nworkers, njoined;
	/* stopping the daemons */
	bool stopping;
	int daemons_running;
	sg_mutex_t stop_mutex;
	sg_cond_t stop_cond;
	sg_sem_t flusher_wake; /* wakes the flusher early (balance_dirty_pages, stop) */
	sg_sem_t reclaim_wake;
	sg_sem_t blockgc_wake;
	sg_sem_t endio_wake;   /* the completion work is queued (xs_end_bio) */
	struct xs_task *endio; /* its worker */
	/* tasks waiting for a folio's writeback to end (folio_wait_writeback) */
	sg_mutex_t wb_mutex;
	sg_cond_t wb_cond;
	unsigned wb_waiters;
	/* records */
	/*
	 * Operation records in blocks of XS_OPS_BLOCK (xs_oprec_get()): they are never
	 * moved or copied as the run grows.
	 */
	struct xs_oprec **opblocks;
	size_t nops, nopblocks;
	struct xs_evrec *evs;
	size_t nevs, capevs;
	struct xs_samples lat[XS_LAT_NR];
	struct xs_samples (*glat)[XS_LAT_NR]; /* per actor group (sc->ngroups) */
	struct xs_run_result *res;
	char last_violation[256];
	struct xs_trace trace;
	uint64_t events;
	uint64_t checks;
	uint64_t space_checks; /* operations since the last space sample (spacecheck.h) */
	/* the controller, or NULL (control.h) */
	const struct xs_ctl *ctl;
	int nctl;	    /* controlled actors so far */
	uint64_t ctl_steps; /* points passed under control */
	int64_t ctl_low;    /* the lowest priority given so far */
};

/* xs_now() of a task known to be the one running (cheaper) */
static inline double xs_task_now(const struct xs_task *t)
{
	return simgrid_get_clock() + t->park.deferred;
}

#endif /* XS_RUN_INTERNAL_H */
