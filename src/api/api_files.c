/*
 * api_files: Moka's files API (/api/moka/v1/files) — upload (multipart
 * field "file", or a raw body named by ?name= or X-File-Name), lists,
 * metadata, edits and sharing, versions, trash, restore, purge, downloads
 * (Range, ETag, sniffed Content-Type, inline only for images and PDFs) and
 * thumbnails — and Mastodon's media API (/api/v1/media, /api/v2/media).
 * Uploads stream to disk through a body sink (http/http_upload.c); rules
 * live in files/.
 */
#include "api/api.h"
#include "app/app.h"
#include "files/files.h"
#include "http/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_DEFAULT 40
#define LIST_MAX 200

static void fail(struct http_request *req, enum files_rc rc, const char *why)
{
	switch (rc) {
	case FILES_NOT_FOUND:
		http_error(req, 404, NOT_FOUND);
		break;
	case FILES_FORBIDDEN:
		http_error(req, 403, "%s", why ? why : "Only the file's owner may do this");
		break;
	case FILES_INVALID:
		http_error(req, 422, "%s", why ? why : "invalid");
		break;
	case FILES_TOO_LARGE:
		http_error(req, 413, "%s", why ? why : "file: too large");
		break;
	default:
		http_error(req, 500, "the store failed; try again");
		break;
	}
}

/* Answers the file as the viewer now sees it, or the error. */
static void reply(struct http_request *req, int64_t id, enum files_rc rc, const char *why)
{
	if (rc != FILES_OK) {
		fail(req, rc, why);
		return;
	}
	if (files_render(req->app, req->arena, &req->jw, req->viewer, id) < 0) {
		jw_obj_begin(&req->jw); /* e.g. purged */
		jw_kid(&req->jw, "id", id);
		jw_obj_end(&req->jw);
	}
	http_json(req, 200);
}

/* --- the upload sink ------------------------------------------------------------ */

static void *sink_open(struct http_request *req)
{
	const char *cl = http_header(req, "Content-Length");
	uint64_t declared = cl ? strtoull(cl, NULL, 10) : 0;
	const char *ct = http_header(req, "Content-Type");
	if (ct &&
	    (!strncasecmp(ct, "application/x-www-form-urlencoded", 33) ||
	     (!strncasecmp(ct, "multipart/", 10) && strncasecmp(ct, "multipart/form-data", 19)))) {
		http_error(req, 415,
			   "Content-Type: send multipart/form-data (field \"file\") or the "
			   "file's bytes as the body");
		return NULL;
	}
	if (ct && !strncasecmp(ct, "multipart/", 10)) /* the form's own bytes */
		declared = declared > 65536 ? declared - 65536 : 0;
	int status;
	const char *why;
	struct files_upload *u = files_upload_open(req->app, req->viewer, declared, &status, &why);
	if (!u)
		http_error(req, status, "%s", why);
	return u;
}

static int sink_write(void *ctx, struct http_request *req, const char *data, size_t n)
{
	bool too_large;
	if (files_upload_write(ctx, data, n, &too_large) == 0)
		return 0;
	if (too_large)
		return http_error(req, 413,
				  "file: too large (at most the size limit, within your "
				  "storage quota)");
	return http_error(req, 500, "the upload cannot be stored; try again");
}

static int sink_finish(void *ctx, struct http_request *req)
{
	if (files_upload_finish(ctx) < 0)
		return http_error(req, 500, "the upload cannot be stored; try again");
	return 0;
}

static void sink_close(void *ctx)
{
	files_upload_free(ctx);
}

static const struct http_body_sink upload_sink = {sink_open, sink_write, sink_finish, sink_close};

/* The upload's file name: the multipart part's, else ?name= or X-File-Name. */
static const char *upload_name(struct http_request *req)
{
	const struct http_param *part = http_upload_file(req);
	if (part)
		return part->filename;
	const char *q = http_query(req, "name");
	return q ? q : http_header(req, "X-File-Name");
}

/* The fields of a create or an edit. -1 after a 422. */
static int input_params(struct http_request *req, struct files_input *in)
{
	memset(in, 0, sizeof(*in));
	int r;
	if (http_param_str(req, "name", FILES_NAME_MAX, &in->name) < 0 ||
	    http_param_str(req, "folder", FILES_FOLDER_MAX, &in->folder) < 0 ||
	    http_param_str(req, "description", FILES_DESCRIPTION_MAX, &in->description) < 0 ||
	    (r = http_param_strv(req, "tags", FILES_TAGS_MAX, 100, &in->tags, &in->n_tags)) < 0)
		return -1;
	in->has_tags = r > 0;
	return 0;
}

/* A streamed upload that reached its handler: the finished upload. */
static struct files_upload *upload_of(struct http_request *req)
{
	struct files_upload *u = http_upload_ctx(req);
	if (!u)
		http_error(req, 500, "internal error: no upload");
	return u;
}

static void create(struct http_request *req)
{
	struct files_input in;
	struct files_upload *u = upload_of(req);
	if (!u || input_params(req, &in) < 0)
		return;
	int64_t id = 0;
	const char *why = NULL;
	enum files_rc rc = files_create(req->app, req->arena, req->viewer, u, upload_name(req), &in,
					false, &id, &why);
	reply(req, id, rc, why);
}

static void version_create(struct http_request *req)
{
	struct files_upload *u = upload_of(req);
	int64_t id = api_path_id(req, "id");
	if (!u || !id)
		return;
	const char *why = NULL;
	enum files_rc rc =
	    files_add_version(req->app, req->arena, req->viewer, id, u, upload_name(req), &why);
	reply(req, id, rc, why);
}

/* --- reading -------------------------------------------------------------------- */

static void show(struct http_request *req)
{
	int64_t id = api_path_id(req, "id");
	if (!id)
		return;
	if (files_render(req->app, req->arena, &req->jw, req->viewer, id) < 0) {
		http_error(req, 404, NOT_FOUND);
		return;
	}
	http_json(req, 200);
}

static void versions(struct http_request *req)
{
	int64_t id = api_path_id(req, "id");
	if (!id)
		return;
	if (files_render_versions(req->app, req->arena, &req->jw, req->viewer, id) < 0) {
		http_error(req, 404, NOT_FOUND);
		return;
	}
	http_json(req, 200);
}

/* Percent-encodes s for a query string. */
static const char *query_escape(struct arena *a, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = arena_alloc(a, strlen(s) * 3 + 1), *p = out;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			*p++ = (char)c;
		} else {
			*p++ = '%';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	*p = '\0';
	return out;
}

/* The Link header of a list page, keeping its filters. */
static void list_link(struct http_request *req, const char *filters, int64_t newest, int64_t oldest)
{
	const char *base = req->app->base_url ? req->app->base_url : "";
	http_set_header(req, "Link",
			arena_printf(req->arena,
				     "<%s%s?%smax_id=%lld>; rel=\"next\", "
				     "<%s%s?%smin_id=%lld>; rel=\"prev\"",
				     base, req->path, filters, (long long)oldest, base, req->path,
				     filters, (long long)newest));
}

/* The list query from ?list=, community_id, folder, tag and the page. -1 after a 422. */
static int list_params(struct http_request *req, struct files_query *q, const char **filters)
{
	static const char *const names[] = {[FILES_MINE] = "mine",
					    [FILES_SHARED] = "shared",
					    [FILES_COMMUNITY] = "community",
					    [FILES_COMPANY] = "company",
					    [FILES_TRASH] = "trash"};
	memset(q, 0, sizeof(*q));
	const char *list = "mine", *cid = NULL;
	int64_t limit = LIST_DEFAULT;
	if (http_param_str(req, "list", 20, &list) < 0 ||
	    http_param_str(req, "community_id", 24, &cid) < 0 ||
	    http_param_str(req, "folder", FILES_FOLDER_MAX, &q->folder) < 0 ||
	    http_param_str(req, "tag", 100, &q->tag) < 0 ||
	    http_param_int(req, "limit", 1, INT32_MAX, &limit) < 0)
		return -1;
	size_t i = 0;
	while (i < sizeof(names) / sizeof(names[0]) && strcmp(names[i], list) != 0)
		i++;
	if (i == sizeof(names) / sizeof(names[0]))
		return http_error(req, 422,
				  "list: expected mine, shared, community, company or trash");
	q->list = (enum files_list)i;
	if (q->list == FILES_COMMUNITY && !(cid && (q->community_id = http_parse_id(cid))))
		return http_error(req, 422, "community_id: required with list=community");
	const char *ids[3] = {"max_id", "since_id", "min_id"};
	int64_t *out[3] = {&q->max_id, &q->since_id, &q->min_id};
	for (int k = 0; k < 3; k++) {
		const char *s = NULL;
		if (http_param_str(req, ids[k], 24, &s) < 0)
			return -1;
		if (s && !(*out[k] = http_parse_id(s)))
			return http_error(req, 422, "%s: expected an id", ids[k]);
	}
	q->limit = (size_t)(limit > LIST_MAX ? LIST_MAX : limit);
	struct arena *a = req->arena;
	*filters = arena_printf(
	    a, "list=%s&%s%s%s%s%s%s%slimit=%zu&", list, cid ? "community_id=" : "",
	    cid ? query_escape(a, cid) : "", cid ? "&" : "", q->folder ? "folder=" : "",
	    q->folder ? arena_printf(a, "%s&", query_escape(a, q->folder)) : "",
	    q->tag ? "tag=" : "", q->tag ? arena_printf(a, "%s&", query_escape(a, q->tag)) : "",
	    q->limit);
	return 0;
}

static void list(struct http_request *req)
{
	struct files_query q;
	const char *filters = "";
	if (list_params(req, &q, &filters) < 0)
		return;
	int64_t *ids = arena_alloc(req->arena, q.limit * sizeof(*ids));
	long n = files_list(req->app, req->viewer, &q, ids);
	if (n < 0) {
		http_error(req, 404, NOT_FOUND);
		return;
	}
	if (n)
		list_link(req, filters, ids[0], ids[n - 1]);
	files_render_many(req->app, req->arena, &req->jw, req->viewer, ids, (size_t)n);
	http_json(req, 200);
}

/* --- downloads ------------------------------------------------------------------ */

/* A Content-Disposition filename parameter: ASCII with quotes and
 * backslashes replaced, plus the exact name in RFC 5987 form. */
static const char *disposition(struct arena *a, bool inline_ok, const char *name)
{
	char *ascii = arena_strdup(a, name);
	for (char *p = ascii; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f || *p == '"' ||
		    *p == '\\')
			*p = '_';
	return arena_printf(a, "%s; filename=\"%s\"; filename*=UTF-8''%s",
			    inline_ok ? "inline" : "attachment", ascii, query_escape(a, name));
}

static bool etag_matches(const char *header, const char *etag)
{
	return header && (strstr(header, etag) || !strcmp(header, "*"));
}

static void send(struct http_request *req, int version, bool thumbnail)
{
	int64_t id = api_path_id(req, "id");
	if (!id)
		return;
	struct files_download d;
	if (files_download(req->app, req->arena, req->viewer, id, version, thumbnail, &d) !=
	    FILES_OK) {
		http_error(req, 404, NOT_FOUND);
		return;
	}
	const char *etag = arena_printf(req->arena, "\"%s%s\"", d.sha256, thumbnail ? "-t" : "");
	http_set_header(req, "ETag", etag);
	http_set_header(req, "Accept-Ranges", "bytes");
	http_set_header(req, "Content-Disposition",
			disposition(req->arena, d.inline_ok, thumbnail ? "thumbnail.png" : d.name));
	http_set_header(req, "Content-Security-Policy", "default-src 'none'; sandbox");
	if (etag_matches(http_header(req, "If-None-Match"), etag)) {
		http_body(req, 304, d.content_type, "", 0);
		return;
	}
	int64_t first = 0, last = 0;
	const char *range = http_header(req, "Range");
	const char *if_range = http_header(req, "If-Range");
	int r = range && (!if_range || !strcmp(if_range, etag))
		    ? files_parse_range(range, d.size, &first, &last)
		    : 0;
	if (r < 0) {
		http_set_header(req, "Content-Range",
				arena_printf(req->arena, "bytes */%lld", (long long)d.size));
		http_error(req, 416, "range not satisfiable");
		return;
	}
	if (r == 0) {
		http_send_file(req, 200, d.content_type, d.path);
		return;
	}
	http_set_header(req, "Content-Range",
			arena_printf(req->arena, "bytes %lld-%lld/%lld", (long long)first,
				     (long long)last, (long long)d.size));
	http_send_file_range(req, 206, d.content_type, d.path, (uint64_t)first,
			     (uint64_t)(last - first + 1));
}

static void download(struct http_request *req)
{
	send(req, 0, false);
}

static void thumbnail(struct http_request *req)
{
	send(req, 0, true);
}

static void version_download(struct http_request *req)
{
	int64_t v = http_parse_id(http_path_param(req, "version"));
	if (!v || v > FILES_VERSIONS_MAX) {
		http_error(req, 404, NOT_FOUND);
		return;
	}
	send(req, (int)v, false);
}

/* --- edits, sharing, trash -------------------------------------------------------- */

/* The sharing fields of a PATCH: audience, community_id, people [{id, role}]. */
static int share_params(struct http_request *req, struct files_share *sh)
{
	memset(sh, 0, sizeof(*sh));
	const char *aud = NULL, *cid = NULL;
	if (http_param_str(req, "audience", 20, &aud) < 0 ||
	    http_param_str(req, "community_id", 24, &cid) < 0)
		return -1;
	if (aud) {
		sh->has_audience = true;
		if (!strcmp(aud, "private") || !strcmp(aud, "people"))
			sh->audience = FILE_PRIVATE;
		else if (!strcmp(aud, "company"))
			sh->audience = FILE_COMPANY;
		else if (!strcmp(aud, "community"))
			sh->audience = FILE_COMMUNITY;
		else
			return http_error(req, 422,
					  "audience: expected private, people, community "
					  "or company");
		if (sh->audience == FILE_COMMUNITY &&
		    !(cid && (sh->community_id = http_parse_id(cid))))
			return http_error(req, 422,
					  "community_id: required with audience community");
	}
	json_t *people = req->json ? json_object_get(req->json, "people") : NULL;
	if (!people)
		return 0;
	if (!json_is_array(people) || json_array_size(people) > FILES_SHARES_MAX)
		return http_error(req, 422, "people: expected an array of {id, role}, at most 200");
	size_t n = json_array_size(people);
	int64_t *ids = arena_alloc(req->arena, (n + 1) * sizeof(*ids));
	int *roles = arena_alloc(req->arena, (n + 1) * sizeof(*roles));
	for (size_t i = 0; i < n; i++) {
		json_t *p = json_array_get(people, i), *jid = json_object_get(p, "id"),
		       *jrole = json_object_get(p, "role");
		const char *role = json_is_string(jrole) ? json_string_value(jrole) : "reader";
		ids[i] = json_is_string(jid)	? http_parse_id(json_string_value(jid))
			 : json_is_integer(jid) ? json_integer_value(jid)
						: 0;
		roles[i] = !strcmp(role, "editor")   ? FILE_EDITOR
			   : !strcmp(role, "reader") ? FILE_READER
						     : 0;
		if (ids[i] <= 0 || !roles[i] || (jrole && !json_is_string(jrole)))
			return http_error(req, 422,
					  "people[%zu]: expected {\"id\": \"…\", \"role\": "
					  "\"reader\" or \"editor\"}",
					  i);
		for (size_t j = 0; j < i; j++)
			if (ids[j] == ids[i])
				return http_error(req, 422, "people[%zu]: named twice", i);
	}
	sh->has_people = true;
	sh->people = ids;
	sh->roles = roles;
	sh->n_people = n;
	return 0;
}

static void update(struct http_request *req)
{
	struct files_input in;
	struct files_share sh;
	int64_t id = api_path_id(req, "id");
	if (!id || input_params(req, &in) < 0 || share_params(req, &sh) < 0)
		return;
	const char *why = NULL;
	enum files_rc rc = files_update(req->app, req->arena, req->viewer, id, &in, &sh, &why);
	reply(req, id, rc, why);
}

static void purge(struct http_request *req)
{
	int64_t id = api_path_id(req, "id");
	if (!id)
		return;
	enum files_rc rc = files_purge(req->app, req->arena, req->viewer, id);
	if (rc != FILES_OK) {
		fail(req, rc, NULL);
		return;
	}
	jw_obj_begin(&req->jw);
	jw_kid(&req->jw, "id", id);
	jw_kbool(&req->jw, "purged", true);
	jw_obj_end(&req->jw);
	http_json(req, 200);
}

/* DELETE: to the trash, or for good with ?purge=true. */
static void trash(struct http_request *req)
{
	int64_t id = api_path_id(req, "id");
	bool now = false;
	if (!id || http_param_bool(req, "purge", &now) < 0)
		return;
	if (now)
		purge(req);
	else
		reply(req, id, files_trash(req->app, req->viewer, id, false), NULL);
}

static void restore(struct http_request *req)
{
	int64_t id = api_path_id(req, "id");
	if (id)
		reply(req, id, files_trash(req->app, req->viewer, id, true), NULL);
}

/* --- Mastodon media ------------------------------------------------------------- */

static void media_reply(struct http_request *req, int64_t id)
{
	if (files_render_media(req->app, req->arena, &req->jw, req->viewer, id) < 0) {
		http_error(req, 404, NOT_FOUND);
		return;
	}
	http_json(req, 200);
}

static void media_create(struct http_request *req)
{
	struct files_input in;
	struct files_upload *u = upload_of(req);
	if (!u || input_params(req, &in) < 0)
		return;
	in.name = NULL; /* the file's own name */
	in.folder = NULL;
	int64_t id = 0;
	const char *why = NULL;
	enum files_rc rc = files_create(req->app, req->arena, req->viewer, u, upload_name(req), &in,
					true, &id, &why);
	if (rc != FILES_OK) {
		fail(req, rc, why);
		return;
	}
	media_reply(req, id);
}

static void media_show(struct http_request *req)
{
	int64_t id = api_path_id(req, "id");
	if (id)
		media_reply(req, id);
}

static void media_update(struct http_request *req)
{
	int64_t id = api_path_id(req, "id");
	struct files_input in = {0};
	if (!id || http_param_str(req, "description", FILES_DESCRIPTION_MAX, &in.description) < 0)
		return;
	const char *why = NULL;
	enum files_rc rc = files_update(req->app, req->arena, req->viewer, id, &in, NULL, &why);
	if (rc != FILES_OK) {
		fail(req, rc, why);
		return;
	}
	media_reply(req, id);
}

static const struct route routes[] = {
    {"POST", "/api/moka/v1/files", create, ROUTE_AUTH | ROUTE_STREAM_BODY, "write"},
    {"GET", "/api/moka/v1/files", list, ROUTE_AUTH, "read"},
    {"GET", "/api/moka/v1/files/:id", show, ROUTE_AUTH, "read"},
    {"PATCH", "/api/moka/v1/files/:id", update, ROUTE_AUTH, "write"},
    {"DELETE", "/api/moka/v1/files/:id", trash, ROUTE_AUTH, "write"},
    {"POST", "/api/moka/v1/files/:id/restore", restore, ROUTE_AUTH, "write"},
    {"POST", "/api/moka/v1/files/:id/purge", purge, ROUTE_AUTH, "write"},
    {"GET", "/api/moka/v1/files/:id/download", download, ROUTE_AUTH, "read"},
    {"GET", "/api/moka/v1/files/:id/thumbnail", thumbnail, ROUTE_AUTH, "read"},
    {"GET", "/api/moka/v1/files/:id/versions", versions, ROUTE_AUTH, "read"},
    {"POST", "/api/moka/v1/files/:id/versions", version_create, ROUTE_AUTH | ROUTE_STREAM_BODY,
     "write"},
    {"GET", "/api/moka/v1/files/:id/versions/:version/download", version_download, ROUTE_AUTH,
     "read"},
    {"POST", "/api/v1/media", media_create, ROUTE_AUTH | ROUTE_STREAM_BODY, "write"},
    {"POST", "/api/v2/media", media_create, ROUTE_AUTH | ROUTE_STREAM_BODY, "write"},
    {"GET", "/api/v1/media/:id", media_show, ROUTE_AUTH, "read"},
    {"PUT", "/api/v1/media/:id", media_update, ROUTE_AUTH, "write"},
};

void api_files_register(void)
{
	http_upload_register(create, &upload_sink);
	http_upload_register(version_create, &upload_sink);
	http_upload_register(media_create, &upload_sink);
	http_routes_add(routes, sizeof(routes) / sizeof(routes[0]));
}
