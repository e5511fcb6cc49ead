/*
 * notify: notifications — stored with the write that causes them, sent
 * live after its commit, listed and dismissed through the API — and the
 * read markers (Mastodon's "home" and "notifications" last-read ids).
 *
 * A notification is shown only while its recipient may still see what it
 * is about: one that points at a post the recipient can no longer see
 * (deleted, or its audience no longer includes them) is left out of
 * lists, single reads, unread counts and live delivery alike, so nothing
 * leaks through notifications.
 */
#ifndef MOKA_NOTIFY_H
#define MOKA_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;
struct arena;
struct jw;
struct tx;

/* Longest notification type name accepted by notify_add. */
#define NOTIFY_TYPE_MAX 64

/*
 * Inside tx, records a notification of type for recipient (Mastodon types:
 * "mention", "status", "reblog", "follow", "follow_request", "favourite",
 * "update"; Moka's own are prefixed "moka."), caused by actor, about
 * post_id and/or invitation_id (0 when none), and queues its live event
 * (sent after the commit). Does nothing when recipient == actor or the
 * recipient is deactivated or unknown. 0, or -1 on a store error or a bad
 * type (the caller rolls back).
 */
int notify_add(struct tx *tx, int64_t recipient, const char *type, int64_t actor, int64_t post_id,
	       int64_t invitation_id);

/*
 * Writes viewer's notification id as a Mastodon Notification entity.
 * Returns -1, writing nothing, when it does not exist, is someone else's,
 * or concerns a post viewer may no longer see. Takes the memory read lock
 * itself (through the post and account renderers).
 */
int notify_render(struct app *app, struct arena *a, struct jw *w, int64_t viewer, int64_t id);

/* A page of notifications, as Mastodon's GET /api/v1/notifications asks:
 * max_id, since_id, min_id (0 when absent), limit, and the types to
 * include or leave out (JSON arrays of names, or NULL). */
struct notify_page {
	int64_t max_id, since_id, min_id;
	int limit;
	const char *types;
	const char *exclude;
};

/*
 * Writes one page of viewer's notifications as a JSON array, newest first,
 * skipping those viewer may no longer see. *newest and *oldest get the
 * cursors for the Link header (the ids bounding what was scanned; 0 when
 * the page is empty). 0, or -1 on a store error (nothing written).
 */
int notify_render_page(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
		       const struct notify_page *q, int64_t *newest, int64_t *oldest);

/* How many of viewer's notifications are newer than their
 * "notifications" marker and still visible to them, counting at most
 * limit; types/exclude as in struct notify_page. -1 on a store error. */
int64_t notify_unread_count(struct app *app, int64_t viewer, const char *types, const char *exclude,
			    int limit);

/* Deletes viewer's notification id: 0, 1 when there is no such
 * notification of viewer's, -1 on a store error. */
int notify_dismiss(struct app *app, int64_t viewer, int64_t id);
/* Deletes all of viewer's notifications. 0 or -1. */
int notify_clear(struct app *app, int64_t viewer);

/* Marker timelines. */
#define NOTIFY_MARKER_HOME "home"
#define NOTIFY_MARKER_NOTIFICATIONS "notifications"

/* Writes a Mastodon markers object ({"home": Marker, ...}) with viewer's
 * markers for the n timelines named (unknown names and markers never set
 * are left out). 0 or -1. */
int notify_markers_render(struct app *app, struct jw *w, int64_t viewer,
			  const char *const *timelines, size_t n);
/* Sets viewer's home and/or notifications last_read_id (0: leave as is)
 * in one transaction. 0 or -1. */
int notify_markers_set(struct app *app, int64_t viewer, int64_t home_id, int64_t notifications_id);

#endif
