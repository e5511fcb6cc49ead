/*
 * Unit tests for the caches of rendered JSON (posts/posts_cache.c): a
 * value built from data read before an invalidation of its key is refused,
 * values of the other sets are still taken (the invalidation is remembered
 * per set, not for the whole cache), values are shared by reference and
 * outlive their eviction while a reader holds them, stamps must match, and
 * a full set evicts values nobody read since its last eviction first; a
 * value that left its cache (replaced, evicted, invalidated) is no longer
 * current and counts as a removal, and a value holding others keeps them
 * until it is freed (the home pages: posts_render.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "posts/posts_int.h"

/* Whether key holds v (stamp 0), the reference dropped again. */
static bool holds(struct pcache *c, int64_t key, const char *v)
{
	struct pcache_ref *ref;
	size_t len;
	const char *got = pcache_get(c, key, 0, &ref, &len);
	bool same = got && len == strlen(v) && memcmp(got, v, len) == 0 && got[len] == '\0';
	pcache_unref(ref);
	return same;
}

static void stale_values_refused_per_set(void **state)
{
	struct pcache *c = pcache_new(64); /* 8 sets of 8 */
	uint64_t before = pcache_epoch(c);
	pcache_invalidate(c, 1); /* a commit changed key 1 after the reader began */
	pcache_put(c, 1, 0, before, "old", 3);
	assert_false(holds(c, 1, "old"));
	/* the other sets still take the reader's values: with 8 sets, some of
	 * keys 2..40 are elsewhere */
	int stored = 0, refused = 0;
	for (int64_t k = 2; k <= 40; k++) {
		pcache_put(c, k, 0, before, "v", 1);
		if (holds(c, k, "v"))
			stored++;
		else
			refused++;
	}
	assert_true(stored > 0);
	assert_true(refused < 39);
	/* a reader that began after the invalidation stores key 1 */
	uint64_t after = pcache_epoch(c);
	assert_true(after > before);
	pcache_put(c, 1, 0, after, "new", 3);
	assert_true(holds(c, 1, "new"));
	pcache_free(c);
}

static void shared_values_outlive_eviction(void **state)
{
	struct pcache *c = pcache_new(8); /* one set */
	pcache_put(c, 7, 42, pcache_epoch(c), "{\"a\":1}", 7);
	struct pcache_ref *ref;
	size_t len;
	assert_null(pcache_get(c, 7, 41, &ref, &len)); /* another stamp: a miss */
	assert_null(ref);
	const char *v = pcache_get(c, 7, 42, &ref, &len);
	assert_non_null(v);
	pcache_invalidate(c, 7);	    /* dropped by the cache, still held here */
	for (int64_t k = 100; k < 120; k++) /* and the set refilled */
		pcache_put(c, k, 0, pcache_epoch(c), "xxxxxxxx", 8);
	assert_int_equal(len, 7);
	assert_memory_equal(v, "{\"a\":1}", 8); /* with its NUL */
	pcache_unref(ref); /* the last reference: freed (ASan would see a leak or a reuse) */
	assert_null(pcache_get(c, 7, 42, &ref, &len));
	pcache_free(c);
}

static void unread_values_evicted_first(void **state)
{
	struct pcache *c = pcache_new(8); /* one set of 8 ways */
	for (int64_t k = 1; k <= 8; k++)
		pcache_put(c, k, 0, pcache_epoch(c), "v", 1);
	for (int64_t k = 1; k <= 8; k++)
		assert_true(holds(c, k, "v")); /* all read: all marked */
	/* the hand's first turn clears every mark, its second takes way 0 */
	pcache_put(c, 9, 0, pcache_epoch(c), "v", 1);
	assert_false(holds(c, 1, "v"));
	for (int64_t k = 2; k <= 4; k++)
		assert_true(holds(c, k, "v")); /* read again: marked */
	/* three more take the next unread ways after the hand: 5, 6, 7 */
	for (int64_t k = 10; k <= 12; k++)
		pcache_put(c, k, 0, pcache_epoch(c), "v", 1);
	for (int64_t k = 2; k <= 4; k++)
		assert_true(holds(c, k, "v"));
	for (int64_t k = 5; k <= 7; k++)
		assert_false(holds(c, k, "v"));
	for (int64_t k = 8; k <= 12; k++)
		assert_true(holds(c, k, "v"));
	/* a key stored again replaces its own way */
	pcache_put(c, 3, 0, pcache_epoch(c), "w", 1);
	assert_true(holds(c, 3, "w"));
	assert_true(holds(c, 2, "v") && holds(c, 4, "v") && holds(c, 8, "v"));
	pcache_free(c);
}

/* A value fetched and released at once, for pcache_current(). */
static struct pcache_ref *take(struct pcache *c, int64_t key)
{
	struct pcache_ref *ref;
	size_t len;
	assert_non_null(pcache_get(c, key, 0, &ref, &len));
	return ref;
}

static void values_leaving_are_not_current(void **state)
{
	struct pcache *c = pcache_new(8); /* one set of 8 ways */
	for (int64_t k = 1; k <= 8; k++)
		pcache_put(c, k, 0, pcache_epoch(c), "v", 1);
	struct pcache_ref *r1 = take(c, 1), *r2 = take(c, 2), *r3 = take(c, 3);
	uint64_t before = pcache_removals(c);
	assert_true(pcache_current(r1) && pcache_current(r2) && pcache_current(r3));
	pcache_put(c, 1, 0, pcache_epoch(c), "w", 1); /* replaced */
	assert_false(pcache_current(r1));
	assert_int_equal(pcache_removals(c), before + 1);
	pcache_invalidate(c, 2); /* invalidated */
	assert_false(pcache_current(r2));
	assert_int_equal(pcache_removals(c), before + 2);
	pcache_invalidate(c, 99); /* nothing there: nothing removed */
	assert_int_equal(pcache_removals(c), before + 2);
	assert_true(pcache_current(r3));
	/* evicted: new keys fill the set until 3 goes */
	int64_t k = 100;
	while (pcache_current(r3) && k < 200)
		pcache_put(c, k++, 0, pcache_epoch(c), "x", 1);
	assert_false(pcache_current(r3));
	assert_false(holds(c, 3, "v"));
	/* a value refused for a stale epoch removes nothing */
	pcache_put(c, 5, 0, pcache_epoch(c), "v", 1);
	uint64_t old = pcache_epoch(c);
	pcache_invalidate(c, 5);
	uint64_t n = pcache_removals(c);
	pcache_put(c, 5, 0, old, "stale", 5);
	assert_int_equal(pcache_removals(c), n);
	assert_false(holds(c, 5, "stale"));
	pcache_unref(r1);
	pcache_unref(r2);
	pcache_unref(r3);
	pcache_free(c);
}

static void held_values_kept_until_their_holder_goes(void **state)
{
	struct pcache *parts = pcache_new(8), *pages = pcache_new(8);
	pcache_put(parts, 1, 0, 0, "part one", 8);
	pcache_put(parts, 2, 0, 0, "part two", 8);
	struct pcache_ref *held[2] = {take(parts, 1), take(parts, 2)};
	pcache_put_holding(pages, 10, 0, 0, "page", 4, held, 2);
	pcache_unref(held[0]);
	pcache_unref(held[1]);
	struct pcache_ref *page = take(pages, 10);
	size_t n;
	struct pcache_ref *const *h = pcache_held(page, &n);
	assert_int_equal(n, 2);
	assert_true(pcache_current(h[0]) && pcache_current(h[1]));
	pcache_invalidate(parts, 2); /* part two changed: the page can tell */
	assert_true(pcache_current(h[0]));
	assert_false(pcache_current(h[1]));
	pcache_unref(page);
	pcache_free(parts); /* the page still holds part one (ASan: no use after free) */
	page = take(pages, 10);
	h = pcache_held(page, &n);
	assert_false(pcache_current(h[0])); /* its cache is gone */
	pcache_unref(page);
	pcache_free(pages); /* frees the page, then the parts it held */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(stale_values_refused_per_set),
	    cmocka_unit_test(shared_values_outlive_eviction),
	    cmocka_unit_test(unread_values_evicted_first),
	    cmocka_unit_test(values_leaving_are_not_current),
	    cmocka_unit_test(held_values_kept_until_their_holder_goes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
