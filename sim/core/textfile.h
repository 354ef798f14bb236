/*
 * A text input file read whole, for the parsers of users' files: a regular file only
 * (a FIFO, a directory or a device is refused before anything waits on it), of bounded
 * size, without NUL bytes, split into lines of bounded length. Every refusal names the
 * file, and the line when there is one.
 */
#ifndef XS_TEXTFILE_H
#define XS_TEXTFILE_H

#include "core/xs_types.h"

struct xs_textfile {
	char *buf;    /* the file's bytes, each line's '\n' replaced by '\0' */
	char **lines; /* nlines pointers into buf, without their '\n' */
	size_t nlines;
	size_t len; /* the file's length in bytes */
};

/*
 * Read path into tf: at most max_bytes bytes, lines of at most max_line bytes (the
 * '\n' not counted). Returns 0, or -errno / -EINVAL with "PATH: why" or
 * "PATH:LINE: why" in err; tf then holds nothing to free.
 */
int xs_textfile_read(const char *path, size_t max_bytes, size_t max_line, struct xs_textfile *tf,
		     char *err, size_t errlen);
void xs_textfile_free(struct xs_textfile *tf);

/*
 * The file's bytes as read (its newlines back), NUL-terminated, in a new buffer, or
 * NULL without memory.
 */
char *xs_textfile_bytes(const struct xs_textfile *tf);

#endif /* XS_TEXTFILE_H */
