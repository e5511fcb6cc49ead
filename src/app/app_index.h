/*
 * app_index: loading the in-memory indexes (graph, post index) at start
 * and saving their snapshots at a clean stop.
 *
 * Start: the snapshot token is taken out of the store (store_index.h).
 * When it matches both snapshot files, the graph and the post index are
 * read back from them (two threads, one per file, each a sequential read
 * with a checksum): about a second for 440,000 people and 10 million
 * posts, against a minute or more of store scans. Otherwise — first
 * start, a crash or kill, a write by a process that saved nothing, a
 * corrupt file — they are built from the store, the graph and the post
 * index in parallel on two reader connections.
 *
 * Stop: once nothing writes any more, both files are written (temporary
 * name, fsync, rename) and a fresh token is stored, tying them to
 * exactly the store's state at that moment.
 */
#ifndef MOKA_APP_INDEX_H
#define MOKA_APP_INDEX_H

struct app;

/* Sets app->graph and app->feed. 0, or -1 (logged). */
int app_index_load(struct app *app);
/* Writes the snapshots and stores their token; the app must be fully
 * open and no write may run any more. Failures are logged (the next
 * start then scans the store). */
void app_index_save(struct app *app);
/* The snapshot files' paths under the data directory (tests). */
#define APP_INDEX_GRAPH_FILE "index-graph.snap"
#define APP_INDEX_FEED_FILE "index-feed.snap"

#endif
