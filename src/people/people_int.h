/* people_int: what the people module's own files share. Nothing outside
 * src/people/ includes this. */
#ifndef MOKA_PEOPLE_INT_H
#define MOKA_PEOPLE_INT_H

#include <stdbool.h>
#include <stdint.h>

struct tx;

/* Graph edits queued to run after tx commits (memory write lock held). */
enum people_edge_op { EDGE_CONNECT, EDGE_DISCONNECT, EDGE_FOLLOW, EDGE_UNFOLLOW };
void people_after_edge(struct tx *tx, enum people_edge_op op, int64_t a, int64_t b);

/* Queues, after tx commits, the removal of every edge of id from the
 * graph (deactivation), or reads id's edges with active people on tx's
 * connection now and queues adding them back (reactivation). 0 or -1. */
int people_after_user_edges(struct tx *tx, int64_t id, bool active);

/* Queues, after tx commits, dropping id's cached Account JSON: every write
 * of a users row that an Account shows calls it. */
void people_after_user_row(struct tx *tx, int64_t id);

#endif
