/*
 * cli_user: `moka user add|list|deactivate|activate|password` and
 * `moka token create` — argument parsing only. The work is done by the
 * admin module: through the running server's admin socket, or against
 * the store when no server runs (src/admin/admin.h).
 */
#include "admin/admin.h"
#include "auth/auth.h"
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

/* Reads one line from stdin (without its newline) into out. -1 when none. */
static int read_stdin_line(char *out, size_t size)
{
	if (!fgets(out, (int)size, stdin))
		return -1;
	out[strcspn(out, "\r\n")] = '\0';
	return 0;
}

/* Sets key to the string v; -1 (with a message) when v is not valid UTF-8. */
static int set_str(json_t *req, const char *cmd, const char *key, const char *v)
{
	json_t *j = json_string(v);
	if (!j) {
		fprintf(stderr, "moka %s: %s is not valid UTF-8\n", cmd, key);
		return -1;
	}
	json_object_set_new(req, key, j);
	return 0;
}

/* Runs request through the admin module, then wipes and frees it. */
static int call(struct config *cfg, json_t *request)
{
	int rc = admin_call(cfg, request);
	json_decref(request);
	return rc;
}

static int user_add(int argc, char **argv, struct config *cfg)
{
	static const char *const fields[][2] = {
	    {"--username", "username"},	    {"--name", "name"},		{"--email", "email"},
	    {"--password", "password"},	    {"--manager", "manager"},	{"--title", "title"},
	    {"--department", "department"}, {"--location", "location"},
	};
	json_t *req = json_pack("{ss}", "cmd", "user.add");
	bool pw_stdin = false;
	int err = 0;
	for (int i = 2; i < argc; i++) {
		const char *v = NULL;
		size_t f;
		for (f = 0; f < sizeof(fields) / sizeof(fields[0]) && !err; f++)
			if ((v = cli_opt(argc, argv, &i, fields[f][0], &err)))
				break;
		if (v) {
			if (set_str(req, "user add", fields[f][1], v) < 0) {
				json_decref(req);
				return 2;
			}
		} else if (!err && !strcmp(argv[i], "--password-stdin")) {
			pw_stdin = true;
		} else if (!err && !strcmp(argv[i], "--admin")) {
			json_object_set_new(req, "admin", json_true());
		} else {
			if (!err)
				fprintf(stderr, "moka user add: unknown option '%s'\n", argv[i]);
			json_decref(req);
			return 2;
		}
	}
	if (!json_object_get(req, "username") || !json_object_get(req, "name") ||
	    !json_object_get(req, "email")) {
		fprintf(stderr, "moka user add: --username, --name and --email are required\n");
		json_decref(req);
		return 2;
	}
	if (pw_stdin) {
		char pw[AUTH_MAX_PASSWORD + 2];
		if (read_stdin_line(pw, sizeof(pw)) < 0) {
			fprintf(stderr, "moka user add: no password on stdin\n");
			json_decref(req);
			return 2;
		}
		int rc = set_str(req, "user add", "password", pw);
		memset(pw, 0, sizeof(pw));
		if (rc < 0) {
			json_decref(req);
			return 2;
		}
	}
	return call(cfg, req);
}

static int user_password(const char *username, struct config *cfg)
{
	char pw[AUTH_MAX_PASSWORD + 2];
	if (read_stdin_line(pw, sizeof(pw)) < 0) {
		fprintf(stderr, "moka user password: no password on stdin\n");
		return 2;
	}
	json_t *req =
	    json_pack("{ssssss}", "cmd", "user.password", "username", username, "password", pw);
	memset(pw, 0, sizeof(pw));
	if (!req) {
		fprintf(stderr, "moka user password: the password is not valid UTF-8\n");
		return 2;
	}
	return call(cfg, req);
}

static int usage(void)
{
	fprintf(stderr,
		"usage: moka user add --username U --name N --email E [--password P | "
		"--password-stdin]\n"
		"                     [--manager U] [--title T] [--department D] "
		"[--location L] [--admin]\n"
		"       moka user list | deactivate U | activate U | password U (password on "
		"stdin)\n");
	return 2;
}

int cli_user(int argc, char **argv, struct config *cfg)
{
	if (argc >= 2 && !strcmp(argv[1], "add"))
		return user_add(argc, argv, cfg);
	if (argc == 2 && !strcmp(argv[1], "list"))
		return call(cfg, json_pack("{ss}", "cmd", "user.list"));
	if (argc != 3)
		return usage();
	if (!strcmp(argv[1], "password"))
		return user_password(argv[2], cfg);
	const char *cmd = !strcmp(argv[1], "deactivate") ? "user.deactivate"
			  : !strcmp(argv[1], "activate") ? "user.activate"
							 : NULL;
	if (!cmd)
		return usage();
	json_t *req = json_pack("{ssss}", "cmd", cmd, "username", argv[2]);
	if (!req) {
		fprintf(stderr, "moka user: USERNAME is not valid UTF-8\n");
		return 2;
	}
	return call(cfg, req);
}

int cli_token(int argc, char **argv, struct config *cfg)
{
	const char *scopes = NULL, *username = NULL;
	int err = 0;
	if (argc < 3 || strcmp(argv[1], "create") != 0) {
		fprintf(stderr,
			"usage: moka token create USERNAME [--scopes \"read write follow\"]\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		const char *v;
		if ((v = cli_opt(argc, argv, &i, "--scopes", &err)))
			scopes = v;
		else if (!err && argv[i][0] != '-' && !username)
			username = argv[i];
		else {
			if (!err)
				fprintf(stderr, "moka token create: unexpected '%s'\n", argv[i]);
			return 2;
		}
	}
	if (!username) {
		fprintf(stderr, "moka token create: USERNAME required\n");
		return 2;
	}
	json_t *req = json_pack("{ssss}", "cmd", "token.create", "username", username);
	if (!req) {
		fprintf(stderr, "moka token create: USERNAME is not valid UTF-8\n");
		return 2;
	}
	if (scopes && set_str(req, "token create", "scopes", scopes) < 0) {
		json_decref(req);
		return 2;
	}
	return call(cfg, req);
}
