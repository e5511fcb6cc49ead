/*
 * demo_posts: what people post, when, to whom — without the text yet.
 *
 * About 60% of posts are originals (updates, questions, direct messages),
 * 3% are written on a colleague's board, 30% are replies in threads and
 * 7% are reposts of public posts. Authors are drawn by posting activity;
 * the well-connected get more replies and reposts. Times follow office
 * hours in each author's time zone, lighter at weekends; a reply comes
 * minutes to hours after its parent. Audiences: 38% public, 30% network,
 * 18% connections, 7% direct (to one or two connections), 4% unlisted,
 * 3% private; replies keep their thread's audience.
 *
 * At the end posts are sorted by time and get their time-ordered ids
 * (clock_id_from_ms), and reply and repost counts are known.
 */
#include "demo/demo_int.h"
#include "audience/audience.h"
#include "core/clock.h"
#include "core/xmalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MS_PER_DAY 86400000LL
#define MS_PER_HOUR 3600000LL
#define SHARE_ORIGINAL 0.60
#define SHARE_BOARD 0.03
#define SHARE_REPLY 0.30
#define SHARE_REBLOG 0.07
#define SHARE_PUBLIC 0.38
#define QUESTION_SHARE 0.08
#define QUESTION_REPLY_BOOST 3.0
#define MAX_REBLOGS 200

struct gen {
	struct demo *d;
	struct demo_rng r;
	int64_t start_ms, end_ms; /* the window: [now - days, now - 1 min] */
	double pop_mean;	  /* mean popularity of authors, by activity */
	double reply_mean, reblog_mean;
};

static struct demo_post *add_post(struct demo *d)
{
	if (d->n_posts == d->cap_posts) {
		d->cap_posts = d->cap_posts ? d->cap_posts * 2 : 1024;
		d->posts = xrealloc(d->posts, d->cap_posts * sizeof(*d->posts));
	}
	struct demo_post *p = &d->posts[d->n_posts++];
	memset(p, 0, sizeof(*p));
	return p;
}

/* How much attention someone's posts get, relative to a typical person. */
static double popularity(const struct demo *d, uint32_t id)
{
	double x = sqrt(((double)demo_degree(d, id) + 1) / (d->mean_degree + 1));
	return x < 0.3 ? 0.3 : x > 5 ? 5 : x;
}

static uint32_t random_connection(const struct demo *d, struct demo_rng *r, uint32_t id)
{
	size_t deg = demo_degree(d, id);
	return deg ? demo_connections(d, id)[demo_rng_below(r, (uint32_t)deg)] : 0;
}

/* A time in the window during the author's office hours, mostly on weekdays. */
static int64_t post_time(struct gen *g, uint32_t author)
{
	struct demo *d = g->d;
	int64_t first_day = g->start_ms / MS_PER_DAY;
	int64_t days = (g->end_ms - g->start_ms) / MS_PER_DAY + 1;
	int64_t day = first_day + demo_rng_below(&g->r, (uint32_t)days);
	int weekday = (int)((day + 3) % 7); /* 1970-01-01 was a Thursday; 0 is Monday */
	if (weekday >= 5 && demo_rng_unit(&g->r) < 0.8)
		day += weekday == 5 ? -1 : 1; /* Saturday to Friday, Sunday to Monday */
	double hour = 13 + 3 * demo_rng_normal(&g->r);
	hour = hour < 7 ? 7 + demo_rng_unit(&g->r) : hour > 21 ? 20 + demo_rng_unit(&g->r) : hour;
	int64_t ms = day * MS_PER_DAY + (int64_t)(hour * MS_PER_HOUR) -
		     (int64_t)demo_locations[d->people[author].loc].tz_minutes * 60000;
	if (ms > g->end_ms)
		ms = g->end_ms - (int64_t)demo_rng_below(&g->r, 6 * MS_PER_HOUR);
	if (ms < g->start_ms)
		ms = g->start_ms + (int64_t)demo_rng_below(&g->r, 6 * MS_PER_HOUR);
	return ms;
}

static int pick_visibility(struct gen *g)
{
	double u = demo_rng_unit(&g->r);
	if (u < SHARE_PUBLIC)
		return VIS_PUBLIC;
	if (u < 0.68)
		return VIS_NETWORK;
	if (u < 0.86)
		return VIS_CONNECTIONS;
	if (u < 0.93)
		return VIS_DIRECT;
	return u < 0.97 ? VIS_UNLISTED : VIS_PRIVATE;
}

static void add_original(struct gen *g)
{
	struct demo *d = g->d;
	uint32_t author = demo_alias_draw(&d->by_activity, &g->r);
	struct demo_post *p = add_post(d);
	p->kind = KIND_ORIGINAL;
	p->author = author;
	p->ms = post_time(g, author);
	p->vis = (uint8_t)pick_visibility(g);
	p->french = demo_rng_unit(&g->r) < demo_french_share(d, author);
	bool has_conn = demo_degree(d, author) > 0;
	if (p->vis == VIS_DIRECT) {
		if (!has_conn) {
			p->vis = VIS_PUBLIC;
		} else {
			p->mention[0] = random_connection(d, &g->r, author);
			uint32_t other = random_connection(d, &g->r, author);
			if (demo_rng_unit(&g->r) < 0.4 && other != p->mention[0])
				p->mention[1] = other;
			return;
		}
	}
	double u = demo_rng_unit(&g->r);
	if (u < QUESTION_SHARE)
		p->question = 1;
	else if (u < QUESTION_SHARE + 0.15 && has_conn)
		p->mention[0] = random_connection(d, &g->r, author);
}

static void add_board_post(struct gen *g)
{
	struct demo *d = g->d;
	for (int tries = 0; tries < 8; tries++) {
		uint32_t owner = demo_alias_draw(&d->by_weight, &g->r);
		uint32_t author = random_connection(d, &g->r, owner);
		if (!author)
			continue;
		struct demo_post *p = add_post(d);
		p->kind = KIND_BOARD;
		p->author = author;
		p->ms = post_time(g, author);
		p->vis = demo_rng_unit(&g->r) < 0.6 ? VIS_PUBLIC : VIS_CONNECTIONS;
		p->mention[0] = owner;
		p->french = demo_rng_unit(&g->r) < demo_french_share(d, author);
		return;
	}
}

/* Who answers in root's thread, replying to parent; 0 for nobody. */
static uint32_t pick_replier(struct gen *g, const struct demo_post *root,
			     const struct demo_post *parent)
{
	struct demo *d = g->d;
	for (int tries = 0; tries < 4; tries++) {
		uint32_t who;
		if (root->vis == VIS_DIRECT) {
			uint32_t cand[3] = {root->author, root->mention[0], root->mention[1]};
			who = cand[demo_rng_below(&g->r, cand[2] ? 3 : 2)];
		} else if (parent != root && demo_rng_unit(&g->r) < 0.3) {
			who = root->author;
		} else if ((root->vis == VIS_PUBLIC || root->vis == VIS_UNLISTED) &&
			   demo_rng_unit(&g->r) < 0.25) {
			who = demo_alias_draw(&d->by_activity, &g->r);
		} else {
			who = random_connection(d, &g->r, root->author);
		}
		if (who && who != parent->author)
			return who;
	}
	return 0;
}

/* The replies of the thread rooted at post index ri. */
static void add_thread(struct gen *g, size_t ri)
{
	struct demo *d = g->d;
	const struct demo_post *root = &d->posts[ri];
	double mean = g->reply_mean * popularity(d, root->author) / g->pop_mean;
	if (root->question)
		mean *= QUESTION_REPLY_BOOST;
	uint32_t k = demo_rng_poisson(&g->r, mean);
	size_t first = d->n_posts;
	for (uint32_t j = 0; j < k; j++) {
		size_t pi = ri;
		if (d->n_posts > first && demo_rng_unit(&g->r) >= 0.65)
			pi = first + demo_rng_below(&g->r, (uint32_t)(d->n_posts - first));
		/* d->posts may move when a post is added: copy what is needed */
		struct demo_post root_copy = d->posts[ri], parent = d->posts[pi];
		uint32_t who = pick_replier(g, &root_copy, &parent);
		int64_t ms = parent.ms + 60000 + (int64_t)demo_rng_exp(&g->r, 4.0 * MS_PER_HOUR);
		if (!who || ms > g->end_ms)
			continue;
		struct demo_post *p = add_post(d);
		p->kind = KIND_REPLY;
		p->author = who;
		p->ms = ms;
		p->parent = (uint32_t)pi + 1;
		p->root = (uint32_t)ri + 1;
		p->vis = root_copy.vis;
		p->mention[0] = parent.author;
		if (p->vis == VIS_DIRECT) {
			uint32_t other =
			    root_copy.author != who && root_copy.author != parent.author
				? root_copy.author
				: root_copy.mention[0];
			if (other != who && other != parent.author)
				p->mention[1] = other;
		}
		p->french = demo_rng_unit(&g->r) < demo_french_share(d, who);
		d->posts[pi].replies++;
	}
}

static void add_reblogs(struct gen *g, size_t oi)
{
	struct demo *d = g->d;
	const struct demo_post *o = &d->posts[oi];
	if (o->kind != KIND_ORIGINAL || o->vis != VIS_PUBLIC)
		return;
	uint32_t author = o->author;
	int64_t o_ms = o->ms;
	double mean = g->reblog_mean * popularity(d, author) / g->pop_mean;
	uint32_t k = demo_rng_poisson(&g->r, mean);
	uint32_t who[MAX_REBLOGS];
	uint32_t n = 0;
	for (uint32_t j = 0; j < k && n < MAX_REBLOGS; j++) {
		uint32_t w = demo_rng_unit(&g->r) < 0.7 ? random_connection(d, &g->r, author)
							: demo_alias_draw(&d->by_activity, &g->r);
		bool dup = !w || w == author;
		for (uint32_t i = 0; i < n && !dup; i++)
			dup = who[i] == w;
		int64_t ms = o_ms + 60000 + (int64_t)demo_rng_exp(&g->r, 6.0 * MS_PER_HOUR);
		if (dup || ms > g->end_ms)
			continue;
		who[n++] = w;
		struct demo_post *p = add_post(d);
		p->kind = KIND_REBLOG;
		p->author = w;
		p->ms = ms;
		p->parent = (uint32_t)oi + 1;
		p->vis = VIS_PUBLIC;
		d->posts[oi].reblogs++;
	}
}

/* Sorts the posts by time into d->order and gives them time-ordered ids. */
static int assign_ids(struct demo *d, int64_t start_ms)
{
	size_t n = d->n_posts;
	int bits = 1;
	while (((size_t)1 << bits) < n)
		bits++;
	uint64_t *keys = xmalloc(n * sizeof(*keys) + 1);
	for (size_t i = 0; i < n; i++) {
		uint64_t off = (uint64_t)(d->posts[i].ms - start_ms);
		if (off >> (64 - bits)) {
			free(keys);
			fprintf(stderr, "moka demo: too many posts for the time window\n");
			return -1;
		}
		keys[i] = off << bits | i;
	}
	demo_sort_u64(keys, n);
	d->order = xmalloc(n * sizeof(*d->order) + 1);
	d->post_id = xmalloc(n * sizeof(*d->post_id) + 1);
	int64_t last = 0;
	for (size_t k = 0; k < n; k++) {
		uint32_t i = (uint32_t)(keys[k] & (((uint64_t)1 << bits) - 1));
		d->order[k] = i;
		int64_t id = clock_id_from_ms(d->posts[i].ms, 0);
		d->post_id[i] = id > last ? id : last + 1;
		last = d->post_id[i];
		struct demo_person *a = &d->people[d->posts[i].author];
		if (d->posts[i].ms > a->last_post_ms)
			a->last_post_ms = d->posts[i].ms;
	}
	free(keys);
	return 0;
}

int demo_posts_build(struct demo *d)
{
	struct gen g = {.d = d};
	demo_rng_init(&g.r, d->o.seed, STREAM_POSTS);
	g.end_ms = d->o.now_ms - 60000;
	g.start_ms = d->o.now_ms - (int64_t)d->o.days * MS_PER_DAY;
	double total = d->o.posts_per_person * d->n, act = 0;
	for (uint32_t i = 1; i <= d->n; i++) {
		g.pop_mean += d->people[i].activity * popularity(d, i);
		act += d->people[i].activity;
	}
	g.pop_mean = act > 0 ? g.pop_mean / act : 1;
	size_t originals = (size_t)(total * SHARE_ORIGINAL + 0.5);
	size_t boards = (size_t)(total * SHARE_BOARD + 0.5);
	/* every thread root (originals and board posts) shares the replies;
	 * questions get more, so the others get a little less */
	double q_norm = 1 + QUESTION_SHARE * (QUESTION_REPLY_BOOST - 1);
	g.reply_mean = originals + boards ? total * SHARE_REPLY / (originals + boards) / q_norm : 0;
	g.reblog_mean = originals ? total * SHARE_REBLOG / (originals * SHARE_PUBLIC) : 0;
	d->cap_posts = (size_t)(total * 1.1) + 1024;
	d->posts = xmalloc(d->cap_posts * sizeof(*d->posts));
	for (size_t i = 0; i < originals && d->n > 1; i++)
		add_original(&g);
	for (size_t i = 0; i < boards && d->n > 1; i++)
		add_board_post(&g);
	size_t roots = d->n_posts;
	for (size_t i = 0; i < roots; i++) {
		add_thread(&g, i);
		add_reblogs(&g, i);
	}
	return assign_ids(d, g.start_ms);
}
