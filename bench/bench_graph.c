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
 * With --db FILE it loads a real company's graph instead: the connections
 * and follows of a moka.db (opened read-only and immutable: nothing is
 * written, so a prepared dataset may be read in place), and same-department
 * pairs from the users' departments.
 *
 * Rows: graph_distance over random pairs, same-department pairs and pairs
 * with a heavy-tail person (2,000 connections or more) and a random one;
 * graph_second_degree; connect/disconnect; and a snapshot written and read
 * back (graph_snap_write/graph_snap_read, as a server's start does).
 *
 * With --merge it uses that block merge instead of the widest the CPU has
 * (graph_merge_force), to compare them in one binary.
 *
 * Usage: bench_graph [--people N] [--seed S] [--pairs P] [--sets K] [--db FILE]
 *                    [--merge sse2|avx2|vp2] [--breakdown N]
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/snapfile.h"
#include "core/xmalloc.h"
#include "graph/graph.h"
#include "graph/graph_int.h"

#define DEPT_SIZE 2000u
#define MEAN_DEGREE 130.0
#define LOCAL_SHARE 0.6
#define MEAN_FOLLOWS 20u
#define BATCH 64u
#define ROUNDS 10u
#define PEOPLE_MAX 10000000ul
#define HEAVY_MIN 2000u

struct bench_opts {
	uint32_t people;
	uint64_t seed;
	size_t pairs;
	size_t sets;
	size_t breakdown;
	const char *db;
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
	uint32_t hubs = n / 1500; /* 293 at 440,000 people, none below 1,500 */
	double hub_sum = 0, sigma = 0.8, mean, mu;

	for (uint32_t k = 0; k < hubs; k++) {
		uint32_t id = rng_below(n) + 1;
		if (w[id] > 0)
			continue;
		w[id] = 2800.0 + rng_unit() * 4300.0;
		hub_sum += w[id];
	}
	mean = (MEAN_DEGREE * n - hub_sum) / (n - hubs);
	if (mean < 2)
		mean = 2;
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

/* A real company's departments: members[start[d] .. start[d + 1]) work in d. */
struct depts {
	uint32_t *of; /* [id] department index, UINT32_MAX for none */
	uint32_t *members;
	size_t *start;
	uint32_t n;
};

static struct depts real_depts;

/* A random colleague of a (a itself when a has no department). */
static uint32_t colleague(uint32_t a, uint32_t n)
{
	const struct depts *d = &real_depts;
	size_t lo, size;

	if (!d->of)
		return dept_pick(a, n);
	if (d->of[a] == UINT32_MAX)
		return a;
	lo = d->start[d->of[a]];
	size = d->start[d->of[a] + 1] - lo;
	return d->members[lo + rng_below((uint32_t)size)];
}

static int cmp_u64(const void *x, const void *y);

static void db_fail(sqlite3 *db, const char *what)
{
	fprintf(stderr, "bench_graph: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

/* Runs a two-column integer query, calling fn for each row. */
static void db_pairs(sqlite3 *db, const char *sql, struct graph *g,
		     int (*fn)(struct graph *, uint32_t, uint32_t))
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		db_fail(db, sql);
	while (sqlite3_step(st) == SQLITE_ROW)
		fn(g, (uint32_t)sqlite3_column_int64(st, 0), (uint32_t)sqlite3_column_int64(st, 1));
	sqlite3_finalize(st);
}

/* Departments from the users table (ids grouped by department text). */
static void db_depts(sqlite3 *db, uint32_t n)
{
	struct depts *d = &real_depts;
	sqlite3_stmt *st;
	uint64_t *keyed = xmalloc((size_t)n * sizeof(*keyed));
	size_t k = 0;
	const char *sql = "SELECT id, department FROM users WHERE department IS NOT NULL "
			  "AND department != '' ORDER BY department";
	const unsigned char *prev = NULL;
	char *last = NULL;

	d->of = xmalloc(((size_t)n + 1) * sizeof(*d->of));
	memset(d->of, 0xff, ((size_t)n + 1) * sizeof(*d->of));
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		db_fail(db, sql);
	while (sqlite3_step(st) == SQLITE_ROW && k < n) {
		uint32_t id = (uint32_t)sqlite3_column_int64(st, 0);
		prev = sqlite3_column_text(st, 1);
		if (id == 0 || id > n)
			continue;
		if (!last || strcmp(last, (const char *)prev) != 0) {
			free(last);
			last = xstrdup((const char *)prev);
			d->n++;
		}
		d->of[id] = d->n - 1;
		keyed[k++] = (uint64_t)(d->n - 1) << 32 | id;
	}
	sqlite3_finalize(st);
	free(last);
	qsort(keyed, k, sizeof(*keyed), cmp_u64);
	d->members = xmalloc((k + 1) * sizeof(*d->members));
	d->start = xcalloc((size_t)d->n + 1, sizeof(*d->start));
	for (size_t i = 0; i < k; i++) {
		d->members[i] = (uint32_t)keyed[i];
		d->start[(keyed[i] >> 32) + 1] = i + 1;
	}
	free(keyed);
}

/* Loads the graph of a moka.db (read-only, immutable); returns the largest id. */
static uint32_t load_db(struct graph *g, const char *path, double *build_s, double *finish_s)
{
	char uri[4096];
	sqlite3 *db;
	sqlite3_stmt *st;
	uint32_t n = 0;
	uint64_t t0 = now_ns(), t1;

	snprintf(uri, sizeof(uri), "file:%s?immutable=1", path);
	if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK)
		db_fail(db, path);
	if (sqlite3_prepare_v2(db, "SELECT max(id) FROM users", -1, &st, NULL) != SQLITE_OK)
		db_fail(db, "users");
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (uint32_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (n < 2 || n > PEOPLE_MAX) {
		fprintf(stderr, "bench_graph: %s: %u people\n", path, n);
		exit(1);
	}
	graph_ensure(g, n);
	db_pairs(db, "SELECT a, b FROM connections", g, graph_bulk_connect);
	db_pairs(db, "SELECT follower, followee FROM follows", g, graph_bulk_follow);
	t1 = now_ns();
	graph_bulk_finish(g);
	*finish_s = (double)(now_ns() - t1) / 1e9;
	*build_s = (double)(now_ns() - t0) / 1e9;
	db_depts(db, n);
	sqlite3_close(db);
	return n;
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

/*
 * Latency summary of one operation. The calls are split into ROUNDS
 * consecutive rounds; p50/p99/p99.9 are the median over rounds of each
 * round's quantile, so that a burst of interference from outside the
 * process (this runs on shared virtual machines) spoils one round rather
 * than the result. The pooled quantiles over all calls are kept as well.
 */
struct lat_summary {
	double p50, p99, p999;		/* median over rounds */
	double pooled_p99, pooled_p999; /* over all calls */
	double mean;
};

/* Summarizes lat[0..n) (sorted in place) into *r. */
static void summarize(uint64_t *lat, size_t n, struct lat_summary *r)
{
	uint64_t q[3][ROUNDS];
	size_t per = n / ROUNDS, rounds = per ? ROUNDS : 1;
	double sum = 0;

	if (!per)
		per = n;
	for (size_t k = 0; k < rounds; k++) {
		uint64_t *v = lat + k * per;
		qsort(v, per, sizeof(*v), cmp_u64);
		q[0][k] = quantile(v, per, 0.50);
		q[1][k] = quantile(v, per, 0.99);
		q[2][k] = quantile(v, per, 0.999);
	}
	for (unsigned j = 0; j < 3; j++)
		qsort(q[j], rounds, sizeof(q[j][0]), cmp_u64);
	r->p50 = (double)q[0][rounds / 2];
	r->p99 = (double)q[1][rounds / 2];
	r->p999 = (double)q[2][rounds / 2];
	for (size_t i = 0; i < n; i++)
		sum += (double)lat[i];
	r->mean = sum / (double)n;
	qsort(lat, n, sizeof(*lat), cmp_u64);
	r->pooled_p99 = (double)quantile(lat, n, 0.99);
	r->pooled_p999 = (double)quantile(lat, n, 0.999);
}

/* One table row; unit_ns is 1 for ns (whole numbers), 1000 for µs (one decimal). */
static void print_row(const char *name, size_t calls, const struct lat_summary *r, double unit_ns,
		      const char *unit, const char *notes)
{
	int prec = unit_ns > 1 ? 1 : 0;

	printf("| %s | %zu | %.*f %s | %.*f %s | %.*f %s | %.*f %s | %.*f / %.*f %s | %s |\n", name,
	       calls, prec, r->p50 / unit_ns, unit, prec, r->p99 / unit_ns, unit, prec,
	       r->p999 / unit_ns, unit, prec, r->mean / unit_ns, unit, prec,
	       r->pooled_p99 / unit_ns, prec, r->pooled_p999 / unit_ns, unit, notes);
}

static uint64_t *lat_alloc(size_t n)
{
	uint64_t *lat = xmalloc(n * sizeof(*lat));

	/* Touch every page now, not inside the timed loop. */
	memset(lat, 0, n * sizeof(*lat));
	return lat;
}

/*
 * Times graph_distance() over the pairs one call at a time (mean: batches
 * of BATCH calls, which leaves the timer out) and prints a row.
 */
static void bench_distance(const struct graph *g, const uint32_t *pairs, size_t n, const char *name)
{
	uint64_t *lat = lat_alloc(n), total = 0;
	size_t hist[4] = {0}, batches = 0;
	struct lat_summary r;
	char notes[160];
	int sink = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t t0 = now_ns();
		int d = graph_distance(g, pairs[2 * i], pairs[2 * i + 1]);
		lat[i] = now_ns() - t0;
		hist[d]++;
	}
	for (size_t i = 0; i + BATCH <= n; i += BATCH) {
		uint64_t t0 = now_ns();
		for (size_t j = i; j < i + BATCH; j++)
			sink += graph_distance(g, pairs[2 * j], pairs[2 * j + 1]);
		total += now_ns() - t0;
		batches++;
	}
	summarize(lat, n, &r);
	if (batches)
		r.mean = (double)total / (double)(batches * BATCH);
	snprintf(notes, sizeof(notes),
		 "distance 0: %.1f%%, 1: %.1f%%, 2: %.1f%%, 3: %.1f%% (checksum %d)",
		 100.0 * (double)hist[0] / (double)n, 100.0 * (double)hist[1] / (double)n,
		 100.0 * (double)hist[2] / (double)n, 100.0 * (double)hist[3] / (double)n, sink);
	print_row(name, n, &r, 1, "ns", notes);
	free(lat);
}

static void bench_second_degree(const struct graph *g, uint32_t n, size_t sets)
{
	struct graph_scratch *s = graph_scratch_new();
	uint64_t *lat = lat_alloc(sets);
	double size_sum = 0, deg_sum = 0;
	size_t max_size = 0;
	struct lat_summary r;
	char notes[160];

	const uint32_t *set;

	/* One untimed call sizes the scratch, as a long-lived server's would be. */
	graph_second_degree(g, s, 1, &set);
	for (size_t i = 0; i < sets; i++) {
		uint32_t a = rng_below(n) + 1;
		uint64_t t0 = now_ns();
		size_t k = graph_second_degree(g, s, a, &set);
		lat[i] = now_ns() - t0;
		size_sum += (double)k;
		deg_sum += (double)graph_degree(g, a);
		if (k > max_size)
			max_size = k;
	}
	summarize(lat, sets, &r);
	snprintf(notes, sizeof(notes),
		 "mean set size %.0f (max %zu); mean degree of the person %.0f",
		 size_sum / (double)sets, max_size, deg_sum / (double)sets);
	print_row("graph_second_degree, random people", sets, &r, 1000, "µs", notes);
	free(lat);
	graph_scratch_free(s);
}

/* Adds then removes random new connections, timing each call. */
static void bench_mutation(struct graph *g, uint32_t n, size_t calls)
{
	uint32_t *pairs = xmalloc(2 * calls * sizeof(*pairs));
	uint64_t *lat = lat_alloc(2 * calls);
	size_t added = 0;
	struct lat_summary r;
	char notes[160];

	for (size_t i = 0; i < calls; i++) {
		pairs[2 * i] = rng_below(n) + 1;
		pairs[2 * i + 1] = rng_below(n) + 1;
	}
	for (size_t i = 0; i < calls; i++) {
		uint64_t t0 = now_ns();
		int ret = graph_connect(g, pairs[2 * i], pairs[2 * i + 1]);
		lat[i] = now_ns() - t0;
		/* Remember which calls added an edge so only those are removed. */
		if (ret != 1)
			pairs[2 * i] = 0;
		added += ret == 1;
	}
	for (size_t i = 0; i < calls; i++) {
		uint64_t t0 = now_ns();
		if (pairs[2 * i])
			graph_disconnect(g, pairs[2 * i], pairs[2 * i + 1]);
		lat[calls + i] = now_ns() - t0;
	}
	summarize(lat, 2 * calls, &r);
	snprintf(notes, sizeof(notes), "%zu new connections added, then removed", added);
	print_row("graph_connect + graph_disconnect", 2 * calls, &r, 1, "ns", notes);
	free(lat);
	free(pairs);
}

static void print_graph_stats(const struct graph *g, uint32_t n, double build_s, double finish_s)
{
	uint32_t *deg = xmalloc((size_t)n * sizeof(*deg));
	size_t edges = 0, follows = 0, hubs = 0, heavy = 0;

	for (uint32_t id = 1; id <= n; id++) {
		size_t len;
		deg[id - 1] = (uint32_t)graph_degree(g, id);
		edges += deg[id - 1];
		hubs += deg[id - 1] >= 2000;
		heavy += deg[id - 1] >= 1024;
		graph_following(g, id, &len);
		follows += len;
	}
	qsort(deg, n, sizeof(*deg), cmp_u32);
	printf("| metric | value |\n|---|---|\n");
	printf("| people | %u |\n", n);
	printf("| connections (undirected) | %zu |\n", edges / 2);
	printf("| follows | %zu |\n", follows);
	printf("| degree mean / p50 / p99 / max | %.1f / %u / %u / %u |\n", (double)edges / n,
	       deg[n / 2], deg[(size_t)(0.99 * (n - 1))], deg[n - 1]);
	printf("| people with >= 2,000 connections | %zu |\n", hubs);
	printf("| people with >= 1,024 connections | %zu |\n", heavy);
	printf("| build: generate (or read) + bulk append + bulk_finish | %.2f s |\n", build_s);
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
	/* Options come in pairs: --name value. */
	for (int i = 1; i < argc; i += 2) {
		unsigned long long v;
		const char *name = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (val && !strcmp(name, "--db")) {
			o->db = val;
			continue;
		}
		if (val && !strcmp(name, "--merge")) {
			/* Before the graph is made: graph_new() takes the forced merge. */
			enum graph_merge k = !strcmp(val, "sse2")   ? GRAPH_MERGE_SSE2
					     : !strcmp(val, "avx2") ? GRAPH_MERGE_AVX2
					     : !strcmp(val, "vp2")  ? GRAPH_MERGE_VP2INTERSECT
								    : GRAPH_MERGE_AUTO;
			if (k == GRAPH_MERGE_AUTO || graph_merge_force(k) < 0)
				return -1;
			continue;
		}
		if (!val || parse_ul(val, UINT64_MAX, &v) < 0)
			return -1;
		if (!strcmp(name, "--people") && v >= 2 && v <= PEOPLE_MAX)
			o->people = (uint32_t)v;
		else if (!strcmp(name, "--seed"))
			o->seed = v;
		else if (!strcmp(name, "--pairs") && v > 0 && v <= 100000000)
			o->pairs = v;
		else if (!strcmp(name, "--sets") && v > 0 && v <= 10000000)
			o->sets = v;
		else if (!strcmp(name, "--breakdown") && v <= 100000000)
			o->breakdown = v;
		else
			return -1;
	}
	return 0;
}

/*
 * Writes the graph to a snapshot file and reads it back as a server's
 * start does (graph_snap_read rebuilds whatever is derived), timing both;
 * the file is in the page cache when read.
 */
static void bench_snapshot(const struct graph *g)
{
	static const uint8_t token[SNAP_TOKEN_BYTES] = {1, 2, 3};
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char path[512];
	struct snapw *w;
	struct snapr *r;
	struct graph *back;
	uint64_t t0, t1, t2;
	bool ok;

	snprintf(path, sizeof(path), "%s/bench-graph-%ld.snap", dir, (long)getpid());
	t0 = now_ns();
	w = snapw_open(path, 1);
	if (!w)
		return;
	graph_snap_write(g, w);
	if (snapw_close(w, token) < 0)
		return;
	t1 = now_ns();
	r = snapr_open(path, 1, token);
	back = r ? graph_snap_read(r) : NULL;
	ok = snapr_close(r) && back;
	t2 = now_ns();
	ok = ok && graph_equal(g, back);
	unlink(path);
	printf(
	    "\n| snapshot (graph only) | write + fsync | read back, derived structures rebuilt | "
	    "same graph |\n|---|---|---|---|\n| %s | %.2f s | %.2f s | %s |\n",
	    path, (double)(t1 - t0) / 1e9, (double)(t2 - t1) / 1e9, ok ? "yes" : "NO");
	graph_free(back);
}

/* Per-pair record of the breakdown: the two degrees, the answer, two timings. */
struct probe {
	uint32_t lo, hi; /* the smaller and the larger degree */
	int d;		 /* the answer */
	uint64_t cold;	 /* first call: heads and lists cold */
	uint64_t warm;	 /* the same call again at once: the merge alone, all in cache */
};

/* Waits for all earlier loads to complete (x86): a timer read after it starts clean. */
static inline void load_fence(void)
{
#if defined(__x86_64__)
	__asm__ volatile("lfence" ::: "memory");
#endif
}

/* Buckets of the breakdown by the sum of both degrees (the ids the merge may read). */
#define PROBE_BUCKETS 8
static unsigned probe_bucket(const struct probe *p)
{
	static const uint32_t edge[] = {64, 128, 256, 512, 1024, 2048};
	uint32_t sum = p->lo + p->hi;
	unsigned k = 0;

	if (p->hi >= HEAVY_MIN)
		return PROBE_BUCKETS - 1;
	while (k < 6 && sum >= edge[k])
		k++;
	return k;
}

/*
 * One row of the breakdown: the probes in bucket k (all if k is -1), their
 * cold and warm p50 and p99, and the medians of those at or above the
 * overall cold p99 (the tail).
 */
static void probe_row(const struct probe *v, size_t n, int k, uint64_t p99, const char *name)
{
	uint64_t *c = xmalloc((n + 1) * sizeof(*c)), *w = xmalloc((n + 1) * sizeof(*w));
	uint64_t *tc = xmalloc((n + 1) * sizeof(*tc)), *tw = xmalloc((n + 1) * sizeof(*tw));
	size_t m = 0, tail = 0, ntail = 0, d2 = 0;

	for (size_t i = 0; i < n; i++) {
		ntail += v[i].cold >= p99;
		if (k >= 0 && probe_bucket(&v[i]) != (unsigned)k)
			continue;
		c[m] = v[i].cold;
		w[m++] = v[i].warm;
		d2 += v[i].d == 2;
		if (v[i].cold >= p99) {
			tc[tail] = v[i].cold;
			tw[tail++] = v[i].warm;
		}
	}
	if (m) {
		qsort(c, m, sizeof(*c), cmp_u64);
		qsort(w, m, sizeof(*w), cmp_u64);
		qsort(tc, tail, sizeof(*tc), cmp_u64);
		qsort(tw, tail, sizeof(*tw), cmp_u64);
		printf(
		    "| %s | %.2f%% | %.1f%% | %.1f%% | %llu / %llu | %llu / %llu | %llu / %llu |\n",
		    name, 100.0 * (double)m / (double)n, 100.0 * (double)d2 / (double)m,
		    100.0 * (double)tail / (double)ntail, (unsigned long long)quantile(c, m, 0.5),
		    (unsigned long long)quantile(c, m, 0.99),
		    (unsigned long long)quantile(w, m, 0.5),
		    (unsigned long long)quantile(w, m, 0.99),
		    (unsigned long long)(tail ? quantile(tc, tail, 0.5) : 0),
		    (unsigned long long)(tail ? quantile(tw, tail, 0.5) : 0));
	}
	free(c);
	free(w);
	free(tc);
	free(tw);
}

/*
 * --breakdown N, the timings: after N untimed checks (so that the timed
 * ones find memory as a running server's do, not untouched since the
 * build), N random pairs each timed cold and then again at once (warm:
 * the merge and the instructions alone, all in cache) into v, and N
 * other pairs timed with both heads loaded first (the lists' round and
 * the merge) into hw. Returns a checksum.
 */
static int breakdown_time(const struct graph *g, uint32_t n, size_t count, struct probe *v,
			  uint64_t *hw)
{
	int sink = 0;

	for (size_t i = 0; i < count; i++)
		sink += graph_distance(g, rng_below(n) + 1, rng_below(n) + 1);
	for (size_t i = 0; i < count; i++) {
		uint32_t a = rng_below(n) + 1, b = rng_below(n) + 1;
		uint64_t t0 = now_ns(), t1, t2;
		int d = graph_distance(g, a, b);
		t1 = now_ns();
		sink += graph_distance(g, a, b);
		t2 = now_ns();
		uint32_t da = (uint32_t)graph_degree(g, a), db = (uint32_t)graph_degree(g, b);
		v[i] = (struct probe){da < db ? da : db, da < db ? db : da, d, t1 - t0, t2 - t1};
	}
	for (size_t i = 0; i < count; i++) {
		uint32_t a = rng_below(n) + 1, b = rng_below(n) + 1;
		sink += (int)(graph_degree(g, a) + graph_degree(g, b)) & 1;
		load_fence();
		uint64_t t0 = now_ns();
		sink += graph_distance(g, a, b);
		hw[i] = now_ns() - t0;
	}
	return sink;
}

/*
 * --breakdown N: where the distance check's tail comes from. Prints the
 * cold, heads-loaded and warm quantiles, then the calls split by the sum
 * of the two degrees, with each bucket's share of the cold tail (the
 * calls at or above the cold p99), and the p99 by answer.
 */
static void bench_breakdown(const struct graph *g, uint32_t n, size_t count)
{
	static const char *names[PROBE_BUCKETS] = {"a + b < 64",
						   "64-127",
						   "128-255",
						   "256-511",
						   "512-1,023",
						   "1,024-2,047",
						   "2,048+ (neither 2,000+)",
						   "one with 2,000+"};
	struct probe *v = xcalloc(count, sizeof(*v));
	uint64_t *hw = lat_alloc(count), *tmp = lat_alloc(count), p99;
	int sink = breakdown_time(g, n, count, v, hw);

	for (size_t i = 0; i < count; i++)
		tmp[i] = v[i].cold;
	qsort(tmp, count, sizeof(*tmp), cmp_u64);
	p99 = quantile(tmp, count, 0.99);
	qsort(hw, count, sizeof(*hw), cmp_u64);
	printf("\n### Where graph_distance's time goes (%zu random pairs, checksum %d)\n\n"
	       "Cold: p50 %llu, p99 %llu, p99.9 %llu ns. Both heads loaded first (the lists' round "
	       "and the merge): p50 %llu, p99 %llu, p99.9 %llu ns. Warm is the same call repeated "
	       "at once (the merge and the instructions alone); the tail is the calls at or above "
	       "the cold p99.\n\n",
	       count, sink, (unsigned long long)quantile(tmp, count, 0.5), (unsigned long long)p99,
	       (unsigned long long)quantile(tmp, count, 0.999),
	       (unsigned long long)quantile(hw, count, 0.5),
	       (unsigned long long)quantile(hw, count, 0.99),
	       (unsigned long long)quantile(hw, count, 0.999));
	printf(
	    "| degree a + b | share of pairs | answer 2 | share of the tail | cold p50 / p99 ns | "
	    "warm p50 / p99 ns | tail: median cold / warm ns |\n|---|---|---|---|---|---|---|\n");
	probe_row(v, count, -1, p99, "all");
	for (int k = 0; k < PROBE_BUCKETS; k++)
		probe_row(v, count, k, p99, names[k]);
	for (int d = 2; d <= 3; d++) {
		size_t m = 0;
		for (size_t i = 0; i < count; i++)
			if (v[i].d == d)
				tmp[m++] = v[i].cold;
		qsort(tmp, m, sizeof(*tmp), cmp_u64);
		if (m)
			printf("%sanswer %d: %zu calls, cold p50 %llu, p99 %llu ns",
			       d == 2 ? "\n" : "; ", d, m,
			       (unsigned long long)quantile(tmp, m, 0.5),
			       (unsigned long long)quantile(tmp, m, 0.99));
	}
	printf(".\n");
	free(v);
	free(hw);
	free(tmp);
}

/* Pairs of a heavy-tail person (HEAVY_MIN connections or more) and a random one. */
static size_t heavy_pairs(const struct graph *g, uint32_t n, uint32_t *pairs, size_t count)
{
	uint32_t *heavy = xmalloc((size_t)n * sizeof(*heavy));
	size_t nh = 0;

	for (uint32_t id = 1; id <= n; id++)
		if (graph_degree(g, id) >= HEAVY_MIN)
			heavy[nh++] = id;
	for (size_t i = 0; nh && i < count; i++) {
		uint32_t h = heavy[rng_below((uint32_t)nh)], o = rng_below(n) + 1;
		/* Either order: the check must not depend on it. */
		pairs[2 * i] = i % 2 ? h : o;
		pairs[2 * i + 1] = i % 2 ? o : h;
	}
	free(heavy);
	return nh;
}

int main(int argc, char **argv)
{
	struct bench_opts o = {.people = 10000, .seed = 1, .pairs = 1000000, .sets = 10000};
	struct graph *g;
	uint32_t *pairs;
	double build_s, finish_s;

	if (parse_args(argc, argv, &o) < 0) {
		fprintf(stderr,
			"usage: %s [--people N (2..%lu)] [--seed S] [--pairs P] [--sets K] "
			"[--db moka.db] [--merge sse2|avx2|vp2] [--breakdown N]\n",
			argv[0], PEOPLE_MAX);
		return 2;
	}
	rng_state = o.seed;
	g = graph_new();
	if (o.db)
		o.people = load_db(g, o.db, &build_s, &finish_s);
	else
		build(g, o.people, &build_s, &finish_s);

	if (o.db)
		printf("## bench_graph: %s (%u people), seed %llu\n\n", o.db, o.people,
		       (unsigned long long)o.seed);
	else
		printf("## bench_graph: %u people, seed %llu\n\n", o.people,
		       (unsigned long long)o.seed);
	print_graph_stats(g, o.people, build_s, finish_s);

	printf("\nEach call is timed alone with clock_gettime(CLOCK_MONOTONIC), which adds "
	       "the timer's own cost (%llu ns here, median of an empty pair). p50/p99/p99.9 are "
	       "medians over %u rounds of the per-round quantile; \"pooled\" is over all calls. "
	       "For graph_distance, whose calls are too short to time alone without that bias, "
	       "the mean column times batches of %u calls and divides instead.\n\n",
	       (unsigned long long)timer_overhead(), ROUNDS, BATCH);
	printf("| operation | calls | p50 | p99 | p99.9 | mean | pooled p99 / p99.9 | notes |\n"
	       "|---|---|---|---|---|---|---|---|\n");

	pairs = xmalloc(2 * o.pairs * sizeof(*pairs));
	for (size_t i = 0; i < o.pairs; i++) {
		pairs[2 * i] = rng_below(o.people) + 1;
		pairs[2 * i + 1] = rng_below(o.people) + 1;
	}
	if (o.breakdown) {
		bench_breakdown(g, o.people, o.breakdown);
		graph_free(g);
		free(pairs);
		return 0;
	}
	bench_distance(g, pairs, o.pairs, "graph_distance, random pairs");
	for (size_t i = 0; i < o.pairs; i++)
		pairs[2 * i + 1] = colleague(pairs[2 * i], o.people);
	bench_distance(g, pairs, o.pairs, "graph_distance, same-department pairs");
	if (heavy_pairs(g, o.people, pairs, o.pairs))
		bench_distance(g, pairs, o.pairs,
			       "graph_distance, a heavy-tail person (>= 2,000) and a random one");
	free(pairs);

	bench_second_degree(g, o.people, o.sets);
	bench_mutation(g, o.people, 100000);
	printf("\n");
	bench_snapshot(g);
	graph_free(g);
	return 0;
}
