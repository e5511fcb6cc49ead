/*
 * Unit tests for src/files: the role rule on a loaded row (owner, trash,
 * named shares, company, media on a visible post), file names, the types
 * shown inline, Range parsing, and blob paths. No store, no server.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "files/files_int.h"
#include "store/store.h"

static struct file_row row(int audience)
{
	struct file_row f = {.id = 7, .owner_id = 1, .audience = audience};
	return f;
}

static void test_roles(void **state)
{
	(void)state;
	struct file_row f = row(FILE_PRIVATE);
	assert_int_equal(files_role_of_locked(NULL, &f, 0, 0, false), FILE_NONE);
	assert_int_equal(files_role_of_locked(NULL, &f, 1, 0, false), FILE_OWNER);
	assert_int_equal(files_role_of_locked(NULL, &f, 2, 0, false), FILE_NONE);
	assert_int_equal(files_role_of_locked(NULL, &f, 2, FILE_READER, false), FILE_READER);
	assert_int_equal(files_role_of_locked(NULL, &f, 2, FILE_EDITOR, false), FILE_EDITOR);
	/* a named role never exceeds editor, whatever is stored */
	assert_int_equal(files_role_of_locked(NULL, &f, 2, FILE_OWNER, false), FILE_EDITOR);
	/* media on a post the viewer may see: read only */
	assert_int_equal(files_role_of_locked(NULL, &f, 2, 0, true), FILE_READER);
	/* anonymous: nothing, even for company files */
	f = row(FILE_COMPANY);
	assert_int_equal(files_role_of_locked(NULL, &f, 0, 0, false), FILE_NONE);
	assert_int_equal(files_role_of_locked(NULL, &f, 3, 0, false), FILE_READER);
	assert_int_equal(files_role_of_locked(NULL, &f, 3, FILE_EDITOR, false), FILE_EDITOR);
	/* the trash: the owner only */
	f.trashed_at = 1000;
	assert_int_equal(files_role_of_locked(NULL, &f, 1, 0, false), FILE_OWNER);
	assert_int_equal(files_role_of_locked(NULL, &f, 3, FILE_EDITOR, true), FILE_NONE);
	/* a community file without a community admits nobody else */
	f = row(FILE_COMMUNITY);
	assert_int_equal(files_role_of_locked(NULL, &f, 3, 0, false), FILE_NONE);
}

static void test_names(void **state)
{
	(void)state;
	assert_true(files_name_ok("report.pdf"));
	assert_true(files_name_ok("Übersicht 2026 (final).docx"));
	assert_true(files_name_ok("..hidden"));
	assert_false(files_name_ok(""));
	assert_false(files_name_ok("."));
	assert_false(files_name_ok(".."));
	assert_false(files_name_ok("a/b"));
	assert_false(files_name_ok("a\\b"));
	assert_false(files_name_ok("tab\there"));
	assert_false(files_name_ok("bad \xff utf8"));
	char long_name[300];
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_false(files_name_ok(long_name));
	long_name[FILES_NAME_MAX] = '\0';
	assert_true(files_name_ok(long_name));
}

static void test_inline(void **state)
{
	(void)state;
	assert_true(files_inline_type("image/png"));
	assert_true(files_inline_type("image/jpeg"));
	assert_true(files_inline_type("image/gif"));
	assert_true(files_inline_type("image/webp"));
	assert_true(files_inline_type("application/pdf"));
	assert_false(files_inline_type("image/svg+xml"));
	assert_false(files_inline_type("text/html; charset=utf-8"));
	assert_false(files_inline_type("image/pngx"));
	assert_false(files_inline_type("application/octet-stream"));
}

static void test_range(void **state)
{
	(void)state;
	int64_t a = -1, b = -1;
	assert_int_equal(files_parse_range("bytes=0-0", 10, &a, &b), 1);
	assert_true(a == 0 && b == 0);
	assert_int_equal(files_parse_range("bytes=2-4", 10, &a, &b), 1);
	assert_true(a == 2 && b == 4);
	assert_int_equal(files_parse_range("bytes=5-", 10, &a, &b), 1);
	assert_true(a == 5 && b == 9);
	assert_int_equal(files_parse_range("bytes=5-100", 10, &a, &b), 1);
	assert_true(a == 5 && b == 9);
	assert_int_equal(files_parse_range("bytes=-3", 10, &a, &b), 1);
	assert_true(a == 7 && b == 9);
	assert_int_equal(files_parse_range("bytes=-30", 10, &a, &b), 1);
	assert_true(a == 0 && b == 9);
	/* unsatisfiable */
	assert_int_equal(files_parse_range("bytes=10-", 10, &a, &b), -1);
	assert_int_equal(files_parse_range("bytes=-0", 10, &a, &b), -1);
	assert_int_equal(files_parse_range("bytes=0-", 0, &a, &b), -1);
	/* not understood: the whole file */
	assert_int_equal(files_parse_range(NULL, 10, &a, &b), 0);
	assert_int_equal(files_parse_range("bytes=4-2", 10, &a, &b), 0);
	assert_int_equal(files_parse_range("bytes=0-1,3-4", 10, &a, &b), 0);
	assert_int_equal(files_parse_range("items=0-1", 10, &a, &b), 0);
	assert_int_equal(files_parse_range("bytes=a-b", 10, &a, &b), 0);
	assert_int_equal(files_parse_range("bytes=1-2x", 10, &a, &b), 0);
	assert_int_equal(files_parse_range("bytes=99999999999999999999-", 10, &a, &b), 0);
}

static void test_blob_path(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	const char *hex = "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447";
	assert_string_equal(files_blob_path(a, "/d/files", hex),
			    "/d/files/sha256/a9/48/"
			    "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447");
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roles),     cmocka_unit_test(test_names),
	    cmocka_unit_test(test_inline),    cmocka_unit_test(test_range),
	    cmocka_unit_test(test_blob_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
