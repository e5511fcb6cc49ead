/*
 * auth_throttle: in-memory sliding windows of failures per key (an IP
 * address or an account).
 *
 * Each key keeps the times of its last max_failures failures in a ring.
 * The key is blocked while the ring is full and its oldest entry is
 * younger than the window: the exact rule "at most N failures in any
 * window", in N * 8 bytes per key. The table is bounded (max_keys); the
 * state is lost on restart, which only ever helps the person signing in.
 */
#include "auth/auth.h"
#include "core/xmalloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	struct entry *next; /* hash chain */
	unsigned head, n;   /* ring: oldest at head, n entries */
	int64_t last;	    /* newest failure */
	char *key;
	int64_t times[]; /* max_failures slots */
};

struct auth_throttle {
	pthread_mutex_t lock;
	unsigned max_failures;
	int64_t window_ms;
	size_t max_keys, n_keys, n_buckets;
	struct entry **buckets;
};

static uint64_t hash_key(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

struct auth_throttle *auth_throttle_new(unsigned max_failures, int64_t window_ms, size_t max_keys)
{
	struct auth_throttle *t = xcalloc(1, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
	t->max_failures = max_failures;
	t->window_ms = window_ms;
	t->max_keys = max_keys ? max_keys : 1;
	t->n_buckets = 64;
	while (t->n_buckets < t->max_keys && t->n_buckets < (1u << 20))
		t->n_buckets <<= 1;
	t->buckets = xcalloc(t->n_buckets, sizeof(*t->buckets));
	return t;
}

void auth_throttle_free(struct auth_throttle *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_buckets; i++) {
		struct entry *e = t->buckets[i], *next;
		for (; e; e = next) {
			next = e->next;
			free(e->key);
			free(e);
		}
	}
	free(t->buckets);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

static struct entry **find(struct auth_throttle *t, const char *key)
{
	struct entry **pe = &t->buckets[hash_key(key) & (t->n_buckets - 1)];
	while (*pe && strcmp((*pe)->key, key) != 0)
		pe = &(*pe)->next;
	return pe;
}

static void unlink_free(struct auth_throttle *t, struct entry **pe)
{
	struct entry *e = *pe;
	*pe = e->next;
	free(e->key);
	free(e);
	t->n_keys--;
}

/* Makes room for one key: drops expired keys, or else the stalest one. */
static void evict(struct auth_throttle *t, int64_t now_ms)
{
	struct entry **stalest = NULL;
	for (size_t i = 0; i < t->n_buckets; i++) {
		struct entry **pe = &t->buckets[i];
		while (*pe) {
			if ((*pe)->last <= now_ms - t->window_ms) {
				unlink_free(t, pe);
				continue;
			}
			if (!stalest || (*pe)->last < (*stalest)->last)
				stalest = pe;
			pe = &(*pe)->next;
		}
	}
	if (t->n_keys >= t->max_keys && stalest)
		unlink_free(t, stalest);
}

unsigned auth_throttle_check(struct auth_throttle *t, const char *key, int64_t now_ms)
{
	if (!t || !t->max_failures)
		return 0;
	unsigned wait = 0;
	pthread_mutex_lock(&t->lock);
	struct entry *e = *find(t, key);
	if (e && e->n == t->max_failures) {
		int64_t free_at = e->times[e->head] + t->window_ms;
		if (free_at > now_ms)
			wait = (unsigned)((free_at - now_ms + 999) / 1000);
	}
	pthread_mutex_unlock(&t->lock);
	return wait;
}

void auth_throttle_fail(struct auth_throttle *t, const char *key, int64_t now_ms)
{
	if (!t || !t->max_failures)
		return;
	pthread_mutex_lock(&t->lock);
	struct entry **pe = find(t, key);
	if (!*pe) {
		if (t->n_keys >= t->max_keys) {
			evict(t, now_ms);
			pe = find(t, key);
		}
		struct entry *e = xcalloc(1, sizeof(*e) + t->max_failures * sizeof(int64_t));
		e->key = xstrdup(key);
		*pe = e;
		t->n_keys++;
	}
	struct entry *e = *pe;
	if (e->n < t->max_failures) {
		e->times[(e->head + e->n) % t->max_failures] = now_ms;
		e->n++;
	} else {
		e->times[e->head] = now_ms; /* overwrite the oldest */
		e->head = (e->head + 1) % t->max_failures;
	}
	e->last = now_ms;
	pthread_mutex_unlock(&t->lock);
}

void auth_throttle_clear(struct auth_throttle *t, const char *key)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->lock);
	struct entry **pe = find(t, key);
	if (*pe)
		unlink_free(t, pe);
	pthread_mutex_unlock(&t->lock);
}

size_t auth_throttle_size(struct auth_throttle *t)
{
	pthread_mutex_lock(&t->lock);
	size_t n = t->n_keys;
	pthread_mutex_unlock(&t->lock);
	return n;
}
