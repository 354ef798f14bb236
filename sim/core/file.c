/*
 * File operations; see file.h.
 *
 * Simplification: timestamps, DIO draining and layout breaking are not modelled.
 */
#include "core/file.h"

#include "core/bmap.h"
#include "core/extent_busy.h"
#include "core/prealloc.h"
#include "core/writeback.h"

#include <errno.h>

static enum xs_lock_mode write_iolock_mode(struct xs_inode *ip)
{
	return ip->i_fs->policy.write_lock == XS_WRITE_LOCK_SHARED ? XS_LOCK_SHARED : XS_LOCK_EXCL;
}

/* xfs_blockgc_free_space() for the one inode: a synchronous post-EOF trim. */
static void xs_blockgc_free_space(struct xs_inode *ip)
{
	xs_fs_lock(ip->i_fs, XS_LOCK_IOLOCK, XS_LOCK_EXCL);
	if ((ip->i_flags & XS_IEOFBLOCKS) && xs_can_free_eofblocks(ip))
		xs_free_eofblocks(ip);
	xs_fs_unlock(ip->i_fs, XS_LOCK_IOLOCK, XS_LOCK_EXCL);
}

/* A buffered write leaves xs_file_write() (see i_write_end). */
static void write_done(struct xs_inode *ip)
{
	if (--ip->i_writers == 0)
		ip->i_write_end = 0;
}

int64_t xs_file_write(struct xs_inode *ip, xs_off_t pos, xs_off_t len,
		      const struct xs_user_buf *src)
{
	enum xs_lock_mode iolock = write_iolock_mode(ip);
	bool cleared_space = false;
	int64_t ret;

	if (len == 0)
		return 0;
	if (pos + len < pos || pos + len > ip->i_mount->m_maxbytes)
		return -EFBIG;
write_retry:
	xs_fs_lock(ip->i_fs, XS_LOCK_IOLOCK, iolock);
	if (ip->i_writers++ == 0 || ip->i_write_end < pos + len)
		ip->i_write_end = pos + len;
	/* xfs_file_write_checks(): zero from the old EOF up to the write */
	if (pos > ip->i_size) {
		xs_fs_lock(ip->i_fs, XS_LOCK_INVALIDATE, XS_LOCK_EXCL);
		xs_iomap_zero_range(ip, ip->i_size, pos - ip->i_size, NULL);
		xs_fs_unlock(ip->i_fs, XS_LOCK_INVALIDATE, XS_LOCK_EXCL);
	}
	ret = xs_iomap_file_buffered_write(ip, pos, len, src);
	if (ret == -ENOSPC && !cleared_space) {
		cleared_space = true;
		/* xfs_flush_inodes(): write everything back, returning surplus indlen */
		xs_filemap_write_and_wait_range(ip, 0, UINT64_MAX);
		write_done(ip);
		xs_fs_unlock(ip->i_fs, XS_LOCK_IOLOCK, iolock);
		xs_blockgc_free_space(ip);
		goto write_retry;
	}
	write_done(ip);
	xs_fs_unlock(ip->i_fs, XS_LOCK_IOLOCK, iolock);
	return ret;
}

int64_t xs_file_read(struct xs_inode *ip, xs_off_t pos, xs_off_t len, uint8_t *buf)
{
	return xs_file_read_user(ip, pos, len, buf, NULL);
}

int64_t xs_file_read_user(struct xs_inode *ip, xs_off_t pos, xs_off_t len, uint8_t *buf,
			  const struct xs_user_dst *dst)
{
	int64_t ret;

	/* the copy-out runs here too: a fault it takes nests inside i_rwsem shared */
	xs_fs_lock(ip->i_fs, XS_LOCK_IOLOCK, XS_LOCK_SHARED);
	ret = xs_filemap_read(ip, pos, len, buf, dst);
	xs_fs_unlock(ip->i_fs, XS_LOCK_IOLOCK, XS_LOCK_SHARED);
	return ret;
}

/*
 * Models truncate_setsize() -> truncate_pagecache(): set i_size, drop folios wholly
 * past the new size and zero the tail of the one straddling it.
 */
static void xs_truncate_setsize(struct xs_inode *ip, xs_off_t newsize)
{
	xs_off_t oldsize = ip->i_size;

	ip->i_size = newsize;
	if (newsize < oldsize)
		xs_truncate_pagecache_range(ip, newsize, UINT64_MAX);
}

/* Models xfs_setattr_size(); the caller holds i_rwsem and invalidate_lock EXCL. */
static int xs_setattr_size(struct xs_inode *ip, xs_off_t newsize)
{
	struct xs_mount *mp = ip->i_mount;
	xs_off_t oldsize = ip->i_size;
	bool did_zeroing = false;
	int error;

	if (newsize == 0 && oldsize == 0 && ip->i_df.if_nextents == 0)
		return 0;
	if (newsize > oldsize) {
		error = xs_iomap_zero_range(ip, oldsize, newsize - oldsize, &did_zeroing);
	} else {
		/* xfs_truncate_page(): zero the rest of the new EOF block */
		uint64_t off = newsize & mp->m_blockmask;

		error = off ? xs_iomap_zero_range(ip, newsize, mp->m_geo.blocksize - off,
						  &did_zeroing)
			    : 0;
	}
	if (error)
		return error;
	xs_truncate_setsize(ip, newsize);
	if (did_zeroing || (newsize > ip->i_disk_size && oldsize != ip->i_disk_size)) {
		if (newsize > 0)
			xs_filemap_write_and_wait_range(ip, ip->i_disk_size, newsize - 1);
	}
	ip->i_disk_size = newsize;
	if (newsize <= oldsize) {
		/* xfs_itruncate_extents(): everything from the first block past EOF */
		uint64_t first = xs_b_to_fsb(mp, newsize);

		xs_fs_lock(ip->i_fs, XS_LOCK_ILOCK, XS_LOCK_EXCL);
		xs_bunmapi(ip, first, (1ULL << 54) - first);
		xs_fs_unlock(ip->i_fs, XS_LOCK_ILOCK, XS_LOCK_EXCL);
		ip->i_flags |= XS_ITRUNCATED;
		ip->i_flags &= ~XS_IEOFBLOCKS;
	}
	return 0;
}

int xs_file_truncate(struct xs_inode *ip, xs_off_t newsize)
{
	int error;

	if (newsize > ip->i_mount->m_maxbytes)
		return -EFBIG;
	xs_fs_lock(ip->i_fs, XS_LOCK_IOLOCK, XS_LOCK_EXCL);
	xs_fs_lock(ip->i_fs, XS_LOCK_INVALIDATE, XS_LOCK_EXCL);
	error = xs_setattr_size(ip, newsize);
	xs_fs_unlock(ip->i_fs, XS_LOCK_INVALIDATE, XS_LOCK_EXCL);
	xs_fs_unlock(ip->i_fs, XS_LOCK_IOLOCK, XS_LOCK_EXCL);
	return error;
}

/* Models xfs_flush_unmap_range(): write back and drop the cache over the range. */
static int xs_flush_unmap_range(struct xs_inode *ip, uint64_t offset, uint64_t len)
{
	uint64_t rounding = xs_max_u64(ip->i_mount->m_geo.blocksize, ip->i_mapping.page_bytes);
	uint64_t start = offset / rounding * rounding;
	uint64_t end = (offset + len + rounding - 1) / rounding * rounding - 1;
	int error = xs_filemap_write_and_wait_range(ip, start, end);

	if (error)
		return error;
	xs_truncate_pagecache_range(ip, start, end);
	return 0;
}

/* Models xfs_free_file_space(): punch a hole, zeroing partial blocks at the ends. */
static int xs_free_file_space(struct xs_inode *ip, uint64_t offset, uint64_t len)
{
	struct xs_mount *mp = ip->i_mount;
	xs_fileoff_t startoffset_fsb, endoffset_fsb;
	int error;

	if (len == 0)
		return 0;
	error = xs_flush_unmap_range(ip, offset, len);
	if (error)
		return error;
	startoffset_fsb = xs_b_to_fsb(mp, offset);
	endoffset_fsb = xs_b_to_fsbt(mp, offset + len);
	if (endoffset_fsb > startoffset_fsb) {
		xs_fs_lock(ip->i_fs, XS_LOCK_ILOCK, XS_LOCK_EXCL);
		xs_bunmapi(ip, startoffset_fsb, endoffset_fsb - startoffset_fsb);
		xs_fs_unlock(ip->i_fs, XS_LOCK_ILOCK, XS_LOCK_EXCL);
	}
	if (offset >= ip->i_size)
		return 0;
	if (offset + len > ip->i_size)
		len = ip->i_size - offset;
	error = xs_iomap_zero_range(ip, offset, len, NULL);
	if (error)
		return error;
	if (offset + len >= ip->i_size && (offset + len) % ip->i_mapping.page_bytes)
		error = xs_filemap_write_and_wait_range(
			ip, (offset + len) / ip->i_mapping.page_bytes * ip->i_mapping.page_bytes,
			UINT64_MAX);
	return error;
}

int xs_file_fallocate(struct xs_inode *ip, unsigned int mode, xs_off_t offset, xs_off_t len)
{
	struct xs_mount *mp = ip->i_mount;
	xs_off_t new_size = 0;
	int error = 0;

	if (len == 0)
		return -EINVAL;
	if (offset + len < offset || offset + len > mp->m_maxbytes)
		return -EFBIG;
	xs_fs_lock(ip->i_fs, XS_LOCK_IOLOCK, XS_LOCK_EXCL);
	xs_fs_lock(ip->i_fs, XS_LOCK_INVALIDATE, XS_LOCK_EXCL);
	if (!(mode & (XS_FALLOC_KEEP_SIZE | XS_FALLOC_PUNCH_HOLE)) && offset + len > ip->i_size)
		new_size = offset + len;
	if (mode & XS_FALLOC_PUNCH_HOLE) {
		error = xs_free_file_space(ip, offset, len);
	} else if (mode & XS_FALLOC_ZERO_RANGE) {
		uint64_t s, e;

		error = xs_free_file_space(ip, offset, len);
		if (!error) {
			s = offset & ~mp->m_blockmask;
			e = (offset + len + mp->m_blockmask) & ~mp->m_blockmask;
			error = xs_alloc_file_space(ip, s, e - s);
		}
	} else {
		error = xs_alloc_file_space(ip, offset, len);
	}
	if (!error && new_size)
		error = xs_setattr_size(ip, new_size);
	xs_fs_unlock(ip->i_fs, XS_LOCK_INVALIDATE, XS_LOCK_EXCL);
	xs_fs_unlock(ip->i_fs, XS_LOCK_IOLOCK, XS_LOCK_EXCL);
	return error;
}

int xs_file_fsync(struct xs_inode *ip)
{
	int error = xs_filemap_write_and_wait_range(ip, 0, UINT64_MAX);

	/* the log force commits the frees: busy extents become reusable */
	xs_extent_busy_clear(ip->i_mount);
	return error;
}

void xs_file_release(struct xs_inode *ip)
{
	if (ip->i_flags & XS_ITRUNCATED) {
		ip->i_flags &= ~(XS_ITRUNCATED | XS_IDIRTY_RELEASE);
		if (ip->i_delayed_blks)
			xs_filemap_write_and_wait_range(ip, 0, UINT64_MAX);
	}
	if (ip->i_flags & XS_IDIRTY_RELEASE)
		return;
	xs_fs_lock(ip->i_fs, XS_LOCK_IOLOCK, XS_LOCK_EXCL);
	if (xs_can_free_eofblocks(ip)) {
		xs_free_eofblocks(ip);
		ip->i_flags |= XS_IDIRTY_RELEASE;
	}
	xs_fs_unlock(ip->i_fs, XS_LOCK_IOLOCK, XS_LOCK_EXCL);
}

void xs_blockgc_scan_inode(struct xs_inode *ip)
{
	if (!(ip->i_flags & XS_IEOFBLOCKS))
		return;
	/* a non-sync scan skips dirty mappings */
	if (ip->i_mapping.nr_dirty)
		return;
	xs_fs_lock(ip->i_fs, XS_LOCK_IOLOCK, XS_LOCK_EXCL);
	if (xs_can_free_eofblocks(ip))
		xs_free_eofblocks(ip);
	else
		ip->i_flags &= ~XS_IEOFBLOCKS;
	xs_fs_unlock(ip->i_fs, XS_LOCK_IOLOCK, XS_LOCK_EXCL);
}

xs_filblks_t xs_inode_evict(struct xs_inode *ip)
{
	/* xfs_inactive(): linked inodes lose their post-EOF blocks */
	if (xs_can_free_eofblocks(ip))
		xs_free_eofblocks(ip);
	/* xfs_check_delalloc(): any delalloc left is a leak */
	return ip->i_delayed_blks;
}

int64_t xs_fs_unmount(struct xs_fs *fs)
{
	return fs->mount.m_delalloc_blks;
}

size_t xs_getbmap(struct xs_inode *ip, bool want_delalloc, struct xs_getbmap_rec *out, size_t max)
{
	struct xs_mount *mp = ip->i_mount;
	struct xs_iext_cursor icur;
	struct xs_bmbt_irec got;
	uint64_t max_len, len, bno = 0, end;
	uint32_t bbshift = mp->m_blocklog - 9;
	size_t n = 0;

	if (!want_delalloc && (ip->i_delayed_blks || ip->i_size > ip->i_disk_size))
		xs_filemap_write_and_wait_range(ip, 0, UINT64_MAX);
	if (ip->i_diflags & XS_DIFLAG_PREALLOC)
		max_len = 1ULL << 62;
	else
		max_len = ip->i_size;
	len = xs_b_to_fsb(mp, max_len);
	end = xs_b_to_fsb(mp, ip->i_size);
	if (!xs_iext_lookup_extent(&ip->i_df, 0, &icur, &got)) {
		/* a whole-file hole, even of length 0, when delalloc is asked for */
		if (!want_delalloc || !max)
			return 0;
		out[0].bmv_offset = 0;
		out[0].bmv_length = (int64_t)(end << bbshift);
		out[0].bmv_block = -1;
		out[0].unwritten = false;
		return 1;
	}
	if (!len)
		return 0;
	while (n < max) {
		struct xs_bmbt_irec rec = got;

		xs_trim_extent(&rec, 0, len);
		if (!rec.br_blockcount)
			break;
		if (rec.br_startoff > bno) {
			out[n].bmv_offset = (int64_t)(bno << bbshift);
			out[n].bmv_length = (int64_t)((rec.br_startoff - bno) << bbshift);
			out[n].bmv_block = -1;
			out[n].unwritten = false;
			if (++n == max)
				break;
		}
		bno = rec.br_startoff + rec.br_blockcount;
		if (!xs_isnullstartblock(rec.br_startblock) || want_delalloc) {
			out[n].bmv_offset = (int64_t)(rec.br_startoff << bbshift);
			out[n].bmv_length = (int64_t)(rec.br_blockcount << bbshift);
			out[n].bmv_block = xs_isnullstartblock(rec.br_startblock)
						   ? -2
						   : (int64_t)(rec.br_startblock << bbshift);
			out[n].unwritten = !xs_isnullstartblock(rec.br_startblock) &&
					   rec.br_state == XS_EXT_UNWRITTEN;
			n++;
		}
		xs_iext_next(&ip->i_df, &icur);
		if (!xs_iext_get_extent(&ip->i_df, &icur, &got)) {
			if (bno < end && n < max) {
				out[n].bmv_offset = (int64_t)(bno << bbshift);
				out[n].bmv_length = (int64_t)((end - bno) << bbshift);
				out[n].bmv_block = -1;
				out[n].unwritten = false;
				n++;
			}
			break;
		}
		if (bno >= len)
			break;
	}
	return n;
}

uint64_t xs_file_fsxattr_nextents(const struct xs_inode *ip)
{
	/* the extents are always read in here, so the on-disk count is never used */
	return ip->i_df.if_nextents;
}

uint64_t xs_file_stat_blocks(const struct xs_inode *ip)
{
	return (ip->i_nblocks + ip->i_delayed_blks) << (ip->i_mount->m_blocklog - 9);
}
