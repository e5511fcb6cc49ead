/*
 * questions: asking and answering — which posts are questions, which of
 * their answers were accepted, the lists of questions (mine, my network's,
 * my communities', unanswered), and accepting or un-accepting an answer.
 *
 * A question is a live post with the question flag that is neither a
 * reply nor a repost: a stream post or a community forum topic. Its
 * answers are its direct replies. The asker — or, for a question in a
 * community, an owner of that community — accepts one or more answers and
 * may take an acceptance back. A question is "answered" while at least
 * one accepted answer is live and visible to whoever looks, else "open":
 * an answer someone may not see is, for them, not there.
 *
 * The in-memory index (app->questions) holds the ids of every question,
 * its (question, answer) pairs and the accepted ones, loaded at start after the
 * post index and kept in step by after-commit hooks under the memory
 * write lock. Everything read from it goes through the audience check:
 * lists never hold a question the viewer may not see, and a Status lists
 * only the accepted answers its viewer may see.
 */
#ifndef MOKA_QUESTIONS_H
#define MOKA_QUESTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;
struct arena;
struct audience_ctx;
struct feed_page;
struct feed_post;
struct feed_result;
struct jw;

/* Outcome of questions_accept; the API maps it to a status code. */
enum questions_rc {
	QUESTIONS_OK = 0,
	QUESTIONS_NOT_FOUND, /* unknown or invisible question or answer (404) */
	QUESTIONS_FORBIDDEN, /* neither the asker nor a community owner (403) */
	QUESTIONS_INVALID,   /* not a direct reply to this question (422) */
	QUESTIONS_ERROR,     /* the store failed (500) */
};

/* --- The in-memory index ---------------------------------------------------- */

/* Builds app->questions from the post index and the store. After
 * feed_open. 0, or -1 on a store error (logged). */
int questions_open(struct app *app);
void questions_close(struct app *app);
/* Notes post id, just indexed (feed_insert), when it is a question or a
 * direct reply to one. Memory lock held for writing (after-commit hooks). */
void questions_post_indexed_locked(struct app *app, int64_t id);

/* Is the indexed post p a question (flagged, not a reply, not a repost)? */
bool questions_is_question(const struct feed_post *p);
/* Was answer_id accepted as an answer to question_id? Lock held. */
bool questions_accepted_locked(struct app *app, int64_t question_id, int64_t answer_id);

/* --- Status extras ------------------------------------------------------------- */

/* What a Status's moka object says about questions, as one viewer sees it. */
struct questions_status {
	bool question;	      /* the post is a question */
	bool answered;	      /* ... with a live accepted answer */
	int64_t *accepted;    /* the accepted answers the viewer may see, ascending */
	size_t n_accepted;    /* ... their count */
	bool accepted_answer; /* the post is an accepted answer */
};

/* Fills *out for the post at slot as c->viewer sees it (accepted in a).
 * Lock held. */
void questions_status_locked(struct audience_ctx *c, struct arena *a, uint32_t slot,
			     struct questions_status *out);
/* Writes the members of s into the moka object w has open: on questions
 * "question_state", "answers_count" (answers: the visible direct replies)
 * and "accepted_answer_ids"; on accepted answers "accepted_answer". */
void questions_write_status(struct jw *w, const struct questions_status *s, int64_t answers);

/* --- Lists ---------------------------------------------------------------------- */

enum questions_list {
	QUESTIONS_MINE,	       /* asked by the viewer, open or answered */
	QUESTIONS_NETWORK,     /* open, asked by the viewer's 1st and 2nd degree,
				* outside communities */
	QUESTIONS_COMMUNITIES, /* open, in the viewer's communities */
	QUESTIONS_UNANSWERED,  /* no answer the viewer may see, older than min_age_ms */
};

struct questions_query {
	enum questions_list list;
	int64_t viewer;
	int64_t community;  /* QUESTIONS_COMMUNITIES: only this one (0: all) */
	int64_t min_age_ms; /* QUESTIONS_UNANSWERED */
	int64_t now_ms;	    /* QUESTIONS_UNANSWERED: the clock (0: now) */
};

/* Questions examined for one page at most; a page that runs out of budget
 * is returned short with its Link cursor where it stopped. */
#define QUESTIONS_SCAN_MAX 20000

/*
 * One page of q's list, newest first, every question through the
 * audience check, with feed's cursors (max_id, since_id, min_id, limit)
 * and Link cursors in out. The _locked form expects the memory read lock
 * (for callers that combine lists, e.g. routing questions to experts).
 */
void questions_list_locked(struct app *app, const struct questions_query *q,
			   const struct feed_page *pg, struct feed_result *out);
void questions_list(struct app *app, const struct questions_query *q, const struct feed_page *pg,
		    struct feed_result *out);
/* Would question_id be in q's list, as c->viewer (q->viewer) sees it,
 * ignoring paging? Lock held. For callers that test single questions. */
bool questions_match_locked(struct audience_ctx *c, const struct questions_query *q,
			    int64_t question_id);

/* --- Accepting ------------------------------------------------------------------ */

/*
 * viewer accepts (on) or takes back (off) answer_id as an answer to
 * question_id, in one transaction: the row, a "moka.answer_accepted"
 * notification to the answer's author (on, first time only), and after
 * the commit the index and "status.update" events for the question and
 * the answer. Idempotent. *why (static) explains a refusal.
 */
enum questions_rc questions_accept(struct app *app, int64_t viewer, int64_t question_id,
				   int64_t answer_id, bool on, const char **why);

#endif
