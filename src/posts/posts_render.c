/*
 * posts_render: Mastodon Status entities, as one viewer sees them.
 *
 * A Status has a static part — everything that only an edit changes:
 * id, dates, content, spoiler, mentions, tags, links, Moka's extras — and
 * a dynamic part: the counters, the viewer's own flags (favourited,
 * reblogged), the source text (for its author only), the nested repost
 * and the author's Account. The static part is rendered once and kept in
 * a cache of rendered JSON (posts_cache.c), dropped on edit or delete;
 * the counters and the viewer's like and repost flags come from the
 * in-memory index. A page whose posts and authors are cached reads
 * nothing from the store.
 *
 * A page is rendered in steps so that the memory lock is never held
 * across a store read or another module's lock-taking call:
 *   1. under the read lock: the audience check, the index record (counts,
 *      author, flags), the viewer's like and repost flags, what the
 *      authors' Accounts depend on, and the reply count — exact from
 *      memory when every reply is public or unlisted, the common case;
 *   2. unlocked, in one read transaction: reply ids when some replies
 *      have a narrower audience (cache, or the store), then
 *   3. under the read lock again, only if step 2 fetched reply ids: which
 *      of those replies the viewer may see — the counts are now final,
 *      and a reader's first page of a stream may be served whole from here (see
 *      "First pages" below);
 *   2'. still in that transaction: the static parts (cache, or the row,
 *      mentions and tags) and the authors' Accounts (cache, or their rows);
 *   4. the JSON.
 */
#include "posts/posts.h"
#include "posts/posts_int.h"
#include "app/app.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/clock.h"
#include "feed/feed.h"
#include "files/files.h"
#include "graph/graph.h"
#include "json/json_writer.h"
#include "people/people.h"
#include "questions/questions.h"
#include "store/store.h"

#include <string.h>

/* Most tags a status lists; most replies counted one by one. */
#define TAGS_MAX 64
#define CHILDREN_MAX 10000
/* About what a Status with its Account weighs in JSON (2.5 KB on the
 * demo company): a page's output buffer is sized for it up front. */
#define STATUS_JSON_BYTES 3072

struct rpost {
	int64_t id;
	struct feed_post meta;
	bool ok;	 /* visible and loaded */
	int64_t replies; /* visible replies; -1 until counted from children */
	const int64_t *children;
	size_t n_children;
	bool favourited, reblogged;
	struct questions_status q; /* question state, accepted answers */
	const char *members;	   /* the static part: "\"id\":…" without braces */
	size_t members_len;
	const char *text; /* the source text as a JSON string */
	size_t text_len;
	struct rpost *original; /* of a repost */
};

/* An author of the page. */
struct acct {
	int64_t id;
	const char *username;
	const char *json; /* NULL: no such user */
	size_t len;
	bool loaded;
	uint64_t stamp; /* what its counts depend on, as step 1 read it */
};

struct render {
	struct app *app;
	struct arena *a;
	int64_t viewer;
	const char *base;     /* base URL without a trailing '/' */
	struct pcache *cache; /* NULL: render everything */
	struct pcache *accounts;
	struct pcache *children;
	struct pcache *pages; /* first pages of streams; NULL: none kept */
	uint64_t epoch;	      /* the caches', before the store was read */
	uint64_t acc_epoch, ch_epoch, pages_epoch;
	uint64_t removals; /* the three caches' pcache_removals, before the store was read */
	bool may_store;	   /* our own read transaction: values may be cached */
	bool missed;	   /* a Status, Account or reply list was read from the store */
	struct acct *accts;
	size_t n_accts, cap_accts;
	struct buf scratch;
	struct pcache_ref **held; /* cached values in use, dropped by render_end */
	size_t n_held, cap_held;
};

/* A cached value, held until render_end. */
static const char *cached(struct render *r, struct pcache *c, int64_t key, uint64_t stamp,
			  size_t *len)
{
	struct pcache_ref *ref;
	const char *v = pcache_get(c, key, stamp, &ref, len);
	if (!v)
		return NULL;
	if (r->n_held == r->cap_held) {
		size_t cap = r->cap_held ? r->cap_held * 2 : 32;
		struct pcache_ref **h = arena_alloc(r->a, cap * sizeof(*h));
		if (r->n_held)
			memcpy(h, r->held, r->n_held * sizeof(*h));
		r->held = h;
		r->cap_held = cap;
	}
	r->held[r->n_held++] = ref;
	return v;
}

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
	r->cache = app->posts_cache ? app->posts_cache->statuses : NULL;
	r->accounts = app->posts_cache ? app->posts_cache->accounts : NULL;
	r->children = app->posts_cache ? app->posts_cache->children : NULL;
	r->pages = app->posts_cache ? app->posts_cache->pages : NULL;
	buf_init(&r->scratch, BUF_MAX_DEFAULT);
}

/* --- step 1: under the lock ---------------------------------------------- */

static void take_meta(const struct feed *f, uint32_t slot, struct rpost *p)
{
	p->id = feed_id(f, slot);
	p->meta = *feed_post(f, slot);
	p->replies = p->meta.closed_replies ? -1 : (int64_t)p->meta.open_replies;
	p->ok = true;
}

static struct acct *account_add_locked(struct render *r, int64_t id);

/* The viewer's like and repost flags of the page's posts (the originals
 * of reposts). */
static void flags_locked(struct render *r, struct rpost *p, const uint32_t *slots, size_t n)
{
	const struct feed *f = r->app->feed;
	struct rpost **q = arena_alloc(r->a, (n + 1) * sizeof(*q));
	uint32_t *shared = arena_alloc(r->a, (n + 1) * sizeof(*shared));
	bool *out = arena_alloc(r->a, (n + 1) * sizeof(*out));
	size_t ns = 0;
	for (size_t i = 0; i < n; i++) {
		struct rpost *x = p[i].original ? p[i].original : &p[i];
		if (!p[i].ok)
			continue;
		uint32_t slot = p[i].original ? feed_ref_slot(&p[i].meta) : slots[i];
		x->favourited = x->meta.favourites > 0 && feed_liked(f, r->viewer, slot);
		if (x->meta.reblogs > 0) {
			q[ns] = x;
			shared[ns++] = slot;
		}
	}
	feed_reposted(f, r->viewer, shared, ns, out);
	for (size_t i = 0; i < ns; i++)
		q[i]->reblogged = out[i];
}

/* Fills out[i] for each visible ids[i] (out[i].ok false otherwise), with
 * the viewer's flags, and notes their authors. checked: the ids' slots,
 * found and passed through the audience check under this same lock hold
 * (a stream's page), or NULL. */
static void collect_locked(struct render *r, const int64_t *ids, const uint32_t *checked, size_t n,
			   struct rpost *out)
{
	const struct feed *f = r->app->feed;
	struct audience_ctx c;
	audience_ctx_init(&c, r->app, r->viewer);
	uint32_t *slots = arena_alloc(r->a, (n + 1) * sizeof(*slots));
	for (size_t i = 0; i < n; i++) {
		uint32_t slot = checked ? checked[i] : f ? feed_slot(f, ids[i]) : FEED_NONE;
		slots[i] = slot;
		if (slot == FEED_NONE || (!checked && !audience_slot_visible(&c, slot)))
			continue;
		take_meta(f, slot, &out[i]);
		questions_status_locked(&c, r->a, slot, &out[i].q);
		account_add_locked(r, out[i].meta.author);
		if (out[i].meta.flags & FEED_REBLOG) {
			out[i].original = arena_calloc(r->a, 1, sizeof(*out[i].original));
			take_meta(f, feed_ref_slot(&out[i].meta), out[i].original);
			questions_status_locked(&c, r->a, feed_ref_slot(&out[i].meta),
						&out[i].original->q);
			account_add_locked(r, out[i].original->meta.author);
			out[i].replies = 0;
		}
	}
	if (f)
		flags_locked(r, out, slots, n);
}

/* --- step 2: the store and the caches -------------------------------------- */

/*
 * What an Account's JSON depends on besides its row: its followers,
 * following and connections counts (graph_version) and its post count and
 * newest post (feed_user_version; the row's last_status_at moves with
 * it). Two counters, so that a cached Account is checked with two reads
 * instead of five lists. A change of the row itself drops the cached JSON
 * (posts_account_forget, after the commit). Lock held.
 */
static uint64_t account_stamp_locked(struct app *app, int64_t id)
{
	uint64_t g = id > 0 && id <= UINT32_MAX ? graph_version(app->graph, (uint32_t)id) : 0;
	return g << 32 | (app->feed ? feed_user_version(app->feed, id) : 0);
}

/* The page's entry for author id (new entries: counts read under the lock). */
static struct acct *account_add_locked(struct render *r, int64_t id)
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
	ac->stamp = account_stamp_locked(r->app, id);
	return ac;
}

/* Renders ac's Account through people/, and caches it when nothing it
 * depends on moved while it was rendered. */
static void account_render(struct render *r, struct acct *ac, bool cacheable)
{
	struct user u;
	r->missed = true;
	if (store_user_get(store_reader(r->app->store), r->a, ac->id, &u) != STORE_OK)
		return;
	ac->username = u.username;
	buf_reset(&r->scratch);
	buf_puts(&r->scratch, u.username);
	buf_putc(&r->scratch, '\n');
	size_t head = r->scratch.len;
	struct jw w;
	jw_init(&w, &r->scratch);
	people_render_account_user(r->app, r->a, &w, &u);
	ac->json = arena_strndup(r->a, r->scratch.ptr + head, r->scratch.len - head);
	ac->len = r->scratch.len - head;
	if (!cacheable || !r->accounts || !r->may_store)
		return;
	app_rdlock(r->app);
	uint64_t after = account_stamp_locked(r->app, ac->id);
	app_unlock(r->app);
	if (after == ac->stamp)
		pcache_put(r->accounts, ac->id, ac->stamp, r->acc_epoch, r->scratch.ptr,
			   r->scratch.len);
}

/* Step 2 for an author: the Account JSON from the cache when its counts'
 * stamp is what it was (and its row has not changed since: a change drops
 * it), else rendered. */
static void account_load(struct render *r, struct acct *ac)
{
	if (ac->loaded)
		return;
	ac->loaded = true;
	size_t len;
	const char *v = r->accounts ? cached(r, r->accounts, ac->id, ac->stamp, &len) : NULL;
	const char *nl = v ? memchr(v, '\n', len) : NULL;
	if (!nl) {
		account_render(r, ac, true);
		return;
	}
	ac->username = arena_strndup(r->a, v, (size_t)(nl - v));
	ac->json = nl + 1;
	ac->len = len - (size_t)(nl - v) - 1;
}

/* The page's author id, loaded (authors not met in step 1 are rendered
 * without the cache). */
static struct acct *account(struct render *r, int64_t id)
{
	for (size_t i = 0; i < r->n_accts; i++)
		if (r->accts[i].id == id) {
			if (!r->accts[i].loaded) {
				r->accts[i].loaded = true;
				account_render(r, &r->accts[i], false);
			}
			return &r->accts[i];
		}
	app_rdlock(r->app);
	struct acct *ac = account_add_locked(r, id);
	app_unlock(r->app);
	ac->loaded = true;
	account_render(r, ac, false);
	return ac;
}

static void kid_or_null(struct jw *w, const char *key, int64_t id)
{
	if (id)
		jw_kid(w, key, id);
	else
		jw_knull(w, key);
}

static void empty_array(struct jw *w, const char *key)
{
	jw_key(w, key);
	jw_arr_begin(w);
	jw_arr_end(w);
}

/* Percent-encodes the bytes of a tag that are not ASCII letters, digits, '_' or '-'. */
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

/* The mentions and tags of post id (how many mentions it has: from the
 * index, so that a post without any reads nothing). */
static void write_mentions_tags(struct render *r, struct jw *w, int64_t id, bool tagged)
{
	struct store_conn *c = store_reader(r->app->store);
	const uint32_t *ids;
	app_rdlock(r->app);
	uint32_t slot = feed_slot(r->app->feed, id);
	size_t n_mentions = slot == FEED_NONE ? 0 : feed_mentions(r->app->feed, slot, &ids);
	app_unlock(r->app);
	struct post_mention *m = arena_alloc(r->a, (n_mentions + 1) * sizeof(*m));
	size_t nm = n_mentions ? store_post_mentions(c, r->a, id, m, n_mentions) : 0;
	jw_key(w, "mentions");
	jw_arr_begin(w);
	for (size_t i = 0; i < nm; i++) {
		jw_obj_begin(w);
		jw_kid(w, "id", m[i].user_id);
		jw_kstr(w, "username", m[i].username);
		jw_kstr(w, "url", arena_printf(r->a, "%s/@%s", r->base, m[i].username));
		jw_kstr(w, "acct", m[i].username);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	const char **tags = arena_alloc(r->a, TAGS_MAX * sizeof(*tags));
	size_t nt = tagged ? store_post_tags(c, r->a, id, tags, TAGS_MAX) : 0;
	jw_key(w, "tags");
	jw_arr_begin(w);
	for (size_t i = 0; i < nt; i++) {
		jw_obj_begin(w);
		jw_kstr(w, "name", tags[i]);
		jw_kstr(w, "url",
			arena_printf(r->a, "%s/tags/%s", r->base, tag_path(r->a, tags[i])));
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

/* The static members of row's Status, as one JSON object. */
static void write_static(struct render *r, struct jw *w, const struct post_row *row, bool tagged,
			 const char *user)
{
	bool wrapper = row->reblog_of_id != 0;
	jw_obj_begin(w);
	jw_kid(w, "id", row->id);
	jw_ktime(w, "created_at", row->created_at);
	kid_or_null(w, "in_reply_to_id", row->in_reply_to_id);
	kid_or_null(w, "in_reply_to_account_id", row->in_reply_to_account_id);
	jw_kbool(w, "sensitive", row->sensitive);
	jw_kstr(w, "spoiler_text", row->spoiler_text ? row->spoiler_text : "");
	jw_kstr(w, "visibility", visibility_mastodon((enum visibility)row->visibility));
	jw_kstr(w, "language", row->language);
	jw_kstr(w, "uri",
		arena_printf(r->a, "%s/users/%s/statuses/%lld%s", r->base, user, (long long)row->id,
			     wrapper ? "/activity" : ""));
	jw_kstr(w, "url", arena_printf(r->a, "%s/@%s/%lld", r->base, user, (long long)row->id));
	jw_ktime(w, "edited_at", row->edited_at);
	jw_kbool(w, "muted", false);
	jw_kbool(w, "bookmarked", false);
	jw_kbool(w, "pinned", false);
	jw_kstr(w, "content", wrapper ? "" : row->html);
	jw_knull(w, "application");
	files_render_post_media(r->app, r->a, w, row->id);
	write_mentions_tags(r, w, row->id, tagged);
	empty_array(w, "emojis");
	jw_knull(w, "card");
	jw_knull(w, "poll");
	jw_obj_end(w);
}

/* Moka's extras (the index knows them all): the audience, the question
 * flag and state, the board, the community. Dynamic: accepting an answer
 * changes them without an edit. */
static void write_moka(struct jw *w, const struct rpost *p)
{
	jw_key(w, "moka");
	jw_obj_begin(w);
	jw_kstr(w, "visibility", visibility_name((enum visibility)p->meta.visibility));
	jw_kbool(w, "question", p->meta.flags & FEED_QUESTION);
	kid_or_null(w, "board_owner_id", p->meta.flags & FEED_BOARD ? p->meta.ref : 0);
	if (p->meta.community) /* community posts only */
		jw_kid(w, "community_id", p->meta.community);
	questions_write_status(w, &p->q, p->replies);
	jw_obj_end(w);
}

/*
 * Sets p's static part and source text, from the cache or the store (and
 * then caches them). The cached value is the members, a newline (never
 * inside our JSON), and the source text as a JSON string.
 */
static void load_static(struct render *r, struct rpost *p)
{
	size_t len;
	const char *v = r->cache ? cached(r, r->cache, p->id, 0, &len) : NULL;
	if (!v) {
		struct post_row row;
		r->missed = true;
		if (store_post_get(store_reader(r->app->store), r->a, p->id, &row) != STORE_OK ||
		    row.deleted_at) {
			p->ok = false; /* deleted since step 1 */
			return;
		}
		struct acct *ac = account(r, row.author_id);
		buf_reset(&r->scratch);
		struct jw w;
		jw_init(&w, &r->scratch);
		write_static(r, &w, &row, p->meta.flags & FEED_TAGGED,
			     ac->username ? ac->username : "unknown");
		buf_putc(&r->scratch, '\n');
		json_escape(&r->scratch, row.text ? row.text : "", row.text ? strlen(row.text) : 0);
		v = arena_strndup(r->a, r->scratch.ptr, r->scratch.len);
		len = r->scratch.len;
		if (r->cache && r->may_store)
			pcache_put(r->cache, p->id, 0, r->epoch, v, len);
	}
	const char *nl = memchr(v, '\n', len);
	if (!nl || nl - v < 2) {
		p->ok = false;
		return;
	}
	p->members = v + 1; /* inside the braces */
	p->members_len = (size_t)(nl - v) - 2;
	p->text = nl + 1;
	p->text_len = len - (size_t)(nl - v) - 1;
}

/* The ids of p's live replies, when its reply count is per viewer. */
static void load_children(struct render *r, struct rpost *p)
{
	size_t max = (size_t)p->meta.open_replies + p->meta.closed_replies;
	if (p->meta.closed_replies == FEED_CLOSED_MANY || max > CHILDREN_MAX)
		max = CHILDREN_MAX;
	size_t len;
	const char *v = r->children ? cached(r, r->children, p->id, 0, &len) : NULL;
	if (v) {
		p->children = (const int64_t *)(const void *)v;
		p->n_children = len / sizeof(int64_t);
		return;
	}
	int64_t *ids = arena_alloc(r->a, (max + 1) * sizeof(*ids));
	r->missed = true;
	p->n_children = store_post_children(store_reader(r->app->store), p->id, ids, max);
	p->children = ids;
	if (r->children && r->may_store)
		pcache_put(r->children, p->id, 0, r->ch_epoch, (const char *)ids,
			   p->n_children * sizeof(*ids));
}

static void load_post(struct render *r, struct rpost *p)
{
	load_static(r, p);
	if (p->ok && p->original) {
		load_post(r, p->original);
		p->ok = p->original->ok;
	}
}

/* --- step 3: replies with a narrower audience --------------------------------- */

/* c: the viewer's audience checks for this lock hold (shared by the
 * page's posts, whose replies often have the same authors). */
static void count_replies_locked(struct render *r, struct audience_ctx *c, struct rpost *p)
{
	const struct feed *f = r->app->feed;
	p->replies = 0;
	for (size_t i = 0; i < p->n_children; i++)
		if (audience_slot_visible(c, feed_slot(f, p->children[i])))
			p->replies++;
}

/* The page's authors' Accounts, from the cache or rendered. */
static void load_accounts(struct render *r)
{
	for (size_t i = 0; i < r->n_accts; i++)
		account_load(r, &r->accts[i]);
}

/* Asks the caches for every Account and Status the page will look up,
 * all at once (pcache_prefetch). */
static void prefetch(struct render *r, const struct rpost *p, size_t n)
{
	if (r->accounts && r->n_accts) {
		int64_t *ids = arena_alloc(r->a, r->n_accts * sizeof(*ids));
		for (size_t i = 0; i < r->n_accts; i++)
			ids[i] = r->accts[i].id;
		pcache_prefetch(r->accounts, ids, r->n_accts);
	}
	if (r->cache && n) {
		int64_t *ids = arena_alloc(r->a, 2 * n * sizeof(*ids));
		size_t k = 0;
		for (size_t i = 0; i < n; i++) {
			if (!p[i].ok)
				continue;
			ids[k++] = p[i].id;
			if (p[i].original)
				ids[k++] = p[i].original->id;
		}
		pcache_prefetch(r->cache, ids, k);
	}
}

/* What a render shows: the posts ids, or one page of stream q (found in
 * step 1's lock hold: the merge's audience check and slots serve both);
 * and the Accounts of users, besides the posts' authors. */
struct source {
	const int64_t *ids;
	size_t n; /* of ids, or of the page once found */
	const struct feed_query *q;
	const struct feed_page *pg;
	struct feed_result *res;
	const int64_t *users;
	size_t n_users;
};

/* Step 1, then steps 2 and 3 for the reply counts that are per viewer
 * (the counts are then final, before any Status or Account is read). */
static struct rpost *prepare(struct render *r, struct source *src)
{
	size_t cap = src->q ? FEED_LIMIT_MAX : src->n;
	struct rpost *p = arena_calloc(r->a, cap ? cap : 1, sizeof(*p));
	app_rdlock(r->app);
	if (src->q) {
		feed_query_page_locked(r->app, r->a, src->q, src->pg, src->res);
		src->ids = src->res->ids;
		src->n = src->res->n;
		collect_locked(r, src->ids, src->res->slots, src->n, p);
	} else {
		collect_locked(r, src->ids, NULL, src->n, p);
	}
	for (size_t i = 0; i < src->n_users; i++)
		if (src->users[i] > 0)
			account_add_locked(r, src->users[i]);
	app_unlock(r->app);
	size_t n = src->n;
	bool recount = false;
	for (size_t i = 0; i < n; i++) {
		struct rpost *q = p[i].original ? p[i].original : &p[i];
		if (p[i].ok && q->replies < 0) {
			load_children(r, q);
			recount = true;
		}
	}
	if (recount) {
		app_rdlock(r->app);
		struct audience_ctx c;
		audience_ctx_init(&c, r->app, r->viewer);
		for (size_t i = 0; i < n; i++) {
			struct rpost *q = p[i].original ? p[i].original : &p[i];
			if (p[i].ok && q->replies < 0)
				count_replies_locked(r, &c, q);
		}
		app_unlock(r->app);
	}
	return p;
}

/* Step 2 for the Statuses and Accounts. */
static void load(struct render *r, struct rpost *p, size_t n)
{
	prefetch(r, p, n);
	load_accounts(r);
	for (size_t i = 0; i < n; i++)
		if (p[i].ok)
			load_post(r, &p[i]);
}

/* --- step 4: JSON ----------------------------------------------------------- */

/* Appends already-serialised members to the object w has open. */
static void raw_members(struct jw *w, const char *s, size_t n)
{
	if (!n)
		return;
	if (!w->first[w->depth])
		buf_putc(w->out, ',');
	buf_append(w->out, s, n);
	w->first[w->depth] = false;
}

static void write_status(struct render *r, struct jw *w, const struct rpost *p)
{
	bool wrapper = p->original != NULL;
	const struct acct *ac = account(r, p->meta.author);
	jw_obj_begin(w);
	raw_members(w, p->members, p->members_len);
	jw_kint(w, "replies_count", wrapper ? 0 : p->replies);
	jw_kint(w, "reblogs_count", wrapper ? 0 : p->meta.reblogs);
	jw_kint(w, "favourites_count", wrapper ? 0 : p->meta.favourites);
	jw_kbool(w, "favourited", p->favourited);
	jw_kbool(w, "reblogged", p->reblogged);
	jw_key(w, "text");
	if (p->meta.author == r->viewer && !wrapper)
		jw_raw(w, p->text, p->text_len);
	else
		jw_null(w);
	jw_key(w, "reblog");
	if (wrapper)
		write_status(r, w, p->original);
	else
		jw_null(w);
	jw_key(w, "account");
	if (ac->json)
		jw_raw(w, ac->json, ac->len);
	else
		jw_null(w);
	write_moka(w, p);
	jw_obj_end(w);
}

/* --- entry points ------------------------------------------------------------ */

/* Steps 1 to 3 for src, in one read transaction (left open: render_end;
 * load() reads the Statuses and Accounts in it). */
static struct rpost *render_begin(struct render *r, struct source *src, bool *opened)
{
	struct store_conn *c = store_reader(r->app->store);
	/* the epoch first: a value built from this transaction's reads can be
	 * cached only if nothing was invalidated since before it began */
	if (r->cache)
		r->epoch = pcache_epoch(r->cache);
	if (r->accounts)
		r->acc_epoch = pcache_epoch(r->accounts);
	if (r->children)
		r->ch_epoch = pcache_epoch(r->children);
	if (r->pages && src->q) { /* a stream's page: perhaps a first page */
		r->pages_epoch = pcache_epoch(r->pages);
		r->removals = pcache_removals(r->cache) + pcache_removals(r->accounts) +
			      pcache_removals(r->children);
	}
	*opened = store_read_begin(c);
	r->may_store = *opened;
	return prepare(r, src);
}

static void render_end(struct render *r, bool opened)
{
	store_read_end(store_reader(r->app->store), opened);
	buf_free(&r->scratch);
	for (size_t i = 0; i < r->n_held; i++)
		pcache_unref(r->held[i]);
}

/* Whether p's Status is the same for every viewer but its author: the
 * viewer-dependent parts of write_status and write_moka all at their
 * defaults (index record as step 1 read it). */
static bool common_to_all(const struct rpost *p, int64_t viewer)
{
	const struct feed_post *m = &p->meta;
	return !p->original && !(m->flags & FEED_QUESTION) && !m->favourites && !m->reblogs &&
	       !m->closed_replies && m->author != viewer;
}

int posts_render_status_common(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			       int64_t post_id, bool *common)
{
	struct render r;
	bool opened;
	render_init(&r, app, a, viewer);
	struct source src = {.ids = &post_id, .n = 1};
	struct rpost *p = render_begin(&r, &src, &opened);
	load(&r, p, 1);
	if (p[0].ok)
		write_status(&r, w, &p[0]);
	render_end(&r, opened);
	if (common)
		*common = p[0].ok && common_to_all(&p[0], viewer);
	return p[0].ok ? 0 : -1;
}

int posts_render_status(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			int64_t post_id)
{
	return posts_render_status_common(app, a, w, viewer, post_id, NULL);
}

/*
 * First pages. A reader's first page of a stream (no cursor: the page
 * clients ask for most, and again and again) is kept whole in the page
 * cache: its JSON, the state it was written from, and references to the
 * cached Statuses and Accounts it copied. The state is everything step 1
 * (and step 3) read that the JSON shows: the reader, the posts that passed
 * the audience check, each one's index record (counts, audience, flags),
 * its reply count, the reader's like and repost flags, its question state,
 * and each author's Account stamp. A later request runs step 1 as always
 * — the merge, the audience check, the counts — and is answered with the
 * kept JSON when it read the same state and every value the page copied
 * is still its cache's current one (pcache_current: an edit, a delete or a
 * profile change drops the value, so the page goes with it). Only a page
 * written wholly from cached values is kept: those are the values whose
 * staleness the caches track.
 *
 * The JSON is a function of the state and those values alone, so the key
 * (page_key: a digest of the reader and the stream) only has to find the
 * page: two pages under one key are told apart by their state.
 */

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdull;
}

/* A first page's key in the page cache (never 0, the empty key). */
static int64_t page_key(const struct render *r, const struct source *src)
{
	const struct feed_query *q = src->q;
	uint64_t h =
	    mix(mix(mix(0, (uint64_t)r->viewer), (uint64_t)q->stream), (uint64_t)src->pg->limit);
	h = mix(mix(h, (uint64_t)q->user), (uint64_t)q->community);
	h = mix(h, (uint64_t)q->exclude_replies << 1 | q->exclude_reblogs);
	for (const char *t = q->tag; t && *t; t++)
		h = mix(h, (unsigned char)*t);
	return h ? (int64_t)h : 1;
}

/* Whether src is a first page, kept in the page cache. */
static bool first_page(const struct render *r, const struct source *src)
{
	return r->pages && r->may_store && src->q && r->viewer > 0 && !src->pg->max_id &&
	       !src->pg->since_id && !src->pg->min_id;
}

static void put_post_state(struct buf *b, const struct rpost *p)
{
	uint8_t flags[5] = {p->favourited, p->reblogged, p->q.question, p->q.answered,
			    p->q.accepted_answer};
	buf_append(b, &p->id, sizeof(p->id));
	buf_append(b, &p->meta, sizeof(p->meta));
	buf_append(b, &p->replies, sizeof(p->replies));
	buf_append(b, flags, sizeof(flags));
	buf_append(b, &p->q.n_accepted, sizeof(p->q.n_accepted));
	if (p->q.n_accepted)
		buf_append(b, p->q.accepted, p->q.n_accepted * sizeof(*p->q.accepted));
}

/* A kept page: this head, the state, the JSON. */
struct page_head {
	uint64_t removals; /* the caches' removals before its values were read */
	uint64_t state_len;
};

/* The state a page is written from (see above), as bytes to compare,
 * after room for the head of the page it may become (page_keep). */
static void page_state(const struct render *r, const struct rpost *p, size_t n, struct buf *out)
{
	struct page_head h = {0};
	buf_reserve(out, sizeof(h) + sizeof(r->viewer) + n * 96 + r->n_accts * 16);
	buf_append(out, &h, sizeof(h));
	buf_append(out, &r->viewer, sizeof(r->viewer));
	for (size_t i = 0; i < n; i++) {
		uint8_t ok = p[i].ok;
		buf_append(out, &ok, 1);
		if (!ok)
			continue;
		put_post_state(out, &p[i]);
		if (p[i].original)
			put_post_state(out, p[i].original);
	}
	for (size_t i = 0; i < r->n_accts; i++) {
		buf_append(out, &r->accts[i].id, sizeof(r->accts[i].id));
		buf_append(out, &r->accts[i].stamp, sizeof(r->accts[i].stamp));
	}
}

static bool page_hit(struct render *r, const struct source *src, const struct buf *state,
		     struct jw *w)
{
	struct pcache_ref *ref;
	size_t len, n_held;
	const char *v = pcache_get(r->pages, page_key(r, src), 0, &ref, &len);
	if (!v)
		return false;
	struct page_head h;
	memcpy(&h, v, sizeof(h)); /* a kept page starts with it */
	size_t skip = state->len; /* the head and the state */
	bool same = h.state_len == skip - sizeof(h) && len >= skip &&
		    memcmp(v + sizeof(h), state->ptr + sizeof(h), h.state_len) == 0;
	/* no value left the caches since the page's were read: all current */
	if (same && h.removals != r->removals) {
		struct pcache_ref *const *held = pcache_held(ref, &n_held);
		for (size_t i = 0; same && i < n_held; i++)
			same = pcache_current(held[i]);
	}
	if (same) {
		buf_reserve(w->out, len - skip);
		jw_raw(w, v + skip, len - skip);
	}
	pcache_unref(ref);
	return same;
}

/* Keeps the page just written (json: its bytes in w's output), when every
 * value it copied came from the caches: the head filled in and the JSON
 * added to its state. */
static void page_keep(struct render *r, const struct source *src, struct buf *state,
		      const char *json, size_t json_len)
{
	if (r->missed)
		return;
	struct page_head h = {.removals = r->removals, .state_len = state->len - sizeof(h)};
	memcpy(state->ptr, &h, sizeof(h));
	if (buf_append(state, json, json_len) == 0)
		pcache_put_holding(r->pages, page_key(r, src), 0, r->pages_epoch, state->ptr,
				   state->len, r->held, r->n_held);
}

static void render_array(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			 struct source *src)
{
	struct render r;
	bool opened;
	render_init(&r, app, a, viewer);
	struct rpost *p = render_begin(&r, src, &opened);
	struct buf state;
	buf_init(&state, BUF_MAX_DEFAULT);
	bool first = first_page(&r, src);
	if (first) {
		page_state(&r, p, src->n, &state);
		if (page_hit(&r, src, &state, w))
			goto done;
	}
	load(&r, p, src->n);
	buf_reserve(w->out, src->n * STATUS_JSON_BYTES); /* one allocation, no regrowth */
	jw_arr_begin(w);
	size_t start = w->out->len - 1; /* the '[' */
	for (size_t i = 0; i < src->n; i++)
		if (p[i].ok)
			write_status(&r, w, &p[i]);
	jw_arr_end(w);
	if (first)
		page_keep(&r, src, &state, w->out->ptr + start, w->out->len - start);
done:
	buf_free(&state);
	render_end(&r, opened);
}

void posts_render_statuses(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			   const int64_t *ids, size_t n)
{
	struct source src = {.ids = ids, .n = n};
	render_array(app, a, w, viewer, &src);
}

void posts_render_parts(struct app *app, struct arena *a, int64_t viewer, const int64_t *post_ids,
			size_t n_posts, struct posts_json *statuses, const int64_t *user_ids,
			size_t n_users, struct posts_json *accounts)
{
	struct render r;
	bool opened;
	render_init(&r, app, a, viewer);
	struct source src = {.ids = post_ids, .n = n_posts, .users = user_ids, .n_users = n_users};
	struct rpost *p = render_begin(&r, &src, &opened);
	load(&r, p, n_posts);
	struct buf one;
	buf_init(&one, BUF_MAX_DEFAULT);
	for (size_t i = 0; i < n_posts; i++) {
		statuses[i] = (struct posts_json){0};
		if (!p[i].ok)
			continue;
		buf_reset(&one);
		struct jw w;
		jw_init(&w, &one);
		write_status(&r, &w, &p[i]);
		statuses[i] = (struct posts_json){arena_strndup(a, one.ptr, one.len), one.len};
	}
	for (size_t i = 0; i < n_users; i++) {
		accounts[i] = (struct posts_json){0};
		const struct acct *ac = user_ids[i] > 0 ? account(&r, user_ids[i]) : NULL;
		if (ac && ac->json) /* copied: a cached value is only held until render_end */
			accounts[i] =
			    (struct posts_json){arena_strndup(a, ac->json, ac->len), ac->len};
	}
	buf_free(&one);
	render_end(&r, opened);
}

void posts_render_page(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
		       const struct feed_query *q, const struct feed_page *pg,
		       struct feed_result *res)
{
	struct source src = {.q = q, .pg = pg, .res = res};
	render_array(app, a, w, viewer, &src);
}

void posts_cache_forget(struct app *app, int64_t post_id)
{
	if (app->posts_cache)
		pcache_invalidate(app->posts_cache->statuses, post_id);
}

void posts_children_forget(struct app *app, int64_t post_id)
{
	if (app->posts_cache)
		pcache_invalidate(app->posts_cache->children, post_id);
}

void posts_account_forget(struct app *app, int64_t user_id)
{
	if (app->posts_cache)
		pcache_invalidate(app->posts_cache->accounts, user_id);
}
