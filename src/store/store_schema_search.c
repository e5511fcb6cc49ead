/*
 * store_schema_search: the search area's migrations, in order, NULL-terminated.
 * (search: the full-text indexes.) Never edit a released one: append.
 *
 * The indexes are SQLite FTS5 tables over the base tables (external
 * content: the text is not stored twice), kept fresh by triggers on those
 * tables, so an index is up to date in the same transaction as the write.
 * Every trigger is named search_* (store_search_bulk_begin drops and
 * recreates them around a bulk load). The tokenizer folds case and
 * accents ("Réseau" matches "reseau"); search_people and search_names keep
 * prefix indexes of 2 and 3 characters for names as you type.
 *
 *   search_people  every profile: names, expertise, title, department,
 *                  location, projects, about (rowid = users.id)
 *   search_names   names only; its vocabulary (search_names_vocab) feeds
 *                  the one-typo tolerance
 *   search_posts   live posts that are not reposts (rowid = posts.id)
 *   search_communities, search_topics (forum topic titles, rowid = post id)
 *   search_files   documents: name, description, tags and the text
 *                  extracted from the current version (file_texts)
 *   search_messages  messages that are not deleted (rowid = messages.id)
 */
#include "store/store_sqlite_int.h"

/* One SQL statement per line reads better than reflowed literals. */
// clang-format off
#define SEARCH_TOKENIZE "tokenize = 'unicode61 remove_diacritics 2'"

const char *const store_schema_search[] = {
	/* 1: people, names, posts, communities, forum topics */
	"CREATE VIRTUAL TABLE search_people USING fts5("
	"  display_name, username, expertise, title, department, location, projects, about,"
	"  content='users', content_rowid='id', prefix='2 3', " SEARCH_TOKENIZE ");"
	"CREATE VIRTUAL TABLE search_names USING fts5(display_name, username,"
	"  content='users', content_rowid='id', " SEARCH_TOKENIZE ");"
	"CREATE VIRTUAL TABLE search_names_vocab USING fts5vocab(search_names, 'row');"
	"CREATE VIRTUAL TABLE search_posts USING fts5(text, spoiler_text,"
	"  content='posts', content_rowid='id', " SEARCH_TOKENIZE ");"
	"CREATE VIRTUAL TABLE search_communities USING fts5(name, description, tags,"
	"  content='communities', content_rowid='id', " SEARCH_TOKENIZE ");"
	"CREATE VIRTUAL TABLE search_topics USING fts5(title,"
	"  content='community_topics', content_rowid='post_id', " SEARCH_TOKENIZE ");"

	"CREATE TRIGGER search_users_ai AFTER INSERT ON users BEGIN"
	"  INSERT INTO search_people(rowid, display_name, username, expertise, title, department,"
	"    location, projects, about) VALUES (new.id, new.display_name, new.username,"
	"    new.expertise, new.title, new.department, new.location, new.projects, new.about);"
	"  INSERT INTO search_names(rowid, display_name, username)"
	"    VALUES (new.id, new.display_name, new.username);"
	"END;"
	"CREATE TRIGGER search_users_au AFTER UPDATE OF display_name, username, expertise, title,"
	"  department, location, projects, about ON users BEGIN"
	"  INSERT INTO search_people(search_people, rowid, display_name, username, expertise, title,"
	"    department, location, projects, about) VALUES ('delete', old.id, old.display_name,"
	"    old.username, old.expertise, old.title, old.department, old.location, old.projects,"
	"    old.about);"
	"  INSERT INTO search_people(rowid, display_name, username, expertise, title, department,"
	"    location, projects, about) VALUES (new.id, new.display_name, new.username,"
	"    new.expertise, new.title, new.department, new.location, new.projects, new.about);"
	"  INSERT INTO search_names(search_names, rowid, display_name, username)"
	"    VALUES ('delete', old.id, old.display_name, old.username);"
	"  INSERT INTO search_names(rowid, display_name, username)"
	"    VALUES (new.id, new.display_name, new.username);"
	"END;"

	"CREATE TRIGGER search_posts_ai AFTER INSERT ON posts"
	"  WHEN new.reblog_of_id IS NULL AND new.deleted_at IS NULL BEGIN"
	"  INSERT INTO search_posts(rowid, text, spoiler_text)"
	"    VALUES (new.id, new.text, new.spoiler_text);"
	"END;"
	"CREATE TRIGGER search_posts_au AFTER UPDATE OF text, spoiler_text, deleted_at ON posts BEGIN"
	"  INSERT INTO search_posts(search_posts, rowid, text, spoiler_text)"
	"    SELECT 'delete', old.id, old.text, old.spoiler_text"
	"    WHERE old.reblog_of_id IS NULL AND old.deleted_at IS NULL;"
	"  INSERT INTO search_posts(rowid, text, spoiler_text)"
	"    SELECT new.id, new.text, new.spoiler_text"
	"    WHERE new.reblog_of_id IS NULL AND new.deleted_at IS NULL;"
	"END;"
	"CREATE TRIGGER search_posts_ad AFTER DELETE ON posts"
	"  WHEN old.reblog_of_id IS NULL AND old.deleted_at IS NULL BEGIN"
	"  INSERT INTO search_posts(search_posts, rowid, text, spoiler_text)"
	"    VALUES ('delete', old.id, old.text, old.spoiler_text);"
	"END;"

	"CREATE TRIGGER search_communities_ai AFTER INSERT ON communities BEGIN"
	"  INSERT INTO search_communities(rowid, name, description, tags)"
	"    VALUES (new.id, new.name, new.description, new.tags);"
	"END;"
	"CREATE TRIGGER search_communities_au AFTER UPDATE OF name, description, tags"
	"  ON communities BEGIN"
	"  INSERT INTO search_communities(search_communities, rowid, name, description, tags)"
	"    VALUES ('delete', old.id, old.name, old.description, old.tags);"
	"  INSERT INTO search_communities(rowid, name, description, tags)"
	"    VALUES (new.id, new.name, new.description, new.tags);"
	"END;"

	"CREATE TRIGGER search_topics_ai AFTER INSERT ON community_topics BEGIN"
	"  INSERT INTO search_topics(rowid, title) VALUES (new.post_id, new.title);"
	"END;"
	"CREATE TRIGGER search_topics_au AFTER UPDATE OF title ON community_topics BEGIN"
	"  INSERT INTO search_topics(search_topics, rowid, title)"
	"    VALUES ('delete', old.post_id, old.title);"
	"  INSERT INTO search_topics(rowid, title) VALUES (new.post_id, new.title);"
	"END;"
	"CREATE TRIGGER search_topics_ad AFTER DELETE ON community_topics BEGIN"
	"  INSERT INTO search_topics(search_topics, rowid, title)"
	"    VALUES ('delete', old.post_id, old.title);"
	"END;"

	/* what is already there (an existing database gains search) */
	"INSERT INTO search_people(search_people) VALUES ('rebuild');"
	"INSERT INTO search_names(search_names) VALUES ('rebuild');"
	"INSERT INTO search_posts(rowid, text, spoiler_text) SELECT id, text, spoiler_text"
	"  FROM posts WHERE reblog_of_id IS NULL AND deleted_at IS NULL;"
	"INSERT INTO search_communities(search_communities) VALUES ('rebuild');"
	"INSERT INTO search_topics(search_topics) VALUES ('rebuild');"
	/* ask my network: who was asked, and which questions were offered again */
	"CREATE TABLE question_asks ("
	"  post_id INTEGER NOT NULL, user_id INTEGER NOT NULL, by_id INTEGER NOT NULL,"
	"  created_at INTEGER NOT NULL, PRIMARY KEY (post_id, user_id)) WITHOUT ROWID;"
	"CREATE INDEX question_asks_user ON question_asks(user_id, post_id);"
	"CREATE TABLE question_offers ("
	"  post_id INTEGER PRIMARY KEY, offered_at INTEGER NOT NULL);",
	/* 2: the few deactivated people, so a search leaves them out without
	 * reading the users row of every match */
	"CREATE INDEX search_users_inactive ON users(id) WHERE active = 0;",
	/* 3: files and messages. file_texts holds the text extracted from a
	 * blob (once per content: every file and version naming the blob
	 * shares it; status 0 text, 1 nothing to extract, 2 failed), written by
	 * files/'s extraction worker. search_files keeps its own copy of the
	 * text (rowid = files.id) for the documents that are not trashed and
	 * not Mastodon media: a rename, re-tag or new version replaces the
	 * row, the trash and a purge remove it, and a blob's text arriving
	 * fills the body of every file naming it. search_messages covers the
	 * messages that are not deleted (rowid = messages.id). */
	"CREATE TABLE file_texts ("
	"  sha256 TEXT PRIMARY KEY, body TEXT NOT NULL, status INTEGER NOT NULL,"
	"  extracted_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX search_files_sha256 ON files(sha256);"
	"CREATE VIRTUAL TABLE search_files USING fts5(name, description, tags, body,"
	"  " SEARCH_TOKENIZE ");"
	"CREATE VIRTUAL TABLE search_messages USING fts5(text,"
	"  content='messages', content_rowid='id', " SEARCH_TOKENIZE ");"

	"CREATE TRIGGER search_files_ai AFTER INSERT ON files"
	"  WHEN new.media = 0 AND new.trashed_at = 0 BEGIN"
	"  INSERT INTO search_files(rowid, name, description, tags, body)"
	"    VALUES (new.id, new.name, new.description, new.tags,"
	"    (SELECT body FROM file_texts WHERE sha256 = new.sha256));"
	"END;"
	"CREATE TRIGGER search_files_au AFTER UPDATE ON files"
	"  WHEN old.name IS NOT new.name OR old.description IS NOT new.description"
	"  OR old.tags IS NOT new.tags OR old.sha256 IS NOT new.sha256"
	"  OR old.trashed_at IS NOT new.trashed_at OR old.media IS NOT new.media BEGIN"
	"  DELETE FROM search_files WHERE rowid = old.id;"
	"  INSERT INTO search_files(rowid, name, description, tags, body)"
	"    SELECT new.id, new.name, new.description, new.tags,"
	"    (SELECT body FROM file_texts WHERE sha256 = new.sha256)"
	"    WHERE new.media = 0 AND new.trashed_at = 0;"
	"END;"
	"CREATE TRIGGER search_files_ad AFTER DELETE ON files BEGIN"
	"  DELETE FROM search_files WHERE rowid = old.id;"
	"END;"
	"CREATE TRIGGER search_file_texts_ai AFTER INSERT ON file_texts BEGIN"
	"  UPDATE search_files SET body = new.body WHERE rowid IN"
	"    (SELECT id FROM files WHERE sha256 = new.sha256 AND media = 0 AND trashed_at = 0);"
	"END;"

	"CREATE TRIGGER search_messages_ai AFTER INSERT ON messages"
	"  WHEN new.deleted_at IS NULL BEGIN"
	"  INSERT INTO search_messages(rowid, text) VALUES (new.id, new.text);"
	"END;"
	"CREATE TRIGGER search_messages_au AFTER UPDATE OF text, deleted_at ON messages BEGIN"
	"  INSERT INTO search_messages(search_messages, rowid, text)"
	"    SELECT 'delete', old.id, old.text WHERE old.deleted_at IS NULL;"
	"  INSERT INTO search_messages(rowid, text)"
	"    SELECT new.id, new.text WHERE new.deleted_at IS NULL;"
	"END;"
	"CREATE TRIGGER search_messages_ad AFTER DELETE ON messages"
	"  WHEN old.deleted_at IS NULL BEGIN"
	"  INSERT INTO search_messages(search_messages, rowid, text)"
	"    VALUES ('delete', old.id, old.text);"
	"END;"

	/* what is already there */
	"INSERT INTO search_files(rowid, name, description, tags)"
	"  SELECT id, name, description, tags FROM files WHERE media = 0 AND trashed_at = 0;"
	"INSERT INTO search_messages(rowid, text)"
	"  SELECT id, text FROM messages WHERE deleted_at IS NULL;",
	/* 4: a blob's text goes with the last version naming it (a purge) */
	"CREATE TRIGGER search_file_texts_gc AFTER DELETE ON file_versions"
	"  WHEN NOT EXISTS (SELECT 1 FROM file_versions WHERE sha256 = old.sha256) BEGIN"
	"  DELETE FROM file_texts WHERE sha256 = old.sha256;"
	"END;"
	"DELETE FROM file_texts WHERE sha256 NOT IN (SELECT sha256 FROM file_versions);",
	NULL,
};
// clang-format on
