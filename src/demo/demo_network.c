/*
 * demo_network: who is connected to whom, and who follows whom.
 *
 * Everyone is connected to their manager. Then each person proposes about
 * weight/2 connections, nearest first: the first few in their team (their
 * manager's subtree), the next in the wider team (their manager's
 * manager's subtree), the rest in their department, their office, or
 * anywhere in the company in proportion to weight, which gives the
 * well-connected their thousands. Duplicates collapse, so the mean degree
 * comes out close to the mean weight.
 *
 * Follows: one's manager chain, some of the most connected people, a few
 * people across the company and a few connections.
 */
#include "demo/demo_int.h"
#include "core/xmalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TEAM_PICKS 3
#define WIDE_TEAM_PICKS 10
#define LEADERS 20

static uint64_t pair_key(uint32_t a, uint32_t b)
{
	return a < b ? (uint64_t)a << 32 | b : (uint64_t)b << 32 | a;
}

/* The subtree of id's ancestor `up` levels above (the whole company at the top). */
static void scope(const struct demo *d, uint32_t id, int up, uint32_t *lo, uint32_t *hi)
{
	uint32_t a = id;
	for (int i = 0; i < up && d->people[a].manager; i++)
		a = d->people[a].manager;
	*lo = a;
	*hi = d->people[a].end;
}

static uint32_t dept_head(const struct demo *d, uint32_t id)
{
	while (d->people[id].depth > 1)
		id = d->people[id].manager;
	return id;
}

static uint32_t propose(const struct demo *d, struct demo_rng *r, uint32_t id, uint32_t j)
{
	uint32_t lo, hi;
	if (j < TEAM_PICKS) {
		scope(d, id, 1, &lo, &hi);
	} else if (j < WIDE_TEAM_PICKS) {
		scope(d, id, 2, &lo, &hi);
	} else {
		double u = demo_rng_unit(r);
		if (u < 0.35) {
			lo = dept_head(d, id);
			hi = d->people[lo].end;
		} else if (u < 0.55) {
			uint8_t l = d->people[id].loc;
			uint32_t n = d->loc_start[l + 1] - d->loc_start[l];
			return d->loc_people[d->loc_start[l] + demo_rng_below(r, n)];
		} else {
			return demo_alias_draw(&d->by_weight, r);
		}
	}
	return lo + demo_rng_below(r, hi - lo);
}

static void build_csr(struct demo *d)
{
	d->conn_off = xcalloc((size_t)d->n + 2, sizeof(*d->conn_off));
	for (size_t i = 0; i < d->n_pairs; i++) {
		d->conn_off[(d->pairs[i] >> 32) + 1]++;
		d->conn_off[(uint32_t)d->pairs[i] + 1]++;
	}
	for (uint32_t i = 1; i <= d->n + 1; i++)
		d->conn_off[i] += d->conn_off[i - 1];
	d->conn = xmalloc(d->n_pairs * 2 * sizeof(*d->conn) + 1);
	uint64_t *fill = xmalloc(((size_t)d->n + 2) * sizeof(*fill));
	memcpy(fill, d->conn_off, ((size_t)d->n + 2) * sizeof(*fill));
	/* pairs are sorted by (a, b): both directions come out sorted */
	for (size_t i = 0; i < d->n_pairs; i++) {
		uint32_t a = (uint32_t)(d->pairs[i] >> 32), b = (uint32_t)d->pairs[i];
		d->conn[fill[a]++] = b;
		d->conn[fill[b]++] = a;
	}
	free(fill);
}

static void build_connections(struct demo *d)
{
	struct demo_rng r;
	demo_rng_init(&r, d->o.seed, STREAM_CONNECT);
	size_t cap = d->n;
	for (uint32_t i = 1; i <= d->n; i++)
		cap += (size_t)(d->people[i].weight * 0.55f) + 1;
	d->pairs = xmalloc(cap * sizeof(*d->pairs));
	size_t n = 0;
	for (uint32_t i = 1; i <= d->n; i++) {
		if (d->people[i].manager)
			d->pairs[n++] = pair_key(i, d->people[i].manager);
		double want = d->people[i].weight * 0.55;
		uint32_t k = (uint32_t)want + (demo_rng_unit(&r) < want - floor(want));
		for (uint32_t j = 0; j < k && n < cap; j++) {
			uint32_t p = propose(d, &r, i, j);
			if (p != i)
				d->pairs[n++] = pair_key(i, p);
		}
	}
	d->n_pairs = demo_sort_unique_u64(d->pairs, n);
	build_csr(d);
	d->mean_degree = d->n ? 2.0 * (double)d->n_pairs / d->n : 0;
}

/* The LEADERS best-connected people, best first. */
static size_t leaders(const struct demo *d, uint32_t *out)
{
	size_t n = 0;
	for (uint32_t i = 1; i <= d->n; i++) {
		size_t deg = demo_degree(d, i);
		if (n == LEADERS && deg <= demo_degree(d, out[n - 1]))
			continue;
		size_t k = n < LEADERS ? n++ : n - 1;
		while (k > 0 && demo_degree(d, out[k - 1]) < deg) {
			out[k] = out[k - 1];
			k--;
		}
		out[k] = i;
	}
	return n;
}

static void build_follows(struct demo *d)
{
	struct demo_rng r;
	demo_rng_init(&r, d->o.seed, STREAM_FOLLOW);
	uint32_t top[LEADERS];
	size_t n_top = leaders(d, top);
	size_t cap = (size_t)d->n * (LEADERS + 32) + 1, n = 0;
	uint64_t *f = xmalloc(cap * sizeof(*f));
	for (uint32_t i = 1; i <= d->n; i++) {
		for (uint32_t m = d->people[i].manager; m; m = d->people[m].manager)
			f[n++] = (uint64_t)i << 32 | m;
		for (size_t k = 0; k < n_top; k++)
			if (demo_rng_unit(&r) < (k == 0 ? 0.6 : 0.25))
				f[n++] = (uint64_t)i << 32 | top[k];
		uint32_t global = 2 + demo_rng_below(&r, 8);
		for (uint32_t k = 0; k < global; k++)
			f[n++] = (uint64_t)i << 32 | demo_alias_draw(&d->by_weight, &r);
		size_t deg = demo_degree(d, i);
		for (uint32_t k = 0; k < 2 && deg; k++)
			f[n++] = (uint64_t)i << 32 |
				 demo_connections(d, i)[demo_rng_below(&r, (uint32_t)deg)];
	}
	size_t out = 0;
	for (size_t k = 0; k < n; k++)
		if ((uint32_t)(f[k] >> 32) != (uint32_t)f[k])
			f[out++] = f[k];
	d->follows = f;
	d->n_follows = demo_sort_unique_u64(f, out);
}

int demo_network_build(struct demo *d)
{
	float *w = xmalloc((size_t)d->n * sizeof(*w));
	for (uint32_t i = 1; i <= d->n; i++)
		w[i - 1] = d->people[i].weight;
	demo_alias_build(&d->by_weight, w, d->n);
	build_connections(d);
	build_follows(d);
	for (uint32_t i = 1; i <= d->n; i++)
		w[i - 1] = d->people[i].activity;
	demo_alias_build(&d->by_activity, w, d->n);
	free(w);
	return 0;
}

size_t demo_degree(const struct demo *d, uint32_t id)
{
	return d->conn_off[id + 1] - d->conn_off[id];
}

const uint32_t *demo_connections(const struct demo *d, uint32_t id)
{
	return d->conn + d->conn_off[id];
}
