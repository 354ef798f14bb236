/*
 * Types shared by every module of the model core: extent records, the delalloc
 * "null startblock" encoding, errors and the assertion macro.
 *
 * Models fs/xfs/libxfs/xfs_format.h and xfs_types.h (Linux 6.x).
 */
#ifndef XS_TYPES_H
#define XS_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
	uint64_t br_startoff;	/* file offset, fsb */
	uint64_t br_startblock; /* disk block, or a null startblock for delalloc */
	uint64_t br_blockcount; /* length, fsb */
	enum xs_exntst br_state;
};

/*
 * Delalloc records keep their indirect-block reservation (indlen) in the low
 * STARTBLOCKVALBITS of a "null" startblock (xfs_format.h).
 */
#define XS_STARTBLOCKVALBITS  17
#define XS_STARTBLOCKMASKBITS (15 + 20)
#define XS_STARTBLOCKMASK     ((((uint64_t)1 << XS_STARTBLOCKMASKBITS) - 1) << XS_STARTBLOCKVALBITS)
#define XS_HOLESTARTBLOCK     ((uint64_t)-2)
#define XS_NULLFSBLOCK	      ((uint64_t)-1)

/* Longest extent a record may describe (XFS_MAX_BMBT_EXTLEN = 2^21 - 1). */
#define XS_MAX_BMBT_EXTLEN ((uint64_t)((1u << 21) - 1))

static inline bool xs_isnullstartblock(uint64_t sb)
{
	return (sb & XS_STARTBLOCKMASK) == XS_STARTBLOCKMASK;
}

static inline uint64_t xs_nullstartblock(uint64_t indlen)
{
	return XS_STARTBLOCKMASK | indlen;
}

static inline uint64_t xs_startblockval(uint64_t sb)
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
