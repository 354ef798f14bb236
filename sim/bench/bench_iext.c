/*
 * Benchmark of the incore extent tree: the cost of insert, lookup and remove in a
 * heavily fragmented file, and how it grows from 10^3 to 10^6 extents.
 *
 * The file has n one-block records at offsets 0, 2, 4, ... (one-block holes between),
 * built by appending. A pool of min(n/10, 65536) more records fills random holes;
 * each batch fills BENCH_IEXT_BATCH new random holes (insert) and empties as many
 * random pool members (remove), so the size stays n + pool and removes do not find
 * the inserts' paths in cache. As in every kernel caller, an insert or remove
 * includes the lookup that positions its cursor.
 *
 * lookup draws offsets uniformly over the file. lookup-hot draws them within one
 * 4096-block window: the same descent from the root, but through a subtree that
 * stays in cache, so its growth with n is the tree's own (logarithmic) part and the
 * difference to lookup is memory latency.
 *
 * The memory floor is a pointer chase through random lines of a buffer the size of the
 * appended 10^6-extent tree (the smallest any structure holding them could be): one
 * dependent load that misses the caches. A uniformly random lookup in any structure
 * of that size pays at least one, so (lookup at 10^3 + floor) / lookup at 10^3 is the
 * best random-lookup ratio this machine allows, whatever the data structure.
 *
 * Each figure is the best of BENCH_IEXT_ROUNDS rounds of BENCH_IEXT_OPS operations;
 * random inputs come from a fixed-seed GSL mt19937 stream and are drawn before the
 * clock starts. The memory figure after churn is per record present (n + pool).
 */
#include "bench/bench.h"
#include "core/iext.h"

#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>

#define BENCH_IEXT_ROUNDS  3
#define BENCH_IEXT_OPS	   (1u << 19)
#define BENCH_IEXT_BATCH   1024u
#define BENCH_IEXT_POOL	   65536u
#define BENCH_IEXT_HOT_FSB 4096u
#define BENCH_IEXT_SEED	   20240601ul
#define BENCH_IEXT_RATIO   2.0

struct bench_iext_result {
	uint64_t n;
	double append_ns;
	double insert_ns;
	double lookup_ns;
	double remove_ns;
	double hot_lookup_ns;
	size_t mem_appended_bytes;
	size_t mem_churned_bytes;
};

static struct xs_bmbt_irec bench_iext_rec(uint64_t off)
{
	struct xs_bmbt_irec r = {
		.br_startoff = off,
		.br_startblock = 1000 + off,
		.br_blockcount = 1,
		.br_state = XS_EXT_NORM,
	};

	return r;
}

static void bench_iext_fail(const char *what, uint64_t n)
{
	fprintf(stderr, "bench_iext: %s (n=%llu)\n", what, (unsigned long long)n);
	exit(1);
}

/* Append records at 0, 2, ..., 2(n-1), stepping the cursor past the end each time. */
static double bench_iext_build(struct xs_ifork *ifp, uint64_t n)
{
	struct xs_iext_cursor cur;
	double t0;
	uint64_t i;

	xs_iext_init(ifp);
	xs_iext_first(ifp, &cur);
	t0 = bench_now_ns();
	for (i = 0; i < n; i++) {
		struct xs_bmbt_irec r = bench_iext_rec(2 * i);

		xs_iext_insert(ifp, &cur, &r);
		xs_iext_next(ifp, &cur);
	}
	return (bench_now_ns() - t0) / (double)n;
}

static double bench_iext_lookups(struct xs_ifork *ifp, const uint64_t *offs, size_t nr_offs)
{
	struct xs_iext_cursor cur;
	struct xs_bmbt_irec got;
	uint64_t sum = 0;
	double t0, t;
	size_t i;

	t0 = bench_now_ns();
	for (i = 0; i < nr_offs; i++)
		if (xs_iext_lookup_extent(ifp, offs[i], &cur, &got))
			sum += got.br_startoff;
	t = bench_now_ns() - t0;
	/* Every offset below 2n - 1 has a record at or after it. */
	if (sum == 0)
		bench_iext_fail("lookups found nothing", ifp->if_nextents);
	return t / (double)nr_offs;
}

/*
 * Records filling holes between the base records, there to be removed: holes are
 * numbered by the base record before them (hole h is offset 2h + 1).
 */
struct bench_iext_pool {
	uint64_t *holes;       /* filled holes, in no order */
	uint64_t nr;	       /* entries in holes */
	uint64_t size;	       /* kept between batches */
	unsigned char *filled; /* by hole number */
	uint64_t *fresh;       /* per batch: holes to fill */
	uint64_t *victims;     /* per batch: holes to empty */
};

/* A hole not filled yet, marked filled. */
static uint64_t bench_iext_pick_hole(struct bench_iext_pool *pool, uint64_t n, gsl_rng *rng)
{
	uint64_t h;

	do {
		h = gsl_rng_uniform_int(rng, (unsigned long)n);
	} while (pool->filled[h]);
	pool->filled[h] = 1;
	return h;
}

static void bench_iext_fill(struct xs_ifork *ifp, uint64_t h)
{
	struct xs_iext_cursor cur;
	struct xs_bmbt_irec got, r = bench_iext_rec(2 * h + 1);

	xs_iext_lookup_extent(ifp, r.br_startoff, &cur, &got);
	xs_iext_insert(ifp, &cur, &r);
}

static void bench_iext_empty(struct xs_ifork *ifp, uint64_t h)
{
	struct xs_iext_cursor cur;
	struct xs_bmbt_irec got;

	if (!xs_iext_lookup_extent(ifp, 2 * h + 1, &cur, &got) || got.br_startoff != 2 * h + 1)
		bench_iext_fail("filled hole not found", ifp->if_nextents);
	xs_iext_remove(ifp, &cur);
}

/*
 * One round: batches that fill random free holes and empty as many random filled
 * ones, chosen from the whole pool so that removes find no path left warm by the
 * inserts. Adds the time of each to *insert_ns / *remove_ns; returns ops of each.
 */
static uint64_t bench_iext_churn(struct xs_ifork *ifp, uint64_t n, gsl_rng *rng,
				 struct bench_iext_pool *pool, double *insert_ns, double *remove_ns)
{
	uint64_t batch = pool->size < BENCH_IEXT_BATCH ? pool->size : BENCH_IEXT_BATCH;
	uint64_t done = 0, i;

	while (done < BENCH_IEXT_OPS) {
		double t0;

		for (i = 0; i < batch; i++) {
			uint64_t j = gsl_rng_uniform_int(rng, (unsigned long)pool->nr);

			pool->victims[i] = pool->holes[j];
			pool->holes[j] = pool->holes[--pool->nr];
		}
		for (i = 0; i < batch; i++)
			pool->fresh[i] = bench_iext_pick_hole(pool, n, rng);

		t0 = bench_now_ns();
		for (i = 0; i < batch; i++)
			bench_iext_fill(ifp, pool->fresh[i]);
		*insert_ns += bench_now_ns() - t0;

		t0 = bench_now_ns();
		for (i = 0; i < batch; i++)
			bench_iext_empty(ifp, pool->victims[i]);
		*remove_ns += bench_now_ns() - t0;

		for (i = 0; i < batch; i++) {
			pool->filled[pool->victims[i]] = 0;
			pool->holes[pool->nr++] = pool->fresh[i];
		}
		done += batch;
	}
	return done;
}

static double bench_iext_min(double a, double b)
{
	return a < b ? a : b;
}

static void bench_iext_size(uint64_t n, struct bench_iext_result *res)
{
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	struct bench_iext_pool pool = {0};
	uint64_t *offs = calloc(BENCH_IEXT_OPS, sizeof(*offs));
	uint64_t *hot_offs = calloc(BENCH_IEXT_OPS, sizeof(*hot_offs));
	uint64_t hot_base, i;
	struct xs_ifork ifp;
	struct xs_err err;
	int round;

	pool.size = n / 10 < BENCH_IEXT_POOL ? n / 10 : BENCH_IEXT_POOL;
	pool.holes = calloc(pool.size + BENCH_IEXT_BATCH, sizeof(*pool.holes));
	pool.filled = calloc(n, 1);
	pool.fresh = calloc(BENCH_IEXT_BATCH, sizeof(*pool.fresh));
	pool.victims = calloc(BENCH_IEXT_BATCH, sizeof(*pool.victims));
	if (!rng || !offs || !hot_offs || !pool.holes || !pool.filled || !pool.fresh ||
	    !pool.victims)
		bench_iext_fail("out of memory", n);
	gsl_rng_set(rng, BENCH_IEXT_SEED);
	res->n = n;
	res->append_ns = bench_iext_build(&ifp, n);
	res->mem_appended_bytes = xs_iext_mem_bytes(&ifp);
	res->insert_ns = res->lookup_ns = res->remove_ns = res->hot_lookup_ns = 1e300;

	/* Uniform offsets over the file; hot ones within one window of it. */
	hot_base = n * 2 > BENCH_IEXT_HOT_FSB
			   ? gsl_rng_uniform_int(rng, (unsigned long)(n * 2 - BENCH_IEXT_HOT_FSB))
			   : 0;
	for (i = 0; i < BENCH_IEXT_OPS; i++) {
		offs[i] = gsl_rng_uniform_int(rng, (unsigned long)(2 * n - 1));
		hot_offs[i] = hot_base +
			      gsl_rng_uniform_int(rng, (unsigned long)xs_min_u64(BENCH_IEXT_HOT_FSB,
										 2 * n - 1));
	}
	for (i = 0; i < pool.size; i++) {
		pool.holes[pool.nr++] = bench_iext_pick_hole(&pool, n, rng);
		bench_iext_fill(&ifp, pool.holes[i]);
	}
	/* Round 0 warms up and reshapes the appended tree; it is not counted. */
	for (round = 0; round <= BENCH_IEXT_ROUNDS; round++) {
		double ins = 0, rem = 0, look, hot;
		uint64_t ops = bench_iext_churn(&ifp, n, rng, &pool, &ins, &rem);

		look = bench_iext_lookups(&ifp, offs, BENCH_IEXT_OPS);
		hot = bench_iext_lookups(&ifp, hot_offs, BENCH_IEXT_OPS);
		if (round == 0)
			continue;
		res->insert_ns = bench_iext_min(res->insert_ns, ins / (double)ops);
		res->remove_ns = bench_iext_min(res->remove_ns, rem / (double)ops);
		res->lookup_ns = bench_iext_min(res->lookup_ns, look);
		res->hot_lookup_ns = bench_iext_min(res->hot_lookup_ns, hot);
	}
	res->mem_churned_bytes = xs_iext_mem_bytes(&ifp);
	if (ifp.if_nextents != n + pool.nr || xs_iext_check(&ifp, &err) != 0)
		bench_iext_fail("tree damaged by the benchmark", n);

	xs_iext_destroy(&ifp);
	free(pool.victims);
	free(pool.fresh);
	free(pool.filled);
	free(pool.holes);
	free(hot_offs);
	free(offs);
	gsl_rng_free(rng);
}

/*
 * The memory floor: ns per dependent load at random 64-byte lines of a buffer of
 * `bytes` (one random cycle through all lines). Any in-memory structure holding the
 * 10^6 extents is at least this big, so a random lookup in it pays at least one such
 * load on top of what a cache-resident lookup costs.
 */
static double bench_iext_load_ns(size_t bytes)
{
	size_t lines = bytes / 64, i, cur = 0, steps = 1u << 22;
	size_t *buf = calloc(lines, 64), *perm = calloc(lines, sizeof(*perm));
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	double t0, t;

	if (!buf || !perm || !rng || lines < 2)
		bench_iext_fail("out of memory", lines);
	gsl_rng_set(rng, BENCH_IEXT_SEED);
	for (i = 0; i < lines; i++)
		perm[i] = i;
	for (i = lines - 1; i > 0; i--) {
		size_t j = gsl_rng_uniform_int(rng, (unsigned long)(i + 1)), tmp = perm[i];

		perm[i] = perm[j];
		perm[j] = tmp;
	}
	for (i = 0; i < lines; i++)
		buf[perm[i] * 8] = perm[(i + 1) % lines] * 8;
	t0 = bench_now_ns();
	for (i = 0; i < steps; i++)
		cur = buf[cur];
	t = bench_now_ns() - t0;
	if (cur >= lines * 8)
		bench_iext_fail("pointer chase left the buffer", lines);
	gsl_rng_free(rng);
	free(perm);
	free(buf);
	return t / (double)steps;
}

static void bench_iext_ratio(const char *op, double small_ns, double large_ns)
{
	double ratio = large_ns / small_ns;

	printf("iext %s ratio 1e6/1e3: %.2f (target <= %.1f)%s\n", op, ratio, BENCH_IEXT_RATIO,
	       ratio <= BENCH_IEXT_RATIO ? "" : " MISSED");
}

void bench_iext(void)
{
	static const uint64_t sizes[] = {1000, 100000, 1000000};
	struct bench_iext_result res[3];
	const struct bench_iext_result *big = &res[2];
	size_t i;

	printf("iext: 1-block records, 1-block holes; insert/remove include their lookup; "
	       "best of %d rounds of %u ops\n",
	       BENCH_IEXT_ROUNDS, BENCH_IEXT_OPS);
	for (i = 0; i < 3; i++) {
		unsigned long long n = (unsigned long long)sizes[i];

		bench_iext_size(sizes[i], &res[i]);
		printf("iext append n=%llu: %.1f ns/op\n", n, res[i].append_ns);
		printf("iext insert n=%llu: %.1f ns/op\n", n, res[i].insert_ns);
		printf("iext lookup n=%llu: %.1f ns/op\n", n, res[i].lookup_ns);
		printf("iext remove n=%llu: %.1f ns/op\n", n, res[i].remove_ns);
		printf("iext lookup-hot n=%llu: %.1f ns/op\n", n, res[i].hot_lookup_ns);
		fflush(stdout);
	}
	bench_iext_ratio("insert", res[0].insert_ns, big->insert_ns);
	bench_iext_ratio("lookup", res[0].lookup_ns, big->lookup_ns);
	bench_iext_ratio("remove", res[0].remove_ns, big->remove_ns);
	bench_iext_ratio("lookup-hot", res[0].hot_lookup_ns, big->hot_lookup_ns);
	printf("iext mem n=%llu: %.2f bytes/extent appended, %.2f bytes/extent after churn\n",
	       (unsigned long long)big->n, (double)big->mem_appended_bytes / (double)big->n,
	       (double)big->mem_churned_bytes / (double)(big->n + big->n / 10));
	{
		/* the least any structure of the appended tree's size could do */
		double load = bench_iext_load_ns(big->mem_appended_bytes);

		printf("iext memory floor: %.1f ns per random load in %.1f MB (the appended "
		       "1e6 tree's size); lookup ratio floor (lookup 1e3 + load) / lookup 1e3: "
		       "%.2f\n",
		       load, (double)big->mem_appended_bytes / 1e6,
		       (res[0].lookup_ns + load) / res[0].lookup_ns);
	}
}
