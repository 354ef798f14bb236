/*
 * Why a database cannot be opened, in the environment's terms (store.h): a file this
 * user cannot read or write, a directory where SQLite cannot make the -wal and -shm
 * files that WAL mode puts beside the database (read-only media, a read-only bind
 * mount, a directory of another user), a directory that does not exist. SQLite itself
 * says only "unable to open database file" for all of these.
 */
#include "store/store_internal.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The directory of path into buf (POSIX dirname(): "." for a bare name). */
static void dir_of(const char *path, char *buf, size_t len)
{
	char copy[PATH_MAX];

	snprintf(copy, sizeof(copy), "%s", path);
	snprintf(buf, len, "%s", dirname(copy));
}

/* -errno of access(dir of path, W_OK | X_OK): 0 when SQLite may create files there. */
static int dir_writable(const char *path, char *dir, size_t len)
{
	dir_of(path, dir, len);
	return access(dir, W_OK | X_OK) ? -errno : 0;
}

int xs_store_dir_check(const char *path, const char *verb, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	int ret = dir_writable(path, dir, sizeof(dir));

	if (ret == -EROFS)
		snprintf(err, errlen,
			 "%s: cannot %s: the directory %s is on a read-only file system "
			 "(SQLite makes the database's -wal and -shm files beside it)",
			 path, verb, dir);
	else if (ret == -EACCES || ret == -EPERM)
		snprintf(err, errlen,
			 "%s: cannot %s: the directory %s is read-only for this user (%s; SQLite "
			 "makes the database's -wal and -shm files beside it)",
			 path, verb, dir, strerror(-ret));
	else if (ret)
		snprintf(err, errlen, "%s: cannot %s in the directory %s: %s", path, verb, dir,
			 strerror(-ret));
	return ret;
}

int xs_store_check_writable(const char *path, char *err, size_t errlen)
{
	int ret;

	if (access(path, F_OK) == 0 && access(path, R_OK | W_OK) != 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot write: %s%s", path, strerror(-ret),
			 ret == -EROFS ? " (read-only media)" : "");
		return ret;
	}
	return xs_store_dir_check(path, "write", err, errlen);
}

bool xs_store_dir_writable(const char *path)
{
	char dir[PATH_MAX];

	return dir_writable(path, dir, sizeof(dir)) == 0;
}

int xs_store_read_why(const char *path, char *err, size_t errlen)
{
	char dir[PATH_MAX], side[PATH_MAX + 8];
	struct stat sb;
	int ret;

	if (access(path, R_OK) != 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(-ret));
		return ret;
	}
	ret = dir_writable(path, dir, sizeof(dir));
	if (!ret)
		return 0;
	snprintf(side, sizeof(side), "%s-wal", path);
	if (stat(side, &sb) == 0 && sb.st_size > 0) {
		snprintf(err, errlen,
			 "%s: cannot read: its %s holds %lld bytes of transactions, and SQLite can "
			 "read them only by making %s-shm, which the directory %s does not allow "
			 "(%s): copy the database and its -wal to a writable directory",
			 path, side, (long long)sb.st_size, path, dir, strerror(-ret));
		return ret;
	}
	return 0;
}
