/*
 * search: Moka's search and Mastodon's v2 search over people, posts,
 * questions, communities, forum topics and hashtags (files and messages:
 * search_files.c).
 *
 * People: BM25 over the profile (names and expertise weigh most), a
 * prefix for the last word as you type, and when that finds too few, one
 * more pass where each word may be one typo away from a name. Posts: the
 * newest matching candidates (at most POSTS_CANDIDATES) go through the
 * audience check, then rank by text relevance, recency and likes; counts
 * are of what the viewer may see among those candidates ("capped" when
 * there were more).
 */
#include "search/search.h"
#include "app/app.h"
#include "audience/audience.h"
#include "communities/communities.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/clock.h"
#include "feed/feed.h"
#include "json/json_writer.h"
#include "posts/posts.h"
#include "store/store.h"
#include "text/text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define POSTS_CANDIDATES 2000
#define PEOPLE_FILTERED_MAX 2000 /* hits read when filtering by department/location */
#define NEIGHBOURS_MAX 6
#define COMMUNITIES_MAX 200
#define TOPICS_MAX 500
#define TAGS_MAX 10
#define MS_PER_DAY 86400000.0

/* Hits by score, best first, then newest first. */
static int cmp_ranked(const void *x, const void *y)
{
	const struct search_hit *a = x, *b = y;
	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	return (a->id < b->id) - (a->id > b->id);
}

void search_section_begin(struct jw *w, const char *name, int64_t total, bool capped)
{
	jw_key(w, name);
	jw_obj_begin(w);
	jw_kint(w, "total", total);
	jw_kbool(w, "capped", capped);
	jw_key(w, "items");
	jw_arr_begin(w);
}

void search_section_end(struct jw *w)
{
	jw_arr_end(w);
	jw_obj_end(w);
}

void search_accounts_array(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			   const int64_t *ids, size_t n)
{
	struct posts_json *accounts = arena_alloc(a, n * sizeof(*accounts) + 1);
	if (n)
		posts_render_parts(app, a, viewer, NULL, 0, NULL, ids, n, accounts);
	jw_arr_begin(w);
	for (size_t i = 0; i < n; i++)
		if (accounts[i].json)
			jw_raw(w, accounts[i].json, accounts[i].len);
	jw_arr_end(w);
}

/* --- posts and questions ------------------------------------------------------- */

/* The newest posts matching q (at most POSTS_CANDIDATES), read once per
 * request for posts and questions alike. */
struct candidates {
	struct search_hit *h;
	int n; /* -1: not read yet */
	bool capped;
};

static int candidates_read(struct app *app, struct arena *a, const struct search_query *q,
			   struct candidates *cd)
{
	if (cd->n >= 0)
		return 0;
	cd->h = arena_alloc(a, POSTS_CANDIDATES * sizeof(*cd->h));
	cd->n = store_search_posts(store_reader(app->store), q, POSTS_CANDIDATES, cd->h);
	if (cd->n < 0)
		return -1;
	cd->capped = cd->n == POSTS_CANDIDATES;
	return 0;
}

/* The candidates viewer may see (questions only if asked), best first:
 * text relevance, recency and likes. Their count in *out, or -1. */
static int posts_ranked(struct app *app, struct arena *a, int64_t viewer,
			const struct search_query *q, const struct search_request *r,
			bool questions, struct candidates *cd, struct search_hit **out)
{
	if (candidates_read(app, a, q, cd) < 0)
		return -1;
	const struct search_hit *h = cd->h;
	int n = cd->n;
	struct search_hit *v = arena_alloc(a, ((size_t)n + 1) * sizeof(*v));
	int k = 0;
	double now = (double)clock_now_ms();
	app_rdlock(app);
	struct audience_ctx ctx;
	audience_ctx_init(&ctx, app, viewer);
	for (int i = 0; i < n; i++) {
		uint32_t slot = feed_slot(app->feed, h[i].id);
		if (slot == FEED_NONE)
			continue;
		const struct feed_post *p = feed_post(app->feed, slot);
		if ((questions && !(p->flags & FEED_QUESTION)) ||
		    (r->author_id && p->author != r->author_id) ||
		    (r->community_id && p->community != r->community_id) ||
		    !audience_slot_visible(&ctx, slot))
			continue;
		double age = (now - (double)clock_id_to_ms(h[i].id)) / MS_PER_DAY;
		double recency = 1.0 / (1.0 + (age > 0 ? age : 0) / 30.0);
		double likes = 1.0 + 0.25 * log1p((double)p->favourites);
		v[k++] =
		    (struct search_hit){h[i].id, (h[i].score + 1e-6) * (0.3 + recency) * likes};
	}
	app_unlock(app);
	qsort(v, (size_t)k, sizeof(*v), cmp_ranked);
	*out = v;
	return k;
}

/*
 * A section's page of hits, found before anything is written: the
 * response's Statuses and Accounts are then rendered together (see
 * search_render), and the section written from them.
 */
struct page {
	int64_t *ids; /* the hits shown, in order */
	size_t n;
	int64_t total;
	bool capped;
	const struct search_query *shown; /* what the highlight marks */
	const struct posts_json *json;	  /* each hit's Status or Account */
};

/* The hits of h (n of them, -1 for none) that r's offset and limit show. */
static void page_of_hits(struct arena *a, const struct search_request *r,
			 const struct search_hit *h, int n, struct page *pg)
{
	size_t m = n > 0 ? (size_t)n : 0;
	pg->ids = arena_alloc(a, (size_t)r->limit * sizeof(*pg->ids) + 1);
	pg->n = 0;
	for (size_t i = r->offset; i < m && i < r->offset + (size_t)r->limit; i++)
		pg->ids[pg->n++] = h[i].id;
}

static int posts_find(struct app *app, struct arena *a, int64_t viewer,
		      const struct search_query *q, const struct search_request *r, bool questions,
		      struct candidates *cd, struct page *pg)
{
	struct search_hit *v;
	int n = posts_ranked(app, a, viewer, q, r, questions, cd, &v);
	if (n < 0)
		return -1;
	page_of_hits(a, r, v, n, pg);
	pg->total = n;
	pg->capped = cd->capped;
	pg->shown = q;
	return 0;
}

/* A hit's Status or Account, or null (deleted in between). */
static void write_part(struct jw *w, const char *key, const struct posts_json *j)
{
	jw_key(w, key);
	if (j->json)
		jw_raw(w, j->json, j->len);
	else
		jw_null(w);
}

/* Writes section name from its page: each hit's part (its Status or
 * Account) and highlight; a topic's title comes first and its Status last. */
static void page_write(struct app *app, struct arena *a, struct jw *w, const char *name,
		       enum search_kind kind, const char *part, const struct page *pg)
{
	struct store_conn *c = store_reader(app->store);
	bool topic = kind == SEARCH_KIND_TOPICS;
	search_section_begin(w, name, pg->total, pg->capped);
	for (size_t i = 0; i < pg->n; i++) {
		jw_obj_begin(w);
		if (topic)
			jw_kstr(w, "title", store_community_topic_title(c, a, pg->ids[i]));
		else
			write_part(w, part, &pg->json[i]);
		jw_kstr(w, "highlight", store_search_snippet(c, a, kind, pg->ids[i], pg->shown));
		if (topic)
			write_part(w, part, &pg->json[i]);
		jw_obj_end(w);
	}
	search_section_end(w);
}

/* --- people ------------------------------------------------------------------- */

/* q with each plain word of three characters or more also matching the
 * name words one typo away. false when no word has a neighbour. */
static bool with_neighbours(struct app *app, struct arena *a, const struct search_query *q,
			    struct search_query *out)
{
	struct search_term *t = arena_alloc(a, q->n * sizeof(*t));
	memcpy(t, q->terms, q->n * sizeof(*t));
	bool any = false;
	for (size_t i = 0; i < q->n; i++) {
		if (t[i].exclude || t[i].phrase ||
		    text_utf8_chars(t[i].text, strlen(t[i].text)) < 3)
			continue;
		char *word = text_tag_normalize(a, t[i].text, strlen(t[i].text));
		if (!word)
			continue;
		const char **alts = arena_alloc(a, NEIGHBOURS_MAX * sizeof(*alts));
		int k = store_search_name_neighbours(store_reader(app->store), a, word,
						     NEIGHBOURS_MAX, alts);
		if (k > 0) {
			t[i].alts = alts;
			t[i].n_alts = (size_t)k;
			any = true;
		}
	}
	*out = (struct search_query){.terms = t, .n = q->n, .any = q->any};
	return any;
}

static bool same_text(const char *want, const char *have)
{
	return !want || (have && !strcasecmp(want, have));
}

/* Appends the hits of q not already in v (n of them, at most max); the
 * count of all matches in *total. */
static int people_add(struct store_conn *c, const struct search_query *q, int max,
		      struct search_hit *v, int n, int64_t *total)
{
	struct search_hit *h = v + n;
	int k = store_search_people_top(c, q, SEARCH_PEOPLE_ALL, max - n, h, total);
	if (k < 0)
		return -1;
	int m = n;
	for (int i = 0; i < k; i++) {
		bool dup = false;
		for (int j = 0; j < n && !dup; j++)
			dup = v[j].id == h[i].id;
		if (!dup)
			v[m++] = h[i];
	}
	return m;
}

static int people_find(struct app *app, struct arena *a, const struct search_query *q,
		       const struct search_request *r, struct page *pg)
{
	struct store_conn *c = store_reader(app->store);
	bool filtered = r->department || r->location;
	int want = filtered ? PEOPLE_FILTERED_MAX : (int)r->offset + r->limit;
	struct search_hit *h = arena_alloc(a, (size_t)want * sizeof(*h));
	int64_t total = 0, near_total = 0;
	int n = people_add(c, q, want, h, 0, &total);
	if (n < 0)
		return -1;
	const struct search_query *shown = q;
	/* in the arena: the page keeps it (pg->shown) until its snippets are written */
	struct search_query *near = arena_alloc(a, sizeof(*near));
	if (n < want && total < want && with_neighbours(app, a, q, near)) {
		int m = people_add(c, near, want, h, n, &near_total);
		if (m < 0)
			return -1;
		total += m - n;
		n = m;
		shown = near;
	}
	if (filtered) { /* keep those in the department and location asked for */
		int k = 0;
		for (int i = 0; i < n; i++) {
			struct user u;
			if (store_user_get(c, a, h[i].id, &u) == STORE_OK &&
			    same_text(r->department, u.department) &&
			    same_text(r->location, u.location))
				h[k++] = h[i];
		}
		n = k;
		total = k;
	}
	pg->total = total;
	pg->capped = (filtered && n >= PEOPLE_FILTERED_MAX) || total >= SEARCH_PEOPLE_SCAN_MAX;
	pg->shown = shown;
	page_of_hits(a, r, h, n, pg);
	return 0;
}

/* --- communities and topics --------------------------------------------------- */

static int communities_section(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			       const struct search_query *q, const struct search_request *r)
{
	struct store_conn *c = store_reader(app->store);
	struct search_hit *h = arena_alloc(a, COMMUNITIES_MAX * sizeof(*h));
	int n = store_search_communities(c, q, COMMUNITIES_MAX, h);
	if (n < 0)
		return -1;
	/* render each to learn whether the viewer may see it: counts too */
	struct buf *one = arena_alloc(a, (size_t)n * sizeof(*one) + 1);
	int k = 0;
	for (int i = 0; i < n; i++) {
		buf_init(&one[k], 1 << 20);
		struct jw cw;
		jw_init(&cw, &one[k]);
		if (communities_render(app, a, &cw, viewer, h[i].id) == 0)
			h[k++] = h[i];
		else
			buf_free(&one[k]);
	}
	search_section_begin(w, "communities", k, n == COMMUNITIES_MAX);
	for (int i = 0; i < k; i++) {
		if ((size_t)i >= r->offset && (size_t)i < r->offset + (size_t)r->limit) {
			jw_obj_begin(w);
			jw_key(w, "community");
			jw_raw(w, one[i].ptr, one[i].len);
			jw_kstr(w, "highlight",
				store_search_snippet(c, a, SEARCH_KIND_COMMUNITIES, h[i].id, q));
			jw_obj_end(w);
		}
		buf_free(&one[i]);
	}
	search_section_end(w);
	return 0;
}

static int topics_find(struct app *app, struct arena *a, int64_t viewer,
		       const struct search_query *q, const struct search_request *r,
		       struct page *pg)
{
	struct store_conn *c = store_reader(app->store);
	struct search_hit *h = arena_alloc(a, TOPICS_MAX * sizeof(*h));
	int n = store_search_topics(c, q, TOPICS_MAX, h);
	if (n < 0)
		return -1;
	int k = 0;
	app_rdlock(app);
	for (int i = 0; i < n; i++) {
		uint32_t slot = feed_slot(app->feed, h[i].id);
		if (slot == FEED_NONE ||
		    (r->community_id && feed_post(app->feed, slot)->community != r->community_id))
			continue;
		if (audience_post_visible_locked(app, viewer, h[i].id))
			h[k++] = h[i];
	}
	app_unlock(app);
	pg->total = k;
	pg->capped = n == TOPICS_MAX;
	pg->shown = q;
	page_of_hits(a, r, h, k, pg);
	return 0;
}

/* --- hashtags ----------------------------------------------------------------- */

/* Hashtags starting with q's words that label at least one post the
 * viewer may see: their count (≤ max) in out. */
static int hashtags_visible(struct app *app, struct arena *a, int64_t viewer,
			    const struct search_query *q, int max, const char **out)
{
	struct store_conn *c = store_reader(app->store);
	int n = 0;
	for (size_t i = 0; i < q->n && n < max; i++) {
		const struct search_term *t = &q->terms[i];
		char *tag = t->exclude ? NULL : text_tag_normalize(a, t->text, strlen(t->text));
		if (!tag || strchr(tag, '-'))
			continue;
		const char *tags[TAGS_MAX];
		int k = store_search_tags_prefix(c, a, tag, TAGS_MAX, tags);
		for (int j = 0; j < k && n < max; j++) {
			int64_t posts[50];
			int m = store_search_tag_posts(c, tags[j], 50, posts);
			bool seen = false;
			app_rdlock(app);
			for (int x = 0; x < m && !seen; x++)
				seen = audience_post_visible_locked(app, viewer, posts[x]);
			app_unlock(app);
			for (int x = 0; x < n && seen; x++)
				seen = strcmp(out[x], tags[j]) != 0;
			if (seen)
				out[n++] = tags[j];
		}
	}
	return n;
}

static void hashtag_entity(struct app *app, struct jw *w, const char *tag)
{
	char url[512];
	snprintf(url, sizeof(url), "%s/tags/%s", app->base_url ? app->base_url : "", tag);
	jw_obj_begin(w);
	jw_kstr(w, "name", tag);
	jw_kstr(w, "url", url);
	jw_key(w, "history");
	jw_arr_begin(w);
	jw_arr_end(w);
	jw_obj_end(w);
}

static void hashtags_section(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			     const struct search_query *q, const struct search_request *r)
{
	const char *tags[TAGS_MAX];
	int n = hashtags_visible(app, a, viewer, q, TAGS_MAX, tags);
	search_section_begin(w, "hashtags", n, false);
	for (size_t i = r->offset; i < (size_t)n && i < r->offset + (size_t)r->limit; i++)
		hashtag_entity(app, w, tags[i]);
	search_section_end(w);
}

/* --- the two searches --------------------------------------------------------- */

/* The sections of r that show Statuses or Accounts, and their pages. */
struct found {
	struct page people, posts, questions, topics;
};

/* Finds each such section's page, in one read transaction. */
static int found_read(struct app *app, struct arena *a, int64_t viewer,
		      const struct search_query *q, const struct search_request *r, struct found *f)
{
	struct store_conn *c = store_reader(app->store);
	bool opened = store_read_begin(c);
	struct candidates cd = {.n = -1};
	int rc = 0;
	if (r->types & SEARCH_PEOPLE)
		rc = people_find(app, a, q, r, &f->people);
	if (rc == 0 && (r->types & SEARCH_POSTS))
		rc = posts_find(app, a, viewer, q, r, false, &cd, &f->posts);
	if (rc == 0 && (r->types & SEARCH_QUESTIONS))
		rc = posts_find(app, a, viewer, q, r, true, &cd, &f->questions);
	if (rc == 0 && (r->types & SEARCH_TOPICS))
		rc = topics_find(app, a, viewer, q, r, &f->topics);
	store_read_end(c, opened);
	return rc;
}

/*
 * The Statuses of the posts, questions and topics found and the Accounts
 * of the people, rendered together by posts_render_parts: one hold of the
 * memory lock, one read transaction — its own, so that the caches of
 * rendered JSON may keep what it renders — for the whole response.
 */
static void found_render(struct app *app, struct arena *a, int64_t viewer, struct found *f)
{
	struct page *statuses[] = {&f->posts, &f->questions, &f->topics};
	size_t n = 0;
	for (size_t i = 0; i < 3; i++)
		n += statuses[i]->n;
	int64_t *ids = arena_alloc(a, n * sizeof(*ids) + 1);
	struct posts_json *sj = arena_alloc(a, n * sizeof(*sj) + 1);
	struct posts_json *aj = arena_alloc(a, f->people.n * sizeof(*aj) + 1);
	n = 0;
	for (size_t i = 0; i < 3; i++) {
		if (statuses[i]->n)
			memcpy(ids + n, statuses[i]->ids, statuses[i]->n * sizeof(*ids));
		statuses[i]->json = sj + n;
		n += statuses[i]->n;
	}
	f->people.json = aj;
	if (n || f->people.n)
		posts_render_parts(app, a, viewer, ids, n, sj, f->people.ids, f->people.n, aj);
}

enum search_rc search_render(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			     const struct search_request *r, const char **why)
{
	struct search_query q;
	if (search_parse(a, r->q, r->as_you_type, &q, why) < 0)
		return SEARCH_INVALID;
	struct found f = {0};
	if (found_read(app, a, viewer, &q, r, &f) < 0)
		return SEARCH_ERROR;
	found_render(app, a, viewer, &f);
	struct store_conn *c = store_reader(app->store);
	bool opened = store_read_begin(c);
	int rc = 0;
	jw_obj_begin(w);
	jw_kstr(w, "q", r->q);
	if (r->types & SEARCH_PEOPLE)
		page_write(app, a, w, "people", SEARCH_KIND_PEOPLE, "account", &f.people);
	if (r->types & SEARCH_POSTS)
		page_write(app, a, w, "posts", SEARCH_KIND_POSTS, "status", &f.posts);
	if (r->types & SEARCH_QUESTIONS)
		page_write(app, a, w, "questions", SEARCH_KIND_POSTS, "status", &f.questions);
	if (r->types & SEARCH_COMMUNITIES)
		rc = communities_section(app, a, w, viewer, &q, r);
	if (rc == 0 && (r->types & SEARCH_TOPICS))
		page_write(app, a, w, "topics", SEARCH_KIND_TOPICS, "status", &f.topics);
	if (rc == 0 && (r->types & SEARCH_HASHTAGS))
		hashtags_section(app, a, w, viewer, &q, r);
	if (rc == 0 && (r->types & SEARCH_FILES))
		rc = search_files_section(app, a, w, viewer, &q, r);
	if (rc == 0 && (r->types & SEARCH_MESSAGES))
		rc = search_messages_section(app, a, w, viewer, &q, r);
	jw_obj_end(w);
	store_read_end(c, opened);
	return rc == 0 ? SEARCH_OK : SEARCH_ERROR;
}

enum search_rc search_render_mastodon(struct app *app, struct arena *a, struct jw *w,
				      int64_t viewer, const struct search_request *r,
				      const char **why)
{
	struct search_query q;
	if (search_parse(a, r->q, false, &q, why) < 0)
		return SEARCH_INVALID;
	struct store_conn *c = store_reader(app->store);
	size_t end = r->offset + (size_t)r->limit;
	jw_obj_begin(w);
	jw_key(w, "accounts");
	struct page people = {0};
	if (r->types & SEARCH_PEOPLE) {
		struct search_hit *h = arena_alloc(a, end * sizeof(*h));
		int n = store_search_people(c, &q, SEARCH_PEOPLE_ALL, (int)end, h);
		page_of_hits(a, r, h, n, &people);
	}
	search_accounts_array(app, a, w, viewer, people.ids, people.n);
	jw_key(w, "statuses");
	if (r->types & SEARCH_POSTS) {
		struct search_hit *v;
		struct candidates cd = {.n = -1};
		int n = posts_ranked(app, a, viewer, &q, r, false, &cd, &v);
		struct page posts;
		page_of_hits(a, r, v, n, &posts);
		posts_render_statuses(app, a, w, viewer, posts.ids, posts.n);
	} else {
		jw_arr_begin(w);
		jw_arr_end(w);
	}
	jw_key(w, "hashtags");
	jw_arr_begin(w);
	if (r->types & SEARCH_HASHTAGS) {
		const char *tags[TAGS_MAX];
		int n = hashtags_visible(app, a, viewer, &q, TAGS_MAX, tags);
		for (size_t i = r->offset; i < (size_t)n && i < end; i++)
			hashtag_entity(app, w, tags[i]);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	return SEARCH_OK;
}
