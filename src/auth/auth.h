/*
 * auth: who is asking — passwords, bearer tokens, browser sessions, CSRF,
 * OAuth 2 for Mastodon clients, and sign-in throttling.
 *
 * Secrets (tokens, session cookies, authorization codes) are 32 random
 * bytes in URL-safe base64; the store keeps only their SHA-256.
 */
#ifndef MOKA_AUTH_H
#define MOKA_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;
struct http_request;
struct store_conn;

#define AUTH_SECRET_LEN 44 /* 43 base64url characters + NUL */
#define AUTH_MIN_PASSWORD 12
#define AUTH_MAX_PASSWORD 1024

/* Must run once before threads start (sodium_init). 0 or -1. */
int auth_init(unsigned hash_concurrency);

/* argon2id (OWASP minimum: 19 MiB, t=2) in PHC string form into out.
 * Blocks while hash_concurrency hashes already run. 0 or -1. */
int auth_password_hash(const char *password, char *out, size_t out_size);
/* true when password matches the PHC string. Same concurrency cap. */
bool auth_password_verify(const char *phc, const char *password);
/* NULL when acceptable, or the reason it is not. */
const char *auth_password_weak(const char *password);

/* A new random secret (base64url). */
void auth_secret_new(char out[AUTH_SECRET_LEN]);
/* SHA-256 of a secret, for storing and looking up. */
void auth_secret_hash(const char *secret, unsigned char out[32]);

/* Creates an access token for user_id (app_id 0 = none) on the writer
 * connection w (inside a transaction). The token text goes to out. */
int auth_token_create(struct store_conn *w, int64_t user_id, int64_t app_id,
		      const char *scopes, int64_t expires_at, char out[AUTH_SECRET_LEN],
		      int64_t *token_id);

/* The http authenticator: reads "Authorization: Bearer …" or the session
 * cookie, fills req->viewer and friends; 401 for bad, expired or revoked
 * credentials or deactivated users; 403 for a cookie-authenticated write
 * without the session's CSRF token. Anonymous requests pass with viewer 0. */
int auth_authenticate(struct http_request *req);

#endif
