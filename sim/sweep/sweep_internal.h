/*
 * What sweep_file.c (reading sweep files) and the other sweep modules (sweep.c, sweep_pool.c,
 * sweep_single.c) share.
 * Not a public interface.
 */
#ifndef XS_SWEEP_INTERNAL_H
#define XS_SWEEP_INTERNAL_H

#include "sweep/sweep.h"

#include <stddef.h>

#define XS_SWEEP_FILE_MAX (1 << 20)  /* largest sweep file read */
#define XS_SCN_FILE_MAX	  (16 << 20) /* largest scenario file hashed */
#define XS_RUN_KEY_MAX	  4096

/*
 * The whole text file at path (xs_textfile_read(): a regular file without NUL bytes)
 * into a NUL-terminated malloc'd *buf of at most max bytes (*len without the NUL).
 * Returns 0, or -errno with "PATH[:LINE]: why" in err.
 */
int xs_sweep_read_file(const char *path, size_t max, char **buf, size_t *len, char *err,
		       size_t errlen);

/* A decimal number without sign or blanks, at most INT64_MAX. */
bool xs_sweep_u64_parse(const char *s, uint64_t *v);

/* The -s overrides of the combination val (one value index per varied key) into ov. */
void xs_sweep_overrides(const struct xs_sweep *sw, const size_t *val, struct xs_override *ov);

/*
 * The sweep's identity (sweep_key, spec_hash) from its name or the scenario file's
 * bytes and the varied keys. Returns 0 or -errno with a message in err.
 */
int xs_sweep_identity(struct xs_sweep *sw, char *err, size_t errlen);

#endif /* XS_SWEEP_INTERNAL_H */
