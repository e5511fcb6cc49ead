/*
 * auth_session: browser sessions. The cookie holds a random secret; the
 * store keeps its SHA-256, the user, a CSRF token, and the times that
 * bound the session: an absolute expiry (cfg->session_max_s after sign-in)
 * and an idle limit (cfg->session_idle_s after the last request; the last
 * request time is written at most once a minute).
 */
#include "auth/auth.h"
#include "events/events.h"
#include "app/app.h"
#include "core/arena.h"
#include "core/clock.h"
#include "store/store.h"

#include <sodium.h>
#include <string.h>

#define TOUCH_EVERY_MS 60000

int auth_session_start(struct app *app, int64_t user_id, const char *ip, const char *user_agent,
		       struct auth_session_new *out)
{
	const struct config *cfg = app->cfg;
	int64_t now = clock_now_ms();
	auth_secret_new(out->cookie);
	auth_secret_new(out->csrf);
	out->expires_at = now + (int64_t)cfg->session_max_s * 1000;
	unsigned char hash[32];
	auth_secret_hash(out->cookie, hash);
	struct session s = {
	    .user_id = user_id,
	    .csrf = out->csrf,
	    .created_at = now,
	    .last_seen_at = now,
	    .expires_at = out->expires_at,
	    .ip = ip,
	    .user_agent = user_agent && strlen(user_agent) <= 512 ? user_agent : NULL,
	};
	struct tx *tx = tx_begin(app);
	if (!tx)
		goto fail;
	struct store_conn *w = tx_conn(tx);
	if (store_session_purge_user(w, user_id, now, (int64_t)cfg->session_idle_s * 1000) !=
		STORE_OK ||
	    store_session_insert(w, hash, &s, &out->id) != STORE_OK) {
		tx_rollback(tx);
		goto fail;
	}
	if (tx_commit(tx) < 0)
		goto fail;
	return 0;
fail:
	sodium_memzero(out, sizeof(*out));
	return -1;
}

int auth_session_end(struct app *app, int64_t id)
{
	struct tx *tx = tx_begin(app);
	if (!tx)
		return -1;
	if (store_session_delete(tx_conn(tx), id) != STORE_OK) {
		tx_rollback(tx);
		return -1;
	}
	struct event ev = {
	    .type = EVENT_CREDENTIAL_REVOKED, .credential_id = id, .credential_cookie = true};
	tx_publish(tx, &ev); /* live streams of this session end with it */
	return tx_commit(tx);
}

int auth_session_lookup(struct app *app, struct arena *a, const char *cookie, struct session *s)
{
	if (!cookie || strlen(cookie) != AUTH_SECRET_LEN - 1)
		return -1;
	unsigned char hash[32];
	auth_secret_hash(cookie, hash);
	if (store_session_by_hash(store_reader(app->store), a, hash, s) != STORE_OK)
		return -1;
	int64_t now = clock_now_ms();
	int64_t idle_ms = (int64_t)app->cfg->session_idle_s * 1000;
	if (s->expires_at <= now || s->last_seen_at + idle_ms <= now)
		return -1;
	if (now - s->last_seen_at >= TOUCH_EVERY_MS) {
		struct tx *tx = tx_begin(app);
		int rc = tx ? store_session_touch(tx_conn(tx), s->id, now) : STORE_ERROR;
		if (rc == STORE_OK)
			tx_commit(tx);
		else if (tx)
			tx_rollback(tx);
		if (rc == STORE_NOT_FOUND)
			return -1; /* ended a moment ago */
		s->last_seen_at = now;
	}
	return 0;
}

const char *auth_session_cookie(struct arena *a, const struct config *cfg, const char *value)
{
	return arena_printf(a, "%s=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%u%s",
			    AUTH_SESSION_COOKIE, value ? value : "", value ? cfg->session_max_s : 0,
			    cfg->secure_cookies ? "; Secure" : "");
}
