/*
 * arena: a region allocator for one request (or one job).
 *
 * Everything allocated from an arena is freed at once by arena_free().
 * Allocations are 16-byte aligned; large ones get a block of their own.
 * An arena is not thread-safe: one request, one thread at a time.
 */
#ifndef MOKA_ARENA_H
#define MOKA_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

struct arena *arena_new(void);
void arena_free(struct arena *a);

/* Returns uninitialised memory; never NULL (aborts on OOM). */
void *arena_alloc(struct arena *a, size_t n);
void *arena_calloc(struct arena *a, size_t count, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* printf into the arena; the result is NUL-terminated. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

#endif
