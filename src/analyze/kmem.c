// SPDX-License-Identifier: GPL-2.0
/* Kernel memory components from meminfo; see kmem.h. */
#include "kmem.h"

#include <string.h>

#include "parse/thp.h"
#include "parse/zoneinfo.h"
#include "util/num.h"

/* Kernel-side meminfo fields, in the order a reader expects them. */
static const struct {
	const char *name;
	bool in_total;
	const char *note;
} fields[] = {
	{ "Slab", true, "kmalloc and kmem_cache objects" },
	{ "SReclaimable", false, "part of Slab: freed under memory pressure" },
	{ "SUnreclaim", false, "part of Slab: freed only explicitly" },
	{ "VmallocUsed", true, "vmalloc'd pages" },
	{ "KernelStack", true, "thread stacks" },
	{ "PageTables", true, "page tables" },
	{ "SecPageTables", true, "secondary (KVM, IOMMU) page tables" },
	{ "Percpu", true, "per-CPU allocations" },
	{ "KReclaimable", false, "SReclaimable plus other reclaimable kernel memory" },
	{ "Bounce", true, "bounce buffers" },
};

static uint64_t get(const struct meminfo *mi, const char *name)
{
	uint64_t v = 0;

	meminfo_get(mi, name, &v);
	return v;
}

/*
 * The swap cache that is not mapped (a mapped one is in AnonPages too):
 * the anonymous LRU holds anon, shmem and swap-cache pages, so what it
 * holds beyond AnonPages and Shmem is unmapped swap cache (Unevictable
 * added back: mlocked anon pages are off the anon LRU but in AnonPages).
 * Never more than SwapCached.
 */
static uint64_t unmapped_swapcache(const struct meminfo *mi)
{
	uint64_t sc = get(mi, "SwapCached"), lru, mapped;

	if (!sc)
		return 0;
	lru = get(mi, "Active(anon)") + get(mi, "Inactive(anon)") + get(mi, "Unevictable");
	mapped = get(mi, "AnonPages") + get(mi, "Shmem");
	if (lru <= mapped)
		return 0;
	return lru - mapped < sc ? lru - mapped : sc;
}

/* User-side and page-cache memory, to find what nobody itemises. */
static uint64_t accounted_elsewhere(const struct meminfo *mi, struct kmem_summary *out)
{
	static const char *const user[] = { "AnonPages", "Buffers", "Cached", "Hugetlb" };
	uint64_t sum = 0;

	for (size_t i = 0; i < sizeof(user) / sizeof(user[0]); i++)
		sum = num_sat_add(sum, get(mi, user[i]));
	out->unmapped_swapcache = unmapped_swapcache(mi);
	return num_sat_add(sum, out->unmapped_swapcache);
}

/*
 * In use, or not there, by other lines and sources: the compressed pools
 * (zram's is the zsmalloc pages beyond zswap's), memory not yet accepted
 * or ballooned away, poisoned pages, and free pages on per-CPU lists.
 */
static uint64_t other_memory(const struct meminfo *mi, const struct kmem_extra *x)
{
	uint64_t zswap = get(mi, "Zswap"), v = zswap, balloon;

	if (x && x->zspages_bytes > zswap)
		v = num_sat_add(v, x->zspages_bytes - zswap);
	v = num_sat_add(v, get(mi, "Unaccepted"));
	v = num_sat_add(v, get(mi, "HardwareCorrupted"));
	if (meminfo_get(mi, "Balloon", &balloon))
		v = num_sat_add(v, balloon);
	else if (x && x->have_balloon)
		v = num_sat_add(v, x->balloon_bytes);
	return num_sat_add(v, x ? x->pcp_bytes : 0);
}

void kmem_extra_from(const struct meminfo *vmstat, const struct zoneinfo *z, const struct thp *thp,
		     uint64_t page_size, struct kmem_extra *x)
{
	uint64_t v;

	memset(x, 0, sizeof(*x));
	if (vmstat && meminfo_get(vmstat, "nr_zspages", &v))
		x->zspages_bytes = v * page_size;
	if (vmstat && meminfo_get(vmstat, "nr_balloon_pages", &v)) {
		x->balloon_bytes = v * page_size;
		x->have_balloon = true;
	}
	if (z) {
		x->pcp_bytes = z->pcp_pages * page_size;
		x->drift_bytes = z->drift_pages * page_size;
	}
	if (thp)
		x->thp_partial_bytes = thp->partial_bytes;
}

/* Per-CPU counters whose drift adds up in Unaccounted (see noise_floor). */
#define KMEM_DRIFTING_COUNTERS 7

static void add_unaccounted(struct kmem_summary *out, uint64_t used, uint64_t accounted,
			    const struct kmem_extra *x)
{
	struct kmem_component *c;

	if (x)
		out->noise_floor = KMEM_DRIFTING_COUNTERS * x->drift_bytes + x->thp_partial_bytes;
	if (!out->mem_total || used <= accounted)
		return;
	out->unaccounted = used - accounted;
	if (out->ncomp >= KMEM_MAX_COMPONENTS)
		return;
	c = &out->comp[out->ncomp++];
	c->name = "Unaccounted";
	c->bytes = out->unaccounted;
	c->in_total = true;
	c->note = "used but itemised nowhere (e.g. alloc_pages by drivers)";
	out->kernel_bytes = num_sat_add(out->kernel_bytes, out->unaccounted);
}

void kmem_summarize(const struct meminfo *mi, const struct kmem_extra *x, bool vmap_stack,
		    struct kmem_summary *out)
{
	uint64_t used, other, accounted;

	memset(out, 0, sizeof(*out));
	out->mem_total = get(mi, "MemTotal");
	out->mem_free = get(mi, "MemFree");
	out->mem_available = get(mi, "MemAvailable");
	out->vmap_stack = vmap_stack;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		struct kmem_component *c;
		uint64_t v;

		if (!meminfo_get(mi, fields[i].name, &v))
			continue;
		c = &out->comp[out->ncomp++];
		c->name = fields[i].name;
		c->bytes = v;
		c->in_total = fields[i].in_total;
		c->note = fields[i].note;
		if (vmap_stack && !strcmp(c->name, "KernelStack")) {
			c->in_total = false;
			c->note = "thread stacks (inside VmallocUsed: CONFIG_VMAP_STACK)";
		}
		if (c->in_total)
			out->kernel_bytes = num_sat_add(out->kernel_bytes, v);
	}
	/* KReclaimable beyond SReclaimable is kernel memory too (e.g. ION). */
	other = get(mi, "KReclaimable") > get(mi, "SReclaimable")
			? get(mi, "KReclaimable") - get(mi, "SReclaimable")
			: 0;
	out->kernel_bytes = num_sat_add(out->kernel_bytes, other);
	used = out->mem_total > out->mem_free ? out->mem_total - out->mem_free : 0;
	out->other_bytes = other_memory(mi, x);
	/* saturating: a hostile meminfo's huge values must not wrap */
	accounted = num_sat_add(num_sat_add(out->kernel_bytes, accounted_elsewhere(mi, out)),
				out->other_bytes);
	add_unaccounted(out, used, accounted, x);
}

double kmem_pct(const struct kmem_summary *k, uint64_t bytes)
{
	return k->mem_total ? 100.0 * (double)bytes / (double)k->mem_total : 0;
}
