/*
 * demo_communities: the demo company's communities — about one for every
 * 88 people (115 at 10,000 people, 5,000 at 440,000): expertise guilds,
 * project teams and local clubs, of mixed types (public, moderated,
 * restricted, some of those listed), each with an owner or a few, members
 * drawn mostly from the owner's part of the org tree (heavy-tailed sizes:
 * most are a dozen people, a few are hundreds), pending requests and
 * invitations, posts in the community stream with replies, and forum
 * topics (some of them questions) with their replies.
 *
 * Runs after demo_write(), on its own random streams, writing through the
 * writer connection in batched transactions (store_demo.h). Post ids are
 * time-ordered with a sequence number from 0x8000 up, so they never meet
 * the ids of the other demo posts (which start at 0 in the same
 * millisecond).
 */
#include "demo/demo_int.h"

#include "audience/audience.h"
#include "communities/communities.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/xmalloc.h"
#include "store/store.h"
#include "store/store_communities.h"
#include "store/store_demo.h"
#include "text/text.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PEOPLE_PER_COMMUNITY 88
#define SIZE_MIN 5.0	  /* Pareto scale of community sizes */
#define SIZE_ALPHA 1.25	  /* Pareto shape: a long tail of large communities */
#define SIZE_MAX_SHARE 40 /* no community above n / SIZE_MAX_SHARE people … */
#define SIZE_CAP 5000	  /* … nor above this */
#define POSTS_CAP 400
#define TOPICS_CAP 60
#define ROWS_PER_TX 20000
#define MS_PER_HOUR 3600000LL
#define MS_PER_DAY 86400000LL
#define STREAM_COMMUNITIES (1ull << 41) /* + community id */

enum ckind { CK_GUILD, CK_PROJECT, CK_CLUB };

/* One community post before it has an id. */
struct cpost {
	int64_t ms;
	uint32_t community, author;
	uint32_t parent; /* index + 1 in the post array; 0: none */
	uint32_t root;	 /* index + 1 of the thread's root (a reply) */
	uint32_t replies;
	uint16_t tpl;
	uint8_t topic, question, french;
};

struct cgen {
	struct demo *d;
	struct cpost *posts;
	size_t n_posts, cap_posts;
	const char **subject; /* [community]: what it is about (vocabulary) */
	const char **name;    /* [community] */
	uint32_t n_comm;
	uint64_t members, requests, invitations, topics;
};

/* ---- vocabulary ---- */

static const char *const stream_tpl[2][6] = {
    {"Quick update from {c}: work on {x} is moving forward.",
     "Has anyone here tried a new approach to {x}? Looking for feedback.",
     "Reminder: our {c} get-together is on {d}. Everyone is welcome.",
     "Great session today on {x}, thanks to everyone who came.",
     "Sharing my notes from this week's {x} review in the thread.",
     "Welcome to the new members of {c}! Say hello and tell us what you work on."},
    {"Petit point de {c} : le travail sur {x} avance bien.",
     "Quelqu'un a-t-il essayé une nouvelle approche pour {x} ? Vos retours m'intéressent.",
     "Rappel : notre rencontre {c} a lieu {d}. Tout le monde est bienvenu.",
     "Très bonne séance aujourd'hui sur {x}, merci à toutes et à tous.",
     "Je partage mes notes de la revue {x} de cette semaine dans le fil.",
     "Bienvenue aux nouveaux membres de {c} ! Présentez-vous et dites-nous sur quoi vous "
     "travaillez."},
};
static const char *const reply_tpl[2][5] = {
    {"Good point, thanks for sharing.", "+1, same experience on our side.",
     "I can help with that, let's talk this week.",
     "We did something similar last quarter; happy to share what we learned.",
     "Adding this to the agenda of our next meeting."},
    {"Bonne remarque, merci du partage.", "+1, même expérience chez nous.",
     "Je peux aider, parlons-en cette semaine.",
     "Nous avons fait quelque chose de proche le trimestre dernier ; je partage volontiers.",
     "J'ajoute ce point à l'ordre du jour de la prochaine réunion."},
};
/* Topic titles: the first three are questions. */
static const char *const topic_tpl[2][6] = {
    {"Who knows {x} well?", "What do you use for {x}?", "How should we get started with {x}?",
     "{x}: lessons learned", "Proposal: a monthly {x} session", "Best practices for {x}"},
    {"Qui connaît bien {x} ?", "Qu'utilisez-vous pour {x} ?", "Comment bien démarrer avec {x} ?",
     "{x} : retours d'expérience", "Proposition : une séance {x} par mois",
     "Bonnes pratiques pour {x}"},
};
static const char *const topic_body[2][2] = {
    {"Opening this topic so we keep the discussion about {x} in one place. Your experience "
     "is welcome.",
     "I would like to hear from people who worked on {x}: what went well, what did not?"},
    {"J'ouvre ce sujet pour garder la discussion sur {x} au même endroit. Vos expériences "
     "sont les bienvenues.",
     "J'aimerais l'avis de celles et ceux qui ont travaillé sur {x} : qu'est-ce qui a bien "
     "marché, ou pas ?"},
};

/* Replaces {c} (community), {x} (subject), {d} (a weekday) in tpl. */
static void fill(struct buf *b, const char *tpl, const char *c, const char *x, const char *day)
{
	buf_reset(b);
	for (const char *p = tpl; *p; p++) {
		if (p[0] == '{' && p[1] && p[2] == '}') {
			const char *v = p[1] == 'c' ? c : p[1] == 'x' ? x : day;
			buf_append(b, v, strlen(v));
			p += 2;
		} else {
			buf_append(b, p, 1);
		}
	}
	buf_append(b, "", 1); /* NUL, not counted below */
	b->len--;
}

/* ---- generation ---- */

static struct cpost *post_new(struct cgen *g)
{
	if (g->n_posts == g->cap_posts) {
		g->cap_posts = g->cap_posts ? g->cap_posts * 2 : 4096;
		g->posts = xrealloc(g->posts, g->cap_posts * sizeof(*g->posts));
	}
	struct cpost *p = &g->posts[g->n_posts++];
	memset(p, 0, sizeof(*p));
	return p;
}

/* A Pareto-distributed community size, capped. */
static uint32_t community_size(const struct demo *d, struct demo_rng *r)
{
	double u = 1.0 - demo_rng_unit(r);
	double s = SIZE_MIN / pow(u, 1.0 / SIZE_ALPHA);
	double cap = (double)d->n / SIZE_MAX_SHARE;
	cap = cap < 3 ? 3 : cap > SIZE_CAP ? SIZE_CAP : cap;
	return (uint32_t)(s > cap ? cap : s);
}

/* Members of a community: the owner, then people near the owner in the
 * org tree (same team and department) or anyone, weighted by how
 * connected they are. Sorted, unique: the count. */
static size_t pick_members(const struct demo *d, struct demo_rng *r, uint32_t owner, uint32_t size,
			   uint32_t *out)
{
	uint64_t *keys = xmalloc((size_t)size * 2 * sizeof(*keys) + sizeof(*keys));
	size_t n = 0;
	keys[n++] = owner;
	uint32_t span = size * 3 + 10;
	for (uint32_t i = 1; i < size * 2 && n < (size_t)size * 2; i++) {
		uint32_t who;
		if (demo_rng_unit(r) < 0.6) {
			int64_t lo = (int64_t)owner - span,
				x = lo + demo_rng_below(r, span * 2 + 1);
			who = x < 1 ? 1 : x > (int64_t)d->n ? d->n : (uint32_t)x;
		} else {
			who = demo_alias_draw(&d->by_weight, r);
		}
		keys[n++] = who;
	}
	n = demo_sort_unique_u64(keys, n);
	/* keep size people, the owner among them */
	size_t k = 0;
	out[k++] = owner;
	for (size_t i = 0; i < n && k < size; i++)
		if (keys[i] != owner)
			out[k++] = (uint32_t)keys[i];
	free(keys);
	return k;
}

static const char *subject_of(const struct demo *d, struct demo_rng *r, uint32_t owner,
			      enum ckind kind)
{
	const struct demo_dept *dep = &demo_depts[d->people[owner].dept];
	const char *const *l = kind == CK_PROJECT ? dep->projects
			       : kind == CK_GUILD ? dep->expertise
						  : demo_hobbies[0];
	if (!l || !*l)
		l = demo_generic_expertise;
	return l[demo_rng_below(r, (uint32_t)demo_list_len(l))];
}

/* The posts of community c (index c - 1), members m[0..nm). */
static void community_posts(struct cgen *g, struct demo_rng *r, uint32_t c, int64_t created,
			    const uint32_t *m, size_t nm)
{
	const struct demo *d = g->d;
	int64_t now = d->o.now_ms, span = now - created;
	double lambda = 2.0 + pow((double)nm, 0.8);
	uint32_t n_stream = demo_rng_poisson(r, lambda);
	uint32_t n_topics = demo_rng_poisson(r, 1.0 + pow((double)nm, 0.6) / 2.0);
	n_stream = n_stream > POSTS_CAP ? POSTS_CAP : n_stream;
	n_topics = n_topics > TOPICS_CAP ? TOPICS_CAP : n_topics;
	size_t first = g->n_posts;
	for (uint32_t i = 0; i < n_stream + n_topics; i++) {
		struct cpost *p = post_new(g);
		p->community = c;
		p->author = m[demo_rng_below(r, (uint32_t)nm)];
		p->ms = created + 60000 + (int64_t)(demo_rng_unit(r) * (double)(span - 120000));
		p->french = demo_rng_unit(r) < demo_french_share(d, p->author);
		p->topic = i >= n_stream;
		p->tpl = (uint16_t)demo_rng_below(r, 6);
		p->question = p->topic && p->tpl < 3;
	}
	size_t roots_end = g->n_posts;
	/* replies: to a quarter of stream posts' threads, and to most topics */
	for (size_t i = first; i < roots_end; i++) {
		struct cpost *root = &g->posts[i];
		uint32_t n = root->topic ? demo_rng_poisson(r, root->question ? 2.5 : 1.5)
					 : (demo_rng_unit(r) < 0.25 ? 1 + demo_rng_below(r, 3) : 0);
		int64_t t = root->ms;
		for (uint32_t k = 0; k < n; k++) {
			t += 60000 + (int64_t)demo_rng_exp(r, 4.0 * MS_PER_HOUR);
			if (t >= now)
				break;
			struct cpost *p = post_new(g);
			root = &g->posts[i]; /* post_new may move the array */
			p->community = c;
			p->author = m[demo_rng_below(r, (uint32_t)nm)];
			p->ms = t;
			p->french = root->french;
			p->parent = p->root = (uint32_t)i + 1;
			p->tpl = (uint16_t)demo_rng_below(r, 5);
			root->replies++;
		}
	}
}

/* Builds the communities' rows in memory and writes the memberships and
 * communities as it goes (they need no ids from anything else). */
static int build_communities(struct cgen *g, struct store_conn *w, struct arena *a, uint64_t *rows)
{
	struct demo *d = g->d;
	uint32_t *m = xmalloc(((size_t)SIZE_CAP + 1) * sizeof(*m));
	int rc = 0;
	for (uint32_t c = 1; c <= g->n_comm && rc == 0; c++) {
		struct demo_rng r;
		demo_rng_init(&r, d->o.seed, STREAM_COMMUNITIES + c);
		uint32_t owner = demo_alias_draw(&d->by_activity, &r);
		enum ckind kind = (enum ckind)demo_rng_below(&r, 3);
		const char *x = subject_of(d, &r, owner, kind);
		double u = demo_rng_unit(&r);
		struct community_row row = {
		    .id = c,
		    .type = u < 0.55  ? COMMUNITY_PUBLIC
			    : u < 0.8 ? COMMUNITY_MODERATED
				      : COMMUNITY_RESTRICTED,
		    .created_by = owner,
		};
		row.listed = row.type == COMMUNITY_RESTRICTED && demo_rng_unit(&r) < 0.5;
		const char *city = demo_locations[d->people[owner].loc].city;
		bool named = strstr(x, "roject") != NULL; /* "Atlas project" */
		row.name = kind == CK_GUILD ? arena_printf(a, "%s Guild", x)
			   : kind == CK_PROJECT
			       ? arena_printf(a, named ? "%s team" : "Project %s", x)
			       : arena_printf(a, "%s %s club", city, x);
		row.description =
		    kind == CK_GUILD
			? arena_printf(a, "People who work with %s: questions, tips and news.", x)
		    : kind == CK_PROJECT
			? arena_printf(a, "%s: status, decisions and documents.", x)
			: arena_printf(a, "For colleagues in %s who enjoy %s.", city, x);
		char *tag = text_tag_normalize(a, x, strlen(x));
		const char *where = kind == CK_CLUB ? city : demo_depts[d->people[owner].dept].name;
		char *tag2 = text_tag_normalize(a, where, strlen(where));
		row.tags = tag && tag2 ? arena_printf(a, "%s %s", tag, tag2) : tag ? tag : "";
		int64_t age = (int64_t)(demo_rng_unit(&r) * (double)(d->o.days - 1)) + 1;
		row.created_at = d->o.now_ms - age * MS_PER_DAY - demo_rng_below(&r, 3600000);
		g->subject[c - 1] = x;
		g->name[c - 1] = row.name;
		if (store_demo_community(w, &row) != STORE_OK) {
			rc = -1;
			break;
		}
		uint32_t size = community_size(d, &r);
		size_t nm = pick_members(d, &r, owner, size, m);
		size_t owners = 1 + (nm > 30) + (nm > 300);
		for (size_t i = 0; i < nm && rc == 0; i++) {
			bool is_owner = i < owners;
			struct community_member_row mr = {
			    .community_id = c,
			    .user_id = m[i],
			    .state = CMEMBER_MEMBER,
			    .role = is_owner ? COMMUNITY_OWNER : COMMUNITY_MEMBER,
			    .by = is_owner ? 0 : owner,
			    .created_at =
				row.created_at + (is_owner ? 0 : demo_rng_below(&r, 86400000)),
			};
			rc = store_community_member_put(w, &mr) == STORE_OK ? 0 : -1;
		}
		g->members += nm;
		*rows += nm + 1;
		/* a few people waiting: requests (moderated) or invitations (restricted) */
		if (row.type != COMMUNITY_PUBLIC) {
			uint32_t k = demo_rng_below(&r, 4);
			for (uint32_t i = 0; i < k && rc == 0; i++) {
				uint32_t who = demo_alias_draw(&d->by_weight, &r);
				bool member = false;
				for (size_t j = 0; j < nm && !member; j++)
					member = m[j] == who;
				if (member)
					continue;
				struct community_member_row mr = {
				    .community_id = c,
				    .user_id = who,
				    .state = row.type == COMMUNITY_MODERATED ? CMEMBER_REQUESTED
									     : CMEMBER_INVITED,
				    .by = row.type == COMMUNITY_MODERATED ? who : owner,
				    .created_at = d->o.now_ms - demo_rng_below(&r, 7 * 86400000),
				};
				rc = store_community_member_put(w, &mr) == STORE_OK ? 0 : -1;
				*(row.type == COMMUNITY_MODERATED ? &g->requests
								  : &g->invitations) += 1;
				(*rows)++;
			}
		}
		community_posts(g, &r, c, row.created_at, m, nm);
	}
	free(m);
	return rc;
}

/* Sorts post indexes by time (ties by index): order[]. */
static uint32_t *time_order(const struct cgen *g)
{
	uint64_t *keys = xmalloc(g->n_posts * sizeof(*keys) + sizeof(*keys));
	int64_t t0 = g->d->o.now_ms - ((int64_t)g->d->o.days + 2) * MS_PER_DAY;
	for (size_t i = 0; i < g->n_posts; i++)
		keys[i] = (uint64_t)(g->posts[i].ms - t0) << 24 | i;
	demo_sort_u64(keys, g->n_posts);
	uint32_t *order = xmalloc(g->n_posts * sizeof(*order) + sizeof(*order));
	for (size_t i = 0; i < g->n_posts; i++)
		order[i] = (uint32_t)(keys[i] & 0xffffff);
	free(keys);
	return order;
}

/* Writes post i (and its topic row, with activity as its last activity). */
static int write_post(struct cgen *g, struct store_conn *w, struct arena *a, struct buf *text,
		      size_t i, const int64_t *ids, int64_t activity)
{
	const struct cpost *p = &g->posts[i];
	int lang = p->french ? 1 : 0;
	const char *c = g->name[p->community - 1], *x = g->subject[p->community - 1];
	const char *day = demo_days[lang][p->ms / MS_PER_DAY % 5];
	const char *tpl = p->parent  ? reply_tpl[lang][p->tpl % 5]
			  : p->topic ? topic_body[lang][p->tpl % 2]
				     : stream_tpl[lang][p->tpl % 6];
	fill(text, tpl, c, x, day);
	struct text_opts o = {.base_url = g->d->o.base_url};
	struct text_rendered tr = {.html = ""};
	if (text_render(a, text->ptr, text->len, &o, &tr) < 0)
		return -1;
	struct store_demo_post row = {
	    .id = ids[i],
	    .author_id = p->author,
	    .visibility = VIS_COMMUNITY,
	    .text = text->ptr,
	    .html = tr.html,
	    .language = p->french ? "fr" : "en",
	    .is_question = p->question,
	    .created_at = p->ms,
	    .replies_count = p->replies,
	};
	if (p->parent) {
		row.in_reply_to_id = ids[p->parent - 1];
		row.in_reply_to_account_id = g->posts[p->parent - 1].author;
		row.root_id = ids[p->root - 1];
	}
	if (store_demo_community_post(w, &row, p->community) != STORE_OK)
		return -1;
	if (!p->topic)
		return 0;
	g->topics++;
	fill(text, topic_tpl[lang][p->tpl % 6], c, x, day);
	return store_demo_community_topic(w, ids[i], p->community, text->ptr, activity, p->replies);
}

/* Posts in time order with ids; topics get the time of their last reply. */
static int write_posts(struct cgen *g, struct store_conn *w, uint64_t *rows)
{
	uint32_t *order = time_order(g);
	int64_t *ids = xmalloc(g->n_posts * sizeof(*ids) + sizeof(*ids));
	int64_t last = 0;
	for (size_t k = 0; k < g->n_posts; k++) {
		int64_t id = clock_id_from_ms(g->posts[order[k]].ms, 0x8000);
		ids[order[k]] = id > last ? id : last + 1;
		last = ids[order[k]];
	}
	/* a topic's activity: the time of its last reply */
	int64_t *activity = xmalloc(g->n_posts * sizeof(*activity) + sizeof(*activity));
	for (size_t i = 0; i < g->n_posts; i++)
		activity[i] = g->posts[i].ms;
	for (size_t i = 0; i < g->n_posts; i++)
		if (g->posts[i].root && g->posts[i].ms > activity[g->posts[i].root - 1])
			activity[g->posts[i].root - 1] = g->posts[i].ms;
	struct arena *a = arena_new();
	struct buf text;
	buf_init(&text, BUF_MAX_DEFAULT);
	int rc = 0;
	for (size_t k = 0; k < g->n_posts && rc == 0; k++) {
		size_t i = order[k];
		rc = write_post(g, w, a, &text, i, ids, activity[i]);
		(*rows)++;
		if (*rows % ROWS_PER_TX == 0 && rc == 0)
			rc = store_commit(w) < 0 || store_begin(w) < 0 ? -1 : 0;
		if (k % 256 == 255) {
			arena_free(a);
			a = arena_new();
		}
	}
	arena_free(a);
	buf_free(&text);
	free(activity);
	free(ids);
	free(order);
	return rc;
}

int demo_communities_write(struct demo *d, struct store *s)
{
	int64_t t0 = clock_mono_us();
	struct cgen g = {.d = d};
	g.n_comm = (d->n + PEOPLE_PER_COMMUNITY / 2) / PEOPLE_PER_COMMUNITY;
	if (g.n_comm == 0 && d->n >= 2)
		g.n_comm = 1;
	if (!g.n_comm)
		return 0;
	g.subject = xcalloc(g.n_comm, sizeof(*g.subject));
	g.name = xcalloc(g.n_comm, sizeof(*g.name));
	struct arena *a = arena_new();
	struct store_conn *w = store_writer_lock(s);
	uint64_t rows = 0;
	int rc = store_begin(w) < 0 ? -1 : build_communities(&g, w, a, &rows);
	if (rc == 0 && g.n_posts >= (1u << 24)) {
		fprintf(stderr, "moka demo: too many community posts\n");
		rc = -1;
	}
	if (rc == 0)
		rc = write_posts(&g, w, &rows);
	if (rc == 0)
		rc = store_commit(w) < 0 ? -1 : 0;
	else
		store_rollback(w);
	store_writer_unlock(s);
	arena_free(a);
	if (rc == 0)
		printf("communities: %u, %" PRIu64 " members, %" PRIu64 " requests, %" PRIu64
		       " invitations, %zu posts, %" PRIu64 " topics (%.1f s, CPU %.1f s)\n",
		       g.n_comm, g.members, g.requests, g.invitations, g.n_posts, g.topics,
		       (double)(clock_mono_us() - t0) / 1e6, demo_cpu_seconds());
	else
		fprintf(stderr, "moka demo: cannot write the communities\n");
	free(g.subject);
	free(g.name);
	free(g.posts);
	return rc;
}
