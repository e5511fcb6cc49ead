/*
 * store_communities: communities, their memberships (members, owners,
 * join requests, invitations), the posts that belong to them, their
 * pinned posts and forum topics.
 *
 * Community ids are small integers (rowids): the post index keeps them in
 * 32 bits. Tags are stored normalised, separated by single spaces.
 */
#ifndef MOKA_STORE_COMMUNITIES_H
#define MOKA_STORE_COMMUNITIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store_conn;
struct arena;

struct community_row {
	int64_t id;
	const char *name, *description, *tags;
	int type; /* enum community_type */
	bool listed;
	int64_t created_by, created_at, updated_at, archived_at; /* 0: not archived */
};

/* Membership states. Stored: never renumber. */
enum community_state {
	CMEMBER_MEMBER = 0, /* role member or owner */
	CMEMBER_REQUESTED = 1,
	CMEMBER_INVITED = 2,
};

struct community_member_row {
	int64_t community_id, user_id;
	int state; /* enum community_state */
	int role;  /* enum community_role (member rows) */
	int64_t by, created_at;
};

/* Inserts c, setting c->id. */
int store_community_insert(struct store_conn *w, struct community_row *c);
/* Replaces name, description, tags, type, listed, updated_at. */
int store_community_update(struct store_conn *w, const struct community_row *c);
int store_community_archive(struct store_conn *w, int64_t id, int64_t at);
int store_community_get(struct store_conn *c, struct arena *a, int64_t id,
			struct community_row *out);

/* Inserts or replaces the membership row. */
int store_community_member_put(struct store_conn *w, const struct community_member_row *m);
/* STORE_OK, or STORE_NOT_FOUND when there was no row. */
int store_community_member_delete(struct store_conn *w, int64_t community, int64_t user);
int store_community_member_get(struct store_conn *c, int64_t community, int64_t user,
			       struct community_member_row *out);
/* Users whose state is `state` in community, by user id descending below
 * max_id (0: all), at most max: the count, or -1. */
int store_community_members_in_state(struct store_conn *c, int64_t community, int state,
				     int64_t max_id, int max, int64_t *out);

/* Records that post belongs to community. */
int store_community_post_add(struct store_conn *w, int64_t post, int64_t community);
/* Opens a topic (post is its first post), with activity at `at`. */
int store_community_topic_add(struct store_conn *w, int64_t post, int64_t community,
			      const char *title, int64_t at);
/* A reply in the thread rooted at root: the topic (if root is one) gains activity. */
int store_community_topic_touch(struct store_conn *w, int64_t root, int64_t at);
struct community_topic {
	int64_t post_id;
	const char *title;
	int64_t last_activity_at, replies;
};
/* Topics of community, most recent activity first, from just after
 * (before_at, before_id) in that order (before_at 0: from the most recent):
 * the count (at most max), or -1. */
int store_community_topics(struct store_conn *c, struct arena *a, int64_t community,
			   int64_t before_at, int64_t before_id, int max,
			   struct community_topic *out);
/* The topic whose first post is post, and its community: STORE_OK,
 * STORE_NOT_FOUND or STORE_ERROR. */
int store_community_topic_get(struct store_conn *c, struct arena *a, int64_t post,
			      int64_t *community, struct community_topic *out);
/* The topic title of post, or NULL. */
const char *store_community_topic_title(struct store_conn *c, struct arena *a, int64_t post);

/* Pins (on) or unpins post in community. */
int store_community_pin(struct store_conn *w, int64_t community, int64_t post, bool on, int64_t at);
/* Pinned posts of community, most recently pinned first: the count (≤ max). */
int store_community_pins(struct store_conn *c, int64_t community, int max, int64_t *out);

/* Load scans, in id order. Each stops early when fn returns nonzero. */
int store_communities_scan(struct store_conn *c, struct arena *a,
			   int (*fn)(void *ctx, const struct community_row *r), void *ctx);
int store_community_members_scan(struct store_conn *c,
				 int (*fn)(void *ctx, int64_t community, int64_t user, int role),
				 void *ctx);
int store_community_posts_scan(struct store_conn *c,
			       int (*fn)(void *ctx, int64_t post, int64_t community), void *ctx);

#endif
