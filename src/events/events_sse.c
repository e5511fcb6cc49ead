/* events_sse: Server-Sent Event framing and the bounded per-stream byte queue. */
#include "events/events.h"
#include "core/buf.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>

int sse_format(struct buf *out, const char *event, const char *data, size_t len)
{
	size_t start = out->len;
	if (event &&
	    (buf_puts(out, "event: ") < 0 || buf_puts(out, event) < 0 || buf_putc(out, '\n') < 0))
		goto fail;
	/* every line, the last one included (even if empty), is one data line */
	size_t i = 0;
	for (;;) {
		size_t j = i;
		while (j < len && data[j] != '\n' && data[j] != '\r')
			j++;
		if (buf_puts(out, "data: ") < 0 || buf_append(out, data + i, j - i) < 0 ||
		    buf_putc(out, '\n') < 0)
			goto fail;
		if (j == len)
			break;
		if (data[j] == '\r' && j + 1 < len && data[j + 1] == '\n')
			j++;
		i = j + 1;
	}
	if (buf_putc(out, '\n') < 0)
		goto fail;
	return 0;
fail:
	out->len = start;
	if (out->ptr)
		out->ptr[start] = '\0';
	return -1;
}

void sseq_init(struct sse_queue *q, size_t max)
{
	memset(q, 0, sizeof(*q));
	q->max = max;
}

size_t sseq_pending(const struct sse_queue *q)
{
	return q->len - q->off;
}

int sseq_push(struct sse_queue *q, const void *bytes, size_t n)
{
	size_t pending = sseq_pending(q);
	if (n > q->max || pending > q->max - n)
		return -1;
	if (q->off > 0 && q->len + n > q->cap) {
		/* slide the unsent bytes to the front before growing */
		memmove(q->data, q->data + q->off, pending);
		q->off = 0;
		q->len = pending;
	}
	if (q->len + n > q->cap) {
		size_t cap = q->cap ? q->cap : 256;
		while (cap < q->len + n)
			cap *= 2;
		q->data = xrealloc(q->data, cap);
		q->cap = cap;
	}
	memcpy(q->data + q->len, bytes, n);
	q->len += n;
	return 0;
}

size_t sseq_pop(struct sse_queue *q, char *dst, size_t max)
{
	size_t n = sseq_pending(q);
	if (n == 0)
		return 0;
	if (n > max)
		n = max;
	memcpy(dst, q->data + q->off, n);
	q->off += n;
	if (q->off == q->len) {
		/* drained: an idle stream keeps no buffer */
		free(q->data);
		q->data = NULL;
		q->off = q->len = q->cap = 0;
	}
	return n;
}

void sseq_free(struct sse_queue *q)
{
	free(q->data);
	q->data = NULL;
	q->off = q->len = q->cap = 0;
}
