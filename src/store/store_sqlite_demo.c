/*
 * store_sqlite_demo: bulk loading in SQLite (see store_demo.h).
 *
 * Same single writer connection as the server's, still in WAL mode; for
 * the load only: synchronous=OFF (a crash means starting over anyway),
 * foreign_keys=OFF (the generator keeps references right by
 * construction), a 512 MiB page cache and two sorter threads for the
 * index rebuild.
 */
#include "store/store_sqlite_int.h"
#include "core/log.h"
#include "core/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct store_demo {
	struct store *store;
	struct store_conn *w;
	int in_batch;
	/* CREATE INDEX statements of the dropped indexes */
	char **index_sql;
	int n_index;
};

/* The tables whose secondary indexes are dropped during a bulk load and
 * rebuilt at the end. Not posts: rows come in id order, so its indexes
 * grow mostly at their ends, and updating them as rows arrive costs about
 * what six sorts would, without scanning the widest table six times. */
static const char *const bulk_tables[] = {
    "users",	     "user_expertise", "connections", "follows",
    "post_mentions", "post_tags",      "favourites",  "notifications",
};

static int exec(struct store_conn *w, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(w->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_error("store: %s: %s", sql, err ? err : "?");
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

static int drop_indexes(struct store_demo *b)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(b->w->db,
			       "SELECT name, sql, tbl_name FROM sqlite_master WHERE type = 'index'"
			       " AND sql IS NOT NULL ORDER BY name",
			       -1, &st, NULL) != SQLITE_OK) {
		sq_log(b->w, "list indexes");
		return -1;
	}
	char **names = NULL;
	int n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *tbl = (const char *)sqlite3_column_text(st, 2);
		bool ours = false;
		for (size_t i = 0; i < sizeof(bulk_tables) / sizeof(bulk_tables[0]); i++)
			ours |= tbl && strcmp(tbl, bulk_tables[i]) == 0;
		if (!ours)
			continue;
		b->index_sql = xrealloc(b->index_sql, (size_t)(n + 1) * sizeof(*b->index_sql));
		names = xrealloc(names, (size_t)(n + 1) * sizeof(*names));
		b->index_sql[n] = xstrdup((const char *)sqlite3_column_text(st, 1));
		names[n] = sqlite3_mprintf("DROP INDEX \"%w\"", sqlite3_column_text(st, 0));
		n++;
	}
	sqlite3_finalize(st);
	b->n_index = n;
	int rc = 0;
	for (int i = 0; i < n; i++) {
		if (rc == 0 && exec(b->w, names[i]) < 0)
			rc = -1;
		sqlite3_free(names[i]);
	}
	free(names);
	return rc;
}

static int rebuild_indexes(struct store_demo *b)
{
	int rc = 0;
	for (int i = 0; i < b->n_index; i++) {
		if (exec(b->w, "BEGIN IMMEDIATE") < 0 || exec(b->w, b->index_sql[i]) < 0 ||
		    exec(b->w, "COMMIT") < 0) {
			store_rollback(b->w);
			rc = -1;
		}
		free(b->index_sql[i]);
	}
	free(b->index_sql);
	b->index_sql = NULL;
	b->n_index = 0;
	/* the search indexes, filled in one pass, and their triggers back */
	if (exec(b->w, "BEGIN IMMEDIATE") < 0 || store_search_bulk_end(b->w) < 0 ||
	    exec(b->w, "COMMIT") < 0) {
		store_rollback(b->w);
		rc = -1;
	}
	return rc;
}

static void release(struct store_demo *b)
{
	exec(b->w, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
		   " PRAGMA cache_size=-65536; PRAGMA threads=0;");
	store_writer_unlock(b->store);
	free(b);
}

int store_demo_begin(struct store *s, struct store_demo **out)
{
	struct store_demo *b = xcalloc(1, sizeof(*b));
	b->store = s;
	b->w = store_writer_lock(s);
	*out = NULL;
	int64_t users = store_user_count(b->w);
	if (users != 0) {
		store_writer_unlock(s);
		free(b);
		return users > 0 ? STORE_CONFLICT : STORE_ERROR;
	}
	if (exec(b->w, "PRAGMA foreign_keys=OFF; PRAGMA synchronous=OFF;"
		       " PRAGMA cache_size=-524288; PRAGMA threads=2;") < 0 ||
	    exec(b->w, "BEGIN IMMEDIATE") < 0)
		goto fail;
	if (drop_indexes(b) < 0 || store_search_bulk_begin(b->w) < 0 || exec(b->w, "COMMIT") < 0 ||
	    exec(b->w, "BEGIN IMMEDIATE") < 0)
		goto fail;
	*out = b;
	return STORE_OK;
fail:
	store_rollback(b->w);
	for (int i = 0; i < b->n_index; i++)
		free(b->index_sql[i]);
	free(b->index_sql);
	release(b);
	return STORE_ERROR;
}

struct store_conn *store_demo_conn(struct store_demo *b)
{
	return b->w;
}

int store_demo_rows(struct store_demo *b, int n)
{
	b->in_batch += n;
	if (b->in_batch < STORE_DEMO_BATCH)
		return STORE_OK;
	b->in_batch = 0;
	if (store_commit(b->w) < 0 || store_begin(b->w) < 0)
		return STORE_ERROR;
	return STORE_OK;
}

int store_demo_finish(struct store_demo *b)
{
	int rc = store_commit(b->w);
	if (rebuild_indexes(b) < 0)
		rc = -1;
	release(b);
	return rc;
}

void store_demo_abort(struct store_demo *b)
{
	store_rollback(b->w);
	rebuild_indexes(b);
	release(b);
}

/* Runs st (bound by the caller) and counts the row. */
static int row(struct store_demo *b, sqlite3_stmt *st)
{
	int rc = sq_exec(b->w, st);
	if (rc != STORE_OK)
		return rc;
	return store_demo_rows(b, 1);
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static const char *or_list(const char *s)
{
	return s && *s ? s : "[]";
}

int store_demo_user(struct store_demo *b, const struct user *u)
{
	sqlite3_stmt *st = sq_stmt(
	    b->w,
	    "INSERT INTO users (id, username, display_name, email, password_hash, role, active,"
	    " created_at, updated_at, title, department, location, phone, about, projects,"
	    " expertise, languages, manager_id, avatar, last_status_at)"
	    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	sq_int(st, 1, u->id);
	sq_text(st, 2, u->username);
	sq_text(st, 3, u->display_name);
	sq_text(st, 4, u->email);
	sq_text(st, 5, u->password_hash);
	sq_text(st, 6, u->role ? u->role : "user");
	sq_int(st, 7, u->active);
	sq_int(st, 8, u->created_at);
	sq_int(st, 9, u->updated_at ? u->updated_at : u->created_at);
	sq_text(st, 10, or_empty(u->title));
	sq_text(st, 11, or_empty(u->department));
	sq_text(st, 12, or_empty(u->location));
	sq_text(st, 13, or_empty(u->phone));
	sq_text(st, 14, or_empty(u->about));
	sq_text(st, 15, or_list(u->projects_json));
	sq_text(st, 16, or_list(u->expertise_json));
	sq_text(st, 17, or_list(u->languages_json));
	sq_id(st, 18, u->manager_id);
	sq_text(st, 19, u->avatar);
	sq_id(st, 20, u->last_status_at);
	return row(b, st);
}

int store_demo_expertise(struct store_demo *b, int64_t user_id, const char *tag)
{
	sqlite3_stmt *st =
	    sq_stmt(b->w, "INSERT OR IGNORE INTO user_expertise (tag, user_id) VALUES (?,?)");
	sq_text(st, 1, tag);
	sq_int(st, 2, user_id);
	return row(b, st);
}

int store_demo_connection(struct store_demo *b, int64_t a, int64_t c, int64_t created_at)
{
	sqlite3_stmt *st =
	    sq_stmt(b->w, "INSERT INTO connections (a, b, created_at) VALUES (?,?,?)");
	sq_int(st, 1, a < c ? a : c);
	sq_int(st, 2, a < c ? c : a);
	sq_int(st, 3, created_at);
	return row(b, st);
}

int store_demo_follow(struct store_demo *b, int64_t follower, int64_t followee, int64_t created_at)
{
	sqlite3_stmt *st =
	    sq_stmt(b->w, "INSERT INTO follows (follower, followee, created_at) VALUES (?,?,?)");
	sq_int(st, 1, follower);
	sq_int(st, 2, followee);
	sq_int(st, 3, created_at);
	return row(b, st);
}

int store_demo_post(struct store_demo *b, const struct store_demo_post *p)
{
	sqlite3_stmt *st = sq_stmt(
	    b->w, "INSERT INTO posts (id, author_id, visibility, text, html, language,"
		  " in_reply_to_id, in_reply_to_account_id, root_id, reblog_of_id, board_owner_id,"
		  " is_question, has_tags, created_at, replies_count, favourites_count,"
		  " reblogs_count) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	sq_int(st, 1, p->id);
	sq_int(st, 2, p->author_id);
	sq_int(st, 3, p->visibility);
	sqlite3_bind_text(st, 4, or_empty(p->text), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, or_empty(p->html), -1, SQLITE_STATIC);
	sq_text(st, 6, p->language);
	sq_id(st, 7, p->in_reply_to_id);
	sq_id(st, 8, p->in_reply_to_account_id);
	sq_id(st, 9, p->root_id);
	sq_id(st, 10, p->reblog_of_id);
	sq_id(st, 11, p->board_owner_id);
	sq_int(st, 12, p->is_question);
	sq_int(st, 13, p->has_tags);
	sq_int(st, 14, p->created_at);
	sq_int(st, 15, p->replies_count);
	sq_int(st, 16, p->favourites_count);
	sq_int(st, 17, p->reblogs_count);
	return row(b, st);
}

int store_demo_mention(struct store_demo *b, int64_t post_id, int64_t user_id)
{
	sqlite3_stmt *st =
	    sq_stmt(b->w, "INSERT OR IGNORE INTO post_mentions (post_id, user_id) VALUES (?,?)");
	sq_int(st, 1, post_id);
	sq_int(st, 2, user_id);
	return row(b, st);
}

int store_demo_tag(struct store_demo *b, const char *tag, int64_t post_id)
{
	sqlite3_stmt *st =
	    sq_stmt(b->w, "INSERT OR IGNORE INTO post_tags (tag, post_id) VALUES (?,?)");
	sq_text(st, 1, tag);
	sq_int(st, 2, post_id);
	return row(b, st);
}

int store_demo_favourite(struct store_demo *b, int64_t post_id, int64_t user_id, int64_t created_at)
{
	sqlite3_stmt *st =
	    sq_stmt(b->w, "INSERT INTO favourites (post_id, user_id, created_at) VALUES (?,?,?)");
	sq_int(st, 1, post_id);
	sq_int(st, 2, user_id);
	sq_int(st, 3, created_at);
	return row(b, st);
}

int store_demo_notification(struct store_demo *b, int64_t id, int64_t user_id, const char *type,
			    int64_t actor_id, int64_t post_id, int64_t created_at)
{
	sqlite3_stmt *st = sq_stmt(
	    b->w, "INSERT INTO notifications (id, user_id, type, actor_id, post_id, created_at)"
		  " VALUES (?,?,?,?,?,?)");
	sq_int(st, 1, id);
	sq_int(st, 2, user_id);
	sq_text(st, 3, type);
	sq_id(st, 4, actor_id);
	sq_id(st, 5, post_id);
	sq_int(st, 6, created_at);
	return row(b, st);
}

int store_demo_counts(struct store *s, struct store_demo_table *out, int max)
{
	struct store_conn *c = store_reader(s);
	sqlite3_stmt *list;
	if (sqlite3_prepare_v2(c->db,
			       "SELECT name FROM sqlite_master WHERE type = 'table'"
			       " AND name NOT LIKE 'sqlite_%' ORDER BY name",
			       -1, &list, NULL) != SQLITE_OK) {
		sq_log(c, "list tables");
		return -1;
	}
	int n = 0, rc = 0;
	while (n < max && sqlite3_step(list) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(list, 0);
		char *sql = sqlite3_mprintf("SELECT count(*) FROM \"%w\"", name);
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW) {
			snprintf(out[n].name, sizeof(out[n].name), "%s", name);
			out[n].rows = sqlite3_column_int64(st, 0);
			n++;
		} else {
			sq_log(c, "count rows");
			rc = -1;
		}
		sqlite3_finalize(st);
		sqlite3_free(sql);
	}
	sqlite3_finalize(list);
	return rc < 0 ? -1 : n;
}
