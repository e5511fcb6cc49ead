/* store_sqlite_auth: tokens, OAuth applications, authorization codes and sessions in SQLite. */
#include "store/store_sqlite_int.h"
#include "core/clock.h"

#include <string.h>

/* Like sq_exec, but STORE_NOT_FOUND when no row changed. */
static int exec_changed(struct store_conn *w, sqlite3_stmt *st)
{
	int rc = sq_exec(w, st);
	if (rc == STORE_OK && sqlite3_changes(w->db) == 0)
		return STORE_NOT_FOUND;
	return rc;
}

/* --- tokens ------------------------------------------------------------- */

int store_token_insert(struct store_conn *w, const unsigned char hash[32], const struct token *t,
		       int64_t *id)
{
	sqlite3_stmt *st = sq_stmt(
	    w, "INSERT INTO tokens (hash, kind, user_id, app_id, scopes, pair_id, created_at,"
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
	sqlite3_stmt *st =
	    sq_stmt(c, "SELECT id, kind, user_id, app_id, scopes, pair_id, created_at, expires_at,"
		       " revoked_at FROM tokens WHERE hash = ?");
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	int rc = sq_one_row(st);
	if (rc != STORE_OK)
		return rc;
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
	sqlite3_stmt *st = sq_stmt(w, "UPDATE tokens SET revoked_at = ? WHERE (id = ? OR pair_id = "
				      "?) AND revoked_at IS NULL");
	sq_int(st, 1, clock_now_ms());
	sq_int(st, 2, id);
	sq_int(st, 3, id);
	return sq_exec(w, st);
}

int store_token_revoke_user(struct store_conn *w, int64_t user_id)
{
	sqlite3_stmt *st =
	    sq_stmt(w, "UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL");
	sq_int(st, 1, clock_now_ms());
	sq_int(st, 2, user_id);
	int rc = sq_exec(w, st);
	if (rc != STORE_OK)
		return rc;
	return store_session_delete_user(w, user_id);
}

/* --- applications ------------------------------------------------------- */

#define APP_COLS                                                                                   \
	"id, name, website, redirect_uris, scopes, client_id, client_secret_hash, created_at"

static void app_row(struct arena *a, sqlite3_stmt *st, struct oauth_app *app)
{
	app->id = sqlite3_column_int64(st, 0);
	app->name = sq_col_text(a, st, 1);
	app->website = sq_col_text(a, st, 2);
	app->redirect_uris = sq_col_text(a, st, 3);
	app->scopes = sq_col_text(a, st, 4);
	app->client_id = sq_col_text(a, st, 5);
	memset(app->secret_hash, 0, sizeof(app->secret_hash));
	if (sqlite3_column_bytes(st, 6) == 32)
		memcpy(app->secret_hash, sqlite3_column_blob(st, 6), 32);
	app->created_at = sqlite3_column_int64(st, 7);
}

int store_app_insert(struct store_conn *w, const struct oauth_app *app, int64_t *id)
{
	sqlite3_stmt *st =
	    sq_stmt(w, "INSERT INTO apps (name, website, redirect_uris, scopes, client_id,"
		       " client_secret_hash, created_at) VALUES (?,?,?,?,?,?,?)");
	sq_text(st, 1, app->name);
	sq_text(st, 2, app->website);
	sq_text(st, 3, app->redirect_uris);
	sq_text(st, 4, app->scopes);
	sq_text(st, 5, app->client_id);
	sqlite3_bind_blob(st, 6, app->secret_hash, 32, SQLITE_TRANSIENT);
	sq_int(st, 7, app->created_at ? app->created_at : clock_now_ms());
	int rc = sq_exec(w, st);
	if (rc == STORE_OK && id)
		*id = sqlite3_last_insert_rowid(w->db);
	return rc;
}

int store_app_get(struct store_conn *c, struct arena *a, int64_t id, struct oauth_app *app)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT " APP_COLS " FROM apps WHERE id = ?");
	sq_int(st, 1, id);
	int rc = sq_one_row(st);
	if (rc != STORE_OK)
		return rc;
	app_row(a, st, app);
	sqlite3_reset(st);
	return STORE_OK;
}

int store_app_by_client_id(struct store_conn *c, struct arena *a, const char *client_id,
			   struct oauth_app *app)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT " APP_COLS " FROM apps WHERE client_id = ?");
	sq_text(st, 1, client_id);
	int rc = sq_one_row(st);
	if (rc != STORE_OK)
		return rc;
	app_row(a, st, app);
	sqlite3_reset(st);
	return STORE_OK;
}

/* --- authorization codes ------------------------------------------------ */

int store_code_insert(struct store_conn *w, const unsigned char hash[32],
		      const struct auth_code *code)
{
	sqlite3_stmt *st = sq_stmt(
	    w, "INSERT INTO auth_codes (hash, app_id, user_id, redirect_uri, scopes,"
	       " code_challenge, code_challenge_method, expires_at) VALUES (?,?,?,?,?,?,?,?)");
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_TRANSIENT);
	sq_int(st, 2, code->app_id);
	sq_int(st, 3, code->user_id);
	sq_text(st, 4, code->redirect_uri);
	sq_text(st, 5, code->scopes);
	sq_text(st, 6, code->code_challenge);
	sq_text(st, 7, code->code_challenge_method);
	sq_int(st, 8, code->expires_at);
	return sq_exec(w, st);
}

int store_code_take(struct store_conn *w, struct arena *a, const unsigned char hash[32],
		    struct auth_code *code)
{
	sqlite3_stmt *st =
	    sq_stmt(w, "SELECT app_id, user_id, redirect_uri, scopes, code_challenge,"
		       " code_challenge_method, expires_at, used FROM auth_codes WHERE hash = ?");
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	int rc = sq_one_row(st);
	if (rc != STORE_OK)
		return rc;
	code->app_id = sqlite3_column_int64(st, 0);
	code->user_id = sqlite3_column_int64(st, 1);
	code->redirect_uri = sq_col_text(a, st, 2);
	code->scopes = sq_col_text(a, st, 3);
	code->code_challenge = sq_col_text(a, st, 4);
	code->code_challenge_method = sq_col_text(a, st, 5);
	code->expires_at = sqlite3_column_int64(st, 6);
	code->used = sqlite3_column_int(st, 7) != 0;
	sqlite3_reset(st);
	st = sq_stmt(w, "UPDATE auth_codes SET used = 1 WHERE hash = ?");
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	return sq_exec(w, st);
}

int store_code_purge(struct store_conn *w, int64_t now)
{
	sqlite3_stmt *st = sq_stmt(w, "DELETE FROM auth_codes WHERE expires_at < ?");
	sq_int(st, 1, now);
	return sq_exec(w, st);
}

/* --- sessions ----------------------------------------------------------- */

int store_session_insert(struct store_conn *w, const unsigned char hash[32],
			 const struct session *s, int64_t *id)
{
	sqlite3_stmt *st = sq_stmt(
	    w, "INSERT INTO sessions (hash, user_id, csrf, created_at, last_seen_at, expires_at,"
	       " ip, user_agent) VALUES (?,?,?,?,?,?,?,?)");
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_TRANSIENT);
	sq_int(st, 2, s->user_id);
	sq_text(st, 3, s->csrf);
	sq_int(st, 4, s->created_at);
	sq_int(st, 5, s->last_seen_at);
	sq_int(st, 6, s->expires_at);
	sq_text(st, 7, s->ip);
	sq_text(st, 8, s->user_agent);
	int rc = sq_exec(w, st);
	if (rc == STORE_OK && id)
		*id = sqlite3_last_insert_rowid(w->db);
	return rc;
}

int store_session_by_hash(struct store_conn *c, struct arena *a, const unsigned char hash[32],
			  struct session *s)
{
	sqlite3_stmt *st = sq_stmt(
	    c, "SELECT id, user_id, csrf, created_at, last_seen_at, expires_at, ip, user_agent"
	       " FROM sessions WHERE hash = ?");
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	int rc = sq_one_row(st);
	if (rc != STORE_OK)
		return rc;
	s->id = sqlite3_column_int64(st, 0);
	s->user_id = sqlite3_column_int64(st, 1);
	s->csrf = sq_col_text(a, st, 2);
	s->created_at = sqlite3_column_int64(st, 3);
	s->last_seen_at = sqlite3_column_int64(st, 4);
	s->expires_at = sqlite3_column_int64(st, 5);
	s->ip = sq_col_text(a, st, 6);
	s->user_agent = sq_col_text(a, st, 7);
	sqlite3_reset(st);
	return STORE_OK;
}

int store_session_touch(struct store_conn *w, int64_t id, int64_t now)
{
	sqlite3_stmt *st = sq_stmt(w, "UPDATE sessions SET last_seen_at = ? WHERE id = ?");
	sq_int(st, 1, now);
	sq_int(st, 2, id);
	return exec_changed(w, st);
}

int store_session_delete(struct store_conn *w, int64_t id)
{
	sqlite3_stmt *st = sq_stmt(w, "DELETE FROM sessions WHERE id = ?");
	sq_int(st, 1, id);
	return exec_changed(w, st);
}

int store_session_delete_user(struct store_conn *w, int64_t user_id)
{
	sqlite3_stmt *st = sq_stmt(w, "DELETE FROM sessions WHERE user_id = ?");
	sq_int(st, 1, user_id);
	return sq_exec(w, st);
}

int store_session_purge_user(struct store_conn *w, int64_t user_id, int64_t now, int64_t idle_ms)
{
	sqlite3_stmt *st = sq_stmt(
	    w, "DELETE FROM sessions WHERE user_id = ? AND (expires_at <= ? OR last_seen_at <= ?)");
	sq_int(st, 1, user_id);
	sq_int(st, 2, now);
	sq_int(st, 3, now - idle_ms);
	return sq_exec(w, st);
}
