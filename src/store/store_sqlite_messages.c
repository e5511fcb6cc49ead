/* store_sqlite_messages: conversations, members, messages, reactions and
 * attachments in SQLite (schema: store_schema_messages.c). */
#include "store/store_sqlite_int.h"

#include <string.h>

#define CONV_COLS "id, kind, title, pair_key, history_visible, created_by, created_at, activity_id"
#define MEMBER_COLS                                                                                \
	"conversation_id, user_id, role, joined_id, joined_at, added_by, last_read_id, muted,"     \
	" archived"
#define MESSAGE_COLS                                                                               \
	"id, conversation_id, author_id, text, html, mentions, created_at, edited_at,"             \
	" deleted_at, idempotency_key"

/* Collects column 0 of every row (and column 1 into second if not NULL). */
static int ids_out(sqlite3_stmt *st, int limit, int64_t *ids, int64_t *second)
{
	int n = 0, rc;
	while (n < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		ids[n] = sqlite3_column_int64(st, 0);
		if (second)
			second[n] = sqlite3_column_int64(st, 1);
		n++;
	}
	sqlite3_reset(st);
	return n;
}

/* Reverses the first n ids (an ascending min_id page, returned newest first). */
static void reverse(int64_t *v, int n)
{
	for (int i = 0, j = n - 1; v && i < j; i++, j--) {
		int64_t t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
}

int store_conversation_insert(struct store_conn *w, struct conversation_row *c)
{
	sqlite3_stmt *st = sq_stmt(w, "INSERT INTO conversations (kind, title, pair_key,"
				      " history_visible, created_by, created_at, activity_id)"
				      " VALUES (?,?,?,?,?,?,?)");
	sq_int(st, 1, c->kind);
	sq_text(st, 2, c->title ? c->title : "");
	sq_text(st, 3, c->pair_key);
	sq_int(st, 4, c->history_visible);
	sq_int(st, 5, c->created_by);
	sq_int(st, 6, c->created_at);
	sq_int(st, 7, c->activity_id);
	int rc = sq_exec(w, st);
	if (rc == STORE_OK)
		c->id = sqlite3_last_insert_rowid(w->db);
	return rc;
}

int store_conversation_get(struct store_conn *c, struct arena *a, int64_t id,
			   struct conversation_row *out)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT " CONV_COLS " FROM conversations WHERE id = ?");
	sq_int(st, 1, id);
	int rc = sq_one_row(st);
	if (rc != STORE_OK)
		return rc;
	out->id = sqlite3_column_int64(st, 0);
	out->kind = sqlite3_column_int(st, 1);
	out->title = sq_col_text(a, st, 2);
	out->pair_key = sq_col_text(a, st, 3);
	out->history_visible = sqlite3_column_int(st, 4) != 0;
	out->created_by = sqlite3_column_int64(st, 5);
	out->created_at = sqlite3_column_int64(st, 6);
	out->activity_id = sqlite3_column_int64(st, 7);
	sqlite3_reset(st);
	return STORE_OK;
}

int store_conversation_by_pair(struct store_conn *c, const char *pair_key, int64_t *id)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT id FROM conversations WHERE pair_key = ?");
	sq_text(st, 1, pair_key);
	int rc = sq_one_row(st);
	if (rc != STORE_OK)
		return rc;
	*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return STORE_OK;
}

int store_conversation_update(struct store_conn *w, const struct conversation_row *c)
{
	sqlite3_stmt *st =
	    sq_stmt(w, "UPDATE conversations SET title = ?2, history_visible = ?3 WHERE id = ?1");
	sq_int(st, 1, c->id);
	sq_text(st, 2, c->title ? c->title : "");
	sq_int(st, 3, c->history_visible);
	return sq_changed_or_not_found(w, sq_exec(w, st));
}

int store_conversation_touch(struct store_conn *w, int64_t id, int64_t activity_id)
{
	sqlite3_stmt *st = sq_stmt(w, "UPDATE conversations SET activity_id = ?2 WHERE id = ?1");
	sq_int(st, 1, id);
	sq_int(st, 2, activity_id);
	return sq_changed_or_not_found(w, sq_exec(w, st));
}

int store_conversation_member_put(struct store_conn *w, const struct conversation_member_row *m)
{
	sqlite3_stmt *st = sq_stmt(w, "INSERT OR REPLACE INTO conversation_members (" MEMBER_COLS
				      ") VALUES (?,?,?,?,?,?,?,?,?)");
	sq_int(st, 1, m->conversation_id);
	sq_int(st, 2, m->user_id);
	sq_int(st, 3, m->role);
	sq_int(st, 4, m->joined_id);
	sq_int(st, 5, m->joined_at);
	sq_id(st, 6, m->added_by);
	sq_int(st, 7, m->last_read_id);
	sq_int(st, 8, m->muted);
	sq_int(st, 9, m->archived);
	return sq_exec(w, st);
}

static void member_row(sqlite3_stmt *st, struct conversation_member_row *m)
{
	m->conversation_id = sqlite3_column_int64(st, 0);
	m->user_id = sqlite3_column_int64(st, 1);
	m->role = sqlite3_column_int(st, 2);
	m->joined_id = sqlite3_column_int64(st, 3);
	m->joined_at = sqlite3_column_int64(st, 4);
	m->added_by = sqlite3_column_int64(st, 5);
	m->last_read_id = sqlite3_column_int64(st, 6);
	m->muted = sqlite3_column_int(st, 7) != 0;
	m->archived = sqlite3_column_int(st, 8) != 0;
}

int store_conversation_member_get(struct store_conn *c, int64_t conversation, int64_t user,
				  struct conversation_member_row *out)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT " MEMBER_COLS " FROM conversation_members"
				      " WHERE conversation_id = ? AND user_id = ?");
	sq_int(st, 1, conversation);
	sq_int(st, 2, user);
	int rc = sq_one_row(st);
	if (rc != STORE_OK)
		return rc;
	member_row(st, out);
	sqlite3_reset(st);
	return STORE_OK;
}

int store_conversation_access(struct store_conn *c, int64_t conversation, int64_t user,
			      struct conversation_member_row *m, int *kind, bool *history_visible)
{
	sqlite3_stmt *st =
	    sq_stmt(c, "SELECT m.conversation_id, m.user_id, m.role, m.joined_id,"
		       " m.joined_at, m.added_by, m.last_read_id, m.muted, m.archived,"
		       " c.kind, c.history_visible FROM conversation_members m"
		       " JOIN conversations c ON c.id = m.conversation_id"
		       " WHERE m.conversation_id = ? AND m.user_id = ?");
	sq_int(st, 1, conversation);
	sq_int(st, 2, user);
	int rc = sq_one_row(st);
	if (rc != STORE_OK)
		return rc;
	member_row(st, m);
	*kind = sqlite3_column_int(st, 9);
	*history_visible = sqlite3_column_int(st, 10) != 0;
	sqlite3_reset(st);
	return STORE_OK;
}

int store_conversation_member_delete(struct store_conn *w, int64_t conversation, int64_t user)
{
	sqlite3_stmt *st = sq_stmt(
	    w, "DELETE FROM conversation_members WHERE conversation_id = ? AND user_id = ?");
	sq_int(st, 1, conversation);
	sq_int(st, 2, user);
	return sq_changed_or_not_found(w, sq_exec(w, st));
}

int store_conversation_member_flag(struct store_conn *w, int64_t conversation, int64_t user,
				   enum conversation_flag flag, int value)
{
	static const char *const sql[] = {
	    [CONV_FLAG_ROLE] = "UPDATE conversation_members SET role = ?3"
			       " WHERE conversation_id = ?1 AND user_id = ?2",
	    [CONV_FLAG_MUTED] = "UPDATE conversation_members SET muted = ?3"
				" WHERE conversation_id = ?1 AND user_id = ?2",
	    [CONV_FLAG_ARCHIVED] = "UPDATE conversation_members SET archived = ?3"
				   " WHERE conversation_id = ?1 AND user_id = ?2",
	};
	sqlite3_stmt *st = sq_stmt(w, sql[flag]);
	sq_int(st, 1, conversation);
	sq_int(st, 2, user);
	sq_int(st, 3, value);
	int rc = sq_exec(w, st);
	if (rc == STORE_OK && sqlite3_changes(w->db) == 0) {
		/* unchanged value, or no such member */
		struct conversation_member_row m;
		return store_conversation_member_get(w, conversation, user, &m);
	}
	return rc;
}

int store_conversation_member_read(struct store_conn *w, int64_t conversation, int64_t user,
				   int64_t last_read_id)
{
	sqlite3_stmt *st = sq_stmt(w, "UPDATE conversation_members SET last_read_id = ?3"
				      " WHERE conversation_id = ?1 AND user_id = ?2"
				      " AND last_read_id < ?3");
	sq_int(st, 1, conversation);
	sq_int(st, 2, user);
	sq_int(st, 3, last_read_id);
	return sq_exec(w, st);
}

int store_conversation_members(struct store_conn *c, int64_t conversation, int max,
			       struct conversation_member_row *out)
{
	sqlite3_stmt *st =
	    sq_stmt(c, "SELECT " MEMBER_COLS " FROM conversation_members"
		       " WHERE conversation_id = ? ORDER BY joined_id, user_id LIMIT ?");
	sq_int(st, 1, conversation);
	sq_int(st, 2, max);
	int n = 0, rc;
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		member_row(st, &out[n++]);
	sqlite3_reset(st);
	return n;
}

int store_conversation_member_count(struct store_conn *c, int64_t conversation)
{
	sqlite3_stmt *st =
	    sq_stmt(c, "SELECT COUNT(*) FROM conversation_members WHERE conversation_id = ?");
	sq_int(st, 1, conversation);
	if (sq_one_row(st) != STORE_OK)
		return -1;
	int n = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return n;
}

int store_conversation_unarchive_unmuted(struct store_conn *w, int64_t conversation)
{
	sqlite3_stmt *st = sq_stmt(w, "UPDATE conversation_members SET archived = 0"
				      " WHERE conversation_id = ? AND archived = 1 AND muted = 0");
	sq_int(st, 1, conversation);
	return sq_exec(w, st);
}

int store_conversations_page(struct store_conn *c, int64_t user, bool archived, int64_t max_id,
			     int64_t since_id, int64_t min_id, int limit, int64_t *ids,
			     int64_t *activity)
{
	const char *desc = "SELECT c.id, c.activity_id FROM conversation_members m"
			   " JOIN conversations c ON c.id = m.conversation_id"
			   " WHERE m.user_id = ?1 AND m.archived = ?2 AND c.activity_id < ?3"
			   " AND c.activity_id > ?4 ORDER BY c.activity_id DESC LIMIT ?5";
	const char *asc = "SELECT c.id, c.activity_id FROM conversation_members m"
			  " JOIN conversations c ON c.id = m.conversation_id"
			  " WHERE m.user_id = ?1 AND m.archived = ?2 AND c.activity_id < ?3"
			  " AND c.activity_id > ?4 ORDER BY c.activity_id ASC LIMIT ?5";
	sqlite3_stmt *st = sq_stmt(c, min_id ? asc : desc);
	sq_int(st, 1, user);
	sq_int(st, 2, archived);
	sq_int(st, 3, max_id > 0 ? max_id : INT64_MAX);
	sq_int(st, 4, min_id ? min_id : since_id);
	sq_int(st, 5, limit);
	int n = ids_out(st, limit, ids, activity);
	if (min_id) {
		reverse(ids, n);
		reverse(activity, n);
	}
	return n;
}

int store_message_insert(struct store_conn *w, const struct message_row *m)
{
	sqlite3_stmt *st = sq_stmt(w, "INSERT INTO messages (" MESSAGE_COLS
				      ") VALUES (?,?,?,?,?,?,?,NULL,NULL,?)");
	sq_int(st, 1, m->id);
	sq_int(st, 2, m->conversation_id);
	sq_int(st, 3, m->author_id);
	sq_text(st, 4, m->text);
	sq_text(st, 5, m->html);
	sq_text(st, 6, m->mentions ? m->mentions : "");
	sq_int(st, 7, m->created_at);
	sq_text(st, 8, m->idempotency_key);
	return sq_exec(w, st);
}

int store_message_get(struct store_conn *c, struct arena *a, int64_t id, struct message_row *out)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT " MESSAGE_COLS " FROM messages WHERE id = ?");
	sq_int(st, 1, id);
	int rc = sq_one_row(st);
	if (rc != STORE_OK)
		return rc;
	out->id = sqlite3_column_int64(st, 0);
	out->conversation_id = sqlite3_column_int64(st, 1);
	out->author_id = sqlite3_column_int64(st, 2);
	out->text = sq_col_text(a, st, 3);
	out->html = sq_col_text(a, st, 4);
	out->mentions = sq_col_text(a, st, 5);
	out->created_at = sqlite3_column_int64(st, 6);
	out->edited_at = sqlite3_column_int64(st, 7);
	out->deleted_at = sqlite3_column_int64(st, 8);
	out->idempotency_key = sq_col_text(a, st, 9);
	sqlite3_reset(st);
	return STORE_OK;
}

int store_message_by_idempotency(struct store_conn *w, int64_t author, const char *key,
				 int64_t since_ms, int64_t *id)
{
	sqlite3_stmt *st = sq_stmt(w, "SELECT id FROM messages WHERE author_id = ?"
				      " AND idempotency_key = ? AND created_at >= ?");
	sq_int(st, 1, author);
	sq_text(st, 2, key);
	sq_int(st, 3, since_ms);
	int rc = sq_one_row(st);
	if (rc != STORE_OK)
		return rc;
	*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return STORE_OK;
}

int store_message_edit(struct store_conn *w, const struct message_row *m)
{
	sqlite3_stmt *st = sq_stmt(w, "UPDATE messages SET text = ?2, html = ?3, mentions = ?4,"
				      " edited_at = ?5 WHERE id = ?1 AND deleted_at IS NULL");
	sq_int(st, 1, m->id);
	sq_text(st, 2, m->text);
	sq_text(st, 3, m->html);
	sq_text(st, 4, m->mentions ? m->mentions : "");
	sq_int(st, 5, m->edited_at);
	return sq_changed_or_not_found(w, sq_exec(w, st));
}

int store_message_delete(struct store_conn *w, int64_t id, int64_t at)
{
	sqlite3_stmt *st = sq_stmt(w, "UPDATE messages SET text = '', html = '', mentions = '',"
				      " deleted_at = ?2 WHERE id = ?1 AND deleted_at IS NULL");
	sq_int(st, 1, id);
	sq_int(st, 2, at);
	int rc = sq_changed_or_not_found(w, sq_exec(w, st));
	if (rc != STORE_OK)
		return rc;
	st = sq_stmt(w, "DELETE FROM message_reactions WHERE message_id = ?");
	sq_int(st, 1, id);
	return sq_exec(w, st);
}

int store_messages_page(struct store_conn *c, int64_t conversation, int64_t floor, int64_t max_id,
			int64_t since_id, int64_t min_id, int limit, int64_t *ids)
{
	const char *desc = "SELECT id FROM messages WHERE conversation_id = ?1 AND id > ?2"
			   " AND id < ?3 AND deleted_at IS NULL ORDER BY id DESC LIMIT ?4";
	const char *asc = "SELECT id FROM messages WHERE conversation_id = ?1 AND id > ?2"
			  " AND id < ?3 AND deleted_at IS NULL ORDER BY id ASC LIMIT ?4";
	int64_t lower = min_id ? min_id : since_id;
	sqlite3_stmt *st = sq_stmt(c, min_id ? asc : desc);
	sq_int(st, 1, conversation);
	sq_int(st, 2, lower > floor ? lower : floor);
	sq_int(st, 3, max_id > 0 ? max_id : INT64_MAX);
	sq_int(st, 4, limit);
	int n = ids_out(st, limit, ids, NULL);
	if (min_id)
		reverse(ids, n);
	return n;
}

int64_t store_messages_unread(struct store_conn *c, int64_t conversation, int64_t user,
			      int64_t after_id, int64_t cap)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT COUNT(*) FROM (SELECT 1 FROM messages"
				      " WHERE conversation_id = ?1 AND id > ?2 AND author_id != ?3"
				      " AND deleted_at IS NULL LIMIT ?4)");
	sq_int(st, 1, conversation);
	sq_int(st, 2, after_id);
	sq_int(st, 3, user);
	sq_int(st, 4, cap);
	if (sq_one_row(st) != STORE_OK)
		return -1;
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

int64_t store_messages_unread_total(struct store_conn *c, int64_t user, int64_t *conversations)
{
	sqlite3_stmt *st = sq_stmt(
	    c, "SELECT COUNT(*), COUNT(DISTINCT g.conversation_id) FROM conversation_members m"
	       " JOIN conversations c ON c.id = m.conversation_id"
	       " JOIN messages g ON g.conversation_id = m.conversation_id"
	       " AND g.id > max(m.last_read_id, CASE WHEN c.history_visible THEN 0"
	       " ELSE m.joined_id END)"
	       " WHERE m.user_id = ?1 AND m.muted = 0 AND g.author_id != ?1"
	       " AND g.deleted_at IS NULL");
	sq_int(st, 1, user);
	if (sq_one_row(st) != STORE_OK)
		return -1;
	int64_t n = sqlite3_column_int64(st, 0);
	if (conversations)
		*conversations = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	return n;
}

int64_t store_messages_max_id(struct store_conn *c)
{
	sqlite3_stmt *st =
	    sq_stmt(c, "SELECT max(COALESCE((SELECT MAX(id) FROM messages), 0),"
		       " COALESCE((SELECT MAX(activity_id) FROM conversations), 0))");
	if (sq_one_row(st) != STORE_OK)
		return -1;
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

/* q as a LIKE pattern matching it anywhere, with % _ and \ escaped. */
static char *like_pattern(const char *q)
{
	size_t n = strlen(q);
	char *p = sqlite3_malloc64(2 * n + 3), *o = p;
	if (!p)
		return NULL;
	*o++ = '%';
	for (size_t i = 0; i < n; i++) {
		if (q[i] == '%' || q[i] == '_' || q[i] == '\\')
			*o++ = '\\';
		*o++ = q[i];
	}
	*o++ = '%';
	*o = '\0';
	return p;
}

int store_messages_search(struct store_conn *c, int64_t user, const char *q, int64_t max_id,
			  int limit, int64_t *ids)
{
	char *pattern = like_pattern(q);
	if (!pattern)
		return -1;
	sqlite3_stmt *st =
	    sq_stmt(c, "SELECT g.id FROM conversation_members m"
		       " JOIN conversations c ON c.id = m.conversation_id"
		       " JOIN messages g ON g.conversation_id = m.conversation_id"
		       " AND g.id > CASE WHEN c.history_visible THEN 0 ELSE m.joined_id END"
		       " WHERE m.user_id = ?1 AND g.id < ?3 AND g.deleted_at IS NULL"
		       " AND g.text LIKE ?2 ESCAPE '\\' ORDER BY g.id DESC LIMIT ?4");
	sq_int(st, 1, user);
	sq_text(st, 2, pattern);
	sq_int(st, 3, max_id > 0 ? max_id : INT64_MAX);
	sq_int(st, 4, limit);
	int n = ids_out(st, limit, ids, NULL);
	sqlite3_free(pattern);
	return n;
}

int store_message_reaction_toggle(struct store_conn *w, int64_t message, int64_t user,
				  const char *emoji, int64_t at, bool *on)
{
	sqlite3_stmt *st = sq_stmt(w, "DELETE FROM message_reactions WHERE message_id = ?"
				      " AND emoji = ? AND user_id = ?");
	sq_int(st, 1, message);
	sq_text(st, 2, emoji);
	sq_int(st, 3, user);
	int rc = sq_exec(w, st);
	if (rc != STORE_OK)
		return rc;
	if (sqlite3_changes(w->db) > 0) {
		*on = false;
		return STORE_OK;
	}
	st = sq_stmt(w, "INSERT INTO message_reactions (message_id, emoji, user_id, created_at)"
			" VALUES (?,?,?,?)");
	sq_int(st, 1, message);
	sq_text(st, 2, emoji);
	sq_int(st, 3, user);
	sq_int(st, 4, at);
	*on = true;
	return sq_exec(w, st);
}

int store_message_reactions_by(struct store_conn *c, int64_t message, int64_t user)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT COUNT(*) FROM message_reactions"
				      " WHERE message_id = ? AND user_id = ?");
	sq_int(st, 1, message);
	sq_int(st, 2, user);
	if (sq_one_row(st) != STORE_OK)
		return -1;
	int n = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return n;
}

int store_message_reactions(struct store_conn *c, struct arena *a, int64_t message, int64_t viewer,
			    int max, struct message_reaction *out)
{
	sqlite3_stmt *st =
	    sq_stmt(c, "SELECT emoji, COUNT(*), MAX(user_id = ?2), MIN(created_at) AS first"
		       " FROM message_reactions WHERE message_id = ?1 GROUP BY emoji"
		       " ORDER BY first, emoji LIMIT ?3");
	sq_int(st, 1, message);
	sq_int(st, 2, viewer);
	sq_int(st, 3, max);
	int n = 0, rc;
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		out[n].emoji = sq_col_text(a, st, 0);
		out[n].count = sqlite3_column_int(st, 1);
		out[n].me = sqlite3_column_int(st, 2) != 0;
		n++;
	}
	sqlite3_reset(st);
	return n;
}

int store_message_attachments(struct store_conn *c, int64_t message, int max, int64_t *out)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT file_id FROM message_attachments"
				      " WHERE message_id = ? ORDER BY position LIMIT ?");
	sq_int(st, 1, message);
	sq_int(st, 2, max);
	return ids_out(st, max, out, NULL);
}

int store_message_attachment_add(struct store_conn *w, int64_t message, int position, int64_t file)
{
	sqlite3_stmt *st = sq_stmt(w, "INSERT INTO message_attachments (message_id, position,"
				      " file_id) VALUES (?,?,?)");
	sq_int(st, 1, message);
	sq_int(st, 2, position);
	sq_int(st, 3, file);
	return sq_exec(w, st);
}
