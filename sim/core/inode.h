/*
 * The modelled filesystem of one run: the mount, the disk contents, the policy
 * knobs, the hooks through which a host (the SimGrid actors, or nothing for
 * `wpsim io`) takes locks and preempts, and the one modelled regular file.
 *
 * Models struct xfs_inode (fs/xfs/xfs_inode.h) and the data-fork fields of
 * struct xfs_ifork. Lock order (docs/kernel.md, "Locks and lock order"):
 *   i_rwsem -> mmap_lock -> invalidate_lock -> folio lock -> ILOCK
 * The core never blocks: a lock is a call into the host, which may block the caller.
 *
 * Simplification: one regular file per filesystem, no attribute fork, no COW fork.
 */
#ifndef XS_INODE_H
#define XS_INODE_H

#include "core/hashtab.h"
#include "core/iext.h"
#include "core/pagecache.h"
#include "core/pagestore.h"
#include "core/space.h"

/* What a failed buffered write does with the NEW delalloc it reserved
 * (docs/kernel.md, "Versions and presets"). */
enum xs_punch_policy {
	XS_PUNCH_TRUNCATE = 0,	  /* <= 6.1: truncate page cache, punch, no invalidate_lock */
	XS_PUNCH_LOCKED_TRUNCATE, /* 198dd8aedee6 alone: the same under invalidate_lock EXCL */
	XS_PUNCH_CLEAN,		  /* 6.2+: iomap_write_delalloc_release, keeps dirty data */
	XS_PUNCH_NONE,		  /* never punch (the rejected alternative, leaks) */
};

/* How iomap_zero_range() treats dirty page cache over an unwritten or hole mapping
 * (docs/kernel.md, "Versions and presets"). */
enum xs_zero_range_mode {
	XS_ZERO_FLUSH = 0,   /* write back the dirty range, then remap (6.12) */
	XS_ZERO_PARTIAL_EOF, /* as FLUSH, but a dirty unaligned first block is zeroed in
			      * the page cache, unflushed (6.13..6.18) */
};

enum xs_write_lock_mode { XS_WRITE_LOCK_EXCL = 0, XS_WRITE_LOCK_SHARED };

/* Which paths make large folios (docs/kernel.md, "Large folios"). */
enum xs_large_folios {
	XS_FOLIOS_NONE = 0,	/* every folio one page (a mapping without large folios) */
	XS_FOLIOS_READAHEAD,	/* 5.18-6.5: readahead only, never order 1 */
	XS_FOLIOS_WRITE,	/* 6.6-6.7: and write() sized to its length, never order 1 */
	XS_FOLIOS_WRITE_ORDER1, /* 6.8+: the same with order-1 folios */
};

/* How readahead picks its folios' order (docs/kernel.md, "Large folios"). */
enum xs_ra_order {
	XS_RA_PLUS2 = 0, /* 5.18-6.15: every window, mmap read-around too, two orders up */
	XS_RA_ASYNC,	 /* 6.16+: first window and read-around order 0, +2 per async window */
};
enum xs_fault_lock_mode { XS_FAULT_LOCK_INVALIDATE_SHARED = 0, XS_FAULT_LOCK_IOLOCK_EXCL };

struct xs_policy {
	enum xs_punch_policy punch;
	bool fault_end;	  /* write faults run the write path's iomap_end (<= 6.1) */
	bool validity;	  /* iomap validity cookie checked per folio (6.2+) */
	bool block_dirty; /* per-block dirty tracking in folios (6.6+) */
	enum xs_write_lock_mode write_lock;
	enum xs_fault_lock_mode fault_lock;
	enum xs_zero_range_mode zero_range;
	enum xs_large_folios large_folios;
	enum xs_ra_order ra_order;
};

/* Preset for a kernel release: "6.1", "6.2", "6.6", "6.13", "6.18". Returns 0 or -EINVAL. */
int xs_policy_preset(struct xs_policy *pol, const char *kernel);

/* The preset of the running kernel, the default of scenarios and `wpsim io`. */
#define XS_KERNEL_DEFAULT "6.18"

/*
 * The preset a kernel version runs under: the newest preset at or below the version's
 * major.minor ("6.18.44-fc-v669" -> "6.18", "6.17" -> "6.13"). NULL when the string
 * does not start with MAJOR.MINOR or the version is older than every preset.
 */
const char *xs_policy_preset_for_version(const char *version);

/* The i-th preset's name, oldest first; NULL past the last. */
const char *xs_policy_preset_name(size_t i);

/* The locks a host provides. */
enum xs_lock_id {
	XS_LOCK_IOLOCK = 0, /* inode->i_rwsem */
	XS_LOCK_INVALIDATE, /* mapping->invalidate_lock (XFS_MMAPLOCK) */
	XS_LOCK_ILOCK,	    /* ip->i_lock */
	XS_LOCK_MMAP,	    /* mm->mmap_lock of the calling task's process */
	XS_LOCK_NR,
};

enum xs_lock_mode { XS_LOCK_SHARED = 0, XS_LOCK_EXCL = 1 };

/*
 * Modelled preemption points: where another task may run in between
 * (docs/design.md, "Schedules"). Every one goes through xs_fs_preempt(), where the
 * controlled scheduler acts.
 */
enum xs_point {
	XS_PT_WRITE_MAPPED = 0, /* after iomap_begin, before the first folio */
	XS_PT_WRITE_COPY,	/* before copying one chunk into its locked folio */
	XS_PT_WRITE_CHUNK_DONE, /* after write_end of one chunk */
	XS_PT_WRITE_END,	/* before iomap_end */
	XS_PT_PUNCH,		/* between page cache truncate and punch (<= 6.1) */
	XS_PT_FAULT,		/* page fault entry */
	XS_PT_FAULT_MAPPED,	/* after page_mkwrite's iomap_begin */
	XS_PT_WB_FOLIO,		/* writeback, before mapping one folio */
	XS_PT_NR,
};

/*
 * Work whose CPU cost depends on what the kernel found, charged by the host where it
 * happens (docs/scenarios.md, "[cpu]"): a write or a fault that allocates its folio,
 * the bytes zeroed in a folio, a write fault on a present PTE that is write-protected.
 */
enum xs_cost {
	XS_COST_FOLIO_ALLOC = 0, /* a write allocated its folio and added it to the cache */
	XS_COST_ZERO,		 /* bytes of a folio zeroed (a hole read in, a partial write) */
	XS_COST_WP_FAULT,	 /* do_wp_page(): the write fault found the PTE present */
	XS_COST_PUNCH_FOLIO,	 /* a folio locked and looked at by a release walk or truncate */
	XS_COST_NR,
};

/* Trace events: what happened, for anomaly records and traces. */
enum xs_event_kind {
	XS_EV_RESERVE = 0,   /* delalloc reserved: off/len in bytes */
	XS_EV_PUNCH,	     /* delalloc punched */
	XS_EV_TRUNCATE_PC,   /* page cache range truncated */
	XS_EV_DISCARD_DIRTY, /* a dirty folio was thrown away by a truncate */
	XS_EV_SHORT_COPY,    /* a write's copy-in came up short */
	XS_EV_WB_HOLE,	     /* writeback found a hole under dirty data: no I/O */
	XS_EV_STALE_IOMAP,   /* the validity cookie was stale */
	XS_EV_FAULT_DIRTY,   /* page_mkwrite dirtied a folio */
	XS_EV_CONVERT,	     /* delalloc converted to unwritten */
	XS_EV_IO,	     /* data I/O submitted: off/len bytes */
	XS_EV_ZEROED,	     /* write_begin zeroed the unwritten part of a block */
	XS_EV_WB_DELALLOC,   /* writeback mapped delalloc (it converts it next) */
	XS_EV_WB_UNWRITTEN,  /* writeback mapped an unwritten extent */
	XS_EV_END_UNWRITTEN, /* I/O completion converts unwritten to written */
	XS_EV_NR,
};

struct xs_event {
	enum xs_event_kind kind;
	xs_off_t off_bytes;
	xs_off_t len_bytes;
	int task; /* host task id, -1 if none */
};

/*
 * A process's address space as far as the file goes (an mm_struct with one MAP_SHARED
 * VMA over the whole file): its PTEs, page index -> struct xs_pte (core/mmap.h). Its
 * mmap_lock is the host's XS_LOCK_MMAP.
 */
#define XS_MM_HOLES 16 /* unmapped page ranges of a mapping at once (munmap) */

struct xs_mm {
	struct xs_hashtab ptes;
	/* pages first..last of the file's mapping that are not mapped (munmap) */
	struct xs_mm_hole {
		uint64_t first, last;
	} holes[XS_MM_HOLES];
	int nholes;
};

struct xs_ioend;

struct xs_host_ops {
	/* fn: the model function taking the lock (__func__), for the lock validator */
	void (*lock)(void *host, enum xs_lock_id id, enum xs_lock_mode mode, const char *fn);
	void (*unlock)(void *host, enum xs_lock_id id, enum xs_lock_mode mode);
	void (*folio_lock)(void *host, xs_pgoff_t index, const char *fn);
	void (*folio_unlock)(void *host, xs_pgoff_t index);
	void (*preempt)(void *host, enum xs_point point, xs_off_t off_bytes);
	/* CPU work of cost over bytes (enum xs_cost), paid at the next preemption point */
	void (*cost)(void *host, enum xs_cost cost, xs_off_t bytes);
	void (*event)(void *host, const struct xs_event *ev);
	/*
	 * Start the write of an ioend (core/writeback.h) and return; the host calls
	 * xs_end_bio() when the device has written it. NULL: it completes at once.
	 */
	void (*submit_ioend)(void *host, struct xs_ioend *ioend);
	/* Block the calling task until the folio at index is not under writeback. */
	void (*wait_writeback)(void *host, xs_pgoff_t index);
	/* the calling task's process's mm; NULL hook: the fs's own one */
	struct xs_mm *(*mm)(void *host);
};

/* Inode flags (xfs_inode.h i_flags). */
#define XS_IEOFBLOCKS	  (1u << 0) /* has post-EOF preallocation */
#define XS_ITRUNCATED	  (1u << 1) /* truncated down since last release */
#define XS_IDIRTY_RELEASE (1u << 2) /* release already trimmed once */

/* On-disk inode flags (di_flags). */
#define XS_DIFLAG_PREALLOC (1u << 0) /* fallocate'd space */

struct xs_fs;

struct xs_inode {
	struct xs_fs *i_fs;
	struct xs_mount *i_mount;
	uint64_t i_ino;
	struct xs_ifork i_df;	    /* incore extent tree: delalloc and real records */
	uint64_t i_df_nextents;	    /* real extents (the kernel's if_nextents) */
	xs_filblks_t i_bmbt_blocks; /* bmap btree blocks; 0 in extents format */
	xs_fsblock_t *i_bmbt_bno;   /* their disk addresses */
	xs_off_t i_size;	    /* VFS i_size, bytes */
	xs_off_t i_disk_size;	    /* on-disk size, bytes */
	/*
	 * Buffered writes in xs_file_write() and the furthest end among them (0 when
	 * none): a write reserves past i_size before it moves i_size, so delalloc up to
	 * there is not yet past EOF for invariant I6. Model bookkeeping, not the kernel's.
	 */
	unsigned int i_writers;
	xs_off_t i_write_end;
	xs_filblks_t i_delayed_blks; /* delalloc data blocks */
	xs_filblks_t i_nblocks;	     /* real blocks, data and bmbt */
	unsigned int i_flags;
	unsigned int i_diflags;
	struct xs_pagecache i_mapping;
	struct xs_ioend *i_ioends;     /* submitted, not finished (core/writeback.h) */
	struct xs_ioend *i_ioend_list; /* waiting for the completion work (xfs_end_io) */
	uint64_t i_ioends_inflight;
};

struct xs_fs {
	struct xs_mount mount;
	struct xs_pagestore disk; /* contents of every disk block ever written */
	struct xs_policy policy;
	const struct xs_host_ops *ops;
	void *host;
	int current_task; /* set by the host before each call; -1 otherwise */
	struct xs_mm mm;  /* the one process of a host that has no processes */
	struct xs_inode inode;
};

/*
 * Make a fresh filesystem with geometry geo and policy pol, holding one empty file.
 * ops may be NULL (single-threaded use: locks and preemption are no-ops).
 */
int xs_fs_init(struct xs_fs *fs, const struct xs_geometry *geo, const struct xs_policy *pol,
	       const struct xs_host_ops *ops, void *host, struct xs_err *err);
void xs_fs_destroy(struct xs_fs *fs);

/*
 * Host hooks (no-ops when the fs has no host). xs_fs_lock / xs_fs_unlock take one of
 * the inode's locks as xfs_ilock() / xfs_iunlock() do (IOLOCK, MMAPLOCK, ILOCK);
 * xs_folio_lock / xs_folio_unlock model folio_lock() / folio_unlock(). The locking
 * two are macros that pass the calling function's name to the host, whose lock
 * validator names acquisition sites by it (docs/kernel.md, "Locks and lock order").
 */
void xs_fs_lock_at(struct xs_fs *fs, enum xs_lock_id id, enum xs_lock_mode mode, const char *fn);
#define xs_fs_lock(fs, id, mode) xs_fs_lock_at((fs), (id), (mode), __func__)
void xs_fs_unlock(struct xs_fs *fs, enum xs_lock_id id, enum xs_lock_mode mode);
void xs_folio_lock_at(struct xs_fs *fs, xs_pgoff_t index, const char *fn);
#define xs_folio_lock(fs, index) xs_folio_lock_at((fs), (index), __func__)
void xs_folio_unlock(struct xs_fs *fs, xs_pgoff_t index);
void xs_fs_preempt(struct xs_fs *fs, enum xs_point point, xs_off_t off_bytes);
void xs_fs_cost(struct xs_fs *fs, enum xs_cost cost, xs_off_t bytes);
void xs_fs_event(struct xs_fs *fs, enum xs_event_kind kind, xs_off_t off_bytes, xs_off_t len_bytes);
/* The calling task's mm (current->mm). */
struct xs_mm *xs_fs_mm(struct xs_fs *fs);

/*
 * Recount the inode from scratch (xfs_iext tree, delalloc and real block totals,
 * counters against the mount) and check the invariants of
 * docs/kernel.md, "Invariants the model checks" that hold at any quiescent moment: I3 (sum of
 * delalloc == i_delayed_blks), I4 (space conservation), I6 (post-EOF delalloc only with EOFBLOCKS).
 * I1 (dirty data inside EOF has backing) is checked by xs_inode_check_dirty_backing().
 * Returns 0 or -EUCLEAN with the first problem in err.
 */
int xs_inode_check(struct xs_inode *ip, struct xs_err *err);
/*
 * The same invariants without the self-checks of the data structures (extent tree, page
 * cache, disk store): O(extents), for checks made while a run goes on.
 */
int xs_inode_check_invariants(struct xs_inode *ip, struct xs_err *err);
/* I1: every dirty block inside EOF is backed by delalloc or real blocks. */
int xs_inode_check_dirty_backing(struct xs_inode *ip, struct xs_err *err);

/* XFS_ISIZE(): the size the allocator reasons with. */
static inline xs_off_t xs_isize(const struct xs_inode *ip)
{
	return ip->i_size;
}

#endif /* XS_INODE_H */
