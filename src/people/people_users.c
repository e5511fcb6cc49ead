/* people_users: creating, deactivating and reactivating accounts; who may be seen. */
#include "people/people.h"
#include "app/app.h"
#include "auth/auth.h"
#include "events/events.h"
#include "graph/graph.h"
#include "people/people_int.h"
#include "store/store.h"

#include <ctype.h>
#include <sodium.h>
#include <string.h>

bool people_username_valid(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > 30)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool ok = isalnum(c) || c == '_' || (i > 0 && (c == '.' || c == '-'));
		if (!ok || c >= 0x80)
			return false;
	}
	return s[n - 1] != '.' && s[n - 1] != '-';
}

bool people_email_valid(const char *s)
{
	const char *at = strchr(s, '@');
	size_t n = strlen(s);
	if (!at || at == s || at - s > 64 || n > 254 || strchr(at + 1, '@'))
		return false;
	for (const char *p = s; p < at; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= 0x20 || c >= 0x7f || strchr("<>\"(),;:\\[]", c))
			return false;
	}
	const char *d = at + 1;
	size_t dn = strlen(d);
	if (dn == 0 || d[0] == '.' || d[0] == '-' || d[dn - 1] == '.' || d[dn - 1] == '-' ||
	    strstr(d, ".."))
		return false;
	for (const char *p = d; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.')
			return false;
	return true;
}

static void graph_grow(struct app *app, void *arg)
{
	graph_ensure(app->graph, (uint32_t)(intptr_t)arg);
}

int people_user_add(struct app *app, const struct user *u, const char *password, int64_t *id,
		    int *status, const char **why)
{
	*status = 422;
	if (!u->username || !people_username_valid(u->username)) {
		*why = "username: 1-30 letters, digits, '_', '.' or '-' (not first or last)";
		return -1;
	}
	if (!u->display_name || !*u->display_name || strlen(u->display_name) > 200) {
		*why = "name: required, at most 200 bytes";
		return -1;
	}
	if (!u->email || !people_email_valid(u->email)) {
		*why = "email: not a valid address";
		return -1;
	}
	char phc[256] = "";
	if (password) {
		if ((*why = auth_password_weak(password)))
			return -1;
		if (auth_password_hash(password, phc, sizeof(phc)) < 0) {
			*status = 500;
			*why = "cannot hash the password";
			return -1;
		}
	}
	struct tx *tx = tx_begin(app);
	if (!tx) {
		*status = 503;
		*why = "store unavailable";
		return -1;
	}
	struct user nu = *u;
	nu.password_hash = password ? phc : NULL;
	nu.active = true;
	int rc = store_user_insert(tx_conn(tx), &nu, id);
	if (rc != STORE_OK) {
		tx_rollback(tx);
		*status = rc == STORE_CONFLICT ? 409 : 500;
		*why = rc == STORE_CONFLICT ? "username or email already taken" : "store error";
		sodium_memzero(phc, sizeof(phc));
		return -1;
	}
	tx_after_commit(tx, graph_grow, (void *)(intptr_t)*id);
	sodium_memzero(phc, sizeof(phc));
	if (tx_commit(tx) < 0) {
		*status = 500;
		*why = "commit failed";
		return -1;
	}
	return 0;
}

int people_user_set_active(struct app *app, int64_t id, bool active)
{
	struct tx *tx = tx_begin(app);
	if (!tx)
		return -1;
	struct store_conn *w = tx_conn(tx);
	if (store_user_set_active(w, id, active) != STORE_OK) {
		tx_rollback(tx);
		return -1;
	}
	if (people_after_user_edges(tx, id, active) < 0) {
		tx_rollback(tx);
		return -1;
	}
	auth_cache_flush_after(tx); /* cached tokens of this user must be looked at again */
	people_after_user_row(tx, id);
	if (!active) {
		store_token_revoke_user(w, id);
		struct event ev = {.type = EVENT_USER_REVOKED, .user_id = id};
		tx_publish(tx, &ev);
	}
	return tx_commit(tx);
}

int people_user_visible(struct app *app, struct arena *a, int64_t id, struct user *u)
{
	if (id <= 0 || store_user_get(store_reader(app->store), a, id, u) != STORE_OK)
		return -1;
	return u->active ? 0 : -1;
}
