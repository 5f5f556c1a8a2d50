// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel side of `kleak count`: count allocations and frees of one kind of
 * object, and credit every free to the scope (process, cgroup) that
 * allocated the object, wherever the free happens (an RCU callback, a
 * kworker, another process). The object map (address -> allocating tgid)
 * holds only the scope's live objects; a free is counted when its address
 * is in the map, so a free from an RCU callback still counts and a free of
 * someone else's object does not.
 *
 * Two ways in, chosen by user space with bpf_program__set_autoload():
 * - --cache NAME: raw_tp on kmem_cache_alloc / kmem_cache_free (cache
 *   matched by s->name, read with CO-RE), kmalloc for kmalloc-N caches
 *   (bytes_alloc and the gfp bits that pick the kmalloc type), kfree for
 *   every tracked address. raw_tp, not tp_btf: tp_btf programs that read
 *   `const void *ptr` do not load on 6.1 or 6.12; raw_tp loads everywhere.
 *   The raw arguments carry `struct kmem_cache *s` since 6.1 (commit
 *   2c1d697fb8ba, "mm/slab_common: drop kmem_alloc & avoid dereferencing
 *   fields when not using").
 * - --alloc FUNC --free FUNC: fexit on the allocator (its return value is
 *   the object) and fentry on the free function (argument free_arg), both
 *   generic through bpf_get_func_ret/bpf_get_func_arg (5.17+); or the
 *   kretprobe/kprobe pair where fentry is not allowed.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "count.h"

char LICENSE[] SEC("license") = "GPL";

#define ENOENT 2
#define EEXIST 17
#define E2BIG 7
#define MAX_ERRNO 4095

/* gfp bits that choose a kmalloc type (include/linux/slab.h kmalloc_type();
 * __GFP_ACCOUNT is bit 22 on 6.1 through 6.18). */
#define K_GFP_DMA 0x01u
#define K_GFP_RECLAIMABLE 0x10u
#define K_GFP_ACCOUNT 0x400000u
/* enum kmalloc_cache_type values, as user space passes kmalloc_type. */
#define K_NORMAL 0
#define K_RECLAIM 1
#define K_DMA 2
#define K_CGROUP 3

const volatile __u32 scope_kind;	/* enum count_scope */
const volatile __u32 targ_tgid;		/* COUNT_SCOPE_PID */
const volatile __u64 targ_cgid;		/* cgroup kernfs id (inode number) */
const volatile char cache_name[COUNT_CACHE_NAME_LEN]; /* merged cache name */
const volatile __u64 kmalloc_size;	/* kmalloc-N: bytes_alloc; 0 = off */
const volatile __u32 kmalloc_type;	/* K_NORMAL ... K_CGROUP */
const volatile __u32 free_arg;		/* object argument of the free func */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1 << 18); /* --max-objects */
	__type(key, __u64);
	__type(value, struct count_obj);
} objs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, CS_NR);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/* struct kmem_cache * -> 1 when its name is cache_name, else 0. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u8);
} cache_match SEC(".maps");

static __always_inline void count_inc(__u32 stat)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &stat);

	if (v)
		*v += 1;
}

/* Walks a cgroup and its ancestors looking for targ_cgid. */
static __always_inline bool cgroup_under(struct cgroup *cg)
{
	for (int i = 0; i < COUNT_CGROUP_DEPTH && cg; i++) {
		if (BPF_CORE_READ(cg, kn, id) == targ_cgid)
			return true;
		cg = BPF_CORE_READ(cg, self.parent, cgroup);
	}
	return false;
}

static __always_inline bool in_scope(void)
{
	struct task_struct *task;
	struct cgroup *cg;

	switch (scope_kind) {
	case COUNT_SCOPE_ALL:
		return true;
	case COUNT_SCOPE_PID:
		return (bpf_get_current_pid_tgid() >> 32) == targ_tgid;
	case COUNT_SCOPE_CGROUP_V2:
		if (bpf_get_current_cgroup_id() == targ_cgid)
			return true;
		task = (struct task_struct *)bpf_get_current_task();
		cg = BPF_CORE_READ(task, cgroups, dfl_cgrp);
		return cgroup_under(cg);
	case COUNT_SCOPE_CGROUP_V1:
		/* The v1 memory hierarchy: the task's memory css, then up. */
		task = (struct task_struct *)bpf_get_current_task();
		cg = BPF_CORE_READ(task, cgroups,
				   subsys[bpf_core_enum_value(enum cgroup_subsys_id,
							      memory_cgrp_id)],
				   cgroup);
		return cgroup_under(cg);
	}
	return false;
}

static __always_inline void on_alloc(__u64 ptr)
{
	struct count_obj o = {};
	long err;

	if (!ptr || ptr >= (__u64)-MAX_ERRNO || !in_scope())
		return;
	o.alloc_ns = bpf_ktime_get_ns();
	o.tgid = bpf_get_current_pid_tgid() >> 32;
	count_inc(CS_ALLOC);
	err = bpf_map_update_elem(&objs, &ptr, &o, BPF_NOEXIST);
	if (!err)
		return;
	if (err == -EEXIST) {
		/* Allocated again while we still hold it: we missed a free. */
		bpf_map_update_elem(&objs, &ptr, &o, BPF_EXIST);
		count_inc(CS_REPAIRED);
		return;
	}
	/* -E2BIG: the map is full. Anything else (-EBUSY: a program nested
	 * on this CPU holds the bucket lock) loses the object too. */
	count_inc(err == -E2BIG ? CS_DROPPED : CS_BUSY);
}

/*
 * Returns false when ptr is not one of the scope's objects; true when it
 * was (the free is counted) or the delete was refused (counted as busy:
 * that free is lost). The lockless lookup first keeps the bucket lock out
 * of the common case, a free of some other object (every kfree): on 6.1
 * a delete can fail with -EBUSY when an interrupt's program hits the
 * same lock slot, which would count untracked pointers as lost frees.
 */
static __always_inline bool on_free(__u64 ptr)
{
	long err;

	if (!ptr || !bpf_map_lookup_elem(&objs, &ptr))
		return false;
	err = bpf_map_delete_elem(&objs, &ptr);
	if (err == -ENOENT)
		return false;
	count_inc(err ? CS_BUSY : CS_FREE);
	return true;
}

static __always_inline bool cache_matches(struct kmem_cache *s)
{
	__u64 key = (__u64)s;
	char name[COUNT_CACHE_NAME_LEN];
	__u8 *hit, yes = 1;

	if (!s)
		return false;
	hit = bpf_map_lookup_elem(&cache_match, &key);
	if (hit)
		return *hit;
	if (bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(s, name)) < 0)
		return false;
	for (int i = 0; i < COUNT_CACHE_NAME_LEN; i++) {
		if (name[i] != cache_name[i]) {
			yes = 0;
			break;
		}
		if (!name[i])
			break;
	}
	bpf_map_update_elem(&cache_match, &key, &yes, BPF_ANY);
	return yes;
}

SEC("raw_tp/kmem_cache_alloc")
int BPF_PROG(count_cache_alloc, unsigned long call_site, const void *ptr,
	     struct kmem_cache *s)
{
	if (ptr && cache_matches(s))
		on_alloc((__u64)ptr);
	return 0;
}

SEC("raw_tp/kmem_cache_free")
int BPF_PROG(count_cache_free, unsigned long call_site, const void *ptr,
	     struct kmem_cache *s)
{
	if (ptr && !on_free((__u64)ptr) && cache_matches(s))
		count_inc(CS_FREE_UNTRACKED);
	return 0;
}

static __always_inline __u32 gfp_kmalloc_type(__u32 gfp)
{
	if (!(gfp & (K_GFP_DMA | K_GFP_RECLAIMABLE | K_GFP_ACCOUNT)))
		return K_NORMAL;
	if (gfp & K_GFP_DMA)
		return K_DMA;
	if (gfp & K_GFP_RECLAIMABLE)
		return K_RECLAIM;
	return K_CGROUP;
}

/* kmalloc-N objects: kmalloc(call_site, ptr, bytes_req, bytes_alloc, gfp, node). */
SEC("raw_tp/kmalloc")
int BPF_PROG(count_kmalloc, unsigned long call_site, const void *ptr,
	     size_t bytes_req, size_t bytes_alloc, gfp_t gfp_flags)
{
	if (ptr && bytes_alloc == kmalloc_size &&
	    gfp_kmalloc_type(gfp_flags) == kmalloc_type)
		on_alloc((__u64)ptr);
	return 0;
}

/* kfree takes objects of any cache on 6.x: only tracked addresses count. */
SEC("raw_tp/kfree")
int BPF_PROG(count_kfree, unsigned long call_site, const void *ptr)
{
	on_free((__u64)ptr);
	return 0;
}

SEC("fexit")
int count_fexit_alloc(__u64 *ctx)
{
	__u64 ret = 0;

	if (!bpf_get_func_ret(ctx, &ret))
		on_alloc(ret);
	return 0;
}

SEC("fentry")
int count_fentry_free(__u64 *ctx)
{
	__u64 obj = 0;

	if (!bpf_get_func_arg(ctx, free_arg, &obj) && obj && !on_free(obj))
		count_inc(CS_FREE_UNTRACKED);
	return 0;
}

SEC("kretprobe")
int BPF_KRETPROBE(count_kretprobe_alloc, void *ret)
{
	on_alloc((__u64)ret);
	return 0;
}

/*
 * The object argument by number. The _CORE readers go through
 * bpf_probe_read_kernel: with plain ctx loads clang folds the switch into
 * one load at a computed ctx offset, which the verifier refuses
 * ("dereference of modified ctx ptr").
 */
SEC("kprobe")
int BPF_KPROBE(count_kprobe_free)
{
	__u64 obj;

	switch (free_arg) {
	case 0: obj = PT_REGS_PARM1_CORE(ctx); break;
	case 1: obj = PT_REGS_PARM2_CORE(ctx); break;
	case 2: obj = PT_REGS_PARM3_CORE(ctx); break;
	case 3: obj = PT_REGS_PARM4_CORE(ctx); break;
	case 4: obj = PT_REGS_PARM5_CORE(ctx); break;
	default: return 0;
	}
	if (obj && !on_free(obj))
		count_inc(CS_FREE_UNTRACKED);
	return 0;
}
