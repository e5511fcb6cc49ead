/*
 * auth_signin: checking a login and password, with throttling, and
 * setting passwords.
 *
 * Failures are counted in memory (auth_throttle) under two keys per
 * attempt: "ip:ADDRESS" and "acct:USER_ID" (or "login:NAME" when no such
 * account exists, so probing unknown names is counted too). Either key
 * past cfg->signin_max_failures in AUTH_THROTTLE_WINDOW_MS blocks the
 * attempt before any hashing. A successful sign-in clears the account's
 * key, not the IP's.
 */
#include "auth/auth.h"
#include "app/app.h"
#include "core/arena.h"
#include "core/clock.h"
#include "store/store.h"

#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define THROTTLE_MAX_KEYS 200000

static pthread_mutex_t throttle_lock = PTHREAD_MUTEX_INITIALIZER;
static struct auth_throttle *throttle;

static struct auth_throttle *get_throttle(struct app *app)
{
	pthread_mutex_lock(&throttle_lock);
	if (!throttle)
		throttle = auth_throttle_new(app->cfg->signin_max_failures, AUTH_THROTTLE_WINDOW_MS,
					     THROTTLE_MAX_KEYS);
	struct auth_throttle *t = throttle;
	pthread_mutex_unlock(&throttle_lock);
	return t;
}

void auth_signin_shutdown(void)
{
	pthread_mutex_lock(&throttle_lock);
	auth_throttle_free(throttle);
	throttle = NULL;
	pthread_mutex_unlock(&throttle_lock);
}

unsigned auth_signin_ip_wait(struct app *app, const char *ip)
{
	char key[80];
	snprintf(key, sizeof(key), "ip:%s", ip ? ip : "-");
	return auth_throttle_check(get_throttle(app), key, clock_now_ms());
}

void auth_signin_ip_failed(struct app *app, const char *ip)
{
	char key[80];
	snprintf(key, sizeof(key), "ip:%s", ip ? ip : "-");
	auth_throttle_fail(get_throttle(app), key, clock_now_ms());
}

/* The account key: the user id when the login names an account, else the
 * lower-cased login itself (at most 128 bytes of it). */
static void account_key(char *key, size_t size, const struct user *u, const char *login)
{
	if (u) {
		snprintf(key, size, "acct:%lld", (long long)u->id);
		return;
	}
	size_t n = (size_t)snprintf(key, size, "login:%.128s", login);
	for (size_t i = 6; i < n && i < size; i++)
		key[i] = (char)tolower((unsigned char)key[i]);
}

enum auth_signin_rc auth_signin(struct app *app, struct arena *a, const char *ip, const char *login,
				const char *password, struct auth_signin *out)
{
	memset(out, 0, sizeof(*out));
	struct auth_throttle *t = get_throttle(app);
	struct store_conn *c = store_reader(app->store);
	struct user u;
	bool found = strchr(login, '@') ? store_user_by_email(c, a, login, &u) == STORE_OK
					: store_user_by_username(c, a, login, &u) == STORE_OK;
	char ip_key[80], acct_key[160];
	snprintf(ip_key, sizeof(ip_key), "ip:%s", ip ? ip : "-");
	account_key(acct_key, sizeof(acct_key), found ? &u : NULL, login);
	int64_t now = clock_now_ms();
	unsigned wait_ip = auth_throttle_check(t, ip_key, now);
	unsigned wait_acct = auth_throttle_check(t, acct_key, now);
	if (wait_ip || wait_acct) {
		out->retry_after = wait_ip > wait_acct ? wait_ip : wait_acct;
		return AUTH_SIGNIN_THROTTLED;
	}
	/* without an account, verify against a dummy hash: the same time either way */
	bool ok = auth_password_verify(found ? u.password_hash : NULL, password);
	if (!ok || !found || !u.active) {
		now = clock_now_ms();
		auth_throttle_fail(t, ip_key, now);
		auth_throttle_fail(t, acct_key, now);
		return AUTH_SIGNIN_BAD;
	}
	auth_throttle_clear(t, acct_key);
	out->user_id = u.id;
	out->admin = u.role && strcmp(u.role, "admin") == 0;
	return AUTH_SIGNIN_OK;
}

int auth_password_set(struct app *app, int64_t user_id, const char *password, const char **why)
{
	if ((*why = auth_password_weak(password)))
		return -1;
	char phc[256];
	if (auth_password_hash(password, phc, sizeof(phc)) < 0) {
		*why = "cannot hash the password";
		return -1;
	}
	struct tx *tx = tx_begin(app);
	int rc = tx ? store_user_set_password(tx_conn(tx), user_id, phc) : STORE_ERROR;
	sodium_memzero(phc, sizeof(phc));
	if (rc == STORE_OK)
		rc = store_session_delete_user(tx_conn(tx), user_id);
	if (rc != STORE_OK) {
		if (tx)
			tx_rollback(tx);
		*why = rc == STORE_NOT_FOUND ? "no such user" : "store error";
		return -1;
	}
	if (tx_commit(tx) < 0) {
		*why = "commit failed";
		return -1;
	}
	return 0;
}
