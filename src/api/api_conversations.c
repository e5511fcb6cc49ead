/*
 * api_conversations: Moka's conversations API (/api/moka/v1/conversations)
 * — private one-to-one and group conversations: start, list, read,
 * settings, members, leave, mute, archive, read markers, messages (send,
 * edit, delete, react), unread counts and search in one's messages. The
 * rules, and the one check of who sees what, live in messages/.
 */
#include "api/api.h"
#include "api/api_people.h"
#include "app/app.h"
#include "http/http.h"
#include "messages/messages.h"

#include <string.h>

#define LIST_DEFAULT 20
#define LIST_MAX 40
#define MESSAGES_DEFAULT 40
#define MESSAGES_MAX 100
#define SEARCH_DEFAULT 20
#define SEARCH_MAX 40
/* Account ids read from one request (more is refused by the 100-people rule). */
#define ACCOUNTS_MAX 200
/* A search phrase, in bytes. */
#define QUERY_MAX 200

static void fail(struct http_request *req, enum messages_rc rc, const char *why)
{
	switch (rc) {
	case MESSAGES_NOT_FOUND:
		http_error(req, 404, "%s", why ? why : NOT_FOUND);
		break;
	case MESSAGES_FORBIDDEN:
		http_error(req, 403, "%s", why ? why : "Not yours to do");
		break;
	case MESSAGES_INVALID:
		http_error(req, 422, "%s", why ? why : "invalid");
		break;
	default:
		http_error(req, 500, "the store failed; try again");
		break;
	}
}

/* Answers conversation id as the viewer now sees it (full), or the error. */
static void reply(struct http_request *req, int64_t id, enum messages_rc rc, const char *why)
{
	if (rc != MESSAGES_OK) {
		fail(req, rc, why);
		return;
	}
	if (messages_render_conversation(req->app, req->arena, &req->jw, req->viewer, id, true) <
	    0) {
		jw_obj_begin(&req->jw); /* one just left it */
		jw_kid(&req->jw, "id", id);
		jw_obj_end(&req->jw);
	}
	http_json(req, 200);
}

/* Answers message id as the viewer sees it, or the error. */
static void reply_message(struct http_request *req, int64_t id, enum messages_rc rc,
			  const char *why)
{
	if (rc != MESSAGES_OK) {
		fail(req, rc, why);
		return;
	}
	if (messages_render_message(req->app, req->arena, &req->jw, req->viewer, id) < 0) {
		http_error(req, 404, NOT_FOUND);
		return;
	}
	http_json(req, 200);
}

/* name: a JSON array of ids (strings or integers), or form fields
 * "name[]"; at most max (more: 422). With required, absent or empty is a
 * 422 too. -1 after a 422. */
static int id_list(struct http_request *req, const char *name, size_t max, int64_t **out, size_t *n,
		   bool required)
{
	json_t *arr = req->json ? json_object_get(req->json, name) : NULL;
	*n = 0;
	if (arr && json_is_array(arr)) {
		size_t len = json_array_size(arr);
		if (len > max)
			return http_error(req, 422, "%s: at most %zu", name, max);
		*out = arena_alloc(req->arena, (len + 1) * sizeof(**out));
		for (size_t i = 0; i < len; i++) {
			json_t *j = json_array_get(arr, i);
			int64_t v = json_is_integer(j)	? json_integer_value(j)
				    : json_is_string(j) ? http_parse_id(json_string_value(j))
							: 0;
			if (v <= 0)
				return http_error(req, 422, "%s: expected ids", name);
			(*out)[i] = v;
		}
		*n = len;
	} else {
		const char **v;
		if (http_param_strv(req, name, max, 24, &v, n) < 0)
			return -1;
		*out = arena_alloc(req->arena, (*n + 1) * sizeof(**out));
		for (size_t i = 0; i < *n; i++)
			if (!((*out)[i] = http_parse_id(v[i])))
				return http_error(req, 422, "%s: expected ids", name);
	}
	if (required && *n == 0)
		return http_error(req, 422, "%s: name at least one person", name);
	return 0;
}

/* account_ids: more than a group may hold is refused by messages/ (422). */
static int account_ids(struct http_request *req, int64_t **out, size_t *n)
{
	return id_list(req, "account_ids", ACCOUNTS_MAX, out, n, true);
}

/* --- conversations ------------------------------------------------------- */

static void create(struct http_request *req)
{
	struct conversation_input in = {0};
	int64_t *ids = NULL;
	if (account_ids(req, &ids, &in.n_accounts) < 0 ||
	    http_param_bool(req, "group", &in.group) < 0 ||
	    http_param_str(req, "title", MESSAGES_TITLE_MAX * 2, &in.title) < 0 ||
	    http_param_bool(req, "history_visible", &in.history_visible) < 0)
		return;
	in.accounts = ids;
	int64_t id = 0;
	bool created = false;
	const char *why = NULL;
	enum messages_rc rc = messages_conversation_create(req->app, req->arena, req->viewer, &in,
							   &id, &created, &why);
	reply(req, id, rc, why);
}

static void list(struct http_request *req)
{
	struct api_page p;
	bool archived = false;
	if (api_page_params(req, LIST_DEFAULT, LIST_MAX, &p) < 0 ||
	    http_param_bool(req, "archived", &archived) < 0)
		return;
	int64_t *ids = arena_alloc(req->arena, p.limit * sizeof(*ids));
	int64_t *cursors = arena_alloc(req->arena, p.limit * sizeof(*cursors));
	int n = messages_conversations_page(req->app, req->viewer, archived, p.max_id, p.since_id,
					    p.min_id, (int)p.limit, ids, cursors);
	if (n < 0) {
		http_error(req, 500, "store error");
		return;
	}
	if (n)
		api_page_link(req, (size_t)n, cursors[0], cursors[n - 1]);
	jw_arr_begin(&req->jw);
	for (int i = 0; i < n; i++)
		messages_render_conversation(req->app, req->arena, &req->jw, req->viewer, ids[i],
					     false);
	jw_arr_end(&req->jw);
	http_json(req, 200);
}

static void show(struct http_request *req)
{
	int64_t id = api_path_id(req, "id");
	if (!id)
		return;
	if (messages_render_conversation(req->app, req->arena, &req->jw, req->viewer, id, true) <
	    0) {
		http_error(req, 404, NOT_FOUND);
		return;
	}
	http_json(req, 200);
}

static void update(struct http_request *req)
{
	int64_t id = api_path_id(req, "id");
	const char *title = NULL;
	bool history = false;
	int has_history;
	if (!id || http_param_str(req, "title", MESSAGES_TITLE_MAX * 2, &title) < 0 ||
	    (has_history = http_param_bool(req, "history_visible", &history)) < 0)
		return;
	const char *why = NULL;
	enum messages_rc rc = messages_conversation_update(req->app, req->arena, req->viewer, id,
							   title, has_history > 0, history, &why);
	reply(req, id, rc, why);
}

static void members_add(struct http_request *req)
{
	int64_t id = api_path_id(req, "id"), *ids = NULL;
	size_t n = 0;
	if (!id || account_ids(req, &ids, &n) < 0)
		return;
	const char *why = NULL;
	enum messages_rc rc =
	    messages_members_add(req->app, req->arena, req->viewer, id, ids, n, &why);
	reply(req, id, rc, why);
}

static void member_remove(struct http_request *req)
{
	int64_t id = api_path_id(req, "id"), user = id ? api_path_id(req, "account_id") : 0;
	if (!user)
		return;
	const char *why = NULL;
	enum messages_rc rc = messages_member_remove(req->app, req->viewer, id, user, &why);
	reply(req, id, rc, why);
}

static void leave(struct http_request *req)
{
	int64_t id = api_path_id(req, "id");
	const char *why = NULL;
	if (!id)
		return;
	enum messages_rc rc = messages_leave(req->app, req->viewer, id, &why);
	reply(req, id, rc, why);
}

static void set_flag(struct http_request *req, bool archive, bool on)
{
	int64_t id = api_path_id(req, "id");
	if (!id)
		return;
	enum messages_rc rc = archive ? messages_set_archived(req->app, req->viewer, id, on)
				      : messages_set_muted(req->app, req->viewer, id, on);
	reply(req, id, rc, NULL);
}

static void mute(struct http_request *req)
{
	set_flag(req, false, true);
}
static void unmute(struct http_request *req)
{
	set_flag(req, false, false);
}
static void archive(struct http_request *req)
{
	set_flag(req, true, true);
}
static void unarchive(struct http_request *req)
{
	set_flag(req, true, false);
}

static int id_param(struct http_request *req, const char *name, int64_t *out)
{
	const char *s = NULL;
	*out = 0;
	if (http_param_str(req, name, 24, &s) < 0)
		return -1;
	if (s && *s && !(*out = http_parse_id(s)))
		return http_error(req, 422, "%s: expected an id", name);
	return 0;
}

static void mark_read(struct http_request *req)
{
	int64_t id = api_path_id(req, "id"), last = 0;
	json_t *j = req->json ? json_object_get(req->json, "last_read_id") : NULL;
	if (!id)
		return;
	if (j && json_is_integer(j) && json_integer_value(j) > 0)
		last = json_integer_value(j);
	else if (id_param(req, "last_read_id", &last) < 0)
		return;
	reply(req, id, messages_mark_read(req->app, req->viewer, id, last), NULL);
}

static void unread_count(struct http_request *req)
{
	int64_t conversations = 0;
	int64_t n = messages_unread_total(req->app, req->viewer, &conversations);
	if (n < 0) {
		http_error(req, 500, "store error");
		return;
	}
	jw_obj_begin(&req->jw);
	jw_kint(&req->jw, "unread", n);
	jw_kint(&req->jw, "conversations", conversations);
	jw_obj_end(&req->jw);
	http_json(req, 200);
}

/* --- messages ------------------------------------------------------------ */

static void write_messages(struct http_request *req, const int64_t *ids, int n)
{
	jw_arr_begin(&req->jw);
	for (int i = 0; i < n; i++)
		messages_render_message(req->app, req->arena, &req->jw, req->viewer, ids[i]);
	jw_arr_end(&req->jw);
	http_json(req, 200);
}

static void messages_list(struct http_request *req)
{
	struct api_page p;
	int64_t id = api_path_id(req, "id");
	if (!id || api_page_params(req, MESSAGES_DEFAULT, MESSAGES_MAX, &p) < 0)
		return;
	int64_t *ids = arena_alloc(req->arena, p.limit * sizeof(*ids));
	int n = messages_page(req->app, req->viewer, id, p.max_id, p.since_id, p.min_id,
			      (int)p.limit, ids);
	if (n < 0) {
		http_error(req, 404, NOT_FOUND);
		return;
	}
	if (n)
		api_page_link(req, (size_t)n, ids[0], ids[n - 1]);
	write_messages(req, ids, n);
}

static void send(struct http_request *req)
{
	int64_t id = api_path_id(req, "id"), msg = 0, *files = NULL;
	struct message_input in = {0};
	if (!id || http_param_str(req, "text", MESSAGES_TEXT_MAX * 4 + 16, &in.text) < 0)
		return;
	in.text = in.text ? in.text : "";
	in.text_len = strlen(in.text);
	in.idempotency_key = http_header(req, "Idempotency-Key");
	if (in.idempotency_key && !*in.idempotency_key)
		in.idempotency_key = NULL;
	if (id_list(req, "file_ids", MESSAGES_FILES_MAX, &files, &in.n_files, false) < 0)
		return;
	in.files = files;
	const char *why = NULL;
	enum messages_rc rc = messages_send(req->app, req->arena, req->viewer, id, &in, &msg, &why);
	reply_message(req, msg, rc, why);
}

/* The message in the path, when it belongs to the conversation in the
 * path and the viewer may see it; 0 after answering 404. */
static int64_t path_message(struct http_request *req)
{
	int64_t id = api_path_id(req, "id"), msg = id ? api_path_id(req, "message_id") : 0,
		conv = 0;
	if (!msg)
		return 0;
	if (!messages_message_visible(req->app, req->viewer, msg, &conv) || conv != id) {
		http_error(req, 404, NOT_FOUND);
		return 0;
	}
	return msg;
}

static void message_show(struct http_request *req)
{
	int64_t msg = path_message(req);
	if (msg)
		reply_message(req, msg, MESSAGES_OK, NULL);
}

static void message_edit(struct http_request *req)
{
	int64_t msg = path_message(req);
	const char *text;
	if (!msg || http_param_require(req, "text", MESSAGES_TEXT_MAX * 4 + 16, &text) < 0)
		return;
	const char *why = NULL;
	enum messages_rc rc =
	    messages_edit(req->app, req->arena, req->viewer, msg, text, strlen(text), &why);
	reply_message(req, msg, rc, why);
}

static void message_delete(struct http_request *req)
{
	int64_t msg = path_message(req);
	if (!msg)
		return;
	enum messages_rc rc = messages_delete(req->app, req->viewer, msg);
	if (rc != MESSAGES_OK) {
		fail(req, rc,
		     rc == MESSAGES_FORBIDDEN ? "Only its author may delete a message" : NULL);
		return;
	}
	jw_obj_begin(&req->jw);
	jw_kid(&req->jw, "id", msg);
	jw_kbool(&req->jw, "deleted", true);
	jw_obj_end(&req->jw);
	http_json(req, 200);
}

static void react(struct http_request *req)
{
	int64_t msg = path_message(req);
	const char *emoji;
	if (!msg || http_param_require(req, "emoji", MESSAGES_EMOJI_MAX * 2, &emoji) < 0)
		return;
	bool on = false;
	const char *why = NULL;
	enum messages_rc rc = messages_react(req->app, req->viewer, msg, emoji, &on, &why);
	reply_message(req, msg, rc, why);
}

static void search(struct http_request *req)
{
	struct api_page p;
	const char *q;
	if (http_param_require(req, "q", QUERY_MAX, &q) < 0 ||
	    api_page_params(req, SEARCH_DEFAULT, SEARCH_MAX, &p) < 0)
		return;
	size_t ql = strlen(q);
	while (ql && q[ql - 1] == ' ')
		ql--;
	while (ql && *q == ' ')
		q++, ql--;
	if (!ql) {
		http_error(req, 422, "q: can't be blank");
		return;
	}
	int64_t *ids = arena_alloc(req->arena, p.limit * sizeof(*ids));
	int n = messages_search(req->app, req->viewer, arena_strndup(req->arena, q, ql), p.max_id,
				(int)p.limit, ids);
	if (n < 0) {
		http_error(req, 500, "store error");
		return;
	}
	if (n == (int)p.limit)
		api_page_link(req, (size_t)n, ids[0], ids[n - 1]);
	write_messages(req, ids, n);
}

#define C "/api/moka/v1/conversations"
static const struct route routes[] = {
    {"POST", C, create, ROUTE_AUTH, "write"},
    {"GET", C, list, ROUTE_AUTH, "read"},
    {"GET", C "/unread_count", unread_count, ROUTE_AUTH, "read"},
    {"GET", C "/search", search, ROUTE_AUTH, "read"},
    {"GET", C "/:id", show, ROUTE_AUTH, "read"},
    {"PATCH", C "/:id", update, ROUTE_AUTH, "write"},
    {"POST", C "/:id/members", members_add, ROUTE_AUTH, "write"},
    {"DELETE", C "/:id/members/:account_id", member_remove, ROUTE_AUTH, "write"},
    {"POST", C "/:id/leave", leave, ROUTE_AUTH, "write"},
    {"POST", C "/:id/mute", mute, ROUTE_AUTH, "write"},
    {"POST", C "/:id/unmute", unmute, ROUTE_AUTH, "write"},
    {"POST", C "/:id/archive", archive, ROUTE_AUTH, "write"},
    {"POST", C "/:id/unarchive", unarchive, ROUTE_AUTH, "write"},
    {"POST", C "/:id/read", mark_read, ROUTE_AUTH, "write"},
    {"GET", C "/:id/messages", messages_list, ROUTE_AUTH, "read"},
    {"POST", C "/:id/messages", send, ROUTE_AUTH, "write"},
    {"GET", C "/:id/messages/:message_id", message_show, ROUTE_AUTH, "read"},
    {"PATCH", C "/:id/messages/:message_id", message_edit, ROUTE_AUTH, "write"},
    {"DELETE", C "/:id/messages/:message_id", message_delete, ROUTE_AUTH, "write"},
    {"POST", C "/:id/messages/:message_id/reactions", react, ROUTE_AUTH, "write"},
};
#undef C

void api_conversations_register(void)
{
	http_routes_add(routes, sizeof(routes) / sizeof(routes[0]));
}
