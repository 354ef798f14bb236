/*
 * Checked allocation (xalloc.h).
 */
#include "core/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

_Noreturn void xs_xalloc_fail(size_t n)
{
	/*
	 * _exit, not exit: the failure can come inside a SimGrid actor, whose engine's exit
	 * handlers would then run on a half-built run. stdout is flushed by hand instead.
	 */
	fflush(stdout);
	fprintf(stderr, "wpsim: out of memory (%zu bytes asked)\n", n);
	fflush(stderr);
	_exit(1);
}

void *xs_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		xs_xalloc_fail(n);
	return p;
}

void *xs_xcalloc(size_t nmemb, size_t size)
{
	void *p;

	if (size && nmemb > SIZE_MAX / size)
		xs_xalloc_fail(SIZE_MAX);
	p = calloc(nmemb && size ? nmemb : 1, nmemb && size ? size : 1);
	if (!p)
		xs_xalloc_fail(nmemb * size);
	return p;
}

void *xs_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		xs_xalloc_fail(n);
	return q;
}

char *xs_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xs_xmalloc(n), s, n);
}
