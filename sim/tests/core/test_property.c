/*
 * Property test of the file operations: random operation sequences applied both to
 * the model core (one small file on a fresh 1 GiB filesystem, 4 KiB blocks) and to
 * the flat reference of propref.h, under the "6.1" and "6.13" presets (with single-page
 * folios: large_folios = XS_FOLIOS_NONE), with fixed GSL
 * mt19937 seeds. The sequences depend only on the seed, so both presets run the same.
 *
 * After every operation:
 *   - xs_inode_check() and xs_inode_check_dirty_backing() pass;
 *   - i_size equals the reference size, i_disk_size is not above it;
 *   - every block's mapping and dirtiness is allowed by its reference class, and no
 *     folio is left under writeback;
 *   - stat.st_blocks equals the blocks the extent map holds (plus bmbt blocks) and
 *     covers every block the reference says must be mapped;
 *   - after fsync no folio is dirty and i_disk_size is i_size.
 * Each sequence ends with an fsync and eviction, where the canary (no delalloc left,
 * docs/kernel.md, "Eviction and unmount: the canaries") and the mount's delalloc counter must be
 * zero. The operations: pwrite, mmap store (sometimes across EOF inside the EOF page),
 * truncate, fallocate, fpunch, fzero, fsync, pread, drop_caches, close, background
 * writeback of a few folios, and a blockgc scan.
 * File contents are compared by every pread, every P_CONTENT_EVERY operations and at
 * the end of each sequence. drop_caches (munmap, then evict every clean folio) makes
 * the next read come from the modelled disk, so what writeback wrote is compared too.
 *
 * A failing sequence is printed as xfs_io-like commands, then shrunk (operations
 * removed one at a time while the same check still fails) and printed again.
 * XS_TEST_VERBOSE=1 prints which (class, mapping, dirty) combinations were observed;
 * XS_PROPERTY_SEQS=N runs N sequences per seed and preset instead of P_SEQS.
 */
#include "core/bmap.h"
#include "core/file.h"
#include "core/writeback.h"
#include "core/mmap.h"
#include "tests/testhelp.h"
#include "tests/core/propref.h"

#include <gsl/gsl_rng.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define B		XS_PROPREF_BLOCK_BYTES
#define LIMIT		XS_PROPREF_BYTES
#define P_NSEEDS	4
#define P_SEQS		50  /* sequences per seed and preset */
#define P_OPS		256 /* operations per sequence */
#define P_CONTENT_EVERY 16
#define P_MAX_REPORTS	3

enum p_kind {
	P_WRITE = 0,
	P_STORE,
	P_TRUNCATE,
	P_FALLOC,
	P_PUNCH,
	P_ZERO,
	P_FSYNC,
	P_READ,
	P_DROP,
	P_CLOSE,
	P_FLUSH,
	P_BLOCKGC,
};

struct p_op {
	enum p_kind kind;
	uint64_t off; /* bytes; the new size for truncate */
	uint64_t len; /* bytes */
	bool keep;    /* FALLOC_FL_KEEP_SIZE */
	uint32_t tag; /* selects the bytes a write or store puts there */
};

enum p_fail {
	PF_NONE = 0,
	PF_RET,
	PF_CHECK,
	PF_BACKING,
	PF_SIZE,
	PF_CLASS,
	PF_WRITEBACK,
	PF_STAT,
	PF_DIRTY,
	PF_DATA,
	PF_CANARY,
	PF_NR,
};

static const char *const p_fail_names[PF_NR] = {
	"none",	 "return value", "xs_inode_check",  "dirty backing",
	"size",	 "block class",	 "writeback",	    "stat.blocks",
	"fsync", "contents",	 "eviction canary",
};

struct p_run {
	const char *kernel;
	struct xs_policy pol;
	struct xs_geometry geo;
	struct xs_fs fs;
	struct xs_propref ref;
	uint8_t src[LIMIT]; /* the bytes a write or store brings */
	uint8_t got[LIMIT]; /* what the core reads back */
	char msg[320];	    /* the first failed check */
	uint64_t seen[XS_PR_NR][XS_PR_MAP_NR][2];
};

static uint64_t rnd(gsl_rng *r, uint64_t n)
{
	return n ? gsl_rng_uniform_int(r, n) : 0;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* The byte a write or store with this tag puts at file offset off (never zero). */
static uint8_t p_byte(uint32_t tag, uint64_t off)
{
	uint32_t h = tag * 2654435761u ^ (uint32_t)off * 40503u ^ (uint32_t)(off >> 12) * 97u;

	h ^= h >> 15;
	return (uint8_t)(1 + h % 255);
}

static void p_fill(uint8_t *dst, uint32_t tag, uint64_t off, uint64_t len)
{
	uint64_t i;

	for (i = 0; i < len; i++)
		dst[i] = p_byte(tag, off + i);
}

struct p_src {
	uint32_t tag;
	uint64_t pos;
};

/* The user buffer of a write: never short, never faulting. */
static size_t p_copy(void *arg, uint8_t *dst, uint64_t src_off, size_t len)
{
	const struct p_src *s = arg;

	p_fill(dst, s->tag, s->pos + src_off, len);
	return len;
}

static int p_fail(struct p_run *p, enum p_fail kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int p_fail(struct p_run *p, enum p_fail kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
	va_end(ap);
	return kind;
}

static void p_format_op(const struct p_op *op, char *out, size_t n)
{
	unsigned long long off = op->off, len = op->len;
	const char *k = op->keep ? " -k" : "";

	switch (op->kind) {
	case P_WRITE:
		snprintf(out, n, "pwrite %llu %llu (tag %u)", off, len, op->tag);
		break;
	case P_STORE:
		snprintf(out, n, "mwrite %llu %llu (tag %u)", off, len, op->tag);
		break;
	case P_TRUNCATE:
		snprintf(out, n, "truncate %llu", off);
		break;
	case P_FALLOC:
		snprintf(out, n, "falloc%s %llu %llu", k, off, len);
		break;
	case P_PUNCH:
		snprintf(out, n, "fpunch %llu %llu", off, len);
		break;
	case P_ZERO:
		snprintf(out, n, "fzero%s %llu %llu", k, off, len);
		break;
	case P_FSYNC:
		snprintf(out, n, "fsync");
		break;
	case P_READ:
		snprintf(out, n, "pread %llu %llu", off, len);
		break;
	case P_DROP:
		snprintf(out, n, "drop_caches");
		break;
	case P_CLOSE:
		snprintf(out, n, "close");
		break;
	case P_FLUSH:
		snprintf(out, n, "writeback %llu folios", len);
		break;
	case P_BLOCKGC:
		snprintf(out, n, "blockgc");
		break;
	}
}

static void p_print_ops(const struct p_op *ops, size_t n)
{
	char line[96];
	size_t i;

	for (i = 0; i < n; i++) {
		p_format_op(&ops[i], line, sizeof(line));
		printf("      %3zu  %s\n", i, line);
	}
}

/* ---- reading the core ---- */

static enum xs_propref_map p_block_map(struct xs_inode *ip, uint64_t bno)
{
	struct xs_bmbt_irec map;
	int n = 1;

	xs_bmapi_read(ip, bno, 1, &map, &n);
	if (n == 0 || xs_bmap_is_hole_extent(&map))
		return XS_PR_MAP_HOLE;
	if (xs_bmap_is_delalloc_extent(&map))
		return XS_PR_MAP_DELALLOC;
	return map.br_state == XS_EXT_UNWRITTEN ? XS_PR_MAP_UNWRITTEN : XS_PR_MAP_WRITTEN;
}

/* Flags of the folio at index (0 if absent), without touching its LRU position. */
static unsigned int p_folio_flags(const struct xs_pagecache *pc, uint64_t index)
{
	const struct xs_folio *folio = xs_pagecache_peek(pc, index);

	return folio ? folio->flags : 0;
}

/* Blocks the data-fork map holds (delalloc and real) at or after bno. */
static uint64_t p_mapped_blocks(struct xs_inode *ip, uint64_t bno)
{
	const uint64_t end = 1ULL << 40;
	uint64_t n = 0;

	while (bno < end) {
		struct xs_bmbt_irec m[16];
		int nmap = 16, i;

		xs_bmapi_read(ip, bno, end - bno, m, &nmap);
		if (nmap == 0)
			break;
		for (i = 0; i < nmap; i++) {
			if (!xs_bmap_is_hole_extent(&m[i]))
				n += m[i].br_blockcount;
			bno = m[i].br_startoff + m[i].br_blockcount;
		}
	}
	return n;
}

/* pread(off, len) of the core against the reference bytes. */
static int p_compare(struct p_run *p, uint64_t off, uint64_t len, const char *what)
{
	uint64_t size = p->ref.size_bytes;
	uint64_t want = off >= size ? 0 : min_u64(len, size - off);
	int64_t got = xs_file_read(&p->fs.inode, off, len, p->got);
	uint64_t i;

	if (got != (int64_t)want)
		return p_fail(p, PF_DATA, "%s %llu %llu returned %lld bytes, expected %llu", what,
			      (unsigned long long)off, (unsigned long long)len, (long long)got,
			      (unsigned long long)want);
	for (i = 0; i < want; i++)
		if (p->got[i] != p->ref.data[off + i])
			return p_fail(
				p, PF_DATA,
				"%s %llu %llu: byte %llu (block %llu) is 0x%02x, expected 0x%02x",
				what, (unsigned long long)off, (unsigned long long)len,
				(unsigned long long)(off + i), (unsigned long long)((off + i) / B),
				p->got[i], p->ref.data[off + i]);
	return 0;
}

/* The checks run after every operation. */
static int p_verify(struct p_run *p, bool contents)
{
	struct xs_inode *ip = &p->fs.inode;
	struct xs_err err = {0};
	uint64_t b, stat, mapped, must;

	if (xs_inode_check(ip, &err))
		return p_fail(p, PF_CHECK, "xs_inode_check: %s", err.msg);
	if (xs_inode_check_dirty_backing(ip, &err))
		return p_fail(p, PF_BACKING, "xs_inode_check_dirty_backing: %s", err.msg);
	if (ip->i_size != p->ref.size_bytes || ip->i_disk_size > ip->i_size)
		return p_fail(p, PF_SIZE, "i_size %llu (reference %llu), i_disk_size %llu",
			      (unsigned long long)ip->i_size, (unsigned long long)p->ref.size_bytes,
			      (unsigned long long)ip->i_disk_size);
	for (b = 0; b < XS_PROPREF_BLOCKS; b++) {
		enum xs_propref_class c = p->ref.cls[b];
		enum xs_propref_map m = p_block_map(ip, b);
		unsigned int flags = p_folio_flags(&ip->i_mapping, b);
		bool dirty = flags & XS_FOLIO_DIRTY;

		if (flags & XS_FOLIO_WRITEBACK)
			return p_fail(p, PF_WRITEBACK, "block %llu left under writeback",
				      (unsigned long long)b);
		p->seen[c][m][dirty]++;
		if (!xs_propref_allows(c, m, dirty))
			return p_fail(p, PF_CLASS, "block %llu is %s%s, the reference says %s",
				      (unsigned long long)b, xs_propref_map_name(m),
				      dirty ? " and dirty" : "", xs_propref_class_name(c));
	}
	stat = xs_file_stat_blocks(ip);
	mapped = p_mapped_blocks(ip, 0) + ip->i_bmbt_blocks;
	must = xs_propref_must_map_blocks(&p->ref);
	if (stat != mapped * (B >> 9) || stat < must * (B >> 9))
		return p_fail(
			p, PF_STAT,
			"stat.blocks %llu, the map holds %llu blocks, the reference needs %llu",
			(unsigned long long)stat, (unsigned long long)mapped,
			(unsigned long long)must);
	if (contents)
		return p_compare(p, 0, LIMIT, "whole-file read");
	return 0;
}

/* ---- applying one operation to both ---- */

static int p_apply(struct p_run *p, const struct p_op *op)
{
	struct xs_inode *ip = &p->fs.inode;
	unsigned int mode = op->keep ? XS_FALLOC_KEEP_SIZE : 0;
	int64_t ret = 0;

	switch (op->kind) {
	case P_WRITE: {
		struct p_src s = {op->tag, op->off};
		struct xs_user_buf ub = {p_copy, NULL, &s, 0};

		ret = xs_file_write(ip, op->off, op->len, &ub);
		p_fill(p->src, op->tag, op->off, op->len);
		xs_propref_write(&p->ref, op->off, op->len, p->src);
		ret = ret == (int64_t)op->len ? 0 : ret;
		break;
	}
	case P_STORE:
		/* only from inside EOF; a shrunk sequence may have moved EOF: skip then */
		if (op->off >= p->ref.size_bytes)
			return 0;
		p_fill(p->src, op->tag, op->off, op->len);
		ret = xs_mmap_store(ip, op->off, p->src, (uint32_t)op->len);
		xs_propref_mmap_store(&p->ref, op->off, op->len, p->src);
		break;
	case P_TRUNCATE:
		ret = xs_file_truncate(ip, op->off);
		xs_propref_truncate(&p->ref, op->off);
		break;
	case P_FALLOC:
		ret = xs_file_fallocate(ip, mode, op->off, op->len);
		xs_propref_falloc(&p->ref, op->off, op->len, op->keep);
		break;
	case P_PUNCH:
		ret = xs_file_fallocate(ip, XS_FALLOC_PUNCH_HOLE | XS_FALLOC_KEEP_SIZE, op->off,
					op->len);
		xs_propref_punch(&p->ref, op->off, op->len);
		break;
	case P_ZERO:
		ret = xs_file_fallocate(ip, XS_FALLOC_ZERO_RANGE | mode, op->off, op->len);
		xs_propref_zero(&p->ref, op->off, op->len, op->keep);
		break;
	case P_FSYNC:
		ret = xs_file_fsync(ip);
		xs_propref_fsync(&p->ref);
		if (!ret && (ip->i_mapping.nr_dirty || ip->i_disk_size != ip->i_size))
			return p_fail(
				p, PF_DIRTY,
				"after fsync: %llu folios dirty, i_disk_size %llu, i_size %llu",
				(unsigned long long)ip->i_mapping.nr_dirty,
				(unsigned long long)ip->i_disk_size,
				(unsigned long long)ip->i_size);
		break;
	case P_READ:
		return p_compare(p, op->off, op->len, "pread");
	case P_DROP:
		xs_mmap_unmap_all(ip);
		while (xs_pagecache_evict_one(&ip->i_mapping, NULL))
			;
		return p_compare(p, 0, LIMIT, "read after drop_caches");
	case P_CLOSE:
		xs_file_release(ip);
		xs_propref_close(&p->ref);
		break;
	case P_FLUSH:
		ret = xs_writeback_some(ip, op->len);
		xs_propref_writeback(&p->ref);
		break;
	case P_BLOCKGC:
		xs_blockgc_scan_inode(ip);
		xs_propref_blockgc(&p->ref);
		break;
	}
	if (ret)
		return p_fail(p, PF_RET, "returned %lld", (long long)ret);
	return 0;
}

static void p_begin(struct p_run *p)
{
	struct xs_err err = {0};
	int error = xs_fs_init(&p->fs, &p->geo, &p->pol, NULL, NULL, &err);

	XS_ASSERT(error == 0);
	xs_propref_init(&p->ref);
}

/* Operation i of a sequence whose last is last: apply and check. */
static int p_step(struct p_run *p, const struct p_op *op, size_t i, size_t last)
{
	int fail = p_apply(p, op);

	if (!fail)
		fail = p_verify(p, (i + 1) % P_CONTENT_EVERY == 0 || i == last);
	return fail;
}

/*
 * The end of a sequence: fsync, then the eviction canary (no delalloc left once all
 * dirty data is written, docs/kernel.md, "Eviction and unmount: the canaries" I5) and the unmount
 * counter.
 */
static int p_end(struct p_run *p)
{
	struct xs_inode *ip = &p->fs.inode;
	uint64_t left;
	int fail;

	fail = p_apply(p, &(struct p_op){.kind = P_FSYNC});
	if (!fail)
		fail = p_verify(p, true);
	if (fail)
		return fail;
	left = xs_inode_evict(ip);
	if (left || xs_fs_unmount(&p->fs))
		return p_fail(p, PF_CANARY, "%llu delalloc blocks at eviction, %lld at unmount",
			      (unsigned long long)left, (long long)xs_fs_unmount(&p->fs));
	return 0;
}

/*
 * Replay ops[0..n) on a fresh file, then p_end(). Returns the failure kind and the
 * index of the failing op in *at (n for p_end).
 */
static int p_replay(struct p_run *p, const struct p_op *ops, size_t n, size_t *at)
{
	int fail = 0;
	size_t i;

	p_begin(p);
	for (i = 0; i < n && !fail; i++) {
		fail = p_step(p, &ops[i], i, n - 1);
		*at = i;
	}
	if (!fail) {
		fail = p_end(p);
		*at = n;
	}
	xs_fs_destroy(&p->fs);
	return fail;
}

/* Greedy shrink: drop operations while the same kind of check still fails. */
static size_t p_shrink(struct p_run *p, struct p_op *ops, size_t n, int kind)
{
	bool changed = true;

	while (changed) {
		changed = false;
		for (size_t i = 0; i < n;) {
			struct p_op saved = ops[i];
			size_t at = 0;

			memmove(&ops[i], &ops[i + 1], (n - i - 1) * sizeof(*ops));
			if (p_replay(p, ops, n - 1, &at) == kind) {
				n = min_u64(at + 1, n - 1);
				changed = true;
				continue;
			}
			memmove(&ops[i + 1], &ops[i], (n - i - 1) * sizeof(*ops));
			ops[i] = saved;
			i++;
		}
	}
	return n;
}

/* ---- generating operations ---- */

/*
 * A range below span: starting inside EOF, near EOF, or anywhere; a quarter of them
 * block-aligned.
 */
static void p_gen_range(gsl_rng *r, uint64_t size, uint64_t span, uint64_t *off, uint64_t *len)
{
	uint64_t o, l;

	switch (rnd(r, 4)) {
	case 0:
		o = rnd(r, size + 1);
		break;
	case 1:
		o = size + rnd(r, 3 * B);
		o = o > B ? o - B : 0;
		break;
	default:
		o = rnd(r, span);
		break;
	}
	switch (rnd(r, 4)) {
	case 0:
		l = 1 + rnd(r, 64);
		break;
	case 1:
		l = 1 + rnd(r, 2 * B);
		break;
	case 2:
		l = 1 + rnd(r, rnd(r, 8) ? 8 * B : span);
		break;
	default:
		l = B * (1 + rnd(r, 4));
		break;
	}
	if (rnd(r, 4) == 0) {
		o = o / B * B;
		l = (l + B - 1) / B * B;
	}
	if (o >= span)
		o = span - B;
	*off = o;
	*len = min_u64(l, span - o);
}

/* The next operation for a file of size bytes, all of it below span bytes. */
static void p_gen(gsl_rng *r, uint64_t size, uint64_t span, struct p_op *op)
{
	uint64_t k = rnd(r, 100);

	memset(op, 0, sizeof(*op));
	op->tag = (uint32_t)rnd(r, 1u << 30);
	op->keep = rnd(r, 2);
	p_gen_range(r, size, span, &op->off, &op->len);
	if (k < 28 || (k < 40 && size == 0)) {
		op->kind = P_WRITE;
	} else if (k < 40) {
		/* a few bytes inside EOF, or from inside the EOF block across EOF */
		op->kind = P_STORE;
		op->off = rnd(r, size);
		op->len = 1 + rnd(r, min_u64(64, B - op->off % B));
		if (rnd(r, 4) == 0 && size % B) {
			op->off = size / B * B + rnd(r, size % B);
			op->len = 1 + rnd(r, B - op->off % B);
		} else if (op->off + op->len > size) {
			op->len = size - op->off;
		}
	} else if (k < 48) {
		op->kind = P_TRUNCATE;
		switch (rnd(r, 3)) {
		case 0:
			op->off = rnd(r, size + 1);
			break;
		case 1:
			op->off = min_u64(span, size + rnd(r, 2 * B));
			break;
		default:
			op->off = rnd(r, span + 1);
			break;
		}
		if (rnd(r, 4) == 0)
			op->off = op->off / B * B;
		op->len = 0;
	} else if (k < 56) {
		op->kind = P_FALLOC;
	} else if (k < 64) {
		op->kind = P_PUNCH;
	} else if (k < 71) {
		op->kind = P_ZERO;
	} else if (k < 79) {
		op->kind = P_FSYNC;
	} else if (k < 91) {
		op->kind = P_READ;
	} else if (k < 94) {
		op->kind = P_DROP;
	} else if (k < 97) {
		op->kind = P_CLOSE;
	} else if (k < 99) {
		op->kind = P_FLUSH;
		op->len = 1 + rnd(r, 4);
	} else {
		op->kind = P_BLOCKGC;
	}
}

/* ---- the suite ---- */

struct p_totals {
	uint64_t ops;
	int reports;
};

/* "op 12", or "end" for the final fsync and eviction after n ops. */
static const char *p_where(size_t at, size_t n, char *buf, size_t len)
{
	if (at >= n)
		snprintf(buf, len, "end (fsync, evict)");
	else
		snprintf(buf, len, "op %zu", at);
	return buf;
}

/* Print a failing sequence of n ops (failing at op at), shrink it, print it again. */
static void p_report(struct p_run *p, unsigned long seed, int seq, struct p_op *ops, size_t n,
		     size_t at, int kind)
{
	char where[32];
	size_t m;

	printf("  property %s seed %lu sequence %d %s: %s: %s\n", p->kernel, seed, seq,
	       p_where(at, n, where, sizeof(where)), p_fail_names[kind], p->msg);
	printf("    the sequence (%zu ops, fresh 1 GiB filesystem, empty file):\n", n);
	p_print_ops(ops, n);
	m = p_shrink(p, ops, n, kind);
	p_replay(p, ops, m, &at);
	printf("    shrunk to %zu ops, failing at %s: %s\n", m,
	       p_where(at, m, where, sizeof(where)), p->msg);
	p_print_ops(ops, m);
}

/*
 * One preset and seed: nseqs sequences of P_OPS operations, each on a file of at most
 * 16, 32 or 64 blocks (small files crowd the operations; 64 KiB and more gets
 * speculative preallocation). Returns the number of failing sequences.
 */
static int p_run_seed(struct p_run *p, unsigned long seed, int nseqs, struct p_totals *t)
{
	struct p_op *ops = calloc(P_OPS, sizeof(*ops));
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	int seq, failed = 0;

	XS_ASSERT(ops && r);
	gsl_rng_set(r, seed);
	for (seq = 0; seq < nseqs; seq++) {
		uint64_t span = (uint64_t)B * (16u << rnd(r, 3));
		int fail = 0;
		size_t i, at = P_OPS;
		char where[32];

		p_begin(p);
		for (i = 0; i < P_OPS && !fail; i++) {
			p_gen(r, p->ref.size_bytes, span, &ops[i]);
			fail = p_step(p, &ops[i], i, P_OPS - 1);
			at = i;
			t->ops++;
		}
		if (!fail) {
			fail = p_end(p);
			at = P_OPS;
		}
		xs_fs_destroy(&p->fs);
		if (!fail)
			continue;
		failed++;
		if (t->reports++ < P_MAX_REPORTS)
			p_report(p, seed, seq, ops, i, at, fail);
		else
			printf("  property %s seed %lu sequence %d %s: %s: %s\n", p->kernel, seed,
			       seq, p_where(at, i, where, sizeof(where)), p_fail_names[fail],
			       p->msg);
	}
	gsl_rng_free(r);
	free(ops);
	return failed;
}

static void p_print_seen(const struct p_run *p)
{
	int c, m;

	printf("  property %s: (class, mapping, clean/dirty) block observations\n", p->kernel);
	for (c = 0; c < XS_PR_NR; c++) {
		printf("    %-9s", xs_propref_class_name(c));
		for (m = 0; m < XS_PR_MAP_NR; m++)
			printf("  %s %" PRIu64 "/%" PRIu64, xs_propref_map_name(m),
			       p->seen[c][m][0], p->seen[c][m][1]);
		printf("\n");
	}
}

XS_TEST_SUITE(test_property_file_ops)
{
	static const char *const kernels[] = {"6.1", "6.13"};
	struct p_run *p = calloc(1, sizeof(*p));
	struct p_totals t = {0, 0};
	struct xs_err err = {0};
	const char *env = getenv("XS_PROPERTY_SEQS"); /* a longer soak */
	int nseqs = env ? atoi(env) : P_SEQS;
	char descr[160];
	size_t k;

	XS_ASSERT(p);
	test_cond("property: 1 GiB geometry",
		  xs_geometry_default(&p->geo, 1ULL << 30, B, &err) == 0);
	for (k = 0; k < sizeof(kernels) / sizeof(kernels[0]); k++) {
		unsigned long seed;

		p->kernel = kernels[k];
		memset(p->seen, 0, sizeof(p->seen));
		test_cond("property: kernel preset", xs_policy_preset(&p->pol, p->kernel) == 0);
		/*
		 * The flat reference has no folios: a store reserves its own block, a
		 * write dirties its own blocks. Large folios (a store reserving the whole
		 * readahead folio) are checked by test_folio.c and the captures.
		 */
		p->pol.large_folios = XS_FOLIOS_NONE;
		for (seed = 1; seed <= P_NSEEDS; seed++) {
			uint64_t before = t.ops;
			int failed = p_run_seed(p, seed, nseqs, &t);

			snprintf(descr, sizeof(descr),
				 "property %s seed %lu: %llu ops agree with the flat reference "
				 "(%d of %d sequences fail)",
				 p->kernel, seed, (unsigned long long)(t.ops - before), failed,
				 nseqs);
			test_cond(descr, failed == 0);
		}
		if (getenv("XS_TEST_VERBOSE"))
			p_print_seen(p);
	}
	snprintf(descr, sizeof(descr), "property: %llu operations in all (at least 100000)",
		 (unsigned long long)t.ops);
	test_cond(descr, t.ops >= 100000);
	free(p);
}
