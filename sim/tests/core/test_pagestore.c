/*
 * Unit tests of the sparse byte store (sim/core/pagestore.c): reads, writes and zeroing
 * across unit boundaries, drop and re-get, the checker, and a long random sequence
 * compared with a trivially-correct reference: a flat byte array plus a flag per unit
 * saying whether the store should hold it (GSL mt19937, fixed seed). Then marker data:
 * kept as marker segments, overwritten, zeroed and densified, the checker on damaged
 * segments, and random mixes of marker data, raw bytes and fills against a flat array.
 */
#include "core/marker.h"
#include "core/pagestore.h"
#include "tests/testhelp.h"

#include <errno.h>
#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>

static bool ps_ok(const struct xs_pagestore *ps)
{
	struct xs_err err = {0};
	int error = xs_pagestore_check(ps, &err);

	if (error)
		printf("  xs_pagestore_check: %d %s\n", error, err.msg);
	return error == 0;
}

static bool bytes_are(const uint8_t *p, size_t n, uint8_t v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

XS_TEST_SUITE(test_pagestore_basic)
{
	struct xs_pagestore ps;
	uint8_t buf[2048], src[16];
	uint8_t *u;
	size_t i;

	xs_pagestore_init(&ps, 512);
	test_cond("empty: peek NULL", xs_pagestore_peek(&ps, 0) == NULL && ps.units.count == 0);
	memset(buf, 0xaa, sizeof(buf));
	xs_pagestore_read(&ps, 1000, 100, buf);
	test_cond("empty: reads zeroes", bytes_are(buf, 100, 0) && bytes_are(buf + 100, 100, 0xaa));
	test_cond("empty: check", ps_ok(&ps));

	/* 10 bytes straddling units 0 and 1 */
	for (i = 0; i < 10; i++)
		src[i] = (uint8_t)(i + 1);
	xs_pagestore_write(&ps, 507, 10, src);
	test_cond("straddling write: two units", ps.units.count == 2 && xs_pagestore_peek(&ps, 0) &&
							 xs_pagestore_peek(&ps, 1) &&
							 !xs_pagestore_peek(&ps, 2));
	xs_pagestore_read(&ps, 500, 30, buf);
	test_cond("straddling read: zeroes, 1..10, zeroes", bytes_are(buf, 7, 0) &&
								    memcmp(buf + 7, src, 10) == 0 &&
								    bytes_are(buf + 17, 13, 0));
	test_cond("unit 0 ends with 1..5, unit 1 starts with 6..10",
		  xs_pagestore_peek(&ps, 0)[511] == 5 && xs_pagestore_peek(&ps, 1)[0] == 6 &&
			  xs_pagestore_peek(&ps, 1)[4] == 10);

	/* fill units 0..2, then zero [509, 1027): unit 1 dropped, the ends zeroed */
	memset(buf, 0x5c, 1536);
	xs_pagestore_write(&ps, 0, 1536, buf);
	xs_pagestore_zero(&ps, 509, 1027 - 509);
	test_cond("zero across units: the whole middle unit is dropped",
		  xs_pagestore_peek(&ps, 1) == NULL && ps.units.count == 2);
	xs_pagestore_read(&ps, 0, 1536, buf);
	test_cond("zero across units: [0,509) kept, [509,1027) zero, [1027,1536) kept",
		  bytes_are(buf, 509, 0x5c) && bytes_are(buf + 509, 1027 - 509, 0) &&
			  bytes_are(buf + 1027, 1536 - 1027, 0x5c));
	xs_pagestore_zero(&ps, 5 * 512 + 10, 20);
	test_cond("zeroing part of a never-written unit allocates nothing",
		  ps.units.count == 2 && !xs_pagestore_peek(&ps, 5));
	test_cond("check", ps_ok(&ps));

	/* drop and re-get */
	u = xs_pagestore_get(&ps, 7);
	test_cond("get allocates a zeroed unit", u && bytes_are(u, 512, 0) && ps.units.count == 3);
	memset(u, 0x77, 512);
	test_cond("get again returns the same bytes",
		  xs_pagestore_get(&ps, 7) == u && xs_pagestore_peek(&ps, 7)[100] == 0x77);
	xs_pagestore_drop(&ps, 7);
	test_cond("drop: peek NULL, count back", !xs_pagestore_peek(&ps, 7) && ps.units.count == 2);
	xs_pagestore_read(&ps, 7 * 512, 512, buf);
	test_cond("dropped unit reads as zeroes", bytes_are(buf, 512, 0));
	u = xs_pagestore_get(&ps, 7);
	test_cond("re-get: zero-filled again", bytes_are(u, 512, 0) && ps.units.count == 3);
	xs_pagestore_drop(&ps, 8);
	test_cond("dropping an absent unit is a no-op", ps.units.count == 3);
	/* units 0, 2 (mostly 0x5c) and 7 (get) are dense: whole units */
	test_cond("memory: slots plus units",
		  xs_pagestore_mem_bytes(&ps) == xs_chunkmap_mem_bytes(&ps.units) + 3 * 512);

	/* a unit far out (a disk block number beyond 2^32) */
	xs_pagestore_write(&ps, (1ULL << 40) + 3, 4, src);
	xs_pagestore_read(&ps, (1ULL << 40), 8, buf);
	test_cond("far offset round-trips",
		  bytes_are(buf, 3, 0) && memcmp(buf + 3, src, 4) == 0 && buf[7] == 0);
	test_cond("check", ps_ok(&ps));
	xs_pagestore_destroy(&ps);
	test_cond("destroy leaves an empty store", ps.units.count == 0 && ps.units.dir.cap == 0);
}

XS_TEST_SUITE(test_pagestore_check_catches)
{
	struct xs_pagestore ps;
	struct xs_err err = {0};
	struct xs_pagestore_unit *unit;
	uint64_t saved;
	uint64_t idx;
	size_t i;
	void *v;

	xs_pagestore_init(&ps, 64);
	for (i = 0; i < 10; i++)
		xs_pagestore_get(&ps, i * 3);
	test_cond("consistent store passes", ps_ok(&ps));
	ps.units.count++;
	test_cond("count + 1: -EUCLEAN", xs_pagestore_check(&ps, &err) == -EUCLEAN);
	ps.units.count--;
	test_cond("a unit to spoil", xs_chunkmap_next(&ps.units, 0, &idx, &v) != 0);
	unit = v;
	saved = unit->w;
	unit->w = 1; /* dense (bit 0), with no bytes */
	test_cond("used slot without data: -EUCLEAN", xs_pagestore_check(&ps, &err) == -EUCLEAN);
	unit->w = saved;
	test_cond("restored", ps_ok(&ps));
	xs_pagestore_destroy(&ps);
}

#define R_UNIT	  64u
#define R_UNITS	  2048u
#define R_BYTES	  (R_UNIT * R_UNITS)
#define R_OPS	  40000u
#define R_MAX_LEN 700u

/*
 * Reference: flat[] holds every byte; held[u] says whether the store must hold unit u
 * (a write touched it and no whole-unit zero or drop released it since).
 */
XS_TEST_SUITE(test_pagestore_vs_flat)
{
	struct xs_pagestore ps;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	uint8_t *flat = calloc(R_BYTES, 1), *buf = malloc(R_BYTES), *src = malloc(R_MAX_LEN);
	bool *held = calloc(R_UNITS, sizeof(bool));
	bool reads_ok = true, counts_ok = true, full_ok = true, checks_ok = true, held_ok = true;
	unsigned int op;

	XS_ASSERT(rng && flat && buf && src && held);
	gsl_rng_set(rng, 20240917);
	xs_pagestore_init(&ps, R_UNIT);
	for (op = 0; op < R_OPS; op++) {
		uint64_t off = gsl_rng_uniform_int(rng, R_BYTES);
		uint64_t len = 1 + gsl_rng_uniform_int(rng, R_MAX_LEN);
		unsigned long kind = gsl_rng_uniform_int(rng, 10);
		uint64_t u, first, last;
		size_t nheld = 0, i;

		if (off + len > R_BYTES)
			len = R_BYTES - off;
		first = off / R_UNIT;
		last = (off + len - 1) / R_UNIT;
		if (kind < 4) {
			for (i = 0; i < len; i++)
				src[i] = (uint8_t)gsl_rng_uniform_int(rng, 256);
			xs_pagestore_write(&ps, off, len, src);
			memcpy(flat + off, src, len);
			for (u = first; u <= last; u++)
				held[u] = true;
		} else if (kind < 6) {
			xs_pagestore_zero(&ps, off, len);
			memset(flat + off, 0, len);
			for (u = first; u <= last; u++)
				if (u * R_UNIT >= off && (u + 1) * R_UNIT <= off + len)
					held[u] = false;
		} else if (kind < 7) {
			xs_pagestore_drop(&ps, first);
			memset(flat + first * R_UNIT, 0, R_UNIT);
			held[first] = false;
		} else {
			xs_pagestore_read(&ps, off, len, buf);
			if (memcmp(buf, flat + off, len) != 0)
				reads_ok = false;
		}
		for (i = 0; i < R_UNITS; i++)
			nheld += held[i];
		if (nheld != ps.units.count)
			counts_ok = false;
		if (op % 2000 == 1999) {
			xs_pagestore_read(&ps, 0, R_BYTES, buf);
			if (memcmp(buf, flat, R_BYTES) != 0)
				full_ok = false;
			if (!ps_ok(&ps))
				checks_ok = false;
			for (i = 0; i < R_UNITS; i++)
				if ((xs_pagestore_peek(&ps, i) != NULL) != held[i])
					held_ok = false;
		}
	}
	test_cond("random reads match the flat array", reads_ok);
	test_cond("unit count matches the reference after every op", counts_ok);
	test_cond("whole-store reads match the flat array", full_ok);
	test_cond("exactly the referenced units are held", held_ok);
	test_cond("xs_pagestore_check passes throughout", checks_ok);
	xs_pagestore_destroy(&ps);
	gsl_rng_free(rng);
	free(flat);
	free(buf);
	free(src);
	free(held);
}

XS_TEST_SUITE(test_pagestore_sparse)
{
	struct xs_pagestore ps;
	uint8_t marker[8], page[4096], exp[4096];
	struct xs_err err;
	uint64_t u;

	memset(marker, 0xab, sizeof(marker));
	xs_pagestore_init(&ps, 4096);
	memset(exp, 0, sizeof(exp));
	/* holetest: two 8-byte markers in each of 64 pages */
	for (u = 0; u < 64; u++) {
		xs_pagestore_write(&ps, u * 4096 + 1024, 8, marker);
		xs_pagestore_write(&ps, u * 4096 + 3072, 8, marker);
	}
	memcpy(exp + 1024, marker, 8);
	memcpy(exp + 3072, marker, 8);
	xs_pagestore_read(&ps, 17 * 4096, 4096, page);
	test_cond("sparse unit reads back both markers and zeroes", memcmp(page, exp, 4096) == 0);
	test_cond("sparse peek materialises the same bytes",
		  memcmp(xs_pagestore_peek(&ps, 17), exp, 4096) == 0);
	/* 64 units of two 12-byte segments, far below 64 dense units */
	test_cond("two markers a page cost segments, not pages",
		  xs_pagestore_mem_bytes(&ps) < xs_chunkmap_mem_bytes(&ps.units) + 64 * 64);
	xs_pagestore_zero(&ps, 5 * 4096 + 1024, 4);
	xs_pagestore_read(&ps, 5 * 4096 + 1020, 16, page);
	test_cond("zeroing inside a sparse segment", page[3] == 0 && page[4] == 0 && page[7] == 0 &&
							     page[8] == 0xab && page[11] == 0xab);
	memset(page, 0x11, sizeof(page));
	u = xs_pagestore_mem_bytes(&ps);
	xs_pagestore_write(&ps, 9 * 4096, 4096, page);
	xs_pagestore_read(&ps, 9 * 4096, 4096, exp);
	test_cond("a full write turns the unit dense",
		  memcmp(page, exp, 4096) == 0 && xs_pagestore_mem_bytes(&ps) >= u + 4096 - 64);
	test_cond("check passes", xs_pagestore_check(&ps, &err) == 0);
	xs_pagestore_destroy(&ps);
}

/* Slot of unit idx in the store's table, read from its fields; SIZE_MAX if absent. */
static struct xs_pagestore_unit *unit_of(const struct xs_pagestore *ps, uint64_t idx)
{
	return xs_chunkmap_find(&ps->units, idx);
}

/* Bytes of segments of unit idx: UINT32_MAX when dense (or absent). */
static uint32_t unit_blen(const struct xs_pagestore *ps, uint64_t idx)
{
	const struct xs_pagestore_unit *u = unit_of(ps, idx);
	uint8_t one[12];
	const uint8_t *blob;

	return u ? xs_pagestore_unit_segs(ps, u, one, &blob) : UINT32_MAX;
}

/* Whether store bytes [off, off + len) are op id's marker stream from pos. */
static bool reads_marker(const struct xs_pagestore *ps, uint64_t off, uint64_t len, uint64_t id,
			 uint64_t pos)
{
	uint8_t *got = malloc(len), *exp = malloc(len);
	bool ok;

	XS_ASSERT(got && exp);
	xs_pagestore_read(ps, off, len, got);
	xs_marker_fill(exp, len, id, pos);
	ok = memcmp(got, exp, len) == 0;
	free(got);
	free(exp);
	return ok;
}

XS_TEST_SUITE(test_pagestore_marker)
{
	struct xs_pagestore ps;
	uint8_t page[4096], exp[4096], raw[100];
	size_t slots;
	uint64_t u;
	bool all_one = true, peek_ok = true;
	size_t i;

	xs_pagestore_init(&ps, 4096);
	/* 1000 pages of marker data, op u + 1 each, as a 4 KiB write of each op */
	for (u = 0; u < 1000; u++) {
		xs_marker_fill(page, 4096, u + 1, 0);
		xs_pagestore_write(&ps, u * 4096, 4096, page);
	}
	slots = xs_chunkmap_mem_bytes(&ps.units);
	for (u = 0; u < 1000; u++) {
		all_one &= unit_blen(&ps, u) == 12;
		xs_marker_fill(exp, 4096, u + 1, 0);
		peek_ok &= memcmp(xs_pagestore_peek(&ps, u), exp, 4096) == 0;
	}
	test_cond("1000 marker pages: one 12-byte segment each", all_one);
	test_cond("1000 marker pages cost their slots only (segments inline), not 4 MB",
		  xs_pagestore_mem_bytes(&ps) == slots);
	test_cond("peek materialises each page", peek_ok);
	test_cond("read gives each page back",
		  reads_marker(&ps, 0, 4096, 1, 0) && reads_marker(&ps, 999 * 4096, 4096, 1000, 0));
	xs_marker_fill(exp, 4096, 501, 0);
	xs_pagestore_read(&ps, 500 * 4096 + 1234, 1000, page);
	test_cond("a read inside a marker page", memcmp(page, exp + 1234, 1000) == 0);

	/* raw bytes over the middle of page 10 */
	for (i = 0; i < sizeof(raw); i++)
		raw[i] = (uint8_t)(i * 7 + 1);
	xs_pagestore_write(&ps, 10 * 4096 + 1000, 100, raw);
	xs_marker_fill(exp, 4096, 11, 0);
	memcpy(exp + 1000, raw, 100);
	xs_pagestore_read(&ps, 10 * 4096, 4096, page);
	test_cond("raw bytes over a marker page: read back", memcmp(page, exp, 4096) == 0);
	test_cond("raw bytes over a marker page: marker, raw, marker segments",
		  unit_blen(&ps, 10) == 12 + 4 + 100 + 12);

	/* another op's marker data over the middle of page 11 */
	xs_marker_fill(exp, 4096, 12, 0);
	xs_marker_fill(exp + 777, 2000, 5000, 123);
	xs_pagestore_write(&ps, 11 * 4096 + 777, 2000, exp + 777);
	xs_pagestore_read(&ps, 11 * 4096, 4096, page);
	test_cond("another op's marker over a marker page: read back",
		  memcmp(page, exp, 4096) == 0);
	test_cond("another op's marker over a marker page: three marker segments",
		  unit_blen(&ps, 11) == 3 * 12);

	/* zeroing inside a marker segment splits it */
	xs_pagestore_zero(&ps, 20 * 4096 + 2000, 50);
	xs_marker_fill(exp, 4096, 21, 0);
	memset(exp + 2000, 0, 50);
	xs_pagestore_read(&ps, 20 * 4096, 4096, page);
	test_cond("zeroing inside a marker page: zeroes there, marker around",
		  memcmp(page, exp, 4096) == 0);
	test_cond("zeroing inside a marker page: two marker segments", unit_blen(&ps, 20) == 24);
	xs_pagestore_zero(&ps, 21 * 4096, 4090);
	test_cond("zeroing all but 6 bytes: one raw segment", unit_blen(&ps, 21) == 4 + 6);
	test_cond("check", ps_ok(&ps));

	/* an unaligned write of 3 pages + 1000 bytes of one op, from 300 into page 2000 */
	{
		uint64_t len = 3 * 4096 + 1000, off = 2000 * 4096 + 300;
		uint8_t *big = malloc(len);

		XS_ASSERT(big);
		xs_marker_fill(big, len, 9000, 40000);
		xs_pagestore_write(&ps, off, len, big);
		free(big);
		test_cond("unaligned marker write across units: read back across the boundaries",
			  reads_marker(&ps, off, len, 9000, 40000) &&
				  reads_marker(&ps, off + 3000, 3000, 9000, 43000));
		xs_pagestore_read(&ps, 2000 * 4096, 300, page);
		test_cond("unaligned marker write: zeroes before it", bytes_are(page, 300, 0));
		test_cond("unaligned marker write: one segment per unit",
			  unit_blen(&ps, 2000) == 12 && unit_blen(&ps, 2001) == 12 &&
				  unit_blen(&ps, 2002) == 12 && unit_blen(&ps, 2003) == 12);
	}

	/* get densifies a marker page with its bytes */
	xs_marker_fill(exp, 4096, 31, 0);
	test_cond("get on a marker page: dense, same bytes",
		  memcmp(xs_pagestore_get(&ps, 30), exp, 4096) == 0 &&
			  unit_blen(&ps, 30) == UINT32_MAX);
	/* a dense page overwritten with marker data turns sparse: whole, then in halves */
	xs_marker_fill(page, 4096, 77, 8);
	xs_pagestore_write(&ps, 30 * 4096, 4096, page);
	test_cond("a whole marker write over a dense page: sparse again",
		  unit_blen(&ps, 30) == 12 && reads_marker(&ps, 30 * 4096, 4096, 77, 8));
	memset(page, 0x5a, sizeof(page));
	xs_pagestore_write(&ps, 31 * 4096, 4096, page);
	test_cond("a constant page: dense", unit_blen(&ps, 31) == UINT32_MAX);
	xs_marker_fill(page, 4096, 78, 0);
	xs_pagestore_write(&ps, 31 * 4096, 1000, page);
	test_cond("marker over its first part: still dense", unit_blen(&ps, 31) == UINT32_MAX);
	xs_pagestore_write(&ps, 31 * 4096 + 1000, 3096, page + 1000);
	test_cond("marker over the rest: sparse, the two writes one run",
		  unit_blen(&ps, 31) == 12 && reads_marker(&ps, 31 * 4096, 4096, 78, 0));
	test_cond("check", ps_ok(&ps));

	/* writes into sparse units are spliced in: runs that continue each other merge */
	for (i = 0; i < 40; i++) {
		xs_marker_fill(page, 100, 100 + i, 0);
		xs_pagestore_write(&ps, 1500 * 4096 + i * 100, 100, page);
	}
	test_cond("40 100-byte writes of 40 ops: sparse, a segment each",
		  unit_blen(&ps, 1500) == 40 * 12 &&
			  reads_marker(&ps, 1500 * 4096 + 3900, 100, 139, 0));
	xs_marker_fill(page, 4096, 300, 0);
	xs_pagestore_write(&ps, 1501 * 4096, 1000, page);
	xs_pagestore_write(&ps, 1501 * 4096 + 2000, 1008, page + 2000);
	test_cond("one op's data in two pieces: two segments", unit_blen(&ps, 1501) == 24);
	xs_pagestore_write(&ps, 1501 * 4096 + 1000, 1000, page + 1000);
	test_cond("the gap between them written: one segment",
		  unit_blen(&ps, 1501) == 12 && reads_marker(&ps, 1501 * 4096, 3008, 300, 0));
	for (i = 0; i < 20; i++) {
		memset(raw, (int)(i + 1), 8);
		xs_pagestore_write(&ps, 1502 * 4096 + 500 + i * 8, 8, raw);
	}
	xs_pagestore_read(&ps, 1502 * 4096 + 500, 160, page);
	test_cond("20 8-byte raw writes end to end: one raw segment",
		  unit_blen(&ps, 1502) == 4 + 160 && page[0] == 1 && page[159] == 20);
	test_cond("check", ps_ok(&ps));
	xs_pagestore_destroy(&ps);

	/* units too small for a marker segment (64 / 8 < 12) stay dense */
	xs_pagestore_init(&ps, 64);
	xs_marker_fill(page, 256, 3, 0);
	xs_pagestore_write(&ps, 64, 256, page);
	test_cond("64-byte units: marker data dense, read back",
		  unit_blen(&ps, 1) == UINT32_MAX && reads_marker(&ps, 64, 256, 3, 0));
	xs_pagestore_destroy(&ps);

	/* 64 KiB units: a marker run longer than a segment takes three */
	xs_pagestore_init(&ps, 65536);
	{
		uint8_t *big = malloc(65536);

		XS_ASSERT(big);
		xs_marker_fill(big, 65536, 4, 5);
		xs_pagestore_write(&ps, 65536, 65536, big);
		free(big);
	}
	test_cond("64 KiB units: a whole marker unit in three segments, read back",
		  unit_blen(&ps, 1) == 36 && reads_marker(&ps, 65536, 65536, 4, 5));
	test_cond("check", ps_ok(&ps));
	xs_pagestore_destroy(&ps);
}

/*
 * Random writes of marker data (a few ops, so runs of one op meet and continue each
 * other; sometimes whole aligned units), raw random bytes, constant fills and marker
 * data with holes, random zeroing and drops, on a store of unit bytes per unit against
 * a flat array: every byte compared and xs_pagestore_check run after every op.
 */
static void marker_vs_flat(uint32_t unit, uint32_t units, unsigned int ops, unsigned long seed,
			   bool markers, const char *what)
{
	struct xs_pagestore ps;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	uint64_t bytes = (uint64_t)unit * units;
	uint8_t *flat = calloc(bytes, 1), *buf = malloc(bytes), *src = malloc(bytes);
	bool bytes_ok = true, checks_ok = true;
	unsigned int op, bad_op = 0, nsparse = 0, nmarker = 0;
	char descr[128];
	uint64_t idx;
	void *v;

	XS_ASSERT(rng && flat && buf && src);
	gsl_rng_set(rng, seed);
	xs_pagestore_init(&ps, unit);
	for (op = 0; op < ops && bytes_ok && checks_ok; op++) {
		uint64_t off = gsl_rng_uniform_int(rng, bytes);
		uint64_t len = 1 + gsl_rng_uniform_int(rng, 3 * unit);
		unsigned long kind = gsl_rng_uniform_int(rng, 12);
		uint64_t i;
		size_t s;

		if (kind == 0) { /* a whole aligned unit */
			off -= off % unit;
			len = unit;
		}
		if (off + len > bytes)
			len = bytes - off;
		if (kind < 5) {
			xs_marker_fill(src, len, 1 + gsl_rng_uniform_int(rng, 3),
				       gsl_rng_uniform_int(rng, 2) ? off : gsl_rng_get(rng));
		} else if (kind < 6) {
			/* marker data with holes and the odd changed byte */
			xs_marker_fill(src, len, 7, off);
			for (i = 0; i < len; i++) {
				unsigned long r = gsl_rng_uniform_int(rng, 64);

				if (r == 0)
					src[i] = 0;
				else if (r == 1)
					src[i] ^= 0x10;
			}
		} else if (kind < 7) {
			len = 1 + len % 40;
			if (off + len > bytes)
				len = bytes - off;
			for (i = 0; i < len; i++)
				src[i] = (uint8_t)gsl_rng_uniform_int(rng, 256);
		} else if (kind < 8) {
			memset(src, (int)(1 + gsl_rng_uniform_int(rng, 255)), len);
		}
		if (kind < 8) {
			xs_pagestore_write(&ps, off, len, src);
			memcpy(flat + off, src, len);
		} else if (kind < 11) {
			xs_pagestore_zero(&ps, off, len);
			memset(flat + off, 0, len);
		} else {
			xs_pagestore_drop(&ps, off / unit);
			memset(flat + off - off % unit, 0, unit);
		}
		xs_pagestore_read(&ps, 0, bytes, buf);
		bytes_ok = memcmp(buf, flat, bytes) == 0;
		checks_ok = ps_ok(&ps);
		bad_op = op;
		if (op % 64)
			continue;
		for (s = xs_chunkmap_next(&ps.units, 0, &idx, &v); s;
		     s = xs_chunkmap_next(&ps.units, s, &idx, &v)) {
			uint8_t one[12];
			const uint8_t *blob;
			uint32_t p = 0, blen = xs_pagestore_unit_segs(&ps, v, one, &blob);

			if (blen == UINT32_MAX)
				continue;
			nsparse++;
			while (p < blen) {
				uint16_t lenf;

				memcpy(&lenf, blob + p + 2, 2);
				nmarker += (lenf & XS_SEG_MARKER) != 0;
				p += lenf & XS_SEG_MARKER ? 12 : 4u + lenf;
			}
		}
	}
	if (!bytes_ok || !checks_ok)
		printf("  %s: first bad op %u\n", what, bad_op);
	snprintf(descr, sizeof(descr), "%s: every byte matches the flat array after every op",
		 what);
	test_cond(descr, bytes_ok);
	snprintf(descr, sizeof(descr), "%s: xs_pagestore_check passes after every op", what);
	test_cond(descr, checks_ok);
	snprintf(descr, sizeof(descr), "%s: sparse units were exercised, %s", what,
		 markers ? "marker segments too" : "marker segments cannot fit");
	test_cond(descr, nsparse > 100 && (markers ? nmarker > 100 : nmarker == 0));
	xs_pagestore_destroy(&ps);
	gsl_rng_free(rng);
	free(flat);
	free(buf);
	free(src);
}

XS_TEST_SUITE(test_pagestore_marker_vs_flat)
{
	marker_vs_flat(512, 48, 40000, 7, true, "512-byte units");
	marker_vs_flat(4096, 12, 20000, 11, true, "4 KiB units");
	marker_vs_flat(64, 64, 10000, 13, false, "64-byte units");
}

/* The checker on sparse units' segments: each kind of damage, then the original back. */
XS_TEST_SUITE(test_pagestore_check_segments)
{
	struct xs_pagestore ps;
	struct xs_err err = {0};
	uint8_t page[4096], saved[64];
	uint16_t v16;
	uint32_t v32;
	struct xs_pagestore_unit *un;
	uint8_t *blob, *segs;

	xs_pagestore_init(&ps, 4096);
	/* marker [0, 1000), raw [1000, 1010), marker [1010, 4096): 12 + 14 + 12 bytes */
	xs_marker_fill(page, 4096, 1, 0);
	memset(page + 1000, 0x01, 10);
	xs_pagestore_write(&ps, 0, 4096, page);
	un = unit_of(&ps, 0);
	/* a sparse unit's word points to its blob: the segments' length, then them */
	blob = (uint8_t *)(uintptr_t)un->w;
	memcpy(&v32, blob, 4);
	segs = blob + 4;
	test_cond("a marker, raw, marker unit passes", v32 == 38 && ps_ok(&ps));
	memcpy(saved, segs, 38);

	v16 = 999; /* the raw segment starts inside the first marker segment */
	memcpy(segs + 12, &v16, 2);
	test_cond("overlapping segments: -EUCLEAN", xs_pagestore_check(&ps, &err) == -EUCLEAN);
	memcpy(segs, saved, 38);
	v16 = 0x8000 | 3087; /* the last marker segment past the unit's end */
	memcpy(segs + 26 + 2, &v16, 2);
	test_cond("a segment past the unit: -EUCLEAN", xs_pagestore_check(&ps, &err) == -EUCLEAN);
	memcpy(segs, saved, 38);
	v16 = 0x8000; /* an empty marker segment */
	memcpy(segs + 2, &v16, 2);
	test_cond("an empty segment: -EUCLEAN", xs_pagestore_check(&ps, &err) == -EUCLEAN);
	memcpy(segs, saved, 38);
	v32 = XS_MARKER_PERIOD; /* a position outside the stream's period */
	memcpy(segs + 8, &v32, 4);
	test_cond("a marker position >= 2^19: -EUCLEAN", xs_pagestore_check(&ps, &err) == -EUCLEAN);
	memcpy(segs, saved, 38);
	v16 = 11; /* the raw segment one byte longer than the data */
	memcpy(segs + 12 + 2, &v16, 2);
	v32 = 26; /* and the data ends with it */
	memcpy(blob, &v32, 4);
	test_cond("a segment past its data: -EUCLEAN", xs_pagestore_check(&ps, &err) == -EUCLEAN);
	v32 = 38;
	memcpy(blob, &v32, 4);
	memcpy(segs, saved, 38);
	test_cond("restored", ps_ok(&ps));
	xs_pagestore_destroy(&ps);
}

/*
 * xs_pagestore_copy between stores: whole units as stored (marker, raw, dense and
 * absent units), unaligned ranges through bytes; xs_pagestore_same says "same" only
 * for units stored alike, and never for different bytes.
 */
XS_TEST_SUITE(test_pagestore_copy_same)
{
	struct xs_pagestore a, b, c;
	struct xs_err err = {0};
	uint8_t page[4096], got[4096], want[4096];
	size_t i;

	xs_pagestore_init(&a, 4096);
	xs_pagestore_init(&b, 4096);
	xs_pagestore_init(&c, 1024);
	xs_marker_fill(page, 4096, 7, 0);
	xs_pagestore_write(&a, 0, 4096, page); /* unit 0: one marker segment */
	memset(page, 0x5a, 8);
	xs_pagestore_write(&a, 4096 + 100, 8, page); /* unit 1: a raw segment */
	for (i = 0; i < sizeof(page); i++)
		page[i] = (uint8_t)(i * 131 + 7);
	xs_pagestore_write(&a, 2 * 4096, 4096, page); /* unit 2: dense */
	xs_pagestore_write(&b, 3 * 4096, 4096, page); /* b's unit 3, a's is absent */

	xs_pagestore_copy(&b, 0, &a, 0, 4 * 4096);
	for (i = 0; i < 4; i++) {
		xs_pagestore_read(&a, i * 4096, 4096, want);
		xs_pagestore_read(&b, i * 4096, 4096, got);
		test_cond("copied unit reads the same", memcmp(got, want, 4096) == 0);
		test_cond("... and is stored alike",
			  xs_pagestore_same(&a, i * 4096, &b, i * 4096, 4096));
	}
	test_cond("an absent unit copied over a present one drops it",
		  xs_pagestore_peek(&b, 3) == NULL);
	test_cond("copies are independent: b is stored apart from a",
		  (xs_pagestore_write(&a, 10, 1, (const uint8_t *)"\1"), 1) &&
			  !xs_pagestore_same(&a, 0, &b, 0, 4096));
	xs_pagestore_read(&b, 0, 4096, got);
	xs_marker_fill(want, 4096, 7, 0);
	test_cond("... and b kept its bytes", memcmp(got, want, 4096) == 0);
	test_cond("different bytes are never the same",
		  !xs_pagestore_same(&a, 4096, &b, 2 * 4096, 4096));
	test_cond("unaligned ranges are not judged", !xs_pagestore_same(&a, 1, &b, 1, 4096));
	test_cond("different unit sizes are not judged", !xs_pagestore_same(&a, 0, &c, 0, 4096));

	/* unaligned, and into a store of another unit size: through bytes */
	xs_pagestore_copy(&c, 300, &a, 2 * 4096 + 5, 5000);
	{
		uint8_t *x = malloc(5000), *y = malloc(5000);

		xs_pagestore_read(&c, 300, 5000, x);
		xs_pagestore_read(&a, 2 * 4096 + 5, 5000, y);
		test_cond("unaligned copy reads the same", memcmp(x, y, 5000) == 0);
		free(x);
		free(y);
	}
	test_cond("checks", !xs_pagestore_check(&a, &err) && !xs_pagestore_check(&b, &err) &&
				    !xs_pagestore_check(&c, &err));
	xs_pagestore_destroy(&a);
	xs_pagestore_destroy(&b);
	xs_pagestore_destroy(&c);
}

/*
 * xs_pagestore_write_marker() stores what xs_pagestore_write() of the same marker bytes
 * stores, unit for unit: random writes of random ops over units of several sizes, into
 * two stores, one each way, compared byte for byte and encoding for encoding.
 */
XS_TEST_SUITE(test_pagestore_write_marker)
{
	const uint32_t units[] = {64, 512, 4096, 65536};
	size_t k;

	for (k = 0; k < sizeof(units) / sizeof(units[0]); k++) {
		uint32_t unit = units[k];
		uint64_t span = 16ULL * unit, i;
		struct xs_pagestore a, b;
		gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
		uint8_t *buf = malloc(span), *ra = malloc(span), *rb = malloc(span);
		bool bytes_same, enc_same = true;
		char descr[128];

		XS_ASSERT(rng && buf && ra && rb);
		gsl_rng_set(rng, 17 + k);
		xs_pagestore_init(&a, unit);
		xs_pagestore_init(&b, unit);
		for (i = 1; i <= 300; i++) {
			uint64_t off = gsl_rng_uniform_int(rng, (unsigned long)span);
			uint64_t len = 1 + gsl_rng_uniform_int(rng, (unsigned long)(span - off));
			uint64_t pos =
				gsl_rng_uniform_int(rng, 4) ? 0 : gsl_rng_uniform_int(rng, 100000);

			if (gsl_rng_uniform_int(rng, 2)) {
				/* unit-aligned, as a page-sized copy is */
				off -= off % unit;
				len = unit * (1 + len / unit / 4);
			}
			if (off + len > span)
				len = span - off;
			xs_marker_fill(buf, len, i, pos);
			xs_pagestore_write(&a, off, len, buf);
			xs_pagestore_write_marker(&b, off, len, i, pos);
		}
		xs_pagestore_read(&a, 0, span, ra);
		xs_pagestore_read(&b, 0, span, rb);
		bytes_same = memcmp(ra, rb, span) == 0;
		for (i = 0; i < 16; i++)
			enc_same &= unit_blen(&a, i) == unit_blen(&b, i);
		snprintf(descr, sizeof(descr),
			 "%u-byte units: marker writes read back as the byte writes, encoded alike",
			 unit);
		test_cond(descr, bytes_same && enc_same && xs_pagestore_same(&a, 0, &b, 0, span) &&
					 ps_ok(&b));
		xs_pagestore_destroy(&a);
		xs_pagestore_destroy(&b);
		gsl_rng_free(rng);
		free(buf);
		free(ra);
		free(rb);
	}
}
