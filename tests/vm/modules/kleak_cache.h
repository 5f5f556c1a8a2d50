/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by kleak_cache_leak.c and kleak_cache_ok.c: create a named cache
 * that SLUB does not merge into another one of the same size, so it has its
 * own /proc/slabinfo line. SLAB_NO_MERGE exists from 6.5 (commit
 * d0bf7d5759c1); older kernels never merge a cache that has a constructor.
 */
#ifndef KLEAK_CACHE_H
#define KLEAK_CACHE_H
#include <linux/slab.h>
#include <linux/string.h>

#ifndef SLAB_NO_MERGE
static unsigned int kleak_cache_objsize;
static void kleak_cache_ctor(void *obj)
{
	memset(obj, 0, kleak_cache_objsize);
}
#endif

/* mergeable: let SLUB merge the cache (to test alias resolution). */
static inline struct kmem_cache *kleak_cache_create(const char *name,
						    unsigned int objsize,
						    bool mergeable)
{
#ifdef SLAB_NO_MERGE
	return kmem_cache_create(name, objsize, 0,
				 mergeable ? 0 : SLAB_NO_MERGE, NULL);
#else
	kleak_cache_objsize = objsize;
	return kmem_cache_create(name, objsize, 0, 0,
				 mergeable ? NULL : kleak_cache_ctor);
#endif
}
#endif
