/*
 * The one INI reader of scenario, device and sweep files: the file read whole first
 * (xs_ini_read()), then libinih's stream parser fed one line at a time from memory, so
 * that every file kind counts lines the same
 * way, refuses lines longer than inih's buffer, drops a UTF-8 byte order mark, and
 * reports errors in the FILE:LINE form of xs_ini_verror().
 *
 * The Debian libinih is built without INI_HANDLER_LINENO, so the reader counts lines
 * itself: inih calls the handler for a line before it reads the next one, so the count
 * is the handler's line.
 */
#ifndef XS_INI_LINE_H
#define XS_INI_LINE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "core/textfile.h"

/* The bounds of a file read whole before it is parsed (xs_ini_read()). */
#define XS_INI_FILE_MAX (16u << 20)
/*
 * Lines longer than inih's buffer are each file kind's error (too_long below, with
 * its line); this bound only spares splitting a huge unbroken file into lines.
 */
#define XS_INI_LINE_MAX (1u << 20)

/*
 * Read path whole into tf (xs_textfile_read()): a FIFO, a directory, a device, a NUL
 * byte or a file over XS_INI_FILE_MAX is refused at once, with "PATH[:LINE]: why" in
 * err. Returns 0 or -errno; free tf with xs_textfile_free().
 */
int xs_ini_read(const char *path, struct xs_textfile *tf, char *err, size_t errlen);

/* Options of xs_ini_parse(): each keeps what one file kind has always read. */
enum {
	/*
	 * Strip the blanks that start a line (scenario files: an indented line is an
	 * ordinary line, never inih's continuation of the previous value).
	 */
	XS_INI_STRIP_INDENT = 1u << 0,
	/*
	 * Device files: leave a byte order mark to inih (counted in the line's length).
	 */
	XS_INI_DEVICE_LINES = 1u << 1,
};

struct xs_ini_ops {
	unsigned flags; /* XS_INI_* */
	/*
	 * A line whose first non-blank is '[': name is the text up to the first ']'
	 * (NULL when there is none; inih then reports a syntax error; at most 255
	 * characters kept), indent the number
	 * of blanks before '['. May be NULL (inih's own sections are passed to key()).
	 */
	int (*header)(void *arg, int line, const char *name, size_t indent);
	/* A key = value line; section as inih tracks it. */
	int (*key)(void *arg, int line, const char *section, const char *name, const char *value);
	/*
	 * A line longer than max characters. Returning 0 goes on: the rest of the line
	 * is skipped and its first part parsed.
	 */
	int (*too_long)(void *arg, int line, int max);
};

/*
 * Parse tf (from xs_ini_read()) with ini_parse_stream(). A callback returning nonzero stops the
 * parse (the file kind has recorded an error). Returns ini_parse_stream()'s value: 0, the first
 * line inih found malformed, or < 0 when inih could not allocate.
 */
int xs_ini_parse(const struct xs_textfile *tf, const struct xs_ini_ops *ops, void *arg);

/* Copy line n of tf (without its '\r's) into buf; "" if absent. */
void xs_ini_line_text(const struct xs_textfile *tf, int n, char *buf, size_t len);

/* Format "PATH:LINE: message" (or "PATH: message" when line is 0) into err. */
void xs_ini_verror(char *err, size_t errlen, const char *path, int line, const char *fmt,
		   va_list ap) __attribute__((format(printf, 5, 0)));

/*
 * The first error of a file being loaded: later errors are dropped, so the message a
 * user reads is about the first problem in the file. Zero-initialise, then set path,
 * msg and len.
 */
struct xs_ini_err {
	const char *path;
	char *msg;  /* the caller's buffer */
	size_t len; /* its size */
	int rc;	    /* 0, or -EINVAL once an error is recorded */
	int line;   /* the error's file line, 0 if none */
};

/* Record "PATH:LINE: message" (line 0: "PATH: message") in e unless e holds one. */
void xs_ini_vfail(struct xs_ini_err *e, int line, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#endif /* XS_INI_LINE_H */
