/*
 * http: Moka's HTTP front, over libmicrohttpd (epoll, thread pool).
 *
 * The server owns connections, limits (header memory, body size,
 * connections, idle time), body collection, parameter parsing (JSON,
 * urlencoded forms, multipart forms, query strings), routing through a
 * table, the access log, and streaming responses (Server-Sent Events).
 *
 * A handler gets a struct http_request whose arena lives until the
 * response is sent. It validates input with the http_param_* getters,
 * calls one domain function, and writes its JSON into req->out through
 * req->jw (or calls http_error). Everything a handler allocates comes from
 * req->arena.
 */
#ifndef MOKA_HTTP_H
#define MOKA_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/buf.h"
#include "json/json_writer.h"

struct MHD_Connection;
struct app;
struct http_server;
struct http_relayed;
struct http_relay;
struct http_request;

typedef void (*http_handler)(struct http_request *req);

/* Route flags. */
enum {
	ROUTE_AUTH = 1 << 0,	    /* a signed-in viewer is required (401 otherwise) */
	ROUTE_UPLOAD = 1 << 1,	    /* body may be up to max_upload_bytes (multipart) */
	ROUTE_NO_CSRF = 1 << 2,	    /* cookie-authenticated writes allowed without CSRF token */
	ROUTE_RAW_BODY = 1 << 3,    /* do not parse the body into parameters */
	ROUTE_STREAM_BODY = 1 << 4, /* the body streams to a sink (http_upload_register) */
};

struct route {
	const char *method;  /* "GET", "POST", ... ; GET routes also answer HEAD */
	const char *pattern; /* "/api/v1/statuses/:id" — ":name" matches one segment */
	http_handler handler;
	unsigned flags;
	const char *scope; /* OAuth scope needed for token access: "read", "write", "follow",
			      "admin" or NULL */
};

/* One parsed body or form field. */
struct http_param {
	const char *key;
	char *value;
	size_t len;
	const char *filename;	  /* multipart file parts */
	const char *content_type; /* multipart file parts */
	struct http_param *next;
};

enum http_auth_via { AUTH_NONE, AUTH_TOKEN, AUTH_COOKIE };

#define HTTP_MAX_PATH_PARAMS 4
#define HTTP_MAX_HEADERS 16

struct http_request {
	struct app *app;
	struct arena *arena;
	struct MHD_Connection *conn;  /* NULL for a request from a stream relay */
	struct http_relayed *relayed; /* its headers and query (http_relay.c), else NULL */
	const char *method;
	const char *path;
	const char *remote_ip;
	int64_t started_us;

	/* Path parameters, in pattern order. */
	const char *path_params[HTTP_MAX_PATH_PARAMS];
	const char *path_names[HTTP_MAX_PATH_PARAMS];
	int n_path_params;
	const struct route *route;

	/* Body and parameters. */
	struct buf body;
	bool body_too_large;
	json_t *json;		   /* parsed JSON object body, or NULL */
	struct http_param *params; /* form / multipart fields, or NULL */

	/* Who is asking (set by the authenticator). */
	int64_t viewer; /* user id, 0 when anonymous */
	enum http_auth_via auth_via;
	int64_t auth_id;	 /* token or session row id */
	int64_t auth_app_id;	 /* OAuth app of the token, 0 if none */
	const char *auth_scopes; /* granted scopes of the token, space-separated */
	const char *csrf_token;	 /* the session's CSRF token (cookie sign-in) */
	bool viewer_admin;

	/* Response. */
	int status;
	struct buf out;
	struct jw jw;
	const char *content_type;
	const char *headers[HTTP_MAX_HEADERS][2];
	int n_headers;
	bool responded;
	void *stream;			   /* set by http_stream_start */
	const char *file_path;		   /* set by http_send_file */
	uint64_t file_offset, file_length; /* http_send_file_range; length 0: to the end */
	struct http_upload *upload;	   /* a streamed body (http_upload.c) */
	uint64_t bytes_out;		   /* body bytes sent, for the access log */
	char *kept; /* a held-open stream's method, path and address (the arena is freed) */
};

/* The authenticator fills viewer/auth_* from the request's credentials.
 * It returns 0 when the request may go on (anonymous included), or -1
 * after setting an error response (bad, expired or revoked credentials,
 * missing CSRF token on a cookie-authenticated write). */
typedef int (*http_authenticator)(struct http_request *req);

struct http_limits {
	unsigned threads;
	unsigned max_connections;
	unsigned max_connections_per_ip;
	size_t max_header_bytes;
	size_t max_body_bytes;
	size_t max_upload_bytes;
	unsigned idle_timeout_s;
	unsigned shed_queue_ms; /* overload: queue time above which requests get 503 (0: never) */
};

/* Starts listening on "HOST:PORT" ("[::1]:8080" for IPv6). NULL on failure
 * (logged). The routes array must outlive the server. */
struct http_server *http_server_start(struct app *app, const char *listen,
				      const struct http_limits *lim, http_authenticator auth);
/* Stops accepting, waits up to grace_s for in-flight requests, then stops. */
void http_server_stop(struct http_server *s, unsigned grace_s);
/* The port actually bound (useful with port 0). */
unsigned http_server_port(const struct http_server *s);
/* Requests being handled right now (not counting idle streams). */
unsigned http_server_inflight(const struct http_server *s);

/* Stream relays (http_relay.c, http_relay.h): live streams served on
 * listen ("HOST:PORT") by n relay processes, each holding its own share of
 * the sockets. NULL on failure (logged). */
struct http_relay *http_relay_start(struct http_server *s, const char *listen, unsigned n,
				    unsigned head_timeout_s);
/* The port actually bound. */
unsigned http_relay_port(const struct http_relay *r);
/* Ends the relays' streams and the relays; call after hub_end_streams. */
void http_relay_stop(struct http_relay *r);

/* Adds routes; call before http_server_start. */
void http_routes_add(const struct route *routes, size_t n);
void http_routes_clear(void);
/* The route for GET/HEAD requests whose path matches no route at all (the
 * web app's files and client-side paths); NULL for none (404). */
void http_routes_fallback(const struct route *r);

/* --- Reading the request ---------------------------------------------- */

const char *http_header(struct http_request *req, const char *name);
const char *http_query(struct http_request *req, const char *name);
const char *http_cookie(struct http_request *req, const char *name);
/* A path parameter by name (":id" → "id"); never NULL inside a matched route. */
const char *http_path_param(struct http_request *req, const char *name);

/*
 * Typed parameters, looked up in the JSON body, then form fields, then the
 * query string. Each returns 1 when present and valid (value in *out),
 * 0 when absent, and -1 when present but invalid — in which case a 422
 * error naming the field has been set and the handler must return.
 */
int http_param_str(struct http_request *req, const char *name, size_t max_bytes, const char **out);
int http_param_bool(struct http_request *req, const char *name, bool *out);
int http_param_int(struct http_request *req, const char *name, int64_t min, int64_t max,
		   int64_t *out);
/* Arrays: JSON arrays of strings, repeated form fields "name[]" or "name". */
int http_param_strv(struct http_request *req, const char *name, size_t max_items, size_t max_bytes,
		    const char ***out, size_t *n);
/* A multipart file part, or NULL. */
const struct http_param *http_param_file(struct http_request *req, const char *name);
/* Required string: like http_param_str, but absent also sets 422 and returns -1. */
int http_param_require(struct http_request *req, const char *name, size_t max_bytes,
		       const char **out);
/* Parses a decimal id; 0 if not a positive integer. */
int64_t http_parse_id(const char *s);

/* --- Writing the response --------------------------------------------- */

/* Sets a JSON error {"error": msg} with the status. Returns -1 for chaining. */
int http_error(struct http_request *req, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Marks req->out (written through req->jw) as the JSON response. */
void http_json(struct http_request *req, int status);
/* Replaces the body with raw bytes of the given content type. */
void http_body(struct http_request *req, int status, const char *content_type, const char *data,
	       size_t len);
/* Sends a file from disk (the path is copied into the arena). */
void http_send_file(struct http_request *req, int status, const char *content_type,
		    const char *path);
/* Sends length bytes of a file from offset (a 206 answer to a Range). */
void http_send_file_range(struct http_request *req, int status, const char *content_type,
			  const char *path, uint64_t offset, uint64_t length);
void http_set_header(struct http_request *req, const char *name, const char *value);
void http_redirect(struct http_request *req, int status, const char *location);

/* --- Streaming responses (Server-Sent Events) ------------------------- */

/*
 * A stream source produces bytes on demand. read() copies up to max bytes
 * into dst and returns their count; 0 when nothing is ready (the
 * connection is suspended until http_stream_wake); -1 to end the stream.
 * done() is called once when the client goes away or the stream ends; the
 * source must not touch the stream after done() returns.
 */
struct http_stream_ops {
	long (*read)(void *ctx, char *dst, size_t max);
	void (*done)(void *ctx);
};

struct http_stream;

/* Turns this request's response into a stream. Returns the stream handle. */
struct http_stream *http_stream_start(struct http_request *req, const char *content_type,
				      const struct http_stream_ops *ops, void *ctx);
/* Resumes a suspended stream so read() is called again. Thread-safe; a
 * no-op if the stream is not suspended. Call with the source's data ready. */
void http_stream_wake(struct http_stream *st);
/* Wakes n streams (the array is reordered), grouped by the server thread
 * that serves them: libmicrohttpd handles a burst of resumptions for one
 * thread far more cheaply than the same ones interleaved across threads. */
void http_stream_wake_many(struct http_stream **v, size_t n);

/* Whether an Accept-Encoding header accepts the coding (q=0 refuses it). */
bool http_accepts_coding(const char *header, const char *coding);

/* --- Streamed request bodies (http_upload.c) ---------------------------- */

/*
 * Where the body of a ROUTE_STREAM_BODY route goes, instead of memory.
 * open() runs once the headers are in and the viewer is authenticated,
 * before any body byte (req->viewer is set): it returns the sink's
 * context, or NULL after setting an error response (the request is then
 * answered at once). write() gets the body's bytes as they arrive — a raw
 * body whole, or the first file part of a multipart/form-data body (the
 * other fields land in the request's parameters); finish() runs when the
 * body is complete. Both return 0, or -1 after setting an error response.
 * close() runs once when the request ends, whatever happened. Then the
 * handler runs, with http_upload_ctx() giving the sink's context.
 */
struct http_body_sink {
	void *(*open)(struct http_request *req);
	int (*write)(void *ctx, struct http_request *req, const char *data, size_t n);
	int (*finish)(void *ctx, struct http_request *req);
	void (*close)(void *ctx);
};

/* Gives handler's streamed bodies to sink (call before the server starts). */
void http_upload_register(http_handler handler, const struct http_body_sink *sink);
/* The sink's context of this request, or NULL. */
void *http_upload_ctx(struct http_request *req);
/* The multipart file part streamed to the sink (key, filename,
 * content_type, len), or NULL for a raw body. */
const struct http_param *http_upload_file(struct http_request *req);

#endif
