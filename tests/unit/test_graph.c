/*
 * Unit tests for src/graph: connection and follow bookkeeping, distance,
 * common connections and the second-degree set, checked against small
 * hand-built graphs and against brute force on seeded random graphs,
 * including graphs with heavy-tail people (the hubs' 2-hop bitmaps)
 * through random connects, disconnects and a snapshot round trip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/snapfile.h"
#include "core/xmalloc.h"
#include "graph/graph.h"
#include "graph/graph_int.h"

/* splitmix64: a small seeded PRNG so every run sees the same graphs. */
static uint64_t rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A uniform id in 1..n. */
static uint32_t rng_id(uint64_t *state, uint32_t n)
{
	return (uint32_t)(rng_next(state) % n) + 1;
}

static void assert_list(const uint32_t *got, size_t got_len, const uint32_t *want, size_t want_len)
{
	assert_int_equal(got_len, want_len);
	for (size_t i = 0; i < want_len; i++)
		assert_int_equal(got[i], want[i]);
}

static void assert_sorted_unique(const uint32_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		assert_true(v[i - 1] < v[i]);
}

/* Builds a random graph of n people with about n * deg / 2 connections. */
static struct graph *random_graph(uint32_t n, uint32_t deg, uint64_t seed)
{
	struct graph *g = graph_new();
	uint64_t rng = seed;

	assert_int_equal(graph_ensure(g, n), 0);
	for (size_t e = 0; e < (size_t)n * deg / 2; e++) {
		uint32_t a = rng_id(&rng, n), b = rng_id(&rng, n);
		if (a != b)
			assert_in_range(graph_connect(g, a, b), 0, 1);
	}
	return g;
}

/*
 * Brute-force distances from a: dist[id] for every id in 1..n, by
 * breadth-first search to depth 2 using plain membership checks.
 */
static void brute_distances(const struct graph *g, uint32_t a, uint32_t n, unsigned char *dist)
{
	size_t na, nc;
	const uint32_t *ca = graph_connections(g, a, &na);

	memset(dist, 3, (size_t)n + 1);
	dist[a] = 0;
	for (size_t i = 0; i < na; i++)
		dist[ca[i]] = 1;
	for (size_t i = 0; i < na; i++) {
		const uint32_t *cc = graph_connections(g, ca[i], &nc);
		for (size_t j = 0; j < nc; j++)
			if (dist[cc[j]] == 3)
				dist[cc[j]] = 2;
	}
}

static void test_empty_graph(void **state)
{
	struct graph *g = graph_new();
	size_t len = 99;

	assert_int_equal(graph_max_id(g), 0);
	assert_int_equal(graph_distance(g, 1, 2), GRAPH_DISTANCE_FAR);
	assert_int_equal(graph_degree(g, 1), 0);
	assert_null(graph_connections(g, 1, &len));
	assert_int_equal(len, 0);
	assert_false(graph_is_connected(g, 1, 2));
	assert_false(graph_is_following(g, 1, 2));
	assert_true(graph_bytes(g) > 0);
	graph_bulk_finish(g);
	assert_int_equal(graph_max_id(g), 0);
	graph_free(g);
	graph_free(NULL);
	graph_scratch_free(NULL);
}

static void test_connect_symmetry(void **state)
{
	struct graph *g = graph_new();
	const uint32_t *v;
	size_t len;

	assert_int_equal(graph_connect(g, 1, 2), 1);
	assert_int_equal(graph_max_id(g), 2);
	assert_true(graph_is_connected(g, 1, 2));
	assert_true(graph_is_connected(g, 2, 1));
	v = graph_connections(g, 1, &len);
	assert_list(v, len, (uint32_t[]){2}, 1);
	v = graph_connections(g, 2, &len);
	assert_list(v, len, (uint32_t[]){1}, 1);

	/* Idempotent in both orders. */
	assert_int_equal(graph_connect(g, 1, 2), 0);
	assert_int_equal(graph_connect(g, 2, 1), 0);
	assert_int_equal(graph_degree(g, 1), 1);
	assert_int_equal(graph_degree(g, 2), 1);

	/* Connections are not follows. */
	assert_false(graph_is_following(g, 1, 2));
	assert_false(graph_is_following(g, 2, 1));

	assert_int_equal(graph_disconnect(g, 2, 1), 1);
	assert_false(graph_is_connected(g, 1, 2));
	assert_false(graph_is_connected(g, 2, 1));
	assert_int_equal(graph_degree(g, 1), 0);
	assert_int_equal(graph_degree(g, 2), 0);
	assert_int_equal(graph_disconnect(g, 1, 2), 0);
	assert_int_equal(graph_disconnect(g, 2, 1), 0);
	graph_free(g);
}

static void test_follow_direction(void **state)
{
	struct graph *g = graph_new();
	const uint32_t *v;
	size_t len;

	assert_int_equal(graph_follow(g, 1, 2), 1);
	assert_true(graph_is_following(g, 1, 2));
	assert_false(graph_is_following(g, 2, 1));
	v = graph_following(g, 1, &len);
	assert_list(v, len, (uint32_t[]){2}, 1);
	v = graph_followers(g, 2, &len);
	assert_list(v, len, (uint32_t[]){1}, 1);
	graph_following(g, 2, &len);
	assert_int_equal(len, 0);
	graph_followers(g, 1, &len);
	assert_int_equal(len, 0);

	/* Following is not connecting. */
	assert_false(graph_is_connected(g, 1, 2));
	assert_int_equal(graph_distance(g, 1, 2), GRAPH_DISTANCE_FAR);

	assert_int_equal(graph_follow(g, 1, 2), 0);
	assert_int_equal(graph_follow(g, 2, 1), 1);
	assert_true(graph_is_following(g, 2, 1));

	assert_int_equal(graph_unfollow(g, 1, 2), 1);
	assert_int_equal(graph_unfollow(g, 1, 2), 0);
	assert_false(graph_is_following(g, 1, 2));
	assert_true(graph_is_following(g, 2, 1));
	graph_followers(g, 2, &len);
	assert_int_equal(len, 0);
	v = graph_followers(g, 1, &len);
	assert_list(v, len, (uint32_t[]){2}, 1);
	graph_free(g);
}

static void test_bad_ids(void **state)
{
	struct graph *g = graph_new();

	assert_int_equal(graph_connect(g, 0, 1), -1);
	assert_int_equal(graph_connect(g, 1, 0), -1);
	assert_int_equal(graph_connect(g, 5, 5), -1);
	assert_int_equal(graph_connect(g, 1, GRAPH_ID_MAX + 1), -1);
	assert_int_equal(graph_follow(g, 0, 1), -1);
	assert_int_equal(graph_follow(g, 1, 0), -1);
	assert_int_equal(graph_follow(g, 7, 7), -1);
	assert_int_equal(graph_follow(g, UINT32_MAX, 1), -1);
	assert_int_equal(graph_disconnect(g, 0, 1), -1);
	assert_int_equal(graph_disconnect(g, 3, 3), -1);
	assert_int_equal(graph_unfollow(g, 1, 0), -1);
	assert_int_equal(graph_unfollow(g, 4, 4), -1);
	assert_int_equal(graph_bulk_connect(g, 0, 2), -1);
	assert_int_equal(graph_bulk_connect(g, 2, 2), -1);
	assert_int_equal(graph_bulk_follow(g, 2, 0), -1);
	assert_int_equal(graph_ensure(g, GRAPH_ID_MAX + 1), -1);
	/* Nothing above created a person. */
	assert_int_equal(graph_max_id(g), 0);

	/* Unknown but valid ids: nothing to remove, nothing created. */
	assert_int_equal(graph_disconnect(g, 1000, 1001), 0);
	assert_int_equal(graph_unfollow(g, 1000, 1001), 0);
	assert_int_equal(graph_max_id(g), 0);
	assert_false(graph_is_connected(g, 0, 0));
	assert_false(graph_is_following(g, 0, 1));
	graph_free(g);
}

static void test_ensure_growth(void **state)
{
	struct graph *g = graph_new();

	assert_int_equal(graph_ensure(g, 10), 0);
	assert_int_equal(graph_max_id(g), 10);
	assert_int_equal(graph_ensure(g, 5), 0);
	assert_int_equal(graph_max_id(g), 10);
	assert_int_equal(graph_degree(g, 10), 0);
	assert_int_equal(graph_connect(g, 3, 100), 1);
	assert_int_equal(graph_max_id(g), 100);
	assert_int_equal(graph_follow(g, 5000, 3), 1);
	assert_int_equal(graph_max_id(g), 5000);
	assert_true(graph_is_connected(g, 100, 3));
	/* Growing kept existing relations intact. */
	for (uint32_t id = 101; id <= 3000; id++)
		assert_int_equal(graph_ensure(g, id), 0);
	assert_true(graph_is_connected(g, 3, 100));
	assert_true(graph_is_following(g, 5000, 3));
	graph_free(g);
}

static void test_lists_stay_sorted(void **state)
{
	struct graph *g = graph_new();
	uint64_t rng = 42;
	unsigned char in[2001] = {0};
	const uint32_t *v;
	size_t len, want = 0;

	for (int i = 0; i < 5000; i++) {
		uint32_t b = rng_id(&rng, 2000);
		int r;
		if (b == 1)
			continue;
		if (rng_next(&rng) % 3 == 0) {
			r = graph_disconnect(g, 1, b);
			assert_int_equal(r, in[b]);
			in[b] = 0;
		} else {
			r = graph_connect(g, b, 1);
			assert_int_equal(r, !in[b]);
			in[b] = 1;
		}
	}
	v = graph_connections(g, 1, &len);
	assert_sorted_unique(v, len);
	for (uint32_t b = 2; b <= 2000; b++) {
		want += in[b];
		assert_int_equal(graph_is_connected(g, 1, b), in[b]);
		assert_int_equal(graph_is_connected(g, b, 1), in[b]);
	}
	assert_int_equal(len, want);

	/* Removing everything empties the list (and shrinks it). */
	for (uint32_t b = 2; b <= 2000; b++)
		graph_disconnect(g, 1, b);
	assert_int_equal(graph_degree(g, 1), 0);
	assert_int_equal(graph_distance(g, 1, 2), GRAPH_DISTANCE_FAR);
	graph_free(g);
}

static void test_distance_basic(void **state)
{
	struct graph *g = graph_new();

	/* Chain 1 - 2 - 3 - 4, and 5 alone. */
	graph_connect(g, 1, 2);
	graph_connect(g, 2, 3);
	graph_connect(g, 3, 4);
	graph_ensure(g, 5);

	assert_int_equal(graph_distance(g, 1, 1), 0);
	assert_int_equal(graph_distance(g, 5, 5), 0);
	assert_int_equal(graph_distance(g, 1, 2), 1);
	assert_int_equal(graph_distance(g, 2, 1), 1);
	assert_int_equal(graph_distance(g, 1, 3), 2);
	assert_int_equal(graph_distance(g, 3, 1), 2);
	assert_int_equal(graph_distance(g, 1, 4), 3);
	assert_int_equal(graph_distance(g, 4, 1), 3);
	assert_int_equal(graph_distance(g, 1, 5), 3);
	assert_int_equal(graph_distance(g, 1, 999), 3);
	assert_int_equal(graph_distance(g, 999, 1), 3);
	assert_int_equal(graph_distance(g, 0, 1), 3);
	assert_int_equal(graph_distance(g, 1, 0), 3);
	assert_int_equal(graph_distance(g, 0, 0), 3);

	/* A shortcut makes 1 - 3 direct; removing it goes back to 2. */
	assert_int_equal(graph_connect(g, 1, 3), 1);
	assert_int_equal(graph_distance(g, 1, 3), 1);
	assert_int_equal(graph_distance(g, 1, 4), 2);
	assert_int_equal(graph_disconnect(g, 3, 1), 1);
	assert_int_equal(graph_distance(g, 1, 3), 2);
	assert_int_equal(graph_distance(g, 1, 4), 3);

	/* Cutting the middle link leaves 1 and 3 far apart. */
	assert_int_equal(graph_disconnect(g, 2, 3), 1);
	assert_int_equal(graph_distance(g, 1, 3), 3);
	assert_int_equal(graph_distance(g, 1, 2), 1);
	assert_int_equal(graph_distance(g, 2, 4), 3);
	graph_free(g);
}

static void test_common(void **state)
{
	struct graph *g = graph_new();
	uint32_t out[8];

	/* 1 and 2 share 5, 7, 9; 1 also knows 3, 2 also knows 4 and 11. */
	for (uint32_t c = 5; c <= 9; c += 2) {
		graph_connect(g, 1, c);
		graph_connect(g, 2, c);
	}
	graph_connect(g, 1, 3);
	graph_connect(g, 2, 4);
	graph_connect(g, 2, 11);
	graph_connect(g, 1, 2);

	memset(out, 0xff, sizeof(out));
	assert_int_equal(graph_common(g, 1, 2, out, 8), 3);
	assert_list(out, 3, (uint32_t[]){5, 7, 9}, 3);
	assert_int_equal(graph_common(g, 2, 1, out, 8), 3);
	assert_list(out, 3, (uint32_t[]){5, 7, 9}, 3);

	/* max truncates the output but not the count. */
	memset(out, 0xff, sizeof(out));
	assert_int_equal(graph_common(g, 1, 2, out, 2), 3);
	assert_int_equal(out[0], 5);
	assert_int_equal(out[1], 7);
	assert_int_equal(out[2], UINT32_MAX);
	assert_int_equal(graph_common(g, 1, 2, NULL, 0), 3);

	assert_int_equal(graph_common(g, 1, 1, out, 8), 0);
	assert_int_equal(graph_common(g, 1, 4, out, 8), 1); /* via 2 */
	assert_int_equal(out[0], 2);
	assert_int_equal(graph_common(g, 3, 4, out, 8), 0);
	assert_int_equal(graph_common(g, 1, 500, out, 8), 0);
	assert_int_equal(graph_common(g, 0, 1, out, 8), 0);
	graph_free(g);
}

static void test_second_degree_small(void **state)
{
	struct graph *g = graph_new();
	struct graph_scratch *s = graph_scratch_new();
	const uint32_t *set;

	/*
	 * 1 knows 2 and 3; 2 knows 3 (triangle), 4 and 6; 3 knows 6 and 8.
	 * Second degree of 1: 4, 6, 8 (not 2 or 3, which are first degree).
	 */
	graph_connect(g, 1, 2);
	graph_connect(g, 1, 3);
	graph_connect(g, 2, 3);
	graph_connect(g, 2, 6);
	graph_connect(g, 2, 4);
	graph_connect(g, 3, 6);
	graph_connect(g, 3, 8);
	graph_connect(g, 8, 9); /* distance 3 */

	assert_int_equal(graph_second_degree(g, s, 1, &set), 3);
	assert_list(set, 3, (uint32_t[]){4, 6, 8}, 3);
	/* Same scratch, another person: 9 reaches only 3 through 8. */
	assert_int_equal(graph_second_degree(g, s, 9, &set), 1);
	assert_int_equal(set[0], 3);
	/* Alone, unknown and invalid people have no second degree. */
	graph_ensure(g, 20);
	assert_int_equal(graph_second_degree(g, s, 20, &set), 0);
	assert_int_equal(graph_second_degree(g, s, 21, &set), 0);
	assert_int_equal(graph_second_degree(g, s, 0, &set), 0);
	/* And the first answer is still the same after reuse. */
	assert_int_equal(graph_second_degree(g, s, 1, &set), 3);
	assert_list(set, 3, (uint32_t[]){4, 6, 8}, 3);
	graph_scratch_free(s);
	graph_free(g);
}

/* Second degree and distance of every person against brute force. */
static void test_random_vs_brute_force(void **state)
{
	const uint32_t n = 3000;
	struct graph *g = random_graph(n, 24, 7);
	struct graph_scratch *s = graph_scratch_new();
	unsigned char *dist = xmalloc((size_t)n + 1);
	uint32_t *want = xmalloc(((size_t)n + 1) * sizeof(*want));
	uint64_t rng = 99;
	size_t checked_far = 0, checked_two = 0;

	for (uint32_t a = 1; a <= n; a++) {
		const uint32_t *set;
		size_t nwant = 0, got;

		brute_distances(g, a, n, dist);
		for (uint32_t b = 1; b <= n; b++)
			if (dist[b] == 2)
				want[nwant++] = b;
		got = graph_second_degree(g, s, a, &set);
		assert_list(set, got, want, nwant);

		/* Every pair for some people, random pairs for the rest. */
		if (a % 10 == 0) {
			for (uint32_t b = 1; b <= n; b++)
				assert_int_equal(graph_distance(g, a, b), dist[b]);
		} else {
			for (int k = 0; k < 20; k++) {
				uint32_t b = rng_id(&rng, n);
				assert_int_equal(graph_distance(g, a, b), dist[b]);
				assert_int_equal(graph_distance(g, b, a), dist[b]);
			}
		}
		checked_two += nwant;
		checked_far += n - nwant - graph_degree(g, a) - 1;
	}
	/* The random graph really exercised both outcomes. */
	assert_true(checked_two > 100000);
	assert_true(checked_far > 100000);
	free(want);
	free(dist);
	graph_scratch_free(s);
	graph_free(g);
}

/*
 * Every block merge this CPU runs (SSE2, AVX2, AVX-512 VP2INTERSECT)
 * answers like breadth-first search, on lists of every length from 0 to
 * a few hundred (so every partial last block of 4, 8 or 16 ids), with
 * length ratios on both sides of the gallop, and after connects and
 * disconnects.
 */
static void test_merges_vs_brute_force(void **state)
{
	static const enum graph_merge kinds[] = {GRAPH_MERGE_SSE2, GRAPH_MERGE_AVX2,
						 GRAPH_MERGE_VP2INTERSECT};
	const uint32_t n = 60000, people = 3000;
	unsigned char *dist = xmalloc((size_t)n + 1);
	int ran = 0;

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		struct graph *g;
		uint64_t rng = 1234;
		size_t seen[4] = {0};

		if (graph_merge_force(kinds[k]) < 0)
			continue;
		ran++;
		g = graph_new();
		/*
		 * Person a <= people starts (a * 7) % 301 connections among
		 * all n: degrees 0 to about 300, sparse enough that two of
		 * them share a connection about as often as not.
		 */
		for (uint32_t a = 1; a <= people; a++)
			for (uint32_t e = 0; e < a * 7 % 301; e++) {
				uint32_t b = rng_id(&rng, n);
				if (b != a)
					graph_connect(g, a, b);
			}
		for (int round = 0; round < 2; round++) {
			for (uint32_t a = 1; a <= people; a += 7) {
				brute_distances(g, a, n, dist);
				for (uint32_t b = 1; b <= people; b++) {
					assert_int_equal(graph_distance(g, a, b), dist[b]);
					assert_int_equal(graph_distance(g, b, a), dist[b]);
					seen[dist[b]]++;
				}
			}
			for (int e = 0; e < 3000; e++) {
				uint32_t a = rng_id(&rng, people), b = rng_id(&rng, n);
				if (a != b && graph_connect(g, a, b) == 0)
					graph_disconnect(g, a, b);
			}
		}
		assert_true(seen[1] > 100);
		assert_true(seen[2] > 100000);
		assert_true(seen[3] > 100000);
		graph_free(g);
	}
	assert_int_equal(graph_merge_force(GRAPH_MERGE_AUTO), 0);
	assert_true(ran >= 1);
	free(dist);
}

/* graph_common() against a brute-force membership count. */
static void test_common_vs_brute_force(void **state)
{
	const uint32_t n = 2000;
	struct graph *g = random_graph(n, 40, 11);
	uint32_t out[64];
	uint64_t rng = 5;

	for (int k = 0; k < 20000; k++) {
		uint32_t a = rng_id(&rng, n), b = rng_id(&rng, n);
		size_t na, nwant = 0, got;
		const uint32_t *ca = graph_connections(g, a, &na);
		uint32_t want[64];

		for (size_t i = 0; i < na; i++)
			if (a != b && graph_is_connected(g, ca[i], b) && nwant < 64)
				want[nwant++] = ca[i];
		got = graph_common(g, a, b, out, 64);
		assert_list(out, got, want, nwant);
		assert_int_equal(graph_distance(g, a, b) == 2,
				 got > 0 && !graph_is_connected(g, a, b));
	}
	graph_free(g);
}

static void assert_graphs_equal(const struct graph *x, const struct graph *y)
{
	assert_int_equal(graph_max_id(x), graph_max_id(y));
	for (uint32_t id = 1; id <= graph_max_id(x); id++) {
		size_t nx, ny;
		const uint32_t *vx, *vy;

		vx = graph_connections(x, id, &nx);
		vy = graph_connections(y, id, &ny);
		assert_sorted_unique(vx, nx);
		assert_list(vx, nx, vy, ny);
		vx = graph_following(x, id, &nx);
		vy = graph_following(y, id, &ny);
		assert_sorted_unique(vx, nx);
		assert_list(vx, nx, vy, ny);
		vx = graph_followers(x, id, &nx);
		vy = graph_followers(y, id, &ny);
		assert_sorted_unique(vx, nx);
		assert_list(vx, nx, vy, ny);
	}
}

static void test_bulk_equals_incremental(void **state)
{
	/* Ids up to 300000 so the radix sort needs all three low bytes. */
	const uint32_t n = 300000;
	struct graph *inc = graph_new(), *bulk = graph_new();
	uint64_t rng = 2024;
	size_t before, after;

	for (int e = 0; e < 60000; e++) {
		/* Half the edges among a small group: long lists, duplicates. */
		uint32_t lim = e % 2 ? 500 : n;
		uint32_t a = rng_id(&rng, lim), b = rng_id(&rng, lim);
		int follow = rng_next(&rng) % 3 == 0;
		if (a == b) {
			assert_int_equal(graph_bulk_connect(bulk, a, b), -1);
			continue;
		}
		if (follow) {
			graph_follow(inc, a, b);
			assert_int_equal(graph_bulk_follow(bulk, a, b), 0);
		} else {
			graph_connect(inc, a, b);
			assert_int_equal(graph_bulk_connect(bulk, b, a), 0);
			if (e % 7 == 0) /* repeat some edges in the other order */
				assert_int_equal(graph_bulk_connect(bulk, a, b), 0);
		}
	}
	graph_ensure(inc, graph_max_id(bulk));
	before = graph_bytes(bulk);
	graph_bulk_finish(bulk);
	after = graph_bytes(bulk);
	assert_true(after <= before);
	assert_graphs_equal(inc, bulk);

	/* Normal mutations work on a bulk-loaded graph. */
	assert_int_equal(graph_connect(bulk, 1, 2), graph_connect(inc, 1, 2));
	assert_int_equal(graph_disconnect(bulk, 3, 4), graph_disconnect(inc, 3, 4));
	assert_int_equal(graph_follow(bulk, 9, 8), graph_follow(inc, 9, 8));
	assert_graphs_equal(inc, bulk);

	/* A second bulk round on top of existing sorted lists. */
	for (uint32_t b = 2; b < 400; b += 3) {
		graph_connect(inc, 1, b);
		graph_bulk_connect(bulk, b, 1);
	}
	graph_bulk_finish(bulk);
	assert_graphs_equal(inc, bulk);
	graph_free(inc);
	graph_free(bulk);
}

/*
 * Person 1 has 5000 connections (the even ids up to 10000); everyone else
 * has a handful. Distance and common connections take the galloping path
 * and must still agree with brute force.
 */
static void test_large_degree_gallop(void **state)
{
	const uint32_t n = 12000;
	struct graph *g = graph_new();
	struct graph_scratch *s = graph_scratch_new();
	unsigned char *dist = xmalloc((size_t)n + 1);
	uint32_t out[16];
	uint64_t rng = 77;
	size_t twos = 0, fars = 0;

	for (uint32_t b = 2; b <= 10000; b += 2)
		graph_bulk_connect(g, 1, b);
	for (uint32_t a = 2; a <= n; a++)
		for (int k = 0; k < 3; k++) {
			uint32_t b = rng_id(&rng, n);
			if (b != a && b != 1)
				graph_bulk_connect(g, a, b);
		}
	graph_bulk_finish(g);
	assert_int_equal(graph_degree(g, 1), 5000);

	brute_distances(g, 1, n, dist);
	for (uint32_t b = 1; b <= n; b++) {
		size_t nb, nwant = 0;
		const uint32_t *cb = graph_connections(g, b, &nb);
		uint32_t want[16];

		assert_int_equal(graph_distance(g, 1, b), dist[b]);
		assert_int_equal(graph_distance(g, b, 1), dist[b]);
		for (size_t i = 0; i < nb; i++)
			if (b != 1 && graph_is_connected(g, 1, cb[i]) && nwant < 16)
				want[nwant++] = cb[i];
		assert_list(out, graph_common(g, 1, b, out, 16), want, nwant);
		assert_list(out, graph_common(g, b, 1, out, 16), want, nwant);
		twos += dist[b] == 2;
		fars += dist[b] == 3;
	}
	assert_true(twos > 1000);
	assert_true(fars > 100);

	/* The hub's second degree against brute force. */
	{
		const uint32_t *set;
		size_t got = graph_second_degree(g, s, 1, &set), k = 0;

		for (uint32_t b = 1; b <= n; b++)
			if (dist[b] == 2) {
				assert_true(k < got);
				assert_int_equal(set[k++], b);
			}
		assert_int_equal(k, got);
	}
	free(dist);
	graph_scratch_free(s);
	graph_free(g);
}

static void test_bytes_tracks_growth(void **state)
{
	struct graph *g = graph_new();
	size_t empty = graph_bytes(g), small, big;

	graph_ensure(g, 100);
	small = graph_bytes(g);
	assert_true(small > empty);
	for (uint32_t b = 2; b <= 100; b++)
		graph_connect(g, 1, b);
	big = graph_bytes(g);
	/* At least 99 ids on each side of every connection. */
	assert_true(big >= small + 2 * 99 * sizeof(uint32_t));
	for (uint32_t b = 2; b <= 100; b++)
		graph_disconnect(g, 1, b);
	/* Freed blocks are kept for reuse: connecting again takes no more. */
	assert_true(graph_bytes(g) <= big);
	for (uint32_t b = 2; b <= 100; b++)
		graph_connect(g, 1, b);
	assert_int_equal(graph_bytes(g), big);
	graph_free(g);
}

/*
 * A company of n people where `hubs` people (ids 1..hubs) have
 * GRAPH_HUB_MIN connections or more (up to about 2.5 times that, n must
 * be larger) and everyone else a handful, built with the bulk loader.
 */
static struct graph *heavy_graph(uint32_t n, uint32_t hubs, uint64_t seed)
{
	struct graph *g = graph_new();
	uint64_t rng = seed;

	assert_int_equal(graph_ensure(g, n), 0);
	for (uint32_t h = 1; h <= hubs; h++) {
		uint32_t want =
		    GRAPH_HUB_MIN + (uint32_t)(rng_next(&rng) % (GRAPH_HUB_MIN * 3 / 2));
		for (uint32_t k = 0; k < 2 * want; k++) {
			uint32_t b = rng_id(&rng, n);
			if (b != h)
				graph_bulk_connect(g, h, b);
		}
	}
	for (uint32_t a = hubs + 1; a <= n; a++) {
		uint32_t k = (uint32_t)(rng_next(&rng) % 3);
		for (uint32_t e = 0; e < k; e++) {
			uint32_t b = hubs + rng_id(&rng, n - hubs);
			if (b != a)
				graph_bulk_connect(g, a, b);
		}
	}
	graph_bulk_finish(g);
	for (uint32_t h = 1; h <= hubs; h++)
		assert_true(graph_degree(g, h) >= GRAPH_HUB_MIN);
	return g;
}

/* graph_distance(a, b) and (b, a) for every b against breadth-first search from a. */
static void assert_distances_from(const struct graph *g, uint32_t a, uint32_t n,
				  unsigned char *dist, size_t *seen)
{
	brute_distances(g, a, n, dist);
	for (uint32_t b = 1; b <= n; b++) {
		assert_int_equal(graph_distance(g, a, b), dist[b]);
		assert_int_equal(graph_distance(g, b, a), dist[b]);
		seen[dist[b]]++;
	}
}

/*
 * Every person with GRAPH_HUB_MIN connections or more (answered from
 * their bitmaps), the people `extra` names and `sample` random people,
 * each against every id.
 */
static void assert_distances(const struct graph *g, uint32_t n, const uint32_t *extra,
			     size_t nextra, uint32_t sample, uint64_t *rng, size_t *seen)
{
	unsigned char *dist = xmalloc((size_t)n + 1);

	for (uint32_t a = 1; a <= n; a++)
		if (graph_degree(g, a) >= GRAPH_HUB_MIN)
			assert_distances_from(g, a, n, dist, seen);
	for (size_t i = 0; i < nextra; i++)
		assert_distances_from(g, extra[i], n, dist, seen);
	for (uint32_t k = 0; k < sample; k++)
		assert_distances_from(g, rng_id(rng, n), n, dist, seen);
	free(dist);
}

/* A random person connected to a: one a's bitmap can lose or gain. */
static uint32_t random_connection(const struct graph *g, uint32_t a, uint64_t *rng)
{
	size_t na;
	const uint32_t *ca = graph_connections(g, a, &na);

	return na ? ca[rng_next(rng) % na] : 0;
}

/*
 * One random mutation aimed where the bitmaps change: at a hub, at a
 * hub's connection, between two of a hub's connections, or anywhere.
 * Returns the person whose distances are then worth checking.
 */
static uint32_t mutate_near_hubs(struct graph *g, uint32_t n, uint32_t first, uint32_t hubs,
				 uint64_t *rng)
{
	uint32_t h = first + rng_id(rng, hubs) - 1, a, b;

	switch (rng_next(rng) % 4) {
	case 0: /* the hub itself */
		a = h;
		b = rng_next(rng) % 2 ? random_connection(g, h, rng) : rng_id(rng, n);
		break;
	case 1: /* a connection of the hub and anyone */
		a = random_connection(g, h, rng);
		b = rng_id(rng, n);
		break;
	case 2: /* two connections of the hub */
		a = random_connection(g, h, rng);
		b = random_connection(g, h, rng);
		break;
	default:
		a = rng_id(rng, n);
		b = rng_id(rng, n);
	}
	if (a == 0 || b == 0 || a == b)
		return rng_id(rng, n);
	if (graph_is_connected(g, a, b))
		assert_int_equal(graph_disconnect(g, a, b), 1);
	else
		assert_int_equal(graph_connect(g, a, b), 1);
	return b;
}

/* Writes g to a snapshot file and reads it back (NULL if refused). */
static struct graph *snap_round_trip(const struct graph *g)
{
	static const uint8_t token[SNAP_TOKEN_BYTES] = {9, 8, 7};
	char path[64];
	struct snapw *w;
	struct snapr *r;
	struct graph *back;

	snprintf(path, sizeof(path), "/tmp/moka-test-graph-%ld.snap", (long)getpid());
	w = snapw_open(path, 1);
	assert_non_null(w);
	graph_snap_write(g, w);
	assert_int_equal(snapw_close(w, token), 0);
	r = snapr_open(path, 1, token);
	assert_non_null(r);
	back = graph_snap_read(r);
	assert_true(snapr_close(r));
	unlink(path);
	return back;
}

/*
 * The hubs' 2-hop bitmaps answer exactly like breadth-first search:
 * after bulk loading, after each round of random connects and
 * disconnects around the hubs, as people cross GRAPH_HUB_MIN and
 * GRAPH_HUB_KEEP both ways,
 * and after a snapshot round trip.
 */
static void test_hubs_vs_brute_force(void **state)
{
	const uint32_t n = 8000, hubs = 6;
	struct graph *g = heavy_graph(n, hubs, 31), *back;
	uint64_t rng = 8;
	size_t seen[4] = {0};
	uint32_t touched[40], grow = hubs + 1;

	assert_distances(g, n, NULL, 0, 20, &rng, seen);
	for (int round = 0; round < 12; round++) {
		for (int k = 0; k < 40; k++)
			touched[k] = mutate_near_hubs(g, n, 1, hubs, &rng);
		assert_distances(g, n, touched, 8, 4, &rng, seen);
	}

	/* Someone reaches GRAPH_HUB_MIN (a new bitmap) and keeps it below, down to GRAPH_HUB_KEEP.
	 */
	while (graph_degree(g, grow) < GRAPH_HUB_MIN - 1)
		graph_connect(g, grow, rng_id(&rng, n));
	assert_distances(g, n, &grow, 1, 0, &rng, seen);
	while (graph_connect(g, grow, rng_id(&rng, n)) != 1)
		;
	assert_int_equal(graph_degree(g, grow), GRAPH_HUB_MIN);
	assert_distances(g, n, &grow, 1, 2, &rng, seen);
	for (int k = 0; k < 20; k++)
		touched[k] = mutate_near_hubs(g, n, 1, hubs + 1, &rng);
	assert_distances(g, n, touched, 4, 0, &rng, seen);
	assert_int_equal(graph_disconnect(g, grow, random_connection(g, grow, &rng)), 1);
	assert_true(graph_degree(g, grow) < GRAPH_HUB_MIN);
	assert_distances(g, n, &grow, 1, 2, &rng, seen);
	/* Changes around it while it is below GRAPH_HUB_MIN (still a hub), then back up. */
	for (int k = 0; k < 20; k++) {
		uint32_t c = random_connection(g, grow, &rng);
		assert_int_equal(graph_disconnect(g, c, random_connection(g, c, &rng)), 1);
	}
	for (int k = 0; k < 40; k++)
		touched[k] = mutate_near_hubs(g, n, grow, 1, &rng);
	assert_distances(g, n, touched, 40, 0, &rng, seen);
	while (graph_degree(g, grow) < GRAPH_HUB_MIN)
		graph_connect(g, grow, rng_id(&rng, n));
	assert_distances(g, n, &grow, 1, 2, &rng, seen);

	/* A hub loses connections until it is no longer one, then gains some back. */
	while (graph_degree(g, 1) >= GRAPH_HUB_KEEP)
		graph_disconnect(g, 1, random_connection(g, 1, &rng));
	assert_distances(g, n, (uint32_t[]){1}, 1, 2, &rng, seen);
	while (graph_degree(g, 1) < (GRAPH_HUB_KEEP + GRAPH_HUB_MIN) / 2)
		graph_connect(g, 1, rng_id(&rng, n));
	for (int k = 0; k < 10; k++)
		touched[k] = mutate_near_hubs(g, n, 1, 2, &rng);
	assert_distances(g, n, (uint32_t[]){1}, 1, 2, &rng, seen);

	/* Read back from a snapshot: same lists, bitmaps rebuilt, still exact after mutations. */
	back = snap_round_trip(g);
	assert_non_null(back);
	assert_true(graph_equal(g, back));
	assert_distances(back, n, NULL, 0, 10, &rng, seen);
	for (int k = 0; k < 40; k++) {
		uint64_t twin = rng;
		touched[k] = mutate_near_hubs(back, n, 1, hubs, &rng);
		assert_int_equal(mutate_near_hubs(g, n, 1, hubs, &twin), touched[k]);
	}
	assert_true(graph_equal(g, back));
	assert_distances(back, n, touched, 10, 4, &rng, seen);

	/* Every outcome was exercised many times. */
	assert_true(seen[1] > 10000);
	assert_true(seen[2] > 100000);
	assert_true(seen[3] > 10000);
	graph_free(back);
	graph_free(g);
}

/* Many people growing and shrinking: arena blocks are freed, reused and never overlap. */
static void test_arena_churn(void **state)
{
	const uint32_t n = 600;
	struct graph *g = graph_new(), *ref = graph_new();
	uint64_t rng = 4242;

	for (int k = 0; k < 200000; k++) {
		/* Bursts on a few people so that lists grow and shrink through many sizes. */
		uint32_t a = k % 1000 < 500 ? rng_id(&rng, 8) : rng_id(&rng, n);
		uint32_t b = rng_id(&rng, n);
		bool add = (k / 20000) % 2 == 0 ? rng_next(&rng) % 4 != 0 : rng_next(&rng) % 4 == 0;
		if (a == b)
			continue;
		if (add) {
			assert_int_equal(graph_connect(g, a, b),
					 graph_follow(ref, a, b) | graph_follow(ref, b, a));
		} else {
			graph_unfollow(ref, b, a);
			assert_int_equal(graph_disconnect(g, a, b), graph_unfollow(ref, a, b));
		}
	}
	graph_ensure(ref, graph_max_id(g));
	for (uint32_t id = 1; id <= graph_max_id(g); id++) {
		size_t nx, ny;
		const uint32_t *vx = graph_connections(g, id, &nx),
			       *vy = graph_following(ref, id, &ny);
		assert_list(vx, nx, vy, ny);
	}
	graph_free(ref);
	graph_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_graph),
	    cmocka_unit_test(test_connect_symmetry),
	    cmocka_unit_test(test_follow_direction),
	    cmocka_unit_test(test_bad_ids),
	    cmocka_unit_test(test_ensure_growth),
	    cmocka_unit_test(test_lists_stay_sorted),
	    cmocka_unit_test(test_distance_basic),
	    cmocka_unit_test(test_common),
	    cmocka_unit_test(test_second_degree_small),
	    cmocka_unit_test(test_random_vs_brute_force),
	    cmocka_unit_test(test_merges_vs_brute_force),
	    cmocka_unit_test(test_common_vs_brute_force),
	    cmocka_unit_test(test_bulk_equals_incremental),
	    cmocka_unit_test(test_large_degree_gallop),
	    cmocka_unit_test(test_bytes_tracks_growth),
	    cmocka_unit_test(test_hubs_vs_brute_force),
	    cmocka_unit_test(test_arena_churn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
