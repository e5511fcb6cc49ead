/*
 * admin_commands: what `moka user …` and `moka token create` do, written
 * once and run either inside the server (through the admin socket) or by
 * the command itself when no server runs. Each command reads its
 * arguments from the request object, calls the domain functions
 * (people_user_add, people_user_set_active, auth_password_set,
 * auth_token_create) and prints what the user sees.
 *
 * Requests: {"cmd": "user.add", "username", "name", "email", "password"?,
 * "manager"?, "title"?, "department"?, "location"?, "admin"?: bool},
 * {"cmd": "user.list"}, {"cmd": "user.deactivate"|"user.activate",
 * "username"}, {"cmd": "user.password", "username", "password"},
 * {"cmd": "token.create", "username", "scopes"?}.
 */
#include "admin/admin_int.h"
#include "app/app.h"
#include "auth/auth.h"
#include "core/arena.h"
#include "people/people.h"
#include "store/store.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void admin_printf(struct admin_out *o, int fd, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		o->write(o, fd, small, (size_t)n);
		return;
	}
	struct arena *a = arena_new();
	va_start(ap, fmt);
	char *big = arena_vprintf(a, fmt, ap);
	va_end(ap);
	o->write(o, fd, big, (size_t)n);
	arena_free(a);
}

/* A string field of the request, or NULL. */
static const char *field(json_t *req, const char *name)
{
	return json_string_value(json_object_get(req, name));
}

/* Finds an account by username; prints the error and returns -1 when absent. */
static int find_user(struct app *app, struct arena *a, struct admin_out *o, const char *cmd,
		     const char *username, struct user *u)
{
	if (username &&
	    store_user_by_username(store_reader(app->store), a, username, u) == STORE_OK)
		return 0;
	admin_printf(o, 2, "moka %s: no such user '%s'\n", cmd, username ? username : "");
	return -1;
}

static int user_add(struct app *app, struct arena *a, json_t *req, struct admin_out *o)
{
	struct user u = {
	    .username = field(req, "username"),
	    .display_name = field(req, "name"),
	    .email = field(req, "email"),
	    .title = field(req, "title"),
	    .department = field(req, "department"),
	    .location = field(req, "location"),
	    .role = json_is_true(json_object_get(req, "admin")) ? "admin" : "user",
	};
	const char *manager = field(req, "manager");
	if (!u.username || !u.display_name || !u.email) {
		admin_printf(o, 2, "moka user add: --username, --name and --email are required\n");
		return ADMIN_USAGE;
	}
	if (manager) {
		struct user m;
		if (find_user(app, a, o, "user add: manager", manager, &m) < 0)
			return ADMIN_NOT_FOUND;
		u.manager_id = m.id;
	}
	int64_t id;
	int status;
	const char *why;
	if (people_user_add(app, &u, field(req, "password"), &id, &status, &why) < 0) {
		admin_printf(o, 2, "moka user add: %s\n", why);
		return status == 409 ? ADMIN_CONFLICT : status == 422 ? ADMIN_USAGE : ADMIN_FAIL;
	}
	admin_printf(o, 1, "%lld\n", (long long)id);
	return ADMIN_OK;
}

static int user_list(struct app *app, struct arena *a, json_t *req, struct admin_out *o)
{
	struct user batch[256];
	int64_t after = 0;
	int n;
	admin_printf(o, 1, "%-8s %-24s %-32s %-8s %-6s %s\n", "ID", "USERNAME", "NAME", "STATE",
		     "ROLE", "TITLE");
	struct arena *page = arena_new();
	while ((n = store_user_list(store_reader(app->store), page, after, 256, batch)) > 0) {
		for (int i = 0; i < n; i++)
			admin_printf(o, 1, "%-8lld %-24s %-32s %-8s %-6s %s\n",
				     (long long)batch[i].id, batch[i].username,
				     batch[i].display_name, batch[i].active ? "active" : "inactive",
				     batch[i].role, batch[i].title ? batch[i].title : "");
		after = batch[n - 1].id;
		arena_free(page); /* one page of users in memory at a time */
		page = arena_new();
	}
	arena_free(page);
	return ADMIN_OK;
}

static int user_set_active(struct app *app, struct arena *a, json_t *req, struct admin_out *o,
			   bool active)
{
	const char *cmd = active ? "user activate" : "user deactivate";
	struct user u;
	if (find_user(app, a, o, cmd, field(req, "username"), &u) < 0)
		return ADMIN_NOT_FOUND;
	if (people_user_set_active(app, u.id, active) < 0) {
		admin_printf(o, 2, "moka %s: cannot update '%s'\n", cmd, u.username);
		return ADMIN_FAIL;
	}
	admin_printf(o, 1, "%s %s\n", u.username, active ? "activated" : "deactivated");
	return ADMIN_OK;
}

static int user_deactivate(struct app *app, struct arena *a, json_t *req, struct admin_out *o)
{
	return user_set_active(app, a, req, o, false);
}

static int user_activate(struct app *app, struct arena *a, json_t *req, struct admin_out *o)
{
	return user_set_active(app, a, req, o, true);
}

static int user_password(struct app *app, struct arena *a, json_t *req, struct admin_out *o)
{
	struct user u;
	const char *password = field(req, "password"), *why;
	if (find_user(app, a, o, "user password", field(req, "username"), &u) < 0)
		return ADMIN_NOT_FOUND;
	if (!password || (why = auth_password_weak(password))) {
		admin_printf(o, 2, "moka user password: %s\n",
			     password ? why : "no password on stdin");
		return ADMIN_USAGE;
	}
	if (auth_password_set(app, u.id, password, &why) < 0) {
		admin_printf(o, 2, "moka user password: %s\n", why);
		return ADMIN_FAIL;
	}
	admin_printf(o, 1, "%s: password set, browser sessions ended\n", u.username);
	return ADMIN_OK;
}

static int token_create(struct app *app, struct arena *a, json_t *req, struct admin_out *o)
{
	struct user u;
	char scopes[AUTH_SCOPES_MAX], token[AUTH_SECRET_LEN];
	const char *bad;
	if (auth_scopes_normalize(field(req, "scopes"), "read write follow", scopes, sizeof(scopes),
				  &bad) < 0) {
		admin_printf(o, 2, "moka token create: unknown scope '%s'\n", bad);
		return ADMIN_USAGE;
	}
	if (find_user(app, a, o, "token create", field(req, "username"), &u) < 0)
		return ADMIN_NOT_FOUND;
	if (!u.active) {
		admin_printf(o, 2, "moka token create: '%s' is deactivated\n", u.username);
		return ADMIN_FAIL;
	}
	if (auth_scopes_admin(scopes) && strcmp(u.role, "admin") != 0) {
		admin_printf(o, 2, "moka token create: admin scopes need an administrator\n");
		return ADMIN_USAGE;
	}
	struct tx *tx = tx_begin(app);
	int rc = tx ? auth_token_create(tx_conn(tx), u.id, 0, scopes, 0, token, NULL) : -1;
	if (rc < 0 && tx)
		tx_rollback(tx);
	else if (rc == 0)
		rc = tx_commit(tx);
	if (rc < 0) {
		admin_printf(o, 2, "moka token create: store error\n");
		return ADMIN_FAIL;
	}
	admin_printf(o, 1, "%s\n", token);
	return ADMIN_OK;
}

static const struct {
	const char *name;
	int (*run)(struct app *app, struct arena *a, json_t *req, struct admin_out *o);
} commands[] = {
    {"user.add", user_add},
    {"user.list", user_list},
    {"user.deactivate", user_deactivate},
    {"user.activate", user_activate},
    {"user.password", user_password},
    {"token.create", token_create},
};

int admin_run(struct app *app, json_t *request, struct admin_out *o)
{
	const char *cmd = field(request, "cmd");
	for (size_t i = 0; cmd && i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(commands[i].name, cmd) != 0)
			continue;
		struct arena *a = arena_new();
		int rc = commands[i].run(app, a, request, o);
		arena_free(a);
		return rc;
	}
	admin_printf(o, 2, "moka: unknown admin command '%s'\n", cmd ? cmd : "");
	return ADMIN_USAGE;
}
