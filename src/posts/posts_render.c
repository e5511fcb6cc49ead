/*
 * posts_render: Mastodon Status entities, as one viewer sees them.
 *
 * A page is rendered in four steps so that the memory lock is never held
 * across a store read or another module's lock-taking call:
 *   1. under the read lock: the audience check, the index record and the
 *      reply count (exact from memory when every reply is public or
 *      unlisted, the common case);
 *   2. unlocked: the rows, and only the side queries a post needs (its
 *      mentions and tags if the index says it has some, the viewer's like
 *      and repost if its counters are not zero, its reply ids if some
 *      replies have a narrower audience);
 *   3. under the read lock again, only if step 2 fetched reply ids: which
 *      of those replies the viewer may see;
 *   4. the JSON, with each author's Account rendered once per page.
 */
#include "posts/posts.h"
#include "app/app.h"
#include "core/arena.h"
#include "core/buf.h"
#include "feed/feed.h"
#include "json/json_writer.h"
#include "people/people.h"
#include "store/store.h"
#include "text/text.h"

#include <string.h>

/* Most mentions and tags a status lists; most replies counted one by one. */
#define MENTIONS_MAX (TEXT_LOOKUPS_MAX + 1)
#define TAGS_MAX 64
#define CHILDREN_MAX 10000
/* Most posts of a thread a context looks at. */
#define THREAD_MAX 4096
#define ACTORS_MAX 80

struct rpost {
	int64_t id;
	struct feed_post meta;
	struct post_row row;
	bool ok;         /* visible and loaded */
	int64_t replies; /* visible replies; -1 until counted from children */
	int64_t *children;
	size_t n_children;
	bool favourited, reblogged;
	struct post_mention *mentions;
	size_t n_mentions;
	const char **tags;
	size_t n_tags;
	struct rpost *original; /* of a repost */
};

struct acct {
	int64_t id;
	const char *username;
	char *json; /* NULL: no such user */
	size_t len;
};

struct render {
	struct app *app;
	struct arena *a;
	int64_t viewer;
	const char *base; /* base URL without a trailing '/' */
	struct acct *accts;
	size_t n_accts, cap_accts;
};

static void render_init(struct render *r, struct app *app, struct arena *a, int64_t viewer)
{
	memset(r, 0, sizeof(*r));
	r->app = app;
	r->a = a;
	r->viewer = viewer;
	const char *b = app->base_url ? app->base_url : "";
	size_t n = strlen(b);
	while (n && b[n - 1] == '/')
		n--;
	r->base = arena_strndup(a, b, n);
}

/* --- step 1: under the lock ---------------------------------------------- */

static void take_meta(const struct feed *f, uint32_t slot, struct rpost *p)
{
	p->id = feed_id(f, slot);
	p->meta = *feed_post(f, slot);
	p->replies = p->meta.closed_replies ? -1 : (int64_t)p->meta.open_replies;
	p->ok = true;
}

/* Fills out[i] for each visible ids[i] (out[i].ok false otherwise). */
static void collect_locked(struct render *r, const int64_t *ids, size_t n, struct rpost *out)
{
	const struct feed *f = r->app->feed;
	struct audience_ctx c;
	audience_ctx_init(&c, r->app, r->viewer);
	for (size_t i = 0; i < n; i++) {
		uint32_t slot = f ? feed_slot(f, ids[i]) : FEED_NONE;
		if (slot == FEED_NONE || !audience_slot_visible(&c, slot))
			continue;
		take_meta(f, slot, &out[i]);
		if (out[i].meta.flags & FEED_REBLOG) {
			out[i].original = arena_calloc(r->a, 1, sizeof(*out[i].original));
			take_meta(f, feed_ref_slot(&out[i].meta), out[i].original);
			out[i].replies = 0;
		}
	}
}

/* --- step 2: the store ------------------------------------------------------ */

static void load_post(struct render *r, struct rpost *p)
{
	struct store_conn *c = store_reader(r->app->store);
	if (store_post_get(c, r->a, p->id, &p->row) != STORE_OK || p->row.deleted_at) {
		p->ok = false; /* deleted since step 1 */
		return;
	}
	if (p->row.favourites_count > 0)
		p->favourited = store_favourite_exists(c, p->id, r->viewer);
	int64_t mine;
	if (p->row.reblogs_count > 0)
		p->reblogged = store_post_reblog_find(c, r->viewer, p->id, &mine) == STORE_OK;
	if (p->meta.mentions) {
		p->mentions = arena_alloc(r->a, MENTIONS_MAX * sizeof(*p->mentions));
		p->n_mentions = store_post_mentions(c, r->a, p->id, p->mentions, MENTIONS_MAX);
	}
	if (p->meta.flags & FEED_TAGGED) {
		p->tags = arena_alloc(r->a, TAGS_MAX * sizeof(*p->tags));
		p->n_tags = store_post_tags(c, r->a, p->id, p->tags, TAGS_MAX);
	}
	if (p->replies < 0) {
		p->children = arena_alloc(r->a, CHILDREN_MAX * sizeof(*p->children));
		p->n_children = store_post_children(c, p->id, p->children, CHILDREN_MAX);
	}
	if (p->original) {
		load_post(r, p->original);
		p->ok = p->original->ok;
	}
}

/* --- step 3: replies with a narrower audience --------------------------------- */

static void count_replies_locked(struct render *r, struct rpost *p)
{
	const struct feed *f = r->app->feed;
	struct audience_ctx c;
	audience_ctx_init(&c, r->app, r->viewer);
	p->replies = 0;
	for (size_t i = 0; i < p->n_children; i++)
		if (audience_slot_visible(&c, feed_slot(f, p->children[i])))
			p->replies++;
}

/* Steps 1 to 3 for n posts. */
static struct rpost *prepare(struct render *r, const int64_t *ids, size_t n)
{
	struct rpost *p = arena_calloc(r->a, n ? n : 1, sizeof(*p));
	app_rdlock(r->app);
	collect_locked(r, ids, n, p);
	app_unlock(r->app);
	bool recount = false;
	for (size_t i = 0; i < n; i++) {
		if (!p[i].ok)
			continue;
		load_post(r, &p[i]);
		struct rpost *q = p[i].original ? p[i].original : &p[i];
		recount = recount || q->replies < 0;
	}
	if (recount) {
		app_rdlock(r->app);
		for (size_t i = 0; i < n; i++) {
			struct rpost *q = p[i].original ? p[i].original : &p[i];
			if (p[i].ok && q->replies < 0)
				count_replies_locked(r, q);
		}
		app_unlock(r->app);
	}
	return p;
}

/* --- step 4: JSON ----------------------------------------------------------- */

/* The author's Account JSON, rendered once per page. */
static struct acct *account(struct render *r, int64_t id)
{
	for (size_t i = 0; i < r->n_accts; i++)
		if (r->accts[i].id == id)
			return &r->accts[i];
	if (r->n_accts == r->cap_accts) {
		size_t ncap = r->cap_accts ? r->cap_accts * 2 : 16;
		struct acct *na = arena_alloc(r->a, ncap * sizeof(*na));
		if (r->n_accts)
			memcpy(na, r->accts, r->n_accts * sizeof(*na));
		r->accts = na;
		r->cap_accts = ncap;
	}
	struct acct *ac = &r->accts[r->n_accts++];
	memset(ac, 0, sizeof(*ac));
	ac->id = id;
	struct user u;
	if (store_user_get(store_reader(r->app->store), r->a, id, &u) != STORE_OK)
		return ac;
	ac->username = u.username;
	struct buf b;
	buf_init(&b, BUF_MAX_DEFAULT);
	struct jw w;
	jw_init(&w, &b);
	people_render_account_user(r->app, r->a, &w, &u);
	ac->json = arena_strndup(r->a, b.ptr ? b.ptr : "", b.len);
	ac->len = b.len;
	buf_free(&b);
	return ac;
}

/* Percent-encodes the bytes of a tag that are not ASCII letters, digits or '_'. */
static const char *tag_path(struct arena *a, const char *tag)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(tag);
	char *out = arena_alloc(a, n * 3 + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)tag[i];
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '_' || ch == '-') {
			*o++ = (char)ch;
		} else {
			*o++ = '%';
			*o++ = hex[ch >> 4];
			*o++ = hex[ch & 15];
		}
	}
	*o = '\0';
	return out;
}

static void write_mentions_tags(struct render *r, struct jw *w, const struct rpost *p)
{
	jw_key(w, "mentions");
	jw_arr_begin(w);
	for (size_t i = 0; i < p->n_mentions; i++) {
		const struct post_mention *m = &p->mentions[i];
		jw_obj_begin(w);
		jw_kid(w, "id", m->user_id);
		jw_kstr(w, "username", m->username);
		jw_kstr(w, "url", arena_printf(r->a, "%s/@%s", r->base, m->username));
		jw_kstr(w, "acct", m->username);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "tags");
	jw_arr_begin(w);
	for (size_t i = 0; i < p->n_tags; i++) {
		jw_obj_begin(w);
		jw_kstr(w, "name", p->tags[i]);
		jw_kstr(w, "url", arena_printf(r->a, "%s/tags/%s", r->base, tag_path(r->a, p->tags[i])));
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static void kid_or_null(struct jw *w, const char *key, int64_t id)
{
	if (id)
		jw_kid(w, key, id);
	else
		jw_knull(w, key);
}

static void write_status(struct render *r, struct jw *w, const struct rpost *p);

/* The fields that differ between a post and the repost that wraps it. */
static void write_body(struct render *r, struct jw *w, const struct rpost *p,
		       const struct acct *ac)
{
	const struct post_row *row = &p->row;
	bool wrapper = p->original != NULL;
	jw_kint(w, "replies_count", wrapper ? 0 : p->replies);
	jw_kint(w, "reblogs_count", wrapper ? 0 : row->reblogs_count);
	jw_kint(w, "favourites_count", wrapper ? 0 : row->favourites_count);
	jw_ktime(w, "edited_at", row->edited_at);
	jw_kbool(w, "favourited", p->favourited);
	jw_kbool(w, "reblogged", p->reblogged);
	jw_kbool(w, "muted", false);
	jw_kbool(w, "bookmarked", false);
	jw_kbool(w, "pinned", false);
	jw_kstr(w, "content", wrapper ? "" : row->html);
	if (row->author_id == r->viewer && !wrapper)
		jw_kstr(w, "text", row->text);
	else
		jw_knull(w, "text");
	jw_key(w, "reblog");
	if (wrapper)
		write_status(r, w, p->original);
	else
		jw_null(w);
	jw_knull(w, "application");
	jw_key(w, "account");
	if (ac->json)
		jw_raw(w, ac->json, ac->len);
	else
		jw_null(w);
}

static void write_status(struct render *r, struct jw *w, const struct rpost *p)
{
	const struct post_row *row = &p->row;
	struct acct *ac = account(r, row->author_id);
	const char *user = ac->username ? ac->username : "unknown";
	jw_obj_begin(w);
	jw_kid(w, "id", row->id);
	jw_ktime(w, "created_at", row->created_at);
	kid_or_null(w, "in_reply_to_id", row->in_reply_to_id);
	kid_or_null(w, "in_reply_to_account_id", row->in_reply_to_account_id);
	jw_kbool(w, "sensitive", row->sensitive);
	jw_kstr(w, "spoiler_text", row->spoiler_text ? row->spoiler_text : "");
	jw_kstr(w, "visibility", visibility_mastodon((enum visibility)row->visibility));
	jw_kstr(w, "language", row->language);
	jw_kstr(w, "uri", arena_printf(r->a, "%s/users/%s/statuses/%lld%s", r->base, user,
				       (long long)row->id, p->original ? "/activity" : ""));
	jw_kstr(w, "url", arena_printf(r->a, "%s/@%s/%lld", r->base, user, (long long)row->id));
	write_body(r, w, p, ac);
	jw_key(w, "media_attachments");
	jw_arr_begin(w);
	jw_arr_end(w);
	write_mentions_tags(r, w, p);
	jw_key(w, "emojis");
	jw_arr_begin(w);
	jw_arr_end(w);
	jw_knull(w, "card");
	jw_knull(w, "poll");
	jw_key(w, "moka");
	jw_obj_begin(w);
	jw_kstr(w, "visibility", visibility_name((enum visibility)row->visibility));
	jw_kbool(w, "question", row->question);
	kid_or_null(w, "board_owner_id", row->board_owner_id);
	jw_obj_end(w);
	jw_obj_end(w);
}

/* --- entry points ------------------------------------------------------------ */

int posts_render_status(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			int64_t post_id)
{
	struct render r;
	render_init(&r, app, a, viewer);
	struct rpost *p = prepare(&r, &post_id, 1);
	if (!p[0].ok)
		return -1;
	write_status(&r, w, &p[0]);
	return 0;
}

void posts_render_statuses(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			   const int64_t *ids, size_t n)
{
	struct render r;
	render_init(&r, app, a, viewer);
	struct rpost *p = prepare(&r, ids, n);
	jw_arr_begin(w);
	for (size_t i = 0; i < n; i++)
		if (p[i].ok)
			write_status(&r, w, &p[i]);
	jw_arr_end(w);
}

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

/* Descendants of index top, depth first, children oldest first, keeping
 * the visible ones. */
static void descendants_locked(struct arena *a, struct audience_ctx *c, struct thread *t,
			       long top)
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
static uint32_t context_target_locked(struct app *app, int64_t viewer, int64_t id,
				      int64_t *root)
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
