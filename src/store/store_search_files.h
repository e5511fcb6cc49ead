/*
 * store_search_files: the full-text indexes over files and messages
 * (schema in store_schema_search.c, SQLite FTS5 in
 * store_sqlite_search_files.c), and the extracted text of file blobs that
 * feeds the files index.
 *
 * As for the other indexes (store_search.h), results are candidates: the
 * caller puts every file through files_role and every message through the
 * messages rule before returning or counting it. The candidate queries
 * narrow what they read (documents not trashed; messages of the
 * searcher's conversations above their history floor) so a common word
 * does not fill the cap with what the searcher could never see.
 */
#ifndef MOKA_STORE_SEARCH_FILES_H
#define MOKA_STORE_SEARCH_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store_conn;
struct arena;
struct search_query;
struct search_hit;

/* Documents matching q (name, tags, description, text) that viewer may
 * have a role on (their own, shared with them by name, community and
 * company files), newest first, at most max, with their text relevance
 * (name and tags weigh most); owner: only that person's files (0:
 * anyone's). The count, or -1. */
int store_search_files(struct store_conn *c, const struct search_query *q, int64_t viewer,
		       int64_t owner, int max, struct search_hit *out);
/* Messages matching q in the conversations viewer is a member of, above
 * viewer's history floor, not deleted, newest first, at most max; author:
 * only theirs (0: anyone's). The count, or -1. */
int store_search_messages(struct store_conn *c, const struct search_query *q, int64_t viewer,
			  int64_t author, int max, struct search_hit *out);
/* A short extract of file or message id around q's terms as safe HTML
 * (escaped, matches in <mark>); NULL when there is none. In a. */
char *store_search_file_snippet(struct store_conn *c, struct arena *a, int64_t id,
				const struct search_query *q);
char *store_search_message_snippet(struct store_conn *c, struct arena *a, int64_t id,
				   const struct search_query *q);

/* --- Extracted text of blobs ------------------------------------------------ */

/* What an extraction gave (stored: never renumber). */
enum file_text_status {
	FILE_TEXT_OK = 0,     /* body holds the text (maybe cut at the cap) */
	FILE_TEXT_NONE = 1,   /* a type without text, or an empty one */
	FILE_TEXT_FAILED = 2, /* the extractor failed or ran out of time */
};

/* Records the text of blob sha256 (once: a repeat changes nothing); the
 * files naming it get it in their index row. STORE_OK or an error. */
int store_file_text_put(struct store_conn *w, const char *sha256, const char *body,
			enum file_text_status status, int64_t at);
/* Has blob sha256 a recorded text (whatever its status)? -1 on error. */
int store_file_text_has(struct store_conn *c, const char *sha256);

/* A document whose current blob has no recorded text yet. */
struct file_text_todo {
	int64_t file_id;
	const char *sha256, *content_type;
};
/* Documents (not media, not trashed) with id above after whose content
 * type is text/… or application/pdf and whose blob has no text yet, by
 * id: the count (≤ max), or -1. Strings in a. */
int store_file_text_missing(struct store_conn *c, struct arena *a, int64_t after, int max,
			    struct file_text_todo *out);

#endif
