/*
 * store_sqlite_search_int: what the SQLite search files share (the
 * indexes of store_sqlite_search.c and those of files and messages in
 * store_sqlite_search_files.c): building MATCH expressions from parsed
 * terms, and turning FTS5 snippets into safe HTML.
 */
#ifndef MOKA_STORE_SQLITE_SEARCH_INT_H
#define MOKA_STORE_SQLITE_SEARCH_INT_H

#include "store/store_sqlite_int.h"

/* The MATCH expression for q (every term an FTS5 string), optionally
 * restricted to one column, in a; NULL when q has no positive term. */
char *sq_search_match(struct arena *a, const struct search_query *q, const char *column);
/* Runs st with match bound to ?1 and max to ?2 (its other parameters
 * bound already): column 0 is a hit's id, column 1 (if any) its bm25,
 * best being the most negative. The hits in out, or -1 (logged). */
int sq_search_hits(struct store_conn *c, sqlite3_stmt *st, const char *match, int max,
		   struct search_hit *out);
/* A snippet marked with \1 and \2 as safe HTML: escaped, <mark> balanced. */
char *sq_search_marks_html(struct arena *a, const char *s);
/* Fills search_files from the files (and their texts) in one pass, for a
 * bulk load that ran without the triggers (search_files keeps its own
 * copy of the text, so FTS5's 'rebuild' cannot). 0 or -1. */
int store_search_files_fill(struct store_conn *w);

#endif
