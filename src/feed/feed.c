/*
 * feed: the post index itself — the id and post arrays, the mention pool,
 * the per-person, company and hashtag lists — and its mutators.
 * Loading lives in feed_load.c, stream pages in feed_stream.c.
 */
#include "feed/feed_int.h"
#include "audience/audience.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "graph/graph.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* --- sorted slot arrays ---------------------------------------------------- */

uint32_t fvec_lower_bound(const struct fvec *v, uint32_t slot)
{
	uint32_t lo = 0, hi = v->len;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (v->v[mid] < slot)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void fvec_lower_bounds(const struct fvec *const *v, size_t n, uint32_t slot, uint32_t *out)
{
	enum { STEP = 16 };
	for (size_t at = 0; at < n; at += STEP) {
		size_t k = n - at < STEP ? n - at : STEP;
		const uint32_t *base[STEP];
		uint32_t left[STEP]; /* the first element >= slot is in base[0 .. left] */
		bool more = false;
		for (size_t i = 0; i < k; i++) {
			base[i] = v[at + i]->v;
			left[i] = v[at + i]->len;
			more |= left[i] > 1;
		}
		while (more) { /* one halving of every search a round, without branches */
			more = false;
			for (size_t i = 0; i < k; i++) {
				uint32_t half = left[i] / 2;
				if (!half)
					continue;
				base[i] = base[i][half] < slot ? base[i] + half : base[i];
				left[i] -= half;
				more |= left[i] > 1;
			}
		}
		for (size_t i = 0; i < k; i++)
			out[at + i] =
			    left[i] ? (uint32_t)(base[i] - v[at + i]->v) + (*base[i] < slot) : 0;
	}
}

void fvec_add(struct fvec *v, uint32_t slot)
{
	if (v->len == v->cap) {
		v->cap = v->cap ? v->cap + v->cap / 2 + 2 : 4;
		v->v = xrealloc(v->v, v->cap * sizeof(*v->v));
	}
	if (v->len == 0 || v->last < slot) {
		v->v[v->len++] = slot;
		v->last = slot;
		return;
	}
	uint32_t i = fvec_lower_bound(v, slot);
	if (v->v[i] == slot)
		return;
	memmove(v->v + i + 1, v->v + i, (v->len - i) * sizeof(*v->v));
	v->v[i] = slot;
	v->len++;
}

void fvec_remove(struct fvec *v, uint32_t slot)
{
	uint32_t i = fvec_lower_bound(v, slot);
	if (i == v->len || v->v[i] != slot)
		return;
	memmove(v->v + i, v->v + i + 1, (v->len - i - 1) * sizeof(*v->v));
	v->len--;
	v->last = v->len ? v->v[v->len - 1] : 0;
}

/* Every element >= from grows by one (a slot was inserted at from). */
static void fvec_shift(struct fvec *v, uint32_t from)
{
	for (uint32_t i = fvec_lower_bound(v, from); i < v->len; i++)
		v->v[i]++;
	v->last = v->len ? v->v[v->len - 1] : 0;
}

static size_t fvec_bytes(const struct fvec *v)
{
	return v->cap * sizeof(*v->v);
}

/* --- the index ------------------------------------------------------------- */

/*
 * The two post arrays are anonymous mappings that grow with mremap(),
 * which moves page tables and copies nothing. (realloc() copied them: at
 * 10 million posts, 2-3 s with the memory write lock held, the whole
 * server stopped, on the first post past the room a start had left.)
 */
static size_t map_bytes(uint32_t cap, size_t each)
{
	size_t page = 4096;
	return ((size_t)cap * each + page - 1) & ~(page - 1);
}

static void *map_resize(void *old, size_t old_bytes, size_t bytes)
{
	void *p =
	    old ? mremap(old, old_bytes, bytes, MREMAP_MAYMOVE)
		: mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		log_error("feed: out of memory (%zu bytes)", bytes);
		abort();
	}
	if (bytes >= (4u << 20))
		madvise(p, bytes, MADV_HUGEPAGE); /* advisory: fewer faults and TLB misses */
	return p;
}

void feed_posts_reserve(struct feed *f, uint32_t cap)
{
	if (cap <= f->cap)
		return;
	f->ids =
	    map_resize(f->ids, map_bytes(f->cap, sizeof(*f->ids)), map_bytes(cap, sizeof(*f->ids)));
	f->posts = map_resize(f->posts, map_bytes(f->cap, sizeof(*f->posts)),
			      map_bytes(cap, sizeof(*f->posts)));
	f->cap = cap;
}

struct feed *feed_new(void)
{
	struct feed *f = xcalloc(1, sizeof(*f));
	f->pool_cap = 64;
	f->pool = xcalloc(f->pool_cap, sizeof(*f->pool));
	f->pool_len = 1; /* offset 0 means "no mentions" */
	f->tags_cap = 64;
	f->tags = xcalloc(f->tags_cap, sizeof(*f->tags));
	return f;
}

/* Calls fn on every list of f, always in the same order: the one place
 * that knows them all (freeing, sizing, shifting, compacting). */
static void each_list(struct feed *f, void (*fn)(struct fvec *, void *), void *ctx)
{
	for (uint32_t i = 0; i < f->users_cap; i++) {
		fn(&f->users[i].authored, ctx);
		fn(&f->users[i].board, ctx);
		fn(&f->users[i].mentioned, ctx);
		fn(&f->users[i].liked, ctx);
		fn(&f->users[i].reposted, ctx);
	}
	for (uint32_t i = 0; i < f->tags_cap; i++)
		fn(&f->tags[i].posts, ctx);
	for (uint32_t i = 0; i < f->communities_cap; i++)
		fn(&f->communities[i], ctx);
	fn(&f->listed, ctx);
}

static void free_list(struct fvec *v, void *ctx)
{
	(void)ctx;
	free(v->v);
}

void feed_free(struct feed *f)
{
	if (!f)
		return;
	each_list(f, free_list, NULL);
	feed_home_free(f);
	for (uint32_t i = 0; i < f->tags_cap; i++)
		free(f->tags[i].name);
	free(f->communities);
	free(f->users);
	free(f->newest);
	free(f->stats_ver);
	free(f->tags);
	free(f->pool);
	if (f->cap) {
		munmap(f->ids, map_bytes(f->cap, sizeof(*f->ids)));
		munmap(f->posts, map_bytes(f->cap, sizeof(*f->posts)));
	}
	free(f);
}

struct compaction {
	struct xcompact_ref *refs;
	size_t n;
};

static void count_list(struct fvec *v, void *ctx)
{
	(void)v;
	((struct compaction *)ctx)->n++;
}

static void ref_list(struct fvec *v, void *ctx)
{
	struct compaction *c = ctx;
	c->refs[c->n++] = (struct xcompact_ref){v->v, v->len * sizeof(*v->v)};
}

static void take_list(struct fvec *v, void *ctx)
{
	struct compaction *c = ctx;
	v->v = c->refs[c->n++].ptr;
	v->cap = v->len;
}

void feed_compact(struct feed *f)
{
	struct compaction c = {0};
	each_list(f, count_list, &c);
	c.refs = xmalloc((c.n + 1) * sizeof(*c.refs));
	c.n = 0;
	each_list(f, ref_list, &c);
	xcompact(c.refs, c.n);
	c.n = 0;
	each_list(f, take_list, &c);
	free(c.refs);
}

uint32_t feed_count(const struct feed *f)
{
	return f->n;
}

uint32_t feed_lower_bound(const struct feed *f, int64_t id)
{
	uint32_t lo = 0, hi = f->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (f->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

uint32_t feed_slot(const struct feed *f, int64_t id)
{
	uint32_t i = feed_lower_bound(f, id);
	return i < f->n && f->ids[i] == id ? i : FEED_NONE;
}

int64_t feed_id(const struct feed *f, uint32_t slot)
{
	return f->ids[slot];
}

const struct feed_post *feed_post(const struct feed *f, uint32_t slot)
{
	return &f->posts[slot];
}

size_t feed_mentions(const struct feed *f, uint32_t slot, const uint32_t **ids)
{
	uint32_t off = f->posts[slot].mentions;
	if (!off) {
		*ids = NULL;
		return 0;
	}
	*ids = f->pool + off + 1;
	return f->pool[off];
}

uint32_t feed_ref_slot(const struct feed_post *p)
{
	return p->flags & (FEED_REPLY | FEED_REBLOG) ? p->ref - 1 : FEED_NONE;
}

struct feed_user *feed_user_at(struct feed *f, int64_t user, bool create)
{
	if (user <= 0 || user > GRAPH_ID_MAX)
		return NULL;
	if ((uint64_t)user >= f->users_cap) {
		if (!create)
			return NULL;
		uint32_t ncap = f->users_cap ? f->users_cap : 1024;
		while (ncap <= (uint64_t)user)
			ncap *= 2;
		feed_users_reserve(f, ncap);
	}
	return &f->users[user];
}

/* Grows the zeroed tail of a per-person array from old to cap entries. */
static void *grow_zeroed(void *p, size_t size, uint32_t old, uint32_t cap)
{
	p = xrealloc(p, (size_t)cap * size);
	memset((char *)p + (size_t)old * size, 0, (size_t)(cap - old) * size);
	return p;
}

void feed_users_reserve(struct feed *f, uint32_t cap)
{
	if (cap <= f->users_cap)
		return;
	f->users = grow_zeroed(f->users, sizeof(*f->users), f->users_cap, cap);
	f->newest = grow_zeroed(f->newest, sizeof(*f->newest), f->users_cap, cap);
	f->stats_ver = grow_zeroed(f->stats_ver, sizeof(*f->stats_ver), f->users_cap, cap);
	f->home = grow_zeroed(f->home, sizeof(*f->home), f->users_cap, cap);
	f->users_cap = cap;
}

void feed_newest_sync(struct feed *f, uint32_t user)
{
	const struct fvec *v = &f->users[user].authored;
	f->newest[user] = v->len ? v->last + 1 : 0;
}

uint32_t feed_user_version(const struct feed *f, int64_t user)
{
	return user > 0 && (uint64_t)user < f->users_cap ? f->stats_ver[user] : 0;
}

void feed_user_stats(const struct feed *f, int64_t user, uint32_t *posts, int64_t *newest)
{
	*posts = 0;
	*newest = 0;
	if (user <= 0 || (uint64_t)user >= f->users_cap)
		return;
	const struct feed_user *u = &f->users[user];
	*posts = u->live;
	for (uint32_t i = u->authored.len; i-- > 0;) {
		uint32_t s = u->authored.v[i];
		if (!(f->posts[s].flags & FEED_DELETED)) {
			*newest = f->ids[s];
			break;
		}
	}
}

bool feed_liked(const struct feed *f, int64_t user, uint32_t slot)
{
	if (user <= 0 || (uint64_t)user >= f->users_cap)
		return false;
	const struct fvec *v = &f->users[user].liked;
	uint32_t i = fvec_lower_bound(v, slot);
	return i < v->len && v->v[i] == slot;
}

/* (It read every post the viewer ever wrote, looking for reposts: a
 * cache miss each, 12 % of a home page's CPU for prolific readers.) */
void feed_reposted(const struct feed *f, int64_t user, const uint32_t *slots, size_t n, bool *out)
{
	memset(out, 0, n * sizeof(*out));
	if (user <= 0 || (uint64_t)user >= f->users_cap || n == 0)
		return;
	const struct fvec *v = &f->users[user].reposted;
	for (size_t k = 0; k < n && v->len; k++) {
		uint32_t i = fvec_lower_bound(v, slots[k]);
		out[k] = i < v->len && v->v[i] == slots[k];
	}
}

/* Whether author has a live repost of original besides skip. */
static bool reposts_besides(const struct feed *f, uint32_t author, uint32_t original, uint32_t skip)
{
	const struct fvec *v = &f->users[author].authored;
	for (uint32_t i = 0; i < v->len; i++) {
		const struct feed_post *p = &f->posts[v->v[i]];
		if (v->v[i] != skip && (p->flags & FEED_REBLOG) && !(p->flags & FEED_DELETED) &&
		    p->ref - 1 == original)
			return true;
	}
	return false;
}

static uint32_t hash_name(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static void tags_grow(struct feed *f)
{
	uint32_t ncap = f->tags_cap * 2;
	struct feed_tag *nt = xcalloc(ncap, sizeof(*nt));
	for (uint32_t i = 0; i < f->tags_cap; i++) {
		if (!f->tags[i].name)
			continue;
		uint32_t h = f->tags[i].hash & (ncap - 1);
		while (nt[h].name)
			h = (h + 1) & (ncap - 1);
		nt[h] = f->tags[i];
	}
	free(f->tags);
	f->tags = nt;
	f->tags_cap = ncap;
}

struct feed_tag *feed_tag_at(struct feed *f, const char *name, size_t len, bool create)
{
	uint32_t hash = hash_name(name, len);
	uint32_t h = hash & (f->tags_cap - 1);
	while (f->tags[h].name) {
		struct feed_tag *t = &f->tags[h];
		if (t->hash == hash && strncmp(t->name, name, len) == 0 && t->name[len] == '\0')
			return t;
		h = (h + 1) & (f->tags_cap - 1);
	}
	if (!create)
		return NULL;
	if ((f->tags_used + 1) * 2 > f->tags_cap) {
		tags_grow(f);
		return feed_tag_at(f, name, len, true);
	}
	struct feed_tag *t = &f->tags[h];
	t->name = xstrndup(name, len);
	t->hash = hash;
	f->tags_used++;
	return t;
}

static void add_bytes(struct fvec *v, void *ctx)
{
	*(size_t *)ctx += fvec_bytes(v);
}

size_t feed_bytes(const struct feed *f)
{
	size_t b = sizeof(*f) + f->cap * (sizeof(*f->ids) + sizeof(*f->posts)) +
		   f->pool_cap * sizeof(*f->pool) +
		   f->users_cap * (sizeof(*f->users) + sizeof(*f->newest) + sizeof(*f->stats_ver)) +
		   f->tags_cap * sizeof(*f->tags) + f->communities_cap * sizeof(*f->communities);
	each_list((struct feed *)f, add_bytes, &b); /* reads only */
	b += feed_home_bytes(f);
	for (uint32_t i = 0; i < f->tags_cap; i++)
		if (f->tags[i].name)
			b += strlen(f->tags[i].name) + 1;
	return b;
}

/* --- mutators -------------------------------------------------------------- */

/* Appends a mention run (sorted, deduplicated, valid ids) to the pool;
 * returns its offset, 0 when there is none. */
static uint32_t pool_add(struct feed *f, const int64_t *users, size_t n)
{
	if (n == 0)
		return 0;
	if (f->pool_len + n + 1 > f->pool_cap) {
		while (f->pool_len + n + 1 > f->pool_cap)
			f->pool_cap *= 2;
		f->pool = xrealloc(f->pool, f->pool_cap * sizeof(*f->pool));
	}
	uint32_t off = f->pool_len, *run = f->pool + off + 1, count = 0;
	for (size_t i = 0; i < n; i++) {
		if (users[i] <= 0 || users[i] > GRAPH_ID_MAX)
			continue;
		uint32_t u = (uint32_t)users[i];
		uint32_t j = count;
		while (j > 0 && run[j - 1] > u)
			j--;
		if (j > 0 && run[j - 1] == u)
			continue;
		memmove(run + j + 1, run + j, (count - j) * sizeof(*run));
		run[j] = u;
		count++;
	}
	if (count == 0)
		return 0;
	f->pool[off] = count;
	f->pool_len += count + 1;
	return off;
}

static void grow_posts(struct feed *f)
{
	if (f->n < f->cap)
		return;
	feed_posts_reserve(f, f->cap ? f->cap + f->cap / 2 : 1024);
}

static void shift_list(struct fvec *v, void *ctx)
{
	fvec_shift(v, *(const uint32_t *)ctx);
}

/* Opens slot pos for an older id: every slot at or above pos moves up one. */
static void open_slot(struct feed *f, uint32_t pos)
{
	grow_posts(f);
	memmove(f->ids + pos + 1, f->ids + pos, (f->n - pos) * sizeof(*f->ids));
	memmove(f->posts + pos + 1, f->posts + pos, (f->n - pos) * sizeof(*f->posts));
	f->n++;
	for (uint32_t i = 0; i < f->n; i++) {
		struct feed_post *p = &f->posts[i];
		if (i != pos && (p->flags & (FEED_REPLY | FEED_REBLOG)) && p->ref - 1 >= pos)
			p->ref++;
	}
	each_list(f, shift_list, &pos);
	for (uint32_t i = 0; i < f->users_cap; i++)
		feed_newest_sync(f, i);
	f->home_gen++; /* every slot from pos on moved */
}

struct fvec *feed_community_at(struct feed *f, int64_t id, bool create)
{
	if (id <= 0 || id >= UINT32_MAX)
		return NULL;
	if ((uint64_t)id >= f->communities_cap) {
		if (!create)
			return NULL;
		uint32_t cap = f->communities_cap ? f->communities_cap : 64;
		while (cap <= (uint64_t)id)
			cap *= 2;
		f->communities = xrealloc(f->communities, cap * sizeof(*f->communities));
		memset(f->communities + f->communities_cap, 0,
		       (cap - f->communities_cap) * sizeof(*f->communities));
		f->communities_cap = cap;
	}
	return &f->communities[id];
}

int feed_set_community(struct feed *f, int64_t id, int64_t community)
{
	uint32_t slot = feed_slot(f, id);
	struct fvec *v = feed_community_at(f, community, true);
	if (slot == FEED_NONE || !v)
		return -1;
	f->posts[slot].community = (uint32_t)community;
	fvec_add(v, slot);
	f->home_gen++; /* an older slot in a list */
	return 0;
}

/* Counts a live reply in (delta 1) or out (delta -1) of its parent. Open:
 * whoever sees the parent sees the reply — public and unlisted replies, and
 * a community post's replies (they belong to its community, so they have
 * exactly its readers). */
static void count_reply(struct feed *f, const struct feed_post *reply, int delta)
{
	struct feed_post *parent = &f->posts[reply->ref - 1];
	if (reply->visibility <= VIS_UNLISTED ||
	    (reply->visibility == VIS_COMMUNITY && parent->visibility == VIS_COMMUNITY)) {
		if (delta > 0)
			parent->open_replies++;
		else if (parent->open_replies > 0)
			parent->open_replies--;
	} else if (parent->closed_replies != FEED_CLOSED_MANY) {
		if (delta > 0)
			parent->closed_replies++;
		else if (parent->closed_replies > 0)
			parent->closed_replies--;
	}
}

/* Fills the ref, flags and visibility of p's record; -1 if a parent is missing. */
static int link_post(struct feed *f, const struct feed_new *p, struct feed_post *fp)
{
	fp->visibility = (uint8_t)p->visibility;
	fp->flags = (p->question ? FEED_QUESTION : 0) | (p->deleted ? FEED_DELETED : 0);
	bool open = p->visibility <= VIS_UNLISTED;
	if (p->reblog_of_id || p->in_reply_to_id) {
		uint32_t ref = feed_slot(f, p->reblog_of_id ? p->reblog_of_id : p->in_reply_to_id);
		if (ref == FEED_NONE || (f->posts[ref].flags & FEED_REBLOG))
			return -1; /* missing, or a repost (one answers or reposts the original) */
		fp->flags |= p->reblog_of_id ? FEED_REBLOG : FEED_REPLY;
		fp->ref = ref + 1;
		open = open && (f->posts[ref].flags & FEED_OPEN);
	} else if (p->board_owner_id) {
		if (p->board_owner_id > GRAPH_ID_MAX || p->board_owner_id < 0)
			return -1;
		fp->flags |= FEED_BOARD;
		fp->ref = (uint32_t)p->board_owner_id;
	}
	if (open)
		fp->flags |= FEED_OPEN;
	return 0;
}

/* In the company stream: public, not a repost, not a reply to someone else. */
static bool listed(const struct feed *f, const struct feed_post *fp)
{
	if (fp->visibility != VIS_PUBLIC || (fp->flags & FEED_REBLOG))
		return false;
	return !(fp->flags & FEED_REPLY) || f->posts[fp->ref - 1].author == fp->author;
}

int feed_insert(struct feed *f, const struct feed_new *p)
{
	if (p->author <= 0 || p->author > GRAPH_ID_MAX || p->visibility < 0 ||
	    p->visibility > VIS_COMMUNITY || p->id <= 0 || p->community_id < 0 ||
	    p->community_id >= UINT32_MAX)
		return -1;
	struct feed_post fp = {.author = (uint32_t)p->author,
			       .community = (uint32_t)p->community_id};
	if (link_post(f, p, &fp) < 0)
		return -1;
	uint32_t pos = f->n;
	if (f->n && p->id <= f->ids[f->n - 1]) {
		pos = feed_lower_bound(f, p->id);
		if (f->ids[pos] == p->id)
			return -1;
		open_slot(f, pos);
		if (fp.flags & (FEED_REPLY | FEED_REBLOG) && fp.ref - 1 >= pos)
			fp.ref++;
	} else {
		grow_posts(f);
		f->n++;
	}
	fp.mentions = pool_add(f, p->mentions, p->n_mentions);
	if (p->n_tags)
		fp.flags |= FEED_TAGGED;
	if (listed(f, &fp))
		fp.flags |= FEED_LISTED;
	f->ids[pos] = p->id;
	f->posts[pos] = fp;

	struct feed_user *u = feed_user_at(f, p->author, true);
	fvec_add(&u->authored, pos);
	feed_newest_sync(f, (uint32_t)p->author);
	f->stats_ver[p->author]++;
	if (!p->deleted && p->visibility != VIS_DIRECT)
		u->live++;
	if ((fp.flags & FEED_REBLOG) && !p->deleted) {
		f->posts[fp.ref - 1].reblogs++;
		fvec_add(&u->reposted, fp.ref - 1);
	}
	if (fp.flags & FEED_BOARD)
		fvec_add(&feed_user_at(f, fp.ref, true)->board, pos);
	if (fp.flags & FEED_LISTED)
		fvec_add(&f->listed, pos);
	const uint32_t *m;
	size_t nm = feed_mentions(f, pos, &m);
	for (size_t i = 0; i < nm; i++)
		fvec_add(&feed_user_at(f, m[i], true)->mentioned, pos);
	for (size_t i = 0; i < p->n_tags; i++)
		fvec_add(&feed_tag_at(f, p->tags[i], strlen(p->tags[i]), true)->posts, pos);
	if (fp.community)
		fvec_add(feed_community_at(f, fp.community, true), pos);
	if ((fp.flags & FEED_REPLY) && !p->deleted)
		count_reply(f, &fp, 1);
	return 0;
}

int feed_delete(struct feed *f, int64_t id)
{
	uint32_t slot = feed_slot(f, id);
	if (slot == FEED_NONE || (f->posts[slot].flags & FEED_DELETED))
		return -1;
	struct feed_post *p = &f->posts[slot];
	p->flags |= FEED_DELETED;
	struct feed_user *u = feed_user_at(f, p->author, false);
	if (u && u->live > 0 && p->visibility != VIS_DIRECT)
		u->live--;
	if (u)
		f->stats_ver[p->author]++;
	if (p->flags & FEED_REPLY)
		count_reply(f, p, -1);
	if (p->flags & FEED_REBLOG) {
		if (f->posts[p->ref - 1].reblogs > 0)
			f->posts[p->ref - 1].reblogs--;
		/* one live repost per person and post is the rule; an older
		 * store may hold two, and the other still counts */
		if (u && !reposts_besides(f, p->author, p->ref - 1, slot))
			fvec_remove(&u->reposted, p->ref - 1);
	}
	return 0;
}

int feed_favourite(struct feed *f, int64_t user, int64_t id, bool on)
{
	uint32_t slot = feed_slot(f, id);
	struct feed_user *u = feed_user_at(f, user, on);
	if (slot == FEED_NONE || (on && !u))
		return -1;
	bool had = u && feed_liked(f, user, slot);
	if (had == on)
		return 0;
	struct feed_post *p = &f->posts[slot];
	if (on) {
		fvec_add(&u->liked, slot);
		p->favourites++;
	} else {
		fvec_remove(&u->liked, slot);
		if (p->favourites > 0)
			p->favourites--;
	}
	return 0;
}

int feed_set_mentions(struct feed *f, int64_t id, const int64_t *users, size_t n)
{
	uint32_t slot = feed_slot(f, id);
	if (slot == FEED_NONE)
		return -1;
	const uint32_t *m;
	size_t nm = feed_mentions(f, slot, &m);
	for (size_t i = 0; i < nm; i++)
		fvec_remove(&f->users[m[i]].mentioned, slot);
	f->posts[slot].mentions = pool_add(f, users, n);
	nm = feed_mentions(f, slot, &m);
	for (size_t i = 0; i < nm; i++)
		fvec_add(&feed_user_at(f, m[i], true)->mentioned, slot);
	return 0;
}

int feed_set_tags(struct feed *f, int64_t id, const char *const *old, size_t n_old,
		  const char *const *tags, size_t n)
{
	uint32_t slot = feed_slot(f, id);
	if (slot == FEED_NONE)
		return -1;
	for (size_t i = 0; i < n_old; i++) {
		struct feed_tag *t = feed_tag_at(f, old[i], strlen(old[i]), false);
		if (t)
			fvec_remove(&t->posts, slot);
	}
	for (size_t i = 0; i < n; i++)
		fvec_add(&feed_tag_at(f, tags[i], strlen(tags[i]), true)->posts, slot);
	if (n)
		f->posts[slot].flags |= FEED_TAGGED;
	else
		f->posts[slot].flags &= (uint8_t)~FEED_TAGGED;
	return 0;
}
