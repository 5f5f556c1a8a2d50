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
	vmalloc_groups_free(&in->vg);
	memset(in, 0, sizeof(*in));
}

static void *memdup(const void *p, size_t n)
{
	void *q = malloc(n ? n : 1);

	if (q && n)
		memcpy(q, p, n);
	return q;
}

/*
 * Slab reclaim flags and the unloaded-module baseline come with the
 * samples that carry them (the first, and any where a module appeared).
 */
static int note(struct ingest *in, const struct snapshot *snap, struct kerr *e)
{
	const struct slab_aliases *a = &snap->aliases;
	const struct modules *m = &snap->modules;
	const struct buf *k = &snap->raw[SRC_KALLSYMS];
	struct slab_alias *av;
	struct kmodule *mv;

	if (snapshot_has(snap, SRC_SLAB_ALIASES)) {
		av = memdup(a->v, a->n * sizeof(*a->v));
		if (!av)
			return kerr_set(e, -ENOMEM, "ingest", 0, "out of memory");
		slab_aliases_free(&in->aliases);
		in->aliases = (struct slab_aliases){ av, a->n };
		in->have_aliases = true;
	}
	if (!snapshot_has(snap, SRC_KALLSYMS) || !snapshot_has(snap, SRC_MODULES))
		return 0;
	mv = memdup(m->v, m->n * sizeof(*m->v));
	buf_reset(&in->base_kallsyms);
	if (!mv || buf_append(&in->base_kallsyms, k->data, k->len)) {
		free(mv);
		return kerr_set(e, -ENOMEM, "ingest", 0, "out of memory");
	}
	modules_free(&in->base_modules);
	in->base_modules = (struct modules){ mv, m->n };
	in->have_base = true;
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
	struct kmem_summary k;

	kmem_summarize(&snap->meminfo,
		       snapshot_has(snap, SRC_VMALLOCINFO) ? vmalloc_groups_vmap_stacks(&in->vg)
							  : true,
		       &k);
	for (int i = 0; i < k.ncomp; i++) {
		const char *f = k.comp[i].name;
		long n = series_add(set, SERIES_MEMINFO, f, NULL, k.comp[i].bytes);

		if (n < 0)
			return kerr_set(e, -ENOMEM, "ingest", 0, "out of memory");
		set->v[n].reclaimable = !strcmp(f, "SReclaimable") ||
					!strcmp(f, "KReclaimable");
	}
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
			return kerr_set(e, -ENOMEM, "ingest", 0, "out of memory");
		if (set->v[k].reclaimable < 0 && in->have_aliases)
			set->v[k].reclaimable =
				slab_alias_reclaimable(&in->aliases, si->v[i].name);
		/* kmemleak's metadata: one object per tracked allocation, so it
		 * grows with any leak on a kmemleak kernel (an aggregate). */
		set->v[k].aggregate = !strcmp(si->v[i].name, "kmemleak_object");
	}
	return 0;
}

static int ingest_vmalloc(struct series_set *set, struct ingest *in,
			  const struct snapshot *snap, struct kerr *e)
{
	const struct buf *b = &snap->raw[SRC_VMALLOCINFO];
	struct vmalloc_baseline base = { 0 }, *bp = NULL;
	char src[PATH_MAX + 64];
	int r;

	if (in->have_base) {
		base.modules = &in->base_modules;
		base.kallsyms = in->base_kallsyms.data;
		base.kallsyms_len = in->base_kallsyms.len;
		bp = &base;
	}
	vmalloc_groups_free(&in->vg);
	r = vmalloc_group(b->data, b->len, snapshot_src(snap, SRC_VMALLOCINFO, src, sizeof(src)),
			  snap->page_size,
			  snapshot_has(snap, SRC_MODULES) ? &snap->modules : NULL, bp,
			  &in->vg, e);
	if (r)
		return r;
	for (size_t i = 0; i < in->vg.ncallers; i++) {
		const struct vmalloc_caller *vc = &in->vg.callers[i];

		if (series_add(set, SERIES_VMALLOC_CALLER, vc->caller,
			       vc->module, vc->bytes) < 0)
			return kerr_set(e, -ENOMEM, "ingest", 0, "out of memory");
	}
	for (size_t i = 0; i < in->vg.nmodules; i++)
		if (series_add(set, SERIES_VMALLOC_MODULE,
			       in->vg.modules[i].module, NULL,
			       in->vg.modules[i].bytes) < 0)
			return kerr_set(e, -ENOMEM, "ingest", 0, "out of memory");
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
static int ingest_allocinfo(struct series_set *set, const struct snapshot *snap,
			    struct kerr *e)
{
	const struct allocinfo *ai = &snap->allocinfo;
	char name[512];

	for (size_t i = 0; i < ai->n; i++) {
		const struct alloc_site *a = &ai->v[i];
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
			return kerr_set(e, -ENOMEM, "ingest", 0, "out of memory");
		set->v[k].aggregate = kind == ALLOC_SITE_CONTAINER;
	}
	return 0;
}

/*
 * A series per memory cgroup counter that holds something: `kernel`
 * (memcg kernel memory, or the sum of its parts) and, where v2 reports it,
 * `slab_unreclaimable`. Named by the container (or pod) when the runtime
 * names it, else by the path; roots are the host's. Empty cgroups add
 * nothing (a node's thousands of idle cgroups cost no series): an absent
 * series reads 0, and one that appears late is judged from its first
 * point. A cgroup whose children hold most of it is an aggregate, as in
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
		bool named = row->name[0] && (row->ident.kind == CGROUP_CONTAINER ||
					      row->ident.kind == CGROUP_POD);
		const char *name = named ? row->name : row->ent->path;
		uint64_t slab;
		long k;

		if (row->kernel_bytes) {
			k = series_add_cgroup(set, row->ent->path, "kernel", name, row->kernel_bytes);
			if (k < 0)
				r = kerr_set(e, -ENOMEM, "ingest", 0, "out of memory");
			else
				set->v[k].aggregate = row->aggregate;
		}
		if (!r && memcg_get(&row->ent->m, MEMCG_SLAB_UNRECLAIMABLE, &slab) && slab) {
			k = series_add_cgroup(set, row->ent->path, "slab_unreclaimable", name, slab);
			if (k < 0) {
				r = kerr_set(e, -ENOMEM, "ingest", 0, "out of memory");
			} else {
				set->v[k].aggregate = row->aggregate;
				set->v[k].reclaimable = 0;
			}
		}
	}
	cgroups_report_free(&rep); /* zeroed when the analysis failed */
	return r;
}

int ingest_sample(struct series_set *set, struct ingest *in,
		  const struct snapshot *snap, struct kerr *e)
{
	int r = note(in, snap, e);

	series_sample_begin(set, snap->mono_ns);
	if (!r && snapshot_has(snap, SRC_VMALLOCINFO)) /* first: meminfo needs vmap_stacks */
		r = ingest_vmalloc(set, in, snap, e);
	if (!r && snapshot_has(snap, SRC_MEMINFO))
		r = ingest_meminfo(set, in, snap, e);
	if (!r && snapshot_has(snap, SRC_SLABINFO))
		r = ingest_slabinfo(set, in, snap, e);
	if (!r && snapshot_has(snap, SRC_ALLOCINFO))
		r = ingest_allocinfo(set, snap, e);
	if (!r && snapshot_has(snap, SRC_CGROUPS))
		r = ingest_cgroups(set, in, snap, e);
	series_sample_end(set);
	return r;
}
