/*
 * files: the access check and the operations — create, new version,
 * rename/move/tag/describe, share, trash, restore, purge — and
 * attachments. Each operation is one transaction; decisions are taken on
 * the row read inside it.
 */
#include "files/files_int.h"
#include "app/app.h"
#include "audience/audience.h"
#include "communities/communities.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/xmalloc.h"
#include "notify/notify.h"
#include "posts/posts_int.h"
#include "store/store.h"
#include "text/text.h"

#include <string.h>

#define FILE_POSTS_MAX 16 /* posts checked for a media file's audience */

/* --- the access check ---------------------------------------------------------- */

enum file_role files_role_of_locked(struct app *app, const struct file_row *f, int64_t viewer,
				    int share, bool media_visible)
{
	if (!viewer)
		return FILE_NONE;
	if (f->owner_id == viewer)
		return FILE_OWNER;
	if (f->trashed_at)
		return FILE_NONE;
	if (share >= FILE_EDITOR)
		return FILE_EDITOR;
	if (share == FILE_READER || f->audience == FILE_COMPANY || media_visible ||
	    (f->audience == FILE_COMMUNITY && f->community_id &&
	     communities_can_read_locked(app, f->community_id, viewer)))
		return FILE_READER;
	return FILE_NONE;
}

/* viewer's role on the loaded row f, reading shares and posts through c. */
static enum file_role role_on(struct app *app, struct store_conn *c, const struct file_row *f,
			      int64_t viewer)
{
	if (!viewer)
		return FILE_NONE;
	int share = f->owner_id == viewer ? 0 : store_file_share_role(c, f->id, viewer);
	bool media_visible = false;
	if (f->media && f->owner_id != viewer && !f->trashed_at && share < FILE_READER) {
		int64_t posts[FILE_POSTS_MAX];
		int n = store_file_posts(c, f->id, FILE_POSTS_MAX, posts);
		for (int i = 0; i < n && !media_visible; i++)
			media_visible = audience_post_visible(app, viewer, posts[i]);
	}
	app_rdlock(app);
	enum file_role r =
	    files_role_of_locked(app, f, viewer, share < 0 ? 0 : share, media_visible);
	app_unlock(app);
	return r;
}

/* Loads id through c and viewer's role on it (FILE_NONE when unknown). */
static enum file_role load(struct app *app, struct store_conn *c, struct arena *a, int64_t viewer,
			   int64_t id, struct file_row *f)
{
	if (store_file_get(c, a, id, f) != STORE_OK)
		return FILE_NONE;
	return role_on(app, c, f, viewer);
}

enum file_role files_role(struct app *app, int64_t viewer, int64_t id)
{
	struct arena *a = arena_new();
	struct file_row f;
	enum file_role r = load(app, store_reader(app->store), a, viewer, id, &f);
	arena_free(a);
	return r;
}

bool files_may_read(struct app *app, int64_t viewer, int64_t id)
{
	return files_role(app, viewer, id) >= FILE_READER;
}

bool files_may_edit(struct app *app, int64_t viewer, int64_t id)
{
	return files_role(app, viewer, id) >= FILE_EDITOR;
}

/* FILES_OK when role reaches need; else NOT_FOUND (no role) or FORBIDDEN. */
static enum files_rc need_role(enum file_role role, enum file_role need)
{
	if (role == FILE_NONE)
		return FILES_NOT_FOUND;
	return role >= need ? FILES_OK : FILES_FORBIDDEN;
}

/* --- input --------------------------------------------------------------------- */

/* A folder path: up to FILES_FOLDER_MAX bytes of UTF-8 without control
 * characters, leading and trailing '/' and spaces trimmed. NULL if bad. */
static const char *folder_clean(struct arena *a, const char *s)
{
	while (*s == '/' || *s == ' ')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == '/' || s[n - 1] == ' '))
		n--;
	if (n > FILES_FOLDER_MAX || !text_utf8_valid(s, n))
		return NULL;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return NULL;
	return arena_strndup(a, s, n);
}

/* Normalised tags, deduplicated, joined by single spaces; NULL + *why. */
static const char *tags_clean(struct arena *a, const char **tags, size_t n, const char **why)
{
	if (n > FILES_TAGS_MAX) {
		*why = "tags: at most 20";
		return NULL;
	}
	struct buf b;
	buf_init(&b, 4096);
	const char *out = NULL;
	for (size_t i = 0; i < n; i++) {
		char *t = text_tag_normalize(a, tags[i], strlen(tags[i]));
		if (!t) {
			*why = arena_printf(a, "tags: \"%.100s\" is not a valid tag", tags[i]);
			goto done;
		}
		const char *seen = b.len ? arena_printf(a, " %.*s ", (int)b.len, b.ptr) : "";
		if (!strstr(seen, arena_printf(a, " %s ", t)))
			buf_printf(&b, "%s%s", b.len ? " " : "", t);
	}
	out = arena_strndup(a, b.ptr ? b.ptr : "", b.len);
done:
	buf_free(&b);
	return out;
}

/* Applies the name, folder, tags and description of in to f. */
static enum files_rc apply_input(struct arena *a, struct file_row *f, const struct files_input *in,
				 const char **why)
{
	if (in->name) {
		if (!files_name_ok(in->name)) {
			*why = "name: expected 1-255 bytes, without '/' or control characters";
			return FILES_INVALID;
		}
		f->name = in->name;
	}
	if (in->folder && !(f->folder = folder_clean(a, in->folder))) {
		*why = "folder: expected at most 500 bytes of text";
		return FILES_INVALID;
	}
	if (in->has_tags && !(f->tags = tags_clean(a, in->tags, in->n_tags, why)))
		return FILES_INVALID;
	if (in->description) {
		if (strlen(in->description) > FILES_DESCRIPTION_MAX) {
			*why = "description: at most 1500 bytes";
			return FILES_INVALID;
		}
		f->description = in->description;
	}
	return FILES_OK;
}

/* The name an upload gets when none is given: the client's file name
 * (its last path segment), else "file". */
static const char *upload_name_or_default(struct arena *a, const char *name)
{
	if (name) {
		const char *slash = strrchr(name, '/'), *bslash = strrchr(name, '\\');
		if (bslash > slash)
			slash = bslash;
		name = slash ? slash + 1 : name;
		if (files_name_ok(name))
			return arena_strdup(a, name);
	}
	return "file";
}

/* --- create and versions ------------------------------------------------------- */

/* What the finished upload is (type, image size) and its thumbnail:
 * before the transaction, so no writer waits for a decode. */
static void describe_upload(struct arena *a, struct files_upload *u, struct files_blob_info *bi)
{
	files_blob_sniff(u, a, bi);
	files_blob_thumbnail(u, a, bi);
}

/* Copies the upload's facts into f (the current version) and places the
 * blob, inside the transaction. */
static int take_upload(struct arena *a, struct files_upload *u, const struct files_blob_info *bi,
		       struct file_row *f)
{
	f->sha256 = arena_strdup(a, u->sha256);
	f->size = (int64_t)u->size;
	f->content_type = bi->content_type;
	f->width = bi->width;
	f->height = bi->height;
	return files_blob_place(u, a);
}

static int version_add(struct tx *tx, const struct file_row *f, const char *name, int64_t by)
{
	struct file_version_row v = {
	    .file_id = f->id,
	    .version = f->version,
	    .sha256 = f->sha256,
	    .size = f->size,
	    .content_type = f->content_type,
	    .name = name,
	    .by_id = by,
	    .created_at = f->updated_at,
	};
	return store_file_version_insert(tx_conn(tx), &v) == STORE_OK ? 0 : -1;
}

enum files_rc files_create(struct app *app, struct arena *a, int64_t viewer, struct files_upload *u,
			   const char *upload_name, const struct files_input *in, bool media,
			   int64_t *id, const char **why)
{
	if (!u->finished)
		return FILES_ERROR;
	int64_t now = clock_now_ms();
	struct file_row f = {
	    .owner_id = viewer,
	    .name = upload_name_or_default(a, upload_name),
	    .folder = "",
	    .tags = "",
	    .description = "",
	    .audience = FILE_PRIVATE,
	    .media = media,
	    .version = 1,
	    .created_at = now,
	    .updated_at = now,
	};
	enum files_rc rc = apply_input(a, &f, in, why);
	if (rc != FILES_OK)
		return rc;
	struct files_blob_info bi;
	describe_upload(a, u, &bi);
	struct tx *tx = tx_begin(app);
	if (!tx)
		return FILES_ERROR;
	if (take_upload(a, u, &bi, &f) < 0 || store_file_insert(tx_conn(tx), &f) != STORE_OK ||
	    version_add(tx, &f, f.name, viewer) < 0) {
		tx_rollback(tx);
		return FILES_ERROR;
	}
	if (tx_commit(tx) < 0)
		return FILES_ERROR;
	*id = f.id;
	if (!media)
		files_text_queue(f.sha256, f.content_type); /* for search, in the background */
	return FILES_OK;
}

/* Forgets the cached Statuses of the posts file id is attached to (their
 * media_attachments changed). */
struct forget {
	size_t n;
	int64_t posts[FILE_POSTS_MAX];
};

static void forget_posts(struct app *app, void *arg)
{
	struct forget *fg = arg;
	for (size_t i = 0; i < fg->n; i++)
		posts_cache_forget(app, fg->posts[i]);
	free(fg);
}

static void forget_after_commit(struct tx *tx, int64_t id)
{
	struct forget *fg = xcalloc(1, sizeof(*fg));
	int n = store_file_posts(tx_conn(tx), id, FILE_POSTS_MAX, fg->posts);
	fg->n = n > 0 ? (size_t)n : 0;
	tx_after_commit(tx, forget_posts, fg);
}

enum files_rc files_add_version(struct app *app, struct arena *a, int64_t viewer, int64_t id,
				struct files_upload *u, const char *upload_name, const char **why)
{
	if (!u->finished)
		return FILES_ERROR;
	enum files_rc rc = need_role(files_role(app, viewer, id), FILE_EDITOR); /* again below */
	if (rc != FILES_OK)
		return rc;
	struct files_blob_info bi;
	describe_upload(a, u, &bi);
	struct tx *tx = tx_begin(app);
	if (!tx)
		return FILES_ERROR;
	struct file_row f;
	rc = need_role(load(app, tx_conn(tx), a, viewer, id, &f), FILE_EDITOR);
	if (rc == FILES_OK && f.trashed_at) {
		*why = "the file is in the trash: restore it first";
		rc = FILES_INVALID;
	} else if (rc == FILES_OK && f.version >= FILES_VERSIONS_MAX) {
		*why = "the file has too many versions";
		rc = FILES_INVALID;
	}
	if (rc != FILES_OK) {
		tx_rollback(tx);
		return rc;
	}
	f.version++;
	f.updated_at = clock_now_ms();
	if (take_upload(a, u, &bi, &f) < 0 || store_file_update(tx_conn(tx), &f) != STORE_OK ||
	    version_add(tx, &f, upload_name_or_default(a, upload_name ? upload_name : f.name),
			viewer) < 0) {
		tx_rollback(tx);
		return FILES_ERROR;
	}
	forget_after_commit(tx, id);
	if (tx_commit(tx) < 0)
		return FILES_ERROR;
	if (!f.media)
		files_text_queue(f.sha256, f.content_type);
	return FILES_OK;
}

/* --- edits and sharing ---------------------------------------------------------- */

static bool input_given(const struct files_input *in)
{
	return in->name || in->folder || in->has_tags || in->description;
}

/* Checks and applies the sharing sh to f inside tx, notifying people newly
 * named. */
static enum files_rc apply_share(struct app *app, struct tx *tx, struct arena *a,
				 struct file_row *f, int64_t viewer, const struct files_share *sh,
				 const char **why)
{
	struct store_conn *c = tx_conn(tx);
	if (sh->has_audience) {
		if (sh->audience == FILE_COMMUNITY) {
			app_rdlock(app);
			bool member = sh->community_id &&
				      communities_role_locked(app, sh->community_id, viewer) !=
					  COMMUNITY_NONE;
			app_unlock(app);
			if (!member) {
				*why = "community_id: you may share only with a community you "
				       "belong to";
				return FILES_INVALID;
			}
		}
		f->audience = sh->audience;
		f->community_id = sh->audience == FILE_COMMUNITY ? sh->community_id : 0;
	}
	if (!sh->has_people)
		return FILES_OK;
	if (sh->n_people > FILES_SHARES_MAX) {
		*why = "people: at most 200";
		return FILES_INVALID;
	}
	int64_t *old = arena_alloc(a, FILES_SHARES_MAX * sizeof(*old));
	int *old_roles = arena_alloc(a, FILES_SHARES_MAX * sizeof(*old_roles));
	int n_old = store_file_shares(c, f->id, FILES_SHARES_MAX, old, old_roles);
	for (size_t i = 0; i < sh->n_people; i++) {
		struct user u;
		if (sh->people[i] == f->owner_id ||
		    store_user_get(c, a, sh->people[i], &u) != STORE_OK || !u.active) {
			*why = arena_printf(a, "people: no such person (%lld), or the owner",
					    (long long)sh->people[i]);
			return FILES_INVALID;
		}
	}
	if (n_old < 0 || store_file_shares_clear(c, f->id) != STORE_OK)
		return FILES_ERROR;
	int64_t now = clock_now_ms();
	for (size_t i = 0; i < sh->n_people; i++) {
		if (store_file_share_put(c, f->id, sh->people[i], sh->roles[i], viewer, now) !=
		    STORE_OK)
			return FILES_ERROR;
		bool was = false;
		for (int j = 0; j < n_old && !was; j++)
			was = old[j] == sh->people[i];
		if (!was && notify_add(tx, sh->people[i], "moka.file_shared", viewer, 0, f->id) < 0)
			return FILES_ERROR;
	}
	return FILES_OK;
}

enum files_rc files_update(struct app *app, struct arena *a, int64_t viewer, int64_t id,
			   const struct files_input *in, const struct files_share *sh,
			   const char **why)
{
	bool sharing = sh && (sh->has_audience || sh->has_people);
	struct tx *tx = tx_begin(app);
	if (!tx)
		return FILES_ERROR;
	struct file_row f;
	enum file_role role = load(app, tx_conn(tx), a, viewer, id, &f);
	enum files_rc rc = need_role(role, sharing ? FILE_OWNER : FILE_EDITOR);
	if (rc == FILES_FORBIDDEN)
		*why = sharing ? "Only the file's owner may share it"
			       : "You may read this file, not change it";
	if (rc == FILES_OK && f.trashed_at && (input_given(in) || sharing)) {
		*why = "the file is in the trash: restore it first";
		rc = FILES_INVALID;
	}
	if (rc == FILES_OK)
		rc = apply_input(a, &f, in, why);
	if (rc == FILES_OK && sharing)
		rc = apply_share(app, tx, a, &f, viewer, sh, why);
	if (rc == FILES_OK) {
		f.updated_at = clock_now_ms();
		if (store_file_update(tx_conn(tx), &f) != STORE_OK)
			rc = FILES_ERROR;
	}
	if (rc != FILES_OK) {
		tx_rollback(tx);
		return rc;
	}
	if (f.media)
		forget_after_commit(tx, id);
	return tx_commit(tx) < 0 ? FILES_ERROR : FILES_OK;
}

enum files_rc files_trash(struct app *app, int64_t viewer, int64_t id, bool restore)
{
	struct arena *a = arena_new();
	struct tx *tx = tx_begin(app);
	if (!tx) {
		arena_free(a);
		return FILES_ERROR;
	}
	struct file_row f;
	enum files_rc rc = need_role(load(app, tx_conn(tx), a, viewer, id, &f), FILE_OWNER);
	if (rc == FILES_OK && (f.trashed_at != 0) == restore) { /* else: already there */
		f.trashed_at = restore ? 0 : clock_now_ms();
		if (store_file_update(tx_conn(tx), &f) != STORE_OK)
			rc = FILES_ERROR;
	}
	if (rc != FILES_OK) {
		tx_rollback(tx);
	} else {
		forget_after_commit(tx, id);
		rc = tx_commit(tx) < 0 ? FILES_ERROR : FILES_OK;
	}
	arena_free(a);
	return rc;
}

/* The blobs a purge leaves unreferenced, removed after its commit. */
struct orphans {
	size_t n;
	char sha[FILES_VERSIONS_MAX][65];
};

static void orphans_remove(struct app *app, void *arg)
{
	struct orphans *o = arg;
	struct arena *a = arena_new();
	for (size_t i = 0; i < o->n; i++)
		files_blob_remove(app, a, o->sha[i]);
	arena_free(a);
	free(o);
}

enum files_rc files_purge(struct app *app, struct arena *a, int64_t viewer, int64_t id)
{
	struct tx *tx = tx_begin(app);
	if (!tx)
		return FILES_ERROR;
	struct store_conn *c = tx_conn(tx);
	struct file_row f;
	enum files_rc rc = need_role(load(app, c, a, viewer, id, &f), FILE_OWNER);
	const char **blobs = arena_alloc(a, FILES_VERSIONS_MAX * sizeof(*blobs));
	int n = rc == FILES_OK ? store_file_blobs(c, a, id, FILES_VERSIONS_MAX, blobs) : 0;
	if (rc == FILES_OK && n < 0)
		rc = FILES_ERROR;
	if (rc == FILES_OK) {
		forget_after_commit(tx, id); /* before the attachments go */
		if (store_file_delete(c, id) != STORE_OK)
			rc = FILES_ERROR;
	}
	if (rc != FILES_OK) {
		tx_rollback(tx);
		return rc;
	}
	struct orphans *o = xcalloc(1, sizeof(*o));
	for (int i = 0; i < n; i++)
		if (store_file_blob_refs(c, blobs[i]) == 0)
			memcpy(o->sha[o->n++], blobs[i], 65);
	tx_after_commit(tx, orphans_remove, o);
	return tx_commit(tx) < 0 ? FILES_ERROR : FILES_OK;
}

/* --- attachments ---------------------------------------------------------------- */

enum files_rc files_check_attachable(struct app *app, struct arena *a, int64_t author,
				     const int64_t *ids, size_t n, const char **why)
{
	if (n > FILES_POST_MAX) {
		*why = "media_ids: at most 4";
		return FILES_INVALID;
	}
	struct store_conn *c = store_reader(app->store);
	for (size_t i = 0; i < n; i++) {
		struct file_row f;
		enum file_role role = load(app, c, a, author, ids[i], &f);
		int64_t post;
		bool bad =
		    role < FILE_READER || f.trashed_at ||
		    (f.media && (f.owner_id != author || store_file_posts(c, f.id, 1, &post)));
		for (size_t j = 0; j < i && !bad; j++)
			bad = ids[j] == ids[i];
		if (bad) {
			*why = arena_printf(a, "media_ids: %lld is not a file you may attach",
					    (long long)ids[i]);
			return FILES_INVALID;
		}
	}
	return FILES_OK;
}

int files_attach_to_post(struct tx *tx, int64_t post_id, const int64_t *ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (store_post_file_add(tx_conn(tx), post_id, (int)i, ids[i]) != STORE_OK)
			return -1;
	return 0;
}
