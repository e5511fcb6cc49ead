/*
 * web: the web app's files over HTTP. See web.h for what is served where.
 *
 * Every file is looked up under web_dir() with a name checked against a
 * strict alphabet (no "..", no hidden files), so a request can never name
 * a file outside the app. The build writes NAME.br and NAME.gz beside each
 * text file; the best one the client accepts is sent with
 * Content-Encoding and Vary: Accept-Encoding.
 */
#include "web/web.h"
#include "app/app.h"
#include "core/config.h"
#include "core/xmalloc.h"
#include "http/http.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Paths that belong to the server: never answered with the app. */
static const char *const server_prefixes[] = {
    "/api", "/oauth", "/auth", "/avatars", "/headers", "/health", "/nodeinfo", "/.well-known",
};

static const char csp[] = "default-src 'self'; script-src 'self'; style-src 'self'; "
			  "img-src 'self' data: blob:; connect-src 'self'; "
			  "manifest-src 'self'; worker-src 'self'; frame-ancestors 'none'; "
			  "base-uri 'none'; form-action 'self'; object-src 'none'";

static const struct {
	const char *ext, *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".webmanifest", "application/manifest+json"},
    {".json", "application/json; charset=utf-8"},
    {".txt", "text/plain; charset=utf-8"},
};

static pthread_mutex_t dir_lock = PTHREAD_MUTEX_INITIALIZER;
static char *dir_resolved;

static bool has_index(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;
	int n = snprintf(path, sizeof(path), "%s/index.html", dir);
	return n > 0 && (size_t)n < sizeof(path) && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static char *resolve_dir(const struct config *cfg)
{
	if (cfg->web_dir && *cfg->web_dir)
		return xstrdup(cfg->web_dir);
	char exe[PATH_MAX], dir[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			int len = snprintf(dir, sizeof(dir), "%s/web", exe);
			if (len > 0 && (size_t)len < sizeof(dir) && has_index(dir))
				return xstrdup(dir);
			len = snprintf(dir, sizeof(dir), "%s/../build/web", exe);
			if (len > 0 && (size_t)len < sizeof(dir) && has_index(dir))
				return xstrdup(dir);
		}
	}
	return xstrdup("build/web");
}

const char *web_dir(const struct config *cfg)
{
	pthread_mutex_lock(&dir_lock);
	if (!dir_resolved)
		dir_resolved = resolve_dir(cfg);
	const char *d = dir_resolved;
	pthread_mutex_unlock(&dir_lock);
	return d;
}

static bool server_path(const char *path)
{
	for (size_t i = 0; i < sizeof(server_prefixes) / sizeof(server_prefixes[0]); i++) {
		size_t n = strlen(server_prefixes[i]);
		if (strncmp(path, server_prefixes[i], n) == 0 &&
		    (path[n] == '\0' || path[n] == '/'))
			return true;
	}
	return false;
}

/* An asset name: [A-Za-z0-9._-], not starting with '.', at most 128 bytes. */
static bool asset_name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 128 || name[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static const char *content_type(const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		size_t e = strlen(types[i].ext);
		if (n > e && strcmp(name + n - e, types[i].ext) == 0)
			return types[i].type;
	}
	return "application/octet-stream";
}

/* Whether If-None-Match names the ETag (or is "*"). */
static bool etag_matches(const char *inm, const char *etag)
{
	if (!inm)
		return false;
	if (strcmp(inm, "*") == 0)
		return true;
	size_t n = strlen(etag);
	for (const char *p = strstr(inm, etag); p; p = strstr(p + 1, etag))
		if (p[n] == '\0' || p[n] == ',' || p[n] == ' ')
			return true;
	return false;
}

/* Finds the best variant of DIR/REL for the client: REL.br, REL.gz or REL.
 * Returns its path, with *encoding NULL for the plain file. */
static const char *pick_variant(struct http_request *req, const char *dir, const char *rel,
				const char **encoding, struct stat *st)
{
	static const struct {
		const char *coding, *suffix;
	} codings[] = {{"br", ".br"}, {"gzip", ".gz"}};
	const char *ae = http_header(req, "Accept-Encoding");
	for (size_t i = 0; ae && i < sizeof(codings) / sizeof(codings[0]); i++) {
		if (!http_accepts_coding(ae, codings[i].coding))
			continue;
		const char *path = arena_printf(req->arena, "%s/%s%s", dir, rel, codings[i].suffix);
		if (stat(path, st) == 0 && S_ISREG(st->st_mode)) {
			*encoding = codings[i].coding;
			return path;
		}
	}
	*encoding = NULL;
	const char *path = arena_printf(req->arena, "%s/%s", dir, rel);
	if (stat(path, st) == 0 && S_ISREG(st->st_mode))
		return path;
	return NULL;
}

enum cache { CACHE_IMMUTABLE, CACHE_REVALIDATE };

static void serve(struct http_request *req, const char *rel, enum cache cache, bool html)
{
	const char *encoding;
	struct stat st;
	const char *path = pick_variant(req, web_dir(req->app->cfg), rel, &encoding, &st);
	if (!path) {
		http_error(req, 404,
			   html ? "not found (the web app is not built: run make)" : "not found");
		return;
	}
	const char *type = content_type(rel);
	http_set_header(req, "Vary", "Accept-Encoding");
	if (html) {
		http_set_header(req, "Content-Security-Policy", csp);
		http_set_header(req, "Referrer-Policy", "same-origin");
		http_set_header(req, "X-Frame-Options", "DENY");
	}
	if (cache == CACHE_IMMUTABLE) {
		http_set_header(req, "Cache-Control", "public, max-age=31536000, immutable");
	} else {
		const char *etag =
		    arena_printf(req->arena, "\"%llx-%llx%s%s\"", (unsigned long long)st.st_size,
				 (unsigned long long)st.st_mtim.tv_sec * 1000000000ull +
				     (unsigned long long)st.st_mtim.tv_nsec,
				 encoding ? "-" : "", encoding ? encoding : "");
		http_set_header(req, "Cache-Control", "no-cache");
		http_set_header(req, "ETag", etag);
		if (etag_matches(http_header(req, "If-None-Match"), etag)) {
			http_body(req, 304, type, "", 0);
			return;
		}
	}
	if (encoding)
		http_set_header(req, "Content-Encoding", encoding);
	http_send_file(req, 200, type, path);
}

/* GET (and HEAD) of any path no API route knows. */
static void web_get(struct http_request *req)
{
	const char *path = req->path;
	if (server_path(path)) {
		http_error(req, 404, "not found");
	} else if (strncmp(path, "/assets/", 8) == 0) {
		if (asset_name_ok(path + 8))
			serve(req, path + 1, CACHE_IMMUTABLE, false);
		else
			http_error(req, 404, "not found");
	} else if (strcmp(path, "/sw.js") == 0 || strcmp(path, "/manifest.webmanifest") == 0) {
		serve(req, path + 1, CACHE_REVALIDATE, false);
	} else {
		serve(req, "index.html", CACHE_REVALIDATE, true);
	}
}

static const struct route fallback = {"GET", "/*", web_get, 0, NULL};

void web_register(void)
{
	http_routes_fallback(&fallback);
}
