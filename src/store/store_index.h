/*
 * store_index: the token that ties the start-up snapshots of the
 * in-memory indexes (app/app_index.c) to the store's content.
 *
 * A process that loads the indexes takes the token out of the store in a
 * committed transaction before anything can write, and puts a fresh one
 * back only after it stopped writing and saved its snapshots. So a
 * snapshot is used only when no write happened since it was saved: after
 * a crash, a kill or any writer that did not save one, the token is gone
 * and the indexes are rebuilt from the store.
 */
#ifndef MOKA_STORE_INDEX_H
#define MOKA_STORE_INDEX_H

#include <stddef.h>

struct store;

/* Removes the token from the store. 1 with it in out (NUL-terminated,
 * truncated to cap), 0 when there was none, -1 on a store error. */
int store_index_token_take(struct store *s, char *out, size_t cap);
/* Stores token (replacing any). 0 or -1. */
int store_index_token_put(struct store *s, const char *token);

#endif
