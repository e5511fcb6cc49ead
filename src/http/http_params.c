/*
 * http_params: request parameters from JSON bodies, urlencoded and
 * multipart forms, and the query string, with typed, validated getters.
 *
 * JSON bodies must be objects nested at most JSON_MAX_DEPTH deep; strings
 * must be valid UTF-8 wherever they come from.
 */
#include "http/http_int.h"

#include <ctype.h>
#include <errno.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 16

static bool utf8_ok(const char *s, size_t n)
{
	json_t *j = json_stringn(s, n); /* jansson validates UTF-8 strictly */
	if (!j)
		return false;
	json_decref(j);
	return memchr(s, '\0', n) == NULL;
}

/* Nesting depth of a JSON text, ignoring brackets inside strings. */
static int json_depth(const char *s, size_t n)
{
	int depth = 0, max = 0;
	bool in_str = false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
		} else if (c == '"') {
			in_str = true;
		} else if (c == '{' || c == '[') {
			if (++depth > max)
				max = depth;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return max;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decodes application/x-www-form-urlencoded text in place (a path's when
 * plus is false: '+' stays); returns the new length. */
static size_t url_decode_as(char *s, size_t n, bool plus)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+' && plus) {
			s[o++] = ' ';
		} else if (s[i] == '%' && i + 2 < n && hexval((unsigned char)s[i + 1]) >= 0 &&
			   hexval((unsigned char)s[i + 2]) >= 0) {
			s[o++] = (char)(hexval((unsigned char)s[i + 1]) * 16 +
					hexval((unsigned char)s[i + 2]));
			i += 2;
		} else {
			s[o++] = s[i];
		}
	}
	s[o] = '\0';
	return o;
}

static size_t url_decode(char *s, size_t n)
{
	return url_decode_as(s, n, true);
}

void http_path_unescape(char *path)
{
	url_decode_as(path, strlen(path), false);
}

static void param_push(struct http_request *req, const char *key, size_t klen, char *val,
		       size_t vlen)
{
	struct http_param *p = arena_calloc(req->arena, 1, sizeof(*p));
	p->key = arena_strndup(req->arena, key, klen);
	p->value = val;
	p->len = vlen;
	/* keep document order: append */
	struct http_param **tail = &req->params;
	while (*tail)
		tail = &(*tail)->next;
	*tail = p;
}

/* The next key=value of urlencoded text at *s (before end), decoded in
 * place; *s moves past it. False at the end. */
static bool urlencoded_next(char **s, char *end, char **key, size_t *klen, char **val, size_t *vlen)
{
	if (*s >= end)
		return false;
	char *amp = memchr(*s, '&', (size_t)(end - *s));
	if (!amp)
		amp = end;
	*amp = '\0';
	char *eq = strchr(*s, '=');
	*key = *s;
	*val = eq ? eq + 1 : amp;
	*klen = url_decode(*s, (size_t)((eq ? eq : amp) - *s));
	*vlen = eq ? url_decode(*val, (size_t)(amp - *val)) : 0;
	*s = amp + 1;
	return true;
}

static int parse_urlencoded(struct http_request *req)
{
	char *s = arena_strndup(req->arena, req->body.ptr ? req->body.ptr : "", req->body.len);
	char *end = s + req->body.len, *key, *val;
	size_t klen, vlen;
	while (urlencoded_next(&s, end, &key, &klen, &val, &vlen)) {
		if (!klen)
			continue;
		if (!utf8_ok(key, klen) || !utf8_ok(val, vlen))
			return http_error(req, 400, "form field is not valid UTF-8");
		param_push(req, key, klen, val, vlen);
	}
	return 0;
}

struct http_param *http_query_parse(struct arena *a, const char *q)
{
	size_t n = strlen(q);
	char *s = arena_strndup(a, q, n), *end = s + n, *key, *val;
	size_t klen, vlen;
	struct http_param *head = NULL, **tail = &head;
	while (urlencoded_next(&s, end, &key, &klen, &val, &vlen)) {
		if (!klen)
			continue;
		struct http_param *p = arena_calloc(a, 1, sizeof(*p));
		p->key = key;
		p->value = val;
		p->len = vlen;
		*tail = p;
		tail = &p->next;
	}
	return head;
}

struct mp_state {
	struct http_request *req;
	size_t total;
	bool too_large;
};

static enum MHD_Result mp_iter(void *cls, enum MHD_ValueKind kind, const char *key,
			       const char *filename, const char *content_type,
			       const char *transfer_encoding, const char *data, uint64_t off,
			       size_t size)
{
	struct mp_state *st = cls;
	struct http_request *req = st->req;
	struct http_param *last = req->params;
	while (last && last->next)
		last = last->next;
	if (!(off > 0 && last && strcmp(last->key, key) == 0))
		last = http_param_add(req, key, filename, content_type);
	http_param_extend(req, last, data, size);
	return MHD_YES;
}

struct http_param *http_param_add(struct http_request *req, const char *key, const char *filename,
				  const char *content_type)
{
	param_push(req, key, strlen(key), arena_strndup(req->arena, "", 0), 0);
	struct http_param *p = req->params;
	while (p->next)
		p = p->next;
	if (filename)
		p->filename = arena_strdup(req->arena, filename);
	if (content_type)
		p->content_type = arena_strdup(req->arena, content_type);
	return p;
}

void http_param_extend(struct http_request *req, struct http_param *p, const char *data,
		       size_t size)
{
	if (!size)
		return;
	char *v = arena_alloc(req->arena, p->len + size + 1);
	memcpy(v, p->value, p->len);
	memcpy(v + p->len, data, size);
	v[p->len + size] = '\0';
	p->value = v;
	p->len += size;
}

static int parse_multipart(struct http_request *req)
{
	struct mp_state st = {.req = req};
	struct MHD_PostProcessor *pp =
	    MHD_create_post_processor(req->conn, 64 * 1024, mp_iter, &st);
	if (!pp)
		return http_error(req, 400, "malformed multipart body");
	enum MHD_Result r = MHD_post_process(pp, req->body.ptr ? req->body.ptr : "", req->body.len);
	MHD_destroy_post_processor(pp);
	if (r != MHD_YES)
		return http_error(req, 400, "malformed multipart body");
	for (struct http_param *p = req->params; p; p = p->next)
		if (!p->filename && !utf8_ok(p->value, p->len))
			return http_error(req, 400, "form field '%s' is not valid UTF-8", p->key);
	return 0;
}

static bool type_is(const char *ct, const char *want)
{
	size_t n = strlen(want);
	return strncasecmp(ct, want, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

int http_params_parse(struct http_request *req)
{
	if (req->body.len == 0)
		return 0;
	const char *ct = http_header(req, "Content-Type");
	if (!ct)
		ct = "";
	if (type_is(ct, "application/json") || (strstr(ct, "+json") && type_is(ct, ct))) {
		if (json_depth(req->body.ptr, req->body.len) > JSON_MAX_DEPTH)
			return http_error(req, 400, "JSON nested too deeply");
		json_error_t err;
		json_t *j = json_loadb(req->body.ptr, req->body.len, JSON_REJECT_DUPLICATES, &err);
		if (!j)
			return http_error(req, 400, "malformed JSON: %s (line %d, column %d)",
					  err.text, err.line, err.column);
		if (!json_is_object(j)) {
			json_decref(j);
			return http_error(req, 400, "the JSON body must be an object");
		}
		req->json = j;
		return 0;
	}
	if (type_is(ct, "application/x-www-form-urlencoded"))
		return parse_urlencoded(req);
	if (type_is(ct, "multipart/form-data"))
		return parse_multipart(req);
	return http_error(req, 415, "unsupported Content-Type '%s' (use application/json)", ct);
}

void http_params_free(struct http_request *req)
{
	if (req->json)
		json_decref(req->json);
	req->json = NULL;
}

/* --- lookup ------------------------------------------------------------ */

static const struct http_param *form_find(struct http_request *req, const char *name)
{
	size_t n = strlen(name);
	for (const struct http_param *p = req->params; p; p = p->next)
		if (strncmp(p->key, name, n) == 0 &&
		    (p->key[n] == '\0' || strcmp(p->key + n, "[]") == 0))
			return p;
	return NULL;
}

int64_t http_parse_id(const char *s)
{
	if (!s || !*s || strlen(s) > 19)
		return 0;
	int64_t v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (*p - '0');
	}
	return v;
}

int http_param_str(struct http_request *req, const char *name, size_t max_bytes, const char **out)
{
	const char *v = NULL;
	size_t len = 0;
	json_t *j = req->json ? json_object_get(req->json, name) : NULL;
	if (j && !json_is_null(j)) {
		if (!json_is_string(j))
			return http_error(req, 422, "%s: expected a string", name);
		v = json_string_value(j);
		len = json_string_length(j);
		if (memchr(v, '\0', len))
			return http_error(req, 422, "%s: contains a NUL character", name);
	} else if (!j) {
		const struct http_param *p = form_find(req, name);
		if (p) {
			if (p->filename)
				return http_error(req, 422, "%s: expected a text field, not a file",
						  name);
			v = p->value;
			len = p->len;
		} else {
			v = http_query(req, name);
			if (v) {
				len = strlen(v);
				if (!utf8_ok(v, len))
					return http_error(req, 422, "%s: not valid UTF-8", name);
			}
		}
	}
	if (!v)
		return 0;
	if (len > max_bytes)
		return http_error(req, 422, "%s: too long (at most %zu bytes)", name, max_bytes);
	*out = v;
	return 1;
}

int http_param_require(struct http_request *req, const char *name, size_t max_bytes,
		       const char **out)
{
	int r = http_param_str(req, name, max_bytes, out);
	if (r == 0)
		return http_error(req, 422, "%s: required", name);
	return r;
}

int http_param_bool(struct http_request *req, const char *name, bool *out)
{
	json_t *j = req->json ? json_object_get(req->json, name) : NULL;
	if (j) {
		if (json_is_null(j))
			return 0;
		if (!json_is_boolean(j))
			return http_error(req, 422, "%s: expected true or false", name);
		*out = json_is_true(j);
		return 1;
	}
	const char *v;
	int r = http_param_str(req, name, 16, &v);
	if (r <= 0)
		return r;
	if (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "on"))
		*out = true;
	else if (!strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "off") || !*v)
		*out = false;
	else
		return http_error(req, 422, "%s: expected true or false", name);
	return 1;
}

int http_param_int(struct http_request *req, const char *name, int64_t min, int64_t max,
		   int64_t *out)
{
	int64_t v;
	json_t *j = req->json ? json_object_get(req->json, name) : NULL;
	if (j && json_is_integer(j)) {
		v = json_integer_value(j);
	} else if (j && !json_is_string(j)) {
		if (json_is_null(j))
			return 0;
		return http_error(req, 422, "%s: expected an integer", name);
	} else {
		const char *s;
		int r = http_param_str(req, name, 24, &s);
		if (r <= 0)
			return r;
		char *end;
		errno = 0;
		long long n = strtoll(s, &end, 10);
		if (errno || end == s || *end)
			return http_error(req, 422, "%s: expected an integer", name);
		v = n;
	}
	if (v < min || v > max)
		return http_error(req, 422, "%s: must be between %lld and %lld", name,
				  (long long)min, (long long)max);
	*out = v;
	return 1;
}

struct qcollect {
	struct http_request *req;
	const char *name;
	size_t name_len;
	const char **items;
	size_t n, max;
	bool overflow;
};

static enum MHD_Result qcollect_iter(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *value)
{
	struct qcollect *q = cls;
	if (strncmp(key, q->name, q->name_len) != 0 ||
	    !(key[q->name_len] == '\0' || strcmp(key + q->name_len, "[]") == 0))
		return MHD_YES;
	if (q->n >= q->max) {
		q->overflow = true;
		return MHD_NO;
	}
	q->items[q->n++] = value ? value : "";
	return MHD_YES;
}

int http_param_strv(struct http_request *req, const char *name, size_t max_items, size_t max_bytes,
		    const char ***out, size_t *n)
{
	const char **items = arena_calloc(req->arena, max_items + 1, sizeof(*items));
	size_t count = 0;
	json_t *j = req->json ? json_object_get(req->json, name) : NULL;
	if (!j && req->json) {
		char *alt = arena_printf(req->arena, "%s[]", name);
		j = json_object_get(req->json, alt);
	}
	if (j) {
		if (json_is_null(j))
			return 0;
		if (!json_is_array(j))
			return http_error(req, 422, "%s: expected an array of strings", name);
		if (json_array_size(j) > max_items)
			return http_error(req, 422, "%s: at most %zu items", name, max_items);
		size_t i;
		json_t *e;
		json_array_foreach(j, i, e)
		{
			if (!json_is_string(e))
				return http_error(req, 422, "%s: expected an array of strings",
						  name);
			if (json_string_length(e) > max_bytes)
				return http_error(req, 422, "%s: item too long (at most %zu bytes)",
						  name, max_bytes);
			items[count++] = json_string_value(e);
		}
	} else if (req->params) {
		size_t nl = strlen(name);
		for (const struct http_param *p = req->params; p; p = p->next) {
			if (strncmp(p->key, name, nl) != 0 ||
			    !(p->key[nl] == '\0' || strcmp(p->key + nl, "[]") == 0))
				continue;
			if (count >= max_items)
				return http_error(req, 422, "%s: at most %zu items", name,
						  max_items);
			if (p->len > max_bytes)
				return http_error(req, 422, "%s: item too long (at most %zu bytes)",
						  name, max_bytes);
			items[count++] = p->value;
		}
	}
	if (count == 0 && !j) {
		struct qcollect q = {req, name, strlen(name), items, 0, max_items, false};
		http_query_each(req, qcollect_iter, &q);
		if (q.overflow)
			return http_error(req, 422, "%s: at most %zu items", name, max_items);
		for (size_t i = 0; i < q.n; i++)
			if (strlen(items[i]) > max_bytes || !utf8_ok(items[i], strlen(items[i])))
				return http_error(req, 422, "%s: bad item", name);
		count = q.n;
		if (count == 0)
			return 0;
	}
	*out = items;
	*n = count;
	return 1;
}

const struct http_param *http_param_file(struct http_request *req, const char *name)
{
	const struct http_param *p = form_find(req, name);
	return p && p->filename ? p : NULL;
}
