/*
 * The scenario file's keys (scenario.h lists them by section): type, bounds, default
 * and the field each sets, for the key-table engine (keytab.h).
 *
 * The defaults of the [cpu] section, the simulated CPU cost of each kernel step, are
 * those of the cost file configs/cpu/linux-6.18.ini, measured on the running kernel by
 * `make kernel-calibrate` (docs/scenarios.md, "Cost files"); a scenario's global.cpu
 * names the cost file that replaces them, and the config tests check that this table
 * and that file agree. copy_4k and zero_4k are scaled by bytes / 4096 by the caller.
 *
 * Sizes keep the scenario files' limit of 31 characters (XS_UNITS_SHORT); times have
 * no upper bound.
 */
#include "config/scenario_keys.h"

#include "config/units.h"

#include <math.h>
#include <stddef.h>

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define TiB (1ULL << 40)

const char *const xs_scn_sec_names[XS_NSPECIAL] = {"global", "writeback", "reclaim", "blockgc",
						   "cpu"};

#define XS_FIELD(type, field, st) \
	.store = (st), .off = offsetof(type, field), .len = sizeof(((type *)0)->field)
#define SCN(f, st) .base = KB_SCN, XS_FIELD(struct xs_scenario, f, st)
#define POL(f, st) .base = KB_POLICY, XS_FIELD(struct xs_policy, f, st)
#define GRP(f, st) .base = KB_GROUP, XS_FIELD(struct xs_actor_group, f, st)
#define KEY(s, n, t, ...)                                          \
	{                                                          \
		.sect = (s), .name = (n), .type = (t), __VA_ARGS__ \
	}
#define SIZE	  .flags = XS_UNITS_SHORT, .unit = "bytes"
#define TIME	  .dmax = HUGE_VAL, .unit = "s"
#define PRESET	  .def_text = "the preset of global.kernel (wpsim help policy)"
#define DOC(text) .doc = (text)
#define CPU(f, d, text) \
	KEY(SEC_CPU, #f, XS_KT_DIST, SCN(cpu.f, XS_KS_DIST), .def = (d), .unit = "s", DOC(text))

static const struct xs_kt_val kernel_vals[] = {{"6.1", 0},  {"6.2", 0},	 {"6.6", 0},
					       {"6.13", 0}, {"6.18", 0}, {NULL, 0}};
static const struct xs_kt_val punch_vals[] = {{"truncate-punch", XS_PUNCH_TRUNCATE},
					      {"locked-truncate-punch", XS_PUNCH_LOCKED_TRUNCATE},
					      {"punch-clean", XS_PUNCH_CLEAN},
					      {"no-punch", XS_PUNCH_NONE},
					      {NULL, 0}};
static const struct xs_kt_val fault_end_vals[] = {{"shared", 1}, {"none", 0}, {NULL, 0}};
static const struct xs_kt_val validity_vals[] = {{"off", 0}, {"on", 1}, {NULL, 0}};
static const struct xs_kt_val dirty_vals[] = {{"folio", 0}, {"block", 1}, {NULL, 0}};
static const struct xs_kt_val write_lock_vals[] = {
	{"excl", XS_WRITE_LOCK_EXCL}, {"shared", XS_WRITE_LOCK_SHARED}, {NULL, 0}};
static const struct xs_kt_val fault_lock_vals[] = {
	{"invalidate-shared", XS_FAULT_LOCK_INVALIDATE_SHARED},
	{"iolock-excl", XS_FAULT_LOCK_IOLOCK_EXCL},
	{NULL, 0}};
static const struct xs_kt_val zero_range_vals[] = {
	{"flush", XS_ZERO_FLUSH}, {"partial-eof", XS_ZERO_PARTIAL_EOF}, {NULL, 0}};
static const struct xs_kt_val block_size_vals[] = {
	{"512", 512}, {"1024", 1024}, {"2048", 2048}, {"4096", 4096}, {NULL, 0}};
static const struct xs_kt_val prefill_vals[] = {{"none", XS_PREFILL_NONE},
						{"written", XS_PREFILL_WRITTEN},
						{"unwritten", XS_PREFILL_UNWRITTEN},
						{"dirty", XS_PREFILL_DIRTY},
						{NULL, 0}};
const struct xs_kt_val xs_scn_kind_vals[] = {{"writer", XS_ACTOR_WRITER},
					     {"faulter", XS_ACTOR_FAULTER},
					     {"reader", XS_ACTOR_READER},
					     {"truncator", XS_ACTOR_TRUNCATOR},
					     {"syncer", XS_ACTOR_SYNCER},
					     {"mapper", XS_ACTOR_MAPPER},
					     {NULL, 0}};
static const struct xs_kt_val pattern_vals[] = {
	{"seq", XS_PATTERN_SEQ}, {"rand", XS_PATTERN_RAND}, {NULL, 0}};
static const struct xs_kt_val prefault_vals[] = {{"read", 1}, {"none", 0}, {NULL, 0}};
static const struct xs_kt_val op_vals[] = {
	{"truncate", XS_TRUNC_TRUNCATE}, {"fpunch", XS_TRUNC_FPUNCH},	{"fzero", XS_TRUNC_FZERO},
	{"remap", XS_MAP_REMAP},	 {"mprotect", XS_MAP_MPROTECT}, {NULL, 0}};
static const struct xs_kt_val user_buf_vals[] = {{"anon", 0}, {"map", 1}, {NULL, 0}};
static const struct xs_kt_val sync_vals[] = {{"fsync", 0}, {"range", 1}, {NULL, 0}};

/*
 * Every key. Within a section, the order here is the order of the param listing.
 * Policy keys have no default of their own: the kernel preset provides it.
 */
const struct xs_kt_key xs_scn_keys[XS_SCN_NKEYS] = {
	/* [global] */
	KEY(SEC_GLOBAL, "kernel", XS_KT_ENUM, SCN(kernel, XS_KS_STR), .vals = kernel_vals,
	    .def = XS_KERNEL_DEFAULT,
	    DOC("the kernel release whose preset gives the policy keys below (punch ... "
		"zero_range) their defaults")),
	KEY(SEC_GLOBAL, "punch", XS_KT_ENUM, PRESET, POL(punch, XS_KS_INT), .vals = punch_vals,
	    DOC("what a failed buffered write does with the new delalloc it reserved: "
		"truncate-punch (6.1 and earlier), locked-truncate-punch (198dd8aedee6 alone), "
		"punch-clean (6.2 and later), no-punch (never punch: the reservation leaks)")),
	KEY(SEC_GLOBAL, "fault_end", XS_KT_ENUM, PRESET, POL(fault_end, XS_KS_BOOL),
	    .vals = fault_end_vals,
	    DOC("whether write faults run the write path's iomap_end: shared (6.1 and earlier), "
		"none (6.2 and later)")),
	KEY(SEC_GLOBAL, "validity", XS_KT_ENUM, PRESET, POL(validity, XS_KS_BOOL),
	    .vals = validity_vals,
	    DOC("the iomap validity cookie checked after locking each folio: off (6.1 and "
		"earlier), on (6.2 and later)")),
	KEY(SEC_GLOBAL, "dirty_tracking", XS_KT_ENUM, PRESET, POL(block_dirty, XS_KS_BOOL),
	    .vals = dirty_vals,
	    DOC("dirty state per folio (before 6.6) or per block inside a folio (6.6 and later)")),
	KEY(SEC_GLOBAL, "write_lock", XS_KT_ENUM, PRESET, POL(write_lock, XS_KS_INT),
	    .vals = write_lock_vals,
	    DOC("i_rwsem mode of a buffered write(): excl (the kernel), shared (a "
		"concurrent-writes proposal)")),
	KEY(SEC_GLOBAL, "fault_lock", XS_KT_ENUM, PRESET, POL(fault_lock, XS_KS_INT),
	    .vals = fault_lock_vals,
	    DOC("what a write fault holds: invalidate-shared (the kernel), iolock-excl (a "
		"serialising alternative)")),
	KEY(SEC_GLOBAL, "zero_range", XS_KT_ENUM, PRESET, POL(zero_range, XS_KS_INT),
	    .vals = zero_range_vals,
	    DOC("how zeroing treats dirty page cache over unwritten blocks: flush (write it back "
		"first; 6.12, and the stand-in for earlier releases), partial-eof (6.13 and later: "
		"a dirty unaligned first block is zeroed in the page cache)")),
	KEY(SEC_GLOBAL, "fs_size", XS_KT_SIZE, SIZE, SCN(fs_bytes, XS_KS_U64), .umin = 300 * MiB,
	    .umax = 4 * TiB, .def = "1g",
	    DOC("size of the modelled filesystem (mkfs.xfs geometry for that size)")),
	KEY(SEC_GLOBAL, "block_size", XS_KT_ENUM, .unit = "bytes", SCN(block_bytes, XS_KS_U32),
	    .vals = block_size_vals, .def = "4096", DOC("filesystem block size")),
	KEY(SEC_GLOBAL, "file_size", XS_KT_SIZE, SIZE, SCN(file_bytes, XS_KS_U64), .umin = 0,
	    .umax = 4 * TiB, .def = "0",
	    DOC("the file's size when the workload starts (at most fs_size)")),
	KEY(SEC_GLOBAL, "prefill", XS_KT_ENUM, SCN(prefill, XS_KS_INT), .vals = prefill_vals,
	    .def = "none",
	    DOC("what the first file_size bytes hold at the start: none (holes), written (written "
		"and synced), unwritten (fallocated), dirty (written, still dirty in the page "
		"cache)")),
	KEY(SEC_GLOBAL, "device", XS_KT_NAME, SCN(device, XS_KS_STR), .def = "nvme",
	    DOC("the device timing file configs/devices/NAME.ini")),
	KEY(SEC_GLOBAL, "cpu", XS_KT_NAME, SCN(cpu_name, XS_KS_STR), .def = XS_CPU_DEFAULT,
	    DOC("the cost file configs/cpu/NAME.ini whose figures the [cpu] keys default to")),
	KEY(SEC_GLOBAL, "memory", XS_KT_SIZE, SIZE, SCN(memory_bytes, XS_KS_U64), .umin = MiB,
	    .umax = 16 * TiB, .def = "1g",
	    DOC("page-cache limit: reclaim evicts clean folios above it; the writeback ratios are "
		"percentages of it")),
	KEY(SEC_GLOBAL, "seed", XS_KT_COUNT, SCN(seed, XS_KS_U64), .umin = 0, .umax = INT64_MAX,
	    .def = "1", DOC("seed of every random stream of the run")),
	KEY(SEC_GLOBAL, "time_limit", XS_KT_TIME, TIME, SCN(time_limit_s, XS_KS_DOUBLE), .dmin = 0,
	    .dmin_open = true, .def = "3600",
	    DOC("simulated time at which the run stops: every sleep, wait and I/O ends there at "
		"the "
		"latest, the jobs end, and the outcome time_limit_hit is 1")),
	/* [NAME]: one actor group */
	KEY(SEC_ACTOR, "kind", XS_KT_ENUM, GRP(kind, XS_KS_INT), .vals = xs_scn_kind_vals,
	    .kinds = KINDS_ALL,
	    DOC("what the group's jobs do: writer (pwrite), faulter (stores through a shared "
		"mapping), reader (pread), truncator, syncer, mapper")),
	KEY(SEC_ACTOR, "jobs", XS_KT_COUNT, .unit = "jobs", GRP(jobs, XS_KS_U32), .umin = 1,
	    .umax = 256, .kinds = KINDS_ALL, .def = "1",
	    DOC("number of jobs (actors) in the group, each named SECTION.J")),
	KEY(SEC_ACTOR, "offset", XS_KT_SIZE, SIZE, GRP(offset_bytes, XS_KS_U64), .umin = 0,
	    .umax = 4 * TiB, .kinds = KINDS_ALL, .def = "0",
	    DOC("start of the range the group covers (inside file_size for a faulter or a "
		"reader)")),
	KEY(SEC_ACTOR, "size", XS_KT_SIZE, SIZE, GRP(size_bytes, XS_KS_U64),
	    .def_text = "file_size - offset", .umin = 1, .umax = 4 * TiB, .kinds = KINDS_ALL,
	    DOC("length of the range [offset, offset + size) the group covers")),
	KEY(SEC_ACTOR, "bs", XS_KT_SIZE, SIZE, GRP(bs_bytes, XS_KS_U64), .umin = 1,
	    .umax = 64 * MiB, .kinds = KINDS_ALL, .def = "4k",
	    DOC("bytes per operation (at most size)")),
	KEY(SEC_ACTOR, "stride", XS_KT_SIZE, SIZE, GRP(stride_bytes, XS_KS_U64), .def_text = "bs",
	    .umin = 1, .umax = 4 * TiB, .kinds = KINDS_ALL,
	    DOC("distance between the starts of consecutive operation slots")),
	KEY(SEC_ACTOR, "pattern", XS_KT_ENUM, GRP(pattern, XS_KS_INT), .vals = pattern_vals,
	    .kinds = KINDS_ALL, .def = "seq",
	    DOC("order of the operation slots: seq (in order, wrapping round) or rand (a random "
		"slot each time)")),
	KEY(SEC_ACTOR, "ops", XS_KT_COUNT, .unit = "operations per job", GRP(ops, XS_KS_U64),
	    .umin = 0, .umax = INT64_MAX, .kinds = KINDS_ALL, .def = "0",
	    DOC("operations per job; 0: one per slot, floor(size / stride) (at least 1), which "
		"with pattern = seq is one pass over the range")),
	KEY(SEC_ACTOR, "think", XS_KT_DIST, .unit = "s", GRP(think, XS_KS_DIST), .kinds = KINDS_ALL,
	    .def = "const(0)",
	    DOC("pause after each operation, a distribution (charged as the job's CPU time)")),
	KEY(SEC_ACTOR, "fail_rate", XS_KT_REAL, .unit = "probability per chunk",
	    GRP(fail_rate, XS_KS_DOUBLE), .dmin = 0, .dmax = 1, .kinds = KIND(XS_ACTOR_WRITER),
	    .def = "0",
	    DOC("probability that a chunk's copy-in from user memory comes up short, ending the "
		"write short (source = anon)")),
	KEY(SEC_ACTOR, "prefault", XS_KT_ENUM, GRP(prefault_read, XS_KS_BOOL),
	    .vals = prefault_vals, .kinds = KIND(XS_ACTOR_FAULTER), .def = "none",
	    DOC("read: before any job starts, load one byte of every page of the range, so the "
		"pages are cached, clean and mapped read-only")),
	KEY(SEC_ACTOR, "op", XS_KT_ENUM, GRP(trunc_op, XS_KS_INT), .vals = op_vals,
	    .kinds = KIND(XS_ACTOR_TRUNCATOR) | KIND(XS_ACTOR_MAPPER),
	    .def_text = "truncate (truncator), remap (mapper)",
	    DOC("truncator: truncate (set the size to the slot's offset), fpunch or fzero (bs "
		"bytes, size kept); mapper: remap (mmap MAP_FIXED over the range) or mprotect "
		"(read-only, then writable again)")),
	KEY(SEC_ACTOR, "sync", XS_KT_ENUM, GRP(sync_range, XS_KS_BOOL), .vals = sync_vals,
	    .kinds = KIND(XS_ACTOR_SYNCER), .def = "fsync",
	    DOC("fsync (the whole file and a device cache flush) or range (sync_file_range over "
		"the slot's bs bytes)")),
	KEY(SEC_ACTOR, "start", XS_KT_TIME, TIME, GRP(start_s, XS_KS_DOUBLE), .dmin = 0,
	    .kinds = KINDS_ALL, .def = "0", DOC("delay before the job's first operation")),
	KEY(SEC_ACTOR, "process", XS_KT_NAME, GRP(process, XS_KS_STR), .kinds = KINDS_ALL,
	    .def = "main",
	    DOC("the process the jobs belong to: groups naming the same process share one mm (PTEs "
		"and mmap_lock)")),
	KEY(SEC_ACTOR, "source", XS_KT_ENUM, GRP(source_map, XS_KS_BOOL), .vals = user_buf_vals,
	    .kinds = KIND(XS_ACTOR_WRITER), .def = "anon",
	    DOC("the write's user buffer: anon (anonymous memory) or map (a shared mapping of this "
		"file at source_offset, faulted in before each chunk)")),
	KEY(SEC_ACTOR, "source_offset", XS_KT_SIZE, SIZE, GRP(source_offset, XS_KS_U64), .umin = 0,
	    .umax = 4 * TiB, .kinds = KIND(XS_ACTOR_WRITER), .def = "0",
	    DOC("file offset of the source buffer when source = map")),
	KEY(SEC_ACTOR, "dest", XS_KT_ENUM, GRP(dest_map, XS_KS_BOOL), .vals = user_buf_vals,
	    .kinds = KIND(XS_ACTOR_READER), .def = "anon",
	    DOC("the read's user buffer: anon, or map (a shared mapping of this file at "
		"dest_offset, write-faulted page by page)")),
	KEY(SEC_ACTOR, "dest_offset", XS_KT_SIZE, SIZE, GRP(dest_offset, XS_KS_U64), .umin = 0,
	    .umax = 4 * TiB, .kinds = KIND(XS_ACTOR_READER), .def = "0",
	    DOC("file offset of the destination buffer when dest = map")),
	/* [writeback]: the flusher, as /proc/sys/vm/dirty_* */
	KEY(SEC_WRITEBACK, "interval", XS_KT_TIME, TIME, SCN(wb_interval_s, XS_KS_DOUBLE),
	    .dmin = 0, .dmin_open = true, .def = "5s",
	    DOC("flusher period (vm.dirty_writeback_centisecs)")),
	KEY(SEC_WRITEBACK, "expire", XS_KT_TIME, TIME, SCN(wb_expire_s, XS_KS_DOUBLE), .dmin = 0,
	    .def = "30s",
	    DOC("age after which dirty data is written by the periodic pass "
		"(vm.dirty_expire_centisecs)")),
	KEY(SEC_WRITEBACK, "background_ratio", XS_KT_COUNT, .unit = "percent of memory",
	    SCN(wb_background_ratio, XS_KS_U32), .umin = 1, .umax = 100, .def = "10",
	    DOC("dirty memory, in percent of memory, above which the flusher writes everything "
		"dirty (vm.dirty_background_ratio)")),
	/* dirty_ratio: also >= background_ratio */
	KEY(SEC_WRITEBACK, "dirty_ratio", XS_KT_COUNT, .unit = "percent of memory",
	    SCN(wb_dirty_ratio, XS_KS_U32), .umin = 1, .umax = 100, .def = "20",
	    DOC("dirty memory, in percent of memory, above which writers are paused "
		"(vm.dirty_ratio); at least background_ratio")),
	/* [reclaim] */
	KEY(SEC_RECLAIM, "interval", XS_KT_TIME, TIME, SCN(reclaim_interval_s, XS_KS_DOUBLE),
	    .dmin = 0, .dmin_open = true, .def = "100ms",
	    DOC("how often reclaim evicts clean folios while the page cache exceeds memory")),
	/* [blockgc]: background trim of post-EOF preallocation */
	KEY(SEC_BLOCKGC, "period", XS_KT_TIME, TIME, SCN(blockgc_period_s, XS_KS_DOUBLE), .dmin = 0,
	    .dmin_open = true, .def = "300s",
	    DOC("period of the background trim of post-EOF preallocation "
		"(fs.xfs.speculative_prealloc_lifetime)")),
	/* [cpu]: configs/cpu/linux-6.18.ini, measured (see the comment at the top) */
	CPU(syscall, "lognormal(963.1ns, 0.012)", "entry and exit of each system call"),
	CPU(iomap_begin, "lognormal(445.5ns, 0.074)", "one iomap_begin of a write"),
	CPU(iomap_end, "lognormal(222.8ns, 0.074)", "one iomap_end of a write"),
	CPU(folio, "lognormal(207.5ns, 0.236)",
	    "getting and locking one cached folio for a write chunk"),
	CPU(folio_alloc, "lognormal(1347.3ns, 0.089)",
	    "a write chunk that allocates its folio and adds it to the page cache"),
	CPU(zero_4k, "lognormal(600.2ns, 0.246)",
	    "zeroing 4 KiB of a new folio (scaled by bytes / 4096)"),
	CPU(copy_4k, "lognormal(93.1ns, 0.106)",
	    "copying 4 KiB from user memory (scaled by bytes / 4096)"),
	CPU(fault, "lognormal(11032.1ns, 0.091)",
	    "page-fault entry and exit (and each page of a read prefault)"),
	CPU(fault_wp, "lognormal(3981.1ns, 0.097)",
	    "a write fault on a present, write-protected PTE, beyond fault"),
	CPU(page_mkwrite, "lognormal(1.0ns, 0.073)", "page_mkwrite after its iomap_begin"),
	CPU(punch, "lognormal(9050.9ns, 0.592)", "the punch of a failed write's delalloc"),
	CPU(wb_folio, "lognormal(526.9ns, 0.188)", "writeback of one folio"),
	CPU(lock, "lognormal(52.1ns, 0.296)",
	    "a lock operation (read and checked, not charged by the current actors)"),
	CPU(fault_in, "lognormal(30.1ns, 0.086)",
	    "one fault_in_iov_iter_readable() walk of a source = map chunk"),
	CPU(mmap_lock, "lognormal(891.0ns, 0.047)",
	    "mmap_write_lock() and the VMA work of one mapper call"),
	CPU(pte_zap, "lognormal(145.8ns, 0.163)", "one PTE zapped or write-protected by a mapper"),
	/*
	 * Not measured by tools/calibrate: the "truncate per folio" (truncate_64 -
	 * truncate_1) / 63 = 168.7 ns derived in linux-6.18.ini, written with the sigma of
	 * truncate_64 (0.345). Optional in cost files (cpu_file.c).
	 */
	CPU(punch_folio, "lognormal(179.0ns, 0.356)",
	    "one folio of the punch's release walk or of a page-cache truncate"),
};
