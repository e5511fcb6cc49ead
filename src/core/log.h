/*
 * log: the server's diagnostic log (stderr) and its access log.
 *
 * log_info/log_warn/log_error write one line each, with a UTC timestamp.
 * The access log gets one line per finished request, to a file, stderr or
 * nowhere, as configured.
 */
#ifndef MOKA_LOG_H
#define MOKA_LOG_H

#include <stdint.h>

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "-" for stderr, "off" for none, otherwise a file path (appended). 0/-1. */
int log_access_open(const char *where);
void log_access(const char *ip, const char *method, const char *path, int status, uint64_t bytes,
		int64_t micros, int64_t user_id);
void log_access_close(void);

#endif
