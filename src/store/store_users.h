/*
 * store_users: people — accounts and their profiles.
 *
 * List fields (projects, expertise, languages) are stored as JSON arrays
 * of strings and handed around as that JSON text.
 */
#ifndef MOKA_STORE_USERS_H
#define MOKA_STORE_USERS_H

#include <stdbool.h>
#include <stdint.h>

struct store_conn;
struct arena;

struct user {
	int64_t id;
	const char *username;
	const char *display_name;
	const char *email;
	const char *password_hash; /* PHC string or NULL */
	const char *role;	   /* "user" or "admin" */
	bool active;
	int64_t created_at, updated_at; /* ms */
	const char *title, *department, *location, *phone, *about;
	const char *projects_json, *expertise_json, *languages_json;
	int64_t manager_id; /* 0 when none */
	const char *avatar; /* file name under DATA/avatars, or NULL */
	int64_t last_status_at;
};

/* Inserts u (id ignored; created_at/updated_at set if 0). STORE_CONFLICT
 * when the username or email is taken. */
int store_user_insert(struct store_conn *w, const struct user *u, int64_t *id);
/* Fills *u with arena-allocated strings. STORE_NOT_FOUND if absent. */
int store_user_get(struct store_conn *c, struct arena *a, int64_t id, struct user *u);
int store_user_by_username(struct store_conn *c, struct arena *a, const char *username,
			   struct user *u);
int store_user_by_email(struct store_conn *c, struct arena *a, const char *email, struct user *u);
/* Users with id > after_id, ascending, at most max; returns the count. */
int store_user_list(struct store_conn *c, struct arena *a, int64_t after_id, int max,
		    struct user *out);
int store_user_set_active(struct store_conn *w, int64_t id, bool active);
int store_user_set_password(struct store_conn *w, int64_t id, const char *hash);
/* Replaces every profile field of u (by u->id) and sets updated_at. */
int store_user_update_profile(struct store_conn *w, const struct user *u);
int64_t store_user_count(struct store_conn *c);
int64_t store_user_max_id(struct store_conn *c);

/* The manager of id (0 when none) in *manager_id. STORE_NOT_FOUND if id
 * does not exist. Cheap: for walking the org chart. */
int store_user_manager(struct store_conn *c, int64_t id, int64_t *manager_id);
/* Active users whose manager is manager_id, by id, at most max ids into
 * out. Returns the count, or -1 on a store error. */
int store_user_reports(struct store_conn *c, int64_t manager_id, int max, int64_t *out);
/* Active users of a department (exact match), at most max ids. Count or -1. */
int store_user_department(struct store_conn *c, const char *department, int max, int64_t *out);
/* Active users whose username or display name starts with prefix (ASCII
 * case-insensitive), by display name, at most max rows. Count or -1. */
int store_user_search_prefix(struct store_conn *c, struct arena *a, const char *prefix, int max,
			     struct user *out);
/* Sets the avatar file name (NULL: none). STORE_NOT_FOUND for an unknown id. */
int store_user_set_avatar(struct store_conn *w, int64_t id, const char *avatar);

#endif
