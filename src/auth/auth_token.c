/* auth_token: bearer tokens and the request authenticator. */
#include "auth/auth.h"
#include "app/app.h"
#include "core/clock.h"
#include "http/http.h"
#include "store/store.h"

#include <string.h>

int auth_token_create(struct store_conn *w, int64_t user_id, int64_t app_id,
		      const char *scopes, int64_t expires_at, char out[AUTH_SECRET_LEN],
		      int64_t *token_id)
{
	unsigned char hash[32];
	auth_secret_new(out);
	auth_secret_hash(out, hash);
	struct token t = {.kind = "access", .user_id = user_id, .app_id = app_id,
			  .scopes = scopes, .expires_at = expires_at};
	return store_token_insert(w, hash, &t, token_id) == STORE_OK ? 0 : -1;
}

static int auth_bearer(struct http_request *req, const char *secret)
{
	struct store_conn *c = store_reader(req->app->store);
	unsigned char hash[32];
	auth_secret_hash(secret, hash);
	struct token t;
	if (store_token_by_hash(c, req->arena, hash, &t) != STORE_OK ||
	    strcmp(t.kind, "access") != 0 || t.revoked_at ||
	    (t.expires_at && t.expires_at <= clock_now_ms()))
		goto bad;
	if (t.user_id) {
		struct user u;
		if (store_user_get(c, req->arena, t.user_id, &u) != STORE_OK || !u.active)
			goto bad;
		req->viewer = t.user_id;
		req->viewer_admin = u.role && strcmp(u.role, "admin") == 0;
	}
	req->auth_via = AUTH_TOKEN;
	req->auth_id = t.id;
	req->auth_app_id = t.app_id;
	req->auth_scopes = t.scopes;
	return 0;
bad:
	http_set_header(req, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
	return http_error(req, 401, "The access token is invalid");
}

int auth_authenticate(struct http_request *req)
{
	const char *h = http_header(req, "Authorization");
	if (h) {
		if (strncasecmp(h, "Bearer ", 7) != 0 || !h[7])
			return http_error(req, 401, "The access token is invalid");
		return auth_bearer(req, h + 7);
	}
	const char *q = http_query(req, "access_token"); /* streaming clients use this */
	if (q && *q)
		return auth_bearer(req, q);
	return 0;
}
