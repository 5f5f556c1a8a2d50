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
#include "util/fmt.h"
#include "util/num.h"
#include "util/strmap.h"
#include "util/text.h"

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

/* Strings from files reach terminals and shells: nothing may drive either. */
static void test_text_safe(void **state)
{
	char b[64], q[64];

	(void)state;
	assert_string_equal(text_safe("dentry", b, sizeof(b)), "dentry");
	assert_true(text_is_safe("kmalloc-1k"));
	assert_string_equal(text_safe("a\033[2Jb\x7f", b, sizeof(b)), "a\\x1b[2Jb\\x7f");
	assert_false(text_is_safe("a\033b"));
	/* Valid UTF-8 passes; invalid bytes, C1 controls and bidi overrides do not. */
	assert_string_equal(text_safe("caf\xc3\xa9", b, sizeof(b)), "caf\xc3\xa9");
	assert_string_equal(text_safe("x\xff\xc0\xafy", b, sizeof(b)), "x\\xff\\xc0\\xafy");
	assert_string_equal(text_safe("\xc2\x9b"
				      "1m",
				      b, sizeof(b)),
			    "\\x9b1m");
	assert_string_equal(text_safe("ab\xe2\x80\xaeil", b, sizeof(b)), "ab\\u{202e}il");
	assert_string_equal(text_safe_n("a\0b", 3, b, sizeof(b)), "a\\x00b");
	/* Cut at a character boundary, never inside an escape. */
	assert_string_equal(text_safe("abc\033", b, 6), "abc");
	assert_string_equal(text_shell_quote("kmalloc-1k", q, sizeof(q)), "kmalloc-1k");
	assert_string_equal(text_shell_quote("a b", q, sizeof(q)), "'a b'");
	assert_string_equal(text_shell_quote("it's;rm", q, sizeof(q)), "'it'\\''s;rm'");
	assert_string_equal(text_shell_quote("", q, sizeof(q)), "''");
	assert_string_equal(text_shell_quote("$(x)\n", q, sizeof(q)), "'$(x)\\x0a'");
}

/* The unit formatters: binary units, one decimal below 10, signs on deltas. */
static void test_fmt_units(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(fmt_bytes(0, b, sizeof(b)), "0 B");
	assert_string_equal(fmt_bytes(1023, b, sizeof(b)), "1023 B");
	assert_string_equal(fmt_bytes(1536, b, sizeof(b)), "1.5 KiB");
	assert_string_equal(fmt_bytes(812ULL << 10, b, sizeof(b)), "812 KiB");
	assert_string_equal(fmt_bytes(UINT64_MAX, b, sizeof(b)), "16384 PiB");
	assert_string_equal(fmt_sbytes(-96, b, sizeof(b)), "-96 B");
	assert_string_equal(fmt_sbytes(1.5 * 1048576, b, sizeof(b)), "+1.5 MiB");
	assert_string_equal(fmt_duration_ns(850000000ULL, b, sizeof(b)), "850ms");
	assert_string_equal(fmt_duration_ns(125000000000ULL, b, sizeof(b)), "2m05s");
	assert_string_equal(fmt_duration_ns(3720000000000ULL, b, sizeof(b)), "1h02m");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_num_u64),		cmocka_unit_test(test_num_hex_i64),
		cmocka_unit_test(test_durations_sizes), cmocka_unit_test(test_lines_fields),
		cmocka_unit_test(test_strmap),		cmocka_unit_test(test_json_escaping),
		cmocka_unit_test(test_text_safe),	cmocka_unit_test(test_fmt_units),
	};

	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
