/* store_sqlite_files: files, versions, shares and post attachments in
 * SQLite (schema: store_schema_files.c). */
#include "store/store_sqlite_int.h"

#define FILE_COLS                                                                                  \
	"id, owner_id, name, folder, tags, description, audience, community_id, media,"            \
	" version, sha256, size, content_type, width, height, created_at, updated_at,"             \
	" trashed_at"

static void file_row(struct arena *a, sqlite3_stmt *st, struct file_row *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->owner_id = sqlite3_column_int64(st, 1);
	r->name = sq_col_text(a, st, 2);
	r->folder = sq_col_text(a, st, 3);
	r->tags = sq_col_text(a, st, 4);
	r->description = sq_col_text(a, st, 5);
	r->audience = sqlite3_column_int(st, 6);
	r->community_id = sqlite3_column_int64(st, 7);
	r->media = sqlite3_column_int(st, 8) != 0;
	r->version = sqlite3_column_int(st, 9);
	r->sha256 = sq_col_text(a, st, 10);
	r->size = sqlite3_column_int64(st, 11);
	r->content_type = sq_col_text(a, st, 12);
	r->width = sqlite3_column_int(st, 13);
	r->height = sqlite3_column_int(st, 14);
	r->created_at = sqlite3_column_int64(st, 15);
	r->updated_at = sqlite3_column_int64(st, 16);
	r->trashed_at = sqlite3_column_int64(st, 17);
}

/* Binds the columns after id and owner_id (2 .. 17) of f. */
static void bind_file(sqlite3_stmt *st, const struct file_row *f)
{
	sq_text(st, 3, f->name);
	sq_text(st, 4, f->folder ? f->folder : "");
	sq_text(st, 5, f->tags ? f->tags : "");
	sq_text(st, 6, f->description ? f->description : "");
	sq_int(st, 7, f->audience);
	sq_id(st, 8, f->community_id);
	sq_int(st, 9, f->media);
	sq_int(st, 10, f->version);
	sq_text(st, 11, f->sha256);
	sq_int(st, 12, f->size);
	sq_text(st, 13, f->content_type);
	sq_int(st, 14, f->width);
	sq_int(st, 15, f->height);
	sq_int(st, 16, f->created_at);
	sq_int(st, 17, f->updated_at);
	sq_int(st, 18, f->trashed_at);
}

int store_file_insert(struct store_conn *w, struct file_row *f)
{
	sqlite3_stmt *st = sq_stmt(w, "INSERT INTO files (" FILE_COLS ")"
				      " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,"
				      "?15,?16,?17,?18)");
	sq_id(st, 1, f->id);
	sq_int(st, 2, f->owner_id);
	bind_file(st, f);
	int rc = sq_exec(w, st);
	if (rc == STORE_OK)
		f->id = sqlite3_last_insert_rowid(w->db);
	return rc;
}

int store_file_update(struct store_conn *w, const struct file_row *f)
{
	sqlite3_stmt *st =
	    sq_stmt(w, "UPDATE files SET name = ?3, folder = ?4, tags = ?5, description = ?6,"
		       " audience = ?7, community_id = ?8, media = ?9, version = ?10, sha256 = ?11,"
		       " size = ?12, content_type = ?13, width = ?14, height = ?15,"
		       " created_at = ?16, updated_at = ?17, trashed_at = ?18"
		       " WHERE id = ?1 AND owner_id = ?2");
	sq_int(st, 1, f->id);
	sq_int(st, 2, f->owner_id);
	bind_file(st, f);
	int rc = sq_exec(w, st);
	if (rc == STORE_OK && sqlite3_changes(w->db) == 0)
		return STORE_NOT_FOUND;
	return rc;
}

int store_file_get(struct store_conn *c, struct arena *a, int64_t id, struct file_row *out)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT " FILE_COLS " FROM files WHERE id = ?");
	sq_int(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		file_row(a, st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

int store_file_delete(struct store_conn *w, int64_t id)
{
	static const char *const sql[] = {
	    "DELETE FROM file_versions WHERE file_id = ?",
	    "DELETE FROM file_shares WHERE file_id = ?",
	    "DELETE FROM post_files WHERE file_id = ?",
	    "DELETE FROM files WHERE id = ?",
	};
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		sqlite3_stmt *st = sq_stmt(w, sql[i]);
		sq_int(st, 1, id);
		if (sq_exec(w, st) != STORE_OK)
			return STORE_ERROR;
	}
	return STORE_OK;
}

int store_file_version_insert(struct store_conn *w, const struct file_version_row *v)
{
	sqlite3_stmt *st = sq_stmt(w, "INSERT INTO file_versions (file_id, version, sha256, size,"
				      " content_type, name, by_id, created_at)"
				      " VALUES (?,?,?,?,?,?,?,?)");
	sq_int(st, 1, v->file_id);
	sq_int(st, 2, v->version);
	sq_text(st, 3, v->sha256);
	sq_int(st, 4, v->size);
	sq_text(st, 5, v->content_type);
	sq_text(st, 6, v->name);
	sq_int(st, 7, v->by_id);
	sq_int(st, 8, v->created_at);
	return sq_exec(w, st);
}

#define VERSION_COLS "file_id, version, sha256, size, content_type, name, by_id, created_at"

static void version_row(struct arena *a, sqlite3_stmt *st, struct file_version_row *v)
{
	v->file_id = sqlite3_column_int64(st, 0);
	v->version = sqlite3_column_int(st, 1);
	v->sha256 = sq_col_text(a, st, 2);
	v->size = sqlite3_column_int64(st, 3);
	v->content_type = sq_col_text(a, st, 4);
	v->name = sq_col_text(a, st, 5);
	v->by_id = sqlite3_column_int64(st, 6);
	v->created_at = sqlite3_column_int64(st, 7);
}

int store_file_versions(struct store_conn *c, struct arena *a, int64_t file_id, int max,
			struct file_version_row *out)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT " VERSION_COLS " FROM file_versions"
				      " WHERE file_id = ? ORDER BY version DESC LIMIT ?");
	sq_int(st, 1, file_id);
	sq_int(st, 2, max);
	int n = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < max)
		version_row(a, st, &out[n++]);
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? n : -1;
}

int store_file_version_get(struct store_conn *c, struct arena *a, int64_t file_id, int version,
			   struct file_version_row *out)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT " VERSION_COLS " FROM file_versions"
				      " WHERE file_id = ? AND version = ?");
	sq_int(st, 1, file_id);
	sq_int(st, 2, version);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		version_row(a, st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
}

/* The single integer a one-row query yields, or -1. */
static int64_t one_int(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	return v;
}

int64_t store_file_blob_refs(struct store_conn *c, const char *sha256)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT count(*) FROM file_versions WHERE sha256 = ?");
	sq_text(st, 1, sha256);
	return one_int(st);
}

int store_file_blobs(struct store_conn *c, struct arena *a, int64_t file_id, int max,
		     const char **out)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT DISTINCT sha256 FROM file_versions"
				      " WHERE file_id = ? LIMIT ?");
	sq_int(st, 1, file_id);
	sq_int(st, 2, max);
	int n = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < max)
		out[n++] = sq_col_text(a, st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? n : -1;
}

int64_t store_files_bytes_of(struct store_conn *c, int64_t owner)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT coalesce(sum(v.size), 0) FROM files f"
				      " JOIN file_versions v ON v.file_id = f.id"
				      " WHERE f.owner_id = ?");
	sq_int(st, 1, owner);
	return one_int(st);
}

int store_file_share_put(struct store_conn *w, int64_t file, int64_t user, int role, int64_t by,
			 int64_t at)
{
	if (role == 0) {
		sqlite3_stmt *st =
		    sq_stmt(w, "DELETE FROM file_shares WHERE file_id = ? AND user_id = ?");
		sq_int(st, 1, file);
		sq_int(st, 2, user);
		return sq_exec(w, st);
	}
	sqlite3_stmt *st = sq_stmt(w, "INSERT OR REPLACE INTO file_shares (file_id, user_id, role,"
				      " by_id, created_at) VALUES (?,?,?,?,?)");
	sq_int(st, 1, file);
	sq_int(st, 2, user);
	sq_int(st, 3, role);
	sq_int(st, 4, by);
	sq_int(st, 5, at);
	return sq_exec(w, st);
}

int store_file_shares_clear(struct store_conn *w, int64_t file)
{
	sqlite3_stmt *st = sq_stmt(w, "DELETE FROM file_shares WHERE file_id = ?");
	sq_int(st, 1, file);
	return sq_exec(w, st);
}

int store_file_share_role(struct store_conn *c, int64_t file, int64_t user)
{
	sqlite3_stmt *st =
	    sq_stmt(c, "SELECT role FROM file_shares WHERE file_id = ? AND user_id = ?");
	sq_int(st, 1, file);
	sq_int(st, 2, user);
	int rc = sqlite3_step(st);
	int role = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? role : -1;
}

int store_file_shares(struct store_conn *c, int64_t file, int max, int64_t *users, int *roles)
{
	sqlite3_stmt *st = sq_stmt(c, "SELECT user_id, role FROM file_shares WHERE file_id = ?"
				      " ORDER BY user_id LIMIT ?");
	sq_int(st, 1, file);
	sq_int(st, 2, max);
	int n = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < max) {
		users[n] = sqlite3_column_int64(st, 0);
		roles[n++] = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? n : -1;
}

/* The filters every list shares: ?2 folder, ?3 tag, ?4 include media,
 * ?5 max_id, ?6 since_id, ?7 min_id, ?8 limit. */
#define LIST_FILTERS                                                                               \
	" AND (?2 IS NULL OR f.folder = ?2)"                                                       \
	" AND (?3 IS NULL OR (' ' || f.tags || ' ') LIKE ('% ' || ?3 || ' %'))"                    \
	" AND (?4 OR f.media = 0)"                                                                 \
	" AND f.id < ?5 AND f.id > max(?6, ?7)"                                                    \
	" ORDER BY CASE WHEN ?7 > 0 THEN f.id END ASC, f.id DESC LIMIT ?8"

int store_files_list(struct store_conn *c, const struct store_files_query *q, int64_t *out)
{
	sqlite3_stmt *st;
	switch (q->list) {
	case STORE_FILES_MINE:
		st = sq_stmt(c, "SELECT f.id FROM files f WHERE f.owner_id = ?1"
				" AND f.trashed_at = 0" LIST_FILTERS);
		break;
	case STORE_FILES_TRASH:
		st = sq_stmt(c, "SELECT f.id FROM files f WHERE f.owner_id = ?1"
				" AND f.trashed_at > 0" LIST_FILTERS);
		break;
	case STORE_FILES_SHARED:
		st = sq_stmt(c, "SELECT f.id FROM file_shares s JOIN files f ON f.id = s.file_id"
				" WHERE s.user_id = ?1 AND f.trashed_at = 0" LIST_FILTERS);
		break;
	case STORE_FILES_COMMUNITY:
		st = sq_stmt(c, "SELECT f.id FROM files f WHERE f.community_id = ?1"
				" AND f.audience = 2 AND f.trashed_at = 0" LIST_FILTERS);
		break;
	case STORE_FILES_COMPANY:
		st = sq_stmt(c, "SELECT f.id FROM files f WHERE f.audience = 3 AND ?1 = ?1"
				" AND f.trashed_at = 0" LIST_FILTERS);
		break;
	default:
		return -1;
	}
	sq_int(st, 1, q->list == STORE_FILES_COMMUNITY ? q->community : q->who);
	sq_text(st, 2, q->folder);
	sq_text(st, 3, q->tag);
	sq_int(st, 4, q->include_media);
	sq_int(st, 5, q->max_id > 0 ? q->max_id : INT64_MAX);
	sq_int(st, 6, q->since_id);
	sq_int(st, 7, q->min_id);
	sq_int(st, 8, q->limit);
	int n = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < q->limit)
		out[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? n : -1;
}

int store_post_file_add(struct store_conn *w, int64_t post, int position, int64_t file)
{
	sqlite3_stmt *st =
	    sq_stmt(w, "INSERT INTO post_files (post_id, position, file_id) VALUES (?,?,?)");
	sq_int(st, 1, post);
	sq_int(st, 2, position);
	sq_int(st, 3, file);
	return sq_exec(w, st);
}

/* Up to max ids from a one-column query bound to id. */
static int id_column(sqlite3_stmt *st, int64_t id, int max, int64_t *out)
{
	sq_int(st, 1, id);
	sq_int(st, 2, max);
	int n = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < max)
		out[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? n : -1;
}

int store_post_files(struct store_conn *c, int64_t post, int max, int64_t *out)
{
	return id_column(sq_stmt(c, "SELECT file_id FROM post_files WHERE post_id = ?"
				    " ORDER BY position LIMIT ?"),
			 post, max, out);
}

int store_file_posts(struct store_conn *c, int64_t file, int max, int64_t *out)
{
	return id_column(sq_stmt(c, "SELECT post_id FROM post_files WHERE file_id = ?"
				    " ORDER BY post_id LIMIT ?"),
			 file, max, out);
}
