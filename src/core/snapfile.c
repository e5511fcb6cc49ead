/* snapfile: checksummed binary snapshots (see snapfile.h). */
#include "core/snapfile.h"
#include "core/log.h"
#include "core/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define BLOCK (1u << 20)
#define HEADER 64
static const char MAGIC[8] = {'M', 'O', 'K', 'A', 'S', 'N', 'A', 'P'};

struct header {
	char magic[8];
	uint32_t version, reserved;
	uint8_t token[SNAP_TOKEN_BYTES];
	uint64_t length, hash;
	uint8_t pad[HEADER - 48];
};
_Static_assert(sizeof(struct header) == HEADER, "snapfile header is 64 bytes");

/* Four independent multiply lanes over 8-byte words: about 4 GB/s. */
static uint64_t block_hash(uint64_t seed, const uint8_t *p, size_t n)
{
	const uint64_t k = 0x9e3779b97f4a7c15ull;
	uint64_t h[4] = {seed, seed ^ 0x1234567u, seed + k, ~seed};
	size_t i = 0;
	for (; i + 32 <= n; i += 32)
		for (int l = 0; l < 4; l++) {
			uint64_t w;
			memcpy(&w, p + i + 8 * l, 8);
			h[l] = (h[l] ^ w) * k;
			h[l] ^= h[l] >> 31;
		}
	uint64_t t = n;
	for (; i < n; i++)
		t = (t ^ p[i]) * 0x100000001b3ull;
	uint64_t r = t;
	for (int l = 0; l < 4; l++)
		r = (r ^ h[l]) * k, r ^= r >> 29;
	return r;
}

struct snapw {
	int fd;
	char *path, *tmp;
	uint32_t version;
	uint8_t *buf;
	size_t used;
	uint64_t length, hash;
	bool err;
};

static void put_fd(int fd, const void *data, size_t len, bool *err)
{
	const char *p = data;
	while (len && !*err) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*err = true;
			return;
		}
		p += n;
		len -= (size_t)n;
	}
}

static void flush_block(struct snapw *w)
{
	if (!w->used)
		return;
	w->hash = block_hash(w->hash, w->buf, w->used);
	put_fd(w->fd, w->buf, w->used, &w->err);
	w->length += w->used;
	w->used = 0;
}

struct snapw *snapw_open(const char *path, uint32_t version)
{
	struct snapw *w = xcalloc(1, sizeof(*w));
	w->path = xstrdup(path);
	size_t n = strlen(path) + 8;
	w->tmp = xmalloc(n);
	snprintf(w->tmp, n, "%s.tmp", path);
	w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (w->fd < 0) {
		log_warn("snapshot: cannot write %s: %s", w->tmp, strerror(errno));
		free(w->tmp);
		free(w->path);
		free(w);
		return NULL;
	}
	w->version = version;
	w->buf = xmalloc(BLOCK);
	struct header h = {0};
	put_fd(w->fd, &h, sizeof(h), &w->err); /* filled in at the end */
	return w;
}

void snapw_put(struct snapw *w, const void *data, size_t len)
{
	const uint8_t *p = data;
	while (len) {
		size_t n = BLOCK - w->used < len ? BLOCK - w->used : len;
		memcpy(w->buf + w->used, p, n);
		w->used += n;
		p += n;
		len -= n;
		if (w->used == BLOCK)
			flush_block(w);
	}
}

void snapw_u32(struct snapw *w, uint32_t v)
{
	snapw_put(w, &v, sizeof(v));
}

static void snapw_free(struct snapw *w)
{
	free(w->buf);
	free(w->tmp);
	free(w->path);
	free(w);
}

void snapw_abort(struct snapw *w)
{
	if (!w)
		return;
	close(w->fd);
	unlink(w->tmp);
	snapw_free(w);
}

int snapw_close(struct snapw *w, const uint8_t token[SNAP_TOKEN_BYTES])
{
	flush_block(w);
	struct header h = {.version = w->version, .length = w->length, .hash = w->hash};
	memcpy(h.magic, MAGIC, sizeof(MAGIC));
	memcpy(h.token, token, SNAP_TOKEN_BYTES);
	if (!w->err && pwrite(w->fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h))
		w->err = true;
	if (!w->err && fdatasync(w->fd) < 0)
		w->err = true;
	if (w->err || close(w->fd) < 0 || rename(w->tmp, w->path) < 0) {
		log_warn("snapshot: cannot write %s", w->path);
		if (w->err)
			close(w->fd);
		unlink(w->tmp);
		snapw_free(w);
		return -1;
	}
	snapw_free(w);
	return 0;
}

struct snapr {
	int fd;
	uint8_t *buf;
	size_t pos, len;     /* read position and bytes in buf */
	uint64_t left, hash; /* body bytes not yet in buf; running hash */
	uint64_t want;	     /* the header's hash */
	bool err;
};

struct snapr *snapr_open(const char *path, uint32_t version, const uint8_t token[SNAP_TOKEN_BYTES])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct header h;
	if (read(fd, &h, sizeof(h)) != (ssize_t)sizeof(h) || memcmp(h.magic, MAGIC, 8) != 0 ||
	    h.version != version || memcmp(h.token, token, SNAP_TOKEN_BYTES) != 0) {
		close(fd);
		return NULL;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	struct snapr *r = xcalloc(1, sizeof(*r));
	r->fd = fd;
	r->buf = xmalloc(BLOCK);
	r->left = h.length;
	r->want = h.hash;
	return r;
}

/* Reads the next whole block straight into p (no copy); n is its size. */
static bool read_block(struct snapr *r, uint8_t *p, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t k = read(r->fd, p + got, n - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		got += (size_t)k;
	}
	r->hash = block_hash(r->hash, p, n);
	r->left -= n;
	return true;
}

static bool fill(struct snapr *r)
{
	size_t n = r->left < BLOCK ? (size_t)r->left : BLOCK;
	if (!n || !read_block(r, r->buf, n))
		return false;
	r->pos = 0;
	r->len = n;
	return true;
}

bool snapr_get(struct snapr *r, void *data, size_t len)
{
	uint8_t *p = data;
	while (len && !r->err) {
		size_t whole = r->left < BLOCK ? (size_t)r->left : BLOCK;
		if (r->pos == r->len && whole && len >= whole) {
			if (!read_block(r, p, whole))
				r->err = true;
			p += whole;
			len -= whole;
			continue;
		}
		if (r->pos == r->len && !fill(r)) {
			r->err = true;
			break;
		}
		size_t n = r->len - r->pos < len ? r->len - r->pos : len;
		memcpy(p, r->buf + r->pos, n);
		r->pos += n;
		p += n;
		len -= n;
	}
	return !r->err;
}

bool snapr_u32(struct snapr *r, uint32_t *v)
{
	return snapr_get(r, v, sizeof(*v));
}

bool snapr_close(struct snapr *r)
{
	if (!r)
		return false;
	uint8_t extra;
	bool ok = !r->err && r->pos == r->len && r->left == 0 && r->hash == r->want &&
		  read(r->fd, &extra, 1) == 0;
	close(r->fd);
	free(r->buf);
	free(r);
	return ok;
}

void *snap_alloc_big(size_t bytes)
{
	const size_t huge = 2u << 20;
	if (bytes < 2 * huge)
		return xmalloc(bytes ? bytes : 1);
	size_t n = (bytes + huge - 1) & ~(huge - 1);
	void *p = aligned_alloc(huge, n);
	if (!p)
		return xmalloc(bytes);
	madvise(p, n, MADV_HUGEPAGE); /* fewer page faults and TLB misses; advisory */
	return p;
}
