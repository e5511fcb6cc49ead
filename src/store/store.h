/*
 * store: the one interface to Moka's persistent data.
 *
 * The SQLite backend (store_sqlite*.c) is the default: WAL, exactly one
 * writer connection (guarded by a mutex; it alone writes and checkpoints,
 * so Debian's SQLite 3.40.1 WAL-reset bug cannot trigger), one read-only
 * connection per thread, no mmap, statements prepared once per
 * connection, numbered migrations with the schema version in the database
 * (PRAGMA user_version). No SQL lives outside the backend files.
 *
 * A write is acknowledged only after store_commit() returned 0; with
 * synchronous=NORMAL in WAL mode, committed data survives a kill -9.
 *
 * Per-area functions are declared in store_<area>.h, all included here.
 */
#ifndef MOKA_STORE_H
#define MOKA_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

struct store;
struct store_conn;

/* Result codes of store functions. */
enum store_rc {
	STORE_OK = 0,
	STORE_NOT_FOUND = 1,
	STORE_CONFLICT = 2, /* a uniqueness constraint said no */
	STORE_ERROR = -1,
};

/* Opens (creating if needed) the store in dir and migrates it to the
 * latest schema. Returns NULL with a message on stderr. */
struct store *store_open(const char *dir);
/* Flushes (checkpoints) and closes. */
void store_close(struct store *s);
/* Schema version after migration. */
int store_schema_version(struct store *s);
/* Moves WAL checkpoints out of the commits: a thread of the store's own
 * runs each one on the writer, between two writes (the server calls it;
 * one-shot commands leave checkpoints to SQLite). 0, or -1 when the
 * thread could not start (the commits go on checkpointing). */
int store_checkpoints_start(struct store *s);

/* The calling thread's read-only connection (opened on first use). */
struct store_conn *store_reader(struct store *s);
/* Takes the single writer connection (blocks until free). */
struct store_conn *store_writer_lock(struct store *s);
void store_writer_unlock(struct store *s);

/* Transactions on the writer connection. begin is IMMEDIATE. */
int store_begin(struct store_conn *c);
int store_commit(struct store_conn *c);
void store_rollback(struct store_conn *c);

/* Groups the reads that follow on a reader connection into one read
 * transaction — one snapshot and one lock acquisition instead of one per
 * statement — until store_read_end(c, opened). Returns whether it opened
 * one (false when c already was in a transaction: then end does nothing). */
bool store_read_begin(struct store_conn *c);
void store_read_end(struct store_conn *c, bool opened);

/* PRAGMA integrity_check; 0 when "ok". */
int store_integrity_check(struct store *s, char *msg, size_t msg_size);
/* Size of the database files in bytes (main + WAL). */
int64_t store_disk_bytes(struct store *s);

#include "store/store_auth.h"
#include "store/store_communities.h"
#include "store/store_demo.h"
#include "store/store_files.h"
#include "store/store_index.h"
#include "store/store_messages.h"
#include "store/store_network.h"
#include "store/store_notify.h"
#include "store/store_posts.h"
#include "store/store_questions.h"
#include "store/store_search.h"
#include "store/store_search_files.h"
#include "store/store_users.h"

#endif
