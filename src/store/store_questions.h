/*
 * store_questions: accepted answers of questions.
 *
 * A question is a post with the question flag (store_posts.h) that is
 * not a reply — a stream post or a community forum topic. Its answers are
 * its direct replies; the rows here say which of them the asker (or an
 * owner of the question's community) accepted, by whom and when. Whether
 * a question is open or answered follows from these rows and is not
 * stored.
 */
#ifndef MOKA_STORE_QUESTIONS_H
#define MOKA_STORE_QUESTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store_conn;

struct question_accept_row {
	int64_t question_id, answer_id;
	int64_t accepted_by, accepted_at;
};

/* Records an accepted answer: STORE_OK if new, STORE_CONFLICT if the
 * answer was already accepted. */
int store_question_accept_insert(struct store_conn *w, const struct question_accept_row *r);
/* Takes back the acceptance of answer_id in question_id: STORE_OK, or
 * STORE_NOT_FOUND if it was not accepted. */
int store_question_accept_delete(struct store_conn *w, int64_t question_id, int64_t answer_id);
/* Calls fn for every accepted answer, by question then answer; stops
 * early when fn returns nonzero. */
int store_question_accepts_scan(struct store_conn *c,
				int (*fn)(void *ctx, const struct question_accept_row *r),
				void *ctx);

#endif
