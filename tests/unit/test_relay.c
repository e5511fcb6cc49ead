/*
 * Unit tests for the stream relay (http/http_relay_main.c). Each test runs
 * http_relay_main in a forked child on a real loopback listening socket
 * and a socketpair, plays the server's end of the channel, and talks to
 * the relay as HTTP clients: request heads become RELAY_REQUEST frames,
 * the server's bytes reach the right client in order and END closes it
 * after the last one, a client's end becomes RELAY_GONE, bad heads get
 * their error response and never reach the server, a client that reads
 * nothing is dropped, a relay out of descriptors waits instead of
 * spinning, and the channel's end closes everything (exit 0) while a bad
 * frame is exit 1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "http/http_relay.h"

#define WAIT_MS 5000 /* what any expected event may take, at most */
#define QUIET_MS 200 /* how long "nothing more happens" is watched */

struct relay {
	pid_t pid;
	int chan;		      /* the server's end of the channel */
	struct sockaddr_storage addr; /* where it listens */
	socklen_t addr_len;
};

/* A frame from the relay, its payload NUL-terminated. */
struct frame {
	struct relay_frame h;
	char *payload;
};

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Starts a relay listening on ip (port 0: any); nofile, if not 0, is its
 * hard limit on open files. */
static struct relay relay_start_at(const char *ip, unsigned head_timeout_s, rlim_t nofile)
{
	struct relay r = {.addr_len = sizeof(r.addr)};
	struct sockaddr_in *a4 = (struct sockaddr_in *)&r.addr;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&r.addr;
	if (inet_pton(AF_INET, ip, &a4->sin_addr) == 1)
		a4->sin_family = AF_INET;
	else if (inet_pton(AF_INET6, ip, &a6->sin6_addr) == 1)
		a6->sin6_family = AF_INET6;
	int lfd = socket(r.addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&r.addr, r.addr_len), 0);
	assert_int_equal(listen(lfd, 128), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&r.addr, &r.addr_len), 0);
	int sv[2];
	fflush(stdout); /* or the child writes cmocka's buffered lines again */
	fflush(stderr);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	r.pid = fork();
	assert_true(r.pid >= 0);
	if (r.pid == 0) {
		/* a crash is the relay's own, not a failure for cmocka's handlers to catch */
		int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
		for (size_t i = 0; i < sizeof(sigs) / sizeof(*sigs); i++)
			signal(sigs[i], SIG_DFL);
		close(sv[0]);
		struct rlimit rl = {nofile, nofile};
		if (nofile && setrlimit(RLIMIT_NOFILE, &rl) < 0)
			_exit(99);
		exit(http_relay_main(lfd, sv[1], head_timeout_s));
	}
	close(lfd);
	close(sv[1]);
	r.chan = sv[0];
	return r;
}

static struct relay relay_start(unsigned head_timeout_s, rlim_t nofile)
{
	return relay_start_at("127.0.0.1", head_timeout_s, nofile);
}

/* Waits for the relay to exit (WAIT_MS at most): its exit status. */
static int relay_wait(struct relay *r, struct rusage *ru)
{
	int status = 0;
	for (int64_t end = mono_ms() + WAIT_MS; mono_ms() < end; usleep(10000)) {
		pid_t p = wait4(r->pid, &status, WNOHANG, ru);
		if (p == r->pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	kill(r->pid, SIGKILL);
	waitpid(r->pid, &status, 0);
	fail_msg("the relay did not exit");
	return -1;
}

/* Ends the channel; the relay must exit 0. */
static void relay_stop(struct relay *r)
{
	close(r->chan);
	assert_int_equal(relay_wait(r, NULL), 0);
}

static bool readable(int fd, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	return poll(&p, 1, timeout_ms) == 1;
}

static void write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n > 0) {
		ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		assert_true(w > 0);
		c += w;
		n -= (size_t)w;
	}
}

static void read_exact(int fd, void *p, size_t n)
{
	char *c = p;
	while (n > 0) {
		assert_true(readable(fd, WAIT_MS));
		ssize_t got = recv(fd, c, n, 0);
		assert_true(got > 0);
		c += got;
		n -= (size_t)got;
	}
}

static void send_frame(struct relay *r, uint8_t type, uint64_t conn, const void *p, uint32_t len)
{
	struct relay_frame h = {.len = len, .type = type, .conn = conn};
	write_all(r->chan, &h, sizeof(h));
	if (len)
		write_all(r->chan, p, len);
}

static void send_data(struct relay *r, uint64_t conn, const char *s)
{
	send_frame(r, RELAY_DATA, conn, s, (uint32_t)strlen(s));
}

/* The next frame from the relay (within WAIT_MS); free its payload. */
static struct frame next_frame(struct relay *r)
{
	struct frame f;
	read_exact(r->chan, &f.h, sizeof(f.h));
	assert_true(f.h.len <= RELAY_PAYLOAD_MAX);
	f.payload = malloc(f.h.len + 1);
	read_exact(r->chan, f.payload, f.h.len);
	f.payload[f.h.len] = '\0';
	return f;
}

/* The relay sends nothing for QUIET_MS. */
static void expect_no_frame(struct relay *r)
{
	assert_false(readable(r->chan, QUIET_MS));
}

static void expect_gone(struct relay *r, uint64_t conn)
{
	struct frame f = next_frame(r);
	assert_int_equal(f.h.type, RELAY_GONE);
	assert_int_equal(f.h.conn, conn);
	assert_int_equal(f.h.len, 0);
	free(f.payload);
}

/* A client connected to the relay; rcvbuf, if not 0, is its receive buffer. */
static int client_connect(struct relay *r, int rcvbuf)
{
	int fd = socket(r->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	if (rcvbuf)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	assert_int_equal(connect(fd, (struct sockaddr *)&r->addr, r->addr_len), 0);
	return fd;
}

/* Reads until the relay closes the client: what came, NUL-terminated
 * (free it). Fails on a reset or a silence of WAIT_MS. */
static char *read_to_end(int fd)
{
	size_t cap = 1024, n = 0;
	char *out = malloc(cap);
	for (;;) {
		if (n + 1 == cap)
			out = realloc(out, cap *= 2);
		assert_true(readable(fd, WAIT_MS));
		ssize_t got = recv(fd, out + n, cap - n - 1, 0);
		assert_true(got >= 0);
		if (got == 0)
			break;
		n += (size_t)got;
	}
	out[n] = '\0';
	return out;
}

/* The client gets exactly want, then the relay's close; then it closes. */
static void expect_all_then_close(int fd, const char *want)
{
	char *got = read_to_end(fd);
	assert_string_equal(got, want);
	free(got);
	close(fd);
}

/* The client's end: the relay closed or reset it within WAIT_MS. */
static void expect_closed(int fd)
{
	char tmp[4096];
	ssize_t got;
	do {
		assert_true(readable(fd, WAIT_MS));
		got = recv(fd, tmp, sizeof(tmp), 0);
	} while (got > 0);
}

/* Connects a client (*fd) that sends head; returns the id of its REQUEST
 * frame, which goes to *req if the caller wants it (free its payload). */
static uint64_t open_stream(struct relay *r, int *fd, const char *head, struct frame *req)
{
	*fd = client_connect(r, 0);
	write_all(*fd, head, strlen(head));
	struct frame f = next_frame(r);
	assert_int_equal(f.h.type, RELAY_REQUEST);
	if (req)
		*req = f;
	else
		free(f.payload);
	return f.h.conn;
}

/* The REQUEST payload's strings are exactly the n given. */
static void expect_fields(const struct frame *f, const char **want, size_t n)
{
	size_t pos = 0;
	for (size_t i = 0; i < n; i++) {
		assert_true(pos < f->h.len);
		assert_string_equal(f->payload + pos, want[i]);
		pos += strlen(want[i]) + 1;
	}
	assert_int_equal(pos, f->h.len);
}

/* --- requests -------------------------------------------------------------- */

static void request_frame_carries_the_head(void **state)
{
	struct relay r = relay_start(5, 0);
	int fd;
	struct frame f;
	open_stream(&r, &fd,
		    "GET /api/v1/streaming/user?stream=user HTTP/1.1\r\n"
		    "Host: example.test\r\n"
		    "Authorization:  \t Bearer abc \t \r\n"
		    "X-Empty:\r\n"
		    "accept: text/event-stream\r\n"
		    "\r\n",
		    &f);
	const char *want[] = {"GET",
			      "/api/v1/streaming/user?stream=user",
			      "127.0.0.1",
			      "Host",
			      "example.test",
			      "Authorization",
			      "Bearer abc",
			      "X-Empty",
			      "",
			      "accept",
			      "text/event-stream"};
	expect_fields(&f, want, sizeof(want) / sizeof(*want));
	free(f.payload);
	close(fd);
	relay_stop(&r);
}

static void request_frame_from_ipv6(void **state)
{
	int probe = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in6 lo = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	bool have_ipv6 = probe >= 0 && bind(probe, (struct sockaddr *)&lo, sizeof(lo)) == 0;
	if (probe >= 0)
		close(probe);
	if (!have_ipv6)
		skip();
	struct relay r = relay_start_at("::1", 5, 0);
	int fd;
	struct frame f;
	open_stream(&r, &fd, "GET /v6 HTTP/1.1\r\n\r\n", &f);
	const char *want[] = {"GET", "/v6", "::1"};
	expect_fields(&f, want, 3);
	free(f.payload);
	close(fd);
	relay_stop(&r);
}

static void request_head_with_bare_lf_and_in_pieces(void **state)
{
	struct relay r = relay_start(5, 0);
	/* bare LF line ends */
	int fd;
	struct frame f;
	open_stream(&r, &fd, "GET /s HTTP/1.0\nHost: h\nContent-Length: 0\n\n", &f);
	const char *want[] = {"GET", "/s", "127.0.0.1", "Host", "h", "Content-Length", "0"};
	expect_fields(&f, want, 7);
	free(f.payload);
	close(fd);
	expect_gone(&r, f.h.conn);
	/* a head arriving in pieces, its blank line split between them */
	const char *pieces[] = {"GE", "T /p HTTP/1.1\r", "\nA: 1\r\n\r", "\n"};
	fd = client_connect(&r, 0);
	for (size_t i = 0; i < 4; i++) {
		write_all(fd, pieces[i], strlen(pieces[i]));
		if (i < 3)
			expect_no_frame(&r);
	}
	f = next_frame(&r);
	assert_int_equal(f.h.type, RELAY_REQUEST);
	const char *want2[] = {"GET", "/p", "127.0.0.1", "A", "1"};
	expect_fields(&f, want2, 5);
	free(f.payload);
	close(fd);
	relay_stop(&r);
}

static void largest_head_and_most_headers_pass(void **state)
{
	struct relay r = relay_start(5, 0);
	/* exactly RELAY_HEAD_MAX bytes, blank line included */
	char head[RELAY_HEAD_MAX + 1];
	const char *start = "GET / HTTP/1.1\r\nX: ";
	size_t n = strlen(start);
	memcpy(head, start, n);
	memset(head + n, 'a', RELAY_HEAD_MAX - n - 4);
	memcpy(head + RELAY_HEAD_MAX - 4, "\r\n\r\n", 5);
	int fd;
	struct frame f;
	open_stream(&r, &fd, head, &f);
	head[RELAY_HEAD_MAX - 4] = '\0';
	const char *want[] = {"GET", "/", "127.0.0.1", "X", head + n};
	expect_fields(&f, want, 5);
	free(f.payload);
	close(fd);
	expect_gone(&r, f.h.conn);
	/* RELAY_HEADERS_MAX headers */
	char many[RELAY_HEAD_MAX];
	size_t len = (size_t)snprintf(many, sizeof(many), "GET / HTTP/1.1\r\n");
	for (int i = 0; i < RELAY_HEADERS_MAX; i++)
		len += (size_t)snprintf(many + len, sizeof(many) - len, "H%d: %d\r\n", i, i);
	snprintf(many + len, sizeof(many) - len, "\r\n");
	open_stream(&r, &fd, many, &f);
	assert_int_equal(f.h.type, RELAY_REQUEST);
	free(f.payload);
	close(fd);
	relay_stop(&r);
}

/* --- the server's bytes ---------------------------------------------------- */

static void data_arrives_in_order_then_end_closes(void **state)
{
	struct relay r = relay_start(5, 0);
	int fd = client_connect(&r, 16384); /* small, so the relay must queue */
	write_all(fd, "GET /big HTTP/1.1\r\n\r\n", 21);
	struct frame req = next_frame(&r);
	free(req.payload);
	size_t total = 600 * 1000, chunk = 64 * 1024;
	char *data = malloc(total);
	for (size_t i = 0; i < total; i++)
		data[i] = (char)(i * 7 + i / 251);
	for (size_t off = 0; off < total; off += chunk)
		send_frame(&r, RELAY_DATA, req.h.conn, data + off,
			   (uint32_t)(total - off < chunk ? total - off : chunk));
	send_frame(&r, RELAY_END, req.h.conn, NULL, 0);
	/* the client reads slowly, 8 KB at a time */
	char *got = malloc(total + 1);
	size_t n = 0;
	for (;;) {
		assert_true(readable(fd, WAIT_MS));
		ssize_t k = recv(fd, got + n, total + 1 - n < 8192 ? total + 1 - n : 8192, 0);
		assert_true(k >= 0);
		if (k == 0)
			break;
		n += (size_t)k;
		usleep(500);
	}
	assert_int_equal(n, total);
	assert_memory_equal(got, data, total);
	expect_no_frame(&r); /* no GONE after END */
	free(got);
	free(data);
	close(fd);
	relay_stop(&r);
}

static void end_after_a_short_response(void **state)
{
	struct relay r = relay_start(5, 0);
	int fd;
	uint64_t id = open_stream(&r, &fd, "GET /x HTTP/1.1\r\nHost: h\r\n\r\n", NULL);
	const char *resp = "HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}";
	send_data(&r, id, resp);
	send_frame(&r, RELAY_END, id, NULL, 0);
	expect_all_then_close(fd, resp);
	expect_no_frame(&r);
	relay_stop(&r);
}

static void frames_arriving_byte_by_byte(void **state)
{
	struct relay r = relay_start(5, 0);
	int fd;
	uint64_t id = open_stream(&r, &fd, "GET / HTTP/1.1\r\n\r\n", NULL);
	char wire[2 * sizeof(struct relay_frame) + 10];
	struct relay_frame h = {.len = 10, .type = RELAY_DATA, .conn = id};
	memcpy(wire, &h, sizeof(h));
	memcpy(wire + sizeof(h), "0123456789", 10);
	h = (struct relay_frame){.type = RELAY_END, .conn = id};
	memcpy(wire + sizeof(h) + 10, &h, sizeof(h));
	for (size_t i = 0; i < sizeof(wire); i++) {
		write_all(r.chan, wire + i, 1);
		usleep(1000);
	}
	expect_all_then_close(fd, "0123456789");
	relay_stop(&r);
}

static void several_clients_interleaved(void **state)
{
	enum { CLIENTS = 5, ROUNDS = 40 };
	struct relay r = relay_start(5, 0);
	int fds[CLIENTS];
	uint64_t ids[CLIENTS];
	char head[64], want[CLIENTS][ROUNDS * 16];
	size_t want_len[CLIENTS] = {0};
	for (int k = 0; k < CLIENTS; k++) {
		fds[k] = client_connect(&r, 0);
		snprintf(head, sizeof(head), "GET /c%d HTTP/1.1\r\n\r\n", k);
		write_all(fds[k], head, strlen(head));
	}
	/* the REQUESTs come in any order: each is known by its target */
	for (int i = 0; i < CLIENTS; i++) {
		struct frame f = next_frame(&r);
		assert_int_equal(f.h.type, RELAY_REQUEST);
		const char *target = f.payload + strlen(f.payload) + 1; /* "/cK" */
		int k = target[2] - '0';
		assert_true(k >= 0 && k < CLIENTS);
		ids[k] = f.h.conn;
		for (int j = 0; j < k; j++)
			assert_true(ids[j] != ids[k]);
		free(f.payload);
	}
	for (int round = 0; round < ROUNDS; round++)
		for (int k = CLIENTS - 1; k >= 0; k--) {
			char *msg = want[k] + want_len[k];
			want_len[k] += (size_t)snprintf(msg, sizeof(want[k]) - want_len[k],
							"%d:%d\n", k, round);
			send_data(&r, ids[k], msg);
		}
	for (int k = 0; k < CLIENTS; k++)
		send_frame(&r, RELAY_END, ids[k], NULL, 0);
	for (int k = 0; k < CLIENTS; k++)
		expect_all_then_close(fds[k], want[k]);
	expect_no_frame(&r);
	relay_stop(&r);
}

/* --- clients going away ---------------------------------------------------- */

static void client_close_gives_gone_and_stale_frames_are_ignored(void **state)
{
	struct relay r = relay_start(5, 0);
	int fd1, fd2, fd3;
	uint64_t id1 = open_stream(&r, &fd1, "GET /1 HTTP/1.1\r\n\r\n", NULL);
	uint64_t id2 = open_stream(&r, &fd2, "GET /2 HTTP/1.1\r\n\r\n", NULL);
	assert_true(id1 != id2);
	close(fd1);
	expect_gone(&r, id1);
	/* a new client, likely in id1's slot */
	uint64_t id3 = open_stream(&r, &fd3, "GET /3 HTTP/1.1\r\n\r\n", NULL);
	assert_true(id3 != id1);
	/* frames about id1 crossed the GONE; frames about ids the relay never
	 * gave are ignored too */
	send_data(&r, id1, "late");
	send_frame(&r, RELAY_END, id1, NULL, 0);
	send_data(&r, 0, "x");
	send_data(&r, 1, "x");
	send_data(&r, id2 + 1, "x");
	send_data(&r, id2 + ((uint64_t)1 << 32), "x"); /* id2's slot, a later generation */
	send_data(&r, id3 + ((uint64_t)1 << 32), "x");
	send_data(&r, (uint64_t)7 << 32 | 100000, "x");
	send_data(&r, id2, "still here");
	send_frame(&r, RELAY_END, id2, NULL, 0);
	send_data(&r, id3, "mine");
	send_frame(&r, RELAY_END, id3, NULL, 0);
	expect_all_then_close(fd2, "still here");
	expect_all_then_close(fd3, "mine");
	expect_no_frame(&r);
	relay_stop(&r);
}

static void client_closing_before_its_head_is_forgotten(void **state)
{
	struct relay r = relay_start(5, 0);
	int fd = client_connect(&r, 0);
	write_all(fd, "GET / HTTP/1.1\r\nHost:", 21);
	usleep(50000);
	close(fd);
	expect_no_frame(&r);
	relay_stop(&r);
}

static void ids_are_never_reused(void **state)
{
	enum { N = 20 };
	struct relay r = relay_start(5, 0);
	uint64_t ids[N];
	for (int i = 0; i < N; i++) {
		int fd;
		ids[i] = open_stream(&r, &fd, "GET / HTTP/1.1\r\n\r\n", NULL);
		close(fd);
		expect_gone(&r, ids[i]);
		for (int j = 0; j < i; j++)
			assert_true(ids[j] != ids[i]);
	}
	relay_stop(&r);
}

static void client_that_reads_nothing_is_dropped(void **state)
{
	struct relay r = relay_start(5, 0);
	int slow, ok;
	uint64_t id = open_stream(&r, &slow, "GET /slow HTTP/1.1\r\n\r\n", NULL);
	uint64_t id_ok = open_stream(&r, &ok, "GET /ok HTTP/1.1\r\n\r\n", NULL);
	static char chunk[64 * 1024];
	memset(chunk, 'z', sizeof(chunk));
	size_t sent = 0;
	bool gone = false;
	while (!gone && sent < (64u << 20)) {
		send_frame(&r, RELAY_DATA, id, chunk, sizeof(chunk));
		sent += sizeof(chunk);
		if (readable(r.chan, 0)) {
			expect_gone(&r, id);
			gone = true;
		}
	}
	if (!gone) { /* the last frames may still be on their way */
		expect_gone(&r, id);
		gone = true;
	}
	assert_true(sent > RELAY_QUEUE_MAX);
	send_frame(&r, RELAY_DATA, id, chunk, sizeof(chunk)); /* ignored now */
	expect_closed(slow);
	close(slow);
	/* the other client is unharmed */
	send_data(&r, id_ok, "fine");
	send_frame(&r, RELAY_END, id_ok, NULL, 0);
	expect_all_then_close(ok, "fine");
	expect_no_frame(&r);
	relay_stop(&r);
}

/* --- refused heads --------------------------------------------------------- */

/* A client sends head and gets status with {"error": …} and the close; the
 * server hears nothing of it. */
static void expect_refused(struct relay *r, const char *head, size_t len, int status)
{
	int fd = client_connect(r, 0);
	write_all(fd, head, len);
	char *got = read_to_end(fd);
	char line[64];
	snprintf(line, sizeof(line), "HTTP/1.1 %d ", status);
	if (strncmp(got, line, strlen(line)) != 0)
		fail_msg("expected %d for '%.40s', got '%.60s'", status, head, got);
	assert_non_null(strstr(got, "\r\nContent-Type: application/json; charset=utf-8\r\n"));
	assert_non_null(strstr(got, "\r\nConnection: close\r\n"));
	const char *body = strstr(got, "\r\n\r\n");
	assert_non_null(body);
	body += 4;
	assert_true(strncmp(body, "{\"error\":\"", 10) == 0);
	assert_int_equal(body[strlen(body) - 1], '}');
	const char *cl = strstr(got, "Content-Length: ");
	assert_non_null(cl);
	assert_int_equal(strtoul(cl + 16, NULL, 10), strlen(body));
	free(got);
	close(fd);
}

static void bad_heads_are_refused(void **state)
{
	struct relay r = relay_start(5, 0);
	static const struct {
		const char *head;
		int status;
	} cases[] = {
	    {"GET /\r\n\r\n", 400},
	    {"GET  / HTTP/1.1\r\n\r\n", 400},
	    {"GET / HTTP/1.1 \r\n\r\n", 400},
	    {"G(T / HTTP/1.1\r\n\r\n", 400},
	    {"GET /a\x01 HTTP/1.1\r\n\r\n", 400},
	    {"GET / HTTX/1.1\r\n\r\n", 400},
	    {"\r\n\r\n", 400},
	    {"GET / HTTP/1.1\r\nNo colon here\r\n\r\n", 400},
	    {"GET / HTTP/1.1\r\nName : v\r\n\r\n", 400},
	    {"GET / HTTP/1.1\r\n: v\r\n\r\n", 400},
	    {"GET / HTTP/1.1\r\nA: b\x7f\r\n\r\n", 400},
	    {"GET / HTTP/1.1\r\nA: b\r\n  folded\r\n\r\n", 400},
	    {"GET / HTTP/1.1\r\nA: b\r\n\tfolded\r\n\r\n", 400},
	    {"GET / HTTP/2.0\r\n\r\n", 505},
	    {"GET / HTTP/0.9\r\n\r\n", 505},
	    {"GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", 400},
	    {"GET / HTTP/1.1\r\ncontent-length: 0x\r\n\r\n", 400},
	    {"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		expect_refused(&r, cases[i].head, strlen(cases[i].head), cases[i].status);
	expect_no_frame(&r);
	relay_stop(&r);
}

static void large_heads_are_refused(void **state)
{
	struct relay r = relay_start(5, 0);
	/* RELAY_HEAD_MAX bytes and still no blank line */
	char head[RELAY_HEAD_MAX + 8];
	const char *start = "GET / HTTP/1.1\r\nX: ";
	memcpy(head, start, strlen(start));
	memset(head + strlen(start), 'a', RELAY_HEAD_MAX - strlen(start));
	expect_refused(&r, head, RELAY_HEAD_MAX, 431);
	/* one byte more than RELAY_HEAD_MAX, blank line included */
	memset(head + strlen(start), 'a', RELAY_HEAD_MAX + 1 - strlen(start));
	memcpy(head + RELAY_HEAD_MAX - 3, "\r\n\r\n", 4);
	expect_refused(&r, head, RELAY_HEAD_MAX + 1, 431);
	/* one header more than RELAY_HEADERS_MAX */
	char many[RELAY_HEAD_MAX];
	size_t len = (size_t)snprintf(many, sizeof(many), "GET / HTTP/1.1\r\n");
	for (int i = 0; i <= RELAY_HEADERS_MAX; i++)
		len += (size_t)snprintf(many + len, sizeof(many) - len, "H%d: %d\r\n", i, i);
	len += (size_t)snprintf(many + len, sizeof(many) - len, "\r\n");
	expect_refused(&r, many, len, 431);
	expect_no_frame(&r);
	relay_stop(&r);
}

static void slow_head_times_out(void **state)
{
	struct relay r = relay_start(1, 0);
	int64_t start = mono_ms();
	/* started, then stalled; expect_refused's read waits for the 408 */
	expect_refused(&r, "GET / HTTP/1.1\r\nHost: h", 23, 408);
	int64_t took = mono_ms() - start;
	assert_true(took >= 900);
	assert_true(took < 3000);
	/* a client that sends nothing at all times out too */
	expect_refused(&r, "", 0, 408);
	expect_no_frame(&r);
	relay_stop(&r);
}

/* --- the channel ----------------------------------------------------------- */

static void channel_end_closes_every_client(void **state)
{
	struct relay r = relay_start(5, 0);
	int open1, open2, half;
	uint64_t id = open_stream(&r, &open1, "GET /1 HTTP/1.1\r\n\r\n", NULL);
	open_stream(&r, &open2, "GET /2 HTTP/1.1\r\n\r\n", NULL);
	send_data(&r, id, "partial");
	half = client_connect(&r, 0);
	write_all(half, "GET /3 HT", 9);
	usleep(50000);
	relay_stop(&r); /* exits 0 */
	char got[16] = "";
	assert_true(readable(open1, WAIT_MS));
	assert_int_equal(recv(open1, got, sizeof(got) - 1, 0), 7);
	assert_string_equal(got, "partial");
	expect_closed(open1);
	expect_closed(open2);
	expect_closed(half);
	close(open1);
	close(open2);
	close(half);
}

static void bad_frames_stop_the_relay(void **state)
{
	static const struct relay_frame bad[] = {
	    {.len = RELAY_PAYLOAD_MAX + 1, .type = RELAY_DATA, .conn = 5},
	    {.len = 0, .type = 9, .conn = 5},
	    {.len = 0, .type = 0, .conn = 5},
	    {.len = 0, .type = RELAY_REQUEST, .conn = 5},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct relay r = relay_start(5, 0);
		int fd;
		open_stream(&r, &fd, "GET / HTTP/1.1\r\n\r\n", NULL);
		write_all(r.chan, &bad[i], sizeof(bad[i]));
		assert_int_equal(relay_wait(&r, NULL), 1);
		expect_closed(fd);
		close(fd);
		close(r.chan);
	}
}

static void out_of_descriptors_pauses_accepting(void **state)
{
	enum { CLIENTS = 24 };
	struct relay r = relay_start(5, 16); /* room for about 10 clients */
	int fds[CLIENTS];
	for (int i = 0; i < CLIENTS; i++) {
		fds[i] = client_connect(&r, 0);
		write_all(fds[i], "GET / HTTP/1.1\r\n\r\n", 18);
	}
	/* the relay takes what its descriptors allow; the clients it holds are
	 * held a while (a relay out of descriptors must sleep, not spin), then
	 * ended, which makes room for the next */
	int served = 0;
	while (served < CLIENTS) {
		uint64_t held[CLIENTS];
		int n = 0;
		do {
			struct frame f = next_frame(&r);
			assert_int_equal(f.h.type, RELAY_REQUEST);
			held[n++] = f.h.conn;
			free(f.payload);
		} while (served + n < CLIENTS && readable(r.chan, QUIET_MS));
		assert_true(n < CLIENTS); /* the limit was reached */
		usleep(300000);
		for (int i = 0; i < n; i++) {
			send_data(&r, held[i], "ok");
			send_frame(&r, RELAY_END, held[i], NULL, 0);
		}
		served += n;
	}
	for (int i = 0; i < CLIENTS; i++)
		expect_all_then_close(fds[i], "ok");
	close(r.chan);
	struct rusage ru;
	assert_int_equal(relay_wait(&r, &ru), 0);
	/* waiting for descriptors, it slept rather than spun */
	double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
		     (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	assert_true(cpu < 0.5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(request_frame_carries_the_head),
	    cmocka_unit_test(request_frame_from_ipv6),
	    cmocka_unit_test(request_head_with_bare_lf_and_in_pieces),
	    cmocka_unit_test(largest_head_and_most_headers_pass),
	    cmocka_unit_test(data_arrives_in_order_then_end_closes),
	    cmocka_unit_test(end_after_a_short_response),
	    cmocka_unit_test(frames_arriving_byte_by_byte),
	    cmocka_unit_test(several_clients_interleaved),
	    cmocka_unit_test(client_close_gives_gone_and_stale_frames_are_ignored),
	    cmocka_unit_test(client_closing_before_its_head_is_forgotten),
	    cmocka_unit_test(ids_are_never_reused),
	    cmocka_unit_test(client_that_reads_nothing_is_dropped),
	    cmocka_unit_test(bad_heads_are_refused),
	    cmocka_unit_test(large_heads_are_refused),
	    cmocka_unit_test(slow_head_times_out),
	    cmocka_unit_test(channel_end_closes_every_client),
	    cmocka_unit_test(bad_frames_stop_the_relay),
	    cmocka_unit_test(out_of_descriptors_pauses_accepting),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
