/*
 * File operations of the modelled XFS file, as system calls reach them: write,
 * read, truncate, fallocate, fsync, close, and the end-of-life steps (eviction with
 * the delalloc canary, unmount with the mount-wide counter check), plus GETBMAPX.
 *
 * Models fs/xfs/xfs_file.c (xfs_file_buffered_write, xfs_file_write_checks,
 * xfs_file_fallocate, xfs_file_fsync, xfs_file_release), xfs_iops.c
 * (xfs_setattr_size), xfs_bmap_util.c (xfs_free_file_space, xfs_flush_unmap_range,
 * xfs_getbmap), xfs_icache.c / xfs_super.c (eviction and unmount checks), 6.18.
 */
#ifndef XS_FILE_H
#define XS_FILE_H

#include "core/iomap.h"

/*
 * Models xfs_file_buffered_write(): i_rwsem (write_lock policy), zero the gap past
 * EOF, the iomap write, one ENOSPC retry after flushing and trimming preallocation.
 * Returns bytes written or -errno.
 */
int64_t xs_file_write(struct xs_inode *ip, xs_off_t pos, xs_off_t len,
		      const struct xs_user_buf *src);

/* Models xfs_file_buffered_read() (i_rwsem shared). Returns bytes read. */
int64_t xs_file_read(struct xs_inode *ip, xs_off_t pos, xs_off_t len, uint8_t *buf);
/*
 * The same into a user buffer dst (iomap.h) besides buf: the copy-out, faults
 * enabled, runs under i_rwsem shared. Returns bytes read or -EFAULT.
 */
int64_t xs_file_read_user(struct xs_inode *ip, xs_off_t pos, xs_off_t len, uint8_t *buf,
			  const struct xs_user_dst *dst);

/* Models xfs_vn_setattr_size() -> xfs_setattr_size(). Returns 0 or -errno. */
int xs_file_truncate(struct xs_inode *ip, xs_off_t newsize);

#define XS_FALLOC_KEEP_SIZE  (1u << 0)
#define XS_FALLOC_PUNCH_HOLE (1u << 1)
#define XS_FALLOC_ZERO_RANGE (1u << 2)

/* Models xfs_file_fallocate() for allocate, punch-hole and zero-range. */
int xs_file_fallocate(struct xs_inode *ip, unsigned int mode, xs_off_t offset, xs_off_t len);

/* Models xfs_file_fsync() (and sync(2) for the one file). */
int xs_file_fsync(struct xs_inode *ip);

/* Models xfs_file_release(): close of the last writable descriptor. */
void xs_file_release(struct xs_inode *ip);

/* blockgc: trim post-EOF preallocation of a tagged inode (xfs_inode_free_eofblocks). */
void xs_blockgc_scan_inode(struct xs_inode *ip);

/*
 * End of life: inactivation (post-EOF trim) and the eviction canary
 * (xfs_check_delalloc): returns the delalloc blocks still in the fork, 0 if none.
 * All dirty data must have been written back first.
 */
xs_filblks_t xs_inode_evict(struct xs_inode *ip);

/* Unmount: the mount-wide delalloc counter, which must be 0. */
int64_t xs_fs_unmount(struct xs_fs *fs);

/* One GETBMAPX record (512-byte units; block -1 hole, -2 delalloc). */
struct xs_getbmap_rec {
	int64_t bmv_offset;
	int64_t bmv_block;
	int64_t bmv_length;
	bool unwritten;
};

/*
 * Models xfs_getbmap(): the data-fork map up to EOF (or all records for PREALLOC
 * files), flushing dirty data first unless delalloc is asked for. Returns the number
 * of records written to out (at most max).
 */
size_t xs_getbmap(struct xs_inode *ip, bool want_delalloc, struct xs_getbmap_rec *out, size_t max);

/*
 * Models xfs_fill_fsxattr()'s fsx_nextents: xfs_iext_count(), the in-core records,
 * delalloc included, in extents and btree format alike (the on-disk count only for a
 * fork whose extents were never read, which a file in use never is).
 */
uint64_t xs_file_fsxattr_nextents(const struct xs_inode *ip);

/* stat.st_blocks in 512-byte units: real plus delalloc blocks. */
uint64_t xs_file_stat_blocks(const struct xs_inode *ip);

#endif /* XS_FILE_H */
