/* http_int: declarations shared by the http module's own files only. */
#ifndef MOKA_HTTP_INT_H
#define MOKA_HTTP_INT_H

#include "http/http.h"

#include <sys/socket.h>

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>

/* A request that came through a stream relay (http_relay.c). */
struct http_relayed {
	struct http_relay *relay;
	unsigned proc;	      /* the relay process holding the connection */
	uint64_t conn;	      /* the connection's id there */
	const char **headers; /* name, value, name, value, ... (in the arena) */
	size_t n_headers;
	struct http_param *query; /* the decoded query arguments */
};

/* A held-open response: libmicrohttpd's (conn), or a relay's (relay). */
struct http_stream {
	pthread_mutex_t lock;
	struct MHD_Connection *conn;
	const struct http_stream_ops *ops;
	void *ctx;
	bool suspended;
	bool ended;
	_Atomic uintptr_t worker; /* the MHD thread that last served it (wake grouping) */
	/* a relay's stream: all but the wake links belong to its relay thread */
	struct http_relay *relay;
	unsigned proc;
	uint64_t rconn;
	bool wake_queued; /* on the relay's wake list (guarded by its lock) */
	struct http_stream *wake_prev, *wake_next;
};

/* Requests outside libmicrohttpd (the relays'): a request with its own
 * arena, addressed by method, url (the path, query cut off) and the
 * client's address; dispatched through the route table and the
 * authenticator; freed. */
struct http_request *http_request_new(struct http_server *s, struct MHD_Connection *conn,
				      const char *url, const char *method, const char *ip);
void http_request_free(struct http_request *req);
void http_dispatch(struct http_server *s, struct http_request *req);
/* "HOST:PORT" or "[V6]:PORT" into ss; 0, or -1 when it is not one. */
int http_parse_listen(const char *listen, struct sockaddr_storage *ss, bool *v6);
/* Calls it for every query argument, in order, until it returns MHD_NO. */
void http_query_each(struct http_request *req, MHD_KeyValueIterator it, void *cls);
/* Decodes a query string (after the '?') into a list of parameters in the
 * arena, in order. */
struct http_param *http_query_parse(struct arena *a, const char *q);
/* Decodes %XX escapes of a path in place. */
void http_path_unescape(char *path);
/* The headers every response carries (Content-Type, nosniff, CORS and
 * no-store on the API, a stream's no-buffering) and the handler's own,
 * each through add(cls, name, value): libmicrohttpd's responses and the
 * relays' (http_relay.c) take them from here. */
void http_response_headers(const struct http_request *req, bool stream,
			   void (*add)(void *cls, const char *name, const char *value), void *cls);
/* Wakes a relay's stream (http_stream_wake for st->relay). */
void http_relay_wake(struct http_stream *st);

const struct route *http_route_find(struct http_request *req, bool *path_known);
const char *http_route_allowed(struct http_request *req, struct arena *a);
/* Parses req->body into req->json or req->params by Content-Type.
 * Returns 0, or -1 after setting an error response. */
int http_params_parse(struct http_request *req);
void http_params_free(struct http_request *req);
/* A new, empty form field appended to req->params (multipart parts). */
struct http_param *http_param_add(struct http_request *req, const char *key, const char *filename,
				  const char *content_type);
/* Appends size bytes to p's value (kept NUL-terminated). */
void http_param_extend(struct http_request *req, struct http_param *p, const char *data,
		       size_t size);
/* The body gzip-compressed when the response and the client allow it
 * (*len updated), else NULL. */
char *http_compress_body(const struct http_request *req, char *body, size_t *len);

/* Streamed bodies (http_upload.c): begin authenticates and opens the
 * sink (after the headers), feed passes body bytes, end finishes it (before
 * the handler); each returns 0, or -1 after setting an error response. An
 * error during the body is answered after its last byte (libmicrohttpd
 * takes a response only before or after the body): the rest is dropped.
 * free releases it with the request. */
int http_upload_begin(struct http_request *req, http_authenticator auth);
int http_upload_feed(struct http_request *req, const char *data, size_t n);
int http_upload_end(struct http_request *req);
/* Did the body fail after it began (the error waits for its end)? */
bool http_upload_failed(struct http_request *req);
void http_upload_free(struct http_request *req);

#endif
