/*
 * messages: private conversations ("social mail") — one-to-one and group
 * conversations, their members, messages with reactions, read markers,
 * mute and archive — and the one rule of who may see them.
 *
 * The rule (messages_access, the only place it is written): viewer v may
 * see conversation C when v is a member of C right now; v may see message
 * M of C when, moreover, M is not deleted and either C shows new members
 * its history or M is newer than v's joining. Leaving or being removed
 * deletes the member row, so from the commit on every path — the API,
 * search, unread counts and the live stream (the hub asks at delivery
 * time) — refuses the conversation. Unknown and invisible are alike: 404.
 *
 * One-to-one conversations are one per pair of people, reused, and keep
 * exactly those two members. Groups hold up to MESSAGES_MEMBERS_MAX
 * people. Its creator is a group's first admin. Any member may add
 * people (a group is a shared room, as a mail thread one can copy people
 * into); only admins remove others, rename the group or change whether
 * new members see the history; anyone may leave. When the last admin
 * leaves, the longest-standing remaining member becomes admin.
 *
 * Messages are text rendered at write time by text/ (mentions and links,
 * the same markup as posts); mentions link to profiles but notify nobody.
 * Files (files/) may be attached by id when their sender may read them;
 * an attachment never widens a file's audience: a member who may not read
 * the file sees only its id, marked restricted (files_may_read decides,
 * at every render).
 * Reactions are emoji, one of each per person, toggled. Authors edit and
 * delete their own messages; a deleted message disappears from every list.
 */
#ifndef MOKA_MESSAGES_H
#define MOKA_MESSAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;
struct arena;
struct jw;
struct event;

/* Stored: never renumber. */
enum conversation_kind {
	CONVERSATION_DIRECT = 0,
	CONVERSATION_GROUP = 1,
};

enum conversation_role {
	CONVERSATION_MEMBER = 0,
	CONVERSATION_ADMIN = 1,
};

/* People in a group, its creator included. */
#define MESSAGES_MEMBERS_MAX 100
/* A message's text, in code points. */
#define MESSAGES_TEXT_MAX 5000
/* A group's title, in bytes. */
#define MESSAGES_TITLE_MAX 200
/* Reactions one person may put on one message. */
#define MESSAGES_REACTIONS_PER_PERSON 20
/* An emoji reaction, in bytes. */
#define MESSAGES_EMOJI_MAX 32
/* Files attached to one message. */
#define MESSAGES_FILES_MAX 10
/* The longest Idempotency-Key, in bytes. */
#define MESSAGES_KEY_MAX 64

/* Outcome of an operation; the API maps it to a status code. */
enum messages_rc {
	MESSAGES_OK = 0,
	MESSAGES_NOT_FOUND, /* unknown, or not the viewer's to see (404) */
	MESSAGES_FORBIDDEN, /* seen, but not the viewer's to do (403) */
	MESSAGES_INVALID,   /* bad input (422); *why says which */
	MESSAGES_ERROR,	    /* the store failed (500) */
};

/* --- The rule ------------------------------------------------------------- */

/* What the rule knows about viewer in a conversation. */
struct messages_access {
	bool member;
	int kind, role;
	int64_t joined_id; /* the time-ordered id taken when viewer joined */
	int64_t floor;	   /* viewer sees the messages above this id */
	int64_t last_read_id;
	bool muted, archived, history_visible;
};

/* Fills *acc for viewer in conversation, reading the store's committed
 * state; acc->member false when viewer may not see it (or it is unknown). */
void messages_access(struct app *app, int64_t viewer, int64_t conversation,
		     struct messages_access *acc);
/* May viewer see message id? Sets *conversation to its conversation. */
bool messages_message_visible(struct app *app, int64_t viewer, int64_t id, int64_t *conversation);
/* Pure part of the rule (unit-tested): may a member who joined at
 * joined_id see a message of id (deleted or not) in a conversation that
 * does or does not show history? */
bool messages_history_admits(bool history_visible, int64_t joined_id, int64_t id, bool deleted);
/* Is s (n bytes) an acceptable reaction: 1..MESSAGES_EMOJI_MAX bytes of
 * UTF-8 holding at least one non-ASCII character, no ASCII letter, space
 * or control character. */
bool messages_emoji_valid(const char *s, size_t n);

/* --- Operations (each one transaction) ------------------------------------ */

struct conversation_input {
	const int64_t *accounts; /* the others (the creator is added) */
	size_t n_accounts;
	bool group;	      /* a group even with one other person */
	const char *title;    /* groups; NULL: none */
	bool history_visible; /* groups: new members see earlier messages */
};

/* Starts a conversation, or for one other person and !group returns the
 * existing one-to-one conversation (*created false). */
enum messages_rc messages_conversation_create(struct app *app, struct arena *a, int64_t viewer,
					      const struct conversation_input *in, int64_t *id,
					      bool *created, const char **why);
/* An admin renames a group (title not NULL) and/or sets history
 * visibility (has_history). */
enum messages_rc messages_conversation_update(struct app *app, struct arena *a, int64_t viewer,
					      int64_t id, const char *title, bool has_history,
					      bool history_visible, const char **why);
/* Adds people to a group (any member may); those already in are skipped. */
enum messages_rc messages_members_add(struct app *app, struct arena *a, int64_t viewer, int64_t id,
				      const int64_t *users, size_t n, const char **why);
/* An admin removes user from a group. */
enum messages_rc messages_member_remove(struct app *app, int64_t viewer, int64_t id, int64_t user,
					const char **why);
/* viewer leaves a group. */
enum messages_rc messages_leave(struct app *app, int64_t viewer, int64_t id, const char **why);
/* viewer's own settings. */
enum messages_rc messages_set_muted(struct app *app, int64_t viewer, int64_t id, bool muted);
enum messages_rc messages_set_archived(struct app *app, int64_t viewer, int64_t id, bool archived);
/* Moves viewer's read marker up to last_read_id (0: the newest message). */
enum messages_rc messages_mark_read(struct app *app, int64_t viewer, int64_t id,
				    int64_t last_read_id);

struct message_input {
	const char *text;
	size_t text_len;
	const char *idempotency_key; /* NULL: none */
	const int64_t *files;	     /* attachments (file ids) */
	size_t n_files;
};

/* Sends a message (text, files, or both); with a key already used within
 * the hour, *msg is the message that request sent and nothing new is
 * written. */
enum messages_rc messages_send(struct app *app, struct arena *a, int64_t viewer,
			       int64_t conversation, const struct message_input *in, int64_t *msg,
			       const char **why);
/* The author edits the text of their message. */
enum messages_rc messages_edit(struct app *app, struct arena *a, int64_t viewer, int64_t msg,
			       const char *text, size_t len, const char **why);
/* The author deletes their message. */
enum messages_rc messages_delete(struct app *app, int64_t viewer, int64_t msg);
/* Toggles viewer's reaction emoji on msg; *on says whether it is now there. */
enum messages_rc messages_react(struct app *app, int64_t viewer, int64_t msg, const char *emoji,
				bool *on, const char **why);

/* --- Reading and rendering ---------------------------------------------- */

/* Writes conversation id as viewer sees it: id, kind, title, members
 * (full: every member with role; else the others' Accounts, at most 8,
 * and members_count), unread_count, last_message, settings. -1, writing
 * nothing, when viewer may not see it. */
int messages_render_conversation(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
				 int64_t id, bool full);
/* Writes message id as viewer sees it; -1, writing nothing, when not visible. */
int messages_render_message(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			    int64_t id);

/* A page of viewer's conversations by activity (archived or not): ids and
 * cursors out, newest first; the count, or -1. */
int messages_conversations_page(struct app *app, int64_t viewer, bool archived, int64_t max_id,
				int64_t since_id, int64_t min_id, int limit, int64_t *ids,
				int64_t *cursors);
/* A page of conversation's messages viewer may see, newest first; -1 when
 * viewer may not see the conversation. */
int messages_page(struct app *app, int64_t viewer, int64_t conversation, int64_t max_id,
		  int64_t since_id, int64_t min_id, int limit, int64_t *ids);
/* Messages viewer may see whose text contains q, newest first below max_id. */
int messages_search(struct app *app, int64_t viewer, const char *q, int64_t max_id, int limit,
		    int64_t *ids);
/* viewer's unread messages in conversations not muted (and how many
 * conversations hold them), or -1. */
int64_t messages_unread_total(struct app *app, int64_t viewer, int64_t *conversations);

/* --- Live events (called by the hub thread) ------------------------------ */

/* The people an event may go to right now: the conversation's current
 * members (and, for a removal, the person removed while they are not a
 * member again). Returns the count; *out is malloc'd (caller frees). */
size_t messages_event_audience(struct app *app, const struct event *ev, int64_t **out);
/* Renders ev for viewer as an SSE event name and JSON (through the rule:
 * -1 when viewer may not have it). */
int messages_event_render(struct app *app, struct arena *a, const struct event *ev, int64_t viewer,
			  const char **name, struct jw *w);

#endif
