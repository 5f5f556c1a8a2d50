// SPDX-License-Identifier: GPL-2.0
/* kmemleak objects grouped by symbolized backtrace; see kmemleak_group.h. */
#include "kmemleak_group.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/num.h"
#include "util/strmap.h"

/*
 * Allocator internals and allocation helpers, matched as name prefixes
 * after dropping compiler suffixes (".constprop.0", ".isra.0", ".cold").
 * 6.10+ (memory allocation profiling) renames most of them *_noprof,
 * which the prefixes cover.
 */
static const char *const alloc_prefixes[] = {
	"kmalloc",
	"__kmalloc",
	"___kmalloc",
	"kmem_cache_alloc",
	"__kmem_cache_alloc",
	"kmem_cache_zalloc",
	"kzalloc",
	"kcalloc",
	"krealloc",
	"__krealloc",
	"kvmalloc",
	"__kvmalloc",
	"kvzalloc",
	"kvcalloc",
	"kvrealloc",
	"__do_kmalloc",
	"vmalloc",
	"__vmalloc",
	"vzalloc",
	"vcalloc",
	"vmap",
	"slab_",
	"__slab_",
	"___slab_",
	"alloc_slab_page",
	"allocate_slab",
	"new_slab",
	"alloc_pages",
	"__alloc_pages",
	"alloc_frozen_pages",
	"__alloc_frozen_pages",
	"get_page_from_freelist",
	"__get_free_pages",
	"get_zeroed_page",
	"kstrdup",
	"kstrndup",
	"kmemdup",
	"memdup_user",
	"vmemdup_user",
	"strndup_user",
	"pcpu_alloc",
	"__alloc_percpu",
	"alloc_percpu",
	"mempool_alloc",
	"kmemleak_alloc",
	"kmemleak_vmalloc",
	"kasan_",
	"__kasan_",
	"should_failslab",
	"alloc_tag",
	"__alloc_tag",
};

bool kmemleak_is_allocator(const char *func)
{
	size_t n;

	if (!func)
		return false;
	n = strcspn(func, ".");
	for (size_t i = 0; i < sizeof(alloc_prefixes) / sizeof(*alloc_prefixes); i++) {
		size_t pl = strlen(alloc_prefixes[i]);

		if (pl <= n && !memcmp(func, alloc_prefixes[i], pl))
			return true;
	}
	return false;
}

/* Per distinct report frame, after symbolization. */
struct fr {
	const char *func; /* NULL when unresolved */
	const char *module;
	bool alloc;
	uint32_t canon; /* id of the symbolized frame, for grouping */
};

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

static int resolve_frames(const struct kmemleak_report *r, const struct kmemleak_group_opts *o,
			  struct kmemleak_groups *g, struct fr *fr)
{
	struct strmap canon = { 0 };
	char buf[1280];
	int rc = 0;

	g->ftext = calloc(r->nframes ? r->nframes : 1, sizeof(*g->ftext));
	if (!g->ftext)
		return -ENOMEM;
	g->nftext = r->nframes;
	for (size_t i = 0; i < r->nframes; i++) {
		const struct kmemleak_frame *f = &r->frames[i];
		const char *key;
		struct ksym_loc loc;
		size_t id;

		fr[i].func = kmemleak_str(r, f->func);
		fr[i].module = kmemleak_str(r, f->module);
		key = kmemleak_str(r, f->text);
		if (f->func == KMEMLEAK_NONE) {
			g->raw_frames++;
			if (o->syms && ksym_lookup(o->syms, f->addr, &loc) && loc.name) {
				g->raw_resolved++;
				fr[i].func = loc.name;
				fr[i].module = loc.module;
				key = ksym_format(&loc, buf, sizeof(buf));
			} else {
				if (o->syms && ksym_lookup(o->syms, f->addr, &loc))
					fr[i].module = loc.module;
				/*
				 * The kernel printed no symbol: the code is gone
				 * (an unloaded module, a freed init section),
				 * never a built-in function.
				 */
				if (!fr[i].module)
					fr[i].func = KMEMLEAK_UNLOADED;
				if (!o->show_addresses)
					snprintf(buf, sizeof(buf), "(unknown)%s%s%s",
						 fr[i].module ? " [" : "",
						 fr[i].module ? fr[i].module : "",
						 fr[i].module ? "]" : "");
				else
					snprintf(buf, sizeof(buf), "0x%" PRIx64 "%s%s%s", f->addr,
						 fr[i].module ? " [" : "",
						 fr[i].module ? fr[i].module : "",
						 fr[i].module ? "]" : "");
			}
		}
		fr[i].alloc = kmemleak_is_allocator(fr[i].func);
		g->ftext[i] = xstrdup(f->func == KMEMLEAK_NONE ? buf : key);
		if (!g->ftext[i]) {
			rc = -ENOMEM;
			break;
		}
		/* raw unresolved frames group by their address, not "(unknown)" */
		id = strmap_intern(&canon, key, strlen(key), canon.count);
		if (id == STRMAP_NONE) {
			rc = -ENOMEM;
			break;
		}
		fr[i].canon = (uint32_t)id;
	}
	strmap_free(&canon);
	return rc;
}

/* function, allocator and module of a group from its first object's frames */
static void attribute(const struct kmemleak_report *r, const struct fr *fr,
		      const struct kmemleak_object *ob, struct kmemleak_groups *g,
		      struct kmemleak_group *grp)
{
	uint32_t i = 0;

	grp->function = "(unknown)";
	while (i < ob->nframes && fr[r->fids[ob->frame_start + i]].alloc)
		grp->allocator = fr[r->fids[ob->frame_start + i++]].func;
	if (i < ob->nframes) {
		const struct fr *f = &fr[r->fids[ob->frame_start + i]];

		grp->function = f->func ? f->func : "(unknown)";
		grp->module = f->module;
		grp->unloaded = f->func && !strcmp(f->func, KMEMLEAK_UNLOADED);
	} else if (ob->nframes) { /* only allocator frames: name the last */
		grp->function = grp->allocator;
	}
	for (; !grp->module && i < ob->nframes; i++)
		grp->module = fr[r->fids[ob->frame_start + i]].module;
	grp->nframes = ob->nframes;
	grp->backtrace = g->bt_store + ob->frame_start;
	for (i = 0; i < ob->nframes; i++)
		grp->backtrace[i] = g->ftext[r->fids[ob->frame_start + i]];
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_comm(const void *a, const void *b)
{
	const struct kmemleak_object *const *x = a, *const *y = b;

	return strcmp((*x)->comm, (*y)->comm);
}

/* Sizes, pids and comms of one group: objs are its objects. */
static int spread(const struct kmemleak_object **objs, size_t n, struct kmemleak_group *grp)
{
	uint64_t *sizes = malloc(n * sizeof(*sizes));
	int64_t *pids = malloc(n * sizeof(*pids));
	int rc = 0;

	if (!sizes || !pids) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		sizes[i] = objs[i]->size;
		pids[i] = objs[i]->pid;
	}
	qsort(sizes, n, sizeof(*sizes), cmp_u64);
	qsort(pids, n, sizeof(*pids), cmp_i64);
	grp->size_typical = sizes[n / 2];
	for (size_t i = 0; i < n; i++)
		grp->npids += i == 0 || pids[i] != pids[i - 1];
	qsort(objs, n, sizeof(*objs), cmp_comm);
	for (size_t i = 0, j; i < n; i = j) {
		struct kmemleak_comm c = { objs[i]->comm, 0 };

		for (j = i; j < n && !strcmp(objs[j]->comm, c.comm); j++)
			c.count++;
		grp->ncomms++;
		/* keep the top ones, most frequent first, ties by name */
		for (size_t k = 0; k < KMEMLEAK_TOP_COMMS; k++) {
			if (!grp->comms[k].comm || c.count > grp->comms[k].count) {
				struct kmemleak_comm t = grp->comms[k];

				grp->comms[k] = c;
				c = t;
				if (!c.comm)
					break;
			}
		}
	}
out:
	free(sizes);
	free(pids);
	return rc;
}

static int cmp_group(const void *a, const void *b, void *arg)
{
	const struct kmemleak_group *x = a, *y = b;
	const enum kmemleak_sort *sort = arg;
	int c;

	if (*sort == KMEMLEAK_SORT_COUNT && x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	c = strcmp(x->function, y->function);
	if (c)
		return c;
	return x->sample->line < y->sample->line ? -1 : 1;
}

static void add_object(struct kmemleak_group *grp, const struct kmemleak_object *ob)
{
	if (grp->count == 0) {
		grp->sample = ob;
		grp->size_min = grp->size_max = ob->size;
		grp->jiffies_min = grp->jiffies_max = ob->jiffies;
		grp->age_min_s = grp->age_max_s = ob->age_s;
	}
	grp->count++;
	if (!num_add_u64(grp->bytes, ob->size, &grp->bytes))
		grp->bytes = UINT64_MAX;
	if (ob->size < grp->size_min)
		grp->size_min = ob->size;
	if (ob->size > grp->size_max)
		grp->size_max = ob->size;
	if (ob->jiffies < grp->jiffies_min)
		grp->jiffies_min = ob->jiffies;
	if (ob->jiffies > grp->jiffies_max)
		grp->jiffies_max = ob->jiffies;
	if (ob->has_age) {
		if (!grp->has_age || ob->age_s < grp->age_min_s)
			grp->age_min_s = ob->age_s;
		if (!grp->has_age || ob->age_s > grp->age_max_s)
			grp->age_max_s = ob->age_s;
		grp->has_age = true;
	}
}

/* Assigns every object to a group; gidx[i] is object i's group or SIZE_MAX. */
static int assign(const struct kmemleak_report *r, const struct kmemleak_group_opts *o,
		  const struct fr *fr, struct kmemleak_groups *g, size_t *gidx)
{
	struct strmap keys = { 0 };
	uint32_t *key = NULL;
	size_t keycap = 0, cap = 0;
	int rc = 0;

	for (size_t i = 0; i < r->n; i++) {
		const struct kmemleak_object *ob = &r->v[i];
		size_t id;

		gidx[i] = SIZE_MAX;
		if (o->since_jiffies && ob->jiffies < o->since_jiffies)
			continue;
		if (ob->nframes + 1 > keycap) {
			uint32_t *nk;

			keycap = ob->nframes + 16;
			nk = realloc(key, keycap * sizeof(*key));
			if (!nk) {
				rc = -ENOMEM;
				break;
			}
			key = nk;
		}
		for (uint32_t k = 0; k < ob->nframes; k++)
			key[k] = fr[r->fids[ob->frame_start + k]].canon;
		id = strmap_intern(&keys, key, ob->nframes * sizeof(*key), g->n);
		if (id == STRMAP_NONE) {
			rc = -ENOMEM;
			break;
		}
		if (id == g->n) {
			if (g->n == cap) {
				size_t ncap = cap ? cap * 2 : 64;
				struct kmemleak_group *p = realloc(g->v, ncap * sizeof(*p));

				if (!p) {
					rc = -ENOMEM;
					break;
				}
				g->v = p;
				cap = ncap;
			}
			memset(&g->v[g->n], 0, sizeof(g->v[0]));
			attribute(r, fr, ob, g, &g->v[g->n]);
			g->n++;
		}
		gidx[i] = id;
		add_object(&g->v[id], ob);
		g->objects++;
		if (!num_add_u64(g->bytes, ob->size, &g->bytes))
			g->bytes = UINT64_MAX;
	}
	free(key);
	strmap_free(&keys);
	return rc;
}

/* Objects ordered by group (a counting sort), then each group's spread. */
static int spreads(const struct kmemleak_report *r, struct kmemleak_groups *g, const size_t *gidx)
{
	const struct kmemleak_object **objs = malloc((g->objects + 1) * sizeof(*objs));
	size_t *start = calloc(g->n + 1, sizeof(*start));
	int rc = 0;

	if (!objs || !start) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < g->n; i++)
		start[i + 1] = start[i] + g->v[i].count;
	for (size_t i = 0; i < r->n; i++)
		if (gidx[i] != SIZE_MAX)
			objs[start[gidx[i]]++] = &r->v[i];
	for (size_t i = 0, s = 0; i < g->n && !rc; i++) {
		rc = spread(objs + s, g->v[i].count, &g->v[i]);
		s += g->v[i].count;
	}
out:
	free(objs);
	free(start);
	return rc;
}

static int cmp_mod(const void *a, const void *b)
{
	const struct kmemleak_module_sum *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (!x->module || !y->module)
		return !x->module - !y->module; /* vmlinux last among equals */
	return strcmp(x->module, y->module);
}

/* Sums the groups per module (few modules: a linear search is enough). */
static int by_module(struct kmemleak_groups *g)
{
	g->mods = calloc(g->n + 1, sizeof(*g->mods));
	if (!g->mods)
		return -ENOMEM;
	for (size_t i = 0; i < g->n; i++) {
		const struct kmemleak_group *grp = &g->v[i];
		size_t k;

		bool unl = !grp->module && grp->unloaded;

		for (k = 0; k < g->nmods; k++)
			if ((grp->module == g->mods[k].module && unl == g->mods[k].unloaded) ||
			    (grp->module && g->mods[k].module &&
			     !strcmp(grp->module, g->mods[k].module)))
				break;
		if (k == g->nmods) {
			g->mods[g->nmods].unloaded = unl;
			g->mods[g->nmods++].module = grp->module;
		}
		g->mods[k].count += grp->count;
		g->mods[k].groups++;
		if (!num_add_u64(g->mods[k].bytes, grp->bytes, &g->mods[k].bytes))
			g->mods[k].bytes = UINT64_MAX;
	}
	qsort(g->mods, g->nmods, sizeof(*g->mods), cmp_mod);
	return 0;
}

int kmemleak_group(const struct kmemleak_report *r, const struct kmemleak_group_opts *o,
		   struct kmemleak_groups *out, struct kerr *e)
{
	struct fr *fr = calloc(r->nframes + 1, sizeof(*fr));
	size_t *gidx = malloc((r->n + 1) * sizeof(*gidx));
	enum kmemleak_sort sort = o->sort;
	int rc;

	memset(out, 0, sizeof(*out));
	out->bt_store = malloc((r->nfids + 1) * sizeof(*out->bt_store));
	if (!fr || !gidx || !out->bt_store) {
		rc = -ENOMEM;
		goto out;
	}
	rc = resolve_frames(r, o, out, fr);
	if (!rc)
		rc = assign(r, o, fr, out, gidx);
	if (!rc)
		rc = spreads(r, out, gidx);
	if (!rc && out->n)
		qsort_r(out->v, out->n, sizeof(*out->v), cmp_group, &sort);
	if (!rc)
		rc = by_module(out);
out:
	free(fr);
	free(gidx);
	if (rc) {
		kmemleak_groups_free(out);
		return kerr_set(e, rc, "kmemleak", 0, "grouping: out of memory");
	}
	return 0;
}

void kmemleak_groups_free(struct kmemleak_groups *g)
{
	if (!g)
		return;
	for (size_t i = 0; g->ftext && i < g->nftext; i++)
		free(g->ftext[i]);
	free(g->ftext);
	free(g->bt_store);
	free(g->mods);
	free(g->v);
	memset(g, 0, sizeof(*g));
}

int kmemleak_summary(const char *buf, size_t len, const char *src, const struct ksym_table *syms,
		     struct kmemleak_summary *s, struct kerr *e)
{
	struct kmemleak_report r;
	struct kmemleak_groups g;
	struct kmemleak_group_opts o = { .syms = syms };
	int rc;

	memset(s, 0, sizeof(*s));
	rc = kmemleak_parse(buf, len, src, &r, e);
	if (rc)
		return rc;
	rc = kmemleak_group(&r, &o, &g, e);
	if (!rc) {
		s->objects = g.objects;
		s->bytes = g.bytes;
		s->groups = g.n;
		if (g.n) {
			s->top_count = g.v[0].count;
			s->top_bytes = g.v[0].bytes;
			snprintf(s->top_function, sizeof(s->top_function), "%s", g.v[0].function);
			snprintf(s->top_module, sizeof(s->top_module), "%s",
				 g.v[0].module ? g.v[0].module : "");
		}
		kmemleak_groups_free(&g);
	}
	kmemleak_report_free(&r);
	return rc;
}

bool kmemleak_has_raw_frames(const struct kmemleak_report *r)
{
	for (size_t i = 0; i < r->nframes; i++)
		if (r->frames[i].func == KMEMLEAK_NONE)
			return true;
	return false;
}
