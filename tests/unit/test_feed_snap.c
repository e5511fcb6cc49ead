/*
 * Unit tests for the start-up snapshots (core/snapfile, graph_snap_*,
 * feed_snap_*): a seeded random graph and post index — replies, reposts,
 * board posts, mentions, hashtags, likes, deletes, edits, disconnects,
 * posts arriving out of id order — written and read back equal; and a
 * snapshot with another token, another version, a flipped byte or a
 * missing tail is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "audience/audience.h"
#include "core/snapfile.h"
#include "feed/feed.h"
#include "feed/feed_int.h"
#include "graph/graph.h"
#include "test_util.h"

#define PEOPLE 300
#define POSTS 6000

static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(uint32_t n)
{
	return test_rnd(&rng, n);
}

static const char *const TAGS[] = {"coffee", "roadmap", "hiring", "ops", "q3"};

static struct graph *random_graph(void)
{
	struct graph *g = graph_new();
	graph_ensure(g, PEOPLE);
	for (int i = 0; i < PEOPLE * 20; i++)
		graph_connect(g, 1 + rnd(PEOPLE), 1 + rnd(PEOPLE));
	for (int i = 0; i < PEOPLE * 5; i++)
		graph_follow(g, 1 + rnd(PEOPLE), 1 + rnd(PEOPLE));
	for (int i = 0; i < PEOPLE * 3; i++)
		graph_disconnect(g, 1 + rnd(PEOPLE), 1 + rnd(PEOPLE));
	return g;
}

static struct feed *random_feed(void)
{
	struct feed *f = feed_new();
	int64_t ids[POSTS];
	int n = 0;
	for (int i = 0; i < POSTS; i++) {
		int64_t mentions[3] = {1 + rnd(PEOPLE), 1 + rnd(PEOPLE), 1 + rnd(PEOPLE)};
		const char *tags[2] = {TAGS[rnd(5)], TAGS[rnd(5)]};
		struct feed_new p = {
		    .id = 1000 + 10 * (int64_t)i + (i % 97 == 5 ? -15 : 0), /* some out of order */
		    .author = 1 + rnd(PEOPLE),
		    .visibility = (int)rnd(VIS_COMMUNITY),
		    .mentions = mentions,
		    .n_mentions = rnd(4),
		    .tags = tags,
		    .n_tags = rnd(3),
		};
		uint32_t kind = rnd(10);
		if (n && kind < 3)
			p.in_reply_to_id = ids[rnd((uint32_t)n)];
		else if (n && kind == 3)
			p.reblog_of_id = ids[rnd((uint32_t)n)];
		else if (kind == 4)
			p.board_owner_id = 1 + rnd(PEOPLE);
		if (feed_insert(f, &p) == 0)
			ids[n++] = p.id;
	}
	for (int i = 0; i < n / 10; i++)
		feed_delete(f, ids[rnd((uint32_t)n)]);
	for (int i = 0; i < n / 5; i++)
		feed_favourite(f, 1 + rnd(PEOPLE), ids[rnd((uint32_t)n)], true);
	for (int i = 0; i < n / 20; i++) {
		int64_t m[2] = {1 + rnd(PEOPLE), 1 + rnd(PEOPLE)};
		feed_set_mentions(f, ids[rnd((uint32_t)n)], m, rnd(3));
		const char *old[1] = {TAGS[rnd(5)]}, *now[1] = {TAGS[rnd(5)]};
		feed_set_tags(f, ids[rnd((uint32_t)n)], old, 1, now, rnd(2));
	}
	return f;
}

static char path[64];
static const uint8_t TOKEN[SNAP_TOKEN_BYTES] = {1, 2,  3,  4,  5,  6,  7,  8,
						9, 10, 11, 12, 13, 14, 15, 16};

static void write_both(const struct graph *g, const struct feed *f)
{
	struct snapw *w = snapw_open(path, 7);
	assert_non_null(w);
	graph_snap_write(g, w);
	feed_snap_write(f, w);
	assert_int_equal(snapw_close(w, TOKEN), 0);
}

/* Reads both back; true if every check passed. */
static bool read_both(const struct graph *g, const struct feed *f, uint32_t version,
		      const uint8_t *token)
{
	struct snapr *r = snapr_open(path, version, token);
	if (!r)
		return false;
	struct graph *g2 = graph_snap_read(r);
	struct feed *f2 = g2 ? feed_snap_read(r) : NULL;
	bool ok = snapr_close(r) && g2 && f2;
	if (ok) {
		assert_true(graph_equal(g, g2));
		assert_true(feed_equal(f, f2));
	}
	graph_free(g2);
	feed_free(f2);
	return ok;
}

static void test_round_trip(void **state)
{
	struct graph *g = random_graph();
	struct feed *f = random_feed();
	write_both(g, f);
	assert_true(read_both(g, f, 7, TOKEN));

	/* the index read back keeps working: a new post, then equal again */
	struct snapr *r = snapr_open(path, 7, TOKEN);
	struct graph *g2 = graph_snap_read(r);
	struct feed *f2 = feed_snap_read(r);
	assert_true(snapr_close(r));
	struct feed_new p = {.id = 1000000, .author = 3, .visibility = VIS_PUBLIC};
	assert_int_equal(feed_insert(f, &p), 0);
	assert_int_equal(feed_insert(f2, &p), 0);
	assert_true(feed_equal(f, f2));
	/* past the room a load leaves (1,024 posts): the arrays grow (mremap)
	 * twice, with an older post slotted in between, and stay equal */
	for (int i = 0; i < 2500; i++) {
		struct feed_new q = {.id = i == 1800 ? 999 : 1000001 + i,
				     .author = 1 + rnd(PEOPLE),
				     .visibility = VIS_PUBLIC};
		assert_int_equal(feed_insert(f, &q), 0);
		assert_int_equal(feed_insert(f2, &q), 0);
	}
	assert_true(feed_equal(f, f2));
	assert_int_equal(feed_count(f2), feed_count(f));
	assert_int_equal(graph_connect(g, 1, 2) == 1, graph_connect(g2, 1, 2) == 1);
	assert_true(graph_equal(g, g2));
	graph_free(g2);
	feed_free(f2);
	graph_free(g);
	feed_free(f);
}

/* Compaction after a scan (feed_compact: every list moved to an exact-size
 * block) changes nothing, and the lists keep growing afterwards. */
static void test_compact(void **state)
{
	(void)state;
	uint64_t seed = rng;
	struct feed *f = random_feed();
	rng = seed;
	struct feed *f2 = random_feed();
	assert_true(feed_equal(f, f2));
	feed_compact(f2);
	assert_true(feed_equal(f, f2));
	for (int i = 0; i < 3000; i++) {
		int64_t mentions[1] = {1 + rnd(PEOPLE)};
		const char *tags[1] = {TAGS[rnd(5)]};
		struct feed_new q = {.id = 2000000 + i,
				     .author = 1 + rnd(PEOPLE),
				     .visibility = (int)rnd(VIS_COMMUNITY),
				     .mentions = mentions,
				     .n_mentions = rnd(2),
				     .tags = tags,
				     .n_tags = rnd(2),
				     .board_owner_id = i % 7 == 0 ? 1 + rnd(PEOPLE) : 0};
		assert_int_equal(feed_insert(f, &q), 0);
		assert_int_equal(feed_insert(f2, &q), 0);
		int64_t user = 1 + rnd(PEOPLE), liked = q.id - rnd(100);
		feed_favourite(f, user, liked, true);
		feed_favourite(f2, user, liked, true);
	}
	assert_true(feed_equal(f, f2));
	feed_free(f);
	feed_free(f2);
}

static void test_refusals(void **state)
{
	struct graph *g = random_graph();
	struct feed *f = random_feed();
	write_both(g, f);
	uint8_t other[SNAP_TOKEN_BYTES] = {0};
	assert_false(read_both(g, f, 7, other)); /* another token */
	assert_false(read_both(g, f, 8, TOKEN)); /* another version */

	/* a flipped byte in the body: the hash says no */
	FILE *fp = fopen(path, "r+b");
	assert_non_null(fp);
	fseek(fp, 64 + 5000, SEEK_SET);
	int c = fgetc(fp);
	fseek(fp, 64 + 5000, SEEK_SET);
	fputc(c ^ 0x40, fp);
	fclose(fp);
	assert_false(read_both(g, f, 7, TOKEN));

	/* a missing tail */
	write_both(g, f);
	fp = fopen(path, "rb");
	fseek(fp, 0, SEEK_END);
	long size = ftell(fp);
	fclose(fp);
	assert_int_equal(truncate(path, size - 100), 0);
	assert_false(read_both(g, f, 7, TOKEN));
	unlink(path);
	assert_false(read_both(g, f, 7, TOKEN)); /* no file */
	graph_free(g);
	feed_free(f);
}

int main(void)
{
	snprintf(path, sizeof(path), "/tmp/moka-snap-test-%d", (int)getpid());
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_compact),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(path);
	return rc;
}
