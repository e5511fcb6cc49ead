/*
 * store_sqlite: the SQLite backend's core — opening, migrations, the one
 * writer connection, per-thread read-only connections, statement cache.
 */
#include "store/store_sqlite_int.h"
#include "core/log.h"
#include "core/xmalloc.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct store {
	char *path;
	struct store_conn *writer;
	pthread_mutex_t writer_lock;
	pthread_key_t reader_key;
	pthread_mutex_t readers_lock;
	struct store_conn **readers; /* every reader, closed at store_close */
	size_t n_readers, cap_readers;
	int version;
	/* The checkpointer (store_checkpoints_start): WAL frames after the
	 * last commit, reported by the writer's WAL hook. */
	pthread_t ckpt_thread;
	pthread_mutex_t ckpt_lock;
	pthread_cond_t ckpt_wake;
	int ckpt_frames;
	bool ckpt_running, ckpt_stop;
};

/* WAL frames (pages) that start a checkpoint, SQLite's default. */
#define CHECKPOINT_FRAMES 1000

static void conn_close(struct store_conn *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->cap; i++)
		if (c->stmts[i])
			sqlite3_finalize(c->stmts[i]);
	free(c->keys);
	free(c->stmts);
	sqlite3_close(c->db);
	free(c);
}

static struct store_conn *conn_open(const char *path, bool writer)
{
	struct store_conn *c = xcalloc(1, sizeof(*c));
	int flags = writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
	flags |= SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &c->db, flags, NULL) != SQLITE_OK) {
		log_error("store: cannot open %s: %s", path, sqlite3_errmsg(c->db));
		conn_close(c);
		return NULL;
	}
	c->writer = writer;
	sqlite3_busy_timeout(c->db, 5000);
	if (sq_search_register(c->db) < 0)
		log_error("store: cannot register the search ranking function");
	const char *pragmas = writer ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
				       "PRAGMA foreign_keys=ON; PRAGMA mmap_size=0;"
				       "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
				     : "PRAGMA mmap_size=0; PRAGMA cache_size=-16384;"
				       "PRAGMA temp_store=MEMORY; PRAGMA query_only=1;";
	char *err = NULL;
	if (sqlite3_exec(c->db, pragmas, NULL, NULL, &err) != SQLITE_OK) {
		log_error("store: %s", err);
		sqlite3_free(err);
		conn_close(c);
		return NULL;
	}
	return c;
}

sqlite3_stmt *sq_stmt(struct store_conn *c, const char *sql)
{
	if (c->used * 2 >= c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 128;
		const char **keys = xcalloc(ncap, sizeof(*keys));
		sqlite3_stmt **stmts = xcalloc(ncap, sizeof(*stmts));
		for (size_t i = 0; i < c->cap; i++) {
			if (!c->keys[i])
				continue;
			size_t h = ((uintptr_t)c->keys[i] >> 3) & (ncap - 1);
			while (keys[h])
				h = (h + 1) & (ncap - 1);
			keys[h] = c->keys[i];
			stmts[h] = c->stmts[i];
		}
		free(c->keys);
		free(c->stmts);
		c->keys = keys;
		c->stmts = stmts;
		c->cap = ncap;
	}
	size_t h = ((uintptr_t)sql >> 3) & (c->cap - 1);
	while (c->keys[h] && c->keys[h] != sql)
		h = (h + 1) & (c->cap - 1);
	if (c->keys[h]) {
		sqlite3_stmt *st = c->stmts[h];
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return st;
	}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		log_error("store: prepare failed: %s\n  in: %s", sqlite3_errmsg(c->db), sql);
		abort();
	}
	c->keys[h] = sql;
	c->stmts[h] = st;
	c->used++;
	return st;
}

void sq_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

void sq_int(sqlite3_stmt *st, int i, int64_t v)
{
	sqlite3_bind_int64(st, i, v);
}

void sq_id(sqlite3_stmt *st, int i, int64_t v)
{
	if (v > 0)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

const char *sq_col_text(struct arena *a, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	if (!t)
		return NULL;
	return arena_strndup(a, (const char *)t, (size_t)sqlite3_column_bytes(st, col));
}

void sq_log(struct store_conn *c, const char *what)
{
	log_error("store: %s: %s", what, sqlite3_errmsg(c->db));
}

int sq_one_row(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

int sq_changed_or_not_found(struct store_conn *w, int rc)
{
	if (rc == STORE_OK && sqlite3_changes(w->db) == 0)
		return STORE_NOT_FOUND;
	return rc;
}

int sq_exec(struct store_conn *c, sqlite3_stmt *st)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return STORE_OK;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return STORE_CONFLICT;
	sq_log(c, "exec");
	return STORE_ERROR;
}

/*
 * Areas added after the numbered migrations keep their own lists
 * (store_schema_<area>.c), so each area's schema changes live with its
 * code. schema_areas records how many of an area's migrations ran.
 */
static int migrate_area(sqlite3 *db, const struct store_area_schema *a)
{
	sqlite3_stmt *st;
	int done = 0;
	if (sqlite3_prepare_v2(db, "SELECT version FROM schema_areas WHERE name=?", -1, &st,
			       NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, a->name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		done = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	int count = 0;
	while (a->migrations[count])
		count++;
	if (done > count) {
		log_error("store: the %s schema %d is newer than this moka (%d)", a->name, done,
			  count);
		return -1;
	}
	for (int i = done; i < count; i++) {
		char *err = NULL;
		char *mark =
		    sqlite3_mprintf("INSERT INTO schema_areas(name, version) VALUES(%Q, %d)"
				    " ON CONFLICT(name) DO UPDATE SET version=excluded.version;",
				    a->name, i + 1);
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &err) != SQLITE_OK ||
		    sqlite3_exec(db, a->migrations[i], NULL, NULL, &err) != SQLITE_OK ||
		    sqlite3_exec(db, mark, NULL, NULL, &err) != SQLITE_OK ||
		    sqlite3_exec(db, "COMMIT", NULL, NULL, &err) != SQLITE_OK) {
			log_error("store: %s migration %d failed: %s", a->name, i + 1,
				  err ? err : "?");
			sqlite3_free(err);
			sqlite3_free(mark);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
		sqlite3_free(mark);
	}
	return 0;
}

static int migrate_areas(sqlite3 *db)
{
	if (sqlite3_exec(db,
			 "CREATE TABLE IF NOT EXISTS schema_areas (name TEXT PRIMARY KEY,"
			 " version INTEGER NOT NULL) WITHOUT ROWID",
			 NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	for (int i = 0; i < store_area_schemas_count; i++)
		if (migrate_area(db, &store_area_schemas[i]) < 0)
			return -1;
	return 0;
}

static int migrate(struct store *s)
{
	sqlite3 *db = s->writer->db;
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
	int version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	if (version > store_migrations_count) {
		log_error("store: database schema %d is newer than this moka (%d)", version,
			  store_migrations_count);
		return -1;
	}
	for (int i = version; i < store_migrations_count; i++) {
		char *err = NULL;
		char pragma[64];
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d;", i + 1);
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &err) != SQLITE_OK ||
		    sqlite3_exec(db, store_migrations[i], NULL, NULL, &err) != SQLITE_OK ||
		    sqlite3_exec(db, pragma, NULL, NULL, &err) != SQLITE_OK ||
		    sqlite3_exec(db, "COMMIT", NULL, NULL, &err) != SQLITE_OK) {
			log_error("store: migration %d failed: %s", i + 1, err ? err : "?");
			sqlite3_free(err);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	s->version = store_migrations_count;
	return migrate_areas(db);
}

struct store *store_open(const char *dir)
{
	if (mkdir(dir, 0700) < 0) {
		struct stat sb;
		if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
			fprintf(stderr, "moka: cannot create data directory %s\n", dir);
			return NULL;
		}
	}
	struct store *s = xcalloc(1, sizeof(*s));
	size_t n = strlen(dir) + 16;
	s->path = xmalloc(n);
	snprintf(s->path, n, "%s/moka.db", dir);
	pthread_mutex_init(&s->writer_lock, NULL);
	pthread_mutex_init(&s->readers_lock, NULL);
	pthread_mutex_init(&s->ckpt_lock, NULL);
	pthread_cond_init(&s->ckpt_wake, NULL);
	pthread_key_create(&s->reader_key, NULL);
	s->writer = conn_open(s->path, true);
	if (!s->writer || migrate(s) < 0) {
		store_close(s);
		return NULL;
	}
	return s;
}

/* --- checkpoints -------------------------------------------------------- *
 *
 * A WAL checkpoint copies the committed pages into the database file and
 * fsyncs both files: 10-60 ms on this kind of disk. SQLite runs it inside
 * the COMMIT that crosses 1,000 frames, so one write in forty-odd would
 * answer late, with the store's writer held. Here the writer's WAL hook
 * only notes the size and wakes a thread of the store's own, which takes
 * the writer (the one connection that writes or checkpoints: see
 * DESIGN.md's SQLite rule) between two writes and checkpoints on it. */

static int on_wal_commit(void *arg, sqlite3 *db, const char *name, int frames)
{
	struct store *s = arg;
	if (frames >= CHECKPOINT_FRAMES) {
		pthread_mutex_lock(&s->ckpt_lock);
		s->ckpt_frames = frames;
		pthread_cond_signal(&s->ckpt_wake);
		pthread_mutex_unlock(&s->ckpt_lock);
	}
	return SQLITE_OK;
}

/* Writes the WAL's dirty pages to disk before the writer is taken, so
 * the checkpoint's own fsync of the WAL finds little left to do: the
 * writes go on meanwhile. (Any descriptor of the file will do: the flush
 * is of the file's pages, whoever wrote them.) */
static void wal_flush(struct store *s)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s-wal", s->path);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	fdatasync(fd);
	close(fd);
}

static void *checkpointer(void *arg)
{
	struct store *s = arg;
	pthread_mutex_lock(&s->ckpt_lock);
	while (!s->ckpt_stop) {
		if (s->ckpt_frames < CHECKPOINT_FRAMES) {
			pthread_cond_wait(&s->ckpt_wake, &s->ckpt_lock);
			continue;
		}
		s->ckpt_frames = 0;
		pthread_mutex_unlock(&s->ckpt_lock);
		wal_flush(s);
		struct store_conn *w = store_writer_lock(s);
		int rc =
		    sqlite3_wal_checkpoint_v2(w->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		if (rc != SQLITE_OK && rc != SQLITE_BUSY)
			log_warn("store: checkpoint: %s", sqlite3_errmsg(w->db));
		store_writer_unlock(s);
		pthread_mutex_lock(&s->ckpt_lock);
	}
	pthread_mutex_unlock(&s->ckpt_lock);
	return NULL;
}

int store_checkpoints_start(struct store *s)
{
	struct store_conn *w = store_writer_lock(s);
	sqlite3_wal_hook(w->db, on_wal_commit, s); /* replaces the autocheckpoint's hook */
	int rc = pthread_create(&s->ckpt_thread, NULL, checkpointer, s);
	if (rc != 0)
		sqlite3_wal_autocheckpoint(w->db, CHECKPOINT_FRAMES);
	else
		s->ckpt_running = true;
	store_writer_unlock(s);
	return rc == 0 ? 0 : -1;
}

static void checkpoints_stop(struct store *s)
{
	if (!s->ckpt_running)
		return;
	pthread_mutex_lock(&s->ckpt_lock);
	s->ckpt_stop = true;
	pthread_cond_signal(&s->ckpt_wake);
	pthread_mutex_unlock(&s->ckpt_lock);
	pthread_join(s->ckpt_thread, NULL);
	s->ckpt_running = false;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	checkpoints_stop(s);
	for (size_t i = 0; i < s->n_readers; i++)
		conn_close(s->readers[i]);
	free(s->readers);
	if (s->writer) {
		sqlite3_exec(s->writer->db, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA optimize;",
			     NULL, NULL, NULL);
		conn_close(s->writer);
	}
	pthread_key_delete(s->reader_key);
	pthread_cond_destroy(&s->ckpt_wake);
	pthread_mutex_destroy(&s->ckpt_lock);
	pthread_mutex_destroy(&s->writer_lock);
	pthread_mutex_destroy(&s->readers_lock);
	free(s->path);
	free(s);
}

int store_schema_version(struct store *s)
{
	return s->version;
}

struct store_conn *store_reader(struct store *s)
{
	struct store_conn *c = pthread_getspecific(s->reader_key);
	if (c)
		return c;
	c = conn_open(s->path, false);
	if (!c)
		abort(); /* the writer opened it a moment ago: cannot happen but on OOM */
	pthread_setspecific(s->reader_key, c);
	pthread_mutex_lock(&s->readers_lock);
	if (s->n_readers == s->cap_readers) {
		s->cap_readers = s->cap_readers ? s->cap_readers * 2 : 16;
		s->readers = xrealloc(s->readers, s->cap_readers * sizeof(*s->readers));
	}
	s->readers[s->n_readers++] = c;
	pthread_mutex_unlock(&s->readers_lock);
	return c;
}

struct store_conn *store_writer_lock(struct store *s)
{
	pthread_mutex_lock(&s->writer_lock);
	return s->writer;
}

void store_writer_unlock(struct store *s)
{
	pthread_mutex_unlock(&s->writer_lock);
}

int store_begin(struct store_conn *c)
{
	return sq_exec(c, sq_stmt(c, "BEGIN IMMEDIATE")) == STORE_OK ? 0 : -1;
}

int store_commit(struct store_conn *c)
{
	if (sq_exec(c, sq_stmt(c, "COMMIT")) != STORE_OK) {
		store_rollback(c);
		return -1;
	}
	return 0;
}

void store_rollback(struct store_conn *c)
{
	if (!sqlite3_get_autocommit(c->db))
		sq_exec(c, sq_stmt(c, "ROLLBACK"));
}

bool store_read_begin(struct store_conn *c)
{
	if (c->writer || !sqlite3_get_autocommit(c->db))
		return false;
	return sq_exec(c, sq_stmt(c, "BEGIN")) == STORE_OK;
}

void store_read_end(struct store_conn *c, bool opened)
{
	if (opened && !sqlite3_get_autocommit(c->db))
		sq_exec(c, sq_stmt(c, "COMMIT"));
}

int store_integrity_check(struct store *s, char *msg, size_t msg_size)
{
	struct store_conn *w = store_writer_lock(s);
	sqlite3_stmt *st = sq_stmt(w, "PRAGMA integrity_check");
	int ok = -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		snprintf(msg, msg_size, "%s", t ? t : "?");
		ok = t && strcmp(t, "ok") == 0 ? 0 : -1;
	}
	sqlite3_reset(st);
	store_writer_unlock(s);
	return ok;
}

int64_t store_disk_bytes(struct store *s)
{
	int64_t total = 0;
	const char *suffix[] = {"", "-wal"};
	for (int i = 0; i < 2; i++) {
		char p[4200];
		snprintf(p, sizeof(p), "%s%s", s->path, suffix[i]);
		struct stat sb;
		if (stat(p, &sb) == 0)
			total += sb.st_size;
	}
	return total;
}
