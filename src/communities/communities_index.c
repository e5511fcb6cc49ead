/*
 * communities_index: the rules (pure) and the in-memory index of
 * communities and memberships that the audience check, the home stream
 * and the live hub read under the memory lock.
 */
#include "communities/communities_int.h"
#include "app/app.h"
#include "core/arena.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "feed/feed.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

/* --- the rules --------------------------------------------------------------- */

bool community_may(enum community_type type, bool listed, bool archived, enum community_role role,
		   enum community_action action)
{
	bool member = role != COMMUNITY_NONE;
	switch (action) {
	case COMMUNITY_SEE_LISTING:
		return type != COMMUNITY_RESTRICTED || listed || member;
	case COMMUNITY_READ:
		return type != COMMUNITY_RESTRICTED || member;
	case COMMUNITY_JOIN:
		return !archived && !member && type == COMMUNITY_PUBLIC;
	case COMMUNITY_REQUEST:
		return !archived && !member && type == COMMUNITY_MODERATED;
	case COMMUNITY_POST:
		return !archived && member;
	case COMMUNITY_MODERATE:
		return !archived && role == COMMUNITY_OWNER;
	case COMMUNITY_LEAVE:
		return member;
	}
	return false;
}

bool community_keeps_owner(unsigned owners, enum community_role from, enum community_role to)
{
	if (from != COMMUNITY_OWNER || to == COMMUNITY_OWNER)
		return true;
	return owners > 1;
}

static const char *const type_names[] = {"public", "moderated", "restricted"};

int community_type_parse(const char *s, enum community_type *out)
{
	for (int i = 0; i < 3; i++) {
		if (strcmp(s, type_names[i]) == 0) {
			*out = (enum community_type)i;
			return 0;
		}
	}
	return -1;
}

const char *community_type_name(enum community_type t)
{
	return (unsigned)t < 3 ? type_names[t] : "restricted";
}

/* --- the index ----------------------------------------------------------------- */

struct community *communities_at(struct communities *cs, int64_t id)
{
	if (!cs || id <= 0 || id >= cs->cap || !cs->v[id].exists)
		return NULL;
	return &cs->v[id];
}

static char *dup_or_empty(const char *s)
{
	return xstrdup(s ? s : "");
}

void communities_index_put(struct communities *cs, const struct community_row *r)
{
	if (r->id <= 0 || r->id > UINT32_MAX - 1)
		return;
	if ((uint64_t)r->id >= cs->cap) {
		uint32_t cap = cs->cap ? cs->cap : 64;
		while (cap <= (uint64_t)r->id)
			cap *= 2;
		cs->v = xrealloc(cs->v, cap * sizeof(*cs->v));
		memset(cs->v + cs->cap, 0, (cap - cs->cap) * sizeof(*cs->v));
		cs->cap = cap;
	}
	struct community *c = &cs->v[r->id];
	free(c->name);
	free(c->description);
	free(c->tags);
	c->exists = true;
	c->name = dup_or_empty(r->name);
	c->description = dup_or_empty(r->description);
	c->tags = dup_or_empty(r->tags);
	c->type = (uint8_t)r->type;
	c->listed = r->listed;
	c->archived = r->archived_at != 0;
	c->created_at = r->created_at;
}

static uint32_t lower_bound(const uint32_t *v, uint32_t n, uint32_t x)
{
	uint32_t lo = 0, hi = n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void list_set(struct community_list *l, uint32_t id, bool in)
{
	uint32_t i = lower_bound(l->ids, l->n, id);
	bool there = i < l->n && l->ids[i] == id;
	if (in && !there) {
		if (l->n == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 4;
			l->ids = xrealloc(l->ids, l->cap * sizeof(*l->ids));
		}
		memmove(l->ids + i + 1, l->ids + i, (l->n - i) * sizeof(*l->ids));
		l->ids[i] = id;
		l->n++;
		l->ver++;
	} else if (!in && there) {
		memmove(l->ids + i, l->ids + i + 1, (l->n - i - 1) * sizeof(*l->ids));
		l->n--;
		l->ver++;
	}
}

static struct community_list *user_list(struct communities *cs, int64_t user, bool create)
{
	if (user <= 0 || user > UINT32_MAX - 1)
		return NULL;
	if ((uint64_t)user >= cs->users_cap) {
		if (!create)
			return NULL;
		uint32_t cap = cs->users_cap ? cs->users_cap : 1024;
		while (cap <= (uint64_t)user)
			cap *= 2;
		cs->users = xrealloc(cs->users, cap * sizeof(*cs->users));
		memset(cs->users + cs->users_cap, 0, (cap - cs->users_cap) * sizeof(*cs->users));
		cs->users_cap = cap;
	}
	return &cs->users[user];
}

void communities_index_set_role(struct communities *cs, int64_t id, int64_t user,
				enum community_role role)
{
	struct community *c = communities_at(cs, id);
	struct community_list *l = user_list(cs, user, true);
	if (!c || !l)
		return;
	uint32_t u = (uint32_t)user, i = lower_bound(c->members, c->n, u);
	bool there = i < c->n && c->members[i] == u;
	if (there && c->roles[i] == COMMUNITY_OWNER)
		c->owners--;
	if (role == COMMUNITY_NONE) {
		if (there) {
			memmove(c->members + i, c->members + i + 1,
				(c->n - i - 1) * sizeof(*c->members));
			memmove(c->roles + i, c->roles + i + 1, c->n - i - 1);
			c->n--;
		}
		list_set(l, (uint32_t)id, false);
		return;
	}
	if (!there) {
		if (c->n == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 8;
			c->members = xrealloc(c->members, c->cap * sizeof(*c->members));
			c->roles = xrealloc(c->roles, c->cap);
		}
		memmove(c->members + i + 1, c->members + i, (c->n - i) * sizeof(*c->members));
		memmove(c->roles + i + 1, c->roles + i, c->n - i);
		c->members[i] = u;
		c->n++;
	}
	c->roles[i] = (uint8_t)role;
	if (role == COMMUNITY_OWNER)
		c->owners++;
	list_set(l, (uint32_t)id, true);
}

enum community_role communities_role_locked(struct app *app, int64_t id, int64_t viewer)
{
	struct community *c = communities_at(app->communities, id);
	if (!c || viewer <= 0 || viewer > UINT32_MAX - 1)
		return COMMUNITY_NONE;
	uint32_t i = lower_bound(c->members, c->n, (uint32_t)viewer);
	return i < c->n && c->members[i] == (uint32_t)viewer ? (enum community_role)c->roles[i]
							     : COMMUNITY_NONE;
}

bool communities_can_read_locked(struct app *app, int64_t id, int64_t viewer)
{
	struct community *c = communities_at(app->communities, id);
	if (!c || viewer <= 0)
		return false;
	return community_may(c->type, c->listed, c->archived,
			     communities_role_locked(app, id, viewer), COMMUNITY_READ);
}

size_t communities_of_locked(struct app *app, int64_t viewer, const uint32_t **ids)
{
	struct community_list *l =
	    app->communities ? user_list(app->communities, viewer, false) : NULL;
	*ids = l ? l->ids : NULL;
	return l ? l->n : 0;
}

uint32_t communities_version_locked(struct app *app, int64_t user)
{
	struct community_list *l =
	    app->communities ? user_list(app->communities, user, false) : NULL;
	return l ? l->ver : 0;
}

size_t communities_members_locked(struct app *app, int64_t id, const uint32_t **ids)
{
	struct community *c = communities_at(app->communities, id);
	*ids = c ? c->members : NULL;
	return c ? c->n : 0;
}

/* --- loading ------------------------------------------------------------------- */

static int load_community(void *ctx, const struct community_row *r)
{
	communities_index_put(ctx, r);
	return 0;
}

static int load_member(void *ctx, int64_t community, int64_t user, int role)
{
	communities_index_set_role(ctx, community, user,
				   role == COMMUNITY_OWNER ? COMMUNITY_OWNER : COMMUNITY_MEMBER);
	return 0;
}

static int load_post(void *ctx, int64_t post, int64_t community)
{
	feed_set_community(ctx, post, community);
	return 0;
}

int communities_open(struct app *app)
{
	struct communities *cs = xcalloc(1, sizeof(*cs));
	app->communities = cs;
	struct store_conn *c = store_reader(app->store);
	struct arena *a = arena_new();
	int rc = store_communities_scan(c, a, load_community, cs);
	arena_free(a);
	if (rc == STORE_OK)
		rc = store_community_members_scan(c, load_member, cs);
	if (rc == STORE_OK && app->feed)
		rc = store_community_posts_scan(c, load_post, app->feed);
	if (rc != STORE_OK) {
		log_error("communities: could not load");
		return -1;
	}
	return 0;
}

void communities_close(struct app *app)
{
	struct communities *cs = app->communities;
	if (!cs)
		return;
	for (uint32_t i = 0; i < cs->cap; i++) {
		free(cs->v[i].name);
		free(cs->v[i].description);
		free(cs->v[i].tags);
		free(cs->v[i].members);
		free(cs->v[i].roles);
	}
	for (uint32_t i = 0; i < cs->users_cap; i++)
		free(cs->users[i].ids);
	free(cs->v);
	free(cs->users);
	free(cs);
	app->communities = NULL;
}
