/*
 * The workload actors: writers (pwrite with copy-in failure injection), faulters
 * (stores through a shared mapping), readers, truncators (truncate, fpunch, fzero) and
 * syncers, one actor per job; and the initial file contents.
 *
 * Every acknowledged operation is applied to the oracle when it returns.
 * Simplification: the oracle applies operations in the order they return, which is
 * the order they took effect unless two tasks write the same bytes concurrently.
 */
#include "actors/workload.h"

#include "actors/background.h"
#include "actors/control_run.h"
#include "actors/task.h"
#include "actors/trace.h"

#include "core/marker.h"

#include "core/writeback.h"
#include "core/mmap.h"

#include <errno.h>
#include <gsl/gsl_randist.h>
#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <stdlib.h>
#include <string.h>
#include <xbt/asserts.h>

/*
 * Fill buf with the marker stream of operation id (core/marker.h): no zero bytes,
 * unique per operation, stored compactly by the page stores.
 */
static void fill_marker(uint8_t *buf, uint64_t len, uint64_t id)
{
	xs_marker_fill(buf, len, id, 0);
}

/* Copy-in from the user buffer, failing with probability fail_rate per chunk. */
static size_t w_copy(void *arg, uint8_t *dst, uint64_t src_off, size_t len)
{
	struct xs_task *t = arg;
	size_t n = len;

	if (t->copy_failed)
		return 0;
	if (t->run->ctl) {
		/* under a controller, only its decision fails a copy-in (control.h) */
		if (src_off + len > t->fail_at) {
			t->copy_failed = true;
			n = t->fail_at > src_off ? (size_t)(t->fail_at - src_off) : 0;
		}
	} else if (t->grp->fail_rate > 0 && gsl_rng_uniform(t->rng) < t->grp->fail_rate) {
		/* the copy comes up short and the rest of the buffer cannot be faulted in */
		t->copy_failed = true;
		n = (size_t)gsl_rng_uniform_int(t->rng, (unsigned long)len);
	}
	memcpy(dst, t->wbuf + src_off, n);
	xs_cpu(t, &t->run->sc->cpu.copy_4k, (double)n / 4096.0);
	return n;
}

static size_t w_fault_in(void *arg, uint64_t src_off, size_t len)
{
	struct xs_task *t = arg;

	(void)src_off;
	return t->copy_failed ? len : 0;
}

static void do_write(struct xs_run *run, struct xs_task *t, uint64_t off, uint64_t len,
		     uint8_t *buf)
{
	struct xs_user_buf src = {w_copy, w_fault_in, t};
	uint64_t id;
	double t0;
	int64_t r;

	xs_balance_dirty_pages(run, t);
	id = xs_op_begin(run, t, XS_OP_WRITE, off, len);
	fill_marker(buf, len, id);
	t->copy_failed = false;
	t->wbuf = buf;
	t0 = xs_task_now(t);
	xs_cpu(t, &run->sc->cpu.syscall, 1);
	r = xs_file_write(&run->fs.inode, off, len, &src);
	xs_cpu_pay(t);
	xs_sample(run, XS_LAT_WRITE, xs_task_now(t) - t0);
	xs_trace_span(&run->trace, t->id, "syscall", "pwrite", t0, xs_task_now(t), off, len);
	run->res->writes++;
	if (r > 0)
		xs_oracle_write(&run->oracle, id, off, (uint64_t)r, buf);
	xs_op_end(run, id, r > 0 ? (uint64_t)r : 0);
}

static void do_store(struct xs_run *run, struct xs_task *t, uint64_t off, uint64_t len,
		     uint8_t *buf)
{
	uint64_t page = run->fs.inode.i_mapping.page_bytes;

	while (len) {
		uint64_t n = xs_min_u64(len, page - off % page), id;
		double t0;
		int r;

		id = xs_op_begin(run, t, XS_OP_STORE, off, n);
		fill_marker(buf, n, id);
		t->faulted = false;
		t0 = xs_task_now(t);
		r = xs_mmap_store(&run->fs.inode, off, buf, (uint32_t)n);
		xs_cpu_pay(t);
		if (t->faulted) {
			run->res->faults++;
			xs_sample(run, XS_LAT_FAULT, xs_task_now(t) - t0);
			xs_trace_span(&run->trace, t->id, "fault", "page_mkwrite", t0,
				      xs_task_now(t), off, n);
		}
		if (r == 0) {
			xs_oracle_write(&run->oracle, id, off, n, buf);
			xs_op_end(run, id, n);
		} else {
			run->res->sigbus++;
			xs_op_end(run, id, 0);
		}
		off += n;
		len -= n;
	}
}

static void do_read(struct xs_run *run, struct xs_task *t, uint64_t off, uint64_t len, uint8_t *buf)
{
	double t0 = xs_task_now(t);

	xs_cpu(t, &run->sc->cpu.syscall, 1);
	xs_file_read(&run->fs.inode, off, len, buf);
	xs_cpu_pay(t);
	xs_sample(run, XS_LAT_READ, xs_task_now(t) - t0);
	xs_trace_span(&run->trace, t->id, "syscall", "pread", t0, xs_task_now(t), off, len);
}

static void do_truncator(struct xs_run *run, struct xs_task *t, uint64_t off, uint64_t len)
{
	struct xs_inode *ip = &run->fs.inode;
	double t0 = xs_task_now(t);
	uint64_t id;
	int error;

	xs_cpu(t, &run->sc->cpu.syscall, 1);
	switch (t->grp->trunc_op) {
	case XS_TRUNC_TRUNCATE:
		id = xs_op_begin(run, t, XS_OP_TRUNCATE, off, 0);
		error = xs_file_truncate(ip, off);
		if (!error)
			xs_oracle_truncate(&run->oracle, id, off);
		break;
	case XS_TRUNC_FPUNCH:
		id = xs_op_begin(run, t, XS_OP_FPUNCH, off, len);
		error = xs_file_fallocate(ip, XS_FALLOC_PUNCH_HOLE | XS_FALLOC_KEEP_SIZE, off, len);
		if (!error)
			xs_oracle_zero(&run->oracle, id, off, len);
		break;
	case XS_TRUNC_FZERO:
	default:
		id = xs_op_begin(run, t, XS_OP_FZERO, off, len);
		error = xs_file_fallocate(ip, XS_FALLOC_ZERO_RANGE | XS_FALLOC_KEEP_SIZE, off, len);
		if (!error)
			xs_oracle_zero(&run->oracle, id, off, len);
		break;
	}
	xs_cpu_pay(t);
	xs_op_end(run, id, error ? 0 : len);
	xs_sample(run, XS_LAT_TRUNCATE, xs_task_now(t) - t0);
	xs_trace_span(&run->trace, t->id, "syscall", "truncate", t0, xs_task_now(t), off, len);
}

static void do_fsync(struct xs_run *run, struct xs_task *t, uint64_t off, uint64_t len)
{
	double t0 = xs_task_now(t);

	xs_cpu(t, &run->sc->cpu.syscall, 1);
	if (t->grp->sync_range) {
		/* sync_file_range(WAIT_BEFORE | WRITE | WAIT_AFTER): no cache flush */
		xs_filemap_write_and_wait_range(&run->fs.inode, off, off + len - 1);
	} else {
		xs_file_fsync(&run->fs.inode);
		xs_device_flush(run->dev);
	}
	xs_cpu_pay(t);
	xs_sample(run, XS_LAT_FSYNC, xs_task_now(t) - t0);
	xs_trace_span(&run->trace, t->id, "syscall", "fsync", t0, xs_task_now(t), 0, 0);
}

void xs_worker_main(int argc, char **argv)
{
	struct xs_task *t = xs_self();
	struct xs_run *run = t->run;
	const struct xs_actor_group *g = t->grp;
	uint64_t slots = g->size_bytes / g->stride_bytes, nops, i;
	uint8_t *buf = malloc(g->bs_bytes);

	(void)argc;
	(void)argv;
	xbt_assert(buf, "out of memory");
	if (!slots)
		slots = 1;
	nops = g->ops ? g->ops : slots;
	if (g->start_s > 0)
		xs_sleep_blocked(g->start_s);
	xs_run_tick(run);
	for (i = 0; i < nops; i++) {
		uint64_t slot =
			g->pattern == XS_PATTERN_RAND
				? (uint64_t)gsl_rng_uniform_int(t->rng, (unsigned long)slots)
				: i % slots;
		uint64_t off = g->offset_bytes + slot * g->stride_bytes;
		uint64_t len = xs_min_u64(g->bs_bytes, g->offset_bytes + g->size_bytes - off);

		if (xs_task_now(t) >= run->sc->time_limit_s)
			break;
		xs_ctl_op(t, (uint32_t)i, g->kind == XS_ACTOR_WRITER ? len : 0);
		/* a point before anything of the operation: an order can hold a job whose
		 * operation would otherwise pass no point (a sync with nothing dirty yet) */
		xs_ctl_point(t, XS_CP_OP);
		switch (g->kind) {
		case XS_ACTOR_WRITER:
			do_write(run, t, off, len, buf);
			break;
		case XS_ACTOR_FAULTER:
			do_store(run, t, off, len, buf);
			break;
		case XS_ACTOR_READER:
			do_read(run, t, off, len, buf);
			break;
		case XS_ACTOR_TRUNCATOR:
			do_truncator(run, t, off, len);
			break;
		case XS_ACTOR_SYNCER:
			do_fsync(run, t, off, len);
			break;
		}
		t->op = 0;
		xs_run_check(run);
		xs_cpu(t, &g->think, 1);
		xs_cpu_pay(t);
	}
	free(buf);
	xs_task_exit(t);
}

void xs_prefault(struct xs_run *run, struct xs_task *t)
{
	uint64_t page = run->fs.inode.i_mapping.page_bytes;
	int gi;

	for (gi = 0; gi < run->sc->ngroups; gi++) {
		const struct xs_actor_group *g = &run->sc->groups[gi];
		uint64_t p;

		if (g->kind != XS_ACTOR_FAULTER || !g->prefault_read)
			continue;
		for (p = g->offset_bytes / page * page; p < g->offset_bytes + g->size_bytes;
		     p += page) {
			uint8_t c;

			xs_cpu(t, &run->sc->cpu.fault, 1);
			if (xs_mmap_load(&run->fs.inode, p, &c, 1))
				break;
		}
		xs_cpu_pay(t);
	}
}

/* A user buffer whose copy-in never fails (the prefill). */
static size_t plain_copy(void *arg, uint8_t *dst, uint64_t src_off, size_t len)
{
	memcpy(dst, (const uint8_t *)arg + src_off, len);
	return len;
}

void xs_prefill(struct xs_run *run, struct xs_task *t)
{
	const struct xs_scenario *sc = run->sc;
	struct xs_inode *ip = &run->fs.inode;
	uint64_t size = sc->file_bytes, chunk = 1 << 20, off, id;
	uint8_t *buf;

	if (!size)
		return;
	id = xs_op_begin(run, t, XS_OP_PREFILL, 0, size);
	switch (sc->prefill) {
	case XS_PREFILL_NONE:
		xs_file_truncate(ip, size);
		xs_oracle_truncate(&run->oracle, id, size);
		break;
	case XS_PREFILL_UNWRITTEN:
		xs_file_fallocate(ip, 0, 0, size);
		xs_oracle_truncate(&run->oracle, id, size);
		break;
	case XS_PREFILL_WRITTEN:
	case XS_PREFILL_DIRTY:
		buf = malloc(chunk);
		xbt_assert(buf, "out of memory");
		for (off = 0; off < size; off += chunk) {
			uint64_t n = xs_min_u64(chunk, size - off);
			struct xs_user_buf src = {plain_copy, NULL, buf};
			int64_t r;

			fill_marker(buf, n, id + off / chunk);
			r = xs_file_write(ip, off, n, &src);
			xbt_assert(r == (int64_t)n, "prefill write failed: %lld", (long long)r);
			xs_oracle_write(&run->oracle, id, off, n, buf);
		}
		free(buf);
		if (sc->prefill == XS_PREFILL_WRITTEN) {
			xs_file_fsync(ip);
			xs_device_flush(run->dev);
		}
		break;
	}
	xs_op_end(run, id, size);
	t->op = 0;
}
