/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel memory from /proc/meminfo: the kernel-side components, their
 * total, and the remainder nobody itemises (a driver leaking alloc_pages()
 * shows up only there: MemTotal - MemFree - everything accounted).
 */
#ifndef KLEAK_ANALYZE_KMEM_H
#define KLEAK_ANALYZE_KMEM_H

#include <stdbool.h>
#include <stdint.h>

#include "parse/meminfo.h"

#define KMEM_MAX_COMPONENTS 16

struct kmem_component {
	const char *name; /* meminfo field name, or "Unaccounted" */
	uint64_t bytes;
	bool in_total;	  /* false: part of another component */
	const char *note;
};

struct kmem_summary {
	uint64_t mem_total, mem_free, mem_available;
	struct kmem_component comp[KMEM_MAX_COMPONENTS];
	int ncomp;
	uint64_t kernel_bytes; /* sum of the components with in_total */
	uint64_t unaccounted;  /* see above; 0 when it cannot be computed */
	bool vmap_stack;       /* thread stacks live in VmallocUsed */
};

/*
 * vmap_stack: whether thread stacks are vmalloc'd (seen in vmallocinfo),
 * in which case KernelStack is inside VmallocUsed and not added twice.
 */
void kmem_summarize(const struct meminfo *mi, bool vmap_stack,
		    struct kmem_summary *out);
/* Percentage of MemTotal, 0 when MemTotal is unknown. */
double kmem_pct(const struct kmem_summary *k, uint64_t bytes);

#endif
