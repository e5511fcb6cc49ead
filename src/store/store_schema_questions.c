/*
 * store_schema_questions: the questions area's migrations, in order, NULL-terminated.
 * (questions: accepted answers, question state.) Never edit a released one: append.
 */
#include "store/store_sqlite_int.h"

// clang-format off
const char *const store_schema_questions[] = {
	/* 1: accepted answers (an answer is a direct reply to its question) */
	"CREATE TABLE question_accepts ("
	" answer_id INTEGER PRIMARY KEY,"
	" question_id INTEGER NOT NULL,"
	" accepted_by INTEGER NOT NULL,"
	" accepted_at INTEGER NOT NULL);"
	"CREATE INDEX question_accepts_question ON question_accepts (question_id, answer_id);",
	NULL,
};
// clang-format on
