/*
 * The fault path of a shared writable mapping of the file: a load or store through a
 * user mapping, the read fault that brings the page in (mm/filemap.c filemap_fault),
 * and the write fault that makes its PTE writable (xfs_write_fault ->
 * iomap_page_mkwrite in fs/iomap/buffered-io.c), which maps the folio for writing
 * through the same iomap_begin as write() does.
 *
 * Lock order: the write fault takes the fault lock of the policy (invalidate_lock
 * shared, or i_rwsem exclusive under fault_lock = iolock-excl), then the folio lock;
 * the read fault takes invalidate_lock shared, then the folio lock.
 *
 * Simplification: one process and no mmap_lock; a mapping covers the whole file and
 *   PTEs are two folio flags (XS_FOLIO_PTE_MAPPED, XS_FOLIO_PTE_WRITE).
 */
#include "core/mmap.h"

#include "core/iomap.h"

#include <errno.h>

/* Models filemap_fault() for a page that is not (or not uptodate) in the cache. */
static int xs_filemap_fault(struct xs_inode *ip, uint64_t index)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	struct xs_folio *folio;

	if (index * pc->page_bytes >= ip->i_size)
		return -EFAULT; /* SIGBUS */
	folio = xs_pagecache_lookup(pc, index);
	if (folio && (folio->flags & XS_FOLIO_UPTODATE)) {
		folio->flags |= XS_FOLIO_PTE_MAPPED;
		return 0;
	}
	xs_fs_lock(ip->i_fs, XS_LOCK_INVALIDATE, XS_LOCK_SHARED);
	xs_folio_lock(ip->i_fs, index);
	folio = xs_pagecache_get(pc, index);
	if (!(folio->flags & XS_FOLIO_UPTODATE))
		xs_iomap_read_folio(ip, folio);
	folio->flags |= XS_FOLIO_PTE_MAPPED;
	xs_folio_unlock(ip->i_fs, index);
	xs_fs_unlock(ip->i_fs, XS_LOCK_INVALIDATE, XS_LOCK_SHARED);
	return 0;
}

/*
 * Models xfs_write_fault() -> iomap_page_mkwrite(): map the folio's bytes inside EOF
 * for writing (reserving delalloc over holes), dirty the folio, make the PTE writable.
 * Returns 0, -EAGAIN (folio truncated: the VM retries), -EFAULT (SIGBUS), -ENOSPC.
 */
static int xs_page_mkwrite(struct xs_inode *ip, uint64_t index)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	struct xs_policy *p = &ip->i_fs->policy;
	xs_off_t fpos = index * pc->page_bytes, pos, end;
	struct xs_folio *folio;
	int error = 0;
	enum xs_lock_id lk =
		p->fault_lock == XS_FAULT_LOCK_IOLOCK_EXCL ? XS_LOCK_IOLOCK : XS_LOCK_INVALIDATE;
	enum xs_lock_mode lm =
		p->fault_lock == XS_FAULT_LOCK_IOLOCK_EXCL ? XS_LOCK_EXCL : XS_LOCK_SHARED;

	xs_fs_lock(ip->i_fs, lk, lm);
	xs_folio_lock(ip->i_fs, index);
	folio = xs_pagecache_lookup(pc, index);
	/* folio_mkwrite_check_truncate() */
	if (!folio || !(folio->flags & XS_FOLIO_UPTODATE)) {
		error = -EAGAIN;
		goto out_unlock;
	}
	if (fpos >= ip->i_size) {
		error = -EFAULT;
		goto out_unlock;
	}
	end = xs_min_u64(fpos + pc->page_bytes, ip->i_size);
	for (pos = fpos; pos < end;) {
		struct xs_iomap iomap;
		uint64_t length;

		error = xs_buffered_write_iomap_begin(ip, pos, end - pos,
						      XS_IOMAP_WRITE | XS_IOMAP_FAULT, &iomap);
		if (error)
			goto out_unlock;
		xs_fs_preempt(ip->i_fs, XS_PT_FAULT_MAPPED, pos);
		length = xs_min_u64(end - pos, iomap.offset + iomap.length - pos);
		/* iomap_folio_mkwrite_iter(): folio_mark_dirty() -> every block dirty */
		xs_folio_mark_dirty_range(pc, folio, 0, pc->page_bytes);
		if (p->fault_end)
			xs_buffered_write_iomap_end(ip, pos, length, length,
						    XS_IOMAP_WRITE | XS_IOMAP_FAULT, &iomap);
		pos += length;
	}
	xs_fs_event(ip->i_fs, XS_EV_FAULT_DIRTY, fpos, pc->page_bytes);
	folio->flags |= XS_FOLIO_PTE_MAPPED | XS_FOLIO_PTE_WRITE;
out_unlock:
	xs_folio_unlock(ip->i_fs, index);
	xs_fs_unlock(ip->i_fs, lk, lm);
	return error;
}

int xs_mmap_store(struct xs_inode *ip, xs_off_t pos, const uint8_t *buf, uint32_t len)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	uint64_t index = pos / pc->page_bytes;
	int tries;

	XS_ASSERT(pos % pc->page_bytes + len <= pc->page_bytes);
	for (tries = 0; tries < 1000; tries++) {
		struct xs_folio *folio = xs_pagecache_lookup(pc, index);
		int error;

		if (folio && (folio->flags & XS_FOLIO_PTE_WRITE)) {
			/* the store itself: no kernel event while the PTE stays writable */
			xs_folio_write(pc, folio, (uint32_t)(pos % pc->page_bytes), len, buf);
			return 0;
		}
		xs_fs_preempt(ip->i_fs, XS_PT_FAULT, pos);
		if (!folio || !(folio->flags & XS_FOLIO_UPTODATE)) {
			error = xs_filemap_fault(ip, index);
			if (error)
				return error;
		}
		error = xs_page_mkwrite(ip, index);
		if (error == -EAGAIN)
			continue;
		if (error)
			return -EFAULT; /* SIGBUS (ENOSPC too) */
	}
	return -EFAULT;
}

int xs_mmap_load(struct xs_inode *ip, xs_off_t pos, uint8_t *buf, uint32_t len)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	uint64_t index = pos / pc->page_bytes;
	struct xs_folio *folio;
	int error;

	XS_ASSERT(pos % pc->page_bytes + len <= pc->page_bytes);
	error = xs_filemap_fault(ip, index);
	if (error)
		return error;
	folio = xs_pagecache_lookup(pc, index);
	XS_ASSERT(folio);
	xs_folio_read(pc, folio, (uint32_t)(pos % pc->page_bytes), len, buf);
	return 0;
}

void xs_mmap_unmap_all(struct xs_inode *ip)
{
	size_t i;

	for (i = 0; i < ip->i_mapping.nr; i++)
		ip->i_mapping.folios[i]->flags &= ~(XS_FOLIO_PTE_MAPPED | XS_FOLIO_PTE_WRITE);
}
