/*
 * api: the HTTP API — Mastodon's client API (/api/v1, /api/v2, /oauth)
 * and Moka's own (/api/moka/v1). Each api_<area>.c owns a route table and
 * registers it here; handlers validate, call one domain function, and
 * write JSON.
 */
#ifndef MOKA_API_H
#define MOKA_API_H

#include <stdint.h>

/* Registers every route table with the http layer. */
void api_register_all(void);

struct http_request;
struct posts_draft;

/* The body of every 404: unknown ids and what the viewer may not see
 * read the same (Mastodon's wording). */
#define NOT_FOUND "Record not found"

/* The id in path parameter name, or 0 after a 404 response (a malformed
 * id is as unknown as a missing one). */
int64_t api_path_id(struct http_request *req, const char *name);
/* Reads media_ids[] (files to attach to a post, a reply or a forum topic)
 * into d. 0, or -1 after a 422 response. */
int api_param_media(struct http_request *req, struct posts_draft *d);

void api_health_register(void);
void api_auth_register(void);
void api_accounts_register(void);
void api_statuses_register(void);
void api_timelines_register(void);
void api_notifications_register(void);
void api_streaming_register(void);
void api_communities_register(void);
void api_files_register(void);
void api_questions_register(void);
void api_conversations_register(void);
void api_search_register(void);

#endif
