/*
 * auth_scope: OAuth scopes as Mastodon defines them, PKCE (RFC 7636, S256
 * only) and the redirect URIs an application may register. Pure functions
 * over strings, no I/O.
 */
#include "auth/auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Mastodon's scopes (the top-level ones and their granular forms). */
static const char *const known_scopes[] = {
    "read",
    "write",
    "follow",
    "push",
    "profile",
    "read:accounts",
    "read:blocks",
    "read:bookmarks",
    "read:favourites",
    "read:filters",
    "read:follows",
    "read:lists",
    "read:mutes",
    "read:notifications",
    "read:search",
    "read:statuses",
    "write:accounts",
    "write:blocks",
    "write:bookmarks",
    "write:conversations",
    "write:favourites",
    "write:filters",
    "write:follows",
    "write:lists",
    "write:media",
    "write:mutes",
    "write:notifications",
    "write:reports",
    "write:statuses",
    "admin:read",
    "admin:read:accounts",
    "admin:read:reports",
    "admin:read:domain_allows",
    "admin:read:domain_blocks",
    "admin:read:ip_blocks",
    "admin:read:email_domain_blocks",
    "admin:read:canonical_email_blocks",
    "admin:write",
    "admin:write:accounts",
    "admin:write:reports",
    "admin:write:domain_allows",
    "admin:write:domain_blocks",
    "admin:write:ip_blocks",
    "admin:write:email_domain_blocks",
    "admin:write:canonical_email_blocks",
};

static bool scope_known(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(known_scopes) / sizeof(known_scopes[0]); i++)
		if (strlen(known_scopes[i]) == n && memcmp(known_scopes[i], s, n) == 0)
			return true;
	return false;
}

static bool is_sep(char c)
{
	return c == ' ' || c == '+' || c == '\t' || c == '\n' || c == '\r' || c == ',';
}

/* The next scope in *p (advancing it): its start and length, or NULL at the end. */
static const char *next_scope(const char **p, size_t *n)
{
	const char *s = *p;
	while (*s && is_sep(*s))
		s++;
	if (!*s) {
		*p = s;
		return NULL;
	}
	const char *e = s;
	while (*e && !is_sep(*e))
		e++;
	*n = (size_t)(e - s);
	*p = e;
	return s;
}

/* true when the scope [s, s+n) appears exactly in list. */
static bool list_has(const char *list, const char *s, size_t n)
{
	const char *p = list, *t;
	size_t m;
	while ((t = next_scope(&p, &m)))
		if (m == n && memcmp(t, s, n) == 0)
			return true;
	return false;
}

int auth_scopes_normalize(const char *in, const char *dflt, char *out, size_t out_size,
			  const char **bad)
{
	const char *p = in ? in : "", *s;
	size_t n, len = 0;
	out[0] = '\0';
	*bad = NULL;
	while ((s = next_scope(&p, &n))) {
		if (!scope_known(s, n)) {
			/* name the offender (truncated) in out so the caller can quote it */
			snprintf(out, out_size, "%.*s", (int)(n > 64 ? 64 : n), s);
			*bad = out;
			return -1;
		}
		if (list_has(out, s, n))
			continue;
		if (len + n + 2 > out_size) {
			snprintf(out, out_size, "(too many scopes)");
			*bad = out;
			return -1;
		}
		if (len)
			out[len++] = ' ';
		memcpy(out + len, s, n);
		len += n;
		out[len] = '\0';
	}
	if (len == 0 && dflt)
		return auth_scopes_normalize(dflt, NULL, out, out_size, bad);
	return 0;
}

/* true when one granted scope g covers the wanted scope w. */
static bool covers(const char *g, size_t gn, const char *w, size_t wn)
{
	if (gn == wn && memcmp(g, w, gn) == 0)
		return true;
	return wn > gn && memcmp(g, w, gn) == 0 && w[gn] == ':';
}

bool auth_scopes_cover(const char *have, const char *want)
{
	const char *p = want ? want : "", *w;
	size_t wn;
	while ((w = next_scope(&p, &wn))) {
		const char *q = have ? have : "", *g;
		size_t gn;
		bool ok = false;
		while (!ok && (g = next_scope(&q, &gn)))
			ok = covers(g, gn, w, wn);
		if (!ok)
			return false;
	}
	return true;
}

bool auth_scopes_has(const char *scopes, const char *one)
{
	return scopes && list_has(scopes, one, strlen(one));
}

bool auth_scopes_admin(const char *scopes)
{
	const char *p = scopes ? scopes : "", *s;
	size_t n;
	while ((s = next_scope(&p, &n)))
		if (n >= 6 && memcmp(s, "admin:", 6) == 0)
			return true;
	return false;
}

/* --- PKCE ----------------------------------------------------------------- */

static bool b64url_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

bool auth_pkce_verifier_valid(const char *v)
{
	size_t n = v ? strlen(v) : 0;
	if (n < 43 || n > 128)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!b64url_char(v[i]) && v[i] != '.' && v[i] != '~')
			return false;
	return true;
}

bool auth_pkce_challenge_valid(const char *c)
{
	if (!c || strlen(c) != 43)
		return false;
	for (size_t i = 0; i < 43; i++)
		if (!b64url_char(c[i]))
			return false;
	return true;
}

bool auth_pkce_s256_ok(const char *verifier, const char *challenge)
{
	if (!auth_pkce_verifier_valid(verifier) || !auth_pkce_challenge_valid(challenge))
		return false;
	unsigned char digest[32];
	crypto_hash_sha256(digest, (const unsigned char *)verifier, strlen(verifier));
	char expect[AUTH_SECRET_LEN];
	sodium_bin2base64(expect, sizeof(expect), digest, sizeof(digest),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return sodium_memcmp(expect, challenge, 43) == 0;
}

/* --- redirect URIs ---------------------------------------------------------- */

bool auth_redirect_uri_valid(const char *uri)
{
	if (!uri || !*uri || strlen(uri) > 2000)
		return false;
	if (strcmp(uri, AUTH_OOB_URI) == 0)
		return true;
	/* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
	const char *p = uri;
	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		return false;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
	       *p == '+' || *p == '-' || *p == '.')
		p++;
	if (*p != ':' || !p[1])
		return false;
	size_t scheme_len = (size_t)(p - uri);
	static const char *const banned[] = {"javascript", "data",  "vbscript",
					     "file",	   "about", "blob"};
	for (size_t i = 0; i < sizeof(banned) / sizeof(banned[0]); i++)
		if (strlen(banned[i]) == scheme_len && strncasecmp(uri, banned[i], scheme_len) == 0)
			return false;
	if ((scheme_len == 4 && strncasecmp(uri, "http", 4) == 0) ||
	    (scheme_len == 5 && strncasecmp(uri, "https", 5) == 0)) {
		if (strncmp(p, "://", 3) != 0 || !p[3] || p[3] == '/')
			return false;
	}
	for (const unsigned char *c = (const unsigned char *)uri; *c; c++)
		if (*c <= 0x20 || *c >= 0x7f || *c == '#' || *c == '"' || *c == '<' || *c == '>' ||
		    *c == '\\')
			return false;
	return true;
}

bool auth_redirect_uri_registered(const char *registered, const char *uri)
{
	if (!registered || !uri || !*uri)
		return false;
	size_t n = strlen(uri);
	const char *p = registered;
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && memcmp(p, uri, n) == 0)
			return true;
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}
