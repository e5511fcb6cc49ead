/*
 * posts: status updates — create, edit, delete, replies, likes, reposts,
 * board posts — and their Mastodon Status rendering.
 *
 * Every write is one transaction (app.h): the rows, the counters, the
 * notifications (only to people who may see the post), then, after the
 * commit, the in-memory post index (feed/) and the live event. Every read
 * goes through the audience check (audience/): a post the viewer may not
 * see is "not found", never "forbidden", so its existence does not leak.
 *
 * Rules chosen here:
 *   - A reply keeps the visibility asked for; the audience check bounds it
 *     by its parent's audience all the way up the thread, so a reply never
 *     reaches anyone who cannot see what it answers.
 *   - A board post (posted on someone's board) is a top-level post; the
 *     board owner always sees it and is notified ("moka.board_post").
 *   - Reposts are of public or unlisted originals only, take the
 *     original's visibility, and have no text; liking or reposting a
 *     repost acts on its original.
 *   - Deleting is soft; the replies stay (orphaned), reposts of it go.
 *   - replies_count counts only the replies the viewer may see.
 *   - A community post (visibility "community") is written by a member of
 *     a community that is not archived; replies to it belong to the same
 *     community (their visibility becomes "community"), so the thread
 *     stays in the community's stream and under its audience.
 */
#ifndef MOKA_POSTS_H
#define MOKA_POSTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audience/audience.h"

struct app;
struct arena;
struct jw;

/* Outcome of a post operation; the API maps it to a status code. */
enum posts_rc {
	POSTS_OK = 0,
	POSTS_NOT_FOUND, /* unknown, deleted or not visible to the actor (404) */
	POSTS_FORBIDDEN, /* visible but not the actor's to change (403) */
	POSTS_INVALID,	 /* bad input (422); *why says which */
	POSTS_ERROR,	 /* the store failed (500) */
};

/* The longest spoiler text, language tag and Idempotency-Key, in bytes. */
#define POSTS_SPOILER_MAX 1000
#define POSTS_KEY_MAX 200

struct posts_draft {
	const char *text; /* source; size checked against cfg->post_max_chars */
	size_t text_len;
	const char *spoiler_text; /* NULL or "" for none */
	bool sensitive;
	const char *language; /* NULL, or 2-3 lowercase letters */
	enum visibility visibility;
	int64_t in_reply_to_id; /* 0 when not a reply */
	int64_t board_owner_id; /* 0 when not a board post */
	bool question;
	const char *idempotency_key; /* NULL when none */
	/* A community post (visibility VIS_COMMUNITY): its community; a reply
	 * in a community's thread belongs to that community whatever is asked.
	 * topic_title: it opens a forum topic (communities/). */
	int64_t community_id;
	const char *topic_title;
	/* Files to attach (files/ decides which may be: see files.h). */
	const int64_t *media_ids;
	size_t n_media;
};

/*
 * author writes d. On POSTS_OK *id is the new post — or, when author sent
 * the same Idempotency-Key within the last hour, the post that request
 * made. Otherwise *why (static or in a) explains.
 */
enum posts_rc posts_create(struct app *app, struct arena *a, int64_t author,
			   const struct posts_draft *d, int64_t *id, const char **why);

struct posts_edit {
	const char *text;
	size_t text_len;
	const char *spoiler_text; /* NULL: "" (Mastodon replaces it) */
	bool has_sensitive, sensitive;
	const char *language; /* NULL: unchanged */
};

/* viewer edits their post id (text, spoiler, sensitive, language). */
enum posts_rc posts_edit(struct app *app, struct arena *a, int64_t viewer, int64_t id,
			 const struct posts_edit *e, const char **why);
/* viewer deletes their post id (and their reposts of it go too). */
enum posts_rc posts_delete(struct app *app, struct arena *a, int64_t viewer, int64_t id);
/* viewer likes (on) or unlikes a post they may see; *target is the post
 * acted on (the original of a repost). Idempotent. */
enum posts_rc posts_favourite(struct app *app, int64_t viewer, int64_t id, bool on,
			      int64_t *target);
/*
 * viewer reposts (on) or un-reposts a post they may see. On: *result is
 * viewer's repost (an existing one is returned as is; POSTS_FORBIDDEN if
 * the original is not public or unlisted). Off: *result is the original.
 */
enum posts_rc posts_reblog(struct app *app, struct arena *a, int64_t viewer, int64_t id, bool on,
			   int64_t *result);

/* --- Rendering (posts_render.c, posts_thread.c) ------------------------- */

struct posts_cache;
/* The caches of rendered Status and Account JSON (posts_cache.c), in
 * about budget_mb MiB when full, and of readers' first pages of streams
 * in about pages_mb MiB (0: none): app_open makes one for
 * app->posts_cache, app_close frees it. */
struct posts_cache *posts_cache_new(size_t budget_mb, size_t pages_mb);
void posts_cache_free(struct posts_cache *pc);
/* Drops user_id's cached Account JSON: every change of a users row calls
 * it after its commit (profile, photo, deactivation). */
void posts_account_forget(struct app *app, int64_t user_id);

/* Writes post_id as a Mastodon Status entity, as viewer sees it (their
 * favourited/reblogged flags, counts only from what they may see). Returns
 * -1, writing nothing, when the post does not exist or viewer may not see
 * it. Takes the memory read lock itself. */
int posts_render_status(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			int64_t post_id);
/* posts_render_status, and *common: whether every viewer who may see the
 * post but its author gets exactly this JSON — nothing in it depends on
 * the viewer (no likes, no reposts, no replies with a narrower audience,
 * neither a repost nor a question) and viewer is not its author. The live
 * fan-out renders such a post once for all. */
int posts_render_status_common(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			       int64_t post_id, bool *common);
/* Writes a JSON array of the Statuses among ids that viewer may see, in
 * the order given. Batches the store reads of the whole page. */
void posts_render_statuses(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			   const int64_t *ids, size_t n);
/* For lists that wrap each Status and Account in an entity of their own
 * (notifications): the Status JSON of each of post_ids (json NULL where
 * viewer may not see it) and the Account JSON of each of user_ids (NULL:
 * no such person), with one lock hold, one read transaction and the
 * caches of rendered JSON for the lot. Strings in a. */
struct posts_json {
	const char *json;
	size_t len;
};
void posts_render_parts(struct app *app, struct arena *a, int64_t viewer, const int64_t *post_ids,
			size_t n_posts, struct posts_json *statuses, const int64_t *user_ids,
			size_t n_users, struct posts_json *accounts);
/* One page of stream q (feed_query_page's, into res) as a JSON array of
 * Statuses: the merge and the renderer's first step share one hold of the
 * memory lock, so each post is found and checked once. */
struct feed_query;
struct feed_page;
struct feed_result;
void posts_render_page(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
		       const struct feed_query *q, const struct feed_page *pg,
		       struct feed_result *res);
/* Mastodon's Context for post_id: {"ancestors": [...], "descendants":
 * [...]}, each filtered by the audience check, descendants in thread
 * order (depth first; a question's answers accepted first, then by likes,
 * then oldest first; other replies oldest first). -1, writing nothing,
 * when viewer may not see post_id. */
int posts_render_context(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			 int64_t post_id);
/* The accounts that liked (reblogs false) or reposted post_id, newest
 * first, at most limit, as a JSON array. -1 when viewer may not see it. */
int posts_render_actors(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			int64_t post_id, bool reblogs, int limit);

#endif
