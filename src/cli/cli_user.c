/*
 * cli_user: `moka user add|list|deactivate|activate|password` and
 * `moka token create`.
 */
#include "app/app.h"
#include "auth/auth.h"
#include "cli/cli.h"
#include "core/arena.h"
#include "people/people.h"
#include "store/store.h"

#include <stdio.h>
#include <string.h>

static int read_password_stdin(char *out, size_t size)
{
	if (!fgets(out, (int)size, stdin))
		return -1;
	out[strcspn(out, "\r\n")] = '\0';
	return 0;
}

static struct app *open_app(struct config *cfg)
{
	if (auth_init(cfg->hash_concurrency) < 0)
		return NULL;
	return app_open(cfg);
}

static int user_add(int argc, char **argv, struct config *cfg)
{
	struct user u = {0};
	const char *password = NULL, *manager = NULL;
	char pwbuf[AUTH_MAX_PASSWORD + 2];
	bool pw_stdin = false;
	int err = 0;
	for (int i = 2; i < argc; i++) {
		const char *v;
		if ((v = cli_opt(argc, argv, &i, "--username", &err))) u.username = v;
		else if ((v = cli_opt(argc, argv, &i, "--name", &err))) u.display_name = v;
		else if ((v = cli_opt(argc, argv, &i, "--email", &err))) u.email = v;
		else if ((v = cli_opt(argc, argv, &i, "--password", &err))) password = v;
		else if ((v = cli_opt(argc, argv, &i, "--manager", &err))) manager = v;
		else if ((v = cli_opt(argc, argv, &i, "--title", &err))) u.title = v;
		else if ((v = cli_opt(argc, argv, &i, "--department", &err))) u.department = v;
		else if ((v = cli_opt(argc, argv, &i, "--location", &err))) u.location = v;
		else if (!err && !strcmp(argv[i], "--password-stdin")) pw_stdin = true;
		else if (!err && !strcmp(argv[i], "--admin")) u.role = "admin";
		else {
			if (!err)
				fprintf(stderr, "moka user add: unknown option '%s'\n", argv[i]);
			return 2;
		}
	}
	if (!u.username || !u.display_name || !u.email) {
		fprintf(stderr, "moka user add: --username, --name and --email are required\n");
		return 2;
	}
	if (pw_stdin) {
		if (read_password_stdin(pwbuf, sizeof(pwbuf)) < 0) {
			fprintf(stderr, "moka user add: no password on stdin\n");
			return 2;
		}
		password = pwbuf;
	}
	struct app *app = open_app(cfg);
	if (!app)
		return 1;
	struct arena *a = arena_new();
	int rc = 1;
	if (manager) {
		struct user m;
		if (store_user_by_username(store_reader(app->store), a, manager, &m) != STORE_OK) {
			fprintf(stderr, "moka user add: no such manager '%s'\n", manager);
			goto done;
		}
		u.manager_id = m.id;
	}
	int64_t id;
	int status;
	const char *why;
	if (people_user_add(app, &u, password, &id, &status, &why) < 0) {
		fprintf(stderr, "moka user add: %s\n", why);
		rc = status == 409 ? 3 : 1;
		goto done;
	}
	printf("%lld\n", (long long)id);
	rc = 0;
done:
	arena_free(a);
	app_close(app);
	return rc;
}

static int user_list(struct config *cfg)
{
	struct app *app = open_app(cfg);
	if (!app)
		return 1;
	struct arena *a = arena_new();
	struct user batch[256];
	int64_t after = 0;
	int n;
	printf("%-8s %-24s %-32s %-8s %s\n", "ID", "USERNAME", "NAME", "STATE", "TITLE");
	while ((n = store_user_list(store_reader(app->store), a, after, 256, batch)) > 0) {
		for (int i = 0; i < n; i++)
			printf("%-8lld %-24s %-32s %-8s %s\n", (long long)batch[i].id,
			       batch[i].username, batch[i].display_name,
			       batch[i].active ? "active" : "inactive", batch[i].title);
		after = batch[n - 1].id;
	}
	arena_free(a);
	app_close(app);
	return 0;
}

static int user_set_active(const char *username, bool active, struct config *cfg)
{
	struct app *app = open_app(cfg);
	if (!app)
		return 1;
	struct arena *a = arena_new();
	struct user u;
	int rc = 1;
	if (store_user_by_username(store_reader(app->store), a, username, &u) != STORE_OK)
		fprintf(stderr, "moka user: no such user '%s'\n", username);
	else if (people_user_set_active(app, u.id, active) < 0)
		fprintf(stderr, "moka user: cannot update '%s'\n", username);
	else
		rc = 0;
	arena_free(a);
	app_close(app);
	return rc;
}

int cli_user(int argc, char **argv, struct config *cfg)
{
	if (argc >= 2 && !strcmp(argv[1], "add"))
		return user_add(argc, argv, cfg);
	if (argc == 2 && !strcmp(argv[1], "list"))
		return user_list(cfg);
	if (argc == 3 && !strcmp(argv[1], "deactivate"))
		return user_set_active(argv[2], false, cfg);
	if (argc == 3 && !strcmp(argv[1], "activate"))
		return user_set_active(argv[2], true, cfg);
	fprintf(stderr, "usage: moka user add|list|deactivate USERNAME|activate USERNAME\n");
	return 2;
}

int cli_token(int argc, char **argv, struct config *cfg)
{
	const char *scopes = "read write follow";
	const char *username = NULL;
	int err = 0;
	if (argc < 3 || strcmp(argv[1], "create") != 0) {
		fprintf(stderr, "usage: moka token create USERNAME [--scopes \"read write follow\"]\n");
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
	struct app *app = open_app(cfg);
	if (!app)
		return 1;
	struct arena *a = arena_new();
	struct user u;
	int rc = 1;
	char token[AUTH_SECRET_LEN];
	if (store_user_by_username(store_reader(app->store), a, username, &u) != STORE_OK) {
		fprintf(stderr, "moka token create: no such user '%s'\n", username);
	} else if (!u.active) {
		fprintf(stderr, "moka token create: '%s' is deactivated\n", username);
	} else {
		struct tx *tx = tx_begin(app);
		if (tx && auth_token_create(tx_conn(tx), u.id, 0, scopes, 0, token, NULL) == 0 &&
		    tx_commit(tx) == 0) {
			printf("%s\n", token);
			rc = 0;
		} else {
			if (tx)
				tx_rollback(tx);
			fprintf(stderr, "moka token create: store error\n");
		}
	}
	arena_free(a);
	app_close(app);
	return rc;
}
