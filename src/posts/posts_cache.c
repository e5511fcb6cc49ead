/* posts_cache: set-associative caches of rendered JSON (see posts_int.h). */
#include "posts/posts.h"
#include "posts/posts_int.h"
#include "core/arena.h"
#include "core/xmalloc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define STRIPES 256
/* Values per set: a new value evicts the set's least recently used one. */
#define WAYS 8

/* A value: the cache holds one reference while it keeps it, each reader
 * one while it uses it. */
struct pcache_ref {
	_Atomic uint32_t refs;
	size_t len;
	char data[]; /* len bytes and a NUL */
};

struct slot {
	int64_t key; /* 0: empty */
	uint64_t stamp;
	struct pcache_ref *value;
	uint32_t used; /* the set's clock at the last hit or store */
};

void pcache_unref(struct pcache_ref *ref)
{
	if (ref && atomic_fetch_sub_explicit(&ref->refs, 1, memory_order_acq_rel) == 1)
		free(ref);
}

struct pcache {
	struct slot *slots; /* sets * WAYS */
	uint32_t *clock;    /* per set */
	uint32_t sets;
	_Atomic uint64_t epoch; /* invalidations so far */
	/* [set]: the epoch of the set's last invalidation (under the set's
	 * lock). A reader's value is refused only when its own set was
	 * invalidated since the reader began: with one counter for the whole
	 * cache, each post (its author's row changes, so their Account is
	 * dropped) kept every render in flight from storing anything, and at
	 * 100 posts/s most Accounts were rendered again on every page. */
	uint64_t *set_epoch;
	pthread_mutex_t locks[STRIPES];
};

struct pcache *pcache_new(size_t values)
{
	struct pcache *c = xcalloc(1, sizeof(*c));
	size_t sets = (values + WAYS - 1) / WAYS;
	c->sets = (uint32_t)(sets ? (sets < UINT32_MAX ? sets : UINT32_MAX) : 1);
	c->slots = xcalloc((size_t)c->sets * WAYS, sizeof(*c->slots));
	c->clock = xcalloc(c->sets, sizeof(*c->clock));
	c->set_epoch = xcalloc(c->sets, sizeof(*c->set_epoch));
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_init(&c->locks[i], NULL);
	return c;
}

void pcache_free(struct pcache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < (size_t)c->sets * WAYS; i++)
		pcache_unref(c->slots[i].value);
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_destroy(&c->locks[i]);
	free(c->clock);
	free(c->set_epoch);
	free(c->slots);
	free(c);
}

static uint32_t set_of(const struct pcache *c, int64_t key)
{
	uint64_t h = (uint64_t)key * 0x9e3779b97f4a7c15ull;
	return (uint32_t)(((h >> 32) * c->sets) >> 32);
}

/* The way holding key in set s, or NULL. */
static struct slot *find(struct pcache *c, uint32_t s, int64_t key)
{
	struct slot *w = &c->slots[(size_t)s * WAYS];
	for (int i = 0; i < WAYS; i++)
		if (w[i].key == key)
			return &w[i];
	return NULL;
}

uint64_t pcache_epoch(struct pcache *c)
{
	return atomic_load(&c->epoch);
}

const char *pcache_get(struct pcache *c, int64_t key, uint64_t stamp, struct pcache_ref **ref,
		       size_t *len)
{
	uint32_t set = set_of(c, key);
	pthread_mutex_t *m = &c->locks[set % STRIPES];
	struct pcache_ref *v = NULL;
	pthread_mutex_lock(m);
	struct slot *s = find(c, set, key);
	if (s && s->stamp == stamp && s->value) {
		s->used = ++c->clock[set];
		v = s->value;
		atomic_fetch_add_explicit(&v->refs, 1, memory_order_relaxed);
	}
	pthread_mutex_unlock(m);
	*ref = v;
	if (!v)
		return NULL;
	*len = v->len;
	return v->data;
}

void pcache_put(struct pcache *c, int64_t key, uint64_t stamp, uint64_t epoch, const char *v,
		size_t len)
{
	struct pcache_ref *copy = xmalloc(sizeof(*copy) + len + 1);
	atomic_init(&copy->refs, 1);
	copy->len = len;
	memcpy(copy->data, v, len);
	copy->data[len] = '\0';
	uint32_t set = set_of(c, key);
	pthread_mutex_t *m = &c->locks[set % STRIPES];
	pthread_mutex_lock(m);
	/* checked under the set's lock: an invalidation of this set either
	 * came before this check, or clears the way after this store */
	if (c->set_epoch[set] <= epoch) {
		struct slot *s = find(c, set, key);
		if (!s) { /* an empty way, else the least recently used */
			struct slot *w = &c->slots[(size_t)set * WAYS];
			uint32_t now = c->clock[set];
			s = &w[0];
			for (int i = 0; i < WAYS && s->key; i++)
				if (!w[i].key || now - w[i].used > now - s->used)
					s = &w[i];
		}
		struct pcache_ref *old = s->value;
		s->key = key;
		s->stamp = stamp;
		s->value = copy;
		s->used = ++c->clock[set];
		copy = old;
	}
	pthread_mutex_unlock(m);
	pcache_unref(copy); /* the value replaced, or ours when not stored */
}

void pcache_invalidate(struct pcache *c, int64_t key)
{
	uint64_t e = atomic_fetch_add(&c->epoch, 1) + 1;
	uint32_t set = set_of(c, key);
	pthread_mutex_t *m = &c->locks[set % STRIPES];
	pthread_mutex_lock(m);
	c->set_epoch[set] = e;
	struct slot *s = find(c, set, key);
	struct pcache_ref *old = NULL;
	if (s) {
		old = s->value;
		memset(s, 0, sizeof(*s));
	}
	pthread_mutex_unlock(m);
	pcache_unref(old);
}

/* What a value weighs on average (measured on the demo company: a
 * Status's static members and source text, an Account), to turn the
 * budget into a number of values. */
#define STATUS_BYTES 1200
#define ACCOUNT_BYTES 1300
#define CHILDREN_BYTES 64

struct posts_cache *posts_cache_new(size_t budget_mb)
{
	struct posts_cache *pc = xcalloc(1, sizeof(*pc));
	size_t bytes = (budget_mb ? budget_mb : 1) << 20;
	/* three quarters for Statuses: a page shows more posts than authors */
	pc->statuses = pcache_new(bytes / 4 * 3 / STATUS_BYTES);
	pc->accounts = pcache_new(bytes / 4 / ACCOUNT_BYTES);
	pc->children = pcache_new(bytes / 16 / CHILDREN_BYTES); /* over budget by a sixteenth */
	return pc;
}

void posts_cache_free(struct posts_cache *pc)
{
	if (!pc)
		return;
	pcache_free(pc->statuses);
	pcache_free(pc->accounts);
	pcache_free(pc->children);
	free(pc);
}
