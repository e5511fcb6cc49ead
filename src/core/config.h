/*
 * config: Moka's settings, from defaults, then a config file, then the
 * environment (MOKA_*), then command-line flags; later sources win.
 *
 * The file is `key = value` lines ('#' starts a comment), read from
 * --config FILE, or MOKA_CONFIG, or DATA/moka.conf when it exists.
 * Every key is documented in docs/operations.md.
 */
#ifndef MOKA_CONFIG_H
#define MOKA_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config {
	char *data_dir;	    /* data                 MOKA_DATA       --data */
	char *listen;	    /* 127.0.0.1:8080       MOKA_LISTEN     --listen */
	char *database_url; /* sqlite (DATA/moka.db) MOKA_DATABASE_URL */
	char *base_url;	    /* http://LISTEN        MOKA_BASE_URL */
	char *access_log;   /* "-", "off" or a path MOKA_ACCESS_LOG */
	unsigned threads;   /* HTTP worker threads */
	unsigned max_connections;
	unsigned max_connections_per_ip;
	size_t max_header_bytes;    /* per-connection memory for headers */
	size_t max_body_bytes;	    /* JSON and form bodies */
	size_t max_upload_bytes;    /* avatar uploads */
	size_t files_max_bytes;	    /* one file (or version) upload; 512m */
	size_t files_quota_bytes;   /* bytes of files one person may keep; 10g */
	bool files_fsync;	    /* fsync each upload before its commit (power-cut safe) */
	unsigned idle_timeout_s;    /* keep-alive idle and slow-request timeout */
	unsigned shed_queue_ms;	    /* overload: shed above this queue time (0: never) */
	unsigned render_cache_mb;   /* budget of the rendered Status/Account caches */
	unsigned relation_cache_mb; /* budget of the viewers' relations to authors */
	unsigned page_cache_mb;	    /* budget of the kept first pages of streams (0: none) */
	unsigned shutdown_grace_s;
	size_t post_max_chars;
	bool registrations_open;
	bool secure_cookies; /* set when served behind TLS */
	bool trust_proxy;    /* client address from X-Forwarded-For (behind nginx) */
	unsigned session_idle_s;
	unsigned session_max_s;
	unsigned access_token_s; /* OAuth access token lifetime; 0 = no expiry */
	unsigned hash_concurrency;
	unsigned signin_max_failures; /* per 5 minutes, per IP and per account */
	unsigned stream_heartbeat_s;
	/* live streams also served here by stream_relays relay processes
	 * (http_relay.h); "" = none */
	char *stream_listen;
	unsigned stream_relays;
	/* questions with no reply after question_offer_after s are offered to
	 * experts, looked for every question_offer_interval s (0: never) */
	unsigned question_offer_interval_s, question_offer_after_s;
	char *web_dir; /* the built web app; "" = build/web beside the binary */
};

void config_defaults(struct config *c);
/* Applies the file, then MOKA_* variables. Returns 0, or -1 with a message on stderr. */
int config_load(struct config *c, const char *file);
/* Sets one key from a string; -1 on an unknown key or bad value. */
int config_set(struct config *c, const char *key, const char *value);
void config_free(struct config *c);

#endif
