/*
 * Speculative preallocation; see prealloc.h.
 */
#include "core/prealloc.h"

#include "core/bmap.h"

static uint64_t rounddown_pow_of_two(uint64_t v)
{
	uint64_t r = 1;

	while (r <= v / 2)
		r <<= 1;
	return r;
}

static uint64_t roundup_pow_of_two(uint64_t v)
{
	uint64_t r = 1;

	while (r < v)
		r <<= 1;
	return r;
}

xs_filblks_t xs_eof_alignment(const struct xs_inode *ip)
{
	const struct xs_mount *mp = ip->i_mount;
	uint64_t align = mp->m_geo.dalign;

	if (align && xs_isize(ip) < xs_fsb_to_b(mp, align))
		align = 0;
	return align;
}

xs_filblks_t xs_iomap_prealloc_size(struct xs_inode *ip, xs_off_t offset, xs_off_t count,
				    const struct xs_iext_cursor *icur)
{
	struct xs_mount *mp = ip->i_mount;
	struct xs_ifork *ifp = &ip->i_df;
	struct xs_iext_cursor ncur = *icur;
	struct xs_bmbt_irec prev, got;
	xs_fileoff_t offset_fsb = xs_b_to_fsbt(mp, offset);
	uint64_t alloc_blocks, plen, qblocks;
	int64_t freesp;
	int shift = 0;

	(void)count;
	/* no preallocation at all for files smaller than the minimum */
	if (xs_isize(ip) < xs_fsb_to_b(mp, mp->m_allocsize_blocks))
		return 0;
	/* minimum for small files, or when writing after a hole */
	xs_iext_prev(ifp, &ncur);
	if (xs_isize(ip) < xs_fsb_to_b(mp, mp->m_geo.dalign) ||
	    !xs_iext_get_extent(ifp, &ncur, &prev) ||
	    prev.br_startoff + prev.br_blockcount < offset_fsb)
		return mp->m_allocsize_blocks;

	/* the contiguous real extents before prev count too */
	plen = prev.br_blockcount;
	for (;;) {
		xs_iext_prev(ifp, &ncur);
		if (!xs_iext_get_extent(ifp, &ncur, &got))
			break;
		if (plen > XS_MAX_BMBT_EXTLEN / 2 || xs_isnullstartblock(got.br_startblock) ||
		    got.br_startoff + got.br_blockcount != prev.br_startoff ||
		    got.br_startblock + got.br_blockcount != prev.br_startblock)
			break;
		plen += got.br_blockcount;
		prev = got;
	}

	alloc_blocks = plen * 2;
	if (alloc_blocks > XS_MAX_BMBT_EXTLEN)
		alloc_blocks = xs_b_to_fsb(mp, offset);
	qblocks = alloc_blocks;
	alloc_blocks = xs_min_u64(roundup_pow_of_two(XS_MAX_BMBT_EXTLEN), alloc_blocks);

	/* xfs_iomap_freesp(): throttle as free space runs low */
	freesp = mp->m_fdblocks > 0 ? mp->m_fdblocks : 0;
	if ((uint64_t)freesp < mp->m_low_space[XS_LOWSP_5_PCNT]) {
		shift = 2;
		if ((uint64_t)freesp < mp->m_low_space[XS_LOWSP_4_PCNT])
			shift++;
		if ((uint64_t)freesp < mp->m_low_space[XS_LOWSP_3_PCNT])
			shift++;
		if ((uint64_t)freesp < mp->m_low_space[XS_LOWSP_2_PCNT])
			shift++;
		if ((uint64_t)freesp < mp->m_low_space[XS_LOWSP_1_PCNT])
			shift++;
	}
	alloc_blocks = xs_min_u64(alloc_blocks, qblocks);
	if (shift)
		alloc_blocks >>= shift;
	if (alloc_blocks)
		alloc_blocks = rounddown_pow_of_two(alloc_blocks);
	if (alloc_blocks > XS_MAX_BMBT_EXTLEN)
		alloc_blocks = XS_MAX_BMBT_EXTLEN;
	/* still more than is free: squash hard */
	while (alloc_blocks && alloc_blocks >= (uint64_t)freesp)
		alloc_blocks >>= 4;
	if (alloc_blocks < mp->m_allocsize_blocks)
		alloc_blocks = mp->m_allocsize_blocks;
	return alloc_blocks;
}

bool xs_can_free_eofblocks(struct xs_inode *ip)
{
	struct xs_mount *mp = ip->i_mount;
	struct xs_bmbt_irec imap;
	xs_fileoff_t end_fsb;
	int nimaps = 1;

	if (xs_isize(ip) == 0 && ip->i_mapping.nr == 0 && ip->i_delayed_blks == 0)
		return false;
	/* 610b29161b0a: PREALLOC files keep real post-EOF space */
	if ((ip->i_diflags & XS_DIFLAG_PREALLOC) && !ip->i_delayed_blks)
		return false;
	end_fsb = xs_b_to_fsb(mp, xs_isize(ip));
	xs_bmapi_read(ip, end_fsb, XS_MAX_BMBT_EXTLEN * 64, &imap, &nimaps);
	if (nimaps && !xs_bmap_is_hole_extent(&imap))
		return true;
	return ip->i_delayed_blks != 0;
}

xs_filblks_t xs_free_eofblocks(struct xs_inode *ip)
{
	struct xs_mount *mp = ip->i_mount;
	xs_fileoff_t end_fsb = xs_b_to_fsb(mp, xs_isize(ip));
	xs_filblks_t removed;

	if (ip->i_diflags & XS_DIFLAG_PREALLOC) {
		removed = 0;
		if (ip->i_delayed_blks)
			removed = xs_bmap_punch_delalloc_range(ip, xs_fsb_to_b(mp, end_fsb),
							       (uint64_t)INT64_MAX &
								       ~mp->m_blockmask);
		ip->i_flags &= ~XS_IEOFBLOCKS;
		return removed;
	}
	xs_fs_lock(ip->i_fs, XS_LOCK_ILOCK, XS_LOCK_EXCL);
	removed = xs_bunmapi(ip, end_fsb, (1ULL << 54) - end_fsb);
	xs_fs_unlock(ip->i_fs, XS_LOCK_ILOCK, XS_LOCK_EXCL);
	ip->i_flags &= ~XS_IEOFBLOCKS;
	return removed;
}
