/*
 * files: document exchange — uploads streamed to disk, content-addressed
 * blobs, versions, sharing, folders and tags, trash and purge, thumbnails,
 * Mastodon media, and the one access check for files.
 *
 * Bytes. An upload streams into DATA/files/tmp/ while a helper thread
 * hashes it (SHA-256, libsodium) and writes it; at the end the temporary
 * file becomes the blob DATA/files/sha256/ab/cd/<64 hex> (or is dropped
 * when that blob already exists: duplicates are stored once). Images get
 * a thumbnail DATA/files/thumbs/ab/<64 hex>.png. A blob is removed when
 * the last version naming it is purged. Blob placement and removal run
 * inside the write transaction, so they are ordered like the rows.
 *
 * Who may see a file (files_role, the one check; every read path — API,
 * downloads, thumbnails, post attachments, notifications — goes through
 * it). Viewer v (0 = anonymous: nobody) has:
 *   - FILE_OWNER: v uploaded it (trashed files: the owner only);
 *   - FILE_EDITOR / FILE_READER: v was named with that role;
 *   - FILE_READER: the audience is "community" and v may read that
 *     community (communities/: public and moderated ones, every signed-in
 *     person; restricted ones, their members), or "company" (everyone);
 *   - FILE_READER: the file is a Mastodon media upload attached to a post
 *     v may see (audience/) — media take their post's audience;
 * and no role otherwise. Attaching a document (not a media upload) to a
 * post, comment, topic or message never widens its audience: a reader of
 * the post without a role sees the attachment as restricted (its id, no
 * name, no bytes).
 *
 * Who may do what: readers read and download; editors also rename, move,
 * tag and upload new versions; only the owner shares, trashes, restores
 * and purges.
 */
#ifndef MOKA_FILES_H
#define MOKA_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;
struct arena;
struct jw;
struct tx;

/* Stored in the database: never renumber. */
enum file_audience {
	FILE_PRIVATE = 0,   /* the owner and the people named */
	FILE_COMMUNITY = 2, /* and whoever may read the community */
	FILE_COMPANY = 3,   /* and everyone in the company */
};

/* Roles, ordered: a higher one includes the lower ones. Share roles
 * (READER, EDITOR) are stored. */
enum file_role {
	FILE_NONE = 0,
	FILE_READER = 1,
	FILE_EDITOR = 2,
	FILE_OWNER = 3,
};

enum files_rc {
	FILES_OK = 0,
	FILES_NOT_FOUND, /* unknown, or not visible to the actor (404) */
	FILES_FORBIDDEN, /* visible, but not the actor's to do (403) */
	FILES_INVALID,	 /* bad input (422); *why says which */
	FILES_TOO_LARGE, /* over the size limit or the quota (413) */
	FILES_ERROR,	 /* the store or the disk failed (500) */
};

#define FILES_NAME_MAX 255
#define FILES_FOLDER_MAX 500
#define FILES_TAGS_MAX 20
#define FILES_DESCRIPTION_MAX 1500
#define FILES_SHARES_MAX 200
#define FILES_VERSIONS_MAX 1000
#define FILES_POST_MAX 4 /* attachments on one post */

/* --- The access check ------------------------------------------------------ */

/* viewer's role on file id (see above); FILE_NONE for unknown ids. Takes
 * the memory read lock itself (not to be called with it held). */
enum file_role files_role(struct app *app, int64_t viewer, int64_t id);
/* Shorthands: role at least FILE_READER / FILE_EDITOR. */
bool files_may_read(struct app *app, int64_t viewer, int64_t id);
bool files_may_edit(struct app *app, int64_t viewer, int64_t id);

/* --- Uploads (files_upload.c) ---------------------------------------------- */

/* An upload in progress: a temporary file under DATA/files/tmp, hashed as
 * it is written, capped at a size. */
struct files_upload;

/*
 * Starts an upload by viewer of at most the configured size limit and
 * what is left of viewer's quota; declared: the length announced (0:
 * unknown). NULL with *status (413 over the limit or quota, 500) and
 * *why when it cannot start.
 */
struct files_upload *files_upload_open(struct app *app, int64_t viewer, uint64_t declared,
				       int *status, const char **why);
/* Appends n bytes. -1 when the upload passed its cap (*too_large set) or
 * the disk failed; the upload is then dead (free it). */
int files_upload_write(struct files_upload *u, const void *data, size_t n, bool *too_large);
/* Ends the data: waits for the writer, syncs, finishes the hash. 0 or -1. */
int files_upload_finish(struct files_upload *u);
/* Bytes received so far. */
uint64_t files_upload_size(const struct files_upload *u);
/* Removes the temporary file (unless a create or version took it) and frees. */
void files_upload_free(struct files_upload *u);

/* --- Operations (each one transaction) ------------------------------------- */

/* Fields of a create or an edit; NULL / has_* false: not given. */
struct files_input {
	const char *name;   /* file name (no '/'); default: the upload's */
	const char *folder; /* "" for the top */
	const char **tags;  /* as written; normalised here */
	size_t n_tags;
	bool has_tags;
	const char *description; /* alt text of media */
};

/* Sharing as asked: audience, community (FILE_COMMUNITY) and the whole
 * list of named people (replacing the previous one) when has_people. */
struct files_share {
	bool has_audience;
	enum file_audience audience;
	int64_t community_id;
	bool has_people;
	const int64_t *people;
	const int *roles; /* FILE_READER or FILE_EDITOR */
	size_t n_people;
};

/* viewer creates a file from the finished upload u (media: a Mastodon
 * media upload). On FILES_OK *id is the new file. */
enum files_rc files_create(struct app *app, struct arena *a, int64_t viewer, struct files_upload *u,
			   const char *upload_name, const struct files_input *in, bool media,
			   int64_t *id, const char **why);
/* An editor adds a new version from u (it becomes the current one). */
enum files_rc files_add_version(struct app *app, struct arena *a, int64_t viewer, int64_t id,
				struct files_upload *u, const char *upload_name, const char **why);
/* An editor renames, moves, re-tags or describes; the owner shares. */
enum files_rc files_update(struct app *app, struct arena *a, int64_t viewer, int64_t id,
			   const struct files_input *in, const struct files_share *sh,
			   const char **why);
/* The owner moves the file to the trash (restore false) or back. */
enum files_rc files_trash(struct app *app, int64_t viewer, int64_t id, bool restore);
/* The owner deletes the file for good; blobs no version names any more
 * are removed from disk. */
enum files_rc files_purge(struct app *app, struct arena *a, int64_t viewer, int64_t id);

/* --- Attachments (called by posts/ and others) ----------------------------- */

/* May author attach files ids[0..n) to something? Each must be readable by
 * author and not trashed; a media upload must be author's and not yet
 * attached. FILES_OK, or FILES_INVALID with *why. */
enum files_rc files_check_attachable(struct app *app, struct arena *a, int64_t author,
				     const int64_t *ids, size_t n, const char **why);
/* Inside tx, attaches ids[0..n) to post_id, in order. 0 or -1. */
int files_attach_to_post(struct tx *tx, int64_t post_id, const int64_t *ids, size_t n);

/* --- Reading --------------------------------------------------------------- */

/* Writes file id as viewer sees it (the Moka File entity). -1, writing
 * nothing, when viewer may not read it. */
int files_render(struct app *app, struct arena *a, struct jw *w, int64_t viewer, int64_t id);
/* Writes the files among ids viewer may read, as an array. */
void files_render_many(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
		       const int64_t *ids, size_t n);
/* Writes file id as a Mastodon MediaAttachment; -1 when viewer may not read it. */
int files_render_media(struct app *app, struct arena *a, struct jw *w, int64_t viewer, int64_t id);
/* Writes "media_attachments": [...] for post_id, the same for every reader
 * of the post: media uploads in full, documents as restricted stubs (their
 * id only) whose details each reader asks for through the file API. */
void files_render_post_media(struct app *app, struct arena *a, struct jw *w, int64_t post_id);
/* Versions of id, newest first, as an array; -1 when viewer may not read it. */
int files_render_versions(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			  int64_t id);

/* What a download serves. */
struct files_download {
	const char *path;	  /* the blob (or thumbnail) on disk */
	const char *content_type; /* sniffed at upload */
	const char *name;	  /* for Content-Disposition */
	const char *sha256;	  /* the ETag */
	int64_t size;
	bool inline_ok; /* images and PDFs are shown inline */
};
/* The bytes of id's version (0: current) or its thumbnail, if viewer may
 * read it. FILES_NOT_FOUND otherwise (also: no such version, no thumbnail). */
enum files_rc files_download(struct app *app, struct arena *a, int64_t viewer, int64_t id,
			     int version, bool thumbnail, struct files_download *out);

/* Lists. */
enum files_list { FILES_MINE, FILES_SHARED, FILES_COMMUNITY, FILES_COMPANY, FILES_TRASH };
struct files_query {
	enum files_list list;
	int64_t community_id;
	const char *folder, *tag;
	int64_t max_id, since_id, min_id;
	size_t limit;
};
/* Ids of the files of the list viewer may read, at most q->limit: the
 * count, or -1 (FILES_COMMUNITY: viewer may not read the community). */
long files_list(struct app *app, int64_t viewer, const struct files_query *q, int64_t *out);

/* --- Text for search (files_text.c) ---------------------------------------- */

/* The most text kept from one blob, in bytes. */
#define FILES_TEXT_MAX (1u << 20)

/* Queues blob sha256 (of content_type) for text extraction, when the type
 * has text; a background worker records it (store_file_text_put). */
void files_text_queue(const char *sha256, const char *content_type);
/* Starts and stops the extraction worker (at start it looks for
 * documents whose blob has no text yet). */
void files_text_start(struct app *app);
void files_text_stop(void);

/* --- Pure helpers (unit-tested) -------------------------------------------- */

/* Has this content type text we extract (text/… but HTML, PDF)? */
bool files_text_type(const char *content_type);
/* Copies n bytes of in to out (at most cap bytes) as valid UTF-8 (input
 * that is not UTF-8 is read as Latin-1), control characters but newline
 * and tab as spaces, cut on a character boundary: the bytes written. */
size_t files_text_clean(const char *in, size_t n, char *out, size_t cap);

/* Is name a usable file name (1..FILES_NAME_MAX bytes of UTF-8, no '/',
 * no control characters, not "." or "..")? */
bool files_name_ok(const char *name);
/* Is the type one shown inline (images other than SVG, and PDF)? */
bool files_inline_type(const char *content_type);
/* The blob path of a hex SHA-256 under dir: dir/sha256/ab/cd/<hex>. */
char *files_blob_path(struct arena *a, const char *dir, const char *sha256);
/* Parses a Range header against size: 1 with [*first, *last] for one
 * satisfiable range, 0 to send everything (absent or not understood), -1
 * when unsatisfiable (416). */
int files_parse_range(const char *header, int64_t size, int64_t *first, int64_t *last);

#endif
