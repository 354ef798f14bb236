/*
 * `wpsim io`: runs parsed xfs_io commands against the model core and prints what
 * xfs_io prints for them (xfsio_print.h). Single-threaded: the core runs with no host,
 * so locks and preemption points are no-ops.
 *
 * Simplification: one file, named "file", opened with -f (read-write, created);
 * one mapping at a time; elapsed times are reported as zero.
 */
#include "io/io.h"

#include "core/bmap.h"
#include "core/extent_busy.h"
#include "core/file.h"
#include "core/writeback.h"
#include "core/mmap.h"
#include "core/textfile.h"
#include "io/xfsio_cmd.h"
#include "io/xfsio_print.h"
#include "core/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define XS_IO_PATH     "file"
#define XS_IO_MAP_ADDR 0x7f0000000000ULL

struct xs_io_state {
	struct xs_fs fs;
	FILE *out;
	FILE *err;
	bool mapped;
	int64_t map_off;
	int64_t map_len;
	unsigned int map_prot;
	int exitcode;
};

/* perror() as xfs_io does it: the failed command makes the exit status 1. */
static void io_errno(struct xs_io_state *st, const char *what, int errnum)
{
	fflush(st->out);
	xs_io_print_errno(st->err, what, errnum);
	fflush(st->err);
	st->exitcode = 1;
}

/* A user buffer filled with one byte value: copies never come up short. */
static size_t fill_copy(void *arg, uint8_t *dst, uint64_t src_off, size_t len)
{
	(void)src_off;
	memset(dst, *(const uint8_t *)arg, len);
	return len;
}

static void io_pwrite(struct xs_io_state *st, const struct xs_io_cmd *cmd)
{
	const struct xs_io_pwrite_opts *o = &cmd->pwrite;
	struct xs_user_buf src = {fill_copy, NULL, (void *)&o->fill_byte, 0};
	int64_t offset = cmd->off_bytes, count = cmd->len_bytes, total = 0;
	int64_t bar = o->bsize_bytes < count ? o->bsize_bytes : count;
	int ops = 0;

	while (count > 0) {
		int64_t chunk = count < bar ? count : bar;
		int64_t bytes =
			xs_file_write(&st->fs.inode, (uint64_t)offset, (uint64_t)chunk, &src);

		if (bytes == 0)
			break;
		if (bytes < 0) {
			io_errno(st, "pwrite", (int)-bytes);
			return;
		}
		ops++;
		total += bytes;
		if (bytes < chunk)
			break;
		offset += bytes;
		count -= bytes;
	}
	if (o->fsync || o->fdatasync)
		xs_file_fsync(&st->fs.inode);
	if (!o->quiet)
		xs_io_print_io_report(st->out, "wrote", cmd->off_bytes, cmd->len_bytes, total, ops,
				      0, o->compact);
}

static void io_pread(struct xs_io_state *st, const struct xs_io_cmd *cmd)
{
	const struct xs_io_pread_opts *o = &cmd->pread;
	int64_t offset = cmd->off_bytes, count = cmd->len_bytes, total = 0;
	int64_t bs = o->bsize_bytes;
	uint8_t *buf = xs_xmalloc((size_t)bs);
	int ops = 0;

	if (!buf)
		return;
	while (o->to_eof || count > 0) {
		int64_t chunk = o->to_eof ? bs : (count < bs ? count : bs);
		int64_t bytes = xs_file_read(&st->fs.inode, (uint64_t)offset, (uint64_t)chunk, buf);

		if (bytes <= 0)
			break;
		if (o->verbose)
			xs_io_print_dump(st->out, offset, buf, (size_t)bytes);
		ops++;
		total += bytes;
		offset += bytes;
		count -= bytes;
		if (bytes < chunk)
			break;
	}
	free(buf);
	if (!o->quiet)
		xs_io_print_io_report(st->out, "read", cmd->off_bytes,
				      o->to_eof ? total : cmd->len_bytes, total, ops, 0,
				      o->compact);
}

static void io_mwrite(struct xs_io_state *st, const struct xs_io_cmd *cmd)
{
	struct xs_inode *ip = &st->fs.inode;
	uint32_t page = ip->i_mapping.page_bytes;
	int64_t off = cmd->have_range ? cmd->off_bytes : st->map_off;
	int64_t len = cmd->have_range ? cmd->len_bytes : st->map_len;
	uint8_t buf[65536];

	if (xs_io_check_mapping_range(st->out, st->map_off, st->map_len, XS_IO_MAP_ADDR, off, len,
				      false, page)) {
		st->exitcode = 1;
		return;
	}
	memset(buf, cmd->mwrite.fill_byte, sizeof(buf) < page ? sizeof(buf) : page);
	while (len > 0) {
		uint32_t in = (uint32_t)((uint64_t)off % page);
		uint32_t n = (uint32_t)((int64_t)(page - in) < len ? page - in : (uint32_t)len);

		if (xs_mmap_store(ip, (uint64_t)off, buf, n)) {
			fprintf(st->err, "Bus error\n");
			st->exitcode = 1;
			return;
		}
		off += n;
		len -= n;
	}
}

static void io_msync(struct xs_io_state *st, const struct xs_io_cmd *cmd)
{
	int64_t off = cmd->have_range ? cmd->off_bytes : st->map_off;
	int64_t len = cmd->have_range ? cmd->len_bytes : st->map_len;

	if (xs_io_check_mapping_range(st->out, st->map_off, st->map_len, XS_IO_MAP_ADDR, off, len,
				      true, st->fs.inode.i_mapping.page_bytes)) {
		st->exitcode = 1;
		return;
	}
	/* msync(MS_ASYNC) and flags 0 start nothing; MS_SYNC is a ranged fsync */
	if ((cmd->msync_flags & XS_IO_MS_SYNC) && len > 0) {
		xs_filemap_write_and_wait_range(&st->fs.inode, (uint64_t)off,
						(uint64_t)(off + len - 1));
		/* xfs_file_fsync()'s log force commits the frees: nothing stays busy */
		xs_extent_busy_clear(&st->fs.mount);
	}
}

static void io_falloc(struct xs_io_state *st, const struct xs_io_cmd *cmd)
{
	unsigned int mode = 0;
	int error;

	if (cmd->falloc_mode & XS_IO_FALLOC_KEEP_SIZE)
		mode |= XS_FALLOC_KEEP_SIZE;
	if (cmd->falloc_mode & XS_IO_FALLOC_PUNCH_HOLE)
		mode |= XS_FALLOC_PUNCH_HOLE;
	if (cmd->falloc_mode & XS_IO_FALLOC_ZERO_RANGE)
		mode |= XS_FALLOC_ZERO_RANGE;
	error = xs_file_fallocate(&st->fs.inode, mode, (uint64_t)cmd->off_bytes,
				  (uint64_t)cmd->len_bytes);
	if (error)
		io_errno(st, "fallocate", -error);
}

/*
 * Models bmap_f()'s calls (xfsprogs io/bmap.c): GETBMAPX with bmv_count = map_size
 * (32, or -n N + 2), of which the kernel fills at most map_size - 1 rows. Only a
 * full answer makes xfs_io read fsx_nextents and, when 2 * nextents > map_size, ask
 * again with 2 * nextents + 1; it asks at most twice, so a file whose rows outnumber
 * 2 * nextents prints a truncated map. The count read is the in-core one, delalloc
 * included, after the first call's flush.
 */
static size_t io_bmap_getbmapx(struct xs_inode *ip, const struct xs_io_bmap_opts *o,
			       struct xs_getbmap_rec **recsp)
{
	size_t map_size = o->nflag > 0 ? (size_t)o->nflag + 2 : 32, n = 0;
	int loop;

	for (loop = 0; loop < 2; loop++) {
		uint64_t nextents;

		free(*recsp);
		*recsp = xs_xcalloc(map_size - 1, sizeof(**recsp));
		n = xs_getbmap(ip, o->eflag, *recsp, map_size - 1);
		if (o->nflag > 0 || n < map_size - 1)
			break;
		nextents = xs_file_fsxattr_nextents(ip);
		if (2 * nextents > map_size)
			map_size = 2 * nextents + 1;
	}
	return n;
}

static void io_bmap(struct xs_io_state *st, const struct xs_io_cmd *cmd)
{
	struct xs_inode *ip = &st->fs.inode;
	struct xs_mount *mp = &st->fs.mount;
	struct xs_getbmap_rec *recs = NULL;
	struct xs_io_bmap_row *rows = NULL;
	size_t n = 0, i;
	struct xs_io_bmap_geom geom = {
		mp->m_geo.blocksize, (uint32_t)mp->m_geo.agblocks,
		mp->m_geo.agcount,   mp->m_geo.dalign,
		mp->m_geo.swidth,
	};

	if (!cmd->bmap.aflag) {
		n = io_bmap_getbmapx(ip, &cmd->bmap, &recs);
		rows = xs_xcalloc(n ? n : 1, sizeof(*rows));
	}
	for (i = 0; i < n; i++) {
		rows[i].off_bb = recs[i].bmv_offset;
		rows[i].len_bb = recs[i].bmv_length;
		rows[i].kind = recs[i].bmv_block == -1	 ? XS_IO_BMAP_HOLE
			       : recs[i].bmv_block == -2 ? XS_IO_BMAP_DELALLOC
							 : XS_IO_BMAP_REAL;
		rows[i].block_bb = recs[i].bmv_block;
		rows[i].unwritten = recs[i].unwritten;
	}
	xs_io_print_bmap(st->out, XS_IO_PATH, &cmd->bmap, &geom, rows, n);
	free(recs);
	free(rows);
}

static void io_stat(struct xs_io_state *st, const struct xs_io_cmd *cmd)
{
	struct xs_inode *ip = &st->fs.inode;
	struct xs_io_stat s;

	memset(&s, 0, sizeof(s));
	s.ino = ip->i_ino;
	s.mode = 0100600;
	s.size_bytes = (int64_t)ip->i_size;
	s.blocks_bb = (int64_t)xs_file_stat_blocks(ip);
	/* FS_XFLAG_HASATTR, and FS_XFLAG_PREALLOC once fallocate'd */
	s.xflags = 0x80000000u | ((ip->i_diflags & XS_DIFLAG_PREALLOC) ? 0x2u : 0);
	s.nextents = (uint32_t)xs_file_fsxattr_nextents(ip);
	s.dio_mem = 0x200;
	s.dio_miniosz = 512;
	s.dio_maxiosz = 2147483136u;
	s.blksize_bytes = st->fs.mount.m_geo.blocksize;
	s.nlink = 1;
	xs_io_print_stat(st->out, XS_IO_PATH, &s, cmd->stat.verbose, cmd->stat.raw);
}

static void io_statfs(struct xs_io_state *st, const struct xs_io_cmd *cmd)
{
	struct xs_mount *mp = &st->fs.mount;
	struct xs_io_statfs sf;

	memset(&sf, 0, sizeof(sf));
	sf.f_bsize = mp->m_geo.blocksize;
	sf.f_blocks = (int64_t)xs_mount_statfs_blocks(mp);
	sf.f_bavail = (int64_t)xs_mount_statfs_bavail(mp);
	/* Simplification: inode counts as a fresh filesystem with one file */
	sf.f_files = (int64_t)(mp->m_geo.dblocks * 2);
	sf.f_ffree = sf.f_files - 4;
	sf.f_flags = 0x1020;
	sf.geom_bsize = mp->m_geo.blocksize;
	sf.geom_agcount = mp->m_geo.agcount;
	sf.geom_agblocks = (uint32_t)mp->m_geo.agblocks;
	sf.geom_datablocks = mp->m_geo.dblocks;
	sf.geom_rtextsize = 1;
	sf.geom_sunit = mp->m_geo.dalign;
	sf.geom_swidth = mp->m_geo.swidth;
	/* Simplification: the kernel reads an approximate percpu counter here */
	sf.counts_freedata = xs_mount_statfs_bavail(mp);
	sf.counts_freeino = 61;
	sf.counts_allocino = 64;
	xs_io_print_statfs(st->out, XS_IO_PATH, &sf, cmd->statfs_flags);
}

static void io_run(struct xs_io_state *st, const struct xs_io_cmd *cmd)
{
	struct xs_inode *ip = &st->fs.inode;
	int error;

	switch (cmd->kind) {
	case XS_IO_CMD_NONE:
	case XS_IO_CMD_NR:
		break;
	case XS_IO_CMD_PWRITE:
		io_pwrite(st, cmd);
		break;
	case XS_IO_CMD_PREAD:
		io_pread(st, cmd);
		break;
	case XS_IO_CMD_MMAP:
		st->mapped = true;
		st->map_off = cmd->off_bytes;
		st->map_len = cmd->len_bytes;
		st->map_prot = cmd->mmap_prot;
		break;
	case XS_IO_CMD_MWRITE:
		io_mwrite(st, cmd);
		break;
	case XS_IO_CMD_MREAD:
		break;
	case XS_IO_CMD_MSYNC:
		io_msync(st, cmd);
		break;
	case XS_IO_CMD_MUNMAP:
		xs_mmap_unmap_all(ip);
		st->mapped = false;
		break;
	case XS_IO_CMD_TRUNCATE:
		error = xs_file_truncate(ip, (uint64_t)cmd->off_bytes);
		if (error)
			io_errno(st, "ftruncate", -error);
		break;
	case XS_IO_CMD_FALLOC:
	case XS_IO_CMD_FPUNCH:
	case XS_IO_CMD_FZERO:
		io_falloc(st, cmd);
		break;
	case XS_IO_CMD_FSYNC:
	case XS_IO_CMD_FDATASYNC:
	case XS_IO_CMD_SYNC:
		xs_file_fsync(ip);
		break;
	case XS_IO_CMD_BMAP:
		io_bmap(st, cmd);
		break;
	case XS_IO_CMD_STAT:
		io_stat(st, cmd);
		break;
	case XS_IO_CMD_STATFS:
		io_statfs(st, cmd);
		break;
	}
}

/* Run one line; returns 0, or 2 on bad input (message printed). */
static int io_line(struct xs_io_state *st, const char *where, int lineno, char *line)
{
	struct xs_io_env env;
	struct xs_io_cmd cmd;
	char errbuf[XS_IO_MSG_MAX * 2];
	char *hash = strchr(line, '#');
	size_t n;
	int error;

	if (hash)
		*hash = '\0';
	n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == ' ' || line[n - 1] == '\t'))
		line[--n] = '\0';
	while (*line == ' ' || *line == '\t')
		line++;
	if (!*line)
		return 0;
	env.blocksize_bytes = st->fs.mount.m_geo.blocksize;
	env.sectsize_bytes = 512;
	env.have_mapping = st->mapped;
	error = xs_io_parse(&env, line, &cmd, errbuf, sizeof(errbuf));
	if (error) {
		n = strlen(errbuf);
		while (n && errbuf[n - 1] == '\n')
			errbuf[--n] = '\0';
		for (char *p = errbuf; *p; p++)
			if (*p == '\n')
				*p = ' ';
		fprintf(st->err, "%s:%d: %s: %s\n", where, lineno, line, errbuf);
		return 2;
	}
	fputs(cmd.err_text, st->err);
	fputs(cmd.out_text, st->out);
	io_run(st, &cmd);
	return 0;
}

/* The longest script line, newline aside: a longer one is refused, not split. */
#define XS_IO_LINE_MAX 4095

/*
 * A mkfs-size: xfs_io's number and suffix (k, m, g, t), but a value too large for 64
 * bits is refused rather than wrapped as xfs_io's own numbers are. Returns the bytes, 0
 * for no number, or -1 when it does not fit.
 */
static int64_t io_size_parse(const char *s)
{
	static const char sfx[] = "kmgt";
	unsigned long long v;
	const char *k;
	unsigned shift = 0;
	char *sp;

	if (*s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtoull(s, &sp, 0);
	if (*sp) {
		k = strchr(sfx, tolower((unsigned char)*sp));
		if (!k || sp[1])
			return 0;
		shift = 10 * (unsigned)(k - sfx + 1);
	}
	if (errno == ERANGE || v > (unsigned long long)INT64_MAX >> shift)
		return -1;
	return (int64_t)(v << shift);
}

/*
 * "# mkfs-size: 300m" in a script sets the filesystem size; *lineno_out is the line
 * (0 when none), for a size the geometry then refuses.
 */
static int io_script_size(const char *script, const struct xs_textfile *tf, uint64_t *fs_bytes,
			  size_t *lineno_out, FILE *err)
{
	size_t i;

	*lineno_out = 0;
	for (i = 0; i < tf->nlines; i++) {
		char *line = tf->lines[i], *p = strstr(line, "mkfs-size:"), *end;
		char size[64];
		int64_t v;

		if (line[0] != '#' || !p)
			continue;
		p += strlen("mkfs-size:");
		while (*p == ' ' || *p == '\t')
			p++;
		end = p + strcspn(p, " \t\r");
		snprintf(size, sizeof(size), "%.*s", (int)(end - p), p);
		v = io_size_parse(size);
		if (v <= 0) {
			fprintf(err, "%s:%zu: mkfs-size = %s: %s (accepted: 300m..4t)\n", script,
				i + 1, size, v < 0 ? "out of range" : "not a size");
			return 2;
		}
		*fs_bytes = (uint64_t)v;
		*lineno_out = i + 1;
	}
	return 0;
}

int xs_io_run(int ncmds, char **cmds, const char *script, const char *kernel, FILE *out, FILE *err)
{
	struct xs_io_state *st = xs_xcalloc(1, sizeof(*st));
	struct xs_geometry geo;
	struct xs_policy pol;
	struct xs_err xerr = {0, ""};
	uint64_t fs_bytes = 1ULL << 30;
	struct xs_textfile tf = {0};
	size_t size_line = 0;
	char why[512];
	int i, ret = 0;

	if (!st)
		return 1;
	st->out = out;
	st->err = err;
	if (script) {
		/* lines as long as xfs_io's own input buffer, at most 16 MiB of script */
		if (xs_textfile_read(script, 16u << 20, XS_IO_LINE_MAX, &tf, why, sizeof(why))) {
			fprintf(err, "wpsim io: %s\n", why);
			ret = 2;
			goto out_free;
		}
		ret = io_script_size(script, &tf, &fs_bytes, &size_line, err);
		if (ret)
			goto out_free;
	}
	if (xs_policy_preset(&pol, kernel ? kernel : XS_KERNEL_DEFAULT)) {
		fprintf(err, "wpsim io: kernel %s: not a preset\n", kernel);
		ret = 2;
		goto out_free;
	}
	if (xs_geometry_default(&geo, fs_bytes, 4096, &xerr) ||
	    xs_fs_init(&st->fs, &geo, &pol, NULL, NULL, &xerr)) {
		if (script && size_line)
			fprintf(err, "%s:%zu: mkfs-size: %s\n", script, size_line, xerr.msg);
		else
			fprintf(err, "%s: mkfs-size: %s\n", script ? script : "wpsim io", xerr.msg);
		ret = 2;
		goto out_free;
	}
	/* the capture machine's loop device: read_ahead_kb 2560 */
	st->fs.inode.i_mapping.ra.ra_pages = 2560 * 1024 / geo.pagesize;
	for (i = 0; i < ncmds && !ret; i++)
		ret = io_line(st, "-c", i + 1, cmds[i]);
	for (i = 0; script && !ret && (size_t)i < tf.nlines; i++)
		ret = io_line(st, script, i + 1, tf.lines[i]);
	if (!ret) {
		if (xs_inode_check(&st->fs.inode, &xerr)) {
			fprintf(err, "wpsim io: model check failed: %s\n", xerr.msg);
			ret = 1;
		} else {
			ret = st->exitcode;
		}
	}
	xs_fs_destroy(&st->fs);
out_free:
	xs_textfile_free(&tf);
	free(st);
	fflush(out);
	return ret;
}
