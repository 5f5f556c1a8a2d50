// SPDX-License-Identifier: GPL-2.0
/*
 * Parser tests: every stored fixture parses (and agrees with an independent
 * count), and hostile input fails with the right line number, never a crash.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <glob.h>

#include "analyze/vmalloc_group.h"
#include "parse/meminfo.h"
#include "parse/modules.h"
#include "parse/slab_aliases.h"
#include "parse/slabinfo.h"
#include "parse/vmallocinfo.h"
#include "util/buf.h"

static struct buf load(const char *path)
{
	struct buf b = { 0 };
	struct kerr e;

	if (buf_read_file(&b, path, BUF_FILE_CAP, &e))
		fail_msg("cannot read fixture %s: %s", path, e.msg);
	return b;
}

/* Runs fn over every fixture matching pattern; returns how many. */
static int each_fixture(const char *pattern, void (*fn)(const char *))
{
	glob_t g;
	int n = 0;

	if (glob(pattern, 0, NULL, &g))
		return 0;
	for (size_t i = 0; i < g.gl_pathc; i++, n++)
		fn(g.gl_pathv[i]);
	globfree(&g);
	return n;
}

/* Non-empty lines: the parsers skip blank ones. */
static size_t count_lines(const struct buf *b)
{
	size_t n = 0;

	for (size_t i = 0; i < b->len; i++)
		n += b->data[i] != '\n' && (i + 1 == b->len || b->data[i + 1] == '\n');
	return n;
}

static void meminfo_fixture(const char *path)
{
	struct buf b = load(path);
	struct meminfo mi;
	struct kerr e;
	uint64_t v;

	assert_int_equal(meminfo_parse(b.data, b.len, path, &mi, &e), 0);
	assert_int_equal(mi.n, count_lines(&b));
	assert_true(meminfo_get(&mi, "MemTotal", &v) && v > 0 && v % 1024 == 0);
	assert_true(meminfo_get(&mi, "Slab", &v));
	if (meminfo_get(&mi, "HugePages_Total", &v)) {
		for (size_t i = 0; i < mi.n; i++)
			if (!strcmp(mi.v[i].name, "HugePages_Total"))
				assert_false(mi.v[i].is_bytes);
	}
	meminfo_free(&mi);
	buf_free(&b);
}

static void test_meminfo_fixtures(void **st)
{
	(void)st;
	assert_true(each_fixture("tests/fixtures/*/meminfo", meminfo_fixture) +
			    each_fixture("tests/fixtures/*/*/meminfo", meminfo_fixture) >=
		    1);
}

static void slabinfo_fixture(const char *path)
{
	struct buf b = load(path);
	struct slabinfo si;
	struct kerr e;

	assert_int_equal(slabinfo_parse(b.data, b.len, path, &si, &e), 0);
	assert_int_equal(si.n, count_lines(&b) - 2); /* two header lines */
	for (size_t i = 0; i < si.n; i++) {
		assert_true(si.v[i].active_objs <= si.v[i].num_objs);
		assert_true(si.v[i].name[0]);
	}
	slabinfo_free(&si);
	buf_free(&b);
}

static void test_slabinfo_fixtures(void **st)
{
	(void)st;
	assert_true(each_fixture("tests/fixtures/*/slabinfo", slabinfo_fixture) +
			    each_fixture("tests/fixtures/*/*/slabinfo", slabinfo_fixture) >=
		    1);
}

struct vm_count {
	size_t lines, unpurged, with_module, bare;
};

static int count_area(const struct vmalloc_area *a, void *ctx)
{
	struct vm_count *c = ctx;

	c->lines++;
	c->unpurged += !!(a->types & VMA_UNPURGED);
	c->with_module += a->module != NULL;
	c->bare += a->caller_is_addr;
	assert_true(a->size > 0);
	return 0;
}

static void vmalloc_fixture(const char *path)
{
	struct buf b = load(path);
	struct vm_count c = { 0 };
	struct kerr e;
	size_t unpurged = 0;

	assert_int_equal(vmallocinfo_parse(b.data, b.len, path, count_area, &c, &e), 0);
	assert_int_equal(c.lines, count_lines(&b));
	for (const char *p = b.data; (p = strstr(p, "unpurged vm_area")); p++)
		unpurged++;
	assert_int_equal(c.unpurged, unpurged);
	buf_free(&b);
}

static void test_vmallocinfo_fixtures(void **st)
{
	(void)st;
	assert_true(each_fixture("tests/fixtures/*/vmallocinfo", vmalloc_fixture) +
			    each_fixture("tests/fixtures/*/*/vmallocinfo", vmalloc_fixture) >=
		    1);
	assert_int_equal(each_fixture("tests/fixtures/seed/vmallocinfo*", vmalloc_fixture), 1);
}

static void modules_fixture(const char *path)
{
	struct buf b = load(path);
	struct modules m;
	struct kerr e;

	assert_int_equal(modules_parse(b.data, b.len, path, &m, &e), 0);
	assert_int_equal(m.n, count_lines(&b));
	modules_free(&m);
	buf_free(&b);
}

static void test_modules_fixtures(void **st)
{
	(void)st;
	/* The 6.12 and 6.1 VM captures, loaded and after rmmod. */
	assert_true(each_fixture("tests/fixtures/*/modules", modules_fixture) +
			    each_fixture("tests/fixtures/*/*/modules", modules_fixture) >=
		    2);
}

/* The lesson's line: 1 GiB plus guard page, module named, pages counted. */
static void test_vmalloc_seed_line(void **st)
{
	static const char line[] =
		"0xffffc90000fb9000-0xffffc90040fba000 1073745920 kmem_alloc+0x13/0x30 [kmem_test] pages=262144 vmalloc vpages N0=262144\n"
		"0xffffc90040fba000-0xffffc90040fbc000    8192 0xffffffffc0422032 pages=1 vmalloc N0=1\n"
		"0xffffc90040fbc000-0xffffc90040fbe000    8192 unpurged vm_area\n";
	struct vmalloc_groups g;
	struct kerr e;

	(void)st;
	assert_int_equal(vmalloc_group(line, sizeof(line) - 1, "t", 4096, NULL, NULL, &g, &e), 0);
	assert_int_equal(g.ncallers, 2);
	assert_string_equal(g.callers[0].caller, "kmem_alloc");
	assert_string_equal(g.callers[0].module, "kmem_test");
	assert_true(g.callers[0].bytes == 262144ULL * 4096);
	assert_string_equal(g.callers[1].caller, VMALLOC_UNLOADED);
	assert_true(g.callers[1].unloaded);
	assert_int_equal(g.unpurged_areas, 1);
	assert_int_equal(g.nmodules, 2);
	assert_string_equal(g.modules[0].module, "kmem_test");
	vmalloc_groups_free(&g);
}

/* A baseline that knew the module places the bare address in it. */
static void test_vmalloc_baseline(void **st)
{
	static const char vm[] = "0x1-0x2 12288 0xffffffffc0422032 pages=2 vmalloc N0=2\n";
	static const char mods[] = "kmem_test 16384 0 - Live 0xffffffffc0420000 (O)\n";
	static const char syms[] =
		"ffffffffc0422000 t kmem_alloc\t[kmem_test]\n"
		"ffffffffc0422100 t kmem_exit\t[kmem_test]\n";
	struct modules m;
	struct vmalloc_baseline base;
	struct vmalloc_groups g;
	struct kerr e;

	(void)st;
	assert_int_equal(modules_parse(mods, sizeof(mods) - 1, "m", &m, &e), 0);
	base = (struct vmalloc_baseline){ .modules = &m,
					  .kallsyms = syms,
					  .kallsyms_len = sizeof(syms) - 1 };
	assert_int_equal(vmalloc_group(vm, sizeof(vm) - 1, "t", 4096, NULL, &base, &g, &e), 0);
	assert_string_equal(g.callers[0].caller, "kmem_alloc");
	assert_string_equal(g.callers[0].module, "kmem_test");
	assert_true(g.callers[0].unloaded);
	assert_int_equal(g.callers[0].bytes, 8192);
	vmalloc_groups_free(&g);
	modules_free(&m);
}

/*
 * Over 4 MiB the aggregation runs on two threads: the result must equal
 * the one-thread result scaled, and an error keeps its true line number.
 */
static void test_vmalloc_parallel(void **st)
{
	struct buf one = load("tests/fixtures/6.18/vmallocinfo"), big = { 0 };
	struct vmalloc_groups g1, g2;
	struct kerr e;
	size_t copies = (5u << 20) / one.len + 1, lines = count_lines(&one);

	(void)st;
	for (size_t i = 0; i < copies; i++)
		assert_int_equal(buf_append(&big, one.data, one.len), 0);
	assert_int_equal(vmalloc_group(one.data, one.len, "one", 4096, NULL, NULL, &g1, &e), 0);
	assert_int_equal(vmalloc_group(big.data, big.len, "big", 4096, NULL, NULL, &g2, &e), 0);
	assert_int_equal(g2.ncallers, g1.ncallers);
	assert_true(g2.total_bytes == g1.total_bytes * copies);
	assert_true(g2.unpurged_areas == g1.unpurged_areas * copies);
	for (size_t i = 0; i < g1.ncallers; i++) {
		assert_string_equal(g2.callers[i].caller, g1.callers[i].caller);
		assert_true(g2.callers[i].bytes == g1.callers[i].bytes * copies);
	}
	vmalloc_groups_free(&g1);
	vmalloc_groups_free(&g2);
	/* A bad line in the second half: the line number counts the first. */
	buf_printf(&big, "0x1-0x2 bogus f+0x1/0x2\n");
	assert_int_not_equal(vmalloc_group(big.data, big.len, "big", 4096, NULL, NULL, &g2, &e), 0);
	assert_int_equal(e.line, (long)(copies * lines + 1));
	buf_free(&big);
	buf_free(&one);
}

static void test_slab_aliases(void **st)
{
	static const char al[] =
		"sigqueue :A-0000080 0\ninotify_inode_mark :A-0000080 0\n"
		":A-0000080 :A-0000080 0\ndentry dentry 1\n";
	static const char si_text[] =
		"slabinfo - version: 2.1\n# name ...\n"
		"sigqueue 10 20 80 51 1 : tunables 0 0 0 : slabdata 1 1 0\n"
		"dentry 12 21 192 21 1 : tunables 0 0 0 : slabdata 1 1 0\n";
	struct slab_aliases a;
	struct slabinfo si;
	const char *names[4], *cache;
	struct kerr e;

	(void)st;
	assert_int_equal(slab_aliases_parse(al, sizeof(al) - 1, "a", &a, &e), 0);
	assert_int_equal(slabinfo_parse(si_text, sizeof(si_text) - 1, "s", &si, &e), 0);
	assert_int_equal(slab_aliases_of(&a, "sigqueue", names, 4), 1);
	assert_string_equal(names[0], "inotify_inode_mark");
	assert_int_equal(slab_alias_resolve(&a, &si, "inotify_inode_mark", &cache), 0);
	assert_string_equal(cache, "sigqueue");
	assert_int_equal(slab_alias_reclaimable(&a, "dentry"), 1);
	assert_int_equal(slab_alias_resolve(&a, &si, "nope", &cache), -ENOENT);
	slab_aliases_free(&a);
	slabinfo_free(&si);
}

/* Hostile input: each case names the expected failing line (0: whole file). */
struct hostile {
	const char *name, *text;
	long line;
};

static int nop_area(const struct vmalloc_area *a, void *c)
{
	(void)a;
	(void)c;
	return 0;
}

static int run_parser(int which, const char *t, size_t n, struct kerr *e)
{
	struct meminfo mi;
	struct slabinfo si;
	struct modules m;
	int r;

	switch (which) {
	case 0:
		r = meminfo_parse(t, n, "meminfo", &mi, e);
		if (!r)
			meminfo_free(&mi);
		return r;
	case 1:
		r = slabinfo_parse(t, n, "slabinfo", &si, e);
		if (!r)
			slabinfo_free(&si);
		return r;
	case 2:
		return vmallocinfo_parse(t, n, "vmallocinfo", nop_area, NULL, e);
	default:
		r = modules_parse(t, n, "modules", &m, e);
		if (!r)
			modules_free(&m);
		return r;
	}
}

static void check_hostile(int which, const struct hostile *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct kerr e = { 0 };
		int r = run_parser(which, h[i].text, strlen(h[i].text), &e);

		if (!r)
			fail_msg("parser %d accepted hostile case '%s'", which, h[i].name);
		if (e.line != h[i].line)
			fail_msg("parser %d case '%s': error at line %ld, want %ld (%s)", which,
				 h[i].name, e.line, h[i].line, e.msg);
		assert_true(e.msg[0] && e.src[0]);
	}
}

static void test_hostile_meminfo(void **st)
{
	static const struct hostile h[] = {
		{ "empty", "", 0 },
		{ "no colon", "MemTotal 12 kB\n", 1 },
		{ "truncated", "MemTotal: 1 kB\nMemFr", 2 },
		{ "negative", "MemTotal: 1 kB\nMemFree: -5 kB\n", 2 },
		{ "overflow", "MemTotal: 99999999999999999999 kB\n", 1 },
		{ "kB overflow", "MemTotal: 18014398509481984 kB\n", 1 },
		{ "bad unit", "MemTotal: 12 MB\n", 1 },
		{ "binary", "MemTotal: 1 kB\n\x01\x02\xff: \x7f\n", 2 },
	};

	(void)st;
	check_hostile(0, h, sizeof(h) / sizeof(h[0]));
}

static void test_hostile_slabinfo(void **st)
{
	static const struct hostile h[] = {
		{ "empty", "", 0 },
		{ "wrong header", "slabinfo - version: 2.0\n", 1 },
		{ "not slabinfo", "MemTotal: 1 kB\n", 1 },
		{ "short line", "slabinfo - version: 2.1\n# h\ndentry 1 2 3\n", 3 },
		{ "truncated",
		  "slabinfo - version: 2.1\n# h\ndentry 1 2 3 4 1 : tunables 0 0 0 : slabdata 1",
		  3 },
		{ "negative",
		  "slabinfo - version: 2.1\n# h\nx 1 -2 3 4 1 : tunables 0 0 0 : slabdata 1 1 0\n",
		  3 },
		{ "overflow",
		  "slabinfo - version: 2.1\n# h\nx 1 2 3 4 1 : tunables 0 0 0 : slabdata 1 99999999999999999999 0\n",
		  3 },
		{ "no markers",
		  "slabinfo - version: 2.1\n# h\nx 1 2 3 4 1 x tunables 0 0 0 : slabdata 1 1 0\n",
		  3 },
	};

	(void)st;
	check_hostile(1, h, sizeof(h) / sizeof(h[0]));
}

static void test_hostile_vmallocinfo(void **st)
{
	static const struct hostile h[] = {
		{ "one field", "0x1-0x2\n", 1 },
		{ "no range", "0x1-0x2 4096 a+0x1/0x2\nxyz 4096 a+0x1/0x2\n", 2 },
		{ "bad size", "0x1-0x2 -4096 f+0x1/0x2 pages=1 vmalloc\n", 1 },
		{ "overflow", "0x1-0x2 99999999999999999999 f+0x1/0x2\n", 1 },
		{ "bad pages", "0x1-0x2 4096 f+0x1/0x2 pages=x vmalloc\n", 1 },
		{ "truncated", "0x1-0x2 4096 f+0x1/0x2 pages=1\n0x3-0x", 2 },
		{ "binary", "0x1-0x2 4096 f\n\xff\xfe\x01 \x02\n", 2 },
	};

	(void)st;
	check_hostile(2, h, sizeof(h) / sizeof(h[0]));
}

/* A module being unloaded: the kernel prints its refcount below 0. */
static void test_modules_unloading(void **st)
{
	static const char in[] = "kleak_kmalloc_leak 16384 -1 - Unloading 0xffffffffc0a00000 (O)\n";
	struct modules m;
	struct kerr e = { 0 };

	(void)st;
	assert_int_equal(modules_parse(in, sizeof(in) - 1, "modules", &m, &e), 0);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.v[0].state, "Unloading");
	modules_free(&m);
}

static void test_hostile_modules(void **st)
{
	static const struct hostile h[] = {
		{ "short", "kmem_test 16384 0\n", 1 },
		{ "bad size", "a 1 0 - Live 0x0\nb x 0 - Live 0x0\n", 2 },
		{ "bad refcount", "a 1 x3 - Live 0x0\n", 1 },
		{ "bad address", "a 1 0 - Live zz\n", 1 },
		{ "bad taint", "a 1 0 - Live 0x0 OE\n", 1 },
	};

	(void)st;
	check_hostile(3, h, sizeof(h) / sizeof(h[0]));
}

/* A 10 MB line is refused with its line number, without a 10 MB field copy. */
static void test_huge_line(void **st)
{
	size_t n = 10u << 20;
	char *big = malloc(n + 64);

	(void)st;
	assert_non_null(big);
	for (int which = 0; which < 4; which++) {
		struct kerr e = { 0 };
		size_t off = 0;

		if (which == 1)
			off = (size_t)sprintf(big, "slabinfo - version: 2.1\n");
		memset(big + off, 'a', n);
		big[off + n] = '\n';
		assert_true(run_parser(which, big, off + n + 1, &e) < 0);
		assert_int_equal(e.line, which == 1 ? 2 : 1);
	}
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_meminfo_fixtures),
		cmocka_unit_test(test_slabinfo_fixtures),
		cmocka_unit_test(test_vmallocinfo_fixtures),
		cmocka_unit_test(test_modules_fixtures),
		cmocka_unit_test(test_vmalloc_seed_line),
		cmocka_unit_test(test_vmalloc_baseline),
		cmocka_unit_test(test_vmalloc_parallel),
		cmocka_unit_test(test_slab_aliases),
		cmocka_unit_test(test_hostile_meminfo),
		cmocka_unit_test(test_hostile_slabinfo),
		cmocka_unit_test(test_hostile_vmallocinfo),
		cmocka_unit_test(test_hostile_modules),
		cmocka_unit_test(test_modules_unloading),
		cmocka_unit_test(test_huge_line),
	};

	return cmocka_run_group_tests_name("parsers", tests, NULL, NULL);
}
