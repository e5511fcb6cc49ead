/*
 * events_hub: the registry of open live streams and the thread that
 * delivers committed events to them.
 *
 * hub_publish only copies the event onto a queue: the writer calls it
 * right after a commit and must not wait. One hub thread takes events in
 * commit order, finds the streams that might want each one (for a post,
 * as the timelines define them: the home streams of its author, of the
 * board's owner and of the author's connections and followers; the
 * company stream for listed public posts; hashtag streams of its tags),
 * asks the one audience check about every candidate viewer, renders the
 * entity once per viewer who may see it, and appends the SSE bytes to
 * that viewer's matching streams before waking them. Mentioned people
 * who do not otherwise see the post in their home stream get it through
 * their "notification" event. The same thread sends heartbeats.
 *
 * Locks, in the only order they are ever nested:
 *   hub->lock (registry) → stream->lock (its queue) → the http stream's own.
 * The hub thread never holds hub->lock while it renders or takes the
 * memory lock (the renderers take that themselves), and it never keeps a
 * stream pointer across an unlock: it finds streams again by viewer id.
 * A stream leaves the registry in its done() callback, under hub->lock,
 * so once done() returns nobody can reach it.
 */
#include "events/events.h"
#include "app/app.h"
#include "audience/audience.h"
#include "communities/communities.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "feed/feed.h"
#include "graph/graph.h"
#include "http/http.h"
#include "json/json_writer.h"
#include "messages/messages.h"
#include "notify/notify.h"
#include "posts/posts.h"
#include "store/store.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Events waiting for the hub thread beyond this are dropped (logged):
 * a stuck hub must not grow without bound. Notifications stay listed. */
#define HUB_BACKLOG_MAX 100000
/* hub_end_streams waits at most this long for streams to finish. */
#define HUB_END_WAIT_US (2 * 1000 * 1000)
/* Tags read per post (a post has far fewer). */
#define HUB_POST_TAGS_MAX 100
/* Streams given new bytes are woken together (see wakes_flush_locked) once
 * this many are waiting, or the first has waited HUB_WAKE_DELAY_US. */
#define HUB_WAKE_BATCH 4096
#define HUB_WAKE_DELAY_US 50000
/* A post whose fan-out takes longer than this is logged. */
#define HUB_SLOW_US (250 * 1000)
/* Audience checks per hold of the memory lock. */
#define HUB_CHECK_BATCH 512

struct hub_stream {
	struct hub *hub;
	struct http_stream *hs;
	int64_t viewer;
	int64_t auth_id; /* the token or session the stream was opened with */
	bool via_cookie;
	enum stream_kind kind;
	char *tag;	      /* STREAM_HASHTAG only */
	int64_t community;    /* STREAM_COMMUNITY only */
	pthread_mutex_t lock; /* guards q and closed */
	struct sse_queue q;
	bool closed;	  /* the next read ends the stream */
	bool wake_queued; /* on hub->wakes (guarded by hub->lock) */
	struct hub_stream *wake_next;
	/* registry links, guarded by hub->lock */
	struct hub_stream *all_prev, *all_next;
	struct hub_stream *bucket_next;		    /* same hash bucket of viewer ids */
	struct hub_stream *topic_prev, *topic_next; /* public, hashtag, community streams */
};

struct queued_event {
	struct event ev;
	struct queued_event *next;
};

struct hub {
	struct app *app;
	pthread_mutex_t lock; /* the registry */
	struct hub_stream *all;
	struct hub_stream *topics;
	struct hub_stream **buckets;
	size_t n_buckets, n_streams;
	bool ending;
	struct hub_stream *wakes; /* streams with new bytes, to wake together */
	size_t n_wakes;
	int64_t wakes_since;	     /* when the first of them was queued (µs) */
	struct http_stream **wake_v; /* scratch for wakes_flush_locked */
	size_t wake_cap;

	pthread_mutex_t q_lock; /* the event queue */
	pthread_cond_t q_cond;
	struct queued_event *q_head, **q_tail;
	size_t q_len;
	bool stop;
	pthread_t thread;
	bool started;
};

/* --- registry (hub->lock held) ---------------------------------------- */

static size_t bucket_of(const struct hub *h, int64_t viewer)
{
	uint64_t x = (uint64_t)viewer * 0x9E3779B97F4A7C15ull;
	return (size_t)(x >> 32) & (h->n_buckets - 1);
}

static void buckets_grow(struct hub *h)
{
	size_t old_n = h->n_buckets;
	struct hub_stream **old = h->buckets;
	h->n_buckets = old_n ? old_n * 2 : 1024;
	h->buckets = xcalloc(h->n_buckets, sizeof(*h->buckets));
	for (size_t i = 0; i < old_n; i++) {
		struct hub_stream *s = old[i], *next;
		for (; s; s = next) {
			next = s->bucket_next;
			size_t b = bucket_of(h, s->viewer);
			s->bucket_next = h->buckets[b];
			h->buckets[b] = s;
		}
	}
	free(old);
}

/* Streams found through the topics list rather than by viewer. */
static bool is_topic(enum stream_kind kind)
{
	return kind == STREAM_PUBLIC || kind == STREAM_HASHTAG || kind == STREAM_COMMUNITY;
}

static void registry_add(struct hub *h, struct hub_stream *s)
{
	if (h->n_streams + 1 > h->n_buckets)
		buckets_grow(h);
	size_t b = bucket_of(h, s->viewer);
	s->bucket_next = h->buckets[b];
	h->buckets[b] = s;
	s->all_prev = NULL;
	s->all_next = h->all;
	if (h->all)
		h->all->all_prev = s;
	h->all = s;
	if (is_topic(s->kind)) {
		s->topic_prev = NULL;
		s->topic_next = h->topics;
		if (h->topics)
			h->topics->topic_prev = s;
		h->topics = s;
	}
	h->n_streams++;
}

static void registry_remove(struct hub *h, struct hub_stream *s)
{
	struct hub_stream **pp = &h->buckets[bucket_of(h, s->viewer)];
	while (*pp && *pp != s)
		pp = &(*pp)->bucket_next;
	if (!*pp)
		return; /* never registered */
	*pp = s->bucket_next;
	if (s->wake_queued) {
		struct hub_stream **wp = &h->wakes;
		while (*wp != s)
			wp = &(*wp)->wake_next;
		*wp = s->wake_next;
		h->n_wakes--;
	}
	if (s->all_prev)
		s->all_prev->all_next = s->all_next;
	else
		h->all = s->all_next;
	if (s->all_next)
		s->all_next->all_prev = s->all_prev;
	if (is_topic(s->kind)) {
		if (s->topic_prev)
			s->topic_prev->topic_next = s->topic_next;
		else
			h->topics = s->topic_next;
		if (s->topic_next)
			s->topic_next->topic_prev = s->topic_prev;
	}
	h->n_streams--;
}

/* True if viewer has an open stream whose kind is in kinds (a bit mask). */
static bool viewer_has_locked(struct hub *h, int64_t viewer, unsigned kinds)
{
	if (!h->n_buckets)
		return false;
	for (struct hub_stream *s = h->buckets[bucket_of(h, viewer)]; s; s = s->bucket_next)
		if (s->viewer == viewer && (kinds & (1u << s->kind)))
			return true;
	return false;
}

/* Ends s at its next read and drops what it had queued. */
static void stream_close_locked(struct hub_stream *s)
{
	pthread_mutex_lock(&s->lock);
	bool was = s->closed;
	s->closed = true;
	sseq_free(&s->q);
	pthread_mutex_unlock(&s->lock);
	if (!was)
		http_stream_wake(s->hs);
}

/*
 * Wakes every stream given new bytes since the last flush. Waking is
 * batched because libmicrohttpd (0.9.75) walks the whole list of a
 * worker's suspended connections every time it handles resumptions:
 * waking streams one by one during a fan-out to thousands cost one such
 * walk per stream and collapsed under load (measured: p50 delivery 1.2 s
 * with 4,000 streams, 150 ms with batches of 64, less with larger ones).
 * http_stream_wake_many also groups them by server thread.
 */
static void wakes_flush_locked(struct hub *h)
{
	if (h->n_wakes > h->wake_cap) {
		h->wake_cap = h->n_wakes * 2;
		h->wake_v = xrealloc(h->wake_v, h->wake_cap * sizeof(*h->wake_v));
	}
	size_t n = 0;
	for (struct hub_stream *s = h->wakes, *next; s; s = next) {
		next = s->wake_next;
		s->wake_queued = false;
		s->wake_next = NULL;
		h->wake_v[n++] = s->hs;
	}
	http_stream_wake_many(h->wake_v, n);
	h->wakes = NULL;
	h->n_wakes = 0;
}

static void wakes_flush(struct hub *h)
{
	pthread_mutex_lock(&h->lock);
	wakes_flush_locked(h);
	pthread_mutex_unlock(&h->lock);
}

static void stream_push_locked(struct hub *h, struct hub_stream *s, const char *msg, size_t len)
{
	pthread_mutex_lock(&s->lock);
	bool closed = s->closed;
	int rc = closed ? 0 : sseq_push(&s->q, msg, len);
	pthread_mutex_unlock(&s->lock);
	if (closed)
		return;
	if (rc < 0) {
		log_warn("live stream of user %lld dropped: client too slow (%u bytes unsent)",
			 (long long)s->viewer, HUB_QUEUE_MAX);
		stream_close_locked(s);
		return;
	}
	if (!s->wake_queued) {
		if (!h->wakes)
			h->wakes_since = clock_mono_us();
		s->wake_queued = true;
		s->wake_next = h->wakes;
		h->wakes = s;
		h->n_wakes++;
	}
}

static bool tag_in(const char *tag, const char *const *tags, int n)
{
	for (int i = 0; i < n; i++)
		if (tag && strcmp(tag, tags[i]) == 0)
			return true;
	return false;
}

/* Queues msg on viewer's streams whose kind is in kinds; a hashtag stream
 * only when its tag is one of tags, a community stream only for the post's
 * community. */
static void deliver(struct hub *h, int64_t viewer, unsigned kinds, const char *const *tags,
		    int n_tags, int64_t community, const char *msg, size_t len)
{
	pthread_mutex_lock(&h->lock);
	if (h->n_buckets && !h->ending) {
		struct hub_stream *s = h->buckets[bucket_of(h, viewer)];
		for (; s; s = s->bucket_next) {
			if (s->viewer != viewer || !(kinds & (1u << s->kind)))
				continue;
			if (s->kind == STREAM_HASHTAG && !tag_in(s->tag, tags, n_tags))
				continue;
			if (s->kind == STREAM_COMMUNITY &&
			    (!community || s->community != community))
				continue;
			stream_push_locked(h, s, msg, len);
		}
		if (h->n_wakes >= HUB_WAKE_BATCH ||
		    (h->n_wakes && clock_mono_us() - h->wakes_since >= HUB_WAKE_DELAY_US))
			wakes_flush_locked(h);
	}
	pthread_mutex_unlock(&h->lock);
}

/* --- stream callbacks (MHD threads) ----------------------------------- */

static long stream_read(void *ctx, char *dst, size_t max)
{
	struct hub_stream *s = ctx;
	pthread_mutex_lock(&s->lock);
	long n = s->closed ? -1 : (long)sseq_pop(&s->q, dst, max);
	pthread_mutex_unlock(&s->lock);
	return n;
}

static void stream_done(void *ctx)
{
	struct hub_stream *s = ctx;
	struct hub *h = s->hub;
	pthread_mutex_lock(&h->lock);
	registry_remove(h, s);
	pthread_mutex_unlock(&h->lock);
	sseq_free(&s->q);
	pthread_mutex_destroy(&s->lock);
	free(s->tag);
	free(s);
}

static const struct http_stream_ops stream_ops = {stream_read, stream_done};

int hub_stream_open(struct hub *h, struct http_request *req, enum stream_kind kind, const char *tag)
{
	pthread_mutex_lock(&h->lock);
	bool ending = h->ending;
	pthread_mutex_unlock(&h->lock);
	if (ending)
		return http_error(req, 503, "shutting down");
	struct hub_stream *s = xcalloc(1, sizeof(*s));
	s->hub = h;
	s->viewer = req->viewer;
	s->auth_id = req->auth_id;
	s->via_cookie = req->auth_via == AUTH_COOKIE;
	s->kind = kind;
	s->tag = tag ? xstrdup(tag) : NULL;
	if (kind == STREAM_COMMUNITY && tag)
		s->community = strtoll(tag, NULL, 10);
	pthread_mutex_init(&s->lock, NULL);
	sseq_init(&s->q, HUB_QUEUE_MAX);
	sseq_push(&s->q, ":)\n\n", 4); /* a first comment: the client sees the stream open */
	s->hs = http_stream_start(req, "text/event-stream", &stream_ops, s);
	pthread_mutex_lock(&h->lock);
	s->closed = h->ending;
	registry_add(h, s);
	pthread_mutex_unlock(&h->lock);
	return 0;
}

size_t hub_stream_count(struct hub *h)
{
	pthread_mutex_lock(&h->lock);
	size_t n = h->n_streams;
	pthread_mutex_unlock(&h->lock);
	return n;
}

/* --- candidates ------------------------------------------------------- */

/* A viewer who may get an event, and on which kinds of stream. */
struct cand {
	int64_t viewer;
	unsigned kinds;
};

struct cands {
	struct cand *v;
	size_t n, cap;
};

static void cands_add(struct cands *c, int64_t viewer, unsigned kinds)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->v = xrealloc(c->v, c->cap * sizeof(*c->v));
	}
	c->v[c->n++] = (struct cand){viewer, kinds};
}

static int cand_cmp(const void *a, const void *b)
{
	int64_t x = ((const struct cand *)a)->viewer, y = ((const struct cand *)b)->viewer;
	return x < y ? -1 : x > y;
}

/* Sorts by viewer and merges duplicates' kinds. */
static void cands_merge(struct cands *c)
{
	if (!c->n)
		return;
	qsort(c->v, c->n, sizeof(*c->v), cand_cmp);
	size_t o = 0;
	for (size_t i = 1; i < c->n; i++) {
		if (c->v[i].viewer == c->v[o].viewer)
			c->v[o].kinds |= c->v[i].kinds;
		else
			c->v[++o] = c->v[i];
	}
	c->n = o + 1;
}

/* What the hub reads about a post from the feed index (memory lock held
 * while reading, copied out). */
struct post_facts {
	int64_t author;
	bool listed;	   /* in the company stream */
	bool unlisted;	   /* kept out of hashtag streams too */
	int64_t community; /* its community, or 0 */
	int64_t *homes;	   /* whose home streams it may reach: author, board owner,
			    * the author's connections and followers, and the
			    * members of its community */
	size_t n_homes;
	const char *tags[HUB_POST_TAGS_MAX];
	int n_tags;
};

/* 0, or -1 when the post is not in the index. */
static int post_facts_load(struct hub *h, struct arena *a, int64_t post_id, struct post_facts *pf)
{
	struct app *app = h->app;
	app_rdlock(app);
	uint32_t slot = app->feed ? feed_slot(app->feed, post_id) : FEED_NONE;
	if (slot == FEED_NONE) {
		app_unlock(app);
		return -1;
	}
	const struct feed_post *p = feed_post(app->feed, slot);
	bool tagged = p->flags & FEED_TAGGED;
	pf->author = p->author;
	pf->listed = p->flags & FEED_LISTED;
	pf->unlisted = p->visibility == VIS_UNLISTED;
	pf->community = p->community;
	size_t nc = 0, nf = 0;
	const uint32_t *conn = graph_connections(app->graph, p->author, &nc);
	const uint32_t *fol = graph_followers(app->graph, p->author, &nf);
	const uint32_t *members = NULL;
	size_t nm = p->community ? communities_members_locked(app, p->community, &members) : 0;
	pf->homes = xmalloc((nc + nf + nm + 2) * sizeof(*pf->homes));
	pf->homes[pf->n_homes++] = p->author;
	if (p->flags & FEED_BOARD)
		pf->homes[pf->n_homes++] = p->ref;
	for (size_t i = 0; i < nc; i++)
		pf->homes[pf->n_homes++] = conn[i];
	for (size_t i = 0; i < nf; i++)
		pf->homes[pf->n_homes++] = fol[i];
	for (size_t i = 0; i < nm; i++) /* a community's members (each still checked) */
		pf->homes[pf->n_homes++] = members[i];
	app_unlock(app);
	if (tagged)
		pf->n_tags = (int)store_post_tags(store_reader(app->store), a, post_id, pf->tags,
						  HUB_POST_TAGS_MAX);
	return 0;
}

/*
 * The viewers with a stream that might show the post: home streams of
 * pf->homes, and (with topics) the company stream for listed posts and
 * hashtag streams of its tags (unlisted posts left out), as the
 * timelines do. Sorted by viewer, one entry each.
 */
static void candidates(struct hub *h, const struct post_facts *pf, struct cands *out)
{
	unsigned user = 1u << STREAM_USER;
	pthread_mutex_lock(&h->lock);
	for (size_t i = 0; i < pf->n_homes; i++)
		if (viewer_has_locked(h, pf->homes[i], user))
			cands_add(out, pf->homes[i], user);
	for (struct hub_stream *s = h->topics; s; s = s->topic_next) {
		if (s->kind == STREAM_PUBLIC && pf->listed)
			cands_add(out, s->viewer, 1u << STREAM_PUBLIC);
		else if (s->kind == STREAM_HASHTAG && !pf->unlisted &&
			 tag_in(s->tag, pf->tags, pf->n_tags))
			cands_add(out, s->viewer, 1u << STREAM_HASHTAG);
		else if (s->kind == STREAM_COMMUNITY && pf->community &&
			 s->community == pf->community)
			cands_add(out, s->viewer, 1u << STREAM_COMMUNITY);
	}
	pthread_mutex_unlock(&h->lock);
	cands_merge(out);
}

/*
 * Keeps the candidates the one audience check admits: those who may see
 * the post, or for a deleted post those who would have. The memory lock
 * is taken once per batch, not per viewer, and released between batches
 * so writers are not held up by a large fan-out.
 */
static void cands_filter(struct hub *h, struct cands *c, int64_t post_id, bool deleted)
{
	struct app *app = h->app;
	size_t o = 0;
	for (size_t i = 0; i < c->n;) {
		app_rdlock(app);
		for (size_t end = i + HUB_CHECK_BATCH; i < c->n && i < end; i++) {
			int64_t v = c->v[i].viewer;
			if (deleted ? audience_post_reached_locked(app, v, post_id)
				    : audience_post_visible_locked(app, v, post_id))
				c->v[o++] = c->v[i];
		}
		app_unlock(app);
	}
	c->n = o;
}

/* --- events ----------------------------------------------------------- */

/* "update" or "status.update": the Status, rendered for each viewer who may
 * see it — once for all but its author when nothing in it depends on the
 * viewer (posts_render_status_common: every new post; a fan-out to a
 * thousand viewers took 0.75 s rendering one by one). */
static void on_post(struct hub *h, const struct event *ev, const char *name)
{
	struct app *app = h->app;
	int64_t t0 = clock_mono_us();
	struct arena *a = arena_new();
	struct post_facts *pf = arena_calloc(a, 1, sizeof(*pf));
	struct cands c = {0};
	if (post_facts_load(h, a, ev->post_id, pf) < 0)
		goto out;
	candidates(h, pf, &c);
	size_t asked = c.n;
	cands_filter(h, &c, ev->post_id, false);
	int64_t t1 = clock_mono_us();
	struct buf json, msg, shared;
	buf_init(&json, BUF_MAX_DEFAULT);
	buf_init(&msg, BUF_MAX_DEFAULT);
	buf_init(&shared, BUF_MAX_DEFAULT);
	size_t renders = 0;
	for (size_t i = 0; i < c.n; i++) {
		int64_t viewer = c.v[i].viewer;
		if (shared.len && viewer != pf->author) {
			deliver(h, viewer, c.v[i].kinds, pf->tags, pf->n_tags, pf->community,
				shared.ptr, shared.len);
			continue;
		}
		renders++;
		buf_reset(&json);
		struct jw w;
		jw_init(&w, &json);
		struct arena *va = arena_new(); /* one per viewer: 50,000 renders stay small */
		bool common = false;
		int rc = posts_render_status_common(app, va, &w, viewer, ev->post_id, &common);
		arena_free(va);
		if (rc < 0 || !json.len)
			continue;
		buf_reset(&msg);
		if (sse_format(&msg, name, json.ptr, json.len) < 0)
			continue;
		if (common) /* what every later viewer but the author gets */
			buf_append(&shared, msg.ptr, msg.len);
		deliver(h, viewer, c.v[i].kinds, pf->tags, pf->n_tags, pf->community, msg.ptr,
			msg.len);
	}
	buf_free(&json);
	buf_free(&msg);
	buf_free(&shared);
	int64_t t2 = clock_mono_us();
	if (t2 - t0 > HUB_SLOW_US)
		log_info("events: post %lld: %zu candidates, %zu may see it; %lld ms to choose,"
			 " %lld ms to render (%zu times) and queue",
			 (long long)ev->post_id, asked, c.n, (long long)(t1 - t0) / 1000,
			 (long long)(t2 - t1) / 1000, renders);
out:
	free(pf->homes);
	free(c.v);
	arena_free(a);
}

/*
 * "delete" (data: the post id) to the streams that could have shown the
 * post: the same candidates as for "update", kept when the audience check
 * says they would have seen it were it not deleted. The hub cannot know
 * whether a stream actually received the post (it may have opened later),
 * so some clients get the id of a post they never saw: they learn nothing
 * but that id.
 */
static void on_delete(struct hub *h, const struct event *ev)
{
	struct arena *a = arena_new();
	struct post_facts *pf = arena_calloc(a, 1, sizeof(*pf));
	struct cands c = {0};
	if (post_facts_load(h, a, ev->post_id, pf) < 0)
		goto out;
	candidates(h, pf, &c);
	cands_filter(h, &c, ev->post_id, true);
	struct buf msg;
	buf_init(&msg, 4096);
	char id[24];
	int n = snprintf(id, sizeof(id), "%lld", (long long)ev->post_id);
	if (sse_format(&msg, "delete", id, (size_t)n) == 0)
		for (size_t i = 0; i < c.n; i++)
			deliver(h, c.v[i].viewer, c.v[i].kinds, pf->tags, pf->n_tags, pf->community,
				msg.ptr, msg.len);
	buf_free(&msg);
out:
	free(pf->homes);
	free(c.v);
	arena_free(a);
}

static void on_notification(struct hub *h, const struct event *ev)
{
	unsigned kinds = (1u << STREAM_USER) | (1u << STREAM_USER_NOTIFICATION);
	pthread_mutex_lock(&h->lock);
	bool listening = viewer_has_locked(h, ev->user_id, kinds);
	pthread_mutex_unlock(&h->lock);
	if (!listening)
		return;
	struct arena *a = arena_new();
	struct buf json, msg;
	buf_init(&json, BUF_MAX_DEFAULT);
	buf_init(&msg, BUF_MAX_DEFAULT);
	struct jw w;
	jw_init(&w, &json);
	/* notify_render refuses what the recipient may not see */
	if (notify_render(h->app, a, &w, ev->user_id, ev->notification_id) == 0 && json.len &&
	    sse_format(&msg, "notification", json.ptr, json.len) == 0)
		deliver(h, ev->user_id, kinds, NULL, 0, 0, msg.ptr, msg.len);
	buf_free(&json);
	buf_free(&msg);
	arena_free(a);
}

/*
 * Conversation events (messages/): to the user streams of the people
 * messages/ names — the conversation's members at this moment — each
 * rendered through its rule, so someone removed or gone gets nothing
 * more from the moment their removal committed, on streams already open.
 */
static void on_message(struct hub *h, const struct event *ev)
{
	unsigned user = 1u << STREAM_USER;
	int64_t *who = NULL;
	size_t n = messages_event_audience(h->app, ev, &who);
	struct buf json, msg;
	buf_init(&json, BUF_MAX_DEFAULT);
	buf_init(&msg, BUF_MAX_DEFAULT);
	for (size_t i = 0; i < n; i++) {
		pthread_mutex_lock(&h->lock);
		bool listening = viewer_has_locked(h, who[i], user);
		pthread_mutex_unlock(&h->lock);
		if (!listening)
			continue;
		buf_reset(&json);
		struct jw w;
		jw_init(&w, &json);
		const char *name = NULL;
		struct arena *a = arena_new();
		int rc = messages_event_render(h->app, a, ev, who[i], &name, &w);
		arena_free(a);
		if (rc < 0 || !json.len)
			continue;
		buf_reset(&msg);
		if (sse_format(&msg, name, json.ptr, json.len) == 0)
			deliver(h, who[i], user, NULL, 0, 0, msg.ptr, msg.len);
	}
	buf_free(&json);
	buf_free(&msg);
	free(who);
}

static void on_revoked(struct hub *h, int64_t user)
{
	pthread_mutex_lock(&h->lock);
	if (h->n_buckets)
		for (struct hub_stream *s = h->buckets[bucket_of(h, user)]; s; s = s->bucket_next)
			if (s->viewer == user)
				stream_close_locked(s);
	pthread_mutex_unlock(&h->lock);
}

/* A revoked token or ended session: its streams end too (rare: a full scan). */
static void on_credential_revoked(struct hub *h, int64_t id, bool cookie)
{
	pthread_mutex_lock(&h->lock);
	for (struct hub_stream *s = h->all; s; s = s->all_next)
		if (s->auth_id == id && s->via_cookie == cookie)
			stream_close_locked(s);
	pthread_mutex_unlock(&h->lock);
}

static void heartbeat(struct hub *h)
{
	static const char thump[] = ":thump\n\n";
	pthread_mutex_lock(&h->lock);
	for (struct hub_stream *s = h->all; s; s = s->all_next)
		stream_push_locked(h, s, thump, sizeof(thump) - 1);
	wakes_flush_locked(h);
	pthread_mutex_unlock(&h->lock);
}

static void dispatch(struct hub *h, const struct event *ev)
{
	switch (ev->type) {
	case EVENT_POST_NEW:
		on_post(h, ev, "update");
		break;
	case EVENT_POST_EDIT:
		on_post(h, ev, "status.update");
		break;
	case EVENT_POST_DELETE:
		on_delete(h, ev);
		break;
	case EVENT_NOTIFICATION:
		on_notification(h, ev);
		break;
	case EVENT_USER_REVOKED:
		on_revoked(h, ev->user_id);
		break;
	case EVENT_CREDENTIAL_REVOKED:
		on_credential_revoked(h, ev->credential_id, ev->credential_cookie);
		break;
	case EVENT_MESSAGE_NEW:
	case EVENT_MESSAGE_EDIT:
	case EVENT_MESSAGE_DELETE:
	case EVENT_CONVERSATION:
	case EVENT_CONVERSATION_GONE:
		on_message(h, ev);
		break;
	}
	wakes_flush(h);
}

/* --- the hub thread --------------------------------------------------- */

static void deadline_after(struct timespec *ts, unsigned seconds)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += seconds;
}

static bool deadline_passed(const struct timespec *ts)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > ts->tv_sec || (now.tv_sec == ts->tv_sec && now.tv_nsec >= ts->tv_nsec);
}

static void *hub_main(void *arg)
{
	struct hub *h = arg;
	unsigned every = h->app->cfg ? h->app->cfg->stream_heartbeat_s : 0;
	struct timespec next_beat;
	deadline_after(&next_beat, every ? every : 3600);
	pthread_mutex_lock(&h->q_lock);
	while (!h->stop) {
		if (every && deadline_passed(&next_beat)) {
			pthread_mutex_unlock(&h->q_lock);
			heartbeat(h);
			deadline_after(&next_beat, every);
			pthread_mutex_lock(&h->q_lock);
			continue;
		}
		struct queued_event *qe = h->q_head;
		if (!qe) {
			pthread_cond_timedwait(&h->q_cond, &h->q_lock, &next_beat);
			continue;
		}
		h->q_head = qe->next;
		if (!h->q_head)
			h->q_tail = &h->q_head;
		h->q_len--;
		pthread_mutex_unlock(&h->q_lock);
		dispatch(h, &qe->ev);
		free(qe);
		pthread_mutex_lock(&h->q_lock);
	}
	pthread_mutex_unlock(&h->q_lock);
	return NULL;
}

struct hub *hub_new(struct app *app)
{
	struct hub *h = xcalloc(1, sizeof(*h));
	h->app = app;
	pthread_mutex_init(&h->lock, NULL);
	pthread_mutex_init(&h->q_lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&h->q_cond, &ca);
	pthread_condattr_destroy(&ca);
	h->q_tail = &h->q_head;
	if (pthread_create(&h->thread, NULL, hub_main, h) == 0)
		h->started = true;
	else
		log_error("events: cannot start the hub thread: live streams get no events");
	return h;
}

void hub_publish(struct hub *h, const struct event *ev)
{
	struct queued_event *qe = xmalloc(sizeof(*qe));
	qe->ev = *ev;
	qe->next = NULL;
	pthread_mutex_lock(&h->q_lock);
	if (h->q_len >= HUB_BACKLOG_MAX || h->stop) {
		pthread_mutex_unlock(&h->q_lock);
		free(qe);
		log_warn("events: hub backlog full, live event dropped");
		return;
	}
	*h->q_tail = qe;
	h->q_tail = &qe->next;
	h->q_len++;
	pthread_cond_signal(&h->q_cond);
	pthread_mutex_unlock(&h->q_lock);
}

void hub_end_streams(struct hub *h)
{
	pthread_mutex_lock(&h->lock);
	h->ending = true;
	for (struct hub_stream *s = h->all; s; s = s->all_next)
		stream_close_locked(s);
	pthread_mutex_unlock(&h->lock);
	/* Give the HTTP threads a moment to send each stream's last chunk, so
	 * clients see a clean end rather than a cut connection. */
	int64_t deadline = clock_mono_us() + HUB_END_WAIT_US;
	while (hub_stream_count(h) > 0 && clock_mono_us() < deadline) {
		struct timespec pause = {0, 10 * 1000 * 1000};
		nanosleep(&pause, NULL);
	}
}

void hub_free(struct hub *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->q_lock);
	h->stop = true;
	pthread_cond_signal(&h->q_cond);
	pthread_mutex_unlock(&h->q_lock);
	if (h->started)
		pthread_join(h->thread, NULL);
	for (struct queued_event *qe = h->q_head, *next; qe; qe = next) {
		next = qe->next;
		free(qe);
	}
	/* Streams still registered here had no done() (the HTTP server never
	 * ran or already freed them): only our own memory remains. */
	for (struct hub_stream *s = h->all, *next; s; s = next) {
		next = s->all_next;
		sseq_free(&s->q);
		pthread_mutex_destroy(&s->lock);
		free(s->tag);
		free(s);
	}
	free(h->buckets);
	free(h->wake_v);
	pthread_cond_destroy(&h->q_cond);
	pthread_mutex_destroy(&h->q_lock);
	pthread_mutex_destroy(&h->lock);
	free(h);
}
