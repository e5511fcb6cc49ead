/*
 * events: what the store's writes tell live streams, and the hub that
 * delivers them to open Server-Sent Event streams.
 *
 * An event names what changed (a post created, edited, deleted; a
 * notification for one person). The hub decides, per open stream, whether
 * that viewer may see it — through the one audience check — and renders
 * it for that viewer in Mastodon's streaming format.
 */
#ifndef MOKA_EVENTS_H
#define MOKA_EVENTS_H

#include <stdint.h>

struct app;

enum event_type {
	EVENT_POST_NEW = 1,   /* "update" to every stream that may see the post */
	EVENT_POST_EDIT,      /* "status.update" */
	EVENT_POST_DELETE,    /* "delete" (to streams that could see it) */
	EVENT_NOTIFICATION,   /* "notification" to user_id's user stream */
	EVENT_USER_REVOKED,   /* close user_id's streams (deactivated, signed out) */
};

struct event {
	enum event_type type;
	int64_t post_id;
	int64_t notification_id;
	int64_t user_id;      /* recipient (notification), or the user concerned */
	int64_t author_id;    /* for post events */
	int visibility;       /* for post events: enum visibility (audience.h) */
};

struct hub;

struct hub *hub_new(struct app *app);
/* Ends every open stream (read returns end) and frees the hub. */
void hub_free(struct hub *h);
/* Ends every open stream now (shutdown): their clients see the end. */
void hub_end_streams(struct hub *h);
/* Hands an event to the hub; returns at once (delivery is asynchronous). */
void hub_publish(struct hub *h, const struct event *ev);

#endif
