/*
 * The sweep file loader (sim/sweep/sweep_file.c) on arbitrary bytes. Its scenario is
 * whatever path the input names: the seed corpus names the repository's scenarios.
 */
#include "fuzz/fuzz.h"
#include "sweep/sweep.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* An accepted sweep has runs, and its first and last runs have keys. */
static void check_runs(const struct xs_sweep *sw)
{
	struct xs_sweep_point pt;
	char key[4096];

	if (!sw->nruns)
		abort();
	xs_sweep_point(sw, 0, &pt);
	(void)xs_sweep_run_key(sw, &pt, key, sizeof(key));
	xs_sweep_point(sw, sw->nruns - 1, &pt);
	(void)xs_sweep_run_key(sw, &pt, key, sizeof(key));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[1024];
	int fd = xs_fuzz_memfile(data, size, path, sizeof(path));
	struct xs_sweep *sw = fd < 0 ? NULL : calloc(1, sizeof(*sw));

	if (sw) {
		err[0] = '\0';
		if (xs_sweep_load(path, NULL, sw, err, sizeof(err)) == 0)
			check_runs(sw);
		else if (!err[0])
			abort(); /* a refusal always says why */
		xs_sweep_free(sw);
	}
	free(sw);
	if (fd >= 0)
		close(fd);
	return 0;
}
