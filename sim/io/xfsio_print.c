/*
 * xfs_io's output formats: see xfsio_print.h.
 *
 * Each function repeats the printf() formats of xfsprogs 6.1 and the arithmetic that
 * feeds them, quirks included: bmap -v sizes its BLOCK-RANGE and AG-OFFSET columns
 * from delalloc records too (whose bmv_block is -2), cvtstr() calls a figure "precise"
 * when it is a whole number that fits an int, and a rate computed over zero elapsed
 * time prints as glibc prints x86's 0.0/0.0, "-nan".
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include "io/xfsio_print.h"

#define XS_IO_BBSIZE 512

/* Room for any "%.3f" of a double (DBL_MAX has 309 integer digits). */
#define XS_IO_NUM_MAX 320

/* getbmapx bmv_block of a row */
static int64_t xs_io_bmv_block(const struct xs_io_bmap_row *row)
{
	switch (row->kind) {
	case XS_IO_BMAP_HOLE:
		return -1;
	case XS_IO_BMAP_DELALLOC:
		return -2;
	case XS_IO_BMAP_REAL:
		break;
	}
	return row->block_bb;
}

/* Models numlen() of libfrog/convert.c. */
static int xs_io_numlen(uint64_t val)
{
	int len = 0;

	for (; val > 0; val /= 10)
		len++;
	return len == 0 ? 1 : len;
}

static int xs_io_max(int a, int b)
{
	return a > b ? a : b;
}

/* bmap -v's per-extent flags (FLG_* in io/bmap.c), octal */
#define XS_IO_NFLG	 6
#define XS_IO_FLG_NULL	 0000000
#define XS_IO_FLG_SHARED 0100000
#define XS_IO_FLG_PRE	 0010000
#define XS_IO_FLG_BSU	 0001000
#define XS_IO_FLG_ESU	 0000100
#define XS_IO_FLG_BSW	 0000010
#define XS_IO_FLG_ESW	 0000001

/* The non-verbose form: "\t0: [0..7]: 96..103" */
static void xs_io_print_bmap_plain(FILE *fp, const struct xs_io_bmap_opts *opts,
				   const struct xs_io_bmap_row *rows, int egcnt)
{
	long long off, len, block;
	int i;

	for (i = 0; i < egcnt; i++) {
		off = rows[i].off_bb;
		len = rows[i].len_bb;
		block = xs_io_bmv_block(&rows[i]);
		fprintf(fp, "\t%d: [%lld..%lld]: ", i, off, off + len - 1);
		if (block == -1)
			fprintf(fp, "hole");
		else if (block == -2)
			fprintf(fp, "delalloc");
		else
			fprintf(fp, "%lld..%lld", block, block + len - 1);
		if (opts->lflag)
			fprintf(fp, " %lld blocks\n", len);
		else
			fprintf(fp, "\n");
	}
}

/* The table form of bmap -v (not realtime: the model has no realtime device). */
static void xs_io_print_bmap_verbose(FILE *fp, const struct xs_io_bmap_opts *opts,
				     const struct xs_io_bmap_geom *geom,
				     const struct xs_io_bmap_row *rows, int egcnt)
{
	/* BMV_OF_PREALLOC is reported only when asked for, and never for -a/-c */
	bool prealloc_reported = opts->pflag && !opts->aflag && !opts->cflag;
	int foff_w = 16, boff_w = 16, aoff_w = 16, tot_w = 5, agno_w;
	long long off, len, block, bbperag, agno, agoff, sunit, swidth;
	char rbuf[32], bbuf[32], abuf[64];
	int flg, i;

	bbperag = (long long)geom->agblocks * geom->blocksize_bytes / XS_IO_BBSIZE;
	sunit = (long long)geom->sunit_fsb * geom->blocksize_bytes / XS_IO_BBSIZE;
	swidth = (long long)geom->swidth_fsb * geom->blocksize_bytes / XS_IO_BBSIZE;
	flg = (int)sunit | opts->pflag;

	for (i = 0; i < egcnt; i++) {
		off = rows[i].off_bb;
		len = rows[i].len_bb;
		block = xs_io_bmv_block(&rows[i]);
		snprintf(rbuf, sizeof(rbuf), "[%lld..%lld]:", off, off + len - 1);
		if (prealloc_reported && rows[i].unwritten)
			flg = 1;
		if (block == -1) {
			foff_w = xs_io_max(foff_w, (int)strlen(rbuf));
			tot_w = xs_io_max(tot_w, xs_io_numlen((uint64_t)len));
			continue;
		}
		snprintf(bbuf, sizeof(bbuf), "%lld..%lld", block, block + len - 1);
		boff_w = xs_io_max(boff_w, (int)strlen(bbuf));
		if (bbperag > 0) {
			agoff = block % bbperag;
			snprintf(abuf, sizeof(abuf), "(%lld..%lld)", agoff, agoff + len - 1);
			aoff_w = xs_io_max(aoff_w, (int)strlen(abuf));
		} else {
			aoff_w = 0;
		}
		foff_w = xs_io_max(foff_w, (int)strlen(rbuf));
		tot_w = xs_io_max(tot_w, xs_io_numlen((uint64_t)len));
	}
	agno_w = xs_io_max(2, xs_io_numlen(geom->agcount));
	fprintf(fp, "%4s: %-*s %-*s %*s %-*s %*s%s\n", "EXT", foff_w, "FILE-OFFSET", boff_w,
		"BLOCK-RANGE", agno_w, "AG", aoff_w, "AG-OFFSET", tot_w, "TOTAL",
		flg ? " FLAGS" : "");

	for (i = 0; i < egcnt; i++) {
		off = rows[i].off_bb;
		len = rows[i].len_bb;
		block = xs_io_bmv_block(&rows[i]);
		flg = XS_IO_FLG_NULL;
		if (prealloc_reported && rows[i].unwritten)
			flg |= XS_IO_FLG_PRE;
		if (rows[i].shared)
			flg |= XS_IO_FLG_SHARED;
		if (sunit) {
			if (block % sunit != 0)
				flg |= XS_IO_FLG_BSU;
			if ((block + len) % sunit != 0)
				flg |= XS_IO_FLG_ESU;
			if (block % swidth != 0)
				flg |= XS_IO_FLG_BSW;
			if ((block + len) % swidth != 0)
				flg |= XS_IO_FLG_ESW;
		}
		snprintf(rbuf, sizeof(rbuf), "[%lld..%lld]:", off, off + len - 1);
		if (block == -1 || block == -2) {
			fprintf(fp, "%4d: %-*s %-*s %*s %-*s %*lld\n", i, foff_w, rbuf, boff_w,
				block == -1 ? "hole" : "delalloc", agno_w, "", aoff_w, "", tot_w,
				len);
			continue;
		}
		snprintf(bbuf, sizeof(bbuf), "%lld..%lld", block, block + len - 1);
		fprintf(fp, "%4d: %-*s %-*s", i, foff_w, rbuf, boff_w, bbuf);
		if (bbperag > 0) {
			agno = block / bbperag;
			agoff = block % bbperag;
			snprintf(abuf, sizeof(abuf), "(%lld..%lld)", agoff, agoff + len - 1);
			fprintf(fp, " %*d %-*s", agno_w, (int)agno, aoff_w, abuf);
		} else {
			fprintf(fp, "  ");
		}
		fprintf(fp, " %*lld", tot_w, len);
		if (flg == XS_IO_FLG_NULL && !opts->pflag)
			fprintf(fp, "\n");
		else
			fprintf(fp, " %-*.*o\n", XS_IO_NFLG, XS_IO_NFLG, (unsigned int)flg);
	}

	/* flg is the last row's: xfs_io tests it, not whether any row had flags */
	if ((flg || opts->pflag) && opts->vflag > 1) {
		fprintf(fp, " FLAG Values:\n");
		fprintf(fp, "    %*.*o Shared extent\n", XS_IO_NFLG + 1, XS_IO_NFLG + 1,
			XS_IO_FLG_SHARED);
		fprintf(fp, "    %*.*o Unwritten preallocated extent\n", XS_IO_NFLG + 1,
			XS_IO_NFLG + 1, XS_IO_FLG_PRE);
		fprintf(fp, "    %*.*o Doesn't begin on stripe unit\n", XS_IO_NFLG + 1,
			XS_IO_NFLG + 1, XS_IO_FLG_BSU);
		fprintf(fp, "    %*.*o Doesn't end   on stripe unit\n", XS_IO_NFLG + 1,
			XS_IO_NFLG + 1, XS_IO_FLG_ESU);
		fprintf(fp, "    %*.*o Doesn't begin on stripe width\n", XS_IO_NFLG + 1,
			XS_IO_NFLG + 1, XS_IO_FLG_BSW);
		fprintf(fp, "    %*.*o Doesn't end   on stripe width\n", XS_IO_NFLG + 1,
			XS_IO_NFLG + 1, XS_IO_FLG_ESW);
	}
}

void xs_io_print_bmap(FILE *fp, const char *path, const struct xs_io_bmap_opts *opts,
		      const struct xs_io_bmap_geom *geom, const struct xs_io_bmap_row *rows,
		      size_t nrows)
{
	int egcnt;

	if (!opts->nflag && nrows == 0) {
		fprintf(fp, "%s: no extents\n", path);
		return;
	}
	egcnt = (int)nrows;
	if (opts->nflag > 0 && (size_t)opts->nflag < nrows)
		egcnt = opts->nflag;
	fprintf(fp, "%s:\n", path);
	if (!opts->vflag)
		xs_io_print_bmap_plain(fp, opts, rows, egcnt);
	else
		xs_io_print_bmap_verbose(fp, opts, geom, rows, egcnt);
}

/* Models filetype() of io/stat.c. */
static const char *xs_io_filetype(uint32_t mode)
{
	switch (mode & 0170000u) {
	case 0140000u:
		return "socket";
	case 0040000u:
		return "directory";
	case 0020000u:
		return "char device";
	case 0060000u:
		return "block device";
	case 0100000u:
		return "regular file";
	case 0120000u:
		return "symbolic link";
	case 0010000u:
		return "fifo";
	}
	return "(null)"; /* glibc's printf("%s", NULL) */
}

/* The xflags table of io/attr.c, in printing order. */
static const struct {
	uint32_t flag;
	char shortname;
	const char *longname;
} xs_io_xflags[] = {
	{0x00000001u, 'r', "realtime"},	    {0x00000002u, 'p', "prealloc"},
	{0x00000008u, 'i', "immutable"},    {0x00000010u, 'a', "append-only"},
	{0x00000020u, 's', "sync"},	    {0x00000040u, 'A', "no-atime"},
	{0x00000080u, 'd', "no-dump"},	    {0x00000100u, 't', "rt-inherit"},
	{0x00000200u, 'P', "proj-inherit"}, {0x00000400u, 'n', "nosymlinks"},
	{0x00000800u, 'e', "extsize"},	    {0x00001000u, 'E', "extsz-inherit"},
	{0x00002000u, 'f', "no-defrag"},    {0x00004000u, 'S', "filestream"},
	{0x00008000u, 'x', "dax"},	    {0x00010000u, 'C', "cowextsize"},
	{0x80000000u, 'X', "has-xattr"},
};

/* Models printxattr(flags, verbose, 0, name, 1, 1). */
static void xs_io_print_xflags(FILE *fp, uint32_t flags, bool verbose)
{
	bool first = true;
	size_t i;

	fputc('[', fp);
	for (i = 0; i < sizeof(xs_io_xflags) / sizeof(xs_io_xflags[0]); i++) {
		if (flags & xs_io_xflags[i].flag) {
			if (verbose) {
				if (!first)
					fputs(", ", fp);
				first = false;
				fputs(xs_io_xflags[i].longname, fp);
			} else {
				fputc(xs_io_xflags[i].shortname, fp);
			}
		} else if (!verbose) {
			fputc('-', fp);
		}
	}
	fputs("]\n", fp);
}

static void xs_io_print_ctime(FILE *fp, const char *label, int64_t t_s)
{
	char buf[64];
	time_t t = (time_t)t_s;

	if (!ctime_r(&t, buf))
		snprintf(buf, sizeof(buf), "(null)\n");
	fprintf(fp, "%s = %s", label, buf);
}

void xs_io_print_stat(FILE *fp, const char *path, const struct xs_io_stat *st, bool verbose,
		      bool raw)
{
	unsigned int f = st->fd_flags;

	if (raw) {
		fprintf(fp, "stat.blksize = %lu\n", (unsigned long)st->blksize_bytes);
		fprintf(fp, "stat.nlink = %lu\n", (unsigned long)st->nlink);
		fprintf(fp, "stat.uid = %u\n", st->uid);
		fprintf(fp, "stat.gid = %u\n", st->gid);
		fprintf(fp, "stat.mode: 0%o\n", st->mode);
		fprintf(fp, "stat.ino = %llu\n", (unsigned long long)st->ino);
		fprintf(fp, "stat.size = %lld\n", (long long)st->size_bytes);
		fprintf(fp, "stat.blocks = %lld\n", (long long)st->blocks_bb);
		fprintf(fp, "stat.atime.tv_sec = %lld\n", (long long)st->atime_s);
		fprintf(fp, "stat.atime.tv_nsec = %ld\n", st->atime_ns);
		fprintf(fp, "stat.ctime.tv_sec = %lld\n", (long long)st->ctime_s);
		fprintf(fp, "stat.ctime.tv_nsec = %ld\n", st->ctime_ns);
		fprintf(fp, "stat.mtime.tv_sec = %lld\n", (long long)st->mtime_s);
		fprintf(fp, "stat.mtime.tv_nsec = %ld\n", st->mtime_ns);
		fprintf(fp, "stat.rdev_major = %u\n", st->rdev_major);
		fprintf(fp, "stat.rdev_minor = %u\n", st->rdev_minor);
		fprintf(fp, "stat.dev_major = %u\n", st->dev_major);
		fprintf(fp, "stat.dev_minor = %u\n", st->dev_minor);
		return;
	}

	fprintf(fp, "fd.path = \"%s\"\n", path);
	fprintf(fp, "fd.flags = %s,%s,%s%s%s%s%s\n", f & XS_IO_FD_SYNC ? "sync" : "non-sync",
		f & XS_IO_FD_DIRECT ? "direct" : "non-direct",
		f & XS_IO_FD_READONLY ? "read-only" : "read-write",
		f & XS_IO_FD_REALTIME ? ",real-time" : "",
		f & XS_IO_FD_APPEND ? ",append-only" : "",
		f & XS_IO_FD_NONBLOCK ? ",non-block" : "", f & XS_IO_FD_TMPFILE ? ",tmpfile" : "");
	fprintf(fp, "stat.ino = %lld\n", (long long)st->ino);
	fprintf(fp, "stat.type = %s\n", xs_io_filetype(st->mode));
	fprintf(fp, "stat.size = %lld\n", (long long)st->size_bytes);
	fprintf(fp, "stat.blocks = %lld\n", (long long)st->blocks_bb);
	if (verbose) {
		xs_io_print_ctime(fp, "stat.atime", st->atime_s);
		xs_io_print_ctime(fp, "stat.mtime", st->mtime_s);
		xs_io_print_ctime(fp, "stat.ctime", st->ctime_s);
	}
	fprintf(fp, "fsxattr.xflags = 0x%x ", st->xflags);
	xs_io_print_xflags(fp, st->xflags, verbose);
	fprintf(fp, "fsxattr.projid = %u\n", st->projid);
	fprintf(fp, "fsxattr.extsize = %u\n", st->extsize_bytes);
	fprintf(fp, "fsxattr.cowextsize = %u\n", st->cowextsize_bytes);
	fprintf(fp, "fsxattr.nextents = %u\n", st->nextents);
	fprintf(fp, "fsxattr.naextents = %u\n", st->naextents);
	fprintf(fp, "dioattr.mem = 0x%x\n", st->dio_mem);
	fprintf(fp, "dioattr.miniosz = %u\n", st->dio_miniosz);
	fprintf(fp, "dioattr.maxiosz = %u\n", st->dio_maxiosz);
}

void xs_io_print_statfs(FILE *fp, const char *path, const struct xs_io_statfs *sf,
			unsigned int flags)
{
	fprintf(fp, "fd.path = \"%s\"\n", path);
	if (flags & XS_IO_STATFS_STATFS) {
		fprintf(fp, "statfs.f_bsize = %lld\n", (long long)sf->f_bsize);
		fprintf(fp, "statfs.f_blocks = %lld\n", (long long)sf->f_blocks);
		fprintf(fp, "statfs.f_bavail = %lld\n", (long long)sf->f_bavail);
		fprintf(fp, "statfs.f_files = %lld\n", (long long)sf->f_files);
		fprintf(fp, "statfs.f_ffree = %lld\n", (long long)sf->f_ffree);
		fprintf(fp, "statfs.f_flags = 0x%llx\n", (unsigned long long)sf->f_flags);
	}
	if (flags & XS_IO_STATFS_GEOMETRY) {
		fprintf(fp, "geom.bsize = %u\n", sf->geom_bsize);
		fprintf(fp, "geom.agcount = %u\n", sf->geom_agcount);
		fprintf(fp, "geom.agblocks = %u\n", sf->geom_agblocks);
		fprintf(fp, "geom.datablocks = %llu\n", (unsigned long long)sf->geom_datablocks);
		fprintf(fp, "geom.rtblocks = %llu\n", (unsigned long long)sf->geom_rtblocks);
		fprintf(fp, "geom.rtextents = %llu\n", (unsigned long long)sf->geom_rtextents);
		fprintf(fp, "geom.rtextsize = %u\n", sf->geom_rtextsize);
		fprintf(fp, "geom.sunit = %u\n", sf->geom_sunit);
		fprintf(fp, "geom.swidth = %u\n", sf->geom_swidth);
	}
	if (flags & XS_IO_STATFS_COUNTS) {
		fprintf(fp, "counts.freedata = %llu\n", (unsigned long long)sf->counts_freedata);
		fprintf(fp, "counts.freertx = %llu\n", (unsigned long long)sf->counts_freertx);
		fprintf(fp, "counts.freeino = %llu\n", (unsigned long long)sf->counts_freeino);
		fprintf(fp, "counts.allocino = %llu\n", (unsigned long long)sf->counts_allocino);
	}
}

/*
 * printf("%.<prec>f", v) as glibc prints it on x86-64, where the NaN that 0.0/0.0
 * yields has its sign bit set.
 */
static void xs_io_fmt_double(char *buf, size_t size, int prec, double v)
{
	if (isnan(v))
		snprintf(buf, size, "-nan");
	else
		snprintf(buf, size, "%.*f", prec, v);
}

/* (int)value as x86-64's cvttsd2si computes it: INT_MIN when out of range. */
static double xs_io_x86_int(double value)
{
	if (isnan(value) || value >= 2147483648.0 || value <= -2147483649.0)
		return -2147483648.0;
	return (double)(int)value;
}

/* Models cvtstr() of libfrog/convert.c. */
static void xs_io_cvtstr(double value, char *str, size_t size)
{
	static const struct {
		int shift;
		const char *unit;
	} units[] = {
		{60, "EiB"}, {50, "PiB"}, {40, "TiB"}, {30, "GiB"}, {20, "MiB"}, {10, "KiB"},
	};
	bool precise = value * 1000 == xs_io_x86_int(value) * 1000;
	char num[XS_IO_NUM_MAX];
	double scale;
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		scale = (double)(1LL << units[i].shift);
		if (value >= scale) {
			xs_io_fmt_double(num, sizeof(num), precise ? 0 : 3, value / scale);
			snprintf(str, size, "%s %s", num, units[i].unit);
			return;
		}
	}
	xs_io_fmt_double(num, sizeof(num), 6, value);
	snprintf(str, size, "%s bytes", num);
}

/* Models tdiv(): value per second of elapsed time. */
static double xs_io_tdiv(double value, int64_t elapsed_us)
{
	int64_t sec = elapsed_us / 1000000, usec = elapsed_us % 1000000;

	return value / ((double)sec + ((double)usec / 1000000.0));
}

/* Models timestr() with format 0 (verbose false) or VERBOSE_FIXED_TIME. */
static void xs_io_timestr(int64_t elapsed_us, bool fixed, char *ts, size_t size)
{
	uint64_t sec = (uint64_t)elapsed_us / 1000000, usec = (uint64_t)elapsed_us % 1000000;

	if (fixed || sec)
		snprintf(ts, size, "%u:%02u:%02u.%02u", (unsigned int)(sec / 3600),
			 (unsigned int)((sec % 3600) / 60), (unsigned int)(sec % 60),
			 (unsigned int)(usec / 1000 / 10));
	else
		snprintf(ts, size, "0.%04u sec", (unsigned int)(usec / 100));
}

void xs_io_print_io_report(FILE *fp, const char *verb, int64_t off_bytes, int64_t count_bytes,
			   int64_t total_bytes, int ops, int64_t elapsed_us, bool compact)
{
	char s1[XS_IO_NUM_MAX + 8], s2[XS_IO_NUM_MAX + 8], ts[64];
	char r1[XS_IO_NUM_MAX], r2[XS_IO_NUM_MAX];
	double bps = xs_io_tdiv((double)total_bytes, elapsed_us);
	double opsps = xs_io_tdiv((double)ops, elapsed_us);

	xs_io_timestr(elapsed_us, compact, ts, sizeof(ts));
	if (compact) {
		xs_io_fmt_double(r1, sizeof(r1), 3, bps);
		xs_io_fmt_double(r2, sizeof(r2), 3, opsps);
		fprintf(fp, "%lld,%d,%s,%s,%s\n", (long long)total_bytes, ops, ts, r1, r2);
		return;
	}
	xs_io_cvtstr((double)total_bytes, s1, sizeof(s1));
	xs_io_cvtstr(bps, s2, sizeof(s2));
	xs_io_fmt_double(r2, sizeof(r2), 4, opsps);
	fprintf(fp, "%s %lld/%lld bytes at offset %lld\n", verb, (long long)total_bytes,
		(long long)count_bytes, (long long)off_bytes);
	fprintf(fp, "%s, %d ops; %s (%s/sec and %s ops/sec)\n", s1, ops, ts, s2, r2);
}

void xs_io_print_dump(FILE *fp, int64_t off_bytes, const void *buf, size_t len_bytes)
{
	const unsigned char *p = buf;
	size_t i, j;

	for (i = 0; i < len_bytes; i += 16) {
		fprintf(fp, "%08llx:  ", (unsigned long long)off_bytes + i);
		for (j = 0; j < 16 && i + j < len_bytes; j++)
			fprintf(fp, "%02x ", p[i + j]);
		fputc(' ', fp);
		/* isalnum() of the C locale: bytes >= 0x80 print as '.' */
		for (j = 0; j < 16 && i + j < len_bytes; j++)
			fputc(p[i + j] < 0x80 && isalnum(p[i + j]) ? p[i + j] : '.', fp);
		fputc('\n', fp);
	}
}

void xs_io_print_mread_dump(FILE *fp, int64_t print_off_bytes, const void *buf, size_t len_bytes,
			    uint32_t pagesize_bytes)
{
	const unsigned char *p = buf;
	size_t dumplen, cnt = 0, tmp;

	dumplen = len_bytes % pagesize_bytes;
	if (!dumplen)
		dumplen = pagesize_bytes;
	/*
	 * mread_f() copies byte by byte and dumps when its count reaches dumplen, except
	 * at the first byte: a first piece of one byte is never dumped, and its count
	 * then never matches again.
	 */
	for (tmp = 0; tmp < len_bytes; tmp++) {
		cnt++;
		if (tmp > 0 && cnt == dumplen) {
			xs_io_print_dump(fp, print_off_bytes + (int64_t)(tmp - (dumplen - 1)),
					 p + tmp - (dumplen - 1), dumplen);
			dumplen = pagesize_bytes;
			cnt = 0;
		}
	}
}

int xs_io_check_mapping_range(FILE *fp, int64_t map_off_bytes, int64_t map_len_bytes,
			      uint64_t map_addr, int64_t off_bytes, int64_t len_bytes,
			      bool pagealign, uint32_t pagesize_bytes)
{
	int64_t relative;

	if (off_bytes < map_off_bytes) {
		fprintf(fp, "offset (%lld) is before start of mapping (%lld)\n",
			(long long)off_bytes, (long long)map_off_bytes);
		return -EINVAL;
	}
	relative = off_bytes - map_off_bytes;
	if (relative > map_len_bytes) {
		fprintf(fp, "offset (%lld) is beyond end of mapping (%lld)\n", (long long)relative,
			(long long)map_off_bytes);
		return -EINVAL;
	}
	if (relative + len_bytes > map_off_bytes + map_len_bytes) {
		fprintf(fp, "range (%lld:%lld) is beyond mapping (%lld:%ld)\n",
			(long long)off_bytes, (long long)relative, (long long)map_off_bytes,
			(long)map_len_bytes);
		return -EINVAL;
	}
	if (pagealign && (map_addr + (uint64_t)relative) % pagesize_bytes) {
		fprintf(fp, "offset address (0x%llx) is not page aligned\n",
			(unsigned long long)(map_addr + (uint64_t)relative));
		return -EINVAL;
	}
	return 0;
}

void xs_io_print_mapping(FILE *fp, int index, bool current, uint64_t map_addr,
			 int64_t map_len_bytes, unsigned int prot, const char *path,
			 int64_t map_off_bytes)
{
	char pbuf[4];

	pbuf[0] = (prot & XS_IO_PROT_READ) ? 'r' : '-';
	pbuf[1] = (prot & XS_IO_PROT_WRITE) ? 'w' : '-';
	pbuf[2] = (prot & XS_IO_PROT_EXEC) ? 'x' : '-';
	pbuf[3] = '\0';
	fprintf(fp, "%c%03d%c 0x%llx - 0x%llx %s  %14s (%lld : %ld)\n", current ? '[' : ' ', index,
		current ? ']' : ' ', (unsigned long long)map_addr,
		(unsigned long long)(map_addr + (uint64_t)map_len_bytes), pbuf, path,
		(long long)map_off_bytes, (long)map_len_bytes);
}

void xs_io_print_errno(FILE *fp, const char *what, int errnum)
{
	fprintf(fp, "%s: %s\n", what, strerror(errnum));
}
