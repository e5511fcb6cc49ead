/*
 * api_health: liveness (/health) and the instance descriptions clients
 * read before anything else (/api/v1/instance, /api/v2/instance,
 * /.well-known/nodeinfo).
 */
#include "api/api.h"
#include "app/app.h"
#include "http/http.h"

#include <string.h>

#define MOKA_VERSION "0.1.0"

static void health(struct http_request *req)
{
	if (req->app->stopping) {
		http_error(req, 503, "shutting down");
		return;
	}
	struct jw *w = &req->jw;
	jw_obj_begin(w);
	jw_kstr(w, "status", "ok");
	jw_kstr(w, "version", MOKA_VERSION);
	jw_obj_end(w);
	http_json(req, 200);
}

static void instance_v1(struct http_request *req)
{
	struct jw *w = &req->jw;
	const char *base = req->app->base_url;
	const char *host = strstr(base, "://") ? strstr(base, "://") + 3 : base;
	jw_obj_begin(w);
	jw_kstr(w, "uri", host);
	jw_kstr(w, "title", "Moka");
	jw_kstr(w, "short_description", "Moka, the company's social network");
	jw_kstr(w, "description", "Moka, the company's social network");
	jw_kstr(w, "email", "");
	jw_kstr(w, "version", "4.2.0 (compatible; Moka " MOKA_VERSION ")");
	jw_key(w, "urls");
	jw_obj_begin(w);
	jw_kstr(w, "streaming_api", base);
	jw_obj_end(w);
	jw_kbool(w, "registrations", req->app->cfg->registrations_open);
	jw_kbool(w, "approval_required", false);
	jw_kbool(w, "invites_enabled", false);
	jw_key(w, "languages");
	jw_arr_begin(w);
	jw_str(w, "en");
	jw_str(w, "fr");
	jw_arr_end(w);
	jw_key(w, "configuration");
	jw_obj_begin(w);
	jw_key(w, "statuses");
	jw_obj_begin(w);
	jw_kint(w, "max_characters", (int64_t)req->app->cfg->post_max_chars);
	jw_kint(w, "max_media_attachments", 4);
	jw_kint(w, "characters_reserved_per_url", 23);
	jw_obj_end(w);
	jw_obj_end(w);
	jw_obj_end(w);
	http_json(req, 200);
}

static void nodeinfo_links(struct http_request *req)
{
	struct jw *w = &req->jw;
	jw_obj_begin(w);
	jw_key(w, "links");
	jw_arr_begin(w);
	jw_obj_begin(w);
	jw_kstr(w, "rel", "http://nodeinfo.diaspora.software/ns/schema/2.0");
	jw_kstr(w, "href", arena_printf(req->arena, "%s/nodeinfo/2.0", req->app->base_url));
	jw_obj_end(w);
	jw_arr_end(w);
	jw_obj_end(w);
	http_json(req, 200);
}

static void nodeinfo(struct http_request *req)
{
	struct jw *w = &req->jw;
	jw_obj_begin(w);
	jw_kstr(w, "version", "2.0");
	jw_key(w, "software");
	jw_obj_begin(w);
	jw_kstr(w, "name", "moka");
	jw_kstr(w, "version", MOKA_VERSION);
	jw_obj_end(w);
	jw_key(w, "protocols");
	jw_arr_begin(w);
	jw_arr_end(w);
	jw_kbool(w, "openRegistrations", req->app->cfg->registrations_open);
	jw_key(w, "usage");
	jw_obj_begin(w);
	jw_key(w, "users");
	jw_obj_begin(w);
	jw_obj_end(w);
	jw_obj_end(w);
	jw_key(w, "metadata");
	jw_obj_begin(w);
	jw_obj_end(w);
	jw_obj_end(w);
	http_json(req, 200);
}

static void instance_v2(struct http_request *req)
{
	struct jw *w = &req->jw;
	const struct config *cfg = req->app->cfg;
	const char *base = req->app->base_url;
	const char *host = strstr(base, "://") ? strstr(base, "://") + 3 : base;
	jw_obj_begin(w);
	jw_kstr(w, "domain", host);
	jw_kstr(w, "title", "Moka");
	jw_kstr(w, "version", "4.2.0 (compatible; Moka " MOKA_VERSION ")");
	jw_kstr(w, "source_url", "");
	jw_kstr(w, "description", "Moka, the company's social network");
	jw_key(w, "usage");
	jw_obj_begin(w);
	jw_key(w, "users");
	jw_obj_begin(w);
	jw_kint(w, "active_month", 0);
	jw_obj_end(w);
	jw_obj_end(w);
	jw_key(w, "thumbnail");
	jw_obj_begin(w);
	jw_kstr(w, "url", arena_printf(req->arena, "%s/headers/default.svg", base));
	jw_obj_end(w);
	jw_key(w, "languages");
	jw_arr_begin(w);
	jw_str(w, "en");
	jw_str(w, "fr");
	jw_arr_end(w);
	jw_key(w, "configuration");
	jw_obj_begin(w);
	jw_key(w, "urls");
	jw_obj_begin(w);
	jw_kstr(w, "streaming", base);
	jw_obj_end(w);
	jw_key(w, "accounts");
	jw_obj_begin(w);
	jw_kint(w, "max_featured_tags", 0);
	jw_obj_end(w);
	jw_key(w, "statuses");
	jw_obj_begin(w);
	jw_kint(w, "max_characters", (int64_t)cfg->post_max_chars);
	jw_kint(w, "max_media_attachments", 0);
	jw_kint(w, "characters_reserved_per_url", 23);
	jw_obj_end(w);
	jw_key(w, "translation");
	jw_obj_begin(w);
	jw_kbool(w, "enabled", false);
	jw_obj_end(w);
	jw_obj_end(w);
	jw_key(w, "registrations");
	jw_obj_begin(w);
	jw_kbool(w, "enabled", cfg->registrations_open);
	jw_kbool(w, "approval_required", false);
	jw_knull(w, "message");
	jw_obj_end(w);
	jw_key(w, "contact");
	jw_obj_begin(w);
	jw_kstr(w, "email", "");
	jw_knull(w, "account");
	jw_obj_end(w);
	jw_key(w, "rules");
	jw_arr_begin(w);
	jw_arr_end(w);
	jw_obj_end(w);
	http_json(req, 200);
}

/* Collections Moka does not keep (custom emojis, filters, lists,
 * announcements, blocks, mutes): Mastodon apps ask for them at start, and
 * the true answer is an empty list. */
static void empty_list(struct http_request *req)
{
	jw_arr_begin(&req->jw);
	jw_arr_end(&req->jw);
	http_json(req, 200);
}

/* The signed-in person's posting defaults, as Mastodon apps read them. */
static void preferences(struct http_request *req)
{
	struct jw *w = &req->jw;
	jw_obj_begin(w);
	jw_kstr(w, "posting:default:visibility", "public");
	jw_kbool(w, "posting:default:sensitive", false);
	jw_knull(w, "posting:default:language");
	jw_kstr(w, "reading:expand:media", "default");
	jw_kbool(w, "reading:expand:spoilers", false);
	jw_obj_end(w);
	http_json(req, 200);
}

static const struct route routes[] = {
    {"GET", "/health", health, 0, NULL},
    {"GET", "/api/v1/instance", instance_v1, 0, NULL},
    {"GET", "/api/v2/instance", instance_v2, 0, NULL},
    {"GET", "/api/v1/custom_emojis", empty_list, 0, NULL},
    {"GET", "/api/v1/preferences", preferences, ROUTE_AUTH, "read"},
    {"GET", "/api/v1/filters", empty_list, ROUTE_AUTH, "read"},
    {"GET", "/api/v2/filters", empty_list, ROUTE_AUTH, "read"},
    {"GET", "/api/v1/lists", empty_list, ROUTE_AUTH, "read"},
    {"GET", "/api/v1/announcements", empty_list, ROUTE_AUTH, "read"},
    {"GET", "/api/v1/blocks", empty_list, ROUTE_AUTH, "read"},
    {"GET", "/api/v1/mutes", empty_list, ROUTE_AUTH, "read"},
    {"GET", "/.well-known/nodeinfo", nodeinfo_links, 0, NULL},
    {"GET", "/nodeinfo/2.0", nodeinfo, 0, NULL},
};

void api_health_register(void)
{
	http_routes_add(routes, sizeof(routes) / sizeof(routes[0]));
}
