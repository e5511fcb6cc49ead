/*
 * search_experts: "who knows X?" — people ranked for a topic by declared
 * expertise, evidence (accepted answers to questions on it, posts and
 * hashtags they wrote, communities about it they belong to), recency and
 * network distance from the asker (1st and 2nd degree first) — and the
 * people directory.
 *
 * Evidence is only what the asker may see: posts and answers go through
 * the audience check, communities through their read rule, so the
 * ranking cannot reveal a post the asker could not open.
 */
#include "search/search.h"
#include "app/app.h"
#include "audience/audience.h"
#include "communities/communities.h"
#include "core/arena.h"
#include "core/clock.h"
#include "feed/feed.h"
#include "graph/graph.h"
#include "json/json_writer.h"
#include "people/people.h"
#include "posts/posts.h"
#include "store/store.h"
#include "text/text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DECLARED_MAX 50000
#define TAG_POSTS_MAX 3000
#define TEXT_POSTS_MAX 2000
#define QUESTIONS_MAX 300
#define ANSWERS_MAX 20
#define COMMUNITIES_MAX 50
#define MS_PER_DAY 86400000LL

/* Candidates by user id: open addressing, grown at half full. */
struct table {
	struct search_expert *v;
	size_t cap, n;
};

static struct search_expert *get(struct table *t, int64_t id)
{
	if (t->n * 2 >= t->cap) {
		struct table g = {calloc(t->cap ? t->cap * 2 : 1024, sizeof(*g.v)),
				  t->cap ? t->cap * 2 : 1024, 0};
		for (size_t i = 0; i < t->cap; i++)
			if (t->v[i].id)
				*get(&g, t->v[i].id) = t->v[i];
		free(t->v);
		*t = g;
	}
	size_t i = ((uint64_t)id * 0x9e3779b97f4a7c15ull) & (t->cap - 1);
	while (t->v[i].id && t->v[i].id != id)
		i = (i + 1) & (t->cap - 1);
	if (!t->v[i].id) {
		t->v[i] = (struct search_expert){.id = id, .distance = GRAPH_DISTANCE_FAR};
		t->n++;
	}
	return &t->v[i];
}

static void evidence_at(struct search_expert *e, int64_t ms)
{
	if (ms > e->newest)
		e->newest = ms;
}

/* The topic as a tag ("Machine learning" → machine-learning), or NULL. */
static char *topic_tag(struct arena *a, const struct search_query *q)
{
	char buf[SEARCH_Q_MAX + 1];
	size_t len = 0;
	for (size_t i = 0; i < q->n; i++) {
		size_t k = strlen(q->terms[i].text);
		if (q->terms[i].exclude || len + k + 1 > SEARCH_Q_MAX)
			continue;
		if (len)
			buf[len++] = ' ';
		memcpy(buf + len, q->terms[i].text, k);
		len += k;
	}
	return len ? text_tag_normalize(a, buf, len) : NULL;
}

/* Posts on the topic the asker may see: credit their authors; collect
 * the questions among them. */
static void credit_posts(struct app *app, int64_t asker, const int64_t *ids, size_t n,
			 struct table *t, int64_t *questions, size_t *n_questions)
{
	struct audience_ctx ctx;
	audience_ctx_init(&ctx, app, asker);
	for (size_t i = 0; i < n; i++) {
		uint32_t slot = feed_slot(app->feed, ids[i]);
		if (slot == FEED_NONE || !audience_slot_visible(&ctx, slot))
			continue;
		const struct feed_post *p = feed_post(app->feed, slot);
		if (p->flags & FEED_REBLOG)
			continue;
		if ((p->flags & FEED_QUESTION) && questions && *n_questions < QUESTIONS_MAX)
			questions[(*n_questions)++] = ids[i];
		struct search_expert *e = get(t, p->author);
		e->posts++;
		evidence_at(e, clock_id_to_ms(ids[i]));
	}
}

/* Accepted answers to the questions found, visible to the asker. */
static void credit_answers(struct app *app, struct arena *a, int64_t asker,
			   const int64_t *questions, size_t n, struct table *t)
{
	struct store_conn *c = store_reader(app->store);
	int64_t *answers = arena_alloc(a, n * ANSWERS_MAX * sizeof(*answers) + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		int m = store_search_accepted_answers(c, questions[i], ANSWERS_MAX, answers + k);
		k += m > 0 ? (size_t)m : 0;
	}
	app_rdlock(app);
	struct audience_ctx ctx;
	audience_ctx_init(&ctx, app, asker);
	for (size_t i = 0; i < k; i++) {
		uint32_t slot = feed_slot(app->feed, answers[i]);
		if (slot == FEED_NONE || !audience_slot_visible(&ctx, slot))
			continue;
		struct search_expert *e = get(t, feed_post(app->feed, slot)->author);
		e->accepted++;
		evidence_at(e, clock_id_to_ms(answers[i]));
	}
	app_unlock(app);
}

/* Members of the communities about the topic that the asker may read. */
static void credit_communities(struct app *app, const struct search_hit *h, int n, int64_t asker,
			       struct table *t)
{
	for (int i = 0; i < n; i++) {
		if (!communities_can_read_locked(app, h[i].id, asker))
			continue;
		const uint32_t *m;
		size_t k = communities_members_locked(app, h[i].id, &m);
		for (size_t j = 0; j < k; j++) {
			struct search_expert *e = get(t, m[j]);
			e->communities++;
			if (!e->community)
				e->community = h[i].id;
		}
	}
}

static bool in_sorted(const uint32_t *v, size_t n, uint32_t x)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (v[mid] == x)
			return true;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static double score_of(const struct search_expert *e, int64_t now)
{
	double s = (e->declared ? 4.0 : 0.0) + 4.0 * fmin(e->accepted, 10) +
		   0.6 * fmin(e->posts, 15) + 0.8 * fmin(e->communities, 5);
	if (e->newest && now - e->newest < 30 * MS_PER_DAY)
		s *= 1.25;
	else if (e->newest && now - e->newest < 180 * MS_PER_DAY)
		s *= 1.1;
	return s;
}

/* Among those who know the topic well enough (at least half the best
 * score), the nearest come first: 1st degree, then 2nd, then the rest. */
#define TIER_SHARE 0.5
static int tier_of(const struct search_expert *e, double best)
{
	return e->score >= TIER_SHARE * best && e->distance <= 2 ? e->distance : 3;
}

static int cmp_score(const void *x, const void *y)
{
	const struct search_expert *a = x, *b = y;
	if (a->tier != b->tier)
		return a->tier - b->tier;
	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	return (a->id > b->id) - (a->id < b->id);
}

/* Is a ranked before b (cmp_score's order)? */
static bool before(const struct search_expert *a, const struct search_expert *b)
{
	return cmp_score(a, b) < 0;
}

/* Keeps the best max of a stream in v: a heap whose root is the worst
 * kept (tens of thousands declare a common skill; a full sort of them
 * all is wasted for the 10 shown). */
static void keep_best(struct search_expert *v, int *n, int max, const struct search_expert *e)
{
	int i;
	if (*n < max) {
		i = (*n)++;
		while (i > 0 && before(&v[(i - 1) / 2], e)) {
			v[i] = v[(i - 1) / 2];
			i = (i - 1) / 2;
		}
		v[i] = *e;
		return;
	}
	if (max == 0 || !before(e, &v[0]))
		return;
	i = 0;
	for (;;) { /* sift the new one down from the root */
		int l = 2 * i + 1, r = l + 1, m = i;
		const struct search_expert *mv = e;
		if (l < *n && before(mv, &v[l]))
			m = l, mv = &v[l];
		if (r < *n && before(mv, &v[r]))
			m = r;
		if (m == i)
			break;
		v[i] = v[m];
		i = m;
	}
	v[i] = *e;
}

/* Distances from the asker, scores, and the best max of them (the asker
 * and exclude left out) sorted into out. Lock held. */
static int rank(struct app *app, struct table *t, int64_t asker, const int64_t *exclude,
		size_t n_exclude, int max, struct search_expert *out)
{
	size_t n1, n2 = 0;
	const uint32_t *d1 = graph_connections(app->graph, (uint32_t)asker, &n1), *d2 = NULL;
	struct graph_scratch *gs = graph_scratch_new();
	n2 = graph_second_degree(app->graph, gs, (uint32_t)asker, &d2);
	int64_t now = clock_now_ms();
	double best = 0;
	for (size_t i = 0; i < t->cap; i++) {
		struct search_expert *e = &t->v[i];
		bool skip = !e->id || e->id == asker;
		for (size_t j = 0; j < n_exclude && !skip; j++)
			skip = exclude[j] == e->id;
		if (skip) {
			e->tier = -1;
			continue;
		}
		e->distance = in_sorted(d1, n1, (uint32_t)e->id)   ? 1
			      : in_sorted(d2, n2, (uint32_t)e->id) ? 2
								   : GRAPH_DISTANCE_FAR;
		e->score = score_of(e, now);
		if (e->score > best)
			best = e->score;
	}
	graph_scratch_free(gs);
	int n = 0;
	for (size_t i = 0; i < t->cap; i++) {
		struct search_expert *e = &t->v[i];
		if (!e->id || e->tier < 0)
			continue;
		e->tier = tier_of(e, best);
		keep_best(out, &n, max, e);
	}
	qsort(out, (size_t)n, sizeof(*out), cmp_score);
	for (int i = 0; i < n; i++) {
		uint32_t via;
		if (out[i].distance == 2 &&
		    graph_common(app->graph, (uint32_t)asker, (uint32_t)out[i].id, &via, 1))
			out[i].through = via;
	}
	return n;
}

static int cmp_id_desc(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return (a < b) - (a > b);
}

int search_experts_query(struct app *app, struct arena *a, int64_t asker,
			 const struct search_query *sq, const char *const *tags, size_t n_tags,
			 const int64_t *exclude, size_t n_exclude, int max,
			 struct search_expert *out)
{
	struct store_conn *c = store_reader(app->store);
	bool opened = store_read_begin(c);
	struct table t = {0};
	int64_t *ids = arena_alloc(a, DECLARED_MAX * sizeof(*ids));
	for (size_t i = 0; i < n_tags; i++) {
		int n = store_search_expertise_ids(c, tags[i], DECLARED_MAX, ids);
		for (int j = 0; j < n; j++) {
			struct search_expert *e = get(&t, ids[j]);
			e->declared = true;
			if (!e->tag)
				e->tag = tags[i];
		}
	}
	struct search_hit *h = arena_alloc(a, TEXT_POSTS_MAX * sizeof(*h));
	int n = store_search_people_ids(c, sq, SEARCH_PEOPLE_EXPERTISE, 2000, h);
	for (int i = 0; i < n; i++)
		get(&t, h[i].id)->declared = true;
	/* posts with the hashtags, and posts about the topic */
	int n_tag = 0;
	for (size_t i = 0; i < n_tags && n_tag < TAG_POSTS_MAX; i++) {
		if (strchr(tags[i], '-'))
			continue; /* hashtags have no '-' */
		int k = store_search_tag_posts(c, tags[i], TAG_POSTS_MAX - n_tag, ids + n_tag);
		n_tag += k > 0 ? k : 0;
	}
	if (n_tags > 1 && n_tag > 1) { /* newest first, each post once */
		qsort(ids, (size_t)n_tag, sizeof(*ids), cmp_id_desc);
		int u = 1;
		for (int i = 1; i < n_tag; i++)
			if (ids[i] != ids[u - 1])
				ids[u++] = ids[i];
		n_tag = u;
	}
	int n_text = store_search_post_ids(c, sq, TEXT_POSTS_MAX, h);
	/* a tagged post also matches its text: count it once (both lists are
	 * newest first) */
	int64_t *text_ids = arena_alloc(a, TEXT_POSTS_MAX * sizeof(*text_ids));
	size_t n_text_ids = 0;
	for (int i = 0, j = 0; i < n_text; i++) {
		while (j < n_tag && ids[j] > h[i].id)
			j++;
		if (j >= n_tag || ids[j] != h[i].id)
			text_ids[n_text_ids++] = h[i].id;
	}
	struct search_hit *ch = arena_alloc(a, COMMUNITIES_MAX * sizeof(*ch));
	int n_comm = store_search_communities(c, sq, COMMUNITIES_MAX, ch);
	int64_t *questions = arena_alloc(a, QUESTIONS_MAX * sizeof(*questions));
	size_t n_questions = 0;
	app_rdlock(app);
	credit_posts(app, asker, ids, n_tag > 0 ? (size_t)n_tag : 0, &t, questions, &n_questions);
	credit_posts(app, asker, text_ids, n_text_ids, &t, questions, &n_questions);
	credit_communities(app, ch, n_comm, asker, &t);
	app_unlock(app);
	credit_answers(app, a, asker, questions, n_questions, &t);
	/* a few more than asked, for the deactivated among them */
	struct search_expert *best = arena_alloc(a, ((size_t)max * 2 + 8) * sizeof(*best));
	app_rdlock(app);
	int k = rank(app, &t, asker, exclude, n_exclude, max * 2 + 8, best);
	app_unlock(app);
	free(t.v);
	int n_out = 0;
	for (int i = 0; i < k && n_out < max; i++) {
		struct user u;
		if (store_user_get(c, a, best[i].id, &u) == STORE_OK && u.active)
			out[n_out++] = best[i];
	}
	store_read_end(c, opened);
	return n_out;
}

int search_experts(struct app *app, struct arena *a, int64_t asker, const char *q,
		   const int64_t *exclude, size_t n_exclude, int max, struct search_expert *out,
		   const char **why)
{
	struct search_query sq;
	if (search_parse(a, q, false, &sq, why) < 0)
		return -1;
	const char *tag = topic_tag(a, &sq);
	return search_experts_query(app, a, asker, &sq, &tag, tag ? 1 : 0, exclude, n_exclude, max,
				    out);
}

/* "expertise: postgresql · 3 accepted answers · 5 posts · member of X ·
 * connected through Ana Lopes". */
static char *why_text(struct app *app, struct arena *a, const struct search_expert *e,
		      const char *tag, const char *community, const char *through)
{
	char b[1024];
	size_t n = 0;
	const char *sep = "";
#define ADD(...)                                                                                   \
	do {                                                                                       \
		int k_ = snprintf(b + n, sizeof(b) - n, __VA_ARGS__);                              \
		if (k_ > 0 && (size_t)k_ < sizeof(b) - n)                                          \
			n += (size_t)k_;                                                           \
		sep = " · ";                                                                       \
	} while (0)
	if (e->declared)
		ADD("%sexpertise: %s", sep, e->tag ? e->tag : tag ? tag : "the topic");
	if (e->accepted)
		ADD("%s%d accepted answer%s", sep, e->accepted, e->accepted > 1 ? "s" : "");
	if (e->posts)
		ADD("%s%d post%s on it", sep, e->posts, e->posts > 1 ? "s" : "");
	if (community)
		ADD("%smember of %s", sep, community);
	if (e->distance == 1)
		ADD("%syour connection", sep);
	else if (through)
		ADD("%sconnected through %s", sep, through);
#undef ADD
	(void)app;
	return arena_strndup(a, b, n);
}

/* e, with its Account already rendered (json NULL: no such person). */
static void render_expert(struct app *app, struct arena *a, struct jw *w,
			  const struct search_expert *e, const struct posts_json *account,
			  const char *tag)
{
	struct store_conn *c = store_reader(app->store);
	struct user via = {0};
	bool has_via = e->through && people_user_visible(app, a, e->through, &via) == 0;
	struct community_row cr = {0};
	bool has_comm =
	    e->community && store_community_get(c, a, e->community, &cr) == STORE_OK && cr.name;
	jw_obj_begin(w);
	jw_key(w, "account");
	if (account->json)
		jw_raw(w, account->json, account->len);
	else
		jw_null(w);
	jw_kint(w, "distance", e->distance);
	jw_key(w, "score");
	jw_double(w, round(e->score * 100) / 100);
	jw_kstr(
	    w, "why",
	    why_text(app, a, e, tag, has_comm ? cr.name : NULL, has_via ? via.display_name : NULL));
	jw_key(w, "reasons");
	jw_obj_begin(w);
	jw_kbool(w, "declared", e->declared);
	jw_kstr(w, "expertise", e->declared ? (e->tag ? e->tag : tag) : NULL);
	jw_kint(w, "accepted_answers", e->accepted);
	jw_kint(w, "posts", e->posts);
	jw_kint(w, "communities", e->communities);
	jw_key(w, "community");
	if (has_comm) {
		jw_obj_begin(w);
		jw_kid(w, "id", cr.id);
		jw_kstr(w, "name", cr.name);
		jw_obj_end(w);
	} else
		jw_null(w);
	jw_ktime(w, "last_evidence_at", e->newest);
	jw_key(w, "through");
	if (has_via)
		people_render_summary(app, a, w, &via);
	else
		jw_null(w);
	jw_obj_end(w);
	jw_obj_end(w);
}

/* The Accounts of experts v (n ≥ 0 of them), rendered together: one hold of
 * the memory lock, one read transaction and the caches of rendered JSON. */
static struct posts_json *people_accounts(struct app *app, struct arena *a, int64_t viewer,
					  const struct search_expert *v, int n)
{
	size_t k = (size_t)n;
	int64_t *ids = arena_alloc(a, k * sizeof(*ids) + 1);
	struct posts_json *out = arena_alloc(a, k * sizeof(*out) + 1);
	for (size_t i = 0; i < k; i++)
		ids[i] = v[i].id;
	if (k)
		posts_render_parts(app, a, viewer, NULL, 0, NULL, ids, k, out);
	return out;
}

enum search_rc search_render_experts(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
				     const char *q, const char *text, int limit, const char **why)
{
	struct search_query sq;
	const char **tags = NULL;
	size_t n_tags = 0;
	if (q) {
		if (search_parse(a, q, false, &sq, why) < 0)
			return SEARCH_INVALID;
		const char *tag = topic_tag(a, &sq);
		tags = arena_alloc(a, sizeof(*tags));
		tags[0] = tag;
		n_tags = tag ? 1 : 0;
	} else if (search_keywords(a, text, 8, &sq, &tags, &n_tags) < 0) {
		*why = "text: no words to look for";
		return SEARCH_INVALID;
	}
	struct search_expert *v = arena_alloc(a, (size_t)limit * sizeof(*v));
	int n = search_experts_query(app, a, viewer, &sq, tags, n_tags, NULL, 0, limit, v);
	if (n < 0)
		return SEARCH_ERROR;
	struct posts_json *accounts = people_accounts(app, a, viewer, v, n);
	jw_arr_begin(w);
	for (int i = 0; i < n; i++)
		render_expert(app, a, w, &v[i], &accounts[i], n_tags ? tags[0] : NULL);
	jw_arr_end(w);
	return SEARCH_OK;
}

/* --- the directory ------------------------------------------------------------- */

enum search_rc search_render_directory(struct app *app, struct arena *a, struct jw *w,
				       int64_t viewer, const struct search_directory *d,
				       const char **why)
{
	struct store_conn *c = store_reader(app->store);
	struct store_directory_filter f = {
	    .expertise =
		d->expertise ? text_tag_normalize(a, d->expertise, strlen(d->expertise)) : NULL,
	    .department = d->department,
	    .location = d->location,
	    .manager_id = d->manager_id,
	};
	if (d->expertise && !f.expertise) {
		*why = "expertise: not a valid tag";
		return SEARCH_INVALID;
	}
	int64_t *ids = arena_alloc(a, (size_t)d->limit * sizeof(*ids));
	int64_t total = 0;
	int n;
	if (d->q && *d->q) { /* relevance: the text search, then the filters */
		struct search_query sq;
		if (search_parse(a, d->q, false, &sq, why) < 0)
			return SEARCH_INVALID;
		struct search_hit *h = arena_alloc(a, 2000 * sizeof(*h));
		int k = store_search_people(c, &sq, SEARCH_PEOPLE_ALL, 2000, h);
		n = 0;
		for (int i = 0; i < k; i++) {
			struct user u;
			if (store_user_get(c, a, h[i].id, &u) != STORE_OK)
				continue;
			bool ok = (!f.department || !strcasecmp(f.department, u.department)) &&
				  (!f.location || !strcasecmp(f.location, u.location)) &&
				  (!f.manager_id || f.manager_id == u.manager_id) &&
				  (!f.expertise || strstr(u.expertise_json, f.expertise));
			if (!ok)
				continue;
			if (total >= (int64_t)d->offset && n < d->limit)
				ids[n++] = h[i].id;
			total++;
		}
	} else {
		n = store_search_directory(c, &f, d->offset, d->limit, ids, &total);
		if (n < 0)
			return SEARCH_ERROR;
	}
	jw_obj_begin(w);
	jw_kint(w, "total", total);
	jw_key(w, "accounts");
	search_accounts_array(app, a, w, viewer, ids, (size_t)n);
	jw_obj_end(w);
	return SEARCH_OK;
}
