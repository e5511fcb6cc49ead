/*
 * people_suggest: "people you may know" — colleagues of colleagues ranked
 * by how many connections they share with the viewer, plus the org chart
 * (manager, peers, reports) and the viewer's department; existing
 * connections, pending invitations either way and the viewer left out.
 * Colleagues who declared the same expertise are candidates too.
 */
#include "people/people.h"
#include "app/app.h"
#include "core/arena.h"
#include "core/xmalloc.h"
#include "graph/graph.h"
#include "json/json_writer.h"
#include "store/store.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Caps on the work one request may do. */
#define SCAN_MAX 200000 /* second-degree edges counted */
#define ORG_MAX 100	/* peers, reports, department members considered each */
#define INVITES_MAX 2000

enum { WHY_MANAGER = 1, WHY_PEER = 2, WHY_REPORT = 4, WHY_DEPARTMENT = 8, WHY_EXPERTISE = 16 };

struct cand {
	int64_t id;
	uint32_t mutual;
	unsigned why;
	int score;
};

struct cands {
	struct cand *v;
	size_t n, cap;
};

static void cand_push(struct cands *c, int64_t id, uint32_t mutual, unsigned why)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		c->v = xrealloc(c->v, c->cap * sizeof(*c->v));
	}
	c->v[c->n++] = (struct cand){id, mutual, why, 0};
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return (a > b) - (a < b);
}

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return (a > b) - (a < b);
}

static int cmp_id(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;
	return (a->id > b->id) - (a->id < b->id);
}

static int cmp_score(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;
	if (a->score != b->score)
		return b->score - a->score;
	if (a->mutual != b->mutual)
		return a->mutual < b->mutual ? 1 : -1;
	return (a->id > b->id) - (a->id < b->id);
}

static bool sorted_has(const uint32_t *v, size_t n, uint32_t x)
{
	return v && bsearch(&x, v, n, sizeof(*v), cmp_u32) != NULL;
}

/* Colleagues of colleagues with their shared-connection counts. */
static void second_degree(struct app *app, uint32_t me, struct cands *out)
{
	uint32_t *seen = NULL;
	size_t n_seen = 0, cap = 0;
	app_rdlock(app);
	size_t nc = 0;
	const uint32_t *mine = graph_connections(app->graph, me, &nc);
	for (size_t i = 0; i < nc && n_seen < SCAN_MAX; i++) {
		size_t nn = 0;
		const uint32_t *theirs = graph_connections(app->graph, mine[i], &nn);
		if (n_seen + nn > SCAN_MAX)
			nn = SCAN_MAX - n_seen;
		if (n_seen + nn + 1 > cap) {
			cap = (n_seen + nn + 1) * 2;
			seen = xrealloc(seen, cap * sizeof(*seen));
		}
		for (size_t j = 0; j < nn; j++)
			if (theirs[j] != me && !sorted_has(mine, nc, theirs[j]))
				seen[n_seen++] = theirs[j];
	}
	app_unlock(app);
	if (n_seen)
		qsort(seen, n_seen, sizeof(*seen), cmp_u32);
	for (size_t i = 0; i < n_seen;) {
		size_t j = i;
		while (j < n_seen && seen[j] == seen[i])
			j++;
		cand_push(out, seen[i], (uint32_t)(j - i), 0);
		i = j;
	}
	free(seen);
}

/* The org chart and the department around u. */
static void org_candidates(struct app *app, const struct user *u, struct cands *out)
{
	struct store_conn *c = store_reader(app->store);
	int64_t ids[ORG_MAX];
	if (u->manager_id > 0) {
		cand_push(out, u->manager_id, 0, WHY_MANAGER);
		int n = store_user_reports(c, u->manager_id, ORG_MAX, ids);
		for (int i = 0; i < n; i++)
			cand_push(out, ids[i], 0, WHY_PEER);
	}
	int n = store_user_reports(c, u->id, ORG_MAX, ids);
	for (int i = 0; i < n; i++)
		cand_push(out, ids[i], 0, WHY_REPORT);
	if (u->department && *u->department) {
		n = store_user_department(c, u->department, ORG_MAX, ids);
		for (int i = 0; i < n; i++)
			cand_push(out, ids[i], 0, WHY_DEPARTMENT);
	}
}

/* People who declared one of u's expertise tags (at most ORG_MAX a tag). */
static void expertise_candidates(struct app *app, const struct user *u, struct cands *out)
{
	json_t *j = u->expertise_json ? json_loads(u->expertise_json, 0, NULL) : NULL;
	struct store_conn *c = store_reader(app->store);
	int64_t ids[ORG_MAX];
	for (size_t i = 0; json_is_array(j) && i < json_array_size(j); i++) {
		const char *tag = json_string_value(json_array_get(j, i));
		int n = tag ? store_search_expertise_users(c, tag, ORG_MAX, ids) : 0;
		for (int k = 0; k < n; k++)
			cand_push(out, ids[k], 0, WHY_EXPERTISE);
	}
	json_decref(j);
}

/* Merges duplicate ids, drops the excluded and scores the rest. */
static void rank(struct app *app, int64_t me, struct cands *c, const int64_t *invited,
		 size_t n_invited)
{
	if (c->n)
		qsort(c->v, c->n, sizeof(*c->v), cmp_id);
	size_t k = 0;
	app_rdlock(app);
	for (size_t i = 0; i < c->n; i++) {
		struct cand *x = &c->v[i];
		if (k && c->v[k - 1].id == x->id) {
			c->v[k - 1].mutual += x->mutual;
			c->v[k - 1].why |= x->why;
			continue;
		}
		bool skip = x->id == me ||
			    graph_is_connected(app->graph, (uint32_t)me, (uint32_t)x->id) ||
			    bsearch(&x->id, invited, n_invited, sizeof(*invited), cmp_i64);
		if (!skip)
			c->v[k++] = *x;
	}
	app_unlock(app);
	c->n = k;
	for (size_t i = 0; i < c->n; i++) {
		struct cand *x = &c->v[i];
		x->score = (int)(x->mutual > 1000 ? 1000 : x->mutual) * 10 +
			   (x->why & WHY_MANAGER ? 8 : 0) + (x->why & WHY_REPORT ? 8 : 0) +
			   (x->why & WHY_PEER ? 6 : 0) + (x->why & WHY_DEPARTMENT ? 3 : 0) +
			   (x->why & WHY_EXPERTISE ? 4 : 0);
	}
	if (c->n)
		qsort(c->v, c->n, sizeof(*c->v), cmp_score);
}

static void reasons(struct jw *w, const struct cand *x)
{
	jw_key(w, "reasons");
	jw_arr_begin(w);
	if (x->mutual)
		jw_str(w, "mutual_connections");
	if (x->why & WHY_MANAGER)
		jw_str(w, "manager");
	if (x->why & WHY_PEER)
		jw_str(w, "same_manager");
	if (x->why & WHY_REPORT)
		jw_str(w, "report");
	if (x->why & WHY_DEPARTMENT)
		jw_str(w, "same_department");
	if (x->why & WHY_EXPERTISE)
		jw_str(w, "shared_expertise");
	jw_arr_end(w);
}

int people_render_suggestions(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			      int limit)
{
	struct user me;
	if (people_user_visible(app, a, viewer, &me) < 0)
		return -1;
	int64_t *invited = arena_alloc(a, INVITES_MAX * sizeof(*invited));
	int n_invited =
	    store_invitation_peers(store_reader(app->store), viewer, INVITES_MAX, invited);
	if (n_invited < 0)
		return -1;
	qsort(invited, (size_t)n_invited, sizeof(*invited), cmp_i64);
	struct cands c = {0};
	second_degree(app, (uint32_t)viewer, &c);
	org_candidates(app, &me, &c);
	expertise_candidates(app, &me, &c);
	rank(app, viewer, &c, invited, (size_t)n_invited);
	jw_arr_begin(w);
	int shown = 0;
	for (size_t i = 0; i < c.n && shown < limit; i++) {
		struct user u;
		if (people_user_visible(app, a, c.v[i].id, &u) < 0)
			continue;
		jw_obj_begin(w);
		jw_key(w, "account");
		people_render_account_user(app, a, w, &u);
		jw_kint(w, "mutual_connections", c.v[i].mutual);
		reasons(w, &c.v[i]);
		jw_obj_end(w);
		shown++;
	}
	jw_arr_end(w);
	free(c.v);
	return 0;
}
