// SPDX-License-Identifier: GPL-2.0
/* Unit tests for kleak count's pure parts: outstanding and the verdict,
 * the NDJSON object's keys. (kmalloc-N names and close names: test_target.c.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "output/count_render.h"
#include "trace/count_report.h"
#include "util/compiler.h"

static struct count_counters counters(uint64_t alloc, uint64_t free, uint64_t repaired)
{
	struct count_counters c = { 0 };

	c.stat[CS_ALLOC] = alloc;
	c.stat[CS_FREE] = free;
	c.stat[CS_REPAIRED] = repaired;
	return c;
}

static void test_verdict(void **state)
{
	const struct count_verdict_opts *o = &count_verdict_defaults;
	struct count_counters c;
	char why[256];

	(void)state;
	/* The lesson's numbers: alloc 33118 free 20531. */
	c = counters(33118, 20531, 0);
	assert_int_equal(count_outstanding(&c), 12587);
	assert_int_equal(count_judge(&c, o, why, sizeof(why)), COUNT_OUTRUN);
	assert_non_null(strstr(why, "12587 of 33118"));
	c = counters(2041, 1882, 0); /* 159 held, 7.8%: below the share */
	assert_int_equal(count_judge(&c, o, why, sizeof(why)), COUNT_BALANCED);
	c = counters(3000, 2996, 4); /* repaired: a missed free, not held */
	assert_int_equal(count_outstanding(&c), 0);
	assert_int_equal(count_judge(&c, o, why, sizeof(why)), COUNT_BALANCED);
	c = counters(50, 0, 0); /* everything held, but only 50 objects */
	assert_int_equal(count_judge(&c, o, why, sizeof(why)), COUNT_BALANCED);
	c = counters(0, 0, 0);
	assert_int_equal(count_judge(&c, o, why, sizeof(why)), COUNT_NO_ALLOCATIONS);
	c = counters(5, 9, 0); /* never below zero */
	assert_int_equal(count_outstanding(&c), 0);
	assert_string_equal(count_verdict_name(COUNT_OUTRUN), "allocs_outrun_frees");
}

/* Interval and final objects carry the same keys, cache or functions. */
static void test_json_keys(void **state)
{
	static const char *const keys[] = {
		"\"final\":",
		"\"cache\":",
		"\"aliases\":",
		"\"alloc_func\":",
		"\"free_func\":",
		"\"mechanism\":",
		"\"pid\":",
		"\"cgroup\":",
		"\"alloc\":",
		"\"free\":",
		"\"outstanding\":",
		"\"alloc_rate_per_sec\":",
		"\"free_rate_per_sec\":",
		"\"free_untracked\":",
		"\"repaired\":",
		"\"dropped\":",
		"\"map_busy\":",
		"\"recursion_misses\":",
		"\"verdict\":",
		"\"verdict_reason\":",
		"\"incomplete\":",
	};
	static struct target t = {
		.has_cache = true,
		.pid = 42,
		.tgid = 42,
		.cache = { .cache = "sigqueue", .naliases = 1, .aliases = { "inotify_inode_mark" } }
	};
	struct count_funcs funcs = { .alloc = "__d_alloc",
				     .free = "dentry_free",
				     .obj_type = "struct dentry" };
	struct count_report r = {
		.target = &t, .mechanism = "raw_tp", .note = "", .max_objects = 1
	};
	char *buf = NULL;
	size_t len = 0;

	(void)state;
	for (int pass = 0; pass < 4; pass++) {
		FILE *f = open_memstream(&buf, &len);

		r.funcs = pass & 1 ? &funcs : NULL;
		r.final = pass & 2;
		r.cur.t_ns = 2000000000ULL;
		r.cur.c = counters(33118, 20531, 0);
		r.prev.t_ns = r.final ? 0 : 1000000000ULL;
		r.prev.c = r.final ? counters(0, 0, 0) : counters(2041, 1882, 0);
		count_report_update(&r);
		count_render_json(f, &r);
		fclose(f);
		for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
			if (!strstr(buf, keys[i]))
				fail_msg("pass %d: no %s in %s", pass, keys[i], buf);
		assert_non_null(strstr(buf, "\"outstanding\":12587"));
		assert_non_null(strstr(buf, r.final ? "\"alloc_rate_per_sec\":16559"
						    : "\"alloc_rate_per_sec\":31077"));
		assert_true(buf[len - 1] == '\n');
		free(buf);
		buf = NULL;
	}
}

/*
 * Objects the map refused are in no count but dropped/map_busy; the
 * verdict then says it judged only the objects tracked.
 */
static void test_incomplete(void **state)
{
	const struct count_verdict_opts *o = &count_verdict_defaults;
	struct count_counters c = counters(1024, 1024, 0);
	char why[400];

	(void)state;
	c.stat[CS_DROPPED] = 3976; /* 5000 files, --max-objects 1024 */
	assert_true(count_incomplete(&c));
	assert_int_equal(count_judge(&c, o, why, sizeof(why)), COUNT_BALANCED);
	assert_non_null(strstr(why, "incomplete: 3976 allocations were not tracked"));
	c = counters(1024, 1024, 0);
	assert_false(count_incomplete(&c));
	assert_int_equal(count_judge(&c, o, why, sizeof(why)), COUNT_BALANCED);
	assert_null(strstr(why, "incomplete"));
	c.stat[CS_BUSY] = 2;
	assert_true(count_incomplete(&c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_incomplete),
		cmocka_unit_test(test_verdict),
		cmocka_unit_test(test_json_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
