/*
 * store_schema_messages: the messages area's migrations, in order, NULL-terminated.
 * (messages: conversations, members, messages.) Never edit a released one: append.
 */
#include "store/store_sqlite_int.h"

// clang-format off
const char *const store_schema_messages[] = {
	/* 1: conversations (kind 0 one-to-one, 1 group), their members (role 0
	 * member, 1 admin; joined_id: the time-ordered id taken when they joined,
	 * the floor of the history they see when the group hides it), messages,
	 * reactions and attachments. activity_id is a time-ordered id bumped by
	 * every message and membership change: lists are ordered by it. */
	"CREATE TABLE conversations ("
	"  id INTEGER PRIMARY KEY,"
	"  kind INTEGER NOT NULL,"
	"  title TEXT NOT NULL DEFAULT '',"
	"  pair_key TEXT UNIQUE,"
	"  history_visible INTEGER NOT NULL DEFAULT 0,"
	"  created_by INTEGER NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  activity_id INTEGER NOT NULL);"
	"CREATE TABLE conversation_members ("
	"  conversation_id INTEGER NOT NULL,"
	"  user_id INTEGER NOT NULL,"
	"  role INTEGER NOT NULL DEFAULT 0,"
	"  joined_id INTEGER NOT NULL DEFAULT 0,"
	"  joined_at INTEGER NOT NULL,"
	"  added_by INTEGER,"
	"  last_read_id INTEGER NOT NULL DEFAULT 0,"
	"  muted INTEGER NOT NULL DEFAULT 0,"
	"  archived INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (conversation_id, user_id)) WITHOUT ROWID;"
	"CREATE INDEX conversation_members_user ON conversation_members(user_id, archived,"
	"  conversation_id);"
	"CREATE TABLE messages ("
	"  id INTEGER PRIMARY KEY,"
	"  conversation_id INTEGER NOT NULL,"
	"  author_id INTEGER NOT NULL,"
	"  text TEXT NOT NULL,"
	"  html TEXT NOT NULL,"
	"  mentions TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL,"
	"  edited_at INTEGER,"
	"  deleted_at INTEGER,"
	"  idempotency_key TEXT);"
	"CREATE INDEX messages_conversation ON messages(conversation_id, id);"
	"CREATE UNIQUE INDEX messages_idempotency ON messages(author_id, idempotency_key)"
	"  WHERE idempotency_key IS NOT NULL;"
	"CREATE TABLE message_reactions ("
	"  message_id INTEGER NOT NULL,"
	"  user_id INTEGER NOT NULL,"
	"  emoji TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  PRIMARY KEY (message_id, emoji, user_id)) WITHOUT ROWID;"
	"CREATE TABLE message_attachments ("
	"  message_id INTEGER NOT NULL,"
	"  position INTEGER NOT NULL,"
	"  file_id INTEGER NOT NULL,"
	"  PRIMARY KEY (message_id, position)) WITHOUT ROWID;",
	NULL,
};
// clang-format on
