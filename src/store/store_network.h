/*
 * store_network: the network between people — connections (mutual, one
 * row per pair with a < b), follows (directed) and connection invitations.
 *
 * The in-memory graph (graph/) is loaded from these tables at start with
 * the ordered scans below and then follows every committed write; the
 * tables are the record, the graph the index.
 *
 * Write functions take the writer connection inside a transaction; read
 * functions take any connection (the writer inside a transaction, to see
 * its own uncommitted writes).
 */
#ifndef MOKA_STORE_NETWORK_H
#define MOKA_STORE_NETWORK_H

#include <stdbool.h>
#include <stdint.h>

struct store_conn;
struct arena;

/* A connection invitation from from_id to to_id. An ignored invitation
 * stays (so the sender still sees it as sent) but leaves the recipient's
 * list. */
struct invitation {
	int64_t id;
	int64_t from_id, to_id;
	const char *message; /* "" when none */
	bool ignored;
	int64_t created_at; /* ms */
};

/* Called once per row of a scan; a nonzero return stops the scan. */
typedef int (*store_pair_fn)(void *ctx, int64_t a, int64_t b);
typedef int (*store_id_fn)(void *ctx, int64_t id);

/* Every connection (a < b) in primary-key order. STORE_OK or STORE_ERROR. */
int store_connections_scan(struct store_conn *c, store_pair_fn fn, void *ctx);
/* Every follow (follower, followee) in primary-key order. */
int store_follows_scan(struct store_conn *c, store_pair_fn fn, void *ctx);
/* Every deactivated user. */
int store_users_inactive_scan(struct store_conn *c, store_id_fn fn, void *ctx);
/* The connections of one user with active people: fn(ctx, user, other). */
int store_connections_of(struct store_conn *c, int64_t user, store_pair_fn fn, void *ctx);
/* The follows between one user and active people: fn(ctx, follower,
 * followee), both directions. */
int store_follows_of(struct store_conn *c, int64_t user, store_pair_fn fn, void *ctx);

/* Connects a and b (any order). STORE_OK, or STORE_CONFLICT if they
 * already were connected (or an id does not exist). */
int store_connection_insert(struct store_conn *w, int64_t a, int64_t b);
/* STORE_OK, or STORE_NOT_FOUND if they were not connected. */
int store_connection_delete(struct store_conn *w, int64_t a, int64_t b);
/* STORE_OK if a and b are connected, STORE_NOT_FOUND if not. */
int store_connection_exists(struct store_conn *c, int64_t a, int64_t b);

/* STORE_OK, or STORE_CONFLICT if follower already followed followee. */
int store_follow_insert(struct store_conn *w, int64_t follower, int64_t followee);
/* STORE_OK, or STORE_NOT_FOUND if there was no such follow. */
int store_follow_delete(struct store_conn *w, int64_t follower, int64_t followee);

/* Inserts a pending invitation; *id gets its id. STORE_CONFLICT if one
 * from from_id to to_id exists already. */
int store_invitation_insert(struct store_conn *w, int64_t from_id, int64_t to_id,
			    const char *message, int64_t *id);
/* STORE_OK or STORE_NOT_FOUND; strings in a. */
int store_invitation_get(struct store_conn *c, struct arena *a, int64_t id, struct invitation *out);
/* The invitation from from_id to to_id, if any. */
int store_invitation_between(struct store_conn *c, struct arena *a, int64_t from_id, int64_t to_id,
			     struct invitation *out);
int store_invitation_delete(struct store_conn *w, int64_t id);
int store_invitation_set_ignored(struct store_conn *w, int64_t id);

enum invitation_box {
	INVITATIONS_RECEIVED, /* pending ones addressed to the user */
	INVITATIONS_SENT,     /* every one the user sent, ignored or not */
};

/*
 * One page of a user's invitations, newest first: ids below max_id (0: no
 * bound) and above since_id, at most max. Returns the count (0..max), or
 * -1 on a store error.
 */
int store_invitation_list(struct store_conn *c, struct arena *a, int64_t user,
			  enum invitation_box box, int64_t max_id, int64_t since_id, int max,
			  struct invitation *out);

/* The number of pending invitations user received; -1 on a store error. */
int64_t store_invitation_received_count(struct store_conn *c, int64_t user);

/* The other party of every invitation user sent or received (any state),
 * at most max ids into out. Returns the count or -1. */
int store_invitation_peers(struct store_conn *c, int64_t user, int max, int64_t *out);

#endif
