/*
 * store_sqlite_demo_communities: bulk rows for the demo company's
 * communities (see store_demo.h): communities with their ids, memberships,
 * community posts and forum topics. Runs on the writer connection after
 * the main bulk load, inside the caller's transactions (store_begin /
 * store_commit); indexes stay in place (a community's rows are few next
 * to the posts and people already written).
 */
#include "store/store_sqlite_int.h"
#include "store/store_demo.h"

int store_demo_community(struct store_conn *w, const struct community_row *c)
{
	sqlite3_stmt *st = sq_stmt(w, "INSERT INTO communities (id, name, description, tags, type,"
				      " listed, created_by, created_at, updated_at)"
				      " VALUES (?,?,?,?,?,?,?,?,?)");
	sq_int(st, 1, c->id);
	sq_text(st, 2, c->name);
	sq_text(st, 3, c->description ? c->description : "");
	sq_text(st, 4, c->tags ? c->tags : "");
	sq_int(st, 5, c->type);
	sq_int(st, 6, c->listed);
	sq_int(st, 7, c->created_by);
	sq_int(st, 8, c->created_at);
	sq_int(st, 9, c->created_at);
	return sq_exec(w, st);
}

int store_demo_community_post(struct store_conn *w, const struct store_demo_post *p,
			      int64_t community)
{
	sqlite3_stmt *st = sq_stmt(
	    w,
	    "INSERT INTO posts (id, author_id, visibility, text, html, language,"
	    " in_reply_to_id, in_reply_to_account_id, root_id, is_question, has_tags, created_at,"
	    " replies_count, favourites_count, reblogs_count) VALUES "
	    "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,0)");
	sq_int(st, 1, p->id);
	sq_int(st, 2, p->author_id);
	sq_int(st, 3, p->visibility);
	sq_text(st, 4, p->text ? p->text : "");
	sq_text(st, 5, p->html ? p->html : "");
	sq_text(st, 6, p->language);
	sq_id(st, 7, p->in_reply_to_id);
	sq_id(st, 8, p->in_reply_to_account_id);
	sq_id(st, 9, p->root_id);
	sq_int(st, 10, p->is_question);
	sq_int(st, 11, p->has_tags);
	sq_int(st, 12, p->created_at);
	sq_int(st, 13, p->replies_count);
	sq_int(st, 14, p->favourites_count);
	int rc = sq_exec(w, st);
	return rc == STORE_OK ? store_community_post_add(w, p->id, community) : rc;
}

int store_demo_community_topic(struct store_conn *w, int64_t post, int64_t community,
			       const char *title, int64_t last_activity_at, int64_t replies)
{
	sqlite3_stmt *st = sq_stmt(w, "INSERT INTO community_topics (post_id, community_id, title,"
				      " last_activity_at, replies) VALUES (?,?,?,?,?)");
	sq_int(st, 1, post);
	sq_int(st, 2, community);
	sq_text(st, 3, title);
	sq_int(st, 4, last_activity_at);
	sq_int(st, 5, replies);
	return sq_exec(w, st);
}
