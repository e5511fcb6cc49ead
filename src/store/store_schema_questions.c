/*
 * store_schema_questions: the questions area's migrations, in order, NULL-terminated.
 * (questions: accepted answers, question state.) Never edit a released one: append.
 */
#include "store/store_sqlite_int.h"

// clang-format off
const char *const store_schema_questions[] = {
	NULL,
};
// clang-format on
