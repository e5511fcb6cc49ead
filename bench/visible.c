/*
 * visible: posting at a steady rate, and how soon each post shows in its
 * readers' home streams (issue 6, scenario 3).
 *
 * Reads authors from a file, one per line: "AUTHOR_TOKEN READER_TOKEN..."
 * (bench/read-targets.mjs: the readers are token holders connected to the
 * author, so they must see the author's public, network and connections
 * posts in their home stream). --posters threads, each with one keep-alive
 * connection, post --rate statuses per second in total on an absolute
 * schedule (post i is due at start + i / rate; a late post goes out at
 * once and its lateness is reported), round-robin over the authors, with
 * the audiences public, network and connections in turn. The ack latency
 * is from sending the POST to its 200.
 *
 * Every --sample-th acknowledged post is handed to a checker thread, which
 * asks GET /api/v1/timelines/home?min_id=ID-1&limit=1 as up to --readers of
 * the author's readers, each again every --poll-ms until the post is in
 * the answer (or --timeout-ms passes): the visibility latency is from the
 * post's 200 to the answer that first holds it, per reader, so its
 * resolution is the poll interval plus one request.
 *
 * Usage: visible --port P --authors FILE [--rate 100] [--seconds 10]
 *          [--posters 8] [--sample 5] [--readers 3] [--checkers 4]
 *          [--poll-ms 10] [--timeout-ms 5000]
 * Prints a summary and a "RESULT key=value ..." line for bench/run.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_AUTHORS 100000
#define MAX_READERS 8
#define LAT_MAX 2000000
#define RESP_MAX (4 << 20)

struct author {
	char *token;
	char *readers[MAX_READERS];
	int n_readers;
};

struct check {
	int64_t post_id;
	int64_t acked_us; /* monotonic */
	const struct author *a;
	struct check *next;
};

static struct author *authors;
static int n_authors;
static int port;
static double rate = 100;
static int seconds = 10, posters = 8, sample = 5, readers_per = 3, checkers = 4, poll_ms = 10,
	   timeout_ms = 5000;
static _Atomic long next_post, sent, acked, failed, late, checks_done, timeouts, polls, poll_errors;
static _Atomic bool posting = true, checking = true;
static int64_t start_us;

static pthread_mutex_t lat_lock = PTHREAD_MUTEX_INITIALIZER;
static double *ack_lat, *vis_lat, *lag; /* ms */
static long n_ack, n_vis, n_lag;

static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_cond = PTHREAD_COND_INITIALIZER;
static struct check *q_head, **q_tail = &q_head;
static long q_len, q_dropped;

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void sleep_until(int64_t t_us)
{
	int64_t d = t_us - mono_us();
	if (d <= 0)
		return;
	struct timespec ts = {.tv_sec = d / 1000000, .tv_nsec = (d % 1000000) * 1000};
	nanosleep(&ts, NULL);
}

static void record(double *v, long *n, double ms)
{
	pthread_mutex_lock(&lat_lock);
	if (*n < LAT_MAX)
		v[(*n)++] = ms;
	pthread_mutex_unlock(&lat_lock);
}

/* --- a tiny HTTP/1.1 client (keep-alive, Content-Length bodies) ------- */

struct client {
	int fd;
	char *buf; /* the last response's body, NUL-terminated */
	size_t cap;
};

static int dial(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Sends req and reads the answer; the status, or -1 (the connection is
 * closed then, and the next call dials again). */
static int http_do(struct client *c, const char *req, size_t len)
{
	if (c->fd < 0 && (c->fd = dial()) < 0)
		return -1;
	for (size_t off = 0; off < len;) {
		ssize_t w = send(c->fd, req + off, len - off, MSG_NOSIGNAL);
		if (w <= 0)
			goto fail;
		off += (size_t)w;
	}
	if (!c->buf) {
		c->cap = 65536;
		c->buf = malloc(c->cap);
	}
	size_t have = 0, head = 0;
	long body = -1;
	int status = 0;
	bool close_after = false;
	for (;;) {
		if (have + 1 >= c->cap) {
			if (c->cap >= RESP_MAX)
				goto fail;
			c->cap *= 2;
			c->buf = realloc(c->buf, c->cap);
		}
		ssize_t r = recv(c->fd, c->buf + have, c->cap - have - 1, 0);
		if (r <= 0)
			goto fail;
		have += (size_t)r;
		c->buf[have] = '\0';
		if (!head) {
			char *e = strstr(c->buf, "\r\n\r\n");
			if (!e)
				continue;
			head = (size_t)(e + 4 - c->buf);
			if (sscanf(c->buf, "HTTP/1.%*d %d", &status) != 1)
				goto fail;
			char *cl = strcasestr(c->buf, "\r\ncontent-length:");
			body = cl && cl < e ? strtol(cl + 17, NULL, 10) : 0;
			char *conn = strcasestr(c->buf, "\r\nconnection: close");
			close_after = conn && conn < e;
		}
		if (have >= head + (size_t)body)
			break;
	}
	memmove(c->buf, c->buf + head, (size_t)body);
	c->buf[body] = '\0';
	if (close_after) {
		close(c->fd);
		c->fd = -1;
	}
	return status;
fail:
	close(c->fd);
	c->fd = -1;
	return -1;
}

/* --- posting ------------------------------------------------------------- */

static const char *const audiences[] = {"public", "network", "connections"};

static void *poster(void *arg)
{
	(void)arg;
	struct client c = {.fd = -1};
	char body[256], req[1024];
	while (atomic_load(&posting)) {
		long i = atomic_fetch_add(&next_post, 1);
		int64_t due = start_us + (int64_t)((double)i * 1e6 / rate);
		if (due >= start_us + (int64_t)seconds * 1000000)
			break;
		sleep_until(due);
		int64_t t0 = mono_us();
		if (t0 - due > 1000) {
			atomic_fetch_add(&late, 1);
			record(lag, &n_lag, (double)(t0 - due) / 1000.0);
		}
		const struct author *a = &authors[i % n_authors];
		int bl = snprintf(body, sizeof(body),
				  "{\"status\":\"Visibility check %ld: on the #bench build\","
				  "\"visibility\":\"%s\"}",
				  i, audiences[i % 3]);
		int rl = snprintf(req, sizeof(req),
				  "POST /api/v1/statuses HTTP/1.1\r\nHost: 127.0.0.1\r\n"
				  "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
				  "Content-Length: %d\r\n\r\n%s",
				  a->token, bl, body);
		atomic_fetch_add(&sent, 1);
		int st = http_do(&c, req, (size_t)rl);
		int64_t t1 = mono_us();
		const char *id = st == 200 ? strstr(c.buf, "\"id\":\"") : NULL;
		if (!id) {
			atomic_fetch_add(&failed, 1);
			continue;
		}
		atomic_fetch_add(&acked, 1);
		record(ack_lat, &n_ack, (double)(t1 - t0) / 1000.0);
		if (i % sample || !a->n_readers)
			continue;
		struct check *k = calloc(1, sizeof(*k));
		k->post_id = strtoll(id + 6, NULL, 10);
		k->acked_us = t1;
		k->a = a;
		pthread_mutex_lock(&q_lock);
		if (q_len > 1000) { /* the checkers cannot keep up: say so, don't grow */
			q_dropped++;
			free(k);
		} else {
			*q_tail = k;
			q_tail = &k->next;
			q_len++;
			pthread_cond_signal(&q_cond);
		}
		pthread_mutex_unlock(&q_lock);
	}
	close(c.fd);
	free(c.buf);
	return NULL;
}

/* --- checking ------------------------------------------------------------ */

static void check_one(struct client *cl, const struct check *k)
{
	int n = k->a->n_readers < readers_per ? k->a->n_readers : readers_per;
	bool seen[MAX_READERS] = {false};
	int left = n;
	char want[40], req[1024];
	snprintf(want, sizeof(want), "\"id\":\"%lld\"", (long long)k->post_id);
	int64_t deadline = k->acked_us + (int64_t)timeout_ms * 1000;
	while (left > 0) {
		int64_t round = mono_us();
		for (int r = 0; r < n; r++) {
			if (seen[r])
				continue;
			int rl =
			    snprintf(req, sizeof(req),
				     "GET /api/v1/timelines/home?min_id=%lld&limit=1 HTTP/1.1\r\n"
				     "Host: 127.0.0.1\r\nAuthorization: Bearer %s\r\n\r\n",
				     (long long)(k->post_id - 1), k->a->readers[r]);
			atomic_fetch_add(&polls, 1);
			int st = http_do(cl, req, (size_t)rl);
			int64_t t = mono_us();
			if (st != 200) {
				atomic_fetch_add(&poll_errors, 1);
				continue;
			}
			if (strstr(cl->buf, want)) {
				seen[r] = true;
				left--;
				record(vis_lat, &n_vis, (double)(t - k->acked_us) / 1000.0);
			}
		}
		if (!left)
			break;
		if (mono_us() > deadline) {
			atomic_fetch_add(&timeouts, left);
			break;
		}
		sleep_until(round + (int64_t)poll_ms * 1000);
	}
	atomic_fetch_add(&checks_done, 1);
}

static void *checker(void *arg)
{
	(void)arg;
	struct client cl = {.fd = -1};
	for (;;) {
		pthread_mutex_lock(&q_lock);
		while (!q_head && atomic_load(&checking))
			pthread_cond_wait(&q_cond, &q_lock);
		struct check *k = q_head;
		if (k) {
			q_head = k->next;
			if (!q_head)
				q_tail = &q_head;
			q_len--;
		}
		pthread_mutex_unlock(&q_lock);
		if (!k)
			break;
		check_one(&cl, k);
		free(k);
	}
	close(cl.fd);
	free(cl.buf);
	return NULL;
}

/* --- main ---------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(double *v, long n, double p)
{
	if (!n)
		return 0;
	return v[(long)(p * (double)(n - 1) + 0.5)];
}

static int load_authors(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	authors = calloc(MAX_AUTHORS, sizeof(*authors));
	char line[8192];
	while (n_authors < MAX_AUTHORS && fgets(line, sizeof(line), f)) {
		char *save = NULL, *tok = strtok_r(line, " \t\r\n", &save);
		if (!tok)
			continue;
		struct author *a = &authors[n_authors++];
		a->token = strdup(tok);
		while (a->n_readers < MAX_READERS && (tok = strtok_r(NULL, " \t\r\n", &save)))
			a->readers[a->n_readers++] = strdup(tok);
	}
	fclose(f);
	return n_authors ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *file = NULL;
	for (int i = 1; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];
		if (!strcmp(k, "--port"))
			port = (int)strtol(v, NULL, 10);
		else if (!strcmp(k, "--authors"))
			file = v;
		else if (!strcmp(k, "--rate"))
			rate = strtod(v, NULL);
		else if (!strcmp(k, "--seconds"))
			seconds = (int)strtol(v, NULL, 10);
		else if (!strcmp(k, "--posters"))
			posters = (int)strtol(v, NULL, 10);
		else if (!strcmp(k, "--sample"))
			sample = (int)strtol(v, NULL, 10);
		else if (!strcmp(k, "--readers"))
			readers_per = (int)strtol(v, NULL, 10);
		else if (!strcmp(k, "--checkers"))
			checkers = (int)strtol(v, NULL, 10);
		else if (!strcmp(k, "--poll-ms"))
			poll_ms = (int)strtol(v, NULL, 10);
		else if (!strcmp(k, "--timeout-ms"))
			timeout_ms = (int)strtol(v, NULL, 10);
		else {
			fprintf(stderr, "visible: unknown option %s\n", k);
			return 2;
		}
	}
	if (port <= 0 || !file || rate <= 0 || seconds <= 0 || posters <= 0 || posters > 256 ||
	    sample <= 0 || readers_per <= 0 || readers_per > MAX_READERS || checkers <= 0 ||
	    checkers > 256 || poll_ms < 0 || timeout_ms <= 0) {
		fprintf(stderr, "usage: visible --port P --authors FILE [--rate 100] [--seconds 10]"
				" [--posters 8] [--sample 5] [--readers 3] [--checkers 4]"
				" [--poll-ms 10] [--timeout-ms 5000]\n");
		return 2;
	}
	if (load_authors(file) < 0) {
		fprintf(stderr, "visible: no authors in %s\n", file);
		return 2;
	}
	ack_lat = malloc(LAT_MAX * sizeof(double));
	vis_lat = malloc(LAT_MAX * sizeof(double));
	lag = malloc(LAT_MAX * sizeof(double));
	start_us = mono_us() + 100000;
	pthread_t pt[256], ct[256];
	for (int i = 0; i < checkers; i++)
		pthread_create(&ct[i], NULL, checker, NULL);
	for (int i = 0; i < posters; i++)
		pthread_create(&pt[i], NULL, poster, NULL);
	for (int i = 0; i < posters; i++)
		pthread_join(pt[i], NULL);
	double elapsed = (double)(mono_us() - start_us) / 1e6;
	pthread_mutex_lock(&q_lock);
	atomic_store(&checking, false);
	pthread_cond_broadcast(&q_cond);
	pthread_mutex_unlock(&q_lock);
	for (int i = 0; i < checkers; i++)
		pthread_join(ct[i], NULL);
	qsort(ack_lat, (size_t)n_ack, sizeof(double), cmp_double);
	qsort(vis_lat, (size_t)n_vis, sizeof(double), cmp_double);
	qsort(lag, (size_t)n_lag, sizeof(double), cmp_double);
	printf("visible: %ld posts sent in %.1f s (%.1f/s asked, %.1f/s acknowledged), %ld failed,"
	       " %ld sent more than 1 ms late (max %.1f ms)\n",
	       sent, elapsed, rate, (double)acked / elapsed, failed, late,
	       n_lag ? lag[n_lag - 1] : 0.0);
	printf("  ack latency ms: p50 %.2f  p99 %.2f  max %.2f\n", pct(ack_lat, n_ack, 0.5),
	       pct(ack_lat, n_ack, 0.99), n_ack ? ack_lat[n_ack - 1] : 0.0);
	printf("  visible in readers' home: %ld checks, %ld readers seen, %ld not within %d ms,"
	       " %ld checks dropped; %ld polls (%ld errors), every %d ms\n",
	       checks_done, n_vis, timeouts, timeout_ms, q_dropped, polls, poll_errors, poll_ms);
	printf("  visibility latency ms: p50 %.1f  p99 %.1f  max %.1f\n", pct(vis_lat, n_vis, 0.5),
	       pct(vis_lat, n_vis, 0.99), n_vis ? vis_lat[n_vis - 1] : 0.0);
	printf("RESULT sent=%ld acked=%ld failed=%ld rate=%.1f ack_p50=%.2f ack_p99=%.2f "
	       "vis_n=%ld vis_timeouts=%ld vis_p50=%.1f vis_p99=%.1f late=%ld\n",
	       sent, acked, failed, (double)acked / elapsed, pct(ack_lat, n_ack, 0.5),
	       pct(ack_lat, n_ack, 0.99), n_vis, timeouts, pct(vis_lat, n_vis, 0.5),
	       pct(vis_lat, n_vis, 0.99), late);
	return acked > 0 ? 0 : 1;
}
