// SPDX-License-Identifier: GPL-2.0
/* From a parsed sample to series values; see ingest.h. */
#include "ingest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/allocinfo_top.h"
#include "analyze/cgroups.h"
#include "analyze/kmem.h"

void ingest_free(struct ingest *in)
{
	if (!in)
		return;
	slab_aliases_free(&in->aliases);
	modules_free(&in->base_modules);
	buf_free(&in->base_kallsyms);
	module_sections_free(&in->base_sections);
	vmalloc_groups_free(&in->vg);
	memset(in, 0, sizeof(*in));
}

/* The module a kallsyms line names ("addr t sym\t[mod]"), or "". */
static void line_module(const char *line, size_t len, char *out, size_t outlen)
{
	const char *open = len && line[len - 1] == ']' ? memrchr(line, '[', len) : NULL;
	size_t n = open ? (size_t)(line + len - 1 - open - 1) : 0;

	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, open ? open + 1 : "", n);
	out[n] = '\0';
}

/* The old baseline's symbol lines of modules the new sample does not list. */
static int keep_old_symbols(struct buf *to, const struct buf *old, const struct modules *now)
{
	struct line_iter it;
	const char *line;
	size_t len;

	line_iter_init(&it, old->data, old->len);
	while (line_next(&it, &line, &len)) {
		char mod[64];

		line_module(line, len, mod, sizeof(mod));
		if (!mod[0] || modules_find(now, mod))
			continue;
		if (buf_append(to, line, len) || buf_append(to, "\n", 1))
			return -ENOMEM;
	}
	return 0;
}

/* now's modules, then old's modules that now does not list. */
static int merge_modules(struct modules *out, const struct modules *old, const struct modules *now)
{
	out->v = malloc((old->n + now->n + 1) * sizeof(*out->v));
	out->n = 0;
	if (!out->v)
		return -ENOMEM;
	for (size_t i = 0; i < now->n; i++)
		out->v[out->n++] = now->v[i];
	for (size_t i = 0; i < old->n; i++)
		if (!modules_find(now, old->v[i].name))
			out->v[out->n++] = old->v[i];
	return 0;
}

/* Sections: the sample's, and the old ones of modules it does not list. */
static int merge_sections(struct module_sections *out, const struct module_sections *old,
			  const struct snapshot *snap)
{
	const struct module_sections *now =
		snapshot_has(snap, SRC_MODULE_SECTIONS) ? &snap->sections : NULL;
	size_t n = old->n + (now ? now->n : 0);

	out->v = malloc((n + 1) * sizeof(*out->v));
	out->n = 0;
	if (!out->v)
		return -ENOMEM;
	for (size_t i = 0; now && i < now->n; i++)
		out->v[out->n++] = now->v[i];
	for (size_t i = 0; i < old->n; i++)
		if (!now || !modules_find(&snap->modules, old->v[i].module))
			out->v[out->n++] = old->v[i];
	return 0;
}

static int merge_baseline(struct ingest *in, const struct snapshot *snap)
{
	const struct buf *k = &snap->raw[SRC_KALLSYMS];
	struct modules mods = { 0 };
	struct module_sections secs = { 0 };
	struct buf syms = { 0 };

	if (merge_modules(&mods, &in->base_modules, &snap->modules) ||
	    merge_sections(&secs, &in->base_sections, snap) || buf_append(&syms, k->data, k->len) ||
	    keep_old_symbols(&syms, &in->base_kallsyms, &snap->modules)) {
		modules_free(&mods);
		module_sections_free(&secs);
		buf_free(&syms);
		return -ENOMEM;
	}
	modules_free(&in->base_modules);
	module_sections_free(&in->base_sections);
	buf_free(&in->base_kallsyms);
	in->base_modules = mods;
	in->base_sections = secs;
	in->base_kallsyms = syms;
	in->have_base = true;
	return 0;
}

/*
 * Slab reclaim flags and the unloaded-module baseline come with the
 * samples that carry them (the first, and any where a cache or a module
 * appeared).
 */
static int note(struct ingest *in, const struct snapshot *snap, struct kerr *e)
{
	struct slab_aliases av;

	/* copies with their indexes: lookups stay O(log n) (hostile input) */
	if (snapshot_has(snap, SRC_SLAB_ALIASES)) {
		if (slab_aliases_copy(&av, &snap->aliases))
			return kerr_set(e, -ENOMEM, "ingest", 0, "out of memory");
		slab_aliases_free(&in->aliases);
		in->aliases = av;
		in->have_aliases = true;
	}
	if (!snapshot_has(snap, SRC_KALLSYMS) || !snapshot_has(snap, SRC_MODULES))
		return 0;
	if (merge_baseline(in, snap))
		return kerr_set(e, -ENOMEM, "ingest", 0, "out of memory");
	return 0;
}

/*
 * The kernel components of meminfo (analyze/kmem.h), Unaccounted included:
 * what is used but itemised nowhere, where an alloc_pages() leak shows.
 * Without vmallocinfo, stacks are taken as vmalloc'd (VMAP_STACK, the
 * x86_64 default).
 */
static int ingest_meminfo(struct series_set *set, const struct ingest *in,
			  const struct snapshot *snap, struct kerr *e)
{
	const struct meminfo *mi = &snap->meminfo;
	struct kmem_summary k;
	struct kmem_extra x;
	uint64_t buffers = 0, cached = 0, anon = 0, mapped = 0;
	long n;

	kmem_extra_from(snapshot_has(snap, SRC_VMSTAT) ? &snap->vmstat : NULL,
			snapshot_has(snap, SRC_ZONEINFO) ? &snap->zoneinfo : NULL,
			snapshot_has(snap, SRC_THP) ? &snap->thp : NULL, snap->page_size, &x);
	kmem_summarize(mi, &x,
		       snapshot_has(snap, SRC_VMALLOCINFO) ? vmalloc_groups_vmap_stacks(&in->vg)
							   : true,
		       &k);
	for (int i = 0; i < k.ncomp; i++) {
		const char *f = k.comp[i].name;

		n = series_add(set, SERIES_MEMINFO, f, NULL, k.comp[i].bytes);
		if (n < 0)
			return series_add_error(set, n, snap->from, e);
		set->v[n].reclaimable = !strcmp(f, "SReclaimable") || !strcmp(f, "KReclaimable");
		if (!strcmp(f, "Unaccounted") && k.noise_floor > set->v[n].noise_floor_bytes)
			set->v[n].noise_floor_bytes = (double)k.noise_floor;
	}
	/* What buffer heads and xarray nodes follow (analyze/relate.c). */
	meminfo_get(mi, "Buffers", &buffers);
	meminfo_get(mi, "Cached", &cached);
	n = series_add(set, SERIES_CONTEXT, "page_cache", NULL, buffers + cached);
	if (n < 0)
		return kerr_set(e, -ENOMEM, "ingest", 0, "out of memory");
	set->v[n].reclaimable = 1;
	/* What page tables and VMAs follow: the memory processes have mapped. */
	meminfo_get(mi, "AnonPages", &anon);
	meminfo_get(mi, "Mapped", &mapped);
	if (series_add(set, SERIES_CONTEXT, "user_memory", NULL, anon + mapped) < 0)
		return kerr_set(e, -ENOMEM, "ingest", 0, "out of memory");
	return 0;
}

/*
 * The task count, which thread stacks and task structs follow, and the
 * forks since boot (its rate is the task churn: docs, calibration).
 */
static int ingest_tasks(struct series_set *set, const struct snapshot *snap, struct kerr *e)
{
	if (snapshot_has(snap, SRC_LOADAVG) &&
	    series_add(set, SERIES_CONTEXT, "tasks", NULL, snap->loadavg.tasks) < 0)
		return kerr_set(e, -ENOMEM, "ingest", 0, "out of memory");
	if (snapshot_has(snap, SRC_STAT) &&
	    series_add(set, SERIES_CONTEXT, "forks", NULL, snap->procstat.processes) < 0)
		return kerr_set(e, -ENOMEM, "ingest", 0, "out of memory");
	return 0;
}

static int ingest_slabinfo(struct series_set *set, const struct ingest *in,
			   const struct snapshot *snap, struct kerr *e)
{
	const struct slabinfo *si = &snap->slabinfo;

	for (size_t i = 0; i < si->n; i++) {
		long k = series_add(set, SERIES_SLAB, si->v[i].name, NULL,
				    slab_cache_bytes(&si->v[i], snap->page_size));

		if (k < 0)
			return series_add_error(set, k, snap->from, e);
		if (set->v[k].reclaimable < 0 && in->have_aliases)
			set->v[k].reclaimable = slab_alias_reclaimable(&in->aliases, si->v[i].name);
		/* kmemleak's metadata: one object per tracked allocation, so it
		 * grows with any leak on a kmemleak kernel (an aggregate). */
		set->v[k].aggregate = !strcmp(si->v[i].name, "kmemleak_object");
	}
	return 0;
}

static int ingest_vmalloc(struct series_set *set, struct ingest *in, const struct snapshot *snap,
			  struct kerr *e)
{
	const struct buf *b = &snap->raw[SRC_VMALLOCINFO];
	struct vmalloc_baseline base = { 0 }, *bp = NULL;
	char src[PATH_MAX + 64];
	long lazy;
	int r;

	if (in->have_base) {
		base.modules = &in->base_modules;
		base.kallsyms = in->base_kallsyms.data;
		base.kallsyms_len = in->base_kallsyms.len;
		base.sections = &in->base_sections;
		base.loaded_sections = &in->base_sections; /* of loaded modules: checked there */
		bp = &base;
	}
	vmalloc_groups_free(&in->vg);
	r = vmalloc_group(b->data, b->len, snapshot_src(snap, SRC_VMALLOCINFO, src, sizeof(src)),
			  snap->page_size, snapshot_has(snap, SRC_MODULES) ? &snap->modules : NULL,
			  bp, &in->vg, e);
	if (r)
		return r;
	/* What vmap_area follows between purges (analyze/relate.c). */
	lazy = series_add(set, SERIES_CONTEXT, "vmalloc_unpurged", NULL, in->vg.unpurged_bytes);
	if (lazy < 0)
		return series_add_error(set, lazy, snap->from, e);
	set->v[lazy].reclaimable = 1;
	for (size_t i = 0; i < in->vg.ncallers; i++) {
		const struct vmalloc_caller *vc = &in->vg.callers[i];
		long k = series_add(set, SERIES_VMALLOC_CALLER, vc->caller, vc->module, vc->bytes);

		if (k < 0)
			return series_add_error(set, k, snap->from, e);
	}
	for (size_t i = 0; i < in->vg.nmodules; i++) {
		long k = series_add(set, SERIES_VMALLOC_MODULE, in->vg.modules[i].module, NULL,
				    in->vg.modules[i].bytes);

		if (k < 0)
			return series_add_error(set, k, snap->from, e);
	}
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
static int ingest_allocinfo(struct series_set *set, const struct ingest *in,
			    const struct snapshot *snap, struct kerr *e)
{
	const struct allocinfo *ai = &snap->allocinfo;
	char name[512];

	for (size_t i = 0; i < ai->n; i++) {
		const struct alloc_site *a = &ai->v[i];
		enum alloc_site_kind kind = alloc_site_kind(a);
		long k;

		if (!alloc_site_bytes(a) || kind == ALLOC_SITE_USER)
			continue;
		snprintf(name, sizeof(name), "%s %s:%u%s%s%s", a->function, a->file, a->src_line,
			 a->module ? " [" : "", a->module ? a->module : "", a->module ? "]" : "");
		k = series_add(set, SERIES_ALLOCINFO, name, a->module, alloc_site_bytes(a));
		if (k < 0)
			return series_add_error(set, k, snap->from, e);
		set->v[k].aggregate = kind == ALLOC_SITE_CONTAINER;
		if (set->v[k].reclaimable < 0 && in->have_aliases)
			set->v[k].reclaimable = alloc_site_reclaimable(a, &in->aliases);
	}
	return 0;
}

/*
 * A source this sample could not read (a read error, a recording's sample
 * without it) is a gap in its series, not a fall to 0: a last sample
 * without slabinfo must not make every cache `released`. A source never
 * read has no series: nothing to mark.
 */
static void note_gaps(struct series_set *set, const struct snapshot *snap)
{
	if (!snapshot_has(snap, SRC_MEMINFO)) {
		series_gap(set, SERIES_MEMINFO, NULL);
		series_gap(set, SERIES_CONTEXT, "page_cache");
		series_gap(set, SERIES_CONTEXT, "user_memory");
	}
	if (!snapshot_has(snap, SRC_SLABINFO))
		series_gap(set, SERIES_SLAB, NULL);
	if (!snapshot_has(snap, SRC_VMALLOCINFO)) {
		series_gap(set, SERIES_VMALLOC_CALLER, NULL);
		series_gap(set, SERIES_VMALLOC_MODULE, NULL);
		series_gap(set, SERIES_CONTEXT, "vmalloc_unpurged");
	}
	if (!snapshot_has(snap, SRC_ALLOCINFO))
		series_gap(set, SERIES_ALLOCINFO, NULL);
	if (!snapshot_has(snap, SRC_LOADAVG))
		series_gap(set, SERIES_CONTEXT, "tasks");
	if (!snapshot_has(snap, SRC_STAT))
		series_gap(set, SERIES_CONTEXT, "forks");
	if (!snapshot_has(snap, SRC_CGROUPS))
		series_gap(set, SERIES_CGROUP, NULL);
}

/* A part of a cgroup's kernel memory, as its own series. */
static int add_part(struct series_set *set, const struct cgroup_row *row, const char *name,
		    const char *counter, uint64_t bytes, int reclaimable,
		    const struct snapshot *snap, struct kerr *e)
{
	long k = series_add_cgroup(set, row->ent->path, counter, name, bytes);

	if (k < 0)
		return series_add_error(set, k, snap->from, e);
	set->v[k].aggregate = row->aggregate;
	set->v[k].reclaimable = reclaimable;
	return 0;
}

/*
 * A series per memory cgroup counter that holds something: `kernel`
 * (memcg kernel memory, or the sum of its parts) and, where v2 reports
 * them, `slab_reclaimable` (what the `kernel` series of that cgroup is
 * judged with: docs/verdicts.md) and `slab_unreclaimable`. Named by the
 * container (or pod) when the runtime names it, else by the path; roots
 * are the host's. Empty cgroups add nothing (a node's thousands of idle
 * cgroups cost no series): an absent series reads 0, and one that appears
 * late is judged from its first point. A cgroup whose children hold most of it is an aggregate, as in
 * `kleak cgroups`.
 */
static int ingest_cgroups(struct series_set *set, const struct ingest *in,
			  const struct snapshot *snap, struct kerr *e)
{
	struct cgroups_report rep;
	struct cgroups_opts o;
	int r;

	cgroups_opts_default(&o);
	o.only = in->cgroup_only;
	r = cgroups_analyze(&snap->cgroups, NULL, &o, &rep, e);
	for (size_t i = 0; !r && i < rep.nrows; i++) {
		const struct cgroup_row *row = &rep.rows[i];
		bool named = row->name[0] &&
			     (row->ident.kind == CGROUP_CONTAINER || row->ident.kind == CGROUP_POD);
		const char *name = named ? row->name : row->ent->path;
		uint64_t slab;
		long k;

		bool split = memcg_get(&row->ent->m, MEMCG_SLAB_RECLAIMABLE, &slab);

		if (row->kernel_bytes) {
			k = series_add_cgroup(set, row->ent->path, "kernel", name,
					      row->kernel_bytes);
			if (k < 0) {
				r = series_add_error(set, k, snap->from, e);
			} else {
				set->v[k].aggregate = row->aggregate;
				set->v[k].split = split;
			}
		}
		if (!r && split && slab && row->kernel_bytes)
			r = add_part(set, row, name, "slab_reclaimable", slab, 1, snap, e);
		if (!r && memcg_get(&row->ent->m, MEMCG_SLAB_UNRECLAIMABLE, &slab) && slab)
			r = add_part(set, row, name, "slab_unreclaimable", slab, 0, snap, e);
	}
	cgroups_report_free(&rep); /* zeroed when the analysis failed */
	return r;
}

int ingest_sample(struct series_set *set, struct ingest *in, const struct snapshot *snap,
		  struct kerr *e)
{
	int r = note(in, snap, e);

	series_sample_begin(set, snap->mono_ns);
	note_gaps(set, snap);
	if (!r && snapshot_has(snap, SRC_VMALLOCINFO)) /* first: meminfo needs vmap_stacks */
		r = ingest_vmalloc(set, in, snap, e);
	if (!r && snapshot_has(snap, SRC_MEMINFO))
		r = ingest_meminfo(set, in, snap, e);
	if (!r && snapshot_has(snap, SRC_SLABINFO))
		r = ingest_slabinfo(set, in, snap, e);
	if (!r && snapshot_has(snap, SRC_ALLOCINFO))
		r = ingest_allocinfo(set, in, snap, e);
	if (!r)
		r = ingest_tasks(set, snap, e);
	if (!r && snapshot_has(snap, SRC_CGROUPS))
		r = ingest_cgroups(set, in, snap, e);
	series_sample_end(set);
	return r;
}
