/*
 * bmap: the data fork's extent operations — delalloc reservation and punching,
 * delalloc conversion at writeback, unwritten conversion at I/O completion,
 * unmapping for truncate and hole punch, and fallocate.
 *
 * Models fs/xfs/libxfs/xfs_bmap.c (Linux 6.18) and xfs_bmap_punch_delalloc_range()
 * of fs/xfs/xfs_bmap_util.c. Callers hold ILOCK EXCL (taken by the host hooks at the
 * iomap/file layer).
 *
 * Simplification: no transactions; each operation is atomic in the model. Of the log
 * only its commit points are modelled, where freed blocks stop being busy
 * (extent_busy.c).
 * Simplification: the bmap btree is counted, not built: an inode whose real extents
 * exceed what fits in the fork uses ceil(n / leaf maxrecs) bmbt blocks.
 */
#ifndef XS_BMAP_H
#define XS_BMAP_H

#include "core/inode.h"

/* A mapping as xfs_bmapi_read returns it: records trimmed to the range, holes included. */
static inline bool xs_bmap_is_hole_extent(const struct xs_bmbt_irec *r)
{
	return r->br_startblock == XS_HOLESTARTBLOCK;
}

static inline bool xs_bmap_is_delalloc_extent(const struct xs_bmbt_irec *r)
{
	return r->br_startblock != XS_HOLESTARTBLOCK && xs_isnullstartblock(r->br_startblock);
}

/* Models xfs_trim_extent(): trim irec to [bno, bno + len); blockcount 0 if disjoint. */
void xs_trim_extent(struct xs_bmbt_irec *irec, xs_fileoff_t bno, xs_filblks_t len);

/*
 * Models xfs_bmapi_read(): up to *nmap mappings covering [bno, bno + len), holes as
 * HOLESTARTBLOCK records, delalloc with a null startblock (indlen kept). Returns the
 * number in *nmap.
 */
void xs_bmapi_read(struct xs_inode *ip, xs_fileoff_t bno, xs_filblks_t len,
		   struct xs_bmbt_irec *mval, int *nmap);

/*
 * Models xfs_bmapi_reserve_delalloc(): reserve [off, off + len) plus prealloc blocks
 * of delalloc (capped at the next record unless eof, and at MAX_EXTLEN), taking data
 * and indlen from fdblocks; retries without prealloc on ENOSPC. On success *got is
 * the reserved piece (before any merge) and *icur points at the merged record.
 * Returns 0 or -ENOSPC.
 */
int xs_bmapi_reserve_delalloc(struct xs_inode *ip, xs_fileoff_t off, xs_filblks_t len,
			      xs_filblks_t prealloc, struct xs_bmbt_irec *got,
			      struct xs_iext_cursor *icur, bool eof);

/*
 * Models xfs_bmap_del_extent_delay(): remove del (inside the delalloc record got at
 * icur) from the fork, returning data and surplus indlen to fdblocks.
 */
void xs_bmap_del_extent_delay(struct xs_inode *ip, struct xs_iext_cursor *icur,
			      struct xs_bmbt_irec *got, struct xs_bmbt_irec *del);

/*
 * Models xfs_bmap_punch_delalloc_range(): remove every delalloc block in
 * [floor(start/bs), ceil(end/bs)); real extents are left alone. Returns blocks punched.
 */
xs_filblks_t xs_bmap_punch_delalloc_range(struct xs_inode *ip, xs_off_t start_byte,
					  xs_off_t end_byte);

/*
 * Models xfs_bmapi_convert_delalloc(): allocate real (unwritten) blocks for the whole
 * delalloc record containing offset_byte, looping until the result covers the offset.
 * *imap is the real record covering offset_byte, *seq the fork's if_seq afterwards.
 * Returns 0, -ENOSPC, or -EAGAIN when no delalloc or real record covers the offset.
 */
int xs_bmapi_convert_delalloc(struct xs_inode *ip, xs_off_t offset_byte, struct xs_bmbt_irec *imap,
			      uint32_t *seq);

/*
 * Models xfs_iomap_write_unwritten(): convert unwritten blocks in
 * [offset, offset + count) to written and move i_disk_size up to offset + count
 * (not past i_size). Returns 0 or -ENOSPC.
 */
int xs_iomap_write_unwritten(struct xs_inode *ip, xs_off_t offset, xs_off_t count);

/*
 * Models xfs_bunmapi() over [start_fsb, start_fsb + len_fsb): delalloc records are
 * removed (xfs_bmap_del_extent_delay), real ones freed. Returns blocks unmapped.
 */
xs_filblks_t xs_bunmapi(struct xs_inode *ip, xs_fileoff_t start_fsb, xs_filblks_t len_fsb);

/*
 * Models xfs_alloc_file_space(): unwritten extents over the holes and delalloc of
 * [offset, offset + len), bytes. Sets XS_DIFLAG_PREALLOC. Returns 0 or -ENOSPC (what
 * was allocated before running out stays).
 */
int xs_alloc_file_space(struct xs_inode *ip, xs_off_t offset, xs_off_t len);

/* Sum of delalloc indlen reservations in the fork (for checks). */
xs_filblks_t xs_bmap_count_indlen(struct xs_inode *ip);

#endif /* XS_BMAP_H */
