/*
 * Tests of the lock validator and the deadlock detector (sim/actors/lockdep.c,
 * lockwatch.c):
 *   - the validator on hand-made acquisitions: cycles of 2 and 3 classes, read after
 *     read allowed, write after read and read after write reported, each cycle once,
 *     the report's text with both acquisition paths by kernel function;
 *   - the wait-for search on hand-made graphs: the cycle and its text, none when a
 *     task on the path can still run;
 *   - whole simulations (forked, simfork.h) of tasks taking the run's locks through the
 *     host hooks: ABBA, a reader queued behind a writer (the fair rwsem's three-party
 *     cycle), a task waiting for itself; each ends as a deadlock naming the cycle, and
 *     the same tasks in one lock order end normally.
 */
#include "actors/hooks.h"
#include "actors/lockdep.h"
#include "actors/lockwatch.h"
#include "actors/task.h"
#include "tests/actors/simfork.h"
#include "tests/testhelp.h"

#include <simgrid/actor.h>
#include <simgrid/disk.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the validator ---- */

enum { A_RW, A_INV, A_MM, A_FOLIO, A_IL, A_N };
static const char *const cls_names[A_N] = {"i_rwsem", "invalidate_lock", "mmap_lock", "folio",
					   "ILOCK"};

struct reports {
	int n;
	char text[8][1024];
};

static void collect(void *arg, const char *detail)
{
	struct reports *r = arg;

	if (r->n < 8)
		snprintf(r->text[r->n], sizeof(r->text[0]), "%s", detail);
	r->n++;
}

/* t takes cls in fn and holds it */
static int take(struct xs_lockdep *ld, struct xs_ld_task *t, int cls, bool write, const char *fn)
{
	int made = xs_lockdep_acquire(ld, t, cls, write, fn);

	test_assert(xs_lockdep_push(t, cls, write, &cls_names[cls], 0, fn) == 0);
	return made;
}

static void drop(struct xs_ld_task *t, int cls)
{
	xs_lockdep_release(t, &cls_names[cls], 0);
}

XS_TEST_SUITE(test_lockdep_cycle2)
{
	struct xs_lockdep ld;
	struct reports r = {0};
	struct xs_ld_task w = {0}, f = {0};

	xs_lockdep_init(&ld, cls_names, A_N, collect, &r);
	/* write(): i_rwsem, then the fault-in of its buffer under mmap_lock */
	take(&ld, &w, A_RW, true, "xs_file_write");
	take(&ld, &w, A_MM, false, "fault_in_iov_iter_readable");
	drop(&w, A_MM);
	drop(&w, A_RW);
	test_cond("one order alone: no report", r.n == 0 && ld.violations == 0);
	/* a fault: mmap_lock, then i_rwsem (fault_lock = iolock-excl) */
	take(&ld, &f, A_MM, false, "handle_mm_fault");
	test_cond("the closing edge reports the cycle once",
		  take(&ld, &f, A_RW, true, "xs_page_mkwrite") == 1 && r.n == 1 &&
			  ld.violations == 1);
	test_cond("the text names both paths by kernel function, from the first class",
		  strcmp(r.text[0], "i_rwsem -> mmap_lock (xfs_file_buffered_write holds i_rwsem, "
				    "fault_in_iov_iter_readable takes mmap_lock); mmap_lock -> "
				    "i_rwsem (handle_mm_fault holds mmap_lock, xfs_write_fault "
				    "takes i_rwsem)") == 0);
	drop(&f, A_RW);
	drop(&f, A_MM);
	test_cond("the stacks are empty after the releases", w.n == 0 && f.n == 0);
	/* the same cycle again, from either side: not reported again */
	take(&ld, &f, A_MM, false, "handle_mm_fault");
	take(&ld, &f, A_RW, true, "xs_page_mkwrite");
	drop(&f, A_RW);
	drop(&f, A_MM);
	take(&ld, &w, A_RW, true, "xs_file_write");
	take(&ld, &w, A_MM, false, "fault_in_iov_iter_readable");
	test_cond("a cycle is reported once per run", r.n == 1 && ld.violations == 1);
}

XS_TEST_SUITE(test_lockdep_cycle3)
{
	struct xs_lockdep ld;
	struct reports r = {0};
	struct xs_ld_task a = {0}, b = {0}, c = {0};

	xs_lockdep_init(&ld, cls_names, A_N, collect, &r);
	take(&ld, &a, A_RW, true, "xs_file_truncate");
	take(&ld, &a, A_INV, true, "xs_file_truncate");
	take(&ld, &b, A_INV, false, "xs_filemap_fault");
	take(&ld, &b, A_FOLIO, true, "xs_filemap_fault");
	test_cond("a chain of three classes is no cycle", r.n == 0);
	take(&ld, &c, A_FOLIO, true, "xs_writepages");
	test_cond("folio -> i_rwsem closes a cycle of three",
		  take(&ld, &c, A_RW, false, "test_taker") == 1 && r.n == 1);
	test_cond("the three edges, each with its first sites",
		  strcmp(r.text[0],
			 "i_rwsem -> invalidate_lock (do_truncate holds i_rwsem, xfs_vn_setattr "
			 "takes invalidate_lock); invalidate_lock -> folio (filemap_fault holds "
			 "invalidate_lock, filemap_fault takes folio); folio -> i_rwsem "
			 "(write_cache_pages holds folio, test_taker takes i_rwsem)") == 0);
	/* invalidate_lock -> i_rwsem is new, and closes only the cycle of two (folio ->
	 * i_rwsem was there already) */
	take(&ld, &b, A_RW, false, "test_second");
	test_cond("an edge closing one more cycle reports it alone",
		  r.n == 2 && ld.violations == 2 &&
			  strcmp(r.text[1],
				 "i_rwsem -> invalidate_lock (do_truncate holds i_rwsem, "
				 "xfs_vn_setattr takes invalidate_lock); invalidate_lock "
				 "-> i_rwsem (filemap_fault holds invalidate_lock, "
				 "test_second takes i_rwsem)") == 0);
}

XS_TEST_SUITE(test_lockdep_two_cycles)
{
	struct xs_lockdep ld;
	struct reports r = {0};
	struct xs_ld_task p = {0}, q = {0};

	xs_lockdep_init(&ld, cls_names, A_N, collect, &r);
	take(&ld, &p, A_RW, true, "p1");
	take(&ld, &p, A_INV, true, "p2");
	take(&ld, &p, A_IL, true, "p3");
	take(&ld, &q, A_IL, true, "q1");
	test_cond("one new edge closing two distinct cycles reports each",
		  take(&ld, &q, A_RW, true, "q2") == 2 && r.n == 2 && ld.violations == 2);
	test_cond("the cycle of three, then the cycle of two",
		  strcmp(r.text[0], "i_rwsem -> invalidate_lock (p1 holds i_rwsem, p2 takes "
				    "invalidate_lock); invalidate_lock -> ILOCK (p2 holds "
				    "invalidate_lock, p3 takes ILOCK); ILOCK -> i_rwsem (q1 holds "
				    "ILOCK, q2 takes i_rwsem)") == 0 &&
			  strcmp(r.text[1],
				 "i_rwsem -> ILOCK (p1 holds i_rwsem, p3 takes ILOCK); "
				 "ILOCK -> i_rwsem (q1 holds ILOCK, q2 takes i_rwsem)") == 0);
}

XS_TEST_SUITE(test_lockdep_recursion)
{
	struct xs_lockdep ld;
	struct reports r = {0};
	struct xs_ld_task t = {0};

	xs_lockdep_init(&ld, cls_names, A_N, collect, &r);
	take(&ld, &t, A_RW, false, "xs_file_read");
	test_cond("read after read of one class: allowed",
		  take(&ld, &t, A_RW, false, "xs_file_read") == 0 && r.n == 0);
	drop(&t, A_RW);
	test_cond("write after read: reported", take(&ld, &t, A_RW, true, "xs_page_mkwrite") == 1 &&
							r.n == 1 && ld.violations == 1);
	test_cond("the recursion's text",
		  strcmp(r.text[0], "recursive locking: i_rwsem write after read "
				    "(xfs_file_buffered_read holds i_rwsem shared, "
				    "xfs_write_fault takes i_rwsem exclusive)") == 0);
	test_cond("recursion makes no self-edge", !ld.edge[A_RW][A_RW]);
	drop(&t, A_RW);
	drop(&t, A_RW);
	take(&ld, &t, A_RW, false, "xs_file_read");
	take(&ld, &t, A_RW, true, "xs_page_mkwrite");
	test_cond("the same recursion again: once per run", r.n == 1);
	drop(&t, A_RW);
	drop(&t, A_RW);
	take(&ld, &t, A_FOLIO, true, "xs_writepages");
	test_cond("write after write: reported",
		  take(&ld, &t, A_FOLIO, true, "xs_writepages") == 1 && r.n == 2);
	drop(&t, A_FOLIO);
	drop(&t, A_FOLIO);
	take(&ld, &t, A_MM, true, "test_writer");
	test_cond("read after write: reported",
		  take(&ld, &t, A_MM, false, "test_reader") == 1 && r.n == 3 && ld.violations == 3);
}

XS_TEST_SUITE(test_lockdep_names)
{
	test_cond("xs_ is stripped from kernel-named functions",
		  strcmp(xs_lockdep_kernel_name("xs_filemap_fault", "folio"), "filemap_fault") ==
			  0);
	test_cond("XFS functions get their xfs_ prefix",
		  strcmp(xs_lockdep_kernel_name("xs_free_eofblocks", "ILOCK"),
			 "xfs_free_eofblocks") == 0);
	test_cond("a model function of another name",
		  strcmp(xs_lockdep_kernel_name("xs_file_write", "i_rwsem"),
			 "xfs_file_buffered_write") == 0);
	test_cond("one model function, two kernel functions by class",
		  strcmp(xs_lockdep_kernel_name("xs_page_mkwrite", "folio"),
			 "iomap_page_mkwrite") == 0 &&
			  strcmp(xs_lockdep_kernel_name("xs_page_mkwrite", "i_rwsem"),
				 "xfs_write_fault") == 0);
	test_cond("names without the prefix are kept",
		  strcmp(xs_lockdep_kernel_name("handle_mm_fault", NULL), "handle_mm_fault") == 0);
}

/* ---- the wait-for search ---- */

#define G_MAX 6
struct graph {
	int n[G_MAX];
	struct xs_wf_edge e[G_MAX][4];
};

static int graph_edges(void *arg, int task, struct xs_wf_edge *out, int max)
{
	const struct graph *g = arg;
	int i;

	for (i = 0; i < g->n[task] && i < max; i++)
		out[i] = g->e[task][i];
	return i;
}

static void add_edge(struct graph *g, int from, int to, const char *lock, int64_t index, bool write,
		     bool queued)
{
	g->e[from][g->n[from]++] = (struct xs_wf_edge){to, lock, index, write, queued};
}

static const char *const task_names[G_MAX] = {"writer.0", "faulter.0", "mapper.0",
					      "reader.0", "flusher",   "main"};

static const char *graph_name(void *arg, int task)
{
	(void)arg;
	return task_names[task];
}

XS_TEST_SUITE(test_waitfor)
{
	struct graph g = {0};
	int from[G_MAX];
	struct xs_wf_edge out[G_MAX];
	int n;
	char *text;

	/* writer.0 holds i_rwsem and waits for mmap_lock behind mapper.0, which waits for
	 * faulter.0's read hold, and faulter.0 waits for i_rwsem; reader.0 waits for
	 * writer.0 too but nobody waits for it */
	add_edge(&g, 3, 0, "i_rwsem", -1, false, false);
	add_edge(&g, 0, 2, "mmap_lock", -1, false, true);
	add_edge(&g, 2, 1, "mmap_lock", -1, true, false);
	add_edge(&g, 1, 0, "i_rwsem", -1, true, false);
	n = xs_waitfor_cycle(0, G_MAX, graph_edges, &g, from, out, G_MAX);
	test_cond("the cycle of three through the task that blocks", n == 3);
	text = xs_waitfor_format(from, out, n, graph_name, NULL);
	test_cond("each step names the actor, the lock and its holder",
		  text && strcmp(text, "writer.0 waits for mmap_lock (shared), queued behind "
				       "mapper.0; mapper.0 waits for mmap_lock (exclusive), held "
				       "by faulter.0; faulter.0 waits for i_rwsem (exclusive), "
				       "held by writer.0") == 0);
	free(text);
	test_cond("a waiter outside the cycle finds none through itself",
		  xs_waitfor_cycle(3, G_MAX, graph_edges, &g, from, out, G_MAX) == 0);
	g.n[2] = 0; /* mapper.0 can run */
	test_cond("none when a task on the path is not blocked",
		  xs_waitfor_cycle(0, G_MAX, graph_edges, &g, from, out, G_MAX) == 0);
	memset(&g, 0, sizeof(g));
	add_edge(&g, 3, 3, "folio", 7, true, false);
	n = xs_waitfor_cycle(3, G_MAX, graph_edges, &g, from, out, G_MAX);
	text = n ? xs_waitfor_format(from, out, n, graph_name, NULL) : NULL;
	test_cond("a task waiting for itself",
		  n == 1 && text &&
			  strcmp(text,
				 "reader.0 waits for folio 7 (exclusive), held by reader.0") == 0);
	free(text);
	/* a second edge out of the first task leads to the cycle */
	memset(&g, 0, sizeof(g));
	add_edge(&g, 0, 4, "ILOCK", -1, true, false);
	add_edge(&g, 0, 1, "i_rwsem", -1, true, false);
	add_edge(&g, 1, 0, "invalidate_lock", -1, true, false);
	test_cond("the search tries every holder",
		  xs_waitfor_cycle(0, G_MAX, graph_edges, &g, from, out, G_MAX) == 2 &&
			  from[0] == 0 && out[0].to == 1 && from[1] == 1 && out[1].to == 0);
}

/* ---- simulations through the host hooks ---- */

/* One step of a scripted task: at time at, take or release lock id (XS_LD_FOLIO: folio 0). */
struct step {
	double at;
	int id;
	bool write, release;
};

#define SIM_TASKS 3
#define SIM_STEPS 4

struct script {
	int ntasks;
	const char *names[SIM_TASKS];
	struct step steps[SIM_TASKS][SIM_STEPS];
	int nsteps[SIM_TASKS];
};

struct sim_out {
	int done; /* tasks that ran to their end */
	uint64_t deadlocks, lock_order;
	double t;
	char deadlock[512], lock_order_text[512];
};

struct sim_child {
	const struct script *sc;
	struct xs_run *run;
	int task;
	int *done;
};

/* argv[1]: the address of the actor's struct sim_child (the actor's data is its task) */
static void sim_actor(int argc, char **argv)
{
	struct xs_task *t = xs_self();
	struct sim_child *c = NULL;
	const struct script *sc;
	int i;

	test_assert(argc == 2 && sscanf(argv[1], "%p", (void **)&c) == 1 && c);
	sc = c->sc;
	for (i = 0; i < sc->nsteps[c->task]; i++) {
		const struct step *s = &sc->steps[c->task][i];
		enum xs_lock_mode m = s->write ? XS_LOCK_EXCL : XS_LOCK_SHARED;

		xs_sleep(s->at - xs_now());
		if (s->id == XS_LD_FOLIO && s->release)
			xs_hooks_ops.folio_unlock(c->run, 0);
		else if (s->id == XS_LD_FOLIO)
			xs_hooks_ops.folio_lock(c->run, 0, "test_folio");
		else if (s->release)
			xs_hooks_ops.unlock(c->run, (enum xs_lock_id)s->id, m);
		else
			xs_hooks_ops.lock(c->run, (enum xs_lock_id)s->id, m, "test_lock");
	}
	(*c->done)++;
	xs_task_exit(t);
}

static void sim_child_run(void *arg, void *out)
{
	const struct script *sc = arg;
	struct sim_out *o = out;
	struct xs_device_cfg cfg = {.queue_depth = 1, .max_io_bytes = 1 << 20};
	struct xs_scenario *scn = calloc(1, sizeof(*scn));
	struct xs_actor_group *grp = calloc(1, sizeof(*grp));
	struct xs_run *run = calloc(1, sizeof(*run));
	struct xs_run_result *res = calloc(1, sizeof(*res));
	struct sim_child c[SIM_TASKS];
	sg_host_t host;
	size_t i;
	int k, done = 0;

	test_assert(scn && grp && run && res);
	cfg.write_bw_Bps = cfg.read_bw_Bps = 1e9;
	host = sg_disk_get_host(xs_simfork_platform(&cfg));
	snprintf(grp->name, sizeof(grp->name), "job");
	run->sc = scn;
	run->res = res;
	xs_sched_init(&run->sched);
	xs_hooks_init(run);
	for (k = 0; k < sc->ntasks; k++) {
		struct xs_task *t = xs_task_new(run, sc->names[k], grp);
		char addr[32];
		char *argv[] = {"sim_actor", addr, NULL};

		c[k] = (struct sim_child){sc, run, k, &done};
		snprintf(addr, sizeof(addr), "%p", (void *)&c[k]);
		t->actor = sg_actor_init(sc->names[k], host);
		sg_actor_set_data(t->actor, t);
		sg_actor_start(t->actor, sim_actor, 2, argv);
	}
	simgrid_run();
	xs_hooks_collect(run);
	memset(o, 0, sizeof(*o));
	o->done = done;
	o->deadlocks = res->deadlocks;
	o->lock_order = res->lock_order_violations;
	o->t = res->sim_time_s;
	for (i = 0; i < res->nanomalies; i++) {
		const struct xs_anomaly *a = &res->anomalies[i];

		if (!strcmp(a->kind, "deadlock") && a->detail)
			snprintf(o->deadlock, sizeof(o->deadlock), "%s", a->detail);
		if (!strcmp(a->kind, "lock_order") && a->detail && !o->lock_order_text[0])
			snprintf(o->lock_order_text, sizeof(o->lock_order_text), "%s", a->detail);
	}
}

static int simulate(const struct script *sc, struct sim_out *o)
{
	return xs_simfork_run(sim_child_run, (void *)sc, o, sizeof(*o));
}

#define TAKE(t, i, w)	 ((struct step){t, i, w, false})
#define RELEASE(t, i, w) ((struct step){t, i, w, true})

XS_TEST_SUITE(test_deadlock_abba)
{
	struct script s = {
		2,
		{"writer.0", "faulter.0"},
		{{TAKE(0, XS_LOCK_IOLOCK, true), TAKE(2, XS_LOCK_INVALIDATE, true)},
		 {TAKE(1, XS_LOCK_INVALIDATE, true), TAKE(3, XS_LOCK_IOLOCK, true)}},
		{2, 2},
	};
	struct sim_out o;

	test_assert(simulate(&s, &o) == 0);
	test_cond("ABBA: the run ends as a deadlock, nobody finishes",
		  o.deadlocks == 1 && o.done == 0);
	test_cond("at the time the cycle closed", o.t > 2.999 && o.t < 3.001);
	test_cond("the wait-for cycle, from the task that closed it",
		  strcmp(o.deadlock, "faulter.0 waits for i_rwsem (exclusive), held by "
				     "writer.0; writer.0 waits for invalidate_lock (exclusive), "
				     "held by faulter.0") == 0);
	test_cond("the validator saw the cycle too",
		  o.lock_order == 1 && strstr(o.lock_order_text, "i_rwsem -> "
								 "invalidate_lock"));
	/* the same tasks in one order: they run to their end */
	s.steps[1][0] = TAKE(1, XS_LOCK_IOLOCK, true);
	s.steps[1][1] = TAKE(3, XS_LOCK_INVALIDATE, true);
	s.steps[0][2] = RELEASE(4, XS_LOCK_INVALIDATE, true);
	s.steps[0][3] = RELEASE(4, XS_LOCK_IOLOCK, true);
	s.nsteps[0] = 4;
	test_assert(simulate(&s, &o) == 0);
	test_cond("one lock order: no deadlock, no report, both finish",
		  o.deadlocks == 0 && o.lock_order == 0 && o.done == 2);
}

XS_TEST_SUITE(test_deadlock_fair_rwsem)
{
	/* writer.0 holds i_rwsem, then wants mmap_lock (here invalidate_lock) shared;
	 * faulter.0 holds it shared and wants i_rwsem; mapper.0 queues for it in write
	 * mode in between, and the fair rwsem puts writer.0 behind mapper.0 */
	struct script s = {
		3,
		{"writer.0", "faulter.0", "mapper.0"},
		{{TAKE(0, XS_LOCK_IOLOCK, true), TAKE(2, XS_LOCK_INVALIDATE, false)},
		 {TAKE(0.5, XS_LOCK_INVALIDATE, false), TAKE(3, XS_LOCK_IOLOCK, true)},
		 {TAKE(1, XS_LOCK_INVALIDATE, true)}},
		{2, 2, 1},
	};
	struct sim_out o;

	test_assert(simulate(&s, &o) == 0);
	test_cond(
		"a reader behind a queued writer closes the cycle",
		o.deadlocks == 1 &&
			strcmp(o.deadlock,
			       "faulter.0 waits for i_rwsem (exclusive), held by writer.0; "
			       "writer.0 waits for invalidate_lock (shared), queued behind "
			       "mapper.0; mapper.0 waits for invalidate_lock (exclusive), held by "
			       "faulter.0") == 0);
	/* without the mapper the readers share it: no deadlock, but the order is reported */
	s.ntasks = 2;
	s.steps[0][2] = RELEASE(4, XS_LOCK_INVALIDATE, false);
	s.steps[0][3] = RELEASE(4, XS_LOCK_IOLOCK, true);
	s.nsteps[0] = 4;
	test_assert(simulate(&s, &o) == 0);
	test_cond("without a queued writer: no deadlock, the cycle still reported",
		  o.deadlocks == 0 && o.done == 2 && o.lock_order == 1);
}

XS_TEST_SUITE(test_deadlock_self)
{
	struct script s = {
		1,
		{"reader.0"},
		{{TAKE(0, XS_LOCK_IOLOCK, false), TAKE(1, XS_LOCK_IOLOCK, true)}},
		{2},
	};
	struct sim_out o;

	test_assert(simulate(&s, &o) == 0);
	test_cond("write after read of one rwsem: a deadlock on itself, and a recursion",
		  o.deadlocks == 1 && o.lock_order == 1 &&
			  strcmp(o.deadlock, "reader.0 waits for i_rwsem (exclusive), held by "
					     "reader.0") == 0);
	s.steps[0][1] = TAKE(1, XS_LD_FOLIO, true);
	s.steps[0][2] = TAKE(2, XS_LD_FOLIO, true);
	s.nsteps[0] = 3;
	test_assert(simulate(&s, &o) == 0);
	test_cond("a folio lock taken twice",
		  o.deadlocks == 1 && strcmp(o.deadlock, "reader.0 waits for folio 0 "
							 "(exclusive), held by "
							 "reader.0") == 0);
}
