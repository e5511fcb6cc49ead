/*
 * admin: the administration commands (`moka user …`, `moka token
 * create`) and the local socket through which they reach a running
 * server, so that only one process ever writes the database.
 *
 * A running `moka serve` listens on DATA/admin.sock (mode 0600, peers
 * must run as the same user or root) and holds DATA/admin.lock. A command
 * sends one request line (a JSON object naming "cmd" and its arguments)
 * and reads reply lines: {"stdout": text} and {"stderr": text} chunks,
 * then {"exit": code}. When no server listens, the command takes the lock
 * and runs the very same code against the store itself, so its output and
 * exit code are the same either way.
 *
 * Exit codes: 0 done, 1 failure (store, server), 2 usage or invalid
 * value, 3 already exists (username or email taken), 4 no such user.
 */
#ifndef MOKA_ADMIN_H
#define MOKA_ADMIN_H

#include <jansson.h>

struct app;
struct config;
struct admin_server;

enum admin_exit {
	ADMIN_OK = 0,
	ADMIN_FAIL = 1,
	ADMIN_USAGE = 2,
	ADMIN_CONFLICT = 3,
	ADMIN_NOT_FOUND = 4,
};

/* Server side, first step: takes DATA/admin.lock (before the store is
 * opened, so no admin command can write while the server loads). NULL
 * (logged) when another server runs on the same data directory. */
struct admin_server *admin_lock(struct config *cfg);
/* Second step, once the app is loaded: replaces a stale socket and serves
 * commands on a thread of its own. 0, or -1 (logged). */
int admin_start(struct admin_server *s, struct app *app);
/* Stops serving (a running command finishes first), removes the socket
 * and releases the lock. NULL is a no-op. */
void admin_stop(struct admin_server *s);

/* Client side: runs request (a JSON object with "cmd"; see
 * admin_commands.c) through the running server, or locally when none
 * runs; prints its output to stdout/stderr and returns its exit code.
 * Waits up to MOKA_ADMIN_TIMEOUT seconds (default 60) for an answer. */
int admin_call(struct config *cfg, json_t *request);

#endif
