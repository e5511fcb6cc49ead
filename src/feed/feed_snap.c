/*
 * feed_snap: the post index as a snapshot (see app/app_index.c) — written
 * at shutdown, read back at start instead of the four store scans when
 * the store says nothing changed since. Community lists are left out:
 * communities_open() files community posts again, as after a scan.
 */
#include "feed/feed_int.h"
#include "core/snapfile.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>

struct user_head {
	uint32_t authored, board, mentioned, liked, reposted, live;
};

static void put_vec(struct snapw *w, const struct fvec *v)
{
	snapw_put(w, v->v, (size_t)v->len * sizeof(*v->v));
}

void feed_snap_write(const struct feed *f, struct snapw *w)
{
	snapw_u32(w, (uint32_t)sizeof(struct feed_post));
	snapw_u32(w, f->n);
	snapw_put(w, f->ids, (size_t)f->n * sizeof(*f->ids));
	snapw_put(w, f->posts, (size_t)f->n * sizeof(*f->posts));
	snapw_u32(w, f->pool_len);
	snapw_put(w, f->pool, (size_t)f->pool_len * sizeof(*f->pool));
	snapw_u32(w, f->users_cap);
	for (uint32_t i = 0; i < f->users_cap; i++) {
		const struct feed_user *u = &f->users[i];
		struct user_head h = {u->authored.len, u->board.len,	u->mentioned.len,
				      u->liked.len,    u->reposted.len, u->live};
		snapw_put(w, &h, sizeof(h));
	}
	for (uint32_t i = 0; i < f->users_cap; i++) {
		put_vec(w, &f->users[i].authored);
		put_vec(w, &f->users[i].board);
		put_vec(w, &f->users[i].mentioned);
		put_vec(w, &f->users[i].liked);
		put_vec(w, &f->users[i].reposted);
	}
	snapw_u32(w, f->listed.len);
	put_vec(w, &f->listed);
	uint32_t tags = 0;
	for (uint32_t i = 0; i < f->tags_cap; i++)
		tags += f->tags[i].name && f->tags[i].posts.len;
	snapw_u32(w, tags); /* tags left without posts are left out */
	for (uint32_t i = 0; i < f->tags_cap; i++) {
		const struct feed_tag *t = &f->tags[i];
		if (!t->name || !t->posts.len)
			continue;
		uint32_t len = (uint32_t)strlen(t->name);
		snapw_u32(w, len);
		snapw_put(w, t->name, len);
		snapw_u32(w, t->posts.len);
		put_vec(w, &t->posts);
	}
}

/* Reads a list of len slots, each below n, ascending. */
static bool get_vec(struct snapr *r, struct fvec *v, uint32_t len, uint32_t n)
{
	if (len == 0)
		return true;
	if (len > n)
		return false;
	v->v = xmalloc((size_t)len * sizeof(*v->v));
	v->cap = v->len = len;
	if (!snapr_get(r, v->v, (size_t)len * sizeof(*v->v)))
		return false;
	for (uint32_t i = 1; i < len; i++)
		if (v->v[i - 1] >= v->v[i])
			return false;
	v->last = v->v[len - 1];
	return v->last < n;
}

static bool posts_valid(const struct feed *f)
{
	for (uint32_t i = 0; i < f->n; i++) {
		const struct feed_post *p = &f->posts[i];
		if ((i && f->ids[i - 1] >= f->ids[i]) || p->mentions >= f->pool_len ||
		    ((p->flags & (FEED_REPLY | FEED_REBLOG)) && (p->ref == 0 || p->ref > f->n)))
			return false;
	}
	return true;
}

struct feed *feed_snap_read(struct snapr *r)
{
	uint32_t post_size, n, users;
	if (!snapr_u32(r, &post_size) || post_size != sizeof(struct feed_post) || !snapr_u32(r, &n))
		return NULL;
	struct feed *f = feed_new();
	bool ok = true;
	if (n) {
		feed_posts_reserve(f, n + 1024);
		f->n = n;
		ok = snapr_get(r, f->ids, (size_t)n * sizeof(*f->ids)) &&
		     snapr_get(r, f->posts, (size_t)n * sizeof(*f->posts));
	}
	uint32_t pool_len = 0;
	ok = ok && snapr_u32(r, &pool_len) && pool_len >= 1;
	if (ok) {
		free(f->pool);
		f->pool_cap = pool_len + 64;
		f->pool = xmalloc((size_t)f->pool_cap * sizeof(*f->pool));
		f->pool_len = pool_len;
		ok = snapr_get(r, f->pool, (size_t)pool_len * sizeof(*f->pool)) && posts_valid(f);
	}
	ok = ok && snapr_u32(r, &users) && users <= (1u << 28);
	if (ok && users) {
		struct user_head *h = xmalloc((size_t)users * sizeof(*h));
		feed_users_reserve(f, users);
		ok = snapr_get(r, h, (size_t)users * sizeof(*h));
		for (uint32_t i = 0; i < users && ok; i++) {
			struct feed_user *u = &f->users[i];
			u->live = h[i].live;
			ok = get_vec(r, &u->authored, h[i].authored, n) &&
			     get_vec(r, &u->board, h[i].board, n) &&
			     get_vec(r, &u->mentioned, h[i].mentioned, n) &&
			     get_vec(r, &u->liked, h[i].liked, n) &&
			     get_vec(r, &u->reposted, h[i].reposted, n);
			if (ok)
				feed_newest_sync(f, i);
		}
		free(h);
	}
	uint32_t len = 0, tags = 0;
	ok = ok && snapr_u32(r, &len) && get_vec(r, &f->listed, len, n) && snapr_u32(r, &tags);
	for (uint32_t i = 0; i < tags && ok; i++) {
		char name[1024];
		ok = snapr_u32(r, &len) && len > 0 && len < sizeof(name) && snapr_get(r, name, len);
		if (!ok)
			break;
		struct feed_tag *t = feed_tag_at(f, name, len, true);
		ok = t->posts.len == 0 && snapr_u32(r, &len) && len > 0 &&
		     get_vec(r, &t->posts, len, n);
	}
	if (!ok) {
		feed_free(f);
		return NULL;
	}
	return f;
}

static bool vec_equal(const struct fvec *a, const struct fvec *b)
{
	return a->len == b->len && (!a->len || memcmp(a->v, b->v, a->len * sizeof(*a->v)) == 0);
}

/* Every hashtag of a with posts has the same list in b. */
static bool tags_within(const struct feed *a, const struct feed *b)
{
	for (uint32_t i = 0; i < a->tags_cap; i++) {
		const struct feed_tag *t = &a->tags[i];
		if (!t->name || !t->posts.len)
			continue;
		struct feed_tag *u = feed_tag_at((struct feed *)b, t->name, strlen(t->name), false);
		if (!u || !vec_equal(&t->posts, &u->posts))
			return false;
	}
	return true;
}

bool feed_equal(const struct feed *a, const struct feed *b)
{
	if (a->n != b->n || memcmp(a->ids, b->ids, a->n * sizeof(*a->ids)) != 0 ||
	    !vec_equal(&a->listed, &b->listed) || !tags_within(a, b) || !tags_within(b, a))
		return false;
	for (uint32_t i = 0; i < a->n; i++) {
		struct feed_post x = a->posts[i], y = b->posts[i];
		size_t nx, ny;
		const uint32_t *mx, *my;
		nx = feed_mentions(a, i, &mx);
		ny = feed_mentions(b, i, &my);
		if (nx != ny || (nx && memcmp(mx, my, nx * sizeof(*mx)) != 0))
			return false;
		x.mentions = y.mentions = 0; /* pool offsets may differ */
		if (memcmp(&x, &y, sizeof(x)) != 0)
			return false;
	}
	uint32_t users = a->users_cap > b->users_cap ? a->users_cap : b->users_cap;
	static const struct feed_user none;
	for (uint32_t i = 0; i < users; i++) {
		const struct feed_user *x = i < a->users_cap ? &a->users[i] : &none;
		const struct feed_user *y = i < b->users_cap ? &b->users[i] : &none;
		if (!vec_equal(&x->authored, &y->authored) || !vec_equal(&x->board, &y->board) ||
		    !vec_equal(&x->mentioned, &y->mentioned) || !vec_equal(&x->liked, &y->liked) ||
		    !vec_equal(&x->reposted, &y->reposted) || x->live != y->live)
			return false;
	}
	uint32_t groups =
	    a->communities_cap > b->communities_cap ? a->communities_cap : b->communities_cap;
	static const struct fvec empty;
	for (uint32_t i = 0; i < groups; i++)
		if (!vec_equal(i < a->communities_cap ? &a->communities[i] : &empty,
			       i < b->communities_cap ? &b->communities[i] : &empty))
			return false;
	return true;
}
