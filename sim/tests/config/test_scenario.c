/*
 * Scenarios (config/scenario.h) from the fixtures in sim/tests/config/data/ (run from
 * the top of the tree): defaults, kernel presets under explicit keys, the exact error
 * line of every error class, overrides, and the param round trip. Device files come
 * from a private temporary directory; cost files from configs/cpu (test_cpu_file.c).
 */
#include "config/cpu_file.h"
#include "config/scenario.h"
#include "config/scenario_keys.h"
#include "tests/testhelp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define D	   "sim/tests/config/data/"
#define MAX_PARAMS 512

#define ACTOR_KEYS                                                                             \
	"kind, jobs, offset, size, bs, stride, pattern, ops, think, fail_rate, prefault, op, " \
	"sync, start, process, source, source_offset, dest, dest_offset"
#define GLOBAL_KEYS                                                                        \
	"kernel, punch, fault_end, validity, dirty_tracking, write_lock, fault_lock, "     \
	"zero_range, fs_size, block_size, file_size, prefill, device, cpu, memory, seed, " \
	"time_limit"
#define DIST_ACC                                                                                   \
	"const(T), uniform(A, B), exp(MEAN), normal(MEAN, SD), lognormal(MEAN, CV), gamma(MEAN, "  \
	"CV); times with ns, us, ms, s, 0..1e9 s (MEAN above 0 but normal's, SD above 0, A < B); " \
	"CV 1e-6..10"

/* The temporary devices directories: one with hdd.ini and nvme.ini, one empty. */
static char devdir[64], emptydir[64];

static void remove_devdirs(void);

/* Make the directories once per process, whichever suite runs first. */
static int make_devdirs(void)
{
	static int made;
	char path[128];
	FILE *f;
	int i;

	if (made)
		return 0;
	made = 1;
	atexit(remove_devdirs);
	snprintf(devdir, sizeof(devdir), "/tmp/wpsim-devs-XXXXXX");
	snprintf(emptydir, sizeof(emptydir), "/tmp/wpsim-nodevs-XXXXXX");
	if (!mkdtemp(devdir) || !mkdtemp(emptydir))
		return -1;
	/* valid device files (scenario loading also loads the device): the shipped ones */
	for (i = 0; i < 2; i++) {
		FILE *in;
		char line[512];

		snprintf(path, sizeof(path), "configs/devices/%s.ini", i ? "nvme" : "hdd");
		in = fopen(path, "r");
		snprintf(path, sizeof(path), "%s/%s.ini", devdir, i ? "nvme" : "hdd");
		f = fopen(path, "w");
		if (!f || !in)
			return -1;
		while (fgets(line, sizeof(line), in))
			fputs(line, f);
		fclose(in);
		fclose(f);
	}
	return 0;
}

static void remove_devdirs(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/hdd.ini", devdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/nvme.ini", devdir);
	unlink(path);
	rmdir(devdir);
	rmdir(emptydir);
}

static struct xs_scenario *scn_alloc(void)
{
	return calloc(1, sizeof(struct xs_scenario));
}

/* Load a fixture that must fail with exactly want (DEVDIR in want: the devices dir). */
static void expect_error(const char *file, const struct xs_override *ov, int nov, int want_rc,
			 const char *want)
{
	struct xs_scenario *sc = scn_alloc();
	char err[1024], exp[1024], descr[1200];
	const char *dd = strstr(want, "DEVDIR");
	int rc;

	if (dd)
		snprintf(exp, sizeof(exp), "%.*s%s%s", (int)(dd - want), want, devdir, dd + 6);
	else
		snprintf(exp, sizeof(exp), "%s", want);
	rc = xs_scenario_load(file, ov, nov, devdir, sc, err, sizeof(err));
	snprintf(descr, sizeof(descr), "%s%s%s -> %s", file, nov ? " " : "",
		 nov ? ov[nov - 1].key : "", exp);
	test_cond(descr, rc == want_rc && strcmp(err, exp) == 0);
	if (rc != want_rc || strcmp(err, exp) != 0)
		printf("    got %d: %s\n", rc, err);
	free(sc);
}

static struct xs_scenario *load_ok(const char *file, const struct xs_override *ov, int nov)
{
	struct xs_scenario *sc = scn_alloc();
	char err[1024], descr[256];
	int rc = xs_scenario_load(file, ov, nov, devdir, sc, err, sizeof(err));

	snprintf(descr, sizeof(descr), "%s loads", file);
	test_cond(descr, rc == 0);
	if (rc)
		printf("    got %d: %s\n", rc, err);
	return sc;
}

static const struct xs_actor_group *group(const struct xs_scenario *sc, const char *name)
{
	int i;

	for (i = 0; i < sc->ngroups; i++)
		if (strcmp(sc->groups[i].name, name) == 0)
			return &sc->groups[i];
	return NULL;
}

static int dist_is(const struct xs_dist *d, enum xs_dist_kind kind, double a, double b)
{
	return d->kind == kind && d->a == a && d->b == b;
}

XS_TEST_SUITE(scenario_defaults)
{
	struct xs_scenario *sc;
	const struct xs_actor_group *g;
	char path[128];

	test_cond("temporary devices directory", make_devdirs() == 0);
	sc = load_ok(D "ok-minimal.ini", NULL, 0);
	snprintf(path, sizeof(path), "%s/nvme.ini", devdir);
	test_cond("path kept", strcmp(sc->path, D "ok-minimal.ini") == 0);
	test_cond("kernel defaults to 6.18, the running kernel", strcmp(sc->kernel, "6.18") == 0);
	test_cond("6.18 policy: punch-clean, no fault_end, validity, block dirty, excl, "
		  "invalidate-shared, partial-eof zeroing",
		  sc->policy.punch == XS_PUNCH_CLEAN && !sc->policy.fault_end &&
			  sc->policy.validity && sc->policy.block_dirty &&
			  sc->policy.write_lock == XS_WRITE_LOCK_EXCL &&
			  sc->policy.fault_lock == XS_FAULT_LOCK_INVALIDATE_SHARED &&
			  sc->policy.zero_range == XS_ZERO_PARTIAL_EOF);
	test_cond("fs_size 1g, block 4096, file_size 0, prefill none",
		  sc->fs_bytes == 1ULL << 30 && sc->block_bytes == 4096 && sc->file_bytes == 0 &&
			  sc->prefill == XS_PREFILL_NONE);
	test_cond("device nvme, found in the devices dir",
		  strcmp(sc->device, "nvme") == 0 && strcmp(sc->device_path, path) == 0);
	test_cond("memory 1g, seed 1, time_limit 3600 s",
		  sc->memory_bytes == 1ULL << 30 && sc->seed == 1 && sc->time_limit_s == 3600);
	test_cond("writeback 5 s / 30 s / 10 / 20",
		  sc->wb_interval_s == 5 && sc->wb_expire_s == 30 &&
			  sc->wb_background_ratio == 10 && sc->wb_dirty_ratio == 20);
	test_cond("reclaim 100 ms, blockgc 300 s",
		  sc->reclaim_interval_s == 0.1 && sc->blockgc_period_s == 300);
	test_cond("cpu: the default cost file is named", strcmp(sc->cpu_name, "linux-6.18") == 0);
	{
		struct xs_cpu_costs file;
		char err[512];

		test_cond("cpu defaults: those of configs/cpu/linux-6.18.ini",
			  xs_cpu_file_load("configs/cpu/linux-6.18.ini", &file, err, sizeof(err)) ==
					  0 &&
				  memcmp(&file, &sc->cpu, sizeof(file)) == 0);
	}
	g = group(sc, "w");
	test_cond("one group w, a writer", sc->ngroups == 1 && g && g->kind == XS_ACTOR_WRITER);
	test_cond("group defaults: 1 job, offset 0, bs 4k, stride = bs, seq, ops 0",
		  g && g->jobs == 1 && g->offset_bytes == 0 && g->size_bytes == 1 << 20 &&
			  g->bs_bytes == 4096 && g->stride_bytes == 4096 &&
			  g->pattern == XS_PATTERN_SEQ && g->ops == 0);
	test_cond("group defaults: think const(0), fail_rate 0, no prefault, truncate, start 0",
		  g && dist_is(&g->think, XS_DIST_CONST, 0, 0) && g->fail_rate == 0 &&
			  !g->prefault_read && g->trunc_op == XS_TRUNC_TRUNCATE && g->start_s == 0);
	free(sc);

	sc = load_ok(D "ok-346.ini", NULL, 0);
	g = group(sc, "pwriter");
	test_cond("generic/346: pwriter offset 1024, bs 8, stride 4k, size 16m, fail 0.05",
		  g && g->offset_bytes == 1024 && g->bs_bytes == 8 && g->stride_bytes == 4096 &&
			  g->size_bytes == 16 << 20 && g->fail_rate == 0.05);
	g = group(sc, "mmapper");
	test_cond("generic/346: mmapper is a faulter at 3072",
		  g && g->kind == XS_ACTOR_FAULTER && g->offset_bytes == 3072 &&
			  g->size_bytes == 16 << 20 && sc->ngroups == 2 &&
			  strcmp(sc->groups[0].name, "pwriter") == 0);
	free(sc);
}

XS_TEST_SUITE(scenario_full)
{
	struct xs_scenario *sc;
	const struct xs_actor_group *g;

	make_devdirs();
	sc = load_ok(D "ok-full.ini", NULL, 0);

	test_cond("kernel 6.6 under explicit punch, dirty_tracking, write_lock, fault_lock",
		  strcmp(sc->kernel, "6.6") == 0 && sc->policy.punch == XS_PUNCH_NONE &&
			  !sc->policy.fault_end && sc->policy.validity && !sc->policy.block_dirty &&
			  sc->policy.write_lock == XS_WRITE_LOCK_SHARED &&
			  sc->policy.fault_lock == XS_FAULT_LOCK_IOLOCK_EXCL);
	test_cond("global sizes, suffixes in either case",
		  sc->fs_bytes == 2ULL << 30 && sc->block_bytes == 1024 &&
			  sc->file_bytes == 64 << 20 && sc->memory_bytes == 256 << 20 &&
			  sc->prefill == XS_PREFILL_DIRTY);
	test_cond("device hdd, seed 2^63-1, time_limit 90ms",
		  strcmp(sc->device, "hdd") == 0 && sc->seed == 9223372036854775807ULL &&
			  sc->time_limit_s == 0.09);
	test_cond("five groups in file order", sc->ngroups == 5 &&
						       strcmp(sc->groups[0].name, "writers") == 0 &&
						       strcmp(sc->groups[4].name, "sync") == 0);
	g = group(sc, "writers");
	test_cond("writers: every key", g && g->jobs == 4 && g->offset_bytes == 4096 &&
						g->size_bytes == 1 << 20 && g->bs_bytes == 65536 &&
						g->stride_bytes == 131072 &&
						g->pattern == XS_PATTERN_RAND && g->ops == 1000 &&
						dist_is(&g->think, XS_DIST_EXP, 1e-5, 0) &&
						g->fail_rate == 0.125 && g->start_s == 0.0015);
	g = group(sc, "faulters");
	test_cond("faulters (indented keys): prefault read, size to EOF",
		  g && g->kind == XS_ACTOR_FAULTER && g->prefault_read &&
			  g->offset_bytes == 63 << 20 && g->size_bytes == 1 << 20 &&
			  dist_is(&g->think, XS_DIST_UNIFORM, 1e-6, 2e-6));
	g = group(sc, "readers");
	test_cond("readers: normal think", g && g->kind == XS_ACTOR_READER &&
						   g->size_bytes == 32 << 20 &&
						   dist_is(&g->think, XS_DIST_NORMAL, 5e-6, 1e-6));
	g = group(sc, "punchers");
	test_cond("punchers: fpunch, gamma think",
		  g && g->kind == XS_ACTOR_TRUNCATOR && g->trunc_op == XS_TRUNC_FPUNCH &&
			  g->bs_bytes == 1 << 20 && dist_is(&g->think, XS_DIST_GAMMA, 1e-3, 0.5));
	g = group(sc, "sync");
	test_cond("sync: size = file_size, const think",
		  g && g->kind == XS_ACTOR_SYNCER && g->size_bytes == 64 << 20 &&
			  dist_is(&g->think, XS_DIST_CONST, 0.25, 0));
	test_cond("writeback, reclaim, blockgc",
		  sc->wb_interval_s == 1 && sc->wb_expire_s == 0 && sc->wb_background_ratio == 5 &&
			  sc->wb_dirty_ratio == 5 && sc->reclaim_interval_s == 0.01 &&
			  sc->blockgc_period_s == 0.001);
	{
		struct xs_cpu_costs file;
		char err[512];

		test_assert(xs_cpu_file_load("configs/cpu/linux-6.18.ini", &file, err,
					     sizeof(err)) == 0);
		test_cond("cpu: given keys set, the others the cost file's",
			  dist_is(&sc->cpu.syscall, XS_DIST_CONST, 1e-6, 0) &&
				  dist_is(&sc->cpu.lock, XS_DIST_LOGNORMAL, 20e-9, 1) &&
				  memcmp(&sc->cpu.fault, &file.fault, sizeof(file.fault)) == 0);
	}
	free(sc);
}

XS_TEST_SUITE(scenario_presets)
{
	static const struct {
		const char *kernel;
		enum xs_punch_policy punch;
		bool fault_end, validity, block_dirty;
		enum xs_zero_range_mode zero_range;
	} presets[] = {
		{"6.1", XS_PUNCH_TRUNCATE, true, false, false, XS_ZERO_FLUSH},
		{"6.2", XS_PUNCH_CLEAN, false, true, false, XS_ZERO_FLUSH},
		{"6.6", XS_PUNCH_CLEAN, false, true, true, XS_ZERO_FLUSH},
		{"6.13", XS_PUNCH_CLEAN, false, true, true, XS_ZERO_PARTIAL_EOF},
		{"6.18", XS_PUNCH_CLEAN, false, true, true, XS_ZERO_PARTIAL_EOF},
	};
	struct xs_override ov[4];
	struct xs_scenario *sc;
	char descr[128];
	size_t i;

	make_devdirs();
	for (i = 0; i < sizeof(presets) / sizeof(presets[0]); i++) {
		ov[0] = (struct xs_override){"global", "kernel", presets[i].kernel};
		sc = load_ok(D "ok-minimal.ini", ov, 1);
		snprintf(descr, sizeof(descr), "kernel %s sets its preset", presets[i].kernel);
		test_cond(descr, strcmp(sc->kernel, presets[i].kernel) == 0 &&
					 sc->policy.punch == presets[i].punch &&
					 sc->policy.fault_end == presets[i].fault_end &&
					 sc->policy.validity == presets[i].validity &&
					 sc->policy.block_dirty == presets[i].block_dirty &&
					 sc->policy.write_lock == XS_WRITE_LOCK_EXCL &&
					 sc->policy.fault_lock == XS_FAULT_LOCK_INVALIDATE_SHARED &&
					 sc->policy.zero_range == presets[i].zero_range);
		free(sc);

		/* An explicit key wins, whichever comes first. */
		ov[0] = (struct xs_override){"global", "punch", "locked-truncate-punch"};
		ov[1] = (struct xs_override){"global", "kernel", presets[i].kernel};
		ov[2] = (struct xs_override){"global", "validity",
					     presets[i].validity ? "off" : "on"};
		ov[3] = (struct xs_override){"global", "zero_range",
					     presets[i].zero_range == XS_ZERO_FLUSH ? "partial-eof"
										    : "flush"};
		sc = load_ok(D "ok-minimal.ini", ov, 4);
		snprintf(descr, sizeof(descr),
			 "kernel %s under explicit punch, validity and zero_range",
			 presets[i].kernel);
		test_cond(descr, sc->policy.punch == XS_PUNCH_LOCKED_TRUNCATE &&
					 sc->policy.validity == !presets[i].validity &&
					 sc->policy.zero_range != presets[i].zero_range &&
					 sc->policy.fault_end == presets[i].fault_end &&
					 sc->policy.block_dirty == presets[i].block_dirty);
		free(sc);
	}
	{
		const struct xs_kt_val *v =
			xs_scn_keys[xs_keytab_find(xs_scn_keys, XS_SCN_NKEYS, SEC_GLOBAL, "kernel")]
				.vals;
		bool same = true;

		for (i = 0; v[i].name || xs_policy_preset_name(i); i++)
			same = same && v[i].name && xs_policy_preset_name(i) &&
			       strcmp(v[i].name, xs_policy_preset_name(i)) == 0;
		test_cond("global.kernel accepts exactly the presets of the core, in order", same);
	}
	/* ok-full says kernel = 6.6 after punch = no-punch; -s global.kernel=6.1 keeps
	 * the file's explicit keys and takes the rest from 6.1. */
	ov[0] = (struct xs_override){"global", "kernel", "6.1"};
	sc = load_ok(D "ok-full.ini", ov, 1);
	test_cond("-s global.kernel=6.1 over a file with explicit keys",
		  sc->policy.punch == XS_PUNCH_NONE && sc->policy.fault_end &&
			  !sc->policy.validity && !sc->policy.block_dirty &&
			  sc->policy.write_lock == XS_WRITE_LOCK_SHARED);
	free(sc);
}

XS_TEST_SUITE(scenario_errors)
{
	make_devdirs();
	expect_error(D "nonexistent.ini", NULL, 0, -ENOENT,
		     D "nonexistent.ini: No such file or directory");
	expect_error(D "bad-empty.ini", NULL, 0, -EINVAL,
		     D "bad-empty.ini: empty scenario (accepted: a [global] section and one "
		       "section per actor group)");
	expect_error(D "bad-comments.ini", NULL, 0, -EINVAL,
		     D "bad-comments.ini: empty scenario (accepted: a [global] section and one "
		       "section per actor group)");
	expect_error(D "bad-no-actor.ini", NULL, 0, -EINVAL,
		     D "bad-no-actor.ini: no actor section (accepted: at least one [NAME] section "
		       "with kind = writer, faulter, reader, truncator, syncer or mapper)");
	expect_error(D "bad-unknown-key.ini", NULL, 0, -EINVAL,
		     D "bad-unknown-key.ini:5: colour = red: unknown key in actor section [w] "
		       "(accepted: " ACTOR_KEYS ")");
	expect_error(D "bad-unknown-global.ini", NULL, 0, -EINVAL,
		     D "bad-unknown-global.ini:3: fs_sise = 1g: unknown key in [global] "
		       "(accepted: " GLOBAL_KEYS ")");
	expect_error(D "bad-cpu-key.ini", NULL, 0, -EINVAL,
		     D "bad-cpu-key.ini:5: memcpy = 1us: unknown key in [cpu] (accepted: syscall, "
		       "iomap_begin, iomap_end, folio, folio_alloc, zero_4k, copy_4k, fault, "
		       "fault_wp, page_mkwrite, punch, wb_folio, lock, fault_in, mmap_lock, "
		       "pte_zap, punch_folio)");
	expect_error(D "bad-malformed.ini", NULL, 0, -EINVAL,
		     D "bad-malformed.ini:6: bs = 8q: not a size (accepted: 1..64m bytes, "
		       "suffixes k, m, g, t)");
	expect_error(D "bad-range.ini", NULL, 0, -EINVAL,
		     D "bad-range.ini:4: jobs = 0: out of range (accepted: 1..256)");
	expect_error(D "bad-fs-size.ini", NULL, 0, -EINVAL,
		     D "bad-fs-size.ini:2: fs_size = 100m: out of range (accepted: 300m..4t bytes, "
		       "suffixes k, m, g, t)");
	expect_error(D "bad-enum.ini", NULL, 0, -EINVAL,
		     D "bad-enum.ini:2: kernel = 5.15: unknown value (accepted: 6.1, 6.2, 6.6, "
		       "6.13, 6.18)");
	expect_error(D "bad-time.ini", NULL, 0, -EINVAL,
		     D "bad-time.ini:2: time_limit = 0: out of range (accepted: a time > 0, "
		       "suffixes ns, us, ms, s (bare: s))");
	expect_error(D "bad-dist.ini", NULL, 0, -EINVAL,
		     D
		     "bad-dist.ini:4: think = exp(-1ms): negative time '-1ms' (accepted: " DIST_ACC
		     ")");
	expect_error(D "bad-dup-key.ini", NULL, 0, -EINVAL,
		     D "bad-dup-key.ini:5: bs = 8k: duplicated key, first at line 4 (accepted: "
		       "each key once per section)");
	expect_error(D "bad-dup-section.ini", NULL, 0, -EINVAL,
		     D "bad-dup-section.ini:7: [w]: section given twice, first at line 1 "
		       "(accepted: each section once)");
	expect_error(D "bad-section-name.ini", NULL, 0, -EINVAL,
		     D "bad-section-name.ini:1: [a.b]: bad section name (accepted: letters, "
		       "digits, '_', '-', at most 63 characters)");
	expect_error(D "bad-too-many.ini", NULL, 0, -EINVAL,
		     D "bad-too-many.ini:49: [g17]: too many actor groups (accepted: at most 16)");
	expect_error(D "bad-syntax.ini", NULL, 0, -EINVAL,
		     D "bad-syntax.ini:4: syntax error (accepted: [section], key = value, comments "
		       "after ; or #)");
	expect_error(D "bad-syntax-late.ini", NULL, 0, -EINVAL,
		     D "bad-syntax-late.ini:3: colour = red: unknown key in actor section [w] "
		       "(accepted: " ACTOR_KEYS ")");
	expect_error(D "bad-outside.ini", NULL, 0, -EINVAL,
		     D "bad-outside.ini:1: seed = 3: key outside any section (accepted: keys after "
		       "a [section] line)");
	expect_error(D "bad-long-line.ini", NULL, 0, -EINVAL,
		     D "bad-long-line.ini:4: line longer than 198 characters (accepted: shorter "
		       "lines)");
	expect_error(D "bad-no-kind.ini", NULL, 0, -EINVAL,
		     D "bad-no-kind.ini:5: [lazy]: no kind given (accepted: kind = writer, "
		       "faulter, reader, truncator, syncer, mapper)");
	expect_error(D "bad-kind-key.ini", NULL, 0, -EINVAL,
		     D "bad-kind-key.ini:4: fail_rate = 0.5: not a key of a faulter (accepted: "
		       "kind, jobs, offset, size, bs, stride, pattern, ops, think, prefault, "
		       "start, process)");
	expect_error(D "bad-faulter-offset.ini", NULL, 0, -EINVAL,
		     D "bad-faulter-offset.ini:5: offset = 16m: offset beyond the file for a "
		       "faulter (accepted: 0..16777215, inside file_size)");
	expect_error(D "bad-faulter-empty.ini", NULL, 0, -EINVAL,
		     D "bad-faulter-empty.ini:1: offset = 0 (default): offset beyond the file for "
		       "a faulter (accepted: none while file_size = 0)");
	expect_error(D "bad-beyond-fs.ini", NULL, 0, -EINVAL,
		     D "bad-beyond-fs.ini:3: offset = 1g: offset beyond the filesystem (accepted: "
		       "0..1073741823, inside fs_size)");
	expect_error(D "bad-size-fs.ini", NULL, 0, -EINVAL,
		     D "bad-size-fs.ini:4: size = 2m: offset + size beyond the filesystem "
		       "(accepted: 1..1m = fs_size - offset)");
	expect_error(D "bad-bs-size.ini", NULL, 0, -EINVAL,
		     D "bad-bs-size.ini:1: bs = 4096 (default): larger than size (accepted: 1..1k "
		       "= size)");
	expect_error(D "bad-size-default.ini", NULL, 0, -EINVAL,
		     D "bad-size-default.ini:1: size = 0 (default): the default, file_size - "
		       "offset, is empty: give a size (accepted: 1..1g = fs_size - offset)");
	expect_error(D "bad-device.ini", NULL, 0, -EINVAL,
		     D "bad-device.ini:2: device = floppy: no such device file DEVDIR/floppy.ini "
		       "(accepted: hdd, nvme)");
	expect_error(D "bad-file-size.ini", NULL, 0, -EINVAL,
		     D "bad-file-size.ini:3: file_size = 1g: larger than the filesystem (accepted: "
		       "0..fs_size = 536870912)");
	expect_error(D "bad-fs-blocks.ini", NULL, 0, -EINVAL,
		     D "bad-fs-blocks.ini:2: fs_size = 314573313: not a whole number of blocks "
		       "(accepted: a multiple of block_size = 4096)");
	expect_error(D "bad-dirty-ratio.ini", NULL, 0, -EINVAL,
		     D "bad-dirty-ratio.ini:4: dirty_ratio = 20 (default): below background_ratio "
		       "(accepted: background_ratio = 30..100)");
	{
		/* The default device must exist too. */
		struct xs_scenario *sc = scn_alloc();
		char err[512], want[512];

		snprintf(want, sizeof(want),
			 D "ok-minimal.ini: device = nvme (default): no such device file "
			   "%s/nvme.ini (accepted: none found in %s)",
			 emptydir, emptydir);
		test_cond("a missing default device file is an error naming it",
			  xs_scenario_load(D "ok-minimal.ini", NULL, 0, emptydir, sc, err,
					   sizeof(err)) == -EINVAL &&
				  strcmp(err, want) == 0);
		free(sc);
	}
}

XS_TEST_SUITE(scenario_overrides)
{
	struct xs_override ov[4];
	struct xs_scenario *sc;
	const struct xs_actor_group *g;

	make_devdirs();
	ov[0] = (struct xs_override){"w", "size", "2m"};
	ov[1] = (struct xs_override){"writeback", "dirty_ratio", "40"};
	ov[2] = (struct xs_override){"cpu", "lock", "exp(1us)"};
	ov[3] = (struct xs_override){"w", "size", "3m"};
	sc = load_ok(D "ok-minimal.ini", ov, 4);
	g = group(sc, "w");
	test_cond("an override replaces a file key; the last override wins",
		  g && g->size_bytes == 3 << 20);
	test_cond("overrides may name [writeback] and [cpu], absent from the file",
		  sc->wb_dirty_ratio == 40 && dist_is(&sc->cpu.lock, XS_DIST_EXP, 1e-6, 0));
	free(sc);

	ov[0] = (struct xs_override){"w", "kind", "faulter"};
	ov[1] = (struct xs_override){"global", "file_size", "4m"};
	ov[2] = (struct xs_override){"w", "prefault", "read"};
	sc = load_ok(D "ok-minimal.ini", ov, 3);
	g = group(sc, "w");
	test_cond("an override may change a group's kind and add its keys",
		  g && g->kind == XS_ACTOR_FAULTER && g->prefault_read &&
			  sc->file_bytes == 4 << 20);
	free(sc);

	ov[0] = (struct xs_override){"w", "bs", "8q"};
	expect_error(D "ok-minimal.ini", ov, 1, -EINVAL,
		     "-s w.bs=8q: not a size (accepted: 1..64m bytes, suffixes k, m, g, t)");
	ov[0] = (struct xs_override){"nosuch", "bs", "4k"};
	expect_error(D "ok-minimal.ini", ov, 1, -EINVAL,
		     "-s nosuch.bs=4k: no section [nosuch] in " D "ok-minimal.ini (accepted: "
		     "global, writeback, reclaim, blockgc, cpu, w)");
	ov[0] = (struct xs_override){"global", "colour", "red"};
	expect_error(D "ok-minimal.ini", ov, 1, -EINVAL,
		     "-s global.colour=red: unknown key in [global] (accepted: " GLOBAL_KEYS ")");
	ov[0] = (struct xs_override){"global", "file_size", "2g"};
	expect_error(D "ok-minimal.ini", ov, 1, -EINVAL,
		     "-s global.file_size=2g: larger than the filesystem (accepted: 0..fs_size = "
		     "1073741824)");
	ov[0] = (struct xs_override){"w", "prefault", "read"};
	expect_error(D "ok-minimal.ini", ov, 1, -EINVAL,
		     "-s w.prefault=read: not a key of a writer (accepted: kind, jobs, offset, "
		     "size, bs, stride, pattern, ops, think, fail_rate, start, process, source, "
		     "source_offset)");
	/* the mm's keys: an op of the other kind, an offset into a buffer that is not a
	 * mapping */
	ov[0] = (struct xs_override){"w", "kind", "mapper"};
	ov[1] = (struct xs_override){"w", "op", "fzero"};
	expect_error(D "ok-minimal.ini", ov, 2, -EINVAL,
		     "-s w.op=fzero: not an op of a mapper (accepted: remap, mprotect)");
	ov[0] = (struct xs_override){"w", "kind", "truncator"};
	ov[1] = (struct xs_override){"w", "op", "mprotect"};
	expect_error(D "ok-minimal.ini", ov, 2, -EINVAL,
		     "-s w.op=mprotect: not an op of a truncator (accepted: truncate, fpunch, "
		     "fzero)");
	ov[0] = (struct xs_override){"w", "source_offset", "4k"};
	expect_error(D "ok-minimal.ini", ov, 1, -EINVAL,
		     "-s w.source_offset=4k: a source_offset for an anon source (accepted: 0, or "
		     "any with source = map)");
	ov[0] = (struct xs_override){"w", "source", "file"};
	expect_error(D "ok-minimal.ini", ov, 1, -EINVAL,
		     "-s w.source=file: unknown value (accepted: anon, map)");
	ov[0] = (struct xs_override){"w", "dest", "map"};
	expect_error(
		D "ok-minimal.ini", ov, 1, -EINVAL,
		"-s w.dest=map: not a key of a writer (accepted: kind, jobs, offset, size, bs, "
		"stride, pattern, ops, think, fail_rate, start, process, source, "
		"source_offset)");
	ov[0] = (struct xs_override){"global", "device", "../x"};
	expect_error(D "ok-minimal.ini", ov, 1, -EINVAL,
		     "-s global.device=../x: bad name (accepted: letters, digits, '_', '-', '.')");
	ov[0] = (struct xs_override){"global", "kernel", NULL};
	expect_error(D "ok-minimal.ini", ov, 1, -EINVAL,
		     "-s: incomplete override (accepted: section.key=value)");
	/* A file error comes before any override. */
	ov[0] = (struct xs_override){"w", "jobs", "2"};
	expect_error(D "bad-range.ini", ov, 1, -EINVAL,
		     D "bad-range.ini:4: jobs = 0: out of range (accepted: 1..256)");
}

struct params {
	int n;
	char name[MAX_PARAMS][96];
	char value[MAX_PARAMS][128];
};

static void collect(void *arg, const char *name, const char *value)
{
	struct params *p = arg;

	if (p->n == MAX_PARAMS)
		return;
	snprintf(p->name[p->n], sizeof(p->name[0]), "%s", name);
	snprintf(p->value[p->n], sizeof(p->value[0]), "%s", value);
	p->n++;
}

static const char *param(const struct params *p, const char *name)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->name[i], name) == 0)
			return p->value[i];
	return NULL;
}

/* Split "section.key" of every param into overrides (sections hold no '.'). */
static int to_overrides(struct params *p, char sections[][96], struct xs_override *ov)
{
	int i;

	for (i = 0; i < p->n; i++) {
		char *dot;

		snprintf(sections[i], 96, "%s", p->name[i]);
		dot = strchr(sections[i], '.');
		if (!dot)
			return -1;
		*dot = '\0';
		ov[i] = (struct xs_override){sections[i], dot + 1, p->value[i]};
	}
	return 0;
}

/* Write every param as an INI file of its own, one section at a time. */
static int to_file(const struct params *p, const char *path)
{
	FILE *f = fopen(path, "w");
	char cur[96] = "";
	int i;

	if (!f)
		return -1;
	for (i = 0; i < p->n; i++) {
		const char *dot = strchr(p->name[i], '.');
		int len = (int)(dot - p->name[i]);

		if ((int)strlen(cur) != len || strncmp(cur, p->name[i], (size_t)len) != 0) {
			snprintf(cur, sizeof(cur), "%.*s", len, p->name[i]);
			fprintf(f, "[%s]\n", cur);
		}
		fprintf(f, "%s = %s\n", dot + 1, p->value[i]);
	}
	return fclose(f);
}

static void round_trip(const char *file)
{
	static struct params p, p2;
	static char sections[MAX_PARAMS][96];
	static struct xs_override ov[MAX_PARAMS];
	struct xs_scenario *sc = load_ok(file, NULL, 0), *sc2;
	char descr[256], tmp[128];
	int i, same;

	p.n = p2.n = 0;
	xs_scenario_foreach_param(sc, collect, &p);
	test_cond("params split into overrides", to_overrides(&p, sections, ov) == 0);
	sc2 = load_ok(file, ov, p.n);
	snprintf(descr, sizeof(descr), "%s: reloaded with its %d params as -s, identical", file,
		 p.n);
	test_cond(descr, memcmp(sc, sc2, sizeof(*sc)) == 0);
	xs_scenario_foreach_param(sc2, collect, &p2);
	same = p.n == p2.n;
	for (i = 0; same && i < p.n; i++)
		same = strcmp(p.name[i], p2.name[i]) == 0 && strcmp(p.value[i], p2.value[i]) == 0;
	snprintf(descr, sizeof(descr), "%s: the same params in the same order", file);
	test_cond(descr, same);
	free(sc2);

	/* The params written out as a scenario of their own load to the same struct. */
	snprintf(tmp, sizeof(tmp), "%s/roundtrip.ini", emptydir);
	test_cond("params written as a file", to_file(&p, tmp) == 0);
	sc2 = load_ok(tmp, NULL, 0);
	memcpy(sc2->path, sc->path, sizeof(sc->path));
	snprintf(descr, sizeof(descr), "%s: params as a file load identical", file);
	test_cond(descr, memcmp(sc, sc2, sizeof(*sc)) == 0);
	unlink(tmp);
	free(sc2);
	free(sc);
}

XS_TEST_SUITE(scenario_params)
{
	static struct params p;
	struct xs_scenario *sc;
	char syscall[64];

	make_devdirs();
	sc = load_ok(D "ok-346.ini", NULL, 0);

	p.n = 0;
	xs_scenario_foreach_param(sc, collect, &p);
	/* 17 global; 11 per writer or faulter of their own, plus process, and a writer's
	 * source and source_offset; 4 + 1 + 1 background; 17 cpu */
	test_cond("generic/346 has 66 params", p.n == 66);
	test_cond("order: global first, then groups in file order, then the background",
		  p.n == 66 && strcmp(p.name[0], "global.kernel") == 0 &&
			  strcmp(p.name[7], "global.zero_range") == 0 &&
			  strcmp(p.name[13], "global.cpu") == 0 &&
			  strcmp(p.name[16], "global.time_limit") == 0 &&
			  strcmp(p.name[17], "pwriter.kind") == 0 &&
			  strcmp(p.name[31], "mmapper.kind") == 0 &&
			  strcmp(p.name[43], "writeback.interval") == 0 &&
			  strcmp(p.name[47], "reclaim.interval") == 0 &&
			  strcmp(p.name[48], "blockgc.period") == 0 &&
			  strcmp(p.name[49], "cpu.syscall") == 0 &&
			  strcmp(p.name[61], "cpu.lock") == 0 &&
			  strcmp(p.name[64], "cpu.pte_zap") == 0 &&
			  strcmp(p.name[65], "cpu.punch_folio") == 0);
	test_cond("one process unless a group names another",
		  sc->nprocs == 1 && group(sc, "pwriter")->proc == 0 &&
			  group(sc, "mmapper")->proc == 0);
	{
		struct xs_override o2[2] = {{"mmapper", "process", "other"},
					    {"pwriter", "source", "map"}};
		struct xs_scenario *s2 = load_ok(D "ok-346.ini", o2, 2);

		test_cond("a second process name: two mms, the group numbered 1",
			  s2->nprocs == 2 && group(s2, "pwriter")->proc == 0 &&
				  group(s2, "mmapper")->proc == 1 &&
				  group(s2, "pwriter")->source_map);
		free(s2);
	}
	{
		struct xs_override o3[1] = {{"mmapper", "kind", "mapper"}};
		struct xs_scenario *s3 = load_ok(D "ok-346.ini", o3, 1);

		test_cond("a mapper's op defaults to remap",
			  group(s3, "mmapper")->trunc_op == XS_MAP_REMAP);
		free(s3);
	}
	test_cond("kind-specific keys only where they apply",
		  param(&p, "pwriter.fail_rate") && !param(&p, "pwriter.prefault") &&
			  !param(&p, "mmapper.fail_rate") && param(&p, "mmapper.prefault") &&
			  !param(&p, "mmapper.op"));
	test_cond("canonical values: policy names",
		  strcmp(param(&p, "global.kernel"), "6.1") == 0 &&
			  strcmp(param(&p, "global.punch"), "truncate-punch") == 0 &&
			  strcmp(param(&p, "global.fault_end"), "shared") == 0 &&
			  strcmp(param(&p, "global.validity"), "off") == 0 &&
			  strcmp(param(&p, "global.dirty_tracking"), "folio") == 0 &&
			  strcmp(param(&p, "global.write_lock"), "excl") == 0 &&
			  strcmp(param(&p, "global.fault_lock"), "invalidate-shared") == 0 &&
			  strcmp(param(&p, "global.zero_range"), "flush") == 0);
	test_cond("canonical values: sizes in bytes, times in seconds",
		  strcmp(param(&p, "global.fs_size"), "1073741824") == 0 &&
			  strcmp(param(&p, "global.file_size"), "16777216") == 0 &&
			  strcmp(param(&p, "pwriter.stride"), "4096") == 0 &&
			  strcmp(param(&p, "mmapper.stride"), "4096") == 0 &&
			  strcmp(param(&p, "global.time_limit"), "3600") == 0 &&
			  strcmp(param(&p, "reclaim.interval"), "0.1") == 0 &&
			  strcmp(param(&p, "global.device"), "nvme") == 0);
	{
		struct xs_cpu_costs file;
		char err[512];

		test_assert(xs_cpu_file_load("configs/cpu/linux-6.18.ini", &file, err,
					     sizeof(err)) == 0);
		xs_dist_format(&file.syscall, syscall, sizeof(syscall));
	}
	test_cond("canonical values: numbers and distributions",
		  strcmp(param(&p, "pwriter.fail_rate"), "0.05") == 0 &&
			  strcmp(param(&p, "pwriter.think"), "const(0)") == 0 &&
			  strcmp(param(&p, "mmapper.prefault"), "none") == 0 &&
			  strcmp(param(&p, "cpu.syscall"), syscall) == 0);
	free(sc);

	round_trip(D "ok-346.ini");
	round_trip(D "ok-minimal.ini");
	round_trip(D "ok-full.ini");
}
