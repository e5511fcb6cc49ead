/*
 * feed: the in-memory post index behind every stream (home, walls, the
 * company stream, hashtags, mentions) and behind the audience check.
 *
 * For every post the index keeps what deciding its audience, merging
 * streams and counting needs, and nothing else (texts stay in the store):
 * 8 bytes of id in a sorted array, plus a 28-byte struct feed_post at the
 * same index, its "slot". Because posts are appended in id order (ids are
 * assigned inside the write transaction, so commit order is id order),
 * slot order is id order: every list below is a sorted array of uint32
 * slots, and merging lists compares slots, never ids.
 *
 * Lists (each a sorted uint32 slot array):
 *   - per person: the posts they wrote (replies and reposts included),
 *     the posts others wrote on their board, the posts mentioning them,
 *     the posts they like (a Status's "favourited" comes from here);
 *   - the company stream: public posts that are neither reposts nor
 *     replies to someone else (a reply to oneself, a thread, stays);
 *   - per hashtag (normalised name): the posts carrying it;
 *   - per community: the posts that belong to it (their audience is
 *     "community"; the home stream merges the lists of the viewer's
 *     communities).
 * Deleted posts stay in place with FEED_DELETED set; every read goes
 * through the audience check, which refuses them.
 *
 * Memory: 40 bytes per post, plus 4 bytes per list entry (one for the
 * author's list, one more for public, tagged, board and mentioned posts,
 * one per like), plus 108 bytes per person: about 560 MB for 10 million
 * posts with 16 million likes.
 *
 * Loading: feed_open() reads four ordered scans (posts through a covering
 * index, mentions, tags, likes) and appends, without sorting.
 *
 * Concurrency: nothing here locks except the functions that take a struct
 * app (feed_open, feed_query_page). Readers hold app->mem_lock for
 * reading; the mutators run in after-commit hooks with it held for
 * writing. Pointers into the index are valid while the lock is held.
 */
#ifndef MOKA_FEED_H
#define MOKA_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;
struct arena;
struct feed;

/* Flags of an indexed post. REPLY, REBLOG and BOARD exclude each other. */
enum {
	FEED_DELETED = 1u << 0,
	FEED_REPLY = 1u << 1,	 /* ref is the parent's slot + 1 */
	FEED_REBLOG = 1u << 2,	 /* ref is the original's slot + 1 */
	FEED_BOARD = 1u << 3,	 /* ref is the board owner's user id */
	FEED_QUESTION = 1u << 4, /* a question to the author's network */
	FEED_OPEN = 1u << 5,	 /* it and every ancestor (or the original) are
				  * public or unlisted: any signed-in viewer */
	FEED_TAGGED = 1u << 6,	 /* carries hashtags */
	FEED_LISTED = 1u << 7,	 /* in the company stream list */
};

/* closed_replies saturates here; then only the store knows the exact count. */
#define FEED_CLOSED_MANY 0xffffu
/* "No such slot". */
#define FEED_NONE UINT32_MAX

/* One indexed post (32 bytes). Its id is feed_id(f, slot). */
struct feed_post {
	uint32_t author;
	uint32_t ref;		 /* see FEED_REPLY, FEED_REBLOG, FEED_BOARD */
	uint32_t mentions;	 /* offset of its mention run in the pool; 0 = none */
	uint32_t open_replies;	 /* live direct replies that are public or unlisted */
	uint32_t favourites;	 /* likes */
	uint32_t reblogs;	 /* live reposts */
	uint16_t closed_replies; /* the other live direct replies (saturating) */
	uint8_t visibility;	 /* enum visibility */
	uint8_t flags;
	uint32_t community; /* the community it belongs to (VIS_COMMUNITY); 0: none */
};

/* An empty index. Never NULL (aborts on OOM). */
struct feed *feed_new(void);
void feed_free(struct feed *f);

/* Builds app->feed from the store (before threads start) and raises the
 * id clock above the newest post. 0, or -1 on a store error (logged). */
int feed_open(struct app *app);
void feed_close(struct app *app);

/* --- Reading (memory lock held) ------------------------------------------ */

uint32_t feed_count(const struct feed *f);
/* The slot of post id, or FEED_NONE. Binary search over the id array. */
uint32_t feed_slot(const struct feed *f, int64_t id);
int64_t feed_id(const struct feed *f, uint32_t slot);
const struct feed_post *feed_post(const struct feed *f, uint32_t slot);
/* The user ids mentioned by the post at slot: the count, with *ids
 * pointing into the index (ascending). */
size_t feed_mentions(const struct feed *f, uint32_t slot, const uint32_t **ids);
/* The parent (reply) or original (repost) slot, or FEED_NONE. */
uint32_t feed_ref_slot(const struct feed_post *p);
/* How many live posts user wrote that are not direct (Mastodon's
 * statuses_count), and the id of the newest live one (0: none). */
void feed_user_stats(const struct feed *f, int64_t user, uint32_t *posts, int64_t *newest);
/* A counter that moves whenever what feed_user_stats returns for user may
 * change (their posts and deletes); 0 for people who never posted. */
uint32_t feed_user_version(const struct feed *f, int64_t user);
/* Whether user likes the post at slot. O(log likes). */
bool feed_liked(const struct feed *f, int64_t user, uint32_t slot);
/* out[k]: whether user has a live repost of the post at slots[k]. One pass
 * over the posts user wrote; n is a page's worth. */
void feed_reposted(const struct feed *f, int64_t user, const uint32_t *slots, size_t n, bool *out);
/* Bytes of heap the index holds (arrays at capacity). */
size_t feed_bytes(const struct feed *f);

/* --- Writing (memory lock held for writing: after-commit hooks) ---------- */

/* A post entering the index. */
struct feed_new {
	int64_t id;
	int64_t author;
	int visibility;
	int64_t in_reply_to_id, reblog_of_id, board_owner_id; /* 0 when not */
	bool question, deleted;
	int64_t community_id;	 /* VIS_COMMUNITY: its community (0 while loading) */
	const int64_t *mentions; /* user ids */
	size_t n_mentions;
	const char *const *tags; /* normalised names */
	size_t n_tags;
};

/*
 * Adds p. Ids normally arrive in increasing order (an append); an older
 * id is inserted in place at O(posts) cost. A reply whose parent, or a
 * repost whose original, is missing or is itself a repost is refused (one
 * answers or reposts the original). Returns 0, or -1 for a duplicate id,
 * a bad user id or visibility, or such a parent.
 */
int feed_insert(struct feed *f, const struct feed_new *p);
/* Marks id deleted and takes it out of its parent's reply counts.
 * 0, or -1 if it is unknown or already deleted. */
int feed_delete(struct feed *f, int64_t id);
/* Records that user likes id (on) or no longer does; its like count moves
 * only when that changes something. 0, or -1 (unknown id, bad user id). */
int feed_favourite(struct feed *f, int64_t user, int64_t id, bool on);
/* Replaces the mentions of id (after an edit). 0 or -1 (unknown id). */
int feed_set_mentions(struct feed *f, int64_t id, const int64_t *users, size_t n);
/* Files id under community (loading: community posts are indexed before
 * the communities are read). 0 or -1 (unknown id or bad community). */
int feed_set_community(struct feed *f, int64_t id, int64_t community);
/* Replaces the hashtags of id, given its old ones. 0 or -1 (unknown id). */
int feed_set_tags(struct feed *f, int64_t id, const char *const *old, size_t n_old,
		  const char *const *tags, size_t n);

/* --- Pages of a stream --------------------------------------------------- */

#define FEED_LIMIT_DEFAULT 20
#define FEED_LIMIT_MAX 40
/* At most this many candidates are examined for one page; a page that
 * runs out of budget is returned short, its Link cursor where it stopped. */
#define FEED_SCAN_MAX 20000

/* Mastodon's cursors: ids below max_id, above since_id, or (min_id) the
 * page just above min_id; 0 when absent. Output is newest first either way. */
struct feed_page {
	int64_t max_id, since_id, min_id;
	int limit;
};

/*
 * Parses the query parameters of a page (each NULL or "" when absent):
 * ids are decimal digits (at most 19), limit an integer from 1 up (above
 * FEED_LIMIT_MAX it is lowered to it; absent: FEED_LIMIT_DEFAULT).
 * Returns 0, or -1 with *why naming the bad parameter.
 */
int feed_page_parse(const char *max_id, const char *since_id, const char *min_id, const char *limit,
		    struct feed_page *out, const char **why);

enum feed_stream {
	FEED_HOME,	/* viewer's own posts, those on their board, those of
			 * the people they follow or are connected to, and
			 * those of viewer's communities */
	FEED_WALL,	/* user's posts and the posts on user's board */
	FEED_PUBLIC,	/* the company stream */
	FEED_TAG,	/* posts with hashtag tag (unlisted ones left out) */
	FEED_MENTIONS,	/* posts mentioning viewer */
	FEED_COMMUNITY, /* the posts of one community (replies included) */
};

struct feed_query {
	enum feed_stream stream;
	int64_t viewer;
	int64_t user;			       /* FEED_WALL */
	const char *tag;		       /* FEED_TAG, normalised */
	int64_t community;		       /* FEED_COMMUNITY */
	bool exclude_replies, exclude_reblogs; /* FEED_WALL */
};

struct feed_result {
	int64_t ids[FEED_LIMIT_MAX];	/* newest first */
	uint32_t slots[FEED_LIMIT_MAX]; /* theirs: valid only under the lock held
					 * for feed_query_page_locked */
	size_t n;
	/* Link cursors: rel="next" max_id and rel="prev" min_id; 0 for none. */
	int64_t next_max_id, prev_min_id;
	size_t scanned; /* candidates examined */
};

/* One page of q as q->viewer may see it (every post through the audience
 * check); a is scratch memory for the merge. Takes the memory read lock. */
void feed_query_page(struct app *app, struct arena *a, const struct feed_query *q,
		     const struct feed_page *pg, struct feed_result *out);
/* The same with the lock held. */
void feed_query_page_locked(struct app *app, struct arena *a, const struct feed_query *q,
			    const struct feed_page *pg, struct feed_result *out);

/* --- Snapshots (see app/app_index.c) ------------------------------------ */

struct snapw;
struct snapr;
/* Appends the index (community lists left out) to a snapshot. */
void feed_snap_write(const struct feed *f, struct snapw *w);
/* An index read back from a snapshot, or NULL if it is malformed (the
 * caller still checks snapr_close() before trusting it). */
struct feed *feed_snap_read(struct snapr *r);
/* True if a and b index the same posts the same way: ids, records,
 * mentions, every list (tests; version counters are not compared). */
bool feed_equal(const struct feed *a, const struct feed *b);

#endif
