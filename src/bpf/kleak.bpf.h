/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-side helpers every kleak BPF program shares, included once per
 * program after vmlinux.h and libbpf's headers: the task scope (-p,
 * --comm, --cgroup with its walk up the cgroup ancestors, v2 or the v1
 * memory hierarchy), who allocated an object, the shape of the object map
 * and the kmalloc flavour a gfp mask picks. `scope` is rodata: user space
 * fills it before load, and the verifier drops the checks left at zero.
 */
#ifndef KLEAK_BPF_KLEAK_BPF_H
#define KLEAK_BPF_KLEAK_BPF_H

#include "kleak.h"

const volatile struct kleak_scope scope;

/*
 * The object map: one entry per live object, keyed by its address (XOR a
 * tag per address space where a program follows several), its value
 * starting with a struct obj_origin. User space sets max_entries.
 */
#define KLEAK_OBJ_MAP(value_type)                                              \
	struct {                                                               \
		__uint(type, BPF_MAP_TYPE_HASH);                               \
		__uint(max_entries, KLEAK_OBJ_MAP_ENTRIES);                    \
		__type(key, __u64);                                            \
		__type(value, value_type);                                     \
	} objs SEC(".maps")

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

/* Whether the current task is one the user asked about (-p, --cgroup, --comm). */
static __always_inline bool scope_ok(void)
{
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

/* Who allocates, now: the one place an object's owner is decided. */
static __always_inline void origin_fill(struct obj_origin *o)
{
	o->alloc_ns = bpf_ktime_get_ns();
	o->tgid = bpf_get_current_pid_tgid() >> 32;
	o->pad = 0;
}

/* gfp bits that choose a kmalloc cache (include/linux/slab.h kmalloc_type();
 * __GFP_ACCOUNT is bit 22 on 6.1 through 6.18). */
#define KLEAK_GFP_DMA 0x01u
#define KLEAK_GFP_RECLAIMABLE 0x10u
#define KLEAK_GFP_ACCOUNT 0x400000u

/* The kmalloc flavour a gfp mask selects, in the kernel's order of checks. */
static __always_inline __u32 kmalloc_type_of(__u32 gfp)
{
	if (!(gfp & (KLEAK_GFP_DMA | KLEAK_GFP_RECLAIMABLE | KLEAK_GFP_ACCOUNT)))
		return KLEAK_KMALLOC_NORMAL;
	if (gfp & KLEAK_GFP_DMA)
		return KLEAK_KMALLOC_DMA;
	if (gfp & KLEAK_GFP_RECLAIMABLE)
		return KLEAK_KMALLOC_RECLAIM;
	return KLEAK_KMALLOC_CGROUP;
}

#endif
