/*
 * A block device's timing parameters, from configs/devices/NAME.ini (each file's header
 * names the datasheet or measurement they are quoted from). actors/device.h is the
 * timing model that uses them.
 */
#ifndef XS_DEVICE_FILE_H
#define XS_DEVICE_FILE_H

#include "config/dist.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xs_device_cfg {
	char name[64];
	double read_bw_Bps; /* sustained, bytes/s */
	double write_bw_Bps;
	struct xs_dist latency; /* per request, excluding transfer */
	uint32_t queue_depth;	/* >= 1 */
	uint64_t max_io_bytes;	/* requests are split at this size */
	bool rotational;
	double seek_min_s;	 /* track-to-track */
	double seek_max_s;	 /* full stroke; seek time grows with sqrt(distance) */
	double rpm;		 /* rotational latency uniform on [0, 60/rpm) */
	uint64_t capacity_bytes; /* for seek distances */
	struct xs_dist flush;	 /* cache flush (fsync) */
};

/*
 * Load and validate a device file. Unknown keys and bad values:
 * "FILE:LINE: key = value: problem (accepted: ...)" in err, -EINVAL; a missing file
 * "FILE: No such file or directory", -ENOENT.
 */
int xs_device_cfg_load(const char *path, struct xs_device_cfg *cfg, char *err, size_t errlen);

#endif /* XS_DEVICE_FILE_H */
