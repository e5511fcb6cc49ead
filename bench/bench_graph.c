/*
 * bench_graph: micro-benchmark of the in-memory social graph (src/graph).
 *
 * Builds a synthetic company of N people through the bulk loader, then
 * times graph_distance() over random pairs, graph_second_degree() for
 * random people and incremental graph_connect()/graph_disconnect(), and
 * prints a Markdown report on stdout.
 *
 * The synthetic graph: people sit in departments of 2,000 consecutive
 * ids. Each person gets a weight (log-normal, a few hundred "hubs" with
 * weights of several thousand) and starts about weight/2 connections,
 * 60% to a uniformly chosen colleague of the same department, 40% to a
 * person chosen in proportion to weight. Expected degree is then about
 * 0.7 * weight + 0.3 * mean weight, with a mean of about 130 and hubs at
 * 2,000-5,000 connections. Each person also follows about 20 people,
 * chosen in proportion to weight.
 *
 * Usage: bench_graph [--people N] [--seed S] [--pairs P] [--sets K]
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xmalloc.h"
#include "graph/graph.h"

#define DEPT_SIZE 2000u
#define MEAN_DEGREE 130.0
#define LOCAL_SHARE 0.6
#define MEAN_FOLLOWS 20u
#define BATCH 64u
#define PEOPLE_MAX 10000000ul

struct bench_opts {
	uint32_t people;
	uint64_t seed;
	size_t pairs;
	size_t sets;
};

/* Vose alias table: O(1) sampling of ids in proportion to weight. */
struct alias {
	double *prob;
	uint32_t *other;
	uint32_t n;
};

static uint64_t rng_state;

/* xoshiro-like quality is not needed; splitmix64 is fast and seedable. */
static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform double in [0, 1). */
static double rng_unit(void)
{
	return (double)(rng_next() >> 11) * 0x1.0p-53;
}

/* Uniform integer in [0, n). */
static uint32_t rng_below(uint32_t n)
{
	return (uint32_t)(((rng_next() >> 32) * n) >> 32);
}

static double rng_normal(void)
{
	double u = rng_unit(), v = rng_unit();
	return sqrt(-2.0 * log(1.0 - u)) * cos(2.0 * M_PI * v);
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Builds the alias table over w[1..n] (w[0] is ignored). */
static void alias_build(struct alias *t, const double *w, uint32_t n)
{
	uint32_t *small = xmalloc((size_t)n * sizeof(*small));
	uint32_t *large = xmalloc((size_t)n * sizeof(*large));
	size_t ns = 0, nl = 0;
	double sum = 0;

	t->prob = xmalloc((size_t)n * sizeof(*t->prob));
	t->other = xmalloc((size_t)n * sizeof(*t->other));
	t->n = n;
	for (uint32_t i = 0; i < n; i++)
		sum += w[i + 1];
	for (uint32_t i = 0; i < n; i++) {
		t->prob[i] = w[i + 1] * n / sum;
		t->other[i] = i;
		if (t->prob[i] < 1.0)
			small[ns++] = i;
		else
			large[nl++] = i;
	}
	while (ns > 0 && nl > 0) {
		uint32_t s = small[--ns], l = large[nl - 1];
		t->other[s] = l;
		t->prob[l] -= 1.0 - t->prob[s];
		if (t->prob[l] < 1.0) {
			nl--;
			small[ns++] = l;
		}
	}
	while (nl > 0)
		t->prob[large[--nl]] = 1.0;
	while (ns > 0)
		t->prob[small[--ns]] = 1.0;
	free(small);
	free(large);
}

/* An id in 1..n drawn in proportion to its weight. */
static uint32_t alias_sample(const struct alias *t)
{
	uint32_t i = rng_below(t->n);
	return (rng_unit() < t->prob[i] ? i : t->other[i]) + 1;
}

static void alias_free(struct alias *t)
{
	free(t->prob);
	free(t->other);
}

/* Weights w[1..n]: log-normal for most, a few hundred hubs. */
static double *make_weights(uint32_t n)
{
	double *w = xcalloc((size_t)n + 1, sizeof(*w));
	uint32_t hubs = n / 1500 < 3 ? 3 : n / 1500;
	double hub_sum = 0, sigma = 0.8, mean, mu;

	for (uint32_t k = 0; k < hubs; k++) {
		uint32_t id = rng_below(n) + 1;
		if (w[id] > 0)
			continue;
		w[id] = 2800.0 + rng_unit() * 4300.0;
		hub_sum += w[id];
	}
	mean = (MEAN_DEGREE * n - hub_sum) / (n - hubs);
	mu = log(mean) - sigma * sigma / 2;
	for (uint32_t id = 1; id <= n; id++) {
		if (w[id] > 0)
			continue;
		w[id] = exp(mu + sigma * rng_normal());
		if (w[id] > 1500)
			w[id] = 1500;
	}
	return w;
}

static uint32_t dept_pick(uint32_t a, uint32_t n)
{
	uint32_t lo = (a - 1) / DEPT_SIZE * DEPT_SIZE + 1;
	uint32_t size = n - lo + 1 < DEPT_SIZE ? n - lo + 1 : DEPT_SIZE;
	return lo + rng_below(size);
}

/* Random rounding, so that small weights keep their mean. */
static uint32_t round_random(double x)
{
	double f = floor(x);
	return (uint32_t)f + (rng_unit() < x - f);
}

static void build(struct graph *g, uint32_t n, double *build_s, double *finish_s)
{
	double *w = make_weights(n);
	struct alias t;
	uint64_t t0 = now_ns(), t1;

	alias_build(&t, w, n);
	graph_ensure(g, n);
	for (uint32_t a = 1; a <= n; a++) {
		uint32_t k = round_random(w[a] / 2);
		for (uint32_t e = 0; e < k; e++) {
			uint32_t b = rng_unit() < LOCAL_SHARE ? dept_pick(a, n) : alias_sample(&t);
			if (b != a)
				graph_bulk_connect(g, a, b);
		}
		k = rng_below(2 * MEAN_FOLLOWS + 1);
		for (uint32_t e = 0; e < k; e++) {
			uint32_t b = alias_sample(&t);
			if (b != a)
				graph_bulk_follow(g, a, b);
		}
	}
	t1 = now_ns();
	graph_bulk_finish(g);
	*finish_s = (double)(now_ns() - t1) / 1e9;
	*build_s = (double)(now_ns() - t0) / 1e9;
	alias_free(&t);
	free(w);
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return (a > b) - (a < b);
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return (a > b) - (a < b);
}

/* The q-quantile of sorted v[0..n). */
static uint64_t quantile(const uint64_t *v, size_t n, double q)
{
	size_t i = (size_t)(q * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

/* Median cost of an empty clock_gettime pair, in ns. */
static uint64_t timer_overhead(void)
{
	enum { N = 100000 };
	uint64_t *v = xmalloc(N * sizeof(*v)), med;

	for (size_t i = 0; i < N; i++) {
		uint64_t t0 = now_ns();
		v[i] = now_ns() - t0;
	}
	qsort(v, N, sizeof(*v), cmp_u64);
	med = v[N / 2];
	free(v);
	return med;
}

struct dist_result {
	uint64_t p50, p99, p999, max;
	double batch_mean; /* ns per call, from batches of BATCH calls */
	size_t hist[4];
};

/* Times graph_distance() over the pairs, one call at a time and in batches. */
static void time_distance(const struct graph *g, const uint32_t *pairs, size_t npairs,
			  struct dist_result *r)
{
	uint64_t *lat = xmalloc(npairs * sizeof(*lat));
	uint64_t total = 0;
	size_t batches = 0;

	memset(r->hist, 0, sizeof(r->hist));
	for (size_t i = 0; i < npairs; i++) {
		uint64_t t0 = now_ns();
		int d = graph_distance(g, pairs[2 * i], pairs[2 * i + 1]);
		lat[i] = now_ns() - t0;
		r->hist[d]++;
	}
	for (size_t i = 0; i + BATCH <= npairs; i += BATCH) {
		int sink = 0;
		uint64_t t0 = now_ns();
		for (size_t j = i; j < i + BATCH; j++)
			sink += graph_distance(g, pairs[2 * j], pairs[2 * j + 1]);
		total += now_ns() - t0;
		batches++;
		if (sink < 0)
			fputs("impossible\n", stderr);
	}
	qsort(lat, npairs, sizeof(*lat), cmp_u64);
	r->p50 = quantile(lat, npairs, 0.50);
	r->p99 = quantile(lat, npairs, 0.99);
	r->p999 = quantile(lat, npairs, 0.999);
	r->max = lat[npairs - 1];
	r->batch_mean = batches ? (double)total / (double)(batches * BATCH) : 0;
	free(lat);
}

static void print_distance_row(const char *name, size_t n, const struct dist_result *r)
{
	printf("| graph_distance, %s | %zu | %llu ns | %llu ns | %llu ns | %.0f ns | "
	       "d1 %.1f%%, d2 %.1f%%, d3 %.1f%% |\n",
	       name, n, (unsigned long long)r->p50, (unsigned long long)r->p99,
	       (unsigned long long)r->p999, r->batch_mean, 100.0 * (double)r->hist[1] / (double)n,
	       100.0 * (double)r->hist[2] / (double)n, 100.0 * (double)r->hist[3] / (double)n);
}

static void bench_second_degree(const struct graph *g, uint32_t n, size_t sets)
{
	struct graph_scratch *s = graph_scratch_new();
	uint64_t *lat = xmalloc(sets * sizeof(*lat));
	double size_sum = 0, deg_sum = 0, ns_sum = 0;
	size_t max_size = 0;

	for (size_t i = 0; i < sets; i++) {
		uint32_t a = rng_below(n) + 1;
		const uint32_t *set;
		uint64_t t0 = now_ns();
		size_t k = graph_second_degree(g, s, a, &set);
		lat[i] = now_ns() - t0;
		ns_sum += (double)lat[i];
		size_sum += (double)k;
		deg_sum += (double)graph_degree(g, a);
		if (k > max_size)
			max_size = k;
	}
	qsort(lat, sets, sizeof(*lat), cmp_u64);
	printf("| graph_second_degree | %zu | %.1f µs | %.1f µs | %.1f µs | %.1f µs | "
	       "mean set %.0f (max %zu), mean degree of the person %.0f; slowest call %.1f µs |\n",
	       sets, (double)quantile(lat, sets, 0.5) / 1e3, (double)quantile(lat, sets, 0.99) / 1e3,
	       (double)quantile(lat, sets, 0.999) / 1e3, ns_sum / (double)sets / 1e3,
	       size_sum / (double)sets, max_size, deg_sum / (double)sets,
	       (double)lat[sets - 1] / 1e3);
	free(lat);
	graph_scratch_free(s);
}

/* Adds then removes random new connections, timing each call. */
static void bench_mutation(struct graph *g, uint32_t n, size_t calls)
{
	uint32_t *pairs = xmalloc(2 * calls * sizeof(*pairs));
	uint64_t *lat = xmalloc(2 * calls * sizeof(*lat));
	size_t added = 0;

	for (size_t i = 0; i < calls; i++) {
		pairs[2 * i] = rng_below(n) + 1;
		pairs[2 * i + 1] = rng_below(n) + 1;
	}
	for (size_t i = 0; i < calls; i++) {
		uint64_t t0 = now_ns();
		int r = graph_connect(g, pairs[2 * i], pairs[2 * i + 1]);
		lat[i] = now_ns() - t0;
		/* Remember which calls added an edge so only those are removed. */
		if (r != 1)
			pairs[2 * i] = 0;
		added += r == 1;
	}
	for (size_t i = 0; i < calls; i++) {
		uint64_t t0 = now_ns();
		if (pairs[2 * i])
			graph_disconnect(g, pairs[2 * i], pairs[2 * i + 1]);
		lat[calls + i] = now_ns() - t0;
	}
	qsort(lat, 2 * calls, sizeof(*lat), cmp_u64);
	printf("| graph_connect + graph_disconnect | %zu | %llu ns | %llu ns | %llu ns | - | "
	       "%zu new edges added then removed |\n",
	       2 * calls, (unsigned long long)quantile(lat, 2 * calls, 0.5),
	       (unsigned long long)quantile(lat, 2 * calls, 0.99),
	       (unsigned long long)quantile(lat, 2 * calls, 0.999), added);
	free(lat);
	free(pairs);
}

static void print_graph_stats(const struct graph *g, uint32_t n, double build_s, double finish_s)
{
	uint32_t *deg = xmalloc((size_t)n * sizeof(*deg));
	size_t edges = 0, follows = 0, hubs = 0;

	for (uint32_t id = 1; id <= n; id++) {
		size_t len;
		deg[id - 1] = (uint32_t)graph_degree(g, id);
		edges += deg[id - 1];
		hubs += deg[id - 1] >= 2000;
		graph_following(g, id, &len);
		follows += len;
	}
	qsort(deg, n, sizeof(*deg), cmp_u32);
	printf("| metric | value |\n|---|---|\n");
	printf("| people | %u |\n", n);
	printf("| connections (undirected) | %zu |\n", edges / 2);
	printf("| follows | %zu |\n", follows);
	printf("| degree mean / p50 / p99 / max | %.1f / %u / %u / %u |\n",
	       (double)edges / n, deg[n / 2], deg[(size_t)(0.99 * (n - 1))], deg[n - 1]);
	printf("| people with >= 2,000 connections | %zu |\n", hubs);
	printf("| build: generate + bulk append + bulk_finish | %.2f s |\n", build_s);
	printf("| of which graph_bulk_finish | %.2f s |\n", finish_s);
	printf("| graph_bytes | %.1f MiB |\n", (double)graph_bytes(g) / (1024.0 * 1024.0));
	free(deg);
}

static int parse_ul(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || v > max || s[0] == '-')
		return -1;
	*out = v;
	return 0;
}

static int parse_args(int argc, char **argv, struct bench_opts *o)
{
	for (int i = 1; i < argc; i++) {
		unsigned long long v;
		if (i + 1 >= argc)
			return -1;
		if (!strcmp(argv[i], "--people") && !parse_ul(argv[i + 1], PEOPLE_MAX, &v) &&
		    v >= 2)
			o->people = (uint32_t)v;
		else if (!strcmp(argv[i], "--seed") && !parse_ul(argv[i + 1], UINT64_MAX, &v))
			o->seed = v;
		else if (!strcmp(argv[i], "--pairs") && !parse_ul(argv[i + 1], 100000000, &v) &&
			 v > 0)
			o->pairs = v;
		else if (!strcmp(argv[i], "--sets") && !parse_ul(argv[i + 1], 10000000, &v) && v > 0)
			o->sets = v;
		else
			return -1;
		i++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bench_opts o = {.people = 10000, .seed = 1, .pairs = 1000000, .sets = 10000};
	struct graph *g;
	struct dist_result r;
	uint32_t *pairs;
	double build_s, finish_s;

	if (parse_args(argc, argv, &o) < 0) {
		fprintf(stderr, "usage: %s [--people N (2..%lu)] [--seed S] [--pairs P] [--sets K]\n",
			argv[0], PEOPLE_MAX);
		return 2;
	}
	rng_state = o.seed;
	g = graph_new();
	build(g, o.people, &build_s, &finish_s);

	printf("## bench_graph: %u people, seed %llu\n\n", o.people, (unsigned long long)o.seed);
	print_graph_stats(g, o.people, build_s, finish_s);

	printf("\nLatencies time each call alone with clock_gettime(CLOCK_MONOTONIC); they "
	       "include the timer's own cost, %llu ns here (median of an empty pair). "
	       "For graph_distance the mean column instead times batches of %u calls and divides, "
	       "so it excludes the timer.\n\n",
	       (unsigned long long)timer_overhead(), BATCH);
	printf("| operation | calls | p50 | p99 | p99.9 | mean | notes |\n"
	       "|---|---|---|---|---|---|---|\n");

	pairs = xmalloc(2 * o.pairs * sizeof(*pairs));
	for (size_t i = 0; i < o.pairs; i++) {
		pairs[2 * i] = rng_below(o.people) + 1;
		pairs[2 * i + 1] = rng_below(o.people) + 1;
	}
	time_distance(g, pairs, o.pairs, &r);
	print_distance_row("random pairs", o.pairs, &r);
	for (size_t i = 0; i < o.pairs; i++)
		pairs[2 * i + 1] = dept_pick(pairs[2 * i], o.people);
	time_distance(g, pairs, o.pairs, &r);
	print_distance_row("same-department pairs", o.pairs, &r);
	free(pairs);

	bench_second_degree(g, o.people, o.sets);
	bench_mutation(g, o.people, 100000);
	graph_free(g);
	return 0;
}
