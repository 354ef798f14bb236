/*
 * The buffered write path, reads and zeroing; see iomap.h.
 *
 * Models fs/iomap/buffered-io.c (iomap_write_iter, iomap_write_begin,
 * __iomap_write_begin, __iomap_write_end, iomap_write_delalloc_release/_scan/_ifs_punch,
 * iomap_page_mkwrite, iomap_read_folio, iomap_zero_range), fs/iomap/iter.c (iomap_iter)
 * and fs/xfs/xfs_iomap.c (xfs_buffered_write_iomap_begin/_end) — Linux 6.18, with
 * the <= 6.1 behaviour selected by the policy (struct xs_policy).
 *
 * Simplification: a chunk is at most one page (folios are pages).
 * Simplification: balance_dirty_pages throttling is the host's business (not here).
 */
#include "core/iomap.h"

#include "core/bmap.h"
#include "core/prealloc.h"
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

/* Models iomap_write_delalloc_ifs_punch() (6.6+): clean blocks of a dirty folio. */
static void xs_write_delalloc_ifs_punch(struct xs_inode *ip, struct xs_folio *folio,
					xs_off_t start_byte, xs_off_t end_byte)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	xs_off_t fpos = folio->index * pc->page_bytes;
	uint64_t last = xs_min_u64(end_byte, fpos + pc->page_bytes);
	uint64_t b;

	if (!pol(ip)->block_dirty || pc->blocks_per_folio == 1)
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
		xs_off_t fend = (index + 1) * pc->page_bytes;
		struct xs_folio *folio;

		/* filemap_lock_folio(): lock, then see whether it is (still) there */
		if (!xs_pagecache_lookup(pc, index)) {
			start_byte = fend;
			continue;
		}
		xs_folio_lock(ip->i_fs, index);
		folio = xs_pagecache_lookup(pc, index);
		if (folio && (folio->flags & XS_FOLIO_DIRTY)) {
			if (start_byte > *punch_start_byte)
				xs_bmap_punch_delalloc_range(ip, *punch_start_byte, start_byte);
			xs_write_delalloc_ifs_punch(ip, folio, start_byte, end_byte);
			*punch_start_byte = xs_min_u64(end_byte, fend);
		}
		xs_folio_unlock(ip->i_fs, index);
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
		return;
	}
	xs_pagestore_copy(
		&ip->i_mapping.data, folio->index * ip->i_mapping.page_bytes + off, &ip->i_fs->disk,
		xs_fsb_to_b(mp, map->br_startblock + (file_block - map->br_startoff)), bs);
}

void xs_iomap_read_folio(struct xs_inode *ip, struct xs_folio *folio)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	uint32_t b;

	xs_fs_lock(ip->i_fs, XS_LOCK_ILOCK, XS_LOCK_SHARED);
	for (b = 0; b < pc->blocks_per_folio; b++) {
		uint32_t off = b * pc->block_bytes;
		xs_fileoff_t file_block =
			xs_b_to_fsbt(ip->i_mount, folio->index * pc->page_bytes + off);
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

/*
 * Models iomap_write_begin() + __iomap_write_begin(): get and lock the folio, check
 * the validity cookie, and bring the blocks the write only partly covers up to date.
 * Returns the locked folio, or NULL with F_STALE set on the iomap.
 */
static struct xs_folio *xs_iomap_write_begin(struct xs_inode *ip, struct xs_iomap *iomap,
					     uint64_t pos, uint64_t len)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	uint64_t index = pos / pc->page_bytes;
	xs_off_t fpos = index * pc->page_bytes;
	uint32_t from = (uint32_t)(pos - fpos), to = (uint32_t)(from + len);
	struct xs_folio *folio;
	uint32_t b;

	xs_folio_lock(ip->i_fs, index);
	folio = xs_pagecache_get(pc, index);
	if (pol(ip)->validity && iomap->validity_cookie != ip->i_df.if_seq) {
		iomap->flags |= XS_IOMAP_F_STALE;
		xs_fs_event(ip->i_fs, XS_EV_STALE_IOMAP, pos, len);
		/* a folio this call created and left empty goes again */
		if (!folio->uptodate_bits && !(folio->flags & XS_FOLIO_DIRTY))
			xs_pagecache_remove(pc, folio);
		xs_folio_unlock(ip->i_fs, index);
		return NULL;
	}
	/* a whole-folio write needs nothing read */
	if (from == 0 && to == pc->page_bytes)
		return folio;
	if (folio->flags & XS_FOLIO_UPTODATE)
		return folio;
	for (b = 0; b < pc->blocks_per_folio; b++) {
		uint32_t poff = b * pc->block_bytes, pend = poff + pc->block_bytes;
		uint64_t block_pos = fpos + poff;

		if (pend <= from || poff >= to)
			continue; /* not touched by the write */
		if (xs_folio_range_uptodate(pc, folio, poff, pc->block_bytes))
			continue;
		if (from <= poff && to >= pend)
			continue; /* fully overwritten */
		/* iomap_block_needs_zeroing() */
		if (iomap->type != XS_IOMAP_MAPPED || (iomap->flags & XS_IOMAP_F_NEW) ||
		    block_pos >= ip->i_size) {
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
	uint32_t off = (uint32_t)(pos - folio->index * pc->page_bytes);

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
 * Models iomap_write_iter(): copy into the folios of one mapping. Returns bytes written
 * (>= 0) or a -errno when nothing was written.
 */
static int64_t xs_iomap_write_iter(struct xs_inode *ip, struct xs_iomap *iomap, uint64_t pos,
				   uint64_t length, const struct xs_user_buf *src, uint64_t src_off)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	uint64_t total = 0;
	int64_t status = 0;

	while (length) {
		uint64_t offset = pos % pc->page_bytes;
		uint64_t bytes = xs_min_u64(pc->page_bytes - offset, length);
		struct xs_folio *folio;
		uint64_t copied;
		bool ok;

	retry:
		if (src->fault_in && src->fault_in(src->arg, src_off + total, bytes) == bytes) {
			status = -EFAULT;
			break;
		}
		xs_fs_preempt(ip->i_fs, XS_PT_WRITE_COPY, pos);
		folio = xs_iomap_write_begin(ip, iomap, pos, bytes);
		if (!folio)
			break; /* stale: remap */
		/* copy-in goes through scratch: the copy must not yield before it is stored */
		copied = src->copy(src->arg, pc->scratch, src_off + total, bytes);
		if (copied)
			xs_folio_write(pc, folio, (uint32_t)offset, (uint32_t)copied, pc->scratch);
		if (copied < bytes)
			xs_fs_event(ip->i_fs, XS_EV_SHORT_COPY, pos + copied, bytes - copied);
		ok = xs_iomap_write_end(ip, folio, pos, bytes, copied);
		if (ok && pos + copied > ip->i_size)
			ip->i_size = pos + copied;
		xs_folio_unlock(ip->i_fs, folio->index);
		xs_fs_preempt(ip->i_fs, XS_PT_WRITE_CHUNK_DONE, pos);
		if (!ok || copied == 0) {
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

void xs_truncate_pagecache_range(struct xs_inode *ip, xs_off_t lstart, xs_off_t lend)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	uint64_t index = lstart / pc->page_bytes;
	bool any = false;

	for (;;) {
		size_t i = xs_pagecache_first_at(pc, index);
		struct xs_folio *folio;
		xs_off_t fpos, flast;

		if (i >= pc->nr || pc->folios[i]->index * pc->page_bytes > lend)
			break;
		index = pc->folios[i]->index;
		/* truncate_inode_pages_range() locks each folio and waits for its writeback */
		xs_folio_lock(ip->i_fs, index);
		folio = xs_pagecache_lookup(pc, index);
		if (!folio) {
			xs_folio_unlock(ip->i_fs, index);
			continue;
		}
		any = true;
		xs_folio_wait_writeback(ip, folio);
		fpos = folio->index * pc->page_bytes;
		flast = fpos + pc->page_bytes - 1;
		if (fpos >= lstart && flast <= lend) {
			if (folio->flags & XS_FOLIO_DIRTY)
				xs_fs_event(ip->i_fs, XS_EV_DISCARD_DIRTY, fpos, pc->page_bytes);
			xs_pagecache_remove(pc, folio);
		} else {
			/* partial: zero the covered bytes, dirty state unchanged */
			uint64_t zs = xs_max_u64(lstart, fpos), ze = xs_min_u64(lend, flast);

			xs_folio_zero(pc, folio, (uint32_t)(zs - fpos), (uint32_t)(ze - zs + 1));
			xs_folio_wrprotect(folio);
		}
		xs_folio_unlock(ip->i_fs, index);
		if (index == UINT64_MAX)
			break;
		index++;
	}
	if (any)
		xs_fs_event(ip->i_fs, XS_EV_TRUNCATE_PC, lstart,
			    lend == UINT64_MAX ? UINT64_MAX - lstart : lend - lstart + 1);
}

int64_t xs_filemap_read(struct xs_inode *ip, xs_off_t pos, xs_off_t len, uint8_t *buf,
			const struct xs_user_dst *dst)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	uint64_t done = 0;

	if (pos >= ip->i_size)
		return 0;
	len = xs_min_u64(len, ip->i_size - pos);
	while (done < len) {
		uint64_t index = (pos + done) / pc->page_bytes;
		uint64_t off = (pos + done) % pc->page_bytes;
		uint64_t n = xs_min_u64(len - done, pc->page_bytes - off);
		struct xs_folio *folio;

		xs_folio_lock(ip->i_fs, index);
		folio = xs_pagecache_get(pc, index);
		if (!(folio->flags & XS_FOLIO_UPTODATE))
			xs_iomap_read_folio(ip, folio);
		xs_folio_read(pc, folio, (uint32_t)off, (uint32_t)n, buf + done);
		xs_folio_unlock(ip->i_fs, index);
		if (dst) {
			size_t c = dst->copy(dst->arg, done, buf + done, n);

			if (c < n) {
				done += c;
				return done ? (int64_t)done : -EFAULT;
			}
		}
		done += n;
	}
	return (int64_t)done;
}

static bool xs_range_has_dirty(struct xs_inode *ip, uint64_t start, uint64_t end)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	size_t i = xs_pagecache_first_at(pc, start / pc->page_bytes);

	for (; i < pc->nr && pc->folios[i]->index * pc->page_bytes < end; i++)
		if (pc->folios[i]->flags & (XS_FOLIO_DIRTY | XS_FOLIO_WRITEBACK))
			return true;
	return false;
}

/* Models iomap_zero_iter(): zero [pos, pos + len) through the page cache. */
static void xs_iomap_zero_iter(struct xs_inode *ip, struct xs_iomap *iomap, uint64_t pos,
			       uint64_t len)
{
	struct xs_pagecache *pc = &ip->i_mapping;

	while (len) {
		uint64_t offset = pos % pc->page_bytes;
		uint64_t bytes = xs_min_u64(pc->page_bytes - offset, len);
		struct xs_folio *folio = xs_iomap_write_begin(ip, iomap, pos, bytes);

		if (!folio)
			return;
		xs_folio_zero(pc, folio, (uint32_t)offset, (uint32_t)bytes);
		xs_iomap_write_end(ip, folio, pos, bytes, bytes);
		xs_folio_unlock(ip->i_fs, folio->index);
		pos += bytes;
		len -= bytes;
	}
}

int xs_iomap_zero_range(struct xs_inode *ip, xs_off_t pos, xs_off_t len, bool *did_zero)
{
	uint64_t end = pos + len;
	bool flushed = false;

	if (did_zero)
		*did_zero = false;
	while (pos < end) {
		struct xs_iomap iomap;
		uint64_t length;
		int error =
			xs_buffered_write_iomap_begin(ip, pos, end - pos, XS_IOMAP_ZERO, &iomap);

		if (error)
			return error;
		length = xs_min_u64(end - pos, iomap.offset + iomap.length - pos);
		if (iomap.type == XS_IOMAP_HOLE || iomap.type == XS_IOMAP_UNWRITTEN) {
			/* zero on disk, but dirty cache over it must be flushed and remapped */
			if (!flushed && xs_range_has_dirty(ip, pos, pos + length)) {
				flushed = true;
				xs_filemap_write_and_wait_range(ip, pos, pos + length - 1);
				continue;
			}
			pos += length;
			continue;
		}
		xs_iomap_zero_iter(ip, &iomap, pos, length);
		if (did_zero)
			*did_zero = true;
		pos += length;
	}
	return 0;
}
