/*
 * sse_client: a load client for Moka's live streams (Server-Sent Events).
 *
 * Opens N streams over loopback to HOST:PORT PATH, one thread, epoll and
 * non-blocking sockets, with bearer tokens taken round-robin from a file
 * (one per line). It reads each HTTP/1.1 response (chunked or not),
 * parses the SSE messages, counts them by event name, and measures
 * delivery latency for "update" and "notification" messages: from a
 * "bench-ts:<ms>" marker in the data when there is one (see --post), else
 * from the first "created_at" in the data. With --post TOKEN it also
 * posts a public status carrying such a marker every --post-ms
 * milliseconds, so latency covers posting, commit, fan-out and delivery.
 *
 * Source addresses cycle over 127.0.0.1 .. 127.0.0.K (--sources K) so more
 * than one ephemeral port range is available: 50,000 streams need K >= 2.
 * The run stops by itself after --seconds, or at SIGTERM or SIGINT, and
 * prints a report; --lat-out FILE also writes every latency sample (ms, one
 * a line) so that several clients' samples can be merged (bench/run runs a
 * few of them: one process holds at most its open-file limit of streams).
 *
 * Usage: sse_client --port P --tokens FILE [--host 127.0.0.1]
 *          [--path /api/v1/streaming/user] [--connections N] [--seconds S]
 *          [--sources K] [--pending M] [--post TOKEN] [--post-ms MS]
 *          [--first I] [--lat-out FILE]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

#define LINE_MAX_BYTES 65536
#define POST_ID UINT32_MAX

enum conn_state { C_CONNECTING, C_SENDING, C_HEADERS, C_BODY, C_DONE };
enum chunk_state { K_SIZE, K_DATA, K_DATA_END };

struct conn {
	int fd;
	enum conn_state state;
	char *req;            /* the request, while sending */
	size_t req_len, req_off;
	bool chunked;
	enum chunk_state ks;
	uint64_t chunk_left;
	char size_line[32];
	size_t size_len;
	char *line;           /* the SSE line being read */
	size_t line_len;
	char event[32];
	char *data;           /* the message's data, lines joined */
	size_t data_len, data_cap;
	char head[1536];      /* response headers */
	size_t head_len;
};

struct opts {
	const char *host, *path, *tokens_file, *post_token, *lat_out;
	int port, connections, seconds, sources, pending, post_ms, first;
};

static volatile sig_atomic_t stop_asked;

static void on_stop(int sig)
{
	(void)sig;
	stop_asked = 1;
}

struct stats {
	long established, errors, closed, events, updates, notifications, deletes, others;
	long heartbeats, posts_sent, posts_failed;
	double *lat;
	size_t n_lat, cap_lat;
};

static struct stats st;
static char **tokens;
static size_t n_tokens;

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *xrealloc_or_die(void *p, size_t n)
{
	void *q = realloc(p, n);
	if (!q) {
		fprintf(stderr, "sse_client: out of memory\n");
		exit(1);
	}
	return q;
}

static void raise_nofile(int want)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	rlim_t need = (rlim_t)want + 64;
	if (rl.rlim_cur < need) {
		rl.rlim_cur = need < rl.rlim_max ? need : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur < need)
			fprintf(stderr, "sse_client: open-file limit is %llu; some connections will fail\n",
				(unsigned long long)rl.rlim_cur);
	}
}

static int load_tokens(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[512];
	while (fgets(line, sizeof(line), f)) {
		size_t n = strcspn(line, "\r\n");
		line[n] = '\0';
		if (!n)
			continue;
		tokens = xrealloc_or_die(tokens, (n_tokens + 1) * sizeof(*tokens));
		tokens[n_tokens++] = strdup(line);
	}
	fclose(f);
	return n_tokens ? 0 : -1;
}

/* --- latency ------------------------------------------------------------ */

static void lat_add(double ms)
{
	if (st.n_lat == st.cap_lat) {
		st.cap_lat = st.cap_lat ? st.cap_lat * 2 : 4096;
		st.lat = xrealloc_or_die(st.lat, st.cap_lat * sizeof(*st.lat));
	}
	st.lat[st.n_lat++] = ms;
}

/* Milliseconds since the epoch of an ISO 8601 UTC time "YYYY-MM-DDTHH:MM:SS.mmmZ". */
static int64_t iso_ms(const char *s)
{
	struct tm tm = {0};
	int ms = 0;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d.%3d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) < 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm) * 1000 + ms;
}

static void measure(const char *data)
{
	int64_t t = 0;
	const char *m = strstr(data, "bench-ts:");
	if (m)
		t = strtoll(m + 9, NULL, 10);
	else if ((m = strstr(data, "\"created_at\":\"")))
		t = iso_ms(m + 14);
	if (t > 0)
		lat_add((double)(now_ms() - t));
}

/* --- SSE parsing ---------------------------------------------------------- */

static void sse_message(struct conn *c)
{
	if (!c->event[0] && !c->data_len)
		return;
	st.events++;
	if (c->data)
		c->data[c->data_len] = '\0';
	if (!strcmp(c->event, "update") || !strcmp(c->event, "status.update")) {
		st.updates++;
		measure(c->data ? c->data : "");
	} else if (!strcmp(c->event, "notification")) {
		st.notifications++;
		measure(c->data ? c->data : "");
	} else if (!strcmp(c->event, "delete")) {
		st.deletes++;
	} else {
		st.others++;
	}
	c->event[0] = '\0';
	c->data_len = 0;
}

static void sse_line(struct conn *c, const char *line, size_t n)
{
	if (n == 0) {
		sse_message(c);
	} else if (line[0] == ':') {
		if (n >= 6 && !memcmp(line, ":thump", 6))
			st.heartbeats++;
	} else if (n > 7 && !memcmp(line, "event: ", 7)) {
		size_t k = n - 7 < sizeof(c->event) - 1 ? n - 7 : sizeof(c->event) - 1;
		memcpy(c->event, line + 7, k);
		c->event[k] = '\0';
	} else if (n >= 5 && !memcmp(line, "data:", 5)) {
		size_t off = n > 5 && line[5] == ' ' ? 6 : 5;
		size_t add = n - off + 1;
		if (c->data_len + add + 1 > c->data_cap) {
			c->data_cap = (c->data_len + add + 1) * 2;
			c->data = xrealloc_or_die(c->data, c->data_cap);
		}
		if (c->data_len)
			c->data[c->data_len++] = '\n';
		memcpy(c->data + c->data_len, line + off, n - off);
		c->data_len += n - off;
	}
}

/* Body bytes (after de-chunking) into SSE lines. */
static void sse_feed(struct conn *c, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n') {
			size_t len = c->line_len;
			if (len && c->line[len - 1] == '\r')
				len--;
			sse_line(c, c->line ? c->line : "", len);
			c->line_len = 0;
			continue;
		}
		if (c->line_len >= LINE_MAX_BYTES)
			continue; /* overlong line: truncated */
		if (!c->line)
			c->line = xrealloc_or_die(NULL, LINE_MAX_BYTES);
		c->line[c->line_len++] = p[i];
	}
}

/* Chunked transfer decoding; -1 on a framing error, 1 at the last chunk. */
static int body_feed(struct conn *c, const char *p, size_t n)
{
	if (!c->chunked) {
		sse_feed(c, p, n);
		return 0;
	}
	size_t i = 0;
	while (i < n) {
		if (c->ks == K_SIZE) {
			char ch = p[i++];
			if (ch == '\n') {
				c->size_line[c->size_len] = '\0';
				c->chunk_left = strtoull(c->size_line, NULL, 16);
				c->size_len = 0;
				if (!c->chunk_left)
					return 1;
				c->ks = K_DATA;
			} else if (ch != '\r' && c->size_len < sizeof(c->size_line) - 1) {
				c->size_line[c->size_len++] = ch;
			}
		} else if (c->ks == K_DATA) {
			size_t k = n - i < c->chunk_left ? n - i : (size_t)c->chunk_left;
			sse_feed(c, p + i, k);
			i += k;
			c->chunk_left -= k;
			if (!c->chunk_left)
				c->ks = K_DATA_END;
		} else {
			if (p[i++] == '\n')
				c->ks = K_SIZE;
		}
	}
	return 0;
}

/* Response headers; returns body bytes consumed from p, or -1 on a non-200. */
static long headers_feed(struct conn *c, const char *p, size_t n)
{
	size_t take = sizeof(c->head) - 1 - c->head_len;
	if (take > n)
		take = n;
	memcpy(c->head + c->head_len, p, take);
	c->head_len += take;
	c->head[c->head_len] = '\0';
	char *end = strstr(c->head, "\r\n\r\n");
	if (!end)
		return c->head_len >= sizeof(c->head) - 1 ? -1 : (long)n;
	if (strncmp(c->head, "HTTP/1.1 200", 12) && strncmp(c->head, "HTTP/1.0 200", 12))
		return -1;
	c->chunked = strcasestr(c->head, "transfer-encoding: chunked") != NULL;
	size_t head_bytes = (size_t)(end + 4 - c->head);
	size_t before = c->head_len - take;
	c->state = C_BODY;
	st.established++;
	return (long)(head_bytes - before);
}

/* --- connections ------------------------------------------------------- */

static struct conn *conn_new(const struct opts *o, int i, int ep)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	int one = 1;
	setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	struct sockaddr_in src = {.sin_family = AF_INET};
	src.sin_addr.s_addr = htonl(0x7f000001u + (uint32_t)(i % (o->sources ? o->sources : 1)));
	struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons((uint16_t)o->port)};
	if (bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0 ||
	    inet_pton(AF_INET, o->host, &dst.sin_addr) != 1 ||
	    (connect(fd, (struct sockaddr *)&dst, sizeof(dst)) < 0 && errno != EINPROGRESS)) {
		close(fd);
		return NULL;
	}
	struct conn *c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return NULL;
	}
	c->fd = fd;
	c->state = C_CONNECTING;
	struct epoll_event ev = {.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP, .data.ptr = c};
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	return c;
}

static void conn_request(struct conn *c, const char *text)
{
	c->req = strdup(text);
	c->req_len = strlen(text);
	c->req_off = 0;
	c->state = C_SENDING;
}

static void conn_close(struct conn *c, int ep, bool error)
{
	if (c->state == C_DONE)
		return;
	if (error)
		st.errors++;
	else
		st.closed++;
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->state = C_DONE;
	free(c->req);
	free(c->line);
	free(c->data);
	c->req = c->line = c->data = NULL;
}

static int conn_send(struct conn *c, int ep)
{
	while (c->req_off < c->req_len) {
		ssize_t w = send(c->fd, c->req + c->req_off, c->req_len - c->req_off, MSG_NOSIGNAL);
		if (w < 0)
			return errno == EAGAIN ? 0 : -1;
		c->req_off += (size_t)w;
	}
	free(c->req);
	c->req = NULL;
	c->state = C_HEADERS;
	struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.ptr = c};
	epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
	return 0;
}

/* Reads what is there; -1 on error or close. */
static int conn_recv(struct conn *c)
{
	char buf[65536];
	for (;;) {
		ssize_t r = recv(c->fd, buf, sizeof(buf), 0);
		if (r == 0)
			return -1;
		if (r < 0)
			return errno == EAGAIN ? 0 : -1;
		size_t off = 0;
		if (c->state == C_HEADERS) {
			long used = headers_feed(c, buf, (size_t)r);
			if (used < 0)
				return -1;
			off = (size_t)used;
		}
		if (c->state == C_BODY && off < (size_t)r && body_feed(c, buf + off, (size_t)r - off))
			return -1;
	}
}

/* --- the poster (optional) ---------------------------------------------- */

static struct conn *post_start(const struct opts *o, int ep)
{
	struct conn *c = conn_new(o, 0, ep);
	if (!c) {
		st.posts_failed++;
		return NULL;
	}
	char body[160], req[1024];
	int bl = snprintf(body, sizeof(body), "{\"status\":\"sse bench bench-ts:%lld\",\"visibility\":\"public\"}",
			  (long long)now_ms());
	snprintf(req, sizeof(req),
		 "POST /api/v1/statuses HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
		 "Content-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		 o->host, o->post_token, bl, body);
	conn_request(c, req);
	c->state = C_CONNECTING;
	st.posts_sent++;
	return c;
}

/* --- main loop ----------------------------------------------------------- */

/* The poster's connection: connect, send, read the status line, close. */
static void post_ready(struct conn *c, int ep)
{
	if (c->state == C_CONNECTING)
		c->state = C_SENDING;
	if (c->state == C_SENDING && conn_send(c, ep) < 0)
		goto failed;
	if (c->state != C_HEADERS)
		return;
	char buf[4096];
	ssize_t r;
	while ((r = recv(c->fd, buf, sizeof(buf), 0)) > 0) {
		if (!c->head_len) {
			c->head_len = (size_t)r;
			if (r < 12 || strncmp(buf, "HTTP/1.1 200", 12))
				goto failed;
		}
	}
	if (r < 0 && errno == EAGAIN)
		return;
	if (!c->head_len)
		goto failed;
	goto done;
failed:
	st.posts_failed++;
done:
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->req);
	c->req = NULL;
	c->state = C_DONE;
}

static void on_ready(struct conn *c, uint32_t events, int ep)
{
	if (c->state == C_CONNECTING) {
		int err = 0;
		socklen_t el = sizeof(err);
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
		if (err) {
			conn_close(c, ep, true);
			return;
		}
		c->state = C_SENDING;
	}
	if (c->state == C_SENDING && conn_send(c, ep) < 0) {
		conn_close(c, ep, true);
		return;
	}
	if ((c->state == C_HEADERS || c->state == C_BODY) && (events & (EPOLLIN | EPOLLRDHUP))) {
		if (conn_recv(c) < 0) {
			/* a stream the server ends after it was established is "closed" */
			conn_close(c, ep, c->state != C_BODY);
		}
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(double p)
{
	if (!st.n_lat)
		return 0;
	size_t i = (size_t)(p * (double)(st.n_lat - 1) + 0.5);
	return st.lat[i];
}

static void report(const struct opts *o, double elapsed)
{
	qsort(st.lat, st.n_lat, sizeof(*st.lat), cmp_double);
	printf("sse_client: %s:%d%s, %d connections asked, %.1f s\n", o->host, o->port, o->path,
	       o->connections, elapsed);
	printf("  established %ld, errors %ld, closed by server %ld\n", st.established, st.errors,
	       st.closed);
	printf("  events %ld (update %ld, notification %ld, delete %ld, other %ld), heartbeats %ld\n",
	       st.events, st.updates, st.notifications, st.deletes, st.others, st.heartbeats);
	if (o->post_token)
		printf("  posts sent %ld, failed %ld\n", st.posts_sent, st.posts_failed);
	if (st.n_lat)
		printf("  latency ms: p50 %.1f  p99 %.1f  max %.1f  (%zu samples)\n", pct(0.50),
		       pct(0.99), st.lat[st.n_lat - 1], st.n_lat);
	else
		printf("  latency: no timestamped events\n");
	printf("RESULT established=%ld errors=%ld events=%ld p50_ms=%.1f p99_ms=%.1f\n",
	       st.established, st.errors, st.events, pct(0.50), pct(0.99));
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	*o = (struct opts){.host = "127.0.0.1", .path = "/api/v1/streaming/user",
			   .connections = 100, .seconds = 10, .sources = 4, .pending = 512,
			   .post_ms = 200};
	for (int i = 1; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			return -1;
		i++;
		if (!strcmp(k, "--host")) o->host = v;
		else if (!strcmp(k, "--port")) o->port = (int)strtol(v, NULL, 10);
		else if (!strcmp(k, "--path")) o->path = v;
		else if (!strcmp(k, "--tokens")) o->tokens_file = v;
		else if (!strcmp(k, "--connections")) o->connections = (int)strtol(v, NULL, 10);
		else if (!strcmp(k, "--seconds")) o->seconds = (int)strtol(v, NULL, 10);
		else if (!strcmp(k, "--sources")) o->sources = (int)strtol(v, NULL, 10);
		else if (!strcmp(k, "--pending")) o->pending = (int)strtol(v, NULL, 10);
		else if (!strcmp(k, "--post")) o->post_token = v;
		else if (!strcmp(k, "--post-ms")) o->post_ms = (int)strtol(v, NULL, 10);
		else if (!strcmp(k, "--first")) o->first = (int)strtol(v, NULL, 10);
		else if (!strcmp(k, "--lat-out")) o->lat_out = v;
		else return -1;
	}
	if (o->port <= 0 || !o->tokens_file || o->connections <= 0 || o->seconds <= 0 ||
	    o->sources <= 0 || o->sources > 250 || o->pending <= 0 || o->post_ms <= 0 ||
	    o->first < 0)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	if (parse_opts(argc, argv, &o) < 0) {
		fprintf(stderr, "usage: sse_client --port P --tokens FILE [--host H] [--path P]"
				" [--connections N] [--seconds S] [--sources K] [--pending M]"
				" [--post TOKEN] [--post-ms MS] [--first I] [--lat-out FILE]\n");
		return 2;
	}
	if (load_tokens(o.tokens_file) < 0) {
		fprintf(stderr, "sse_client: no tokens in %s\n", o.tokens_file);
		return 2;
	}
	raise_nofile(o.connections + 16);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct conn **conns = calloc((size_t)o.connections, sizeof(*conns));
	struct conn *post = NULL;
	double t0 = mono_s(), end = t0 + o.seconds, next_post = t0 + 1.0;
	int opened = 0;
	struct epoll_event evs[1024];
	signal(SIGTERM, on_stop);
	signal(SIGINT, on_stop);
	while (mono_s() < end && !stop_asked) {
		/* open more streams while few are still connecting */
		long connecting = opened - st.established - st.errors - st.closed;
		while (opened < o.connections && connecting < o.pending) {
			char req[1024];
			snprintf(req, sizeof(req),
				 "GET %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
				 "Accept: text/event-stream\r\n\r\n",
				 o.path, o.host, tokens[(o.first + opened) % n_tokens]);
			struct conn *c = conn_new(&o, o.first + opened, ep);
			if (c) {
				conn_request(c, req);
				c->state = C_CONNECTING;
			} else {
				st.errors++;
			}
			conns[opened++] = c;
			connecting++;
		}
		if (o.post_token && mono_s() >= next_post && (!post || post->state == C_DONE)) {
			free(post);
			post = post_start(&o, ep);
			next_post = mono_s() + o.post_ms / 1000.0;
		}
		int n = epoll_wait(ep, evs, 1024, 50);
		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			if (c == post)
				post_ready(c, ep);
			else
				on_ready(c, evs[i].events, ep);
		}
	}
	report(&o, mono_s() - t0);
	if (o.lat_out) {
		FILE *f = fopen(o.lat_out, "w");
		for (size_t i = 0; f && i < st.n_lat; i++)
			fprintf(f, "%.1f\n", st.lat[i]);
		if (f)
			fclose(f);
	}
	for (int i = 0; i < opened; i++) {
		if (conns[i]) {
			conn_close(conns[i], ep, false);
			free(conns[i]);
		}
	}
	if (post) {
		if (post->state != C_DONE) {
			epoll_ctl(ep, EPOLL_CTL_DEL, post->fd, NULL);
			close(post->fd);
		}
		free(post->req);
		free(post);
	}
	free(conns);
	free(st.lat);
	for (size_t i = 0; i < n_tokens; i++)
		free(tokens[i]);
	free(tokens);
	close(ep);
	return st.established > 0 ? 0 : 1;
}
