// SPDX-License-Identifier: GPL-2.0
/* Kernel memory components from meminfo; see kmem.h. */
#include "kmem.h"

#include <string.h>

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

/* User-side and page-cache memory, to find what nobody itemises. */
static uint64_t accounted_elsewhere(const struct meminfo *mi)
{
	static const char *const user[] = {
		"AnonPages", "Buffers",	 "Cached", "SwapCached",
		"Hugetlb",
	};
	uint64_t sum = 0;

	for (size_t i = 0; i < sizeof(user) / sizeof(user[0]); i++)
		sum += get(mi, user[i]);
	return sum;
}

void kmem_summarize(const struct meminfo *mi, bool vmap_stack,
		    struct kmem_summary *out)
{
	uint64_t used, other, kr, sr, user;

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
			out->kernel_bytes += v;
	}
	/* KReclaimable beyond SReclaimable is kernel memory too (e.g. ION). */
	kr = get(mi, "KReclaimable");
	sr = get(mi, "SReclaimable");
	other = kr > sr ? kr - sr : 0;
	out->kernel_bytes += other;
	used = out->mem_total > out->mem_free ? out->mem_total - out->mem_free : 0;
	user = accounted_elsewhere(mi); /* each lookup walks meminfo: once */
	if (out->mem_total && used > out->kernel_bytes + user) {
		out->unaccounted = used - out->kernel_bytes - user;
		if (out->ncomp < KMEM_MAX_COMPONENTS) {
			struct kmem_component *c = &out->comp[out->ncomp++];

			c->name = "Unaccounted";
			c->bytes = out->unaccounted;
			c->in_total = true;
			c->note = "used but itemised nowhere (e.g. alloc_pages by drivers)";
			out->kernel_bytes += out->unaccounted;
		}
	}
}

double kmem_pct(const struct kmem_summary *k, uint64_t bytes)
{
	return k->mem_total ? 100.0 * (double)bytes / (double)k->mem_total : 0;
}
