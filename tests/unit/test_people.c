/*
 * Unit tests for people: username and e-mail rules, org-chart walks
 * (cycles, chains), profile validation, note HTML, default avatars — and,
 * on a real store in a temporary directory, the network rules and the
 * graph loaded back at start (deactivated people left out).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/xmalloc.h"
#include "graph/graph.h"
#include "people/people.h"
#include "store/store.h"

static void usernames(void **state)
{
	assert_true(people_username_valid("alice"));
	assert_true(people_username_valid("a"));
	assert_true(people_username_valid("_x.y-z_9"));
	assert_true(people_username_valid("abcdefghijabcdefghijabcdefghij")); /* 30 */
	assert_false(people_username_valid(""));
	assert_false(people_username_valid("abcdefghijabcdefghijabcdefghijk")); /* 31 */
	assert_false(people_username_valid(".alice"));
	assert_false(people_username_valid("-alice"));
	assert_false(people_username_valid("alice."));
	assert_false(people_username_valid("alice-"));
	assert_false(people_username_valid("al ice"));
	assert_false(people_username_valid("al@ice"));
	assert_false(people_username_valid("\xc3\xa9lise"));
}

static void emails(void **state)
{
	assert_true(people_email_valid("alice@example.com"));
	assert_true(people_email_valid("a.b+tag@mail.example.co.uk"));
	assert_true(people_email_valid("x@intranet"));
	assert_false(people_email_valid("alice"));
	assert_false(people_email_valid("@example.com"));
	assert_false(people_email_valid("alice@"));
	assert_false(people_email_valid("a@b@c"));
	assert_false(people_email_valid("al ice@example.com"));
	assert_false(people_email_valid("alice@exa mple.com"));
	assert_false(people_email_valid("<alice>@example.com"));
	assert_false(people_email_valid("alice@.example.com"));
	assert_false(people_email_valid("alice@example..com"));
	assert_false(people_email_valid("alice@example.com-"));
	assert_false(people_email_valid("\xc3\xa9@example.com"));
	char long_local[80];
	memset(long_local, 'a', 65);
	memcpy(long_local + 65, "@example.com", 13);
	assert_false(people_email_valid(long_local));
}

/* An org chart as an array: managers[id] is id's manager; ids 1..n. */
struct org {
	const int64_t *managers;
	int64_t n;
	int lookups;
};

static int org_lookup(void *ctx, int64_t id, int64_t *manager)
{
	struct org *o = ctx;
	o->lookups++;
	if (id < 1 || id > o->n)
		return -1;
	*manager = o->managers[id];
	return 0;
}

/*      1
 *     / \
 *    2   3
 *   / \   \
 *  4   5   6
 *  |
 *  7           */
static const int64_t tree[] = {0, 0, 1, 1, 2, 2, 3, 4};

static void manager_cycles(void **state)
{
	struct org o = {tree, 7, 0};
	assert_false(people_manager_cycle(4, 0, org_lookup, &o));     /* clearing */
	assert_false(people_manager_cycle(4, 3, org_lookup, &o));     /* move across */
	assert_true(people_manager_cycle(1, 6, org_lookup, &o));      /* the top under a leaf */
	assert_true(people_manager_cycle(2, 7, org_lookup, &o));      /* under own report's report */
	assert_true(people_manager_cycle(2, 4, org_lookup, &o));
	assert_true(people_manager_cycle(5, 5, org_lookup, &o));      /* oneself */
	assert_false(people_manager_cycle(7, 5, org_lookup, &o));
	assert_true(people_manager_cycle(7, 99, org_lookup, &o));     /* unknown manager */
	/* a loop already in the data (8 -> 9 -> 8) is treated as a cycle, and ends */
	static const int64_t looped[] = {0, 0, 1, 9, 0, 0, 0, 0, 9, 8};
	struct org l = {looped, 9, 0};
	assert_true(people_manager_cycle(2, 8, org_lookup, &l));
	assert_true(l.lookups <= PEOPLE_CHAIN_MAX);
}

static void manager_chains(void **state)
{
	struct org o = {tree, 7, 0};
	int64_t out[8];
	size_t n = people_manager_chain(7, org_lookup, &o, out, 8);
	assert_int_equal(n, 3);
	assert_int_equal(out[0], 4);
	assert_int_equal(out[1], 2);
	assert_int_equal(out[2], 1);
	assert_int_equal(people_manager_chain(1, org_lookup, &o, out, 8), 0);
	assert_int_equal(people_manager_chain(7, org_lookup, &o, out, 2), 2);
	assert_int_equal(people_manager_chain(42, org_lookup, &o, out, 8), 0);
	/* a loop in the data stops before repeating */
	static const int64_t looped[] = {0, 2, 3, 4, 2};
	struct org l = {looped, 4, 0};
	n = people_manager_chain(1, org_lookup, &l, out, 8);
	assert_int_equal(n, 3);
	assert_int_equal(out[0], 2);
	assert_int_equal(out[1], 3);
	assert_int_equal(out[2], 4);
}

static void note_html(void **state)
{
	struct arena *a = arena_new();
	assert_string_equal(people_note_html(a, ""), "");
	assert_string_equal(people_note_html(a, NULL), "");
	assert_string_equal(people_note_html(a, "Hello <b>&"), "<p>Hello &lt;b&gt;&amp;</p>");
	assert_string_equal(people_note_html(a, "one\ntwo\r\n\r\n  \nthree\n"),
			    "<p>one<br />two</p><p>three</p>");
	assert_string_equal(people_note_html(a, "\n\n\"q\" 'a'"), "<p>&quot;q&quot; &#39;a&#39;</p>");
	arena_free(a);
}

static void profile_checks(void **state)
{
	struct arena *a = arena_new();
	struct profile_clean c;
	const char *why = NULL;
	struct profile_patch p = {.display_name = "  Alice  ", .title = "Engineer",
				  .phone = "+33 (0)1 23-45.67 x12", .email = "a@b.example"};
	assert_int_equal(people_profile_check(a, &p, &c, &why), 0);
	assert_null(c.projects_json);

	const char *tags[] = {"Machine  Learning", "#SQLite", "réseau", "machine-learning"};
	p = (struct profile_patch){.has_expertise = true, .expertise = tags, .n_expertise = 4};
	assert_int_equal(people_profile_check(a, &p, &c, &why), 0);
	assert_string_equal(c.expertise_json, "[\"machine-learning\",\"sqlite\",\"reseau\"]");

	const char *projects[] = {" Moka ", "Moka", "Apollo"};
	p = (struct profile_patch){.has_projects = true, .projects = projects, .n_projects = 3};
	assert_int_equal(people_profile_check(a, &p, &c, &why), 0);
	assert_string_equal(c.projects_json, "[\"Moka\",\"Apollo\"]");

	p = (struct profile_patch){.has_languages = true, .languages = NULL, .n_languages = 0};
	assert_int_equal(people_profile_check(a, &p, &c, &why), 0);
	assert_string_equal(c.languages_json, "[]");

	const char *bad_tag[] = {"C++"};
	p = (struct profile_patch){.has_expertise = true, .expertise = bad_tag, .n_expertise = 1};
	assert_int_equal(people_profile_check(a, &p, &c, &why), -1);
	assert_non_null(strstr(why, "expertise"));

	const char *blank[] = {"ok", "   "};
	p = (struct profile_patch){.has_projects = true, .projects = blank, .n_projects = 2};
	assert_int_equal(people_profile_check(a, &p, &c, &why), -1);
	assert_non_null(strstr(why, "projects"));

	const char *many[21];
	for (int i = 0; i < 21; i++)
		many[i] = "x";
	p = (struct profile_patch){.has_languages = true, .languages = many, .n_languages = 21};
	assert_int_equal(people_profile_check(a, &p, &c, &why), -1);
	assert_non_null(strstr(why, "languages"));

	char long_title[PEOPLE_FIELD_MAX + 2];
	memset(long_title, 't', sizeof(long_title) - 1);
	long_title[sizeof(long_title) - 1] = '\0';
	p = (struct profile_patch){.title = long_title};
	assert_int_equal(people_profile_check(a, &p, &c, &why), -1);
	assert_non_null(strstr(why, "title"));

	p = (struct profile_patch){.display_name = "   "};
	assert_int_equal(people_profile_check(a, &p, &c, &why), -1);
	p = (struct profile_patch){.location = "Paris\nLyon"};
	assert_int_equal(people_profile_check(a, &p, &c, &why), -1);
	p = (struct profile_patch){.title = "a\xc2\x85" "b"}; /* C1 control */
	assert_int_equal(people_profile_check(a, &p, &c, &why), -1);
	p = (struct profile_patch){.about = "line one\nline two\ttab"};
	assert_int_equal(people_profile_check(a, &p, &c, &why), 0);
	p = (struct profile_patch){.about = "bell\a"};
	assert_int_equal(people_profile_check(a, &p, &c, &why), -1);
	p = (struct profile_patch){.phone = "call me"};
	assert_int_equal(people_profile_check(a, &p, &c, &why), -1);
	assert_non_null(strstr(why, "phone"));
	p = (struct profile_patch){.email = "not-an-email"};
	assert_int_equal(people_profile_check(a, &p, &c, &why), -1);
	assert_non_null(strstr(why, "email"));
	arena_free(a);
}

static void default_avatars(void **state)
{
	struct arena *a = arena_new();
	struct user u = {.id = 10, .username = "amartin", .display_name = "alice de Martin"};
	char *name = people_avatar_default_name(a, &u);
	assert_string_equal(name, "default-414d-2.svg"); /* "AM", colour 10 % 8 */
	char *svg = people_avatar_default_svg(a, name);
	assert_non_null(svg);
	assert_non_null(strstr(svg, ">AM</text>"));
	assert_non_null(strstr(svg, "<svg xmlns="));

	u.display_name = "\xc3\x89lodie"; /* one word, non-ASCII */
	name = people_avatar_default_name(a, &u);
	svg = people_avatar_default_svg(a, name);
	assert_non_null(strstr(svg, ">\xc3\x89</text>"));

	/* anything else is not a default avatar name; markup is escaped */
	assert_null(people_avatar_default_svg(a, "default-41-9.svg"));
	assert_null(people_avatar_default_svg(a, "default-4-1.svg"));
	assert_null(people_avatar_default_svg(a, "default-zz-1.svg"));
	assert_null(people_avatar_default_svg(a, "default--1.svg"));
	assert_null(people_avatar_default_svg(a, "default-41-1.png"));
	assert_null(people_avatar_default_svg(a, "default-0a-1.svg")); /* a newline */
	assert_null(people_avatar_default_svg(a, "default-ff-1.svg")); /* not UTF-8 */
	assert_null(people_avatar_default_svg(a, "../etc/passwd"));
	svg = people_avatar_default_svg(a, "default-3c26-1.svg"); /* "<&" */
	assert_non_null(strstr(svg, ">&lt;&amp;</text>"));
	arena_free(a);
}

/* --- on a real store ----------------------------------------------------- */

struct env {
	char dir[64];
	struct config cfg;
	struct app *app;
	int64_t ids[6];
};

static struct app *env_open(struct env *e)
{
	config_defaults(&e->cfg);
	config_set(&e->cfg, "data_dir", e->dir);
	config_set(&e->cfg, "base_url", "http://moka.test");
	e->app = app_open(&e->cfg);
	return e->app;
}

static int env_setup(void **state)
{
	struct env *e = xcalloc(1, sizeof(*e));
	snprintf(e->dir, sizeof(e->dir), "/tmp/moka-test-people-XXXXXX");
	if (!mkdtemp(e->dir) || !env_open(e))
		return -1;
	static const char *const names[] = {"ann", "ben", "cat", "dan", "eve", "fay"};
	for (int i = 0; i < 6; i++) {
		char email[64];
		snprintf(email, sizeof(email), "%s@example.com", names[i]);
		struct user u = {.username = names[i], .display_name = names[i], .email = email,
				 .manager_id = i ? e->ids[0] : 0};
		int status;
		const char *why;
		if (people_user_add(e->app, &u, NULL, &e->ids[i], &status, &why) < 0)
			return -1;
	}
	*state = e;
	return 0;
}

static int env_teardown(void **state)
{
	struct env *e = *state;
	app_close(e->app);
	config_free(&e->cfg);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", e->dir);
	if (system(cmd) != 0)
		return -1;
	free(e);
	return 0;
}

static int distance(struct app *app, int64_t a, int64_t b)
{
	struct arena *ar = arena_new();
	struct people_relation r;
	people_relation(app, ar, a, b, &r);
	arena_free(ar);
	return r.distance;
}

static void network_rules(void **state)
{
	struct env *e = *state;
	struct app *app = e->app;
	int64_t ann = e->ids[0], ben = e->ids[1], cat = e->ids[2], dan = e->ids[3],
		eve = e->ids[4];
	struct arena *a = arena_new();
	struct people_relation r;

	assert_int_equal(people_connect(app, ann, ann, NULL), PEOPLE_SELF);
	assert_int_equal(people_connect(app, ann, 999, NULL), PEOPLE_NOT_FOUND);
	char big[PEOPLE_MESSAGE_MAX + 2];
	memset(big, 'm', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(people_connect(app, ann, ben, big), PEOPLE_INVALID);

	/* invite, then the other side connecting accepts */
	assert_int_equal(people_connect(app, ann, ben, "hello"), PEOPLE_OK);
	assert_int_equal(people_relation(app, a, ann, ben, &r), 0);
	assert_int_equal(r.invitation, INVITATION_SENT);
	assert_false(r.connected);
	assert_int_equal(people_connect(app, ann, ben, "again"), PEOPLE_OK); /* idempotent */
	assert_int_equal(people_connect(app, ben, ann, NULL), PEOPLE_OK);
	assert_int_equal(people_relation(app, a, ann, ben, &r), 0);
	assert_true(r.connected);
	assert_int_equal(r.invitation, INVITATION_NONE);
	assert_int_equal(r.distance, 1);

	/* ignored invitations stay "sent" for the sender; accepting later works */
	assert_int_equal(people_connect(app, cat, ben, NULL), PEOPLE_OK);
	assert_int_equal(people_invitation_ignore_from(app, ben, cat), PEOPLE_OK);
	assert_int_equal(people_relation(app, a, cat, ben, &r), 0);
	assert_int_equal(r.invitation, INVITATION_SENT);
	assert_int_equal(people_relation(app, a, ben, cat, &r), 0);
	assert_int_equal(r.invitation, INVITATION_NONE);
	assert_int_equal(people_connect(app, cat, ben, NULL), PEOPLE_OK);
	assert_int_equal(people_invitation_accept_from(app, ben, cat), PEOPLE_OK);
	assert_int_equal(distance(app, cat, ann), 2); /* through ben */

	/* only the recipient accepts, only the sender withdraws */
	assert_int_equal(people_connect(app, dan, cat, NULL), PEOPLE_OK);
	assert_int_equal(people_relation(app, a, dan, cat, &r), 0);
	int64_t inv = r.invitation_id;
	assert_true(inv > 0);
	assert_int_equal(people_invitation_accept(app, dan, inv), PEOPLE_NOT_FOUND);
	assert_int_equal(people_invitation_withdraw(app, cat, inv), PEOPLE_NOT_FOUND);
	assert_int_equal(people_invitation_accept(app, eve, inv), PEOPLE_NOT_FOUND);
	assert_int_equal(people_invitation_withdraw(app, dan, inv), PEOPLE_OK);
	assert_int_equal(people_invitation_accept(app, cat, inv), PEOPLE_NOT_FOUND);

	/* follows */
	assert_int_equal(people_follow(app, eve, ann), PEOPLE_OK);
	assert_int_equal(people_follow(app, eve, ann), PEOPLE_OK);
	assert_int_equal(people_follow(app, eve, eve), PEOPLE_SELF);
	assert_int_equal(people_relation(app, a, ann, eve, &r), 0);
	assert_true(r.followed_by);
	assert_false(r.following);
	int64_t page[4];
	assert_int_equal(people_list_page(app, PEOPLE_FOLLOWERS, ann, 0, 0, 0, 4, page), 1);
	assert_int_equal(page[0], eve);

	/* deactivating takes eve's and ben's edges out of the graph, reactivating brings them back */
	assert_int_equal(people_user_set_active(app, ben, false), 0);
	assert_int_equal(distance(app, cat, ann), 3);
	assert_int_equal(people_connect(app, ann, ben, NULL), PEOPLE_NOT_FOUND);
	assert_int_equal(people_user_set_active(app, ben, true), 0);
	assert_int_equal(distance(app, cat, ann), 2);
	arena_free(a);
}

static void graph_reload(void **state)
{
	struct env *e = *state;
	int64_t ann = e->ids[0], ben = e->ids[1], cat = e->ids[2], eve = e->ids[4],
		fay = e->ids[5];
	/* state from network_rules: ann-ben, ben-cat connected; eve follows ann */
	assert_int_equal(people_connect(e->app, fay, cat, NULL), PEOPLE_OK);
	assert_int_equal(people_invitation_accept_from(e->app, cat, fay), PEOPLE_OK);
	assert_int_equal(people_user_set_active(e->app, eve, false), 0);
	app_close(e->app);
	config_free(&e->cfg);
	assert_non_null(env_open(e));
	struct graph *g = e->app->graph;
	assert_true(graph_max_id(g) >= (uint32_t)fay);
	assert_true(graph_is_connected(g, (uint32_t)ann, (uint32_t)ben));
	assert_true(graph_is_connected(g, (uint32_t)cat, (uint32_t)fay));
	assert_int_equal(graph_distance(g, (uint32_t)ann, (uint32_t)cat), 2);
	assert_int_equal(graph_distance(g, (uint32_t)ann, (uint32_t)fay), GRAPH_DISTANCE_FAR);
	/* eve is deactivated: her follow is not loaded, until she comes back */
	assert_false(graph_is_following(g, (uint32_t)eve, (uint32_t)ann));
	assert_int_equal(people_user_set_active(e->app, eve, true), 0);
	assert_true(graph_is_following(e->app->graph, (uint32_t)eve, (uint32_t)ann));
}

int main(void)
{
	/* one group (so the runner's summary counts every test); the pure
	 * tests ignore the store the group sets up */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(usernames),
		cmocka_unit_test(emails),
		cmocka_unit_test(manager_cycles),
		cmocka_unit_test(manager_chains),
		cmocka_unit_test(note_html),
		cmocka_unit_test(profile_checks),
		cmocka_unit_test(default_avatars),
		cmocka_unit_test(network_rules),
		cmocka_unit_test(graph_reload),
	};
	return cmocka_run_group_tests(tests, env_setup, env_teardown);
}
