/*
 * xmalloc: allocation wrappers that abort on out-of-memory.
 *
 * A server that cannot allocate cannot answer correctly; it stops loudly
 * instead of limping on with half-built state.
 */
#ifndef MOKA_XMALLOC_H
#define MOKA_XMALLOC_H

#include <stddef.h>

/* 1 when built with AddressSanitizer (gcc's or clang's), whose allocator
 * replaces glibc's: what tunes glibc's heap (spare blocks kept for reuse,
 * malloc_trim) is left out, so the sanitizer sees every free. */
#if defined(__SANITIZE_ADDRESS__)
#define MOKA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MOKA_ASAN 1
#endif
#endif
#ifndef MOKA_ASAN
#define MOKA_ASAN 0
#endif

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* n bytes aligned to align (a power of two), zeroed; free() frees them. */
void *xcalloc_aligned(size_t align, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/*
 * Re-lays out many heap blocks after a bulk load. Lists grown one element
 * at a time by realloc leave a freed chunk behind at every growth, between
 * the live ones: at 440,000 people, half a million holes in the loading
 * thread's malloc arena, which a request thread inherits once the loader
 * exits, and every malloc there then walks them (17 % of a home page's
 * CPU). xcompact copies each block out to one temporary mapping and frees
 * it — the holes merge with the freed blocks — then allocates each again
 * at its exact size, in order, as a snapshot load does, and returns the
 * freed pages to the system. Each ref's ptr is replaced by the block's new
 * address (NULL for a block of 0 bytes, freed), for the caller to store.
 */
struct xcompact_ref {
	void *ptr;    /* the block (malloc'd, or NULL), then its new address */
	size_t bytes; /* what to keep of it */
};
void xcompact(struct xcompact_ref *refs, size_t n);

#endif
