/*
 * demo_write: turns the company in memory into rows, through the store's
 * bulk paths (store_demo.h), in primary-key order: people and their
 * profiles, connections, follows, posts in time order (text rendered by
 * text_render exactly as the server renders it, with mentions resolved
 * against the generated usernames) with their mentions, hashtags and
 * likes, then the recent notifications and the access tokens.
 *
 * Profile and post text are drawn from per-person and per-post random
 * streams, so they need no memory until written and stay the same for a
 * given seed.
 */
#include "demo/demo_int.h"
#include "audience/audience.h"
#include "auth/auth.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/xmalloc.h"
#include "json/json_writer.h"
#include "store/store.h"
#include "store/store_demo.h"
#include "text/text.h"

#include <math.h>
#include <pthread.h>
#include <stdbool.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MS_PER_DAY 86400000LL
#define MS_PER_HOUR 3600000LL
#define MAX_EXPERTISE 8
#define MAX_LIKES 300
#define LIKE_MEAN 2.0

enum notif_type { N_MENTION, N_FAVOURITE, N_REBLOG, N_FOLLOW };
static const char *const notif_names[] = {"mention", "favourite", "reblog", "follow"};

struct notif {
	int64_t ms, post_id;
	uint32_t user, actor;
	uint8_t type;
};

struct writer {
	struct demo *d;
	struct store_demo *b;
	struct demo_written *out;
	struct buf text, tmp;
	int64_t notify_start;
	struct notif *notifs;
	size_t n_notifs, cap_notifs;
	double pop_mean;
};

/* What a person's profile says, drawn from their own random stream. */
struct profile {
	const char *expertise[MAX_EXPERTISE];
	size_t n_expertise;
	const char *projects[3];
	size_t n_projects;
	uint32_t hobby;
	bool french;
};

static void profile_of(const struct demo *d, uint32_t id, struct profile *pf)
{
	struct demo_rng r;
	demo_rng_init(&r, d->o.seed, STREAM_PERSON + 2ull * id + 1);
	pf->n_expertise = demo_expertise(d, id, pf->expertise, MAX_EXPERTISE);
	const char *const *projects = demo_depts[d->people[id].dept].projects;
	uint32_t np = (uint32_t)demo_list_len(projects);
	pf->n_projects = 0;
	for (uint32_t want = 1 + demo_rng_below(&r, 2), k = 0; pf->n_projects < want && k < 8;
	     k++) {
		const char *p = projects[demo_rng_below(&r, np)];
		if (pf->n_projects == 0 || pf->projects[0] != p)
			pf->projects[pf->n_projects++] = p;
	}
	pf->hobby = demo_rng_below(&r, (uint32_t)demo_list_len(demo_hobbies[0]));
	pf->french = demo_french_share(d, id) >= 0.45;
}

static void notif_add(struct writer *w, int64_t ms, uint32_t user, uint32_t actor, int64_t post_id,
		      uint8_t type)
{
	if (ms < w->notify_start || user == actor || !user)
		return;
	if (w->n_notifs == w->cap_notifs) {
		w->cap_notifs = w->cap_notifs ? w->cap_notifs * 2 : 4096;
		w->notifs = xrealloc(w->notifs, w->cap_notifs * sizeof(*w->notifs));
	}
	w->notifs[w->n_notifs++] = (struct notif){ms, post_id, user, actor, type};
}

/* ---- people ---- */

static char *json_list(struct arena *a, struct buf *tmp, const char *const *items, size_t n)
{
	buf_reset(tmp);
	buf_putc(tmp, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(tmp, ',');
		json_escape(tmp, items[i], strlen(items[i]));
	}
	buf_putc(tmp, ']');
	return arena_strndup(a, tmp->ptr, tmp->len);
}

static char *phone_of(struct arena *a, struct demo_rng *r, const char *pattern)
{
	char *out = arena_strdup(a, pattern);
	for (char *s = out; *s; s++)
		if (*s == '#')
			*s = (char)('0' + demo_rng_below(r, 10));
	return out;
}

static size_t languages_of(const struct demo *d, uint32_t id, struct demo_rng *r, const char **out)
{
	static const char *const extra[] = {"Spanish",	"German",   "Italian", "Portuguese",
					    "Mandarin", "Japanese", "Arabic",  "Dutch"};
	const struct demo_person *p = &d->people[id];
	size_t n = 0;
	const char *want[8];
	size_t nw = 0;
	want[nw++] = demo_cultures[p->culture].language;
	for (const char *const *l = demo_locations[p->loc].languages; *l && nw < 6; l++)
		want[nw++] = *l;
	if (demo_rng_unit(r) < 0.15)
		want[nw++] = extra[demo_rng_below(r, 8)];
	for (size_t i = 0; i < nw; i++) {
		bool dup = false;
		for (size_t j = 0; j < n; j++)
			dup |= !strcmp(out[j], want[i]);
		if (!dup)
			out[n++] = want[i];
	}
	return n;
}

static char *about_of(struct arena *a, const struct demo *d, uint32_t id, const struct profile *pf)
{
	const struct demo_person *p = &d->people[id];
	const char *dept = demo_depts[p->dept].name, *city = demo_locations[p->loc].city;
	const char *e[3];
	for (size_t i = 0; i < 3; i++) /* demo_expertise gives at least one, usually 3-6 */
		e[i] = pf->expertise[i % (pf->n_expertise ? pf->n_expertise : 1)];
	const char *hobby = demo_hobbies[pf->french][pf->hobby];
	bool two = pf->n_projects > 1;
	if (pf->french)
		return arena_printf(
		    a,
		    "%s (%s), basé·e à %s. Je travaille sur %s%s%s. Mes sujets : %s, %s et %s."
		    " En dehors du travail : %s.",
		    p->title, dept, city, pf->projects[0], two ? " et " : "",
		    two ? pf->projects[1] : "", e[0], e[1], e[2], hobby);
	return arena_printf(a,
			    "%s in %s, based in %s. I work on %s%s%s. Ask me about %s, %s and %s."
			    " Outside work: %s.",
			    p->title, dept, city, pf->projects[0], two ? " and " : "",
			    two ? pf->projects[1] : "", e[0], e[1], e[2], hobby);
}

static int write_person(struct writer *w, struct arena *a, uint32_t id, const char *phc)
{
	const struct demo *d = w->d;
	const struct demo_person *p = &d->people[id];
	struct profile pf;
	profile_of(d, id, &pf);
	struct demo_rng r;
	demo_rng_init(&r, d->o.seed, STREAM_PERSON + 2ull * id);
	const char *norm[MAX_EXPERTISE];
	size_t nn = 0;
	for (size_t i = 0; i < pf.n_expertise; i++) {
		char *t = text_tag_normalize(a, pf.expertise[i], strlen(pf.expertise[i]));
		bool dup = !t;
		for (size_t j = 0; j < nn && !dup; j++)
			dup = !strcmp(norm[j], t);
		if (!dup)
			norm[nn++] = t;
	}
	const char *langs[8];
	size_t nl = languages_of(d, id, &r, langs);
	bool admin = p->depth == 0 || (p->depth == 1 && !strcmp(demo_depts[p->dept].name, "IT"));
	struct user u = {
	    .id = id,
	    .username = demo_username(d, id),
	    .display_name = demo_display_name(d, id),
	    .email = arena_printf(a, "%s@%s", demo_username(d, id), DEMO_DOMAIN),
	    .password_hash = phc,
	    .role = admin ? "admin" : "user",
	    .active = true,
	    .created_at = p->joined_ms,
	    .updated_at = p->joined_ms,
	    .title = p->title,
	    .department = demo_depts[p->dept].name,
	    .location = demo_locations[p->loc].city,
	    .phone = phone_of(a, &r, demo_locations[p->loc].phone),
	    .about = about_of(a, d, id, &pf),
	    .projects_json = json_list(a, &w->tmp, pf.projects, pf.n_projects),
	    .expertise_json = json_list(a, &w->tmp, norm, nn),
	    .languages_json = json_list(a, &w->tmp, langs, nl),
	    .manager_id = p->manager,
	    .last_status_at = p->last_post_ms,
	};
	if (store_demo_user(w->b, &u) != STORE_OK)
		return -1;
	for (size_t i = 0; i < nn; i++)
		if (store_demo_expertise(w->b, id, norm[i]) != STORE_OK)
			return -1;
	return 0;
}

static int write_people(struct writer *w)
{
	char phc[256];
	if (auth_password_hash(w->d->o.password, phc, sizeof(phc)) < 0) {
		fprintf(stderr, "moka demo: cannot hash the demo password\n");
		return -1;
	}
	struct arena *a = arena_new();
	int rc = 0;
	for (uint32_t id = 1; id <= w->d->n && rc == 0; id++) {
		rc = write_person(w, a, id, phc);
		if (id % 1024 == 0) {
			arena_free(a);
			a = arena_new();
		}
	}
	arena_free(a);
	return rc;
}

/* ---- the network ---- */

/* When two people linked up: some time after the later of them joined. */
static int64_t link_time(const struct demo *d, struct demo_rng *r, uint32_t a, uint32_t b)
{
	int64_t ja = d->people[a].joined_ms, jb = d->people[b].joined_ms;
	int64_t from = ja > jb ? ja : jb;
	return from + (int64_t)(demo_rng_unit(r) * (double)(d->o.now_ms - from));
}

static int write_network(struct writer *w)
{
	const struct demo *d = w->d;
	struct demo_rng r;
	demo_rng_init(&r, d->o.seed, STREAM_CONNECT + 100);
	for (size_t i = 0; i < d->n_pairs; i++) {
		uint32_t a = (uint32_t)(d->pairs[i] >> 32), b = (uint32_t)d->pairs[i];
		if (store_demo_connection(w->b, a, b, link_time(d, &r, a, b)) != STORE_OK)
			return -1;
	}
	for (size_t i = 0; i < d->n_follows; i++) {
		uint32_t a = (uint32_t)(d->follows[i] >> 32), b = (uint32_t)d->follows[i];
		int64_t at = link_time(d, &r, a, b);
		if (store_demo_follow(w->b, a, b, at) != STORE_OK)
			return -1;
		notif_add(w, at, b, a, 0, N_FOLLOW);
	}
	return 0;
}

/* ---- post text ---- */

struct text_ctx {
	struct writer *w;
	struct demo_rng *r;
	const struct demo_post *p;
	struct profile pf;
	int fr;
};

/* "Machine learning" -> "#MachineLearning"; "C++" -> "#C". */
static void put_hashtag(struct buf *b, const char *s)
{
	buf_putc(b, '#');
	bool word_start = true;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		bool alnum =
		    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (c >= 0x80) {
			buf_putc(b, (char)c);
			word_start = false;
		} else if (alnum) {
			buf_putc(b, word_start && c >= 'a' && c <= 'z' ? (char)(c - 32) : (char)c);
			word_start = false;
		} else {
			word_start = true;
		}
	}
}

static void put_mention(struct buf *b, const struct demo *d, uint32_t id)
{
	buf_printf(b, "@%s", demo_username(d, id));
}

/* Someone to name in a reply: a connection of the author other than the
 * people already in the conversation; 0 if none. */
static uint32_t someone_to_name(struct text_ctx *c)
{
	const struct demo *d = c->w->d;
	size_t deg = demo_degree(d, c->p->author);
	for (int tries = 0; deg && tries < 4; tries++) {
		uint32_t x = demo_connections(d, c->p->author)[demo_rng_below(c->r, (uint32_t)deg)];
		if (x != c->p->mention[0] && x != c->p->mention[1])
			return x;
	}
	return 0;
}

static const char *pick(struct demo_rng *r, const char *const *items, size_t n)
{
	return items[demo_rng_below(r, (uint32_t)n)];
}

static void expand_one(struct text_ctx *c, char k, struct buf *b)
{
	const struct demo *d = c->w->d;
	const struct profile *pf = &c->pf;
	uint32_t who;
	switch (k) {
	case 't':
		put_hashtag(b, pick(c->r, pf->expertise, pf->n_expertise));
		break;
	case 'T':
		buf_puts(b, pick(c->r, demo_company_tags, demo_list_len(demo_company_tags)));
		break;
	case 'x':
		buf_puts(b, pick(c->r, pf->expertise, pf->n_expertise));
		break;
	case 'p':
		buf_puts(b, pick(c->r, pf->projects, pf->n_projects));
		break;
	case 'l':
		buf_puts(b, demo_locations[d->people[c->p->author].loc].city);
		break;
	case 'c':
		buf_puts(b, demo_locations[demo_rng_below(c->r, (uint32_t)demo_n_locations)].city);
		break;
	case 'd':
		buf_puts(b, pick(c->r, demo_days[c->fr], 5));
		break;
	case 'n':
		buf_printf(b, "%u", 2 + demo_rng_below(c->r, 39));
		break;
	case 'u':
		buf_printf(b, "%s%u", DEMO_WIKI, 1000 + demo_rng_below(c->r, 90000));
		break;
	case 'o':
	case 'M':
		put_mention(b, d, c->p->mention[0]);
		if (k == 'M' && c->p->mention[1]) {
			buf_putc(b, ' ');
			put_mention(b, d, c->p->mention[1]);
		}
		break;
	case 'm':
		who = c->p->kind == KIND_ORIGINAL ? c->p->mention[0] : someone_to_name(c);
		if (who)
			put_mention(b, d, who);
		else
			buf_puts(b, c->fr ? "l'équipe" : "the team");
		break;
	default:
		buf_printf(b, "{%c}", k);
		break;
	}
}

static void expand(struct text_ctx *c, const char *tpl, struct buf *b)
{
	for (const char *s = tpl; *s; s++) {
		if (s[0] == '{' && s[1] && s[2] == '}') {
			expand_one(c, s[1], b);
			s += 2;
		} else {
			buf_putc(b, *s);
		}
	}
}

static enum demo_tpl template_kind(const struct demo *d, const struct demo_post *p)
{
	if (p->kind == KIND_BOARD)
		return TPL_BOARD;
	if (p->kind == KIND_ORIGINAL) {
		if (p->vis == VIS_DIRECT)
			return TPL_DIRECT;
		return p->question ? TPL_QUESTION : p->mention[0] ? TPL_MENTION : TPL_PLAIN;
	}
	const struct demo_post *root = &d->posts[p->root - 1];
	if (p->author == root->author)
		return TPL_THANKS;
	return root->question && p->parent == p->root ? TPL_ANSWER : TPL_REPLY;
}

/* The source text of post p into w->text. */
static void post_text(struct writer *w, struct demo_rng *r, const struct demo_post *p)
{
	const struct demo *d = w->d;
	struct text_ctx c = {.w = w, .r = r, .p = p, .fr = p->french};
	profile_of(d, p->author, &c.pf);
	buf_reset(&w->text);
	if (p->kind == KIND_REPLY) {
		/* as Mastodon clients do: a reply starts with the people it answers */
		put_mention(&w->text, d, p->mention[0]);
		if (p->mention[1]) {
			buf_putc(&w->text, ' ');
			put_mention(&w->text, d, p->mention[1]);
		}
		buf_putc(&w->text, ' ');
	}
	const char *const *list = demo_templates[template_kind(d, p)][c.fr];
	expand(&c, list[demo_rng_below(r, (uint32_t)demo_list_len(list))], &w->text);
}

static int resolve(void *ctx, const char *name, size_t len, int64_t *user_id,
		   const char **canonical)
{
	const struct demo *d = ctx;
	uint32_t id = demo_find(d, name, len);
	if (!id)
		return -1;
	*user_id = id;
	*canonical = demo_username(d, id);
	return 0;
}

/* ---- likes and posts ---- */

static double popularity(const struct demo *d, uint32_t id)
{
	double x = sqrt(((double)demo_degree(d, id) + 1) / (d->mean_degree + 1));
	return x < 0.3 ? 0.3 : x > 5 ? 5 : x;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Who likes p: people who can see it (the recipients of a direct post;
 * otherwise the author's connections, and anyone for public posts).
 * Sorted ascending; returns the count. */
static size_t likers(struct writer *w, struct demo_rng *r, const struct demo_post *p, uint32_t *out)
{
	const struct demo *d = w->d;
	if (p->kind == KIND_REBLOG)
		return 0;
	double mean = LIKE_MEAN * popularity(d, p->author) / w->pop_mean + (p->question ? 0.5 : 0);
	uint32_t want = demo_rng_poisson(r, p->kind == KIND_REPLY ? mean * 0.5 : mean);
	size_t deg = demo_degree(d, p->author), n = 0;
	bool anyone = p->vis == VIS_PUBLIC || p->vis == VIS_UNLISTED;
	if (want > MAX_LIKES)
		want = MAX_LIKES;
	for (uint32_t tries = 0; n < want && tries < want * 3; tries++) {
		uint32_t x;
		if (p->vis == VIS_DIRECT)
			x = p->mention[demo_rng_below(r, p->mention[1] ? 2 : 1)];
		else if (anyone && (!deg || demo_rng_unit(r) < 0.3))
			x = demo_alias_draw(&d->by_activity, r);
		else
			x = deg ? demo_connections(d, p->author)[demo_rng_below(r, (uint32_t)deg)]
				: 0;
		bool dup = !x || x == p->author;
		for (size_t i = 0; i < n && !dup; i++)
			dup = out[i] == x;
		if (!dup)
			out[n++] = x;
	}
	qsort(out, n, sizeof(*out), cmp_u32);
	return n;
}

/* ---- posts: one thread makes the rows, the caller's writes them ----
 *
 * Rendering a post's text and choosing who likes it takes about as long
 * as SQLite takes to store it, so the two overlap on two cores: a
 * generator thread fills chunks of POSTS_PER_CHUNK posts (rows, mentions,
 * tags, likes, in the order they are written), the writing thread stores
 * each chunk through the store's bulk paths in the same order as one
 * thread would, and hands it back. The notifications are the generator's
 * alone until it ends. */

#define POSTS_PER_CHUNK 1024
#define CHUNKS 4

struct like {
	int64_t at;
	uint32_t user;
};

struct chunk {
	struct arena *a; /* the texts, HTML and tags of its posts */
	size_t n;
	struct store_demo_post rows[POSTS_PER_CHUNK];
	uint16_t n_mention[POSTS_PER_CHUNK], n_tag[POSTS_PER_CHUNK], n_like[POSTS_PER_CHUNK];
	uint32_t *mention;
	const char **tag;
	struct like *like;
	size_t mentions, tags, likes, cap_mention, cap_tag, cap_like;
};

struct pipe {
	struct writer *w;
	struct store_demo_side *side; /* the generator's, or NULL */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct chunk chunks[CHUNKS];
	size_t made, written; /* chunks handed over and written back, ever */
	bool done, failed, stop;
};

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	while (*cap < need)
		*cap = *cap ? *cap * 2 : 4096;
	return xrealloc(p, *cap * size);
}

/* Post idx into chunk c (the rows only: the store sees them later), and
 * its text into the side search index. */
static int make_post(struct writer *w, struct store_demo_side *side, struct chunk *c, uint32_t idx)
{
	const struct demo *d = w->d;
	const struct demo_post *p = &d->posts[idx];
	const struct demo_post *parent = p->parent ? &d->posts[p->parent - 1] : NULL;
	int64_t id = d->post_id[idx];
	struct demo_rng r;
	demo_rng_init(&r, d->o.seed, STREAM_POST + idx);
	struct text_rendered tr = {.html = ""};
	if (p->kind != KIND_REBLOG) {
		post_text(w, &r, p);
		struct text_opts o = {
		    .base_url = d->o.base_url, .resolve = resolve, .resolve_ctx = (void *)d};
		if (text_render(c->a, w->text.ptr, w->text.len, &o, &tr) < 0) {
			fprintf(stderr, "moka demo: cannot render: %s\n", w->text.ptr);
			return -1;
		}
	}
	if (side && p->kind != KIND_REBLOG &&
	    store_demo_side_post(side, id, w->text.ptr) != STORE_OK)
		return -1;
	uint32_t liked[MAX_LIKES];
	size_t n_liked = likers(w, &r, p, liked), k = c->n++;
	struct store_demo_post *row = &c->rows[k];
	*row = (struct store_demo_post){
	    .id = id,
	    .author_id = p->author,
	    .visibility = p->vis,
	    .text = p->kind == KIND_REBLOG ? "" : arena_strndup(c->a, w->text.ptr, w->text.len),
	    .html = tr.html,
	    .language = p->kind == KIND_REBLOG ? NULL
			: p->french	       ? "fr"
					       : "en",
	    .is_question = p->question,
	    .has_tags = tr.tags_len > 0,
	    .created_at = p->ms,
	    .replies_count = p->replies,
	    .favourites_count = (int64_t)n_liked,
	    .reblogs_count = p->reblogs,
	};
	if (p->kind == KIND_REPLY) {
		row->in_reply_to_id = d->post_id[p->parent - 1];
		row->in_reply_to_account_id = parent->author;
		row->root_id = d->post_id[p->root - 1];
	} else if (p->kind == KIND_REBLOG) {
		row->reblog_of_id = d->post_id[p->parent - 1];
		notif_add(w, p->ms, parent->author, p->author, row->reblog_of_id, N_REBLOG);
	} else if (p->kind == KIND_BOARD) {
		row->board_owner_id = p->mention[0];
	}
	c->mention =
	    grow(c->mention, &c->cap_mention, c->mentions + tr.mentions_len, sizeof(*c->mention));
	for (size_t i = 0; i < tr.mentions_len; i++) {
		uint32_t u = (uint32_t)tr.mentions[i].user_id;
		c->mention[c->mentions++] = u;
		notif_add(w, p->ms, u, p->author, id, N_MENTION);
	}
	c->tag = grow(c->tag, &c->cap_tag, c->tags + tr.tags_len, sizeof(*c->tag));
	for (size_t i = 0; i < tr.tags_len; i++)
		c->tag[c->tags++] = tr.tags[i];
	c->like = grow(c->like, &c->cap_like, c->likes + n_liked, sizeof(*c->like));
	for (size_t i = 0; i < n_liked; i++) {
		int64_t at = p->ms + 30000 + (int64_t)demo_rng_exp(&r, 3.0 * MS_PER_HOUR);
		if (at > d->o.now_ms)
			at = d->o.now_ms - (int64_t)demo_rng_below(&r, 60000);
		c->like[c->likes++] = (struct like){at, liked[i]};
		notif_add(w, at, p->author, liked[i], id, N_FAVOURITE);
	}
	c->n_mention[k] = (uint16_t)tr.mentions_len;
	c->n_tag[k] = (uint16_t)tr.tags_len;
	c->n_like[k] = (uint16_t)n_liked;
	w->out->favourites += (int64_t)n_liked;
	return 0;
}

/* Stores chunk c's rows, post by post: the post, its mentions, tags, likes. */
static int store_chunk(struct store_demo *b, const struct chunk *c)
{
	size_t m = 0, t = 0, l = 0;
	for (size_t k = 0; k < c->n; k++) {
		int64_t id = c->rows[k].id;
		if (store_demo_post(b, &c->rows[k]) != STORE_OK)
			return -1;
		for (size_t i = 0; i < c->n_mention[k]; i++, m++)
			if (store_demo_mention(b, id, c->mention[m]) != STORE_OK)
				return -1;
		for (size_t i = 0; i < c->n_tag[k]; i++, t++)
			if (store_demo_tag(b, c->tag[t], id) != STORE_OK)
				return -1;
		for (size_t i = 0; i < c->n_like[k]; i++, l++)
			if (store_demo_favourite(b, id, c->like[l].user, c->like[l].at) != STORE_OK)
				return -1;
	}
	return 0;
}

static void chunk_reset(struct chunk *c)
{
	if (c->a)
		arena_free(c->a);
	c->a = arena_new();
	c->n = c->mentions = c->tags = c->likes = 0;
}

/* The generator thread: every post, in time order, chunk after chunk. */
static void *generate_posts(void *arg)
{
	struct pipe *pp = arg;
	const struct demo *d = pp->w->d;
	size_t k = 0;
	bool failed = false;
	while (k < d->n_posts && !failed) {
		pthread_mutex_lock(&pp->mu);
		while (pp->made - pp->written == CHUNKS && !pp->stop)
			pthread_cond_wait(&pp->cv, &pp->mu);
		bool stop = pp->stop;
		pthread_mutex_unlock(&pp->mu);
		if (stop)
			break;
		struct chunk *c = &pp->chunks[pp->made % CHUNKS];
		chunk_reset(c);
		for (; k < d->n_posts && c->n < POSTS_PER_CHUNK && !failed; k++)
			failed = make_post(pp->w, pp->side, c, d->order[k]) < 0;
		pthread_mutex_lock(&pp->mu);
		pp->made += !failed;
		pthread_cond_broadcast(&pp->cv);
		pthread_mutex_unlock(&pp->mu);
	}
	if (!failed && k == d->n_posts && pp->side && store_demo_side_close(pp->side) != STORE_OK)
		failed = true;
	pthread_mutex_lock(&pp->mu);
	pp->done = true;
	pp->failed = failed;
	pthread_cond_broadcast(&pp->cv);
	pthread_mutex_unlock(&pp->mu);
	return NULL;
}

static int write_posts(struct writer *w)
{
	struct demo *d = w->d;
	double act = 0;
	for (uint32_t i = 1; i <= d->n; i++) {
		w->pop_mean += d->people[i].activity * popularity(d, i);
		act += d->people[i].activity;
	}
	w->pop_mean = act > 0 ? w->pop_mean / act : 1;
	struct pipe *pp = xcalloc(1, sizeof(*pp));
	pp->w = w;
	pthread_mutex_init(&pp->mu, NULL);
	pthread_cond_init(&pp->cv, NULL);
	if (store_demo_side_open(w->b, &pp->side) != STORE_OK)
		pp->side = NULL; /* the store indexes the posts at the end */
	pthread_t th;
	if (pthread_create(&th, NULL, generate_posts, pp) != 0) {
		fprintf(stderr, "moka demo: cannot start a thread\n");
		free(pp);
		return -1;
	}
	int rc = 0;
	for (;;) {
		pthread_mutex_lock(&pp->mu);
		while (pp->made == pp->written && !pp->done)
			pthread_cond_wait(&pp->cv, &pp->mu);
		bool more = pp->made > pp->written;
		pthread_mutex_unlock(&pp->mu);
		if (!more)
			break;
		rc = store_chunk(w->b, &pp->chunks[pp->written % CHUNKS]);
		pthread_mutex_lock(&pp->mu);
		pp->written++;
		pp->stop |= rc < 0;
		pthread_cond_broadcast(&pp->cv);
		pthread_mutex_unlock(&pp->mu);
		if (rc < 0)
			break;
	}
	pthread_join(th, NULL);
	if (pp->failed)
		rc = -1;
	for (size_t i = 0; i < CHUNKS; i++) {
		if (pp->chunks[i].a)
			arena_free(pp->chunks[i].a);
		free(pp->chunks[i].mention);
		free(pp->chunks[i].tag);
		free(pp->chunks[i].like);
	}
	pthread_mutex_destroy(&pp->mu);
	pthread_cond_destroy(&pp->cv);
	free(pp);
	return rc;
}

/* ---- notifications and tokens ---- */

static int write_notifications(struct writer *w)
{
	size_t n = w->n_notifs;
	int bits = 1;
	while (((size_t)1 << bits) < n)
		bits++;
	uint64_t *keys = xmalloc(n * sizeof(*keys) + 1);
	for (size_t i = 0; i < n; i++)
		keys[i] = (uint64_t)(w->notifs[i].ms - w->notify_start) << bits | i;
	demo_sort_u64(keys, n);
	int64_t last = 0;
	int rc = 0;
	for (size_t k = 0; k < n && rc == 0; k++) {
		const struct notif *x = &w->notifs[keys[k] & (((uint64_t)1 << bits) - 1)];
		int64_t id = clock_id_from_ms(x->ms, 0);
		id = id > last ? id : last + 1;
		last = id;
		if (store_demo_notification(w->b, id, x->user, notif_names[x->type], x->actor,
					    x->post_id, x->ms) != STORE_OK)
			rc = -1;
	}
	free(keys);
	w->out->notifications = (int64_t)n;
	return rc;
}

static int write_tokens(struct writer *w)
{
	const struct demo *d = w->d;
	if (!d->o.tokens_file || !d->o.token_count)
		return 0;
	int fd = open(d->o.tokens_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!fp) {
		fprintf(stderr, "moka demo: cannot write %s: %s\n", d->o.tokens_file,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/* random people, weighted towards the well-connected */
	float *weight = xmalloc((size_t)d->n * sizeof(*weight));
	for (uint32_t i = 1; i <= d->n; i++)
		weight[i - 1] = (float)demo_degree(d, i) + 1;
	struct demo_alias al;
	demo_alias_build(&al, weight, d->n);
	free(weight);
	bool *has = xcalloc((size_t)d->n + 1, sizeof(*has));
	struct demo_rng r;
	demo_rng_init(&r, d->o.seed, STREAM_TOKENS);
	int rc = 0;
	for (uint32_t k = 0; k < d->o.token_count && rc == 0; k++) {
		uint32_t id = demo_alias_draw(&al, &r);
		for (int tries = 0; has[id] && tries < 20; tries++)
			id = demo_alias_draw(&al, &r);
		has[id] = true;
		char token[AUTH_SECRET_LEN];
		if (auth_token_create(store_demo_conn(w->b), id, 0, "read write follow", 0, token,
				      NULL) < 0 ||
		    store_demo_rows(w->b, 1) != STORE_OK)
			rc = -1;
		else
			fprintf(fp, "%s\n", token);
	}
	free(has);
	demo_alias_free(&al);
	if (fclose(fp) != 0)
		rc = -1;
	w->out->tokens = rc == 0 ? d->o.token_count : 0;
	return rc;
}

/* Runs one writing step and says how long the writing has taken so far. */
static int step(struct writer *w, const char *what, int (*fn)(struct writer *w), int64_t t0)
{
	int rc = fn(w);
	if (rc == 0)
		printf("  %s written (%.1f s, CPU %.1f s)\n", what,
		       (double)(clock_mono_us() - t0) / 1e6, demo_cpu_seconds());
	fflush(stdout);
	return rc;
}

int demo_write(struct demo *d, struct store *s, struct demo_written *out)
{
	struct writer w = {.d = d, .out = out};
	memset(out, 0, sizeof(*out));
	w.notify_start = d->o.now_ms - (int64_t)d->o.notify_days * MS_PER_DAY;
	buf_init(&w.text, BUF_MAX_DEFAULT);
	buf_init(&w.tmp, BUF_MAX_DEFAULT);
	int rc = store_demo_begin(s, &w.b);
	if (rc != STORE_OK) {
		fprintf(
		    stderr,
		    rc == STORE_CONFLICT
			? "moka demo: the database already has users: use an empty data directory\n"
			: "moka demo: cannot start writing\n");
		goto done;
	}
	int64_t t0 = clock_mono_us();
	rc = step(&w, "people", write_people, t0);
	if (rc == 0)
		rc = step(&w, "network", write_network, t0);
	if (rc == 0)
		rc = step(&w, "posts", write_posts, t0);
	if (rc == 0)
		rc = step(&w, "notifications", write_notifications, t0);
	if (rc == 0)
		rc = step(&w, "tokens", write_tokens, t0);
	if (rc == 0) {
		rc = store_demo_finish(w.b);
		printf("  indexes built (%.1f s, CPU %.1f s)\n",
		       (double)(clock_mono_us() - t0) / 1e6, demo_cpu_seconds());
	} else {
		store_demo_abort(w.b);
	}
done:
	buf_free(&w.text);
	buf_free(&w.tmp);
	free(w.notifs);
	return rc == 0 ? 0 : -1;
}
