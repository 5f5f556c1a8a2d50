// SPDX-License-Identifier: GPL-2.0
/*
 * trace_report_build on hand-made readings (no kernel): rows of one call
 * site merged, kmalloc caches named by flavour, GCC clones named by their
 * function, scaling under --sample with the bounds of every estimate
 * (exact binomial ones, zero included, and their coverage), --min-age
 * (bounds of the count shown, unconfirmed objects ranked last), the
 * processes (interrupt context as pid 0) and stacks per call site, rates
 * between two reports; symbols of a module unloaded since; and the
 * renderers' KASLR masking (render_opts.show_addresses) and ranges.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "output/trace_render.h"
#include "trace/trace_report.h"
#include "util/compiler.h"

#define SEC 1000000000ull

static const char kallsyms_text[] =
	"ffffffff81000000 T _text\n"
	"ffffffff81100000 T __alloc_pages\n"
	"ffffffff81100400 T get_page_from_freelist\n"
	"ffffffff81150000 T kmem_cache_alloc_lru\n"
	"ffffffff81200000 T alloc_pipe_info\n"
	"ffffffff81200200 T sock_alloc_inode\n"
	"ffffffff81200400 T __sys_socket\n"
	"ffffffff81200800 t getname_flags.part.0\n"
	"ffffffff81300000 T do_syscall_64\n"
	"ffffffffc0001000 t leak_kmalloc_work\t[kleak_kmalloc_leak]\n";

#define PIPE_SITE 0xffffffff81200010ull /* alloc_pipe_info+0x10 */
#define NAME_SITE 0xffffffff8120082full /* getname_flags.part.0+0x2f */
#define PIPE_TAG \
	TRACE_TAG(TRACE_KMALLOC, TRACE_NO_STACK, TRACE_KMALLOC_EXTRA(KLEAK_KMALLOC_CGROUP, 1024))
#define NAME_TAG \
	TRACE_TAG(TRACE_KMALLOC, TRACE_NO_STACK, TRACE_KMALLOC_EXTRA(KLEAK_KMALLOC_NORMAL, 4096))
#define SOCK_SITE 0xffffffff81200220ull	 /* sock_alloc_inode+0x20 */
#define SYSCALL 0xffffffff81300005ull	 /* do_syscall_64+0x5 */
#define SOCK_CACHE 0xff00888000001000ull /* a struct kmem_cache * as a tag */
#define BPF_PROG 0xffffffffa0000010ull	 /* in no symbol: the program itself */

struct fixture {
	struct trace_ksyms ks;
	struct trace_info info;
	struct trace_stack_table stacks;
	struct trace_read r;
	struct slab_aliases al;
};

static struct trace_site_row row(uint64_t site, uint64_t tag, uint64_t allocs, uint64_t frees,
				 uint64_t repaired, uint64_t size)
{
	struct trace_site_row w = { .key = { site, tag } };

	w.sum.objs = allocs;
	w.sum.frees = frees;
	w.sum.repaired = repaired;
	w.sum.obj_bytes = allocs * size;
	w.sum.free_bytes = frees * size;
	w.sum.repaired_bytes = repaired * size;
	return w;
}

static int row_cmp(const void *a, const void *b)
{
	return trace_site_key_cmp(&((const struct trace_site_row *)a)->key,
				  &((const struct trace_site_row *)b)->key);
}

static long row_of(const struct trace_read *r, uint64_t site, uint64_t tag)
{
	struct trace_site_key k = { site, tag };

	return trace_read_find(r, &k);
}

static void add_refs(struct trace_ref *v, size_t *n, uint32_t row_i, int32_t val, int count)
{
	for (int i = 0; i < count; i++)
		v[(*n)++] = (struct trace_ref){ row_i, val };
}

/* Stacks: 1 and 2 are page allocations from one syscall (their derived
 * call sites meet), 3 and 4 sockets (allocator frames at the top). */
static void stacks_fill(struct trace_stack_table *t)
{
	const uint64_t s1[] = { BPF_PROG, 0xffffffff81100010ull, SYSCALL };
	const uint64_t s2[] = { 0xffffffff81100408ull, SYSCALL };
	const uint64_t s3[] = { 0xffffffff81150004ull, SOCK_SITE, 0xffffffff81200410ull, SYSCALL };
	const uint64_t s4[] = { SOCK_SITE, SYSCALL };

	assert_int_equal(trace_stack_table_add(t, 3, s3, ARRAY_SIZE(s3)), 0);
	assert_int_equal(trace_stack_table_add(t, 1, s1, ARRAY_SIZE(s1)), 0);
	assert_int_equal(trace_stack_table_add(t, 4, s4, ARRAY_SIZE(s4)), 0);
	assert_int_equal(trace_stack_table_add(t, 2, s2, ARRAY_SIZE(s2)), 0);
	trace_stack_table_sort(t);
}

static int setup(void **state)
{
	static const char aliases[] =
		"sock_inode_cache :A-0000704 0\n"
		"foo_cache :A-0000704 0\n"
		":A-0000704 :A-0000704 0\n";
	static struct trace_cache_name caches[] = { { SOCK_CACHE, "sock_inode_cache" } };
	static struct trace_comm comms[] = { { 100, "leaker" }, { 200, "sh" }, { 300, "" } };
	const int32_t irq = trace_ref_who(0, KLEAK_CTX_IRQ);
	struct fixture *f = calloc(1, sizeof(*f));
	struct trace_read *r = &f->r;
	struct kallsyms k = { 0 };
	struct kerr e;
	size_t n = 0;
	long i;

	assert_int_equal(kallsyms_parse(kallsyms_text, strlen(kallsyms_text), "k", &k, &e), 0);
	assert_int_equal(ksym_table_init(&f->ks.t, &k, &e), 0);
	f->ks.loaded = true;
	assert_int_equal(slab_aliases_parse(aliases, strlen(aliases), "a", &f->al, &e), 0);
	f->info = (struct trace_info){ .max_entries = 1024,
				       .sample = 1,
				       .start_ns = 1 * SEC,
				       .nattached = 1,
				       .attached = { "kmalloc" } };
	stacks_fill(&f->stacks);
	r->info = &f->info;
	r->now_ns = 11 * SEC;
	r->stacks = &f->stacks;
	r->nrows = 5;
	r->rows = calloc(r->nrows, sizeof(*r->rows));
	r->rows[0] = row(PIPE_SITE, PIPE_TAG, 100, 40, 10, 1024);
	r->rows[1] = row(SOCK_SITE, SOCK_CACHE, 30, 0, 0, 704);
	r->rows[2] = row(0, TRACE_TAG(TRACE_PAGE, 1, 0), 5, 0, 0, 4096);
	r->rows[3] = row(0, TRACE_TAG(TRACE_PAGE, 2, 0), 7, 0, 0, 4096);
	r->rows[4] = row(NAME_SITE, NAME_TAG, 3, 0, 0, 4096);
	qsort(r->rows, r->nrows, sizeof(*r->rows), row_cmp);
	i = row_of(r, PIPE_SITE, PIPE_TAG);
	r->rows[i].aged_count = 20;
	r->rows[i].aged_bytes = 20 * 1024;
	r->rows[i].oldest_ts_ns = 2 * SEC;
	r->pid_refs = calloc(60, sizeof(*r->pid_refs));
	add_refs(r->pid_refs, &n, (uint32_t)i, 100, 30);
	add_refs(r->pid_refs, &n, (uint32_t)i, 200, 15);
	add_refs(r->pid_refs, &n, (uint32_t)i, 300, 4);
	add_refs(r->pid_refs, &n, (uint32_t)i, 400, 1);
	/* the pathname's three objects: allocated in interrupt context */
	add_refs(r->pid_refs, &n, (uint32_t)row_of(r, NAME_SITE, NAME_TAG), irq, 3);
	r->npid_refs = n;
	qsort(r->pid_refs, r->npid_refs, sizeof(*r->pid_refs), trace_ref_cmp);
	i = row_of(r, SOCK_SITE, SOCK_CACHE);
	n = 0;
	r->stack_refs = calloc(3, sizeof(*r->stack_refs));
	add_refs(r->stack_refs, &n, (uint32_t)i, 3, 1);
	add_refs(r->stack_refs, &n, (uint32_t)i, 4, 2);
	r->nstack_refs = n;
	r->caches = malloc(sizeof(caches));
	memcpy(r->caches, caches, sizeof(caches));
	r->ncaches = ARRAY_SIZE(caches);
	r->comms = malloc(sizeof(comms));
	memcpy(r->comms, comms, sizeof(comms));
	r->ncomms = ARRAY_SIZE(comms);
	r->counters[TC_REPAIRED] = 10;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	trace_read_free(&f->r);
	trace_stack_table_free(&f->stacks);
	trace_ksyms_free(&f->ks);
	slab_aliases_free(&f->al);
	free(f);
	return 0;
}

static const struct trace_callsite *find_cs(const struct trace_report *rep, const char *fn)
{
	for (size_t i = 0; i < rep->ncs; i++)
		if (!strcmp(rep->cs[i].function, fn))
			return &rep->cs[i];
	fail_msg("no call site %s", fn);
	return NULL;
}

static void build(struct fixture *f, struct trace_report_state *st, struct trace_report *rep)
{
	st->aliases = &f->al;
	assert_int_equal(trace_report_build(&f->r, &f->ks, st, rep), 0);
}

static void expect_exact(const struct trace_est *e, uint64_t v)
{
	if (e->v != v || e->lo != v || e->hi != v)
		fail_msg("exact %llu: got %llu [%llu, %llu]", (unsigned long long)v,
			 (unsigned long long)e->v, (unsigned long long)e->lo,
			 (unsigned long long)e->hi);
}

/* Exact: names, merged rows, pids and stacks per call site, sorting, totals. */
static void test_build_exact(void **state)
{
	struct fixture *f = *state;
	struct trace_report_state st = { 0 };
	struct trace_report rep;
	const struct trace_callsite *c;

	build(f, &st, &rep);
	assert_int_equal(rep.ncs, 4); /* the two page rows are one call site */
	assert_int_equal(rep.elapsed_ns, 10 * SEC);
	assert_int_equal(rep.interval_ns, 10 * SEC);
	assert_int_equal(rep.sample, 1);
	assert_int_equal(rep.counters[TC_REPAIRED], 10);
	/* sorted by outstanding bytes: 50 KiB of pipes, 48 KiB of pages, sockets */
	assert_string_equal(rep.cs[0].function, "alloc_pipe_info");
	assert_string_equal(rep.cs[1].function, "do_syscall_64");
	assert_string_equal(rep.cs[2].function, "sock_alloc_inode");

	c = &rep.cs[0];
	assert_string_equal(c->callsite, "alloc_pipe_info+0x10");
	assert_string_equal(c->clone, "");
	/* the cache slabinfo lists: the flavour the gfp flags picked */
	assert_string_equal(c->cache_name, "kmalloc-cg-1k");
	assert_string_equal(c->module, "");
	expect_exact(&c->outstanding_count, 50); /* 100 - 40 freed - 10 repaired */
	expect_exact(&c->outstanding_bytes, 50 * 1024);
	expect_exact(&c->allocs, 100);
	expect_exact(&c->frees, 40);
	expect_exact(&c->repaired, 10);
	/* repairs here: its frees are missed, its objects unconfirmed */
	expect_exact(&c->unconfirmed_count, 50);
	assert_int_equal(c->oldest_age_ns, 9 * SEC);
	assert_true(fabs(c->alloc_rate.v - 10.0) < 1e-9 && c->alloc_rate.lo == c->alloc_rate.v);
	/* top three processes, with their comms; a gone one has none */
	assert_int_equal(c->npids, 3);
	assert_int_equal(c->pids[0].pid, 100);
	expect_exact(&c->pids[0].count, 30);
	assert_string_equal(c->pids[0].comm, "leaker");
	assert_int_equal(c->pids[1].pid, 200);
	assert_string_equal(c->pids[1].comm, "sh");
	assert_int_equal(c->pids[2].pid, 300);
	assert_string_equal(c->pids[2].comm, "");

	c = find_cs(&rep, "do_syscall_64");
	assert_int_equal(c->kind, TRACE_PAGE);
	assert_int_equal(c->addr, SYSCALL);
	assert_string_equal(c->cache_name, "order-0");
	expect_exact(&c->allocs, 12); /* two rows, one call site: merged */
	expect_exact(&c->outstanding_bytes, 12 * 4096);
	expect_exact(&c->unconfirmed_count, 0);

	c = find_cs(&rep, "sock_alloc_inode");
	assert_string_equal(c->cache_name, "sock_inode_cache");
	assert_int_equal(c->naliases, 1);
	assert_string_equal(c->aliases[0], "foo_cache");
	assert_int_equal(c->nstacks, 2);
	assert_int_equal(c->stacks[0].count, 2); /* most objects first */
	assert_int_equal(c->stacks[0].frames[0], SOCK_SITE);
	/* the allocator frame above the call site is cut */
	assert_int_equal(c->stacks[1].count, 1);
	assert_int_equal(c->stacks[1].nframes, 3);
	assert_int_equal(c->stacks[1].frames[0], SOCK_SITE);

	/* a GCC clone: named by the function, the suffix apart */
	c = find_cs(&rep, "getname_flags");
	assert_string_equal(c->clone, ".part.0");
	assert_string_equal(c->callsite, "getname_flags.part.0+0x2f");
	assert_string_equal(c->cache_name, "kmalloc-4k");
	/* allocated in interrupt context: no process, pid 0 */
	assert_int_equal(c->npids, 1);
	assert_int_equal(c->pids[0].pid, 0);
	assert_string_equal(c->pids[0].comm, "[irq]");

	expect_exact(&rep.outstanding_count, 50 + 12 + 30 + 3);
	expect_exact(&rep.outstanding_bytes, 50 * 1024 + 12 * 4096 + 30 * 704 + 3 * 4096);
	expect_exact(&rep.unconfirmed_count, 50);
	trace_report_free(&rep);
	trace_report_state_free(&st);
}

static void expect_bounds(const struct trace_est *e, uint64_t v, uint64_t k, uint32_t n)
{
	uint64_t lo, hi;

	binom_pop_bounds(k, 1.0 / n, TRACE_ALPHA, NULL, &lo, &hi);
	if (e->v != v || e->lo != lo || e->hi != hi || lo > v || hi < v)
		fail_msg("k %llu: got %llu [%llu, %llu], want %llu [%llu, %llu]",
			 (unsigned long long)k, (unsigned long long)e->v, (unsigned long long)e->lo,
			 (unsigned long long)e->hi, (unsigned long long)v, (unsigned long long)lo,
			 (unsigned long long)hi);
}

/*
 * --sample 64: outstanding scaled from the objects tracked, allocs from the
 * events drawn, each with its exact binomial bounds; frees from the
 * identity allocs = frees + repaired + outstanding; bytes at the object size.
 */
static void test_build_sample(void **state)
{
	struct fixture *f = *state;
	struct trace_report_state st = { 0 };
	struct trace_report rep;
	const struct trace_callsite *c;
	long i = row_of(&f->r, PIPE_SITE, PIPE_TAG);

	f->info.sample = 64;
	f->r.rows[i].sum.allocs = 90; /* allocation events drawn 1 in 64 */
	f->r.rows[i].sum.alloc_bytes = 90 * 1024;
	build(f, &st, &rep);
	assert_int_equal(rep.sample, 64);
	c = find_cs(&rep, "alloc_pipe_info");
	expect_bounds(&c->outstanding_count, 50 * 64, 50, 64);
	assert_int_equal(c->outstanding_bytes.v, 50 * 64 * 1024);
	assert_int_equal(c->outstanding_bytes.lo, c->outstanding_count.lo * 1024);
	assert_int_equal(c->outstanding_bytes.hi, c->outstanding_count.hi * 1024);
	expect_bounds(&c->allocs, 90 * 64, 90, 64);
	expect_bounds(&c->repaired, 10 * 64, 10, 64);
	/* frees: 90*64 - 10*64 - 50*64, within bounds that hold it */
	assert_int_equal(c->frees.v, 30 * 64);
	assert_true(c->frees.lo < c->frees.v && c->frees.hi > c->frees.v);
	assert_true(c->frees.hi <= c->allocs.hi);
	expect_bounds(&c->pids[0].count, 30 * 64, 30, 64);
	/* the totals: one binomial over every call site's objects */
	expect_bounds(&rep.outstanding_count, 64 * (50 + 12 + 30 + 3), 50 + 12 + 30 + 3, 64);
	/* a call site drawn nothing yet still has an upper bound */
	c = find_cs(&rep, "sock_alloc_inode");
	assert_int_equal(c->allocs.v, 0);
	assert_true(c->allocs.hi > 0 && c->allocs.lo == 0);
	trace_report_free(&rep);
	trace_report_state_free(&st);
}

/*
 * The bounds hold their 95% at every size, zero drawn included: 2,000
 * simulated draws of populations of 30 (mostly 0 drawn at 1 in 64) and
 * 5,000. The old error, 1.96 N sqrt(k), held 30 in only about a quarter
 * of them ("0 +- 0" whenever nothing was drawn).
 */
static void test_bounds_coverage(void **state)
{
	static const uint64_t sizes[] = { 30, 5000 };
	struct binom_memo *memo = calloc(1, sizeof(*memo));
	uint64_t rng = 0x9e3779b97f4a7c15ull;

	(void)state;
	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
		int covered = 0, old = 0, runs = 2000;

		for (int t = 0; t < runs; t++) {
			uint64_t k = 0, lo, hi;
			double err;

			for (uint64_t j = 0; j < sizes[s]; j++) {
				rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
				k += (rng >> 32) < (1ull << 32) / 64;
			}
			binom_pop_bounds(k, 1.0 / 64, TRACE_ALPHA, memo, &lo, &hi);
			covered += lo <= sizes[s] && sizes[s] <= hi;
			assert_true(hi > 0);
			err = 1.96 * 64 * sqrt((double)k);
			old += fabs((double)k * 64 - (double)sizes[s]) <= err;
		}
		if (covered < runs * 95 / 100)
			fail_msg("population %llu: covered %d of %d", (unsigned long long)sizes[s],
				 covered, runs);
		if (sizes[s] == 30 && old > runs / 2)
			fail_msg("the old error covered 30 in %d of %d", old, runs);
	}
	free(memo);
}

/* Exact bounds against the binomial tails they come from. */
static void test_bounds_exact(void **state)
{
	uint64_t lo, hi;

	(void)state;
	binom_pop_bounds(0, 1.0 / 64, 0.05, NULL, &lo, &hi);
	assert_int_equal(lo, 0);
	/* (63/64)^n > 0.025 up to n = 234 */
	assert_int_equal(hi, 234);
	assert_true(binom_cdf(0, 234, 1.0 / 64) > 0.025);
	assert_true(binom_cdf(0, 235, 1.0 / 64) <= 0.025);
	binom_pop_bounds(10, 0.5, 0.05, NULL, &lo, &hi);
	assert_true(binom_cdf(10, hi, 0.5) > 0.025 && binom_cdf(10, hi + 1, 0.5) <= 0.025);
	assert_true(1 - binom_cdf(9, lo, 0.5) > 0.025 && 1 - binom_cdf(9, lo - 1, 0.5) <= 0.025);
	binom_pop_bounds(7, 1, 0.05, NULL, &lo, &hi); /* exact */
	assert_true(lo == 7 && hi == 7);
	/* the normal branch meets the exact one */
	binom_pop_bounds(1000, 1.0 / 64, 0.05, NULL, &lo, &hi);
	{
		uint64_t lo2, hi2;

		binom_pop_bounds(1001, 1.0 / 64, 0.05, NULL, &lo2, &hi2);
		assert_true(lo2 >= lo && lo2 - lo < 200 && hi2 >= hi && hi2 - hi < 200);
	}
}

/*
 * --min-age: outstanding is what is at least that old, its bounds those of
 * the aged count shown; confirmed old objects rank before unconfirmed ones.
 */
static void test_build_min_age(void **state)
{
	struct fixture *f = *state;
	struct trace_report_state st = { .min_age_ns = 5 * SEC };
	struct trace_report rep;
	long i = row_of(&f->r, SOCK_SITE, SOCK_CACHE);

	f->info.sample = 2;
	f->r.rows[i].aged_count = 25; /* sockets: old, no missed free at their site */
	f->r.rows[i].aged_bytes = 25 * 704;
	build(f, &st, &rep);
	assert_int_equal(rep.min_age_ns, 5 * SEC);
	/* 17 KiB of confirmed sockets before 40 KiB of unconfirmed pipe buffers */
	assert_string_equal(rep.cs[0].function, "sock_alloc_inode");
	assert_string_equal(rep.cs[1].function, "alloc_pipe_info");
	expect_bounds(&rep.cs[1].outstanding_count, 40, 20, 2);
	assert_int_equal(rep.cs[1].outstanding_bytes.v, 40 * 1024);
	expect_bounds(&rep.cs[1].unconfirmed_count, 40, 20, 2);
	assert_int_equal(rep.cs[0].unconfirmed_count.v, 0);
	assert_int_equal(find_cs(&rep, "do_syscall_64")->outstanding_count.v, 0);
	expect_bounds(&rep.outstanding_count, 90, 45, 2);
	expect_bounds(&rep.unconfirmed_count, 40, 20, 2);
	assert_true(trace_render_shown(&rep, &rep.cs[0]));
	assert_false(trace_render_shown(&rep, find_cs(&rep, "do_syscall_64")));
	trace_report_free(&rep);
	trace_report_state_free(&st);
}

/* A delete that failed leaves its object: the site's objects are unconfirmed. */
static void test_build_missed_delete(void **state)
{
	struct fixture *f = *state;
	struct trace_report_state st = { 0 };
	struct trace_report rep;

	f->r.rows[row_of(&f->r, SOCK_SITE, SOCK_CACHE)].sum.missed_deletes = 1;
	build(f, &st, &rep);
	expect_exact(&find_cs(&rep, "sock_alloc_inode")->unconfirmed_count, 30);
	expect_exact(&rep.unconfirmed_count, 50 + 30);
	trace_report_free(&rep);
	trace_report_state_free(&st);
}

/* Rates: against the previous report, over the time between them. */
static void test_build_rates(void **state)
{
	struct fixture *f = *state;
	struct trace_report_state st = { 0 };
	struct trace_report rep;
	long i = row_of(&f->r, PIPE_SITE, PIPE_TAG);

	build(f, &st, &rep);
	trace_report_free(&rep);
	f->r.now_ns += 2 * SEC;
	f->r.rows[i].sum.objs += 100;
	f->r.rows[i].sum.frees += 50;
	build(f, &st, &rep);
	assert_int_equal(rep.interval_ns, 2 * SEC);
	assert_true(fabs(find_cs(&rep, "alloc_pipe_info")->alloc_rate.v - 50.0) < 1e-9);
	assert_true(fabs(find_cs(&rep, "alloc_pipe_info")->free_rate.v - 25.0) < 1e-9);
	assert_true(find_cs(&rep, "sock_alloc_inode")->alloc_rate.v == 0);
	trace_report_free(&rep);
	trace_report_state_free(&st);
}

/* Under --sample, rates come with bounds that contain them. */
static void test_build_rates_sampled(void **state)
{
	struct fixture *f = *state;
	struct trace_report_state st = { 0 };
	struct trace_report rep;
	const struct trace_callsite *c;
	long i = row_of(&f->r, PIPE_SITE, PIPE_TAG);

	f->info.sample = 8;
	f->r.rows[i].sum.allocs = 100;
	build(f, &st, &rep);
	trace_report_free(&rep);
	f->r.now_ns += 2 * SEC;
	f->r.rows[i].sum.allocs += 40;
	build(f, &st, &rep);
	c = find_cs(&rep, "alloc_pipe_info");
	assert_true(fabs(c->alloc_rate.v - 40 * 8 / 2.0) < 1e-9);
	assert_true(c->alloc_rate.lo < c->alloc_rate.v && c->alloc_rate.hi > c->alloc_rate.v);
	assert_true(c->free_rate.lo <= c->free_rate.v && c->free_rate.hi >= c->free_rate.v);
	trace_report_free(&rep);
	trace_report_state_free(&st);
}

/* A module unloaded after its call sites were seen keeps their names. */
static void test_ksyms_older(void **state)
{
	static const char now[] =
		"ffffffff81000000 T _text\n"
		"ffffffff81200000 T alloc_pipe_info\n";
	struct fixture *f = *state;
	struct trace_ksyms *old = malloc(sizeof(*old));
	struct trace_ksyms k = { 0 };
	struct kallsyms ks = { 0 };
	const char *name, *mod;
	uint64_t off;
	struct kerr e;

	*old = f->ks;
	memset(&f->ks, 0, sizeof(f->ks));
	assert_int_equal(kallsyms_parse(now, strlen(now), "k", &ks, &e), 0);
	assert_int_equal(ksym_table_init(&k.t, &ks, &e), 0);
	k.loaded = true;
	k.older = old;
	assert_true(trace_ksyms_lookup(&k, 0xffffffffc0001010ull, &name, &off, &mod));
	assert_string_equal(name, "leak_kmalloc_work");
	assert_string_equal(mod, "kleak_kmalloc_leak");
	assert_int_equal(off, 0x10);
	assert_true(trace_ksyms_lookup(&k, PIPE_SITE, &name, &off, &mod));
	assert_string_equal(name, "alloc_pipe_info");
	trace_ksyms_free(&k);
}

static char *render(const struct trace_report *rep, bool json, bool addrs)
{
	struct render_opts o = { .top = 10, .show_addresses = addrs };
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (json)
		trace_render_json(m, rep, &o);
	else
		trace_render_text(m, rep, &o);
	fclose(m);
	return buf;
}

/* Raw kernel addresses (KASLR) only with show_addresses, in both views. */
static void test_render_addresses(void **state)
{
	struct fixture *f = *state;
	struct trace_report_state st = { 0 };
	struct trace_report rep;
	char *out;

	build(f, &st, &rep);
	for (int json = 0; json < 2; json++) {
		out = render(&rep, json, false);
		if (strstr(out, "0xffff") || strstr(out, "\"address\""))
			fail_msg("an address without --show-addresses:\n%s", out);
		assert_non_null(strstr(out, "alloc_pipe_info+0x10"));
		assert_non_null(strstr(out, json ? "\"sock_alloc_inode+0x20\""
						 : "        sock_alloc_inode+0x20\n"));
		free(out);
		out = render(&rep, json, true);
		assert_non_null(strstr(out, json ? "\"address\":\"0xffffffff81200010\""
						 : "0xffffffff81200010 alloc_pipe_info+0x10"));
		assert_non_null(strstr(out, "0xffffffff81200220 sock_alloc_inode+0x20"));
		free(out);
	}
	trace_report_free(&rep);
	trace_report_state_free(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_build_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_sample, setup, teardown),
		cmocka_unit_test(test_bounds_coverage),
		cmocka_unit_test(test_bounds_exact),
		cmocka_unit_test_setup_teardown(test_build_min_age, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_missed_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_rates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_rates_sampled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ksyms_older, setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_addresses, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
