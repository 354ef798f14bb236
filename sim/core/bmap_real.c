/*
 * Data-fork extent operations, the real-extent side; see bmap.h. The lookup and
 * delalloc side (reservation, removal of delalloc, punch) is bmap.c.
 *
 * Models fs/xfs/libxfs/xfs_bmap.c of Linux 6.18: xfs_bmap_add_extent_delay_real,
 * xfs_bmap_add_extent_hole_real, xfs_bmap_add_extent_unwritten_real,
 * xfs_bmap_del_extent_real, xfs_bmap_adjacent, __xfs_bunmapi,
 * xfs_bmapi_convert_delalloc; and from fs/xfs: xfs_iomap_write_unwritten,
 * xfs_alloc_file_space.
 *
 * Simplification: xfs_bmap_add_extent_delay_real and _unwritten_real are written as
 * "split the record, then merge contiguous neighbours" instead of the kernel's case
 * table; the resulting records, counters and if_seq change are the same.
 * Simplification: the allocator's target is the block after the previous real extent
 * (xfs_bmap_adjacent) or, for the first extent, the start of AG 0.
 */
#include "core/bmap.h"
#include "core/bmap_internal.h"
#include "core/xalloc.h"

#include <errno.h>
#include <stdlib.h>

/* XFS_EXTENTADD_SPACE_RES: bmbt blocks one extent insertion may need. */
static uint64_t extentadd_space_res(const struct xs_mount *mp)
{
	return mp->m_bm_maxlevels - 1;
}

/*
 * Keep the bmap btree block count in step with the number of real extents
 * (xfs_bmap_extents_to_btree / xfs_bmap_btree_to_extents and btree splits).
 * The blocks come out of free space like any allocation.
 */
static void xs_bmap_update_format(struct xs_inode *ip)
{
	struct xs_mount *mp = ip->i_mount;
	uint64_t need = 0;

	if (ip->i_df_nextents > mp->m_iext_max_inline)
		need = (ip->i_df_nextents + mp->m_bmap_dmxr[0] - 1) / mp->m_bmap_dmxr[0];
	while (ip->i_bmbt_blocks < need) {
		xs_fsblock_t bno, target = XS_NULLFSBLOCK;
		xs_filblks_t len;
		int error;

		if (ip->i_bmbt_blocks)
			target = ip->i_bmbt_bno[ip->i_bmbt_blocks - 1] + 1;
		error = xs_alloc_vextent_datatype(mp, target, 1, 1, false, &bno, &len);
		XS_ASSERT(error == 0);
		ip->i_bmbt_bno =
			xs_xrealloc(ip->i_bmbt_bno, (ip->i_bmbt_blocks + 1) * sizeof(uint64_t));
		ip->i_bmbt_bno[ip->i_bmbt_blocks++] = bno;
		/* from the transaction's (or indlen's) reservation: never fails */
		mp->m_fdblocks -= 1;
		ip->i_nblocks += 1;
	}
	while (ip->i_bmbt_blocks > need) {
		xs_free_extent(mp, ip->i_bmbt_bno[--ip->i_bmbt_blocks], 1);
		xs_add_fdblocks(mp, 1);
		ip->i_nblocks -= 1;
	}
}

static bool xs_irec_contig(const struct xs_bmbt_irec *a, const struct xs_bmbt_irec *b,
			   const struct xs_mount *mp)
{
	return !xs_isnullstartblock(a->br_startblock) && !xs_isnullstartblock(b->br_startblock) &&
	       a->br_startoff + a->br_blockcount == b->br_startoff &&
	       a->br_startblock + a->br_blockcount == b->br_startblock &&
	       a->br_state == b->br_state &&
	       a->br_blockcount + b->br_blockcount <= XS_MAX_BMBT_EXTLEN &&
	       xs_fsb_to_agno(mp, a->br_startblock) == xs_fsb_to_agno(mp, b->br_startblock);
}

/*
 * Merge the real record at icur with contiguous real neighbours (the CONTIG cases of
 * xfs_bmap_add_extent_*_real). The cursor ends on the merged record.
 */
static void xs_bmap_merge_real(struct xs_inode *ip, struct xs_iext_cursor *icur)
{
	struct xs_ifork *ifp = &ip->i_df;
	struct xs_bmbt_irec cur, nb;

	XS_ASSERT(xs_iext_get_extent(ifp, icur, &cur));
	if (xs_iext_peek_next_extent(ifp, icur, &nb) && xs_irec_contig(&cur, &nb, ip->i_mount)) {
		cur.br_blockcount += nb.br_blockcount;
		xs_iext_next(ifp, icur);
		xs_iext_remove(ifp, icur);
		xs_iext_prev(ifp, icur);
		xs_iext_update_extent(ifp, icur, &cur);
		ip->i_df_nextents--;
	}
	if (xs_iext_peek_prev_extent(ifp, icur, &nb) && xs_irec_contig(&nb, &cur, ip->i_mount)) {
		nb.br_blockcount += cur.br_blockcount;
		xs_iext_remove(ifp, icur);
		xs_iext_prev(ifp, icur);
		xs_iext_update_extent(ifp, icur, &nb);
		ip->i_df_nextents--;
	}
}

/* Models xfs_bmap_add_extent_hole_real(): insert new at icur and merge. */
static void xs_bmap_add_extent_hole_real(struct xs_inode *ip, struct xs_iext_cursor *icur,
					 const struct xs_bmbt_irec *new)
{
	xs_iext_insert(&ip->i_df, icur, new);
	ip->i_df_nextents++;
	xs_bmap_merge_real(ip, icur);
	xs_bmap_update_format(ip);
}

/*
 * Models xfs_bmap_add_extent_delay_real(): the real extent new replaces part of the
 * delalloc record at icur. Remaining delalloc pieces keep min(worst, old) indlen
 * (a middle split gets the worst case of each side); the surplus returns to fdblocks.
 */
static void xs_bmap_add_extent_delay_real(struct xs_inode *ip, struct xs_iext_cursor *icur,
					  const struct xs_bmbt_irec *new)
{
	struct xs_mount *mp = ip->i_mount;
	struct xs_ifork *ifp = &ip->i_df;
	struct xs_bmbt_irec prev, left, right;
	uint64_t new_end = new->br_startoff + new->br_blockcount;
	uint64_t prev_end, da_old, da_new = 0;
	bool has_left, has_right;

	XS_ASSERT(xs_iext_get_extent(ifp, icur, &prev));
	XS_ASSERT(xs_isnullstartblock(prev.br_startblock));
	prev_end = prev.br_startoff + prev.br_blockcount;
	XS_ASSERT(prev.br_startoff <= new->br_startoff &&new_end <= prev_end);
	da_old = xs_startblockval(prev.br_startblock);
	has_left = prev.br_startoff < new->br_startoff;
	has_right = new_end < prev_end;

	left = prev;
	left.br_blockcount = new->br_startoff - prev.br_startoff;
	right = prev;
	right.br_startoff = new_end;
	right.br_blockcount = prev_end - new_end;
	if (has_left && has_right) {
		uint64_t l = xs_bmap_worst_indlen(mp, left.br_blockcount);
		uint64_t r = xs_bmap_worst_indlen(mp, right.br_blockcount);

		left.br_startblock = xs_nullstartblock(l);
		right.br_startblock = xs_nullstartblock(r);
		da_new = l + r;
	} else if (has_left) {
		da_new = xs_min_u64(xs_bmap_worst_indlen(mp, left.br_blockcount), da_old);
		left.br_startblock = xs_nullstartblock(da_new);
	} else if (has_right) {
		da_new = xs_min_u64(xs_bmap_worst_indlen(mp, right.br_blockcount), da_old);
		right.br_startblock = xs_nullstartblock(da_new);
	}

	/* replace prev by [left] new [right] */
	if (has_left) {
		xs_iext_update_extent(ifp, icur, &left);
		xs_iext_next(ifp, icur);
		xs_iext_insert(ifp, icur, new);
	} else {
		xs_iext_update_extent(ifp, icur, new);
	}
	if (has_right) {
		xs_iext_next(ifp, icur);
		xs_iext_insert(ifp, icur, &right);
		xs_iext_prev(ifp, icur);
	}
	ip->i_df_nextents++;

	ip->i_delayed_blks -= new->br_blockcount;
	ip->i_nblocks += new->br_blockcount;
	if (da_new > da_old) {
		/* the kernel takes the shortfall from fdblocks with rsvd set */
		mp->m_fdblocks -= (int64_t)(da_new - da_old);
	} else {
		xs_add_fdblocks(mp, da_old - da_new);
	}
	xs_mod_delalloc(ip, -(int64_t) new->br_blockcount, (int64_t)da_new - (int64_t)da_old);
	xs_bmap_merge_real(ip, icur);
	xs_bmap_update_format(ip);
}

/* Models XFS_INO_TO_FSB(): the block holding the inode, the default target. */
static uint64_t xs_ino_to_fsb(const struct xs_mount *mp, uint64_t ino)
{
	uint32_t inopblog = xs_ilog2(mp->m_geo.blocksize / mp->m_geo.inodesize);
	uint32_t agblklog = xs_ilog2(mp->m_geo.agblocks - 1) + 1;
	uint64_t agino_mask = (1ULL << (agblklog + inopblog)) - 1;

	return (ino >> (agblklog + inopblog)) * mp->m_geo.agblocks +
	       ((ino & agino_mask) >> inopblog);
}

/* ISVALID() of xfs_bmap_adjacent(): x is a block of the same AG as y. */
static bool xs_bmap_adjacent_valid(const struct xs_mount *mp, uint64_t x, uint64_t y)
{
	return x < (uint64_t)mp->m_geo.agcount * mp->m_geo.agblocks &&
	       xs_fsb_to_agno(mp, x) == xs_fsb_to_agno(mp, y);
}

#define XS_ALLOC_GAP_UNITS 4

/*
 * Models xfs_bmap_best_length()'s target: the inode's block, moved by
 * xfs_bmap_adjacent() next to the previous real extent (at EOF), or to the better of
 * the previous and next real extents (inside the file), the gap between allowed
 * for when it is small against the allocation. icur is where the lookup of offset
 * left it: on the next extent (got), or past the last when eof.
 */
static uint64_t xs_bmap_adjacent(struct xs_inode *ip, const struct xs_iext_cursor *icur,
				 uint64_t offset, uint64_t length, bool eof)
{
	struct xs_mount *mp = ip->i_mount;
	struct xs_bmbt_irec prev, got;
	bool have_prev = xs_iext_peek_prev_extent(&ip->i_df, icur, &prev) &&
			 !xs_isnullstartblock(prev.br_startblock);
	xs_fsblock_t prevbno = XS_NULLFSBLOCK, gotbno = XS_NULLFSBLOCK;
	uint64_t prevdiff = 0, gotdiff = 0, adjust;

	if (have_prev) {
		prevbno = prev.br_startblock + prev.br_blockcount;
		if (!xs_bmap_adjacent_valid(mp, prevbno, prev.br_startblock))
			prevbno = XS_NULLFSBLOCK;
	}
	if (eof && prevbno != XS_NULLFSBLOCK) {
		adjust = offset - (prev.br_startoff + prev.br_blockcount);
		if (adjust && xs_bmap_adjacent_valid(mp, prevbno + adjust, prev.br_startblock))
			prevbno += adjust;
		return prevbno;
	}
	if (eof)
		return xs_ino_to_fsb(mp, ip->i_ino);
	if (prevbno != XS_NULLFSBLOCK) {
		adjust = prevdiff = offset - (prev.br_startoff + prev.br_blockcount);
		if (prevdiff <= XS_ALLOC_GAP_UNITS * length &&
		    xs_bmap_adjacent_valid(mp, prevbno + prevdiff, prev.br_startblock))
			prevbno += adjust;
		else
			prevdiff += adjust;
	}
	if (xs_iext_get_extent(&ip->i_df, icur, &got) && !xs_isnullstartblock(got.br_startblock)) {
		adjust = gotdiff = got.br_startoff - offset;
		gotbno = got.br_startblock;
		if (gotdiff <= XS_ALLOC_GAP_UNITS * length && gotbno >= gotdiff &&
		    xs_bmap_adjacent_valid(mp, gotbno - gotdiff, gotbno)) {
			gotbno -= adjust;
		} else if (gotbno >= length &&
			   xs_bmap_adjacent_valid(mp, gotbno - length, gotbno)) {
			gotbno -= length;
			gotdiff += adjust - length;
		} else {
			gotdiff += adjust;
		}
	}
	if (prevbno != XS_NULLFSBLOCK && gotbno != XS_NULLFSBLOCK)
		return prevdiff <= gotdiff ? prevbno : gotbno;
	if (prevbno != XS_NULLFSBLOCK)
		return prevbno;
	if (gotbno != XS_NULLFSBLOCK)
		return gotbno;
	return xs_ino_to_fsb(mp, ip->i_ino);
}

/* One round of xfs_bmapi_convert_one_delalloc(). */
static int xs_bmapi_convert_one_delalloc(struct xs_inode *ip, xs_fileoff_t offset_fsb,
					 struct xs_bmbt_irec *imap)
{
	struct xs_mount *mp = ip->i_mount;
	struct xs_iext_cursor icur;
	struct xs_bmbt_irec got, new;
	xs_fsblock_t bno;
	xs_filblks_t len;
	int error;

	if (!xs_iext_lookup_extent(&ip->i_df, offset_fsb, &icur, &got) ||
	    got.br_startoff > offset_fsb)
		return -EAGAIN;
	if (!xs_isnullstartblock(got.br_startblock)) {
		*imap = got;
		return 0;
	}
	/* always convert from the start of the delalloc extent */
	error = xs_alloc_vextent(
		mp, xs_bmap_adjacent(ip, &icur, got.br_startoff, got.br_blockcount, false), 1,
		got.br_blockcount, &bno, &len);
	if (error)
		return error;
	new.br_startoff = got.br_startoff;
	new.br_startblock = bno;
	new.br_blockcount = len;
	new.br_state = XS_EXT_UNWRITTEN;
	xs_bmap_add_extent_delay_real(ip, &icur, &new);
	xs_fs_event(ip->i_fs, XS_EV_CONVERT, xs_fsb_to_b(mp, new.br_startoff),
		    xs_fsb_to_b(mp, len));
	XS_ASSERT(xs_iext_get_extent(&ip->i_df, &icur, imap));
	return 0;
}

int xs_bmapi_convert_delalloc(struct xs_inode *ip, xs_off_t offset_byte, struct xs_bmbt_irec *imap,
			      uint32_t *seq)
{
	xs_fileoff_t offset_fsb = xs_b_to_fsbt(ip->i_mount, offset_byte);
	int error = 0;

	xs_fs_lock(ip->i_fs, XS_LOCK_ILOCK, XS_LOCK_EXCL);
	do {
		error = xs_bmapi_convert_one_delalloc(ip, offset_fsb, imap);
		if (error)
			break;
	} while (imap->br_startoff + imap->br_blockcount <= offset_fsb);
	if (seq)
		*seq = ip->i_df.if_seq;
	xs_fs_unlock(ip->i_fs, XS_LOCK_ILOCK, XS_LOCK_EXCL);
	return error;
}

/*
 * Set [start, start + len) of the real records to state, splitting records at the
 * range ends and merging afterwards (xfs_bmap_add_extent_unwritten_real).
 */
static void xs_bmap_set_state(struct xs_inode *ip, uint64_t start, uint64_t len,
			      enum xs_exntst state)
{
	struct xs_ifork *ifp = &ip->i_df;
	struct xs_iext_cursor icur;
	struct xs_bmbt_irec got;
	uint64_t end = start + len, pos = start;

	while (pos < end && xs_iext_lookup_extent(ifp, pos, &icur, &got) && got.br_startoff < end) {
		uint64_t gend = got.br_startoff + got.br_blockcount;
		struct xs_bmbt_irec mid;

		if (got.br_startoff > pos)
			pos = got.br_startoff;
		if (xs_isnullstartblock(got.br_startblock) || got.br_state == state) {
			pos = gend;
			continue;
		}
		mid = got;
		xs_trim_extent(&mid, pos, end - pos);
		mid.br_state = state;
		if (got.br_startoff < mid.br_startoff) {
			struct xs_bmbt_irec l = got;

			l.br_blockcount = mid.br_startoff - got.br_startoff;
			xs_iext_update_extent(ifp, &icur, &l);
			xs_iext_next(ifp, &icur);
			xs_iext_insert(ifp, &icur, &mid);
			ip->i_df_nextents++;
		} else {
			xs_iext_update_extent(ifp, &icur, &mid);
		}
		if (mid.br_startoff + mid.br_blockcount < gend) {
			struct xs_bmbt_irec r = got;

			xs_trim_extent(&r, mid.br_startoff + mid.br_blockcount,
				       gend - mid.br_startoff - mid.br_blockcount);
			xs_iext_next(ifp, &icur);
			xs_iext_insert(ifp, &icur, &r);
			ip->i_df_nextents++;
			xs_iext_prev(ifp, &icur);
		}
		xs_bmap_merge_real(ip, &icur);
		pos = mid.br_startoff + mid.br_blockcount;
	}
	xs_bmap_update_format(ip);
}

int xs_iomap_write_unwritten(struct xs_inode *ip, xs_off_t offset, xs_off_t count)
{
	struct xs_mount *mp = ip->i_mount;
	xs_fileoff_t offset_fsb = xs_b_to_fsbt(mp, offset);
	uint64_t count_fsb = xs_b_to_fsb(mp, offset + count) - offset_fsb;
	xs_off_t new_size;

	xs_fs_lock(ip->i_fs, XS_LOCK_ILOCK, XS_LOCK_EXCL);
	xs_bmap_set_state(ip, offset_fsb, count_fsb, XS_EXT_NORM);
	/* xfs_new_eof(): log the size up to the written end, never past i_size */
	new_size = xs_min_u64(offset + count, ip->i_size);
	if (new_size > ip->i_disk_size)
		ip->i_disk_size = new_size;
	xs_fs_unlock(ip->i_fs, XS_LOCK_ILOCK, XS_LOCK_EXCL);
	return 0;
}

/* Models xfs_bmap_del_extent_real(): free del out of the real record got at icur. */
static void xs_bmap_del_extent_real(struct xs_inode *ip, struct xs_iext_cursor *icur,
				    const struct xs_bmbt_irec *got, const struct xs_bmbt_irec *del)
{
	struct xs_ifork *ifp = &ip->i_df;
	struct xs_bmbt_irec g = *got;
	xs_fileoff_t del_endoff = del->br_startoff + del->br_blockcount;
	xs_fileoff_t got_endoff = got->br_startoff + got->br_blockcount;
	bool lf = got->br_startoff == del->br_startoff, rf = got_endoff == del_endoff;

	if (lf && rf) {
		xs_iext_remove(ifp, icur);
		xs_iext_prev(ifp, icur);
		ip->i_df_nextents--;
	} else if (lf) {
		g.br_startoff = del_endoff;
		g.br_startblock = del->br_startblock + del->br_blockcount;
		g.br_blockcount -= del->br_blockcount;
		xs_iext_update_extent(ifp, icur, &g);
	} else if (rf) {
		g.br_blockcount -= del->br_blockcount;
		xs_iext_update_extent(ifp, icur, &g);
	} else {
		struct xs_bmbt_irec new = *got;

		g.br_blockcount = del->br_startoff - got->br_startoff;
		xs_iext_update_extent(ifp, icur, &g);
		new.br_startoff = del_endoff;
		new.br_blockcount = got_endoff - del_endoff;
		new.br_startblock = del->br_startblock + del->br_blockcount;
		xs_iext_next(ifp, icur);
		xs_iext_insert(ifp, icur, &new);
		xs_iext_prev(ifp, icur);
		ip->i_df_nextents++;
	}
	xs_free_extent(ip->i_mount, del->br_startblock, del->br_blockcount);
	xs_add_fdblocks(ip->i_mount, del->br_blockcount);
	ip->i_nblocks -= del->br_blockcount;
}

xs_filblks_t xs_bunmapi(struct xs_inode *ip, xs_fileoff_t start_fsb, xs_filblks_t len_fsb)
{
	struct xs_ifork *ifp = &ip->i_df;
	struct xs_iext_cursor icur;
	struct xs_bmbt_irec got, del;
	uint64_t end = start_fsb + len_fsb, done = 0;

	if (!len_fsb || !xs_iext_lookup_extent_before(ifp, &end, &icur, &got))
		return 0;
	for (;;) {
		if (got.br_startoff + got.br_blockcount <= start_fsb)
			break;
		del = got;
		xs_trim_extent(&del, start_fsb, end - start_fsb);
		if (del.br_blockcount) {
			done += del.br_blockcount;
			if (xs_isnullstartblock(got.br_startblock)) {
				del.br_startblock = got.br_startblock;
				xs_bmap_del_extent_delay(ip, &icur, &got, &del);
			} else {
				xs_bmap_del_extent_real(ip, &icur, &got, &del);
			}
			end = del.br_startoff;
		}
		/* the cursor is on the record before what was deleted (or invalid) */
		if (!xs_iext_get_extent(ifp, &icur, &got))
			break;
		if (got.br_startoff >= end) {
			if (!xs_iext_peek_prev_extent(ifp, &icur, &got))
				break;
			xs_iext_prev(ifp, &icur);
		}
	}
	xs_bmap_update_format(ip);
	return done;
}

/*
 * Models xfs_alloc_file_space(): one transaction per pass, each reserving the rest of
 * the range (at most one maximal extent) plus a bmbt split, and each mapping one
 * extent with xfs_bmapi_write(): a real extent is taken as it is, delalloc converted,
 * a hole filled. Every pass that commits sets XFS_DIFLAG_PREALLOC, also one that
 * allocated nothing (docs/kernel.md, "Truncate, hole punch and fallocate").
 */
int xs_alloc_file_space(struct xs_inode *ip, xs_off_t offset, xs_off_t len)
{
	struct xs_mount *mp = ip->i_mount;
	xs_fileoff_t bno = xs_b_to_fsbt(mp, offset);
	xs_fileoff_t end = xs_b_to_fsb(mp, offset + len);
	int error = 0;

	xs_fs_lock(ip->i_fs, XS_LOCK_ILOCK, XS_LOCK_EXCL);
	while (bno < end) {
		struct xs_iext_cursor icur;
		struct xs_bmbt_irec got, new;
		uint64_t plen, abno, alen = 0;
		uint64_t resblks =
			xs_min_u64(end - bno, XS_MAX_BMBT_EXTLEN) + extentadd_space_res(mp);
		bool eof = !xs_iext_lookup_extent(&ip->i_df, bno, &icur, &got);
		bool covered = !eof && got.br_startoff <= bno;

		/* xfs_trans_alloc_inode(): the reservation comes first, whatever is there */
		error = xs_dec_fdblocks(mp, resblks);
		if (error)
			break;
		if (covered && !xs_isnullstartblock(got.br_startblock)) {
			plen = got.br_startoff + got.br_blockcount - bno;
		} else {
			/* delalloc is converted (xfs_bmapi_write with wasdel) and paid for
			 * by its own reservation; a hole takes the transaction's */
			if (covered)
				plen = xs_min_u64(end, got.br_startoff + got.br_blockcount) - bno;
			else
				plen = xs_min_u64((eof ? end : xs_min_u64(end, got.br_startoff)) -
							  bno,
						  XS_MAX_BMBT_EXTLEN);
			error = xs_alloc_vextent(
				mp, xs_bmap_adjacent(ip, &icur, bno, plen, !covered && eof), 1,
				plen, &abno, &plen);
			if (error) {
				xs_add_fdblocks(mp, resblks);
				break;
			}
			new.br_startoff = bno;
			new.br_startblock = abno;
			new.br_blockcount = plen;
			new.br_state = XS_EXT_UNWRITTEN;
			if (covered) {
				xs_bmap_add_extent_delay_real(ip, &icur, &new);
			} else {
				alen = plen;
				ip->i_nblocks += alen;
				xs_bmap_add_extent_hole_real(ip, &icur, &new);
			}
		}
		/* the commit returns what the transaction did not use */
		xs_add_fdblocks(mp, resblks - alen);
		ip->i_diflags |= XS_DIFLAG_PREALLOC;
		bno += plen;
	}
	xs_fs_unlock(ip->i_fs, XS_LOCK_ILOCK, XS_LOCK_EXCL);
	return error;
}
