/* feed_int: the post index's own structures, shared by src/feed/ only. */
#ifndef MOKA_FEED_INT_H
#define MOKA_FEED_INT_H

#include "feed/feed.h"

/* A sorted array of slots, with a copy of its largest: a merge can order
 * a hundred lists by their newest post without touching their arrays. */
struct fvec {
	uint32_t *v;
	uint32_t len, cap;
	uint32_t last; /* v[len - 1] when len > 0 */
};

/* Per person (indexed by user id). */
struct feed_user {
	struct fvec authored;  /* posts they wrote */
	struct fvec board;     /* posts others wrote on their board */
	struct fvec mentioned; /* posts mentioning them */
	struct fvec liked;     /* posts they like */
	struct fvec reposted;  /* posts they repost (the originals, live reposts only) */
	uint32_t live;	       /* live posts they wrote, direct ones left out */
};

struct feed_tag {
	char *name; /* NULL: empty hash table entry */
	uint32_t hash;
	struct fvec posts;
};

struct feed {
	int64_t *ids;		 /* [slot], ascending (mmap: feed_posts_reserve) */
	struct feed_post *posts; /* [slot] (mmap: feed_posts_reserve) */
	uint32_t n, cap;
	uint32_t *pool; /* mention runs: count, then the ids; [0] unused */
	uint32_t pool_len, pool_cap;
	struct feed_user *users; /* [user id] */
	uint32_t *stats_ver;	 /* [user id]: bumped when their post count or newest
				  * post may change (feed_user_version) */
	uint32_t *newest;	 /* [user id]: users[id].authored.last + 1, 0 when empty —
				  * compact, so a merge over thousands of people can
				  * order them without touching their lists */
	uint32_t users_cap;
	struct fvec listed;    /* the company stream */
	struct feed_tag *tags; /* open addressing, power-of-two capacity */
	uint32_t tags_cap, tags_used;
	struct fvec *communities; /* [community id]: its posts */
	uint32_t communities_cap;
	struct feed_home **home; /* [user id]: their home stream's memo, or NULL
				  * (users_cap entries; see feed_stream.c) */
	uint32_t home_gen;	 /* bumped when an older slot joins a list */
};

/* Frees the home stream's memos (feed_free). */
void feed_home_free(struct feed *f);
/* The memos' bytes (feed_bytes). */
size_t feed_home_bytes(const struct feed *f);

/* Makes room for cap posts in ids and posts (anonymous mappings grown by
 * mremap: nothing is copied, however many posts there are). */
void feed_posts_reserve(struct feed *f, uint32_t cap);

/* The list of community id (grown on demand), or NULL for a bad id or,
 * when !create, an absent one. */
struct fvec *feed_community_at(struct feed *f, int64_t id, bool create);

/* Adds slot to v, keeping it sorted (appending when it is the largest). */
void fvec_add(struct fvec *v, uint32_t slot);
/* Removes slot from v if present. */
void fvec_remove(struct fvec *v, uint32_t slot);
/* Lays every list out again at its exact length (after a scan: see
 * xcompact). */
void feed_compact(struct feed *f);
/* Sets newest[user] from the user's authored list. */
void feed_newest_sync(struct feed *f, uint32_t user);

/* Index of the first element >= slot. */
uint32_t fvec_lower_bound(const struct fvec *v, uint32_t slot);
/* The same in each of n lists at once (out[i] for v[i]): their searches
 * step side by side, so the memory misses of each step overlap. */
void fvec_lower_bounds(const struct fvec *const *v, size_t n, uint32_t slot, uint32_t *out);

/* Makes room for people 0..cap-1 in every per-person array (users, newest,
 * stats_ver, home), the new entries zeroed: the one place that grows them. */
void feed_users_reserve(struct feed *f, uint32_t cap);
/* The person's lists (grown on demand), or NULL for a bad id when !create. */
struct feed_user *feed_user_at(struct feed *f, int64_t user, bool create);
/* The hashtag's list, created on demand; NULL when absent and !create. */
struct feed_tag *feed_tag_at(struct feed *f, const char *name, size_t len, bool create);
/* Index of the first id >= id. */
uint32_t feed_lower_bound(const struct feed *f, int64_t id);

#endif
