// SPDX-License-Identifier: GPL-2.0
/*
 * The target resolver trace and count share (trace/target.h): kmalloc-N
 * names in every spelling and flavour, picked against the slabinfo and
 * /sys/kernel/slab captures of 6.1, 6.12 and 6.18; SLUB aliases; close
 * names on a typo; the BPF scope. (Before the shared resolver, trace read
 * "kmalloc-1k" as size 0 and selected nothing.)
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "trace/target.h"
#include "util/buf.h"
#include "util/compiler.h"
#include "util/suggest.h"

static void test_kmalloc_parse(void **state)
{
	static const struct {
		const char *name;
		bool ok;
		uint64_t size;
		enum kleak_kmalloc_type type;
		int rnd;
	} cases[] = {
		{ "kmalloc-256", true, 256, KLEAK_KMALLOC_NORMAL, -1 },
		{ "kmalloc-8k", true, 8192, KLEAK_KMALLOC_NORMAL, -1 },
		{ "kmalloc-96", true, 96, KLEAK_KMALLOC_NORMAL, -1 },
		{ "kmalloc-cg-1k", true, 1024, KLEAK_KMALLOC_CGROUP, -1 },
		{ "kmalloc-rcl-512", true, 512, KLEAK_KMALLOC_RECLAIM, -1 },
		{ "dma-kmalloc-192", true, 192, KLEAK_KMALLOC_DMA, -1 },
		{ "kmalloc-rnd-03-64", true, 64, KLEAK_KMALLOC_NORMAL, 3 },
		{ "kmalloc-1k", true, 1024, KLEAK_KMALLOC_NORMAL, -1 },
		{ "kmalloc-1024", true, 1024, KLEAK_KMALLOC_NORMAL, -1 },
		{ "kmalloc-1K", true, 1024, KLEAK_KMALLOC_NORMAL, -1 },
		{ "kmalloc-cg-8192", true, 8192, KLEAK_KMALLOC_CGROUP, -1 },
		{ "kmalloc-rcl-2k", true, 2048, KLEAK_KMALLOC_RECLAIM, -1 },
		{ "dma-kmalloc-4k", true, 4096, KLEAK_KMALLOC_DMA, -1 },
		{ "kmalloc-2M", true, 2u << 20, KLEAK_KMALLOC_NORMAL, -1 },
		/* 6.12 with memory allocation profiling: the obj_ext vectors' caches */
		{ "kmalloc-no-objext-1k", true, 1024, KLEAK_KMALLOC_NO_OBJ_EXT, -1 },
		{ "kmalloc-no-objext-96", true, 96, KLEAK_KMALLOC_NO_OBJ_EXT, -1 },
		{ "kmalloc-no-objext-", false, 0, 0, -1 },
		{ "kmalloc_buckets", false, 0, 0, -1 },
		{ "kmalloc-", false, 0, 0, -1 },
		{ "kmalloc-0", false, 0, 0, -1 },
		{ "kmalloc-12x", false, 0, 0, -1 },
		{ "kmalloc-8kb", false, 0, 0, -1 },
		{ "dentry", false, 0, 0, -1 },
		{ "kmalloc-rnd-03", false, 0, 0, -1 },
		{ "kmalloc-cg-", false, 0, 0, -1 },
		{ "kmalloc-99999999999999999999", false, 0, 0, -1 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct target_kmalloc k = { 0 };
		bool ok = target_kmalloc_parse(cases[i].name, &k);

		if (ok != cases[i].ok)
			fail_msg("%s: parse %d, want %d", cases[i].name, ok, cases[i].ok);
		if (ok &&
		    (k.size != cases[i].size || k.type != cases[i].type || k.rnd != cases[i].rnd))
			fail_msg("%s: size %llu type %d rnd %d", cases[i].name,
				 (unsigned long long)k.size, k.type, k.rnd);
	}
}

/* The kernel's spellings (mm/slab_common.c kmalloc_info[]), both ways. */
static void test_kmalloc_name(void **state)
{
	static const struct {
		const char *in, *short_name, *long_name;
	} cases[] = {
		{ "kmalloc-1024", "kmalloc-1k", "kmalloc-1024" },
		{ "kmalloc-cg-1k", "kmalloc-cg-1k", "kmalloc-cg-1024" },
		{ "kmalloc-rcl-8K", "kmalloc-rcl-8k", "kmalloc-rcl-8192" },
		{ "dma-kmalloc-96", "dma-kmalloc-96", "dma-kmalloc-96" },
		{ "kmalloc-192", "kmalloc-192", "kmalloc-192" },
		{ "kmalloc-4194304", "kmalloc-4M", "kmalloc-4194304" },
		{ "kmalloc-rnd-3-1024", "kmalloc-rnd-03-1k", "kmalloc-rnd-03-1024" },
		{ "kmalloc-no-objext-8192", "kmalloc-no-objext-8k", "kmalloc-no-objext-8192" },
	};
	char buf[64];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct target_kmalloc k;

		assert_true(target_kmalloc_parse(cases[i].in, &k));
		assert_string_equal(target_kmalloc_name(&k, true, buf, sizeof(buf)),
				    cases[i].short_name);
		assert_string_equal(target_kmalloc_name(&k, false, buf, sizeof(buf)),
				    cases[i].long_name);
	}
}

/* A kmalloc event's bytes_alloc to the size class its cache is named by. */
static void test_kmalloc_class(void **state)
{
	(void)state;
	assert_int_equal(target_kmalloc_class(1024), 1024);
	assert_int_equal(target_kmalloc_class(96), 96);
	assert_int_equal(target_kmalloc_class(192), 192);
	assert_int_equal(target_kmalloc_class(8192), 8192);
	assert_int_equal(target_kmalloc_class(1024 + 64), 1024); /* slab_debug red zones */
	assert_int_equal(target_kmalloc_class(16384), 0);	 /* kmalloc_large: pages */
	assert_int_equal(target_kmalloc_class(4), 0);
}

/*
 * The flavours each kernel's slabinfo has, and the gfp bits they make
 * count: every capture has dma, rcl and cg caches; 6.12's no-objext ones
 * are picked by no plain gfp bit. Without kmalloc-cg-N (memcg kmem off)
 * __GFP_ACCOUNT picks nothing: the kernel serves it from kmalloc-N.
 */
static void test_kmalloc_types(void **state);

static void test_edit_distance(void **state)
{
	(void)state;
	assert_int_equal(suggest_edit_distance("dentry", "dentry", 3), 0);
	assert_int_equal(suggest_edit_distance("dentyr", "dentry", 3), 2);
	assert_int_equal(suggest_edit_distance("d_aloc", "d_alloc", 3), 1);
	assert_int_equal(suggest_edit_distance("", "abc", 3), 3);
	/* capped: anything farther than cap is cap + 1 */
	assert_int_equal(suggest_edit_distance("dentry", "kmalloc-256", 2), 3);
}

static void test_suggest(void **state)
{
	struct suggest s;
	char buf[256];

	(void)state;
	suggest_init(&s, "d_alloc");
	suggest_add(&s, "kmem_cache_alloc");
	suggest_add(&s, "d_alloc_parallel"); /* contains the name: close */
	suggest_add(&s, "d_allot");	     /* distance 1: first */
	suggest_add(&s, "d_alloc");	     /* the name itself: never */
	assert_string_equal(suggest_str(&s, buf, sizeof(buf)), "d_allot, d_alloc_parallel");
	suggest_init(&s, "zzzzzzzz");
	suggest_add(&s, "dentry");
	assert_string_equal(suggest_str(&s, buf, sizeof(buf)), "none");
}

struct slabs {
	struct slabinfo si;
	struct slab_aliases al;
};

static void slabs_load(const char *kernel, struct slabs *s)
{
	char path[128];
	struct buf b = { 0 };
	struct kerr e;

	snprintf(path, sizeof(path), "tests/fixtures/%s/slabinfo", kernel);
	if (buf_read_file(&b, path, BUF_FILE_CAP, &e) ||
	    slabinfo_parse(b.data, b.len, path, &s->si, &e))
		fail_msg("%s: %s", path, e.msg);
	snprintf(path, sizeof(path), "tests/fixtures/%s/slab_aliases", kernel);
	buf_reset(&b);
	if (buf_read_file(&b, path, BUF_FILE_CAP, &e) ||
	    slab_aliases_parse(b.data, b.len, path, &s->al, &e))
		fail_msg("%s: %s", path, e.msg);
	buf_free(&b);
}

static void slabs_free(struct slabs *s)
{
	slabinfo_free(&s->si);
	slab_aliases_free(&s->al);
}

/* pick(user) gives cache `want` with kmalloc size `size` (0: not kmalloc). */
static void expect_pick(const struct slabs *s, const char *kernel, const char *user,
			const char *want, uint64_t size)
{
	struct target_cache c;
	struct kerr e = { 0 };

	if (target_cache_pick(&s->si, &s->al, user, &c, &e))
		fail_msg("%s: %s: %s", kernel, user, e.msg);
	if (strcmp(c.cache, want) || c.kmalloc_size != size)
		fail_msg("%s: %s gave %s (%llu bytes), want %s (%llu)", kernel, user, c.cache,
			 (unsigned long long)c.kmalloc_size, want, (unsigned long long)size);
	assert_string_equal(c.user, user);
}

/*
 * Every kmalloc cache each kernel lists resolves under its own name and
 * under the other spelling, with the bytes_alloc of its kmalloc events.
 */
static void test_pick_kmalloc_fixtures(void **state)
{
	static const char *const kernels[] = { "6.1", "6.12", "6.18" };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(kernels); i++) {
		struct slabs s = { 0 };
		size_t seen = 0;

		slabs_load(kernels[i], &s);
		for (size_t j = 0; j < s.si.n; j++) {
			const struct slab_cache *sc = &s.si.v[j];
			struct target_kmalloc k;
			char other[64];

			if (!target_kmalloc_parse(sc->name, &k))
				continue;
			seen++;
			expect_pick(&s, kernels[i], sc->name, sc->name, sc->objsize);
			expect_pick(&s, kernels[i], target_kmalloc_name(&k, false, other, 64),
				    sc->name, sc->objsize);
		}
		/* normal, cg, rcl and dma for the 13 sizes 8 ... 8k */
		if (seen < 4 * 13) {
			slabs_free(&s);
			fail_msg("%s: only %zu kmalloc caches", kernels[i], seen);
		}
		expect_pick(&s, kernels[i], "kmalloc-1k", "kmalloc-1k", 1024);
		expect_pick(&s, kernels[i], "kmalloc-1024", "kmalloc-1k", 1024);
		expect_pick(&s, kernels[i], "kmalloc-cg-1k", "kmalloc-cg-1k", 1024);
		expect_pick(&s, kernels[i], "kmalloc-8K", "kmalloc-8k", 8192);
		slabs_free(&s);
	}
}

/* A merged name resolves to the cache slabinfo and the tracepoints name. */
static void test_pick_alias(void **state)
{
	struct slabs s = { 0 };
	struct target_cache c;
	struct kerr e = { 0 };
	bool saw_user = false;

	(void)state;
	slabs_load("6.18", &s);
	expect_pick(&s, "6.18", "inotify_inode_mark", "sigqueue", 0);
	assert_int_equal(target_cache_pick(&s.si, &s.al, "inotify_inode_mark", &c, &e), 0);
	assert_int_equal(c.naliases, 3); /* dnotify, fanotify, inotify; not ":A-..." */
	for (size_t i = 0; i < c.naliases; i++) {
		assert_true(c.aliases[i][0] != ':');
		saw_user |= !strcmp(c.aliases[i], "inotify_inode_mark");
	}
	assert_true(saw_user);
	/* without /sys/kernel/slab, a cache of its own still resolves */
	assert_int_equal(target_cache_pick(&s.si, NULL, "dentry", &c, &e), 0);
	assert_string_equal(c.cache, "dentry");
	assert_int_equal(c.naliases, 0);
	slabs_free(&s);
}

static void test_kmalloc_types(void **state)
{
	static const char *const kernels[] = { "6.1", "6.12", "6.18" };
	const uint32_t all4 = (1u << KLEAK_KMALLOC_NORMAL) | (1u << KLEAK_KMALLOC_RECLAIM) |
			      (1u << KLEAK_KMALLOC_DMA) | (1u << KLEAK_KMALLOC_CGROUP);

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(kernels); i++) {
		struct slabs s = { 0 };
		uint32_t t;

		slabs_load(kernels[i], &s);
		t = target_kmalloc_types(&s.si);
		slabs_free(&s);
		assert_int_equal(t & all4, all4);
		assert_int_equal(!!(t & (1u << KLEAK_KMALLOC_NO_OBJ_EXT)), i == 1);
		assert_int_equal(target_kmalloc_gfp_bits(t), 0x400011u);
	}
	assert_int_equal(target_kmalloc_gfp_bits((1u << KLEAK_KMALLOC_NORMAL) |
						 (1u << KLEAK_KMALLOC_RECLAIM)),
			 0x10u);
}

/* A cgroup path that does not exist: the close names its parent has. */
static void test_cgroup_unknown(void **state)
{
	char dir[] = "/tmp/kleak-test-cg.XXXXXX", path[128];
	struct target_cgroup cg;
	struct kerr e = { 0 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/docker-abc", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/system.slice", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/dockre-abc", dir);
	assert_int_equal(target_cgroup_resolve(path, &cg, &e), -ENOENT);
	if (!strstr(e.msg, "no such cgroup") || !strstr(e.msg, "close names: docker-abc"))
		fail_msg("%s", e.msg);
	snprintf(path, sizeof(path), "%s/docker-abc", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/system.slice", dir);
	rmdir(path);
	rmdir(dir);
}

static void test_pick_unknown(void **state)
{
	struct slabs s = { 0 };
	struct target_cache c;
	struct kerr e = { 0 };

	(void)state;
	slabs_load("6.12", &s);
	assert_int_equal(target_cache_pick(&s.si, &s.al, "dentyr", &c, &e), -ENOENT);
	assert_string_equal(e.src, "--cache");
	assert_non_null(strstr(e.msg, "no slab cache 'dentyr'"));
	assert_non_null(strstr(e.msg, "close names: dentry"));
	assert_int_equal(target_cache_pick(&s.si, &s.al, "kmalloc-3k", &c, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "close names: kmalloc-"));
	assert_int_equal(target_cache_pick(&s.si, &s.al, "zzzzzzzzzzzzzzzz", &c, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "close names: none"));
	slabs_free(&s);
}

static void test_scope(void **state)
{
	struct target t = { 0 };
	struct kleak_scope sc;

	(void)state;
	target_scope(&t, &sc);
	assert_true(!sc.tgid && !sc.cgroup_id && !sc.comm_on); /* everyone */
	t.tgid = 42;
	t.has_cgroup = true;
	t.cgroup.id = 77;
	t.cgroup.version = 1;
	snprintf(t.comm, sizeof(t.comm), "leaker");
	target_scope(&t, &sc);
	assert_int_equal(sc.tgid, 42);
	assert_int_equal(sc.cgroup_id, 77);
	assert_int_equal(sc.cgroup_v1, 1);
	assert_int_equal(sc.comm_on, 1);
	assert_string_equal(sc.comm, "leaker");
	t.cgroup.version = 2;
	target_scope(&t, &sc);
	assert_int_equal(sc.cgroup_v1, 0);
}

/*
 * THREAD_SIZE from KernelStack: this host (1408 kB, 89 threads, 2 CPUs),
 * a 256-CPU machine with few threads (the idle tasks' stacks count), a
 * KASAN kernel, and what is unknown or absurd (16 KiB).
 */
static void test_thread_size(void **state)
{
	(void)state;
	assert_int_equal(target_thread_size(1408, 89, 2), 16384);
	assert_int_equal(target_thread_size(16 * (300 + 255), 300, 256), 16384);
	assert_int_equal(target_thread_size(32 * 120, 119, 2), 32768);
	assert_int_equal(target_thread_size(0, 89, 2), 16384);
	assert_int_equal(target_thread_size(1408, 0, 2), 16384);
	assert_int_equal(target_thread_size(1, 1000, 2), 16384);
	assert_int_equal(target_thread_size(1u << 30, 1, 1), 16384);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kmalloc_parse),  cmocka_unit_test(test_kmalloc_name),
		cmocka_unit_test(test_kmalloc_class),  cmocka_unit_test(test_kmalloc_types),
		cmocka_unit_test(test_cgroup_unknown), cmocka_unit_test(test_edit_distance),
		cmocka_unit_test(test_suggest),	       cmocka_unit_test(test_pick_kmalloc_fixtures),
		cmocka_unit_test(test_pick_alias),     cmocka_unit_test(test_pick_unknown),
		cmocka_unit_test(test_scope),	       cmocka_unit_test(test_thread_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
