/* app_index: the indexes' load at start and snapshots at stop (see app_index.h). */
#include "app/app_index.h"
#include "app/app.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/snapfile.h"
#include "core/xmalloc.h"
#include "feed/feed.h"
#include "graph/graph.h"
#include "people/people.h"
#include "store/store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

/* Bumped whenever what the snapshots hold changes shape. */
#define SNAP_VERSION_GRAPH 1
#define SNAP_VERSION_FEED 4

static char *data_path(const struct app *app, const char *name)
{
	size_t n = strlen(app->cfg->data_dir) + strlen(name) + 2;
	char *p = xmalloc(n);
	snprintf(p, n, "%s/%s", app->cfg->data_dir, name);
	return p;
}

static void token_hex(const uint8_t t[SNAP_TOKEN_BYTES], char out[2 * SNAP_TOKEN_BYTES + 1])
{
	for (int i = 0; i < SNAP_TOKEN_BYTES; i++)
		snprintf(out + 2 * i, 3, "%02x", t[i]);
}

static int token_parse(const char *hex, uint8_t t[SNAP_TOKEN_BYTES])
{
	if (strlen(hex) != 2 * SNAP_TOKEN_BYTES)
		return -1;
	for (int i = 0; i < SNAP_TOKEN_BYTES; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		t[i] = (uint8_t)v;
	}
	return 0;
}

/* --- loading ----------------------------------------------------------- */

struct job {
	struct app *app;
	const uint8_t *token;
	char *path;
	void *result; /* struct graph * or struct feed * */
	int rc;
};

static void *read_graph(void *arg)
{
	struct job *j = arg;
	struct snapr *r = snapr_open(j->path, SNAP_VERSION_GRAPH, j->token);
	struct graph *g = r ? graph_snap_read(r) : NULL;
	if (!snapr_close(r) && g) {
		graph_free(g);
		g = NULL;
	}
	j->result = g;
	return NULL;
}

static void *read_feed(void *arg)
{
	struct job *j = arg;
	struct snapr *r = snapr_open(j->path, SNAP_VERSION_FEED, j->token);
	struct feed *f = r ? feed_snap_read(r) : NULL;
	if (!snapr_close(r) && f) {
		feed_free(f);
		f = NULL;
	}
	j->result = f;
	return NULL;
}

static void *scan_graph(void *arg)
{
	struct job *j = arg;
	j->rc = people_load(j->app);
	return NULL;
}

/* Runs fn(a) on a new thread and fn_b(b) here, then joins. */
static void both(void *(*fa)(void *), struct job *a, void *(*fb)(void *), struct job *b)
{
	pthread_t t;
	bool threaded = pthread_create(&t, NULL, fa, a) == 0;
	if (!threaded)
		fa(a);
	fb(b);
	if (threaded)
		pthread_join(t, NULL);
}

static bool load_snapshots(struct app *app, const uint8_t token[SNAP_TOKEN_BYTES])
{
	struct job g = {.app = app, .token = token, .path = data_path(app, APP_INDEX_GRAPH_FILE)};
	struct job f = {.app = app, .token = token, .path = data_path(app, APP_INDEX_FEED_FILE)};
	both(read_graph, &g, read_feed, &f);
	free(g.path);
	free(f.path);
	if (!g.result || !f.result) {
		graph_free(g.result);
		feed_free(f.result);
		return false;
	}
	app->graph = g.result;
	app->feed = f.result;
	uint32_t n = feed_count(app->feed);
	if (n)
		clock_id_floor(feed_id(app->feed, n - 1));
	return true;
}

static void *scan_feed(void *arg)
{
	struct job *j = arg;
	j->rc = feed_open(j->app);
	return NULL;
}

int app_index_load(struct app *app)
{
	int64_t t0 = clock_mono_us();
	char hex[2 * SNAP_TOKEN_BYTES + 8];
	uint8_t token[SNAP_TOKEN_BYTES];
	int taken = store_index_token_take(app->store, hex, sizeof(hex));
	if (taken < 0)
		return -1;
	if (taken == 1 && token_parse(hex, token) == 0 && load_snapshots(app, token)) {
		size_t conns = 0, follows = 0, len;
		for (uint32_t id = 1; id <= graph_max_id(app->graph); id++) {
			conns += graph_degree(app->graph, id);
			graph_following(app->graph, id, &len);
			follows += len;
		}
		log_info("indexes: graph of %u people, %zu connections, %zu follows and %u posts"
			 " read from the snapshots in %.0f ms",
			 graph_max_id(app->graph), conns / 2, follows, feed_count(app->feed),
			 (double)(clock_mono_us() - t0) / 1000.0);
		return 0;
	}
	if (taken == 1)
		log_warn("indexes: the snapshots do not match the store; scanning it");
	app->graph = graph_new();
	struct job g = {.app = app}, f = {.app = app};
	both(scan_graph, &g, scan_feed, &f);
	if (g.rc < 0 || f.rc < 0)
		return -1;
	log_info("indexes: built from the store in %.0f ms (graph and posts in parallel)",
		 (double)(clock_mono_us() - t0) / 1000.0);
	return 0;
}

/* --- saving ------------------------------------------------------------ */

struct save {
	struct app *app;
	const uint8_t *token;
	char *path;
	int rc;
};

static void *save_graph(void *arg)
{
	struct save *s = arg;
	struct snapw *w = snapw_open(s->path, SNAP_VERSION_GRAPH);
	if (!w)
		return NULL;
	graph_snap_write(s->app->graph, w);
	s->rc = snapw_close(w, s->token);
	return NULL;
}

static void *save_feed(void *arg)
{
	struct save *s = arg;
	struct snapw *w = snapw_open(s->path, SNAP_VERSION_FEED);
	if (!w)
		return NULL;
	feed_snap_write(s->app->feed, w);
	s->rc = snapw_close(w, s->token);
	return NULL;
}

void app_index_save(struct app *app)
{
	if (!app->graph || !app->feed || !app->store)
		return;
	int64_t t0 = clock_mono_us();
	uint8_t token[SNAP_TOKEN_BYTES];
	if (getrandom(token, sizeof(token), 0) != (ssize_t)sizeof(token)) {
		log_warn("indexes: no random token; snapshots not saved");
		return;
	}
	struct save g = {app, token, data_path(app, APP_INDEX_GRAPH_FILE), -1};
	struct save f = {app, token, data_path(app, APP_INDEX_FEED_FILE), -1};
	pthread_t t;
	bool threaded = pthread_create(&t, NULL, save_graph, &g) == 0;
	if (!threaded)
		save_graph(&g);
	save_feed(&f);
	if (threaded)
		pthread_join(t, NULL);
	char hex[2 * SNAP_TOKEN_BYTES + 1];
	token_hex(token, hex);
	if (g.rc == 0 && f.rc == 0 && store_index_token_put(app->store, hex) == 0)
		log_info("indexes: snapshots saved in %.0f ms",
			 (double)(clock_mono_us() - t0) / 1000.0);
	else
		log_warn("indexes: snapshots not saved; the next start scans the store");
	free(g.path);
	free(f.path);
}
