/* store_sqlite_auth: tokens in SQLite. */
#include "store/store_sqlite_int.h"
#include "core/clock.h"

int store_token_insert(struct store_conn *w, const unsigned char hash[32], const struct token *t,
		       int64_t *id)
{
	sqlite3_stmt *st = sq_stmt(w,
		"INSERT INTO tokens (hash, kind, user_id, app_id, scopes, pair_id, created_at,"
		" expires_at) VALUES (?,?,?,?,?,?,?,?)");
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_TRANSIENT);
	sq_text(st, 2, t->kind ? t->kind : "access");
	sq_id(st, 3, t->user_id);
	sq_id(st, 4, t->app_id);
	sq_text(st, 5, t->scopes ? t->scopes : "read write follow");
	sq_id(st, 6, t->pair_id);
	sq_int(st, 7, t->created_at ? t->created_at : clock_now_ms());
	sq_id(st, 8, t->expires_at);
	int rc = sq_exec(w, st);
	if (rc == STORE_OK && id)
		*id = sqlite3_last_insert_rowid(w->db);
	return rc;
}

int store_token_by_hash(struct store_conn *c, struct arena *a, const unsigned char hash[32],
			struct token *t)
{
	sqlite3_stmt *st = sq_stmt(c,
		"SELECT id, kind, user_id, app_id, scopes, pair_id, created_at, expires_at,"
		" revoked_at FROM tokens WHERE hash = ?");
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
	}
	t->id = sqlite3_column_int64(st, 0);
	t->kind = sq_col_text(a, st, 1);
	t->user_id = sqlite3_column_int64(st, 2);
	t->app_id = sqlite3_column_int64(st, 3);
	t->scopes = sq_col_text(a, st, 4);
	t->pair_id = sqlite3_column_int64(st, 5);
	t->created_at = sqlite3_column_int64(st, 6);
	t->expires_at = sqlite3_column_int64(st, 7);
	t->revoked_at = sqlite3_column_int64(st, 8);
	sqlite3_reset(st);
	return STORE_OK;
}

int store_token_revoke(struct store_conn *w, int64_t id)
{
	sqlite3_stmt *st = sq_stmt(w,
		"UPDATE tokens SET revoked_at = ? WHERE (id = ? OR pair_id = ?) AND revoked_at IS NULL");
	sq_int(st, 1, clock_now_ms());
	sq_int(st, 2, id);
	sq_int(st, 3, id);
	return sq_exec(w, st);
}

int store_token_revoke_user(struct store_conn *w, int64_t user_id)
{
	sqlite3_stmt *st = sq_stmt(w,
		"UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL");
	sq_int(st, 1, clock_now_ms());
	sq_int(st, 2, user_id);
	return sq_exec(w, st);
}
