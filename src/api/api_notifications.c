/*
 * api_notifications: Mastodon's notifications API — list (with cursor
 * pagination, Link header and type filters), one, dismiss, clear, the
 * unread count — and read markers (/api/v1/markers).
 */
#include "api/api.h"
#include "app/app.h"
#include "core/buf.h"
#include "http/http.h"
#include "notify/notify.h"

#include <string.h>

#define TYPES_MAX 20

static bool type_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > NOTIFY_TYPE_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_' || s[i] == '.'))
			return false;
	return true;
}

/*
 * Reads the array parameter name (types[], exclude_types[]) into a JSON
 * array text for the store (*json, NULL when absent) and the matching
 * query-string fragment for Link headers (*query). 0, or -1 after a 422.
 */
static int types_param(struct http_request *req, const char *name, const char **json,
		       const char **query)
{
	const char **v;
	size_t n;
	*json = NULL;
	*query = "";
	int r = http_param_strv(req, name, TYPES_MAX, NOTIFY_TYPE_MAX, &v, &n);
	if (r <= 0)
		return r;
	struct buf b;
	buf_init(&b, 4096);
	struct jw w;
	jw_init(&w, &b);
	jw_arr_begin(&w);
	const char *q = "";
	for (size_t i = 0; i < n; i++) {
		if (!type_name_ok(v[i])) {
			buf_free(&b);
			return http_error(req, 422, "%s: unknown notification type", name);
		}
		jw_str(&w, v[i]);
		q = arena_printf(req->arena, "%s&%s[]=%s", q, name, v[i]);
	}
	jw_arr_end(&w);
	*json = arena_strndup(req->arena, b.ptr, b.len);
	*query = q;
	buf_free(&b);
	return 0;
}

/* An id parameter: 0 absent, 1 valid (*out), -1 after a 422. */
static int id_param(struct http_request *req, const char *name, int64_t *out)
{
	const char *s;
	int r = http_param_str(req, name, 24, &s);
	if (r <= 0)
		return r;
	*out = http_parse_id(s);
	if (!*out)
		return http_error(req, 422, "%s: expected an id", name);
	return 1;
}

static void set_link(struct http_request *req, const char *path, int64_t limit, const char *filters,
		     int64_t newest, int64_t oldest)
{
	if (!newest)
		return;
	const char *base = req->app->base_url;
	http_set_header(req, "Link",
			arena_printf(req->arena,
				     "<%s%s?max_id=%lld&limit=%lld%s>; rel=\"next\", "
				     "<%s%s?min_id=%lld&limit=%lld%s>; rel=\"prev\"",
				     base, path, (long long)oldest, (long long)limit, filters, base,
				     path, (long long)newest, (long long)limit, filters));
}

static void notifications_list(struct http_request *req)
{
	struct notify_page q = {0};
	int64_t limit = 40;
	const char *tq, *xq;
	if (id_param(req, "max_id", &q.max_id) < 0 || id_param(req, "since_id", &q.since_id) < 0 ||
	    id_param(req, "min_id", &q.min_id) < 0 ||
	    http_param_int(req, "limit", 1, 1000000, &limit) < 0 ||
	    types_param(req, "types", &q.types, &tq) < 0 ||
	    types_param(req, "exclude_types", &q.exclude, &xq) < 0)
		return;
	q.limit = limit > 80 ? 80 : (int)limit;
	int64_t newest, oldest;
	if (notify_render_page(req->app, req->arena, &req->jw, req->viewer, &q, &newest, &oldest) <
	    0) {
		http_error(req, 500, "cannot read notifications");
		return;
	}
	set_link(req, "/api/v1/notifications", q.limit, arena_printf(req->arena, "%s%s", tq, xq),
		 newest, oldest);
	http_json(req, 200);
}

static void notifications_get(struct http_request *req)
{
	int64_t id = http_parse_id(http_path_param(req, "id"));
	if (!id || notify_render(req->app, req->arena, &req->jw, req->viewer, id) < 0) {
		http_error(req, 404, "Record not found");
		return;
	}
	http_json(req, 200);
}

static void empty_object(struct http_request *req)
{
	jw_obj_begin(&req->jw);
	jw_obj_end(&req->jw);
	http_json(req, 200);
}

static void dismiss_id(struct http_request *req, int64_t id)
{
	int rc = id ? notify_dismiss(req->app, req->viewer, id) : 1;
	if (rc == 1)
		http_error(req, 404, "Record not found");
	else if (rc < 0)
		http_error(req, 500, "cannot dismiss the notification");
	else
		empty_object(req);
}

static void notifications_dismiss(struct http_request *req)
{
	dismiss_id(req, http_parse_id(http_path_param(req, "id")));
}

/* Mastodon's older form: POST /api/v1/notifications/dismiss with id=. */
static void notifications_dismiss_param(struct http_request *req)
{
	const char *s;
	if (http_param_require(req, "id", 24, &s) < 0)
		return;
	dismiss_id(req, http_parse_id(s));
}

static void notifications_clear(struct http_request *req)
{
	if (notify_clear(req->app, req->viewer) < 0) {
		http_error(req, 500, "cannot clear notifications");
		return;
	}
	empty_object(req);
}

static void notifications_unread_count(struct http_request *req)
{
	int64_t limit = 100;
	const char *types, *exclude, *tq, *xq;
	if (http_param_int(req, "limit", 1, 1000000, &limit) < 0 ||
	    types_param(req, "types", &types, &tq) < 0 ||
	    types_param(req, "exclude_types", &exclude, &xq) < 0)
		return;
	if (limit > 1000)
		limit = 1000;
	int64_t n = notify_unread_count(req->app, req->viewer, types, exclude, (int)limit);
	if (n < 0) {
		http_error(req, 500, "cannot count notifications");
		return;
	}
	jw_obj_begin(&req->jw);
	jw_kint(&req->jw, "count", n);
	jw_obj_end(&req->jw);
	http_json(req, 200);
}

static const char *const all_timelines[] = {NOTIFY_MARKER_HOME, NOTIFY_MARKER_NOTIFICATIONS};

static void markers_get(struct http_request *req)
{
	const char **v;
	size_t n;
	int r = http_param_strv(req, "timeline", 8, 32, &v, &n);
	if (r < 0)
		return;
	if (r == 0) {
		v = (const char **)all_timelines;
		n = 2;
	}
	notify_markers_render(req->app, &req->jw, req->viewer, v, n);
	http_json(req, 200);
}

/* timeline[last_read_id] from a JSON object or a form/query field:
 * 0 absent, 1 valid (*out), -1 after a 422. */
static int marker_param(struct http_request *req, const char *timeline, int64_t *out)
{
	const char *field = arena_printf(req->arena, "%s[last_read_id]", timeline);
	json_t *obj = req->json ? json_object_get(req->json, timeline) : NULL;
	if (obj && !json_is_null(obj)) {
		json_t *v = json_is_object(obj) ? json_object_get(obj, "last_read_id") : NULL;
		if (json_is_integer(v) && json_integer_value(v) > 0)
			*out = json_integer_value(v);
		else if (json_is_string(v))
			*out = http_parse_id(json_string_value(v));
		else
			*out = 0;
		if (!*out)
			return http_error(req, 422, "%s: expected an id", field);
		return 1;
	}
	return id_param(req, field, out);
}

static void markers_set(struct http_request *req)
{
	int64_t home = 0, notif = 0;
	int rh = marker_param(req, NOTIFY_MARKER_HOME, &home);
	if (rh < 0)
		return;
	int rn = marker_param(req, NOTIFY_MARKER_NOTIFICATIONS, &notif);
	if (rn < 0)
		return;
	if (!rh && !rn) {
		http_error(req, 422, "home[last_read_id] or notifications[last_read_id]: required");
		return;
	}
	if (notify_markers_set(req->app, req->viewer, home, notif) < 0) {
		http_error(req, 500, "cannot save the markers");
		return;
	}
	const char *set[2];
	size_t n = 0;
	if (rh)
		set[n++] = NOTIFY_MARKER_HOME;
	if (rn)
		set[n++] = NOTIFY_MARKER_NOTIFICATIONS;
	notify_markers_render(req->app, &req->jw, req->viewer, set, n);
	http_json(req, 200);
}

static const struct route routes[] = {
    {"GET", "/api/v1/notifications", notifications_list, ROUTE_AUTH, "read"},
    {"GET", "/api/v1/notifications/unread_count", notifications_unread_count, ROUTE_AUTH, "read"},
    {"POST", "/api/v1/notifications/clear", notifications_clear, ROUTE_AUTH, "write"},
    {"POST", "/api/v1/notifications/dismiss", notifications_dismiss_param, ROUTE_AUTH, "write"},
    {"GET", "/api/v1/notifications/:id", notifications_get, ROUTE_AUTH, "read"},
    {"POST", "/api/v1/notifications/:id/dismiss", notifications_dismiss, ROUTE_AUTH, "write"},
    {"GET", "/api/v1/markers", markers_get, ROUTE_AUTH, "read"},
    {"POST", "/api/v1/markers", markers_set, ROUTE_AUTH, "write"},
};

void api_notifications_register(void)
{
	http_routes_add(routes, sizeof(routes) / sizeof(routes[0]));
}
