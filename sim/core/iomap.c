/*
 * The buffered write path, reads and zeroing; see iomap.h.
 *
 * Models fs/iomap/buffered-io.c (iomap_write_iter, iomap_write_begin,
 * __iomap_write_begin, __iomap_write_end, iomap_write_delalloc_release/_scan/_ifs_punch,
 * iomap_page_mkwrite, iomap_read_folio, iomap_zero_range), fs/iomap/iter.c (iomap_iter)
 * and fs/xfs/xfs_iomap.c (xfs_buffered_write_iomap_begin/_end) — Linux 6.18, with
 * the <= 6.1 behaviour selected by the policy (struct xs_policy).
 *
 * A chunk of a write is at most one folio; from 6.6 the write asks for a folio sized
 * to the chunk (docs/kernel.md, "Large folios").
 * Simplification: balance_dirty_pages throttling is the host's business (not here).
 */
#include "core/iomap.h"

#include "core/bmap.h"
#include "core/prealloc.h"
#include "core/readahead.h"
#include "core/writeback.h"

#include <errno.h>
#include <string.h>

static struct xs_policy *pol(struct xs_inode *ip)
{
	return &ip->i_fs->policy;
}

static uint64_t page_bytes(const struct xs_inode *ip)
{
	return ip->i_mapping.page_bytes;
}

struct xs_folio *xs_filemap_get_folio(struct xs_inode *ip, xs_pgoff_t index, unsigned int order,
				      bool create)
{
	struct xs_pagecache *pc = &ip->i_mapping;

	for (;;) {
		const struct xs_folio *seen = xs_pagecache_peek(pc, index);
		xs_pgoff_t first = seen ? seen->index : index;
		struct xs_folio *folio;

		if (!seen && !create)
			return NULL;
		/* a folio is locked by its first page: lock, then see it is still that folio */
		xs_folio_lock(ip->i_fs, first);
		folio = xs_pagecache_lookup(pc, index);
		if (!folio && create && first == index)
			folio = xs_pagecache_get_order(pc, index, order);
		if (folio && folio->index == first)
			return folio;
		xs_folio_unlock(ip->i_fs, first);
		if (!folio && !create)
			return NULL;
	}
}

/* Models xfs_bmbt_to_iomap(). */
static void xs_bmbt_to_iomap(struct xs_inode *ip, struct xs_iomap *iomap,
			     const struct xs_bmbt_irec *imap, unsigned int flags, uint32_t seq)
{
	struct xs_mount *mp = ip->i_mount;

	if (imap->br_startblock == XS_HOLESTARTBLOCK) {
		iomap->type = XS_IOMAP_HOLE;
		iomap->addr_fsb = XS_NULLFSBLOCK;
	} else if (xs_isnullstartblock(imap->br_startblock)) {
		iomap->type = XS_IOMAP_DELALLOC;
		iomap->addr_fsb = XS_NULLFSBLOCK;
	} else {
		iomap->type =
			imap->br_state == XS_EXT_UNWRITTEN ? XS_IOMAP_UNWRITTEN : XS_IOMAP_MAPPED;
		iomap->addr_fsb = imap->br_startblock;
	}
	iomap->offset = xs_fsb_to_b(mp, imap->br_startoff);
	iomap->length = xs_fsb_to_b(mp, imap->br_blockcount);
	iomap->flags = flags;
	iomap->validity_cookie = seq;
}

int xs_buffered_write_iomap_begin(struct xs_inode *ip, xs_off_t offset, xs_off_t count,
				  unsigned int flags, struct xs_iomap *iomap)
{
	struct xs_mount *mp = ip->i_mount;
	xs_fileoff_t offset_fsb = xs_b_to_fsbt(mp, offset);
	xs_fileoff_t end_fsb = xs_b_to_fsb(mp, offset + count);
	struct xs_iext_cursor icur;
	struct xs_bmbt_irec imap;
	xs_filblks_t prealloc_blocks = 0;
	unsigned int iomap_flags = 0;
	bool eof;
	int error = 0;

	xs_fs_lock(ip->i_fs, XS_LOCK_ILOCK, XS_LOCK_EXCL);
	eof = !xs_iext_lookup_extent(&ip->i_df, offset_fsb, &icur, &imap);
	if (eof)
		imap.br_startoff = end_fsb; /* fake hole until the end */

	/* zeroing never allocates over a hole */
	if ((flags & XS_IOMAP_ZERO) && imap.br_startoff > offset_fsb) {
		struct xs_bmbt_irec hole = {offset_fsb, XS_HOLESTARTBLOCK,
					    imap.br_startoff - offset_fsb, XS_EXT_NORM};

		xs_bmbt_to_iomap(ip, iomap, &hole, 0, ip->i_df.if_seq);
		goto out_unlock;
	}
	/* zeroing trims delalloc at the EOF block and converts what lies beyond it */
	if ((flags & XS_IOMAP_ZERO) && imap.br_startoff <= offset_fsb &&
	    xs_isnullstartblock(imap.br_startblock)) {
		xs_fileoff_t eof_fsb = xs_b_to_fsb(mp, xs_isize(ip));

		if (offset_fsb >= eof_fsb)
			goto convert_delay;
		if (end_fsb > eof_fsb) {
			end_fsb = eof_fsb;
			xs_trim_extent(&imap, offset_fsb, end_fsb - offset_fsb);
		}
	}
	if (imap.br_startoff <= offset_fsb)
		goto found_imap;

	/* a hole: map at most 1024 pages of it */
	count = xs_min_u64(count, 1024 * page_bytes(ip));
	end_fsb = xs_b_to_fsb(mp, offset + count);

	if (eof && offset + count > xs_isize(ip)) {
		if (mp->m_geo.allocsize_fixed)
			prealloc_blocks = mp->m_allocsize_blocks;
		else
			prealloc_blocks = xs_iomap_prealloc_size(ip, offset, count, &icur);
		if (prealloc_blocks) {
			uint64_t end_offset = (offset + count - 1) >>
					      mp->m_geo.allocsize_log << mp->m_geo.allocsize_log;
			xs_fileoff_t p_end_fsb = xs_b_to_fsbt(mp, end_offset) + prealloc_blocks;
			uint64_t align = xs_eof_alignment(ip);

			if (align)
				p_end_fsb = (p_end_fsb + align - 1) / align * align;
			p_end_fsb = xs_min_u64(p_end_fsb, xs_b_to_fsb(mp, mp->m_maxbytes));
			XS_ASSERT(p_end_fsb > offset_fsb);
			prealloc_blocks = p_end_fsb > end_fsb ? p_end_fsb - end_fsb : 0;
		}
	}

	/* flag new delalloc so a failed write punches it out */
	iomap_flags |= XS_IOMAP_F_NEW;
	error = xs_bmapi_reserve_delalloc(ip, offset_fsb, end_fsb - offset_fsb, prealloc_blocks,
					  &imap, &icur, eof);
	if (error)
		goto out_unlock;
found_imap:
	xs_bmbt_to_iomap(ip, iomap, &imap, iomap_flags, ip->i_df.if_seq);
out_unlock:
	xs_fs_unlock(ip->i_fs, XS_LOCK_ILOCK, XS_LOCK_EXCL);
	return error;

convert_delay:
	xs_fs_unlock(ip->i_fs, XS_LOCK_ILOCK, XS_LOCK_EXCL);
	xs_truncate_pagecache_range(ip, offset, UINT64_MAX);
	{
		uint32_t seq;

		error = xs_bmapi_convert_delalloc(ip, offset, &imap, &seq);
		if (!error)
			xs_bmbt_to_iomap(ip, iomap, &imap, 0, seq);
	}
	return error;
}

/* Round down / up to the block size. */
static uint64_t bs_down(const struct xs_inode *ip, uint64_t b)
{
	return b & ~ip->i_mount->m_blockmask;
}

static uint64_t bs_up(const struct xs_inode *ip, uint64_t b)
{
	return (b + ip->i_mount->m_blockmask) & ~ip->i_mount->m_blockmask;
}

/*
 * The <= 6.1 cleanup (and 198dd8aedee6 alone when locked): truncate the page cache
 * over the unwritten part of the new delalloc, then punch it.
 */
static void xs_write_end_truncate_punch(struct xs_inode *ip, xs_off_t start_byte, xs_off_t end_byte,
					bool locked)
{
	if (locked)
		xs_fs_lock(ip->i_fs, XS_LOCK_INVALIDATE, XS_LOCK_EXCL);
	xs_truncate_pagecache_range(ip, start_byte, end_byte - 1);
	xs_fs_preempt(ip->i_fs, XS_PT_PUNCH, start_byte);
	xs_bmap_punch_delalloc_range(ip, start_byte, end_byte);
	if (locked)
		xs_fs_unlock(ip->i_fs, XS_LOCK_INVALIDATE, XS_LOCK_EXCL);
}

int xs_buffered_write_iomap_end(struct xs_inode *ip, xs_off_t pos, xs_off_t length,
				xs_off_t written, unsigned int flags, struct xs_iomap *iomap)
{
	struct xs_policy *p = pol(ip);
	xs_off_t start_byte, end_byte;

	if (iomap->type != XS_IOMAP_DELALLOC || !(iomap->flags & XS_IOMAP_F_NEW))
		return 0;
	/* 6.2+: page_mkwrite never needs its delalloc revoked */
	if ((flags & XS_IOMAP_FAULT) && p->punch == XS_PUNCH_CLEAN)
		return 0;
	/* iomap_last_written_block(): keep the block holding the last written byte */
	start_byte = written ? bs_up(ip, pos + written) : bs_down(ip, pos);
	end_byte = bs_up(ip, pos + length);
	if (start_byte >= end_byte)
		return 0;

	switch (p->punch) {
	case XS_PUNCH_TRUNCATE:
		xs_write_end_truncate_punch(ip, start_byte, end_byte, false);
		break;
	case XS_PUNCH_LOCKED_TRUNCATE:
		xs_write_end_truncate_punch(ip, start_byte, end_byte, true);
		break;
	case XS_PUNCH_CLEAN:
		if (flags & XS_IOMAP_ZERO) {
			/* zeroing callers already hold invalidate_lock */
			xs_iomap_write_delalloc_release(ip, start_byte, end_byte);
		} else {
			xs_fs_lock(ip->i_fs, XS_LOCK_INVALIDATE, XS_LOCK_EXCL);
			xs_iomap_write_delalloc_release(ip, start_byte, end_byte);
			xs_fs_unlock(ip->i_fs, XS_LOCK_INVALIDATE, XS_LOCK_EXCL);
		}
		break;
	case XS_PUNCH_NONE:
		break;
	}
	return 0;
}

/* The locked folio holding page index, or NULL (filemap_lock_folio()). */
static struct xs_folio *xs_lookup_locked(struct xs_inode *ip, xs_pgoff_t index)
{
	return xs_filemap_get_folio(ip, index, 0, false);
}

/* Models iomap_write_delalloc_ifs_punch() (6.6+): clean blocks of a dirty folio. */
static void xs_write_delalloc_ifs_punch(struct xs_inode *ip, struct xs_folio *folio,
					xs_off_t start_byte, xs_off_t end_byte)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	xs_off_t fpos = xs_folio_pos(pc, folio);
	uint64_t last = xs_min_u64(end_byte, fpos + xs_folio_size(pc, folio));
	uint64_t b;

	if (!pol(ip)->block_dirty || xs_folio_nr_blocks(pc, folio) == 1)
		return;
	for (b = bs_down(ip, start_byte); b < last; b += pc->block_bytes) {
		uint32_t blk = (uint32_t)((b - fpos) / pc->block_bytes);

		if (!xs_folio_block_dirty(pc, folio, blk))
			xs_bmap_punch_delalloc_range(ip, b, b + pc->block_bytes);
	}
}

/* Models iomap_write_delalloc_scan(). */
static void xs_write_delalloc_scan(struct xs_inode *ip, xs_off_t *punch_start_byte,
				   xs_off_t start_byte, xs_off_t end_byte)
{
	struct xs_pagecache *pc = &ip->i_mapping;

	while (start_byte < end_byte) {
		uint64_t index = start_byte / pc->page_bytes;
		xs_off_t fend;
		struct xs_folio *folio;

		/* filemap_lock_folio(): lock, then see whether it is (still) there */
		folio = xs_lookup_locked(ip, index);
		if (!folio) {
			start_byte = (index + 1) * pc->page_bytes;
			continue;
		}
		xs_fs_cost(ip->i_fs, XS_COST_PUNCH_FOLIO, 0);
		fend = xs_folio_pos(pc, folio) + xs_folio_size(pc, folio);
		if (folio->flags & XS_FOLIO_DIRTY) {
			if (start_byte > *punch_start_byte)
				xs_bmap_punch_delalloc_range(ip, *punch_start_byte, start_byte);
			xs_write_delalloc_ifs_punch(ip, folio, start_byte, end_byte);
			*punch_start_byte = xs_min_u64(end_byte, fend);
		}
		xs_folio_unlock(ip->i_fs, folio->index);
		start_byte = fend;
	}
}

void xs_iomap_write_delalloc_release(struct xs_inode *ip, xs_off_t start_byte, xs_off_t end_byte)
{
	xs_off_t punch_start_byte = start_byte;
	xs_off_t scan_end_byte = xs_min_u64(ip->i_size, end_byte);

	while (start_byte < scan_end_byte) {
		int64_t data, data_end;

		data = xs_mapping_seek_hole_data(&ip->i_mapping, start_byte, scan_end_byte, true);
		if (data < 0 || (uint64_t)data == scan_end_byte)
			break;
		start_byte = (uint64_t)data;
		data_end =
			xs_mapping_seek_hole_data(&ip->i_mapping, start_byte, scan_end_byte, false);
		if ((uint64_t)data_end == start_byte)
			continue;
		xs_write_delalloc_scan(ip, &punch_start_byte, start_byte, (uint64_t)data_end);
		start_byte = (uint64_t)data_end;
	}
	/* the punch itself, charged as one more folio's walk (docs/scenarios.md, "[cpu]") */
	xs_fs_cost(ip->i_fs, XS_COST_PUNCH_FOLIO, 0);
	if (punch_start_byte < end_byte)
		xs_bmap_punch_delalloc_range(ip, punch_start_byte, end_byte);
}

/* Read the bytes of one block of a folio from its mapping (or zero them). */
static void xs_read_block(struct xs_inode *ip, struct xs_folio *folio, uint32_t off,
			  const struct xs_bmbt_irec *map, xs_fileoff_t file_block)
{
	struct xs_mount *mp = ip->i_mount;
	uint32_t bs = ip->i_mapping.block_bytes;

	if (xs_bmap_is_hole_extent(map) || xs_bmap_is_delalloc_extent(map) ||
	    map->br_state == XS_EXT_UNWRITTEN || xs_fsb_to_b(mp, file_block) >= ip->i_size) {
		xs_folio_zero(&ip->i_mapping, folio, off, bs);
		xs_fs_cost(ip->i_fs, XS_COST_ZERO, bs);
		return;
	}
	xs_pagestore_copy(
		&ip->i_mapping.data, xs_folio_pos(&ip->i_mapping, folio) + off, &ip->i_fs->disk,
		xs_fsb_to_b(mp, map->br_startblock + (file_block - map->br_startoff)), bs);
}

void xs_iomap_read_folio(struct xs_inode *ip, struct xs_folio *folio)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	uint32_t b;

	xs_fs_lock(ip->i_fs, XS_LOCK_ILOCK, XS_LOCK_SHARED);
	for (b = 0; b < xs_folio_nr_blocks(pc, folio); b++) {
		uint32_t off = b * pc->block_bytes;
		xs_fileoff_t file_block = xs_b_to_fsbt(ip->i_mount, xs_folio_pos(pc, folio) + off);
		struct xs_bmbt_irec map;
		int n = 1;

		if (xs_folio_range_uptodate(pc, folio, off, pc->block_bytes))
			continue;
		xs_bmapi_read(ip, file_block, 1, &map, &n);
		xs_read_block(ip, folio, off, &map, file_block);
		xs_folio_set_range_uptodate(pc, folio, off, pc->block_bytes);
	}
	xs_fs_unlock(ip->i_fs, XS_LOCK_ILOCK, XS_LOCK_SHARED);
}

/* Does the write path ask for folios sized to the write (6.6+)? */
static bool xs_sized_write_folios(struct xs_inode *ip)
{
	return pol(ip)->large_folios >= XS_FOLIOS_WRITE;
}

/*
 * Models iomap_write_begin() + __iomap_write_begin(): get and lock the folio (of the
 * order fgf_set_order(*len) asks for, 6.6+), trim *len to it, check the validity
 * cookie, and bring the blocks the write only partly covers up to date. Returns the
 * locked folio, or NULL with F_STALE set on the iomap.
 */
static struct xs_folio *xs_iomap_write_begin(struct xs_inode *ip, struct xs_iomap *iomap,
					     uint64_t pos, uint64_t *len)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	unsigned int order = xs_sized_write_folios(ip) ? xs_fgf_order(pc, *len) : 0;
	bool created = !xs_pagecache_lookup(pc, pos / pc->page_bytes);
	struct xs_folio *folio = xs_filemap_get_folio(ip, pos / pc->page_bytes, order, true);
	xs_off_t fpos = xs_folio_pos(pc, folio);
	uint64_t fsize = xs_folio_size(pc, folio);
	uint32_t from, to, b;

	if (created)
		xs_fs_cost(ip->i_fs, XS_COST_FOLIO_ALLOC, fsize);
	*len = xs_min_u64(*len, fpos + fsize - pos);
	from = (uint32_t)(pos - fpos);
	to = (uint32_t)(from + *len);
	if (pol(ip)->validity && iomap->validity_cookie != ip->i_df.if_seq) {
		iomap->flags |= XS_IOMAP_F_STALE;
		xs_fs_event(ip->i_fs, XS_EV_STALE_IOMAP, pos, *len);
		/* a folio this call created and left empty goes again */
		if (!xs_folio_any_uptodate(pc, folio) && !(folio->flags & XS_FOLIO_DIRTY)) {
			xs_pgoff_t first = folio->index;

			xs_pagecache_remove(pc, folio);
			xs_folio_unlock(ip->i_fs, first);
		} else {
			xs_folio_unlock(ip->i_fs, folio->index);
		}
		return NULL;
	}
	/* a whole-folio write needs nothing read */
	if (from == 0 && to == fsize)
		return folio;
	if (folio->flags & XS_FOLIO_UPTODATE)
		return folio;
	for (b = 0; b < xs_folio_nr_blocks(pc, folio); b++) {
		uint32_t poff = b * pc->block_bytes, pend = poff + pc->block_bytes;
		uint64_t block_pos = fpos + poff;

		if (pend <= from || poff >= to)
			continue; /* not touched by the write */
		if (xs_folio_block_uptodate(pc, folio, b))
			continue;
		if (from <= poff && to >= pend)
			continue; /* fully overwritten */
		/* iomap_block_needs_zeroing() */
		if (iomap->type != XS_IOMAP_MAPPED || (iomap->flags & XS_IOMAP_F_NEW) ||
		    block_pos >= ip->i_size) {
			xs_fs_cost(ip->i_fs, XS_COST_ZERO,
				   (from > poff ? from - poff : 0) + (to < pend ? pend - to : 0));
			if (from > poff)
				xs_folio_zero(pc, folio, poff, from - poff);
			if (to < pend)
				xs_folio_zero(pc, folio, to, pend - to);
			xs_fs_event(ip->i_fs, XS_EV_ZEROED, block_pos, pc->block_bytes);
		} else {
			struct xs_bmbt_irec map;
			uint64_t fb = xs_b_to_fsbt(ip->i_mount, block_pos);
			int n = 1;

			xs_bmapi_read(ip, fb, 1, &map, &n);
			xs_read_block(ip, folio, poff, &map, fb);
		}
		xs_folio_set_range_uptodate(pc, folio, poff, pc->block_bytes);
	}
	return folio;
}

/* Models __iomap_write_end(): false rejects a short copy into a non-uptodate folio. */
static bool xs_iomap_write_end(struct xs_inode *ip, struct xs_folio *folio, uint64_t pos,
			       uint64_t len, uint64_t copied)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	uint32_t off = (uint32_t)(pos - xs_folio_pos(pc, folio));

	if (copied < len && !(folio->flags & XS_FOLIO_UPTODATE))
		return false;
	xs_folio_set_range_uptodate(pc, folio, off, (uint32_t)len);
	xs_folio_mark_dirty_range(pc, folio, off, (uint32_t)copied);
	return true;
}

/* Models iomap_write_failed(): drop page cache beyond EOF that a failed write made. */
static void xs_iomap_write_failed(struct xs_inode *ip, uint64_t pos, uint64_t len)
{
	if (pos + len > ip->i_size)
		xs_truncate_pagecache_range(ip, xs_max_u64(pos, ip->i_size), pos + len - 1);
}

/*
 * Copy bytes of the user buffer into the folio at off through the page-sized scratch,
 * storing each piece before the next copy. Returns the bytes copied (short at a fault).
 */
static uint64_t xs_copy_from_user(struct xs_pagecache *pc, struct xs_folio *folio, uint32_t off,
				  uint64_t bytes, const struct xs_user_buf *src, uint64_t src_off)
{
	uint64_t copied = 0;

	while (copied < bytes) {
		uint64_t n = xs_min_u64(pc->page_bytes, bytes - copied);
		uint64_t c = src->copy(src->arg, pc->scratch, src_off + copied, n);

		if (c && src->marker_id)
			xs_folio_write_marker(pc, folio, off + (uint32_t)copied, (uint32_t)c,
					      src->marker_id, src_off + copied);
		else if (c)
			xs_folio_write(pc, folio, off + (uint32_t)copied, (uint32_t)c, pc->scratch);
		copied += c;
		if (c < n)
			break;
	}
	return copied;
}

/*
 * Models iomap_write_iter(): copy into the folios of one mapping, a chunk at a time
 * (a page; from 6.6 up to the largest folio, aligned). Returns bytes written (>= 0)
 * or a -errno when nothing was written.
 */
static int64_t xs_iomap_write_iter(struct xs_inode *ip, struct xs_iomap *iomap, uint64_t pos,
				   uint64_t length, const struct xs_user_buf *src, uint64_t src_off)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	uint64_t chunk = xs_sized_write_folios(ip) ? (uint64_t)pc->page_bytes << pc->max_order
						   : pc->page_bytes;
	uint64_t total = 0;
	int64_t status = 0;

	while (length) {
		uint64_t bytes = xs_min_u64(chunk - pos % chunk, length);
		struct xs_folio *folio;
		uint64_t copied;
		xs_pgoff_t first;
		bool ok;

	retry:
		if (src->fault_in && src->fault_in(src->arg, src_off + total, bytes) == bytes) {
			status = -EFAULT;
			break;
		}
		xs_fs_preempt(ip->i_fs, XS_PT_WRITE_COPY, pos);
		folio = xs_iomap_write_begin(ip, iomap, pos, &bytes);
		if (!folio)
			break; /* stale: remap */
		first = folio->index;
		/* copy-in goes through scratch: the copy must not yield before it is stored */
		copied = xs_copy_from_user(pc, folio, (uint32_t)(pos - xs_folio_pos(pc, folio)),
					   bytes, src, src_off + total);
		if (copied < bytes)
			xs_fs_event(ip->i_fs, XS_EV_SHORT_COPY, pos + copied, bytes - copied);
		ok = xs_iomap_write_end(ip, folio, pos, bytes, copied);
		if (ok && pos + copied > ip->i_size)
			ip->i_size = pos + copied;
		xs_folio_unlock(ip->i_fs, first);
		xs_fs_preempt(ip->i_fs, XS_PT_WRITE_CHUNK_DONE, pos);
		if (!ok || copied == 0) {
			/* a rejected copy: smaller folios next time (6.6+) */
			if (chunk > pc->page_bytes)
				chunk /= 2;
			xs_iomap_write_failed(ip, pos, bytes);
			if (copied) {
				bytes = copied;
				goto retry;
			}
			continue; /* retry the same bytes; fault_in decides */
		}
		pos += copied;
		total += copied;
		length -= copied;
	}
	return total ? (int64_t)total : status;
}

int64_t xs_iomap_file_buffered_write(struct xs_inode *ip, xs_off_t pos, xs_off_t len,
				     const struct xs_user_buf *src)
{
	uint64_t start = pos;
	int64_t ret = 0;

	while (len) {
		struct xs_iomap iomap;
		uint64_t length;
		int64_t processed;
		int error;

		error = xs_buffered_write_iomap_begin(ip, pos, len, XS_IOMAP_WRITE, &iomap);
		if (error) {
			ret = error;
			break;
		}
		length = xs_min_u64(len, iomap.offset + iomap.length - pos);
		xs_fs_preempt(ip->i_fs, XS_PT_WRITE_MAPPED, pos);
		processed = xs_iomap_write_iter(ip, &iomap, pos, length, src, pos - start);
		xs_fs_preempt(ip->i_fs, XS_PT_WRITE_END, pos);
		xs_buffered_write_iomap_end(ip, pos, length,
					    processed > 0 ? (uint64_t)processed : 0, XS_IOMAP_WRITE,
					    &iomap);
		if (processed < 0) {
			ret = processed;
			break;
		}
		if (processed == 0 && !(iomap.flags & XS_IOMAP_F_STALE))
			break;
		pos += (uint64_t)processed;
		len -= (uint64_t)processed;
	}
	if (pos > start)
		return (int64_t)(pos - start);
	return ret;
}

/*
 * Models truncate_inode_partial_folio() on a locked folio the range [lstart, lend]
 * covers in part: zero the covered bytes, then split a large folio if it is clean
 * (its pages inside the range are then removed one by one); a dirty one cannot give
 * up its iomap_folio_state (iomap_release_folio refuses), so it stays whole, dirty.
 */
static void xs_truncate_partial_folio(struct xs_inode *ip, struct xs_folio *folio, xs_off_t lstart,
				      xs_off_t lend)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	xs_off_t fpos = xs_folio_pos(pc, folio), flast = fpos + xs_folio_size(pc, folio) - 1;
	uint64_t zs = xs_max_u64(lstart, fpos), ze = xs_min_u64(lend, flast);

	XS_ASSERT(zs <= ze);
	xs_folio_zero(pc, folio, (uint32_t)(zs - fpos), (uint32_t)(ze - zs + 1));
	xs_folio_wrprotect(folio);
	if (folio->order && !(folio->flags & (XS_FOLIO_DIRTY | XS_FOLIO_WRITEBACK)))
		xs_folio_split(pc, folio);
}

void xs_truncate_pagecache_range(struct xs_inode *ip, xs_off_t lstart, xs_off_t lend)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	uint64_t index = lstart / pc->page_bytes;
	bool any = false;

	for (;;) {
		size_t i = xs_pagecache_first_at(pc, index);
		struct xs_folio *folio;
		xs_off_t fpos, flast;

		if (i >= pc->nr || xs_folio_pos(pc, pc->folios[i]) > lend)
			break;
		/* truncate_inode_pages_range() locks each folio and waits for its writeback */
		folio = xs_lookup_locked(ip, xs_max_u64(index, pc->folios[i]->index));
		if (!folio)
			continue;
		index = folio->index;
		any = true;
		xs_fs_cost(ip->i_fs, XS_COST_PUNCH_FOLIO, 0);
		xs_folio_wait_writeback(ip, folio);
		fpos = xs_folio_pos(pc, folio);
		flast = fpos + xs_folio_size(pc, folio) - 1;
		if (fpos >= lstart && flast <= lend) {
			if (folio->flags & XS_FOLIO_DIRTY)
				xs_fs_event(ip->i_fs, XS_EV_DISCARD_DIRTY, fpos,
					    xs_folio_size(pc, folio));
			xs_pagecache_remove(pc, folio);
			xs_folio_unlock(ip->i_fs, index);
			if (index == UINT64_MAX)
				break;
			index++;
			continue;
		}
		xs_truncate_partial_folio(ip, folio, lstart, lend);
		/* after a split the folio is its first page: the pages after it come next */
		xs_folio_unlock(ip->i_fs, index);
		if (xs_folio_next_index(folio) == 0)
			break;
		/* not the pages before lstart a split left (partial only as a part) */
		index = xs_max_u64(xs_folio_next_index(folio), lstart / pc->page_bytes);
	}
	if (any)
		xs_fs_event(ip->i_fs, XS_EV_TRUNCATE_PC, lstart,
			    lend == UINT64_MAX ? UINT64_MAX - lstart : lend - lstart + 1);
}

int64_t xs_filemap_read(struct xs_inode *ip, xs_off_t pos, xs_off_t len, uint8_t *buf,
			const struct xs_user_dst *dst)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	uint64_t done = 0, last_index;

	if (pos >= ip->i_size)
		return 0;
	len = xs_min_u64(len, ip->i_size - pos);
	last_index = (pos + len + pc->page_bytes - 1) / pc->page_bytes;
	while (done < len) {
		uint64_t index = (pos + done) / pc->page_bytes, off, n;
		const struct xs_folio *seen = xs_pagecache_peek(pc, index);
		struct xs_folio *folio;

		/*
		 * filemap_get_pages(): readahead on a miss, and at a marked folio.
		 * Simplification: checked at each folio, where the kernel checks once per
		 * batch of folios (a miss, then the batch's last folio for the mark).
		 */
		if (!seen) {
			xs_page_cache_sync_ra(ip, index, last_index - index);
			seen = xs_pagecache_peek(pc, index);
		}
		if (seen && (seen->flags & XS_FOLIO_READAHEAD))
			xs_page_cache_async_ra(ip, xs_pagecache_lookup(pc, index),
					       last_index - seen->index);
		folio = xs_filemap_get_folio(ip, index, 0, true);
		if (!(folio->flags & XS_FOLIO_UPTODATE))
			xs_iomap_read_folio(ip, folio);
		off = pos + done - xs_folio_pos(pc, folio);
		n = xs_min_u64(len - done, xs_folio_size(pc, folio) - off);
		xs_folio_read(pc, folio, (uint32_t)off, (uint32_t)n, buf + done);
		xs_folio_unlock(ip->i_fs, folio->index);
		if (dst) {
			size_t c = dst->copy(dst->arg, done, buf + done, n);

			if (c < n) {
				done += c;
				pc->ra.prev_pos = pos + done;
				return done ? (int64_t)done : -EFAULT;
			}
		}
		done += n;
	}
	pc->ra.prev_pos = pos + done;
	return (int64_t)done;
}

static bool xs_range_has_dirty(struct xs_inode *ip, uint64_t start, uint64_t end)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	size_t i = xs_pagecache_first_at(pc, start / pc->page_bytes);

	for (; i < pc->nr && xs_folio_pos(pc, pc->folios[i]) < end; i++)
		if (pc->folios[i]->flags & (XS_FOLIO_DIRTY | XS_FOLIO_WRITEBACK))
			return true;
	return false;
}

/*
 * Models iomap_zero_iter(): zero [pos, pos + len) through the page cache. Returns the
 * bytes zeroed, short when the iomap went stale (the caller maps again from there).
 */
static uint64_t xs_iomap_zero_iter(struct xs_inode *ip, struct xs_iomap *iomap, uint64_t pos,
				   uint64_t len)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	uint64_t done = 0;
	uint64_t chunk = xs_sized_write_folios(ip) ? (uint64_t)pc->page_bytes << pc->max_order
						   : pc->page_bytes;

	while (done < len) {
		uint64_t at = pos + done;
		uint64_t bytes = xs_min_u64(chunk - at % chunk, len - done);
		struct xs_folio *folio = xs_iomap_write_begin(ip, iomap, at, &bytes);

		if (!folio)
			break;
		xs_folio_zero(pc, folio, (uint32_t)(at - xs_folio_pos(pc, folio)), (uint32_t)bytes);
		xs_iomap_write_end(ip, folio, at, bytes, bytes);
		xs_folio_unlock(ip->i_fs, folio->index);
		done += bytes;
	}
	return done;
}

/*
 * Models the partial EOF case of iomap_zero_range() in 6.13..6.18 (fde4c4c3ec1c;
 * docs/kernel.md, "Versions and presets"): when the range starts inside a block whose
 * page cache is dirty, that block's part of the range is zeroed through the page cache
 * whatever the mapping, so the usual case (zeroing from an unaligned EOF) flushes
 * nothing and leaves an unwritten block unwritten. Returns the bytes it covered: 0
 * when the case does not apply.
 */
static int64_t xs_iomap_zero_partial_eof(struct xs_inode *ip, uint64_t pos, uint64_t len,
					 bool *did_zero)
{
	uint32_t bs = ip->i_mount->m_geo.blocksize;
	uint64_t off = pos & (bs - 1);
	uint64_t end = pos + xs_min_u64(len, bs - off), at = pos;

	if (!off || !xs_range_has_dirty(ip, pos, end))
		return 0;
	while (at < end) {
		struct xs_iomap iomap;
		int error = xs_buffered_write_iomap_begin(ip, at, end - at, XS_IOMAP_ZERO, &iomap);

		if (error)
			return error;
		at += xs_iomap_zero_iter(ip, &iomap, at,
					 xs_min_u64(end - at, iomap.offset + iomap.length - at));
		if (did_zero)
			*did_zero = true;
	}
	return (int64_t)(end - pos);
}

/*
 * Models iomap_zero_range(). Blocks that read as zeroes on disk (holes, unwritten) are
 * skipped, unless page cache in the range was dirty when zeroing began: then the rest
 * of the range is written back once, which converts what was dirty, and mapped again.
 */
int xs_iomap_zero_range(struct xs_inode *ip, xs_off_t pos, xs_off_t len, bool *did_zero)
{
	uint64_t end = pos + len;
	bool range_dirty;

	if (did_zero)
		*did_zero = false;
	if (pol(ip)->zero_range == XS_ZERO_PARTIAL_EOF) {
		int64_t done = xs_iomap_zero_partial_eof(ip, pos, len, did_zero);

		if (done < 0)
			return (int)done;
		pos += (uint64_t)done;
	}
	range_dirty = pos < end && xs_range_has_dirty(ip, pos, end);
	while (pos < end) {
		struct xs_iomap iomap;
		uint64_t length;
		int error =
			xs_buffered_write_iomap_begin(ip, pos, end - pos, XS_IOMAP_ZERO, &iomap);

		if (error)
			return error;
		length = xs_min_u64(end - pos, iomap.offset + iomap.length - pos);
		if (iomap.type == XS_IOMAP_HOLE || iomap.type == XS_IOMAP_UNWRITTEN) {
			if (range_dirty) {
				/* iomap_zero_iter_flush_and_stale(): then map again */
				range_dirty = false;
				xs_filemap_write_and_wait_range(ip, pos, end - 1);
				continue;
			}
			pos += length;
			continue;
		}
		pos += xs_iomap_zero_iter(ip, &iomap, pos, length);
		if (did_zero)
			*did_zero = true;
	}
	return 0;
}
