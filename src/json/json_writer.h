/*
 * json_writer: a streaming JSON writer into a struct buf.
 *
 * It tracks nesting and commas itself, and escapes every string in one
 * place (jw_str), so handlers never build JSON by hand. Invalid UTF-8 in
 * strings is replaced by U+FFFD. Nesting deeper than JW_MAX_DEPTH is a
 * programming error (assert).
 */
#ifndef MOKA_JSON_WRITER_H
#define MOKA_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define JW_MAX_DEPTH 32

struct jw {
	struct buf *out;
	int depth;
	bool first[JW_MAX_DEPTH];
	bool after_key;
};

void jw_init(struct jw *w, struct buf *out);
void jw_obj_begin(struct jw *w);
void jw_obj_end(struct jw *w);
void jw_arr_begin(struct jw *w);
void jw_arr_end(struct jw *w);
void jw_key(struct jw *w, const char *key);
void jw_str(struct jw *w, const char *s); /* NULL writes null */
void jw_strn(struct jw *w, const char *s, size_t n);
void jw_int(struct jw *w, int64_t v);
void jw_id(struct jw *w, int64_t v); /* ids are strings in the API */
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
void jw_double(struct jw *w, double v);
/* Writes already-serialised JSON as one value. */
void jw_raw(struct jw *w, const char *json, size_t n);
/* ISO 8601 UTC with milliseconds, from milliseconds since the epoch; 0 → null. */
void jw_time(struct jw *w, int64_t ms);

/* Key-value shorthands. */
void jw_kstr(struct jw *w, const char *key, const char *s);
void jw_kint(struct jw *w, const char *key, int64_t v);
void jw_kid(struct jw *w, const char *key, int64_t v);
void jw_kbool(struct jw *w, const char *key, bool v);
void jw_ktime(struct jw *w, const char *key, int64_t ms);
void jw_knull(struct jw *w, const char *key);

/* Escapes s as a JSON string (with quotes) onto out. */
void json_escape(struct buf *out, const char *s, size_t n);

#endif
