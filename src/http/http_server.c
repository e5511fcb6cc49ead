/*
 * http_server: libmicrohttpd glue — connections, limits, body collection,
 * dispatch through the route table, responses, streams and the access log.
 *
 * One struct http_request lives from the first callback of a request to
 * MHD's completion callback; its arena is freed there.
 */
#include "http/http_int.h"
#include "http/http_shed.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/xmalloc.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

struct http_server {
	struct MHD_Daemon *d;
	struct app *app;
	struct http_limits lim;
	http_authenticator auth;
	_Atomic unsigned inflight;
	unsigned port;
};

/* --- requests ----------------------------------------------------------- */

struct http_request *http_request_new(struct http_server *s, struct MHD_Connection *conn,
				      const char *url, const char *method, const char *ip)
{
	struct http_request *req = xcalloc(1, sizeof(*req));
	req->app = s->app;
	req->arena = arena_new();
	req->conn = conn;
	req->method = arena_strdup(req->arena, method);
	req->path = arena_strdup(req->arena, url);
	req->started_us = clock_mono_us();
	req->status = 200;
	buf_init(&req->body, s->lim.max_body_bytes);
	buf_init(&req->out, 64u << 20);
	jw_init(&req->jw, &req->out);
	char text[INET6_ADDRSTRLEN] = "-";
	const union MHD_ConnectionInfo *ci =
	    conn ? MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS) : NULL;
	if (ci && ci->client_addr) {
		if (ci->client_addr->sa_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)ci->client_addr)->sin_addr, text,
				  sizeof(text));
		else if (ci->client_addr->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)ci->client_addr)->sin6_addr,
				  text, sizeof(text));
	}
	req->remote_ip = arena_strdup(req->arena, ip ? ip : text);
	return req;
}

void http_request_free(struct http_request *req)
{
	free(req->kept);
	http_upload_free(req);
	http_params_free(req);
	buf_free(&req->body);
	buf_free(&req->out);
	arena_free(req->arena);
	free(req);
}

const char *http_header(struct http_request *req, const char *name)
{
	if (!req->relayed)
		return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
	const struct http_relayed *rd = req->relayed;
	for (size_t i = 0; i < rd->n_headers; i++)
		if (strcasecmp(rd->headers[2 * i], name) == 0)
			return rd->headers[2 * i + 1];
	return NULL;
}

const char *http_query(struct http_request *req, const char *name)
{
	if (!req->relayed)
		return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
	for (const struct http_param *p = req->relayed->query; p; p = p->next)
		if (strcmp(p->key, name) == 0)
			return p->value;
	return NULL;
}

void http_query_each(struct http_request *req, MHD_KeyValueIterator it, void *cls)
{
	if (!req->relayed) {
		MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, it, cls);
		return;
	}
	for (const struct http_param *p = req->relayed->query; p; p = p->next)
		if (it(cls, MHD_GET_ARGUMENT_KIND, p->key, p->value) != MHD_YES)
			return;
}

/* A relayed request's cookie: name=value in its "a=1; b=2" Cookie header. */
static const char *relayed_cookie(struct http_request *req, const char *name)
{
	const char *h = http_header(req, "Cookie");
	size_t n = strlen(name);
	while (h && *h) {
		while (*h == ' ' || *h == ';')
			h++;
		const char *end = strchrnul(h, ';');
		if ((size_t)(end - h) > n && strncmp(h, name, n) == 0 && h[n] == '=')
			return arena_strndup(req->arena, h + n + 1, (size_t)(end - h) - n - 1);
		h = end;
	}
	return NULL;
}

const char *http_cookie(struct http_request *req, const char *name)
{
	if (req->relayed)
		return relayed_cookie(req, name);
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

/* --- responses ---------------------------------------------------------- */

int http_error(struct http_request *req, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = arena_vprintf(req->arena, fmt, ap);
	va_end(ap);
	buf_reset(&req->out);
	jw_init(&req->jw, &req->out);
	jw_obj_begin(&req->jw);
	jw_kstr(&req->jw, "error", msg);
	jw_obj_end(&req->jw);
	req->status = status;
	req->content_type = NULL;
	req->stream = NULL;
	req->file_path = NULL;
	req->responded = true;
	return -1;
}

void http_json(struct http_request *req, int status)
{
	req->status = status;
	req->content_type = NULL;
	req->responded = true;
}

void http_body(struct http_request *req, int status, const char *content_type, const char *data,
	       size_t len)
{
	buf_reset(&req->out);
	buf_append(&req->out, data, len);
	req->status = status;
	req->content_type = arena_strdup(req->arena, content_type);
	req->responded = true;
}

void http_send_file(struct http_request *req, int status, const char *content_type,
		    const char *path)
{
	req->status = status;
	req->content_type = arena_strdup(req->arena, content_type);
	req->file_path = arena_strdup(req->arena, path);
	req->responded = true;
}

void http_send_file_range(struct http_request *req, int status, const char *content_type,
			  const char *path, uint64_t offset, uint64_t length)
{
	http_send_file(req, status, content_type, path);
	req->file_offset = offset;
	req->file_length = length;
}

void http_set_header(struct http_request *req, const char *name, const char *value)
{
	if (req->n_headers >= HTTP_MAX_HEADERS)
		return;
	req->headers[req->n_headers][0] = arena_strdup(req->arena, name);
	req->headers[req->n_headers][1] = arena_strdup(req->arena, value);
	req->n_headers++;
}

void http_redirect(struct http_request *req, int status, const char *location)
{
	http_set_header(req, "Location", location);
	http_body(req, status, "text/plain; charset=utf-8", "", 0);
}

/* --- streams ------------------------------------------------------------ */

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct http_stream *st = cls;
	pthread_mutex_lock(&st->lock);
	atomic_store_explicit(&st->worker, (uintptr_t)pthread_self(), memory_order_relaxed);
	long n = st->ended ? -1 : st->ops->read(st->ctx, buf, max);
	if (n == 0) {
		st->suspended = true;
		MHD_suspend_connection(st->conn);
	}
	pthread_mutex_unlock(&st->lock);
	if (n < 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	return n;
}

static void stream_free(void *cls)
{
	struct http_stream *st = cls;
	st->ops->done(st->ctx);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

struct http_stream *http_stream_start(struct http_request *req, const char *content_type,
				      const struct http_stream_ops *ops, void *ctx)
{
	struct http_stream *st = xcalloc(1, sizeof(*st));
	pthread_mutex_init(&st->lock, NULL);
	st->conn = req->conn;
	st->ops = ops;
	st->ctx = ctx;
	if (req->relayed) {
		st->relay = req->relayed->relay;
		st->proc = req->relayed->proc;
		st->rconn = req->relayed->conn;
	}
	req->stream = st;
	req->status = 200;
	req->content_type = arena_strdup(req->arena, content_type);
	req->responded = true;
	return st;
}

void http_stream_wake(struct http_stream *st)
{
	if (st->relay) {
		http_relay_wake(st);
		return;
	}
	pthread_mutex_lock(&st->lock);
	if (st->suspended) {
		st->suspended = false;
		MHD_resume_connection(st->conn);
	}
	pthread_mutex_unlock(&st->lock);
}

static int by_worker(const void *a, const void *b)
{
	uintptr_t x =
	    atomic_load_explicit(&(*(struct http_stream *const *)a)->worker, memory_order_relaxed);
	uintptr_t y =
	    atomic_load_explicit(&(*(struct http_stream *const *)b)->worker, memory_order_relaxed);
	return x < y ? -1 : x > y;
}

void http_stream_wake_many(struct http_stream **v, size_t n)
{
	if (n > 1) /* v may be NULL when n is 0: qsort must not see it */
		qsort(v, n, sizeof(*v), by_worker);
	for (size_t i = 0; i < n; i++)
		http_stream_wake(v[i]);
}

/* A held-open stream keeps its request until the client leaves, and there
 * may be tens of thousands: once its response is queued, keep only what
 * the access log and shedding read (method, path, address, viewer) and
 * free the arena's 8 KiB block, the parameters and the buffers. */
static void request_shrink_for_stream(struct http_request *req)
{
	size_t m = strlen(req->method) + 1, p = strlen(req->path) + 1,
	       r = strlen(req->remote_ip) + 1;
	char *kept = xmalloc(m + p + r);
	memcpy(kept, req->method, m);
	memcpy(kept + m, req->path, p);
	memcpy(kept + m + p, req->remote_ip, r);
	http_params_free(req);
	buf_free(&req->body);
	buf_free(&req->out);
	arena_free(req->arena);
	req->arena = NULL;
	req->kept = kept;
	req->method = kept;
	req->path = kept + m;
	req->remote_ip = kept + m + p;
	/* everything else that pointed into the arena */
	memset(req->path_params, 0, sizeof(req->path_params));
	memset(req->path_names, 0, sizeof(req->path_names));
	req->n_path_params = 0;
	req->params = NULL;
	req->auth_scopes = NULL;
	req->csrf_token = NULL;
	req->content_type = NULL;
	memset(req->headers, 0, sizeof(req->headers));
	req->n_headers = 0;
}

/* --- dispatch ----------------------------------------------------------- */

static bool scope_allows(const char *granted, const char *needed)
{
	if (!needed)
		return true;
	if (!granted)
		return false;
	size_t n = strlen(needed);
	const char *p = granted;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *e = strchrnul(p, ' ');
		size_t len = (size_t)(e - p);
		/* "read" grants "read"; "read:x" counts as its parent (lenient). */
		if ((len == n && memcmp(p, needed, n) == 0) ||
		    (len > n && memcmp(p, needed, n) == 0 && p[n] == ':'))
			return true;
		/* Mastodon's legacy "follow" scope is part of write for follow routes. */
		if (strcmp(needed, "follow") == 0 && len == 5 && memcmp(p, "write", 5) == 0)
			return true;
		p = e;
	}
	return false;
}

void http_dispatch(struct http_server *s, struct http_request *req)
{
	if (strcmp(req->method, "OPTIONS") == 0) {
		http_set_header(req, "Access-Control-Allow-Methods",
				"GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
		http_set_header(req, "Access-Control-Allow-Headers",
				"Authorization, Content-Type, Idempotency-Key");
		http_set_header(req, "Access-Control-Max-Age", "86400");
		http_body(req, 204, "text/plain", "", 0);
		return;
	}
	const struct route *r = req->route;
	if (!r) {
		bool known;
		r = http_route_find(req, &known);
		if (!r) {
			if (known) {
				http_set_header(req, "Allow", http_route_allowed(req, req->arena));
				http_error(req, 405, "method %s not allowed here", req->method);
			} else {
				http_error(req, 404, "not found");
			}
			return;
		}
		req->route = r;
	}
	if (req->body_too_large) {
		http_error(req, 413, "request body too large");
		return;
	}
	if (req->upload && http_upload_end(req) < 0)
		return;
	if (!(r->flags & (ROUTE_RAW_BODY | ROUTE_STREAM_BODY)) && http_params_parse(req) < 0)
		return;
	if (s->auth && s->auth(req) < 0)
		return;
	if ((r->flags & ROUTE_AUTH) && !req->viewer) {
		http_set_header(req, "WWW-Authenticate", "Bearer");
		http_error(req, 401, "The access token is invalid or missing");
		return;
	}
	if (req->auth_via == AUTH_TOKEN && !scope_allows(req->auth_scopes, r->scope)) {
		http_error(req, 403, "This action is outside the authorized scopes");
		return;
	}
	r->handler(req);
	if (!req->responded)
		http_error(req, 500, "internal error: no response");
}

void http_response_headers(const struct http_request *req, bool stream,
			   void (*add)(void *cls, const char *name, const char *value), void *cls)
{
	add(cls, "Content-Type",
	    req->content_type ? req->content_type : "application/json; charset=utf-8");
	add(cls, "X-Content-Type-Options", "nosniff");
	if (stream) {
		add(cls, "Cache-Control", "no-store");
		add(cls, "X-Accel-Buffering", "no");
	}
	if (strncmp(req->path, "/api/", 5) == 0 || strncmp(req->path, "/oauth/", 7) == 0 ||
	    strncmp(req->path, "/auth/", 6) == 0 || strcmp(req->path, "/health") == 0) {
		add(cls, "Access-Control-Allow-Origin", "*");
		add(cls, "Access-Control-Expose-Headers", "Link, Retry-After");
		if (!stream)
			add(cls, "Cache-Control", "no-store");
	}
	for (int i = 0; i < req->n_headers; i++)
		add(cls, req->headers[i][0], req->headers[i][1]);
}

static void add_header(void *resp, const char *name, const char *value)
{
	MHD_add_response_header(resp, name, value);
}

static enum MHD_Result queue(struct http_server *s, struct http_request *req)
{
	struct MHD_Response *resp;
	if (req->stream) {
		/* MHD allocates the block size with every response and chunked
		 * streams never use it: keep it small (an idle stream's memory) */
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 512, stream_read,
							 req->stream, stream_free);
		atomic_fetch_sub(&s->inflight, 1); /* a held-open stream is not in flight */
		req->stream = (void *)1;	   /* mark: counted out */
	} else if (req->file_path) {
		int fd = open(req->file_path, O_RDONLY | O_CLOEXEC);
		struct stat sb;
		if (fd < 0 || fstat(fd, &sb) < 0) {
			if (fd >= 0)
				close(fd);
			req->file_path = NULL;
			http_error(req, 404, "not found");
			return queue(s, req);
		}
		uint64_t size = (uint64_t)sb.st_size, off = req->file_offset;
		uint64_t len = off > size ? 0 : size - off;
		if (req->file_length && req->file_length < len)
			len = req->file_length;
		resp = MHD_create_response_from_fd_at_offset64(len, fd, off);
	} else {
		size_t len;
		char *body = buf_detach(&req->out, &len);
		char *packed = http_compress_body(req, body, &len);
		if (packed) {
			free(body);
			body = packed;
		}
		req->bytes_out = len;
		resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
		if (resp && packed)
			MHD_add_response_header(resp, "Content-Encoding", "gzip");
		if (resp && (packed || !req->content_type))
			MHD_add_response_header(resp, "Vary", "Accept-Encoding");
	}
	if (!resp)
		return MHD_NO;
	http_response_headers(req, req->stream != NULL, add_header, resp);
	enum MHD_Result r = MHD_queue_response(req->conn, (unsigned)req->status, resp);
	MHD_destroy_response(resp);
	if (req->stream == (void *)1 && r == MHD_YES)
		request_shrink_for_stream(req);
	return r;
}

/* Overload (http_shed.c): answers 503 at once when the worker's queue is
 * too long. True when it did. */
static bool shed(struct http_server *s, struct http_request *req)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (!http_shed_begin(ci ? ci->connect_fd : -1, (uint64_t)s->lim.shed_queue_ms * 1000,
			     req->path, req->method))
		return false;
	http_set_header(req, "Retry-After", "1");
	http_error(req, 503, "the server is busy: retry in a second");
	return true;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	struct http_server *s = cls;
	struct http_request *req = *con_cls;
	if (!req) {
		req = http_request_new(s, conn, url, method, NULL);
		*con_cls = req;
		atomic_fetch_add(&s->inflight, 1);
		if (shed(s, req))
			return queue(s, req);
		const char *cl = http_header(req, "Content-Length");
		const char *te = http_header(req, "Transfer-Encoding");
		if (cl && te) {
			http_error(req, 400,
				   "ambiguous framing: Content-Length with Transfer-Encoding");
			return queue(s, req);
		}
		bool known;
		req->route = http_route_find(req, &known);
		if (req->route && (req->route->flags & ROUTE_STREAM_BODY))
			return http_upload_begin(req, s->auth) < 0 ? queue(s, req) : MHD_YES;
		if (req->route && (req->route->flags & ROUTE_UPLOAD))
			req->body.max = s->lim.max_upload_bytes;
		if (cl && strtoull(cl, NULL, 10) > req->body.max) {
			http_error(req, 413, "request body too large (at most %zu bytes)",
				   req->body.max);
			return queue(s, req);
		}
		return MHD_YES;
	}
	if (*upload_data_size && req->upload) { /* a streamed body (http_upload.c) */
		if (!req->responded)		/* after a failure, the rest is read and dropped */
			http_upload_feed(req, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (req->upload && http_upload_failed(req))
		return queue(s, req); /* MHD answers only before or after the body */
	if (*upload_data_size) {
		if (!req->responded && !req->body_too_large &&
		    buf_append(&req->body, upload_data, *upload_data_size) < 0)
			req->body_too_large = true;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (req->responded)
		return MHD_YES; /* an early response is already queued */
	bool timed = http_shed_timed();
	uint64_t cpu = timed ? http_shed_clock() : 0;
	http_dispatch(s, req);
	enum MHD_Result r = queue(s, req);
	if (timed)
		http_shed_end(req->path, http_shed_clock() - cpu);
	return r;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct http_server *s = cls;
	struct http_request *req = *con_cls;
	if (!req)
		return;
	log_access(req->remote_ip, req->method, req->path, req->status, req->bytes_out,
		   clock_mono_us() - req->started_us, req->viewer);
	if (req->stream != (void *)1)
		atomic_fetch_sub(&s->inflight, 1);
	http_request_free(req);
	*con_cls = NULL;
}

/* --- lifecycle ---------------------------------------------------------- */

int http_parse_listen(const char *listen, struct sockaddr_storage *ss, bool *v6)
{
	char host[256];
	const char *colon = strrchr(listen, ':');
	if (!colon || (size_t)(colon - listen) >= sizeof(host))
		return -1;
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535)
		return -1;
	memset(ss, 0, sizeof(*ss));
	size_t hl = strlen(host);
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		*v6 = true;
		return inet_pton(AF_INET6, host + 1, &a->sin6_addr) == 1 ? 0 : -1;
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	*v6 = false;
	if (!*host || strcmp(host, "localhost") == 0)
		return inet_pton(AF_INET, "127.0.0.1", &a->sin_addr) == 1 ? 0 : -1;
	return inet_pton(AF_INET, host, &a->sin_addr) == 1 ? 0 : -1;
}

__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	log_warn("http: %s", msg);
}

struct http_server *http_server_start(struct app *app, const char *listen,
				      const struct http_limits *lim, http_authenticator auth)
{
	struct sockaddr_storage ss;
	bool v6;
	if (http_parse_listen(listen, &ss, &v6) < 0) {
		log_error("bad listen address '%s' (expected HOST:PORT or [V6]:PORT)", listen);
		return NULL;
	}
	struct http_server *s = xcalloc(1, sizeof(*s));
	s->app = app;
	s->lim = *lim;
	s->auth = auth;
	/* No MHD_OPTION_LISTENING_ADDRESS_REUSE: left out, libmicrohttpd sets
	 * SO_REUSEADDR alone, so a restart binds while the last run's
	 * connections sit in TIME_WAIT, and a second listener on the same
	 * port still fails (no SO_REUSEPORT). Set to 0 it would drop
	 * SO_REUSEADDR too. */
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC |
			 MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0);
	s->d = MHD_start_daemon(
	    flags, 0, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE,
	    (unsigned)(lim->threads ? lim->threads : 4), MHD_OPTION_CONNECTION_LIMIT,
	    lim->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT, lim->max_connections_per_ip,
	    MHD_OPTION_CONNECTION_TIMEOUT, lim->idle_timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    lim->max_header_bytes, MHD_OPTION_LISTEN_BACKLOG_SIZE, 4096,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_END);
	if (!s->d) {
		log_error("cannot listen on %s", listen);
		free(s);
		return NULL;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : 0;
	return s;
}

unsigned http_server_port(const struct http_server *s)
{
	return s->port;
}

unsigned http_server_inflight(const struct http_server *s)
{
	return atomic_load(&((struct http_server *)s)->inflight);
}

void http_server_stop(struct http_server *s, unsigned grace_s)
{
	if (!s)
		return;
	MHD_quiesce_daemon(s->d);
	int64_t deadline = clock_mono_us() + (int64_t)grace_s * 1000000;
	while (atomic_load(&s->inflight) > 0 && clock_mono_us() < deadline)
		usleep(10000);
	MHD_stop_daemon(s->d);
	free(s);
}
