/* json_writer: streaming JSON output with escaping in one place. */
#include "json/json_writer.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void jw_init(struct jw *w, struct buf *out)
{
	w->out = out;
	w->depth = 0;
	w->first[0] = true;
	w->after_key = false;
}

/* Emits the separator before a value (a comma unless first or after a key). */
static void jw_sep(struct jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (!w->first[w->depth])
		buf_putc(w->out, ',');
	w->first[w->depth] = false;
}

static void jw_open(struct jw *w, char c)
{
	jw_sep(w);
	buf_putc(w->out, c);
	assert(w->depth + 1 < JW_MAX_DEPTH);
	w->depth++;
	w->first[w->depth] = true;
}

static void jw_close(struct jw *w, char c)
{
	assert(w->depth > 0);
	w->depth--;
	buf_putc(w->out, c);
}

void jw_obj_begin(struct jw *w)
{
	jw_open(w, '{');
}
void jw_obj_end(struct jw *w)
{
	jw_close(w, '}');
}
void jw_arr_begin(struct jw *w)
{
	jw_open(w, '[');
}
void jw_arr_end(struct jw *w)
{
	jw_close(w, ']');
}

void jw_key(struct jw *w, const char *key)
{
	jw_sep(w);
	json_escape(w->out, key, strlen(key));
	buf_putc(w->out, ':');
	w->after_key = true;
}

/* Length of a valid UTF-8 sequence starting at s (max n bytes), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned min;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	unsigned cp = c & (0xff >> (len + 1));
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void json_escape(struct buf *out, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	static const char hex[] = "0123456789abcdef";
	buf_putc(out, '"');
	size_t run = 0; /* start of the pending run of plain bytes */
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0x80) {
			size_t len = utf8_seq(s + i, n - i);
			if (len) {
				i += len;
				continue;
			}
		}
		buf_append(out, s + run, i - run);
		switch (c) {
		case '"':
			buf_puts(out, "\\\"");
			break;
		case '\\':
			buf_puts(out, "\\\\");
			break;
		case '\n':
			buf_puts(out, "\\n");
			break;
		case '\r':
			buf_puts(out, "\\r");
			break;
		case '\t':
			buf_puts(out, "\\t");
			break;
		default:
			if (c < 0x20) {
				char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
				buf_append(out, e, 6);
			} else {
				buf_puts(out, "\xef\xbf\xbd"); /* invalid UTF-8 */
			}
		}
		i++;
		run = i;
	}
	buf_append(out, s + run, n - run);
	buf_putc(out, '"');
}

void jw_strn(struct jw *w, const char *s, size_t n)
{
	jw_sep(w);
	if (!s) {
		buf_puts(w->out, "null");
		return;
	}
	json_escape(w->out, s, n);
}

void jw_str(struct jw *w, const char *s)
{
	jw_strn(w, s, s ? strlen(s) : 0);
}

/* Decimal digits of v onto out (no printf: this is every id and count). */
static void put_i64(struct buf *out, int64_t v)
{
	char tmp[24];
	char *p = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	buf_append(out, p, (size_t)(tmp + sizeof(tmp) - p));
}

void jw_int(struct jw *w, int64_t v)
{
	jw_sep(w);
	put_i64(w->out, v);
}

void jw_id(struct jw *w, int64_t v)
{
	jw_sep(w);
	if (v <= 0) {
		buf_puts(w->out, "null");
		return;
	}
	buf_putc(w->out, '"');
	put_i64(w->out, v);
	buf_putc(w->out, '"');
}

void jw_bool(struct jw *w, bool v)
{
	jw_sep(w);
	buf_puts(w->out, v ? "true" : "false");
}

void jw_null(struct jw *w)
{
	jw_sep(w);
	buf_puts(w->out, "null");
}

void jw_double(struct jw *w, double v)
{
	jw_sep(w);
	buf_printf(w->out, "%.6g", v);
}

void jw_raw(struct jw *w, const char *json, size_t n)
{
	jw_sep(w);
	buf_append(w->out, json, n);
}

void jw_time(struct jw *w, int64_t ms)
{
	if (ms <= 0) {
		jw_null(w);
		return;
	}
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm); /* strftime would stat the time zone file on every call */
	char s[40];
	snprintf(s, sizeof(s), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
	jw_sep(w);
	buf_putc(w->out, '"');
	buf_puts(w->out, s);
	buf_putc(w->out, '"');
}

void jw_kstr(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_str(w, s);
}
void jw_kint(struct jw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	jw_int(w, v);
}
void jw_kid(struct jw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	jw_id(w, v);
}
void jw_kbool(struct jw *w, const char *key, bool v)
{
	jw_key(w, key);
	jw_bool(w, v);
}
void jw_ktime(struct jw *w, const char *key, int64_t ms)
{
	jw_key(w, key);
	jw_time(w, ms);
}
void jw_knull(struct jw *w, const char *key)
{
	jw_key(w, key);
	jw_null(w);
}
