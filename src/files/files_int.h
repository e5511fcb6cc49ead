/* files_int: what the files module's own files share. */
#ifndef MOKA_FILES_INT_H
#define MOKA_FILES_INT_H

#include "files/files.h"

#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>

#include "core/arena.h"

struct file_row;

/* libmagic reads at most this much of the start of a file. */
#define FILES_SNIFF_BYTES (64u * 1024)
#define FILES_UPLOAD_BLOCKS 8
/* Thumbnails: the longest side, and the largest image we decode for one. */
#define FILES_THUMB_SIDE 400
#define FILES_THUMB_MAX_BYTES (32u << 20)

struct files_upload {
	struct app *app;
	int fd;
	char *tmp_path;
	uint64_t size, cap; /* cap: the size limit, or what the quota leaves */
	bool cap_is_quota;
	bool durable;  /* fsync before the commit (files_fsync) */
	bool dead;     /* over the cap or failed: nothing more is accepted */
	bool finished; /* sha256 is set */
	bool consumed; /* the temporary file became a blob (or was dropped) */
	unsigned char head[FILES_SNIFF_BYTES];
	size_t head_len;
	crypto_hash_sha256_state sha;
	char sha256[65];
	/* The pipeline: blocks [ri, ri + filled) wait for the helper; the
	 * producer fills block wi (wlen bytes). */
	char *block[FILES_UPLOAD_BLOCKS];
	size_t len[FILES_UPLOAD_BLOCKS];
	unsigned ri, wi, filled;
	size_t wlen;
	uint64_t written, synced; /* helper's counters */
	bool eof, failed, thread_started;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cv;
};

/* DATA/files/<sub>, or DATA/files when sub is "" (in a). */
const char *files_dir(struct app *app, struct arena *a, const char *sub);
/* mkdir -p. 0 or -1. */
int files_mkdirs(const char *path);

/* What the bytes of a finished upload are (files_blob.c). */
struct files_blob_info {
	const char *content_type;
	int width, height; /* images; 0 otherwise */
};
/* Sniffs the type of u (libmagic) and reads an image's size. */
void files_blob_sniff(struct files_upload *u, struct arena *a, struct files_blob_info *out);
/* Makes the thumbnail of an image upload (before the write transaction:
 * decoding takes time, and thumbnails are named by content). */
void files_blob_thumbnail(struct files_upload *u, struct arena *a,
			  const struct files_blob_info *bi);
/* Moves u's temporary file to its blob path (or drops it when the blob
 * exists). Call inside the write transaction. 0 or -1. */
int files_blob_place(struct files_upload *u, struct arena *a);
/* Removes the blob sha256 and its thumbnail (after the last version
 * naming it is gone). */
void files_blob_remove(struct app *app, struct arena *a, const char *sha256);
/* The thumbnail path of a blob (in a). */
char *files_thumb_path(struct app *app, struct arena *a, const char *sha256);

/* The role rule on a loaded row, with the memory read lock held (share:
 * viewer's named role; media_visible: a post carrying this media file is
 * visible to viewer). */
enum file_role files_role_of_locked(struct app *app, const struct file_row *f, int64_t viewer,
				    int share, bool media_visible);

#endif
