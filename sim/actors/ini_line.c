/*
 * Reading INI lines; see ini_line.h.
 */
#include "actors/ini_line.h"

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
