/*
 * store_schema_files: the files area's migrations, in order, NULL-terminated.
 * (files: documents, versions, shares, media.) Never edit a released one: append.
 */
#include "store/store_sqlite_int.h"

// clang-format off
const char *const store_schema_files[] = {
	/* 1: files (audience 0 private, 2 community, 3 company; named shares in
	 * file_shares with role 1 reader, 2 editor; media 1: uploaded through
	 * Mastodon's media API, it takes the audience of the post it is attached
	 * to), their versions (each naming a content-addressed blob by its
	 * SHA-256), and the files attached to posts. The current version's
	 * blob, size and type are copied into files. trashed_at 0: not trashed. */
	"CREATE TABLE files ("
	"  id INTEGER PRIMARY KEY,"
	"  owner_id INTEGER NOT NULL,"
	"  name TEXT NOT NULL,"
	"  folder TEXT NOT NULL DEFAULT '',"
	"  tags TEXT NOT NULL DEFAULT '',"
	"  description TEXT NOT NULL DEFAULT '',"
	"  audience INTEGER NOT NULL DEFAULT 0,"
	"  community_id INTEGER,"
	"  media INTEGER NOT NULL DEFAULT 0,"
	"  version INTEGER NOT NULL,"
	"  sha256 TEXT NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  content_type TEXT NOT NULL,"
	"  width INTEGER NOT NULL DEFAULT 0,"
	"  height INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  trashed_at INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX files_owner ON files(owner_id, trashed_at, id);"
	"CREATE INDEX files_community ON files(community_id, id) WHERE community_id IS NOT NULL;"
	"CREATE INDEX files_company ON files(audience, id) WHERE audience = 3;"
	"CREATE TABLE file_versions ("
	"  file_id INTEGER NOT NULL,"
	"  version INTEGER NOT NULL,"
	"  sha256 TEXT NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  content_type TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  by_id INTEGER NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  PRIMARY KEY (file_id, version)) WITHOUT ROWID;"
	"CREATE INDEX file_versions_sha ON file_versions(sha256);"
	"CREATE TABLE file_shares ("
	"  file_id INTEGER NOT NULL,"
	"  user_id INTEGER NOT NULL,"
	"  role INTEGER NOT NULL,"
	"  by_id INTEGER NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  PRIMARY KEY (file_id, user_id)) WITHOUT ROWID;"
	"CREATE INDEX file_shares_user ON file_shares(user_id, file_id);"
	"CREATE TABLE post_files ("
	"  post_id INTEGER NOT NULL,"
	"  position INTEGER NOT NULL,"
	"  file_id INTEGER NOT NULL,"
	"  PRIMARY KEY (post_id, position)) WITHOUT ROWID;"
	"CREATE INDEX post_files_file ON post_files(file_id);",
	NULL,
};
// clang-format on
