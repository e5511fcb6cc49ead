/* store_sqlite_notify: notifications and read markers, in SQLite. */
#include "store/store_sqlite_int.h"
#include "core/clock.h"

#define NOTIFICATION_COLS "id, user_id, type, actor_id, post_id, invitation_id, created_at"

static void notification_row(struct arena *a, sqlite3_stmt *st, struct notification *n)
{
	n->id = sqlite3_column_int64(st, 0);
	n->user_id = sqlite3_column_int64(st, 1);
	n->type = sq_col_text(a, st, 2);
	n->actor_id = sqlite3_column_int64(st, 3);
	n->post_id = sqlite3_column_int64(st, 4);
	n->invitation_id = sqlite3_column_int64(st, 5);
	n->created_at = sqlite3_column_int64(st, 6);
}

int store_notification_insert(struct store_conn *w, const struct notification *n)
{
	/* one statement: the row exists only if the recipient is an active user */
	sqlite3_stmt *st = sq_stmt(
	    w, "INSERT INTO notifications (id, user_id, type, actor_id, post_id, invitation_id,"
	       " created_at) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7"
	       " WHERE EXISTS (SELECT 1 FROM users WHERE id = ?2 AND active = 1)");
	sq_int(st, 1, n->id);
	sq_int(st, 2, n->user_id);
	sq_text(st, 3, n->type);
	sq_id(st, 4, n->actor_id);
	sq_id(st, 5, n->post_id);
	sq_id(st, 6, n->invitation_id);
	sq_int(st, 7, n->created_at ? n->created_at : clock_now_ms());
	int rc = sq_exec(w, st);
	if (rc == STORE_OK && sqlite3_changes(w->db) == 0)
		return STORE_NOT_FOUND;
	return rc == STORE_OK ? STORE_OK : STORE_ERROR;
}

int store_notification_get(struct store_conn *c, struct arena *a, int64_t user, int64_t id,
			   struct notification *out)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT " NOTIFICATION_COLS
				      " FROM notifications WHERE id = ? AND user_id = ?");
	sq_int(st, 1, id);
	sq_int(st, 2, user);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		notification_row(a, st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

int store_notification_page(struct store_conn *c, struct arena *a, int64_t user,
			    const struct notification_range *r, int max, struct notification *out)
{
	sqlite3_stmt *st;
	if (r->oldest_first)
		st = sq_stmt(c, "SELECT " NOTIFICATION_COLS " FROM notifications"
				" WHERE user_id = ?1 AND id < ?2 AND id > ?3"
				" AND (?4 IS NULL OR type IN (SELECT value FROM json_each(?4)))"
				" AND (?5 IS NULL OR type NOT IN (SELECT value FROM json_each(?5)))"
				" ORDER BY id ASC LIMIT ?6");
	else
		st = sq_stmt(c, "SELECT " NOTIFICATION_COLS " FROM notifications"
				" WHERE user_id = ?1 AND id < ?2 AND id > ?3"
				" AND (?4 IS NULL OR type IN (SELECT value FROM json_each(?4)))"
				" AND (?5 IS NULL OR type NOT IN (SELECT value FROM json_each(?5)))"
				" ORDER BY id DESC LIMIT ?6");
	sq_int(st, 1, user);
	sq_int(st, 2, r->below > 0 ? r->below : INT64_MAX);
	sq_int(st, 3, r->above > 0 ? r->above : 0);
	sq_text(st, 4, r->types);
	sq_text(st, 5, r->exclude);
	sq_int(st, 6, max);
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		notification_row(a, st, &out[n++]);
	if (n < max && rc != SQLITE_DONE) {
		sq_log(c, "notification page");
		n = -1;
	}
	sqlite3_reset(st);
	return n;
}

int store_notification_delete(struct store_conn *w, int64_t user, int64_t id)
{
	sqlite3_stmt *st = sq_stmt(w, "DELETE FROM notifications WHERE id = ? AND user_id = ?");
	sq_int(st, 1, id);
	sq_int(st, 2, user);
	int rc = sq_exec(w, st);
	if (rc == STORE_OK && sqlite3_changes(w->db) == 0)
		return STORE_NOT_FOUND;
	return rc;
}

int store_notification_clear(struct store_conn *w, int64_t user)
{
	sqlite3_stmt *st = sq_stmt(w, "DELETE FROM notifications WHERE user_id = ?");
	sq_int(st, 1, user);
	return sq_exec(w, st);
}

int store_marker_get(struct store_conn *c, int64_t user, const char *timeline, struct marker *out)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT last_read_id, version, updated_at FROM markers"
				      " WHERE user_id = ? AND timeline = ?");
	sq_int(st, 1, user);
	sq_text(st, 2, timeline);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->last_read_id = sqlite3_column_int64(st, 0);
		out->version = sqlite3_column_int64(st, 1);
		out->updated_at = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

int store_marker_set(struct store_conn *w, int64_t user, const char *timeline, int64_t last_read_id,
		     struct marker *out)
{
	sqlite3_stmt *st =
	    sq_stmt(w, "INSERT INTO markers (user_id, timeline, last_read_id, version, updated_at)"
		       " VALUES (?1, ?2, ?3, 1, ?4) ON CONFLICT (user_id, timeline) DO UPDATE SET"
		       " last_read_id = excluded.last_read_id, version = version + 1,"
		       " updated_at = excluded.updated_at");
	sq_int(st, 1, user);
	sq_text(st, 2, timeline);
	sq_int(st, 3, last_read_id);
	sq_int(st, 4, clock_now_ms());
	int rc = sq_exec(w, st);
	if (rc != STORE_OK)
		return rc;
	return store_marker_get(w, user, timeline, out);
}
