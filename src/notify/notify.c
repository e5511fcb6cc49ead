/*
 * notify: recording notifications inside the causing write, rendering
 * them as Mastodon Notification entities for their recipient (through the
 * post and account renderers, so the audience check decides what shows),
 * pages, unread counts, dismissal, and read markers.
 */
#include "notify/notify.h"
#include "communities/communities.h"
#include "files/files.h"
#include "app/app.h"
#include "audience/audience.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/clock.h"
#include "events/events.h"
#include "json/json_writer.h"
#include "posts/posts.h"
#include "store/store.h"

#include <string.h>

/* A page scans at most this many rows looking for visible ones. */
#define NOTIFY_SCAN_MAX 2000

int notify_add(struct tx *tx, int64_t recipient, const char *type, int64_t actor, int64_t post_id,
	       int64_t invitation_id)
{
	if (!type || !*type || strlen(type) > NOTIFY_TYPE_MAX)
		return -1;
	if (recipient <= 0 || recipient == actor)
		return 0;
	struct notification n = {
	    .id = clock_id_next(),
	    .user_id = recipient,
	    .type = type,
	    .actor_id = actor,
	    .post_id = post_id,
	    .invitation_id = invitation_id,
	    .created_at = clock_now_ms(),
	};
	int rc = store_notification_insert(tx_conn(tx), &n);
	if (rc == STORE_NOT_FOUND)
		return 0; /* deactivated or unknown recipient */
	if (rc != STORE_OK)
		return -1;
	struct event ev = {
	    .type = EVENT_NOTIFICATION,
	    .notification_id = n.id,
	    .user_id = recipient,
	    .author_id = actor,
	    .post_id = post_id,
	};
	tx_publish(tx, &ev);
	return 0;
}

/* The invitation a notification is about, if viewer is one of its parties. */
static void render_invitation(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			      int64_t id)
{
	struct invitation inv;
	jw_key(w, "moka");
	jw_obj_begin(w);
	jw_kid(w, "invitation_id", id);
	jw_key(w, "invitation");
	if (store_invitation_get(store_reader(app->store), a, id, &inv) == STORE_OK &&
	    (inv.from_id == viewer || inv.to_id == viewer)) {
		jw_obj_begin(w);
		jw_kid(w, "id", inv.id);
		jw_kid(w, "from_id", inv.from_id);
		jw_kid(w, "to_id", inv.to_id);
		jw_kstr(w, "message", inv.message ? inv.message : "");
		jw_kstr(w, "state", inv.ignored ? "ignored" : "pending");
		jw_ktime(w, "created_at", inv.created_at);
		jw_obj_end(w);
	} else {
		jw_null(w); /* accepted, withdrawn or gone */
	}
	jw_obj_end(w);
}

/*
 * Writes notification n, whose post's Status and actor's Account are
 * status and account (rendered together for a page: posts_render_parts).
 * -1, writing nothing, when either is missing (a post the viewer may no
 * longer see, an actor gone) or a file is no longer shared with them.
 */
static int render_row(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
		      const struct notification *n, const struct posts_json *status,
		      const struct posts_json *account)
{
	if (n->invitation_id && !strncmp(n->type, "moka.file_", 10) &&
	    !files_may_read(app, viewer, n->invitation_id))
		return -1; /* no longer shared with them: the notification goes too */
	if ((n->post_id && !status->len) || (n->actor_id && !account->len))
		return -1;
	jw_obj_begin(w);
	jw_kid(w, "id", n->id);
	jw_kstr(w, "type", n->type);
	jw_ktime(w, "created_at", n->created_at);
	jw_kstr(w, "group_key", arena_printf(a, "ungrouped-%lld", (long long)n->id));
	jw_key(w, "account");
	if (n->actor_id)
		jw_raw(w, account->json, account->len);
	else
		jw_null(w);
	if (n->post_id) {
		jw_key(w, "status");
		jw_raw(w, status->json, status->len);
	}
	if (n->invitation_id && !strncmp(n->type, "moka.file_", 10)) {
		/* file notifications keep the file's id in invitation_id */
		jw_key(w, "moka");
		jw_obj_begin(w);
		jw_kid(w, "file_id", n->invitation_id);
		jw_key(w, "file");
		if (files_render(app, a, w, viewer, n->invitation_id) < 0)
			jw_null(w);
		jw_obj_end(w);
	} else if (n->invitation_id && !strncmp(n->type, "moka.community_", 15)) {
		/* community notifications keep the community's id in invitation_id */
		jw_key(w, "moka");
		jw_obj_begin(w);
		jw_kid(w, "community_id", n->invitation_id);
		jw_key(w, "community");
		if (communities_render(app, a, w, viewer, n->invitation_id) < 0)
			jw_null(w);
		jw_obj_end(w);
	} else if (n->invitation_id) {
		render_invitation(app, a, w, viewer, n->invitation_id);
	}
	jw_obj_end(w);
	return 0;
}

/* Renders the Statuses and Accounts of rows[0..n) in one go. */
static void render_parts(struct app *app, struct arena *a, int64_t viewer,
			 const struct notification *rows, int n, struct posts_json **status,
			 struct posts_json **account)
{
	int64_t *posts = arena_alloc(a, ((size_t)n + 1) * sizeof(*posts));
	int64_t *actors = arena_alloc(a, ((size_t)n + 1) * sizeof(*actors));
	for (int i = 0; i < n; i++) {
		posts[i] = rows[i].post_id;
		actors[i] = rows[i].actor_id;
	}
	*status = arena_alloc(a, ((size_t)n + 1) * sizeof(**status));
	*account = arena_alloc(a, ((size_t)n + 1) * sizeof(**account));
	posts_render_parts(app, a, viewer, posts, (size_t)n, *status, actors, (size_t)n, *account);
}

int notify_render(struct app *app, struct arena *a, struct jw *w, int64_t viewer, int64_t id)
{
	struct notification n;
	if (store_notification_get(store_reader(app->store), a, viewer, id, &n) != STORE_OK)
		return -1;
	struct posts_json *status, *account;
	render_parts(app, a, viewer, &n, 1, &status, &account);
	return render_row(app, a, w, viewer, &n, &status[0], &account[0]);
}

/* Rendered entries of a page, collected before writing them newest first. */
struct page_items {
	const char **json;
	size_t *len;
	int n, max;
	int64_t first_id, last_id; /* first and last row scanned, in scan order */
};

static int page_collect(struct app *app, struct arena *a, int64_t viewer,
			struct notification_range *r, struct page_items *it)
{
	struct store_conn *c = store_reader(app->store);
	int batch = it->max + 8;
	struct notification *rows = arena_alloc(a, (size_t)batch * sizeof(*rows));
	struct buf one;
	buf_init(&one, BUF_MAX_DEFAULT);
	int scanned = 0, rc = 0;
	while (it->n < it->max && scanned < NOTIFY_SCAN_MAX) {
		int got = store_notification_page(c, a, viewer, r, batch, rows);
		if (got < 0) {
			rc = -1;
			break;
		}
		/* the batch rendered together (a page and 8 more rows at most) */
		struct posts_json *status, *account;
		render_parts(app, a, viewer, rows, got, &status, &account);
		for (int i = 0; i < got && it->n < it->max; i++) {
			if (!it->first_id)
				it->first_id = rows[i].id;
			it->last_id = rows[i].id;
			buf_reset(&one);
			struct jw ow;
			jw_init(&ow, &one);
			if (render_row(app, a, &ow, viewer, &rows[i], &status[i], &account[i]) ==
			    0) {
				it->json[it->n] = arena_strndup(a, one.ptr, one.len);
				it->len[it->n++] = one.len;
			}
		}
		scanned += got;
		if (got < batch)
			break;
		if (r->oldest_first)
			r->above = rows[got - 1].id;
		else
			r->below = rows[got - 1].id;
	}
	buf_free(&one);
	return rc;
}

int notify_render_page(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
		       const struct notify_page *q, int64_t *newest, int64_t *oldest)
{
	struct notification_range r = {
	    .below = q->max_id,
	    .above = q->min_id ? q->min_id : q->since_id,
	    .oldest_first = q->min_id != 0,
	    .types = q->types,
	    .exclude = q->exclude,
	};
	int limit = q->limit > 0 ? q->limit : 1;
	struct page_items it = {
	    .json = arena_calloc(a, (size_t)limit, sizeof(char *)),
	    .len = arena_calloc(a, (size_t)limit, sizeof(size_t)),
	    .max = limit,
	};
	if (page_collect(app, a, viewer, &r, &it) < 0)
		return -1;
	jw_arr_begin(w);
	for (int i = 0; i < it.n; i++) {
		int k = r.oldest_first ? it.n - 1 - i : i;
		jw_raw(w, it.json[k], it.len[k]);
	}
	jw_arr_end(w);
	*newest = *oldest = 0;
	if (it.n > 0) {
		*newest = r.oldest_first ? it.last_id : it.first_id;
		*oldest = r.oldest_first ? it.first_id : it.last_id;
	}
	return 0;
}

int64_t notify_unread_count(struct app *app, int64_t viewer, const char *types, const char *exclude,
			    int limit)
{
	struct store_conn *c = store_reader(app->store);
	struct marker m;
	struct notification_range r = {.types = types, .exclude = exclude};
	if (store_marker_get(c, viewer, NOTIFY_MARKER_NOTIFICATIONS, &m) == STORE_OK)
		r.above = m.last_read_id;
	struct arena *a = arena_new();
	enum { BATCH = 200 };
	struct notification *rows = arena_alloc(a, BATCH * sizeof(*rows));
	int64_t count = 0;
	for (;;) {
		int got = store_notification_page(c, a, viewer, &r, BATCH, rows);
		if (got < 0) {
			count = -1;
			break;
		}
		for (int i = 0; i < got && count < limit; i++)
			if (!rows[i].post_id || audience_post_visible(app, viewer, rows[i].post_id))
				count++;
		if (got < BATCH || count >= limit)
			break;
		r.below = rows[got - 1].id;
	}
	arena_free(a);
	return count;
}

int notify_dismiss(struct app *app, int64_t viewer, int64_t id)
{
	struct tx *tx = tx_begin(app);
	if (!tx)
		return -1;
	int rc = store_notification_delete(tx_conn(tx), viewer, id);
	if (rc != STORE_OK) {
		tx_rollback(tx);
		return rc == STORE_NOT_FOUND ? 1 : -1;
	}
	return tx_commit(tx);
}

int notify_clear(struct app *app, int64_t viewer)
{
	struct tx *tx = tx_begin(app);
	if (!tx)
		return -1;
	if (store_notification_clear(tx_conn(tx), viewer) != STORE_OK) {
		tx_rollback(tx);
		return -1;
	}
	return tx_commit(tx);
}

static bool marker_known(const char *timeline)
{
	return strcmp(timeline, NOTIFY_MARKER_HOME) == 0 ||
	       strcmp(timeline, NOTIFY_MARKER_NOTIFICATIONS) == 0;
}

int notify_markers_render(struct app *app, struct jw *w, int64_t viewer,
			  const char *const *timelines, size_t n)
{
	struct store_conn *c = store_reader(app->store);
	bool home_done = false, notif_done = false;
	jw_obj_begin(w);
	for (size_t i = 0; i < n; i++) {
		const char *t = timelines[i];
		if (!marker_known(t))
			continue;
		bool *done = strcmp(t, NOTIFY_MARKER_HOME) == 0 ? &home_done : &notif_done;
		struct marker m;
		if (*done || store_marker_get(c, viewer, t, &m) != STORE_OK)
			continue;
		*done = true;
		jw_key(w, t);
		jw_obj_begin(w);
		jw_kid(w, "last_read_id", m.last_read_id);
		jw_kint(w, "version", m.version);
		jw_ktime(w, "updated_at", m.updated_at);
		jw_obj_end(w);
	}
	jw_obj_end(w);
	return 0;
}

int notify_markers_set(struct app *app, int64_t viewer, int64_t home_id, int64_t notifications_id)
{
	struct tx *tx = tx_begin(app);
	if (!tx)
		return -1;
	struct marker m;
	struct store_conn *wc = tx_conn(tx);
	if ((home_id &&
	     store_marker_set(wc, viewer, NOTIFY_MARKER_HOME, home_id, &m) != STORE_OK) ||
	    (notifications_id && store_marker_set(wc, viewer, NOTIFY_MARKER_NOTIFICATIONS,
						  notifications_id, &m) != STORE_OK)) {
		tx_rollback(tx);
		return -1;
	}
	return tx_commit(tx);
}
