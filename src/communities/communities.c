/*
 * communities: the operations — create, edit, archive, join, leave,
 * requests, invitations, removal, roles, pins — and the posting hooks.
 *
 * Each operation is one transaction. Decisions read the membership index
 * after tx_begin: every committed write has then already updated it (the
 * after-commit hooks run before the writer is released), so two owners
 * demoting each other at once cannot leave a community without an owner.
 */
#include "communities/communities_int.h"
#include "app/app.h"
#include "audience/audience.h"
#include "core/arena.h"
#include "core/clock.h"
#include "feed/feed.h"
#include "notify/notify.h"
#include "store/store.h"
#include "text/text.h"

#include <string.h>

/* At most this many members are notified of a new topic, owners of a request. */
#define NOTIFY_FANOUT_MAX 1000

/* What a decision needs to know about a community, copied under the lock. */
struct snap {
	bool exists, listed, archived;
	enum community_type type;
	enum community_role role; /* the actor's */
	enum community_role target_role;
	unsigned owners;
};

static struct snap snapshot(struct app *app, int64_t id, int64_t actor, int64_t target)
{
	struct snap s = {0};
	app_rdlock(app);
	struct community *c = communities_at(app->communities, id);
	if (c) {
		s.exists = true;
		s.listed = c->listed;
		s.archived = c->archived;
		s.type = (enum community_type)c->type;
		s.owners = c->owners;
		s.role = communities_role_locked(app, id, actor);
		s.target_role = target ? communities_role_locked(app, id, target) : COMMUNITY_NONE;
	}
	app_unlock(app);
	return s;
}

static bool may(const struct snap *s, enum community_action act)
{
	return s->exists && community_may(s->type, s->listed, s->archived, s->role, act);
}

/* The owner check of every management operation: 404 when the actor may
 * not see the community, 409 when it is archived, 403 when not an owner. */
static enum communities_rc owner_check(const struct snap *s)
{
	if (!may(s, COMMUNITY_SEE_LISTING))
		return COMMUNITIES_NOT_FOUND;
	if (s->archived)
		return COMMUNITIES_CONFLICT;
	return may(s, COMMUNITY_MODERATE) ? COMMUNITIES_OK : COMMUNITIES_FORBIDDEN;
}

/* --- after-commit hooks ---------------------------------------------------------- */

struct role_hook {
	int64_t id, user;
	enum community_role role;
};

static void hook_role(struct app *app, void *arg)
{
	const struct role_hook *h = arg;
	communities_index_set_role(app->communities, h->id, h->user, h->role);
}

static void hook_put(struct app *app, void *arg)
{
	communities_index_put(app->communities, arg);
}

static void after_role(struct tx *tx, int64_t id, int64_t user, enum community_role role)
{
	struct role_hook *h = arena_alloc(tx_arena(tx), sizeof(*h));
	*h = (struct role_hook){id, user, role};
	tx_after_commit(tx, hook_role, h);
}

/* Writes user's membership row with role (NONE deletes it) and the index hook. */
static int set_member(struct tx *tx, int64_t id, int64_t user, enum community_role role, int64_t by)
{
	int rc;
	if (role == COMMUNITY_NONE) {
		rc = store_community_member_delete(tx_conn(tx), id, user);
		rc = rc == STORE_NOT_FOUND ? STORE_OK : rc;
	} else {
		struct community_member_row m = {.community_id = id,
						 .user_id = user,
						 .state = CMEMBER_MEMBER,
						 .role = role,
						 .by = by,
						 .created_at = clock_now_ms()};
		rc = store_community_member_put(tx_conn(tx), &m);
	}
	if (rc != STORE_OK)
		return -1;
	after_role(tx, id, user, role);
	return 0;
}

static int set_pending(struct tx *tx, int64_t id, int64_t user, enum community_state state,
		       int64_t by)
{
	struct community_member_row m = {.community_id = id,
					 .user_id = user,
					 .state = state,
					 .by = by,
					 .created_at = clock_now_ms()};
	return store_community_member_put(tx_conn(tx), &m) == STORE_OK ? 0 : -1;
}

/* The pending state (requested or invited) of user in id, or -1. */
static int pending_state(struct tx *tx, int64_t id, int64_t user)
{
	struct community_member_row m;
	if (store_community_member_get(tx_conn(tx), id, user, &m) != STORE_OK ||
	    m.state == CMEMBER_MEMBER)
		return -1;
	return m.state;
}

static enum communities_rc finish(struct tx *tx, enum communities_rc rc)
{
	if (rc != COMMUNITIES_OK) {
		tx_rollback(tx);
		return rc;
	}
	return tx_commit(tx) < 0 ? COMMUNITIES_ERROR : COMMUNITIES_OK;
}

/* --- create and edit ------------------------------------------------------------- */

static bool line_ok(const char *s, size_t n, bool multiline)
{
	const char *why;
	if (text_check_post(s, n, 0, &why) < 0)
		return false;
	for (size_t i = 0; !multiline && i < n; i++)
		if (s[i] == '\n' || s[i] == '\t' || s[i] == '\r')
			return false;
	return true;
}

/* Normalised, deduplicated tags joined by spaces; NULL after setting *why. */
static const char *tags_join(struct arena *a, const char **tags, size_t n, const char **why)
{
	if (n > COMMUNITY_TAGS_MAX) {
		*why = "tags: at most 20";
		return NULL;
	}
	char **norm = arena_alloc(a, (n + 1) * sizeof(*norm));
	size_t k = 0, len = 0;
	for (size_t i = 0; i < n; i++) {
		char *t = text_tag_normalize(a, tags[i], strlen(tags[i]));
		if (!t) {
			*why = arena_printf(a, "tags: \"%.100s\" is not a valid tag", tags[i]);
			return NULL;
		}
		bool dup = false;
		for (size_t j = 0; j < k && !dup; j++)
			dup = strcmp(norm[j], t) == 0;
		if (!dup) {
			norm[k++] = t;
			len += strlen(t) + 1;
		}
	}
	char *out = arena_alloc(a, len + 1), *p = out;
	for (size_t i = 0; i < k; i++) {
		size_t tl = strlen(norm[i]);
		memcpy(p, norm[i], tl);
		p += tl;
		if (i + 1 < k)
			*p++ = ' ';
	}
	*p = '\0';
	return out;
}

/* Applies in to r (validating); COMMUNITIES_INVALID with *why. */
static enum communities_rc apply_input(struct arena *a, const struct community_input *in,
				       struct community_row *r, const char **why)
{
	if (in->name) {
		size_t n = strlen(in->name);
		while (n && in->name[n - 1] == ' ')
			n--;
		const char *s = in->name;
		while (n && *s == ' ') {
			s++;
			n--;
		}
		if (n == 0 || n > COMMUNITY_NAME_MAX || !line_ok(s, n, false)) {
			*why = n == 0			? "name: can't be blank"
			       : n > COMMUNITY_NAME_MAX ? "name: at most 200 bytes"
							: "name: invalid characters";
			return COMMUNITIES_INVALID;
		}
		r->name = arena_strndup(a, s, n);
	}
	if (in->description) {
		size_t n = strlen(in->description);
		if (n > COMMUNITY_DESCRIPTION_MAX || !line_ok(in->description, n, true)) {
			*why = n > COMMUNITY_DESCRIPTION_MAX ? "description: at most 5000 bytes"
							     : "description: invalid characters";
			return COMMUNITIES_INVALID;
		}
		r->description = in->description;
	}
	if (in->has_tags && !(r->tags = tags_join(a, in->tags, in->n_tags, why)))
		return COMMUNITIES_INVALID;
	if (in->has_type)
		r->type = (int)in->type;
	if (in->has_listed)
		r->listed = in->listed;
	return COMMUNITIES_OK;
}

enum communities_rc communities_create(struct app *app, struct arena *a, int64_t viewer,
				       const struct community_input *in, int64_t *id,
				       const char **why)
{
	struct community_row *r = arena_calloc(a, 1, sizeof(*r));
	if (!in->name) {
		*why = "name: required";
		return COMMUNITIES_INVALID;
	}
	enum communities_rc rc = apply_input(a, in, r, why);
	if (rc != COMMUNITIES_OK)
		return rc;
	r->created_by = viewer;
	r->created_at = r->updated_at = clock_now_ms();
	struct tx *tx = tx_begin(app);
	if (!tx)
		return COMMUNITIES_ERROR;
	if (store_community_insert(tx_conn(tx), r) != STORE_OK) {
		tx_rollback(tx);
		return COMMUNITIES_ERROR;
	}
	tx_after_commit(tx, hook_put, r); /* before the owner's hook: the community exists */
	if (set_member(tx, r->id, viewer, COMMUNITY_OWNER, viewer) < 0)
		return finish(tx, COMMUNITIES_ERROR);
	*id = r->id;
	return finish(tx, COMMUNITIES_OK);
}

enum communities_rc communities_update(struct app *app, struct arena *a, int64_t viewer, int64_t id,
				       const struct community_input *in, const char **why)
{
	struct tx *tx = tx_begin(app);
	if (!tx)
		return COMMUNITIES_ERROR;
	struct snap s = snapshot(app, id, viewer, 0);
	enum communities_rc rc = owner_check(&s);
	struct community_row *r = arena_calloc(a, 1, sizeof(*r));
	if (rc == COMMUNITIES_OK && store_community_get(tx_conn(tx), a, id, r) != STORE_OK)
		rc = COMMUNITIES_ERROR;
	if (rc == COMMUNITIES_OK)
		rc = apply_input(a, in, r, why);
	if (rc != COMMUNITIES_OK)
		return finish(tx, rc);
	r->updated_at = clock_now_ms();
	if (store_community_update(tx_conn(tx), r) != STORE_OK)
		return finish(tx, COMMUNITIES_ERROR);
	tx_after_commit(tx, hook_put, r);
	return finish(tx, COMMUNITIES_OK);
}

enum communities_rc communities_archive(struct app *app, int64_t viewer, int64_t id)
{
	struct tx *tx = tx_begin(app);
	if (!tx)
		return COMMUNITIES_ERROR;
	struct snap s = snapshot(app, id, viewer, 0);
	enum communities_rc rc = owner_check(&s);
	if (rc == COMMUNITIES_CONFLICT && s.role == COMMUNITY_OWNER)
		return finish(tx, COMMUNITIES_CONFLICT); /* already archived */
	struct arena *a = tx_arena(tx);
	struct community_row *r = arena_calloc(a, 1, sizeof(*r));
	int64_t now = clock_now_ms();
	if (rc == COMMUNITIES_OK && (store_community_archive(tx_conn(tx), id, now) != STORE_OK ||
				     store_community_get(tx_conn(tx), a, id, r) != STORE_OK))
		rc = COMMUNITIES_ERROR;
	if (rc == COMMUNITIES_OK)
		tx_after_commit(tx, hook_put, r);
	return finish(tx, rc);
}

/* --- membership -------------------------------------------------------------------- */

/* Notifies the owners of id (at most NOTIFY_FANOUT_MAX) of type. */
static int notify_owners(struct app *app, struct tx *tx, int64_t id, const char *type,
			 int64_t actor)
{
	int64_t owners[64];
	size_t n = 0;
	app_rdlock(app);
	struct community *c = communities_at(app->communities, id);
	for (uint32_t i = 0; c && i < c->n && n < 64; i++)
		if (c->roles[i] == COMMUNITY_OWNER)
			owners[n++] = c->members[i];
	app_unlock(app);
	for (size_t i = 0; i < n; i++)
		if (notify_add(tx, owners[i], type, actor, 0, id) < 0)
			return -1;
	return 0;
}

enum communities_rc communities_join(struct app *app, int64_t viewer, int64_t id, bool *requested)
{
	*requested = false;
	struct tx *tx = tx_begin(app);
	if (!tx)
		return COMMUNITIES_ERROR;
	struct snap s = snapshot(app, id, viewer, 0);
	int pending = s.exists ? pending_state(tx, id, viewer) : -1;
	if (!may(&s, COMMUNITY_SEE_LISTING) && pending != CMEMBER_INVITED)
		return finish(tx, COMMUNITIES_NOT_FOUND);
	if (s.role != COMMUNITY_NONE)
		return finish(tx, COMMUNITIES_OK);
	if (s.archived)
		return finish(tx, COMMUNITIES_CONFLICT);
	if (pending == CMEMBER_INVITED || may(&s, COMMUNITY_JOIN))
		return finish(tx, set_member(tx, id, viewer, COMMUNITY_MEMBER, viewer) < 0
				      ? COMMUNITIES_ERROR
				      : COMMUNITIES_OK);
	if (!may(&s, COMMUNITY_REQUEST))
		return finish(tx, COMMUNITIES_FORBIDDEN); /* restricted: invitation only */
	*requested = true;
	if (pending == CMEMBER_REQUESTED)
		return finish(tx, COMMUNITIES_OK);
	if (set_pending(tx, id, viewer, CMEMBER_REQUESTED, viewer) < 0 ||
	    notify_owners(app, tx, id, "moka.community_request", viewer) < 0)
		return finish(tx, COMMUNITIES_ERROR);
	return finish(tx, COMMUNITIES_OK);
}

enum communities_rc communities_leave(struct app *app, int64_t viewer, int64_t id)
{
	struct tx *tx = tx_begin(app);
	if (!tx)
		return COMMUNITIES_ERROR;
	struct snap s = snapshot(app, id, viewer, 0);
	int pending = s.exists ? pending_state(tx, id, viewer) : -1;
	if (!may(&s, COMMUNITY_SEE_LISTING) && pending < 0)
		return finish(tx, COMMUNITIES_NOT_FOUND);
	if (!community_keeps_owner(s.owners, s.role, COMMUNITY_NONE))
		return finish(tx, COMMUNITIES_CONFLICT);
	if (s.role != COMMUNITY_NONE)
		return finish(tx, set_member(tx, id, viewer, COMMUNITY_NONE, 0) < 0
				      ? COMMUNITIES_ERROR
				      : COMMUNITIES_OK);
	if (pending >= 0 && store_community_member_delete(tx_conn(tx), id, viewer) == STORE_ERROR)
		return finish(tx, COMMUNITIES_ERROR);
	return finish(tx, COMMUNITIES_OK);
}

enum communities_rc communities_request_decide(struct app *app, int64_t viewer, int64_t id,
					       int64_t user, bool approve)
{
	struct tx *tx = tx_begin(app);
	if (!tx)
		return COMMUNITIES_ERROR;
	struct snap s = snapshot(app, id, viewer, user);
	enum communities_rc rc = owner_check(&s);
	if (rc == COMMUNITIES_OK && pending_state(tx, id, user) != CMEMBER_REQUESTED)
		rc = COMMUNITIES_NOT_FOUND;
	if (rc != COMMUNITIES_OK)
		return finish(tx, rc);
	if (!approve)
		return finish(tx, store_community_member_delete(tx_conn(tx), id, user) == STORE_OK
				      ? COMMUNITIES_OK
				      : COMMUNITIES_ERROR);
	if (set_member(tx, id, user, COMMUNITY_MEMBER, viewer) < 0 ||
	    notify_add(tx, user, "moka.community_approved", viewer, 0, id) < 0)
		return finish(tx, COMMUNITIES_ERROR);
	return finish(tx, COMMUNITIES_OK);
}

enum communities_rc communities_invite(struct app *app, int64_t viewer, int64_t id, int64_t user)
{
	struct tx *tx = tx_begin(app);
	if (!tx)
		return COMMUNITIES_ERROR;
	struct snap s = snapshot(app, id, viewer, user);
	enum communities_rc rc = owner_check(&s);
	struct user u;
	if (rc == COMMUNITIES_OK &&
	    (store_user_get(tx_conn(tx), tx_arena(tx), user, &u) != STORE_OK || !u.active))
		rc = COMMUNITIES_INVALID;
	if (rc != COMMUNITIES_OK || s.target_role != COMMUNITY_NONE)
		return finish(tx, rc);
	int pending = pending_state(tx, id, user);
	if (pending == CMEMBER_INVITED)
		return finish(tx, COMMUNITIES_OK);
	if (pending == CMEMBER_REQUESTED) /* they asked: inviting them approves it */
		rc = set_member(tx, id, user, COMMUNITY_MEMBER, viewer) < 0 ||
			     notify_add(tx, user, "moka.community_approved", viewer, 0, id) < 0
			 ? COMMUNITIES_ERROR
			 : COMMUNITIES_OK;
	else
		rc = set_pending(tx, id, user, CMEMBER_INVITED, viewer) < 0 ||
			     notify_add(tx, user, "moka.community_invitation", viewer, 0, id) < 0
			 ? COMMUNITIES_ERROR
			 : COMMUNITIES_OK;
	return finish(tx, rc);
}

enum communities_rc communities_invitation_answer(struct app *app, int64_t viewer, int64_t id,
						  bool accept)
{
	struct tx *tx = tx_begin(app);
	if (!tx)
		return COMMUNITIES_ERROR;
	struct snap s = snapshot(app, id, viewer, 0);
	if (!s.exists || pending_state(tx, id, viewer) != CMEMBER_INVITED)
		return finish(tx, COMMUNITIES_NOT_FOUND);
	if (!accept)
		return finish(tx, store_community_member_delete(tx_conn(tx), id, viewer) == STORE_OK
				      ? COMMUNITIES_OK
				      : COMMUNITIES_ERROR);
	if (s.archived)
		return finish(tx, COMMUNITIES_CONFLICT);
	return finish(tx, set_member(tx, id, viewer, COMMUNITY_MEMBER, viewer) < 0
			      ? COMMUNITIES_ERROR
			      : COMMUNITIES_OK);
}

enum communities_rc communities_remove(struct app *app, int64_t viewer, int64_t id, int64_t user)
{
	struct tx *tx = tx_begin(app);
	if (!tx)
		return COMMUNITIES_ERROR;
	struct snap s = snapshot(app, id, viewer, user);
	enum communities_rc rc = owner_check(&s);
	if (rc != COMMUNITIES_OK)
		return finish(tx, rc);
	if (s.target_role == COMMUNITY_NONE) {
		int pending = pending_state(tx, id, user);
		if (pending < 0)
			return finish(tx, COMMUNITIES_NOT_FOUND);
		return finish(tx, store_community_member_delete(tx_conn(tx), id, user) == STORE_OK
				      ? COMMUNITIES_OK
				      : COMMUNITIES_ERROR);
	}
	if (!community_keeps_owner(s.owners, s.target_role, COMMUNITY_NONE))
		return finish(tx, COMMUNITIES_CONFLICT);
	return finish(tx, set_member(tx, id, user, COMMUNITY_NONE, 0) < 0 ? COMMUNITIES_ERROR
									  : COMMUNITIES_OK);
}

enum communities_rc communities_set_role(struct app *app, int64_t viewer, int64_t id, int64_t user,
					 bool owner)
{
	struct tx *tx = tx_begin(app);
	if (!tx)
		return COMMUNITIES_ERROR;
	struct snap s = snapshot(app, id, viewer, user);
	enum communities_rc rc = owner_check(&s);
	enum community_role to = owner ? COMMUNITY_OWNER : COMMUNITY_MEMBER;
	if (rc == COMMUNITIES_OK && s.target_role == COMMUNITY_NONE)
		rc = COMMUNITIES_NOT_FOUND;
	if (rc == COMMUNITIES_OK && !community_keeps_owner(s.owners, s.target_role, to))
		rc = COMMUNITIES_CONFLICT;
	if (rc != COMMUNITIES_OK || s.target_role == to)
		return finish(tx, rc);
	return finish(tx, set_member(tx, id, user, to, viewer) < 0 ? COMMUNITIES_ERROR
								   : COMMUNITIES_OK);
}

enum communities_rc communities_pin(struct app *app, int64_t viewer, int64_t id, int64_t post_id,
				    bool on)
{
	struct tx *tx = tx_begin(app);
	if (!tx)
		return COMMUNITIES_ERROR;
	struct snap s = snapshot(app, id, viewer, 0);
	enum communities_rc rc = owner_check(&s);
	app_rdlock(app);
	bool ours = communities_post_community_locked(app, post_id) == id &&
		    audience_post_visible_locked(app, viewer, post_id);
	app_unlock(app);
	if (rc == COMMUNITIES_OK && !ours)
		rc = COMMUNITIES_NOT_FOUND;
	if (rc == COMMUNITIES_OK &&
	    store_community_pin(tx_conn(tx), id, post_id, on, clock_now_ms()) != STORE_OK)
		rc = COMMUNITIES_ERROR;
	return finish(tx, rc);
}

/* --- posting ----------------------------------------------------------------------- */

enum communities_rc communities_may_post(struct app *app, int64_t author, int64_t id)
{
	struct snap s = snapshot(app, id, author, 0);
	if (!may(&s, COMMUNITY_READ))
		return COMMUNITIES_NOT_FOUND;
	if (s.archived)
		return COMMUNITIES_CONFLICT;
	return may(&s, COMMUNITY_POST) ? COMMUNITIES_OK : COMMUNITIES_FORBIDDEN;
}

int64_t communities_post_community_locked(struct app *app, int64_t post_id)
{
	uint32_t slot = app->feed ? feed_slot(app->feed, post_id) : FEED_NONE;
	return slot == FEED_NONE ? 0 : feed_post(app->feed, slot)->community;
}

int communities_post_written(struct app *app, struct tx *tx, int64_t post_id, int64_t author,
			     int64_t id, const char *title, int64_t root_id)
{
	struct store_conn *w = tx_conn(tx);
	int64_t now = clock_now_ms();
	if (store_community_post_add(w, post_id, id) != STORE_OK)
		return -1;
	if (root_id && store_community_topic_touch(w, root_id, now) != STORE_OK)
		return -1;
	if (!title)
		return 0;
	if (store_community_topic_add(w, post_id, id, title, now) != STORE_OK)
		return -1;
	/* members are told of a new topic; a very large community's first
	 * NOTIFY_FANOUT_MAX members only (documented in docs/api.md) */
	int64_t *who = arena_alloc(tx_arena(tx), NOTIFY_FANOUT_MAX * sizeof(*who));
	size_t n = 0;
	app_rdlock(app);
	const uint32_t *m;
	size_t nm = communities_members_locked(app, id, &m);
	for (size_t i = 0; i < nm && n < NOTIFY_FANOUT_MAX; i++)
		who[n++] = m[i];
	app_unlock(app);
	for (size_t i = 0; i < n; i++)
		if (notify_add(tx, who[i], "moka.community_topic", author, post_id, id) < 0)
			return -1;
	return 0;
}
