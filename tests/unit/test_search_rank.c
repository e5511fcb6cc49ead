/*
 * test_search_rank: moka_bm25 (store_sqlite_search.c), the search ranking
 * with cached document frequencies, scores every row exactly as FTS5's
 * bm25() does — with the frequencies given, and when it counts them
 * itself — over one and several phrases, column weights, NOT and OR.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

int sq_search_register(sqlite3 *db); /* store_sqlite_int.h */

static const char *const docs[][2] = {
    {"kafka on kubernetes, kafka everywhere", "ops"},
    {"the team met about kafka", ""},
    {"the week in review: the team and the plan", "kafka"},
    {"postgresql tuning for the kafka consumers on kubernetes", "db"},
    {"nothing to see", "kubernetes kubernetes"},
    {"a long post about the team, the week, the plan, kafka and more kafka and kubernetes", ""},
};

static const char *table = "t", *rank = "moka_bm25";

static int64_t count(sqlite3 *db, const char *match)
{
	sqlite3_stmt *st;
	char *sql = sqlite3_mprintf("SELECT count(*) FROM %s WHERE %s MATCH ?", table, table);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_free(sql);
	sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Every row matching match: bm25 and moka_bm25 (frequencies of phrases
 * given, or none) agree. */
static void same(sqlite3 *db, const char *match, const char *const *phrases, int n_phrases)
{
	double arg[2 + 8] = {1.0, 0.5};
	for (int i = 0; i < n_phrases; i++)
		arg[2 + i] = (double)count(db, phrases[i]);
	for (int given = 0; given < 2; given++) {
		sqlite3_stmt *st;
		char *sql = sqlite3_mprintf("SELECT rowid, bm25(%s, 1.0, 0.5), %s(%s, ?2)"
					    " FROM %s WHERE %s MATCH ?1",
					    table, rank, table, table, table);
		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
		sqlite3_free(sql);
		sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
		sqlite3_bind_blob(st, 2, arg, (int)sizeof(double) * (given ? 2 + n_phrases : 2),
				  SQLITE_STATIC);
		int rows = 0;
		while (sqlite3_step(st) == SQLITE_ROW) {
			double want = sqlite3_column_double(st, 1),
			       got = sqlite3_column_double(st, 2);
			assert_true(want < 0);
			assert_float_equal(got, want, 1e-9);
			rows++;
		}
		assert_true(rows > 0);
		sqlite3_finalize(st);
	}
}

static void test_rank(void **state)
{
	(void)state;
	sqlite3 *db;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sq_search_register(db), 0);
	assert_int_equal(
	    sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(text, spoiler)", NULL, NULL, NULL),
	    SQLITE_OK);
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		char *sql =
		    sqlite3_mprintf("INSERT INTO t VALUES (%Q, %Q)", docs[i][0], docs[i][1]);
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
		sqlite3_free(sql);
	}
	same(db, "(\"kafka\")", (const char *[]){"\"kafka\""}, 1);
	same(db, "(\"the\" AND \"team\" AND \"week\")",
	     (const char *[]){"\"the\"", "\"team\"", "\"week\""}, 3);
	same(db, "((\"kubernetes\" OR \"kubernets\") AND \"kafka\") NOT \"plan\"",
	     (const char *[]){"\"kubernetes\"", "\"kubernets\"", "\"kafka\"", "\"plan\""}, 4);
	same(db, "(\"kub\" *)", (const char *[]){"\"kub\" *"}, 1);
	sqlite3_close(db);
}

/* moka_bm25_people keeps the length of each row by rowid: the same scores
 * the first time (lengths read), the second (lengths cached) and after
 * rows change length (the update hook forgets theirs). */
static void test_rank_people(void **state)
{
	(void)state;
	sqlite3 *db;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sq_search_register(db), 0);
	assert_int_equal(
	    sqlite3_exec(db, "CREATE VIRTUAL TABLE search_people USING fts5(text, spoiler)", NULL,
			 NULL, NULL),
	    SQLITE_OK);
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		char *sql = sqlite3_mprintf("INSERT INTO search_people VALUES (%Q, %Q)", docs[i][0],
					    docs[i][1]);
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
		sqlite3_free(sql);
	}
	table = "search_people";
	rank = "moka_bm25_people";
	for (int round = 0; round < 3; round++) {
		same(db, "(\"kafka\")", (const char *[]){"\"kafka\""}, 1);
		same(db, "(\"kubernetes\" OR \"team\")",
		     (const char *[]){"\"kubernetes\"", "\"team\""}, 2);
		if (round == 1) /* longer and shorter rows */
			assert_int_equal(
			    sqlite3_exec(db,
					 "UPDATE search_people SET text = text || ' and more words"
					 " about kafka and the team' WHERE rowid IN (1, 4);"
					 "UPDATE search_people SET text = 'kafka' WHERE rowid = 6",
					 NULL, NULL, NULL),
			    SQLITE_OK);
	}
	table = "t";
	rank = "moka_bm25";
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rank),
	    cmocka_unit_test(test_rank_people),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
