/*
 * store_schema: the numbered migrations. Migration N brings the database
 * to PRAGMA user_version N. Never edit a released migration: add one.
 * Areas added later (files, questions, messages, search) keep their own
 * migration lists in store_schema_<area>.c, recorded in schema_areas.
 *
 * Times are milliseconds since the epoch. Post and notification ids are
 * time-ordered (core/clock.h). Booleans are 0/1.
 */
#include "store/store_sqlite_int.h"

/* One SQL statement per line reads better than reflowed literals. */
// clang-format off
const char *const store_migrations[] = {
	/* 1: people, network, posts, notifications, sign-in */
	"CREATE TABLE users ("
	"  id INTEGER PRIMARY KEY,"
	"  username TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  display_name TEXT NOT NULL,"
	"  email TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  password_hash TEXT,"
	"  role TEXT NOT NULL DEFAULT 'user',"
	"  active INTEGER NOT NULL DEFAULT 1,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  title TEXT NOT NULL DEFAULT '',"
	"  department TEXT NOT NULL DEFAULT '',"
	"  location TEXT NOT NULL DEFAULT '',"
	"  phone TEXT NOT NULL DEFAULT '',"
	"  about TEXT NOT NULL DEFAULT '',"
	"  projects TEXT NOT NULL DEFAULT '[]',"
	"  expertise TEXT NOT NULL DEFAULT '[]',"
	"  languages TEXT NOT NULL DEFAULT '[]',"
	"  manager_id INTEGER REFERENCES users(id),"
	"  avatar TEXT,"
	"  last_status_at INTEGER"
	");"
	"CREATE INDEX users_manager ON users(manager_id);"
	/* people search by name prefix, and "same department" suggestions */
	"CREATE INDEX users_display_name ON users(display_name COLLATE NOCASE);"
	"CREATE INDEX users_department ON users(department);"
	"CREATE TABLE user_expertise ("
	"  tag TEXT NOT NULL, user_id INTEGER NOT NULL REFERENCES users(id),"
	"  PRIMARY KEY (tag, user_id)) WITHOUT ROWID;"
	/* connections are stored once per pair, a < b */
	"CREATE TABLE connections ("
	"  a INTEGER NOT NULL REFERENCES users(id), b INTEGER NOT NULL REFERENCES users(id),"
	"  created_at INTEGER NOT NULL, PRIMARY KEY (a, b), CHECK (a < b)) WITHOUT ROWID;"
	"CREATE INDEX connections_b ON connections(b, a);"
	"CREATE TABLE follows ("
	"  follower INTEGER NOT NULL REFERENCES users(id),"
	"  followee INTEGER NOT NULL REFERENCES users(id),"
	"  created_at INTEGER NOT NULL, PRIMARY KEY (follower, followee)) WITHOUT ROWID;"
	"CREATE INDEX follows_followee ON follows(followee, follower);"
	"CREATE TABLE invitations ("
	"  id INTEGER PRIMARY KEY,"
	"  from_id INTEGER NOT NULL REFERENCES users(id),"
	"  to_id INTEGER NOT NULL REFERENCES users(id),"
	"  message TEXT NOT NULL DEFAULT '',"
	"  state TEXT NOT NULL DEFAULT 'pending'," /* pending | ignored */
	"  created_at INTEGER NOT NULL,"
	"  UNIQUE (from_id, to_id));"
	"CREATE INDEX invitations_to ON invitations(to_id, state);"
	"CREATE INDEX invitations_from ON invitations(from_id, id);"
	"CREATE TABLE posts ("
	"  id INTEGER PRIMARY KEY,"
	"  author_id INTEGER NOT NULL REFERENCES users(id),"
	"  visibility INTEGER NOT NULL,"
	"  text TEXT NOT NULL DEFAULT '',"
	"  html TEXT NOT NULL DEFAULT '',"
	"  spoiler_text TEXT NOT NULL DEFAULT '',"
	"  language TEXT,"
	"  in_reply_to_id INTEGER,"
	"  in_reply_to_account_id INTEGER,"
	"  root_id INTEGER,"
	"  reblog_of_id INTEGER,"
	"  board_owner_id INTEGER,"
	"  is_question INTEGER NOT NULL DEFAULT 0,"
	"  sensitive INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  edited_at INTEGER,"
	"  deleted_at INTEGER,"
	"  replies_count INTEGER NOT NULL DEFAULT 0,"
	"  favourites_count INTEGER NOT NULL DEFAULT 0,"
	"  reblogs_count INTEGER NOT NULL DEFAULT 0,"
	"  has_tags INTEGER NOT NULL DEFAULT 0,"
	"  idempotency_key TEXT"
	");"
	/* what the in-memory post index loads at start, without reading texts */
	"CREATE INDEX posts_load ON posts(id, author_id, visibility, in_reply_to_id,"
	"  reblog_of_id, board_owner_id, is_question, has_tags, deleted_at);"
	"CREATE INDEX posts_idem ON posts(author_id, idempotency_key)"
	"  WHERE idempotency_key IS NOT NULL;"
	"CREATE INDEX posts_author ON posts(author_id, id);"
	"CREATE INDEX posts_reply ON posts(in_reply_to_id, id);"
	"CREATE INDEX posts_root ON posts(root_id, id);"
	"CREATE INDEX posts_board ON posts(board_owner_id, id) WHERE board_owner_id IS NOT NULL;"
	"CREATE UNIQUE INDEX posts_reblog ON posts(reblog_of_id, author_id)"
	"  WHERE reblog_of_id IS NOT NULL AND deleted_at IS NULL;"
	"CREATE TABLE post_mentions ("
	"  post_id INTEGER NOT NULL, user_id INTEGER NOT NULL,"
	"  PRIMARY KEY (post_id, user_id)) WITHOUT ROWID;"
	"CREATE INDEX post_mentions_user ON post_mentions(user_id, post_id);"
	"CREATE TABLE post_tags ("
	"  tag TEXT NOT NULL, post_id INTEGER NOT NULL,"
	"  PRIMARY KEY (tag, post_id)) WITHOUT ROWID;"
	"CREATE INDEX post_tags_post ON post_tags(post_id);"
	"CREATE TABLE favourites ("
	"  post_id INTEGER NOT NULL, user_id INTEGER NOT NULL, created_at INTEGER NOT NULL,"
	"  PRIMARY KEY (post_id, user_id)) WITHOUT ROWID;"
	"CREATE INDEX favourites_user ON favourites(user_id, post_id);"
	/* notifications: ids are time-ordered; dismissing one deletes its row */
	"CREATE TABLE notifications ("
	"  id INTEGER PRIMARY KEY,"
	"  user_id INTEGER NOT NULL,"
	"  type TEXT NOT NULL,"
	"  actor_id INTEGER,"
	"  post_id INTEGER,"
	"  invitation_id INTEGER,"
	"  created_at INTEGER NOT NULL);"
	"CREATE INDEX notifications_user ON notifications(user_id, id);"
	"CREATE TABLE markers ("
	"  user_id INTEGER NOT NULL, timeline TEXT NOT NULL,"
	"  last_read_id INTEGER NOT NULL DEFAULT 0, version INTEGER NOT NULL DEFAULT 0,"
	"  updated_at INTEGER NOT NULL, PRIMARY KEY (user_id, timeline)) WITHOUT ROWID;"
	"CREATE TABLE apps ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  website TEXT,"
	"  redirect_uris TEXT NOT NULL,"
	"  scopes TEXT NOT NULL,"
	"  client_id TEXT NOT NULL UNIQUE,"
	"  client_secret_hash BLOB NOT NULL,"    /* SHA-256 of the client secret */
	"  created_at INTEGER NOT NULL);"
	/* access and refresh tokens: only the SHA-256 of the token is kept */
	"CREATE TABLE tokens ("
	"  id INTEGER PRIMARY KEY,"
	"  hash BLOB NOT NULL UNIQUE,"
	"  kind TEXT NOT NULL DEFAULT 'access'," /* access | refresh */
	"  user_id INTEGER REFERENCES users(id),"  /* NULL for client_credentials */
	"  app_id INTEGER REFERENCES apps(id),"
	"  scopes TEXT NOT NULL DEFAULT 'read write follow',"
	"  pair_id INTEGER,"                        /* refresh <-> access */
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER,"
	"  revoked_at INTEGER,"
	"  last_used_at INTEGER);"
	"CREATE INDEX tokens_user ON tokens(user_id);"
	"CREATE INDEX tokens_pair ON tokens(pair_id) WHERE pair_id IS NOT NULL;"
	"CREATE TABLE auth_codes ("
	"  hash BLOB PRIMARY KEY,"
	"  app_id INTEGER NOT NULL REFERENCES apps(id),"
	"  user_id INTEGER NOT NULL REFERENCES users(id),"
	"  redirect_uri TEXT NOT NULL,"
	"  scopes TEXT NOT NULL,"
	"  code_challenge TEXT,"
	"  code_challenge_method TEXT,"
	"  expires_at INTEGER NOT NULL,"
	"  used INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
	/* browser sessions: only the SHA-256 of the cookie value is kept */
	"CREATE TABLE sessions ("
	"  id INTEGER PRIMARY KEY,"
	"  hash BLOB NOT NULL UNIQUE,"
	"  user_id INTEGER NOT NULL REFERENCES users(id),"
	"  csrf TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  last_seen_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL,"
	"  ip TEXT, user_agent TEXT);"
	"CREATE INDEX sessions_user ON sessions(user_id);"
	"CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
	/* 2: communities, their members, posts, pins and forum topics */
	"CREATE TABLE communities ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  description TEXT NOT NULL DEFAULT '',"
	"  tags TEXT NOT NULL DEFAULT '',"          /* normalised, space-separated */
	"  type INTEGER NOT NULL,"                  /* 0 public, 1 moderated, 2 restricted */
	"  listed INTEGER NOT NULL DEFAULT 0,"
	"  created_by INTEGER NOT NULL REFERENCES users(id),"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  archived_at INTEGER);"
	/* state 0 member (role 1 member, 2 owner), 1 requested, 2 invited */
	"CREATE TABLE community_members ("
	"  community_id INTEGER NOT NULL REFERENCES communities(id),"
	"  user_id INTEGER NOT NULL REFERENCES users(id),"
	"  state INTEGER NOT NULL, role INTEGER NOT NULL DEFAULT 0,"
	"  by_id INTEGER, created_at INTEGER NOT NULL,"
	"  PRIMARY KEY (community_id, user_id)) WITHOUT ROWID;"
	"CREATE INDEX community_members_user ON community_members(user_id, community_id);"
	"CREATE TABLE community_posts ("
	"  post_id INTEGER PRIMARY KEY, community_id INTEGER NOT NULL);"
	"CREATE INDEX community_posts_community ON community_posts(community_id, post_id);"
	"CREATE TABLE community_pins ("
	"  community_id INTEGER NOT NULL, post_id INTEGER NOT NULL, pinned_at INTEGER NOT NULL,"
	"  PRIMARY KEY (community_id, post_id)) WITHOUT ROWID;"
	"CREATE TABLE community_topics ("
	"  post_id INTEGER PRIMARY KEY, community_id INTEGER NOT NULL, title TEXT NOT NULL,"
	"  last_activity_at INTEGER NOT NULL, replies INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX community_topics_activity ON community_topics(community_id,"
	"  last_activity_at, post_id);",
};

// clang-format on
const int store_migrations_count = sizeof(store_migrations) / sizeof(store_migrations[0]);

/* Areas after the numbered migrations, applied in this order on a new
 * database; each list lives in store_schema_<area>.c. */
const struct store_area_schema store_area_schemas[] = {
    {"files", store_schema_files},
    {"questions", store_schema_questions},
    {"messages", store_schema_messages},
    {"search", store_schema_search},
    {"search_rank", store_schema_search_rank},
};
const int store_area_schemas_count = sizeof(store_area_schemas) / sizeof(store_area_schemas[0]);
