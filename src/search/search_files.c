/*
 * search_files: the files and "my messages" sections of Moka's search.
 *
 * Files: the newest matching documents (at most FILES_CANDIDATES) each go
 * through files_role, the one files check — a file the searcher may not
 * read is neither shown nor counted — then rank by text relevance (name
 * and tags above description, description above the extracted text).
 * Trashed files and Mastodon media are not in the index at all.
 *
 * Messages: the newest matching messages of the searcher's conversations
 * (at most MESSAGES_CANDIDATES, narrowed by the store to their history)
 * each go through messages_message_visible, the one messages rule, then
 * rank by relevance and recency.
 */
#include "app/app.h"
#include "core/arena.h"
#include "core/clock.h"
#include "files/files.h"
#include "json/json_writer.h"
#include "messages/messages.h"
#include "search/search.h"
#include "store/store.h"

#include <stdlib.h>

#define FILES_CANDIDATES 1000
#define MESSAGES_CANDIDATES 1000
#define MS_PER_DAY 86400000.0

static int cmp_score(const void *x, const void *y)
{
	const struct search_hit *a = x, *b = y;
	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	return (a->id < b->id) - (a->id > b->id);
}

int search_files_section(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			 const struct search_query *q, const struct search_request *r)
{
	struct store_conn *c = store_reader(app->store);
	struct search_hit *h = arena_alloc(a, FILES_CANDIDATES * sizeof(*h));
	int n = store_search_files(c, q, viewer, r->author_id, FILES_CANDIDATES, h);
	if (n < 0)
		return -1;
	int k = 0;
	for (int i = 0; i < n; i++)
		if (files_role(app, viewer, h[i].id) >= FILE_READER)
			h[k++] = h[i];
	qsort(h, (size_t)k, sizeof(*h), cmp_score);
	search_section_begin(w, "files", k, n == FILES_CANDIDATES);
	for (size_t i = r->offset; i < (size_t)k && i < r->offset + (size_t)r->limit; i++) {
		jw_obj_begin(w);
		jw_key(w, "file");
		if (files_render(app, a, w, viewer, h[i].id) < 0)
			jw_null(w); /* trashed or unshared in between */
		jw_kstr(w, "highlight", store_search_file_snippet(c, a, h[i].id, q));
		jw_obj_end(w);
	}
	search_section_end(w);
	return 0;
}

/* {"id", "kind", "title"} of the conversation a message hit is in. */
static void conversation_brief(struct store_conn *c, struct arena *a, struct jw *w, int64_t id)
{
	struct conversation_row conv;
	if (store_conversation_get(c, a, id, &conv) != STORE_OK) {
		jw_null(w);
		return;
	}
	jw_obj_begin(w);
	jw_kid(w, "id", id);
	jw_kstr(w, "kind", conv.kind == CONVERSATION_GROUP ? "group" : "direct");
	jw_kstr(w, "title", conv.title);
	jw_obj_end(w);
}

/* A visible message hit and its conversation. */
struct message_hit {
	int64_t id, conversation;
	double score;
};

static int cmp_message(const void *x, const void *y)
{
	const struct message_hit *a = x, *b = y;
	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	return (a->id < b->id) - (a->id > b->id);
}

int search_messages_section(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			    const struct search_query *q, const struct search_request *r)
{
	struct store_conn *c = store_reader(app->store);
	struct search_hit *h = arena_alloc(a, MESSAGES_CANDIDATES * sizeof(*h));
	int n = store_search_messages(c, q, viewer, r->author_id, MESSAGES_CANDIDATES, h);
	if (n < 0)
		return -1;
	struct message_hit *v = arena_alloc(a, (size_t)(n + 1) * sizeof(*v));
	int k = 0;
	double now = (double)clock_now_ms();
	for (int i = 0; i < n; i++) {
		int64_t in = 0;
		if (!messages_message_visible(app, viewer, h[i].id, &in))
			continue;
		double age = (now - (double)clock_id_to_ms(h[i].id)) / MS_PER_DAY;
		double recency = 1.0 / (1.0 + (age > 0 ? age : 0) / 30.0);
		v[k++] = (struct message_hit){h[i].id, in, (h[i].score + 1e-6) * (0.3 + recency)};
	}
	qsort(v, (size_t)k, sizeof(*v), cmp_message);
	search_section_begin(w, "messages", k, n == MESSAGES_CANDIDATES);
	for (size_t i = r->offset; i < (size_t)k && i < r->offset + (size_t)r->limit; i++) {
		jw_obj_begin(w);
		jw_key(w, "message");
		if (messages_render_message(app, a, w, viewer, v[i].id) < 0)
			jw_null(w); /* deleted in between */
		jw_key(w, "conversation");
		conversation_brief(c, a, w, v[i].conversation);
		jw_kstr(w, "highlight", store_search_message_snippet(c, a, v[i].id, q));
		jw_obj_end(w);
	}
	search_section_end(w);
	return 0;
}
