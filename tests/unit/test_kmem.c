// SPDX-License-Identifier: GPL-2.0
/*
 * Unaccounted (analyze/kmem.h) on the real meminfo captures of 6.1, 6.12
 * and 6.18: memory that another line or source accounts for moves
 * MemFree and that line together and must leave Unaccounted where it was
 * (the review of issue 19 found Zswap, zram, Unaccepted, Balloon,
 * HardwareCorrupted, the per-CPU page lists and a mapped swap cache page
 * counted twice missing from it); pages nobody accounts for (an
 * alloc_pages() leak) move it by exactly their size.
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

#include "analyze/kmem.h"
#include "analyze/vmalloc_group.h"
#include "parse/meminfo.h"
#include "parse/thp.h"
#include "parse/vmstat.h"
#include "parse/zoneinfo.h"
#include "util/buf.h"

static const char *const fixtures[] = {
	"tests/fixtures/6.1/meminfo",
	"tests/fixtures/6.12/meminfo",
	"tests/fixtures/6.18/meminfo",
	"tests/fixtures/6.18/full/meminfo",
};

static void load_meminfo(const char *path, struct meminfo *mi)
{
	struct buf b = { 0 };
	struct kerr e;

	assert_int_equal(buf_read_file(&b, path, BUF_FILE_CAP, &e), 0);
	assert_int_equal(meminfo_parse(b.data, b.len, path, mi, &e), 0);
	buf_free(&b);
}

/* Adds delta bytes to field name, creating it (as the newer kernels print it). */
static void bump(struct meminfo *mi, const char *name, int64_t delta)
{
	struct meminfo_field *f = NULL;

	for (size_t i = 0; i < mi->n; i++)
		if (!strcmp(mi->v[i].name, name))
			f = &mi->v[i];
	if (!f) {
		mi->v = realloc(mi->v, (mi->n + 1) * sizeof(*mi->v));
		assert_non_null(mi->v);
		f = &mi->v[mi->n++];
		memset(f, 0, sizeof(*f));
		snprintf(f->name, sizeof(f->name), "%s", name);
		f->is_bytes = true;
	}
	assert_true(delta >= 0 || f->value >= (uint64_t)-delta);
	f->value += (uint64_t)delta;
}

static uint64_t unaccounted(const struct meminfo *mi, const struct kmem_extra *x)
{
	struct kmem_summary k;

	kmem_summarize(mi, x, true, &k);
	return k.unaccounted;
}

#define X (64 << 20) /* what each case moves: 64 MiB */

/*
 * Memory another line accounts for: MemFree down, that line up; Unaccounted
 * stays, within tol (the unmapped swap cache is an estimate from the LRU
 * lists, which miss the pages still in per-CPU LRU batches: 48 KiB in the
 * 6.1 capture).
 */
static void check_invariant(const char *path, const char *const *lines, int nlines, uint64_t tol)
{
	uint64_t after;
	struct meminfo mi;
	uint64_t before;

	load_meminfo(path, &mi);
	/* room below, so that a clamp at 0 cannot hide a change */
	bump(&mi, "MemFree", -(int64_t)(256 << 20));
	before = unaccounted(&mi, NULL);
	assert_true(before >= (256 << 20));
	bump(&mi, "MemFree", -X);
	for (int i = 0; i < nlines; i++)
		bump(&mi, lines[i], X);
	after = unaccounted(&mi, NULL);
	if (after > before + tol || after + tol < before)
		fail_msg("%s: +%s moved Unaccounted from %llu to %llu", path, lines[0],
			 (unsigned long long)before, (unsigned long long)after);
	meminfo_free(&mi);
}

static void test_other_lines(void **state)
{
	static const char *const zswap[] = { "Zswap" };
	static const char *const unaccepted[] = { "Unaccepted" };
	static const char *const balloon[] = { "Balloon" };
	static const char *const poisoned[] = { "HardwareCorrupted" };
	/* swapped in and mapped: in AnonPages and SwapCached, on the anon LRU once */
	static const char *const mapped_sc[] = { "AnonPages", "SwapCached", "Active(anon)" };
	/* in the swap cache, unmapped: on the anon LRU, not in AnonPages */
	static const char *const unmapped_sc[] = { "SwapCached", "Inactive(anon)" };
	static const char *const anon[] = { "AnonPages", "Active(anon)" };

	(void)state;
	for (size_t f = 0; f < sizeof(fixtures) / sizeof(fixtures[0]); f++) {
		check_invariant(fixtures[f], zswap, 1, 0);
		check_invariant(fixtures[f], unaccepted, 1, 0);
		check_invariant(fixtures[f], balloon, 1, 0);
		check_invariant(fixtures[f], poisoned, 1, 0);
		check_invariant(fixtures[f], mapped_sc, 3, 1 << 20);
		check_invariant(fixtures[f], unmapped_sc, 2, 1 << 20);
		check_invariant(fixtures[f], anon, 2, 0);
	}
}

/* An alloc_pages() leak: MemFree falls, no line rises: Unaccounted by exactly it. */
static void test_page_leak_shows(void **state)
{
	(void)state;
	for (size_t f = 0; f < sizeof(fixtures) / sizeof(fixtures[0]); f++) {
		struct meminfo mi;
		uint64_t before;

		load_meminfo(fixtures[f], &mi);
		bump(&mi, "MemFree", -(int64_t)(256 << 20));
		before = unaccounted(&mi, NULL);
		bump(&mi, "MemFree", -X);
		assert_int_equal(unaccounted(&mi, NULL), before + X);
		meminfo_free(&mi);
	}
}

/*
 * The sources beside meminfo (6.18 full capture): free pages on the
 * per-CPU lists are not in MemFree; zsmalloc pages beyond Zswap's are
 * zram's; without the sources Unaccounted is what meminfo alone gives.
 */
static void test_extra_sources(void **state)
{
	struct meminfo mi, vm;
	struct zoneinfo z;
	struct thp thp = { .partial_folios = 2, .partial_bytes = 4 << 20 };
	struct kmem_extra x;
	struct kmem_summary k;
	struct buf b = { 0 };
	struct kerr e;
	uint64_t alone, with;

	(void)state;
	load_meminfo("tests/fixtures/6.18/full/meminfo", &mi);
	assert_int_equal(buf_read_file(&b, "tests/fixtures/6.18/full/vmstat", BUF_FILE_CAP, &e), 0);
	assert_int_equal(vmstat_parse(b.data, b.len, "vmstat", &vm, &e), 0);
	buf_reset(&b);
	assert_int_equal(buf_read_file(&b, "tests/fixtures/6.18/full/zoneinfo", BUF_FILE_CAP, &e),
			 0);
	assert_int_equal(zoneinfo_parse(b.data, b.len, "zoneinfo", &z, &e), 0);
	buf_free(&b);
	kmem_extra_from(&vm, &z, &thp, 4096, &x);
	assert_true(x.pcp_bytes == z.pcp_pages * 4096 && x.pcp_bytes > 0);
	alone = unaccounted(&mi, NULL);
	with = unaccounted(&mi, &x);
	assert_true(alone > x.pcp_bytes); /* no clamp in the way */
	assert_int_equal(with, alone - x.pcp_bytes);
	/* the drift bound of seven per-CPU counters and the THP bound: noise, not memory */
	kmem_summarize(&mi, &x, true, &k);
	assert_int_equal(k.noise_floor, 7 * z.drift_pages * 4096 + (4 << 20));
	/* zram: 64 MiB more in zsmalloc, MemFree 64 MiB less */
	x.zspages_bytes += X;
	bump(&mi, "MemFree", -X);
	assert_int_equal(unaccounted(&mi, &x), with);
	/* Balloon from vmstat only when meminfo has no line (6.18 prints one: 0) */
	x.have_balloon = true;
	x.balloon_bytes = X;
	assert_int_equal(unaccounted(&mi, &x), with);
	meminfo_free(&vm);
	meminfo_free(&mi);
	/* 6.1 has no Balloon line: nr_balloon_pages counts */
	load_meminfo("tests/fixtures/6.1/meminfo", &mi);
	memset(&x, 0, sizeof(x));
	bump(&mi, "MemFree", -(int64_t)(256 << 20));
	alone = unaccounted(&mi, &x);
	bump(&mi, "MemFree", -X);
	x.have_balloon = true;
	x.balloon_bytes = X;
	assert_int_equal(unaccounted(&mi, &x), alone);
	meminfo_free(&mi);
}

/*
 * vmalloc memory summed over the areas is VmallocUsed (vmalloc_nr_pages)
 * in captures taken at once: areas without pages= (ioremap, vmap, percpu
 * chunks) hold no vmalloc'd memory. Counted at their size they made the
 * total 14-46% more than VmallocUsed in these captures.
 */
static void test_vmalloc_total_is_vmallocused(void **state)
{
	static const char *const dirs[] = { "6.1", "6.12", "6.18", "6.18/full" };

	(void)state;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char path[128];
		struct buf b = { 0 };
		struct meminfo mi;
		struct vmalloc_groups g;
		struct kerr e;
		uint64_t used;

		snprintf(path, sizeof(path), "tests/fixtures/%s/meminfo", dirs[i]);
		load_meminfo(path, &mi);
		assert_true(meminfo_get(&mi, "VmallocUsed", &used));
		snprintf(path, sizeof(path), "tests/fixtures/%s/vmallocinfo", dirs[i]);
		assert_int_equal(buf_read_file(&b, path, BUF_FILE_CAP, &e), 0);
		assert_int_equal(vmalloc_group(b.data, b.len, path, 4096, NULL, NULL, &g, &e), 0);
		/* 6.1's capture: one 16 KiB stack freed between the two reads */
		if (g.total_bytes > used + 65536 || g.total_bytes + 65536 < used)
			fail_msg("%s: vmalloc total %llu, VmallocUsed %llu", dirs[i],
				 (unsigned long long)g.total_bytes, (unsigned long long)used);
		vmalloc_groups_free(&g);
		meminfo_free(&mi);
		buf_free(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_other_lines),
		cmocka_unit_test(test_page_leak_shows),
		cmocka_unit_test(test_extra_sources),
		cmocka_unit_test(test_vmalloc_total_is_vmallocused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
