/*
 * http_upload: request bodies streamed to a sink instead of collected in
 * memory (routes flagged ROUTE_STREAM_BODY, whose handler has a sink
 * registered with http_upload_register).
 *
 * Once the headers are in, the viewer is authenticated and the sink
 * opened, so a request that cannot succeed (signed out, over a limit) is
 * answered before its body is read. The body's bytes then go to the sink
 * as they arrive: a raw body whole; a multipart/form-data body through
 * libmicrohttpd's incremental post processor, the first file part's bytes
 * to the sink and the other (small, capped) fields into req->params. When
 * the body is complete the sink finishes, then the route's handler runs as
 * usual (auth checks included).
 */
#include "http/http_int.h"
#include "core/xmalloc.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

/* The plain fields of a streamed multipart form, all together. */
#define UPLOAD_FIELDS_MAX (64u * 1024)
#define UPLOAD_PP_BUFFER (64u * 1024)
#define UPLOAD_SINKS_MAX 16
/* A refused body up to this size is read before the answer (see begin). */
#define UPLOAD_DRAIN_MAX (8u << 20)

struct http_upload {
	const struct http_body_sink *sink;
	void *ctx;
	struct MHD_PostProcessor *pp; /* multipart bodies */
	struct http_param *file_part; /* the part going to the sink */
	struct http_param *part;      /* the part being read */
	size_t fields_bytes;
	bool failed; /* an error response is set */
};

static struct {
	http_handler handler;
	const struct http_body_sink *sink;
} sinks[UPLOAD_SINKS_MAX];
static size_t n_sinks;

void http_upload_register(http_handler handler, const struct http_body_sink *sink)
{
	for (size_t i = 0; i < n_sinks; i++)
		if (sinks[i].handler == handler)
			return;
	if (n_sinks < UPLOAD_SINKS_MAX) {
		sinks[n_sinks].handler = handler;
		sinks[n_sinks++].sink = sink;
	}
}

static const struct http_body_sink *sink_of(http_handler handler)
{
	for (size_t i = 0; i < n_sinks; i++)
		if (sinks[i].handler == handler)
			return sinks[i].sink;
	return NULL;
}

static bool is_multipart(struct http_request *req)
{
	const char *ct = http_header(req, "Content-Type");
	return ct && strncasecmp(ct, "multipart/form-data", 19) == 0;
}

static enum MHD_Result part_data(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *filename, const char *content_type,
				 const char *transfer_encoding, const char *data, uint64_t off,
				 size_t size)
{
	struct http_request *req = cls;
	struct http_upload *up = req->upload;
	(void)kind;
	(void)transfer_encoding;
	bool same = up->part && !strcmp(up->part->key, key) &&
		    (up->part->filename != NULL) == (filename != NULL);
	if (!same || (off == 0 && up->part->len > 0))
		up->part =
		    http_param_add(req, key, filename, content_type); /* file parts: no value */
	struct http_param *p = up->part;
	if (p->filename) {
		if (!up->file_part)
			up->file_part = p;
		if (p != up->file_part || !size)
			return MHD_YES; /* one file a request: others are ignored */
		if (up->sink->write(up->ctx, req, data, size) < 0) {
			up->failed = true;
			return MHD_NO;
		}
		p->len += size;
		return MHD_YES;
	}
	up->fields_bytes += size;
	if (up->fields_bytes > UPLOAD_FIELDS_MAX) {
		http_error(req, 413, "form fields too large");
		up->failed = true;
		return MHD_NO;
	}
	http_param_extend(req, p, data, size);
	return MHD_YES;
}

int http_upload_begin(struct http_request *req, http_authenticator auth)
{
	const struct http_body_sink *sink = sink_of(req->route->handler);
	if (!sink)
		return http_error(req, 500, "internal error: no body sink");
	if (auth && auth(req) < 0)
		return -1;
	if ((req->route->flags & ROUTE_AUTH) && !req->viewer) {
		http_set_header(req, "WWW-Authenticate", "Bearer");
		return http_error(req, 401, "The access token is invalid or missing");
	}
	struct http_upload *up = xcalloc(1, sizeof(*up));
	up->sink = sink;
	req->upload = up;
	if (is_multipart(req)) {
		up->pp = MHD_create_post_processor(req->conn, UPLOAD_PP_BUFFER, part_data, req);
		if (!up->pp)
			return http_error(req, 400, "malformed multipart body (no boundary)");
	}
	up->ctx = sink->open(req);
	if (up->ctx)
		return 0;
	/* Refused. A small body is read and dropped, and the answer sent after
	 * it: clients still sending when an early answer closes the connection
	 * often report a network error instead of the answer. */
	const char *cl = http_header(req, "Content-Length");
	if (cl && strtoull(cl, NULL, 10) <= UPLOAD_DRAIN_MAX) {
		up->failed = true;
		return 0;
	}
	return -1;
}

int http_upload_feed(struct http_request *req, const char *data, size_t n)
{
	struct http_upload *up = req->upload;
	if (!up->failed) {
		if (up->pp)
			up->failed = MHD_post_process(up->pp, data, n) != MHD_YES;
		else
			up->failed = up->sink->write(up->ctx, req, data, n) < 0;
	}
	if (up->failed && !req->responded)
		http_error(req, 400, "malformed multipart body");
	return up->failed ? -1 : 0;
}

int http_upload_end(struct http_request *req)
{
	struct http_upload *up = req->upload;
	if (up->failed || req->responded)
		return req->responded ? -1 : http_error(req, 500, "the upload failed");
	if (up->pp) {
		enum MHD_Result r = MHD_destroy_post_processor(up->pp);
		up->pp = NULL;
		if (r != MHD_YES)
			return http_error(req, 400, "malformed multipart body");
		if (!up->file_part)
			return http_error(req, 422, "file: expected a file part in the form");
	}
	return up->sink->finish(up->ctx, req);
}

bool http_upload_failed(struct http_request *req)
{
	return req->upload && req->upload->failed;
}

const struct http_param *http_upload_file(struct http_request *req)
{
	return req->upload ? req->upload->file_part : NULL;
}

void *http_upload_ctx(struct http_request *req)
{
	return req->upload ? req->upload->ctx : NULL;
}

void http_upload_free(struct http_request *req)
{
	struct http_upload *up = req->upload;
	if (!up)
		return;
	if (up->pp)
		MHD_destroy_post_processor(up->pp);
	if (up->ctx)
		up->sink->close(up->ctx);
	free(up);
	req->upload = NULL;
}
