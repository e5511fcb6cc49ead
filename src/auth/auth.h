/*
 * auth: who is asking — passwords, bearer tokens, browser sessions, CSRF,
 * OAuth 2 for Mastodon clients, and sign-in throttling.
 *
 * Secrets (tokens, session cookies, authorization codes, client secrets)
 * are 32 random bytes in URL-safe base64; the store keeps only their
 * SHA-256, so a copy of the database grants nothing.
 *
 * Files: auth_password.c (argon2id, secrets), auth_scope.c (OAuth scopes,
 * PKCE, redirect URIs — pure functions), auth_throttle.c (failure
 * windows), auth_token.c (issuing and revoking tokens), auth_session.c
 * (browser sessions), auth_signin.c (checking credentials with throttling,
 * setting passwords), auth_oauth.c (applications, codes, grants),
 * auth_page.c (the sign-in and consent page), auth_request.c (the http
 * authenticator: bearer tokens, session cookies, CSRF).
 */
#ifndef MOKA_AUTH_H
#define MOKA_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;
struct arena;
struct buf;
struct config;
struct http_request;
struct oauth_app;
struct session;
struct store_conn;

#define AUTH_SECRET_LEN 44 /* 43 base64url characters + NUL */
#define AUTH_MIN_PASSWORD 12
#define AUTH_MAX_PASSWORD 1024
#define AUTH_SCOPES_MAX 1024 /* bytes of a normalised scope list */
#define AUTH_SESSION_COOKIE "moka_session"
#define AUTH_CSRF_HEADER "X-CSRF-Token"
#define AUTH_CODE_TTL_MS (10 * 60 * 1000)
#define AUTH_THROTTLE_WINDOW_MS (5 * 60 * 1000)

/* --- passwords and secrets (auth_password.c) --------------------------- */

/* Must run once before threads start (sodium_init). 0 or -1. */
int auth_init(unsigned hash_concurrency);

/* argon2id (OWASP minimum: 19 MiB, t=2) in PHC string form into out.
 * Blocks while hash_concurrency hashes already run. 0 or -1. */
int auth_password_hash(const char *password, char *out, size_t out_size);
/* true when password matches the PHC string. Same concurrency cap.
 * A NULL or empty phc still spends the time of one verification, so
 * "no such user" and "wrong password" take as long. */
bool auth_password_verify(const char *phc, const char *password);
/* NULL when acceptable, or the reason it is not (length, NUL bytes). */
const char *auth_password_weak(const char *password);

/* A new random secret (base64url). */
void auth_secret_new(char out[AUTH_SECRET_LEN]);
/* SHA-256 of a secret, for storing and looking up. */
void auth_secret_hash(const char *secret, unsigned char out[32]);
/* Constant-time string equality (false when either is NULL). */
bool auth_secret_equal(const char *a, const char *b);

/* --- scopes, PKCE, redirect URIs (auth_scope.c) ------------------------ */

/*
 * Normalises a scope list (separated by spaces or '+'): every scope must
 * be one Mastodon knows (read, write, follow, push, profile, admin:read,
 * admin:write and their granular forms such as read:statuses); duplicates
 * are dropped, order kept. An empty list becomes dflt. Returns 0, or -1
 * with *bad naming (in out) the first unknown scope.
 */
int auth_scopes_normalize(const char *in, const char *dflt, char *out, size_t out_size,
			  const char **bad);
/* true when every scope of want is granted by have: equal, or want is a
 * granular form of one in have ("read:statuses" under "read"). */
bool auth_scopes_cover(const char *have, const char *want);
/* true when the list holds one scope exactly (no hierarchy). */
bool auth_scopes_has(const char *scopes, const char *one);
/* true when the list asks for any admin:* scope. */
bool auth_scopes_admin(const char *scopes);

/* true for an RFC 7636 code_verifier: 43-128 of [A-Za-z0-9-._~]. */
bool auth_pkce_verifier_valid(const char *verifier);
/* true for an S256 code_challenge: 43 base64url characters. */
bool auth_pkce_challenge_valid(const char *challenge);
/* true when BASE64URL(SHA256(verifier)) equals challenge (constant time). */
bool auth_pkce_s256_ok(const char *verifier, const char *challenge);

#define AUTH_OOB_URI "urn:ietf:wg:oauth:2.0:oob"
/* true for a redirect URI an application may register: the out-of-band
 * URN, or an absolute URI with a scheme, no fragment, no whitespace or
 * control characters, and not javascript:, data:, vbscript: or file:. */
bool auth_redirect_uri_valid(const char *uri);
/* true when uri is exactly one of the lines of registered. */
bool auth_redirect_uri_registered(const char *registered, const char *uri);

/* --- throttling (auth_throttle.c) -------------------------------------- */

/*
 * A sliding-window failure counter per key, in memory: at most
 * max_failures failures per window_ms. Thread-safe. It remembers up to
 * max_keys keys; beyond that it forgets expired keys first, then the key
 * whose last failure is oldest. max_failures 0 disables it.
 */
struct auth_throttle;

struct auth_throttle *auth_throttle_new(unsigned max_failures, int64_t window_ms, size_t max_keys);
void auth_throttle_free(struct auth_throttle *t);
/* 0 when key may try now, else the seconds until it may (>= 1). */
unsigned auth_throttle_check(struct auth_throttle *t, const char *key, int64_t now_ms);
/* Records one failure for key at now_ms. */
void auth_throttle_fail(struct auth_throttle *t, const char *key, int64_t now_ms);
/* Forgets key's failures (after a successful sign-in). */
void auth_throttle_clear(struct auth_throttle *t, const char *key);
/* Number of keys remembered (for tests). */
size_t auth_throttle_size(struct auth_throttle *t);

/* --- the token cache (auth_cache.c) ------------------------------------ */

struct tx;

/* What authenticating a bearer token needs, cached by the token's hash. */
struct auth_cached {
	int64_t token_id, user_id, app_id, expires_at;
	bool admin;
};

/* The current epoch: read it before the store lookup whose answer you cache. */
uint64_t auth_cache_epoch(void);
/* true and *out, scopes filled on a hit made in the current epoch. */
bool auth_cache_get(const unsigned char hash[32], struct auth_cached *out, char *scopes,
		    size_t scopes_size);
void auth_cache_put(const unsigned char hash[32], uint64_t seen_epoch,
		    const struct auth_cached *tok, const char *scopes);
/* Retires every cached token once tx commits: call it in any transaction
 * that revokes tokens or changes whether a user may sign in. */
void auth_cache_flush_after(struct tx *tx);

/* --- tokens (auth_token.c) --------------------------------------------- */

/* Creates an access token for user_id (app_id 0 = none) on the writer
 * connection w (inside a transaction). The token text goes to out. */
int auth_token_create(struct store_conn *w, int64_t user_id, int64_t app_id, const char *scopes,
		      int64_t expires_at, char out[AUTH_SECRET_LEN], int64_t *token_id);

/* What a token endpoint hands out. */
struct auth_grant {
	char access[AUTH_SECRET_LEN];
	char refresh[AUTH_SECRET_LEN]; /* "" when none */
	char scopes[AUTH_SCOPES_MAX];
	int64_t created_at; /* ms */
	int64_t expires_in; /* seconds; 0 = no expiry */
};

/*
 * Issues an access token for user_id (0: the application itself) through
 * app_id, on the writer connection w of the caller's transaction. The
 * access token expires after cfg->access_token_s unless that is 0 or
 * app_id is 0 (tokens for scripts never expire); with_refresh adds a
 * refresh token when the access token expires and a user is named.
 * 0, or -1 with *out wiped.
 */
int auth_grant_issue(struct app *app, struct store_conn *w, int64_t user_id, int64_t app_id,
		     const char *scopes, bool with_refresh, struct auth_grant *out);

/* --- browser sessions (auth_session.c) --------------------------------- */

struct auth_session_new {
	int64_t id;
	char cookie[AUTH_SECRET_LEN];
	char csrf[AUTH_SECRET_LEN];
	int64_t expires_at; /* absolute, ms */
};

/* Starts a session for user_id (expired sessions of that user are purged
 * on the way). 0 or -1. */
int auth_session_start(struct app *app, int64_t user_id, const char *ip, const char *user_agent,
		       struct auth_session_new *out);
/* Ends session id. 0, or -1 when there is no such session. */
int auth_session_end(struct app *app, int64_t id);
/* Looks up a session cookie value: 0 with *s filled when the session
 * exists and is within its idle and absolute limits (its last_seen_at is
 * refreshed, at most once a minute); -1 otherwise. */
int auth_session_lookup(struct app *app, struct arena *a, const char *cookie, struct session *s);
/* The Set-Cookie value for a session cookie (value NULL clears it). */
const char *auth_session_cookie(struct arena *a, const struct config *cfg, const char *value);

/* --- sign-in (auth_signin.c) ------------------------------------------- */

enum auth_signin_rc {
	AUTH_SIGNIN_OK = 0,
	AUTH_SIGNIN_BAD,       /* unknown login, wrong password, or deactivated */
	AUTH_SIGNIN_THROTTLED, /* too many failures: try again in retry_after seconds */
};

struct auth_signin {
	int64_t user_id;
	bool admin;
	unsigned retry_after;
};

/*
 * Checks a login (username, or email when it holds '@') and password for a
 * client at ip, counting failures per IP and per account (see
 * cfg->signin_max_failures). Deactivated accounts fail like a wrong
 * password. Throttled attempts are refused before the password is hashed.
 */
enum auth_signin_rc auth_signin(struct app *app, struct arena *a, const char *ip, const char *login,
				const char *password, struct auth_signin *out);
/* For endpoints that authenticate with something other than a password
 * (the OAuth token endpoint): seconds to wait for ip (0 = go on), and
 * recording one failure for ip. */
unsigned auth_signin_ip_wait(struct app *app, const char *ip);
void auth_signin_ip_failed(struct app *app, const char *ip);
/* Frees the throttle tables (at shutdown; tests). */
void auth_signin_shutdown(void);

/* Sets user_id's password and ends their browser sessions. -1 with *why
 * (weak password, no such user, store error). */
int auth_password_set(struct app *app, int64_t user_id, const char *password, const char **why);

/* --- OAuth 2 (auth_oauth.c) -------------------------------------------- */

/* RFC 6749 error codes; auth_oauth_error_code gives the text, and
 * auth_oauth_error_status the HTTP status. */
enum auth_oauth_err {
	AUTH_OAUTH_OK = 0,
	AUTH_OAUTH_INVALID_REQUEST,
	AUTH_OAUTH_INVALID_CLIENT,
	AUTH_OAUTH_INVALID_GRANT,
	AUTH_OAUTH_UNAUTHORIZED_CLIENT,
	AUTH_OAUTH_UNSUPPORTED_GRANT_TYPE,
	AUTH_OAUTH_INVALID_SCOPE,
	AUTH_OAUTH_ACCESS_DENIED,
	AUTH_OAUTH_SLOW_DOWN, /* throttled (429, with Retry-After) */
	AUTH_OAUTH_SERVER_ERROR,
};

const char *auth_oauth_error_code(enum auth_oauth_err e);
int auth_oauth_error_status(enum auth_oauth_err e);

/* Registers an application. redirect_uris: one per line (validated);
 * scopes normalised (default "read"). The client secret is written to
 * secret once; only its hash is kept. -1 with *why on invalid input
 * (422) or a store error. */
int auth_app_register(struct app *app, struct arena *a, const char *name, const char *website,
		      const char *redirect_uris, const char *scopes, struct oauth_app *out,
		      char secret[AUTH_SECRET_LEN], const char **why);
/* Looks up client_id; when client_secret is not NULL it must match. */
int auth_app_client(struct app *app, struct arena *a, const char *client_id,
		    const char *client_secret, struct oauth_app *out);
int auth_app_get(struct app *app, struct arena *a, int64_t id, struct oauth_app *out);

/* Issues an authorization code for user_id (valid AUTH_CODE_TTL_MS). */
int auth_code_issue(struct app *app, int64_t app_id, int64_t user_id, const char *redirect_uri,
		    const char *scopes, const char *code_challenge, char code[AUTH_SECRET_LEN]);

/*
 * The token endpoint's grants. client is the authenticated application
 * (client_authenticated false when no client_secret was given: only a
 * code with PKCE may then be redeemed). On error, *why says what went
 * wrong in words (error_description).
 */
enum auth_oauth_err auth_grant_code(struct app *app, struct arena *a,
				    const struct oauth_app *client, bool client_authenticated,
				    const char *code, const char *redirect_uri,
				    const char *code_verifier, struct auth_grant *out,
				    const char **why);
enum auth_oauth_err auth_grant_refresh(struct app *app, struct arena *a,
				       const struct oauth_app *client, const char *refresh_token,
				       const char *scope, struct auth_grant *out, const char **why);
enum auth_oauth_err auth_grant_client(struct app *app, const struct oauth_app *client,
				      const char *scope, struct auth_grant *out, const char **why);
/* Revokes an access or refresh token (and its pair). A token of another
 * application is AUTH_OAUTH_UNAUTHORIZED_CLIENT; an unknown one is OK
 * (RFC 7009). client may be NULL for tokens made without an app. */
enum auth_oauth_err auth_token_revoke(struct app *app, struct arena *a,
				      const struct oauth_app *client, const char *token);

/* --- the sign-in and consent page (auth_page.c) ------------------------ */

struct auth_page {
	const char *app_name, *app_website;
	/* the authorization request, carried through the form */
	const char *client_id, *redirect_uri, *scope, *state;
	const char *code_challenge, *code_challenge_method;
	/* the signed-in person (NULL: ask for credentials) and their CSRF token */
	const char *signed_in_as;
	const char *csrf;
	const char *error; /* shown above the form, or NULL */
};

/* Escapes text for HTML element content and quoted attribute values. */
void auth_html_escape(struct buf *out, const char *s);
/* Writes the self-contained consent page (styles carry nonce). */
void auth_page_authorize(struct buf *out, const struct auth_page *p, const char *nonce);
/* Writes the page showing an out-of-band authorization code. */
void auth_page_code(struct buf *out, const char *app_name, const char *code, const char *nonce);
/* Writes a page explaining an error that cannot be sent to the client. */
void auth_page_error(struct buf *out, const char *message, const char *nonce);

/* --- the request authenticator (auth_request.c) ------------------------ */

/* The http authenticator: reads "Authorization: Bearer …", the
 * access_token query parameter (streaming clients) or the session cookie,
 * and fills req->viewer and friends; 401 for bad, expired or revoked
 * tokens or tokens of deactivated users (an invalid cookie is ignored:
 * the request is anonymous); 403 for a cookie-authenticated
 * POST/PUT/PATCH/DELETE without the session's X-CSRF-Token, unless the
 * route is ROUTE_NO_CSRF. */
int auth_authenticate(struct http_request *req);
/* The client's address: req->remote_ip, or with cfg->trust_proxy the last
 * X-Forwarded-For entry (the address the proxy saw). */
const char *auth_client_ip(struct http_request *req);
/* false when the request carries an Origin header naming another site than
 * the Host it was sent to (login CSRF; browsers always send Origin on POST). */
bool auth_same_origin(struct http_request *req);

#endif
