/*
 * text_render: source text to Mastodon-style HTML, in one pass.
 *
 * The text is cut into lines; blank lines separate paragraphs. Each line
 * is scanned once: at a word boundary, '@', '#' and "http(s)://" may start
 * a mention, a hashtag or a link; everything else is copied HTML-escaped.
 * Every byte of output goes through put() or put_escaped(), so the only
 * markup that can appear is the fixed strings written here. This file also
 * owns tag normalisation and the public HTML escaper.
 */
#include "text/text.h"
#include "text/text_int.h"
#include "core/buf.h"

#include <string.h>
#include <strings.h>

/* A growable array in the arena; old storage is simply left behind. */
struct vec {
	void *ptr;
	size_t len, cap;
};

/* A username already looked up during this render. */
struct lookup {
	const unsigned char *name;
	size_t len;
	int found;
	int64_t user_id;
	const char *username;
};

struct render {
	struct arena *a;
	const struct text_opts *opts;
	const char *base; /* escaped base URL, no trailing '/' */
	struct buf out;
	int err; /* the HTML outgrew its cap */
	struct vec mentions, tags, links, lookups;
};

static const char ellipsis[] = "\xE2\x80\xA6"; /* … */

static void *vec_push(struct arena *a, struct vec *v, size_t size)
{
	if (v->len == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		void *p = arena_alloc(a, cap * size);
		if (v->len)
			memcpy(p, v->ptr, v->len * size);
		v->ptr = p;
		v->cap = cap;
	}
	return (char *)v->ptr + v->len++ * size;
}

static void put(struct render *r, const void *s, size_t n)
{
	if (!r->err && buf_append(&r->out, s, n) < 0)
		r->err = 1;
}

static void put_str(struct render *r, const char *s)
{
	put(r, s, strlen(s));
}

static const char *escape_entity(unsigned char c)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	default:
		return NULL;
	}
}

/* Appends n bytes at s to b, escaped; returns 0 or -1 (cap reached). */
static int escape_into(struct buf *b, const unsigned char *s, size_t n)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		const char *ent = escape_entity(s[i]);
		if (!ent)
			continue;
		if (buf_append(b, s + run, i - run) < 0 || buf_puts(b, ent) < 0)
			return -1;
		run = i + 1;
	}
	return buf_append(b, s + run, n - run);
}

static void put_escaped(struct render *r, const unsigned char *s, size_t n)
{
	if (!r->err && escape_into(&r->out, s, n) < 0)
		r->err = 1;
}

char *text_html_escape(struct arena *a, const char *s, size_t n)
{
	struct buf b;
	buf_init(&b, 0);
	if (escape_into(&b, (const unsigned char *)s, n) < 0) {
		/* Only past BUF_MAX_DEFAULT: the caller's arena could not hold
		 * it either. */
		buf_free(&b);
		return NULL;
	}
	char *res = arena_strndup(a, b.ptr ? b.ptr : "", b.len);
	buf_free(&b);
	return res;
}

/* ---- tag normalisation ------------------------------------------------ */

/* Latin-1 and Latin Extended-A letters and their folded lowercase forms. */
static const struct fold {
	uint16_t lo, hi;
	char to[3];
} fold_table[] = {
    {0xC0, 0xC5, "a"},	 {0xC6, 0xC6, "ae"},   {0xC7, 0xC7, "c"},   {0xC8, 0xCB, "e"},
    {0xCC, 0xCF, "i"},	 {0xD0, 0xD0, "d"},    {0xD1, 0xD1, "n"},   {0xD2, 0xD6, "o"},
    {0xD8, 0xD8, "o"},	 {0xD9, 0xDC, "u"},    {0xDD, 0xDD, "y"},   {0xDE, 0xDE, "th"},
    {0xDF, 0xDF, "ss"},	 {0xE0, 0xE5, "a"},    {0xE6, 0xE6, "ae"},  {0xE7, 0xE7, "c"},
    {0xE8, 0xEB, "e"},	 {0xEC, 0xEF, "i"},    {0xF0, 0xF0, "d"},   {0xF1, 0xF1, "n"},
    {0xF2, 0xF6, "o"},	 {0xF8, 0xF8, "o"},    {0xF9, 0xFC, "u"},   {0xFD, 0xFD, "y"},
    {0xFE, 0xFE, "th"},	 {0xFF, 0xFF, "y"},    {0x100, 0x105, "a"}, {0x106, 0x10D, "c"},
    {0x10E, 0x111, "d"}, {0x112, 0x11B, "e"},  {0x11C, 0x123, "g"}, {0x124, 0x127, "h"},
    {0x128, 0x131, "i"}, {0x132, 0x133, "ij"}, {0x134, 0x135, "j"}, {0x136, 0x138, "k"},
    {0x139, 0x142, "l"}, {0x143, 0x14B, "n"},  {0x14C, 0x151, "o"}, {0x152, 0x153, "oe"},
    {0x154, 0x159, "r"}, {0x15A, 0x161, "s"},  {0x162, 0x167, "t"}, {0x168, 0x173, "u"},
    {0x174, 0x175, "w"}, {0x176, 0x178, "y"},  {0x179, 0x17E, "z"}, {0x17F, 0x17F, "s"},
};

static const char *fold_letter(uint32_t cp)
{
	if (cp < 0xC0 || cp > 0x17F)
		return NULL;
	for (size_t i = 0; i < sizeof(fold_table) / sizeof(fold_table[0]); i++)
		if (cp >= fold_table[i].lo && cp <= fold_table[i].hi)
			return fold_table[i].to;
	return NULL;
}

static int tag_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

char *text_tag_normalize(struct arena *a, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	char tmp[TEXT_TAG_MAX];
	size_t len = 0, i = 0;
	int sep = 0, has_letter = 0;

	if (n && p[0] == '#') {
		p++;
		n--;
	}
	while (n && tag_blank(p[0])) {
		p++;
		n--;
	}
	while (n && tag_blank(p[n - 1]))
		n--;
	while (i < n) {
		uint32_t cp;
		size_t l = text_utf8_decode(p + i, n - i, &cp);
		if (l == 0)
			return NULL;
		const char *piece = (const char *)p + i;
		size_t piece_len = l;
		char lower;
		i += l;
		if (cp == ' ' || cp == '\t' || cp == '-') {
			sep = 1;
			continue;
		} else if (cp >= 'A' && cp <= 'Z') {
			lower = (char)(cp - 'A' + 'a');
			piece = &lower;
		} else if (cp >= 0x80 && fold_letter(cp)) {
			piece = fold_letter(cp);
			piece_len = strlen(piece);
		} else if (!text_is_word_cp(cp)) {
			return NULL;
		}
		if (cp < '0' || cp > '9')
			has_letter = 1;
		if (sep && len) {
			if (len == sizeof(tmp))
				return NULL;
			tmp[len++] = '-';
		}
		sep = 0;
		if (piece_len > sizeof(tmp) - len)
			return NULL;
		memcpy(tmp + len, piece, piece_len);
		len += piece_len;
	}
	if (len == 0 || !has_letter)
		return NULL;
	return arena_strndup(a, tmp, len);
}

/* ---- scanning helpers ------------------------------------------------- */

/* Is position i of the line starting at start at a word boundary? */
static int boundary_before(const unsigned char *p, size_t start, size_t i)
{
	uint32_t cp;
	size_t j = i;

	if (i == start)
		return 1;
	do
		j--;
	while (j > start && (p[j] & 0xC0) == 0x80);
	if (text_utf8_decode(p + j, i - j, &cp) == 0)
		return 1;
	return !text_is_word_cp(cp);
}

/* Does a non-ASCII word character start at p[i]? */
static int word_at(const unsigned char *p, size_t i, size_t end)
{
	uint32_t cp;
	return i < end && text_utf8_decode(p + i, end - i, &cp) && text_is_word_cp(cp);
}

static int username_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

/* ---- mentions --------------------------------------------------------- */

/*
 * Returns what the resolver says about a spelling, asking it at most once
 * per spelling, or NULL once TEXT_LOOKUPS_MAX spellings have been asked.
 */
static struct lookup *mention_lookup(struct render *r, const unsigned char *name, size_t len)
{
	struct lookup *seen = r->lookups.ptr;
	for (size_t k = 0; k < r->lookups.len; k++)
		if (seen[k].len == len && memcmp(seen[k].name, name, len) == 0)
			return &seen[k];
	if (r->lookups.len == TEXT_LOOKUPS_MAX)
		return NULL;

	struct lookup *l = vec_push(r->a, &r->lookups, sizeof(*l));
	const char *canon = NULL;
	l->name = name;
	l->len = len;
	l->found = r->opts->resolve(r->opts->resolve_ctx, (const char *)name, len, &l->user_id,
				    &canon) == 0;
	if (l->found)
		l->username = canon ? arena_strdup(r->a, canon)
				    : arena_strndup(r->a, (const char *)name, len);
	return l;
}

static void mention_add(struct render *r, int64_t user_id, const char *username)
{
	struct text_mention *m = r->mentions.ptr;
	for (size_t k = 0; k < r->mentions.len; k++)
		if (m[k].user_id == user_id)
			return;
	m = vec_push(r->a, &r->mentions, sizeof(*m));
	m->user_id = user_id;
	m->username = username;
}

/*
 * Handles "@name" at p[i]. Returns the bytes consumed (and written), or 0
 * if this '@' starts nothing and is to be copied as text.
 */
static size_t render_mention(struct render *r, const unsigned char *p, size_t i, size_t end)
{
	size_t j = i + 1;
	while (j < end && username_char(p[j]))
		j++;
	while (j > i + 1 && p[j - 1] == '.')
		j--;
	size_t len = j - (i + 1);
	if (len == 0)
		return 0;
	int remote = j + 1 < end && p[j] == '@' && word_at(p, j + 1, end);
	if (len > TEXT_USERNAME_MAX || remote || (j < end && p[j] >= 0x80 && word_at(p, j, end)) ||
	    !r->opts->resolve)
		goto text;

	struct lookup *l = mention_lookup(r, p + i + 1, len);
	if (!l || !l->found)
		goto text;
	mention_add(r, l->user_id, l->username);
	size_t ulen = strlen(l->username);
	put_str(r, "<span class=\"h-card\"><a href=\"");
	put_str(r, r->base);
	put_str(r, "/@");
	put_escaped(r, (const unsigned char *)l->username, ulen);
	put_str(r, "\" class=\"u-url mention\">@<span>");
	put_escaped(r, (const unsigned char *)l->username, ulen);
	put_str(r, "</span></a></span>");
	return j - i;

text:
	put_escaped(r, p + i, j - i);
	return j - i;
}

/* ---- hashtags --------------------------------------------------------- */

static void tag_add(struct render *r, const char *name)
{
	const char **t = r->tags.ptr;
	for (size_t k = 0; k < r->tags.len; k++)
		if (strcmp(t[k], name) == 0)
			return;
	t = vec_push(r->a, &r->tags, sizeof(*t));
	*t = name;
}

/* Writes a normalised tag for an href: non-ASCII bytes percent-encoded. */
static void put_tag_path(struct render *r, const char *name)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
		if (*c < 0x80) {
			put(r, c, 1);
		} else {
			char pct[3] = {'%', hex[*c >> 4], hex[*c & 0xF]};
			put(r, pct, sizeof(pct));
		}
	}
}

/* Handles "#tag" at p[i]; returns the bytes consumed, 0 for none. */
static size_t render_tag(struct render *r, const unsigned char *p, size_t i, size_t end)
{
	size_t j = i + 1;
	uint32_t cp;
	size_t l;
	while (j < end && (l = text_utf8_decode(p + j, end - j, &cp)) && text_is_word_cp(cp))
		j += l;
	size_t len = j - (i + 1);
	if (len == 0)
		return 0;
	char *name =
	    len <= TEXT_TAG_MAX ? text_tag_normalize(r->a, (const char *)p + i + 1, len) : NULL;
	if (!name) {
		/* Too long or digits only: the whole word stays text. */
		put_escaped(r, p + i, j - i);
		return j - i;
	}
	tag_add(r, name);
	put_str(r, "<a href=\"");
	put_str(r, r->base);
	put_str(r, "/tags/");
	put_tag_path(r, name);
	put_str(r, "\" class=\"mention hashtag\" rel=\"tag\">#<span>");
	put_escaped(r, p + i + 1, len);
	put_str(r, "</span></a>");
	return j - i;
}

/* ---- links ------------------------------------------------------------ */

static size_t scheme_len(const unsigned char *p, size_t i, size_t end)
{
	static const char *const schemes[] = {"https://", "http://"};
	for (size_t k = 0; k < 2; k++) {
		size_t n = strlen(schemes[k]);
		if (end - i >= n && strncasecmp((const char *)p + i, schemes[k], n) == 0)
			return n;
	}
	return 0;
}

/* Where does a URL starting at p[i] stop, before trimming? */
static size_t url_run_end(const unsigned char *p, size_t i, size_t end)
{
	while (i < end) {
		unsigned char c = p[i];
		uint32_t cp;
		size_t l = 1;
		if (c < 0x80) {
			if (c <= 0x20 || c == 0x7F || c == '<' || c == '>' || c == '"')
				break;
		} else if ((l = text_utf8_decode(p + i, end - i, &cp)) == 0 ||
			   text_is_nonascii_break(cp)) {
			break;
		}
		i += l;
	}
	return i;
}

/* Drops trailing punctuation and unbalanced ')' from the URL [i, j). */
static size_t url_trim(const unsigned char *p, size_t i, size_t j)
{
	size_t open = 0, close = 0;
	for (size_t k = i; k < j; k++) {
		open += p[k] == '(';
		close += p[k] == ')';
	}
	while (j > i) {
		unsigned char c = p[j - 1];
		if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' ||
		    c == '\'') {
			j--;
		} else if (c == ')' && close > open) {
			close--;
			j--;
		} else {
			break;
		}
	}
	return j;
}

static void link_add(struct render *r, const unsigned char *url, size_t len)
{
	const char **l = r->links.ptr;
	for (size_t k = 0; k < r->links.len; k++)
		if (strlen(l[k]) == len && memcmp(l[k], url, len) == 0)
			return;
	l = vec_push(r->a, &r->links, sizeof(*l));
	*l = arena_strndup(r->a, (const char *)url, len);
}

/* Handles "http(s)://…" at p[i]; returns the bytes consumed, 0 for none. */
static size_t render_link(struct render *r, const unsigned char *p, size_t i, size_t end)
{
	size_t sl = scheme_len(p, i, end);
	if (sl == 0 || i + sl == end)
		return 0;
	/* The host is checked before the URL is scanned, so that a line of
	 * "http://.http://." is not rescanned from every scheme: past this
	 * point the URL, or the over-long run, is consumed. */
	unsigned char h = p[i + sl];
	if (!((h >= 'a' && h <= 'z') || (h >= 'A' && h <= 'Z') || (h >= '0' && h <= '9') ||
	      h == '[' || h >= 0x80))
		return 0;
	size_t run = url_run_end(p, i + sl, end);
	size_t j = url_trim(p, i + sl, run);
	if (j == i + sl)
		return 0; /* a non-ASCII space or punctuation after "://" */
	if (j - i > TEXT_URL_MAX) {
		put_escaped(r, p + i, run - i);
		return run - i;
	}
	link_add(r, p + i, j - i);
	put_str(r, "<a href=\"");
	put_escaped(r, p + i, j - i);
	put_str(r, "\" rel=\"nofollow noopener noreferrer\" target=\"_blank\">");
	size_t d = i + sl, chars = 0;
	while (d < j && chars < TEXT_URL_DISPLAY_MAX) {
		d++;
		while (d < j && (p[d] & 0xC0) == 0x80)
			d++;
		chars++;
	}
	put_escaped(r, p + i + sl, d - (i + sl));
	if (d < j)
		put(r, ellipsis, sizeof(ellipsis) - 1);
	put_str(r, "</a>");
	return j - i;
}

/* ---- lines and paragraphs --------------------------------------------- */

/* Renders the line [start, end) (no newline in it). */
static void render_line(struct render *r, const unsigned char *p, size_t start, size_t end)
{
	size_t i = start, text = start;
	while (i < end) {
		unsigned char c = p[i];
		size_t used = 0;
		if ((c == '@' || c == '#' || c == 'h' || c == 'H') &&
		    boundary_before(p, start, i)) {
			put_escaped(r, p + text, i - text);
			text = i;
			if (c == '@')
				used = render_mention(r, p, i, end);
			else if (c == '#')
				used = render_tag(r, p, i, end);
			else
				used = render_link(r, p, i, end);
		}
		i += used ? used : 1;
		if (used)
			text = i;
	}
	put_escaped(r, p + text, end - text);
}

static int line_blank(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return 0;
	return 1;
}

static const char *base_escaped(struct arena *a, const char *base)
{
	if (!base)
		return "";
	size_t n = strlen(base);
	while (n && base[n - 1] == '/')
		n--;
	return text_html_escape(a, base, n);
}

int text_render(struct arena *a, const char *src, size_t n, const struct text_opts *opts,
		struct text_rendered *out)
{
	static const struct text_opts no_opts;
	const unsigned char *p = (const unsigned char *)src;
	struct render r = {.a = a, .opts = opts ? opts : &no_opts};
	size_t pos = 0;
	int para = 0;

	memset(out, 0, sizeof(*out));
	if (n && (!text_utf8_valid(src, n) || memchr(src, '\0', n)))
		return -1;
	r.base = base_escaped(a, r.opts->base_url);
	if (!r.base)
		return -1;
	buf_init(&r.out, 0);
	while (pos < n) {
		const unsigned char *nl = memchr(p + pos, '\n', n - pos);
		size_t next = nl ? (size_t)(nl - p) + 1 : n;
		size_t end = nl ? (size_t)(nl - p) : n;
		if (end > pos && p[end - 1] == '\r')
			end--;
		if (line_blank(p + pos, end - pos)) {
			if (para)
				put_str(&r, "</p>");
			para = 0;
		} else {
			put_str(&r, para ? "<br />" : "<p>");
			para = 1;
			render_line(&r, p, pos, end);
		}
		pos = next;
	}
	if (para)
		put_str(&r, "</p>");
	if (r.err) {
		buf_free(&r.out);
		memset(out, 0, sizeof(*out));
		return -1;
	}
	out->html = arena_strndup(a, r.out.ptr ? r.out.ptr : "", r.out.len);
	out->html_len = r.out.len;
	buf_free(&r.out);
	out->mentions = r.mentions.ptr;
	out->mentions_len = r.mentions.len;
	out->tags = r.tags.ptr;
	out->tags_len = r.tags.len;
	out->links = r.links.ptr;
	out->links_len = r.links.len;
	return 0;
}
