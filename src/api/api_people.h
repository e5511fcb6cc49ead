/*
 * api_people: what the people API files share (api_accounts.c,
 * api_profiles.c, api_network.c) — their route tables' registration, and
 * helpers for account ids, pagination and mapping domain results.
 */
#ifndef MOKA_API_PEOPLE_H
#define MOKA_API_PEOPLE_H

#include <stddef.h>
#include <stdint.h>

#include "people/people.h"

struct http_request;

/* Called by api_accounts_register(). */
void api_profiles_register(void);
void api_network_register(void);

/* The active person named by the path parameter name ("id"), as an id;
 * 0 after answering 404 when unknown, deactivated or not an id. */
int64_t api_person_param(struct http_request *req, const char *name);

/* Pagination parameters, Mastodon style. */
struct api_page {
	int64_t max_id, since_id, min_id;
	size_t limit;
};
/* Reads max_id, since_id, min_id and limit (default def, clamped to
 * 1..max). 0, or -1 after answering 422. */
int api_page_params(struct http_request *req, size_t def, size_t max, struct api_page *p);
/* Sets the Link header for a page whose items run from newest (first)
 * to oldest (last) id; nothing when the page is empty. */
void api_page_link(struct http_request *req, size_t count, int64_t newest, int64_t oldest);

/* Answers a failed network operation (404, 422, 500). */
void api_people_fail(struct http_request *req, enum people_rc rc);

/* Writes the accounts of ids (skipping deactivated ones) as a JSON array
 * into req->jw. */
void api_accounts_array(struct http_request *req, const int64_t *ids, size_t n);

#endif
