/*
 * demo_int: what the demo company generator's files share.
 *
 * `moka demo` builds a company in memory in four phases, then writes it
 * through the store's bulk paths (store_demo.h):
 *
 *   demo_org.c      people: the org tree, names, usernames, locations
 *   demo_network.c  connections (heavy-tailed degrees) and follows
 *   demo_posts.c    post metadata: originals, replies, reposts, board
 *                   posts, with times, audiences and counts
 *   demo_write.c    profile and post text (rendered by text_render, as
 *                   the server does), likes, notifications, tokens
 *
 * Everything random comes from demo_rng, seeded from the --seed option
 * and a per-phase (or per-person, per-post) stream number, so a seed
 * always gives the same company and one phase's changes do not shift
 * another's choices. The vocabulary (names, titles, tags, templates) lives
 * in demo_vocab.c.
 *
 * People are numbered 1..n in depth-first order of the org tree, and that
 * number is their user id: everyone's subtree (their reports, and theirs)
 * is the id range [id, end), so "my team" and "my department" are ranges.
 */
#ifndef MOKA_DEMO_INT_H
#define MOKA_DEMO_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- random numbers: xoshiro256** seeded through splitmix64 ---- */

struct demo_rng {
	uint64_t s[4];
};

/* Seeds r for (seed, stream): distinct streams give independent sequences. */
void demo_rng_init(struct demo_rng *r, uint64_t seed, uint64_t stream);
uint64_t demo_rng_next(struct demo_rng *r);
/* Uniform in [0, n); 0 when n is 0. */
uint32_t demo_rng_below(struct demo_rng *r, uint32_t n);
/* Uniform in [0, 1). */
double demo_rng_unit(struct demo_rng *r);
/* Standard normal (Box-Muller). */
double demo_rng_normal(struct demo_rng *r);
/* Poisson with mean lambda (normal approximation above 30). */
uint32_t demo_rng_poisson(struct demo_rng *r, double lambda);
/* Exponential with the given mean. */
double demo_rng_exp(struct demo_rng *r, double mean);

/* Vose's alias table: O(1) draws of 1..n in proportion to weights. */
struct demo_alias {
	float *prob;
	uint32_t *other;
	uint32_t n;
};

/* Builds the table for weights w[0..n-1] (index i stands for i + 1). */
void demo_alias_build(struct demo_alias *a, const float *w, uint32_t n);
/* A draw in 1..n. */
uint32_t demo_alias_draw(const struct demo_alias *a, struct demo_rng *r);
void demo_alias_free(struct demo_alias *a);

/* Sorts n 64-bit keys ascending (LSD radix, 16 bits a pass). */
void demo_sort_u64(uint64_t *keys, size_t n);
/* Sorts and removes duplicates; returns the new length. */
size_t demo_sort_unique_u64(uint64_t *keys, size_t n);

/* ---- vocabulary (demo_vocab.c) ---- */

/* Vocabulary lists are arrays of strings ending with NULL. */
size_t demo_list_len(const char *const *l);

struct demo_culture {
	const char *code;			/* "fr", "en", … */
	const char *language;			/* the language its people speak, "French" */
	const char *const *first, *const *last; /* given names, family names */
};

struct demo_location {
	const char *city;
	const char *phone;	      /* pattern: '#' is a random digit */
	int tz_minutes;		      /* offset from UTC */
	float weight;		      /* share of the company */
	bool francophone;	      /* French is a working language there */
	const char *const *languages; /* languages spoken at work there */
	uint8_t culture[5];	      /* demo_cultures indices … */
	uint8_t pct[5];		      /* … and their shares (sum 100, 0 ends) */
};

struct demo_dept {
	const char *name;
	float share;
	const char *head, *director, *manager, *senior_manager;
	const char *const *ics;	      /* individual contributors' titles, junior first */
	const char *const *expertise; /* display forms: "PostgreSQL", "Négociation" */
	const char *const *projects;
};

extern const struct demo_culture demo_cultures[];
extern const size_t demo_n_cultures;
extern const struct demo_location demo_locations[];
extern const size_t demo_n_locations;
/* demo_depts[0] is the executive office; the others are departments. */
extern const struct demo_dept demo_depts[];
extern const size_t demo_n_depts;

extern const char *const *const demo_generic_expertise; /* anyone may have these */
extern const char *const *const demo_company_tags;	/* "#AllHands", … */
extern const char *const *const demo_hobbies[2];	/* [0 en, 1 fr] */
extern const char *const *const demo_days[2];

/* Post templates by kind and language; placeholders in demo_write.c. */
enum demo_tpl {
	TPL_PLAIN,    /* an update */
	TPL_MENTION,  /* an update naming {m} */
	TPL_QUESTION, /* a question to one's network */
	TPL_DIRECT,   /* starts with {M}, the recipients */
	TPL_REPLY,    /* a reply (text after the "@author" prefix) */
	TPL_ANSWER,   /* a reply to a question */
	TPL_THANKS,   /* the author answering replies */
	TPL_BOARD,    /* on someone's board, starts with {o} */
	TPL_COUNT
};
extern const char *const *const demo_templates[TPL_COUNT][2]; /* [kind][0 en, 1 fr] */

#define DEMO_COMPANY "Arabica Group"
#define DEMO_DOMAIN "arabica.example"
#define DEMO_WIKI "https://wiki.arabica.example/pages/"

/* ---- the company in memory ---- */

struct demo_person {
	uint32_t manager; /* 0 for the CEO */
	uint32_t end;	  /* one past the last id of this person's subtree */
	uint32_t reports; /* direct reports */
	uint32_t name;	  /* offset of "username\0Display Name\0" in names */
	const char *title;
	int64_t joined_ms;
	int64_t last_post_ms; /* 0: never posted */
	float weight;	      /* connection propensity (about the expected degree) */
	float activity;	      /* posting propensity */
	uint8_t dept, loc, culture, depth;
};

enum demo_kind { KIND_ORIGINAL, KIND_REPLY, KIND_REBLOG, KIND_BOARD };

struct demo_post {
	int64_t ms; /* created */
	uint32_t author;
	uint32_t parent;     /* post index + 1: replied-to, reblogged; 0 none */
	uint32_t root;	     /* post index + 1 of a reply's thread root */
	uint32_t mention[2]; /* people who must be named (recipients, owner, parent author) */
	uint32_t replies;
	uint16_t reblogs;
	uint8_t kind, vis, question, french;
};

struct demo_opts {
	uint32_t people;
	uint64_t seed;
	double posts_per_person;
	uint32_t days;
	int64_t now_ms;
	uint32_t notify_days; /* notifications for this many recent days */
	const char *tokens_file;
	uint32_t token_count;
	const char *password;
	const char *base_url; /* links in post HTML, as the server renders them */
};

struct demo {
	struct demo_opts o;
	uint32_t n;		    /* people; ids 1..n */
	struct demo_person *people; /* [0] unused */
	char *names;
	size_t names_len, names_cap;
	/* username lookup (text_render's mention resolver) */
	uint32_t *by_name;
	uint32_t by_name_mask;
	/* people of each location, for "same office" picks */
	uint32_t *loc_people, *loc_start; /* loc_start[demo_n_locations + 1] */
	/* connections, both directions, as CSR: conn[conn_off[i] .. conn_off[i+1]) sorted */
	uint64_t *conn_off;
	uint32_t *conn;
	uint64_t *pairs; /* (a << 32 | b), a < b, sorted */
	size_t n_pairs;
	uint64_t *follows; /* (follower << 32 | followee), sorted */
	size_t n_follows;
	struct demo_alias by_weight;   /* people in proportion to connection weight */
	struct demo_alias by_activity; /* people in proportion to posting */
	/* posts: in creation order; order[] lists them by time, id[] their ids */
	struct demo_post *posts;
	size_t n_posts, cap_posts;
	uint32_t *order;
	int64_t *post_id;
	double mean_degree;
};

const char *demo_username(const struct demo *d, uint32_t id);
const char *demo_display_name(const struct demo *d, uint32_t id);
/* The person with that username (exact bytes), or 0. */
uint32_t demo_find(const struct demo *d, const char *name, size_t len);
/* Number of connections of id, and the sorted list. */
size_t demo_degree(const struct demo *d, uint32_t id);
const uint32_t *demo_connections(const struct demo *d, uint32_t id);
/* Whether id is someone's manager. */
bool demo_is_manager(const struct demo *d, uint32_t id);
/* A person's expertise (display forms from the vocabulary), at most max;
 * the same every time for a given seed and id. Returns the count. */
size_t demo_expertise(const struct demo *d, uint32_t id, const char **out, size_t max);
/* Whether a person tends to write in French. */
double demo_french_share(const struct demo *d, uint32_t id);

/* Stream numbers, so that each phase draws from its own sequence. */
enum demo_stream {
	STREAM_ORG = 1,
	STREAM_NAMES,
	STREAM_WEIGHTS,
	STREAM_CONNECT,
	STREAM_FOLLOW,
	STREAM_POSTS,
	STREAM_TOKENS,
	STREAM_PERSON = 1u << 20, /* + id: a person's profile */
	STREAM_POST = 1ull << 40, /* + creation index: a post's text and likes */
};

/* The phases; each returns 0 or -1 (message printed). */
int demo_org_build(struct demo *d);
int demo_network_build(struct demo *d);
int demo_posts_build(struct demo *d);
void demo_free(struct demo *d);
/* The process's CPU time so far (user + system, all threads), seconds. */
double demo_cpu_seconds(void);

struct store;
struct demo_written {
	int64_t favourites, notifications, tokens;
};
int demo_write(struct demo *d, struct store *s, struct demo_written *w);
/* After demo_write: the communities, their members, posts and topics
 * (demo_communities.c). 0 or -1 (message printed). */
int demo_communities_write(struct demo *d, struct store *s);
/* After the communities: accepted answers, conversations with messages,
 * and files with their blobs under cfg's data directory (demo_extras.c).
 * 0 or -1 (message printed). */
struct config;
int demo_extras_write(struct demo *d, struct store *s, struct config *cfg);

#endif
