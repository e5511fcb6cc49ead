/*
 * feed: the in-memory post index behind every stream (home, walls, company,
 * hashtags), loaded at start and kept in step with the store by
 * after-commit hooks.
 */
#ifndef MOKA_FEED_H
#define MOKA_FEED_H

struct app;

/* Loads the index from the store into app->feed. 0 or -1. */
int feed_open(struct app *app);
void feed_close(struct app *app);

#endif
