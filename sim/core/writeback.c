/*
 * Writeback; see writeback.h.
 */
#include "core/writeback.h"

#include "core/bmap.h"
#include "core/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The writeback pass's context (struct xfs_writepage_ctx / iomap_writepage_ctx). */
struct xs_wpc {
	bool valid;
	struct xs_bmbt_irec imap; /* HOLESTARTBLOCK for a hole */
	uint32_t data_seq;
	struct xs_ioend *ioend; /* wb_ctx: the ioend being built */
	uint64_t nr_folios;	/* folios with I/O since the ioend was allocated */
	bool sync_all;		/* WB_SYNC_ALL */
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
	if (xs_bmap_is_delalloc_extent(&imap) || imap.br_state == XS_EXT_UNWRITTEN)
		xs_fs_event(ip->i_fs,
			    xs_bmap_is_delalloc_extent(&imap) ? XS_EV_WB_DELALLOC
							      : XS_EV_WB_UNWRITTEN,
			    xs_fsb_to_b(ip->i_mount, imap.br_startoff),
			    xs_fsb_to_b(ip->i_mount, imap.br_blockcount));
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

/* Position in pc->folios of the folio holding page index, or of the first after it. */
static size_t folio_at(const struct xs_pagecache *pc, xs_pgoff_t index)
{
	size_t i = xs_pagecache_first_at(pc, index);

	if (i > 0 && xs_folio_next_index(pc->folios[i - 1]) > index)
		i--;
	return i;
}

/* Models iomap_finish_folio_write(). */
static void xs_finish_folio_write(struct xs_pagecache *pc, struct xs_folio *folio, uint64_t len)
{
	XS_ASSERT((folio->flags & XS_FOLIO_WRITEBACK) && folio->wb_pending >= len);
	folio->wb_pending -= (uint32_t)len;
	if (!folio->wb_pending)
		xs_folio_end_writeback(pc, folio);
}

/*
 * Models iomap_finish_ioend_buffered_write(): every folio with bytes in the bio is done
 * with them. The bio's bytes are contiguous in the file and each came from the folio
 * holding it, so a folio's share is its overlap with the bio.
 */
static void xs_finish_ioend(struct xs_ioend *ioend)
{
	struct xs_inode *ip = ioend->io_inode;
	struct xs_pagecache *pc = &ip->i_mapping;
	xs_off_t start = ioend->io_offset, end = start + ioend->io_bio_size;
	size_t i = folio_at(pc, start / pc->page_bytes);

	while (i < pc->nr && xs_folio_pos(pc, pc->folios[i]) < end) {
		struct xs_folio *f = pc->folios[i];
		xs_off_t fpos = xs_folio_pos(pc, f), fend = fpos + xs_folio_size(pc, f);

		/* a folio under writeback is never removed, so the array does not move */
		xs_finish_folio_write(pc, f, xs_min_u64(fend, end) - xs_max_u64(fpos, start));
		i++;
	}
	if (ioend->io_prev)
		ioend->io_prev->io_next = ioend->io_next;
	else
		ip->i_ioends = ioend->io_next;
	if (ioend->io_next)
		ioend->io_next->io_prev = ioend->io_prev;
	ip->i_ioends_inflight--;
	free(ioend);
}

/* Models xfs_ioend_is_append(). */
static bool xs_ioend_is_append(const struct xs_ioend *ioend)
{
	return ioend->io_offset + ioend->io_size > ioend->io_inode->i_disk_size;
}

/* Models xfs_ioend_needs_wq_completion(): a transaction is needed. */
static bool xs_ioend_needs_wq(const struct xs_ioend *ioend)
{
	return ioend->io_unwritten || xs_ioend_is_append(ioend);
}

/* Models xfs_setfilesize(): move the on-disk size up to the ioend's end (xfs_new_eof). */
static void xs_setfilesize(struct xs_inode *ip, xs_off_t offset, xs_off_t size)
{
	xs_off_t isize;

	xs_fs_lock(ip->i_fs, XS_LOCK_ILOCK, XS_LOCK_EXCL);
	isize = xs_min_u64(offset + size, ip->i_size);
	if (isize > ip->i_disk_size)
		ip->i_disk_size = isize;
	xs_fs_unlock(ip->i_fs, XS_LOCK_ILOCK, XS_LOCK_EXCL);
}

/* Models xfs_end_ioend() for a merged chain: its transactions, then its folios. */
static void xs_end_ioend(struct xs_ioend *ioend, xs_off_t size)
{
	struct xs_inode *ip = ioend->io_inode;
	struct xs_ioend *next;

	if (!ioend->io_error) {
		if (ioend->io_unwritten) {
			xs_fs_event(ip->i_fs, XS_EV_END_UNWRITTEN, ioend->io_offset, size);
			xs_iomap_write_unwritten(ip, ioend->io_offset, size);
		}
		if (ioend->io_offset + size > ip->i_disk_size)
			xs_setfilesize(ip, ioend->io_offset, size);
	}
	for (; ioend; ioend = next) {
		next = ioend->io_list;
		xs_finish_ioend(ioend);
	}
}

bool xs_end_bio(struct xs_ioend *ioend)
{
	struct xs_inode *ip = ioend->io_inode;
	bool idle = !ip->i_ioend_list;

	if (!ioend->io_wq) {
		/* submitted as an overwrite: ended in the bio's end_io */
		xs_finish_ioend(ioend);
		return false;
	}
	ioend->io_list = ip->i_ioend_list;
	ip->i_ioend_list = ioend;
	return idle;
}

static int ioend_cmp(const void *a, const void *b)
{
	const struct xs_ioend *x = *(struct xs_ioend *const *)a, *y = *(struct xs_ioend *const *)b;

	return x->io_offset < y->io_offset ? -1 : x->io_offset > y->io_offset;
}

/* Models iomap_ioend_can_merge(). */
static bool xs_ioend_can_merge(const struct xs_ioend *a, xs_off_t a_size, const struct xs_ioend *b)
{
	struct xs_mount *mp = a->io_inode->i_mount;

	return a->io_error == b->io_error && a->io_unwritten == b->io_unwritten &&
	       a->io_offset + a_size == b->io_offset &&
	       xs_fsb_to_b(mp, a->io_bno) + a_size == xs_fsb_to_b(mp, b->io_bno);
}

uint64_t xs_end_io(struct xs_inode *ip)
{
	struct xs_ioend **v, *e;
	size_t n = 0, i, j;

	for (e = ip->i_ioend_list; e; e = e->io_list)
		n++;
	if (!n)
		return 0;
	v = xs_xmalloc(n * sizeof(*v));
	for (i = 0, e = ip->i_ioend_list; e; e = e->io_list)
		v[i++] = e;
	ip->i_ioend_list = NULL;
	/* iomap_sort_ioends(): a stable sort (list_sort) by offset */
	for (i = 0; i < n; i++)
		v[i]->io_list = NULL;
	qsort(v, n, sizeof(*v), ioend_cmp);
	for (i = 0; i < n; i = j) {
		xs_off_t size = v[i]->io_size;

		for (j = i + 1; j < n && xs_ioend_can_merge(v[i], size, v[j]); j++) {
			v[j - 1]->io_list = v[j];
			size += v[j]->io_size;
		}
		xs_end_ioend(v[i], size);
	}
	free(v);
	return n;
}

/* Models xfs_writeback_submit() and iomap_ioend_writeback_submit(). */
static void xs_submit_ioend(struct xs_inode *ip, struct xs_wpc *wpc)
{
	struct xs_ioend *ioend = wpc->ioend;
	struct xs_fs *fs = ip->i_fs;

	if (!ioend)
		return;
	wpc->ioend = NULL;
	/* the bio's end_io is chosen now: xfs_end_bio only for what needs a transaction */
	ioend->io_wq = xs_ioend_needs_wq(ioend);
	ioend->io_next = ip->i_ioends;
	if (ip->i_ioends)
		ip->i_ioends->io_prev = ioend;
	ip->i_ioends = ioend;
	ip->i_ioends_inflight++;
	xs_fs_event(fs, XS_EV_IO, ioend->io_offset, ioend->io_bio_size);
	if (fs->ops && fs->ops->submit_ioend)
		fs->ops->submit_ioend(fs->host, ioend);
	else if (xs_end_bio(ioend))
		xs_end_io(ip);
}

/* Models iomap_can_add_to_ioend() and bio_add_folio()'s limits. */
static bool xs_can_add_to_ioend(const struct xs_ioend *ioend, const struct xs_wpc *wpc,
				const struct xs_folio *folio, xs_off_t pos, xs_fsblock_t bno,
				bool unwritten, uint32_t len)
{
	struct xs_mount *mp = ioend->io_inode->i_mount;

	if (ioend->io_bio_size > XS_BIO_MAX_BYTES - len)
		return false;
	if (unwritten != ioend->io_unwritten)
		return false;
	if (pos != ioend->io_offset + ioend->io_size)
		return false;
	if (xs_fsb_to_b(mp, ioend->io_bno) + ioend->io_bio_size != xs_fsb_to_b(mp, bno))
		return false;
	if (wpc->nr_folios >= XS_IOEND_BATCH_SIZE)
		return false;
	/* bio_add_folio(): a folio not in the last bio_vec needs a free one */
	if (folio->index != ioend->io_last_folio && ioend->io_nr_vecs >= XS_BIO_MAX_VECS)
		return false;
	return true;
}

/*
 * Models iomap_add_to_ioend(): one block of folio at pos, written to disk block bno;
 * end_pos is where the folio's data ends (the in-core EOF when the folio straddles it).
 */
static void xs_add_to_ioend(struct xs_inode *ip, struct xs_wpc *wpc, struct xs_folio *folio,
			    xs_off_t pos, xs_fsblock_t bno, bool unwritten, xs_off_t end_pos)
{
	uint32_t len = ip->i_mapping.block_bytes;
	struct xs_ioend *ioend = wpc->ioend;

	if (ioend && !xs_can_add_to_ioend(ioend, wpc, folio, pos, bno, unwritten, len)) {
		xs_submit_ioend(ip, wpc);
		ioend = NULL;
	}
	if (!ioend) {
		ioend = xs_xcalloc(1, sizeof(*ioend));
		ioend->io_inode = ip;
		ioend->io_offset = pos;
		ioend->io_bno = bno;
		ioend->io_unwritten = unwritten;
		ioend->io_last_folio = UINT64_MAX;
		ioend->io_task = -1;
		wpc->ioend = ioend;
		wpc->nr_folios = 0;
	}
	if (folio->index != ioend->io_last_folio) {
		ioend->io_nr_vecs++;
		ioend->io_last_folio = folio->index;
	}
	ioend->io_bio_size += len;
	ioend->io_size += len;
	/* clamped to the in-core EOF, so that the on-disk size is byte-accurate */
	if (ioend->io_offset + ioend->io_size > end_pos)
		ioend->io_size = end_pos - ioend->io_offset;
	folio->wb_pending += len;
}

/* Whether writeback writes this block: its dirty bit (6.6+), else every uptodate block. */
static bool xs_block_to_write(struct xs_inode *ip, const struct xs_folio *folio, uint32_t b)
{
	struct xs_pagecache *pc = &ip->i_mapping;

	if (ip->i_fs->policy.block_dirty && xs_folio_nr_blocks(pc, folio) > 1)
		return xs_folio_block_dirty(pc, folio, b);
	return xs_folio_block_uptodate(pc, folio, b);
}

/* Models iomap_writeback_folio() for one locked folio whose dirty flag was cleared. */
static int xs_writeback_folio(struct xs_inode *ip, struct xs_wpc *wpc, struct xs_folio *folio)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	struct xs_mount *mp = ip->i_mount;
	xs_off_t fpos = xs_folio_pos(pc, folio);
	uint64_t fsize = xs_folio_size(pc, folio);
	xs_off_t end_pos = fpos + fsize, end_aligned;
	uint32_t b, nblocks = xs_folio_nr_blocks(pc, folio);
	bool wb_pending = false;
	int error = 0;

	/* iomap_writeback_handle_eof() */
	if (end_pos > ip->i_size) {
		if (fpos >= ip->i_size) {
			xs_folio_clear_dirty_bits(pc, folio);
			return 0;
		}
		xs_folio_zero(pc, folio, (uint32_t)(ip->i_size - fpos),
			      (uint32_t)(end_pos - ip->i_size));
		end_pos = ip->i_size;
	}
	/* the bias keeps completions from ending writeback while the folio is mapped */
	folio->wb_pending = 1;
	xs_folio_start_writeback(pc, folio);
	end_aligned = (end_pos + mp->m_blockmask) & ~(xs_off_t)mp->m_blockmask;
	for (b = 0; b < nblocks; b++) {
		uint64_t pos = fpos + (uint64_t)b * pc->block_bytes;
		xs_fileoff_t fsb = xs_b_to_fsbt(mp, pos);
		xs_fsblock_t bno;

		if (pos >= end_aligned)
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
		xs_add_to_ioend(ip, wpc, folio, pos, bno, wpc->imap.br_state == XS_EXT_UNWRITTEN,
				end_pos);
		wb_pending = true;
	}
	if (wb_pending)
		wpc->nr_folios++;
	xs_folio_clear_dirty_bits(pc, folio);
	xs_finish_folio_write(pc, folio, 1);
	return error;
}

/*
 * Models iomap_writepages() over writeback_iter(): dirty folios with index in
 * [first, last] dirtied at or before dirtied_before_ns, at most max of them.
 */
static int xs_writepages(struct xs_inode *ip, uint64_t first, uint64_t last, uint64_t max,
			 uint64_t dirtied_before_ns, bool sync_all)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	struct xs_wpc wpc;
	uint64_t index = first, done = 0;
	int error = 0;

	memset(&wpc, 0, sizeof(wpc));
	wpc.sync_all = sync_all;
	while (index <= last && done < max) {
		size_t i = folio_at(pc, index);
		struct xs_folio *folio;
		xs_pgoff_t next;
		int e;

		while (i < pc->nr && (!(pc->folios[i]->flags & XS_FOLIO_DIRTY) ||
				      pc->folios[i]->dirtied_ns > dirtied_before_ns ||
				      (!sync_all && (pc->folios[i]->flags & XS_FOLIO_WRITEBACK))))
			i++;
		if (i >= pc->nr || pc->folios[i]->index > last)
			break;
		index = pc->folios[i]->index;
		xs_fs_preempt(ip->i_fs, XS_PT_WB_FOLIO, xs_folio_pos(pc, pc->folios[i]));
		xs_folio_lock(ip->i_fs, index);
		folio = xs_pagecache_lookup(pc, index);
		/* read now: once unlocked the folio may go (another task runs in the unlock) */
		next = folio ? xs_folio_next_index(folio) : index + 1;
		/* folio_prepare_writeback(): WB_SYNC_NONE skips a folio under writeback */
		if (folio && (folio->flags & XS_FOLIO_WRITEBACK) && sync_all)
			xs_folio_wait_writeback(ip, folio);
		if (folio && (folio->flags & XS_FOLIO_DIRTY) &&
		    !(folio->flags & XS_FOLIO_WRITEBACK)) {
			xs_folio_clear_dirty_for_io(pc, folio);
			e = xs_writeback_folio(ip, &wpc, folio);
			if (e && !error)
				error = e;
			done++;
		}
		xs_folio_unlock(ip->i_fs, index);
		index = next;
		if (index == 0)
			break;
	}
	xs_submit_ioend(ip, &wpc);
	return error;
}

void xs_folio_wait_writeback(struct xs_inode *ip, struct xs_folio *folio)
{
	struct xs_fs *fs = ip->i_fs;

	if (!(folio->flags & XS_FOLIO_WRITEBACK))
		return;
	/* without a host every ioend completes when it is submitted */
	XS_ASSERT(fs->ops && fs->ops->wait_writeback);
	fs->ops->wait_writeback(fs->host, folio->index);
}

void xs_filemap_fdatawait_range(struct xs_inode *ip, xs_off_t start, xs_off_t end)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	xs_pgoff_t index = start / pc->page_bytes, last = end / pc->page_bytes;
	struct xs_fs *fs = ip->i_fs;

	if (end < start)
		return;
	for (;;) {
		size_t i = folio_at(pc, index);

		while (i < pc->nr && !(pc->folios[i]->flags & XS_FOLIO_WRITEBACK))
			i++;
		if (i >= pc->nr || pc->folios[i]->index > last)
			return;
		index = pc->folios[i]->index;
		XS_ASSERT(fs->ops && fs->ops->wait_writeback);
		fs->ops->wait_writeback(fs->host, index);
	}
}

int xs_filemap_write_and_wait_range(struct xs_inode *ip, xs_off_t start, xs_off_t end)
{
	uint64_t pb = ip->i_mapping.page_bytes;
	int error;

	if (end < start)
		return 0;
	error = xs_writepages(ip, start / pb, end / pb, UINT64_MAX, UINT64_MAX, true);
	xs_filemap_fdatawait_range(ip, start, end);
	return error;
}

int xs_writeback_some(struct xs_inode *ip, uint64_t nr_folios)
{
	return xs_writepages(ip, 0, UINT64_MAX, nr_folios, UINT64_MAX, false);
}

int xs_writeback_expired(struct xs_inode *ip, uint64_t dirtied_before_ns)
{
	return xs_writepages(ip, 0, UINT64_MAX, UINT64_MAX, dirtied_before_ns, false);
}

void xs_ioend_abandon(struct xs_inode *ip)
{
	struct xs_ioend *e, *next;

	for (e = ip->i_ioends; e; e = next) {
		next = e->io_next;
		free(e);
	}
	ip->i_ioends = ip->i_ioend_list = NULL;
	ip->i_ioends_inflight = 0;
}
