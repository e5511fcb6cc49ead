/*
 * questions: the in-memory index of questions and accepted answers, the
 * moka members of a Status about them, the lists, and accepting. The
 * rules are in questions.h.
 *
 * The index is two sorted arrays: question ids (ascending, so newest
 * last; a list page walks it backwards), and accepted (question, answer)
 * pairs ordered by question then answer, so a question's accepted
 * answers are one binary search away and "is this reply accepted" is
 * another (its question is its parent).
 */
#include "questions/questions.h"
#include "app/app.h"
#include "audience/audience.h"
#include "communities/communities.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "events/events.h"
#include "feed/feed.h"
#include "graph/graph.h"
#include "json/json_writer.h"
#include "notify/notify.h"
#include "store/store.h"
#include "store/store_questions.h"

#include <stdlib.h>
#include <string.h>

/* A (question, answer) pair — or (author, question) in by_author. */
struct qpair {
	int64_t question, answer;
};

/* A set of (question, answer) pairs, ordered by question then answer. */
struct qpairs {
	struct qpair *v;
	size_t n, cap;
};

struct questions {
	int64_t *ids; /* questions, ascending */
	size_t n, cap;
	struct qpairs by_author; /* (author, question), for "mine" */
	struct qpairs answers;	 /* every answer (direct reply), deleted ones too */
	struct qpairs accepted;	 /* the accepted ones */
};

/* --- the index -------------------------------------------------------------- */

static size_t ids_lower(const int64_t *v, size_t n, int64_t x)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool pair_less(const struct qpair *a, int64_t q, int64_t ans)
{
	return a->question < q || (a->question == q && a->answer < ans);
}

static size_t pairs_lower(const struct qpairs *ps, int64_t q, int64_t ans)
{
	size_t lo = 0, hi = ps->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (pair_less(&ps->v[mid], q, ans))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void ids_add(struct questions *qs, int64_t id)
{
	size_t i = qs->n && qs->ids[qs->n - 1] < id ? qs->n : ids_lower(qs->ids, qs->n, id);
	if (i < qs->n && qs->ids[i] == id)
		return;
	if (qs->n == qs->cap) {
		qs->cap = qs->cap ? qs->cap * 2 : 256;
		qs->ids = xrealloc(qs->ids, qs->cap * sizeof(*qs->ids));
	}
	memmove(qs->ids + i + 1, qs->ids + i, (qs->n - i) * sizeof(*qs->ids));
	qs->ids[i] = id;
	qs->n++;
}

static bool pairs_has(const struct qpairs *ps, int64_t q, int64_t ans)
{
	size_t i = pairs_lower(ps, q, ans);
	return i < ps->n && ps->v[i].question == q && ps->v[i].answer == ans;
}

/* Adds (on) or removes the pair; appending in order costs no search. */
static void pairs_set(struct qpairs *ps, int64_t q, int64_t ans, bool on)
{
	bool last = ps->n && pair_less(&ps->v[ps->n - 1], q, ans);
	size_t i = on && (last || !ps->n) ? ps->n : pairs_lower(ps, q, ans);
	bool there = i < ps->n && ps->v[i].question == q && ps->v[i].answer == ans;
	if (on == there)
		return;
	if (!on) {
		memmove(ps->v + i, ps->v + i + 1, (ps->n - i - 1) * sizeof(*ps->v));
		ps->n--;
		return;
	}
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 64;
		ps->v = xrealloc(ps->v, ps->cap * sizeof(*ps->v));
	}
	memmove(ps->v + i + 1, ps->v + i, (ps->n - i) * sizeof(*ps->v));
	ps->v[i] = (struct qpair){q, ans};
	ps->n++;
}

/* The pairs of question q: the first index into ps->v, and the count. */
static size_t pairs_range(const struct qpairs *ps, int64_t q, size_t *first)
{
	size_t i = pairs_lower(ps, q, INT64_MIN), j = i;
	while (j < ps->n && ps->v[j].question == q)
		j++;
	*first = i;
	return j - i;
}

bool questions_is_question(const struct feed_post *p)
{
	return (p->flags & FEED_QUESTION) && !(p->flags & (FEED_REPLY | FEED_REBLOG));
}

static int load_accept(void *ctx, const struct question_accept_row *r)
{
	struct questions *qs = ctx;
	pairs_set(&qs->accepted, r->question_id, r->answer_id, true);
	return 0;
}

/* Appends the pair unsorted (loading: pairs_finish sorts them once). */
static void pairs_push(struct qpairs *ps, int64_t q, int64_t ans)
{
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 64;
		ps->v = xrealloc(ps->v, ps->cap * sizeof(*ps->v));
	}
	ps->v[ps->n++] = (struct qpair){q, ans};
}

static int pair_cmp(const void *a, const void *b)
{
	const struct qpair *x = a, *y = b;
	return pair_less(x, y->question, y->answer) ? -1 : pair_less(y, x->question, x->answer);
}

/* Sorts pushed pairs and drops repeats. */
static void pairs_finish(struct qpairs *ps)
{
	if (ps->n)
		qsort(ps->v, ps->n, sizeof(*ps->v), pair_cmp);
	size_t o = 0;
	for (size_t i = 0; i < ps->n; i++)
		if (!o || pair_cmp(&ps->v[o - 1], &ps->v[i]) != 0)
			ps->v[o++] = ps->v[i];
	ps->n = o;
}

/* Files the post at slot: a question, or an answer to one. bulk (at
 * start): pairs are appended and sorted once by questions_open, since
 * inserting each in order would move the arrays for every post. */
static void index_post(struct questions *qs, const struct feed *f, uint32_t slot, bool bulk)
{
	const struct feed_post *p = feed_post(f, slot);
	if (questions_is_question(p)) {
		ids_add(qs, feed_id(f, slot)); /* slots are in id order: appends */
		if (bulk)
			pairs_push(&qs->by_author, p->author, feed_id(f, slot));
		else
			pairs_set(&qs->by_author, p->author, feed_id(f, slot), true);
		return;
	}
	uint32_t parent = p->flags & FEED_REPLY ? feed_ref_slot(p) : FEED_NONE;
	if (parent == FEED_NONE || !questions_is_question(feed_post(f, parent)))
		return;
	if (bulk)
		pairs_push(&qs->answers, feed_id(f, parent), feed_id(f, slot));
	else
		pairs_set(&qs->answers, feed_id(f, parent), feed_id(f, slot), true);
}

int questions_open(struct app *app)
{
	struct questions *qs = xcalloc(1, sizeof(*qs));
	app->questions = qs;
	const struct feed *f = app->feed;
	uint32_t n = f ? feed_count(f) : 0;
	for (uint32_t s = 0; s < n; s++)
		index_post(qs, f, s, true);
	pairs_finish(&qs->by_author);
	pairs_finish(&qs->answers);
	if (store_question_accepts_scan(store_reader(app->store), load_accept, qs) != STORE_OK) {
		log_error("questions: could not load the accepted answers");
		return -1;
	}
	return 0;
}

void questions_close(struct app *app)
{
	struct questions *qs = app->questions;
	if (!qs)
		return;
	free(qs->ids);
	free(qs->by_author.v);
	free(qs->answers.v);
	free(qs->accepted.v);
	free(qs);
	app->questions = NULL;
}

void questions_post_indexed_locked(struct app *app, int64_t id)
{
	uint32_t slot = app->questions && app->feed ? feed_slot(app->feed, id) : FEED_NONE;
	if (slot != FEED_NONE)
		index_post(app->questions, app->feed, slot, false);
}

bool questions_accepted_locked(struct app *app, int64_t question_id, int64_t answer_id)
{
	return app->questions && pairs_has(&app->questions->accepted, question_id, answer_id);
}

/* Has question q one of the pairs of ps (accepted answers, or answers)
 * that c->viewer may see? Lock held. */
static bool any_visible_locked(struct audience_ctx *c, const struct qpairs *ps, int64_t q)
{
	size_t first, n = pairs_range(ps, q, &first);
	for (size_t i = first; i < first + n; i++) {
		uint32_t s = feed_slot(c->app->feed, ps->v[i].answer);
		if (s != FEED_NONE && audience_slot_visible(c, s))
			return true;
	}
	return false;
}

/* --- Status extras -------------------------------------------------------------- */

void questions_status_locked(struct audience_ctx *c, struct arena *a, uint32_t slot,
			     struct questions_status *out)
{
	struct app *app = c->app;
	memset(out, 0, sizeof(*out));
	if (!app->questions || !app->feed)
		return;
	const struct feed *f = app->feed;
	const struct feed_post *p = feed_post(f, slot);
	int64_t id = feed_id(f, slot);
	if (questions_is_question(p)) {
		out->question = true;
		const struct qpairs *acc = &app->questions->accepted;
		size_t first, n = pairs_range(acc, id, &first);
		out->accepted = arena_alloc(a, (n + 1) * sizeof(*out->accepted));
		for (size_t i = first; i < first + n; i++) {
			int64_t ans = acc->v[i].answer;
			uint32_t s = feed_slot(f, ans);
			if (s != FEED_NONE && audience_slot_visible(c, s))
				out->accepted[out->n_accepted++] = ans;
		}
		out->answered = out->n_accepted > 0;
		return;
	}
	if (!(p->flags & FEED_REPLY))
		return;
	uint32_t parent = feed_ref_slot(p);
	if (parent != FEED_NONE && questions_is_question(feed_post(f, parent)))
		out->accepted_answer = questions_accepted_locked(app, feed_id(f, parent), id);
}

void questions_write_status(struct jw *w, const struct questions_status *s, int64_t answers)
{
	if (s->question) {
		jw_kstr(w, "question_state", s->answered ? "answered" : "open");
		jw_kint(w, "answers_count", answers);
		jw_key(w, "accepted_answer_ids");
		jw_arr_begin(w);
		for (size_t i = 0; i < s->n_accepted; i++)
			jw_id(w, s->accepted[i]);
		jw_arr_end(w);
	}
	if (s->accepted_answer)
		jw_kbool(w, "accepted_answer", true);
}

/* --- lists ------------------------------------------------------------------------ */

/* Is the question at slot on q's list, as c->viewer sees it? Lock held. */
static bool list_match(struct audience_ctx *c, const struct questions_query *q, uint32_t slot,
		       int64_t id)
{
	struct app *app = c->app;
	const struct questions *qs = app->questions;
	const struct feed_post *p = feed_post(app->feed, slot);
	if (p->flags & FEED_DELETED)
		return false;
	switch (q->list) {
	case QUESTIONS_MINE:
		return p->author == q->viewer && audience_slot_visible(c, slot);
	case QUESTIONS_NETWORK:
		return !p->community && p->author != q->viewer &&
		       graph_distance(app->graph, (uint32_t)q->viewer, p->author) <= 2 &&
		       audience_slot_visible(c, slot) && !any_visible_locked(c, &qs->accepted, id);
	case QUESTIONS_COMMUNITIES:
		return p->community && (!q->community || p->community == q->community) &&
		       communities_role_locked(app, p->community, q->viewer) != COMMUNITY_NONE &&
		       audience_slot_visible(c, slot) && !any_visible_locked(c, &qs->accepted, id);
	case QUESTIONS_UNANSWERED: {
		int64_t now = q->now_ms ? q->now_ms : clock_now_ms();
		return p->open_replies == 0 && clock_id_to_ms(id) <= now - q->min_age_ms &&
		       audience_slot_visible(c, slot) &&
		       (p->closed_replies == 0 || !any_visible_locked(c, &qs->answers, id));
	}
	}
	return false;
}

bool questions_match_locked(struct audience_ctx *c, const struct questions_query *q,
			    int64_t question_id)
{
	const struct feed *f = c->app->feed;
	uint32_t slot = f && c->app->questions ? feed_slot(f, question_id) : FEED_NONE;
	return slot != FEED_NONE && questions_is_question(feed_post(f, slot)) &&
	       list_match(c, q, slot, question_id);
}

/* Examines a question for the page; true when it belongs on it. */
static bool take(struct audience_ctx *c, const struct questions_query *q, int64_t id)
{
	uint32_t slot = feed_slot(c->app->feed, id);
	return slot != FEED_NONE && list_match(c, q, slot, id);
}

/* Question ids to walk, ascending: an array of ids, or the questions of a
 * run of (author, question) pairs. */
struct idview {
	const int64_t *ids;
	const struct qpair *pairs;
	size_t n;
};

static int64_t view_at(const struct idview *v, size_t i)
{
	return v->ids ? v->ids[i] : v->pairs[i].answer;
}

static size_t view_lower(const struct idview *v, int64_t x)
{
	size_t lo = 0, hi = v->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (view_at(v, mid) < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The page just above pg->min_id: walks up, then turns it around. */
static void walk_up(struct audience_ctx *c, const struct questions_query *q,
		    const struct feed_page *pg, size_t limit, const struct idview *v,
		    struct feed_result *out)
{
	bool stopped = false; /* out of budget before the end */
	size_t i = view_lower(v, pg->min_id + 1);
	for (; i < v->n && out->n < limit; i++) {
		int64_t id = view_at(v, i);
		if ((pg->max_id && id >= pg->max_id) ||
		    (stopped = out->scanned == QUESTIONS_SCAN_MAX))
			break;
		out->scanned++;
		if (take(c, q, id))
			out->ids[out->n++] = id;
	}
	for (size_t a = 0, b = out->n; a + 1 < b; a++, b--) {
		int64_t t = out->ids[a];
		out->ids[a] = out->ids[b - 1];
		out->ids[b - 1] = t;
	}
	out->prev_min_id = out->n ? out->ids[0] : stopped ? view_at(v, i - 1) : 0;
	out->next_max_id = out->n ? out->ids[out->n - 1] : 0;
}

/* A page below pg->max_id (or from the newest), down to pg->since_id. */
static void walk_down(struct audience_ctx *c, const struct questions_query *q,
		      const struct feed_page *pg, size_t limit, const struct idview *v,
		      struct feed_result *out)
{
	bool stopped = false;
	size_t i = pg->max_id ? view_lower(v, pg->max_id) : v->n;
	while (i > 0 && out->n < limit) {
		if (pg->since_id && view_at(v, i - 1) <= pg->since_id)
			break;
		if ((stopped = out->scanned == QUESTIONS_SCAN_MAX))
			break;
		i--;
		out->scanned++;
		if (take(c, q, view_at(v, i)))
			out->ids[out->n++] = view_at(v, i);
	}
	if (out->n == limit)
		out->next_max_id = out->ids[out->n - 1];
	else if (stopped)
		out->next_max_id = view_at(v, i);
	out->prev_min_id = out->n ? out->ids[0] : 0;
}

void questions_list_locked(struct app *app, const struct questions_query *q,
			   const struct feed_page *pg, struct feed_result *out)
{
	memset(out, 0, sizeof(*out));
	const struct questions *qs = app->questions;
	if (!qs || !app->feed || q->viewer <= 0)
		return;
	struct audience_ctx c;
	audience_ctx_init(&c, app, q->viewer);
	size_t limit =
	    pg->limit > 0 && pg->limit <= FEED_LIMIT_MAX ? (size_t)pg->limit : FEED_LIMIT_DEFAULT;
	const uint32_t *mine;
	if (q->list == QUESTIONS_COMMUNITIES && !communities_of_locked(app, q->viewer, &mine))
		return; /* in no community: nothing to walk */
	struct idview v = {.ids = qs->ids, .n = qs->n};
	if (q->list == QUESTIONS_MINE) { /* only the viewer's own */
		size_t first;
		if (!(v.n = pairs_range(&qs->by_author, q->viewer, &first)))
			return;
		v.ids = NULL;
		v.pairs = qs->by_author.v + first;
	}
	if (pg->min_id)
		walk_up(&c, q, pg, limit, &v, out);
	else
		walk_down(&c, q, pg, limit, &v, out);
}

void questions_list(struct app *app, const struct questions_query *q, const struct feed_page *pg,
		    struct feed_result *out)
{
	app_rdlock(app);
	questions_list_locked(app, q, pg, out);
	app_unlock(app);
}

/* --- accepting ---------------------------------------------------------------------- */

/* What an accept needs to know, checked under the lock. */
struct accept_check {
	int64_t answer_author;
	uint32_t question_author;
	int q_visibility, a_visibility;
};

static enum questions_rc accept_check_locked(struct app *app, int64_t viewer, int64_t qid,
					     int64_t aid, struct accept_check *k, const char **why)
{
	const struct feed *f = app->feed;
	struct audience_ctx c;
	audience_ctx_init(&c, app, viewer);
	uint32_t qs = f ? feed_slot(f, qid) : FEED_NONE;
	if (qs == FEED_NONE || !audience_slot_visible(&c, qs) ||
	    !questions_is_question(feed_post(f, qs))) {
		*why = "no such question";
		return QUESTIONS_NOT_FOUND;
	}
	const struct feed_post *q = feed_post(f, qs);
	if (q->author != viewer &&
	    !(q->community &&
	      communities_role_locked(app, q->community, viewer) == COMMUNITY_OWNER)) {
		*why = "only the asker (or an owner of the question's community) accepts answers";
		return QUESTIONS_FORBIDDEN;
	}
	uint32_t as = feed_slot(f, aid);
	if (as == FEED_NONE || !audience_slot_visible(&c, as)) {
		*why = "answer_id: no such status";
		return QUESTIONS_NOT_FOUND;
	}
	const struct feed_post *ans = feed_post(f, as);
	if (!(ans->flags & FEED_REPLY) || feed_ref_slot(ans) != qs) {
		*why = "answer_id: not an answer to this question (a direct reply)";
		return QUESTIONS_INVALID;
	}
	k->answer_author = ans->author;
	k->question_author = q->author;
	k->q_visibility = q->visibility;
	k->a_visibility = ans->visibility;
	return QUESTIONS_OK;
}

struct accept_hook {
	int64_t question, answer;
	bool on;
};

static void hook_accept(struct app *app, void *arg)
{
	const struct accept_hook *h = arg;
	if (app->questions)
		pairs_set(&app->questions->accepted, h->question, h->answer, h->on);
}

static void publish_edit(struct tx *tx, int64_t id, int64_t author, int visibility)
{
	struct event ev = {
	    .type = EVENT_POST_EDIT, .post_id = id, .author_id = author, .visibility = visibility};
	tx_publish(tx, &ev);
}

enum questions_rc questions_accept(struct app *app, int64_t viewer, int64_t question_id,
				   int64_t answer_id, bool on, const char **why)
{
	struct tx *tx = tx_begin(app);
	if (!tx)
		return QUESTIONS_ERROR;
	struct accept_check k = {0};
	app_rdlock(app);
	enum questions_rc rc = accept_check_locked(app, viewer, question_id, answer_id, &k, why);
	app_unlock(app);
	if (rc != QUESTIONS_OK) {
		tx_rollback(tx);
		return rc;
	}
	struct store_conn *w = tx_conn(tx);
	int src;
	if (on) {
		struct question_accept_row r = {question_id, answer_id, viewer, clock_now_ms()};
		src = store_question_accept_insert(w, &r);
		if (src == STORE_OK && notify_add(tx, k.answer_author, "moka.answer_accepted",
						  viewer, answer_id, 0) < 0)
			src = STORE_ERROR;
	} else {
		src = store_question_accept_delete(w, question_id, answer_id);
	}
	if (src == STORE_CONFLICT || src == STORE_NOT_FOUND) {
		tx_rollback(tx); /* nothing changes */
		return QUESTIONS_OK;
	}
	if (src != STORE_OK) {
		tx_rollback(tx);
		*why = "the store failed; try again";
		return QUESTIONS_ERROR;
	}
	struct accept_hook *h = arena_alloc(tx_arena(tx), sizeof(*h));
	*h = (struct accept_hook){question_id, answer_id, on};
	tx_after_commit(tx, hook_accept, h);
	publish_edit(tx, question_id, k.question_author, k.q_visibility);
	publish_edit(tx, answer_id, k.answer_author, k.a_visibility);
	if (tx_commit(tx) < 0) {
		*why = "the store failed; try again";
		return QUESTIONS_ERROR;
	}
	return QUESTIONS_OK;
}
