// SPDX-License-Identifier: GPL-2.0
/*
 * The rules of `kleak check`: what in one snapshot deserves a look, and
 * which command confirms it. Each rule reads the report built so far and
 * the thresholds in check_opts; none reads a source itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/check.h"
#include "util/fmt.h"
#include "util/strmap.h"
#include "util/text.h"

int check_findings(struct check_report *r, const struct check_opts *o);

#define ADD(...)                                       \
	do {                                           \
		if (check_add_finding(r, __VA_ARGS__)) \
			return -1;                     \
	} while (0)

static uint64_t field(const struct check_report *r, const char *name)
{
	uint64_t v = 0;

	meminfo_get(&r->snap->meminfo, name, &v);
	return v;
}

static int kernel_total(struct check_report *r, const struct check_opts *o)
{
	const struct kmem_summary *k = &r->kmem;
	double pct = kmem_pct(k, k->kernel_bytes);
	char ev[300], b1[32], b2[32];

	if (pct < o->kernel_pct_warn)
		return 0;
	snprintf(ev, sizeof(ev), "kernel memory %s is %.1f%% of MemTotal %s (threshold %.0f%%)",
		 fmt_bytes(k->kernel_bytes, b1, sizeof(b1)), pct,
		 fmt_bytes(k->mem_total, b2, sizeof(b2)), o->kernel_pct_warn);
	ADD(pct >= o->kernel_pct_crit ? SEV_CRITICAL : SEV_WARNING, "kernel-memory-high", "kernel",
	    "the kernel holds an unusual share of memory", ev,
	    "kleak watch -i 10 -d 10m  (does it keep growing?)");
	return 0;
}

static int sunreclaim(struct check_report *r, const struct check_opts *o)
{
	uint64_t v = field(r, "SUnreclaim");
	double pct = kmem_pct(&r->kmem, v);
	char ev[300], b[32];

	if (pct < o->sunreclaim_pct_warn)
		return 0;
	snprintf(ev, sizeof(ev), "SUnreclaim %s is %.1f%% of MemTotal (threshold %.0f%%)",
		 fmt_bytes(v, b, sizeof(b)), pct, o->sunreclaim_pct_warn);
	ADD(pct >= o->sunreclaim_pct_crit ? SEV_CRITICAL : SEV_WARNING, "sunreclaim-high",
	    "SUnreclaim",
	    "unreclaimable slab is large: it is freed only by the code that allocated it", ev,
	    "kleak trace --min-age 60  (which call sites hold it)");
	return 0;
}

static int vmalloc_used(struct check_report *r, const struct check_opts *o)
{
	uint64_t v = field(r, "VmallocUsed");
	double pct = kmem_pct(&r->kmem, v);
	char ev[300], b[32];

	if (pct < o->vmalloc_pct_warn)
		return 0;
	snprintf(ev, sizeof(ev), "VmallocUsed %s is %.1f%% of MemTotal (threshold %.0f%%)",
		 fmt_bytes(v, b, sizeof(b)), pct, o->vmalloc_pct_warn);
	ADD(SEV_WARNING, "vmalloc-high", "VmallocUsed", "vmalloc memory is large", ev,
	    "see the vmalloc callers below; kleak watch to see which grows");
	return 0;
}

static int big_caches(struct check_report *r, const struct check_opts *o)
{
	for (size_t i = 0; i < r->nslabs; i++) {
		const struct slab_row *s = &r->slabs[i];
		double pct = kmem_pct(&r->kmem, s->bytes);
		char ev[300], next[200], b[32], q[160];

		if (pct < o->cache_pct_warn)
			break; /* sorted by bytes */
		snprintf(ev, sizeof(ev),
			 "%s holds %s (%.1f%% of MemTotal), %llu objects of %llu bytes%s",
			 s->cache->name, fmt_bytes(s->bytes, b, sizeof(b)), pct,
			 (unsigned long long)s->cache->active_objs,
			 (unsigned long long)s->cache->objsize,
			 s->reclaimable == 1 ? "; reclaimable" : "");
		/* a name from a file handed in: one shell word, whatever it holds */
		snprintf(next, sizeof(next), "kleak count --cache %s -i 5  (allocs vs frees)",
			 text_shell_quote(s->cache->name, q, sizeof(q)));
		ADD(s->reclaimable == 1 ? SEV_INFO : SEV_WARNING, "slab-cache-large",
		    s->cache->name,
		    s->reclaimable == 1
			    ? "a reclaimable cache is large (it may shrink under pressure: the lesson's dentry case did not)"
			    : "an unreclaimable slab cache is large",
		    ev, next);
	}
	return 0;
}

/*
 * Memory a loaded module's init code allocated: that code is freed, and a
 * module loaded later may have reused its addresses and been unloaded
 * since; without a baseline the two cannot be told apart. Large ones are
 * said, with how to tell.
 */
static int init_code_vmalloc(struct check_report *r, const struct check_opts *o)
{
	for (size_t i = 0; i < r->vm.ncallers; i++) {
		const struct vmalloc_caller *v = &r->vm.callers[i];
		char ev[300], b[32];

		if (strcmp(v->caller, VMALLOC_INIT) || v->bytes < o->module_vmalloc_warn / 16)
			continue;
		snprintf(ev, sizeof(ev),
			 "%s in %llu vmalloc areas whose caller lies in the freed init code of %s",
			 fmt_bytes(v->bytes, b, sizeof(b)), (unsigned long long)v->areas,
			 v->module);
		ADD(SEV_WARNING, "init-code-vmalloc", v->module,
		    "memory allocated by a module's init code (a long-lived table), or by a module unloaded since whose code was placed there",
		    ev,
		    "kleak check --baseline DIR  (a snapshot taken while the modules were loaded tells them apart)");
	}
	return 0;
}

static int module_vmalloc(struct check_report *r, const struct check_opts *o)
{
	for (size_t i = 0; i < r->vm.nmodules; i++) {
		const struct vmalloc_module *m = &r->vm.modules[i];
		char ev[300], next[200], b[32], q[160];

		if (m->unloaded) {
			snprintf(ev, sizeof(ev),
				 "%s in %llu vmalloc areas whose caller's code is gone%s%s",
				 fmt_bytes(m->bytes, b, sizeof(b)), (unsigned long long)m->areas,
				 strcmp(m->module, VMALLOC_UNLOADED) ? ": module " : "",
				 strcmp(m->module, VMALLOC_UNLOADED) ? m->module : "");
			ADD(SEV_CRITICAL, "unloaded-module-memory", m->module,
			    "memory vmalloc'd by an unloaded module is still held: leaked until reboot",
			    ev,
			    "kleak check --baseline DIR  (a snapshot taken while it was loaded names it)");
			continue;
		}
		if (m->bytes < o->module_vmalloc_warn)
			continue;
		snprintf(ev, sizeof(ev), "[%s] holds %s in %llu vmalloc areas%s", m->module,
			 fmt_bytes(m->bytes, b, sizeof(b)), (unsigned long long)m->areas,
			 m->tainted ? " (out-of-tree module)" : "");
		snprintf(next, sizeof(next), "kleak watch -i 10  (does %s keep growing?)",
			 text_shell_quote(m->module, q, sizeof(q)));
		ADD(SEV_WARNING, "module-vmalloc", m->module,
		    "a module holds much vmalloc memory (the lesson: suspect drivers first)", ev,
		    next);
	}
	return 0;
}

static int unaccounted(struct check_report *r, const struct check_opts *o)
{
	double pct = kmem_pct(&r->kmem, r->kmem.unaccounted);
	char ev[300], b[32];

	if (pct < o->unaccounted_pct_warn)
		return 0;
	snprintf(ev, sizeof(ev), "%s (%.1f%% of MemTotal) is used but in no meminfo field",
		 fmt_bytes(r->kmem.unaccounted, b, sizeof(b)), pct);
	ADD(SEV_WARNING, "unaccounted-memory", "Unaccounted",
	    "memory is used that the kernel does not itemise (drivers calling alloc_pages?)", ev,
	    "kleak trace --pages  (page allocations by call site)");
	return 0;
}

static int kmemleak(struct check_report *r)
{
	char ev[300], b[32];

	snprintf(ev, sizeof(ev),
		 "kmemleak reports %zu unreferenced objects (%s) in %zu backtrace groups; the largest from %s",
		 r->kmemleak_objects, fmt_bytes(r->kmemleak_bytes, b, sizeof(b)),
		 r->kmemleak_groups, r->kmemleak_top);
	ADD(SEV_WARNING, "kmemleak-report", r->kmemleak_top, "kmemleak found unreferenced objects",
	    ev, "kleak kmemleak report  (grouped by backtrace, with module and function)");
	return 0;
}

/* One module's finding, its largest site looked up in tops. */
static int module_allocinfo_one(struct check_report *r, const struct check_opts *o,
				const struct allocinfo_group *m, const struct strmap *tops)
{
	const struct alloc_site *top = NULL;
	char ev[300], next[200], b[32], q[160];
	size_t k;

	if (!m->module || m->bytes < o->module_allocinfo_warn)
		return 0;
	k = strmap_get(tops, m->module, strlen(m->module));
	if (k != STRMAP_NONE)
		top = r->ai.sites[k];
	snprintf(ev, sizeof(ev),
		 "[%s] holds %s in %zu allocation site%s (%llu live allocations); the largest: %s %s:%u",
		 m->module, fmt_bytes(m->bytes, b, sizeof(b)), m->sites, m->sites == 1 ? "" : "s",
		 (unsigned long long)m->calls, top ? top->function : "?", top ? top->file : "?",
		 top ? top->src_line : 0);
	snprintf(next, sizeof(next),
		 "kleak watch -i 10  (do the allocinfo sites of %s keep growing?)",
		 text_shell_quote(m->module, q, sizeof(q)));
	ADD(SEV_WARNING, "module-allocinfo", m->module,
	    "a module's allocation sites hold much memory (the lesson: suspect drivers first)", ev,
	    next);
	return 0;
}

/*
 * The largest site of each module: the first of its sites (they are
 * sorted by bytes), in one pass, not a scan per module.
 */
static int index_top_sites(const struct allocinfo_top *t, struct strmap *m)
{
	for (size_t k = 0; k < t->nsites; k++) {
		const char *mod = t->sites[k]->module;

		if (mod && strmap_intern(m, mod, strlen(mod), k) == STRMAP_NONE)
			return -1;
	}
	return 0;
}

/* A module whose allocinfo sites hold much memory (kmalloc, pages, vmalloc). */
static int module_allocinfo(struct check_report *r, const struct check_opts *o)
{
	struct strmap tops = { 0 };
	int rc = index_top_sites(&r->ai, &tops);

	for (size_t i = 0; !rc && i < r->ai.nmodules; i++)
		rc = module_allocinfo_one(r, o, &r->ai.by_module[i], &tops);
	strmap_free(&tops);
	return rc;
}

/* The modules allocinfo lists now, hashed: asked once per baseline module. */
static int index_modules(const struct allocinfo_top *t, struct strmap *m)
{
	for (size_t i = 0; i < t->nmodules; i++) {
		const char *mod = t->by_module[i].module;

		if (mod && strmap_intern(m, mod, strlen(mod), i) == STRMAP_NONE)
			return -1;
	}
	return 0;
}

/*
 * A module that held memory at its allocation sites in the baseline and is
 * gone now. The kernel drops a module's sites at unload whether their
 * memory was freed or not, and WARNs in its log when it was not: check
 * reads that log, where the finding module-unload-leak names the sites
 * (analyze/klog_findings.c). This one says where to look when the log of
 * that boot is elsewhere (a snapshot taken on another machine).
 */
static int unloaded_allocinfo(struct check_report *r)
{
	struct strmap now = { 0 };

	if (index_modules(&r->ai, &now)) {
		strmap_free(&now);
		return -1;
	}
	for (size_t i = 0; i < r->base_ai.nmodules; i++) {
		const struct allocinfo_group *m = &r->base_ai.by_module[i];
		char ev[300], b[32];

		if (!m->module || !m->bytes ||
		    strmap_get(&now, m->module, strlen(m->module)) != STRMAP_NONE ||
		    (snapshot_has(r->snap, SRC_MODULES) &&
		     modules_find(&r->snap->modules, m->module)))
			continue;
		snprintf(ev, sizeof(ev),
			 "in the baseline [%s] held %s at %zu allocation site%s (%llu live allocations); it is unloaded now and allocinfo lists none of its sites",
			 m->module, fmt_bytes(m->bytes, b, sizeof(b)), m->sites,
			 m->sites == 1 ? "" : "s", (unsigned long long)m->calls);
		if (check_add_finding(
			    r, SEV_INFO, "unloaded-module-allocinfo", m->module,
			    "a module that held memory was unloaded: the kernel drops its allocation sites, freed or not",
			    ev,
			    "kleak check  (on that boot's kernel log, or --dmesg FILE: module-unload-leak names each site still holding memory)")) {
			strmap_free(&now);
			return -1;
		}
	}
	strmap_free(&now);
	return 0;
}

static int cmp_finding(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;

	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	return strcmp(x->id, y->id);
}

int check_findings(struct check_report *r, const struct check_opts *o)
{
	if (r->have_kmem &&
	    (kernel_total(r, o) || sunreclaim(r, o) || vmalloc_used(r, o) || unaccounted(r, o)))
		return -1;
	if (r->have_kmem && big_caches(r, o))
		return -1;
	if (r->have_vm && (module_vmalloc(r, o) || init_code_vmalloc(r, o)))
		return -1;
	if (r->have_kmemleak && kmemleak(r))
		return -1;
	if (r->have_allocinfo && module_allocinfo(r, o))
		return -1;
	if (r->have_allocinfo && r->have_base_allocinfo && unloaded_allocinfo(r))
		return -1;
	if (r->nfindings > 1)
		qsort(r->findings, r->nfindings, sizeof(*r->findings), cmp_finding);
	return 0;
}
