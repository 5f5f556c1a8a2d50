// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for src/analyze/trend and src/model/series: Theil-Sen and
 * Mann-Kendall on synthetic series with known slopes and noise, verdicts
 * (steady growth, flat, grow-then-release, step, reclaimable), ranking of
 * specific series above the aggregates they explain, and decimation.
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

#include "analyze/trend.h"
#include "model/series.h"

/* A deterministic noise source: xorshift, uniform in [-1, 1]. */
static uint64_t rng = 88172645463325252ULL;
static double noise(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng % 2000001) / 1000000.0 - 1.0;
}

static void test_theil_sen_exact(void **state)
{
	double t[10], v[10], scratch[45];

	(void)state;
	for (int i = 0; i < 10; i++) {
		t[i] = i * 2.0;
		v[i] = 1000 + 512.0 * t[i];
	}
	assert_float_equal(trend_theil_sen(t, v, 10, scratch), 512.0, 1e-9);
	/* One wild outlier does not move the median slope. */
	v[7] += 1e9;
	assert_float_equal(trend_theil_sen(t, v, 10, scratch), 512.0, 1e-9);
	assert_float_equal(trend_theil_sen(t, v, 1, scratch), 0, 0);
	/* Even number of slopes: mean of the two middle ones. 4 points give
	 * slopes 1, 1, 1, 8/3, 7/2, 6 -> (1 + 8/3) / 2. */
	double t4[4] = { 0, 1, 2, 3 }, v4[4] = { 0, 1, 2, 8 };
	double s6[6];
	assert_float_equal(trend_theil_sen(t4, v4, 4, s6), 11.0 / 6, 1e-9);
}

static void test_theil_sen_noise(void **state)
{
	enum { N = 60 };
	double t[N], v[N], *scratch = malloc(N * N * sizeof(double));

	(void)state;
	for (int i = 0; i < N; i++) {
		t[i] = i;
		v[i] = 4096.0 * i + 20000 * noise(); /* noise 5x the step */
	}
	assert_float_equal(trend_theil_sen(t, v, N, scratch), 4096.0, 4096 * 0.15);
	free(scratch);
}

static void test_mann_kendall(void **state)
{
	double v[20], scratch[20];
	struct trend_mk mk;

	(void)state;
	for (int i = 0; i < 20; i++)
		v[i] = i;
	trend_mann_kendall(v, 20, false, 0, scratch, &mk);
	assert_int_equal(mk.s, 190);
	assert_float_equal(mk.var, 950.0, 1e-9);
	assert_float_equal(mk.z, 189.0 / sqrt(950.0), 1e-9);
	assert_true(mk.confidence > 0.9999);
	/* Decreasing: S negative, no confidence in growth. */
	for (int i = 0; i < 20; i++)
		v[i] = -i;
	trend_mann_kendall(v, 20, false, 0, scratch, &mk);
	assert_int_equal(mk.s, -190);
	assert_float_equal(mk.confidence, 0, 0);
	/* Flat: every value tied, variance 0, no confidence. */
	for (int i = 0; i < 20; i++)
		v[i] = 7;
	trend_mann_kendall(v, 20, false, 0, scratch, &mk);
	assert_int_equal(mk.s, 0);
	assert_float_equal(mk.confidence, 0, 0);
	/* Ties: two groups of 10 -> var = (17100 - 2*10*9*25)/18 = 700. */
	for (int i = 0; i < 20; i++)
		v[i] = i < 10 ? 0 : 1;
	trend_mann_kendall(v, 20, false, 0, scratch, &mk);
	assert_int_equal(mk.s, 100);
	assert_float_equal(mk.var, 700.0, 1e-9);
	/* Given S is used as is. */
	trend_mann_kendall(v, 20, true, 50, scratch, &mk);
	assert_int_equal(mk.s, 50);
}

/* Feeds one series per generator into a set, sample by sample. */
typedef double (*gen_fn)(int i);

static void feed(struct series_set *set, int nsamples, double interval_s,
		 const char *const *names, const enum series_source *src,
		 const gen_fn *gens, int nseries)
{
	for (int i = 0; i < nsamples; i++) {
		series_sample_begin(set, (uint64_t)(1e9 * interval_s * i) + 5000);
		for (int k = 0; k < nseries; k++) {
			double x = gens[k](i);

			assert_true(series_add(set, src[k], names[k], NULL,
					       x < 0 ? 0 : (uint64_t)x) >= 0);
		}
		series_sample_end(set);
	}
}

static const struct trend_leak *find_leak(const struct series_set *set,
					  const struct trend_report *rep,
					  const char *name, size_t *rank)
{
	for (size_t i = 0; i < rep->n; i++)
		if (!strcmp(set->v[rep->v[i].series].name, name)) {
			if (rank)
				*rank = i;
			return &rep->v[i];
		}
	return NULL;
}

/* 20 KiB/s of task_struct slabs, page-quantised, with noise. */
static double g_leak(int i)
{
	return (1 << 24) + (double)(uint64_t)((20480.0 * i + 8192 * noise() + 8192) / 4096) * 4096;
}
static double g_flat(int i)
{
	return 50 << 20;
}
static double g_noisy(int i)
{
	return (50 << 20) + 400000 * noise();
}
/* Grows 40 KiB/s for 14 samples, then frees it all. */
static double g_release(int i)
{
	return (8 << 20) + (i < 14 ? 40960.0 * i : 0);
}
/* Grows then falls by only a fifth: still growing. */
static double g_partial(int i)
{
	return (8 << 20) + (i < 16 ? 10240.0 * i : 10240.0 * 16 * 0.8);
}
static double g_dentry(int i)
{
	return (30 << 20) + 8192.0 * i;
}
static double g_slab_total(int i)
{
	return (200 << 20) + 20480.0 * i + 8192.0 * i + 40960.0 * (i < 14 ? i : 0);
}
static double g_unaccounted(int i)
{
	return (300 << 20) + 65536.0 * i; /* explained by nothing */
}
static double g_step(int i)
{
	return (1 << 20) + (i >= 10 ? 32768 : 0); /* one jump only */
}

static void test_verdicts_and_ranking(void **state)
{
	static const char *const names[] = { "task_struct", "kmalloc-64",
					     "kmalloc-128", "pipe_buf",
					     "partial", "dentry", "Slab",
					     "Unaccounted", "step" };
	static const enum series_source src[] = {
		SERIES_SLAB, SERIES_SLAB, SERIES_SLAB, SERIES_SLAB,
		SERIES_SLAB, SERIES_SLAB, SERIES_MEMINFO, SERIES_MEMINFO,
		SERIES_SLAB,
	};
	static const gen_fn gens[] = { g_leak, g_flat, g_noisy, g_release,
				       g_partial, g_dentry, g_slab_total,
				       g_unaccounted, g_step };
	struct series_set set;
	struct trend_report rep = { 0 };
	struct trend_opts o;
	const struct trend_leak *l;
	size_t r_leak, r_slab, r_unacc, r_dentry;

	(void)state;
	trend_opts_default(&o);
	assert_int_equal(series_set_init(&set, 64), 0);
	feed(&set, 20, 1.0, names, src, gens, 9);
	/* dentry is reclaimable (what /sys/kernel/slab/dentry/reclaim_account says). */
	((struct series *)series_find(&set, SERIES_SLAB, "dentry", NULL))->reclaimable = 1;
	assert_int_equal(trend_analyze(&set, &o, &rep), 0);

	l = find_leak(&set, &rep, "task_struct", &r_leak);
	assert_non_null(l);
	assert_int_equal(l->verdict, TREND_LEAK);
	assert_float_equal(l->rate_bytes_per_hour, 20480.0 * 3600, 20480.0 * 3600 * 0.1);
	assert_true(l->confidence > 0.99);

	assert_null(find_leak(&set, &rep, "kmalloc-64", NULL)); /* flat */
	l = find_leak(&set, &rep, "kmalloc-128", NULL);
	assert_true(!l || l->verdict == TREND_FLUCTUATING || l->verdict == TREND_RELEASED);
	l = find_leak(&set, &rep, "pipe_buf", NULL);
	assert_non_null(l);
	assert_int_equal(l->verdict, TREND_RELEASED);
	assert_float_equal(l->confidence, 0, 0);
	l = find_leak(&set, &rep, "partial", NULL);
	assert_non_null(l);
	assert_true(l->verdict == TREND_LEAK || l->verdict == TREND_POSSIBLE);
	l = find_leak(&set, &rep, "dentry", &r_dentry);
	assert_int_equal(l->verdict, TREND_RECLAIMABLE);
	l = find_leak(&set, &rep, "step", NULL);
	assert_non_null(l);
	assert_int_equal(l->verdict, TREND_FLUCTUATING); /* one rise: a step */

	/* Slab grows because task_struct and dentry do: explained, below them. */
	l = find_leak(&set, &rep, "Slab", &r_slab);
	assert_non_null(l);
	assert_true(l->explained);
	assert_true(l->nexplained >= 1);
	assert_string_equal(set.v[l->explained_by[0]].name, "task_struct");
	assert_true(r_slab > r_leak && r_slab > r_dentry);
	/* Unaccounted grows with nothing specific under it: it leads. */
	l = find_leak(&set, &rep, "Unaccounted", &r_unacc);
	assert_false(l->explained);
	assert_int_equal(l->verdict, TREND_LEAK);
	assert_int_equal(r_unacc, 0);	/* fastest unexplained leak */
	assert_int_equal(r_leak, 1);
	assert_true(r_dentry < r_slab);
	trend_report_free(&rep);
	series_set_free(&set);
}

/* A long watch keeps at most cap points and the slope survives. */
static void test_decimation(void **state)
{
	static const char *const names[] = { "task_struct", "noise" };
	static const enum series_source src[] = { SERIES_SLAB, SERIES_SLAB };
	static const gen_fn gens[] = { g_leak, g_noisy };
	struct series_set set;
	struct trend_report rep = { 0 };
	struct trend_opts o;
	const struct trend_leak *l;

	(void)state;
	trend_opts_default(&o);
	assert_int_equal(series_set_init(&set, 32), 0);
	feed(&set, 1000, 0.5, names, src, gens, 2);
	assert_true(set.n < 32);
	assert_int_equal(set.samples, 1000);
	assert_true(set.stride >= 32);
	/* Points remain in time order and evenly weighted. */
	for (size_t i = 1; i < set.n; i++)
		assert_true(set.t[i] > set.t[i - 1]);
	assert_int_equal(trend_analyze(&set, &o, &rep), 0);
	l = find_leak(&set, &rep, "task_struct", NULL);
	assert_non_null(l);
	/* 20 KiB per sample at 2 samples/s. */
	assert_float_equal(l->rate_bytes_per_hour, 40960.0 * 3600, 40960.0 * 3600 * 0.05);
	assert_int_equal(l->verdict, TREND_LEAK);
	/* The incremental Mann-Kendall S matches a full recount. */
	for (size_t k = 0; k < set.count; k++) {
		double scratch[32];
		struct trend_mk mk;

		trend_mann_kendall(set.v[k].v, set.n, false, 0, scratch, &mk);
		assert_int_equal(mk.s, set.v[k].mk_s);
	}
	trend_report_free(&rep);
	series_set_free(&set);
}

/* Past TREND_TS_POINTS points the slope comes from run means: still exact. */
static void test_long_window(void **state)
{
	static const char *const names[] = { "task_struct", "noise", "release" };
	static const enum series_source src[] = { SERIES_SLAB, SERIES_SLAB, SERIES_SLAB };
	static const gen_fn gens[] = { g_leak, g_noisy, g_release };
	struct series_set set;
	struct trend_report rep = { 0 };
	struct trend_opts o;
	const struct trend_leak *l;

	(void)state;
	trend_opts_default(&o);
	assert_int_equal(series_set_init(&set, SERIES_DEFAULT_CAP), 0);
	feed(&set, 400, 1.0, names, src, gens, 3);
	assert_int_equal(set.n, 400);
	assert_true(set.n > TREND_TS_POINTS);
	assert_int_equal(trend_analyze(&set, &o, &rep), 0);
	l = find_leak(&set, &rep, "task_struct", NULL);
	assert_non_null(l);
	assert_int_equal(l->verdict, TREND_LEAK);
	assert_float_equal(l->rate_bytes_per_hour, 20480.0 * 3600, 20480.0 * 3600 * 0.02);
	l = find_leak(&set, &rep, "release", NULL);
	assert_non_null(l);
	assert_int_equal(l->verdict, TREND_RELEASED);
	trend_report_free(&rep);
	series_set_free(&set);
}

/* Small series that are gone are dropped at a decimation; big ones stay. */
static void test_prune(void **state)
{
	struct series_set set;
	char name[32];

	(void)state;
	assert_int_equal(series_set_init(&set, 16), 0);
	set.prune_at = set.prune_min = 16; /* 1024 is too many for a test */
	for (int i = 0; i < 200; i++) {
		series_sample_begin(&set, 1000000000ULL * (uint64_t)i);
		series_add(&set, SERIES_SLAB, "steady", NULL, 1 << 20);
		/* A short-lived caller every sample: 8 KiB, then gone. */
		snprintf(name, sizeof(name), "tmp_%d", i);
		series_add(&set, SERIES_VMALLOC_CALLER, name, "mod", 8192);
		if (i < 5) /* a big one that went away */
			series_add(&set, SERIES_VMALLOC_CALLER, "big", NULL, 1 << 22);
		series_sample_end(&set);
	}
	/* Without pruning there would be 202 series. */
	assert_true(set.count < 40);
	assert_non_null(series_find(&set, SERIES_SLAB, "steady", NULL));
	assert_non_null(series_find(&set, SERIES_VMALLOC_CALLER, "big", NULL));
	assert_non_null(series_find(&set, SERIES_VMALLOC_CALLER, "tmp_199", "mod"));
	assert_null(series_find(&set, SERIES_VMALLOC_CALLER, "tmp_3", "mod"));
	/* The index still finds every kept series at its slot. */
	for (size_t k = 0; k < set.count; k++)
		assert_ptr_equal(series_find(&set, set.v[k].source, set.v[k].name,
					     set.v[k].module), &set.v[k]);
	series_set_free(&set);
}

/* Series that appear late were 0 before; values of one key add up. */
static void test_series_model(void **state)
{
	struct series_set set;
	const struct series *s;

	(void)state;
	assert_int_equal(series_set_init(&set, 16), 0);
	series_sample_begin(&set, 1000000000ULL);
	series_add(&set, SERIES_VMALLOC_CALLER, "kernel_clone", NULL, 16384);
	series_sample_end(&set);
	series_sample_begin(&set, 2000000000ULL);
	series_add(&set, SERIES_VMALLOC_CALLER, "kernel_clone", NULL, 16384);
	series_add(&set, SERIES_VMALLOC_CALLER, "kernel_clone", NULL, 16384);
	series_add(&set, SERIES_VMALLOC_CALLER, "kmem_alloc", "kmem_test", 4096);
	series_sample_end(&set);
	series_sample_begin(&set, 3000000000ULL);
	series_sample_end(&set);
	assert_int_equal(set.n, 3);
	assert_float_equal(set.t[0], 0, 0);
	assert_float_equal(set.t[2], 2.0, 1e-12);
	s = series_find(&set, SERIES_VMALLOC_CALLER, "kernel_clone", NULL);
	assert_non_null(s);
	assert_float_equal(s->v[1], 32768, 0);
	assert_float_equal(s->v[2], 0, 0); /* absent from the sample: 0 */
	s = series_find(&set, SERIES_VMALLOC_CALLER, "kmem_alloc", "kmem_test");
	assert_non_null(s);
	assert_float_equal(s->v[0], 0, 0);
	assert_float_equal(s->v[1], 4096, 0);
	assert_string_equal(s->module, "kmem_test");
	assert_null(series_find(&set, SERIES_VMALLOC_CALLER, "kmem_alloc", NULL));
	assert_string_equal(series_source_name(SERIES_VMALLOC_MODULE), "vmalloc_module");
	series_set_free(&set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_theil_sen_exact),
		cmocka_unit_test(test_theil_sen_noise),
		cmocka_unit_test(test_mann_kendall),
		cmocka_unit_test(test_verdicts_and_ranking),
		cmocka_unit_test(test_decimation),
		cmocka_unit_test(test_long_window),
		cmocka_unit_test(test_prune),
		cmocka_unit_test(test_series_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
