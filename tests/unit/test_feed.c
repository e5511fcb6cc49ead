/*
 * Unit tests for src/feed: page cursor parsing, and the read-time k-way
 * merge of every stream (home, wall, company, hashtag, mentions) checked
 * against brute force — a straightforward filter over all posts with the
 * audience rule written out again here, independently of audience.c —
 * on seeded random graphs and posts with mixed audiences, for many
 * viewers and every page, also after deletes, disconnects, unfollows,
 * edits of mentions and tags, and posts arriving out of id order; and
 * every person's like and repost flags and the like counts, the same way.
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
#include "core/arena.h"
#include "feed/feed.h"
#include "feed/feed_int.h"
#include "graph/graph.h"
#include "test_util.h"

/* --- cursors ------------------------------------------------------------- */

static void test_page_parse(void **state)
{
	struct feed_page pg;
	const char *why = NULL;
	assert_int_equal(feed_page_parse(NULL, NULL, NULL, NULL, &pg, &why), 0);
	assert_int_equal(pg.limit, FEED_LIMIT_DEFAULT);
	assert_true(pg.max_id == 0 && pg.since_id == 0 && pg.min_id == 0);
	assert_int_equal(feed_page_parse("123", "", "45", "7", &pg, &why), 0);
	assert_true(pg.max_id == 123 && pg.since_id == 0 && pg.min_id == 45 && pg.limit == 7);
	assert_int_equal(feed_page_parse(NULL, NULL, NULL, "1000", &pg, &why), 0);
	assert_int_equal(pg.limit, FEED_LIMIT_MAX);
	assert_int_equal(feed_page_parse("9223372036854775807", NULL, NULL, NULL, &pg, &why), 0);
	assert_true(pg.max_id == INT64_MAX);

	const char *bad[][4] = {
	    {"12a", NULL, NULL, NULL},
	    {"-1", NULL, NULL, NULL},
	    {NULL, "x", NULL, NULL},
	    {NULL, NULL, "1.5", NULL},
	    {NULL, NULL, NULL, "0"},
	    {NULL, NULL, NULL, "-3"},
	    {NULL, NULL, NULL, "ten"},
	    {"9223372036854775808", NULL, NULL, NULL},
	    {"12345678901234567890", NULL, NULL, NULL},
	    {" 1", NULL, NULL, NULL},
	};
	const char *names[] = {"max_id", "max_id", "since_id", "min_id", "limit",
			       "limit",	 "limit",  "max_id",   "max_id", "max_id"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		assert_int_equal(
		    feed_page_parse(bad[i][0], bad[i][1], bad[i][2], bad[i][3], &pg, &why), -1);
		assert_non_null(why);
		assert_memory_equal(why, names[i], strlen(names[i]));
	}
}

/* --- the model ------------------------------------------------------------- */

static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t rng_below(uint64_t *s, uint32_t n)
{
	return (uint32_t)(rng_next(s) % n);
}

#define MAX_POSTS 4000
#define MAX_MENTIONS 3
#define MAX_TAGS 2
static const char *const tag_names[] = {"coffee", "rust", "design", "q3-plan"};

/* A post as the test knows it: the truth brute force works from. */
struct mpost {
	int64_t id;
	int64_t author, board;
	int vis;
	int parent; /* index in the model, -1 */
	int reblog; /* index in the model, -1 */
	bool deleted;
	int64_t mentions[MAX_MENTIONS];
	int n_mentions;
	const char *tags[MAX_TAGS];
	int n_tags;
};

struct model {
	struct app *app;
	struct arena *arena;
	uint32_t people;
	struct mpost posts[MAX_POSTS];
	int n;
	uint64_t rng;
};

static bool mentions_has(const struct mpost *p, int64_t v)
{
	for (int i = 0; i < p->n_mentions; i++)
		if (p->mentions[i] == v)
			return true;
	return false;
}

/* The audience rule, straight from its definition. */
static bool own_ok(const struct model *m, const struct mpost *p, int64_t v)
{
	const struct graph *g = m->app->graph;
	if (p->author == v || p->board == v || mentions_has(p, v))
		return true;
	return test_rule_admits(p->vis, graph_distance(g, (uint32_t)p->author, (uint32_t)v),
				graph_is_following(g, (uint32_t)v, (uint32_t)p->author));
}

static bool chain_ok(const struct model *m, int i, int64_t v)
{
	const struct mpost *p = &m->posts[i];
	return own_ok(m, p, v) && (p->parent < 0 || chain_ok(m, p->parent, v));
}

static bool bf_visible(const struct model *m, int i, int64_t v)
{
	const struct mpost *p = &m->posts[i];
	if (v == 0 || p->deleted)
		return false;
	if (p->author == v && p->reblog < 0)
		return true; /* one's own words */
	if (p->reblog >= 0)
		return own_ok(m, p, v) && bf_visible(m, p->reblog, v);
	return chain_ok(m, i, v);
}

static bool has_tag(const struct mpost *p, const char *tag)
{
	for (int i = 0; i < p->n_tags; i++)
		if (strcmp(p->tags[i], tag) == 0)
			return true;
	return false;
}

/* Is post i in stream q at all (before the audience check)? */
static bool bf_in_stream(const struct model *m, int i, const struct feed_query *q)
{
	const struct mpost *p = &m->posts[i];
	const struct graph *g = m->app->graph;
	uint32_t v = (uint32_t)q->viewer;
	switch (q->stream) {
	case FEED_HOME:
		return p->author == q->viewer || p->board == q->viewer ||
		       graph_is_connected(g, v, (uint32_t)p->author) ||
		       graph_is_following(g, v, (uint32_t)p->author);
	case FEED_WALL:
		if (p->author != q->user && p->board != q->user)
			return false;
		if (q->exclude_reblogs && p->reblog >= 0)
			return false;
		return !(q->exclude_replies && p->parent >= 0 &&
			 m->posts[p->parent].author != p->author);
	case FEED_PUBLIC:
		return p->vis == VIS_PUBLIC && p->reblog < 0 &&
		       (p->parent < 0 || m->posts[p->parent].author == p->author);
	case FEED_TAG:
		return p->vis != VIS_UNLISTED && p->reblog < 0 && has_tag(p, q->tag);
	case FEED_MENTIONS:
		return mentions_has(p, q->viewer);
	case FEED_COMMUNITY: /* the model has no community posts (test_communities.c) */
		return false;
	}
	return false;
}

static int cmp_desc(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? 1 : x > y ? -1 : 0;
}

/* Every id of stream q viewer may see, newest first. */
static size_t bf_stream(const struct model *m, const struct feed_query *q, int64_t *out)
{
	size_t n = 0;
	for (int i = 0; i < m->n; i++)
		if (bf_in_stream(m, i, q) && bf_visible(m, i, q->viewer))
			out[n++] = m->posts[i].id;
	qsort(out, n, sizeof(*out), cmp_desc);
	return n;
}

/* Brute-force page over the full list (newest first). */
static size_t bf_page(const int64_t *all, size_t n, const struct feed_page *pg, int64_t *out)
{
	int64_t lower = pg->since_id > pg->min_id ? pg->since_id : pg->min_id;
	size_t k = 0;
	if (pg->min_id) {
		/* the limit oldest above min_id, given newest first */
		for (size_t i = n; i-- > 0 && k < (size_t)pg->limit;)
			if (all[i] > lower && (!pg->max_id || all[i] < pg->max_id))
				out[k++] = all[i];
		for (size_t i = 0; i < k / 2; i++) {
			int64_t t = out[i];
			out[i] = out[k - 1 - i];
			out[k - 1 - i] = t;
		}
		return k;
	}
	for (size_t i = 0; i < n && k < (size_t)pg->limit; i++)
		if (all[i] > lower && (!pg->max_id || all[i] < pg->max_id))
			out[k++] = all[i];
	return k;
}

/* --- building ----------------------------------------------------------------- */

static struct model *model_new(uint64_t seed, uint32_t people, double degree)
{
	struct model *m = calloc(1, sizeof(*m));
	m->rng = seed;
	m->people = people;
	m->app = calloc(1, sizeof(*m->app));
	pthread_rwlock_init(&m->app->mem_lock, NULL);
	m->app->graph = graph_new();
	m->app->feed = feed_new();
	m->app->relations = audience_cache_new(1); /* as the server runs: relations kept */
	m->arena = arena_new();
	graph_ensure(m->app->graph, people);
	uint32_t edges = (uint32_t)(people * degree / 2);
	for (uint32_t e = 0; e < edges; e++)
		graph_connect(m->app->graph, rng_below(&m->rng, people) + 1,
			      rng_below(&m->rng, people) + 1);
	for (uint32_t e = 0; e < edges; e++)
		graph_follow(m->app->graph, rng_below(&m->rng, people) + 1,
			     rng_below(&m->rng, people) + 1);
	return m;
}

static void model_free(struct model *m)
{
	feed_free(m->app->feed);
	graph_free(m->app->graph);
	audience_cache_free(m->app->relations);
	pthread_rwlock_destroy(&m->app->mem_lock);
	free(m->app);
	arena_free(m->arena);
	free(m);
}

static void index_post(struct model *m, const struct mpost *p)
{
	struct feed_new d = {
	    .id = p->id,
	    .author = p->author,
	    .visibility = p->vis,
	    .board_owner_id = p->board,
	    .in_reply_to_id = p->parent >= 0 ? m->posts[p->parent].id : 0,
	    .reblog_of_id = p->reblog >= 0 ? m->posts[p->reblog].id : 0,
	    .mentions = p->mentions,
	    .n_mentions = (size_t)p->n_mentions,
	    .tags = p->tags,
	    .n_tags = (size_t)p->n_tags,
	};
	assert_int_equal(feed_insert(m->app->feed, &d), 0);
}

/* Adds a random post with id (a reply, repost or board post sometimes). */
static void add_random_post(struct model *m, int64_t id)
{
	assert_true(m->n < MAX_POSTS);
	struct mpost *p = &m->posts[m->n];
	memset(p, 0, sizeof(*p));
	p->id = id;
	p->author = rng_below(&m->rng, m->people) + 1;
	p->vis = (int)rng_below(&m->rng, 6);
	p->parent = p->reblog = -1;
	uint32_t kind = rng_below(&m->rng, 20);
	int target = m->n ? (int)rng_below(&m->rng, (uint32_t)m->n) : -1;
	if (kind < 7 && target >= 0 && m->posts[target].id < id && m->posts[target].reblog < 0) {
		p->parent = target;
	} else if (kind < 9 && target >= 0 && m->posts[target].reblog < 0 &&
		   m->posts[target].vis <= VIS_UNLISTED && m->posts[target].id < id) {
		p->reblog = target;
		p->vis = m->posts[target].vis;
	} else if (kind < 11) {
		p->board = rng_below(&m->rng, m->people) + 1;
		if (p->board == p->author)
			p->board = 0;
	}
	if (p->reblog < 0) {
		p->n_mentions = (int)rng_below(&m->rng, MAX_MENTIONS + 1);
		for (int i = 0; i < p->n_mentions; i++)
			p->mentions[i] = rng_below(&m->rng, m->people) + 1;
		/* the index deduplicates; so does the model's mentions_has */
		p->n_tags = (int)rng_below(&m->rng, MAX_TAGS + 1);
		for (int i = 0; i < p->n_tags; i++)
			p->tags[i] = tag_names[rng_below(&m->rng, 4)];
		if (p->n_tags == 2 && p->tags[0] == p->tags[1])
			p->n_tags = 1;
	}
	index_post(m, p);
	m->n++;
}

/* --- comparing ---------------------------------------------------------------- */

static void assert_ids(const int64_t *got, size_t n_got, const int64_t *want, size_t n_want,
		       const char *what, int64_t viewer)
{
	if (n_got != n_want)
		fail_msg("%s, viewer %lld: %zu ids, expected %zu", what, (long long)viewer, n_got,
			 n_want);
	for (size_t i = 0; i < n_want; i++)
		if (got[i] != want[i])
			fail_msg("%s, viewer %lld: id %zu is %lld, expected %lld", what,
				 (long long)viewer, i, (long long)got[i], (long long)want[i]);
}

static void page(struct model *m, const struct feed_query *q, const struct feed_page *pg,
		 struct feed_result *res)
{
	feed_query_page(m->app, m->arena, q, pg, res);
}

/*
 * Checks q against brute force: walking every page with max_id from the
 * top equals the whole list; a page above a min_id, since_id pages and
 * Link cursors agree with brute force.
 */
static void check_stream(struct model *m, const struct feed_query *q, int limit, const char *what)
{
	static int64_t all[MAX_POSTS], walked[MAX_POSTS], want[FEED_LIMIT_MAX];
	size_t n_all = bf_stream(m, q, all), n_walked = 0;
	struct feed_page pg = {.limit = limit};
	struct feed_result res;
	for (;;) {
		page(m, q, &pg, &res);
		size_t n_want = bf_page(all, n_all, &pg, want);
		assert_ids(res.ids, res.n, want, n_want, what, q->viewer);
		if (res.n == 0) {
			assert_true(res.next_max_id == 0 && res.prev_min_id == 0);
			break;
		}
		assert_true(res.prev_min_id == res.ids[0]);
		assert_true(res.next_max_id == res.ids[res.n - 1]);
		memcpy(walked + n_walked, res.ids, res.n * sizeof(*res.ids));
		n_walked += res.n;
		pg.max_id = res.next_max_id;
	}
	assert_ids(walked, n_walked, all, n_all, what, q->viewer);
	if (n_all < 3)
		return;
	/* pages above a min_id, and since_id pages, from a few points */
	for (int k = 0; k < 3; k++) {
		int64_t pivot = all[rng_below(&m->rng, (uint32_t)n_all)];
		struct feed_page up = {.min_id = pivot, .limit = limit};
		page(m, q, &up, &res);
		assert_ids(res.ids, res.n, want, bf_page(all, n_all, &up, want), "min_id page",
			   q->viewer);
		struct feed_page since = {.since_id = pivot, .limit = limit};
		page(m, q, &since, &res);
		assert_ids(res.ids, res.n, want, bf_page(all, n_all, &since, want), "since_id page",
			   q->viewer);
		struct feed_page between = {
		    .since_id = all[n_all - 1], .max_id = pivot, .limit = limit};
		page(m, q, &between, &res);
		assert_ids(res.ids, res.n, want, bf_page(all, n_all, &between, want),
			   "since_id and max_id", q->viewer);
	}
}

static void check_all_streams(struct model *m, int viewers, const char *what)
{
	for (int k = 0; k < viewers; k++) {
		int64_t v = rng_below(&m->rng, m->people) + 1;
		int limit = 1 + (int)rng_below(&m->rng, FEED_LIMIT_MAX);
		struct feed_query home = {.stream = FEED_HOME, .viewer = v};
		check_stream(m, &home, limit, what);
		struct feed_query wall = {.stream = FEED_WALL,
					  .viewer = v,
					  .user = rng_below(&m->rng, m->people) + 1,
					  .exclude_replies = rng_below(&m->rng, 2),
					  .exclude_reblogs = rng_below(&m->rng, 2)};
		check_stream(m, &wall, limit, what);
		struct feed_query pub = {.stream = FEED_PUBLIC, .viewer = v};
		check_stream(m, &pub, limit, what);
		struct feed_query tag = {
		    .stream = FEED_TAG, .viewer = v, .tag = tag_names[rng_below(&m->rng, 4)]};
		check_stream(m, &tag, limit, what);
		struct feed_query men = {.stream = FEED_MENTIONS, .viewer = v};
		check_stream(m, &men, limit, what);
	}
}

/* --- the tests ---------------------------------------------------------------- */

static void test_merge_vs_brute_force(void **state)
{
	for (uint64_t seed = 1; seed <= 4; seed++) {
		struct model *m = model_new(seed * 7919, 60, seed * 3.0);
		for (int i = 0; i < 2500; i++)
			add_random_post(m, 1000 + i * 3);
		check_all_streams(m, 60, "fresh");
		model_free(m);
	}
}

static void test_after_deletes_disconnects_and_edits(void **state)
{
	struct model *m = model_new(424242, 50, 6.0);
	for (int i = 0; i < 2000; i++)
		add_random_post(m, 5000 + i * 2);
	check_all_streams(m, 10, "before changes");
	/* delete a tenth of the posts */
	for (int k = 0; k < m->n / 10; k++) {
		int i = (int)rng_below(&m->rng, (uint32_t)m->n);
		int rc = feed_delete(m->app->feed, m->posts[i].id);
		assert_int_equal(rc, m->posts[i].deleted ? -1 : 0);
		m->posts[i].deleted = true;
	}
	check_all_streams(m, 10, "after deletes");
	/* break connections and follows */
	for (uint32_t a = 1; a <= m->people; a++) {
		size_t n;
		const uint32_t *c = graph_connections(m->app->graph, a, &n);
		if (n && rng_below(&m->rng, 3) == 0)
			graph_disconnect(m->app->graph, a, c[0]);
		const uint32_t *f = graph_following(m->app->graph, a, &n);
		if (n && rng_below(&m->rng, 3) == 0)
			graph_unfollow(m->app->graph, a, f[0]);
	}
	check_all_streams(m, 10, "after disconnects");
	/* edits: new mentions and tags */
	for (int k = 0; k < 200; k++) {
		struct mpost *p = &m->posts[rng_below(&m->rng, (uint32_t)m->n)];
		if (p->reblog >= 0)
			continue;
		const char *old[MAX_TAGS];
		memcpy(old, p->tags, sizeof(old));
		int n_old = p->n_tags;
		p->n_mentions = (int)rng_below(&m->rng, MAX_MENTIONS + 1);
		for (int i = 0; i < p->n_mentions; i++)
			p->mentions[i] = rng_below(&m->rng, m->people) + 1;
		p->n_tags = (int)rng_below(&m->rng, 2);
		if (p->n_tags)
			p->tags[0] = tag_names[rng_below(&m->rng, 4)];
		assert_int_equal(
		    feed_set_mentions(m->app->feed, p->id, p->mentions, (size_t)p->n_mentions), 0);
		assert_int_equal(feed_set_tags(m->app->feed, p->id, old, (size_t)n_old, p->tags,
					       (size_t)p->n_tags),
				 0);
	}
	check_all_streams(m, 15, "after edits");
	model_free(m);
}

static void test_out_of_order_ids(void **state)
{
	struct model *m = model_new(99, 40, 5.0);
	/* ids with gaps, then older ids filling them in, in random order */
	for (int i = 0; i < 800; i++)
		add_random_post(m, 100000 + i * 10);
	for (int i = 0; i < 400; i++) {
		int64_t id = 100000 + (int64_t)rng_below(&m->rng, 8000) * 10 + 1 +
			     (int64_t)rng_below(&m->rng, 9);
		if (feed_slot(m->app->feed, id) == FEED_NONE)
			add_random_post(m, id);
	}
	check_all_streams(m, 15, "out of order");
	/* the id array stays sorted and every slot maps back */
	const struct feed *f = m->app->feed;
	for (uint32_t s = 1; s < feed_count(f); s++)
		assert_true(feed_id(f, s - 1) < feed_id(f, s));
	for (int i = 0; i < m->n; i++)
		assert_int_equal(feed_id(f, feed_slot(f, m->posts[i].id)), m->posts[i].id);
	model_free(m);
}

/* Every page of the home stream of each of the viewers, against brute force. */
static void check_homes(struct model *m, const int64_t *viewers, int n, const char *what)
{
	for (int k = 0; k < n; k++) {
		struct feed_query home = {.stream = FEED_HOME, .viewer = viewers[k]};
		check_stream(m, &home, 1 + (int)rng_below(&m->rng, FEED_LIMIT_MAX), what);
	}
}

/*
 * The home stream's memo (feed_stream.c): the same readers read their
 * home stream again and again while posts arrive (a few at a time, and
 * more than a memo catches up with), posts are deleted, the readers
 * connect, disconnect, follow and unfollow, and posts arrive out of id
 * order. Every page of every reader equals brute force each time.
 */
static void test_home_memo_vs_brute_force(void **state)
{
	struct model *m = model_new(8128, 40, 5.0);
	int64_t viewers[12], id = 10000;
	for (int k = 0; k < 12; k++)
		viewers[k] = rng_below(&m->rng, m->people) + 1;
	for (int i = 0; i < 300; i++)
		add_random_post(m, id += 10);
	check_homes(m, viewers, 12, "memo built");
	for (int round = 0; round < 30; round++) {
		int posts = (int)rng_below(&m->rng, 12);
		for (int i = 0; i < posts; i++)
			add_random_post(m, id += 10);
		check_homes(m, viewers, 12, "memo caught up");
	}
	for (int i = 0; i < 700; i++) /* more than the memo catches up with */
		add_random_post(m, id += 10);
	check_homes(m, viewers, 12, "memo after many posts");
	for (int round = 0; round < 20; round++) {
		uint32_t v = (uint32_t)viewers[rng_below(&m->rng, 12)],
			 o = rng_below(&m->rng, m->people) + 1;
		size_t n;
		switch (rng_below(&m->rng, 5)) {
		case 0:
			graph_connect(m->app->graph, v, o);
			break;
		case 1: { /* v loses a connection; so do two others (v's lists do
			   * not change, the audience of network posts may) */
			const uint32_t *c = graph_connections(m->app->graph, v, &n);
			if (n)
				graph_disconnect(m->app->graph, c[0], v);
			c = graph_connections(m->app->graph, o, &n);
			if (n && o != v && c[0] != v)
				graph_disconnect(m->app->graph, o, c[0]);
			break;
		}
		case 2:
			graph_follow(m->app->graph, v, o);
			break;
		case 3: {
			const uint32_t *f = graph_following(m->app->graph, v, &n);
			if (n)
				graph_unfollow(m->app->graph, v, f[n - 1]);
			break;
		}
		default: {
			int i = (int)rng_below(&m->rng, (uint32_t)m->n);
			if (!m->posts[i].deleted)
				assert_int_equal(feed_delete(m->app->feed, m->posts[i].id), 0);
			m->posts[i].deleted = true;
		}
		}
		add_random_post(m, id += 10);
		check_homes(m, viewers, 12, "memo after a change");
	}
	/* older ids shift every slot after them */
	for (int i = 0; i < 10; i++) {
		int64_t old = 10001 + (int64_t)rng_below(&m->rng, (uint32_t)(id - 10000) / 10) * 10;
		if (feed_slot(m->app->feed, old) == FEED_NONE)
			add_random_post(m, old);
		check_homes(m, viewers, 12, "memo after an older post");
	}
	model_free(m);
}

/* Every person's like and repost flags, and every like count, against the
 * model: likes[u][i] and the live reposts the model holds. */
static void check_flags(const struct model *m, bool (*likes)[MAX_POSTS], const char *why)
{
	const struct feed *f = m->app->feed;
	uint32_t *slots = malloc((size_t)m->n * sizeof(*slots));
	bool *got = malloc((size_t)m->n * sizeof(*got));
	for (int i = 0; i < m->n; i++)
		slots[i] = feed_slot(f, m->posts[i].id);
	for (int i = 0; i < m->n; i++) {
		uint32_t count = 0;
		for (uint32_t u = 1; u <= m->people; u++) {
			count += likes[u][i];
			if (feed_liked(f, u, slots[i]) != likes[u][i])
				fail_msg("%s: person %u, post %d: liked %d", why, u, i,
					 likes[u][i]);
		}
		assert_int_equal(feed_post(f, slots[i])->favourites, count);
	}
	for (uint32_t u = 1; u <= m->people; u++) {
		feed_reposted(f, u, slots, (size_t)m->n, got);
		for (int i = 0; i < m->n; i++) {
			bool want = false;
			for (int j = 0; j < m->n && !want; j++)
				want = m->posts[j].reblog == i &&
				       m->posts[j].author == (int64_t)u && !m->posts[j].deleted;
			if (got[i] != want)
				fail_msg("%s: person %u, post %d: reposted %d", why, u, i, want);
		}
	}
	free(got);
	free(slots);
}

static void test_likes_and_reposts_vs_brute_force(void **state)
{
	struct model *m = model_new(31337, 30, 4.0);
	static bool likes[31][MAX_POSTS];
	memset(likes, 0, sizeof(likes));
	for (int i = 0; i < 900; i++)
		add_random_post(m, 50000 + i * 10);
	struct feed *f = m->app->feed;
	for (int k = 0; k < 6000; k++) { /* likes, unlikes, repeats of both */
		uint32_t u = rng_below(&m->rng, m->people) + 1;
		int i = (int)rng_below(&m->rng, (uint32_t)m->n);
		bool on = rng_below(&m->rng, 3) != 0;
		assert_int_equal(feed_favourite(f, u, m->posts[i].id, on), 0);
		likes[u][i] = on;
	}
	check_flags(m, likes, "after likes");
	/* older posts arriving in between shift every slot after them */
	for (int i = 0; i < 200; i++) {
		int64_t id = 50000 + (int64_t)rng_below(&m->rng, 9000) * 10 + 1;
		if (feed_slot(f, id) == FEED_NONE)
			add_random_post(m, id);
	}
	check_flags(m, likes, "after out-of-order posts");
	for (int k = 0; k < m->n / 8; k++) { /* deleted reposts are no longer "reblogged" */
		int i = (int)rng_below(&m->rng, (uint32_t)m->n);
		if (feed_delete(f, m->posts[i].id) == 0)
			m->posts[i].deleted = true;
	}
	check_flags(m, likes, "after deletes");
	assert_int_equal(feed_favourite(f, 1, 12345, true), -1);	  /* unknown post */
	assert_int_equal(feed_favourite(f, 0, m->posts[0].id, true), -1); /* bad person */
	model_free(m);
}

static void test_reply_counts(void **state)
{
	struct model *m = model_new(7, 30, 4.0);
	for (int i = 0; i < 1500; i++)
		add_random_post(m, 1000 + i);
	for (int k = 0; k < 150; k++) {
		int i = (int)rng_below(&m->rng, (uint32_t)m->n);
		if (feed_delete(m->app->feed, m->posts[i].id) == 0)
			m->posts[i].deleted = true;
	}
	const struct feed *f = m->app->feed;
	for (int i = 0; i < m->n; i++) {
		uint32_t open = 0, closed = 0;
		for (int j = 0; j < m->n; j++) {
			const struct mpost *r = &m->posts[j];
			if (r->parent == i && !r->deleted && r->vis <= VIS_UNLISTED)
				open++;
			else if (r->parent == i && !r->deleted)
				closed++;
		}
		const struct feed_post *p = feed_post(f, feed_slot(f, m->posts[i].id));
		assert_int_equal(p->open_replies, open);
		assert_int_equal(p->closed_replies, closed);
	}
	model_free(m);
}

/* The searches a deep page runs side by side find what one search finds:
 * lists of every length from 0 to 40 (and a long one), each searched for
 * slots below, between, on and past their elements. */
static void test_lower_bounds_side_by_side(void **state)
{
	(void)state;
	enum { LISTS = 42 };
	struct fvec lists[LISTS] = {0};
	const struct fvec *v[LISTS];
	uint64_t rng = 7;
	for (int i = 0; i < LISTS; i++) {
		uint32_t n = i < 41 ? (uint32_t)i : 3000, slot = 1 + test_rnd(&rng, 4);
		for (uint32_t k = 0; k < n; k++) {
			fvec_add(&lists[i], slot);
			slot += 1 + test_rnd(&rng, 5);
		}
		v[i] = &lists[i];
	}
	uint32_t got[LISTS];
	for (uint32_t target = 0; target < 16000; target += 1 + test_rnd(&rng, 3)) {
		fvec_lower_bounds(v, LISTS, target, got);
		for (int i = 0; i < LISTS; i++)
			if (got[i] != fvec_lower_bound(&lists[i], target))
				fail_msg("list %d (length %u), slot %u: %u, expected %u", i,
					 lists[i].len, target, got[i],
					 fvec_lower_bound(&lists[i], target));
	}
	for (int i = 0; i < LISTS; i++)
		free(lists[i].v);
}

static void test_duplicates_and_bad_input(void **state)
{
	struct feed *f = feed_new();
	struct feed_new p = {.id = 10, .author = 1, .visibility = VIS_PUBLIC};
	assert_int_equal(feed_insert(f, &p), 0);
	assert_int_equal(feed_insert(f, &p), -1);
	p.id = 5;
	p.author = 0;
	assert_int_equal(feed_insert(f, &p), -1);
	p.author = 1;
	p.visibility = 9;
	assert_int_equal(feed_insert(f, &p), -1);
	p.visibility = VIS_PUBLIC;
	p.reblog_of_id = 77;
	assert_int_equal(feed_insert(f, &p), -1);
	assert_int_equal(feed_count(f), 1);
	assert_int_equal(feed_slot(f, 11), FEED_NONE);
	assert_int_equal(feed_delete(f, 11), -1);
	uint32_t posts;
	int64_t newest;
	feed_user_stats(f, 1, &posts, &newest);
	assert_true(posts == 1 && newest == 10);
	assert_int_equal(feed_delete(f, 10), 0);
	feed_user_stats(f, 1, &posts, &newest);
	assert_true(posts == 0 && newest == 0);
	assert_true(feed_bytes(f) > 0);
	feed_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_page_parse),
	    cmocka_unit_test(test_merge_vs_brute_force),
	    cmocka_unit_test(test_likes_and_reposts_vs_brute_force),
	    cmocka_unit_test(test_after_deletes_disconnects_and_edits),
	    cmocka_unit_test(test_out_of_order_ids),
	    cmocka_unit_test(test_home_memo_vs_brute_force),
	    cmocka_unit_test(test_reply_counts),
	    cmocka_unit_test(test_lower_bounds_side_by_side),
	    cmocka_unit_test(test_duplicates_and_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
