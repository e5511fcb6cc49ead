/*
 * people: accounts, profiles and the network (connections, follows,
 * invitations) — the domain rules over the store and the in-memory graph.
 *
 * The store is the record; app->graph is the index the network reads
 * (distance, counts, lists). Every network write is one transaction whose
 * graph update runs after its commit (tx_after_commit), so the graph
 * never shows what the store has not committed. Deactivated people are
 * taken out of the graph (their rows stay): they appear in no list,
 * count, distance or "who connects us", and come back when reactivated.
 *
 * Locking: functions here take the memory read lock themselves unless
 * their name ends in _locked (then the caller holds it). Never call a
 * lock-taking function while holding the lock.
 */
#ifndef MOKA_PEOPLE_H
#define MOKA_PEOPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;
struct arena;
struct jw;
struct user;

/* --- Start-up ---------------------------------------------------------- */

/* Loads connections and follows of active people from the store into
 * app->graph (one ordered scan per table, bulk-appended) and makes every
 * user id valid in the graph. Called once, before threads start. 0 or -1. */
int people_load(struct app *app);

/* --- Accounts (people_users.c) ------------------------------------------- */

/* true for a valid username: [A-Za-z0-9_][A-Za-z0-9_.-]{0,29}, not ending in '.' or '-'. */
bool people_username_valid(const char *s);
/* true for a plausible e-mail address: local@domain, at most 254 bytes,
 * printable ASCII without spaces or <>"(),;\, a dot in the domain. */
bool people_email_valid(const char *s);

/*
 * Creates an account from u (username, display_name, email required;
 * profile fields optional) with password (NULL: cannot sign in with a
 * password until one is set). On failure returns -1 and sets *status
 * (422 invalid, 409 taken) and *why.
 */
int people_user_add(struct app *app, const struct user *u, const char *password, int64_t *id,
		    int *status, const char **why);
/* Deactivates (or reactivates) an account: tokens revoked, sessions
 * ended, live streams closed, its edges taken out of (or put back into)
 * the graph. 0, or -1 when the user does not exist. */
int people_user_set_active(struct app *app, int64_t id, bool active);

/* Fills *u (strings in a) with the active user id as others see it.
 * 0, or -1 for an unknown or deactivated user (answer 404). */
int people_user_visible(struct app *app, struct arena *a, int64_t id, struct user *u);

/* --- Rendering (people_render.c) ----------------------------------------- */

/* Writes user_id as a Mastodon Account entity (with Moka's profile fields
 * under "moka"). -1, writing nothing, when there is no such user.
 * people_render_account takes the memory read lock for the counts;
 * the _locked variant expects the caller to hold it. */
int people_render_account(struct app *app, struct arena *a, struct jw *w, int64_t user_id);
int people_render_account_locked(struct app *app, struct arena *a, struct jw *w, int64_t user_id);
/* The same from a loaded row (no lookup); takes the read lock. */
void people_render_account_user(struct app *app, struct arena *a, struct jw *w,
				const struct user *u);
/* Mastodon's CredentialAccount: the Account plus "source" (note, fields,
 * privacy...) for the signed-in user themselves. -1 if no such user. */
int people_render_credential_account(struct app *app, struct arena *a, struct jw *w,
				     int64_t user_id);
/* A small account summary for org charts and lists inside a profile:
 * id, username, acct, display_name, title, department, avatar. */
void people_render_summary(struct app *app, struct arena *a, struct jw *w, const struct user *u);

/* "about" as Mastodon's note: HTML-escaped, paragraphs <p>…</p> at blank
 * lines, single newlines as <br />. "" for an empty text. In a. */
char *people_note_html(struct arena *a, const char *about);
/* Absolute URLs of u's avatar (400x400, or 48x48 when small) — the
 * uploaded one or the default generated from the initials. In a. */
char *people_avatar_url(struct app *app, struct arena *a, const struct user *u, bool small);

/* --- The network (people_network.c) -------------------------------------- */

/* Result of a network operation; the API maps it to a status. */
enum people_rc {
	PEOPLE_OK = 0,
	PEOPLE_SELF,	  /* the target is the actor (422) */
	PEOPLE_NOT_FOUND, /* unknown or deactivated person or invitation (404) */
	PEOPLE_INVALID,	  /* bad input, e.g. a message too long (422) */
	PEOPLE_ERROR,	  /* the store failed (500/503) */
};

/* The longest invitation message, in bytes. */
#define PEOPLE_MESSAGE_MAX 500

/*
 * me asks to connect with other. If other already invited me, that
 * invitation is accepted (a connection, the invitation removed, other
 * notified "moka.connection_accepted"); otherwise a pending invitation
 * with message (NULL or at most PEOPLE_MESSAGE_MAX bytes) is sent and
 * other notified "follow_request". Idempotent: already connected or
 * already invited changes nothing (an invitation other ignored stays
 * pending as far as me can tell).
 */
enum people_rc people_connect(struct app *app, int64_t me, int64_t other, const char *message);
/* Removes the connection between me and other (no-op if none). */
enum people_rc people_disconnect(struct app *app, int64_t me, int64_t other);
/* Accepts / ignores an invitation addressed to me, or withdraws one me
 * sent. PEOPLE_NOT_FOUND when invitation_id is not such an invitation. */
enum people_rc people_invitation_accept(struct app *app, int64_t me, int64_t invitation_id);
enum people_rc people_invitation_ignore(struct app *app, int64_t me, int64_t invitation_id);
enum people_rc people_invitation_withdraw(struct app *app, int64_t me, int64_t invitation_id);
/* The same by the sender's account id (Mastodon's follow_requests). */
enum people_rc people_invitation_accept_from(struct app *app, int64_t me, int64_t from);
enum people_rc people_invitation_ignore_from(struct app *app, int64_t me, int64_t from);
/* me follows / stops following other (idempotent); a new follow notifies
 * other with "follow". */
enum people_rc people_follow(struct app *app, int64_t me, int64_t other);
enum people_rc people_unfollow(struct app *app, int64_t me, int64_t other);

/* How viewer and other stand. */
enum people_invitation_state { INVITATION_NONE, INVITATION_SENT, INVITATION_RECEIVED };
struct people_relation {
	bool following, followed_by, connected;
	enum people_invitation_state invitation;
	int64_t invitation_id; /* 0 when none */
	int distance;	       /* 0 self, 1, 2, 3 (3 or more) */
};
/* Fills *r. 0, or -1 on a store error. Takes the read lock. */
int people_relation(struct app *app, struct arena *a, int64_t viewer, int64_t other,
		    struct people_relation *r);
/* Writes a Mastodon Relationship (with "moka": connected, invitation,
 * distance) between viewer and other. 0 or -1. */
int people_render_relationship(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			       int64_t other);

enum people_list { PEOPLE_CONNECTIONS, PEOPLE_FOLLOWERS, PEOPLE_FOLLOWING };

/*
 * One page of user's connections, followers or following, as account
 * ids in descending order (the pagination key is the account id, as
 * Mastodon's Link header hands it back): ids below max_id (0: none),
 * above since_id, or — with min_id — the page just above min_id. At
 * most max ids into out; returns the count. Takes the read lock.
 */
size_t people_list_page(struct app *app, enum people_list which, int64_t user, int64_t max_id,
			int64_t since_id, int64_t min_id, size_t max, int64_t *out);

/* The connections viewer and other share ("who connects us"): the total
 * in *total, the first max (ascending ids) into out; returns how many
 * were written. Takes the read lock. */
size_t people_common(struct app *app, int64_t viewer, int64_t other, size_t max, int64_t *out,
		     size_t *total);

/* Writes "people you may know" for viewer as a JSON array of
 * {account, mutual_connections, reasons: [...]}, best first, at most
 * limit. 0 or -1. */
int people_render_suggestions(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			      int limit);

/* --- Profiles (people_profile.c, people_org.c) --------------------------- */

/* Limits of profile fields, in bytes (lists: items × bytes per item). */
#define PEOPLE_NAME_MAX 200
#define PEOPLE_FIELD_MAX 200
#define PEOPLE_PHONE_MAX 50
#define PEOPLE_ABOUT_MAX 5000
#define PEOPLE_LIST_ITEMS 20
#define PEOPLE_LIST_ITEM_MAX 100

/* A change to a profile: NULL strings and has_* false leave a field as it is. */
struct profile_patch {
	const char *display_name, *title, *department, *location, *phone, *email, *about;
	bool has_projects, has_expertise, has_languages, has_manager;
	const char **projects, **expertise, **languages;
	size_t n_projects, n_expertise, n_languages;
	int64_t manager_id; /* 0 clears */
};

/* A patch after validation: its lists as JSON arrays of strings (trimmed,
 * deduplicated, expertise normalised); NULL for lists the patch leaves. */
struct profile_clean {
	const char *projects_json, *expertise_json, *languages_json;
};

/* Validates p without the store (lengths, control characters, phone and
 * e-mail syntax, lists). 0 and *out filled (in a), or -1 with *why. */
int people_profile_check(struct arena *a, const struct profile_patch *p, struct profile_clean *out,
			 const char **why);

/*
 * Applies p to user_id's profile in one transaction after validating all
 * of it (lengths, single-line fields, lists, expertise normalised with
 * text_tag_normalize, the manager existing, active and not creating a
 * cycle, the e-mail valid and not taken). On failure nothing changes:
 * returns -1 with *status (422 invalid, 409 e-mail taken, 404 no such
 * user, 500) and *why naming the field.
 */
int people_profile_update(struct app *app, struct arena *a, int64_t user_id,
			  const struct profile_patch *p, int *status, const char **why);

/* Writes Moka's profile of id as viewer sees it: the enterprise fields,
 * the org chart (managers up to the top, peers, direct reports) and the
 * network between viewer and id (distance, who connects us). -1 for an
 * unknown or deactivated user. */
int people_render_profile(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			  int64_t id);

/* Looks up the manager of id: 0 with *manager (0 for none), -1 if id is
 * unknown. Lets the org-chart walks below run over any source. */
typedef int (*people_manager_fn)(void *ctx, int64_t id, int64_t *manager);

/* The longest manager chain walked; a longer one is treated as a cycle. */
#define PEOPLE_CHAIN_MAX 256

/* Would making manager the manager of user create a cycle (including
 * user == manager)? A lookup failure, or a chain longer than
 * PEOPLE_CHAIN_MAX, counts as a cycle. */
bool people_manager_cycle(int64_t user, int64_t manager, people_manager_fn fn, void *ctx);
/* The managers above id, nearest first, at most max into out; stops at
 * the top, at a lookup failure or at a repeated id. Returns the count. */
size_t people_manager_chain(int64_t id, people_manager_fn fn, void *ctx, int64_t *out, size_t max);

/* --- Avatars (people_avatar.c) -------------------------------------------- */

/*
 * Replaces user_id's avatar with the image in data (PNG, JPEG, GIF or
 * WebP, at most 8000x8000): decoded, center-cropped to a square, written
 * as 400x400 and 48x48 files under DATA/avatars/ with random names; the
 * old files are deleted after the commit. On failure returns -1 with
 * *status (422 not an image, 404, 500) and *why; nothing changes.
 */
int people_avatar_set(struct app *app, struct arena *a, int64_t user_id, const void *data,
		      size_t len, int *status, const char **why);
/* For serving GET /avatars/:file: if name is an avatar file name we
 * write, sets *path (in a) and *content_type and returns 0; -1 otherwise. */
int people_avatar_file(struct app *app, struct arena *a, const char *name, const char **path,
		       const char **content_type);
/* The file name of u's default avatar (for /avatars/NAME): it encodes the
 * initials of the display name and a colour derived from the id. In a. */
char *people_avatar_default_name(struct arena *a, const struct user *u);
/* The SVG for a default avatar file name, or NULL if name is not one.
 * Needs no lookup: everything it shows is in the name. In a. */
char *people_avatar_default_svg(struct arena *a, const char *name);
/* The default header image (an SVG), static. */
const char *people_header_default_svg(void);

/* For other areas' images (files/ thumbnails): whether data starts like a
 * PNG, JPEG, GIF or WebP image, with the size its header declares (not
 * decoded). */
bool people_image_probe(const void *data, size_t len, uint32_t *w, uint32_t *h);
/* A PNG thumbnail of the image in data, at most side pixels on its longer
 * side (never enlarged), in *out (free with free()). Images over
 * 8000x8000 are refused. 0, or -1 when data does not decode. */
int people_image_thumbnail(const void *data, size_t len, int side, void **out, size_t *out_len);

#endif
