/*
 * api_search: search (Mastodon's /api/v2/search and Moka's
 * /api/moka/v1/search), the expertise locator (/api/moka/v1/experts), the
 * people directory (/api/moka/v1/people) and ask my network (inviting
 * people to answer a question, "Questions for you"). Rules live in
 * search/.
 */
#include "api/api.h"
#include "app/app.h"
#include "http/http.h"
#include "search/search.h"

#include <string.h>

#define LIMIT_DEFAULT 20
#define LIMIT_MAX 40
#define OFFSET_MAX 10000
#define EXPERTS_DEFAULT 10
#define EXPERTS_MAX 50
#define TEXT_MAX (16 * 1024)

static void fail(struct http_request *req, enum search_rc rc, const char *why)
{
	switch (rc) {
	case SEARCH_INVALID:
		http_error(req, 422, "%s", why ? why : "invalid");
		break;
	case SEARCH_NOT_FOUND:
		http_error(req, 404, NOT_FOUND);
		break;
	case SEARCH_FORBIDDEN:
		http_error(req, 403, "%s", why ? why : "forbidden");
		break;
	default:
		http_error(req, 500, "the store failed; try again");
		break;
	}
}

/* The query string q: present, at most SEARCH_Q_MAX bytes (checked by the
 * parser, which names q). -1 after a 422. */
static int q_param(struct http_request *req, const char *name, const char **q)
{
	*q = NULL;
	if (http_param_str(req, name, 64 * 1024, q) < 0)
		return -1;
	if (!*q)
		return http_error(req, 422, "%s: missing", name);
	if (strlen(*q) > SEARCH_Q_MAX)
		return http_error(req, 422, "%s: at most %d bytes", name, SEARCH_Q_MAX);
	return 0;
}

/* limit and offset; -1 after a 422. */
static int page_params(struct http_request *req, int def, int max, int *limit, size_t *offset)
{
	int64_t l = def, o = 0;
	if (http_param_int(req, "limit", 1, 1000, &l) < 0 ||
	    http_param_int(req, "offset", 0, OFFSET_MAX, &o) < 0)
		return -1;
	*limit = l > max ? max : (int)l;
	*offset = (size_t)o;
	return 0;
}

/* type: one name or a comma-separated list. */
static int types_param(struct http_request *req, unsigned *types)
{
	const char *t = NULL;
	*types = SEARCH_ALL;
	if (http_param_str(req, "type", 200, &t) < 0)
		return -1;
	if (!t || !*t)
		return 0;
	*types = 0;
	char one[32];
	for (const char *p = t; *p;) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		unsigned bit;
		if (n >= sizeof(one))
			return http_error(req, 422, "type: unknown type");
		memcpy(one, p, n);
		one[n] = 0;
		if (search_type_parse(one, &bit) < 0)
			return http_error(req, 422,
					  "type: expected people, posts, questions, communities, "
					  "topics, hashtags, files, messages or all");
		*types |= bit;
		p += n + (e != NULL);
	}
	return 0;
}

static int id_param(struct http_request *req, const char *name, int64_t *out)
{
	const char *s = NULL;
	*out = 0;
	if (http_param_str(req, name, 24, &s) < 0)
		return -1;
	if (s && *s && !(*out = http_parse_id(s)))
		return http_error(req, 422, "%s: expected an id", name);
	return 0;
}

static void moka_search(struct http_request *req)
{
	struct search_request r = {0};
	if (q_param(req, "q", &r.q) < 0 || types_param(req, &r.types) < 0 ||
	    page_params(req, r.types == SEARCH_ALL ? 5 : LIMIT_DEFAULT, LIMIT_MAX, &r.limit,
			&r.offset) < 0 ||
	    http_param_bool(req, "as_you_type", &r.as_you_type) < 0 ||
	    http_param_str(req, "department", 200, &r.department) < 0 ||
	    http_param_str(req, "location", 200, &r.location) < 0 ||
	    id_param(req, "author_id", &r.author_id) < 0 ||
	    id_param(req, "community_id", &r.community_id) < 0)
		return;
	if (r.department && !*r.department)
		r.department = NULL;
	if (r.location && !*r.location)
		r.location = NULL;
	const char *why = NULL;
	enum search_rc rc = search_render(req->app, req->arena, &req->jw, req->viewer, &r, &why);
	if (rc != SEARCH_OK) {
		fail(req, rc, why);
		return;
	}
	http_json(req, 200);
}

static void mastodon_search(struct http_request *req)
{
	struct search_request r = {0};
	if (q_param(req, "q", &r.q) < 0 || types_param(req, &r.types) < 0 ||
	    page_params(req, LIMIT_DEFAULT, LIMIT_MAX, &r.limit, &r.offset) < 0 ||
	    id_param(req, "account_id", &r.author_id) < 0)
		return;
	const char *why = NULL;
	enum search_rc rc =
	    search_render_mastodon(req->app, req->arena, &req->jw, req->viewer, &r, &why);
	if (rc != SEARCH_OK) {
		fail(req, rc, why);
		return;
	}
	http_json(req, 200);
}

static void experts(struct http_request *req)
{
	const char *q = NULL, *text = NULL;
	int limit;
	size_t offset;
	if (http_param_str(req, "q", 64 * 1024, &q) < 0 ||
	    http_param_str(req, "text", TEXT_MAX, &text) < 0 ||
	    page_params(req, EXPERTS_DEFAULT, EXPERTS_MAX, &limit, &offset) < 0)
		return;
	if (!q && !text) {
		http_error(req, 422, "q: missing (or text: a question being written)");
		return;
	}
	if (q && strlen(q) > SEARCH_Q_MAX) {
		http_error(req, 422, "q: at most %d bytes", SEARCH_Q_MAX);
		return;
	}
	const char *why = NULL;
	enum search_rc rc = search_render_experts(req->app, req->arena, &req->jw, req->viewer, q,
						  text, limit, &why);
	if (rc != SEARCH_OK) {
		fail(req, rc, why);
		return;
	}
	http_json(req, 200);
}

static void directory(struct http_request *req)
{
	struct search_directory d = {0};
	const char *sort = NULL;
	if (http_param_str(req, "q", SEARCH_Q_MAX, &d.q) < 0 ||
	    http_param_str(req, "expertise", 100, &d.expertise) < 0 ||
	    http_param_str(req, "department", 200, &d.department) < 0 ||
	    http_param_str(req, "location", 200, &d.location) < 0 ||
	    id_param(req, "manager_id", &d.manager_id) < 0 ||
	    http_param_str(req, "sort", 20, &sort) < 0 ||
	    page_params(req, LIMIT_DEFAULT, 80, &d.limit, &d.offset) < 0)
		return;
	if (sort && strcmp(sort, "name") && strcmp(sort, "relevance")) {
		http_error(req, 422, "sort: expected name or relevance");
		return;
	}
	d.by_relevance = sort && !strcmp(sort, "relevance");
	if (d.by_relevance && (!d.q || !*d.q)) {
		http_error(req, 422, "q: needed to sort by relevance");
		return;
	}
	if (!d.by_relevance)
		d.q = NULL;
	const char **strs[] = {&d.expertise, &d.department, &d.location};
	for (size_t i = 0; i < 3; i++)
		if (*strs[i] && !**strs[i])
			*strs[i] = NULL;
	const char *why = NULL;
	enum search_rc rc =
	    search_render_directory(req->app, req->arena, &req->jw, req->viewer, &d, &why);
	if (rc != SEARCH_OK) {
		fail(req, rc, why);
		return;
	}
	http_json(req, 200);
}

static void ask(struct http_request *req)
{
	int64_t post = http_parse_id(http_path_param(req, "id"));
	if (!post) {
		http_error(req, 404, NOT_FOUND);
		return;
	}
	const char **v = NULL;
	size_t n = 0;
	if (http_param_strv(req, "account_ids", 20, 24, &v, &n) < 0)
		return;
	int64_t ids[20];
	for (size_t i = 0; i < n; i++)
		if (!(ids[i] = http_parse_id(v[i]))) {
			http_error(req, 422, "account_ids: expected ids");
			return;
		}
	int64_t asked[20];
	size_t n_asked = 0;
	const char *why = NULL;
	enum search_rc rc =
	    search_ask(req->app, req->arena, req->viewer, post, ids, n, asked, &n_asked, &why);
	if (rc != SEARCH_OK) {
		fail(req, rc, why);
		return;
	}
	jw_obj_begin(&req->jw);
	jw_kid(&req->jw, "status_id", post);
	jw_key(&req->jw, "asked");
	jw_arr_begin(&req->jw);
	for (size_t i = 0; i < n_asked; i++)
		jw_id(&req->jw, asked[i]);
	jw_arr_end(&req->jw);
	jw_obj_end(&req->jw);
	http_json(req, 200);
}

static void questions_for_you(struct http_request *req)
{
	int limit;
	size_t offset;
	if (page_params(req, LIMIT_DEFAULT, LIMIT_MAX, &limit, &offset) < 0)
		return;
	enum search_rc rc =
	    search_render_questions_for(req->app, req->arena, &req->jw, req->viewer, limit);
	if (rc != SEARCH_OK) {
		fail(req, rc, NULL);
		return;
	}
	http_json(req, 200);
}

static const struct route routes[] = {
    {"GET", "/api/v2/search", mastodon_search, ROUTE_AUTH, "read"},
    {"GET", "/api/moka/v1/search", moka_search, ROUTE_AUTH, "read"},
    {"GET", "/api/moka/v1/experts", experts, ROUTE_AUTH, "read"},
    {"GET", "/api/moka/v1/people", directory, ROUTE_AUTH, "read"},
    {"POST", "/api/moka/v1/statuses/:id/ask", ask, ROUTE_AUTH, "write"},
    {"GET", "/api/moka/v1/questions_for_you", questions_for_you, ROUTE_AUTH, "read"},
};

void api_search_register(void)
{
	http_routes_add(routes, sizeof(routes) / sizeof(routes[0]));
}
