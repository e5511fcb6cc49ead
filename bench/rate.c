/*
 * rate: an open-loop HTTP/1.1 load generator — one path, a fixed rate.
 *
 * wrk keeps N connections busy (closed loop): the server is driven to
 * saturation and every latency it reports is mostly queueing (N divided by
 * the throughput). Issue 6 asks for latency *at* a rate ("p99 <= 20 ms at
 * 5,000 req/s"), which only an open-loop client measures: this one issues
 * GET requests on an absolute schedule, request i due at start + i / rate,
 * whatever the server does, like wrk2's constant-throughput mode.
 *
 * Coordinated omission is corrected: each request's latency runs from its
 * due time, not from when it was written. A request that finds no free
 * connection (all are waiting for answers) waits in the client and that
 * wait counts, so a server that stalls for 1 s shows 1 s of latency on
 * every request due in that second rather than on the few that were in
 * flight. The time from the write is reported too ("from the send": what a
 * closed-loop client would say), and so is the wait from the due time to
 * the write: waiting for a free connection, or the generator itself late
 * (its timer wake-up, some 0.1 ms here; lag_p99 in the RESULT line).
 *
 * --threads workers, each with its own epoll loop, timerfd (absolute
 * CLOCK_MONOTONIC wake-ups, timer slack 1 ns) and share of --connections
 * keep-alive connections to 127.0.0.1:PORT, take requests i = T*j + t.
 * One request per connection at a time (no pipelining); idle connections
 * are used in turn (FIFO), so the load spreads over all of them. Each
 * request carries the next token of --tokens (one per line, as
 * bench/home.lua) as "Authorization: Bearer"; without --tokens, none.
 * Responses are parsed: the status line, Content-Length, chunked bodies
 * (with trailers), bodies up to the close, 1xx interim answers skipped,
 * "Connection: close" and HTTP/1.0 honoured. A connection that closes or
 * fails is opened again (10 ms later after a failed connect).
 *
 * The first --warmup seconds are on the schedule but not measured; then
 * --seconds are. After the schedule ends, requests due in it that are
 * still waiting or in flight get up to --drain seconds to be answered;
 * what is left is reported as unanswered (the server could not keep up).
 * The achieved rate counts the answers that arrived within the measured
 * window: below the asked rate, the server did not keep up. Percentiles
 * are exact (every sample sorted), microsecond resolution; a per-second
 * table (by due time) shows latency growing when it does.
 *
 * Usage: rate --port P --path PATH --rate R --seconds S [--tokens FILE]
 *          [--connections 64] [--threads 1] [--warmup 1] [--drain 5]
 * Prints a summary and a "RESULT key=value ..." line for bench/run.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define MAX_TOKENS 1000000
#define MAX_THREADS 64
#define MAX_CONNECTIONS 10000
#define IN_CAP 65536 /* a response head (or chunk-size line) must fit */
#define REQ_MAX 8192
#define RETRY_US 10000

enum conn_state { C_DOWN, C_CONNECTING, C_IDLE, C_WRITING, C_READING };
enum body_mode { B_NONE, B_LENGTH, B_CHUNKED, B_UNTIL_CLOSE };
enum chunk_state { K_SIZE, K_DATA, K_DATA_CRLF, K_TRAILER };
enum parse_result { P_MORE, P_DONE, P_BAD };

struct conn {
	int fd;
	enum conn_state state;
	int64_t retry_at; /* C_DOWN: when to connect again */
	/* the request in flight */
	int64_t due_us, sent_us;
	bool measured; /* due within the measured window */
	char out[REQ_MAX];
	size_t out_len, out_off;
	/* the response being read */
	char in[IN_CAP];
	size_t in_len;
	bool head_done, close_after;
	int status;
	enum body_mode mode;
	enum chunk_state ks;
	unsigned long long left;
	/* the idle list (FIFO) */
	struct conn *prev, *next;
	bool idle;
};

struct sample {
	uint32_t lat_us; /* from the due time */
	uint32_t svc_us; /* from the write */
	uint32_t due_ms; /* since the measured window began */
	uint16_t status;
};

struct worker {
	int id, ep, tfd, n_conns;
	struct conn *conns;
	struct conn *idle_head, *idle_tail;
	long next_j; /* this worker's next request: i = threads * j + id */
	int busy, down;
	int64_t armed;
	struct sample *s;
	size_t n_s, cap_s;
	long answered_in_window, ok_in_window, non2xx, shed503, err_connect, err_io, err_parse,
	    reconnects;
	long unsent, in_flight;
};

static int port, threads = 1, connections = 64;
static double rate, seconds, warmup = 1, drain = 5;
static const char *path;
static char **tokens;
static long n_tokens;
static int64_t t0_us, window_us, sched_end_us, drain_end_us;

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fprintf(stderr, "rate: out of memory\n");
		exit(1);
	}
	return p;
}

static int64_t due_of(const struct worker *w, long j)
{
	double i = (double)j * threads + w->id;
	return t0_us + (int64_t)(i * 1e6 / rate);
}

/* --- connections ---------------------------------------------------------- */

static void idle_push(struct worker *w, struct conn *c)
{
	c->state = C_IDLE;
	c->idle = true;
	c->next = NULL;
	c->prev = w->idle_tail;
	if (w->idle_tail)
		w->idle_tail->next = c;
	else
		w->idle_head = c;
	w->idle_tail = c;
}

static void idle_remove(struct worker *w, struct conn *c)
{
	if (!c->idle)
		return;
	if (c->prev)
		c->prev->next = c->next;
	else
		w->idle_head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		w->idle_tail = c->prev;
	c->prev = c->next = NULL;
	c->idle = false;
}

static void watch(struct worker *w, struct conn *c, int op, bool out)
{
	struct epoll_event ev = {.events = EPOLLIN | (out ? EPOLLOUT : 0), .data.ptr = c};
	epoll_ctl(w->ep, op, c->fd, &ev);
}

static void conn_open(struct worker *w, struct conn *c)
{
	c->in_len = 0;
	c->head_done = false;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int one = 1;
	if (fd >= 0)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (fd < 0 ||
	    (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS)) {
		if (fd >= 0)
			close(fd);
		w->err_connect++;
		c->fd = -1;
		c->state = C_DOWN;
		c->retry_at = mono_us() + RETRY_US;
		w->down++;
		return;
	}
	c->fd = fd;
	c->state = C_CONNECTING;
	watch(w, c, EPOLL_CTL_ADD, true);
}

/* Closes c; a request in flight on it is lost (an error if it was measured). */
static void conn_close(struct worker *w, struct conn *c, long *error_count)
{
	idle_remove(w, c);
	if (c->state == C_WRITING || c->state == C_READING) {
		w->busy--;
		if (c->measured && error_count)
			(*error_count)++;
	}
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->state = C_DOWN;
}

static void conn_reopen(struct worker *w, struct conn *c, long *error_count)
{
	conn_close(w, c, error_count);
	conn_open(w, c);
}

static void conn_write(struct worker *w, struct conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
		if (n < 0 && errno == EAGAIN) {
			if (c->state != C_WRITING)
				watch(w, c, EPOLL_CTL_MOD, true);
			c->state = C_WRITING;
			return;
		}
		if (n <= 0) {
			conn_reopen(w, c, &w->err_io);
			return;
		}
		c->out_off += (size_t)n;
	}
	if (c->state == C_WRITING)
		watch(w, c, EPOLL_CTL_MOD, false);
	c->state = C_READING;
}

static void conn_send(struct worker *w, struct conn *c, long j, int64_t due)
{
	long i = j * threads + w->id;
	int n;
	if (n_tokens)
		n = snprintf(
		    c->out, sizeof(c->out),
		    "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAuthorization: Bearer %s\r\n\r\n",
		    path, port, tokens[i % n_tokens]);
	else
		n = snprintf(c->out, sizeof(c->out),
			     "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n", path, port);
	c->out_len = (size_t)n < sizeof(c->out) ? (size_t)n : sizeof(c->out) - 1;
	c->out_off = 0;
	c->due_us = due;
	c->measured = due >= t0_us + (int64_t)(warmup * 1e6);
	c->in_len = 0;
	c->head_done = false;
	w->busy++;
	c->state = C_READING;
	c->sent_us = mono_us();
	conn_write(w, c);
}

/* --- responses -------------------------------------------------------------- */

/* The value of header NAME in the head [h, end), or NULL. */
static const char *header(const char *h, const char *end, const char *name, size_t *len)
{
	size_t nl = strlen(name);
	for (const char *line = memchr(h, '\n', (size_t)(end - h)); line && line + 1 < end;
	     line = memchr(line + 1, '\n', (size_t)(end - line - 1))) {
		const char *p = line + 1;
		if ((size_t)(end - p) > nl && !strncasecmp(p, name, nl) && p[nl] == ':') {
			p += nl + 1;
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			const char *e = p;
			while (e < end && *e != '\r' && *e != '\n')
				e++;
			*len = (size_t)(e - p);
			return p;
		}
	}
	return NULL;
}

static bool has_token(const char *v, size_t len, const char *word)
{
	size_t wl = strlen(word);
	for (size_t k = 0; k + wl <= len; k++)
		if (!strncasecmp(v + k, word, wl))
			return true;
	return false;
}

/* Parses the head at c->in (head_len bytes with the blank line). */
static enum parse_result parse_head(struct conn *c, size_t head_len)
{
	const char *h = c->in, *end = c->in + head_len;
	if (head_len < 12 || memcmp(h, "HTTP/1.", 7) || (h[7] != '0' && h[7] != '1') ||
	    h[8] != ' ' || h[9] < '1' || h[9] > '5' || h[10] < '0' || h[10] > '9' || h[11] < '0' ||
	    h[11] > '9')
		return P_BAD;
	c->status = (h[9] - '0') * 100 + (h[10] - '0') * 10 + (h[11] - '0');
	size_t len;
	const char *v = header(h, end, "connection", &len);
	c->close_after = h[7] == '0' ? !(v && has_token(v, len, "keep-alive"))
				     : (v && has_token(v, len, "close"));
	c->left = 0;
	if (c->status < 200 || c->status == 204 || c->status == 304) {
		c->mode = B_NONE;
	} else if ((v = header(h, end, "transfer-encoding", &len)) &&
		   has_token(v, len, "chunked")) {
		c->mode = B_CHUNKED;
		c->ks = K_SIZE;
	} else if ((v = header(h, end, "content-length", &len))) {
		char *e;
		errno = 0;
		c->left = strtoull(v, &e, 10);
		if (e == v || errno || (size_t)(e - v) != len)
			return P_BAD;
		c->mode = B_LENGTH;
	} else {
		c->mode = B_UNTIL_CLOSE;
		c->close_after = true;
	}
	return P_MORE;
}

/* One line ending in CRLF at the start of p[0..n): its length with the
 * CRLF, or 0 if it is not all there. */
static size_t line_len(const char *p, size_t n)
{
	const char *e = memchr(p, '\n', n);
	return e ? (size_t)(e - p) + 1 : 0;
}

/* Consumes what it can of c->in[*off .. in_len) in the chunked body. */
static enum parse_result parse_chunked(struct conn *c, size_t *off)
{
	for (;;) {
		const char *p = c->in + *off;
		size_t n = c->in_len - *off, l;
		switch (c->ks) {
		case K_SIZE: {
			if (!(l = line_len(p, n)))
				return P_MORE;
			char *e;
			errno = 0;
			c->left = strtoull(p, &e, 16);
			if (e == p || errno || (*e != '\r' && *e != ';' && *e != '\n'))
				return P_BAD;
			*off += l;
			c->ks = c->left ? K_DATA : K_TRAILER;
			break;
		}
		case K_DATA: {
			size_t take = n < c->left ? n : (size_t)c->left;
			*off += take;
			c->left -= take;
			if (c->left)
				return P_MORE;
			c->ks = K_DATA_CRLF;
			break;
		}
		case K_DATA_CRLF:
			if (!(l = line_len(p, n)))
				return P_MORE;
			if (l > 2 || (l == 2 && p[0] != '\r'))
				return P_BAD;
			*off += l;
			c->ks = K_SIZE;
			break;
		case K_TRAILER:
			if (!(l = line_len(p, n)))
				return P_MORE;
			*off += l;
			if (l <= 2)
				return P_DONE;
			break;
		}
	}
}

/* Parses what has arrived; eof: the peer closed after it. */
static enum parse_result parse(struct conn *c, bool eof)
{
	size_t off = 0;
	enum parse_result r = P_MORE;
	for (;;) {
		if (!c->head_done) {
			char *e = memmem(c->in + off, c->in_len - off, "\r\n\r\n", 4);
			if (!e) {
				r = c->in_len - off >= IN_CAP - 1 || eof ? P_BAD : P_MORE;
				break;
			}
			size_t head_len = (size_t)(e + 4 - (c->in + off));
			memmove(c->in, c->in + off, c->in_len - off);
			c->in_len -= off;
			off = 0;
			if (parse_head(c, head_len) == P_BAD) {
				r = P_BAD;
				break;
			}
			off = head_len;
			if (c->status < 200) /* 100 Continue and the like: the answer follows */
				continue;
			c->head_done = true;
		}
		switch (c->mode) {
		case B_NONE:
			r = P_DONE;
			break;
		case B_LENGTH: {
			size_t n = c->in_len - off, take = n < c->left ? n : (size_t)c->left;
			off += take;
			c->left -= take;
			r = !c->left ? P_DONE : eof ? P_BAD : P_MORE;
			break;
		}
		case B_UNTIL_CLOSE:
			off = c->in_len;
			r = eof ? P_DONE : P_MORE;
			break;
		case B_CHUNKED:
			r = parse_chunked(c, &off);
			if (r == P_MORE && eof)
				r = P_BAD;
			break;
		}
		break;
	}
	if (r == P_DONE && off < c->in_len)
		r = P_BAD; /* bytes nobody asked for: no pipelining here */
	memmove(c->in, c->in + off, c->in_len - off);
	c->in_len -= off;
	return r;
}

static void record(struct worker *w, struct conn *c, int64_t now)
{
	int64_t ws = t0_us + (int64_t)(warmup * 1e6);
	if (now >= ws && now < ws + window_us) {
		w->answered_in_window++;
		w->ok_in_window += c->status >= 200 && c->status <= 299;
	}
	if (!c->measured)
		return;
	if (c->status < 200 || c->status > 299)
		w->non2xx++;
	if (c->status == 503)
		w->shed503++;
	if (w->n_s == w->cap_s) {
		w->cap_s = w->cap_s ? w->cap_s * 2 : 65536;
		w->s = xrealloc(w->s, w->cap_s * sizeof(*w->s));
	}
	int64_t lat = now - c->due_us, svc = now - c->sent_us;
	w->s[w->n_s++] = (struct sample){
	    .lat_us = lat > UINT32_MAX ? UINT32_MAX : (uint32_t)lat,
	    .svc_us = svc > UINT32_MAX ? UINT32_MAX : (uint32_t)svc,
	    .due_ms = (uint32_t)((c->due_us - ws) / 1000),
	    .status = (uint16_t)c->status,
	};
}

static void conn_readable(struct worker *w, struct conn *c)
{
	for (;;) {
		ssize_t n = recv(c->fd, c->in + c->in_len, IN_CAP - c->in_len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		bool eof = n <= 0;
		if (c->state == C_IDLE) {
			/* closed by the server while idle: open another; bytes
			 * nobody asked for are a bad response */
			if (eof)
				w->reconnects++;
			else
				w->err_parse++;
			conn_reopen(w, c, NULL);
			return;
		}
		if (n < 0) {
			conn_reopen(w, c, &w->err_io);
			return;
		}
		c->in_len += (size_t)n;
		enum parse_result r = parse(c, eof);
		if (r == P_BAD) {
			conn_reopen(w, c, eof ? &w->err_io : &w->err_parse);
			return;
		}
		if (r == P_MORE)
			continue;
		record(w, c, mono_us());
		w->busy--;
		if (c->state == C_WRITING) /* answered before the request was all written */
			watch(w, c, EPOLL_CTL_MOD, false);
		c->state = C_IDLE;
		if (c->close_after || eof) {
			w->reconnects++;
			conn_reopen(w, c, NULL);
		} else {
			idle_push(w, c);
		}
		return;
	}
}

static void conn_event(struct worker *w, struct conn *c, uint32_t ev)
{
	if (c->state == C_CONNECTING) {
		int err = 0;
		socklen_t el = sizeof(err);
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
		if (err || (ev & (EPOLLERR | EPOLLHUP))) {
			conn_close(w, c, NULL);
			w->err_connect++;
			c->retry_at = mono_us() + RETRY_US;
			w->down++;
			return;
		}
		if (ev & EPOLLOUT) {
			watch(w, c, EPOLL_CTL_MOD, false);
			idle_push(w, c);
		}
		return;
	}
	if (c->state == C_WRITING && (ev & EPOLLOUT))
		conn_write(w, c);
	if (c->fd >= 0 && (ev & (EPOLLIN | EPOLLERR | EPOLLHUP)))
		conn_readable(w, c);
}

/* --- the loop ----------------------------------------------------------------- */

static void arm(struct worker *w, int64_t at)
{
	if (at == w->armed)
		return;
	w->armed = at;
	struct itimerspec its = {
	    .it_value = {.tv_sec = at / 1000000, .tv_nsec = (at % 1000000) * 1000 + 1}};
	timerfd_settime(w->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void revive(struct worker *w, int64_t now, int64_t *wake)
{
	if (!w->down)
		return;
	for (int k = 0; k < w->n_conns; k++) {
		struct conn *c = &w->conns[k];
		if (c->state != C_DOWN)
			continue;
		if (c->retry_at <= now) {
			w->down--;
			conn_open(w, c);
		} else if (c->retry_at < *wake) {
			*wake = c->retry_at;
		}
	}
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	prctl(PR_SET_TIMERSLACK, 1UL);
	w->ep = epoll_create1(EPOLL_CLOEXEC);
	w->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	struct epoll_event tev = {.events = EPOLLIN, .data.ptr = NULL};
	epoll_ctl(w->ep, EPOLL_CTL_ADD, w->tfd, &tev);
	for (int k = 0; k < w->n_conns; k++)
		conn_open(w, &w->conns[k]);
	struct epoll_event evs[256];
	for (;;) {
		int64_t now = mono_us(), due;
		while (w->idle_head && (due = due_of(w, w->next_j)) <= now && due < sched_end_us &&
		       now < drain_end_us) {
			struct conn *c = w->idle_head;
			idle_remove(w, c);
			conn_send(w, c, w->next_j++, due);
		}
		due = due_of(w, w->next_j);
		if ((due >= sched_end_us && !w->busy) || now >= drain_end_us)
			break;
		int64_t wake = drain_end_us;
		if (w->idle_head && due < sched_end_us && due < wake)
			wake = due;
		revive(w, now, &wake);
		arm(w, wake);
		int n = epoll_wait(w->ep, evs, 256, -1);
		for (int k = 0; k < n; k++) {
			struct conn *c = evs[k].data.ptr;
			if (!c) {
				uint64_t x;
				if (read(w->tfd, &x, sizeof(x)) < 0)
					(void)0; /* nothing to read: a stale wake-up */
				w->armed = 0;
				continue;
			}
			if (c->fd >= 0)
				conn_event(w, c, evs[k].events);
		}
	}
	/* what the server did not answer in time */
	int64_t ws = t0_us + (int64_t)(warmup * 1e6);
	for (long j = w->next_j; due_of(w, j) < sched_end_us; j++)
		if (due_of(w, j) >= ws)
			w->unsent++;
	for (int k = 0; k < w->n_conns; k++) {
		struct conn *c = &w->conns[k];
		if ((c->state == C_WRITING || c->state == C_READING) && c->measured)
			w->in_flight++;
		if (c->fd >= 0)
			close(c->fd);
	}
	close(w->ep);
	close(w->tfd);
	return NULL;
}

/* --- the report ----------------------------------------------------------------- */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Nearest rank: the smallest value with at least p of the samples at or below it. */
static double pct_ms(const uint32_t *v, size_t n, double p)
{
	if (!n)
		return 0;
	size_t k = (size_t)(p * (double)n + 0.999999);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1] / 1000.0;
}

static void print_dist(const char *label, uint32_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_u32);
	printf("  %-44s p50 %8.3f  p90 %8.3f  p99 %8.3f  p99.9 %8.3f  max %8.3f\n", label,
	       pct_ms(v, n, 0.5), pct_ms(v, n, 0.9), pct_ms(v, n, 0.99), pct_ms(v, n, 0.999),
	       pct_ms(v, n, 1));
}

/* Latency by second of the window (by due time): a server falling behind
 * shows as latency growing second by second. */
static void per_second(const struct sample *s, size_t n, uint32_t *tmp)
{
	size_t secs = (size_t)(seconds + 0.999);
	size_t *at = xrealloc(NULL, (secs + 1) * sizeof(*at));
	memset(at, 0, (secs + 1) * sizeof(*at));
	for (size_t k = 0; k < n; k++) /* counting sort by second */
		at[s[k].due_ms / 1000 < secs ? s[k].due_ms / 1000 + 1 : secs]++;
	for (size_t sec = 1; sec <= secs; sec++)
		at[sec] += at[sec - 1];
	size_t *fill = xrealloc(NULL, secs * sizeof(*fill));
	memcpy(fill, at, secs * sizeof(*fill));
	for (size_t k = 0; k < n; k++) {
		size_t sec = s[k].due_ms / 1000 < secs ? s[k].due_ms / 1000 : secs - 1;
		tmp[fill[sec]++] = s[k].lat_us;
	}
	printf("  per second of the window, by due time (ms from the due time):\n");
	printf("    %6s %8s %8s %9s %9s %9s\n", "second", "due", "answered", "p50", "p99", "max");
	for (size_t sec = 0; sec < secs; sec++) {
		uint32_t *v = tmp + at[sec];
		size_t m = at[sec + 1] - at[sec];
		qsort(v, m, sizeof(*v), cmp_u32);
		double lo = (double)sec,
		       hi = (double)(sec + 1) < seconds ? (double)(sec + 1) : seconds;
		long due = (long)(hi * rate + 0.5) - (long)(lo * rate + 0.5);
		printf("    %6zu %8ld %8zu %9.3f %9.3f %9.3f\n", sec, due, m, pct_ms(v, m, 0.5),
		       pct_ms(v, m, 0.99), pct_ms(v, m, 1));
	}
	free(at);
	free(fill);
}

static void report(struct worker *ws, double elapsed)
{
	struct worker t = {0};
	size_t n = 0;
	for (int k = 0; k < threads; k++)
		n += ws[k].n_s;
	struct sample *s = xrealloc(NULL, (n ? n : 1) * sizeof(*s));
	n = 0;
	for (int k = 0; k < threads; k++) {
		struct worker *w = &ws[k];
		if (w->n_s)
			memcpy(s + n, w->s, w->n_s * sizeof(*s));
		n += w->n_s;
		t.answered_in_window += w->answered_in_window;
		t.ok_in_window += w->ok_in_window;
		t.non2xx += w->non2xx;
		t.shed503 += w->shed503;
		t.err_connect += w->err_connect;
		t.err_io += w->err_io;
		t.err_parse += w->err_parse;
		t.reconnects += w->reconnects;
		t.unsent += w->unsent;
		t.in_flight += w->in_flight;
	}
	uint32_t *lat = xrealloc(NULL, (n ? n : 1) * sizeof(*lat));
	uint32_t *svc = xrealloc(NULL, (n ? n : 1) * sizeof(*svc));
	uint32_t *lag = xrealloc(NULL, (n ? n : 1) * sizeof(*lag));
	for (size_t k = 0; k < n; k++) {
		lat[k] = s[k].lat_us;
		svc[k] = s[k].svc_us;
		lag[k] = s[k].lat_us - s[k].svc_us;
	}
	long due = (long)(seconds * rate + 0.5);
	long errors = t.err_connect + t.err_io + t.err_parse;
	long unanswered = t.unsent + t.in_flight;
	double achieved = (double)t.answered_in_window / seconds;
	double ok_rate = (double)t.ok_in_window / seconds;
	printf("rate: GET %s at %.0f req/s for %.0f s (+%.0f s warm-up, %.1f s in all), "
	       "%d connections, %d thread%s\n",
	       path, rate, seconds, warmup, elapsed, connections, threads, threads > 1 ? "s" : "");
	printf("  achieved %.1f req/s (answers within the window; asked %.0f), 2xx %.1f req/s\n",
	       achieved, rate, ok_rate);
	printf("  requests due %ld, answered %zu, non-2xx %ld (503: %ld), errors %ld (connect %ld,"
	       " read/write %ld, bad response %ld), unanswered after the %.0f s drain %ld"
	       " (never sent %ld, in flight %ld), reconnects %ld\n",
	       due, n, t.non2xx, t.shed503, errors, t.err_connect, t.err_io, t.err_parse, drain,
	       unanswered, t.unsent, t.in_flight, t.reconnects);
	if (achieved < rate * 0.99 || unanswered)
		printf("  THE SERVER DID NOT KEEP UP: fewer answers than asked, or requests left"
		       " unanswered (latency below covers the answered ones)\n");
	print_dist("latency from the due time (ms):", lat, n);
	print_dist("from the send (closed-loop view, ms):", svc, n);
	print_dist("waited, due time to the write (ms):", lag, n);
	per_second(s, n, svc); /* svc is free to reuse now */
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		     (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	printf("  client CPU: %.2f s (user + system) over %.1f s, %.0f %% of one core\n", cpu,
	       elapsed, elapsed > 0 ? cpu / elapsed * 100 : 0);
	printf(
	    "RESULT asked=%.0f rate=%.1f ok_rate=%.1f due=%ld answered=%zu non2xx=%ld shed503=%ld "
	    "errors=%ld unanswered=%ld p50=%.3f p90=%.3f p99=%.3f p999=%.3f max=%.3f "
	    "lag_p99=%.3f client_cpu=%.2f\n",
	    rate, achieved, ok_rate, due, n, t.non2xx, t.shed503, errors, unanswered,
	    pct_ms(lat, n, 0.5), pct_ms(lat, n, 0.9), pct_ms(lat, n, 0.99), pct_ms(lat, n, 0.999),
	    pct_ms(lat, n, 1), pct_ms(lag, n, 0.99), cpu);
	free(s);
	free(lat);
	free(svc);
	free(lag);
}

/* --- main ----------------------------------------------------------------------- */

static int load_tokens(const char *file)
{
	FILE *f = fopen(file, "r");
	if (!f)
		return -1;
	tokens = xrealloc(NULL, MAX_TOKENS * sizeof(*tokens));
	char line[4096];
	while (n_tokens < MAX_TOKENS && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n \t")] = '\0';
		if (!*line)
			continue;
		tokens[n_tokens] = strdup(line);
		if (!tokens[n_tokens])
			return -1;
		n_tokens++;
	}
	fclose(f);
	return n_tokens ? 0 : -1;
}

static int usage(void)
{
	fprintf(stderr, "usage: rate --port P --path PATH --rate R --seconds S [--tokens FILE]"
			" [--connections 64] [--threads 1] [--warmup 1] [--drain 5]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *file = NULL;
	for (int k = 1; k < argc; k += 2) {
		const char *o = argv[k], *v = k + 1 < argc ? argv[k + 1] : NULL;
		if (!v)
			return usage();
		if (!strcmp(o, "--port"))
			port = (int)strtol(v, NULL, 10);
		else if (!strcmp(o, "--tokens"))
			file = v;
		else if (!strcmp(o, "--path"))
			path = v;
		else if (!strcmp(o, "--rate"))
			rate = strtod(v, NULL);
		else if (!strcmp(o, "--seconds"))
			seconds = strtod(v, NULL);
		else if (!strcmp(o, "--connections"))
			connections = (int)strtol(v, NULL, 10);
		else if (!strcmp(o, "--threads"))
			threads = (int)strtol(v, NULL, 10);
		else if (!strcmp(o, "--warmup"))
			warmup = strtod(v, NULL);
		else if (!strcmp(o, "--drain"))
			drain = strtod(v, NULL);
		else {
			fprintf(stderr, "rate: unknown option %s\n", o);
			return usage();
		}
	}
	if (port <= 0 || port > 65535 || !path || path[0] != '/' || strpbrk(path, " \r\n") ||
	    strlen(path) > 2048 || rate <= 0 || seconds <= 0 || seconds > 3600 || warmup < 0 ||
	    drain < 0 || threads < 1 || threads > MAX_THREADS || connections < threads ||
	    connections > MAX_CONNECTIONS || rate * (seconds + warmup) > 2e9)
		return usage();
	if (file && load_tokens(file) < 0) {
		fprintf(stderr, "rate: no tokens in %s\n", file);
		return 2;
	}
	struct worker *ws = xrealloc(NULL, (size_t)threads * sizeof(*ws));
	memset(ws, 0, (size_t)threads * sizeof(*ws));
	window_us = (int64_t)(seconds * 1e6);
	t0_us = mono_us() + 100000; /* time to connect */
	sched_end_us = t0_us + (int64_t)((warmup + seconds) * 1e6);
	drain_end_us = sched_end_us + (int64_t)(drain * 1e6);
	pthread_t tid[MAX_THREADS];
	for (int k = 0; k < threads; k++) {
		struct worker *w = &ws[k];
		w->id = k;
		w->n_conns = connections / threads + (k < connections % threads);
		w->conns = xrealloc(NULL, (size_t)w->n_conns * sizeof(*w->conns));
		memset(w->conns, 0, (size_t)w->n_conns * sizeof(*w->conns));
		pthread_create(&tid[k], NULL, worker_run, w);
	}
	for (int k = 0; k < threads; k++)
		pthread_join(tid[k], NULL);
	report(ws, (double)(mono_us() - t0_us) / 1e6);
	long answered = 0;
	for (int k = 0; k < threads; k++) {
		answered += (long)ws[k].n_s;
		free(ws[k].s);
		free(ws[k].conns);
	}
	free(ws);
	return answered > 0 ? 0 : 1;
}
