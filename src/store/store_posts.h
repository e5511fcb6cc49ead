/*
 * store_posts: posts, their mentions and hashtags, and favourites.
 *
 * A post row keeps the source text and the HTML rendered once at write
 * time. Deleting is soft (deleted_at): the row stays so that replies keep
 * their place in a thread and the audience of a deleted parent still
 * bounds its replies. Counters (replies, favourites, reblogs) are kept in
 * the row by the writer; the in-memory post index (feed/) is what read
 * paths filter with.
 *
 * Ids are time-ordered (core/clock.h) and assigned by the caller inside
 * the write transaction, so commit order is id order.
 */
#ifndef MOKA_STORE_POSTS_H
#define MOKA_STORE_POSTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store_conn;
struct arena;

struct post_row {
	int64_t id;
	int64_t author_id;
	int visibility; /* enum visibility (audience/audience.h) */
	const char *text, *html, *spoiler_text;
	const char *language; /* NULL when unknown */
	int64_t in_reply_to_id, in_reply_to_account_id;
	int64_t root_id;      /* a reply's thread root; 0 (NULL) for top-level posts */
	int64_t reblog_of_id; /* set on a repost */
	int64_t board_owner_id;
	bool question, sensitive, has_tags;
	int64_t created_at, edited_at, deleted_at; /* ms; 0 when not */
	int64_t replies_count, favourites_count, reblogs_count;
	const char *idempotency_key;
};

/* What the in-memory index needs of a post, from the load scan. */
struct post_meta {
	int64_t id, author_id, in_reply_to_id, reblog_of_id, board_owner_id;
	int visibility;
	bool question, has_tags, deleted;
};

/* Inserts p (p->id set by the caller). STORE_CONFLICT on a duplicate id
 * or a second live repost of one post by one author. */
int store_post_insert(struct store_conn *w, const struct post_row *p);
/* Fills *p (strings in a). STORE_NOT_FOUND if there is no such row
 * (deleted rows are found: check deleted_at). */
int store_post_get(struct store_conn *c, struct arena *a, int64_t id, struct post_row *p);
/* Replaces the text fields of id and sets edited_at. */
int store_post_update_text(struct store_conn *w, int64_t id, const char *text, const char *html,
			   const char *spoiler_text, bool sensitive, const char *language,
			   bool has_tags, int64_t edited_at);
/* Marks id deleted at `at`. STORE_NOT_FOUND if absent or already deleted. */
int store_post_delete(struct store_conn *w, int64_t id, int64_t at);

enum store_post_counter { POST_REPLIES, POST_FAVOURITES, POST_REBLOGS };
/* Adds delta to one of id's counters (never below 0). */
int store_post_count_add(struct store_conn *w, int64_t id, enum store_post_counter which,
			 int delta);

/* The newest live post of author with this Idempotency-Key created at or
 * after since_ms: STORE_OK with *id, or STORE_NOT_FOUND. */
int store_post_by_idempotency(struct store_conn *c, int64_t author, const char *key,
			      int64_t since_ms, int64_t *id);
/* author's live repost of original: STORE_OK with *id, or STORE_NOT_FOUND. */
int store_post_reblog_find(struct store_conn *c, int64_t author, int64_t original, int64_t *id);

/* Replaces the mentions of post_id with the n user ids. */
int store_post_mentions_set(struct store_conn *w, int64_t post_id, const int64_t *users, size_t n);
/* Replaces the hashtags (normalised names) of post_id. */
int store_post_tags_set(struct store_conn *w, int64_t post_id, const char *const *tags, size_t n);

/* A mentioned account, as a status lists it. */
struct post_mention {
	int64_t user_id;
	const char *username;
};
/* The mentions of post_id (at most max, by user id): the count. */
size_t store_post_mentions(struct store_conn *c, struct arena *a, int64_t post_id,
			   struct post_mention *out, size_t max);
/* The user ids mentioned in post_id (at most max): the count. */
size_t store_post_mention_ids(struct store_conn *c, int64_t post_id, int64_t *out, size_t max);
/* The hashtags of post_id (at most max, by name): the count. */
size_t store_post_tags(struct store_conn *c, struct arena *a, int64_t post_id, const char **out,
		       size_t max);

/* Ids of the live direct replies to parent, ascending, at most max: the count. */
size_t store_post_children(struct store_conn *c, int64_t parent, int64_t *out, size_t max);
/* Ids of the replies in the thread rooted at root (deleted ones too, the
 * root itself not), ascending, at most max: the count. */
size_t store_post_thread(struct store_conn *c, int64_t root, int64_t *out, size_t max);

/* Adds a favourite: STORE_OK if new, STORE_CONFLICT if it existed. */
int store_favourite_add(struct store_conn *w, int64_t post_id, int64_t user_id, int64_t at);
/* Removes a favourite: STORE_OK if removed, STORE_NOT_FOUND if none. */
int store_favourite_remove(struct store_conn *w, int64_t post_id, int64_t user_id);
/* Who favourited / reposted post_id, newest first, at most max user ids. */
size_t store_post_favourited_by(struct store_conn *c, int64_t post_id, int64_t *out, size_t max);
size_t store_post_reblogged_by(struct store_conn *c, int64_t post_id, int64_t *out, size_t max);
/* The live reposts of post_id (their post ids), at most max. */
size_t store_post_reblogs(struct store_conn *c, int64_t post_id, int64_t *out, size_t max);

/* Sets users.last_status_at of author (Mastodon's Account field). */
int store_user_touch_status(struct store_conn *w, int64_t author, int64_t at);

/* Row counts and the highest post id, to size the index before loading. */
int store_posts_stats(struct store_conn *c, int64_t *count, int64_t *max_id);
/* Calls fn for every post in id order (deleted ones included); stops
 * early when fn returns nonzero. Reads only the posts_load index. */
int store_posts_scan(struct store_conn *c, int (*fn)(void *ctx, const struct post_meta *m),
		     void *ctx);
/* Calls fn for every (post, user) mention in post order. */
int store_mentions_scan(struct store_conn *c,
			int (*fn)(void *ctx, int64_t post_id, int64_t user_id), void *ctx);
/* Calls fn for every like, ordered by person and then post. */
int store_favourites_scan(struct store_conn *c,
			  int (*fn)(void *ctx, int64_t user_id, int64_t post_id), void *ctx);
/* Calls fn for every (tag, post) pair, by tag then post. */
int store_tags_scan(struct store_conn *c,
		    int (*fn)(void *ctx, const char *tag, size_t tag_len, int64_t post_id),
		    void *ctx);

#endif
