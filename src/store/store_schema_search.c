/*
 * store_schema_search: the search area's migrations, in order, NULL-terminated.
 * (search: the full-text indexes.) Never edit a released one: append.
 */
#include "store/store_sqlite_int.h"

// clang-format off
const char *const store_schema_search[] = {
	NULL,
};
// clang-format on
