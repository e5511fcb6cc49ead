/*
 * store_schema_search_rank: migrations of the people index (search
 * ranking and display), in order, NULL-terminated; applied after the
 * search area. Never edit a released one: append.
 *
 * 1: search_people reads the profile through the view search_people_src,
 *    where expertise and projects are text ("postgresql, machine-learning")
 *    rather than the JSON arrays users holds, so a snippet cut from them
 *    reads as a list. The words indexed are the same (JSON's brackets
 *    and quotes are not tokens), but an FTS5 table cannot change its
 *    content table: it is made again and rebuilt (the people, not the
 *    posts), and the users triggers index the same text.
 */
#include "store/store_sqlite_int.h"

/* One SQL statement per line reads better than reflowed literals. */
// clang-format off
/* ["a","b"] -> "a, b" (tags and project names hold no quotes) */
#define TAGS_TEXT(col) "replace(replace(replace(replace(" col ", '[]', ''), '[\"', ''), '\"]', ''), '\",\"', ', ')"
#define PEOPLE_COLS "display_name, username, expertise, title, department, location, projects, about"

const char *const store_schema_search_rank[] = {
	/* 1: expertise and projects indexed as text */
	"DROP TRIGGER IF EXISTS search_users_ai;"
	"DROP TRIGGER IF EXISTS search_users_au;"
	"DROP TABLE search_people;"
	"CREATE VIEW search_people_src AS SELECT id, display_name, username,"
	"  " TAGS_TEXT("users.expertise") " AS expertise, title, department, location,"
	"  " TAGS_TEXT("users.projects") " AS projects, about FROM users;"
	"CREATE VIRTUAL TABLE search_people USING fts5(" PEOPLE_COLS ","
	"  content='search_people_src', content_rowid='id', prefix='2 3',"
	"  tokenize = 'unicode61 remove_diacritics 2');"

	"CREATE TRIGGER search_users_ai AFTER INSERT ON users BEGIN"
	"  INSERT INTO search_people(rowid, " PEOPLE_COLS ") VALUES (new.id, new.display_name,"
	"    new.username, " TAGS_TEXT("new.expertise") ", new.title, new.department,"
	"    new.location, " TAGS_TEXT("new.projects") ", new.about);"
	"  INSERT INTO search_names(rowid, display_name, username)"
	"    VALUES (new.id, new.display_name, new.username);"
	"END;"
	"CREATE TRIGGER search_users_au AFTER UPDATE OF display_name, username, expertise, title,"
	"  department, location, projects, about ON users BEGIN"
	"  INSERT INTO search_people(search_people, rowid, " PEOPLE_COLS ") VALUES ('delete',"
	"    old.id, old.display_name, old.username, " TAGS_TEXT("old.expertise") ", old.title,"
	"    old.department, old.location, " TAGS_TEXT("old.projects") ", old.about);"
	"  INSERT INTO search_people(rowid, " PEOPLE_COLS ") VALUES (new.id, new.display_name,"
	"    new.username, " TAGS_TEXT("new.expertise") ", new.title, new.department,"
	"    new.location, " TAGS_TEXT("new.projects") ", new.about);"
	"  INSERT INTO search_names(search_names, rowid, display_name, username)"
	"    VALUES ('delete', old.id, old.display_name, old.username);"
	"  INSERT INTO search_names(rowid, display_name, username)"
	"    VALUES (new.id, new.display_name, new.username);"
	"END;"

	"INSERT INTO search_people(search_people) VALUES ('rebuild');",
	NULL,
};
// clang-format on
