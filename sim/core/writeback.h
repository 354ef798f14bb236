/*
 * Writeback: dirty folios to disk in ioends, converting delalloc on the way; I/O
 * completion converting unwritten extents, moving the on-disk size and ending the
 * folios' writeback; and the waits for writeback.
 *
 * Models iomap_writepages / iomap_writeback_folio (fs/iomap/buffered-io.c),
 * iomap_add_to_ioend / iomap_can_add_to_ioend / iomap_finish_ioends / iomap_ioend_try_merge
 * (fs/iomap/ioend.c), xfs_map_blocks / xfs_imap_valid / xfs_writeback_submit /
 * xfs_end_bio / xfs_end_io / xfs_end_ioend / xfs_discard_folio (fs/xfs/xfs_aops.c),
 * folio_prepare_writeback (mm/page-writeback.c) and __filemap_fdatawait_range
 * (mm/filemap.c), Linux 6.18 (docs/kernel.md, "Writeback and I/O completion").
 *
 * An ioend is contiguous in the file and on disk, of one type (unwritten or not), and
 * holds at most XS_BIO_MAX_VECS folios (one bio_vec each) and XS_IOEND_BATCH_SIZE
 * folios of a writeback pass. The writeback pass builds it across folios, each
 * folio unlocked once mapped and left under writeback; it is submitted when the next
 * block cannot join it, and at the end of the pass. The host's submit_ioend hook starts
 * the I/O and returns; when the device is done the host calls xs_end_bio(), which
 * finishes an overwrite at once (the bio's end_io) and queues the others (unwritten,
 * or past the on-disk size) for xs_end_io(), the inode's completion work. Without that
 * hook (no host, `wpsim io`) an ioend completes when it is submitted.
 *
 * Simplification: no bio_vec merges of physically contiguous folios: a folio is one
 * bio_vec, so with 4 KiB folios an ioend is at most 1 MiB.
 * Simplification: the bytes reach the modelled disk when their block joins an ioend
 * (the kernel's DMA runs between submission and completion); a later write redirties
 * the folio and is written again.
 */
#ifndef XS_WRITEBACK_H
#define XS_WRITEBACK_H

#include "core/inode.h"

#define XS_BIO_MAX_VECS	    256	       /* BIO_MAX_VECS: bio_vecs of the ioend's bio */
#define XS_IOEND_BATCH_SIZE 4096       /* IOEND_BATCH_SIZE: folios per ioend */
#define XS_BIO_MAX_BYTES    UINT32_MAX /* bi_size is an unsigned int */

/* Models struct iomap_ioend. */
struct xs_ioend {
	struct xs_inode *io_inode;
	xs_off_t io_offset;   /* file offset, bytes */
	xs_off_t io_size;     /* bytes, clamped to the in-core EOF when a block joins */
	xs_off_t io_bio_size; /* bytes of the bio (whole blocks): what the folios wait for */
	xs_fsblock_t io_bno;  /* first disk block */
	bool io_unwritten;    /* IOMAP_IOEND_UNWRITTEN */
	bool io_wq;	      /* completes in the completion work (bi_end_io = xfs_end_bio) */
	uint32_t io_nr_vecs;
	xs_pgoff_t io_last_folio; /* index of the folio of the last bio_vec */
	int io_error;
	/* the host's: when and by which task it was submitted (for its trace) */
	double io_start_s;
	int io_task;
	struct xs_ioend *io_prev, *io_next; /* the inode's ioends in flight */
	struct xs_ioend *io_list;	    /* the inode's completion queue (i_ioend_list) */
};

/*
 * Write back every dirty folio with bytes in [start, end] (inclusive) and wait for
 * writeback of the range (WB_SYNC_ALL: a folio already under writeback is waited for,
 * then written if dirty). Returns 0 or the first error (-ENOSPC from delalloc
 * conversion, -EIO).
 */
int xs_filemap_write_and_wait_range(struct xs_inode *ip, xs_off_t start, xs_off_t end);

/* Models __filemap_fdatawait_range(): wait until no folio in [start, end] is under
 * writeback. */
void xs_filemap_fdatawait_range(struct xs_inode *ip, xs_off_t start, xs_off_t end);

/* Models folio_wait_writeback(): the caller holds the folio's lock. */
void xs_folio_wait_writeback(struct xs_inode *ip, struct xs_folio *folio);

/* Write back at most nr_folios dirty folios, lowest index first (the flusher,
 * WB_SYNC_NONE: folios under writeback are skipped). */
int xs_writeback_some(struct xs_inode *ip, uint64_t nr_folios);

/* Write back the folios dirtied at or before dirtied_before_ns (periodic writeback). */
int xs_writeback_expired(struct xs_inode *ip, uint64_t dirtied_before_ns);

/*
 * Models xfs_end_bio() and the bio end_io of iomap_ioend_writeback_submit(): the device
 * has written the ioend. An ioend needing a transaction is queued on the inode's
 * completion list: returns true when the list was empty (the host must run
 * xs_end_io() in its completion worker). Otherwise the folios' writeback ends here.
 */
bool xs_end_bio(struct xs_ioend *ioend);

/* Models xfs_end_io(): complete every queued ioend, lowest offset first, merging
 * adjacent ones (iomap_ioend_try_merge). Returns how many were completed. */
uint64_t xs_end_io(struct xs_inode *ip);

/* Free the ioends still in flight (a run that ended without completing them). */
void xs_ioend_abandon(struct xs_inode *ip);

#endif /* XS_WRITEBACK_H */
