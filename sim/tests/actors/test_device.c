/*
 * Tests of the device timing model (sim/actors/device.c): the configuration files and
 * their errors, and the model's figures measured in simulations (each in a forked child,
 * simfork.h) against values computed here from the configuration alone:
 *   - sequential writeback reaches write_bw within 5%;
 *   - QD1 4 KiB random writes take latency mean + 4096 / write_bw within 5%;
 *   - the disk's QD1 random 4 KiB write IOPS is 1 / (E[latency] + E[seek] + 30 / rpm +
 *     4096 / write_bw) within 5%, E[seek] from the seek formula over uniform positions;
 *   - flush costs its mean within 5% and waits behind earlier requests;
 *   - splitting at max_io and merging of contiguous queued requests, exactly.
 */
#include "actors/device.h"
#include "tests/actors/simfork.h"
#include "tests/testhelp.h"

#include <simgrid/actor.h>
#include <simgrid/disk.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>

#include <errno.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEV_DIR "configs/devices/"
#define MIB	(1024.0 * 1024.0)

static bool near(double got, double want, double rel)
{
	return fabs(got - want) <= rel * fabs(want);
}

/* ---- configuration files ---- */

/* Write text to a temporary file, load it; path receives the file name. */
static int load_text(const char *text, char *path, size_t pathlen, struct xs_device_cfg *cfg,
		     char *err, size_t errlen)
{
	char tmpl[] = "/tmp/wpsim-devtest-XXXXXX";
	int fd = mkstemp(tmpl), rc;
	size_t len = strlen(text);

	snprintf(path, pathlen, "%s", tmpl);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len || close(fd))
		return -EIO;
	err[0] = '\0';
	rc = xs_device_cfg_load(tmpl, cfg, err, errlen);
	unlink(tmpl);
	return rc;
}

/* A valid file, lines 1..9; tests change one line or append. */
#define GOOD_SSD                  \
	"# a test device\n"       \
	"read_bw = 1g\n"          \
	"write_bw = 512m\n"       \
	"latency = const(10us)\n" \
	"queue_depth = 4\n"       \
	"max_io = 1m\n"           \
	"rotational = false\n"    \
	"capacity = 1t\n"         \
	"flush = const(1ms)\n"

/* Load text and compare the error with "PATH" + expect_suffix (expect_suffix starts ":"). */
static void expect_error(const char *descr, const char *text, int expect_rc,
			 const char *expect_suffix)
{
	struct xs_device_cfg cfg;
	char path[64], err[512], want[640], label[700];
	int rc = load_text(text, path, sizeof(path), &cfg, err, sizeof(err));

	snprintf(want, sizeof(want), "%s%s", path, expect_suffix);
	snprintf(label, sizeof(label), "%s: rc %d, \"%s\"", descr, rc, err);
	test_cond(label, rc == expect_rc && strcmp(err, want) == 0);
	if (strcmp(err, want))
		printf("    want \"%s\"\n", want);
}

XS_TEST_SUITE(test_device_config)
{
	struct xs_device_cfg c;
	char err[512], path[64];
	int rc;

	rc = xs_device_cfg_load(DEV_DIR "nvme.ini", &c, err, sizeof(err));
	test_cond("nvme.ini loads", rc == 0);
	test_cond("nvme.ini: name, rates, queue, max_io",
		  !strcmp(c.name, "nvme") && c.write_bw_Bps == 3300e6 && c.read_bw_Bps == 3500e6 &&
			  c.queue_depth == 10 && c.max_io_bytes == 1280 * 1024 && !c.rotational &&
			  c.capacity_bytes == 1000204886016ULL);
	test_cond("nvme.ini: latency mean 15.4 us", near(xs_dist_mean(&c.latency), 15.4e-6, 1e-9) &&
							    c.latency.kind == XS_DIST_LOGNORMAL);
	rc = xs_device_cfg_load(DEV_DIR "sata-ssd.ini", &c, err, sizeof(err));
	test_cond("sata-ssd.ini loads", rc == 0);
	test_cond("sata-ssd.ini: name, rates",
		  !strcmp(c.name, "sata-ssd") && c.write_bw_Bps == 530e6 &&
			  c.read_bw_Bps == 560e6 && c.queue_depth == 3 && !c.rotational);
	rc = xs_device_cfg_load(DEV_DIR "hdd.ini", &c, err, sizeof(err));
	test_cond("hdd.ini loads", rc == 0);
	test_cond("hdd.ini: mechanics",
		  !strcmp(c.name, "hdd") && c.rotational && near(c.seek_min_s, 1.1e-3, 1e-12) &&
			  near(c.seek_max_s, 14.4e-3, 1e-12) && c.rpm == 7200 &&
			  c.queue_depth == 1 && c.capacity_bytes == 4000787030016ULL);

	rc = load_text(GOOD_SSD, path, sizeof(path), &c, err, sizeof(err));
	test_cond("a minimal file loads", rc == 0 && err[0] == '\0');
	test_cond("suffixes are powers of 1024",
		  c.read_bw_Bps == 1073741824.0 && c.write_bw_Bps == 536870912.0 &&
			  c.max_io_bytes == 1048576 && c.capacity_bytes == 1099511627776ULL);
	rc = load_text("[device]\n" GOOD_SSD, path, sizeof(path), &c, err, sizeof(err));
	test_cond("keys may sit in a [device] section", rc == 0);

	rc = xs_device_cfg_load("/nonexistent/dev.ini", &c, err, sizeof(err));
	test_cond("missing file: -ENOENT",
		  rc == -ENOENT && !strcmp(err, "/nonexistent/dev.ini: No such file or directory"));

	expect_error("unknown key", GOOD_SSD "colour = blue\n", -EINVAL,
		     ":10: colour = blue: unknown key (accepted: read_bw, write_bw, latency, "
		     "queue_depth, max_io, rotational, seek_min, seek_max, rpm, capacity, flush)");
	expect_error("queue_depth 0",
		     "read_bw = 1g\nwrite_bw = 1g\nlatency = 1us\nqueue_depth = 0\n", -EINVAL,
		     ":4: queue_depth = 0: must be at least 1 (accepted: 1..65536)");
	expect_error("queue_depth too large", "queue_depth = 70000\n", -EINVAL,
		     ":1: queue_depth = 70000: too large (accepted: 1..65536)");
	expect_error("queue_depth with a suffix", "queue_depth = 1k\n", -EINVAL,
		     ":1: queue_depth = 1k: not a whole number (accepted: 1..65536)");
	expect_error("bad rate", "\n\nwrite_bw = fast\n", -EINVAL,
		     ":3: write_bw = fast: not a rate (accepted: 1k..1t bytes/s; suffixes "
		     "k/m/g/t multiply by 1024)");
	expect_error("zero rate", "read_bw = 0\n", -EINVAL,
		     ":1: read_bw = 0: too small (accepted: 1k..1t bytes/s; suffixes k/m/g/t "
		     "multiply by 1024)");
	expect_error("max_io not a multiple of 512", "max_io = 1000\n", -EINVAL,
		     ":1: max_io = 1000: not a multiple of 512 (accepted: 512..1g bytes, a "
		     "multiple of 512)");
	expect_error("bad boolean", "rotational = maybe\n", -EINVAL,
		     ":1: rotational = maybe: not a boolean (accepted: true, false)");
	expect_error("bad time", "seek_min = soon\n", -EINVAL,
		     ":1: seek_min = soon: not a time (accepted: 0..1s, ns/us/ms/s suffix)");
	expect_error("rpm out of range", "rpm = 100\n", -EINVAL,
		     ":1: rpm = 100: too small (accepted: 1000..30000)");
	expect_error("duplicate key", GOOD_SSD "queue_depth = 8\n", -EINVAL,
		     ":10: queue_depth = 8: duplicate key (accepted: once; first at line 5)");
	expect_error(
		"syntax error", "read_bw = 1g\ngarbage\n", -EINVAL,
		":2: garbage: syntax error (accepted: key = value, [device], ; or # comments)");
	expect_error("unknown section", "[disk]\nread_bw = 1g\n", -EINVAL,
		     ":2: read_bw = 1g: in unknown section [disk] (accepted: [device])");
	expect_error("the first error wins", "queue_depth = 0\nread_bw = x\nbogus\n", -EINVAL,
		     ":1: queue_depth = 0: must be at least 1 (accepted: 1..65536)");
	expect_error("a syntax error before a bad value wins", "bogus\nqueue_depth = 0\n", -EINVAL,
		     ":1: bogus: syntax error (accepted: key = value, [device], ; or # comments)");
	expect_error("missing key",
		     "read_bw = 1g\nwrite_bw = 1g\nlatency = 1us\nqueue_depth = 1\n"
		     "max_io = 1m\nrotational = false\ncapacity = 1t\n",
		     -EINVAL,
		     ": missing key flush (accepted: const(T), uniform(A, B), exp(MEAN), "
		     "normal(MEAN, SD), lognormal(MEAN, CV), gamma(MEAN, CV); times in "
		     "ns/us/ms/s)");
	expect_error("rotational needs rpm",
		     "read_bw = 1g\nwrite_bw = 1g\nlatency = 1us\nqueue_depth = 1\n"
		     "max_io = 1m\nrotational = true\nseek_min = 1ms\nseek_max = 10ms\n"
		     "capacity = 1t\nflush = 1ms\n",
		     -EINVAL,
		     ": missing key rpm, required by rotational = true (accepted: 1000..30000)");
	expect_error("seek keys need rotational", GOOD_SSD "seek_min = 1ms\n", -EINVAL,
		     ":10: seek_min = 1ms: only for a rotational device (accepted: rotational = "
		     "true, or no seek_min)");
	expect_error("seek_max below seek_min",
		     "read_bw = 1g\nwrite_bw = 1g\nlatency = 1us\nqueue_depth = 1\n"
		     "max_io = 1m\nrotational = true\nseek_min = 5ms\nseek_max = 1ms\nrpm = 7200\n"
		     "capacity = 1t\nflush = 1ms\n",
		     -EINVAL,
		     ":8: seek_max = 1ms: less than seek_min = 5ms (accepted: seek_min..1s, "
		     "ns/us/ms/s suffix)");
	{
		char longline[300];

		memset(longline, 'x', sizeof(longline));
		memcpy(longline, "# ", 2);
		longline[250] = '\n';
		longline[251] = '\0';
		expect_error("line too long", longline, -EINVAL,
			     ":1: line too long (accepted: at most 198 characters)");
	}
	/* The reason is dist.c's; the line, key, value and accepted list are ours. */
	rc = load_text("latency = bogus(1us)\n", path, sizeof(path), &c, err, sizeof(err));
	{
		char prefix[128];

		snprintf(prefix, sizeof(prefix), "%s:1: latency = bogus(1us): ", path);
		test_cond("bad distribution: line, key, value and the accepted forms",
			  rc == -EINVAL && !strncmp(err, prefix, strlen(prefix)) &&
				  strstr(err, "(accepted: const(T), uniform(A, B)"));
	}
}

/* ---- simulations ---- */

/* Run the actors of a test: each gets its struct through sg_actor_self_get_data(). */
static void start_actor(const char *name, sg_host_t host, void (*code)(int, char **), void *data)
{
	sg_actor_t a = sg_actor_init(name, host);

	sg_actor_set_data(a, data);
	sg_actor_start(a, code, 0, NULL);
}

static struct xs_device *make_device(const struct xs_device_cfg *cfg, unsigned long seed,
				     sg_host_t *host)
{
	sg_disk_t disk = xs_simfork_platform(cfg);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);

	gsl_rng_set(rng, seed);
	*host = sg_disk_get_host(disk);
	return xs_device_create(cfg, disk, rng);
}

/* Sequential writeback: nactors take 1 MiB chunks of [0, total) in order. */
struct seq_job {
	struct xs_device_cfg cfg;
	uint32_t nactors;
	uint64_t total_bytes, chunk_bytes;
	/* child state */
	struct xs_device *dev;
	uint64_t cursor;
};

struct seq_out {
	double end_s;
	struct xs_device_stats st;
};

static void seq_actor(int argc, char **argv)
{
	struct seq_job *job = sg_actor_self_get_data();
	uint64_t off;

	(void)argc;
	(void)argv;
	while (job->cursor < job->total_bytes) {
		off = job->cursor;
		job->cursor += job->chunk_bytes;
		xs_device_write(job->dev, off, job->chunk_bytes);
	}
}

static void seq_child(void *arg, void *out)
{
	struct seq_job *job = arg;
	struct seq_out *o = out;
	sg_host_t host;
	uint32_t i;

	job->dev = make_device(&job->cfg, 1, &host);
	for (i = 0; i < job->nactors; i++)
		start_actor("writeback", host, seq_actor, job);
	simgrid_run();
	o->end_s = simgrid_get_clock();
	xs_device_get_stats(job->dev, &o->st);
	xs_device_destroy(job->dev);
}

XS_TEST_SUITE(test_device_seq_bw)
{
	static const char *const devs[] = {"nvme", "sata-ssd", "hdd"};
	struct seq_job job;
	struct seq_out o;
	char path[128], err[512], label[256];
	double bw;
	size_t i;

	for (i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		snprintf(path, sizeof(path), DEV_DIR "%s.ini", devs[i]);
		memset(&job, 0, sizeof(job));
		if (xs_device_cfg_load(path, &job.cfg, err, sizeof(err))) {
			test_cond(err, 0);
			continue;
		}
		job.nactors = job.cfg.queue_depth;
		job.total_bytes = 256ULL << 20;
		job.chunk_bytes = 1ULL << 20;
		memset(&o, 0, sizeof(o));
		test_cond("sequential simulation ran",
			  xs_simfork_run(seq_child, &job, &o, sizeof(o)) == 0);
		bw = (double)o.st.bytes / o.end_s;
		snprintf(label, sizeof(label),
			 "%s: 256 MiB in 1 MiB writes from %u actors: %.1f MB/s, configured %.1f "
			 "MB/s (within 5%%)",
			 devs[i], job.nactors, bw / 1e6, job.cfg.write_bw_Bps / 1e6);
		test_cond(label,
			  o.st.bytes == job.total_bytes && near(bw, job.cfg.write_bw_Bps, 0.05));
		snprintf(label, sizeof(label), "%s: busy %.4f s of %.4f s", devs[i], o.st.busy_s,
			 o.end_s);
		test_cond(label, o.st.busy_s <= o.end_s + 1e-12 && o.st.busy_s > 0.95 * o.end_s);
	}
}

/* QD1 random 4 KiB writes from one actor; each request timed. */
struct rand_job {
	struct xs_device_cfg cfg;
	unsigned long seed;
	uint32_t nreq;
	uint64_t io_bytes;
	struct xs_device *dev;
	gsl_rng *pos; /* the workload's own stream */
	double sum_s; /* sum of request times */
};

struct rand_out {
	double sum_s;
	double end_s;
	struct xs_device_stats st;
};

static void rand_actor(int argc, char **argv)
{
	struct rand_job *job = sg_actor_self_get_data();
	uint64_t nslots = (job->cfg.capacity_bytes - job->io_bytes) / job->io_bytes + 1;
	uint64_t off;
	double t0;
	uint32_t i;

	(void)argc;
	(void)argv;
	for (i = 0; i < job->nreq; i++) {
		off = (uint64_t)(gsl_rng_uniform(job->pos) * (double)nslots) * job->io_bytes;
		t0 = simgrid_get_clock();
		xs_device_write(job->dev, off, job->io_bytes);
		job->sum_s += simgrid_get_clock() - t0;
	}
}

static void rand_child(void *arg, void *out)
{
	struct rand_job *job = arg;
	struct rand_out *o = out;
	sg_host_t host;

	job->dev = make_device(&job->cfg, job->seed, &host);
	job->pos = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(job->pos, job->seed + 1000);
	start_actor("fio", host, rand_actor, job);
	simgrid_run();
	o->sum_s = job->sum_s;
	o->end_s = simgrid_get_clock();
	xs_device_get_stats(job->dev, &o->st);
	xs_device_destroy(job->dev);
	gsl_rng_free(job->pos);
}

static int run_rand(const char *dev, unsigned long seed, struct rand_job *job, struct rand_out *o)
{
	char path[128], err[512];

	snprintf(path, sizeof(path), DEV_DIR "%s.ini", dev);
	memset(job, 0, sizeof(*job));
	memset(o, 0, sizeof(*o));
	if (xs_device_cfg_load(path, &job->cfg, err, sizeof(err))) {
		test_cond(err, 0);
		return -1;
	}
	job->seed = seed;
	job->nreq = 2000;
	job->io_bytes = 4096;
	return xs_simfork_run(rand_child, job, o, sizeof(*o));
}

XS_TEST_SUITE(test_device_qd1_latency)
{
	static const char *const devs[] = {"nvme", "sata-ssd"};
	struct rand_job job;
	struct rand_out o, o2, o3;
	char label[256];
	double mean_s, want_s;
	size_t i;

	for (i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		test_cond("QD1 simulation ran", run_rand(devs[i], 42, &job, &o) == 0);
		mean_s = o.sum_s / job.nreq;
		want_s = xs_dist_mean(&job.cfg.latency) + 4096.0 / job.cfg.write_bw_Bps;
		snprintf(label, sizeof(label),
			 "%s: QD1 4 KiB random write: mean %.3f us over %u, configured %.3f us "
			 "(within 5%%)",
			 devs[i], mean_s * 1e6, job.nreq, want_s * 1e6);
		test_cond(label, near(mean_s, want_s, 0.05));
		test_cond("one request per 4 KiB write, nothing merged",
			  o.st.requests == job.nreq && o.st.bytes == 4096ULL * job.nreq);
	}
	/* Deterministic: the same seed gives the same figures, to the bit. */
	test_cond("rerun ran", run_rand("nvme", 42, &job, &o2) == 0 &&
				       run_rand("nvme", 42, &job, &o) == 0 &&
				       run_rand("nvme", 43, &job, &o3) == 0);
	test_cond("same seed, identical results", !memcmp(&o, &o2, sizeof(o)));
	test_cond("another seed, other results", o3.sum_s != o.sum_s);
}

XS_TEST_SUITE(test_device_hdd_iops)
{
	struct rand_job job;
	struct rand_out o;
	const struct xs_device_cfg *c = &job.cfg;
	char label[320];
	double iops, e_seek_s, want;

	test_cond("HDD simulation ran", run_rand("hdd", 7, &job, &o) == 0);
	/*
	 * Two uniform positions on [0, C): d / C has density 2 (1 - u), so
	 * E[sqrt(d / C)] = integral 2 (1 - u) sqrt(u) du = 2 (2/3 - 2/5) = 8/15.
	 */
	e_seek_s = c->seek_min_s + (c->seek_max_s - c->seek_min_s) * 8.0 / 15.0;
	want = 1.0 /
	       (xs_dist_mean(&c->latency) + e_seek_s + 30.0 / c->rpm + 4096.0 / c->write_bw_Bps);
	iops = job.nreq / o.end_s;
	snprintf(label, sizeof(label),
		 "hdd: QD1 random 4 KiB writes: %.2f IOPS, seek model %.2f IOPS (E[seek] %.3f "
		 "ms, rotation %.3f ms; within 5%%)",
		 iops, want, e_seek_s * 1e3, 30.0 / c->rpm * 1e3);
	test_cond(label, near(iops, want, 0.05));
	test_cond("hdd: datasheet's 8.2 ms average seek reproduced", near(e_seek_s, 8.2e-3, 0.01));
}

/* Scripted requests: actor i sleeps start_s, then does its op; completion times kept. */
enum { OP_WRITE, OP_READ, OP_FLUSH, OP_WRITE_ASYNC };

#define SCRIPT_MAX 8

struct script_out {
	double done_s[SCRIPT_MAX];
	double returned_s[SCRIPT_MAX]; /* when the call returned (asynchronous writes) */
	int callbacks[SCRIPT_MAX];
	struct xs_device_stats st;
};

struct script_job {
	struct xs_device_cfg cfg;
	int n;
	struct {
		int op;
		double start_s;
		uint64_t off, len;
	} step[SCRIPT_MAX];
	struct xs_device *dev;
	int next; /* actors take their step in creation order */
	struct script_out *out;
	struct script_cb {
		struct script_job *job;
		int i;
	} cb[SCRIPT_MAX];
};

/* An asynchronous write's completion, in the device's actor. */
static void script_done(void *arg)
{
	struct script_cb *cb = arg;

	cb->job->out->done_s[cb->i] = simgrid_get_clock();
	cb->job->out->callbacks[cb->i]++;
}

static void script_actor(int argc, char **argv)
{
	struct script_job *job = sg_actor_self_get_data();
	int i = job->next++;

	(void)argc;
	(void)argv;
	if (job->step[i].start_s > 0)
		sg_actor_sleep_for(job->step[i].start_s);
	switch (job->step[i].op) {
	case OP_WRITE:
		xs_device_write(job->dev, job->step[i].off, job->step[i].len);
		break;
	case OP_READ:
		xs_device_read(job->dev, job->step[i].off, job->step[i].len);
		break;
	case OP_WRITE_ASYNC:
		job->cb[i].job = job;
		job->cb[i].i = i;
		xs_device_write_async(job->dev, job->step[i].off, job->step[i].len, script_done,
				      &job->cb[i]);
		job->out->returned_s[i] = simgrid_get_clock();
		sg_actor_sleep_for(1); /* the device's workers are daemons: keep the run going */
		return;
	default:
		xs_device_flush(job->dev);
	}
	job->out->done_s[i] = simgrid_get_clock();
}

static void script_child(void *arg, void *out)
{
	struct script_job *job = arg;
	sg_host_t host;
	int i;

	job->out = out;
	memset(job->out, 0, sizeof(*job->out)); /* the callbacks count up from 0 */
	job->dev = make_device(&job->cfg, 5, &host);
	for (i = 0; i < job->n; i++)
		start_actor("step", host, script_actor, job);
	simgrid_run();
	xs_device_get_stats(job->dev, &job->out->st);
	xs_device_destroy(job->dev);
}

/* A device with constant costs, so that times can be predicted exactly. */
static void const_cfg(struct xs_device_cfg *c, uint32_t qd, uint64_t max_io, double lat_s)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "const");
	c->read_bw_Bps = c->write_bw_Bps = 1073741824.0;
	c->latency.kind = XS_DIST_CONST;
	c->latency.a = lat_s;
	c->queue_depth = qd;
	c->max_io_bytes = max_io;
	c->capacity_bytes = 1ULL << 40;
	c->flush.kind = XS_DIST_CONST;
	c->flush.a = 1e-3;
}

static void add_step(struct script_job *job, int op, double start_s, uint64_t off, uint64_t len)
{
	job->step[job->n].op = op;
	job->step[job->n].start_s = start_s;
	job->step[job->n].off = off;
	job->step[job->n].len = len;
	job->n++;
}

XS_TEST_SUITE(test_device_split_merge)
{
	struct script_job job;
	struct script_out o;
	const double bw = 1073741824.0, lat = 100e-6;
	const uint64_t k64 = 65536;
	double t, last;
	char label[256];
	int i;

	/* 4 MiB with max_io 1 MiB: 4 requests at queue depth 4: latencies overlap, then the
	 * transfers follow one another. */
	memset(&job, 0, sizeof(job));
	const_cfg(&job.cfg, 4, 1 << 20, lat);
	add_step(&job, OP_WRITE, 0, 0, 4 << 20);
	test_cond("split simulation ran", xs_simfork_run(script_child, &job, &o, sizeof(o)) == 0);
	snprintf(label, sizeof(label), "4 MiB, max_io 1 MiB: %llu requests, %llu bytes",
		 (unsigned long long)o.st.requests, (unsigned long long)o.st.bytes);
	test_cond(label, o.st.requests == 4 && o.st.bytes == 4 << 20);
	t = lat + 4 * MIB / bw;
	snprintf(label, sizeof(label), "QD4: pieces overlap: %.6f ms, expected %.6f ms",
		 o.done_s[0] * 1e3, t * 1e3);
	test_cond(label, near(o.done_s[0], t, 1e-6));

	/* The same at queue depth 1: one piece after the other. */
	job.cfg.queue_depth = 1;
	test_cond("split QD1 simulation ran",
		  xs_simfork_run(script_child, &job, &o, sizeof(o)) == 0);
	t = 4 * (lat + MIB / bw);
	snprintf(label, sizeof(label), "QD1: pieces in turn: %.6f ms, expected %.6f ms",
		 o.done_s[0] * 1e3, t * 1e3);
	test_cond(label, o.st.requests == 4 && near(o.done_s[0], t, 1e-6));

	/*
	 * The queue depth bounds the requests in service: 8 writes at QD2 take 4 rounds of
	 * latency L; transfers (x = 4096 / bw each) take the bus one at a time, so the
	 * second slot's transfer waits for the first's and each slot's next latency starts
	 * when its transfer ends: slot A transfers in [L, L+x], [2L+x, 2L+2x], ..., slot B
	 * in [L+x, L+2x], [2L+2x, 2L+3x], [3L+3x, 3L+4x], [4L+4x, 4L+5x].
	 */
	memset(&job, 0, sizeof(job));
	const_cfg(&job.cfg, 2, 1 << 20, lat);
	for (i = 0; i < 8; i++)
		add_step(&job, OP_WRITE, 0, (uint64_t)i << 30, 4096);
	test_cond("queue-depth simulation ran",
		  xs_simfork_run(script_child, &job, &o, sizeof(o)) == 0);
	t = 4 * lat + 5 * 4096 / bw;
	for (i = 0, last = 0; i < 8; i++)
		last = o.done_s[i] > last ? o.done_s[i] : last;
	snprintf(label, sizeof(label), "QD2: 8 writes done at %.6f ms, expected %.6f ms",
		 last * 1e3, t * 1e3);
	test_cond(label, near(last, t, 1e-6) && o.st.requests == 8);

	/*
	 * Merging, QD1, max_io 128 KiB: step 0 occupies the device; steps 1-4 queue four
	 * contiguous 64 KiB writes behind it (two merged requests of 128 KiB), step 5 a
	 * write elsewhere, step 6 a read contiguous with step 5 (another op: no merge).
	 */
	memset(&job, 0, sizeof(job));
	const_cfg(&job.cfg, 1, 128 << 10, lat);
	add_step(&job, OP_WRITE, 0, 1 << 20, k64);
	add_step(&job, OP_WRITE, 1e-6, 0, k64);
	add_step(&job, OP_WRITE, 2e-6, k64, k64);
	add_step(&job, OP_WRITE, 3e-6, 2 * k64, k64);
	add_step(&job, OP_WRITE, 4e-6, 3 * k64, k64);
	add_step(&job, OP_WRITE, 5e-6, 8 * k64, k64);
	add_step(&job, OP_READ, 6e-6, 9 * k64, k64);
	test_cond("merge simulation ran", xs_simfork_run(script_child, &job, &o, sizeof(o)) == 0);
	snprintf(label, sizeof(label), "7 calls of 64 KiB, max_io 128 KiB: %llu requests",
		 (unsigned long long)o.st.requests);
	test_cond(label, o.st.requests == 5 && o.st.bytes == 7 * k64);
	t = lat + k64 / bw;
	test_cond("first request alone", near(o.done_s[0], t, 1e-6));
	t += lat + 2 * k64 / bw;
	test_cond("calls 1 and 2 merged: done together",
		  near(o.done_s[1], t, 1e-6) && o.done_s[2] == o.done_s[1]);
	t += lat + 2 * k64 / bw;
	test_cond("calls 3 and 4 merged up to max_io, FIFO after 1 and 2",
		  near(o.done_s[3], t, 1e-6) && o.done_s[4] == o.done_s[3]);
	t += lat + k64 / bw;
	test_cond("non-contiguous call 5 alone, in order", near(o.done_s[5], t, 1e-6));
	t += lat + k64 / bw;
	test_cond("read 6 not merged with write 5", near(o.done_s[6], t, 1e-6));
}

/* Flush: many at QD1 for the mean, then one queued behind a write. */
struct flush_job {
	struct xs_device_cfg cfg;
	uint32_t n;
	struct xs_device *dev;
};

struct flush_out {
	double end_s;
	struct xs_device_stats st;
};

static void flush_actor(int argc, char **argv)
{
	struct flush_job *job = sg_actor_self_get_data();
	uint32_t i;

	(void)argc;
	(void)argv;
	for (i = 0; i < job->n; i++)
		xs_device_flush(job->dev);
}

static void flush_child(void *arg, void *out)
{
	struct flush_job *job = arg;
	struct flush_out *o = out;
	sg_host_t host;

	job->dev = make_device(&job->cfg, 11, &host);
	start_actor("fsync", host, flush_actor, job);
	simgrid_run();
	o->end_s = simgrid_get_clock();
	xs_device_get_stats(job->dev, &o->st);
	xs_device_destroy(job->dev);
}

XS_TEST_SUITE(test_device_flush)
{
	static const char *const devs[] = {"nvme", "sata-ssd", "hdd"};
	struct flush_job job;
	struct flush_out o;
	struct script_job sj;
	struct script_out so;
	char path[128], err[512], label[256];
	double mean_s, want_s, t;
	size_t i;

	for (i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		snprintf(path, sizeof(path), DEV_DIR "%s.ini", devs[i]);
		memset(&job, 0, sizeof(job));
		if (xs_device_cfg_load(path, &job.cfg, err, sizeof(err))) {
			test_cond(err, 0);
			continue;
		}
		job.n = 2000;
		test_cond("flush simulation ran",
			  xs_simfork_run(flush_child, &job, &o, sizeof(o)) == 0);
		mean_s = o.end_s / job.n;
		want_s = xs_dist_mean(&job.cfg.flush);
		snprintf(label, sizeof(label),
			 "%s: %u flushes: mean %.4f ms, configured %.4f ms (within 5%%)", devs[i],
			 job.n, mean_s * 1e3, want_s * 1e3);
		test_cond(label, near(mean_s, want_s, 0.05));
		test_cond("flushes are not data requests", o.st.requests == 0 && o.st.bytes == 0);
		test_cond("flushes keep the device busy", near(o.st.busy_s, o.end_s, 1e-9));
	}

	/* FIFO: a flush issued while a 1 MiB write is in service completes after it. */
	memset(&sj, 0, sizeof(sj));
	const_cfg(&sj.cfg, 1, 1 << 20, 100e-6);
	add_step(&sj, OP_WRITE, 0, 0, 1 << 20);
	add_step(&sj, OP_FLUSH, 1e-6, 0, 0);
	test_cond("flush-order simulation ran",
		  xs_simfork_run(script_child, &sj, &so, sizeof(so)) == 0);
	t = 100e-6 + MIB / sj.cfg.write_bw_Bps;
	snprintf(label, sizeof(label), "flush after a write: done at %.6f ms, expected %.6f ms",
		 so.done_s[1] * 1e3, (t + 1e-3) * 1e3);
	test_cond(label, near(so.done_s[0], t, 1e-6) && near(so.done_s[1], t + 1e-3, 1e-6));
}

/* The seek curve itself: one move of capacity / 4 from the start of the disk. */
XS_TEST_SUITE(test_device_seek)
{
	struct script_job job;
	struct script_out o;
	const struct xs_device_cfg *c = &job.cfg;
	char err[512], label[256];
	double seek_s, xfer_s, lat_s, t1;

	memset(&job, 0, sizeof(job));
	if (xs_device_cfg_load(DEV_DIR "hdd.ini", &job.cfg, err, sizeof(err))) {
		test_cond(err, 0);
		return;
	}
	job.cfg.latency.kind = XS_DIST_CONST;
	job.cfg.latency.a = lat_s = 50e-6;
	xfer_s = 4096.0 / c->write_bw_Bps;
	add_step(&job, OP_WRITE, 0, 0, 4096);	    /* head at 0: no seek */
	add_step(&job, OP_WRITE, 1e-3, 4096, 4096); /* sequential: no seek, no rotation */
	add_step(&job, OP_WRITE, 2e-3, 8192 + c->capacity_bytes / 4, 4096);
	test_cond("seek simulation ran", xs_simfork_run(script_child, &job, &o, sizeof(o)) == 0);
	test_cond("first write at the head: latency + transfer",
		  near(o.done_s[0], lat_s + xfer_s, 1e-6));
	test_cond("sequential write: latency + transfer",
		  near(o.done_s[1], 1e-3 + lat_s + xfer_s, 1e-6));
	seek_s = c->seek_min_s + (c->seek_max_s - c->seek_min_s) * 0.5;
	t1 = o.done_s[2] - 2e-3 - lat_s - xfer_s;
	snprintf(label, sizeof(label),
		 "move of capacity/4: %.4f ms = seek %.4f ms + rotation in [0, %.4f) ms", t1 * 1e3,
		 seek_s * 1e3, 60.0 / c->rpm * 1e3);
	test_cond(label, t1 >= seek_s - 1e-9 && t1 < seek_s + 60.0 / c->rpm);
}

/*
 * Asynchronous writes (writeback's ioends): the caller returns at once and the
 * completion runs once per write when its last piece is done. Four 1 MiB writes at
 * queue depth 4, max_io 512 KiB: eight pieces; four workers' latencies L overlap, then
 * transfers of x = 512 KiB / bw follow one another (which of the workers woken at the
 * same time takes the bus first is SimGrid's tie-break), each worker taking the next
 * piece when its transfer ends: the writes complete, in some order, at L + 2(k + 1)x.
 */
XS_TEST_SUITE(test_device_async)
{
	struct script_job job;
	struct script_out o;
	const double bw = 1073741824.0, lat = 100e-6, x = 512 * 1024 / bw;
	double t[4], tmp;
	char label[256];
	bool returned = true, once = true;
	int i, j;

	memset(&job, 0, sizeof(job));
	const_cfg(&job.cfg, 4, 512 << 10, lat);
	for (i = 0; i < 4; i++)
		add_step(&job, OP_WRITE_ASYNC, 0, (uint64_t)i << 20, 1 << 20);
	test_cond("async simulation ran", xs_simfork_run(script_child, &job, &o, sizeof(o)) == 0);
	for (i = 0; i < 4; i++) {
		returned = returned && o.returned_s[i] == 0;
		once = once && o.callbacks[i] == 1;
		t[i] = o.done_s[i];
	}
	for (i = 0; i < 4; i++)
		for (j = i + 1; j < 4; j++)
			if (t[j] < t[i]) {
				tmp = t[i];
				t[i] = t[j];
				t[j] = tmp;
			}
	test_cond("every caller returned at time 0", returned);
	test_cond("each completion ran once", once);
	for (i = 0; i < 4; i++) {
		snprintf(label, sizeof(label), "completion %d at %.9f s, expected %.9f s", i, t[i],
			 lat + 2 * (i + 1) * x);
		test_cond(label, near(t[i], lat + 2 * (i + 1) * x, 1e-9));
	}
	test_cond("eight requests, 4 MiB", o.st.requests == 8 && o.st.bytes == 4 << 20);
}
