/*
 * xfs_io's output formats: what xfsprogs 6.1 prints for bmap, stat, statfs, the
 * pwrite/pread report, pread -v's hex dump and perror()-style errno lines.
 *
 * Models io/bmap.c bmap_f(), io/stat.c stat_f()/statfs_f(), io/attr.c printxattr(),
 * libxcmd/command.c report_io_times(), libxcmd/input.c timestr(), libfrog/convert.c
 * cvtstr() and io/pread.c dump_buffer(). Every function writes to a caller's FILE *
 * and takes plain values: no knowledge of the model.
 */
#ifndef XS_IO_XFSIO_PRINT_H
#define XS_IO_XFSIO_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "io/xfsio_cmd.h"

/* One GETBMAPX record. */
enum xs_io_bmap_kind {
	XS_IO_BMAP_HOLE,     /* bmv_block == -1 */
	XS_IO_BMAP_DELALLOC, /* bmv_block == -2, BMV_OF_DELALLOC */
	XS_IO_BMAP_REAL,     /* allocated: block_bb is the disk address */
};

struct xs_io_bmap_row {
	int64_t off_bb; /* file offset, 512-byte units */
	int64_t len_bb; /* length, 512-byte units */
	enum xs_io_bmap_kind kind;
	int64_t block_bb; /* disk address, 512-byte units (XS_IO_BMAP_REAL only) */
	bool unwritten;	  /* unwritten extent; flagged only under bmap -p (not -a/-c) */
	bool shared;	  /* reflinked extent (BMV_OF_SHARED) */
};

/* Filesystem geometry bmap -v needs (XFS_IOC_FSGEOMETRY fields). */
struct xs_io_bmap_geom {
	uint32_t blocksize_bytes;
	uint32_t agblocks; /* blocks per AG */
	uint32_t agcount;
	uint32_t sunit_fsb;  /* stripe unit, blocks; 0 = none */
	uint32_t swidth_fsb; /* stripe width, blocks */
};

/*
 * bmap: print the rows as GETBMAPX returned them (in file-offset order, holes
 * included), for the options parsed into *opts. Prints "PATH: no extents" for
 * nrows == 0 without -n, as xfs_io does. With -n N at most N rows are printed.
 * The caller models the kernel: without -e it flushes delalloc first, so it passes
 * no XS_IO_BMAP_DELALLOC rows then; unwritten is shown only when opts->pflag.
 */
void xs_io_print_bmap(FILE *fp, const char *path, const struct xs_io_bmap_opts *opts,
		      const struct xs_io_bmap_geom *geom, const struct xs_io_bmap_row *rows,
		      size_t nrows);

/* fd.flags bits (xfs_io's IO_* open flags). */
#define XS_IO_FD_SYNC	  0x01u
#define XS_IO_FD_DIRECT	  0x02u
#define XS_IO_FD_READONLY 0x04u
#define XS_IO_FD_REALTIME 0x08u
#define XS_IO_FD_APPEND	  0x10u
#define XS_IO_FD_NONBLOCK 0x20u
#define XS_IO_FD_TMPFILE  0x40u

/* What stat prints: struct stat, FS_IOC_FSGETXATTR(A) and XFS_IOC_DIOINFO values. */
struct xs_io_stat {
	unsigned int fd_flags; /* XS_IO_FD_* */
	uint64_t ino;
	uint32_t mode; /* st_mode, S_IFREG | 0600 for xfs_io -f */
	int64_t size_bytes;
	int64_t blocks_bb; /* st_blocks, 512-byte units */
	uint32_t xflags;   /* fsx_xflags (FS_XFLAG_*) */
	uint32_t projid;
	uint32_t extsize_bytes;
	uint32_t cowextsize_bytes;
	uint32_t nextents;  /* data fork extents (fsx_nextents) */
	uint32_t naextents; /* attr fork extents */
	uint32_t dio_mem;   /* dioattr.mem, printed in hex */
	uint32_t dio_miniosz;
	uint32_t dio_maxiosz;
	/* stat -v and stat -r only */
	int64_t atime_s, mtime_s, ctime_s;
	long atime_ns, mtime_ns, ctime_ns;
	/* stat -r only */
	uint64_t blksize_bytes;
	uint64_t nlink;
	uint32_t uid, gid;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
};

/*
 * stat [-v|-r]: the lines xfs_io 6.1 prints. -v's times go through ctime_r(), so they
 * depend on the TZ environment variable exactly as xfs_io's do.
 */
void xs_io_print_stat(FILE *fp, const char *path, const struct xs_io_stat *st, bool verbose,
		      bool raw);

/* What statfs prints: fstatfs(2), XFS_IOC_FSGEOMETRY and XFS_IOC_FSCOUNTS values. */
struct xs_io_statfs {
	int64_t f_bsize; /* bytes */
	int64_t f_blocks;
	int64_t f_bavail;
	int64_t f_files;
	int64_t f_ffree;
	int64_t f_flags; /* ST_* mount flags, printed in hex */
	uint32_t geom_bsize;
	uint32_t geom_agcount;
	uint32_t geom_agblocks;
	uint64_t geom_datablocks;
	uint64_t geom_rtblocks;
	uint64_t geom_rtextents;
	uint32_t geom_rtextsize;
	uint32_t geom_sunit;
	uint32_t geom_swidth;
	uint64_t counts_freedata; /* fs blocks */
	uint64_t counts_freertx;
	uint64_t counts_freeino;
	uint64_t counts_allocino;
};

/* statfs [-c] [-g] [-s]: flags is cmd->statfs_flags (XS_IO_STATFS_*). */
void xs_io_print_statfs(FILE *fp, const char *path, const struct xs_io_statfs *sf,
			unsigned int flags);

/*
 * The report after pwrite/pread (report_io_times()), unless -q:
 *   wrote 4096/4096 bytes at offset 0
 *   4 KiB, 1 ops; 0.0001 sec (27.126 MiB/sec and 6944.4444 ops/sec)
 * verb is "wrote" or "read"; count_bytes is the requested length, total_bytes what
 * was transferred in ops calls; elapsed_us the wall time in microseconds (xfs_io's
 * timeval resolution). compact: pwrite/pread -C's single line.
 */
void xs_io_print_io_report(FILE *fp, const char *verb, int64_t off_bytes, int64_t count_bytes,
			   int64_t total_bytes, int ops, int64_t elapsed_us, bool compact);

/*
 * pread -v / mread -v: dump_buffer() of one op's buffer, 16 bytes a line,
 *   00000000:  cd cd ...  ................
 * off_bytes is the offset printed for the first byte.
 */
void xs_io_print_dump(FILE *fp, int64_t off_bytes, const void *buf, size_t len_bytes);

/*
 * mread -v / -f: mread_f()'s dump of the range [off, off + len_bytes) of the mapping,
 * buf holding those bytes. print_off_bytes is off minus the mapping's file offset for
 * -v, off itself for -f. The dump comes in pieces of len % pagesize, then pagesize
 * bytes, and xfs_io 6.1 prints nothing at all when len % pagesize == 1 (a 1-byte
 * "mread -v" prints nothing).
 */
void xs_io_print_mread_dump(FILE *fp, int64_t print_off_bytes, const void *buf, size_t len_bytes,
			    uint32_t pagesize_bytes);

/*
 * check_mapping_range() of io/mmap.c, used by mwrite, mread (pagealign false) and msync
 * (pagealign true) with the current mapping [map_off, map_off + map_len) of the file,
 * mapped at the (made-up) address map_addr. Returns 0 if xfs_io goes on, -EINVAL after
 * printing its complaint to fp (stdout; xfs_io's exit status becomes 1). xfs_io 6.1's
 * end check is `off - map_off + len > map_off + map_len`, so a range that passes may
 * still run past the mapping when map_off > 0; the real xfs_io then touches unmapped
 * memory (SIGSEGV) or pages beyond EOF (SIGBUS), which is the caller's to model.
 */
int xs_io_check_mapping_range(FILE *fp, int64_t map_off_bytes, int64_t map_len_bytes,
			      uint64_t map_addr, int64_t off_bytes, int64_t len_bytes,
			      bool pagealign, uint32_t pagesize_bytes);

/*
 * One line of the mapping list (print_mapping() in io/mmap.c), printed by mmap
 * without arguments and by munmap when other mappings remain:
 *   [000] 0x7f838aae8000 - 0x7f838aae9000 rw-              m1 (0 : 4096)
 * current: the current mapping (square brackets); prot: XS_IO_PROT_*.
 */
void xs_io_print_mapping(FILE *fp, int index, bool current, uint64_t map_addr,
			 int64_t map_len_bytes, unsigned int prot, const char *path,
			 int64_t map_off_bytes);

/*
 * perror(what) with errno = errnum (positive): "what: strerror(errnum)\n", to be
 * written to stderr. The `what` xfs_io passes for each command:
 *   pwrite "pwrite", pread "pread", mmap "mmap", msync "msync", munmap "munmap",
 *   truncate "ftruncate", falloc/fpunch/fzero "fallocate", fsync "fsync",
 *   fdatasync "fdatasync" (also pwrite -W / -w), stat "fstat", statfs "fstatfs".
 */
void xs_io_print_errno(FILE *fp, const char *what, int errnum);

#endif /* XS_IO_XFSIO_PRINT_H */
