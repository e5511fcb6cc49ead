/*
 * notify: notifications — stored with the write that causes them, sent
 * live after its commit, listed and dismissed through the API.
 */
#ifndef MOKA_NOTIFY_H
#define MOKA_NOTIFY_H

#include <stdint.h>

struct tx;

/*
 * Inside tx, records a notification of type for recipient (Mastodon types:
 * "mention", "status", "reblog", "follow", "follow_request", "favourite",
 * "update"; Moka's own are prefixed "moka."), caused by actor, about
 * post_id and/or invitation_id (0 when none), and queues its live event.
 * Does nothing when recipient == actor. 0 or -1.
 */
int notify_add(struct tx *tx, int64_t recipient, const char *type, int64_t actor,
	       int64_t post_id, int64_t invitation_id);

#endif
