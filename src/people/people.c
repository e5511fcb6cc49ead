/*
 * people: the network in memory — loading the graph at start and keeping
 * it in step with committed writes (see people.h).
 */
#include "people/people.h"
#include "app/app.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "graph/graph.h"
#include "people/people_int.h"
#include "posts/posts.h"
#include "store/store.h"

#include <stdlib.h>

/* Deactivated people, as a bitmap over ids, while loading. */
struct loader {
	struct graph *g;
	uint8_t *inactive;
	int64_t max_id;
	size_t connections, follows, skipped, bad;
};

static bool loader_inactive(const struct loader *l, int64_t id)
{
	return id > 0 && id <= l->max_id && (l->inactive[id >> 3] & (1u << (id & 7)));
}

static int load_inactive(void *ctx, int64_t id)
{
	struct loader *l = ctx;
	if (id > 0 && id <= l->max_id)
		l->inactive[id >> 3] |= (uint8_t)(1u << (id & 7));
	return 0;
}

static bool pair_ok(struct loader *l, int64_t a, int64_t b)
{
	if (a <= 0 || b <= 0 || a > GRAPH_ID_MAX || b > GRAPH_ID_MAX) {
		l->bad++;
		return false;
	}
	if (loader_inactive(l, a) || loader_inactive(l, b)) {
		l->skipped++;
		return false;
	}
	return true;
}

static int load_connection(void *ctx, int64_t a, int64_t b)
{
	struct loader *l = ctx;
	if (pair_ok(l, a, b) && graph_bulk_connect(l->g, (uint32_t)a, (uint32_t)b) == 0)
		l->connections++;
	return 0;
}

static int load_follow(void *ctx, int64_t a, int64_t b)
{
	struct loader *l = ctx;
	if (pair_ok(l, a, b) && graph_bulk_follow(l->g, (uint32_t)a, (uint32_t)b) == 0)
		l->follows++;
	return 0;
}

int people_load(struct app *app)
{
	struct store_conn *c = store_reader(app->store);
	int64_t t0 = clock_mono_us();
	struct loader l = {.g = app->graph, .max_id = store_user_max_id(c)};
	if (l.max_id < 0 || l.max_id > GRAPH_ID_MAX) {
		log_error("people: cannot load the graph (max user id %lld)", (long long)l.max_id);
		return -1;
	}
	graph_ensure(app->graph, (uint32_t)l.max_id);
	l.inactive = xcalloc((size_t)l.max_id / 8 + 1, 1);
	int rc = store_users_inactive_scan(c, load_inactive, &l);
	if (rc == STORE_OK)
		rc = store_connections_scan(c, load_connection, &l);
	if (rc == STORE_OK)
		rc = store_follows_scan(c, load_follow, &l);
	graph_bulk_finish(app->graph);
	free(l.inactive);
	if (rc != STORE_OK) {
		log_error("people: cannot load the graph from the store");
		return -1;
	}
	if (l.bad)
		log_warn("people: %zu network rows with invalid ids ignored", l.bad);
	log_info("people: graph of %lld people, %zu connections, %zu follows in %.0f ms",
		 (long long)l.max_id, l.connections, l.follows,
		 (double)(clock_mono_us() - t0) / 1000.0);
	return 0;
}

/* --- after-commit graph updates ------------------------------------------ */

struct edge_op {
	enum people_edge_op op;
	uint32_t a, b;
};

static void edge_apply(struct app *app, void *arg)
{
	const struct edge_op *e = arg;
	switch (e->op) {
	case EDGE_CONNECT:
		graph_connect(app->graph, e->a, e->b);
		break;
	case EDGE_DISCONNECT:
		graph_disconnect(app->graph, e->a, e->b);
		break;
	case EDGE_FOLLOW:
		graph_follow(app->graph, e->a, e->b);
		break;
	case EDGE_UNFOLLOW:
		graph_unfollow(app->graph, e->a, e->b);
		break;
	}
}

void people_after_edge(struct tx *tx, enum people_edge_op op, int64_t a, int64_t b)
{
	struct edge_op *e = arena_alloc(tx_arena(tx), sizeof(*e));
	e->op = op;
	e->a = (uint32_t)a;
	e->b = (uint32_t)b;
	tx_after_commit(tx, edge_apply, e);
}

/* Edges of one person, read in the transaction, added after it commits.
 * Connections are (id, other); follows (follower, followee). */
struct edge_pair {
	uint32_t a, b;
};

struct user_edges {
	struct arena *arena;
	struct edge_pair *conn, *follow;
	size_t n_conn, n_follow, cap_conn, cap_follow;
};

static void pairs_push(struct arena *a, struct edge_pair **v, size_t *n, size_t *cap, int64_t x,
		       int64_t y)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct edge_pair *nv = arena_alloc(a, ncap * sizeof(*nv));
		for (size_t i = 0; i < *n; i++)
			nv[i] = (*v)[i];
		*v = nv;
		*cap = ncap;
	}
	(*v)[(*n)++] = (struct edge_pair){(uint32_t)x, (uint32_t)y};
}

static int collect_connection(void *ctx, int64_t user, int64_t other)
{
	struct user_edges *e = ctx;
	pairs_push(e->arena, &e->conn, &e->n_conn, &e->cap_conn, user, other);
	return 0;
}

static int collect_follow(void *ctx, int64_t follower, int64_t followee)
{
	struct user_edges *e = ctx;
	pairs_push(e->arena, &e->follow, &e->n_follow, &e->cap_follow, follower, followee);
	return 0;
}

static void user_edges_add(struct app *app, void *arg)
{
	const struct user_edges *e = arg;
	for (size_t i = 0; i < e->n_conn; i++)
		graph_connect(app->graph, e->conn[i].a, e->conn[i].b);
	for (size_t i = 0; i < e->n_follow; i++)
		graph_follow(app->graph, e->follow[i].a, e->follow[i].b);
}

/* Copies a graph list (removing edges mutates the arrays we walk). */
static uint32_t *list_copy(const uint32_t *v, size_t n)
{
	uint32_t *c = xmalloc((n ? n : 1) * sizeof(*c));
	for (size_t i = 0; i < n; i++)
		c[i] = v[i];
	return c;
}

static void user_edges_remove(struct app *app, void *arg)
{
	uint32_t id = (uint32_t)(uintptr_t)arg;
	struct graph *g = app->graph;
	size_t n = 0;
	const uint32_t *list = graph_connections(g, id, &n);
	uint32_t *v = list_copy(list, n);
	for (size_t i = 0; i < n; i++)
		graph_disconnect(g, id, v[i]);
	free(v);
	list = graph_following(g, id, &n);
	v = list_copy(list, n);
	for (size_t i = 0; i < n; i++)
		graph_unfollow(g, id, v[i]);
	free(v);
	list = graph_followers(g, id, &n);
	v = list_copy(list, n);
	for (size_t i = 0; i < n; i++)
		graph_unfollow(g, v[i], id);
	free(v);
}

static void user_row_changed(struct app *app, void *arg)
{
	posts_account_forget(app, (int64_t)(uintptr_t)arg);
}

void people_after_user_row(struct tx *tx, int64_t id)
{
	tx_after_commit(tx, user_row_changed, (void *)(uintptr_t)id);
}

int people_after_user_edges(struct tx *tx, int64_t id, bool active)
{
	if (id <= 0 || id > GRAPH_ID_MAX)
		return -1;
	if (!active) {
		tx_after_commit(tx, user_edges_remove, (void *)(uintptr_t)id);
		return 0;
	}
	struct user_edges *e = arena_calloc(tx_arena(tx), 1, sizeof(*e));
	e->arena = tx_arena(tx);
	if (store_connections_of(tx_conn(tx), id, collect_connection, e) != STORE_OK ||
	    store_follows_of(tx_conn(tx), id, collect_follow, e) != STORE_OK)
		return -1;
	tx_after_commit(tx, user_edges_add, e);
	return 0;
}
