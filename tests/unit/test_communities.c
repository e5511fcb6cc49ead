/*
 * Unit tests for src/communities: the type × role × action matrix, the
 * last-owner rule, type names, the membership index, and the audience of
 * community posts (through the one audience check) — including a reply
 * that tries to widen a community post, mentions that must not, and
 * access that goes at once when a member leaves. Built in memory: a
 * graph, a post index and a communities index, no store.
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
#include "communities/communities_int.h"
#include "core/arena.h"
#include "core/xmalloc.h"
#include "feed/feed.h"
#include "graph/graph.h"
#include "store/store.h"

enum { OWNER = 1, MEMBER = 2, OUTSIDER = 3, CONNECTED = 4, PEOPLE = 4 };
enum { PUB = 1, MOD = 2, RES = 3 };

static void test_matrix(void **state)
{
	(void)state;
	const enum community_role roles[] = {COMMUNITY_NONE, COMMUNITY_MEMBER, COMMUNITY_OWNER};
	/* expected[type][role][action] for a live, unlisted community */
	static const bool expected[3][3][7] = {
	    /* SEE  READ JOIN REQ  POST MOD  LEAVE */
	    {{1, 1, 1, 0, 0, 0, 0}, {1, 1, 0, 0, 1, 0, 1}, {1, 1, 0, 0, 1, 1, 1}}, /* public */
	    {{1, 1, 0, 1, 0, 0, 0}, {1, 1, 0, 0, 1, 0, 1}, {1, 1, 0, 0, 1, 1, 1}}, /* moderated */
	    {{0, 0, 0, 0, 0, 0, 0}, {1, 1, 0, 0, 1, 0, 1}, {1, 1, 0, 0, 1, 1, 1}}, /* restricted */
	};
	for (int t = 0; t < 3; t++)
		for (int r = 0; r < 3; r++)
			for (int a = 0; a < 7; a++)
				assert_int_equal(community_may((enum community_type)t, false, false,
							       roles[r], (enum community_action)a),
						 expected[t][r][a]);
	/* listed restricted: the listing only, never the contents */
	assert_true(community_may(COMMUNITY_RESTRICTED, true, false, COMMUNITY_NONE,
				  COMMUNITY_SEE_LISTING));
	assert_false(
	    community_may(COMMUNITY_RESTRICTED, true, false, COMMUNITY_NONE, COMMUNITY_READ));
	assert_false(
	    community_may(COMMUNITY_RESTRICTED, true, false, COMMUNITY_NONE, COMMUNITY_REQUEST));
	/* archived: read-only for everyone, owners included; members may still leave */
	for (int t = 0; t < 3; t++) {
		for (int r = 0; r < 3; r++) {
			enum community_type ty = (enum community_type)t;
			assert_false(community_may(ty, false, true, roles[r], COMMUNITY_JOIN));
			assert_false(community_may(ty, false, true, roles[r], COMMUNITY_REQUEST));
			assert_false(community_may(ty, false, true, roles[r], COMMUNITY_POST));
			assert_false(community_may(ty, false, true, roles[r], COMMUNITY_MODERATE));
			assert_int_equal(community_may(ty, false, true, roles[r], COMMUNITY_READ),
					 expected[t][r][COMMUNITY_READ]);
		}
	}
}

static void test_last_owner_rule(void **state)
{
	(void)state;
	assert_false(community_keeps_owner(1, COMMUNITY_OWNER, COMMUNITY_NONE));
	assert_false(community_keeps_owner(1, COMMUNITY_OWNER, COMMUNITY_MEMBER));
	assert_true(community_keeps_owner(2, COMMUNITY_OWNER, COMMUNITY_MEMBER));
	assert_true(community_keeps_owner(2, COMMUNITY_OWNER, COMMUNITY_NONE));
	assert_true(community_keeps_owner(1, COMMUNITY_MEMBER, COMMUNITY_NONE));
	assert_true(community_keeps_owner(1, COMMUNITY_MEMBER, COMMUNITY_OWNER));
	assert_true(community_keeps_owner(1, COMMUNITY_OWNER, COMMUNITY_OWNER));
}

static void test_type_names(void **state)
{
	(void)state;
	enum community_type t;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(
		    community_type_parse(community_type_name((enum community_type)i), &t), 0);
		assert_int_equal(t, i);
	}
	assert_int_equal(community_type_parse("secret", &t), -1);
	assert_int_equal(community_type_parse("", &t), -1);
}

static struct app *app_new(void)
{
	struct app *app = calloc(1, sizeof(*app));
	pthread_rwlock_init(&app->mem_lock, NULL);
	app->graph = graph_new();
	app->feed = feed_new();
	app->communities = xcalloc(1, sizeof(*app->communities));
	graph_connect(app->graph, OWNER, CONNECTED);
	graph_ensure(app->graph, PEOPLE);
	const int types[] = {0, COMMUNITY_PUBLIC, COMMUNITY_MODERATED, COMMUNITY_RESTRICTED};
	for (int id = PUB; id <= RES; id++) {
		struct community_row r = {.id = id, .name = "c", .type = types[id]};
		communities_index_put(app->communities, &r);
		communities_index_set_role(app->communities, id, OWNER, COMMUNITY_OWNER);
		communities_index_set_role(app->communities, id, MEMBER, COMMUNITY_MEMBER);
	}
	return app;
}

static void app_del(struct app *app)
{
	communities_close(app);
	feed_free(app->feed);
	graph_free(app->graph);
	pthread_rwlock_destroy(&app->mem_lock);
	free(app);
}

static int64_t next_id = 1000;

static int64_t post(struct app *app, int64_t author, int vis, int64_t community, int64_t reply_to,
		    const int64_t *mentions, size_t n)
{
	struct feed_new p = {.id = ++next_id,
			     .author = author,
			     .visibility = vis,
			     .community_id = community,
			     .in_reply_to_id = reply_to,
			     .mentions = mentions,
			     .n_mentions = n};
	assert_int_equal(feed_insert(app->feed, &p), 0);
	return p.id;
}

static void test_index(void **state)
{
	(void)state;
	struct app *app = app_new();
	const uint32_t *ids;
	assert_int_equal(communities_of_locked(app, MEMBER, &ids), 3);
	assert_int_equal(ids[0], PUB);
	assert_int_equal(ids[2], RES);
	assert_int_equal(communities_of_locked(app, OUTSIDER, &ids), 0);
	assert_int_equal(communities_members_locked(app, RES, &ids), 2);
	assert_int_equal(communities_role_locked(app, RES, OWNER), COMMUNITY_OWNER);
	assert_int_equal(communities_at(app->communities, RES)->owners, 1);
	communities_index_set_role(app->communities, RES, MEMBER, COMMUNITY_OWNER);
	assert_int_equal(communities_at(app->communities, RES)->owners, 2);
	communities_index_set_role(app->communities, RES, MEMBER, COMMUNITY_NONE);
	assert_int_equal(communities_at(app->communities, RES)->owners, 1);
	assert_int_equal(communities_members_locked(app, RES, &ids), 1);
	assert_int_equal(communities_of_locked(app, MEMBER, &ids), 2);
	assert_false(communities_can_read_locked(app, 99, OWNER));
	assert_false(communities_can_read_locked(app, PUB, 0));
	app_del(app);
}

static void test_audience_of_community_posts(void **state)
{
	(void)state;
	struct app *app = app_new();
	const int64_t outsider[] = {OUTSIDER};
	int64_t p_pub = post(app, OWNER, VIS_COMMUNITY, PUB, 0, NULL, 0);
	int64_t p_mod = post(app, OWNER, VIS_COMMUNITY, MOD, 0, NULL, 0);
	int64_t p_res = post(app, OWNER, VIS_COMMUNITY, RES, 0, outsider, 1);
	/* a public reply under a restricted post stays bounded by it */
	int64_t reply = post(app, MEMBER, VIS_PUBLIC, 0, p_res, NULL, 0);
	/* a community post whose community is not known yet (loading) is closed */
	int64_t orphan = post(app, OWNER, VIS_COMMUNITY, 0, 0, NULL, 0);
	const int64_t viewers[] = {OWNER, MEMBER, OUTSIDER, CONNECTED};
	for (size_t i = 0; i < 4; i++) {
		int64_t v = viewers[i];
		bool member = v == OWNER || v == MEMBER;
		assert_true(audience_post_visible(app, v, p_pub));
		assert_true(audience_post_visible(app, v, p_mod));
		assert_int_equal(audience_post_visible(app, v, p_res), member);
		assert_int_equal(audience_post_visible(app, v, reply), member);
		assert_int_equal(audience_post_visible(app, v, orphan), v == OWNER);
	}
	assert_false(audience_post_visible(app, 0, p_pub));
	/* the drafts agree (who a mention notifies) */
	struct feed_new d = {.id = ++next_id,
			     .author = OWNER,
			     .visibility = VIS_COMMUNITY,
			     .community_id = RES,
			     .mentions = outsider,
			     .n_mentions = 1};
	struct audience_ctx c;
	audience_ctx_init(&c, app, OUTSIDER);
	assert_false(audience_draft_visible(&c, &d));
	audience_ctx_init(&c, app, MEMBER);
	assert_true(audience_draft_visible(&c, &d));
	/* leaving takes it away at once; the author keeps their own words */
	communities_index_set_role(app->communities, RES, MEMBER, COMMUNITY_NONE);
	assert_false(audience_post_visible(app, MEMBER, p_res));
	assert_true(audience_post_visible(app, MEMBER, reply));
	communities_index_set_role(app->communities, RES, OWNER, COMMUNITY_NONE);
	assert_true(audience_post_visible(app, OWNER, p_res));
	app_del(app);
}

static void test_community_stream_and_home(void **state)
{
	(void)state;
	struct app *app = app_new();
	int64_t a = post(app, MEMBER, VIS_COMMUNITY, RES, 0, NULL, 0);
	int64_t b = post(app, OUTSIDER, VIS_PUBLIC, 0, 0, NULL, 0);
	int64_t c = post(app, MEMBER, VIS_COMMUNITY, PUB, 0, NULL, 0);
	struct arena *ar = arena_new();
	struct feed_page pg = {.limit = 20};
	struct feed_result res;
	struct feed_query q = {.stream = FEED_COMMUNITY, .viewer = OWNER, .community = RES};
	feed_query_page(app, ar, &q, &pg, &res);
	assert_int_equal(res.n, 1);
	assert_int_equal(res.ids[0], a);
	q.viewer = OUTSIDER;
	feed_query_page(app, ar, &q, &pg, &res);
	assert_int_equal(res.n, 0);
	/* OWNER's home: both communities' posts (MEMBER is no connection) */
	struct feed_query h = {.stream = FEED_HOME, .viewer = OWNER};
	feed_query_page(app, ar, &h, &pg, &res);
	assert_int_equal(res.n, 2);
	assert_int_equal(res.ids[0], c);
	assert_int_equal(res.ids[1], a);
	(void)b;
	/* the home stream's memo, built by the read above, follows a new
	 * community post, leaving and joining again */
	int64_t d = post(app, MEMBER, VIS_COMMUNITY, MOD, 0, NULL, 0);
	feed_query_page(app, ar, &h, &pg, &res);
	assert_int_equal(res.n, 3);
	assert_int_equal(res.ids[0], d);
	communities_index_set_role(app->communities, PUB, OWNER, COMMUNITY_NONE);
	feed_query_page(app, ar, &h, &pg, &res);
	assert_int_equal(res.n, 2);
	assert_int_equal(res.ids[0], d);
	assert_int_equal(res.ids[1], a);
	communities_index_set_role(app->communities, PUB, OWNER, COMMUNITY_MEMBER);
	feed_query_page(app, ar, &h, &pg, &res);
	assert_int_equal(res.n, 3);
	assert_int_equal(res.ids[1], c);
	/* set_community (loading) files a post under its community */
	int64_t late = post(app, MEMBER, VIS_COMMUNITY, 0, 0, NULL, 0);
	feed_query_page(app, ar, &h, &pg, &res);
	assert_int_equal(res.n, 3);
	assert_int_equal(feed_set_community(app->feed, late, RES), 0);
	q.viewer = OWNER;
	feed_query_page(app, ar, &q, &pg, &res);
	assert_int_equal(res.n, 2);
	assert_int_equal(res.ids[0], late);
	feed_query_page(app, ar, &h, &pg, &res);
	assert_int_equal(res.n, 4);
	assert_int_equal(res.ids[0], late);
	arena_free(ar);
	app_del(app);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_matrix),
	    cmocka_unit_test(test_last_owner_rule),
	    cmocka_unit_test(test_type_names),
	    cmocka_unit_test(test_index),
	    cmocka_unit_test(test_audience_of_community_posts),
	    cmocka_unit_test(test_community_stream_and_home),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
