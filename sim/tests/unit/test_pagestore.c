/*
 * Unit tests of the sparse byte store (sim/core/pagestore.c): reads, writes and zeroing
 * across unit boundaries, drop and re-get, the checker, and a long random sequence
 * compared with a trivially-correct reference: a flat byte array plus a flag per unit
 * saying whether the store should hold it (GSL mt19937, fixed seed).
 */
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
	test_cond("empty: peek NULL", xs_pagestore_peek(&ps, 0) == NULL && ps.count == 0);
	memset(buf, 0xaa, sizeof(buf));
	xs_pagestore_read(&ps, 1000, 100, buf);
	test_cond("empty: reads zeroes", bytes_are(buf, 100, 0) && bytes_are(buf + 100, 100, 0xaa));
	test_cond("empty: check", ps_ok(&ps));

	/* 10 bytes straddling units 0 and 1 */
	for (i = 0; i < 10; i++)
		src[i] = (uint8_t)(i + 1);
	xs_pagestore_write(&ps, 507, 10, src);
	test_cond("straddling write: two units", ps.count == 2 && xs_pagestore_peek(&ps, 0) &&
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
		  xs_pagestore_peek(&ps, 1) == NULL && ps.count == 2);
	xs_pagestore_read(&ps, 0, 1536, buf);
	test_cond("zero across units: [0,509) kept, [509,1027) zero, [1027,1536) kept",
		  bytes_are(buf, 509, 0x5c) && bytes_are(buf + 509, 1027 - 509, 0) &&
			  bytes_are(buf + 1027, 1536 - 1027, 0x5c));
	xs_pagestore_zero(&ps, 5 * 512 + 10, 20);
	test_cond("zeroing part of a never-written unit allocates nothing",
		  ps.count == 2 && !xs_pagestore_peek(&ps, 5));
	test_cond("check", ps_ok(&ps));

	/* drop and re-get */
	u = xs_pagestore_get(&ps, 7);
	test_cond("get allocates a zeroed unit", u && bytes_are(u, 512, 0) && ps.count == 3);
	memset(u, 0x77, 512);
	test_cond("get again returns the same bytes",
		  xs_pagestore_get(&ps, 7) == u && xs_pagestore_peek(&ps, 7)[100] == 0x77);
	xs_pagestore_drop(&ps, 7);
	test_cond("drop: peek NULL, count back", !xs_pagestore_peek(&ps, 7) && ps.count == 2);
	xs_pagestore_read(&ps, 7 * 512, 512, buf);
	test_cond("dropped unit reads as zeroes", bytes_are(buf, 512, 0));
	u = xs_pagestore_get(&ps, 7);
	test_cond("re-get: zero-filled again", bytes_are(u, 512, 0) && ps.count == 3);
	xs_pagestore_drop(&ps, 8);
	test_cond("dropping an absent unit is a no-op", ps.count == 3);
	/* units 0, 2 (mostly 0x5c) and 7 (get) are dense: whole units */
	test_cond("memory: slots plus units",
		  xs_pagestore_mem_bytes(&ps) ==
			  ps.cap * (sizeof(uint64_t) + sizeof(uint8_t *) + sizeof(uint32_t)) +
				  3 * 512);

	/* a unit far out (a disk block number beyond 2^32) */
	xs_pagestore_write(&ps, (1ULL << 40) + 3, 4, src);
	xs_pagestore_read(&ps, (1ULL << 40), 8, buf);
	test_cond("far offset round-trips",
		  bytes_are(buf, 3, 0) && memcmp(buf + 3, src, 4) == 0 && buf[7] == 0);
	test_cond("check", ps_ok(&ps));
	xs_pagestore_destroy(&ps);
	test_cond("destroy leaves an empty store", ps.count == 0 && ps.cap == 0);
}

XS_TEST_SUITE(test_pagestore_check_catches)
{
	struct xs_pagestore ps;
	struct xs_err err = {0};
	uint8_t *saved = NULL;
	size_t i, slot = 0;

	xs_pagestore_init(&ps, 64);
	for (i = 0; i < 10; i++)
		xs_pagestore_get(&ps, i * 3);
	test_cond("consistent store passes", ps_ok(&ps));
	ps.count++;
	test_cond("count + 1: -EUCLEAN", xs_pagestore_check(&ps, &err) == -EUCLEAN);
	ps.count--;
	for (i = 0; i < ps.cap; i++) {
		if (ps.keys[i]) {
			slot = i;
			break;
		}
	}
	saved = ps.vals[slot];
	ps.vals[slot] = NULL;
	test_cond("used slot without data: -EUCLEAN", xs_pagestore_check(&ps, &err) == -EUCLEAN);
	ps.vals[slot] = saved;
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
		if (nheld != ps.count)
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
		  xs_pagestore_mem_bytes(&ps) < ps.cap * 20 + 64 * 64);
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
