/*
 * The modelled mount: geometry, free-space counters and the block allocator.
 * See space.h for what is modelled and the simplifications.
 */
#include "core/space.h"

#include "core/extent_busy.h"
#include "core/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* XFS_ALLOCBT_AGFL_RESERVE: per-AG blocks held back to refill the AGFL. */
#define XS_ALLOCBT_AGFL_RESERVE 4

int xs_geometry_default(struct xs_geometry *geo, xs_off_t fs_bytes, uint32_t blocksize,
			struct xs_err *err)
{
	uint64_t dblocks, logbytes;

	if (blocksize < 512 || blocksize > 65536 || (blocksize & (blocksize - 1)))
		return xs_err_set(err, -EINVAL, "block size %u is not a power of two in 512..64k",
				  blocksize);
	if (fs_bytes < 300ULL << 20 || fs_bytes > 1ULL << 42)
		return xs_err_set(err, -EINVAL,
				  "filesystem of %llu bytes is outside 300 MiB..4 TiB",
				  (unsigned long long)fs_bytes);
	memset(geo, 0, sizeof(*geo));
	dblocks = fs_bytes / blocksize;
	geo->blocksize = blocksize;
	geo->pagesize = 4096;
	geo->dblocks = dblocks;
	/* mkfs: a single disk below 4 TiB gets 4 AGs. */
	geo->agcount = 4;
	geo->agblocks = (dblocks + geo->agcount - 1) / geo->agcount;
	/* mkfs: a 64 MiB internal log up to 64 GiB (data/kernel/geometry.txt), then
	 * about 1/2048 of the device (Simplification: not checked above 64 GiB) */
	logbytes = fs_bytes / 2048;
	if (logbytes < 64ULL << 20)
		logbytes = 64ULL << 20;
	geo->logblocks = logbytes / blocksize;
	geo->inodesize = 512;
	geo->allocsize_log = 16;
	return 0;
}

/* Models xfs_btree_calc_size(): blocks of a btree of records at minimum fill. */
static uint64_t xs_btree_calc_size(uint64_t leaf_minrecs, uint64_t node_minrecs, uint64_t records)
{
	uint64_t level_blocks = (records + leaf_minrecs - 1) / leaf_minrecs;
	uint64_t blocks = level_blocks;

	while (level_blocks > 1) {
		level_blocks = (level_blocks + node_minrecs - 1) / node_minrecs;
		blocks += level_blocks;
	}
	return blocks;
}

/* The AG that holds the internal log (mkfs puts it in the middle AG). */
static uint32_t xs_log_agno(const struct xs_geometry *geo)
{
	return geo->agcount / 2;
}

/*
 * Models xfs_ag_resv_init()'s metadata reservation of one AG: the largest refcount
 * btree and free-inode btree the AG could need (xfs_refcountbt_calc_reserves,
 * xfs_finobt_calc_reserves), less the root block each already uses. Short-format
 * btree blocks with CRCs have a 56-byte header; refcount records are 12 bytes and
 * inobt records 16, keys and pointers 4 bytes each.
 */
static uint64_t xs_ag_resv_metadata(const struct xs_geometry *geo, uint32_t agno, uint64_t agblocks)
{
	uint64_t avail = geo->blocksize - 56;
	uint64_t refc_leaf = avail / 12 / 2, refc_node = avail / 8 / 2;
	uint64_t inobt_leaf = avail / 16 / 2, inobt_node = avail / 8 / 2;
	uint64_t inopblock = geo->blocksize / geo->inodesize;
	uint64_t ask;

	if (agno == xs_log_agno(geo))
		agblocks -= geo->logblocks;
	ask = xs_btree_calc_size(refc_leaf, refc_node, agblocks);
	ask += xs_btree_calc_size(inobt_leaf, inobt_node, agblocks * inopblock / 64);
	return ask - 2;
}

/*
 * f_bavail of a freshly made and mounted filesystem (verified against the kernel for
 * 300 MiB to 64 GiB in data/kernel/geometry.txt): the data device less the log, the
 * six header and btree-root blocks of each AG and the root inode chunk of AG 0, less
 * the reserve pool (min(5%, 8192) blocks), the per-AG metadata reservations and the
 * allocation set-aside.
 */
static uint64_t xs_mkfs_free_at_mount(const struct xs_geometry *geo)
{
	uint64_t inode_chunk = 64 * geo->inodesize / geo->blocksize;
	uint64_t fdblocks = geo->dblocks - geo->logblocks - 6ULL * geo->agcount - inode_chunk;
	xs_filblks_t resblks = xs_min_u64(geo->dblocks / 20, 8192);
	uint64_t resv = 0;
	uint32_t agno;

	for (agno = 0; agno < geo->agcount; agno++) {
		uint64_t agblocks = geo->agblocks;

		if (agno == geo->agcount - 1)
			agblocks = geo->dblocks - (uint64_t)agno * geo->agblocks;
		resv += xs_ag_resv_metadata(geo, agno, agblocks);
	}
	return fdblocks - resblks - resv - (uint64_t)geo->agcount * (XS_ALLOCBT_AGFL_RESERVE + 4);
}

/*
 * Models xfs_alloc_ag_max_usable() less what xfs_ag_resv_init() asks for AG 0 (it
 * lowers m_ag_max_usable by AG 0's ask only): the header block, the AGFL reserve and
 * the bnobt, cntbt, inobt, finobt and refcountbt roots are never allocatable.
 */
static uint64_t xs_alloc_ag_max_usable(const struct xs_geometry *geo)
{
	uint64_t agblocks = xs_min_u64(geo->agblocks, geo->dblocks);
	uint64_t headers = 1 + XS_ALLOCBT_AGFL_RESERVE + 3 + 1 + 1;

	return agblocks - headers - (xs_ag_resv_metadata(geo, 0, agblocks) + 2);
}

/* Models xfs_bmap_compute_maxlevels() for the data fork. */
static uint32_t xs_bmap_compute_maxlevels(const struct xs_mount *mp)
{
	uint64_t maxleafents = mp->m_geo.nrext64 ? ((1ULL << 48) - 1) : ((1ULL << 31) - 1);
	/* MINDBTPTRS = 3 records fit in the smallest incore root */
	uint64_t maxrootrecs = 3;
	uint64_t maxblocks = (maxleafents + mp->m_bmap_dmnr[0] - 1) / mp->m_bmap_dmnr[0];
	uint32_t level;

	for (level = 1; maxblocks > 1; level++) {
		if (maxblocks <= maxrootrecs)
			maxblocks = 1;
		else
			maxblocks = (maxblocks + mp->m_bmap_dmnr[1] - 1) / mp->m_bmap_dmnr[1];
	}
	return level;
}

xs_filblks_t xs_bmap_worst_indlen(const struct xs_mount *mp, xs_filblks_t len)
{
	uint64_t maxrecs = mp->m_bmap_dmxr[0];
	uint64_t rval = 0;
	uint32_t level;

	for (level = 0; level < mp->m_bm_maxlevels; level++) {
		len = (len + maxrecs - 1) / maxrecs;
		rval += len;
		if (len == 1)
			return rval + mp->m_bm_maxlevels - level - 1;
		if (level == 0)
			maxrecs = mp->m_bmap_dmxr[1];
	}
	return rval;
}

static void perag_add(struct xs_perag *pag, xs_agblock_t agbno, uint64_t len)
{
	if (pag->nfree == pag->cap) {
		pag->cap = pag->cap ? pag->cap * 2 : 8;
		pag->free = xs_xrealloc(pag->free, pag->cap * sizeof(*pag->free));
	}
	pag->free[pag->nfree].agbno = agbno;
	pag->free[pag->nfree].len = len;
	pag->nfree++;
	pag->freeblks += len;
}

int xs_mount_init(struct xs_mount *mp, const struct xs_geometry *geo, struct xs_err *err)
{
	uint32_t agno, i;
	uint64_t free_at_mount;
	/* long-format bmbt block header with CRCs: 72 bytes; 8+8 byte keys/ptrs */
	uint32_t hdr = 72;

	memset(mp, 0, sizeof(*mp));
	if (geo->blocksize < 512 || (geo->blocksize & (geo->blocksize - 1)) || !geo->agcount ||
	    !geo->agblocks || geo->dblocks <= geo->logblocks || geo->inodesize < 512)
		return xs_err_set(err, -EINVAL, "inconsistent geometry");
	mp->m_geo = *geo;
	mp->m_blocklog = xs_ilog2(geo->blocksize);
	mp->m_blockmask = geo->blocksize - 1;
	mp->m_maxbytes = (uint64_t)INT64_MAX;
	mp->m_bmap_dmxr[0] = (geo->blocksize - hdr) / 16;
	mp->m_bmap_dmxr[1] = (geo->blocksize - hdr) / 16;
	mp->m_bmap_dmnr[0] = mp->m_bmap_dmxr[0] / 2;
	mp->m_bmap_dmnr[1] = mp->m_bmap_dmxr[1] / 2;
	mp->m_bm_maxlevels = xs_bmap_compute_maxlevels(mp);
	/*
	 * Files created here get an attribute fork (fsxattr.xflags shows HASATTR) at
	 * xfs_default_attroffset(): on a v5 filesystem (inodes of 512 bytes or more)
	 * xfs_bmap_compute_attr_offset() puts it after room for a bmbt root of
	 * 6 * MINABTPTRS records, 4 + 12 * 16 = 196 bytes (i_forkoff 24 in 8-byte units),
	 * whatever the inode size. So the data fork holds 12 extents before it turns into
	 * a btree, in inodes of 512, 1024 or 2048 bytes alike (measured on the kernel:
	 * docs/kernel.md, "Counters").
	 */
	mp->m_iext_max_inline = ((4 + 6 * 2 * 16) & ~7u) / 16;
	mp->m_alloc_set_aside = (uint64_t)geo->agcount * (XS_ALLOCBT_AGFL_RESERVE + 4);
	for (i = 0; i < XS_LOWSP_MAX; i++)
		mp->m_low_space[i] = geo->dblocks / 100 * (i + 1);
	{
		uint32_t alog = geo->allocsize_log;

		if (alog < mp->m_blocklog)
			alog = mp->m_blocklog;
		mp->m_geo.allocsize_log = alog;
		mp->m_allocsize_blocks = 1ULL << (alog - mp->m_blocklog);
	}
	free_at_mount = geo->free_at_mount ? geo->free_at_mount : xs_mkfs_free_at_mount(geo);
	mp->m_fdblocks = (int64_t)(free_at_mount + mp->m_alloc_set_aside);
	mp->m_fdblocks_initial = mp->m_fdblocks;

	mp->m_ag_max_usable = xs_alloc_ag_max_usable(geo);
	mp->m_perag = xs_xcalloc(geo->agcount, sizeof(*mp->m_perag));
	for (agno = 0; agno < geo->agcount; agno++) {
		struct xs_perag *pag = &mp->m_perag[agno];
		uint64_t agblocks = geo->agblocks;
		/* blocks 0-5: headers and btree roots; 6-9: the AGFL; AG 0 also has the
		 * root inode chunk at 16-23, as mkfs.xfs lays them out */
		uint64_t first = 10;

		if (agno == geo->agcount - 1)
			agblocks = geo->dblocks - (uint64_t)agno * geo->agblocks;
		pag->resv = xs_ag_resv_metadata(geo, agno, agblocks);
		if (agno == 0) {
			perag_add(pag, first, 6);
			first = 24;
		}
		if (agno == xs_log_agno(geo) && geo->logblocks + first < agblocks) {
			perag_add(pag, first + geo->logblocks, agblocks - first - geo->logblocks);
			continue;
		}
		perag_add(pag, first, agblocks - first);
	}
	return 0;
}

void xs_mount_destroy(struct xs_mount *mp)
{
	uint32_t agno;

	if (!mp->m_perag)
		return;
	for (agno = 0; agno < mp->m_geo.agcount; agno++) {
		free(mp->m_perag[agno].free);
		free(mp->m_perag[agno].busy);
	}
	free(mp->m_perag);
	mp->m_perag = NULL;
}

int xs_dec_fdblocks(struct xs_mount *mp, xs_filblks_t delta)
{
	if (mp->m_fdblocks - (int64_t)delta < (int64_t)mp->m_alloc_set_aside)
		return -ENOSPC;
	mp->m_fdblocks -= (int64_t)delta;
	return 0;
}

void xs_add_fdblocks(struct xs_mount *mp, xs_filblks_t delta)
{
	mp->m_fdblocks += (int64_t)delta;
}

xs_filblks_t xs_mount_statfs_blocks(const struct xs_mount *mp)
{
	return mp->m_geo.dblocks - mp->m_geo.logblocks;
}

xs_filblks_t xs_mount_statfs_bavail(const struct xs_mount *mp)
{
	int64_t v = mp->m_fdblocks - (int64_t)mp->m_alloc_set_aside;

	return v > 0 ? (uint64_t)v : 0;
}

/* Take [agbno, agbno + len) out of free extent i of pag. */
static void perag_take(struct xs_perag *pag, size_t i, xs_agblock_t agbno, uint64_t len)
{
	struct xs_free_extent *fe = &pag->free[i];
	xs_agblock_t fend = fe->agbno + fe->len;

	XS_ASSERT(agbno >= fe->agbno && agbno + len <= fend);
	pag->freeblks -= len;
	if (agbno == fe->agbno && len == fe->len) {
		memmove(&pag->free[i], &pag->free[i + 1], (pag->nfree - i - 1) * sizeof(*fe));
		pag->nfree--;
	} else if (agbno == fe->agbno) {
		fe->agbno += len;
		fe->len -= len;
	} else if (agbno + len == fend) {
		fe->len -= len;
	} else {
		/* split: keep the left piece at i, insert the right after it */
		uint64_t right = agbno + len;

		fe->len = agbno - fe->agbno;
		perag_add(pag, 0, 0); /* grow by one empty slot */
		memmove(&pag->free[i + 2], &pag->free[i + 1],
			(pag->nfree - i - 2) * sizeof(*pag->free));
		pag->free[i + 1].agbno = right;
		pag->free[i + 1].len = fend - right;
	}
}

static uint64_t dist_u64(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

/*
 * Models xfs_alloc_space_available(): what one allocation may take from an AG —
 * free blocks plus the AGFL, less the AG's metadata reservation, the free-list
 * minimum (xfs_alloc_min_freelist: 4 with one-level free-space btrees) and minleft
 * (1 block for a later bmbt split). The AGFL's 4 blocks are not in pag->free.
 */
static uint64_t perag_available(const struct xs_perag *pag)
{
	uint64_t keep = pag->resv + 1;

	return pag->freeblks > keep ? pag->freeblks - keep : 0;
}

/* Models xfs_alloc_longest_free_extent(): the longest extent less what others need. */
static uint64_t perag_longest_usable(const struct xs_perag *pag, xs_filblks_t longest)
{
	uint64_t delta = 0, rest = pag->freeblks - longest;

	if (rest < pag->resv)
		delta = pag->resv - rest;
	return longest > delta ? longest - delta : 0;
}

/*
 * Models xfs_alloc_compute_diff() without alignment: where in the free extent
 * [fbno, fbno + flen) a wantlen allocation lands nearest to wantbno; *diffp is the
 * distance from wantbno. User data takes a free extent ending before the wanted
 * range from its start, leaving the rest after it free for the file to grow into.
 */
static uint64_t xs_alloc_compute_diff(xs_agblock_t wantbno, xs_filblks_t wantlen, bool userdata,
				      uint64_t fbno, uint64_t flen, uint64_t *diffp)
{
	xs_agblock_t fend = fbno + flen, newbno;

	if (fbno >= wantbno || (userdata && fend < wantbno + wantlen))
		newbno = fbno;
	else if (fend >= wantbno + wantlen)
		newbno = wantbno;
	else
		newbno = fend - wantlen;
	*diffp = dist_u64(newbno, wantbno);
	return newbno;
}

/*
 * Models xfs_alloc_ag_vextent_near() in one AG, each free extent first trimmed of its
 * busy ranges (xfs_alloc_compute_aligned -> xfs_extent_busy_trim): the extent holding
 * maxlen whose allocation lands nearest target_agbno; if none holds maxlen, the
 * longest holding at least minlen. Returns 1 when it allocated; *busyp is set when a
 * busy range was trimmed away, so that the caller can flush and retry.
 */
static int perag_alloc_near(struct xs_perag *pag, xs_agblock_t target_agbno, xs_filblks_t minlen,
			    xs_filblks_t maxlen, bool userdata, xs_agblock_t *agbnop,
			    xs_filblks_t *lenp, bool *busyp)
{
	size_t i, best = SIZE_MAX, longest = SIZE_MAX;
	uint64_t best_dist = UINT64_MAX, best_bno = 0, long_bno = 0, long_len = 0, diff, bno;

	for (i = 0; i < pag->nfree; i++) {
		xs_agblock_t tbno = pag->free[i].agbno;
		xs_filblks_t tlen = pag->free[i].len;

		if (tlen < minlen)
			continue;
		*busyp |= xs_extent_busy_trim(pag, minlen, maxlen, &tbno, &tlen);
		if (tlen < minlen)
			continue;
		if (tlen >= maxlen) {
			bno = xs_alloc_compute_diff(target_agbno, maxlen, userdata, tbno, tlen,
						    &diff);
			if (diff < best_dist) {
				best = i;
				best_dist = diff;
				best_bno = bno;
			}
		}
		if (longest == SIZE_MAX || tlen > long_len) {
			longest = i;
			long_bno = tbno;
			long_len = tlen;
		}
	}
	if (best != SIZE_MAX) {
		*agbnop = best_bno;
		*lenp = maxlen;
	} else if (longest != SIZE_MAX) {
		best = longest;
		*lenp = xs_min_u64(long_len, maxlen);
		*agbnop = xs_alloc_compute_diff(target_agbno, *lenp, userdata, long_bno, *lenp,
						&diff);
	} else {
		return 0;
	}
	perag_take(pag, best, *agbnop, *lenp);
	return 1;
}

/* The longest free extent of the AG, raw. */
static uint64_t perag_longest_raw(const struct xs_perag *pag)
{
	xs_filblks_t longest = 0;
	size_t i;

	for (i = 0; i < pag->nfree; i++)
		longest = xs_max_u64(longest, pag->free[i].len);
	return longest;
}

/* Models xfs_alloc_longest_free_extent() as xfs_bmap_longest_free_extent() calls it. */
static uint64_t perag_longest(const struct xs_mount *mp, const struct xs_perag *pag)
{
	return xs_min_u64(mp->m_ag_max_usable, perag_longest_usable(pag, perag_longest_raw(pag)));
}

/*
 * Models xfs_alloc_space_available(): may this AG satisfy a minlen allocation? The
 * longest extent less what others need must hold minlen, and so must the AG's free
 * space less reservations, the free-list minimum and minleft.
 */
static bool perag_space_available(const struct xs_mount *mp, const struct xs_perag *pag,
				  xs_filblks_t minlen)
{
	return perag_longest(mp, pag) >= minlen && perag_available(pag) >= minlen;
}

/*
 * Models xfs_alloc_ag_vextent_size() without alignment. When some free extent holds
 * maxlen: the smallest (lowest block on ties) that still holds maxlen once trimmed of
 * its busy ranges; if every one is busy, nothing (the caller flushes and retries).
 * When none does: the most blocks any trimmed extent gives, from the largest record
 * giving them (highest block on ties), as the by-size walk back from the last record
 * finds it. The allocation starts where the trimmed extent does.
 */
static int perag_alloc_size(struct xs_perag *pag, xs_filblks_t minlen, xs_filblks_t maxlen,
			    xs_agblock_t *agbnop, xs_filblks_t *lenp, bool *busyp)
{
	size_t i, fit = SIZE_MAX, best = SIZE_MAX;
	xs_agblock_t fit_bno = 0, best_bno = 0;
	xs_filblks_t best_len = 0;
	bool any_fit = false;

	for (i = 0; i < pag->nfree; i++) {
		const struct xs_free_extent *fe = &pag->free[i];
		xs_agblock_t tbno = fe->agbno;
		xs_filblks_t tlen = fe->len;

		*busyp |= xs_extent_busy_trim(pag, minlen, maxlen, &tbno, &tlen);
		if (fe->len >= maxlen) {
			any_fit = true;
			if (tlen >= maxlen && (fit == SIZE_MAX || fe->len < pag->free[fit].len)) {
				fit = i;
				fit_bno = tbno;
			}
		}
		tlen = xs_min_u64(tlen, maxlen);
		if (best == SIZE_MAX || tlen > best_len ||
		    (tlen == best_len && fe->len >= pag->free[best].len)) {
			best = i;
			best_bno = tbno;
			best_len = tlen;
		}
	}
	if (any_fit) {
		if (fit == SIZE_MAX)
			return 0;
		best = fit;
		best_bno = fit_bno;
		best_len = maxlen;
	} else if (best == SIZE_MAX || best_len < minlen) {
		return 0;
	}
	*agbnop = best_bno;
	*lenp = best_len;
	perag_take(pag, best, *agbnop, *lenp);
	return 1;
}

/*
 * Models xfs_alloc_vextent_iterate_ags() (for xfs_alloc_vextent_start_ag() and
 * _first_ag()): the AGs in turn from start; the first whose free list can be fixed
 * for minlen (xfs_alloc_fix_freelist) allocates — near target_agbno in the start AG
 * when there is a target, by size elsewhere — and the walk stops there, whether the
 * allocation then succeeds or not.
 */
static int xs_alloc_vextent_iterate_ags(struct xs_mount *mp, uint32_t start,
					xs_agblock_t target_agbno, xs_filblks_t minlen,
					xs_filblks_t maxlen, bool userdata, xs_fsblock_t *bnop,
					xs_filblks_t *lenp)
{
	uint32_t agcount = mp->m_geo.agcount, k;

	for (k = 0; k < agcount; k++) {
		uint32_t agno = (start + k) % agcount;
		struct xs_perag *pag = &mp->m_perag[agno];
		xs_agblock_t agbno;
		xs_filblks_t len = 0;
		int ok;

		uint64_t ag_maxlen;

		if (!perag_space_available(mp, pag, minlen))
			continue;
		/* xfs_alloc_space_available() clamps maxlen to what the AG may give */
		ag_maxlen = xs_min_u64(maxlen, perag_available(pag));
		for (;;) {
			bool busy = false;

			if (k == 0 && target_agbno)
				ok = perag_alloc_near(pag, target_agbno, minlen, ag_maxlen,
						      userdata, &agbno, &len, &busy);
			else
				ok = perag_alloc_size(pag, minlen, ag_maxlen, &agbno, &len, &busy);
			if (ok || !busy)
				break;
			/* xfs_extent_busy_flush(): force the log and look again */
			xs_extent_busy_clear(mp);
		}
		if (!ok)
			return -ENOSPC;
		*bnop = (uint64_t)agno * mp->m_geo.agblocks + agbno;
		*lenp = len;
		mp->m_allocated_blocks += len;
		return 0;
	}
	return -ENOSPC;
}

/*
 * Models xfs_bmap_btalloc_best_length() without stripe alignment (so without the
 * at-EOF exact attempt): ask for the longest free extent seen across the AGs (or
 * maxlen) near the target, then for minlen near the target, then for minlen from
 * AG 0 (xfs_bmap_btalloc_low_space).
 */
int xs_alloc_vextent_datatype(struct xs_mount *mp, xs_fsblock_t target, xs_filblks_t minlen,
			      xs_filblks_t maxlen, bool userdata, xs_fsblock_t *bnop,
			      xs_filblks_t *lenp)
{
	uint32_t agcount = mp->m_geo.agcount;
	uint32_t start = 0, k;
	xs_agblock_t target_agbno = 0;
	xs_filblks_t blen = 0, args_minlen;

	XS_ASSERT(minlen >= 1 && maxlen >= minlen);
	/* xfs_bmap_btalloc(): trim the allocation back to the maximum an AG can fit */
	maxlen = xs_min_u64(maxlen, mp->m_ag_max_usable);
	minlen = xs_min_u64(minlen, maxlen);
	if (target != XS_NULLFSBLOCK && target < mp->m_geo.dblocks) {
		start = xs_fsb_to_agno(mp, target);
		target_agbno = target - (uint64_t)start * mp->m_geo.agblocks;
	}
	/* xfs_bmap_btalloc_select_lengths() and xfs_bmap_select_minlen() */
	for (k = 0; k < agcount && blen < maxlen; k++)
		blen = xs_max_u64(blen, perag_longest(mp, &mp->m_perag[(start + k) % agcount]));
	args_minlen = blen < minlen ? minlen : xs_min_u64(blen, maxlen);
	if (xs_alloc_vextent_iterate_ags(mp, start, target_agbno, args_minlen, maxlen, userdata,
					 bnop, lenp) == 0)
		return 0;
	if (args_minlen > minlen && xs_alloc_vextent_iterate_ags(mp, start, target_agbno, minlen,
								 maxlen, userdata, bnop, lenp) == 0)
		return 0;
	/* the last-ditch attempt: minimum length, from AG 0, no locality */
	return xs_alloc_vextent_iterate_ags(mp, 0, 0, minlen, maxlen, userdata, bnop, lenp);
}

/* Put [agbno, agbno + len) back into the free extents, merging neighbours. */
static void perag_free(struct xs_perag *pag, xs_agblock_t agbno, uint64_t len);

int xs_alloc_vextent(struct xs_mount *mp, xs_fsblock_t target, xs_filblks_t minlen,
		     xs_filblks_t maxlen, xs_fsblock_t *bnop, xs_filblks_t *lenp)
{
	return xs_alloc_vextent_datatype(mp, target, minlen, maxlen, true, bnop, lenp);
}

void xs_free_extent(struct xs_mount *mp, xs_fsblock_t bno, xs_filblks_t len)
{
	uint32_t agno = xs_fsb_to_agno(mp, bno);
	struct xs_perag *pag = &mp->m_perag[agno];
	xs_agblock_t agbno = bno - (uint64_t)agno * mp->m_geo.agblocks;

	XS_ASSERT(len > 0 && mp->m_allocated_blocks >= len);
	mp->m_allocated_blocks -= len;
	perag_free(pag, agbno, len);
	xs_extent_busy_insert(pag, agbno, len);
}

static void perag_free(struct xs_perag *pag, xs_agblock_t agbno, uint64_t len)
{
	size_t i = 0, lo = 0, hi = pag->nfree;
	bool left, right;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (pag->free[mid].agbno < agbno)
			lo = mid + 1;
		else
			hi = mid;
	}
	i = lo;
	XS_ASSERT(i == pag->nfree || agbno + len <= pag->free[i].agbno);
	XS_ASSERT(i == 0 || pag->free[i - 1].agbno + pag->free[i - 1].len <= agbno);
	left = i > 0 && pag->free[i - 1].agbno + pag->free[i - 1].len == agbno;
	right = i < pag->nfree && agbno + len == pag->free[i].agbno;
	pag->freeblks += len;
	if (left && right) {
		pag->free[i - 1].len += len + pag->free[i].len;
		memmove(&pag->free[i], &pag->free[i + 1],
			(pag->nfree - i - 1) * sizeof(*pag->free));
		pag->nfree--;
	} else if (left) {
		pag->free[i - 1].len += len;
	} else if (right) {
		pag->free[i].agbno = agbno;
		pag->free[i].len += len;
	} else {
		perag_add(pag, 0, 0); /* grow by one empty slot */
		memmove(&pag->free[i + 1], &pag->free[i],
			(pag->nfree - i - 1) * sizeof(*pag->free));
		pag->free[i].agbno = agbno;
		pag->free[i].len = len;
	}
}

int xs_mount_check(const struct xs_mount *mp, struct xs_err *err)
{
	uint32_t agno;

	for (agno = 0; agno < mp->m_geo.agcount; agno++) {
		const struct xs_perag *pag = &mp->m_perag[agno];
		uint64_t sum = 0;
		size_t i;

		for (i = 0; i < pag->nfree; i++) {
			if (!pag->free[i].len)
				return xs_err_set(err, -EUCLEAN, "ag %u free extent %zu empty",
						  agno, i);
			if (i &&
			    pag->free[i - 1].agbno + pag->free[i - 1].len >= pag->free[i].agbno)
				return xs_err_set(err, -EUCLEAN,
						  "ag %u free extents %zu/%zu overlap or touch",
						  agno, i - 1, i);
			sum += pag->free[i].len;
		}
		if (sum != pag->freeblks)
			return xs_err_set(err, -EUCLEAN, "ag %u freeblks %llu, extents sum %llu",
					  agno, (unsigned long long)pag->freeblks,
					  (unsigned long long)sum);
		if (xs_extent_busy_check(pag, agno, err))
			return -EUCLEAN;
	}
	if (mp->m_delalloc_blks < 0)
		return xs_err_set(err, -EUCLEAN, "negative delalloc counter %lld",
				  (long long)mp->m_delalloc_blks);
	return 0;
}
