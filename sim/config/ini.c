/*
 * Reading INI files; see ini.h.
 */
#include "config/ini.h"

#include <errno.h>

#include <ini.h>
#include <stdbool.h>
#include <string.h>

int xs_ini_line(FILE *f, char *str, int num, int *lineno)
{
	size_t n, skip;

	if (!fgets(str, num, f))
		return 0;
	(*lineno)++;
	n = strlen(str);
	if (n == 0 || str[n - 1] != '\n') {
		int c = getc(f);

		if (c != EOF) {
			ungetc(c, f); /* the rest of the line stays for the caller to skip */
			return -1;
		}
	}
	skip = *lineno == 1 && n >= 3 && memcmp(str, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	memmove(str, str + skip, n - skip + 1);
	return 1;
}

struct xs_ini_reader {
	FILE *f;
	const struct xs_ini_ops *ops;
	void *arg;
	int lineno;
	bool stopped;
};

/* A device file's line: no byte order mark handling, a full buffer is too long. */
static int device_line(FILE *f, char *str, int num, int *lineno)
{
	size_t n;

	if (!fgets(str, num, f))
		return 0;
	(*lineno)++;
	n = strlen(str);
	return n > 0 && str[n - 1] != '\n' && !feof(f) ? -1 : 1;
}

/* The rest of an overlong line, up to its newline. */
static void skip_rest(FILE *f, const char *str)
{
	size_t n = strlen(str);
	int c;

	if (n > 0 && str[n - 1] == '\n')
		return;
	while ((c = getc(f)) != EOF && c != '\n')
		;
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
	if (ops->flags & XS_INI_DEVICE_LINES)
		got = device_line(r->f, str, num, &r->lineno);
	else
		got = xs_ini_line(r->f, str, num, &r->lineno);
	if (got < 0) {
		if (ops->too_long(r->arg, r->lineno, num - 2)) {
			r->stopped = true;
			return NULL;
		}
		skip_rest(r->f, str);
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

int xs_ini_parse(FILE *f, const struct xs_ini_ops *ops, void *arg)
{
	struct xs_ini_reader r = {.f = f, .ops = ops, .arg = arg};

	return ini_parse_stream(reader, &r, handler, &r);
}

void xs_ini_line_text(const char *path, int n, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int line = 1, c;
	size_t i = 0;

	buf[0] = '\0';
	if (!f)
		return;
	while ((c = getc(f)) != EOF) {
		if (c == '\n') {
			if (line++ == n)
				break;
			continue;
		}
		if (line == n && c != '\r' && i + 1 < len)
			buf[i++] = (char)c;
	}
	buf[i] = '\0';
	fclose(f);
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
