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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;

enum event_type {
	EVENT_POST_NEW = 1,	  /* "update" to every stream that may see the post */
	EVENT_POST_EDIT,	  /* "status.update" */
	EVENT_POST_DELETE,	  /* "delete" (to streams that could see it) */
	EVENT_NOTIFICATION,	  /* "notification" to user_id's user stream */
	EVENT_USER_REVOKED,	  /* close user_id's streams (deactivated) */
	EVENT_CREDENTIAL_REVOKED, /* close the streams opened with one token or session */
	/* Conversations (messages/): delivered on user streams to the
	 * conversation's members at delivery time, as messages/ decides. */
	EVENT_MESSAGE_NEW,	 /* "moka.message" */
	EVENT_MESSAGE_EDIT,	 /* "moka.message.update" (text or reactions) */
	EVENT_MESSAGE_DELETE,	 /* "moka.message.delete" */
	EVENT_CONVERSATION,	 /* "moka.conversation" (to user_id only, if set) */
	EVENT_CONVERSATION_GONE, /* "moka.conversation.delete" to user_id, who left */
};

struct event {
	enum event_type type;
	int64_t post_id;
	int64_t notification_id;
	int64_t user_id;	 /* recipient (notification), or the user concerned */
	int64_t author_id;	 /* for post events */
	int visibility;		 /* for post events: enum visibility (audience.h) */
	int64_t credential_id;	 /* EVENT_CREDENTIAL_REVOKED: a token id, or a session id */
	bool credential_cookie;	 /* ... true when it is a browser session */
	int64_t conversation_id; /* conversation events */
	int64_t message_id;	 /* message events */
};

struct hub;

struct hub *hub_new(struct app *app);
/* Ends every open stream (read returns end) and frees the hub. */
void hub_free(struct hub *h);
/* Ends every open stream (shutdown) and waits up to 2 s for their last bytes
 * to go out, so clients see a clean end. Later streams are refused (503). */
void hub_end_streams(struct hub *h);
/* Hands an event to the hub; returns at once (delivery is asynchronous). */
void hub_publish(struct hub *h, const struct event *ev);

/* --- Live streams (Server-Sent Events) --------------------------------- */

/* What a stream carries. */
enum stream_kind {
	STREAM_USER = 0,	  /* home updates, edits, deletes and notifications */
	STREAM_USER_NOTIFICATION, /* notifications only */
	STREAM_PUBLIC,		  /* the company stream: public posts */
	STREAM_HASHTAG,		  /* posts carrying one tag */
	STREAM_COMMUNITY,	  /* one community's posts (its readers who are not members) */
	STREAM_KIND_COUNT
};

/* A slow client whose unsent bytes pass this is disconnected. */
#define HUB_QUEUE_MAX (1u << 20)

struct http_request;

/*
 * Turns req's response into a live stream of kind for req->viewer (tag:
 * the normalized hashtag for STREAM_HASHTAG, the community id in decimal
 * for STREAM_COMMUNITY, else NULL). The hub owns the
 * stream until the client goes away. Returns 0, or -1 after setting a 503
 * response when the server is shutting down.
 */
int hub_stream_open(struct hub *h, struct http_request *req, enum stream_kind kind,
		    const char *tag);
/* Streams open right now. */
size_t hub_stream_count(struct hub *h);

/* --- Building blocks (pure; exposed for the unit tests) --------------- */

struct buf;

/* Appends one SSE message to out: "event: NAME\n" (left out when event is
 * NULL), one "data: " line per line of data (CR, LF and CRLF all end a
 * line), then a blank line. 0, or -1 when out's cap is reached. */
int sse_format(struct buf *out, const char *event, const char *data, size_t len);

/* A stream's bounded queue of bytes not yet sent. Storage is freed
 * whenever the queue drains, so an idle stream holds none. */
struct sse_queue {
	char *data;
	size_t off, len, cap; /* unsent bytes are data[off .. len) */
	size_t max;	      /* the most unsent bytes allowed */
};

void sseq_init(struct sse_queue *q, size_t max);
/* Appends n bytes; -1 (nothing added) when unsent bytes would pass max. */
int sseq_push(struct sse_queue *q, const void *bytes, size_t n);
/* Moves up to max unsent bytes to dst; returns how many. */
size_t sseq_pop(struct sse_queue *q, char *dst, size_t max);
size_t sseq_pending(const struct sse_queue *q);
void sseq_free(struct sse_queue *q);

#endif
