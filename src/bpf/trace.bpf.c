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

const volatile __u64 min_size;		   /* --min-size */
const volatile __u32 sample_every = 1;	   /* --sample N: 1 in N pointers */
const volatile __u64 sample_below;	   /* 2^32 / sample_every */
const volatile __u64 sample_seed;	   /* per run: which addresses are drawn */
const volatile __u32 stack_every;	   /* --stacks: 1 in N objects, 0 = off */
const volatile __u64 stack_below;	   /* 2^16 / stack_every */
const volatile bool cache_filter_on;	   /* --cache */
const volatile __u64 kmalloc_filter_size;  /* --cache kmalloc-N: bytes_alloc */
const volatile __u32 kmalloc_filter_types; /* ... and the flavours that are that cache */
const volatile char cache_filter[TRACE_CACHE_NAME_LEN]; /* the merged cache's name */
const volatile bool cache_alloc_has_s = true;		/* kmem_cache_alloc(.., s, ..), 6.1+ */
const volatile bool percpu_has_site = true;		/* percpu_alloc_percpu call_site, 5.19+ */

KLEAK_OBJ_MAP(struct trace_obj); /* --max-entries */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1 << 14); /* user space: bounded bytes whatever the CPU count */
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

/* --cache: struct kmem_cache * -> 1 if it is the cache asked for, else 0. */
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

/*
 * The pointer mixed with the run's seed (murmur3's 64-bit finalizer):
 * alloc and free agree on it, every run draws other addresses, and the
 * regular strides of slab addresses leave no pattern in the draw (a bare
 * multiplicative hash keeps the lattice of a stride, and with it a spread
 * unlike the binomial one the error assumes).
 */
static __always_inline __u64 ptr_hash(__u64 key)
{
	__u64 h = key ^ sample_seed;

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/* Tracked: 1 in N addresses, the hash's top 32 bits below 2^32 / N. */
static __always_inline bool sampled(__u64 key)
{
	if (sample_every <= 1)
		return true;
	return (ptr_hash(key) >> 32) < sample_below;
}

/* --sample: this allocation event is one of the 1 in N counted as allocs. */
static __always_inline bool event_drawn(void)
{
	return sample_every > 1 && bpf_get_prandom_u32() < sample_below;
}

static __always_inline void cache_name_read(struct kmem_cache *s, char *name)
{
	const char *p = BPF_CORE_READ(s, name);

	if (bpf_probe_read_kernel_str(name, TRACE_CACHE_NAME_LEN, p) < 0)
		name[0] = 0;
}

/*
 * --cache: the verdict is computed once per cache and kept. The
 * tracepoints name a merged cache by the name slabinfo shows, which the
 * resolver found for whatever alias the user gave: one name to compare.
 */
static __always_inline bool cache_ok(struct kmem_cache *s)
{
	__u64 k = (__u64)s;
	char name[TRACE_CACHE_NAME_LEN];
	__u8 *v, ok;

	v = bpf_map_lookup_elem(&cache_verdicts, &k);
	if (v)
		return *v;
	cache_name_read(s, name);
	ok = kleak_str_eq(name, cache_filter, TRACE_CACHE_NAME_LEN);
	kleak_map_update(&cache_verdicts, &k, &ok, BPF_NOEXIST);
	return ok;
}

/* The call site's per-CPU sums, created on this CPU's first use. */
static __always_inline struct trace_site_val *site_sums(struct trace_site_key *key,
							struct kmem_cache *s)
{
	struct trace_site_val *v, init = {};

	v = bpf_map_lookup_elem(&sites, key);
	if (v)
		return v;
	/* first time on this CPU: rare path */
	if (s) {
		char name[TRACE_CACHE_NAME_LEN];
		__u64 k = (__u64)s;

		if (!bpf_map_lookup_elem(&cache_names, &k)) {
			cache_name_read(s, name);
			kleak_map_update(&cache_names, &k, name, BPF_NOEXIST);
		}
	}
	kleak_map_update(&sites, key, &init, BPF_NOEXIST);
	v = bpf_map_lookup_elem(&sites, key);
	if (!v)
		count(TC_DROPPED_SITES);
	return v;
}

/* An entry replaced or removed: its free was missed. */
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
	if (kleak_map_delete(&objs, &key) == 0)
		site_repair(&site, size);
}

/* Which of the two draws an allocation at key is in (exact: tracked only). */
struct draw {
	bool obj; /* its address is tracked */
	bool ev;  /* --sample: counted among the allocation events */
};

static __always_inline struct draw draw_of(__u64 key)
{
	struct draw d = { .obj = sampled(key), .ev = event_drawn() };

	return d;
}

/* A stack id, counted when none could be had (-EEXIST: the bucket holds another). */
static __always_inline long stack_take(void *ctx)
{
	long id = bpf_get_stackid(ctx, &stacks, 0);

	if (id < 0) {
		count(TC_STACK_ERRORS);
		if (id == -EEXIST)
			count(TC_STACK_COLLISIONS);
	}
	return id;
}

/* Inserts the object, or replaces a stale entry at its address. */
static __always_inline void track(__u64 key, struct trace_obj *o, struct kmem_cache *s)
{
	struct trace_site_val *v;
	struct trace_obj old, *cur;
	int ret;

	ret = kleak_map_update(&objs, &key, o, BPF_NOEXIST);
	if (ret == -EEXIST) {
		/* The address is handed out again: the free was missed. */
		cur = bpf_map_lookup_elem(&objs, &key);
		if (cur) {
			old = *cur;
			ret = kleak_map_update(&objs, &key, o, BPF_EXIST);
			if (ret == 0)
				site_repair(&old.site, old.size);
		}
	}
	if (ret) {
		count(TC_DROPPED_OBJECTS);
		return;
	}
	v = site_sums(&o->site, s);
	if (v) {
		v->objs++;
		v->obj_bytes += o->size;
	}
}

/*
 * tag: the site's tag (see trace.h); for kinds without a call site the
 * stack taken here goes into it (need_stack).
 */
static __always_inline void on_alloc(void *ctx, struct draw d, __u64 key, __u64 site, __u64 tag,
				     __u64 size, struct kmem_cache *s, bool need_stack)
{
	struct trace_site_val *v;
	struct trace_obj o;

	if (!d.obj && !d.ev)
		return;
	if (size < min_size || !scope_ok(ctx)) {
		if (d.obj)
			forget(key);
		return;
	}
	o.site.call_site = site;
	o.site.tag = tag;
	o.stack_id = -1;
	if (need_stack) {
		long id = stack_take(ctx);

		if (id >= 0)
			o.site.tag = (tag & ~(TRACE_NO_STACK << 32)) | ((__u64)id << 32);
	} else if (d.obj && stack_every && ((ptr_hash(key) >> 16) & 0xffff) < stack_below) {
		o.stack_id = stack_take(ctx);
	}
	o.size = size < 0xffffffffULL ? size : 0xffffffffULL;
	if (d.ev && (v = site_sums(&o.site, s))) {
		v->allocs++;
		v->alloc_bytes += o.size;
	}
	if (!d.obj)
		return;
	origin_fill(ctx, &o.origin);
	track(key, &o, s);
}

static __always_inline void on_free(__u64 key)
{
	struct trace_site_val *v;
	struct trace_obj *cur;
	struct trace_site_key site;
	__u32 size;
	int ret;

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
	ret = kleak_map_delete(&objs, &key);
	v = bpf_map_lookup_elem(&sites, &site);
	if (ret) {
		if (ret != -ENOENT) {
			count(TC_MISSED_DELETES);
			if (v) /* the entry stays: its site's objects are unconfirmed */
				v->missed_deletes++;
		}
		return;
	}
	if (v) {
		v->frees++;
		v->free_bytes += size;
	}
}

/* kmalloc's site tag: its flavour (from the gfp flags) and size class. */
static __always_inline __u64 kmalloc_tag(__u64 bytes_alloc, __u32 type)
{
	return TRACE_TAG(TRACE_KMALLOC, TRACE_NO_STACK,
			 bytes_alloc < 16384 ? TRACE_KMALLOC_EXTRA(type, bytes_alloc) : 0);
}

/* --cache kmalloc-N: the size and a flavour that is that cache. */
static __always_inline bool kmalloc_ok(struct draw d, __u64 ptr, __u64 bytes_alloc, __u32 type)
{
	if (!cache_filter_on)
		return true;
	if (kmalloc_filter_size && bytes_alloc == kmalloc_filter_size &&
	    ((kmalloc_filter_types >> type) & 1))
		return true;
	if (d.obj)
		forget(ptr);
	return false;
}

static __always_inline void kmalloc_event(void *ctx, __u64 call_site, __u64 ptr, __u64 bytes_alloc,
					  __u32 gfp)
{
	struct draw d;
	__u32 type;

	if (!ptr)
		return;
	d = draw_of(ptr);
	if (!d.obj && !d.ev)
		return;
	type = kmalloc_type_of(gfp);
	if (kmalloc_ok(d, ptr, bytes_alloc, type))
		on_alloc(ctx, d, ptr, call_site, kmalloc_tag(bytes_alloc, type), bytes_alloc, NULL,
			 false);
}

/* kmalloc(call_site, ptr, bytes_req, bytes_alloc, gfp_flags, node) */
SEC("raw_tp/kmalloc")
int BPF_PROG(kt_kmalloc, unsigned long call_site, const void *ptr, size_t req, size_t alloc,
	     gfp_t gfp)
{
	kmalloc_event(ctx, call_site, (__u64)ptr, alloc, gfp);
	return 0;
}

/* Before 6.1 (commit 11e9734bcb6a "mm/slab_common: unify NUMA and UMA
 * version of tracepoints"): kmalloc_node, same first five arguments. */
SEC("raw_tp/kmalloc_node")
int BPF_PROG(kt_kmalloc_node, unsigned long call_site, const void *ptr, size_t req, size_t alloc,
	     gfp_t gfp)
{
	kmalloc_event(ctx, call_site, (__u64)ptr, alloc, gfp);
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
static __always_inline void cache_alloc(void *ctx, __u64 call_site, __u64 ptr, __u64 arg2,
					__u64 arg3)
{
	struct kmem_cache *s = NULL;
	struct draw d;
	__u64 size;

	/* the draws first: an object in neither costs no read of s->size */
	if (!ptr)
		return;
	d = draw_of(ptr);
	if (!d.obj && !d.ev)
		return;
	if (cache_alloc_has_s) {
		s = (struct kmem_cache *)arg2;
		size = BPF_CORE_READ(s, size);
		if (cache_filter_on && !cache_ok(s)) {
			if (d.obj)
				forget(ptr);
			return;
		}
	} else {
		if (cache_filter_on) {
			if (d.obj)
				forget(ptr);
			return;
		}
		size = arg3;
	}
	on_alloc(ctx, d, ptr, call_site, s ? (__u64)s : TRACE_TAG(TRACE_CACHE, TRACE_NO_STACK, 0),
		 size, s, false);
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
	__u64 key = (__u64)page ^ TRACE_SPACE_PAGE;

	if (page && !cache_filter_on)
		on_alloc(ctx, draw_of(key), key, 0, TRACE_TAG(TRACE_PAGE, TRACE_NO_STACK, order),
			 4096ULL << (order & 31), NULL, true);
	return 0;
}

/*
 * Every page free passes free_pages_prepare(), which fires mm_page_free;
 * a batched free (free_unref_folios, 6.1's free_unref_page_list) then also
 * fires mm_page_free_batched for the same page. Only mm_page_free is
 * followed: the batched event would report each such free a second time.
 */
SEC("raw_tp/mm_page_free")
int BPF_PROG(kt_mm_page_free, struct page *page, unsigned int order)
{
	if (page)
		on_free((__u64)page ^ TRACE_SPACE_PAGE);
	return 0;
}

/* --percpu: 5.19+ percpu_alloc_percpu(call_site, reserved, is_atomic, size,
 * align, base_addr, off, ptr, bytes_alloc, gfp); before: (reserved,
 * is_atomic, size, align, base_addr, off, ptr). */
SEC("raw_tp/percpu_alloc_percpu")
int BPF_PROG(kt_percpu_alloc_percpu, __u64 a0, __u64 a1, __u64 a2, __u64 a3, __u64 a4, __u64 a5,
	     __u64 a6, __u64 a7, __u64 a8)
{
	__u64 key;

	if (cache_filter_on)
		return 0;
	if (percpu_has_site) {
		key = a7 ^ TRACE_SPACE_PERCPU;
		if (a7)
			on_alloc(ctx, draw_of(key), key, a0,
				 TRACE_TAG(TRACE_PERCPU, TRACE_NO_STACK, 0), a8, NULL, false);
	} else if (a6) {
		key = a6 ^ TRACE_SPACE_PERCPU;
		on_alloc(ctx, draw_of(key), key, 0, TRACE_TAG(TRACE_PERCPU, TRACE_NO_STACK, 0), a2,
			 NULL, true);
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
int BPF_PROG(kt_alloc_vmap_area, __u64 addr, __u64 size, __u64 align, __u64 vstart, __u64 vend,
	     int failed)
{
	__u64 key = addr ^ TRACE_SPACE_VMALLOC;

	if (!failed && addr && !cache_filter_on)
		on_alloc(ctx, draw_of(key), key, 0, TRACE_TAG(TRACE_VMALLOC, TRACE_NO_STACK, 0),
			 size, NULL, true);
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
