/*
 * graph: the in-memory social graph of one company.
 *
 * People are uint32 ids from 1 to graph_max_id(); id 0 is never a person.
 * The graph holds two relations between them:
 *   - connections, mutual: a connected to b means b connected to a;
 *   - follows, directed: each person has a following list and a followers
 *     list, kept consistent with each other.
 * Every relation is stored as a sorted, duplicate-free uint32 array per
 * person, so membership is a binary search and "do a and b share a
 * connection" is a sorted-array intersection (graph_distance()). People
 * with GRAPH_HUB_MIN connections or more also get a bitmap of who is
 * within two steps of them, kept exact by every mutation, so that a
 * distance check involving one of them is a single bit-pair test.
 *
 * Ownership: the graph owns all its arrays. Pointers handed out by the
 * accessors stay valid until the next mutation of the graph (any
 * graph_connect/disconnect/follow/unfollow/ensure/bulk call).
 *
 * Concurrency: the graph is NOT internally synchronized. Readers may share
 * it only while nobody mutates it; the caller holds a lock around every
 * call (the server keeps a read/write lock: read side for the const
 * functions, write side for the mutators). A struct graph_scratch belongs
 * to one thread at a time.
 *
 * Startup loading: graph_bulk_connect()/graph_bulk_follow() append edges
 * without keeping the arrays sorted; graph_bulk_finish() then sorts and
 * deduplicates every list. Between the first bulk call and
 * graph_bulk_finish() the graph must not be queried or mutated otherwise.
 */
#ifndef MOKA_GRAPH_H
#define MOKA_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest id the graph accepts; larger ids are rejected with -1. */
#define GRAPH_ID_MAX 0x0fffffffu

/*
 * From GRAPH_HUB_MIN connections on (the heavy tail), a person gets a 2-hop
 * bitmap (2 bits per id: 110 KiB at 440,000 people) and keeps it while
 * they have GRAPH_HUB_KEEP or more. A check involving them then reads one
 * word instead of galloping through thousands of ids.
 */
#define GRAPH_HUB_MIN 2000u
#define GRAPH_HUB_KEEP 1000u

/* graph_distance() result for people with no path of length 1 or 2. */
#define GRAPH_DISTANCE_FAR 3

struct graph;

/* Reusable working memory for graph_second_degree(); one per thread. */
struct graph_scratch;

/* Creates an empty graph (no people). Never NULL; aborts on OOM. */
struct graph *graph_new(void);

/* Frees the graph and every array it owns. NULL is allowed. */
void graph_free(struct graph *g);

/*
 * Makes ids 1..max_id valid people (with no relations yet). Growing is
 * amortized O(1) per added id; never shrinks. Returns 0, or -1 if max_id
 * is above GRAPH_ID_MAX. The mutators call this themselves.
 */
int graph_ensure(struct graph *g, uint32_t max_id);

/* The highest valid id so far (0 for an empty graph). */
uint32_t graph_max_id(const struct graph *g);

/*
 * Approximate memory owned by the graph, in bytes: the per-person
 * tables, the connection arena (including freed blocks kept for reuse),
 * the hubs' bitmaps and the allocated capacity of every follow list.
 * O(max_id).
 */
size_t graph_bytes(const struct graph *g);

/*
 * Connects a and b (both directions). Unknown ids are added.
 * Returns 1 if the connection was added, 0 if it already existed,
 * -1 for a bad pair (a or b is 0 or above GRAPH_ID_MAX, or a == b).
 */
int graph_connect(struct graph *g, uint32_t a, uint32_t b);

/*
 * Removes the connection between a and b (both directions).
 * Returns 1 if it existed, 0 if it did not (including unknown ids),
 * -1 for a bad pair (0 or a == b).
 */
int graph_disconnect(struct graph *g, uint32_t a, uint32_t b);

/*
 * Makes a follow b (b gains a as a follower). Unknown ids are added.
 * Returns 1 if added, 0 if a already followed b, -1 for a bad pair
 * (0, above GRAPH_ID_MAX, or a == b).
 */
int graph_follow(struct graph *g, uint32_t a, uint32_t b);

/*
 * Makes a stop following b. Returns 1 if a followed b, 0 if not
 * (including unknown ids), -1 for a bad pair (0 or a == b).
 */
int graph_unfollow(struct graph *g, uint32_t a, uint32_t b);

/* True if a and b are connected. False for unknown or bad ids. */
bool graph_is_connected(const struct graph *g, uint32_t a, uint32_t b);

/* True if a follows b. False for unknown or bad ids. */
bool graph_is_following(const struct graph *g, uint32_t a, uint32_t b);

/*
 * Connection distance between a and b: 0 if a == b (a nonzero), 1 if they
 * are connected, 2 if they share at least one connection, otherwise
 * GRAPH_DISTANCE_FAR (3), which is also the answer when either id is 0 or
 * unknown. When either has a 2-hop bitmap (see GRAPH_HUB_MIN), costs one
 * bitmap load; otherwise one binary search plus one sorted intersection
 * that stops at the first common connection (galloping through the
 * longer list when one is much longer than the other).
 */
int graph_distance(const struct graph *g, uint32_t a, uint32_t b);

/*
 * A counter of a's changes: it moves whenever a's connections, the people
 * a follows or a's followers change (connect, disconnect, follow,
 * unfollow, bulk appends). Whoever keeps something derived from those
 * lists (the home stream's memo, a rendered Account's counts) keeps the
 * counter with it and compares. 0 for ids never changed.
 */
uint32_t graph_version(const struct graph *g, uint32_t a);

/* Number of connections of a (0 for unknown ids). */
size_t graph_degree(const struct graph *g, uint32_t a);

/*
 * The sorted connections / following / followers of a. Stores the length
 * in *len and returns the array, owned by the graph and valid until the
 * next mutation. Returns NULL with *len = 0 for unknown ids and may
 * return NULL for an empty list.
 */
const uint32_t *graph_connections(const struct graph *g, uint32_t a, size_t *len);
const uint32_t *graph_following(const struct graph *g, uint32_t a, size_t *len);
const uint32_t *graph_followers(const struct graph *g, uint32_t a, size_t *len);

/*
 * The connections a and b share ("who connects us"). Writes the first
 * min(total, max) of them in ascending order to out (out may be NULL if
 * max is 0) and returns the total count. 0 for unknown ids or a == b.
 */
size_t graph_common(const struct graph *g, uint32_t a, uint32_t b, uint32_t *out, size_t max);

/* Creates an empty scratch; it grows on use. Never NULL. */
struct graph_scratch *graph_scratch_new(void);

/* Frees a scratch. NULL is allowed. */
void graph_scratch_free(struct graph_scratch *s);

/*
 * Every person at distance exactly 2 from a: connected to a connection of
 * a, but neither a nor one of a's connections. Points *out at the set,
 * sorted ascending without duplicates, and returns its size. The array
 * lives in s and stays valid until the next call with s. Runs in
 * O(sum of the degrees of a's connections + set size), with no clearing
 * between calls. Returns 0 for unknown ids.
 */
size_t graph_second_degree(const struct graph *g, struct graph_scratch *s, uint32_t a,
			   const uint32_t **out);

/*
 * Bulk loading: append a connection (both directions) or a follow
 * without sorting or duplicate checks. Unknown ids are added. Returns 0,
 * or -1 for a bad pair (as graph_connect). Call graph_bulk_finish()
 * before any other use of the graph.
 */
int graph_bulk_connect(struct graph *g, uint32_t a, uint32_t b);
int graph_bulk_follow(struct graph *g, uint32_t a, uint32_t b);

/*
 * Sorts and deduplicates every list after bulk loading, trims each
 * array to its length and builds the hubs' bitmaps. O(total edges + the
 * connections of the hubs' connections); lists already sorted are only
 * scanned.
 */
void graph_bulk_finish(struct graph *g);

/* --- snapshots (see app/app_index.c) ------------------------------------ */

struct snapw;
struct snapr;
/* Appends the whole graph to a snapshot. */
void graph_snap_write(const struct graph *g, struct snapw *w);
/* A graph read back from a snapshot, or NULL if it is malformed (the
 * caller still checks snapr_close() before trusting it). The format holds
 * only the lists; the hubs' bitmaps are rebuilt. */
struct graph *graph_snap_read(struct snapr *r);
/* True if a and b hold the same people and relations (tests). */
bool graph_equal(const struct graph *a, const struct graph *b);

#endif
