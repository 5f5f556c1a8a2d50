/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `kleak trace` and `kleak count` follow, resolved once against the
 * running kernel before any BPF is loaded, so that both commands mean the
 * same by the same option and a typo is a clear error naming the close
 * names the kernel has:
 * - --cache NAME: through SLUB merging (/sys/kernel/slab) to the cache the
 *   tracepoints name, the one /proc/slabinfo lists. A kmalloc-N name is
 *   accepted in every spelling (kmalloc-1k = kmalloc-1024 = kmalloc-1K) and
 *   flavour (kmalloc-cg-, kmalloc-rcl-, dma-kmalloc-, kmalloc-rnd-NN-,
 *   kmalloc-no-objext-), and also gives the bytes_alloc and flavour of its
 *   kmalloc events;
 * - the kmalloc flavours this kernel has (from /proc/slabinfo) and so the
 *   gfp bits that pick one, for the programs to name kmalloc events by the
 *   cache slabinfo shows;
 * - --cgroup PATH: a cgroup v2 directory or one of the v1 memory hierarchy
 *   (or a path as /proc/PID/cgroup prints it), as its kernfs id;
 * - -p PID: the process (a thread id stands for its whole process);
 * - --comm NAME: a task name.
 * The BPF programs receive it as one struct kleak_scope (target_scope) and,
 * for --cache, the names and size in struct target_cache.
 */
#ifndef KLEAK_TRACE_TARGET_H
#define KLEAK_TRACE_TARGET_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/types.h>

#include "bpf/kleak.h"
#include "parse/slab_aliases.h"
#include "parse/slabinfo.h"
#include "util/err.h"

#define TARGET_NAME_LEN 64
#define TARGET_MAX_ALIASES 32

/* What the user asked for, as given on the command line. */
struct target_request {
	const char *cache;  /* --cache NAME, NULL = every cache */
	const char *cgroup; /* --cgroup PATH, NULL = any */
	const char *comm;   /* --comm NAME, NULL = any */
	uint32_t pid;	    /* -p PID, 0 = any */
};

struct target_cache {
	char user[TARGET_NAME_LEN];  /* as given */
	char cache[TARGET_NAME_LEN]; /* the merged cache: slabinfo, tracepoints */
	char aliases[TARGET_MAX_ALIASES][TARGET_NAME_LEN]; /* merged with it */
	size_t naliases;
	uint64_t kmalloc_size; /* kmalloc-N: bytes_alloc of its kmalloc events; 0 = not */
	enum kleak_kmalloc_type kmalloc_type;
};

struct target_cgroup {
	char path[PATH_MAX];
	uint64_t id; /* kernfs id = the directory's inode number */
	int version; /* 1 (memory hierarchy) or 2 */
};

struct target {
	bool has_cache, has_cgroup;
	/* the kmalloc caches this kernel has: which flavours (a bit per enum
	 * kleak_kmalloc_type), the gfp bits that select them, and
	 * __GFP_NO_OBJ_EXT where it selects kmalloc-no-objext-N (else 0) */
	uint32_t kmalloc_types, kmalloc_gfp_bits, kmalloc_noobj_gfp;
	/* THREAD_SIZE: the programs tell interrupt context by the stack they run on */
	uint64_t thread_size;
	struct target_cache cache;   /* when has_cache */
	struct target_cgroup cgroup; /* when has_cgroup */
	uint32_t pid;		     /* -p as given, 0 = any */
	uint32_t tgid;		     /* -p's process, 0 = any */
	char comm[KLEAK_COMM_LEN];   /* --comm, "" = any */
	/* SLUB merging as /sys/kernel/slab showed it, read once (empty when
	 * unreadable): trace names each call site's aliases from it */
	struct slab_aliases aliases;
};

/*
 * Resolves a request on the live kernel. Errors: -ENOENT for a cache,
 * pid or cgroup this kernel does not have (for a cache, e lists the close
 * names), -EINVAL for a directory that is no usable cgroup, others when
 * /proc/slabinfo cannot be read.
 */
int target_resolve(const struct target_request *rq, struct target *t, struct kerr *e);
void target_free(struct target *t);
/* The BPF programs' view of it. */
void target_scope(const struct target *t, struct kleak_scope *sc);

/*
 * Pure part of --cache, for tests: picks the cache for name `user` from a
 * parsed slabinfo and aliases (al may be NULL), trying the kernel's
 * spellings of a kmalloc-N name. -ENOENT with close names in e.
 */
int target_cache_pick(const struct slabinfo *si, const struct slab_aliases *al, const char *user,
		      struct target_cache *c, struct kerr *e);

struct target_kmalloc {
	uint64_t size; /* the N, in bytes */
	enum kleak_kmalloc_type type;
	int rnd; /* kmalloc-rnd-NN-: NN (CONFIG_RANDOM_KMALLOC_CACHES, 6.6+), else -1 */
};

/*
 * Parses "kmalloc-256", "kmalloc-1k", "kmalloc-1024", "kmalloc-cg-1k",
 * "kmalloc-rcl-8k", "dma-kmalloc-96", "kmalloc-rnd-03-64",
 * "kmalloc-no-objext-1k". Returns true for a kmalloc-N name.
 */
bool target_kmalloc_parse(const char *name, struct target_kmalloc *k);
/*
 * The size class N of a kmalloc event's bytes_alloc: itself for the
 * kernel's classes (8 ... 8k, 96, 192); the largest class below it when
 * slab debugging pads the objects; 0 above 8 KiB (page-backed).
 */
uint64_t target_kmalloc_class(uint64_t bytes_alloc);
/*
 * Pure part of the flavours: a bit per enum kleak_kmalloc_type whose
 * caches slabinfo lists, and the gfp bits (__GFP_DMA, __GFP_RECLAIMABLE,
 * __GFP_ACCOUNT) that pick one of those. A flavour absent here is served
 * by kmalloc-N (no ZONE_DMA, memcg kmem accounting off): its bit is left
 * out, so the programs name its events kmalloc-N as the kernel files them.
 */
/*
 * THREAD_SIZE from meminfo's KernelStack (kB): one stack per thread
 * (/proc/loadavg's count) and per idle task of every CPU but the boot
 * one (whose stack is static), the power of two nearest the mean; 16 KiB
 * (x86-64's, arm64's) when either is unknown or the mean is absurd.
 */
uint64_t target_thread_size(uint64_t kernel_stack_kb, uint64_t threads, uint64_t cpus);
uint32_t target_kmalloc_types(const struct slabinfo *si);
uint32_t target_kmalloc_gfp_bits(uint32_t types);
/*
 * The cache's name as the kernel spells it (mm/slab_common.c
 * kmalloc_info[]): sizes in k and M where they divide ("kmalloc-cg-1k",
 * since "mm, slab: shorten kmalloc cache names for large sizes", 2018), or
 * in bytes when short_size is false ("kmalloc-cg-1024", the older kernels').
 */
const char *target_kmalloc_name(const struct target_kmalloc *k, bool short_size, char *buf,
				size_t len);

/*
 * PATH is a cgroup directory, or a cgroup as /proc/PID/cgroup names it
 * ("/docker/abc"), looked up under /sys/fs/cgroup/unified, /memory and
 * /sys/fs/cgroup. A path that does not exist is -ENOENT naming the close
 * names its parent directory has.
 */
int target_cgroup_resolve(const char *path, struct target_cgroup *cg, struct kerr *e);

#endif
