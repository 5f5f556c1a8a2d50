// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel side of `kleak count`: count allocations and frees of one kind of
 * object, and credit every free to the scope (process, cgroup) that
 * allocated the object, wherever the free happens (an RCU callback, a
 * kworker, another process). The object map (address -> struct
 * obj_origin) holds only the scope's live objects (the scope and the map's
 * shape are kleak.bpf.h's, shared with trace.bpf.c); a free is counted when its address
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
#include "kleak.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define ENOENT 2
#define EEXIST 17
#define E2BIG 7
#define MAX_ERRNO 4095

const volatile char cache_name[COUNT_CACHE_NAME_LEN]; /* merged cache name */
const volatile __u64 kmalloc_size;		      /* kmalloc-N: bytes_alloc; 0 = off */
const volatile __u32 kmalloc_type;		      /* enum kleak_kmalloc_type */
const volatile __u32 free_arg;			      /* object argument of the free func */

KLEAK_OBJ_MAP(struct obj_origin); /* --max-objects */

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

/*
 * An allocation the scope does not own, at an address still in the map:
 * the free of the object that lived there was missed (a bulk free, a
 * recursion miss). Drop the stale entry now, or it would stay outstanding
 * and later take this object's free as the scope's.
 */
static __always_inline void forget(__u64 ptr)
{
	if (bpf_map_lookup_elem(&objs, &ptr) && !kleak_map_delete(&objs, &ptr))
		count_inc(CS_REPAIRED);
}

/*
 * An object counts as allocated only once it is tracked: an allocation the
 * map refuses (full, busy) is counted in dropped or map_busy and nowhere
 * else, so its free, which cannot match, never leaves it outstanding.
 */
static __always_inline void on_alloc(void *ctx, __u64 ptr)
{
	struct obj_origin o;
	int err;

	if (!ptr || ptr >= (__u64)-MAX_ERRNO)
		return;
	if (!scope_ok(ctx)) {
		forget(ptr);
		return;
	}
	origin_fill(ctx, &o);
	err = kleak_map_update(&objs, &ptr, &o, BPF_NOEXIST);
	if (err == -EEXIST) {
		/* Allocated again while we still hold it: we missed a free. */
		err = kleak_map_update(&objs, &ptr, &o, BPF_EXIST);
		if (!err)
			count_inc(CS_REPAIRED);
	}
	if (!err) {
		count_inc(CS_ALLOC);
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
	int err;

	if (!ptr || !bpf_map_lookup_elem(&objs, &ptr))
		return false;
	err = kleak_map_delete(&objs, &ptr);
	if (err == -ENOENT)
		return false;
	count_inc(err ? CS_BUSY : CS_FREE);
	return true;
}

static __always_inline bool cache_matches(struct kmem_cache *s)
{
	__u64 key = (__u64)s;
	char name[COUNT_CACHE_NAME_LEN];
	__u8 *hit, yes;

	if (!s)
		return false;
	hit = bpf_map_lookup_elem(&cache_match, &key);
	if (hit)
		return *hit;
	if (bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(s, name)) < 0)
		return false;
	yes = kleak_str_eq(name, cache_name, COUNT_CACHE_NAME_LEN);
	kleak_map_update(&cache_match, &key, &yes, BPF_ANY);
	return yes;
}

/* Another cache's object at a tracked address: that slab was freed and
 * reused, and the tracked object's free was missed. */
SEC("raw_tp/kmem_cache_alloc")
int BPF_PROG(count_cache_alloc, unsigned long call_site, const void *ptr, struct kmem_cache *s)
{
	if (!ptr)
		return 0;
	if (cache_matches(s))
		on_alloc(ctx, (__u64)ptr);
	else
		forget((__u64)ptr);
	return 0;
}

SEC("raw_tp/kmem_cache_free")
int BPF_PROG(count_cache_free, unsigned long call_site, const void *ptr, struct kmem_cache *s)
{
	if (ptr && !on_free((__u64)ptr) && cache_matches(s))
		count_inc(CS_FREE_UNTRACKED);
	return 0;
}

/* kmalloc-N objects: kmalloc(call_site, ptr, bytes_req, bytes_alloc, gfp, node). */
SEC("raw_tp/kmalloc")
int BPF_PROG(count_kmalloc, unsigned long call_site, const void *ptr, size_t bytes_req,
	     size_t bytes_alloc, gfp_t gfp_flags)
{
	if (!ptr)
		return 0;
	if (bytes_alloc == kmalloc_size && kmalloc_type_of(gfp_flags) == kmalloc_type)
		on_alloc(ctx, (__u64)ptr);
	else
		forget((__u64)ptr);
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
		on_alloc(ctx, ret);
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
	on_alloc(ctx, (__u64)ret);
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
	case 0:
		obj = PT_REGS_PARM1_CORE(ctx);
		break;
	case 1:
		obj = PT_REGS_PARM2_CORE(ctx);
		break;
	case 2:
		obj = PT_REGS_PARM3_CORE(ctx);
		break;
	case 3:
		obj = PT_REGS_PARM4_CORE(ctx);
		break;
	case 4:
		obj = PT_REGS_PARM5_CORE(ctx);
		break;
	default:
		return 0;
	}
	if (obj && !on_free(obj))
		count_inc(CS_FREE_UNTRACKED);
	return 0;
}
