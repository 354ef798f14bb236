/*
 * Where a file that another file names is found (docs/scenarios.md, "Scenario files"):
 * a device or cost file named by a scenario, a scenario named by a sweep. A relative
 * name is looked for in the naming file's directory and the two above it (so that a
 * scenario in scenarios/ finds configs/..., and a sweep in configs/sweeps/ finds
 * scenarios/...), then in the current directory, then in the installed data
 * directory XS_DATADIR. An absolute name is only itself.
 */
#ifndef XS_PATHS_H
#define XS_PATHS_H

#include <stdbool.h>
#include <stddef.h>

#ifndef XS_DATADIR
#define XS_DATADIR "/usr/local/share/wpsim"
#endif

#define XS_PATHS_MAX	    5	 /* places looked at most */
#define XS_PATHS_NAME_MAX   64	 /* a NAME.ini's NAME, as a scenario's names */
#define XS_PATHS_LOOKED_MAX 1024 /* the text of the places looked */

/* The places a name is looked for, in order, without duplicates. */
struct xs_paths {
	char dir[XS_PATHS_MAX][1024]; /* "" for the current directory */
	int n;
};

/* The directories where names from the file at from are looked for. */
void xs_paths_init(struct xs_paths *p, const char *from);

/*
 * The first dir/name of p that is a regular file, into out (len bytes): true; or false
 * and every path looked at in out, as "A, B, C" (truncated to len).
 */
bool xs_paths_find(const struct xs_paths *p, const char *name, char *out, size_t len);

/* dir/name, or name alone when dir is "" or name is absolute, into out. */
void xs_paths_join(const char *dir, const char *name, char *out, size_t len);

/*
 * The file sub/name (NAME.ini) that the file at from names (a device or cost file of a
 * scenario): in dir alone when the user named a directory ($WPSIM_DEVICES,
 * $WPSIM_CPU; then sub is not used), else where xs_paths_init() looks. Into out (len
 * bytes) and 0; or -ENOENT and, in acc, the NAMEs found there ("a, b", or "none
 * found") and, when searched, "; looked for: " every place looked; or -ENAMETOOLONG.
 */
int xs_paths_find_ini(const char *from, const char *dir, const char *sub, const char *name,
		      char *out, size_t len, char *acc, size_t acclen);

#endif /* XS_PATHS_H */
