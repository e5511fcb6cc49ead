/* http_int: declarations shared by the http module's own files only. */
#ifndef MOKA_HTTP_INT_H
#define MOKA_HTTP_INT_H

#include "http/http.h"

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
