/*
 * store_schema_messages: the messages area's migrations, in order, NULL-terminated.
 * (messages: conversations, members, messages.) Never edit a released one: append.
 */
#include "store/store_sqlite_int.h"

// clang-format off
const char *const store_schema_messages[] = {
	NULL,
};
// clang-format on
