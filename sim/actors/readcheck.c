/*
 * Reads checked against the oracle (readcheck.h, docs/design.md, "Read checks").
 *
 * A read of [off, off + len) that began at t0 and returned at t1 may legitimately see,
 * at each byte x, any value the file held at x at some moment of [t0, t1]. The oracle
 * changes when an operation ends, so those values are: the oracle's byte when the
 * read began; its byte when the read returned; and the bytes of every operation that
 * overlapped the read in time (in flight at t0, or begun before t1) where it covers
 * x: a write's or store's marker stream, zero for a truncate (past its new size), a
 * hole punch or a zeroing. A write from a mapping of the file, and the stores of a
 * reader's copy-out into a mapping, copy bytes of the file itself rather than a
 * marker: any byte they cover is allowed.
 */
#include "actors/readcheck.h"

#include "actors/task.h"
#include "core/marker.h"
#include "core/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <xbt/asserts.h>

void xs_readcheck_begin(struct xs_run *run, struct xs_readcheck *rc, uint64_t off, uint64_t len)
{
	int i;

	memset(rc, 0, sizeof(*rc));
	rc->off = off;
	rc->len = len;
	rc->t0 = xs_now();
	rc->nops0 = run->nops;
	rc->before = xs_xmalloc(len ? len : 1);
	rc->inflight = xs_xmalloc((size_t)run->ntasks * sizeof(*rc->inflight) + 1);
	xs_pagestore_read(&run->oracle.shadow, off, len, rc->before);
	/* a task has at most one operation in progress: its t->op */
	for (i = 0; i < run->ntasks; i++) {
		uint64_t id = run->tasks[i]->op;

		if (id && !xs_oprec_get(run, id)->ended)
			rc->inflight[rc->ninflight++] = id;
	}
}

/* Whether operation id allows byte b at file offset x. */
static bool op_allows(const struct xs_run *run, uint64_t id, uint64_t x, uint8_t b)
{
	const struct xs_oprec *o = xs_oprec_get(run, id);
	const struct xs_actor_group *g = run->tasks[o->task]->grp;

	switch (o->kind) {
	case XS_OP_TRUNCATE:
		return x >= o->off && b == 0;
	case XS_OP_FPUNCH:
	case XS_OP_FZERO:
		return x >= o->off && x - o->off < o->len && b == 0;
	case XS_OP_PREFILL:
		return true;
	case XS_OP_WRITE:
	case XS_OP_STORE:
		break;
	}
	if (x < o->off || x - o->off >= o->len)
		return false;
	if (g && ((o->kind == XS_OP_WRITE && g->source_map) ||
		  (o->kind == XS_OP_STORE && g->kind == XS_ACTOR_READER)))
		return true;
	return xs_marker_match(&b, 1, (uint32_t)id, (uint32_t)((x - o->off) % XS_MARKER_PERIOD)) ==
	       1;
}

static bool byte_allowed(const struct xs_run *run, const struct xs_readcheck *rc, uint64_t x,
			 uint8_t b)
{
	size_t i;

	for (i = 0; i < rc->ninflight; i++)
		if (op_allows(run, rc->inflight[i], x, b))
			return true;
	for (i = rc->nops0; i < run->nops; i++)
		if (op_allows(run, i + 1, x, b))
			return true;
	return false;
}

void xs_readcheck_end(struct xs_run *run, struct xs_task *t, struct xs_readcheck *rc,
		      const uint8_t *buf, int64_t got)
{
	uint64_t n = got > 0 ? xs_min_u64((uint64_t)got, rc->len) : 0, i, bad = 0, first = 0;
	uint8_t *after = NULL;

	if (n && memcmp(buf, rc->before, n) != 0) {
		after = xs_xmalloc(n);
		xs_pagestore_read(&run->oracle.shadow, rc->off, n, after);
		for (i = 0; i < n; i++) {
			if (buf[i] == rc->before[i] || buf[i] == after[i] ||
			    byte_allowed(run, rc, rc->off + i, buf[i]))
				continue;
			if (!bad++)
				first = i;
		}
	}
	if (bad) {
		run->res->read_mismatches++;
		xs_anomaly_addf(run, "read_mismatch", rc->off + first, bad, xs_now(),
				"read [%llu,+%llu) by %s from %.9f s: %llu bytes the oracle does "
				"not allow, the first at %llu: read 0x%02x, the oracle held 0x%02x "
				"when the read began and 0x%02x when it returned",
				(unsigned long long)rc->off, (unsigned long long)rc->len, t->name,
				rc->t0, (unsigned long long)bad,
				(unsigned long long)(rc->off + first), buf[first],
				rc->before[first], after[first]);
	}
	free(after);
	free(rc->before);
	free(rc->inflight);
	rc->before = NULL;
	rc->inflight = NULL;
}

void xs_readcheck_free(struct xs_readcheck *rc)
{
	if (!rc)
		return;
	free(rc->before);
	free(rc->inflight);
	free(rc);
}
