/*
 * store_files: files (documents and media), their versions, their named
 * shares and the files attached to posts (schema: store_schema_files.c).
 *
 * A file's bytes are not here: each version names a blob by the hex
 * SHA-256 of its content (files/ keeps the blobs on disk). Ids are rowids.
 */
#ifndef MOKA_STORE_FILES_H
#define MOKA_STORE_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store_conn;
struct arena;

struct file_row {
	int64_t id, owner_id;
	const char *name, *folder, *tags, *description;
	int audience; /* enum file_audience (files.h) */
	int64_t community_id;
	bool media;
	int version; /* the current version's number */
	const char *sha256, *content_type;
	int64_t size;
	int width, height;
	int64_t created_at, updated_at, trashed_at; /* trashed_at 0: not trashed */
};

struct file_version_row {
	int64_t file_id;
	int version;
	const char *sha256, *content_type, *name;
	int64_t size, by_id, created_at;
};

/* Inserts f, setting f->id. */
int store_file_insert(struct store_conn *w, struct file_row *f);
/* Replaces every column but id, owner_id and created_at. */
int store_file_update(struct store_conn *w, const struct file_row *f);
int store_file_get(struct store_conn *c, struct arena *a, int64_t id, struct file_row *out);
/* Deletes the file with its versions, shares and post attachments. */
int store_file_delete(struct store_conn *w, int64_t id);

int store_file_version_insert(struct store_conn *w, const struct file_version_row *v);
/* Versions of file_id, newest first, at most max: the count, or -1. */
int store_file_versions(struct store_conn *c, struct arena *a, int64_t file_id, int max,
			struct file_version_row *out);
int store_file_version_get(struct store_conn *c, struct arena *a, int64_t file_id, int version,
			   struct file_version_row *out);
/* How many versions (of any file) name the blob sha256. -1 on error. */
int64_t store_file_blob_refs(struct store_conn *c, const char *sha256);
/* The distinct blobs of file_id's versions: the count (≤ max), or -1. */
int store_file_blobs(struct store_conn *c, struct arena *a, int64_t file_id, int max,
		     const char **out);
/* Bytes of every version of owner's files (the quota's use). */
int64_t store_files_bytes_of(struct store_conn *c, int64_t owner);

/* Named shares. role 0 deletes. */
int store_file_share_put(struct store_conn *w, int64_t file, int64_t user, int role, int64_t by,
			 int64_t at);
int store_file_shares_clear(struct store_conn *w, int64_t file);
/* user's share role on file (0: none). -1 on error. */
int store_file_share_role(struct store_conn *c, int64_t file, int64_t user);
/* Shares of file, by user id: the count (≤ max), or -1. */
int store_file_shares(struct store_conn *c, int64_t file, int max, int64_t *users, int *roles);

/* Which list store_files_list walks. */
enum store_files_list {
	STORE_FILES_MINE,      /* owner = who, not trashed */
	STORE_FILES_SHARED,    /* shared with who by name, not trashed */
	STORE_FILES_COMMUNITY, /* audience community, community_id = community */
	STORE_FILES_COMPANY,   /* audience company */
	STORE_FILES_TRASH,     /* owner = who, trashed */
};
struct store_files_query {
	enum store_files_list list;
	int64_t who, community;
	const char *folder; /* NULL: any */
	const char *tag;    /* one normalised tag; NULL: any */
	bool include_media; /* media uploads are left out unless set */
	int64_t max_id, since_id, min_id;
	int limit;
};
/* File ids of the list, descending (ascending when min_id is set), at
 * most q->limit: the count, or -1. */
int store_files_list(struct store_conn *c, const struct store_files_query *q, int64_t *out);

/* Attachments of posts. */
int store_post_file_add(struct store_conn *w, int64_t post, int position, int64_t file);
/* Files attached to post, in order: the count (≤ max), or -1. */
int store_post_files(struct store_conn *c, int64_t post, int max, int64_t *out);
/* Posts file is attached to: the count (≤ max), or -1. */
int store_file_posts(struct store_conn *c, int64_t file, int max, int64_t *out);

#endif
