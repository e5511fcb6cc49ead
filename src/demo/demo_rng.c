/*
 * demo_rng: the demo generator's seeded randomness (xoshiro256** seeded
 * through splitmix64), weighted draws (Vose's alias method) and a radix
 * sort for the big arrays of 64-bit pairs. Never rand(): a seed must give
 * the same company on every machine.
 */
#include "demo/demo_int.h"
#include "core/xmalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void demo_rng_init(struct demo_rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ull);
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t demo_rng_next(struct demo_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint32_t demo_rng_below(struct demo_rng *r, uint32_t n)
{
	/* Lemire's multiply-shift; the bias is below 2^-32, irrelevant here */
	return (uint32_t)(((demo_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

double demo_rng_unit(struct demo_rng *r)
{
	return (double)(demo_rng_next(r) >> 11) * 0x1.0p-53;
}

double demo_rng_normal(struct demo_rng *r)
{
	double u = demo_rng_unit(r), v = demo_rng_unit(r);
	return sqrt(-2.0 * log(1.0 - u)) * cos(2.0 * M_PI * v);
}

uint32_t demo_rng_poisson(struct demo_rng *r, double lambda)
{
	if (lambda <= 0)
		return 0;
	if (lambda > 30) {
		double x = lambda + sqrt(lambda) * demo_rng_normal(r);
		return x < 0 ? 0 : (uint32_t)(x + 0.5);
	}
	double limit = exp(-lambda), p = demo_rng_unit(r);
	uint32_t k = 0;
	while (p > limit) {
		k++;
		p *= demo_rng_unit(r);
	}
	return k;
}

double demo_rng_exp(struct demo_rng *r, double mean)
{
	return -mean * log(1.0 - demo_rng_unit(r));
}

void demo_alias_build(struct demo_alias *a, const float *w, uint32_t n)
{
	a->n = n;
	a->prob = xmalloc((size_t)n * sizeof(*a->prob) + 1);
	a->other = xmalloc((size_t)n * sizeof(*a->other) + 1);
	double total = 0;
	for (uint32_t i = 0; i < n; i++)
		total += w[i];
	double *p = xmalloc((size_t)n * sizeof(*p) + 1);
	uint32_t *small = xmalloc((size_t)n * sizeof(*small) + 1);
	uint32_t *large = xmalloc((size_t)n * sizeof(*large) + 1);
	uint32_t ns = 0, nl = 0;
	for (uint32_t i = 0; i < n; i++) {
		p[i] = total > 0 ? w[i] * (double)n / total : 1.0;
		if (p[i] < 1.0)
			small[ns++] = i;
		else
			large[nl++] = i;
	}
	while (ns && nl) {
		uint32_t s = small[--ns], l = large[nl - 1];
		a->prob[s] = (float)p[s];
		a->other[s] = l;
		p[l] -= 1.0 - p[s];
		if (p[l] < 1.0) {
			nl--;
			small[ns++] = l;
		}
	}
	while (nl)
		a->prob[large[--nl]] = 1.0f;
	while (ns)
		a->prob[small[--ns]] = 1.0f;
	for (uint32_t i = 0; i < n; i++)
		if (a->prob[i] >= 1.0f)
			a->other[i] = i;
	free(p);
	free(small);
	free(large);
}

uint32_t demo_alias_draw(const struct demo_alias *a, struct demo_rng *r)
{
	uint32_t i = demo_rng_below(r, a->n);
	return (demo_rng_unit(r) < a->prob[i] ? i : a->other[i]) + 1;
}

void demo_alias_free(struct demo_alias *a)
{
	free(a->prob);
	free(a->other);
	memset(a, 0, sizeof(*a));
}

void demo_sort_u64(uint64_t *keys, size_t n)
{
	if (n < 2)
		return;
	uint64_t max = 0;
	for (size_t i = 0; i < n; i++)
		max |= keys[i];
	uint64_t *tmp = xmalloc(n * sizeof(*tmp));
	size_t *count = xmalloc(65536 * sizeof(*count));
	uint64_t *src = keys, *dst = tmp;
	for (int shift = 0; shift < 64 && (max >> shift); shift += 16) {
		memset(count, 0, 65536 * sizeof(*count));
		for (size_t i = 0; i < n; i++)
			count[(src[i] >> shift) & 0xffff]++;
		size_t sum = 0;
		for (size_t b = 0; b < 65536; b++) {
			size_t c = count[b];
			count[b] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[(src[i] >> shift) & 0xffff]++] = src[i];
		uint64_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != keys)
		memcpy(keys, src, n * sizeof(*keys));
	free(tmp);
	free(count);
}

size_t demo_sort_unique_u64(uint64_t *keys, size_t n)
{
	demo_sort_u64(keys, n);
	size_t out = 0;
	for (size_t i = 0; i < n; i++)
		if (out == 0 || keys[i] != keys[out - 1])
			keys[out++] = keys[i];
	return out;
}

size_t demo_list_len(const char *const *l)
{
	size_t n = 0;
	while (l[n])
		n++;
	return n;
}
