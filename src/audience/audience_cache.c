/*
 * audience_cache: the viewers' relations to authors, kept across requests.
 *
 * A relation (distance 0-3, and whether the viewer follows the author) is
 * a function of the two people's connections and of the viewer's follows
 * alone, and graph_version counts every change of each person's
 * connections, follows and followers. So a relation computed while
 * graph_version(viewer) was vv and graph_version(author) was av is still
 * the relation while both counters read the same: an entry is exact
 * without anyone removing it, and writers of the graph do nothing for it.
 *
 * Layout. A set is 7 ways of {viewer, author, vv, av} and their relations
 * in 128 bytes (two adjacent lines): a lookup costs one round of misses,
 * where computing the relation costs two (both people's heads, then their
 * lists) and a merge. Readers take no lock: a set carries a sequence
 * number, odd while a writer changes it, and a reader who saw it move
 * reads again. Writers try to take a set (odd number) and skip storing
 * when another holds it: the relation was computed anyway. A new entry
 * replaces the way under the set's hand (first in, first out).
 */
#include "audience/audience.h"
#include "core/xmalloc.h"

#include <stdatomic.h>
#include <stdlib.h>

#define WAYS 7

struct way {
	_Atomic uint32_t viewer, author; /* viewer 0: empty */
	_Atomic uint32_t vv, av;	 /* both graph versions when computed */
};

struct set {
	_Atomic uint32_t seq;	   /* odd while a writer changes the set */
	_Atomic uint8_t rel[WAYS]; /* the relation of each way */
	uint8_t hand;		   /* the next way to replace (writer only) */
	uint32_t pad;
	struct way ways[WAYS];
};

_Static_assert(sizeof(struct set) == 128, "a set is two cache lines");

struct audience_cache {
	struct set *sets; /* 128-byte aligned */
	uint32_t mask;	  /* sets - 1 (a power of two) */
};

struct audience_cache *audience_cache_new(size_t budget_mb)
{
	size_t want = (budget_mb ? budget_mb : 1) * ((size_t)1 << 20) / sizeof(struct set);
	size_t sets = 1;
	while (sets * 2 <= want && sets < ((size_t)1 << 31))
		sets *= 2;
	struct audience_cache *c = xcalloc(1, sizeof(*c));
	c->sets = xcalloc_aligned(128, sets * sizeof(struct set));
	c->mask = (uint32_t)(sets - 1);
	return c;
}

void audience_cache_free(struct audience_cache *c)
{
	if (!c)
		return;
	free(c->sets);
	free(c);
}

static struct set *set_of(const struct audience_cache *c, uint32_t viewer, uint32_t author)
{
	uint64_t h = ((uint64_t)viewer << 32 | author) * 0x9E3779B97F4A7C15ull;
	return &c->sets[(h >> 32) & c->mask];
}

int audience_cache_get(const struct audience_cache *c, uint32_t viewer, uint32_t vv,
		       uint32_t author, uint32_t av)
{
	struct set *s = set_of(c, viewer, author);
	for (;;) {
		uint32_t seq = atomic_load_explicit(&s->seq, memory_order_acquire);
		if (seq & 1)
			return -1; /* a writer is in the set: compute it instead */
		int found = -1;
		for (int i = 0; i < WAYS; i++) {
			const struct way *w = &s->ways[i];
			if (atomic_load_explicit(&w->author, memory_order_relaxed) == author &&
			    atomic_load_explicit(&w->viewer, memory_order_relaxed) == viewer) {
				if (atomic_load_explicit(&w->vv, memory_order_relaxed) == vv &&
				    atomic_load_explicit(&w->av, memory_order_relaxed) == av)
					found =
					    atomic_load_explicit(&s->rel[i], memory_order_relaxed);
				break;
			}
		}
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&s->seq, memory_order_relaxed) == seq)
			return found;
	}
}

void audience_cache_put(struct audience_cache *c, uint32_t viewer, uint32_t vv, uint32_t author,
			uint32_t av, unsigned rel)
{
	if (!viewer)
		return;
	struct set *s = set_of(c, viewer, author);
	uint32_t seq = atomic_load_explicit(&s->seq, memory_order_relaxed);
	if ((seq & 1) || !atomic_compare_exchange_strong_explicit(
			     &s->seq, &seq, seq + 1, memory_order_acquire, memory_order_relaxed))
		return; /* another writer holds the set */
	atomic_thread_fence(memory_order_release);
	int at = -1;
	for (int i = 0; i < WAYS && at < 0; i++)
		if (atomic_load_explicit(&s->ways[i].author, memory_order_relaxed) == author &&
		    atomic_load_explicit(&s->ways[i].viewer, memory_order_relaxed) == viewer)
			at = i;
	if (at < 0) {
		at = s->hand;
		s->hand = (uint8_t)((s->hand + 1) % WAYS);
	}
	struct way *w = &s->ways[at];
	atomic_store_explicit(&w->viewer, viewer, memory_order_relaxed);
	atomic_store_explicit(&w->author, author, memory_order_relaxed);
	atomic_store_explicit(&w->vv, vv, memory_order_relaxed);
	atomic_store_explicit(&w->av, av, memory_order_relaxed);
	atomic_store_explicit(&s->rel[at], (uint8_t)rel, memory_order_relaxed);
	atomic_store_explicit(&s->seq, seq + 2, memory_order_release);
}
