/*
 * text_utf8: strict UTF-8 decoding, validation and counting, the check a
 * post's source text must pass, the character classes the renderer uses,
 * and plain-text excerpts.
 */
#include "text/text.h"
#include "text/text_int.h"

#include <string.h>

size_t text_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t v;
	unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0; /* overlong */
		else if (c == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90; /* overlong */
		else if (c == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else {
		return 0; /* continuation byte, C0/C1 overlong lead, F5-FF */
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	*cp = v;
	return len;
}

int text_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	uint32_t cp;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		size_t len = text_utf8_decode(p + i, n - i, &cp);
		if (len == 0)
			return 0;
		i += len;
	}
	return 1;
}

size_t text_utf8_chars(const char *s, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			count++;
	return count;
}

int text_check_post(const char *s, size_t n, size_t max_chars, const char **why)
{
	const unsigned char *p = (const unsigned char *)s;
	const char *reason = NULL;
	size_t i = 0, chars = 0;
	uint32_t cp;

	while (i < n) {
		size_t len = text_utf8_decode(p + i, n - i, &cp);
		if (len == 0) {
			reason = "text is not valid UTF-8";
			goto fail;
		}
		if (cp == 0) {
			reason = "text contains a NUL byte";
			goto fail;
		}
		int control = cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
		int allowed =
		    cp == '\n' || cp == '\t' || (cp == '\r' && i + 1 < n && p[i + 1] == '\n');
		if (control && !allowed) {
			reason = "text contains a control character";
			goto fail;
		}
		i += len;
		chars++;
	}
	if (max_chars && chars > max_chars) {
		reason = "text is longer than the character limit";
		goto fail;
	}
	return 0;

fail:
	if (why)
		*why = reason;
	return -1;
}

int text_is_nonascii_break(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0xBF)	  /* C1 controls, NBSP, Latin-1 punctuation */
	       || cp == 0xD7 || cp == 0xF7	  /* × ÷ */
	       || cp == 0x1680			  /* Ogham space */
	       || (cp >= 0x2000 && cp <= 0x206F)  /* spaces, quotes, dashes, … */
	       || (cp >= 0x2E00 && cp <= 0x2E7F)  /* supplemental punctuation */
	       || (cp >= 0x3000 && cp <= 0x303F)  /* CJK spaces and punctuation */
	       || cp == 0xFEFF			  /* zero-width no-break space */
	       || (cp >= 0xFFF0 && cp <= 0xFFFF); /* specials, U+FFFD */
}

int text_is_word_cp(uint32_t cp)
{
	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
		       (cp >= '0' && cp <= '9') || cp == '_';
	return !text_is_nonascii_break(cp);
}

static int excerpt_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

char *text_excerpt(struct arena *a, const char *src, size_t n, size_t max_chars)
{
	static const char ellipsis[] = "\xE2\x80\xA6"; /* … */
	/* Collapsed text is never longer than the source. */
	char *out = arena_alloc(a, n + sizeof(ellipsis));
	size_t len = 0, chars = 0, cut = 0;
	int pending_space = 0;

	for (size_t i = 0; i < n; i++) {
		char c = src[i];
		if (excerpt_space(c)) {
			pending_space = len > 0;
			continue;
		}
		if (pending_space) {
			if (++chars == max_chars)
				cut = len;
			out[len++] = ' ';
			pending_space = 0;
		}
		/* A code point starts here unless c continues one; remember
		 * where the first max_chars - 1 code points end. */
		if (((unsigned char)c & 0xC0) != 0x80 && ++chars == max_chars)
			cut = len;
		out[len++] = c;
	}
	if (chars > max_chars) {
		len = max_chars ? cut : 0;
		while (len > 0 && out[len - 1] == ' ')
			len--;
		if (max_chars) {
			memcpy(out + len, ellipsis, sizeof(ellipsis) - 1);
			len += sizeof(ellipsis) - 1;
		}
	}
	out[len] = '\0';
	return out;
}
