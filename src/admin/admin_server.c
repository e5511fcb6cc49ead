/*
 * admin_server: the server's end of the admin socket — a thread that
 * accepts one command at a time, checks that the peer runs as our user
 * (or root), runs the command with admin_run, and streams its output back
 * as reply frames.
 */
#include "admin/admin_int.h"
#include "app/app.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/xmalloc.h"
#include "json/json_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define REQUEST_MAX (64 * 1024)
#define FRAME_FLUSH (32 * 1024)
#define IO_TIMEOUT_S 30
#define LOCK_WAIT_MS 30000

struct admin_server {
	struct app *app;
	int listen_fd, lock_fd, dir_fd;
	int wake[2];
	pthread_t thread;
	bool running;
};

/* Output of one command on the socket: text gathered per stream, sent as frames. */
struct frames {
	int fd;
	int pending_fd; /* 1 or 2: which stream buf holds */
	struct buf text;
	bool broken;
};

static void send_all(struct frames *f, const char *p, size_t n)
{
	while (n && !f->broken) {
		ssize_t w = send(f->fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			f->broken = true; /* the command goes on; its output is lost */
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

static void frames_flush(struct frames *f)
{
	if (!f->text.len)
		return;
	struct buf line;
	buf_init(&line, 2 * FRAME_FLUSH * 6 + 64);
	buf_puts(&line, f->pending_fd == 2 ? "{\"stderr\":" : "{\"stdout\":");
	json_escape(&line, f->text.ptr, f->text.len);
	buf_puts(&line, "}\n");
	send_all(f, line.ptr, line.len);
	buf_free(&line);
	buf_reset(&f->text);
}

static void frames_write(struct admin_out *o, int fd, const char *s, size_t n)
{
	struct frames *f = o->ctx;
	if (f->pending_fd != fd)
		frames_flush(f);
	f->pending_fd = fd;
	while (n) {
		size_t room = FRAME_FLUSH - f->text.len, k = n < room ? n : room;
		buf_append(&f->text, s, k);
		s += k;
		n -= k;
		if (f->text.len >= FRAME_FLUSH)
			frames_flush(f);
	}
}

/* true when the peer runs as our user or as root. */
static bool peer_allowed(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return false;
	return cred.uid == getuid() || cred.uid == 0;
}

/* Reads one request line (without the newline) into b; -1 on error, EOF or overflow. */
static int read_line(int fd, struct buf *b)
{
	char chunk[4096];
	for (;;) {
		ssize_t n = recv(fd, chunk, sizeof(chunk), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		char *nl = memchr(chunk, '\n', (size_t)n);
		if (buf_append(b, chunk, nl ? (size_t)(nl - chunk) : (size_t)n) < 0)
			return -1;
		if (nl)
			return 0;
	}
}

static void serve_one(struct admin_server *s, int fd)
{
	struct timeval tv = {.tv_sec = IO_TIMEOUT_S};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	struct frames f = {.fd = fd, .pending_fd = 1};
	buf_init(&f.text, FRAME_FLUSH + 1);
	struct admin_out o = {frames_write, &f};
	struct buf line;
	buf_init(&line, REQUEST_MAX);
	int rc = ADMIN_USAGE;
	json_t *req = NULL;
	if (!peer_allowed(fd)) {
		admin_printf(&o, 2, "moka: permission denied (run as the server's user)\n");
		rc = ADMIN_FAIL;
	} else if (read_line(fd, &line) < 0) {
		goto done; /* nothing sensible to answer */
	} else if (!(req = json_loadb(line.ptr ? line.ptr : "", line.len, 0, NULL)) ||
		   !json_is_object(req)) {
		admin_printf(&o, 2, "moka: malformed admin request\n");
	} else {
		const char *cmd = json_string_value(json_object_get(req, "cmd"));
		int64_t t0 = clock_mono_us();
		rc = admin_run(s->app, req, &o);
		log_info("admin: %s -> exit %d (%.1f ms)", cmd ? cmd : "?", rc,
			 (double)(clock_mono_us() - t0) / 1000.0);
	}
	frames_flush(&f);
	char end[32];
	int n = snprintf(end, sizeof(end), "{\"exit\":%d}\n", rc);
	send_all(&f, end, (size_t)n);
done:
	if (req) {
		/* the request may hold a password: wipe it before freeing */
		const char *pw = json_string_value(json_object_get(req, "password"));
		if (pw)
			memset((char *)pw, 0, strlen(pw));
		json_decref(req);
	}
	if (line.ptr)
		memset(line.ptr, 0, line.len);
	buf_free(&line);
	buf_free(&f.text);
}

static void *admin_thread(void *arg)
{
	struct admin_server *s = arg;
	struct pollfd pf[2] = {{.fd = s->listen_fd, .events = POLLIN},
			       {.fd = s->wake[0], .events = POLLIN}};
	for (;;) {
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_error("admin: poll: %s", strerror(errno));
			break;
		}
		if (pf[1].revents)
			break;
		int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		serve_one(s, fd);
		close(fd);
	}
	return NULL;
}

/* true when a server answers on the socket at sa. */
static bool someone_listens(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	bool yes = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return yes;
}

/* Takes the data directory's lock, waiting for a command that runs
 * without a server to finish. -1 when another server holds it. */
static int take_lock(struct admin_server *s, const char *dir, const struct sockaddr_un *sa)
{
	s->lock_fd = admin_lock_open(dir);
	if (s->lock_fd < 0) {
		log_error("admin: cannot open %s/admin.lock: %s", dir, strerror(errno));
		return -1;
	}
	for (int waited = 0; flock(s->lock_fd, LOCK_EX | LOCK_NB) < 0; waited += 100) {
		if (someone_listens(sa) || waited >= LOCK_WAIT_MS) {
			log_error("admin: another moka server is running on %s", dir);
			return -1;
		}
		if (waited == 0)
			log_info("admin: waiting for a running admin command to finish");
		usleep(100 * 1000);
	}
	return 0;
}

static int listen_socket(struct admin_server *s, const struct sockaddr_un *sa)
{
	unlinkat(s->dir_fd, "admin.sock", 0); /* stale: we hold the lock, so no server uses it */
	s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->listen_fd < 0)
		return -1;
	mode_t old = umask(0177);
	int rc = bind(s->listen_fd, (const struct sockaddr *)sa, sizeof(*sa));
	umask(old);
	if (rc < 0 || fchmodat(s->dir_fd, "admin.sock", 0600, 0) < 0 ||
	    listen(s->listen_fd, 16) < 0)
		return -1;
	return 0;
}

struct admin_server *admin_lock(struct config *cfg)
{
	struct admin_server *s = xcalloc(1, sizeof(*s));
	s->listen_fd = s->lock_fd = s->wake[0] = s->wake[1] = -1;
	struct sockaddr_un sa;
	int via_fd = -1;
	if (mkdir(cfg->data_dir, 0700) < 0 && errno != EEXIST)
		log_warn("admin: cannot create %s: %s", cfg->data_dir, strerror(errno));
	s->dir_fd = open(cfg->data_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s->dir_fd < 0 || admin_socket_addr(cfg->data_dir, &sa, &via_fd) < 0) {
		log_error("admin: cannot open %s: %s", cfg->data_dir, strerror(errno));
		goto fail;
	}
	if (take_lock(s, cfg->data_dir, &sa) < 0)
		goto fail;
	if (via_fd >= 0)
		close(via_fd);
	return s;
fail:
	if (via_fd >= 0)
		close(via_fd);
	admin_stop(s);
	return NULL;
}

int admin_start(struct admin_server *s, struct app *app)
{
	s->app = app;
	struct sockaddr_un sa;
	int via_fd = -1;
	if (admin_socket_addr(app->cfg->data_dir, &sa, &via_fd) < 0) {
		log_error("admin: cannot open %s: %s", app->cfg->data_dir, strerror(errno));
		goto fail;
	}
	if (listen_socket(s, &sa) < 0) {
		log_error("admin: cannot listen on %s/admin.sock: %s", app->cfg->data_dir,
			  strerror(errno));
		goto fail;
	}
	if (pipe2(s->wake, O_CLOEXEC) < 0 || pthread_create(&s->thread, NULL, admin_thread, s)) {
		log_error("admin: cannot start: %s", strerror(errno));
		goto fail;
	}
	s->running = true;
	if (via_fd >= 0)
		close(via_fd);
	return 0;
fail:
	if (via_fd >= 0)
		close(via_fd);
	if (s->listen_fd >= 0)
		unlinkat(s->dir_fd, "admin.sock", 0);
	return -1;
}

void admin_stop(struct admin_server *s)
{
	if (!s)
		return;
	if (s->running) {
		ssize_t w = write(s->wake[1], "x", 1);
		(void)w;
		pthread_join(s->thread, NULL);
		unlinkat(s->dir_fd, "admin.sock", 0);
	}
	int fds[] = {s->listen_fd, s->wake[0], s->wake[1], s->lock_fd, s->dir_fd};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0)
			close(fds[i]); /* closing lock_fd releases the lock */
	free(s);
}
