/*
 * graph: the in-memory social graph (connections and follows).
 *
 * Connections, the hot relation, live in one arena: a 64-byte-aligned
 * block of ids per person in a single huge-page-backed mapping, found
 * through an 8-byte head per person ({block line, length}, 3.5 MB at
 * 440,000 people). Follows keep a table of separately allocated lists
 * (struct graph_list); only the mutators and the home stream read them.
 *
 * graph_distance() is the hot path (audience checks on every read). On
 * this kind of machine a cold memory access costs about 300 ns, so the
 * design counts dependent misses rather than instructions: the check
 * reads the two heads (one round; at 440,000 people it costs 150 ns on
 * average, the table being in the cache only part of the time),
 * then both lists at once (a second round, prefetched in full; the huge
 * pages spare the page walks), and never a third. The intersection is a
 * block merge as wide as the CPU allows (16 ids a step with AVX-512
 * VP2INTERSECTD, 8 with AVX2, 4 with SSE2; struct graph's merge), or
 * galloping when one list is GALLOP_RATIO times longer.
 *
 * Heavy-tail people ("hubs", GRAPH_HUB_MIN connections or more) would
 * need many lines and a long gallop per check. Each hub instead has a
 * bitmap with two bits per person: "connected to the hub" and "shares a
 * connection with the hub". A check involving a hub is one bit-pair
 * load. The bitmaps are a pure function of the connection lists, kept
 * exact by graph_connect()/graph_disconnect() (each updates the bits the
 * edge can change, see hub_edge_added()/hub_edge_removed()), rebuilt by
 * graph_bulk_finish() and graph_snap_read(); someone reaching
 * GRAPH_HUB_MIN connections gets a bitmap and keeps it until below
 * GRAPH_HUB_KEEP (hysteresis: someone hovering at the threshold does not
 * rebuild a bitmap at every change).
 *
 * Normal mutators keep every array sorted (binary search + memmove);
 * bulk loading appends to temporary lists and sorts once at the end with
 * a radix sort, then packs the connection lists into the arena.
 */
#include "graph/graph.h"
#include "graph/graph_int.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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

/* Ids per 64-byte arena line; connection blocks are whole lines. */
#define LINE_IDS 16u

/* End of an arena free list. */
#define NO_LINE UINT32_MAX

/* Smallest arena reservation, in lines (4 MiB of address space). */
#define ARENA_MIN_LINES 65536u

/* A sorted, duplicate-free array of person ids (unsorted while bulk loading). */
struct graph_list {
	uint32_t *ids;
	uint32_t len;
	uint32_t cap;
};

/* Where a person's connections are: ids at arena line `line`, `len` of them. */
struct conn_head {
	uint32_t line;
	uint32_t len;
};

/*
 * The connection arena: one anonymous mapping reserved larger than used
 * (address space only; pages appear when touched) and moved with mremap()
 * when it runs out. Freed blocks go on free lists by size class
 * floor(log2(lines)), threaded through their first two words
 * (next block, size in lines); a request of n lines takes a block from
 * class ceil(log2(n)), which always fits, or the end of the arena.
 */
struct arena {
	uint32_t *base;	   /* NULL until the first block */
	size_t reserved;   /* lines mapped */
	size_t used;	   /* lines handed out from the end */
	size_t free_lines; /* lines sitting on the free lists */
	uint32_t free_head[33];
};

/*
 * The hubs' bitmaps: slot s covers ids 0..g->cap-1 with two bits each,
 * words per slot: bit 0 "connected to the hub", bit 1 "shares a
 * connection with the hub". hash maps a hub's id to its slot
 * (open addressing, slot + 1, 0 empty; rebuilt when the hub set changes).
 */
struct hubs {
	uint32_t n, cap; /* slots used, allocated */
	uint32_t *id;	 /* [slot] the hub */
	uint64_t *bits;	 /* cap * words */
	size_t words;
	uint32_t *hash;
	uint32_t hmask;
};

struct graph {
	struct conn_head *head;	      /* [id] connections, mutual */
	uint32_t *block;	      /* [id] size of id's arena block, in lines */
	struct arena arena;	      /* the connection ids */
	struct hubs hubs;	      /* 2-hop bitmaps of the heavy tail */
	struct graph_list *bulk_conn; /* [id] connections appended while bulk loading */
	struct graph_list *following; /* [id] people id follows */
	struct graph_list *followers; /* [id] people following id */
	uint32_t *ver;		      /* [id] bumped when id's connections, follows or
				       * followers change (graph_version) */
	uint32_t max_id;	      /* highest valid id */
	uint32_t cap;		      /* entries allocated in each table */
	bool bulk;		      /* bulk appends not yet sorted */
	enum graph_merge merge;	      /* the block merge graph_distance() uses */
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

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_AVX2_MERGE 1
/*
 * The same block merge eight ids at a time, for CPUs with AVX2 (chosen at
 * run time): the 64 pairs are compared with the other block's four
 * in-lane rotations, before and after swapping its halves. Twice the ids
 * per step halves the loop-carried chain (load, compare, advance) that
 * bounds the merge.
 */
__attribute__((target("avx2"))) static bool blocks8_intersect(const uint32_t *x, size_t nx,
							      const uint32_t *y, size_t ny,
							      size_t *pi, size_t *pj)
{
	size_t i = 0, j = 0;

	while (i + 8 <= nx && j + 8 <= ny) {
		__m256i a = _mm256_loadu_si256((const __m256i *)(const void *)(x + i));
		__m256i b = _mm256_loadu_si256((const __m256i *)(const void *)(y + j));
		__m256i s = _mm256_permute2x128_si256(b, b, 1);
		__m256i m = _mm256_or_si256(
		    _mm256_or_si256(
			_mm256_or_si256(_mm256_cmpeq_epi32(a, b),
					_mm256_cmpeq_epi32(a, _mm256_shuffle_epi32(b, 0x39))),
			_mm256_or_si256(_mm256_cmpeq_epi32(a, _mm256_shuffle_epi32(b, 0x4e)),
					_mm256_cmpeq_epi32(a, _mm256_shuffle_epi32(b, 0x93)))),
		    _mm256_or_si256(
			_mm256_or_si256(_mm256_cmpeq_epi32(a, s),
					_mm256_cmpeq_epi32(a, _mm256_shuffle_epi32(s, 0x39))),
			_mm256_or_si256(_mm256_cmpeq_epi32(a, _mm256_shuffle_epi32(s, 0x4e)),
					_mm256_cmpeq_epi32(a, _mm256_shuffle_epi32(s, 0x93)))));
		uint32_t amax = x[i + 7], bmax = y[j + 7];

		if (!_mm256_testz_si256(m, m))
			return true;
		i += (size_t)(amax <= bmax) * 8;
		j += (size_t)(bmax <= amax) * 8;
	}
	*pi = i;
	*pj = j;
	return false;
}

/*
 * Sixteen ids at a time with AVX-512's VP2INTERSECTD, which compares all
 * 256 pairs of two blocks in one instruction: on the AMD EPYC (Zen 5) the
 * server runs on, 2.2 times faster than the AVX2 merge on lists of 400
 * and 600 ids (with AVX2 the merge was a third of a check's p99 at
 * 440,000 people, and 45 % for pairs of 512 to 1,023 ids, which made
 * most of the tail). The last block of a list is loaded masked, its
 * missing lanes filled with ids no list holds (0 in x, all ones in y),
 * so the loop runs to the end and never reads past a list.
 */
__attribute__((target("avx512f,avx512vp2intersect"))) static bool
blocks16_intersect(const uint32_t *x, size_t nx, const uint32_t *y, size_t ny)
{
	const __m512i none_x = _mm512_setzero_si512(), none_y = _mm512_set1_epi32(-1);
	size_t i = 0, j = 0;

	while (i < nx && j < ny) {
		size_t lx = nx - i < 16 ? nx - i : 16, ly = ny - j < 16 ? ny - j : 16;
		__m512i a = _mm512_mask_loadu_epi32(none_x, (__mmask16)((1u << lx) - 1), x + i);
		__m512i b = _mm512_mask_loadu_epi32(none_y, (__mmask16)((1u << ly) - 1), y + j);
		__mmask16 ka, kb;
		uint32_t amax = x[i + lx - 1], bmax = y[j + ly - 1];

		_mm512_2intersect_epi32(a, b, &ka, &kb);
		if (ka)
			return true;
		i += (size_t)(amax <= bmax) * lx;
		j += (size_t)(bmax <= amax) * ly;
	}
	return false;
}
#endif

/* Set by graph_merge_force() for the tests; graph_new() otherwise takes the best. */
static enum graph_merge merge_forced = GRAPH_MERGE_AUTO;

/* The widest block merge this CPU runs. */
static enum graph_merge merge_best(void)
{
#ifdef HAVE_AVX2_MERGE
	/* Intel's only VP2INTERSECT (Tiger Lake) is microcoded and slower than AVX2. */
	if (__builtin_cpu_supports("avx512vp2intersect") && __builtin_cpu_is("amd"))
		return GRAPH_MERGE_VP2INTERSECT;
	if (__builtin_cpu_supports("avx2"))
		return GRAPH_MERGE_AVX2;
#endif
	return GRAPH_MERGE_SSE2;
}

int graph_merge_force(enum graph_merge k)
{
	if (k != GRAPH_MERGE_AUTO && k != GRAPH_MERGE_SSE2) {
		enum graph_merge best = merge_best();
		if (best == GRAPH_MERGE_SSE2 || (k == GRAPH_MERGE_VP2INTERSECT && best != k))
			return -1;
	}
	merge_forced = k;
	return 0;
}

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

/*
 * True if the sorted arrays x and y share an element; requires nx <= ny.
 * k is the block merge to use (struct graph's merge).
 */
static bool sorted_intersects(const uint32_t *x, size_t nx, const uint32_t *y, size_t ny,
			      enum graph_merge k)
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
#ifdef HAVE_AVX2_MERGE
	if (k == GRAPH_MERGE_VP2INTERSECT)
		return blocks16_intersect(x, nx, y, ny);
	if (k == GRAPH_MERGE_AVX2) {
		size_t i8 = 0, j8 = 0;
		if (blocks8_intersect(x, nx, y, ny, &i8, &j8))
			return true;
		x += i8;
		nx -= i8;
		y += j8;
		ny -= j8;
	}
#endif
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

/* --- follow lists ------------------------------------------------------- */

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

/* Sorts and deduplicates l; with trim, also gives back unused capacity. */
static void list_sort(struct graph_list *l, uint32_t *tmp, bool trim)
{
	if (!strictly_ascending(l->ids, l->len)) {
		sort_u32(l->ids, l->len, tmp);
		l->len = (uint32_t)dedup_u32(l->ids, l->len);
	}
	if (trim && l->cap > l->len)
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

/* --- connection arena --------------------------------------------------- */

static uint32_t lines_for(size_t ids)
{
	return (uint32_t)((ids + LINE_IDS - 1) / LINE_IDS);
}

static unsigned floor_log2(uint32_t x)
{
	return 31u - (unsigned)__builtin_clz(x);
}

static unsigned ceil_log2(uint32_t x)
{
	return x <= 1 ? 0 : floor_log2(x - 1) + 1;
}

static uint32_t *arena_line(const struct arena *ar, uint32_t line)
{
	return ar->base + (size_t)line * LINE_IDS;
}

static void arena_init(struct arena *ar)
{
	memset(ar, 0, sizeof(*ar));
	for (unsigned c = 0; c < 33; c++)
		ar->free_head[c] = NO_LINE;
}

static void arena_release(struct arena *ar)
{
	if (ar->base)
		munmap(ar->base, ar->reserved * 64);
	arena_init(ar);
}

static void arena_fail(const char *what)
{
	perror(what);
	abort();
}

/* Makes room for `lines` more lines at the end of the arena. */
static void arena_reserve(struct arena *ar, size_t lines)
{
	size_t need = ar->used + lines, want;
	void *p;

	if (need <= ar->reserved)
		return;
	if (need >= (size_t)NO_LINE) {
		fprintf(stderr, "moka: graph arena full\n");
		abort();
	}
	want = need * 2 < ARENA_MIN_LINES ? ARENA_MIN_LINES : need * 2;
	if (want > (size_t)NO_LINE)
		want = NO_LINE;
	if (!ar->base)
		p = mmap(NULL, want * 64, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	else
		p = mremap(ar->base, ar->reserved * 64, want * 64, MREMAP_MAYMOVE);
	if (p == MAP_FAILED)
		arena_fail("moka: graph arena");
	/* Huge pages: a check then costs cache misses but no page walks. */
	madvise(p, want * 64, MADV_HUGEPAGE);
	ar->base = p;
	ar->reserved = want;
}

/* A block of at least `lines` lines (> 0); stores its real size in *got. */
static uint32_t arena_alloc(struct arena *ar, uint32_t lines, uint32_t *got)
{
	unsigned c = ceil_log2(lines);
	uint32_t line = ar->free_head[c];

	if (line != NO_LINE) {
		uint32_t *b = arena_line(ar, line);
		ar->free_head[c] = b[0];
		*got = b[1];
		ar->free_lines -= *got;
		return line;
	}
	arena_reserve(ar, lines);
	line = (uint32_t)ar->used;
	ar->used += lines;
	*got = lines;
	return line;
}

static void arena_free(struct arena *ar, uint32_t line, uint32_t lines)
{
	unsigned c = floor_log2(lines);
	uint32_t *b = arena_line(ar, line);

	b[0] = ar->free_head[c];
	b[1] = lines;
	ar->free_head[c] = line;
	ar->free_lines += lines;
}

/* The connections of a valid id (NULL when it has none). */
static inline uint32_t *conn_ids(const struct graph *g, uint32_t a)
{
	return g->head[a].len ? arena_line(&g->arena, g->head[a].line) : NULL;
}

/* Moves a's connections to a new block of at least `lines` lines. */
static void conn_move(struct graph *g, uint32_t a, uint32_t lines)
{
	struct conn_head *h = &g->head[a];
	uint32_t got, line = arena_alloc(&g->arena, lines, &got);

	if (h->len)
		memcpy(arena_line(&g->arena, line), arena_line(&g->arena, h->line),
		       (size_t)h->len * sizeof(uint32_t));
	if (g->block[a])
		arena_free(&g->arena, h->line, g->block[a]);
	h->line = line;
	g->block[a] = got;
}

/* Drops a's block (its list must be empty). */
static void conn_drop(struct graph *g, uint32_t a)
{
	if (g->block[a])
		arena_free(&g->arena, g->head[a].line, g->block[a]);
	g->block[a] = 0;
	g->head[a].line = 0;
}

/* Inserts b into a's sorted connections. Returns 1 if inserted, 0 if present. */
static int conn_insert(struct graph *g, uint32_t a, uint32_t b)
{
	uint32_t len = g->head[a].len, *v = conn_ids(g, a);
	size_t i = lower_bound(v, len, b);

	if (i < len && v[i] == b)
		return 0;
	if ((size_t)g->block[a] * LINE_IDS < (size_t)len + 1) {
		/* Power-of-two blocks: amortized O(1) moves per insert. */
		conn_move(g, a, 1u << ceil_log2(lines_for((size_t)len + 1)));
		v = conn_ids(g, a);
		if (!v)
			v = arena_line(&g->arena, g->head[a].line);
	}
	memmove(v + i + 1, v + i, (len - i) * sizeof(*v));
	v[i] = b;
	g->head[a].len = len + 1;
	return 1;
}

/* Removes b from a's sorted connections. Returns 1 if removed, 0 if absent. */
static int conn_remove(struct graph *g, uint32_t a, uint32_t b)
{
	uint32_t len = g->head[a].len, *v = conn_ids(g, a);
	size_t i = lower_bound(v, len, b);

	if (i == len || v[i] != b)
		return 0;
	memmove(v + i, v + i + 1, (len - i - 1) * sizeof(*v));
	g->head[a].len = --len;
	if (len == 0)
		conn_drop(g, a);
	else if (g->block[a] >= 4 && len <= (size_t)g->block[a] * LINE_IDS / 4)
		conn_move(g, a, g->block[a] / 2);
	return 1;
}

/* Replaces a's connections by v[0..n) (sorted), in a block of exactly the needed lines. */
static void conn_set(struct graph *g, uint32_t a, const uint32_t *v, uint32_t n)
{
	g->head[a].len = 0;
	conn_drop(g, a);
	if (n == 0)
		return;
	conn_move(g, a, lines_for(n));
	memcpy(arena_line(&g->arena, g->head[a].line), v, (size_t)n * sizeof(*v));
	g->head[a].len = n;
}

/* --- hubs: 2-hop bitmaps of the heavy tail ------------------------------ */

static uint32_t hub_hash(uint32_t id)
{
	return id * 0x9e3779b1u;
}

/* The slot of hub h, or -1 if h has no bitmap. */
static inline long hub_slot(const struct hubs *hb, uint32_t h)
{
	if (!hb->hash)
		return -1;
	for (uint32_t i = hub_hash(h) & hb->hmask;; i = (i + 1) & hb->hmask) {
		uint32_t e = hb->hash[i];
		if (e == 0)
			return -1;
		if (hb->id[e - 1] == h)
			return (long)e - 1;
	}
}

static void hub_rehash(struct hubs *hb)
{
	uint32_t size = 16;

	while (size < 2 * hb->n)
		size *= 2;
	free(hb->hash);
	hb->hash = xcalloc(size, sizeof(*hb->hash));
	hb->hmask = size - 1;
	for (uint32_t s = 0; s < hb->n; s++) {
		uint32_t i = hub_hash(hb->id[s]) & hb->hmask;
		while (hb->hash[i])
			i = (i + 1) & hb->hmask;
		hb->hash[i] = s + 1;
	}
}

static inline uint64_t *hub_bits(const struct hubs *hb, long slot)
{
	return hb->bits + (size_t)slot * hb->words;
}

/* The two bits of person x in a hub's bitmap (bit 0 connected, bit 1 shares one). */
static inline unsigned hub_get(const uint64_t *bits, uint32_t x)
{
	return (unsigned)(bits[x >> 5] >> ((x & 31) * 2)) & 3u;
}

static inline void hub_set(uint64_t *bits, uint32_t x, unsigned bit)
{
	bits[x >> 5] |= (uint64_t)bit << ((x & 31) * 2);
}

static inline void hub_clear(uint64_t *bits, uint32_t x, unsigned bit)
{
	bits[x >> 5] &= ~((uint64_t)bit << ((x & 31) * 2));
}

/* Words per bitmap for ids 0..cap-1. */
static size_t hub_words_for(uint32_t cap)
{
	return ((size_t)cap + 31) / 32;
}

/*
 * Room for `slots` bitmaps of `words` words (one spare word). Huge pages:
 * on this kind of VM a bitmap in small pages costs 10-50 µs a cold load
 * (measured: page walks through the host's tables), in huge pages one
 * cache miss.
 */
static uint64_t *hub_alloc(uint32_t slots, size_t words)
{
	return snap_alloc_big(((size_t)slots * words + 1) * sizeof(uint64_t));
}

/* Re-lays the bitmaps out for g->cap ids (after graph_ensure grew it). */
static void hub_resize(struct graph *g)
{
	struct hubs *hb = &g->hubs;
	size_t words = hub_words_for(g->cap);
	uint64_t *bits;

	if (words == hb->words)
		return;
	bits = hub_alloc(hb->cap, words);
	memset(bits, 0, ((size_t)hb->cap * words + 1) * sizeof(*bits));
	for (uint32_t s = 0; s < hb->n; s++)
		memcpy(bits + (size_t)s * words, hb->bits + (size_t)s * hb->words,
		       hb->words * sizeof(*bits));
	free(hb->bits);
	hb->bits = bits;
	hb->words = words;
}

/* Fills a hub's bitmap from the connection lists. */
static void hub_fill(const struct graph *g, uint64_t *bits, uint32_t h)
{
	const uint32_t *c = conn_ids(g, h);
	uint32_t nc = g->head[h].len;

	memset(bits, 0, g->hubs.words * sizeof(*bits));
	for (uint32_t i = 0; i < nc; i++) {
		const uint32_t *d = conn_ids(g, c[i]);
		uint32_t nd = g->head[c[i]].len;
		/* The lists are cold: ask for the next ones' heads and first lines early. */
		if (i + 16 < nc)
			__builtin_prefetch(&g->head[c[i + 16]]);
		if (i + 4 < nc && g->head[c[i + 4]].len)
			prefetch_ids(arena_line(&g->arena, g->head[c[i + 4]].line),
				     g->head[c[i + 4]].len);
		hub_set(bits, c[i], 1);
		for (uint32_t j = 0; j < nd; j++)
			hub_set(bits, d[j], 2);
	}
}

/* Makes room for `slots` bitmaps. */
static void hub_reserve(struct hubs *hb, uint32_t slots)
{
	if (slots <= hb->cap)
		return;
	uint64_t *bits = hub_alloc(slots, hb->words);

	if (hb->n)
		memcpy(bits, hb->bits, (size_t)hb->n * hb->words * sizeof(*bits));
	free(hb->bits);
	hb->bits = bits;
	hb->cap = slots;
	hb->id = xrealloc(hb->id, (size_t)hb->cap * sizeof(*hb->id));
}

/* Gives h a bitmap (h has GRAPH_HUB_MIN connections or more). */
static void hub_add(struct graph *g, uint32_t h)
{
	struct hubs *hb = &g->hubs;

	if (hb->words != hub_words_for(g->cap))
		hub_resize(g);
	/* Promotions are rare: grow by an eighth, not twice the memory. */
	hub_reserve(hb, hb->n + 1 + hb->n / 8);
	hb->id[hb->n] = h;
	hub_fill(g, hub_bits(hb, hb->n), h);
	hb->n++;
	hub_rehash(hb);
}

/* Takes h's bitmap away (the last slot moves into its place). */
static void hub_remove(struct graph *g, long slot)
{
	struct hubs *hb = &g->hubs;
	uint32_t last = hb->n - 1;

	if ((uint32_t)slot != last) {
		hb->id[slot] = hb->id[last];
		memcpy(hub_bits(hb, slot), hub_bits(hb, last), hb->words * sizeof(uint64_t));
	}
	hb->n--;
	hub_rehash(hb);
}

static void hubs_free(struct hubs *hb)
{
	free(hb->id);
	free(hb->bits);
	free(hb->hash);
	memset(hb, 0, sizeof(*hb));
}

/* Drops every bitmap and builds one for each person with enough connections. */
static void hubs_rebuild(struct graph *g)
{
	struct hubs *hb = &g->hubs;
	uint32_t n = 0;

	hubs_free(hb);
	hb->words = hub_words_for(g->cap);
	for (uint32_t id = 1; id <= g->max_id; id++)
		n += g->head[id].len >= GRAPH_HUB_MIN;
	if (n == 0)
		return;
	hub_reserve(hb, n);
	for (uint32_t id = 1; id <= g->max_id; id++)
		if (g->head[id].len >= GRAPH_HUB_MIN) {
			hb->id[hb->n] = id;
			hub_fill(g, hub_bits(hb, hb->n), id);
			hb->n++;
		}
	hub_rehash(hb);
}

/* True if x shares a connection with the hub whose bitmap is bits. */
static bool hub_shares(const struct graph *g, const uint64_t *bits, uint32_t x)
{
	const uint32_t *d = conn_ids(g, x);
	uint32_t nd = g->head[x].len;

	for (uint32_t j = 0; j < nd; j++)
		if (hub_get(bits, d[j]) & 1)
			return true;
	return false;
}

/* Recomputes bit 1 ("shares a connection") of x in a hub's bitmap. */
static void hub_recheck(const struct graph *g, uint64_t *bits, uint32_t x)
{
	if (hub_shares(g, bits, x))
		hub_set(bits, x, 2);
	else
		hub_clear(bits, x, 2);
}

/*
 * Calls fn for every hub among a's connections other than `skip`: the
 * hubs for which an edge at a changes what a's partner shares.
 */
static void hubs_around(struct graph *g, uint32_t a, uint32_t skip,
			void (*fn)(struct graph *g, uint64_t *bits, uint32_t x), uint32_t x)
{
	const uint32_t *c = conn_ids(g, a);
	uint32_t n = g->head[a].len;

	if (g->hubs.n == 0)
		return;
	for (uint32_t i = 0; i < n; i++) {
		long s;
		if (c[i] == skip || g->head[c[i]].len < GRAPH_HUB_KEEP)
			continue;
		s = hub_slot(&g->hubs, c[i]);
		if (s >= 0)
			fn(g, hub_bits(&g->hubs, s), x);
	}
}

static void hub_mark_shares(struct graph *g, uint64_t *bits, uint32_t x)
{
	(void)g;
	hub_set(bits, x, 2);
}

static void hub_recheck_cb(struct graph *g, uint64_t *bits, uint32_t x)
{
	hub_recheck(g, bits, x);
}

/*
 * The connection a-b was just added. Hub a now has b as a connection,
 * and shares b with every connection of b; a hub connected to a now
 * shares a with b (and the other way round). Someone reaching
 * GRAPH_HUB_MIN without one gets a bitmap, built from the new lists.
 */
static void hub_edge_added(struct graph *g, uint32_t a, uint32_t b)
{
	uint32_t ends[2] = {a, b};
	bool promote[2];

	for (int k = 0; k < 2; k++) {
		uint32_t h = ends[k], o = ends[1 - k];
		/* h had len - 1 connections before: a hub then had GRAPH_HUB_KEEP or more. */
		long s = g->head[h].len > GRAPH_HUB_KEEP ? hub_slot(&g->hubs, h) : -1;
		promote[k] = s < 0 && g->head[h].len >= GRAPH_HUB_MIN;
		if (s >= 0) {
			uint64_t *bits = hub_bits(&g->hubs, s);
			const uint32_t *d = conn_ids(g, o);
			hub_set(bits, o, 1);
			for (uint32_t j = 0; j < g->head[o].len; j++)
				hub_set(bits, d[j], 2);
		}
	}
	hubs_around(g, a, b, hub_mark_shares, b);
	hubs_around(g, b, a, hub_mark_shares, a);
	for (int k = 0; k < 2; k++)
		if (promote[k])
			hub_add(g, ends[k]);
}

/*
 * The connection a-b was just removed. A hub falling below
 * GRAPH_HUB_KEEP loses the bitmap. A hub at either end is no longer
 * connected to the other, and whatever it shared only through the other
 * is rechecked: the other and the other's connections (and itself). A
 * hub connected to a may no longer share a connection with b (and the
 * other way round): rechecked from b's list.
 */
static void hub_edge_removed(struct graph *g, uint32_t a, uint32_t b)
{
	uint32_t ends[2] = {a, b};

	for (int k = 0; k < 2; k++) {
		uint32_t h = ends[k], o = ends[1 - k];
		long s = g->head[h].len + 1 >= GRAPH_HUB_KEEP ? hub_slot(&g->hubs, h) : -1;
		if (s >= 0 && g->head[h].len < GRAPH_HUB_KEEP) {
			hub_remove(g, s);
		} else if (s >= 0) {
			uint64_t *bits = hub_bits(&g->hubs, s);
			const uint32_t *d = conn_ids(g, o);
			hub_clear(bits, o, 1);
			hub_recheck(g, bits, o);
			hub_recheck(g, bits, h);
			for (uint32_t j = 0; j < g->head[o].len; j++)
				hub_recheck(g, bits, d[j]);
		}
	}
	hubs_around(g, a, b, hub_recheck_cb, b);
	hubs_around(g, b, a, hub_recheck_cb, a);
}

/* --- graph -------------------------------------------------------------- */

struct graph *graph_new(void)
{
	struct graph *g = xcalloc(1, sizeof(struct graph));

	arena_init(&g->arena);
	g->merge = merge_forced != GRAPH_MERGE_AUTO ? merge_forced : merge_best();
	return g;
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
	free(g->head);
	free(g->block);
	free(g->ver);
	arena_release(&g->arena);
	hubs_free(&g->hubs);
	table_free(g->bulk_conn, g->max_id);
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

/* A copy of the first `old` bytes of p in a huge-page-friendly block of `bytes`, zero-filled. */
static void *big_resize(void *p, size_t old, size_t bytes)
{
	void *q = snap_alloc_big(bytes);

	if (old)
		memcpy(q, p, old);
	memset((char *)q + old, 0, bytes - old);
	free(p);
	return q;
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
		g->head = big_resize(g->head, (size_t)g->cap * sizeof(*g->head),
				     (size_t)cap * sizeof(*g->head));
		g->block = xrealloc(g->block, (size_t)cap * sizeof(*g->block));
		memset(g->block + g->cap, 0, (size_t)(cap - g->cap) * sizeof(*g->block));
		g->ver = xrealloc(g->ver, (size_t)cap * sizeof(*g->ver));
		memset(g->ver + g->cap, 0, (size_t)(cap - g->cap) * sizeof(*g->ver));
		if (g->bulk_conn)
			g->bulk_conn = table_resize(g->bulk_conn, g->cap, cap);
		g->following = table_resize(g->following, g->cap, cap);
		g->followers = table_resize(g->followers, g->cap, cap);
		g->cap = cap;
		if (g->hubs.n)
			hub_resize(g);
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
	size_t bytes = sizeof(*g) + 2 * (size_t)g->cap * sizeof(struct graph_list) +
		       (size_t)g->cap * (sizeof(*g->head) + sizeof(*g->block) + sizeof(*g->ver)) +
		       g->arena.used * 64;
	const struct hubs *hb = &g->hubs;

	bytes += (size_t)hb->cap * (hb->words * sizeof(uint64_t) + sizeof(uint32_t)) +
		 (hb->hash ? ((size_t)hb->hmask + 1) * sizeof(uint32_t) : 0);
	for (uint32_t id = 1; id <= g->max_id; id++)
		bytes += ((size_t)g->following[id].cap + g->followers[id].cap) * sizeof(uint32_t);
	if (g->bulk_conn) {
		bytes += (size_t)g->cap * sizeof(struct graph_list);
		for (uint32_t id = 1; id <= g->max_id; id++)
			bytes += (size_t)g->bulk_conn[id].cap * sizeof(uint32_t);
	}
	return bytes;
}

/* Marks a change of a's connections, follows or followers (a known id). */
static void bump(struct graph *g, uint32_t a)
{
	g->ver[a]++;
}

uint32_t graph_version(const struct graph *g, uint32_t a)
{
	return a < g->cap ? g->ver[a] : 0;
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
	if (!conn_insert(g, a, b))
		return 0;
	conn_insert(g, b, a);
	hub_edge_added(g, a, b);
	bump(g, a);
	bump(g, b);
	return 1;
}

int graph_disconnect(struct graph *g, uint32_t a, uint32_t b)
{
	assert(!g->bulk);
	if (a == 0 || b == 0 || a == b)
		return -1;
	if (a > g->max_id || b > g->max_id)
		return 0;
	if (!conn_remove(g, a, b))
		return 0;
	conn_remove(g, b, a);
	hub_edge_removed(g, a, b);
	bump(g, a);
	bump(g, b);
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
	bump(g, a);
	bump(g, b);
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
	bump(g, a);
	bump(g, b);
	return 1;
}

/* True if a and b are valid ids (nonzero, known). */
static inline bool valid_pair(const struct graph *g, uint32_t a, uint32_t b)
{
	assert(!g->bulk);
	return a != 0 && b != 0 && a <= g->max_id && b <= g->max_id;
}

bool graph_is_connected(const struct graph *g, uint32_t a, uint32_t b)
{
	if (!valid_pair(g, a, b))
		return false;
	/* Symmetric relation: search the shorter list. */
	if (g->head[a].len <= g->head[b].len)
		return sorted_contains(conn_ids(g, a), g->head[a].len, b);
	return sorted_contains(conn_ids(g, b), g->head[b].len, a);
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
	struct conn_head ha, hb, t;
	const uint32_t *x, *y;
	uint32_t tid;

	if (a == b)
		return a ? 0 : GRAPH_DISTANCE_FAR;
	if (!valid_pair(g, a, b))
		return GRAPH_DISTANCE_FAR;
	ha = g->head[a];
	hb = g->head[b];
	if (ha.len > hb.len) {
		t = ha;
		ha = hb;
		hb = t;
		tid = a;
		a = b;
		b = tid;
	}
	/* a now has the shorter list. A hub among them answers with one load. */
	if (hb.len >= GRAPH_HUB_KEEP) {
		const struct hubs *hs = &g->hubs;
		long sb = hub_slot(hs, b),
		     sa = sb < 0 && ha.len >= GRAPH_HUB_KEEP ? hub_slot(hs, a) : -1;
		if (sb >= 0 || sa >= 0) {
			unsigned v =
			    sb >= 0 ? hub_get(hub_bits(hs, sb), a) : hub_get(hub_bits(hs, sa), b);
			return v & 1 ? 1 : v & 2 ? 2 : GRAPH_DISTANCE_FAR;
		}
	}
	if (ha.len == 0)
		return GRAPH_DISTANCE_FAR;
	x = arena_line(&g->arena, ha.line);
	y = arena_line(&g->arena, hb.line);
	/*
	 * Both lists are usually cold. Asking for all their cache lines now
	 * lets the misses overlap instead of arriving one by one as the
	 * search and the merge reach them.
	 */
	prefetch_ids(x, ha.len);
	prefetch_ids(y, hb.len);
	if (sorted_contains(x, ha.len, b))
		return 1;
	if (sorted_intersects(x, ha.len, y, hb.len, g->merge))
		return 2;
	return GRAPH_DISTANCE_FAR;
}

size_t graph_degree(const struct graph *g, uint32_t a)
{
	return valid_pair(g, a, a) ? g->head[a].len : 0;
}

const uint32_t *graph_connections(const struct graph *g, uint32_t a, size_t *len)
{
	if (!valid_pair(g, a, a)) {
		*len = 0;
		return NULL;
	}
	*len = g->head[a].len;
	return conn_ids(g, a);
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
	uint32_t na, nb;

	if (!valid_pair(g, a, b) || a == b)
		return 0;
	na = g->head[a].len;
	nb = g->head[b].len;
	if (na <= nb)
		return sorted_common(conn_ids(g, a), na, conn_ids(g, b), nb, out, max);
	return sorted_common(conn_ids(g, b), nb, conn_ids(g, a), na, out, max);
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
	uint32_t *stamp, epoch;
	size_t bound = 0, n = 0;

	*out = s->out;
	if (!valid_pair(g, a, a))
		return 0;
	epoch = scratch_begin(s, g->max_id);
	stamp = s->stamp;
	/* a and its connections are at distance 0 and 1: mark them seen. */
	stamp[a] = epoch;
	/*
	 * Locals, not struct fields, in the loops: the stamp stores could
	 * otherwise alias the lengths and force reloads.
	 */
	const uint32_t *conn = conn_ids(g, a);
	size_t nconn = g->head[a].len;
	for (size_t i = 0; i < nconn; i++) {
		uint32_t c = conn[i];
		stamp[c] = epoch;
		bound += g->head[c].len;
	}
	if (bound > g->max_id)
		bound = g->max_id;
	/* One slot more than the result can hold: the loop below writes ahead. */
	scratch_reserve(s, bound + 1);
	uint32_t *set = s->out;
	for (size_t i = 0; i < nconn; i++) {
		const uint32_t *ids = conn_ids(g, conn[i]);
		size_t len = g->head[conn[i]].len;
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
	if (!g->bulk_conn)
		g->bulk_conn = table_resize(NULL, 0, g->cap);
	g->bulk = true;
	list_push(&g->bulk_conn[a], b);
	list_push(&g->bulk_conn[b], a);
	bump(g, a);
	bump(g, b);
	return 0;
}

int graph_bulk_follow(struct graph *g, uint32_t a, uint32_t b)
{
	if (prepare_pair(g, a, b) < 0)
		return -1;
	g->bulk = true;
	list_push(&g->following[a], b);
	list_push(&g->followers[b], a);
	bump(g, a);
	bump(g, b);
	return 0;
}

/*
 * Moves the bulk-appended connections into the arena: each person's
 * appended ids (plus any connections from before) sorted, deduplicated
 * and copied into a block of exactly the lines they need. The arena is
 * reserved for all of them first so that it is mapped once.
 */
static void bulk_pack_connections(struct graph *g, uint32_t *tmp)
{
	size_t lines = 0;

	for (uint32_t id = 1; id <= g->max_id; id++) {
		struct graph_list *l = &g->bulk_conn[id];
		if (l->len)
			lines += lines_for((size_t)l->len + g->head[id].len);
	}
	arena_reserve(&g->arena, lines);
	for (uint32_t id = 1; id <= g->max_id; id++) {
		struct graph_list *l = &g->bulk_conn[id];
		if (l->len == 0)
			continue;
		for (uint32_t i = 0; i < g->head[id].len; i++)
			list_push(l, conn_ids(g, id)[i]);
		list_sort(l, tmp, false);
		conn_set(g, id, l->ids, l->len);
		list_set_cap(l, 0);
		l->len = 0;
	}
	table_free(g->bulk_conn, g->max_id);
	g->bulk_conn = NULL;
}

void graph_bulk_finish(struct graph *g)
{
	struct graph_list *tables[3] = {g->bulk_conn, g->following, g->followers};
	uint32_t longest = 0;
	uint32_t *tmp;

	for (unsigned t = 0; t < 3; t++)
		for (uint32_t id = 1; tables[t] && id <= g->max_id; id++) {
			uint32_t len = tables[t][id].len + (t == 0 ? g->head[id].len : 0);
			if (len > longest)
				longest = len;
		}
	tmp = xmalloc(((size_t)longest + 1) * sizeof(*tmp));
	if (g->bulk_conn)
		bulk_pack_connections(g, tmp);
	for (unsigned t = 1; t < 3; t++)
		for (uint32_t id = 1; id <= g->max_id; id++)
			list_sort(&tables[t][id], tmp, false);
	free(tmp);
	g->bulk = false;
	hubs_rebuild(g);
	/* The follow lists grew by doubling: lay them out again at their
	 * exact lengths, without the holes (this also hands the appended
	 * connection lists' pages back). */
	size_t n = 0;
	struct xcompact_ref *refs = xmalloc(2 * (size_t)g->max_id * sizeof(*refs) + 1);
	for (unsigned t = 1; t < 3; t++)
		for (uint32_t id = 1; id <= g->max_id; id++) {
			struct graph_list *l = &tables[t][id];
			refs[n++] = (struct xcompact_ref){l->ids, l->len * sizeof(*l->ids)};
		}
	xcompact(refs, n);
	n = 0;
	for (unsigned t = 1; t < 3; t++)
		for (uint32_t id = 1; id <= g->max_id; id++) {
			struct graph_list *l = &tables[t][id];
			l->ids = refs[n++].ptr;
			l->cap = l->len;
		}
	free(refs);
}

/* --- snapshots ---------------------------------------------------------- */

/*
 * Format (unchanged since before the arena): max_id, then for the
 * connections, following and followers in turn the max_id lengths and
 * then every list's ids. The hubs' bitmaps are derived and rebuilt on
 * reading.
 */
void graph_snap_write(const struct graph *g, struct snapw *w)
{
	snapw_u32(w, g->max_id);
	for (uint32_t id = 1; id <= g->max_id; id++)
		snapw_u32(w, g->head[id].len);
	for (uint32_t id = 1; id <= g->max_id; id++)
		snapw_put(w, conn_ids(g, id), (size_t)g->head[id].len * sizeof(uint32_t));
	const struct graph_list *tables[2] = {g->following, g->followers};
	for (unsigned t = 0; t < 2; t++) {
		for (uint32_t id = 1; id <= g->max_id; id++)
			snapw_u32(w, tables[t][id].len);
		for (uint32_t id = 1; id <= g->max_id; id++)
			snapw_put(w, tables[t][id].ids,
				  (size_t)tables[t][id].len * sizeof(uint32_t));
	}
}

/* A list read back is sorted, duplicate-free and within 1..max_id. */
static bool snap_list_ok(const uint32_t *v, uint32_t n, uint32_t max_id)
{
	return strictly_ascending(v, n) && v[0] > 0 && v[n - 1] <= max_id;
}

static bool snap_read_connections(struct snapr *r, struct graph *g, uint32_t *lens)
{
	size_t lines = 0;

	if (!snapr_get(r, lens + 1, (size_t)g->max_id * sizeof(*lens)))
		return false;
	for (uint32_t id = 1; id <= g->max_id; id++) {
		if (lens[id] > g->max_id)
			return false;
		lines += lines_for(lens[id]);
	}
	arena_reserve(&g->arena, lines);
	for (uint32_t id = 1; id <= g->max_id; id++) {
		uint32_t *v;
		if (lens[id] == 0)
			continue;
		conn_move(g, id, lines_for(lens[id]));
		v = arena_line(&g->arena, g->head[id].line);
		if (!snapr_get(r, v, (size_t)lens[id] * sizeof(*v)) ||
		    !snap_list_ok(v, lens[id], g->max_id))
			return false;
		g->head[id].len = lens[id];
	}
	return true;
}

static bool snap_read_follows(struct snapr *r, struct graph *g, struct graph_list *t,
			      uint32_t *lens)
{
	if (!snapr_get(r, lens + 1, (size_t)g->max_id * sizeof(*lens)))
		return false;
	for (uint32_t id = 1; id <= g->max_id; id++) {
		struct graph_list *l = &t[id];
		if (lens[id] == 0)
			continue;
		if (lens[id] > g->max_id)
			return false;
		list_set_cap(l, lens[id]);
		l->len = lens[id];
		if (!snapr_get(r, l->ids, (size_t)l->len * sizeof(*l->ids)) ||
		    !snap_list_ok(l->ids, l->len, g->max_id))
			return false;
	}
	return true;
}

struct graph *graph_snap_read(struct snapr *r)
{
	uint32_t max_id;
	if (!snapr_u32(r, &max_id) || max_id > GRAPH_ID_MAX)
		return NULL;
	struct graph *g = graph_new();
	graph_ensure(g, max_id);
	uint32_t *lens = xmalloc(((size_t)max_id + 1) * sizeof(*lens));
	bool ok = snap_read_connections(r, g, lens) &&
		  snap_read_follows(r, g, g->following, lens) &&
		  snap_read_follows(r, g, g->followers, lens);
	free(lens);
	if (!ok) {
		graph_free(g);
		return NULL;
	}
	hubs_rebuild(g);
	return g;
}

static bool same_ids(const uint32_t *x, size_t nx, const uint32_t *y, size_t ny)
{
	return nx == ny && (nx == 0 || memcmp(x, y, nx * sizeof(*x)) == 0);
}

bool graph_equal(const struct graph *a, const struct graph *b)
{
	if (a->max_id != b->max_id)
		return false;
	for (uint32_t id = 1; id <= a->max_id; id++)
		if (!same_ids(conn_ids(a, id), a->head[id].len, conn_ids(b, id), b->head[id].len) ||
		    !same_ids(a->following[id].ids, a->following[id].len, b->following[id].ids,
			      b->following[id].len) ||
		    !same_ids(a->followers[id].ids, a->followers[id].len, b->followers[id].ids,
			      b->followers[id].len))
			return false;
	return true;
}
