/* admin_int: what the admin module's files share. */
#ifndef MOKA_ADMIN_INT_H
#define MOKA_ADMIN_INT_H

#include <stddef.h>

#include "admin/admin.h"

/* Where a command's output goes: the terminal, or reply frames on the socket. */
struct admin_out {
	void (*write)(struct admin_out *o, int fd, const char *s, size_t n);
	void *ctx;
};

/* Formats onto o's stdout (fd 1) or stderr (fd 2). */
void admin_printf(struct admin_out *o, int fd, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Runs one request against app; returns the exit code (enum admin_exit). */
int admin_run(struct app *app, json_t *request, struct admin_out *o);

/* The socket's address for data_dir: the path itself when it fits in
 * sun_path, else a path through /proc/self/fd/DIRFD (dirfd opened here,
 * *dirfd set; close it after use). -1 when neither works. */
struct sockaddr_un;
int admin_socket_addr(const char *data_dir, struct sockaddr_un *sa, int *dirfd);
/* Opens DATA/admin.lock (creating DATA if needed); -1 on error. */
int admin_lock_open(const char *data_dir);

#endif
