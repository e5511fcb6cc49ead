/*
 * api_timelines: the streams — home, the company stream (Mastodon's
 * public timeline), a hashtag, a person's wall (/accounts/:id/statuses)
 * and Moka's mentions — each one page of the read-time merge in feed/,
 * rendered by posts/, with Mastodon's cursors (max_id, since_id, min_id,
 * limit) and Link header.
 */
#include "api/api.h"
#include "app/app.h"
#include "feed/feed.h"
#include "http/http.h"
#include "people/people.h"
#include "posts/posts.h"
#include "store/store.h"
#include "text/text.h"

#include <stdio.h>
#include <string.h>

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

static const char *base_url(struct http_request *req)
{
	const char *b = req->app->base_url ? req->app->base_url : "";
	size_t n = strlen(b);
	while (n && b[n - 1] == '/')
		n--;
	return arena_strndup(req->arena, b, n);
}

/*
 * Answers with one page of q: the Statuses, and a Link header whose
 * rel="next" asks for older posts and rel="prev" for newer ones. path is
 * the URL path (encoded); extra, the query parameters to keep ("" or
 * "a=b&").
 */
static void respond_page(struct http_request *req, const struct feed_query *q,
			 const struct feed_page *pg, const char *path, const char *extra)
{
	struct feed_result res;
	posts_render_page(req->app, req->arena, &req->jw, req->viewer, q, pg, &res);
	if (pg->limit != FEED_LIMIT_DEFAULT)
		extra = arena_printf(req->arena, "%slimit=%d&", extra, pg->limit);
	const char *base = base_url(req), *link = NULL;
	if (res.next_max_id)
		link = arena_printf(req->arena, "<%s%s?%smax_id=%lld>; rel=\"next\"", base, path,
				    extra, (long long)res.next_max_id);
	if (res.prev_min_id)
		link = arena_printf(req->arena, "%s%s<%s%s?%smin_id=%lld>; rel=\"prev\"",
				    link ? link : "", link ? ", " : "", base, path, extra,
				    (long long)res.prev_min_id);
	if (link)
		http_set_header(req, "Link", link);
	http_json(req, 200);
}

/* An empty page (a filter Moka has nothing for: media, remote, pinned). */
static void respond_empty(struct http_request *req)
{
	jw_arr_begin(&req->jw);
	jw_arr_end(&req->jw);
	http_json(req, 200);
}

/* Reads an optional boolean; -1 after a 422. */
static int flag(struct http_request *req, const char *name, bool *out)
{
	*out = false;
	return http_param_bool(req, name, out) < 0 ? -1 : 0;
}

static void home(struct http_request *req)
{
	struct feed_page pg;
	if (page_params(req, &pg) < 0)
		return;
	struct feed_query q = {.stream = FEED_HOME, .viewer = req->viewer};
	respond_page(req, &q, &pg, "/api/v1/timelines/home", "");
}

static void company(struct http_request *req)
{
	struct feed_page pg;
	bool local, remote, only_media;
	if (page_params(req, &pg) < 0 || flag(req, "local", &local) < 0 ||
	    flag(req, "remote", &remote) < 0 || flag(req, "only_media", &only_media) < 0)
		return;
	if (remote || only_media) {
		respond_empty(req); /* every post is local, and Moka has no media yet */
		return;
	}
	struct feed_query q = {.stream = FEED_PUBLIC, .viewer = req->viewer};
	respond_page(req, &q, &pg, "/api/v1/timelines/public", local ? "local=true&" : "");
}

static void tag(struct http_request *req)
{
	struct feed_page pg;
	bool local, remote, only_media;
	if (page_params(req, &pg) < 0 || flag(req, "local", &local) < 0 ||
	    flag(req, "remote", &remote) < 0 || flag(req, "only_media", &only_media) < 0)
		return;
	const char *raw = http_path_param(req, "tag");
	char *name = text_tag_normalize(req->arena, raw, strlen(raw));
	if (!name) {
		http_error(req, 422, "tag: not a valid hashtag");
		return;
	}
	if (remote || only_media) {
		respond_empty(req);
		return;
	}
	struct feed_query q = {.stream = FEED_TAG, .viewer = req->viewer, .tag = name};
	/* the path again, percent-encoded (the tag may be non-ASCII) */
	char *path = arena_alloc(req->arena, strlen(name) * 3 + 32), *o = path;
	o += snprintf(o, 32, "/api/v1/timelines/tag/");
	for (const unsigned char *s = (const unsigned char *)name; *s; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-')
			*o++ = (char)*s;
		else
			o += snprintf(o, 4, "%%%02X", *s);
	}
	*o = '\0';
	respond_page(req, &q, &pg, path, local ? "local=true&" : "");
}

static void wall(struct http_request *req)
{
	int64_t id = http_parse_id(http_path_param(req, "id"));
	struct user u;
	if (!id || people_user_visible(req->app, req->arena, id, &u) < 0) {
		http_error(req, 404, "Record not found");
		return;
	}
	struct feed_page pg;
	bool only_media, pinned, replies, reblogs;
	const char *tagged = NULL;
	if (page_params(req, &pg) < 0 || flag(req, "only_media", &only_media) < 0 ||
	    flag(req, "pinned", &pinned) < 0 || flag(req, "exclude_replies", &replies) < 0 ||
	    flag(req, "exclude_reblogs", &reblogs) < 0 ||
	    http_param_str(req, "tagged", TEXT_TAG_MAX * 4, &tagged) < 0)
		return;
	if (only_media || pinned || tagged) {
		respond_empty(req); /* no media, no pins yet; tagged walls are not kept */
		return;
	}
	struct feed_query q = {.stream = FEED_WALL,
			       .viewer = req->viewer,
			       .user = id,
			       .exclude_replies = replies,
			       .exclude_reblogs = reblogs};
	const char *extra = arena_printf(req->arena, "%s%s", replies ? "exclude_replies=true&" : "",
					 reblogs ? "exclude_reblogs=true&" : "");
	respond_page(req, &q, &pg,
		     arena_printf(req->arena, "/api/v1/accounts/%lld/statuses", (long long)id),
		     extra);
}

static void mentions(struct http_request *req)
{
	struct feed_page pg;
	if (page_params(req, &pg) < 0)
		return;
	struct feed_query q = {.stream = FEED_MENTIONS, .viewer = req->viewer};
	respond_page(req, &q, &pg, "/api/moka/v1/timelines/mentions", "");
}

static const struct route routes[] = {
    {"GET", "/api/v1/timelines/home", home, ROUTE_AUTH, "read"},
    {"GET", "/api/v1/timelines/public", company, ROUTE_AUTH, "read"},
    {"GET", "/api/v1/timelines/tag/:tag", tag, ROUTE_AUTH, "read"},
    {"GET", "/api/v1/accounts/:id/statuses", wall, ROUTE_AUTH, "read"},
    {"GET", "/api/moka/v1/timelines/mentions", mentions, ROUTE_AUTH, "read"},
};

void api_timelines_register(void)
{
	http_routes_add(routes, sizeof(routes) / sizeof(routes[0]));
}
