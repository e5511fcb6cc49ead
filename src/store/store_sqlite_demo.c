/*
 * store_sqlite_demo: bulk loading in SQLite (see store_demo.h).
 *
 * The store's single writer connection, for the load only: no journal
 * (each page is written once, not to the WAL and again by a checkpoint;
 * a crash means starting over anyway), synchronous=OFF, foreign_keys=OFF
 * (the generator keeps references right by construction), a 1 GiB page
 * cache and two sorter threads for the index rebuild. The connection
 * returns to WAL mode and the server's settings at the end.
 *
 * The search triggers (search_*) are dropped with the secondary indexes
 * and recreated from the SQL the database recorded, after the indexes
 * they feed are filled in one pass each: external-content indexes by
 * 'rebuild', search_posts (live posts that are not reposts, what its
 * insert trigger takes) from the side index another thread built while
 * the posts were written (store_demo_side_*), copied shadow table by
 * shadow table, or else by one INSERT … SELECT.
 */
#include "store/store_sqlite_int.h"
#include "store/store_sqlite_search_int.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/xmalloc.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Side index rows per transaction. */
#define SIDE_BATCH 100000
/* Up to this many posts, the copied index is checked against the posts
 * (FTS5's integrity-check: what the triggers would have made). */
#define SIDE_CHECK_MAX 200000

struct store_demo_side {
	sqlite3 *db;
	sqlite3_stmt *add;
	char *path;
	int in_batch;
	int64_t n;
	bool done; /* closed with every post in it */
};

/* The narrow tables with the most rows take their rows in groups of
 * MANY_ROWS, one INSERT each: the statement's setup, step and reset are
 * paid once a group instead of once a row. */
#define MANY_ROWS 64
#define MANY_COLS 3

enum many_table { MANY_CONNECTIONS, MANY_FOLLOWS, MANY_FAVOURITES, MANY_MENTIONS, MANY_TABLES };

static const struct {
	const char *insert; /* up to VALUES */
	int cols;
} many_tables[MANY_TABLES] = {
    [MANY_CONNECTIONS] = {"INSERT INTO connections (a, b, created_at) VALUES ", 3},
    [MANY_FOLLOWS] = {"INSERT INTO follows (follower, followee, created_at) VALUES ", 3},
    [MANY_FAVOURITES] = {"INSERT INTO favourites (post_id, user_id, created_at) VALUES ", 3},
    [MANY_MENTIONS] = {"INSERT OR IGNORE INTO post_mentions (post_id, user_id) VALUES ", 2},
};

struct many {
	sqlite3_stmt *full; /* MANY_ROWS rows */
	int n;
	int64_t v[MANY_ROWS * MANY_COLS];
};

struct store_demo {
	struct store *store;
	struct store_conn *w;
	int in_batch;
	struct many many[MANY_TABLES];
	/* CREATE statements of the dropped indexes, then of the dropped
	 * triggers (indexes first: sqlite_master order by type) */
	char **saved_sql;
	int n_saved, n_indexes;
	struct store_demo_side *side;
};

/* The tables whose secondary indexes are dropped during a bulk load and
 * rebuilt at the end (sorting once is cheaper than keeping them up to
 * date row by row, and the rebuild's sorts use both cores). */
static const char *const bulk_tables[] = {
    "users",	     "user_expertise", "connections", "follows",       "posts",
    "post_mentions", "post_tags",      "favourites",  "notifications",
};

/* Runs sql; the statements that take a second or more (index builds,
 * search fills) are logged with their time, to see where the end of a
 * bulk load goes. */
static int exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	int64_t t0 = clock_mono_us();
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_error("store: %s: %s", sql, err ? err : "?");
		sqlite3_free(err);
		return -1;
	}
	double secs = (double)(clock_mono_us() - t0) / 1e6;
	if (secs >= 1.0)
		log_info("store: bulk load: %.1f s: %.72s", secs, sql);
	return 0;
}

static bool bulk_table(const char *tbl)
{
	for (size_t i = 0; i < sizeof(bulk_tables) / sizeof(bulk_tables[0]); i++)
		if (tbl && strcmp(tbl, bulk_tables[i]) == 0)
			return true;
	return false;
}

/* Drops the bulk tables' secondary indexes and the search triggers,
 * keeping their SQL. */
static int drop_schema(struct store_demo *b)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(b->w->db,
			       "SELECT type, name, sql, tbl_name FROM sqlite_master"
			       " WHERE sql IS NOT NULL AND (type = 'index'"
			       " OR (type = 'trigger' AND name LIKE 'search\\_%' ESCAPE '\\'))"
			       " ORDER BY type, name",
			       -1, &st, NULL) != SQLITE_OK) {
		sq_log(b->w, "list indexes");
		return -1;
	}
	char **drops = NULL;
	int n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		bool index = strcmp((const char *)sqlite3_column_text(st, 0), "index") == 0;
		if (index && !bulk_table((const char *)sqlite3_column_text(st, 3)))
			continue;
		b->saved_sql = xrealloc(b->saved_sql, (size_t)(n + 1) * sizeof(*b->saved_sql));
		drops = xrealloc(drops, (size_t)(n + 1) * sizeof(*drops));
		b->saved_sql[n] = xstrdup((const char *)sqlite3_column_text(st, 2));
		drops[n] = sqlite3_mprintf(index ? "DROP INDEX \"%w\"" : "DROP TRIGGER \"%w\"",
					   sqlite3_column_text(st, 1));
		b->n_indexes += index;
		n++;
	}
	sqlite3_finalize(st);
	b->n_saved = n;
	int rc = 0;
	for (int i = 0; i < n; i++) {
		if (rc == 0 && exec(b->w->db, drops[i]) < 0)
			rc = -1;
		sqlite3_free(drops[i]);
	}
	free(drops);
	return rc;
}

/* search_posts's shadow tables from the side index (rc 0), in the
 * current transaction. */
static int copy_side(struct store_demo *b)
{
	sqlite3 *db = b->w->db;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db,
			       "SELECT name FROM demo_side.sqlite_master WHERE type = 'table'"
			       " AND name LIKE 'search\\_posts\\_%' ESCAPE '\\'",
			       -1, &st, NULL) != SQLITE_OK) {
		sq_log(b->w, "list the side index");
		return -1;
	}
	int rc = 0, n = 0;
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		char *sql = sqlite3_mprintf("DELETE FROM main.\"%w\"; INSERT INTO main.\"%w\" "
					    "SELECT * FROM demo_side.\"%w\"",
					    sqlite3_column_text(st, 0), sqlite3_column_text(st, 0),
					    sqlite3_column_text(st, 0));
		rc = exec(db, sql);
		sqlite3_free(sql);
		n++;
	}
	sqlite3_finalize(st);
	if (rc == 0 && n > 0 && b->side->n <= SIDE_CHECK_MAX &&
	    exec(db, "INSERT INTO search_posts(search_posts) VALUES ('integrity-check')") < 0) {
		log_error("store: the side search index does not match the posts");
		return -1;
	}
	return rc == 0 && n > 0 ? 0 : -1;
}

/* Fills every search index in one pass each (in the current transaction). */
static int fill_search(struct store_demo *b)
{
	sqlite3 *db = b->w->db;
	sqlite3_stmt *st;
	/* the indexes over another table (content='…'); search_posts apart */
	if (sqlite3_prepare_v2(db,
			       "SELECT name FROM sqlite_master WHERE type = 'table'"
			       " AND name LIKE 'search\\_%' ESCAPE '\\' AND name <> 'search_posts'"
			       " AND sql LIKE 'CREATE VIRTUAL TABLE%USING fts5%content=''_%'"
			       " AND sql NOT LIKE '%content=''''%'",
			       -1, &st, NULL) != SQLITE_OK) {
		sq_log(b->w, "list the search indexes");
		return -1;
	}
	int rc = 0;
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		char *sql = sqlite3_mprintf("INSERT INTO \"%w\"(\"%w\") VALUES ('rebuild')",
					    sqlite3_column_text(st, 0), sqlite3_column_text(st, 0));
		rc = exec(db, sql);
		sqlite3_free(sql);
	}
	sqlite3_finalize(st);
	if (rc < 0 || store_search_files_fill(b->w) < 0) /* keeps its own text */
		return -1;
	if (b->side && b->side->done && copy_side(b) == 0)
		return 0;
	/* no side index: what the insert trigger would have added, at once */
	return exec(db, "INSERT INTO search_posts(search_posts) VALUES ('delete-all')") < 0 ||
		       exec(db, "INSERT INTO search_posts(rowid, text, spoiler_text)"
				" SELECT id, text, spoiler_text FROM posts"
				" WHERE reblog_of_id IS NULL AND deleted_at IS NULL") < 0 ||
		       exec(db, "INSERT INTO search_posts(search_posts) VALUES ('optimize')") < 0
		   ? -1
		   : 0;
}

static void side_free(struct store_demo_side *x)
{
	if (!x)
		return;
	sqlite3_finalize(x->add);
	sqlite3_close(x->db);
	unlink(x->path);
	sqlite3_free(x->path);
	free(x);
}

static int rebuild_schema(struct store_demo *b)
{
	sqlite3 *db = b->w->db;
	int rc = 0;
	for (int i = 0; i < b->n_indexes; i++) {
		if (exec(db, "BEGIN IMMEDIATE") < 0 || exec(db, b->saved_sql[i]) < 0 ||
		    exec(db, "COMMIT") < 0) {
			store_rollback(b->w);
			rc = -1;
		}
	}
	/* the search indexes, filled in one pass, then their triggers back */
	bool side = b->side && b->side->done;
	if (side) {
		char *sql = sqlite3_mprintf("ATTACH %Q AS demo_side", b->side->path);
		side = exec(db, sql) == 0;
		sqlite3_free(sql);
		sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 0, NULL);
	}
	if (!side && b->side)
		b->side->done = false;
	if (exec(db, "BEGIN IMMEDIATE") < 0 || fill_search(b) < 0) {
		store_rollback(b->w);
		rc = -1;
	}
	for (int i = b->n_indexes; i < b->n_saved && rc == 0; i++)
		rc = exec(db, b->saved_sql[i]);
	if (rc == 0 && exec(db, "COMMIT") < 0)
		rc = -1;
	if (rc < 0)
		store_rollback(b->w);
	if (side)
		exec(db, "DETACH demo_side");
	for (int i = 0; i < b->n_saved; i++)
		free(b->saved_sql[i]);
	free(b->saved_sql);
	b->saved_sql = NULL;
	b->n_saved = b->n_indexes = 0;
	side_free(b->side);
	b->side = NULL;
	return rc;
}

/* The journal mode after sql ("wal", "off"), into out. */
static void journal_mode(struct store_conn *w, const char *sql, char *out, size_t len)
{
	sqlite3_stmt *st;
	snprintf(out, len, "?");
	if (sqlite3_prepare_v2(w->db, sql, -1, &st, NULL) != SQLITE_OK)
		return;
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(out, len, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/* Inserts the n rows waiting in table t's group. */
static int many_flush(struct store_demo *b, enum many_table t)
{
	struct many *m = &b->many[t];
	if (!m->n)
		return STORE_OK;
	sqlite3_stmt *st = m->n == MANY_ROWS ? m->full : NULL;
	if (!st) {
		char *sql = sqlite3_mprintf("%s", many_tables[t].insert);
		for (int i = 0; i < m->n; i++)
			sql = sqlite3_mprintf("%z%s(?%s)", sql, i ? "," : "",
					      many_tables[t].cols == 3 ? ",?,?" : ",?");
		int rc = sqlite3_prepare_v2(b->w->db, sql, -1, &st, NULL);
		sqlite3_free(sql);
		if (rc != SQLITE_OK) {
			sq_log(b->w, "prepare a group of rows");
			return STORE_ERROR;
		}
		if (m->n == MANY_ROWS)
			m->full = st;
	}
	for (int i = 0; i < m->n * many_tables[t].cols; i++)
		sqlite3_bind_int64(st, i + 1, m->v[i]);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (st != m->full)
		sqlite3_finalize(st);
	m->n = 0;
	if (rc != SQLITE_DONE) {
		sq_log(b->w, "insert a group of rows");
		return STORE_ERROR;
	}
	return STORE_OK;
}

static int many_flush_all(struct store_demo *b)
{
	for (int t = 0; t < MANY_TABLES; t++)
		if (many_flush(b, (enum many_table)t) != STORE_OK)
			return STORE_ERROR;
	return STORE_OK;
}

/* One row of table t (its columns' values), counted towards the batch. */
static int many_add(struct store_demo *b, enum many_table t, int64_t x, int64_t y, int64_t z)
{
	struct many *m = &b->many[t];
	int64_t *v = m->v + m->n * many_tables[t].cols;
	v[0] = x;
	v[1] = y;
	if (many_tables[t].cols == 3)
		v[2] = z;
	if (++m->n == MANY_ROWS && many_flush(b, t) != STORE_OK)
		return STORE_ERROR;
	return store_demo_rows(b, 1);
}

static void release(struct store_demo *b)
{
	for (int t = 0; t < MANY_TABLES; t++)
		sqlite3_finalize(b->many[t].full);
	char mode[16];
	journal_mode(b->w, "PRAGMA journal_mode=WAL", mode, sizeof(mode));
	if (strcmp(mode, "wal") != 0)
		log_error("store: bulk load: cannot return to WAL mode (%s)", mode);
	exec(b->w->db, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
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
	/* no journal (only the writer connection is open now) */
	char mode[16];
	journal_mode(b->w, "PRAGMA journal_mode=OFF", mode, sizeof(mode));
	if (strcmp(mode, "off") != 0)
		log_info("store: bulk load in %s mode", mode);
	if (exec(b->w->db, "PRAGMA foreign_keys=OFF; PRAGMA synchronous=OFF;"
			   " PRAGMA cache_size=-1048576; PRAGMA threads=2;") < 0 ||
	    exec(b->w->db, "BEGIN IMMEDIATE") < 0)
		goto fail;
	if (drop_schema(b) < 0 || exec(b->w->db, "COMMIT") < 0 ||
	    exec(b->w->db, "BEGIN IMMEDIATE") < 0)
		goto fail;
	*out = b;
	return STORE_OK;
fail:
	store_rollback(b->w);
	for (int i = 0; i < b->n_saved; i++)
		free(b->saved_sql[i]);
	free(b->saved_sql);
	release(b);
	return STORE_ERROR;
}

int store_demo_side_open(struct store_demo *b, struct store_demo_side **out)
{
	*out = NULL;
	if (b->side)
		return STORE_ERROR;
	struct store_demo_side *x = xcalloc(1, sizeof(*x));
	x->path = sqlite3_mprintf("%s-search.tmp", sqlite3_db_filename(b->w->db, "main"));
	unlink(x->path);
	sqlite3_stmt *st =
	    sq_stmt(b->w, "SELECT sql FROM sqlite_master WHERE name = 'search_posts'");
	char *create = sqlite3_step(st) == SQLITE_ROW
			   ? xstrdup((const char *)sqlite3_column_text(st, 0))
			   : NULL;
	sqlite3_reset(st);
	int rc = create && sqlite3_open_v2(x->path, &x->db,
					   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
					       SQLITE_OPEN_NOMUTEX,
					   NULL) == SQLITE_OK
		     ? 0
		     : -1;
	if (rc == 0)
		rc = exec(x->db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
				 " PRAGMA cache_size=-262144;");
	if (rc == 0)
		rc = exec(x->db, create);
	if (rc == 0 &&
	    sqlite3_prepare_v3(x->db,
			       "INSERT INTO search_posts(rowid, text, spoiler_text)"
			       " VALUES (?, ?, '')",
			       -1, SQLITE_PREPARE_PERSISTENT, &x->add, NULL) != SQLITE_OK)
		rc = -1;
	if (rc == 0)
		rc = exec(x->db, "BEGIN");
	free(create);
	if (rc < 0) {
		log_error("store: cannot open the side search index %s", x->path);
		side_free(x);
		return STORE_ERROR;
	}
	b->side = x;
	*out = x;
	return STORE_OK;
}

int store_demo_side_post(struct store_demo_side *x, int64_t id, const char *text)
{
	sqlite3_bind_int64(x->add, 1, id);
	sqlite3_bind_text(x->add, 2, text, -1, SQLITE_STATIC);
	int rc = sqlite3_step(x->add);
	sqlite3_reset(x->add);
	if (rc != SQLITE_DONE) {
		log_error("store: side search index: %s", sqlite3_errmsg(x->db));
		return STORE_ERROR;
	}
	x->n++;
	if (++x->in_batch < SIDE_BATCH)
		return STORE_OK;
	x->in_batch = 0;
	return exec(x->db, "COMMIT; BEGIN") < 0 ? STORE_ERROR : STORE_OK;
}

int store_demo_side_close(struct store_demo_side *x)
{
	if (exec(x->db, "COMMIT") < 0 ||
	    exec(x->db, "INSERT INTO search_posts(search_posts) VALUES ('optimize')") < 0)
		return STORE_ERROR;
	x->done = true;
	return STORE_OK;
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
	if (many_flush_all(b) != STORE_OK || store_commit(b->w) < 0 || store_begin(b->w) < 0)
		return STORE_ERROR;
	return STORE_OK;
}

int store_demo_finish(struct store_demo *b)
{
	int rc = many_flush_all(b) != STORE_OK ? -1 : store_commit(b->w);
	if (rebuild_schema(b) < 0)
		rc = -1;
	release(b);
	return rc;
}

void store_demo_abort(struct store_demo *b)
{
	store_rollback(b->w);
	if (b->side)
		b->side->done = false;
	rebuild_schema(b);
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
	return many_add(b, MANY_CONNECTIONS, a < c ? a : c, a < c ? c : a, created_at);
}

int store_demo_follow(struct store_demo *b, int64_t follower, int64_t followee, int64_t created_at)
{
	return many_add(b, MANY_FOLLOWS, follower, followee, created_at);
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
	return many_add(b, MANY_MENTIONS, post_id, user_id, 0);
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
	return many_add(b, MANY_FAVOURITES, post_id, user_id, created_at);
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
