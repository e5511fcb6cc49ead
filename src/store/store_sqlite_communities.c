/* store_sqlite_communities: communities, memberships, their posts, pins
 * and topics, in SQLite (schema: migration 2 in store_schema.c). */
#include "store/store_sqlite_int.h"

#define COMMUNITY_COLS                                                                             \
	"id, name, description, tags, type, listed, created_by, created_at, updated_at,"           \
	" archived_at"

static void community_row(struct arena *a, sqlite3_stmt *st, struct community_row *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->name = sq_col_text(a, st, 1);
	r->description = sq_col_text(a, st, 2);
	r->tags = sq_col_text(a, st, 3);
	r->type = sqlite3_column_int(st, 4);
	r->listed = sqlite3_column_int(st, 5) != 0;
	r->created_by = sqlite3_column_int64(st, 6);
	r->created_at = sqlite3_column_int64(st, 7);
	r->updated_at = sqlite3_column_int64(st, 8);
	r->archived_at = sqlite3_column_int64(st, 9);
}

int store_community_insert(struct store_conn *w, struct community_row *c)
{
	sqlite3_stmt *st = sq_stmt(w, "INSERT INTO communities (name, description, tags, type,"
				      " listed, created_by, created_at, updated_at)"
				      " VALUES (?,?,?,?,?,?,?,?)");
	sq_text(st, 1, c->name);
	sq_text(st, 2, c->description ? c->description : "");
	sq_text(st, 3, c->tags ? c->tags : "");
	sq_int(st, 4, c->type);
	sq_int(st, 5, c->listed);
	sq_int(st, 6, c->created_by);
	sq_int(st, 7, c->created_at);
	sq_int(st, 8, c->updated_at);
	int rc = sq_exec(w, st);
	if (rc == STORE_OK)
		c->id = sqlite3_last_insert_rowid(w->db);
	return rc;
}

int store_community_update(struct store_conn *w, const struct community_row *c)
{
	sqlite3_stmt *st = sq_stmt(w, "UPDATE communities SET name = ?2, description = ?3,"
				      " tags = ?4, type = ?5, listed = ?6, updated_at = ?7"
				      " WHERE id = ?1");
	sq_int(st, 1, c->id);
	sq_text(st, 2, c->name);
	sq_text(st, 3, c->description ? c->description : "");
	sq_text(st, 4, c->tags ? c->tags : "");
	sq_int(st, 5, c->type);
	sq_int(st, 6, c->listed);
	sq_int(st, 7, c->updated_at);
	return sq_changed_or_not_found(w, sq_exec(w, st));
}

int store_community_archive(struct store_conn *w, int64_t id, int64_t at)
{
	sqlite3_stmt *st =
	    sq_stmt(w, "UPDATE communities SET archived_at = ?2, updated_at = ?2 WHERE id = ?1");
	sq_int(st, 1, id);
	sq_int(st, 2, at);
	return sq_changed_or_not_found(w, sq_exec(w, st));
}

int store_community_get(struct store_conn *c, struct arena *a, int64_t id,
			struct community_row *out)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT " COMMUNITY_COLS " FROM communities WHERE id = ?");
	sq_int(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		community_row(a, st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

int store_community_member_put(struct store_conn *w, const struct community_member_row *m)
{
	sqlite3_stmt *st = sq_stmt(w, "INSERT OR REPLACE INTO community_members (community_id,"
				      " user_id, state, role, by_id, created_at)"
				      " VALUES (?,?,?,?,?,?)");
	sq_int(st, 1, m->community_id);
	sq_int(st, 2, m->user_id);
	sq_int(st, 3, m->state);
	sq_int(st, 4, m->role);
	sq_id(st, 5, m->by);
	sq_int(st, 6, m->created_at);
	return sq_exec(w, st);
}

int store_community_member_delete(struct store_conn *w, int64_t community, int64_t user)
{
	sqlite3_stmt *st =
	    sq_stmt(w, "DELETE FROM community_members WHERE community_id = ? AND user_id = ?");
	sq_int(st, 1, community);
	sq_int(st, 2, user);
	return sq_changed_or_not_found(w, sq_exec(w, st));
}

int store_community_member_get(struct store_conn *c, int64_t community, int64_t user,
			       struct community_member_row *out)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT state, role, by_id, created_at FROM"
				      " community_members WHERE community_id = ? AND user_id = ?");
	sq_int(st, 1, community);
	sq_int(st, 2, user);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->community_id = community;
		out->user_id = user;
		out->state = sqlite3_column_int(st, 0);
		out->role = sqlite3_column_int(st, 1);
		out->by = sqlite3_column_int64(st, 2);
		out->created_at = sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

int store_community_members_in_state(struct store_conn *c, int64_t community, int state,
				     int64_t max_id, int max, int64_t *out)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT user_id FROM community_members"
				      " WHERE community_id = ?1 AND state = ?2 AND user_id < ?3"
				      " ORDER BY user_id DESC LIMIT ?4");
	sq_int(st, 1, community);
	sq_int(st, 2, state);
	sq_int(st, 3, max_id > 0 ? max_id : INT64_MAX);
	sq_int(st, 4, max);
	int n = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < max)
		out[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? n : -1;
}

int store_community_post_add(struct store_conn *w, int64_t post, int64_t community)
{
	sqlite3_stmt *st =
	    sq_stmt(w, "INSERT INTO community_posts (post_id, community_id) VALUES (?,?)");
	sq_int(st, 1, post);
	sq_int(st, 2, community);
	return sq_exec(w, st);
}

int store_community_topic_add(struct store_conn *w, int64_t post, int64_t community,
			      const char *title, int64_t at)
{
	sqlite3_stmt *st = sq_stmt(w, "INSERT INTO community_topics (post_id, community_id,"
				      " title, last_activity_at, replies) VALUES (?,?,?,?,0)");
	sq_int(st, 1, post);
	sq_int(st, 2, community);
	sq_text(st, 3, title);
	sq_int(st, 4, at);
	return sq_exec(w, st);
}

int store_community_topic_touch(struct store_conn *w, int64_t root, int64_t at)
{
	sqlite3_stmt *st = sq_stmt(w, "UPDATE community_topics SET last_activity_at = ?2,"
				      " replies = replies + 1 WHERE post_id = ?1");
	sq_int(st, 1, root);
	sq_int(st, 2, at);
	return sq_exec(w, st);
}

/* Fills t from the current row of st (post_id, title, last_activity_at, replies). */
static void topic_row(sqlite3_stmt *st, struct arena *a, struct community_topic *t)
{
	t->post_id = sqlite3_column_int64(st, 0);
	t->title = sq_col_text(a, st, 1);
	t->last_activity_at = sqlite3_column_int64(st, 2);
	t->replies = sqlite3_column_int64(st, 3);
}

int store_community_topics(struct store_conn *c, struct arena *a, int64_t community,
			   int64_t before_at, int64_t before_id, int max,
			   struct community_topic *out)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT post_id, title, last_activity_at, replies"
				      " FROM community_topics WHERE community_id = ?1"
				      " AND (last_activity_at, post_id) < (?3, ?4)"
				      " ORDER BY last_activity_at DESC, post_id DESC LIMIT ?2");
	sq_int(st, 1, community);
	sq_int(st, 2, max);
	sq_int(st, 3, before_at ? before_at : INT64_MAX);
	sq_int(st, 4, before_at ? before_id : INT64_MAX);
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		topic_row(st, a, &out[n++]);
	if (n == max)
		rc = SQLITE_DONE;
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}

int store_community_topic_get(struct store_conn *c, struct arena *a, int64_t post,
			      int64_t *community, struct community_topic *out)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT post_id, title, last_activity_at, replies,"
				      " community_id FROM community_topics WHERE post_id = ?");
	sq_int(st, 1, post);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		topic_row(st, a, out);
		*community = sqlite3_column_int64(st, 4);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

const char *store_community_topic_title(struct store_conn *c, struct arena *a, int64_t post)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT title FROM community_topics WHERE post_id = ?");
	sq_int(st, 1, post);
	const char *t = sqlite3_step(st) == SQLITE_ROW ? sq_col_text(a, st, 0) : NULL;
	sqlite3_reset(st);
	return t;
}

int store_community_pin(struct store_conn *w, int64_t community, int64_t post, bool on, int64_t at)
{
	sqlite3_stmt *st;
	if (on) {
		st = sq_stmt(w, "INSERT OR IGNORE INTO community_pins (community_id, post_id,"
				" pinned_at) VALUES (?,?,?)");
		sq_int(st, 3, at);
	} else {
		st =
		    sq_stmt(w, "DELETE FROM community_pins WHERE community_id = ? AND post_id = ?");
	}
	sq_int(st, 1, community);
	sq_int(st, 2, post);
	return sq_exec(w, st);
}

int store_community_pins(struct store_conn *c, int64_t community, int max, int64_t *out)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT post_id FROM community_pins WHERE community_id = ?"
				      " ORDER BY pinned_at DESC, post_id DESC LIMIT ?");
	sq_int(st, 1, community);
	sq_int(st, 2, max);
	int n = 0;
	while (sqlite3_step(st) == SQLITE_ROW && n < max)
		out[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

int store_communities_scan(struct store_conn *c, struct arena *a,
			   int (*fn)(void *ctx, const struct community_row *r), void *ctx)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT " COMMUNITY_COLS " FROM communities ORDER BY id");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct community_row r;
		community_row(a, st, &r);
		if (fn(ctx, &r))
			break;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? STORE_OK : STORE_ERROR;
}

int store_community_members_scan(struct store_conn *c,
				 int (*fn)(void *ctx, int64_t community, int64_t user, int role),
				 void *ctx)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT m.community_id, m.user_id, m.role"
				      " FROM community_members m JOIN users u ON u.id = m.user_id"
				      " WHERE m.state = 0 ORDER BY m.community_id, m.user_id");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(ctx, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
		       sqlite3_column_int(st, 2)))
			break;
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? STORE_OK : STORE_ERROR;
}

int store_community_posts_scan(struct store_conn *c,
			       int (*fn)(void *ctx, int64_t post, int64_t community), void *ctx)
{
	sqlite3_stmt *st =
	    sq_stmt(c, "SELECT post_id, community_id FROM community_posts ORDER BY post_id");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(ctx, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1)))
			break;
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? STORE_OK : STORE_ERROR;
}
