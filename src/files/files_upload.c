/*
 * files_upload: an upload streamed to a temporary file under
 * DATA/files/tmp while it arrives, never whole in memory.
 *
 * The HTTP thread copies incoming bytes into fixed blocks and writes each
 * full block; a helper thread (started once a first block fills) hashes
 * them (SHA-256, the slower half), so receiving and hashing overlap on two
 * cores. At most
 * UPLOAD_BLOCKS blocks are in flight: a client faster than the disk or
 * the hash waits. Blobs have the store's durability (they survive a crash
 * of the process); with files_fsync set, the writer also asks the kernel
 * to write back every few megabytes and syncs before the commit.
 */
#include "files/files_int.h"
#include "app/app.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define UPLOAD_BLOCK (256u * 1024)
#define UPLOAD_BLOCKS FILES_UPLOAD_BLOCKS
#define WRITEBACK_EVERY (8u << 20)

/* Writes all n bytes to fd. 0 or -1. */
static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Writes one block (the HTTP thread: the hash is the slower half). */
static int block_write(struct files_upload *u, const char *p, size_t n)
{
	if (write_all(u->fd, p, n) < 0)
		return -1;
	u->written += n;
	if (u->durable && u->written - u->synced >= WRITEBACK_EVERY) {
		sync_file_range(u->fd, (off64_t)u->synced, (off64_t)(u->written - u->synced),
				SYNC_FILE_RANGE_WRITE);
		u->synced = u->written;
	}
	return 0;
}

static void *writer_main(void *arg)
{
	struct files_upload *u = arg;
	pthread_mutex_lock(&u->lock);
	for (;;) {
		while (u->filled == 0 && !u->eof)
			pthread_cond_wait(&u->cv, &u->lock);
		if (u->filled == 0)
			break; /* eof and drained */
		unsigned i = u->ri;
		size_t n = u->len[i];
		pthread_mutex_unlock(&u->lock);
		if (!u->failed)
			crypto_hash_sha256_update(&u->sha, (const unsigned char *)u->block[i], n);
		pthread_mutex_lock(&u->lock);
		u->ri = (u->ri + 1) % UPLOAD_BLOCKS;
		u->filled--;
		pthread_cond_broadcast(&u->cv);
	}
	pthread_mutex_unlock(&u->lock);
	return NULL;
}

struct files_upload *files_upload_open(struct app *app, int64_t viewer, uint64_t declared,
				       int *status, const char **why)
{
	uint64_t limit = app->cfg->files_max_bytes;
	int64_t used = store_files_bytes_of(store_reader(app->store), viewer);
	uint64_t quota = app->cfg->files_quota_bytes;
	uint64_t left = used < 0 ? 0 : (uint64_t)used >= quota ? 0 : quota - (uint64_t)used;
	*status = 413;
	if (declared > limit) {
		*why = "file: too large (the limit is set by files_max_bytes)";
		return NULL;
	}
	if (declared > left || left == 0) {
		*why = "file: your storage quota is used up";
		return NULL;
	}
	struct arena *a = arena_new();
	const char *dir = files_dir(app, a, "tmp");
	unsigned char rnd[16];
	char hex[33];
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	char *path = xstrdup(arena_printf(a, "%s/%s", dir, hex));
	int fd =
	    files_mkdirs(dir) < 0 ? -1 : open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	arena_free(a);
	if (fd < 0) {
		log_error("files: cannot create %s: %s", path, strerror(errno));
		free(path);
		*status = 500;
		*why = "the upload cannot be stored; try again";
		return NULL;
	}
	struct files_upload *u = xcalloc(1, sizeof(*u));
	u->app = app;
	u->fd = fd;
	u->tmp_path = path;
	u->cap = limit < left ? limit : left;
	u->cap_is_quota = left < limit;
	u->durable = app->cfg->files_fsync;
	crypto_hash_sha256_init(&u->sha);
	pthread_mutex_init(&u->lock, NULL);
	pthread_cond_init(&u->cv, NULL);
	return u;
}

/* Hands the producer's full block to the helper (starting it on first
 * use) and waits for a free one. -1 when the helper failed. */
static int block_push(struct files_upload *u)
{
	if (block_write(u, u->block[u->wi], u->wlen) < 0)
		return -1;
	if (!u->thread_started) {
		if (pthread_create(&u->thread, NULL, writer_main, u) != 0)
			return -1;
		u->thread_started = true;
	}
	pthread_mutex_lock(&u->lock);
	u->len[u->wi] = u->wlen;
	u->filled++;
	pthread_cond_broadcast(&u->cv);
	while (u->filled == UPLOAD_BLOCKS && !u->failed)
		pthread_cond_wait(&u->cv, &u->lock);
	bool failed = u->failed;
	u->wi = (u->wi + 1) % UPLOAD_BLOCKS;
	u->wlen = 0;
	pthread_mutex_unlock(&u->lock);
	return failed ? -1 : 0;
}

int files_upload_write(struct files_upload *u, const void *data, size_t n, bool *too_large)
{
	*too_large = false;
	if (u->dead)
		return -1;
	if (n > u->cap - u->size) {
		*too_large = true;
		u->dead = true;
		return -1;
	}
	const char *p = data;
	if (u->head_len < FILES_SNIFF_BYTES) {
		size_t k = FILES_SNIFF_BYTES - u->head_len;
		if (k > n)
			k = n;
		memcpy(u->head + u->head_len, p, k);
		u->head_len += k;
	}
	u->size += n;
	while (n) {
		if (!u->block[u->wi])
			u->block[u->wi] = xmalloc(UPLOAD_BLOCK);
		size_t k = UPLOAD_BLOCK - u->wlen;
		if (k > n)
			k = n;
		memcpy(u->block[u->wi] + u->wlen, p, k);
		u->wlen += k;
		p += k;
		n -= k;
		if (u->wlen == UPLOAD_BLOCK && block_push(u) < 0) {
			u->dead = true;
			return -1;
		}
	}
	return 0;
}

uint64_t files_upload_size(const struct files_upload *u)
{
	return u->size;
}

/* Stops the helper after it wrote everything queued. */
static void writer_stop(struct files_upload *u)
{
	if (!u->thread_started)
		return;
	pthread_mutex_lock(&u->lock);
	u->eof = true;
	pthread_cond_broadcast(&u->cv);
	pthread_mutex_unlock(&u->lock);
	pthread_join(u->thread, NULL);
	u->thread_started = false;
}

int files_upload_finish(struct files_upload *u)
{
	if (u->dead)
		return -1;
	if (u->thread_started) {
		if (u->wlen && block_push(u) < 0) {
			u->dead = true;
			return -1;
		}
		writer_stop(u);
	} else if (u->wlen) {
		crypto_hash_sha256_update(&u->sha, (const unsigned char *)u->block[u->wi], u->wlen);
		u->failed = block_write(u, u->block[u->wi], u->wlen) < 0;
	}
	if (u->failed || (u->durable && fsync(u->fd) < 0)) {
		log_error("files: cannot write %s: %s", u->tmp_path, strerror(errno));
		u->dead = true;
		return -1;
	}
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&u->sha, h);
	sodium_bin2hex(u->sha256, sizeof(u->sha256), h, sizeof(h));
	u->finished = true;
	for (unsigned i = 0; i < UPLOAD_BLOCKS; i++) { /* give the memory back early */
		free(u->block[i]);
		u->block[i] = NULL;
	}
	return 0;
}

void files_upload_free(struct files_upload *u)
{
	if (!u)
		return;
	if (u->thread_started) {
		pthread_mutex_lock(&u->lock);
		u->failed = true; /* the helper skips what is left */
		pthread_mutex_unlock(&u->lock);
		writer_stop(u);
	}
	close(u->fd);
	if (!u->consumed)
		unlink(u->tmp_path);
	free(u->tmp_path);
	for (unsigned i = 0; i < UPLOAD_BLOCKS; i++)
		free(u->block[i]);
	pthread_mutex_destroy(&u->lock);
	pthread_cond_destroy(&u->cv);
	free(u);
}
