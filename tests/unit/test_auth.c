/* Unit tests for auth: password hashing and policy, secrets and token
 * hashing, PKCE S256, scopes, redirect URIs, the throttle window, and the
 * consent page's escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "core/buf.h"

static int setup(void **state)
{
	return auth_init(2);
}

static void password_hash_and_verify(void **state)
{
	char phc[256];
	assert_int_equal(auth_password_hash("correct horse battery staple", phc, sizeof(phc)), 0);
	/* argon2id at OWASP's minimum: 19 MiB, two passes, PHC string form */
	assert_non_null(strstr(phc, "$argon2id$v=19$m=19456,t=2,p=1$"));
	assert_true(auth_password_verify(phc, "correct horse battery staple"));
	assert_false(auth_password_verify(phc, "correct horse battery stapl"));
	assert_false(auth_password_verify(phc, ""));
	char phc2[256];
	assert_int_equal(auth_password_hash("correct horse battery staple", phc2, sizeof(phc2)), 0);
	assert_string_not_equal(phc, phc2);			/* salted */
	assert_int_equal(auth_password_hash("x", phc, 16), -1); /* output too small */
}

static void password_verify_without_hash(void **state)
{
	/* no account (NULL) or no password set (""): always false, never a crash */
	assert_false(auth_password_verify(NULL, "correct horse battery staple"));
	assert_false(auth_password_verify("", "correct horse battery staple"));
	assert_false(auth_password_verify("$argon2id$garbage", "correct horse battery staple"));
}

static void weak_passwords(void **state)
{
	assert_non_null(auth_password_weak(""));
	assert_non_null(auth_password_weak("elevenchars"));
	assert_null(auth_password_weak("twelve chars"));
	/* length counts characters, not bytes: 11 × 'é' is 22 bytes but too short */
	assert_non_null(auth_password_weak("ééééééééééé"));
	assert_null(auth_password_weak("éééééééééééé"));
	assert_non_null(auth_password_weak("aaaaaaaaaaaaaaaa"));
	assert_non_null(auth_password_weak("tab\tinside password"));
	char big[AUTH_MAX_PASSWORD + 2];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[0] = 'b';
	assert_non_null(auth_password_weak(big));
	big[AUTH_MAX_PASSWORD] = '\0';
	assert_null(auth_password_weak(big));
}

static void secrets_and_token_hashing(void **state)
{
	char a[AUTH_SECRET_LEN], b[AUTH_SECRET_LEN];
	auth_secret_new(a);
	auth_secret_new(b);
	assert_int_equal(strlen(a), 43);
	assert_string_not_equal(a, b);
	for (const char *p = a; *p; p++)
		assert_non_null(
		    strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *p));
	/* tokens are stored as SHA-256: check against the FIPS 180-2 vector */
	unsigned char h[32], h2[32];
	auth_secret_hash("abc", h);
	static const unsigned char abc[32] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
					      0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
					      0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
					      0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
	assert_memory_equal(h, abc, 32);
	auth_secret_hash(a, h);
	auth_secret_hash(a, h2);
	assert_memory_equal(h, h2, 32);
	auth_secret_hash(b, h2);
	assert_memory_not_equal(h, h2, 32);
	assert_true(auth_secret_equal(a, a));
	assert_false(auth_secret_equal(a, b));
	assert_false(auth_secret_equal(a, NULL));
	assert_false(auth_secret_equal("abc", "abcd"));
}

static void pkce_s256(void **state)
{
	/* RFC 7636, appendix B */
	const char *verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
	const char *challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
	assert_true(auth_pkce_challenge_valid(challenge));
	assert_true(auth_pkce_verifier_valid(verifier));
	assert_true(auth_pkce_s256_ok(verifier, challenge));
	assert_false(auth_pkce_s256_ok("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXK", challenge));
	assert_false(auth_pkce_s256_ok(verifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cN"));
	/* "plain" would pass the verifier itself as the challenge: refused */
	assert_false(auth_pkce_s256_ok(verifier, verifier));
	assert_false(auth_pkce_verifier_valid("short"));
	assert_false(auth_pkce_verifier_valid("dBjftJeZ4CVP+mB92K27uhbUJU1p1r/wW1gFWFOEjXk"));
	char longv[130];
	memset(longv, 'a', 129);
	longv[129] = '\0';
	assert_false(auth_pkce_verifier_valid(longv));
	longv[128] = '\0';
	assert_true(auth_pkce_verifier_valid(longv));
	assert_false(auth_pkce_challenge_valid("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c="));
	assert_false(auth_pkce_challenge_valid(NULL));
}

static void scope_parsing(void **state)
{
	char out[AUTH_SCOPES_MAX];
	const char *bad;
	assert_int_equal(auth_scopes_normalize("read write follow", NULL, out, sizeof(out), &bad),
			 0);
	assert_string_equal(out, "read write follow");
	assert_int_equal(
	    auth_scopes_normalize("  read+read write:statuses read ", NULL, out, sizeof(out), &bad),
	    0);
	assert_string_equal(out, "read write:statuses");
	assert_int_equal(auth_scopes_normalize("", "read", out, sizeof(out), &bad), 0);
	assert_string_equal(out, "read");
	assert_int_equal(auth_scopes_normalize(NULL, "read", out, sizeof(out), &bad), 0);
	assert_string_equal(out, "read");
	assert_int_equal(auth_scopes_normalize("read bogus write", NULL, out, sizeof(out), &bad),
			 -1);
	assert_string_equal(bad, "bogus");
	assert_int_equal(auth_scopes_normalize("admin", NULL, out, sizeof(out), &bad), -1);
	assert_int_equal(auth_scopes_normalize("read:everything", NULL, out, sizeof(out), &bad),
			 -1);
	assert_int_equal(
	    auth_scopes_normalize("admin:read:accounts push profile", NULL, out, sizeof(out), &bad),
	    0);
	assert_string_equal(out, "admin:read:accounts push profile");
	char tiny[8];
	assert_int_equal(auth_scopes_normalize("read write", NULL, tiny, sizeof(tiny), &bad), -1);

	assert_true(auth_scopes_cover("read write", "read:statuses write"));
	assert_true(auth_scopes_cover("read write follow", "read"));
	assert_false(auth_scopes_cover("read:statuses", "read"));
	assert_false(auth_scopes_cover("read", "write"));
	assert_false(auth_scopes_cover("read", "readx"));
	assert_true(auth_scopes_cover("read", ""));
	assert_true(auth_scopes_cover("admin:read", "admin:read:accounts"));
	assert_true(auth_scopes_admin("read admin:write"));
	assert_false(auth_scopes_admin("read write"));
	assert_true(auth_scopes_has("read profile", "profile"));
	assert_false(auth_scopes_has("read:accounts", "read"));
}

static void redirect_uris(void **state)
{
	assert_true(auth_redirect_uri_valid("urn:ietf:wg:oauth:2.0:oob"));
	assert_true(auth_redirect_uri_valid("https://app.example/callback?x=1"));
	assert_true(auth_redirect_uri_valid("http://127.0.0.1:8765/cb"));
	assert_true(auth_redirect_uri_valid("com.example.app:/oauth"));
	assert_true(auth_redirect_uri_valid("myapp://auth"));
	assert_false(auth_redirect_uri_valid("javascript:alert(1)"));
	assert_false(auth_redirect_uri_valid("JavaScript:alert(1)"));
	assert_false(auth_redirect_uri_valid("data:text/html,x"));
	assert_false(auth_redirect_uri_valid("https://app.example/cb#frag"));
	assert_false(auth_redirect_uri_valid("/relative"));
	assert_false(auth_redirect_uri_valid("https:///nohost"));
	assert_false(auth_redirect_uri_valid("https://a b/"));
	assert_false(auth_redirect_uri_valid("https://a\"><script>/"));
	assert_false(auth_redirect_uri_valid(""));
	const char *reg = "https://a.example/cb\nurn:ietf:wg:oauth:2.0:oob";
	assert_true(auth_redirect_uri_registered(reg, "https://a.example/cb"));
	assert_true(auth_redirect_uri_registered(reg, "urn:ietf:wg:oauth:2.0:oob"));
	assert_false(auth_redirect_uri_registered(reg, "https://a.example/c"));
	assert_false(auth_redirect_uri_registered(reg, "https://a.example/cb/x"));
	assert_false(auth_redirect_uri_registered(reg, ""));
}

static void throttle_window(void **state)
{
	struct auth_throttle *t = auth_throttle_new(3, 1000, 100);
	assert_int_equal(auth_throttle_check(t, "ip:1", 0), 0);
	auth_throttle_fail(t, "ip:1", 0);
	auth_throttle_fail(t, "ip:1", 10);
	assert_int_equal(auth_throttle_check(t, "ip:1", 20), 0); /* 2 of 3 */
	auth_throttle_fail(t, "ip:1", 20);
	assert_int_equal(auth_throttle_check(t, "ip:1", 30), 1); /* full: wait for t=1000 */
	assert_int_equal(auth_throttle_check(t, "ip:2", 30), 0); /* other keys unaffected */
	assert_int_equal(auth_throttle_check(t, "ip:1", 999), 1);
	assert_int_equal(auth_throttle_check(t, "ip:1", 1000), 0); /* the oldest left the window */
	auth_throttle_fail(t, "ip:1", 1000);			   /* window now 10, 20, 1000 */
	assert_int_equal(auth_throttle_check(t, "ip:1", 1000), 1);
	assert_int_equal(auth_throttle_check(t, "ip:1", 1010), 0);
	auth_throttle_clear(t, "ip:1");
	auth_throttle_fail(t, "ip:1", 1010);
	assert_int_equal(auth_throttle_check(t, "ip:1", 1010), 0);
	auth_throttle_free(t);

	/* Retry-After in whole seconds, rounded up */
	t = auth_throttle_new(1, 300000, 100);
	auth_throttle_fail(t, "acct:1", 5000);
	assert_int_equal(auth_throttle_check(t, "acct:1", 5001), 300);
	assert_int_equal(auth_throttle_check(t, "acct:1", 304001), 1);
	assert_int_equal(auth_throttle_check(t, "acct:1", 305000), 0);
	auth_throttle_free(t);

	/* 0 failures allowed means "off" */
	t = auth_throttle_new(0, 1000, 10);
	auth_throttle_fail(t, "k", 0);
	assert_int_equal(auth_throttle_check(t, "k", 0), 0);
	auth_throttle_free(t);
}

static void throttle_bounded(void **state)
{
	struct auth_throttle *t = auth_throttle_new(2, 1000, 3);
	char key[16];
	for (int i = 0; i < 10; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		auth_throttle_fail(t, key, 100 + i);
		assert_true(auth_throttle_size(t) <= 3);
	}
	/* the stalest keys went first: the newest survive */
	auth_throttle_fail(t, "k9", 120);
	assert_int_equal(auth_throttle_check(t, "k9", 121), 1);
	/* expired keys are dropped before live ones */
	auth_throttle_fail(t, "late", 5000);
	assert_int_equal(auth_throttle_size(t), 1);
	auth_throttle_free(t);
}

static void page_escaping(void **state)
{
	struct buf b;
	buf_init(&b, 0);
	auth_html_escape(&b, "<script>alert(\"x\")</script>&'");
	assert_string_equal(b.ptr, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;");
	buf_reset(&b);
	struct auth_page p = {
	    .app_name = "<img src=x onerror=alert(1)>",
	    .client_id = "cid",
	    .redirect_uri = "https://a.example/cb",
	    .scope = "read write",
	    .state = "\"><script>",
	    .error = "<b>bad</b>",
	};
	auth_page_authorize(&b, &p, "NONCE");
	assert_null(strstr(b.ptr, "<img"));
	assert_null(strstr(b.ptr, "<script"));
	assert_null(strstr(b.ptr, "<b>"));
	assert_non_null(strstr(b.ptr, "&lt;img src=x onerror=alert(1)&gt;"));
	assert_non_null(strstr(b.ptr, "name=\"state\" value=\"&quot;&gt;&lt;script&gt;\""));
	assert_non_null(strstr(b.ptr, "<style nonce=\"NONCE\">"));
	assert_non_null(strstr(b.ptr, "name=\"password\""));
	assert_non_null(strstr(b.ptr, "<li>write</li>"));
	buf_reset(&b);
	p.signed_in_as = "Ann <ann>";
	p.csrf = "TOKEN";
	auth_page_authorize(&b, &p, "N");
	assert_null(strstr(b.ptr, "name=\"password\""));
	assert_non_null(strstr(b.ptr, "name=\"csrf_token\" value=\"TOKEN\""));
	assert_non_null(strstr(b.ptr, "Ann &lt;ann&gt;"));
	buf_free(&b);
}

/* The token cache serves only entries made in the current epoch. */
static void token_cache_epochs(void **state)
{
	unsigned char h1[32], h2[32];
	auth_secret_hash("token-one", h1);
	auth_secret_hash("token-two", h2);
	struct auth_cached tok = {.token_id = 7, .user_id = 42, .app_id = 3, .admin = true};
	struct auth_cached got;
	char scopes[128];
	uint64_t e = auth_cache_epoch();
	assert_false(auth_cache_get(h1, &got, scopes, sizeof(scopes)));
	auth_cache_put(h1, e, &tok, "read write");
	assert_true(auth_cache_get(h1, &got, scopes, sizeof(scopes)));
	assert_int_equal(got.user_id, 42);
	assert_int_equal(got.token_id, 7);
	assert_true(got.admin);
	assert_string_equal(scopes, "read write");
	assert_false(auth_cache_get(h2, &got, scopes, sizeof(scopes)));
	/* an entry made from a lookup that began before a flush is never served */
	auth_cache_put(h2, e - 1, &tok, "read");
	assert_false(auth_cache_get(h2, &got, scopes, sizeof(scopes)));
	/* scopes too long to cache are not cached */
	char long_scopes[200];
	memset(long_scopes, 'r', sizeof(long_scopes) - 1);
	long_scopes[sizeof(long_scopes) - 1] = '\0';
	auth_cache_put(h2, e, &tok, long_scopes);
	assert_false(auth_cache_get(h2, &got, scopes, sizeof(scopes)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(password_hash_and_verify),
	    cmocka_unit_test(password_verify_without_hash),
	    cmocka_unit_test(weak_passwords),
	    cmocka_unit_test(secrets_and_token_hashing),
	    cmocka_unit_test(pkce_s256),
	    cmocka_unit_test(scope_parsing),
	    cmocka_unit_test(redirect_uris),
	    cmocka_unit_test(throttle_window),
	    cmocka_unit_test(throttle_bounded),
	    cmocka_unit_test(page_escaping),
	    cmocka_unit_test(token_cache_epochs),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
