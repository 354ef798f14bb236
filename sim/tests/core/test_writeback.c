/*
 * Unit tests of ioend building, asynchronous completion and the waits for writeback
 * (core/writeback.h), with a host that keeps every submitted ioend until the test
 * completes it, the way a device would later.
 */
#include "tests/core/coretest.h"
#include "tests/testhelp.h"

#include "core/pagecache.h"
#include "core/writeback.h"

#include <string.h>

#define WB_MAX 64

/* The device: ioends submitted and not yet written, in submission order. */
struct wb_host {
	struct xs_fs *fs;
	struct xs_ioend *pending[WB_MAX];
	int npending;
	int nsubmitted;
	struct xs_ioend seen[WB_MAX]; /* a copy of each, as submitted */
	int waits;		      /* wait_writeback calls */
	xs_pgoff_t waited[WB_MAX];
};

static void wb_submit(void *host, struct xs_ioend *ioend)
{
	struct wb_host *h = host;

	XS_ASSERT(h->npending < WB_MAX && h->nsubmitted < WB_MAX);
	h->seen[h->nsubmitted++] = *ioend;
	h->pending[h->npending++] = ioend;
}

/* The device writes every pending ioend; the completion work runs if it was queued. */
static void wb_complete_all(struct wb_host *h)
{
	bool queued = false;
	int i;

	for (i = 0; i < h->npending; i++)
		queued |= xs_end_bio(h->pending[i]);
	h->npending = 0;
	if (queued)
		xs_end_io(&h->fs->inode);
}

/* A waiter sleeps until the device has written everything pending. */
static void wb_wait(void *host, xs_pgoff_t index)
{
	struct wb_host *h = host;

	if (h->waits < WB_MAX)
		h->waited[h->waits] = index;
	h->waits++;
	wb_complete_all(h);
}

static const struct xs_host_ops wb_ops = {
	.submit_ioend = wb_submit,
	.wait_writeback = wb_wait,
};

static int wb_init(struct xs_fs *fs, struct wb_host *h, const char *kernel)
{
	struct xs_geometry geo;
	struct xs_policy pol;
	struct xs_err err = {0};
	int error;

	memset(h, 0, sizeof(*h));
	error = xs_geometry_default(&geo, CT_GIB, 4096, &err);
	if (!error)
		error = xs_policy_preset(&pol, kernel);
	if (!error)
		error = xs_fs_init(fs, &geo, &pol, &wb_ops, h, &err);
	h->fs = fs;
	return error;
}

/* A fresh 1 GiB filesystem with 6.13's policy on the test device; false: reported. */
static bool wb_start(struct xs_fs *fs, struct wb_host *h)
{
	int error = wb_init(fs, h, "6.13");

	test_cond("fs", error == 0);
	/* single-page folios: the ioends below count one bio_vec per 4 KiB page (a write
	 * of 6.6+ would make one large folio of it) */
	fs->policy.large_folios = XS_FOLIOS_READAHEAD;
	return error == 0;
}

static int64_t wb_write(struct xs_inode *ip, uint64_t pos, uint64_t len, uint8_t byte)
{
	struct ct_fill f = {byte};
	struct xs_user_buf b = ct_fill_buf(&f);

	return xs_file_write(ip, pos, len, &b);
}

static uint64_t nr_under_writeback(struct xs_inode *ip)
{
	const struct xs_pagecache *pc = &ip->i_mapping;
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < pc->nr; i++)
		n += (pc->folios[i]->flags & XS_FOLIO_WRITEBACK) != 0;
	return n;
}

/*
 * Contiguous dirty folios over one delalloc extent become one ioend; a gap in the
 * file ends it; 300 contiguous 4 KiB folios need two bios of at most 256 bio_vecs.
 */
XS_TEST_SUITE(test_writeback_ioend_contiguity)
{
	struct xs_fs fs;
	struct wb_host h;
	struct xs_inode *ip = &fs.inode;

	if (!wb_start(&fs, &h))
		return;
	/* pages 0-7 and 12-15 dirty, pages 8-11 never written */
	test_cond("writes",
		  wb_write(ip, 0, 32768, 'a') == 32768 && wb_write(ip, 49152, 16384, 'b') == 16384);
	test_cond("flusher pass", xs_writeback_some(ip, UINT64_MAX) == 0);
	test_cond("two ioends: the file gap splits them", h.nsubmitted == 2);
	test_cond("first: pages 0-7, 8 bio_vecs", h.seen[0].io_offset == 0 &&
							  h.seen[0].io_bio_size == 32768 &&
							  h.seen[0].io_nr_vecs == 8);
	test_cond("second: pages 12-15", h.seen[1].io_offset == 49152 &&
						 h.seen[1].io_bio_size == 16384 &&
						 h.seen[1].io_nr_vecs == 4);
	/* delalloc is converted to unwritten extents (docs/kernel.md, "Writeback and I/O
	 * completion"), and both end past the on-disk size: both need the completion work */
	test_cond("both unwritten and appending: completion work",
		  h.seen[0].io_wq && h.seen[1].io_wq && h.seen[0].io_unwritten);
	wb_complete_all(&h);
	test_cond("completed: nothing under writeback, on-disk size 64 KiB",
		  nr_under_writeback(ip) == 0 && ip->i_ioends_inflight == 0 &&
			  ip->i_disk_size == 65536);
	xs_fs_destroy(&fs);

	if (!wb_start(&fs, &h))
		return;
	/* 300 pages in one write: one delalloc extent, allocated contiguously */
	test_cond("300 pages", wb_write(ip, 0, 300 * 4096, 'c') == 300 * 4096);
	test_cond("flusher pass", xs_writeback_some(ip, UINT64_MAX) == 0);
	test_cond("bio_vec limit: 256 folios, then 44",
		  h.nsubmitted == 2 && h.seen[0].io_nr_vecs == 256 && h.seen[1].io_nr_vecs == 44);
	test_cond("... contiguous in the file and on disk",
		  h.seen[0].io_bio_size == 256 * 4096 && h.seen[1].io_offset == 256 * 4096 &&
			  h.seen[1].io_bno == h.seen[0].io_bno + 256);
	wb_complete_all(&h);
	test_cond("the completion work merges them: one size update to 300 pages",
		  ip->i_disk_size == 300 * 4096 && ip->i_ioends_inflight == 0);
	xs_fs_destroy(&fs);
}

/*
 * Type limit: written and unwritten blocks never share an ioend. Pages 0-3 are written
 * and synced (written extent), pages 4-7 preallocated (unwritten); then all 8 are
 * rewritten. The unwritten one stays unwritten until the completion work runs.
 */
XS_TEST_SUITE(test_writeback_ioend_type)
{
	struct xs_fs fs;
	struct wb_host h;
	struct xs_inode *ip = &fs.inode;
	struct xs_bmbt_irec r[8];
	size_t n;

	if (!wb_start(&fs, &h))
		return;
	test_cond("write 16 KiB + fsync",
		  wb_write(ip, 0, 16384, 'a') == 16384 && xs_file_fsync(ip) == 0);
	test_cond("the fsync waited for its ioend",
		  h.waits >= 1 && h.npending == 0 && ip->i_disk_size == 16384);
	test_cond("fallocate 16 KiB after it", xs_file_fallocate(ip, 0, 16384, 16384) == 0);
	h.nsubmitted = 0;
	test_cond("rewrite 32 KiB", wb_write(ip, 0, 32768, 'b') == 32768);
	test_cond("flusher pass", xs_writeback_some(ip, UINT64_MAX) == 0);
	test_cond("two ioends, split at the type change",
		  h.nsubmitted == 2 && !h.seen[0].io_unwritten && h.seen[1].io_unwritten &&
			  h.seen[0].io_bio_size == 16384 && h.seen[1].io_offset == 16384);
	test_cond("the overwrite needs no transaction; the unwritten one does",
		  !h.seen[0].io_wq && h.seen[1].io_wq);
	n = ct_records(ip, r, 8);
	test_cond("before completion: pages 4-7 still unwritten",
		  n == 2 && r[1].br_startoff == 4 && r[1].br_state == XS_EXT_UNWRITTEN);
	/* the device finishes the overwrite alone: its folios end at once (bio end_io) */
	test_cond("overwrite done in end_io", !xs_end_bio(h.pending[0]));
	test_cond("... pages 0-3 no longer under writeback, 4-7 still",
		  nr_under_writeback(ip) == 4 && ip->i_ioends_inflight == 1);
	test_cond("the unwritten one is queued for the completion work", xs_end_bio(h.pending[1]));
	test_cond("... and stays under writeback until it runs",
		  nr_under_writeback(ip) == 4 && r[1].br_state == XS_EXT_UNWRITTEN);
	h.npending = 0;
	test_cond("the completion work ran one ioend", xs_end_io(ip) == 1);
	n = ct_records(ip, r, 8);
	test_cond("pages 4-7 written, nothing under writeback",
		  nr_under_writeback(ip) == 0 && n >= 1 && r[n - 1].br_state == XS_EXT_NORM &&
			  ip->i_disk_size == 32768);
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);
}

/*
 * EOF clamp: an ioend of the block straddling EOF carries the whole block in its bio
 * but its size ends at EOF, so the completion sets the on-disk size to 10000, not 12288.
 */
XS_TEST_SUITE(test_writeback_ioend_eof)
{
	struct xs_fs fs;
	struct wb_host h;
	struct xs_inode *ip = &fs.inode;

	if (!wb_start(&fs, &h))
		return;
	test_cond("write 10000 bytes", wb_write(ip, 0, 10000, 'e') == 10000);
	test_cond("flusher pass", xs_writeback_some(ip, UINT64_MAX) == 0);
	test_cond("one ioend: 3 blocks in the bio, 10000 bytes of file",
		  h.nsubmitted == 1 && h.seen[0].io_bio_size == 12288 &&
			  h.seen[0].io_size == 10000);
	test_cond("on-disk size unchanged before completion", ip->i_disk_size == 0);
	wb_complete_all(&h);
	test_cond("on-disk size 10000 after", ip->i_disk_size == 10000);
	xs_fs_destroy(&fs);
}

/*
 * The waits: a flusher pass leaves folios under writeback; a truncate of one of them
 * waits for it (truncate_inode_pages_range), and fsync returns only once every ioend it
 * started (and the flusher's) has completed.
 */
XS_TEST_SUITE(test_writeback_waits)
{
	struct xs_fs fs;
	struct wb_host h;
	struct xs_inode *ip = &fs.inode;

	if (!wb_start(&fs, &h))
		return;
	test_cond("write 8 pages", wb_write(ip, 0, 32768, 'w') == 32768);
	test_cond("flusher pass", xs_writeback_some(ip, UINT64_MAX) == 0);
	test_cond("8 folios under writeback, none dirty, one ioend in flight",
		  nr_under_writeback(ip) == 8 && ip->i_mapping.nr_dirty == 0 &&
			  ip->i_ioends_inflight == 1 && h.waits == 0);
	test_cond("a second flusher pass skips them (WB_SYNC_NONE)",
		  xs_writeback_some(ip, UINT64_MAX) == 0 && h.nsubmitted == 1);
	test_cond("truncate to 6 pages", xs_file_truncate(ip, 24576) == 0);
	test_cond("... waited for page 6's writeback before removing it",
		  h.waits == 1 && h.waited[0] == 6 && ip->i_ioends_inflight == 0);
	test_cond("... which is gone", !xs_pagecache_lookup(&ip->i_mapping, 6) &&
					       !xs_pagecache_lookup(&ip->i_mapping, 7));

	/* dirty again, half written back by the flusher, then fsync */
	test_cond("rewrite", wb_write(ip, 0, 24576, 'x') == 24576);
	test_cond("flusher: 3 folios", xs_writeback_some(ip, 3) == 0 && h.npending == 1);
	test_cond("redirty page 1 under writeback", wb_write(ip, 4096, 100, 'y') == 100);
	h.waits = 0;
	test_cond("fsync", xs_file_fsync(ip) == 0);
	test_cond("it waited for page 1 before writing it again (WB_SYNC_ALL)",
		  h.waits >= 1 && h.waited[0] == 1);
	test_cond("after fsync: nothing in flight, nothing dirty or under writeback",
		  h.npending == 0 && ip->i_ioends_inflight == 0 && nr_under_writeback(ip) == 0 &&
			  ip->i_mapping.nr_dirty == 0);
	test_cond("inode check", ct_inode_ok(ip));
	xs_fs_destroy(&fs);
}
