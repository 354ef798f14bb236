/*
 * iomap: the buffered write path (iomap_begin / per-folio copy / iomap_end with every
 * punch policy), reads, zeroing, and the dirty-aware delalloc release walk. The fault
 * path (filemap_fault, page_mkwrite) is mmap.h; it calls iomap_begin/_end from here.
 *
 * Models fs/iomap/buffered-io.c and fs/iomap/iter.c (6.1 to 6.18, switched by the
 * policy knobs) and xfs_buffered_write_iomap_begin/_end of fs/xfs/xfs_iomap.c.
 *
 * Locks: callers of xs_iomap_file_buffered_write hold i_rwsem (per write_lock);
 * page faults (mmap.c) hold invalidate_lock shared (or iolock, per fault_lock).
 */
#ifndef XS_IOMAP_H
#define XS_IOMAP_H

#include "core/inode.h"

#define XS_IOMAP_WRITE (1u << 0)
#define XS_IOMAP_ZERO  (1u << 1)
#define XS_IOMAP_FAULT (1u << 2)

#define XS_IOMAP_F_NEW	 (1u << 0) /* this call reserved the range */
#define XS_IOMAP_F_STALE (1u << 1) /* the validity cookie went stale */

enum xs_iomap_type { XS_IOMAP_HOLE = 0, XS_IOMAP_DELALLOC, XS_IOMAP_MAPPED, XS_IOMAP_UNWRITTEN };

struct xs_iomap {
	xs_off_t offset; /* bytes */
	xs_off_t length; /* bytes */
	enum xs_iomap_type type;
	unsigned int flags;
	xs_fsblock_t addr_fsb; /* disk block at offset (MAPPED, UNWRITTEN) */
	uint32_t validity_cookie;
};

/*
 * Where a write's bytes come from. copy() copies up to len bytes of the user buffer,
 * starting src_off bytes into it, to dst and returns how many it copied (less models a
 * fault during copy-in). fault_in() returns how many of len bytes at src_off can NOT
 * be faulted in (0: all readable). A NULL fault_in means always readable.
 */
struct xs_user_buf {
	size_t (*copy)(void *arg, uint8_t *dst, xs_off_t src_off, size_t len);
	size_t (*fault_in)(void *arg, xs_off_t src_off, size_t len);
	void *arg;
	/*
	 * When > 0, what copy() gives is operation marker_id's marker stream from the
	 * buffer's start (core/marker.h): the page cache stores it as such, and copy()
	 * need not write dst (only the count it returns is used). 0 when the buffer holds
	 * anything else.
	 */
	uint64_t marker_id;
};

/* Models xfs_buffered_write_iomap_begin(). Returns 0, -ENOSPC, -EIO. */
int xs_buffered_write_iomap_begin(struct xs_inode *ip, xs_off_t offset, xs_off_t count,
				  unsigned int flags, struct xs_iomap *iomap);

/* Models xfs_buffered_write_iomap_end() for the policy in force. */
int xs_buffered_write_iomap_end(struct xs_inode *ip, xs_off_t pos, xs_off_t length,
				xs_off_t written, unsigned int flags, struct xs_iomap *iomap);

/*
 * Models iomap_file_buffered_write(): copy len bytes of src to the file at pos.
 * Returns bytes written (> 0), or -EFAULT / -ENOSPC / ... when nothing was written.
 * Does not take i_rwsem, zero the gap before pos, or update timestamps (file.c does).
 */
int64_t xs_iomap_file_buffered_write(struct xs_inode *ip, xs_off_t pos, xs_off_t len,
				     const struct xs_user_buf *src);

/*
 * Models iomap_write_delalloc_release(): punch the delalloc in [start, end) except
 * what lies under dirty page cache inside EOF. The caller holds invalidate_lock EXCL.
 */
void xs_iomap_write_delalloc_release(struct xs_inode *ip, xs_off_t start_byte, xs_off_t end_byte);

/*
 * A read()'s user buffer when it is not plain memory: copy() models copy_to_user() of
 * len bytes (already in src) to dst_off of the buffer, page faults enabled, and returns
 * the bytes it copied.
 */
struct xs_user_dst {
	size_t (*copy)(void *arg, xs_off_t dst_off, const uint8_t *src, size_t len);
	void *arg;
};

/*
 * Models filemap_read(): read up to len bytes at pos (short at EOF) into buf, and,
 * with dst, copy each folio's part out to it after unlocking the folio
 * (copy_folio_to_iter()). Returns bytes, or -EFAULT when the first copy-out copied
 * nothing.
 */
int64_t xs_filemap_read(struct xs_inode *ip, xs_off_t pos, xs_off_t len, uint8_t *buf,
			const struct xs_user_dst *dst);

/*
 * Models iomap_zero_range() with xfs ops: zero [pos, pos + len) where it is not
 * already zero on disk. *did_zero (may be NULL) tells whether any folio was dirtied.
 */
int xs_iomap_zero_range(struct xs_inode *ip, xs_off_t pos, xs_off_t len, bool *did_zero);

/*
 * Models truncate_pagecache_range(start, end inclusive): remove folios wholly inside,
 * zero the covered bytes of partial ones (dirty state unchanged), unmap PTEs.
 */
void xs_truncate_pagecache_range(struct xs_inode *ip, xs_off_t lstart, xs_off_t lend);

/*
 * Models __filemap_get_folio(FGP_LOCK, and FGP_CREAT with create): the folio holding
 * page index, locked (by its first index), created with at most order when absent;
 * NULL when absent and !create.
 */
struct xs_folio *xs_filemap_get_folio(struct xs_inode *ip, xs_pgoff_t index, unsigned int order,
				      bool create);

/* Read one whole folio from its mapping (iomap_read_folio): zero or disk bytes. */
void xs_iomap_read_folio(struct xs_inode *ip, struct xs_folio *folio);

#endif /* XS_IOMAP_H */
