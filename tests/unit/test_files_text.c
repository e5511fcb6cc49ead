/*
 * Unit tests for the pure parts of search over files and messages: which
 * content types have text (files_text_type), making extracted text valid
 * UTF-8 within a cap (files_text_clean), and the search type names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "files/files.h"
#include "search/search.h"

static void test_types(void **state)
{
	(void)state;
	assert_true(files_text_type("text/plain"));
	assert_true(files_text_type("text/plain; charset=utf-8"));
	assert_true(files_text_type("text/markdown"));
	assert_true(files_text_type("text/csv"));
	assert_true(files_text_type("application/pdf"));
	assert_false(files_text_type("text/html"));
	assert_false(files_text_type("image/png"));
	assert_false(files_text_type("application/octet-stream"));
	assert_false(files_text_type(NULL));
}

/* Cleans s (n bytes) into a buffer of cap and returns it NUL-terminated. */
static const char *clean(const char *s, size_t n, size_t cap)
{
	static char out[256];
	size_t k = files_text_clean(s, n, out, cap);
	assert_true(k <= cap);
	out[k] = '\0';
	return out;
}

static void test_clean(void **state)
{
	(void)state;
	/* UTF-8 kept; controls but newline and tab become spaces */
	assert_string_equal(clean("Réseau\tok\n", 11, 100), "Réseau\tok\n");
	assert_string_equal(clean("a\0b\x01\x7f"
				  "c\f",
				  7, 100),
			    "a b  c ");
	/* not UTF-8: read as Latin-1 (C1 controls become spaces) */
	assert_string_equal(clean("caf\xe9 \x85", 6, 100), "café  ");
	/* a character cut at the end of the input is left out, not Latin-1 */
	assert_string_equal(clean("caf\xc3\xa9 caf\xc3", 9, 100), "café caf");
	/* the cap never cuts a character in two */
	assert_string_equal(clean("ééé", 6, 5), "éé");
	assert_string_equal(clean("caf\xe9", 4, 4), "caf");
	assert_string_equal(clean("", 0, 10), "");
}

static void test_search_types(void **state)
{
	(void)state;
	unsigned t = 0;
	assert_int_equal(search_type_parse("files", &t), 0);
	assert_int_equal(t, SEARCH_FILES);
	assert_int_equal(search_type_parse("messages", &t), 0);
	assert_int_equal(t, SEARCH_MESSAGES);
	assert_int_equal(search_type_parse("all", &t), 0);
	assert_true(t & SEARCH_FILES);
	assert_true(t & SEARCH_MESSAGES);
	assert_int_equal(search_type_parse("file", &t), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_types),
	    cmocka_unit_test(test_clean),
	    cmocka_unit_test(test_search_types),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
