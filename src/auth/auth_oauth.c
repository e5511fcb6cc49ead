/*
 * auth_oauth: OAuth 2 as Mastodon clients use it — applications, the
 * authorization code (with PKCE S256), and the token endpoint's grants:
 * authorization_code, refresh_token (rotating: the old pair is revoked)
 * and client_credentials; and revocation (RFC 7009).
 *
 * Codes live AUTH_CODE_TTL_MS and are burnt by the first attempt to
 * redeem them, successful or not.
 */
#include "auth/auth.h"
#include "events/events.h"
#include "app/app.h"
#include "core/arena.h"
#include "core/clock.h"
#include "store/store.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define APP_MAX_REDIRECTS 10

const char *auth_oauth_error_code(enum auth_oauth_err e)
{
	switch (e) {
	case AUTH_OAUTH_OK:
		return "ok";
	case AUTH_OAUTH_INVALID_REQUEST:
		return "invalid_request";
	case AUTH_OAUTH_INVALID_CLIENT:
		return "invalid_client";
	case AUTH_OAUTH_INVALID_GRANT:
		return "invalid_grant";
	case AUTH_OAUTH_UNAUTHORIZED_CLIENT:
		return "unauthorized_client";
	case AUTH_OAUTH_UNSUPPORTED_GRANT_TYPE:
		return "unsupported_grant_type";
	case AUTH_OAUTH_INVALID_SCOPE:
		return "invalid_scope";
	case AUTH_OAUTH_ACCESS_DENIED:
		return "access_denied";
	case AUTH_OAUTH_SLOW_DOWN:
		return "slow_down";
	case AUTH_OAUTH_SERVER_ERROR:
		break;
	}
	return "server_error";
}

int auth_oauth_error_status(enum auth_oauth_err e)
{
	switch (e) {
	case AUTH_OAUTH_OK:
		return 200;
	case AUTH_OAUTH_INVALID_CLIENT:
		return 401;
	case AUTH_OAUTH_UNAUTHORIZED_CLIENT:
	case AUTH_OAUTH_ACCESS_DENIED:
		return 403;
	case AUTH_OAUTH_SLOW_DOWN:
		return 429;
	case AUTH_OAUTH_SERVER_ERROR:
		return 500;
	default:
		return 400;
	}
}

/* --- applications --------------------------------------------------------- */

/* Validates and de-duplicates the redirect URIs (separated by newlines or
 * spaces) into one-per-line text. NULL with *why on bad input. */
static char *redirects_clean(struct arena *a, const char *in, const char **why)
{
	size_t n = strlen(in);
	char *out = arena_alloc(a, n + 1), *tmp = arena_strdup(a, in);
	size_t len = 0;
	int count = 0;
	out[0] = '\0';
	for (char *p = tmp; *p;) {
		while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
			p++;
		if (!*p)
			break;
		char *e = p;
		while (*e && *e != ' ' && *e != '\n' && *e != '\r' && *e != '\t')
			e++;
		char save = *e;
		*e = '\0';
		if (!auth_redirect_uri_valid(p)) {
			*why = arena_printf(
			    a, "redirect_uris: '%.200s' is not a valid redirect URI", p);
			return NULL;
		}
		if (!auth_redirect_uri_registered(out, p)) {
			if (++count > APP_MAX_REDIRECTS) {
				*why = "redirect_uris: at most 10";
				return NULL;
			}
			len += (size_t)snprintf(out + len, n + 1 - len, "%s%s", len ? "\n" : "", p);
		}
		*e = save;
		p = e;
	}
	if (!count) {
		*why = "redirect_uris: required";
		return NULL;
	}
	return out;
}

static bool website_valid(const char *w)
{
	return (strncasecmp(w, "https://", 8) == 0 || strncasecmp(w, "http://", 7) == 0) &&
	       strlen(w) <= 2000 && auth_redirect_uri_valid(w);
}

int auth_app_register(struct app *app, struct arena *a, const char *name, const char *website,
		      const char *redirect_uris, const char *scopes, struct oauth_app *out,
		      char secret[AUTH_SECRET_LEN], const char **why)
{
	if (!name || !*name || strlen(name) > 200) {
		*why = "client_name: required, at most 200 bytes";
		return -1;
	}
	if (website && *website && !website_valid(website)) {
		*why = "website: must be an http or https URL";
		return -1;
	}
	char *redirects = redirects_clean(a, redirect_uris ? redirect_uris : "", why);
	if (!redirects)
		return -1;
	char norm[AUTH_SCOPES_MAX];
	const char *bad;
	if (auth_scopes_normalize(scopes, "read", norm, sizeof(norm), &bad) < 0) {
		*why = arena_printf(a, "scopes: unknown scope '%s'", bad);
		return -1;
	}
	char client_id[AUTH_SECRET_LEN];
	auth_secret_new(client_id);
	auth_secret_new(secret);
	memset(out, 0, sizeof(*out));
	out->name = arena_strdup(a, name);
	out->website = website && *website ? arena_strdup(a, website) : NULL;
	out->redirect_uris = redirects;
	out->scopes = arena_strdup(a, norm);
	out->client_id = arena_strdup(a, client_id);
	out->created_at = clock_now_ms();
	auth_secret_hash(secret, out->secret_hash);
	struct tx *tx = tx_begin(app);
	if (!tx || store_app_insert(tx_conn(tx), out, &out->id) != STORE_OK) {
		if (tx)
			tx_rollback(tx);
		*why = "store error";
		return -1;
	}
	if (tx_commit(tx) < 0) {
		*why = "commit failed";
		return -1;
	}
	return 0;
}

int auth_app_client(struct app *app, struct arena *a, const char *client_id,
		    const char *client_secret, struct oauth_app *out)
{
	if (!client_id || !*client_id || strlen(client_id) > 200)
		return -1;
	if (store_app_by_client_id(store_reader(app->store), a, client_id, out) != STORE_OK)
		return -1;
	if (client_secret) {
		unsigned char h[32];
		auth_secret_hash(client_secret, h);
		if (sodium_memcmp(h, out->secret_hash, 32) != 0)
			return -1;
	}
	return 0;
}

int auth_app_get(struct app *app, struct arena *a, int64_t id, struct oauth_app *out)
{
	return store_app_get(store_reader(app->store), a, id, out) == STORE_OK ? 0 : -1;
}

/* --- authorization codes -------------------------------------------------- */

int auth_code_issue(struct app *app, int64_t app_id, int64_t user_id, const char *redirect_uri,
		    const char *scopes, const char *code_challenge, char code[AUTH_SECRET_LEN])
{
	int64_t now = clock_now_ms();
	struct auth_code c = {
	    .app_id = app_id,
	    .user_id = user_id,
	    .redirect_uri = redirect_uri,
	    .scopes = scopes,
	    .code_challenge = code_challenge,
	    .code_challenge_method = code_challenge ? "S256" : NULL,
	    .expires_at = now + AUTH_CODE_TTL_MS,
	};
	unsigned char hash[32];
	auth_secret_new(code);
	auth_secret_hash(code, hash);
	struct tx *tx = tx_begin(app);
	if (!tx)
		return -1;
	if (store_code_purge(tx_conn(tx), now) != STORE_OK ||
	    store_code_insert(tx_conn(tx), hash, &c) != STORE_OK) {
		tx_rollback(tx);
		return -1;
	}
	return tx_commit(tx);
}

/* true when user_id names an active account. */
static bool user_active(struct store_conn *c, struct arena *a, int64_t user_id)
{
	struct user u;
	return store_user_get(c, a, user_id, &u) == STORE_OK && u.active;
}

/* Checks a taken code against the request; AUTH_OAUTH_OK or why not. */
static enum auth_oauth_err code_check(const struct auth_code *c, const struct oauth_app *client,
				      bool client_authenticated, const char *redirect_uri,
				      const char *verifier, const char **why)
{
	*why = "The authorization code is invalid, expired or already used";
	if (c->used || c->expires_at <= clock_now_ms() || c->app_id != client->id)
		return AUTH_OAUTH_INVALID_GRANT;
	if (!redirect_uri || strcmp(redirect_uri, c->redirect_uri) != 0) {
		*why = "redirect_uri does not match the authorization request";
		return AUTH_OAUTH_INVALID_GRANT;
	}
	if (c->code_challenge) {
		if (!verifier) {
			*why = "code_verifier is required (PKCE)";
			return AUTH_OAUTH_INVALID_GRANT;
		}
		if (!auth_pkce_s256_ok(verifier, c->code_challenge)) {
			*why = "code_verifier does not match the code_challenge (PKCE)";
			return AUTH_OAUTH_INVALID_GRANT;
		}
	} else {
		if (verifier) {
			*why = "code_verifier given, but the authorization had no code_challenge";
			return AUTH_OAUTH_INVALID_GRANT;
		}
		if (!client_authenticated) {
			*why = "client_secret is required without PKCE";
			return AUTH_OAUTH_INVALID_CLIENT;
		}
	}
	return AUTH_OAUTH_OK;
}

enum auth_oauth_err auth_grant_code(struct app *app, struct arena *a,
				    const struct oauth_app *client, bool client_authenticated,
				    const char *code, const char *redirect_uri,
				    const char *code_verifier, struct auth_grant *out,
				    const char **why)
{
	unsigned char hash[32];
	auth_secret_hash(code, hash);
	struct tx *tx = tx_begin(app);
	if (!tx) {
		*why = "store unavailable";
		return AUTH_OAUTH_SERVER_ERROR;
	}
	struct store_conn *w = tx_conn(tx);
	struct auth_code c;
	int rc = store_code_take(w, a, hash, &c);
	if (rc != STORE_OK) {
		tx_rollback(tx);
		*why = rc == STORE_NOT_FOUND ? "The authorization code is invalid" : "store error";
		return rc == STORE_NOT_FOUND ? AUTH_OAUTH_INVALID_GRANT : AUTH_OAUTH_SERVER_ERROR;
	}
	enum auth_oauth_err e =
	    code_check(&c, client, client_authenticated, redirect_uri, code_verifier, why);
	if (e == AUTH_OAUTH_OK && !user_active(w, a, c.user_id)) {
		*why = "The account is deactivated";
		e = AUTH_OAUTH_INVALID_GRANT;
	}
	if (e == AUTH_OAUTH_OK &&
	    auth_grant_issue(app, w, c.user_id, client->id, c.scopes, true, out) < 0) {
		*why = "store error";
		tx_rollback(tx);
		return AUTH_OAUTH_SERVER_ERROR;
	}
	/* commit either way: a failed attempt burns the code */
	if (tx_commit(tx) < 0 && e == AUTH_OAUTH_OK) {
		sodium_memzero(out, sizeof(*out));
		*why = "commit failed";
		return AUTH_OAUTH_SERVER_ERROR;
	}
	return e;
}

enum auth_oauth_err auth_grant_refresh(struct app *app, struct arena *a,
				       const struct oauth_app *client, const char *refresh_token,
				       const char *scope, struct auth_grant *out, const char **why)
{
	unsigned char hash[32];
	auth_secret_hash(refresh_token, hash);
	struct tx *tx = tx_begin(app);
	if (!tx) {
		*why = "store unavailable";
		return AUTH_OAUTH_SERVER_ERROR;
	}
	struct store_conn *w = tx_conn(tx);
	struct token t;
	enum auth_oauth_err e = AUTH_OAUTH_INVALID_GRANT;
	*why = "The refresh token is invalid, revoked or of another client";
	if (store_token_by_hash(w, a, hash, &t) != STORE_OK || strcmp(t.kind, "refresh") != 0 ||
	    t.revoked_at || (t.expires_at && t.expires_at <= clock_now_ms()) ||
	    t.app_id != client->id)
		goto fail;
	if (!user_active(w, a, t.user_id)) {
		*why = "The account is deactivated";
		goto fail;
	}
	char norm[AUTH_SCOPES_MAX];
	const char *bad;
	if (scope && *scope) {
		e = AUTH_OAUTH_INVALID_SCOPE;
		if (auth_scopes_normalize(scope, NULL, norm, sizeof(norm), &bad) < 0 ||
		    !auth_scopes_cover(t.scopes, norm)) {
			*why = "The requested scope exceeds the original grant";
			goto fail;
		}
	} else {
		snprintf(norm, sizeof(norm), "%s", t.scopes);
	}
	e = AUTH_OAUTH_SERVER_ERROR;
	*why = "store error";
	auth_cache_flush_after(tx);
	if (store_token_revoke(w, t.pair_id ? t.pair_id : t.id) != STORE_OK ||
	    store_token_revoke(w, t.id) != STORE_OK ||
	    auth_grant_issue(app, w, t.user_id, client->id, norm, true, out) < 0)
		goto fail;
	if (tx_commit(tx) < 0) {
		sodium_memzero(out, sizeof(*out));
		*why = "commit failed";
		return AUTH_OAUTH_SERVER_ERROR;
	}
	return AUTH_OAUTH_OK;
fail:
	tx_rollback(tx);
	return e;
}

enum auth_oauth_err auth_grant_client(struct app *app, const struct oauth_app *client,
				      const char *scope, struct auth_grant *out, const char **why)
{
	char norm[AUTH_SCOPES_MAX];
	const char *bad;
	if (auth_scopes_normalize(scope, "read", norm, sizeof(norm), &bad) < 0 ||
	    !auth_scopes_cover(client->scopes, norm) || auth_scopes_admin(norm)) {
		*why = "The requested scope is invalid, unknown, or not registered for this client";
		return AUTH_OAUTH_INVALID_SCOPE;
	}
	struct tx *tx = tx_begin(app);
	if (!tx || auth_grant_issue(app, tx_conn(tx), 0, client->id, norm, false, out) < 0) {
		if (tx)
			tx_rollback(tx);
		*why = "store error";
		return AUTH_OAUTH_SERVER_ERROR;
	}
	if (tx_commit(tx) < 0) {
		sodium_memzero(out, sizeof(*out));
		*why = "commit failed";
		return AUTH_OAUTH_SERVER_ERROR;
	}
	return AUTH_OAUTH_OK;
}

enum auth_oauth_err auth_token_revoke(struct app *app, struct arena *a,
				      const struct oauth_app *client, const char *token)
{
	unsigned char hash[32];
	auth_secret_hash(token, hash);
	struct tx *tx = tx_begin(app);
	if (!tx)
		return AUTH_OAUTH_SERVER_ERROR;
	struct store_conn *w = tx_conn(tx);
	struct token t;
	int rc = store_token_by_hash(w, a, hash, &t);
	if (rc == STORE_NOT_FOUND || (rc == STORE_OK && t.revoked_at)) {
		tx_rollback(tx);
		return AUTH_OAUTH_OK;
	}
	if (rc != STORE_OK) {
		tx_rollback(tx);
		return AUTH_OAUTH_SERVER_ERROR;
	}
	if (t.app_id && (!client || client->id != t.app_id)) {
		tx_rollback(tx);
		return AUTH_OAUTH_UNAUTHORIZED_CLIENT;
	}
	int64_t id = strcmp(t.kind, "refresh") == 0 && t.pair_id ? t.pair_id : t.id;
	auth_cache_flush_after(tx);
	struct event ev = {.type = EVENT_CREDENTIAL_REVOKED, .credential_id = id};
	tx_publish(tx, &ev); /* streams opened with the access token end with it */
	if (store_token_revoke(w, id) != STORE_OK || store_token_revoke(w, t.id) != STORE_OK) {
		tx_rollback(tx);
		return AUTH_OAUTH_SERVER_ERROR;
	}
	return tx_commit(tx) < 0 ? AUTH_OAUTH_SERVER_ERROR : AUTH_OAUTH_OK;
}
