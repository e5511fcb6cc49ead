/*
 * communities: groups around a project or an expertise — their types and
 * roles, membership (join, requests, invitations, leave, removal, owners),
 * and the in-memory membership index the audience check reads.
 *
 * Types: public (anyone reads and joins), moderated (anyone reads; joining
 * is a request an owner approves), restricted (invitation only; invisible
 * to non-members unless "listed", which shows only its name and
 * description — never its posts or members). An archived community is
 * read-only: nobody joins, posts, pins or manages it any more.
 *
 * Roles: owner and member. Owners invite, approve or refuse requests,
 * remove members, promote and demote, pin, edit and archive. A community
 * always keeps at least one owner: any change that would leave none is
 * refused (COMMUNITIES_CONFLICT).
 *
 * Posts with visibility VIS_COMMUNITY belong to one community; who may
 * read them is decided by the audience check (audience/), which asks
 * communities_can_read_locked(). Membership lives in memory (loaded at
 * start, kept in step by after-commit hooks under the memory write lock),
 * so leaving or being removed takes effect for every read path and every
 * live stream as soon as the write is acknowledged.
 */
#ifndef MOKA_COMMUNITIES_H
#define MOKA_COMMUNITIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;
struct arena;
struct jw;
struct tx;

/* Stored in the database: never renumber. */
enum community_type {
	COMMUNITY_PUBLIC = 0,
	COMMUNITY_MODERATED = 1,
	COMMUNITY_RESTRICTED = 2,
};

enum community_role {
	COMMUNITY_NONE = 0,
	COMMUNITY_MEMBER = 1,
	COMMUNITY_OWNER = 2,
};

/* What someone may do to a community (the pure rule, unit-tested). */
enum community_action {
	COMMUNITY_SEE_LISTING, /* its name and description */
	COMMUNITY_READ,	       /* everything: posts, members, pins, topics */
	COMMUNITY_JOIN,	       /* become a member at once */
	COMMUNITY_REQUEST,     /* ask an owner to join */
	COMMUNITY_POST,	       /* post, reply in its threads, open topics */
	COMMUNITY_MODERATE,    /* invite, decide requests, remove, promote,
				* demote, pin, edit, archive */
	COMMUNITY_LEAVE,
};

/* May someone with role act on a community of this type? */
bool community_may(enum community_type type, bool listed, bool archived, enum community_role role,
		   enum community_action action);
/* Would changing the role of someone who has `from` to `to` (NONE: they
 * leave or are removed) keep at least one owner, given owners today? */
bool community_keeps_owner(unsigned owners, enum community_role from, enum community_role to);
/* Parses "public", "moderated", "restricted"; -1 if unknown. */
int community_type_parse(const char *s, enum community_type *out);
const char *community_type_name(enum community_type t);

/* Outcome of a community operation; the API maps it to a status code. */
enum communities_rc {
	COMMUNITIES_OK = 0,
	COMMUNITIES_NOT_FOUND, /* unknown, or invisible to the actor (404) */
	COMMUNITIES_FORBIDDEN, /* visible, but not the actor's to do (403) */
	COMMUNITIES_INVALID,   /* bad input (422); *why says which */
	COMMUNITIES_CONFLICT,  /* would leave no owner, or archived (409) */
	COMMUNITIES_ERROR,     /* the store failed (500) */
};

#define COMMUNITY_NAME_MAX 200
#define COMMUNITY_DESCRIPTION_MAX 5000
#define COMMUNITY_TAGS_MAX 20
#define COMMUNITY_TITLE_MAX 300

/* --- The in-memory index (app->communities) ------------------------------ */

struct communities;

/* Loads every community and membership, and tells the post index which
 * community each community post belongs to. After feed_open. 0 or -1. */
int communities_open(struct app *app);
void communities_close(struct app *app);

/* May viewer read community id's posts (public or moderated: any signed-in
 * person; restricted: members)? False for unknown ids. Lock held. */
bool communities_can_read_locked(struct app *app, int64_t id, int64_t viewer);
/* viewer's role in id. Lock held. */
enum community_role communities_role_locked(struct app *app, int64_t id, int64_t viewer);
/* The communities viewer belongs to, ascending ids (pointer into the
 * index, valid while the lock is held): the count. */
size_t communities_of_locked(struct app *app, int64_t viewer, const uint32_t **ids);
/* A counter that moves whenever the list of viewer's communities changes
 * (0 before any). Lock held. */
uint32_t communities_version_locked(struct app *app, int64_t viewer);
/* The members of id, ascending user ids: the count. Lock held. */
size_t communities_members_locked(struct app *app, int64_t id, const uint32_t **ids);

/* --- Operations (each one transaction) ------------------------------------ */

/* Fields of a create or an edit; NULL / has_* false: not given. */
struct community_input {
	const char *name, *description;
	const char **tags; /* as written; normalised here */
	size_t n_tags;
	bool has_tags;
	bool has_type;
	enum community_type type;
	bool has_listed, listed;
};

enum communities_rc communities_create(struct app *app, struct arena *a, int64_t viewer,
				       const struct community_input *in, int64_t *id,
				       const char **why);
enum communities_rc communities_update(struct app *app, struct arena *a, int64_t viewer, int64_t id,
				       const struct community_input *in, const char **why);
enum communities_rc communities_archive(struct app *app, int64_t viewer, int64_t id);

/* Joins (public: *requested false) or asks to (moderated: *requested
 * true). Idempotent; someone invited joins at once. */
enum communities_rc communities_join(struct app *app, int64_t viewer, int64_t id, bool *requested);
/* Leaves, or withdraws one's request or declines one's invitation. */
enum communities_rc communities_leave(struct app *app, int64_t viewer, int64_t id);
/* An owner approves or refuses user's request. */
enum communities_rc communities_request_decide(struct app *app, int64_t viewer, int64_t id,
					       int64_t user, bool approve);
/* An owner invites user (an active person). Idempotent. */
enum communities_rc communities_invite(struct app *app, int64_t viewer, int64_t id, int64_t user);
/* viewer accepts or declines their invitation to id. */
enum communities_rc communities_invitation_answer(struct app *app, int64_t viewer, int64_t id,
						  bool accept);
/* An owner removes member user (or cancels their invitation). */
enum communities_rc communities_remove(struct app *app, int64_t viewer, int64_t id, int64_t user);
/* An owner makes member user an owner (owner true) or a member. */
enum communities_rc communities_set_role(struct app *app, int64_t viewer, int64_t id, int64_t user,
					 bool owner);
/* An owner pins (on) or unpins post_id, a post of id. */
enum communities_rc communities_pin(struct app *app, int64_t viewer, int64_t id, int64_t post_id,
				    bool on);

/* --- Posting (called by posts/ inside its transaction) -------------------- */

/* May author post in community id? COMMUNITIES_OK, NOT_FOUND (unknown or
 * unreadable), FORBIDDEN (not a member) or CONFLICT (archived). */
enum communities_rc communities_may_post(struct app *app, int64_t author, int64_t id);
/* The community of post_id (0: none). Lock held. */
int64_t communities_post_community_locked(struct app *app, int64_t post_id);
/* Records, inside tx, that post_id belongs to community id (a topic when
 * title is not NULL; root_id: the thread's root, whose topic gains
 * activity), and notifies members of a new topic. 0 or -1. */
int communities_post_written(struct app *app, struct tx *tx, int64_t post_id, int64_t author,
			     int64_t id, const char *title, int64_t root_id);

/* --- Rendering ----------------------------------------------------------- */

/* Writes community id as viewer sees it (a listed restricted one to a
 * non-member: only id, name, description, type, listed). -1, writing
 * nothing, when viewer may not see it at all. */
int communities_render(struct app *app, struct arena *a, struct jw *w, int64_t viewer, int64_t id);
/* Writes the communities viewer may see whose ids are in ids, as an array. */
void communities_render_many(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			     const int64_t *ids, size_t n);

/* Browse: ids of the communities viewer may see the listing of, newest
 * first, below max_id (0: from the newest), filtered by type (-1: any),
 * normalised tag and name prefix (case-insensitive; NULL: any);
 * mine: only viewer's. At most limit: the count. */
struct communities_filter {
	int type;
	const char *tag, *prefix;
	bool mine;
	int64_t max_id;
	size_t limit;
};
size_t communities_browse(struct app *app, struct arena *a, int64_t viewer,
			  const struct communities_filter *f, int64_t *out);
/* Members of id (user ids above since_id / below max_id, descending), at
 * most limit; -1 when viewer may not read id. Roles in roles[] if not NULL. */
long communities_member_page(struct app *app, int64_t viewer, int64_t id, int64_t max_id,
			     int64_t since_id, size_t limit, int64_t *out, uint8_t *roles);

#endif
