/*
 * communities_render: a community as JSON for one viewer, browsing and
 * the member list — all read from the in-memory index (and, for a
 * viewer's pending request or invitation, the store).
 */
#include "communities/communities_int.h"
#include "app/app.h"
#include "core/arena.h"
#include "json/json_writer.h"
#include "store/store.h"

#include <ctype.h>
#include <string.h>

/* A community copied out of the index for rendering. */
struct view {
	int64_t id;
	const char *name, *description, *tags;
	enum community_type type;
	bool listed, archived;
	int64_t created_at;
	uint32_t members, owners;
	enum community_role role;
};

static bool view_load(struct app *app, struct arena *a, int64_t id, int64_t viewer, struct view *v)
{
	app_rdlock(app);
	struct community *c = communities_at(app->communities, id);
	if (c) {
		v->id = id;
		v->name = arena_strdup(a, c->name);
		v->description = arena_strdup(a, c->description);
		v->tags = arena_strdup(a, c->tags);
		v->type = (enum community_type)c->type;
		v->listed = c->listed;
		v->archived = c->archived;
		v->created_at = c->created_at;
		v->members = c->n;
		v->owners = c->owners;
		v->role = communities_role_locked(app, id, viewer);
	}
	app_unlock(app);
	return c != NULL;
}

static void write_tags(struct jw *w, const char *tags)
{
	jw_key(w, "tags");
	jw_arr_begin(w);
	for (const char *p = tags; p && *p;) {
		const char *e = strchr(p, ' ');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		jw_strn(w, p, n);
		p += n + (e != NULL);
	}
	jw_arr_end(w);
}

static const char *role_name(enum community_role r)
{
	return r == COMMUNITY_OWNER ? "owner" : r == COMMUNITY_MEMBER ? "member" : NULL;
}

/* "owner", "member", "requested", "invited" or NULL. */
static const char *membership(struct app *app, const struct view *v, int64_t viewer)
{
	struct community_member_row m;
	if (v->role != COMMUNITY_NONE)
		return role_name(v->role);
	if (store_community_member_get(store_reader(app->store), v->id, viewer, &m) != STORE_OK)
		return NULL;
	return m.state == CMEMBER_REQUESTED ? "requested"
	       : m.state == CMEMBER_INVITED ? "invited"
					    : NULL;
}

static void write_view(struct app *app, struct jw *w, int64_t viewer, const struct view *v)
{
	const char *ms = membership(app, v, viewer);
	jw_obj_begin(w);
	jw_kid(w, "id", v->id);
	jw_kstr(w, "name", v->name);
	jw_kstr(w, "description", v->description);
	jw_kstr(w, "type", community_type_name(v->type));
	jw_kbool(w, "listed", v->listed);
	if (!community_may(v->type, v->listed, v->archived, v->role, COMMUNITY_READ)) {
		jw_kbool(w, "limited", true); /* restricted, seen from outside */
		if (ms)
			jw_kstr(w, "membership", ms);
		jw_obj_end(w);
		return;
	}
	jw_kbool(w, "limited", false);
	write_tags(w, v->tags);
	jw_kbool(w, "archived", v->archived);
	jw_ktime(w, "created_at", v->created_at);
	jw_kint(w, "members_count", v->members);
	jw_kint(w, "owners_count", v->owners);
	jw_kstr(w, "role", role_name(v->role));
	jw_kstr(w, "membership", ms);
	jw_obj_end(w);
}

/* Whether viewer sees id at all: its listing, or an invitation to it. */
static bool visible(struct app *app, const struct view *v, int64_t viewer)
{
	if (community_may(v->type, v->listed, v->archived, v->role, COMMUNITY_SEE_LISTING))
		return true;
	struct community_member_row m;
	return store_community_member_get(store_reader(app->store), v->id, viewer, &m) ==
		   STORE_OK &&
	       m.state == CMEMBER_INVITED;
}

int communities_render(struct app *app, struct arena *a, struct jw *w, int64_t viewer, int64_t id)
{
	struct view v;
	if (!view_load(app, a, id, viewer, &v) || !visible(app, &v, viewer))
		return -1;
	write_view(app, w, viewer, &v);
	return 0;
}

void communities_render_many(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			     const int64_t *ids, size_t n)
{
	jw_arr_begin(w);
	for (size_t i = 0; i < n; i++) {
		struct view v;
		if (view_load(app, a, ids[i], viewer, &v) && visible(app, &v, viewer))
			write_view(app, w, viewer, &v);
	}
	jw_arr_end(w);
}

static bool has_tag(const char *tags, const char *tag)
{
	size_t n = strlen(tag);
	for (const char *p = tags; p && *p;) {
		const char *e = strchr(p, ' ');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && memcmp(p, tag, n) == 0)
			return true;
		p += len + (e != NULL);
	}
	return false;
}

static bool has_prefix(const char *name, const char *prefix)
{
	for (; *prefix; prefix++, name++)
		if (tolower((unsigned char)*prefix) != tolower((unsigned char)*name))
			return false;
	return true;
}

static bool keeps(struct app *app, const struct communities_filter *f, int64_t viewer, uint32_t id)
{
	struct community *c = communities_at(app->communities, id);
	if (!c)
		return false;
	enum community_role role = communities_role_locked(app, id, viewer);
	if (!community_may(c->type, c->listed, c->archived, role, COMMUNITY_SEE_LISTING))
		return false;
	if (f->type >= 0 && c->type != f->type)
		return false;
	bool reads = community_may(c->type, c->listed, c->archived, role, COMMUNITY_READ);
	if (f->tag && (!reads || !has_tag(c->tags, f->tag)))
		return false; /* tags of a listed restricted community are not shown */
	return !f->prefix || has_prefix(c->name, f->prefix);
}

size_t communities_browse(struct app *app, struct arena *a, int64_t viewer,
			  const struct communities_filter *f, int64_t *out)
{
	(void)a;
	size_t n = 0;
	app_rdlock(app);
	struct communities *cs = app->communities;
	if (f->mine) {
		const uint32_t *ids;
		size_t k = communities_of_locked(app, viewer, &ids);
		for (size_t i = k; i-- > 0 && n < f->limit;)
			if ((!f->max_id || ids[i] < f->max_id) && keeps(app, f, viewer, ids[i]))
				out[n++] = ids[i];
	} else {
		int64_t top = f->max_id && f->max_id < cs->cap ? f->max_id : cs->cap;
		for (int64_t id = top - 1; id > 0 && n < f->limit; id--)
			if (keeps(app, f, viewer, (uint32_t)id))
				out[n++] = id;
	}
	app_unlock(app);
	return n;
}

long communities_member_page(struct app *app, int64_t viewer, int64_t id, int64_t max_id,
			     int64_t since_id, size_t limit, int64_t *out, uint8_t *roles)
{
	long n = 0;
	app_rdlock(app);
	if (!communities_can_read_locked(app, id, viewer)) {
		app_unlock(app);
		return -1;
	}
	struct community *c = communities_at(app->communities, id);
	for (uint32_t i = c->n; i-- > 0 && (size_t)n < limit;) {
		int64_t u = c->members[i];
		if ((max_id && u >= max_id) || u <= since_id)
			continue;
		if (roles)
			roles[n] = c->roles[i];
		out[n++] = u;
	}
	app_unlock(app);
	return n;
}
