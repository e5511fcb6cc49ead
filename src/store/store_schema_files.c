/*
 * store_schema_files: the files area's migrations, in order, NULL-terminated.
 * (files: documents, versions, shares, media.) Never edit a released one: append.
 */
#include "store/store_sqlite_int.h"

// clang-format off
const char *const store_schema_files[] = {
	NULL,
};
// clang-format on
