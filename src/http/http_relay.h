/*
 * http_relay: live streams held by relay processes.
 *
 * One process holds at most its open-file limit of sockets, and every
 * live stream is a socket. A server started with stream_listen set also
 * listens on that address through stream relays: small processes (the
 * same binary, `moka stream-relay`) that share the listening socket,
 * accept the connections, read each request's head, and pass it to the
 * server over their channel (a Unix socketpair). The server answers it
 * through the same route table and the same authenticator as its own
 * requests; a stream it opens stays in the hub like any other, and the
 * hub's bytes go back over the channel to the relay that holds the
 * socket. The server holds no descriptor per stream, and the relays hold
 * nothing but sockets and unsent bytes.
 *
 * The channel carries frames: a header, then len bytes. Both ends are on
 * one machine, so numbers are in native byte order.
 */
#ifndef MOKA_HTTP_RELAY_H
#define MOKA_HTTP_RELAY_H

#include <stdint.h>

struct relay_frame {
	uint32_t len;	/* payload bytes after this header */
	uint8_t type;	/* enum relay_frame_type */
	uint8_t pad[3]; /* zero */
	uint64_t conn;	/* the relay's id for one client connection */
};

enum relay_frame_type {
	/* relay → server */
	RELAY_REQUEST = 1, /* a request head: method\0 target\0 remote-ip\0,
			    * then name\0 value\0 for every header */
	RELAY_GONE,	   /* the client went away, or the relay dropped it */
	/* server → relay */
	RELAY_DATA, /* bytes for the client, in order: the response head first */
	RELAY_END,  /* send what is queued, then close; the server forgot conn */
};

/* The largest payload either end sends or accepts. */
#define RELAY_PAYLOAD_MAX (256u << 10)
/* A request head (request line and headers) longer than this gets 431. */
#define RELAY_HEAD_MAX 8192
/* Headers in one request head, at most (more gets 431). */
#define RELAY_HEADERS_MAX 64
/* A client whose unsent bytes pass this is dropped (as the hub does). */
#define RELAY_QUEUE_MAX (1u << 20)

/*
 * The rules both ends keep:
 * - A relay sends RELAY_REQUEST once per connection, when its head is
 *   complete; then it reads and drops whatever else the client sends,
 *   watching only for the end of the connection.
 * - The server answers every request with RELAY_DATA frames; a whole
 *   response (an error, or anything not a stream) is followed by
 *   RELAY_END. A stream's frames keep coming until the stream ends
 *   (RELAY_END) or the relay reports RELAY_GONE.
 * - After RELAY_END the relay sends nothing about conn; after RELAY_GONE
 *   the server sends nothing more about conn. Frames about a connection
 *   the other end no longer knows are ignored (they cross on the wire).
 * - Connection ids are never reused within one relay process. An id's low
 *   32 bits are the relay's slot for the connection: slots are reused, and
 *   stay below the number of connections the relay holds at once (the
 *   server files streams by slot); the high 32 bits make the id unique.
 * - When the channel ends, a relay closes every connection and exits; the
 *   server ends every stream of a relay whose channel ended.
 */

/* `moka stream-relay`: the relay process's main loop, on the listening
 * socket listen_fd and the channel chan_fd; head_timeout_s bounds the time
 * a client takes to send its request head. Returns the exit status. */
int http_relay_main(int listen_fd, int chan_fd, unsigned head_timeout_s);

#endif
