/*
 * store_auth: access tokens (only their SHA-256 is stored).
 */
#ifndef MOKA_STORE_AUTH_H
#define MOKA_STORE_AUTH_H

#include <stdint.h>

struct store_conn;
struct arena;

struct token {
	int64_t id;
	const char *kind;   /* "access" or "refresh" */
	int64_t user_id;    /* 0 for app-only (client_credentials) tokens */
	int64_t app_id;
	const char *scopes;
	int64_t pair_id;
	int64_t created_at, expires_at, revoked_at;
};

int store_token_insert(struct store_conn *w, const unsigned char hash[32], const struct token *t,
		       int64_t *id);
int store_token_by_hash(struct store_conn *c, struct arena *a, const unsigned char hash[32],
			struct token *t);
int store_token_revoke(struct store_conn *w, int64_t id);
/* Revokes every token of a user (deactivation). */
int store_token_revoke_user(struct store_conn *w, int64_t user_id);

#endif
