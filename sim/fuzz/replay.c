/*
 * Replays files through a harness without libFuzzer: `make test` runs every corpus file
 * through every harness with the ordinary compiler (and, in make asan, the sanitizers).
 *   build/fuzz-replay-NAME FILE...
 * Prints "input: FILE" before each input (the last line names the culprit of a crash)
 * and "N inputs" at the end; a bug aborts.
 */
#include "fuzz/fuzz.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f) {
		fprintf(stderr, "fuzz-replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t n;

		if (len == cap) {
			uint8_t *more = realloc(buf, cap ? 2 * cap : 4096);

			if (!more) {
				free(buf);
				fclose(f);
				fprintf(stderr, "fuzz-replay: %s: out of memory\n", path);
				return -1;
			}
			buf = more;
			cap = cap ? 2 * cap : 4096;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int i, bad = 0;

	for (i = 1; i < argc; i++) {
		printf("input: %s\n", argv[i]);
		fflush(stdout);
		if (replay_file(argv[i]))
			bad = 1;
	}
	printf("%d inputs\n", argc - 1);
	return bad;
}
