/*
 * api_statuses: Mastodon's /api/v1/statuses — post, read, edit, delete,
 * thread context, like, repost, and who liked or reposted.
 *
 * Every route needs a signed-in viewer: Moka is an enterprise network and
 * shows nothing to anonymous requests. A post the viewer may not see is
 * 404, exactly like one that does not exist.
 */
#include "api/api.h"
#include "app/app.h"
#include "files/files.h"
#include "http/http.h"
#include "posts/posts.h"

#include <string.h>

/* An id parameter given as a JSON string or integer, or a form/query
 * string ("" counts as absent). 1 with *out, 0 absent, -1 after a 422. */
static int param_id(struct http_request *req, const char *name, int64_t *out)
{
	json_t *j = req->json ? json_object_get(req->json, name) : NULL;
	if (j && json_is_integer(j)) {
		if (json_integer_value(j) <= 0)
			return http_error(req, 422, "%s: expected an id", name);
		*out = json_integer_value(j);
		return 1;
	}
	const char *s;
	int r = http_param_str(req, name, 24, &s);
	if (r <= 0 || !*s)
		return r < 0 ? -1 : 0;
	if (!(*out = http_parse_id(s)))
		return http_error(req, 422, "%s: expected an id", name);
	return 1;
}

/* Moka's question flag: "question", "moka.question", "moka[question]"
 * or {"moka": {"question": …}}. */
static int param_question(struct http_request *req, bool *out)
{
	int r;
	if ((r = http_param_bool(req, "question", out)) != 0 ||
	    (r = http_param_bool(req, "moka.question", out)) != 0 ||
	    (r = http_param_bool(req, "moka[question]", out)) != 0)
		return r;
	json_t *m = req->json ? json_object_get(req->json, "moka") : NULL;
	if (!m || json_is_null(m))
		return 0;
	json_t *q = json_is_object(m) ? json_object_get(m, "question") : NULL;
	if (!json_is_object(m) || (q && !json_is_boolean(q) && !json_is_null(q)))
		return http_error(req, 422, "moka.question: expected true or false");
	if (!q || json_is_null(q))
		return 0;
	*out = json_is_true(q);
	return 1;
}

/* Mastodon features Moka does not have yet: refused rather than ignored. */
static int refuse_unsupported(struct http_request *req)
{
	const char **items;
	size_t n = 0;
	const char *s;
	int r;
	json_t *poll = req->json ? json_object_get(req->json, "poll") : NULL;
	if ((r = http_param_strv(req, "poll[options]", 8, 1024, &items, &n)) < 0)
		return -1;
	if ((poll && !json_is_null(poll)) || r > 0)
		return http_error(req, 422, "poll: polls are not supported");
	if ((r = http_param_str(req, "scheduled_at", 64, &s)) != 0)
		return r < 0 ? -1 : http_error(req, 422, "scheduled_at: not supported");
	return 0;
}

static int param_visibility(struct http_request *req, enum visibility *out)
{
	const char *s;
	int r = http_param_str(req, "visibility", 32, &s);
	if (r <= 0 || !*s)
		return r;
	if (visibility_parse(s, out) < 0)
		return http_error(req, 422,
				  "visibility: expected public, unlisted, network, "
				  "connections, private, direct or community");
	return 1;
}

static size_t text_max_bytes(struct http_request *req)
{
	size_t chars = req->app->cfg->post_max_chars;
	return (chars ? chars : 100000) * 4 + 16;
}

static void fail(struct http_request *req, enum posts_rc rc, const char *why)
{
	switch (rc) {
	case POSTS_NOT_FOUND:
		http_error(req, 404, "%s", why && *why ? why : NOT_FOUND);
		break;
	case POSTS_FORBIDDEN:
		http_error(req, 403, "%s", why && *why ? why : "This action is not allowed");
		break;
	case POSTS_INVALID:
		http_error(req, 422, "%s", why ? why : "invalid");
		break;
	default:
		http_error(req, 500, "the store failed; try again");
		break;
	}
}

/* Answers with post id as the viewer sees it. */
static void respond_status(struct http_request *req, int64_t id)
{
	if (posts_render_status(req->app, req->arena, &req->jw, req->viewer, id) < 0) {
		http_error(req, 404, NOT_FOUND);
		return;
	}
	http_json(req, 200);
}

/* media_ids[]: the files to attach (files/ checks them in posts_create). */
int api_param_media(struct http_request *req, struct posts_draft *d)
{
	const char **items;
	size_t n = 0;
	if (http_param_strv(req, "media_ids", FILES_POST_MAX + 1, 32, &items, &n) < 0)
		return -1;
	int64_t *ids = arena_alloc(req->arena, (n + 1) * sizeof(*ids));
	for (size_t i = 0; i < n; i++)
		if (!(ids[i] = http_parse_id(items[i])))
			return http_error(req, 422, "media_ids: expected ids");
	d->media_ids = ids;
	d->n_media = n;
	return 0;
}

static int draft_params(struct http_request *req, struct posts_draft *d)
{
	const char *text = NULL;
	if (refuse_unsupported(req) < 0 ||
	    http_param_str(req, "status", text_max_bytes(req), &text) < 0 ||
	    http_param_str(req, "spoiler_text", POSTS_SPOILER_MAX * 4, &d->spoiler_text) < 0 ||
	    http_param_str(req, "language", 16, &d->language) < 0 ||
	    http_param_bool(req, "sensitive", &d->sensitive) < 0 ||
	    param_visibility(req, &d->visibility) < 0 || param_question(req, &d->question) < 0 ||
	    param_id(req, "in_reply_to_id", &d->in_reply_to_id) < 0 ||
	    param_id(req, "board_id", &d->board_owner_id) < 0 ||
	    param_id(req, "community_id", &d->community_id) < 0 || api_param_media(req, d) < 0)
		return -1;
	if (!text && !d->n_media) /* a post of attachments alone may leave it out */
		return http_error(req, 422, "status: required");
	if (!text)
		text = "";
	d->text = text;
	d->text_len = strlen(text);
	d->idempotency_key = http_header(req, "Idempotency-Key");
	if (d->idempotency_key && !*d->idempotency_key)
		d->idempotency_key = NULL;
	return 0;
}

static void create(struct http_request *req)
{
	struct posts_draft d = {.visibility = VIS_PUBLIC};
	if (draft_params(req, &d) < 0)
		return;
	int64_t id;
	const char *why = NULL;
	enum posts_rc rc = posts_create(req->app, req->arena, req->viewer, &d, &id, &why);
	if (rc != POSTS_OK)
		fail(req, rc, why);
	else
		respond_status(req, id);
}

static void show(struct http_request *req)
{
	int64_t id = api_path_id(req, "id");
	if (id)
		respond_status(req, id);
}

static void edit(struct http_request *req)
{
	int64_t id = api_path_id(req, "id");
	if (!id)
		return;
	struct posts_edit e = {0};
	const char *text;
	if (refuse_unsupported(req) < 0 ||
	    http_param_require(req, "status", text_max_bytes(req), &text) < 0 ||
	    http_param_str(req, "spoiler_text", POSTS_SPOILER_MAX * 4, &e.spoiler_text) < 0 ||
	    http_param_str(req, "language", 16, &e.language) < 0)
		return;
	int r = http_param_bool(req, "sensitive", &e.sensitive);
	if (r < 0)
		return;
	e.has_sensitive = r > 0;
	e.text = text;
	e.text_len = strlen(text);
	const char *why = NULL;
	enum posts_rc rc = posts_edit(req->app, req->arena, req->viewer, id, &e, &why);
	if (rc != POSTS_OK)
		fail(req, rc, why);
	else
		respond_status(req, id);
}

static void destroy(struct http_request *req)
{
	int64_t id = api_path_id(req, "id");
	if (!id)
		return;
	/* Mastodon answers with the deleted status, its source text included */
	if (posts_render_status(req->app, req->arena, &req->jw, req->viewer, id) < 0) {
		http_error(req, 404, NOT_FOUND);
		return;
	}
	enum posts_rc rc = posts_delete(req->app, req->arena, req->viewer, id);
	if (rc != POSTS_OK)
		fail(req, rc, rc == POSTS_FORBIDDEN ? "only its author can delete a post" : NULL);
	else
		http_json(req, 200);
}

static void context(struct http_request *req)
{
	int64_t id = api_path_id(req, "id");
	if (!id)
		return;
	if (posts_render_context(req->app, req->arena, &req->jw, req->viewer, id) < 0)
		http_error(req, 404, NOT_FOUND);
	else
		http_json(req, 200);
}

static void favourite_set(struct http_request *req, bool on)
{
	int64_t id = api_path_id(req, "id"), target;
	if (!id)
		return;
	enum posts_rc rc = posts_favourite(req->app, req->viewer, id, on, &target);
	if (rc != POSTS_OK)
		fail(req, rc, NULL);
	else
		respond_status(req, target);
}

static void favourite(struct http_request *req)
{
	favourite_set(req, true);
}

static void unfavourite(struct http_request *req)
{
	favourite_set(req, false);
}

static void reblog_set(struct http_request *req, bool on)
{
	int64_t id = api_path_id(req, "id"), result;
	if (!id)
		return;
	enum posts_rc rc = posts_reblog(req->app, req->arena, req->viewer, id, on, &result);
	if (rc != POSTS_OK)
		fail(req, rc, rc == POSTS_FORBIDDEN ? "only public posts can be reposted" : NULL);
	else
		respond_status(req, result);
}

static void reblog(struct http_request *req)
{
	reblog_set(req, true);
}

static void unreblog(struct http_request *req)
{
	reblog_set(req, false);
}

static void actors(struct http_request *req, bool reblogs)
{
	int64_t id = api_path_id(req, "id"), limit = 40;
	if (!id || http_param_int(req, "limit", 1, 80, &limit) < 0)
		return;
	if (posts_render_actors(req->app, req->arena, &req->jw, req->viewer, id, reblogs,
				(int)limit) < 0)
		http_error(req, 404, NOT_FOUND);
	else
		http_json(req, 200);
}

static void favourited_by(struct http_request *req)
{
	actors(req, false);
}

static void reblogged_by(struct http_request *req)
{
	actors(req, true);
}

static const struct route routes[] = {
    {"POST", "/api/v1/statuses", create, ROUTE_AUTH, "write"},
    {"GET", "/api/v1/statuses/:id", show, ROUTE_AUTH, "read"},
    {"PUT", "/api/v1/statuses/:id", edit, ROUTE_AUTH, "write"},
    {"DELETE", "/api/v1/statuses/:id", destroy, ROUTE_AUTH, "write"},
    {"GET", "/api/v1/statuses/:id/context", context, ROUTE_AUTH, "read"},
    {"POST", "/api/v1/statuses/:id/favourite", favourite, ROUTE_AUTH, "write"},
    {"POST", "/api/v1/statuses/:id/unfavourite", unfavourite, ROUTE_AUTH, "write"},
    {"POST", "/api/v1/statuses/:id/reblog", reblog, ROUTE_AUTH, "write"},
    {"POST", "/api/v1/statuses/:id/unreblog", unreblog, ROUTE_AUTH, "write"},
    {"GET", "/api/v1/statuses/:id/favourited_by", favourited_by, ROUTE_AUTH, "read"},
    {"GET", "/api/v1/statuses/:id/reblogged_by", reblogged_by, ROUTE_AUTH, "read"},
};

void api_statuses_register(void)
{
	http_routes_add(routes, sizeof(routes) / sizeof(routes[0]));
}
