/*
 * Data-fork extent operations, the lookup and delalloc side; see bmap.h. The
 * real-extent side (conversion at writeback, unwritten to written, unmapping,
 * fallocate) is bmap_real.c.
 *
 * Models fs/xfs/libxfs/xfs_bmap.c of Linux 6.18: xfs_trim_extent, xfs_bmapi_read,
 * xfs_bmapi_reserve_delalloc, xfs_bmap_add_extent_hole_delay, xfs_bmap_split_indlen,
 * xfs_bmap_del_extent_delay; xfs_mod_delalloc of fs/xfs/xfs_mount.c; and
 * xfs_bmap_punch_delalloc_range of fs/xfs/xfs_bmap_util.c.
 */
#include "core/bmap.h"
#include "core/bmap_internal.h"

/* Models xfs_mod_delalloc(). */
void xs_mod_delalloc(struct xs_inode *ip, int64_t data_delta, int64_t ind_delta)
{
	ip->i_mount->m_delalloc_blks += data_delta + ind_delta;
	XS_ASSERT(ip->i_mount->m_delalloc_blks >= 0);
}

void xs_trim_extent(struct xs_bmbt_irec *irec, xs_fileoff_t bno, xs_filblks_t len)
{
	uint64_t end = bno + len, distance;

	if (irec->br_startoff + irec->br_blockcount <= bno || irec->br_startoff >= end) {
		irec->br_blockcount = 0;
		return;
	}
	if (irec->br_startoff < bno) {
		distance = bno - irec->br_startoff;
		if (!xs_isnullstartblock(irec->br_startblock) &&
		    irec->br_startblock != XS_HOLESTARTBLOCK)
			irec->br_startblock += distance;
		irec->br_startoff += distance;
		irec->br_blockcount -= distance;
	}
	if (end < irec->br_startoff + irec->br_blockcount)
		irec->br_blockcount -= irec->br_startoff + irec->br_blockcount - end;
}

void xs_bmapi_read(struct xs_inode *ip, xs_fileoff_t bno, xs_filblks_t len,
		   struct xs_bmbt_irec *mval, int *nmap)
{
	struct xs_iext_cursor icur;
	struct xs_bmbt_irec got;
	uint64_t end = bno + len;
	bool eof = !xs_iext_lookup_extent(&ip->i_df, bno, &icur, &got);
	int n = 0;

	while (bno < end && n < *nmap) {
		if (eof)
			got.br_startoff = end;
		if (got.br_startoff > bno) {
			mval[n].br_startoff = bno;
			mval[n].br_startblock = XS_HOLESTARTBLOCK;
			mval[n].br_blockcount = xs_min_u64(end, got.br_startoff) - bno;
			mval[n].br_state = XS_EXT_NORM;
			bno += mval[n].br_blockcount;
			n++;
			continue;
		}
		mval[n] = got;
		xs_trim_extent(&mval[n], bno, end - bno);
		bno = mval[n].br_startoff + mval[n].br_blockcount;
		n++;
		xs_iext_next(&ip->i_df, &icur);
		eof = !xs_iext_get_extent(&ip->i_df, &icur, &got);
	}
	*nmap = n;
}

/* Models xfs_bmap_add_extent_hole_delay(). icur points at the record after new. */
static void xs_bmap_add_extent_hole_delay(struct xs_inode *ip, struct xs_iext_cursor *icur,
					  struct xs_bmbt_irec *new)
{
	struct xs_ifork *ifp = &ip->i_df;
	struct xs_bmbt_irec left, right;
	bool left_delay = false, right_delay = false, lc = false, rc = false;
	uint64_t oldlen = 0, newlen = 0, temp;

	XS_ASSERT(xs_isnullstartblock(new->br_startblock));
	if (xs_iext_peek_prev_extent(ifp, icur, &left))
		left_delay = xs_isnullstartblock(left.br_startblock);
	if (xs_iext_get_extent(ifp, icur, &right))
		right_delay = xs_isnullstartblock(right.br_startblock);

	if (left_delay && left.br_startoff + left.br_blockcount ==
				  new->br_startoff &&left.br_blockcount + new->br_blockcount <=
					  XS_MAX_BMBT_EXTLEN)
		lc = true;
	if (right_delay &&
	    new->br_startoff + new->br_blockcount ==
		    right.br_startoff &&new->br_blockcount + right.br_blockcount <=
			    XS_MAX_BMBT_EXTLEN &&
	    (!lc ||
	     left.br_blockcount + new->br_blockcount + right.br_blockcount <= XS_MAX_BMBT_EXTLEN))
		rc = true;

	if (lc && rc) {
		temp = left.br_blockcount + new->br_blockcount + right.br_blockcount;
		oldlen = xs_startblockval(left.br_startblock) +
			 xs_startblockval(new->br_startblock) +
			 xs_startblockval(right.br_startblock);
		newlen = xs_min_u64(xs_bmap_worst_indlen(ip->i_mount, temp), oldlen);
		left.br_startblock = xs_nullstartblock(newlen);
		left.br_blockcount = temp;
		xs_iext_remove(ifp, icur);
		xs_iext_prev(ifp, icur);
		xs_iext_update_extent(ifp, icur, &left);
	} else if (lc) {
		temp = left.br_blockcount + new->br_blockcount;
		oldlen =
			xs_startblockval(left.br_startblock) + xs_startblockval(new->br_startblock);
		newlen = xs_min_u64(xs_bmap_worst_indlen(ip->i_mount, temp), oldlen);
		left.br_blockcount = temp;
		left.br_startblock = xs_nullstartblock(newlen);
		xs_iext_prev(ifp, icur);
		xs_iext_update_extent(ifp, icur, &left);
	} else if (rc) {
		temp = new->br_blockcount + right.br_blockcount;
		oldlen = xs_startblockval(new->br_startblock) +
			 xs_startblockval(right.br_startblock);
		newlen = xs_min_u64(xs_bmap_worst_indlen(ip->i_mount, temp), oldlen);
		right.br_startoff = new->br_startoff;
		right.br_startblock = xs_nullstartblock(newlen);
		right.br_blockcount = temp;
		xs_iext_update_extent(ifp, icur, &right);
	} else {
		xs_iext_insert(ifp, icur, new);
	}
	if (oldlen != newlen) {
		XS_ASSERT(oldlen > newlen);
		xs_add_fdblocks(ip->i_mount, oldlen - newlen);
		xs_mod_delalloc(ip, 0, (int64_t)newlen - (int64_t)oldlen);
	}
}

int xs_bmapi_reserve_delalloc(struct xs_inode *ip, xs_fileoff_t off, xs_filblks_t len,
			      xs_filblks_t prealloc, struct xs_bmbt_irec *got,
			      struct xs_iext_cursor *icur, bool eof)
{
	struct xs_mount *mp = ip->i_mount;
	uint64_t alen, indlen;
	int error;

retry:
	alen = xs_min_u64(len + prealloc, XS_MAX_BMBT_EXTLEN);
	if (!eof)
		alen = xs_min_u64(alen, got->br_startoff - off);
	if (prealloc && alen >= len)
		prealloc = alen - len;

	indlen = xs_bmap_worst_indlen(mp, alen);
	XS_ASSERT(indlen > 0);
	/* 6.10+: one combined decrement of data and indirect blocks */
	error = xs_dec_fdblocks(mp, alen + indlen);
	if (error) {
		if (prealloc) {
			prealloc = 0;
			goto retry;
		}
		return error;
	}
	ip->i_delayed_blks += alen;
	xs_mod_delalloc(ip, (int64_t)alen, (int64_t)indlen);

	got->br_startoff = off;
	got->br_startblock = xs_nullstartblock(indlen);
	got->br_blockcount = alen;
	got->br_state = XS_EXT_NORM;
	xs_bmap_add_extent_hole_delay(ip, icur, got);

	if (prealloc)
		ip->i_flags |= XS_IEOFBLOCKS;
	xs_fs_event(ip->i_fs, XS_EV_RESERVE, xs_fsb_to_b(mp, off), xs_fsb_to_b(mp, alen));
	return 0;
}

/* Models xfs_bmap_split_indlen(). */
static void xs_bmap_split_indlen(uint64_t ores, uint64_t *indlen1, uint64_t *indlen2)
{
	uint64_t len1 = *indlen1, len2 = *indlen2;
	uint64_t nres = len1 + len2;
	uint64_t resfactor = ores * 100 / nres;

	len1 = len1 * resfactor / 100;
	len2 = len2 * resfactor / 100;
	XS_ASSERT(len1 + len2 <= ores);
	ores -= len1 + len2;
	if (ores && !len2 && *indlen2) {
		len2++;
		ores--;
	}
	while (ores) {
		if (len1 < *indlen1) {
			len1++;
			ores--;
		}
		if (!ores)
			break;
		if (len2 < *indlen2) {
			len2++;
			ores--;
		}
	}
	*indlen1 = len1;
	*indlen2 = len2;
}

void xs_bmap_del_extent_delay(struct xs_inode *ip, struct xs_iext_cursor *icur,
			      struct xs_bmbt_irec *got, struct xs_bmbt_irec *del)
{
	struct xs_mount *mp = ip->i_mount;
	struct xs_ifork *ifp = &ip->i_df;
	struct xs_bmbt_irec new;
	xs_fileoff_t del_endoff = del->br_startoff + del->br_blockcount;
	xs_fileoff_t got_endoff = got->br_startoff + got->br_blockcount;
	uint64_t da_old = xs_startblockval(got->br_startblock), da_new = 0;
	uint64_t got_indlen, new_indlen, stolen = 0, da_diff;
	xs_off_t ev_off = xs_fsb_to_b(mp, del->br_startoff);
	xs_off_t ev_len = xs_fsb_to_b(mp, del->br_blockcount);
	bool lf = got->br_startoff == del->br_startoff;
	bool rf = got_endoff == del_endoff;

	XS_ASSERT(del->br_blockcount > 0);
	XS_ASSERT(got->br_startoff <= del->br_startoff && got_endoff >= del_endoff);
	XS_ASSERT(ip->i_delayed_blks >= del->br_blockcount);
	ip->i_delayed_blks -= del->br_blockcount;

	if (lf && rf) {
		xs_iext_remove(ifp, icur);
		xs_iext_prev(ifp, icur);
	} else if (lf) {
		got->br_startoff = del_endoff;
		got->br_blockcount -= del->br_blockcount;
		da_new = xs_min_u64(xs_bmap_worst_indlen(mp, got->br_blockcount), da_old);
		got->br_startblock = xs_nullstartblock(da_new);
		xs_iext_update_extent(ifp, icur, got);
	} else if (rf) {
		got->br_blockcount -= del->br_blockcount;
		da_new = xs_min_u64(xs_bmap_worst_indlen(mp, got->br_blockcount), da_old);
		got->br_startblock = xs_nullstartblock(da_new);
		xs_iext_update_extent(ifp, icur, got);
	} else {
		got->br_blockcount = del->br_startoff - got->br_startoff;
		got_indlen = xs_bmap_worst_indlen(mp, got->br_blockcount);
		new.br_blockcount = got_endoff - del_endoff;
		new_indlen = xs_bmap_worst_indlen(mp, new.br_blockcount);

		/* steal from the deleted data to cover both worst cases if we can */
		da_new = got_indlen + new_indlen;
		if (da_new > da_old) {
			stolen = xs_min_u64(da_new - da_old, del->br_blockcount);
			da_old += stolen;
		}
		if (da_new > da_old)
			xs_bmap_split_indlen(da_old, &got_indlen, &new_indlen);
		da_new = got_indlen + new_indlen;

		got->br_startblock = xs_nullstartblock(got_indlen);
		new.br_startoff = del_endoff;
		new.br_state = got->br_state;
		new.br_startblock = xs_nullstartblock(new_indlen);
		xs_iext_update_extent(ifp, icur, got);
		xs_iext_next(ifp, icur);
		xs_iext_insert(ifp, icur, &new);
		del->br_blockcount -= stolen;
	}
	XS_ASSERT(da_old >= da_new);
	da_diff = da_old - da_new;
	xs_add_fdblocks(mp, da_diff + del->br_blockcount);
	xs_mod_delalloc(ip, -(int64_t)del->br_blockcount, -(int64_t)da_diff);
	/* once done, so that a listener sees the state it left */
	xs_fs_event(ip->i_fs, XS_EV_PUNCH, ev_off, ev_len);
}

xs_filblks_t xs_bmap_punch_delalloc_range(struct xs_inode *ip, xs_off_t start_byte,
					  xs_off_t end_byte)
{
	struct xs_mount *mp = ip->i_mount;
	struct xs_ifork *ifp = &ip->i_df;
	xs_fileoff_t start_fsb = xs_b_to_fsbt(mp, start_byte);
	xs_fileoff_t end_fsb = xs_b_to_fsb(mp, end_byte);
	struct xs_iext_cursor icur;
	struct xs_bmbt_irec got, del;
	xs_filblks_t punched = 0;

	if (start_fsb >= end_fsb)
		return 0;
	xs_fs_lock(ip->i_fs, XS_LOCK_ILOCK, XS_LOCK_EXCL);
	if (!xs_iext_lookup_extent_before(ifp, &end_fsb, &icur, &got))
		goto out_unlock;
	while (got.br_startoff + got.br_blockcount > start_fsb) {
		del = got;
		xs_trim_extent(&del, start_fsb, end_fsb - start_fsb);
		/* only delalloc; stop at the first record before the range */
		if (!del.br_blockcount || !xs_isnullstartblock(del.br_startblock)) {
			if (!xs_iext_peek_prev_extent(ifp, &icur, &got))
				break;
			xs_iext_prev(ifp, &icur);
			continue;
		}
		del.br_startblock = got.br_startblock;
		punched += del.br_blockcount;
		xs_bmap_del_extent_delay(ip, &icur, &got, &del);
		if (!xs_iext_get_extent(ifp, &icur, &got))
			break;
	}
out_unlock:
	xs_fs_unlock(ip->i_fs, XS_LOCK_ILOCK, XS_LOCK_EXCL);
	return punched;
}

xs_filblks_t xs_bmap_count_indlen(struct xs_inode *ip)
{
	struct xs_iext_cursor icur;
	struct xs_bmbt_irec got;
	uint64_t sum = 0;

	xs_iext_first(&ip->i_df, &icur);
	while (xs_iext_get_extent(&ip->i_df, &icur, &got)) {
		if (xs_isnullstartblock(got.br_startblock))
			sum += xs_startblockval(got.br_startblock);
		xs_iext_next(&ip->i_df, &icur);
	}
	return sum;
}
