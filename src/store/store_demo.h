/*
 * store_demo: bulk loading, for `moka demo` (and any future importer).
 *
 * A bulk load runs on the store's one writer connection, with no server
 * running: it writes rows in transactions of STORE_DEMO_BATCH rows, with
 * prepared statements, no journal, foreign-key checks and fsyncs off and
 * a large page cache. The secondary indexes of the tables it fills and
 * the search triggers are dropped at the start and rebuilt at the end
 * (sorting once is much faster than keeping them up to date row by row,
 * and each search index is filled in one pass); the schema stays exactly
 * what the migrations made, because indexes and triggers are recreated
 * from the SQL the database itself recorded.
 *
 * Ids are the caller's: users, posts and notifications are inserted with
 * the ids given (posts and notifications should be time-ordered ids from
 * clock_id_from_ms). Counts (replies, favourites, reblogs) are written as
 * given: the caller computes them. Rows are best inserted in primary-key
 * order.
 *
 * Until store_demo_finish() returns 0 the database is incomplete: if the
 * process dies or the load is aborted, delete the data directory and
 * start again (without a journal, a rolled-back batch may be half there).
 */
#ifndef MOKA_STORE_DEMO_H
#define MOKA_STORE_DEMO_H

#include <stdint.h>

struct store;
struct store_conn;
struct user;
struct store_demo;

/* Rows per transaction. */
#define STORE_DEMO_BATCH 250000

/*
 * Starts a bulk load into s. Takes the writer connection until finish or
 * abort. Returns STORE_OK and *out; STORE_CONFLICT (nothing changed) when
 * the database already has users; STORE_ERROR otherwise.
 */
int store_demo_begin(struct store *s, struct store_demo **out);
/* The writer connection, inside the current batch's transaction (for
 * helpers such as auth_token_create). Count what you write through it
 * with store_demo_rows(). */
struct store_conn *store_demo_conn(struct store_demo *b);
/* Counts n rows written through store_demo_conn() towards the batch. */
int store_demo_rows(struct store_demo *b, int n);
/* Commits, rebuilds the indexes, restores the connection's settings and
 * releases the writer; b is freed. 0 or -1. */
int store_demo_finish(struct store_demo *b);
/* Rolls back the current batch, rebuilds the indexes and releases the
 * writer; b is freed. Earlier batches stay committed. */
void store_demo_abort(struct store_demo *b);

/*
 * The side search index: the posts' full-text index (search_posts), built
 * by another thread while the rows are written, in a file of its own
 * beside the database, and copied in by store_demo_finish (in place of
 * indexing every post there, one thread, after the writing). Open it from
 * the writing thread; then, from one other thread, give it the text of
 * every post its insert trigger would index (live posts that are not
 * reposts) and close it. Without a side index closed after its last post,
 * finish indexes the posts itself. STORE_OK or STORE_ERROR (then do
 * without). The side index is freed by finish or abort.
 */
struct store_demo_side;
int store_demo_side_open(struct store_demo *b, struct store_demo_side **out);
int store_demo_side_post(struct store_demo_side *x, int64_t id, const char *text);
int store_demo_side_close(struct store_demo_side *x);

/* Inserts u with its id, last_status_at and every profile field. */
int store_demo_user(struct store_demo *b, const struct user *u);
int store_demo_expertise(struct store_demo *b, int64_t user_id, const char *tag);
/* A connection between a and c (stored once, smaller id first). */
int store_demo_connection(struct store_demo *b, int64_t a, int64_t c, int64_t created_at);
int store_demo_follow(struct store_demo *b, int64_t follower, int64_t followee, int64_t created_at);

/* A post row as the posts table stores it (visibility: enum visibility). */
struct store_demo_post {
	int64_t id;
	int64_t author_id;
	int visibility;
	const char *text, *html, *language;
	/* root_id: a reply's thread root; 0 (NULL) for top-level posts, as posts.c does */
	int64_t in_reply_to_id, in_reply_to_account_id, root_id; /* 0: none */
	int64_t reblog_of_id, board_owner_id;			 /* 0: none */
	int is_question, has_tags;
	int64_t created_at;
	int64_t replies_count, favourites_count, reblogs_count;
};

int store_demo_post(struct store_demo *b, const struct store_demo_post *p);
int store_demo_mention(struct store_demo *b, int64_t post_id, int64_t user_id);
int store_demo_tag(struct store_demo *b, const char *tag, int64_t post_id);
int store_demo_favourite(struct store_demo *b, int64_t post_id, int64_t user_id,
			 int64_t created_at);
int store_demo_notification(struct store_demo *b, int64_t id, int64_t user_id, const char *type,
			    int64_t actor_id, int64_t post_id, int64_t created_at);

/* Communities (store_sqlite_demo_communities.c): written after the main
 * load, through the writer connection in the caller's transactions
 * (store_writer_lock, store_begin / store_commit); memberships through
 * store_community_member_put (store_communities.h). STORE_OK or an error. */
struct community_row;
/* Inserts c with its id (c->id). */
int store_demo_community(struct store_conn *w, const struct community_row *c);
/* A post of community (p->visibility VIS_COMMUNITY), and its community row. */
int store_demo_community_post(struct store_conn *w, const struct store_demo_post *p,
			      int64_t community);
/* A forum topic opened by post, with its activity and reply count. */
int store_demo_community_topic(struct store_conn *w, int64_t post, int64_t community,
			       const char *title, int64_t last_activity_at, int64_t replies);

/* Extras (store_sqlite_demo_extras.c), in the caller's transaction:
 * about pct% of the community forum questions answered by someone else
 * get their first such answer accepted by the asker, delay_ms after it
 * (never after now); *n: how many. STORE_OK or an error. */
int store_demo_community_accepts(struct store_conn *w, int pct, int64_t delay_ms, int64_t now,
				 int64_t *n);

/* One table's row count. */
struct store_demo_table {
	char name[64];
	int64_t rows;
};

/* The row count of every table, by name, for reports: fills at most max
 * entries and returns how many, or -1 on a store error. */
int store_demo_counts(struct store *s, struct store_demo_table *out, int max);

#endif
