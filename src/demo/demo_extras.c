/*
 * demo_extras: what the demo company does besides posting — accepted
 * answers on about half of its answered questions, private conversations
 * (one-to-one between connected colleagues, groups of 3 to 12 people from
 * one team or one community) with a few messages each and plausible read
 * markers, and files: small documents (Markdown, text, CSV) and tiny PNG
 * charts owned by people, kept private (some shared with named
 * colleagues), shared with a community or the company, or attached to
 * one of their owner's posts.
 *
 * Runs after demo_communities_write(), on its own random streams, writing
 * through the writer connection in batched transactions with the areas'
 * own store functions. Blobs are written to DATA/files through the files
 * module (the same sniffing, thumbnails and content-addressed placement
 * as an upload). Message and activity ids are time-ordered ids of the
 * messages' times, all in the past, so the server's ids stay above them.
 *
 * Per 10,000 people: about 1,000 one-to-one and 100 group conversations
 * holding about 4,000 messages, and 330 files.
 */
#include "demo/demo_int.h"

#include "app/app.h"
#include "communities/communities.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/xmalloc.h"
#include "files/files_int.h"
#include "messages/messages.h"
#include "store/store.h"
#include "store/store_communities.h"
#include "store/store_demo.h"
#include "store/store_files.h"
#include "store/store_messages.h"
#include "store/store_notify.h"
#include "store/store_questions.h"
#include "text/text.h"

#include <fcntl.h>
#include <gd.h>
#include <inttypes.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ROWS_PER_TX 20000
#define MS_PER_MIN 60000LL
#define MS_PER_HOUR 3600000LL
#define MS_PER_DAY 86400000LL
#define ACCEPT_SHARE 0.55	      /* of questions with an answer from someone else */
#define PEOPLE_PER_DIRECT 10	      /* one one-to-one conversation per … people */
#define PEOPLE_PER_GROUP 100	      /* one group per … people */
#define PEOPLE_PER_FILE 30	      /* one file per … people */
#define FILES_MIN 12		      /* even for a small company */
#define GROUP_MAX 12		      /* people in a demo group */
#define PEOPLE_PER_COMMUNITY 88	      /* as demo_communities.c */
#define STREAM_QUESTIONS (1ull << 42) /* + post index */
#define STREAM_CONV (1ull << 43)      /* + conversation index */
#define STREAM_FILES (1ull << 44)     /* + file index */
#define STREAM_EXTRAS 0x5e7a
#define MSG_SHARED 9 /* msg_tpl: "Just shared them with you." */

/* ---- writing in batches ---- */

struct writer {
	struct store_conn *w;
	uint64_t rows, notifications;
};

/* Counts a row; commits and starts a new transaction every ROWS_PER_TX. */
static int counted(struct writer *wr, int rc)
{
	if (rc != STORE_OK)
		return -1;
	if (++wr->rows % ROWS_PER_TX == 0)
		return store_commit(wr->w) < 0 || store_begin(wr->w) < 0 ? -1 : 0;
	return 0;
}

/* A notification as notify_add writes it, when at is within the demo's
 * notification window (--notify-days), as demo_write keeps them. */
static int notify(const struct demo *d, struct writer *wr, int64_t at, uint32_t user,
		  const char *type, uint32_t actor, int64_t post, int64_t invitation)
{
	if (at < d->o.now_ms - (int64_t)d->o.notify_days * MS_PER_DAY || user == actor)
		return 0;
	struct notification n = {
	    /* a sequence range of its own: never the id of another demo notification */
	    .id = clock_id_from_ms(at, 0xc000 + (uint32_t)(wr->notifications++ & 0x3fff)),
	    .user_id = user,
	    .type = type,
	    .actor_id = actor,
	    .post_id = post,
	    .invitation_id = invitation,
	    .created_at = at};
	int rc = store_notification_insert(wr->w, &n);
	return rc == STORE_NOT_FOUND ? 0 : counted(wr, rc); /* a deactivated recipient */
}

/* ---- accepted answers ---- */

/* The asker accepts the first answer someone else wrote, on about half of
 * the questions that have one, some hours later (never after now). */
static int write_accepts(struct demo *d, struct writer *wr, uint64_t *accepted)
{
	uint8_t *seen = xcalloc(d->n_posts + 1, 1);
	int rc = 0;
	for (size_t k = 0; k < d->n_posts && rc == 0; k++) {
		uint32_t i = d->order[k]; /* by time: the first answer comes first */
		const struct demo_post *p = &d->posts[i];
		if (p->kind != KIND_REPLY || !p->parent)
			continue;
		uint32_t q = p->parent - 1;
		const struct demo_post *qp = &d->posts[q];
		if (!qp->question || qp->kind != KIND_ORIGINAL || seen[q] ||
		    p->author == qp->author)
			continue;
		seen[q] = 1;
		struct demo_rng r;
		demo_rng_init(&r, d->o.seed, STREAM_QUESTIONS + q);
		if (demo_rng_unit(&r) >= ACCEPT_SHARE)
			continue;
		int64_t at = p->ms + MS_PER_MIN + (int64_t)demo_rng_exp(&r, 6.0 * MS_PER_HOUR);
		if (at >= d->o.now_ms)
			at = p->ms + (d->o.now_ms - p->ms) / 2;
		struct question_accept_row a = {.question_id = d->post_id[q],
						.answer_id = d->post_id[i],
						.accepted_by = qp->author,
						.accepted_at = at};
		rc = counted(wr, store_question_accept_insert(wr->w, &a));
		if (rc == 0)
			rc = notify(d, wr, at, p->author, "moka.answer_accepted", qp->author,
				    d->post_id[i], 0);
		(*accepted)++;
	}
	free(seen);
	int64_t more = 0;
	if (rc == 0 &&
	    store_demo_community_accepts(wr->w, (int)(ACCEPT_SHARE * 100), 3 * MS_PER_HOUR,
					 d->o.now_ms, &more) != STORE_OK)
		rc = -1;
	*accepted += (uint64_t)more;
	return rc;
}

/* ---- conversations ---- */

static const char *const msg_tpl[2][14] = {
    {"Hi! Do you have a minute today about {x}?", "Sure, what's up?",
     "Could you have a look at the latest notes on {x} before {d}?", "Done, I left a few comments.",
     "Thanks a lot!", "Are we still on for {d}?", "Yes, same time as usual.",
     "I'll be a bit late, start without me.", "Can you send me the figures for {x}?",
     "Just shared them with you.", "Great news on {x} by the way.",
     "Let's sync next week, I'll send an invite.", "Sounds good.",
     "Quick question: who owns {x} now?"},
    {"Salut ! Tu as une minute aujourd'hui pour parler de {x} ?", "Bien sûr, qu'est-ce qu'il y a ?",
     "Tu pourrais relire les dernières notes sur {x} avant {d} ?",
     "C'est fait, j'ai laissé quelques commentaires.", "Merci beaucoup !", "On maintient {d} ?",
     "Oui, même heure que d'habitude.", "J'aurai un peu de retard, commencez sans moi.",
     "Tu peux m'envoyer les chiffres pour {x} ?", "Je viens de te les partager.",
     "Bonne nouvelle pour {x}, au fait.",
     "Faisons un point la semaine prochaine, j'envoie une invitation.", "Ça marche.",
     "Petite question : qui s'occupe de {x} maintenant ?"},
};

/* One message before it has an id. */
struct dmsg {
	int64_t ms;
	uint32_t conv, author;
	uint8_t tpl, french;
};

/* One conversation before it is written. */
struct dconv {
	uint32_t first, n_members; /* members: mem[first .. first + n_members) */
	int64_t created;
	const char *title; /* groups; NULL for one-to-one */
	const char *subject;
	bool group;
	int64_t id, last_msg_id;
};

/* A message that shares a file ("Just shared them with you."): the file
 * is made with the other files, then attached. */
struct msg_share {
	int64_t msg_id, ms;
	uint32_t author, other;
};

struct cgen {
	struct demo *d;
	struct msg_share *att;
	size_t n_att;
	struct dconv *conv;
	size_t n_conv;
	uint32_t *mem;
	size_t n_mem, cap_mem;
	struct dmsg *msg;
	size_t n_msg, cap_msg;
};

static void member_add(struct cgen *g, uint32_t who)
{
	if (g->n_mem == g->cap_mem) {
		g->cap_mem = g->cap_mem ? g->cap_mem * 2 : 4096;
		g->mem = xrealloc(g->mem, g->cap_mem * sizeof(*g->mem));
	}
	g->mem[g->n_mem++] = who;
}

static const char *subject_of(const struct demo *d, struct demo_rng *r, uint32_t who)
{
	const char *const *l = demo_depts[d->people[who].dept].projects;
	if (!l || !*l)
		l = demo_generic_expertise;
	return l[demo_rng_below(r, (uint32_t)demo_list_len(l))];
}

/* The messages of conversation c (members already added), spread from a
 * start some days back. */
static void conv_messages(struct cgen *g, struct demo_rng *r, uint32_t c)
{
	struct demo *d = g->d;
	struct dconv *cv = &g->conv[c];
	int64_t now = d->o.now_ms, window = (int64_t)d->o.days * MS_PER_DAY;
	int64_t back = (int64_t)demo_rng_exp(r, 12.0 * MS_PER_DAY);
	back = back > window - MS_PER_HOUR ? window - MS_PER_HOUR : back;
	cv->created = now - back - MS_PER_HOUR;
	uint32_t n = cv->group ? 2 + demo_rng_poisson(r, 4.0) : 1 + demo_rng_poisson(r, 2.5);
	int64_t t = cv->created + MS_PER_MIN;
	uint32_t author = g->mem[cv->first];
	for (uint32_t k = 0; k < n && t < now; k++) {
		if (g->n_msg == g->cap_msg) {
			g->cap_msg = g->cap_msg ? g->cap_msg * 2 : 8192;
			g->msg = xrealloc(g->msg, g->cap_msg * sizeof(*g->msg));
		}
		struct dmsg *m = &g->msg[g->n_msg++];
		m->ms = t;
		m->conv = c;
		m->author = author;
		m->tpl =
		    (uint8_t)(k == 0 ? (demo_rng_unit(r) < 0.5 ? 0 : 13) : demo_rng_below(r, 14));
		m->french = demo_rng_unit(r) < demo_french_share(d, author);
		t += MS_PER_MIN + (int64_t)demo_rng_exp(r, 5.0 * MS_PER_HOUR);
		/* the next author: the other person, or anyone in a group */
		if (!cv->group && demo_rng_unit(r) < 0.75)
			author = g->mem[cv->first + (author == g->mem[cv->first])];
		else
			author = g->mem[cv->first + demo_rng_below(r, cv->n_members)];
	}
}

/* One-to-one conversations between connected colleagues (one per pair). */
static void gen_direct(struct cgen *g, struct demo_rng *r, size_t want)
{
	struct demo *d = g->d;
	uint64_t *keys = xmalloc(want * sizeof(*keys) + sizeof(*keys));
	size_t n = 0;
	for (size_t i = 0; i < want * 2 && n < want; i++) {
		uint32_t a = demo_alias_draw(&d->by_activity, r);
		size_t deg = demo_degree(d, a);
		if (!deg)
			continue;
		uint32_t b = demo_connections(d, a)[demo_rng_below(r, (uint32_t)deg)];
		keys[n++] = (uint64_t)a << 32 | b; /* a starts it */
	}
	n = demo_sort_unique_u64(keys, n);
	/* one per pair: drop (b, a) when (a, b) is there */
	for (size_t i = 0; i < n; i++) {
		uint32_t a = (uint32_t)(keys[i] >> 32), b = (uint32_t)keys[i];
		if (a > b) {
			uint64_t rev = (uint64_t)b << 32 | a;
			size_t lo = 0, hi = n;
			while (lo < hi) {
				size_t mid = (lo + hi) / 2;
				if (keys[mid] < rev)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo < n && keys[lo] == rev)
				continue;
		}
		struct demo_rng cr;
		demo_rng_init(&cr, d->o.seed, STREAM_CONV + g->n_conv);
		struct dconv *cv = &g->conv[g->n_conv];
		memset(cv, 0, sizeof(*cv));
		cv->first = (uint32_t)g->n_mem;
		cv->n_members = 2;
		member_add(g, a);
		member_add(g, b);
		cv->subject = subject_of(d, &cr, a);
		conv_messages(g, &cr, (uint32_t)g->n_conv++);
	}
	free(keys);
}

/* Whether who is among n members from first. */
static bool has_member(const struct cgen *g, uint32_t first, uint32_t n, uint32_t who)
{
	for (uint32_t i = 0; i < n; i++)
		if (g->mem[first + i] == who)
			return true;
	return false;
}

/* Groups: people of one team (the creator's manager's subtree, same
 * department), or of one community (its members, read back). */
static void gen_groups(struct cgen *g, struct store_conn *w, struct arena *a, size_t want)
{
	struct demo *d = g->d;
	uint32_t n_comm = (d->n + PEOPLE_PER_COMMUNITY / 2) / PEOPLE_PER_COMMUNITY;
	int64_t cm[200];
	for (size_t k = 0; k < want; k++) {
		struct demo_rng r;
		demo_rng_init(&r, d->o.seed, STREAM_CONV + (1u << 30) + k);
		uint32_t size = 3 + demo_rng_below(&r, GROUP_MAX - 2);
		struct dconv *cv = &g->conv[g->n_conv];
		memset(cv, 0, sizeof(*cv));
		cv->group = true;
		cv->first = (uint32_t)g->n_mem;
		struct community_row crow;
		int got = 0;
		int64_t comm =
		    n_comm && demo_rng_unit(&r) < 0.4 ? 1 + demo_rng_below(&r, n_comm) : 0;
		if (comm && store_community_get(w, a, comm, &crow) == STORE_OK)
			got = store_community_members_in_state(w, comm, CMEMBER_MEMBER, 0, 200, cm);
		if (got >= 3) {
			for (uint32_t i = 0; i < size * 4 && cv->n_members < size; i++) {
				uint32_t who = (uint32_t)cm[demo_rng_below(&r, (uint32_t)got)];
				if (!has_member(g, cv->first, cv->n_members, who)) {
					member_add(g, who);
					cv->n_members++;
				}
			}
			cv->title = arena_printf(a, "%s: organisers", crow.name);
			cv->subject = subject_of(d, &r, g->mem[cv->first]);
		} else {
			uint32_t p = demo_alias_draw(&d->by_activity, &r);
			uint32_t top = d->people[p].manager ? d->people[p].manager : p;
			while (d->people[top].end - top < size + 2 && d->people[top].manager)
				top = d->people[top].manager;
			uint32_t span = d->people[top].end - top;
			member_add(g, p);
			cv->n_members = 1;
			for (uint32_t i = 0; i < size * 6 && cv->n_members < size; i++) {
				uint32_t who = top + demo_rng_below(&r, span);
				if (d->people[who].dept == d->people[p].dept &&
				    !has_member(g, cv->first, cv->n_members, who)) {
					member_add(g, who);
					cv->n_members++;
				}
			}
			cv->subject = subject_of(d, &r, p);
			cv->title = arena_printf(a, "%s — %s", cv->subject,
						 demo_depts[d->people[p].dept].name);
		}
		if (cv->n_members < 3) { /* too small a team: drop it */
			g->n_mem = cv->first;
			continue;
		}
		conv_messages(g, &r, (uint32_t)g->n_conv++);
	}
}

/* Replaces {x} (subject) and {d} (a weekday) in tpl. */
static void fill(struct buf *b, const char *tpl, const char *x, const char *day)
{
	buf_reset(b);
	for (const char *p = tpl; *p; p++) {
		if (p[0] == '{' && (p[1] == 'x' || p[1] == 'd') && p[2] == '}') {
			const char *v = p[1] == 'x' ? x : day;
			buf_append(b, v, strlen(v));
			p += 2;
		} else {
			buf_append(b, p, 1);
		}
	}
	buf_append(b, "", 1);
	b->len--;
}

/* Message ids: time-ordered, unique, in time order; the conversations'
 * last message ids. */
static int64_t *message_ids(struct cgen *g, uint32_t **order_out)
{
	int64_t t0 = g->d->o.now_ms - ((int64_t)g->d->o.days + 2) * MS_PER_DAY;
	uint64_t *keys = xmalloc(g->n_msg * sizeof(*keys) + sizeof(*keys));
	for (size_t i = 0; i < g->n_msg; i++)
		keys[i] = (uint64_t)(g->msg[i].ms - t0) << 24 | i;
	demo_sort_u64(keys, g->n_msg);
	int64_t *ids = xmalloc(g->n_msg * sizeof(*ids) + sizeof(*ids));
	uint32_t *order = xmalloc(g->n_msg * sizeof(*order) + sizeof(*order));
	int64_t last = 0;
	for (size_t k = 0; k < g->n_msg; k++) {
		uint32_t i = (uint32_t)(keys[k] & 0xffffff);
		order[k] = i;
		int64_t id = clock_id_from_ms(g->msg[i].ms, 0x4000);
		ids[i] = id > last ? id : last + 1;
		last = ids[i];
		g->conv[g->msg[i].conv].last_msg_id = ids[i]; /* ascending: the last wins */
	}
	free(keys);
	*order_out = order;
	return ids;
}

/* A member's read marker: every message up to when they last looked (some
 * hours to days ago), and at least their own last message. */
static int64_t read_marker(const struct cgen *g, const int64_t *ids, const size_t *from, uint32_t c,
			   uint32_t who, struct demo_rng *r)
{
	int64_t seen = g->d->o.now_ms - (int64_t)demo_rng_exp(r, 36.0 * MS_PER_HOUR);
	int64_t mark = 0;
	for (size_t k = from[c]; k < from[c + 1]; k++) {
		const struct dmsg *m = &g->msg[k];
		if ((m->author == who || m->ms <= seen) && ids[k] > mark)
			mark = ids[k];
	}
	return mark;
}

static int write_conversations(struct cgen *g, struct writer *wr, struct arena *a,
			       uint64_t *unread_members)
{
	struct demo *d = g->d;
	uint32_t *order;
	int64_t *ids = message_ids(g, &order);
	/* messages are generated conversation by conversation: from[c] */
	size_t *from = xcalloc(g->n_conv + 1, sizeof(*from));
	for (size_t i = 0; i < g->n_msg; i++)
		from[g->msg[i].conv + 1] = i + 1;
	for (size_t c = 1; c <= g->n_conv; c++)
		if (from[c] < from[c - 1])
			from[c] = from[c - 1];
	int rc = 0;
	for (size_t c = 0; c < g->n_conv && rc == 0; c++) {
		struct dconv *cv = &g->conv[c];
		uint32_t a0 = g->mem[cv->first], a1 = g->mem[cv->first + 1];
		struct conversation_row row = {
		    .kind = cv->group ? CONVERSATION_GROUP : CONVERSATION_DIRECT,
		    .title = cv->title,
		    .pair_key =
			cv->group ? NULL
				  : arena_printf(a, "%u:%u", a0 < a1 ? a0 : a1, a0 < a1 ? a1 : a0),
		    .history_visible = cv->group,
		    .created_by = a0,
		    .created_at = cv->created,
		    .activity_id =
			cv->last_msg_id ? cv->last_msg_id : clock_id_from_ms(cv->created, 0x4000),
		};
		if ((rc = counted(wr, store_conversation_insert(wr->w, &row))) < 0)
			break;
		cv->id = row.id;
		struct demo_rng r;
		demo_rng_init(&r, d->o.seed, STREAM_CONV + (2u << 30) + c);
		for (uint32_t i = 0; i < cv->n_members && rc == 0; i++) {
			uint32_t who = g->mem[cv->first + i];
			struct conversation_member_row m = {
			    .conversation_id = cv->id,
			    .user_id = who,
			    .role = cv->group && i == 0 ? CONVERSATION_ADMIN : CONVERSATION_MEMBER,
			    .joined_at = cv->created,
			    .added_by = a0,
			    .last_read_id = read_marker(g, ids, from, (uint32_t)c, who, &r),
			    .muted = cv->group && demo_rng_unit(&r) < 0.05,
			    .archived = demo_rng_unit(&r) < 0.04,
			};
			*unread_members += m.last_read_id < cv->last_msg_id;
			rc = counted(wr, store_conversation_member_put(wr->w, &m));
		}
	}
	struct buf text;
	buf_init(&text, BUF_MAX_DEFAULT);
	struct text_opts o = {.base_url = d->o.base_url};
	struct arena *ma = arena_new();
	g->att = xmalloc(g->n_msg * sizeof(*g->att) + sizeof(*g->att));
	for (size_t k = 0; k < g->n_msg && rc == 0; k++) {
		size_t i = order[k];
		const struct dmsg *m = &g->msg[i];
		int lang = m->french;
		fill(&text, msg_tpl[lang][m->tpl], g->conv[m->conv].subject,
		     demo_days[lang][m->ms / MS_PER_DAY % 5]);
		struct text_rendered tr = {.html = ""};
		if (text_render(ma, text.ptr, text.len, &o, &tr) < 0) {
			rc = -1;
			break;
		}
		struct message_row mr = {.id = ids[i],
					 .conversation_id = g->conv[m->conv].id,
					 .author_id = m->author,
					 .text = text.ptr,
					 .html = tr.html,
					 .mentions = "",
					 .created_at = m->ms};
		rc = counted(wr, store_message_insert(wr->w, &mr));
		const struct dconv *cv = &g->conv[m->conv];
		if (m->tpl == MSG_SHARED && !cv->group) {
			uint32_t other = g->mem[cv->first + (g->mem[cv->first] == m->author)];
			g->att[g->n_att++] = (struct msg_share){ids[i], m->ms, m->author, other};
		}
		if (k % 256 == 255) {
			arena_free(ma);
			ma = arena_new();
		}
	}
	arena_free(ma);
	buf_free(&text);
	free(from);
	free(order);
	free(ids);
	return rc;
}

/* ---- files ---- */

struct fgen {
	struct demo *d;
	struct app app; /* only app.cfg: where DATA/files is */
	struct files_upload *u;
	const char *tmp_dir;
	struct buf body;
	uint8_t *attached; /* [post index]: carries a file already */
	uint32_t n_comm;
	uint64_t files, bytes, shares, on_posts, on_messages, pngs;
};

static const char *const doc_kind[2][4] = {
    {"notes", "plan", "summary", "checklist"},
    {"notes", "plan", "synthèse", "checklist"},
};

/* A Markdown or text document about subject by owner. */
static void make_doc(struct fgen *fg, struct demo_rng *r, uint32_t owner, const char *subject,
		     bool markdown, int64_t ms)
{
	const struct demo *d = fg->d;
	struct buf *b = &fg->body;
	const struct demo_person *p = &d->people[owner];
	const char *day = demo_days[0][ms / MS_PER_DAY % 5];
	buf_reset(b);
	buf_printf(b, "%s%s: %s\n\n", markdown ? "# " : "", subject,
		   doc_kind[0][demo_rng_below(r, 4)]);
	buf_printf(b, "Owner: %s, %s (%s, %s)\n\n", demo_display_name(d, owner), p->title,
		   demo_depts[p->dept].name, demo_locations[p->loc].city);
	if (markdown)
		buf_puts(b, "## Where we are\n\n");
	buf_printf(b, "Work on %s is moving forward. The next review is on %s.\n\n", subject, day);
	if (markdown)
		buf_puts(b, "## Next steps\n\n");
	uint32_t n = 2 + demo_rng_below(r, 4);
	const char *const *ex = demo_depts[p->dept].expertise;
	if (!ex || !*ex)
		ex = demo_generic_expertise;
	uint32_t nex = (uint32_t)demo_list_len(ex);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t who = 1 + demo_rng_below(r, d->n);
		buf_printf(b, "%s %s: %s\n", markdown ? "-" : "*", demo_display_name(d, who),
			   ex[demo_rng_below(r, nex)]);
	}
}

/* A small CSV table of monthly figures. */
static void make_csv(struct fgen *fg, struct demo_rng *r, const char *subject, int64_t ms)
{
	struct buf *b = &fg->body;
	buf_reset(b);
	buf_puts(b, "month,project,budget_keur,spent_keur,people\n");
	int64_t days = ms / MS_PER_DAY; /* months back from the file's date */
	int year = 1970 + (int)(days / 365.25), month = (int)(days % 365 / 30.5);
	uint32_t n = 6 + demo_rng_below(r, 7);
	double budget = 50 + demo_rng_below(r, 400);
	for (uint32_t i = 0; i < n; i++) {
		int m = (month - (int)n + 1 + (int)i + 24) % 12,
		    y = year - (month - (int)n + 1 + (int)i < 0);
		buf_printf(b, "%04d-%02d,\"%s\",%.0f,%.1f,%u\n", y, m + 1, subject, budget,
			   budget * (0.6 + 0.5 * demo_rng_unit(r)), 2 + demo_rng_below(r, 20));
	}
}

/* A tiny bar chart (libgd). 0 or -1. */
static int make_png(struct fgen *fg, struct demo_rng *r)
{
	int w = 48 + 8 * (int)demo_rng_below(r, 6), h = 32 + 8 * (int)demo_rng_below(r, 4);
	gdImagePtr im = gdImageCreateTrueColor(w, h);
	if (!im)
		return -1;
	gdImageFilledRectangle(im, 0, 0, w - 1, h - 1, gdTrueColor(250, 248, 244));
	int bars = 4 + (int)demo_rng_below(r, 4), bw = (w - 4) / bars;
	int hue = (int)demo_rng_below(r, 3);
	for (int i = 0; i < bars; i++) {
		int bh = 4 + (int)demo_rng_below(r, (uint32_t)(h - 8));
		int c = gdTrueColor(hue == 0 ? 111 : 60, hue == 1 ? 78 + 12 * i : 90,
				    hue == 2 ? 140 + 10 * i : 55);
		gdImageFilledRectangle(im, 2 + i * bw + 1, h - 2 - bh, 2 + (i + 1) * bw - 2, h - 3,
				       c);
	}
	int size = 0;
	void *png = gdImagePngPtr(im, &size);
	gdImageDestroy(im);
	if (!png || size <= 0)
		return -1;
	buf_reset(&fg->body);
	buf_append(&fg->body, png, (size_t)size);
	gdFree(png);
	return 0;
}

/* Stores the bytes in fg->body as a blob through the files module (sniffed,
 * thumbnailed, placed by content) and copies its facts into f. 0 or -1. */
static int place_blob(struct fgen *fg, struct arena *a, uint64_t k, struct file_row *f)
{
	struct files_upload *u = fg->u;
	const char *data = fg->body.ptr;
	size_t len = fg->body.len;
	memset(u, 0, sizeof(*u));
	u->app = &fg->app;
	u->fd = -1;
	u->tmp_path = arena_printf(a, "%s/demo-%" PRIu64, fg->tmp_dir, k);
	int fd = open(u->tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	bool ok = write(fd, data, len) == (ssize_t)len;
	close(fd);
	unsigned char sum[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(sum, (const unsigned char *)data, len);
	sodium_bin2hex(u->sha256, sizeof(u->sha256), sum, sizeof(sum));
	u->size = len;
	u->head_len = len < FILES_SNIFF_BYTES ? len : FILES_SNIFF_BYTES;
	memcpy(u->head, data, u->head_len);
	u->finished = true;
	struct files_blob_info bi;
	files_blob_sniff(u, a, &bi);
	files_blob_thumbnail(u, a, &bi);
	if (!ok || files_blob_place(u, a) < 0) {
		unlink(u->tmp_path);
		return -1;
	}
	f->sha256 = arena_strdup(a, u->sha256);
	f->size = (int64_t)len;
	f->content_type = bi.content_type;
	f->width = bi.width;
	f->height = bi.height;
	fg->bytes += len;
	return 0;
}

/* An original post to attach file k to (its author owns the file): its
 * index, or -1. */
static int64_t pick_post(struct fgen *fg, struct demo_rng *r)
{
	for (int tries = 0; tries < 32 && fg->d->n_posts; tries++) {
		uint32_t i = demo_rng_below(r, (uint32_t)fg->d->n_posts);
		const struct demo_post *p = &fg->d->posts[i];
		if (p->kind == KIND_ORIGINAL && !fg->attached[i]) {
			fg->attached[i] = 1;
			return i;
		}
	}
	return -1;
}

/* File k: its owner, audience and shares, content, rows. */
static int write_file(struct fgen *fg, struct writer *wr, struct arena *a, uint64_t k,
		      const struct msg_share *sent)
{
	struct demo *d = fg->d;
	struct demo_rng r;
	demo_rng_init(&r, d->o.seed, STREAM_FILES + k);
	int64_t window = (int64_t)d->o.days * MS_PER_DAY;
	int64_t back = (int64_t)demo_rng_exp(&r, 20.0 * MS_PER_DAY);
	int64_t ms = d->o.now_ms - (back > window - MS_PER_HOUR ? window - MS_PER_HOUR : back);
	struct file_row f = {.folder = "", .tags = "", .description = "", .version = 1};
	double u = sent ? 1.0 : demo_rng_unit(&r);
	int64_t post = u < 0.15 ? pick_post(fg, &r) : -1;
	if (sent) { /* figures sent in a message: private, shared with the other person */
		f.owner_id = sent->author;
		f.audience = FILE_PRIVATE;
		ms = sent->ms - MS_PER_MIN;
	}
	int64_t cm[200];
	int got = 0;
	if (post >= 0) {
		f.owner_id = d->posts[post].author;
		f.audience = FILE_COMPANY;
		ms = d->posts[post].ms - MS_PER_MIN - demo_rng_below(&r, 30 * MS_PER_MIN);
	} else if (u < 0.60 && u >= 0.35 && fg->n_comm) {
		f.community_id = 1 + demo_rng_below(&r, fg->n_comm);
		got = store_community_members_in_state(wr->w, f.community_id, CMEMBER_MEMBER, 0,
						       200, cm);
		if (got > 0) {
			f.owner_id = cm[demo_rng_below(&r, (uint32_t)got)];
			f.audience = FILE_COMMUNITY;
		} else {
			f.community_id = 0;
		}
	}
	if (!f.owner_id) {
		f.owner_id = demo_alias_draw(&d->by_activity, &r);
		f.audience = u < 0.35 ? FILE_COMPANY : FILE_PRIVATE;
	}
	uint32_t owner = (uint32_t)f.owner_id;
	char *subject = arena_strdup(a, subject_of(d, &r, owner));
	for (char *c = subject; *c; c++)
		*c = *c == '/' ? '-' : *c; /* "SAP S/4HANA": no '/' in a file name */
	uint32_t kind = sent ? 6 : demo_rng_below(&r, 10); /* 0-3 md, 4-5 txt, 6-8 csv, 9 png */
	const char *ext = kind < 4 ? "md" : kind < 6 ? "txt" : kind < 9 ? "csv" : "png";
	if (kind == 9 && make_png(fg, &r) < 0)
		return -1;
	if (kind < 6)
		make_doc(fg, &r, owner, subject, kind < 4, ms);
	else if (kind < 9)
		make_csv(fg, &r, subject, ms);
	fg->pngs += kind == 9;
	const char *what = kind == 9 ? "chart" : kind >= 6 ? "figures" : doc_kind[0][k % 4];
	f.name = arena_printf(a, "%s %s %" PRIu64 ".%s", subject, what, k + 1, ext);
	f.folder = kind >= 6 ? "Reports" : arena_printf(a, "Projects/%s", subject);
	const char *tag = text_tag_normalize(a, subject, strlen(subject));
	f.tags = tag ? tag : "";
	f.created_at = f.updated_at = ms;
	if (place_blob(fg, a, k, &f) < 0)
		return -1;
	if (counted(wr, store_file_insert(wr->w, &f)) < 0)
		return -1;
	struct file_version_row v = {.file_id = f.id,
				     .version = 1,
				     .sha256 = f.sha256,
				     .size = f.size,
				     .content_type = f.content_type,
				     .name = f.name,
				     .by_id = owner,
				     .created_at = ms};
	if (counted(wr, store_file_version_insert(wr->w, &v)) < 0)
		return -1;
	fg->files++;
	if (post >= 0) {
		fg->on_posts++;
		return counted(wr, store_post_file_add(wr->w, d->post_id[post], 0, f.id));
	}
	if (sent) {
		fg->on_messages++;
		fg->shares++;
		if (counted(wr, store_file_share_put(wr->w, f.id, sent->other, FILE_READER, owner,
						     ms)) < 0 ||
		    notify(d, wr, ms, sent->other, "moka.file_shared", owner, 0, f.id) < 0)
			return -1;
		return counted(wr, store_message_attachment_add(wr->w, sent->msg_id, 0, f.id));
	}
	/* named shares: colleagues the owner is connected with */
	size_t deg = demo_degree(d, owner);
	uint32_t n_sh = deg && demo_rng_unit(&r) < (f.audience == FILE_PRIVATE ? 0.7 : 0.2)
			    ? 1 + demo_rng_below(&r, 3)
			    : 0;
	uint32_t named[3] = {0};
	for (uint32_t i = 0; i < n_sh; i++) {
		uint32_t who = demo_connections(d, owner)[demo_rng_below(&r, (uint32_t)deg)];
		named[i] = who;
		if ((i > 0 && named[0] == who) || (i > 1 && named[1] == who))
			continue;
		int role = demo_rng_unit(&r) < 0.25 ? FILE_EDITOR : FILE_READER;
		if (counted(wr, store_file_share_put(wr->w, f.id, who, role, owner,
						     ms + MS_PER_MIN * (1 + i))) < 0 ||
		    notify(d, wr, ms + MS_PER_MIN * (1 + i), who, "moka.file_shared", owner, 0,
			   f.id) < 0)
			return -1;
		fg->shares++;
	}
	return 0;
}

static int write_files(struct fgen *fg, struct writer *wr, struct config *cfg, const struct cgen *g)
{
	struct demo *d = fg->d;
	fg->app.cfg = cfg;
	struct arena *a = arena_new();
	fg->tmp_dir = arena_strdup(a, files_dir(&fg->app, a, "tmp"));
	int rc = files_mkdirs(fg->tmp_dir);
	if (rc < 0)
		fprintf(stderr, "moka demo: cannot create %s\n", fg->tmp_dir);
	fg->u = xcalloc(1, sizeof(*fg->u));
	fg->attached = xcalloc(d->n_posts + 1, 1);
	fg->n_comm = (d->n + PEOPLE_PER_COMMUNITY / 2) / PEOPLE_PER_COMMUNITY;
	buf_init(&fg->body, 1u << 20);
	uint64_t n = d->n / PEOPLE_PER_FILE;
	n = n < FILES_MIN ? FILES_MIN : n;
	struct arena *fa = arena_new();
	for (uint64_t k = 0; k < n && rc == 0; k++) {
		rc = write_file(fg, wr, fa, k, NULL);
		if (k % 64 == 63) {
			arena_free(fa);
			fa = arena_new();
		}
	}
	for (size_t i = 0; i < g->n_att && rc == 0; i++) {
		rc = write_file(fg, wr, fa, n + i, &g->att[i]);
		if (i % 64 == 63) {
			arena_free(fa);
			fa = arena_new();
		}
	}
	arena_free(fa);
	buf_free(&fg->body);
	free(fg->attached);
	free(fg->u);
	arena_free(a);
	return rc;
}

/* ---- the step ---- */

int demo_extras_write(struct demo *d, struct store *s, struct config *cfg)
{
	int64_t t0 = clock_mono_us();
	struct writer wr = {.w = store_writer_lock(s)};
	uint64_t accepted = 0, unread = 0;
	struct arena *a = arena_new();
	size_t want_direct = d->n / PEOPLE_PER_DIRECT, want_groups = d->n / PEOPLE_PER_GROUP;
	want_direct = want_direct ? want_direct : 1;
	want_groups = want_groups ? want_groups : (d->n >= 6);
	struct cgen g = {.d = d};
	g.conv = xcalloc(want_direct + want_groups + 1, sizeof(*g.conv));
	struct fgen fg = {.d = d};
	int rc = store_begin(wr.w) < 0 ? -1 : write_accepts(d, &wr, &accepted);
	size_t n_direct = 0;
	if (rc == 0) {
		struct demo_rng r;
		demo_rng_init(&r, d->o.seed, STREAM_CONV + STREAM_EXTRAS);
		gen_direct(&g, &r, want_direct);
		n_direct = g.n_conv;
		gen_groups(&g, wr.w, a, want_groups);
		if (g.n_msg >= (1u << 24)) {
			fprintf(stderr, "moka demo: too many messages\n");
			rc = -1;
		}
	}
	if (rc == 0)
		rc = write_conversations(&g, &wr, a, &unread);
	if (rc == 0)
		rc = write_files(&fg, &wr, cfg, &g);
	if (rc == 0)
		rc = store_commit(wr.w) < 0 ? -1 : 0;
	else
		store_rollback(wr.w);
	store_writer_unlock(s);
	if (rc == 0)
		printf("extras: %" PRIu64 " accepted answers, %zu conversations (%zu one-to-one), "
		       "%zu messages (%" PRIu64 " members with unread), %" PRIu64 " files (%" PRIu64
		       " images, %.1f KiB, %" PRIu64 " named shares, %" PRIu64 " on posts, %" PRIu64
		       " on messages), %" PRIu64 " notifications (%.1f s, CPU %.1f s)\n",
		       accepted, g.n_conv, n_direct, g.n_msg, unread, fg.files, fg.pngs,
		       (double)fg.bytes / 1024.0, fg.shares, fg.on_posts, fg.on_messages,
		       wr.notifications, (double)(clock_mono_us() - t0) / 1e6, demo_cpu_seconds());
	else
		fprintf(stderr, "moka demo: cannot write the conversations, answers and files\n");
	arena_free(a);
	free(g.conv);
	free(g.mem);
	free(g.msg);
	free(g.att);
	return rc;
}
