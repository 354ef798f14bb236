/*
 * The sweep file loader (sim/sweep/sweep_file.c) on arbitrary bytes. Its scenario is
 * whatever path the input names: the seed corpus names the repository's scenarios.
 */
#include "fuzz/fuzz.h"
#include "sweep/sweep.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xs_sweep *sw = calloc(1, sizeof(*sw));
	char path[64], err[1024], key[4096];
	int fd, error;

	if (!sw)
		return 0;
	fd = xs_fuzz_memfile(data, size, path, sizeof(path));
	if (fd < 0) {
		free(sw);
		return 0;
	}
	err[0] = '\0';
	error = xs_sweep_load(path, NULL, sw, err, sizeof(err));
	if (error && !err[0])
		abort();
	if (!error) {
		/* the first and the last run exist and have keys */
		struct xs_sweep_point pt;

		if (!sw->nruns)
			abort();
		xs_sweep_point(sw, 0, &pt);
		(void)xs_sweep_run_key(sw, &pt, key, sizeof(key));
		xs_sweep_point(sw, sw->nruns - 1, &pt);
		(void)xs_sweep_run_key(sw, &pt, key, sizeof(key));
	}
	xs_sweep_free(sw);
	close(fd);
	free(sw);
	return 0;
}
