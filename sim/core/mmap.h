/*
 * The mm side of the model (mmap.c): per process, the PTEs of its shared mapping of
 * the file; loads and stores through it with the read fault and the write fault
 * (page_mkwrite) they take; the user-buffer copies of write() and read() when the
 * buffer is that mapping; and what munmap/mmap/mprotect do to the PTEs.
 */
#ifndef XS_MMAP_H
#define XS_MMAP_H

#include "core/inode.h"

#include <stdbool.h>
#include <stdint.h>

/*
 * One PTE of a process's mapping of the file, keyed by page index in its mm. It maps
 * the folio whose serial it holds (a PTE that outlives its folio maps nothing: reclaim
 * and truncate zap by removing the folio); it is writable while write is set and the
 * folio has not been write-protected since (wp_gen, folio_mkclean()).
 */
struct xs_pte {
	uint64_t serial;
	uint32_t wp_gen;
	bool write;
};

void xs_mm_init(struct xs_mm *mm);
void xs_mm_destroy(struct xs_mm *mm);

/*
 * The folio the PTE of index maps in mm, or NULL (not present); *write says whether
 * a store goes through without a fault.
 */
struct xs_folio *xs_mm_pte_folio(struct xs_mm *mm, struct xs_pagecache *pc, xs_pgoff_t index,
				 bool *write);

/*
 * Models zap_page_range() over the pages [first, last] of mm (munmap, and the unmap
 * an mmap(MAP_FIXED) over the range does first). The caller holds mmap_lock for
 * write. Returns the PTEs zapped.
 */
uint64_t xs_mm_zap_range(struct xs_mm *mm, struct xs_pagecache *pc, xs_pgoff_t first,
			 xs_pgoff_t last);
/*
 * Models change_protection() to read-only over [first, last] (mprotect(PROT_READ)):
 * PTEs stay, none writable. Going back to read-write leaves them read-only: a shared
 * file mapping wants write notification, so the next store write-faults. The caller
 * holds mmap_lock for write. Returns the PTEs write-protected.
 */
uint64_t xs_mm_wrprotect_range(struct xs_mm *mm, struct xs_pagecache *pc, xs_pgoff_t first,
			       xs_pgoff_t last);
/*
 * Models munmap() of pages [first, last] of the mapping: zapped (xs_mm_zap_range), and
 * a hole until xs_mm_mmap_range() maps them again: a fault there fails (SIGSEGV), so a
 * write whose source is there gets EFAULT from its fault-in. The caller holds
 * mmap_lock for write. Returns the PTEs zapped, or -ENOMEM when mm has XS_MM_HOLES
 * holes already (nothing is unmapped then).
 */
int64_t xs_mm_munmap_range(struct xs_mm *mm, struct xs_pagecache *pc, xs_pgoff_t first,
			   xs_pgoff_t last);
/* Models mmap(MAP_FIXED) of pages [first, last]: the holes inside it are mapped again. */
void xs_mm_mmap_range(struct xs_mm *mm, xs_pgoff_t first, xs_pgoff_t last);
/* Is page index of the mapping unmapped? */
bool xs_mm_unmapped(const struct xs_mm *mm, xs_pgoff_t index);

/* Every PTE of mm gone (exit_mmap, or munmap of the whole mapping). */
void xs_mm_unmap(struct xs_mm *mm);

/*
 * A store of len bytes through a shared writable mapping at pos (all inside one page):
 * read fault if absent, page_mkwrite if the PTE is not writable, then the store.
 * Returns 0, or a SIGBUS: -ENOSPC (page_mkwrite could not reserve), -EFAULT (beyond
 * EOF, no VMA, or the fault failed otherwise).
 */
int xs_mmap_store(struct xs_inode *ip, xs_off_t pos, const uint8_t *buf, uint32_t len);

/* A load through a mapping: read fault if absent. Returns 0 or -EFAULT (SIGBUS). */
int xs_mmap_load(struct xs_inode *ip, xs_off_t pos, uint8_t *buf, uint32_t len);

/*
 * Models fault_in_readable() on the calling task's mapping of the file at
 * [pos, pos + len) (fault_in_iov_iter_readable() of a write's source): every page
 * without a PTE is read-faulted. Returns how many of len bytes could NOT be faulted
 * in (0: all), as the kernel's does: a page beyond EOF stops it (SIGBUS).
 */
size_t xs_mmap_fault_in(struct xs_inode *ip, xs_off_t pos, size_t len);

/*
 * Models copy_folio_from_iter_atomic() from the calling task's mapping of the file at
 * pos into dst, page faults disabled: the copy stops at the first page without a PTE
 * (zapped by reclaim, truncate, munmap since the fault-in). Returns the bytes copied.
 */
size_t xs_mmap_copy_atomic(struct xs_inode *ip, xs_off_t pos, uint8_t *dst, size_t len);

/* Drop the fs's own process's mapping of the file (munmap): folios stay cached. */
void xs_mmap_unmap_all(struct xs_inode *ip);

#endif /* XS_MMAP_H */
