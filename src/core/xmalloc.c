/* xmalloc: allocation wrappers that abort on out-of-memory. */
#include "core/xmalloc.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static void oom(size_t n)
{
	fprintf(stderr, "moka: out of memory allocating %zu bytes\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		oom(count * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

void *xcalloc_aligned(size_t align, size_t n)
{
	size_t bytes = (n + align - 1) & ~(align - 1);
	void *p = aligned_alloc(align, bytes ? bytes : align);
	if (!p)
		oom(n);
	memset(p, 0, bytes);
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

void xcompact(struct xcompact_ref *refs, size_t n)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += refs[i].bytes;
	char *tmp = NULL;
	if (total) {
		tmp = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (tmp == MAP_FAILED)
			return; /* left where they are: slower mallocs, nothing wrong */
	}
	size_t off = 0;
	for (size_t i = 0; i < n; i++) {
		if (refs[i].bytes)
			memcpy(tmp + off, refs[i].ptr, refs[i].bytes);
		off += refs[i].bytes;
		free(refs[i].ptr);
		refs[i].ptr = NULL;
	}
	off = 0;
	for (size_t i = 0; i < n; i++) {
		if (refs[i].bytes) {
			refs[i].ptr = xmalloc(refs[i].bytes);
			memcpy(refs[i].ptr, tmp + off, refs[i].bytes);
		}
		off += refs[i].bytes;
	}
	if (tmp)
		munmap(tmp, total);
#if !MOKA_ASAN
	/* glibc's heap only: under ASan, whose allocator replaces it, glibc's
	 * own arenas are not in use, and trimming them crashed a start
	 * (SEGV in mtrim from graph_bulk_finish) */
	malloc_trim(0);
#endif
}
