/*
 * feed_load: builds the post index from the store at start-up with four
 * ordered scans — posts (through the posts_load covering index, so no
 * text is read), mentions, hashtags, likes — appending to every list in
 * order.
 */
#include "feed/feed_int.h"
#include "app/app.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/snapfile.h"
#include "core/xmalloc.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

struct load {
	struct feed *f;
	size_t skipped;
	/* mentions of the post being gathered */
	int64_t post;
	int64_t *users;
	size_t n_users, cap_users;
	/* hashtags */
	struct feed_tag *tag;
};

static int load_post(void *ctx, const struct post_meta *m)
{
	struct load *l = ctx;
	struct feed_new p = {
	    .id = m->id,
	    .author = m->author_id,
	    .visibility = m->visibility,
	    .in_reply_to_id = m->in_reply_to_id,
	    .reblog_of_id = m->reblog_of_id,
	    .board_owner_id = m->board_owner_id,
	    .question = m->question,
	    .deleted = m->deleted,
	};
	if (feed_insert(l->f, &p) == 0)
		return 0;
	/* A reply whose parent is gone from the store, or an odd row: keep it
	 * out of every stream rather than guess its audience. */
	p.in_reply_to_id = p.reblog_of_id = 0;
	p.deleted = true;
	if (feed_insert(l->f, &p) < 0)
		log_warn("feed: post %lld not indexed", (long long)m->id);
	l->skipped++;
	return 0;
}

static void flush_mentions(struct load *l)
{
	if (l->n_users == 0)
		return;
	struct feed *f = l->f;
	uint32_t slot = feed_slot(f, l->post);
	if (slot != FEED_NONE && !f->posts[slot].mentions)
		feed_set_mentions(f, l->post, l->users, l->n_users);
	l->n_users = 0;
}

static int load_mention(void *ctx, int64_t post_id, int64_t user_id)
{
	struct load *l = ctx;
	if (post_id != l->post) {
		flush_mentions(l);
		l->post = post_id;
	}
	if (l->n_users == l->cap_users) {
		l->cap_users = l->cap_users ? l->cap_users * 2 : 16;
		l->users = xrealloc(l->users, l->cap_users * sizeof(*l->users));
	}
	l->users[l->n_users++] = user_id;
	return 0;
}

static int load_tag(void *ctx, const char *tag, size_t len, int64_t post_id)
{
	struct load *l = ctx;
	struct feed *f = l->f;
	if (!l->tag || strncmp(l->tag->name, tag, len) != 0 || l->tag->name[len] != '\0')
		l->tag = feed_tag_at(f, tag, len, true);
	uint32_t slot = feed_slot(f, post_id);
	if (slot == FEED_NONE)
		return 0;
	fvec_add(&l->tag->posts, slot);
	f->posts[slot].flags |= FEED_TAGGED;
	return 0;
}

/* Likes arrive by person, then post: each person's list is appended to. */
static int load_favourite(void *ctx, int64_t user_id, int64_t post_id)
{
	struct load *l = ctx;
	struct feed *f = l->f;
	uint32_t slot = feed_slot(f, post_id);
	struct feed_user *u = feed_user_at(f, user_id, true);
	if (slot == FEED_NONE || !u)
		return 0;
	fvec_add(&u->liked, slot);
	if (f->posts[slot].favourites < UINT32_MAX)
		f->posts[slot].favourites++;
	return 0;
}

int feed_open(struct app *app)
{
	struct store_conn *c = store_reader(app->store);
	int64_t t0 = clock_mono_us(), count = 0, max_id = 0;
	if (store_posts_stats(c, &count, &max_id) != STORE_OK)
		return -1;
	struct feed *f = feed_new();
	if (count > 0) {
		feed_posts_reserve(f, (uint32_t)count + 1024);
	}
	struct load l = {.f = f};
	int rc = store_posts_scan(c, load_post, &l);
	if (rc == STORE_OK)
		rc = store_mentions_scan(c, load_mention, &l);
	flush_mentions(&l);
	if (rc == STORE_OK)
		rc = store_tags_scan(c, load_tag, &l);
	if (rc == STORE_OK)
		rc = store_favourites_scan(c, load_favourite, &l);
	free(l.users);
	if (rc != STORE_OK) {
		feed_free(f);
		return -1;
	}
	feed_compact(f);
	app->feed = f;
	clock_id_floor(max_id);
	if (f->n)
		log_info("feed: %u posts indexed in %.0f ms (%.1f MB)%s", f->n,
			 (double)(clock_mono_us() - t0) / 1000.0, (double)feed_bytes(f) / 1e6,
			 l.skipped ? " (some orphans kept out of streams)" : "");
	return 0;
}

void feed_close(struct app *app)
{
	feed_free(app->feed);
	app->feed = NULL;
}
