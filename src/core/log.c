/* log: diagnostic and access logs. stdio's per-call locking keeps lines whole. */
#include "core/log.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static FILE *access_fp;

__attribute__((format(printf, 3, 0))) static void log_line(FILE *fp, const char *level,
							   const char *fmt, va_list ap)
{
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	char msg[1024];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(fp, "%s %s %s\n", ts, level, msg);
}

void log_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line(stderr, "info", fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line(stderr, "warn", fmt, ap);
	va_end(ap);
}

void log_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line(stderr, "error", fmt, ap);
	va_end(ap);
}

int log_access_open(const char *where)
{
	if (!where || strcmp(where, "off") == 0) {
		access_fp = NULL;
		return 0;
	}
	if (strcmp(where, "-") == 0) {
		access_fp = stderr;
		return 0;
	}
	access_fp = fopen(where, "a");
	if (!access_fp)
		return -1;
	setvbuf(access_fp, NULL, _IOLBF, 0);
	return 0;
}

void log_access(const char *ip, const char *method, const char *path, int status, uint64_t bytes,
		int64_t micros, int64_t user_id)
{
	if (!access_fp)
		return;
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(access_fp, "%s %s \"%s %.200s\" %d %" PRIu64 " %" PRId64 "us user=%" PRId64 "\n",
		ts, ip ? ip : "-", method, path, status, bytes, micros, user_id);
}

void log_access_close(void)
{
	if (access_fp && access_fp != stderr)
		fclose(access_fp);
	access_fp = NULL;
}
