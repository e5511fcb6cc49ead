/*
 * search: finding people, posts, questions, communities, forum topics
 * and hashtags, and the expertise locator ("who knows X?") with ask my
 * network — only ever what the searcher may see.
 *
 * Every post, question and topic hit goes through the one audience check
 * (audience.h) before it is returned or counted, communities through their
 * own visibility rule; people are every active colleague. The indexes and
 * their freshness belong to the store (store_search.h): they change in the
 * same transaction as the data, so a deleted or narrowed post leaves
 * others' results at once.
 *
 * Files: search_query.c (parsing), search.c (search and suggestions),
 * search_files.c (files and my messages), search_experts.c (experts,
 * directory), search_ask.c (ask my network, questions for you, the
 * periodic offer of unanswered questions).
 */
#ifndef MOKA_SEARCH_H
#define MOKA_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store_search.h"

struct app;
struct arena;
struct jw;

#define SEARCH_Q_MAX 512    /* bytes of a query */
#define SEARCH_TERMS_MAX 16 /* words and phrases in a query */

/*
 * Parses q into terms: words, "quoted phrases", -excluded words or
 * phrases; '#' and '@' in front of a word are dropped; words with no
 * letter or digit are ignored. With prefix_last, the last positive word
 * (two characters or more) also matches as a prefix. 0, or -1 with *why
 * (a message for a 422 naming q) for an empty, too long, invalid UTF-8 or
 * all-excluded query.
 */
int search_parse(struct arena *a, const char *q, bool prefix_last, struct search_query *out,
		 const char **why);

/* What a search looks for (bits). */
enum search_type {
	SEARCH_PEOPLE = 1 << 0,
	SEARCH_POSTS = 1 << 1,
	SEARCH_QUESTIONS = 1 << 2,
	SEARCH_COMMUNITIES = 1 << 3,
	SEARCH_TOPICS = 1 << 4,
	SEARCH_HASHTAGS = 1 << 5,
	SEARCH_FILES = 1 << 6,	  /* documents the searcher may read */
	SEARCH_MESSAGES = 1 << 7, /* the searcher's own conversations */
	SEARCH_ALL = (1 << 8) - 1,
};
/* Parses a type name (people, posts, questions, communities, topics,
 * hashtags, files, messages, all; Mastodon's accounts, statuses); -1 if
 * unknown. */
int search_type_parse(const char *s, unsigned *out);

struct search_request {
	const char *q;
	unsigned types;
	int limit;	  /* per type */
	size_t offset;	  /* per type */
	bool as_you_type; /* the last word is a prefix */
	/* filters; NULL/0: none */
	const char *department, *location; /* people */
	int64_t author_id, community_id;   /* posts, questions, topics */
};

/* Outcome of a search call. */
enum search_rc {
	SEARCH_OK = 0,
	SEARCH_INVALID, /* bad query: *why says what (422) */
	SEARCH_NOT_FOUND,
	SEARCH_FORBIDDEN,
	SEARCH_ERROR, /* the store failed */
};

/* Moka's search (GET /api/moka/v1/search): one object with a section per
 * type asked for, each {"total", "capped", "items": [...]}. */
enum search_rc search_render(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			     const struct search_request *r, const char **why);
/* Mastodon's v2 search: {"accounts", "statuses", "hashtags"}. */
enum search_rc search_render_mastodon(struct app *app, struct arena *a, struct jw *w,
				      int64_t viewer, const struct search_request *r,
				      const char **why);

/* --- Files and messages (search_files.c) ----------------------------------- */

/* The "files" and "messages" sections of search_render, in its shape:
 * every file hit through files_role (readable, not trashed), every
 * message through the messages rule (a member now, history, not deleted);
 * author_id filters owners and authors. 0, or -1 when the store failed. */
int search_files_section(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			 const struct search_query *q, const struct search_request *r);
int search_messages_section(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			    const struct search_query *q, const struct search_request *r);
/* The section object search_render writes for each type: {"total",
 * "capped", "items": [ — the caller writes the items, then ends it. */
void search_section_begin(struct jw *w, const char *name, int64_t total, bool capped);
void search_section_end(struct jw *w);
/* A JSON array of the Accounts of ids (n of them), in order, leaving out
 * those with no such person: rendered together (posts_render_parts: one
 * hold of the memory lock, one read transaction, the caches of rendered
 * JSON), so call it outside a read transaction for the caches to keep
 * what it renders. */
void search_accounts_array(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			   const int64_t *ids, size_t n);

/* --- The expertise locator (search_experts.c) ---------------------------- */

/* One candidate expert with the evidence for them. */
struct search_expert {
	int64_t id;
	double score;
	int distance;	   /* from the asker: 1, 2 or 3 (further) */
	int tier;	   /* 1, 2: a near expert (ranked first); 3: the rest */
	bool declared;	   /* has the topic among their expertise */
	const char *tag;   /* the expertise tag they declared, if known */
	int accepted;	   /* accepted answers to questions on the topic */
	int posts;	   /* posts on the topic the asker may see */
	int communities;   /* communities tagged with the topic they belong to */
	int64_t newest;	   /* ms of their newest evidence, 0 if none */
	int64_t through;   /* for distance 2: a connection in common */
	int64_t community; /* one of those communities */
};

/* The people who know about q, best first, for asker (left out, with
 * everyone in exclude): at most max in out, the count; -1 with *why for a
 * bad query, -2 on a store error. */
int search_experts(struct app *app, struct arena *a, int64_t asker, const char *q,
		   const int64_t *exclude, size_t n_exclude, int max, struct search_expert *out,
		   const char **why);
/* The same for a parsed query (tags: the topic as expertise tags and
 * hashtags, normalised). */
int search_experts_query(struct app *app, struct arena *a, int64_t asker,
			 const struct search_query *q, const char *const *tags, size_t n_tags,
			 const int64_t *exclude, size_t n_exclude, int max,
			 struct search_expert *out);
/* The keywords of a text (a question being written): its hashtags, then
 * its longer words that are not common English or French words, at most
 * max, as an any-term query and as tags. -1 when it has none. */
int search_keywords(struct arena *a, const char *text, size_t max, struct search_query *q,
		    const char ***tags, size_t *n_tags);
/* GET /api/moka/v1/experts: [{account, score, distance, why, reasons}];
 * q a topic (all its words), or text a question draft (its keywords). */
enum search_rc search_render_experts(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
				     const char *q, const char *text, int limit, const char **why);

/* The people directory (GET /api/moka/v1/people). */
struct search_directory {
	const char *q; /* sort relevance: profile text search */
	const char *expertise, *department, *location;
	int64_t manager_id;
	bool by_relevance;
	int limit;
	size_t offset;
};
enum search_rc search_render_directory(struct app *app, struct arena *a, struct jw *w,
				       int64_t viewer, const struct search_directory *d,
				       const char **why);

/* --- Ask my network (search_ask.c) ---------------------------------------- */

/* The asker invites people to answer question post_id (theirs, visible
 * to each): each gets a "moka.question_asked" notification once. Ids in
 * *asked, count in *n_asked (already asked ones are left out). */
enum search_rc search_ask(struct app *app, struct arena *a, int64_t asker, int64_t post_id,
			  const int64_t *ids, size_t n, int64_t *asked, size_t *n_asked,
			  const char **why);
/* "Questions for you": open questions viewer may see that they were asked
 * about or whose topic matches their expertise, newest first. */
enum search_rc search_render_questions_for(struct app *app, struct arena *a, struct jw *w,
					   int64_t viewer, int limit);
/* The periodic job: questions with no reply for after_ms (a day by
 * default) and at most a week old are offered once to the best experts
 * not asked yet. Returns how many questions were looked at. */
int search_offer_unanswered(struct app *app, int64_t now_ms, int64_t after_ms);
/* Starts and stops the thread that runs search_offer_unanswered every
 * interval_s seconds (0: never) for questions after_s seconds old. */
void search_jobs_start(struct app *app, unsigned interval_s, unsigned after_s);
void search_jobs_stop(void);

#endif
