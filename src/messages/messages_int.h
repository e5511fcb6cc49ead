/*
 * messages_int: what the messages files share (messages.c: operations;
 * messages_read.c: the rule, rendering, pages and live events).
 */
#ifndef MOKA_MESSAGES_INT_H
#define MOKA_MESSAGES_INT_H

#include "messages/messages.h"

struct store_conn;

/* The rule, on a given connection (a reader, or the writer inside a tx). */
void messages_access_on(struct store_conn *c, int64_t viewer, int64_t conversation,
			struct messages_access *acc);

#endif
