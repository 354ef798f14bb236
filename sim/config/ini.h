/*
 * One line of an INI file for inih's stream reader (ini_parse_stream), and the
 * FILE:LINE form of its errors, shared by the scenario and sweep readers so that both
 * count lines, refuse overlong lines, drop a UTF-8 byte order mark and report the
 * same way.
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

/* Format "PATH:LINE: message" (or "PATH: message" when line is 0) into err. */
void xs_ini_verror(char *err, size_t errlen, const char *path, int line, const char *fmt,
		   va_list ap) __attribute__((format(printf, 5, 0)));

#endif /* XS_INI_LINE_H */
