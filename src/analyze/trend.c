// SPDX-License-Identifier: GPL-2.0
/* Theil-Sen slopes, Mann-Kendall confidence, verdicts, ranking; see trend.h. */
#include "trend.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void trend_opts_default(struct trend_opts *o)
{
	o->conf_leak = 0.99;
	o->conf_possible = 0.90;
	o->min_growth_bytes = 16384;
	o->release_frac = 0.5;
	o->min_points = 5;
	o->min_rises = 3;
	o->explain_frac = 0.5;
}

const char *trend_verdict_name(enum trend_verdict v)
{
	switch (v) {
	case TREND_LEAK:
		return "leak";
	case TREND_RECLAIMABLE:
		return "growing_reclaimable";
	case TREND_POSSIBLE:
		return "possible_leak";
	case TREND_FLUCTUATING:
		return "fluctuating";
	case TREND_RELEASED:
		return "released";
	}
	return "?";
}

/*
 * k-th smallest of a[0..n), reordering a so that a[0..k) <= a[k] <=
 * a(k..n) (Wirth's selection).
 */
static double select_kth(double *a, size_t n, size_t k)
{
	long l = 0, r = (long)n - 1, kk = (long)k;

	while (l < r) {
		double x = a[kk];
		long i = l, j = r;

		do {
			while (a[i] < x)
				i++;
			while (x < a[j])
				j--;
			if (i <= j) {
				double tmp = a[i];

				a[i++] = a[j];
				a[j--] = tmp;
			}
		} while (i <= j);
		if (j < kk)
			l = i;
		if (kk < i)
			r = j;
	}
	return a[kk];
}

double trend_theil_sen(const double *t, const double *v, size_t n,
		       double *scratch)
{
	size_t m = 0;
	double lo, hi;

	for (size_t j = 1; j < n; j++)
		for (size_t i = 0; i < j; i++)
			if (t[j] != t[i])
				scratch[m++] = (v[j] - v[i]) / (t[j] - t[i]);
	if (!m)
		return 0;
	hi = select_kth(scratch, m, m / 2);
	if (m % 2)
		return hi;
	/* Even count: the mean of the two middle slopes. */
	lo = scratch[0];
	for (size_t i = 1; i < m / 2; i++)
		if (scratch[i] > lo)
			lo = scratch[i];
	return (lo + hi) / 2;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void trend_mann_kendall(const double *v, size_t n, bool have_s, int64_t s,
			double *scratch, struct trend_mk *out)
{
	double nn = (double)n, var, ties = 0;

	memset(out, 0, sizeof(*out));
	if (n < 2)
		return;
	if (!have_s) {
		s = 0;
		for (size_t j = 1; j < n; j++)
			for (size_t i = 0; i < j; i++)
				s += (v[j] > v[i]) - (v[j] < v[i]);
	}
	memcpy(scratch, v, n * sizeof(*v));
	qsort(scratch, n, sizeof(*scratch), cmp_double);
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j < n && scratch[j] == scratch[i])
			j++;
		if (j - i > 1) {
			double tt = (double)(j - i);

			ties += tt * (tt - 1) * (2 * tt + 5);
		}
		i = j;
	}
	var = (nn * (nn - 1) * (2 * nn + 5) - ties) / 18;
	out->s = s;
	out->var = var;
	if (var <= 0 || s == 0)
		return;
	out->z = (double)(s > 0 ? s - 1 : s + 1) / sqrt(var);
	out->confidence = out->z > 0 ? erf(out->z / M_SQRT2) : 0;
}

/* ---- per-series verdicts ---- */

static bool growing(enum trend_verdict v)
{
	return v == TREND_LEAK || v == TREND_RECLAIMABLE || v == TREND_POSSIBLE;
}

/*
 * Theil-Sen over at most TREND_TS_POINTS points: beyond that, the means of
 * equal runs of consecutive points (a linear trend stays exactly linear),
 * so that a full 512-point window costs 2k slope pairs, not 131k.
 */
static double slope_of(const struct series_set *set, const double *v,
		       double *scratch)
{
	size_t n = set->n, m = TREND_TS_POINTS, per;
	double *bt = scratch, *bv = scratch + m, *pairs = scratch + 2 * m;

	if (n <= m)
		return trend_theil_sen(set->t, v, n, scratch);
	per = (n + m - 1) / m;
	m = 0;
	for (size_t i = 0; i < n; i += per, m++) {
		size_t k = i + per < n ? per : n - i;
		double st = 0, sv = 0;

		for (size_t j = i; j < i + k; j++) {
			st += set->t[j];
			sv += v[j];
		}
		bt[m] = st / (double)k;
		bv[m] = sv / (double)k;
	}
	return trend_theil_sen(bt, bv, m, pairs);
}

static void judge(const struct series_set *set, size_t k,
		  const struct trend_opts *o, double *scratch,
		  struct trend_leak *l)
{
	const struct series *s = &set->v[k];
	const double *v = s->v;
	size_t n = set->n;
	double peak = v[0], slope;
	struct trend_mk mk;

	memset(l, 0, sizeof(*l));
	l->series = k;
	l->aggregate = s->source == SERIES_MEMINFO || s->aggregate;
	for (size_t i = 1; i < n; i++) {
		if (v[i] > peak)
			peak = v[i];
		l->rises += v[i] > v[i - 1];
	}
	l->growth_bytes = v[n - 1] - v[0];
	l->peak_growth_bytes = peak - v[0];
	slope = slope_of(set, v, scratch);
	l->rate_bytes_per_hour = slope * 3600;
	trend_mann_kendall(v, n, true, s->mk_s, scratch, &mk);
	l->confidence = mk.confidence;
	if (peak - v[n - 1] >= o->release_frac * l->peak_growth_bytes) {
		l->verdict = TREND_RELEASED;
		l->confidence = 0;
	} else if (n >= o->min_points && slope > 0 &&
		   mk.confidence >= o->conf_leak && l->rises >= o->min_rises &&
		   l->growth_bytes >= o->min_growth_bytes) {
		l->verdict = s->reclaimable == 1 ? TREND_RECLAIMABLE : TREND_LEAK;
	} else if (slope > 0 && mk.confidence >= o->conf_possible &&
		   l->rises >= 2 && l->growth_bytes >= o->min_growth_bytes) {
		/* One step up is a burst (a slab, a map), not yet a trend. */
		l->verdict = TREND_POSSIBLE;
	} else {
		l->verdict = TREND_FLUCTUATING;
	}
}

/* ---- aggregates and what explains them ---- */

static bool is_stack_caller(const char *name)
{
	static const char *const callers[] = { "kernel_clone",
					       "alloc_thread_stack_node",
					       "dup_task_struct", "copy_process" };

	for (size_t i = 0; i < sizeof(callers) / sizeof(callers[0]); i++)
		if (!strcmp(name, callers[i]))
			return true;
	return false;
}

/* Whether specific series s is part of aggregate agg (meminfo, or an allocinfo container). */
static bool contains(const struct series *agg, const struct series *s)
{
	const char *a = agg->name;

	if (agg->source == SERIES_SLAB) /* kmemleak_object: any other cache or site */
		return (s->source == SERIES_SLAB || s->source == SERIES_ALLOCINFO) &&
		       s != agg;
	if (agg->source == SERIES_ALLOCINFO) /* slab pages, percpu chunks */
		return s->source == SERIES_ALLOCINFO ||
		       (s->source == SERIES_SLAB && strstr(a, " mm/slub.c:"));
	if (s->source == SERIES_SLAB) {
		if (!strcmp(a, "Slab"))
			return true;
		if (!strcmp(a, "SUnreclaim"))
			return s->reclaimable != 1;
		if (!strcmp(a, "SReclaimable") || !strcmp(a, "KReclaimable"))
			return s->reclaimable == 1;
		return !strcmp(a, "KernelStack") && !strcmp(s->name, "thread_stack");
	}
	if (s->source == SERIES_VMALLOC_CALLER) {
		if (!strcmp(a, "VmallocUsed"))
			return true;
		return !strcmp(a, "KernelStack") && is_stack_caller(s->name);
	}
	/* A site's memory may be of any kind (slab objects, pages, vmalloc,
	 * percpu): it is part of whichever aggregate grows with it. */
	return s->source == SERIES_ALLOCINFO;
}

static void explain(const struct series_set *set, const struct trend_opts *o,
		    struct trend_report *rep, struct trend_leak *agg)
{
	const struct series *as = &set->v[agg->series];
	double covered = 0, top[TREND_EXPLAIN_MAX];

	agg->nexplained = 0;
	for (size_t i = 0; i < rep->n; i++) {
		const struct trend_leak *c = &rep->v[i];
		int k;

		if (c->aggregate || !growing(c->verdict) ||
		    !contains(as, &set->v[c->series]))
			continue;
		covered += c->rate_bytes_per_hour;
		/* Keep the TREND_EXPLAIN_MAX fastest, fastest first. */
		for (k = agg->nexplained; k > 0 && top[k - 1] < c->rate_bytes_per_hour; k--)
			if (k < TREND_EXPLAIN_MAX) {
				top[k] = top[k - 1];
				agg->explained_by[k] = agg->explained_by[k - 1];
			}
		if (k < TREND_EXPLAIN_MAX) {
			top[k] = c->rate_bytes_per_hour;
			agg->explained_by[k] = c->series;
			if (agg->nexplained < TREND_EXPLAIN_MAX)
				agg->nexplained++;
		}
	}
	agg->explained = agg->rate_bytes_per_hour > 0 &&
			 covered >= o->explain_frac * agg->rate_bytes_per_hour;
	if (!agg->explained)
		agg->nexplained = 0;
}

static int tier_of(const struct trend_leak *l)
{
	if (l->explained && growing(l->verdict))
		return 3;
	switch (l->verdict) {
	case TREND_LEAK:
		return 0;
	case TREND_RECLAIMABLE:
		return 1;
	case TREND_POSSIBLE:
		return 2;
	case TREND_FLUCTUATING:
		return 4;
	case TREND_RELEASED:
		return 5;
	}
	return 6;
}

static int cmp_leak(const void *a, const void *b, void *arg)
{
	const struct series_set *set = arg;
	const struct trend_leak *x = a, *y = b;
	const struct series *sx = &set->v[x->series], *sy = &set->v[y->series];
	int c;

	if (x->tier != y->tier)
		return x->tier - y->tier;
	if (x->rate_bytes_per_hour != y->rate_bytes_per_hour)
		return x->rate_bytes_per_hour > y->rate_bytes_per_hour ? -1 : 1;
	if (x->confidence != y->confidence)
		return x->confidence > y->confidence ? -1 : 1;
	if (sx->source != sy->source)
		return (int)sx->source - (int)sy->source;
	c = strcmp(sx->name, sy->name);
	return c ? c : strcmp(sx->module, sy->module);
}

static int reserve(struct trend_report *rep, size_t nseries, size_t points)
{
	size_t np = points < TREND_TS_POINTS ? points : TREND_TS_POINTS;
	size_t need = np * (np - 1) / 2 + 2 * TREND_TS_POINTS + points + 1;

	if (rep->alloc < nseries) {
		struct trend_leak *p = realloc(rep->v, nseries * sizeof(*p));

		if (!p)
			return -ENOMEM;
		rep->v = p;
		rep->alloc = nseries;
	}
	if (rep->scratch_len < need) {
		double *p = realloc(rep->scratch, need * sizeof(*p));

		if (!p)
			return -ENOMEM;
		rep->scratch = p;
		rep->scratch_len = need;
	}
	return 0;
}

/* Grew by min_growth_bytes above its first point at some time. */
static bool candidate(const struct series_set *set, size_t k, double min)
{
	const double *v = set->v[k].v;

	for (size_t i = 1; i < set->n; i++)
		if (v[i] - v[0] >= min)
			return true;
	return false;
}

int trend_analyze(const struct series_set *set, const struct trend_opts *o,
		  struct trend_report *rep)
{
	rep->n = 0;
	rep->points = set->n;
	rep->window_s = set->n ? set->t[set->n - 1] - set->t[0] : 0;
	if (set->n < 2)
		return 0;
	if (reserve(rep, set->count ? set->count : 1, set->n))
		return -ENOMEM;
	for (size_t k = 0; k < set->count; k++)
		if (candidate(set, k, o->min_growth_bytes))
			judge(set, k, o, rep->scratch, &rep->v[rep->n++]);
	for (size_t i = 0; i < rep->n; i++)
		if (rep->v[i].aggregate && growing(rep->v[i].verdict))
			explain(set, o, rep, &rep->v[i]);
	for (size_t i = 0; i < rep->n; i++)
		rep->v[i].tier = tier_of(&rep->v[i]);
	qsort_r(rep->v, rep->n, sizeof(*rep->v), cmp_leak, (void *)set);
	return 0;
}

void trend_report_free(struct trend_report *rep)
{
	if (!rep)
		return;
	free(rep->v);
	free(rep->scratch);
	memset(rep, 0, sizeof(*rep));
}

int trend_verdict_parse(const char *s, enum trend_verdict *v)
{
	static const enum trend_verdict ok[] = { TREND_LEAK, TREND_RECLAIMABLE,
						 TREND_POSSIBLE };

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!strcmp(s, trend_verdict_name(ok[i]))) {
			*v = ok[i];
			return 0;
		}
	return -EINVAL;
}

bool trend_report_reaches(const struct trend_report *rep, enum trend_verdict v)
{
	for (size_t i = 0; i < rep->n; i++)
		if (!rep->v[i].explained && growing(rep->v[i].verdict) &&
		    rep->v[i].verdict <= v)
			return true;
	return false;
}
