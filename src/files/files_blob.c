/*
 * files_blob: the bytes on disk — directories, content sniffing
 * (libmagic: one handle, used under a lock since handles are not
 * thread-safe), the content-addressed blobs
 * (DATA/files/sha256/ab/cd/<hex>) and their thumbnails
 * (DATA/files/thumbs/ab/<hex>.png).
 */
#include "files/files_int.h"
#include "app/app.h"
#include "core/log.h"
#include "people/people.h"

#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *files_dir(struct app *app, struct arena *a, const char *sub)
{
	return arena_printf(a, "%s/files%s%s", app->cfg->data_dir, *sub ? "/" : "", sub);
}

int files_mkdirs(const char *path)
{
	char tmp[4096];
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, path, n + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

char *files_blob_path(struct arena *a, const char *dir, const char *sha256)
{
	return arena_printf(a, "%s/sha256/%.2s/%.2s/%s", dir, sha256, sha256 + 2, sha256);
}

char *files_thumb_path(struct app *app, struct arena *a, const char *sha256)
{
	return arena_printf(a, "%s/%.2s/%s.png", files_dir(app, a, "thumbs"), sha256, sha256);
}

/* --- sniffing ---------------------------------------------------------------- */

/* One libmagic handle for the process, used under a lock (handles are not
 * thread-safe): a handle holds its ~9 MiB database, one per thread would
 * hold it once per thread. Sniffing reads at most 64 KiB once per upload. */
static magic_t magic;
static pthread_once_t magic_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t magic_lock = PTHREAD_MUTEX_INITIALIZER;

static void magic_open_once(void)
{
	magic_t m = magic_open(MAGIC_MIME | MAGIC_NO_CHECK_COMPRESS | MAGIC_ERROR);
	if (m && magic_load(m, NULL) < 0) {
		log_error("files: libmagic: %s", magic_error(m));
		magic_close(m);
		m = NULL;
	}
	magic = m;
}

/* The MIME type libmagic sees in n bytes at p (in a), or NULL. */
static const char *magic_sniff(struct arena *a, const void *p, size_t n)
{
	pthread_once(&magic_once, magic_open_once);
	if (!magic)
		return NULL;
	pthread_mutex_lock(&magic_lock);
	const char *t = magic_buffer(magic, p, n);
	char *out = t && *t ? arena_strdup(a, t) : NULL;
	pthread_mutex_unlock(&magic_lock);
	return out;
}

void files_blob_sniff(struct files_upload *u, struct arena *a, struct files_blob_info *out)
{
	memset(out, 0, sizeof(*out));
	out->content_type = "application/octet-stream";
	const char *t = u->head_len ? magic_sniff(a, u->head, u->head_len) : NULL;
	if (t) {
		/* "image/png; charset=binary" → "image/png"; only text keeps its charset */
		const char *cs = strstr(t, "; charset=");
		bool keep = cs && !strncmp(t, "text/", 5) && strcmp(cs, "; charset=binary") != 0;
		out->content_type =
		    cs && !keep ? arena_strndup(a, t, (size_t)(cs - t)) : arena_strdup(a, t);
	}
	if (u->size == 0)
		out->content_type = "application/x-empty";
	uint32_t w, h;
	if (people_image_probe(u->head, u->head_len, &w, &h) && w <= INT32_MAX && h <= INT32_MAX &&
	    !strncmp(out->content_type, "image/", 6)) {
		out->width = (int)w;
		out->height = (int)h;
	}
}

/* --- placement ---------------------------------------------------------------- */

/* Reads the blob at path (at most max bytes) into memory; NULL if larger. */
static void *slurp(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &sb) < 0 || sb.st_size <= 0 || (size_t)sb.st_size > max) {
		close(fd);
		return NULL;
	}
	char *p = malloc((size_t)sb.st_size);
	size_t got = 0;
	while (p && got < (size_t)sb.st_size) {
		ssize_t k = read(fd, p + got, (size_t)sb.st_size - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	close(fd);
	if (!p || got != (size_t)sb.st_size) {
		free(p);
		return NULL;
	}
	*len = got;
	return p;
}

/* Writes the thumbnail of the image blob at path, unless it exists. */
static void thumb_make(struct app *app, struct arena *a, const char *sha256, const char *path)
{
	const char *tp = files_thumb_path(app, a, sha256);
	struct stat sb;
	if (stat(tp, &sb) == 0)
		return;
	size_t len;
	void *data = slurp(path, FILES_THUMB_MAX_BYTES, &len);
	void *png = NULL;
	size_t png_len = 0;
	if (data && people_image_thumbnail(data, len, FILES_THUMB_SIDE, &png, &png_len) == 0) {
		const char *dir = arena_strndup(a, tp, (size_t)(strrchr(tp, '/') - tp));
		const char *tmp = arena_printf(a, "%s.tmp", tp);
		int fd = files_mkdirs(dir) < 0
			     ? -1
			     : open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd >= 0) {
			bool ok = write(fd, png, png_len) == (ssize_t)png_len;
			close(fd);
			if (!ok || rename(tmp, tp) < 0)
				unlink(tmp);
		}
	}
	free(data);
	free(png);
}

void files_blob_thumbnail(struct files_upload *u, struct arena *a, const struct files_blob_info *bi)
{
	if (bi->width > 0)
		thumb_make(u->app, a, u->sha256, u->tmp_path);
}

int files_blob_place(struct files_upload *u, struct arena *a)
{
	const char *path = files_blob_path(a, files_dir(u->app, a, ""), u->sha256);
	struct stat sb;
	if (stat(path, &sb) == 0) {
		unlink(u->tmp_path); /* stored once */
	} else {
		const char *dir = arena_strndup(a, path, (size_t)(strrchr(path, '/') - path));
		if (files_mkdirs(dir) < 0 || rename(u->tmp_path, path) < 0) {
			log_error("files: cannot store blob %s: %s", path, strerror(errno));
			return -1;
		}
	}
	u->consumed = true;
	return 0;
}

void files_blob_remove(struct app *app, struct arena *a, const char *sha256)
{
	unlink(files_blob_path(a, files_dir(app, a, ""), sha256));
	unlink(files_thumb_path(app, a, sha256));
}
