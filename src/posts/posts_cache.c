/* posts_cache: direct-mapped caches of rendered JSON (see posts_int.h). */
#include "posts/posts.h"
#include "posts/posts_int.h"
#include "core/arena.h"
#include "core/xmalloc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define STRIPES 64

/* Slots: statuses take about 1 KB (static members), accounts 1.3 KB;
 * some 60 MB when full — the newest posts of a large company's streams
 * and their authors. */
#define STATUS_SLOTS 32768
#define ACCOUNT_SLOTS 16384

struct slot {
	int64_t key; /* 0: empty */
	uint64_t stamp;
	char *value;
	size_t len;
};

struct pcache {
	struct slot *slots;
	size_t mask;
	_Atomic uint64_t epoch;
	pthread_mutex_t locks[STRIPES];
};

struct pcache *pcache_new(size_t slots)
{
	struct pcache *c = xcalloc(1, sizeof(*c));
	size_t n = 1;
	while (n < slots)
		n *= 2;
	c->slots = xcalloc(n, sizeof(*c->slots));
	c->mask = n - 1;
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_init(&c->locks[i], NULL);
	return c;
}

void pcache_free(struct pcache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i <= c->mask; i++)
		free(c->slots[i].value);
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_destroy(&c->locks[i]);
	free(c->slots);
	free(c);
}

static size_t slot_of(const struct pcache *c, int64_t key)
{
	uint64_t h = (uint64_t)key * 0x9e3779b97f4a7c15ull;
	return (size_t)(h ^ (h >> 29)) & c->mask;
}

uint64_t pcache_epoch(struct pcache *c)
{
	return atomic_load(&c->epoch);
}

char *pcache_get(struct pcache *c, int64_t key, uint64_t stamp, struct arena *a, size_t *len)
{
	size_t i = slot_of(c, key);
	pthread_mutex_t *m = &c->locks[i % STRIPES];
	char *out = NULL;
	pthread_mutex_lock(m);
	struct slot *s = &c->slots[i];
	if (s->key == key && s->stamp == stamp && s->value) {
		out = arena_alloc(a, s->len + 1);
		memcpy(out, s->value, s->len);
		out[s->len] = '\0';
		*len = s->len;
	}
	pthread_mutex_unlock(m);
	return out;
}

void pcache_put(struct pcache *c, int64_t key, uint64_t stamp, uint64_t epoch, const char *v,
		size_t len)
{
	char *copy = xmalloc(len + 1);
	memcpy(copy, v, len);
	copy[len] = '\0';
	size_t i = slot_of(c, key);
	pthread_mutex_t *m = &c->locks[i % STRIPES];
	pthread_mutex_lock(m);
	/* checked under the slot's lock: an invalidation either bumped the
	 * epoch before this check, or clears the slot after this store */
	if (atomic_load(&c->epoch) == epoch) {
		struct slot *s = &c->slots[i];
		char *old = s->value;
		s->key = key;
		s->stamp = stamp;
		s->value = copy;
		s->len = len;
		copy = old;
	}
	pthread_mutex_unlock(m);
	free(copy);
}

void pcache_invalidate(struct pcache *c, int64_t key)
{
	atomic_fetch_add(&c->epoch, 1);
	size_t i = slot_of(c, key);
	pthread_mutex_t *m = &c->locks[i % STRIPES];
	pthread_mutex_lock(m);
	struct slot *s = &c->slots[i];
	char *old = NULL;
	if (s->key == key) {
		old = s->value;
		memset(s, 0, sizeof(*s));
	}
	pthread_mutex_unlock(m);
	free(old);
}

struct posts_cache *posts_cache_new(void)
{
	struct posts_cache *pc = xcalloc(1, sizeof(*pc));
	pc->statuses = pcache_new(STATUS_SLOTS);
	pc->accounts = pcache_new(ACCOUNT_SLOTS);
	return pc;
}

void posts_cache_free(struct posts_cache *pc)
{
	if (!pc)
		return;
	pcache_free(pc->statuses);
	pcache_free(pc->accounts);
	free(pc);
}
