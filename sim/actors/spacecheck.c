/*
 * The file's space against its data (spacecheck.h).
 *
 * held   = i_nblocks (real blocks: data and bmbt, what st_blocks counts besides
 *          delalloc) + m_delalloc_blks (delalloc data and its indlen reservations,
 *          what statfs counts as no longer free; the run has one file);
 * needed = the filesystem blocks inside the oracle's i_size holding at least one byte
 *          that an acknowledged write, store or the prefill set and no later
 *          truncate, hole punch or zeroing removed (the oracle's owner records);
 * over   = held - needed when positive: speculative preallocation, leaked or stale
 *          delalloc, the blocks under punched or zeroed ranges not yet freed, bmbt
 *          blocks.
 */
#include "actors/spacecheck.h"

#include "actors/task.h"

#include "core/iext.h"

static uint64_t needed_blocks(struct xs_run *run)
{
	struct xs_ifork *ifp = &run->oracle.owners;
	uint64_t bs = run->fs.inode.i_mapping.block_bytes, next = 0, n = 0;
	struct xs_iext_cursor cur;
	struct xs_bmbt_irec got;

	for (xs_iext_first(ifp, &cur); xs_iext_get_extent(ifp, &cur, &got);
	     xs_iext_next(ifp, &cur)) {
		const struct xs_oprec *o = xs_oprec_get(run, got.br_startblock);
		uint64_t first, end;

		if (o->kind != XS_OP_WRITE && o->kind != XS_OP_STORE && o->kind != XS_OP_PREFILL)
			continue;
		end = got.br_startoff + got.br_blockcount;
		if (end > run->oracle.size)
			end = run->oracle.size;
		if (end <= got.br_startoff)
			continue;
		first = got.br_startoff / bs;
		if (first < next)
			first = next; /* the block shared with the record before: counted */
		end = (end + bs - 1) / bs;
		if (end > first) {
			n += end - first;
			next = end;
		}
	}
	return n;
}

void xs_spacecheck_sample(struct xs_run *run, bool force)
{
	struct xs_inode *ip = &run->fs.inode;
	uint64_t size = run->oracle.owners.if_nextents + ip->i_df.if_nextents, need;
	int64_t held;

	if (!force && ++run->space_checks * 8 < size)
		return;
	run->space_checks = 0;
	need = needed_blocks(run);
	held = (int64_t)ip->i_nblocks + ip->i_mount->m_delalloc_blks;
	if (held > (int64_t)need && (uint64_t)held - need > run->res->max_over_reservation_blocks)
		run->res->max_over_reservation_blocks = (uint64_t)held - need;
}
