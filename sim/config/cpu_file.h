/*
 * Cost files (configs/cpu/NAME.ini, docs/scenarios.md, "Cost files"): every key of the
 * scenario's [cpu] section, as `make kernel-calibrate` measured them on one kernel and
 * machine. A scenario names one with global.cpu; its own [cpu] keys are laid over it.
 */
#ifndef XS_CPU_FILE_H
#define XS_CPU_FILE_H

#include "config/scenario.h"

#include <stddef.h>

/*
 * Load and validate a cost file into cpu. Every [cpu] key is required, once, in a
 * [cpu] section (or before any section). Errors: "FILE:LINE: key = value: problem
 * (accepted: ...)" or "FILE: missing key K (accepted: ...)" in err, -EINVAL; a file
 * that cannot be opened "FILE: reason", -errno.
 */
int xs_cpu_file_load(const char *path, struct xs_cpu_costs *cpu, char *err, size_t errlen);

#endif /* XS_CPU_FILE_H */
