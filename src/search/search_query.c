/*
 * search_query: turns what someone typed into terms (struct search_query)
 * — words, "phrases", -exclusions, a prefix for the last word as you
 * type. Nothing here knows the index's query language: the store builds
 * that from the terms.
 */
#include "search/search.h"
#include "core/arena.h"
#include "text/text.h"

#include <string.h>

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Has s[0..n) a letter or digit (any non-ASCII byte counts as one)? */
static bool has_word(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
			return true;
	}
	return false;
}

/* Characters (not bytes) in s[0..n). */
static size_t chars(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xc0) != 0x80;
	return k;
}

int search_parse(struct arena *a, const char *q, bool prefix_last, struct search_query *out,
		 const char **why)
{
	memset(out, 0, sizeof(*out));
	size_t len = q ? strlen(q) : 0;
	if (len > SEARCH_Q_MAX) {
		*why = "q: at most 512 bytes";
		return -1;
	}
	if (len && !text_utf8_valid(q, len)) {
		*why = "q: not valid UTF-8";
		return -1;
	}
	struct search_term *t = arena_calloc(a, SEARCH_TERMS_MAX, sizeof(*t));
	size_t n = 0, positive = 0;
	const char *p = q ? q : "", *end = p + len;
	while (p < end) {
		while (p < end && is_space(*p))
			p++;
		if (p == end)
			break;
		bool exclude = false, phrase = false;
		if (*p == '-' && p + 1 < end && !is_space(p[1])) {
			exclude = true;
			p++;
		}
		const char *s = p;
		if (*p == '"') {
			phrase = true;
			s = ++p;
			while (p < end && *p != '"')
				p++;
		} else {
			while (p < end && !is_space(*p))
				p++;
		}
		const char *e = p;
		if (phrase && p < end)
			p++; /* the closing quote */
		while (!phrase && s < e && (*s == '#' || *s == '@'))
			s++;
		if (!has_word(s, (size_t)(e - s)))
			continue;
		if (n == SEARCH_TERMS_MAX) {
			*why = "q: at most 16 words and phrases";
			return -1;
		}
		t[n] = (struct search_term){.text = arena_strndup(a, s, (size_t)(e - s)),
					    .phrase = phrase,
					    .exclude = exclude};
		positive += !exclude;
		n++;
	}
	if (!n) {
		*why = "q: empty query";
		return -1;
	}
	if (!positive) {
		*why = "q: needs a word that is not excluded";
		return -1;
	}
	if (prefix_last) {
		for (size_t i = n; i-- > 0;) {
			if (t[i].exclude)
				continue;
			if (!t[i].phrase && chars(t[i].text, strlen(t[i].text)) >= 2)
				t[i].prefix = true;
			break;
		}
	}
	out->terms = t;
	out->n = n;
	return 0;
}

int search_type_parse(const char *s, unsigned *out)
{
	static const struct {
		const char *name;
		unsigned type;
	} names[] = {
	    {"all", SEARCH_ALL},
	    {"people", SEARCH_PEOPLE},
	    {"accounts", SEARCH_PEOPLE},
	    {"posts", SEARCH_POSTS},
	    {"statuses", SEARCH_POSTS},
	    {"questions", SEARCH_QUESTIONS},
	    {"communities", SEARCH_COMMUNITIES},
	    {"topics", SEARCH_TOPICS},
	    {"hashtags", SEARCH_HASHTAGS},
	    {"files", SEARCH_FILES},
	    {"messages", SEARCH_MESSAGES},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name)) {
			*out = names[i].type;
			return 0;
		}
	return -1;
}

/* Common English and French words a question is made of, not its topic. */
static const char *const stopwords[] = {
    "about",  "after",	   "again",    "also",	"anyone",  "avec", "been", "before", "best",
    "both",   "cette",	   "comment",  "could", "dans",	   "does", "done", "each",   "elle",
    "est-ce", "even",	   "from",     "good",	"have",	   "help", "here", "how",    "into",
    "just",   "know",	   "knows",    "like",	"looking", "make", "many", "more",   "most",
    "much",   "need",	   "nous",     "only",	"other",   "our",  "pour", "quel",   "quelle",
    "quelqu", "quelqu'un", "question", "qui",	"quoi",	   "sait", "same", "should", "some",
    "such",   "sur",	   "than",     "that",	"their",   "them", "then", "there",  "these",
    "they",   "thing",	   "this",     "those", "tout",	   "very", "vous", "want",   "what",
    "when",   "where",	   "which",    "while", "who",	   "whom", "why",  "will",   "with",
    "would",  "your",
};

static bool stopword(const char *w)
{
	for (size_t i = 0; i < sizeof(stopwords) / sizeof(stopwords[0]); i++)
		if (!strcmp(w, stopwords[i]))
			return true;
	return false;
}

static bool word_byte(char c)
{
	unsigned char u = (unsigned char)c;
	return u >= 0x80 || (u >= '0' && u <= '9') || ((u | 0x20) >= 'a' && (u | 0x20) <= 'z') ||
	       c == '_';
}

/* Adds the normalised word s[0..n) unless it is known, short or common. */
static void keyword_add(struct arena *a, const char *s, size_t n, bool hashtag, const char **v,
			size_t *k, size_t max)
{
	if (*k >= max || (!hashtag && text_utf8_chars(s, n) < 3))
		return;
	char *t = text_tag_normalize(a, s, n);
	if (!t || (!hashtag && stopword(t)))
		return;
	for (size_t i = 0; i < *k; i++)
		if (!strcmp(v[i], t))
			return;
	v[(*k)++] = t;
}

int search_keywords(struct arena *a, const char *text, size_t max, struct search_query *q,
		    const char ***tags, size_t *n_tags)
{
	const char **v = arena_alloc(a, (max + 1) * sizeof(*v));
	size_t k = 0;
	size_t len = text ? strlen(text) : 0;
	if (len > 64 * 1024 || (len && !text_utf8_valid(text, len)))
		return -1;
	for (int pass = 0; pass < 2; pass++) { /* hashtags first, then words */
		for (const char *p = text; p && *p;) {
			bool hashtag = *p == '#';
			const char *s = p + hashtag;
			const char *e = s;
			while (*e && word_byte(*e))
				e++;
			if (e > s && hashtag == (pass == 0))
				keyword_add(a, s, (size_t)(e - s), hashtag, v, &k, max);
			p = e > p ? e : p + 1;
		}
	}
	if (!k)
		return -1;
	struct search_term *t = arena_calloc(a, k, sizeof(*t));
	for (size_t i = 0; i < k; i++)
		t[i].text = v[i];
	*q = (struct search_query){.terms = t, .n = k, .any = true};
	*tags = v;
	*n_tags = k;
	return 0;
}
