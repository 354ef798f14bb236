/*
 * Reading INI lines; see ini.h.
 */
#include "config/ini.h"

#include <string.h>

int xs_ini_line(FILE *f, char *str, int num, int *lineno)
{
	size_t n, skip;

	if (!fgets(str, num, f))
		return 0;
	(*lineno)++;
	n = strlen(str);
	if ((n == 0 || str[n - 1] != '\n') && getc(f) != EOF)
		return -1;
	skip = *lineno == 1 && n >= 3 && memcmp(str, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	memmove(str, str + skip, n - skip + 1);
	return 1;
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
