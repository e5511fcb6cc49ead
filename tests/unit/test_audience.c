/*
 * Unit tests for src/audience: the audience check for every visibility
 * against every relation (author, connection, colleague of a colleague,
 * third degree, mentioned, follower, board owner, unrelated, anonymous),
 * reply chains (a reply never widens its parent's audience, deleted
 * parents included), reposts, drafts, and visibility names; the
 * relations kept across requests (audience_cache): every test runs with
 * them, and a randomized one compares them with a breadth-first search
 * while the graph changes (the cache's own rules: test_audience_cache.c).
 * The app is built in memory: a graph, a post index and the relation
 * cache, no store.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/app.h"
#include "audience/audience.h"
#include "feed/feed.h"
#include "graph/graph.h"
#include "test_util.h"

/* The people of every test. */
enum {
	AUTHOR = 1,
	CONN = 2,      /* connected to AUTHOR */
	SECOND = 3,    /* connected to CONN only */
	THIRD = 4,     /* connected to SECOND only */
	MENTIONED = 5, /* no relation, mentioned in the posts */
	FOLLOWER = 6,  /* follows AUTHOR, no connection */
	UNRELATED = 7,
	BOARD = 8, /* the board owner of board posts, no relation */
	OTHER = 9, /* connected to AUTHOR: writes replies */
	PEOPLE = 9,
};

static struct app *app_new(void)
{
	struct app *app = calloc(1, sizeof(*app));
	pthread_rwlock_init(&app->mem_lock, NULL);
	app->graph = graph_new();
	app->feed = feed_new();
	graph_connect(app->graph, AUTHOR, CONN);
	graph_connect(app->graph, CONN, SECOND);
	graph_connect(app->graph, SECOND, THIRD);
	graph_connect(app->graph, AUTHOR, OTHER);
	graph_follow(app->graph, FOLLOWER, AUTHOR);
	graph_ensure(app->graph, PEOPLE);
	app->relations = audience_cache_new(1);
	return app;
}

static void app_del(struct app *app)
{
	feed_free(app->feed);
	graph_free(app->graph);
	audience_cache_free(app->relations);
	pthread_rwlock_destroy(&app->mem_lock);
	free(app);
}

static int64_t next_id = 1000;

/* Adds a post; returns its id. */
static int64_t post(struct app *app, int64_t author, int vis, int64_t reply_to, int64_t reblog_of,
		    int64_t board, const int64_t *mentions, size_t n_mentions)
{
	struct feed_new p = {
	    .id = ++next_id,
	    .author = author,
	    .visibility = vis,
	    .in_reply_to_id = reply_to,
	    .reblog_of_id = reblog_of,
	    .board_owner_id = board,
	    .mentions = mentions,
	    .n_mentions = n_mentions,
	};
	assert_int_equal(feed_insert(app->feed, &p), 0);
	return p.id;
}

static const int64_t mention[] = {MENTIONED};

/* Who sees a post of each visibility (viewers 0..PEOPLE). */
static const char *const expected[] = {
    /*        anon A C S T M F U B O */
    [VIS_PUBLIC] = "0111111111",      [VIS_UNLISTED] = "0111111111", [VIS_NETWORK] = "0111010001",
    [VIS_CONNECTIONS] = "0110010001", [VIS_PRIVATE] = "0110011001",  [VIS_DIRECT] = "0100010000",
};

static void check_row(struct app *app, int64_t id, const char *want, const char *what)
{
	for (int64_t v = 0; v <= PEOPLE; v++) {
		bool got = audience_post_visible(app, v, id);
		if (got != (want[v] == '1'))
			fail_msg("%s: viewer %lld sees=%d, expected %c", what, (long long)v, got,
				 want[v]);
	}
}

static void test_every_visibility_and_relation(void **state)
{
	struct app *app = app_new();
	for (int vis = VIS_PUBLIC; vis <= VIS_DIRECT; vis++) {
		int64_t id = post(app, AUTHOR, vis, 0, 0, 0, mention, 1);
		check_row(app, id, expected[vis], visibility_name((enum visibility)vis));
	}
	app_del(app);
}

static void test_board_owner_sees_board_posts(void **state)
{
	struct app *app = app_new();
	for (int vis = VIS_PUBLIC; vis <= VIS_DIRECT; vis++) {
		int64_t id = post(app, AUTHOR, vis, 0, 0, BOARD, mention, 1);
		char want[16];
		memcpy(want, expected[vis], 11);
		want[BOARD] = '1';
		check_row(app, id, want, "board post");
	}
	app_del(app);
}

static void test_mentions_open_direct_posts_only_to_them(void **state)
{
	struct app *app = app_new();
	int64_t id = post(app, AUTHOR, VIS_DIRECT, 0, 0, 0, NULL, 0);
	check_row(app, id, "0100000000", "direct, nobody mentioned");
	const int64_t two[] = {UNRELATED, THIRD};
	id = post(app, AUTHOR, VIS_DIRECT, 0, 0, 0, two, 2);
	check_row(app, id, "0100100100", "direct to two");
	app_del(app);
}

static void test_reply_never_widens_its_parent(void **state)
{
	struct app *app = app_new();
	int64_t parent = post(app, AUTHOR, VIS_CONNECTIONS, 0, 0, 0, NULL, 0);
	/* OTHER replies publicly: still only the author's connections (and OTHER) */
	int64_t reply = post(app, OTHER, VIS_PUBLIC, parent, 0, 0, NULL, 0);
	check_row(app, parent, "0110000001", "connections parent");
	check_row(app, reply, "0110000001", "public reply to a connections post");
	/* a mention in the reply does not open the parent's thread to MENTIONED */
	int64_t reply2 = post(app, OTHER, VIS_PUBLIC, parent, 0, 0, mention, 1);
	check_row(app, reply2, "0110000001", "mention in a reply to a connections post");
	/* the reply's own audience narrows further: a connections reply by
	 * OTHER needs distance 1 to OTHER too (CONN is at distance 2) */
	int64_t narrow = post(app, OTHER, VIS_CONNECTIONS, parent, 0, 0, NULL, 0);
	check_row(app, narrow, "0100000001", "connections reply to a connections post");
	/* three levels: a public reply under the narrow reply */
	int64_t deep = post(app, AUTHOR, VIS_PUBLIC, narrow, 0, 0, NULL, 0);
	check_row(app, deep, "0100000001", "public reply, two levels under");
	app_del(app);
}

static void test_authors_keep_their_replies(void **state)
{
	struct app *app = app_new();
	int64_t parent = post(app, AUTHOR, VIS_CONNECTIONS, 0, 0, 0, NULL, 0);
	int64_t reply = post(app, CONN, VIS_PUBLIC, parent, 0, 0, NULL, 0);
	graph_disconnect(app->graph, AUTHOR, CONN);
	/* CONN no longer sees the parent, nor does anyone see CONN's reply
	 * through the thread, but CONN still sees what CONN wrote */
	check_row(app, parent, "0100000001", "parent after the disconnect");
	check_row(app, reply, "0110000001", "reply after its author's disconnect");
	/* not so for reposts: they show someone else's words */
	int64_t orig = post(app, OTHER, VIS_PUBLIC, 0, 0, 0, NULL, 0);
	int64_t rb = post(app, THIRD, VIS_PUBLIC, 0, orig, 0, NULL, 0);
	assert_int_equal(feed_delete(app->feed, orig), 0);
	assert_false(audience_post_visible(app, THIRD, rb));
	app_del(app);
}

static void test_public_chain_is_open_to_everyone(void **state)
{
	struct app *app = app_new();
	int64_t root = post(app, AUTHOR, VIS_PUBLIC, 0, 0, 0, NULL, 0);
	int64_t r1 = post(app, UNRELATED, VIS_UNLISTED, root, 0, 0, NULL, 0);
	int64_t r2 = post(app, THIRD, VIS_PUBLIC, r1, 0, 0, NULL, 0);
	check_row(app, r2, "0111111111", "open chain");
	/* a private reply in an open thread: its own rule applies */
	int64_t r3 = post(app, AUTHOR, VIS_PRIVATE, r2, 0, 0, NULL, 0);
	check_row(app, r3, "0110001001", "private reply in an open thread");
	app_del(app);
}

static void test_deleted_posts_and_orphans(void **state)
{
	struct app *app = app_new();
	int64_t parent = post(app, AUTHOR, VIS_CONNECTIONS, 0, 0, 0, NULL, 0);
	int64_t reply = post(app, OTHER, VIS_PUBLIC, parent, 0, 0, NULL, 0);
	assert_int_equal(feed_delete(app->feed, parent), 0);
	assert_int_equal(feed_delete(app->feed, parent), -1);
	check_row(app, parent, "0000000000", "deleted post");
	/* the orphan stays visible to the parent's audience, and only to it */
	check_row(app, reply, "0110000001", "reply to a deleted connections post");
	app_rdlock(app);
	assert_true(audience_post_reached_locked(app, CONN, parent));
	assert_false(audience_post_reached_locked(app, UNRELATED, parent));
	app_unlock(app);
	app_del(app);
}

static void test_reposts_follow_their_original(void **state)
{
	struct app *app = app_new();
	int64_t orig = post(app, AUTHOR, VIS_PUBLIC, 0, 0, 0, NULL, 0);
	int64_t rb = post(app, THIRD, VIS_PUBLIC, 0, orig, 0, NULL, 0);
	check_row(app, rb, "0111111111", "repost of a public post");
	assert_int_equal(feed_delete(app->feed, orig), 0);
	check_row(app, rb, "0000000000", "repost of a deleted post");
	/* a repost of an unlisted reply inside a connections thread */
	int64_t p = post(app, AUTHOR, VIS_CONNECTIONS, 0, 0, 0, NULL, 0);
	int64_t r = post(app, CONN, VIS_UNLISTED, p, 0, 0, NULL, 0);
	int64_t rb2 = post(app, CONN, VIS_UNLISTED, 0, r, 0, NULL, 0);
	check_row(app, rb2, "0110000001", "repost inside a connections thread");
	app_del(app);
}

static void test_graph_changes_apply_at_once(void **state)
{
	struct app *app = app_new();
	int64_t id = post(app, AUTHOR, VIS_NETWORK, 0, 0, 0, NULL, 0);
	assert_true(audience_post_visible(app, SECOND, id));
	graph_disconnect(app->graph, CONN, SECOND);
	assert_false(audience_post_visible(app, SECOND, id));
	graph_connect(app->graph, THIRD, AUTHOR);
	assert_true(audience_post_visible(app, THIRD, id));
	graph_unfollow(app->graph, FOLLOWER, AUTHOR);
	int64_t priv = post(app, AUTHOR, VIS_PRIVATE, 0, 0, 0, NULL, 0);
	assert_false(audience_post_visible(app, FOLLOWER, priv));
	app_del(app);
}

/* --- relations kept across requests ------------------------------------ */

#define RP 40 /* people of the randomized test */

static uint64_t rng = 88172645463325252ull;

static unsigned rnd(unsigned n)
{
	return test_rnd(&rng, n);
}

/* Distance from a to b by breadth-first search (3 = farther). */
static int bfs_distance(const struct graph *g, uint32_t a, uint32_t b)
{
	if (a == b)
		return 0;
	if (graph_is_connected(g, a, b))
		return 1;
	size_t n;
	const uint32_t *ca = graph_connections(g, a, &n);
	for (size_t i = 0; i < n; i++)
		if (graph_is_connected(g, ca[i], b))
			return 2;
	return 3;
}

static bool oracle(const struct graph *g, uint32_t viewer, uint32_t author, int vis)
{
	if (viewer == author)
		return true;
	return test_rule_admits(vis, bfs_distance(g, author, viewer),
				graph_is_following(g, viewer, author));
}

/* Readers re-read every post while connections and follows change under
 * them, through the relations filed on earlier reads: each answer must be
 * the graph's of the moment. */
static void test_relations_follow_graph_changes(void **state)
{
	(void)state;
	struct app *app = calloc(1, sizeof(*app));
	app->graph = graph_new();
	app->feed = feed_new();
	app->relations = audience_cache_new(1);
	graph_ensure(app->graph, RP);
	for (int i = 0; i < 60; i++)
		graph_connect(app->graph, 1 + rnd(RP), 1 + rnd(RP));
	int64_t ids[RP * 3];
	uint32_t authors[RP * 3];
	int vis[RP * 3];
	int n = 0;
	for (uint32_t a = 1; a <= RP; a++)
		for (int k = 0; k < 3; k++) {
			authors[n] = a;
			vis[n] = (int)(VIS_NETWORK + rnd(3)); /* network, connections, private */
			ids[n] = post(app, a, vis[n], 0, 0, 0, NULL, 0);
			n++;
		}
	for (int round = 0; round < 150; round++) {
		uint32_t a = 1 + rnd(RP), b = 1 + rnd(RP);
		switch (rnd(4)) {
		case 0:
			graph_connect(app->graph, a, b);
			break;
		case 1: {
			size_t k;
			const uint32_t *c = graph_connections(app->graph, a, &k);
			if (k)
				graph_disconnect(app->graph, a, c[rnd((unsigned)k)]);
			break;
		}
		case 2:
			graph_follow(app->graph, a, b);
			break;
		default:
			graph_unfollow(app->graph, a, b);
		}
		for (uint32_t v = 1; v <= RP; v++)
			for (int i = 0; i < n; i++) {
				bool want = oracle(app->graph, v, authors[i], vis[i]);
				if (audience_post_visible(app, v, ids[i]) != want)
					fail_msg("round %d: viewer %u, author %u, visibility %d: "
						 "expected %d",
						 round, v, authors[i], vis[i], want);
			}
	}
	/* the reads filed their relations, and those are found and right
	 * while nothing changes */
	const struct graph *g = app->graph;
	int found = 0;
	for (uint32_t v = 1; v <= RP; v++)
		for (uint32_t a = 1; a <= RP; a++) {
			if (a == v)
				continue;
			int r = audience_cache_get(app->relations, v, graph_version(g, v), a,
						   graph_version(g, a));
			if (r < 0)
				continue;
			found++;
			unsigned want = (unsigned)bfs_distance(g, a, v) |
					(graph_is_following(g, v, a) ? 4u : 0u);
			assert_int_equal(r, (int)want);
		}
	assert_true(found > RP * (RP - 1) * 9 / 10);
	app_del(app);
}

static void test_draft_matches_indexed_post(void **state)
{
	struct app *app = app_new();
	int64_t parent = post(app, AUTHOR, VIS_NETWORK, 0, 0, 0, NULL, 0);
	for (int vis = VIS_PUBLIC; vis <= VIS_DIRECT; vis++) {
		struct feed_new d = {.id = next_id + 1,
				     .author = CONN,
				     .visibility = vis,
				     .in_reply_to_id = parent,
				     .mentions = mention,
				     .n_mentions = 1};
		bool draft[PEOPLE + 1];
		app_rdlock(app);
		for (int64_t v = 0; v <= PEOPLE; v++) {
			struct audience_ctx c;
			audience_ctx_init(&c, app, v);
			draft[v] = audience_draft_visible(&c, &d);
		}
		app_unlock(app);
		int64_t id = post(app, CONN, vis, parent, 0, 0, mention, 1);
		for (int64_t v = 0; v <= PEOPLE; v++)
			assert_int_equal(draft[v], audience_post_visible(app, v, id));
	}
	app_del(app);
}

static void test_unknown_posts_and_viewers(void **state)
{
	struct app *app = app_new();
	int64_t id = post(app, AUTHOR, VIS_PUBLIC, 0, 0, 0, NULL, 0);
	assert_false(audience_post_visible(app, CONN, id + 12345));
	assert_false(audience_post_visible(app, 0, id));
	assert_false(audience_post_visible(app, -5, id));
	assert_true(audience_post_visible(app, 1000, id)); /* anyone signed in */
	/* a reply to an unknown post is refused by the index */
	struct feed_new bad = {.id = ++next_id, .author = AUTHOR, .in_reply_to_id = 42};
	assert_int_equal(feed_insert(app->feed, &bad), -1);
	app_del(app);
}

/* Without a communities index (none loaded), a community post is closed
 * to all but its author — mentions and boards do not open it. The full
 * community rows are in test_communities.c. */
static void test_community_posts_closed_without_index(void **state)
{
	(void)state;
	struct app *app = app_new();
	int64_t p = post(app, AUTHOR, VIS_COMMUNITY, 0, 0, 0, mention, 1);
	assert_true(audience_post_visible(app, AUTHOR, p));
	for (int64_t v = CONN; v <= PEOPLE; v++)
		assert_false(audience_post_visible(app, v, p));
	int64_t reply = post(app, CONN, VIS_PUBLIC, p, 0, 0, NULL, 0);
	assert_true(audience_post_visible(app, AUTHOR, reply)); /* under their own post */
	assert_true(audience_post_visible(app, CONN, reply));	/* their own words */
	assert_false(audience_post_visible(app, OTHER, reply));
	assert_false(audience_post_visible(app, MENTIONED, reply));
	enum visibility vis;
	assert_int_equal(visibility_parse("community", &vis), 0);
	assert_int_equal(vis, VIS_COMMUNITY);
	assert_string_equal(visibility_mastodon(VIS_COMMUNITY), "private");
	app_del(app);
}

static void test_visibility_names(void **state)
{
	const char *moka[] = {"public", "unlisted", "network", "connections", "private", "direct"};
	const char *masto[] = {"public", "unlisted", "private", "private", "private", "direct"};
	for (int v = 0; v <= VIS_DIRECT; v++) {
		enum visibility got;
		assert_int_equal(visibility_parse(moka[v], &got), 0);
		assert_int_equal(got, v);
		assert_string_equal(visibility_name((enum visibility)v), moka[v]);
		assert_string_equal(visibility_mastodon((enum visibility)v), masto[v]);
	}
	enum visibility x;
	assert_int_equal(visibility_parse("Public", &x), -1);
	assert_int_equal(visibility_parse("", &x), -1);
	assert_int_equal(visibility_parse("limited", &x), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_visibility_and_relation),
	    cmocka_unit_test(test_board_owner_sees_board_posts),
	    cmocka_unit_test(test_mentions_open_direct_posts_only_to_them),
	    cmocka_unit_test(test_reply_never_widens_its_parent),
	    cmocka_unit_test(test_authors_keep_their_replies),
	    cmocka_unit_test(test_public_chain_is_open_to_everyone),
	    cmocka_unit_test(test_deleted_posts_and_orphans),
	    cmocka_unit_test(test_reposts_follow_their_original),
	    cmocka_unit_test(test_graph_changes_apply_at_once),
	    cmocka_unit_test(test_relations_follow_graph_changes),
	    cmocka_unit_test(test_draft_matches_indexed_post),
	    cmocka_unit_test(test_unknown_posts_and_viewers),
	    cmocka_unit_test(test_community_posts_closed_without_index),
	    cmocka_unit_test(test_visibility_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
