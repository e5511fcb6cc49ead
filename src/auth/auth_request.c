/*
 * auth_request: the http authenticator — who is asking, from a bearer
 * token (header, or the access_token query parameter streaming clients
 * use) or the browser session cookie, and the CSRF rule for cookies.
 *
 * A bearer token always wins over a cookie. A bad token is a 401; a bad
 * or expired cookie is ignored (the request goes on anonymous), so a
 * stale cookie never stops someone from signing in again.
 */
#include "auth/auth.h"
#include "app/app.h"
#include "core/arena.h"
#include "core/clock.h"
#include "http/http.h"
#include "store/store.h"

#include <string.h>
#include <strings.h>

const char *auth_client_ip(struct http_request *req)
{
	const char *xff;
	if (req->app->cfg->trust_proxy && (xff = http_header(req, "X-Forwarded-For")) && *xff) {
		/* the proxy appends the address it saw: the last entry is the one to trust */
		const char *last = strrchr(xff, ',');
		last = last ? last + 1 : xff;
		while (*last == ' ' || *last == '\t')
			last++;
		size_t n = strcspn(last, " \t");
		if (n > 0 && n < 64)
			return arena_strndup(req->arena, last, n);
	}
	return req->remote_ip ? req->remote_ip : "-";
}

bool auth_same_origin(struct http_request *req)
{
	const char *origin = http_header(req, "Origin");
	if (!origin)
		return true; /* not a browser, or a same-origin GET */
	const char *host = http_header(req, "X-Forwarded-Host");
	if (!host || !req->app->cfg->trust_proxy)
		host = http_header(req, "Host");
	const char *sep = strstr(origin, "://");
	if (!host || !sep)
		return false; /* "null" (sandboxed or privacy-sensitive contexts) included */
	return strcasecmp(sep + 3, host) == 0;
}

/* Loads user_id; false when absent or deactivated. */
static bool viewer_load(struct http_request *req, int64_t user_id)
{
	struct user u;
	if (store_user_get(store_reader(req->app->store), req->arena, user_id, &u) != STORE_OK ||
	    !u.active)
		return false;
	req->viewer = user_id;
	req->viewer_admin = u.role && strcmp(u.role, "admin") == 0;
	return true;
}

static int auth_bearer(struct http_request *req, const char *secret)
{
	unsigned char hash[32];
	auth_secret_hash(secret, hash);
	struct auth_cached hit;
	char scopes[128];
	if (strlen(secret) != AUTH_SECRET_LEN - 1)
		goto bad;
	if (auth_cache_get(hash, &hit, scopes, sizeof(scopes))) {
		if (hit.expires_at && hit.expires_at <= clock_now_ms())
			goto bad;
		req->viewer = hit.user_id;
		req->viewer_admin = hit.admin;
		req->auth_via = AUTH_TOKEN;
		req->auth_id = hit.token_id;
		req->auth_app_id = hit.app_id;
		req->auth_scopes = arena_strdup(req->arena, scopes);
		return 0;
	}
	uint64_t epoch = auth_cache_epoch(); /* before the reads: see auth_cache.c */
	struct token t;
	if (store_token_by_hash(store_reader(req->app->store), req->arena, hash, &t) != STORE_OK ||
	    strcmp(t.kind, "access") != 0 || t.revoked_at ||
	    (t.expires_at && t.expires_at <= clock_now_ms()))
		goto bad;
	if (t.user_id && !viewer_load(req, t.user_id))
		goto bad;
	req->auth_via = AUTH_TOKEN;
	req->auth_id = t.id;
	req->auth_app_id = t.app_id;
	req->auth_scopes = t.scopes;
	struct auth_cached tok = {.token_id = t.id,
				  .user_id = req->viewer,
				  .app_id = t.app_id,
				  .expires_at = t.expires_at,
				  .admin = req->viewer_admin};
	auth_cache_put(hash, epoch, &tok, t.scopes);
	return 0;
bad:
	http_set_header(req, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
	return http_error(req, 401, "The access token is invalid");
}

static bool state_changing(const char *method)
{
	return strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
	       strcmp(method, "PATCH") == 0 || strcmp(method, "DELETE") == 0;
}

static int auth_cookie(struct http_request *req, const char *cookie)
{
	struct session s;
	if (auth_session_lookup(req->app, req->arena, cookie, &s) < 0 ||
	    !viewer_load(req, s.user_id))
		return 0; /* anonymous */
	req->auth_via = AUTH_COOKIE;
	req->auth_id = s.id;
	req->csrf_token = s.csrf;
	if (state_changing(req->method) && !(req->route && (req->route->flags & ROUTE_NO_CSRF)) &&
	    !auth_secret_equal(http_header(req, AUTH_CSRF_HEADER), s.csrf))
		return http_error(req, 403,
				  "CSRF token missing or invalid (send the session's "
				  "csrf_token in the X-CSRF-Token header)");
	return 0;
}

int auth_authenticate(struct http_request *req)
{
	const char *h = http_header(req, "Authorization");
	if (h && strncasecmp(h, "Basic ", 6) == 0)
		h = NULL; /* OAuth client authentication (token endpoint), not a person */
	if (h) {
		if (strncasecmp(h, "Bearer ", 7) != 0 || !h[7]) {
			http_set_header(req, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
			return http_error(req, 401, "The access token is invalid");
		}
		return auth_bearer(req, h + 7);
	}
	const char *q = http_query(req, "access_token"); /* streaming clients use this */
	if (q && *q)
		return auth_bearer(req, q);
	const char *cookie = http_cookie(req, AUTH_SESSION_COOKIE);
	if (cookie && *cookie)
		return auth_cookie(req, cookie);
	return 0;
}
