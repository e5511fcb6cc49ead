/*
 * Unit tests for src/audience/audience_cache.c, the viewers' relations kept
 * across requests: what a lookup finds (only an entry filed with both
 * people's current graph counters), replacement in place, most of many
 * pairs kept, and no torn read while threads file and read the same ways.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "audience/audience.h"

static void test_versions_and_replacement(void **state)
{
	(void)state;
	struct audience_cache *c = audience_cache_new(1);
	assert_int_equal(audience_cache_get(c, 1, 0, 2, 0), -1);
	audience_cache_put(c, 1, 5, 2, 7, 6);
	assert_int_equal(audience_cache_get(c, 1, 5, 2, 7), 6);
	assert_int_equal(audience_cache_get(c, 1, 6, 2, 7), -1); /* viewer changed */
	assert_int_equal(audience_cache_get(c, 1, 5, 2, 8), -1); /* author changed */
	assert_int_equal(audience_cache_get(c, 2, 7, 1, 5), -1); /* the pair is ordered */
	audience_cache_put(c, 1, 6, 2, 8, 3);			 /* replaces in place */
	assert_int_equal(audience_cache_get(c, 1, 6, 2, 8), 3);
	assert_int_equal(audience_cache_get(c, 1, 5, 2, 7), -1);
	audience_cache_put(c, 0, 0, 2, 0, 1); /* anonymous: never filed */
	assert_int_equal(audience_cache_get(c, 0, 0, 2, 0), -1);
	/* many pairs: most are kept (7 ways a set), and every answer found
	 * is the one filed */
	int kept = 0;
	for (uint32_t v = 1; v <= 200; v++)
		for (uint32_t a = 1; a <= 100; a++)
			audience_cache_put(c, v, v * 3, a, a * 5, (v + a) % 8);
	for (uint32_t v = 1; v <= 200; v++)
		for (uint32_t a = 1; a <= 100; a++) {
			int r = audience_cache_get(c, v, v * 3, a, a * 5);
			if (r >= 0) {
				assert_int_equal(r, (int)((v + a) % 8));
				kept++;
			}
		}
	assert_true(kept > 20000 * 9 / 10);
	audience_cache_free(c);
}

struct race {
	struct audience_cache *c;
	unsigned seed;
	long found, wrong;
};

/* Files and reads four pairs at three versions, so the same ways are
 * rewritten all the time, each relation a function of all four keys: a
 * torn read (a way half rewritten) shows a wrong one. Without the
 * sequence number's checks this fails most runs. */
static void *racer(void *arg)
{
	struct race *r = arg;
	unsigned s = r->seed;
	for (int i = 0; i < 200000; i++) {
		s = s * 1103515245u + 12345u;
		uint32_t v = 1 + (s >> 8) % 2, a = 1 + (s >> 16) % 2, ver = (s >> 4) % 3;
		unsigned want = (v * 7 + a * 3 + ver) % 8;
		if (i & 1) {
			audience_cache_put(r->c, v, ver, a, ver, want);
		} else {
			int got = audience_cache_get(r->c, v, ver, a, ver);
			if (got >= 0) {
				r->found++;
				if ((unsigned)got != want)
					r->wrong++;
			}
		}
	}
	return NULL;
}

static void test_no_torn_reads(void **state)
{
	(void)state;
	struct audience_cache *c = audience_cache_new(1);
	struct race races[4];
	pthread_t t[4];
	for (int i = 0; i < 4; i++) {
		races[i] = (struct race){.c = c, .seed = 17u + (unsigned)i * 7919u};
		assert_int_equal(pthread_create(&t[i], NULL, racer, &races[i]), 0);
	}
	long found = 0;
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(races[i].wrong, 0);
		found += races[i].found;
	}
	assert_true(found > 1000);
	audience_cache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_versions_and_replacement),
	    cmocka_unit_test(test_no_torn_reads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
