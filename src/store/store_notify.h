/*
 * store_notify: notifications and read markers.
 *
 * A notification row belongs to one recipient (user_id). Dismissing
 * deletes it. Markers are Mastodon's per-timeline "last read" positions
 * ("home", "notifications"), with a version bumped on every change.
 *
 * Write functions take the writer connection inside a transaction; read
 * functions take any connection.
 */
#ifndef MOKA_STORE_NOTIFY_H
#define MOKA_STORE_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

struct store_conn;
struct arena;

struct notification {
	int64_t id;
	int64_t user_id;       /* the recipient */
	const char *type;      /* "mention", "favourite", ..., "moka.*" */
	int64_t actor_id;      /* who caused it; 0 when none */
	int64_t post_id;       /* 0 when none */
	int64_t invitation_id; /* 0 when none */
	int64_t created_at;    /* ms */
};

/* Inserts n (n->id chosen by the caller) unless the recipient does not
 * exist or is deactivated: STORE_OK, STORE_NOT_FOUND (skipped) or
 * STORE_ERROR. */
int store_notification_insert(struct store_conn *w, const struct notification *n);
/* One notification of user; STORE_NOT_FOUND when absent or someone else's. */
int store_notification_get(struct store_conn *c, struct arena *a, int64_t user, int64_t id,
			   struct notification *out);

/* A page request over one user's notifications. Bounds are exclusive and
 * 0 means none. types/exclude are JSON arrays of type names, or NULL. */
struct notification_range {
	int64_t below;	     /* id < below */
	int64_t above;	     /* id > above */
	bool oldest_first;   /* ascending from above (Mastodon's min_id) */
	const char *types;   /* only these types */
	const char *exclude; /* not these types */
};
/* Up to max rows of user's notifications in r, newest first unless
 * r->oldest_first. Returns the count, or -1 on a store error. */
int store_notification_page(struct store_conn *c, struct arena *a, int64_t user,
			    const struct notification_range *r, int max, struct notification *out);

/* Deletes one of user's notifications: STORE_OK or STORE_NOT_FOUND. */
int store_notification_delete(struct store_conn *w, int64_t user, int64_t id);
/* Deletes all of user's notifications. */
int store_notification_clear(struct store_conn *w, int64_t user);

struct marker {
	int64_t last_read_id;
	int64_t version;
	int64_t updated_at; /* ms */
};
/* user's marker for timeline ("home", "notifications"): STORE_OK or
 * STORE_NOT_FOUND (never set). */
int store_marker_get(struct store_conn *c, int64_t user, const char *timeline, struct marker *out);
/* Sets the marker's last_read_id, bumping its version; *out gets the result. */
int store_marker_set(struct store_conn *w, int64_t user, const char *timeline, int64_t last_read_id,
		     struct marker *out);

#endif
