/*
 * One run: SimGrid set-up, the host hooks the model core calls (locks, folio locks,
 * preemption points with their CPU cost, events, device I/O), the end of life and
 * the outcomes. See run.h.
 *
 * Lock order, asserted on every acquisition (kernel-semantics.md §1.6):
 *   i_rwsem (rank 0) -> invalidate_lock (1) -> folio lock (2) -> ILOCK (3)
 *
 * Simplification: every task has a CPU of its own (CPU costs are sleeps, not shared
 * computation); there is one inode and one device.
 */
#include "actors/run_internal.h"

#include "core/bmap.h"
#include "core/writeback.h"

#include <errno.h>
#include <math.h>
#include <simgrid/actor.h>
#include <simgrid/cond.h>
#include <simgrid/disk.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/mutex.h>
#include <simgrid/semaphore.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xbt/asserts.h>

#define XS_RANK_FOLIO 2

static const int lock_rank[XS_LOCK_NR] = {0, 1, 3};
static const char *const lock_name[XS_LOCK_NR] = {"i_rwsem", "invalidate_lock", "ILOCK"};

/* The run of this process (SimGrid runs one engine per process). */
static struct xs_run *the_run;

struct xs_task *xs_self(void)
{
	return sg_actor_self_get_data();
}

void xs_run_tick(struct xs_run *run)
{
	run->fs.inode.i_mapping.now_ns = (uint64_t)(xs_now() * 1e9);
}

/* splitmix64: seeds for the per-task streams */
static uint64_t mix64(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ULL;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
	return x ^ (x >> 31);
}

struct xs_task *xs_task_new(struct xs_run *run, const char *name, const struct xs_actor_group *grp)
{
	struct xs_task *t = calloc(1, sizeof(*t));

	xbt_assert(t, "out of memory");
	if (run->ntasks == run->captasks) {
		run->captasks = run->captasks ? run->captasks * 2 : 16;
		run->tasks = realloc(run->tasks, (size_t)run->captasks * sizeof(*run->tasks));
		xbt_assert(run->tasks, "out of memory");
	}
	t->id = run->ntasks;
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->run = run;
	t->grp = grp;
	t->rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(t->rng, (unsigned long)mix64(run->sc->seed * 1000003ULL + (uint64_t)t->id));
	run->tasks[run->ntasks++] = t;
	xs_park_register(&t->park);
	xs_trace_thread_name(run, t->id, t->name);
	return t;
}

void xs_cpu(struct xs_task *t, const struct xs_dist *d, double scale)
{
	t->cpu_debt += xs_dist_sample(d, t->rng) * scale;
}

/* xs_run_tick() for a task known to be running */
static void task_tick(struct xs_task *t)
{
	t->run->fs.inode.i_mapping.now_ns = (uint64_t)(xs_task_now(t) * 1e9);
}

void xs_cpu_pay(struct xs_task *t)
{
	if (t->cpu_debt > 0) {
		t->run->events++;
		xs_sched_yield(t->cpu_debt);
		t->cpu_debt = 0;
	}
	task_tick(t);
}

void xs_task_exit(struct xs_task *t)
{
	xs_sched_sync();
	xs_park_exit(&t->park);
	xs_wake_all(&t->run->tasks); /* the main actor joins the workers */
}

void xs_cpu_pay_now(struct xs_task *t)
{
	if (t->cpu_debt > 0)
		t->run->events++;
	xs_sleep(t->cpu_debt); /* what was deferred, then the charge */
	t->cpu_debt = 0;
	task_tick(t);
}

uint64_t xs_op_begin(struct xs_run *run, struct xs_task *t, enum xs_opkind kind, uint64_t off,
		     uint64_t len)
{
	struct xs_oprec *o;

	if (run->nops == run->capops) {
		run->capops = run->capops ? run->capops * 2 : 1024;
		run->ops = realloc(run->ops, run->capops * sizeof(*run->ops));
		xbt_assert(run->ops, "out of memory");
	}
	o = &run->ops[run->nops++];
	o->task = t->id;
	o->kind = kind;
	o->off = off;
	o->len = len;
	o->done = 0;
	o->t0 = xs_task_now(t);
	o->t1 = o->t0;
	t->op = run->nops; /* ids start at 1 */
	return run->nops;
}

void xs_op_end(struct xs_run *run, uint64_t id, uint64_t done)
{
	struct xs_oprec *o = &run->ops[id - 1];

	o->done = done;
	o->t1 = xs_now();
}

void xs_sample(struct xs_run *run, enum xs_lat_kind k, double seconds)
{
	struct xs_samples *s = &run->lat[k];

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		xbt_assert(s->v, "out of memory");
	}
	s->v[s->n++] = seconds;
}

void xs_anomaly_add(struct xs_run *run, const char *kind, uint64_t off, uint64_t len, double t,
		    char *detail)
{
	struct xs_run_result *res = run->res;
	struct xs_anomaly *a;

	res->anomalies = realloc(res->anomalies, (res->nanomalies + 1) * sizeof(*res->anomalies));
	xbt_assert(res->anomalies, "out of memory");
	a = &res->anomalies[res->nanomalies++];
	snprintf(a->kind, sizeof(a->kind), "%s", kind);
	a->offset = off;
	a->length = len;
	a->sim_time_s = t;
	a->detail = detail;
}

static char *xs_strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *xs_strdup_printf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

void xs_run_check(struct xs_run *run)
{
	struct xs_err err = {0, ""};
	int bad;

	/*
	 * The recount is O(records + folios + stored pages and blocks): do it every
	 * (that sum) / 64 operations and at the end.
	 * A violation persists until writeback or truncate repairs it, so it is still seen.
	 */
	{
		uint64_t size = run->fs.inode.i_mapping.nr + run->fs.inode.i_df.if_nextents +
				run->fs.inode.i_mapping.data.units.count + run->fs.disk.units.count;

		/* amortised: about 64 records or folios of recount per operation */
		if (++run->checks * 64 < size)
			return;
		run->checks = 0;
	}
	bad = xs_inode_check(&run->fs.inode, &err);
	if (!bad)
		bad = xs_inode_check_dirty_backing(&run->fs.inode, &err);
	if (!bad) {
		run->last_violation[0] = '\0';
		return;
	}
	/* a violation that persists is one violation */
	if (strcmp(run->last_violation, err.msg) == 0)
		return;
	snprintf(run->last_violation, sizeof(run->last_violation), "%s", err.msg);
	run->res->invariant_violations++;
	xs_anomaly_add(run, "invariant", 0, 0, xs_now(), xs_strdup_printf("%s", err.msg));
}

/* ---- the host hooks of the core (struct xs_host_ops) ---- */

static void held_check(struct xs_task *t, int rank, const char *what)
{
	unsigned int above = t->held & ~((1u << (rank + 1)) - 1);

	xbt_assert(!above, "lock order: %s takes %s while holding rank mask 0x%x", t->name, what,
		   t->held);
}

static void host_lock(void *host, enum xs_lock_id id, enum xs_lock_mode mode)
{
	struct xs_run *run = host;
	struct xs_task *t = xs_self();
	double t0 = xs_task_now(t), waited;

	held_check(t, lock_rank[id], lock_name[id]);
	run->events++;
	if (xs_rwsem_would_block(&run->locks[id], mode == XS_LOCK_EXCL)) {
		xs_cpu_pay_now(t);
		t0 = xs_task_now(t);
	}
	if (mode == XS_LOCK_EXCL)
		waited = xs_down_write(&run->locks[id]);
	else
		waited = xs_down_read(&run->locks[id]);
	t->held |= 1u << lock_rank[id];
	t->shared_since[id] = xs_task_now(t);
	if (waited > 0)
		xs_trace_span(run, t->id, "lock", lock_name[id], t0, t0 + waited, 0, 0);
	xs_run_tick(run);
}

static void host_unlock(void *host, enum xs_lock_id id, enum xs_lock_mode mode)
{
	struct xs_run *run = host;
	struct xs_task *t = xs_self();

	if (xs_rwsem_has_waiters(&run->locks[id]))
		xs_sched_sync(); /* the wake-up happens where the task is */
	if (mode == XS_LOCK_EXCL) {
		if (id != XS_LOCK_ILOCK)
			xs_trace_span(run, t->id, "hold", lock_name[id], t->shared_since[id],
				      xs_task_now(t), 0, 0);
		xs_up_write(&run->locks[id]);
	} else {
		xs_up_read(&run->locks[id], t->shared_since[id]);
	}
	t->held &= ~(1u << lock_rank[id]);
}

static void host_folio_lock(void *host, uint64_t index)
{
	struct xs_run *run = host;
	struct xs_task *t = xs_self();
	double t0 = xs_task_now(t), waited;

	held_check(t, XS_RANK_FOLIO, "a folio lock");
	run->events++;
	if (xs_folio_is_locked(&run->folios, index)) {
		xs_cpu_pay_now(t);
		t0 = xs_task_now(t);
	}
	waited = xs_folio_lock_wait(&run->folios, index, t->id);
	t->held |= 1u << XS_RANK_FOLIO;
	if (waited > 0)
		xs_trace_span(run, t->id, "lock", "folio", t0, t0 + waited,
			      index * run->fs.inode.i_mapping.page_bytes,
			      run->fs.inode.i_mapping.page_bytes);
	xs_run_tick(run);
}

static void host_folio_unlock(void *host, uint64_t index)
{
	struct xs_run *run = host;
	struct xs_task *t = xs_self();

	xs_cpu_pay(t); /* the work done under the folio lock */
	if (run->folios.waiters)
		xs_sched_sync();
	xs_folio_unlock_index(&run->folios, index);
	/* a task holds one folio lock at a time in this model */
	t->held &= ~(1u << XS_RANK_FOLIO);
}

/* The scheduler hook: every modelled preemption point comes through here. */
static void host_preempt(void *host, enum xs_point point, uint64_t off)
{
	struct xs_run *run = host;
	struct xs_task *t = xs_self();
	const struct xs_cpu_costs *c = &run->sc->cpu;
	const struct xs_dist *d = NULL;

	(void)off;
	switch (point) {
	case XS_PT_WRITE_MAPPED:
		d = &c->iomap_begin;
		break;
	case XS_PT_WRITE_COPY:
		/* the copy itself is charged by the writer's copy-in, under the folio lock */
		d = &c->folio;
		break;
	case XS_PT_WRITE_CHUNK_DONE:
		break;
	case XS_PT_WRITE_END:
		d = &c->iomap_end;
		break;
	case XS_PT_PUNCH:
		d = &c->punch;
		break;
	case XS_PT_FAULT:
		d = &c->fault;
		break;
	case XS_PT_FAULT_MAPPED:
		t->faulted = true;
		d = &c->page_mkwrite;
		break;
	case XS_PT_WB_FOLIO:
		d = &c->wb_folio;
		break;
	case XS_PT_NR:
		break;
	}
	if (d)
		xs_cpu(t, d, 1);
	run->events++;
	xs_cpu_pay(t);
}

static void host_event(void *host, const struct xs_event *ev)
{
	struct xs_run *run = host;
	struct xs_task *t = xs_self();
	struct xs_evrec *e;

	if (run->nevs == run->capevs) {
		run->capevs = run->capevs ? run->capevs * 2 : 4096;
		run->evs = realloc(run->evs, run->capevs * sizeof(*run->evs));
		xbt_assert(run->evs, "out of memory");
	}
	e = &run->evs[run->nevs++];
	e->t = xs_now();
	e->task = t ? t->id : -1;
	e->op = t ? t->op : 0;
	e->kind = ev->kind;
	e->off = ev->off_bytes;
	e->len = ev->len_bytes;
	if (t && ev->kind == XS_EV_SHORT_COPY)
		run->res->short_copies++;
}

static void host_io(void *host, uint64_t bno, uint64_t len_bytes)
{
	struct xs_run *run = host;
	struct xs_task *t = xs_self();
	double t0;
	uint64_t byte_off = bno * run->fs.mount.m_geo.blocksize;

	run->events++;
	xs_cpu_pay_now(t);
	t0 = xs_task_now(t);
	xs_device_write(run->dev, byte_off, len_bytes);
	xs_trace_span(run, t->id, "io", "write", t0, xs_task_now(t), byte_off, len_bytes);
	xs_run_tick(run);
}

static const struct xs_host_ops host_ops = {
	.lock = host_lock,
	.unlock = host_unlock,
	.folio_lock = host_folio_lock,
	.folio_unlock = host_folio_unlock,
	.preempt = host_preempt,
	.event = host_event,
	.io = host_io,
};

/* ---- end of life ---- */

static const char *const op_names[] = {"write", "store", "truncate", "fpunch", "fzero", "prefill"};
static const char *const ev_names[XS_EV_NR] = {
	"reserved delalloc",
	"punched delalloc",
	"truncated page cache",
	"discarded a dirty folio",
	"short copy-in",
	"writeback found a hole (no I/O)",
	"stale iomap",
	"dirtied by a fault",
	"converted delalloc",
	"wrote",
	"zeroed the block around its write (mapping: not written)",
};

static bool ev_relevant(enum xs_event_kind k)
{
	return k != XS_EV_CONVERT && k != XS_EV_RESERVE;
}

struct loss_ctx {
	struct xs_run *run;
	uint64_t *lost_ids;
	size_t nlost_ids, cap;
};

/* The story of a loss: who stored it, and what touched the range afterwards. */
static char *loss_detail(struct xs_run *run, const struct xs_oracle_loss *loss)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const struct xs_oprec *o = loss->id ? &run->ops[loss->id - 1] : NULL;
	size_t i;
	int shown = 0;

	if (!f)
		return NULL;
	if (o)
		fprintf(f, "%s #%llu by %s [%llu,+%llu) acknowledged at %.9f s", op_names[o->kind],
			(unsigned long long)loss->id, run->tasks[o->task]->name,
			(unsigned long long)o->off, (unsigned long long)o->done, o->t1);
	else
		fprintf(f, "bytes nobody stored differ");
	for (i = 0; i < run->nevs && shown < 12; i++) {
		const struct xs_evrec *e = &run->evs[i];
		uint64_t page = run->fs.inode.i_mapping.page_bytes;
		uint64_t lo = loss->off / page * page,
			 hi = (loss->off + loss->len + page - 1) / page * page;

		if (!ev_relevant(e->kind) || (o && e->t < o->t0))
			continue;
		if (e->off >= hi || (e->len != UINT64_MAX && e->off + e->len <= lo))
			continue;
		fprintf(f, "; %.9f s %s: %s [%llu,+%llu)", e->t,
			e->task >= 0 ? run->tasks[e->task]->name : "-", ev_names[e->kind],
			(unsigned long long)e->off, (unsigned long long)e->len);
		if (e->op)
			fprintf(f, " during %s #%llu", op_names[run->ops[e->op - 1].kind],
				(unsigned long long)e->op);
		shown++;
	}
	fclose(f);
	return buf;
}

static void on_loss(void *arg, const struct xs_oracle_loss *loss)
{
	struct loss_ctx *lc = arg;
	struct xs_run *run = lc->run;
	size_t i;

	xs_anomaly_add(run, "lost", loss->off, loss->len, loss->id ? run->ops[loss->id - 1].t1 : 0,
		       loss_detail(run, loss));
	for (i = 0; i < lc->nlost_ids; i++)
		if (lc->lost_ids[i] == loss->id)
			return;
	if (lc->nlost_ids == lc->cap) {
		lc->cap = lc->cap ? lc->cap * 2 : 64;
		lc->lost_ids = realloc(lc->lost_ids, lc->cap * sizeof(*lc->lost_ids));
		xbt_assert(lc->lost_ids, "out of memory");
	}
	lc->lost_ids[lc->nlost_ids++] = loss->id;
}

/* Read the file back from the modelled disk (after unmount) and compare. */
static void compare_with_oracle(struct xs_run *run)
{
	struct xs_inode *ip = &run->fs.inode;
	struct xs_mount *mp = &run->fs.mount;
	uint64_t bs = mp->m_geo.blocksize, size = ip->i_size, off;
	uint8_t *buf = malloc(bs);
	struct loss_ctx lc = {run, NULL, 0, 0};
	uint64_t lost = 0;

	xbt_assert(buf, "out of memory");
	for (off = 0; off < size && off < run->oracle.size; off += bs) {
		uint64_t n = xs_min_u64(bs, xs_min_u64(size, run->oracle.size) - off);
		struct xs_bmbt_irec map;
		int nmap = 1;

		xs_bmapi_read(ip, off / bs, 1, &map, &nmap);
		if (nmap && !xs_irec_is_hole(&map) && !xs_irec_is_delay(&map) &&
		    map.br_state == XS_EXT_NORM) {
			/* the common case, stored alike: no bytes to compare */
			if (xs_pagestore_same(&run->fs.disk, map.br_startblock * bs,
					      &run->oracle.shadow, off, n))
				continue;
			xs_pagestore_read(&run->fs.disk, map.br_startblock * bs, n, buf);
		} else {
			memset(buf, 0, n);
		}
		lost += xs_oracle_compare_range(&run->oracle, off, buf, n, on_loss, &lc);
	}
	if (size != run->oracle.size) {
		uint64_t d =
			size > run->oracle.size ? size - run->oracle.size : run->oracle.size - size;

		lost += d;
		xs_anomaly_add(run, "lost", xs_min_u64(size, run->oracle.size), d, xs_now(),
			       xs_strdup_printf("file size %llu, users were told %llu",
						(unsigned long long)size,
						(unsigned long long)run->oracle.size));
	}
	run->res->lost_bytes = lost;
	run->res->lost_stores = lc.nlost_ids;
	free(lc.lost_ids);
	free(buf);
}

/* The canary: every delalloc record left at eviction is a leak. */
static void record_leaks(struct xs_run *run)
{
	struct xs_inode *ip = &run->fs.inode;
	struct xs_iext_cursor icur;
	struct xs_bmbt_irec got;

	xs_iext_first(&ip->i_df, &icur);
	while (xs_iext_get_extent(&ip->i_df, &icur, &got)) {
		if (xs_isnullstartblock(got.br_startblock))
			xs_anomaly_add(
				run, "leak", xs_fsb_to_b(&run->fs.mount, got.br_startoff),
				xs_fsb_to_b(&run->fs.mount, got.br_blockcount), xs_now(),
				xs_strdup_printf("xfs_check_delalloc: data fork has delalloc "
						 "extent at [%llu:%llu] at eviction",
						 (unsigned long long)got.br_startoff,
						 (unsigned long long)got.br_blockcount));
		xs_iext_next(&ip->i_df, &icur);
	}
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(const double *v, size_t n, double q)
{
	size_t k;

	if (!n)
		return 0;
	k = (size_t)ceil(q * (double)n);
	if (k < 1)
		k = 1;
	return v[k - 1];
}

static void summarise_latency(struct xs_run *run)
{
	static const char *const names[XS_LAT_NR] = {"write", "fault", "read", "fsync", "truncate"};
	struct xs_run_result *res = run->res;
	int k;

	for (k = 0; k < XS_LAT_NR; k++) {
		struct xs_samples *s = &run->lat[k];
		struct xs_latency *l;
		double sum = 0;
		size_t i;

		if (!s->n)
			continue;
		qsort(s->v, s->n, sizeof(*s->v), dbl_cmp);
		l = &res->latency[res->nlatency++];
		snprintf(l->op, sizeof(l->op), "%s", names[k]);
		for (i = 0; i < s->n; i++)
			sum += s->v[i];
		l->count = s->n;
		l->mean_us = sum / (double)s->n * 1e6;
		l->p50_us = pct(s->v, s->n, 0.5) * 1e6;
		l->p90_us = pct(s->v, s->n, 0.9) * 1e6;
		l->p99_us = pct(s->v, s->n, 0.99) * 1e6;
		l->p999_us = pct(s->v, s->n, 0.999) * 1e6;
		l->max_us = s->v[s->n - 1] * 1e6;
		if (k == XS_LAT_WRITE) {
			res->write_lat_p50_us = l->p50_us;
			res->write_lat_p99_us = l->p99_us;
		} else if (k == XS_LAT_FAULT) {
			res->fault_lat_p50_us = l->p50_us;
			res->fault_lat_p99_us = l->p99_us;
		}
	}
}

/* The run's main actor: set up, start everything, wait, end of life. */
static void main_actor(int argc, char **argv)
{
	struct xs_run *run = the_run;
	struct xs_task *self = xs_task_new(run, "main", NULL);
	struct xs_inode *ip = &run->fs.inode;
	sg_actor_t *workers;
	int g, nworkers = 0, i;

	(void)argc;
	(void)argv;
	sg_actor_self_set_data(self);
	xs_prefill(run, self);
	xs_prefault(run, self);
	xs_start_daemons(run);
	for (g = 0; g < run->sc->ngroups; g++)
		nworkers += (int)run->sc->groups[g].jobs;
	workers = calloc((size_t)nworkers, sizeof(*workers));
	xbt_assert(workers, "out of memory");
	nworkers = 0;
	xs_sched_sync(); /* they start where the main actor is */
	for (g = 0; g < run->sc->ngroups; g++) {
		const struct xs_actor_group *grp = &run->sc->groups[g];
		uint32_t j;

		for (j = 0; j < grp->jobs; j++) {
			char name[96];
			struct xs_task *t;

			snprintf(name, sizeof(name), "%s.%u", grp->name, j);
			t = xs_task_new(run, name, grp);
			t->actor = sg_actor_init(name, run->host);
			sg_actor_set_data(t->actor, t);
			sg_actor_ref(t->actor);
			sg_actor_start(t->actor, xs_worker_main, 0, NULL);
			workers[nworkers++] = t->actor;
		}
	}
	for (i = 0; i < nworkers; i++) {
		xs_park(&self->park, &run->tasks, INFINITY);
		sg_actor_join(workers[i], -1);
		xs_unpark(&self->park);
		sg_actor_unref(workers[i]);
	}
	free(workers);
	{
		struct timespec w;

		clock_gettime(CLOCK_MONOTONIC, &w);
		run->res->workload_wall_s =
			(double)w.tv_sec + (double)w.tv_nsec / 1e9 - run->res->workload_wall_s;
	}
	xs_stop_daemons(run);

	/* end of life: munmap, sync, close, evict (canary), unmount (counter) */
	self->op = 0;
	xs_mmap_unmap_all(ip);
	run->checks = 0;
	xs_run_check(run);
	xs_file_fsync(ip);
	run->checks = 0;
	xs_run_check(run);
	xs_file_release(ip);
	run->res->leaked_delalloc_blocks = xs_inode_evict(ip);
	record_leaks(run);
	run->res->delalloc_at_unmount = xs_unmount_delalloc(&run->fs);
	if (run->res->delalloc_at_unmount)
		xs_anomaly_add(run, "leak_unmount", 0, 0, xs_now(),
			       xs_strdup_printf("m_delalloc_blks = %lld at unmount",
						(long long)run->res->delalloc_at_unmount));
	compare_with_oracle(run);
	run->res->sim_time_s = xs_now();
	if (getenv("WPSIM_DEBUG")) {
		uint64_t n[XS_EV_NR] = {0};
		size_t e;

		for (e = 0; e < run->nevs; e++)
			n[run->evs[e].kind]++;
		for (e = 0; e < XS_EV_NR; e++)
			fprintf(stderr, "event %s: %llu\n", ev_names[e], (unsigned long long)n[e]);
	}
}

int xs_run(const struct xs_scenario *sc, const char *trace_path, struct xs_run_result *res,
	   char *err, size_t errlen)
{
	struct xs_run *run = calloc(1, sizeof(*run));
	struct xs_geometry geo;
	struct xs_err xerr = {0, ""};
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
	unsigned int ndisks = 0;
	sg_disk_t *disks = NULL;
	struct timespec w0, w1;
	int fd, error, i;

	if (!run)
		return -ENOMEM;
	clock_gettime(CLOCK_MONOTONIC, &w0);
	memset(res, 0, sizeof(*res));
	res->workload_wall_s = (double)w0.tv_sec + (double)w0.tv_nsec / 1e9;
	run->sc = sc;
	run->res = res;
	the_run = run;
	xs_sched_reset();
	error = xs_device_cfg_load(sc->device_path, &run->devcfg, err, errlen);
	if (error)
		goto out_free;
	error = xs_geometry_default(&geo, sc->fs_bytes, sc->block_bytes, &xerr);
	if (!error)
		error = xs_fs_init(&run->fs, &geo, &sc->policy, &host_ops, run, &xerr);
	if (error) {
		snprintf(err, errlen, "%s: %s", sc->path, xerr.msg);
		goto out_free;
	}
	xs_oracle_init(&run->oracle, geo.pagesize);
	fd = mkstemp(platform);
	if (fd < 0 || close(fd) || xs_device_write_platform(&run->devcfg, platform)) {
		snprintf(err, errlen, "cannot write the SimGrid platform file %s", platform);
		error = -EIO;
		goto out_fs;
	}
	simgrid_init(&sg_argc, sg_argv);
	simgrid_load_platform(platform);
	unlink(platform);
	run->host = sg_host_by_name("node");
	sg_host_get_disks(run->host, &ndisks, &disks);
	xbt_assert(ndisks == 1, "platform has %u disks", ndisks);
	{
		gsl_rng *devrng = gsl_rng_alloc(gsl_rng_mt19937);

		gsl_rng_set(devrng, (unsigned long)mix64(sc->seed * 7919ULL + 0xD15C));
		run->dev = xs_device_create(&run->devcfg, disks[0], devrng);
		xs_device_use_sched(run->dev);
	}
	free(disks);
	for (i = 0; i < XS_LOCK_NR; i++)
		xs_rwsem_init(&run->locks[i], lock_name[i]);
	xs_folio_locks_init(&run->folios);
	run->stop_mutex = sg_mutex_init();
	run->stop_cond = sg_cond_init();
	run->flusher_wake = sg_sem_init(0);
	run->reclaim_wake = sg_sem_init(0);
	run->blockgc_wake = sg_sem_init(0);
	xs_trace_open(run, trace_path);
	sg_actor_create("main", run->host, main_actor, 0, NULL);
	simgrid_run();
	for (i = 0; i < XS_LOCK_NR + 1; i++) {
		const struct xs_lock_stats *ls =
			i < XS_LOCK_NR ? &run->locks[i].stats : &run->folios.stats;

		snprintf(res->locks[i].name, sizeof(res->locks[i].name), "%s",
			 i < XS_LOCK_NR ? lock_name[i] : "folio");
		res->locks[i].acquisitions = ls->acquisitions;
		res->locks[i].contended = ls->contended;
		res->locks[i].wait_s = ls->wait_s;
		res->locks[i].max_wait_s = ls->max_wait_s;
		res->locks[i].hold_s = ls->hold_s;
	}
	xs_device_destroy(run->dev); /* also frees its RNG stream */
	for (i = 0; i < XS_LOCK_NR; i++)
		xs_rwsem_destroy(&run->locks[i]);
	xs_folio_locks_destroy(&run->folios);
	sg_sem_destroy(run->flusher_wake);
	sg_sem_destroy(run->reclaim_wake);
	sg_sem_destroy(run->blockgc_wake);
	sg_cond_destroy(run->stop_cond);
	sg_mutex_destroy(run->stop_mutex);
	xs_trace_close(run);
	summarise_latency(run);
	res->events = run->events;
	clock_gettime(CLOCK_MONOTONIC, &w1);
	res->wall_time_s =
		(double)(w1.tv_sec - w0.tv_sec) + (double)(w1.tv_nsec - w0.tv_nsec) / 1e9;
	error = 0;
out_fs:
	xs_oracle_destroy(&run->oracle);
	xs_fs_destroy(&run->fs);
out_free:
	for (i = 0; i < XS_LAT_NR; i++)
		free(run->lat[i].v);
	for (i = 0; i < run->ntasks; i++) {
		gsl_rng_free(run->tasks[i]->rng);
		free(run->tasks[i]);
	}
	free(run->tasks);
	free(run->ops);
	free(run->evs);
	free(run);
	the_run = NULL;
	return error;
}
