// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the kmemleak parser and the grouping by backtrace. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analyze/kmemleak_group.h"
#include "analyze/ksym.h"
#include "output/kmemleak_render.h"
#include "parse/kallsyms.h"
#include "parse/kmemleak.h"
#include "parse/modules.h"
#include "util/buf.h"

#define SEED "tests/fixtures/seed/kmemleak-sample.txt"
#define FIX "tests/fixtures/kmemleak/"

/* 6.12 as the crc commit prints it, frames without "[<...>] " */
static const char k612[] =
	"unreferenced object 0xffff888004a1c000 (size 1024):\n"
	"  comm \"insmod\", pid 95, jiffies 4294893211\n"
	"  hex dump (first 32 bytes):\n"
	"    6b 6d 6c 00 00 00 00 00 00 00 00 00 00 00 00 00  kml.............\n"
	"    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  ................\n"
	"  backtrace (crc 5b1e2b1d):\n"
	"    __kmalloc_cache_noprof+0x2e8/0x390\n"
	"    kml_leak+0x1c/0x40 [kml_kmalloc]\n"
	"    do_one_initcall+0x58/0x300\n"
	"unreferenced object 0xffff888004a1d000 (size 1024):\n"
	"  comm \"insmod\", pid 95, jiffies 4294893212\n"
	"  hex dump (first 32 bytes):\n"
	"    6b 6d 6c 01 00 00 00 00 00 00 00 00 00 00 00 00  kml.............\n"
	"  backtrace (crc 11111111):\n"
	"    __kmalloc_cache_noprof+0x2e8/0x390\n"
	"    kml_leak+0x1c/0x40 [kml_kmalloc]\n"
	"    do_one_initcall+0x58/0x300\n"
	"unreferenced object (percpu) 0x3ca00000c2a0 (size 8):\n"
	"  comm \"a \\\", pid 1\", pid 7, jiffies 4294893300\n"
	"  hex dump (first 8 bytes on cpu 1):\n"
	"    00 00 00 00 00 00 00 00                          ........\n"
	"  backtrace (crc 0):\n"
	"    [<ffffffff81234567>] pcpu_alloc_noprof+0x3b0/0x9e0\n"
	"    [<ffffffff81234568>] leak_pcpu+0x10/0x20 [kml_pcpu 0123456789abcdef]\n"
	"unreferenced object 0xffffc90000123000 (size 65536):\n"
	"  comm \"swapper/0\", pid 1, jiffies 4294667296\n"
	"  backtrace (crc 1):\n"
	"    vmalloc_noprof+0x40/0x50\n"
	"    0xffffffffc0422032\n";

/* Debian 6.1: the old form without "(age ...)" */
static const char k61[] =
	"unreferenced object 0xffff88800aa0b000 (size 64):\n"
	"  comm \"modprobe\", pid 300, jiffies 4294950000\n"
	"  hex dump (first 32 bytes):\n"
	"    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  ................\n"
	"  backtrace:\n"
	"    [<00000000c0ffee00>] kmalloc_trace+0x26/0x90\n"
	"    [<00000000c0ffee01>] leak_it+0x15/0x30 [kml_kmalloc]\n";

static int parse(const char *s, size_t len, struct kmemleak_report *r, struct kerr *e)
{
	return kmemleak_parse(s, len, "kmemleak", r, e);
}

static void test_seed(void **state)
{
	struct buf b = { 0 };
	struct kerr e = { 0 };
	struct kmemleak_report r;
	const struct kmemleak_object *o;

	(void)state;
	assert_int_equal(buf_read_file(&b, SEED, BUF_FILE_CAP, &e), 0);
	assert_int_equal(kmemleak_parse(b.data, b.len, SEED, &r, &e), 0);
	assert_int_equal(r.n, 1);
	assert_false(r.crc_format);
	o = &r.v[0];
	assert_true(o->addr == 0xffffc9008a003000ULL);
	assert_true(o->size == 1073741824ULL);
	assert_string_equal(o->comm, "insmod");
	assert_int_equal(o->pid, 11247);
	assert_true(o->jiffies == 4344145825ULL);
	assert_true(o->has_age);
	assert_true(o->age_s > 3719.6 && o->age_s < 3719.61);
	assert_int_equal(o->hex_bytes, 32);
	assert_non_null(strstr(kmemleak_str(&r, o->hex), "\nf0 13 c9 73"));
	assert_int_equal(o->nframes, 11);
	assert_int_equal(o->line, 1);
	assert_string_equal(kmemleak_str(&r, kmemleak_obj_frame(&r, o, 0)->func),
			    "__vmalloc_node_range");
	assert_true(kmemleak_obj_frame(&r, o, 0)->offset == 0x22f);
	assert_true(kmemleak_obj_frame(&r, o, 0)->size == 0x2a0);
	assert_int_equal(kmemleak_obj_frame(&r, o, 2)->func, KMEMLEAK_NONE);
	assert_true(kmemleak_obj_frame(&r, o, 2)->addr == 0xffffffffa0937013ULL);
	assert_true(kmemleak_obj_frame(&r, o, 3)->addr == 0xffffffffa093c01aULL);
	kmemleak_report_free(&r);
	kmemleak_report_free(&r);
	buf_free(&b);
}

static void test_612(void **state)
{
	struct kerr e = { 0 };
	struct kmemleak_report r;
	const struct kmemleak_frame *f;

	(void)state;
	assert_int_equal(parse(k612, sizeof(k612) - 1, &r, &e), 0);
	assert_int_equal(r.n, 4);
	assert_true(r.crc_format);
	assert_false(r.v[0].has_age);
	assert_int_equal(r.v[0].crc, 0x5b1e2b1d);
	/* frames are interned: both objects share the same three */
	assert_int_equal(r.nframes, 3 + 2 + 2);
	f = kmemleak_obj_frame(&r, &r.v[1], 1);
	assert_string_equal(kmemleak_str(&r, f->func), "kml_leak");
	assert_string_equal(kmemleak_str(&r, f->module), "kml_kmalloc");
	assert_string_equal(r.v[2].kind, "percpu");
	assert_int_equal(r.v[2].cpu, 1);
	assert_string_equal(r.v[2].comm, "a \\\", pid 1");
	assert_int_equal(r.v[2].pid, 7);
	f = kmemleak_obj_frame(&r, &r.v[2], 1);
	assert_string_equal(kmemleak_str(&r, f->module), "kml_pcpu"); /* build id dropped */
	assert_int_equal(r.v[3].hex, KMEMLEAK_NONE);		      /* no hex dump */
	assert_int_equal(r.v[3].line, 25);
	kmemleak_report_free(&r);

	assert_int_equal(parse(k61, sizeof(k61) - 1, &r, &e), 0);
	assert_int_equal(r.n, 1);
	assert_false(r.v[0].has_age);
	assert_false(r.v[0].has_crc);
	kmemleak_report_free(&r);
}

/* dmesg with kmemleak's verbose reports among other messages */
static void test_log(void **state)
{
	static const char log[] =
		"[    0.000000] Linux version 6.12.117\n"
		"[    2.500000] kmemleak: Kernel memory leak detector initialized\n"
		"[  100.100000] kmemleak: unreferenced object 0xffff888004a1c000 (size 1024):\n"
		"[  100.100000] kmemleak:   comm \"insmod\", pid 95, jiffies 4294893211\n"
		"[  100.100001] random: crng init done\n"
		"[  100.100000] kmemleak:   hex dump (first 32 bytes):\n"
		"[  100.100000] kmemleak:     6b 6d 6c 00 00 00 00 00 00 00 00 00 00 00 00 00  kml.............\n"
		"[  100.100000] kmemleak:   backtrace (crc 5b1e2b1d):\n"
		"[  100.100000] kmemleak:     __kmalloc_cache_noprof+0x2e8/0x390\n"
		"[  100.100000] kmemleak:     kml_leak+0x1c/0x40 [kml_kmalloc]\n"
		"[  100.200000] kmemleak: 1 new suspected memory leaks (see /sys/kernel/debug/kmemleak)\n"
		"Nov 25 06:00:00 vm kernel: kmemleak: unreferenced object 0xffff888004a1d000 (size 1024):\n"
		"Nov 25 06:00:00 vm kernel: kmemleak:   comm \"insmod\", pid 95, jiffies 4294893212\n"
		"Nov 25 06:00:00 vm kernel: kmemleak:   backtrace (crc 11111111):\n"
		"Nov 25 06:00:00 vm kernel: kmemleak:     __kmalloc_cache_noprof+0x2e8/0x390\n"
		"Nov 25 06:00:00 vm kernel: kmemleak:     kml_leak+0x1c/0x40 [kml_kmalloc]\n"
		"[  100.300000] kmemleak:     f+0xzz/0x1\n";
	struct kmemleak_report r;
	struct kerr e = { 0 };

	(void)state;
	/* the last line is a broken frame: the error has the log's line number */
	assert_int_equal(parse(log, sizeof(log) - 1, &r, &e), -EINVAL);
	assert_int_equal(e.line, 17);
	assert_int_equal(parse(log, strrchr(log, '[') - log, &r, &e), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.v[0].line, 3);
	assert_int_equal(r.v[0].nframes, 2);
	assert_int_equal(r.v[1].line, 12);
	assert_string_equal(kmemleak_str(&r, kmemleak_obj_frame(&r, &r.v[1], 1)->module),
			    "kml_kmalloc");
	kmemleak_report_free(&r);
}

static void test_hostile(void **state)
{
	static const struct {
		const char *txt;
		int code;
		long line;
	} cases[] = {
		/* One case a line, long inputs overflow: */
		/* clang-format off */
		/* truncated mid-entry: the error names the entry's line */
		{ "unreferenced object 0x1 (size 8):\n", -EINVAL, 1 },
		{ "unreferenced object 0x1 (size 8):\n  comm \"x\", pid 1, jiffies 2\n", -EINVAL, 1 },
		{ "unreferenced object 0x1 (size 8):\n  comm \"x\", pid 1, jiffies 2\n"
		  "  hex dump (first 8 bytes):\n"
		  "unreferenced object 0x2 (size 8):\n", -EINVAL, 1 },
		{ "\x7f" "ELF\x02\x01\x01\n", -EINVAL, 1 },
		{ "\n\nhello\n", -EINVAL, 3 },
		{ "unreferenced object 0x1 (size 18446744073709551616):\n", -ERANGE, 1 },
		{ "unreferenced object 0x1ffffffffffffffff (size 8):\n", -EINVAL, 1 },
		{ "unreferenced object 0x1 (size 8):\n  comm \"x\", pid 1, jiffies 99999999999999999999\n", -ERANGE, 2 },
		{ "unreferenced object 0x1 (size 8):\n  comm \"x\", pid 99999999999999999999, jiffies 2\n", -EINVAL, 2 },
		{ "unreferenced object 0x1 (size 8):\n  comm \"x\", pid 1, jiffies 2 (age xs)\n", -EINVAL, 2 },
		{ "unreferenced object 0x1 (size 8):\n  comm \"x\", pid 1, jiffies 2\n"
		  "  backtrace (crc 1ffffffff):\n", -EINVAL, 3 },
		{ "unreferenced object 0x1 (size 8):\n  comm \"x\", pid 1, jiffies 2\n"
		  "  backtrace:\n    +0x1/0x2\n", -EINVAL, 4 },
		{ "unreferenced object 0x1 (size 8):\n  comm \"x\", pid 1, jiffies 2\n"
		  "  backtrace:\n    f+0xzz/0x2\n", -EINVAL, 4 },
		{ "unreferenced object 0x1 (size 8):\n  comm \"x\", pid 1, jiffies 2\n"
		  "  backtrace:\n    f+0x1/0x2 kmod\n", -EINVAL, 4 },
		{ "unreferenced object 0x1 (size 8):\n  comm \"x\", pid 1, jiffies 2\n"
		  "  backtrace:\n    [<0000> f+0x1/0x2\n", -EINVAL, 4 },
		{ "unreferenced object 0x1 (size 8):\n  comm \"x\", pid 1, jiffies 2\n"
		  "  backtrace:\n    f\x01+0x1/0x2\n", -EINVAL, 4 },
		{ "unreferenced object 0x1 (size 8):\n  comm \"x\", pid 1, jiffies 2\n"
		  "  backtrace:\n    f+0x1/0x2\n  stray\n", -EINVAL, 5 },
		/* clang-format on */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kmemleak_report r;
		struct kerr e = { 0 };

		assert_int_equal(parse(cases[i].txt, strlen(cases[i].txt), &r, &e), cases[i].code);
		if (e.line != cases[i].line)
			fail_msg("case %zu: line %ld, expected %ld (%s)", i, e.line, cases[i].line,
				 e.msg);
		assert_null(r.v);
	}
}

static void test_empty_and_huge(void **state)
{
	struct kmemleak_report r;
	struct kerr e = { 0 };
	size_t n = 10u << 20;
	char *big;

	(void)state;
	assert_int_equal(parse("", 0, &r, &e), 0); /* an empty report is valid */
	assert_int_equal(r.n, 0);
	kmemleak_report_free(&r);
	assert_int_equal(parse("\n \n", 3, &r, &e), 0);
	kmemleak_report_free(&r);
	big = malloc(sizeof(k61) + n);
	assert_non_null(big);
	memcpy(big, k61, sizeof(k61) - 1);
	memset(big + sizeof(k61) - 1, 'x', n);
	assert_int_equal(parse(big, sizeof(k61) - 1 + n, &r, &e), -E2BIG);
	assert_int_equal(e.line, 8);
	free(big);
}

static void load_syms(struct ksym_table *t)
{
	struct buf b = { 0 };
	struct kerr e = { 0 };
	struct kallsyms ks;
	struct modules m;

	assert_int_equal(buf_read_file(&b, FIX "kallsyms-kmem_test", BUF_FILE_CAP, &e), 0);
	assert_int_equal(kallsyms_parse(b.data, b.len, "k", &ks, &e), 0);
	assert_int_equal(ksym_table_init(t, &ks, &e), 0);
	buf_free(&b);
	assert_int_equal(buf_read_file(&b, FIX "modules-kmem_test", BUF_FILE_CAP, &e), 0);
	assert_int_equal(modules_parse(b.data, b.len, "m", &m, &e), 0);
	assert_int_equal(ksym_table_add_modules(t, &m), 0);
	modules_free(&m);
	buf_free(&b);
}

static void test_group_seed_offline(void **state)
{
	struct buf b = { 0 };
	struct kerr e = { 0 };
	struct kmemleak_report r;
	struct kmemleak_groups g;
	struct ksym_table t;
	struct kmemleak_group_opts o = { 0 };

	(void)state;
	assert_int_equal(buf_read_file(&b, SEED, BUF_FILE_CAP, &e), 0);
	assert_int_equal(kmemleak_parse(b.data, b.len, SEED, &r, &e), 0);
	/* without symbols: code the kernel could not name is gone, not vmlinux */
	assert_int_equal(kmemleak_group(&r, &o, &g, &e), 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.v[0].function, KMEMLEAK_UNLOADED);
	assert_true(g.v[0].unloaded);
	assert_null(g.v[0].module);
	assert_int_equal(g.nmods, 1);
	assert_true(g.mods[0].unloaded);
	assert_string_equal(g.v[0].backtrace[2], "(unknown)");
	assert_int_equal(g.raw_frames, 2);
	kmemleak_groups_free(&g);
	/* with the fixture: kmem_test's functions */
	load_syms(&t);
	o.syms = &t;
	assert_int_equal(kmemleak_group(&r, &o, &g, &e), 0);
	assert_int_equal(g.raw_resolved, 2);
	assert_string_equal(g.v[0].function, "kmem_alloc");
	assert_string_equal(g.v[0].module, "kmem_test");
	assert_string_equal(g.v[0].allocator, "vmalloc");
	assert_string_equal(g.v[0].backtrace[2], "kmem_alloc+0x13/0x30 [kmem_test]");
	assert_string_equal(g.v[0].backtrace[3], "kmem_init+0x1a [kmem_test]");
	assert_true(g.v[0].bytes == 1073741824ULL);
	kmemleak_groups_free(&g);
	ksym_table_free(&t);
	kmemleak_report_free(&r);
	buf_free(&b);
}

static void test_group_612(void **state)
{
	struct kerr e = { 0 };
	struct kmemleak_report r;
	struct kmemleak_groups g;
	struct kmemleak_group_opts o = { 0 };

	(void)state;
	assert_int_equal(parse(k612, sizeof(k612) - 1, &r, &e), 0);
	assert_int_equal(kmemleak_group(&r, &o, &g, &e), 0);
	/* the two kml_leak objects differ in crc but group together */
	assert_int_equal(g.n, 3);
	assert_int_equal(g.objects, 4);
	assert_string_equal(g.v[0].function, KMEMLEAK_UNLOADED); /* 64 KiB vmalloc */
	assert_int_equal(g.v[1].count, 2);
	assert_int_equal(g.v[1].bytes, 2048);
	assert_string_equal(g.v[1].function, "kml_leak");
	assert_string_equal(g.v[1].allocator, "__kmalloc_cache_noprof");
	assert_string_equal(g.v[1].module, "kml_kmalloc");
	assert_int_equal(g.v[1].jiffies_min, 4294893211ULL);
	assert_int_equal(g.v[1].jiffies_max, 4294893212ULL);
	assert_int_equal(g.v[1].npids, 1);
	assert_string_equal(g.v[1].comms[0].comm, "insmod");
	assert_int_equal(g.v[1].comms[0].count, 2);
	assert_string_equal(g.v[2].function, "leak_pcpu");
	assert_string_equal(g.v[2].module, "kml_pcpu");
	/* per module: vmlinux (the unresolved vmalloc) first by bytes */
	assert_int_equal(g.nmods, 3);
	assert_null(g.mods[0].module);
	assert_int_equal(g.mods[0].bytes, 65536);
	assert_string_equal(g.mods[1].module, "kml_kmalloc");
	assert_int_equal(g.mods[1].count, 2);
	assert_int_equal(g.mods[1].groups, 1);
	kmemleak_groups_free(&g);
	/* by count, then bytes */
	o.sort = KMEMLEAK_SORT_COUNT;
	assert_int_equal(kmemleak_group(&r, &o, &g, &e), 0);
	assert_string_equal(g.v[0].function, "kml_leak");
	kmemleak_groups_free(&g);
	/* only objects allocated since a jiffies value */
	o.since_jiffies = 4294893212ULL;
	assert_int_equal(kmemleak_group(&r, &o, &g, &e), 0);
	assert_int_equal(g.objects, 2);
	assert_int_equal(g.n, 2);
	kmemleak_groups_free(&g);
	/* raw addresses only with show_addresses */
	o.since_jiffies = 0;
	o.show_addresses = true;
	o.sort = KMEMLEAK_SORT_BYTES;
	assert_int_equal(kmemleak_group(&r, &o, &g, &e), 0);
	assert_string_equal(g.v[0].backtrace[1], "0xffffffffc0422032");
	kmemleak_groups_free(&g);
	kmemleak_report_free(&r);
}

/* The 6.12 capture: counts against grep over the same file. */
static void test_fixture_612(void **state)
{
	const char *path = "tests/fixtures/6.12/kmemleak";
	struct buf b = { 0 };
	struct kerr e = { 0 };
	struct kmemleak_report r;
	struct kmemleak_groups g;
	struct kmemleak_group_opts o = { 0 };
	size_t objs = 0, kml = 0;

	(void)state;
	if (buf_read_file(&b, path, BUF_FILE_CAP, &e)) {
		skip(); /* not captured yet */
		return;
	}
	for (const char *p = b.data; (p = strstr(p, "unreferenced object")); p++)
		objs++;
	for (const char *p = b.data; (p = strstr(p, "leak_kmalloc_work+")); p++)
		kml++;
	assert_int_equal(kmemleak_parse(b.data, b.len, path, &r, &e), 0);
	assert_true(r.crc_format);
	assert_int_equal(r.n, objs);
	assert_int_equal(kmemleak_group(&r, &o, &g, &e), 0);
	assert_int_equal(g.objects, objs);
	/* ranked by bytes: the kmalloc leaker first, with every one of its objects */
	assert_string_equal(g.v[0].function, "leak_kmalloc_work");
	assert_string_equal(g.v[0].module, "kleak_kmalloc_leak");
	assert_int_equal(g.v[0].count, kml);
	assert_int_equal(g.v[0].bytes, kml * 512);
	assert_string_equal(g.v[1].function, "leak_cache_work");
	for (size_t i = 0; i < g.n; i++) /* never an allocator, never kmemleak's hook */
		assert_false(kmemleak_is_allocator(g.v[i].function));
	kmemleak_groups_free(&g);
	kmemleak_report_free(&r);
	buf_free(&b);
}

/* Every stored kallsyms capture parses and names its own symbols. */
static void test_fixture_kallsyms(void **state)
{
	static const char *const dirs[] = { "6.12", "6.1" };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		char path[128];
		struct buf b = { 0 };
		struct kerr e = { 0 };
		struct kallsyms ks;
		struct ksym_table t;
		struct ksym_loc loc;

		snprintf(path, sizeof(path), "tests/fixtures/%s/kallsyms", dirs[i]);
		if (buf_read_file(&b, path, BUF_FILE_CAP, &e))
			continue;
		assert_int_equal(kallsyms_parse(b.data, b.len, path, &ks, &e), 0);
		assert_false(ks.zero_addrs);
		assert_int_equal(ksym_table_init(&t, &ks, &e), 0);
		for (size_t k = 0; k < t.n; k++) {
			const struct kallsym *sy = &t.ks.v[t.order[k]];

			assert_true(ksym_lookup(&t, sy->addr, &loc));
			assert_string_equal(loc.name, kallsyms_name(&t.ks, sy));
			assert_int_equal(loc.offset, 0);
		}
		ksym_table_free(&t);
		buf_free(&b);
	}
}

static void test_allocator_names(void **state)
{
	(void)state;
	assert_true(kmemleak_is_allocator("__kmalloc_cache_noprof"));
	assert_true(kmemleak_is_allocator("kmem_cache_alloc_lru_noprof"));
	assert_true(kmemleak_is_allocator("__vmalloc_node_range"));
	assert_true(kmemleak_is_allocator("kstrdup.constprop.0"));
	assert_true(kmemleak_is_allocator("slab_post_alloc_hook"));
	assert_true(kmemleak_is_allocator("kmemleak_vmalloc"));
	assert_false(kmemleak_is_allocator("kmemleak_test_init"));
	assert_false(kmemleak_is_allocator("kmem_alloc"));
	assert_false(kmemleak_is_allocator("kml_leak"));
	assert_false(kmemleak_is_allocator("do_one_initcall"));
	assert_false(kmemleak_is_allocator(NULL));
}

static void test_summary(void **state)
{
	struct kmemleak_summary s;
	struct kerr e = { 0 };

	(void)state;
	assert_int_equal(kmemleak_summary(k612, sizeof(k612) - 1, "k", NULL, &s, &e), 0);
	assert_int_equal(s.objects, 4);
	assert_int_equal(s.groups, 3);
	assert_int_equal(s.top_bytes, 65536);
	assert_int_equal(kmemleak_summary("", 0, "k", NULL, &s, &e), 0);
	assert_int_equal(s.objects, 0);
	assert_int_equal(kmemleak_summary("x\n", 2, "k", NULL, &s, &e), -EINVAL);
	assert_int_equal(e.line, 1);
}

/* Kernel pointers in hex dumps: hidden unless show_addresses (KASLR). */
static void test_hex_masking(void **state)
{
	static const char line[] =
		"38 40 18 ba 80 88 ff ff 2a 00 00 00 00 00 00 00  8@......*.......";
	static const char masked[] =
		"xx xx xx xx xx xx xx xx 2a 00 00 00 00 00 00 00  ........*.......";
	static const char plain[] = "6b 6b 6b 6b 6b 6b 6b a5  kkkkkkk.";
	struct render_opts hide = { 0 }, show = { .show_addresses = true };
	char out[256];

	(void)state;
	assert_string_equal(kmemleak_hex_line(line, strlen(line), &hide, out, sizeof(out)), masked);
	assert_string_equal(kmemleak_hex_line(line, strlen(line), &show, out, sizeof(out)), line);
	assert_string_equal(kmemleak_hex_line(plain, strlen(plain), &hide, out, sizeof(out)),
			    plain);
	/* a line cut short keeps what it has */
	assert_string_equal(kmemleak_hex_line(line, 10, &hide, out, sizeof(out)), "38 40 18 b");
	assert_string_equal(kmemleak_hex_line(line, strlen(line), &hide, out, 8), "38 40 1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed),
		cmocka_unit_test(test_612),
		cmocka_unit_test(test_log),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_empty_and_huge),
		cmocka_unit_test(test_group_seed_offline),
		cmocka_unit_test(test_group_612),
		cmocka_unit_test(test_fixture_612),
		cmocka_unit_test(test_fixture_kallsyms),
		cmocka_unit_test(test_allocator_names),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_hex_masking),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
