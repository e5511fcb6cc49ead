/* store_sqlite_network: connections, follows and invitations in SQLite. */
#include "store/store_sqlite_int.h"
#include "core/clock.h"

/* Steps st to the end, handing each (col 0, col 1) pair to fn. */
static int scan_pairs(struct store_conn *c, sqlite3_stmt *st, store_pair_fn fn, void *ctx)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(ctx, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1)) != 0)
			break;
	sqlite3_reset(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return STORE_OK;
	sq_log(c, "scan");
	return STORE_ERROR;
}

int store_connections_scan(struct store_conn *c, store_pair_fn fn, void *ctx)
{
	return scan_pairs(c, sq_stmt(c, "SELECT a, b FROM connections ORDER BY a, b"), fn, ctx);
}

int store_follows_scan(struct store_conn *c, store_pair_fn fn, void *ctx)
{
	return scan_pairs(c,
			  sq_stmt(c, "SELECT follower, followee FROM follows"
				     " ORDER BY follower, followee"),
			  fn, ctx);
}

int store_users_inactive_scan(struct store_conn *c, store_id_fn fn, void *ctx)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT id FROM users WHERE active = 0");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(ctx, sqlite3_column_int64(st, 0)) != 0)
			break;
	sqlite3_reset(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return STORE_OK;
	sq_log(c, "scan");
	return STORE_ERROR;
}

int store_connections_of(struct store_conn *c, int64_t user, store_pair_fn fn, void *ctx)
{
	sqlite3_stmt *st =
	    sq_stmt(c, "SELECT ?1, c.b FROM connections c JOIN users u ON u.id = c.b"
		       " WHERE c.a = ?1 AND u.active = 1"
		       " UNION ALL SELECT ?1, c.a FROM connections c JOIN users u ON u.id = c.a"
		       " WHERE c.b = ?1 AND u.active = 1");
	sq_int(st, 1, user);
	return scan_pairs(c, st, fn, ctx);
}

int store_follows_of(struct store_conn *c, int64_t user, store_pair_fn fn, void *ctx)
{
	sqlite3_stmt *st = sq_stmt(
	    c, "SELECT f.follower, f.followee FROM follows f JOIN users u ON u.id = f.followee"
	       " WHERE f.follower = ?1 AND u.active = 1"
	       " UNION ALL SELECT f.follower, f.followee FROM follows f"
	       " JOIN users u ON u.id = f.follower WHERE f.followee = ?1 AND u.active = 1");
	sq_int(st, 1, user);
	return scan_pairs(c, st, fn, ctx);
}

int store_connection_insert(struct store_conn *w, int64_t a, int64_t b)
{
	sqlite3_stmt *st = sq_stmt(w, "INSERT INTO connections (a, b, created_at) VALUES (?,?,?)");
	sq_int(st, 1, a < b ? a : b);
	sq_int(st, 2, a < b ? b : a);
	sq_int(st, 3, clock_now_ms());
	return sq_exec(w, st);
}

int store_connection_delete(struct store_conn *w, int64_t a, int64_t b)
{
	sqlite3_stmt *st = sq_stmt(w, "DELETE FROM connections WHERE a = ? AND b = ?");
	sq_int(st, 1, a < b ? a : b);
	sq_int(st, 2, a < b ? b : a);
	return sq_changed_or_not_found(w, sq_exec(w, st));
}

int store_follow_insert(struct store_conn *w, int64_t follower, int64_t followee)
{
	sqlite3_stmt *st =
	    sq_stmt(w, "INSERT INTO follows (follower, followee, created_at) VALUES (?,?,?)");
	sq_int(st, 1, follower);
	sq_int(st, 2, followee);
	sq_int(st, 3, clock_now_ms());
	return sq_exec(w, st);
}

int store_follow_delete(struct store_conn *w, int64_t follower, int64_t followee)
{
	sqlite3_stmt *st = sq_stmt(w, "DELETE FROM follows WHERE follower = ? AND followee = ?");
	sq_int(st, 1, follower);
	sq_int(st, 2, followee);
	return sq_changed_or_not_found(w, sq_exec(w, st));
}

int store_invitation_insert(struct store_conn *w, int64_t from_id, int64_t to_id,
			    const char *message, int64_t *id)
{
	sqlite3_stmt *st = sq_stmt(w, "INSERT INTO invitations (from_id, to_id, message, state,"
				      " created_at) VALUES (?,?,?,'pending',?)");
	sq_int(st, 1, from_id);
	sq_int(st, 2, to_id);
	sq_text(st, 3, message ? message : "");
	sq_int(st, 4, clock_now_ms());
	int rc = sq_exec(w, st);
	if (rc == STORE_OK && id)
		*id = sqlite3_last_insert_rowid(w->db);
	return rc;
}

#define INVITATION_COLS "id, from_id, to_id, message, state = 'ignored', created_at"

static void invitation_row(struct arena *a, sqlite3_stmt *st, struct invitation *out)
{
	out->id = sqlite3_column_int64(st, 0);
	out->from_id = sqlite3_column_int64(st, 1);
	out->to_id = sqlite3_column_int64(st, 2);
	out->message = sq_col_text(a, st, 3);
	if (!out->message)
		out->message = "";
	out->ignored = sqlite3_column_int(st, 4) != 0;
	out->created_at = sqlite3_column_int64(st, 5);
}

static int invitation_one(struct store_conn *c, struct arena *a, sqlite3_stmt *st,
			  struct invitation *out)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		invitation_row(a, st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	if (rc == SQLITE_DONE)
		return STORE_NOT_FOUND;
	sq_log(c, "invitation");
	return STORE_ERROR;
}

int store_invitation_get(struct store_conn *c, struct arena *a, int64_t id, struct invitation *out)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT " INVITATION_COLS " FROM invitations WHERE id = ?");
	sq_int(st, 1, id);
	return invitation_one(c, a, st, out);
}

int store_invitation_between(struct store_conn *c, struct arena *a, int64_t from_id, int64_t to_id,
			     struct invitation *out)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT " INVITATION_COLS
				      " FROM invitations WHERE from_id = ? AND to_id = ?");
	sq_int(st, 1, from_id);
	sq_int(st, 2, to_id);
	return invitation_one(c, a, st, out);
}

int store_invitation_delete(struct store_conn *w, int64_t id)
{
	sqlite3_stmt *st = sq_stmt(w, "DELETE FROM invitations WHERE id = ?");
	sq_int(st, 1, id);
	return sq_changed_or_not_found(w, sq_exec(w, st));
}

int store_invitation_set_ignored(struct store_conn *w, int64_t id)
{
	sqlite3_stmt *st = sq_stmt(w, "UPDATE invitations SET state = 'ignored' WHERE id = ?");
	sq_int(st, 1, id);
	return sq_changed_or_not_found(w, sq_exec(w, st));
}

int store_invitation_list(struct store_conn *c, struct arena *a, int64_t user,
			  enum invitation_box box, int64_t max_id, int64_t since_id, int max,
			  struct invitation *out)
{
	sqlite3_stmt *st =
	    box == INVITATIONS_RECEIVED
		? sq_stmt(c, "SELECT " INVITATION_COLS " FROM invitations"
			     " WHERE to_id = ? AND state = 'pending' AND id < ? AND id > ?"
			     " ORDER BY id DESC LIMIT ?")
		: sq_stmt(c, "SELECT " INVITATION_COLS " FROM invitations"
			     " WHERE from_id = ? AND id < ? AND id > ?"
			     " ORDER BY id DESC LIMIT ?");
	sq_int(st, 1, user);
	sq_int(st, 2, max_id > 0 ? max_id : INT64_MAX);
	sq_int(st, 3, since_id > 0 ? since_id : 0);
	sq_int(st, 4, max);
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		invitation_row(a, st, &out[n++]);
	if (n < max && rc != SQLITE_DONE) {
		sqlite3_reset(st);
		sq_log(c, "invitations");
		return -1;
	}
	sqlite3_reset(st);
	return n;
}

int store_invitation_peers(struct store_conn *c, int64_t user, int max, int64_t *out)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT to_id FROM invitations WHERE from_id = ?1"
				      " UNION ALL SELECT from_id FROM invitations WHERE to_id = ?1"
				      " LIMIT ?2");
	sq_int(st, 1, user);
	sq_int(st, 2, max);
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		out[n++] = sqlite3_column_int64(st, 0);
	if (n < max && rc != SQLITE_DONE) {
		sqlite3_reset(st);
		sq_log(c, "invitations");
		return -1;
	}
	sqlite3_reset(st);
	return n;
}

int64_t store_invitation_received_count(struct store_conn *c, int64_t user)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT count(*) FROM invitations"
				      " WHERE to_id = ? AND state = 'pending'");
	sq_int(st, 1, user);
	int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	return n;
}

int store_connection_exists(struct store_conn *c, int64_t a, int64_t b)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT 1 FROM connections WHERE a = ? AND b = ?");
	sq_int(st, 1, a < b ? a : b);
	sq_int(st, 2, a < b ? b : a);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}
