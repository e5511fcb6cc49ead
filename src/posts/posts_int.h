/*
 * posts_int: what the posts module's own files share — the caches of
 * rendered JSON behind the Status renderer.
 *
 * A cache is set-associative: a key hashes to a set of eight ways, each
 * holding one value (a malloc'd byte string) under a 64-bit key and a
 * 64-bit stamp; a new key evicts the set's least recently used value.
 * Its size is a number of values, from the memory budget (setting
 * render_cache_mb). Sets are guarded by striped mutexes, so readers of
 * different sets seldom contend. Values are shared, not copied out: a
 * reader takes a reference (pcache_get) and drops it when its response is
 * written (pcache_unref); an evicted or invalidated value is freed by the
 * last reader holding it. (Copying each value into the reader's arena,
 * then again into the response, was 4 % of a home page.)
 *
 * Stale values are kept out two ways:
 *   - by the stamp: a reader asks for a key with the stamp the value must
 *     have (for an account: a digest of what its JSON depends on), and a
 *     value with another stamp is a miss;
 *   - by invalidation: a writer calls pcache_invalidate(key) after its
 *     commit; a reader that began reading the store before an
 *     invalidation (pcache_epoch() taken before its read transaction)
 *     cannot put back a value built from the old data — nor any other
 *     value of the same set (the set remembers its last invalidation;
 *     the other sets take the reader's values).
 */
#ifndef MOKA_POSTS_INT_H
#define MOKA_POSTS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pcache;
struct pcache_ref;

/* The caches of one running Moka. */
struct posts_cache {
	struct pcache *statuses; /* post id -> static members of its Status */
	struct pcache *accounts; /* user id -> username and Account JSON */
	/* post id -> the ids of its live replies (int64_t each), for posts
	 * with replies of a narrower audience, whose count is per viewer:
	 * SQLite's own page cache is dropped by every commit, so at 100
	 * posts/s each such query read its pages again */
	struct pcache *children;
	/* a reader's first page of a stream (a digest of both) -> the JSON
	 * and what it was made from (posts_render.c: first pages); NULL when
	 * page_cache_mb is 0 */
	struct pcache *pages;
};

/* A cache of about this many values. */
struct pcache *pcache_new(size_t values);
void pcache_free(struct pcache *c);
/* The invalidation counter, to take before reading what a value is built from. */
uint64_t pcache_epoch(struct pcache *c);
/* The value under key with this stamp (its length in *len; NUL after
 * it), or NULL. Read-only, and valid until pcache_unref(*ref). */
const char *pcache_get(struct pcache *c, int64_t key, uint64_t stamp, struct pcache_ref **ref,
		       size_t *len);
/* Starts loading the sets of keys, then the values they hold, so that
 * the pcache_get calls that follow find them in the CPU cache: the
 * misses of a page's lookups overlap instead of coming one after the
 * other. Changes nothing. */
void pcache_prefetch(struct pcache *c, const int64_t *keys, size_t n);
/* Drops a reference pcache_get gave. */
void pcache_unref(struct pcache_ref *ref);
/* Stores a copy of the value, unless an invalidation happened since epoch. */
void pcache_put(struct pcache *c, int64_t key, uint64_t stamp, uint64_t epoch, const char *v,
		size_t len);
/* Drops the value under key (after a commit that changed it). */
void pcache_invalidate(struct pcache *c, int64_t key);
/*
 * pcache_put, for a value built from other caches' values: it takes a
 * reference to each of held[0..n_held), and gives them back when it is
 * freed, so that pcache_current() can still be asked about them.
 */
void pcache_put_holding(struct pcache *c, int64_t key, uint64_t stamp, uint64_t epoch,
			const char *v, size_t len, struct pcache_ref *const *held, size_t n_held);
/* Whether ref is still its cache's value for its key: false once it was
 * replaced, evicted or invalidated (a value never changes; a stale one
 * leaves). */
bool pcache_current(const struct pcache_ref *ref);
/* How many values left c so far (replaced, evicted, invalidated): while
 * it has not moved since before a value was read, that value is current. */
uint64_t pcache_removals(struct pcache *c);
/* The references a value took with pcache_put_holding (n of them). */
struct pcache_ref *const *pcache_held(const struct pcache_ref *ref, size_t *n);

struct app;
/* Drops the rendered Status of post_id (after-commit hooks of edits and deletes). */
void posts_cache_forget(struct app *app, int64_t post_id);
/* Drops the reply list of post_id (after-commit hook of a new reply; a
 * deleted reply may stay listed: the audience check skips it). */
void posts_children_forget(struct app *app, int64_t post_id);

#endif
