/*
 * people_profile: Moka's enterprise profile — validating and applying
 * changes (all or nothing), and rendering a profile with its org chart
 * (managers up to the top, peers, direct reports) and the network between
 * the viewer and that person (distance, who connects us).
 */
#include "people/people.h"
#include "app/app.h"
#include "people/people_int.h"
#include "core/arena.h"
#include "core/buf.h"
#include "graph/graph.h"
#include "json/json_writer.h"
#include "store/store.h"
#include "text/text.h"

#include <jansson.h>
#include <string.h>

/* Org-chart lists and "who connects us" are cut at these lengths. */
#define ORG_MANAGERS_MAX 64
#define ORG_PEERS_MAX 200
#define ORG_REPORTS_MAX 200
#define COMMON_MAX 20

/* --- validation ---------------------------------------------------------- */

/* Valid UTF-8 without control characters (C0, DEL, C1); newlines and
 * tabs too when multiline. */
static bool text_ok(const char *s, bool multiline)
{
	size_t n = strlen(s);
	if (!text_utf8_valid(s, n))
		return false;
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];
		if (multiline && (c == '\n' || c == '\r' || c == '\t'))
			continue;
		if (c < 0x20 || c == 0x7f)
			return false;
		if (c == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f)
			return false; /* U+0080..U+009F */
	}
	return true;
}

/* A field of at most max bytes (NULL: absent, fine). */
static bool field_ok(struct arena *a, const char *name, const char *s, size_t max, bool multiline,
		     const char **why)
{
	if (!s)
		return true;
	if (strlen(s) > max) {
		*why = arena_printf(a, "%s: too long (at most %zu bytes)", name, max);
		return false;
	}
	if (!text_ok(s, multiline)) {
		*why = arena_printf(a, "%s: contains control characters", name);
		return false;
	}
	return true;
}

static bool phone_ok(const char *s)
{
	for (const char *p = s; *p; p++)
		if (!strchr("0123456789+-(). /x", *p))
			return false;
	return true;
}

/* Trims ASCII blanks; in a. */
static char *trim(struct arena *a, const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return arena_strndup(a, s, n);
}

/*
 * Checks one list and writes it as a JSON array of strings (trimmed,
 * duplicates dropped; tags normalised when tags is set). NULL with *why
 * when an item is invalid.
 */
static const char *list_json(struct arena *a, const char *name, const char **items, size_t n,
			     bool tags, const char **why)
{
	if (n > PEOPLE_LIST_ITEMS) {
		*why = arena_printf(a, "%s: at most %d items", name, PEOPLE_LIST_ITEMS);
		return NULL;
	}
	const char **kept = arena_calloc(a, n + 1, sizeof(*kept));
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const char *s = items[i] ? trim(a, items[i]) : "";
		if (!*s || strlen(s) > PEOPLE_LIST_ITEM_MAX || !text_ok(s, false)) {
			*why = arena_printf(a, "%s: items must be 1 to %d bytes of text", name,
					    PEOPLE_LIST_ITEM_MAX);
			return NULL;
		}
		if (tags && !(s = text_tag_normalize(a, s, strlen(s)))) {
			*why = arena_printf(a,
					    "%s: '%s' is not a valid tag (letters, digits, '_',"
					    " spaces or '-')",
					    name, trim(a, items[i]));
			return NULL;
		}
		bool dup = false;
		for (size_t j = 0; j < k && !dup; j++)
			dup = strcmp(kept[j], s) == 0;
		if (!dup)
			kept[k++] = s;
	}
	struct buf b;
	buf_init(&b, 0);
	struct jw w;
	jw_init(&w, &b);
	jw_arr_begin(&w);
	for (size_t i = 0; i < k; i++)
		jw_str(&w, kept[i]);
	jw_arr_end(&w);
	char *out = arena_strndup(a, b.ptr, b.len);
	buf_free(&b);
	return out;
}

int people_profile_check(struct arena *a, const struct profile_patch *p, struct profile_clean *out,
			 const char **why)
{
	memset(out, 0, sizeof(*out));
	if (p->display_name && !*trim(a, p->display_name)) {
		*why = "display_name: must not be blank";
		return -1;
	}
	if (!field_ok(a, "display_name", p->display_name, PEOPLE_NAME_MAX, false, why) ||
	    !field_ok(a, "title", p->title, PEOPLE_FIELD_MAX, false, why) ||
	    !field_ok(a, "department", p->department, PEOPLE_FIELD_MAX, false, why) ||
	    !field_ok(a, "location", p->location, PEOPLE_FIELD_MAX, false, why) ||
	    !field_ok(a, "phone", p->phone, PEOPLE_PHONE_MAX, false, why) ||
	    !field_ok(a, "about", p->about, PEOPLE_ABOUT_MAX, true, why))
		return -1;
	if (p->phone && !phone_ok(p->phone)) {
		*why = "phone: only digits, spaces and + - ( ) . / x";
		return -1;
	}
	if (p->email && !people_email_valid(p->email)) {
		*why = "email: not a valid address";
		return -1;
	}
	if (p->has_manager && p->manager_id < 0) {
		*why = "manager_id: not an account id";
		return -1;
	}
	if ((p->has_projects && !(out->projects_json = list_json(a, "projects", p->projects,
								 p->n_projects, false, why))) ||
	    (p->has_expertise && !(out->expertise_json = list_json(a, "expertise", p->expertise,
								   p->n_expertise, true, why))) ||
	    (p->has_languages && !(out->languages_json = list_json(a, "languages", p->languages,
								   p->n_languages, false, why))))
		return -1;
	return 0;
}

/* --- applying ------------------------------------------------------------ */

static int manager_lookup(void *ctx, int64_t id, int64_t *manager)
{
	return store_user_manager(ctx, id, manager) == STORE_OK ? 0 : -1;
}

/* Checks a new manager inside the transaction: an active person, no cycle. */
static int manager_check(struct store_conn *w, struct arena *a, int64_t user, int64_t manager,
			 const char **why)
{
	if (manager == 0)
		return 0;
	struct user m;
	if (store_user_get(w, a, manager, &m) != STORE_OK || !m.active) {
		*why = "manager_id: no such person";
		return -1;
	}
	if (people_manager_cycle(user, manager, manager_lookup, w)) {
		*why = "manager_id: would make a cycle in the org chart";
		return -1;
	}
	return 0;
}

/* Copies the fields p sets onto u. */
static void patch_apply(struct user *u, const struct profile_patch *p,
			const struct profile_clean *clean, struct arena *a)
{
	if (p->display_name)
		u->display_name = trim(a, p->display_name);
	if (p->title)
		u->title = trim(a, p->title);
	if (p->department)
		u->department = trim(a, p->department);
	if (p->location)
		u->location = trim(a, p->location);
	if (p->phone)
		u->phone = trim(a, p->phone);
	if (p->email)
		u->email = p->email;
	if (p->about)
		u->about = p->about;
	if (clean->projects_json)
		u->projects_json = clean->projects_json;
	if (clean->expertise_json)
		u->expertise_json = clean->expertise_json;
	if (clean->languages_json)
		u->languages_json = clean->languages_json;
	if (p->has_manager)
		u->manager_id = p->manager_id;
}

int people_profile_update(struct app *app, struct arena *a, int64_t user_id,
			  const struct profile_patch *p, int *status, const char **why)
{
	struct profile_clean clean;
	*status = 422;
	if (people_profile_check(a, p, &clean, why) < 0)
		return -1;
	struct tx *tx = tx_begin(app);
	if (!tx) {
		*status = 503;
		*why = "store unavailable";
		return -1;
	}
	struct store_conn *w = tx_conn(tx);
	struct user u, other;
	if (store_user_get(w, a, user_id, &u) != STORE_OK || !u.active) {
		*status = 404;
		*why = "Record not found";
		goto fail;
	}
	if (p->has_manager && p->manager_id != u.manager_id &&
	    manager_check(w, a, user_id, p->manager_id, why) < 0)
		goto fail;
	if (p->email && store_user_by_email(w, a, p->email, &other) == STORE_OK &&
	    other.id != user_id) {
		*status = 409;
		*why = "email: already taken";
		goto fail;
	}
	patch_apply(&u, p, &clean, a);
	int rc = store_user_update_profile(w, &u);
	if (rc != STORE_OK) {
		*status = rc == STORE_CONFLICT ? 409 : 500;
		*why = rc == STORE_CONFLICT ? "email: already taken" : "store error";
		goto fail;
	}
	people_after_user_row(tx, user_id);
	if (tx_commit(tx) < 0) {
		*status = 500;
		*why = "commit failed";
		return -1;
	}
	return 0;
fail:
	tx_rollback(tx);
	return -1;
}

/* --- rendering ----------------------------------------------------------- */

/* A stored JSON list of strings, re-emitted string by string (so a bad
 * row can never break the response). */
static void string_list(struct jw *w, const char *key, const char *json)
{
	jw_key(w, key);
	jw_arr_begin(w);
	json_t *j = json ? json_loads(json, 0, NULL) : NULL;
	size_t i;
	json_t *e;
	json_array_foreach(j, i, e)
	{
		if (json_is_string(e))
			jw_str(w, json_string_value(e));
	}
	json_decref(j);
	jw_arr_end(w);
}

/* Summaries of the active users among ids. */
static void summaries(struct app *app, struct arena *a, struct jw *w, const char *key,
		      const int64_t *ids, size_t n, int64_t skip)
{
	jw_key(w, key);
	jw_arr_begin(w);
	for (size_t i = 0; i < n; i++) {
		struct user u;
		if (ids[i] != skip && people_user_visible(app, a, ids[i], &u) == 0)
			people_render_summary(app, a, w, &u);
	}
	jw_arr_end(w);
}

static void org_chart(struct app *app, struct arena *a, struct jw *w, const struct user *u)
{
	struct store_conn *c = store_reader(app->store);
	int64_t *ids = arena_alloc(a, (ORG_PEERS_MAX + ORG_REPORTS_MAX + 1) * sizeof(*ids));
	jw_key(w, "org");
	jw_obj_begin(w);
	size_t n = people_manager_chain(u->id, manager_lookup, c, ids, ORG_MANAGERS_MAX);
	summaries(app, a, w, "managers", ids, n, 0);
	int k =
	    u->manager_id > 0 ? store_user_reports(c, u->manager_id, ORG_PEERS_MAX + 1, ids) : 0;
	summaries(app, a, w, "peers", ids, k > 0 ? (size_t)k : 0, u->id);
	k = store_user_reports(c, u->id, ORG_REPORTS_MAX, ids);
	summaries(app, a, w, "reports", ids, k > 0 ? (size_t)k : 0, 0);
	jw_obj_end(w);
}

/* Distance, relationship and who connects viewer and u. */
static void network(struct app *app, struct arena *a, struct jw *w, int64_t viewer, int64_t id)
{
	struct people_relation r;
	jw_key(w, "network");
	if (viewer <= 0 || people_relation(app, a, viewer, id, &r) < 0) {
		jw_null(w);
		return;
	}
	int64_t common[COMMON_MAX];
	size_t total = 0;
	size_t n = viewer == id ? 0 : people_common(app, viewer, id, COMMON_MAX, common, &total);
	jw_obj_begin(w);
	jw_kint(w, "distance", r.distance);
	jw_kbool(w, "connected", r.connected);
	jw_kbool(w, "following", r.following);
	jw_kbool(w, "followed_by", r.followed_by);
	jw_kstr(w, "invitation",
		r.invitation == INVITATION_SENT	      ? "sent"
		: r.invitation == INVITATION_RECEIVED ? "received"
						      : NULL);
	jw_kint(w, "common_count", (int64_t)total);
	summaries(app, a, w, "common", common, n, 0);
	jw_obj_end(w);
}

static void profile_fields(struct app *app, struct arena *a, struct jw *w, const struct user *u)
{
	jw_kid(w, "id", u->id);
	jw_kstr(w, "username", u->username);
	jw_kstr(w, "acct", u->username);
	jw_kstr(w, "display_name", u->display_name);
	jw_kstr(w, "title", u->title ? u->title : "");
	jw_kstr(w, "department", u->department ? u->department : "");
	jw_kstr(w, "location", u->location ? u->location : "");
	jw_kstr(w, "phone", u->phone ? u->phone : "");
	jw_kstr(w, "email", u->email);
	jw_kstr(w, "about", u->about ? u->about : "");
	jw_kstr(w, "note", people_note_html(a, u->about));
	string_list(w, "projects", u->projects_json);
	string_list(w, "expertise", u->expertise_json);
	string_list(w, "languages", u->languages_json);
	if (u->manager_id > 0)
		jw_kid(w, "manager_id", u->manager_id);
	else
		jw_knull(w, "manager_id");
	jw_kstr(w, "avatar", people_avatar_url(app, a, u, false));
	jw_kstr(w, "avatar_48", people_avatar_url(app, a, u, true));
	jw_ktime(w, "created_at", u->created_at);
	jw_ktime(w, "updated_at", u->updated_at);
}

int people_render_profile(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			  int64_t id)
{
	struct user u;
	if (people_user_visible(app, a, id, &u) < 0)
		return -1;
	size_t followers = 0, following = 0, connections;
	app_rdlock(app);
	graph_followers(app->graph, (uint32_t)id, &followers);
	graph_following(app->graph, (uint32_t)id, &following);
	connections = graph_degree(app->graph, (uint32_t)id);
	app_unlock(app);
	jw_obj_begin(w);
	profile_fields(app, a, w, &u);
	jw_kint(w, "connections_count", (int64_t)connections);
	jw_kint(w, "followers_count", (int64_t)followers);
	jw_kint(w, "following_count", (int64_t)following);
	org_chart(app, a, w, &u);
	network(app, a, w, viewer, id);
	jw_obj_end(w);
	return 0;
}
