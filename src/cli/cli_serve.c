/* cli_serve: `moka serve` — open the store, start HTTP, wait for a signal, stop cleanly. */
#include "admin/admin.h"
#include "api/api.h"
#include "app/app.h"
#include "auth/auth.h"
#include "cli/cli.h"
#include "core/log.h"
#include "events/events.h"
#include "files/files.h"
#include "http/http.h"
#include "search/search.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

/* Every live stream holds a socket: take the hard limit on open files. */
static void raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			log_warn("cannot raise the open-file limit");
	}
}

int cli_serve(int argc, char **argv, struct config *cfg)
{
	int err = 0;
	for (int i = 1; i < argc; i++) {
		const char *v;
		if ((v = cli_opt(argc, argv, &i, "--listen", &err)))
			config_set(cfg, "listen", v);
		else {
			if (!err)
				fprintf(stderr, "moka serve: unknown option '%s'\n", argv[i]);
			return 2;
		}
	}
	bool derived_base = !*cfg->base_url;
	if (derived_base) {
		char base[300];
		snprintf(base, sizeof(base), "http://%s", cfg->listen);
		config_set(cfg, "base_url", base);
	}
	/* Block the stop signals in every thread; this one waits for them. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	raise_nofile();

	if (auth_init(cfg->hash_concurrency) < 0 || log_access_open(cfg->access_log) < 0) {
		log_error("cannot initialise (libsodium or access log %s)", cfg->access_log);
		return 1;
	}
	/* The admin lock first: no `moka user …` may write while the store loads. */
	struct admin_server *admin = admin_lock(cfg);
	if (!admin)
		return 1;
	struct app *app = app_open(cfg);
	if (!app) {
		admin_stop(admin);
		return 1;
	}
	if (admin_start(admin, app) < 0) { /* `moka user …` while we run */
		admin_stop(admin);
		app_close(app);
		return 1;
	}
	api_register_all();
	struct http_limits lim = {
	    .threads = cfg->threads,
	    .max_connections = cfg->max_connections,
	    .max_connections_per_ip = cfg->max_connections_per_ip,
	    .max_header_bytes = cfg->max_header_bytes,
	    .max_body_bytes = cfg->max_body_bytes,
	    .max_upload_bytes = cfg->max_upload_bytes,
	    .idle_timeout_s = cfg->idle_timeout_s,
	    .shed_queue_ms = cfg->shed_queue_ms,
	};
	app->http = http_server_start(app, cfg->listen, &lim, auth_authenticate);
	if (!app->http) {
		admin_stop(admin);
		app_close(app);
		return 1;
	}
	const char *colon = strrchr(cfg->listen, ':');
	if (derived_base && colon && !strcmp(colon, ":0")) {
		/* Port 0 (tests): the absolute URLs handed out (avatars, Link
		 * headers) need the port bound. Nobody can have reached us before
		 * the port is logged below, so replacing the string is safe. */
		char base[300];
		snprintf(base, sizeof(base), "http://%.*s:%u", (int)(colon - cfg->listen),
			 cfg->listen, http_server_port(app->http));
		config_set(cfg, "base_url", base);
		app->base_url = cfg->base_url;
	}
	struct http_relay *relay = NULL;
	if (*cfg->stream_listen) {
		relay = http_relay_start(app->http, cfg->stream_listen, cfg->stream_relays,
					 cfg->idle_timeout_s < 10 ? cfg->idle_timeout_s : 10);
		if (!relay) {
			http_server_stop(app->http, 0);
			app->http = NULL;
			admin_stop(admin);
			app_close(app);
			return 1;
		}
		log_info("live streams also on %s (port %u, %u relay processes)",
			 cfg->stream_listen, http_relay_port(relay), cfg->stream_relays);
	}
	search_jobs_start(app, cfg->question_offer_interval_s, cfg->question_offer_after_s);
	files_text_start(app);
	log_info("Moka listening on %s (port %u, %u threads)", cfg->base_url,
		 http_server_port(app->http), cfg->threads);
	int sig = 0;
	sigwait(&stop, &sig);
	log_info("signal %d: finishing in-flight requests", sig);
	app->stopping = true;
	search_jobs_stop();
	files_text_stop();
	hub_end_streams(app->hub);
	http_relay_stop(relay);
	http_server_stop(app->http, cfg->shutdown_grace_s);
	app->http = NULL;
	admin_stop(admin);
	app_close(app);
	log_access_close();
	log_info("stopped cleanly");
	return 0;
}
