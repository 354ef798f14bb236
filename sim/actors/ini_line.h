/*
 * One line of an INI file for inih's stream reader (ini_parse_stream), shared by the
 * scenario and sweep readers so that both count lines, refuse overlong lines and
 * drop a UTF-8 byte order mark the same way.
 */
#ifndef XS_INI_LINE_H
#define XS_INI_LINE_H

#include <stdio.h>

/*
 * Read the next line of f into str (num bytes, as inih passes them) and count it in
 * *lineno. Returns 1 with the line (its byte order mark removed on line 1), 0 at the
 * end of the file, or -1 when the line does not fit in num - 2 characters.
 */
int xs_ini_line(FILE *f, char *str, int num, int *lineno);

#endif /* XS_INI_LINE_H */
