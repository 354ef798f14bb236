/*
 * wpsim: the subcommands (DESIGN.md §8).
 */
#include "io/io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(FILE *f)
{
	fprintf(f,
		"usage: wpsim io [-c CMD]... [SCRIPT]\n"
		"       wpsim run SCENARIO [-s section.key=value]... [--db PATH] [--trace PATH]\n"
		"       wpsim sweep SWEEP [--jobs N] [--db PATH] [--resume]\n"
		"       wpsim report [--db PATH] [--out DIR]\n");
	return 2;
}

static int cmd_io(int argc, char **argv)
{
	char **cmds = calloc((size_t)argc + 1, sizeof(*cmds));
	const char *script = NULL;
	int i, n = 0, ret;

	if (!cmds)
		return 1;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "wpsim io: -c needs a command\n");
				free(cmds);
				return 2;
			}
			cmds[n++] = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "wpsim io: unknown option %s\n", argv[i]);
			free(cmds);
			return 2;
		} else if (!script) {
			script = argv[i];
		} else {
			fprintf(stderr, "wpsim io: one script only (got %s and %s)\n", script,
				argv[i]);
			free(cmds);
			return 2;
		}
	}
	ret = xs_io_main(n, cmds, script, stdout, stderr);
	free(cmds);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	if (strcmp(argv[1], "io") == 0)
		return cmd_io(argc - 2, argv + 2);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "run") == 0 || strcmp(argv[1], "sweep") == 0 ||
	    strcmp(argv[1], "report") == 0) {
		fprintf(stderr, "wpsim %s: not built yet (issues 3 and 4)\n", argv[1]);
		return 2;
	}
	fprintf(stderr, "wpsim: unknown command %s\n", argv[1]);
	return usage(stderr);
}
