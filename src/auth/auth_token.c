/*
 * auth_token: issuing access and refresh tokens. Only the SHA-256 of a
 * token is stored; the token text exists in the response that hands it
 * out and nowhere else.
 */
#include "auth/auth.h"
#include "app/app.h"
#include "core/clock.h"
#include "store/store.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

int auth_token_create(struct store_conn *w, int64_t user_id, int64_t app_id, const char *scopes,
		      int64_t expires_at, char out[AUTH_SECRET_LEN], int64_t *token_id)
{
	unsigned char hash[32];
	auth_secret_new(out);
	auth_secret_hash(out, hash);
	struct token t = {.kind = "access",
			  .user_id = user_id,
			  .app_id = app_id,
			  .scopes = scopes,
			  .expires_at = expires_at};
	return store_token_insert(w, hash, &t, token_id) == STORE_OK ? 0 : -1;
}

int auth_grant_issue(struct app *app, struct store_conn *w, int64_t user_id, int64_t app_id,
		     const char *scopes, bool with_refresh, struct auth_grant *out)
{
	memset(out, 0, sizeof(*out));
	out->created_at = clock_now_ms();
	snprintf(out->scopes, sizeof(out->scopes), "%s", scopes);
	unsigned lifetime = app_id ? app->cfg->access_token_s : 0;
	int64_t expires_at = lifetime ? out->created_at + (int64_t)lifetime * 1000 : 0;
	int64_t access_id;
	if (auth_token_create(w, user_id, app_id, scopes, expires_at, out->access, &access_id) < 0)
		goto fail;
	out->expires_in = lifetime;
	if (with_refresh && lifetime && user_id) {
		unsigned char hash[32];
		auth_secret_new(out->refresh);
		auth_secret_hash(out->refresh, hash);
		struct token r = {.kind = "refresh",
				  .user_id = user_id,
				  .app_id = app_id,
				  .scopes = scopes,
				  .pair_id = access_id,
				  .created_at = out->created_at};
		if (store_token_insert(w, hash, &r, NULL) != STORE_OK)
			goto fail;
	}
	return 0;
fail:
	sodium_memzero(out, sizeof(*out));
	return -1;
}
