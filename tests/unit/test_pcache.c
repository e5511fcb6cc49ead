/*
 * Unit tests for the caches of rendered JSON (posts/posts_cache.c): a
 * value built from data read before an invalidation of its key is refused,
 * values of the other sets are still taken (the invalidation is remembered
 * per set, not for the whole cache), values are shared by reference and
 * outlive their eviction while a reader holds them, stamps must match, and
 * a full set evicts values nobody read since its last eviction first.
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(stale_values_refused_per_set),
	    cmocka_unit_test(shared_values_outlive_eviction),
	    cmocka_unit_test(unread_values_evicted_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
