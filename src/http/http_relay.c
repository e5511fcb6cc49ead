/*
 * http_relay: the server's side of the stream relays (http_relay.h).
 *
 * One thread owns every relay: it starts them, reads their channels,
 * answers their requests through the route table, and moves the bytes of
 * their streams from the hub to the channels. The hub wakes a stream
 * (http_stream_wake) onto a list guarded by a lock; the thread takes them
 * off it one by one and reads each until it has nothing more. All else
 * about a relay's streams (reading them, ending them, the array that
 * finds them by their connection's slot) is the thread's alone.
 *
 * The thread writes to a channel with blocking sends: a relay never
 * blocks on its channel and always reads it, so a send waits only for a
 * relay to catch up, and the hub meanwhile keeps queueing (bounded per
 * stream, as for every stream). A relay that does not read for
 * RELAY_SEND_TIMEOUT_S (stuck, not dead) is killed: its streams end, and
 * it is started again, as if it had died.
 */
#include "http/http_relay.h"
#include "http/http_int.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* A relay whose channel ended is started again after this pause. */
#define RELAY_RESPAWN_US 1000000
/* Streams taken off the wake list per turn of the loop (then the
 * channels are read again). */
#define RELAY_WAKES_PER_TURN 4096
/* Reads of one stream per wake; a stream with more is woken again. */
#define RELAY_READS_PER_WAKE 8
/* The channel socket's send buffer asked of the kernel. */
#define RELAY_SNDBUF (4 << 20)
/* A send that waits this long for a relay to read: the relay is stuck. */
#define RELAY_SEND_TIMEOUT_S 5
#define WAKE_KEY UINT64_MAX
#define HDR sizeof(struct relay_frame)
/* Frames for a relay are gathered and sent when this fills, and at the end
 * of each turn of the loop: a heartbeat to 50,000 streams is then a few
 * dozen sends rather than 50,000. */
#define RELAY_OUT_SIZE (2 * (HDR + RELAY_PAYLOAD_MAX))

struct relay_proc {
	pid_t pid;
	int chan;	 /* our end of its channel; -1 while it is down */
	int64_t down_us; /* when it went down */
	char *in;	 /* bytes read from the channel, not yet whole frames */
	size_t in_len;
	char *out; /* frames gathered for it, not yet sent (proc_flush) */
	size_t out_len;
	bool stuck; /* it stopped reading its channel: killed, its end not yet read */
	struct http_stream **streams; /* its streams by slot (http_relay.h) */
	size_t n_slots, n_streams;
};

struct http_relay {
	struct http_server *srv;
	int listen_fd;
	unsigned port;
	unsigned head_timeout_s;
	unsigned n;
	struct relay_proc *procs;
	int epfd, wake_fd;
	pthread_t thread;
	bool started;
	_Atomic bool stop;

	pthread_mutex_t lock; /* the wake list */
	struct http_stream *wakes;
};

/* --- the streams by slot (the thread's) -------------------------------- */

/* A relay never holds this many connections at once (its open-file limit). */
#define RELAY_SLOTS_MAX (1u << 24)

static void streams_put(struct relay_proc *p, struct http_stream *st)
{
	size_t slot = (uint32_t)st->rconn;
	if (slot >= p->n_slots) {
		size_t n = p->n_slots ? p->n_slots : 1024;
		while (n <= slot)
			n *= 2;
		p->streams = xrealloc(p->streams, n * sizeof(*p->streams));
		memset(p->streams + p->n_slots, 0, (n - p->n_slots) * sizeof(*p->streams));
		p->n_slots = n;
	}
	p->streams[slot] = st;
	p->n_streams++;
}

/* Removes and returns the stream of conn, or NULL. */
static struct http_stream *streams_take(struct relay_proc *p, uint64_t conn)
{
	size_t slot = (uint32_t)conn;
	struct http_stream *st = slot < p->n_slots ? p->streams[slot] : NULL;
	if (!st || st->rconn != conn)
		return NULL;
	p->streams[slot] = NULL;
	p->n_streams--;
	return st;
}

/* --- waking (any thread) ----------------------------------------------- */

static void wakes_unlink_locked(struct http_relay *r, struct http_stream *st)
{
	if (st->wake_prev)
		st->wake_prev->wake_next = st->wake_next;
	else
		r->wakes = st->wake_next;
	if (st->wake_next)
		st->wake_next->wake_prev = st->wake_prev;
	st->wake_prev = st->wake_next = NULL;
	st->wake_queued = false;
}

static void wake_thread(struct http_relay *r)
{
	uint64_t one = 1;
	if (write(r->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_warn("stream relays: cannot wake their thread: %s", strerror(errno));
}

void http_relay_wake(struct http_stream *st)
{
	struct http_relay *r = st->relay;
	pthread_mutex_lock(&r->lock);
	bool first = !r->wakes;
	if (!st->wake_queued) {
		st->wake_queued = true;
		st->wake_prev = NULL;
		st->wake_next = r->wakes;
		if (r->wakes)
			r->wakes->wake_prev = st;
		r->wakes = st;
	}
	pthread_mutex_unlock(&r->lock);
	if (first)
		wake_thread(r);
}

/* The next woken stream, off the list; NULL when there is none. */
static struct http_stream *wakes_pop(struct http_relay *r)
{
	pthread_mutex_lock(&r->lock);
	struct http_stream *st = r->wakes;
	if (st)
		wakes_unlink_locked(r, st);
	pthread_mutex_unlock(&r->lock);
	return st;
}

/* Ends st for its source (done) and frees it; st is out of p->streams. */
static void stream_forget(struct http_relay *r, struct http_stream *st)
{
	/* done() first: it takes the stream out of the hub's registry, so no
	 * wake can come after it; then off the wake list, where one may be */
	st->ops->done(st->ctx);
	pthread_mutex_lock(&r->lock);
	if (st->wake_queued)
		wakes_unlink_locked(r, st);
	pthread_mutex_unlock(&r->lock);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

/* --- the channels (the thread's) ---------------------------------------- */

/* Sends what is gathered for relay i. A send waits only for the relay to
 * read (it always does); when it fails the relay is gone, and its
 * channel's end, read next, ends its streams. A relay that has not read
 * for RELAY_SEND_TIMEOUT_S is stuck: it is killed, and its channel's end
 * follows. */
static void proc_flush(struct http_relay *r, unsigned i)
{
	struct relay_proc *p = &r->procs[i];
	size_t off = 0;
	while (p->chan >= 0 && !p->stuck && off < p->out_len) {
		ssize_t n = send(p->chan, p->out + off, p->out_len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			log_warn(
			    "stream relay %u (pid %d) has not read its channel for %d s: killed", i,
			    (int)p->pid, RELAY_SEND_TIMEOUT_S);
			p->stuck = true;
			if (p->pid > 0)
				kill(p->pid, SIGKILL);
		}
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	p->out_len = 0;
}

/* Where the payload of relay i's next frame goes, with room for len bytes. */
static char *frame_room(struct http_relay *r, unsigned i, size_t len)
{
	struct relay_proc *p = &r->procs[i];
	if (p->out_len + HDR + len > RELAY_OUT_SIZE)
		proc_flush(r, i);
	return p->out + p->out_len + HDR;
}

/* Adds the frame whose len payload bytes are at frame_room to what is
 * gathered for relay i. */
static void frame_add(struct http_relay *r, unsigned i, uint8_t type, uint64_t conn, size_t len)
{
	struct relay_proc *p = &r->procs[i];
	struct relay_frame f = {.len = (uint32_t)len, .type = type, .conn = conn};
	memcpy(p->out + p->out_len, &f, HDR);
	p->out_len += HDR + len;
}

static void send_frame(struct http_relay *r, unsigned i, uint8_t type, uint64_t conn,
		       const char *payload, size_t len)
{
	char *dst = frame_room(r, i, len);
	if (len)
		memcpy(dst, payload, len);
	frame_add(r, i, type, conn, len);
}

/* Sends len bytes as RELAY_DATA frames. */
static void send_data(struct http_relay *r, unsigned i, uint64_t conn, const char *data, size_t len)
{
	while (len) {
		size_t n = len < RELAY_PAYLOAD_MAX ? len : RELAY_PAYLOAD_MAX;
		send_frame(r, i, RELAY_DATA, conn, data, n);
		data += n;
		len -= n;
	}
}

/* Moves what st has ready to its relay; ends it when its source does. */
static void stream_pump(struct http_relay *r, struct http_stream *st)
{
	for (int reads = 0; reads < RELAY_READS_PER_WAKE; reads++) {
		char *dst = frame_room(r, st->proc, RELAY_PAYLOAD_MAX); /* read in place */
		long n = st->ops->read(st->ctx, dst, RELAY_PAYLOAD_MAX);
		if (n == 0)
			return;
		if (n < 0) {
			frame_add(r, st->proc, RELAY_END, st->rconn, 0);
			streams_take(&r->procs[st->proc], st->rconn);
			stream_forget(r, st);
			return;
		}
		frame_add(r, st->proc, RELAY_DATA, st->rconn, (size_t)n);
	}
	http_relay_wake(st); /* more: after the others */
}

static void add_line(void *b, const char *name, const char *value)
{
	buf_printf(b, "%s: %s\r\n", name, value);
}

/* A response's head: its status, its length unless it is a stream (which
 * the closing of the connection ends), and the headers of every response. */
static void response_head(struct buf *b, const struct http_request *req)
{
	buf_printf(b, "HTTP/1.1 %d %s\r\n", req->status,
		   MHD_get_reason_phrase_for((unsigned)req->status));
	if (!req->stream)
		buf_printf(b, "Content-Length: %zu\r\n", req->out.len);
	http_response_headers(req, req->stream != NULL, add_line, b);
	buf_puts(b, "Connection: close\r\n\r\n");
}

static bool streaming_path(const char *path)
{
	return strncmp(path, "/api/v1/streaming", 17) == 0 ||
	       strncmp(path, "/api/moka/v1/streaming", 22) == 0;
}

/* The next NUL-terminated string of a payload at *at, or NULL when the
 * payload ends before its NUL. */
static const char *payload_str(const char *payload, size_t len, size_t *at)
{
	if (*at >= len)
		return NULL;
	const char *s = payload + *at;
	const char *nul = memchr(s, '\0', len - *at);
	if (!nul)
		return NULL;
	*at += (size_t)(nul - s) + 1;
	return s;
}

/* A relay's RELAY_REQUEST: answered through the route table. False on a
 * malformed payload (a protocol error). */
static bool on_request(struct http_relay *r, unsigned i, uint64_t conn, const char *payload,
		       size_t len)
{
	size_t at = 0;
	const char *method = payload_str(payload, len, &at);
	const char *target = payload_str(payload, len, &at);
	const char *ip = payload_str(payload, len, &at);
	if (!method || !target || !ip || (uint32_t)conn >= RELAY_SLOTS_MAX)
		return false;
	const char *q = strchr(target, '?');
	char *path = xstrndup(target, q ? (size_t)(q - target) : strlen(target));
	http_path_unescape(path);
	struct http_request *req = http_request_new(r->srv, NULL, path, method, ip);
	free(path);
	struct http_relayed *rd = arena_calloc(req->arena, 1, sizeof(*rd));
	rd->relay = r;
	rd->proc = i;
	rd->conn = conn;
	rd->query = q ? http_query_parse(req->arena, q + 1) : NULL;
	/* the names and values stay in the payload: the request ends here */
	rd->headers = arena_calloc(req->arena, 2 * RELAY_HEADERS_MAX, sizeof(*rd->headers));
	while (at < len) {
		const char *name = payload_str(payload, len, &at);
		const char *value = payload_str(payload, len, &at);
		if (!name || !value || rd->n_headers == RELAY_HEADERS_MAX) {
			http_request_free(req);
			return false;
		}
		rd->headers[2 * rd->n_headers] = name;
		rd->headers[2 * rd->n_headers + 1] = value;
		rd->n_headers++;
	}
	req->relayed = rd;

	if (!streaming_path(req->path))
		http_error(req, 404, "this address serves live streams only (/api/v1/streaming)");
	else
		http_dispatch(r->srv, req);
	struct http_stream *st = req->stream;
	struct buf head;
	buf_init(&head, 1 << 20);
	response_head(&head, req);
	if (!st)
		buf_append(&head, req->out.ptr ? req->out.ptr : "", req->out.len);
	log_access(req->remote_ip, req->method, req->path, req->status, st ? 0 : req->out.len,
		   clock_mono_us() - req->started_us, req->viewer);
	http_request_free(req);
	send_data(r, i, conn, head.ptr, head.len);
	buf_free(&head);
	if (!st) {
		send_frame(r, i, RELAY_END, conn, NULL, 0);
		return true;
	}
	streams_put(&r->procs[i], st);
	stream_pump(r, st); /* its first bytes */
	return true;
}

/* A relay's channel ended (or broke the protocol): its streams end, and it
 * is started again after a pause. */
static void proc_down(struct http_relay *r, unsigned i, const char *why)
{
	struct relay_proc *p = &r->procs[i];
	if (p->chan < 0)
		return;
	size_t n = p->n_streams;
	pid_t pid = p->pid;
	epoll_ctl(r->epfd, EPOLL_CTL_DEL, p->chan, NULL);
	close(p->chan);
	p->chan = -1;
	for (size_t slot = 0; slot < p->n_slots; slot++)
		if (p->streams[slot])
			stream_forget(r, p->streams[slot]);
	free(p->streams);
	p->streams = NULL;
	p->n_slots = p->n_streams = 0;
	p->in_len = p->out_len = 0;
	if (pid > 0) { /* it exits when its channel ends, but it may be stuck */
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	p->pid = 0;
	p->down_us = clock_mono_us();
	if (!atomic_load(&r->stop))
		log_warn("stream relay %u (pid %d) %s: its %zu streams ended; starting it again", i,
			 (int)pid, why, n);
}

static void on_frame(struct http_relay *r, unsigned i, const struct relay_frame *f,
		     const char *payload)
{
	struct relay_proc *p = &r->procs[i];
	if (f->type == RELAY_REQUEST) {
		if (!on_request(r, i, f->conn, payload, f->len))
			proc_down(r, i, "sent a malformed request");
	} else if (f->type == RELAY_GONE) {
		struct http_stream *st = streams_take(p, f->conn);
		if (st)
			stream_forget(r, st);
	} else {
		proc_down(r, i, "sent an unknown frame");
	}
}

/* Reads what relay i sent and acts on every whole frame. */
static void proc_read(struct http_relay *r, unsigned i)
{
	struct relay_proc *p = &r->procs[i];
	for (int rounds = 0; rounds < 16 && p->chan >= 0; rounds++) {
		ssize_t n = recv(p->chan, p->in + p->in_len, HDR + RELAY_PAYLOAD_MAX - p->in_len,
				 MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			proc_down(r, i, n == 0 ? "ended" : "failed");
			return;
		}
		p->in_len += (size_t)n;
		size_t at = 0;
		while (p->chan >= 0 && p->in_len - at >= HDR) {
			struct relay_frame f;
			memcpy(&f, p->in + at, HDR);
			if (f.len > RELAY_PAYLOAD_MAX) {
				proc_down(r, i, "sent an oversized frame");
				return;
			}
			if (p->in_len - at < HDR + f.len)
				break;
			on_frame(r, i, &f, p->in + at + HDR);
			at += HDR + f.len;
		}
		if (p->chan < 0)
			return;
		memmove(p->in, p->in + at, p->in_len - at);
		p->in_len -= at;
	}
}

static void proc_spawn(struct http_relay *r, unsigned i)
{
	struct relay_proc *p = &r->procs[i];
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		log_error("stream relay %u: socketpair: %s", i, strerror(errno));
		p->down_us = clock_mono_us();
		return;
	}
	char timeout[16];
	snprintf(timeout, sizeof(timeout), "%u", r->head_timeout_s);
	char *argv[] = {"moka", "stream-relay", "--head-timeout", timeout, NULL};
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	/* above 4, so the dup2s below never meet them */
	int lfd = fcntl(r->listen_fd, F_DUPFD_CLOEXEC, 16);
	int cfd = fcntl(sv[1], F_DUPFD_CLOEXEC, 16);
	posix_spawn_file_actions_adddup2(&fa, lfd, 3);
	posix_spawn_file_actions_adddup2(&fa, cfd, 4);
	posix_spawn_file_actions_addclosefrom_np(&fa, 5);
	posix_spawnattr_t at;
	posix_spawnattr_init(&at);
	sigset_t none;
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&at, &none); /* the server blocks its stop signals */
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK);
	int rc = lfd < 0 || cfd < 0
		     ? errno
		     : posix_spawn(&p->pid, "/proc/self/exe", &fa, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	if (lfd >= 0)
		close(lfd);
	if (cfd >= 0)
		close(cfd);
	close(sv[1]);
	if (rc) {
		log_error("stream relay %u: cannot start it: %s", i, strerror(rc));
		close(sv[0]);
		p->down_us = clock_mono_us();
		return;
	}
	int size = RELAY_SNDBUF;
	struct timeval send_wait = {.tv_sec = RELAY_SEND_TIMEOUT_S};
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &send_wait, sizeof(send_wait));
	p->chan = sv[0];
	p->stuck = false;
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = i};
	epoll_ctl(r->epfd, EPOLL_CTL_ADD, p->chan, &ev);
}

/*
 * Ends every relay: each sends what it was given, sees its channel end and
 * exits (waited for up to 3 s, then killed). Called by the thread before it
 * returns, because the relays it started again die with it
 * (PR_SET_PDEATHSIG follows the thread that started a process).
 */
static void procs_end(struct http_relay *r)
{
	for (unsigned i = 0; i < r->n; i++) {
		struct relay_proc *p = &r->procs[i];
		if (p->chan < 0)
			continue;
		proc_flush(r, i);
		shutdown(p->chan, SHUT_WR);
		for (int tries = 0; tries < 300; tries++) {
			if (waitpid(p->pid, NULL, WNOHANG) == p->pid) {
				p->pid = 0;
				break;
			}
			usleep(10000);
		}
		proc_down(r, i, "stopped");
	}
}

static void *relay_main(void *arg)
{
	struct http_relay *r = arg;
	struct epoll_event evs[64];
	while (!atomic_load(&r->stop)) {
		int n = epoll_wait(r->epfd, evs, 64, 500);
		for (int e = 0; e < n; e++) {
			if (evs[e].data.u64 == WAKE_KEY) {
				uint64_t count;
				if (read(r->wake_fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
					log_warn("stream relays: %s", strerror(errno));
			} else {
				proc_read(r, (unsigned)evs[e].data.u64);
			}
		}
		struct http_stream *st;
		for (int w = 0; w < RELAY_WAKES_PER_TURN && (st = wakes_pop(r)); w++)
			stream_pump(r, st);
		for (unsigned i = 0; i < r->n; i++)
			proc_flush(r, i);
		if (r->wakes) /* more than a turn's worth: come back at once */
			wake_thread(r);
		int64_t now = clock_mono_us();
		for (unsigned i = 0; i < r->n; i++)
			if (r->procs[i].chan < 0 && now - r->procs[i].down_us >= RELAY_RESPAWN_US &&
			    !atomic_load(&r->stop))
				proc_spawn(r, i);
	}
	procs_end(r);
	return NULL;
}

/* --- lifecycle ---------------------------------------------------------- */

static int listen_on(const char *addr)
{
	struct sockaddr_storage ss;
	bool v6;
	if (http_parse_listen(addr, &ss, &v6) < 0) {
		log_error("bad stream_listen address '%s' (expected HOST:PORT or [V6]:PORT)", addr);
		return -1;
	}
	int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 ||
	    bind(fd, (struct sockaddr *)&ss,
		 v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)) < 0 ||
	    listen(fd, 4096) < 0) {
		log_error("stream relays: cannot listen on %s: %s", addr, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static unsigned bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return 0;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

struct http_relay *http_relay_start(struct http_server *s, const char *listen, unsigned n,
				    unsigned head_timeout_s)
{
	int fd = listen_on(listen);
	if (fd < 0)
		return NULL;
	struct http_relay *r = xcalloc(1, sizeof(*r));
	r->srv = s;
	r->listen_fd = fd;
	r->port = bound_port(fd);
	r->head_timeout_s = head_timeout_s ? head_timeout_s : 10;
	r->n = n ? n : 1;
	r->procs = xcalloc(r->n, sizeof(*r->procs));
	pthread_mutex_init(&r->lock, NULL);
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	r->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = WAKE_KEY};
	epoll_ctl(r->epfd, EPOLL_CTL_ADD, r->wake_fd, &ev);
	for (unsigned i = 0; i < r->n; i++) {
		r->procs[i].chan = -1;
		r->procs[i].in = xmalloc(HDR + RELAY_PAYLOAD_MAX);
		r->procs[i].out = xmalloc(RELAY_OUT_SIZE);
		proc_spawn(r, i);
		if (r->procs[i].chan < 0) {
			http_relay_stop(r);
			return NULL;
		}
	}
	if (pthread_create(&r->thread, NULL, relay_main, r) != 0) {
		log_error("stream relays: cannot start their thread");
		http_relay_stop(r);
		return NULL;
	}
	r->started = true;
	return r;
}

unsigned http_relay_port(const struct http_relay *r)
{
	return r->port;
}

void http_relay_stop(struct http_relay *r)
{
	if (!r)
		return;
	if (r->started) {
		atomic_store(&r->stop, true);
		wake_thread(r);
		pthread_join(r->thread, NULL);
	}
	procs_end(r); /* those the thread did not end: it never started */
	for (unsigned i = 0; i < r->n; i++) {
		free(r->procs[i].in);
		free(r->procs[i].out);
	}
	close(r->listen_fd);
	close(r->epfd);
	close(r->wake_fd);
	pthread_mutex_destroy(&r->lock);
	free(r->procs);
	free(r);
}
