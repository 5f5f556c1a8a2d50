/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-side helpers every kleak BPF program shares, included once per
 * program after vmlinux.h and libbpf's headers: the context an event runs
 * in (a task, or an interrupt that belongs to none: told by the stack it
 * runs on), the task scope (-p,
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
 * THREAD_SIZE, the size of a task's kernel stack, as user space found it
 * (target_thread_size() in trace/target.c: 16 KiB on x86-64, 32 KiB
 * with KASAN).
 */
const volatile __u64 kleak_thread_size = 16384;

/*
 * Where the program runs now (enum kleak_ctx): on the current task's
 * kernel stack, or not. Hard interrupts, and softirqs run at interrupt
 * exit or at local_bh_enable(), run on the CPU's interrupt stack (x86-64:
 * call_on_irqstack; NMIs and exceptions on their own stacks): a frame
 * outside [task->stack, task->stack + THREAD_SIZE) is interrupt context,
 * whatever task it interrupted. Softirqs that ksoftirqd runs are that
 * kernel thread's. This replaced six programs on the interrupt
 * tracepoints that kept a per-CPU flag (50-340 ns per interrupt, paid on
 * every packet a network workload handles: docs/performance.md);
 * preempt_count would say it too, but it is a per-CPU variable a program
 * reaches only as a ksym, which needs CONFIG_KALLSYMS_ALL.
 *
 * Which stack: ctx, the raw tracepoint's arguments, is an array that
 * bpf_trace_runN() keeps on the stack the tracepoint fired on (r10 is
 * not: since 6.13 a tracing program's own frame may be a per-CPU private
 * stack). The verifier lets a privileged program subtract two pointers
 * into a number, not turn one into a number: ctx minus the task (as a
 * BTF pointer) plus the task (as a number) is the array's address.
 */
static __always_inline __u32 kleak_context(void *ctx)
{
	struct task_struct *t = bpf_get_current_task_btf();
	__u64 off, sp;

	asm volatile("%[off] = %[ctx]\n\t%[off] -= %[t]"
		     : [off] "=&r"(off)
		     : [ctx] "r"(ctx), [t] "r"(t));
	sp = off + bpf_get_current_task();
	return sp - (__u64)t->stack < kleak_thread_size ? KLEAK_CTX_TASK : KLEAK_CTX_IRQ;
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
 * ctx: the program's (kleak_context).
 */
static __always_inline bool scope_ok(void *ctx)
{
	if ((scope.tgid || scope.cgroup_id || scope.comm_on) &&
	    kleak_context(ctx) != KLEAK_CTX_TASK)
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
static __always_inline void origin_fill(void *ctx, struct obj_origin *o)
{
	o->alloc_ns = kleak_clock_ns;
	o->ctx = kleak_context(ctx);
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
