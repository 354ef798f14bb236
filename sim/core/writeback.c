/*
 * Writeback; see writeback.h.
 */
#include "core/writeback.h"

#include "core/bmap.h"

#include <errno.h>
#include <string.h>

/* The cached mapping of xfs_writepage_ctx, in blocks. */
struct xs_wpc {
	bool valid;
	struct xs_bmbt_irec imap; /* HOLESTARTBLOCK for a hole */
	uint32_t data_seq;
	/* the ioend being built: contiguous file and disk blocks of one type */
	bool io_open;
	xs_fileoff_t io_off_fsb;
	xs_filblks_t io_len_fsb;
	xs_fsblock_t io_bno;
	bool io_unwritten;
};

/* Models xfs_imap_valid(). */
static bool xs_imap_valid(struct xs_inode *ip, const struct xs_wpc *wpc, xs_fileoff_t offset_fsb)
{
	return wpc->valid && offset_fsb >= wpc->imap.br_startoff &&
	       offset_fsb < wpc->imap.br_startoff + wpc->imap.br_blockcount &&
	       wpc->data_seq == ip->i_df.if_seq;
}

/* Models xfs_map_blocks(). */
static int xs_map_blocks(struct xs_inode *ip, struct xs_wpc *wpc, xs_fileoff_t offset_fsb)
{
	struct xs_iext_cursor icur;
	struct xs_bmbt_irec imap;
	int error;

	if (xs_imap_valid(ip, wpc, offset_fsb))
		return 0;
	xs_fs_lock(ip->i_fs, XS_LOCK_ILOCK, XS_LOCK_SHARED);
	if (!xs_iext_lookup_extent(&ip->i_df, offset_fsb, &icur, &imap)) {
		imap.br_startoff = offset_fsb;
		imap.br_startblock = XS_HOLESTARTBLOCK;
		imap.br_blockcount = (1ULL << 54) - offset_fsb;
		imap.br_state = XS_EXT_NORM;
	} else if (imap.br_startoff > offset_fsb) {
		imap.br_blockcount = imap.br_startoff - offset_fsb;
		imap.br_startoff = offset_fsb;
		imap.br_startblock = XS_HOLESTARTBLOCK;
		imap.br_state = XS_EXT_NORM;
	}
	wpc->data_seq = ip->i_df.if_seq;
	xs_fs_unlock(ip->i_fs, XS_LOCK_ILOCK, XS_LOCK_SHARED);
	if (xs_bmap_is_delalloc_extent(&imap)) {
		uint32_t seq;

		error = xs_bmapi_convert_delalloc(ip, xs_fsb_to_b(ip->i_mount, offset_fsb), &imap,
						  &seq);
		if (error) {
			wpc->valid = false;
			return error;
		}
		wpc->data_seq = seq;
	}
	wpc->imap = imap;
	wpc->valid = true;
	return 0;
}

/* Submit and complete the open ioend (xfs_end_ioend). */
static void xs_submit_ioend(struct xs_inode *ip, struct xs_wpc *wpc)
{
	struct xs_mount *mp = ip->i_mount;
	uint64_t off, len;

	if (!wpc->io_open)
		return;
	wpc->io_open = false;
	off = xs_fsb_to_b(mp, wpc->io_off_fsb);
	len = xs_fsb_to_b(mp, wpc->io_len_fsb);
	xs_fs_event(ip->i_fs, XS_EV_IO, off, len);
	if (ip->i_fs->ops && ip->i_fs->ops->io)
		ip->i_fs->ops->io(ip->i_fs->host, wpc->io_bno, len);
	if (wpc->io_unwritten) {
		xs_iomap_write_unwritten(ip, off, len);
	} else if (off + len > ip->i_disk_size) {
		/* xfs_setfilesize() */
		ip->i_disk_size = xs_max_u64(ip->i_disk_size, xs_min_u64(off + len, ip->i_size));
	}
}

/* Add one block (its bytes already copied to disk) to the ioend. */
static void xs_add_to_ioend(struct xs_inode *ip, struct xs_wpc *wpc, xs_fileoff_t file_fsb,
			    xs_fsblock_t bno, bool unwritten)
{
	if (wpc->io_open &&
	    (wpc->io_off_fsb + wpc->io_len_fsb != file_fsb ||
	     wpc->io_bno + wpc->io_len_fsb != bno || wpc->io_unwritten != unwritten))
		xs_submit_ioend(ip, wpc);
	if (!wpc->io_open) {
		wpc->io_open = true;
		wpc->io_off_fsb = file_fsb;
		wpc->io_len_fsb = 0;
		wpc->io_bno = bno;
		wpc->io_unwritten = unwritten;
	}
	wpc->io_len_fsb++;
}

/* Whether writeback writes this block: its dirty bit (6.6+), else every uptodate block. */
static bool xs_block_to_write(struct xs_inode *ip, const struct xs_folio *folio, uint32_t b)
{
	struct xs_pagecache *pc = &ip->i_mapping;

	if (ip->i_fs->policy.block_dirty && xs_folio_nr_blocks(pc, folio) > 1)
		return xs_folio_block_dirty(pc, folio, b);
	return xs_folio_block_uptodate(pc, folio, b);
}

/* Models iomap_writepage_map() for one locked folio. */
static int xs_writepage_map(struct xs_inode *ip, struct xs_wpc *wpc, struct xs_folio *folio)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	struct xs_mount *mp = ip->i_mount;
	xs_off_t fpos = xs_folio_pos(pc, folio);
	uint64_t fsize = xs_folio_size(pc, folio);
	xs_off_t end_pos = fpos + fsize;
	uint32_t b, nblocks = xs_folio_nr_blocks(pc, folio);
	int error = 0;

	xs_folio_clear_dirty_for_io(pc, folio);

	/* iomap_writepage_handle_eof() */
	if (end_pos > ip->i_size) {
		if (fpos >= ip->i_size) {
			xs_folio_clear_dirty_bits(pc, folio);
			return 0;
		}
		xs_folio_zero(pc, folio, (uint32_t)(ip->i_size - fpos),
			      (uint32_t)(end_pos - ip->i_size));
		end_pos = (ip->i_size + mp->m_blockmask) & ~mp->m_blockmask;
	}
	xs_folio_start_writeback(pc, folio);
	for (b = 0; b < nblocks; b++) {
		uint64_t pos = fpos + (uint64_t)b * pc->block_bytes;
		xs_fileoff_t fsb = xs_b_to_fsbt(mp, pos);
		xs_fsblock_t bno;

		if (pos >= end_pos)
			break;
		if (!xs_block_to_write(ip, folio, b))
			continue;
		error = xs_map_blocks(ip, wpc, fsb);
		if (error) {
			/* xfs_discard_folio(): punch delalloc from pos to the folio end */
			xs_bmap_punch_delalloc_range(ip, pos, fpos + fsize);
			break;
		}
		if (xs_bmap_is_hole_extent(&wpc->imap)) {
			xs_fs_event(ip->i_fs, XS_EV_WB_HOLE, pos, pc->block_bytes);
			continue;
		}
		bno = wpc->imap.br_startblock + (fsb - wpc->imap.br_startoff);
		xs_pagestore_copy(&ip->i_fs->disk, xs_fsb_to_b(mp, bno), &pc->data, pos,
				  pc->block_bytes);
		xs_add_to_ioend(ip, wpc, fsb, bno, wpc->imap.br_state == XS_EXT_UNWRITTEN);
	}
	xs_folio_clear_dirty_bits(pc, folio);
	xs_submit_ioend(ip, wpc);
	xs_folio_end_writeback(pc, folio);
	return error;
}

/*
 * Write back dirty folios with index in [first, last] dirtied at or before
 * dirtied_before_ns, at most max of them.
 */
static int xs_writepages(struct xs_inode *ip, uint64_t first, uint64_t last, uint64_t max,
			 uint64_t dirtied_before_ns)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	struct xs_wpc wpc;
	uint64_t index = first, done = 0;
	int error = 0;

	memset(&wpc, 0, sizeof(wpc));
	while (index <= last && done < max) {
		size_t i = xs_pagecache_first_at(pc, index);
		struct xs_folio *folio;
		int e;

		while (i < pc->nr && (!(pc->folios[i]->flags & XS_FOLIO_DIRTY) ||
				      pc->folios[i]->dirtied_ns > dirtied_before_ns))
			i++;
		if (i >= pc->nr || pc->folios[i]->index > last)
			break;
		index = pc->folios[i]->index;
		xs_fs_preempt(ip->i_fs, XS_PT_WB_FOLIO, xs_folio_pos(pc, pc->folios[i]));
		xs_folio_lock(ip->i_fs, index);
		folio = xs_pagecache_lookup(pc, index);
		if (folio && (folio->flags & XS_FOLIO_DIRTY)) {
			e = xs_writepage_map(ip, &wpc, folio);
			if (e && !error)
				error = e;
			done++;
		}
		xs_folio_unlock(ip->i_fs, index);
		index++;
	}
	return error;
}

int xs_filemap_write_and_wait_range(struct xs_inode *ip, xs_off_t start, xs_off_t end)
{
	uint64_t pb = ip->i_mapping.page_bytes;

	if (end < start)
		return 0;
	return xs_writepages(ip, start / pb, end / pb, UINT64_MAX, UINT64_MAX);
}

int xs_writeback_some(struct xs_inode *ip, uint64_t nr_folios)
{
	return xs_writepages(ip, 0, UINT64_MAX, nr_folios, UINT64_MAX);
}

int xs_writeback_expired(struct xs_inode *ip, uint64_t dirtied_before_ns)
{
	return xs_writepages(ip, 0, UINT64_MAX, UINT64_MAX, dirtied_before_ns);
}
