// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/allocinfo: every stored capture parses and agrees with a count made
 * independently of the parser (sites, module sites, total bytes and calls);
 * versions 1.0 and 2.0 and the early module:NAME form are read; hostile
 * input fails with the right line number, never a crash.
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

#include "analyze/allocinfo_top.h"
#include "parse/allocinfo.h"
#include "util/buf.h"

static struct buf load(const char *path)
{
	struct buf b = { 0 };
	struct kerr e;

	if (buf_read_file(&b, path, BUF_FILE_CAP, &e))
		fail_msg("cannot read fixture %s: %s", path, e.msg);
	return b;
}

/* An independent reading: strtoll/strtoull over the raw text, line by line. */
struct tally {
	size_t sites, module_sites;
	long long bytes;
	unsigned long long calls;
};

static struct tally tally_text(const struct buf *b)
{
	struct tally t = { 0 };
	char *copy = strndup(b->data, b->len), *save = NULL;
	int first = 1;

	assert_non_null(copy);
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *end;

		if (first || l[0] == '#') {
			first = 0;
			continue;
		}
		t.sites++;
		t.module_sites += strstr(l, " [") != NULL;
		t.bytes += strtoll(l, &end, 10);
		t.calls += strtoull(end, NULL, 10);
	}
	free(copy);
	return t;
}

static int fixtures;

static void fixture(const char *path)
{
	struct buf b = load(path);
	struct tally t = tally_text(&b);
	struct allocinfo ai;
	struct kerr e = { 0 };
	size_t mods = 0;
	long long bytes = 0;
	unsigned long long calls = 0;

	if (allocinfo_parse(b.data, b.len, path, &ai, &e))
		fail_msg("%s:%ld: %s", e.src, e.line, e.msg);
	assert_int_equal(ai.version, 1);
	assert_int_equal(ai.n, t.sites);
	for (size_t i = 0; i < ai.n; i++) {
		const struct alloc_site *s = &ai.v[i];

		mods += s->module != NULL;
		bytes += s->bytes;
		calls += s->calls;
		assert_true(s->file[0] && s->function[0] && s->src_line > 0);
		assert_true(s->line >= 3 && s->accurate);
		assert_null(strchr(s->function, ' '));
	}
	assert_int_equal(mods, t.module_sites);
	assert_true(bytes == t.bytes);
	assert_true(calls == t.calls);
	allocinfo_free(&ai);
	buf_free(&b);
	fixtures++;
}

static void test_fixtures(void **st)
{
	glob_t g;

	(void)st;
	fixtures = 0;
	if (!glob("tests/fixtures/*/allocinfo", 0, NULL, &g)) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			fixture(g.gl_pathv[i]);
		globfree(&g);
	}
	if (!glob("tests/fixtures/*/*/allocinfo", 0, NULL, &g)) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			fixture(g.gl_pathv[i]);
		globfree(&g);
	}
	assert_true(fixtures >= 2); /* 6.12 and 6.12/unloaded */
}

static const struct alloc_site *find(const struct allocinfo *ai, const char *fn)
{
	for (size_t i = 0; i < ai->n; i++)
		if (!strcmp(ai->v[i].function, fn))
			return &ai->v[i];
	return NULL;
}

/* The VM's leaker, exactly as the 6.12 capture has it. */
static void test_fixture_leaker(void **st)
{
	struct buf b = load("tests/fixtures/6.12/allocinfo");
	struct allocinfo ai;
	struct kerr e;
	const struct alloc_site *s, *k;

	(void)st;
	assert_int_equal(allocinfo_parse(b.data, b.len, "6.12", &ai, &e), 0);
	s = find(&ai, "leak_kmalloc_work");
	assert_non_null(s);
	assert_int_equal(s->bytes, 10240);
	assert_int_equal(s->calls, 20);
	assert_string_equal(s->file, "tests/vm/modules/kleak_kmalloc_leak.c");
	assert_int_equal(s->src_line, 34);
	assert_string_equal(s->module, "kleak_kmalloc_leak");
	assert_int_equal(s->line, 593);
	k = find(&ai, "init_espfix_ap");
	assert_non_null(k);
	assert_null(k->module);
	assert_string_equal(k->file, "arch/x86/kernel/espfix_64.c");
	allocinfo_free(&ai);
	buf_free(&b);
}

/* Ranking on the 6.12 capture, against sums made here. */
static void test_top(void **st)
{
	struct buf b = load("tests/fixtures/6.12/allocinfo");
	struct allocinfo ai;
	struct allocinfo_top t;
	struct kerr e;
	uint64_t sum = 0, fsum = 0;
	char loc[256];

	(void)st;
	assert_int_equal(allocinfo_parse(b.data, b.len, "6.12", &ai, &e), 0);
	assert_int_equal(allocinfo_top_build(&ai, &t), 0);
	assert_int_equal(t.nsites, ai.n - 1); /* kmemleak-test.c:82 holds nothing */
	assert_int_equal(t.empty, 1);
	for (size_t i = 1; i < t.nsites; i++)
		assert_true(alloc_site_bytes(t.sites[i - 1]) >= alloc_site_bytes(t.sites[i]));
	assert_string_equal(alloc_site_location(t.sites[0], loc, sizeof(loc)), "mm/page_ext.c:271");
	assert_string_equal(t.sites[0]->function, "alloc_page_ext");
	/* Four modules, biggest first, then the kernel. */
	assert_int_equal(t.nmodules, 5);
	assert_string_equal(t.by_module[0].module, "kmem_test");
	assert_int_equal(t.by_module[0].bytes, 8405024);
	assert_string_equal(t.by_module[1].module, "kmemleak_test");
	assert_int_equal(t.by_module[1].bytes, 40424);
	assert_int_equal(t.by_module[1].sites, 15);
	assert_string_equal(t.by_module[2].module, "kleak_kmalloc_leak");
	assert_int_equal(t.by_module[2].calls, 20);
	assert_string_equal(t.by_module[3].module, "kleak_cache_leak");
	assert_null(t.by_module[4].module);
	for (size_t i = 0; i < t.nmodules; i++)
		sum += t.by_module[i].bytes;
	assert_true(sum == t.total_bytes);
	assert_true(t.module_bytes == 8405024 + 40424 + 10240 + 6400);
	/* kmemleak_test_init's 15 non-empty sites make one function row. */
	assert_string_equal(t.by_function[0].function, "kmem_alloc");
	assert_string_equal(t.by_function[1].function, "kmemleak_test_init");
	assert_int_equal(t.by_function[1].sites, 15);
	assert_null(t.by_function[4].module);
	for (size_t i = 0; i < t.nfunctions; i++)
		fsum += t.by_function[i].bytes;
	assert_true(fsum == t.total_bytes);
	allocinfo_top_free(&t);
	allocinfo_top_free(NULL);
	allocinfo_free(&ai);
	buf_free(&b);
}

static void test_kind(void **st)
{
	static const struct {
		const char *file, *fn, *module;
		enum alloc_site_kind want;
	} t[] = {
		{ "mm/slub.c", "alloc_slab_page", NULL, ALLOC_SITE_CONTAINER },
		{ "mm/percpu-vm.c", "pcpu_alloc_pages", NULL, ALLOC_SITE_CONTAINER },
		{ "mm/memory.c", "folio_prealloc", NULL, ALLOC_SITE_USER },
		{ "mm/shmem.c", "shmem_alloc_folio", NULL, ALLOC_SITE_USER },
		/* page cache filled by reads, swap-in: user memory (issue 19) */
		{ "mm/filemap.c", "filemap_create_folio", NULL, ALLOC_SITE_USER },
		{ "mm/filemap.c", "do_read_cache_folio", NULL, ALLOC_SITE_USER },
		{ "mm/memory.c", "alloc_swap_folio", NULL, ALLOC_SITE_USER },
		{ "mm/memory.c", "__pmd_alloc", NULL, ALLOC_SITE_KERNEL },
		{ "mm/slub.c", "alloc_slab_obj_exts", NULL, ALLOC_SITE_KERNEL },
		{ "drivers/x.c", "alloc_slab_page", NULL, ALLOC_SITE_KERNEL },
		{ "mm/slub.c", "alloc_slab_page", "m", ALLOC_SITE_KERNEL },
	};

	(void)st;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct alloc_site s = { .file = t[i].file,
					.function = t[i].fn,
					.module = t[i].module };

		assert_int_equal(alloc_site_kind(&s), t[i].want);
	}
	assert_string_equal(alloc_site_kind_name(ALLOC_SITE_USER), "user");
}

static int parse_str(const char *t, struct allocinfo *ai, struct kerr *e)
{
	return allocinfo_parse(t, strlen(t), "allocinfo", ai, e);
}

static void test_versions(void **st)
{
	static const char v2[] =
		"allocinfo - version: 2.0\n"
		"#     <size>  <calls> <tag info>\n"
		"       69632       17 arch/x86/mm/pgtable.c:33 func:pte_alloc_one \n"
		"         -64        0 mm/util.c:64 func:kstrdup accurate:no \n"
		"       10240       20 a/b.c:34 [m1] func:f accurate:no \n";
	static const char early[] =
		"allocinfo - version: 1.0\n"
		"        4096        1 drivers/x/y.c:12 module:xdrv func:x_probe\n"
		"\n"
		"           8        1 lib/c.c:7 func:g";
	struct allocinfo ai;
	struct kerr e = { 0 };

	(void)st;
	assert_int_equal(parse_str(v2, &ai, &e), 0);
	assert_int_equal(ai.version, 2);
	assert_int_equal(ai.n, 3);
	assert_true(ai.v[0].accurate);
	assert_false(ai.v[1].accurate);
	assert_int_equal(ai.v[1].bytes, -64);
	assert_int_equal(alloc_site_bytes(&ai.v[1]), 0);
	assert_string_equal(ai.v[2].module, "m1");
	assert_false(ai.v[2].accurate);
	allocinfo_free(&ai);

	assert_int_equal(parse_str(early, &ai, &e), 0);
	assert_int_equal(ai.n, 2);
	assert_string_equal(ai.v[0].module, "xdrv");
	assert_string_equal(ai.v[0].function, "x_probe");
	assert_null(ai.v[1].module);
	assert_int_equal(ai.v[1].line, 4);
	allocinfo_free(&ai);
	allocinfo_free(NULL);
}

struct hostile {
	const char *name, *text;
	long line;
	int code;
};

#define H "allocinfo - version: 1.0\n#     <size>  <calls> <tag info>\n"

static void test_hostile(void **st)
{
	static const struct hostile h[] = {
		{ "empty", "", 0, -ENODATA },
		{ "wrong header", "slabinfo - version: 2.1\n", 1, -EINVAL },
		{ "unknown version", "allocinfo - version: 3.0\n", 1, -EPROTONOSUPPORT },
		{ "version 1.0.1", "allocinfo - version: 1.0.1\n", 1, -EPROTONOSUPPORT },
		{ "truncated", H "  4096  1 mm/x.c:1 func:f \n   40", 4, -EINVAL },
		{ "truncated in tag", H "  4096  1 mm/x.c:1 func:f \n   40 1 mm/x.c:2 fu", 4,
		  -EINVAL },
		{ "negative calls", H "  10 -1 mm/x.c:1 func:f \n", 3, -EINVAL },
		{ "bytes overflow", H "  99999999999999999999 1 mm/x.c:1 func:f \n", 3, -EINVAL },
		{ "calls overflow", H "  1 18446744073709551616 mm/x.c:1 func:f \n", 3, -EINVAL },
		{ "bad line number", H "  1 1 mm/x.c:1x func:f \n", 3, -EINVAL },
		{ "line overflow", H "  1 1 mm/x.c:4294967296 func:f \n", 3, -EINVAL },
		{ "no colon", H "  1 1 mm/x.c func:f \n", 3, -EINVAL },
		{ "no func", H "  1 1 mm/x.c:1 [m] \n", 3, -EINVAL },
		{ "unknown field", H "  1 1 mm/x.c:1 func:f x:y\n", 3, -EINVAL },
		{ "repeated func", H "  1 1 mm/x.c:1 func:f func:g\n", 3, -EINVAL },
		{ "two modules", H "  1 1 mm/x.c:1 [a] module:b func:f\n", 3, -EINVAL },
		{ "too many fields", H "  1 1 mm/x.c:1 [a] func:f accurate:no z\n", 3, -EINVAL },
		{ "binary", H "  1 1 mm/x.c:1 func:f\n\x01\x02\xff \x7f\n", 4, -EINVAL },
		{ "hex bytes", H "  0x10 1 mm/x.c:1 func:f\n", 3, -EINVAL },
	};

	(void)st;
	for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++) {
		struct allocinfo ai;
		struct kerr e = { 0 };
		int r = parse_str(h[i].text, &ai, &e);

		if (!r)
			fail_msg("accepted hostile case '%s'", h[i].name);
		if (e.line != h[i].line || r != h[i].code)
			fail_msg("case '%s': error %d at line %ld, want %d at %ld (%s)", h[i].name,
				 r, e.line, h[i].code, h[i].line, e.msg);
		assert_string_equal(e.src, "allocinfo");
		assert_true(e.msg[0]);
		assert_null(ai.v);
	}
}

/* A 10 MB line is refused with its line number. */
static void test_huge_line(void **st)
{
	size_t n = 10u << 20, off;
	char *big = malloc(n + 128);
	struct allocinfo ai;
	struct kerr e = { 0 };

	(void)st;
	assert_non_null(big);
	off = (size_t)sprintf(big, H);
	memset(big + off, 'a', n);
	big[off + n] = '\n';
	assert_int_equal(allocinfo_parse(big, off + n + 1, "allocinfo", &ai, &e), -E2BIG);
	assert_int_equal(e.line, 3);
	/* The same as the header line. */
	memset(big, 'a', n);
	assert_true(allocinfo_parse(big, n, "allocinfo", &ai, &e) < 0);
	assert_int_equal(e.line, 1);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),  cmocka_unit_test(test_fixture_leaker),
		cmocka_unit_test(test_top),	  cmocka_unit_test(test_kind),
		cmocka_unit_test(test_versions),  cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_huge_line),
	};

	return cmocka_run_group_tests_name("allocinfo", tests, NULL, NULL);
}
