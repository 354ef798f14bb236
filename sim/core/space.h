/*
 * Space: one modelled XFS mount — geometry, the free-space counters (fdblocks,
 * delalloc_blks), the low-space thresholds, and a block allocator.
 *
 * Models fs/xfs/xfs_mount.c (xfs_mod_fdblocks / xfs_dec_fdblocks / xfs_add_fdblocks,
 * xfs_set_low_space_thresholds), xfs_fs_statfs() in xfs_super.c, and the parts of
 * libxfs/xfs_alloc.c and xfs_bmap.c (xfs_bmap_btalloc) that decide where data lands.
 *
 * Simplification: block numbers are linear (agno * agblocks + agbno), not the kernel's
 * packed fsbno; the allocator never returns an extent crossing an AG boundary and
 * bmap never merges across one, so contiguity is the same.
 * Simplification: free space per AG is a sorted array of free extents (freed blocks
 * included at once, as in the kernel's free-space btrees) with a list of the busy ones
 * (freed, not yet committed: extent_busy.c); there are no free-space btrees and the
 * AGFL is a fixed 4 blocks. The mount-time free space follows mkfs.xfs and the
 * per-AG reservations exactly (checked against the kernel in data/kernel/geometry.txt).
 * Simplification: xfs_alloc_ag_vextent_near() is a scan of the AG's free extents for
 * the best placement (the longest up to maxlen, then the nearest), not the kernel's
 * bnobt/cntbt cursor walk; no stripe alignment, extent size hints or filestreams.
 * Simplification: no quota, no realtime device, no reflink/COW fork.
 */
#ifndef XS_SPACE_H
#define XS_SPACE_H

#include "core/xs_types.h"

/* mkfs/mount parameters of one modelled filesystem. */
struct xs_geometry {
	uint32_t blocksize;	    /* sb_blocksize, bytes: 512..65536, power of two */
	uint32_t pagesize;	    /* PAGE_SIZE, bytes (4096) */
	xs_filblks_t dblocks;	    /* sb_dblocks */
	uint32_t agcount;	    /* sb_agcount */
	xs_filblks_t agblocks;	    /* sb_agblocks */
	xs_filblks_t logblocks;	    /* internal log, blocks */
	uint32_t inodesize;	    /* sb_inodesize, bytes */
	bool nrext64;		    /* large extent counters */
	uint32_t allocsize_log;	    /* m_allocsize_log: 16 unless allocsize= */
	bool allocsize_fixed;	    /* allocsize= given at mount */
	uint32_t dalign;	    /* stripe unit, blocks (0: none) */
	uint32_t swidth;	    /* stripe width, blocks */
	xs_filblks_t free_at_mount; /* f_bavail of the fresh filesystem; 0 = derive */
};

/*
 * Fill geo with mkfs.xfs 6.x defaults for a data device of fs_bytes with the given
 * block size (docs/design.md, "Ground truth": 1 GiB → 262144 blocks, 4 AGs, 16384 log blocks).
 * Returns 0, or -EINVAL when the size is below what mkfs accepts (err says why).
 */
int xs_geometry_default(struct xs_geometry *geo, xs_off_t fs_bytes, uint32_t blocksize,
			struct xs_err *err);

/* One free extent of an AG, agbno-relative. */
struct xs_free_extent {
	xs_agblock_t agbno;
	xs_filblks_t len;
};

struct xs_perag {
	struct xs_free_extent *free; /* sorted by agbno, disjoint, non-adjacent */
	size_t nfree;
	size_t cap;
	xs_filblks_t freeblks;	     /* sum of free[].len */
	xs_filblks_t resv;	     /* metadata reservation no data allocation may use */
	struct xs_free_extent *busy; /* inside free[]: freed, not reusable until the log
				      * commits (unsorted, disjoint) */
	size_t nbusy;
	size_t busycap;
};

enum {
	XS_LOWSP_1_PCNT = 0,
	XS_LOWSP_2_PCNT,
	XS_LOWSP_3_PCNT,
	XS_LOWSP_4_PCNT,
	XS_LOWSP_5_PCNT,
	XS_LOWSP_MAX,
};

struct xs_mount {
	struct xs_geometry m_geo;
	uint32_t m_blocklog;		/* log2(blocksize) */
	uint64_t m_blockmask;		/* blocksize - 1 */
	xs_off_t m_maxbytes;		/* s_maxbytes */
	int64_t m_fdblocks;		/* free data blocks not reserved by anyone */
	int64_t m_fdblocks_initial;	/* m_fdblocks at mount, for the conservation check */
	int64_t m_delalloc_blks;	/* delalloc data + indlen, all inodes */
	xs_filblks_t m_alloc_set_aside; /* withheld from statfs and reservations */
	xs_filblks_t m_low_space[XS_LOWSP_MAX];
	xs_filblks_t m_allocsize_blocks; /* minimum speculative preallocation */
	uint32_t m_bmap_dmxr[2];	 /* bmbt max records: leaf, node */
	uint32_t m_bmap_dmnr[2];	 /* bmbt min records */
	uint32_t m_bm_maxlevels;	 /* data fork bmbt height bound */
	uint32_t m_iext_max_inline;	 /* extents that fit in the inode fork */
	xs_filblks_t m_allocated_blocks; /* blocks handed out by the allocator */
	xs_filblks_t m_ag_max_usable;	 /* longest extent one allocation may take */
	struct xs_perag *m_perag;	 /* m_geo.agcount entries */
};

/* Mount a fresh filesystem with geometry geo. Returns 0 or -ENOMEM/-EINVAL. */
int xs_mount_init(struct xs_mount *mp, const struct xs_geometry *geo, struct xs_err *err);
void xs_mount_destroy(struct xs_mount *mp);

/*
 * Unit conversions (XFS_B_TO_FSB rounds up, XFS_B_TO_FSBT down). As the kernel's
 * macros they convert offsets and lengths alike: the result is an xs_fileoff_t or an
 * xs_filblks_t as the argument was an offset or a length.
 */
static inline uint64_t xs_b_to_fsb(const struct xs_mount *mp, xs_off_t bytes)
{
	return (bytes + mp->m_blockmask) >> mp->m_blocklog;
}

static inline uint64_t xs_b_to_fsbt(const struct xs_mount *mp, xs_off_t bytes)
{
	return bytes >> mp->m_blocklog;
}

static inline xs_off_t xs_fsb_to_b(const struct xs_mount *mp, xs_fileoff_t fsb)
{
	return fsb << mp->m_blocklog;
}

/*
 * Models xfs_dec_fdblocks(): take delta blocks from m_fdblocks. Fails with -ENOSPC
 * (changing nothing) if that would leave less than the set-aside.
 */
int xs_dec_fdblocks(struct xs_mount *mp, xs_filblks_t delta);
/* Models xfs_add_fdblocks(). */
void xs_add_fdblocks(struct xs_mount *mp, xs_filblks_t delta);

/* statfs figures: f_blocks and f_bavail (== f_bfree), in blocks. */
xs_filblks_t xs_mount_statfs_blocks(const struct xs_mount *mp);
xs_filblks_t xs_mount_statfs_bavail(const struct xs_mount *mp);

/* Models xfs_bmap_worst_indlen(): worst-case bmbt blocks to map len blocks. */
xs_filblks_t xs_bmap_worst_indlen(const struct xs_mount *mp, xs_filblks_t len);

/*
 * Allocate between minlen and maxlen contiguous blocks of user data the way
 * xfs_bmap_btalloc() does without stripe alignment: ask for the longest free extent
 * seen (or maxlen) near target in its AG, then by size in the other AGs in turn;
 * then for minlen the same way; then for minlen from AG 0. target = XS_NULLFSBLOCK
 * means "no preference" (AG 0). Only changes the free extents and
 * m_allocated_blocks: the caller moves the reservation counters. Returns 0 with the
 * extent in *bnop and *lenp, or -ENOSPC.
 */
int xs_alloc_vextent(struct xs_mount *mp, xs_fsblock_t target, xs_filblks_t minlen,
		     xs_filblks_t maxlen, xs_fsblock_t *bnop, xs_filblks_t *lenp);
/* The same for user data (userdata) or metadata such as bmbt blocks. */
int xs_alloc_vextent_datatype(struct xs_mount *mp, xs_fsblock_t target, xs_filblks_t minlen,
			      xs_filblks_t maxlen, bool userdata, xs_fsblock_t *bnop,
			      xs_filblks_t *lenp);

/*
 * Return [bno, bno + len) to free space (xfs_free_ag_extent: merged with its free
 * neighbours, counted free at once) and mark it busy (xfs_extent_busy_insert): no
 * allocation takes it until xs_extent_busy_clear() (extent_busy.h). The range must be
 * allocated.
 */
void xs_free_extent(struct xs_mount *mp, xs_fsblock_t bno, xs_filblks_t len);

/* AG of a (linear) block number. */
static inline uint32_t xs_fsb_to_agno(const struct xs_mount *mp, xs_fsblock_t bno)
{
	return (uint32_t)(bno / mp->m_geo.agblocks);
}

/* Recount free extents per AG: order, disjointness, freeblks. 0 or -EUCLEAN. */
int xs_mount_check(const struct xs_mount *mp, struct xs_err *err);

#endif /* XS_SPACE_H */
