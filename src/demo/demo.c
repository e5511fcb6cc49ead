/*
 * demo: `moka demo --people N [--seed S] …` — fills an empty data
 * directory with a plausible company (see demo_int.h for how), then
 * prints what it made: rows per table, bytes on disk, time taken, and
 * how to sign in.
 *
 * The demo writes the database itself, so it runs only when no server
 * does: it refuses when DATA/admin.sock answers, and holds DATA/admin.lock
 * (the lock a running server holds, admin/admin.h) while it works, so no
 * server can start meanwhile. It also refuses a database that already has
 * users.
 */
#include "auth/auth.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/xmalloc.h"
#include "demo/demo_int.h"
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define DEMO_PASSWORD "moka-demo-password"
#define PEOPLE_MAX 2000000u
#define MAX_TABLES 64

static void usage(void)
{
	fputs("usage: moka demo --people N [--seed S] [--posts-per-person P] [--days D]\n"
	      "                 [--tokens FILE [--token-count K]] [--password P]\n"
	      "                 [--notify-days D] [--now MS] [--data DIR]\n",
	      stderr);
}

static int parse_u64(const char *opt, const char *v, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-' || n < min || n > max) {
		fprintf(stderr, "moka demo: %s expects a number from %" PRIu64 " to %" PRIu64 "\n",
			opt, min, max);
		return -1;
	}
	*out = n;
	return 0;
}

static int parse_number(int argc, char **argv, int *i, struct demo_opts *o, int *err)
{
	uint64_t people = 0, days = 0, tokens = 0, notify = 0, now = 0;
	const char *v;
	if ((v = cli_opt(argc, argv, i, "--seed", err)))
		return parse_u64("--seed", v, 0, UINT64_MAX, &o->seed);
	if ((v = cli_opt(argc, argv, i, "--people", err))) {
		int rc = parse_u64("--people", v, 2, PEOPLE_MAX, &people);
		o->people = (uint32_t)people;
		return rc;
	}
	if ((v = cli_opt(argc, argv, i, "--days", err))) {
		int rc = parse_u64("--days", v, 1, 3650, &days);
		o->days = (uint32_t)days;
		return rc;
	}
	if ((v = cli_opt(argc, argv, i, "--token-count", err))) {
		int rc = parse_u64("--token-count", v, 1, 1000000, &tokens);
		o->token_count = (uint32_t)tokens;
		return rc;
	}
	if ((v = cli_opt(argc, argv, i, "--notify-days", err))) {
		int rc = parse_u64("--notify-days", v, 0, 3650, &notify);
		o->notify_days = (uint32_t)notify;
		return rc;
	}
	if ((v = cli_opt(argc, argv, i, "--now", err))) {
		int rc = parse_u64("--now", v, 86400000ull * 3650, 1ull << 46, &now);
		o->now_ms = (int64_t)now;
		return rc;
	}
	return 1; /* not a numeric option */
}

static int parse_args(int argc, char **argv, struct demo_opts *o)
{
	int err = 0;
	for (int i = 1; i < argc; i++) {
		const char *v;
		int rc = parse_number(argc, argv, &i, o, &err);
		if (rc < 0 || err)
			return -1;
		if (rc == 0)
			continue;
		if ((v = cli_opt(argc, argv, &i, "--posts-per-person", &err))) {
			char *end;
			o->posts_per_person = strtod(v, &end);
			if (*end || end == v || !(o->posts_per_person >= 0) ||
			    o->posts_per_person > 1000) {
				fprintf(stderr,
					"moka demo: --posts-per-person expects 0 to 1000\n");
				return -1;
			}
		} else if ((v = cli_opt(argc, argv, &i, "--tokens", &err))) {
			o->tokens_file = v;
		} else if ((v = cli_opt(argc, argv, &i, "--password", &err))) {
			o->password = v;
		} else {
			if (!err)
				fprintf(stderr, "moka demo: unknown option '%s'\n", argv[i]);
			return -1;
		}
	}
	if (!o->people) {
		fprintf(stderr, "moka demo: --people N is required\n");
		return -1;
	}
	const char *weak = auth_password_weak(o->password);
	if (weak) {
		fprintf(stderr, "moka demo: --password: %s\n", weak);
		return -1;
	}
	if (o->tokens_file && !o->token_count)
		o->token_count = 1000;
	return 0;
}

/* Takes DATA/admin.lock so that no server starts while the demo writes;
 * -1 (with a message) when a server runs or the directory is unusable. */
static int lock_data_dir(const char *dir)
{
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		fprintf(stderr, "moka demo: cannot create %s: %s\n", dir, strerror(errno));
		return -1;
	}
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int n = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/admin.sock", dir);
	if (n > 0 && (size_t)n < sizeof(sa.sun_path)) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		bool answers = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
		if (fd >= 0)
			close(fd);
		if (answers) {
			fprintf(stderr, "moka demo: a server is running on %s: stop it first\n",
				dir);
			return -1;
		}
	}
	char path[4200];
	snprintf(path, sizeof(path), "%s/admin.lock", dir);
	int lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB) < 0) {
		fprintf(stderr, "moka demo: %s is in use (a server or an admin command): %s\n", dir,
			strerror(errno));
		if (lock >= 0)
			close(lock);
		return -1;
	}
	return lock;
}

static double seconds_since(int64_t t0_us)
{
	return (double)(clock_mono_us() - t0_us) / 1e6;
}

double demo_cpu_seconds(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return 0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* The first person (in id order) whose title is one of titles. */
static uint32_t first_with_title(const struct demo *d, const char *const *titles)
{
	for (uint32_t i = 2; i <= d->n; i++)
		for (const char *const *t = titles; *t; t++)
			if (!strcmp(d->people[i].title, *t))
				return i;
	return d->n >= 2 ? 2 : 1;
}

static void print_sign_in(const struct demo *d)
{
	static const char *const managers[] = {"Engineering Manager", "Senior Engineering Manager",
					       "Sales Manager", "Director of Engineering", NULL};
	static const char *const engineers[] = {"Software Engineer", "Senior Software Engineer",
						"Backend Engineer", "Frontend Engineer", NULL};
	uint32_t who[3] = {1, first_with_title(d, managers), first_with_title(d, engineers)};
	const char *what[3] = {"the CEO", "a manager", "an engineer"};
	printf("\nSign in as (password for everyone: %s):\n", d->o.password);
	for (int i = 0; i < 3; i++)
		printf("  %-28s %-12s %s, %s (%s, %s)\n", demo_username(d, who[i]), what[i],
		       demo_display_name(d, who[i]), d->people[who[i]].title,
		       demo_depts[d->people[who[i]].dept].name,
		       demo_locations[d->people[who[i]].loc].city);
}

static void print_report(struct store *s, const struct demo *d, double secs)
{
	struct store_demo_table t[MAX_TABLES];
	int n = store_demo_counts(s, t, MAX_TABLES);
	printf("\n%-20s %12s\n", "table", "rows");
	int64_t total = 0;
	for (int i = 0; i < n; i++) {
		if (!t[i].rows)
			continue;
		printf("%-20s %12" PRId64 "\n", t[i].name, t[i].rows);
		total += t[i].rows;
	}
	printf("%-20s %12" PRId64 "\n", "(all)", total);
	size_t max = 0;
	for (uint32_t i = 1; i <= d->n; i++)
		max = demo_degree(d, i) > max ? demo_degree(d, i) : max;
	printf("\nconnections per person: mean %.1f, max %zu\n", d->mean_degree, max);
	printf("bytes on disk: %" PRId64 " (%.1f MiB)\n", store_disk_bytes(s),
	       (double)store_disk_bytes(s) / 1048576.0);
	printf("time: %.1f s (CPU %.1f s)\n", secs, demo_cpu_seconds());
	print_sign_in(d);
}

static int generate(struct demo *d, struct store *s, int64_t t0)
{
	struct demo_written wr;
	if (demo_org_build(d) < 0)
		return -1;
	printf("people: %u (%.1f s, CPU %.1f s)\n", d->n, seconds_since(t0), demo_cpu_seconds());
	demo_network_build(d);
	printf("connections: %zu, follows: %zu (%.1f s, CPU %.1f s)\n", d->n_pairs, d->n_follows,
	       seconds_since(t0), demo_cpu_seconds());
	if (demo_posts_build(d) < 0)
		return -1;
	printf("posts: %zu over %u days (%.1f s, CPU %.1f s)\n", d->n_posts, d->o.days,
	       seconds_since(t0), demo_cpu_seconds());
	fflush(stdout);
	if (demo_write(d, s, &wr) < 0)
		return -1;
	printf("written: %" PRId64 " likes, %" PRId64 " notifications, %" PRId64
	       " tokens (%.1f s, CPU %.1f s)\n",
	       wr.favourites, wr.notifications, wr.tokens, seconds_since(t0), demo_cpu_seconds());
	return demo_communities_write(d, s);
}

/* From this size on, the defaults are the benchmark's (issue 6). */
#define DEMO_LARGE_PEOPLE 200000

int cli_demo(int argc, char **argv, struct config *cfg)
{
	struct demo d = {.o = {.seed = 1,
			       .posts_per_person = -1, /* defaults below, by size */
			       .days = 0,
			       .notify_days = 14,
			       .password = DEMO_PASSWORD}};
	if (parse_args(argc, argv, &d.o) < 0) {
		usage();
		return 2;
	}
	/* a year of posts (about 10 million for 440,000 people) for the large
	 * companies of the benchmark; a quarter for everything smaller */
	bool large = d.o.people >= DEMO_LARGE_PEOPLE;
	if (d.o.posts_per_person < 0)
		d.o.posts_per_person = large ? 23 : 20;
	if (!d.o.days)
		d.o.days = large ? 365 : 90;
	d.n = d.o.people;
	if (!d.o.now_ms)
		d.o.now_ms = clock_now_ms();
	char base[300];
	snprintf(base, sizeof(base), "http://%s", cfg->listen);
	d.o.base_url = *cfg->base_url ? cfg->base_url : base; /* as `moka serve` renders links */
	int lock = lock_data_dir(cfg->data_dir);
	if (lock < 0)
		return 1;
	int rc = 1;
	struct store *s = NULL;
	if (auth_init(cfg->hash_concurrency) < 0 || !(s = store_open(cfg->data_dir)))
		goto done;
	int64_t t0 = clock_mono_us();
	printf("Building %s (%u people, seed %" PRIu64 ") in %s\n", DEMO_COMPANY, d.n, d.o.seed,
	       cfg->data_dir);
	if (generate(&d, s, t0) == 0 && demo_extras_write(&d, s, cfg) == 0) {
		print_report(s, &d, seconds_since(t0));
		rc = 0;
	}
done:
	store_close(s);
	demo_free(&d);
	close(lock);
	return rc;
}

void demo_free(struct demo *d)
{
	free(d->people);
	free(d->names);
	free(d->by_name);
	free(d->loc_people);
	free(d->loc_start);
	free(d->conn_off);
	free(d->conn);
	free(d->pairs);
	free(d->follows);
	demo_alias_free(&d->by_weight);
	demo_alias_free(&d->by_activity);
	free(d->posts);
	free(d->order);
	free(d->post_id);
}
