/*
 * Loads and stores through a shared writable mapping of the file, and the read and
 * write faults they take (mmap.c).
 */
#ifndef XS_MMAP_H
#define XS_MMAP_H

#include "core/inode.h"

#include <stdint.h>

/*
 * A store of len bytes through a shared writable mapping at pos (all inside one page):
 * read fault if absent, page_mkwrite if the PTE is not writable, then the store.
 * Returns 0, -EFAULT for SIGBUS (beyond EOF, or ENOSPC in page_mkwrite).
 */
int xs_mmap_store(struct xs_inode *ip, xs_off_t pos, const uint8_t *buf, uint32_t len);

/* A load through a mapping: read fault if absent. Returns 0 or -EFAULT (SIGBUS). */
int xs_mmap_load(struct xs_inode *ip, xs_off_t pos, uint8_t *buf, uint32_t len);

/* Drop every user mapping of the file (munmap): PTEs gone, folios stay cached. */
void xs_mmap_unmap_all(struct xs_inode *ip);

#endif /* XS_MMAP_H */
