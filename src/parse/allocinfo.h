/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/allocinfo (CONFIG_MEM_ALLOC_PROFILING, Linux 6.10+): the memory
 * each allocation site holds right now, as lib/alloc_tag.c prints it:
 *
 *   allocinfo - version: 1.0
 *   #     <size>  <calls> <tag info>
 *          10240       20 drivers/x.c:34 [kleak_kmalloc_leak] func:leak_kmalloc_work 
 *          69632       17 arch/x86/mm/pgtable.c:33 func:pte_alloc_one 
 *
 * i.e. "%12lli %8llu " then "file:line [module] func:name" (no [module]
 * for built-in code) and a trailing space. bytes and calls are live
 * counts: incremented on allocation, decremented on free. bytes is signed
 * in the kernel (per-CPU counters summed without a lock may be briefly
 * negative), so a negative value is accepted and kept.
 *
 * Version 2.0 (the "accurate:no" patch of the mm tree, about 6.18) appends
 * " accurate:no" to sites whose counters missed allocations (slab objects
 * allocated before their tag storage existed). Early versions of the
 * series printed "module:NAME" instead of "[NAME]"; both are read.
 * Any other version is refused with a clear error rather than misread.
 */
#ifndef KLEAK_PARSE_ALLOCINFO_H
#define KLEAK_PARSE_ALLOCINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct alloc_site {
	int64_t bytes;	      /* live bytes (signed, see above) */
	uint64_t calls;	      /* live allocations */
	const char *file;     /* "mm/slub.c" */
	unsigned src_line;    /* line in file */
	const char *module;   /* NULL: built into the kernel */
	const char *function; /* "alloc_slab_page" */
	bool accurate;	      /* false: the kernel printed accurate:no */
	long line;	      /* line in the allocinfo text, 1-based */
};

struct allocinfo {
	struct alloc_site *v; /* in the kernel's order */
	size_t n;
	unsigned version; /* major: 1 or 2 */
	char *strings;	  /* owns the strings the sites point to */
};

int allocinfo_parse(const char *buf, size_t len, const char *src, struct allocinfo *out,
		    struct kerr *e);
void allocinfo_free(struct allocinfo *ai);

/* Bytes as memory held: negative (a counter race) reads as 0. */
static inline uint64_t alloc_site_bytes(const struct alloc_site *s)
{
	return s->bytes > 0 ? (uint64_t)s->bytes : 0;
}

#endif
