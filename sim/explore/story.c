/*
 * The story of a failing run; see story.h.
 */
#include "explore/story.h"

#include "core/xalloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct xs_story_row {
	bool decision;
	struct xs_sched_actor who;
	uint32_t op;
	double t;
	/* a decision */
	enum xs_ctl_point point;
	struct xs_ctl_act act;
	/* an event */
	enum xs_event_kind kind;
	uint64_t off, len;
	const char *extent, *folio;
	uint64_t delayed_blks;
	int64_t fdblocks;
};

/* The kernel function each event of the model stands for (core/inode.h). */
static const char *const event_fn[XS_EV_NR] = {
	[XS_EV_RESERVE] = "xfs_bmapi_reserve_delalloc",
	[XS_EV_PUNCH] = "xfs_bmap_punch_delalloc_range",
	[XS_EV_TRUNCATE_PC] = "truncate_pagecache_range",
	[XS_EV_DISCARD_DIRTY] = "truncate_inode_folio (a dirty folio dropped)",
	[XS_EV_SHORT_COPY] = "copy_folio_from_iter_atomic (short)",
	[XS_EV_WB_HOLE] = "xfs_map_blocks (a hole under dirty data)",
	[XS_EV_STALE_IOMAP] = "xfs_buffered_write_iomap_valid (stale)",
	[XS_EV_FAULT_DIRTY] = "iomap_page_mkwrite (folio dirtied)",
	[XS_EV_CONVERT] = "xfs_bmapi_convert_delalloc",
	[XS_EV_IO] = "submit_bio",
	[XS_EV_ZEROED] = "iomap_write_begin (zeroed around the write)",
};

static struct xs_story_row *row_new(struct xs_story *s)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		struct xs_story_row *nr;

		if (cap > XS_STORY_MAX_ROWS || !(nr = xs_xrealloc(s->rows, cap * sizeof(*nr)))) {
			s->cut = true;
			return NULL;
		}
		s->rows = nr;
		s->cap = cap;
	}
	return &s->rows[s->n++];
}

static void set_who(struct xs_sched_actor *a, const struct xs_ctl_actor *who)
{
	snprintf(a->group, sizeof(a->group), "%s", who->group);
	a->job = who->job;
}

static void on_decision(void *l, const struct xs_ctl_at *at, const struct xs_ctl_act *act)
{
	struct xs_story_row *r = row_new(l);

	if (!r)
		return;
	memset(r, 0, sizeof(*r));
	r->decision = true;
	set_who(&r->who, &at->who);
	r->op = at->op;
	r->t = -1; /* decisions are placed by order, not time */
	r->point = at->point;
	r->act = *act;
}

static void on_event(void *l, const struct xs_ctl_event *ev)
{
	struct xs_story_row *r = row_new(l);

	if (!r)
		return;
	memset(r, 0, sizeof(*r));
	set_who(&r->who, &ev->who);
	r->op = ev->op;
	r->t = ev->t;
	r->kind = ev->kind;
	r->off = ev->off;
	r->len = ev->len;
	r->extent = ev->extent;
	r->folio = ev->folio;
	r->delayed_blks = ev->delayed_blks;
	r->fdblocks = ev->fdblocks;
}

void xs_story_begin(struct xs_story *s, struct xs_xctl *x)
{
	memset(s, 0, sizeof(*s));
	xs_xctl_listen(x, on_decision, on_event, s);
}

void xs_story_end(struct xs_story *s)
{
	free(s->rows);
	memset(s, 0, sizeof(*s));
}

/* Does the range meet a lost or leaked range of the run? (all, when it has none) */
static bool relevant(const struct xs_run_result *res, uint64_t off, uint64_t len)
{
	size_t i;
	bool any = false;

	for (i = 0; i < res->nanomalies; i++) {
		const struct xs_anomaly *a = &res->anomalies[i];

		if (!a->length)
			continue;
		any = true;
		if (off < a->offset + a->length && a->offset < off + (len ? len : 1))
			return true;
	}
	return !any;
}

static bool is_loss(const struct xs_run_result *res, size_t *which)
{
	size_t i;

	for (i = 0; i < res->nanomalies; i++)
		if (strcmp(res->anomalies[i].kind, "lost") == 0) {
			*which = i;
			return true;
		}
	return false;
}

static bool same_actor(const struct xs_story_row *a, const struct xs_story_row *b)
{
	return a->who.job == b->who.job && strcmp(a->who.group, b->who.group) == 0;
}

static bool covers(const struct xs_story_row *r, uint64_t off)
{
	return r->off <= off && off < r->off + r->len;
}

char xs_story_interleaving(const struct xs_story *s, const struct xs_run_result *res)
{
	size_t a, i, j, k, f;
	uint64_t off;

	if (!is_loss(res, &a))
		return 0;
	off = res->anomalies[a].offset;
	/* a write's reservation of the lost block, then its truncate and punch of it */
	for (i = 0; i < s->n; i++) {
		const struct xs_story_row *rv = &s->rows[i];

		if (rv->decision || rv->kind != XS_EV_RESERVE || !covers(rv, off))
			continue;
		for (j = i + 1; j < s->n; j++) {
			const struct xs_story_row *tr = &s->rows[j];

			if (!tr->decision && tr->kind == XS_EV_TRUNCATE_PC && same_actor(tr, rv) &&
			    tr->op == rv->op && covers(tr, off))
				break;
		}
		/* the punch: after the truncate, or after the reservation when the truncate
		 * found no folio to drop (then it left no event) */
		for (k = (j < s->n ? j : i) + 1; k < s->n; k++) {
			const struct xs_story_row *pu = &s->rows[k];

			if (!pu->decision && pu->kind == XS_EV_PUNCH && same_actor(pu, rv) &&
			    pu->op == rv->op && covers(pu, off))
				break;
		}
		if (j >= s->n && k >= s->n)
			continue;
		/*
		 * Another actor's fault dirtying the block before the truncate (A: the punch
		 * may find nothing left, writeback having converted the block), or after it
		 * and before the punch (B). With no truncate event the truncate ran before
		 * the folio existed: a fault before the punch came after it, B.
		 */
		for (f = i + 1; f < (k < s->n ? k : j); f++) {
			const struct xs_story_row *fa = &s->rows[f];

			if (fa->decision || fa->kind != XS_EV_FAULT_DIRTY || same_actor(fa, rv) ||
			    !covers(fa, off))
				continue;
			return j < s->n && f < j ? 'A' : 'B';
		}
	}
	return 0;
}

static void action_text(const struct xs_ctl_act *a, char *buf, size_t len)
{
	switch (a->kind) {
	case XS_CTL_SUSPEND:
		snprintf(buf, len, "suspend");
		break;
	case XS_CTL_DELAY:
		snprintf(buf, len, "delay=%" PRIu64 "ns", a->arg);
		break;
	case XS_CTL_FAIL:
		snprintf(buf, len, "fail=%" PRIu64, a->arg);
		break;
	case XS_CTL_LOWER:
		snprintf(buf, len, "lower");
		break;
	case XS_CTL_GO:
	default:
		snprintf(buf, len, "go");
		break;
	}
}

char *xs_story_text(const struct xs_story *s, const struct xs_run_result *res)
{
	char *text = NULL, act[48], who[48];
	size_t len = 0, i, step = 0;
	FILE *m = open_memstream(&text, &len);
	char il;

	if (!m)
		return NULL;
	fprintf(m, "%4s %12s %-14s %5s  %-44s %-22s %-9s %-18s %8s %10s\n", "step", "t_us", "actor",
		"op", "kernel function / decision", "range", "extent", "folio", "delalloc",
		"fdblocks");
	for (i = 0; i < s->n; i++) {
		const struct xs_story_row *r = &s->rows[i];

		snprintf(who, sizeof(who), "%s.%" PRIu32, r->who.group, r->who.job);
		if (r->decision) {
			char what[96];

			action_text(&r->act, act, sizeof(act));
			snprintf(what, sizeof(what), "[decision] %s at %s", act,
				 xs_ctl_point_name(r->point));
			fprintf(m, "%4zu %12s %-14s %5" PRIu32 "  %-44s\n", ++step, "", who, r->op,
				what);
			continue;
		}
		if (!relevant(res, r->off, r->len))
			continue;
		{
			char range[48];

			snprintf(range, sizeof(range), "[%" PRIu64 ",+%" PRIu64 ")", r->off,
				 r->len);
			fprintf(m,
				"%4zu %12.3f %-14s %5" PRIu32 "  %-44s %-22s %-9s %-18s %8" PRIu64
				" %10" PRId64 "\n",
				++step, r->t * 1e6, who, r->op, event_fn[r->kind], range, r->extent,
				r->folio, r->delayed_blks, r->fdblocks);
		}
	}
	if (s->cut)
		fprintf(m, "(the story was cut at %d rows)\n", XS_STORY_MAX_ROWS);
	il = xs_story_interleaving(s, res);
	if (il == 'A')
		fprintf(m,
			"interleaving A: a fault dirtied the page under the write's new "
			"reservation before the write truncated the page cache (the heading "
			"\"%s\" of docs/kernel.md)\n",
			"Interleaving A: the truncate discards a dirty page");
	else if (il == 'B')
		fprintf(m,
			"interleaving B: a fault dirtied the page between the write's "
			"truncate of the page cache and its punch (the heading \"%s\" of "
			"docs/kernel.md)\n",
			"Interleaving B: a fault between truncate and punch");
	fclose(m);
	return text;
}
