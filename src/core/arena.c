/*
 * arena: region allocator. Blocks are chained; each allocation bumps a
 * pointer in the current block, and oversize requests get their own block.
 *
 * Each thread keeps up to SPARE_MAX freed standard blocks for its next
 * arenas: a request's arena then costs no malloc or free at all in the
 * steady state (request threads live as long as the server).
 */
#include "core/arena.h"
#include "core/xmalloc.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK 8192
#define ARENA_ALIGN 16

struct block {
	struct block *next;
	size_t used, size;
	_Alignas(16) unsigned char data[];
};

/* Under AddressSanitizer nothing is kept: a recycled block would hide a
 * use after arena_free from it. */
#define SPARE_MAX (MOKA_ASAN ? 0 : 64)

struct arena {
	struct block *head;
};

static _Thread_local struct block *spare;
static _Thread_local unsigned n_spare;
static _Thread_local bool spare_registered; /* with spare_key, once per thread */
static pthread_key_t spare_key;		    /* its destructor frees an exiting thread's spares */
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;

static void spare_drop(void *unused)
{
	(void)unused;
	while (spare) {
		struct block *next = spare->next;
		free(spare);
		spare = next;
	}
	n_spare = 0;
	spare_registered = false;
}

static void spare_key_new(void)
{
	pthread_key_create(&spare_key, spare_drop);
}

static struct block *block_new(size_t size)
{
	struct block *b;
	if (size == ARENA_BLOCK && spare) {
		b = spare;
		spare = b->next;
		n_spare--;
	} else {
		b = xmalloc(sizeof(*b) + size);
		b->size = size;
	}
	b->next = NULL;
	b->used = 0;
	return b;
}

/* Whether a freed block goes to the thread's spares. */
static bool keep(const struct block *b)
{
#if SPARE_MAX > 0
	return b->size == ARENA_BLOCK && n_spare < SPARE_MAX;
#else
	(void)b;
	return false;
#endif
}

static void block_free(struct block *b)
{
	if (keep(b)) {
		if (!spare_registered) {
			pthread_once(&spare_once, spare_key_new);
			pthread_setspecific(spare_key, &spare_once); /* any non-NULL value */
			spare_registered = true;
		}
		b->next = spare;
		spare = b;
		n_spare++;
	} else {
		free(b);
	}
}

struct arena *arena_new(void)
{
	/* the arena's own record sits at the start of its first block */
	struct block *b = block_new(ARENA_BLOCK);
	struct arena *a = (struct arena *)(void *)b->data;
	b->used = (sizeof(*a) + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	a->head = b;
	return a;
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	/* a itself lives in the first block: nothing of it is read once the
	 * walk has begun */
	struct block *b = a->head;
	while (b) {
		struct block *next = b->next;
		block_free(b);
		b = next;
	}
}

void *arena_alloc(struct arena *a, size_t n)
{
	n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (n == 0)
		n = ARENA_ALIGN;
	if (n > ARENA_BLOCK / 4) {
		/* Oversize: its own block, linked after the head. */
		struct block *b = block_new(n);
		b->used = n;
		b->next = a->head->next;
		a->head->next = b;
		return b->data;
	}
	if (a->head->size - a->head->used < n) {
		struct block *b = block_new(ARENA_BLOCK);
		b->next = a->head;
		a->head = b;
	}
	void *p = a->head->data + a->head->used;
	a->head->used += n;
	return p;
}

void *arena_calloc(struct arena *a, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		return NULL;
	void *p = arena_alloc(a, count * size);
	memset(p, 0, count * size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	char *p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}
