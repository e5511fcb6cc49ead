/*
 * store_sqlite_demo_extras: bulk rows for the demo company's extras (see
 * store_demo.h): accepted answers on community forum questions, chosen in
 * one statement from what the communities step wrote. Runs on the writer
 * connection inside the caller's transaction.
 */
#include "store/store_sqlite_int.h"
#include "store/store_demo.h"

int store_demo_community_accepts(struct store_conn *w, int pct, int64_t delay_ms, int64_t now,
				 int64_t *n)
{
	/* the first answer by someone else, accepted by the asker; ids are
	 * time-ordered, so the smallest reply id is the earliest reply */
	sqlite3_stmt *st = sq_stmt(
	    w, "INSERT INTO question_accepts (answer_id, question_id, accepted_by, accepted_at)"
	       " SELECT answer, qid, asker, MIN(at + ?2, ?3) FROM"
	       " (SELECT q.id AS qid, q.author_id AS asker, MIN(r.id) AS answer,"
	       "   MIN(r.created_at) AS at"
	       "  FROM community_posts cp JOIN posts q ON q.id = cp.post_id"
	       "  JOIN posts r ON r.in_reply_to_id = q.id AND r.author_id <> q.author_id"
	       "   AND r.deleted_at IS NULL"
	       "  WHERE q.is_question = 1 AND q.in_reply_to_id IS NULL AND q.reblog_of_id IS NULL"
	       "   AND q.deleted_at IS NULL AND (q.id / 7) % 100 < ?1"
	       "  GROUP BY q.id)");
	sq_int(st, 1, pct);
	sq_int(st, 2, delay_ms);
	sq_int(st, 3, now);
	int rc = sq_exec(w, st);
	*n = rc == STORE_OK ? sqlite3_changes(w->db) : 0;
	return rc;
}
