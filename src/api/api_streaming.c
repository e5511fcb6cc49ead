/*
 * api_streaming: Mastodon's streaming API over Server-Sent Events —
 * /api/v1/streaming/user, /user/notification, /public[/local],
 * /hashtag[/local]?tag=, the combined /api/v1/streaming?stream=NAME, and
 * /api/v1/streaming/health; and Moka's /api/moka/v1/streaming/community?id=
 * (a community's posts, for its readers who are not members: members get
 * them on their user stream). A token is needed (Authorization header, or
 * ?access_token= as browsers' EventSource cannot set headers).
 */
#include "api/api.h"
#include "app/app.h"
#include "communities/communities.h"
#include "events/events.h"
#include "http/http.h"
#include "text/text.h"

#include <string.h>

static void stream_open(struct http_request *req, enum stream_kind kind)
{
	const char *tag = NULL;
	if (kind == STREAM_COMMUNITY) {
		int64_t id = http_parse_id(http_query(req, "id"));
		app_rdlock(req->app);
		bool readable = id && communities_can_read_locked(req->app, id, req->viewer);
		app_unlock(req->app);
		if (!readable) {
			http_error(req, 404, "id: no such community");
			return;
		}
		tag = arena_printf(req->arena, "%lld", (long long)id);
	} else if (kind == STREAM_HASHTAG) {
		const char *raw;
		if (http_param_require(req, "tag", TEXT_TAG_MAX + 1, &raw) < 0)
			return;
		if (*raw == '#')
			raw++;
		tag = text_tag_normalize(req->arena, raw, strlen(raw));
		if (!tag) {
			http_error(req, 422, "tag: not a valid hashtag");
			return;
		}
	}
	hub_stream_open(req->app->hub, req, kind, tag);
}

static void streaming_user(struct http_request *req)
{
	stream_open(req, STREAM_USER);
}

static void streaming_user_notification(struct http_request *req)
{
	stream_open(req, STREAM_USER_NOTIFICATION);
}

static void streaming_public(struct http_request *req)
{
	stream_open(req, STREAM_PUBLIC);
}

static void streaming_hashtag(struct http_request *req)
{
	stream_open(req, STREAM_HASHTAG);
}

static void streaming_community(struct http_request *req)
{
	stream_open(req, STREAM_COMMUNITY);
}

/* GET /api/v1/streaming?stream=user|user:notification|public[:local]|hashtag[:local]
 * |moka:community (with id=) */
static void streaming_any(struct http_request *req)
{
	static const struct {
		const char *name;
		enum stream_kind kind;
	} names[] = {
	    {"user", STREAM_USER},
	    {"user:notification", STREAM_USER_NOTIFICATION},
	    {"public", STREAM_PUBLIC},
	    {"public:local", STREAM_PUBLIC},
	    {"hashtag", STREAM_HASHTAG},
	    {"hashtag:local", STREAM_HASHTAG},
	    {"moka:community", STREAM_COMMUNITY},
	};
	const char *stream;
	if (http_param_require(req, "stream", 32, &stream) < 0)
		return;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(stream, names[i].name) == 0) {
			stream_open(req, names[i].kind);
			return;
		}
	}
	http_error(req, 422, "stream: unknown stream '%s'", stream);
}

static void streaming_health(struct http_request *req)
{
	http_body(req, 200, "text/plain; charset=utf-8", "OK", 2);
}

static const struct route routes[] = {
    {"GET", "/api/v1/streaming/health", streaming_health, 0, NULL},
    {"GET", "/api/v1/streaming", streaming_any, ROUTE_AUTH, "read"},
    {"GET", "/api/v1/streaming/user", streaming_user, ROUTE_AUTH, "read"},
    {"GET", "/api/v1/streaming/user/notification", streaming_user_notification, ROUTE_AUTH, "read"},
    {"GET", "/api/v1/streaming/public", streaming_public, ROUTE_AUTH, "read"},
    {"GET", "/api/v1/streaming/public/local", streaming_public, ROUTE_AUTH, "read"},
    {"GET", "/api/v1/streaming/hashtag", streaming_hashtag, ROUTE_AUTH, "read"},
    {"GET", "/api/v1/streaming/hashtag/local", streaming_hashtag, ROUTE_AUTH, "read"},
    {"GET", "/api/moka/v1/streaming/community", streaming_community, ROUTE_AUTH, "read"},
};

void api_streaming_register(void)
{
	http_routes_add(routes, sizeof(routes) / sizeof(routes[0]));
}
