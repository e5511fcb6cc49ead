/* store_sqlite_posts: posts, mentions, hashtags and favourites, in SQLite. */
#include "store/store_sqlite_int.h"

#include <string.h>

#define POST_COLS                                                                                  \
	"id, author_id, visibility, text, html, spoiler_text, language, in_reply_to_id,"           \
	" in_reply_to_account_id, root_id, reblog_of_id, board_owner_id, is_question,"             \
	" sensitive, has_tags, created_at, edited_at, deleted_at, replies_count,"                  \
	" favourites_count, reblogs_count, idempotency_key"

static void post_row_read(struct arena *a, sqlite3_stmt *st, struct post_row *p)
{
	p->id = sqlite3_column_int64(st, 0);
	p->author_id = sqlite3_column_int64(st, 1);
	p->visibility = sqlite3_column_int(st, 2);
	p->text = sq_col_text(a, st, 3);
	p->html = sq_col_text(a, st, 4);
	p->spoiler_text = sq_col_text(a, st, 5);
	p->language = sq_col_text(a, st, 6);
	p->in_reply_to_id = sqlite3_column_int64(st, 7);
	p->in_reply_to_account_id = sqlite3_column_int64(st, 8);
	p->root_id = sqlite3_column_int64(st, 9);
	p->reblog_of_id = sqlite3_column_int64(st, 10);
	p->board_owner_id = sqlite3_column_int64(st, 11);
	p->question = sqlite3_column_int(st, 12) != 0;
	p->sensitive = sqlite3_column_int(st, 13) != 0;
	p->has_tags = sqlite3_column_int(st, 14) != 0;
	p->created_at = sqlite3_column_int64(st, 15);
	p->edited_at = sqlite3_column_int64(st, 16);
	p->deleted_at = sqlite3_column_int64(st, 17);
	p->replies_count = sqlite3_column_int64(st, 18);
	p->favourites_count = sqlite3_column_int64(st, 19);
	p->reblogs_count = sqlite3_column_int64(st, 20);
	p->idempotency_key = sq_col_text(a, st, 21);
}

int store_post_insert(struct store_conn *w, const struct post_row *p)
{
	sqlite3_stmt *st = sq_stmt(
	    w, "INSERT INTO posts (id, author_id, visibility, text, html, spoiler_text, language,"
	       " in_reply_to_id, in_reply_to_account_id, root_id, reblog_of_id, board_owner_id,"
	       " is_question, sensitive, has_tags, created_at, idempotency_key)"
	       " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	sq_int(st, 1, p->id);
	sq_int(st, 2, p->author_id);
	sq_int(st, 3, p->visibility);
	sq_text(st, 4, p->text ? p->text : "");
	sq_text(st, 5, p->html ? p->html : "");
	sq_text(st, 6, p->spoiler_text ? p->spoiler_text : "");
	sq_text(st, 7, p->language);
	sq_id(st, 8, p->in_reply_to_id);
	sq_id(st, 9, p->in_reply_to_account_id);
	sq_id(st, 10, p->root_id);
	sq_id(st, 11, p->reblog_of_id);
	sq_id(st, 12, p->board_owner_id);
	sq_int(st, 13, p->question);
	sq_int(st, 14, p->sensitive);
	sq_int(st, 15, p->has_tags);
	sq_int(st, 16, p->created_at);
	sq_text(st, 17, p->idempotency_key);
	return sq_exec(w, st);
}

int store_post_get(struct store_conn *c, struct arena *a, int64_t id, struct post_row *p)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT " POST_COLS " FROM posts WHERE id = ?");
	sq_int(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		post_row_read(a, st, p);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

int store_post_update_text(struct store_conn *w, int64_t id, const char *text, const char *html,
			   const char *spoiler_text, bool sensitive, const char *language,
			   bool has_tags, int64_t edited_at)
{
	sqlite3_stmt *st = sq_stmt(
	    w, "UPDATE posts SET text = ?, html = ?, spoiler_text = ?, sensitive = ?,"
	       " language = ?, has_tags = ?, edited_at = ? WHERE id = ? AND deleted_at IS NULL");
	sq_text(st, 1, text);
	sq_text(st, 2, html);
	sq_text(st, 3, spoiler_text ? spoiler_text : "");
	sq_int(st, 4, sensitive);
	sq_text(st, 5, language);
	sq_int(st, 6, has_tags);
	sq_int(st, 7, edited_at);
	sq_int(st, 8, id);
	int rc = sq_exec(w, st);
	if (rc == STORE_OK && sqlite3_changes(w->db) == 0)
		return STORE_NOT_FOUND;
	return rc;
}

int store_post_delete(struct store_conn *w, int64_t id, int64_t at)
{
	sqlite3_stmt *st =
	    sq_stmt(w, "UPDATE posts SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL");
	sq_int(st, 1, at);
	sq_int(st, 2, id);
	int rc = sq_exec(w, st);
	if (rc == STORE_OK && sqlite3_changes(w->db) == 0)
		return STORE_NOT_FOUND;
	return rc;
}

int store_post_count_add(struct store_conn *w, int64_t id, enum store_post_counter which, int delta)
{
	sqlite3_stmt *st;
	switch (which) {
	case POST_REPLIES:
		st = sq_stmt(w, "UPDATE posts SET replies_count = max(0, replies_count + ?)"
				" WHERE id = ?");
		break;
	case POST_FAVOURITES:
		st = sq_stmt(w, "UPDATE posts SET favourites_count = max(0, favourites_count + ?)"
				" WHERE id = ?");
		break;
	default:
		st = sq_stmt(w, "UPDATE posts SET reblogs_count = max(0, reblogs_count + ?)"
				" WHERE id = ?");
		break;
	}
	sq_int(st, 1, delta);
	sq_int(st, 2, id);
	return sq_exec(w, st);
}

/* Steps a statement expected to yield at most one integer. */
static int one_id(sqlite3_stmt *st, int64_t *out)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

int store_post_by_idempotency(struct store_conn *c, int64_t author, const char *key,
			      int64_t since_ms, int64_t *id)
{
	sqlite3_stmt *st =
	    sq_stmt(c, "SELECT id FROM posts WHERE author_id = ? AND idempotency_key = ?"
		       " AND created_at >= ? AND deleted_at IS NULL ORDER BY id DESC LIMIT 1");
	sq_int(st, 1, author);
	sq_text(st, 2, key);
	sq_int(st, 3, since_ms);
	return one_id(st, id);
}

int store_post_reblog_find(struct store_conn *c, int64_t author, int64_t original, int64_t *id)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT id FROM posts WHERE reblog_of_id = ?"
				      " AND author_id = ? AND deleted_at IS NULL");
	sq_int(st, 1, original);
	sq_int(st, 2, author);
	return one_id(st, id);
}

int store_post_mentions_set(struct store_conn *w, int64_t post_id, const int64_t *users, size_t n)
{
	sqlite3_stmt *st = sq_stmt(w, "DELETE FROM post_mentions WHERE post_id = ?");
	sq_int(st, 1, post_id);
	int rc = sq_exec(w, st);
	for (size_t i = 0; rc == STORE_OK && i < n; i++) {
		st = sq_stmt(w, "INSERT OR IGNORE INTO post_mentions (post_id, user_id)"
				" VALUES (?, ?)");
		sq_int(st, 1, post_id);
		sq_int(st, 2, users[i]);
		rc = sq_exec(w, st);
	}
	return rc;
}

int store_post_tags_set(struct store_conn *w, int64_t post_id, const char *const *tags, size_t n)
{
	sqlite3_stmt *st = sq_stmt(w, "DELETE FROM post_tags WHERE post_id = ?");
	sq_int(st, 1, post_id);
	int rc = sq_exec(w, st);
	for (size_t i = 0; rc == STORE_OK && i < n; i++) {
		st = sq_stmt(w, "INSERT OR IGNORE INTO post_tags (tag, post_id) VALUES (?, ?)");
		sq_text(st, 1, tags[i]);
		sq_int(st, 2, post_id);
		rc = sq_exec(w, st);
	}
	return rc;
}

size_t store_post_mentions(struct store_conn *c, struct arena *a, int64_t post_id,
			   struct post_mention *out, size_t max)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT u.id, u.username FROM post_mentions m"
				      " JOIN users u ON u.id = m.user_id WHERE m.post_id = ?"
				      " ORDER BY m.user_id");
	sq_int(st, 1, post_id);
	size_t n = 0;
	while (n < max && sqlite3_step(st) == SQLITE_ROW) {
		out[n].user_id = sqlite3_column_int64(st, 0);
		out[n].username = sq_col_text(a, st, 1);
		n++;
	}
	sqlite3_reset(st);
	return n;
}

/* Collects the first column of every row as ids. */
static size_t collect_ids(sqlite3_stmt *st, int64_t *out, size_t max)
{
	size_t n = 0;
	while (n < max && sqlite3_step(st) == SQLITE_ROW)
		out[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

size_t store_post_mention_ids(struct store_conn *c, int64_t post_id, int64_t *out, size_t max)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT user_id FROM post_mentions WHERE post_id = ?"
				      " ORDER BY user_id");
	sq_int(st, 1, post_id);
	return collect_ids(st, out, max);
}

size_t store_post_tags(struct store_conn *c, struct arena *a, int64_t post_id, const char **out,
		       size_t max)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT tag FROM post_tags WHERE post_id = ? ORDER BY tag");
	sq_int(st, 1, post_id);
	size_t n = 0;
	while (n < max && sqlite3_step(st) == SQLITE_ROW)
		out[n++] = sq_col_text(a, st, 0);
	sqlite3_reset(st);
	return n;
}

size_t store_post_children(struct store_conn *c, int64_t parent, int64_t *out, size_t max)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT id FROM posts WHERE in_reply_to_id = ?"
				      " AND deleted_at IS NULL ORDER BY id");
	sq_int(st, 1, parent);
	return collect_ids(st, out, max);
}

size_t store_post_thread(struct store_conn *c, int64_t root, int64_t *out, size_t max)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT id FROM posts WHERE root_id = ? ORDER BY id");
	sq_int(st, 1, root);
	return collect_ids(st, out, max);
}

int store_favourite_add(struct store_conn *w, int64_t post_id, int64_t user_id, int64_t at)
{
	sqlite3_stmt *st = sq_stmt(w, "INSERT OR IGNORE INTO favourites (post_id, user_id,"
				      " created_at) VALUES (?, ?, ?)");
	sq_int(st, 1, post_id);
	sq_int(st, 2, user_id);
	sq_int(st, 3, at);
	int rc = sq_exec(w, st);
	if (rc == STORE_OK && sqlite3_changes(w->db) == 0)
		return STORE_CONFLICT;
	return rc;
}

int store_favourite_remove(struct store_conn *w, int64_t post_id, int64_t user_id)
{
	sqlite3_stmt *st = sq_stmt(w, "DELETE FROM favourites WHERE post_id = ? AND user_id = ?");
	sq_int(st, 1, post_id);
	sq_int(st, 2, user_id);
	int rc = sq_exec(w, st);
	if (rc == STORE_OK && sqlite3_changes(w->db) == 0)
		return STORE_NOT_FOUND;
	return rc;
}

/* Finishes a scan: STORE_OK when it ran to the end or was stopped by the callback. */
static int scan_end(struct store_conn *c, sqlite3_stmt *st, int rc)
{
	sqlite3_reset(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return STORE_OK;
	sq_log(c, "scan");
	return STORE_ERROR;
}

size_t store_post_favourited_by(struct store_conn *c, int64_t post_id, int64_t *out, size_t max)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT user_id FROM favourites WHERE post_id = ?"
				      " ORDER BY created_at DESC, user_id DESC");
	sq_int(st, 1, post_id);
	return collect_ids(st, out, max);
}

size_t store_post_reblogged_by(struct store_conn *c, int64_t post_id, int64_t *out, size_t max)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT author_id FROM posts WHERE reblog_of_id = ?"
				      " AND deleted_at IS NULL ORDER BY id DESC");
	sq_int(st, 1, post_id);
	return collect_ids(st, out, max);
}

size_t store_post_reblogs(struct store_conn *c, int64_t post_id, int64_t *out, size_t max)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT id FROM posts WHERE reblog_of_id = ?"
				      " AND deleted_at IS NULL ORDER BY id");
	sq_int(st, 1, post_id);
	return collect_ids(st, out, max);
}

int store_user_touch_status(struct store_conn *w, int64_t author, int64_t at)
{
	sqlite3_stmt *st = sq_stmt(w, "UPDATE users SET last_status_at = ? WHERE id = ?");
	sq_int(st, 1, at);
	sq_int(st, 2, author);
	return sq_exec(w, st);
}

int store_posts_stats(struct store_conn *c, int64_t *count, int64_t *max_id)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT count(*), coalesce(max(id), 0) FROM posts");
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*count = sqlite3_column_int64(st, 0);
		*max_id = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? STORE_OK : STORE_ERROR;
}

int store_posts_scan(struct store_conn *c, int (*fn)(void *ctx, const struct post_meta *m),
		     void *ctx)
{
	sqlite3_stmt *st = sq_stmt(
	    c, "SELECT id, author_id, visibility, in_reply_to_id, reblog_of_id, board_owner_id,"
	       " is_question, has_tags, deleted_at IS NOT NULL"
	       " FROM posts INDEXED BY posts_load ORDER BY id");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct post_meta m = {
		    .id = sqlite3_column_int64(st, 0),
		    .author_id = sqlite3_column_int64(st, 1),
		    .visibility = sqlite3_column_int(st, 2),
		    .in_reply_to_id = sqlite3_column_int64(st, 3),
		    .reblog_of_id = sqlite3_column_int64(st, 4),
		    .board_owner_id = sqlite3_column_int64(st, 5),
		    .question = sqlite3_column_int(st, 6) != 0,
		    .has_tags = sqlite3_column_int(st, 7) != 0,
		    .deleted = sqlite3_column_int(st, 8) != 0,
		};
		if (fn(ctx, &m))
			break;
	}
	return scan_end(c, st, rc);
}

int store_mentions_scan(struct store_conn *c,
			int (*fn)(void *ctx, int64_t post_id, int64_t user_id), void *ctx)
{
	sqlite3_stmt *st =
	    sq_stmt(c, "SELECT post_id, user_id FROM post_mentions ORDER BY post_id, user_id");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(ctx, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1)))
			break;
	return scan_end(c, st, rc);
}

int store_favourites_scan(struct store_conn *c,
			  int (*fn)(void *ctx, int64_t user_id, int64_t post_id), void *ctx)
{
	/* the (user_id, post_id) index covers it */
	sqlite3_stmt *st =
	    sq_stmt(c, "SELECT user_id, post_id FROM favourites ORDER BY user_id, post_id");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(ctx, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1)))
			break;
	return scan_end(c, st, rc);
}

int store_tags_scan(struct store_conn *c,
		    int (*fn)(void *ctx, const char *tag, size_t tag_len, int64_t post_id),
		    void *ctx)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT tag, post_id FROM post_tags ORDER BY tag, post_id");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *tag = (const char *)sqlite3_column_text(st, 0);
		size_t len = (size_t)sqlite3_column_bytes(st, 0);
		if (fn(ctx, tag ? tag : "", len, sqlite3_column_int64(st, 1)))
			break;
	}
	return scan_end(c, st, rc);
}
