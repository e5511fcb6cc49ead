/*
 * buf: a growable byte buffer with a hard size cap (like curl's dynbuf).
 *
 * Appends that would grow the buffer past its cap fail with -1 and leave
 * the buffer unchanged, so a hostile input can never grow it without bound.
 * The content is always NUL-terminated (the NUL is not counted in len).
 */
#ifndef MOKA_BUF_H
#define MOKA_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *ptr;
	size_t len, cap, max;
};

#define BUF_MAX_DEFAULT (64u << 20)

void buf_init(struct buf *b, size_t max);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
/* Makes room for n more bytes now (a writer that knows roughly what it
 * will write saves the copies of growing by doubling). 0, or -1 past max. */
int buf_reserve(struct buf *b, size_t n);
int buf_append(struct buf *b, const void *data, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the content to the caller (free() it); the buffer is left empty. */
char *buf_detach(struct buf *b, size_t *len);

#endif
