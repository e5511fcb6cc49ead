/*
 * feed_stream: pages of streams, merged at read time.
 *
 * A stream is the union of some sorted slot lists (the home stream: the
 * viewer's own list, their board, and the list of every person they
 * follow or are connected to). A page is a k-way merge of those lists
 * with a binary heap, newest first (or oldest first above a min_id, then
 * reversed), each candidate going through the audience check and the
 * stream's own filter until the page is full or FEED_SCAN_MAX candidates
 * were examined. Nothing is pushed to readers: a company-wide post costs
 * one append, not 440,000. A reader keeps only a memo of the newest slots
 * of their own union, brought up to date when they read (see "the home
 * stream's memo" below).
 *
 * Newest first, a list joins the heap only when it may hold the next
 * post: lists wait in a second heap ordered by an upper bound of their
 * newest slot in range (for a person's posts, read from the compact
 * newest[] array, not from the list), and one is opened (its cursor
 * placed by binary search) when its bound reaches the top of the heap.
 * A page of 20 from someone following 5,000 people opens the few dozen
 * lists that hold those 20, not 5,000.
 */
#include "feed/feed_int.h"
#include "app/app.h"
#include "audience/audience.h"
#include "communities/communities.h"
#include "core/arena.h"
#include "core/xmalloc.h"
#include "graph/graph.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* --- cursors ----------------------------------------------------------------- */

/* Parses an optional id: 0 for absent, -1 for junk. */
static int parse_id(const char *s, int64_t *out)
{
	*out = 0;
	if (!s || !*s)
		return 0;
	size_t n = strlen(s);
	if (n > 19)
		return -1;
	int64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (INT64_MAX - (s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int feed_page_parse(const char *max_id, const char *since_id, const char *min_id, const char *limit,
		    struct feed_page *out, const char **why)
{
	memset(out, 0, sizeof(*out));
	out->limit = FEED_LIMIT_DEFAULT;
	if (parse_id(max_id, &out->max_id) < 0) {
		*why = "max_id: expected a status id";
		return -1;
	}
	if (parse_id(since_id, &out->since_id) < 0) {
		*why = "since_id: expected a status id";
		return -1;
	}
	if (parse_id(min_id, &out->min_id) < 0) {
		*why = "min_id: expected a status id";
		return -1;
	}
	if (limit && *limit) {
		int64_t n;
		if (parse_id(limit, &n) < 0 || n < 1) {
			*why = "limit: expected a positive integer";
			return -1;
		}
		out->limit = n > FEED_LIMIT_MAX ? FEED_LIMIT_MAX : (int)n;
	}
	return 0;
}

/* --- the merge ---------------------------------------------------------------- */

struct cursor {
	const uint32_t *v;
	int64_t pos, end; /* next index, one past the last (step +1) or first (step -1) */
	uint32_t cur;	  /* v[pos], read only when the cursor moves */
};

/* A list not opened yet: no slot of it in range is above bound. */
struct pending {
	uint32_t bound;
	const struct fvec *v;
};

struct merge {
	struct cursor *heap;
	size_t n;
	bool ascending;
	struct pending *pend; /* newest first only: a max-heap on bound */
	size_t np;
	uint32_t lo, hi; /* the range, for lists opened late */
};

static bool before(const struct merge *m, size_t a, size_t b)
{
	uint32_t x = m->heap[a].cur, y = m->heap[b].cur;
	return m->ascending ? x < y : x > y;
}

static void sift_down(struct merge *m, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, best = i;
		if (l < m->n && before(m, l, best))
			best = l;
		if (r < m->n && before(m, r, best))
			best = r;
		if (best == i)
			return;
		struct cursor t = m->heap[i];
		m->heap[i] = m->heap[best];
		m->heap[best] = t;
		i = best;
	}
}

static void sift_up(struct merge *m, size_t i)
{
	while (i > 0 && before(m, i, (i - 1) / 2)) {
		struct cursor t = m->heap[i];
		m->heap[i] = m->heap[(i - 1) / 2];
		m->heap[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static void pend_sift_down(struct merge *m, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, best = i;
		if (l < m->np && m->pend[l].bound > m->pend[best].bound)
			best = l;
		if (r < m->np && m->pend[r].bound > m->pend[best].bound)
			best = r;
		if (best == i)
			return;
		struct pending t = m->pend[i];
		m->pend[i] = m->pend[best];
		m->pend[best] = t;
		i = best;
	}
}

/* Adds v[a .. b) as a cursor. */
static void merge_cursor(struct merge *m, const struct fvec *v, int64_t a, int64_t b)
{
	if (a >= b)
		return;
	struct cursor c = {.v = v->v};
	if (m->ascending) {
		c.pos = a;
		c.end = b;
	} else {
		c.pos = b - 1;
		c.end = a - 1;
	}
	c.cur = c.pos == (int64_t)v->len - 1 ? v->last : v->v[c.pos];
	m->heap[m->n++] = c;
}

/* Adds the part of list v within [lo, hi) as a cursor. */
static void merge_add(struct merge *m, const struct fvec *v, uint32_t lo, uint32_t hi)
{
	if (!v || v->len == 0)
		return;
	/* the common page (newest, no cursor) needs no search, and reads
	 * nothing of the array until the merge reaches it */
	int64_t a = lo ? fvec_lower_bound(v, lo) : 0;
	int64_t b = hi <= v->last ? fvec_lower_bound(v, hi) : v->len;
	merge_cursor(m, v, a, b);
}

#define OPEN_BATCH 16

/* merge_add for n lists (n <= OPEN_BATCH) within [m->lo, m->hi), their
 * searches side by side (a deep page opens hundreds of lists, and each
 * search alone is a chain of memory misses); sifts each cursor up. */
static void merge_add_batch(struct merge *m, const struct fvec *const *v, size_t n)
{
	const struct fvec *cut[OPEN_BATCH]; /* the lists that end at or past hi */
	uint32_t a[OPEN_BATCH] = {0}, b[OPEN_BATCH], at[OPEN_BATCH];
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		b[i] = v[i]->len;
		if (m->hi <= v[i]->last) {
			at[k] = (uint32_t)i;
			cut[k++] = v[i];
		}
	}
	uint32_t found[OPEN_BATCH];
	fvec_lower_bounds(cut, k, m->hi, found);
	for (size_t j = 0; j < k; j++)
		b[at[j]] = found[j];
	if (m->lo)
		fvec_lower_bounds(v, n, m->lo, a);
	for (size_t i = 0; i < n; i++) {
		size_t had = m->n;
		merge_cursor(m, v[i], a[i], b[i]);
		if (m->n > had)
			sift_up(m, m->n - 1);
	}
}

/* Adds list v: opened now (oldest first), or left waiting with newest
 * (one past its last slot, 0 when empty) as what bounds it. */
static void merge_list(struct merge *m, const struct fvec *v, uint32_t newest)
{
	if (!v || newest <= m->lo)
		return; /* empty, or nothing at or above lo */
	if (m->ascending) {
		merge_add(m, v, m->lo, m->hi);
		return;
	}
	uint32_t bound = newest - 1 < m->hi ? newest - 1 : m->hi - 1;
	m->pend[m->np++] = (struct pending){bound, v};
}

static void merge_heapify(struct merge *m)
{
	for (size_t i = m->n / 2; i-- > 0;)
		sift_down(m, i);
	for (size_t i = m->np / 2; i-- > 0;)
		pend_sift_down(m, i);
}

/* The next slot of the union (duplicates included), or FEED_NONE. */
static uint32_t merge_next(struct merge *m)
{
	/* open every waiting list that may hold the next slot (ties too: a
	 * post in two lists must come out twice in a row) */
	while (m->np && (m->n == 0 || m->pend[0].bound >= m->heap[0].cur)) {
		/* up to OPEN_BATCH of them at a time (opening one more than
		 * needed costs a search, never a wrong order) */
		uint32_t floor = m->n ? m->heap[0].cur : 0;
		const struct fvec *batch[OPEN_BATCH];
		size_t n = 0;
		while (n < OPEN_BATCH && m->np && m->pend[0].bound >= floor) {
			batch[n++] = m->pend[0].v; /* an empty one adds no cursor */
			m->pend[0] = m->pend[--m->np];
			pend_sift_down(m, 0);
		}
		merge_add_batch(m, batch, n);
	}
	if (m->n == 0)
		return FEED_NONE;
	struct cursor *top = &m->heap[0];
	uint32_t slot = top->cur;
	top->pos += m->ascending ? 1 : -1;
	if (top->pos == top->end)
		m->heap[0] = m->heap[--m->n];
	else
		top->cur = top->v[top->pos];
	sift_down(m, 0);
	return slot;
}

/* --- streams ------------------------------------------------------------------ */

/* The stream's own filter, beyond the audience check. */
static bool stream_keeps(const struct feed *f, const struct feed_query *q, uint32_t slot)
{
	const struct feed_post *p = &f->posts[slot];
	switch (q->stream) {
	case FEED_WALL:
		if (q->exclude_reblogs && (p->flags & FEED_REBLOG))
			return false;
		if (q->exclude_replies && (p->flags & FEED_REPLY) &&
		    f->posts[p->ref - 1].author != p->author)
			return false;
		return true;
	case FEED_TAG:
		return p->visibility != VIS_UNLISTED && !(p->flags & FEED_REBLOG);
	default:
		return true;
	}
}

static struct fvec *user_list(struct feed *f, int64_t user, int which)
{
	struct feed_user *u = feed_user_at(f, user, false);
	if (!u)
		return NULL;
	return which == 0 ? &u->authored : which == 1 ? &u->board : &u->mentioned;
}

/* The people whose posts make viewer's home stream besides viewer:
 * connections ∪ following (both sorted), into a; returns the count. */
static size_t home_authors(struct app *app, struct arena *a, int64_t viewer, uint32_t **out)
{
	size_t nc = 0, nf = 0;
	const uint32_t *c = NULL, *fl = NULL;
	if (viewer > 0 && viewer <= GRAPH_ID_MAX) {
		c = graph_connections(app->graph, (uint32_t)viewer, &nc);
		fl = graph_following(app->graph, (uint32_t)viewer, &nf);
	}
	uint32_t *u = arena_alloc(a, (nc + nf + 1) * sizeof(*u));
	size_t i = 0, j = 0, n = 0;
	while (i < nc || j < nf) {
		uint32_t x = j >= nf || (i < nc && c[i] <= fl[j]) ? c[i] : fl[j];
		if (i < nc && c[i] == x)
			i++;
		if (j < nf && fl[j] == x)
			j++;
		u[n++] = x;
	}
	*out = u;
	return n;
}

static uint32_t after_last(const struct fvec *v)
{
	return v && v->len ? v->last + 1 : 0;
}

/* Sets up the lists of q's stream as cursors over slots [lo, hi). */
static void stream_lists(struct app *app, struct arena *a, const struct feed_query *q,
			 struct merge *m, uint32_t lo, uint32_t hi)
{
	struct feed *f = app->feed;
	size_t cap = 2;
	uint32_t *authors = NULL;
	const uint32_t *groups = NULL;
	size_t n_authors = 0, n_groups = 0;
	if (q->stream == FEED_HOME) {
		n_authors = home_authors(app, a, q->viewer, &authors);
		n_groups = communities_of_locked(app, q->viewer, &groups);
		cap += n_authors + n_groups;
	}
	m->heap = arena_alloc(a, cap * sizeof(*m->heap));
	m->pend = arena_alloc(a, cap * sizeof(*m->pend));
	m->n = m->np = 0;
	m->lo = lo;
	m->hi = hi;
	switch (q->stream) {
	case FEED_HOME:
		merge_list(m, user_list(f, q->viewer, 0), after_last(user_list(f, q->viewer, 0)));
		merge_list(m, user_list(f, q->viewer, 1), after_last(user_list(f, q->viewer, 1)));
		for (size_t i = 0; i < n_authors; i++)
			if (authors[i] != q->viewer && authors[i] < f->users_cap)
				merge_list(m, &f->users[authors[i]].authored,
					   f->newest[authors[i]]);
		for (size_t i = 0; i < n_groups; i++) {
			const struct fvec *g = feed_community_at(f, groups[i], false);
			merge_list(m, g, after_last(g));
		}
		break;
	case FEED_COMMUNITY:
		merge_add(m, feed_community_at(f, q->community, false), lo, hi);
		break;
	case FEED_WALL:
		merge_add(m, user_list(f, q->user, 0), lo, hi);
		merge_add(m, user_list(f, q->user, 1), lo, hi);
		break;
	case FEED_PUBLIC:
		merge_add(m, &f->listed, lo, hi);
		break;
	case FEED_TAG: {
		struct feed_tag *t = q->tag ? feed_tag_at(f, q->tag, strlen(q->tag), false) : NULL;
		if (t)
			merge_add(m, &t->posts, lo, hi);
		break;
	}
	case FEED_MENTIONS:
		merge_add(m, user_list(f, q->viewer, 2), lo, hi);
		break;
	}
	merge_heapify(m);
}

/* --- the home stream's memo --------------------------------------------------- */

/*
 * A reader's home stream is the union of hundreds or thousands of lists,
 * and its first page is asked for again and again. Each reader who reads
 * it keeps the newest HOME_MEMO_SLOTS slots of that union (struct
 * feed_home), so that a page at the top walks one short array instead of
 * placing cursors in a few dozen lists found among thousands.
 *
 * The memo holds exactly the union's slots in [floor, upto): no audience
 * check is applied (the page applies it, as to the merge's slots), and
 * deleted posts stay, as they stay in the lists. Before each use it is
 * checked against what can change the union:
 *   - posts appended since (slots upto..n): each joins the memo if the
 *     lists took it for this reader (home_has(), the rules of
 *     feed_insert()); more than HOME_CATCHUP_MAX of them and the memo is
 *     built again instead;
 *   - the reader's connections and follows (graph_version) and
 *     communities (communities_version_locked): built again;
 *   - an older slot joining a list, or slots shifting (f->home_gen): built
 *     again.
 * Writers do nothing for it: a post still costs its appends, not a
 * fan-out. Readers bring a memo up to date under the read lock, each memo
 * under its own mutex; memos are freed only with the index.
 */
#define HOME_MEMO_SLOTS 64
#define HOME_CATCHUP_MAX 512

struct feed_home {
	pthread_mutex_t lock;
	uint32_t upto, floor; /* holds every slot of the union in [floor, upto):
			       * zeroed, an empty memo that holds [0, 0) */
	uint32_t gen, graph_ver, groups_ver;
	uint32_t start, n; /* a ring of n ascending slots from start */
	uint32_t slot[HOME_MEMO_SLOTS];
	uint64_t connected; /* bit i: slot[i]'s author is the reader's connection */
};

void feed_home_free(struct feed *f)
{
	for (uint32_t i = 0; f->home && i < f->users_cap; i++)
		if (f->home[i]) {
			pthread_mutex_destroy(&f->home[i]->lock);
			free(f->home[i]);
		}
	free(f->home);
	f->home = NULL;
}

size_t feed_home_bytes(const struct feed *f)
{
	size_t b = f->users_cap * sizeof(*f->home);
	for (uint32_t i = 0; f->home && i < f->users_cap; i++) /* readers may add one */
		if (__atomic_load_n(&f->home[i], __ATOMIC_RELAXED))
			b += sizeof(struct feed_home);
	return b;
}

/* Appends slot, the newest; the oldest makes room. */
static void memo_push(struct feed_home *h, uint32_t slot, bool connected)
{
	if (h->n == HOME_MEMO_SLOTS) {
		h->floor = h->slot[h->start] + 1;
		h->start = (h->start + 1) % HOME_MEMO_SLOTS;
		h->n--;
	}
	uint32_t i = (h->start + h->n) % HOME_MEMO_SLOTS;
	h->slot[i] = slot;
	h->connected = (h->connected & ~(1ull << i)) | ((uint64_t)connected << i);
	h->n++;
}

/* Is the author of slot one of viewer's connections? */
static bool author_connected(const struct app *app, uint32_t viewer, uint32_t slot)
{
	uint32_t author = app->feed->posts[slot].author;
	return author != viewer && graph_is_connected(app->graph, viewer, author);
}

/* Is slot in viewer's home lists (the rules of feed_insert and
 * stream_lists)? connected: author_connected(), known. */
static bool home_has(struct app *app, uint32_t viewer, uint32_t slot, bool connected)
{
	const struct feed_post *p = &app->feed->posts[slot];
	if (connected || p->author == viewer || ((p->flags & FEED_BOARD) && p->ref == viewer))
		return true;
	if (p->community && communities_role_locked(app, p->community, viewer) != COMMUNITY_NONE)
		return true; /* in one of communities_of_locked(viewer) */
	return graph_is_following(app->graph, viewer, p->author);
}

/* Fills h from the merge of viewer's lists: the union's newest slots. */
static void memo_build(struct app *app, struct arena *a, uint32_t viewer, struct feed_home *h)
{
	struct feed *f = app->feed;
	struct feed_query q = {.stream = FEED_HOME, .viewer = viewer};
	struct merge m = {.ascending = false};
	uint32_t got[HOME_MEMO_SLOTS], slot, last = FEED_NONE;
	size_t k = 0;
	if (f->n) {
		stream_lists(app, a, &q, &m, 0, f->n);
		while (k < HOME_MEMO_SLOTS && (slot = merge_next(&m)) != FEED_NONE)
			if (slot != last)
				got[k++] = last = slot;
	}
	h->floor = k == HOME_MEMO_SLOTS ? got[k - 1] : 0;
	h->start = 0;
	h->n = 0;
	while (k--)
		memo_push(h, got[k], author_connected(app, viewer, got[k]));
	h->upto = f->n;
}

/*
 * viewer's memo, up to date, or NULL (no such reader). Lock held (read);
 * on return h->lock is held too.
 */
static struct feed_home *memo_take(struct app *app, struct arena *a, int64_t viewer)
{
	struct feed *f = app->feed;
	if (viewer <= 0 || (uint64_t)viewer >= f->users_cap || !f->home)
		return NULL;
	struct feed_home *h = __atomic_load_n(&f->home[viewer], __ATOMIC_ACQUIRE);
	if (!h) {
		struct feed_home *mine = xcalloc(1, sizeof(*mine));
		pthread_mutex_init(&mine->lock, NULL);
		if (__atomic_compare_exchange_n(&f->home[viewer], &h, mine, false, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE)) {
			h = mine;
		} else {
			pthread_mutex_destroy(&mine->lock);
			free(mine);
		}
	}
	pthread_mutex_lock(&h->lock);
	uint32_t v = (uint32_t)viewer, gv = graph_version(app->graph, v),
		 cv = communities_version_locked(app, viewer);
	if (h->gen != f->home_gen || h->graph_ver != gv || h->groups_ver != cv ||
	    f->n - h->upto > HOME_CATCHUP_MAX) {
		h->gen = f->home_gen;
		h->graph_ver = gv;
		h->groups_ver = cv;
		memo_build(app, a, v, h);
	} else {
		for (uint32_t s = h->upto; s < f->n; s++) {
			bool conn = author_connected(app, v, s);
			if (home_has(app, v, s, conn))
				memo_push(h, s, conn);
		}
		h->upto = f->n;
	}
	return h;
}

/* --- pages ---------------------------------------------------------------------- */

struct page_walk {
	const struct feed *f;
	const struct feed_query *q;
	struct audience_ctx ac;
	size_t limit;
	uint32_t last;
	bool short_page;
};

/* Takes the next slot of the union into the page (connected: its author
 * is known to be the viewer's connection); false once it is full or out of
 * budget. */
static bool walk_take(struct page_walk *w, struct feed_result *out, uint32_t slot, bool connected)
{
	if (slot == w->last)
		return true; /* in two lists (a board post by a connection) */
	if (out->scanned == FEED_SCAN_MAX) {
		w->short_page = true;
		return false;
	}
	w->last = slot;
	out->scanned++;
	if (connected)
		audience_ctx_connected(&w->ac, w->f->posts[slot].author);
	if (stream_keeps(w->f, w->q, slot) && audience_slot_visible(&w->ac, slot))
		out->slots[out->n++] = slot;
	return out->n < w->limit;
}

/*
 * The newest part of a home page, from the memo: slots in [lo, hi) it
 * covers. Lowers *hi to what the merge still has to cover, 0 when the
 * page is done.
 */
static void walk_memo(struct app *app, struct arena *a, struct page_walk *w,
		      struct feed_result *out, uint32_t lo, uint32_t *hi)
{
	struct feed_home *h = memo_take(app, a, w->q->viewer);
	if (!h)
		return;
	uint32_t top[HOME_MEMO_SLOTS], n = 0, floor = h->floor;
	bool conn[HOME_MEMO_SLOTS];
	for (uint32_t i = h->n; i-- > 0;) {
		uint32_t r = (h->start + i) % HOME_MEMO_SLOTS, s = h->slot[r];
		if (s < lo)
			break;
		if (s < *hi) {
			conn[n] = (h->connected >> r) & 1;
			top[n++] = s;
		}
	}
	pthread_mutex_unlock(&h->lock);
	if (floor >= *hi)
		return; /* a deep page: all below the memo */
	for (uint32_t i = 0; i < n; i++)
		if (!walk_take(w, out, top[i], conn[i])) {
			*hi = 0;
			return;
		}
	*hi = floor > lo ? floor : 0;
}

void feed_query_page_locked(struct app *app, struct arena *a, const struct feed_query *q,
			    const struct feed_page *pg, struct feed_result *out)
{
	memset(out, 0, sizeof(*out));
	struct feed *f = app->feed;
	if (!f || !q->viewer)
		return;
	int64_t lower = pg->since_id > pg->min_id ? pg->since_id : pg->min_id;
	uint32_t hi = pg->max_id ? feed_lower_bound(f, pg->max_id) : f->n;
	uint32_t lo = lower ? feed_lower_bound(f, lower + (lower < INT64_MAX)) : 0;
	struct page_walk w = {.f = f,
			      .q = q,
			      .limit = pg->limit > 0 && pg->limit <= FEED_LIMIT_MAX
					   ? (size_t)pg->limit
					   : FEED_LIMIT_DEFAULT,
			      .last = FEED_NONE};
	struct merge m = {.ascending = pg->min_id > 0};
	if (lo >= hi)
		return;
	audience_ctx_init(&w.ac, app, q->viewer);
	if (q->stream == FEED_HOME && !m.ascending)
		walk_memo(app, a, &w, out, lo, &hi);
	if (lo < hi) {
		stream_lists(app, a, q, &m, lo, hi);
		uint32_t slot;
		while ((slot = merge_next(&m)) != FEED_NONE && walk_take(&w, out, slot, false))
			;
	}
	if (m.ascending) {
		for (size_t i = 0; i < out->n / 2; i++) {
			uint32_t s = out->slots[i];
			out->slots[i] = out->slots[out->n - 1 - i];
			out->slots[out->n - 1 - i] = s;
		}
	}
	for (size_t i = 0; i < out->n; i++)
		out->ids[i] = f->ids[out->slots[i]];
	if (out->n) {
		out->prev_min_id = out->ids[0];
		out->next_max_id = out->ids[out->n - 1];
	}
	if (w.short_page && w.last != FEED_NONE) {
		/* out of budget: let the client go on from where the scan stopped */
		if (m.ascending)
			out->prev_min_id = f->ids[w.last];
		else
			out->next_max_id = f->ids[w.last];
	}
}

void feed_query_page(struct app *app, struct arena *a, const struct feed_query *q,
		     const struct feed_page *pg, struct feed_result *out)
{
	app_rdlock(app);
	feed_query_page_locked(app, a, q, pg, out);
	app_unlock(app);
}
