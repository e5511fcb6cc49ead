/*
 * test_text: the text module — UTF-8 rules, post checks, rendering of
 * paragraphs, mentions, hashtags and links, tag normalisation, excerpts,
 * and a seeded random run that parses every rendered output to make sure
 * no markup but ours can appear.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "text/text.h"

#define BASE "http://127.0.0.1:8080"

/* ---- fixtures ---------------------------------------------------------- */

struct users {
	int calls;
};

/* Knows alice (1), bob (2) and jean.dupont (3), case-insensitively. */
static int resolve_users(void *ctx, const char *name, size_t len, int64_t *id, const char **canon)
{
	static const char *const known[] = {"alice", "bob", "jean.dupont"};
	struct users *u = ctx;
	u->calls++;
	for (size_t k = 0; k < 3; k++) {
		if (strlen(known[k]) == len && strncasecmp(known[k], name, len) == 0) {
			*id = (int64_t)k + 1;
			*canon = known[k];
			return 0;
		}
	}
	return -1;
}

static int setup(void **state)
{
	*state = arena_new();
	return 0;
}

static int teardown(void **state)
{
	arena_free(*state);
	return 0;
}

/* Renders s with the fixture resolver; fails the test if rendering fails. */
static struct text_rendered render(struct arena *a, const char *s, struct users *u)
{
	static struct users none;
	struct text_opts opts = {
	    .base_url = BASE, .resolve = resolve_users, .resolve_ctx = u ? u : &none};
	struct text_rendered out;
	assert_int_equal(text_render(a, s, strlen(s), &opts, &out), 0);
	assert_non_null(out.html);
	assert_int_equal(strlen(out.html), out.html_len);
	return out;
}

static const char *html(struct arena *a, const char *s)
{
	return render(a, s, NULL).html;
}

/* Joins the strings given, up to a NULL, in the arena. */
static const char *cat(struct arena *a, ...)
{
	va_list ap;
	size_t len = 0;
	va_start(ap, a);
	for (const char *p = va_arg(ap, const char *); p; p = va_arg(ap, const char *))
		len += strlen(p);
	va_end(ap);
	char *out = arena_alloc(a, len + 1);
	len = 0;
	va_start(ap, a);
	for (const char *p = va_arg(ap, const char *); p; p = va_arg(ap, const char *)) {
		memcpy(out + len, p, strlen(p));
		len += strlen(p);
	}
	va_end(ap);
	out[len] = '\0';
	return out;
}

/* The markup text_render() is expected to emit, with BASE as base URL. */
static const char *mention(struct arena *a, const char *name)
{
	return cat(a, "<span class=\"h-card\"><a href=\"" BASE "/@", name,
		   "\" class=\"u-url mention\">@<span>", name, "</span></a></span>", NULL);
}

static const char *hashtag(struct arena *a, const char *norm, const char *written)
{
	return cat(a, "<a href=\"" BASE "/tags/", norm,
		   "\" class=\"mention hashtag\" rel=\"tag\">#<span>", written, "</span></a>",
		   NULL);
}

static const char *anchor(struct arena *a, const char *href, const char *display)
{
	return cat(a, "<a href=\"", href,
		   "\" rel=\"nofollow noopener noreferrer\" target=\"_blank\">", display, "</a>",
		   NULL);
}

/* ---- UTF-8 and post checks --------------------------------------------- */

static void test_utf8_valid(void **state)
{
	static const char *const good[] = {
	    "",
	    "plain",
	    "caf\xC3\xA9",
	    "\xE2\x82\xAC",
	    "\xF0\x9F\x98\x80",
	    "\xF4\x8F\xBF\xBF", /* U+10FFFF */
	    "\xED\x9F\xBF",
	    "\xEE\x80\x80", /* around the surrogates */
	};
	static const char *const bad[] = {
	    "\x80",		/* lone continuation */
	    "\xC0\x80",		/* overlong NUL */
	    "\xC1\xBF",		/* overlong */
	    "\xE0\x80\xAF",	/* overlong '/' */
	    "\xF0\x8F\xBF\xBF", /* overlong */
	    "\xED\xA0\x80",	/* U+D800 */
	    "\xED\xBF\xBF",	/* U+DFFF */
	    "\xF4\x90\x80\x80", /* U+110000 */
	    "\xF5\x80\x80\x80",
	    "\xFF",
	    "caf\xC3", /* truncated */
	    "\xE2\x82",
	    "\xE2\x28\xA1",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(text_utf8_valid(good[i], strlen(good[i])), 1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(text_utf8_valid(bad[i], strlen(bad[i])), 0);
	assert_int_equal(text_utf8_valid("a\0b", 3), 1);
}

static void test_utf8_chars(void **state)
{
	assert_int_equal(text_utf8_chars("", 0), 0);
	assert_int_equal(text_utf8_chars("hello", 5), 5);
	const char *s = "R\xC3\xA9seau \xE2\x82\xAC \xF0\x9F\x98\x80 \xE6\x97\xA5\xE6\x9C\xAC";
	assert_int_equal(strlen(s), 23);
	assert_int_equal(text_utf8_chars(s, strlen(s)), 13);
}

static void test_check_post(void **state)
{
	const char *why = NULL;
	assert_int_equal(text_check_post("", 0, TEXT_POST_MAX_CHARS, &why), 0);
	assert_int_equal(text_check_post("a\tb\nc\r\nd", 8, TEXT_POST_MAX_CHARS, &why), 0);

	assert_int_equal(text_check_post("a\0b", 3, 0, &why), -1);
	assert_string_equal(why, "text contains a NUL byte");
	why = NULL;
	assert_int_equal(text_check_post("a\x01", 2, 0, &why), -1);
	assert_string_equal(why, "text contains a control character");
	assert_int_equal(text_check_post("a\rb", 3, 0, NULL), -1);
	assert_int_equal(text_check_post("a\r", 2, 0, NULL), -1);
	assert_int_equal(text_check_post("\x1b[31m", 5, 0, NULL), -1);
	assert_int_equal(text_check_post("\x7f", 1, 0, NULL), -1);
	assert_int_equal(text_check_post("\xC2\x85", 2, 0, NULL), -1); /* U+0085 */
	why = NULL;
	assert_int_equal(text_check_post("ok \xC3", 4, 0, &why), -1);
	assert_string_equal(why, "text is not valid UTF-8");
	assert_int_equal(text_check_post("\xED\xA0\x80", 3, 0, NULL), -1);
}

static void test_check_post_length(void **state)
{
	struct arena *a = *state;
	/* 5,000 two-byte characters pass, one more fails. */
	size_t n = 2 * (TEXT_POST_MAX_CHARS + 1);
	char *s = arena_alloc(a, n);
	for (size_t i = 0; i < n; i += 2) {
		s[i] = '\xC3';
		s[i + 1] = '\xA9';
	}
	const char *why = NULL;
	assert_int_equal(text_check_post(s, n - 2, TEXT_POST_MAX_CHARS, &why), 0);
	assert_int_equal(text_check_post(s, n, TEXT_POST_MAX_CHARS, &why), -1);
	assert_string_equal(why, "text is longer than the character limit");
	assert_int_equal(text_check_post(s, n, 0, NULL), 0);
}

/* ---- escaping and paragraphs ------------------------------------------- */

static void test_escape_script(void **state)
{
	struct arena *a = *state;
	assert_string_equal(html(a, "<script>alert('x')</script> & co"),
			    "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co</p>");
	assert_string_equal(text_html_escape(a, "a<b>&\"'", 7), "a&lt;b&gt;&amp;&quot;&#39;");
	assert_string_equal(text_html_escape(a, "", 0), "");
}

static void test_escape_attribute_breaking(void **state)
{
	struct arena *a = *state;
	assert_string_equal(html(a, "\"><img src=x onerror=alert(1)>"),
			    "<p>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</p>");
	/* A quote ends a URL; a single quote inside one is escaped. */
	const char *want = cat(a, "<p>", anchor(a, "https://x.org/a", "x.org/a"),
			       "&quot;onmouseover=&quot;alert(1)</p>", NULL);
	assert_string_equal(html(a, "https://x.org/a\"onmouseover=\"alert(1)"), want);
	want = cat(a, "<p>", anchor(a, "https://x.org/it&#39;s", "x.org/it&#39;s"), "</p>", NULL);
	assert_string_equal(html(a, "https://x.org/it's"), want);
	/* The base URL is escaped as well. */
	struct text_opts opts = {.base_url = "http://h/\"x/"};
	struct text_rendered out;
	assert_int_equal(text_render(a, "#tag", 4, &opts, &out), 0);
	assert_string_equal(out.html, "<p><a href=\"http://h/&quot;x/tags/tag\" class=\"mention "
				      "hashtag\" rel=\"tag\">#<span>tag</span></a></p>");
}

static void test_paragraphs(void **state)
{
	struct arena *a = *state;
	assert_string_equal(html(a, "one"), "<p>one</p>");
	assert_string_equal(html(a, "a\nb\n\nc"), "<p>a<br />b</p><p>c</p>");
	assert_string_equal(html(a, "\n\na\n \t \n\n\nb\n\n"), "<p>a</p><p>b</p>");
	assert_string_equal(html(a, "a\r\nb\r\n\r\nc"), "<p>a<br />b</p><p>c</p>");
	assert_string_equal(html(a, "  indented\nline"), "<p>  indented<br />line</p>");
	assert_string_equal(html(a, ""), "");
	assert_string_equal(html(a, " \n\t\n  "), "");
}

/* ---- mentions ---------------------------------------------------------- */

static void test_mention_resolved(void **state)
{
	struct arena *a = *state;
	struct text_rendered r = render(a, "hi @alice!", NULL);
	assert_string_equal(r.html, cat(a, "<p>hi ", mention(a, "alice"), "!</p>", NULL));
	assert_int_equal(r.mentions_len, 1);
	assert_int_equal(r.mentions[0].user_id, 1);
	assert_string_equal(r.mentions[0].username, "alice");

	/* Dots inside a name belong to it, a trailing one does not. */
	r = render(a, "(@jean.dupont.)", NULL);
	assert_string_equal(r.html, cat(a, "<p>(", mention(a, "jean.dupont"), ".)</p>", NULL));
	assert_int_equal(r.mentions_len, 1);
	assert_int_equal(r.mentions[0].user_id, 3);
}

static void test_mention_unresolved(void **state)
{
	struct arena *a = *state;
	struct text_rendered r = render(a, "@nobody and @ alone", NULL);
	assert_string_equal(r.html, "<p>@nobody and @ alone</p>");
	assert_int_equal(r.mentions_len, 0);

	/* Without a resolver nothing is a mention. */
	struct text_opts opts = {.base_url = BASE};
	assert_int_equal(text_render(a, "@alice", 6, &opts, &r), 0);
	assert_string_equal(r.html, "<p>@alice</p>");
	assert_int_equal(r.mentions_len, 0);

	/* 31 characters is too long a name even if it starts like a user. */
	r = render(a, "@alice67890123456789012345678901", NULL);
	assert_string_equal(r.html, "<p>@alice67890123456789012345678901</p>");
}

static void test_mention_email_not_mention(void **state)
{
	struct arena *a = *state;
	struct users u = {0};
	struct text_rendered r = render(a, "write to e@alice.com or bob@bob", &u);
	assert_string_equal(r.html, "<p>write to e@alice.com or bob@bob</p>");
	assert_int_equal(r.mentions_len, 0);
	assert_int_equal(u.calls, 0);

	/* A remote-style address is not a local mention either. */
	r = render(a, "@alice@example.com", &u);
	assert_string_equal(r.html, "<p>@alice@example.com</p>");
	assert_int_equal(r.mentions_len, 0);
	/* Nor a name running into a non-ASCII letter. */
	r = render(a, "@alic\xC3\xA9", &u);
	assert_string_equal(r.html, "<p>@alic\xC3\xA9</p>");
	assert_int_equal(u.calls, 0);
}

static void test_mention_dedup(void **state)
{
	struct arena *a = *state;
	struct users u = {0};
	struct text_rendered r = render(a, "@alice @bob\n\n@ALICE @alice @nobody @nobody", &u);
	const char *want =
	    cat(a, "<p>", mention(a, "alice"), " ", mention(a, "bob"), "</p><p>",
		mention(a, "alice"), " ", mention(a, "alice"), " @nobody @nobody</p>", NULL);
	assert_string_equal(r.html, want);
	assert_int_equal(r.mentions_len, 2);
	assert_int_equal(r.mentions[0].user_id, 1);
	assert_int_equal(r.mentions[1].user_id, 2);
	assert_string_equal(r.mentions[1].username, "bob");
	/* alice, bob, ALICE, nobody: each spelling looked up once. */
	assert_int_equal(u.calls, 4);
}

static void test_mention_lookup_cap(void **state)
{
	struct arena *a = *state;
	struct users u = {0};
	char *s = arena_alloc(a, 8 * (TEXT_LOOKUPS_MAX + 1) + 16);
	size_t len = 0;
	for (int k = 0; k <= TEXT_LOOKUPS_MAX; k++)
		len += (size_t)snprintf(s + len, 9, "@u%04d ", k);
	memcpy(s + len, "@alice", 7);
	struct text_rendered r = render(a, s, &u);
	/* The spellings after the first TEXT_LOOKUPS_MAX are not looked up. */
	assert_int_equal(u.calls, TEXT_LOOKUPS_MAX);
	assert_int_equal(r.mentions_len, 0);
	assert_non_null(strstr(r.html, " @alice</p>"));
}

/* ---- hashtags ---------------------------------------------------------- */

static void test_hashtags(void **state)
{
	struct arena *a = *state;
	struct text_rendered r = render(a, "#R\xC3\xA9seau, #reseau and #RESEAU; #moka_2", NULL);
	const char *want =
	    cat(a, "<p>", hashtag(a, "reseau", "R\xC3\xA9seau"), ", ",
		hashtag(a, "reseau", "reseau"), " and ", hashtag(a, "reseau", "RESEAU"), "; ",
		hashtag(a, "moka_2", "moka_2"), "</p>", NULL);
	assert_string_equal(r.html, want);
	assert_int_equal(r.tags_len, 2);
	assert_string_equal(r.tags[0], "reseau");
	assert_string_equal(r.tags[1], "moka_2");

	/* Non-Latin letters stay, percent-encoded in the href. */
	r = render(a, "#\xE6\x97\xA5\xE6\x9C\xAC", NULL);
	want = cat(a, "<p>", hashtag(a, "%E6%97%A5%E6%9C%AC", "\xE6\x97\xA5\xE6\x9C\xAC"), "</p>",
		   NULL);
	assert_string_equal(r.html, want);
	assert_string_equal(r.tags[0], "\xE6\x97\xA5\xE6\x9C\xAC");

	/* Non-breaking spaces and guillemets are not letters. */
	r = render(a, "\xC2\xAB\xC2\xA0#\xC3\xA9t\xC3\xA9\xC2\xA0\xC2\xBB", NULL);
	want = cat(a, "<p>\xC2\xAB\xC2\xA0", hashtag(a, "ete", "\xC3\xA9t\xC3\xA9"),
		   "\xC2\xA0\xC2\xBB</p>", NULL);
	assert_string_equal(r.html, want);
}

static void test_hashtag_not_tags(void **state)
{
	struct arena *a = *state;
	struct text_rendered r = render(a, "#123 a#b # ## #2024x issue#4", NULL);
	assert_string_equal(r.html, cat(a, "<p>#123 a#b # ## ", hashtag(a, "2024x", "2024x"),
					" issue#4</p>", NULL));
	assert_int_equal(r.tags_len, 1);

	char longtag[104];
	memset(longtag, 'x', sizeof(longtag));
	longtag[0] = '#';
	longtag[102] = '\0'; /* 101 letters */
	r = render(a, longtag, NULL);
	assert_int_equal(r.tags_len, 0);
	longtag[101] = '\0'; /* 100 letters */
	r = render(a, longtag, NULL);
	assert_int_equal(r.tags_len, 1);
	assert_int_equal(strlen(r.tags[0]), 100);
}

static void test_tag_normalize(void **state)
{
	struct arena *a = *state;
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"R\xC3\xA9seau", "reseau"},
	    {"#R\xC3\xA9SEAU", "reseau"},
	    {"\xC3\x87"
	     "a",
	     "ca"},
	    {"Stra\xC3\x9F"
	     "e",
	     "strasse"},
	    {"\xC5\x92uvre", "oeuvre"},
	    {"\xC5\x81\xC3\xB3"
	     "d\xC5\xBA",
	     "lodz"},
	    {"  Machine \t Learning  ", "machine-learning"},
	    {"data--science", "data-science"},
	    {"-edge-", "edge"},
	    {"snake_case", "snake_case"},
	    {"\xE6\x97\xA5\xE6\x9C\xAC", "\xE6\x97\xA5\xE6\x9C\xAC"},
	    {"x2024", "x2024"},
	    {"c++", NULL},
	    {"a.b", NULL},
	    {"2024", NULL},
	    {"12-34", NULL},
	    {"", NULL},
	    {"#", NULL},
	    {"  -  ", NULL},
	    {"caf\xC3", NULL},
	    {"\xC3\x97", NULL}, /* × */
	    {"a\nb", NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = text_tag_normalize(a, cases[i].in, strlen(cases[i].in));
		if (!cases[i].out)
			assert_null(got);
		else
			assert_string_equal(got, cases[i].out);
	}
	char big[TEXT_TAG_MAX + 2];
	memset(big, 'a', sizeof(big));
	assert_non_null(text_tag_normalize(a, big, TEXT_TAG_MAX));
	assert_null(text_tag_normalize(a, big, TEXT_TAG_MAX + 1));
}

/* ---- links ------------------------------------------------------------- */

static void test_links_trailing_punctuation(void **state)
{
	struct arena *a = *state;
	struct text_rendered r =
	    render(a, "See https://example.com/a?b=1&c=2. Or http://x.org!?", NULL);
	const char *want =
	    cat(a, "<p>See ",
		anchor(a, "https://example.com/a?b=1&amp;c=2", "example.com/a?b=1&amp;c=2"),
		". Or ", anchor(a, "http://x.org", "x.org"), "!?</p>", NULL);
	assert_string_equal(r.html, want);
	assert_int_equal(r.links_len, 2);
	assert_string_equal(r.links[0], "https://example.com/a?b=1&c=2");
	assert_string_equal(r.links[1], "http://x.org");

	r = render(a, "HTTPS://X.ORG/p, https://x.org/p; https://x.org/p:", NULL);
	assert_int_equal(r.links_len, 2); /* deduplicated, exact spelling */
	assert_string_equal(r.links[0], "HTTPS://X.ORG/p");
	assert_string_equal(r.links[1], "https://x.org/p");
	want = cat(a, "<p>", anchor(a, "HTTPS://X.ORG/p", "X.ORG/p"), ", ",
		   anchor(a, "https://x.org/p", "x.org/p"), "; ",
		   anchor(a, "https://x.org/p", "x.org/p"), ":</p>", NULL);
	assert_string_equal(r.html, want);
}

static void test_links_parentheses(void **state)
{
	struct arena *a = *state;
	struct text_rendered r = render(a, "(see https://en.wikipedia.org/wiki/Foo_(bar))", NULL);
	assert_int_equal(r.links_len, 1);
	assert_string_equal(r.links[0], "https://en.wikipedia.org/wiki/Foo_(bar)");
	const char *want = cat(a, "<p>(see ",
			       anchor(a, "https://en.wikipedia.org/wiki/Foo_(bar)",
				      "en.wikipedia.org/wiki/Foo_(bar\xE2\x80\xA6"),
			       ")</p>", NULL);
	assert_string_equal(r.html, want);
	r = render(a, "(https://x.org/a).", NULL);
	assert_string_equal(r.links[0], "https://x.org/a");
	assert_string_equal(
	    r.html, cat(a, "<p>(", anchor(a, "https://x.org/a", "x.org/a"), ").</p>", NULL));
}

static void test_links_not_links(void **state)
{
	struct arena *a = *state;
	struct text_rendered r = render(
	    a, "javascript:alert(1) data:text/html,x ftp://x.org http:// https://../ xhttp://x.org",
	    NULL);
	assert_int_equal(r.links_len, 0);
	assert_null(strstr(r.html, "<a"));
	assert_string_equal(r.html, "<p>javascript:alert(1) data:text/html,x ftp://x.org http:// "
				    "https://../ xhttp://x.org</p>");
	r = render(a, "<a href=\"javascript:alert(1)\">x</a>", NULL);
	assert_string_equal(r.html,
			    "<p>&lt;a href=&quot;javascript:alert(1)&quot;&gt;x&lt;/a&gt;</p>");
}

static void test_links_long_display(void **state)
{
	struct arena *a = *state;
	const char *url = "https://example.com/a/very/long/path/that/goes/on";
	struct text_rendered r = render(a, url, NULL);
	const char *want = cat(a, "<p>",
			       anchor(a, "https://example.com/a/very/long/path/that/goes/on",
				      "example.com/a/very/long/path/t\xE2\x80\xA6"),
			       "</p>", NULL);
	assert_string_equal(r.html, want);
	/* Exactly 30 characters: no ellipsis; the cut counts characters. */
	const char *thirty = "\xC3\xA9"
			     "23456789012345678901234567890";
	const char *thirty_one = "\xC3\xA9"
				 "234567890123456789012345678901";
	r = render(a, cat(a, "http://", thirty, " http://", thirty_one, NULL), NULL);
	want = cat(
	    a, "<p>", anchor(a, cat(a, "http://", thirty, NULL), thirty), " ",
	    anchor(a, cat(a, "http://", thirty_one, NULL), cat(a, thirty, "\xE2\x80\xA6", NULL)),
	    "</p>", NULL);
	assert_string_equal(r.html, want);

	/* Over 2,000 bytes: plain text, mentions inside it stay text. */
	char *big = arena_alloc(a, 2200);
	int len = snprintf(big, 2200, "https://x.org/");
	memset(big + len, 'a', 2000);
	memcpy(big + len + 2000, "/@alice", 8);
	r = render(a, big, NULL);
	assert_int_equal(r.links_len, 0);
	assert_int_equal(r.mentions_len, 0);
	assert_null(strstr(r.html, "<a"));
}

static void test_mixed(void **state)
{
	struct arena *a = *state;
	struct text_rendered r =
	    render(a, "@bob: see https://x.org/#frag and #Caf\xC3\xA9 @alice", NULL);
	const char *want = cat(
	    a, "<p>", mention(a, "bob"), ": see ", anchor(a, "https://x.org/#frag", "x.org/#frag"),
	    " and ", hashtag(a, "cafe", "Caf\xC3\xA9"), " ", mention(a, "alice"), "</p>", NULL);
	assert_string_equal(r.html, want);
	assert_int_equal(r.mentions_len, 2);
	assert_int_equal(r.tags_len, 1);
	assert_int_equal(r.links_len, 1);

	/* Relative links when there is no base URL. */
	struct text_opts opts = {0};
	assert_int_equal(text_render(a, "#a", 2, &opts, &r), 0);
	assert_string_equal(
	    r.html,
	    "<p><a href=\"/tags/a\" class=\"mention hashtag\" rel=\"tag\">#<span>a</span></a></p>");
	assert_int_equal(text_render(a, "#a", 2, NULL, &r), 0);
	assert_string_equal(r.tags[0], "a");
}

static void test_render_rejects(void **state)
{
	struct arena *a = *state;
	struct text_rendered r;
	assert_int_equal(text_render(a, "ok \xC3", 4, NULL, &r), -1);
	assert_null(r.html);
	assert_int_equal(text_render(a, "a\0b", 3, NULL, &r), -1);
	assert_int_equal(text_render(a, "\xED\xA0\x80", 3, NULL, &r), -1);
	assert_int_equal(text_render(a, NULL, 0, NULL, &r), 0);
	assert_string_equal(r.html, "");
}

/* ---- excerpts ---------------------------------------------------------- */

static void test_excerpt(void **state)
{
	struct arena *a = *state;
	const char *s = "  Hello\n\n world  ";
	assert_string_equal(text_excerpt(a, s, strlen(s), 20), "Hello world");
	assert_string_equal(text_excerpt(a, s, strlen(s), 11), "Hello world");
	assert_string_equal(text_excerpt(a, s, strlen(s), 10), "Hello wor\xE2\x80\xA6");
	/* The cut falls before a space: the space goes. */
	assert_string_equal(text_excerpt(a, s, strlen(s), 7), "Hello\xE2\x80\xA6");
	assert_string_equal(text_excerpt(a, s, strlen(s), 1), "\xE2\x80\xA6");
	assert_string_equal(text_excerpt(a, s, strlen(s), 0), "");
	/* Never inside a multi-byte character. */
	const char *e = "\xC3\xA9\xC3\xA9\xC3\xA9\xF0\x9F\x98\x80\xF0\x9F\x98\x80";
	assert_string_equal(text_excerpt(a, e, strlen(e), 5), e);
	assert_string_equal(text_excerpt(a, e, strlen(e), 4),
			    "\xC3\xA9\xC3\xA9\xC3\xA9\xE2\x80\xA6");
	char *x = text_excerpt(a, e, strlen(e), 3);
	assert_string_equal(x, "\xC3\xA9\xC3\xA9\xE2\x80\xA6");
	assert_int_equal(text_utf8_chars(x, strlen(x)), 3);
}

/* ---- randomized robustness --------------------------------------------- */

static uint64_t rng_state;

static uint32_t rng(void)
{
	/* xorshift64*: fixed seed, same run every time. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

static int starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * A tiny parser for what text_render may emit: only our tags, properly
 * nested, attribute values without < > or ", and no raw < > " ' or stray
 * '&' in text. Returns NULL if fine, else a description.
 */
static const char *check_html(const char *h)
{
	static const char *const anchors[] = {
	    "\" class=\"u-url mention\">",
	    "\" class=\"mention hashtag\" rel=\"tag\">",
	    "\" rel=\"nofollow noopener noreferrer\" target=\"_blank\">",
	};
	static const char *const entities[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
	char stack[4096];
	size_t depth = 0;

	while (*h) {
		if (*h == '<') {
			static const struct {
				const char *tag;
				char open, close;
			} fixed[] = {
			    {"<p>", 'p', 0},
			    {"</p>", 0, 'p'},
			    {"<br />", 0, 0},
			    {"<span>", 's', 0},
			    {"</span>", 0, 's'},
			    {"</a>", 0, 'a'},
			    {"<span class=\"h-card\">", 's', 0},
			};
			size_t k;
			for (k = 0; k < sizeof(fixed) / sizeof(fixed[0]); k++)
				if (starts(h, fixed[k].tag))
					break;
			if (k < sizeof(fixed) / sizeof(fixed[0])) {
				if (fixed[k].open) {
					if (depth == sizeof(stack))
						return "too deep";
					if (fixed[k].open == 'p' && depth)
						return "nested <p>";
					stack[depth++] = fixed[k].open;
				}
				if (fixed[k].close && (!depth || stack[--depth] != fixed[k].close))
					return "unbalanced close tag";
				if (!fixed[k].open && !fixed[k].close &&
				    (!depth || stack[0] != 'p'))
					return "<br /> outside a paragraph";
				h += strlen(fixed[k].tag);
				continue;
			}
			if (!starts(h, "<a href=\""))
				return "unknown tag";
			h += strlen("<a href=\"");
			while (*h && *h != '"' && *h != '<' && *h != '>')
				h++;
			for (k = 0; k < 3; k++)
				if (starts(h, anchors[k]))
					break;
			if (k == 3)
				return "bad anchor attributes";
			for (size_t d = 0; d < depth; d++)
				if (stack[d] == 'a')
					return "nested <a>";
			if (depth == sizeof(stack))
				return "too deep";
			stack[depth++] = 'a';
			h += strlen(anchors[k]);
			continue;
		}
		if (*h == '>' || *h == '"' || *h == '\'')
			return "raw > \" or ' in text";
		if (*h == '&') {
			size_t k;
			for (k = 0; k < 5; k++)
				if (starts(h, entities[k]))
					break;
			if (k == 5)
				return "stray &";
			h += strlen(entities[k]);
			continue;
		}
		if (!depth)
			return "text outside a paragraph";
		h++;
	}
	return depth ? "unclosed tag" : NULL;
}

static void test_check_html_catches(void **state)
{
	/* The checker itself must be able to fail. */
	struct arena *a = *state;
	assert_null(check_html(cat(a, "<p>a<br />", mention(a, "alice"), " ",
				   anchor(a, "http://x", "x"), "</p><p>b</p>", NULL)));
	assert_non_null(check_html("<p><script></p>"));
	assert_non_null(check_html("<p>a</p"));
	assert_non_null(check_html("<p><a href=\"x\" onclick=\"y\">a</a></p>"));
	assert_non_null(check_html("<p>\"</p>"));
	assert_non_null(check_html("<p>&x</p>"));
	assert_non_null(check_html("<p><span></p></span>"));
	assert_non_null(check_html("text"));
}

static size_t random_text(char *out, size_t cap)
{
	static const char *const pieces[] = {
	    "@alice",
	    "@bob",
	    "@jean.dupont.",
	    "@nobody",
	    "@",
	    "#",
	    "#tag",
	    "#R\xC3\xA9seau",
	    "#123",
	    "http://",
	    "https://",
	    "https://x.org/a(b)",
	    "HTTP://X.ORG",
	    ".",
	    ",",
	    "!",
	    "(",
	    ")",
	    "<",
	    ">",
	    "&",
	    "\"",
	    "'",
	    "<script>",
	    "javascript:",
	    " ",
	    "  ",
	    "\t",
	    "\n",
	    "\n\n",
	    "\r\n",
	    "\r",
	    "a",
	    "Z",
	    "_",
	    "-",
	    "/",
	    "\xC3\xA9",
	    "\xC2\xA0",
	    "\xE2\x80\xA6",
	    "\xF0\x9F\x98\x80",
	    "\xE6\x97\xA5",
	    "e@mail.com",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};
	/* Rare, so that most strings stay renderable. */
	static const char *const broken[] = {"\xC3", "\x80", "\x01", "\xED\xA0\x80", "\xFF"};
	size_t len = 0;
	if (rng() % 8 == 0) { /* raw random bytes */
		size_t n = rng() % cap;
		for (size_t i = 0; i < n; i++)
			out[len++] = (char)(rng() & 0xFF);
		return len;
	}
	size_t count = rng() % 60;
	for (size_t i = 0; i < count; i++) {
		const char *piece = pieces[rng() % (sizeof(pieces) / sizeof(pieces[0]))];
		size_t n = strlen(piece);
		if (rng() % 64 == 0) {
			piece = broken[rng() % (sizeof(broken) / sizeof(broken[0]))];
			n = strlen(piece);
		} else if (rng() % 128 == 0) {
			piece = "";
			n = 1; /* a NUL byte */
		}
		if (len + n > cap)
			break;
		memcpy(out + len, piece, n);
		len += n;
	}
	return len;
}

static void test_random_robustness(void **state)
{
	rng_state = 0x6d6f6b61u; /* "moka" */
	int rendered = 0, valid_posts = 0, with_links = 0, with_mentions = 0;

	for (int iter = 0; iter < 4000; iter++) {
		struct arena *a = arena_new();
		char src[1024];
		size_t n = random_text(src, sizeof(src));
		int utf8 = text_utf8_valid(src, n);
		int has_nul = memchr(src, '\0', n) != NULL;

		const char *why = NULL;
		int ok = text_check_post(src, n, 500, &why) == 0;
		if (ok) {
			valid_posts++;
			assert_true(utf8 && !has_nul);
			assert_true(text_utf8_chars(src, n) <= 500);
		} else {
			assert_non_null(why);
		}

		struct users u = {0};
		struct text_opts opts = {
		    .base_url = BASE, .resolve = resolve_users, .resolve_ctx = &u};
		struct text_rendered r;
		int rc = text_render(a, src, n, &opts, &r);
		assert_int_equal(rc == 0, utf8 && !has_nul);
		if (rc == 0) {
			rendered++;
			const char *bad = check_html(r.html);
			if (bad)
				fail_msg("iteration %d: %s in %s", iter, bad, r.html);
			assert_int_equal(strlen(r.html), r.html_len);
			assert_true(text_utf8_valid(r.html, r.html_len));
			for (size_t k = 0; k < r.mentions_len; k++)
				assert_true(r.mentions[k].user_id >= 1 &&
					    r.mentions[k].user_id <= 3);
			for (size_t k = 0; k < r.tags_len; k++) {
				size_t tl = strlen(r.tags[k]);
				assert_true(tl >= 1 && tl <= TEXT_TAG_MAX);
				assert_null(
				    strpbrk(r.tags[k], "#<>&\"' ABCDEFGHIJKLMNOPQRSTUVWXYZ"));
			}
			for (size_t k = 0; k < r.links_len; k++) {
				assert_true(strncasecmp(r.links[k], "http", 4) == 0);
				assert_null(strpbrk(r.links[k], " <>\"\n"));
			}
			with_links += r.links_len > 0;
			with_mentions += r.mentions_len > 0;
		}

		size_t max = rng() % 40;
		char *ex = text_excerpt(a, src, n, max);
		assert_non_null(ex);
		if (utf8 && !has_nul) {
			assert_true(text_utf8_valid(ex, strlen(ex)));
			assert_true(text_utf8_chars(ex, strlen(ex)) <= max);
		}

		size_t off = n ? rng() % n : 0, len = n ? rng() % (n - off + 1) : 0;
		char *tag = text_tag_normalize(a, src + off, len);
		if (tag) {
			assert_true(strlen(tag) >= 1 && strlen(tag) <= TEXT_TAG_MAX);
			assert_true(text_utf8_valid(tag, strlen(tag)));
			assert_null(strpbrk(tag, "#<>&\"' \t\nABCDEFGHIJKLMNOPQRSTUVWXYZ"));
		}
		arena_free(a);
	}
	print_message("random: %d rendered, %d valid posts, %d with links, %d with mentions\n",
		      rendered, valid_posts, with_links, with_mentions);
	/* The generator must exercise the interesting paths. */
	assert_true(rendered > 1500);
	assert_true(valid_posts > 800);
	assert_true(with_links > 500);
	assert_true(with_mentions > 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utf8_valid),
	    cmocka_unit_test(test_utf8_chars),
	    cmocka_unit_test(test_check_post),
	    cmocka_unit_test_setup_teardown(test_check_post_length, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_escape_script, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_escape_attribute_breaking, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_paragraphs, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_mention_resolved, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_mention_unresolved, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_mention_email_not_mention, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_mention_dedup, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_mention_lookup_cap, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hashtags, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hashtag_not_tags, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tag_normalize, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_links_trailing_punctuation, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_links_parentheses, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_links_not_links, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_links_long_display, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_mixed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_render_rejects, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_excerpt, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_check_html_catches, setup, teardown),
	    cmocka_unit_test(test_random_robustness),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
