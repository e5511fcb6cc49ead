/*
 * audience: the one audience check (the rule is in audience.h), over the
 * in-memory post index (feed/) and social graph (graph/).
 */
#include "audience/audience.h"
#include "app/app.h"
#include "communities/communities.h"
#include "feed/feed.h"
#include "graph/graph.h"

#include <string.h>

static const char *const names[] = {"public",  "unlisted", "network",  "connections",
				    "private", "direct",   "community"};

int visibility_parse(const char *s, enum visibility *out)
{
	for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (enum visibility)i;
			return 0;
		}
	}
	return -1;
}

const char *visibility_name(enum visibility v)
{
	return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "direct";
}

const char *visibility_mastodon(enum visibility v)
{
	switch (v) {
	case VIS_PUBLIC:
		return "public";
	case VIS_UNLISTED:
		return "unlisted";
	case VIS_DIRECT:
		return "direct";
	default:
		return "private";
	}
}

void audience_ctx_init(struct audience_ctx *c, struct app *app, int64_t viewer)
{
	c->app = app;
	c->viewer = viewer > 0 && viewer <= GRAPH_ID_MAX ? viewer : 0;
	c->vv_read = false;
	memset(c->keys, 0, sizeof(c->keys));
}

#define REL_FOLLOWS 4u

/* author's entry in c's cache of relations (64 entries). */
static unsigned rel_slot(uint32_t author)
{
	return (author * 2654435761u) >> 26;
}

void audience_ctx_connected(struct audience_ctx *c, uint32_t author)
{
	unsigned h = rel_slot(author);
	c->keys[h] = author;
	c->rel[h] = 1; /* distance 1 answers every rule; follows is not asked */
}

/* The viewer's relation to author: distance in bits 0-1, REL_FOLLOWS. */
static unsigned relation(struct audience_ctx *c, uint32_t author)
{
	unsigned h = rel_slot(author);
	if (c->keys[h] == author)
		return c->rel[h];
	const struct graph *g = c->app->graph;
	struct audience_cache *ac = c->app->relations;
	uint32_t v = (uint32_t)c->viewer, av = 0;
	int r = -1;
	if (ac) {
		if (!c->vv_read) {
			c->vv = graph_version(g, v);
			c->vv_read = true;
		}
		av = graph_version(g, author);
		r = audience_cache_get(ac, v, c->vv, author, av);
	}
	if (r < 0) {
		r = graph_distance(g, author, v) & 3;
		if (graph_is_following(g, v, author))
			r |= REL_FOLLOWS;
		if (ac)
			audience_cache_put(ac, v, c->vv, author, av, (unsigned)r);
	}
	c->keys[h] = author;
	c->rel[h] = (uint8_t)r;
	return (unsigned)r;
}

static bool in_run(const uint32_t *ids, size_t n, uint32_t v)
{
	for (size_t i = 0; i < n && ids[i] <= v; i++)
		if (ids[i] == v)
			return true;
	return false;
}

/* The post's own audience rule, given whether it names the viewer
 * (author, board owner or mentioned) already checked. */
static bool own_rule(struct audience_ctx *c, uint32_t author, int visibility)
{
	switch (visibility) {
	case VIS_PUBLIC:
	case VIS_UNLISTED:
		return true;
	case VIS_NETWORK:
		return (relation(c, author) & 3u) <= 2;
	case VIS_CONNECTIONS:
		return (relation(c, author) & 3u) == 1;
	case VIS_PRIVATE: {
		unsigned r = relation(c, author);
		return (r & 3u) == 1 || (r & REL_FOLLOWS);
	}
	default:
		return false;
	}
}

static bool own(struct audience_ctx *c, const struct feed *f, uint32_t slot)
{
	const struct feed_post *p = feed_post(f, slot);
	uint32_t v = (uint32_t)c->viewer;
	if (p->visibility == VIS_COMMUNITY)
		return p->author == v || communities_can_read_locked(c->app, p->community, v);
	if (p->author == v || ((p->flags & FEED_BOARD) && p->ref == v))
		return true;
	const uint32_t *m;
	size_t n = feed_mentions(f, slot, &m);
	if (n && in_run(m, n, v))
		return true;
	return own_rule(c, p->author, p->visibility);
}

/* The thread check from slot upwards, ignoring deletion (a deleted
 * parent's audience still bounds its replies). */
static bool chain(struct audience_ctx *c, const struct feed *f, uint32_t slot)
{
	for (;;) {
		const struct feed_post *p = feed_post(f, slot);
		if (p->flags & FEED_OPEN)
			return true;
		if (!own(c, f, slot))
			return false;
		if (!(p->flags & FEED_REPLY))
			return true;
		slot = p->ref - 1;
	}
}

static bool slot_check(struct audience_ctx *c, uint32_t slot, bool allow_deleted)
{
	const struct feed *f = c->app->feed;
	if (!c->viewer || slot == FEED_NONE || !f)
		return false;
	const struct feed_post *p = feed_post(f, slot);
	if ((p->flags & FEED_DELETED) && !allow_deleted)
		return false;
	if (p->flags & FEED_REBLOG) {
		if (!(p->flags & FEED_OPEN) && !own(c, f, slot))
			return false;
		slot = p->ref - 1;
		p = feed_post(f, slot);
		if (p->flags & FEED_DELETED)
			return false;
	}
	if (p->author == (uint32_t)c->viewer)
		return true; /* one's own words, even under a thread one lost sight of */
	return chain(c, f, slot);
}

bool audience_slot_visible(struct audience_ctx *c, uint32_t slot)
{
	return slot_check(c, slot, false);
}

bool audience_draft_visible(struct audience_ctx *c, const struct feed_new *d)
{
	const struct feed *f = c->app->feed;
	int64_t v = c->viewer;
	if (!v || !f)
		return false;
	if (d->visibility == VIS_COMMUNITY &&
	    !(d->author == v || communities_can_read_locked(c->app, d->community_id, v)))
		return false;
	bool named = d->author == v || d->board_owner_id == v;
	for (size_t i = 0; !named && i < d->n_mentions; i++)
		named = d->mentions[i] == v;
	if (!named && d->visibility != VIS_COMMUNITY &&
	    !own_rule(c, (uint32_t)d->author, d->visibility))
		return false;
	int64_t ref = d->reblog_of_id ? d->reblog_of_id : d->in_reply_to_id;
	if (!ref)
		return true;
	uint32_t slot = feed_slot(f, ref);
	if (slot == FEED_NONE)
		return false;
	if (d->reblog_of_id)
		return slot_check(c, slot, false);
	return chain(c, f, slot);
}

bool audience_post_visible_locked(struct app *app, int64_t viewer, int64_t post_id)
{
	if (!app->feed)
		return false;
	struct audience_ctx c;
	audience_ctx_init(&c, app, viewer);
	return slot_check(&c, feed_slot(app->feed, post_id), false);
}

bool audience_post_reached_locked(struct app *app, int64_t viewer, int64_t post_id)
{
	if (!app->feed)
		return false;
	struct audience_ctx c;
	audience_ctx_init(&c, app, viewer);
	return slot_check(&c, feed_slot(app->feed, post_id), true);
}

bool audience_post_visible(struct app *app, int64_t viewer, int64_t post_id)
{
	app_rdlock(app);
	bool ok = audience_post_visible_locked(app, viewer, post_id);
	app_unlock(app);
	return ok;
}
