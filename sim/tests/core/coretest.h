/*
 * Helpers shared by the unit tests of the model core (test_space.c, test_bmap.c,
 * test_pagecache.c, test_pagestore.c, test_iomap.c): a filesystem built the way
 * sim/io/io.c builds it, a counting host, extent-list snapshots and user buffers.
 *
 * Nothing here computes an expected value: the tests derive those by hand (from the
 * kernel's formulas or the captures in data/kernel/) and write the derivation out.
 */
#ifndef XS_CORETEST_H
#define XS_CORETEST_H

#include "core/bmap.h"
#include "core/file.h"
#include "core/inode.h"
#include "core/iomap.h"

#define CT_KIB ((uint64_t)1024)
#define CT_MIB ((uint64_t)1024 * 1024)
#define CT_GIB ((uint64_t)1024 * 1024 * 1024)

/*
 * A host with no locks that counts the events the core reports and can run one
 * action, once, the first time the core passes a given preemption point (the way a
 * scheduler would switch to another task there).
 */
struct ct_host {
	struct xs_fs *fs;
	uint64_t events[XS_EV_NR];
	uint64_t io_bytes;
	uint64_t costs[XS_COST_NR];	 /* calls of the cost hook, by kind */
	uint64_t cost_bytes[XS_COST_NR]; /* their bytes */
	enum xs_point hook_point;
	bool hook_armed;
	void (*hook)(struct ct_host *host);
	void *hook_arg;
};

/*
 * Make a fresh filesystem of fs_bytes with mkfs defaults (xs_geometry_default) and the
 * kernel preset ("6.1", "6.2", "6.6", "6.13", "6.18"). host may be NULL. Returns 0 or -errno;
 * prints the error.
 */
int ct_fs_init(struct xs_fs *fs, uint64_t fs_bytes, uint32_t blocksize, const char *kernel,
	       struct ct_host *host);

/* Arm host to run fn once at point. */
void ct_host_arm(struct ct_host *host, enum xs_point point, void (*fn)(struct ct_host *),
		 void *arg);

/* xs_inode_check() == 0; prints the problem otherwise. */
bool ct_inode_ok(struct xs_inode *ip);
/* xs_inode_check() == -EUCLEAN (a deliberately corrupted inode is caught). */
bool ct_inode_corrupt(struct xs_inode *ip);

/*
 * Reserve delalloc [off_fsb, off_fsb + len_fsb) with prealloc blocks the way
 * xfs_buffered_write_iomap_begin calls xfs_bmapi_reserve_delalloc: look up the cursor
 * and the next record first. *got (may be NULL) receives the reserved piece.
 */
int ct_reserve(struct xs_inode *ip, uint64_t off_fsb, uint64_t len_fsb, uint64_t prealloc,
	       struct xs_bmbt_irec *got);

/* Delete [off_fsb, off_fsb + len_fsb) of the delalloc record containing off_fsb. */
void ct_del_delay(struct xs_inode *ip, uint64_t off_fsb, uint64_t len_fsb);

/* Copy up to max records of the data fork into out; returns the record count. */
size_t ct_records(struct xs_inode *ip, struct xs_bmbt_irec *out, size_t max);

/* Is r the delalloc record [off, off + len) with indirect reservation indlen? */
bool ct_is_delay(const struct xs_bmbt_irec *r, uint64_t off, uint64_t len, uint64_t indlen);
/* Is r the real record [off, off + len) in state st? */
bool ct_is_real(const struct xs_bmbt_irec *r, uint64_t off, uint64_t len, enum xs_exntst st);

/* statfs f_bavail of the filesystem. */
uint64_t ct_bavail(struct xs_fs *fs);

/* A user buffer of one repeated byte, always readable. */
struct ct_fill {
	uint8_t byte;
};
struct xs_user_buf ct_fill_buf(struct ct_fill *f);

/*
 * A user buffer whose copy-in always fails (copies 0 bytes) and whose pages can be
 * faulted in for the first readable_calls calls of fault_in() only: the first attempt
 * gets as far as the copy, the retry fails with EFAULT.
 */
struct ct_failing {
	unsigned int readable_calls;
	unsigned int fault_in_calls;
	unsigned int copy_calls;
};
struct xs_user_buf ct_failing_buf(struct ct_failing *f);

#endif /* XS_CORETEST_H */
