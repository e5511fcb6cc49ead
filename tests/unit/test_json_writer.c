/* Unit tests for json_writer: structure, commas, escaping, UTF-8 repair. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "json/json_writer.h"

static void nested_structure(void **state)
{
	struct buf b;
	buf_init(&b, 0);
	struct jw w;
	jw_init(&w, &b);
	jw_obj_begin(&w);
	jw_kid(&w, "id", 42);
	jw_kstr(&w, "s", "a\"b\\c\n");
	jw_key(&w, "arr");
	jw_arr_begin(&w);
	jw_int(&w, 1);
	jw_bool(&w, true);
	jw_null(&w);
	jw_obj_begin(&w);
	jw_obj_end(&w);
	jw_arr_end(&w);
	jw_kstr(&w, "n", NULL);
	jw_obj_end(&w);
	assert_string_equal(b.ptr, "{\"id\":\"42\",\"s\":\"a\\\"b\\\\c\\n\",\"arr\":[1,true,null,{}],\"n\":null}");
	buf_free(&b);
}

static void control_and_utf8(void **state)
{
	struct buf b;
	buf_init(&b, 0);
	json_escape(&b, "\x01\xc3\xa9\xff<", 5);
	assert_string_equal(b.ptr, "\"\\u0001\xc3\xa9\xef\xbf\xbd<\"");
	buf_reset(&b);
	/* overlong encoding and lone surrogate are replaced */
	json_escape(&b, "\xc0\xaf\xed\xa0\x80", 5);
	assert_int_equal(strstr(b.ptr, "\xc0") == NULL, 1);
	assert_int_equal(strstr(b.ptr, "\xed\xa0") == NULL, 1);
	buf_free(&b);
}

static void time_format(void **state)
{
	struct buf b;
	buf_init(&b, 0);
	struct jw w;
	jw_init(&w, &b);
	jw_time(&w, 1700000000123);
	assert_string_equal(b.ptr, "\"2023-11-14T22:13:20.123Z\"");
	buf_free(&b);
}

static void integers(void **state)
{
	struct buf b;
	buf_init(&b, 0);
	struct jw w;
	jw_init(&w, &b);
	jw_arr_begin(&w);
	jw_int(&w, 0);
	jw_int(&w, -7);
	jw_int(&w, INT64_MAX);
	jw_int(&w, INT64_MIN);
	jw_id(&w, 117515258460504064);
	jw_id(&w, 0);
	jw_arr_end(&w);
	assert_string_equal(b.ptr, "[0,-7,9223372036854775807,-9223372036854775808,"
				   "\"117515258460504064\",null]");
	buf_free(&b);
}

static void buffer_cap(void **state)
{
	struct buf b;
	buf_init(&b, 8);
	assert_int_equal(buf_puts(&b, "12345678"), 0);
	assert_int_equal(buf_putc(&b, '9'), -1);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.ptr, "12345678");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nested_structure),
		cmocka_unit_test(control_and_utf8),
		cmocka_unit_test(time_format),
		cmocka_unit_test(integers),
		cmocka_unit_test(buffer_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
