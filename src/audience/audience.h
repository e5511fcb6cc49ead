/*
 * audience: who may see a post — the one check every read path goes
 * through (single post, threads, every stream, walls, notifications,
 * counts, live events, search).
 *
 * The rule. Viewer v (0 = anonymous) may see post P when v is signed in,
 * P is not deleted, and P's own audience admits v:
 *   - v wrote P, or P mentions v, or P is on v's board; or
 *   - public, unlisted: every signed-in person;
 *   - network: graph_distance(author, v) <= 2;
 *   - connections: distance 1;
 *   - private (Mastodon's): distance 1, or v follows the author;
 *   - direct: nobody else;
 *   - community: whoever may read its community (public and moderated
 *     communities: every signed-in person; restricted ones: their
 *     members), and nobody else — neither a mention nor a board widens
 *     it. Membership is read at check time, so leaving or being removed
 *     takes a community's posts away at once, live streams included;
 * and moreover:
 *   - a reply is visible only if v may also see its parent, and so on up
 *     the thread: a reply never widens the audience of what it answers.
 *     A deleted parent still bounds its replies with its audience (the
 *     replies stay, orphaned, for those who could see the parent);
 *   - a repost is visible only if its original is (live and visible);
 *   - the author always sees their own posts (and reposts of them): a
 *     reply stays visible to whoever wrote it even after they lost sight
 *     of what it answers — it shows nothing they did not write. Not so
 *     for reposting: one's repost shows someone else's words and follows
 *     the original's audience.
 *
 * Cost: O(1) for a post flagged FEED_OPEN (public or unlisted up its whole
 * chain, the common case), else one graph lookup per level of the thread
 * up to the first open ancestor. Relations (distance, follows) are cached
 * per struct audience_ctx, so a page of a stream asks the graph once per
 * author, and across requests in the app's audience_cache (below), so a
 * reader who comes back asks the graph only about what changed.
 */
#ifndef MOKA_AUDIENCE_H
#define MOKA_AUDIENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;
struct feed_new;

/* A post's audience. Values are stored in the database: never renumber. */
enum visibility {
	VIS_PUBLIC = 0,	     /* the whole company, in the company stream */
	VIS_UNLISTED = 1,    /* the whole company, kept out of the company stream */
	VIS_NETWORK = 2,     /* the author's connections and theirs (distance <= 2) */
	VIS_CONNECTIONS = 3, /* the author's connections (distance 1) */
	VIS_PRIVATE = 4,     /* Mastodon's "private": connections and followers */
	VIS_DIRECT = 5,	     /* only the people mentioned */
	VIS_COMMUNITY = 6,   /* who may read its community (communities.h) */
};

/* Parses a visibility name (Moka's and Mastodon's); -1 if unknown. */
int visibility_parse(const char *s, enum visibility *out);
/* Moka's name for v ("public", "unlisted", "network", "connections", "private", "direct",
 * "community"). */
const char *visibility_name(enum visibility v);
/* The value Mastodon clients understand ("network"/"connections"/"community" → "private"). */
const char *visibility_mastodon(enum visibility v);

/* May viewer (0 = anonymous) see post_id? Takes the memory read lock itself.
 * False for unknown or deleted posts. */
bool audience_post_visible(struct app *app, int64_t viewer, int64_t post_id);
/* The same with the memory lock held. */
bool audience_post_visible_locked(struct app *app, int64_t viewer, int64_t post_id);
/* Would viewer see post_id if it were not deleted? For telling the streams
 * that could show a post that it is gone. Lock held. */
bool audience_post_reached_locked(struct app *app, int64_t viewer, int64_t post_id);

#define AUDIENCE_CACHE 64

/* A viewer's audience checks over one lock hold: caches the viewer's
 * relation to each author seen. Valid only while the lock stays held. */
struct audience_ctx {
	struct app *app;
	int64_t viewer;
	uint32_t vv;		       /* graph_version(viewer), read at the first lookup */
	bool vv_read;		       /* ... once it is */
	uint32_t keys[AUDIENCE_CACHE]; /* author ids; 0 = empty */
	uint8_t rel[AUDIENCE_CACHE];   /* distance (bits 0-1), follows (bit 2) */
};

void audience_ctx_init(struct audience_ctx *c, struct app *app, int64_t viewer);
/* Tells c that author is one of the viewer's connections (distance 1): a
 * fact the caller holds for this lock hold (the home stream's memo keeps
 * it, checked against graph_version), sparing the graph lookup. Lock held. */
void audience_ctx_connected(struct audience_ctx *c, uint32_t author);
/* May c->viewer see the post at slot (see feed.h)? Lock held. */
bool audience_slot_visible(struct audience_ctx *c, uint32_t slot);
/* Would c->viewer see the post that d describes, were it indexed now
 * (a post being written: who to notify)? Lock held. */
bool audience_draft_visible(struct audience_ctx *c, const struct feed_new *d);

/* --- The relations kept across requests (audience_cache.c) ------------ */

/* viewer's relation to author (distance in bits 0-1, follows in bit 2),
 * filed with both people's graph_version when it was computed: an entry
 * is exact while both counters stay the same, so no graph change has to
 * remove anything. Bounded (budget_mb); lookups take no lock. */
struct audience_cache;

struct audience_cache *audience_cache_new(size_t budget_mb);
void audience_cache_free(struct audience_cache *c);
/* The relation filed for (viewer at version vv, author at version av), or
 * -1 when none is (never filed, replaced, or either version moved). */
int audience_cache_get(const struct audience_cache *c, uint32_t viewer, uint32_t vv,
		       uint32_t author, uint32_t av);
/* Files rel; skipped (it is only a cache) when another writer holds the
 * entry's set at that moment. */
void audience_cache_put(struct audience_cache *c, uint32_t viewer, uint32_t vv, uint32_t author,
			uint32_t av, unsigned rel);

#endif
