/*
 * Reading INI files; see ini.h.
 */
#include "config/ini.h"

#include <errno.h>
#include <stdio.h>

#include <ini.h>
#include <stdbool.h>
#include <string.h>

int xs_ini_read(const char *path, struct xs_textfile *tf, char *err, size_t errlen)
{
	return xs_textfile_read(path, XS_INI_FILE_MAX, XS_INI_LINE_MAX, tf, err, errlen);
}

struct xs_ini_reader {
	const struct xs_textfile *tf;
	const struct xs_ini_ops *ops;
	void *arg;
	int lineno;
	bool stopped;
};

/*
 * The next line of the file into str (num bytes, as inih passes them), counted in
 * r->lineno. Returns 1, 0 at the end of the file, or -1 when the line does not fit in
 * num - 2 characters (the room fgets() into inih's buffer left for a newline).
 */
static int next_line(struct xs_ini_reader *r, char *str, int num)
{
	const char *line;
	size_t n, skip;

	if ((size_t)r->lineno >= r->tf->nlines)
		return 0;
	line = r->tf->lines[r->lineno++];
	n = strlen(line);
	/* a byte order mark on line 1 is dropped, except in device files (inih's own) */
	skip = !(r->ops->flags & XS_INI_DEVICE_LINES) && r->lineno == 1 && n >= 3 &&
			       memcmp(line, "\xef\xbb\xbf", 3) == 0
		       ? 3
		       : 0;
	if (n - skip > (size_t)num - 2)
		return -1;
	memcpy(str, line + skip, n - skip + 1);
	return 1;
}

static char *reader(char *str, int num, void *stream)
{
	struct xs_ini_reader *r = stream;
	const struct xs_ini_ops *ops = r->ops;
	size_t skip;
	char *end;
	int got;

	if (r->stopped)
		return NULL;
	got = next_line(r, str, num);
	if (got < 0) {
		if (ops->too_long(r->arg, r->lineno, num - 2)) {
			r->stopped = true;
			return NULL;
		}
		/* the caller goes on: its first part is parsed */
		snprintf(str, (size_t)num, "%s", r->tf->lines[r->lineno - 1]);
		got = 1;
	}
	if (got == 0)
		return NULL;
	skip = strspn(str, " \t");
	if (ops->flags & XS_INI_STRIP_INDENT) {
		memmove(str, str + skip, strlen(str + skip) + 1);
		skip = 0;
	}
	if (ops->header && str[skip] == '[') {
		char name[256];

		end = strchr(str + skip, ']');
		if (end)
			snprintf(name, sizeof(name), "%.*s", (int)(end - str - skip - 1),
				 str + skip + 1);
		if (ops->header(r->arg, r->lineno, end ? name : NULL, skip)) {
			r->stopped = true;
			return NULL;
		}
	}
	return str;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct xs_ini_reader *r = user;

	if (!r->stopped && r->ops->key(r->arg, r->lineno, section, name, value))
		r->stopped = true;
	return 1;
}

int xs_ini_parse(const struct xs_textfile *tf, const struct xs_ini_ops *ops, void *arg)
{
	struct xs_ini_reader r = {.tf = tf, .ops = ops, .arg = arg};

	return ini_parse_stream(reader, &r, handler, &r);
}

void xs_ini_line_text(const struct xs_textfile *tf, int n, char *buf, size_t len)
{
	const char *line = n >= 1 && (size_t)n <= tf->nlines ? tf->lines[n - 1] : "";
	size_t i = 0;

	for (; *line && i + 1 < len; line++)
		if (*line != '\r')
			buf[i++] = *line;
	buf[i] = '\0';
}

void xs_ini_verror(char *err, size_t errlen, const char *path, int line, const char *fmt,
		   va_list ap)
{
	int n = line > 0 ? snprintf(err, errlen, "%s:%d: ", path, line)
			 : snprintf(err, errlen, "%s: ", path);

	if (n < 0 || (size_t)n >= errlen)
		return;
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
}

void xs_ini_vfail(struct xs_ini_err *e, int line, const char *fmt, va_list ap)
{
	if (e->rc)
		return;
	e->rc = -EINVAL;
	e->line = line;
	xs_ini_verror(e->msg, e->len, e->path, line, fmt, ap);
}
