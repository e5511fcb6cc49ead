/*
 * moka: one binary — the server and its admin commands.
 *
 *   moka serve [--listen HOST:PORT]      run the server
 *   moka user add|list|deactivate|…      manage accounts
 *   moka token create USERNAME           print a bearer token for scripts
 *   moka demo --people N [--seed S]      fill the data directory with a demo company
 *   moka check                           verify the database
 *
 * Every subcommand takes --data DIR (default ./data, env MOKA_DATA) and
 * --config FILE.
 */
#include "cli/cli.h"
#include "core/config.h"
#include "http/http_relay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *fp)
{
	fputs("usage: moka COMMAND [--data DIR] [--config FILE] [options]\n"
	      "\n"
	      "commands:\n"
	      "  serve [--listen HOST:PORT]          run the server (default 127.0.0.1:8080)\n"
	      "  user add --username U --name N --email E [--password P | --password-stdin]\n"
	      "           [--manager U] [--title T] [--department D] [--location L] [--admin]\n"
	      "  user list | user deactivate U | user activate U | user password U\n"
	      "  token create USERNAME [--scopes S]  print a bearer token\n"
	      "  demo --people N [--seed S]          create a demo company\n"
	      "  check                               check the database's integrity\n",
	      fp);
}

/*
 * `moka stream-relay [--head-timeout S]`: a stream relay (http_relay.h).
 * Not for people, so not in the usage: the server starts it, with the
 * listening socket at descriptor 3 and its channel at 4. It reads no
 * config; S (seconds, default 10) bounds a client's request head.
 */
static int stream_relay(int argc, char **argv)
{
	unsigned long timeout_s = 10;
	int err = 0;
	for (int i = 1; i < argc; i++) {
		const char *v = cli_opt(argc, argv, &i, "--head-timeout", &err);
		if (!v) {
			if (!err)
				fprintf(stderr, "moka stream-relay: unknown option '%s'\n",
					argv[i]);
			return 2;
		}
		char *end;
		timeout_s = strtoul(v, &end, 10);
		if (*v < '0' || *v > '9' || *end || timeout_s == 0 || timeout_s > 3600) {
			fprintf(stderr,
				"moka stream-relay: --head-timeout takes 1 to 3600 seconds\n");
			return 2;
		}
	}
	return http_relay_main(3, 4, (unsigned)timeout_s);
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "stream-relay"))
		return stream_relay(argc - 1, argv + 1);
	struct config cfg;
	config_defaults(&cfg);
	int sub_argc = argc - 1;
	char **sub_argv = argv + 1;
	sub_argc = cli_common(sub_argc, sub_argv, &cfg);
	int rc;
	if (sub_argc < 0)
		rc = 2;
	else if (!strcmp(sub_argv[0], "serve"))
		rc = cli_serve(sub_argc, sub_argv, &cfg);
	else if (!strcmp(sub_argv[0], "user"))
		rc = cli_user(sub_argc, sub_argv, &cfg);
	else if (!strcmp(sub_argv[0], "token"))
		rc = cli_token(sub_argc, sub_argv, &cfg);
	else if (!strcmp(sub_argv[0], "demo"))
		rc = cli_demo(sub_argc, sub_argv, &cfg);
	else if (!strcmp(sub_argv[0], "check"))
		rc = cli_check(sub_argc, sub_argv, &cfg);
	else {
		fprintf(stderr, "moka: unknown command '%s'\n", sub_argv[0]);
		usage(stderr);
		rc = 2;
	}
	config_free(&cfg);
	return rc;
}
