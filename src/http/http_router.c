/*
 * http_router: the route table and path matching.
 *
 * Routes are matched segment by segment; ":name" captures one segment.
 * A path that matches some route but not the method answers 405.
 */
#include "http/http_int.h"
#include "core/xmalloc.h"

#include <string.h>

static const struct route **table;
/* [i]: the length of table[i]'s pattern before its first parameter, which
 * every path it matches starts with: most routes are ruled out by one
 * memcmp (the walk over a few hundred routes was 2 % of a home page) */
static size_t *literal_len;
static size_t table_len, table_cap;
static const struct route *fallback;

void http_routes_add(const struct route *routes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (table_len == table_cap) {
			table_cap = table_cap ? table_cap * 2 : 64;
			table = xrealloc(table, table_cap * sizeof(*table));
			literal_len = xrealloc(literal_len, table_cap * sizeof(*literal_len));
		}
		literal_len[table_len] = strcspn(routes[i].pattern, ":");
		table[table_len++] = &routes[i];
	}
}

void http_routes_clear(void)
{
	free(table);
	free(literal_len);
	table = NULL;
	literal_len = NULL;
	table_len = table_cap = 0;
	fallback = NULL;
}

void http_routes_fallback(const struct route *r)
{
	fallback = r;
}

/* Matches path against pattern, capturing parameters into req. */
static int match(const char *pattern, const char *path, struct http_request *req)
{
	const char *p = pattern, *s = path;
	int n = 0;
	while (*p && *s) {
		if (*p != '/' || *s != '/')
			return 0;
		p++;
		s++;
		const char *pe = strchrnul(p, '/');
		const char *se = strchrnul(s, '/');
		if (*p == ':') {
			if (se == s || n >= HTTP_MAX_PATH_PARAMS)
				return 0;
			if (req) {
				req->path_names[n] =
				    arena_strndup(req->arena, p + 1, (size_t)(pe - p - 1));
				req->path_params[n] =
				    arena_strndup(req->arena, s, (size_t)(se - s));
			}
			n++;
		} else if (pe - p != se - s || memcmp(p, s, (size_t)(pe - p)) != 0) {
			return 0;
		}
		p = pe;
		s = se;
	}
	if (*p || *s)
		return 0;
	if (req)
		req->n_path_params = n;
	return 1;
}

/* Literal segments in a pattern: a more literal route wins over one with
 * parameters ("/accounts/lookup" over "/accounts/:id"), whatever the order
 * the tables were registered in. */
static int literal_segments(const char *pattern)
{
	int n = 0;
	for (const char *p = pattern; *p; p++)
		if (*p == '/' && p[1] != ':')
			n++;
	return n;
}

const struct route *http_route_find(struct http_request *req, bool *path_known)
{
	const char *method = req->method;
	if (strcmp(method, "HEAD") == 0)
		method = "GET";
	*path_known = false;
	const struct route *best = NULL;
	int best_score = -1;
	for (size_t i = 0; i < table_len; i++) {
		const struct route *r = table[i];
		if (strncmp(r->pattern, req->path, literal_len[i]) != 0 ||
		    !match(r->pattern, req->path, NULL))
			continue;
		*path_known = true;
		if (strcmp(r->method, method) != 0)
			continue;
		int score = literal_segments(r->pattern);
		if (score > best_score) {
			best = r;
			best_score = score;
		}
	}
	if (best)
		match(best->pattern, req->path, req);
	else if (!*path_known && fallback && strcmp(fallback->method, method) == 0)
		best = fallback;
	return best;
}

const char *http_route_allowed(struct http_request *req, struct arena *a)
{
	char *allow = NULL;
	for (size_t i = 0; i < table_len; i++) {
		const struct route *r = table[i];
		if (strncmp(r->pattern, req->path, literal_len[i]) != 0 ||
		    !match(r->pattern, req->path, NULL))
			continue;
		allow = allow ? arena_printf(a, "%s, %s", allow, r->method)
			      : arena_strdup(a, r->method);
	}
	return allow;
}

const char *http_path_param(struct http_request *req, const char *name)
{
	for (int i = 0; i < req->n_path_params; i++)
		if (strcmp(req->path_names[i], name) == 0)
			return req->path_params[i];
	return NULL;
}
