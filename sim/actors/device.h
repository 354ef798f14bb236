/*
 * The block device's timing: SimGrid disk bandwidth plus per-request latency drawn
 * from a distribution, a queue depth, a maximum I/O size (larger requests are split,
 * contiguous ones merged), seek and rotation for a rotational disk, and a cache-flush
 * cost. Parameters come from configs/devices/NAME.ini (each file's header names the
 * datasheet or measurement they are quoted from).
 *
 * Request service time = latency sample + (rotational: seek(distance) + rotation
 * sample) + transfer at the disk's bandwidth, one transfer at a time. At most
 * queue_depth requests are in service at once (their latencies overlap); the rest wait
 * in FIFO order. Writes may be synchronous or asynchronous (writeback's ioends).
 */
#ifndef XS_DEVICE_H
#define XS_DEVICE_H

#include "config/device_file.h"

#include <simgrid/forward.h>
#include <stdbool.h>
#include <stdint.h>

struct xs_device;
struct xs_sched;

/*
 * The run keeps sched.h park records in sched: every actor calling the device has one
 * as the first member of its data, and the device's own actors get theirs there.
 */
void xs_device_use_sched(struct xs_device *dev, struct xs_sched *sched);
/* Create the device on disk (from the SimGrid platform); rng is its own stream. */
struct xs_device *xs_device_create(const struct xs_device_cfg *cfg, sg_disk_t disk, gsl_rng *rng);
void xs_device_destroy(struct xs_device *dev);
/* Forget the queued I/O of killed actors (before xs_device_destroy). */
void xs_device_abandon(struct xs_device *dev);

/* Blocking I/O from the calling actor; byte_off is the disk address. */
void xs_device_write(struct xs_device *dev, uint64_t byte_off, uint64_t len_bytes);
void xs_device_read(struct xs_device *dev, uint64_t byte_off, uint64_t len_bytes);
/* Asynchronous write: returns at once; fn(arg) runs, in a device actor, when it is done. */
void xs_device_write_async(struct xs_device *dev, uint64_t byte_off, uint64_t len_bytes,
			   void (*fn)(void *arg), void *arg);
/* Blocking cache flush. */
void xs_device_flush(struct xs_device *dev);

/* Statistics since creation. */
struct xs_device_stats {
	uint64_t requests;
	uint64_t bytes;
	double busy_s;
};
void xs_device_get_stats(const struct xs_device *dev, struct xs_device_stats *st);

/*
 * The platform XML for one host "node" (speed 1 Gf, one core) with one disk "disk"
 * at the device's bandwidths, written to path (for simgrid_load_platform).
 * Returns 0 or -errno.
 */
int xs_device_write_platform(const struct xs_device_cfg *cfg, const char *path);

#endif /* XS_DEVICE_H */
