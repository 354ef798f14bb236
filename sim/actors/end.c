/*
 * The end of a run: end of life in the main actor (munmap, sync, close, eviction with
 * the delalloc canary, unmount with the counter check), the byte-by-byte comparison of
 * the file on the modelled disk with the oracle, the story of every loss (who stored
 * the bytes, what touched the range afterwards), and the latency summary.
 */
#include "actors/end.h"
#include "actors/spacecheck.h"
#include "actors/task.h"
#include "actors/trace.h"
#include "core/bmap.h"
#include "core/mmap.h"
#include "core/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xbt/asserts.h>

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
	"writeback mapped delalloc",
	"writeback mapped unwritten",
	"converted unwritten to written",
};

static bool ev_relevant(enum xs_event_kind k)
{
	return k != XS_EV_CONVERT && k != XS_EV_RESERVE && k != XS_EV_WB_DELALLOC &&
	       k != XS_EV_WB_UNWRITTEN && k != XS_EV_END_UNWRITTEN;
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
	const struct xs_oprec *o = loss->id ? xs_oprec_get(run, loss->id) : NULL;
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
			fprintf(f, " during %s #%llu", op_names[xs_oprec_get(run, e->op)->kind],
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

	xs_anomaly_add_op(run, "lost", loss->off, loss->len,
			  loss->id ? xs_oprec_get(run, loss->id)->t1 : 0, loss->id,
			  loss_detail(run, loss));
	for (i = 0; i < lc->nlost_ids; i++)
		if (lc->lost_ids[i] == loss->id)
			return;
	if (lc->nlost_ids == lc->cap) {
		lc->cap = lc->cap ? lc->cap * 2 : 64;
		lc->lost_ids = xs_xrealloc(lc->lost_ids, lc->cap * sizeof(*lc->lost_ids));
	}
	lc->lost_ids[lc->nlost_ids++] = loss->id;
}

/* Read the file back from the modelled disk (after unmount) and compare. */
static void compare_with_oracle(struct xs_run *run)
{
	struct xs_inode *ip = &run->fs.inode;
	struct xs_mount *mp = &run->fs.mount;
	uint64_t bs = mp->m_geo.blocksize, size = ip->i_size, off;
	uint8_t *buf = xs_xmalloc(bs);
	struct loss_ctx lc = {run, NULL, 0, 0};
	uint64_t lost = 0;

	for (off = 0; off < size && off < run->oracle.size; off += bs) {
		uint64_t n = xs_min_u64(bs, xs_min_u64(size, run->oracle.size) - off);
		struct xs_bmbt_irec map;
		int nmap = 1;

		xs_bmapi_read(ip, off / bs, 1, &map, &nmap);
		if (nmap && !xs_bmap_is_hole_extent(&map) && !xs_bmap_is_delalloc_extent(&map) &&
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
		xs_anomaly_addf(run, "lost", xs_min_u64(size, run->oracle.size), d, xs_now(),
				"file size %llu, users were told %llu", (unsigned long long)size,
				(unsigned long long)run->oracle.size);
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
	struct xs_task *self = xs_self();

	/* the canary runs whether or not it finds anything: the trace shows it ran */
	xs_trace_instant(&run->trace, self->id, "kernel", "xfs_check_delalloc", xs_task_now(self),
			 0, xs_fsb_to_b(&run->fs.mount, run->res->leaked_delalloc_blocks),
			 "eviction: len = delalloc bytes left", 0);
	xs_iext_first(&ip->i_df, &icur);
	while (xs_iext_get_extent(&ip->i_df, &icur, &got)) {
		if (xs_isnullstartblock(got.br_startblock))
			xs_anomaly_addf(run, "leak", xs_fsb_to_b(&run->fs.mount, got.br_startoff),
					xs_fsb_to_b(&run->fs.mount, got.br_blockcount), xs_now(),
					"xfs_check_delalloc: data fork has delalloc extent at "
					"[%llu:%llu] at eviction",
					(unsigned long long)got.br_startoff,
					(unsigned long long)got.br_blockcount);
		xs_iext_next(&ip->i_df, &icur);
	}
}

/*
 * Sort v ascending in place: quicksort (median of three, Hoare's partition, which
 * splits runs of equal values evenly) down to insertion sort. Not qsort(): glibc's
 * merges through a copy as large as v, and a call per comparison costs more than the
 * comparison; an 800 MiB append sorts 204800 write latencies here.
 */
static void sort_doubles(double *v, size_t n)
{
	while (n > 16) {
		double a = v[0], b = v[n / 2], c = v[n - 1], p, t;
		size_t i = 0, j = n - 1;

		p = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
		for (;;) {
			while (v[i] < p)
				i++;
			while (v[j] > p)
				j--;
			if (i >= j)
				break;
			t = v[i];
			v[i++] = v[j];
			v[j--] = t;
		}
		/* [0, j] <= p <= [j + 1, n): the smaller side first, the larger in the loop */
		if (j + 1 < n - j - 1) {
			sort_doubles(v, j + 1);
			v += j + 1;
			n -= j + 1;
		} else {
			sort_doubles(v + j + 1, n - j - 1);
			n = j + 1;
		}
	}
	for (size_t i = 1; i < n; i++) {
		double x = v[i];
		size_t j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
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

/* The summary of the samples s (sorted here) of the kind called name into l. */
static void summarise(struct xs_samples *s, const char *name, struct xs_latency *l)
{
	double sum = 0;
	size_t i;

	sort_doubles(s->v, s->n);
	snprintf(l->op, sizeof(l->op), "%s", name);
	for (i = 0; i < s->n; i++)
		sum += s->v[i];
	l->count = s->n;
	l->mean_us = sum / (double)s->n * 1e6;
	l->p50_us = pct(s->v, s->n, 0.5) * 1e6;
	l->p90_us = pct(s->v, s->n, 0.9) * 1e6;
	l->p99_us = pct(s->v, s->n, 0.99) * 1e6;
	l->p999_us = pct(s->v, s->n, 0.999) * 1e6;
	l->max_us = s->v[s->n - 1] * 1e6;
}

void xs_end_summarise_latency(struct xs_run *run)
{
	static const char *const names[XS_LAT_NR] = {"write", "fault", "read", "fsync", "truncate"};
	struct xs_run_result *res = run->res;
	uint64_t id;
	int k, g;

	/*
	 * A write()'s latency is its record's t1 - t0 (nothing passes between its end and
	 * its sample), so the records keep it until now rather than an array the size of
	 * the run beside them; the summaries sort, so the order is the same.
	 */
	for (id = 1; id <= run->nops; id++) {
		const struct xs_oprec *o = xs_oprec_get(run, id);

		if (o->kind == XS_OP_WRITE && o->ended)
			xs_sample(run, run->tasks[o->task], XS_LAT_WRITE, o->t1 - o->t0);
	}
	for (k = 0; k < XS_LAT_NR; k++) {
		struct xs_samples *s = &run->lat[k];
		struct xs_latency *l;

		if (!s->n)
			continue;
		l = &res->latency[res->nlatency++];
		summarise(s, names[k], l);
		if (k == XS_LAT_WRITE) {
			res->write_lat_p50_us = l->p50_us;
			res->write_lat_p99_us = l->p99_us;
		} else if (k == XS_LAT_FAULT) {
			res->fault_lat_p50_us = l->p50_us;
			res->fault_lat_p99_us = l->p99_us;
		}
	}
	if (!run->glat)
		return;
	res->group_latency =
		xs_xcalloc((size_t)run->sc->ngroups * XS_LAT_NR, sizeof(*res->group_latency));
	for (g = 0; g < run->sc->ngroups; g++)
		for (k = 0; k < XS_LAT_NR; k++) {
			struct xs_group_latency *gl = &res->group_latency[res->ngroup_latency];

			if (!run->glat[g][k].n)
				continue;
			snprintf(gl->group, sizeof(gl->group), "%s", run->sc->groups[g].name);
			if (run->sc->ngroups > 1) {
				summarise(&run->glat[g][k], names[k], &gl->lat);
			} else {
				/* every sample is the one group's (xs_sample() keeps no copy) */
				XS_ASSERT(run->glat[g][k].n == run->lat[k].n);
				summarise(&run->lat[k], names[k], &gl->lat);
			}
			res->ngroup_latency++;
		}
}

void xs_end_run(struct xs_run *run, struct xs_task *self)
{
	struct xs_inode *ip = &run->fs.inode;
	int i;

	self->op = 0;
	xs_mmap_unmap_all(ip);
	for (i = 0; i < (run->sc->nprocs > 0 ? run->sc->nprocs : 1); i++)
		xs_mm_unmap(&run->procs[i].mm); /* exit_mmap() */
	xs_run_check_now(run, false);
	xs_spacecheck_sample(run, true);
	xs_file_fsync(ip);
	/* the data structures are checked once, when nothing will change them but eviction */
	xs_run_check_now(run, true);
	xs_spacecheck_sample(run, true);
	xs_file_release(ip);
	run->res->leaked_delalloc_blocks = xs_inode_evict(ip);
	record_leaks(run);
	run->res->delalloc_at_unmount = xs_fs_unmount(&run->fs);
	if (run->res->delalloc_at_unmount)
		xs_anomaly_addf(run, "leak_unmount", 0, 0, xs_now(),
				"m_delalloc_blks = %lld at unmount",
				(long long)run->res->delalloc_at_unmount);
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
