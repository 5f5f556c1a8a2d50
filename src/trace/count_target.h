/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `kleak count` counts and for whom, resolved against this kernel
 * before any BPF is loaded, so that a typo is a clear error:
 * - a slab cache name, resolved through SLUB merging (the tracepoints carry
 *   the merged cache's name) and, for kmalloc-N, the kmalloc size and type;
 * - an alloc/free function pair, checked in the kernel's BTF: the allocator
 *   returns a pointer, the free function takes that same type;
 * - a cgroup directory, v2 (unified) or the v1 memory hierarchy.
 */
#ifndef KLEAK_TRACE_COUNT_TARGET_H
#define KLEAK_TRACE_COUNT_TARGET_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define COUNT_MAX_ALIASES 32
#define COUNT_NAME_LEN 64

/* kmalloc types, as the kernel's enum kmalloc_cache_type numbers them. */
enum count_kmalloc_type {
	COUNT_KMALLOC_NORMAL = 0,
	COUNT_KMALLOC_RECLAIM = 1,
	COUNT_KMALLOC_DMA = 2,
	COUNT_KMALLOC_CGROUP = 3,
};

struct count_cache {
	char user[COUNT_NAME_LEN];  /* as given */
	char cache[COUNT_NAME_LEN]; /* merged cache: slabinfo, tracepoints */
	char aliases[COUNT_MAX_ALIASES][COUNT_NAME_LEN]; /* merged with it */
	size_t naliases;
	uint64_t kmalloc_size; /* kmalloc-N: bytes_alloc of its objects; 0 = not */
	enum count_kmalloc_type kmalloc_type;
};

/*
 * Resolves a cache name on the live kernel. -ENOENT with e listing close
 * names when there is no such cache; other errors (no /proc/slabinfo).
 */
int count_cache_resolve(const char *user, struct count_cache *c,
			struct kerr *e);
/*
 * Pure part, for tests: parses "kmalloc-256", "kmalloc-cg-1k",
 * "kmalloc-rcl-8k", "dma-kmalloc-96", "kmalloc-rnd-03-64". Returns true and
 * fills size (the N) and type for a kmalloc-N name.
 */
bool count_kmalloc_parse(const char *name, uint64_t *size,
			 enum count_kmalloc_type *type);

struct count_funcs {
	char alloc[128], free[128];
	char obj_type[128]; /* "struct dentry", "" when not checked */
	int free_arg;	    /* index of the object among free's arguments */
	bool in_btf;	    /* both have BTF: fentry/fexit can attach */
	char note[256];	    /* a warning to show, "" when none */
};

/*
 * Checks the pair: both exist (BTF or /proc/kallsyms), the allocator
 * returns a pointer, the free function takes it. -ENOENT (unknown name,
 * with close names) or -EINVAL (types do not pair, with candidates).
 */
int count_funcs_check(const char *alloc, const char *free,
		      struct count_funcs *f, struct kerr *e);

struct count_cgroup {
	char path[PATH_MAX];
	uint64_t id; /* kernfs id = the directory's inode number */
	int version; /* 1 (memory hierarchy) or 2 */
};

/*
 * PATH is a cgroup directory, or a cgroup as /proc/PID/cgroup names it
 * ("/docker/abc"), looked up under /sys/fs/cgroup/unified, /memory and
 * /sys/fs/cgroup.
 */
int count_cgroup_resolve(const char *path, struct count_cgroup *cg,
			 struct kerr *e);

/* Levenshtein distance, capped at cap+1 (for close-name suggestions). */
size_t count_edit_distance(const char *a, const char *b, size_t cap);

#endif
