/*
 * store_messages: conversations (one-to-one and groups), their members
 * with per-member state (role, read marker, mute, archive), messages,
 * reactions and attachments.
 *
 * Conversation ids are rowids. Message ids and activity ids are
 * time-ordered (core/clock.h), so "newer" is "greater". Who may see what
 * is not decided here: messages/ owns the rule and every caller goes
 * through it; these functions only read and write rows.
 */
#ifndef MOKA_STORE_MESSAGES_H
#define MOKA_STORE_MESSAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store_conn;
struct arena;

struct conversation_row {
	int64_t id;
	int kind; /* enum conversation_kind (messages.h); stored */
	const char *title;
	const char *pair_key; /* "LOW:HIGH" user ids for one-to-one, else NULL */
	bool history_visible;
	int64_t created_by, created_at, activity_id;
};

struct conversation_member_row {
	int64_t conversation_id, user_id;
	int role;	   /* 0 member, 1 admin; stored */
	int64_t joined_id; /* time-ordered id taken when they joined (0: founder) */
	int64_t joined_at, added_by, last_read_id;
	bool muted, archived;
};

struct message_row {
	int64_t id, conversation_id, author_id;
	const char *text, *html;
	const char *mentions;			   /* "ID:username" separated by spaces */
	int64_t created_at, edited_at, deleted_at; /* 0: not edited / not deleted */
	const char *idempotency_key;
};

/* Inserts c, setting c->id. STORE_CONFLICT when c->pair_key exists. */
int store_conversation_insert(struct store_conn *w, struct conversation_row *c);
int store_conversation_get(struct store_conn *c, struct arena *a, int64_t id,
			   struct conversation_row *out);
/* The one-to-one conversation of pair_key: STORE_OK with *id, or STORE_NOT_FOUND. */
int store_conversation_by_pair(struct store_conn *c, const char *pair_key, int64_t *id);
/* Replaces title and history_visible. */
int store_conversation_update(struct store_conn *w, const struct conversation_row *c);
/* Sets the activity id (ordering of lists). */
int store_conversation_touch(struct store_conn *w, int64_t id, int64_t activity_id);

/* The member row of user in conversation, with the conversation's kind
 * and history setting, in one query: STORE_OK, or STORE_NOT_FOUND when
 * user is no member (or there is no such conversation). */
int store_conversation_access(struct store_conn *c, int64_t conversation, int64_t user,
			      struct conversation_member_row *m, int *kind, bool *history_visible);
/* Inserts or replaces the member row. */
int store_conversation_member_put(struct store_conn *w, const struct conversation_member_row *m);
int store_conversation_member_get(struct store_conn *c, int64_t conversation, int64_t user,
				  struct conversation_member_row *out);
/* STORE_OK, or STORE_NOT_FOUND when there was no row. */
int store_conversation_member_delete(struct store_conn *w, int64_t conversation, int64_t user);
/* Per-member settings. STORE_NOT_FOUND when user is no member. */
enum conversation_flag { CONV_FLAG_ROLE, CONV_FLAG_MUTED, CONV_FLAG_ARCHIVED };
int store_conversation_member_flag(struct store_conn *w, int64_t conversation, int64_t user,
				   enum conversation_flag flag, int value);
/* Moves user's read marker up to last_read_id (never back). */
int store_conversation_member_read(struct store_conn *w, int64_t conversation, int64_t user,
				   int64_t last_read_id);
/* Members of conversation, in joining order, at most max: the count, or -1. */
int store_conversation_members(struct store_conn *c, int64_t conversation, int max,
			       struct conversation_member_row *out);
/* How many members conversation has, or -1. */
int store_conversation_member_count(struct store_conn *c, int64_t conversation);
/* Brings conversation back from the archive of its members who did not mute it. */
int store_conversation_unarchive_unmuted(struct store_conn *w, int64_t conversation);

/* A page of user's conversations (archived or not), by activity id:
 * newest first below max_id and above since_id, or — with min_id — the
 * oldest above min_id (still returned newest first). ids and their
 * activity ids out; the count, or -1. */
int store_conversations_page(struct store_conn *c, int64_t user, bool archived, int64_t max_id,
			     int64_t since_id, int64_t min_id, int limit, int64_t *ids,
			     int64_t *activity);

int store_message_insert(struct store_conn *w, const struct message_row *m);
int store_message_get(struct store_conn *c, struct arena *a, int64_t id, struct message_row *out);
/* The message author sent with key since since_ms: STORE_OK with *id. */
int store_message_by_idempotency(struct store_conn *w, int64_t author, const char *key,
				 int64_t since_ms, int64_t *id);
int store_message_edit(struct store_conn *w, const struct message_row *m);
/* Soft delete: the text goes, the row stays (ids keep their order). */
int store_message_delete(struct store_conn *w, int64_t id, int64_t at);
/* Live messages of conversation with floor < id, newest first below max_id
 * and above since_id, or the oldest above min_id (returned newest first).
 * The count, or -1. */
int store_messages_page(struct store_conn *c, int64_t conversation, int64_t floor, int64_t max_id,
			int64_t since_id, int64_t min_id, int limit, int64_t *ids);
/* Live messages of conversation above after_id not written by user
 * (counting at most cap), or -1. */
int64_t store_messages_unread(struct store_conn *c, int64_t conversation, int64_t user,
			      int64_t after_id, int64_t cap);
/* Unread messages over user's conversations that are not muted, each
 * counted from max(read marker, the member's history floor); the
 * conversations holding any in *conversations. -1 on error. */
int64_t store_messages_unread_total(struct store_conn *c, int64_t user, int64_t *conversations);
/* The greatest message or activity id (0 when none), or -1. */
int64_t store_messages_max_id(struct store_conn *c);

/*
 * Search: live messages in user's conversations that user may see (above
 * their history floor when the group hides history) whose text contains
 * q (ASCII case-insensitive), newest first below max_id: the count, or
 * -1. Kept apart so that a full-text index can replace it.
 */
int store_messages_search(struct store_conn *c, int64_t user, const char *q, int64_t max_id,
			  int limit, int64_t *ids);

/* Adds user's reaction emoji to message, or takes it away when it is
 * there; *on says which. */
int store_message_reaction_toggle(struct store_conn *w, int64_t message, int64_t user,
				  const char *emoji, int64_t at, bool *on);
/* How many reactions user put on message, or -1. */
int store_message_reactions_by(struct store_conn *c, int64_t message, int64_t user);
struct message_reaction {
	const char *emoji;
	int count;
	bool me; /* viewer is among them */
};
/* Reactions on message grouped by emoji, in order of first use, at most
 * max: the count, or -1. */
int store_message_reactions(struct store_conn *c, struct arena *a, int64_t message, int64_t viewer,
			    int max, struct message_reaction *out);

/* Attachments: file ids of message in order (at most max): the count, or -1. */
int store_message_attachments(struct store_conn *c, int64_t message, int max, int64_t *out);
int store_message_attachment_add(struct store_conn *w, int64_t message, int position, int64_t file);

#endif
