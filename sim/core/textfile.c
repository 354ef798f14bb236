/*
 * Text input files read whole; see textfile.h.
 */
#include "core/textfile.h"

#include "core/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Read all of fd (size bytes expected) into a new buffer, NUL-terminated. */
static int read_all(int fd, size_t size, size_t max_bytes, char **bufp, size_t *lenp)
{
	size_t cap = size + 1, len = 0;
	char *buf = xs_xmalloc(cap);

	for (;;) {
		ssize_t n;

		if (len + 1 == cap) {
			char *nb;

			if (cap > max_bytes) { /* it grew while being read */
				free(buf);
				return -EFBIG;
			}
			nb = xs_xrealloc(buf, cap * 2);
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = -errno;

			free(buf);
			return e;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > max_bytes) {
		free(buf);
		return -EFBIG;
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
}

int xs_textfile_read(const char *path, size_t max_bytes, size_t max_line, struct xs_textfile *tf,
		     char *err, size_t errlen)
{
	struct stat st;
	size_t len = 0, i, n, lineno, start;
	char *buf = NULL;
	int fd, error;

	memset(tf, 0, sizeof(*tf));
	/* O_NONBLOCK: opening a FIFO with no writer must not wait */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		error = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return error;
	}
	if (fstat(fd, &st)) {
		error = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return error;
	}
	if (!S_ISREG(st.st_mode)) {
		error = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		snprintf(err, errlen, "%s: %s", path,
			 S_ISDIR(st.st_mode) ? "a directory, not a file" : "not a regular file");
		close(fd);
		return error;
	}
	if ((uint64_t)st.st_size > max_bytes) {
		snprintf(err, errlen, "%s: larger than %zu bytes", path, max_bytes);
		close(fd);
		return -EFBIG;
	}
	error = read_all(fd, (size_t)st.st_size, max_bytes, &buf, &len);
	close(fd);
	if (error) {
		snprintf(err, errlen, "%s: %s", path,
			 error == -EFBIG ? "larger than allowed" : strerror(-error));
		return error;
	}
	/* lines, checked for NUL bytes and length as they are split */
	for (i = 0, n = 0; i < len; i++)
		n += buf[i] == '\n';
	tf->lines = xs_xmalloc((n + 1) * sizeof(*tf->lines));
	for (i = 0, lineno = 1, start = 0; i <= len; i++) {
		if (i < len && buf[i] == '\0') {
			snprintf(err, errlen, "%s:%zu: a NUL byte (at column %zu): not text", path,
				 lineno, i - start + 1);
			error = -EINVAL;
			break;
		}
		if (i < len && buf[i] != '\n')
			continue;
		if (i - start > max_line) {
			snprintf(err, errlen, "%s:%zu: line longer than %zu bytes", path, lineno,
				 max_line);
			error = -EINVAL;
			break;
		}
		if (i == len && i == start)
			break; /* no line after the last newline */
		buf[i] = '\0';
		tf->lines[tf->nlines++] = buf + start;
		start = i + 1;
		lineno++;
	}
	tf->buf = buf;
	tf->len = len;
	if (error)
		xs_textfile_free(tf);
	return error;
}

void xs_textfile_free(struct xs_textfile *tf)
{
	free(tf->buf);
	free(tf->lines);
	memset(tf, 0, sizeof(*tf));
}

char *xs_textfile_bytes(const struct xs_textfile *tf)
{
	char *b = malloc(tf->len + 1);
	size_t i;

	if (!b)
		return NULL;
	/* NUL bytes were refused, so each one before the end was a newline */
	for (i = 0; i < tf->len; i++)
		b[i] = tf->buf[i] ? tf->buf[i] : '\n';
	b[tf->len] = '\0';
	return b;
}
