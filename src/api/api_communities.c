/*
 * api_communities: Moka's communities API (/api/moka/v1/communities) —
 * create, read, edit, archive, browse, my communities, join and leave,
 * requests, invitations, members and roles, the community stream, pinned
 * posts and forum topics. Rules live in communities/; posts in posts/.
 */
#include "api/api.h"
#include "api/api_people.h"
#include "app/app.h"
#include "communities/communities.h"
#include "feed/feed.h"
#include "http/http.h"
#include "posts/posts.h"
#include "store/store.h"
#include "text/text.h"

#include <string.h>

#define LIST_DEFAULT 20
#define LIST_MAX 80
#define MEMBERS_DEFAULT 40
#define MEMBERS_MAX 200
#define PINS_MAX 20

static void fail(struct http_request *req, enum communities_rc rc, const char *why)
{
	switch (rc) {
	case COMMUNITIES_NOT_FOUND:
		http_error(req, 404, NOT_FOUND);
		break;
	case COMMUNITIES_FORBIDDEN:
		http_error(req, 403, "%s", why ? why : "Only the community's owners may do this");
		break;
	case COMMUNITIES_INVALID:
		http_error(req, 422, "%s", why ? why : "invalid");
		break;
	case COMMUNITIES_CONFLICT:
		http_error(req, 409, "%s",
			   why ? why
			       : "Not possible: the community is archived, or it would be left "
				 "without an owner");
		break;
	default:
		http_error(req, 500, "the store failed; try again");
		break;
	}
}

/* Answers the community as the viewer now sees it, or the error. */
static void reply(struct http_request *req, int64_t id, enum communities_rc rc, const char *why)
{
	if (rc != COMMUNITIES_OK) {
		fail(req, rc, why);
		return;
	}
	if (communities_render(req->app, req->arena, &req->jw, req->viewer, id) < 0) {
		jw_obj_begin(&req->jw); /* e.g. one just left a restricted community */
		jw_kid(&req->jw, "id", id);
		jw_obj_end(&req->jw);
	}
	http_json(req, 200);
}

/* An account id given as a JSON string or integer, or a form/query string. */
static int account_param(struct http_request *req, const char *name, int64_t *out)
{
	json_t *j = req->json ? json_object_get(req->json, name) : NULL;
	if (j && json_is_integer(j) && json_integer_value(j) > 0) {
		*out = json_integer_value(j);
		return 0;
	}
	const char *s;
	if (http_param_require(req, name, 24, &s) < 0)
		return -1;
	if (!(*out = http_parse_id(s)))
		return http_error(req, 422, "%s: expected an id", name);
	return 0;
}

/* The fields of a create or an edit. -1 after a 422. */
static int input_params(struct http_request *req, struct community_input *in)
{
	memset(in, 0, sizeof(*in));
	const char *type = NULL;
	int r;
	if (http_param_str(req, "name", COMMUNITY_NAME_MAX * 2, &in->name) < 0 ||
	    http_param_str(req, "description", COMMUNITY_DESCRIPTION_MAX, &in->description) < 0 ||
	    (r = http_param_strv(req, "tags", COMMUNITY_TAGS_MAX, 100, &in->tags, &in->n_tags)) <
		0 ||
	    http_param_str(req, "type", 32, &type) < 0)
		return -1;
	in->has_tags = r > 0;
	if ((r = http_param_bool(req, "listed", &in->listed)) < 0)
		return -1;
	in->has_listed = r > 0;
	if (type) {
		if (community_type_parse(type, &in->type) < 0)
			return http_error(req, 422,
					  "type: expected public, moderated or restricted");
		in->has_type = true;
	}
	return 0;
}

static void create(struct http_request *req)
{
	struct community_input in;
	if (input_params(req, &in) < 0)
		return;
	int64_t id = 0;
	const char *why = NULL;
	enum communities_rc rc =
	    communities_create(req->app, req->arena, req->viewer, &in, &id, &why);
	reply(req, id, rc, why);
}

static void show(struct http_request *req)
{
	int64_t id = api_path_id(req, "id");
	if (!id)
		return;
	if (communities_render(req->app, req->arena, &req->jw, req->viewer, id) < 0) {
		http_error(req, 404, NOT_FOUND);
		return;
	}
	http_json(req, 200);
}

static void update(struct http_request *req)
{
	struct community_input in;
	int64_t id = api_path_id(req, "id");
	if (!id || input_params(req, &in) < 0)
		return;
	const char *why = NULL;
	enum communities_rc rc =
	    communities_update(req->app, req->arena, req->viewer, id, &in, &why);
	reply(req, id, rc, why);
}

static void archive(struct http_request *req)
{
	int64_t id = api_path_id(req, "id");
	if (id)
		reply(req, id, communities_archive(req->app, req->viewer, id), NULL);
}

static void join(struct http_request *req)
{
	int64_t id = api_path_id(req, "id");
	bool requested;
	if (id)
		reply(req, id, communities_join(req->app, req->viewer, id, &requested),
		      "This community is by invitation only");
}

static void leave(struct http_request *req)
{
	int64_t id = api_path_id(req, "id");
	if (id)
		reply(req, id, communities_leave(req->app, req->viewer, id),
		      "You are the last owner: promote another member first");
}

static void invitation_accept(struct http_request *req)
{
	int64_t id = api_path_id(req, "id");
	if (id)
		reply(req, id, communities_invitation_answer(req->app, req->viewer, id, true),
		      NULL);
}

static void invitation_decline(struct http_request *req)
{
	int64_t id = api_path_id(req, "id");
	if (id)
		reply(req, id, communities_invitation_answer(req->app, req->viewer, id, false),
		      NULL);
}

static void invite(struct http_request *req)
{
	int64_t id = api_path_id(req, "id"), user;
	if (!id || account_param(req, "account_id", &user) < 0)
		return;
	if (user == req->viewer) {
		http_error(req, 422, "account_id: you cannot invite yourself");
		return;
	}
	reply(req, id, communities_invite(req->app, req->viewer, id, user),
	      "account_id: no such person");
}

/* Acts on the account in the path; answers the community. */
static void on_account(struct http_request *req, int what)
{
	int64_t id = api_path_id(req, "id"), user = id ? api_path_id(req, "account_id") : 0;
	if (!user)
		return;
	enum communities_rc rc;
	switch (what) {
	case 0:
		rc = communities_request_decide(req->app, req->viewer, id, user, true);
		break;
	case 1:
		rc = communities_request_decide(req->app, req->viewer, id, user, false);
		break;
	case 2:
		rc = communities_remove(req->app, req->viewer, id, user);
		break;
	case 3:
		rc = communities_set_role(req->app, req->viewer, id, user, true);
		break;
	default:
		rc = communities_set_role(req->app, req->viewer, id, user, false);
		break;
	}
	reply(req, id, rc,
	      rc == COMMUNITIES_CONFLICT ? "A community keeps at least one owner" : NULL);
}

static void request_approve(struct http_request *req)
{
	on_account(req, 0);
}
static void request_refuse(struct http_request *req)
{
	on_account(req, 1);
}
static void member_remove(struct http_request *req)
{
	on_account(req, 2);
}
static void member_promote(struct http_request *req)
{
	on_account(req, 3);
}
static void member_demote(struct http_request *req)
{
	on_account(req, 4);
}

/* Browse (all) or my communities: newest first, Link by community id. */
static void list(struct http_request *req, bool mine)
{
	struct api_page p;
	const char *type = NULL, *tag = NULL, *q = NULL;
	if (api_page_params(req, LIST_DEFAULT, LIST_MAX, &p) < 0 ||
	    http_param_str(req, "type", 32, &type) < 0 ||
	    http_param_str(req, "tag", 200, &tag) < 0 || http_param_str(req, "q", 200, &q) < 0)
		return;
	struct communities_filter f = {
	    .type = -1, .mine = mine, .max_id = p.max_id, .limit = p.limit};
	enum community_type t;
	if (type && *type) {
		if (community_type_parse(type, &t) < 0) {
			http_error(req, 422, "type: expected public, moderated or restricted");
			return;
		}
		f.type = (int)t;
	}
	if (tag && *tag && !(f.tag = text_tag_normalize(req->arena, tag, strlen(tag)))) {
		http_error(req, 422, "tag: not a valid tag");
		return;
	}
	f.prefix = q && *q ? q : NULL;
	int64_t *ids = arena_alloc(req->arena, p.limit * sizeof(*ids));
	size_t n = communities_browse(req->app, req->arena, req->viewer, &f, ids);
	if (n)
		api_page_link(req, n, ids[0], ids[n - 1]);
	communities_render_many(req->app, req->arena, &req->jw, req->viewer, ids, n);
	http_json(req, 200);
}

static void browse(struct http_request *req)
{
	list(req, false);
}

static void mine(struct http_request *req)
{
	list(req, true);
}

static void members(struct http_request *req)
{
	struct api_page p;
	int64_t id = api_path_id(req, "id");
	if (!id || api_page_params(req, MEMBERS_DEFAULT, MEMBERS_MAX, &p) < 0)
		return;
	int64_t *ids = arena_alloc(req->arena, p.limit * sizeof(*ids));
	uint8_t *roles = arena_alloc(req->arena, p.limit);
	long n = communities_member_page(req->app, req->viewer, id, p.max_id,
					 p.since_id > p.min_id ? p.since_id : p.min_id, p.limit,
					 ids, roles);
	if (n < 0) {
		http_error(req, 404, NOT_FOUND);
		return;
	}
	if (n)
		api_page_link(req, (size_t)n, ids[0], ids[n - 1]);
	struct jw *w = &req->jw;
	jw_arr_begin(w);
	struct user u;
	for (long i = 0; i < n; i++) {
		if (people_user_visible(req->app, req->arena, ids[i], &u) < 0)
			continue; /* deactivated: left out, as in every list */
		jw_obj_begin(w);
		jw_kstr(w, "role", roles[i] == COMMUNITY_OWNER ? "owner" : "member");
		jw_key(w, "account");
		people_render_account_user(req->app, req->arena, w, &u);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	http_json(req, 200);
}

static void requests(struct http_request *req)
{
	struct api_page p;
	int64_t id = api_path_id(req, "id");
	if (!id || api_page_params(req, MEMBERS_DEFAULT, MEMBERS_MAX, &p) < 0)
		return;
	app_rdlock(req->app);
	bool owner = communities_role_locked(req->app, id, req->viewer) == COMMUNITY_OWNER;
	bool sees = communities_can_read_locked(req->app, id, req->viewer);
	app_unlock(req->app);
	if (!owner) {
		if (sees)
			http_error(req, 403, "Only the community's owners may do this");
		else
			http_error(req, 404, NOT_FOUND);
		return;
	}
	int64_t *ids = arena_alloc(req->arena, p.limit * sizeof(*ids));
	int n = store_community_members_in_state(store_reader(req->app->store), id,
						 CMEMBER_REQUESTED, p.max_id, (int)p.limit, ids);
	if (n < 0) {
		http_error(req, 500, "store error");
		return;
	}
	if (n)
		api_page_link(req, (size_t)n, ids[0], ids[n - 1]);
	api_accounts_array(req, ids, (size_t)n);
	http_json(req, 200);
}

/* 0 when viewer may read community id; else answers 404 and returns -1. */
static int readable(struct http_request *req, int64_t id)
{
	app_rdlock(req->app);
	bool ok = communities_can_read_locked(req->app, id, req->viewer);
	app_unlock(req->app);
	return ok ? 0 : http_error(req, 404, NOT_FOUND);
}

static void timeline(struct http_request *req)
{
	int64_t id = api_path_id(req, "id");
	const char *max = NULL, *since = NULL, *min = NULL, *limit = NULL, *why;
	struct feed_page pg;
	if (!id || readable(req, id) < 0 || http_param_str(req, "max_id", 32, &max) < 0 ||
	    http_param_str(req, "since_id", 32, &since) < 0 ||
	    http_param_str(req, "min_id", 32, &min) < 0 ||
	    http_param_str(req, "limit", 32, &limit) < 0)
		return;
	if (feed_page_parse(max, since, min, limit, &pg, &why) < 0) {
		http_error(req, 422, "%s", why);
		return;
	}
	struct feed_query q = {.stream = FEED_COMMUNITY, .viewer = req->viewer, .community = id};
	struct feed_result res;
	posts_render_page(req->app, req->arena, &req->jw, req->viewer, &q, &pg, &res);
	const char *b = req->app->base_url ? req->app->base_url : "";
	size_t bn = strlen(b);
	while (bn && b[bn - 1] == '/')
		bn--;
	const char *lim =
	    pg.limit != FEED_LIMIT_DEFAULT ? arena_printf(req->arena, "limit=%d&", pg.limit) : "";
	const char *link = NULL;
	if (res.next_max_id)
		link = arena_printf(req->arena, "<%.*s%s?%smax_id=%lld>; rel=\"next\"", (int)bn, b,
				    req->path, lim, (long long)res.next_max_id);
	if (res.prev_min_id)
		link = arena_printf(req->arena, "%s%s<%.*s%s?%smin_id=%lld>; rel=\"prev\"",
				    link ? link : "", link ? ", " : "", (int)bn, b, req->path, lim,
				    (long long)res.prev_min_id);
	if (link)
		http_set_header(req, "Link", link);
	http_json(req, 200);
}

static void pins(struct http_request *req)
{
	int64_t id = api_path_id(req, "id");
	if (!id || readable(req, id) < 0)
		return;
	int64_t ids[PINS_MAX];
	int n = store_community_pins(store_reader(req->app->store), id, PINS_MAX, ids);
	posts_render_statuses(req->app, req->arena, &req->jw, req->viewer, ids, (size_t)n);
	http_json(req, 200);
}

static void pin_set(struct http_request *req, bool on)
{
	int64_t id = api_path_id(req, "id"), post = id ? api_path_id(req, "status_id") : 0;
	if (!post)
		return;
	enum communities_rc rc = communities_pin(req->app, req->viewer, id, post, on);
	if (rc != COMMUNITIES_OK) {
		fail(req, rc, NULL);
		return;
	}
	if (posts_render_status(req->app, req->arena, &req->jw, req->viewer, post) < 0) {
		http_error(req, 404, NOT_FOUND);
		return;
	}
	http_json(req, 200);
}

static void pin(struct http_request *req)
{
	pin_set(req, true);
}

static void unpin(struct http_request *req)
{
	pin_set(req, false);
}

/* One topic: {id, title, last_activity_at, replies_count, status}. */
static void topic_write(struct http_request *req, const struct community_topic *t)
{
	struct jw *w = &req->jw;
	jw_obj_begin(w);
	jw_kid(w, "id", t->post_id);
	jw_kstr(w, "title", t->title);
	jw_ktime(w, "last_activity_at", t->last_activity_at);
	jw_kint(w, "replies_count", t->replies);
	jw_key(w, "status");
	posts_render_status(req->app, req->arena, w, req->viewer, t->post_id);
	jw_obj_end(w);
}

/* The topics cursor "AT.ID" (the last topic's activity time and id): -1
 * after a 422. */
static int topics_cursor(struct http_request *req, int64_t *at, int64_t *post)
{
	const char *s = NULL;
	*at = *post = 0;
	if (http_param_str(req, "cursor", 48, &s) < 0 || !s || !*s)
		return 0;
	const char *dot = strchr(s, '.');
	char head[24];
	size_t hl = dot ? (size_t)(dot - s) : 0;
	if (!dot || hl == 0 || hl >= sizeof(head))
		return http_error(req, 422, "cursor: expected the value of a Link rel=\"next\"");
	memcpy(head, s, hl);
	head[hl] = 0;
	if (!(*at = http_parse_id(head)) || !(*post = http_parse_id(dot + 1)))
		return http_error(req, 422, "cursor: expected the value of a Link rel=\"next\"");
	return 0;
}

/* GET topics, most recent activity first; keyset pages (Link rel="next"
 * carries the cursor of the last topic). */
static void topics(struct http_request *req)
{
	int64_t id = api_path_id(req, "id"), limit = 0, at, after;
	if (!id || readable(req, id) < 0 ||
	    http_param_int(req, "limit", 1, INT32_MAX, &limit) < 0 ||
	    topics_cursor(req, &at, &after) < 0)
		return;
	limit = limit <= 0 ? LIST_DEFAULT : limit > LIST_MAX ? LIST_MAX : limit;
	struct community_topic *t = arena_calloc(req->arena, (size_t)limit, sizeof(*t));
	int n = store_community_topics(store_reader(req->app->store), req->arena, id, at, after,
				       (int)limit, t);
	if (n < 0) {
		http_error(req, 500, "store error");
		return;
	}
	jw_arr_begin(&req->jw);
	for (int i = 0; i < n; i++)
		if (audience_post_visible(req->app, req->viewer, t[i].post_id))
			topic_write(req, &t[i]); /* (deleted ones are left out) */
	jw_arr_end(&req->jw);
	if (n == (int)limit) {
		const char *b = req->app->base_url ? req->app->base_url : "";
		size_t bn = strlen(b);
		while (bn && b[bn - 1] == '/')
			bn--;
		http_set_header(req, "Link",
				arena_printf(req->arena,
					     "<%.*s%s?limit=%lld&cursor=%lld.%lld>; rel=\"next\"",
					     (int)bn, b, req->path, (long long)limit,
					     (long long)t[n - 1].last_activity_at,
					     (long long)t[n - 1].post_id));
	}
	http_json(req, 200);
}

/* GET one topic (404 unless it is a topic of this community the viewer reads). */
static void topic_show(struct http_request *req)
{
	int64_t id = api_path_id(req, "id"), post = id ? api_path_id(req, "topic_id") : 0,
		community = 0;
	if (!post || readable(req, id) < 0)
		return;
	struct community_topic t;
	int rc = store_community_topic_get(store_reader(req->app->store), req->arena, post,
					   &community, &t);
	if (rc == STORE_ERROR) {
		http_error(req, 500, "store error");
		return;
	}
	if (rc != STORE_OK || community != id ||
	    !audience_post_visible(req->app, req->viewer, post)) {
		http_error(req, 404, NOT_FOUND);
		return;
	}
	topic_write(req, &t);
	http_json(req, 200);
}

static void topic_create(struct http_request *req)
{
	int64_t id = api_path_id(req, "id");
	const char *title, *text;
	struct posts_draft d = {.visibility = VIS_COMMUNITY, .community_id = id};
	if (!id || http_param_require(req, "title", COMMUNITY_TITLE_MAX * 4, &title) < 0 ||
	    http_param_require(req, "status", 400016, &text) < 0 ||
	    http_param_bool(req, "question", &d.question) < 0 || api_param_media(req, &d) < 0)
		return;
	size_t tl = strlen(title);
	const char *reason;
	if (tl == 0 || tl > COMMUNITY_TITLE_MAX || text_check_post(title, tl, 0, &reason) < 0 ||
	    strchr(title, '\n')) {
		http_error(req, 422, "title: %s",
			   tl == 0		      ? "can't be blank"
			   : tl > COMMUNITY_TITLE_MAX ? "at most 300 bytes"
						      : "invalid characters");
		return;
	}
	d.text = text;
	d.text_len = strlen(text);
	d.topic_title = title;
	int64_t post = 0;
	const char *why = NULL;
	enum posts_rc rc = posts_create(req->app, req->arena, req->viewer, &d, &post, &why);
	if (rc != POSTS_OK) {
		int status = rc == POSTS_NOT_FOUND   ? 404
			     : rc == POSTS_FORBIDDEN ? 403
			     : rc == POSTS_INVALID   ? 422
						     : 500;
		http_error(req, status, "%s", status == 404 ? NOT_FOUND : why ? why : "error");
		return;
	}
	struct jw *w = &req->jw;
	jw_obj_begin(w);
	jw_kid(w, "id", post);
	jw_kstr(w, "title", title);
	jw_key(w, "status");
	posts_render_status(req->app, req->arena, w, req->viewer, post);
	jw_obj_end(w);
	http_json(req, 200);
}

#define C "/api/moka/v1/communities"
static const struct route routes[] = {
    {"POST", C, create, ROUTE_AUTH, "write"},
    {"GET", C, browse, ROUTE_AUTH, "read"},
    {"GET", C "/mine", mine, ROUTE_AUTH, "read"},
    {"GET", C "/:id", show, ROUTE_AUTH, "read"},
    {"PATCH", C "/:id", update, ROUTE_AUTH, "write"},
    {"POST", C "/:id/archive", archive, ROUTE_AUTH, "write"},
    {"POST", C "/:id/join", join, ROUTE_AUTH, "write"},
    {"POST", C "/:id/leave", leave, ROUTE_AUTH, "write"},
    {"GET", C "/:id/requests", requests, ROUTE_AUTH, "read"},
    {"POST", C "/:id/requests/:account_id/approve", request_approve, ROUTE_AUTH, "write"},
    {"POST", C "/:id/requests/:account_id/refuse", request_refuse, ROUTE_AUTH, "write"},
    {"POST", C "/:id/invite", invite, ROUTE_AUTH, "write"},
    {"POST", C "/:id/invitation/accept", invitation_accept, ROUTE_AUTH, "write"},
    {"POST", C "/:id/invitation/decline", invitation_decline, ROUTE_AUTH, "write"},
    {"GET", C "/:id/members", members, ROUTE_AUTH, "read"},
    {"DELETE", C "/:id/members/:account_id", member_remove, ROUTE_AUTH, "write"},
    {"POST", C "/:id/members/:account_id/promote", member_promote, ROUTE_AUTH, "write"},
    {"POST", C "/:id/members/:account_id/demote", member_demote, ROUTE_AUTH, "write"},
    {"GET", C "/:id/timeline", timeline, ROUTE_AUTH, "read"},
    {"GET", C "/:id/pins", pins, ROUTE_AUTH, "read"},
    {"POST", C "/:id/pins/:status_id", pin, ROUTE_AUTH, "write"},
    {"DELETE", C "/:id/pins/:status_id", unpin, ROUTE_AUTH, "write"},
    {"GET", C "/:id/topics", topics, ROUTE_AUTH, "read"},
    {"GET", C "/:id/topics/:topic_id", topic_show, ROUTE_AUTH, "read"},
    {"POST", C "/:id/topics", topic_create, ROUTE_AUTH, "write"},
};
#undef C

void api_communities_register(void)
{
	http_routes_add(routes, sizeof(routes) / sizeof(routes[0]));
}
