/*
 * app: the running Moka — its configuration, store, in-memory state and
 * live-event hub — and the write transaction that ties them together.
 *
 * Every write goes through a struct tx: it holds the store's one writer
 * connection inside BEGIN IMMEDIATE … COMMIT. Work registered with
 * tx_after_commit runs, in commit order, after the COMMIT succeeded and
 * before the writer is released, with the memory write lock held: that is
 * where in-memory indexes (graph, post index) follow the store. Events
 * queued with tx_publish go to live streams after that, so a stream never
 * sees what the store has not committed.
 *
 * Locking rule: mem_lock prefers writers and is not recursive, so a
 * thread must never take it twice. Public domain functions take it
 * themselves; functions whose name ends in _locked expect the caller to
 * hold it for reading.
 */
#ifndef MOKA_APP_H
#define MOKA_APP_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/config.h"

struct store;
struct store_conn;
struct graph;
struct feed;
struct communities;
struct questions;
struct posts_cache;
struct hub;
struct http_server;
struct event;
struct arena;

struct app {
	struct config *cfg;
	struct store *store;
	/* In-memory state; readers hold mem_lock for reading while they use it. */
	pthread_rwlock_t mem_lock;
	struct graph *graph;
	struct feed *feed;
	struct communities *communities;  /* membership index (communities/) */
	struct questions *questions;	  /* questions and accepted answers (questions/) */
	struct posts_cache *posts_cache;  /* rendered Status JSON (posts/) */
	struct audience_cache *relations; /* viewers' relations to authors (audience/) */
	struct hub *hub;
	struct http_server *http;
	const char *base_url;
	_Atomic bool stopping;
};

/* Opens the store in cfg->data_dir and loads the in-memory state.
 * Returns NULL (logged) on failure. */
struct app *app_open(struct config *cfg);
void app_close(struct app *app);

/* Shorthands for readers of the in-memory state. */
void app_rdlock(struct app *app);
void app_unlock(struct app *app);

struct tx;

/* Begins a write transaction (blocks while another write runs). */
struct tx *tx_begin(struct app *app);
struct store_conn *tx_conn(struct tx *tx);
struct arena *tx_arena(struct tx *tx);
/* Runs fn(app, arg) after a successful commit (memory write lock held). */
void tx_after_commit(struct tx *tx, void (*fn)(struct app *app, void *arg), void *arg);
/* Queues a copy of ev for the live streams, sent after the commit. */
void tx_publish(struct tx *tx, const struct event *ev);
/* Commits and runs the after-commit work; -1 (rolled back) on failure.
 * The tx is freed either way. */
int tx_commit(struct tx *tx);
/* Rolls back; the tx is freed and nothing queued runs. */
void tx_rollback(struct tx *tx);

#endif
