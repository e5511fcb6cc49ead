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
/* Values per set: a new value evicts one not read since the set's hand
 * last passed it (CLOCK, an approximation of least recently used). */
#define WAYS 8

/*
 * Layout. A lookup's cost is its memory misses: a set is 8 ways of
 * {key, value} (128 bytes, two adjacent lines) and the value's header
 * holds the stamp and the "used" mark, so a hit reads the set, then the
 * value it is about to copy anyway, and writes only the value's header
 * (its reference count and mark). The hand is read and moved only by
 * stores. An earlier layout kept stamps and
 * least-recently-used clocks beside the keys (256 bytes a set, and a
 * per-set clock written on every hit).
 */

/* A value: the cache holds one reference while it keeps it, each reader
 * one while it uses it. */
struct pcache_ref {
	_Atomic uint32_t refs;
	uint8_t used;	      /* read since the hand last passed (under the set's lock) */
	_Atomic uint8_t gone; /* no longer the cache's value for its key */
	uint32_t n_held;      /* references to other caches' values it holds */
	uint64_t stamp;
	size_t len;
	char data[]; /* len bytes, a NUL, then (8-aligned) the n_held references */
};

/* Where a value's held references start in its data. */
static size_t held_offset(size_t len)
{
	return (len + 1 + 7) & ~(size_t)7;
}

static struct pcache_ref **held_of(const struct pcache_ref *ref)
{
	return (struct pcache_ref **)(void *)((char *)ref->data + held_offset(ref->len));
}

struct way {
	int64_t key; /* 0: empty */
	struct pcache_ref *value;
};

void pcache_unref(struct pcache_ref *ref)
{
	if (!ref || atomic_fetch_sub_explicit(&ref->refs, 1, memory_order_acq_rel) != 1)
		return;
	struct pcache_ref **held = held_of(ref);
	for (uint32_t i = 0; i < ref->n_held; i++)
		pcache_unref(held[i]);
	free(ref);
}

bool pcache_current(const struct pcache_ref *ref)
{
	return !atomic_load(&ref->gone);
}

struct pcache_ref *const *pcache_held(const struct pcache_ref *ref, size_t *n)
{
	*n = ref->n_held;
	return held_of(ref);
}

struct pcache {
	struct way *ways; /* sets * WAYS, 128-byte aligned */
	uint8_t *hand;	  /* [set]: the next way to look at for a victim */
	uint32_t sets;
	_Atomic uint64_t epoch;	   /* invalidations so far */
	_Atomic uint64_t removals; /* values replaced, evicted or invalidated so far */
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
	c->ways = xcalloc_aligned(128, (size_t)c->sets * WAYS * sizeof(struct way));
	c->hand = xcalloc(c->sets, sizeof(*c->hand));
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
		if (c->ways[i].value) {
			atomic_store(&c->ways[i].value->gone, 1);
			pcache_unref(c->ways[i].value);
		}
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_destroy(&c->locks[i]);
	free(c->set_epoch);
	free(c->hand);
	free(c->ways);
	free(c);
}

static uint32_t set_of(const struct pcache *c, int64_t key)
{
	uint64_t h = (uint64_t)key * 0x9e3779b97f4a7c15ull;
	return (uint32_t)(((h >> 32) * c->sets) >> 32);
}

/* The way holding key in set s, or NULL. */
static struct way *find(struct pcache *c, uint32_t s, int64_t key)
{
	struct way *w = &c->ways[(size_t)s * WAYS];
	for (int i = 0; i < WAYS; i++)
		if (w[i].key == key)
			return &w[i];
	return NULL;
}

uint64_t pcache_epoch(struct pcache *c)
{
	return atomic_load(&c->epoch);
}

uint64_t pcache_removals(struct pcache *c)
{
	return atomic_load(&c->removals);
}

const char *pcache_get(struct pcache *c, int64_t key, uint64_t stamp, struct pcache_ref **ref,
		       size_t *len)
{
	uint32_t set = set_of(c, key);
	pthread_mutex_t *m = &c->locks[set % STRIPES];
	struct pcache_ref *v = NULL;
	pthread_mutex_lock(m);
	struct way *w = find(c, set, key);
	if (w && w->value && w->value->stamp == stamp) {
		v = w->value;
		atomic_fetch_add_explicit(&v->refs, 1, memory_order_relaxed);
		v->used = 1;
	}
	pthread_mutex_unlock(m);
	*ref = v;
	if (!v)
		return NULL;
	*len = v->len;
	return v->data;
}

void pcache_prefetch(struct pcache *c, const int64_t *keys, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct way *w = &c->ways[(size_t)set_of(c, keys[i]) * WAYS];
		__builtin_prefetch(w);
		__builtin_prefetch(w + WAYS / 2);
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t set = set_of(c, keys[i]);
		pthread_mutex_t *m = &c->locks[set % STRIPES];
		pthread_mutex_lock(m);
		const struct way *w = find(c, set, keys[i]);
		if (w && w->value)
			__builtin_prefetch(w->value); /* harmless if freed before it lands */
		pthread_mutex_unlock(m);
	}
}

/* The way a new key takes in set s: an empty one, else the next from the
 * set's hand not used since the hand last passed it (CLOCK: the hand
 * clears the marks it passes). */
static struct way *victim(struct pcache *c, uint32_t s)
{
	struct way *w = &c->ways[(size_t)s * WAYS];
	for (int i = 0; i < WAYS; i++)
		if (!w[i].key)
			return &w[i];
	for (;;) { /* ends within two turns: the first clears every mark */
		struct way *x = &w[c->hand[s]];
		c->hand[s] = (uint8_t)((c->hand[s] + 1) % WAYS);
		if (!x->value->used)
			return x;
		x->value->used = 0;
	}
}

void pcache_put(struct pcache *c, int64_t key, uint64_t stamp, uint64_t epoch, const char *v,
		size_t len)
{
	pcache_put_holding(c, key, stamp, epoch, v, len, NULL, 0);
}

void pcache_put_holding(struct pcache *c, int64_t key, uint64_t stamp, uint64_t epoch,
			const char *v, size_t len, struct pcache_ref *const *held, size_t n_held)
{
	struct pcache_ref *copy =
	    xmalloc(sizeof(*copy) + held_offset(len) + n_held * sizeof(*held));
	atomic_init(&copy->refs, 1);
	atomic_init(&copy->gone, 0);
	copy->used = 0;
	copy->n_held = (uint32_t)n_held;
	copy->stamp = stamp;
	copy->len = len;
	memcpy(copy->data, v, len);
	copy->data[len] = '\0';
	struct pcache_ref *ours = copy;
	for (size_t i = 0; i < n_held; i++) {
		atomic_fetch_add_explicit(&held[i]->refs, 1, memory_order_relaxed);
		held_of(copy)[i] = held[i];
	}
	uint32_t set = set_of(c, key);
	pthread_mutex_t *m = &c->locks[set % STRIPES];
	pthread_mutex_lock(m);
	/* checked under the set's lock: an invalidation of this set either
	 * came before this check, or clears the way after this store */
	if (c->set_epoch[set] <= epoch) {
		struct way *w = find(c, set, key);
		if (!w)
			w = victim(c, set);
		struct pcache_ref *old = w->value;
		w->key = key;
		w->value = copy;
		copy = old;
	}
	if (copy) { /* under the lock: gone before anyone finds the new one */
		atomic_store(&copy->gone, 1);
		if (copy != ours)
			atomic_fetch_add(&c->removals, 1);
	}
	pthread_mutex_unlock(m);
	pcache_unref(copy); /* the value replaced or evicted, or ours when not stored */
}

void pcache_invalidate(struct pcache *c, int64_t key)
{
	uint64_t e = atomic_fetch_add(&c->epoch, 1) + 1;
	uint32_t set = set_of(c, key);
	pthread_mutex_t *m = &c->locks[set % STRIPES];
	pthread_mutex_lock(m);
	c->set_epoch[set] = e;
	struct way *w = find(c, set, key);
	struct pcache_ref *old = NULL;
	if (w) {
		old = w->value;
		memset(w, 0, sizeof(*w));
		if (old) {
			atomic_store(&old->gone, 1);
			atomic_fetch_add(&c->removals, 1);
		}
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
/* A first page: 20 Statuses with their Accounts, and what it was made
 * from */
#define PAGE_BYTES (52 << 10)

struct posts_cache *posts_cache_new(size_t budget_mb, size_t pages_mb)
{
	struct posts_cache *pc = xcalloc(1, sizeof(*pc));
	size_t bytes = (budget_mb ? budget_mb : 1) << 20;
	/* three quarters for Statuses: a page shows more posts than authors */
	pc->statuses = pcache_new(bytes / 4 * 3 / STATUS_BYTES);
	pc->accounts = pcache_new(bytes / 4 / ACCOUNT_BYTES);
	pc->children = pcache_new(bytes / 16 / CHILDREN_BYTES); /* over budget by a sixteenth */
	if (pages_mb)
		pc->pages = pcache_new((pages_mb << 20) / PAGE_BYTES);
	return pc;
}

void posts_cache_free(struct posts_cache *pc)
{
	if (!pc)
		return;
	pcache_free(pc->statuses);
	pcache_free(pc->accounts);
	pcache_free(pc->children);
	pcache_free(pc->pages);
	free(pc);
}
