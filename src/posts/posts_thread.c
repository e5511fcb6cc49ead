/*
 * posts_thread: a post's thread as Mastodon's Context (its ancestors and
 * descendants, in thread order), and who liked or reposted a post — both
 * through the audience check.
 */
#include "posts/posts.h"
#include "app/app.h"
#include "core/arena.h"
#include "feed/feed.h"
#include "json/json_writer.h"
#include "people/people.h"
#include "questions/questions.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

/* Most posts of a thread a context looks at; most accounts listed. */
#define THREAD_MAX 4096
#define ACTORS_MAX 80

/* --- context ------------------------------------------------------------------ */

struct thread {
	int64_t *ids; /* the thread, ascending */
	uint32_t *slots;
	size_t n;
	int64_t *out_anc, *out_desc;
	size_t n_anc, n_desc;
};

/* Index of slot in the thread (slots ascending like ids), or -1. */
static long thread_index(const struct thread *t, uint32_t slot)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->slots[mid] < slot)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->n && t->slots[lo] == slot ? (long)lo : -1;
}

/* An answer's place among its question's answers. */
struct answer_key {
	long index;
	bool accepted;
	uint32_t likes;
};

/* Accepted answers first, then by likes, then oldest first. */
static int answer_cmp(const void *x, const void *y)
{
	const struct answer_key *a = x, *b = y;
	if (a->accepted != b->accepted)
		return a->accepted ? -1 : 1;
	if (a->likes != b->likes)
		return a->likes > b->likes ? -1 : 1;
	return (a->index > b->index) - (a->index < b->index);
}

/* Pushes the children of a question (index top) on the stack so that
 * they pop in answer order; returns the new stack size. */
static size_t push_answers(struct arena *a, struct audience_ctx *c, const struct thread *t,
			   const long *first, const long *next, long top, long *stack, size_t sp)
{
	const struct feed *f = c->app->feed;
	size_t n = 0;
	for (long ch = first[top]; ch >= 0; ch = next[ch])
		n++;
	struct answer_key *k = arena_alloc(a, (n + 1) * sizeof(*k));
	n = 0;
	for (long ch = first[top]; ch >= 0; ch = next[ch]) {
		k[n].index = ch;
		k[n].accepted = questions_accepted_locked(c->app, t->ids[top], t->ids[ch]);
		k[n++].likes = feed_post(f, t->slots[ch])->favourites;
	}
	qsort(k, n, sizeof(*k), answer_cmp);
	while (n)
		stack[sp++] = k[--n].index;
	return sp;
}

/* Descendants of index top, depth first, children oldest first — but a
 * question's answers accepted first, then by likes — keeping the visible
 * ones. */
static void descendants_locked(struct arena *a, struct audience_ctx *c, struct thread *t, long top)
{
	const struct feed *f = c->app->feed;
	/* children lists, newest first: pushed in that order, the oldest pops first */
	long *first = arena_alloc(a, t->n * sizeof(long));
	long *next = arena_alloc(a, t->n * sizeof(long));
	long *stack = arena_alloc(a, t->n * sizeof(long));
	for (size_t i = 0; i < t->n; i++)
		first[i] = next[i] = -1;
	for (size_t i = 0; i < t->n; i++) {
		const struct feed_post *p = feed_post(f, t->slots[i]);
		long parent = p->flags & FEED_REPLY ? thread_index(t, p->ref - 1) : -1;
		if (parent < 0)
			continue;
		next[i] = first[parent];
		first[parent] = (long)i;
	}
	size_t sp = 0;
	if (questions_is_question(feed_post(f, t->slots[top])))
		sp = push_answers(a, c, t, first, next, top, stack, sp);
	else
		for (long ch = first[top]; ch >= 0; ch = next[ch])
			stack[sp++] = ch;
	while (sp) {
		long i = stack[--sp];
		if (audience_slot_visible(c, t->slots[i]))
			t->out_desc[t->n_desc++] = t->ids[i];
		for (long ch = first[i]; ch >= 0; ch = next[ch])
			stack[sp++] = ch;
	}
}

/* Ancestors of slot, oldest first, keeping the visible ones. */
static void ancestors_locked(struct arena *a, struct audience_ctx *c, struct thread *t,
			     uint32_t slot)
{
	const struct feed *f = c->app->feed;
	size_t cap = 64, n = 0;
	int64_t *up = arena_alloc(a, cap * sizeof(*up));
	for (uint32_t s = slot; feed_post(f, s)->flags & FEED_REPLY;) {
		s = feed_post(f, s)->ref - 1;
		if (!audience_slot_visible(c, s))
			continue;
		if (n == cap) {
			int64_t *nu = arena_alloc(a, cap * 2 * sizeof(*nu));
			memcpy(nu, up, n * sizeof(*nu));
			up = nu;
			cap *= 2;
		}
		up[n++] = feed_id(f, s);
	}
	t->out_anc = arena_alloc(a, (n + 1) * sizeof(*t->out_anc));
	for (size_t i = 0; i < n; i++)
		t->out_anc[i] = up[n - 1 - i];
	t->n_anc = n;
}

/* The post's thread root, under the lock; FEED_NONE if viewer may not see it. */
static uint32_t context_target_locked(struct app *app, int64_t viewer, int64_t id, int64_t *root)
{
	struct audience_ctx c;
	audience_ctx_init(&c, app, viewer);
	uint32_t slot = app->feed ? feed_slot(app->feed, id) : FEED_NONE;
	if (slot == FEED_NONE || !audience_slot_visible(&c, slot))
		return FEED_NONE;
	const struct feed_post *p = feed_post(app->feed, slot);
	if (p->flags & FEED_REBLOG)
		slot = feed_ref_slot(p);
	uint32_t s = slot;
	while (feed_post(app->feed, s)->flags & FEED_REPLY)
		s = feed_post(app->feed, s)->ref - 1;
	*root = feed_id(app->feed, s);
	return slot;
}

int posts_render_context(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			 int64_t post_id)
{
	int64_t root;
	app_rdlock(app);
	uint32_t target = context_target_locked(app, viewer, post_id, &root);
	app_unlock(app);
	if (target == FEED_NONE)
		return -1;
	struct thread t = {0};
	t.ids = arena_alloc(a, THREAD_MAX * sizeof(*t.ids));
	t.ids[0] = root;
	t.n = 1 + store_post_thread(store_reader(app->store), root, t.ids + 1, THREAD_MAX - 1);
	t.slots = arena_alloc(a, (t.n + 1) * sizeof(*t.slots));
	t.out_desc = arena_alloc(a, (t.n + 1) * sizeof(*t.out_desc));
	struct audience_ctx c;
	app_rdlock(app);
	audience_ctx_init(&c, app, viewer);
	target = context_target_locked(app, viewer, post_id, &root);
	if (target != FEED_NONE) {
		size_t n = 0;
		for (size_t i = 0; i < t.n; i++) {
			uint32_t slot = feed_slot(app->feed, t.ids[i]);
			if (slot != FEED_NONE) {
				t.ids[n] = t.ids[i];
				t.slots[n++] = slot;
			}
		}
		t.n = n;
		ancestors_locked(a, &c, &t, target);
		long top = thread_index(&t, target);
		if (top >= 0)
			descendants_locked(a, &c, &t, top);
	}
	app_unlock(app);
	if (target == FEED_NONE)
		return -1;
	jw_obj_begin(w);
	jw_key(w, "ancestors");
	posts_render_statuses(app, a, w, viewer, t.out_anc, t.n_anc);
	jw_key(w, "descendants");
	posts_render_statuses(app, a, w, viewer, t.out_desc, t.n_desc);
	jw_obj_end(w);
	return 0;
}

/* --- who liked, who reposted ------------------------------------------------- */

int posts_render_actors(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			int64_t post_id, bool reblogs, int limit)
{
	int64_t target = 0;
	app_rdlock(app);
	struct audience_ctx c;
	audience_ctx_init(&c, app, viewer);
	uint32_t slot = app->feed ? feed_slot(app->feed, post_id) : FEED_NONE;
	if (slot != FEED_NONE && audience_slot_visible(&c, slot)) {
		const struct feed_post *p = feed_post(app->feed, slot);
		target = feed_id(app->feed, p->flags & FEED_REBLOG ? feed_ref_slot(p) : slot);
	}
	app_unlock(app);
	if (!target)
		return -1;
	if (limit < 1 || limit > ACTORS_MAX)
		limit = ACTORS_MAX;
	int64_t ids[ACTORS_MAX];
	struct store_conn *sc = store_reader(app->store);
	size_t n = reblogs ? store_post_reblogged_by(sc, target, ids, (size_t)limit)
			   : store_post_favourited_by(sc, target, ids, (size_t)limit);
	jw_arr_begin(w);
	for (size_t i = 0; i < n; i++) {
		struct user u;
		if (store_user_get(sc, a, ids[i], &u) == STORE_OK && u.active)
			people_render_account_user(app, a, w, &u);
	}
	jw_arr_end(w);
	return 0;
}
