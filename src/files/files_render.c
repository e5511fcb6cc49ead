/*
 * files_render: reading files — the File entity, Mastodon's
 * MediaAttachment, a post's attachments, versions, lists and downloads —
 * each behind the access check (files.c).
 */
#include "files/files_int.h"
#include "app/app.h"
#include "communities/communities.h"
#include "json/json_writer.h"
#include "people/people.h"
#include "store/store.h"
#include "text/text.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* --- pure helpers --------------------------------------------------------------- */

bool files_name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > FILES_NAME_MAX || !strcmp(name, ".") || !strcmp(name, "..") ||
	    !text_utf8_valid(name, n))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f || name[i] == '/' ||
		    name[i] == '\\')
			return false;
	return true;
}

bool files_inline_type(const char *ct)
{
	static const char *const ok[] = {"image/png", "image/jpeg", "image/gif", "image/webp",
					 "application/pdf"};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		size_t n = strlen(ok[i]);
		if (!strncmp(ct, ok[i], n) && (ct[n] == '\0' || ct[n] == ';'))
			return true;
	}
	return false;
}

/* A decimal number of at most 18 digits at *p (advanced); -1 if none. */
static int64_t range_num(const char **p)
{
	int64_t v = 0;
	int digits = 0;
	while (**p >= '0' && **p <= '9' && digits < 18) {
		v = v * 10 + (**p - '0');
		(*p)++;
		digits++;
	}
	return digits && !(**p >= '0' && **p <= '9') ? v : -1;
}

int files_parse_range(const char *h, int64_t size, int64_t *first, int64_t *last)
{
	if (!h || strncmp(h, "bytes=", 6) != 0 || strchr(h, ','))
		return 0;
	const char *p = h + 6;
	if (*p == '-') { /* the last n bytes */
		p++;
		int64_t n = range_num(&p);
		if (n < 0 || *p)
			return 0;
		if (n == 0 || size == 0)
			return -1;
		*first = n >= size ? 0 : size - n;
		*last = size - 1;
		return 1;
	}
	int64_t a = range_num(&p);
	if (a < 0 || *p++ != '-')
		return 0;
	bool open_end = !*p;
	int64_t b = open_end ? INT64_MAX : range_num(&p);
	if (b < 0 || *p || b < a)
		return 0;
	if (a >= size)
		return -1;
	*first = a;
	*last = b >= size ? size - 1 : b;
	return 1;
}

/* --- entities ------------------------------------------------------------------- */

static const char *role_name(enum file_role r)
{
	return r == FILE_OWNER ? "owner" : r == FILE_EDITOR ? "editor" : "reader";
}

static const char *audience_name(const struct file_row *f, bool named)
{
	if (f->audience == FILE_COMPANY)
		return "company";
	if (f->audience == FILE_COMMUNITY)
		return "community";
	return named ? "people" : "private";
}

static const char *file_url(struct app *app, struct arena *a, int64_t id, const char *what)
{
	return arena_printf(a, "%s/api/moka/v1/files/%lld/%s", app->base_url, (long long)id, what);
}

static void write_tags(struct jw *w, const char *tags)
{
	jw_key(w, "tags");
	jw_arr_begin(w);
	for (const char *p = tags ? tags : ""; *p;) {
		size_t n = strcspn(p, " ");
		if (n)
			jw_strn(w, p, n);
		p += n + (p[n] == ' ');
	}
	jw_arr_end(w);
}

/* The named shares of f, with accounts (the owner and editors see them). */
static bool write_people(struct app *app, struct arena *a, struct jw *w, const struct file_row *f)
{
	int64_t *users = arena_alloc(a, FILES_SHARES_MAX * sizeof(*users));
	int *roles = arena_alloc(a, FILES_SHARES_MAX * sizeof(*roles));
	int n = store_file_shares(store_reader(app->store), f->id, FILES_SHARES_MAX, users, roles);
	jw_key(w, "people");
	jw_arr_begin(w);
	for (int i = 0; i < n; i++) {
		jw_obj_begin(w);
		jw_kstr(w, "role", role_name((enum file_role)roles[i]));
		jw_key(w, "account");
		if (people_render_account(app, a, w, users[i]) < 0)
			jw_null(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	return n > 0;
}

static void write_file(struct app *app, struct arena *a, struct jw *w, const struct file_row *f,
		       enum file_role role)
{
	jw_obj_begin(w);
	jw_kid(w, "id", f->id);
	jw_kstr(w, "name", f->name);
	jw_kstr(w, "folder", f->folder);
	write_tags(w, f->tags);
	jw_kstr(w, "description", f->description);
	jw_kstr(w, "content_type", f->content_type);
	jw_kint(w, "size", f->size);
	jw_kstr(w, "sha256", f->sha256);
	jw_kint(w, "version", f->version);
	jw_kbool(w, "media", f->media);
	jw_ktime(w, "created_at", f->created_at);
	jw_ktime(w, "updated_at", f->updated_at);
	if (f->trashed_at)
		jw_ktime(w, "trashed_at", f->trashed_at);
	else
		jw_knull(w, "trashed_at");
	jw_kstr(w, "role", role_name(role));
	jw_kstr(w, "url", file_url(app, a, f->id, "download"));
	if (f->width > 0) {
		jw_kstr(w, "thumbnail_url", file_url(app, a, f->id, "thumbnail"));
		jw_key(w, "image");
		jw_obj_begin(w);
		jw_kint(w, "width", f->width);
		jw_kint(w, "height", f->height);
		jw_obj_end(w);
	} else {
		jw_knull(w, "thumbnail_url");
		jw_knull(w, "image");
	}
	jw_key(w, "owner");
	if (people_render_account(app, a, w, f->owner_id) < 0)
		jw_null(w);
	jw_key(w, "sharing");
	jw_obj_begin(w);
	bool named = false;
	if (role >= FILE_EDITOR)
		named = write_people(app, a, w, f);
	jw_kstr(w, "audience", audience_name(f, named));
	if (f->audience == FILE_COMMUNITY)
		jw_kid(w, "community_id", f->community_id);
	else
		jw_knull(w, "community_id");
	jw_obj_end(w);
	jw_obj_end(w);
}

int files_render(struct app *app, struct arena *a, struct jw *w, int64_t viewer, int64_t id)
{
	struct file_row f;
	if (store_file_get(store_reader(app->store), a, id, &f) != STORE_OK)
		return -1;
	enum file_role role = files_role(app, viewer, id);
	if (role < FILE_READER)
		return -1;
	write_file(app, a, w, &f, role);
	return 0;
}

void files_render_many(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
		       const int64_t *ids, size_t n)
{
	jw_arr_begin(w);
	for (size_t i = 0; i < n; i++)
		files_render(app, a, w, viewer, ids[i]);
	jw_arr_end(w);
}

static const char *media_type(const char *ct)
{
	if (!strncmp(ct, "image/", 6) && strncmp(ct, "image/svg", 9))
		return "image";
	if (!strncmp(ct, "video/", 6))
		return "video";
	if (!strncmp(ct, "audio/", 6))
		return "audio";
	return "unknown";
}

static void write_dims(struct jw *w, struct arena *a, const char *key, int width, int height)
{
	jw_key(w, key);
	jw_obj_begin(w);
	jw_kint(w, "width", width);
	jw_kint(w, "height", height);
	jw_kstr(w, "size", arena_printf(a, "%dx%d", width, height));
	jw_key(w, "aspect");
	jw_double(w, height ? (double)width / height : 0);
	jw_obj_end(w);
}

/* f as a Mastodon MediaAttachment. */
static void write_media(struct app *app, struct arena *a, struct jw *w, const struct file_row *f)
{
	jw_obj_begin(w);
	jw_kid(w, "id", f->id);
	jw_kstr(w, "type", media_type(f->content_type));
	jw_kstr(w, "url", file_url(app, a, f->id, "download"));
	jw_kstr(w, "preview_url", f->width > 0 ? file_url(app, a, f->id, "thumbnail") : NULL);
	jw_knull(w, "remote_url");
	jw_knull(w, "preview_remote_url");
	jw_knull(w, "text_url");
	jw_key(w, "meta");
	if (f->width > 0) {
		jw_obj_begin(w);
		write_dims(w, a, "original", f->width, f->height);
		int side = FILES_THUMB_SIDE, tw = f->width, th = f->height;
		if (tw > side || th > side) {
			tw = f->width >= f->height ? side
						   : (int)((int64_t)side * f->width / f->height);
			th = f->width >= f->height ? (int)((int64_t)side * f->height / f->width)
						   : side;
		}
		write_dims(w, a, "small", tw, th);
		jw_obj_end(w);
	} else {
		jw_null(w);
	}
	jw_kstr(w, "description", *f->description ? f->description : NULL);
	jw_knull(w, "blurhash");
	jw_key(w, "moka");
	jw_obj_begin(w);
	jw_kid(w, "file_id", f->id);
	jw_kstr(w, "name", f->name);
	jw_kstr(w, "content_type", f->content_type);
	jw_kint(w, "size", f->size);
	jw_obj_end(w);
	jw_obj_end(w);
}

int files_render_media(struct app *app, struct arena *a, struct jw *w, int64_t viewer, int64_t id)
{
	struct file_row f;
	if (store_file_get(store_reader(app->store), a, id, &f) != STORE_OK ||
	    files_role(app, viewer, id) < FILE_READER)
		return -1;
	write_media(app, a, w, &f);
	return 0;
}

void files_render_post_media(struct app *app, struct arena *a, struct jw *w, int64_t post_id)
{
	struct store_conn *c = store_reader(app->store);
	int64_t ids[FILES_POST_MAX];
	int n = store_post_files(c, post_id, FILES_POST_MAX, ids);
	jw_key(w, "media_attachments");
	jw_arr_begin(w);
	for (int i = 0; i < n; i++) {
		struct file_row f;
		if (store_file_get(c, a, ids[i], &f) != STORE_OK || f.trashed_at)
			continue;
		if (f.media) {
			write_media(app, a, w, &f);
			continue;
		}
		/* a document keeps its own audience: details through the file API */
		jw_obj_begin(w);
		jw_kid(w, "id", f.id);
		jw_kstr(w, "type", "unknown");
		jw_kstr(w, "url", file_url(app, a, f.id, "download"));
		jw_knull(w, "preview_url");
		jw_knull(w, "remote_url");
		jw_knull(w, "meta");
		jw_knull(w, "description");
		jw_knull(w, "blurhash");
		jw_key(w, "moka");
		jw_obj_begin(w);
		jw_kid(w, "file_id", f.id);
		jw_kbool(w, "document", true);
		jw_obj_end(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

int files_render_versions(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			  int64_t id)
{
	if (files_role(app, viewer, id) < FILE_READER)
		return -1;
	struct file_version_row *v = arena_alloc(a, FILES_VERSIONS_MAX * sizeof(*v));
	int n = store_file_versions(store_reader(app->store), a, id, FILES_VERSIONS_MAX, v);
	jw_arr_begin(w);
	for (int i = 0; i < n; i++) {
		jw_obj_begin(w);
		jw_kint(w, "version", v[i].version);
		jw_kstr(w, "name", v[i].name);
		jw_kint(w, "size", v[i].size);
		jw_kstr(w, "content_type", v[i].content_type);
		jw_kstr(w, "sha256", v[i].sha256);
		jw_ktime(w, "created_at", v[i].created_at);
		jw_kstr(
		    w, "url",
		    file_url(app, a, id, arena_printf(a, "versions/%d/download", v[i].version)));
		jw_key(w, "by");
		if (people_render_account(app, a, w, v[i].by_id) < 0)
			jw_null(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	return 0;
}

/* --- downloads and lists ---------------------------------------------------------- */

enum files_rc files_download(struct app *app, struct arena *a, int64_t viewer, int64_t id,
			     int version, bool thumbnail, struct files_download *out)
{
	struct store_conn *c = store_reader(app->store);
	struct file_row f;
	if (store_file_get(c, a, id, &f) != STORE_OK || files_role(app, viewer, id) < FILE_READER)
		return FILES_NOT_FOUND;
	memset(out, 0, sizeof(*out));
	out->name = f.name;
	out->sha256 = f.sha256;
	out->content_type = f.content_type;
	out->size = f.size;
	if (version && version != f.version) {
		struct file_version_row v;
		if (store_file_version_get(c, a, id, version, &v) != STORE_OK)
			return FILES_NOT_FOUND;
		out->name = v.name;
		out->sha256 = v.sha256;
		out->content_type = v.content_type;
		out->size = v.size;
	}
	if (thumbnail) {
		struct stat sb;
		out->path = files_thumb_path(app, a, out->sha256);
		if (f.width <= 0 || stat(out->path, &sb) < 0)
			return FILES_NOT_FOUND;
		out->content_type = "image/png";
		out->size = sb.st_size;
		out->inline_ok = true;
		return FILES_OK;
	}
	out->path = files_blob_path(a, files_dir(app, a, ""), out->sha256);
	out->inline_ok = files_inline_type(out->content_type);
	return FILES_OK;
}

long files_list(struct app *app, int64_t viewer, const struct files_query *q, int64_t *out)
{
	static const enum store_files_list lists[] = {
	    [FILES_MINE] = STORE_FILES_MINE,	       [FILES_SHARED] = STORE_FILES_SHARED,
	    [FILES_COMMUNITY] = STORE_FILES_COMMUNITY, [FILES_COMPANY] = STORE_FILES_COMPANY,
	    [FILES_TRASH] = STORE_FILES_TRASH,
	};
	if (q->list == FILES_COMMUNITY) {
		app_rdlock(app);
		bool ok = communities_can_read_locked(app, q->community_id, viewer);
		app_unlock(app);
		if (!ok)
			return -1;
	}
	struct store_files_query sq = {
	    .list = lists[q->list],
	    .who = viewer,
	    .community = q->community_id,
	    .folder = q->folder,
	    .tag = q->tag,
	    .include_media = q->list == FILES_TRASH,
	    .max_id = q->max_id,
	    .since_id = q->since_id,
	    .min_id = q->min_id,
	    .limit = (int)q->limit,
	};
	int n = store_files_list(store_reader(app->store), &sq, out);
	if (n < 0)
		return 0;
	for (int i = 0; sq.min_id && i < n / 2; i++) { /* newest first, always */
		int64_t t = out[i];
		out[i] = out[n - 1 - i];
		out[n - 1 - i] = t;
	}
	size_t k = 0;
	for (int i = 0; i < n; i++) /* the lists are built to hold readable files: check anyway */
		if (files_may_read(app, viewer, out[i]))
			out[k++] = out[i];
	return (long)k;
}
