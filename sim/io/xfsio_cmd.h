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
 * What the executor does with a parsed command, as xfs_io 6.1 does it:
 *   pwrite   writes min(remaining, bsize) bytes per op from off until len bytes are
 *            written or a write comes back short (bsize 0: zero ops); then -W fsync,
 *            -w fdatasync; then, unless -q, xs_io_print_io_report("wrote", off, len,
 *            total, ops, ...). An error: xs_io_print_errno("pwrite"), no report, even
 *            after earlier ops succeeded.
 *   pread    the same with "read"; -v dumps each op's bytes (xs_io_print_dump at the
 *            op's offset) as it goes, before the report. to_eof: read until a read
 *            returns 0 or less than bsize; the report's count is the total read.
 *   mwrite, mread, msync   xs_io_check_mapping_range() first (msync page-aligned);
 *            without have_range they cover the whole current mapping.
 *   munmap   prints the mappings left (xs_io_print_mapping), nothing if none.
 *   mmap, mwrite, mread (without -v/-f), msync, truncate, falloc, fpunch, fzero,
 *            fsync, fdatasync, sync print nothing when they succeed.
 *   bmap     GETBMAPX: without -e the kernel writes delalloc back first; rows as in
 *            xfsio_print.h, as many as xfs_io's one or two calls get (io.c).
 * Runtime errors set xfs_io's exit status to 1 (perror paths).
 *
 * Simplification: options that xfs_io accepts but wpsim does not model make
 * xs_io_parse() return -EOPNOTSUPP rather than run with another meaning: pwrite -i/-f,
 * -B/-R, -D, -N, -O, -u, -V; pread -B/-R, -V; mmap with a mapping and fewer than two
 * arguments (listing, selecting); mread -r with -v/-f; falloc -c/-i/-u; bmap -c and a
 * negative -n above -3; every other xfs_io command (fiemap, open, close, ...). Options
 * without effect on the model are accepted and dropped: pwrite/pread -Z, pread -u,
 * mmap -s.
 * Simplification: one open file, never closed, on a filesystem without DAX (mmap -S
 * fails with EOPNOTSUPP, as xfs_io reports it).
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

/*
 * pread [-q] [-C] [-v] [-b bsize] off len. A non-numeric off is no parse error in
 * xfs_io 6.1: it calls pread(2) at offset -1, so xs_io_parse() returns -EINVAL with
 * err_text "pread: Invalid argument".
 */
struct xs_io_pread_opts {
	bool quiet;	     /* -q */
	bool compact;	     /* -C */
	bool verbose;	     /* -v: hex dump of each op's buffer (xs_io_print_dump) */
	bool to_eof;	     /* len was not a number: read to EOF (len_bytes is 0) */
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
	 * out_text to stdout, before running the command. set_exitcode: xfs_io's exit
	 * status becomes 1 (true for most complaints; not for argument counts, unknown
	 * commands, "no mapped regions" outside mmap, bmap's and fzero's complaints, or
	 * mwrite's bad seed; true for falloc's bad option although falloc then runs).
	 * Text beyond XS_IO_MSG_MAX - 1 bytes is dropped.
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
 *   -ENOMEM	  no memory for a copy of the line.
 * errbuf is set to "" on success; it may be NULL when errlen is 0.
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
