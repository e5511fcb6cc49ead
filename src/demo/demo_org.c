/*
 * demo_org: the demo company's people — the org tree (span about 8),
 * departments, offices, titles, names and unique usernames, and each
 * person's propensity to connect and to post.
 *
 * The tree is built depth first, so a person's id is followed by the ids
 * of everyone under them: [id, end) is their subtree.
 */
#include "demo/demo_int.h"
#include "core/arena.h"
#include "core/xmalloc.h"
#include "text/text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPAN_MIN 6
#define SPAN_MAX 10
#define TEAM_MAX 10 /* at most this many people under a manager: all direct reports */
#define HQ 0
#define MS_PER_DAY 86400000LL

struct org {
	struct demo *d;
	struct demo_rng rng;
	struct arena *arena;
	uint32_t next; /* next id to hand out */
	float loc_total;
};

static uint8_t pick_location(struct org *g)
{
	double x = demo_rng_unit(&g->rng) * g->loc_total;
	for (size_t i = 0; i < demo_n_locations; i++) {
		x -= demo_locations[i].weight;
		if (x < 0)
			return (uint8_t)i;
	}
	return (uint8_t)(demo_n_locations - 1);
}

static uint8_t pick_culture(struct org *g, uint8_t loc)
{
	const struct demo_location *l = &demo_locations[loc];
	uint32_t x = demo_rng_below(&g->rng, 100);
	for (int i = 0; i < 5 && l->pct[i]; i++) {
		if (x < l->pct[i])
			return l->culture[i];
		x -= l->pct[i];
	}
	return l->culture[0];
}

/* "Jérôme", "Dupont" -> "jerome.dupont" (apostrophes dropped, accents
 * folded as tags are, spaces and hyphens to '-'), at most 26 bytes so a
 * numeric suffix still fits the 30-byte limit. */
static size_t username_base(struct org *g, const char *first, const char *last, char *out)
{
	char raw[2][128];
	const char *parts[2] = {first, last};
	size_t n = 0;
	for (int p = 0; p < 2; p++) {
		size_t k = 0;
		for (const char *s = parts[p]; *s && k < sizeof(raw[p]) - 1; s++) {
			if (*s == '\'')
				continue;
			raw[p][k++] = *s;
		}
		raw[p][k] = '\0';
		const char *norm = text_tag_normalize(g->arena, raw[p], k);
		if (!norm)
			norm = p ? "colleague" : "x";
		if (p)
			out[n++] = '.';
		for (; *norm && n < 26; norm++) {
			unsigned char c = (unsigned char)*norm;
			if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
			    c == '_')
				out[n++] = (char)c;
		}
	}
	while (n && (out[n - 1] == '.' || out[n - 1] == '-'))
		n--;
	out[n] = '\0';
	return n;
}

static uint32_t name_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

uint32_t demo_find(const struct demo *d, const char *name, size_t len)
{
	for (uint32_t h = name_hash(name, len) & d->by_name_mask;; h = (h + 1) & d->by_name_mask) {
		uint32_t id = d->by_name[h];
		if (!id)
			return 0;
		const char *u = demo_username(d, id);
		if (strlen(u) == len && memcmp(u, name, len) == 0)
			return id;
	}
}

static void name_add(struct demo *d, uint32_t id)
{
	const char *u = demo_username(d, id);
	uint32_t h = name_hash(u, strlen(u)) & d->by_name_mask;
	while (d->by_name[h])
		h = (h + 1) & d->by_name_mask;
	d->by_name[h] = id;
}

static void names_append(struct demo *d, const char *s)
{
	size_t n = strlen(s) + 1;
	if (d->names_len + n > d->names_cap) {
		d->names_cap = d->names_cap * 2 + n + 4096;
		d->names = xrealloc(d->names, d->names_cap);
	}
	memcpy(d->names + d->names_len, s, n);
	d->names_len += n;
}

/* Gives id a name and a unique username ("jerome.dupont", "jerome.dupont2"). */
static void name_person(struct org *g, uint32_t id)
{
	struct demo *d = g->d;
	struct demo_person *p = &d->people[id];
	const struct demo_culture *c = &demo_cultures[p->culture];
	const char *first = c->first[demo_rng_below(&g->rng, (uint32_t)demo_list_len(c->first))];
	const char *last = c->last[demo_rng_below(&g->rng, (uint32_t)demo_list_len(c->last))];
	char base[32], user[40];
	size_t n = username_base(g, first, last, base);
	memcpy(user, base, n + 1);
	for (unsigned k = 2; demo_find(d, user, strlen(user)); k++)
		snprintf(user, sizeof(user), "%s%u", base, k);
	p->name = (uint32_t)d->names_len;
	names_append(d, user);
	char display[256];
	snprintf(display, sizeof(display), "%s %s", first, last);
	names_append(d, display);
	name_add(d, id);
}

static uint32_t new_person(struct org *g, uint32_t manager, uint8_t dept, uint8_t loc)
{
	struct demo *d = g->d;
	uint32_t id = g->next++;
	struct demo_person *p = &d->people[id];
	p->manager = manager;
	p->dept = dept;
	p->loc = loc;
	p->depth = manager ? d->people[manager].depth + 1 : 0;
	p->culture = pick_culture(g, loc);
	p->end = id + 1;
	/* hired between a month and eight years ago; the CEO ten years ago */
	double years = manager ? 0.08 + 7.9 * demo_rng_unit(&g->rng) : 10.0;
	p->joined_ms = d->o.now_ms - (int64_t)(years * 365.25 * MS_PER_DAY);
	if (manager)
		d->people[manager].reports++;
	name_person(g, id);
	return id;
}

static const char *manager_title(const struct demo_dept *dp, uint8_t depth, uint32_t under)
{
	if (depth <= 1)
		return dp->head;
	if (depth == 2)
		return dp->director;
	return under > 40 ? dp->senior_manager : dp->manager;
}

/* Builds the n people under head (head already exists), depth first. */
static void build_subtree(struct org *g, uint32_t head, uint32_t n)
{
	struct demo *d = g->d;
	struct demo_person *h = &d->people[head];
	const struct demo_dept *dp = &demo_depts[h->dept];
	uint8_t dept = h->dept, head_loc = h->loc;
	if (n > 0 && h->depth > 0)
		h->title = manager_title(dp, h->depth, n);
	uint32_t reports =
	    n <= TEAM_MAX ? n : SPAN_MIN + demo_rng_below(&g->rng, SPAN_MAX - SPAN_MIN + 1);
	uint32_t rest = n - reports;
	uint32_t managers = (rest + 7) / 8;
	if (managers > reports)
		managers = reports;
	uint32_t ics = reports - managers;
	size_t n_ics = demo_list_len(dp->ics);
	for (uint32_t i = 0; i < ics; i++) {
		uint8_t loc = demo_rng_unit(&g->rng) < 0.88 ? head_loc : pick_location(g);
		uint32_t id = new_person(g, head, dept, loc);
		d->people[id].title = dp->ics[demo_rng_below(&g->rng, (uint32_t)n_ics)];
	}
	/* split rest among the managers: one each, the remainder by random weights */
	double w[SPAN_MAX + 1], total = 0;
	for (uint32_t i = 0; i < managers; i++)
		total += (w[i] = 0.5 + demo_rng_unit(&g->rng));
	uint32_t given = 0;
	for (uint32_t i = 0; i < managers; i++) {
		uint32_t share = i + 1 == managers
				     ? rest - given
				     : 1 + (uint32_t)((double)(rest - managers) * w[i] / total);
		if (given + share > rest)
			share = rest - given;
		given += share;
		uint8_t loc =
		    h->depth == 1 || demo_rng_unit(&g->rng) >= 0.9 ? pick_location(g) : head_loc;
		uint32_t id = new_person(g, head, dept, loc);
		d->people[id].title = dp->ics[demo_rng_below(&g->rng, (uint32_t)n_ics)];
		build_subtree(g, id, share);
	}
	d->people[head].end = g->next;
}

/* Department sizes by share, largest remainder first, summing to total. */
static void dept_sizes(uint32_t total, uint32_t *size)
{
	double frac[32];
	uint32_t given = 0;
	for (size_t i = 1; i < demo_n_depts; i++) {
		double exact = total * demo_depts[i].share / 100.0;
		size[i] = (uint32_t)exact;
		frac[i] = exact - size[i];
		given += size[i];
	}
	while (given < total) {
		size_t best = 1;
		for (size_t i = 2; i < demo_n_depts; i++)
			if (frac[i] > frac[best])
				best = i;
		size[best]++;
		frac[best] = -1;
		given++;
	}
}

static void build_tree(struct org *g)
{
	struct demo *d = g->d;
	uint32_t ceo = new_person(g, 0, 0, HQ);
	d->people[ceo].title = demo_depts[0].head;
	uint32_t staff = d->n >= 5000 ? 4 : d->n >= 40 ? 2 : 0;
	for (uint32_t i = 0; i < staff; i++) {
		uint32_t id = new_person(g, ceo, 0, HQ);
		d->people[id].title = i == 0 ? demo_depts[0].director : demo_depts[0].ics[i - 1];
	}
	uint32_t size[32] = {0};
	dept_sizes(d->n - 1 - staff, size);
	for (size_t i = 1; i < demo_n_depts; i++) {
		if (!size[i])
			continue;
		uint8_t loc = demo_rng_unit(&g->rng) < 0.7 ? HQ : pick_location(g);
		uint32_t head = new_person(g, ceo, (uint8_t)i, loc);
		d->people[head].title = demo_depts[i].head;
		build_subtree(g, head, size[i] - 1);
		d->people[head].title = demo_depts[i].head;
	}
	d->people[ceo].end = g->next;
}

/* Connection weights: log-normal around the target mean, more for
 * managers, and a few hubs with thousands (capped at a third of the
 * company); posting activity: log-normal, with lurkers. */
static void set_weights(struct demo *d)
{
	struct demo_rng r;
	demo_rng_init(&r, d->o.seed, STREAM_WEIGHTS);
	double target = d->n / 3.0 < 130.0 ? d->n / 3.0 : 130.0;
	double cap = d->n / 3.0;
	const double sigma = 0.9;
	double mu = log(target > 1 ? target : 1) - sigma * sigma / 2;
	uint32_t hubs = d->n / 1000;
	double sum = 0;
	for (uint32_t i = 1; i <= d->n; i++) {
		struct demo_person *p = &d->people[i];
		double w = exp(mu + sigma * demo_rng_normal(&r));
		if (p->reports)
			w *= p->depth <= 2 ? 2.0 : 1.4;
		p->weight = (float)w;
		sum += w;
		double a = exp(-0.5 + 1.0 * demo_rng_normal(&r));
		if (demo_rng_unit(&r) < 0.15)
			a *= 0.1; /* lurkers */
		if (p->reports)
			a *= 1.5;
		p->activity = (float)a;
	}
	/* rescale to the target mean, then add the hubs (the CEO first) */
	for (uint32_t i = 1; i <= d->n; i++) {
		double w = d->people[i].weight * target / (sum / d->n);
		d->people[i].weight = (float)(w < cap ? w : cap);
	}
	for (uint32_t k = 0; k < hubs; k++) {
		uint32_t id = k == 0 ? 1 : 1 + demo_rng_below(&r, d->n);
		double w = 3000 + 4500 * demo_rng_unit(&r);
		d->people[id].weight = (float)(w < cap ? w : cap);
		d->people[id].activity *= 2;
	}
}

/* Lists the people of each office, for "same office" picks. */
static void index_locations(struct demo *d)
{
	d->loc_start = xcalloc(demo_n_locations + 1, sizeof(*d->loc_start));
	d->loc_people = xmalloc((size_t)d->n * sizeof(*d->loc_people) + 1);
	for (uint32_t i = 1; i <= d->n; i++)
		d->loc_start[d->people[i].loc + 1]++;
	for (size_t l = 0; l < demo_n_locations; l++)
		d->loc_start[l + 1] += d->loc_start[l];
	uint32_t *fill = xmalloc((demo_n_locations + 1) * sizeof(*fill));
	memcpy(fill, d->loc_start, (demo_n_locations + 1) * sizeof(*fill));
	for (uint32_t i = 1; i <= d->n; i++)
		d->loc_people[fill[d->people[i].loc]++] = i;
	free(fill);
}

int demo_org_build(struct demo *d)
{
	struct org g = {.d = d, .next = 1, .arena = arena_new()};
	demo_rng_init(&g.rng, d->o.seed, STREAM_ORG);
	for (size_t i = 0; i < demo_n_locations; i++)
		g.loc_total += demo_locations[i].weight;
	d->people = xcalloc((size_t)d->n + 1, sizeof(*d->people));
	uint32_t slots = 64;
	while (slots < d->n * 2u)
		slots *= 2;
	d->by_name = xcalloc(slots, sizeof(*d->by_name));
	d->by_name_mask = slots - 1;
	build_tree(&g);
	arena_free(g.arena);
	if (g.next != d->n + 1) {
		fprintf(stderr, "moka demo: org tree has %u people, expected %u\n", g.next - 1,
			d->n);
		return -1;
	}
	set_weights(d);
	index_locations(d);
	return 0;
}

const char *demo_username(const struct demo *d, uint32_t id)
{
	return d->names + d->people[id].name;
}

const char *demo_display_name(const struct demo *d, uint32_t id)
{
	const char *u = demo_username(d, id);
	return u + strlen(u) + 1;
}

bool demo_is_manager(const struct demo *d, uint32_t id)
{
	return d->people[id].reports > 0;
}

size_t demo_expertise(const struct demo *d, uint32_t id, const char **out, size_t max)
{
	struct demo_rng r;
	demo_rng_init(&r, d->o.seed, STREAM_PERSON + 2ull * id);
	const struct demo_dept *dp = &demo_depts[d->people[id].dept];
	size_t want = 3 + demo_rng_below(&r, 4), n = 0;
	if (want > max)
		want = max;
	size_t n_dept = demo_list_len(dp->expertise);
	size_t n_gen = demo_list_len(demo_generic_expertise);
	for (int tries = 0; n < want && tries < 40; tries++) {
		const char *e = demo_rng_unit(&r) < 0.8
				    ? dp->expertise[demo_rng_below(&r, (uint32_t)n_dept)]
				    : demo_generic_expertise[demo_rng_below(&r, (uint32_t)n_gen)];
		bool dup = false;
		for (size_t i = 0; i < n; i++)
			dup |= out[i] == e;
		if (!dup)
			out[n++] = e;
	}
	return n;
}

double demo_french_share(const struct demo *d, uint32_t id)
{
	const struct demo_person *p = &d->people[id];
	bool fr_culture = !strcmp(demo_cultures[p->culture].code, "fr");
	bool fr_office = demo_locations[p->loc].francophone;
	if (fr_culture && fr_office)
		return 0.75;
	if (fr_office)
		return 0.45;
	return fr_culture ? 0.3 : 0.0;
}
