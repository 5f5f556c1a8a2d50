/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared between trace.bpf.c and the user side of `kleak trace`: plain
 * __u64 structs of the maps. One object map (pointer -> who allocated it)
 * and one per-CPU map of per-call-site sums; user space reads the sums
 * every interval and scans the object map for ages and stacks.
 */
#ifndef KLEAK_BPF_TRACE_H
#define KLEAK_BPF_TRACE_H

#include "kleak.h"

/* What kind of allocation a call site makes. */
enum trace_kind {
	TRACE_KMALLOC = 0, /* kmalloc: tag extra = flavour, bytes_alloc size class */
	TRACE_CACHE = 1,   /* kmem_cache_alloc: tag = struct kmem_cache * */
	TRACE_PAGE = 2,	   /* mm_page_alloc: no call site, stack in the tag */
	TRACE_PERCPU = 3,  /* percpu_alloc_percpu */
	TRACE_VMALLOC = 4, /* alloc_vmap_area: no call site, stack in the tag */
	TRACE_KIND_NR,
};

/*
 * Object-map keys are the pointer XOR a tag per address space, so a struct
 * page * and a slab pointer can never meet (kfree also frees
 * kmem_cache objects: kmalloc and kmem_cache share tag 0).
 */
#define TRACE_SPACE_SLAB 0ULL
#define TRACE_SPACE_PAGE (1ULL << 56)
#define TRACE_SPACE_PERCPU (2ULL << 56)
#define TRACE_SPACE_VMALLOC (3ULL << 56)

/*
 * A call site: 16 bytes, hashed twice per object (alloc and free), so the
 * kind, a stack id and a size class are packed into `tag`:
 *   kmem_cache_alloc: the struct kmem_cache * itself (top byte 0xff);
 *   otherwise: kind << 56 | stack id (24 bits, 0xffffff = none) << 32 |
 *   extra (kmalloc: the flavour, enum kleak_kmalloc_type, << 24 | the
 *   bytes_alloc, 0 for page-backed kmalloc_large; page: order).
 */
struct trace_site_key {
	__u64 call_site; /* return address in the allocating function, or 0 */
	__u64 tag;
};

#define TRACE_NO_STACK 0xffffffULL
#define TRACE_TAG(kind, stack, extra) \
	(((__u64)(kind) << 56) | (((__u64)(stack)&TRACE_NO_STACK) << 32) | (__u64)(__u32)(extra))

static inline __u32 trace_tag_kind(__u64 tag)
{
	return (tag >> 56) == 0xff ? TRACE_CACHE : (__u32)(tag >> 56);
}

/* The kmem_cache pointer of a kmem_cache site, else 0. */
static inline __u64 trace_tag_cache(__u64 tag)
{
	return (tag >> 56) == 0xff ? tag : 0;
}

static inline __s32 trace_tag_stack(__u64 tag)
{
	__u64 st = (tag >> 32) & TRACE_NO_STACK;

	return (tag >> 56) == 0xff || st == TRACE_NO_STACK ? -1 : (__s32)st;
}

static inline __u32 trace_tag_extra(__u64 tag)
{
	return (tag >> 56) == 0xff ? 0 : (__u32)tag;
}

#define TRACE_KMALLOC_EXTRA(type, size) (((__u32)(type) << 24) | ((__u32)(size)&0xffffff))

/*
 * Per call site and CPU, summed by user space. The objects tracked
 * (address-sampled under --sample) give outstanding = objs - frees -
 * repaired. Under --sample N, allocs/alloc_bytes count allocation events
 * drawn 1 in N independently of the address (so their estimate has an
 * exact binomial error, which address sampling cannot give: one address
 * is allocated over and over); exact, they stay 0 and objs is the count.
 */
struct trace_site_val {
	__u64 objs; /* objects tracked (inserted) */
	__u64 obj_bytes;
	__u64 frees;
	__u64 free_bytes;
	__u64 repaired; /* entries replaced or removed: their free was missed */
	__u64 repaired_bytes;
	__u64 missed_deletes; /* frees whose delete failed: the entry stays */
	__u64 allocs;	      /* --sample: allocation events drawn 1 in N */
	__u64 alloc_bytes;
};

/* Values of the object map (kleak.bpf.h KLEAK_OBJ_MAP). */
struct trace_obj {
	struct obj_origin origin; /* allocating process and time */
	struct trace_site_key site;
	__u32 size;	/* bytes_alloc (capped at 4 GiB - 1) */
	__s32 stack_id; /* --stacks: kernel stack of the allocation, or -1 */
};

enum trace_counter {
	TC_UNMATCHED_FREES,  /* frees of objects kleak was not tracking */
	TC_DROPPED_OBJECTS,  /* object map refused an insert (full or busy) */
	TC_DROPPED_SITES,    /* call-site map refused an insert */
	TC_MISSED_DELETES,   /* a free whose delete failed (busy) */
	TC_REPAIRED,	     /* entries replaced or removed: their free was missed */
	TC_STACK_ERRORS,     /* stacks not recorded, whatever the reason */
	TC_STACK_COLLISIONS, /* of which -EEXIST: another stack holds the bucket */
	TC_NR,
};

#define TRACE_CACHE_NAME_LEN 64
#define TRACE_COMM_LEN KLEAK_COMM_LEN

#endif
