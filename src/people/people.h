/*
 * people: accounts, profiles and the network (connections, follows,
 * invitations) — the domain rules over the store and the in-memory graph.
 */
#ifndef MOKA_PEOPLE_H
#define MOKA_PEOPLE_H

struct app;

/* Loads connections and follows from the store into app->graph. 0 or -1. */
int people_load(struct app *app);

#include <stdbool.h>
#include <stdint.h>

struct user;

/* true for a valid username: [A-Za-z0-9_][A-Za-z0-9_.-]{0,29}, not ending in '.' or '-'. */
bool people_username_valid(const char *s);

/*
 * Creates an account from u (username, display_name, email required;
 * profile fields optional) with password (NULL: cannot sign in with a
 * password until one is set). On failure returns -1 and sets *status
 * (422 invalid, 409 taken) and *why.
 */
int people_user_add(struct app *app, const struct user *u, const char *password, int64_t *id,
		    int *status, const char **why);
/* Deactivates (or reactivates) an account: tokens revoked, sessions
 * ended, live streams closed. 0, or -1 when the user does not exist. */
int people_user_set_active(struct app *app, int64_t id, bool active);

struct arena;
struct jw;

/* Writes user_id as a Mastodon Account entity (with Moka's profile fields
 * under "moka"). -1, writing nothing, when there is no such user. */
int people_render_account(struct app *app, struct arena *a, struct jw *w, int64_t user_id);

#endif
