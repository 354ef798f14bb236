/*
 * The scenario loader (sim/config/scenario.c) on arbitrary bytes: a scenario file, with
 * device and cost files found from the repository root (the harness runs there).
 */
#include "config/scenario.h"
#include "fuzz/fuzz.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void count_param(void *arg, const char *name, const char *value)
{
	/* every resolved key has a name and a value text: what the param table stores */
	if (!name[0] || !value)
		abort();
	++*(size_t *)arg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[1024];
	int fd = xs_fuzz_memfile(data, size, path, sizeof(path));
	struct xs_scenario *sc = fd < 0 ? NULL : malloc(sizeof(*sc));
	size_t nparams = 0;

	if (sc) {
		err[0] = '\0';
		if (xs_scenario_load(path, NULL, 0, NULL, sc, err, sizeof(err)) == 0)
			xs_scenario_foreach_param(sc, count_param, &nparams);
		else if (!err[0] || !strstr(err, path))
			abort(); /* a refusal always says why, naming the file */
	}
	free(sc);
	if (fd >= 0)
		close(fd);
	return 0;
}
