/*
 * store_search: the full-text indexes behind search and the expertise
 * locator — the interface a backend implements (SQLite FTS5 in
 * store_sqlite_search.c; PostgreSQL's text search can implement the same).
 *
 * Queries arrive parsed (struct search_query, built by search/): the
 * backend turns terms into its own syntax, so no user text ever reaches
 * the engine's query language. Matching folds case and accents. Results
 * are candidates only: callers put every post, topic and community
 * through the audience rules before returning or counting it.
 *
 * Scores are "higher is better" (BM25 with column weights for people:
 * names and expertise above title, title above bio).
 */
#ifndef MOKA_STORE_SEARCH_H
#define MOKA_STORE_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store_conn;
struct arena;

/* One term of a query: a word or a "quoted phrase", maybe excluded
 * (-word), maybe a prefix (names as you type). alts: other spellings that
 * also match (one-typo neighbours), n_alts of them. */
struct search_term {
	const char *text;
	const char *const *alts;
	size_t n_alts;
	bool phrase, exclude, prefix;
};

struct search_query {
	const struct search_term *terms;
	size_t n;
	bool any; /* any positive term matches (OR), not all of them (AND) */
};

struct search_hit {
	int64_t id;
	double score;
};

/* What a snippet is cut from. */
enum search_kind {
	SEARCH_KIND_PEOPLE,
	SEARCH_KIND_POSTS,
	SEARCH_KIND_COMMUNITIES,
	SEARCH_KIND_TOPICS,
};

/* Which profile fields a people query looks at. */
enum search_people_fields {
	SEARCH_PEOPLE_ALL,
	SEARCH_PEOPLE_EXPERTISE, /* declared expertise tags only */
};

/* Active people matching q, best first: the count (≤ max) or -1. A prefix
 * term matches names only (as you type). _top also counts the matches in
 * *total, in the same pass, capped at SEARCH_PEOPLE_SCAN_MAX; every match
 * is ranked, however many there are (a lone prefix excepted: see
 * people_prefix). */
#define SEARCH_PEOPLE_SCAN_MAX 20000
int store_search_people_top(struct store_conn *c, const struct search_query *q,
			    enum search_people_fields fields, int max, struct search_hit *out,
			    int64_t *total);
int store_search_people(struct store_conn *c, const struct search_query *q,
			enum search_people_fields fields, int max, struct search_hit *out);

/* Live posts (not reposts) matching q, newest first, at most max, with
 * their text relevance: the count or -1. */
int store_search_posts(struct store_conn *c, const struct search_query *q, int max,
		       struct search_hit *out);
/* The same without relevance (scores 0), cheaper: live posts newest
 * first; people (deactivated ones too) in id order. */
int store_search_post_ids(struct store_conn *c, const struct search_query *q, int max,
			  struct search_hit *out);
int store_search_people_ids(struct store_conn *c, const struct search_query *q,
			    enum search_people_fields fields, int max, struct search_hit *out);
/* Communities and forum topics (by the topic's first post id) matching
 * q, best first (topics: newest first, scores 0): the count or -1. */
int store_search_communities(struct store_conn *c, const struct search_query *q, int max,
			     struct search_hit *out);
int store_search_topics(struct store_conn *c, const struct search_query *q, int max,
			struct search_hit *out);

/* A short extract of record id around q's terms as safe HTML: the text
 * HTML-escaped, matches in <mark>…</mark>. NULL when it has none. In a. */
char *store_search_snippet(struct store_conn *c, struct arena *a, enum search_kind kind, int64_t id,
			   const struct search_query *q);

/* Name words (as indexed: lowercase, accents folded) within one edit of
 * word (insertion, deletion, substitution or transposition; the first
 * letter right, or the first two swapped), most frequent first, word
 * itself left out: the count (≤ max) or -1. Strings in a. */
int store_search_name_neighbours(struct store_conn *c, struct arena *a, const char *word, int max,
				 const char **out);

/* Hashtags in use that start with prefix (normalised), most used first:
 * the count (≤ max) or -1. */
int store_search_tags_prefix(struct store_conn *c, struct arena *a, const char *prefix, int max,
			     const char **out);
/* Posts carrying tag, newest first (at most max): the count or -1. */
int store_search_tag_posts(struct store_conn *c, const char *tag, int max, int64_t *out);
/* People who declared expertise tag (at most max): the count or -1. */
int store_search_expertise_users(struct store_conn *c, const char *tag, int max, int64_t *out);
/* The same in id order, deactivated people too (no read of users). */
int store_search_expertise_ids(struct store_conn *c, const char *tag, int max, int64_t *out);

/* The people directory's filters; NULL/0 fields do not filter. */
struct store_directory_filter {
	const char *expertise; /* a normalised tag */
	const char *department, *location;
	int64_t manager_id;
};
/* Active people passing f, by display name then id, skipping offset: the
 * count (≤ max) or -1. *total gets the count of all that pass (capped at
 * 100,000). */
int store_search_directory(struct store_conn *c, const struct store_directory_filter *f,
			   size_t offset, int max, int64_t *out, int64_t *total);

/* Ask my network: records that by asked user about question post (a
 * repeat is STORE_CONFLICT), and whether a question was already offered
 * to more experts. */
int store_question_ask_add(struct store_conn *w, int64_t post, int64_t user, int64_t by,
			   int64_t at);
/* Questions user was asked about, newest first: the count (≤ max) or -1. */
int store_question_asks_of(struct store_conn *c, int64_t user, int max, int64_t *out);
/* Marks post offered (STORE_CONFLICT when it already was). */
int store_question_offer_mark(struct store_conn *w, int64_t post, int64_t at);
/* Open questions (is_question, no replies, live) created between from
 * and to (ms) that were never offered, oldest first: the count or -1. */
int store_question_unoffered(struct store_conn *c, int64_t from, int64_t to, int max, int64_t *out);
/* The accepted answers to question (question_accepts, the questions
 * area's table): the count (≤ max) or -1. */
int store_search_accepted_answers(struct store_conn *c, int64_t question, int max, int64_t *out);
/* A post's text (for a question's topic), or NULL. In a. */
const char *store_search_post_text(struct store_conn *c, struct arena *a, int64_t post);

#endif
