// SPDX-License-Identifier: GPL-2.0
/* Unit tests for src/util and the JSON writer. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "output/json.h"
#include "util/buf.h"
#include "util/num.h"
#include "util/strmap.h"

static void test_num_u64(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(num_u64("123", 3, &v), 0);
	assert_int_equal(v, 123);
	assert_int_equal(num_u64("18446744073709551615", 20, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(num_u64("18446744073709551616", 20, &v), -ERANGE);
	assert_int_equal(num_u64("-1", 2, &v), -EINVAL);
	assert_int_equal(num_u64("12a", 3, &v), -EINVAL);
	assert_int_equal(num_u64("", 0, &v), -EINVAL);
}

static void test_num_hex_i64(void **state)
{
	uint64_t v;
	int64_t s;

	(void)state;
	assert_int_equal(num_hex_u64("0xffffffffc0422032", 18, &v), 0);
	assert_true(v == 0xffffffffc0422032ULL);
	assert_int_equal(num_hex_u64("0x", 2, &v), -EINVAL);
	assert_int_equal(num_hex_u64("0x1ffffffffffffffff", 19, &v), -ERANGE);
	assert_int_equal(num_i64("-42", 3, &s), 0);
	assert_int_equal(s, -42);
	assert_int_equal(num_i64("-9223372036854775809", 20, &s), -ERANGE);
}

static void test_durations_sizes(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(num_parse_duration_ns("7", &v), 0);
	assert_true(v == 7000000000ULL);
	assert_int_equal(num_parse_duration_ns("0.5", &v), 0);
	assert_true(v == 500000000ULL);
	assert_int_equal(num_parse_duration_ns("250ms", &v), 0);
	assert_true(v == 250000000ULL);
	assert_int_equal(num_parse_duration_ns("2m", &v), 0);
	assert_true(v == 120000000000ULL);
	assert_int_equal(num_parse_duration_ns("1h", &v), 0);
	assert_int_equal(num_parse_duration_ns("0", &v), -EINVAL);
	assert_int_equal(num_parse_duration_ns("-1", &v), -EINVAL);
	assert_int_equal(num_parse_duration_ns("5x", &v), -EINVAL);
	assert_int_equal(num_parse_duration_ns("", &v), -EINVAL);
	assert_int_equal(num_parse_size("64K", &v), 0);
	assert_int_equal(v, 65536);
	assert_int_equal(num_parse_size("1GiB", &v), 0);
	assert_true(v == 1073741824ULL);
	assert_int_equal(num_parse_size("100", &v), 0);
	assert_int_equal(v, 100);
	assert_int_equal(num_parse_size("1Q", &v), -EINVAL);
}

static void test_lines_fields(void **state)
{
	const char *data = "a b\n\n  c\td  \nlast";
	struct line_iter it;
	struct field f[4];
	const char *l;
	size_t n;

	(void)state;
	line_iter_init(&it, data, strlen(data));
	assert_true(line_next(&it, &l, &n));
	assert_int_equal(fields_split(l, n, f, 4), 2);
	assert_true(line_next(&it, &l, &n));
	assert_int_equal(n, 0);
	assert_true(line_next(&it, &l, &n));
	assert_int_equal(fields_split(l, n, f, 4), 2);
	assert_true(field_eq(&f[1], "d"));
	assert_true(line_next(&it, &l, &n));
	assert_int_equal(it.lineno, 4);
	assert_int_equal(n, 4);
	assert_false(line_next(&it, &l, &n));
}

static void test_strmap(void **state)
{
	struct strmap m = { 0 };
	char key[32];

	(void)state;
	for (size_t i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "k%zu", i);
		assert_int_equal(strmap_intern(&m, key, strlen(key), i), i);
	}
	assert_int_equal(strmap_intern(&m, "k7", 2, 99), 7);
	assert_int_equal(strmap_get(&m, "k999", 4), 999);
	assert_true(strmap_get(&m, "nope", 4) == STRMAP_NONE);
	strmap_free(&m);
}

static void test_json_escaping(void **state)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	struct json j;

	(void)state;
	json_init(&j, f, false);
	json_obj_begin(&j);
	json_kv_str(&j, "s", "a\"b\\c\n\x01\xff");
	json_key(&j, "arr");
	json_arr_begin(&j);
	json_u64(&j, 1);
	json_null(&j);
	json_arr_end(&j);
	json_kv_double(&j, "d", 1.0 / 0.0);
	json_obj_end(&j);
	json_end_doc(&j);
	fclose(f);
	assert_string_equal(out,
			    "{\"s\":\"a\\\"b\\\\c\\n\\u0001\\ufffd\",\"arr\":[1,null],\"d\":null}\n");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_num_u64),
		cmocka_unit_test(test_num_hex_i64),
		cmocka_unit_test(test_durations_sizes),
		cmocka_unit_test(test_lines_fields),
		cmocka_unit_test(test_strmap),
		cmocka_unit_test(test_json_escaping),
	};

	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
