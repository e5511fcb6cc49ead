/*
 * xmalloc: allocation wrappers that abort on out-of-memory.
 *
 * A server that cannot allocate cannot answer correctly; it stops loudly
 * instead of limping on with half-built state.
 */
#ifndef MOKA_XMALLOC_H
#define MOKA_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
