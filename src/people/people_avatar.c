/*
 * people_avatar: profile photos — validating an upload by decoding it
 * (PNG, JPEG, GIF, WebP through libgd), refusing decompression bombs from
 * the header's dimensions before decoding, center-cropping to a square,
 * writing 400x400 and 48x48 files under DATA/avatars/ with random names,
 * and the default avatar (an SVG with the person's initials) for people
 * without a photo.
 *
 * Uploaded files are named <32 hex>.png|.jpg and <32 hex>_48.png|.jpg;
 * default avatars are default-<hex of the initials' UTF-8>-<colour>.svg,
 * so serving one needs no lookup and reveals nothing the URL does not.
 */
#include "people/people.h"
#include "app/app.h"
#include "people/people_int.h"
#include "core/arena.h"
#include "core/log.h"
#include "store/store.h"
#include "text/text.h"

#include <errno.h>
#include <fcntl.h>
#include <gd.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define AVATAR_SIZE 400
#define AVATAR_SMALL 48
#define AVATAR_MAX_SIDE 8000
#define AVATAR_NAME_HEX 32

/* Decoding holds up to 8000x8000x4 bytes: one decode at a time. */
static pthread_mutex_t decode_lock = PTHREAD_MUTEX_INITIALIZER;

enum image_kind { IMAGE_NONE, IMAGE_PNG, IMAGE_JPEG, IMAGE_GIF, IMAGE_WEBP };

static uint32_t be16(const unsigned char *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}
static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[1] << 8 | p[0];
}
static uint32_t le24(const unsigned char *p)
{
	return le16(p) | (uint32_t)p[2] << 16;
}
static uint32_t be32(const unsigned char *p)
{
	return be16(p) << 16 | be16(p + 2);
}

/* The frame size from a JPEG's first SOFn segment; 0 when not found. */
static int jpeg_size(const unsigned char *p, size_t n, uint32_t *w, uint32_t *h)
{
	size_t i = 2;
	while (i + 4 <= n) {
		if (p[i] != 0xff)
			return -1;
		unsigned char m = p[i + 1];
		if (m == 0xff) { /* fill byte */
			i++;
			continue;
		}
		if (m == 0xd8 || (m >= 0xd0 && m <= 0xd7) || m == 0x01) {
			i += 2;
			continue;
		}
		uint32_t len = be16(p + i + 2);
		if (len < 2)
			return -1;
		bool sof = m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
		if (sof) {
			if (i + 9 > n)
				return -1;
			*h = be16(p + i + 5);
			*w = be16(p + i + 7);
			return 0;
		}
		i += 2 + len;
	}
	return -1;
}

/* The canvas size of a WebP file (VP8X, VP8 or VP8L first chunk). */
static int webp_size(const unsigned char *p, size_t n, uint32_t *w, uint32_t *h)
{
	if (n < 30)
		return -1;
	if (!memcmp(p + 12, "VP8X", 4)) {
		*w = le24(p + 24) + 1;
		*h = le24(p + 27) + 1;
		return 0;
	}
	if (!memcmp(p + 12, "VP8 ", 4) && p[23] == 0x9d && p[24] == 0x01 && p[25] == 0x2a) {
		*w = le16(p + 26) & 0x3fff;
		*h = le16(p + 28) & 0x3fff;
		return 0;
	}
	if (!memcmp(p + 12, "VP8L", 4) && p[20] == 0x2f) {
		uint32_t bits = le16(p + 21) | (uint32_t)le16(p + 23) << 16;
		*w = (bits & 0x3fff) + 1;
		*h = ((bits >> 14) & 0x3fff) + 1;
		return 0;
	}
	return -1;
}

/*
 * Recognises the image format from its first bytes and reads the
 * dimensions its header declares, without decoding. IMAGE_NONE when the
 * data is not one of the four formats or its header is malformed.
 */
static enum image_kind image_sniff(const unsigned char *p, size_t n, uint32_t *w, uint32_t *h)
{
	*w = *h = 0;
	if (n >= 24 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8) && !memcmp(p + 12, "IHDR", 4)) {
		*w = be32(p + 16);
		*h = be32(p + 20);
		return IMAGE_PNG;
	}
	if (n >= 10 && (!memcmp(p, "GIF87a", 6) || !memcmp(p, "GIF89a", 6))) {
		*w = le16(p + 6);
		*h = le16(p + 8);
		return IMAGE_GIF;
	}
	if (n >= 4 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return jpeg_size(p, n, w, h) == 0 ? IMAGE_JPEG : IMAGE_NONE;
	if (n >= 16 && !memcmp(p, "RIFF", 4) && !memcmp(p + 8, "WEBP", 4))
		return webp_size(p, n, w, h) == 0 ? IMAGE_WEBP : IMAGE_NONE;
	return IMAGE_NONE;
}

static gdImagePtr image_decode(enum image_kind kind, const void *data, size_t len)
{
	void *d = (void *)data; /* libgd takes non-const pointers but only reads */
	switch (kind) {
	case IMAGE_PNG:
		return gdImageCreateFromPngPtr((int)len, d);
	case IMAGE_JPEG:
		return gdImageCreateFromJpegPtr((int)len, d);
	case IMAGE_GIF:
		return gdImageCreateFromGifPtr((int)len, d);
	case IMAGE_WEBP:
		return gdImageCreateFromWebpPtr((int)len, d);
	case IMAGE_NONE:
		break;
	}
	return NULL;
}

/* A side x side center crop of src, resampled (alpha kept). */
static gdImagePtr image_square(gdImagePtr src, int side)
{
	gdImagePtr dst = gdImageCreateTrueColor(side, side);
	if (!dst)
		return NULL;
	gdImageAlphaBlending(dst, 0);
	gdImageSaveAlpha(dst, 1);
	gdImageFilledRectangle(dst, 0, 0, side - 1, side - 1, gdTrueColorAlpha(0, 0, 0, 127));
	int sw = gdImageSX(src), sh = gdImageSY(src);
	int crop = sw < sh ? sw : sh;
	gdImageCopyResampled(dst, src, 0, 0, (sw - crop) / 2, (sh - crop) / 2, side, side, crop,
			     crop);
	return dst;
}

/* Writes len bytes to path (created, never overwritten) and syncs it. */
static int write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	const char *p = data;
	while (len) {
		ssize_t k = write(fd, p, len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			close(fd);
			unlink(path);
			return -1;
		}
		p += k;
		len -= (size_t)k;
	}
	if (fsync(fd) < 0) {
		close(fd);
		unlink(path);
		return -1;
	}
	return close(fd);
}

/* Encodes im (PNG, or JPEG when jpeg) and writes it to path. */
static int image_save(gdImagePtr im, bool jpeg, const char *path)
{
	int size = 0;
	void *bytes = jpeg ? gdImageJpegPtr(im, &size, 88) : gdImagePngPtr(im, &size);
	if (!bytes)
		return -1;
	int rc = write_file(path, bytes, (size_t)size);
	gdFree(bytes);
	return rc;
}

/* The two file names of one avatar. */
struct avatar_files {
	const char *name; /* stored in users.avatar: <hex>.<ext> */
	const char *path, *path_small;
};

static const char *avatars_dir(struct app *app, struct arena *a)
{
	return arena_printf(a, "%s/avatars", app->cfg->data_dir);
}

static void avatar_files_of(struct app *app, struct arena *a, const char *name,
			    struct avatar_files *f)
{
	const char *dot = strrchr(name, '.');
	int stem = dot ? (int)(dot - name) : (int)strlen(name);
	f->name = name;
	f->path = arena_printf(a, "%s/%s", avatars_dir(app, a), name);
	f->path_small =
	    arena_printf(a, "%s/%.*s_48%s", avatars_dir(app, a), stem, name, dot ? dot : "");
}

/* Decodes, crops and writes both sizes; 0, or -1 with *status and *why. */
static int avatar_write(struct app *app, struct arena *a, const void *data, size_t len,
			struct avatar_files *f, int *status, const char **why)
{
	uint32_t w, h;
	*status = 422;
	enum image_kind kind = image_sniff(data, len, &w, &h);
	if (kind == IMAGE_NONE || len > INT32_MAX) {
		*why = "avatar: not a PNG, JPEG, GIF or WebP image";
		return -1;
	}
	if (w == 0 || h == 0 || w > AVATAR_MAX_SIDE || h > AVATAR_MAX_SIDE) {
		*why = "avatar: the image must be at most 8000x8000 pixels";
		return -1;
	}
	unsigned char rnd[AVATAR_NAME_HEX / 2];
	char hex[AVATAR_NAME_HEX + 1];
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	bool jpeg = kind == IMAGE_JPEG;
	avatar_files_of(app, a, arena_printf(a, "%s.%s", hex, jpeg ? "jpg" : "png"), f);
	mkdir(avatars_dir(app, a), 0755);

	int rc = -1;
	pthread_mutex_lock(&decode_lock);
	gdImagePtr src = image_decode(kind, data, len), big = NULL, small = NULL;
	if (!src || (uint32_t)gdImageSX(src) != w || (uint32_t)gdImageSY(src) != h) {
		*why = "avatar: the image cannot be decoded";
		goto done;
	}
	*status = 500;
	*why = "avatar: cannot write the image";
	big = image_square(src, AVATAR_SIZE);
	small = big ? image_square(big, AVATAR_SMALL) : NULL;
	if (!small || image_save(big, jpeg, f->path) < 0)
		goto done;
	if (image_save(small, jpeg, f->path_small) < 0) {
		unlink(f->path);
		goto done;
	}
	rc = 0;
done:
	if (src)
		gdImageDestroy(src);
	if (big)
		gdImageDestroy(big);
	if (small)
		gdImageDestroy(small);
	pthread_mutex_unlock(&decode_lock);
	if (rc < 0)
		log_warn("avatar upload refused: %s", *why);
	return rc;
}

bool people_image_probe(const void *data, size_t len, uint32_t *w, uint32_t *h)
{
	return image_sniff(data, len, w, h) != IMAGE_NONE;
}

int people_image_thumbnail(const void *data, size_t len, int side, void **out, size_t *out_len)
{
	uint32_t w, h;
	enum image_kind kind = image_sniff(data, len, &w, &h);
	if (kind == IMAGE_NONE || len > INT32_MAX || w == 0 || h == 0 || w > AVATAR_MAX_SIDE ||
	    h > AVATAR_MAX_SIDE)
		return -1;
	int tw = (int)w, th = (int)h;
	if (tw > side || th > side) {
		tw = w >= h ? side : (int)((int64_t)side * w / h);
		th = w >= h ? (int)((int64_t)side * h / w) : side;
	}
	int rc = -1;
	pthread_mutex_lock(&decode_lock);
	gdImagePtr src = image_decode(kind, data, len), dst = NULL;
	if (!src)
		goto done;
	dst = gdImageCreateTrueColor(tw > 0 ? tw : 1, th > 0 ? th : 1);
	if (!dst)
		goto done;
	gdImageAlphaBlending(dst, 0);
	gdImageSaveAlpha(dst, 1);
	gdImageCopyResampled(dst, src, 0, 0, 0, 0, gdImageSX(dst), gdImageSY(dst), gdImageSX(src),
			     gdImageSY(src));
	int size = 0;
	void *png = gdImagePngPtr(dst, &size);
	if (png && size > 0) {
		*out = malloc((size_t)size);
		if (*out) {
			memcpy(*out, png, (size_t)size);
			*out_len = (size_t)size;
			rc = 0;
		}
	}
	if (png)
		gdFree(png);
done:
	if (src)
		gdImageDestroy(src);
	if (dst)
		gdImageDestroy(dst);
	pthread_mutex_unlock(&decode_lock);
	return rc;
}

static void avatar_unlink(const struct avatar_files *f)
{
	unlink(f->path);
	unlink(f->path_small);
}

int people_avatar_set(struct app *app, struct arena *a, int64_t user_id, const void *data,
		      size_t len, int *status, const char **why)
{
	struct avatar_files nf;
	if (avatar_write(app, a, data, len, &nf, status, why) < 0)
		return -1;
	struct tx *tx = tx_begin(app);
	if (!tx) {
		avatar_unlink(&nf);
		*status = 503;
		*why = "store unavailable";
		return -1;
	}
	struct user u;
	if (store_user_get(tx_conn(tx), a, user_id, &u) != STORE_OK || !u.active) {
		*status = 404;
		*why = "Record not found";
		goto fail;
	}
	if (store_user_set_avatar(tx_conn(tx), user_id, nf.name) != STORE_OK) {
		*status = 500;
		*why = "store error";
		goto fail;
	}
	people_after_user_row(tx, user_id);
	if (tx_commit(tx) < 0) {
		avatar_unlink(&nf);
		*status = 500;
		*why = "commit failed";
		return -1;
	}
	if (u.avatar && *u.avatar) { /* the old files go once the new name is committed */
		struct avatar_files of;
		avatar_files_of(app, a, u.avatar, &of);
		avatar_unlink(&of);
	}
	return 0;
fail:
	tx_rollback(tx);
	avatar_unlink(&nf);
	return -1;
}

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

int people_avatar_file(struct app *app, struct arena *a, const char *name, const char **path,
		       const char **content_type)
{
	size_t n = strlen(name);
	if (n < AVATAR_NAME_HEX + 4 || !all_hex(name, AVATAR_NAME_HEX))
		return -1;
	const char *rest = name + AVATAR_NAME_HEX;
	if (!strncmp(rest, "_48", 3))
		rest += 3;
	if (!strcmp(rest, ".png"))
		*content_type = "image/png";
	else if (!strcmp(rest, ".jpg"))
		*content_type = "image/jpeg";
	else
		return -1;
	*path = arena_printf(a, "%s/%s", avatars_dir(app, a), name);
	return 0;
}

/* --- default avatars ---------------------------------------------------- */

static const char *const palette[] = {
    "#5b6ee1", "#2f9e8f", "#c2571a", "#8e44ad", "#2874a6", "#b03a48", "#4d7c0f", "#a16207",
};
#define PALETTE_LEN (sizeof(palette) / sizeof(palette[0]))

/* Bytes of the UTF-8 character starting at s (1 for a stray byte). */
static size_t utf8_len(const char *s)
{
	unsigned char c = (unsigned char)*s;
	size_t n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	for (size_t i = 1; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

/* Appends the first character of the word at s, uppercased if ASCII. */
static size_t initial_of(const char *s, char *out)
{
	size_t n = utf8_len(s);
	memcpy(out, s, n);
	if (n == 1 && out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
	return n;
}

char *people_avatar_default_name(struct arena *a, const struct user *u)
{
	const char *name = u->display_name && *u->display_name ? u->display_name : u->username;
	char ini[8];
	size_t n = 0;
	const char *first = name + strspn(name, " \t");
	const char *last = NULL;
	for (const char *p = first; *p; p++)
		if ((p[0] == ' ' || p[0] == '\t') && p[1] && p[1] != ' ' && p[1] != '\t')
			last = p + 1;
	if (*first)
		n += initial_of(first, ini);
	if (last)
		n += initial_of(last, ini + n);
	if (n == 0 || !text_utf8_valid(ini, n)) {
		ini[0] = '?';
		n = 1;
	}
	char hex[2 * sizeof(ini) + 1];
	sodium_bin2hex(hex, sizeof(hex), (const unsigned char *)ini, n);
	return arena_printf(a, "default-%s-%u.svg", hex, (unsigned)((uint64_t)u->id % PALETTE_LEN));
}

char *people_avatar_default_svg(struct arena *a, const char *name)
{
	if (strncmp(name, "default-", 8) != 0)
		return NULL;
	const char *hex = name + 8, *dash = strchr(hex, '-');
	size_t hn = dash ? (size_t)(dash - hex) : 0;
	unsigned char ini[8];
	size_t n = 0;
	if (!dash || hn == 0 || hn > 2 * sizeof(ini) || hn % 2 || !all_hex(hex, hn) ||
	    sodium_hex2bin(ini, sizeof(ini), hex, hn, NULL, &n, NULL) != 0 ||
	    !text_utf8_valid((const char *)ini, n))
		return NULL;
	const char *c = dash + 1;
	if (c[0] < '0' || (size_t)(c[0] - '0') >= PALETTE_LEN || strcmp(c + 1, ".svg") != 0)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (ini[i] < 0x20 || ini[i] == 0x7f)
			return NULL;
	const char *text = text_html_escape(a, (const char *)ini, n);
	return arena_printf(
	    a,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"400\" height=\"400\""
	    " viewBox=\"0 0 400 400\"><rect width=\"400\" height=\"400\" fill=\"%s\"/>"
	    "<text x=\"200\" y=\"200\" dy=\"0.35em\" text-anchor=\"middle\""
	    " font-family=\"sans-serif\" font-size=\"160\" fill=\"#ffffff\">%s</text></svg>",
	    palette[c[0] - '0'], text);
}

const char *people_header_default_svg(void)
{
	return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1500\" height=\"500\""
	       " viewBox=\"0 0 1500 500\"><defs><linearGradient id=\"g\" x1=\"0\" x2=\"1\">"
	       "<stop offset=\"0\" stop-color=\"#6f4e37\"/><stop offset=\"1\""
	       " stop-color=\"#c8a27a\"/></linearGradient></defs>"
	       "<rect width=\"1500\" height=\"500\" fill=\"url(#g)\"/></svg>";
}
