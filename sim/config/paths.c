/*
 * Finding the files a scenario or a sweep names (paths.h). Directories are worked out
 * as text, not with realpath(): the messages then show the paths as the user wrote
 * them, and a path that is found is the one the run records.
 */
#include "config/paths.h"

#include "core/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * The NAME.ini files in sub/ of every directory of p, sorted and without duplicates,
 * as "a, b"; or that there are none.
 */
static void ini_names_list(const struct xs_paths *p, const char *sub, char *buf, size_t len)
{
	char names[64][XS_PATHS_NAME_MAX], dir[2048];
	const char *sorted[64];
	struct dirent *de;
	size_t n = 0, used = 0, i, j;
	int k;

	for (k = 0; k < p->n; k++) {
		DIR *d;

		xs_paths_join(p->dir[k], sub, dir, sizeof(dir));
		d = opendir(dir[0] ? dir : ".");
		while (d && (de = readdir(d)) != NULL && n < 64) {
			size_t l = strlen(de->d_name);

			if (l <= 4 || l - 4 >= XS_PATHS_NAME_MAX ||
			    strcmp(de->d_name + l - 4, ".ini") || de->d_name[0] == '.')
				continue;
			snprintf(names[n], sizeof(names[n]), "%.*s", (int)(l - 4), de->d_name);
			for (j = 0; j < n && strcmp(sorted[j], names[n]); j++)
				;
			if (j == n) {
				sorted[n] = names[n];
				n++;
			}
		}
		if (d)
			closedir(d);
	}
	qsort(sorted, n, sizeof(sorted[0]), name_cmp);
	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", sorted[i]);
	if (n == 0 && p->n == 1)
		snprintf(buf, len, "none found in %.400s", p->dir[0]);
	else if (n == 0)
		snprintf(buf, len, "none found");
}

int xs_paths_find_ini(const char *from, const char *dir, const char *sub, const char *name,
		      char *out, size_t len, char *acc, size_t acclen)
{
	struct xs_paths *p = xs_xmalloc(sizeof(*p));
	char rel[XS_PATHS_NAME_MAX + 64], *looked = xs_xmalloc(XS_PATHS_LOOKED_MAX);
	size_t used;
	int rc = 0;

	if (!p || !looked) {
		free(p);
		free(looked);
		snprintf(acc, acclen, "%s", strerror(ENOMEM));
		return -ENOENT;
	}
	if (dir) {
		p->n = 1;
		snprintf(p->dir[0], sizeof(p->dir[0]), "%s", dir);
		sub = "";
	} else {
		xs_paths_init(p, from);
	}
	xs_paths_join(sub, name, rel, sizeof(rel));
	if (!xs_paths_find(p, rel, looked, XS_PATHS_LOOKED_MAX)) {
		ini_names_list(p, sub, acc, acclen);
		used = strlen(acc);
		/* a directory the user named is the only place, and the message names it */
		if (!dir)
			snprintf(acc + used, acclen - used, "; looked for: %s", looked);
		rc = -ENOENT;
	} else if (strlen(looked) >= len) {
		snprintf(acc, acclen, "a path shorter than %zu characters", len);
		rc = -ENAMETOOLONG;
	} else {
		snprintf(out, len, "%s", looked);
	}
	free(p);
	free(looked);
	return rc;
}
