/*
 * Finding the files a scenario or a sweep names (paths.h). Directories are worked out
 * as text, not with realpath(): the messages then show the paths as the user wrote
 * them, and a path that is found is the one the run records.
 */
#include "config/paths.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* The directory part of path: "." when it has none. */
static void dir_of(const char *path, char *out, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(out, len, ".");
	else if (slash == path)
		snprintf(out, len, "/");
	else
		snprintf(out, len, "%.*s", (int)(slash - path), path);
}

/* The directory above dir, as text ("a/b" -> "a", "a" -> ".", "." -> ".."). */
static void parent_of(const char *dir, char *out, size_t len)
{
	const char *base = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0 || strcmp(dir, ".") == 0) {
		snprintf(out, len, "%s", dir[0] == '/' ? "/" : "..");
	} else if (strcmp(base, "..") == 0 && n + 4 <= len) {
		memcpy(out, dir, n);
		memcpy(out + n, "/..", 4);
	} else if (strcmp(base, "..") == 0) {
		snprintf(out, len, "/"); /* too deep to say: the root ends the walk */
	} else {
		dir_of(dir, out, len);
	}
}

static void add(struct xs_paths *p, const char *dir)
{
	int i;

	if (strcmp(dir, ".") == 0)
		dir = "";
	for (i = 0; i < p->n; i++)
		if (strcmp(p->dir[i], dir) == 0)
			return;
	if (p->n < XS_PATHS_MAX)
		snprintf(p->dir[p->n++], sizeof(p->dir[0]), "%s", dir);
}

void xs_paths_init(struct xs_paths *p, const char *from)
{
	char d[sizeof(p->dir[0])], up[sizeof(p->dir[0])];
	int i;

	p->n = 0;
	dir_of(from, d, sizeof(d));
	for (i = 0; i < 3; i++) {
		add(p, d);
		parent_of(d, up, sizeof(up));
		memcpy(d, up, sizeof(d));
	}
	add(p, ".");
	add(p, XS_DATADIR);
}

void xs_paths_join(const char *dir, const char *name, char *out, size_t len)
{
	if (!dir[0] || name[0] == '/')
		snprintf(out, len, "%s", name);
	else
		snprintf(out, len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);
}

bool xs_paths_find(const struct xs_paths *p, const char *name, char *out, size_t len)
{
	char path[2048];
	size_t used = 0;
	struct stat st;
	int i;

	for (i = 0; i < p->n; i++) {
		xs_paths_join(p->dir[i], name, path, sizeof(path));
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			snprintf(out, len, "%s", path);
			return true;
		}
		if (name[0] == '/')
			break;
	}
	if (len)
		out[0] = '\0';
	for (i = 0; i < p->n && used < len; i++) {
		xs_paths_join(p->dir[i], name, path, sizeof(path));
		used += (size_t)snprintf(out + used, len - used, "%s%s", i ? ", " : "", path);
		if (name[0] == '/')
			break;
	}
	return false;
}
