/*
 * The one INI reader of scenario, device and sweep files: libinih's stream parser fed
 * one line at a time by xs_ini_line(), so that every file kind counts lines the same
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

/*
 * Read the next line of f into str (num bytes, as inih passes them) and count it in
 * *lineno. Returns 1 with the line (its byte order mark removed on line 1), 0 at the
 * end of the file, or -1 when the line does not fit in num - 2 characters.
 */
int xs_ini_line(FILE *f, char *str, int num, int *lineno);

/* Options of xs_ini_parse(): each keeps what one file kind has always read. */
enum {
	/*
	 * Strip the blanks that start a line (scenario files: an indented line is an
	 * ordinary line, never inih's continuation of the previous value).
	 */
	XS_INI_STRIP_INDENT = 1u << 0,
	/*
	 * Device files: leave a byte order mark to inih, and call a line that fills
	 * inih's buffer without its newline too long, even the last line of the file.
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
 * Parse f with ini_parse_stream(). A callback returning nonzero stops the parse (the
 * file kind has recorded an error). Returns ini_parse_stream()'s value: 0, the first
 * line inih found malformed, or < 0 when inih could not allocate.
 */
int xs_ini_parse(FILE *f, const struct xs_ini_ops *ops, void *arg);

/* Copy line n of path (without its newline and '\r's) into buf; "" if absent. */
void xs_ini_line_text(const char *path, int n, char *buf, size_t len);

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
