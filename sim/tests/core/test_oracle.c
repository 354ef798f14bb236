/*
 * The oracle against a flat reference: one (value, owner) pair per byte.
 */
#include "core/oracle.h"
#include "tests/testhelp.h"

#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>

#define FILE_MAX (64 * 1024)

struct flat {
	uint8_t val[FILE_MAX];
	uint64_t owner[FILE_MAX];
	uint64_t size;
};

struct lossrec {
	uint64_t lost_by_owner[4096];
	uint64_t runs;
	int bad_owner;
	const struct flat *ref;
};

static void on_loss(void *arg, const struct xs_oracle_loss *loss)
{
	struct lossrec *lr = arg;
	uint64_t i;

	lr->runs++;
	for (i = loss->off; i < loss->off + loss->len; i++)
		if (lr->ref->owner[i] != loss->id)
			lr->bad_owner = 1;
	if (loss->id < 4096)
		lr->lost_by_owner[loss->id] += loss->len;
}

XS_TEST_SUITE(test_oracle_vs_flat)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	struct flat *ref = calloc(1, sizeof(*ref));
	uint8_t *actual = malloc(FILE_MAX);
	unsigned long seed;
	int mismatches = 0, owner_errors = 0, count_errors = 0;

	for (seed = 1; seed <= 20; seed++) {
		struct xs_oracle o;
		uint64_t id, i;

		gsl_rng_set(r, seed);
		memset(ref, 0, sizeof(*ref));
		xs_oracle_init(&o, 4096);
		for (id = 1; id < 400; id++) {
			uint64_t off = gsl_rng_uniform_int(r, FILE_MAX - 1);
			uint64_t len = 1 + gsl_rng_uniform_int(r, xs_min_u64(FILE_MAX - off, 9000));
			unsigned long kind = gsl_rng_uniform_int(r, 10);
			uint8_t buf[9000];

			if (kind < 7) {
				memset(buf, (int)(id & 0xff) | 1, len);
				xs_oracle_write(&o, id, off, len, buf);
				for (i = off; i < off + len; i++) {
					ref->val[i] = buf[0];
					ref->owner[i] = id;
				}
				ref->size = xs_max_u64(ref->size, off + len);
			} else if (kind < 9) {
				xs_oracle_zero(&o, id, off, len);
				for (i = off; i < off + len && i < ref->size; i++) {
					ref->val[i] = 0;
					ref->owner[i] = id;
				}
			} else {
				xs_oracle_truncate(&o, id, off);
				for (i = off; i < ref->size; i++) {
					ref->val[i] = 0;
					ref->owner[i] = 0;
				}
				ref->size = off;
			}
		}
		/* the truth compares clean */
		if (o.size != ref->size ||
		    xs_oracle_compare(&o, ref->val, ref->size, NULL, NULL) != 0)
			mismatches++;
		/* corrupt some bytes: each loss names the owner the flat copy has */
		{
			struct lossrec *lr = calloc(1, sizeof(*lr));
			uint64_t want = 0, got, k;

			memcpy(actual, ref->val, ref->size);
			for (k = 0; k < 50 && ref->size; k++) {
				uint64_t p = gsl_rng_uniform_int(r, ref->size);
				uint64_t n = 1 + gsl_rng_uniform_int(r, 64);

				for (i = p; i < p + n && i < ref->size; i++)
					actual[i] = (uint8_t)(ref->val[i] ^ 0x5a);
			}
			for (i = 0; i < ref->size; i++)
				want += actual[i] != ref->val[i];
			lr->ref = ref;
			got = xs_oracle_compare(&o, actual, ref->size, on_loss, lr);
			if (got != want)
				count_errors++;
			if (lr->bad_owner)
				owner_errors++;
			free(lr);
		}
		xs_oracle_destroy(&o);
	}
	test_cond("shadow equals the flat copy after random writes, zeroing and truncates",
		  mismatches == 0);
	test_cond("lost byte count equals the flat count", count_errors == 0);
	test_cond("every lost run is attributed to the op the flat copy names", owner_errors == 0);
	free(ref);
	free(actual);
	gsl_rng_free(r);
}

XS_TEST_SUITE(test_oracle_size)
{
	struct xs_oracle o;
	uint8_t buf[100];

	xs_oracle_init(&o, 4096);
	memset(buf, 7, sizeof(buf));
	xs_oracle_write(&o, 1, 0, 100, buf);
	test_cond("a shorter file counts the missing bytes",
		  xs_oracle_compare(&o, buf, 60, NULL, NULL) == 40);
	xs_oracle_truncate(&o, 2, 50);
	test_cond("after truncate the expected size shrinks", o.size == 50);
	test_cond("a longer file counts the extra bytes",
		  xs_oracle_compare(&o, buf, 60, NULL, NULL) == 10);
	xs_oracle_destroy(&o);
}
