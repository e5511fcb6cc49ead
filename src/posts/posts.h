/*
 * posts: status updates — create, edit, delete, replies, likes, reposts,
 * board posts — and their Mastodon Status rendering.
 */
#ifndef MOKA_POSTS_H
#define MOKA_POSTS_H

#include <stdint.h>

struct app;
struct arena;
struct jw;

/* Writes post_id as a Mastodon Status entity, as viewer sees it (their
 * favourited/reblogged flags, counts only from what they may see). Returns
 * -1, writing nothing, when the post does not exist or viewer may not see
 * it. Takes the memory read lock itself. */
int posts_render_status(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			int64_t post_id);

#endif
