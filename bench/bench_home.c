/*
 * bench_home: the home stream's own cost, without HTTP — one page (20
 * posts) of the read-time merge with the audience check (feed), then the
 * Mastodon JSON of that page (posts_render_statuses), for many people of
 * an existing data directory (`moka demo --people N --data DIR`).
 *
 * Prints, in microseconds per page: the merge alone, the rendering alone,
 * and both, as p50/p90/p99 over every person measured, plus the average
 * JSON size. One thread: the figures are CPU cost per request on one core.
 *
 * Usage: bench_home --data DIR [--people N] [--rounds R]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "feed/feed.h"
#include "json/json_writer.h"
#include "posts/posts.h"

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static void report(const char *what, int64_t *ns, size_t n)
{
	qsort(ns, n, sizeof(*ns), cmp_i64);
	printf("| %-22s | %8.1f | %8.1f | %8.1f |\n", what, (double)ns[n / 2] / 1000.0,
	       (double)ns[n * 9 / 10] / 1000.0, (double)ns[n * 99 / 100] / 1000.0);
}

int main(int argc, char **argv)
{
	const char *dir = NULL;
	long people = 1000, rounds = 3;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--data"))
			dir = argv[i + 1];
		else if (!strcmp(argv[i], "--people"))
			people = strtol(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--rounds"))
			rounds = strtol(argv[i + 1], NULL, 10);
	}
	if (!dir || people < 1 || rounds < 1) {
		fprintf(stderr, "usage: bench_home --data DIR [--people N] [--rounds R]\n");
		return 2;
	}
	struct config cfg;
	config_defaults(&cfg);
	config_set(&cfg, "data_dir", dir);
	struct app *app = app_open(&cfg);
	if (!app)
		return 1;
	size_t n = (size_t)(people * rounds);
	int64_t *merge = calloc(n, sizeof(*merge)), *render = calloc(n, sizeof(*render));
	int64_t *total = calloc(n, sizeof(*total));
	size_t bytes = 0, posts = 0;
	struct buf out;
	buf_init(&out, BUF_MAX_DEFAULT);
	for (size_t k = 0; k < n; k++) {
		int64_t viewer = (int64_t)(k % (size_t)people) + 1;
		struct arena *a = arena_new();
		struct feed_query q = {.stream = FEED_HOME, .viewer = viewer};
		struct feed_page pg = {.limit = FEED_LIMIT_DEFAULT};
		struct feed_result res;
		int64_t t0 = clock_mono_ns();
		feed_query_page(app, a, &q, &pg, &res);
		int64_t t1 = clock_mono_ns();
		buf_reset(&out);
		struct jw w;
		jw_init(&w, &out);
		posts_render_statuses(app, a, &w, viewer, res.ids, res.n);
		int64_t t2 = clock_mono_ns();
		merge[k] = t1 - t0;
		render[k] = t2 - t1;
		total[k] = t2 - t0;
		bytes += out.len;
		posts += res.n;
		arena_free(a);
	}
	printf("home stream, %ld people x %ld rounds, %.1f posts and %.1f KB per page\n\n", people,
	       rounds, (double)posts / (double)n, (double)bytes / (double)n / 1024.0);
	printf("| µs per page            |      p50 |      p90 |      p99 |\n");
	printf("|------------------------|----------|----------|----------|\n");
	report("merge + audience check", merge, n);
	report("render JSON", render, n);
	report("both", total, n);
	buf_free(&out);
	free(merge);
	free(render);
	free(total);
	app_close(app);
	config_free(&cfg);
	return 0;
}
