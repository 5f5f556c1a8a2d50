// SPDX-License-Identifier: GPL-2.0
/* Series of samples over time with bounded memory; see series.h. */
#include "series.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const source_names[SERIES_NSOURCES] = {
	[SERIES_SLAB] = "slab",
	[SERIES_VMALLOC_CALLER] = "vmalloc_caller",
	[SERIES_VMALLOC_MODULE] = "vmalloc_module",
	[SERIES_ALLOCINFO] = "allocinfo",
	[SERIES_MEMINFO] = "meminfo",
};

const char *series_source_name(enum series_source s)
{
	return s < SERIES_NSOURCES ? source_names[s] : "?";
}

int series_set_init(struct series_set *set, size_t cap)
{
	memset(set, 0, sizeof(*set));
	if (cap < 8)
		cap = 8;
	set->cap = cap & ~(size_t)1;
	set->stride = 1;
	set->prune_at = set->prune_min = SERIES_PRUNE_MIN;
	set->t = calloc(set->cap, sizeof(*set->t));
	return set->t ? 0 : -ENOMEM;
}

void series_set_free(struct series_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->count; i++)
		free(set->v[i].v);
	free(set->v);
	free(set->t);
	strmap_free(&set->index);
	memset(set, 0, sizeof(*set));
}

void series_sample_begin(struct series_set *set, uint64_t mono_ns)
{
	if (!set->samples && !set->pending && !set->n)
		set->t0_ns = mono_ns;
	set->last_t = mono_ns >= set->t0_ns
			      ? (double)(mono_ns - set->t0_ns) / 1e9
			      : 0.0; /* a clock that went back: keep order */
	if (set->n && set->last_t < set->t[set->n - 1])
		set->last_t = set->t[set->n - 1];
	for (size_t i = 0; i < set->count; i++)
		set->v[i].cur = 0;
	set->in_sample = true;
}

static int key_of(char *k, size_t klen, enum series_source src,
		  const char *name, const char *module)
{
	return snprintf(k, klen, "%d\t%s\t%s", (int)src, module ? module : "",
			name);
}

long series_add(struct series_set *set, enum series_source src,
		const char *name, const char *module, uint64_t bytes)
{
	char k[256];
	int kl = key_of(k, sizeof(k), src, name, module);
	size_t i;
	struct series *s;

	if (kl >= (int)sizeof(k))
		kl = sizeof(k) - 1;
	i = strmap_intern(&set->index, k, (size_t)kl, set->count);
	if (i == STRMAP_NONE)
		return -ENOMEM;
	if (i == set->count) {
		if (set->count == set->alloc) {
			size_t na = set->alloc ? set->alloc * 2 : 256;
			struct series *p = realloc(set->v, na * sizeof(*p));

			if (!p)
				return -ENOMEM;
			set->v = p;
			set->alloc = na;
		}
		s = &set->v[set->count];
		memset(s, 0, sizeof(*s));
		s->v = calloc(set->cap, sizeof(*s->v));
		if (!s->v)
			return -ENOMEM; /* the key stays, pointing past count */
		s->source = src;
		s->reclaimable = -1;
		snprintf(s->name, sizeof(s->name), "%s", name);
		snprintf(s->module, sizeof(s->module), "%s", module ? module : "");
		set->count++;
	}
	s = &set->v[i];
	s->cur = s->cur + bytes < s->cur ? UINT64_MAX : s->cur + bytes;
	return (long)i;
}

const struct series *series_find(const struct series_set *set,
				 enum series_source src, const char *name,
				 const char *module)
{
	char k[256];
	int kl = key_of(k, sizeof(k), src, name, module);
	size_t i;

	if (kl >= (int)sizeof(k))
		kl = sizeof(k) - 1;
	i = strmap_get(&set->index, k, (size_t)kl);
	return i < set->count ? &set->v[i] : NULL;
}

static int sgn(double d)
{
	return (d > 0) - (d < 0);
}

/* Mann-Kendall S from scratch: after a decimation. O(n^2), rare. */
static int64_t mk_s_full(const double *v, size_t n)
{
	int64_t s = 0;

	for (size_t j = 1; j < n; j++)
		for (size_t i = 0; i < j; i++)
			s += sgn(v[j] - v[i]);
	return s;
}

/* Gone now, and never held SERIES_PRUNE_BYTES in the window. */
static bool negligible(const struct series *s, size_t n)
{
	if (s->cur || s->last || s->acc)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s->v[i] >= SERIES_PRUNE_BYTES)
			return false;
	return true;
}

/*
 * At each decimation, drops the series that are gone and never held
 * SERIES_PRUNE_BYTES in the window (a small module's vmalloc callers after
 * it was unloaded, a short-lived cache): so modules or caches coming and
 * going for a week do not add up. Such a series could never be listed
 * (that takes min_growth_bytes of growth); if its key comes back it starts
 * again at 0, within SERIES_PRUNE_BYTES of what it held. Series that held
 * more stay: their fall is a finding ("released").
 */
static void prune(struct series_set *set)
{
	struct strmap idx = { 0 };
	size_t w = 0;
	char k[256];

	for (size_t i = 0; i < set->count; i++) {
		struct series *s = &set->v[i];
		int kl;

		if (negligible(s, set->n))
			continue;
		kl = key_of(k, sizeof(k), s->source, s->name, s->module);
		if (kl >= (int)sizeof(k))
			kl = sizeof(k) - 1;
		if (strmap_intern(&idx, k, (size_t)kl, w) != w) {
			strmap_free(&idx); /* out of memory: keep them all */
			return;
		}
		w++;
	}
	if (w == set->count) {
		strmap_free(&idx);
		return;
	}
	w = 0;
	for (size_t i = 0; i < set->count; i++) {
		if (negligible(&set->v[i], set->n)) {
			free(set->v[i].v);
			continue;
		}
		set->v[w++] = set->v[i];
	}
	set->count = w;
	strmap_free(&set->index);
	set->index = idx;
}

/* Prunes at each decimation, and whenever the count doubled since. */
static void maybe_prune(struct series_set *set, bool decimated)
{
	if (!decimated && set->count <= set->prune_at)
		return;
	prune(set);
	set->prune_at = 2 * set->count > set->prune_min ? 2 * set->count
							     : set->prune_min;
}

/* Halves the window: pairs of points become their mean, stride doubles. */
static void decimate(struct series_set *set)
{
	size_t h = set->n / 2;

	for (size_t i = 0; i < h; i++)
		set->t[i] = (set->t[2 * i] + set->t[2 * i + 1]) / 2;
	for (size_t k = 0; k < set->count; k++) {
		double *v = set->v[k].v;

		for (size_t i = 0; i < h; i++)
			v[i] = (v[2 * i] + v[2 * i + 1]) / 2;
		set->v[k].mk_s = mk_s_full(v, h);
	}
	set->n = h;
	set->stride *= 2;
	maybe_prune(set, true);
}

static void commit_point(struct series_set *set)
{
	size_t n = set->n;

	set->t[n] = set->tacc / set->pending;
	for (size_t k = 0; k < set->count; k++) {
		struct series *s = &set->v[k];
		double x = s->acc / set->pending;
		int64_t d = 0;

		for (size_t i = 0; i < n; i++)
			d += sgn(x - s->v[i]);
		s->v[n] = x;
		s->mk_s += d;
		s->acc = 0;
	}
	set->n = n + 1;
	set->pending = 0;
	set->tacc = 0;
	if (set->n == set->cap)
		decimate(set);
}

void series_sample_end(struct series_set *set)
{
	if (!set->in_sample)
		return;
	set->in_sample = false;
	for (size_t k = 0; k < set->count; k++) {
		set->v[k].acc += (double)set->v[k].cur;
		set->v[k].last = set->v[k].cur;
	}
	set->tacc += set->last_t;
	set->pending++;
	set->samples++;
	if (set->pending >= set->stride)
		commit_point(set);
	maybe_prune(set, false);
}

void series_set_widen(struct series_set *set)
{
	if (set->stride > 1 && !set->pending)
		set->stride /= 2;
}

/* The meminfo series: see series.h. */
const char *const series_meminfo_fields[] = {
	"Slab",	       "SReclaimable", "SUnreclaim", "KReclaimable",
	"VmallocUsed", "KernelStack",  "PageTables", "SecPageTables",
	"Percpu",      "Bounce",       "Unaccounted", NULL,
};
