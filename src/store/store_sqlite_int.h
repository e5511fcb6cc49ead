/*
 * store_sqlite_int: what the SQLite backend files share — connections,
 * the prepared-statement cache, and small binding helpers. Nothing outside
 * src/store/ includes this.
 */
#ifndef MOKA_STORE_SQLITE_INT_H
#define MOKA_STORE_SQLITE_INT_H

#include <sqlite3.h>

#include "store/store.h"

struct store_conn {
	sqlite3 *db;
	bool writer;
	/* statement cache keyed by the SQL text's address (string literals) */
	const char **keys;
	sqlite3_stmt **stmts;
	size_t cap, used;
};

/* The statement for sql on c, prepared on first use and reset/cleared
 * for reuse. sql must be a string literal (its address is the key).
 * Aborts on a prepare error: SQL in the backend is ours, so a failure is
 * a bug. */
sqlite3_stmt *sq_stmt(struct store_conn *c, const char *sql);

/* Binding helpers (1-based index). NULL text binds NULL; 0 ids bind NULL. */
void sq_text(sqlite3_stmt *st, int i, const char *s);
void sq_int(sqlite3_stmt *st, int i, int64_t v);
void sq_id(sqlite3_stmt *st, int i, int64_t v);
/* Column as arena string (NULL for NULL). */
const char *sq_col_text(struct arena *a, sqlite3_stmt *st, int col);
/* Runs a statement to completion; STORE_OK, STORE_CONFLICT or STORE_ERROR. */
int sq_exec(struct store_conn *c, sqlite3_stmt *st);
/* Steps a one-row query: STORE_OK (the row is ready; reset after reading
 * it), STORE_NOT_FOUND or STORE_ERROR (reset done). */
int sq_one_row(sqlite3_stmt *st);
/* rc, or STORE_NOT_FOUND when a successful write changed no row. */
int sq_changed_or_not_found(struct store_conn *w, int rc);
/* Logs the connection's last error. */
void sq_log(struct store_conn *c, const char *what);
/* Registers the search ranking function (moka_bm25) on a new connection
 * (store_sqlite_search.c): 0 or -1. */
int sq_search_register(sqlite3 *db);

/* Schema migrations, in order; migration i brings user_version to i+1. */
extern const char *const store_migrations[];
extern const int store_migrations_count;

/* An area's own migrations, NULL-terminated (store_schema_<area>.c). */
struct store_area_schema {
	const char *name;
	const char *const *migrations;
};
extern const char *const store_schema_files[];
extern const char *const store_schema_questions[];
extern const char *const store_schema_messages[];
extern const char *const store_schema_search[];
extern const char *const store_schema_search_rank[];
extern const struct store_area_schema store_area_schemas[];
extern const int store_area_schemas_count;

#endif
