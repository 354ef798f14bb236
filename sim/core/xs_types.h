/*
 * Types shared by every module of the model core: the unit types, extent records, the
 * delalloc "null startblock" encoding, errors and the assertion macro.
 *
 * Models fs/xfs/libxfs/xfs_format.h and xfs_types.h (Linux 6.x).
 */
#ifndef XS_TYPES_H
#define XS_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Units in types, as the kernel has them, so that a block count passed where bytes are
 * expected shows in a signature. They are plain typedefs: the compiler does not tell
 * them apart, review does. All are 64-bit unsigned; where the kernel's type is narrower
 * or signed the model's values stay in range (no negative offsets, no extent over
 * XS_MAX_BMBT_EXTLEN), so the difference never shows.
 *
 *   xs_fileoff_t  xfs_fileoff_t  a file offset in filesystem blocks
 *   xs_filblks_t  xfs_filblks_t  a number of filesystem blocks (also stands for the
 *                                kernel's xfs_extlen_t and xfs_rfsblock_t counts)
 *   xs_fsblock_t  xfs_fsblock_t  a disk block number (linear: agno * agblocks + agbno)
 *   xs_agblock_t  xfs_agblock_t  a block number relative to its AG (kernel: 32 bits)
 *   xs_off_t      xfs_off_t      a byte offset or byte length (kernel: loff_t, signed)
 *   xs_pgoff_t    pgoff_t        a page index in the file's page cache
 */
typedef uint64_t xs_fileoff_t;
typedef uint64_t xs_filblks_t;
typedef uint64_t xs_fsblock_t;
typedef uint64_t xs_agblock_t;
typedef uint64_t xs_off_t;
typedef uint64_t xs_pgoff_t;

/*
 * Bugs are not errors: XS_ASSERT is never compiled out. xs_assert_fail() reports
 * the failed expression on stderr and aborts; it is the only place the core writes
 * anything, and only on a bug.
 */
#define XS_ASSERT(cond)                                                      \
	do {                                                                 \
		if (!(cond))                                                 \
			xs_assert_fail(#cond, __FILE__, __LINE__, __func__); \
	} while (0)

_Noreturn void xs_assert_fail(const char *expr, const char *file, int line, const char *func);

/* Detail for a -errno return; filled by the callee, owned by the caller. */
struct xs_err {
	int code;      /* the -errno also returned */
	char msg[256]; /* one line, no trailing newline */
};

/*
 * Set err (if not NULL) and return code, so callers can write
 * `return xs_err_set(err, -EINVAL, "...")`.
 */
int xs_err_set(struct xs_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Extent state of a real extent (xfs_exntst_t). */
enum xs_exntst {
	XS_EXT_NORM = 0,
	XS_EXT_UNWRITTEN = 1,
};

/* Incore extent record (struct xfs_bmbt_irec); all fields in filesystem blocks. */
struct xs_bmbt_irec {
	xs_fileoff_t br_startoff;   /* file offset, fsb */
	xs_fsblock_t br_startblock; /* disk block, or a null startblock for delalloc */
	xs_filblks_t br_blockcount; /* length, fsb */
	enum xs_exntst br_state;
};

/*
 * Delalloc records keep their indirect-block reservation (indlen) in the low
 * STARTBLOCKVALBITS of a "null" startblock (xfs_format.h).
 */
#define XS_STARTBLOCKVALBITS  17
#define XS_STARTBLOCKMASKBITS (15 + 20)
#define XS_STARTBLOCKMASK     ((((uint64_t)1 << XS_STARTBLOCKMASKBITS) - 1) << XS_STARTBLOCKVALBITS)
#define XS_HOLESTARTBLOCK     ((xs_fsblock_t)-2)
#define XS_NULLFSBLOCK	      ((xs_fsblock_t)-1)

/* Longest extent a record may describe (XFS_MAX_BMBT_EXTLEN = 2^21 - 1). */
#define XS_MAX_BMBT_EXTLEN ((xs_filblks_t)((1u << 21) - 1))

static inline bool xs_isnullstartblock(xs_fsblock_t sb)
{
	return (sb & XS_STARTBLOCKMASK) == XS_STARTBLOCKMASK;
}

static inline xs_fsblock_t xs_nullstartblock(xs_filblks_t indlen)
{
	return XS_STARTBLOCKMASK | indlen;
}

static inline xs_filblks_t xs_startblockval(xs_fsblock_t sb)
{
	return sb & ~XS_STARTBLOCKMASK;
}

/* floor(log2(v)), 0 for v <= 1 */
static inline uint32_t xs_ilog2(uint64_t v)
{
	uint32_t l = 0;

	while (v > 1) {
		v >>= 1;
		l++;
	}
	return l;
}

static inline uint64_t xs_min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static inline uint64_t xs_max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

#endif /* XS_TYPES_H */
