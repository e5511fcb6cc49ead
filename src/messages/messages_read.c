/*
 * messages_read: the one rule of who sees a conversation and its
 * messages, and everything that reads through it — rendering (the
 * Conversation and Message entities), pages, search, unread counts and
 * the live events the hub delivers. Reads use the calling thread's reader
 * connection, so they see what is committed right now.
 */
#include "messages/messages_int.h"
#include "app/app.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/xmalloc.h"
#include "events/events.h"
#include "files/files.h"
#include "json/json_writer.h"
#include "people/people.h"
#include "store/store.h"
#include "text/text.h"

#include <stdlib.h>
#include <string.h>

/* Others' accounts shown in a conversation of a list. */
#define LIST_ACCOUNTS 8
/* Unread counts stop at this (clients show "999+"). */
#define UNREAD_CAP 1000
/* Reactions listed on a message (distinct emoji). */
#define REACTIONS_MAX 64
/* Attachments on a message. */
#define ATTACHMENTS_MAX 10

/* --- the rule ------------------------------------------------------------ */

bool messages_history_admits(bool history_visible, int64_t joined_id, int64_t id, bool deleted)
{
	return !deleted && (history_visible || id > joined_id);
}

void messages_access_on(struct store_conn *c, int64_t viewer, int64_t conversation,
			struct messages_access *acc)
{
	memset(acc, 0, sizeof(*acc));
	struct conversation_member_row m;
	int kind;
	bool history;
	if (viewer <= 0 || conversation <= 0 ||
	    store_conversation_access(c, conversation, viewer, &m, &kind, &history) != STORE_OK)
		return;
	acc->member = true;
	acc->kind = kind;
	acc->role = m.role;
	acc->joined_id = m.joined_id;
	acc->floor = history ? 0 : m.joined_id;
	acc->last_read_id = m.last_read_id;
	acc->muted = m.muted;
	acc->archived = m.archived;
	acc->history_visible = history;
}

void messages_access(struct app *app, int64_t viewer, int64_t conversation,
		     struct messages_access *acc)
{
	messages_access_on(store_reader(app->store), viewer, conversation, acc);
}

/* Loads message id if viewer may see it. */
static bool visible_row(struct app *app, struct arena *a, int64_t viewer, int64_t id,
			struct message_row *m, struct messages_access *acc)
{
	struct store_conn *c = store_reader(app->store);
	if (store_message_get(c, a, id, m) != STORE_OK)
		return false;
	messages_access_on(c, viewer, m->conversation_id, acc);
	return acc->member &&
	       messages_history_admits(acc->history_visible, acc->joined_id, id, m->deleted_at);
}

bool messages_message_visible(struct app *app, int64_t viewer, int64_t id, int64_t *conversation)
{
	struct arena *a = arena_new();
	struct message_row m;
	struct messages_access acc;
	bool ok = visible_row(app, a, viewer, id, &m, &acc);
	if (ok && conversation)
		*conversation = m.conversation_id;
	arena_free(a);
	return ok;
}

bool messages_emoji_valid(const char *s, size_t n)
{
	if (n == 0 || n > MESSAGES_EMOJI_MAX || !text_utf8_valid(s, n))
		return false;
	bool wide = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch >= 0x80)
			wide = true;
		else if (ch <= ' ' || ch == 0x7f || (ch >= 'a' && ch <= 'z') ||
			 (ch >= 'A' && ch <= 'Z'))
			return false;
	}
	/* C1 controls (U+0080..U+009F) are two bytes: C2 80..C2 9F. */
	for (size_t i = 0; i + 1 < n; i++)
		if ((unsigned char)s[i] == 0xc2 && (unsigned char)s[i + 1] < 0xa0)
			return false;
	return wide;
}

/* --- rendering ----------------------------------------------------------- */

/* "ID:username ID:username" as [{id, username, acct, url}]. */
static void render_mentions(struct app *app, struct arena *a, struct jw *w, const char *s)
{
	const char *base = app->base_url ? app->base_url : "";
	jw_arr_begin(w);
	while (s && *s) {
		const char *end = strchr(s, ' ');
		size_t n = end ? (size_t)(end - s) : strlen(s);
		const char *colon = memchr(s, ':', n);
		if (colon) {
			const char *name = arena_strndup(a, colon + 1, n - (size_t)(colon + 1 - s));
			jw_obj_begin(w);
			jw_key(w, "id");
			jw_strn(w, s, (size_t)(colon - s));
			jw_kstr(w, "username", name);
			jw_kstr(w, "acct", name);
			jw_kstr(w, "url", arena_printf(a, "%s/@%s", base, name));
			jw_obj_end(w);
		}
		s = end ? end + 1 : s + n;
	}
	jw_arr_end(w);
}

static void render_row(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
		       const struct message_row *m)
{
	struct store_conn *c = store_reader(app->store);
	jw_obj_begin(w);
	jw_kid(w, "id", m->id);
	jw_kid(w, "conversation_id", m->conversation_id);
	jw_ktime(w, "created_at", m->created_at);
	if (m->edited_at)
		jw_ktime(w, "edited_at", m->edited_at);
	else
		jw_knull(w, "edited_at");
	jw_kstr(w, "content", m->html);
	jw_kstr(w, "text", m->text);
	jw_key(w, "account");
	if (people_render_account(app, a, w, m->author_id) < 0)
		jw_null(w);
	jw_key(w, "mentions");
	render_mentions(app, a, w, m->mentions);
	struct message_reaction r[REACTIONS_MAX];
	int nr = store_message_reactions(c, a, m->id, viewer, REACTIONS_MAX, r);
	jw_key(w, "reactions");
	jw_arr_begin(w);
	for (int i = 0; i < nr; i++) {
		jw_obj_begin(w);
		jw_kstr(w, "name", r[i].emoji);
		jw_kint(w, "count", r[i].count);
		jw_kbool(w, "me", r[i].me);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	int64_t files[ATTACHMENTS_MAX];
	int nf = store_message_attachments(c, m->id, ATTACHMENTS_MAX, files);
	jw_key(w, "attachments");
	jw_arr_begin(w);
	for (int i = 0; i < nf; i++) {
		/* the file's own audience decides: never widened by the message */
		if (files_may_read(app, viewer, files[i]) &&
		    files_render(app, a, w, viewer, files[i]) == 0)
			continue;
		jw_obj_begin(w);
		jw_kid(w, "id", files[i]);
		jw_kbool(w, "restricted", true);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

int messages_render_message(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			    int64_t id)
{
	struct message_row m;
	struct messages_access acc;
	if (!visible_row(app, a, viewer, id, &m, &acc))
		return -1;
	render_row(app, a, w, viewer, &m);
	return 0;
}

/* The newest message viewer may see in conversation (0: none). */
static int64_t last_visible(struct store_conn *c, int64_t conversation, int64_t floor)
{
	int64_t id = 0;
	return store_messages_page(c, conversation, floor, 0, 0, 0, 1, &id) == 1 ? id : 0;
}

static void render_members(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			   const struct conversation_member_row *m, int n, bool full)
{
	jw_key(w, "admin_ids");
	jw_arr_begin(w);
	for (int i = 0; i < n; i++)
		if (m[i].role == CONVERSATION_ADMIN)
			jw_id(w, m[i].user_id);
	jw_arr_end(w);
	jw_key(w, "accounts"); /* the others */
	jw_arr_begin(w);
	for (int i = 0, shown = 0; i < n && (full || shown < LIST_ACCOUNTS); i++) {
		if (m[i].user_id == viewer)
			continue;
		if (people_render_account(app, a, w, m[i].user_id) == 0)
			shown++;
	}
	jw_arr_end(w);
}

int messages_render_conversation(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
				 int64_t id, bool full)
{
	struct store_conn *c = store_reader(app->store);
	struct messages_access acc;
	struct conversation_row conv;
	messages_access_on(c, viewer, id, &acc);
	if (!acc.member || store_conversation_get(c, a, id, &conv) != STORE_OK)
		return -1;
	struct conversation_member_row *m = arena_calloc(a, MESSAGES_MEMBERS_MAX + 1, sizeof(*m));
	int n = store_conversation_members(c, id, MESSAGES_MEMBERS_MAX + 1, m);
	int64_t after = acc.last_read_id > acc.floor ? acc.last_read_id : acc.floor;
	int64_t unread = store_messages_unread(c, id, viewer, after, UNREAD_CAP);
	int64_t last = last_visible(c, id, acc.floor);
	jw_obj_begin(w);
	jw_kid(w, "id", id);
	jw_kstr(w, "kind", conv.kind == CONVERSATION_GROUP ? "group" : "direct");
	jw_kstr(w, "title", conv.title);
	jw_ktime(w, "created_at", conv.created_at);
	jw_kid(w, "created_by", conv.created_by);
	jw_kbool(w, "history_visible", conv.history_visible);
	jw_kint(w, "members_count", n < 0 ? 0 : n);
	render_members(app, a, w, viewer, m, n < 0 ? 0 : n, full);
	jw_kstr(w, "role", acc.role == CONVERSATION_ADMIN ? "admin" : "member");
	jw_kbool(w, "muted", acc.muted);
	jw_kbool(w, "archived", acc.archived);
	jw_kint(w, "unread_count", unread < 0 ? 0 : unread);
	if (acc.last_read_id)
		jw_kid(w, "last_read_id", acc.last_read_id);
	else
		jw_knull(w, "last_read_id");
	jw_ktime(w, "last_activity_at", clock_id_to_ms(conv.activity_id));
	jw_key(w, "last_message");
	if (!last || messages_render_message(app, a, w, viewer, last) < 0)
		jw_null(w);
	jw_obj_end(w);
	return 0;
}

/* --- pages --------------------------------------------------------------- */

int messages_conversations_page(struct app *app, int64_t viewer, bool archived, int64_t max_id,
				int64_t since_id, int64_t min_id, int limit, int64_t *ids,
				int64_t *cursors)
{
	return store_conversations_page(store_reader(app->store), viewer, archived, max_id,
					since_id, min_id, limit, ids, cursors);
}

int messages_page(struct app *app, int64_t viewer, int64_t conversation, int64_t max_id,
		  int64_t since_id, int64_t min_id, int limit, int64_t *ids)
{
	struct messages_access acc;
	struct store_conn *c = store_reader(app->store);
	messages_access_on(c, viewer, conversation, &acc);
	if (!acc.member)
		return -1;
	return store_messages_page(c, conversation, acc.floor, max_id, since_id, min_id, limit,
				   ids);
}

int messages_search(struct app *app, int64_t viewer, const char *q, int64_t max_id, int limit,
		    int64_t *ids)
{
	return store_messages_search(store_reader(app->store), viewer, q, max_id, limit, ids);
}

int64_t messages_unread_total(struct app *app, int64_t viewer, int64_t *conversations)
{
	return store_messages_unread_total(store_reader(app->store), viewer, conversations);
}

/* --- live events --------------------------------------------------------- */

size_t messages_event_audience(struct app *app, const struct event *ev, int64_t **out)
{
	struct store_conn *c = store_reader(app->store);
	*out = NULL;
	if (ev->type == EVENT_CONVERSATION_GONE ||
	    (ev->type == EVENT_CONVERSATION && ev->user_id)) {
		*out = xmalloc(sizeof(**out));
		(*out)[0] = ev->user_id;
		return 1;
	}
	struct conversation_member_row *m =
	    xcalloc(MESSAGES_MEMBERS_MAX + 1, sizeof(*m)); /* a group holds at most 100 */
	int n = store_conversation_members(c, ev->conversation_id, MESSAGES_MEMBERS_MAX + 1, m);
	if (n > 0) {
		*out = xmalloc((size_t)n * sizeof(**out));
		for (int i = 0; i < n; i++)
			(*out)[i] = m[i].user_id;
	}
	free(m);
	return n > 0 ? (size_t)n : 0;
}

/* {"id": ..., "conversation_id": ...} */
static void ids_object(struct jw *w, int64_t id, int64_t conversation)
{
	jw_obj_begin(w);
	jw_kid(w, "id", id);
	if (conversation)
		jw_kid(w, "conversation_id", conversation);
	jw_obj_end(w);
}

int messages_event_render(struct app *app, struct arena *a, const struct event *ev, int64_t viewer,
			  const char **name, struct jw *w)
{
	struct messages_access acc;
	switch (ev->type) {
	case EVENT_MESSAGE_NEW:
	case EVENT_MESSAGE_EDIT:
		*name = ev->type == EVENT_MESSAGE_NEW ? "moka.message" : "moka.message.update";
		return messages_render_message(app, a, w, viewer, ev->message_id);
	case EVENT_MESSAGE_DELETE:
		/* to those who could have seen it */
		messages_access(app, viewer, ev->conversation_id, &acc);
		if (!acc.member || !messages_history_admits(acc.history_visible, acc.joined_id,
							    ev->message_id, false))
			return -1;
		*name = "moka.message.delete";
		ids_object(w, ev->message_id, ev->conversation_id);
		return 0;
	case EVENT_CONVERSATION:
		*name = "moka.conversation";
		return messages_render_conversation(app, a, w, viewer, ev->conversation_id, false);
	case EVENT_CONVERSATION_GONE:
		/* only while they are not a member again */
		messages_access(app, viewer, ev->conversation_id, &acc);
		if (acc.member)
			return -1;
		*name = "moka.conversation.delete";
		ids_object(w, ev->conversation_id, 0);
		return 0;
	default:
		return -1;
	}
}
