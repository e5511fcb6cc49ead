/* Unit tests for events: SSE framing, the bounded stream queue, and the hub's lifecycle. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/buf.h"
#include "core/config.h"
#include "events/events.h"

static void format_one_line(void **state)
{
	struct buf b;
	buf_init(&b, 0);
	const char *json = "{\"id\":\"1\",\"content\":\"<p>hi</p>\"}";
	assert_int_equal(sse_format(&b, "update", json, strlen(json)), 0);
	assert_string_equal(b.ptr,
			    "event: update\ndata: {\"id\":\"1\",\"content\":\"<p>hi</p>\"}\n\n");
	buf_free(&b);
}

static void format_multi_line(void **state)
{
	struct buf b;
	buf_init(&b, 0);
	const char *data = "a\nb\r\nc\rd";
	assert_int_equal(sse_format(&b, "notification", data, strlen(data)), 0);
	assert_string_equal(b.ptr, "event: notification\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
	buf_reset(&b);
	/* a trailing line break is kept as an empty last line, so a parser
	 * joining the lines with '\n' gets the data back exactly */
	assert_int_equal(sse_format(&b, NULL, "x\n", 2), 0);
	assert_string_equal(b.ptr, "data: x\ndata: \n\n");
	buf_reset(&b);
	assert_int_equal(sse_format(&b, "delete", "", 0), 0);
	assert_string_equal(b.ptr, "event: delete\ndata: \n\n");
	buf_reset(&b);
	/* two messages in a row stay separate */
	assert_int_equal(sse_format(&b, "delete", "7", 1), 0);
	assert_int_equal(sse_format(&b, "delete", "8", 1), 0);
	assert_string_equal(b.ptr, "event: delete\ndata: 7\n\nevent: delete\ndata: 8\n\n");
	buf_free(&b);
}

static void format_respects_cap(void **state)
{
	struct buf b;
	buf_init(&b, 24);
	assert_int_equal(sse_format(&b, "delete", "1", 1), 0); /* 23 bytes */
	size_t before = b.len;
	assert_int_equal(sse_format(&b, "delete", "2", 1), -1);
	assert_int_equal(b.len, before); /* a refused message leaves nothing behind */
	assert_string_equal(b.ptr, "event: delete\ndata: 1\n\n");
	buf_free(&b);
}

static void queue_fifo_and_partial_reads(void **state)
{
	struct sse_queue q;
	sseq_init(&q, 1024);
	assert_int_equal(sseq_push(&q, "hello ", 6), 0);
	assert_int_equal(sseq_push(&q, "world", 5), 0);
	assert_int_equal(sseq_pending(&q), 11);
	char out[16] = {0};
	assert_int_equal(sseq_pop(&q, out, 4), 4);
	assert_memory_equal(out, "hell", 4);
	/* pushing after a partial read keeps the order */
	assert_int_equal(sseq_push(&q, "!", 1), 0);
	memset(out, 0, sizeof(out));
	assert_int_equal(sseq_pop(&q, out, sizeof(out)), 8);
	assert_string_equal(out, "o world!");
	/* drained: no storage kept for an idle stream */
	assert_int_equal(sseq_pending(&q), 0);
	assert_null(q.data);
	assert_int_equal(sseq_pop(&q, out, sizeof(out)), 0);
	sseq_free(&q);
}

static void queue_cap_drops_overflow(void **state)
{
	struct sse_queue q;
	sseq_init(&q, 100);
	char chunk[40];
	memset(chunk, 'x', sizeof(chunk));
	assert_int_equal(sseq_push(&q, chunk, 40), 0);
	assert_int_equal(sseq_push(&q, chunk, 40), 0);
	/* 80 pending: 40 more would pass the cap of 100 */
	assert_int_equal(sseq_push(&q, chunk, 40), -1);
	assert_int_equal(sseq_pending(&q), 80);
	assert_int_equal(sseq_push(&q, chunk, 20), 0); /* exactly at the cap is fine */
	assert_int_equal(sseq_push(&q, chunk, 1), -1);
	/* once the client reads, there is room again */
	char out[64];
	assert_int_equal(sseq_pop(&q, out, 50), 50);
	assert_int_equal(sseq_push(&q, chunk, 40), 0);
	assert_int_equal(sseq_pending(&q), 90);
	/* a single message larger than the cap never fits */
	char big[200];
	memset(big, 'y', sizeof(big));
	struct sse_queue q2;
	sseq_init(&q2, 100);
	assert_int_equal(sseq_push(&q2, big, sizeof(big)), -1);
	assert_int_equal(sseq_pending(&q2), 0);
	sseq_free(&q);
	sseq_free(&q2);
}

static void queue_grows_and_compacts(void **state)
{
	struct sse_queue q;
	sseq_init(&q, HUB_QUEUE_MAX);
	char in[1000], out[1000];
	size_t total_in = 0, total_out = 0;
	unsigned char next_in = 0, next_out = 0;
	/* interleave pushes and pops of odd sizes; bytes must come out in order */
	for (int round = 0; round < 200; round++) {
		size_t n = (size_t)(round * 37 % 900 + 1);
		for (size_t i = 0; i < n; i++)
			in[i] = (char)next_in++;
		assert_int_equal(sseq_push(&q, in, n), 0);
		total_in += n;
		size_t m = sseq_pop(&q, out, (size_t)(round * 53 % 700 + 1));
		for (size_t i = 0; i < m; i++)
			assert_int_equal((unsigned char)out[i], next_out++);
		total_out += m;
	}
	while (sseq_pending(&q)) {
		size_t m = sseq_pop(&q, out, sizeof(out));
		for (size_t i = 0; i < m; i++)
			assert_int_equal((unsigned char)out[i], next_out++);
		total_out += m;
	}
	assert_int_equal(total_in, total_out);
	sseq_free(&q);
}

static void hub_lifecycle_without_streams(void **state)
{
	struct config cfg;
	config_defaults(&cfg);
	cfg.stream_heartbeat_s = 1;
	struct app *app = calloc(1, sizeof(*app));
	app->cfg = &cfg;
	struct hub *h = hub_new(app);
	assert_non_null(h);
	assert_int_equal(hub_stream_count(h), 0);
	/* events for nobody are consumed without touching the store */
	struct event ev = {.type = EVENT_USER_REVOKED, .user_id = 42};
	for (int i = 0; i < 100; i++)
		hub_publish(h, &ev);
	hub_end_streams(h);
	hub_free(h);
	free(app);
	config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(format_one_line),
	    cmocka_unit_test(format_multi_line),
	    cmocka_unit_test(format_respects_cap),
	    cmocka_unit_test(queue_fifo_and_partial_reads),
	    cmocka_unit_test(queue_cap_drops_overflow),
	    cmocka_unit_test(queue_grows_and_compacts),
	    cmocka_unit_test(hub_lifecycle_without_streams),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
