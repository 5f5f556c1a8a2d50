/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by every kleak BPF program (trace.bpf.c, count.bpf.c) and their
 * user side (src/trace/): plain structs of the settings and map values the
 * programs have in common. Whose allocations a program follows is one
 * struct kleak_scope in its rodata, filled from the one target resolver
 * (trace/target.h); every object map holds, per live object, a value that
 * starts with a struct obj_origin (who allocated it, when).
 */
#ifndef KLEAK_BPF_KLEAK_H
#define KLEAK_BPF_KLEAK_H

#define KLEAK_COMM_LEN 16		/* TASK_COMM_LEN */
#define KLEAK_CGROUP_DEPTH 32		/* cgroup ancestors walked for --cgroup */
#define KLEAK_OBJ_MAP_ENTRIES (1 << 18) /* default size of an object map */
/* How often `kleak trace` writes the clock its programs stamp objects with (20 ms). */
#define KLEAK_CLOCK_TICK_NS 20000000ULL

/* -p, --comm, --cgroup: all zero follows every task. */
struct kleak_scope {
	__u64 cgroup_id; /* --cgroup: kernfs id (inode) of the directory, 0 = any */
	__u32 tgid;	 /* -p: the process, 0 = any */
	__u8 cgroup_v1;	 /* cgroup_id is in the v1 memory hierarchy, not v2 */
	__u8 comm_on;	 /* --comm: comm below must match */
	__u8 pad[2];
	char comm[KLEAK_COMM_LEN];
};

/*
 * Where an allocation ran. An allocation in interrupt context belongs to
 * no task: the one that was interrupted is a bystander, so it gets tgid 0
 * and never matches -p, --comm or --cgroup.
 */
enum kleak_ctx {
	KLEAK_CTX_TASK = 0,
	/* on an interrupt stack: a hard interrupt, a softirq (the network stack), an NMI */
	KLEAK_CTX_IRQ = 2,
};

/* The head of every object map's value: who allocated the object, when. */
struct obj_origin {
	__u64 alloc_ns; /* kleak_clock_ns at allocation: up to a tick before it */
	__u32 tgid;	/* the allocating process; 0 in interrupt context */
	__u32 ctx;	/* enum kleak_ctx */
};

/*
 * kmalloc flavours, named by their caches' prefixes. kleak's own numbers:
 * the kernel's enum kmalloc_cache_type moves with the config (random
 * kmalloc copies since 6.6, CONFIG_SLUB_TINY, CONFIG_ZONE_DMA).
 */
enum kleak_kmalloc_type {
	KLEAK_KMALLOC_NORMAL = 0,     /* kmalloc-N, kmalloc-rnd-NN-N */
	KLEAK_KMALLOC_RECLAIM = 1,    /* kmalloc-rcl-N: __GFP_RECLAIMABLE */
	KLEAK_KMALLOC_DMA = 2,	      /* dma-kmalloc-N: __GFP_DMA */
	KLEAK_KMALLOC_CGROUP = 3,     /* kmalloc-cg-N: __GFP_ACCOUNT */
	KLEAK_KMALLOC_NO_OBJ_EXT = 4, /* kmalloc-no-objext-N (6.12+ with
				       * memory allocation profiling): the
				       * slabs' own object-extension vectors */
	KLEAK_KMALLOC_TYPES,
};

#endif
