/*
 * search_ask: ask my network — inviting colleagues to answer a question
 * ("X asked you: …", a moka.question_asked notification), "Questions for
 * you", and the periodic job that offers questions nobody answered in a
 * day to the next-best experts, once.
 */
#include "search/search.h"
#include "app/app.h"
#include "audience/audience.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/log.h"
#include "feed/feed.h"
#include "json/json_writer.h"
#include "notify/notify.h"
#include "people/people.h"
#include "posts/posts.h"
#include "store/store.h"

#include <jansson.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#define ASK_MAX 5
#define FOR_YOU_CANDIDATES 400
#define OFFER_BATCH 20
#define OFFER_EXPERTS 3
#define ASKED_MAX 200
#define NOTIFY_ASKED "moka.question_asked"

/* Is post_id a live question written by author? Lock not held. */
static bool own_question(struct app *app, int64_t author, int64_t post_id, bool *visible)
{
	app_rdlock(app);
	uint32_t slot = feed_slot(app->feed, post_id);
	const struct feed_post *p = slot == FEED_NONE ? NULL : feed_post(app->feed, slot);
	*visible = p && audience_post_visible_locked(app, author, post_id);
	bool own = *visible && p->author == (uint32_t)author && !(p->flags & FEED_REBLOG);
	app_unlock(app);
	return own;
}

/* Records the asks and notifies, in one transaction; the asked ids in
 * asked (those asked before are left out). */
static enum search_rc ask_write(struct app *app, int64_t by, int64_t actor, int64_t post_id,
				const int64_t *ids, size_t n, int64_t *asked, size_t *n_asked,
				bool mark_offered)
{
	struct tx *tx = tx_begin(app);
	if (!tx)
		return SEARCH_ERROR;
	int64_t now = clock_now_ms();
	*n_asked = 0;
	if (mark_offered && store_question_offer_mark(tx_conn(tx), post_id, now) != STORE_OK) {
		tx_rollback(tx); /* offered already (another node, or a race) */
		return SEARCH_OK;
	}
	for (size_t i = 0; i < n; i++) {
		int rc = store_question_ask_add(tx_conn(tx), post_id, ids[i], by, now);
		if (rc == STORE_CONFLICT)
			continue;
		if (rc != STORE_OK || notify_add(tx, ids[i], NOTIFY_ASKED, actor, post_id, 0) < 0) {
			tx_rollback(tx);
			return SEARCH_ERROR;
		}
		if (asked)
			asked[(*n_asked)++] = ids[i];
	}
	return tx_commit(tx) == 0 ? SEARCH_OK : SEARCH_ERROR;
}

enum search_rc search_ask(struct app *app, struct arena *a, int64_t asker, int64_t post_id,
			  const int64_t *ids, size_t n, int64_t *asked, size_t *n_asked,
			  const char **why)
{
	*n_asked = 0;
	bool visible;
	if (!own_question(app, asker, post_id, &visible)) {
		if (!visible)
			return SEARCH_NOT_FOUND;
		*why = "Only the person who asked may invite others to answer";
		return SEARCH_FORBIDDEN;
	}
	if (n == 0 || n > ASK_MAX) {
		*why = "account_ids: one to five people";
		return SEARCH_INVALID;
	}
	for (size_t i = 0; i < n; i++) {
		struct user u;
		if (ids[i] == asker) {
			*why = "account_ids: you cannot ask yourself";
			return SEARCH_INVALID;
		}
		if (people_user_visible(app, a, ids[i], &u) < 0) {
			*why = "account_ids: unknown person";
			return SEARCH_INVALID;
		}
		if (!audience_post_visible(app, ids[i], post_id)) {
			*why = arena_printf(a, "account_ids: @%s may not see this question",
					    u.username);
			return SEARCH_INVALID;
		}
	}
	return ask_write(app, asker, asker, post_id, ids, n, asked, n_asked, false);
}

/* --- Questions for you ----------------------------------------------------- */

/* viewer's expertise tags as an any-term query. false when none. */
static bool expertise_query(struct app *app, struct arena *a, int64_t viewer,
			    struct search_query *q)
{
	struct user u;
	if (store_user_get(store_reader(app->store), a, viewer, &u) != STORE_OK ||
	    !u.expertise_json)
		return false;
	json_t *j = json_loads(u.expertise_json, 0, NULL);
	size_t n = json_is_array(j) ? json_array_size(j) : 0;
	struct search_term *t = arena_calloc(a, n + 1, sizeof(*t));
	size_t k = 0;
	for (size_t i = 0; i < n && k < SEARCH_TERMS_MAX; i++) {
		const char *s = json_string_value(json_array_get(j, i));
		if (s && *s)
			t[k++].text = arena_strdup(a, s);
	}
	json_decref(j);
	*q = (struct search_query){.terms = t, .n = k, .any = true};
	return k > 0;
}

/* May viewer answer the question at id: live, visible, someone else's,
 * no accepted answer yet? Lock held. */
static bool open_for(struct app *app, struct audience_ctx *ctx, int64_t viewer, int64_t id)
{
	uint32_t slot = feed_slot(app->feed, id);
	if (slot == FEED_NONE)
		return false;
	const struct feed_post *p = feed_post(app->feed, slot);
	return (p->flags & FEED_QUESTION) && p->author != (uint32_t)viewer &&
	       audience_slot_visible(ctx, slot);
}

enum search_rc search_render_questions_for(struct app *app, struct arena *a, struct jw *w,
					   int64_t viewer, int limit)
{
	struct store_conn *c = store_reader(app->store);
	int64_t *asked = arena_alloc(a, ASKED_MAX * sizeof(*asked));
	int n_asked = store_question_asks_of(c, viewer, ASKED_MAX, asked);
	struct search_hit *h = arena_alloc(a, FOR_YOU_CANDIDATES * sizeof(*h));
	struct search_query q;
	int n = expertise_query(app, a, viewer, &q)
		    ? store_search_post_ids(c, &q, FOR_YOU_CANDIDATES, h)
		    : 0;
	if (n_asked < 0 || n < 0)
		return SEARCH_ERROR;
	/* both newest first: merge, asked first on equal ids */
	int64_t *ids = arena_alloc(a, ((size_t)n_asked + (size_t)n + 1) * sizeof(*ids));
	bool *was_asked = arena_alloc(a, (size_t)n_asked + (size_t)n + 1);
	int k = 0, i = 0, j = 0;
	app_rdlock(app);
	struct audience_ctx ctx;
	audience_ctx_init(&ctx, app, viewer);
	while ((i < n_asked || j < n) && k < limit) {
		bool take_asked = j >= n || (i < n_asked && asked[i] >= h[j].id);
		int64_t id = take_asked ? asked[i++] : h[j++].id;
		if ((k && ids[k - 1] == id) || !open_for(app, &ctx, viewer, id))
			continue;
		int64_t accepted;
		if (store_search_accepted_answers(c, id, 1, &accepted) > 0)
			continue;
		was_asked[k] = take_asked;
		ids[k++] = id;
	}
	app_unlock(app);
	jw_arr_begin(w);
	for (int x = 0; x < k; x++) {
		jw_obj_begin(w);
		jw_kstr(w, "reason", was_asked[x] ? "asked" : "expertise");
		jw_key(w, "status");
		if (posts_render_status(app, a, w, viewer, ids[x]) < 0)
			jw_null(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	return SEARCH_OK;
}

/* --- offering unanswered questions ------------------------------------------ */

/* Offers question id (by its author) to the best experts not asked yet. */
static void offer_one(struct app *app, struct arena *a, int64_t id)
{
	const char *text = store_search_post_text(store_reader(app->store), a, id);
	uint32_t author = 0;
	app_rdlock(app);
	uint32_t slot = feed_slot(app->feed, id);
	if (slot != FEED_NONE)
		author = feed_post(app->feed, slot)->author;
	app_unlock(app);
	struct search_query q;
	const char **tags;
	size_t n_tags;
	struct search_expert ex[OFFER_EXPERTS * 4];
	int n = 0;
	if (author && text && search_keywords(a, text, 8, &q, &tags, &n_tags) == 0)
		n = search_experts_query(app, a, author, &q, tags, n_tags, NULL, 0,
					 OFFER_EXPERTS * 4, ex);
	int64_t pick[OFFER_EXPERTS];
	size_t k = 0;
	for (int i = 0; i < n && k < OFFER_EXPERTS; i++)
		if (audience_post_visible(app, ex[i].id, id))
			pick[k++] = ex[i].id; /* ask_write leaves out those asked before */
	size_t done;
	ask_write(app, author, author, id, pick, k, NULL, &done, true);
}

int search_offer_unanswered(struct app *app, int64_t now_ms, int64_t after_ms)
{
	int64_t ids[OFFER_BATCH];
	int64_t from = clock_id_from_ms(now_ms - 7 * 86400000LL, 0);
	int64_t to = clock_id_from_ms(now_ms - after_ms, 0);
	int n = store_question_unoffered(store_reader(app->store), from, to, OFFER_BATCH, ids);
	for (int i = 0; i < n; i++) {
		struct arena *a = arena_new();
		offer_one(app, a, ids[i]);
		arena_free(a);
	}
	return n > 0 ? n : 0;
}

/* --- the job thread ----------------------------------------------------------- */

static pthread_t job_thread;
static bool job_running;
static _Atomic bool job_stop;
static unsigned job_interval_s;
static int64_t job_after_ms;

static void *job_main(void *arg)
{
	struct app *app = arg;
	unsigned waited = 0;
	while (!job_stop) {
		sleep(1);
		if (++waited < job_interval_s)
			continue;
		waited = 0;
		int n = search_offer_unanswered(app, clock_now_ms(), job_after_ms);
		if (n)
			log_info("search: offered %d unanswered question%s to experts", n,
				 n > 1 ? "s" : "");
	}
	return NULL;
}

void search_jobs_start(struct app *app, unsigned interval_s, unsigned after_s)
{
	if (!interval_s || job_running)
		return;
	job_interval_s = interval_s;
	job_after_ms = (int64_t)after_s * 1000;
	job_stop = false;
	job_running = pthread_create(&job_thread, NULL, job_main, app) == 0;
}

void search_jobs_stop(void)
{
	if (!job_running)
		return;
	job_stop = true;
	pthread_join(job_thread, NULL);
	job_running = false;
}
