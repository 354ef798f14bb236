/*
 * Tests of how many rows `wpsim io`'s bmap prints (sim/io/io.c), against what
 * xfs_io 6.1 (io/bmap.c bmap_f) does with its GETBMAPX calls: a first call with
 * bmv_count 32, of which the kernel fills at most 31 rows (xfs_getbmap_full: entries
 * >= bmv_count - 1); a second, with 2 * fsx_nextents + 1, only if the first was full
 * and 2 * fsx_nextents > 32. Counts from data/kernel/out/bmap-31-rows.out.
 */
#include "io/io.h"
#include "tests/testhelp.h"

#include <stdlib.h>
#include <string.h>

/* Run -c commands; the number of lines of the output that are bmap rows ("\tN: ["). */
static int bmap_rows(char **cmds, int ncmds)
{
	char *text = NULL, *etext = NULL, *p;
	size_t size = 0, esize = 0;
	int rows = 0, rc;
	FILE *out = open_memstream(&text, &size);
	FILE *err = open_memstream(&etext, &esize);

	test_assert(out && err);
	rc = xs_io_run(ncmds, cmds, NULL, NULL, out, err);
	fclose(out);
	fclose(err);
	free(etext);
	test_assert(rc == 0);
	for (p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		const char *q = p;

		if (*q++ != '\t')
			continue;
		while (*q >= '0' && *q <= '9')
			q++;
		if (q > p + 1 && strncmp(q, ": [", 3) == 0)
			rows++;
	}
	free(text);
	return rows;
}

/*
 * A 132 KiB file with one block written at every other block from block 1: 16 delalloc
 * extents, 16 holes before them and a trailing hole [128, 132) KiB: 33 rows.
 * nextents 16: 2 * 16 = 32 is not > 32, so xfs_io keeps the 31 rows of its first call.
 * One more extent: 17 at 140 KiB (the file grows to 144 KiB; 128-140 KiB a hole):
 * 34 rows; 2 * 17 = 34 > 32, so a second call with 35 slots returns all 34.
 */
XS_TEST_SUITE(test_io_bmap_rows_first_call)
{
	char *cmds[40];
	char lines[20][32];
	int n = 0, k;

	cmds[n++] = "truncate 132k";
	for (k = 0; k < 16; k++) {
		snprintf(lines[k], sizeof(lines[k]), "pwrite -q %dk 4k", 4 + 8 * k);
		cmds[n++] = lines[k];
	}
	cmds[n++] = "bmap -e";
	test_cond("16 extents, 33 rows: 31 printed", bmap_rows(cmds, n) == 31);
	cmds[n - 1] = "bmap";
	test_cond("... the same after the flush of bmap without -e", bmap_rows(cmds, n) == 31);
	cmds[n - 1] = "bmap -n 40";
	test_cond("... -n 40 asks for 42 slots: all 33", bmap_rows(cmds, n) == 33);
	cmds[n - 1] = "pwrite -q 140k 4k";
	cmds[n++] = "bmap -e";
	test_cond("17 extents, 34 rows: a second call, all 34 printed", bmap_rows(cmds, n) == 34);
}

/* Fewer rows than the first call holds: all printed, whatever nextents says. */
XS_TEST_SUITE(test_io_bmap_rows_short)
{
	char *cmds[] = {"truncate 64k", "pwrite -q 4k 4k", "pwrite -q 20k 4k", "bmap -e"};

	/* hole [0,4) ext [4,8) hole [8,20) ext [20,24) hole [24,64) KiB: 5 rows */
	test_cond("2 extents: 5 rows", bmap_rows(cmds, 4) == 5);
}
