/*
 * Unit tests for src/messages and its store: the history rule, emoji
 * validation, and the SQLite queries the rule relies on — message pages
 * above a member's history floor, unread counts (per conversation and in
 * total, muted left out), search (members only, floors, LIKE characters
 * taken literally), conversation pages by activity, reaction toggling and
 * the one-to-one pair key. Runs on a store in a temporary directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/arena.h"
#include "messages/messages.h"
#include "store/store.h"

static void test_history_rule(void **state)
{
	(void)state;
	/* a founder (joined 0) sees everything that is not deleted */
	assert_true(messages_history_admits(false, 0, 5, false));
	assert_false(messages_history_admits(false, 0, 5, true));
	/* a member who joined at 10 sees only what came after, unless history shows */
	assert_false(messages_history_admits(false, 10, 9, false));
	assert_false(messages_history_admits(false, 10, 10, false));
	assert_true(messages_history_admits(false, 10, 11, false));
	assert_true(messages_history_admits(true, 10, 9, false));
	assert_false(messages_history_admits(true, 10, 9, true));
}

static void test_emoji(void **state)
{
	(void)state;
	const char *good[] = {"👍", "❤️", "🎉", "1️⃣", "👩‍👩‍👧", "🇫🇷", "✅"};
	const char *bad[] = {"", "a", "ok", "👍a", " 👍", "👍 ", "<b>", "\xc2\x85", "\xff",
			     "👍👍👍👍👍👍👍👍👍", ":+1:", "1", "\t"};
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		assert_true(messages_emoji_valid(good[i], strlen(good[i])));
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_false(messages_emoji_valid(bad[i], strlen(bad[i])));
}

struct fixture {
	char dir[64];
	struct store *s;
	struct store_conn *w;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/moka-unit-msg-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->s = store_open(f->dir);
	assert_non_null(f->s);
	f->w = store_writer_lock(f->s);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	store_writer_unlock(f->s);
	store_close(f->s);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static int64_t conversation(struct store_conn *w, int kind, bool history, const char *pair,
			    int64_t activity)
{
	struct conversation_row c = {.kind = kind,
				     .title = "",
				     .pair_key = pair,
				     .history_visible = history,
				     .created_by = 1,
				     .created_at = 1,
				     .activity_id = activity};
	assert_int_equal(store_conversation_insert(w, &c), STORE_OK);
	return c.id;
}

static void member(struct store_conn *w, int64_t conv, int64_t user, int64_t joined)
{
	struct conversation_member_row m = {
	    .conversation_id = conv, .user_id = user, .joined_id = joined, .joined_at = 1};
	assert_int_equal(store_conversation_member_put(w, &m), STORE_OK);
}

static void message(struct store_conn *w, int64_t id, int64_t conv, int64_t author,
		    const char *text)
{
	struct message_row m = {.id = id,
				.conversation_id = conv,
				.author_id = author,
				.text = text,
				.html = text,
				.created_at = id};
	assert_int_equal(store_message_insert(w, &m), STORE_OK);
}

static void test_store_rules(void **state)
{
	struct fixture *f = *state;
	struct store_conn *w = f->w;
	/* users 1 (founder), 2 (founder), 3 (joined at 150) in a group hiding history */
	int64_t g = conversation(w, CONVERSATION_GROUP, false, NULL, 100);
	member(w, g, 1, 0);
	member(w, g, 2, 0);
	member(w, g, 3, 150);
	message(w, 100, g, 1, "alpha 100% sure");
	message(w, 200, g, 1, "bravo_x");
	message(w, 300, g, 2, "charlie");
	int64_t other = conversation(w, CONVERSATION_DIRECT, false, "1:4", 50);
	member(w, other, 1, 0);
	member(w, other, 4, 0);
	message(w, 400, other, 4, "alpha for one and four");

	int64_t ids[10];
	/* pages above the floor, newest first; min_id pages come back newest first */
	assert_int_equal(store_messages_page(w, g, 150, 0, 0, 0, 10, ids), 2);
	assert_true(ids[0] == 300 && ids[1] == 200);
	assert_int_equal(store_messages_page(w, g, 0, 300, 0, 0, 10, ids), 2);
	assert_true(ids[0] == 200 && ids[1] == 100);
	assert_int_equal(store_messages_page(w, g, 0, 0, 0, 100, 1, ids), 1);
	assert_int_equal(ids[0], 200);
	assert_int_equal(store_messages_page(w, g, 0, 0, 200, 0, 10, ids), 1);

	/* unread: others' live messages above max(read marker, floor) */
	int64_t convs = 0;
	assert_int_equal(store_messages_unread(w, g, 2, 0, 100), 2);
	assert_int_equal(store_messages_unread_total(w, 3, &convs), 2); /* 200, 300 */
	assert_int_equal(convs, 1);
	assert_int_equal(store_messages_unread_total(w, 1, &convs), 2); /* 300 in g, 400 */
	assert_int_equal(convs, 2);
	assert_int_equal(store_conversation_member_read(w, g, 3, 200), STORE_OK);
	assert_int_equal(store_conversation_member_read(w, g, 3, 100), STORE_OK); /* never back */
	assert_int_equal(store_messages_unread_total(w, 3, NULL), 1);
	assert_int_equal(store_conversation_member_flag(w, other, 1, CONV_FLAG_MUTED, 1), STORE_OK);
	assert_int_equal(store_messages_unread_total(w, 1, &convs), 1);
	assert_int_equal(store_message_delete(w, 300, 1), STORE_OK);
	assert_int_equal(store_messages_unread_total(w, 1, NULL), 0);
	assert_int_equal(store_message_delete(w, 300, 1), STORE_NOT_FOUND);

	/* search: members only, above their floor, LIKE characters literal */
	assert_int_equal(store_messages_search(w, 1, "ALPHA", 0, 10, ids), 2);
	assert_true(ids[0] == 400 && ids[1] == 100);
	assert_int_equal(store_messages_search(w, 3, "alpha", 0, 10, ids), 0);
	assert_int_equal(store_messages_search(w, 2, "alpha", 0, 10, ids), 1);
	assert_int_equal(store_messages_search(w, 5, "alpha", 0, 10, ids), 0);
	assert_int_equal(store_messages_search(w, 1, "100%", 0, 10, ids), 1);
	assert_int_equal(store_messages_search(w, 1, "0% s", 0, 10, ids), 1);
	assert_int_equal(store_messages_search(w, 1, "a_x", 0, 10, ids), 0);
	assert_int_equal(store_messages_search(w, 1, "o_x", 0, 10, ids), 1);
	assert_int_equal(store_messages_search(w, 1, "%", 0, 10, ids), 1);
	assert_int_equal(store_messages_search(w, 1, "charlie", 0, 10, ids), 0); /* deleted */

	/* the rule's one query: member row with the conversation's settings */
	struct conversation_member_row m;
	int kind;
	bool history;
	assert_int_equal(store_conversation_access(w, g, 3, &m, &kind, &history), STORE_OK);
	assert_true(kind == CONVERSATION_GROUP && !history && m.joined_id == 150 &&
		    m.last_read_id == 200);
	assert_int_equal(store_conversation_access(w, g, 4, &m, &kind, &history), STORE_NOT_FOUND);
	assert_int_equal(store_conversation_member_delete(w, g, 3), STORE_OK);
	assert_int_equal(store_conversation_access(w, g, 3, &m, &kind, &history), STORE_NOT_FOUND);
	assert_int_equal(store_messages_search(w, 3, "bravo", 0, 10, ids), 0);
	assert_int_equal(store_conversation_member_flag(w, g, 3, CONV_FLAG_MUTED, 1),
			 STORE_NOT_FOUND);

	/* one pair, one conversation */
	struct conversation_row dup = {.kind = CONVERSATION_DIRECT, .pair_key = "1:4", .title = ""};
	assert_int_equal(store_conversation_insert(w, &dup), STORE_CONFLICT);
	int64_t found = 0;
	assert_int_equal(store_conversation_by_pair(w, "1:4", &found), STORE_OK);
	assert_int_equal(found, other);

	/* conversation pages by activity, archived apart */
	int64_t act[10];
	assert_int_equal(store_conversations_page(w, 1, false, 0, 0, 0, 10, ids, act), 2);
	assert_true(ids[0] == g && ids[1] == other);
	assert_int_equal(store_conversation_touch(w, other, 500), STORE_OK);
	assert_int_equal(store_conversations_page(w, 1, false, 0, 0, 0, 1, ids, act), 1);
	assert_true(ids[0] == other && act[0] == 500);
	assert_int_equal(store_conversations_page(w, 1, false, 500, 0, 0, 10, ids, act), 1);
	assert_int_equal(ids[0], g);
	assert_int_equal(store_conversation_member_flag(w, g, 1, CONV_FLAG_ARCHIVED, 1), STORE_OK);
	assert_int_equal(store_conversations_page(w, 1, false, 0, 0, 0, 10, ids, act), 1);
	assert_int_equal(store_conversations_page(w, 1, true, 0, 0, 0, 10, ids, act), 1);
	assert_int_equal(ids[0], g);
	assert_int_equal(store_conversation_unarchive_unmuted(w, g), STORE_OK);
	assert_int_equal(store_conversations_page(w, 1, true, 0, 0, 0, 10, ids, act), 0);

	/* reactions toggle, grouped in order of first use */
	bool on;
	assert_int_equal(store_message_reaction_toggle(w, 100, 1, "👍", 1, &on), STORE_OK);
	assert_true(on);
	assert_int_equal(store_message_reaction_toggle(w, 100, 2, "🎉", 2, &on), STORE_OK);
	assert_int_equal(store_message_reaction_toggle(w, 100, 2, "👍", 3, &on), STORE_OK);
	struct arena *a = arena_new();
	struct message_reaction r[4];
	assert_int_equal(store_message_reactions(w, a, 100, 1, 4, r), 2);
	assert_string_equal(r[0].emoji, "👍");
	assert_true(r[0].count == 2 && r[0].me && r[1].count == 1 && !r[1].me);
	assert_int_equal(store_message_reaction_toggle(w, 100, 1, "👍", 4, &on), STORE_OK);
	assert_false(on);
	assert_int_equal(store_message_reactions(w, a, 100, 1, 4, r), 2);
	assert_true(r[0].count == 1 && !r[0].me);
	assert_int_equal(store_message_reactions_by(w, 100, 2), 2);
	arena_free(a);
	assert_int_equal(store_messages_max_id(w), 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_history_rule),
	    cmocka_unit_test(test_emoji),
	    cmocka_unit_test_setup_teardown(test_store_rules, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
