/*
 * msg_load: message delivery latency over Moka's live stream.
 *
 * Reads conversations from a file, one per line: "CONVERSATION_ID
 * SENDER_TOKEN RECEIVER_TOKEN". Opens one user stream
 * (/api/v1/streaming/user) per distinct receiver, then sends messages at
 * --rate per second in total, round-robin over the conversations, from
 * --senders threads (each with one keep-alive connection, on an absolute
 * schedule: a late send goes out at once, and its lateness counts in the
 * latency). Each text carries "bench-ts:<µs since the epoch>"; the main
 * thread reads the streams with epoll, finds each moka.message event and
 * records now − that timestamp, so the latency covers the POST, the
 * commit, the hub's fan-out and delivery. After --seconds (plus a second
 * to drain) it prints sent, acknowledged, delivered and the latency
 * percentiles.
 *
 * Usage: msg_load --port P --pairs FILE [--rate 200] [--seconds 10]
 *          [--senders 4]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PAIRS 4096
#define LAT_MAX 1000000

struct pair {
	char conv[32];
	char sender[128];
	char receiver[128];
};

static struct pair pairs[MAX_PAIRS];
static int n_pairs;
static int port;
static double rate = 200;
static int seconds = 10, senders = 4;
static _Atomic long sent, acked, failed;
static _Atomic bool sending = true;
static double *lat; /* ms */
static long n_lat;

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int dial(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("connect");
		exit(1);
	}
	return fd;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads one HTTP response with a Content-Length body; its status, or -1. */
static int read_response(int fd, char *buf, size_t cap)
{
	size_t len = 0;
	char *end = NULL;
	while (!end) {
		ssize_t r = read(fd, buf + len, cap - 1 - len);
		if (r <= 0)
			return -1;
		len += (size_t)r;
		buf[len] = '\0';
		end = strstr(buf, "\r\n\r\n");
		if (!end && len >= cap - 1)
			return -1;
	}
	int status = (int)strtol(buf + 9, NULL, 10);
	const char *cl = strcasestr(buf, "\r\ncontent-length:");
	size_t body = cl ? (size_t)strtoul(cl + 17, NULL, 10) : 0;
	size_t have = len - (size_t)(end + 4 - buf);
	while (have < body) {
		ssize_t r = read(fd, buf, cap < body - have ? cap : body - have);
		if (r <= 0)
			return -1;
		have += (size_t)r;
	}
	return status;
}

static void *sender(void *arg)
{
	int id = (int)(intptr_t)arg;
	int fd = dial();
	double every_us = 1e6 * senders / rate;
	int64_t start = mono_us() + (int64_t)(every_us * id / senders);
	char req[2048], resp[65536];
	for (long k = 0; atomic_load(&sending); k++) {
		int64_t due = start + (int64_t)(k * every_us);
		int64_t wait = due - mono_us();
		if (wait > 0) {
			struct timespec ts = {wait / 1000000, (wait % 1000000) * 1000};
			nanosleep(&ts, NULL);
		}
		if (!atomic_load(&sending))
			break;
		const struct pair *p = &pairs[(k * senders + id) % n_pairs];
		char body[256];
		/* the timestamp is the one the message was due at: lateness counts */
		int64_t ts = now_us() - (mono_us() - due > 0 ? mono_us() - due : 0);
		int bl = snprintf(body, sizeof(body), "{\"text\":\"bench-ts:%lld n:%d.%ld\"}",
				  (long long)ts, id, k);
		int rl = snprintf(req, sizeof(req),
				  "POST /api/moka/v1/conversations/%s/messages HTTP/1.1\r\n"
				  "Host: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
				  "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
				  p->conv, p->sender, bl, body);
		atomic_fetch_add(&sent, 1);
		if (write_all(fd, req, (size_t)rl) < 0 || read_response(fd, resp, sizeof(resp)) != 200) {
			atomic_fetch_add(&failed, 1);
			close(fd);
			fd = dial();
			continue;
		}
		atomic_fetch_add(&acked, 1);
	}
	close(fd);
	return NULL;
}

/* --- the streams --------------------------------------------------------- */

struct stream {
	int fd;
	bool in_body;
	char *buf; /* undecoded bytes */
	size_t len, cap;
	char *sse; /* de-chunked SSE text not yet parsed */
	size_t sse_len, sse_cap;
};

static void append(char **b, size_t *len, size_t *cap, const char *p, size_t n)
{
	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*b = realloc(*b, *cap);
	}
	memcpy(*b + *len, p, n);
	*len += n;
	(*b)[*len] = '\0';
}

static void on_event(const char *block)
{
	if (strncmp(block, "event: moka.message\n", 20) != 0)
		return;
	const char *m = strstr(block, "\"text\":\"bench-ts:");
	if (!m)
		return;
	long long ts = strtoll(m + 17, NULL, 10);
	if (n_lat < LAT_MAX)
		lat[n_lat++] = (double)(now_us() - ts) / 1000.0;
}

/* Takes whole SSE messages (ending in a blank line) out of s->sse. */
static void parse_sse(struct stream *s)
{
	if (!s->sse)
		return;
	char *start = s->sse, *end;
	while ((end = strstr(start, "\n\n"))) {
		*end = '\0';
		on_event(start);
		start = end + 2;
	}
	size_t rest = s->sse_len - (size_t)(start - s->sse);
	memmove(s->sse, start, rest);
	s->sse_len = rest;
	s->sse[rest] = '\0';
}

/* De-chunks what s->buf holds (chunked transfer coding) into s->sse. */
static void dechunk(struct stream *s)
{
	size_t off = 0;
	if (!s->buf)
		return;
	for (;;) {
		char *crlf = memmem(s->buf + off, s->len - off, "\r\n", 2);
		if (!crlf)
			break;
		size_t size = strtoul(s->buf + off, NULL, 16);
		size_t head = (size_t)(crlf + 2 - (s->buf + off));
		if (s->len - off < head + size + 2)
			break;
		append(&s->sse, &s->sse_len, &s->sse_cap, s->buf + off + head, size);
		off += head + size + 2;
	}
	memmove(s->buf, s->buf + off, s->len - off);
	s->len -= off;
	parse_sse(s);
}

static void on_readable(struct stream *s)
{
	char tmp[65536];
	ssize_t r;
	while ((r = read(s->fd, tmp, sizeof(tmp))) > 0) {
		append(&s->buf, &s->len, &s->cap, tmp, (size_t)r);
		if (!s->in_body) {
			char *end = strstr(s->buf, "\r\n\r\n");
			if (!end)
				continue;
			if (strncmp(s->buf, "HTTP/1.1 200", 12) != 0) {
				fprintf(stderr, "stream refused: %.60s\n", s->buf);
				exit(1);
			}
			s->in_body = true;
			size_t skip = (size_t)(end + 4 - s->buf);
			memmove(s->buf, s->buf + skip, s->len - skip);
			s->len -= skip;
		}
		dechunk(s);
	}
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(double p)
{
	if (!n_lat)
		return 0;
	long i = (long)(p / 100.0 * (double)(n_lat - 1) + 0.5);
	return lat[i];
}

int main(int argc, char **argv)
{
	const char *file = NULL;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--port"))
			port = (int)strtol(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--pairs"))
			file = argv[i + 1];
		else if (!strcmp(argv[i], "--rate"))
			rate = strtod(argv[i + 1], NULL);
		else if (!strcmp(argv[i], "--seconds"))
			seconds = (int)strtol(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--senders"))
			senders = (int)strtol(argv[i + 1], NULL, 10);
	}
	FILE *f = file ? fopen(file, "r") : NULL;
	if (!port || !f || rate <= 0 || senders < 1) {
		fprintf(stderr, "usage: msg_load --port P --pairs FILE [--rate R] [--seconds S] "
				"[--senders N]\n");
		return 2;
	}
	while (n_pairs < MAX_PAIRS && fscanf(f, "%31s %127s %127s", pairs[n_pairs].conv,
					     pairs[n_pairs].sender, pairs[n_pairs].receiver) == 3)
		n_pairs++;
	fclose(f);
	lat = malloc(sizeof(*lat) * LAT_MAX);

	int ep = epoll_create1(0);
	struct stream *streams = calloc((size_t)n_pairs, sizeof(*streams));
	int n_streams = 0;
	for (int i = 0; i < n_pairs; i++) {
		bool seen = false;
		for (int j = 0; j < i && !seen; j++)
			seen = strcmp(pairs[j].receiver, pairs[i].receiver) == 0;
		if (seen)
			continue;
		struct stream *s = &streams[n_streams++];
		s->fd = dial();
		char req[512];
		int n = snprintf(req, sizeof(req),
				 "GET /api/v1/streaming/user HTTP/1.1\r\nHost: 127.0.0.1\r\n"
				 "Authorization: Bearer %s\r\nAccept: text/event-stream\r\n\r\n",
				 pairs[i].receiver);
		write_all(s->fd, req, (size_t)n);
		fcntl(s->fd, F_SETFL, fcntl(s->fd, F_GETFL) | O_NONBLOCK);
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = s};
		epoll_ctl(ep, EPOLL_CTL_ADD, s->fd, &ev);
	}
	/* let the streams open before the first message */
	struct epoll_event evs[256];
	int64_t settle = mono_us() + 500000;
	while (mono_us() < settle) {
		int n = epoll_wait(ep, evs, 256, 50);
		for (int i = 0; i < n; i++)
			on_readable(evs[i].data.ptr);
	}
	n_lat = 0;
	pthread_t th[64];
	senders = senders > 64 ? 64 : senders;
	for (int i = 0; i < senders; i++)
		pthread_create(&th[i], NULL, sender, (void *)(intptr_t)i);
	int64_t stop = mono_us() + (int64_t)seconds * 1000000;
	int64_t drain = stop + 1000000;
	while (mono_us() < drain) {
		if (atomic_load(&sending) && mono_us() >= stop)
			atomic_store(&sending, false);
		int n = epoll_wait(ep, evs, 256, 20);
		for (int i = 0; i < n; i++)
			on_readable(evs[i].data.ptr);
	}
	for (int i = 0; i < senders; i++)
		pthread_join(th[i], NULL);
	qsort(lat, (size_t)n_lat, sizeof(*lat), cmp);
	printf("conversations %d, streams %d, senders %d, target %.0f messages/s for %d s\n",
	       n_pairs, n_streams, senders, rate, seconds);
	printf("sent %ld (%.1f/s), acknowledged %ld, failed %ld, delivered %ld\n",
	       atomic_load(&sent), (double)atomic_load(&sent) / seconds, atomic_load(&acked),
	       atomic_load(&failed), n_lat);
	printf("delivery latency ms: p50 %.1f, p90 %.1f, p99 %.1f, p99.9 %.1f, max %.1f\n",
	       pct(50), pct(90), pct(99), pct(99.9), n_lat ? lat[n_lat - 1] : 0.0);
	return 0;
}
