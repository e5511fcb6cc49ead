/* communities_int: the in-memory index shared by src/communities/ only. */
#ifndef MOKA_COMMUNITIES_INT_H
#define MOKA_COMMUNITIES_INT_H

#include "communities/communities.h"

/* One community in memory. Strings are owned (xmalloc). */
struct community {
	bool exists, listed, archived;
	uint8_t type;
	char *name, *description, *tags; /* tags: normalised, space-separated */
	int64_t created_at;
	uint32_t *members; /* ascending user ids */
	uint8_t *roles;	   /* [i]: enum community_role of members[i] */
	uint32_t n, cap;
	uint32_t owners;
};

/* A person's communities (ascending ids). */
struct community_list {
	uint32_t *ids;
	uint32_t n, cap;
	uint32_t ver; /* a user's list: bumped at each change (communities_version_locked) */
};

struct communities {
	struct community *v; /* [community id] */
	uint32_t cap;
	struct community_list *users; /* [user id] */
	uint32_t users_cap;
};

/* The community id, or NULL when unknown. Lock held. */
struct community *communities_at(struct communities *cs, int64_t id);
/* Sets user's role in id (COMMUNITY_NONE removes them). Lock held for writing. */
void communities_index_set_role(struct communities *cs, int64_t id, int64_t user,
				enum community_role role);
/* Creates or replaces the description of community r (strings copied). */
struct community_row;
void communities_index_put(struct communities *cs, const struct community_row *r);

#endif
