// SPDX-License-Identifier: GPL-2.0
/* Series of samples over time with bounded memory; see series.h. */
#include "series.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "analyze/allocinfo_top.h"
#include "analyze/kmem.h"
#include "parse/allocinfo.h"
#include "parse/meminfo.h"
#include "parse/slabinfo.h"

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

/* ---- one sample of raw sources ---- */

void sample_free(struct sample *s)
{
	if (!s)
		return;
	for (int i = 0; i < SRC_COUNT; i++)
		buf_free(&s->raw[i]);
	memset(s, 0, sizeof(*s));
}

void sample_read_live(struct sample *s, unsigned mask)
{
	struct timespec ts;
	struct utsname u;

	if (!s->release[0] && !uname(&u)) {
		snprintf(s->release, sizeof(s->release), "%s", u.release);
		snprintf(s->hostname, sizeof(s->hostname), "%s", u.nodename);
	}
	s->page_size = (uint64_t)sysconf(_SC_PAGESIZE);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	s->mono_ns = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	s->time_s = (int64_t)time(NULL);
	for (int i = 0; i < SRC_COUNT; i++) {
		s->have[i] = false;
		if (!(mask & (1u << i)))
			continue;
		kerr_clear(&s->err[i]);
		s->have[i] = !source_read(NULL, (enum source_id)i, &s->raw[i],
					  &s->err[i]);
	}
}

/* ---- ingestion: raw sources -> series values ---- */

const char *const series_meminfo_fields[] = {
	"Slab",	       "SReclaimable", "SUnreclaim", "KReclaimable",
	"VmallocUsed", "KernelStack",  "PageTables", "SecPageTables",
	"Percpu",      "Bounce",       "Unaccounted", NULL,
};

void series_ctx_free(struct series_ctx *c)
{
	if (!c)
		return;
	slab_aliases_free(&c->aliases);
	modules_free(&c->base_modules);
	buf_free(&c->base_kallsyms);
	vmalloc_groups_free(&c->vg);
	memset(c, 0, sizeof(*c));
}

static void srcname_of(char *out, size_t len, const char *srcname,
		       enum source_id id)
{
	snprintf(out, len, "%s/%s", srcname, source_descs[id].name);
}

/*
 * The kernel components of meminfo (analyze/kmem.h), Unaccounted included:
 * what is used but itemised nowhere, where an alloc_pages() leak shows.
 * Without vmallocinfo, stacks are taken as vmalloc'd (VMAP_STACK, the
 * x86_64 default).
 */
static int ingest_meminfo(struct series_set *set, struct series_ctx *c,
			  struct sample *s, const char *srcname,
			  struct kerr *e)
{
	struct kmem_summary k;
	struct meminfo mi;
	char src[300];
	int r;

	srcname_of(src, sizeof(src), srcname, SRC_MEMINFO);
	r = meminfo_parse(s->raw[SRC_MEMINFO].data, s->raw[SRC_MEMINFO].len,
			  src, &mi, e);
	if (r)
		return r;
	kmem_summarize(&mi, s->have[SRC_VMALLOCINFO] ? vmalloc_groups_vmap_stacks(&c->vg) : true,
		       &k);
	for (int i = 0; i < k.ncomp; i++) {
		const char *f = k.comp[i].name;
		long n = series_add(set, SERIES_MEMINFO, f, NULL, k.comp[i].bytes);

		if (n < 0) {
			r = kerr_set(e, -ENOMEM, src, 0, "out of memory");
			break;
		}
		set->v[n].reclaimable = !strcmp(f, "SReclaimable") ||
					!strcmp(f, "KReclaimable");
	}
	meminfo_free(&mi);
	return r;
}

static int ingest_slabinfo(struct series_set *set, struct series_ctx *c,
			   struct sample *s, const char *srcname,
			   struct kerr *e)
{
	struct slabinfo si;
	char src[300];
	int r;

	srcname_of(src, sizeof(src), srcname, SRC_SLABINFO);
	r = slabinfo_parse(s->raw[SRC_SLABINFO].data, s->raw[SRC_SLABINFO].len,
			   src, &si, e);
	if (r)
		return r;
	for (size_t i = 0; i < si.n; i++) {
		long k = series_add(set, SERIES_SLAB, si.v[i].name, NULL,
				    slab_cache_bytes(&si.v[i], s->page_size));

		if (k < 0) {
			r = kerr_set(e, -ENOMEM, src, 0, "out of memory");
			break;
		}
		if (set->v[k].reclaimable < 0 && c->have_aliases)
			set->v[k].reclaimable =
				slab_alias_reclaimable(&c->aliases, si.v[i].name);
		/* kmemleak's metadata: one object per tracked allocation, so it
		 * grows with any leak on a kmemleak kernel (an aggregate). */
		set->v[k].aggregate = !strcmp(si.v[i].name, "kmemleak_object");
	}
	slabinfo_free(&si);
	return r;
}

static int ingest_vmalloc(struct series_set *set, struct series_ctx *c,
			  struct sample *s, const struct modules *loaded,
			  const char *srcname, struct kerr *e)
{
	struct vmalloc_baseline base = { 0 }, *bp = NULL;
	char src[300];
	int r;

	srcname_of(src, sizeof(src), srcname, SRC_VMALLOCINFO);
	if (c->have_base) {
		base.modules = &c->base_modules;
		base.kallsyms = c->base_kallsyms.data;
		base.kallsyms_len = c->base_kallsyms.len;
		bp = &base;
	}
	vmalloc_groups_free(&c->vg);
	r = vmalloc_group(s->raw[SRC_VMALLOCINFO].data,
			  s->raw[SRC_VMALLOCINFO].len, src, s->page_size,
			  loaded, bp, &c->vg, e);
	if (r)
		return r;
	for (size_t i = 0; i < c->vg.ncallers; i++) {
		const struct vmalloc_caller *vc = &c->vg.callers[i];

		if (series_add(set, SERIES_VMALLOC_CALLER, vc->caller,
			       vc->module, vc->bytes) < 0)
			return kerr_set(e, -ENOMEM, src, 0, "out of memory");
	}
	for (size_t i = 0; i < c->vg.nmodules; i++)
		if (series_add(set, SERIES_VMALLOC_MODULE,
			       c->vg.modules[i].module, NULL,
			       c->vg.modules[i].bytes) < 0)
			return kerr_set(e, -ENOMEM, src, 0, "out of memory");
	return 0;
}

/*
 * One series per allocinfo site, named "function file:line [module]" (the
 * module also in `module`). Sites holding nothing are not added: most of
 * the kernel's thousands of tags are empty, and an absent series reads 0.
 * Sites of user memory (anonymous pages, page cache, shmem) are left out
 * like meminfo's AnonPages and Cached; containers (slab pages) are
 * aggregates of the sites whose objects they hold (allocinfo_top.h).
 */
static int ingest_allocinfo(struct series_set *set, struct sample *s,
			    const char *srcname, struct kerr *e)
{
	struct allocinfo ai;
	char src[300], name[512];
	int r;

	srcname_of(src, sizeof(src), srcname, SRC_ALLOCINFO);
	r = allocinfo_parse(s->raw[SRC_ALLOCINFO].data,
			    s->raw[SRC_ALLOCINFO].len, src, &ai, e);
	if (r)
		return r;
	for (size_t i = 0; i < ai.n && !r; i++) {
		const struct alloc_site *a = &ai.v[i];
		enum alloc_site_kind kind = alloc_site_kind(a);
		long k;

		if (!alloc_site_bytes(a) || kind == ALLOC_SITE_USER)
			continue;
		snprintf(name, sizeof(name), "%s %s:%u%s%s%s", a->function,
			 a->file, a->src_line, a->module ? " [" : "",
			 a->module ? a->module : "", a->module ? "]" : "");
		k = series_add(set, SERIES_ALLOCINFO, name, a->module,
			       alloc_site_bytes(a));
		if (k < 0)
			r = kerr_set(e, -ENOMEM, src, 0, "out of memory");
		else
			set->v[k].aggregate = kind == ALLOC_SITE_CONTAINER;
	}
	allocinfo_free(&ai);
	return r;
}

bool series_ctx_wants_kallsyms(const struct series_ctx *c,
			       const struct sample *s)
{
	struct modules now;
	struct kerr e;
	bool want = false;

	if (!c->base_tried)
		return true;
	if (!s->have[SRC_MODULES] ||
	    modules_parse(s->raw[SRC_MODULES].data, s->raw[SRC_MODULES].len,
			  "modules", &now, &e))
		return false;
	for (size_t i = 0; i < now.n && !want; i++)
		want = !modules_find(&c->base_modules, now.v[i].name);
	modules_free(&now);
	return want;
}

/*
 * Slab reclaim flags and the unloaded-module baseline come with the
 * samples that carry them (the first, and any where a module appeared).
 */
int series_ctx_note(struct series_ctx *c, const struct sample *s,
		    const char *srcname, struct kerr *e)
{
	char src[300];
	int r;

	if (s->have[SRC_SLAB_ALIASES]) {
		struct slab_aliases a;

		srcname_of(src, sizeof(src), srcname, SRC_SLAB_ALIASES);
		r = slab_aliases_parse(s->raw[SRC_SLAB_ALIASES].data,
				       s->raw[SRC_SLAB_ALIASES].len, src, &a, e);
		if (r)
			return r;
		slab_aliases_free(&c->aliases);
		c->aliases = a;
		c->have_aliases = true;
	}
	if (s->have[SRC_KALLSYMS])
		c->base_tried = true;
	if (s->have[SRC_KALLSYMS] && s->have[SRC_MODULES]) {
		struct modules m;

		srcname_of(src, sizeof(src), srcname, SRC_MODULES);
		r = modules_parse(s->raw[SRC_MODULES].data,
				  s->raw[SRC_MODULES].len, src, &m, e);
		if (r)
			return r;
		modules_free(&c->base_modules);
		c->base_modules = m;
		buf_reset(&c->base_kallsyms);
		if (buf_append(&c->base_kallsyms, s->raw[SRC_KALLSYMS].data,
			       s->raw[SRC_KALLSYMS].len))
			return kerr_set(e, -ENOMEM, srcname, 0, "out of memory");
		c->have_base = true;
	}
	return 0;
}

int series_ingest(struct series_set *set, struct series_ctx *c,
		  struct sample *s, const char *srcname, struct kerr *e)
{
	struct modules loaded = { 0 };
	bool have_loaded = false;
	char src[300];
	int r = 0;

	if (s->have[SRC_MODULES]) {
		srcname_of(src, sizeof(src), srcname, SRC_MODULES);
		r = modules_parse(s->raw[SRC_MODULES].data,
				  s->raw[SRC_MODULES].len, src, &loaded, e);
		if (r)
			return r;
		have_loaded = true;
	}
	r = series_ctx_note(c, s, srcname, e);
	series_sample_begin(set, s->mono_ns);
	if (!r && s->have[SRC_VMALLOCINFO]) /* first: meminfo needs vmap_stacks */
		r = ingest_vmalloc(set, c, s, have_loaded ? &loaded : NULL,
				   srcname, e);
	if (!r && s->have[SRC_MEMINFO])
		r = ingest_meminfo(set, c, s, srcname, e);
	if (!r && s->have[SRC_SLABINFO])
		r = ingest_slabinfo(set, c, s, srcname, e);
	if (!r && s->have[SRC_ALLOCINFO])
		r = ingest_allocinfo(set, s, srcname, e);
	series_sample_end(set);
	modules_free(&loaded);
	return r;
}
