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
	struct xs_scenario *sc = malloc(sizeof(*sc));
	char path[64], err[1024];
	size_t nparams = 0;
	int fd, error;

	if (!sc)
		return 0;
	fd = xs_fuzz_memfile(data, size, path, sizeof(path));
	if (fd < 0) {
		free(sc);
		return 0;
	}
	err[0] = '\0';
	error = xs_scenario_load(path, NULL, 0, NULL, sc, err, sizeof(err));
	/* a refusal always says why, naming the file */
	if (error && (!err[0] || !strstr(err, path)))
		abort();
	if (!error)
		xs_scenario_foreach_param(sc, count_param, &nparams);
	close(fd);
	free(sc);
	return 0;
}
