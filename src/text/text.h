/*
 * text: post text, from what the user typed to the HTML clients display.
 *
 * Moka stores the source text of a post and renders it once, at write time,
 * into the safe HTML of a status's `content` field, extracting on the way
 * the mentions, hashtags and links it contains. This module owns:
 *
 *   - UTF-8 validation and character counting (the post length limit);
 *   - the rules for what a mention, a hashtag and a link look like;
 *   - HTML escaping and the exact markup emitted (Mastodon's markup, so
 *     clients style it as they do for Mastodon);
 *   - tag normalisation, shared with profile expertise tags;
 *   - short plain-text excerpts for notifications.
 *
 * It does no I/O: mentions are resolved through a callback. Results are
 * allocated in the caller's arena.
 */
#ifndef MOKA_TEXT_H
#define MOKA_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

/* The post length limit, in code points. */
#define TEXT_POST_MAX_CHARS 5000
/* A mentioned username is 1 to 30 bytes of [A-Za-z0-9_.-]. */
#define TEXT_USERNAME_MAX 30
/* A hashtag (as written, and normalised) is at most 100 bytes. */
#define TEXT_TAG_MAX 100
/* At most this many distinct "@name" spellings are passed to the resolver
 * per render (each may cost a database lookup); later new ones stay text. */
#define TEXT_LOOKUPS_MAX 100
/* A link is at most 2,000 bytes; longer ones stay plain text. */
#define TEXT_URL_MAX 2000
/* A link's visible text is cut after this many code points. */
#define TEXT_URL_DISPLAY_MAX 30

/*
 * Returns 1 if the n bytes at s are strict UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF, no truncated sequence), else 0.
 * NUL is a valid code point here; text_check_post() rejects it.
 */
int text_utf8_valid(const char *s, size_t n);

/*
 * Returns the number of code points in the n bytes at s, counting every
 * byte that is not a continuation byte. Exact for valid UTF-8; invalid
 * input gets a count as well, and nothing past s + n is read.
 */
size_t text_utf8_chars(const char *s, size_t n);

/*
 * Checks that the n bytes at s are acceptable as a post's source text:
 * valid UTF-8, no NUL, no control character (C0, DEL or C1) other than
 * '\n' and '\t' — a '\r' is accepted only as part of "\r\n", which browsers
 * submit from a textarea — and at most max_chars code points (0: no limit).
 * Returns 0 if acceptable. Otherwise returns -1 and, if why is not NULL,
 * sets *why to a static, human-readable reason for an API error message.
 * Empty text is acceptable: whether a post needs text is the caller's rule.
 */
int text_check_post(const char *s, size_t n, size_t max_chars, const char **why);

struct text_opts {
	/* Scheme, host and port, e.g. "http://127.0.0.1:8080"; a trailing '/'
	 * is ignored. NULL means relative links ("/@alice", "/tags/x"). */
	const char *base_url;
	/*
	 * Mention resolver: given a username as written (len bytes, not
	 * NUL-terminated), returns 0 and sets *user_id and
	 * *canonical_username if a local user by that name exists (matching
	 * case-insensitively or not, as the store decides), or -1 if not.
	 * *canonical_username need only stay valid until text_render()
	 * returns (it is copied); left NULL, the name as written is used.
	 * Each spelling is looked up at most once per render, and at most
	 * TEXT_LOOKUPS_MAX spellings are looked up. NULL resolve: no
	 * mention is resolved, every "@name" stays text.
	 */
	int (*resolve)(void *ctx, const char *username, size_t len, int64_t *user_id,
		       const char **canonical_username);
	void *resolve_ctx; /* passed to resolve as ctx */
};

struct text_mention {
	int64_t user_id;
	const char *username; /* canonical */
};

/* What text_render() produces; every pointer is in the caller's arena. */
struct text_rendered {
	const char *html; /* NUL-terminated; "" for blank text */
	size_t html_len;
	/* Resolved mentions, one per user, in order of first appearance. */
	struct text_mention *mentions;
	size_t mentions_len;
	/* Normalised hashtag names (see text_tag_normalize), deduplicated,
	 * in order of first appearance. */
	const char **tags;
	size_t tags_len;
	/* Linked URLs exactly as written, deduplicated, in order. */
	const char **links;
	size_t links_len;
};

/*
 * Renders the n bytes of source text at src into HTML, in a's memory.
 *
 * Everything is HTML-escaped. Text is split into paragraphs <p>…</p> at
 * blank lines (lines empty or holding only spaces and tabs); single
 * newlines become <br />; "\r\n" counts as a newline; blank text renders
 * as "". Recognised, when
 * preceded by the start of a line or a non-word character (word
 * characters: ASCII letters and digits, '_', and non-ASCII letters):
 *
 *   @name   1-30 bytes of [A-Za-z0-9_.-], trailing dots excluded, not
 *           followed by a non-ASCII letter or by "@domain". Linked if
 *           opts->resolve knows the user:
 *           <span class="h-card"><a href="BASE/@name" class="u-url mention">
 *           @<span>name</span></a></span> (one line in reality).
 *   #tag    1-100 bytes of word characters, not all digits (the name
 *           must normalise, see text_tag_normalize):
 *           <a href="BASE/tags/NORMALISED" class="mention hashtag"
 *           rel="tag">#<span>tag as written</span></a>; non-ASCII bytes of
 *           the normalised name are percent-encoded in the href.
 *   http:// or https:// (any case) followed by a host, up to whitespace, a
 *           control character, < > " or non-ASCII punctuation or space;
 *           trailing . , ; : ! ? ' and an unbalanced ')' are left out; at
 *           most 2,000 bytes:
 *           <a href="URL" rel="nofollow noopener noreferrer"
 *           target="_blank">DISPLAY</a> where DISPLAY is the URL without
 *           its scheme, cut to 30 code points plus "…" when longer.
 *
 * No other scheme (javascript:, data:, …) is ever linked.
 *
 * Returns 0 and fills *out, or -1 if src is not valid UTF-8 or contains a
 * NUL byte (check it with text_check_post() first) or the HTML would
 * exceed BUF_MAX_DEFAULT. *out is zeroed on failure.
 */
int text_render(struct arena *a, const char *src, size_t n, const struct text_opts *opts,
		struct text_rendered *out);

/*
 * Normalises a tag, for hashtags in posts and for profile expertise tags,
 * so that "#Réseau", "reseau" and "RÉSEAU" are one tag. Returns the
 * NUL-terminated name in a's memory, or NULL if the input is not a valid
 * tag. The rules, in order:
 *
 *   1. One leading '#' is dropped; leading and trailing ASCII whitespace
 *      is trimmed.
 *   2. ASCII letters are lowercased; Latin-1 and Latin Extended-A letters
 *      are folded to their lowercase base letters (é→e, Ç→c, ß→ss, œ→oe,
 *      æ→ae, þ→th, ł→l, ĳ→ij …). Other non-ASCII letters are kept as
 *      written (no case folding).
 *   3. Digits and '_' are kept. Each run of spaces, tabs and '-' becomes a
 *      single '-'; a '-' at either end is dropped ("Machine  learning" →
 *      "machine-learning"). Hashtags in posts never contain '-'.
 *   4. Anything else (punctuation, symbols, controls, invalid UTF-8) makes
 *      the tag invalid.
 *   5. The result must be 1 to TEXT_TAG_MAX bytes and hold something
 *      other than digits and '-' ("2024" and "12-34" are not tags).
 */
char *text_tag_normalize(struct arena *a, const char *s, size_t n);

/*
 * Returns the n bytes at s HTML-escaped (& < > " ' as &amp; &lt; &gt;
 * &quot; &#39;), NUL-terminated, in a's memory. Safe in text and in quoted
 * attribute values. Returns NULL only if the result would exceed
 * BUF_MAX_DEFAULT.
 */
char *text_html_escape(struct arena *a, const char *s, size_t n);

/*
 * Returns a one-line plain-text excerpt of the n bytes of source text at
 * src, in a's memory: runs of ASCII whitespace become one space, leading
 * and trailing whitespace is dropped, and if more than max_chars code
 * points remain the text is cut at a code point boundary to max_chars - 1
 * code points (trailing spaces dropped) followed by "…", so the result
 * never exceeds max_chars code points. Not HTML-escaped.
 */
char *text_excerpt(struct arena *a, const char *src, size_t n, size_t max_chars);

#endif
