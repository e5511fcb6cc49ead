/*
 * api_profiles: Moka's enterprise profiles — reading one (with its org
 * chart and the network between viewer and person), editing one's own,
 * uploading a photo, "people you may know" — and serving avatar images.
 *
 * Avatar files are served without authentication: Mastodon apps load
 * images without credentials, and the names are random (uploads) or carry
 * only the initials already shown beside them (defaults).
 */
#include "api/api.h"
#include "api/api_people.h"
#include "app/app.h"
#include "http/http.h"
#include "people/people.h"
#include "store/store.h"

#include <string.h>

#define SUGGESTIONS_DEFAULT 10
#define SUGGESTIONS_MAX 40

/* "me" or a numeric id; 0 when neither. */
static int64_t profile_id(struct http_request *req)
{
	const char *s = http_path_param(req, "id");
	return !strcmp(s, "me") ? req->viewer : http_parse_id(s);
}

static void profile_reply(struct http_request *req, int64_t id)
{
	if (people_render_profile(req->app, req->arena, &req->jw, req->viewer, id) < 0) {
		http_error(req, 404, "Record not found");
		return;
	}
	http_json(req, 200);
}

static void profile_get(struct http_request *req)
{
	profile_reply(req, profile_id(req));
}

/* manager_id: an id (number or string), or null / "" / 0 for none. */
static int manager_param(struct http_request *req, struct profile_patch *p)
{
	json_t *j = req->json ? json_object_get(req->json, "manager_id") : NULL;
	const char *s = NULL;
	if (j && json_is_integer(j)) {
		p->has_manager = true;
		p->manager_id = json_integer_value(j);
		if (p->manager_id < 0)
			return http_error(req, 422, "manager_id: not an account id");
		return 0;
	}
	if (j && json_is_null(j)) {
		p->has_manager = true;
		p->manager_id = 0;
		return 0;
	}
	int r = http_param_str(req, "manager_id", 24, &s);
	if (r <= 0)
		return r;
	p->has_manager = true;
	p->manager_id = *s && strcmp(s, "0") ? http_parse_id(s) : 0;
	if (*s && strcmp(s, "0") && !p->manager_id)
		return http_error(req, 422, "manager_id: not an account id");
	return 0;
}

static const char *const profile_fields[] = {
    "display_name", "title",	"department", "location",  "phone",	 "email",
    "about",	    "projects", "expertise",  "languages", "manager_id", NULL,
};

/* A JSON body may only name the fields above. */
static int unknown_fields(struct http_request *req)
{
	const char *key;
	json_t *v;
	if (!req->json)
		return 0;
	json_object_foreach(req->json, key, v)
	{
		bool known = false;
		for (int i = 0; profile_fields[i] && !known; i++)
			known = !strcmp(key, profile_fields[i]);
		if (!known)
			return http_error(req, 422, "%s: unknown field", key);
	}
	return 0;
}

/* Reads a profile patch; -1 after answering 422. */
static int patch_params(struct http_request *req, struct profile_patch *p)
{
	int r;
	memset(p, 0, sizeof(*p));
	if (unknown_fields(req) < 0 ||
	    http_param_str(req, "display_name", PEOPLE_NAME_MAX, &p->display_name) < 0 ||
	    http_param_str(req, "title", PEOPLE_FIELD_MAX, &p->title) < 0 ||
	    http_param_str(req, "department", PEOPLE_FIELD_MAX, &p->department) < 0 ||
	    http_param_str(req, "location", PEOPLE_FIELD_MAX, &p->location) < 0 ||
	    http_param_str(req, "phone", PEOPLE_PHONE_MAX, &p->phone) < 0 ||
	    http_param_str(req, "email", 254, &p->email) < 0 ||
	    http_param_str(req, "about", PEOPLE_ABOUT_MAX, &p->about) < 0)
		return -1;
	if ((r = http_param_strv(req, "projects", PEOPLE_LIST_ITEMS, PEOPLE_LIST_ITEM_MAX,
				 &p->projects, &p->n_projects)) < 0)
		return -1;
	p->has_projects = r > 0;
	if ((r = http_param_strv(req, "expertise", PEOPLE_LIST_ITEMS, PEOPLE_LIST_ITEM_MAX,
				 &p->expertise, &p->n_expertise)) < 0)
		return -1;
	p->has_expertise = r > 0;
	if ((r = http_param_strv(req, "languages", PEOPLE_LIST_ITEMS, PEOPLE_LIST_ITEM_MAX,
				 &p->languages, &p->n_languages)) < 0)
		return -1;
	p->has_languages = r > 0;
	return manager_param(req, p);
}

static void profile_patch(struct http_request *req)
{
	int64_t id = profile_id(req);
	struct user u;
	if (id != req->viewer) {
		if (id > 0 && people_user_visible(req->app, req->arena, id, &u) == 0)
			http_error(req, 403, "You can only edit your own profile");
		else
			http_error(req, 404, "Record not found");
		return;
	}
	struct profile_patch p;
	if (patch_params(req, &p) < 0)
		return;
	int status;
	const char *why;
	if (people_profile_update(req->app, req->arena, id, &p, &status, &why) < 0) {
		http_error(req, status, "%s", why);
		return;
	}
	profile_reply(req, id);
}

static void avatar_upload(struct http_request *req)
{
	const struct http_param *f = http_param_file(req, "avatar");
	if (!f) {
		http_error(req, 422, "avatar: required (a multipart/form-data file)");
		return;
	}
	int status;
	const char *why;
	if (people_avatar_set(req->app, req->arena, req->viewer, f->value, f->len, &status, &why) <
	    0) {
		http_error(req, status, "%s", why);
		return;
	}
	profile_reply(req, req->viewer);
}

static void suggestions(struct http_request *req)
{
	int64_t limit = 0;
	if (http_param_int(req, "limit", INT32_MIN, INT32_MAX, &limit) < 0)
		return;
	limit = limit <= 0		  ? SUGGESTIONS_DEFAULT
		: limit > SUGGESTIONS_MAX ? SUGGESTIONS_MAX
					  : limit;
	if (people_render_suggestions(req->app, req->arena, &req->jw, req->viewer, (int)limit) <
	    0) {
		http_error(req, 500, "store error");
		return;
	}
	http_json(req, 200);
}

/* Images: cached for a year (names change when the image does), never
 * sniffed, never able to run script. */
static void image_headers(struct http_request *req)
{
	http_set_header(req, "Cache-Control", "public, max-age=31536000, immutable");
	http_set_header(req, "Content-Security-Policy",
			"default-src 'none'; style-src 'unsafe-inline'; sandbox");
}

static void avatar_file(struct http_request *req)
{
	const char *name = http_path_param(req, "file");
	const char *path, *type;
	char *svg;
	if ((svg = people_avatar_default_svg(req->arena, name))) {
		image_headers(req);
		http_body(req, 200, "image/svg+xml", svg, strlen(svg));
	} else if (people_avatar_file(req->app, req->arena, name, &path, &type) == 0) {
		image_headers(req);
		http_send_file(req, 200, type, path);
	} else {
		http_error(req, 404, "not found");
	}
}

static void header_file(struct http_request *req)
{
	if (strcmp(http_path_param(req, "file"), "default.svg") != 0) {
		http_error(req, 404, "not found");
		return;
	}
	const char *svg = people_header_default_svg();
	image_headers(req);
	http_body(req, 200, "image/svg+xml", svg, strlen(svg));
}

static const struct route routes[] = {
    {"POST", "/api/moka/v1/profiles/me/avatar", avatar_upload, ROUTE_AUTH | ROUTE_UPLOAD, "write"},
    {"GET", "/api/moka/v1/profiles/:id", profile_get, ROUTE_AUTH, "read"},
    {"PATCH", "/api/moka/v1/profiles/:id", profile_patch, ROUTE_AUTH, "write"},
    {"GET", "/api/moka/v1/people/suggestions", suggestions, ROUTE_AUTH, "read"},
    {"GET", "/avatars/:file", avatar_file, 0, NULL},
    {"GET", "/headers/:file", header_file, 0, NULL},
};

void api_profiles_register(void)
{
	http_routes_add(routes, sizeof(routes) / sizeof(routes[0]));
}
