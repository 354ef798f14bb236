/*
 * The workload actors: writers (pwrite from anonymous memory with copy-in failure
 * injection, or from a mapping of the file), faulters (stores through a shared
 * mapping), readers (into anonymous memory or a mapping of the file), truncators
 * (truncate, fpunch, fzero), syncers and mappers (mmap over a range, mprotect), one
 * actor per job; and the initial file contents.
 *
 * Every acknowledged operation is applied to the oracle when it returns.
 * Simplification: the oracle applies operations in the order they return, which is
 * the order they took effect unless two tasks write the same bytes concurrently.
 */
#include "actors/workload.h"

#include "actors/background.h"
#include "actors/control_run.h"
#include "actors/readcheck.h"
#include "actors/spacecheck.h"
#include "actors/task.h"
#include "actors/trace.h"

#include "core/marker.h"

#include "core/writeback.h"
#include "core/mmap.h"
#include "core/xalloc.h"

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

/*
 * Copy-in from the user buffer. Anonymous memory fails with probability fail_rate per
 * chunk (the injection); a mapping of the file comes up short where a PTE is gone.
 */
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
	if (t->grp->source_map) {
		/* what the write stores is what the mapping held: the oracle's bytes too */
		n = xs_mmap_copy_atomic(&t->run->fs.inode, t->grp->source_offset + src_off, dst, n);
		memcpy(t->wbuf + src_off, dst, n);
	}
	/* else the buffer is the operation's marker stream, stored by its id (marker_id) */
	xs_cpu(t, &t->run->sc->cpu.copy_4k, (double)n / 4096.0);
	return n;
}

static size_t w_fault_in(void *arg, uint64_t src_off, size_t len)
{
	struct xs_task *t = arg;
	double t0;
	size_t left;

	if (t->copy_failed)
		return len;
	if (!t->grp->source_map)
		return 0;
	t0 = xs_task_now(t);
	xs_cpu(t, &t->run->sc->cpu.fault_in, 1);
	left = xs_mmap_fault_in(&t->run->fs.inode, t->grp->source_offset + src_off, len);
	xs_cpu_pay(t);
	xs_trace_span(&t->run->trace, t->id, "mm", "fault_in", t0, xs_task_now(t),
		      t->grp->source_offset + src_off, len);
	return left;
}

static void do_write(struct xs_run *run, struct xs_task *t, uint64_t off, uint64_t len,
		     uint8_t *buf)
{
	struct xs_user_buf src = {w_copy, w_fault_in, t, 0};
	uint64_t id;
	double t0;
	int64_t r;

	xs_balance_dirty_pages(run, t);
	id = xs_op_begin(run, t, XS_OP_WRITE, off, len);
	/*
	 * Anonymous memory holds the operation's marker stream: the page cache and the
	 * oracle store it by its id, no bytes made. A copy from a mapping of the file stores
	 * what the mapping held, copied into buf.
	 */
	src.marker_id = t->grp->source_map ? 0 : id;
	t->copy_failed = false;
	t->wbuf = buf;
	t0 = xs_task_now(t);
	xs_cpu(t, &run->sc->cpu.syscall, 1);
	r = xs_file_write(&run->fs.inode, off, len, &src);
	xs_cpu_pay(t);
	/* its latency, t1 - t0 of its record, is sampled at the end (xs_end_summarise_latency) */
	xs_trace_span(&run->trace, t->id, "syscall", "pwrite", t0, xs_task_now(t), off, len);
	run->res->writes++;
	run->res->enospc += r == -ENOSPC;
	if (r > 0 && src.marker_id)
		xs_oracle_write_marker(&run->oracle, id, off, (uint64_t)r);
	else if (r > 0)
		xs_oracle_write(&run->oracle, id, off, (uint64_t)r, buf);
	xs_op_end(run, id, r > 0 ? (uint64_t)r : 0);
}

/*
 * One store of n bytes at off (inside one page) through the task's mapping, recorded
 * as an operation. With mark, buf is first filled with the operation's marker.
 * Returns 0 or -EFAULT.
 */
static int store_page(struct xs_run *run, struct xs_task *t, uint64_t off, uint64_t n, uint8_t *buf,
		      bool mark)
{
	uint64_t id = xs_op_begin(run, t, XS_OP_STORE, off, n);
	double t0;
	int r;

	if (mark)
		fill_marker(buf, n, id);
	t->faulted = false;
	t0 = xs_task_now(t);
	r = xs_mmap_store(&run->fs.inode, off, buf, (uint32_t)n);
	xs_cpu_pay(t);
	if (t->faulted) {
		run->res->faults++;
		xs_sample(run, t, XS_LAT_FAULT, xs_task_now(t) - t0);
		xs_trace_span(&run->trace, t->id, "fault", "page_mkwrite", t0, xs_task_now(t), off,
			      n);
	}
	if (r == 0)
		xs_oracle_write(&run->oracle, id, off, n, buf);
	run->res->enospc += r == -ENOSPC;
	xs_op_end(run, id, r == 0 ? n : 0);
	return r;
}

static void do_store(struct xs_run *run, struct xs_task *t, uint64_t off, uint64_t len,
		     uint8_t *buf)
{
	uint64_t page = run->fs.inode.i_mapping.page_bytes;

	while (len) {
		uint64_t n = xs_min_u64(len, page - off % page);

		if (store_page(run, t, off, n, buf, true))
			run->res->sigbus++;
		off += n;
		len -= n;
	}
}

/*
 * copy_to_user() into a reader's mapping of the file, faults enabled: each page's
 * part is a store that may write-fault (page_mkwrite) inside read()'s i_rwsem.
 */
static size_t r_copy_out(void *arg, uint64_t dst_off, const uint8_t *src, size_t len)
{
	struct xs_task *t = arg;
	struct xs_run *run = t->run;
	uint64_t page = run->fs.inode.i_mapping.page_bytes, off = t->grp->dest_offset + dst_off;
	uint64_t read_op = t->op;
	size_t done = 0;

	xbt_assert(src == t->wbuf + dst_off, "the copy-out reads the reader's own buffer");
	while (done < len) {
		uint64_t n = xs_min_u64(len - done, page - off % page);

		/* src is the reader's own buffer (do_read), written as it goes */
		if (store_page(run, t, off, n, t->wbuf + dst_off + done, false))
			break; /* the copy stops: read() returns what it copied, or EFAULT */
		done += n;
		off += n;
	}
	t->op = read_op;
	xs_cpu(t, &run->sc->cpu.copy_4k, (double)done / 4096.0);
	return done;
}

static void do_read(struct xs_run *run, struct xs_task *t, uint64_t off, uint64_t len, uint8_t *buf)
{
	struct xs_user_dst dst = {r_copy_out, t};
	double t0 = xs_task_now(t);
	int64_t got;

	if (!t->rc)
		t->rc = xs_xcalloc(1, sizeof(*t->rc));
	xs_readcheck_begin(run, t->rc, off, len);
	xs_cpu(t, &run->sc->cpu.syscall, 1);
	t->wbuf = buf;
	got = xs_file_read_user(&run->fs.inode, off, len, buf, t->grp->dest_map ? &dst : NULL);
	xs_cpu_pay(t);
	xs_readcheck_end(run, t, t->rc, buf, got);
	xs_sample(run, t, XS_LAT_READ, xs_task_now(t) - t0);
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
	run->res->enospc += error == -ENOSPC;
	xs_op_end(run, id, error ? 0 : len);
	xs_sample(run, t, XS_LAT_TRUNCATE, xs_task_now(t) - t0);
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
	xs_sample(run, t, XS_LAT_FSYNC, xs_task_now(t) - t0);
	xs_trace_span(&run->trace, t->id, "syscall", "fsync", t0, xs_task_now(t), 0, 0);
}

/*
 * A mapper's two calls over [off, off + len) of its process's mapping: munmap() of the
 * range (zap_page_range(); until the mmap the range has no VMA, so a write whose
 * source is there fails its fault-in with EFAULT and a store there fails), then
 * mmap(MAP_FIXED) of it again; or mprotect(PROT_READ) then mprotect(PROT_READ |
 * PROT_WRITE) (change_protection()). Each call runs under mmap_write_lock() (and, since
 * 6.4, vma_start_write() on the VMAs); between the two, other tasks run.
 * Simplification: a store into the read-only window of mprotect write-faults as usual
 * (the kernel would send SIGSEGV), and a store into an unmapped range is counted as a
 * failed store (SIGSEGV), not a signal.
 */
static void do_map(struct xs_run *run, struct xs_task *t, uint64_t off, uint64_t len)
{
	const struct xs_cpu_costs *c = &run->sc->cpu;
	struct xs_pagecache *pc = &run->fs.inode.i_mapping;
	struct xs_mm *mm = xs_fs_mm(&run->fs);
	bool remap = t->grp->trunc_op == XS_MAP_REMAP;
	uint64_t first = off / pc->page_bytes, last = (off + len - 1) / pc->page_bytes, n;
	double t0 = xs_task_now(t), tz;

	xs_cpu(t, &c->syscall, 1);
	/* the validator names the kernel function that takes mmap_lock for write */
	xs_fs_lock_at(&run->fs, XS_LOCK_MMAP, XS_LOCK_EXCL,
		      remap ? "__vm_munmap" : "do_mprotect_pkey");
	xs_cpu(t, &c->mmap_lock, 1);
	xs_cpu_pay(t);
	tz = xs_task_now(t);
	if (remap) {
		int64_t z = xs_mm_munmap_range(mm, pc, first, last);

		/* out of holes: the range stays mapped, its PTEs zapped as MAP_FIXED would */
		n = z >= 0 ? (uint64_t)z : xs_mm_zap_range(mm, pc, first, last);
	} else {
		n = xs_mm_wrprotect_range(mm, pc, first, last);
	}
	xs_cpu(t, &c->pte_zap, (double)n);
	xs_cpu_pay(t);
	xs_trace_span(&run->trace, t->id, "mm", remap ? "pte_zap" : "pte_wrprotect", tz,
		      xs_task_now(t), off, len);
	xs_fs_unlock(&run->fs, XS_LOCK_MMAP, XS_LOCK_EXCL);
	xs_trace_span(&run->trace, t->id, "syscall", remap ? "munmap" : "mprotect", t0,
		      xs_task_now(t), off, len);
	/* the second call: mmap of the range again, or mprotect back to read-write */
	t0 = xs_task_now(t);
	xs_cpu(t, &c->syscall, 1);
	xs_fs_lock_at(&run->fs, XS_LOCK_MMAP, XS_LOCK_EXCL,
		      remap ? "vm_mmap_pgoff" : "do_mprotect_pkey");
	xs_cpu(t, &c->mmap_lock, 1);
	xs_cpu_pay(t);
	if (remap)
		xs_mm_mmap_range(mm, first, last);
	xs_fs_unlock(&run->fs, XS_LOCK_MMAP, XS_LOCK_EXCL);
	xs_trace_span(&run->trace, t->id, "syscall", remap ? "mmap" : "mprotect", t0,
		      xs_task_now(t), off, len);
}

void xs_worker_main(int argc, char **argv)
{
	struct xs_task *t = xs_self();
	struct xs_run *run = t->run;
	const struct xs_actor_group *g = t->grp;
	uint64_t slots = g->size_bytes / g->stride_bytes, nops, i;
	uint8_t *buf = t->opbuf = xs_xmalloc(g->bs_bytes);

	(void)argc;
	(void)argv;
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

		if (t->park.at_limit || xs_task_now(t) >= run->sc->time_limit_s) {
			run->sched.limit_hit = true;
			break;
		}
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
		case XS_ACTOR_MAPPER:
			do_map(run, t, off, len);
			break;
		}
		t->op = 0;
		xs_run_check(run);
		xs_spacecheck_sample(run, false);
		xs_cpu(t, &g->think, 1);
		xs_cpu_pay(t);
	}
	free(buf);
	t->opbuf = NULL;
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
		buf = xs_xmalloc(chunk);
		for (off = 0; off < size; off += chunk) {
			uint64_t n = xs_min_u64(chunk, size - off);
			struct xs_user_buf src = {plain_copy, NULL, buf, 0};
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
