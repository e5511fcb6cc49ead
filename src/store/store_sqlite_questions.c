/* store_sqlite_questions: accepted answers in SQLite (schema:
 * store_schema_questions.c). */
#include "store/store_sqlite_int.h"
#include "store/store_questions.h"

int store_question_accept_insert(struct store_conn *w, const struct question_accept_row *r)
{
	sqlite3_stmt *st = sq_stmt(w, "INSERT INTO question_accepts (answer_id, question_id,"
				      " accepted_by, accepted_at) VALUES (?,?,?,?)");
	sq_int(st, 1, r->answer_id);
	sq_int(st, 2, r->question_id);
	sq_int(st, 3, r->accepted_by);
	sq_int(st, 4, r->accepted_at);
	return sq_exec(w, st);
}

int store_question_accept_delete(struct store_conn *w, int64_t question_id, int64_t answer_id)
{
	sqlite3_stmt *st =
	    sq_stmt(w, "DELETE FROM question_accepts WHERE answer_id = ? AND question_id = ?");
	sq_int(st, 1, answer_id);
	sq_int(st, 2, question_id);
	int rc = sq_exec(w, st);
	if (rc == STORE_OK && sqlite3_changes(w->db) == 0)
		return STORE_NOT_FOUND;
	return rc;
}

int store_question_accepts_scan(struct store_conn *c,
				int (*fn)(void *ctx, const struct question_accept_row *r),
				void *ctx)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT question_id, answer_id, accepted_by, accepted_at"
				      " FROM question_accepts ORDER BY question_id, answer_id");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct question_accept_row r = {
		    .question_id = sqlite3_column_int64(st, 0),
		    .answer_id = sqlite3_column_int64(st, 1),
		    .accepted_by = sqlite3_column_int64(st, 2),
		    .accepted_at = sqlite3_column_int64(st, 3),
		};
		if (fn(ctx, &r))
			break;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? STORE_OK : STORE_ERROR;
}
