/*
 * The block device's timing model (device.h): what a write submitted by writeback,
 * a read, or a cache flush for fsync costs in simulated time. It models the device
 * below the Linux block layer (block/blk-merge.c splitting and back-merging, one
 * hardware queue) with the figures of configs/devices/NAME.ini.
 *
 * Requests and their states (struct xs_dev_req):
 *
 *   caller ──dev_submit──> QUEUED ──dev_worker pops──> IN SERVICE ──dev_complete──> done
 *                           │  ^
 *                           └──┘ dev_submit back-merges a contiguous request of the same op
 *
 * Callers (any actor) block in xs_device_write/read/flush until every request holding a
 * piece of their I/O is done. Up to queue_depth worker actors (spawned on demand,
 * daemonized so that they never keep a simulation alive) take QUEUED requests in FIFO
 * order from one queue; the semaphore "queued" counts the QUEUED requests, so the
 * queue depth is the number of workers.
 *
 * Service time of a request:
 *   - latency sample (per request; excludes the transfer; the latencies of up to
 *     queue_depth requests overlap), then the transfer: len / bandwidth, one transfer
 *     at a time (FIFO on the mutex "bus"), slept by the worker. (SimGrid's disk
 *     actions, shared between concurrent transfers or not, end some nanoseconds
 *     apart depending on how many other events fall inside them, and deferring CPU
 *     time (sched.h) changes that number; a sleep ends when it should.)
 *   - rotational devices: the worker holds the arm (sg_mutex "arm") for latency + seek +
 *     rotation + transfer, so the mechanics serve one request at a time whatever
 *     queue_depth says. For a move of d bytes from the head (the end of the last request
 *     serviced): seek = seek_min + (seek_max - seek_min) * sqrt(d / capacity), plus a
 *     rotational delay uniform on [0, 60/rpm); d == 0 (a sequential stream) costs neither;
 *   - flush: a queued command like the others (FIFO, takes a slot, holds the arm of a
 *     rotational device); it costs one sample of the flush distribution and no latency.
 *
 * Splitting and merging (the block layer's bio split at max_sectors and its back-merge
 * of a request into the last one queued, simplified):
 *   - a call for len bytes becomes ceil(len / max_io) requests of at most max_io bytes,
 *     all QUEUED at once, so their service overlaps up to queue_depth;
 *   - before that, if the newest QUEUED request (the queue's tail: queued, not started)
 *     has the same op and ends exactly where the new call starts, as many bytes as fit
 *     below max_io are added to it instead. A request that a worker has started never
 *     grows. This is what turns back-to-back contiguous writes from several writeback
 *     actors into one large request when the device is busy.
 *
 * Simplification: FIFO service, no NCQ or elevator reordering, no front merges.
 * Simplification: one latency distribution for reads and writes.
 * Simplification: no volatile write cache: a write is done when its transfer is; the
 *   cost of emptying a cache is the flush distribution, independent of what was written.
 * Simplification: on a rotational device with queue_depth > 1, a request a worker has
 *   taken while waiting for the arm is no longer mergeable.
 * Simplification: one zone: the sustained bandwidth is the same over the whole disk.
 *
 * Simplification: concurrent transfers are served one after another, not shared.
 *
 * Lock order: a worker takes only the arm or the bus; no other SimGrid lock is held
 * across calls.
 * All queue manipulation happens between simcalls of one actor, which SimGrid's
 * cooperative scheduling makes atomic.
 */
#include "actors/device.h"

#include "actors/sched.h"
#include "core/xalloc.h"

#include <simgrid/actor.h>
#include <simgrid/disk.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/mutex.h>
#include <simgrid/semaphore.h>
#include <xbt/asserts.h>

#include <errno.h>
#include <gsl/gsl_rng.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int xs_device_write_platform(const struct xs_device_cfg *cfg, const char *path)
{
	FILE *f = fopen(path, "w");
	int ret = 0;

	if (!f)
		return -errno;
	if (fprintf(f,
		    "<?xml version='1.0'?>\n"
		    "<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
		    "<!-- wpsim device %s -->\n"
		    "<platform version=\"4.1\">\n"
		    "  <zone id=\"world\" routing=\"Full\">\n"
		    "    <host id=\"node\" speed=\"1Gf\" core=\"1\">\n"
		    "      <disk id=\"disk\" read_bw=\"%.17gBps\" write_bw=\"%.17gBps\"/>\n"
		    "    </host>\n"
		    "  </zone>\n"
		    "</platform>\n",
		    cfg->name[0] ? cfg->name : "unnamed", cfg->read_bw_Bps, cfg->write_bw_Bps) < 0)
		ret = -EIO;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

/* ---- the device ---- */

enum xs_dev_op { XS_DEV_READ = 0, XS_DEV_WRITE, XS_DEV_FLUSH };

/*
 * One call. A blocking one is released once for each request that carries a piece of
 * it; an asynchronous one (fn) is told when its last piece is done, by the worker that
 * completed it, and freed then.
 */
struct xs_dev_io {
	sg_sem_t done;
	unsigned int pieces;
	void (*fn)(void *arg);
	void *arg;
	unsigned int remaining; /* asynchronous: pieces not done, + 1 while queueing */
};

/* A caller's share of a request; freed when the request completes. */
struct xs_dev_waiter {
	struct xs_dev_io *io;
	struct xs_dev_waiter *next;
};

struct xs_dev_req {
	enum xs_dev_op op;
	uint64_t off_bytes;
	uint64_t len_bytes;
	struct xs_dev_waiter *waiters;
	struct xs_dev_req *next;
};

struct xs_device {
	struct xs_device_cfg cfg;
	sg_disk_t disk;
	sg_host_t host;
	gsl_rng *rng;			  /* owned */
	sg_sem_t queued;		  /* counts QUEUED requests; workers wait on it */
	sg_mutex_t arm;			  /* rotational: the head assembly */
	sg_mutex_t bus;			  /* otherwise: the transfer in progress */
	struct xs_dev_req *qhead, *qtail; /* FIFO of QUEUED requests */
	uint32_t nqueued;
	uint32_t nworkers;   /* spawned so far, <= queue_depth */
	uint32_t nbusy;	     /* workers between pop and completion */
	uint32_t nservice;   /* requests in service (after the arm, if any) */
	uint64_t head_bytes; /* rotational: where the head is */
	double busy_since_s; /* when nservice last went from 0 to 1 */
	uint64_t merges;     /* back-merges, for xs_dev_check */
	struct xs_device_stats st;
	struct xs_sched *sched;		/* the run's park records (sched.h), or NULL */
	struct xs_dev_worker **workers; /* nworkers */
};

/* A queue slot's actor data: its park record first (sched.h). */
struct xs_dev_worker {
	struct xs_park park;
	struct xs_device *dev;
};

/* sched.h bookkeeping around a blocking call, when the run keeps it */
static void dev_park(const struct xs_device *dev, const void *chan, double wake_at)
{
	if (dev->sched)
		xs_park(xs_park_self(), chan, wake_at);
}

static void dev_unpark(const struct xs_device *dev)
{
	if (dev->sched)
		xs_unpark(xs_park_self());
}

static void dev_wake_one(const struct xs_device *dev, const void *chan)
{
	if (dev->sched)
		xs_wake_one(chan);
}

/* Recount the queue from scratch against the counters. */
static void xs_dev_check(const struct xs_device *dev)
{
	const struct xs_dev_req *r;
	uint32_t n = 0;

	for (r = dev->qhead; r; r = r->next) {
		n++;
		xbt_assert(r->len_bytes > 0 || r->op == XS_DEV_FLUSH, "empty request in queue");
		xbt_assert(r->len_bytes <= dev->cfg.max_io_bytes, "request over max_io");
		xbt_assert(r->waiters, "request without waiter");
		xbt_assert(r->next || r == dev->qtail, "queue tail is not the last request");
	}
	xbt_assert(n == dev->nqueued, "queue holds %u requests, counter says %u", n, dev->nqueued);
	xbt_assert(dev->nbusy <= dev->nworkers && dev->nworkers <= dev->cfg.queue_depth,
		   "busy %u, workers %u, queue depth %u", dev->nbusy, dev->nworkers,
		   dev->cfg.queue_depth);
	xbt_assert(dev->nservice <= dev->nbusy, "%u in service, %u busy", dev->nservice,
		   dev->nbusy);
}

static double dev_seek_s(const struct xs_device *dev, uint64_t dist_bytes)
{
	const struct xs_device_cfg *c = &dev->cfg;
	double frac = (double)dist_bytes / (double)c->capacity_bytes;

	if (dist_bytes == 0)
		return 0;
	if (frac > 1)
		frac = 1;
	return c->seek_min_s + (c->seek_max_s - c->seek_min_s) * sqrt(frac);
}

/* An asynchronous call loses a piece; the last one tells the caller. */
static void dev_io_put(struct xs_dev_io *io)
{
	if (--io->remaining)
		return;
	io->fn(io->arg);
	free(io);
}

static void dev_complete(struct xs_device *dev, struct xs_dev_req *req)
{
	struct xs_dev_waiter *w, *next;
	struct xs_dev_io *io;

	if (req->op != XS_DEV_FLUSH) {
		dev->st.requests++;
		dev->st.bytes += req->len_bytes;
	}
	if (--dev->nservice == 0)
		dev->st.busy_s += simgrid_get_clock() - dev->busy_since_s;
	dev->nbusy--;
	/* A caller may return (and its io go away) as soon as it is released. */
	for (w = req->waiters; w; w = next) {
		next = w->next;
		io = w->io;
		free(w);
		if (io->fn) {
			dev_io_put(io);
			continue;
		}
		dev_wake_one(dev, io->done);
		sg_sem_release(io->done);
	}
	free(req);
}

static void dev_service(struct xs_device *dev, struct xs_dev_req *req)
{
	const struct xs_device_cfg *c = &dev->cfg;
	double t_s;
	uint64_t dist;

	if (dev->nservice++ == 0)
		dev->busy_since_s = simgrid_get_clock();
	if (req->op == XS_DEV_FLUSH) {
		t_s = xs_dist_sample(&c->flush, dev->rng);
	} else {
		t_s = xs_dist_sample(&c->latency, dev->rng);
		if (c->rotational) {
			dist = req->off_bytes > dev->head_bytes ? req->off_bytes - dev->head_bytes
								: dev->head_bytes - req->off_bytes;
			if (dist)
				t_s += dev_seek_s(dev, dist) +
				       gsl_rng_uniform(dev->rng) * 60.0 / c->rpm;
			dev->head_bytes = req->off_bytes + req->len_bytes;
		}
	}
	if (dev->sched) /* no service ends past the run's time limit (sched.h) */
		t_s = xs_sched_clamp(dev->sched, simgrid_get_clock(), t_s);
	if (t_s > 0) {
		dev_park(dev, NULL, simgrid_get_clock() + t_s);
		sg_actor_sleep_for(t_s);
		dev_unpark(dev);
	}
	if (req->op == XS_DEV_FLUSH)
		return;
	/* one transfer at a time (the arm of a rotational device is held already) */
	if (!c->rotational && !sg_mutex_try_lock(dev->bus)) {
		dev_park(dev, dev->bus, INFINITY);
		sg_mutex_lock(dev->bus);
		dev_unpark(dev);
	}
	/* the transfer: len / bandwidth, slept (exact, where SimGrid's disk action is not) */
	t_s = (double)req->len_bytes / (req->op == XS_DEV_WRITE ? c->write_bw_Bps : c->read_bw_Bps);
	if (dev->sched)
		t_s = xs_sched_clamp(dev->sched, simgrid_get_clock(), t_s);
	dev_park(dev, NULL, simgrid_get_clock() + t_s);
	sg_actor_sleep_for(t_s);
	dev_unpark(dev);
	if (!c->rotational) {
		dev_wake_one(dev, dev->bus);
		sg_mutex_unlock(dev->bus);
	}
}

/* One queue slot: take the oldest QUEUED request, serve it, wake its callers. */
static void dev_worker(int argc, char **argv)
{
	struct xs_dev_worker *self = sg_actor_self_get_data();
	struct xs_device *dev = self->dev;
	struct xs_dev_req *req;

	(void)argc;
	(void)argv;
	for (;;) {
		bool block = sg_sem_would_block(dev->queued);

		if (block)
			dev_park(dev, dev->queued, INFINITY);
		sg_sem_acquire(dev->queued);
		if (block)
			dev_unpark(dev);
		req = dev->qhead;
		xbt_assert(req, "worker woken with an empty queue");
		dev->qhead = req->next;
		if (!dev->qhead)
			dev->qtail = NULL;
		dev->nqueued--;
		dev->nbusy++;
		if (dev->cfg.rotational && !sg_mutex_try_lock(dev->arm)) {
			dev_park(dev, dev->arm, INFINITY);
			sg_mutex_lock(dev->arm);
			dev_unpark(dev);
		}
		dev_service(dev, req);
		if (dev->cfg.rotational) {
			dev_wake_one(dev, dev->arm);
			sg_mutex_unlock(dev->arm);
		}
		dev_complete(dev, req);
	}
}

/*
 * Workers are spawned when QUEUED requests outnumber idle workers, up to queue_depth.
 * Creating an actor is a simcall, during which other callers run (and may spawn workers
 * of their own): count the new workers before creating them, and create only those.
 */
static void dev_spawn_workers(struct xs_device *dev)
{
	uint32_t first = dev->nworkers, last, i;
	char name[96];
	sg_actor_t a;

	while (dev->nqueued > dev->nworkers - dev->nbusy && dev->nworkers < dev->cfg.queue_depth)
		dev->nworkers++;
	last = dev->nworkers;
	dev->workers = xs_xrealloc(dev->workers, last * sizeof(*dev->workers));
	for (i = first; i < last; i++) {
		struct xs_dev_worker *w = xs_xcalloc(1, sizeof(*w));

		w->dev = dev;
		if (dev->sched)
			xs_park_register(dev->sched, &w->park);
		dev->workers[i] = w;
		snprintf(name, sizeof(name), "dev-%s-%u", dev->cfg.name, i);
		if (dev->sched)
			xs_sched_stack_take(dev->sched);
		a = sg_actor_init(name, dev->host);
		sg_actor_set_data(a, w);
		sg_actor_start(a, dev_worker, 0, NULL);
		sg_actor_daemonize(a);
	}
}

static void dev_add_waiter(struct xs_dev_req *req, struct xs_dev_io *io)
{
	struct xs_dev_waiter *w = xs_xmalloc(sizeof(*w));

	w->io = io;
	w->next = req->waiters;
	req->waiters = w;
	io->pieces++;
	io->remaining++;
}

/* Queue a call's requests (merging, splitting) and start the workers they need. */
static void dev_queue(struct xs_device *dev, enum xs_dev_op op, uint64_t off, uint64_t len,
		      struct xs_dev_io *io)
{
	struct xs_dev_req *tail = dev->qtail, *req;
	uint64_t max_io = dev->cfg.max_io_bytes, n;
	uint32_t fresh = 0;
	unsigned int i;

	if (dev->sched)
		xs_sched_sync(); /* the request is made where the caller is */
	if (op != XS_DEV_FLUSH && tail && tail->op == op &&
	    tail->off_bytes + tail->len_bytes == off && tail->len_bytes < max_io) {
		n = max_io - tail->len_bytes < len ? max_io - tail->len_bytes : len;
		tail->len_bytes += n;
		dev_add_waiter(tail, io);
		dev->merges++;
		off += n;
		len -= n;
	}
	while (len > 0 || (op == XS_DEV_FLUSH && fresh == 0)) {
		n = len < max_io ? len : max_io;
		req = xs_xcalloc(1, sizeof(*req));
		req->op = op;
		req->off_bytes = off;
		req->len_bytes = n;
		dev_add_waiter(req, io);
		if (dev->qtail)
			dev->qtail->next = req;
		else
			dev->qhead = req;
		dev->qtail = req;
		dev->nqueued++;
		fresh++;
		off += n;
		len -= n;
	}
	dev_spawn_workers(dev);
	for (i = 0; i < fresh; i++) {
		dev_wake_one(dev, dev->queued);
		sg_sem_release(dev->queued);
	}
}

/* Queue a call's requests, then wait until all of them are done. */
static void dev_submit(struct xs_device *dev, enum xs_dev_op op, uint64_t off, uint64_t len)
{
	struct xs_dev_io io = {sg_sem_init(0), 0, NULL, NULL, 0};
	unsigned int i;

	dev_queue(dev, op, off, len, &io);
	for (i = 0; i < io.pieces; i++) {
		bool block = sg_sem_would_block(io.done);

		if (block)
			dev_park(dev, io.done, INFINITY);
		sg_sem_acquire(io.done);
		if (block)
			dev_unpark(dev);
	}
	sg_sem_destroy(io.done);
}

/*
 * Create a device serving disk (a disk of the platform written by
 * xs_device_write_platform) with a copy of cfg. The device owns rng from here on and
 * frees it in xs_device_destroy. Callable before simgrid_run() or from an actor.
 */
struct xs_device *xs_device_create(const struct xs_device_cfg *cfg, sg_disk_t disk, gsl_rng *rng)
{
	struct xs_device *dev = xs_xcalloc(1, sizeof(*dev));

	xbt_assert(cfg->queue_depth >= 1 && cfg->max_io_bytes >= 512, "unvalidated device config");
	dev->cfg = *cfg;
	dev->disk = disk;
	dev->host = sg_disk_get_host(disk);
	dev->rng = rng;
	dev->queued = sg_sem_init(0);
	if (cfg->rotational)
		dev->arm = sg_mutex_init();
	else
		dev->bus = sg_mutex_init();
	return dev;
}

void xs_device_use_sched(struct xs_device *dev, struct xs_sched *sched)
{
	dev->sched = sched;
}

/*
 * Forget the requests still queued, after a run whose actors were killed (a deadlock
 * ends the run that way): their submitters and the workers are gone.
 */
void xs_device_abandon(struct xs_device *dev)
{
	struct xs_dev_req *r, *next;
	struct xs_dev_waiter *w, *wnext;

	for (r = dev->qhead; r; r = next) {
		next = r->next;
		for (w = r->waiters; w; w = wnext) {
			wnext = w->next;
			/* an asynchronous call goes with its last piece, unannounced */
			if (w->io->fn && --w->io->remaining == 0)
				free(w->io);
			free(w);
		}
		free(r);
	}
	dev->qhead = dev->qtail = NULL;
	dev->nqueued = dev->nbusy = dev->nservice = 0;
}

/*
 * Free the device. Call it after simgrid_run() has returned (the workers are daemons,
 * killed when the last other actor ends), with no I/O in flight.
 */
void xs_device_destroy(struct xs_device *dev)
{
	if (!dev)
		return;
	xs_dev_check(dev);
	xbt_assert(!dev->qhead && dev->nbusy == 0, "device destroyed with I/O in flight");
	sg_sem_destroy(dev->queued);
	if (dev->arm)
		sg_mutex_destroy(dev->arm);
	if (dev->bus)
		sg_mutex_destroy(dev->bus);
	while (dev->nworkers)
		free(dev->workers[--dev->nworkers]);
	free(dev->workers);
	gsl_rng_free(dev->rng);
	free(dev);
}

/*
 * Write len_bytes at byte_off and return when the device has transferred them
 * (simulated time passes in the calling actor). len_bytes == 0 returns at once.
 */
void xs_device_write(struct xs_device *dev, uint64_t byte_off, uint64_t len_bytes)
{
	if (len_bytes)
		dev_submit(dev, XS_DEV_WRITE, byte_off, len_bytes);
}

/*
 * Queue the write and return; fn(arg) runs in the device worker that completes its
 * last piece (as a bio's end_io runs where the device's interrupt is taken).
 */
void xs_device_write_async(struct xs_device *dev, uint64_t byte_off, uint64_t len_bytes,
			   void (*fn)(void *arg), void *arg)
{
	struct xs_dev_io *io = xs_xcalloc(1, sizeof(*io));

	xbt_assert(len_bytes, "an empty write");
	io->fn = fn;
	io->arg = arg;
	io->remaining = 1;
	dev_queue(dev, XS_DEV_WRITE, byte_off, len_bytes, io);
	dev_io_put(io);
}

/* Read len_bytes at byte_off, as xs_device_write. */
void xs_device_read(struct xs_device *dev, uint64_t byte_off, uint64_t len_bytes)
{
	if (len_bytes)
		dev_submit(dev, XS_DEV_READ, byte_off, len_bytes);
}

/* A cache flush, queued behind the requests already submitted (FIFO). */
void xs_device_flush(struct xs_device *dev)
{
	dev_submit(dev, XS_DEV_FLUSH, 0, 0);
}

/*
 * requests and bytes count data requests as the device served them (after splitting
 * and merging; flushes excluded); busy_s is the simulated time during which at least
 * one request (flushes included) was in service.
 */
void xs_device_get_stats(const struct xs_device *dev, struct xs_device_stats *st)
{
	*st = dev->st;
	if (dev->nservice)
		st->busy_s += simgrid_get_clock() - dev->busy_since_s;
}
