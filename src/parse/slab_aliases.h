/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SLUB cache merging, as "name target" lines (the slab_aliases source):
 *
 *   inotify_inode_mark :A-0000080 0
 *   sigqueue :A-0000080 0
 *   dentry dentry 1
 *
 * The optional third field is the cache's reclaim_account flag (1 for
 * SLAB_RECLAIM_ACCOUNT caches such as dentry, counted in SReclaimable).
 *
 * Names with the same target share one slab cache; /proc/slabinfo and the
 * kmem tracepoints show only one of them (the cache created first).
 */
#ifndef KLEAK_PARSE_SLAB_ALIASES_H
#define KLEAK_PARSE_SLAB_ALIASES_H

#include <stddef.h>
#include <stdint.h>

#include "parse/slabinfo.h"
#include "util/err.h"

struct slab_alias {
	uint32_t name; /* offsets in the pool: slab_alias_name() */
	uint32_t target;
	int8_t reclaimable; /* 1, 0, or -1 when unknown */
};

struct slab_aliases {
	struct slab_alias *v; /* by target, then name (":A-..." entries last) */
	size_t n;
	uint32_t *by_name; /* indices of v sorted by name */
	char *pool;	   /* the names, NUL-terminated */
	size_t pool_len;
};

int slab_aliases_parse(const char *buf, size_t len, const char *src, struct slab_aliases *out,
		       struct kerr *e);
void slab_aliases_free(struct slab_aliases *a);
const char *slab_alias_name(const struct slab_aliases *a, const struct slab_alias *x);
const char *slab_alias_target(const struct slab_aliases *a, const struct slab_alias *x);
/* A copy of src with its index (lookups stay O(log n)); -ENOMEM. */
int slab_aliases_copy(struct slab_aliases *dst, const struct slab_aliases *src);

/*
 * The other names merged with cache `name` (not `name` itself), into out
 * (at most max); returns how many there are.
 */
size_t slab_aliases_of(const struct slab_aliases *a, const char *name, const char **out,
		       size_t max);
/*
 * Resolves a user's cache name to the one slabinfo and the tracepoints
 * use. Returns 0 with *cache set, or -ENOENT.
 */
/* reclaim_account of cache `name`: 1, 0, or -1 when unknown. */
int slab_alias_reclaimable(const struct slab_aliases *a, const char *name);
int slab_alias_resolve(const struct slab_aliases *a, const struct slabinfo *si, const char *user,
		       const char **cache);

#endif
