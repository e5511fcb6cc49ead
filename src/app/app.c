/* app: the running Moka, and write transactions (see app.h). */
#include "app/app.h"
#include "app/app_index.h"
#include "audience/audience.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "events/events.h"
#include "communities/communities.h"
#include "questions/questions.h"
#include "feed/feed.h"
#include "graph/graph.h"
#include "people/people.h"
#include "posts/posts.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

struct after {
	void (*fn)(struct app *app, void *arg);
	void *arg;
	struct after *next;
};

struct pending_event {
	struct event ev;
	struct pending_event *next;
};

struct tx {
	struct app *app;
	struct store_conn *conn;
	struct arena *arena;
	struct after *after, **after_tail;
	struct pending_event *events, **events_tail;
};

struct app *app_open(struct config *cfg)
{
	struct app *app = xcalloc(1, sizeof(*app));
	app->cfg = cfg;
	pthread_rwlockattr_t attr;
	pthread_rwlockattr_init(&attr);
	/* writers (short, after-commit updates) must not starve behind readers */
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&app->mem_lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	app->base_url = cfg->base_url;
	int64_t t0 = clock_mono_us();
	app->store = store_open(cfg->data_dir);
	if (!app->store)
		goto fail;
	if (app_index_load(app) < 0 || communities_open(app) < 0 || questions_open(app) < 0)
		goto fail;
	if (store_checkpoints_start(app->store) < 0)
		log_warn("store: the commits checkpoint the WAL themselves");
	app->posts_cache = posts_cache_new(cfg->render_cache_mb, cfg->page_cache_mb);
	app->relations = audience_cache_new(cfg->relation_cache_mb);
	app->hub = hub_new(app);
	log_info("store ready in %s (schema %d, %.0f ms to load)", cfg->data_dir,
		 store_schema_version(app->store), (double)(clock_mono_us() - t0) / 1000.0);
	return app;
fail:
	app_close(app);
	return NULL;
}

void app_close(struct app *app)
{
	if (!app)
		return;
	/* hub is made last in app_open: with it, the app opened fully, and
	 * the callers close only once nothing writes any more */
	if (app->hub)
		app_index_save(app);
	if (app->hub)
		hub_free(app->hub);
	questions_close(app);
	communities_close(app);
	if (app->feed)
		feed_close(app);
	posts_cache_free(app->posts_cache);
	audience_cache_free(app->relations);
	if (app->graph)
		graph_free(app->graph);
	store_close(app->store);
	pthread_rwlock_destroy(&app->mem_lock);
	free(app);
}

void app_rdlock(struct app *app)
{
	pthread_rwlock_rdlock(&app->mem_lock);
}

void app_unlock(struct app *app)
{
	pthread_rwlock_unlock(&app->mem_lock);
}

struct tx *tx_begin(struct app *app)
{
	struct tx *tx = xcalloc(1, sizeof(*tx));
	tx->app = app;
	tx->arena = arena_new();
	tx->after_tail = &tx->after;
	tx->events_tail = &tx->events;
	tx->conn = store_writer_lock(app->store);
	if (store_begin(tx->conn) < 0) {
		store_writer_unlock(app->store);
		arena_free(tx->arena);
		free(tx);
		return NULL;
	}
	return tx;
}

struct store_conn *tx_conn(struct tx *tx)
{
	return tx->conn;
}

struct arena *tx_arena(struct tx *tx)
{
	return tx->arena;
}

void tx_after_commit(struct tx *tx, void (*fn)(struct app *app, void *arg), void *arg)
{
	struct after *a = arena_alloc(tx->arena, sizeof(*a));
	a->fn = fn;
	a->arg = arg;
	a->next = NULL;
	*tx->after_tail = a;
	tx->after_tail = &a->next;
}

void tx_publish(struct tx *tx, const struct event *ev)
{
	struct pending_event *p = arena_alloc(tx->arena, sizeof(*p));
	p->ev = *ev;
	p->next = NULL;
	*tx->events_tail = p;
	tx->events_tail = &p->next;
}

static void tx_free(struct tx *tx)
{
	arena_free(tx->arena);
	free(tx);
}

int tx_commit(struct tx *tx)
{
	struct app *app = tx->app;
	if (store_commit(tx->conn) < 0) {
		store_writer_unlock(app->store);
		tx_free(tx);
		return -1;
	}
	if (tx->after) {
		pthread_rwlock_wrlock(&app->mem_lock);
		for (struct after *a = tx->after; a; a = a->next)
			a->fn(app, a->arg);
		pthread_rwlock_unlock(&app->mem_lock);
	}
	store_writer_unlock(app->store);
	for (struct pending_event *p = tx->events; p; p = p->next)
		if (app->hub)
			hub_publish(app->hub, &p->ev);
	tx_free(tx);
	return 0;
}

void tx_rollback(struct tx *tx)
{
	store_rollback(tx->conn);
	store_writer_unlock(tx->app->store);
	tx_free(tx);
}
