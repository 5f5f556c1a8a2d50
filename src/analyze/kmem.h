/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel memory from /proc/meminfo: the kernel-side components, their
 * total, and the remainder nobody itemises (a driver leaking alloc_pages()
 * shows up only there):
 *
 *   Unaccounted = MemTotal - MemFree
 *               - kernel components (Slab, VmallocUsed, KernelStack unless
 *                 vmalloc'd, PageTables, SecPageTables, Percpu, Bounce,
 *                 KReclaimable beyond SReclaimable)
 *               - user and file memory (AnonPages, Buffers, Cached,
 *                 Hugetlb, the swap cache that is not mapped)
 *               - memory other lines and sources say is in use or not
 *                 there: Zswap (the compressed pool), zram (zsmalloc
 *                 pages beyond Zswap's, /proc/vmstat nr_zspages),
 *                 Unaccepted, Balloon (or nr_balloon_pages),
 *                 HardwareCorrupted, and the free pages on the per-CPU
 *                 lists (/proc/zoneinfo), which MemFree does not count
 *
 * A mapped swap-cache page is in both AnonPages and SwapCached: only the
 * unmapped part of SwapCached is added, estimated from the anonymous LRU
 * (which holds anon, shmem and swap-cache pages). What stays uncertain is
 * a noise floor, not a deduction: the vmstat per-CPU drift of the
 * counters (the sum of the zones' thresholds, per counter) and the
 * unmapped pages of partially mapped THPs awaiting their split (bounded
 * by those folios' size).
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
	bool in_total; /* false: part of another component */
	const char *note;
};

/* What meminfo does not say (each 0 when its source is absent). */
struct kmem_extra {
	uint64_t pcp_bytes;	    /* zoneinfo: free pages on the per-CPU lists */
	uint64_t drift_bytes;	    /* zoneinfo: sum of the vmstat thresholds, in bytes */
	uint64_t zspages_bytes;	    /* vmstat nr_zspages: zsmalloc (zram, zswap) */
	uint64_t balloon_bytes;	    /* vmstat nr_balloon_pages */
	uint64_t thp_partial_bytes; /* partially mapped THPs: a bound */
	bool have_balloon;
};

struct kmem_summary {
	uint64_t mem_total, mem_free, mem_available;
	struct kmem_component comp[KMEM_MAX_COMPONENTS];
	int ncomp;
	uint64_t kernel_bytes;	     /* sum of the components with in_total */
	uint64_t unaccounted;	     /* see above; 0 when it cannot be computed */
	uint64_t unmapped_swapcache; /* the part of SwapCached counted */
	uint64_t other_bytes;	     /* Zswap, zram, Unaccepted, Balloon, HardwareCorrupted, pcp */
	/*
	 * How much Unaccounted may move with no memory used: the counters'
	 * per-CPU drift (SwapCached, AnonPages, file pages, slab, stacks,
	 * page tables, free pages: seven counters) and the partially mapped
	 * THPs' bound.
	 */
	uint64_t noise_floor;
	bool vmap_stack; /* thread stacks live in VmallocUsed */
};

/*
 * vmap_stack: whether thread stacks are vmalloc'd (seen in vmallocinfo),
 * in which case KernelStack is inside VmallocUsed and not added twice.
 * x may be NULL (meminfo alone).
 */
void kmem_summarize(const struct meminfo *mi, const struct kmem_extra *x, bool vmap_stack,
		    struct kmem_summary *out);
struct zoneinfo;
struct thp;
/* x from the parsed sources a snapshot has (each may be NULL). */
void kmem_extra_from(const struct meminfo *vmstat, const struct zoneinfo *z, const struct thp *thp,
		     uint64_t page_size, struct kmem_extra *x);
/* Percentage of MemTotal, 0 when MemTotal is unknown. */
double kmem_pct(const struct kmem_summary *k, uint64_t bytes);

#endif
