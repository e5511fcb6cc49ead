/*
 * store_auth: who is asking — OAuth applications, access and refresh
 * tokens, authorization codes and browser sessions.
 *
 * Secrets are never stored: tokens, codes, session cookies and client
 * secrets are kept as their SHA-256 (32 bytes) and looked up by it.
 * Times are milliseconds since the epoch; 0 means "none".
 */
#ifndef MOKA_STORE_AUTH_H
#define MOKA_STORE_AUTH_H

#include <stdbool.h>
#include <stdint.h>

struct store_conn;
struct arena;

/* --- access and refresh tokens ---------------------------------------- */

struct token {
	int64_t id;
	const char *kind; /* "access" or "refresh" */
	int64_t user_id;  /* 0 for app-only (client_credentials) tokens */
	int64_t app_id;	  /* 0 for tokens made by `moka token create` */
	const char *scopes;
	int64_t pair_id; /* a refresh token's access token */
	int64_t created_at, expires_at, revoked_at;
};

int store_token_insert(struct store_conn *w, const unsigned char hash[32], const struct token *t,
		       int64_t *id);
/* STORE_NOT_FOUND when no token has that hash (revoked ones are returned). */
int store_token_by_hash(struct store_conn *c, struct arena *a, const unsigned char hash[32],
			struct token *t);
/* Revokes token id and every token whose pair_id is id. */
int store_token_revoke(struct store_conn *w, int64_t id);
/* Revokes every token of a user and ends every session of theirs
 * (deactivation). */
int store_token_revoke_user(struct store_conn *w, int64_t user_id);

/* --- OAuth applications ------------------------------------------------- */

struct oauth_app {
	int64_t id;
	const char *name;
	const char *website;	   /* NULL when none */
	const char *redirect_uris; /* one per line */
	const char *scopes;	   /* space-separated, normalised */
	const char *client_id;
	unsigned char secret_hash[32];
	int64_t created_at;
};

int store_app_insert(struct store_conn *w, const struct oauth_app *app, int64_t *id);
int store_app_get(struct store_conn *c, struct arena *a, int64_t id, struct oauth_app *app);
int store_app_by_client_id(struct store_conn *c, struct arena *a, const char *client_id,
			   struct oauth_app *app);

/* --- authorization codes ------------------------------------------------ */

struct auth_code {
	int64_t app_id, user_id;
	const char *redirect_uri;
	const char *scopes;
	const char *code_challenge;	   /* NULL without PKCE */
	const char *code_challenge_method; /* "S256" or NULL */
	int64_t expires_at;
	bool used;
};

int store_code_insert(struct store_conn *w, const unsigned char hash[32],
		      const struct auth_code *code);
/* Reads the code and marks it used (so it can be redeemed only once);
 * code->used tells whether it had been used before. */
int store_code_take(struct store_conn *w, struct arena *a, const unsigned char hash[32],
		    struct auth_code *code);
/* Deletes codes that expired before now. */
int store_code_purge(struct store_conn *w, int64_t now);

/* --- browser sessions --------------------------------------------------- */

struct session {
	int64_t id, user_id;
	const char *csrf;
	int64_t created_at, last_seen_at, expires_at; /* expires_at: absolute */
	const char *ip, *user_agent;
};

int store_session_insert(struct store_conn *w, const unsigned char hash[32],
			 const struct session *s, int64_t *id);
int store_session_by_hash(struct store_conn *c, struct arena *a, const unsigned char hash[32],
			  struct session *s);
int store_session_touch(struct store_conn *w, int64_t id, int64_t now);
int store_session_delete(struct store_conn *w, int64_t id);
int store_session_delete_user(struct store_conn *w, int64_t user_id);
/* Deletes the user's sessions past their absolute expiry or idle for idle_ms. */
int store_session_purge_user(struct store_conn *w, int64_t user_id, int64_t now, int64_t idle_ms);

#endif
