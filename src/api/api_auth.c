/*
 * api_auth: signing in and OAuth 2 — browser sessions (/auth/sign_in,
 * /auth/session, /auth/sign_out), Mastodon's applications
 * (/api/v1/apps), the authorization page and token endpoint (under /oauth/),
 * the signed-in account (/api/v1/accounts/verify_credentials) and open
 * registration (POST /api/v1/accounts).
 *
 * OAuth endpoints answer errors as RFC 6749 does: {"error": code,
 * "error_description": text}. The rules live in src/auth/; handlers here
 * read parameters, call them, and shape the answer.
 */
#include "api/api.h"
#include "app/app.h"
#include "auth/auth.h"
#include "core/arena.h"
#include "core/clock.h"
#include "http/http.h"
#include "people/people.h"
#include "store/store.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define LOGIN_MAX 320
#define SECRET_MAX 128
#define URI_MAX 2000

/* --- shared helpers ------------------------------------------------------- */

static void retry_after(struct http_request *req, unsigned seconds)
{
	char v[16];
	snprintf(v, sizeof(v), "%u", seconds ? seconds : 1);
	http_set_header(req, "Retry-After", v);
}

static void oauth_error(struct http_request *req, enum auth_oauth_err e, const char *why)
{
	struct jw *w = &req->jw;
	buf_reset(&req->out);
	jw_init(w, &req->out);
	jw_obj_begin(w);
	jw_kstr(w, "error", auth_oauth_error_code(e));
	jw_kstr(w, "error_description", why);
	jw_obj_end(w);
	if (e == AUTH_OAUTH_INVALID_CLIENT)
		http_set_header(req, "WWW-Authenticate", "Basic realm=\"moka\"");
	http_json(req, auth_oauth_error_status(e));
}

static void write_grant(struct http_request *req, const struct auth_grant *g)
{
	struct jw *w = &req->jw;
	jw_obj_begin(w);
	jw_kstr(w, "access_token", g->access);
	jw_kstr(w, "token_type", "Bearer");
	jw_kstr(w, "scope", g->scopes);
	jw_kint(w, "created_at", g->created_at / 1000);
	if (g->expires_in)
		jw_kint(w, "expires_in", g->expires_in);
	if (g->refresh[0])
		jw_kstr(w, "refresh_token", g->refresh);
	jw_obj_end(w);
	http_json(req, 200);
}

/* Writes a scope list as a JSON array. */
static void write_scopes(struct jw *w, const char *key, const char *scopes)
{
	jw_key(w, key);
	jw_arr_begin(w);
	const char *p = scopes ? scopes : "";
	while (*p) {
		const char *e = strchr(p, ' ');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n)
			jw_strn(w, p, n);
		p += n + (e ? 1 : 0);
	}
	jw_arr_end(w);
}

/* The Mastodon Application entity; secret only right after registration. */
static void write_app(struct http_request *req, const struct oauth_app *a, const char *secret)
{
	struct jw *w = &req->jw;
	jw_obj_begin(w);
	jw_kid(w, "id", a->id);
	jw_kstr(w, "name", a->name);
	jw_kstr(w, "website", a->website);
	write_scopes(w, "scopes", a->scopes);
	jw_key(w, "redirect_uris");
	jw_arr_begin(w);
	for (const char *p = a->redirect_uris; *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		jw_strn(w, p, n);
		p += n + (e ? 1 : 0);
	}
	jw_arr_end(w);
	jw_kstr(w, "redirect_uri", a->redirect_uris); /* deprecated: newline-separated */
	jw_kstr(w, "vapid_key", "");
	if (secret) {
		jw_kstr(w, "client_id", a->client_id);
		jw_kstr(w, "client_secret", secret);
		jw_kint(w, "client_secret_expires_at", 0);
	}
	jw_obj_end(w);
}

/* Writes {"account": …, "csrf_token": …} for a browser session. */
static void write_session(struct http_request *req, int64_t user_id, const char *csrf,
			  int64_t expires_at)
{
	struct jw *w = &req->jw;
	jw_obj_begin(w);
	jw_key(w, "account");
	if (people_render_account(req->app, req->arena, w, user_id) < 0)
		jw_null(w);
	jw_kstr(w, "csrf_token", csrf);
	if (expires_at)
		jw_ktime(w, "expires_at", expires_at);
	jw_obj_end(w);
	http_json(req, 200);
}

/* --- browser sessions ------------------------------------------------------ */

static void sign_in(struct http_request *req)
{
	const char *login = NULL, *password;
	if (!auth_same_origin(req)) {
		http_error(req, 403, "Cross-origin sign-in refused");
		return;
	}
	if (http_param_str(req, "username", LOGIN_MAX, &login) < 0 ||
	    (!login && http_param_str(req, "email", LOGIN_MAX, &login) < 0))
		return;
	if (!login || !*login) {
		http_error(req, 422, "username: required (or email)");
		return;
	}
	if (http_param_require(req, "password", AUTH_MAX_PASSWORD, &password) < 0)
		return;
	struct auth_signin si;
	switch (auth_signin(req->app, req->arena, auth_client_ip(req), login, password, &si)) {
	case AUTH_SIGNIN_THROTTLED:
		retry_after(req, si.retry_after);
		http_error(req, 429, "Too many failed sign-in attempts; try again in %u seconds",
			   si.retry_after);
		return;
	case AUTH_SIGNIN_BAD:
		http_error(req, 401, "Invalid username or password");
		return;
	case AUTH_SIGNIN_OK:
		break;
	}
	if (req->auth_via == AUTH_COOKIE)
		auth_session_end(req->app, req->auth_id); /* replace, never reuse */
	struct auth_session_new s;
	if (auth_session_start(req->app, si.user_id, auth_client_ip(req),
			       http_header(req, "User-Agent"), &s) < 0) {
		http_error(req, 500, "cannot start a session");
		return;
	}
	http_set_header(req, "Set-Cookie",
			auth_session_cookie(req->arena, req->app->cfg, s.cookie));
	write_session(req, si.user_id, s.csrf, s.expires_at);
	sodium_memzero(&s, sizeof(s));
}

static void session_get(struct http_request *req)
{
	if (req->auth_via != AUTH_COOKIE) {
		http_error(req, 401, "Not signed in");
		return;
	}
	write_session(req, req->viewer, req->csrf_token, 0);
}

static void sign_out(struct http_request *req)
{
	if (req->auth_via == AUTH_COOKIE)
		auth_session_end(req->app, req->auth_id);
	http_set_header(req, "Set-Cookie", auth_session_cookie(req->arena, req->app->cfg, NULL));
	jw_obj_begin(&req->jw);
	jw_obj_end(&req->jw);
	http_json(req, 200);
}

/* --- applications ------------------------------------------------------------ */

/* redirect_uris as one string (JSON string, JSON array, or form fields). */
static int param_redirect_uris(struct http_request *req, const char **out)
{
	json_t *j = req->json ? json_object_get(req->json, "redirect_uris") : NULL;
	if (req->json && !(j && json_is_array(j)))
		return http_param_str(req, "redirect_uris", 10 * URI_MAX, out);
	const char **items;
	size_t n;
	int r = http_param_strv(req, "redirect_uris", 10, URI_MAX, &items, &n);
	if (r <= 0)
		return r;
	struct buf b;
	buf_init(&b, 12 * URI_MAX);
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? "\n" : "", items[i]);
	*out = arena_strdup(req->arena, b.ptr ? b.ptr : "");
	buf_free(&b);
	return 1;
}

static void apps_create(struct http_request *req)
{
	const char *name, *redirects = NULL, *scopes = NULL, *website = NULL;
	if (http_param_require(req, "client_name", 200, &name) < 0 ||
	    param_redirect_uris(req, &redirects) < 0 ||
	    http_param_str(req, "scopes", AUTH_SCOPES_MAX, &scopes) < 0 ||
	    http_param_str(req, "website", URI_MAX, &website) < 0)
		return;
	if (!redirects) {
		http_error(req, 422, "redirect_uris: required");
		return;
	}
	struct oauth_app a;
	char secret[AUTH_SECRET_LEN];
	const char *why;
	if (auth_app_register(req->app, req->arena, name, website, redirects, scopes, &a, secret,
			      &why) < 0) {
		http_error(req, strcmp(why, "store error") == 0 ? 500 : 422, "%s", why);
		return;
	}
	write_app(req, &a, secret);
	http_json(req, 200);
	sodium_memzero(secret, sizeof(secret));
}

static void apps_verify(struct http_request *req)
{
	struct oauth_app a;
	if (req->auth_via != AUTH_TOKEN || !req->auth_app_id ||
	    auth_app_get(req->app, req->arena, req->auth_app_id, &a) < 0) {
		http_set_header(req, "WWW-Authenticate", "Bearer");
		http_error(req, 401, "The access token is invalid or belongs to no application");
		return;
	}
	write_app(req, &a, NULL);
	http_json(req, 200);
}

/* --- the authorization endpoint ---------------------------------------------- */

struct authz {
	struct oauth_app client;
	const char *redirect_uri, *response_type, *scope_in, *state;
	const char *code_challenge, *code_challenge_method;
	char scope[AUTH_SCOPES_MAX];
	bool oob;
};

static void url_encode(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			buf_putc(b, (char)*p);
		} else {
			buf_putc(b, '%');
			buf_putc(b, hex[*p >> 4]);
			buf_putc(b, hex[*p & 15]);
		}
	}
}

/* The Content-Security-Policy of our HTML pages; the form may post to
 * ourselves and be redirected to the client's redirect URI. */
static const char *page_csp(struct http_request *req, const char *nonce, const char *redirect)
{
	const char *extra = "";
	if (redirect && strcmp(redirect, AUTH_OOB_URI) != 0) {
		const char *colon = strchr(redirect, ':');
		size_t n = colon ? (size_t)(colon - redirect) + 1 : 0;
		if (colon && colon[1] == '/' && colon[2] == '/') /* keep scheme://host[:port] */
			n += 2 + strcspn(colon + 3, "/?");
		bool clean = n > 0;
		for (size_t i = 0; i < n; i++)
			if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
				    "+-.:/[]",
				    redirect[i]))
				clean = false;
		if (clean)
			extra = arena_printf(req->arena, " %.*s", (int)n, redirect);
	}
	return arena_printf(req->arena,
			    "default-src 'none'; style-src 'nonce-%s'; form-action 'self'%s; "
			    "frame-ancestors 'none'; base-uri 'none'",
			    nonce, extra);
}

/* Sends an HTML page rendered by fn. */
static void send_page(struct http_request *req, int status, const char *redirect,
		      void (*fn)(struct buf *, const void *, const char *), const void *arg)
{
	char nonce[AUTH_SECRET_LEN];
	auth_secret_new(nonce);
	struct buf b;
	buf_init(&b, 1u << 20);
	fn(&b, arg, nonce);
	http_body(req, status, "text/html; charset=utf-8", b.ptr ? b.ptr : "", b.len);
	buf_free(&b);
	http_set_header(req, "Content-Security-Policy", page_csp(req, nonce, redirect));
	http_set_header(req, "X-Frame-Options", "DENY");
	http_set_header(req, "Referrer-Policy", "no-referrer");
}

static void render_error(struct buf *b, const void *msg, const char *nonce)
{
	auth_page_error(b, msg, nonce);
}

static void render_authorize(struct buf *b, const void *page, const char *nonce)
{
	auth_page_authorize(b, page, nonce);
}

struct code_page {
	const char *app_name, *code;
};

static void render_code(struct buf *b, const void *arg, const char *nonce)
{
	const struct code_page *cp = arg;
	auth_page_code(b, cp->app_name, cp->code, nonce);
}

static void error_page(struct http_request *req, int status, const char *msg)
{
	send_page(req, status, NULL, render_error, msg);
}

/* Sends the user agent back to the client with either a code or an error. */
static void authz_redirect(struct http_request *req, const struct authz *z, const char *code,
			   enum auth_oauth_err err, const char *why)
{
	if (z->oob) {
		if (code) {
			struct code_page cp = {z->client.name, code};
			send_page(req, 200, NULL, render_code, &cp);
		} else {
			error_page(req, auth_oauth_error_status(err), why);
		}
		return;
	}
	struct buf b;
	buf_init(&b, 16 * 1024);
	buf_puts(&b, z->redirect_uri);
	buf_putc(&b, strchr(z->redirect_uri, '?') ? '&' : '?');
	if (code) {
		buf_puts(&b, "code=");
		url_encode(&b, code);
	} else {
		buf_printf(&b, "error=%s&error_description=", auth_oauth_error_code(err));
		url_encode(&b, why);
	}
	if (z->state) {
		buf_puts(&b, "&state=");
		url_encode(&b, z->state);
	}
	http_redirect(req, 302, b.ptr);
	buf_free(&b);
}

/* Reads and checks an authorization request. Returns 0 when it may be
 * shown or granted; -1 after answering (an error page when the client or
 * redirect URI cannot be trusted, else a redirect with the error). */
static int authz_read(struct http_request *req, struct authz *z)
{
	memset(z, 0, sizeof(*z));
	const char *client_id = NULL;
	if (http_param_str(req, "client_id", SECRET_MAX, &client_id) < 0 ||
	    http_param_str(req, "redirect_uri", URI_MAX, &z->redirect_uri) < 0 ||
	    http_param_str(req, "response_type", 32, &z->response_type) < 0 ||
	    http_param_str(req, "scope", AUTH_SCOPES_MAX, &z->scope_in) < 0 ||
	    http_param_str(req, "state", 1024, &z->state) < 0 ||
	    http_param_str(req, "code_challenge", 128, &z->code_challenge) < 0 ||
	    http_param_str(req, "code_challenge_method", 16, &z->code_challenge_method) < 0) {
		error_page(req, 422, "The authorization request has an invalid parameter.");
		return -1;
	}
	if (!client_id || auth_app_client(req->app, req->arena, client_id, NULL, &z->client) < 0) {
		error_page(req, 400, "Unknown client_id: this application is not registered here.");
		return -1;
	}
	if (!z->redirect_uri ||
	    !auth_redirect_uri_registered(z->client.redirect_uris, z->redirect_uri)) {
		error_page(req, 400, "The redirect_uri is not one this application registered.");
		return -1;
	}
	z->oob = strcmp(z->redirect_uri, AUTH_OOB_URI) == 0;
	const char *bad;
	if (!z->response_type || strcmp(z->response_type, "code") != 0) {
		authz_redirect(req, z, NULL, AUTH_OAUTH_INVALID_REQUEST,
			       "response_type must be 'code'");
		return -1;
	}
	if (auth_scopes_normalize(z->scope_in, "read", z->scope, sizeof(z->scope), &bad) < 0 ||
	    !auth_scopes_cover(z->client.scopes, z->scope)) {
		authz_redirect(
		    req, z, NULL, AUTH_OAUTH_INVALID_SCOPE,
		    "The requested scope is unknown or not registered for this application");
		return -1;
	}
	if (z->code_challenge_method && strcmp(z->code_challenge_method, "S256") != 0) {
		authz_redirect(req, z, NULL, AUTH_OAUTH_INVALID_REQUEST,
			       "code_challenge_method must be S256");
		return -1;
	}
	if (z->code_challenge && !auth_pkce_challenge_valid(z->code_challenge)) {
		authz_redirect(req, z, NULL, AUTH_OAUTH_INVALID_REQUEST,
			       "code_challenge must be 43 base64url characters (S256)");
		return -1;
	}
	if (z->code_challenge_method && !z->code_challenge) {
		authz_redirect(req, z, NULL, AUTH_OAUTH_INVALID_REQUEST,
			       "code_challenge_method given without code_challenge");
		return -1;
	}
	return 0;
}

/* Shows the consent page, signed in (with the session's CSRF token) or not. */
static void authz_page(struct http_request *req, const struct authz *z, int status,
		       const char *error, bool signed_in)
{
	struct auth_page p = {
	    .app_name = z->client.name,
	    .app_website = z->client.website,
	    .client_id = z->client.client_id,
	    .redirect_uri = z->redirect_uri,
	    .scope = z->scope,
	    .state = z->state,
	    .code_challenge = z->code_challenge,
	    .code_challenge_method = z->code_challenge ? "S256" : NULL,
	    .error = error,
	};
	struct user u;
	if (signed_in && store_user_get(store_reader(req->app->store), req->arena, req->viewer,
					&u) == STORE_OK) {
		p.signed_in_as = arena_printf(req->arena, "%s (@%s)", u.display_name, u.username);
		p.csrf = req->csrf_token;
	}
	send_page(req, status, z->redirect_uri, render_authorize, &p);
}

static void authorize_get(struct http_request *req)
{
	struct authz z;
	if (authz_read(req, &z) < 0)
		return;
	bool force = false;
	if (http_param_bool(req, "force_login", &force) < 0)
		return;
	authz_page(req, &z, 200, NULL, req->auth_via == AUTH_COOKIE && !force);
}

/* Who is consenting: by the credentials in the form, or the session (with
 * the form's CSRF token). 0 with the user, or -1 after answering. */
static int authz_who(struct http_request *req, const struct authz *z, int64_t *user_id, bool *admin)
{
	const char *login = NULL, *password = NULL, *csrf = NULL;
	if (http_param_str(req, "username", LOGIN_MAX, &login) < 0 ||
	    http_param_str(req, "password", AUTH_MAX_PASSWORD, &password) < 0 ||
	    http_param_str(req, "csrf_token", SECRET_MAX, &csrf) < 0)
		return -1;
	if (login && *login) {
		struct auth_signin si;
		enum auth_signin_rc rc = auth_signin(req->app, req->arena, auth_client_ip(req),
						     login, password ? password : "", &si);
		if (rc == AUTH_SIGNIN_THROTTLED) {
			retry_after(req, si.retry_after);
			authz_page(req, z, 429,
				   "Too many failed sign-in attempts. Try again later.", false);
			return -1;
		}
		if (rc == AUTH_SIGNIN_BAD) {
			authz_page(req, z, 401, "Invalid username or password.", false);
			return -1;
		}
		*user_id = si.user_id;
		*admin = si.admin;
		return 0;
	}
	if (req->auth_via == AUTH_COOKIE) {
		if (!auth_secret_equal(csrf, req->csrf_token)) {
			authz_page(req, z, 403, "This form has expired. Please try again.", true);
			return -1;
		}
		*user_id = req->viewer;
		*admin = req->viewer_admin;
		return 0;
	}
	authz_page(req, z, 401, "Sign in to authorize this application.", false);
	return -1;
}

static void authorize_post(struct http_request *req)
{
	struct authz z;
	if (!auth_same_origin(req)) {
		error_page(req, 403, "This form was sent from another site.");
		return;
	}
	if (authz_read(req, &z) < 0)
		return;
	const char *decision = NULL;
	if (http_param_str(req, "decision", 16, &decision) < 0)
		return;
	if (decision && strcmp(decision, "deny") == 0) {
		authz_redirect(req, &z, NULL, AUTH_OAUTH_ACCESS_DENIED,
			       "The user denied the authorization");
		return;
	}
	int64_t user_id;
	bool admin;
	if (authz_who(req, &z, &user_id, &admin) < 0)
		return;
	if (auth_scopes_admin(z.scope) && !admin) {
		authz_redirect(req, &z, NULL, AUTH_OAUTH_INVALID_SCOPE,
			       "admin scopes can only be granted by an administrator");
		return;
	}
	char code[AUTH_SECRET_LEN];
	if (auth_code_issue(req->app, z.client.id, user_id, z.redirect_uri, z.scope,
			    z.code_challenge, code) < 0) {
		error_page(req, 500, "The server could not store the authorization.");
		return;
	}
	authz_redirect(req, &z, code, AUTH_OAUTH_OK, NULL);
	sodium_memzero(code, sizeof(code));
}

/* --- the token endpoint ---------------------------------------------------------- */

/* Client credentials from HTTP Basic auth (client_secret_basic), if any. */
static void basic_credentials(struct http_request *req, const char **id, const char **secret)
{
	const char *h = http_header(req, "Authorization");
	if (!h || strncasecmp(h, "Basic ", 6) != 0)
		return;
	size_t n = strlen(h + 6);
	char *raw = arena_alloc(req->arena, n + 1);
	size_t len;
	if (n > 1024 || sodium_base642bin((unsigned char *)raw, n, h + 6, n, NULL, &len, NULL,
					  sodium_base64_VARIANT_ORIGINAL) != 0)
		return;
	raw[len] = '\0';
	char *colon = strchr(raw, ':');
	if (!colon || memchr(raw, '\0', len))
		return;
	*colon = '\0';
	*id = raw;
	*secret = colon + 1;
}

/* Identifies the client; secret_required demands client_secret. 0, or -1
 * after answering invalid_client (counted as a failure for the IP). */
static int token_client(struct http_request *req, bool secret_required, struct oauth_app *client,
			bool *authenticated)
{
	const char *id = NULL, *secret = NULL;
	basic_credentials(req, &id, &secret);
	if ((!id && http_param_str(req, "client_id", SECRET_MAX, &id) < 0) ||
	    (!secret && http_param_str(req, "client_secret", SECRET_MAX, &secret) < 0))
		return -1;
	*authenticated = secret != NULL;
	if (!id || (secret_required && !secret) ||
	    auth_app_client(req->app, req->arena, id, secret, client) < 0) {
		auth_signin_ip_failed(req->app, auth_client_ip(req));
		oauth_error(req, AUTH_OAUTH_INVALID_CLIENT,
			    !id ? "client_id is required"
			    : secret_required && !secret
				? "client_secret is required"
				: "Client authentication failed (unknown client or wrong secret)");
		return -1;
	}
	return 0;
}

static void token(struct http_request *req)
{
	unsigned wait = auth_signin_ip_wait(req->app, auth_client_ip(req));
	if (wait) {
		retry_after(req, wait);
		oauth_error(req, AUTH_OAUTH_SLOW_DOWN, "Too many failed attempts; slow down");
		return;
	}
	const char *grant = NULL, *code = NULL, *redirect = NULL, *verifier = NULL;
	const char *refresh = NULL, *scope = NULL;
	if (http_param_str(req, "grant_type", 64, &grant) < 0 ||
	    http_param_str(req, "code", SECRET_MAX, &code) < 0 ||
	    http_param_str(req, "redirect_uri", URI_MAX, &redirect) < 0 ||
	    http_param_str(req, "code_verifier", 256, &verifier) < 0 ||
	    http_param_str(req, "refresh_token", SECRET_MAX, &refresh) < 0 ||
	    http_param_str(req, "scope", AUTH_SCOPES_MAX, &scope) < 0)
		return;
	if (!grant) {
		oauth_error(req, AUTH_OAUTH_INVALID_REQUEST, "grant_type is required");
		return;
	}
	bool is_code = strcmp(grant, "authorization_code") == 0;
	bool is_refresh = strcmp(grant, "refresh_token") == 0;
	bool is_client = strcmp(grant, "client_credentials") == 0;
	if (!is_code && !is_refresh && !is_client) {
		oauth_error(req, AUTH_OAUTH_UNSUPPORTED_GRANT_TYPE,
			    "Supported grant types: authorization_code, refresh_token, "
			    "client_credentials");
		return;
	}
	if ((is_code && !code) || (is_refresh && !refresh)) {
		oauth_error(req, AUTH_OAUTH_INVALID_REQUEST,
			    is_code ? "code is required" : "refresh_token is required");
		return;
	}
	struct oauth_app client;
	bool authenticated;
	if (token_client(req, !is_code, &client, &authenticated) < 0)
		return;
	struct auth_grant g;
	const char *why = NULL;
	enum auth_oauth_err e =
	    is_code ? auth_grant_code(req->app, req->arena, &client, authenticated, code, redirect,
				      verifier, &g, &why)
	    : is_refresh
		? auth_grant_refresh(req->app, req->arena, &client, refresh, scope, &g, &why)
		: auth_grant_client(req->app, &client, scope, &g, &why);
	if (e != AUTH_OAUTH_OK) {
		if (e == AUTH_OAUTH_INVALID_GRANT || e == AUTH_OAUTH_INVALID_CLIENT)
			auth_signin_ip_failed(req->app, auth_client_ip(req));
		oauth_error(req, e, why);
		return;
	}
	write_grant(req, &g);
	sodium_memzero(&g, sizeof(g));
}

static void revoke(struct http_request *req)
{
	const char *tok = NULL, *id = NULL, *secret = NULL;
	basic_credentials(req, &id, &secret);
	if (http_param_str(req, "token", SECRET_MAX, &tok) < 0 ||
	    (!id && http_param_str(req, "client_id", SECRET_MAX, &id) < 0) ||
	    (!secret && http_param_str(req, "client_secret", SECRET_MAX, &secret) < 0))
		return;
	if (!tok) {
		oauth_error(req, AUTH_OAUTH_INVALID_REQUEST, "token is required");
		return;
	}
	struct oauth_app client;
	if (id && (!secret || auth_app_client(req->app, req->arena, id, secret, &client) < 0)) {
		oauth_error(req, AUTH_OAUTH_INVALID_CLIENT,
			    "Client authentication failed (unknown client or wrong secret)");
		return;
	}
	enum auth_oauth_err e = auth_token_revoke(req->app, req->arena, id ? &client : NULL, tok);
	if (e != AUTH_OAUTH_OK) {
		oauth_error(req, e,
			    e == AUTH_OAUTH_UNAUTHORIZED_CLIENT
				? "You are not authorized to revoke this token"
				: "store error");
		return;
	}
	jw_obj_begin(&req->jw);
	jw_obj_end(&req->jw);
	http_json(req, 200);
}

/* --- accounts ------------------------------------------------------------------- */

/* The signed-in account with Mastodon's "source" object spliced in. */
static void verify_credentials(struct http_request *req)
{
	if (req->auth_via == AUTH_TOKEN && !auth_scopes_cover(req->auth_scopes, "read:accounts") &&
	    !auth_scopes_has(req->auth_scopes, "profile")) {
		http_error(req, 403, "This action is outside the authorized scopes");
		return;
	}
	struct user u;
	struct buf acct;
	buf_init(&acct, BUF_MAX_DEFAULT);
	struct jw aw;
	jw_init(&aw, &acct);
	if (store_user_get(store_reader(req->app->store), req->arena, req->viewer, &u) !=
		STORE_OK ||
	    people_render_account(req->app, req->arena, &aw, req->viewer) < 0 || acct.len < 2 ||
	    acct.ptr[acct.len - 1] != '}') {
		buf_free(&acct);
		http_error(req, 404, "Record not found");
		return;
	}
	acct.ptr[--acct.len] = '\0'; /* reopen the object */
	struct buf *out = &req->out;
	buf_append(out, acct.ptr, acct.len);
	buf_puts(out, acct.len > 1 ? ",\"source\":{" : "\"source\":{");
	buf_puts(out, "\"privacy\":\"public\",\"sensitive\":false,\"language\":\"\",\"note\":");
	json_escape(out, u.about ? u.about : "", u.about ? strlen(u.about) : 0);
	buf_puts(out, ",\"fields\":[],\"follow_requests_count\":0}}");
	buf_free(&acct);
	http_json(req, 200);
}

static void register_account(struct http_request *req)
{
	if (!req->app->cfg->registrations_open) {
		http_error(req, 403, "Registrations are closed on this server");
		return;
	}
	if (req->auth_via != AUTH_TOKEN || !req->auth_app_id) {
		http_set_header(req, "WWW-Authenticate", "Bearer");
		http_error(req, 401, "An application token (client_credentials) is required");
		return;
	}
	if (req->viewer) {
		http_error(req, 403, "This method requires an application token, not a user's");
		return;
	}
	struct user u = {0};
	const char *password;
	bool agreement = false;
	if (http_param_require(req, "username", 64, &u.username) < 0 ||
	    http_param_require(req, "email", 320, &u.email) < 0 ||
	    http_param_require(req, "password", AUTH_MAX_PASSWORD, &password) < 0 ||
	    http_param_bool(req, "agreement", &agreement) < 0 ||
	    http_param_str(req, "display_name", 200, &u.display_name) < 0)
		return;
	if (!agreement) {
		http_error(req, 422, "agreement: you must accept the terms (agreement=true)");
		return;
	}
	if (!u.display_name || !*u.display_name)
		u.display_name = u.username;
	int64_t id;
	int status;
	const char *why;
	if (people_user_add(req->app, &u, password, &id, &status, &why) < 0) {
		http_error(req, status, "%s", why);
		return;
	}
	char scopes[AUTH_SCOPES_MAX];
	const char *bad;
	if (auth_scopes_normalize(req->auth_scopes, "read", scopes, sizeof(scopes), &bad) < 0 ||
	    auth_scopes_admin(scopes))
		snprintf(scopes, sizeof(scopes), "read");
	struct auth_grant g;
	struct tx *tx = tx_begin(req->app);
	if (!tx ||
	    auth_grant_issue(req->app, tx_conn(tx), id, req->auth_app_id, scopes, true, &g) < 0) {
		if (tx)
			tx_rollback(tx);
		http_error(req, 500, "account created, but no token could be issued");
		return;
	}
	if (tx_commit(tx) < 0) {
		http_error(req, 500, "account created, but no token could be issued");
		return;
	}
	write_grant(req, &g);
	sodium_memzero(&g, sizeof(g));
}

static const struct route routes[] = {
    {"POST", "/auth/sign_in", sign_in, ROUTE_NO_CSRF, NULL},
    {"GET", "/auth/session", session_get, 0, NULL},
    {"POST", "/auth/sign_out", sign_out, 0, NULL},
    {"POST", "/api/v1/apps", apps_create, ROUTE_NO_CSRF, NULL},
    {"GET", "/api/v1/apps/verify_credentials", apps_verify, 0, NULL},
    {"GET", "/oauth/authorize", authorize_get, 0, NULL},
    {"POST", "/oauth/authorize", authorize_post, ROUTE_NO_CSRF, NULL},
    {"POST", "/oauth/token", token, ROUTE_NO_CSRF, NULL},
    {"POST", "/oauth/revoke", revoke, ROUTE_NO_CSRF, NULL},
    {"GET", "/api/v1/accounts/verify_credentials", verify_credentials, ROUTE_AUTH, NULL},
    {"POST", "/api/v1/accounts", register_account, ROUTE_NO_CSRF, "write"},
};

void api_auth_register(void)
{
	http_routes_add(routes, sizeof(routes) / sizeof(routes[0]));
}
