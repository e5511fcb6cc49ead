/*
 * messages: the operations — start a conversation, settings, add and
 * remove people, leave, mute, archive, read markers, send, edit, delete,
 * react. Each is one transaction; its decisions read the store through
 * the writer connection after tx_begin, so they see every committed write
 * (two admins removing each other at once cannot leave a group without
 * one). Live events are queued with the transaction and go out after the
 * commit. The rules are in messages.h.
 */
#include "messages/messages_int.h"
#include "app/app.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/clock.h"
#include "events/events.h"
#include "files/files.h"
#include "store/store.h"
#include "text/text.h"

#include <stdatomic.h>
#include <string.h>

/* An Idempotency-Key is honoured for this long. */
#define IDEMPOTENCY_MS (3600 * 1000)

/* --- small helpers ------------------------------------------------------- */

static enum messages_rc finish(struct tx *tx, enum messages_rc rc)
{
	if (rc != MESSAGES_OK) {
		tx_rollback(tx);
		return rc;
	}
	return tx_commit(tx) < 0 ? MESSAGES_ERROR : MESSAGES_OK;
}

/* A time-ordered id above every message and activity id stored (ids are
 * made from the clock; after a restart with the clock set back, the first
 * write lifts the floor above what the store holds). */
static int64_t next_id(struct tx *tx)
{
	static atomic_bool floored;
	if (!atomic_load(&floored)) {
		int64_t max = store_messages_max_id(tx_conn(tx));
		if (max > 0)
			clock_id_floor(max);
		atomic_store(&floored, true);
	}
	return clock_id_next();
}

static void publish(struct tx *tx, enum event_type type, int64_t conversation, int64_t message,
		    int64_t user)
{
	struct event ev = {
	    .type = type, .conversation_id = conversation, .message_id = message, .user_id = user};
	tx_publish(tx, &ev);
}

/* The access of viewer inside tx; NOT_FOUND unless a member. */
static enum messages_rc member_in(struct tx *tx, int64_t viewer, int64_t id,
				  struct messages_access *acc)
{
	messages_access_on(tx_conn(tx), viewer, id, acc);
	return acc->member ? MESSAGES_OK : MESSAGES_NOT_FOUND;
}

static bool active_user(struct tx *tx, struct arena *a, int64_t id)
{
	struct user u;
	return store_user_get(tx_conn(tx), a, id, &u) == STORE_OK && u.active;
}

static int add_member(struct tx *tx, int64_t id, int64_t user, int role, int64_t joined_id,
		      int64_t by)
{
	struct conversation_member_row m = {.conversation_id = id,
					    .user_id = user,
					    .role = role,
					    .joined_id = joined_id,
					    .joined_at = clock_now_ms(),
					    .added_by = by};
	return store_conversation_member_put(tx_conn(tx), &m) == STORE_OK ? 0 : -1;
}

/* After someone left or was removed: a group with members but no admin
 * makes its longest-standing member admin. 0 or -1. */
static int keep_an_admin(struct tx *tx, int64_t id)
{
	struct conversation_member_row *m =
	    arena_calloc(tx_arena(tx), MESSAGES_MEMBERS_MAX, sizeof(*m));
	int n = store_conversation_members(tx_conn(tx), id, MESSAGES_MEMBERS_MAX, m);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (m[i].role == CONVERSATION_ADMIN)
			return 0;
	if (n == 0)
		return 0;
	return store_conversation_member_flag(tx_conn(tx), id, m[0].user_id, CONV_FLAG_ROLE,
					      CONVERSATION_ADMIN) == STORE_OK
		   ? 0
		   : -1;
}

/* A group title: one line of valid text, at most MESSAGES_TITLE_MAX bytes. */
static bool title_ok(const char *t)
{
	size_t n = strlen(t);
	const char *why;
	if (n > MESSAGES_TITLE_MAX || text_check_post(t, n, 0, &why) < 0)
		return false;
	return !strpbrk(t, "\n\t\r");
}

/* Sorted, deduplicated ids without self; the count. */
static size_t others_of(struct arena *a, const int64_t *in, size_t n, int64_t self, int64_t **out)
{
	int64_t *v = arena_alloc(a, (n + 1) * sizeof(*v));
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		bool dup = in[i] == self;
		for (size_t j = 0; j < k && !dup; j++)
			dup = v[j] == in[i];
		if (!dup)
			v[k++] = in[i];
	}
	*out = v;
	return k;
}

/* --- conversations ------------------------------------------------------- */

static enum messages_rc direct_open(struct tx *tx, struct arena *a, int64_t viewer, int64_t other,
				    int64_t *id, bool *created)
{
	int64_t lo = viewer < other ? viewer : other, hi = viewer < other ? other : viewer;
	const char *key = arena_printf(a, "%lld:%lld", (long long)lo, (long long)hi);
	if (store_conversation_by_pair(tx_conn(tx), key, id) == STORE_OK) {
		*created = false; /* reused; brought back from viewer's archive */
		store_conversation_member_flag(tx_conn(tx), *id, viewer, CONV_FLAG_ARCHIVED, 0);
		publish(tx, EVENT_CONVERSATION, *id, 0, viewer);
		return MESSAGES_OK;
	}
	struct conversation_row c = {.kind = CONVERSATION_DIRECT,
				     .pair_key = key,
				     .created_by = viewer,
				     .created_at = clock_now_ms(),
				     .activity_id = next_id(tx)};
	if (store_conversation_insert(tx_conn(tx), &c) != STORE_OK ||
	    add_member(tx, c.id, viewer, CONVERSATION_MEMBER, 0, viewer) < 0 ||
	    add_member(tx, c.id, other, CONVERSATION_MEMBER, 0, viewer) < 0)
		return MESSAGES_ERROR;
	*id = c.id;
	*created = true;
	publish(tx, EVENT_CONVERSATION, c.id, 0, 0);
	return MESSAGES_OK;
}

enum messages_rc messages_conversation_create(struct app *app, struct arena *a, int64_t viewer,
					      const struct conversation_input *in, int64_t *id,
					      bool *created, const char **why)
{
	int64_t *others;
	size_t n = others_of(a, in->accounts, in->n_accounts, viewer, &others);
	*created = false;
	if (n == 0) {
		*why = "account_ids: name at least one person other than yourself";
		return MESSAGES_INVALID;
	}
	if (n + 1 > MESSAGES_MEMBERS_MAX) {
		*why = "account_ids: a conversation holds at most 100 people";
		return MESSAGES_INVALID;
	}
	bool group = in->group || n > 1 || (in->title && *in->title); /* a title makes a group */
	if (in->title && *in->title && !title_ok(in->title)) {
		*why = "title: one line of at most 200 bytes";
		return MESSAGES_INVALID;
	}
	struct tx *tx = tx_begin(app);
	if (!tx)
		return MESSAGES_ERROR;
	for (size_t i = 0; i < n; i++) {
		if (!active_user(tx, a, others[i])) {
			*why = arena_printf(a, "account_ids: no such person (%lld)",
					    (long long)others[i]);
			return finish(tx, MESSAGES_NOT_FOUND);
		}
	}
	if (!group)
		return finish(tx, direct_open(tx, a, viewer, others[0], id, created));
	struct conversation_row c = {.kind = CONVERSATION_GROUP,
				     .title = in->title,
				     .history_visible = in->history_visible,
				     .created_by = viewer,
				     .created_at = clock_now_ms(),
				     .activity_id = next_id(tx)};
	if (store_conversation_insert(tx_conn(tx), &c) != STORE_OK ||
	    add_member(tx, c.id, viewer, CONVERSATION_ADMIN, 0, viewer) < 0)
		return finish(tx, MESSAGES_ERROR);
	for (size_t i = 0; i < n; i++)
		if (add_member(tx, c.id, others[i], CONVERSATION_MEMBER, 0, viewer) < 0)
			return finish(tx, MESSAGES_ERROR);
	publish(tx, EVENT_CONVERSATION, c.id, 0, 0);
	*id = c.id;
	*created = true;
	return finish(tx, MESSAGES_OK);
}

/* Loads viewer's access to group id inside tx: NOT_FOUND for non-members,
 * INVALID (with *why) for a one-to-one conversation. */
static enum messages_rc group_in(struct tx *tx, int64_t viewer, int64_t id,
				 struct messages_access *acc, const char **why)
{
	enum messages_rc rc = member_in(tx, viewer, id, acc);
	if (rc == MESSAGES_OK && acc->kind != CONVERSATION_GROUP) {
		*why = "a one-to-one conversation keeps its two people: start a group instead";
		rc = MESSAGES_INVALID;
	}
	return rc;
}

enum messages_rc messages_conversation_update(struct app *app, struct arena *a, int64_t viewer,
					      int64_t id, const char *title, bool has_history,
					      bool history_visible, const char **why)
{
	if (title && *title && !title_ok(title)) {
		*why = "title: one line of at most 200 bytes";
		return MESSAGES_INVALID;
	}
	struct tx *tx = tx_begin(app);
	if (!tx)
		return MESSAGES_ERROR;
	struct messages_access acc;
	struct conversation_row c;
	enum messages_rc rc = group_in(tx, viewer, id, &acc, why);
	if (rc == MESSAGES_OK && acc.role != CONVERSATION_ADMIN) {
		*why = "Only the group's admins may change its settings";
		rc = MESSAGES_FORBIDDEN;
	}
	if (rc == MESSAGES_OK && store_conversation_get(tx_conn(tx), a, id, &c) != STORE_OK)
		rc = MESSAGES_ERROR;
	if (rc != MESSAGES_OK)
		return finish(tx, rc);
	if (title)
		c.title = title;
	if (has_history)
		c.history_visible = history_visible;
	if (store_conversation_update(tx_conn(tx), &c) != STORE_OK)
		return finish(tx, MESSAGES_ERROR);
	publish(tx, EVENT_CONVERSATION, id, 0, 0);
	return finish(tx, MESSAGES_OK);
}

enum messages_rc messages_members_add(struct app *app, struct arena *a, int64_t viewer, int64_t id,
				      const int64_t *users, size_t n_users, const char **why)
{
	int64_t *add;
	size_t n = others_of(a, users, n_users, viewer, &add);
	if (n == 0) {
		*why = "account_ids: name at least one person other than yourself";
		return MESSAGES_INVALID;
	}
	struct tx *tx = tx_begin(app);
	if (!tx)
		return MESSAGES_ERROR;
	struct messages_access acc;
	enum messages_rc rc = group_in(tx, viewer, id, &acc, why);
	if (rc != MESSAGES_OK)
		return finish(tx, rc);
	int count = store_conversation_member_count(tx_conn(tx), id);
	size_t fresh = 0;
	for (size_t i = 0; i < n; i++) {
		struct conversation_member_row m;
		if (store_conversation_member_get(tx_conn(tx), id, add[i], &m) != STORE_OK)
			add[fresh++] = add[i]; /* not in yet */
	}
	if (count < 0 || (size_t)count + fresh > MESSAGES_MEMBERS_MAX) {
		*why = arena_printf(a, "account_ids: a group holds at most %d people (it has %d)",
				    MESSAGES_MEMBERS_MAX, count);
		return finish(tx, count < 0 ? MESSAGES_ERROR : MESSAGES_INVALID);
	}
	for (size_t i = 0; i < fresh; i++) {
		if (!active_user(tx, a, add[i])) {
			*why = arena_printf(a, "account_ids: no such person (%lld)",
					    (long long)add[i]);
			return finish(tx, MESSAGES_NOT_FOUND);
		}
	}
	if (fresh == 0)
		return finish(tx, MESSAGES_OK);
	int64_t joined = next_id(tx);
	for (size_t i = 0; i < fresh; i++)
		if (add_member(tx, id, add[i], CONVERSATION_MEMBER, joined, viewer) < 0)
			return finish(tx, MESSAGES_ERROR);
	if (store_conversation_touch(tx_conn(tx), id, joined) != STORE_OK)
		return finish(tx, MESSAGES_ERROR);
	publish(tx, EVENT_CONVERSATION, id, 0, 0);
	return finish(tx, MESSAGES_OK);
}

/* Takes user out of group id (the caller checked who may). */
static enum messages_rc take_out(struct tx *tx, int64_t id, int64_t user)
{
	int rc = store_conversation_member_delete(tx_conn(tx), id, user);
	if (rc == STORE_NOT_FOUND)
		return MESSAGES_NOT_FOUND;
	if (rc != STORE_OK || keep_an_admin(tx, id) < 0)
		return MESSAGES_ERROR;
	publish(tx, EVENT_CONVERSATION_GONE, id, 0, user);
	publish(tx, EVENT_CONVERSATION, id, 0, 0);
	return MESSAGES_OK;
}

enum messages_rc messages_member_remove(struct app *app, int64_t viewer, int64_t id, int64_t user,
					const char **why)
{
	struct tx *tx = tx_begin(app);
	if (!tx)
		return MESSAGES_ERROR;
	struct messages_access acc;
	enum messages_rc rc = group_in(tx, viewer, id, &acc, why);
	if (rc == MESSAGES_OK && user != viewer && acc.role != CONVERSATION_ADMIN) {
		*why = "Only the group's admins may remove people";
		rc = MESSAGES_FORBIDDEN;
	}
	if (rc == MESSAGES_OK)
		rc = take_out(tx, id, user);
	return finish(tx, rc);
}

enum messages_rc messages_leave(struct app *app, int64_t viewer, int64_t id, const char **why)
{
	struct tx *tx = tx_begin(app);
	if (!tx)
		return MESSAGES_ERROR;
	struct messages_access acc;
	enum messages_rc rc = group_in(tx, viewer, id, &acc, why);
	if (rc == MESSAGES_INVALID)
		*why = "a one-to-one conversation cannot be left: archive or mute it";
	if (rc == MESSAGES_OK)
		rc = take_out(tx, id, viewer);
	return finish(tx, rc);
}

static enum messages_rc set_flag(struct app *app, int64_t viewer, int64_t id,
				 enum conversation_flag flag, bool on)
{
	struct tx *tx = tx_begin(app);
	if (!tx)
		return MESSAGES_ERROR;
	struct messages_access acc;
	enum messages_rc rc = member_in(tx, viewer, id, &acc);
	if (rc == MESSAGES_OK &&
	    store_conversation_member_flag(tx_conn(tx), id, viewer, flag, on) != STORE_OK)
		rc = MESSAGES_ERROR;
	if (rc == MESSAGES_OK)
		publish(tx, EVENT_CONVERSATION, id, 0, viewer);
	return finish(tx, rc);
}

enum messages_rc messages_set_muted(struct app *app, int64_t viewer, int64_t id, bool muted)
{
	return set_flag(app, viewer, id, CONV_FLAG_MUTED, muted);
}

enum messages_rc messages_set_archived(struct app *app, int64_t viewer, int64_t id, bool archived)
{
	return set_flag(app, viewer, id, CONV_FLAG_ARCHIVED, archived);
}

enum messages_rc messages_mark_read(struct app *app, int64_t viewer, int64_t id,
				    int64_t last_read_id)
{
	struct tx *tx = tx_begin(app);
	if (!tx)
		return MESSAGES_ERROR;
	struct messages_access acc;
	enum messages_rc rc = member_in(tx, viewer, id, &acc);
	if (rc != MESSAGES_OK)
		return finish(tx, rc);
	int64_t newest = 0;
	if (store_messages_page(tx_conn(tx), id, 0, 0, 0, 0, 1, &newest) < 0)
		return finish(tx, MESSAGES_ERROR);
	if (!last_read_id || last_read_id > newest)
		last_read_id = newest; /* never past what exists */
	if (store_conversation_member_read(tx_conn(tx), id, viewer, last_read_id) != STORE_OK)
		return finish(tx, MESSAGES_ERROR);
	publish(tx, EVENT_CONVERSATION, id, 0, viewer);
	return finish(tx, MESSAGES_OK);
}

/* --- messages ------------------------------------------------------------ */

struct resolver {
	struct store_conn *c;
	struct arena *a;
};

/* text_render's mention resolver: active people, by username. */
static int resolve_person(void *ctx, const char *name, size_t len, int64_t *id,
			  const char **canonical)
{
	struct resolver *r = ctx;
	struct user u;
	if (store_user_by_username(r->c, r->a, arena_strndup(r->a, name, len), &u) != STORE_OK ||
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

/* Checks and renders a message's text into m (text, html, mentions). */
static enum messages_rc prepare_text(struct app *app, struct arena *a, const char *text, size_t len,
				     bool may_be_blank, struct message_row *m, const char **why)
{
	const char *reason;
	size_t chars = text_utf8_chars(text, len);
	if (chars > MESSAGES_TEXT_MAX) {
		*why = arena_printf(a, "text: %zu characters, longer than the limit of %d", chars,
				    MESSAGES_TEXT_MAX);
		return MESSAGES_INVALID;
	}
	if (text_check_post(text, len, MESSAGES_TEXT_MAX, &reason) < 0) {
		*why = arena_printf(a, "text: %s", reason);
		return MESSAGES_INVALID;
	}
	if (!may_be_blank && blank(text, len)) {
		*why = "text: can't be blank";
		return MESSAGES_INVALID;
	}
	struct resolver rs = {store_reader(app->store), a};
	struct text_opts o = {
	    .base_url = app->base_url, .resolve = resolve_person, .resolve_ctx = &rs};
	struct text_rendered r;
	if (text_render(a, text, len, &o, &r) < 0) {
		*why = "text: cannot be rendered";
		return MESSAGES_INVALID;
	}
	struct buf mentions;
	buf_init(&mentions, 64 * 1024);
	for (size_t i = 0; i < r.mentions_len; i++)
		buf_printf(&mentions, "%s%lld:%s", i ? " " : "", (long long)r.mentions[i].user_id,
			   r.mentions[i].username);
	m->mentions = arena_strndup(a, mentions.ptr ? mentions.ptr : "", mentions.len);
	buf_free(&mentions);
	m->text = arena_strndup(a, text, len);
	m->html = r.html;
	return MESSAGES_OK;
}

enum messages_rc messages_send(struct app *app, struct arena *a, int64_t viewer,
			       int64_t conversation, const struct message_input *in, int64_t *msg,
			       const char **why)
{
	struct message_row m = {.conversation_id = conversation, .author_id = viewer};
	if (in->idempotency_key && strlen(in->idempotency_key) > MESSAGES_KEY_MAX) {
		*why = "Idempotency-Key: too long";
		return MESSAGES_INVALID;
	}
	if (in->n_files > MESSAGES_FILES_MAX) {
		*why = "file_ids: at most 10 files";
		return MESSAGES_INVALID;
	}
	if (in->n_files &&
	    files_check_attachable(app, a, viewer, in->files, in->n_files, why) != FILES_OK)
		return MESSAGES_INVALID;
	enum messages_rc rc =
	    prepare_text(app, a, in->text, in->text_len, in->n_files > 0, &m, why);
	if (rc != MESSAGES_OK)
		return rc;
	struct tx *tx = tx_begin(app);
	if (!tx)
		return MESSAGES_ERROR;
	struct messages_access acc;
	if ((rc = member_in(tx, viewer, conversation, &acc)) != MESSAGES_OK)
		return finish(tx, rc);
	if (in->idempotency_key &&
	    store_message_by_idempotency(tx_conn(tx), viewer, in->idempotency_key,
					 clock_now_ms() - IDEMPOTENCY_MS, msg) == STORE_OK) {
		tx_rollback(tx); /* a retry: the message it sent */
		return MESSAGES_OK;
	}
	m.id = next_id(tx);
	m.created_at = clock_now_ms();
	m.idempotency_key = in->idempotency_key;
	struct store_conn *w = tx_conn(tx);
	if (store_message_insert(w, &m) != STORE_OK ||
	    store_conversation_touch(w, conversation, m.id) != STORE_OK ||
	    store_conversation_member_read(w, conversation, viewer, m.id) != STORE_OK ||
	    store_conversation_unarchive_unmuted(w, conversation) != STORE_OK)
		return finish(tx, MESSAGES_ERROR);
	for (size_t i = 0; i < in->n_files; i++)
		if (store_message_attachment_add(w, m.id, (int)i, in->files[i]) != STORE_OK)
			return finish(tx, MESSAGES_ERROR);
	publish(tx, EVENT_MESSAGE_NEW, conversation, m.id, viewer);
	*msg = m.id;
	return finish(tx, MESSAGES_OK);
}

/* Loads message id inside tx: NOT_FOUND unless viewer may see it,
 * FORBIDDEN (with *why) when own is asked and it is someone else's. */
static enum messages_rc message_in(struct tx *tx, struct arena *a, int64_t viewer, int64_t id,
				   bool own, struct message_row *m, const char **why)
{
	struct messages_access acc;
	if (store_message_get(tx_conn(tx), a, id, m) != STORE_OK)
		return MESSAGES_NOT_FOUND;
	messages_access_on(tx_conn(tx), viewer, m->conversation_id, &acc);
	if (!acc.member ||
	    !messages_history_admits(acc.history_visible, acc.joined_id, id, m->deleted_at != 0))
		return MESSAGES_NOT_FOUND;
	if (own && m->author_id != viewer) {
		*why = "Only its author may change a message";
		return MESSAGES_FORBIDDEN;
	}
	return MESSAGES_OK;
}

enum messages_rc messages_edit(struct app *app, struct arena *a, int64_t viewer, int64_t msg,
			       const char *text, size_t len, const char **why)
{
	struct message_row fresh = {.id = msg};
	enum messages_rc rc = prepare_text(app, a, text, len, false, &fresh, why);
	if (rc != MESSAGES_OK)
		return rc;
	struct tx *tx = tx_begin(app);
	if (!tx)
		return MESSAGES_ERROR;
	struct message_row m;
	if ((rc = message_in(tx, a, viewer, msg, true, &m, why)) != MESSAGES_OK)
		return finish(tx, rc);
	fresh.edited_at = clock_now_ms();
	if (store_message_edit(tx_conn(tx), &fresh) != STORE_OK)
		return finish(tx, MESSAGES_ERROR);
	publish(tx, EVENT_MESSAGE_EDIT, m.conversation_id, msg, viewer);
	return finish(tx, MESSAGES_OK);
}

enum messages_rc messages_delete(struct app *app, int64_t viewer, int64_t msg)
{
	struct tx *tx = tx_begin(app);
	if (!tx)
		return MESSAGES_ERROR;
	struct message_row m;
	const char *why;
	enum messages_rc rc = message_in(tx, tx_arena(tx), viewer, msg, true, &m, &why);
	if (rc != MESSAGES_OK)
		return finish(tx, rc);
	if (store_message_delete(tx_conn(tx), msg, clock_now_ms()) != STORE_OK)
		return finish(tx, MESSAGES_ERROR);
	publish(tx, EVENT_MESSAGE_DELETE, m.conversation_id, msg, viewer);
	return finish(tx, MESSAGES_OK);
}

enum messages_rc messages_react(struct app *app, int64_t viewer, int64_t msg, const char *emoji,
				bool *on, const char **why)
{
	if (!messages_emoji_valid(emoji, strlen(emoji))) {
		*why = "emoji: expected one emoji";
		return MESSAGES_INVALID;
	}
	struct tx *tx = tx_begin(app);
	if (!tx)
		return MESSAGES_ERROR;
	struct message_row m;
	enum messages_rc rc = message_in(tx, tx_arena(tx), viewer, msg, false, &m, why);
	if (rc != MESSAGES_OK)
		return finish(tx, rc);
	if (store_message_reaction_toggle(tx_conn(tx), msg, viewer, emoji, clock_now_ms(), on) !=
	    STORE_OK)
		return finish(tx, MESSAGES_ERROR);
	if (*on &&
	    store_message_reactions_by(tx_conn(tx), msg, viewer) > MESSAGES_REACTIONS_PER_PERSON) {
		*why = "emoji: at most 20 reactions per person on a message";
		return finish(tx, MESSAGES_INVALID);
	}
	publish(tx, EVENT_MESSAGE_EDIT, m.conversation_id, msg, viewer);
	return finish(tx, MESSAGES_OK);
}
