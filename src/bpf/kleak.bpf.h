/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-side helpers every kleak BPF program shares, included once per
 * program after vmlinux.h and libbpf's headers: the context an event runs
 * in (a task, or an interrupt that belongs to none: the programs on the
 * interrupt tracepoints here keep it), the task scope (-p,
 * --comm, --cgroup with its walk up the cgroup ancestors, v2 or the v1
 * memory hierarchy), who allocated an object, the shape of the object map
 * and the kmalloc flavour a gfp mask picks. `scope` and the kmalloc gfp
 * bits are rodata: user space fills them before load, and the verifier
 * drops the checks left at zero.
 */
#ifndef KLEAK_BPF_KLEAK_BPF_H
#define KLEAK_BPF_KLEAK_BPF_H

#include "kleak.h"

const volatile struct kleak_scope scope;

/* gfp bits that choose a kmalloc cache (include/linux/slab.h kmalloc_type();
 * __GFP_ACCOUNT is bit 22 on 6.1 through 6.18). */
#define KLEAK_GFP_DMA 0x01u
#define KLEAK_GFP_RECLAIMABLE 0x10u
#define KLEAK_GFP_ACCOUNT 0x400000u

/*
 * The gfp bits that pick a kmalloc flavour on this kernel: those whose
 * caches exist in its slabinfo (no dma-kmalloc-N without CONFIG_ZONE_DMA,
 * no kmalloc-cg-N with memcg kmem accounting off: the kernel then serves
 * them from kmalloc-N). kmalloc_noobj_gfp: __GFP_NO_OBJ_EXT where it picks
 * the kmalloc-no-objext-N caches (its bit moves with the config), else 0.
 */
const volatile __u32 kmalloc_gfp_bits = KLEAK_GFP_DMA | KLEAK_GFP_RECLAIMABLE | KLEAK_GFP_ACCOUNT;
const volatile __u32 kmalloc_noobj_gfp;

/*
 * Whether this CPU is in interrupt context, kept by the interrupt
 * tracepoints below (softirq_entry/exit around every softirq action,
 * irq_handler_entry/exit around every device interrupt handler,
 * local_timer_entry/exit around the APIC timer's). preempt_count would
 * say it directly, but it is a per-CPU variable a BPF program can reach
 * only as a ksym, which needs CONFIG_KALLSYMS_ALL (absent on the project's
 * hosts). An interrupt does not nest in one of its own kind, so a flag
 * per kind is enough; a hard interrupt may nest in a softirq.
 */
struct kleak_irqctx {
	__u32 softirq, hardirq;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kleak_irqctx);
} irqctx SEC(".maps");

static __always_inline struct kleak_irqctx *irqctx_here(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&irqctx, &zero);
}

SEC("raw_tp/softirq_entry")
int BPF_PROG(kleak_softirq_entry)
{
	struct kleak_irqctx *c = irqctx_here();

	if (c)
		c->softirq = 1;
	return 0;
}

SEC("raw_tp/softirq_exit")
int BPF_PROG(kleak_softirq_exit)
{
	struct kleak_irqctx *c = irqctx_here();

	if (c)
		c->softirq = 0;
	return 0;
}

SEC("raw_tp/irq_handler_entry")
int BPF_PROG(kleak_irq_handler_entry)
{
	struct kleak_irqctx *c = irqctx_here();

	if (c)
		c->hardirq = 1;
	return 0;
}

SEC("raw_tp/irq_handler_exit")
int BPF_PROG(kleak_irq_handler_exit)
{
	struct kleak_irqctx *c = irqctx_here();

	if (c)
		c->hardirq = 0;
	return 0;
}

SEC("raw_tp/local_timer_entry")
int BPF_PROG(kleak_local_timer_entry)
{
	struct kleak_irqctx *c = irqctx_here();

	if (c)
		c->hardirq = 1;
	return 0;
}

SEC("raw_tp/local_timer_exit")
int BPF_PROG(kleak_local_timer_exit)
{
	struct kleak_irqctx *c = irqctx_here();

	if (c)
		c->hardirq = 0;
	return 0;
}

/* Where the program runs now (enum kleak_ctx). */
static __always_inline __u32 kleak_context(void)
{
	struct kleak_irqctx *c = irqctx_here();

	if (!c)
		return KLEAK_CTX_TASK;
	if (c->hardirq)
		return KLEAK_CTX_HARDIRQ;
	return c->softirq ? KLEAK_CTX_SOFTIRQ : KLEAK_CTX_TASK;
}

/*
 * The object map: one entry per live object, keyed by its address (XOR a
 * tag per address space where a program follows several), its value
 * starting with a struct obj_origin. User space sets max_entries.
 */
#define KLEAK_OBJ_MAP(value_type)                           \
	struct {                                            \
		__uint(type, BPF_MAP_TYPE_HASH);            \
		__uint(max_entries, KLEAK_OBJ_MAP_ENTRIES); \
		__type(key, __u64);                         \
		__type(value, value_type);                  \
	} objs SEC(".maps")

/*
 * Updates and deletes of a map, their result as the int the kernel's map
 * ops return. The helpers are declared long, but on 6.1 the verifier
 * calls a hash map's op directly and the upper half of the return
 * register is left as it was: -EEXIST read as a long then compares
 * unequal to -EEXIST, and 0 unequal to 0 (measured in the 6.1 VM: every
 * repair failed, each replaced entry counted as dropped). Only the low 32
 * bits hold the answer.
 */
static __always_inline int kleak_map_update(void *map, const void *key, const void *val,
					    __u64 flags)
{
	return (int)bpf_map_update_elem(map, key, val, flags);
}

static __always_inline int kleak_map_delete(void *map, const void *key)
{
	return (int)bpf_map_delete_elem(map, key);
}

/* Compares up to n bytes, stopping at a NUL in a. */
static __always_inline bool kleak_str_eq(const char *a, const volatile char *b, int n)
{
	for (int i = 0; i < n; i++) {
		if (a[i] != b[i])
			return false;
		if (!a[i])
			return true;
	}
	return true;
}

/* The cgroup of the current task that --cgroup names: the default (v2)
 * hierarchy's, or the one holding its v1 memory css. */
static __always_inline struct cgroup *scope_task_cgroup(void)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	if (scope.cgroup_v1)
		return BPF_CORE_READ(task, cgroups,
				     subsys[bpf_core_enum_value(enum cgroup_subsys_id,
								memory_cgrp_id)],
				     cgroup);
	return BPF_CORE_READ(task, cgroups, dfl_cgrp);
}

/* --cgroup: the task's cgroup or one of its ancestors is the one asked for. */
static __always_inline bool scope_cgroup_ok(void)
{
	struct cgroup *cg;

	if (!scope.cgroup_v1 && bpf_get_current_cgroup_id() == scope.cgroup_id)
		return true;
	cg = scope_task_cgroup();
	for (int i = 0; i < KLEAK_CGROUP_DEPTH && cg; i++) {
		if (BPF_CORE_READ(cg, kn, id) == scope.cgroup_id)
			return true;
		cg = BPF_CORE_READ(cg, self.parent, cgroup);
	}
	return false;
}

/*
 * Whether the current task is one the user asked about (-p, --cgroup,
 * --comm). An interrupt runs on behalf of no task: it never matches.
 */
static __always_inline bool scope_ok(void)
{
	if ((scope.tgid || scope.cgroup_id || scope.comm_on) && kleak_context() != KLEAK_CTX_TASK)
		return false;
	if (scope.tgid && (bpf_get_current_pid_tgid() >> 32) != scope.tgid)
		return false;
	if (scope.cgroup_id && !scope_cgroup_ok())
		return false;
	if (scope.comm_on) {
		char comm[KLEAK_COMM_LEN];

		bpf_get_current_comm(comm, sizeof(comm));
		if (!kleak_str_eq(comm, scope.comm, KLEAK_COMM_LEN))
			return false;
	}
	return true;
}

/*
 * CLOCK_MONOTONIC as user space last wrote it (trace: every
 * KLEAK_CLOCK_TICK_NS; count, which reads no ages, leaves it 0). Reading
 * the clock here, bpf_ktime_get_ns(), cost 35-40 ns of an allocation's
 * ~180 (bpf_stats, churn, 6.18): most of what kleak's allocation path
 * cost above the floor's; a load costs nothing, and ages are seconds.
 * (bpf_ktime_get_coarse_ns() would do, but tracing programs may not call
 * it.)
 */
volatile __u64 kleak_clock_ns;

/* Who allocates, now: the one place an object's owner is decided. */
static __always_inline void origin_fill(struct obj_origin *o)
{
	o->alloc_ns = kleak_clock_ns;
	o->ctx = kleak_context();
	o->tgid = o->ctx == KLEAK_CTX_TASK ? bpf_get_current_pid_tgid() >> 32 : 0;
}

/*
 * The kmalloc flavour a gfp mask selects, in the kernel's order of checks
 * (kmalloc_type()), over the bits this kernel's caches make count.
 */
static __always_inline __u32 kmalloc_type_of(__u32 gfp)
{
	if (kmalloc_noobj_gfp && (gfp & kmalloc_noobj_gfp))
		return KLEAK_KMALLOC_NO_OBJ_EXT;
	gfp &= kmalloc_gfp_bits;
	if (!(gfp & (KLEAK_GFP_DMA | KLEAK_GFP_RECLAIMABLE | KLEAK_GFP_ACCOUNT)))
		return KLEAK_KMALLOC_NORMAL;
	if (gfp & KLEAK_GFP_DMA)
		return KLEAK_KMALLOC_DMA;
	if (gfp & KLEAK_GFP_RECLAIMABLE)
		return KLEAK_KMALLOC_RECLAIM;
	return KLEAK_KMALLOC_CGROUP;
}

#endif
