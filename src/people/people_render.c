/*
 * people_render: people as the API shows them — Mastodon's Account and
 * CredentialAccount entities (Moka's profile fields under "moka"), the
 * small summaries used inside profiles, the note HTML and avatar URLs.
 */
#include "people/people.h"
#include "app/app.h"
#include "core/arena.h"
#include "core/buf.h"
#include "feed/feed.h"
#include "graph/graph.h"
#include "json/json_writer.h"
#include "store/store.h"
#include "text/text.h"

#include <string.h>
#include <time.h>

/* The length of the server's base URL without a trailing '/'. */
static int base_len(const struct app *app)
{
	const char *b = app->base_url ? app->base_url : "";
	size_t n = strlen(b);
	while (n && b[n - 1] == '/')
		n--;
	return (int)n;
}

/* BASE followed by path, in a (no printf: accounts are rendered often). */
static char *base_join(struct app *app, struct arena *a, const char *p1, const char *p2,
		       const char *p3)
{
	size_t nb = (size_t)base_len(app), n1 = strlen(p1), n2 = strlen(p2), n3 = strlen(p3);
	char *s = arena_alloc(a, nb + n1 + n2 + n3 + 1);
	if (nb)
		memcpy(s, app->base_url, nb);
	memcpy(s + nb, p1, n1);
	memcpy(s + nb + n1, p2, n2);
	memcpy(s + nb + n1 + n2, p3, n3);
	s[nb + n1 + n2 + n3] = '\0';
	return s;
}

char *people_avatar_url(struct app *app, struct arena *a, const struct user *u, bool small)
{
	if (!u->avatar || !*u->avatar)
		return base_join(app, a, "/avatars/", people_avatar_default_name(a, u), "");
	if (!small)
		return base_join(app, a, "/avatars/", u->avatar, "");
	const char *dot = strrchr(u->avatar, '.');
	size_t stem = dot ? (size_t)(dot - u->avatar) : strlen(u->avatar);
	return base_join(app, a, "/avatars/", arena_strndup(a, u->avatar, stem),
			 arena_printf(a, "_48%s", dot ? dot : ""));
}

char *people_note_html(struct arena *a, const char *about)
{
	if (!about || !*about)
		return "";
	struct buf b;
	buf_init(&b, 0);
	const char *p = about;
	bool open = false;
	while (*p) {
		const char *eol = strchrnul(p, '\n');
		size_t n = (size_t)(eol - p);
		if (n && p[n - 1] == '\r')
			n--;
		size_t blank = strspn(p, " \t");
		if (blank >= n) { /* a blank line ends the paragraph */
			if (open)
				buf_puts(&b, "</p>");
			open = false;
		} else {
			buf_puts(&b, open ? "<br />" : "<p>");
			open = true;
			char *esc = text_html_escape(a, p, n);
			buf_puts(&b, esc ? esc : "");
		}
		p = *eol ? eol + 1 : eol;
	}
	if (open)
		buf_puts(&b, "</p>");
	char *out = arena_strndup(a, b.ptr ? b.ptr : "", b.len);
	buf_free(&b);
	return out;
}

/* The counts of one person, from the in-memory indexes. */
struct counts {
	size_t followers, following, connections;
	uint32_t statuses;
};

static void counts_locked(struct app *app, int64_t id, struct counts *c)
{
	size_t n = 0;
	graph_followers(app->graph, (uint32_t)id, &n);
	c->followers = n;
	graph_following(app->graph, (uint32_t)id, &n);
	c->following = n;
	c->connections = graph_degree(app->graph, (uint32_t)id);
	/* live posts, as Mastodon counts them; O(1) from the post index */
	int64_t newest = 0;
	c->statuses = 0;
	if (app->feed)
		feed_user_stats(app->feed, id, &c->statuses, &newest);
}

/* A Mastodon profile field: {"name", "value" (HTML), "verified_at": null}. */
static void field(struct arena *a, struct jw *w, const char *name, const char *value)
{
	if (!value || !*value)
		return;
	jw_obj_begin(w);
	jw_kstr(w, "name", name);
	jw_kstr(w, "value", text_html_escape(a, value, strlen(value)));
	jw_knull(w, "verified_at");
	jw_obj_end(w);
}

static void fields(struct arena *a, struct jw *w, const struct user *u)
{
	jw_key(w, "fields");
	jw_arr_begin(w);
	field(a, w, "Title", u->title);
	field(a, w, "Department", u->department);
	field(a, w, "Location", u->location);
	jw_arr_end(w);
}

/* Mastodon gives last_status_at as a date ("2024-05-01"), or null. */
static void last_status_date(struct jw *w, int64_t ms)
{
	jw_key(w, "last_status_at");
	if (ms <= 0) {
		jw_null(w);
		return;
	}
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	/* not strftime: glibc's re-reads the time zone (a stat) on every call */
	int y = tm.tm_year + 1900, m = tm.tm_mon + 1, d = tm.tm_mday;
	char s[11] = {(char)('0' + y / 1000 % 10),
		      (char)('0' + y / 100 % 10),
		      (char)('0' + y / 10 % 10),
		      (char)('0' + y % 10),
		      '-',
		      (char)('0' + m / 10),
		      (char)('0' + m % 10),
		      '-',
		      (char)('0' + d / 10),
		      (char)('0' + d % 10),
		      '\0'};
	jw_str(w, s);
}

/* The body of an Account, without its closing brace (credential accounts
 * add "source"). */
static void account_fields(struct app *app, struct arena *a, struct jw *w, const struct user *u,
			   const struct counts *c)
{
	const char *avatar = people_avatar_url(app, a, u, false);
	const char *header = base_join(app, a, "/headers/default.svg", "", "");
	jw_kid(w, "id", u->id);
	jw_kstr(w, "username", u->username);
	jw_kstr(w, "acct", u->username);
	jw_kstr(w, "display_name", u->display_name);
	jw_kbool(w, "locked", false);
	jw_kbool(w, "bot", false);
	jw_kbool(w, "discoverable", true);
	jw_kbool(w, "group", false);
	jw_ktime(w, "created_at", u->created_at);
	jw_kstr(w, "note", people_note_html(a, u->about));
	jw_kstr(w, "url", base_join(app, a, "/@", u->username, ""));
	jw_kstr(w, "uri", base_join(app, a, "/users/", u->username, ""));
	jw_kstr(w, "avatar", avatar);
	jw_kstr(w, "avatar_static", avatar);
	jw_kstr(w, "header", header);
	jw_kstr(w, "header_static", header);
	jw_kint(w, "followers_count", (int64_t)c->followers);
	jw_kint(w, "following_count", (int64_t)c->following);
	jw_kint(w, "statuses_count", c->statuses);
	last_status_date(w, u->last_status_at);
	jw_key(w, "emojis");
	jw_arr_begin(w);
	jw_arr_end(w);
	fields(a, w, u);
	jw_key(w, "moka");
	jw_obj_begin(w);
	jw_kstr(w, "title", u->title ? u->title : "");
	jw_kstr(w, "department", u->department ? u->department : "");
	jw_kstr(w, "location", u->location ? u->location : "");
	jw_kint(w, "connections_count", (int64_t)c->connections);
	if (u->manager_id > 0)
		jw_kid(w, "manager_id", u->manager_id);
	else
		jw_knull(w, "manager_id");
	jw_kstr(w, "avatar_48", people_avatar_url(app, a, u, true));
	jw_obj_end(w);
}

void people_render_account_user(struct app *app, struct arena *a, struct jw *w,
				const struct user *u)
{
	struct counts c;
	app_rdlock(app);
	counts_locked(app, u->id, &c);
	app_unlock(app);
	jw_obj_begin(w);
	account_fields(app, a, w, u, &c);
	jw_obj_end(w);
}

int people_render_account(struct app *app, struct arena *a, struct jw *w, int64_t user_id)
{
	struct user u;
	if (store_user_get(store_reader(app->store), a, user_id, &u) != STORE_OK)
		return -1;
	people_render_account_user(app, a, w, &u);
	return 0;
}

int people_render_account_locked(struct app *app, struct arena *a, struct jw *w, int64_t user_id)
{
	struct user u;
	if (store_user_get(store_reader(app->store), a, user_id, &u) != STORE_OK)
		return -1;
	struct counts c;
	counts_locked(app, u.id, &c);
	jw_obj_begin(w);
	account_fields(app, a, w, &u, &c);
	jw_obj_end(w);
	return 0;
}

int people_render_credential_account(struct app *app, struct arena *a, struct jw *w,
				     int64_t user_id)
{
	struct user u;
	if (store_user_get(store_reader(app->store), a, user_id, &u) != STORE_OK)
		return -1;
	struct counts c;
	app_rdlock(app);
	counts_locked(app, u.id, &c);
	app_unlock(app);
	int64_t requests = store_invitation_received_count(store_reader(app->store), user_id);
	jw_obj_begin(w);
	account_fields(app, a, w, &u, &c);
	jw_key(w, "source");
	jw_obj_begin(w);
	jw_kstr(w, "privacy", "public");
	jw_kbool(w, "sensitive", false);
	jw_kstr(w, "language", "");
	jw_kstr(w, "note", u.about ? u.about : "");
	fields(a, w, &u);
	jw_kint(w, "follow_requests_count", requests > 0 ? requests : 0);
	jw_obj_end(w);
	jw_obj_end(w);
	return 0;
}

void people_render_summary(struct app *app, struct arena *a, struct jw *w, const struct user *u)
{
	jw_obj_begin(w);
	jw_kid(w, "id", u->id);
	jw_kstr(w, "username", u->username);
	jw_kstr(w, "acct", u->username);
	jw_kstr(w, "display_name", u->display_name);
	jw_kstr(w, "title", u->title ? u->title : "");
	jw_kstr(w, "department", u->department ? u->department : "");
	jw_kstr(w, "avatar", people_avatar_url(app, a, u, false));
	jw_obj_end(w);
}
