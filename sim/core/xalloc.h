/*
 * Checked allocation: out of memory is an error of the environment, never an
 * assertion or a crash. Each of these returns the memory, or prints "wpsim: out of
 * memory (N bytes)" on stderr and ends the process with exit status 1 (stdout flushed
 * first, so that what was printed before stays). A request of 0 bytes asks for 1, so
 * that NULL always means failure.
 */
#ifndef XS_XALLOC_H
#define XS_XALLOC_H

#include <stddef.h>

void *xs_xmalloc(size_t n);
void *xs_xcalloc(size_t nmemb, size_t size);
void *xs_xrealloc(void *p, size_t n);
char *xs_xstrdup(const char *s);
/* The message and the exit, for an allocator outside these (n: bytes asked). */
_Noreturn void xs_xalloc_fail(size_t n);

#endif /* XS_XALLOC_H */
