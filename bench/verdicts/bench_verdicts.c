// SPDX-License-Identifier: GPL-2.0
/*
 * Verdict simulation (not a test): how often `kleak watch` calls a series
 * that does not leak a `leak`, and how long it takes to call a real one.
 * Synthetic series go through the real model (src/model/series.c: points,
 * decimation) and the real analysis (src/analyze/trend.c), sampled at 1 Hz
 * as `watch` does by default, analysed every 10 samples as a live watch
 * would show them:
 *
 *   false   per series: noise only (iid, AR(1) at several phi, a random
 *           walk), the share of runs with verdict `leak` at 20 s, 10 min,
 *           30 min, and at any analysis within 30 min;
 *   detect  a linear leak at several rates on idle and busy noise: the time
 *           to the first `leak` verdict (median and 90th percentile over
 *           the runs) and the share found within 1 h and 2 h;
 *   family  600 noise series watched together (120 of each noise model):
 *           the share of runs where any of them is called `leak`.
 *
 * Runs are seeded deterministically: the same binary prints the same table.
 * BENCH_BEFORE builds it against a kleak without leak windows or
 * family-wise control (bench/verdicts/run.sh --before COMMIT).
 *
 * Usage: bench_verdicts [--runs N] [--detect-runs N] [--family-runs N]
 *                       [--only false|detect|family]
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/trend.h"
#include "model/series.h"
#include "util/clock.h"
#include "util/compiler.h"

#define PAGE 4096.0
#define KIB 1024.0
#define MIB (1024.0 * 1024.0)
#define MB 1e6
#define EVAL_EVERY 10 /* samples between analyses (a watch shows every one) */

/* ---- noise ---- */

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double rng_unit(struct rng *r) /* (0, 1) */
{
	return ((double)(rng_next(r) >> 11) + 0.5) / 9007199254740992.0;
}

static double rng_normal(struct rng *r)
{
	return sqrt(-2 * log(rng_unit(r))) * cos(2 * M_PI * rng_unit(r));
}

enum noise_kind { NOISE_AR, NOISE_WALK };

struct noise {
	const char *name;
	enum noise_kind kind;
	double phi;	/* AR(1) coefficient per sample */
	double sd;	/* AR: stationary sd; walk: sd of one step */
	double quantum; /* values are whole quanta (pages, slabs) */
};

struct gen {
	const struct noise *n;
	double e;	/* current noise */
	double rate;	/* bytes per second of leak */
	struct rng r;
};

static void gen_init(struct gen *g, const struct noise *n, double rate_per_h,
		     uint64_t seed)
{
	g->n = n;
	g->rate = rate_per_h / 3600;
	g->r.s = seed;
	g->e = n->kind == NOISE_AR ? n->sd * rng_normal(&g->r) : 0;
}

static uint64_t gen_next(struct gen *g, double t)
{
	const struct noise *n = g->n;
	double x;

	if (n->kind == NOISE_AR)
		g->e = n->phi * g->e + n->sd * sqrt(1 - n->phi * n->phi) * rng_normal(&g->r);
	else
		g->e += n->sd * rng_normal(&g->r);
	x = 256 * MIB + g->rate * t + g->e;
	x = floor(x / n->quantum) * n->quantum;
	return x < 0 ? 0 : (uint64_t)x;
}

/* ---- one watch ---- */

struct watch {
	struct series_set set;
	struct trend_report rep;
	struct trend_opts o;
};

static void watch_init(struct watch *w, double window_s, size_t family)
{
	memset(w, 0, sizeof(*w));
	if (series_set_init(&w->set, SERIES_DEFAULT_CAP))
		abort();
	trend_opts_default(&w->o);
#ifndef BENCH_BEFORE
	w->o.leak_window_s = window_s;
	w->o.family_size = family;
#else
	(void)window_s;
	(void)family;
#endif
}

static void watch_free(struct watch *w)
{
	trend_report_free(&w->rep);
	series_set_free(&w->set);
}

/* Feeds sample i (at i seconds) of every generator. */
static void watch_sample(struct watch *w, struct gen *g, size_t ng, int i)
{
	char name[32];

	series_sample_begin(&w->set, (uint64_t)i * 1000000000ULL);
	for (size_t k = 0; k < ng; k++) {
		snprintf(name, sizeof(name), "s%zu", k);
		if (series_add(&w->set, SERIES_SLAB, name, NULL, gen_next(&g[k], i)) < 0)
			abort();
	}
	series_sample_end(&w->set);
}

/* How many series are `leak` now. */
static size_t watch_leaks(struct watch *w)
{
	size_t n = 0;

	if (trend_analyze(&w->set, &w->o, &w->rep))
		abort();
	for (size_t i = 0; i < w->rep.n; i++)
		n += w->rep.v[i].verdict == TREND_LEAK;
	return n;
}

/* ---- the models ---- */

static const struct noise false_models[] = {
	{ "iid, sd 256 KiB", NOISE_AR, 0, 256 * KIB, PAGE },
	{ "AR(1) phi 0.5, sd 256 KiB", NOISE_AR, 0.5, 256 * KIB, PAGE },
	{ "AR(1) phi 0.9, sd 256 KiB", NOISE_AR, 0.9, 256 * KIB, PAGE },
	{ "AR(1) phi 0.99, sd 256 KiB", NOISE_AR, 0.99, 256 * KIB, PAGE },
	{ "random walk, 16 KiB steps", NOISE_WALK, 1, 16 * KIB, PAGE },
};

static const struct noise detect_models[] = {
	{ "idle: iid, sd 16 KiB", NOISE_AR, 0, 16 * KIB, PAGE },
	{ "idle, 32 KiB slab steps, iid sd 4 KiB", NOISE_AR, 0, 4 * KIB, 32 * KIB },
	{ "busy: AR(1) phi 0.9, sd 1 MiB", NOISE_AR, 0.9, MIB, PAGE },
	{ "busy: random walk, 16 KiB steps", NOISE_WALK, 1, 16 * KIB, PAGE },
};

static const double detect_rates_mb[] = { 1, 3, 10, 30, 100 };

struct config {
	const char *name;
	double window_s;
};

#ifdef BENCH_BEFORE
static const struct config configs[] = { { "before", 0 } };
#else
static const struct config configs[] = {
	{ "after, --leak-window 10m (default)", 600 },
	{ "after, --leak-window 30s", 30 },
};
#endif

#define FAMILY 600

static uint64_t seed_of(unsigned a, unsigned b, unsigned c)
{
	return 0x5eed0000ULL ^ ((uint64_t)a << 40) ^ ((uint64_t)b << 20) ^ c;
}

static double pct(unsigned k, unsigned n)
{
	return n ? 100.0 * k / n : 0;
}

/* ---- false leaks, per series ---- */

static void run_false(unsigned runs)
{
	enum { AT20, AT10M, AT30M, EVER, NCOL };
	static const int at[] = { 20, 600, 1800 };

	for (size_t c = 0; c < ARRAY_SIZE(configs); c++) {
		printf("\nFalse `leak` per series, %s; %u runs of 30 min at 1 Hz, "
		       "family of %d series\n\n", configs[c].name, runs, FAMILY);
		printf("| noise | at 20 s | at 10 min | at 30 min | ever in 30 min |\n");
		printf("|---|---|---|---|---|\n");
		for (size_t m = 0; m < ARRAY_SIZE(false_models); m++) {
			unsigned hit[NCOL] = { 0 };

			for (unsigned r = 0; r < runs; r++) {
				struct watch w;
				struct gen g;
				bool ever = false;

				watch_init(&w, configs[c].window_s, FAMILY);
				gen_init(&g, &false_models[m], 0, seed_of(1, (unsigned)m, r));
				for (int i = 0; i < 1800; i++) {
					bool leak;

					watch_sample(&w, &g, 1, i);
					if ((i + 1) % EVAL_EVERY && i + 1 != 20)
						continue;
					leak = watch_leaks(&w) > 0;
					ever |= leak;
					for (int k = 0; k < 3; k++)
						hit[k] += leak && i + 1 == at[k];
				}
				hit[EVER] += ever;
				watch_free(&w);
			}
			printf("| %s | %.2f%% | %.2f%% | %.2f%% | %.2f%% |\n",
			       false_models[m].name, pct(hit[AT20], runs),
			       pct(hit[AT10M], runs), pct(hit[AT30M], runs),
			       pct(hit[EVER], runs));
			fflush(stdout);
		}
	}
}

/* ---- time to detect ---- */

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static const char *dur(int s, char *buf, size_t len)
{
	if (s < 0 || s == 1 << 30)
		snprintf(buf, len, "> 2 h");
	else if (s < 120)
		snprintf(buf, len, "%d s", s);
	else
		snprintf(buf, len, "%.1f min", s / 60.0);
	return buf;
}

/* Seconds to the first `leak` (-1: not within 2 h). */
static int detect_once(const struct noise *n, double rate_mb, unsigned r)
{
	struct watch w;
	struct gen g;
	int found = -1;

	watch_init(&w, configs[0].window_s, FAMILY);
	gen_init(&g, n, rate_mb * MB,
		 seed_of(2, (unsigned)(n - detect_models) * 1000 + (unsigned)(rate_mb * 10), r));
	for (int i = 0; i < 7200 && found < 0; i++) {
		watch_sample(&w, &g, 1, i);
		if ((i + 1) % EVAL_EVERY == 0 && watch_leaks(&w))
			found = i;
	}
	watch_free(&w);
	return found;
}

static void run_detect(unsigned runs)
{
	int *t = calloc(runs, sizeof(*t));
	char b1[32], b2[32];

	if (!t)
		abort();
	printf("\nTime to the first `leak` verdict, %s; %u runs per cell, up to 2 h "
	       "at 1 Hz, family of %d series\n\n", configs[0].name, runs, FAMILY);
	printf("| noise | leak rate | median | 90th percentile | found within 1 h | "
	       "within 2 h |\n");
	printf("|---|---|---|---|---|---|\n");
	for (size_t m = 0; m < ARRAY_SIZE(detect_models); m++) {
		for (size_t k = 0; k < ARRAY_SIZE(detect_rates_mb); k++) {
			unsigned h1 = 0, h2 = 0;

			for (unsigned r = 0; r < runs; r++) {
				t[r] = detect_once(&detect_models[m], detect_rates_mb[k], r);
				h1 += t[r] >= 0 && t[r] < 3600;
				h2 += t[r] >= 0;
				if (t[r] < 0)
					t[r] = 1 << 30; /* sorts last */
			}
			qsort(t, runs, sizeof(*t), cmp_int);
			printf("| %s | %g MB/h | %s | %s | %.0f%% | %.0f%% |\n",
			       detect_models[m].name, detect_rates_mb[k],
			       dur(t[runs / 2], b1, sizeof(b1)),
			       dur(t[runs * 9 / 10], b2, sizeof(b2)),
			       pct(h1, runs), pct(h2, runs));
			fflush(stdout);
		}
	}
	free(t);
}

/* ---- family-wise ---- */

static void run_family(unsigned runs)
{
	size_t nm = ARRAY_SIZE(false_models);
	struct gen *g = calloc(FAMILY, sizeof(*g));

	if (!g)
		abort();
	printf("\nFamily-wise: %d noise series watched together (%zu of each noise "
	       "model above), %u runs of 30 min, analysed every 10 s\n\n",
	       FAMILY, FAMILY / nm, runs);
	printf("| rule | runs with a false `leak` at 30 min | at any analysis | "
	       "false `leak` verdicts per run (mean, at 30 min) | ms per analysis |\n");
	printf("|---|---|---|---|---|\n");
	for (size_t c = 0; c < ARRAY_SIZE(configs); c++) {
		unsigned end = 0, ever = 0, looks = 0;
		double verdicts = 0, ns = 0;

		for (unsigned r = 0; r < runs; r++) {
			struct watch w;
			bool any = false;
			size_t last = 0;
			uint64_t t0;

			watch_init(&w, configs[c].window_s, 0);
			for (size_t k = 0; k < FAMILY; k++)
				gen_init(&g[k], &false_models[k % nm], 0,
					 seed_of(3, (unsigned)k, r));
			for (int i = 0; i < 1800; i++) {
				watch_sample(&w, g, FAMILY, i);
				if ((i + 1) % EVAL_EVERY)
					continue;
				t0 = clock_mono_ns();
				last = watch_leaks(&w);
				ns += (double)(clock_mono_ns() - t0);
				looks++;
				any |= last > 0;
			}
			end += last > 0;
			ever += any;
			verdicts += (double)last;
			watch_free(&w);
		}
		printf("| %s | %.1f%% | %.1f%% | %.2f | %.1f |\n", configs[c].name,
		       pct(end, runs), pct(ever, runs), verdicts / runs,
		       looks ? ns / looks / 1e6 : 0);
		fflush(stdout);
	}
	free(g);
}

int main(int argc, char **argv)
{
	unsigned runs = 1000, detect_runs = 200, family_runs = 20;
	const char *only = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--detect-runs") && i + 1 < argc)
			detect_runs = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--family-runs") && i + 1 < argc)
			family_runs = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else {
			fprintf(stderr, "usage: bench_verdicts [--runs N] [--detect-runs N] "
					"[--family-runs N] [--only false|detect|family]\n");
			return 2;
		}
	}
	if (!runs || !detect_runs || !family_runs) {
		fprintf(stderr, "bench_verdicts: counts must be positive\n");
		return 2;
	}
	if (!only || !strcmp(only, "false"))
		run_false(runs);
	if (!only || !strcmp(only, "detect"))
		run_detect(detect_runs);
	if (!only || !strcmp(only, "family"))
		run_family(family_runs);
	return 0;
}
