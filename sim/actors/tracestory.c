/*
 * The kernel steps that decide an outcome, as trace instants named after the kernel
 * function the model stands for, and each anomaly with arrows from the steps of its
 * story (docs/design.md, "The trace").
 *
 * The story of an anomaly on a byte range is, for each kind of step, the last step of
 * that kind before it on the pages it covers: the fault that dirtied the page, the
 * short copy, the truncate that dropped it, the punch that took its reservation, the
 * writeback that found a hole. For lost bytes it begins where the operation that
 * stored them first touched their pages: what came before happened to other data. Every recorded
 * step starts an arrow whose id is its place in run->evs, so an anomaly needs only those places.
 */
#include "actors/tracestory.h"

#include "actors/sched.h"
#include "actors/task.h"

#include <string.h>

/* The cap on anomalies given arrows: each one scans the run's steps. */
#define XS_STORY_ANOMALIES 256
/* The anomalies' own thread, after every task's. */
#define XS_ANOMALY_TID 1000000

static const struct {
	const char *fn, *note;
} step_name[XS_EV_NR] = {
	[XS_EV_RESERVE] = {"xfs_bmapi_reserve_delalloc", NULL},
	[XS_EV_PUNCH] = {"xfs_bmap_punch_delalloc_range", NULL},
	[XS_EV_TRUNCATE_PC] = {"truncate_pagecache_range", NULL},
	[XS_EV_DISCARD_DIRTY] = {"truncate_inode_folio", "a dirty folio dropped"},
	[XS_EV_SHORT_COPY] = {"copy_folio_from_iter_atomic", "short copy: [off,+len) not copied"},
	[XS_EV_WB_HOLE] = {"xfs_map_blocks", "hole under dirty data: not written"},
	[XS_EV_STALE_IOMAP] = {"xfs_buffered_write_iomap_valid", "stale: remap"},
	[XS_EV_FAULT_DIRTY] = {"iomap_page_mkwrite", "folio dirtied"},
	[XS_EV_CONVERT] = {"xfs_bmapi_convert_delalloc", "delalloc allocated (unwritten)"},
	[XS_EV_IO] = {"submit_bio", NULL},
	[XS_EV_ZEROED] = {"__iomap_write_begin", "zeroed the block around the write"},
	[XS_EV_WB_DELALLOC] = {"xfs_map_blocks", "delalloc"},
	[XS_EV_WB_UNWRITTEN] = {"xfs_map_blocks", "unwritten"},
	[XS_EV_END_UNWRITTEN] = {"xfs_iomap_write_unwritten", "unwritten -> written"},
};

void xs_tracestory_step(struct xs_run *run, struct xs_task *t, const struct xs_event *ev,
			size_t rec)
{
	if (!run->trace.f || !t || ev->kind >= XS_EV_NR)
		return;
	xs_trace_instant(&run->trace, t->id, "kernel", step_name[ev->kind].fn, xs_task_now(t),
			 ev->off_bytes, ev->len_bytes, step_name[ev->kind].note,
			 ev->kind == XS_EV_IO || ev->kind == XS_EV_CONVERT ? 0 : rec);
}

/* Is a step of kind k part of the story of an anomaly of kind what? (its arrow: above) */
static bool in_story(enum xs_event_kind k, const char *what)
{
	switch (k) {
	case XS_EV_IO:
	case XS_EV_CONVERT:
		return false;
	case XS_EV_RESERVE:
		return strcmp(what, "leak") == 0;
	default:
		return true;
	}
}

static bool meets(const struct xs_evrec *e, uint64_t lo, uint64_t hi)
{
	return e->task >= 0 && e->off < hi && (e->len == UINT64_MAX || e->off + e->len > lo);
}

/*
 * When the story of the bytes op stored begins: its first step on [lo, hi) (the fault
 * that dirtied the page, the write's reservation), else its start. The clocks of the
 * two differ by a task's deferred CPU time, so a step is the better mark.
 */
static double story_since(struct xs_run *run, uint64_t op, uint64_t lo, uint64_t hi)
{
	size_t i;

	if (!op)
		return 0;
	for (i = 0; i < run->nevs; i++)
		if (run->evs[i].op == op && meets(&run->evs[i], lo, hi))
			return run->evs[i].t;
	return xs_oprec_get(run, op)->t0;
}

void xs_tracestory_anomaly(struct xs_run *run, const struct xs_anomaly *a, uint64_t op)
{
	uint64_t flows[XS_EV_NR];
	bool seen[XS_EV_NR] = {false};
	size_t n = 0, i, left = XS_EV_NR;
	uint64_t page = run->fs.inode.i_mapping.page_bytes, lo, hi;
	double now = xs_now(), since;

	if (!run->trace.f)
		return;
	lo = a->offset / page * page;
	hi = (a->offset + a->length + page - 1) / page * page;
	if (run->res->nanomalies == 1)
		xs_trace_thread_name(&run->trace, XS_ANOMALY_TID, "anomalies");
	if (!a->length || run->res->nanomalies > XS_STORY_ANOMALIES)
		left = 0;
	since = left ? story_since(run, op, lo, hi) : 0;
	for (i = run->nevs; i > 0 && left; i--) {
		const struct xs_evrec *e = &run->evs[i - 1];

		if (e->t < since)
			break;
		if (seen[e->kind] || e->t > now || !meets(e, lo, hi))
			continue;
		seen[e->kind] = true;
		left--;
		if (in_story(e->kind, a->kind))
			flows[n++] = i;
	}
	/* the arrows in the order of the story */
	for (i = 0; i < n / 2; i++) {
		uint64_t x = flows[i];

		flows[i] = flows[n - 1 - i];
		flows[n - 1 - i] = x;
	}
	xs_trace_flows_in(&run->trace, XS_ANOMALY_TID, "anomaly", a->kind, now, a->offset,
			  a->length, a->detail, flows, n);
}
