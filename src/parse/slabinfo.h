/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/slabinfo, version 2.1 (every kernel since 2.6.10):
 *
 *   slabinfo - version: 2.1
 *   # name <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>
 *     : tunables <limit> <batchcount> <sharedfactor>
 *     : slabdata <active_slabs> <num_slabs> <sharedavail>
 *   dentry 12 21 192 21 1 : tunables 0 0 0 : slabdata 1 1 0
 *
 * Memory a cache holds (CONTRACTS.md): bytes = num_slabs * pagesperslab *
 * page size. This is what the kernel adds into meminfo's Slab, including
 * free objects inside partly used slabs and per-slab overhead.
 * objects_bytes = active_objs * objsize is what live objects occupy.
 */
#ifndef KLEAK_PARSE_SLABINFO_H
#define KLEAK_PARSE_SLABINFO_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct slab_cache {
	char name[64];
	uint64_t active_objs, num_objs, objsize, objperslab, pagesperslab;
	uint64_t limit, batchcount, sharedfactor;
	uint64_t active_slabs, num_slabs, sharedavail;
	long line;
};

struct slabinfo {
	struct slab_cache *v;
	size_t n;
};

int slabinfo_parse(const char *buf, size_t len, const char *src, struct slabinfo *out,
		   struct kerr *e);
void slabinfo_free(struct slabinfo *si);

/* num_slabs * pagesperslab * page_size, saturating. */
uint64_t slab_cache_bytes(const struct slab_cache *c, uint64_t page_size);
/* active_objs * objsize, saturating. */
uint64_t slab_cache_objects_bytes(const struct slab_cache *c);

#endif
