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

#endif
