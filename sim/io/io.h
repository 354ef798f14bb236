/*
 * `wpsim io`: xfs_io's command language run against the model (docs/design.md, "wpsim io").
 */
#ifndef XS_IO_IO_H
#define XS_IO_IO_H

#include <stdio.h>

/*
 * Run commands against one file on a fresh modelled filesystem. cmds (ncmds of them)
 * are -c arguments; script (may be NULL) is a file of commands, one a line, '#'
 * comments; a "# mkfs-size: SIZE" comment sets the filesystem size. kernel (may be
 * NULL: the running kernel's preset) is the preset the model runs under. Output goes
 * to out and err as xfs_io's would. Returns the exit status: 0, 1 (a runtime failure),
 * or 2 (bad input: a message naming the line is printed to err).
 */
int xs_io_run(int ncmds, char **cmds, const char *script, const char *kernel, FILE *out, FILE *err);

#endif /* XS_IO_IO_H */
