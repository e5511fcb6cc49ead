/*
 * Unit tests for src/questions: which posts are questions and answers,
 * the question state and accepted answers as each viewer sees them, the
 * lists (mine, network, communities-less, unanswered) with their cursors,
 * and a page that runs out of scan budget. The app is built in memory (a
 * graph and a post index) over a store in a temporary directory, which
 * holds the accepted answers the index loads.
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

#include "app/app.h"
#include "audience/audience.h"
#include "core/arena.h"
#include "core/clock.h"
#include "feed/feed.h"
#include "graph/graph.h"
#include "questions/questions.h"
#include "store/store.h"
#include "store/store_questions.h"

enum {
	ASKER = 1,
	CONN = 2,     /* connected to ASKER */
	SECOND = 3,   /* connected to CONN only */
	THIRD = 4,    /* connected to SECOND only */
	STRANGER = 5, /* no relation */
	PEOPLE = 5,
};

struct fixture {
	struct app *app;
	char dir[64];
	int64_t next;
};

static int64_t add(struct fixture *fx, int64_t author, int vis, int64_t reply_to, bool question,
		   const int64_t *mentions, size_t n_mentions)
{
	struct feed_new p = {
	    .id = clock_id_from_ms(clock_now_ms() - 3 * 86400 * 1000, (uint32_t)++fx->next),
	    .author = author,
	    .visibility = vis,
	    .in_reply_to_id = reply_to,
	    .question = question,
	    .mentions = mentions,
	    .n_mentions = n_mentions,
	};
	assert_int_equal(feed_insert(fx->app->feed, &p), 0);
	questions_post_indexed_locked(fx->app, p.id);
	return p.id;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	memcpy(fx->dir, "/tmp/moka-unit-questions-XXXXXX", 32);
	assert_non_null(mkdtemp(fx->dir));
	struct app *app = calloc(1, sizeof(*app));
	pthread_rwlock_init(&app->mem_lock, NULL);
	app->graph = graph_new();
	app->feed = feed_new();
	graph_connect(app->graph, ASKER, CONN);
	graph_connect(app->graph, CONN, SECOND);
	graph_connect(app->graph, SECOND, THIRD);
	graph_ensure(app->graph, PEOPLE);
	app->store = store_open(fx->dir);
	assert_non_null(app->store);
	assert_int_equal(questions_open(app), 0);
	fx->app = app;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	questions_close(fx->app);
	store_close(fx->app->store);
	feed_free(fx->app->feed);
	graph_free(fx->app->graph);
	pthread_rwlock_destroy(&fx->app->mem_lock);
	free(fx->app);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

static struct questions_status status_of(struct fixture *fx, struct arena *a, int64_t viewer,
					 int64_t id)
{
	struct audience_ctx c;
	audience_ctx_init(&c, fx->app, viewer);
	struct questions_status s;
	questions_status_locked(&c, a, feed_slot(fx->app->feed, id), &s);
	return s;
}

static size_t page(struct fixture *fx, enum questions_list list, int64_t viewer,
		   const struct feed_page *pg, struct feed_result *out)
{
	struct questions_query q = {.list = list, .viewer = viewer};
	questions_list_locked(fx->app, &q, pg, out);
	return out->n;
}

/* Reopens the index so that it loads accepted answers from the store. */
static void accept_rows(struct fixture *fx, int64_t q, const int64_t *answers, size_t n)
{
	struct store_conn *w = store_writer_lock(fx->app->store);
	assert_int_equal(store_begin(w), 0);
	for (size_t i = 0; i < n; i++) {
		struct question_accept_row r = {q, answers[i], ASKER, 1};
		assert_int_equal(store_question_accept_insert(w, &r), STORE_OK);
	}
	assert_int_equal(store_commit(w), 0);
	store_writer_unlock(fx->app->store);
	questions_close(fx->app);
	assert_int_equal(questions_open(fx->app), 0);
}

static void test_state_as_each_viewer_sees_it(void **state)
{
	struct fixture *fx = *state;
	struct arena *a = arena_new();
	const int64_t to_asker[] = {ASKER};
	int64_t q = add(fx, ASKER, VIS_PUBLIC, 0, true, NULL, 0);
	int64_t open_answer = add(fx, THIRD, VIS_PUBLIC, q, false, NULL, 0);
	int64_t hidden = add(fx, CONN, VIS_DIRECT, q, false, to_asker, 1);
	int64_t sub = add(fx, SECOND, VIS_PUBLIC, open_answer, false, NULL, 0);
	int64_t plain = add(fx, ASKER, VIS_PUBLIC, 0, false, NULL, 0);
	int64_t flagged_reply = add(fx, CONN, VIS_PUBLIC, plain, true, NULL, 0);

	struct questions_status s = status_of(fx, a, STRANGER, q);
	assert_true(s.question);
	assert_false(s.answered);
	assert_int_equal(s.n_accepted, 0);
	assert_false(status_of(fx, a, STRANGER, plain).question);
	assert_false(status_of(fx, a, STRANGER, flagged_reply).question);

	const int64_t both[] = {open_answer, hidden};
	accept_rows(fx, q, both, 2);
	s = status_of(fx, a, ASKER, q);
	assert_true(s.answered);
	assert_int_equal(s.n_accepted, 2);
	assert_true(s.accepted[0] == open_answer && s.accepted[1] == hidden);
	s = status_of(fx, a, STRANGER, q); /* the direct answer is not there for them */
	assert_true(s.answered);
	assert_int_equal(s.n_accepted, 1);
	assert_true(s.accepted[0] == open_answer);
	assert_true(status_of(fx, a, STRANGER, open_answer).accepted_answer);
	assert_false(status_of(fx, a, STRANGER, sub).accepted_answer);
	assert_true(questions_accepted_locked(fx->app, q, hidden));
	assert_false(questions_accepted_locked(fx->app, q, sub));

	/* a deleted accepted answer no longer counts */
	assert_int_equal(feed_delete(fx->app->feed, open_answer), 0);
	s = status_of(fx, a, STRANGER, q);
	assert_false(s.answered);
	assert_int_equal(s.n_accepted, 0);
	assert_true(status_of(fx, a, CONN, q).answered);
	arena_free(a);
}

static void test_lists_and_cursors(void **state)
{
	struct fixture *fx = *state;
	int64_t pub = add(fx, ASKER, VIS_PUBLIC, 0, true, NULL, 0);
	int64_t net = add(fx, ASKER, VIS_NETWORK, 0, true, NULL, 0);
	int64_t conns = add(fx, ASKER, VIS_CONNECTIONS, 0, true, NULL, 0);
	int64_t answered = add(fx, ASKER, VIS_PUBLIC, 0, true, NULL, 0);
	int64_t ans = add(fx, CONN, VIS_PUBLIC, answered, false, NULL, 0);
	accept_rows(fx, answered, &ans, 1);
	struct feed_page pg = {.limit = 10};
	struct feed_result r;

	assert_int_equal(page(fx, QUESTIONS_MINE, ASKER, &pg, &r), 4);
	assert_true(r.ids[0] == answered && r.ids[3] == pub);
	assert_int_equal(page(fx, QUESTIONS_MINE, CONN, &pg, &r), 0);
	assert_int_equal(page(fx, QUESTIONS_NETWORK, CONN, &pg, &r), 3);
	assert_true(r.ids[0] == conns && r.ids[1] == net && r.ids[2] == pub);
	assert_int_equal(page(fx, QUESTIONS_NETWORK, SECOND, &pg, &r), 2);
	assert_int_equal(page(fx, QUESTIONS_NETWORK, THIRD, &pg, &r), 0);
	assert_int_equal(page(fx, QUESTIONS_NETWORK, ASKER, &pg, &r), 0);
	assert_int_equal(page(fx, QUESTIONS_COMMUNITIES, CONN, &pg, &r), 0);
	/* unanswered: the answered one has an answer everyone sees */
	struct questions_query uq = {.list = QUESTIONS_UNANSWERED, .viewer = THIRD};
	questions_list_locked(fx->app, &uq, &pg, &r);
	assert_int_equal(r.n, 1);
	assert_true(r.ids[0] == pub);
	uq.min_age_ms = 4LL * 86400 * 1000; /* asked three days ago: not old enough */
	questions_list_locked(fx->app, &uq, &pg, &r);
	assert_int_equal(r.n, 0);

	/* cursors: limit 1 from the top, then below, then above (min_id) */
	pg.limit = 1;
	assert_int_equal(page(fx, QUESTIONS_MINE, ASKER, &pg, &r), 1);
	assert_true(r.next_max_id == answered && r.prev_min_id == answered);
	pg.max_id = answered;
	assert_int_equal(page(fx, QUESTIONS_MINE, ASKER, &pg, &r), 1);
	assert_true(r.ids[0] == conns);
	pg = (struct feed_page){.limit = 2, .min_id = pub};
	assert_int_equal(page(fx, QUESTIONS_MINE, ASKER, &pg, &r), 2);
	assert_true(r.ids[0] == conns && r.ids[1] == net);
	pg = (struct feed_page){.limit = 10, .since_id = net};
	assert_int_equal(page(fx, QUESTIONS_MINE, ASKER, &pg, &r), 2);
	assert_int_equal(r.next_max_id, 0);

	struct audience_ctx c;
	audience_ctx_init(&c, fx->app, SECOND);
	struct questions_query nq = {.list = QUESTIONS_NETWORK, .viewer = SECOND};
	assert_true(questions_match_locked(&c, &nq, net));
	assert_false(questions_match_locked(&c, &nq, conns));
	assert_false(questions_match_locked(&c, &nq, ans));
}

static void test_scan_budget(void **state)
{
	struct fixture *fx = *state;
	int64_t seen = add(fx, ASKER, VIS_PUBLIC, 0, true, NULL, 0);
	for (int i = 0; i < QUESTIONS_SCAN_MAX + 5; i++)
		add(fx, ASKER, VIS_CONNECTIONS, 0, true, NULL, 0);
	struct feed_page pg = {.limit = 5};
	struct feed_result r;
	/* SECOND sees none of the newest: the page stops short, its cursor where it stopped */
	assert_int_equal(page(fx, QUESTIONS_NETWORK, SECOND, &pg, &r), 0);
	assert_int_equal(r.scanned, QUESTIONS_SCAN_MAX);
	assert_true(r.next_max_id > seen);
	pg.max_id = r.next_max_id;
	assert_int_equal(page(fx, QUESTIONS_NETWORK, SECOND, &pg, &r), 1);
	assert_true(r.ids[0] == seen);
	assert_int_equal(r.next_max_id, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_state_as_each_viewer_sees_it, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lists_and_cursors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_scan_budget, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
