/*
 * xfs_io's command language: parse one command line into a struct xs_io_cmd.
 *
 * Models the argument handling of xfsprogs 6.1 io/ (pwrite.c, pread.c, mmap.c,
 * prealloc.c, truncate.c, fsync.c, sync.c, bmap.c, stat.c), libxcmd/command.c
 * (command lookup, argument counts, usage lines), libxcmd/input.c (breakline) and
 * libfrog/convert.c (cvtnum), including glibc getopt's argument permutation and its
 * diagnostics. The parser knows nothing about the model: the executor (io.c) runs the
 * parsed command and prints its results with xfsio_print.h.
 *
 * What xfs_io prints while parsing is returned as text, split by stream, so that the
 * caller can reproduce it byte for byte: xfs_io prints usage lines and "non-numeric"
 * complaints to stdout, and "command not found", argument-count, getopt and
 * "no mapped regions" complaints to stderr.
 *
 * Simplification: options that xfs_io accepts but wpsim does not model (pwrite -i/-d/-s/
 * -B/-R/-Z/-V/-N/-u, pread -B/-R/-Z/-V/-u, mmap -s, mread -r with -v/-f, bmap -c) make
 * xs_io_parse() return -EOPNOTSUPP instead of running with a silently different meaning.
 * Simplification: one open file, never closed; open/close/file commands are not parsed.
 */
#ifndef XS_IO_XFSIO_CMD_H
#define XS_IO_XFSIO_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Size of the per-stream diagnostic buffers in struct xs_io_cmd, NUL included. */
#define XS_IO_MSG_MAX 1024

enum xs_io_cmd_kind {
	XS_IO_CMD_NONE = 0, /* blank line: nothing to do */
	XS_IO_CMD_PWRITE,
	XS_IO_CMD_PREAD,
	XS_IO_CMD_MMAP,
	XS_IO_CMD_MWRITE,
	XS_IO_CMD_MREAD,
	XS_IO_CMD_MSYNC,
	XS_IO_CMD_MUNMAP,
	XS_IO_CMD_TRUNCATE,
	XS_IO_CMD_FALLOC,
	XS_IO_CMD_FPUNCH,
	XS_IO_CMD_FZERO,
	XS_IO_CMD_FSYNC,
	XS_IO_CMD_FDATASYNC,
	XS_IO_CMD_SYNC,
	XS_IO_CMD_BMAP,
	XS_IO_CMD_STAT,
	XS_IO_CMD_STATFS,
	XS_IO_CMD_NR
};

/* mmap protection bits (mmap -r -w -x; none given means all three, as xfs_io does). */
#define XS_IO_PROT_READ	 0x1u
#define XS_IO_PROT_WRITE 0x2u
#define XS_IO_PROT_EXEC	 0x4u

/* msync flags, values as <sys/mman.h> on Linux (msync -a -i -s; default 0). */
#define XS_IO_MS_ASYNC	    0x1u
#define XS_IO_MS_INVALIDATE 0x2u
#define XS_IO_MS_SYNC	    0x4u

/* fallocate(2) modes, values as <linux/falloc.h>. */
#define XS_IO_FALLOC_KEEP_SIZE	    0x01u
#define XS_IO_FALLOC_PUNCH_HOLE	    0x02u
#define XS_IO_FALLOC_COLLAPSE_RANGE 0x08u
#define XS_IO_FALLOC_ZERO_RANGE	    0x10u
#define XS_IO_FALLOC_INSERT_RANGE   0x20u
#define XS_IO_FALLOC_UNSHARE_RANGE  0x40u

/* statfs sections (statfs -s -g -c; none given means all three). */
#define XS_IO_STATFS_STATFS   0x1u
#define XS_IO_STATFS_GEOMETRY 0x2u
#define XS_IO_STATFS_COUNTS   0x4u

/* What the parser needs to know about the open file (init_cvtnum() and the mapping). */
struct xs_io_env {
	uint32_t blocksize_bytes; /* cvtnum 'b' suffix and pwrite/pread default -b */
	uint32_t sectsize_bytes;  /* cvtnum 's' suffix */
	bool have_mapping;	  /* an mmap region is current (xfs_io's `mapping`) */
};

/* pwrite [-q] [-C] [-w] [-W] [-b bsize] [-S seed] off len */
struct xs_io_pwrite_opts {
	bool quiet;	     /* -q: no report lines */
	bool compact;	     /* -C: one comma-separated report line */
	bool fdatasync;	     /* -w: fdatasync(2) after the writes */
	bool fsync;	     /* -W: fsync(2) after the writes (done before -w's) */
	int64_t bsize_bytes; /* -b, default env->blocksize_bytes; each op writes <= this */
	uint32_t seed;	     /* -S, default 0xcdcdcdcd */
	uint8_t fill_byte;   /* the byte written everywhere: memset(buf, seed, ...) */
};

/* pread [-q] [-C] [-v] [-b bsize] off len */
struct xs_io_pread_opts {
	bool quiet;	     /* -q */
	bool compact;	     /* -C */
	bool verbose;	     /* -v: hex dump of each op's buffer (xs_io_print_dump) */
	bool to_eof;	     /* len was not a number: read until a read returns 0 */
	int64_t bsize_bytes; /* -b, default env->blocksize_bytes */
};

/* mwrite [-r] [-S seed] [off len]: stores (char)seed, default 'X', into the mapping. */
struct xs_io_mwrite_opts {
	int32_t seed;	   /* -S, parsed with strtol; default 'X' */
	uint8_t fill_byte; /* (unsigned char)seed */
	bool reverse;	   /* -r: store from the end of the range backwards */
};

/* bmap [-acelpv] [-n nx] */
struct xs_io_bmap_opts {
	bool aflag; /* -a: attribute fork (the model has none: "no extents") */
	bool cflag; /* -c: CoW fork; implies -e */
	bool eflag; /* -e: BMV_IF_DELALLOC, report delalloc instead of flushing first */
	bool lflag; /* -l: block counts (non-verbose form only) */
	bool pflag; /* -p: BMV_IF_PREALLOC, flag unwritten extents (not with -a/-c) */
	int vflag;  /* -v count: table form; >= 2 adds the flag legend */
	int nflag;  /* -n N (atoi): 0 = all extents */
};

/*
 * One parsed command. Numeric arguments are bytes as cvtnum() returned them (never
 * negative after a successful parse). Only the option struct matching `kind` is valid.
 */
struct xs_io_cmd {
	enum xs_io_cmd_kind kind;
	const char *name; /* canonical command name ("pwrite" for "w"), static storage */

	/*
	 * off len: pwrite, pread, mmap, falloc, fpunch, fzero; optional (have_range) for
	 * mwrite, mread, msync, which otherwise cover the current mapping. truncate's size
	 * is off_bytes.
	 */
	bool have_range;
	int64_t off_bytes;
	int64_t len_bytes;

	union {
		struct xs_io_pwrite_opts pwrite;
		struct xs_io_pread_opts pread;
		struct xs_io_mwrite_opts mwrite;
		struct xs_io_bmap_opts bmap;
		unsigned int mmap_prot;	   /* XS_IO_PROT_* */
		unsigned int msync_flags;  /* XS_IO_MS_* */
		unsigned int falloc_mode;  /* XS_IO_FALLOC_*: falloc, fpunch, fzero */
		int mread_dump;		   /* mread: 0, 1 = -v (mapping offsets), 2 = -f (file) */
		unsigned int statfs_flags; /* XS_IO_STATFS_* */
		struct {
			bool verbose; /* -v: times and xflag names */
			bool raw;     /* -r: raw struct stat dump */
		} stat;
	};

	/*
	 * What xfs_io prints while parsing, possibly non-empty even on success (falloc and
	 * fzero print their usage on a bad option and go on). Print err_text to stderr,
	 * out_text to stdout, before running the command. set_exitcode: the failure sets
	 * xfs_io's exit status to 1 (only some commands do).
	 */
	char out_text[XS_IO_MSG_MAX];
	char err_text[XS_IO_MSG_MAX];
	bool set_exitcode;
};

/*
 * Parse one command line (no '#' comment, no trailing newline) the way xfs_io 6.1
 * would: words split on single spaces, command name or alias looked up, the mapping
 * check, the argument count check, getopt with permutation, then the command's own
 * argument checks.
 *
 * Returns:
 *   0		  run cmd (kind XS_IO_CMD_NONE for a line with no words: do nothing);
 *		  cmd->out_text/err_text may still hold text to print first.
 *   -EINVAL	  xfs_io prints cmd->err_text (stderr) and cmd->out_text (stdout) and does
 *		  nothing else; errbuf holds both texts, stderr's first.
 *   -EOPNOTSUPP  xfs_io would accept the line but wpsim does not model that command or
 *		  option; errbuf says which. Nothing for xfs_io's streams.
 * errbuf may be NULL when errlen is 0.
 */
int xs_io_parse(const struct xs_io_env *env, const char *line, struct xs_io_cmd *cmd, char *errbuf,
		size_t errlen);

/*
 * Models libfrog cvtnum(): strtoll(base 0) then at most one case-insensitive suffix
 * character: b (blocksize_bytes), s (sectsize_bytes), k m g t p e (powers of 1024).
 * Returns the value in bytes, or -1 for anything else. Like xfs_io's callers, treat
 * any negative result as "non-numeric": "-1k" gives -1024, and overflow is not
 * detected (strtoll clamps to INT64_MAX, suffixes wrap: "8e" is INT64_MIN).
 */
int64_t xs_io_cvtnum(uint32_t blocksize_bytes, uint32_t sectsize_bytes, const char *s);

/* The name xfs_io prints for a command kind ("pwrite"), or NULL for XS_IO_CMD_NONE. */
const char *xs_io_cmd_name(enum xs_io_cmd_kind kind);

#endif /* XS_IO_XFSIO_CMD_H */
