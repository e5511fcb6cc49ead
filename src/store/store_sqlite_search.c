/*
 * store_sqlite_search: the search indexes in SQLite FTS5 (see
 * store_search.h; schema in store_schema_search.c).
 *
 * MATCH expressions are built here from parsed terms: every term becomes
 * an FTS5 string ("..." with inner quotes doubled), so user input never
 * reaches FTS5's query syntax. Posts are read newest first (FTS5 walks a
 * doclist backwards cheaply) with a cap, because ranking every match of a
 * very common word by BM25 grows with the match count; the caller ranks
 * the candidates (relevance, recency, likes) after the audience check.
 */
#include "store/store_sqlite_search_int.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/xmalloc.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MATCH_MAX 8192

/* Appends s as an FTS5 string: "…" with inner quotes doubled. */
static void fts_string(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

/* The FTS5 phrases of a MATCH expression, in the order FTS5 numbers
 * them, each as a MATCH expression of its own (with the same column
 * filter): what moka_bm25 needs the document frequency of. */
#define PHRASES_MAX 64
struct phrases {
	char *v[PHRASES_MAX];
	int n;
	struct arena *a;
	const char *column;
};

static void phrase_add(struct phrases *ph, const char *cols, const char *s, bool prefix)
{
	if (!ph || ph->n >= PHRASES_MAX)
		return;
	struct buf b;
	buf_init(&b, MATCH_MAX);
	if (ph->column) {
		buf_puts(&b, ph->column);
		buf_puts(&b, " : ");
	}
	if (cols) {
		buf_puts(&b, cols);
		buf_puts(&b, " : ");
	}
	fts_string(&b, s);
	if (prefix)
		buf_puts(&b, " *");
	ph->v[ph->n++] = arena_strndup(ph->a, b.ptr, b.len);
	buf_free(&b);
}

/* prefix_cols: the columns a prefix term is restricted to ("{a b}"), or
 * NULL for all. */
static void fts_term(struct buf *b, const struct search_term *t, const char *prefix_cols,
		     struct phrases *ph)
{
	bool group = t->n_alts > 0;
	bool prefix = t->prefix && !t->phrase;
	if (group)
		buf_putc(b, '(');
	if (prefix && prefix_cols) {
		buf_puts(b, prefix_cols);
		buf_puts(b, " : ");
	}
	fts_string(b, t->text);
	if (prefix)
		buf_puts(b, " *");
	phrase_add(ph, prefix ? prefix_cols : NULL, t->text, prefix);
	for (size_t i = 0; i < t->n_alts; i++) {
		buf_puts(b, " OR ");
		fts_string(b, t->alts[i]);
		phrase_add(ph, NULL, t->alts[i], false);
	}
	if (group)
		buf_putc(b, ')');
}

/* The MATCH expression for q, optionally restricted to one column, in a:
 * (A AND B) NOT C NOT D, or (A OR B) NOT C. NULL when q has no positive
 * term. Prefixes match names only (as you type) where names exist. */
static char *match_expr_ph(struct arena *a, const struct search_query *q, const char *column,
			   const char *prefix_cols, struct phrases *ph)
{
	if (ph) {
		ph->n = 0;
		ph->a = a;
		ph->column = column;
	}
	struct buf b;
	buf_init(&b, MATCH_MAX);
	if (column) {
		buf_puts(&b, column);
		buf_puts(&b, " : ");
	}
	buf_putc(&b, '(');
	int pos = 0;
	for (size_t i = 0; i < q->n; i++) {
		if (q->terms[i].exclude)
			continue;
		if (pos++)
			buf_puts(&b, q->any ? " OR " : " AND ");
		fts_term(&b, &q->terms[i], prefix_cols, ph);
	}
	buf_putc(&b, ')');
	for (size_t i = 0; i < q->n; i++) {
		if (!q->terms[i].exclude)
			continue;
		buf_puts(&b, " NOT ");
		fts_term(&b, &q->terms[i], prefix_cols, ph);
	}
	char *s = NULL;
	if (pos > 0 && b.len < MATCH_MAX - 1)
		s = arena_strndup(a, b.ptr, b.len);
	buf_free(&b);
	return s;
}

static char *match_expr_cols(struct arena *a, const struct search_query *q, const char *column,
			     const char *prefix_cols)
{
	return match_expr_ph(a, q, column, prefix_cols, NULL);
}

static char *match_expr(struct arena *a, const struct search_query *q, const char *column)
{
	return match_expr_cols(a, q, column, NULL);
}

#define NAME_COLS "{display_name username}"

/* --- ranking: BM25 with cached document frequencies ---------------------------
 *
 * FTS5's bm25() counts, on every query, the rows matching each phrase (its
 * IDF) by reading the phrase's whole doclist: 0.1 s for "the" over 2
 * million posts, before the first row comes out. moka_bm25() computes the
 * same score (k1 1.2, b 0.75, the column weights) with document
 * frequencies given by the caller, which keeps them in a small cache
 * shared by the connections: each phrase is counted once per
 * DF_TTL_MS. */

#define DF_SLOTS 4096 /* a power of two */
#define DF_TTL_MS (10 * 60 * 1000)

struct df_entry {
	char *key; /* table name, '\1', phrase expression */
	int64_t df, at;
};

static struct df_entry df_cache[DF_SLOTS];
static pthread_mutex_t df_lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t df_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* The slot of key: its own or the one to take (a full probe run of 8
 * replaces the first). Lock held. */
static struct df_entry *df_slot(const char *key)
{
	uint64_t h = df_hash(key);
	for (int i = 0; i < 8; i++) {
		struct df_entry *e = &df_cache[(h + (uint64_t)i) & (DF_SLOTS - 1)];
		if (!e->key || !strcmp(e->key, key))
			return e;
	}
	return &df_cache[h & (DF_SLOTS - 1)];
}

/* Rows of table matching the phrase expression ph: cached, or counted. */
static int64_t phrase_df(struct store_conn *c, const char *table, sqlite3_stmt *count,
			 const char *ph)
{
	size_t nt = strlen(table), np = strlen(ph);
	char *key = xmalloc(nt + np + 2);
	memcpy(key, table, nt);
	key[nt] = '\1';
	memcpy(key + nt + 1, ph, np + 1);
	int64_t now = clock_mono_us() / 1000;
	pthread_mutex_lock(&df_lock);
	struct df_entry *e = df_slot(key);
	bool fresh = e->key && !strcmp(e->key, key) && now - e->at < DF_TTL_MS;
	int64_t df = fresh ? e->df : -1;
	pthread_mutex_unlock(&df_lock);
	if (df >= 0) {
		free(key);
		return df;
	}
	sq_text(count, 1, ph);
	df = sqlite3_step(count) == SQLITE_ROW ? sqlite3_column_int64(count, 0) : 0;
	if (sqlite3_reset(count) != SQLITE_OK)
		sq_log(c, "search df");
	pthread_mutex_lock(&df_lock);
	e = df_slot(key);
	if (e->key != NULL && strcmp(e->key, key)) {
		free(e->key);
		e->key = NULL;
	}
	if (!e->key)
		e->key = key;
	else
		free(key);
	e->df = df;
	e->at = now;
	pthread_mutex_unlock(&df_lock);
	return df;
}

/* The moka_bm25 argument for a query on table: its column weights, then
 * the document frequency of each phrase (doubles), as a blob in a. */
static void *rank_arg(struct store_conn *c, struct arena *a, const char *table, sqlite3_stmt *count,
		      const double *weights, int n_weights, const struct phrases *ph, int *bytes)
{
	double *v = arena_alloc(a, (size_t)(n_weights + ph->n) * sizeof(*v));
	memcpy(v, weights, (size_t)n_weights * sizeof(*v));
	for (int i = 0; i < ph->n; i++)
		v[n_weights + i] = (double)phrase_df(c, table, count, ph->v[i]);
	*bytes = (n_weights + ph->n) * (int)sizeof(*v);
	return v;
}

/* --- profile lengths ---------------------------------------------------------
 *
 * BM25 divides by the length of the document, which FTS5 reads from its
 * docsize table with a statement of its own for every match: 85% of the
 * cost of ranking people (3.2 of 3.8 ms for the 5,917 matches of
 * "kubernetes" at 100,000 people; reading the matches and their
 * positions is the other 0.6 ms). moka_bm25_people keeps the length of
 * each profile here instead, by id: two-level (chunks of 65,536 ids made
 * when first needed), each slot holding the length + 1 and the period it
 * was read in (0 when unknown). A slot is forgotten when FTS5 writes the
 * person's docsize row (the update hook, see sq_search_register) and is
 * read again after two periods at most (LEN_PERIOD_S): a reader that read
 * the old length just before a profile change committed keeps it no
 * longer than that. */

#define LEN_CHUNK_BITS 16
#define LEN_CHUNKS 4096 /* ids below 2^28 */
#define LEN_PERIOD_S 256
#define LEN_BITS 20

static _Atomic(_Atomic uint32_t *) len_chunks[LEN_CHUNKS];

static _Atomic uint32_t *len_slot(int64_t id, bool make)
{
	if (id < 0 || id >= (int64_t)LEN_CHUNKS << LEN_CHUNK_BITS)
		return NULL;
	size_t k = (size_t)id >> LEN_CHUNK_BITS;
	_Atomic uint32_t *ch = atomic_load_explicit(&len_chunks[k], memory_order_acquire);
	if (!ch && make) {
		_Atomic uint32_t *fresh = xcalloc((size_t)1 << LEN_CHUNK_BITS, sizeof(*fresh));
		_Atomic uint32_t *none = NULL;
		if (atomic_compare_exchange_strong(&len_chunks[k], &none, fresh))
			ch = fresh;
		else {
			free(fresh);
			ch = none;
		}
	}
	return ch ? &ch[(size_t)id & (((size_t)1 << LEN_CHUNK_BITS) - 1)] : NULL;
}

static uint32_t len_period(void)
{
	return (uint32_t)(clock_mono_us() / 1000000 / LEN_PERIOD_S) & ((1u << (32 - LEN_BITS)) - 1);
}

/* The length of the current row (every column), cached by rowid. */
static int people_len(const Fts5ExtensionApi *api, Fts5Context *fts, int *len)
{
	_Atomic uint32_t *slot = len_slot(api->xRowid(fts), true);
	uint32_t now = len_period(),
		 v = slot ? atomic_load_explicit(slot, memory_order_relaxed) : 0;
	uint32_t at = v >> LEN_BITS, mask = (1u << (32 - LEN_BITS)) - 1;
	if (v && (at == now || ((at + 1) & mask) == now)) {
		*len = (int)(v & ((1u << LEN_BITS) - 1)) - 1;
		return SQLITE_OK;
	}
	int rc = api->xColumnSize(fts, -1, len);
	if (rc == SQLITE_OK && slot && *len >= 0 && *len < (1 << LEN_BITS) - 1)
		atomic_store_explicit(slot, now << LEN_BITS | (uint32_t)(*len + 1),
				      memory_order_relaxed);
	return rc;
}

/* sqlite3_update_hook: FTS5 wrote a person's docsize row. */
static void people_changed(void *user, int op, const char *db, const char *table, sqlite3_int64 id)
{
	(void)user;
	(void)op;
	(void)db;
	if (!strcmp(table, "search_people_docsize")) {
		_Atomic uint32_t *slot = len_slot(id, false);
		if (slot)
			atomic_store_explicit(slot, 0, memory_order_relaxed);
	}
}

static int count_hits(const Fts5ExtensionApi *api, Fts5Context *fts, void *user)
{
	(void)api;
	(void)fts;
	(*(int64_t *)user)++;
	return SQLITE_OK;
}

/* moka_bm25(table, blob): FTS5's bm25 (negative, lower is better) with
 * the column weights and phrase document frequencies of the blob (see
 * rank_arg); a phrase without a given frequency is counted here. */
static void moka_bm25(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
		      int n_val, sqlite3_value **val)
{
	enum { PH_MAX = PHRASES_MAX, COLS_MAX = 16 };
	int n_col = api->xColumnCount(fts), n_ph = api->xPhraseCount(fts);
	if (n_ph > PH_MAX || n_col > COLS_MAX) {
		sqlite3_result_error(ctx, "moka_bm25: too many phrases", -1);
		return;
	}
	const double *arg = n_val > 0 ? sqlite3_value_blob(val[0]) : NULL;
	int n_arg = n_val > 0 ? sqlite3_value_bytes(val[0]) / (int)sizeof(double) : 0;
	double w[COLS_MAX], idf[PH_MAX], freq[PH_MAX] = {0};
	for (int i = 0; i < n_col; i++)
		w[i] = i < n_arg ? arg[i] : 1.0;
	sqlite3_int64 rows = 0, tokens = 0;
	int rc = api->xRowCount(fts, &rows);
	if (rc == SQLITE_OK)
		rc = api->xColumnTotalSize(fts, -1, &tokens);
	for (int i = 0; i < n_ph && rc == SQLITE_OK; i++) {
		int64_t df = 0;
		if (n_col + i < n_arg)
			df = (int64_t)arg[n_col + i];
		else
			rc = api->xQueryPhrase(fts, i, &df, count_hits);
		double x = log(((double)rows - (double)df + 0.5) / ((double)df + 0.5));
		idf[i] = x > 0 ? x : 1e-6;
	}
	int n_inst = 0;
	if (rc == SQLITE_OK)
		rc = api->xInstCount(fts, &n_inst);
	for (int i = 0; i < n_inst && rc == SQLITE_OK; i++) {
		int ip, ic, io;
		rc = api->xInst(fts, i, &ip, &ic, &io);
		if (rc == SQLITE_OK && ip >= 0 && ip < n_ph && ic >= 0 && ic < n_col)
			freq[ip] += w[ic];
	}
	int len = 0;
	if (rc == SQLITE_OK)
		rc = api->xUserData(fts) ? people_len(api, fts, &len)
					 : api->xColumnSize(fts, -1, &len);
	if (rc != SQLITE_OK) {
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	double avg = rows > 0 ? (double)tokens / (double)rows : 1.0, k1 = 1.2, b = 0.75;
	double d = k1 * (1 - b + b * (double)len / (avg > 0 ? avg : 1.0)), score = 0;
	for (int i = 0; i < n_ph; i++)
		score += idf[i] * (freq[i] * (k1 + 1.0)) / (freq[i] + d);
	sqlite3_result_double(ctx, -score);
}

int sq_search_register(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (!api || api->iVersion < 2)
		return -1;
	static int people; /* moka_bm25_people's user data: lengths cached */
	if (api->xCreateFunction(api, "moka_bm25", NULL, moka_bm25, NULL) != SQLITE_OK ||
	    api->xCreateFunction(api, "moka_bm25_people", &people, moka_bm25, NULL) != SQLITE_OK)
		return -1;
	sqlite3_update_hook(db, people_changed, NULL);
	return 0;
}

/* Runs a (rowid, score) statement whose first parameter is the MATCH
 * expression and second the limit; scores are negated BM25 (0 for a
 * statement of rowids alone). */
int sq_search_hits(struct store_conn *c, sqlite3_stmt *st, const char *match, int max,
		   struct search_hit *out)
{
	sq_text(st, 1, match);
	sq_int(st, 2, max);
	int n = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < max) {
		out[n].id = sqlite3_column_int64(st, 0);
		out[n].score = sqlite3_column_count(st) > 1 ? -sqlite3_column_double(st, 1) : 0;
		n++;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_log(c, "search");
		n = -1;
	}
	sqlite3_reset(st);
	return n;
}

/* Keeps the best max hits of a stream in v (a min-heap on score while
 * filling, sorted best first by people_finish). */
static void heap_push(struct search_hit *v, int *n, int max, struct search_hit h)
{
	if (*n < max) {
		int i = (*n)++;
		while (i > 0 && v[(i - 1) / 2].score > h.score) {
			v[i] = v[(i - 1) / 2];
			i = (i - 1) / 2;
		}
		v[i] = h;
		return;
	}
	if (max == 0 || h.score <= v[0].score)
		return;
	int i = 0;
	for (;;) { /* sift the new hit down from the root */
		int l = 2 * i + 1, r = l + 1, m = i;
		double ms = h.score;
		if (l < *n && v[l].score < ms)
			m = l, ms = v[l].score;
		if (r < *n && v[r].score < ms)
			m = r;
		if (m == i)
			break;
		v[i] = v[m];
		i = m;
	}
	v[i] = h;
}

static int cmp_hit(const void *x, const void *y)
{
	const struct search_hit *a = x, *b = y;
	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	return (a->id > b->id) - (a->id < b->id);
}

/* --- names as you type ------------------------------------------------------
 *
 * A lone prefix ("ma", "Tremb") matches tens of thousands of people in a
 * large company, and ranking them all by BM25 reads a row per match. The
 * name vocabulary is small instead (733 words start with "ma" among
 * 440,000 people): the words starting with the prefix, shortest first
 * (the most complete match: "marc" before "marcelline"), give their
 * people in turn (by id within a word) until max are found. */

struct completion {
	const char *term;
	int64_t docs;
};

static int cmp_completion(const void *x, const void *y)
{
	const struct completion *a = x, *b = y;
	size_t la = strlen(a->term), lb = strlen(b->term);
	if (la != lb)
		return la < lb ? -1 : 1;
	if (a->docs != b->docs)
		return a->docs > b->docs ? -1 : 1;
	return strcmp(a->term, b->term);
}

/* The lone prefix of q when the fast path applies (one positive prefix
 * term of ASCII letters and digits, nothing else), lowercased in buf. */
static const char *lone_prefix(const struct search_query *q, char *buf, size_t size)
{
	if (q->n != 1 || !q->terms[0].prefix || q->terms[0].phrase || q->terms[0].exclude ||
	    q->terms[0].n_alts)
		return NULL;
	const char *t = q->terms[0].text;
	size_t n = strlen(t);
	if (n < 2 || n >= size)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char ch = t[i];
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')))
			return NULL;
		buf[i] = ch;
	}
	buf[n] = 0;
	return buf;
}

#define COMPLETIONS_MAX 4096

static int people_prefix(struct store_conn *c, struct arena *a, const char *prefix, int max,
			 struct search_hit *out, int64_t *total)
{
	char hi[64];
	size_t len = strlen(prefix);
	memcpy(hi, prefix, len + 1);
	hi[len - 1]++;
	sqlite3_stmt *st = sq_stmt(c, "SELECT term, doc FROM search_names_vocab"
				      " WHERE term >= ? AND term < ?");
	sq_text(st, 1, prefix);
	sq_text(st, 2, hi);
	struct completion *v = arena_alloc(a, COMPLETIONS_MAX * sizeof(*v));
	int n_terms = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n_terms < COMPLETIONS_MAX)
		v[n_terms++] =
		    (struct completion){sq_col_text(a, st, 0), sqlite3_column_int64(st, 1)};
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		sq_log(c, "search names vocab");
		return -1;
	}
	qsort(v, (size_t)n_terms, sizeof(*v), cmp_completion);
	sqlite3_stmt *docs =
	    sq_stmt(c, "SELECT rowid FROM search_names WHERE search_names MATCH ?1 AND rowid"
		       " NOT IN (SELECT id FROM users WHERE active = 0) LIMIT ?2");
	int n = 0;
	for (int i = 0; i < n_terms && n < max; i++) {
		struct buf b;
		buf_init(&b, MATCH_MAX);
		fts_string(&b, v[i].term);
		buf_putc(&b, 0);
		sq_text(docs, 1, b.ptr);
		buf_free(&b);
		sq_int(docs, 2, max + n); /* the ones already taken may come again */
		while (n < max && (rc = sqlite3_step(docs)) == SQLITE_ROW) {
			int64_t id = sqlite3_column_int64(docs, 0);
			bool dup = false;
			for (int j = 0; j < n && !dup; j++)
				dup = out[j].id == id;
			if (!dup) {
				out[n] = (struct search_hit){id, (double)(max - n)};
				n++;
			}
		}
		sqlite3_reset(docs);
	}
	if (total) { /* every match, as the ranked path counts them */
		sqlite3_stmt *ct =
		    sq_stmt(c, "SELECT count(*) FROM (SELECT 1 FROM search_names WHERE search_names"
			       " MATCH ?1 AND rowid NOT IN (SELECT id FROM users WHERE active = 0)"
			       " LIMIT ?2)");
		struct buf b;
		buf_init(&b, MATCH_MAX);
		fts_string(&b, prefix);
		buf_puts(&b, " *");
		buf_putc(&b, 0);
		sq_text(ct, 1, b.ptr);
		buf_free(&b);
		sq_int(ct, 2, SEARCH_PEOPLE_SCAN_MAX);
		*total = sqlite3_step(ct) == SQLITE_ROW ? sqlite3_column_int64(ct, 0) : 0;
		sqlite3_reset(ct);
	}
	return n;
}

static const double people_weights[] = {10, 8, 8, 4, 2, 2, 2, 1};

int store_search_people_top(struct store_conn *c, const struct search_query *q,
			    enum search_people_fields fields, int max, struct search_hit *out,
			    int64_t *total)
{
	struct arena *a = arena_new();
	char lone[64];
	if (fields == SEARCH_PEOPLE_ALL && lone_prefix(q, lone, sizeof(lone))) {
		int k = people_prefix(c, a, lone, max, out, total);
		arena_free(a);
		return k;
	}
	struct phrases ph;
	char *m = match_expr_ph(a, q, fields == SEARCH_PEOPLE_EXPERTISE ? "expertise" : NULL,
				NAME_COLS, &ph);
	int n = 0;
	int64_t all = 0;
	int rc = SQLITE_DONE;
	if (m) {
		/* names and expertise above title, title above the rest; one pass
		 * that ranks every match (the lengths of the profiles cached, see
		 * people_len: about 0.1 us a match) and keeps the best; the count
		 * stops at SEARCH_PEOPLE_SCAN_MAX */
		int bytes;
		void *arg = rank_arg(c, a, "search_people",
				     sq_stmt(c, "SELECT count(*) FROM search_people"
						" WHERE search_people MATCH ?"),
				     people_weights, 8, &ph, &bytes);
		sqlite3_stmt *st =
		    sq_stmt(c, "SELECT rowid, moka_bm25_people(search_people, ?2)"
			       " FROM search_people WHERE search_people MATCH ?1 AND rowid NOT IN"
			       " (SELECT id FROM users WHERE active = 0)");
		sq_text(st, 1, m);
		sqlite3_bind_blob(st, 2, arg, bytes, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			struct search_hit h = {sqlite3_column_int64(st, 0),
					       -sqlite3_column_double(st, 1)};
			heap_push(out, &n, max, h);
			all++;
		}
		if (rc != SQLITE_DONE) {
			sq_log(c, "search people");
			n = -1;
		}
		sqlite3_reset(st);
	}
	arena_free(a);
	if (n > 0)
		qsort(out, (size_t)n, sizeof(*out), cmp_hit);
	if (total)
		*total = all < SEARCH_PEOPLE_SCAN_MAX ? all : SEARCH_PEOPLE_SCAN_MAX;
	return n;
}

int store_search_people(struct store_conn *c, const struct search_query *q,
			enum search_people_fields fields, int max, struct search_hit *out)
{
	return store_search_people_top(c, q, fields, max, out, NULL);
}

int store_search_posts(struct store_conn *c, const struct search_query *q, int max,
		       struct search_hit *out)
{
	static const double weights[] = {1.0, 0.5};
	struct arena *a = arena_new();
	struct phrases ph;
	char *m = match_expr_ph(a, q, NULL, NULL, &ph);
	int n = 0;
	if (m) {
		int bytes;
		void *arg = rank_arg(
		    c, a, "search_posts",
		    sq_stmt(c, "SELECT count(*) FROM search_posts WHERE search_posts MATCH ?"),
		    weights, 2, &ph, &bytes);
		sqlite3_stmt *st = sq_stmt(c, "SELECT rowid, moka_bm25(search_posts, ?3)"
					      " FROM search_posts WHERE search_posts MATCH ?1"
					      " ORDER BY rowid DESC LIMIT ?2");
		sqlite3_bind_blob(st, 3, arg, bytes, SQLITE_STATIC);
		n = sq_search_hits(c, st, m, max, out);
	}
	arena_free(a);
	return n;
}

int store_search_post_ids(struct store_conn *c, const struct search_query *q, int max,
			  struct search_hit *out)
{
	struct arena *a = arena_new();
	char *m = match_expr(a, q, NULL);
	int n = 0;
	if (m)
		n = sq_search_hits(
		    c,
		    sq_stmt(c, "SELECT rowid FROM search_posts WHERE search_posts MATCH ?"
			       " ORDER BY rowid DESC LIMIT ?"),
		    m, max, out);
	arena_free(a);
	return n;
}

int store_search_people_ids(struct store_conn *c, const struct search_query *q,
			    enum search_people_fields fields, int max, struct search_hit *out)
{
	struct arena *a = arena_new();
	char *m = match_expr_cols(a, q, fields == SEARCH_PEOPLE_EXPERTISE ? "expertise" : NULL,
				  NAME_COLS);
	int n = 0;
	if (m)
		n = sq_search_hits(
		    c,
		    sq_stmt(c, "SELECT rowid FROM search_people WHERE search_people MATCH ?"
			       " LIMIT ?"),
		    m, max, out);
	arena_free(a);
	return n;
}

int store_search_communities(struct store_conn *c, const struct search_query *q, int max,
			     struct search_hit *out)
{
	struct arena *a = arena_new();
	char *m = match_expr(a, q, NULL);
	int n = 0;
	if (m) {
		sqlite3_stmt *st =
		    sq_stmt(c, "SELECT s.rowid, bm25(search_communities, 6, 2, 4)"
			       " FROM search_communities s JOIN communities k ON k.id = s.rowid"
			       " WHERE search_communities MATCH ? AND k.archived_at IS NULL"
			       " ORDER BY 2 LIMIT ?");
		n = sq_search_hits(c, st, m, max, out);
	}
	arena_free(a);
	return n;
}

int store_search_topics(struct store_conn *c, const struct search_query *q, int max,
			struct search_hit *out)
{
	struct arena *a = arena_new();
	char *m = match_expr(a, q, NULL);
	int n = 0;
	if (m) {
		/* newest first; no relevance (bm25 would count every match of
		 * each word first) */
		sqlite3_stmt *st =
		    sq_stmt(c, "SELECT rowid FROM search_topics"
			       " WHERE search_topics MATCH ? ORDER BY rowid DESC LIMIT ?");
		n = sq_search_hits(c, st, m, max, out);
	}
	arena_free(a);
	return n;
}

/* The snippet's text as safe HTML: \1 and \2 (FTS5's markers here) become
 * <mark> and </mark>, always balanced; everything else is escaped. */
static char *marks_to_html(struct arena *a, const char *s)
{
	struct buf b;
	buf_init(&b, 64 * 1024);
	bool open = false;
	for (; *s; s++) {
		switch (*s) {
		case '\1':
			if (!open)
				buf_puts(&b, "<mark>");
			open = true;
			break;
		case '\2':
			if (open)
				buf_puts(&b, "</mark>");
			open = false;
			break;
		case '&':
			buf_puts(&b, "&amp;");
			break;
		case '<':
			buf_puts(&b, "&lt;");
			break;
		case '>':
			buf_puts(&b, "&gt;");
			break;
		case '"':
			buf_puts(&b, "&quot;");
			break;
		case '\'':
			buf_puts(&b, "&#39;");
			break;
		case '\n':
		case '\r':
		case '\t':
			buf_putc(&b, ' ');
			break;
		default:
			buf_putc(&b, *s);
		}
	}
	if (open)
		buf_puts(&b, "</mark>");
	char *r = arena_strndup(a, b.ptr ? b.ptr : "", b.len);
	buf_free(&b);
	return r;
}

char *store_search_snippet(struct store_conn *c, struct arena *a, enum search_kind kind, int64_t id,
			   const struct search_query *q)
{
	char *m = match_expr_cols(a, q, NULL, kind == SEARCH_KIND_PEOPLE ? NAME_COLS : NULL);
	if (!m)
		return NULL;
	sqlite3_stmt *st;
	switch (kind) {
	case SEARCH_KIND_PEOPLE:
		st = sq_stmt(c, "SELECT snippet(search_people, -1, x'01', x'02', '…', 16)"
				" FROM search_people WHERE search_people MATCH ? AND rowid = ?");
		break;
	case SEARCH_KIND_POSTS:
		st = sq_stmt(c, "SELECT snippet(search_posts, -1, x'01', x'02', '…', 24)"
				" FROM search_posts WHERE search_posts MATCH ? AND rowid = ?");
		break;
	case SEARCH_KIND_COMMUNITIES:
		st = sq_stmt(c, "SELECT snippet(search_communities, -1, x'01', x'02', '…', 16)"
				" FROM search_communities WHERE search_communities MATCH ?"
				" AND rowid = ?");
		break;
	default:
		st = sq_stmt(c, "SELECT highlight(search_topics, 0, x'01', x'02')"
				" FROM search_topics WHERE search_topics MATCH ? AND rowid = ?");
		break;
	}
	sq_text(st, 1, m);
	sq_int(st, 2, id);
	char *r = NULL;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
		r = marks_to_html(a, (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_reset(st);
	return r;
}

/* Bytes of the UTF-8 character starting at s (1 for a stray byte). */
static size_t char_len(const char *s)
{
	unsigned char ch = (unsigned char)*s;
	size_t n = ch < 0x80 ? 1 : ch < 0xe0 ? 2 : ch < 0xf0 ? 3 : 4;
	for (size_t i = 1; i < n; i++)
		if (!s[i])
			return i;
	return n;
}

/* Are a and b within one edit (Damerau: insert, delete, substitute, swap
 * two neighbours)? Byte-wise, which is exact for ASCII and close enough
 * for the rest. */
static bool one_edit(const char *a, size_t na, const char *b, size_t nb)
{
	if (na > nb + 1 || nb > na + 1)
		return false;
	size_t i = 0;
	while (i < na && i < nb && a[i] == b[i])
		i++;
	if (i == na && i == nb)
		return false; /* equal */
	if (na == nb) {
		if (!memcmp(a + i + 1, b + i + 1, na - i - 1))
			return true; /* substitution */
		return i + 1 < na && a[i] == b[i + 1] && a[i + 1] == b[i] &&
		       !memcmp(a + i + 2, b + i + 2, na - i - 2); /* transposition */
	}
	if (na > nb)
		return !memcmp(a + i + 1, b + i, nb - i);
	return !memcmp(a + i, b + i + 1, na - i);
}

struct neighbour {
	const char *term;
	int64_t docs;
};

static int cmp_docs(const void *x, const void *y)
{
	const struct neighbour *a = x, *b = y;
	return (a->docs < b->docs) - (a->docs > b->docs);
}

/* Scans the name vocabulary for terms starting with the character at
 * from, adding those within one edit of word. */
static int scan_range(struct store_conn *c, struct arena *a, const char *word, const char *from,
		      struct neighbour *v, int *n, int cap)
{
	size_t k = char_len(from);
	char lo[8], hi[8];
	memcpy(lo, from, k);
	lo[k] = 0;
	memcpy(hi, from, k);
	hi[k] = 0;
	if ((unsigned char)hi[k - 1] == 0xff)
		return 0;
	hi[k - 1]++;
	sqlite3_stmt *st = sq_stmt(c, "SELECT term, doc FROM search_names_vocab"
				      " WHERE term >= ? AND term < ?");
	sq_text(st, 1, lo);
	sq_text(st, 2, hi);
	size_t nw = strlen(word);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		size_t nt = (size_t)sqlite3_column_bytes(st, 0);
		if (!t || !one_edit(word, nw, t, nt))
			continue;
		bool dup = false;
		for (int i = 0; i < *n && !dup; i++)
			dup = strcmp(v[i].term, t) == 0;
		if (dup)
			continue;
		if (*n < cap)
			v[(*n)++] = (struct neighbour){arena_strndup(a, t, nt),
						       sqlite3_column_int64(st, 1)};
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		sq_log(c, "name neighbours");
		return -1;
	}
	return 0;
}

/* The first letter wrong or missing ("nartin", "artin" for "martin"):
 * the 26 words with another first letter, and the 26 with one more,
 * looked up one by one (names are folded to ASCII letters mostly). */
static int probe_first(struct store_conn *c, struct arena *a, const char *word, struct neighbour *v,
		       int *n, int cap)
{
	size_t len = strlen(word), k = char_len(word);
	if (len + 2 > 128)
		return 0;
	sqlite3_stmt *st = sq_stmt(c, "SELECT doc FROM search_names_vocab WHERE term = ?");
	char t[128];
	for (int add = 0; add < 2; add++) {
		const char *rest = add ? word : word + k;
		for (char x = 'a'; x <= 'z' && *n < cap; x++) {
			t[0] = x;
			memcpy(t + 1, rest, strlen(rest) + 1);
			if (!strcmp(t, word))
				continue;
			sq_text(st, 1, t);
			int rc = sqlite3_step(st);
			if (rc == SQLITE_ROW)
				v[(*n)++] = (struct neighbour){arena_strdup(a, t),
							       sqlite3_column_int64(st, 0)};
			sqlite3_reset(st);
			if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
				sq_log(c, "name neighbours");
				return -1;
			}
		}
	}
	return 0;
}

int store_search_name_neighbours(struct store_conn *c, struct arena *a, const char *word, int max,
				 const char **out)
{
	if (!word[0] || !word[char_len(word)])
		return 0;
	enum { CAP = 256 };
	struct neighbour v[CAP];
	int n = 0;
	const char *second = word + char_len(word);
	if (scan_range(c, a, word, word, v, &n, CAP) < 0)
		return -1;
	if (strncmp(word, second, char_len(word)) && scan_range(c, a, word, second, v, &n, CAP) < 0)
		return -1;
	if (probe_first(c, a, word, v, &n, CAP) < 0)
		return -1;
	qsort(v, (size_t)n, sizeof(*v), cmp_docs);
	if (n > max)
		n = max;
	for (int i = 0; i < n; i++)
		out[i] = v[i].term;
	return n;
}

int store_search_tags_prefix(struct store_conn *c, struct arena *a, const char *prefix, int max,
			     const char **out)
{
	sqlite3_stmt *st =
	    sq_stmt(c, "SELECT tag FROM (SELECT tag, count(*) AS n FROM (SELECT tag FROM post_tags"
		       " WHERE tag >= ?1 AND tag < ?1 || x'ff' LIMIT 20000) GROUP BY tag)"
		       " ORDER BY n DESC, tag LIMIT ?2");
	sq_text(st, 1, prefix);
	sq_int(st, 2, max);
	int n = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < max)
		out[n++] = sq_col_text(a, st, 0);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_log(c, "tags prefix");
		n = -1;
	}
	sqlite3_reset(st);
	return n;
}

/* Runs st (parameters bound) collecting column 0 as ids. */
static int ids(struct store_conn *c, sqlite3_stmt *st, int max, int64_t *out)
{
	int n = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < max)
		out[n++] = sqlite3_column_int64(st, 0);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_log(c, "search ids");
		n = -1;
	}
	sqlite3_reset(st);
	return n;
}

int store_search_tag_posts(struct store_conn *c, const char *tag, int max, int64_t *out)
{
	sqlite3_stmt *st =
	    sq_stmt(c, "SELECT post_id FROM post_tags WHERE tag = ? ORDER BY post_id DESC LIMIT ?");
	sq_text(st, 1, tag);
	sq_int(st, 2, max);
	return ids(c, st, max, out);
}

int store_search_expertise_ids(struct store_conn *c, const char *tag, int max, int64_t *out)
{
	sqlite3_stmt *st =
	    sq_stmt(c, "SELECT user_id FROM user_expertise WHERE tag = ? ORDER BY user_id LIMIT ?");
	sq_text(st, 1, tag);
	sq_int(st, 2, max);
	return ids(c, st, max, out);
}

int store_search_expertise_users(struct store_conn *c, const char *tag, int max, int64_t *out)
{
	sqlite3_stmt *st =
	    sq_stmt(c, "SELECT e.user_id FROM user_expertise e JOIN users u"
		       " ON u.id = e.user_id WHERE e.tag = ? AND u.active = 1 LIMIT ?");
	sq_text(st, 1, tag);
	sq_int(st, 2, max);
	return ids(c, st, max, out);
}

int store_search_directory(struct store_conn *c, const struct store_directory_filter *f,
			   size_t offset, int max, int64_t *out, int64_t *total)
{
	/* NULL filters compare true; the expertise filter goes through its index */
#define DIRECTORY_WHERE                                                                            \
	" FROM users u WHERE u.active = 1"                                                         \
	" AND (?1 IS NULL OR u.id IN (SELECT user_id FROM user_expertise WHERE tag = ?1))"         \
	" AND (?2 IS NULL OR u.department = ?2 COLLATE NOCASE)"                                    \
	" AND (?3 IS NULL OR u.location = ?3 COLLATE NOCASE)"                                      \
	" AND (?4 IS NULL OR u.manager_id = ?4)"
	sqlite3_stmt *st =
	    sq_stmt(c, "SELECT u.id" DIRECTORY_WHERE
		       " ORDER BY u.display_name COLLATE NOCASE, u.id LIMIT ?5 OFFSET ?6");
	sqlite3_stmt *ct =
	    sq_stmt(c, "SELECT count(*) FROM (SELECT 1" DIRECTORY_WHERE " LIMIT 100000)");
#undef DIRECTORY_WHERE
	sqlite3_stmt *both[2] = {st, ct};
	for (int i = 0; i < 2; i++) {
		sq_text(both[i], 1, f->expertise);
		sq_text(both[i], 2, f->department);
		sq_text(both[i], 3, f->location);
		sq_id(both[i], 4, f->manager_id);
	}
	sq_int(st, 5, max);
	sq_int(st, 6, (int64_t)offset);
	*total = 0;
	if (sqlite3_step(ct) == SQLITE_ROW)
		*total = sqlite3_column_int64(ct, 0);
	sqlite3_reset(ct);
	return ids(c, st, max, out);
}

int store_question_ask_add(struct store_conn *w, int64_t post, int64_t user, int64_t by, int64_t at)
{
	sqlite3_stmt *st = sq_stmt(w, "INSERT INTO question_asks (post_id, user_id, by_id,"
				      " created_at) VALUES (?,?,?,?)");
	sq_int(st, 1, post);
	sq_int(st, 2, user);
	sq_int(st, 3, by);
	sq_int(st, 4, at);
	return sq_exec(w, st);
}

int store_question_asks_of(struct store_conn *c, int64_t user, int max, int64_t *out)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT post_id FROM question_asks WHERE user_id = ?"
				      " ORDER BY post_id DESC LIMIT ?");
	sq_int(st, 1, user);
	sq_int(st, 2, max);
	return ids(c, st, max, out);
}

int store_question_offer_mark(struct store_conn *w, int64_t post, int64_t at)
{
	sqlite3_stmt *st =
	    sq_stmt(w, "INSERT INTO question_offers (post_id, offered_at) VALUES (?,?)");
	sq_int(st, 1, post);
	sq_int(st, 2, at);
	return sq_exec(w, st);
}

int store_question_unoffered(struct store_conn *c, int64_t from, int64_t to, int max, int64_t *out)
{
	sqlite3_stmt *st =
	    sq_stmt(c, "SELECT p.id FROM posts p WHERE p.id >= ? AND p.id < ? AND p.is_question = 1"
		       " AND p.deleted_at IS NULL AND p.replies_count = 0 AND NOT EXISTS"
		       " (SELECT 1 FROM question_offers o WHERE o.post_id = p.id)"
		       " ORDER BY p.id LIMIT ?");
	sq_int(st, 1, from);
	sq_int(st, 2, to);
	sq_int(st, 3, max);
	return ids(c, st, max, out);
}

const char *store_search_post_text(struct store_conn *c, struct arena *a, int64_t post)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT text FROM posts WHERE id = ?");
	sq_int(st, 1, post);
	const char *r = NULL;
	if (sqlite3_step(st) == SQLITE_ROW)
		r = sq_col_text(a, st, 0);
	sqlite3_reset(st);
	return r;
}

int store_search_accepted_answers(struct store_conn *c, int64_t question, int max, int64_t *out)
{
	/* question_accepts belongs to the questions area, migrated before search */
	sqlite3_stmt *st = sq_stmt(c, "SELECT answer_id FROM question_accepts WHERE question_id = ?"
				      " ORDER BY answer_id LIMIT ?");
	sq_int(st, 1, question);
	sq_int(st, 2, max);
	return ids(c, st, max, out);
}

/* --- shared with store_sqlite_search_files.c --------------------------------- */

char *sq_search_match(struct arena *a, const struct search_query *q, const char *column)
{
	return match_expr(a, q, column);
}

char *sq_search_marks_html(struct arena *a, const char *s)
{
	return marks_to_html(a, s);
}
