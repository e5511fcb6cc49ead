/* store_sqlite_index: the snapshot token in the settings table (see store_index.h). */
#include "store/store_sqlite_int.h"

#include <string.h>

int store_index_token_take(struct store *s, char *out, size_t cap)
{
	struct store_conn *c = store_writer_lock(s);
	int found = 0;
	if (store_begin(c) < 0) {
		store_writer_unlock(s);
		return -1;
	}
	sqlite3_stmt *st = sq_stmt(c, "SELECT value FROM settings WHERE key = 'index_snapshot'");
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		if (v && cap) {
			strncpy(out, v, cap - 1);
			out[cap - 1] = '\0';
			found = 1;
		}
	}
	sqlite3_reset(st);
	if ((rc != SQLITE_ROW && rc != SQLITE_DONE) ||
	    sq_exec(c, sq_stmt(c, "DELETE FROM settings WHERE key = 'index_snapshot'")) !=
		STORE_OK ||
	    store_commit(c) < 0) {
		sq_log(c, "index token");
		store_rollback(c);
		store_writer_unlock(s);
		return -1;
	}
	store_writer_unlock(s);
	return found;
}

int store_index_token_put(struct store *s, const char *token)
{
	struct store_conn *c = store_writer_lock(s);
	sqlite3_stmt *st = sq_stmt(c, "INSERT INTO settings (key, value) VALUES"
				      " ('index_snapshot', ?1) ON CONFLICT (key) DO UPDATE"
				      " SET value = excluded.value");
	sq_text(st, 1, token);
	int rc = sq_exec(c, st);
	store_writer_unlock(s);
	return rc == STORE_OK ? 0 : -1;
}
