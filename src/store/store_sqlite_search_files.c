/*
 * store_sqlite_search_files: the files and messages indexes in SQLite
 * FTS5 (see store_search_files.h; schema in store_schema_search.c), and
 * the extracted text of file blobs.
 *
 * Both are read newest first with a cap, like posts: the caller ranks the
 * candidates by relevance after the access check. Messages are narrowed
 * here to the searcher's conversations and history, so that the cap is
 * spent on messages they may see; the messages rule still decides.
 */
#include "store/store_sqlite_search_int.h"

#include <string.h>

/* Runs a (rowid, bm25) statement already bound, filling out. */
static int hits_of(struct store_conn *c, sqlite3_stmt *st, int max, struct search_hit *out,
		   const char *what)
{
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		out[n].id = sqlite3_column_int64(st, 0);
		out[n].score = -sqlite3_column_double(st, 1);
		n++;
	}
	if (n < max && rc != SQLITE_DONE) {
		sq_log(c, what);
		n = -1;
	}
	sqlite3_reset(st);
	return n;
}

int store_search_files(struct store_conn *c, const struct search_query *q, int64_t owner, int max,
		       struct search_hit *out)
{
	struct arena *a = arena_new();
	char *m = sq_search_match(a, q, NULL);
	int n = 0;
	if (m) {
		/* name and tags above the description, the description above the text */
		sqlite3_stmt *st =
		    owner ? sq_stmt(c, "SELECT rowid, bm25(search_files, 10, 4, 6, 1)"
				       " FROM search_files WHERE search_files MATCH ?1"
				       " AND rowid IN (SELECT id FROM files WHERE owner_id = ?3)"
				       " ORDER BY rowid DESC LIMIT ?2")
			  : sq_stmt(c, "SELECT rowid, bm25(search_files, 10, 4, 6, 1)"
				       " FROM search_files WHERE search_files MATCH ?1"
				       " ORDER BY rowid DESC LIMIT ?2");
		sq_text(st, 1, m);
		sq_int(st, 2, max);
		if (owner)
			sq_int(st, 3, owner);
		n = hits_of(c, st, max, out, "search files");
	}
	arena_free(a);
	return n;
}

int store_search_messages(struct store_conn *c, const struct search_query *q, int64_t viewer,
			  int64_t author, int max, struct search_hit *out)
{
	struct arena *a = arena_new();
	char *m = sq_search_match(a, q, NULL);
	int n = 0;
	if (m) {
		sqlite3_stmt *st = sq_stmt(
		    c, "SELECT s.rowid, bm25(search_messages) FROM search_messages s"
		       " JOIN messages g ON g.id = s.rowid"
		       " JOIN conversation_members k ON k.conversation_id = g.conversation_id"
		       " AND k.user_id = ?2"
		       " JOIN conversations v ON v.id = g.conversation_id"
		       " WHERE search_messages MATCH ?1 AND g.deleted_at IS NULL"
		       " AND g.id > CASE WHEN v.history_visible THEN 0 ELSE k.joined_id END"
		       " AND (?3 IS NULL OR g.author_id = ?3)"
		       " ORDER BY s.rowid DESC LIMIT ?4");
		sq_text(st, 1, m);
		sq_int(st, 2, viewer);
		sq_id(st, 3, author);
		sq_int(st, 4, max);
		n = hits_of(c, st, max, out, "search messages");
	}
	arena_free(a);
	return n;
}

/* The snippet of st's first column for (match, id), as safe HTML. */
static char *snippet_of(struct arena *a, sqlite3_stmt *st, const char *match, int64_t id)
{
	sq_text(st, 1, match);
	sq_int(st, 2, id);
	char *r = NULL;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		r = sq_search_marks_html(a, (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return r;
}

char *store_search_file_snippet(struct store_conn *c, struct arena *a, int64_t id,
				const struct search_query *q)
{
	char *m = sq_search_match(a, q, NULL);
	if (!m)
		return NULL;
	return snippet_of(a,
			  sq_stmt(c, "SELECT snippet(search_files, -1, x'01', x'02', '…', 24)"
				     " FROM search_files WHERE search_files MATCH ? AND rowid = ?"),
			  m, id);
}

char *store_search_message_snippet(struct store_conn *c, struct arena *a, int64_t id,
				   const struct search_query *q)
{
	char *m = sq_search_match(a, q, NULL);
	if (!m)
		return NULL;
	return snippet_of(a,
			  sq_stmt(c, "SELECT snippet(search_messages, 0, x'01', x'02', '…', 24)"
				     " FROM search_messages WHERE search_messages MATCH ?"
				     " AND rowid = ?"),
			  m, id);
}

/* --- extracted text ------------------------------------------------------------ */

int store_file_text_put(struct store_conn *w, const char *sha256, const char *body,
			enum file_text_status status, int64_t at)
{
	sqlite3_stmt *st = sq_stmt(w, "INSERT OR IGNORE INTO file_texts (sha256, body, status,"
				      " extracted_at) VALUES (?,?,?,?)");
	sq_text(st, 1, sha256);
	sq_text(st, 2, body ? body : "");
	sq_int(st, 3, status);
	sq_int(st, 4, at);
	return sq_exec(w, st);
}

int store_file_text_has(struct store_conn *c, const char *sha256)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT 1 FROM file_texts WHERE sha256 = ?");
	sq_text(st, 1, sha256);
	int rc = sq_one_row(st);
	if (rc == STORE_OK)
		sqlite3_reset(st);
	return rc == STORE_OK ? 1 : rc == STORE_NOT_FOUND ? 0 : -1;
}

int store_file_text_missing(struct store_conn *c, struct arena *a, int64_t after, int max,
			    struct file_text_todo *out)
{
	sqlite3_stmt *st = sq_stmt(
	    c, "SELECT f.id, f.sha256, f.content_type FROM files f"
	       " WHERE f.id > ?1 AND f.media = 0 AND f.trashed_at = 0"
	       " AND (f.content_type LIKE 'text/%' OR f.content_type LIKE 'application/pdf%')"
	       " AND NOT EXISTS (SELECT 1 FROM file_texts t WHERE t.sha256 = f.sha256)"
	       " ORDER BY f.id LIMIT ?2");
	sq_int(st, 1, after);
	sq_int(st, 2, max);
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		out[n].file_id = sqlite3_column_int64(st, 0);
		out[n].sha256 = sq_col_text(a, st, 1);
		out[n].content_type = sq_col_text(a, st, 2);
		n++;
	}
	if (n < max && rc != SQLITE_DONE) {
		sq_log(c, "file texts missing");
		n = -1;
	}
	sqlite3_reset(st);
	return n;
}
