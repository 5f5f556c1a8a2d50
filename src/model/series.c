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
	[SERIES_CGROUP] = "cgroup",
	[SERIES_MEMINFO] = "meminfo",
	[SERIES_CONTEXT] = "context",
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
	set->vcap = set->cap < 16 ? set->cap : 16;
	set->max_count = SERIES_MAX_COUNT;
	set->stride = 1;
	set->prune_at = set->prune_min = SERIES_PRUNE_MIN;
	set->t = calloc(set->cap, sizeof(*set->t));
	return set->t ? 0 : -ENOMEM;
}

void series_set_free(struct series_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->count; i++) {
		free(set->v[i].v);
		free(set->v[i].path);
	}
	free(set->v);
	free(set->t);
	strmap_free(&set->index);
	memset(set, 0, sizeof(*set));
}

void series_sample_begin(struct series_set *set, uint64_t mono_ns)
{
	if (!set->samples && !set->pending && !set->n)
		set->t0_ns = mono_ns;
	{
		double prev = set->last_t;

		set->last_t = mono_ns >= set->t0_ns ? (double)(mono_ns - set->t0_ns) / 1e9
						    : 0.0; /* a clock that went back: keep order */
		if (set->samples && (mono_ns < set->t0_ns || set->last_t < prev)) {
			/* counted for the caller to say: the trend over them is bent */
			if (!set->clock_back++)
				set->clock_back_first = set->samples + 1;
			set->last_t = prev;
		}
	}
	if (set->n && set->last_t < set->t[set->n - 1])
		set->last_t = set->t[set->n - 1];
	for (size_t i = 0; i < set->count; i++) {
		set->v[i].cur = 0;
		set->v[i].gap = false;
	}
	set->in_sample = true;
}

/* A cgroup path is PATH_MAX at most: keys are never cut. */
#define KEY_MAX (4096 + 128)

/*
 * "src\tmodule\tname" (a cgroup's "src\tcounter\tpath"), cut at klen - 1:
 * the index key. Built with memcpy, not snprintf: it runs for every series
 * of every sample (a recording of 100,000 samples with slabinfo makes tens
 * of millions).
 */
static int key_of(char *k, size_t klen, enum series_source src, const char *name,
		  const char *module)
{
	const char *parts[2] = { module ? module : "", name };
	char num[12];
	size_t n = 0, d = 0;
	unsigned v = (unsigned)src;

	do
		num[d++] = (char)('0' + v % 10);
	while ((v /= 10) && d < sizeof(num));
	while (d && n < klen - 1) /* the digits, most significant first */
		k[n++] = num[--d];
	if (n < klen - 1)
		k[n++] = '\t';
	for (int i = 0; i < 2 && n < klen - 1; i++) {
		size_t l = strlen(parts[i]);

		if (l > klen - 1 - n)
			l = klen - 1 - n;
		memcpy(k + n, parts[i], l);
		n += l;
		if (!i && n < klen - 1)
			k[n++] = '\t';
	}
	k[n] = '\0';
	return (int)n;
}

static int key_of_series(char *k, size_t klen, const struct series *s)
{
	return s->path ? key_of(k, klen, s->source, s->path, s->counter)
		       : key_of(k, klen, s->source, s->name, s->module);
}

/* The series of key k, created when new. */
static long slot_of(struct series_set *set, const char *k, int kl, enum series_source src)
{
	struct series *s;
	size_t i;

	/* At the cap, only known series: no key is kept for a refused one. */
	if (set->count >= set->max_count) {
		i = strmap_get(&set->index, k, (size_t)kl);
		if (i == STRMAP_NONE || i >= set->count)
			return -E2BIG;
		return (long)i;
	}
	i = strmap_intern(&set->index, k, (size_t)kl, set->count);
	if (i == STRMAP_NONE)
		return -ENOMEM;
	if (i < set->count)
		return (long)i;
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
	s->v = calloc(set->vcap, sizeof(*s->v));
	if (!s->v)
		return -ENOMEM; /* the key stays, pointing past count */
	s->source = src;
	s->reclaimable = -1;
	return (long)set->count++;
}

static void add_bytes(struct series *s, uint64_t bytes)
{
	s->cur = s->cur + bytes < s->cur ? UINT64_MAX : s->cur + bytes;
}

long series_add_cgroup(struct series_set *set, const char *path, const char *counter,
		       const char *name, uint64_t bytes)
{
	char k[KEY_MAX];
	long i = slot_of(set, k, key_of(k, sizeof(k), SERIES_CGROUP, path, counter), SERIES_CGROUP);
	struct series *s;

	if (i < 0)
		return i;
	s = &set->v[i];
	if (!s->path) {
		s->path = strdup(path);
		if (!s->path)
			return -ENOMEM;
		snprintf(s->counter, sizeof(s->counter), "%s", counter);
	}
	snprintf(s->name, sizeof(s->name), "%s", name ? name : path);
	add_bytes(s, bytes);
	return i;
}

long series_add(struct series_set *set, enum series_source src, const char *name,
		const char *module, uint64_t bytes)
{
	char k[KEY_MAX];
	long i = slot_of(set, k, key_of(k, sizeof(k), src, name, module), src);
	struct series *s;

	if (i < 0)
		return i;
	s = &set->v[i];
	if (!s->name[0]) {
		snprintf(s->name, sizeof(s->name), "%s", name);
		snprintf(s->module, sizeof(s->module), "%s", module ? module : "");
	}
	add_bytes(s, bytes);
	return i;
}

int series_add_error(const struct series_set *set, long r, const char *src, struct kerr *e)
{
	src = src && src[0] ? src : "series";
	if (r == -E2BIG)
		return kerr_set(
			e, -E2BIG, src, 0,
			"more than %zu series (caches, callers, sites): kleak keeps no more (a hostile recording?)",
			set->max_count);
	return kerr_set(e, -ENOMEM, src, 0, "out of memory");
}

const struct series *series_find(const struct series_set *set, enum series_source src,
				 const char *name, const char *module)
{
	char k[KEY_MAX];
	int kl = key_of(k, sizeof(k), src, name, module);
	size_t i = strmap_get(&set->index, k, (size_t)kl);

	return i < set->count ? &set->v[i] : NULL;
}

const struct series *series_find_cgroup(const struct series_set *set, const char *path,
					const char *counter)
{
	return series_find(set, SERIES_CGROUP, path, counter);
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
	char k[KEY_MAX];

	for (size_t i = 0; i < set->count; i++) {
		struct series *s = &set->v[i];
		int kl;

		if (negligible(s, set->n))
			continue;
		kl = key_of_series(k, sizeof(k), s);
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
			free(set->v[i].path);
			continue;
		}
		set->v[w++] = set->v[i];
	}
	set->count = w;
	strmap_free(&set->index);
	set->index = idx;
}

int series_set_copy(struct series_set *dst, const struct series_set *src)
{
	size_t n = src->count;
	char k[KEY_MAX];

	*dst = *src;
	dst->index = (struct strmap){ 0 };
	dst->count = 0;
	dst->t = malloc(src->cap * sizeof(*dst->t));
	dst->v = calloc(src->alloc ? src->alloc : 1, sizeof(*dst->v));
	if (!dst->t || !dst->v)
		goto nomem;
	memcpy(dst->t, src->t, src->cap * sizeof(*dst->t));
	for (size_t i = 0; i < n; i++) {
		struct series *d = &dst->v[i];
		int kl;

		*d = src->v[i];
		d->v = malloc(src->vcap * sizeof(*d->v));
		d->path = src->v[i].path ? strdup(src->v[i].path) : NULL;
		dst->count = i + 1; /* freed from here on */
		if (!d->v || (src->v[i].path && !d->path))
			goto nomem;
		memcpy(d->v, src->v[i].v, src->vcap * sizeof(*d->v));
		kl = key_of_series(k, sizeof(k), d);
		if (strmap_intern(&dst->index, k, (size_t)kl, i) != i)
			goto nomem;
	}
	return 0;
nomem:
	series_set_free(dst);
	return -ENOMEM;
}

/* Prunes at each decimation, and whenever the count doubled since. */
static void maybe_prune(struct series_set *set, bool decimated)
{
	if (!decimated && set->count <= set->prune_at)
		return;
	prune(set);
	set->prune_at = 2 * set->count > set->prune_min ? 2 * set->count : set->prune_min;
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
	}
	set->n = h;
	set->stride *= 2;
	maybe_prune(set, true);
}

/* Room for one more point in every series: doubling, up to cap. */
static int grow_points(struct series_set *set)
{
	size_t ncap = set->vcap * 2 < set->cap ? set->vcap * 2 : set->cap;

	for (size_t k = 0; k < set->count; k++) {
		double *p = realloc(set->v[k].v, ncap * sizeof(*p));

		if (!p)
			return -ENOMEM; /* those grown keep their room: harmless */
		memset(p + set->vcap, 0, (ncap - set->vcap) * sizeof(*p));
		set->v[k].v = p;
	}
	set->vcap = ncap;
	return 0;
}

static void commit_point(struct series_set *set)
{
	size_t n = set->n;

	/* Out of memory for more points: a coarser window instead. */
	if (n == set->vcap && (set->vcap == set->cap || grow_points(set))) {
		decimate(set);
		n = set->n;
	}

	set->t[n] = set->tacc / set->pending;
	for (size_t k = 0; k < set->count; k++) {
		struct series *s = &set->v[k];

		/* The samples it has; none (a gap): the point before, held. */
		s->v[n] = s->present ? s->acc / s->present : n ? s->v[n - 1] : 0;
		s->acc = 0;
		s->present = 0;
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
		struct series *s = &set->v[k];

		if (s->gap)
			continue;
		s->acc += (double)s->cur;
		s->present++;
		s->last = s->cur;
	}
	set->tacc += set->last_t;
	set->pending++;
	set->samples++;
	if (set->pending >= set->stride)
		commit_point(set);
	maybe_prune(set, false);
}

void series_gap(struct series_set *set, enum series_source src, const char *name)
{
	for (size_t k = 0; k < set->count; k++)
		if (set->v[k].source == src && (!name || !strcmp(set->v[k].name, name)))
			set->v[k].gap = true;
}

void series_set_widen(struct series_set *set)
{
	if (set->stride > 1 && !set->pending)
		set->stride /= 2;
}

/* The meminfo series: see series.h. */
const char *const series_meminfo_fields[] = {
	"Slab",	      "SReclaimable",  "SUnreclaim", "KReclaimable", "VmallocUsed", "KernelStack",
	"PageTables", "SecPageTables", "Percpu",     "Bounce",	     "Unaccounted", NULL,
};
