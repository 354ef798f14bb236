/*
 * Unit tests of marker data (sim/core/marker.c): the stream against its definition
 * written out byte by byte, fill/find round trips at every alignment and several
 * lengths, the period of 2^19 bytes and of 2^32 ids, and what find must reject.
 */
#include "core/marker.h"
#include "tests/testhelp.h"

#include <string.h>

/* marker.h's definition, one byte at a time. */
static uint8_t ref_byte(uint64_t id, uint64_t p)
{
	uint64_t k = p / 8, j = p % 8;
	uint64_t v = ((uint64_t)(uint32_t)id << 16) | (k & 0xffff);

	return (uint8_t)((j == 0 ? 0xC0 : 0x80) | ((v >> (6 * j)) & 0x3f));
}

static bool matches_ref(const uint8_t *buf, uint64_t len, uint64_t id, uint64_t pos)
{
	uint64_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != ref_byte(id, pos + i))
			return false;
	return true;
}

static const uint64_t ids[] = {1, 2, 77, 0x12345678, 0xffffffffULL, (1ULL << 32) + 9};

XS_TEST_SUITE(test_marker_fill)
{
	uint8_t buf[4200 + 8];
	bool ok = true, guard_ok = true, nonzero = true;
	size_t t, i;
	uint64_t len, a;

	for (t = 0; t < sizeof(ids) / sizeof(ids[0]); t++) {
		for (a = 0; a < 8; a++) {
			for (len = 0; len < 40; len++) {
				uint64_t pos = 8 * 1000 + a;

				memset(buf, 0, sizeof(buf));
				xs_marker_fill(buf, len, ids[t], pos);
				ok &= matches_ref(buf, len, ids[t], pos);
				guard_ok &= buf[len] == 0;
			}
			xs_marker_fill(buf, 4200, ids[t], 8 * 5 + a);
			ok &= matches_ref(buf, 4200, ids[t], 8 * 5 + a);
			for (i = 0; i < 4200; i++)
				nonzero &= buf[i] != 0;
		}
	}
	test_cond("fill matches the definition: 6 ids, alignments 0..7, lengths 0..39, 4200", ok);
	test_cond("fill writes exactly len bytes", guard_ok);
	test_cond("every byte is non-zero", nonzero);

	xs_marker_fill(buf, 64, 5, XS_MARKER_PERIOD - 29);
	test_cond("fill across the 2^19 wrap matches the definition",
		  matches_ref(buf, 64, 5, XS_MARKER_PERIOD - 29));
	{
		uint8_t b2[64];

		xs_marker_fill(b2, 64, 5, 2 * XS_MARKER_PERIOD - 29);
		test_cond("the stream repeats every 2^19 bytes", memcmp(buf, b2, 64) == 0);
		xs_marker_fill(b2, 64, 5 + (1ULL << 32), XS_MARKER_PERIOD - 29);
		test_cond("ids are taken mod 2^32", memcmp(buf, b2, 64) == 0);
		xs_marker_fill(b2, 64, 6, XS_MARKER_PERIOD - 29);
		test_cond("another id gives other bytes", memcmp(buf, b2, 64) != 0);
	}
	test_cond("word starts have top bits 11, the rest 10",
		  (buf[5] & 0xC0) == 0xC0 && (buf[4] & 0xC0) == 0x80 && (buf[6] & 0xC0) == 0x80);
}

XS_TEST_SUITE(test_marker_find)
{
	static const uint32_t lens[] = {16, 17, 23, 24, 31, 64, 100, 4096};
	uint8_t buf[4096 + 16];
	bool found = true, right = true, match_ok = true;
	uint32_t id, pos;
	size_t t, l;
	uint32_t a;

	for (t = 0; t < sizeof(ids) / sizeof(ids[0]); t++) {
		for (a = 0; a < 8; a++) {
			for (l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
				uint32_t p0 = 8 * 777 + a;

				xs_marker_fill(buf, lens[l], ids[t], p0);
				if (!xs_marker_find(buf, lens[l], &id, &pos)) {
					found = false;
					continue;
				}
				right &= id == (uint32_t)ids[t] && pos == p0;
				match_ok &= xs_marker_match(buf, lens[l], id, pos) == lens[l];
			}
		}
	}
	test_cond("find accepts every fill: 6 ids, alignments 0..7, 8 lengths", found);
	test_cond("find returns the id (mod 2^32) and the position", right);
	test_cond("match covers the whole of each", match_ok);

	xs_marker_fill(buf, 100, 42, XS_MARKER_PERIOD - 37);
	test_cond("find across the 2^19 wrap: position mod 2^19",
		  xs_marker_find(buf, 100, &id, &pos) && id == 42 && pos == XS_MARKER_PERIOD - 37);
	xs_marker_fill(buf, 100, 42, 3 * XS_MARKER_PERIOD + 11);
	test_cond("a position past 2^19 is found mod 2^19",
		  xs_marker_find(buf, 100, &id, &pos) && id == 42 && pos == 11);
	test_cond("decode: a word gives its id and aligned position",
		  xs_marker_decode(buf + 5, &id, &pos) && id == 42 && pos == 16);
	test_cond("decode: not at a word start", !xs_marker_decode(buf + 6, &id, &pos));
}

XS_TEST_SUITE(test_marker_reject)
{
	uint8_t buf[256], two[64];
	bool one_changed = true, one_other = true, match_stops = true;
	uint32_t id, pos, i;

	xs_marker_fill(buf, 200, 1234, 8 * 50 + 3);
	for (i = 0; i < 200; i++) {
		uint8_t save = buf[i];

		buf[i] = (uint8_t)(save ^ 0x01);
		one_changed &= !xs_marker_find(buf, 200, &id, &pos);
		match_stops &= xs_marker_match(buf, 200, 1234, 8 * 50 + 3) == i;
		buf[i] = (uint8_t)(save ^ 0x40); /* top bits 11 <-> 10 */
		one_other &= !xs_marker_find(buf, 200, &id, &pos);
		buf[i] = save;
	}
	test_cond("unchanged buffer found", xs_marker_find(buf, 200, &id, &pos) && id == 1234);
	test_cond("one byte changed (low bit) anywhere: rejected", one_changed);
	test_cond("one byte changed (tag bits) anywhere: rejected", one_other);
	test_cond("match stops at the changed byte", match_stops);

	test_cond("15 bytes of a stream: too short", !xs_marker_find(buf, 15, &id, &pos));
	test_cond("0 bytes: too short", !xs_marker_find(buf, 0, &id, &pos));
	memset(buf, 0, sizeof(buf));
	test_cond("zeroes rejected", !xs_marker_find(buf, 256, &id, &pos));
	memset(buf, 0xab, sizeof(buf));
	test_cond("0xab fill rejected", !xs_marker_find(buf, 256, &id, &pos));
	memset(buf, 0xc0, sizeof(buf));
	test_cond("0xc0 fill rejected", !xs_marker_find(buf, 256, &id, &pos));
	memset(buf, 0xff, sizeof(buf));
	test_cond("0xff fill rejected", !xs_marker_find(buf, 256, &id, &pos));
	memset(buf, 0x80, sizeof(buf));
	test_cond("0x80 fill rejected", !xs_marker_find(buf, 256, &id, &pos));

	/* two operations' data back to back, each alone a stream */
	xs_marker_fill(two, 32, 7, 0);
	xs_marker_fill(two + 32, 32, 8, 32);
	test_cond("two streams back to back rejected", !xs_marker_find(two, 64, &id, &pos));
	test_cond("each half alone accepted", xs_marker_find(two, 32, &id, &pos) && id == 7 &&
						      xs_marker_find(two + 32, 32, &id, &pos) &&
						      id == 8 && pos == 32);
	/* the same operation, a position skipped */
	xs_marker_fill(two, 32, 7, 0);
	xs_marker_fill(two + 32, 32, 7, 40);
	test_cond("one stream with a jump rejected", !xs_marker_find(two, 64, &id, &pos));
	test_cond("match stops at the jump", xs_marker_match(two, 64, 7, 0) == 32);
}
