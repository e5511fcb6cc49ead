/*
 * http_relay_main: the stream relay process (`moka stream-relay`).
 *
 * One thread and one epoll set over the shared listening socket (with
 * EPOLLEXCLUSIVE, so one relay wakes per new connection), the channel to
 * the server, and every client. A client goes through three states:
 *   HEAD     its request head is read (at most RELAY_HEAD_MAX bytes, within
 *            the head timeout) and checked;
 *   OPEN     its RELAY_REQUEST went to the server: the server's bytes go
 *            out, whatever the client sends is dropped;
 *   CLOSING  its last bytes (the server's, or an error response of ours)
 *            go out, then it is closed, within CLOSE_LINGER_MS.
 * A connection costs its 32-byte slot: the head buffer lives only while
 * the head is read, the queue of unsent bytes only while there are some.
 * A connection's id is its slot's generation (high half) and the slot's
 * index (low half); epoll carries the id, so an event or a frame about a
 * connection already closed finds a newer generation and is ignored.
 * The rules of the channel are in http_relay.h. Nothing here blocks: a
 * client or the server that takes nothing fills a capped queue.
 */
#include "http/http_relay.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "json/json_writer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define ACCEPT_BATCH 256	  /* connections accepted per wakeup, at most */
#define EVENTS_MAX 256		  /* events taken per epoll_wait */
#define ACCEPT_PAUSE_MS 1000	  /* out of descriptors: stop accepting this long */
#define CLOSE_LINGER_MS 5000	  /* a closing client that reads nothing is closed after this */
#define CHAN_BACKLOG (4u << 20)	  /* this much unsent to the server: accept nobody new */
#define CHAN_OUT_MAX (256u << 20) /* this much unsent: the server is gone in all but name */
#define CHAN_IN_SIZE (sizeof(struct relay_frame) + RELAY_PAYLOAD_MAX)
#define READ_CHUNK 4096

/* epoll ids of the two descriptors that are not clients (whose ids have a
 * generation of at least 1) */
#define ID_LISTEN 0
#define ID_CHAN 1

enum conn_state { CONN_FREE, CONN_HEAD, CONN_OPEN, CONN_CLOSING };

/* Bytes not yet written: b.ptr[off .. b.len); b.max caps what is unsent. */
struct outq {
	struct buf b;
	size_t off;
};

struct conn {
	struct buf *head; /* HEAD: the request head so far (NULL before any byte) */
	struct outq *out; /* unsent bytes; NULL when there are none */
	int fd;
	uint32_t gen;	 /* the id's high half: how often the slot was used */
	uint32_t events; /* what epoll watches */
	uint8_t state;	 /* enum conn_state */
};
_Static_assert(sizeof(struct conn) <= 32, "an idle stream costs a slot and nothing more");

/* A deadline for a connection; each queue's deadlines come in order, as
 * each queue is for one fixed delay. */
struct timer {
	uint64_t id;
	int64_t at;
};

struct timeq {
	struct timer *v;
	size_t start, len, cap;
};

struct relay {
	int ep, listen_fd, chan_fd;
	int exit; /* -1 while running, then the exit status */
	int64_t now, head_timeout_ms;
	struct conn *conns;   /* the slots */
	uint32_t *free_slots; /* a stack of free slots' indexes */
	uint32_t nslots, nfree;
	struct timeq heads, closings;
	bool listening, chan_backlog;
	int64_t accept_paused_until;
	char *in; /* the channel's bytes not yet taken as frames */
	size_t in_len;
	struct outq chan_out;
	uint32_t chan_events;
};

struct span {
	const char *p;
	size_t n;
};

/* A request head, pointing into its buffer. */
struct head {
	struct span method, target;
	struct span names[RELAY_HEADERS_MAX], values[RELAY_HEADERS_MAX];
	int nfields;
};

static int64_t now_ms(void)
{
	return clock_mono_us() / 1000;
}

/* --- deadlines ------------------------------------------------------------ */

static void timeq_push(struct timeq *q, uint64_t id, int64_t at)
{
	if (q->len == q->cap && q->start > 0) {
		memmove(q->v, q->v + q->start, (q->len - q->start) * sizeof(*q->v));
		q->len -= q->start;
		q->start = 0;
	}
	if (q->len == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 64;
		q->v = xrealloc(q->v, q->cap * sizeof(*q->v));
	}
	q->v[q->len++] = (struct timer){id, at};
}

/* The first deadline, or INT64_MAX for none. */
static int64_t timeq_next(const struct timeq *q)
{
	return q->start < q->len ? q->v[q->start].at : INT64_MAX;
}

/* Takes the first deadline into *t if it has come. */
static bool timeq_due(struct timeq *q, int64_t now, struct timer *t)
{
	if (timeq_next(q) > now)
		return false;
	*t = q->v[q->start++];
	if (q->start == q->len)
		q->start = q->len = 0;
	return true;
}

/* --- unsent bytes --------------------------------------------------------- */

static struct outq *outq_new(size_t max)
{
	struct outq *q = xmalloc(sizeof(*q));
	buf_init(&q->b, max);
	q->off = 0;
	return q;
}

static void outq_free(struct outq *q)
{
	if (q) {
		buf_free(&q->b);
		free(q);
	}
}

static size_t outq_unsent(const struct outq *q)
{
	return q->b.len - q->off;
}

/* Makes room for n more bytes, moving the unsent ones to the front when
 * that saves growing. -1 if the unsent bytes would pass the queue's max. */
static int outq_reserve(struct outq *q, size_t n)
{
	if (n > q->b.max - outq_unsent(q))
		return -1;
	if (q->off > 0 && q->b.len + n >= q->b.cap) {
		memmove(q->b.ptr, q->b.ptr + q->off, outq_unsent(q));
		q->b.len -= q->off;
		q->b.ptr[q->b.len] = '\0';
		q->off = 0;
	}
	return buf_reserve(&q->b, n);
}

/* Sends what fd takes of p[0..n) without blocking: the bytes sent, or -1
 * if fd failed. */
static ssize_t send_some(int fd, const char *p, size_t n)
{
	size_t done = 0;
	while (done < n) {
		ssize_t w = send(fd, p + done, n - done, MSG_NOSIGNAL);
		if (w > 0)
			done += (size_t)w;
		else if (w < 0 && errno == EINTR)
			continue;
		else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		else
			return -1;
	}
	return (ssize_t)done;
}

/* Writes what fd takes now. 0, or -1 if fd failed. */
static int outq_flush(struct outq *q, int fd)
{
	ssize_t n = send_some(fd, q->b.ptr + q->off, outq_unsent(q));
	if (n < 0)
		return -1;
	q->off += (size_t)n;
	if (q->off == q->b.len) {
		buf_reset(&q->b);
		q->off = 0;
	}
	return 0;
}

/* Reads and drops what fd has to read. -1 once it has ended or failed. */
static int discard_input(int fd)
{
	char tmp[READ_CHUNK];
	for (int i = 0; i < 16; i++) {
		ssize_t n = recv(fd, tmp, sizeof(tmp), 0);
		if (n > 0)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return 0;
		return -1;
	}
	return 0;
}

/* --- the channel out ------------------------------------------------------ */

/* Queues a frame's header and makes room for its len bytes of payload,
 * which the caller appends. -1 (and the relay stops) if the server has
 * taken nothing for CHAN_OUT_MAX bytes. */
static int chan_frame(struct relay *r, uint8_t type, uint64_t id, size_t len)
{
	struct relay_frame f = {.len = (uint32_t)len, .type = type, .conn = id};
	if (outq_reserve(&r->chan_out, sizeof(f) + len) < 0) {
		log_error("stream relay: the server has not read %u bytes; stopping", CHAN_OUT_MAX);
		r->exit = 1;
		return -1;
	}
	buf_append(&r->chan_out.b, &f, sizeof(f));
	if (outq_unsent(&r->chan_out) > CHAN_BACKLOG)
		r->chan_backlog = true;
	return 0;
}

/* Appends s and its NUL to the frame chan_frame made room for. */
static void chan_put(struct relay *r, struct span s)
{
	buf_append(&r->chan_out.b, s.p, s.n);
	buf_putc(&r->chan_out.b, '\0');
}

static void chan_request(struct relay *r, uint64_t id, const struct head *h, const char *ip)
{
	struct span addr = {ip, strlen(ip)};
	size_t len = h->method.n + h->target.n + addr.n + 3;
	for (int i = 0; i < h->nfields; i++)
		len += h->names[i].n + h->values[i].n + 2;
	if (chan_frame(r, RELAY_REQUEST, id, len) < 0)
		return;
	chan_put(r, h->method);
	chan_put(r, h->target);
	chan_put(r, addr);
	for (int i = 0; i < h->nfields; i++) {
		chan_put(r, h->names[i]);
		chan_put(r, h->values[i]);
	}
}

/* Writes what the server takes, and watches for room when some is left.
 * A failed channel ends the relay (exit 0, as its end would). */
static void chan_flush(struct relay *r)
{
	if (outq_flush(&r->chan_out, r->chan_fd) < 0) {
		r->exit = 0;
		return;
	}
	size_t unsent = outq_unsent(&r->chan_out);
	if (unsent == 0)
		r->chan_backlog = false;
	uint32_t want = EPOLLIN | (unsent ? EPOLLOUT : 0);
	struct epoll_event ev = {.events = want, .data.u64 = ID_CHAN};
	if (want != r->chan_events && epoll_ctl(r->ep, EPOLL_CTL_MOD, r->chan_fd, &ev) == 0)
		r->chan_events = want;
}

/* --- connections ---------------------------------------------------------- */

static uint64_t conn_id(const struct relay *r, const struct conn *c)
{
	return (uint64_t)c->gen << 32 | (uint32_t)(c - r->conns);
}

/* The connection id names, or NULL if it has been closed. */
static struct conn *conn_find(struct relay *r, uint64_t id)
{
	uint32_t slot = (uint32_t)id, gen = (uint32_t)(id >> 32);
	if (slot >= r->nslots || gen == 0)
		return NULL;
	struct conn *c = &r->conns[slot];
	return c->state != CONN_FREE && c->gen == gen ? c : NULL;
}

/* A new connection in state HEAD for fd, or NULL (fd closed) if epoll
 * refuses it. */
static struct conn *conn_new(struct relay *r, int fd)
{
	if (r->nfree == 0) {
		uint32_t old = r->nslots, n = old ? old * 2 : 64;
		r->conns = xrealloc(r->conns, n * sizeof(*r->conns));
		r->free_slots = xrealloc(r->free_slots, n * sizeof(*r->free_slots));
		memset(r->conns + old, 0, (n - old) * sizeof(*r->conns));
		for (uint32_t i = n; i > old; i--)
			r->free_slots[r->nfree++] = i - 1;
		r->nslots = n;
	}
	uint32_t slot = r->free_slots[--r->nfree];
	struct conn *c = &r->conns[slot];
	c->gen++;
	c->fd = fd;
	c->state = CONN_HEAD;
	c->events = EPOLLIN | EPOLLRDHUP;
	struct epoll_event ev = {.events = c->events, .data.u64 = conn_id(r, c)};
	if (epoll_ctl(r->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		close(fd);
		c->state = CONN_FREE;
		r->free_slots[r->nfree++] = slot;
		return NULL;
	}
	timeq_push(&r->heads, conn_id(r, c), r->now + r->head_timeout_ms);
	return c;
}

static void conn_free_head(struct conn *c)
{
	if (c->head) {
		buf_free(c->head);
		free(c->head);
		c->head = NULL;
	}
}

static void conn_close(struct relay *r, struct conn *c)
{
	close(c->fd);
	conn_free_head(c);
	outq_free(c->out);
	c->out = NULL;
	c->state = CONN_FREE;
	/* a slot whose generation would wrap is retired, so no id repeats */
	if (c->gen < UINT32_MAX)
		r->free_slots[r->nfree++] = (uint32_t)(c - r->conns);
}

/* Closes c, telling the server if it knew c. */
static void conn_drop(struct relay *r, struct conn *c)
{
	if (c->state == CONN_OPEN)
		chan_frame(r, RELAY_GONE, conn_id(r, c), 0);
	conn_close(r, c);
}

/* Makes epoll watch what c's state needs. 0, or -1 if epoll refused. */
static int conn_watch(struct relay *r, struct conn *c)
{
	uint32_t want =
	    c->state == CONN_CLOSING ? EPOLLOUT : EPOLLIN | EPOLLRDHUP | (c->out ? EPOLLOUT : 0);
	if (want == c->events)
		return 0;
	struct epoll_event ev = {.events = want, .data.u64 = conn_id(r, c)};
	if (epoll_ctl(r->ep, EPOLL_CTL_MOD, c->fd, &ev) < 0)
		return -1;
	c->events = want;
	return 0;
}

/* Sends what the client takes now and queues the rest. -1 if the client
 * failed, or would have more than RELAY_QUEUE_MAX bytes waiting. */
static int conn_send(struct relay *r, struct conn *c, const char *p, size_t n)
{
	if (!c->out) {
		ssize_t sent = send_some(c->fd, p, n);
		if (sent < 0)
			return -1;
		if ((size_t)sent == n)
			return 0;
		p += sent;
		n -= (size_t)sent;
		c->out = outq_new(RELAY_QUEUE_MAX);
	}
	if (outq_reserve(c->out, n) < 0)
		return -1;
	buf_append(&c->out->b, p, n);
	return conn_watch(r, c);
}

/* The last byte is out: end the connection cleanly. What the client sent
 * meanwhile is read first, as unread input would make close() reset it. */
static void conn_finish(struct relay *r, struct conn *c)
{
	shutdown(c->fd, SHUT_WR);
	discard_input(c->fd);
	conn_close(r, c);
}

/* Sends c's queued bytes, then closes it (CLOSE_LINGER_MS at most). */
static void conn_closing(struct relay *r, struct conn *c)
{
	c->state = CONN_CLOSING;
	if (!c->out) {
		conn_finish(r, c);
		return;
	}
	if (conn_watch(r, c) < 0) {
		conn_close(r, c);
		return;
	}
	timeq_push(&r->closings, conn_id(r, c), r->now + CLOSE_LINGER_MS);
}

/* Answers a client whose head is refused (it never reaches the server):
 * {"error": why} with the status, then closes it. */
static void conn_reject(struct relay *r, struct conn *c, int status, const char *why)
{
	struct buf body, resp;
	struct jw w;
	buf_init(&body, 0);
	buf_init(&resp, 0);
	jw_init(&w, &body);
	jw_obj_begin(&w);
	jw_kstr(&w, "error", why);
	jw_obj_end(&w);
	buf_printf(&resp,
		   "HTTP/1.1 %d %s\r\nContent-Type: application/json; charset=utf-8\r\n"
		   "Content-Length: %zu\r\nConnection: close\r\n\r\n",
		   status, MHD_get_reason_phrase_for((unsigned)status), body.len);
	buf_append(&resp, body.ptr, body.len);
	conn_free_head(c);
	c->state = CONN_CLOSING;
	if (conn_send(r, c, resp.ptr, resp.len) < 0)
		conn_close(r, c);
	else
		conn_closing(r, c);
	buf_free(&body);
	buf_free(&resp);
}

/* --- request heads -------------------------------------------------------- */

/* The length of the head in p[0..len) through its blank line, or 0 while
 * there is none; the search for the line break before it starts at from. */
static size_t head_end(const char *p, size_t len, size_t from)
{
	for (const char *nl = p + from; (nl = memchr(nl, '\n', len - (size_t)(nl - p))); nl++) {
		size_t i = (size_t)(nl - p) + 1;
		if (i < len && p[i] == '\n')
			return i + 1;
		if (i + 1 < len && p[i] == '\r' && p[i + 1] == '\n')
			return i + 2;
	}
	return 0;
}

/* The line at *pos without its line break (CRLF or LF); *pos moves past it. */
static struct span next_line(const char *p, size_t len, size_t *pos)
{
	const char *s = p + *pos;
	const char *nl = memchr(s, '\n', len - *pos);
	size_t n = nl ? (size_t)(nl - s) : len - *pos;
	*pos += n + (nl != NULL);
	if (n > 0 && s[n - 1] == '\r')
		n--;
	return (struct span){s, n};
}

static bool is_tchar(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

static bool is_token(struct span s)
{
	for (size_t i = 0; i < s.n; i++)
		if (!is_tchar((unsigned char)s.p[i]))
			return false;
	return s.n > 0;
}

static bool span_is(struct span s, const char *name)
{
	return s.n == strlen(name) && strncasecmp(s.p, name, s.n) == 0;
}

/* Whether s is a number 0 ("0", "00", ...). */
static bool is_zero(struct span s)
{
	size_t i = 0;
	while (i < s.n && s.p[i] == '0')
		i++;
	return s.n > 0 && i == s.n;
}

/* "METHOD SP target SP HTTP/1.x": 0, or the status to refuse it with. */
static int parse_request_line(struct span line, struct head *h, const char **why)
{
	*why = "malformed request line";
	const char *sp1 = memchr(line.p, ' ', line.n);
	if (!sp1)
		return 400;
	h->method = (struct span){line.p, (size_t)(sp1 - line.p)};
	const char *target = sp1 + 1, *end = line.p + line.n;
	const char *sp2 = memchr(target, ' ', (size_t)(end - target));
	if (!sp2 || !is_token(h->method) || sp2 == target)
		return 400;
	h->target = (struct span){target, (size_t)(sp2 - target)};
	for (size_t i = 0; i < h->target.n; i++)
		if ((unsigned char)target[i] <= ' ' || (unsigned char)target[i] >= 0x7f)
			return 400;
	const char *v = sp2 + 1;
	if (end - v != 8 || memcmp(v, "HTTP/", 5) != 0 || v[5] < '0' || v[5] > '9' || v[6] != '.' ||
	    v[7] < '0' || v[7] > '9')
		return 400;
	*why = "HTTP version not supported";
	return v[5] == '1' && (v[7] == '0' || v[7] == '1') ? 0 : 505;
}

/* "name: value" into field i, its value trimmed: 0, or the status. */
static int parse_field(struct span line, struct head *h, int i, const char **why)
{
	*why = "malformed header line";
	const char *colon = memchr(line.p, ':', line.n);
	if (!colon)
		return 400;
	struct span name = {line.p, (size_t)(colon - line.p)};
	const char *v = colon + 1, *end = line.p + line.n;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	struct span value = {v, (size_t)(end - v)};
	if (!is_token(name))
		return 400;
	for (size_t k = 0; k < value.n; k++) {
		unsigned char ch = (unsigned char)value.p[k];
		if ((ch < ' ' && ch != '\t') || ch == 0x7f)
			return 400;
	}
	*why = "a stream request has no body";
	if (span_is(name, "transfer-encoding"))
		return 400;
	if (span_is(name, "content-length") && !is_zero(value))
		return 400;
	h->names[i] = name;
	h->values[i] = value;
	return 0;
}

/* Parses the head p[0..len) (through its blank line) into h: 0, or the
 * status to refuse it with and why. */
static int head_parse(const char *p, size_t len, struct head *h, const char **why)
{
	size_t pos = 0;
	int status = parse_request_line(next_line(p, len, &pos), h, why);
	h->nfields = 0;
	while (status == 0) {
		struct span line = next_line(p, len, &pos);
		if (line.n == 0)
			break;
		if (line.p[0] == ' ' || line.p[0] == '\t') {
			*why = "folded header lines are not accepted";
			return 400;
		}
		if (h->nfields == RELAY_HEADERS_MAX) {
			*why = "too many header fields";
			return 431;
		}
		status = parse_field(line, h, h->nfields++, why);
	}
	return status;
}

/* The client's address as text ("-" if it is not IP), or -1 if the
 * client is gone. */
static int peer_ip(int fd, char *ip, size_t size)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);
	if (getpeername(fd, (struct sockaddr *)&sa, &len) < 0)
		return -1;
	snprintf(ip, size, "-");
	if (sa.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&sa)->sin_addr, ip, (socklen_t)size);
	else if (sa.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&sa)->sin6_addr, ip, (socklen_t)size);
	return 0;
}

/* The head p[0..len) is complete: refuse it, or pass it to the server. */
static void conn_request(struct relay *r, struct conn *c, size_t len)
{
	struct head h;
	const char *why;
	int status = head_parse(c->head->ptr, len, &h, &why);
	if (status) {
		conn_reject(r, c, status, why);
		return;
	}
	char ip[INET6_ADDRSTRLEN];
	if (peer_ip(c->fd, ip, sizeof(ip)) < 0) {
		conn_close(r, c);
		return;
	}
	chan_request(r, conn_id(r, c), &h, ip);
	conn_free_head(c);
	c->state = CONN_OPEN;
}

static void conn_read_head(struct relay *r, struct conn *c)
{
	char tmp[READ_CHUNK];
	ssize_t n = recv(c->fd, tmp, sizeof(tmp), 0);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) { /* gone before its head was complete: the server never knew it */
		conn_close(r, c);
		return;
	}
	if (!c->head) {
		c->head = xmalloc(sizeof(*c->head));
		buf_init(c->head, RELAY_HEAD_MAX);
	}
	struct buf *b = c->head;
	size_t from = b->len > 3 ? b->len - 3 : 0, room = RELAY_HEAD_MAX - b->len;
	buf_append(b, tmp, (size_t)n < room ? (size_t)n : room);
	size_t end = head_end(b->ptr, b->len, from);
	if (end)
		conn_request(r, c, end);
	else if (b->len == RELAY_HEAD_MAX)
		conn_reject(r, c, 431, "request head too large");
}

/* Writes c's queued bytes; once they are all out, a closing c is done. */
static void conn_writable(struct relay *r, struct conn *c)
{
	if (outq_flush(c->out, c->fd) < 0) {
		conn_drop(r, c);
		return;
	}
	if (outq_unsent(c->out) > 0)
		return;
	outq_free(c->out);
	c->out = NULL;
	if (c->state == CONN_CLOSING)
		conn_finish(r, c);
	else if (conn_watch(r, c) < 0)
		conn_drop(r, c);
}

static void conn_event(struct relay *r, struct conn *c, uint32_t events)
{
	if (c->state == CONN_HEAD) {
		conn_read_head(r, c); /* an error or hang-up shows in recv */
		return;
	}
	bool gone = events & (EPOLLERR | EPOLLHUP);
	if (c->state == CONN_OPEN && !gone)
		gone = (events & EPOLLRDHUP) || ((events & EPOLLIN) && discard_input(c->fd) < 0);
	if (gone)
		conn_drop(r, c);
	else if ((events & EPOLLOUT) && c->out)
		conn_writable(r, c);
}

/* --- the channel in ------------------------------------------------------- */

static void chan_frame_in(struct relay *r, const struct relay_frame *f, const char *payload)
{
	struct conn *c = conn_find(r, f->conn);
	if (!c || c->state != CONN_OPEN)
		return; /* gone already (our GONE crossed it), or never the server's */
	if (f->type == RELAY_END)
		conn_closing(r, c);
	else if (conn_send(r, c, payload, f->len) < 0)
		conn_drop(r, c);
}

/* Reads what the server sent and acts on every whole frame. The channel's
 * end ends the relay (exit 0); a frame no server sends, with exit 1. */
static void chan_read(struct relay *r)
{
	ssize_t n = recv(r->chan_fd, r->in + r->in_len, CHAN_IN_SIZE - r->in_len, 0);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) {
		r->exit = 0;
		return;
	}
	r->in_len += (size_t)n;
	size_t pos = 0;
	struct relay_frame f;
	while (r->in_len - pos >= sizeof(f) && r->exit < 0) {
		memcpy(&f, r->in + pos, sizeof(f));
		if (f.len > RELAY_PAYLOAD_MAX || (f.type != RELAY_DATA && f.type != RELAY_END)) {
			log_error("stream relay: bad frame from the server (type %u, %u bytes)",
				  f.type, f.len);
			r->exit = 1;
			return;
		}
		if (r->in_len - pos - sizeof(f) < f.len)
			break;
		chan_frame_in(r, &f, r->in + pos + sizeof(f));
		pos += sizeof(f) + f.len;
	}
	memmove(r->in, r->in + pos, r->in_len - pos);
	r->in_len -= pos;
}

/* --- accepting ------------------------------------------------------------ */

static void relay_accept(struct relay *r)
{
	for (int i = 0; i < ACCEPT_BATCH; i++) {
		int fd = accept4(r->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM)
				r->accept_paused_until = r->now + ACCEPT_PAUSE_MS;
			else if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_warn("stream relay: accept: %s", strerror(errno));
			return;
		}
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		conn_new(r, fd);
	}
}

/* Listens while there are descriptors to spare and the server keeps up. */
static void relay_listen_update(struct relay *r)
{
	bool want = r->now >= r->accept_paused_until && !r->chan_backlog;
	if (want == r->listening)
		return;
	struct epoll_event ev = {.events = EPOLLIN | EPOLLEXCLUSIVE, .data.u64 = ID_LISTEN};
	if (epoll_ctl(r->ep, want ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, r->listen_fd, &ev) == 0)
		r->listening = want;
}

/* --- the loop ------------------------------------------------------------- */

static void relay_expire(struct relay *r)
{
	struct timer t;
	while (timeq_due(&r->heads, r->now, &t)) {
		struct conn *c = conn_find(r, t.id);
		if (c && c->state == CONN_HEAD)
			conn_reject(r, c, 408, "the request head took too long");
	}
	while (timeq_due(&r->closings, r->now, &t)) {
		struct conn *c = conn_find(r, t.id);
		if (c && c->state == CONN_CLOSING)
			conn_close(r, c);
	}
}

/* epoll_wait's timeout: until the next deadline. */
static int relay_timeout(const struct relay *r)
{
	int64_t next = timeq_next(&r->heads);
	if (timeq_next(&r->closings) < next)
		next = timeq_next(&r->closings);
	if (!r->listening && r->accept_paused_until > r->now && r->accept_paused_until < next)
		next = r->accept_paused_until;
	if (next == INT64_MAX)
		return -1;
	return next <= r->now ? 0 : (int)(next - r->now < 60000 ? next - r->now : 60000);
}

/* Makes fd non-blocking and closed on exec (it came to us from the server). */
static int set_nonblocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* Every client is a socket: take the hard limit on open files. */
static int relay_open(struct relay *r, int listen_fd, int chan_fd, unsigned head_timeout_s)
{
	memset(r, 0, sizeof(*r));
	r->listen_fd = listen_fd;
	r->chan_fd = chan_fd;
	r->exit = -1;
	r->now = now_ms();
	r->head_timeout_ms = (int64_t)head_timeout_s * 1000;
	r->in = xmalloc(CHAN_IN_SIZE);
	buf_init(&r->chan_out.b, CHAN_OUT_MAX);
	r->chan_events = EPOLLIN;
	/* If the server is already gone, the channel's end is the first
	 * event; from now on its death kills us outright. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGPIPE, SIG_IGN);
	/* the open-file limit is the server's, which raised it to the hard one */
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = ID_CHAN};
	r->ep = epoll_create1(EPOLL_CLOEXEC);
	if (r->ep < 0 || set_nonblocking(listen_fd) < 0 || set_nonblocking(chan_fd) < 0 ||
	    epoll_ctl(r->ep, EPOLL_CTL_ADD, chan_fd, &ev) < 0) {
		log_error("stream relay: cannot start: %s", strerror(errno));
		return -1;
	}
	relay_listen_update(r);
	if (!r->listening) {
		log_error("stream relay: cannot listen: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void relay_close(struct relay *r)
{
	for (uint32_t i = 0; i < r->nslots; i++)
		if (r->conns[i].state != CONN_FREE)
			conn_close(r, &r->conns[i]);
	free(r->conns);
	free(r->free_slots);
	free(r->heads.v);
	free(r->closings.v);
	free(r->in);
	buf_free(&r->chan_out.b);
	if (r->ep >= 0)
		close(r->ep);
	close(r->listen_fd);
	close(r->chan_fd);
}

/* The relay owns listen_fd and chan_fd from here: both are closed, with
 * every client, before it returns. */
int http_relay_main(int listen_fd, int chan_fd, unsigned head_timeout_s)
{
	struct relay r;
	if (relay_open(&r, listen_fd, chan_fd, head_timeout_s) < 0)
		r.exit = 1;
	struct epoll_event events[EVENTS_MAX];
	while (r.exit < 0) {
		relay_listen_update(&r);
		int n = epoll_wait(r.ep, events, EVENTS_MAX, relay_timeout(&r));
		if (n < 0 && errno != EINTR) {
			log_error("stream relay: epoll_wait: %s", strerror(errno));
			r.exit = 1;
		}
		r.now = now_ms();
		for (int i = 0; i < n && r.exit < 0; i++) {
			uint64_t id = events[i].data.u64;
			struct conn *c;
			if (id == ID_LISTEN)
				relay_accept(&r);
			else if (id == ID_CHAN)
				chan_read(&r);
			else if ((c = conn_find(&r, id)))
				conn_event(&r, c, events[i].events);
		}
		relay_expire(&r);
		if (r.exit < 0)
			chan_flush(&r);
	}
	relay_close(&r);
	return r.exit;
}
