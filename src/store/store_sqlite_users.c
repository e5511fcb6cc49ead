/* store_sqlite_users: people and their profiles, in SQLite. */
#include "store/store_sqlite_int.h"
#include "core/clock.h"

#include <string.h>

#define USER_COLS                                                                                  \
	"id, username, display_name, email, password_hash, role, active, created_at,"              \
	" updated_at, title, department, location, phone, about, projects, expertise,"             \
	" languages, manager_id, avatar, last_status_at"

static void user_row(struct arena *a, sqlite3_stmt *st, struct user *u)
{
	u->id = sqlite3_column_int64(st, 0);
	u->username = sq_col_text(a, st, 1);
	u->display_name = sq_col_text(a, st, 2);
	u->email = sq_col_text(a, st, 3);
	u->password_hash = sq_col_text(a, st, 4);
	u->role = sq_col_text(a, st, 5);
	u->active = sqlite3_column_int(st, 6) != 0;
	u->created_at = sqlite3_column_int64(st, 7);
	u->updated_at = sqlite3_column_int64(st, 8);
	u->title = sq_col_text(a, st, 9);
	u->department = sq_col_text(a, st, 10);
	u->location = sq_col_text(a, st, 11);
	u->phone = sq_col_text(a, st, 12);
	u->about = sq_col_text(a, st, 13);
	u->projects_json = sq_col_text(a, st, 14);
	u->expertise_json = sq_col_text(a, st, 15);
	u->languages_json = sq_col_text(a, st, 16);
	u->manager_id = sqlite3_column_int64(st, 17);
	u->avatar = sq_col_text(a, st, 18);
	u->last_status_at = sqlite3_column_int64(st, 19);
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static const char *or_list(const char *s)
{
	return s && *s ? s : "[]";
}

int store_user_insert(struct store_conn *w, const struct user *u, int64_t *id)
{
	sqlite3_stmt *st = sq_stmt(
	    w, "INSERT INTO users (username, display_name, email, password_hash, role, active,"
	       " created_at, updated_at, title, department, location, phone, about, projects,"
	       " expertise, languages, manager_id, avatar)"
	       " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	int64_t now = u->created_at ? u->created_at : clock_now_ms();
	sq_text(st, 1, u->username);
	sq_text(st, 2, u->display_name);
	sq_text(st, 3, u->email);
	sq_text(st, 4, u->password_hash);
	sq_text(st, 5, u->role ? u->role : "user");
	sq_int(st, 6, u->active);
	sq_int(st, 7, now);
	sq_int(st, 8, u->updated_at ? u->updated_at : now);
	sq_text(st, 9, or_empty(u->title));
	sq_text(st, 10, or_empty(u->department));
	sq_text(st, 11, or_empty(u->location));
	sq_text(st, 12, or_empty(u->phone));
	sq_text(st, 13, or_empty(u->about));
	sq_text(st, 14, or_list(u->projects_json));
	sq_text(st, 15, or_list(u->expertise_json));
	sq_text(st, 16, or_list(u->languages_json));
	sq_id(st, 17, u->manager_id);
	sq_text(st, 18, u->avatar);
	int rc = sq_exec(w, st);
	if (rc != STORE_OK)
		return rc;
	int64_t new_id = sqlite3_last_insert_rowid(w->db);
	if (id)
		*id = new_id;
	st = sq_stmt(w, "INSERT OR IGNORE INTO user_expertise (tag, user_id)"
			" SELECT value, ? FROM json_each(?)");
	sq_int(st, 1, new_id);
	sq_text(st, 2, or_list(u->expertise_json));
	return sq_exec(w, st);
}

static int user_one(struct arena *a, sqlite3_stmt *st, struct user *u)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		user_row(a, st, u);
		sqlite3_reset(st);
		return STORE_OK;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

int store_user_get(struct store_conn *c, struct arena *a, int64_t id, struct user *u)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT " USER_COLS " FROM users WHERE id = ?");
	sq_int(st, 1, id);
	return user_one(a, st, u);
}

int store_user_by_username(struct store_conn *c, struct arena *a, const char *username,
			   struct user *u)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT " USER_COLS " FROM users WHERE username = ?");
	sq_text(st, 1, username);
	return user_one(a, st, u);
}

int store_user_by_email(struct store_conn *c, struct arena *a, const char *email, struct user *u)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT " USER_COLS " FROM users WHERE email = ?");
	sq_text(st, 1, email);
	return user_one(a, st, u);
}

int store_user_list(struct store_conn *c, struct arena *a, int64_t after_id, int max,
		    struct user *out)
{
	sqlite3_stmt *st =
	    sq_stmt(c, "SELECT " USER_COLS " FROM users WHERE id > ? ORDER BY id LIMIT ?");
	sq_int(st, 1, after_id);
	sq_int(st, 2, max);
	int n = 0;
	while (n < max && sqlite3_step(st) == SQLITE_ROW)
		user_row(a, st, &out[n++]);
	sqlite3_reset(st);
	return n;
}

int store_user_set_active(struct store_conn *w, int64_t id, bool active)
{
	sqlite3_stmt *st = sq_stmt(w, "UPDATE users SET active = ?, updated_at = ? WHERE id = ?");
	sq_int(st, 1, active);
	sq_int(st, 2, clock_now_ms());
	sq_int(st, 3, id);
	int rc = sq_exec(w, st);
	if (rc == STORE_OK && sqlite3_changes(w->db) == 0)
		return STORE_NOT_FOUND;
	return rc;
}

int store_user_set_password(struct store_conn *w, int64_t id, const char *hash)
{
	sqlite3_stmt *st =
	    sq_stmt(w, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?");
	sq_text(st, 1, hash);
	sq_int(st, 2, clock_now_ms());
	sq_int(st, 3, id);
	int rc = sq_exec(w, st);
	if (rc == STORE_OK && sqlite3_changes(w->db) == 0)
		return STORE_NOT_FOUND;
	return rc;
}

int store_user_update_profile(struct store_conn *w, const struct user *u)
{
	sqlite3_stmt *st =
	    sq_stmt(w, "UPDATE users SET display_name = ?, title = ?, department = ?, location = ?,"
		       " phone = ?, about = ?, projects = ?, expertise = ?, languages = ?,"
		       " manager_id = ?, avatar = ?, email = ?, updated_at = ? WHERE id = ?");
	sq_text(st, 1, u->display_name);
	sq_text(st, 2, or_empty(u->title));
	sq_text(st, 3, or_empty(u->department));
	sq_text(st, 4, or_empty(u->location));
	sq_text(st, 5, or_empty(u->phone));
	sq_text(st, 6, or_empty(u->about));
	sq_text(st, 7, or_list(u->projects_json));
	sq_text(st, 8, or_list(u->expertise_json));
	sq_text(st, 9, or_list(u->languages_json));
	sq_id(st, 10, u->manager_id);
	sq_text(st, 11, u->avatar);
	sq_text(st, 12, u->email);
	sq_int(st, 13, clock_now_ms());
	sq_int(st, 14, u->id);
	int rc = sq_exec(w, st);
	if (rc != STORE_OK)
		return rc;
	/* keep the expertise lookup table in step with the JSON list */
	st = sq_stmt(w, "DELETE FROM user_expertise WHERE user_id = ?");
	sq_int(st, 1, u->id);
	if ((rc = sq_exec(w, st)) != STORE_OK)
		return rc;
	st = sq_stmt(w, "INSERT OR IGNORE INTO user_expertise (tag, user_id)"
			" SELECT value, ? FROM json_each(?)");
	sq_int(st, 1, u->id);
	sq_text(st, 2, or_list(u->expertise_json));
	return sq_exec(w, st);
}

int64_t store_user_count(struct store_conn *c)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT count(*) FROM users");
	int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	return n;
}

int64_t store_user_max_id(struct store_conn *c)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT coalesce(max(id), 0) FROM users");
	int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	return n;
}

int store_user_manager(struct store_conn *c, int64_t id, int64_t *manager_id)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT coalesce(manager_id, 0) FROM users WHERE id = ?");
	sq_int(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*manager_id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

/* Steps st, collecting column 0 as ids; the count, or -1. */
static int collect_ids(struct store_conn *c, sqlite3_stmt *st, int max, int64_t *out)
{
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		out[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_log(c, "users");
		return -1;
	}
	return n;
}

int store_user_reports(struct store_conn *c, int64_t manager_id, int max, int64_t *out)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT id FROM users WHERE manager_id = ? AND active = 1"
				      " ORDER BY id LIMIT ?");
	sq_int(st, 1, manager_id);
	sq_int(st, 2, max);
	return collect_ids(c, st, max, out);
}

int store_user_department(struct store_conn *c, const char *department, int max, int64_t *out)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT id FROM users WHERE department = ? AND active = 1"
				      " ORDER BY id LIMIT ?");
	sq_text(st, 1, department);
	sq_int(st, 2, max);
	return collect_ids(c, st, max, out);
}

int store_user_search_prefix(struct store_conn *c, struct arena *a, const char *prefix, int max,
			     struct user *out)
{
	/*
	 * A prefix range on the NOCASE indexes instead of LIKE: no wildcard
	 * escaping, and both halves are index range scans. U+10FFFF sorts
	 * after every character that can follow the prefix.
	 */
	sqlite3_stmt *st =
	    sq_stmt(c, "SELECT " USER_COLS " FROM users WHERE id IN ("
		       " SELECT id FROM users WHERE username >= ?1 COLLATE NOCASE"
		       "  AND username < ?1 || char(1114111) COLLATE NOCASE"
		       " UNION SELECT id FROM users WHERE display_name >= ?1 COLLATE NOCASE"
		       "  AND display_name < ?1 || char(1114111) COLLATE NOCASE)"
		       " AND active = 1 ORDER BY display_name COLLATE NOCASE, id LIMIT ?2");
	sq_text(st, 1, prefix);
	sq_int(st, 2, max);
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		user_row(a, st, &out[n++]);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_log(c, "search");
		return -1;
	}
	return n;
}

int store_user_set_avatar(struct store_conn *w, int64_t id, const char *avatar)
{
	sqlite3_stmt *st = sq_stmt(w, "UPDATE users SET avatar = ?, updated_at = ? WHERE id = ?");
	sq_text(st, 1, avatar);
	sq_int(st, 2, clock_now_ms());
	sq_int(st, 3, id);
	int rc = sq_exec(w, st);
	if (rc == STORE_OK && sqlite3_changes(w->db) == 0)
		return STORE_NOT_FOUND;
	return rc;
}
