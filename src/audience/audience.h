/*
 * audience: who may see a post — the one check every read path goes
 * through (single post, threads, every stream, walls, notifications,
 * counts, live events, search).
 */
#ifndef MOKA_AUDIENCE_H
#define MOKA_AUDIENCE_H

#include <stdbool.h>
#include <stdint.h>

struct app;

/* A post's audience. Values are stored in the database: never renumber. */
enum visibility {
	VIS_PUBLIC = 0,      /* the whole company, in the company stream */
	VIS_UNLISTED = 1,    /* the whole company, kept out of the company stream */
	VIS_NETWORK = 2,     /* the author's connections and theirs (distance <= 2) */
	VIS_CONNECTIONS = 3, /* the author's connections (distance 1) */
	VIS_PRIVATE = 4,     /* Mastodon's "private": connections and followers */
	VIS_DIRECT = 5,      /* only the people mentioned */
};

/* Parses a visibility name (Moka's and Mastodon's); -1 if unknown. */
int visibility_parse(const char *s, enum visibility *out);
/* Moka's name for v ("public", "unlisted", "network", "connections", "private", "direct"). */
const char *visibility_name(enum visibility v);
/* The value Mastodon clients understand ("network"/"connections" → "private"). */
const char *visibility_mastodon(enum visibility v);

/* May viewer (0 = anonymous) see post_id? Takes the memory read lock itself.
 * False for unknown or deleted posts. */
bool audience_post_visible(struct app *app, int64_t viewer, int64_t post_id);

#endif
