/*
 * api_network: Moka's network API — connect and disconnect, invitations
 * (received and sent; accept, ignore, withdraw), a person's connections
 * and "who connects us".
 */
#include "api/api.h"
#include "api/api_people.h"
#include "app/app.h"
#include "http/http.h"
#include "people/people.h"
#include "store/store.h"

#include <string.h>

#define LIST_DEFAULT 40
#define LIST_MAX 200
#define COMMON_DEFAULT 20
#define COMMON_MAX 100

/* Answers the Relationship between the viewer and other after an
 * operation, or the operation's error. */
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

static void net_connect(struct http_request *req)
{
	const char *message = NULL;
	int64_t id = http_parse_id(http_path_param(req, "id"));
	if (http_param_str(req, "message", PEOPLE_MESSAGE_MAX, &message) < 0)
		return;
	relationship_reply(req, id, people_connect(req->app, req->viewer, id, message));
}

static void net_disconnect(struct http_request *req)
{
	int64_t id = http_parse_id(http_path_param(req, "id"));
	relationship_reply(req, id, people_disconnect(req->app, req->viewer, id));
}

static void connections(struct http_request *req)
{
	struct api_page p;
	int64_t id = api_person_param(req, "id");
	if (!id || api_page_params(req, LIST_DEFAULT, LIST_MAX, &p) < 0)
		return;
	int64_t *ids = arena_alloc(req->arena, p.limit * sizeof(*ids));
	size_t n = people_list_page(req->app, PEOPLE_CONNECTIONS, id, p.max_id, p.since_id,
				    p.min_id, p.limit, ids);
	if (n)
		api_page_link(req, n, ids[0], ids[n - 1]);
	api_accounts_array(req, ids, n);
	http_json(req, 200);
}

/* Who connects :id and `with` (the viewer by default): their shared
 * connections, their distance. */
static void common(struct http_request *req)
{
	int64_t id = api_person_param(req, "id");
	if (!id)
		return;
	const char *with_s = NULL;
	int64_t with = req->viewer, limit = 0;
	if (http_param_str(req, "with", 24, &with_s) < 0 ||
	    http_param_int(req, "limit", INT32_MIN, INT32_MAX, &limit) < 0)
		return;
	struct user u;
	if (with_s && *with_s &&
	    (!(with = http_parse_id(with_s)) ||
	     people_user_visible(req->app, req->arena, with, &u) < 0)) {
		http_error(req, 404, "Record not found");
		return;
	}
	limit = limit <= 0 ? COMMON_DEFAULT : limit > COMMON_MAX ? COMMON_MAX : limit;
	int64_t *ids = arena_alloc(req->arena, (size_t)limit * sizeof(*ids));
	size_t total = 0;
	size_t n = people_common(req->app, with, id, (size_t)limit, ids, &total);
	struct people_relation r;
	if (people_relation(req->app, req->arena, with, id, &r) < 0) {
		http_error(req, 500, "store error");
		return;
	}
	struct jw *w = &req->jw;
	jw_obj_begin(w);
	jw_kid(w, "id", id);
	jw_kid(w, "with", with);
	jw_kint(w, "distance", r.distance);
	jw_kint(w, "count", (int64_t)total);
	jw_key(w, "accounts");
	api_accounts_array(req, ids, n);
	jw_obj_end(w);
	http_json(req, 200);
}

/* One invitation: {id, direction, account (the other person), message, created_at}. */
static void invitation_json(struct http_request *req, const struct invitation *inv, bool sent)
{
	struct user u;
	if (people_user_visible(req->app, req->arena, sent ? inv->to_id : inv->from_id, &u) < 0)
		return; /* the other person left: hidden */
	struct jw *w = &req->jw;
	jw_obj_begin(w);
	jw_kid(w, "id", inv->id);
	jw_kstr(w, "direction", sent ? "sent" : "received");
	jw_key(w, "account");
	people_render_account_user(req->app, req->arena, w, &u);
	jw_kstr(w, "message", inv->message);
	jw_ktime(w, "created_at", inv->created_at);
	jw_obj_end(w);
}

/* Writes one box of invitations as an array; the count, or -1 (answered). */
static int invitation_box(struct http_request *req, enum invitation_box box,
			  const struct api_page *p, int64_t *newest, int64_t *oldest)
{
	struct invitation *inv = arena_calloc(req->arena, p->limit, sizeof(*inv));
	int n = store_invitation_list(store_reader(req->app->store), req->arena, req->viewer, box,
				      p->max_id, p->since_id, (int)p->limit, inv);
	if (n < 0) {
		http_error(req, 500, "store error");
		return -1;
	}
	jw_arr_begin(&req->jw);
	for (int i = 0; i < n; i++)
		invitation_json(req, &inv[i], box == INVITATIONS_SENT);
	jw_arr_end(&req->jw);
	if (n) {
		*newest = inv[0].id;
		*oldest = inv[n - 1].id;
	}
	return n;
}

/* GET /api/moka/v1/invitations: {"received": [...], "sent": [...]}, or
 * with ?type=received|sent one paginated array. */
static void invitations(struct http_request *req)
{
	struct api_page p;
	const char *type = NULL;
	if (http_param_str(req, "type", 16, &type) < 0 ||
	    api_page_params(req, LIST_DEFAULT, LIST_MAX, &p) < 0)
		return;
	int64_t newest = 0, oldest = 0;
	if (type) {
		bool sent = !strcmp(type, "sent");
		if (!sent && strcmp(type, "received") != 0) {
			http_error(req, 422, "type: 'received' or 'sent'");
			return;
		}
		int n = invitation_box(req, sent ? INVITATIONS_SENT : INVITATIONS_RECEIVED, &p,
				       &newest, &oldest);
		if (n < 0)
			return;
		api_page_link(req, (size_t)n, newest, oldest);
		http_json(req, 200);
		return;
	}
	jw_obj_begin(&req->jw);
	jw_key(&req->jw, "received");
	if (invitation_box(req, INVITATIONS_RECEIVED, &p, &newest, &oldest) < 0)
		return;
	jw_key(&req->jw, "sent");
	if (invitation_box(req, INVITATIONS_SENT, &p, &newest, &oldest) < 0)
		return;
	jw_obj_end(&req->jw);
	http_json(req, 200);
}

/* Acts on the invitation :id, then answers the Relationship with the
 * other person. Someone else's invitation is 404, like an unknown one. */
static void invitation_act(struct http_request *req,
			   enum people_rc (*act)(struct app *, int64_t, int64_t))
{
	int64_t id = http_parse_id(http_path_param(req, "id"));
	struct invitation inv;
	if (!id ||
	    store_invitation_get(store_reader(req->app->store), req->arena, id, &inv) != STORE_OK ||
	    (inv.from_id != req->viewer && inv.to_id != req->viewer)) {
		http_error(req, 404, "Record not found");
		return;
	}
	int64_t other = inv.from_id == req->viewer ? inv.to_id : inv.from_id;
	relationship_reply(req, other, act(req->app, req->viewer, id));
}

static void invitation_accept(struct http_request *req)
{
	invitation_act(req, people_invitation_accept);
}

static void invitation_ignore(struct http_request *req)
{
	invitation_act(req, people_invitation_ignore);
}

static void invitation_withdraw(struct http_request *req)
{
	invitation_act(req, people_invitation_withdraw);
}

static const struct route routes[] = {
    {"POST", "/api/moka/v1/accounts/:id/connect", net_connect, ROUTE_AUTH, "follow"},
    {"POST", "/api/moka/v1/accounts/:id/disconnect", net_disconnect, ROUTE_AUTH, "follow"},
    {"GET", "/api/moka/v1/accounts/:id/connections", connections, ROUTE_AUTH, "read"},
    {"GET", "/api/moka/v1/accounts/:id/common", common, ROUTE_AUTH, "read"},
    {"GET", "/api/moka/v1/invitations", invitations, ROUTE_AUTH, "read"},
    {"POST", "/api/moka/v1/invitations/:id/accept", invitation_accept, ROUTE_AUTH, "follow"},
    {"POST", "/api/moka/v1/invitations/:id/ignore", invitation_ignore, ROUTE_AUTH, "follow"},
    {"POST", "/api/moka/v1/invitations/:id/withdraw", invitation_withdraw, ROUTE_AUTH, "follow"},
};

void api_network_register(void)
{
	http_routes_add(routes, sizeof(routes) / sizeof(routes[0]));
}
