// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel side of `kleak trace`: follow the kmem tracepoints and keep, in the
 * kernel, every outstanding allocation (pointer -> call site, size, pid,
 * time) and per-call-site sums. The hot path is the least an exact tracker
 * needs: on alloc one insert and one per-CPU sum; on free one lookup, one
 * delete and one per-CPU sum. Everything optional (filters, sampling,
 * stacks) is `const volatile` rodata, so the verifier drops what is off.
 * The task scope (-p, --comm, --cgroup), the object's origin and the
 * object map's shape are kleak.bpf.h's, shared with count.bpf.c.
 *
 * raw_tp, not tp_btf: tp_btf programs that read `const void *ptr` do not
 * load on 6.1 or 6.12 ("arg1 type UNKNOWN is not a struct"); raw_tp reads
 * the same arguments as u64 on every kernel and costs the same.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "trace.h"
#include "kleak.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define EEXIST 17
#define ENOENT 2

const volatile __u64 min_size;		/* --min-size */
const volatile __u32 sample_every = 1;	/* --sample N: 1 in N pointers */
const volatile __u64 sample_below;	/* 2^32 / sample_every */
const volatile __u32 stack_every;	/* --stacks: 1 in N objects, 0 = off */
const volatile __u64 stack_below;	/* 2^16 / stack_every */
const volatile bool cache_filter_on;	/* --cache */
const volatile __u64 kmalloc_filter_size; /* --cache kmalloc-N: bytes_alloc */
const volatile char cache_filter[TRACE_MAX_CACHE_FILTER][TRACE_CACHE_NAME_LEN];
const volatile bool cache_alloc_has_s = true; /* kmem_cache_alloc(.., s, ..), 6.1+ */
const volatile bool percpu_has_site = true;   /* percpu_alloc_percpu call_site, 5.19+ */

KLEAK_OBJ_MAP(struct trace_obj); /* --max-entries */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1 << 14);
	__type(key, struct trace_site_key);
	__type(value, struct trace_site_val);
} sites SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TC_NR);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/* struct kmem_cache * -> its name, filled when a call site first appears. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, char[TRACE_CACHE_NAME_LEN]);
} cache_names SEC(".maps");

/* --cache: struct kmem_cache * -> 1 if its name is one asked for, else 0. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u8);
} cache_verdicts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 1); /* sized by user space when stacks are taken */
	__uint(key_size, sizeof(__u32));
	__uint(value_size, 127 * sizeof(__u64));
} stacks SEC(".maps");

static __always_inline void count(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &idx);

	if (v)
		(*v)++;
}

/* Multiplicative hash of the pointer: alloc and free agree on it. */
static __always_inline __u64 ptr_hash(__u64 key)
{
	return (key >> 3) * 0x9E3779B97F4A7C15ULL;
}

/* 1 in N: the hash's top 32 bits below 2^32 / N (no division here). */
static __always_inline bool sampled(__u64 key)
{
	if (sample_every <= 1)
		return true;
	return (ptr_hash(key) >> 32) < sample_below;
}

static __always_inline void cache_name_read(struct kmem_cache *s, char *name)
{
	const char *p = BPF_CORE_READ(s, name);

	if (bpf_probe_read_kernel_str(name, TRACE_CACHE_NAME_LEN, p) < 0)
		name[0] = 0;
}

/* --cache: the verdict is computed once per cache and kept. */
static __always_inline bool cache_ok(struct kmem_cache *s)
{
	__u64 k = (__u64)s;
	char name[TRACE_CACHE_NAME_LEN];
	__u8 *v, ok = 0;

	v = bpf_map_lookup_elem(&cache_verdicts, &k);
	if (v)
		return *v;
	cache_name_read(s, name);
	for (int i = 0; i < TRACE_MAX_CACHE_FILTER; i++) {
		if (cache_filter[i][0] && kleak_str_eq(name, cache_filter[i], TRACE_CACHE_NAME_LEN)) {
			ok = 1;
			break;
		}
	}
	bpf_map_update_elem(&cache_verdicts, &k, &ok, BPF_NOEXIST);
	return ok;
}

/* Adds to (sign > 0) or takes from a call site's per-CPU sums. */
static __always_inline void site_alloc(struct trace_site_key *key, __u64 size,
				       struct kmem_cache *s)
{
	struct trace_site_val *v, init = { .allocs = 1, .alloc_bytes = size };

	v = bpf_map_lookup_elem(&sites, key);
	if (v) {
		v->allocs++;
		v->alloc_bytes += size;
		return;
	}
	/* first time on this CPU: rare path */
	if (s) {
		char name[TRACE_CACHE_NAME_LEN];
		__u64 k = (__u64)s;

		if (!bpf_map_lookup_elem(&cache_names, &k)) {
			cache_name_read(s, name);
			bpf_map_update_elem(&cache_names, &k, name, BPF_NOEXIST);
		}
	}
	if (bpf_map_update_elem(&sites, key, &init, BPF_NOEXIST) == 0)
		return;
	v = bpf_map_lookup_elem(&sites, key);
	if (v) {
		v->allocs++;
		v->alloc_bytes += size;
		return;
	}
	count(TC_DROPPED_SITES);
}

/* An entry overwritten at allocation: its free was missed. */
static __always_inline void site_repair(struct trace_site_key *key, __u64 size)
{
	struct trace_site_val *v = bpf_map_lookup_elem(&sites, key);

	if (v) {
		v->repaired++;
		v->repaired_bytes += size;
	}
	count(TC_REPAIRED);
}

/*
 * An allocation the filters reject may reuse the address of a tracked
 * object whose free was missed: repair that entry, or it would stay
 * outstanding for good (only tracked allocations overwrite entries).
 */
static __always_inline void forget(__u64 key)
{
	struct trace_obj *cur = bpf_map_lookup_elem(&objs, &key);
	struct trace_site_key site;
	__u32 size;

	if (!cur)
		return;
	site = cur->site;
	size = cur->size;
	if (bpf_map_delete_elem(&objs, &key) == 0)
		site_repair(&site, size);
}

/*
 * tag: the site's tag (see trace.h); for kinds without a call site the
 * stack taken here goes into it (need_stack).
 */
static __always_inline void on_alloc(void *ctx, __u64 key, __u64 site, __u64 tag,
				     __u64 size, struct kmem_cache *s, bool need_stack)
{
	struct trace_obj o, old;
	struct trace_obj *cur;
	long ret;

	if (!sampled(key))
		return;
	if (size < min_size || !scope_ok()) {
		forget(key);
		return;
	}
	o.site.call_site = site;
	o.site.tag = tag;
	o.stack_id = -1;
	if (need_stack) {
		long id = bpf_get_stackid(ctx, &stacks, 0);

		if (id < 0)
			count(TC_STACK_ERRORS);
		else
			o.site.tag = (tag & ~(TRACE_NO_STACK << 32)) | ((__u64)id << 32);
	} else if (stack_every && ((ptr_hash(key) >> 16) & 0xffff) < stack_below) {
		o.stack_id = bpf_get_stackid(ctx, &stacks, 0);
		if (o.stack_id < 0)
			count(TC_STACK_ERRORS);
	}
	origin_fill(&o.origin);
	o.size = size < 0xffffffffULL ? size : 0xffffffffULL;

	ret = bpf_map_update_elem(&objs, &key, &o, BPF_NOEXIST);
	if (ret == -EEXIST) {
		/* The address is handed out again: the free was missed. */
		cur = bpf_map_lookup_elem(&objs, &key);
		if (cur) {
			old = *cur;
			ret = bpf_map_update_elem(&objs, &key, &o, BPF_EXIST);
			if (ret == 0)
				site_repair(&old.site, old.size);
		}
	}
	if (ret) {
		count(TC_DROPPED_OBJECTS);
		return;
	}
	site_alloc(&o.site, size, s);
}

static __always_inline void on_free(__u64 key)
{
	struct trace_site_val *v;
	struct trace_obj *cur;
	struct trace_site_key site;
	__u32 size;
	long ret;

	if (!sampled(key))
		return;
	cur = bpf_map_lookup_elem(&objs, &key);
	if (!cur) {
		count(TC_UNMATCHED_FREES);
		return;
	}
	site = cur->site;
	size = cur->size;
	/* Delete first: only a free that removed the entry is subtracted. */
	ret = bpf_map_delete_elem(&objs, &key);
	if (ret) {
		if (ret != -ENOENT)
			count(TC_MISSED_DELETES);
		return;
	}
	v = bpf_map_lookup_elem(&sites, &site);
	if (v) {
		v->frees++;
		v->free_bytes += size;
	}
}

static __always_inline bool kmalloc_ok(__u64 ptr, __u64 bytes_alloc)
{
	if (!cache_filter_on)
		return true;
	if (kmalloc_filter_size && bytes_alloc == kmalloc_filter_size)
		return true;
	if (sampled(ptr))
		forget(ptr);
	return false;
}

/* kmalloc(call_site, ptr, bytes_req, bytes_alloc, gfp_flags, node) */
SEC("raw_tp/kmalloc")
int BPF_PROG(kt_kmalloc, unsigned long call_site, const void *ptr, size_t req, size_t alloc)
{
	if (ptr && kmalloc_ok((__u64)ptr, alloc))
		on_alloc(ctx, (__u64)ptr, call_site,
			 TRACE_TAG(TRACE_KMALLOC, TRACE_NO_STACK, alloc <= 8192 ? alloc : 0),
			 alloc, NULL, false);
	return 0;
}

/* Before 6.1 (commit 11e9734bcb6a "mm/slab_common: unify NUMA and UMA
 * version of tracepoints"): kmalloc_node, same first four arguments. */
SEC("raw_tp/kmalloc_node")
int BPF_PROG(kt_kmalloc_node, unsigned long call_site, const void *ptr, size_t req, size_t alloc)
{
	if (ptr && kmalloc_ok((__u64)ptr, alloc))
		on_alloc(ctx, (__u64)ptr, call_site,
			 TRACE_TAG(TRACE_KMALLOC, TRACE_NO_STACK, alloc <= 8192 ? alloc : 0),
			 alloc, NULL, false);
	return 0;
}

SEC("raw_tp/kfree")
int BPF_PROG(kt_kfree, unsigned long call_site, const void *ptr)
{
	if (ptr)
		on_free((__u64)ptr);
	return 0;
}

/* 6.1+: kmem_cache_alloc(call_site, ptr, struct kmem_cache *s, gfp, node);
 * before: (call_site, ptr, bytes_req, bytes_alloc, gfp). */
static __always_inline void cache_alloc(void *ctx, __u64 call_site, __u64 ptr,
					__u64 arg2, __u64 arg3)
{
	struct kmem_cache *s = NULL;
	__u64 size;

	/* sampling first: an object not sampled costs no read of s->size */
	if (!ptr || !sampled(ptr))
		return;
	if (cache_alloc_has_s) {
		s = (struct kmem_cache *)arg2;
		size = BPF_CORE_READ(s, size);
		if (cache_filter_on && !cache_ok(s)) {
			forget(ptr);
			return;
		}
	} else {
		if (cache_filter_on) {
			forget(ptr);
			return;
		}
		size = arg3;
	}
	on_alloc(ctx, ptr, call_site,
		 s ? (__u64)s : TRACE_TAG(TRACE_CACHE, TRACE_NO_STACK, 0), size, s, false);
}

SEC("raw_tp/kmem_cache_alloc")
int BPF_PROG(kt_kmem_cache_alloc, unsigned long call_site, const void *ptr, __u64 a2, __u64 a3)
{
	cache_alloc(ctx, call_site, (__u64)ptr, a2, a3);
	return 0;
}

SEC("raw_tp/kmem_cache_alloc_node")
int BPF_PROG(kt_kmem_cache_alloc_node, unsigned long call_site, const void *ptr, __u64 a2, __u64 a3)
{
	cache_alloc(ctx, call_site, (__u64)ptr, a2, a3);
	return 0;
}

SEC("raw_tp/kmem_cache_free")
int BPF_PROG(kt_kmem_cache_free, unsigned long call_site, const void *ptr)
{
	if (ptr)
		on_free((__u64)ptr);
	return 0;
}

/* --pages: mm_page_alloc(page, order, gfp, migratetype); no call site. */
SEC("raw_tp/mm_page_alloc")
int BPF_PROG(kt_mm_page_alloc, struct page *page, unsigned int order)
{
	if (page && !cache_filter_on)
		on_alloc(ctx, (__u64)page ^ TRACE_SPACE_PAGE, 0,
			 TRACE_TAG(TRACE_PAGE, TRACE_NO_STACK, order), 4096ULL << (order & 31),
			 NULL, true);
	return 0;
}

SEC("raw_tp/mm_page_free")
int BPF_PROG(kt_mm_page_free, struct page *page, unsigned int order)
{
	if (page)
		on_free((__u64)page ^ TRACE_SPACE_PAGE);
	return 0;
}

SEC("raw_tp/mm_page_free_batched")
int BPF_PROG(kt_mm_page_free_batched, struct page *page)
{
	if (page)
		on_free((__u64)page ^ TRACE_SPACE_PAGE);
	return 0;
}

/* --percpu: 5.19+ percpu_alloc_percpu(call_site, reserved, is_atomic, size,
 * align, base_addr, off, ptr, bytes_alloc, gfp); before: (reserved,
 * is_atomic, size, align, base_addr, off, ptr). */
SEC("raw_tp/percpu_alloc_percpu")
int BPF_PROG(kt_percpu_alloc_percpu, __u64 a0, __u64 a1, __u64 a2, __u64 a3, __u64 a4,
	     __u64 a5, __u64 a6, __u64 a7, __u64 a8)
{
	if (cache_filter_on)
		return 0;
	if (percpu_has_site) {
		if (a7)
			on_alloc(ctx, a7 ^ TRACE_SPACE_PERCPU, a0,
				 TRACE_TAG(TRACE_PERCPU, TRACE_NO_STACK, 0), a8, NULL, false);
	} else if (a6) {
		on_alloc(ctx, a6 ^ TRACE_SPACE_PERCPU, 0,
			 TRACE_TAG(TRACE_PERCPU, TRACE_NO_STACK, 0), a2, NULL, true);
	}
	return 0;
}

/* percpu_free_percpu(base_addr, off, ptr) */
SEC("raw_tp/percpu_free_percpu")
int BPF_PROG(kt_percpu_free_percpu, void *base, int off, __u64 ptr)
{
	if (ptr)
		on_free(ptr ^ TRACE_SPACE_PERCPU);
	return 0;
}

/* --vmalloc (6.2+): alloc_vmap_area(addr, size, align, vstart, vend, failed);
 * no caller. The size counts the guard page. */
SEC("raw_tp/alloc_vmap_area")
int BPF_PROG(kt_alloc_vmap_area, __u64 addr, __u64 size, __u64 align, __u64 vstart,
	     __u64 vend, int failed)
{
	if (!failed && addr && !cache_filter_on)
		on_alloc(ctx, addr ^ TRACE_SPACE_VMALLOC, 0,
			 TRACE_TAG(TRACE_VMALLOC, TRACE_NO_STACK, 0), size, NULL, true);
	return 0;
}

/* free_vmap_area_noflush(va_start, nr_lazy, nr_lazy_max): the area is
 * released by its owner; the kernel purges it lazily later. */
SEC("raw_tp/free_vmap_area_noflush")
int BPF_PROG(kt_free_vmap_area_noflush, __u64 va_start)
{
	if (va_start)
		on_free(va_start ^ TRACE_SPACE_VMALLOC);
	return 0;
}
