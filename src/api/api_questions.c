/*
 * api_questions: Moka's questions API (/api/moka/v1/questions) — the
 * lists (mine, my network's, my communities', unanswered), each a page of
 * Statuses with Mastodon's cursors and Link header, and accepting or
 * un-accepting an answer. Rules live in questions/; Statuses in posts/.
 */
#include "api/api.h"
#include "app/app.h"
#include "feed/feed.h"
#include "http/http.h"
#include "json/json_writer.h"
#include "posts/posts.h"
#include "questions/questions.h"

#include <string.h>

/* "unanswered": older than a day unless min_age (seconds) says otherwise. */
#define UNANSWERED_AGE_S 86400
#define UNANSWERED_AGE_MAX_S (366 * 86400)

/* Reads the cursors; -1 after a 422. */
static int page_params(struct http_request *req, struct feed_page *pg)
{
	const char *max = NULL, *since = NULL, *min = NULL, *limit = NULL, *why;
	if (http_param_str(req, "max_id", 32, &max) < 0 ||
	    http_param_str(req, "since_id", 32, &since) < 0 ||
	    http_param_str(req, "min_id", 32, &min) < 0 ||
	    http_param_str(req, "limit", 32, &limit) < 0)
		return -1;
	if (feed_page_parse(max, since, min, limit, pg, &why) < 0)
		return http_error(req, 422, "%s", why);
	return 0;
}

/* Answers with one page of q, with a Link header (rel="next": older,
 * rel="prev": newer) keeping the parameters in extra ("" or "a=b&"). */
static void respond_list(struct http_request *req, const struct questions_query *q,
			 const char *extra)
{
	struct feed_page pg;
	if (page_params(req, &pg) < 0)
		return;
	struct feed_result res;
	questions_list(req->app, q, &pg, &res);
	posts_render_statuses(req->app, req->arena, &req->jw, req->viewer, res.ids, res.n);
	if (pg.limit != FEED_LIMIT_DEFAULT)
		extra = arena_printf(req->arena, "%slimit=%d&", extra, pg.limit);
	const char *b = req->app->base_url ? req->app->base_url : "";
	int bn = (int)strlen(b);
	while (bn && b[bn - 1] == '/')
		bn--;
	const char *link = NULL;
	if (res.next_max_id)
		link = arena_printf(req->arena, "<%.*s%s?%smax_id=%lld>; rel=\"next\"", bn, b,
				    req->path, extra, (long long)res.next_max_id);
	if (res.prev_min_id)
		link = arena_printf(req->arena, "%s%s<%.*s%s?%smin_id=%lld>; rel=\"prev\"",
				    link ? link : "", link ? ", " : "", bn, b, req->path, extra,
				    (long long)res.prev_min_id);
	if (link)
		http_set_header(req, "Link", link);
	http_json(req, 200);
}

static void mine(struct http_request *req)
{
	struct questions_query q = {.list = QUESTIONS_MINE, .viewer = req->viewer};
	respond_list(req, &q, "");
}

static void network(struct http_request *req)
{
	struct questions_query q = {.list = QUESTIONS_NETWORK, .viewer = req->viewer};
	respond_list(req, &q, "");
}

static void communities(struct http_request *req)
{
	struct questions_query q = {.list = QUESTIONS_COMMUNITIES, .viewer = req->viewer};
	const char *s = NULL;
	if (http_param_str(req, "community_id", 24, &s) < 0)
		return;
	if (s && *s && !(q.community = http_parse_id(s))) {
		http_error(req, 422, "community_id: expected an id");
		return;
	}
	respond_list(req, &q,
		     q.community
			 ? arena_printf(req->arena, "community_id=%lld&", (long long)q.community)
			 : "");
}

static void unanswered(struct http_request *req)
{
	int64_t age = UNANSWERED_AGE_S;
	int r = http_param_int(req, "min_age", 0, UNANSWERED_AGE_MAX_S, &age);
	if (r < 0)
		return;
	struct questions_query q = {
	    .list = QUESTIONS_UNANSWERED, .viewer = req->viewer, .min_age_ms = age * 1000};
	respond_list(req, &q, r ? arena_printf(req->arena, "min_age=%lld&", (long long)age) : "");
}

/* The answer id: a JSON string or integer, a form field or the query. */
static int answer_param(struct http_request *req, int64_t *out)
{
	json_t *j = req->json ? json_object_get(req->json, "answer_id") : NULL;
	if (j && json_is_integer(j)) {
		if ((*out = json_integer_value(j)) <= 0)
			return http_error(req, 422, "answer_id: expected an id");
		return 0;
	}
	const char *s;
	if (http_param_require(req, "answer_id", 24, &s) < 0)
		return -1;
	if (!(*out = http_parse_id(s)))
		return http_error(req, 422, "answer_id: expected an id");
	return 0;
}

/* POST / DELETE /questions/:id/accept: answers the question's Status. */
static void accept_set(struct http_request *req, bool on)
{
	int64_t id = http_parse_id(http_path_param(req, "id")), answer;
	if (!id) {
		http_error(req, 404, NOT_FOUND);
		return;
	}
	if (answer_param(req, &answer) < 0)
		return;
	const char *why = NULL;
	enum questions_rc rc = questions_accept(req->app, req->viewer, id, answer, on, &why);
	switch (rc) {
	case QUESTIONS_OK:
		break;
	case QUESTIONS_NOT_FOUND:
		http_error(req, 404, "%s", why ? why : NOT_FOUND);
		return;
	case QUESTIONS_FORBIDDEN:
		http_error(req, 403, "%s", why ? why : "forbidden");
		return;
	case QUESTIONS_INVALID:
		http_error(req, 422, "%s", why ? why : "invalid");
		return;
	default:
		http_error(req, 500, "the store failed; try again");
		return;
	}
	if (posts_render_status(req->app, req->arena, &req->jw, req->viewer, id) < 0) {
		http_error(req, 404, NOT_FOUND);
		return;
	}
	http_json(req, 200);
}

static void accept_answer(struct http_request *req)
{
	accept_set(req, true);
}

static void unaccept_answer(struct http_request *req)
{
	accept_set(req, false);
}

#define Q "/api/moka/v1/questions"
static const struct route routes[] = {
    {"GET", Q "/mine", mine, ROUTE_AUTH, "read"},
    {"GET", Q "/network", network, ROUTE_AUTH, "read"},
    {"GET", Q "/communities", communities, ROUTE_AUTH, "read"},
    {"GET", Q "/unanswered", unanswered, ROUTE_AUTH, "read"},
    {"POST", Q "/:id/accept", accept_answer, ROUTE_AUTH, "write"},
    {"DELETE", Q "/:id/accept", unaccept_answer, ROUTE_AUTH, "write"},
};
#undef Q

void api_questions_register(void)
{
	http_routes_add(routes, sizeof(routes) / sizeof(routes[0]));
}
