/*
 * admin_client: the command's end — hand the request to the running
 * server over DATA/admin.sock, or, when no server listens, take
 * DATA/admin.lock and run it here against the store.
 */
#include "admin/admin_int.h"
#include "app/app.h"
#include "auth/auth.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define REPLY_LINE_MAX (1u << 20)

static void stdio_write(struct admin_out *o, int fd, const char *s, size_t n)
{
	fwrite(s, 1, n, fd == 2 ? stderr : stdout);
}

/* Local runs: the command's own messages go to the real stderr (saved in
 * ctx), while the server's diagnostic log lines (store opened, graph
 * loaded) are held back, as they would be in the server's log. */
static void local_write(struct admin_out *o, int fd, const char *s, size_t n)
{
	if (fd != 2) {
		fwrite(s, 1, n, stdout);
		return;
	}
	int err_fd = *(int *)o->ctx;
	while (n) {
		ssize_t w = write(err_fd, s, n);
		if (w <= 0 && errno != EINTR)
			return;
		if (w > 0) {
			s += w;
			n -= (size_t)w;
		}
	}
}

/* Copies the warnings and errors the diagnostic log wrote into held (a
 * temporary file) to stderr; "info" lines stay quiet. */
static void release_log(FILE *held)
{
	char line[2048];
	rewind(held);
	while (fgets(line, sizeof(line), held)) {
		const char *sp = strchr(line, ' ');
		if (!sp || strncmp(sp, " info ", 6) != 0)
			fputs(line, stderr);
	}
}

static unsigned timeout_s(void)
{
	const char *v = getenv("MOKA_ADMIN_TIMEOUT");
	char *end;
	unsigned long n = v ? strtoul(v, &end, 10) : 0;
	return v && *v && !*end && n > 0 && n < 86400 ? (unsigned)n : 60;
}

/* Connects to the server's socket: the fd, -1 when no server listens
 * (no socket, or a stale one), -2 on another error (errno set). */
static int connect_server(const char *data_dir)
{
	struct sockaddr_un sa;
	int dirfd;
	if (admin_socket_addr(data_dir, &sa, &dirfd) < 0)
		return -1; /* no data directory yet: no server either */
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int rc = fd < 0 ? -2 : connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	int err = errno;
	if (dirfd >= 0)
		close(dirfd);
	if (rc == 0)
		return fd;
	if (fd >= 0)
		close(fd);
	errno = err;
	return err == ENOENT || err == ECONNREFUSED ? -1 : -2;
}

/* Prints one reply frame; returns the exit code for {"exit": n}, else -1. */
static int reply_frame(const char *line, size_t len)
{
	json_t *j = json_loadb(line, len, 0, NULL);
	int rc = -1;
	json_t *v;
	if (!j) {
		fprintf(stderr, "moka: malformed reply from the server\n");
		return ADMIN_FAIL;
	}
	if ((v = json_object_get(j, "stdout")) && json_is_string(v))
		fwrite(json_string_value(v), 1, json_string_length(v), stdout);
	else if ((v = json_object_get(j, "stderr")) && json_is_string(v))
		fwrite(json_string_value(v), 1, json_string_length(v), stderr);
	else if ((v = json_object_get(j, "exit")) && json_is_integer(v))
		rc = (int)json_integer_value(v);
	json_decref(j);
	return rc;
}

static int run_remote(int fd, json_t *request)
{
	unsigned t = timeout_s();
	struct timeval tv = {.tv_sec = t};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	char *text = json_dumps(request, JSON_COMPACT);
	size_t n = strlen(text);
	bool sent =
	    send(fd, text, n, MSG_NOSIGNAL) == (ssize_t)n && send(fd, "\n", 1, MSG_NOSIGNAL) == 1;
	memset(text, 0, n); /* may hold a password */
	free(text);
	if (!sent) {
		fprintf(stderr, "moka: cannot talk to the server: %s\n", strerror(errno));
		return ADMIN_FAIL;
	}
	struct buf line;
	buf_init(&line, REPLY_LINE_MAX);
	int rc = -1;
	char chunk[8192];
	while (rc < 0) {
		ssize_t got = recv(fd, chunk, sizeof(chunk), 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			fprintf(stderr,
				got < 0 && errno == EAGAIN
				    ? "moka: no answer from the server within %u s\n"
				    : "moka: the server closed the admin connection\n",
				t);
			rc = ADMIN_FAIL;
			break;
		}
		for (char *p = chunk, *end = chunk + got; p < end && rc < 0;) {
			char *nl = memchr(p, '\n', (size_t)(end - p));
			if (buf_append(&line, p, nl ? (size_t)(nl - p) : (size_t)(end - p)) < 0) {
				fprintf(stderr, "moka: reply line too long\n");
				rc = ADMIN_FAIL;
				break;
			}
			if (!nl)
				break;
			rc = reply_frame(line.ptr, line.len);
			buf_reset(&line);
			p = nl + 1;
		}
	}
	fflush(stdout);
	buf_free(&line);
	return rc;
}

static int run_local(struct config *cfg, json_t *request)
{
	if (auth_init(cfg->hash_concurrency) < 0)
		return ADMIN_FAIL;
	/* hold the log back (its info lines are dropped), so the output is what
	 * the same command prints through a running server */
	fflush(stderr);
	int err_fd = dup(STDERR_FILENO);
	FILE *held = tmpfile();
	if (err_fd < 0 || !held || dup2(fileno(held), STDERR_FILENO) < 0) {
		if (held)
			fclose(held);
		if (err_fd >= 0)
			close(err_fd);
		held = NULL;
		err_fd = -1;
	}
	int rc = ADMIN_FAIL;
	struct app *app = app_open(cfg);
	if (app) {
		struct admin_out o = {held ? local_write : stdio_write, &err_fd};
		rc = admin_run(app, request, &o);
		fflush(stdout);
		app_close(app);
	}
	if (held) {
		fflush(stderr);
		dup2(err_fd, STDERR_FILENO);
		close(err_fd);
		release_log(held);
		fclose(held);
	}
	return rc;
}

int admin_call(struct config *cfg, json_t *request)
{
	int64_t deadline = clock_mono_us() + (int64_t)timeout_s() * 1000000;
	for (;;) {
		int fd = connect_server(cfg->data_dir);
		if (fd >= 0) {
			int rc = run_remote(fd, request);
			close(fd);
			return rc;
		}
		if (fd == -2) {
			fprintf(stderr, "moka: cannot reach %s/admin.sock: %s\n", cfg->data_dir,
				strerror(errno));
			return ADMIN_FAIL;
		}
		int lock = admin_lock_open(cfg->data_dir);
		if (lock < 0) {
			fprintf(stderr, "moka: cannot use the data directory %s: %s\n",
				cfg->data_dir, strerror(errno));
			return ADMIN_FAIL;
		}
		if (flock(lock, LOCK_EX | LOCK_NB) == 0) {
			/* no server, and we hold the lock: no server can start until we are done */
			int rc = run_local(cfg, request);
			close(lock);
			return rc;
		}
		close(lock);
		if (clock_mono_us() >= deadline) {
			fprintf(stderr,
				"moka: the data directory %s is busy (a server is starting "
				"or another command runs)\n",
				cfg->data_dir);
			return ADMIN_FAIL;
		}
		usleep(100 * 1000); /* a server is starting, or another command runs here */
	}
}
