// SPDX-License-Identifier: GPL-2.0
/*
 * One-snapshot triage. The thresholds (check_opts_default) are deliberately
 * coarse: a single snapshot can only say "large", not "leaking"; growth is
 * `kleak watch`'s job, and every finding says which command confirms it.
 */
#include "check.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/kmemleak_group.h"
#include "util/compiler.h"
#include "util/num.h"

static const char *const sev_names[] = { "info", "warning", "critical" };

const char *severity_name(enum severity s)
{
	return sev_names[s];
}

int severity_parse(const char *s, enum severity *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(sev_names); i++)
		if (!strcmp(s, sev_names[i])) {
			*out = (enum severity)i;
			return 0;
		}
	return -EINVAL;
}

void check_opts_default(struct check_opts *o)
{
	/* Kernel memory is typically 2-10% of RAM on a server; 20% is unusual. */
	o->kernel_pct_warn = 20;
	o->kernel_pct_crit = 40;
	/* SUnreclaim cannot be given back under pressure: lower bars. */
	o->sunreclaim_pct_warn = 10;
	o->sunreclaim_pct_crit = 25;
	/* vmalloc is usually well under 1% of RAM (stacks, BPF, modules). */
	o->vmalloc_pct_warn = 5;
	/* One cache holding 5% of RAM is what the lesson's dentry case looked like. */
	o->cache_pct_warn = 5;
	/* Drivers rarely hold more than a few MiB of vmalloc. */
	o->module_vmalloc_warn = 64ULL << 20;
	o->unaccounted_pct_warn = 10;
	/* allocinfo counts a module's kmalloc, page and vmalloc memory alike:
	 * the same bar as its vmalloc alone. */
	o->module_allocinfo_warn = 64ULL << 20;
}

int finding_push(struct finding **v, size_t *n, size_t *cap, enum severity sev, const char *id,
		 const char *subject, const char *summary, const char *evidence, const char *next)
{
	struct finding *f;

	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct finding *p = realloc(*v, ncap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		*v = p;
		*cap = ncap;
	}
	f = &(*v)[(*n)++];
	memset(f, 0, sizeof(*f));
	f->severity = sev;
	snprintf(f->id, sizeof(f->id), "%s", id);
	snprintf(f->subject, sizeof(f->subject), "%s", subject);
	snprintf(f->summary, sizeof(f->summary), "%s", summary);
	snprintf(f->evidence, sizeof(f->evidence), "%s", evidence);
	snprintf(f->next, sizeof(f->next), "%s", next);
	f->count = 1;
	return 0;
}

int check_add_finding(struct check_report *r, enum severity sev, const char *id,
		      const char *subject, const char *summary, const char *evidence,
		      const char *next)
{
	return finding_push(&r->findings, &r->nfindings, &r->capfindings, sev, id, subject, summary,
			    evidence, next);
}

static int cmp_slab(const void *a, const void *b)
{
	const struct slab_row *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	return strcmp(x->cache->name, y->cache->name);
}

/* Each row's aliases into one list (rows hold offsets until it stops growing). */
static int add_aliases(const struct snapshot *s, struct slab_row *row, const char ***names,
		       size_t *n, size_t *cap)
{
	const char *got[CHECK_MAX_ALIASES];
	size_t k;

	row->naliases = slab_aliases_of(&s->aliases, row->cache->name, got, CHECK_MAX_ALIASES);
	k = row->naliases < CHECK_MAX_ALIASES ? row->naliases : CHECK_MAX_ALIASES;
	row->aliases = (const char **)(uintptr_t)*n; /* an offset, for now */
	if (*n + k > *cap) {
		size_t ncap = *cap * 2 > *n + k ? *cap * 2 : *n + k + 64;
		const char **p = realloc(*names, ncap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		*names = p;
		*cap = ncap;
	}
	if (k)
		memcpy(*names + *n, got, k * sizeof(*got));
	*n += k;
	return 0;
}

static int build_slabs(const struct snapshot *s, struct check_report *r)
{
	const struct slabinfo *si = &s->slabinfo;
	size_t nnames = 0, cap = 0;

	r->slabs = calloc(si->n ? si->n : 1, sizeof(*r->slabs));
	if (!r->slabs)
		return -ENOMEM;
	for (size_t i = 0; i < si->n; i++) {
		struct slab_row *row = &r->slabs[r->nslabs++];

		row->cache = &si->v[i];
		row->bytes = slab_cache_bytes(row->cache, s->page_size);
		row->objects_bytes = slab_cache_objects_bytes(row->cache);
		row->reclaimable = slab_alias_reclaimable(&s->aliases, row->cache->name);
		if (add_aliases(s, row, &r->alias_names, &nnames, &cap))
			return -ENOMEM;
		r->slab_bytes = num_sat_add(r->slab_bytes, row->bytes);
	}
	for (size_t i = 0; i < r->nslabs; i++)
		r->slabs[i].aliases =
			r->alias_names ? r->alias_names + (uintptr_t)r->slabs[i].aliases : NULL;
	qsort(r->slabs, r->nslabs, sizeof(*r->slabs), cmp_slab);
	return 0;
}

int check_findings(struct check_report *r, const struct check_opts *o);
int check_source_findings(struct check_report *r, struct kerr *e);

/* kmemleak's report, when debugfs was mounted and it has objects. */
static int summarize_kmemleak(const struct snapshot *s, struct check_report *r, struct kerr *e)
{
	const struct buf *b = &s->raw[SRC_KMEMLEAK];
	struct kmemleak_summary k;
	char src[PATH_MAX + 64];
	int rc;

	if (!snapshot_has(s, SRC_KMEMLEAK) || !b->len)
		return 0;
	rc = kmemleak_summary(b->data, b->len, snapshot_src(s, SRC_KMEMLEAK, src, sizeof(src)),
			      NULL, &k, e);
	if (rc)
		return rc;
	if (!k.objects)
		return 0;
	r->have_kmemleak = true;
	r->kmemleak_objects = k.objects;
	r->kmemleak_groups = k.groups;
	r->kmemleak_bytes = k.bytes;
	snprintf(r->kmemleak_top, sizeof(r->kmemleak_top), "%s%s%s%s", k.top_function,
		 k.top_module[0] ? " [" : "", k.top_module, k.top_module[0] ? "]" : "");
	return 0;
}

/* /proc/allocinfo's sites ranked, when the kernel has it (6.10+). */
static int rank_one(const struct snapshot *s, struct allocinfo_top *top, bool *have, struct kerr *e)
{
	if (!snapshot_has(s, SRC_ALLOCINFO))
		return 0;
	if (allocinfo_top_build(&s->allocinfo, top))
		return kerr_set(e, -ENOMEM, "check", 0, "out of memory");
	*have = true;
	return 0;
}

/* The baseline's sites tell which modules held memory before an unload. */
static int rank_allocinfo(const struct snapshot *s, const struct snapshot *baseline,
			  struct check_report *r, struct kerr *e)
{
	int rc = rank_one(s, &r->ai, &r->have_allocinfo, e);

	if (!rc && baseline)
		rc = rank_one(baseline, &r->base_ai, &r->have_base_allocinfo, e);
	return rc;
}

/*
 * vmalloc by caller and module. Module symbols of a baseline taken while
 * a module was loaded name the areas it left behind.
 */
static int group_vmalloc(const struct snapshot *s, const struct snapshot *baseline,
			 struct check_report *r, struct kerr *e)
{
	const struct buf *b = &s->raw[SRC_VMALLOCINFO];
	struct vmalloc_baseline base = { 0 }, *bp = NULL;
	char src[PATH_MAX + 64];
	int rc;

	if (!snapshot_has(s, SRC_VMALLOCINFO))
		return 0;
	if (baseline && snapshot_has(baseline, SRC_MODULES)) {
		base.modules = &baseline->modules;
		if (snapshot_has(baseline, SRC_KALLSYMS)) {
			base.kallsyms = baseline->raw[SRC_KALLSYMS].data;
			base.kallsyms_len = baseline->raw[SRC_KALLSYMS].len;
		}
		if (snapshot_has(baseline, SRC_MODULE_SECTIONS))
			base.sections = &baseline->sections;
		bp = &base;
	}
	/* The loaded modules' sections: where their freed init code was. */
	if (snapshot_has(s, SRC_MODULE_SECTIONS)) {
		base.loaded_sections = &s->sections;
		bp = &base;
	}
	rc = vmalloc_group(b->data, b->len, snapshot_src(s, SRC_VMALLOCINFO, src, sizeof(src)),
			   s->page_size, snapshot_has(s, SRC_MODULES) ? &s->modules : NULL, bp,
			   &r->vm, e);
	if (!rc)
		r->have_vm = true;
	return rc;
}

int check_analyze(const struct snapshot *s, const struct snapshot *baseline,
		  const struct check_opts *o, struct check_report *r, struct kerr *e)
{
	int rc = -ENOMEM;

	memset(r, 0, sizeof(*r));
	r->snap = s;
	if (snapshot_has(s, SRC_SLABINFO) && build_slabs(s, r))
		goto nomem;
	rc = group_vmalloc(s, baseline, r, e);
	if (rc)
		goto fail;
	if (snapshot_has(s, SRC_MEMINFO)) {
		/*
		 * Without vmallocinfo (not root) assume VMAP_STACK, on by
		 * default on x86_64 and arm64 since 4.9: counting stacks twice
		 * is the worse error.
		 */
		struct kmem_extra x;

		kmem_extra_from(snapshot_has(s, SRC_VMSTAT) ? &s->vmstat : NULL,
				snapshot_has(s, SRC_ZONEINFO) ? &s->zoneinfo : NULL,
				snapshot_has(s, SRC_THP) ? &s->thp : NULL, s->page_size, &x);
		kmem_summarize(&s->meminfo, &x,
			       r->have_vm ? vmalloc_groups_vmap_stacks(&r->vm) : true, &r->kmem);
		r->have_kmem = true;
	}
	rc = summarize_kmemleak(s, r, e);
	if (!rc)
		rc = rank_allocinfo(s, baseline, r, e);
	if (rc)
		goto fail;
	if (check_findings(r, o))
		goto nomem;
	rc = check_source_findings(r, e);
	if (!rc)
		return 0;
	goto fail;
nomem:
	rc = kerr_set(e, -ENOMEM, "check", 0, "out of memory");
fail:
	check_report_free(r); /* what was built so far */
	return rc;
}

enum severity check_max_severity(const struct check_report *r, bool *any)
{
	enum severity m = SEV_INFO;

	*any = r->nfindings > 0;
	for (size_t i = 0; i < r->nfindings; i++)
		if (r->findings[i].severity > m)
			m = r->findings[i].severity;
	return m;
}

void check_report_free(struct check_report *r)
{
	if (!r)
		return;
	free(r->slabs);
	free(r->alias_names);
	free(r->findings);
	vmalloc_groups_free(&r->vm);
	allocinfo_top_free(&r->ai);
	allocinfo_top_free(&r->base_ai);
	memset(r, 0, sizeof(*r));
}
