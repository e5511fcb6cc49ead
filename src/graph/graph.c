/*
 * graph: the in-memory social graph (connections and follows).
 *
 * Each relation is a table indexed by person id of struct graph_list, a
 * sorted uint32 array with its length and capacity. The three tables are
 * kept apart so that graph_distance(), the hot path, touches only the
 * connection table: 16 bytes per person, four people per cache line.
 * Normal mutators keep every array sorted (binary search + memmove); bulk
 * loading appends and sorts once at the end with a radix sort.
 *
 * graph_distance() is the hot path (audience checks on every read). It
 * prefetches both lists, binary-searches the shorter one for distance 1,
 * then intersects the two with an early exit: an SSE2 block merge (four
 * ids against four per step) when the lengths are comparable, galloping
 * through the longer list when it is GALLOP_RATIO times longer or more.
 */
#include "graph/graph.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/snapfile.h"
#include "core/xmalloc.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/*
 * Above this length ratio, graph_distance() and graph_common() gallop
 * through the longer list instead of merging: a merge costs nx + ny steps,
 * galloping about nx * 2 * log2(ny / nx). Measured against the SSE2 block
 * merge on a 5,000-id list, galloping wins from a ratio of about 20 when
 * the lists are disjoint (the common case) and about 40 when they share ids.
 */
#define GALLOP_RATIO 20

/*
 * graph_distance() prefetches up to this many bytes of each list: 2 KiB
 * covers 512 ids, about the 99th percentile degree; the hardware
 * prefetcher streams the rest of longer lists.
 */
#define PREFETCH_MAX_BYTES 2048u

/* Below this many elements, sort_u32() uses insertion sort. */
#define INSERTION_SORT_MAX 48

/* A sorted, duplicate-free array of person ids (unsorted while bulk loading). */
struct graph_list {
	uint32_t *ids;
	uint32_t len;
	uint32_t cap;
};

struct graph {
	struct graph_list *conn;      /* [id] connections, mutual */
	struct graph_list *following; /* [id] people id follows */
	struct graph_list *followers; /* [id] people following id */
	uint32_t max_id;	      /* highest valid id */
	uint32_t cap;		      /* entries allocated in each table */
	bool bulk;		      /* bulk appends not yet sorted */
};

struct graph_scratch {
	uint32_t *stamp; /* [id] epoch at which id was last seen */
	size_t nstamp;
	uint32_t epoch;
	uint32_t *out; /* result set */
	uint32_t *tmp; /* radix sort buffer, same capacity as out */
	size_t cap;
};

/* --- sorted arrays ------------------------------------------------------ */

/* Index of the first element of v[0..n) that is >= x (n if none). */
static inline size_t lower_bound(const uint32_t *v, size_t n, uint32_t x)
{
	const uint32_t *base = v;

	if (n == 0)
		return 0;
	while (n > 1) {
		size_t half = n / 2;
		base = base[half] < x ? base + half : base;
		n -= half;
	}
	return (size_t)(base - v) + (*base < x);
}

static inline bool sorted_contains(const uint32_t *v, size_t n, uint32_t x)
{
	size_t i = lower_bound(v, n, x);
	return i < n && v[i] == x;
}

/*
 * Lower bound of x in v[lo..n), found by doubling steps from lo and then
 * binary search inside the last step: O(log distance) instead of O(log n).
 */
static inline size_t gallop(const uint32_t *v, size_t n, size_t lo, uint32_t x)
{
	size_t hi = lo, step = 1;

	while (hi < n && v[hi] < x) {
		lo = hi + 1;
		hi += step;
		step <<= 1;
	}
	if (hi > n)
		hi = n;
	return lo + lower_bound(v + lo, hi - lo, x);
}

#ifdef __SSE2__
/*
 * Block merge, four ids of each list at a time: all 16 pairs are compared
 * with one register and its three rotations, then the block with the
 * smaller last id is consumed (both when equal). No element of a consumed
 * block can match anything further on in the other list. Stops where one
 * list has fewer than four ids left; returns true on a match.
 */
static bool blocks_intersect(const uint32_t *x, size_t nx, const uint32_t *y, size_t ny, size_t *pi,
			     size_t *pj)
{
	size_t i = 0, j = 0;

	while (i + 4 <= nx && j + 4 <= ny) {
		__m128i a = _mm_loadu_si128((const __m128i *)(const void *)(x + i));
		__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(y + j));
		__m128i m0 = _mm_cmpeq_epi32(a, b);
		__m128i m1 = _mm_cmpeq_epi32(a, _mm_shuffle_epi32(b, _MM_SHUFFLE(0, 3, 2, 1)));
		__m128i m2 = _mm_cmpeq_epi32(a, _mm_shuffle_epi32(b, _MM_SHUFFLE(1, 0, 3, 2)));
		__m128i m3 = _mm_cmpeq_epi32(a, _mm_shuffle_epi32(b, _MM_SHUFFLE(2, 1, 0, 3)));
		uint32_t amax = x[i + 3], bmax = y[j + 3];

		if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(m0, m1), _mm_or_si128(m2, m3))))
			return true;
		i += (size_t)(amax <= bmax) * 4;
		j += (size_t)(bmax <= amax) * 4;
	}
	*pi = i;
	*pj = j;
	return false;
}
#endif

/* Starts loading the first PREFETCH_MAX_BYTES of v[0..n) into the cache. */
static inline void prefetch_ids(const uint32_t *v, size_t n)
{
	uintptr_t p = (uintptr_t)v & ~(uintptr_t)63;
	uintptr_t end = (uintptr_t)v + n * sizeof(*v); /* v may be NULL when n is 0 */

	if (end - p > PREFETCH_MAX_BYTES)
		end = p + PREFETCH_MAX_BYTES;
	for (; p < end; p += 64)
		__builtin_prefetch((const void *)p);
}

/* True if the sorted arrays x and y share an element; requires nx <= ny. */
static bool sorted_intersects(const uint32_t *x, size_t nx, const uint32_t *y, size_t ny)
{
	size_t i = 0, j = 0;

	if (nx == 0 || x[nx - 1] < y[0] || y[ny - 1] < x[0])
		return false;
	if (ny / GALLOP_RATIO > nx) {
		for (i = 0; i < nx; i++) {
			j = gallop(y, ny, j, x[i]);
			if (j == ny)
				return false;
			if (y[j] == x[i])
				return true;
		}
		return false;
	}
#ifdef __SSE2__
	if (blocks_intersect(x, nx, y, ny, &i, &j))
		return true;
#endif
	/* Scalar merge (of the tail, with SSE2). Branch-free advance. */
	while (i < nx && j < ny) {
		uint32_t u = x[i], v = y[j];
		if (u == v)
			return true;
		i += u < v;
		j += v < u;
	}
	return false;
}

/*
 * Counts the elements common to sorted x and y (nx <= ny) and writes the
 * first max of them to out.
 */
static size_t sorted_common(const uint32_t *x, size_t nx, const uint32_t *y, size_t ny,
			    uint32_t *out, size_t max)
{
	size_t i = 0, j = 0, n = 0;

	if (nx == 0 || x[nx - 1] < y[0] || y[ny - 1] < x[0])
		return 0;
	if (ny / GALLOP_RATIO > nx) {
		for (i = 0; i < nx && j < ny; i++) {
			j = gallop(y, ny, j, x[i]);
			if (j < ny && y[j] == x[i]) {
				if (n < max)
					out[n] = x[i];
				n++;
			}
		}
		return n;
	}
	while (i < nx && j < ny) {
		uint32_t u = x[i], v = y[j];
		if (u == v) {
			if (n < max)
				out[n] = u;
			n++;
		}
		i += u <= v;
		j += v <= u;
	}
	return n;
}

static void insertion_sort_u32(uint32_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint32_t x = v[i];
		size_t j = i;
		while (j > 0 && v[j - 1] > x) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

/*
 * Sorts v[0..n) ascending: least-significant-byte radix sort using tmp
 * (n elements) as the second buffer; byte positions where every key has
 * the same digit are skipped, so ids below 2^24 take three passes.
 */
static void sort_u32(uint32_t *v, size_t n, uint32_t *tmp)
{
	size_t count[4][256];
	uint32_t *src = v, *dst = tmp;

	if (n <= INSERTION_SORT_MAX) {
		insertion_sort_u32(v, n);
		return;
	}
	memset(count, 0, sizeof(count));
	for (size_t i = 0; i < n; i++) {
		uint32_t x = v[i];
		count[0][x & 0xff]++;
		count[1][(x >> 8) & 0xff]++;
		count[2][(x >> 16) & 0xff]++;
		count[3][x >> 24]++;
	}
	for (unsigned b = 0; b < 4; b++) {
		size_t *c = count[b], sum = 0;
		unsigned shift = 8 * b;
		uint32_t *t;

		if (c[(src[0] >> shift) & 0xff] == n)
			continue;
		for (unsigned k = 0; k < 256; k++) {
			size_t here = c[k];
			c[k] = sum;
			sum += here;
		}
		for (size_t i = 0; i < n; i++) {
			uint32_t x = src[i];
			dst[c[(x >> shift) & 0xff]++] = x;
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
}

/* Removes adjacent duplicates from sorted v; returns the new length. */
static size_t dedup_u32(uint32_t *v, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (k == 0 || v[k - 1] != v[i])
			v[k++] = v[i];
	return k;
}

static bool strictly_ascending(const uint32_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (v[i - 1] >= v[i])
			return false;
	return true;
}

/* --- adjacency lists ---------------------------------------------------- */

static void list_set_cap(struct graph_list *l, uint32_t cap)
{
	if (cap == 0) {
		free(l->ids);
		l->ids = NULL;
	} else {
		l->ids = xrealloc(l->ids, (size_t)cap * sizeof(*l->ids));
	}
	l->cap = cap;
}

static void list_grow(struct graph_list *l)
{
	if (l->cap > UINT32_MAX / 2) {
		fprintf(stderr, "moka: graph adjacency list too long\n");
		abort();
	}
	list_set_cap(l, l->cap ? l->cap * 2 : 4);
}

static void list_push(struct graph_list *l, uint32_t x)
{
	if (l->len == l->cap)
		list_grow(l);
	l->ids[l->len++] = x;
}

/* Inserts x keeping l sorted. Returns 1 if inserted, 0 if present. */
static int list_insert(struct graph_list *l, uint32_t x)
{
	size_t i = lower_bound(l->ids, l->len, x);

	if (i < l->len && l->ids[i] == x)
		return 0;
	if (l->len == l->cap)
		list_grow(l);
	memmove(l->ids + i + 1, l->ids + i, (l->len - i) * sizeof(*l->ids));
	l->ids[i] = x;
	l->len++;
	return 1;
}

/* Removes x from sorted l. Returns 1 if removed, 0 if absent. */
static int list_remove(struct graph_list *l, uint32_t x)
{
	size_t i = lower_bound(l->ids, l->len, x);

	if (i == l->len || l->ids[i] != x)
		return 0;
	memmove(l->ids + i, l->ids + i + 1, (l->len - i - 1) * sizeof(*l->ids));
	l->len--;
	if (l->cap >= 64 && l->len <= l->cap / 4)
		list_set_cap(l, l->cap / 2);
	return 1;
}

static void list_sort_trim(struct graph_list *l, uint32_t *tmp)
{
	if (!strictly_ascending(l->ids, l->len)) {
		sort_u32(l->ids, l->len, tmp);
		l->len = (uint32_t)dedup_u32(l->ids, l->len);
	}
	if (l->cap > l->len)
		list_set_cap(l, l->len);
}

/* The list of id a in table t, or NULL if a is not a valid id. */
static inline const struct graph_list *list_at(const struct graph *g, const struct graph_list *t,
					       uint32_t a)
{
	assert(!g->bulk);
	if (a == 0 || a > g->max_id)
		return NULL;
	return &t[a];
}

static const uint32_t *list_view(const struct graph *g, const struct graph_list *t, uint32_t a,
				 size_t *len)
{
	const struct graph_list *l = list_at(g, t, a);

	*len = l ? l->len : 0;
	return l ? l->ids : NULL;
}

/* --- graph -------------------------------------------------------------- */

struct graph *graph_new(void)
{
	return xcalloc(1, sizeof(struct graph));
}

static void table_free(struct graph_list *t, uint32_t max_id)
{
	if (!t)
		return;
	for (uint32_t id = 0; id <= max_id; id++)
		free(t[id].ids);
	free(t);
}

void graph_free(struct graph *g)
{
	if (!g)
		return;
	table_free(g->conn, g->max_id);
	table_free(g->following, g->max_id);
	table_free(g->followers, g->max_id);
	free(g);
}

static struct graph_list *table_resize(struct graph_list *t, uint32_t old, uint32_t cap)
{
	t = xrealloc(t, (size_t)cap * sizeof(*t));
	memset(t + old, 0, (size_t)(cap - old) * sizeof(*t));
	return t;
}

int graph_ensure(struct graph *g, uint32_t max_id)
{
	if (max_id > GRAPH_ID_MAX)
		return -1;
	if (max_id <= g->max_id)
		return 0;
	if (max_id >= g->cap) {
		uint32_t cap = g->cap < 16 ? 16 : g->cap;
		while (cap <= max_id)
			cap = cap > GRAPH_ID_MAX / 2 ? GRAPH_ID_MAX + 1 : cap * 2;
		g->conn = table_resize(g->conn, g->cap, cap);
		g->following = table_resize(g->following, g->cap, cap);
		g->followers = table_resize(g->followers, g->cap, cap);
		g->cap = cap;
	}
	g->max_id = max_id;
	return 0;
}

uint32_t graph_max_id(const struct graph *g)
{
	return g->max_id;
}

size_t graph_bytes(const struct graph *g)
{
	size_t bytes = sizeof(*g) + 3 * (size_t)g->cap * sizeof(struct graph_list);

	for (uint32_t id = 1; id <= g->max_id; id++)
		bytes += ((size_t)g->conn[id].cap + g->following[id].cap + g->followers[id].cap) *
			 sizeof(uint32_t);
	return bytes;
}

/* Validates a pair for a mutator and makes both ids exist. */
static int prepare_pair(struct graph *g, uint32_t a, uint32_t b)
{
	if (a == 0 || b == 0 || a == b)
		return -1;
	return graph_ensure(g, a > b ? a : b);
}

int graph_connect(struct graph *g, uint32_t a, uint32_t b)
{
	assert(!g->bulk);
	if (prepare_pair(g, a, b) < 0)
		return -1;
	if (!list_insert(&g->conn[a], b))
		return 0;
	list_insert(&g->conn[b], a);
	return 1;
}

int graph_disconnect(struct graph *g, uint32_t a, uint32_t b)
{
	assert(!g->bulk);
	if (a == 0 || b == 0 || a == b)
		return -1;
	if (a > g->max_id || b > g->max_id)
		return 0;
	if (!list_remove(&g->conn[a], b))
		return 0;
	list_remove(&g->conn[b], a);
	return 1;
}

int graph_follow(struct graph *g, uint32_t a, uint32_t b)
{
	assert(!g->bulk);
	if (prepare_pair(g, a, b) < 0)
		return -1;
	if (!list_insert(&g->following[a], b))
		return 0;
	list_insert(&g->followers[b], a);
	return 1;
}

int graph_unfollow(struct graph *g, uint32_t a, uint32_t b)
{
	assert(!g->bulk);
	if (a == 0 || b == 0 || a == b)
		return -1;
	if (a > g->max_id || b > g->max_id)
		return 0;
	if (!list_remove(&g->following[a], b))
		return 0;
	list_remove(&g->followers[b], a);
	return 1;
}

bool graph_is_connected(const struct graph *g, uint32_t a, uint32_t b)
{
	const struct graph_list *la = list_at(g, g->conn, a);
	const struct graph_list *lb = list_at(g, g->conn, b);

	if (!la || !lb)
		return false;
	/* Symmetric relation: search the shorter list. */
	if (la->len <= lb->len)
		return sorted_contains(la->ids, la->len, b);
	return sorted_contains(lb->ids, lb->len, a);
}

bool graph_is_following(const struct graph *g, uint32_t a, uint32_t b)
{
	const struct graph_list *la = list_at(g, g->following, a);

	if (!la || b == 0)
		return false;
	return sorted_contains(la->ids, la->len, b);
}

int graph_distance(const struct graph *g, uint32_t a, uint32_t b)
{
	const struct graph_list *la, *lb, *t;

	if (a == 0 || b == 0)
		return GRAPH_DISTANCE_FAR;
	if (a == b)
		return 0;
	la = list_at(g, g->conn, a);
	lb = list_at(g, g->conn, b);
	if (!la || !lb)
		return GRAPH_DISTANCE_FAR;
	if (la->len > lb->len) {
		t = la;
		la = lb;
		lb = t;
		b = a;
	}
	/*
	 * On a large graph both lists are usually cold. Asking for all their
	 * cache lines now lets the misses overlap instead of arriving one by
	 * one as the search and the merge reach them.
	 */
	prefetch_ids(la->ids, la->len);
	prefetch_ids(lb->ids, lb->len);
	/* la is now the shorter list and b the owner of lb. */
	if (sorted_contains(la->ids, la->len, b))
		return 1;
	if (sorted_intersects(la->ids, la->len, lb->ids, lb->len))
		return 2;
	return GRAPH_DISTANCE_FAR;
}

size_t graph_degree(const struct graph *g, uint32_t a)
{
	const struct graph_list *l = list_at(g, g->conn, a);

	return l ? l->len : 0;
}

const uint32_t *graph_connections(const struct graph *g, uint32_t a, size_t *len)
{
	return list_view(g, g->conn, a, len);
}

const uint32_t *graph_following(const struct graph *g, uint32_t a, size_t *len)
{
	return list_view(g, g->following, a, len);
}

const uint32_t *graph_followers(const struct graph *g, uint32_t a, size_t *len)
{
	return list_view(g, g->followers, a, len);
}

size_t graph_common(const struct graph *g, uint32_t a, uint32_t b, uint32_t *out, size_t max)
{
	const struct graph_list *la = list_at(g, g->conn, a);
	const struct graph_list *lb = list_at(g, g->conn, b);

	if (!la || !lb || a == b)
		return 0;
	if (la->len <= lb->len)
		return sorted_common(la->ids, la->len, lb->ids, lb->len, out, max);
	return sorted_common(lb->ids, lb->len, la->ids, la->len, out, max);
}

/* --- second degree ------------------------------------------------------ */

struct graph_scratch *graph_scratch_new(void)
{
	return xcalloc(1, sizeof(struct graph_scratch));
}

void graph_scratch_free(struct graph_scratch *s)
{
	if (!s)
		return;
	free(s->stamp);
	free(s->out);
	free(s->tmp);
	free(s);
}

/* Makes room for stamps of ids 0..max_id and returns a fresh epoch. */
static uint32_t scratch_begin(struct graph_scratch *s, uint32_t max_id)
{
	size_t need = (size_t)max_id + 1;

	if (s->nstamp < need) {
		s->stamp = xrealloc(s->stamp, need * sizeof(*s->stamp));
		memset(s->stamp + s->nstamp, 0, (need - s->nstamp) * sizeof(*s->stamp));
		s->nstamp = need;
	}
	if (++s->epoch == 0) {
		/* Wrapped after 2^32 calls: old stamps could look current. */
		memset(s->stamp, 0, s->nstamp * sizeof(*s->stamp));
		s->epoch = 1;
	}
	return s->epoch;
}

static void scratch_reserve(struct graph_scratch *s, size_t n)
{
	if (s->cap >= n)
		return;
	free(s->out);
	free(s->tmp);
	s->out = xmalloc(n * sizeof(*s->out));
	s->tmp = xmalloc(n * sizeof(*s->tmp));
	s->cap = n;
}

size_t graph_second_degree(const struct graph *g, struct graph_scratch *s, uint32_t a,
			   const uint32_t **out)
{
	const struct graph_list *la = list_at(g, g->conn, a);
	uint32_t *stamp, epoch;
	size_t bound = 0, n = 0;

	*out = s->out;
	if (!la)
		return 0;
	epoch = scratch_begin(s, g->max_id);
	stamp = s->stamp;
	/* a and its connections are at distance 0 and 1: mark them seen. */
	stamp[a] = epoch;
	for (size_t i = 0; i < la->len; i++) {
		uint32_t c = la->ids[i];
		stamp[c] = epoch;
		bound += g->conn[c].len;
	}
	if (bound > g->max_id)
		bound = g->max_id;
	/* One slot more than the result can hold: the loop below writes ahead. */
	scratch_reserve(s, bound + 1);
	/*
	 * Locals, not struct fields, in the loop: the stamp stores could
	 * otherwise alias the lengths and force reloads.
	 */
	const uint32_t *conn = la->ids;
	size_t nconn = la->len;
	uint32_t *set = s->out;
	for (size_t i = 0; i < nconn; i++) {
		const uint32_t *ids = g->conn[conn[i]].ids;
		size_t len = g->conn[conn[i]].len;
		for (size_t j = 0; j < len; j++) {
			uint32_t d = ids[j];
			set[n] = d;
			n += stamp[d] != epoch;
			stamp[d] = epoch;
		}
	}
	sort_u32(set, n, s->tmp);
	*out = s->out;
	return n;
}

/* --- bulk loading ------------------------------------------------------- */

int graph_bulk_connect(struct graph *g, uint32_t a, uint32_t b)
{
	if (prepare_pair(g, a, b) < 0)
		return -1;
	g->bulk = true;
	list_push(&g->conn[a], b);
	list_push(&g->conn[b], a);
	return 0;
}

int graph_bulk_follow(struct graph *g, uint32_t a, uint32_t b)
{
	if (prepare_pair(g, a, b) < 0)
		return -1;
	g->bulk = true;
	list_push(&g->following[a], b);
	list_push(&g->followers[b], a);
	return 0;
}

void graph_bulk_finish(struct graph *g)
{
	struct graph_list *tables[3] = {g->conn, g->following, g->followers};
	uint32_t longest = 0;
	uint32_t *tmp;

	for (unsigned t = 0; t < 3; t++)
		for (uint32_t id = 1; id <= g->max_id; id++)
			if (tables[t][id].len > longest)
				longest = tables[t][id].len;
	tmp = xmalloc((size_t)longest * sizeof(*tmp));
	for (unsigned t = 0; t < 3; t++)
		for (uint32_t id = 1; id <= g->max_id; id++)
			list_sort_trim(&tables[t][id], tmp);
	free(tmp);
	g->bulk = false;
}

/* --- snapshots ---------------------------------------------------------- */

void graph_snap_write(const struct graph *g, struct snapw *w)
{
	const struct graph_list *tables[3] = {g->conn, g->following, g->followers};
	snapw_u32(w, g->max_id);
	for (unsigned t = 0; t < 3; t++) {
		for (uint32_t id = 1; id <= g->max_id; id++)
			snapw_u32(w, tables[t][id].len);
		for (uint32_t id = 1; id <= g->max_id; id++)
			snapw_put(w, tables[t][id].ids,
				  (size_t)tables[t][id].len * sizeof(uint32_t));
	}
}

struct graph *graph_snap_read(struct snapr *r)
{
	uint32_t max_id;
	if (!snapr_u32(r, &max_id) || max_id > GRAPH_ID_MAX)
		return NULL;
	struct graph *g = graph_new();
	graph_ensure(g, max_id);
	struct graph_list *tables[3] = {g->conn, g->following, g->followers};
	uint32_t *lens = xmalloc(((size_t)max_id + 1) * sizeof(*lens));
	bool ok = true;
	for (unsigned t = 0; t < 3 && ok; t++) {
		ok = snapr_get(r, lens + 1, (size_t)max_id * sizeof(*lens));
		for (uint32_t id = 1; id <= max_id && ok; id++) {
			struct graph_list *l = &tables[t][id];
			if (lens[id] == 0)
				continue;
			if (lens[id] > max_id) {
				ok = false;
				break;
			}
			list_set_cap(l, lens[id]);
			l->len = lens[id];
			ok = snapr_get(r, l->ids, (size_t)l->len * sizeof(*l->ids)) &&
			     strictly_ascending(l->ids, l->len) && l->ids[0] > 0 &&
			     l->ids[l->len - 1] <= max_id;
		}
	}
	free(lens);
	if (!ok) {
		graph_free(g);
		return NULL;
	}
	return g;
}

bool graph_equal(const struct graph *a, const struct graph *b)
{
	if (a->max_id != b->max_id)
		return false;
	const struct graph_list *ta[3] = {a->conn, a->following, a->followers};
	const struct graph_list *tb[3] = {b->conn, b->following, b->followers};
	for (unsigned t = 0; t < 3; t++)
		for (uint32_t id = 1; id <= a->max_id; id++)
			if (ta[t][id].len != tb[t][id].len ||
			    (ta[t][id].len && memcmp(ta[t][id].ids, tb[t][id].ids,
						     ta[t][id].len * sizeof(uint32_t)) != 0))
				return false;
	return true;
}
