/*
 * Where the files a scenario or a sweep names are looked for (config/paths.h): the
 * naming file's directory and the two above it, the current directory, XS_DATADIR.
 */
#include "config/paths.h"
#include "tests/testhelp.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static bool dirs_are(const struct xs_paths *p, const char *const *want, int n)
{
	int i;

	if (p->n != n)
		return false;
	for (i = 0; i < n; i++)
		if (strcmp(p->dir[i], want[i]) != 0)
			return false;
	return true;
}

XS_TEST_SUITE(test_paths_dirs)
{
	static const char *const rel[] = {"scenarios", "", "..", XS_DATADIR};
	static const char *const here[] = {"", "..", "../..", XS_DATADIR};
	static const char *const deep[] = {"/a/b/c", "/a/b", "/a", "", XS_DATADIR};
	static const char *const dots[] = {"../x", "..", "../..", "", XS_DATADIR};
	struct xs_paths p;

	xs_paths_init(&p, "scenarios/g.ini");
	test_cond("scenarios/g.ini: scenarios, the current directory, .., the data directory",
		  dirs_are(&p, rel, 4));
	xs_paths_init(&p, "g.ini");
	test_cond("g.ini: the current directory, .., ../.., the data directory",
		  dirs_are(&p, here, 4));
	xs_paths_init(&p, "/a/b/c/g.ini");
	test_cond("/a/b/c/g.ini: /a/b/c, /a/b, /a, then the current and data directories",
		  dirs_are(&p, deep, 5));
	xs_paths_init(&p, "../x/g.ini");
	test_cond("../x/g.ini: ../x, .., ../.., then the current and data directories",
		  dirs_are(&p, dots, 5));
}

XS_TEST_SUITE(test_paths_find)
{
	char base[512], from[640], file[700], out[2048];
	struct xs_paths p;
	struct stat st;

	snprintf(base, sizeof(base), "%s/top", xs_test_tmp_dir());
	test_assert(mkdir(base, 0700) == 0);
	snprintf(file, sizeof(file), "%s/scenarios", base);
	test_assert(mkdir(file, 0700) == 0);
	snprintf(file, sizeof(file), "%s/configs", base);
	test_assert(mkdir(file, 0700) == 0);
	snprintf(file, sizeof(file), "%s/configs/dev.ini", base);
	xs_test_write_text(file, "x\n");
	snprintf(from, sizeof(from), "%s/scenarios/s.ini", base);
	xs_paths_init(&p, from);
	test_cond("a file in the parent of the naming file's directory is found",
		  xs_paths_find(&p, "configs/dev.ini", out, sizeof(out)) &&
			  strcmp(out, file) == 0 && stat(out, &st) == 0);
	/* one next to the naming file comes first */
	snprintf(file, sizeof(file), "%s/scenarios/configs", base);
	test_assert(mkdir(file, 0700) == 0);
	snprintf(file, sizeof(file), "%s/scenarios/configs/dev.ini", base);
	xs_test_write_text(file, "y\n");
	test_cond("the naming file's own directory comes before its parent",
		  xs_paths_find(&p, "configs/dev.ini", out, sizeof(out)) && strcmp(out, file) == 0);
	test_cond("a missing file: false, with every place looked, the data directory last",
		  !xs_paths_find(&p, "configs/none.ini", out, sizeof(out)) &&
			  strncmp(out, base, strlen(base)) == 0 &&
			  strncmp(out + strlen(base), "/scenarios/configs/none.ini, ", 29) == 0 &&
			  strstr(out, "/top/configs/none.ini, ") &&
			  strstr(out, ", configs/none.ini, ") &&
			  strstr(out, XS_DATADIR "/configs/none.ini") + strlen(XS_DATADIR) +
					  strlen("/configs/none.ini") ==
				  out + strlen(out));
	test_cond("an absolute name is only itself",
		  !xs_paths_find(&p, "/nonexistent/x.ini", out, sizeof(out)) &&
			  strcmp(out, "/nonexistent/x.ini") == 0);
	test_cond("a directory is not a file", !xs_paths_find(&p, "configs", out, sizeof(out)));
}
