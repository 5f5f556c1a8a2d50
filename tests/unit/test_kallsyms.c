// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the kallsyms parser and the ksym address lookup. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analyze/ksym.h"
#include "parse/module_sections.h"
#include "parse/modules.h"
#include "parse/kallsyms.h"
#include "util/buf.h"

#define FIX "tests/fixtures/kmemleak/"

static int parse_str(const char *s, struct kallsyms *ks, struct kerr *e)
{
	return kallsyms_parse(s, strlen(s), "kallsyms", ks, e);
}

static void test_parse_basic(void **state)
{
	const char *txt =
		"ffffffff81000000 T _text\n"
		"ffffffff81000000 T startup_64\n"
		"\n"
		"ffffffffc0a01000 t kmem_alloc\t[kmem_test]\n"
		"ffffffffc0a01030 t kmem_free\t[kmem_test]\n";
	struct kallsyms ks;
	struct kerr e = { 0 };

	(void)state;
	assert_int_equal(parse_str(txt, &ks, &e), 0);
	assert_int_equal(ks.n, 4);
	assert_false(ks.zero_addrs);
	assert_string_equal(kallsyms_name(&ks, &ks.v[2]), "kmem_alloc");
	assert_string_equal(kallsyms_module(&ks, &ks.v[2]), "kmem_test");
	assert_null(kallsyms_module(&ks, &ks.v[0]));
	assert_int_equal(ks.v[3].line, 5);
	assert_int_equal(ks.v[2].type, 't');
	assert_int_equal(ks.nmods, 1);
	kallsyms_free(&ks);
	kallsyms_free(&ks); /* NULL-safe, idempotent */
}

static void test_parse_errors(void **state)
{
	static const struct {
		const char *txt;
		int code;
		long line;
	} cases[] = {
		{ "", -ENODATA, 0 },
		{ "\n\n", -ENODATA, 0 },
		{ "ffffffff81000000 T a\nzz T b\n", -EINVAL, 2 },
		{ "ffffffff81000000 T\n", -EINVAL, 1 },
		{ "ffffffff81000000 TT a\n", -EINVAL, 1 },
		{ "1ffffffff81000000 T a\n", -EINVAL, 1 }, /* 17 digits */
		{ "ffffffff81000000 T a b c\n", -EINVAL, 1 },
		{ "ffffffff81000000 T a\n0 t b\tkmem\n", -EINVAL, 2 },
		{ "ffffffff81000000 T a\n0 t b\t[]\n", -EINVAL, 2 },
		{ "ffffffff81000000 T a\x01\n", -EINVAL, 1 },
		{ "ffffffff81000000 T a\n\x7f\x45LF\x02\x01\n", -EINVAL, 2 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kallsyms ks;
		struct kerr e = { 0 };

		assert_int_equal(parse_str(cases[i].txt, &ks, &e), cases[i].code);
		assert_int_equal(e.line, cases[i].line);
		assert_string_equal(e.src, "kallsyms");
		assert_null(ks.v);
	}
}

static void test_parse_long_line(void **state)
{
	size_t n = 10u << 20;
	char *big = malloc(n + 64);
	struct kallsyms ks;
	struct kerr e = { 0 };

	(void)state;
	assert_non_null(big);
	strcpy(big, "ffffffff81000000 T a\nffffffff81000010 T ");
	memset(big + strlen(big), 'x', n);
	big[n + 40] = '\0';
	assert_int_equal(kallsyms_parse(big, strlen(big), "k", &ks, &e), -E2BIG);
	assert_int_equal(e.line, 2);
	/* a long but legal-length line with an over-long name */
	big[30 + 2000] = '\0';
	assert_int_equal(kallsyms_parse(big, strlen(big), "k", &ks, &e), -EINVAL);
	assert_int_equal(e.line, 2);
	free(big);
}

static void test_zero_addrs(void **state)
{
	struct kallsyms ks;
	struct ksym_table t;
	struct kerr e = { 0 };

	(void)state;
	assert_int_equal(parse_str("0000000000000000 T _text\n"
				   "0000000000000000 t kmem_alloc\t[kmem_test]\n",
				   &ks, &e),
			 0);
	assert_true(ks.zero_addrs);
	assert_int_equal(ksym_table_init(&t, &ks, &e), -EPERM);
	assert_non_null(strstr(e.msg, "root"));
	assert_null(ks.v); /* taken over and freed */
}

static void load_fixture(struct ksym_table *t)
{
	struct buf b = { 0 };
	struct kallsyms ks;
	struct kerr e = { 0 };

	assert_int_equal(buf_read_file(&b, FIX "kallsyms-kmem_test", BUF_FILE_CAP, &e), 0);
	assert_int_equal(kallsyms_parse(b.data, b.len, FIX "kallsyms-kmem_test", &ks, &e), 0);
	buf_free(&b);
	assert_int_equal(ksym_table_init(t, &ks, &e), 0);
}

static void expect(const struct ksym_table *t, uint64_t addr, const char *want)
{
	struct ksym_loc loc;
	char buf[256];

	if (!want) {
		assert_false(ksym_lookup(t, addr, &loc));
		return;
	}
	assert_true(ksym_lookup(t, addr, &loc));
	assert_string_equal(ksym_format(&loc, buf, sizeof(buf)), want);
}

static void test_lookup_fixture(void **state)
{
	struct ksym_table t;

	(void)state;
	load_fixture(&t);
	/* the seed's two raw module frames */
	expect(&t, 0xffffffffa0937013ULL, "kmem_alloc+0x13/0x30 [kmem_test]");
	expect(&t, 0xffffffffa093c01aULL, "kmem_init+0x1a [kmem_test]");
	/* the seed's symbolized frames agree with their /len */
	expect(&t, 0xffffffff8122332fULL, "__vmalloc_node_range+0x22f/0x2a0");
	expect(&t, 0xffffffff8100224aULL, "do_one_initcall+0x4a/0x200");
	/* duplicates at one address: the first global text symbol wins */
	expect(&t, 0xffffffff81000005ULL, "_text+0x5/0x2200");
	expect(&t, 0xffffffff80000000ULL, NULL); /* below every symbol */
	/* module ranges bound the last symbol of a module */
	assert_int_equal(ksym_table_add_module(&t, "kmem_test", 0xffffffffa0937000ULL, 16384), 0);
	assert_int_equal(ksym_table_add_module(&t, "nopriv", 0, 16384), 0);
	assert_int_equal(t.nmods, 1);
	expect(&t, 0xffffffffa0939050ULL, "__this_module+0x10/0x1fc0 [kmem_test]");
	/* init section outside the core range: still the nearest symbol */
	expect(&t, 0xffffffffa093c01aULL, "kmem_init+0x1a [kmem_test]");
	expect(&t, 0xffffffffa0a00000ULL, NULL); /* far past everything */
	assert_non_null(ksym_module_at(&t, 0xffffffffa0937000ULL));
	assert_null(ksym_module_at(&t, 0xffffffffa093b000ULL));
	ksym_table_free(&t);
	ksym_table_free(&t);
}

static void test_lookup_module_only(void **state)
{
	struct kallsyms ks;
	struct ksym_table t;
	struct kerr e = { 0 };
	struct ksym_loc loc;

	(void)state;
	assert_int_equal(parse_str("ffffffff81000000 T _text\n"
				   "ffffffff81000100 T _etext\n"
				   "ffffffffc0100000 t __pfx_f\t[m]\n"
				   "ffffffffc0100010 t f\t[m]\n"
				   "ffffffffc0100010 t __cfi_f\t[m]\n",
				   &ks, &e),
			 0);
	assert_int_equal(ksym_table_init(&t, &ks, &e), 0);
	expect(&t, 0xffffffffc0100012ULL, "f+0x2 [m]");
	expect(&t, 0xffffffffc0100004ULL, "__pfx_f+0x4/0x10 [m]");
	/* a module with no symbol at the address: the module, no name */
	assert_int_equal(ksym_table_add_module(&t, "stripped", 0xffffffffc0200000ULL, 0x1000), 0);
	assert_true(ksym_lookup(&t, 0xffffffffc0200040ULL, &loc));
	assert_null(loc.name);
	assert_string_equal(loc.module, "stripped");
	ksym_table_free(&t);
}

static void load_dir(struct ksym_table *t, const char *dir)
{
	char path[128];
	struct buf b = { 0 };
	struct kallsyms ks;
	struct modules m;
	struct kerr e = { 0 };

	snprintf(path, sizeof(path), "%s/kallsyms", dir);
	assert_int_equal(buf_read_file(&b, path, BUF_FILE_CAP, &e), 0);
	assert_int_equal(kallsyms_parse(b.data, b.len, path, &ks, &e), 0);
	assert_int_equal(ksym_table_init(t, &ks, &e), 0);
	buf_reset(&b);
	snprintf(path, sizeof(path), "%s/modules", dir);
	assert_int_equal(buf_read_file(&b, path, BUF_FILE_CAP, &e), 0);
	assert_int_equal(modules_parse(b.data, b.len, path, &m, &e), 0);
	assert_int_equal(ksym_table_add_modules(t, &m), 0);
	modules_free(&m);
	buf_free(&b);
}

/*
 * 6.12: text, data and rodata of a module are separate allocations, and
 * /proc/modules gives the text's address with the total size. The range
 * of kmemleak_test (0xffffffffc051f000, 16384 bytes) covers its text page,
 * the guard page after it and its data, not its rodata: an address past
 * its text is none of its functions (it was kmemleak_test_exit+0xc10/0x1be0).
 */
static void test_lookup_split_module(void **state)
{
	struct ksym_table t;
	struct ksym_loc loc;

	(void)state;
	load_dir(&t, "tests/fixtures/6.12");
	expect(&t, 0xffffffffc0520040ULL, NULL);
	expect(&t, 0xffffffffc051f440ULL, "kmemleak_test_exit+0x10 [kmemleak_test]");
	expect(&t, 0xffffffffc050d020ULL, "kmem_alloc+0x10/0x40 [kmem_test]");
	expect(&t, 0xffffffffc05212c8ULL, "__this_module+0x8 [kmemleak_test]");
	/* rodata, outside the range: still the module's */
	assert_true(ksym_lookup(&t, 0xffffffffc0524180ULL, &loc));
	assert_string_equal(loc.module, "kmemleak_test");
	ksym_table_free(&t);
}

/* Section addresses: the init region stays known after the kernel freed it. */
static void test_lookup_sections(void **state)
{
	static const char sec[] =
		"kmemleak_test .text 0xffffffffc051f000\n"
		"kmemleak_test .init.text 0xffffffffc0530000\n"
		"kmemleak_test .data 0xffffffffc0521000\n"
		"kmemleak_test .rodata 0xffffffffc0524000\n"
		"kmemleak_test .bss 0x0000000000000000\n";
	struct module_sections s;
	struct ksym_table t;
	struct ksym_loc loc;
	struct kerr e = { 0 };

	(void)state;
	load_dir(&t, "tests/fixtures/6.12");
	assert_int_equal(module_sections_parse(sec, sizeof(sec) - 1, "s", &s, &e), 0);
	assert_int_equal(ksym_table_add_sections(&t, &s), 0);
	module_sections_free(&s);
	assert_true(ksym_lookup(&t, 0xffffffffc0531234ULL, &loc)); /* a freed init function */
	assert_null(loc.name);
	assert_string_equal(loc.module, "kmemleak_test");
	assert_true(loc.init);
	assert_false(ksym_lookup(&t, 0xffffffffc0520040ULL, &loc));
	assert_true(ksym_lookup(&t, 0xffffffffc051f440ULL, &loc));
	assert_false(loc.init);
	ksym_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_basic),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_long_line),
		cmocka_unit_test(test_zero_addrs),
		cmocka_unit_test(test_lookup_fixture),
		cmocka_unit_test(test_lookup_module_only),
		cmocka_unit_test(test_lookup_split_module),
		cmocka_unit_test(test_lookup_sections),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
