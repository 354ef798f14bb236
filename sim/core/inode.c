/*
 * The modelled filesystem: init, policy presets, host hooks and the invariant checks.
 */
#include "core/inode.h"

#include "core/bmap.h"
#include "core/mmap.h"
#include "core/writeback.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

int xs_policy_preset(struct xs_policy *pol, const char *kernel)
{
	memset(pol, 0, sizeof(*pol));
	pol->write_lock = XS_WRITE_LOCK_EXCL;
	pol->fault_lock = XS_FAULT_LOCK_INVALIDATE_SHARED;
	if (strcmp(kernel, "6.1") == 0) {
		pol->punch = XS_PUNCH_TRUNCATE;
		pol->fault_end = true;
		pol->validity = false;
		pol->block_dirty = false;
		pol->large_folios = XS_FOLIOS_READAHEAD;
	} else if (strcmp(kernel, "6.2") == 0) {
		pol->punch = XS_PUNCH_CLEAN;
		pol->validity = true;
		pol->large_folios = XS_FOLIOS_READAHEAD;
	} else if (strcmp(kernel, "6.6") == 0) {
		pol->punch = XS_PUNCH_CLEAN;
		pol->validity = true;
		pol->block_dirty = true;
		pol->large_folios = XS_FOLIOS_WRITE;
	} else if (strcmp(kernel, "6.13") == 0 || strcmp(kernel, "6.18") == 0) {
		pol->punch = XS_PUNCH_CLEAN;
		pol->validity = true;
		pol->block_dirty = true;
		pol->zero_range = XS_ZERO_PARTIAL_EOF;
		pol->large_folios = XS_FOLIOS_WRITE_ORDER1;
		/* 6.16: readahead starts at order 0 and climbs by async window */
		pol->ra_order = strcmp(kernel, "6.18") == 0 ? XS_RA_ASYNC : XS_RA_PLUS2;
	} else {
		return -EINVAL;
	}
	return 0;
}

/* Oldest first: a version runs under the last one at or below it. */
static const struct {
	const char *name;
	unsigned int major, minor;
} presets[] = {{"6.1", 6, 1}, {"6.2", 6, 2}, {"6.6", 6, 6}, {"6.13", 6, 13}, {"6.18", 6, 18}};

/* The leading decimal digits of *s as a number; false when there are none. */
static bool parse_uint(const char **s, unsigned int *v)
{
	const char *p = *s;
	unsigned long n = 0;

	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9') {
		if (n < 1000000)
			n = n * 10 + (unsigned long)(*p - '0');
		p++;
	}
	*v = (unsigned int)n;
	*s = p;
	return true;
}

const char *xs_policy_preset_name(size_t i)
{
	return i < sizeof(presets) / sizeof(presets[0]) ? presets[i].name : NULL;
}

const char *xs_policy_preset_for_version(const char *version)
{
	const char *found = NULL;
	unsigned int major, minor;
	size_t i;

	if (!parse_uint(&version, &major) || *version++ != '.' || !parse_uint(&version, &minor))
		return NULL;
	for (i = 0; i < sizeof(presets) / sizeof(presets[0]); i++)
		if (presets[i].major < major ||
		    (presets[i].major == major && presets[i].minor <= minor))
			found = presets[i].name;
	return found;
}

int xs_fs_init(struct xs_fs *fs, const struct xs_geometry *geo, const struct xs_policy *pol,
	       const struct xs_host_ops *ops, void *host, struct xs_err *err)
{
	struct xs_inode *ip = &fs->inode;
	int error;

	memset(fs, 0, sizeof(*fs));
	error = xs_mount_init(&fs->mount, geo, err);
	if (error)
		return error;
	if (geo->blocksize > geo->pagesize) {
		xs_mount_destroy(&fs->mount);
		return xs_err_set(err, -EINVAL, "block size %u above page size %u", geo->blocksize,
				  geo->pagesize);
	}
	xs_pagestore_init(&fs->disk, geo->blocksize);
	fs->policy = *pol;
	fs->ops = ops;
	fs->host = host;
	fs->current_task = -1;
	xs_mm_init(&fs->mm);
	ip->i_fs = fs;
	ip->i_mount = &fs->mount;
	ip->i_ino = 131; /* the first inode a fresh filesystem hands out */
	xs_iext_init(&ip->i_df);
	error = xs_pagecache_init(&ip->i_mapping, geo->pagesize, geo->blocksize);
	/* xfs_setup_inode(): mapping_set_large_folios() */
	ip->i_mapping.max_order = pol->large_folios == XS_FOLIOS_NONE ? 0 : XS_MAX_PAGECACHE_ORDER;
	ip->i_mapping.no_order1 = pol->large_folios != XS_FOLIOS_WRITE_ORDER1;
	XS_ASSERT(error == 0);
	return 0;
}

void xs_fs_destroy(struct xs_fs *fs)
{
	xs_ioend_abandon(&fs->inode);
	xs_iext_destroy(&fs->inode.i_df);
	xs_pagecache_destroy(&fs->inode.i_mapping);
	free(fs->inode.i_bmbt_bno);
	xs_pagestore_destroy(&fs->disk);
	xs_mm_destroy(&fs->mm);
	xs_mount_destroy(&fs->mount);
}

void xs_fs_lock_at(struct xs_fs *fs, enum xs_lock_id id, enum xs_lock_mode mode, const char *fn)
{
	if (fs->ops && fs->ops->lock)
		fs->ops->lock(fs->host, id, mode, fn);
}

void xs_fs_unlock(struct xs_fs *fs, enum xs_lock_id id, enum xs_lock_mode mode)
{
	if (fs->ops && fs->ops->unlock)
		fs->ops->unlock(fs->host, id, mode);
}

void xs_folio_lock_at(struct xs_fs *fs, xs_pgoff_t index, const char *fn)
{
	if (fs->ops && fs->ops->folio_lock)
		fs->ops->folio_lock(fs->host, index, fn);
}

void xs_folio_unlock(struct xs_fs *fs, xs_pgoff_t index)
{
	if (fs->ops && fs->ops->folio_unlock)
		fs->ops->folio_unlock(fs->host, index);
}

void xs_fs_preempt(struct xs_fs *fs, enum xs_point point, xs_off_t off_bytes)
{
	if (fs->ops && fs->ops->preempt)
		fs->ops->preempt(fs->host, point, off_bytes);
}

void xs_fs_cost(struct xs_fs *fs, enum xs_cost cost, xs_off_t bytes)
{
	if (fs->ops && fs->ops->cost)
		fs->ops->cost(fs->host, cost, bytes);
}

void xs_fs_event(struct xs_fs *fs, enum xs_event_kind kind, xs_off_t off_bytes, xs_off_t len_bytes)
{
	struct xs_event ev;

	if (!fs->ops || !fs->ops->event)
		return;
	ev.kind = kind;
	ev.off_bytes = off_bytes;
	ev.len_bytes = len_bytes;
	ev.task = fs->current_task;
	fs->ops->event(fs->host, &ev);
}

struct xs_mm *xs_fs_mm(struct xs_fs *fs)
{
	if (fs->ops && fs->ops->mm)
		return fs->ops->mm(fs->host);
	return &fs->mm;
}

int xs_inode_check(struct xs_inode *ip, struct xs_err *err)
{
	int error;

	error = xs_iext_check(&ip->i_df, err);
	if (error)
		return error;
	error = xs_pagecache_check(&ip->i_mapping, err);
	if (error)
		return error;
	error = xs_pagestore_check(&ip->i_fs->disk, err);
	if (error)
		return error;
	return xs_inode_check_invariants(ip, err);
}

int xs_inode_check_invariants(struct xs_inode *ip, struct xs_err *err)
{
	struct xs_mount *mp = ip->i_mount;
	struct xs_iext_cursor icur;
	struct xs_bmbt_irec got;
	uint64_t delayed = 0, indlen = 0, real = 0, nreal = 0, post_eof_delay = 0;
	/* a write in progress has reserved up to its end before moving i_size there */
	xs_fileoff_t eof_fsb =
		xs_b_to_fsb(mp, ip->i_write_end > ip->i_size ? ip->i_write_end : ip->i_size);
	int64_t total;
	int error;

	error = xs_mount_check(mp, err);
	if (error)
		return error;
	xs_iext_first(&ip->i_df, &icur);
	while (xs_iext_get_extent(&ip->i_df, &icur, &got)) {
		if (xs_isnullstartblock(got.br_startblock)) {
			delayed += got.br_blockcount;
			indlen += xs_startblockval(got.br_startblock);
			if (got.br_startoff + got.br_blockcount > eof_fsb)
				post_eof_delay++;
		} else {
			real += got.br_blockcount;
			nreal++;
		}
		if (got.br_blockcount == 0 || got.br_blockcount > XS_MAX_BMBT_EXTLEN)
			return xs_err_set(err, -EUCLEAN, "record at %llu has length %llu",
					  (unsigned long long)got.br_startoff,
					  (unsigned long long)got.br_blockcount);
		xs_iext_next(&ip->i_df, &icur);
	}
	/* I3 */
	if (delayed != ip->i_delayed_blks)
		return xs_err_set(err, -EUCLEAN, "I3: delalloc records %llu != i_delayed_blks %llu",
				  (unsigned long long)delayed,
				  (unsigned long long)ip->i_delayed_blks);
	if ((int64_t)(delayed + indlen) != mp->m_delalloc_blks)
		return xs_err_set(err, -EUCLEAN, "I3: delalloc+indlen %llu != m_delalloc_blks %lld",
				  (unsigned long long)(delayed + indlen),
				  (long long)mp->m_delalloc_blks);
	if (nreal != ip->i_df_nextents)
		return xs_err_set(err, -EUCLEAN, "real records %llu != if_nextents %llu",
				  (unsigned long long)nreal, (unsigned long long)ip->i_df_nextents);
	if (real + ip->i_bmbt_blocks != ip->i_nblocks)
		return xs_err_set(err, -EUCLEAN, "real blocks %llu + bmbt %llu != i_nblocks %llu",
				  (unsigned long long)real, (unsigned long long)ip->i_bmbt_blocks,
				  (unsigned long long)ip->i_nblocks);
	/* I4: free + reserved + allocated is what the filesystem had at mount */
	total = mp->m_fdblocks + mp->m_delalloc_blks + (int64_t)ip->i_nblocks;
	if (total != mp->m_fdblocks_initial)
		return xs_err_set(
			err, -EUCLEAN, "I4: fdblocks %lld + delalloc %lld + allocated %llu != %lld",
			(long long)mp->m_fdblocks, (long long)mp->m_delalloc_blks,
			(unsigned long long)ip->i_nblocks, (long long)mp->m_fdblocks_initial);
	if (ip->i_nblocks != mp->m_allocated_blocks)
		return xs_err_set(err, -EUCLEAN, "allocator handed out %llu, inode holds %llu",
				  (unsigned long long)mp->m_allocated_blocks,
				  (unsigned long long)ip->i_nblocks);
	/* I6 */
	if (post_eof_delay && !(ip->i_flags & XS_IEOFBLOCKS))
		return xs_err_set(err, -EUCLEAN, "I6: post-EOF delalloc without EOFBLOCKS");
	return 0;
}

int xs_inode_check_dirty_backing(struct xs_inode *ip, struct xs_err *err)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	struct xs_mount *mp = ip->i_mount;
	struct xs_iext_cursor icur;
	struct xs_bmbt_irec got = {0};
	uint64_t seen = 0, bad = UINT64_MAX;
	bool have = false;
	size_t i;

	/*
	 * The dirty folios, last index first (an append's are at the end), until all
	 * pc->nr_dirty of them are seen; a record is looked up only when a block leaves the
	 * last one found. The lowest unbacked block is the one reported.
	 */
	for (i = pc->nr; i-- > 0 && seen < pc->nr_dirty;) {
		struct xs_folio *f = pc->folios[i];
		uint32_t b;

		if (!(f->flags & XS_FOLIO_DIRTY))
			continue;
		seen++;
		for (b = 0; b < xs_folio_nr_blocks(pc, f); b++) {
			uint64_t pos = xs_folio_pos(pc, f) + (uint64_t)b * pc->block_bytes;
			xs_fileoff_t fsb = xs_b_to_fsbt(mp, pos);

			if (pos >= ip->i_size)
				break;
			/*
			 * The block bits say what was written, under either dirty_tracking:
			 * with per-folio tracking writeback also writes a folio's clean
			 * uptodate blocks, but they hold what their backing (or a hole)
			 * holds, so nothing is lost if they have none.
			 */
			if (xs_folio_nr_blocks(pc, f) > 1 && !xs_folio_block_dirty(pc, f, b))
				continue;
			if (!have || fsb < got.br_startoff ||
			    fsb >= got.br_startoff + got.br_blockcount)
				have = xs_iext_lookup_extent(&ip->i_df, fsb, &icur, &got);
			if (!have || got.br_startoff > fsb) {
				bad = pos;
				break;
			}
		}
	}
	if (bad != UINT64_MAX)
		return xs_err_set(err, -EUCLEAN, "I1: dirty block at byte %llu has no backing",
				  (unsigned long long)bad);
	return 0;
}
