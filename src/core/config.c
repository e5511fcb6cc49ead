/* config: settings from defaults, file, environment and flags. */
#include "core/config.h"
#include "core/xmalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum kind { K_STR, K_UINT, K_SIZE, K_BOOL };

struct key {
	const char *name;
	enum kind kind;
	size_t off;
};

#define F(field) offsetof(struct config, field)
static const struct key keys[] = {
    {"data_dir", K_STR, F(data_dir)},
    {"listen", K_STR, F(listen)},
    {"database_url", K_STR, F(database_url)},
    {"base_url", K_STR, F(base_url)},
    {"access_log", K_STR, F(access_log)},
    {"threads", K_UINT, F(threads)},
    {"max_connections", K_UINT, F(max_connections)},
    {"max_connections_per_ip", K_UINT, F(max_connections_per_ip)},
    {"max_header_bytes", K_SIZE, F(max_header_bytes)},
    {"max_body_bytes", K_SIZE, F(max_body_bytes)},
    {"max_upload_bytes", K_SIZE, F(max_upload_bytes)},
    {"files_max_bytes", K_SIZE, F(files_max_bytes)},
    {"files_quota_bytes", K_SIZE, F(files_quota_bytes)},
    {"files_fsync", K_BOOL, F(files_fsync)},
    {"idle_timeout", K_UINT, F(idle_timeout_s)},
    {"shed_queue_ms", K_UINT, F(shed_queue_ms)},
    {"render_cache_mb", K_UINT, F(render_cache_mb)},
    {"relation_cache_mb", K_UINT, F(relation_cache_mb)},
    {"page_cache_mb", K_UINT, F(page_cache_mb)},
    {"shutdown_grace", K_UINT, F(shutdown_grace_s)},
    {"post_max_chars", K_SIZE, F(post_max_chars)},
    {"registrations_open", K_BOOL, F(registrations_open)},
    {"secure_cookies", K_BOOL, F(secure_cookies)},
    {"trust_proxy", K_BOOL, F(trust_proxy)},
    {"session_idle", K_UINT, F(session_idle_s)},
    {"session_max", K_UINT, F(session_max_s)},
    {"access_token_lifetime", K_UINT, F(access_token_s)},
    {"hash_concurrency", K_UINT, F(hash_concurrency)},
    {"signin_max_failures", K_UINT, F(signin_max_failures)},
    {"stream_heartbeat", K_UINT, F(stream_heartbeat_s)},
    {"stream_listen", K_STR, F(stream_listen)},
    {"stream_relays", K_UINT, F(stream_relays)},
    {"question_offer_interval", K_UINT, F(question_offer_interval_s)},
    {"question_offer_after", K_UINT, F(question_offer_after_s)},
    {"web_dir", K_STR, F(web_dir)},
};

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->data_dir = xstrdup("data");
	c->listen = xstrdup("127.0.0.1:8080");
	c->database_url = xstrdup("sqlite");
	c->base_url = xstrdup("");
	c->access_log = xstrdup("-");
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	/* Two workers per core. A worker serves its connections one at a
	 * time, so a request that waits (a write: the store's writer, a commit)
	 * holds up every connection of its worker; with one per core, 100
	 * posts/s under 5,000 home pages/s (open loop, 440k people, two cores)
	 * put home p90 at 6-17 ms and p99 at 22-99 ms; with two per core p90
	 * 0.8-1.5 ms and p99 12-20 ms. At saturation (wrk's closed loop) the
	 * throughput is the same and p99 a few ms longer. Raise it further for
	 * tens of thousands of live streams. */
	c->threads = 2 * (unsigned)(n > 1 ? n : 2);
	c->max_connections = 60000;
	c->max_connections_per_ip = 0;
	c->max_header_bytes = 16 * 1024;
	c->max_body_bytes = 1024 * 1024;
	c->max_upload_bytes = 16 * 1024 * 1024;
	c->files_max_bytes = (size_t)512 << 20;
	c->files_quota_bytes = (size_t)10 << 30;
	c->idle_timeout_s = 60;
	/* the home stream's p99 target is 20 ms (issue 6): past that, shed */
	c->shed_queue_ms = 20;
	/* rendered posts and authors: the recent posts of a 440,000-person
	 * company's streams fit (issue 6) */
	c->render_cache_mb = 256;
	/* viewers' relations to authors: 7 in 128 bytes, 1.8 M pairs in 32 MiB
	 * (the authors of a thousand busy readers' streams, many times over) */
	c->relation_cache_mb = 32;
	/* readers' first pages of streams, about 50 KB each: the 2,500 read
	 * most often */
	c->page_cache_mb = 128;
	c->shutdown_grace_s = 10;
	c->post_max_chars = 5000;
	c->session_idle_s = 7 * 24 * 3600;
	c->session_max_s = 30 * 24 * 3600;
	c->access_token_s = 0;
	c->hash_concurrency = 2;
	c->signin_max_failures = 25;
	c->stream_heartbeat_s = 15;
	c->stream_listen = xstrdup("");
	/* each relay holds up to its open-file limit of streams */
	c->stream_relays = 2;
	c->question_offer_interval_s = 600; /* search: unanswered questions offered again */
	c->question_offer_after_s = 86400;
	c->web_dir = xstrdup("");
}

static int parse_size(const char *v, size_t *out)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (errno || end == v || *v == '-')
		return -1;
	switch (tolower((unsigned char)*end)) {
	case 'k':
		n <<= 10;
		end++;
		break;
	case 'm':
		n <<= 20;
		end++;
		break;
	case 'g':
		n <<= 30;
		end++;
		break;
	default:
		break;
	}
	if (*end)
		return -1;
	*out = (size_t)n;
	return 0;
}

int config_set(struct config *c, const char *key, const char *value)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(keys[i].name, key) != 0)
			continue;
		void *p = (char *)c + keys[i].off;
		size_t sz;
		switch (keys[i].kind) {
		case K_STR:
			free(*(char **)p);
			*(char **)p = xstrdup(value);
			return 0;
		case K_UINT:
			if (parse_size(value, &sz) < 0 || sz > 0xffffffffu)
				return -1;
			*(unsigned *)p = (unsigned)sz;
			return 0;
		case K_SIZE:
			if (parse_size(value, &sz) < 0)
				return -1;
			*(size_t *)p = sz;
			return 0;
		case K_BOOL:
			if (!strcmp(value, "true") || !strcmp(value, "1") || !strcmp(value, "yes"))
				*(bool *)p = true;
			else if (!strcmp(value, "false") || !strcmp(value, "0") ||
				 !strcmp(value, "no"))
				*(bool *)p = false;
			else
				return -1;
			return 0;
		}
	}
	return -1;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int config_file(struct config *c, const char *path, int must_exist)
{
	FILE *fp = fopen(path, "r");
	if (!fp) {
		if (!must_exist && errno == ENOENT)
			return 0;
		fprintf(stderr, "moka: cannot read config %s: %s\n", path, strerror(errno));
		return -1;
	}
	char line[4096];
	int lineno = 0, rc = 0;
	while (fgets(line, sizeof(line), fp)) {
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *s = trim(line);
		if (!*s)
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			fprintf(stderr, "moka: %s:%d: expected key = value\n", path, lineno);
			rc = -1;
			continue;
		}
		*eq = '\0';
		char *k = trim(s), *v = trim(eq + 1);
		if (config_set(c, k, v) < 0) {
			fprintf(stderr, "moka: %s:%d: bad setting '%s'\n", path, lineno, k);
			rc = -1;
		}
	}
	fclose(fp);
	return rc;
}

int config_load(struct config *c, const char *file)
{
	int rc = 0;
	if (!file)
		file = getenv("MOKA_CONFIG");
	if (file) {
		rc = config_file(c, file, 1);
	} else {
		char path[4096];
		snprintf(path, sizeof(path), "%s/moka.conf", c->data_dir);
		rc = config_file(c, path, 0);
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char env[64] = "MOKA_";
		size_t j = 5;
		for (const char *k = keys[i].name; *k && j < sizeof(env) - 1; k++)
			env[j++] = (char)toupper((unsigned char)*k);
		env[j] = '\0';
		if (strcmp(env, "MOKA_DATA_DIR") == 0)
			continue; /* MOKA_DATA is read by the caller before the file */
		const char *v = getenv(env);
		if (v && config_set(c, keys[i].name, v) < 0) {
			fprintf(stderr, "moka: bad value in %s\n", env);
			rc = -1;
		}
	}
	return rc;
}

void config_free(struct config *c)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].kind == K_STR)
			free(*(char **)((char *)c + keys[i].off));
	memset(c, 0, sizeof(*c));
}
