/*
 * posts: the write side — create, edit, delete, like, repost — each one
 * transaction whose index update (feed/) runs after its commit.
 * The rules are in posts.h.
 */
#include "posts/posts.h"
#include "posts/posts_int.h"
#include "app/app.h"
#include "communities/communities.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/log.h"
#include "events/events.h"
#include "feed/feed.h"
#include "files/files.h"
#include "notify/notify.h"
#include "questions/questions.h"
#include "store/store.h"
#include "text/text.h"

#include <string.h>

/* An Idempotency-Key is honoured for this long. */
#define IDEMPOTENCY_MS (3600 * 1000)
/* At most this many reposts of one post are taken down with it. */
#define REBLOGS_MAX 10000

/* --- validation and rendering of the text ---------------------------------- */

struct resolver {
	struct app *app;
	struct arena *a;
};

/* text_render's mention resolver: active local users, by username. */
static int resolve_user(void *ctx, const char *name, size_t len, int64_t *id,
			const char **canonical)
{
	struct resolver *r = ctx;
	struct user u;
	const char *s = arena_strndup(r->a, name, len);
	if (store_user_by_username(store_reader(r->app->store), r->a, s, &u) != STORE_OK ||
	    !u.active)
		return -1;
	*id = u.id;
	*canonical = u.username;
	return 0;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return false;
	return true;
}

static bool language_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > 3)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return false;
	return true;
}

/* Checks the text, spoiler and language, then renders the text. */
static enum posts_rc prepare_text(struct app *app, struct arena *a, const char *text, size_t len,
				  const char *spoiler, const char *language, bool blank_ok,
				  struct text_rendered *r, const char **why)
{
	size_t max = app->cfg->post_max_chars;
	const char *reason;
	size_t chars = text_utf8_chars(text, len);
	if (max && chars > max) {
		*why = arena_printf(a, "status: %zu characters, longer than the limit of %zu",
				    chars, max);
		return POSTS_INVALID;
	}
	if (text_check_post(text, len, max, &reason) < 0) {
		*why = arena_printf(a, "status: %s", reason);
		return POSTS_INVALID;
	}
	if (blank(text, len) && !blank_ok) { /* blank_ok: a post of attachments alone */
		*why = "status: can't be blank";
		return POSTS_INVALID;
	}
	if (spoiler && *spoiler) {
		size_t sl = strlen(spoiler);
		if (sl > POSTS_SPOILER_MAX || text_check_post(spoiler, sl, 0, &reason) < 0) {
			*why = sl > POSTS_SPOILER_MAX ? "spoiler_text: too long"
						      : arena_printf(a, "spoiler_text: %s", reason);
			return POSTS_INVALID;
		}
		if (max && text_utf8_chars(text, len) + text_utf8_chars(spoiler, sl) > max) {
			*why = arena_printf(a,
					    "status: with spoiler_text, longer than %zu "
					    "characters",
					    max);
			return POSTS_INVALID;
		}
	}
	if (language && *language && !language_ok(language)) {
		*why = "language: expected an ISO 639 code such as \"en\"";
		return POSTS_INVALID;
	}
	struct resolver rs = {app, a};
	struct text_opts o = {
	    .base_url = app->base_url, .resolve = resolve_user, .resolve_ctx = &rs};
	if (text_render(a, text, len, &o, r) < 0) {
		*why = "status: cannot be rendered";
		return POSTS_INVALID;
	}
	return POSTS_OK;
}

static int64_t *mention_ids(struct arena *a, const struct text_rendered *r)
{
	int64_t *ids = arena_alloc(a, (r->mentions_len + 1) * sizeof(*ids));
	for (size_t i = 0; i < r->mentions_len; i++)
		ids[i] = r->mentions[i].user_id;
	return ids;
}

/* --- after-commit hooks ---------------------------------------------------- */

static void hook_insert(struct app *app, void *arg)
{
	const struct feed_new *p = arg;
	if (p->in_reply_to_id)
		posts_children_forget(app, p->in_reply_to_id);
	if (feed_insert(app->feed, p) < 0)
		log_error("feed: post %lld could not be indexed", (long long)p->id);
	else if (p->question || p->in_reply_to_id)
		questions_post_indexed_locked(app, p->id);
}

static void hook_delete(struct app *app, void *arg)
{
	int64_t id = *(const int64_t *)arg;
	feed_delete(app->feed, id);
	posts_cache_forget(app, id);
}

/* A like added or taken back: the liker's list and the counter in the index. */
struct favourite_hook {
	int64_t user, id;
	bool on;
};

static void hook_favourite(struct app *app, void *arg)
{
	const struct favourite_hook *h = arg;
	feed_favourite(app->feed, h->user, h->id, h->on);
}

struct edit_hook {
	int64_t id;
	const int64_t *mentions;
	size_t n_mentions;
	const char **old_tags, **tags;
	size_t n_old_tags, n_tags;
};

static void hook_edit(struct app *app, void *arg)
{
	const struct edit_hook *e = arg;
	feed_set_mentions(app->feed, e->id, e->mentions, e->n_mentions);
	feed_set_tags(app->feed, e->id, e->old_tags, e->n_old_tags, e->tags, e->n_tags);
	posts_cache_forget(app, e->id);
}

static void publish(struct tx *tx, enum event_type type, int64_t id, int64_t author, int vis)
{
	struct event ev = {.type = type, .post_id = id, .author_id = author, .visibility = vis};
	tx_publish(tx, &ev);
}

/* --- create ----------------------------------------------------------------- */

/* Who a new post notifies, decided under the memory lock (the post is
 * not indexed yet, so the check runs on its draft). */
static size_t recipients(struct app *app, const struct feed_new *d, int64_t parent_author,
			 int64_t *out)
{
	size_t n = 0;
	struct audience_ctx c;
	app_rdlock(app);
	for (size_t i = 0; i < d->n_mentions; i++) {
		audience_ctx_init(&c, app, d->mentions[i]);
		if (d->mentions[i] != d->board_owner_id && audience_draft_visible(&c, d))
			out[n++] = d->mentions[i];
	}
	bool named = false;
	for (size_t i = 0; i < d->n_mentions; i++)
		named = named || d->mentions[i] == parent_author;
	audience_ctx_init(&c, app, parent_author);
	if (parent_author && !named && audience_draft_visible(&c, d))
		out[n++] = parent_author;
	app_unlock(app);
	return n;
}

/* Loads the post replied to inside the transaction: it must be live and
 * visible to the author; a repost stands for its original. */
static enum posts_rc load_parent(struct app *app, struct tx *tx, struct arena *a, int64_t author,
				 int64_t id, struct post_row *parent)
{
	struct store_conn *w = tx_conn(tx);
	if (store_post_get(w, a, id, parent) != STORE_OK || parent->deleted_at)
		return POSTS_NOT_FOUND;
	if (parent->reblog_of_id &&
	    (store_post_get(w, a, parent->reblog_of_id, parent) != STORE_OK || parent->deleted_at))
		return POSTS_NOT_FOUND;
	return audience_post_visible(app, author, parent->id) ? POSTS_OK : POSTS_NOT_FOUND;
}

/* The parent's author is told of a reply as a "mention" — or, for an
 * answer to their question (a direct reply), as a "moka.answer". */
static int notify_new(struct app *app, struct tx *tx, const struct feed_new *d,
		      int64_t parent_author, bool answer)
{
	int64_t who[TEXT_LOOKUPS_MAX + 1];
	size_t n = recipients(app, d, parent_author, who);
	for (size_t i = 0; i < n; i++) {
		bool asker = answer && who[i] == parent_author;
		if (notify_add(tx, who[i], asker ? "moka.answer" : "mention", d->author, d->id, 0) <
		    0)
			return -1;
	}
	if (d->board_owner_id)
		return notify_add(tx, d->board_owner_id, "moka.board_post", d->author, d->id, 0);
	return 0;
}

/* The rows of a new post; the transaction is open. */
static enum posts_rc insert_post(struct app *app, struct tx *tx, struct arena *a,
				 struct post_row *row, struct feed_new *d,
				 const struct text_rendered *r, const struct post_row *parent,
				 const char *topic)
{
	struct store_conn *w = tx_conn(tx);
	row->id = d->id = clock_id_next(); /* under the writer lock: commit order is id order */
	row->created_at = clock_now_ms();
	if (store_post_insert(w, row) != STORE_OK ||
	    store_post_mentions_set(w, row->id, d->mentions, d->n_mentions) != STORE_OK ||
	    store_post_tags_set(w, row->id, r->tags, r->tags_len) != STORE_OK ||
	    (row->in_reply_to_id &&
	     store_post_count_add(w, row->in_reply_to_id, POST_REPLIES, 1) != STORE_OK) ||
	    store_user_touch_status(w, row->author_id, row->created_at) != STORE_OK ||
	    notify_new(app, tx, d, parent->author_id, parent->question && !parent->in_reply_to_id) <
		0)
		return POSTS_ERROR;
	if (d->community_id && communities_post_written(app, tx, row->id, row->author_id,
							d->community_id, topic, row->root_id) < 0)
		return POSTS_ERROR;
	struct feed_new *hook = arena_alloc(a, sizeof(*hook));
	*hook = *d;
	tx_after_commit(tx, hook_insert, hook);
	publish(tx, EVENT_POST_NEW, row->id, row->author_id, row->visibility);
	return POSTS_OK;
}

/* The community post_id belongs to (0: none). */
static int64_t post_community(struct app *app, int64_t post_id)
{
	app_rdlock(app);
	int64_t c = communities_post_community_locked(app, post_id);
	app_unlock(app);
	return c;
}

/* The community a new post belongs to: its parent's, else the one asked. */
static int64_t community_of(struct app *app, const struct posts_draft *d, int64_t parent)
{
	return parent ? post_community(app, parent) : d->community_id;
}

/* May author post in community? Maps the refusal to a post error. */
static enum posts_rc community_check(struct app *app, int64_t author, int64_t community,
				     const char **why)
{
	switch (communities_may_post(app, author, community)) {
	case COMMUNITIES_OK:
		return POSTS_OK;
	case COMMUNITIES_FORBIDDEN:
		*why = "community_id: only members post in this community";
		return POSTS_FORBIDDEN;
	case COMMUNITIES_CONFLICT:
		*why = "community_id: this community is archived";
		return POSTS_FORBIDDEN;
	default:
		*why = "community_id: no such community";
		return POSTS_NOT_FOUND;
	}
}

static enum posts_rc check_draft(struct app *app, struct arena *a, int64_t author,
				 const struct posts_draft *d, int64_t *board, const char **why)
{
	if ((unsigned)d->visibility > VIS_COMMUNITY) {
		*why = "visibility: unknown";
		return POSTS_INVALID;
	}
	if (!d->in_reply_to_id && (d->visibility == VIS_COMMUNITY) != (d->community_id != 0)) {
		*why = d->community_id ? "visibility: must be \"community\" with community_id"
				       : "community_id: required with visibility \"community\"";
		return POSTS_INVALID;
	}
	if (d->community_id && d->board_owner_id && d->board_owner_id != author) {
		*why = "board_id: a community post cannot also be a board post";
		return POSTS_INVALID;
	}
	if (d->idempotency_key && strlen(d->idempotency_key) > POSTS_KEY_MAX) {
		*why = "Idempotency-Key: too long";
		return POSTS_INVALID;
	}
	if (d->n_media &&
	    files_check_attachable(app, a, author, d->media_ids, d->n_media, why) != FILES_OK)
		return POSTS_INVALID;
	*board = d->board_owner_id == author ? 0 : d->board_owner_id;
	if (*board && d->in_reply_to_id) {
		*why = "board_id: a reply cannot also be a board post";
		return POSTS_INVALID;
	}
	struct user u;
	if (*board &&
	    (store_user_get(store_reader(app->store), a, *board, &u) != STORE_OK || !u.active)) {
		*why = "board_id: no such person";
		return POSTS_NOT_FOUND;
	}
	return POSTS_OK;
}

enum posts_rc posts_create(struct app *app, struct arena *a, int64_t author,
			   const struct posts_draft *d, int64_t *id, const char **why)
{
	int64_t board;
	struct text_rendered r;
	enum posts_rc rc = check_draft(app, a, author, d, &board, why);
	if (rc == POSTS_OK)
		rc = prepare_text(app, a, d->text, d->text_len, d->spoiler_text, d->language,
				  d->n_media > 0, &r, why);
	if (rc != POSTS_OK)
		return rc;
	struct tx *tx = tx_begin(app);
	if (!tx)
		return POSTS_ERROR;
	if (d->idempotency_key &&
	    store_post_by_idempotency(tx_conn(tx), author, d->idempotency_key,
				      clock_now_ms() - IDEMPOTENCY_MS, id) == STORE_OK) {
		tx_rollback(tx);
		return POSTS_OK;
	}
	struct post_row row = {
	    .author_id = author,
	    .visibility = (int)d->visibility,
	    .text = arena_strndup(a, d->text, d->text_len),
	    .html = r.html,
	    .spoiler_text = d->spoiler_text,
	    .language = d->language && *d->language ? d->language : NULL,
	    .board_owner_id = board,
	    .question = d->question,
	    .sensitive = d->sensitive,
	    .has_tags = r.tags_len > 0,
	    .idempotency_key = d->idempotency_key,
	};
	struct post_row parent = {0};
	if (d->in_reply_to_id) {
		rc = load_parent(app, tx, a, author, d->in_reply_to_id, &parent);
		if (rc != POSTS_OK) {
			tx_rollback(tx);
			*why = "in_reply_to_id: no such status";
			return rc;
		}
		row.in_reply_to_id = parent.id;
		row.in_reply_to_account_id = parent.author_id;
		row.root_id = parent.root_id ? parent.root_id : parent.id;
	}
	int64_t community = community_of(app, d, parent.id);
	rc = community ? community_check(app, author, community, why) : POSTS_OK;
	if (!community && d->visibility == VIS_COMMUNITY) {
		*why = "visibility: \"community\" is for posts in a community";
		rc = POSTS_INVALID;
	}
	if (rc != POSTS_OK) {
		tx_rollback(tx);
		return rc;
	}
	if (community)
		row.visibility = VIS_COMMUNITY;
	struct feed_new fd = {
	    .author = author,
	    .visibility = row.visibility,
	    .in_reply_to_id = row.in_reply_to_id,
	    .board_owner_id = board,
	    .question = d->question,
	    .community_id = community,
	    .mentions = mention_ids(a, &r),
	    .n_mentions = r.mentions_len,
	    .tags = r.tags,
	    .n_tags = r.tags_len,
	};
	rc = insert_post(app, tx, a, &row, &fd, &r, &parent,
			 community && !parent.id ? d->topic_title : NULL);
	if (rc == POSTS_OK && files_attach_to_post(tx, row.id, d->media_ids, d->n_media) < 0)
		rc = POSTS_ERROR;
	if (rc != POSTS_OK) {
		tx_rollback(tx);
		*why = "the post could not be stored";
		return rc;
	}
	if (tx_commit(tx) < 0) {
		*why = "the post could not be stored";
		return POSTS_ERROR;
	}
	*id = row.id;
	return POSTS_OK;
}

/* --- edit and delete -------------------------------------------------------- */

/* Loads viewer's own live post id inside tx: NOT_FOUND when viewer may
 * not see it, FORBIDDEN when it is someone else's. */
static enum posts_rc own_post(struct app *app, struct tx *tx, struct arena *a, int64_t viewer,
			      int64_t id, struct post_row *row)
{
	if (store_post_get(tx_conn(tx), a, id, row) != STORE_OK || row->deleted_at ||
	    !audience_post_visible(app, viewer, id))
		return POSTS_NOT_FOUND;
	return row->author_id == viewer ? POSTS_OK : POSTS_FORBIDDEN;
}

/* Notifies the newly mentioned who may see the edited post, and those
 * who reposted it ("update"). */
static int notify_edit(struct app *app, struct tx *tx, const struct post_row *row,
		       const struct feed_new *d, const int64_t *old, size_t n_old)
{
	int64_t reposters[64];
	size_t nr = store_post_reblogged_by(tx_conn(tx), row->id, reposters, 64);
	for (size_t i = 0; i < d->n_mentions; i++) {
		bool known = false;
		for (size_t j = 0; j < n_old && !known; j++)
			known = old[j] == d->mentions[i];
		struct audience_ctx c;
		app_rdlock(app);
		audience_ctx_init(&c, app, d->mentions[i]);
		bool sees = !known && audience_draft_visible(&c, d);
		app_unlock(app);
		if (sees &&
		    notify_add(tx, d->mentions[i], "mention", row->author_id, row->id, 0) < 0)
			return -1;
	}
	for (size_t i = 0; i < nr; i++)
		if (notify_add(tx, reposters[i], "update", row->author_id, row->id, 0) < 0)
			return -1;
	return 0;
}

static enum posts_rc edit_rows(struct app *app, struct tx *tx, struct arena *a,
			       const struct post_row *row, const struct posts_edit *e,
			       const struct text_rendered *r)
{
	struct store_conn *w = tx_conn(tx);
	struct edit_hook *h = arena_calloc(a, 1, sizeof(*h));
	h->id = row->id;
	h->old_tags = arena_alloc(a, 256 * sizeof(char *));
	h->n_old_tags = store_post_tags(w, a, row->id, h->old_tags, 256);
	int64_t *old = arena_alloc(a, (TEXT_LOOKUPS_MAX + 1) * sizeof(*old));
	size_t n_old = store_post_mention_ids(w, row->id, old, TEXT_LOOKUPS_MAX + 1);
	h->mentions = mention_ids(a, r);
	h->n_mentions = r->mentions_len;
	h->tags = r->tags;
	h->n_tags = r->tags_len;
	struct feed_new d = {
	    .id = row->id,
	    .author = row->author_id,
	    .visibility = row->visibility,
	    .in_reply_to_id = row->in_reply_to_id,
	    .board_owner_id = row->board_owner_id,
	    .community_id = post_community(app, row->id),
	    .mentions = h->mentions,
	    .n_mentions = h->n_mentions,
	};
	const char *lang = e->language && *e->language ? e->language : row->language;
	if (store_post_update_text(w, row->id, arena_strndup(a, e->text, e->text_len), r->html,
				   e->spoiler_text,
				   e->has_sensitive ? e->sensitive : row->sensitive, lang,
				   r->tags_len > 0, clock_now_ms()) != STORE_OK ||
	    store_post_mentions_set(w, row->id, h->mentions, h->n_mentions) != STORE_OK ||
	    store_post_tags_set(w, row->id, r->tags, r->tags_len) != STORE_OK ||
	    notify_edit(app, tx, row, &d, old, n_old) < 0)
		return POSTS_ERROR;
	tx_after_commit(tx, hook_edit, h);
	publish(tx, EVENT_POST_EDIT, row->id, row->author_id, row->visibility);
	return POSTS_OK;
}

/* Before any work: may viewer see id (else NOT_FOUND), and is it theirs
 * (else FORBIDDEN)? Checked again inside the transaction. */
static enum posts_rc owner_check(struct app *app, int64_t viewer, int64_t id)
{
	enum posts_rc rc = POSTS_NOT_FOUND;
	app_rdlock(app);
	if (audience_post_visible_locked(app, viewer, id)) {
		const struct feed_post *p = feed_post(app->feed, feed_slot(app->feed, id));
		rc = p->author == viewer ? POSTS_OK : POSTS_FORBIDDEN;
	}
	app_unlock(app);
	return rc;
}

enum posts_rc posts_edit(struct app *app, struct arena *a, int64_t viewer, int64_t id,
			 const struct posts_edit *e, const char **why)
{
	struct text_rendered r;
	struct post_row row;
	enum posts_rc rc = owner_check(app, viewer, id);
	if (rc != POSTS_OK) {
		*why = rc == POSTS_FORBIDDEN ? "only its author can edit a post" : NULL;
		return rc;
	}
	rc = prepare_text(app, a, e->text, e->text_len, e->spoiler_text, e->language, false, &r,
			  why);
	if (rc != POSTS_OK)
		return rc;
	struct tx *tx = tx_begin(app);
	if (!tx)
		return POSTS_ERROR;
	rc = own_post(app, tx, a, viewer, id, &row);
	if (rc == POSTS_FORBIDDEN)
		*why = "only its author can edit a post";
	if (rc == POSTS_OK && row.reblog_of_id) {
		rc = POSTS_INVALID;
		*why = "a repost has no text to edit";
	}
	if (rc == POSTS_OK)
		rc = edit_rows(app, tx, a, &row, e, &r);
	if (rc != POSTS_OK) {
		tx_rollback(tx);
		return rc;
	}
	return tx_commit(tx) < 0 ? POSTS_ERROR : POSTS_OK;
}

/* Soft-deletes row inside tx, with its counters, index update and event. */
static int delete_rows(struct tx *tx, struct arena *a, const struct post_row *row)
{
	struct store_conn *w = tx_conn(tx);
	if (store_post_delete(w, row->id, clock_now_ms()) != STORE_OK)
		return -1;
	if (row->in_reply_to_id &&
	    store_post_count_add(w, row->in_reply_to_id, POST_REPLIES, -1) != STORE_OK)
		return -1;
	if (row->reblog_of_id &&
	    store_post_count_add(w, row->reblog_of_id, POST_REBLOGS, -1) != STORE_OK)
		return -1;
	int64_t *id = arena_alloc(a, sizeof(*id));
	*id = row->id;
	tx_after_commit(tx, hook_delete, id);
	publish(tx, EVENT_POST_DELETE, row->id, row->author_id, row->visibility);
	return 0;
}

enum posts_rc posts_delete(struct app *app, struct arena *a, int64_t viewer, int64_t id)
{
	struct tx *tx = tx_begin(app);
	if (!tx)
		return POSTS_ERROR;
	struct post_row row;
	enum posts_rc rc = own_post(app, tx, a, viewer, id, &row);
	if (rc == POSTS_OK && delete_rows(tx, a, &row) < 0)
		rc = POSTS_ERROR;
	if (rc == POSTS_OK && !row.reblog_of_id) {
		/* reposts show the original: they go with it */
		int64_t *ids = arena_alloc(a, REBLOGS_MAX * sizeof(*ids));
		size_t n = store_post_reblogs(tx_conn(tx), id, ids, REBLOGS_MAX);
		for (size_t i = 0; i < n && rc == POSTS_OK; i++) {
			struct post_row rb;
			if (store_post_get(tx_conn(tx), a, ids[i], &rb) != STORE_OK ||
			    delete_rows(tx, a, &rb) < 0)
				rc = POSTS_ERROR;
		}
	}
	if (rc != POSTS_OK) {
		tx_rollback(tx);
		return rc;
	}
	return tx_commit(tx) < 0 ? POSTS_ERROR : POSTS_OK;
}

/* --- likes and reposts ------------------------------------------------------ */

/* Inside a transaction: the post viewer acts on (the original of a
 * repost), if viewer may see it; its author and visibility. */
static enum posts_rc target_of(struct app *app, int64_t viewer, int64_t id, int64_t *target,
			       int64_t *author, int *visibility)
{
	enum posts_rc rc = POSTS_NOT_FOUND;
	app_rdlock(app);
	if (audience_post_visible_locked(app, viewer, id)) {
		uint32_t slot = feed_slot(app->feed, id);
		const struct feed_post *p = feed_post(app->feed, slot);
		if (p->flags & FEED_REBLOG) {
			slot = feed_ref_slot(p);
			p = feed_post(app->feed, slot);
		}
		*target = feed_id(app->feed, slot);
		*author = p->author;
		*visibility = p->visibility;
		rc = POSTS_OK;
	}
	app_unlock(app);
	return rc;
}

enum posts_rc posts_favourite(struct app *app, int64_t viewer, int64_t id, bool on, int64_t *target)
{
	struct tx *tx = tx_begin(app);
	if (!tx)
		return POSTS_ERROR;
	int64_t author;
	int vis;
	enum posts_rc rc = target_of(app, viewer, id, target, &author, &vis);
	struct store_conn *w = tx_conn(tx);
	if (rc == POSTS_OK) {
		int s = on ? store_favourite_add(w, *target, viewer, clock_now_ms())
			   : store_favourite_remove(w, *target, viewer);
		if (s == STORE_OK &&
		    (store_post_count_add(w, *target, POST_FAVOURITES, on ? 1 : -1) != STORE_OK ||
		     (on && notify_add(tx, author, "favourite", viewer, *target, 0) < 0)))
			rc = POSTS_ERROR;
		else if (s == STORE_ERROR)
			rc = POSTS_ERROR;
		if (s == STORE_OK && rc == POSTS_OK) {
			struct favourite_hook *h = arena_alloc(tx_arena(tx), sizeof(*h));
			*h = (struct favourite_hook){viewer, *target, on};
			tx_after_commit(tx, hook_favourite, h);
		}
	}
	if (rc != POSTS_OK) {
		tx_rollback(tx);
		return rc;
	}
	return tx_commit(tx) < 0 ? POSTS_ERROR : POSTS_OK;
}

/* viewer's new repost of original (public or unlisted), inside tx. */
static enum posts_rc reblog_rows(struct app *app, struct tx *tx, struct arena *a, int64_t viewer,
				 int64_t original, int64_t author, int vis, int64_t *result)
{
	struct store_conn *w = tx_conn(tx);
	struct post_row row = {
	    .id = clock_id_next(),
	    .author_id = viewer,
	    .visibility = vis,
	    .reblog_of_id = original,
	    .created_at = clock_now_ms(),
	};
	if (store_post_insert(w, &row) != STORE_OK ||
	    store_post_count_add(w, original, POST_REBLOGS, 1) != STORE_OK ||
	    notify_add(tx, author, "reblog", viewer, original, 0) < 0)
		return POSTS_ERROR;
	struct feed_new *d = arena_calloc(a, 1, sizeof(*d));
	*d = (struct feed_new){
	    .id = row.id, .author = viewer, .visibility = vis, .reblog_of_id = original};
	tx_after_commit(tx, hook_insert, d);
	publish(tx, EVENT_POST_NEW, row.id, viewer, vis);
	*result = row.id;
	return POSTS_OK;
}

enum posts_rc posts_reblog(struct app *app, struct arena *a, int64_t viewer, int64_t id, bool on,
			   int64_t *result)
{
	struct tx *tx = tx_begin(app);
	if (!tx)
		return POSTS_ERROR;
	int64_t original, author, mine = 0;
	int vis;
	enum posts_rc rc = target_of(app, viewer, id, &original, &author, &vis);
	if (rc == POSTS_OK)
		store_post_reblog_find(tx_conn(tx), viewer, original, &mine);
	if (rc == POSTS_OK && on && !mine) {
		rc = vis <= VIS_UNLISTED
			 ? reblog_rows(app, tx, a, viewer, original, author, vis, result)
			 : POSTS_FORBIDDEN;
	} else if (rc == POSTS_OK && on) {
		*result = mine;
	} else if (rc == POSTS_OK) {
		struct post_row row;
		*result = original;
		if (mine && (store_post_get(tx_conn(tx), a, mine, &row) != STORE_OK ||
			     delete_rows(tx, a, &row) < 0))
			rc = POSTS_ERROR;
	}
	if (rc != POSTS_OK) {
		tx_rollback(tx);
		return rc;
	}
	return tx_commit(tx) < 0 ? POSTS_ERROR : POSTS_OK;
}
