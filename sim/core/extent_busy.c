/*
 * Busy extents: blocks freed by transactions the log has not yet committed. They are
 * free space at once (back in the AG's free extents, counted in its free blocks and
 * longest extent), but no allocation may hand them out until the commit, because a
 * crash before it would leave them owned by the file they were freed from.
 *
 * Models fs/xfs/xfs_extent_busy.c of Linux 6.18: xfs_extent_busy_insert,
 * xfs_extent_busy_trim, and xfs_extent_busy_clear as the CIL checkpoint's completion
 * runs it; xfs_extent_busy_flush is the allocator's call of xs_extent_busy_clear.
 *
 * Simplification: the busy extents of an AG are an unsorted array, not an rbtree;
 * xs_extent_busy_trim visits the overlapping ones lowest block first, where the
 * kernel visits them in its tree's search order (the same result with one overlap).
 * Simplification: there is no CIL: every committed transaction is in the log at the
 * next log force, which clears every busy extent; no discard, no per-transaction
 * busy list (nothing here frees and allocates in one transaction).
 */
#include "core/extent_busy.h"

#include "core/xalloc.h"

#include <errno.h>
#include <stdlib.h>

void xs_extent_busy_insert(struct xs_perag *pag, xs_agblock_t agbno, xs_filblks_t len)
{
	if (pag->nbusy == pag->busycap) {
		pag->busycap = pag->busycap ? pag->busycap * 2 : 8;
		pag->busy = xs_xrealloc(pag->busy, pag->busycap * sizeof(*pag->busy));
	}
	pag->busy[pag->nbusy].agbno = agbno;
	pag->busy[pag->nbusy].len = len;
	pag->nbusy++;
}

/* The overlapping busy extent with the lowest block, or SIZE_MAX. */
static size_t busy_first_overlap(const struct xs_perag *pag, uint64_t fbno, uint64_t fend)
{
	size_t i, found = SIZE_MAX;

	for (i = 0; i < pag->nbusy; i++) {
		const struct xs_free_extent *b = &pag->busy[i];

		if (b->agbno < fend && fbno < b->agbno + b->len &&
		    (found == SIZE_MAX || b->agbno < pag->busy[found].agbno))
			found = i;
	}
	return found;
}

bool xs_extent_busy_trim(const struct xs_perag *pag, xs_filblks_t minlen, xs_filblks_t maxlen,
			 xs_agblock_t *bnop, xs_filblks_t *lenp)
{
	uint64_t fbno = *bnop, flen = *lenp;
	size_t i;

	while (flen >= minlen && (i = busy_first_overlap(pag, fbno, fbno + flen)) != SIZE_MAX) {
		uint64_t fend = fbno + flen, bbno = pag->busy[i].agbno;
		uint64_t bend = bbno + pag->busy[i].len;

		if (bbno <= fbno) {
			/* the start is busy: keep what follows, if anything */
			if (fend <= bend) {
				flen = 0;
				break;
			}
			fbno = bend;
		} else if (bend >= fend) {
			fend = bbno;
		} else if (bbno - fbno >= maxlen) {
			/* busy in the middle: the left piece when it holds maxlen, the right
			 * when it holds four times that (forward allocation), the left when it
			 * holds minlen; otherwise the whole extent is refused */
			fend = bbno;
		} else if (fend - bend >= maxlen * 4) {
			fbno = bend;
		} else if (bbno - fbno >= minlen) {
			fend = bbno;
		} else {
			flen = 0;
			break;
		}
		flen = fend - fbno;
	}
	if (fbno == *bnop && flen == *lenp)
		return false;
	*bnop = fbno;
	*lenp = flen;
	return true;
}

void xs_extent_busy_clear(struct xs_mount *mp)
{
	uint32_t agno;

	for (agno = 0; agno < mp->m_geo.agcount; agno++)
		mp->m_perag[agno].nbusy = 0;
}

xs_filblks_t xs_extent_busy_blocks(const struct xs_mount *mp)
{
	xs_filblks_t n = 0;
	uint32_t agno;
	size_t i;

	for (agno = 0; agno < mp->m_geo.agcount; agno++)
		for (i = 0; i < mp->m_perag[agno].nbusy; i++)
			n += mp->m_perag[agno].busy[i].len;
	return n;
}

int xs_extent_busy_check(const struct xs_perag *pag, uint32_t agno, struct xs_err *err)
{
	size_t i, j, k;

	for (i = 0; i < pag->nbusy; i++) {
		const struct xs_free_extent *b = &pag->busy[i];

		/* the free extent that must hold b: the first ending after its start */
		k = 0;
		while (k < pag->nfree && pag->free[k].agbno + pag->free[k].len <= b->agbno)
			k++;
		if (!b->len || k == pag->nfree || b->agbno < pag->free[k].agbno ||
		    b->agbno + b->len > pag->free[k].agbno + pag->free[k].len)
			return xs_err_set(err, -EUCLEAN, "ag %u busy extent [%llu, +%llu) not free",
					  agno, (unsigned long long)b->agbno,
					  (unsigned long long)b->len);
		for (j = 0; j < i; j++)
			if (pag->busy[j].agbno < b->agbno + b->len &&
			    b->agbno < pag->busy[j].agbno + pag->busy[j].len)
				return xs_err_set(err, -EUCLEAN,
						  "ag %u busy extents %zu/%zu overlap", agno, j, i);
	}
	return 0;
}
