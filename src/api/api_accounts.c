/*
 * api_accounts: Mastodon's accounts API — an account, lookup, search,
 * relationships, follow/unfollow, followers/following, update_credentials
 * and follow_requests (Moka's connection invitations as Mastodon clients
 * see them) — plus the helpers the people API files share. It registers
 * api_profiles.c and api_network.c too.
 *
 * Every route needs a signed-in viewer: the directory is open to every
 * colleague, closed to anonymous requests.
 */
#include "api/api.h"
#include "api/api_people.h"
#include "app/app.h"
#include "http/http.h"
#include "people/people.h"
#include "store/store.h"

#include <string.h>

#define LIST_DEFAULT 40
#define LIST_MAX 80
#define RELATIONSHIPS_MAX 100

/* --- shared helpers ------------------------------------------------------ */

int64_t api_person_param(struct http_request *req, const char *name)
{
	int64_t id = http_parse_id(http_path_param(req, name));
	struct user u;
	if (id <= 0 || people_user_visible(req->app, req->arena, id, &u) < 0) {
		http_error(req, 404, "Record not found");
		return 0;
	}
	return id;
}

static int id_param(struct http_request *req, const char *name, int64_t *out)
{
	const char *s = NULL;
	*out = 0;
	int r = http_param_str(req, name, 24, &s);
	if (r < 0)
		return -1;
	if (r == 0 || !*s)
		return 0;
	if (!(*out = http_parse_id(s)))
		return http_error(req, 422, "%s: not an id", name);
	return 0;
}

int api_page_params(struct http_request *req, size_t def, size_t max, struct api_page *p)
{
	memset(p, 0, sizeof(*p));
	int64_t limit = 0;
	if (id_param(req, "max_id", &p->max_id) < 0 ||
	    id_param(req, "since_id", &p->since_id) < 0 ||
	    id_param(req, "min_id", &p->min_id) < 0 ||
	    http_param_int(req, "limit", INT32_MIN, INT32_MAX, &limit) < 0)
		return -1;
	p->limit = limit <= 0 ? def : (size_t)limit > max ? max : (size_t)limit;
	return 0;
}

void api_page_link(struct http_request *req, size_t count, int64_t newest, int64_t oldest)
{
	if (count == 0)
		return;
	const char *base = req->app->base_url ? req->app->base_url : "";
	size_t bn = strlen(base);
	while (bn && base[bn - 1] == '/')
		bn--;
	http_set_header(req, "Link",
			arena_printf(req->arena,
				     "<%.*s%s?max_id=%lld>; rel=\"next\", "
				     "<%.*s%s?min_id=%lld>; rel=\"prev\"",
				     (int)bn, base, req->path, (long long)oldest, (int)bn, base,
				     req->path, (long long)newest));
}

void api_people_fail(struct http_request *req, enum people_rc rc)
{
	switch (rc) {
	case PEOPLE_SELF:
		http_error(req, 422, "You cannot do this to yourself");
		break;
	case PEOPLE_NOT_FOUND:
		http_error(req, 404, "Record not found");
		break;
	case PEOPLE_INVALID:
		http_error(req, 422, "message: too long (at most %d bytes)", PEOPLE_MESSAGE_MAX);
		break;
	case PEOPLE_OK:
	case PEOPLE_ERROR:
		http_error(req, 500, "store error");
		break;
	}
}

void api_accounts_array(struct http_request *req, const int64_t *ids, size_t n)
{
	struct jw *w = &req->jw;
	jw_arr_begin(w);
	for (size_t i = 0; i < n; i++) {
		struct user u;
		if (people_user_visible(req->app, req->arena, ids[i], &u) == 0)
			people_render_account_user(req->app, req->arena, w, &u);
	}
	jw_arr_end(w);
}

/* --- handlers ------------------------------------------------------------ */

static void account_get(struct http_request *req)
{
	int64_t id = api_person_param(req, "id");
	if (!id)
		return;
	people_render_account(req->app, req->arena, &req->jw, id);
	http_json(req, 200);
}

static void account_lookup(struct http_request *req)
{
	const char *acct;
	if (http_param_require(req, "acct", 300, &acct) < 0)
		return;
	if (*acct == '@')
		acct++;
	/* "name@this-host" is local; "name@elsewhere" cannot be one of ours either */
	const char *at = strchr(acct, '@');
	const char *name = at ? arena_strndup(req->arena, acct, (size_t)(at - acct)) : acct;
	struct user u;
	if (!people_username_valid(name) ||
	    store_user_by_username(store_reader(req->app->store), req->arena, name, &u) !=
		STORE_OK ||
	    !u.active) {
		http_error(req, 404, "Record not found");
		return;
	}
	people_render_account_user(req->app, req->arena, &req->jw, &u);
	http_json(req, 200);
}

static void account_search(struct http_request *req)
{
	const char *q;
	int64_t limit = 0;
	if (http_param_require(req, "q", 200, &q) < 0 ||
	    http_param_int(req, "limit", INT32_MIN, INT32_MAX, &limit) < 0)
		return;
	limit = limit <= 0 ? LIST_DEFAULT : limit > LIST_MAX ? LIST_MAX : limit;
	while (*q == '@' || *q == ' ')
		q++;
	struct user *found = arena_calloc(req->arena, (size_t)limit, sizeof(*found));
	int n = *q ? store_user_search_prefix(store_reader(req->app->store), req->arena, q,
					      (int)limit, found)
		   : 0;
	if (n < 0) {
		http_error(req, 500, "store error");
		return;
	}
	jw_arr_begin(&req->jw);
	for (int i = 0; i < n; i++)
		people_render_account_user(req->app, req->arena, &req->jw, &found[i]);
	jw_arr_end(&req->jw);
	http_json(req, 200);
}

static void relationships(struct http_request *req)
{
	const char **ids = NULL;
	size_t n = 0;
	if (http_param_strv(req, "id", RELATIONSHIPS_MAX, 24, &ids, &n) < 0)
		return;
	jw_arr_begin(&req->jw);
	for (size_t i = 0; i < n; i++) {
		struct user u;
		int64_t id = http_parse_id(ids[i]);
		if (id > 0 && people_user_visible(req->app, req->arena, id, &u) == 0)
			people_render_relationship(req->app, req->arena, &req->jw, req->viewer, id);
	}
	jw_arr_end(&req->jw);
	http_json(req, 200);
}

/* Answers the Relationship after a network operation, or its error. */
static void relationship_reply(struct http_request *req, int64_t other, enum people_rc rc)
{
	if (rc != PEOPLE_OK) {
		api_people_fail(req, rc);
		return;
	}
	if (people_render_relationship(req->app, req->arena, &req->jw, req->viewer, other) < 0) {
		http_error(req, 500, "store error");
		return;
	}
	http_json(req, 200);
}

static void follow(struct http_request *req)
{
	int64_t id = http_parse_id(http_path_param(req, "id"));
	relationship_reply(req, id, people_follow(req->app, req->viewer, id));
}

static void unfollow(struct http_request *req)
{
	int64_t id = http_parse_id(http_path_param(req, "id"));
	relationship_reply(req, id, people_unfollow(req->app, req->viewer, id));
}

static void list_of(struct http_request *req, enum people_list which)
{
	struct api_page p;
	int64_t id = api_person_param(req, "id");
	if (!id || api_page_params(req, LIST_DEFAULT, LIST_MAX, &p) < 0)
		return;
	int64_t *ids = arena_alloc(req->arena, p.limit * sizeof(*ids));
	size_t n =
	    people_list_page(req->app, which, id, p.max_id, p.since_id, p.min_id, p.limit, ids);
	if (n)
		api_page_link(req, n, ids[0], ids[n - 1]);
	api_accounts_array(req, ids, n);
	http_json(req, 200);
}

static void followers(struct http_request *req)
{
	list_of(req, PEOPLE_FOLLOWERS);
}

static void following(struct http_request *req)
{
	list_of(req, PEOPLE_FOLLOWING);
}

/* Mastodon's follow requests are the connection invitations received. */
static void follow_requests(struct http_request *req)
{
	struct api_page p;
	if (api_page_params(req, LIST_DEFAULT, LIST_MAX, &p) < 0)
		return;
	struct invitation *inv = arena_calloc(req->arena, p.limit, sizeof(*inv));
	int n =
	    store_invitation_list(store_reader(req->app->store), req->arena, req->viewer,
				  INVITATIONS_RECEIVED, p.max_id, p.since_id, (int)p.limit, inv);
	if (n < 0) {
		http_error(req, 500, "store error");
		return;
	}
	int64_t *ids = arena_alloc(req->arena, ((size_t)n + 1) * sizeof(*ids));
	for (int i = 0; i < n; i++)
		ids[i] = inv[i].from_id;
	if (n)
		api_page_link(req, (size_t)n, inv[0].id, inv[n - 1].id);
	api_accounts_array(req, ids, (size_t)n);
	http_json(req, 200);
}

static void follow_request_authorize(struct http_request *req)
{
	int64_t from = http_parse_id(http_path_param(req, "id"));
	relationship_reply(req, from, people_invitation_accept_from(req->app, req->viewer, from));
}

static void follow_request_reject(struct http_request *req)
{
	int64_t from = http_parse_id(http_path_param(req, "id"));
	relationship_reply(req, from, people_invitation_ignore_from(req->app, req->viewer, from));
}

/* PATCH update_credentials: display_name, note (the profile's "about")
 * and avatar (a multipart image); Mastodon's other fields are accepted
 * and have no effect in Moka. */
static void update_credentials(struct http_request *req)
{
	struct profile_patch p = {0};
	if (http_param_str(req, "display_name", PEOPLE_NAME_MAX, &p.display_name) < 0 ||
	    http_param_str(req, "note", PEOPLE_ABOUT_MAX, &p.about) < 0)
		return;
	struct profile_clean clean;
	const char *why;
	int status;
	if (people_profile_check(req->arena, &p, &clean, &why) < 0) {
		http_error(req, 422, "%s", why);
		return;
	}
	const struct http_param *avatar = http_param_file(req, "avatar");
	if (avatar && people_avatar_set(req->app, req->arena, req->viewer, avatar->value,
					avatar->len, &status, &why) < 0) {
		http_error(req, status, "%s", why);
		return;
	}
	if ((p.display_name || p.about) &&
	    people_profile_update(req->app, req->arena, req->viewer, &p, &status, &why) < 0) {
		http_error(req, status, "%s", why);
		return;
	}
	if (people_render_credential_account(req->app, req->arena, &req->jw, req->viewer) < 0) {
		http_error(req, 404, "Record not found");
		return;
	}
	http_json(req, 200);
}

/* Literal paths come before "/api/v1/accounts/:id": the router takes the
 * first match. */
static const struct route routes[] = {
    {"GET", "/api/v1/accounts/lookup", account_lookup, ROUTE_AUTH, "read"},
    {"GET", "/api/v1/accounts/search", account_search, ROUTE_AUTH, "read"},
    {"GET", "/api/v1/accounts/relationships", relationships, ROUTE_AUTH, "read"},
    {"PATCH", "/api/v1/accounts/update_credentials", update_credentials, ROUTE_AUTH | ROUTE_UPLOAD,
     "write"},
    {"GET", "/api/v1/accounts/:id", account_get, ROUTE_AUTH, "read"},
    {"POST", "/api/v1/accounts/:id/follow", follow, ROUTE_AUTH, "follow"},
    {"POST", "/api/v1/accounts/:id/unfollow", unfollow, ROUTE_AUTH, "follow"},
    {"GET", "/api/v1/accounts/:id/followers", followers, ROUTE_AUTH, "read"},
    {"GET", "/api/v1/accounts/:id/following", following, ROUTE_AUTH, "read"},
    {"GET", "/api/v1/follow_requests", follow_requests, ROUTE_AUTH, "read"},
    {"POST", "/api/v1/follow_requests/:id/authorize", follow_request_authorize, ROUTE_AUTH,
     "follow"},
    {"POST", "/api/v1/follow_requests/:id/reject", follow_request_reject, ROUTE_AUTH, "follow"},
};

void api_accounts_register(void)
{
	http_routes_add(routes, sizeof(routes) / sizeof(routes[0]));
	api_profiles_register();
	api_network_register();
}
