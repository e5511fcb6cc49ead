/*
 * test_search: the query parser (words, phrases, exclusions, prefixes,
 * limits), question keywords, and the SQLite search backend on a scratch
 * store — accents, prefixes, one-typo neighbours, column weights, FTS5
 * syntax in user text staying text, safe snippets, index freshness after
 * updates and deletes (the triggers).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/arena.h"
#include "search/search.h"
#include "store/store.h"

static void test_parse(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	struct search_query q;
	const char *why = NULL;
	assert_int_equal(
	    search_parse(a, "  Réseau \"key accounts\" -sales #kafka Ma", true, &q, &why), 0);
	assert_int_equal(q.n, 5);
	assert_string_equal(q.terms[0].text, "Réseau");
	assert_true(q.terms[1].phrase);
	assert_string_equal(q.terms[1].text, "key accounts");
	assert_true(q.terms[2].exclude);
	assert_string_equal(q.terms[3].text, "kafka");
	assert_true(q.terms[4].prefix);
	assert_false(q.terms[0].prefix);
	/* errors name q */
	const char *bad[] = {"", "   ", "-only -these", "*** !!", NULL};
	for (int i = 0; bad[i]; i++) {
		why = NULL;
		assert_int_equal(search_parse(a, bad[i], false, &q, &why), -1);
		assert_non_null(why);
		assert_memory_equal(why, "q:", 2);
	}
	char big[SEARCH_Q_MAX + 2];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	assert_int_equal(search_parse(a, big, false, &q, &why), -1);
	assert_int_equal(search_parse(a, "a b c d e f g h i j k l m n o p q", false, &q, &why), -1);
	assert_int_equal(search_parse(a, "\xff\xfe", false, &q, &why), -1);
	/* one character is not a prefix; an unclosed quote ends the phrase */
	assert_int_equal(search_parse(a, "x", true, &q, &why), 0);
	assert_false(q.terms[0].prefix);
	assert_int_equal(search_parse(a, "\"open phrase", true, &q, &why), 0);
	assert_true(q.terms[0].phrase);
	assert_string_equal(q.terms[0].text, "open phrase");
	arena_free(a);
}

static void test_keywords(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	struct search_query q;
	const char **tags;
	size_t n;
	assert_int_equal(search_keywords(a, "Who knows how to tune #Kafka consumers on Kubernetes?",
					 8, &q, &tags, &n),
			 0);
	assert_true(q.any);
	assert_string_equal(tags[0], "kafka"); /* hashtags first */
	bool tune = false, kube = false, who = false;
	for (size_t i = 0; i < n; i++) {
		tune |= !strcmp(tags[i], "tune");
		kube |= !strcmp(tags[i], "kubernetes");
		who |= !strcmp(tags[i], "who") || !strcmp(tags[i], "knows");
	}
	assert_true(tune && kube);
	assert_false(who);
	assert_int_equal(search_keywords(a, "who? what? why?", 8, &q, &tags, &n), -1);
	arena_free(a);
}

struct fixture {
	char dir[64];
	struct store *s;
	struct arena *a;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/moka-test-search-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->s = store_open(f->dir);
	assert_non_null(f->s);
	f->a = arena_new();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	arena_free(f->a);
	store_close(f->s);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static int64_t add_user(struct store *s, const char *username, const char *name, const char *title,
			const char *expertise, const char *about)
{
	struct store_conn *w = store_writer_lock(s);
	char email[64];
	snprintf(email, sizeof(email), "%s@example.com", username);
	struct user u = {.username = username,
			 .display_name = name,
			 .email = email,
			 .role = "user",
			 .active = true,
			 .title = title,
			 .department = "",
			 .location = "",
			 .phone = "",
			 .about = about,
			 .projects_json = "[]",
			 .expertise_json = expertise,
			 .languages_json = "[]"};
	int64_t id = 0;
	assert_int_equal(store_user_insert(w, &u, &id), STORE_OK);
	store_writer_unlock(s);
	return id;
}

/* The ids of the people matching text (parsed as typed), best first. */
static int people(struct fixture *f, const char *text, bool prefix, int64_t *ids)
{
	struct search_query q;
	const char *why;
	assert_int_equal(search_parse(f->a, text, prefix, &q, &why), 0);
	struct search_hit h[16];
	int64_t total = 0;
	int n = store_search_people_top(store_reader(f->s), &q, SEARCH_PEOPLE_ALL, 16, h, &total);
	assert_int_equal(n, total);
	for (int i = 0; i < n; i++)
		ids[i] = h[i].id;
	return n;
}

static void test_store(void **state)
{
	struct fixture *f = *state;
	int64_t bruno = add_user(f->s, "bruno", "Bruno Réseau", "Network Engineer",
				 "[\"reseau\",\"postgresql\"]", "I keep the network up.");
	int64_t dev = add_user(f->s, "dev", "Devendra Rao", "Data Engineer", "[\"kafka\"]",
			       "I mention <b>postgresql</b> & more.");
	int64_t ids[16];
	/* accents both ways */
	assert_int_equal(people(f, "reseau", false, ids), 1);
	assert_int_equal(ids[0], bruno);
	assert_int_equal(people(f, "RÉSEAU", false, ids), 1);
	/* expertise above the bio */
	assert_int_equal(people(f, "postgresql", false, ids), 2);
	assert_int_equal(ids[0], bruno);
	assert_int_equal(ids[1], dev);
	/* prefixes as you type match names only */
	assert_int_equal(people(f, "Dev", true, ids), 1);
	assert_int_equal(ids[0], dev);
	assert_int_equal(people(f, "Eng", true, ids), 0);
	/* the most complete name word first: "bru" finds Bruno before Brunhilde */
	int64_t brunhilde = add_user(f->s, "bh", "Brunhilde Ost", "", "[]", "");
	assert_int_equal(people(f, "Bru", true, ids), 2);
	assert_int_equal(ids[0], bruno);
	assert_int_equal(ids[1], brunhilde);
	/* FTS5 syntax is just text */
	const char *odd[] = {"NEAR(a b)", "a OR", "title:x", "^x", "x*y", "(x", "\"\"\"", NULL};
	for (int i = 0; odd[i]; i++) {
		struct search_query q;
		const char *why;
		if (search_parse(f->a, odd[i], true, &q, &why) < 0)
			continue;
		struct search_hit h[4];
		assert_true(store_search_people(store_reader(f->s), &q, SEARCH_PEOPLE_ALL, 4, h) >=
			    0);
	}
	/* one-typo neighbours of a name word */
	const char *near[8];
	assert_int_equal(
	    store_search_name_neighbours(store_reader(f->s), f->a, "devendar", 8, near), 1);
	assert_string_equal(near[0], "devendra");
	assert_int_equal(store_search_name_neighbours(store_reader(f->s), f->a, "bruni", 8, near),
			 1);
	assert_int_equal(store_search_name_neighbours(store_reader(f->s), f->a, "zzzz", 8, near),
			 0);
	/* the first letter wrong, or missing */
	assert_int_equal(
	    store_search_name_neighbours(store_reader(f->s), f->a, "bevendra", 8, near), 1);
	assert_string_equal(near[0], "devendra");
	assert_int_equal(store_search_name_neighbours(store_reader(f->s), f->a, "evendra", 8, near),
			 1);
	assert_string_equal(near[0], "devendra");
	/* snippets are escaped, matches marked */
	struct search_query q;
	const char *why;
	assert_int_equal(search_parse(f->a, "postgresql", false, &q, &why), 0);
	char *s = store_search_snippet(store_reader(f->s), f->a, SEARCH_KIND_PEOPLE, dev, &q);
	assert_non_null(s);
	assert_non_null(strstr(s, "&lt;b&gt;<mark>postgresql</mark>&lt;/b&gt; &amp; more"));
	/* an update is searchable at once; the old words are gone */
	struct store_conn *w = store_writer_lock(f->s);
	struct user u;
	assert_int_equal(store_user_get(w, f->a, dev, &u), STORE_OK);
	u.title = "Kafka Wrangler";
	u.about = "";
	assert_int_equal(store_user_update_profile(w, &u), STORE_OK);
	store_writer_unlock(f->s);
	assert_int_equal(people(f, "wrangler", false, ids), 1);
	assert_int_equal(people(f, "postgresql", false, ids), 1);
}

/* More people match than the count goes to (SEARCH_PEOPLE_SCAN_MAX): every
 * match is still ranked, so the one who declares the skill is first even
 * with the highest id; the count stops at the cap. */
static void test_many_matches(void **state)
{
	struct fixture *f = *state;
	struct store_conn *w = store_writer_lock(f->s);
	assert_int_equal(store_begin(w), 0);
	for (int i = 0; i < SEARCH_PEOPLE_SCAN_MAX + 50; i++) {
		char name[32], email[48];
		snprintf(name, sizeof(name), "p%d", i);
		snprintf(email, sizeof(email), "p%d@example.com", i);
		struct user u = {.username = name,
				 .display_name = name,
				 .email = email,
				 .role = "user",
				 .active = true,
				 .title = "",
				 .department = "",
				 .location = "",
				 .phone = "",
				 .about = "I have heard of kubernetes once",
				 .projects_json = "[]",
				 .expertise_json = "[]",
				 .languages_json = "[]"};
		int64_t id = 0;
		assert_int_equal(store_user_insert(w, &u, &id), STORE_OK);
	}
	assert_int_equal(store_commit(w), 0);
	store_writer_unlock(f->s);
	int64_t kube = add_user(f->s, "kube", "Kim Ube", "Platform Engineer", "[\"kubernetes\"]",
				"I run the clusters.");
	struct search_query q;
	const char *why;
	assert_int_equal(search_parse(f->a, "kubernetes", false, &q, &why), 0);
	struct search_hit h[10];
	int64_t total = 0;
	int n = store_search_people_top(store_reader(f->s), &q, SEARCH_PEOPLE_ALL, 10, h, &total);
	assert_int_equal(n, 10);
	assert_int_equal(h[0].id, kube);
	assert_int_equal(total, SEARCH_PEOPLE_SCAN_MAX);
	/* the same again, lengths cached */
	assert_int_equal(
	    store_search_people_top(store_reader(f->s), &q, SEARCH_PEOPLE_ALL, 10, h, &total), 10);
	assert_int_equal(h[0].id, kube);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_keywords),
	    cmocka_unit_test_setup_teardown(test_store, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_many_matches, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
