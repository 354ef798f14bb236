/*
 * The fault path of a shared writable mapping of the file: a load or store through a
 * user mapping, the read fault that brings the page in (mm/filemap.c filemap_fault),
 * and the write fault that makes its PTE writable (xfs_write_fault ->
 * iomap_page_mkwrite in fs/iomap/buffered-io.c), which maps the folio for writing
 * through the same iomap_begin as write() does; and the user copies of write() and
 * read() when their buffer is such a mapping (docs/kernel.md, "The mm: mmap_lock, PTEs
 * and user copies").
 *
 * Lock order: a fault runs under mmap_lock shared (handle_mm_fault() after
 * lock_mm_and_find_vma()); the write fault then takes the fault lock of the policy
 * (invalidate_lock shared, or i_rwsem exclusive under fault_lock = iolock-excl), then
 * the folio lock; the read fault takes invalidate_lock shared, then the folio lock.
 * Since 6.4 a fault first tries lock_vma_under_rcu(), the VMA's own lock, and falls
 * back to mmap_lock only when that fails. With one VMA per process, and mmap, munmap
 * and mprotect taking the VMA's lock for write along with mmap_lock, the per-VMA lock
 * excludes exactly what mmap_lock shared excludes here; the one difference, that a
 * fault no longer queues behind a waiting writer of another VMA, has no other VMA to
 * show in this model.
 *
 * Simplification: a process maps the whole file, once, MAP_SHARED, read-write; PTEs
 * are per process (struct xs_mm), and the folio flags XS_FOLIO_PTE_MAPPED and
 * XS_FOLIO_PTE_WRITE say whether some process maps it.
 */
#include "core/mmap.h"

#include "core/iomap.h"
#include "core/readahead.h"

#include <errno.h>

/*
 * Install the PTE of page index in mm, mapping that page of folio (finish_fault() /
 * wp_page_shared()).
 */
static void pte_set(struct xs_mm *mm, const struct xs_folio *folio, xs_pgoff_t index, bool write)
{
	struct xs_pte *pte = xs_hashtab_insert(&mm->ptes, index, NULL);

	pte->serial = xs_folio_serial(folio);
	pte->wp_gen = folio->wp_gen;
	pte->write = write;
}

/*
 * Models filemap_fault() for a page without a PTE in mm, then finish_fault()'s
 * read-only PTE. The caller holds mmap_lock shared.
 */
static int xs_filemap_fault(struct xs_inode *ip, struct xs_mm *mm, uint64_t index)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	struct xs_folio *folio;

	if (index * pc->page_bytes >= ip->i_size)
		return -EFAULT; /* SIGBUS */
	folio = xs_pagecache_lookup(pc, index);
	if (folio && (folio->flags & XS_FOLIO_READAHEAD))
		xs_page_cache_async_ra(ip, folio, 1); /* do_async_mmap_readahead() */
	folio = xs_pagecache_lookup(pc, index);
	if (folio && (folio->flags & XS_FOLIO_UPTODATE)) {
		folio->flags |= XS_FOLIO_PTE_MAPPED;
		pte_set(mm, folio, index, false);
		return 0;
	}
	if (!folio)
		xs_mmap_read_around(ip, index); /* do_sync_mmap_readahead() */
	xs_fs_lock(ip->i_fs, XS_LOCK_INVALIDATE, XS_LOCK_SHARED);
	folio = xs_filemap_get_folio(ip, index, 0, true);
	if (!(folio->flags & XS_FOLIO_UPTODATE))
		xs_iomap_read_folio(ip, folio);
	folio->flags |= XS_FOLIO_PTE_MAPPED;
	pte_set(mm, folio, index, false);
	xs_folio_unlock(ip->i_fs, folio->index);
	xs_fs_unlock(ip->i_fs, XS_LOCK_INVALIDATE, XS_LOCK_SHARED);
	return 0;
}

/*
 * Models xfs_write_fault() -> iomap_page_mkwrite(): map the folio's bytes inside EOF
 * for writing (reserving delalloc over holes), dirty the folio, make the PTE writable
 * (do_shared_fault() / wp_page_shared()). The caller holds mmap_lock shared.
 * Returns 0, -EAGAIN (folio truncated: the VM retries), -EFAULT (SIGBUS), -ENOSPC.
 */
static int xs_page_mkwrite(struct xs_inode *ip, struct xs_mm *mm, uint64_t index)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	struct xs_policy *p = &ip->i_fs->policy;
	xs_off_t fpos, pos, end;
	struct xs_folio *folio;
	int error = 0;
	enum xs_lock_id lk =
		p->fault_lock == XS_FAULT_LOCK_IOLOCK_EXCL ? XS_LOCK_IOLOCK : XS_LOCK_INVALIDATE;
	enum xs_lock_mode lm =
		p->fault_lock == XS_FAULT_LOCK_IOLOCK_EXCL ? XS_LOCK_EXCL : XS_LOCK_SHARED;

	xs_fs_lock(ip->i_fs, lk, lm);
	folio = xs_filemap_get_folio(ip, index, 0, false);
	/* folio_mkwrite_check_truncate() */
	if (!folio || !(folio->flags & XS_FOLIO_UPTODATE)) {
		error = -EAGAIN;
		goto out_unlock;
	}
	fpos = xs_folio_pos(pc, folio);
	if (fpos >= ip->i_size) {
		error = -EFAULT;
		goto out_unlock;
	}
	/* the whole folio inside EOF is mapped for writing, not just the faulting page */
	end = xs_min_u64(fpos + xs_folio_size(pc, folio), ip->i_size);
	for (pos = fpos; pos < end;) {
		struct xs_iomap iomap;
		uint64_t length;

		error = xs_buffered_write_iomap_begin(ip, pos, end - pos,
						      XS_IOMAP_WRITE | XS_IOMAP_FAULT, &iomap);
		if (error)
			goto out_unlock;
		xs_fs_preempt(ip->i_fs, XS_PT_FAULT_MAPPED, pos);
		length = xs_min_u64(end - pos, iomap.offset + iomap.length - pos);
		/*
		 * iomap_folio_mkwrite_iter(): folio_mark_dirty() -> every block dirty.
		 * The block bits follow the mapping: a large folio mapped in several
		 * iterations has its later blocks marked once they have backing.
		 */
		xs_folio_mark_dirty_range(pc, folio, 0, (uint32_t)(pos + length - fpos));
		if (p->fault_end)
			xs_buffered_write_iomap_end(ip, pos, length, length,
						    XS_IOMAP_WRITE | XS_IOMAP_FAULT, &iomap);
		pos += length;
	}
	xs_folio_mark_dirty_range(pc, folio, 0, (uint32_t)xs_folio_size(pc, folio));
	xs_fs_event(ip->i_fs, XS_EV_FAULT_DIRTY, fpos, xs_folio_size(pc, folio));
	folio->flags |= XS_FOLIO_PTE_MAPPED | XS_FOLIO_PTE_WRITE;
	pte_set(mm, folio, index, true);
out_unlock:
	if (folio)
		xs_folio_unlock(ip->i_fs, folio->index);
	xs_fs_unlock(ip->i_fs, lk, lm);
	return error;
}

void xs_mm_init(struct xs_mm *mm)
{
	xs_hashtab_init(&mm->ptes, sizeof(struct xs_pte));
	mm->nholes = 0;
}

bool xs_mm_unmapped(const struct xs_mm *mm, xs_pgoff_t index)
{
	int i;

	for (i = 0; i < mm->nholes; i++)
		if (mm->holes[i].first <= index && index <= mm->holes[i].last)
			return true;
	return false;
}

int64_t xs_mm_munmap_range(struct xs_mm *mm, struct xs_pagecache *pc, xs_pgoff_t first,
			   xs_pgoff_t last)
{
	if (mm->nholes == XS_MM_HOLES)
		return -ENOMEM;
	mm->holes[mm->nholes].first = first;
	mm->holes[mm->nholes].last = last;
	mm->nholes++;
	return (int64_t)xs_mm_zap_range(mm, pc, first, last);
}

void xs_mm_mmap_range(struct xs_mm *mm, xs_pgoff_t first, xs_pgoff_t last)
{
	int i = 0;

	while (i < mm->nholes) {
		if (first <= mm->holes[i].first && mm->holes[i].last <= last)
			mm->holes[i] = mm->holes[--mm->nholes];
		else
			i++;
	}
}

void xs_mm_destroy(struct xs_mm *mm)
{
	xs_hashtab_destroy(&mm->ptes);
}

struct xs_folio *xs_mm_pte_folio(struct xs_mm *mm, struct xs_pagecache *pc, xs_pgoff_t index,
				 bool *write)
{
	const struct xs_pte *pte = xs_hashtab_find(&mm->ptes, index);
	struct xs_folio *folio;

	*write = false;
	if (!pte)
		return NULL;
	folio = xs_pagecache_lookup(pc, index);
	if (!folio || xs_folio_serial(folio) != pte->serial) {
		/* its folio went (reclaim, truncate): the rmap walk zapped it then */
		xs_hashtab_remove(&mm->ptes, index);
		return NULL;
	}
	*write = pte->write && pte->wp_gen == folio->wp_gen;
	return folio;
}

/* The PTEs of pages first..last that still map their folio: zapped, or made read-only. */
static uint64_t pte_range(struct xs_mm *mm, struct xs_pagecache *pc, xs_pgoff_t first,
			  xs_pgoff_t last, bool zap)
{
	uint64_t n = 0, index;
	bool write;

	for (index = first; index <= last && mm->ptes.count; index++) {
		if (xs_mm_pte_folio(mm, pc, index, &write)) {
			if (zap) {
				xs_hashtab_remove(&mm->ptes, index);
			} else {
				struct xs_pte *pte = xs_hashtab_find(&mm->ptes, index);

				pte->write = false;
			}
			n++;
		}
		if (index == UINT64_MAX)
			break;
	}
	return n;
}

uint64_t xs_mm_zap_range(struct xs_mm *mm, struct xs_pagecache *pc, xs_pgoff_t first,
			 xs_pgoff_t last)
{
	return pte_range(mm, pc, first, last, true);
}

uint64_t xs_mm_wrprotect_range(struct xs_mm *mm, struct xs_pagecache *pc, xs_pgoff_t first,
			       xs_pgoff_t last)
{
	return pte_range(mm, pc, first, last, false);
}

void xs_mm_unmap(struct xs_mm *mm)
{
	xs_hashtab_destroy(&mm->ptes);
	xs_mm_init(mm);
}

int xs_mmap_store(struct xs_inode *ip, xs_off_t pos, const uint8_t *buf, uint32_t len)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	struct xs_mm *mm = xs_fs_mm(ip->i_fs);
	uint64_t index = pos / pc->page_bytes;
	int tries;

	XS_ASSERT(pos % pc->page_bytes + len <= pc->page_bytes);
	if (xs_mm_unmapped(mm, index))
		return -EFAULT; /* no VMA: SIGSEGV */
	for (tries = 0; tries < 1000; tries++) {
		bool write;
		struct xs_folio *folio = xs_mm_pte_folio(mm, pc, index, &write);
		int error = 0;

		if (folio && write) {
			/* the store itself: no kernel event while the PTE stays writable */
			xs_folio_write(pc, folio, (uint32_t)(pos - xs_folio_pos(pc, folio)), len,
				       buf);
			return 0;
		}
		xs_fs_preempt(ip->i_fs, XS_PT_FAULT, pos);
		if (folio)
			xs_fs_cost(ip->i_fs, XS_COST_WP_FAULT, 0);
		xs_fs_lock(ip->i_fs, XS_LOCK_MMAP, XS_LOCK_SHARED);
		if (!folio)
			error = xs_filemap_fault(ip, mm, index);
		if (!error)
			error = xs_page_mkwrite(ip, mm, index);
		xs_fs_unlock(ip->i_fs, XS_LOCK_MMAP, XS_LOCK_SHARED);
		if (error == -EAGAIN)
			continue;
		if (error)
			return error == -ENOSPC ? -ENOSPC : -EFAULT; /* SIGBUS either way */
	}
	return -EFAULT;
}

int xs_mmap_load(struct xs_inode *ip, xs_off_t pos, uint8_t *buf, uint32_t len)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	struct xs_mm *mm = xs_fs_mm(ip->i_fs);
	uint64_t index = pos / pc->page_bytes;
	struct xs_folio *folio;
	bool write;
	int error;

	XS_ASSERT(pos % pc->page_bytes + len <= pc->page_bytes);
	if (xs_mm_unmapped(mm, index))
		return -EFAULT; /* no VMA: SIGSEGV */
	folio = xs_mm_pte_folio(mm, pc, index, &write);
	if (!folio) {
		xs_fs_lock(ip->i_fs, XS_LOCK_MMAP, XS_LOCK_SHARED);
		error = xs_filemap_fault(ip, mm, index);
		xs_fs_unlock(ip->i_fs, XS_LOCK_MMAP, XS_LOCK_SHARED);
		if (error)
			return error;
		folio = xs_pagecache_lookup(pc, index);
	}
	XS_ASSERT(folio);
	xs_folio_read(pc, folio, (uint32_t)(pos - xs_folio_pos(pc, folio)), len, buf);
	return 0;
}

size_t xs_mmap_fault_in(struct xs_inode *ip, xs_off_t pos, size_t len)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	struct xs_mm *mm = xs_fs_mm(ip->i_fs);
	uint64_t p = pos, end = pos + len;

	while (p < end) {
		uint64_t index = p / pc->page_bytes;
		bool write;

		if (xs_mm_unmapped(mm, index))
			break; /* no VMA: the fault fails (EFAULT for the write) */
		if (!xs_mm_pte_folio(mm, pc, index, &write)) {
			int error;

			/* the __get_user() of fault_in_readable() faults: handle_mm_fault() */
			xs_fs_preempt(ip->i_fs, XS_PT_FAULT, p);
			xs_fs_lock(ip->i_fs, XS_LOCK_MMAP, XS_LOCK_SHARED);
			error = xs_filemap_fault(ip, mm, index);
			xs_fs_unlock(ip->i_fs, XS_LOCK_MMAP, XS_LOCK_SHARED);
			if (error)
				break;
		}
		p = xs_min_u64((index + 1) * pc->page_bytes, end);
	}
	return (size_t)(end - p);
}

size_t xs_mmap_copy_atomic(struct xs_inode *ip, xs_off_t pos, uint8_t *dst, size_t len)
{
	struct xs_pagecache *pc = &ip->i_mapping;
	struct xs_mm *mm = xs_fs_mm(ip->i_fs);
	size_t copied = 0;

	while (copied < len) {
		uint64_t at = pos + copied, off = at % pc->page_bytes;
		size_t n = xs_min_u64(len - copied, pc->page_bytes - off);
		bool write;
		const struct xs_folio *folio = xs_mm_pte_folio(mm, pc, at / pc->page_bytes, &write);

		if (!folio)
			break; /* pagefault_disable(): no fault, the copy stops here */
		xs_folio_read(pc, folio, (uint32_t)(at - xs_folio_pos(pc, folio)), (uint32_t)n,
			      dst + copied);
		copied += n;
	}
	return copied;
}

void xs_mmap_unmap_all(struct xs_inode *ip)
{
	size_t i;

	xs_mm_unmap(&ip->i_fs->mm);
	for (i = 0; i < ip->i_mapping.nr; i++)
		xs_folio_clear_flags(ip->i_mapping.folios[i],
				     XS_FOLIO_PTE_MAPPED | XS_FOLIO_PTE_WRITE);
}
