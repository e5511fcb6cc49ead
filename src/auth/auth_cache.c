/*
 * auth_cache: the bearer tokens recently seen, so that authenticating a
 * request costs a hash and a table probe instead of two SQLite reads.
 *
 * Entries are keyed by the token's SHA-256 and stamped with the cache
 * epoch read before the store lookup that produced them. Anything that
 * can make a cached answer wrong (a token revoked, a user deactivated or
 * reactivated) bumps the epoch after its commit (auth_cache_flush_after),
 * which retires every older entry at once: an entry made from a snapshot
 * taken before the commit carries the old epoch, so it is never served
 * after it. Revocations are rare; lookups are every request. Expiry is
 * checked on every hit. All writes go through this one process (the
 * admin socket), so a process-local cache is coherent.
 */
#include "auth/auth.h"
#include "app/app.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#define CACHE_SLOTS 16384 /* power of two */
#define CACHE_LOCKS 256
#define SCOPES_MAX 96

struct entry {
	unsigned char hash[32];
	uint64_t epoch; /* 0 = empty */
	struct auth_cached tok;
	char scopes[SCOPES_MAX];
};

static struct entry slots[CACHE_SLOTS];
static pthread_mutex_t locks[CACHE_LOCKS];
static _Atomic uint64_t epoch = 1;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void cache_init(void)
{
	for (int i = 0; i < CACHE_LOCKS; i++)
		pthread_mutex_init(&locks[i], NULL);
}

static size_t slot_of(const unsigned char hash[32])
{
	size_t h;
	memcpy(&h, hash, sizeof(h));
	return h & (CACHE_SLOTS - 1);
}

uint64_t auth_cache_epoch(void)
{
	return atomic_load(&epoch);
}

bool auth_cache_get(const unsigned char hash[32], struct auth_cached *out, char *scopes,
		    size_t scopes_size)
{
	pthread_once(&once, cache_init);
	size_t i = slot_of(hash);
	pthread_mutex_t *m = &locks[i % CACHE_LOCKS];
	bool hit = false;
	pthread_mutex_lock(m);
	struct entry *e = &slots[i];
	if (e->epoch == atomic_load(&epoch) && memcmp(e->hash, hash, 32) == 0 &&
	    strlen(e->scopes) < scopes_size) {
		*out = e->tok;
		memcpy(scopes, e->scopes, strlen(e->scopes) + 1);
		hit = true;
	}
	pthread_mutex_unlock(m);
	return hit;
}

void auth_cache_put(const unsigned char hash[32], uint64_t seen_epoch,
		    const struct auth_cached *tok, const char *scopes)
{
	if (!scopes || strlen(scopes) >= SCOPES_MAX)
		return;
	pthread_once(&once, cache_init);
	size_t i = slot_of(hash);
	pthread_mutex_t *m = &locks[i % CACHE_LOCKS];
	pthread_mutex_lock(m);
	struct entry *e = &slots[i];
	memcpy(e->hash, hash, 32);
	e->epoch = seen_epoch;
	e->tok = *tok;
	memcpy(e->scopes, scopes, strlen(scopes) + 1);
	pthread_mutex_unlock(m);
}

static void flush(struct app *app, void *arg)
{
	(void)app;
	(void)arg;
	atomic_fetch_add(&epoch, 1);
}

void auth_cache_flush_after(struct tx *tx)
{
	tx_after_commit(tx, flush, NULL);
}
