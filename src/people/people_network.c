/*
 * people_network: connect, invitations, follow — the rules of the network.
 *
 * Each operation is one transaction: its checks read the writer
 * connection (so they see the state they change), its store writes and
 * notifications commit together, and the graph follows after the commit.
 * Repeating an operation that already took effect changes nothing and
 * succeeds, so clients may retry.
 */
#include "people/people.h"
#include "app/app.h"
#include "core/arena.h"
#include "core/xmalloc.h"
#include "graph/graph.h"
#include "json/json_writer.h"
#include "notify/notify.h"
#include "people/people_int.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

/* The other person must exist and be active (404 otherwise). */
static enum people_rc target_check(struct store_conn *c, struct arena *a, int64_t id)
{
	struct user u;
	if (id <= 0 || id > GRAPH_ID_MAX)
		return PEOPLE_NOT_FOUND;
	int rc = store_user_get(c, a, id, &u);
	if (rc == STORE_ERROR)
		return PEOPLE_ERROR;
	return rc == STORE_OK && u.active ? PEOPLE_OK : PEOPLE_NOT_FOUND;
}

/* Ends tx: commits on PEOPLE_OK, rolls back otherwise. */
static enum people_rc tx_end(struct tx *tx, enum people_rc rc)
{
	if (rc != PEOPLE_OK) {
		tx_rollback(tx);
		return rc;
	}
	return tx_commit(tx) < 0 ? PEOPLE_ERROR : PEOPLE_OK;
}

/* Inside tx, turns invitation inv into a connection: the invitation (and
 * any the other way) removed, the sender told. */
static enum people_rc accept_in_tx(struct tx *tx, const struct invitation *inv)
{
	struct store_conn *w = tx_conn(tx);
	struct arena *a = tx_arena(tx);
	enum people_rc rc = target_check(w, a, inv->from_id);
	if (rc != PEOPLE_OK)
		return rc;
	if (store_invitation_delete(w, inv->id) == STORE_ERROR)
		return PEOPLE_ERROR;
	struct invitation back;
	if (store_invitation_between(w, a, inv->to_id, inv->from_id, &back) == STORE_OK &&
	    store_invitation_delete(w, back.id) == STORE_ERROR)
		return PEOPLE_ERROR;
	int sr = store_connection_insert(w, inv->from_id, inv->to_id);
	if (sr == STORE_ERROR)
		return PEOPLE_ERROR;
	if (sr == STORE_CONFLICT) /* connected already: the invitation was stale */
		return PEOPLE_OK;
	people_after_edge(tx, EDGE_CONNECT, inv->from_id, inv->to_id);
	if (notify_add(tx, inv->from_id, "moka.connection_accepted", inv->to_id, 0, 0) < 0)
		return PEOPLE_ERROR;
	return PEOPLE_OK;
}

enum people_rc people_connect(struct app *app, int64_t me, int64_t other, const char *message)
{
	if (message && strlen(message) > PEOPLE_MESSAGE_MAX)
		return PEOPLE_INVALID;
	if (me == other)
		return PEOPLE_SELF;
	struct tx *tx = tx_begin(app);
	if (!tx)
		return PEOPLE_ERROR;
	struct store_conn *w = tx_conn(tx);
	struct arena *a = tx_arena(tx);
	enum people_rc rc = target_check(w, a, other);
	if (rc != PEOPLE_OK)
		return tx_end(tx, rc);
	int sr = store_connection_exists(w, me, other);
	if (sr != STORE_NOT_FOUND) { /* connected already, or a store error */
		tx_rollback(tx);
		return sr == STORE_OK ? PEOPLE_OK : PEOPLE_ERROR;
	}
	struct invitation inv;
	if (store_invitation_between(w, a, other, me, &inv) == STORE_OK)
		return tx_end(tx, accept_in_tx(tx, &inv));
	sr = store_invitation_between(w, a, me, other, &inv);
	if (sr != STORE_NOT_FOUND) { /* invited already (ignored or not) */
		tx_rollback(tx);
		return sr == STORE_OK ? PEOPLE_OK : PEOPLE_ERROR;
	}
	int64_t id;
	if (store_invitation_insert(w, me, other, message, &id) != STORE_OK ||
	    notify_add(tx, other, "follow_request", me, 0, id) < 0)
		return tx_end(tx, PEOPLE_ERROR);
	return tx_end(tx, PEOPLE_OK);
}

enum people_rc people_disconnect(struct app *app, int64_t me, int64_t other)
{
	if (me == other)
		return PEOPLE_SELF;
	struct tx *tx = tx_begin(app);
	if (!tx)
		return PEOPLE_ERROR;
	struct store_conn *w = tx_conn(tx);
	enum people_rc rc = target_check(w, tx_arena(tx), other);
	if (rc != PEOPLE_OK)
		return tx_end(tx, rc);
	int sr = store_connection_delete(w, me, other);
	if (sr == STORE_ERROR)
		return tx_end(tx, PEOPLE_ERROR);
	if (sr == STORE_OK)
		people_after_edge(tx, EDGE_DISCONNECT, me, other);
	return tx_end(tx, PEOPLE_OK);
}

enum invitation_action { INV_ACCEPT, INV_IGNORE, INV_WITHDRAW };

/* Applies action to inv inside tx; me must be its recipient (accept,
 * ignore) or its sender (withdraw). */
static enum people_rc invitation_act(struct tx *tx, int64_t me, const struct invitation *inv,
				     enum invitation_action action)
{
	struct store_conn *w = tx_conn(tx);
	switch (action) {
	case INV_ACCEPT:
		if (inv->to_id != me)
			return PEOPLE_NOT_FOUND;
		return accept_in_tx(tx, inv);
	case INV_IGNORE:
		if (inv->to_id != me)
			return PEOPLE_NOT_FOUND;
		return store_invitation_set_ignored(w, inv->id) == STORE_ERROR ? PEOPLE_ERROR
									       : PEOPLE_OK;
	case INV_WITHDRAW:
		if (inv->from_id != me)
			return PEOPLE_NOT_FOUND;
		return store_invitation_delete(w, inv->id) == STORE_ERROR ? PEOPLE_ERROR
									  : PEOPLE_OK;
	}
	return PEOPLE_ERROR;
}

/* Runs action on the invitation with this id, or (id 0) on the one from
 * `from` to me. */
static enum people_rc invitation_run(struct app *app, int64_t me, int64_t id, int64_t from,
				     enum invitation_action action)
{
	struct tx *tx = tx_begin(app);
	if (!tx)
		return PEOPLE_ERROR;
	struct store_conn *w = tx_conn(tx);
	struct arena *a = tx_arena(tx);
	struct invitation inv;
	int sr = id ? store_invitation_get(w, a, id, &inv)
		    : store_invitation_between(w, a, from, me, &inv);
	if (sr != STORE_OK)
		return tx_end(tx, sr == STORE_NOT_FOUND ? PEOPLE_NOT_FOUND : PEOPLE_ERROR);
	/* the other party must still be someone one can see */
	enum people_rc rc = target_check(w, a, inv.from_id == me ? inv.to_id : inv.from_id);
	if (rc == PEOPLE_OK)
		rc = invitation_act(tx, me, &inv, action);
	return tx_end(tx, rc);
}

enum people_rc people_invitation_accept(struct app *app, int64_t me, int64_t invitation_id)
{
	if (invitation_id <= 0)
		return PEOPLE_NOT_FOUND;
	return invitation_run(app, me, invitation_id, 0, INV_ACCEPT);
}

enum people_rc people_invitation_ignore(struct app *app, int64_t me, int64_t invitation_id)
{
	if (invitation_id <= 0)
		return PEOPLE_NOT_FOUND;
	return invitation_run(app, me, invitation_id, 0, INV_IGNORE);
}

enum people_rc people_invitation_withdraw(struct app *app, int64_t me, int64_t invitation_id)
{
	if (invitation_id <= 0)
		return PEOPLE_NOT_FOUND;
	return invitation_run(app, me, invitation_id, 0, INV_WITHDRAW);
}

enum people_rc people_invitation_accept_from(struct app *app, int64_t me, int64_t from)
{
	if (from <= 0 || from == me)
		return PEOPLE_NOT_FOUND;
	return invitation_run(app, me, 0, from, INV_ACCEPT);
}

enum people_rc people_invitation_ignore_from(struct app *app, int64_t me, int64_t from)
{
	if (from <= 0 || from == me)
		return PEOPLE_NOT_FOUND;
	return invitation_run(app, me, 0, from, INV_IGNORE);
}

enum people_rc people_follow(struct app *app, int64_t me, int64_t other)
{
	if (me == other)
		return PEOPLE_SELF;
	struct tx *tx = tx_begin(app);
	if (!tx)
		return PEOPLE_ERROR;
	enum people_rc rc = target_check(tx_conn(tx), tx_arena(tx), other);
	if (rc != PEOPLE_OK)
		return tx_end(tx, rc);
	int sr = store_follow_insert(tx_conn(tx), me, other);
	if (sr == STORE_CONFLICT) { /* following already */
		tx_rollback(tx);
		return PEOPLE_OK;
	}
	if (sr != STORE_OK || notify_add(tx, other, "follow", me, 0, 0) < 0)
		return tx_end(tx, PEOPLE_ERROR);
	people_after_edge(tx, EDGE_FOLLOW, me, other);
	return tx_end(tx, PEOPLE_OK);
}

enum people_rc people_unfollow(struct app *app, int64_t me, int64_t other)
{
	if (me == other)
		return PEOPLE_SELF;
	struct tx *tx = tx_begin(app);
	if (!tx)
		return PEOPLE_ERROR;
	enum people_rc rc = target_check(tx_conn(tx), tx_arena(tx), other);
	if (rc != PEOPLE_OK)
		return tx_end(tx, rc);
	int sr = store_follow_delete(tx_conn(tx), me, other);
	if (sr == STORE_ERROR)
		return tx_end(tx, PEOPLE_ERROR);
	if (sr == STORE_OK)
		people_after_edge(tx, EDGE_UNFOLLOW, me, other);
	return tx_end(tx, PEOPLE_OK);
}

/* --- reading ------------------------------------------------------------- */

int people_relation(struct app *app, struct arena *a, int64_t viewer, int64_t other,
		    struct people_relation *r)
{
	memset(r, 0, sizeof(*r));
	struct store_conn *c = store_reader(app->store);
	struct invitation inv;
	int sr = store_invitation_between(c, a, viewer, other, &inv);
	if (sr == STORE_OK) {
		r->invitation = INVITATION_SENT; /* even if ignored: the sender is not told */
		r->invitation_id = inv.id;
	} else if (sr == STORE_NOT_FOUND) {
		sr = store_invitation_between(c, a, other, viewer, &inv);
		if (sr == STORE_OK && !inv.ignored) {
			r->invitation = INVITATION_RECEIVED;
			r->invitation_id = inv.id;
		}
	}
	if (sr == STORE_ERROR)
		return -1;
	uint32_t v = (uint32_t)viewer, o = (uint32_t)other;
	app_rdlock(app);
	r->following = graph_is_following(app->graph, v, o);
	r->followed_by = graph_is_following(app->graph, o, v);
	r->connected = graph_is_connected(app->graph, v, o);
	r->distance = viewer == other ? 0 : graph_distance(app->graph, v, o);
	app_unlock(app);
	return 0;
}

static const char *invitation_name(enum people_invitation_state s)
{
	switch (s) {
	case INVITATION_SENT:
		return "sent";
	case INVITATION_RECEIVED:
		return "received";
	case INVITATION_NONE:
		break;
	}
	return NULL;
}

int people_render_relationship(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			       int64_t other)
{
	struct people_relation r;
	if (people_relation(app, a, viewer, other, &r) < 0)
		return -1;
	jw_obj_begin(w);
	jw_kid(w, "id", other);
	jw_kbool(w, "following", r.following);
	jw_kbool(w, "showing_reblogs", r.following);
	jw_kbool(w, "notifying", false);
	jw_key(w, "languages");
	jw_null(w);
	jw_kbool(w, "followed_by", r.followed_by);
	jw_kbool(w, "blocking", false);
	jw_kbool(w, "blocked_by", false);
	jw_kbool(w, "muting", false);
	jw_kbool(w, "muting_notifications", false);
	/* a connection invitation is what Mastodon clients know as a follow request */
	jw_kbool(w, "requested", r.invitation == INVITATION_SENT);
	jw_kbool(w, "requested_by", r.invitation == INVITATION_RECEIVED);
	jw_kbool(w, "domain_blocking", false);
	jw_kbool(w, "endorsed", false);
	jw_kstr(w, "note", "");
	jw_key(w, "moka");
	jw_obj_begin(w);
	jw_kbool(w, "connected", r.connected);
	jw_kstr(w, "invitation", invitation_name(r.invitation));
	if (r.invitation_id)
		jw_kid(w, "invitation_id", r.invitation_id);
	else
		jw_knull(w, "invitation_id");
	jw_kint(w, "distance", r.distance);
	jw_obj_end(w);
	jw_obj_end(w);
	return 0;
}

/* First index in the ascending v[0..n) whose value is >= x. */
static size_t lower_bound(const uint32_t *v, size_t n, uint64_t x)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const uint32_t *list_of(const struct graph *g, enum people_list which, uint32_t user,
			       size_t *n)
{
	switch (which) {
	case PEOPLE_CONNECTIONS:
		return graph_connections(g, user, n);
	case PEOPLE_FOLLOWERS:
		return graph_followers(g, user, n);
	case PEOPLE_FOLLOWING:
		return graph_following(g, user, n);
	}
	*n = 0;
	return NULL;
}

size_t people_list_page(struct app *app, enum people_list which, int64_t user, int64_t max_id,
			int64_t since_id, int64_t min_id, size_t max, int64_t *out)
{
	if (user <= 0 || user > GRAPH_ID_MAX || max == 0)
		return 0;
	size_t count = 0, n = 0;
	app_rdlock(app);
	const uint32_t *v = list_of(app->graph, which, (uint32_t)user, &n);
	if (min_id > 0) {
		/* the page just above min_id: ascending from there, written descending */
		size_t lo = min_id >= GRAPH_ID_MAX ? n : lower_bound(v, n, (uint64_t)min_id + 1);
		size_t hi = lo + max < n ? lo + max : n;
		for (size_t i = hi; i > lo; i--)
			out[count++] = v[i - 1];
	} else {
		size_t hi =
		    max_id > 0 && max_id <= GRAPH_ID_MAX ? lower_bound(v, n, (uint64_t)max_id) : n;
		for (size_t i = hi; i > 0 && count < max; i--) {
			if ((int64_t)v[i - 1] <= since_id)
				break;
			out[count++] = v[i - 1];
		}
	}
	app_unlock(app);
	return count;
}

size_t people_common(struct app *app, int64_t viewer, int64_t other, size_t max, int64_t *out,
		     size_t *total)
{
	*total = 0;
	if (viewer <= 0 || other <= 0 || viewer > GRAPH_ID_MAX || other > GRAPH_ID_MAX)
		return 0;
	uint32_t *tmp = max ? xmalloc(max * sizeof(*tmp)) : NULL;
	app_rdlock(app);
	*total = graph_common(app->graph, (uint32_t)viewer, (uint32_t)other, tmp, max);
	app_unlock(app);
	size_t n = *total < max ? *total : max;
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[i];
	free(tmp);
	return n;
}
