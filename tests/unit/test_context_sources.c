// SPDX-License-Identifier: GPL-2.0
/*
 * The sources the verdicts read beside the memory ones (issue 19): task
 * counts (/proc/loadavg, /proc/stat), page counters (/proc/vmstat), the
 * per-CPU page lists (/proc/zoneinfo) and module section addresses. Real
 * captures parse to what an independent reading of them says; hostile
 * input fails with its line.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "parse/loadavg.h"
#include "parse/module_sections.h"
#include "parse/procstat.h"
#include "parse/thp.h"
#include "parse/vmstat.h"
#include "parse/zoneinfo.h"
#include "util/buf.h"

#define FULL "tests/fixtures/6.18/full/"

static struct buf load(const char *path)
{
	struct buf b = { 0 };
	struct kerr e;

	if (buf_read_file(&b, path, BUF_FILE_CAP, &e))
		fail_msg("cannot read fixture %s: %s", path, e.msg);
	return b;
}

static void test_loadavg(void **state)
{
	struct loadavg l;
	struct kerr e = { 0 };
	struct buf b = load(FULL "loadavg");

	(void)state;
	assert_int_equal(loadavg_parse(b.data, b.len, "loadavg", &l, &e), 0);
	assert_true(l.tasks > 50 && l.running >= 1 && l.running <= l.tasks);
	buf_free(&b);
	assert_int_equal(loadavg_parse("0.00 0.01 12.50 2/93 13643\n", 27, "s", &l, &e), 0);
	assert_true(l.avg15 == 12.5 && l.running == 2 && l.tasks == 93 && l.last_pid == 13643);
	assert_int_equal(loadavg_parse("", 0, "s", &l, &e), -ENODATA);
	assert_int_equal(loadavg_parse("1 2 3 4 5\n", 10, "s", &l, &e), -EINVAL);
	assert_int_equal(e.line, 1);
	assert_int_equal(loadavg_parse("1 2 x 1/2 5\n", 12, "s", &l, &e), -EINVAL);
	assert_int_equal(loadavg_parse("1 2 3 1/2\n", 10, "s", &l, &e), -EINVAL);
	assert_int_equal(loadavg_parse("-1 2 3 1/2 3\n", 13, "s", &l, &e), -EINVAL);
}

static void test_procstat(void **state)
{
	static const char full[] =
		"cpu  1 2 3 4\ncpu0 1 2 3 4\nintr 5 0 0 1\n"
		"ctxt 53238707\nbtime 1796041349\nprocesses 579355\n"
		"procs_running 3\nprocs_blocked 1\nsoftirq 1 2 3\n";
	struct procstat p;
	struct kerr e = { 0 };
	struct buf b = load(FULL "stat");

	(void)state;
	assert_int_equal(procstat_parse(b.data, b.len, "stat", &p, &e), 0);
	assert_true(p.has_processes && p.processes > 1000 && p.procs_running >= 1);
	buf_free(&b);
	assert_int_equal(procstat_parse(full, sizeof(full) - 1, "s", &p, &e), 0);
	assert_true(p.processes == 579355 && p.procs_running == 3 && p.procs_blocked == 1 &&
		    p.ctxt == 53238707);
	assert_int_equal(procstat_parse("ctxt 1\n", 7, "s", &p, &e), -ENODATA);
	assert_int_equal(procstat_parse("ctxt 1\nprocesses 1 2\n", 21, "s", &p, &e), -EINVAL);
	assert_int_equal(e.line, 2);
	assert_int_equal(procstat_parse("processes -1\n", 13, "s", &p, &e), -EINVAL);
}

static void test_vmstat(void **state)
{
	struct meminfo v;
	struct kerr e = { 0 };
	struct buf b = load(FULL "vmstat");
	uint64_t x;

	(void)state;
	assert_int_equal(vmstat_parse(b.data, b.len, "vmstat", &v, &e), 0);
	assert_true(v.n > 100);
	assert_true(meminfo_get(&v, "nr_free_pages", &x) && x > 0);
	assert_true(meminfo_get(&v, "nr_zspages", &x) && x == 0);
	meminfo_free(&v);
	buf_free(&b);
	assert_int_equal(vmstat_parse("a 1\nb\n", 6, "s", &v, &e), -EINVAL);
	assert_int_equal(e.line, 2);
	assert_int_equal(vmstat_parse("a x\n", 4, "s", &v, &e), -EINVAL);
	assert_int_equal(vmstat_parse("\n", 1, "s", &v, &e), -ENODATA);
}

/* Sums "count:" lines, and thresholds, the way awk would. */
static void sum_by_hand(const struct buf *b, uint64_t *count, uint64_t *thr)
{
	struct line_iter it;
	const char *line;
	size_t len;

	*count = *thr = 0;
	line_iter_init(&it, b->data, b->len);
	while (line_next(&it, &line, &len)) {
		char tmp[128];
		unsigned long long v;

		snprintf(tmp, sizeof(tmp), "%.*s", (int)len, line);
		if (sscanf(tmp, " count: %llu", &v) == 1)
			*count += v;
		else if (sscanf(tmp, " vm stats threshold: %llu", &v) == 1)
			*thr += v;
	}
}

static void check_zoneinfo(const char *path)
{
	struct zoneinfo z;
	struct kerr e = { 0 };
	struct buf b = load(path);
	uint64_t count, thr;

	assert_int_equal(zoneinfo_parse(b.data, b.len, path, &z, &e), 0);
	sum_by_hand(&b, &count, &thr);
	assert_true(z.pcp_pages == count && z.drift_pages == thr);
	assert_int_equal(z.zones, 5);	 /* DMA, DMA32, Normal, Movable, Device */
	assert_int_equal(z.pagesets, 6); /* the first three, x 2 CPUs */
	assert_true(thr > 0);
	buf_free(&b);
}

static void test_zoneinfo(void **state)
{
	static const char bad[] = "Node 0, zone DMA\n  cpu: 0\n    count: x\n";
	struct zoneinfo z;
	struct kerr e = { 0 };

	(void)state;
	check_zoneinfo(FULL "zoneinfo");
	check_zoneinfo(FULL "zoneinfo-unfiltered");
	assert_int_equal(zoneinfo_parse(bad, sizeof(bad) - 1, "z", &z, &e), -EINVAL);
	assert_int_equal(e.line, 3);
	assert_int_equal(zoneinfo_parse("  count: 1\n", 11, "z", &z, &e), -ENODATA);
}

static void test_module_sections(void **state)
{
	static const char ok[] =
		"kmem_test .text 0xffffffffc050d000\n"
		"kmem_test .init.text 0xffffffffc0514000\n\n"
		"kmem_test .data 0x0000000000000000\n";
	struct module_sections s;
	struct kerr e = { 0 };

	(void)state;
	assert_int_equal(module_sections_parse(ok, sizeof(ok) - 1, "m", &s, &e), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.v[1].name, ".init.text");
	assert_true(s.v[1].addr == 0xffffffffc0514000ULL && s.v[2].addr == 0);
	assert_int_equal(s.v[2].line, 4);
	module_sections_free(&s);
	assert_int_equal(module_sections_parse("m .text\n", 8, "m", &s, &e), -EINVAL);
	assert_int_equal(module_sections_parse("m .t 0x1\nm .d zz\n", 17, "m", &s, &e), -EINVAL);
	assert_int_equal(e.line, 2);
}

static void test_thp(void **state)
{
	struct thp t;
	struct kerr e = { 0 };
	struct buf b = load(FULL "thp");

	(void)state;
	assert_int_equal(thp_parse(b.data, b.len, "thp", &t, &e), 0);
	assert_true(t.partial_folios == 0 && t.partial_bytes == 0);
	buf_free(&b);
	assert_int_equal(thp_parse("2048kB 3\n64kB 2\n", 16, "t", &t, &e), 0);
	assert_true(t.partial_folios == 5 && t.partial_bytes == (3 * 2048 + 2 * 64) * 1024ULL);
	assert_int_equal(thp_parse("2048kB 3\n64 2\n", 14, "t", &t, &e), -EINVAL);
	assert_int_equal(e.line, 2);
	assert_int_equal(thp_parse("2048kB 99999999999999999\n", 25, "t", &t, &e), -ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loadavg),		cmocka_unit_test(test_procstat),
		cmocka_unit_test(test_vmstat),		cmocka_unit_test(test_zoneinfo),
		cmocka_unit_test(test_module_sections), cmocka_unit_test(test_thp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
