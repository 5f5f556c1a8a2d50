/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/allocinfo ranked: allocation sites by the bytes they hold now, and
 * the same summed by module and by function.
 *
 * Modules come first in by_module (the lesson: suspect third-party drivers
 * first), then one row for the kernel itself (module NULL). by_function
 * lists module functions first, then built-in ones, each by bytes, as
 * vmalloc's callers are.
 *
 * Sites holding nothing (0 bytes, 0 calls: most of a kernel's thousands
 * of tags at any moment) are counted in `empty` and left out of the lists.
 *
 * The sum over sites is not a memory total: a slab object is counted at
 * the site that allocated it and again inside the slab pages tagged at
 * mm/slub.c (alloc_slab_page). Compare sites with each other, not with
 * MemTotal.
 */
#ifndef KLEAK_ANALYZE_ALLOCINFO_TOP_H
#define KLEAK_ANALYZE_ALLOCINFO_TOP_H

#include <stddef.h>
#include <stdint.h>

#include "parse/allocinfo.h"
#include "parse/slab_aliases.h"

struct allocinfo_group {
	const char *module;   /* NULL: built into the kernel */
	const char *function; /* by_function only; NULL in by_module */
	uint64_t bytes, calls;
	size_t sites;
};

struct allocinfo_top {
	const struct alloc_site **sites; /* by bytes, then file and line */
	size_t nsites;
	struct allocinfo_group *by_module;   /* modules by bytes, then the kernel */
	size_t nmodules;		     /* rows, the kernel's included */
	struct allocinfo_group *by_function; /* module functions first */
	size_t nfunctions;
	uint64_t total_bytes;  /* sum over sites: see above */
	uint64_t module_bytes; /* sum over module sites */
	size_t inaccurate;     /* sites the kernel marks accurate:no */
	size_t empty;	       /* sites holding nothing, not listed */
};

/*
 * What a site's memory is. Most sites allocate kernel objects or pages for
 * the kernel's own use. A few are containers: the slab pages every kmalloc
 * and kmem_cache object lives in (mm/slub.c alloc_slab_page), the pages of
 * percpu chunks: they grow with the sites whose objects they hold, which
 * are the ones to name. Others allocate user memory: anonymous pages, page
 * cache, tmpfs/shmem and hugetlb folios, memory of processes and files
 * (meminfo's AnonPages, Cached, Shmem), not of the kernel. The lists are
 * by function name, from 6.10-6.18; a function renamed later is "kernel".
 */
enum alloc_site_kind {
	ALLOC_SITE_KERNEL,
	ALLOC_SITE_CONTAINER,
	ALLOC_SITE_USER,
};

enum alloc_site_kind alloc_site_kind(const struct alloc_site *s);
/*
 * Whether a site's memory is reclaimable: sites that allocate objects of
 * one reclaimable slab cache (dentries at __d_alloc, inodes at
 * alloc_inode and the filesystems' *_alloc_inode, page-cache xarray nodes
 * at xas_alloc, extent status, buffer heads) take that cache's reclaim
 * flag from a (the slab_aliases source): 1, 0, or -1 when unknown.
 */
int alloc_site_reclaimable(const struct alloc_site *s, const struct slab_aliases *a);
/* "kernel", "container", "user" (JSON `kind`). */
const char *alloc_site_kind_name(enum alloc_site_kind k);

/* Ranks ai (which must outlive out). 0 or -ENOMEM. */
int allocinfo_top_build(const struct allocinfo *ai, struct allocinfo_top *out);
void allocinfo_top_free(struct allocinfo_top *t);

/* "file:line" of a site into buf. */
const char *alloc_site_location(const struct alloc_site *s, char *buf, size_t len);

#endif
