/*
 * store_sqlite_search_files: the files and messages indexes in SQLite
 * FTS5 (see store_search_files.h; schema in store_schema_search.c), and
 * the extracted text of file blobs.
 *
 * Both are read newest first with a cap, like posts: the caller ranks the
 * candidates by relevance after the access check. Messages are narrowed
 * here to the searcher's conversations and history, so that the cap is
 * spent on messages they may see; the messages rule still decides.
 * Snippets of long texts (a file's text, a message) are cut here rather
 * than by FTS5 (see body_extract).
 */
#include "store/store_sqlite_search_int.h"
#include "core/buf.h"
#include "text/text.h"

#include <string.h>

/* The hits of q through sql, whose parameters are ?1 the MATCH
 * expression, ?2 the limit, ?3 viewer and ?4 an optional id (0: NULL). */
static int match_hits(struct store_conn *c, const struct search_query *q, const char *sql,
		      int64_t viewer, int64_t id, int max, struct search_hit *out)
{
	struct arena *a = arena_new();
	char *m = sq_search_match(a, q, NULL);
	int n = 0;
	if (m) {
		sqlite3_stmt *st = sq_stmt(c, sql);
		sq_int(st, 3, viewer);
		sq_id(st, 4, id);
		n = sq_search_hits(c, st, m, max, out);
	}
	arena_free(a);
	return n;
}

int store_search_files(struct store_conn *c, const struct search_query *q, int64_t viewer,
		       int64_t owner, int max, struct search_hit *out)
{
	/* name and tags above the description, the description above the
	 * text; only files viewer could have a role on (theirs, named
	 * shares, community and company ones): files_role decides */
	return match_hits(c, q,
			  "SELECT s.rowid, bm25(search_files, 10, 4, 6, 1) FROM search_files s"
			  " JOIN files f ON f.id = s.rowid WHERE search_files MATCH ?1"
			  " AND (f.owner_id = ?3 OR f.audience <> 0 OR EXISTS (SELECT 1 FROM"
			  " file_shares h WHERE h.file_id = f.id AND h.user_id = ?3))"
			  " AND (?4 IS NULL OR f.owner_id = ?4)"
			  " ORDER BY s.rowid DESC LIMIT ?2",
			  viewer, owner, max, out);
}

int store_search_messages(struct store_conn *c, const struct search_query *q, int64_t viewer,
			  int64_t author, int max, struct search_hit *out)
{
	/* driven by the viewer's own messages (a rowid list FTS5 seeks
	 * into), not by every match of a common word */
	return match_hits(c, q,
			  "SELECT rowid, bm25(search_messages) FROM search_messages"
			  " WHERE search_messages MATCH ?1 AND rowid IN (SELECT g.id"
			  " FROM conversation_members k JOIN conversations v"
			  " ON v.id = k.conversation_id"
			  " JOIN messages g ON g.conversation_id = k.conversation_id"
			  " AND g.id > CASE WHEN v.history_visible THEN 0 ELSE k.joined_id END"
			  " WHERE k.user_id = ?3 AND g.deleted_at IS NULL"
			  " AND (?4 IS NULL OR g.author_id = ?4))"
			  " ORDER BY rowid DESC LIMIT ?2",
			  viewer, author, max, out);
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

/* --- file snippets ------------------------------------------------------------ */

/* FTS5's snippet() weighs every window against every match of the row:
 * quadratic in the matches, seconds for a long text full of a common
 * word. So it is used on the short columns only; the text's extract is
 * cut here, around the first matching word in its first SNIPPET_SCAN
 * bytes (words folded like tags: case and Latin accents). */
#define SNIPPET_SCAN (256u << 10)
#define SNIPPET_WORDS 24
#define SNIPPET_BEFORE 6
#define SNIPPET_TERMS 64 /* folded words of a query */

static bool word_byte(unsigned char ch)
{
	return ch >= 0x80 || (ch >= '0' && ch <= '9') ||
	       ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') || ch == '_';
}

/* The folded words of q's positive terms (phrases split), and which are
 * prefixes. Their count. */
static size_t snippet_words(struct arena *a, const struct search_query *q, const char **w,
			    bool *prefix, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < q->n; i++) {
		const struct search_term *t = &q->terms[i];
		for (const char *p = t->exclude ? "" : t->text; *p && n < max;) {
			const char *e = p;
			while (*e && word_byte((unsigned char)*e))
				e++;
			char *f = e > p ? text_tag_normalize(a, p, (size_t)(e - p)) : NULL;
			if (f) {
				prefix[n] = t->prefix;
				w[n++] = f;
			}
			p = *e ? e + 1 : e;
		}
	}
	return n;
}

static bool word_matches(struct arena *a, const char *s, size_t len, const char **w,
			 const bool *prefix, size_t n)
{
	char *f = text_tag_normalize(a, s, len);
	for (size_t i = 0; f && i < n; i++)
		if (prefix[i] ? !strncmp(f, w[i], strlen(w[i])) : !strcmp(f, w[i]))
			return true;
	return false;
}

/* An extract of body around the first word matching q, as marked text
 * (\1 \2 around matches), in a. */
static char *body_extract(struct arena *a, const char *body, const struct search_query *q)
{
	const char *w[SNIPPET_TERMS];
	bool prefix[SNIPPET_TERMS];
	size_t nw = snippet_words(a, q, w, prefix, sizeof(w) / sizeof(w[0]));
	size_t len = strlen(body), scan = len < SNIPPET_SCAN ? len : SNIPPET_SCAN;
	/* word starts, in a ring of the last SNIPPET_BEFORE + 1 */
	size_t ring[SNIPPET_BEFORE + 1] = {0}, seen = 0, from = 0;
	bool found = false;
	struct arena *tmp = arena_new();
	for (size_t i = 0; i < scan && !found;) {
		while (i < scan && !word_byte((unsigned char)body[i]))
			i++;
		size_t s = i;
		while (i < scan && word_byte((unsigned char)body[i]))
			i++;
		if (i == s)
			break;
		ring[seen++ % (SNIPPET_BEFORE + 1)] = s;
		if (word_matches(tmp, body + s, i - s, w, prefix, nw)) {
			found = true;
			from = seen > SNIPPET_BEFORE ? ring[seen % (SNIPPET_BEFORE + 1)] : 0;
		}
	}
	/* SNIPPET_WORDS words from `from`, matches marked */
	struct buf b;
	buf_init(&b, 64 * 1024);
	if (from)
		buf_puts(&b, "…");
	size_t i = from, words = 0;
	while (i < len && words < SNIPPET_WORDS) {
		size_t s = i;
		while (i < len && !word_byte((unsigned char)body[i]))
			i++;
		buf_append(&b, body + s, i - s);
		s = i;
		while (i < len && word_byte((unsigned char)body[i]))
			i++;
		if (i == s)
			break;
		bool mark = found && word_matches(tmp, body + s, i - s, w, prefix, nw);
		if (mark)
			buf_putc(&b, '\1');
		buf_append(&b, body + s, i - s);
		if (mark)
			buf_putc(&b, '\2');
		words++;
	}
	if (i < len)
		buf_puts(&b, "…");
	char *r = arena_strndup(a, b.ptr ? b.ptr : "", b.len);
	buf_free(&b);
	arena_free(tmp);
	return r;
}

char *store_search_file_snippet(struct store_conn *c, struct arena *a, int64_t id,
				const struct search_query *q)
{
	/* any positive term shown: one column seldom holds them all */
	struct search_term *t = arena_calloc(a, q->n + 1, sizeof(*t));
	struct search_query any = {.terms = t, .any = true};
	for (size_t i = 0; i < q->n; i++)
		if (!q->terms[i].exclude)
			t[any.n++] = q->terms[i];
	static const char *const cols[] = {"name", "tags", "description"};
	static const int col_index[] = {0, 2, 1};
	sqlite3_stmt *st =
	    sq_stmt(c, "SELECT snippet(search_files, ?3, x'01', x'02', '…', 24)"
		       " FROM search_files WHERE search_files MATCH ?1 AND rowid = ?2");
	for (size_t k = 0; k < 3; k++) {
		char *m = sq_search_match(a, &any, cols[k]);
		if (!m)
			return NULL;
		sq_int(st, 3, col_index[k]);
		char *r = snippet_of(a, st, m, id);
		if (r)
			return r;
	}
	st = sq_stmt(c, "SELECT body FROM search_files WHERE rowid = ?");
	sq_int(st, 1, id);
	char *r = NULL;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		r = sq_search_marks_html(
		    a, body_extract(a, (const char *)sqlite3_column_text(st, 0), q));
	sqlite3_reset(st);
	return r;
}

char *store_search_message_snippet(struct store_conn *c, struct arena *a, int64_t id,
				   const struct search_query *q)
{
	/* a message holds up to 5,000 characters: cut here too */
	sqlite3_stmt *st =
	    sq_stmt(c, "SELECT text FROM messages WHERE id = ? AND deleted_at IS NULL");
	sq_int(st, 1, id);
	char *r = NULL;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		r = sq_search_marks_html(
		    a, body_extract(a, (const char *)sqlite3_column_text(st, 0), q));
	sqlite3_reset(st);
	return r;
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

int store_search_files_fill(struct store_conn *w)
{
	char *err = NULL;
	int rc = sqlite3_exec(w->db,
			      "DELETE FROM search_files;"
			      "INSERT INTO search_files(rowid, name, description, tags, body)"
			      " SELECT f.id, f.name, f.description, f.tags, t.body FROM files f"
			      " LEFT JOIN file_texts t ON t.sha256 = f.sha256"
			      " WHERE f.media = 0 AND f.trashed_at = 0",
			      NULL, NULL, &err);
	if (rc != SQLITE_OK) {
		sq_log(w, err ? err : "fill search_files");
		sqlite3_free(err);
		return -1;
	}
	return 0;
}
