// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for kleak investigate's decisions (src/analyze/investigate*):
 * the detect step on synthetic series (a leak is the suspect, flat noise is
 * "nothing grows", a weak grower only at the deadline, Unaccounted never an
 * early suspect, reclaimable growth with evidence is a suspect), the
 * widening series, localize's chain and shares (allocinfo site joined by
 * growth, a vmalloc module resolved to its caller, the socket inode named
 * for its object graph, a kmalloc cache never renamed), the confirm plan on
 * machines without root, BTF, vmalloc tracepoints or kmemleak, the trace
 * judgement (leaker against twin and churn), generic helpers and the caller
 * behind them, allocinfo joins by name and by growth, kmemleak matching,
 * the reclaim decision, and the verdicts.
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

#include "analyze/investigate.h"
#include "parse/kallsyms.h"
#include "parse/kstate.h"
#include "util/compiler.h"

#define SEC 1000000000ull
#define MB_H (1e6 / 3600) /* bytes per second of 1 MB/h */

static uint64_t rng = 88172645463325252ULL;
static double noise(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng % 2000001) / 1000000.0 - 1.0;
}

/* A series in a synthetic run: bytes at second t. */
struct gen {
	enum series_source src;
	const char *name, *module;
	double base, per_s, noise;
	int reclaimable; /* -1 unknown */
	bool aggregate;
};

/* Feeds n samples, one a second, of every generator into set. */
static void feed(struct series_set *set, const struct gen *g, size_t ng, int n)
{
	for (int t = 0; t < n; t++) {
		series_sample_begin(set, (uint64_t)t * SEC + SEC);
		for (size_t i = 0; i < ng; i++) {
			double v = g[i].base + g[i].per_s * t + g[i].noise * noise();
			long k = series_add(set, g[i].src, g[i].name, g[i].module,
					    v > 0 ? (uint64_t)v : 0);

			assert_true(k >= 0);
			set->v[k].reclaimable = g[i].reclaimable;
			set->v[k].aggregate = g[i].aggregate;
		}
		series_sample_end(set);
	}
}

/* Many quiet caches: the family the Holm step is taken over. */
static size_t quiet_caches(struct gen *g, size_t at, size_t n)
{
	static char names[200][32];

	for (size_t i = 0; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "cache-%zu", i);
		g[at + i] = (struct gen){ SERIES_SLAB, names[i], NULL, 1e6, 0, 2048, 0, false };
	}
	return at + n;
}

static void detect_opts(struct trend_opts *to, struct inv_opts *o)
{
	inv_opts_default(o);
	trend_opts_default(to);
	to->leak_window_s = o->detect_evidence_s;
}

static void test_detect_suspect(void **state)
{
	struct gen g[120] = {
		{ SERIES_MEMINFO, "SUnreclaim", NULL, 50e6, 10 * MB_H, 4096, 0, true },
		{ SERIES_SLAB, "kmalloc-512", NULL, 2e6, 10 * MB_H, 1024, 0, false },
	};
	size_t n = quiet_caches(g, 2, 100);
	struct series_set set;
	struct trend_report rep = { 0 };
	struct trend_opts to;
	struct inv_opts o;
	struct inv_detect_decision d;

	(void)state;
	detect_opts(&to, &o);
	assert_int_equal(series_set_init(&set, o.points), 0);
	feed(&set, g, n, 70);
	assert_int_equal(trend_analyze(&set, &to, &rep), 0);
	investigate_detect_decide(&set, &rep, &to, &o, 70, false, &d);
	assert_int_equal(d.stop, INV_STOP_SUSPECT);
	assert_false(d.weak);
	assert_string_equal(set.v[rep.v[d.suspect].series].name, "kmalloc-512");
	trend_report_free(&rep);
	series_set_free(&set);
}

static void test_detect_quiet_and_deadline(void **state)
{
	struct gen g[120] = {
		{ SERIES_MEMINFO, "Unaccounted", NULL, 50e6, 200 * MB_H, 1e5, 0, true },
	};
	size_t n = quiet_caches(g, 1, 100);
	struct series_set set;
	struct trend_report rep = { 0 };
	struct trend_opts to;
	struct inv_opts o;
	struct inv_detect_decision d;

	(void)state;
	detect_opts(&to, &o);
	assert_int_equal(series_set_init(&set, o.points), 0);
	feed(&set, g, n, 40);
	assert_int_equal(trend_analyze(&set, &to, &rep), 0);
	/* Unaccounted grows fast, but is never an early suspect */
	investigate_detect_decide(&set, &rep, &to, &o, 40, false, &d);
	assert_int_equal(d.stop, INV_STOP_RUNNING);
	feed(&set, g, n, 30);
	assert_int_equal(trend_analyze(&set, &to, &rep), 0);
	investigate_detect_decide(&set, &rep, &to, &o, 70, false, &d);
	assert_int_equal(d.stop, INV_STOP_QUIET);
	assert_int_equal(d.suspect, -1);
	trend_report_free(&rep);
	series_set_free(&set);
}

/*
 * A grower whose growth stays within three times its noise (within_noise):
 * never a suspect before the deadline, the likeliest grower (weak) at it.
 */
static void test_detect_weak(void **state)
{
	struct gen g[120] = {
		{ SERIES_SLAB, "slowish", NULL, 2e6, 230, 10000, 0, false },
	};
	size_t n = quiet_caches(g, 1, 100);
	struct series_set set;
	struct trend_report rep = { 0 };
	struct trend_opts to;
	struct inv_opts o;
	struct inv_detect_decision d;

	(void)state;
	rng = 88172645463325252ULL; /* a draw where the growth stays within the noise */
	detect_opts(&to, &o);
	assert_int_equal(series_set_init(&set, o.points), 0);
	feed(&set, g, n, 100);
	assert_int_equal(trend_analyze(&set, &to, &rep), 0);
	investigate_detect_decide(&set, &rep, &to, &o, 100, false, &d);
	assert_int_equal(d.stop, INV_STOP_RUNNING); /* near the bar: keep watching */
	investigate_detect_decide(&set, &rep, &to, &o, 100, true, &d);
	assert_int_equal(d.stop, INV_STOP_DEADLINE);
	assert_true(d.weak);
	assert_string_equal(set.v[rep.v[d.suspect].series].name, "slowish");
	trend_report_free(&rep);
	series_set_free(&set);
}

/*
 * A steady grower under other workloads' bursts: p 1 family-wise, but
 * 300 MB/h, 5x its noise, its floor rising. Detect keeps watching until
 * its deadline; within its noise, bursts over a flat floor, a slow series
 * or an aggregate let it stop (nothing grows).
 */
static void test_detect_strong_grower(void **state)
{
	struct gen g[2] = {
		{ SERIES_SLAB, "dentry", NULL, 2e6, 0, 0, 1, false },
		{ SERIES_MEMINFO, "SReclaimable", NULL, 50e6, 0, 0, 1, true },
	};
	struct trend_leak v[1];
	struct trend_report rep = { .v = v, .n = 1 };
	struct series_set set;
	struct trend_opts to;
	struct inv_opts o;
	struct inv_detect_decision d;
	const struct trend_leak strong = {
		.series = 0,
		.rate_bytes_per_hour = 300e6,
		.recent_rate_bytes_per_hour = 300e6,
		.p_trend = 0.5,
		.p = 1,
		.p_adjusted = 1,
		.noise_bytes = 1e6,
		.random_walk = true,
		.evidence_s = 60,
		.growth_bytes = 5e6,
		.floor_rise_bytes = 4e6,
		.peak_growth_bytes = 5e6,
		.verdict = TREND_FLUCTUATING,
		.reason = TREND_REASON_NO_TREND,
	};

	(void)state;
	detect_opts(&to, &o);
	assert_int_equal(series_set_init(&set, o.points), 0);
	feed(&set, g, 2, 5);
	v[0] = strong;
	investigate_detect_decide(&set, &rep, &to, &o, 70, false, &d);
	assert_int_equal(d.stop, INV_STOP_RUNNING);
	investigate_detect_decide(&set, &rep, &to, &o, 300, true, &d);
	assert_int_equal(d.stop, INV_STOP_DEADLINE);
	assert_int_equal(d.suspect, -1); /* no trend of its own: no weak suspect either */
	v[0].noise_bytes = 2e6;		 /* 5 MB is 2.5x its noise */
	investigate_detect_decide(&set, &rep, &to, &o, 70, false, &d);
	assert_int_equal(d.stop, INV_STOP_QUIET);
	v[0] = strong;
	v[0].floor_rise_bytes = 0; /* bursts over a flat floor */
	investigate_detect_decide(&set, &rep, &to, &o, 70, false, &d);
	assert_int_equal(d.stop, INV_STOP_QUIET);
	v[0] = strong;
	v[0].rate_bytes_per_hour = 3e6; /* under 16x the 256 KiB/h floor */
	v[0].growth_bytes = v[0].floor_rise_bytes = 50e3;
	v[0].noise_bytes = 1e3;
	investigate_detect_decide(&set, &rep, &to, &o, 70, false, &d);
	assert_int_equal(d.stop, INV_STOP_QUIET);
	v[0] = strong;
	v[0].series = 1; /* an aggregate: its parts decide */
	v[0].aggregate = true;
	investigate_detect_decide(&set, &rep, &to, &o, 70, false, &d);
	assert_int_equal(d.stop, INV_STOP_QUIET);
	series_set_free(&set);
}

/* dentry (reclaimable) growing with the evidence is a suspect too. */
static void test_detect_reclaimable(void **state)
{
	struct gen g[120] = {
		{ SERIES_SLAB, "dentry", NULL, 2e6, 100 * MB_H, 4096, 1, false },
	};
	size_t n = quiet_caches(g, 1, 100);
	struct series_set set;
	struct trend_report rep = { 0 };
	struct trend_opts to;
	struct inv_opts o;
	struct inv_detect_decision d;

	(void)state;
	detect_opts(&to, &o);
	assert_int_equal(series_set_init(&set, o.points), 0);
	feed(&set, g, n, 45);
	assert_int_equal(trend_analyze(&set, &to, &rep), 0);
	investigate_detect_decide(&set, &rep, &to, &o, 45, false, &d);
	assert_int_equal(d.stop, INV_STOP_SUSPECT);
	assert_string_equal(set.v[rep.v[d.suspect].series].name, "dentry");
	assert_int_equal(rep.v[d.suspect].verdict, TREND_RECLAIMABLE);
	trend_report_free(&rep);
	series_set_free(&set);
}

static void test_budget_and_widen(void **state)
{
	struct inv_opts o;
	struct series_set set;
	struct gen g = { SERIES_SLAB, "x", NULL, 0, 100, 0, 0, false };

	(void)state;
	inv_opts_default(&o);
	assert_float_equal(investigate_detect_budget(&o, 600), 450, 1e-9);   /* 150 s kept */
	assert_float_equal(investigate_detect_budget(&o, 3600), 3420, 1e-9); /* at most 180 */
	assert_float_equal(investigate_detect_budget(&o, 40), 20, 1e-9); /* half of a short run */
	assert_float_equal(investigate_min_age_s(&o, 600), 30, 1e-9);
	assert_float_equal(investigate_min_age_s(&o, 30), 10, 1e-9);
	assert_float_equal(investigate_min_age_s(&o, 6), 5, 1e-9);
	/* the store halves its points at 8; widening keeps one sample a point */
	assert_int_equal(series_set_init(&set, 8), 0);
	feed(&set, &g, 1, 8);
	assert_int_equal(set.stride, 2);
	assert_int_equal(set.n, 4);
	series_set_widen(&set);
	assert_int_equal(set.stride, 1);
	series_set_widen(&set);
	assert_int_equal(set.stride, 1);
	series_set_free(&set);
}

/* ---- localize ---- */

static const char slabinfo_text[] =
	"slabinfo - version: 2.1\n"
	"# name <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables "
	"<limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n"
	"kmalloc-512 1000 1024 512 16 2 : tunables 0 0 0 : slabdata 64 64 0\n"
	"sock_inode_cache 300 323 832 19 4 : tunables 0 0 0 : slabdata 17 17 0\n"
	"RAW 14 14 1152 14 4 : tunables 0 0 0 : slabdata 1 1 0\n"
	"ext4_inode_cache 900 900 1128 29 8 : tunables 0 0 0 : slabdata 31 31 0\n"
	"dentry 2100 2100 192 21 1 : tunables 0 0 0 : slabdata 100 100 0\n";

static const char aliases_text[] =
	"RAW :A-0001152 0\nUNIX-STREAM :A-0001152 0\n"
	"sock_inode_cache sock_inode_cache 1\n";

struct loc_fx {
	struct series_set set, kset;
	struct trend_report rep, krep;
	struct slabinfo si;
	struct slab_aliases al;
	struct inv_localize l;
};

static void loc_run(struct loc_fx *f, const struct gen *g, size_t n, const char *suspect_name)
{
	struct trend_opts to;
	struct inv_opts o;
	struct kerr e;
	struct gen k = { SERIES_MEMINFO, "kernel", NULL, 300e6, 0, 0, 0, true };
	struct inv_localize_in in = { .set = &f->set,
				      .rep = &f->rep,
				      .suspect = -1,
				      .kernel = &f->kset,
				      .kernel_rep = &f->krep,
				      .slabinfo = &f->si,
				      .aliases = &f->al,
				      .page_size = 4096 };

	detect_opts(&to, &o);
	for (size_t i = 0; i < n; i++)
		k.per_s += g[i].aggregate ? 0 : g[i].per_s;
	assert_int_equal(slabinfo_parse(slabinfo_text, strlen(slabinfo_text), "s", &f->si, &e), 0);
	assert_int_equal(slab_aliases_parse(aliases_text, strlen(aliases_text), "a", &f->al, &e),
			 0);
	assert_int_equal(series_set_init(&f->set, o.points), 0);
	assert_int_equal(series_set_init(&f->kset, o.points), 0);
	feed(&f->set, g, n, 60);
	feed(&f->kset, &k, 1, 60);
	assert_int_equal(trend_analyze(&f->set, &to, &f->rep), 0);
	assert_int_equal(trend_analyze(&f->kset, &to, &f->krep), 0);
	for (size_t i = 0; i < f->rep.n; i++)
		if (!strcmp(f->set.v[f->rep.v[i].series].name, suspect_name))
			in.suspect = (long)i;
	assert_true(in.suspect >= 0);
	assert_int_equal(investigate_localize(&in, &o, &f->l), 0);
}

static void loc_free(struct loc_fx *f)
{
	trend_report_free(&f->rep);
	trend_report_free(&f->krep);
	series_set_free(&f->set);
	series_set_free(&f->kset);
	slabinfo_free(&f->si);
	slab_aliases_free(&f->al);
}

static const struct inv_link *role(const struct inv_localize *l, enum inv_role r)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].role == r)
			return &l->v[i];
	return NULL;
}

static void test_localize_chain(void **state)
{
	const struct gen g[] = {
		{ SERIES_MEMINFO, "SUnreclaim", NULL, 50e6, 10.4 * MB_H, 512, 0, true },
		{ SERIES_SLAB, "kmalloc-512", NULL, 2e6, 10 * MB_H, 256, 0, false },
		{ SERIES_ALLOCINFO, "leak_kmalloc_work drv/leak.c:37 [leaky]", "leaky", 0,
		  9.8 * MB_H, 0, -1, false },
		{ SERIES_ALLOCINFO, "other_work drv/other.c:10 [other]", "other", 0, 50 * MB_H, 0,
		  -1, false },
	};
	struct loc_fx f = { 0 };
	const struct inv_link *s, *a, *site;

	(void)state;
	loc_run(&f, g, ARRAY_SIZE(g), "kmalloc-512");
	assert_int_equal(f.l.kind, INV_KIND_SLAB);
	s = &f.l.v[f.l.suspect];
	a = &f.l.v[f.l.aggregate];
	assert_string_equal(s->s.name, "kmalloc-512");
	assert_string_equal(a->s.name, "SUnreclaim");
	assert_int_equal(a->role, INV_ROLE_AGGREGATE);
	assert_float_equal(s->share, 10.0 / 10.4, 0.05);
	assert_float_equal(s->object_bytes, 512, 1e-9);
	site = &f.l.v[f.l.site];
	/* the site whose growth matches, not the faster one elsewhere */
	assert_string_equal(site->s.name, "leak_kmalloc_work drv/leak.c:37 [leaky]");
	assert_non_null(role(&f.l, INV_ROLE_KERNEL));
	loc_free(&f);
}

/* A site suspect becomes the cache it lives in; a module its caller. */
static void test_localize_refine(void **state)
{
	const struct gen g1[] = {
		{ SERIES_ALLOCINFO, "leak_kmalloc_work drv/leak.c:37 [leaky]", "leaky", 0,
		  20 * MB_H, 0, -1, false },
		{ SERIES_SLAB, "kmalloc-512", NULL, 2e6, 20.5 * MB_H, 256, 0, false },
	};
	const struct gen g2[] = {
		{ SERIES_VMALLOC_MODULE, "kmem_test", NULL, 0, 36 * MB_H, 0, -1, false },
		{ SERIES_VMALLOC_CALLER, "kmem_alloc", "kmem_test", 0, 36 * MB_H, 0, -1, false },
		{ SERIES_MEMINFO, "VmallocUsed", NULL, 30e6, 36 * MB_H, 0, 0, true },
	};
	struct loc_fx f = { 0 }, h = { 0 };

	(void)state;
	loc_run(&f, g1, ARRAY_SIZE(g1), "leak_kmalloc_work drv/leak.c:37 [leaky]");
	assert_string_equal(f.l.v[f.l.suspect].s.name, "kmalloc-512");
	assert_true(f.l.site >= 0);
	assert_string_equal(f.l.v[f.l.site].s.name, "leak_kmalloc_work drv/leak.c:37 [leaky]");
	loc_free(&f);
	loc_run(&h, g2, ARRAY_SIZE(g2), "kmem_test");
	assert_int_equal(h.l.kind, INV_KIND_VMALLOC);
	assert_string_equal(h.l.v[h.l.suspect].s.name, "kmem_alloc");
	assert_string_equal(h.l.v[h.l.suspect].s.module, "kmem_test");
	assert_string_equal(h.l.v[h.l.aggregate].s.name, "VmallocUsed");
	assert_non_null(role(&h.l, INV_ROLE_MODULE));
	loc_free(&h);
}

/*
 * 20 sockets a second: the protocol's sock (RAW, merged with UNIX-STREAM)
 * and the socket inode grow at one object rate: the suspect is named
 * sock_inode_cache. A kmalloc cache growing at an inode cache's object
 * rate is not renamed.
 */
static void test_localize_object_graph(void **state)
{
	const struct gen g1[] = {
		{ SERIES_SLAB, "RAW", NULL, 1e6, 20 * 16384.0 / 14, 2048, 0, false },
		{ SERIES_SLAB, "sock_inode_cache", NULL, 1e6, 20 * 16384.0 / 19, 2048, 1, false },
	};
	const struct gen g2[] = {
		{ SERIES_SLAB, "kmalloc-512", NULL, 1e6, 20 * 512.0, 2048, 0, false },
		{ SERIES_SLAB, "ext4_inode_cache", NULL, 1e6, 20 * 32768.0 / 29, 2048, 1, false },
	};
	struct loc_fx f = { 0 }, h = { 0 };
	const struct inv_link *fol;

	(void)state;
	loc_run(&f, g1, ARRAY_SIZE(g1), "RAW");
	assert_string_equal(f.l.v[f.l.suspect].s.name, "sock_inode_cache");
	fol = role(&f.l, INV_ROLE_FOLLOWER);
	assert_non_null(fol);
	assert_string_equal(fol->s.name, "RAW");
	assert_string_equal(fol->aliases, "UNIX-STREAM");
	assert_float_equal(fol->share, 1.0, 0.1);
	loc_free(&f);
	loc_run(&h, g2, ARRAY_SIZE(g2), "kmalloc-512");
	assert_string_equal(h.l.v[h.l.suspect].s.name, "kmalloc-512");
	assert_null(role(&h.l, INV_ROLE_FOLLOWER));
	loc_free(&h);
}

/* ---- confirm ---- */

static void test_plan(void **state)
{
	struct inv_caps all = { .root = true, .btf = true, .vmalloc_tp = true, .kmemleak = true },
			noroot = { .btf = true },
			old = { .root = true, .btf = true, .kmemleak_why = "absent: no kmemleak" };
	struct inv_plan p;

	(void)state;
	investigate_plan(INV_KIND_SLAB, "kmalloc-512", &all, INV_CONFIRM_AUTO, &p);
	assert_true(p.run[INV_M_TRACE] && p.run[INV_M_KMEMLEAK] && p.run[INV_M_RECLAIM]);
	assert_int_equal(p.nnot, 0);
	investigate_plan(INV_KIND_SLAB, "kmalloc-512", &noroot, INV_CONFIRM_AUTO, &p);
	assert_false(p.run[INV_M_TRACE]);
	assert_int_equal(p.not_run[0].method, INV_M_TRACE);
	assert_non_null(strstr(p.not_run[0].reason, "root"));
	assert_non_null(strstr(p.not_run[0].missing, "call site"));
	investigate_plan(INV_KIND_VMALLOC, "kmem_alloc", &old, INV_CONFIRM_AUTO, &p);
	assert_true(p.run[INV_M_VMALLOCINFO]);
	assert_false(p.run[INV_M_VMALLOC_TRACE]);
	assert_int_equal(p.nnot, 2); /* vmalloc tracepoints, kmemleak */
	assert_int_equal(p.not_run[0].method, INV_M_VMALLOC_TRACE);
	assert_non_null(strstr(p.not_run[0].reason, "6.2"));
	assert_string_equal(p.not_run[1].reason, "absent: no kmemleak");
	investigate_plan(INV_KIND_SLAB, "dentry", &all, INV_CONFIRM_NONE, &p);
	assert_false(p.run[INV_M_TRACE] || p.run[INV_M_KMEMLEAK]);
	assert_int_equal(p.nnot, 1);
	investigate_plan(INV_KIND_VMALLOC, "kmem_alloc", &all, INV_CONFIRM_COUNT, &p);
	assert_false(p.run[INV_M_COUNT]);
	assert_int_equal(p.not_run[0].method, INV_M_COUNT);
	investigate_plan(INV_KIND_MEMINFO, "Unaccounted", &all, INV_CONFIRM_AUTO, &p);
	assert_true(p.run[INV_M_TRACE] && p.trace_pages);
	investigate_plan(INV_KIND_NONE, NULL, &noroot, INV_CONFIRM_AUTO, &p);
	assert_false(p.run[INV_M_TRACE]);
	assert_int_equal(p.nnot, 1);
}

static const char kallsyms_text[] =
	"ffffffff81000000 T _text\n"
	"ffffffff81100000 T kstrdup_noprof\n"
	"ffffffff81100100 T __kmalloc_node_track_caller_noprof\n"
	"ffffffff81200000 T do_syscall_64\n"
	"ffffffffc0001000 t leak_name\t[leaky]\n";

static struct trace_callsite site(const char *cs, const char *fn, const char *mod, uint64_t allocs,
				  uint64_t frees, uint64_t aged, uint64_t size)
{
	struct trace_callsite c = { .kind = TRACE_KMALLOC,
				    .allocs = { .v = allocs },
				    .frees = { .v = frees },
				    .alloc_bytes = { .v = allocs * size },
				    .free_bytes = { .v = frees * size },
				    .s = { .live = allocs - frees,
					   .live_bytes = (allocs - frees) * size,
					   .aged = aged,
					   .aged_bytes = aged * size },
				    .oldest_age_ns = 40 * SEC };

	snprintf(c.callsite, sizeof(c.callsite), "%s", cs);
	snprintf(c.function, sizeof(c.function), "%s", fn);
	snprintf(c.module, sizeof(c.module), "%s", mod);
	snprintf(c.cache_name, sizeof(c.cache_name), "kmalloc-512");
	return c;
}

static void test_judge_trace(void **state)
{
	struct trace_callsite cs[3];
	struct trace_report rep = {
		.cs = cs, .ncs = 3, .elapsed_ns = 60 * SEC, .min_age_ns = 30 * SEC
	};
	struct inv_trace_result t = { 0 };
	struct inv_opts o;

	(void)state;
	inv_opts_default(&o);
	cs[0] = site("ok_kmalloc_work+0x31", "ok_kmalloc_work", "twin", 1000, 984, 0, 512);
	cs[1] = site("leak_kmalloc_work+0x2f", "leak_kmalloc_work", "leaky", 300, 0, 140, 512);
	/* a busy churn site: some objects aged, most freed, little growth */
	cs[2] = site("seq_read_iter+0x10", "seq_read_iter", "", 50000, 49950, 20, 512);
	cs[1].npids = 1;
	cs[1].pids[0] = (struct trace_pid_summary){ .pid = 42,
						    .count = { .v = 300 },
						    .comm = "kworker/0:1" };
	investigate_judge_trace(&rep, 300.0 * 512 * 60, &o, &t);
	assert_true(t.ran);
	assert_int_equal(t.n, 3);
	assert_int_equal(t.culprit, 0);
	assert_string_equal(t.v[0].function, "leak_kmalloc_work");
	assert_true(t.v[0].leaking);
	assert_false(t.v[1].leaking || t.v[2].leaking);
	assert_int_equal(t.v[0].outstanding, 300);
	assert_float_equal(t.v[0].rate_bytes_per_hour, 300.0 * 512 * 60, 1);
	assert_float_equal(t.v[0].share, 1, 1e-9);
	assert_int_equal(t.v[0].pids[0].pid, 42);
	assert_int_equal(t.allocs, 51300);
	/* too few aged objects yet: no culprit */
	cs[1].s.aged = 5;
	investigate_judge_trace(&rep, 300.0 * 512 * 60, &o, &t);
	assert_int_equal(t.culprit, -1);
}

static void test_helper_caller(void **state)
{
	struct trace_callsite cs[1];
	struct trace_report rep = {
		.cs = cs, .ncs = 1, .elapsed_ns = 60 * SEC, .min_age_ns = 30 * SEC
	};
	struct inv_trace_result t = { 0 };
	struct trace_ksyms ks = { 0 };
	struct kallsyms k = { 0 };
	struct inv_opts o;
	struct kerr e;

	(void)state;
	assert_true(investigate_generic_helper("kstrdup"));
	assert_true(investigate_generic_helper("kstrdup_noprof"));
	assert_true(investigate_generic_helper("kmemdup.constprop.0"));
	assert_true(investigate_generic_helper("kvasprintf"));
	assert_false(investigate_generic_helper("kmalloc"));
	assert_false(investigate_generic_helper("leak_kmalloc_work"));
	assert_int_equal(kallsyms_parse(kallsyms_text, strlen(kallsyms_text), "k", &k, &e), 0);
	assert_int_equal(ksym_table_init(&ks.t, &k, &e), 0);
	ks.loaded = true;
	rep.ksyms = &ks;
	inv_opts_default(&o);
	cs[0] = site("kstrdup_noprof+0x20", "kstrdup_noprof", "", 200, 0, 100, 64);
	cs[0].nstacks = 1;
	cs[0].stacks[0] = (struct trace_stack_summary){
		.count = 10,
		.nframes = 3,
		.frames = { 0xffffffff81100020ull, 0xffffffffc0001010ull, 0xffffffff81200004ull },
	};
	investigate_judge_trace(&rep, 200.0 * 64 * 60, &o, &t);
	assert_int_equal(t.culprit, 0);
	assert_string_equal(t.v[0].caller, "leak_name+0x10");
	assert_string_equal(t.v[0].caller_module, "leaky");
	ksym_table_free(&ks.t);
}

static void test_join_sites(void **state)
{
	struct inv_trace_result t = { .n = 2, .culprit = 0 };
	const struct inv_site_growth by_name[] = {
		{ "leak_fn a.c:1 [m]", "leak_fn", "a.c:1", "m", 1e6 },
	};
	/* inlined: kallsyms says outer_fn, allocinfo the inline helper */
	const struct inv_site_growth by_growth[] = {
		{ "x_alloc b.c:9 [other]", "x_alloc", "b.c:9", "other", 10e6 },
		{ "y_alloc b.c:20 [m]", "y_alloc", "b.c:20", "m", 10.5e6 },
		{ "z_alloc b.c:30 [m]", "z_alloc", "b.c:30", "m", 40e6 },
	};
	struct inv_opts o;

	(void)state;
	inv_opts_default(&o);
	t.v[0] = (struct inv_callsite){ .callsite = "leak_fn+0x1",
					.function = "leak_fn",
					.module = "m",
					.leaking = true,
					.rate_bytes_per_hour = 1e6 };
	investigate_join_sites(&t, by_name, ARRAY_SIZE(by_name), &o);
	assert_string_equal(t.v[0].site, "a.c:1");
	assert_false(t.v[0].site_by_growth);
	t.v[0] = (struct inv_callsite){ .callsite = "outer_fn+0x1",
					.function = "outer_fn",
					.module = "m",
					.leaking = true,
					.rate_bytes_per_hour = 10e6 };
	investigate_join_sites(&t, by_growth, ARRAY_SIZE(by_growth), &o);
	assert_string_equal(t.v[0].site, "b.c:20");
	assert_true(t.v[0].site_by_growth);
	/* nothing within a factor of 2 in its module: no join */
	t.v[0] = (struct inv_callsite){ .callsite = "outer_fn+0x1",
					.function = "outer_fn",
					.module = "m",
					.leaking = true,
					.rate_bytes_per_hour = 1e6 };
	investigate_join_sites(&t, by_growth, ARRAY_SIZE(by_growth), &o);
	assert_string_equal(t.v[0].site, "");
}

static void test_match_kmemleak(void **state)
{
	const char *bt[] = { "__kmalloc_noprof+0x1/0x2", "leak_kmalloc_work+0x2f/0xa0 [leaky]" };
	struct kmemleak_group gv[] = {
		{ .count = 5,
		  .bytes = 5 * 8388608,
		  .function = "kmem_alloc",
		  .module = "kmem_test" },
		{ .count = 120,
		  .bytes = 120 * 512,
		  .function = "leak_kmalloc_work",
		  .module = "leaky",
		  .backtrace = bt,
		  .nframes = 2 },
	};
	struct kmemleak_groups g = { .v = gv, .n = 2, .objects = 125 };
	struct inv_kmemleak_result r = { 0 }, s = { 0 }, u = { 0 };

	(void)state;
	investigate_match_kmemleak(&g, "leak_kmalloc_work", "leaky", &r);
	assert_int_equal(r.matched_groups, 1);
	assert_int_equal(r.matched_objects, 120);
	assert_string_equal(r.function, "leak_kmalloc_work");
	assert_non_null(strstr(r.backtrace, "leak_kmalloc_work+0x2f"));
	/* no function known: by module */
	investigate_match_kmemleak(&g, NULL, "kmem_test", &s);
	assert_int_equal(s.matched_objects, 5);
	investigate_match_kmemleak(&g, "ok_kmalloc_work", "twin", &u);
	assert_int_equal(u.matched_groups, 0);
	assert_int_equal(u.objects, 125);
}

static void test_reclaim(void **state)
{
	struct kstate a = { .have_dentry = true,
			    .nr_dentry = 1000,
			    .nr_unused_dentry = 500,
			    .have_negative = true,
			    .nr_negative = 10,
			    .have_inode = true,
			    .nr_inodes = 800,
			    .have_sockets = true,
			    .sockets_used = 16 };
	struct kstate b = a;
	struct inv_reclaim_result r;
	struct inv_opts o;

	(void)state;
	inv_opts_default(&o);
	b.nr_dentry += 30000;
	b.nr_unused_dentry += 29900; /* stat() of missing names: unused, negative */
	b.nr_negative += 29950;
	investigate_reclaim("dentry", "", 1, 30000, &a, &b, &o, &r);
	assert_int_equal(r.state, INV_RECLAIM_UNUSED);
	assert_string_equal(r.counter, "dentry-state");
	assert_float_equal(r.negative, 29950, 1e-9);
	b = a;
	b.nr_dentry += 3000; /* files held open: in use */
	investigate_reclaim("dentry", "", 1, 3000, &a, &b, &o, &r);
	assert_int_equal(r.state, INV_RECLAIM_IN_USE);
	b = a;
	b.sockets_used += 1500;
	investigate_reclaim("sock_inode_cache", "", 1, 1480, &a, &b, &o, &r);
	assert_int_equal(r.state, INV_RECLAIM_IN_USE);
	assert_string_equal(r.counter, "sockstat");
	/* an inode cache on a kernel whose inode-state says nothing: unknown */
	investigate_reclaim("ext4_inode_cache", "", 1, 1000, &a, &a, &o, &r);
	assert_int_equal(r.state, INV_RECLAIM_UNKNOWN);
	assert_null(r.counter);
	investigate_reclaim("kmalloc-512", "", 0, 1000, &a, &a, &o, &r);
	assert_int_equal(r.state, INV_RECLAIM_NA);
}

static void test_kstate_parse(void **state)
{
	static const char dentry[] = "511957\t510113\t45\t0\t76181\t0\n";
	static const char old_dentry[] = "12000 9000 45 0 0 0\n";
	static const char inode[] = "435613\t0\t0\t0\t0\t0\t0\n";
	static const char sock[] = "sockets: used 16\nTCP: inuse 1 orphan 0 tw 0 alloc 1 mem 195\n";
	static const char cg1[] = "12:pids:/x\n4:memory:/docker/abc\n0::/user.slice\n";
	static const char cg2[] = "0::/system.slice/docker-abc.scope\n";
	struct kstate k = { 0 };
	struct kerr e;
	char path[256];

	(void)state;
	assert_int_equal(kstate_parse_dentry(dentry, strlen(dentry), "d", &k, &e), 0);
	assert_true(k.have_dentry && k.have_negative);
	assert_int_equal(k.nr_unused_dentry, 510113);
	assert_int_equal(k.nr_negative, 76181);
	assert_int_equal(kstate_parse_dentry(old_dentry, strlen(old_dentry), "d", &k, &e), 0);
	assert_int_equal(kstate_parse_inode(inode, strlen(inode), "i", &k, &e), 0);
	assert_int_equal(k.nr_inodes, 435613);
	assert_int_equal(kstate_parse_sockstat(sock, strlen(sock), "s", &k, &e), 0);
	assert_int_equal(k.sockets_used, 16);
	assert_int_equal(kstate_parse_dentry("x y\n", 4, "d", &k, &e), -EINVAL);
	assert_int_equal(e.line, 1);
	assert_int_equal(kstate_parse_sockstat("TCP: inuse 1\n", 13, "s", &k, &e), -EINVAL);
	assert_true(kstate_parse_proc_cgroup(cg1, strlen(cg1), path, sizeof(path)));
	assert_string_equal(path, "/docker/abc");
	assert_true(kstate_parse_proc_cgroup(cg2, strlen(cg2), path, sizeof(path)));
	assert_string_equal(path, "/system.slice/docker-abc.scope");
	assert_false(kstate_parse_proc_cgroup("garbage\n", 8, path, sizeof(path)));
}

/* ---- verdicts ---- */

static void report_with_suspect(struct inv_report *r, enum inv_kind kind, const char *name,
				int reclaimable)
{
	memset(r, 0, sizeof(*r));
	r->detect.has_suspect = true;
	r->localize.n = 2;
	r->localize.suspect = 1;
	r->localize.aggregate = 0;
	r->localize.site = -1;
	r->localize.kind = kind;
	r->localize.v[0] =
		(struct inv_link){ .role = INV_ROLE_AGGREGATE, .parent = -1, .share = -1 };
	snprintf(r->localize.v[0].s.name, sizeof(r->localize.v[0].s.name), "SUnreclaim");
	r->localize.v[0].s.rate_bytes_per_hour = 11e6;
	r->localize.v[1] = (struct inv_link){ .role = INV_ROLE_SUSPECT, .parent = 0, .share = 0.9 };
	snprintf(r->localize.v[1].s.name, sizeof(r->localize.v[1].s.name), "%s", name);
	r->localize.v[1].s.rate_bytes_per_hour = 10e6;
	r->localize.v[1].s.reclaimable = reclaimable;
	r->localize.v[1].s.verdict = TREND_GROWING;
	r->localize.v[1].s.reason = TREND_REASON_WINDOW;
	r->confirm.trace.culprit = -1;
}

static void test_verdict_leak(void **state)
{
	struct inv_report r;
	struct inv_callsite *c = &r.confirm.trace.v[0];
	struct inv_opts o;

	(void)state;
	inv_opts_default(&o);
	report_with_suspect(&r, INV_KIND_SLAB, "kmalloc-512", 0);
	r.confirm.trace.ran = true;
	r.confirm.trace.n = 1;
	r.confirm.trace.culprit = 0;
	r.confirm.series_have = r.confirm.sustained = true;
	*c = (struct inv_callsite){ .callsite = "leak_kmalloc_work+0x2f",
				    .function = "leak_kmalloc_work",
				    .module = "leaky",
				    .allocs = 300,
				    .outstanding = 300,
				    .aged = 140,
				    .leaking = true,
				    .site = "drv/leak.c:37",
				    .npids = 1 };
	c->pids[0] = (struct inv_pid){ .pid = 42, .comm = "kworker/0:1" };
	r.confirm.module = (struct inv_module){
		.have = true, .name = "leaky", .taints = "OE", .srcversion = "ABC123"
	};
	investigate_verdict(&r, &o);
	assert_true(r.verdict.has_verdict && r.verdict.has_culprit);
	assert_int_equal(r.verdict.verdict, TREND_LEAK);
	assert_string_equal(r.verdict.culprit.name, "kmalloc-512");
	assert_string_equal(r.verdict.culprit.callsite, "leak_kmalloc_work+0x2f");
	assert_string_equal(r.verdict.culprit.module, "leaky");
	assert_string_equal(r.verdict.culprit.site, "drv/leak.c:37");
	assert_int_equal(r.verdict.culprit.pid, 42);
	assert_float_equal(r.verdict.culprit.explains_fraction, 0.9, 1e-9);
	assert_non_null(strstr(r.verdict.summary, "leak_kmalloc_work+0x2f [leaky]"));
	assert_non_null(strstr(r.verdict.next[0], "srcversion ABC123"));
	/* the series stopped growing while traced: not a leak */
	r.confirm.sustained = false;
	investigate_verdict(&r, &o);
	assert_false(r.verdict.has_culprit);
	assert_string_equal(r.verdict.reason, "not_sustained");
	/* a weak suspect is never a culprit */
	r.confirm.sustained = true;
	r.localize.weak = true;
	investigate_verdict(&r, &o);
	assert_false(r.verdict.has_culprit);
	assert_int_equal(r.verdict.verdict, TREND_POSSIBLE);
	assert_string_equal(r.verdict.reason, "weak_trend");
}

static void test_verdict_other(void **state)
{
	struct inv_report r;
	struct inv_opts o;

	(void)state;
	inv_opts_default(&o);
	/* traced, nothing aged and unfreed: freed */
	report_with_suspect(&r, INV_KIND_SLAB, "kmalloc-256", 0);
	r.confirm.trace.ran = true;
	investigate_verdict(&r, &o);
	assert_false(r.verdict.has_culprit);
	assert_int_equal(r.verdict.verdict, TREND_GROWING);
	assert_string_equal(r.verdict.reason, "freed");
	assert_true(r.verdict.has_suspect);
	/* reclaimable and unused: not a leak */
	report_with_suspect(&r, INV_KIND_SLAB, "dentry", 1);
	r.confirm.reclaim = (struct inv_reclaim_result){ .state = INV_RECLAIM_UNUSED,
							 .counter = "dentry-state" };
	investigate_verdict(&r, &o);
	assert_int_equal(r.verdict.verdict, TREND_RECLAIMABLE);
	assert_non_null(strstr(r.verdict.summary, "reclaimable growth, not a leak"));
	assert_false(r.verdict.has_culprit);
	/* reclaimable by its flag, pinned in use, traced: a leak */
	report_with_suspect(&r, INV_KIND_SLAB, "sock_inode_cache", 1);
	r.confirm.reclaim =
		(struct inv_reclaim_result){ .state = INV_RECLAIM_IN_USE, .counter = "sockstat" };
	r.confirm.trace = (struct inv_trace_result){ .ran = true, .n = 1, .culprit = 0 };
	r.confirm.trace.v[0] =
		(struct inv_callsite){ .callsite = "sock_alloc_inode+0x1e", .leaking = true };
	investigate_verdict(&r, &o);
	assert_int_equal(r.verdict.verdict, TREND_LEAK);
	/* no vmalloc tracing (6.1): vmallocinfo's caller gaining areas; the trace
	 * result is all zero (its culprit index 0 means nothing: it never ran) */
	report_with_suspect(&r, INV_KIND_VMALLOC, "kmem_alloc", -1);
	snprintf(r.localize.v[1].s.module, sizeof(r.localize.v[1].s.module), "kmem_test");
	r.localize.v[1].s.source = SERIES_VMALLOC_CALLER;
	memset(&r.confirm.trace, 0, sizeof(r.confirm.trace));
	r.confirm.vmalloc_have = true;
	snprintf(r.confirm.vmalloc_callsite, sizeof(r.confirm.vmalloc_callsite), "kmem_alloc+0xa");
	r.confirm.vmalloc_areas_gained = 145;
	r.confirm.series_have = r.confirm.sustained = true;
	investigate_verdict(&r, &o);
	assert_int_equal(r.verdict.verdict, TREND_LEAK);
	assert_string_equal(r.verdict.culprit.callsite, "kmem_alloc+0xa");
	assert_string_equal(r.verdict.culprit.module, "kmem_test");
	/* confirm could not run: the trend over the leak window decides */
	report_with_suspect(&r, INV_KIND_SLAB, "kmalloc-512", 0);
	r.confirm.plan.nnot = 1;
	investigate_verdict(&r, &o);
	assert_false(r.verdict.has_culprit);
	assert_string_equal(r.verdict.reason, "window_too_short");
	r.localize.v[1].s.verdict = TREND_LEAK;
	investigate_verdict(&r, &o);
	assert_true(r.verdict.has_culprit);
	assert_string_equal(r.verdict.culprit.callsite, "");
	/* nothing grew */
	memset(&r, 0, sizeof(r));
	r.localize.suspect = -1;
	r.detect.stop = INV_STOP_QUIET;
	investigate_verdict(&r, &o);
	assert_false(r.verdict.has_verdict);
	assert_string_equal(r.verdict.summary, "no leak found");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect_suspect),
		cmocka_unit_test(test_detect_quiet_and_deadline),
		cmocka_unit_test(test_detect_strong_grower),
		cmocka_unit_test(test_detect_weak),
		cmocka_unit_test(test_detect_reclaimable),
		cmocka_unit_test(test_budget_and_widen),
		cmocka_unit_test(test_localize_chain),
		cmocka_unit_test(test_localize_refine),
		cmocka_unit_test(test_localize_object_graph),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_judge_trace),
		cmocka_unit_test(test_helper_caller),
		cmocka_unit_test(test_join_sites),
		cmocka_unit_test(test_match_kmemleak),
		cmocka_unit_test(test_reclaim),
		cmocka_unit_test(test_kstate_parse),
		cmocka_unit_test(test_verdict_leak),
		cmocka_unit_test(test_verdict_other),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
